"""Reductions over axes, with adjoints that spread the gradient back over the reduced axes
and tangents that reduce the tangent likewise, and cumulative sums."""
import numpy as np

from .core import Domain, adjoint, d, primitive, t, tangent
from .shape import squeeze, take_along_axis
from ..runtime import product_of_others, unreduce, unreduce_to_extrema, var_grad

_REDUCE = Domain(cases=tuple((((2, 3),), static) for static in (
    {}, {"axis": 0}, {"axis": -1, "keepdims": True}, {"axis": (0, 1)}, {"keepdims": True})))


@primitive(domain=_REDUCE)
def reduce_sum(x, *, axis=None, keepdims=False):
    return x.sum(axis=axis, keepdims=keepdims)     # the method: numpy's np.sum adds a call


@adjoint(reduce_sum)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce(d[z], x, axis, keepdims)


@tangent(reduce_sum)
def _(z, x, *, axis, keepdims):
    t[z] = np.sum(t[x], axis=axis, keepdims=keepdims)


@primitive(domain=_REDUCE)
def reduce_mean(x, *, axis=None, keepdims=False):
    return np.mean(x, axis=axis, keepdims=keepdims)


@adjoint(reduce_mean)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce(d[z] * (np.size(z) / np.size(x)), x, axis, keepdims)


@tangent(reduce_mean)
def _(z, x, *, axis, keepdims):
    t[z] = np.mean(t[x], axis=axis, keepdims=keepdims)


_DISTINCT = Domain(cases=_REDUCE.cases, distinct=True)   # ties have no derivative


@primitive(domain=_REDUCE)
def reduce_prod(x, *, axis=None, keepdims=False):
    return np.prod(x, axis=axis, keepdims=keepdims)


@adjoint(reduce_prod)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce(d[z], x, axis, keepdims) * product_of_others(x, axis)


@tangent(reduce_prod)
def _(z, x, *, axis, keepdims):
    t[z] = np.sum(t[x] * product_of_others(x, axis), axis=axis, keepdims=keepdims)


@primitive(domain=_DISTINCT)
def reduce_max(x, *, axis=None, keepdims=False):
    return np.max(x, axis=axis, keepdims=keepdims)


@adjoint(reduce_max)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce_to_extrema(d[z], x, z, axis, keepdims)


@tangent(reduce_max)
def _(z, x, *, axis, keepdims):
    # t[x] averaged over the elements equal to the maximum, as the adjoint splits ties
    t[z] = np.sum(t[x] * unreduce_to_extrema(np.ones_like(z), x, z, axis, keepdims), axis=axis, keepdims=keepdims)


@primitive(domain=_DISTINCT)
def reduce_min(x, *, axis=None, keepdims=False):
    return np.min(x, axis=axis, keepdims=keepdims)


@adjoint(reduce_min)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce_to_extrema(d[z], x, z, axis, keepdims)


@tangent(reduce_min)
def _(z, x, *, axis, keepdims):
    t[z] = np.sum(t[x] * unreduce_to_extrema(np.ones_like(z), x, z, axis, keepdims), axis=axis, keepdims=keepdims)


@primitive(differentiable=False)
def argmax(x, *, axis=None, keepdims=False):
    return np.argmax(x, axis=axis, keepdims=keepdims)


@primitive(differentiable=False)
def argmin(x, *, axis=None, keepdims=False):
    return np.argmin(x, axis=axis, keepdims=keepdims)


def extremum_and_index(x, find, axis, keepdims):
    """(values, indices) of the element `find` (argmax or argmin) picks along `axis`, the
    first of tied ones: MindSpore's ops.max(x, axis), whose gradient reaches that element only."""
    index = find(x, axis=axis, keepdims=True)
    values = take_along_axis(x, index, axis=axis)
    if keepdims:
        return values, index
    return squeeze(values, axis=axis), squeeze(index, axis=axis)


@primitive(domain=_REDUCE)
def logsumexp(x, *, axis=None, keepdims=False):
    """log(sum(exp(x))), computed without overflow."""
    top = np.max(x, axis=axis, keepdims=True)
    total = np.log(np.sum(np.exp(x - top), axis=axis, keepdims=True)) + top
    return total if keepdims else np.squeeze(total, axis=axis)


@adjoint(logsumexp)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce(d[z], x, axis, keepdims) * np.exp(x - unreduce(z, x, axis, keepdims))


@tangent(logsumexp)
def _(z, x, *, axis, keepdims):
    t[z] = np.sum(t[x] * np.exp(x - unreduce(z, x, axis, keepdims)), axis=axis, keepdims=keepdims)


@primitive(domain=Domain(cases=tuple((((2, 3),), static) for static in (
    {"axis": 0}, {"axis": 1}, {"axis": -1}, {}))))
def cumsum(x, *, axis=None):
    return np.cumsum(x, axis=axis)


@adjoint(cumsum)
def _(z, x, *, axis):
    if axis is None:
        d[x] = reshape_like(np.cumsum(d[z][::-1])[::-1], x)
    else:
        d[x] = np.flip(np.cumsum(np.flip(d[z], axis), axis), axis)


@tangent(cumsum)
def _(z, x, *, axis):
    t[z] = np.cumsum(t[x], axis=axis)


_SPREAD = Domain(cases=_REDUCE.cases + ((((2, 3),), {"axis": 1, "ddof": 1}), (((2, 3),), {"ddof": 1})),
                 distinct=True)   # all-equal elements have no derivative for std


@primitive(domain=_SPREAD)
def var(x, *, axis=None, ddof=0, keepdims=False):
    return np.var(x, axis=axis, ddof=ddof, keepdims=keepdims)


@adjoint(var)
def _(z, x, *, axis, ddof, keepdims):
    d[x] = var_grad(d[z], x, axis, ddof, keepdims)


@tangent(var)
def _(z, x, *, axis, ddof, keepdims):
    t[z] = np.sum(t[x] * (x - np.mean(x, axis=axis, keepdims=True)), axis=axis, keepdims=keepdims) * (
        2 / (np.size(x) / np.size(z) - ddof))


@primitive(domain=_SPREAD)
def std(x, *, axis=None, ddof=0, keepdims=False):
    return np.std(x, axis=axis, ddof=ddof, keepdims=keepdims)


@adjoint(std)
def _(z, x, *, axis, ddof, keepdims):
    d[x] = var_grad(d[z] / (2 * z), x, axis, ddof, keepdims)


@tangent(std)
def _(z, x, *, axis, ddof, keepdims):
    t[z] = np.sum(t[x] * (x - np.mean(x, axis=axis, keepdims=True)), axis=axis, keepdims=keepdims) / (
        (np.size(x) / np.size(z) - ddof) * z)


@primitive(domain=Domain(cases=_REDUCE.cases, away_from=(0,)))
def norm(x, *, axis=None, keepdims=False):
    """The Euclidean (Frobenius) norm over `axis`."""
    return np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))


@adjoint(norm)
def _(z, x, *, axis, keepdims):
    d[x] = unreduce(d[z] / z, x, axis, keepdims) * x


@tangent(norm)
def _(z, x, *, axis, keepdims):
    t[z] = np.sum(t[x] * x, axis=axis, keepdims=keepdims) / z
