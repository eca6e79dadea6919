"""Tensor, Parameter and ParameterTuple: the runtime boundary.

A Tensor holds a numpy array. Its operators and methods call the primitive table, so eager
results are the ones generated code computes. Generated code never sees Tensors: the gradient
wrapper unwraps them into arrays and wraps the gradients back.
"""
import itertools

import numpy as np

from . import dtype as mstype
from .tensor_format import tensor_repr, tensor_str


class Tensor:
    """An n-dimensional array with MindSpore's construction, dtypes and printing."""

    __array_priority__ = 100   # so `ndarray * Tensor` is handled by Tensor

    def __init__(self, input_data=None, dtype=None):
        if input_data is None:
            raise TypeError("Tensor() needs input_data: a number, a list, a numpy array or a Tensor")
        self._data = _to_array(input_data, dtype)

    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return mstype.from_numpy(self._data.dtype)

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def size(self):
        return self._data.size

    def asnumpy(self):
        return self._data

    def __array__(self, dtype=None, copy=None):
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return wrap(getattr(ufunc, method)(*_unwrap_all(inputs), **_unwrap_all(kwargs)))

    def __array_function__(self, func, types, args, kwargs):
        target = P.entry_point(func)       # np.sum(t) runs what compiled code runs
        if target is not None:
            return target(*args, **kwargs)
        return wrap(func(*_unwrap_all(args), **_unwrap_all(kwargs)))

    def __str__(self):
        return tensor_str(self._data)

    def __repr__(self):
        return tensor_repr(self._data, str(self.dtype))

    def __format__(self, spec):
        return format(str(self), spec)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self._data)

    def __bool__(self):
        return bool(self._data)

    def __float__(self):
        return float(self._data.item())

    def __int__(self):
        return int(self._data.item())

    def __index__(self):
        return self._data.__index__()

    def item(self):
        return self._data.item()

    def __getitem__(self, index):
        return wrap(self._data[unwrap(index)])

    def __iter__(self):
        return (wrap(row) for row in self._data)

    def __hash__(self):
        return id(self)

    # Arithmetic, methods and properties that reach the primitive table are attached
    # by msgrad/primitives/tensor_methods.py, so that both eager and compiled code find them.


class Parameter(Tensor):
    """A trainable Tensor with a name; a Cell registers the Parameters assigned to it."""

    def __init__(self, default_input, name=None, requires_grad=True, layerwise_parallel=False,
                 parallel_optimizer=True):
        super().__init__(default_input)
        self._named_by_user = name is not None
        self.name = name if name is not None else f"Parameter#{next(_unnamed)}"
        self.requires_grad = requires_grad

    def set_data(self, data):
        from .nn.cell import Cell
        self._data = _to_array(data, self._data.dtype)
        Cell.changes += 1            # code made for the old shape is stale
        return self

    def __repr__(self):
        return (f"Parameter (name={self.name}, shape={self.shape}, dtype={self.dtype}, "
                f"requires_grad={self.requires_grad})")

    __str__ = __repr__


_unnamed = itertools.count(1)


class ParameterTuple(tuple):
    """A tuple of Parameters, the `weights` that GradOperation(get_by_list=True) differentiates."""

    def __new__(cls, iterable=()):
        params = tuple(iterable)
        names = set()
        for p in params:
            if not isinstance(p, Parameter):
                raise TypeError(f"ParameterTuple holds Parameters only, got {type(p).__name__}")
            if p.name in names:
                raise ValueError(f"The value {p!r} , its name '{p.name}' already exists. "
                                 f"Please set a unique name for the parameter.")
            names.add(p.name)
        return super().__new__(cls, params)


def _to_array(value, dtype):
    """The numpy array for a Tensor built from `value`, with MindSpore's default dtypes."""
    np_dtype = None if dtype is None else mstype.to_numpy(dtype)
    if isinstance(value, Tensor):
        array = value._data
    elif isinstance(value, (np.ndarray, np.generic)):
        array = np.asarray(value)
    else:
        array = np.asarray(value)
        if array.dtype == np.float64 and np_dtype is None:
            np_dtype = np.float32        # Python floats make float32 Tensors, as in MindSpore
    if array.dtype.kind in "OUS":
        raise TypeError(f"a Tensor holds numbers, not {type(value).__name__} of {array.dtype}")
    if np_dtype is not None and array.dtype != np_dtype:
        array = array.astype(np_dtype)
    elif array is getattr(value, "_data", None) or array is value:
        array = array.copy()
    return array


def unwrap(value):
    """The numpy array inside a Tensor; anything else unchanged."""
    return value._data if isinstance(value, Tensor) else value


def _unwrap_all(value):
    """`unwrap` through the lists, tuples and dicts of numpy's arguments."""
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap_all(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap_all(v) for k, v in value.items()}
    return unwrap(value)


def wrap(value):
    """A Tensor around a numpy result (arrays and numpy scalars); anything else unchanged."""
    if isinstance(value, np.ndarray):
        t = Tensor.__new__(Tensor)
        t._data = value
        return t
    if isinstance(value, np.generic):
        return wrap(np.asarray(value))
    if isinstance(value, tuple):
        return tuple(wrap(v) for v in value)
    return value


