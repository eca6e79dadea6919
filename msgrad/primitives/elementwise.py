"""Elementwise arithmetic and math functions, with their adjoints and tangents.

Binary operations broadcast, so each operand's gradient is summed back to its shape.
Piecewise-constant functions (sign, floor, round, ...) are not differentiable: their gradient
is zero wherever it exists, so they end gradient flow, as in MindSpore."""
import math

import numpy as np

from .. import runtime
from .core import Domain, adjoint, d, primitive, reaches, t, tangent
from ..runtime import unbroadcast


@primitive(elementwise=True, domain=Domain())
def add(x, y):
    return x + y


@adjoint(add)
def _(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(d[z], y)


@tangent(add)
def _(z, x, y):
    t[z] = t[x] + t[y]


@primitive(elementwise=True, domain=Domain())
def subtract(x, y):
    return x - y


@adjoint(subtract)
def _(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z], y)


@tangent(subtract)
def _(z, x, y):
    t[z] = t[x] - t[y]


@primitive(elementwise=True, domain=Domain())
def multiply(x, y):
    return x * y


@adjoint(multiply)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * y, x)
    d[y] = unbroadcast(d[z] * x, y)


@tangent(multiply)
def _(z, x, y):
    t[z] = t[x] * y + x * t[y]


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (0.5, 2))))
def divide(x, y):
    return x / y


@adjoint(divide)
def _(z, x, y):
    d[x] = unbroadcast(d[z] / y, x)
    d[y] = unbroadcast(-d[z] * z / y, y)


@tangent(divide)
def _(z, x, y):
    t[z] = t[x] / y - t[y] * z / y


@primitive(elementwise=True, domain=Domain(ranges=((0.5, 2), (-2, 2))))
def power(x, y):
    return x ** y


@adjoint(power)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] = unbroadcast(d[z] * z * np.log(x), y)


@tangent(power)
def _(z, x, y):
    t[z] = t[x] * y * x ** (y - 1) + t[y] * z * np.log(x)


@primitive(elementwise=True, domain=Domain())
def negative(x):
    return -x


@adjoint(negative)
def _(z, x):
    d[x] = -d[z]


@tangent(negative)
def _(z, x):
    t[z] = -t[x]


@primitive(elementwise=True, domain=Domain(apart=True))
def maximum(x, y):
    return np.maximum(x, y)


@adjoint(maximum)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * ((x > y) + 0.5 * (x == y)), x)   # ties split evenly, as in MindSpore
    d[y] = unbroadcast(d[z] * ((y > x) + 0.5 * (x == y)), y)


@tangent(maximum)
def _(z, x, y):
    t[z] = t[x] * ((x > y) + 0.5 * (x == y)) + t[y] * ((y > x) + 0.5 * (x == y))


@primitive(elementwise=True, domain=Domain(apart=True))
def minimum(x, y):
    return np.minimum(x, y)


@adjoint(minimum)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * ((x < y) + 0.5 * (x == y)), x)
    d[y] = unbroadcast(d[z] * ((y < x) + 0.5 * (x == y)), y)


@tangent(minimum)
def _(z, x, y):
    t[z] = t[x] * ((x < y) + 0.5 * (x == y)) + t[y] * ((y < x) + 0.5 * (x == y))


@primitive(elementwise=True, domain=Domain())
def exp(x):
    return np.exp(x)


@adjoint(exp)
def _(z, x):
    d[x] = d[z] * z


@tangent(exp)
def _(z, x):
    t[z] = t[x] * z


@primitive(elementwise=True, domain=Domain(low=0.2))
def log(x):
    return np.log(x)


@adjoint(log)
def _(z, x):
    d[x] = d[z] / x


@tangent(log)
def _(z, x):
    t[z] = t[x] / x


@primitive(elementwise=True, domain=Domain())
def sin(x):
    return np.sin(x)


@adjoint(sin)
def _(z, x):
    d[x] = d[z] * np.cos(x)


@tangent(sin)
def _(z, x):
    t[z] = t[x] * np.cos(x)


@primitive(elementwise=True, domain=Domain())
def cos(x):
    return np.cos(x)


