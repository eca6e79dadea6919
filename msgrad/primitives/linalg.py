"""Matrix products. Transposed operands are separate `swapaxes` steps (see primitives/shape.py)."""
import numpy as np

from .core import adjoint, d, primitive, reaches
from ..runtime import matmul_grad_x, matmul_grad_y


@primitive
def matmul(x, y):
    return x @ y


@adjoint(matmul)
def _(z, x, y):
    d[x] = matmul_grad_x(d[z], x, y)
    d[y] = matmul_grad_y(d[z], x, y)


reaches(matmul, np.matmul)