# -- what Tensors compute: every operator and method below calls the primitive table ----------
from . import primitives as P  # noqa: E402  (the table needs `wrap` and `unwrap` above)


def _method(fn):
    """Attach `fn` to Tensor and let compiled code call it as a method."""
    setattr(Tensor, fn.__name__, P.reaches(fn))
    return fn


def define_operators(cls):
    """Give `cls` Python's arithmetic operators, each calling its primitive."""
    binary = {"add": P.add, "sub": P.subtract, "mul": P.multiply, "truediv": P.divide,
              "pow": P.power, "matmul": P.matmul, "floordiv": P.floor_divide, "mod": P.mod}
    for name, prim in binary.items():
        setattr(cls, f"__{name}__", lambda self, other, prim=prim: prim(self, other))
        setattr(cls, f"__r{name}__", lambda self, other, prim=prim: prim(other, self))
    cls.__neg__ = lambda self: P.negative(self)
    cls.__pos__ = lambda self: self
    cls.__abs__ = lambda self: P.abs(self)


def define_comparisons(cls):
    """Give `cls` Python's comparison operators, each calling its (non-differentiable) primitive."""
    comparisons = {"lt": P.less, "le": P.less_equal, "gt": P.greater, "ge": P.greater_equal,
                   "eq": P.equal, "ne": P.not_equal}
    for name, prim in comparisons.items():
        setattr(cls, f"__{name}__", lambda self, other, prim=prim: prim(self, other))


define_operators(Tensor)
define_comparisons(Tensor)


def _elementwise_method(prim, name=None):
    """`x.name()` computing `prim(x)`, or `x.name(other)` computing `prim(x, other)`."""
    def method(self, *other):
        return prim(self, *other)
    method.__name__ = method.__qualname__ = name or prim.name
    method.__doc__ = f"`x.{method.__name__}(...)`: the elementwise {prim.name} of x (and other)."
    return _method(method)


for _prim in (P.exp, P.log, P.sin, P.cos, P.tanh, P.sqrt, P.abs, P.square, P.rsqrt, P.reciprocal,
              P.log1p, P.expm1, P.erf, P.log2, P.log10, P.tan, P.sinh, P.cosh, P.arcsin, P.arccos,
              P.arctan, P.arcsinh, P.arccosh, P.arctanh, P.arctan2, P.sign, P.floor, P.ceil,
              P.floor_divide, P.greater, P.greater_equal, P.less, P.less_equal, P.equal, P.not_equal,
              P.logical_and, P.logical_or, P.logical_not):
    _elementwise_method(_prim)
for _name, _prim in [("neg", P.negative), ("asin", P.arcsin), ("acos", P.arccos), ("atan", P.arctan),
                     ("asinh", P.arcsinh), ("acosh", P.arccosh), ("atanh", P.arctanh),
                     ("atan2", P.arctan2), ("remainder", P.mod), ("gt", P.greater),
                     ("ge", P.greater_equal), ("lt", P.less), ("le", P.less_equal), ("eq", P.equal),
                     ("ne", P.not_equal)]:
    _elementwise_method(_prim, _name)


@_method
def sum(self, dim=None, keepdim=False, *, axis=None, keepdims=False, dtype=None):
    return P.reduce_sum(self, axis=_axis(dim if axis is None else axis), keepdims=keepdim or keepdims)


@_method
def mean(self, dim=None, keepdim=False, *, axis=None, keep_dims=False, dtype=None):
    return P.reduce_mean(self, axis=_axis(dim if axis is None else axis), keepdims=keepdim or keep_dims)


@_method
def reshape(self, *shape):
    return P.reshape(self, shape=_shape(shape))


@_method
def view(self, *shape):
    """x reshaped, as `x.view(2, -1)` or `x.view((2, -1))` reshape it."""
    return P.reshape(self, shape=_shape(shape))


@_method
def expand_as(self, other):
    """x repeated along new and length-1 axes to the shape of `other`."""
    return P.broadcast_like(self, other)


@_method
def transpose(self, *axes):
    return P.transpose(self, axes=_shape(axes) or None)


@_method
def matmul(self, other):
    return P.matmul(self, other)


Tensor.T = property(P.reaches(lambda self: P.transpose(self)))


@_method
def astype(self, dtype, copy=True):
    return P.cast(self, dtype=_dtype_name(dtype))


@_method
def round(self, decimals=0):
    return P.round(self, decimals=decimals)


@_method
def clamp(self, min=None, max=None):
    return P.clip(self, min, max)


Tensor.clip = clamp


@_method
def max(self, dim=None, keepdim=False, *, axis=None, keepdims=False, initial=None, where=None,
        return_indices=False):
    """`x.max()`: the maximum, tied maxima sharing the gradient; `x.max(dim)`: (values,
    indices) along dim; `x.max(axis=...)`: the values (and indices if return_indices) along
    one axis; along one axis the gradient reaches the first maximum only (as in MindSpore)."""
    return _extremum(self, P.reduce_max, P.argmax, dim, keepdim, axis, keepdims, initial, where,
                     return_indices)


