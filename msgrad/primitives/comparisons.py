"""Comparisons and logical operations: boolean results, so no gradient flows through them.
Python's `<`, `==`, ... on Tensors reach the comparisons by these names."""
import numpy as np

from .core import primitive, reaches


@primitive(differentiable=False, elementwise=True)
def greater(x, y):
    return x > y


@primitive(differentiable=False, elementwise=True)
def greater_equal(x, y):
    return x >= y


@primitive(differentiable=False, elementwise=True)
def less(x, y):
    return x < y


@primitive(differentiable=False, elementwise=True)
def less_equal(x, y):
    return x <= y


@primitive(differentiable=False, elementwise=True)
def equal(x, y):
    return x == y


@primitive(differentiable=False, elementwise=True)
def not_equal(x, y):
    return x != y


@primitive(differentiable=False, elementwise=True)
def logical_and(x, y):
    return np.logical_and(x, y)


@primitive(differentiable=False, elementwise=True)
def logical_or(x, y):
    return np.logical_or(x, y)


@primitive(differentiable=False, elementwise=True)
def logical_not(x):
    return np.logical_not(x)


for _prim in (greater, greater_equal, less, less_equal, equal, not_equal, logical_and, logical_or,
              logical_not):
    reaches(_prim, getattr(np, _prim.name))
