"""Operations that move elements without changing them: reshape and transpositions."""
import numpy as np

from .core import Domain, adjoint, d, primitive, static


@primitive(domain=Domain(cases=((((2, 3),), {"shape": (3, 2)}), (((2, 3),), {"shape": (-1,)}),
                                ((((6,),), {"shape": (1, 2, 3)})))))
def reshape(x, *, shape):
    return np.reshape(x, shape)


@adjoint(reshape)
def _(z, x, *, shape):
    d[x] = np.reshape(d[z], np.shape(x))


@primitive(domain=Domain(cases=((((2, 3),), {}), (((2, 3, 4),), {"axes": (2, 0, 1)}))))
def transpose(x, *, axes=None):
    return np.transpose(x, axes)


@adjoint(transpose)
def _(z, x, *, axes):
    if axes is None:
        d[x] = np.transpose(d[z])
    else:
        d[x] = np.transpose(d[z], inverse_permutation(axes))


@static
def inverse_permutation(axes):
    """The axes order that undoes `np.transpose(x, axes)`."""
    return tuple(sorted(range(len(axes)), key=lambda i: axes[i]))


@primitive(domain=Domain(cases=((((2, 3, 4),), {"axis1": 0, "axis2": 2}),
                                (((2, 3),), {"axis1": -1, "axis2": -2}))))
def swapaxes(x, *, axis1, axis2):
    return np.swapaxes(x, axis1, axis2)


@adjoint(swapaxes)
def _(z, x, *, axis1, axis2):
    d[x] = np.swapaxes(d[z], axis1, axis2)
