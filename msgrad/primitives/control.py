"""Operations that steer differentiation and control flow themselves."""
from .core import Domain, adjoint, d, primitive


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


@primitive(differentiable=False)
def truth(x):
    """A condition as Python's `if` and `while` see it (a one-element Tensor or a bool)."""
    return bool(x)


@primitive(differentiable=False)
def length(x):
    """The length of the first axis, for `for row in x`."""
    return len(x)
