"""MindSpore's functional operations (`ops.exp`, `ops.sum`, ...), each reaching the primitive table.

Signatures follow MindSpore 2.10 (`ops.sum(input, dim, keepdim)`, `ops.mean(x, axis, keep_dims)`)."""
import itertools

import numpy as np

from .. import dtype as mstype, primitives as P
from ..primitives import Symbol, reaches
from ..tensor import Tensor, _axis, _dtype_name, _shape
from . import operations

add, sub, mul, div = P.add, P.subtract, P.multiply, P.divide
neg = negative = P.negative
maximum, minimum = P.maximum, P.minimum
exp, log, sin, cos, tanh, sqrt = P.exp, P.log, P.sin, P.cos, P.tanh, P.sqrt
abs = absolute = P.abs
square, rsqrt, reciprocal, log1p, expm1, erf = P.square, P.rsqrt, P.reciprocal, P.log1p, P.expm1, P.erf
exp2, log2, log10, tan, sinh, cosh = P.exp2, P.log2, P.log10, P.tan, P.sinh, P.cosh
asin = arcsin = P.arcsin
acos = arccos = P.arccos
atan = arctan = P.arctan
asinh = arcsinh = P.arcsinh
acosh = arccosh = P.arccosh
atanh = arctanh = P.arctanh
atan2 = arctan2 = P.arctan2
remainder = floor_mod = P.mod
where = select = P.where
sign, floor, ceil = P.sign, P.floor, P.ceil
floor_divide = floor_div = P.floor_divide
greater = gt = P.greater
greater_equal = ge = P.greater_equal
less = lt = P.less
less_equal = le = P.less_equal
equal = eq = P.equal
not_equal = ne = P.not_equal
logical_and, logical_or, logical_not = P.logical_and, P.logical_or, P.logical_not
matmul = bmm = P.matmul
stop_gradient = P.stop_gradient


@reaches
def pow(input, exponent):
    return P.power(input, exponent)


@reaches
def dot(input, other):
    return P.matmul(input, other)


@reaches
def sum(input, dim=None, keepdim=False, *, dtype=None):
    return P.reduce_sum(input, axis=_axis(dim), keepdims=keepdim)


@reaches
def mean(x, axis=None, keep_dims=False):
    return P.reduce_mean(x, axis=_axis(axis), keepdims=keep_dims)


@reaches
def reshape(input, shape):
    return P.reshape(input, shape=_shape((shape,)))


@reaches
def transpose(input, input_perm):
    return P.transpose(input, axes=_shape((input_perm,)))


@reaches
def permute(input, axis):
    return P.transpose(input, axes=_shape((axis,)))


@reaches
def round(input, *, decimals=0):
    return P.round(input, decimals=decimals)


@reaches
def clamp(input, min=None, max=None):
    """`input` within [min, max]; the gradient reaches `input` at the bounds too."""
    return P.clip(input, min, max)


clip = clamp


@reaches
def clip_by_value(x, clip_value_min=None, clip_value_max=None):
    """maximum, then minimum, as MindSpore computes it: at a bound, the gradient is split in half."""
    if clip_value_min is not None:
        x = P.maximum(x, clip_value_min)
    if clip_value_max is not None:
        x = P.minimum(x, clip_value_max)
    return x


@reaches
def cast(input, dtype):
    return P.cast(input, dtype=_dtype_name(dtype))


# -- reductions ----------------------------------------------------------------------------------
@reaches
def prod(input, axis=None, keep_dims=False, dtype=None):
    return P.reduce_prod(input, axis=_axis(axis), keepdims=keep_dims)


@reaches
def max(input, axis=None, keepdims=False, *, initial=None, where=None):
    """(maximum values, their indices); along an axis, the gradient reaches the first maximum
    only, and over all elements it is split among tied maxima, as in MindSpore."""
    _no_initial_or_where("ops.max", initial, where)
    if axis is None:
        return P.reduce_max(input), P.argmax(input)
    return P.extremum_and_index(input, P.argmax, axis, keepdims)


@reaches
def min(input, axis=None, keepdims=False, *, initial=None, where=None):
    """(minimum values, their indices), with the gradient as in `max`."""
    _no_initial_or_where("ops.min", initial, where)
    if axis is None:
        return P.reduce_min(input), P.argmin(input)
    return P.extremum_and_index(input, P.argmin, axis, keepdims)