@adjoint(cos)
def _(z, x):
    d[x] = -d[z] * np.sin(x)


@tangent(cos)
def _(z, x):
    t[z] = -t[x] * np.sin(x)


@primitive(elementwise=True, domain=Domain())
def tanh(x):
    return np.tanh(x)


@adjoint(tanh)
def _(z, x):
    d[x] = d[z] * (1 - z * z)


@tangent(tanh)
def _(z, x):
    t[z] = t[x] * (1 - z * z)


@primitive(elementwise=True, domain=Domain(low=0.2))
def sqrt(x):
    return np.sqrt(x)


@adjoint(sqrt)
def _(z, x):
    d[x] = d[z] / (2 * z)


@tangent(sqrt)
def _(z, x):
    t[z] = t[x] / (2 * z)


@primitive(elementwise=True, domain=Domain(away_from=(0,)))
def abs(x):
    return np.abs(x)


@adjoint(abs)
def _(z, x):
    d[x] = d[z] * np.sign(x)


@tangent(abs)
def _(z, x):
    t[z] = t[x] * np.sign(x)


@primitive(elementwise=True, domain=Domain())
def square(x):
    return np.square(x)


@adjoint(square)
def _(z, x):
    d[x] = d[z] * 2 * x


@tangent(square)
def _(z, x):
    t[z] = t[x] * 2 * x


@primitive(elementwise=True, domain=Domain(low=0.2))
def rsqrt(x):
    return 1 / np.sqrt(x)


@adjoint(rsqrt)
def _(z, x):
    d[x] = d[z] * -0.5 * z / x


@tangent(rsqrt)
def _(z, x):
    t[z] = t[x] * -0.5 * z / x


@primitive(elementwise=True, domain=Domain(low=0.3))
def reciprocal(x):
    return 1 / x


@adjoint(reciprocal)
def _(z, x):
    d[x] = -d[z] * z * z


@tangent(reciprocal)
def _(z, x):
    t[z] = -t[x] * z * z


@primitive(elementwise=True, domain=Domain(low=-0.8))
def log1p(x):
    return np.log1p(x)


@adjoint(log1p)
def _(z, x):
    d[x] = d[z] / (1 + x)


@tangent(log1p)
def _(z, x):
    t[z] = t[x] / (1 + x)


@primitive(elementwise=True, domain=Domain())
def expm1(x):
    return np.expm1(x)


@adjoint(expm1)
def _(z, x):
    d[x] = d[z] * (z + 1)


@tangent(expm1)
def _(z, x):
    t[z] = t[x] * (z + 1)


@primitive(elementwise=True, domain=Domain())
def exp2(x):
    return np.exp2(x)


@adjoint(exp2)
def _(z, x):
    d[x] = d[z] * z * np.log(2)


@tangent(exp2)
def _(z, x):
    t[z] = t[x] * z * np.log(2)


@primitive(elementwise=True, domain=Domain(low=0.2))
def log2(x):
    return np.log2(x)


@adjoint(log2)
def _(z, x):
    d[x] = d[z] / (x * np.log(2))


@tangent(log2)
def _(z, x):
    t[z] = t[x] / (x * np.log(2))


@primitive(elementwise=True, domain=Domain(low=0.2))
def log10(x):
    return np.log10(x)


@adjoint(log10)
def _(z, x):
    d[x] = d[z] / (x * np.log(10))


@tangent(log10)
def _(z, x):
    t[z] = t[x] / (x * np.log(10))


_math_erf = np.frompyfunc(math.erf, 1, 1)


@primitive(elementwise=True, domain=Domain())
def erf(x):
    """The error function (numpy has none, and scipy is not a dependency: math.erf per element)."""
    return np.asarray(_math_erf(x), dtype=np.result_type(x, np.float32))


@adjoint(erf)
def _(z, x):
    d[x] = d[z] * 2 / np.sqrt(np.pi) * np.exp(-x * x)


@tangent(erf)
def _(z, x):
    t[z] = t[x] * 2 / np.sqrt(np.pi) * np.exp(-x * x)


@primitive(elementwise=True, domain=Domain(low=-1.2, high=1.2))
def tan(x):
    return np.tan(x)


