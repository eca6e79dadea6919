"""Elementwise arithmetic and math functions, with their adjoints.

Binary operations broadcast, so each operand's gradient is summed back to its shape."""
import numpy as np

from .core import Domain, adjoint, d, primitive, reaches
from ..runtime import unbroadcast


@primitive(elementwise=True, domain=Domain())
def add(x, y):
    return x + y


@adjoint(add)
def _(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(d[z], y)


@primitive(elementwise=True, domain=Domain())
def subtract(x, y):
    return x - y


@adjoint(subtract)
def _(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z], y)


@primitive(elementwise=True, domain=Domain())
def multiply(x, y):
    return x * y


@adjoint(multiply)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * y, x)
    d[y] = unbroadcast(d[z] * x, y)


@primitive(elementwise=True, domain=Domain(ranges=((-2, 2), (0.5, 2))))
def divide(x, y):
    return x / y


@adjoint(divide)
def _(z, x, y):
    d[x] = unbroadcast(d[z] / y, x)
    d[y] = unbroadcast(-d[z] * z / y, y)


@primitive(elementwise=True, domain=Domain(ranges=((0.5, 2), (-2, 2))))
def power(x, y):
    return x ** y


@adjoint(power)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] = unbroadcast(d[z] * z * np.log(x), y)


@primitive(elementwise=True, domain=Domain())
def negative(x):
    return -x


@adjoint(negative)
def _(z, x):
    d[x] = -d[z]


@primitive(elementwise=True, domain=Domain(apart=True))
def maximum(x, y):
    return np.maximum(x, y)


@adjoint(maximum)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * ((x > y) + 0.5 * (x == y)), x)   # ties split evenly, as in MindSpore
    d[y] = unbroadcast(d[z] * ((y > x) + 0.5 * (x == y)), y)


@primitive(elementwise=True, domain=Domain(apart=True))
def minimum(x, y):
    return np.minimum(x, y)


@adjoint(minimum)
def _(z, x, y):
    d[x] = unbroadcast(d[z] * ((x < y) + 0.5 * (x == y)), x)
    d[y] = unbroadcast(d[z] * ((y < x) + 0.5 * (x == y)), y)


@primitive(elementwise=True, domain=Domain())
def exp(x):
    return np.exp(x)


@adjoint(exp)
def _(z, x):
    d[x] = d[z] * z


@primitive(elementwise=True, domain=Domain(low=0.2))
def log(x):
    return np.log(x)


@adjoint(log)
def _(z, x):
    d[x] = d[z] / x


@primitive(elementwise=True, domain=Domain())
def sin(x):
    return np.sin(x)


@adjoint(sin)
def _(z, x):
    d[x] = d[z] * np.cos(x)


@primitive(elementwise=True, domain=Domain())
def cos(x):
    return np.cos(x)


@adjoint(cos)
def _(z, x):
    d[x] = -d[z] * np.sin(x)


@primitive(elementwise=True, domain=Domain())
def tanh(x):
    return np.tanh(x)


@adjoint(tanh)
def _(z, x):
    d[x] = d[z] * (1 - z * z)


@primitive(elementwise=True, domain=Domain(low=0.2))
def sqrt(x):
    return np.sqrt(x)


@adjoint(sqrt)
def _(z, x):
    d[x] = d[z] / (2 * z)


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