def _no_initial_or_where(name, initial, where):
    if initial is not None or where is not None:
        raise TypeError(f"msgrad's {name} takes no `initial` or `where`")


@reaches
def amax(input, axis=None, keepdims=False, *, initial=None, where=None):
    _no_initial_or_where("ops.amax", initial, where)
    return P.reduce_max(input, axis=_axis(axis), keepdims=keepdims)


@reaches
def amin(input, axis=None, keepdims=False, *, initial=None, where=None):
    _no_initial_or_where("ops.amin", initial, where)
    return P.reduce_min(input, axis=_axis(axis), keepdims=keepdims)


@reaches
def reduce_max(x, axis=()):
    return operations.ReduceMax()(x, axis)


@reaches
def reduce_min(x, axis=()):
    return operations.ReduceMin()(x, axis)


@reaches
def argmax(input, dim=None, keepdim=False):
    return P.argmax(input, axis=dim, keepdims=keepdim)


@reaches
def argmin(input, axis=None, keepdims=False):
    """The indices of the minima, as int32 (MindSpore's ops.argmax gives int64)."""
    return P.cast(P.argmin(input, axis=axis, keepdims=keepdims), dtype="int32")


@reaches
def logsumexp(input, dim, keepdim=False):
    return P.logsumexp(input, axis=_axis(dim), keepdims=keepdim)


@reaches
def cumsum(x, axis, dtype=None):
    if dtype is not None:
        x = P.cast(x, dtype=_dtype_name(dtype))
    return P.cumsum(x, axis=axis)


@reaches
def var(input, axis=None, ddof=0, keepdims=False):
    return P.var(input, axis=_axis(axis), ddof=ddof, keepdims=keepdims)


@reaches
def std(input, axis=None, ddof=0, keepdims=False):
    return P.std(input, axis=_axis(axis), ddof=ddof, keepdims=keepdims)


@reaches
def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """The Euclidean (Frobenius) norm over `dim`; msgrad supports no other `ord`."""
    if not (ord is None or ord == "fro" or (ord == 2 and isinstance(dim, int))):
        raise TypeError(f"msgrad differentiates ops.norm with ord=None (and ord=2 along one dim), not {ord!r}")
    return P.norm(A, axis=_axis(dim), keepdims=keepdim)


# -- products ------------------------------------------------------------------------------------
@reaches
def outer(input, vec2):
    return P.tensordot(input, vec2, axes=0)


@reaches
def inner(input, other):
    return P.tensordot(input, other, axes=((-1,), (-1,)))


@reaches
def tensor_dot(x1, x2, axes):
    return P.tensordot(x1, x2, axes=axes if isinstance(axes, int) else tuple(map(_shape, axes)))


@reaches
def einsum(equation, *operands):
    return P.einsum(*operands, equation=P.einsum_operands(equation, operands))


# -- shapes --------------------------------------------------------------------------------------
@reaches
def expand_dims(input_x, axis):
    return P.expand_dims(input_x, axis=axis)


@reaches
def unsqueeze(input, dim):
    return P.expand_dims(input, axis=dim)


@reaches
def squeeze(input, axis=None):
    return P.squeeze(input, axis=_axis(axis))


@reaches
def flatten(input, order="C", *, start_dim=1, end_dim=-1):
    return P.flatten(input, start_dim=start_dim, end_dim=end_dim)


@reaches
def concat(tensors, axis=0):
    return P.concat(tensors, axis)


cat = concat


@reaches
def stack(tensors, axis=0):
    return P.stack(tensors, axis)


@reaches
def split(tensor, split_size_or_sections, axis=0):
    """Pieces of `split_size_or_sections` elements along `axis` each (an int: all but the last),
    as a tuple."""
    if isinstance(split_size_or_sections, int):
        if isinstance(tensor, Symbol):
            raise TypeError("msgrad splits into pieces of a given size only when it knows the input's "
                            "shape; pass the list of piece sizes instead")
        size = split_size_or_sections
        return P.split(tensor, tuple(range(size, tensor.shape[axis], size)), axis)
    return P.split(tensor, tuple(itertools.accumulate(split_size_or_sections[:-1])), axis)


