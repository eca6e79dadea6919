"""Test helpers: central finite differences in float64, and modules written from source text
(msgrad reads construct's source, so test programs must live in real files)."""
import importlib.util
import itertools
import pathlib
import sys
import tempfile

import numpy as np

import msgrad as ms
from msgrad.compiler.ir import leaves, map_leaves
from msgrad import ops

_modules = pathlib.Path(tempfile.mkdtemp(prefix="msgrad_tests_"))
_serial = itertools.count()
sys.path.append(str(_modules))          # so test programs can import each other

PRELUDE = """\
import numpy as np
import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops
from msgrad import Tensor, Parameter
"""


# The tutorial's GradNet: a Cell whose construct takes the gradient of another (higher order).
GRADNET = '''
class GradNet(nn.Cell):
    def __init__(self, net):
        super().__init__()
        self.net = net
        self.grad_op = ops.GradOperation()

    def construct(self, x):
        return self.grad_op(self.net)(x)
'''


def load_module(source, name=None):
    """Import `source` (with PRELUDE's imports) from a file of its own."""
    path = _modules / f"{name or 'program_%d' % next(_serial)}.py"
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
        return sum(float(np.sum(np.asarray(o) * s)) for o, s in zip(leaves(out), leaves(sens)))

    def differentiate(array):
        grad = np.zeros_like(array)
        if _is_integer(array):
            return grad
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
    differences, for a random output gradient; return the gradient function. Integer inputs
    (indices) stay integers, and their gradient must be zero."""
    rng = rng or np.random.default_rng(0)
    inputs = [a if _is_integer(a) else np.array(a, dtype=np.float64) for a in inputs]
    out = net(*[ms.Tensor(a) for a in inputs])
    sens = map_leaves(out, lambda o: rng.standard_normal(np.shape(o)))
    weights = ms.ParameterTuple(net.trainable_params())
    target = net.fn if isinstance(net, _AsCell) else net
    grad_fn = ops.GradOperation(get_all=True, get_by_list=True, sens_param=True)(target, weights)
    got_inputs, got_params = grad_fn(*[ms.Tensor(a) for a in inputs], map_leaves(sens, ms.Tensor))
    want_inputs, want_params = numeric_vjp(net, inputs, sens)
    for got, want in zip(list(got_inputs) + list(got_params), want_inputs + want_params):
        assert got.shape == want.shape
        np.testing.assert_allclose(got.asnumpy(), want, rtol=rtol, atol=atol, err_msg=grad_fn.source)
    return grad_fn


def distinct(array, low, high):
    """`array` with its elements spread evenly over (low, high), in the same order, so no two
    tie (ties have no derivative in max, min, ...)."""
    ranks = np.argsort(np.argsort(array, axis=None, kind="stable")).reshape(np.shape(array))
    return low + (high - low) * (ranks + 1) / (np.size(array) + 1)


def _is_integer(array):
    return np.issubdtype(np.asarray(array).dtype, np.integer)


def compiled_forward(net, inputs):
    """What the generated forward code computes for `net(*inputs)` (Tensor inputs)."""
    from msgrad.compiler import cache
    instance, fn = (net, type(net).construct) if hasattr(net, "construct") else (None, net)
    program = cache.program_for(fn, instance, tuple(None if isinstance(a, ms.Tensor) else a for a in inputs))
    params = [cache.resolve(instance, ref.path).asnumpy() for ref in program.params]
    results = cache.pair_for(program).forward(*params, *[a.asnumpy() for a in inputs if isinstance(a, ms.Tensor)])
    return results[:-1]


def check_function(fn, inputs, rng=None, rtol=1e-5, atol=1e-6, on_arrays=False):
    """`check_gradients` for a plain function of Tensors (no parameters); `on_arrays`: of numpy
    arrays instead (it calls runtime helpers), eagerly."""
    return check_gradients(_AsCell(fn, on_arrays), inputs, rng, rtol, atol)


class _AsCell:
    """Just enough of a Cell for check_gradients: calling it, and no parameters."""

    def __init__(self, fn, on_arrays=False):
        self.fn, self.on_arrays = fn, on_arrays

    def __call__(self, *args):
        if self.on_arrays:
            return ms.Tensor(self.fn(*[a.asnumpy() for a in args]))
        return self.fn(*args)

    def trainable_params(self):
        return []
