"""Reductions over axes, with adjoints that spread the gradient back over the reduced axes."""
import numpy as np

from .core import Domain, adjoint, d, primitive
from ..runtime import unreduce

_REDUCE = Domain(cases=tuple((((2, 3),), static) for static in (
    {}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}, {"keepdims": True})))


@primitive(domain=_REDUCE)
def reduce_sum(x, *, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


@adjoint(reduce_sum)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce(d[z], x, axis, keepdims)


@primitive(domain=_REDUCE)
def reduce_mean(x, *, axis=None, keepdims=False):
    return np.mean(x, axis=axis, keepdims=keepdims)


@adjoint(reduce_mean)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce(d[z] * (np.size(z) / np.size(x)), x, axis, keepdims)