@reaches
def tile(input, dims):
    return P.tile(input, reps=_shape((dims,)))


@reaches
def broadcast_to(input, shape):
    return P.broadcast_to(input, shape=_shape((shape,)))


@reaches
def gather(input_params, input_indices, axis, batch_dims=0):
    if batch_dims:
        raise TypeError("msgrad's ops.gather takes no batch_dims")
    return P.gather(input_params, input_indices, axis=axis)


@reaches
def gather_elements(input, dim, index):
    return P.take_along_axis(input, index, axis=dim)


gather_d = gather_elements


@reaches
def zeros_like(input, *, dtype=None):
    return P.zeros_like(input, dtype=None if dtype is None else _dtype_name(dtype))


@reaches
def ones_like(input, *, dtype=None):
    return P.ones_like(input, dtype=None if dtype is None else _dtype_name(dtype))


@reaches
def ones(shape, dtype=None):
    """A Tensor of ones, float32 unless `dtype` says otherwise."""
    return _filled(1, "ones", shape, dtype)


@reaches
def zeros(size, dtype=None):
    """A Tensor of zeros, float32 unless `dtype` says otherwise."""
    return _filled(0, "zeros", size, dtype)


def _filled(value, name, shape, dtype):
    """An array of `value`s: in generated code a constant, so its shape must be known already."""
    shape = _shape((shape,))
    if any(isinstance(n, Symbol) for n in shape):
        raise TypeError(f"msgrad makes ops.{name} of a shape known before the gradient is generated; "
                        f"for the shape of a Tensor x, use ops.{name}_like(x)")
    return Tensor(np.full(shape, value, _dtype_name(mstype.float32 if dtype is None else dtype)))


@reaches
def one_hot(indices, depth, on_value=1, off_value=0, axis=-1):
    return P.one_hot(indices, on_value, off_value, depth=depth, axis=axis)


@reaches
def shape(input_x):
    """`ops.shape(x)`: the shape as a tuple (known when the code runs)."""
    return P.shape_of(input_x)


@reaches
def rank(input_x):
    """`ops.rank(x)`: the number of axes."""
    return P.ndim_of(input_x)


# -- more math and movements (MindSpore 2.10 names and signatures) ----------------------------------


@reaches
def xlogy(input, other):
    return P.xlogy(input, other)


@reaches
def hypot(input, other):
    return P.hypot(input, other)


@reaches
def logaddexp(input, other):
    return P.logaddexp(input, other)


@reaches
def lerp(input, end, weight):
    return P.lerp(input, end, weight)


@reaches
def addcmul(input, tensor1, tensor2, value=1):
    return P.addcmul(input, tensor1, tensor2, value=value)


@reaches
def addcdiv(input, tensor1, tensor2, value=1):
    return P.addcdiv(input, tensor1, tensor2, value=value)


@reaches
def sinc(input):
    return P.sinc(input)


@reaches
def deg2rad(x):
    return P.deg2rad(x)


@reaches
def rad2deg(x):
    return P.rad2deg(x)


@reaches
def flip(input, dims):
    return P.flip(input, dims=(dims,) if isinstance(dims, int) else tuple(dims))


@reaches
def roll(input, shifts, dims=None):
    shifts = shifts if isinstance(shifts, int) else tuple(shifts)
    dims = dims if dims is None or isinstance(dims, int) else tuple(dims)
    return P.roll(input, shifts=shifts, axis=dims)


@reaches
def tril(input, diagonal=0):
    return P.tril(input, k=diagonal)


@reaches
def triu(input, diagonal=0):
    return P.triu(input, k=diagonal)


@reaches
def diagonal(input, offset=0, dim1=0, dim2=1):
    return P.diagonal(input, offset=offset, axis1=dim1, axis2=dim2)


@reaches
def trace(input):
    return P.trace(input)


@reaches
def repeat_interleave(input, repeats, axis=None):
    if not isinstance(repeats, int):
        raise TypeError("msgrad's repeat_interleave takes an int 'repeats'")
    return P.repeat_interleave(input, repeats=repeats, axis=axis)
