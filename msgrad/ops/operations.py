"""MindSpore's primitive classes: configured once in `__init__`, applied by calling.

    self.matmul = ops.MatMul(transpose_b=True)    # in Cell.__init__
    y = self.matmul(x, self.w)                    # in construct

Calling an instance runs its `__call__`, which reaches the primitive table, eagerly or while
the compiler traces it."""
from .. import primitives as P
from ..primitives import reaches
from ..nn.cell import Cell
from ..tensor import _axis, _dtype_name, _shape


class Primitive:
    """Base of the primitive classes; the compiler calls instances of its subclasses."""

    def __repr__(self):
        return f"Prim[{type(self).__name__}]"

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        Cell.changes += 1           # code generated for the old attribute is stale


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
(Abs, Square, Rsqrt, Reciprocal, Log1p, Expm1, Erf, Tan, Sinh, Cosh, Asin, ACos, Atan, Asinh, Acosh,
 Atanh, Atan2, FloorMod, Select) = (_applying(n, p) for n, p in [
    ("Abs", P.abs), ("Square", P.square), ("Rsqrt", P.rsqrt), ("Reciprocal", P.reciprocal),
    ("Log1p", P.log1p), ("Expm1", P.expm1), ("Erf", P.erf), ("Tan", P.tan), ("Sinh", P.sinh),
    ("Cosh", P.cosh), ("Asin", P.arcsin), ("ACos", P.arccos), ("Atan", P.arctan), ("Asinh", P.arcsinh),
    ("Acosh", P.arccosh), ("Atanh", P.arctanh), ("Atan2", P.arctan2), ("FloorMod", P.mod),
    ("Select", P.where)])
(Sign, Floor, Ceil, FloorDiv, Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual, LogicalAnd,
 LogicalOr, LogicalNot, ZerosLike, OnesLike) = (_applying(n, p) for n, p in [
    ("Sign", P.sign), ("Floor", P.floor), ("Ceil", P.ceil), ("FloorDiv", P.floor_divide),
    ("Greater", P.greater), ("GreaterEqual", P.greater_equal), ("Less", P.less),
    ("LessEqual", P.less_equal), ("Equal", P.equal), ("NotEqual", P.not_equal),
    ("LogicalAnd", P.logical_and), ("LogicalOr", P.logical_or), ("LogicalNot", P.logical_not),
    ("ZerosLike", P.zeros_like), ("OnesLike", P.ones_like)])


class Round(Primitive):
    """`ops.Round()(x, decimals=0)`: to the nearest integer, halves to even."""

    @reaches
    def __call__(self, input, decimals=0):
        return P.round(input, decimals=decimals)


class Cast(Primitive):
    """`ops.Cast()(x, dtype)`: x as another dtype; the gradient comes back in x's dtype."""

    @reaches
    def __call__(self, input_x, dtype):
        return P.cast(input_x, dtype=_dtype_name(dtype))


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


class ReduceProd(_Reduce):
    """`ops.ReduceProd(keep_dims)(x, axis)`: the product over `axis` (all axes when empty)."""
    prim = P.reduce_prod


class ReduceMax(_Reduce):
    """`ops.ReduceMax(keep_dims)(x, axis)`: the maximum over `axis`; tied maxima share the gradient."""
    prim = P.reduce_max


class ReduceMin(_Reduce):
    """`ops.ReduceMin(keep_dims)(x, axis)`: the minimum over `axis`; tied minima share the gradient."""
    prim = P.reduce_min


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


class Argmax(Primitive):
    """`ops.Argmax(axis=-1, output_type=mstype.int32)(x)`: the indices of the maxima."""
    prim = P.argmax

    def __init__(self, axis=-1, output_type=None):
        self.axis, self.output_type = axis, "int32" if output_type is None else _dtype_name(output_type)

    def __call__(self, x):
        return P.cast(self.prim(x, axis=self.axis), dtype=self.output_type)


class Argmin(Argmax):
    """`ops.Argmin(axis=-1, output_type=mstype.int32)(x)`: the indices of the minima."""
    prim = P.argmin


reaches(Argmax.__call__)


