"""Initializers, as MindSpore spells them: `Normal(sigma, mean)`, `HeUniform(...)`, ..., the
string names ('normal', 'he_uniform', 'zeros', ...) and `initializer(init, shape, dtype)`.

Random initializers draw from msgrad's generator (`msgrad.context.rng()`), so `ms.set_seed(n)`
makes them reproducible. The numbers are not MindSpore's; the distributions and scales are.
An Initializer fills a numpy array in place when called, as in MindSpore."""
import math
import numbers

import numpy as np

from .. import context
from .. import dtype as mstype
from ..tensor import Tensor

_ALIASES = {}


def _register(*aliases):
    """Make an Initializer reachable by its lower-cased class name and by `aliases`."""
    def register(cls):
        for alias in (cls.__name__.lower(), *aliases):
            _ALIASES.setdefault(alias, cls)
        return cls
    return register


class Initializer:
    """Base class: `init(arr)` fills the numpy array `arr` in place and returns it."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs

    def _initialize(self, arr):
        raise NotImplementedError(f"{type(self).__name__} must define _initialize(arr)")

    def __call__(self, arr):
        self._initialize(arr)
        return arr

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{type(self).__name__}({args})"


@_register("zeros")
class Zero(Initializer):
    """All zeros."""

    def _initialize(self, arr):
        arr.fill(0)


@_register("ones")
class One(Initializer):
    """All ones."""

    def _initialize(self, arr):
        arr.fill(1)


class Constant(Initializer):
    """All `value`."""

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _initialize(self, arr):
        arr.fill(self.value)


@_register()
class Normal(Initializer):
    """N(mean, sigma²)."""

    def __init__(self, sigma=0.01, mean=0.0):
        super().__init__(sigma=sigma, mean=mean)
        if sigma < 0:
            raise ValueError("sigma < 0")
        self.sigma, self.mean = sigma, mean

    def _initialize(self, arr):
        arr[...] = context.rng().normal(self.mean, self.sigma, arr.shape)


@_register()
class Uniform(Initializer):
    """U(-scale, scale)."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _initialize(self, arr):
        arr[...] = context.rng().uniform(-self.scale, self.scale, arr.shape)


@_register()
class TruncatedNormal(Initializer):
    """N(mean, sigma²) restricted to [a, b] (resampled until every value lies there)."""

    def __init__(self, sigma=0.01, mean=0.0, a=-2.0, b=2.0):
        super().__init__(sigma=sigma, mean=mean, a=a, b=b)
        if sigma < 0:
            raise ValueError("sigma < 0")
        self.sigma, self.mean, self.a, self.b = sigma, mean, a, b

    def _initialize(self, arr):
        values = context.rng().normal(self.mean, self.sigma, arr.shape)
        outside = (values < self.a) | (values > self.b)
        while np.any(outside):
            values[outside] = context.rng().normal(self.mean, self.sigma, int(np.sum(outside)))
            outside = (values < self.a) | (values > self.b)
        arr[...] = values


class _Xavier(Initializer):
    """Glorot's scale: std = gain * sqrt(2 / (fan_in + fan_out))."""

    def __init__(self, gain=1):
        super().__init__(gain=gain)
        self.gain = gain

    def _std(self, shape):
        fan_in, fan_out = _calculate_fan_in_and_fan_out(shape)
        return self.gain * math.sqrt(2.0 / (fan_in + fan_out))


@_register("xavier_uniform")
class XavierUniform(_Xavier):
    """U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out))."""

    def _initialize(self, arr):
        bound = math.sqrt(3.0) * self._std(arr.shape)
        arr[...] = context.rng().uniform(-bound, bound, arr.shape)


@_register("xavier_normal")
class XavierNormal(_Xavier):
    """N(0, std²) with std = gain * sqrt(2 / (fan_in + fan_out))."""

    def _initialize(self, arr):
        arr[...] = context.rng().normal(0.0, self._std(arr.shape), arr.shape)


class _He(Initializer):
    """Kaiming's scale: std = gain / sqrt(fan), the gain of `nonlinearity` (and leaky_relu's
    `negative_slope`), the fan of `mode` ('fan_in' or 'fan_out')."""

    def __init__(self, negative_slope=0, mode="fan_in", nonlinearity="leaky_relu"):
        super().__init__(negative_slope=negative_slope, mode=mode, nonlinearity=nonlinearity)
        self.negative_slope, self.mode, self.nonlinearity = negative_slope, mode, nonlinearity

    def _std(self, shape):
        gain = _calculate_gain(self.nonlinearity, self.negative_slope)
        return gain / math.sqrt(_calculate_correct_fan(shape, self.mode))