@adjoint(tan)
def _(z, x):
    d[x] = d[z] * (1 + z * z)


@tangent(tan)
def _(z, x):
    t[z] = t[x] * (1 + z * z)


@primitive(elementwise=True, domain=Domain())
def sinh(x):
    return np.sinh(x)


@adjoint(sinh)
def _(z, x):
    d[x] = d[z] * np.cosh(x)


@tangent(sinh)
def _(z, x):
    t[z] = t[x] * np.cosh(x)


@primitive(elementwise=True, domain=Domain())
def cosh(x):
    return np.cosh(x)


@adjoint(cosh)
def _(z, x):
    d[x] = d[z] * np.sinh(x)


@tangent(cosh)
def _(z, x):
    t[z] = t[x] * np.sinh(x)


@primitive(elementwise=True, domain=Domain(low=-0.9, high=0.9))
def arcsin(x):
    return np.arcsin(x)


@adjoint(arcsin)
def _(z, x):
    d[x] = d[z] / np.sqrt(1 - x * x)


@tangent(arcsin)
def _(z, x):
    t[z] = t[x] / np.sqrt(1 - x * x)


@primitive(elementwise=True, domain=Domain(low=-0.9, high=0.9))
def arccos(x):
    return np.arccos(x)


@adjoint(arccos)
def _(z, x):
    d[x] = -d[z] / np.sqrt(1 - x * x)


@tangent(arccos)
def _(z, x):
    t[z] = -t[x] / np.sqrt(1 - x * x)


@primitive(elementwise=True, domain=Domain())
def arctan(x):
    return np.arctan(x)


@adjoint(arctan)
def _(z, x):
    d[x] = d[z] / (1 + x * x)


@tangent(arctan)
def _(z, x):
    t[z] = t[x] / (1 + x * x)


@primitive(elementwise=True, domain=Domain())
def arcsinh(x):
    return np.arcsinh(x)


@adjoint(arcsinh)
def _(z, x):
    d[x] = d[z] / np.sqrt(x * x + 1)


@tangent(arcsinh)
def _(z, x):
    t[z] = t[x] / np.sqrt(x * x + 1)


@primitive(elementwise=True, domain=Domain(low=1.2, high=3))
def arccosh(x):
    return np.arccosh(x)


@adjoint(arccosh)
def _(z, x):
    d[x] = d[z] / np.sqrt(x * x - 1)


@tangent(arccosh)
def _(z, x):
    t[z] = t[x] / np.sqrt(x * x - 1)


@primitive(elementwise=True, domain=Domain(low=-0.9, high=0.9))
def arctanh(x):
    return np.arctanh(x)


@adjoint(arctanh)
def _(z, x):
    d[x] = d[z] / (1 - x * x)


@tangent(arctanh)
def _(z, x):
    t[z] = t[x] / (1 - x * x)


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (0.5, 2))))
def arctan2(x, y):
    return np.arctan2(x, y)


@adjoint(arctan2)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * y / (x * x + y * y), x)
    d[y] = unbroadcast(-d[z] * x / (x * x + y * y), y)


@tangent(arctan2)
def _(z, x, y):
    t[z] = t[x] * y / (x * x + y * y) - t[y] * x / (x * x + y * y)


@primitive(elementwise=True, domain=Domain(ranges=((2.2, 2.9), (1, 1.05))))   # x / y stays in (2, 3)
def mod(x, y):
    return np.mod(x, y)


@adjoint(mod)
def _(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z] * np.floor_divide(x, y), y)


@tangent(mod)
def _(z, x, y):
    t[z] = t[x] - t[y] * np.floor_divide(x, y)


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (-1.5, -0.5), (0.5, 1.5)), apart=True))
def clip(x, low, high):
    """x kept within [low, high]; a bound that is None is no bound. Each element's gradient
    goes to where its value came from, to x at the bounds too, as in MindSpore's clamp (its
    clip_by_value is maximum then minimum, which split the gradient there)."""
    return np.clip(x, low, high)


@adjoint(clip)
def _(z, x, low, high):
    d[x] = unbroadcast(d[z] * (z == x), x)
    d[low] = unbroadcast(d[z] * (z == low) * (x != low), low)
    d[high] = unbroadcast(d[z] * (z == high) * (x != high), high)


