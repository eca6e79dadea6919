"""MindSpore's primitive classes: configured once in `__init__`, applied by calling.

    self.matmul = ops.MatMul(transpose_b=True)    # in Cell.__init__
    y = self.matmul(x, self.w)                    # in construct

Calling an instance runs its `__call__`, which reaches the primitive table, eagerly or while
the compiler traces it."""
from .. import primitives as P
from ..primitives import reaches
from ..tensor import _axis, _shape


class Primitive:
    """Base of the primitive classes; the compiler calls instances of its subclasses."""

    def __repr__(self):
        return f"Prim[{type(self).__name__}]"


def _applying(name, prim):
    """A primitive class whose instances apply `prim` to their arguments: `ops.Exp()(x)`."""
    cls = type(name, (Primitive,), {"__call__": lambda self, *args: prim(*args),
                                    "__doc__": f"`ops.{name}()(...)` computes {prim.name}."})
    reaches(cls.__call__)
    return cls


Exp, Log, Sin, Cos, Tanh, Sqrt, Neg, StopGradient = (_applying(n, p) for n, p in [
    ("Exp", P.exp), ("Log", P.log), ("Sin", P.sin), ("Cos", P.cos), ("Tanh", P.tanh), ("Sqrt", P.sqrt),
    ("Neg", P.negative), ("StopGradient", P.stop_gradient)])
Add, Sub, Mul, Div, RealDiv, Pow, Maximum, Minimum = (_applying(n, p) for n, p in [
    ("Add", P.add), ("Sub", P.subtract), ("Mul", P.multiply), ("Div", P.divide), ("RealDiv", P.divide),
    ("Pow", P.power), ("Maximum", P.maximum), ("Minimum", P.minimum)])


class MatMul(Primitive):
    """`ops.MatMul(transpose_a, transpose_b)(x, y)`: a product of matrices, either transposed first."""

    def __init__(self, transpose_a=False, transpose_b=False):
        self.transpose_a, self.transpose_b = transpose_a, transpose_b

    @reaches
    def __call__(self, x, y):
        if self.transpose_a:
            x = P.swapaxes(x, axis1=-1, axis2=-2)
        if self.transpose_b:
            y = P.swapaxes(y, axis1=-1, axis2=-2)
        return P.matmul(x, y)


class BatchMatMul(MatMul):
    """`ops.BatchMatMul(transpose_a, transpose_b)(x, y)`: MatMul over leading batch axes."""


class _Reduce(Primitive):
    prim = None

    def __init__(self, keep_dims=False):
        self.keep_dims = keep_dims

    def __call__(self, x, axis=()):
        axis = _axis(axis)
        return self.prim(x, axis=None if axis == () else axis, keepdims=self.keep_dims)


class ReduceSum(_Reduce):
    """`ops.ReduceSum(keep_dims)(x, axis)`: the sum over `axis` (all axes when empty)."""
    prim = P.reduce_sum


class ReduceMean(_Reduce):
    """`ops.ReduceMean(keep_dims)(x, axis)`: the mean over `axis` (all axes when empty)."""
    prim = P.reduce_mean


reaches(_Reduce.__call__)


class Reshape(Primitive):
    """`ops.Reshape()(x, shape)`."""

    @reaches
    def __call__(self, x, shape):
        return P.reshape(x, shape=_shape((shape,)))


class Transpose(Primitive):
    """`ops.Transpose()(x, perm)`."""

    @reaches
    def __call__(self, x, perm):
        return P.transpose(x, axes=_shape((perm,)))
