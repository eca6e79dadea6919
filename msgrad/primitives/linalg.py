"""Matrix products. Transposed operands are separate `swapaxes` steps (see primitives/shape.py)."""
import numpy as np

from .core import Domain, adjoint, d, primitive, reaches
from ..runtime import matmul_grad_x, matmul_grad_y


@primitive(domain=Domain(cases=tuple((shapes, {}) for shapes in [
    ((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3, 4)),
    ((2, 2, 3), (2, 3, 1)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))])))
def matmul(x, y):
    return x @ y


@adjoint(matmul)
def _(z, x, y):
    d[x] = matmul_grad_x(d[z], x, y)
    d[y] = matmul_grad_y(d[z], x, y)


reaches(matmul, np.matmul)
