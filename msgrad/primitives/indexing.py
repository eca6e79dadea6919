"""Indexing: `x[key]` with a key known when the code is generated (integers, slices, None,
`...`), and `x[i]` with an index computed at run time (a loop counter)."""
import numpy as np

from .core import Domain, adjoint, d, primitive, t, tangent
from ..runtime import unindex


@primitive(domain=Domain(cases=(
    (((4, 3),), {"key": 1}), (((4, 3),), {"key": (slice(None), slice(1, None))}),
    (((4, 3),), {"key": (Ellipsis, None, slice(None, None, -2))}), (((2, 3, 2),), {"key": (1, -1)}))))
def getitem(x, *, key):
    return x[key]


@adjoint(getitem)
def _(z, x, *, key):
    d[x] = unindex(d[z], x, key)


@tangent(getitem)
def _(z, x, *, key):
    t[z] = t[x][key]


@primitive(domain=Domain(cases=((((3, 2),), {}), (((4,),), {})), fixed={"i": 2}))
def index(x, i):
    return x[i]


@adjoint(index)
def _(z, x, i):
    d[x] = unindex(d[z], x, i)


@tangent(index)
def _(z, x, i):
    t[z] = t[x][i]
