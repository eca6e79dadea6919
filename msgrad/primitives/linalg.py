"""Matrix products, tensor contractions and einsum. Transposed operands are separate
`swapaxes` steps (see primitives/shape.py); matmul_transposed, `x @ y.T`, is made only by the
optimizer, for a loop's products of rows."""
import numpy as np

from .core import Domain, adjoint, d, primitive, reaches, static, t, tangent
from ..runtime import matmul_grad_x, matmul_grad_y, tensordot_grad_x, tensordot_grad_y


@primitive(domain=Domain(cases=tuple((shapes, {}) for shapes in [
    ((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3, 4)),
    ((2, 2, 3), (2, 3, 1)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))])))
def matmul(x, y):
    return x @ y


@adjoint(matmul)
def _(z, x, y):
    d[x] = matmul_grad_x(d[z], x, y)
    d[y] = matmul_grad_y(d[z], x, y)


@tangent(matmul)
def _(z, x, y):
    t[z] = t[x] @ y + x @ t[y]


reaches(matmul, np.matmul)


@primitive(domain=Domain(cases=((((2, 3), (4, 3)), {}), (((1, 2), (2, 2)), {}))))
def matmul_transposed(x, y):
    """`x @ y.T` for matrices: every row of x times y. No user code reaches it; optimize makes
    it of a loop's `y @ x[t]` (compute_row_products_before_loops)."""
    return x @ y.T


@adjoint(matmul_transposed)
def _(z, x, y):
    d[x] = d[z] @ y
    d[y] = d[z].T @ x


@tangent(matmul_transposed)
def _(z, x, y):
    t[z] = t[x] @ y.T + x @ t[y].T


@primitive(domain=Domain(cases=(
    (((2, 3), (3, 4)), {"axes": 1}), (((2, 3, 4), (3, 4, 2)), {"axes": ((1, 2), (0, 1))}),
    (((3,), (2,)), {"axes": 0}), (((2, 3), (4, 3)), {"axes": ((-1,), (-1,))}),
    (((2, 3), (2, 3)), {"axes": 2}))))
def tensordot(x, y, *, axes=2):
    return np.tensordot(x, y, axes)


@adjoint(tensordot)
def _(z, x, y, *, axes):
    d[x] = tensordot_grad_x(d[z], x, y, axes)
    d[y] = tensordot_grad_y(d[z], x, y, axes)


@tangent(tensordot)
def _(z, x, y, *, axes):
    t[z] = np.tensordot(t[x], y, axes) + np.tensordot(x, t[y], axes)


@primitive(domain=Domain(cases=tuple((shapes, {"equation": equation}) for equation, shapes in [
    ("ij,jk->ik", ((2, 3), (3, 4))), ("ij,ij->i", ((2, 3), (2, 3))), ("i,j->ij", ((2,), (3,))),
    ("ij,k->jk", ((2, 3), (4,))), ("bij,bjk->bik", ((2, 2, 3), (2, 3, 2))), ("ij,jk->", ((2, 3), (3, 2)))])))
def einsum(x, y, *, equation):
    """np.einsum of two operands, with an explicit output (`->`) and no repeated or `...` labels."""
    return np.einsum(equation, x, y)


@adjoint(einsum)
def _(z, x, y, *, equation):
    if einsum_summed_axes(equation, 0) == ():
        d[x] = np.einsum(einsum_grad_equation(equation, 0), d[z], y)
    else:
        d[x] = broadcast_like(np.expand_dims(np.einsum(einsum_grad_equation(equation, 0), d[z], y),
                                             einsum_summed_axes(equation, 0)), x)
    if einsum_summed_axes(equation, 1) == ():
        d[y] = np.einsum(einsum_grad_equation(equation, 1), d[z], x)
    else:
        d[y] = broadcast_like(np.expand_dims(np.einsum(einsum_grad_equation(equation, 1), d[z], x),
                                             einsum_summed_axes(equation, 1)), y)


@tangent(einsum)
def _(z, x, y, *, equation):
    t[z] = np.einsum(equation, t[x], y) + np.einsum(equation, x, t[y])


def _einsum_labels(equation, operand):
    """(labels of `operand`, of the other operand, of the output) in an `ab,bc->ac` equation."""
    inputs, output = equation.split("->")
    labels = inputs.split(",")
    return labels[operand], labels[1 - operand], output


@static
def einsum_summed_axes(equation, operand):
    """The axes of `operand` whose labels appear nowhere else: summed in the forward pass, so
    the gradient is broadcast along them."""
    mine, other, output = _einsum_labels(equation, operand)
    return tuple(i for i, c in enumerate(mine) if c not in other + output)


@static
def einsum_grad_equation(equation, operand):
    """The equation taking (output gradient, other operand) to the gradient of `operand`,
    without the labels only `operand` has."""
    mine, other, output = _einsum_labels(equation, operand)
    return f"{output},{other}->{''.join(c for c in mine if c in other + output)}"


def einsum_operands(equation, operands):
    """`equation` in the explicit form the einsum primitive takes, checked for what it supports."""
    equation = equation.replace(" ", "")
    if len(operands) != 2:
        raise TypeError(f"msgrad differentiates einsum of two operands, not {len(operands)}")
    inputs = equation.split("->")[0]
    if "..." in equation or any(len(set(s)) != len(s) for s in inputs.split(",")):
        raise TypeError(f"msgrad's einsum takes no '...' and no label repeated in one operand: {equation!r}")
    if "->" not in equation:
        letters = inputs.replace(",", "")
        equation += "->" + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return equation