class ArgMaxWithValue(Primitive):
    """`ops.ArgMaxWithValue(axis=0, keep_dims=False)(x)`: (indices, values) of the maxima along
    `axis`; the gradient of the values reaches the first maximum only."""
    find = P.argmax

    def __init__(self, axis=0, keep_dims=False):
        self.axis, self.keep_dims = axis, keep_dims

    def __call__(self, x):
        values, index = P.extremum_and_index(x, self.find, self.axis, self.keep_dims)
        return index, values


class ArgMinWithValue(ArgMaxWithValue):
    """`ops.ArgMinWithValue(axis=0, keep_dims=False)(x)`: (indices, values) of the minima."""
    find = P.argmin


reaches(ArgMaxWithValue.__call__)


class CumSum(Primitive):
    """`ops.CumSum()(x, axis)`: the cumulative sum along `axis`."""

    def __init__(self, exclusive=False, reverse=False):
        if exclusive or reverse:
            raise TypeError("msgrad's ops.CumSum supports neither exclusive nor reverse")

    @reaches
    def __call__(self, input, axis):
        return P.cumsum(input, axis=axis)


class ExpandDims(Primitive):
    """`ops.ExpandDims()(x, axis)`: x with a new axis of length 1 at `axis`."""

    @reaches
    def __call__(self, input_x, axis):
        return P.expand_dims(input_x, axis=axis)


class Squeeze(Primitive):
    """`ops.Squeeze(axis=())(x)`: x without its length-1 axes `axis` (all of them when empty)."""

    def __init__(self, axis=()):
        self.axis = _axis(axis)

    @reaches
    def __call__(self, input):
        return P.squeeze(input, axis=None if self.axis == () else self.axis)


class Flatten(Primitive):
    """`ops.Flatten()(x)`: x as a matrix with its first axis kept."""

    @reaches
    def __call__(self, input_x):
        return P.flatten(input_x, start_dim=1)


class Concat(Primitive):
    """`ops.Concat(axis=0)(tensors)`: the tensors joined along `axis`."""

    def __init__(self, axis=0):
        self.axis = axis

    @reaches
    def __call__(self, tensors):
        return P.concat(tensors, self.axis)


class Stack(Concat):
    """`ops.Stack(axis=0)(tensors)`: the tensors joined along a new axis."""

    @reaches
    def __call__(self, *tensors):
        return P.stack(tensors[0] if len(tensors) == 1 else tensors, self.axis)


class Split(Primitive):
    """`ops.Split(axis=0, output_num=1)(x)`: a tuple of `output_num` equal pieces along `axis`."""

    def __init__(self, axis=0, output_num=1):
        self.axis, self.output_num = axis, output_num

    @reaches
    def __call__(self, input_x):
        return P.split(input_x, self.output_num, self.axis)


class Tile(Primitive):
    """`ops.Tile()(x, multiples)`: x repeated `multiples` times along each axis."""

    @reaches
    def __call__(self, input, dims):
        return P.tile(input, reps=_shape((dims,)))


class BroadcastTo(Primitive):
    """`ops.BroadcastTo(shape)(x)`: x broadcast to `shape` (-1 keeps x's length)."""

    def __init__(self, shape):
        self.shape = _shape((shape,))

    @reaches
    def __call__(self, input):
        return P.broadcast_to(input, shape=self.shape)


class Gather(Primitive):
    """`ops.Gather()(params, indices, axis)`: the slices of params at `indices` along `axis`."""

    def __init__(self, batch_dims=0):
        if batch_dims:
            raise TypeError("msgrad's ops.Gather takes no batch_dims")

    @reaches
    def __call__(self, input_params, input_indices, axis):
        return P.gather(input_params, input_indices, axis=axis)


class GatherD(Primitive):
    """`ops.GatherD()(x, dim, index)`: the elements of x at `index` along `dim`."""

    @reaches
    def __call__(self, x, dim, index):
        return P.take_along_axis(x, index, axis=dim)


class OneHot(Primitive):
    """`ops.OneHot(axis=-1)(indices, depth, on_value, off_value)`."""

    def __init__(self, axis=-1):
        self.axis = axis

    @reaches
    def __call__(self, indices, depth, on_value, off_value):
        return P.one_hot(indices, on_value, off_value, depth=depth, axis=self.axis)


class Einsum(Primitive):
    """`ops.Einsum(equation)((x, y))`: np.einsum of two operands."""

    def __init__(self, equation):
        self.equation = equation

    @reaches
    def __call__(self, operands):
        return P.einsum(*operands, equation=P.einsum_operands(self.equation, operands))
