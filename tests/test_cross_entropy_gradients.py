"""cross_entropy's gradients, as generated code calls them (the runtime's cross_entropy_grad_*),
compiled again: traced into primitives, they compute what the runtime computes, and their own
gradients (second derivatives of the loss) match finite differences."""
import numpy as np
import pytest

import msgrad as ms

from gradcheck import check_function, compiled_forward, load_module

RNG = np.random.default_rng(7)
CLASSES = np.array([0, 2, -100, 2])            # class indices; -100 marks a sample left out
PROBABILITIES = RNG.dirichlet(np.ones(3), size=4)

CASES = [  # (helper, logits shape, target, with weight, reduction, label smoothing)
    ("logits", (4, 3), CLASSES, True, "mean", 0.0),
    ("logits", (4, 3), PROBABILITIES, False, "sum", 0.2),
    ("logits", (3,), np.array(1), True, "none", 0.1),
    ("logits", (2, 3, 2), CLASSES.reshape(2, 2), True, "mean", 0.1),
    ("target", (4, 3), PROBABILITIES, True, "mean", 0.3),
    ("target", (4, 3), PROBABILITIES, False, "none", 0.0),
    ("target", (4, 3), CLASSES, True, "mean", 0.0),
    ("weight", (4, 3), CLASSES, True, "mean", 0.2),
    ("weight", (4, 3), PROBABILITIES, True, "mean", 0.0),
    ("weight", (2, 3, 2), CLASSES.reshape(2, 2), True, "sum", 0.0),
]


def _function(helper, weighted, reduction, label_smoothing):
    weight = "weight" if weighted else "None"
    source = (f"from msgrad import runtime\n\n\ndef f(g, logits, target{', weight' if weighted else ''}):\n"
              f"    return runtime.cross_entropy_grad_{helper}(g, logits, target, {weight}, -100, "
              f"{reduction!r}, {label_smoothing})\n")
    return load_module(source).f


@pytest.mark.parametrize("helper, shape, target, weighted, reduction, label_smoothing", CASES)
def test_traced_cross_entropy_gradient(helper, shape, target, weighted, reduction, label_smoothing):
    fn = _function(helper, weighted, reduction, label_smoothing)
    logits = RNG.standard_normal(shape)
    samples = shape[:1] + shape[2:] if len(shape) > 1 else ()
    g = RNG.standard_normal(samples if reduction == "none" else ())
    inputs = [g, logits, target] + ([RNG.uniform(0.5, 2, shape[1 if len(shape) > 1 else 0])] if weighted else [])
    (traced,) = compiled_forward(fn, [ms.Tensor(a) for a in inputs])
    np.testing.assert_allclose(traced, fn(*inputs), rtol=1e-12, atol=1e-12)
    check_function(fn, inputs, on_arrays=True)