@tangent(clip)
def _(z, x, low, high):
    t[z] = t[x] * (z == x) + t[low] * (z == low) * (x != low) + t[high] * (z == high) * (x != high)


@primitive(elementwise=True, domain=Domain(cases=((((2, 3), (3,)), {}), (((1, 3), ()), {})),
                                           fixed={"condition": np.array([True, False, True])}))
def where(condition, x, y):
    return np.where(condition, x, y)


@adjoint(where)
def _(z, condition, x, y):
    d[x] = unbroadcast(np.where(condition, d[z], 0), x)
    d[y] = unbroadcast(np.where(condition, 0, d[z]), y)


@tangent(where)
def _(z, condition, x, y):
    t[z] = np.where(condition, t[x], 0) + np.where(condition, 0, t[y])


@primitive(elementwise=True, domain=Domain(static=({"dtype": "float64"},)))
def cast(x, *, dtype):
    """x as another dtype (a numpy dtype name); its gradient is cast back to x's dtype."""
    return x.astype(dtype)


@adjoint(cast)
def _(z, x, *, dtype):
    d[x] = cast_like(d[z], x)


@tangent(cast)
def _(z, x, *, dtype):
    t[z] = t[x].astype(dtype)


# cast's adjoint casts to its operand's dtype through this one: d[z].astype(x.dtype) would pass
# a dtype known only at run time as cast's static argument when compiled again (higher orders).
cast_like = primitive(runtime.cast_like, domain=Domain(shape_only=("x",), shapes="same"))


@adjoint(cast_like)
def _(z, g, x):
    d[g] = cast_like(d[z], g)


@tangent(cast_like)
def _(z, g, x):
    t[z] = cast_like(t[g], x)


@primitive(differentiable=False, elementwise=True)
def sign(x):
    return np.sign(x)


@primitive(differentiable=False, elementwise=True)
def floor(x):
    return np.floor(x)


@primitive(differentiable=False, elementwise=True)
def ceil(x):
    return np.ceil(x)


@primitive(differentiable=False, elementwise=True)
def round(x, *, decimals=0):
    """To the nearest integer (or `decimals` digits), halves to even, as MindSpore rounds."""
    return np.round(x, decimals)


@primitive(differentiable=False, elementwise=True)
def floor_divide(x, y):
    return np.floor_divide(x, y)


reaches(add, np.add)
reaches(subtract, np.subtract)
reaches(multiply, np.multiply)
reaches(divide, np.divide, np.true_divide)
reaches(power, np.power)
reaches(negative, np.negative)
reaches(maximum, np.maximum)
reaches(minimum, np.minimum)
reaches(exp, np.exp)
reaches(log, np.log)
reaches(sin, np.sin)
reaches(cos, np.cos)
reaches(tanh, np.tanh)
reaches(sqrt, np.sqrt)
reaches(abs, np.abs)
reaches(square, np.square)
reaches(reciprocal, np.reciprocal)
reaches(log1p, np.log1p)
reaches(expm1, np.expm1)
reaches(exp2, np.exp2)
reaches(log2, np.log2)
reaches(log10, np.log10)
reaches(tan, np.tan)
reaches(sinh, np.sinh)
reaches(cosh, np.cosh)
reaches(arcsin, np.arcsin)
reaches(arccos, np.arccos)
reaches(arctan, np.arctan)
reaches(arcsinh, np.arcsinh)
reaches(arccosh, np.arccosh)
reaches(arctanh, np.arctanh)
reaches(arctan2, np.arctan2)
reaches(mod, np.mod)
reaches(where, np.where)
reaches(sign, np.sign)
reaches(floor, np.floor)
reaches(ceil, np.ceil)
reaches(floor_divide, np.floor_divide)


# -- more math (MindSpore 2.10) ---------------------------------------------------------------------


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (0.5, 2))))
def xlogy(x, y):
    """x log(y): 0 where x is 0 and y > 0 (its x-gradient there log(y)), nan at (0, 0), as MindSpore."""
    return x * np.log(y)


@adjoint(xlogy)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * np.log(y), x)
    d[y] = unbroadcast(d[z] * x / y, y)