@_register("he_uniform")
class HeUniform(_He):
    """U(-b, b) with b = sqrt(3) * std; `HeUniform(math.sqrt(5))` is the default weight of
    Dense and Conv2d (b = 1 / sqrt(fan_in))."""

    def _initialize(self, arr):
        bound = math.sqrt(3.0) * self._std(arr.shape)
        arr[...] = context.rng().uniform(-bound, bound, arr.shape)


@_register("he_normal")
class HeNormal(_He):
    """N(0, std²)."""

    def _initialize(self, arr):
        arr[...] = context.rng().normal(0.0, self._std(arr.shape), arr.shape)


@_register()
class Identity(Initializer):
    """The identity matrix (2-D arrays only)."""

    def _initialize(self, arr):
        if arr.ndim != 2:
            raise ValueError(f"For Identity initializer, the dimension of the initialized tensor should be 2, "
                             f"but got {arr.ndim}.")
        arr[...] = np.eye(*arr.shape)


def initializer(init, shape=None, dtype=mstype.float32):
    """A Tensor of `shape` and `dtype` filled by `init`: an Initializer, its string name, a
    number (a Constant) or a Tensor (returned as it is, after checking its shape)."""
    if isinstance(init, bool) or not isinstance(init, (Tensor, numbers.Number, str, Initializer)):
        raise TypeError(f"For 'initializer', the type of the 'init' argument should be 'Tensor', 'number', "
                        f"'string' or 'initializer', but got {type(init)}.")
    if isinstance(shape, list):
        shape = tuple(shape)
    elif isinstance(shape, numbers.Number):
        shape = (shape,)
    if isinstance(init, Tensor):
        if shape is not None and init.shape != shape:
            raise ValueError(f"For 'initializer', the shape of the 'init' argument should be same as the "
                             f"argument 'shape', but got the 'init' shape {list(init.shape)} and the "
                             f"'shape' {list(shape)}.")
        return init
    if shape is None:
        raise ValueError("For 'initializer', the argument 'shape' is needed unless 'init' is a Tensor.")
    for value in shape:
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise ValueError(f"For 'initializer', the argument 'shape' is invalid, the value of 'shape' must be "
                             f"positive integer, but got {shape}")
    if isinstance(init, str):
        cls = _ALIASES.get(init.lower())
        if cls is None:
            raise ValueError(f"For 'initializer', the class corresponding to '{init}' was not found.")
        init = cls()
    elif isinstance(init, numbers.Number):
        init = Constant(init)
    arr = init(np.zeros(shape, dtype=np.float64))
    return Tensor(arr, dtype=dtype)


def _calculate_fan_in_and_fan_out(shape):
    """(fan_in, fan_out) of a weight: (in, out) for a matrix (out, in), and for a kernel
    (out, in, *window) the channels times the window's size."""
    if len(shape) < 2:
        raise ValueError(f"'fan_in' and 'fan_out' can not be computed for tensor with fewer than 2 dimensions, "
                         f"but got dimensions {len(shape)}.")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _calculate_correct_fan(shape, mode):
    if mode.lower() not in ("fan_in", "fan_out"):
        raise ValueError(f"'mode' {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(shape)
    return fan_in if mode.lower() == "fan_in" else fan_out


def _calculate_gain(nonlinearity, param=None):
    """The gain of Kaiming initialization for a nonlinearity (and leaky_relu's slope)."""
    if nonlinearity in ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
                        "conv_transpose3d", "sigmoid"):
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            param = 0.01
        elif isinstance(param, bool) or not isinstance(param, (int, float)):
            raise ValueError(f"For 'HeUniform', 'negative_slope' {param} is not a valid number.When "
                             f"'nonlinearity' has been set to 'leaky_relu', 'negative_slope' should be int or "
                             f"float type, but got {type(param)}.")
        return math.sqrt(2.0 / (1 + param ** 2))
    raise ValueError(f"For 'HeUniform', the argument 'nonlinearity' should be one of "
                     f"['sigmoid', 'tanh', 'relu' or 'leaky_relu'], but got {nonlinearity}.")


__all__ = ["Initializer", "initializer", "TruncatedNormal", "Normal", "Uniform", "HeUniform", "HeNormal",
           "XavierUniform", "XavierNormal", "One", "Zero", "Constant", "Identity"]
