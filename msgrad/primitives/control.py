"""Operations that steer differentiation and control flow themselves."""
import numpy as np

from .. import dtype as mstype
from .core import Domain, adjoint, d, primitive, reaches, t, tangent


@primitive(differentiable=False, elementwise=True)
def stop_gradient(x):
    return x


@primitive(elementwise=True, domain=Domain())
def identity(x):
    """A copy of a value under a new name: where branches join, and for loop-carried values."""
    return x


@adjoint(identity)
def _(z, x):
    d[x] = d[z]


@tangent(identity)
def _(z, x):
    t[z] = t[x]


@primitive(differentiable=False)
def length(x):
    """The length of the first axis: `len(x)`, and `for row in x`."""
    return len(x)


@primitive(differentiable=False)
def shape_of(x):
    """`x.shape`, known when the code runs."""
    return np.shape(x)


@primitive(differentiable=False)
def ndim_of(x):
    """`x.ndim`."""
    return np.ndim(x)


@primitive(differentiable=False)
def size_of(x):
    """`x.size`."""
    return np.size(x)


@primitive(differentiable=False)
def dtype_of(x):
    """`x.dtype`, as MindSpore's dtype object."""
    return mstype.from_numpy(np.result_type(x))


# Adjoint templates ask these of their operands (generated code is compiled again for higher
# orders); the normalizer turns len(x) on a Tensor into `length` before it looks for entry points.
reaches(length, len)
reaches(shape_of, np.shape)
reaches(ndim_of, np.ndim)
reaches(size_of, np.size)
reaches(identity, np.copy)     # generated code copies read-only views (diagonal's); compiled again, a new name