@tangent(xlogy)
def _(z, x, y):
    t[z] = t[x] * np.log(y) + t[y] * x / y


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (0.5, 2))))
def hypot(x, y):
    return np.hypot(x, y)


@adjoint(hypot)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * x / z, x)
    d[y] = unbroadcast(d[z] * y / z, y)


@tangent(hypot)
def _(z, x, y):
    t[z] = t[x] * x / z + t[y] * y / z


@primitive(elementwise=True, domain=Domain())
def logaddexp(x, y):
    return np.logaddexp(x, y)


@adjoint(logaddexp)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * np.exp(x - z), x)
    d[y] = unbroadcast(d[z] * np.exp(y - z), y)


@tangent(logaddexp)
def _(z, x, y):
    t[z] = t[x] * np.exp(x - z) + t[y] * np.exp(y - z)


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (-2, 2), (0, 1))))
def lerp(start, end, weight):
    return start + weight * (end - start)


@adjoint(lerp)
def _(z, start, end, weight):
    d[start] = unbroadcast(d[z] * (1 - weight), start)
    d[end] = unbroadcast(d[z] * weight, end)
    d[weight] = unbroadcast(d[z] * (end - start), weight)


@tangent(lerp)
def _(z, start, end, weight):
    t[z] = t[start] * (1 - weight) + t[end] * weight + t[weight] * (end - start)


@primitive(elementwise=True, domain=Domain(static=({}, {"value": 0.5})))
def addcmul(x, t1, t2, *, value=1):
    return x + value * t1 * t2


@adjoint(addcmul)
def _(z, x, t1, t2, *, value):
    d[x] = unbroadcast(d[z], x)
    d[t1] = unbroadcast(d[z] * value * t2, t1)
    d[t2] = unbroadcast(d[z] * value * t1, t2)


@tangent(addcmul)
def _(z, x, t1, t2, *, value):
    t[z] = t[x] + value * t[t1] * t2 + value * t1 * t[t2]


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (-2, 2), (0.5, 2)), static=({}, {"value": -2})))
def addcdiv(x, t1, t2, *, value=1):
    return x + value * t1 / t2


@adjoint(addcdiv)
def _(z, x, t1, t2, *, value):
    d[x] = unbroadcast(d[z], x)
    d[t1] = unbroadcast(d[z] * value / t2, t1)
    d[t2] = unbroadcast(-d[z] * value * t1 / (t2 * t2), t2)


@tangent(addcdiv)
def _(z, x, t1, t2, *, value):
    t[z] = t[x] + value * t[t1] / t2 - value * t1 * t[t2] / (t2 * t2)


@primitive(elementwise=True, domain=Domain(away_from=(0.0,)))   # its gradient cancels near 0
def sinc(x):
    """sin(pi x) / (pi x), 1 at 0 (numpy's and MindSpore's normalized sinc)."""
    return np.sinc(x)


@adjoint(sinc)
def _(z, x):
    d[x] = d[z] * np.where(x == 0, 0, (np.cos(np.pi * x) - z) / np.where(x == 0, 1, x))


@tangent(sinc)
def _(z, x):
    t[z] = t[x] * np.where(x == 0, 0, (np.cos(np.pi * x) - z) / np.where(x == 0, 1, x))


@primitive(elementwise=True, domain=Domain())
def deg2rad(x):
    return x * (np.pi / 180)


@adjoint(deg2rad)
def _(z, x):
    d[x] = d[z] * (np.pi / 180)


@tangent(deg2rad)
def _(z, x):
    t[z] = t[x] * (np.pi / 180)


@primitive(elementwise=True, domain=Domain())
def rad2deg(x):
    return x * (180 / np.pi)


@adjoint(rad2deg)
def _(z, x):
    d[x] = d[z] * (180 / np.pi)


@tangent(rad2deg)
def _(z, x):
    t[z] = t[x] * (180 / np.pi)


reaches(hypot, np.hypot)
reaches(logaddexp, np.logaddexp)
reaches(sinc, np.sinc)
reaches(deg2rad, np.deg2rad, np.radians)
reaches(rad2deg, np.rad2deg, np.degrees)