@_method
def min(self, dim=None, keepdim=False, *, axis=None, keepdims=False, initial=None, where=None,
        return_indices=False):
    """`x.min(...)`: as `x.max(...)`, for minima."""
    return _extremum(self, P.reduce_min, P.argmin, dim, keepdim, axis, keepdims, initial, where,
                     return_indices)


def _extremum(x, reduce, find, dim, keepdim, axis, keepdims, initial, where, return_indices):
    if initial is not None or where is not None:
        raise TypeError(f"msgrad's Tensor.{reduce.name[7:]} takes no `initial` or `where`")
    if dim is not None:
        return P.extremum_and_index(x, find, dim, keepdim)
    if isinstance(axis, int):
        values, index = P.extremum_and_index(x, find, axis, keepdims)
        return (values, index) if return_indices else values
    return reduce(x, axis=_axis(axis), keepdims=keepdims)


@_method
def amax(self, axis=None, keepdims=False, *, initial=None, where=None):
    return P.reduce_max(self, axis=_axis(axis), keepdims=keepdims)


@_method
def amin(self, axis=None, keepdims=False, *, initial=None, where=None):
    return P.reduce_min(self, axis=_axis(axis), keepdims=keepdims)


@_method
def prod(self, dim=None, keepdim=False, dtype=None, *, axis=None, keep_dims=False):
    return P.reduce_prod(self, axis=_axis(dim if axis is None else axis), keepdims=keepdim or keep_dims)


@_method
def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=False):
    return P.argmax(self, axis=dim if axis is None else axis, keepdims=keepdim or keepdims)


@_method
def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=False):
    """The indices of the minima, as int32 (MindSpore's Tensor.argmax gives int64)."""
    found = P.argmin(self, axis=dim if axis is None else axis, keepdims=keepdim or keepdims)
    return P.cast(found, dtype="int32")


@_method
def cumsum(self, dim=None, *, axis=None, dtype=None):
    x = self if dtype is None else P.cast(self, dtype=_dtype_name(dtype))
    return P.cumsum(x, axis=dim if axis is None else axis)


@_method
def logsumexp(self, dim, keepdim=False):
    return P.logsumexp(self, axis=_axis(dim), keepdims=keepdim)


@_method
def var(self, axis=None, ddof=0, keepdims=False, *, dim=None, correction=None, keepdim=False):
    return P.var(self, axis=_axis(dim if axis is None else axis),
                 ddof=ddof if correction is None else correction, keepdims=keepdims or keepdim)


@_method
def std(self, axis=None, ddof=0, keepdims=False, *, dim=None, correction=None, keepdim=False):
    return P.std(self, axis=_axis(dim if axis is None else axis),
                 ddof=ddof if correction is None else correction, keepdims=keepdims or keepdim)


@_method
def norm(self, ord=None, dim=None, keepdim=False, *, dtype=None):
    from .ops import functional   # noqa: PLC0415  (ops imports this module)
    return functional.norm(self, ord, dim, keepdim)


@_method
def outer(self, vec2):
    return P.tensordot(self, vec2, axes=0)


@_method
def inner(self, other):
    return P.tensordot(self, other, axes=((-1,), (-1,)))


@_method
def bmm(self, mat2):
    return P.matmul(self, mat2)


@_method
def squeeze(self, axis=None):
    return P.squeeze(self, axis=_axis(axis))


@_method
def expand_dims(self, axis):
    return P.expand_dims(self, axis=axis)


@_method
def unsqueeze(self, dim):
    return P.expand_dims(self, axis=dim)


@_method
def flatten(self, start_dim=0, end_dim=-1, *, order="C"):
    if isinstance(start_dim, str):          # the older flatten(order, *, start_dim, end_dim)
        start_dim = 0
    return P.flatten(self, start_dim=start_dim, end_dim=end_dim)


@_method
def tile(self, *reps):
    return P.tile(self, reps=_shape(reps))


@_method
def broadcast_to(self, shape):
    return P.broadcast_to(self, shape=_shape((shape,)))


@_method
def permute(self, *axis):
    return P.transpose(self, axes=_shape(axis))


@_method
def gather(self, indices_or_dim, axis_or_index, batch_dims=0):
    """`x.gather(input_indices, axis)`: ops.gather; `x.gather(dim, index)`: ops.gather_elements."""
    if isinstance(indices_or_dim, int):
        return P.take_along_axis(self, axis_or_index, axis=indices_or_dim)
    return P.gather(self, indices_or_dim, axis=axis_or_index)


@_method
def split(self, split_size_or_sections, axis=0):
    from .ops import functional   # noqa: PLC0415  (ops imports this module)
    return functional.split(self, split_size_or_sections, axis)


def _axis(axis):
    """An axis argument as numpy takes it: None, an int or a tuple of ints."""
    return tuple(axis) if isinstance(axis, list) else axis


def _dtype_name(dtype):
    """A dtype argument (ms.float32, np.float32, 'float32') as the numpy name `cast` takes."""
    return mstype.to_numpy(dtype).name


def _shape(args):
    """`f(2, 3)`, `f((2, 3))` and `f([2, 3])` all mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)
