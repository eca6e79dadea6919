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

    def astype(self, dtype):
        return Tensor(self._data.astype(mstype.to_numpy(dtype)))

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
        self._data = _to_array(data, self._data.dtype)
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
              "pow": P.power, "matmul": P.matmul}
    for name, prim in binary.items():
        setattr(cls, f"__{name}__", lambda self, other, prim=prim: prim(self, other))
        setattr(cls, f"__r{name}__", lambda self, other, prim=prim: prim(other, self))
    cls.__neg__ = lambda self: P.negative(self)
    cls.__pos__ = lambda self: self


define_operators(Tensor)


def _elementwise_method(prim):
    def method(self):
        return prim(self)
    method.__name__ = method.__qualname__ = prim.name
    method.__doc__ = f"`x.{prim.name}()`: the elementwise {prim.name} of x."
    return _method(method)


for _prim in (P.exp, P.log, P.sin, P.cos, P.tanh, P.sqrt):
    _elementwise_method(_prim)


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
def transpose(self, *axes):
    return P.transpose(self, axes=_shape(axes) or None)


@_method
def matmul(self, other):
    return P.matmul(self, other)


Tensor.T = property(P.reaches(lambda self: P.transpose(self)))


def _axis(axis):
    """An axis argument as numpy takes it: None, an int or a tuple of ints."""
    return tuple(axis) if isinstance(axis, list) else axis


def _shape(args):
    """`f(2, 3)`, `f((2, 3))` and `f([2, 3])` all mean the shape (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)
