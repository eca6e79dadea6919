"""Test helpers: central finite differences in float64, and modules written from source text
(msgrad reads construct's source, so test programs must live in real files)."""
import importlib.util
import itertools
import pathlib
import tempfile

import numpy as np

import msgrad as ms
from msgrad import ops

_modules = pathlib.Path(tempfile.mkdtemp(prefix="msgrad_tests_"))
_serial = itertools.count()

PRELUDE = """\
import numpy as np
import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops
from msgrad import Tensor, Parameter
"""


def load_module(source):
    """Import `source` (with PRELUDE's imports) from a file of its own."""
    path = _modules / f"program_{next(_serial)}.py"
    path.write_text(PRELUDE + source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def numeric_vjp(net, inputs, sens, eps=1e-6):
    """d<sens, net(*inputs)>/d(each input and each trainable parameter), by central differences
    on the eager forward pass."""
    def objective():
        out = net(*[ms.Tensor(a) for a in inputs])
        return sum(float(np.sum(np.asarray(o) * s)) for o, s in zip(_leaves(out), _leaves(sens)))

    def differentiate(array):
        grad = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            saved = array[index]
            array[index] = saved + eps
            up = objective()
            array[index] = saved - eps
            down = objective()
            array[index] = saved
            grad[index] = (up - down) / (2 * eps)
        return grad

    input_grads = [differentiate(a) for a in inputs]
    param_grads = [differentiate(p.asnumpy()) for p in net.trainable_params()]
    return input_grads, param_grads


def check_gradients(net, inputs, rng=None, rtol=1e-5, atol=1e-6):
    """Compare msgrad's gradients of every input and trainable parameter with finite
    differences, for a random output gradient; return the gradient function."""
    rng = rng or np.random.default_rng(0)
    inputs = [np.array(a, dtype=np.float64) for a in inputs]
    out = net(*[ms.Tensor(a) for a in inputs])
    sens = _map(out, lambda o: rng.standard_normal(np.shape(o)))
    weights = ms.ParameterTuple(net.trainable_params())
    target = net.fn if isinstance(net, _AsCell) else net
    grad_fn = ops.GradOperation(get_all=True, get_by_list=True, sens_param=True)(target, weights)
    got_inputs, got_params = grad_fn(*[ms.Tensor(a) for a in inputs], _map(sens, ms.Tensor))
    want_inputs, want_params = numeric_vjp(net, inputs, sens)
    for got, want in zip(list(got_inputs) + list(got_params), want_inputs + want_params):
        assert got.shape == want.shape
        np.testing.assert_allclose(got.asnumpy(), want, rtol=rtol, atol=atol, err_msg=grad_fn.source)
    return grad_fn


def _leaves(value):
    if isinstance(value, (tuple, list)):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


def _map(value, fn):
    if isinstance(value, (tuple, list)):
        return tuple(_map(v, fn) for v in value)
    return fn(value)


def check_function(fn, inputs, rng=None, rtol=1e-5, atol=1e-6):
    """`check_gradients` for a plain function of Tensors (no parameters)."""
    return check_gradients(_AsCell(fn), inputs, rng, rtol, atol)


class _AsCell:
    """Just enough of a Cell for check_gradients: calling it, and no parameters."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args):
        return self.fn(*args)

    def trainable_params(self):
        return []
