"""numpy's spellings of table operations whose signatures differ from the primitive's
(`np.sum(a, axis, dtype, out, keepdims)`); numpy ufuncs with the primitive's own signature are
registered next to their primitive."""
import numpy as np

from . import reductions as R, shape as S, linalg as L
from .core import reaches


def _sum(a, axis=None, dtype=None, out=None, keepdims=False):
    return R.reduce_sum(a, axis=axis, keepdims=keepdims)


def _mean(a, axis=None, dtype=None, out=None, keepdims=False):
    return R.reduce_mean(a, axis=axis, keepdims=keepdims)


def _reshape(a, shape=None, order="C", *, newshape=None):
    return S.reshape(a, shape=tuple(np.atleast_1d(shape if shape is not None else newshape).tolist()))


def _transpose(a, axes=None):
    return S.transpose(a, axes=None if axes is None else tuple(axes))


def _swapaxes(a, axis1, axis2):
    return S.swapaxes(a, axis1=axis1, axis2=axis2)


def _dot(a, b):
    return L.matmul(a, b)


for adapter, name in [(_sum, np.sum), (_mean, np.mean), (_reshape, np.reshape),
                      (_transpose, np.transpose), (_swapaxes, np.swapaxes), (_dot, np.dot)]:
    reaches(adapter, name)
