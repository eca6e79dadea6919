"""The runtime helpers that adjoint templates call, as primitives of their own, so that the code
generated from the templates can be differentiated again (higher-order gradients).

Each primitive's implementation is the plain function of msgrad/runtime.py, which generated code
keeps calling by its name (fast: no Tensor wrapping); through it the compiler reaches the
primitive. Most helpers are linear in their gradient argument `g`, and the adjoint of such a
helper is the forward operation whose gradient it computes: unbroadcast sums g to x's shape,
its adjoint broadcasts back; its tangent is itself applied to the tangent. Operands that only
give a shape (x in unbroadcast(g, x)) get no gradient, and helpers that only mark places (masks,
axes) are not differentiable. cross_entropy's gradients are no primitives: their entry points
trace them into primitives of their terms."""
import numpy as np

from .. import runtime
from . import elementwise as E, reductions as R, shape as S
from .core import Domain, Symbol, adjoint, d, primitive, reaches, t, tangent
from .nn import adaptive_avg_pool2d, avg_pool2d, conv2d  # noqa: F401  (adjoints of the convolution and pooling gradients)

# -- sums and spreads --------------------------------------------------------------------------------

unbroadcast = primitive(runtime.unbroadcast, domain=Domain(shape_only=("x",), cases=tuple(
    (shapes, {}) for shapes in [((2, 3), (3,)), ((2, 3), (1, 3)), ((2, 3), ()), ((4, 2, 3), (2, 1)),
                                ((2, 3), (2, 3))])))


@adjoint(unbroadcast)
def _(z, g, x):
    d[g] = unreduce(d[z], g, None, True)          # d[z] broadcast to g's shape


@tangent(unbroadcast)
def _(z, g, x):
    t[z] = unbroadcast(t[g], x)


unreduce = primitive(runtime.unreduce, static=("axis", "keepdims"), domain=Domain(
    shape_only=("x",), cases=(
        (((3,), (2, 3)), {"axis": 0, "keepdims": False}), (((2, 1), (2, 3)), {"axis": -1, "keepdims": True}),
        (((), (2, 3)), {"axis": None, "keepdims": False}), (((1, 1), (2, 3)), {"axis": None, "keepdims": True}),
        (((), (2, 3)), {"axis": (0, 1), "keepdims": False}), (((3,), (2, 3)), {"axis": None, "keepdims": True}))))


@adjoint(unreduce)
def _(z, g, x, *, axis, keepdims):
    if keepdims:
        d[g] = unbroadcast(d[z], g)               # g was broadcast along its length-1 (or missing) axes
    else:
        d[g] = np.sum(d[z], axis=axis)


@tangent(unreduce)
def _(z, g, x, *, axis, keepdims):
    t[z] = unreduce(t[g], x, axis, keepdims)


# -- undoing movements of elements (primitives/shape.py, indexing.py) -------------------------------

unindex = primitive(runtime.unindex, static=("key",), domain=Domain(shape_only=("x",), cases=(
    (((3,), (4, 3)), {"key": 1}), (((4, 2), (4, 3)), {"key": (slice(None), slice(1, None))}),
    (((4, 1, 2), (4, 3)), {"key": (Ellipsis, None, slice(None, None, -2))}),
    (((2,), (2, 3, 2)), {"key": (1, -1)}))))


@adjoint(unindex)
def _(z, g, x, *, key):
    d[g] = d[z][key]


@tangent(unindex)
def _(z, g, x, *, key):
    t[z] = unindex(t[g], x, key)


@primitive(domain=Domain(shape_only=("x",), cases=((((2,), (3, 2)), {}), (((), (4,)), {})), fixed={"i": 2}))
def unindex_at(g, x, i):
    """unindex at an index known only when the code runs (a loop counter): index's adjoint."""
    return runtime.unindex(g, x, i)


@adjoint(unindex_at)
def _(z, g, x, i):
    d[g] = d[z][i]


@tangent(unindex_at)
def _(z, g, x, i):
    t[z] = unindex(t[g], x, i)


def _unindex(g, x, key):
    """Generated code calls unindex with a key fixed when it was generated (getitem's adjoint)
    or with an index computed at run time (index's)."""
    return unindex_at(g, x, key) if isinstance(key, Symbol) else unindex(g, x, key)


reaches(_unindex, runtime.unindex)       # in place of the unindex primitive alone

untake = primitive(runtime.untake, static=("axis",), domain=Domain(
    shape_only=("x",), fixed={"indices": np.array([[0, 2], [2, 2]])},
    cases=((((2, 2, 2), (2, 3)), {"axis": 1}), (((2, 2, 2), (3, 2)), {"axis": 0}))))


@adjoint(untake)
def _(z, g, x, indices, *, axis):
    d[g] = np.take(d[z], indices, axis=axis)


@tangent(untake)
def _(z, g, x, indices, *, axis):
    t[z] = untake(t[g], x, indices, axis)


untake_along_axis = primitive(runtime.untake_along_axis, static=("axis",), domain=Domain(
    shape_only=("x",), fixed={"indices": np.array([[1, 0, 1], [2, 2, 0]])},
    cases=((((2, 3), (2, 3)), {"axis": 1}), (((2, 3), (3, 3)), {"axis": 0}))))


@adjoint(untake_along_axis)
def _(z, g, x, indices, *, axis):
    d[g] = np.take_along_axis(d[z], indices, axis=axis)


@tangent(untake_along_axis)
def _(z, g, x, indices, *, axis):
    t[z] = untake_along_axis(t[g], x, indices, axis)


untile = primitive(runtime.untile, static=("reps",), domain=Domain(shape_only=("x",), cases=(
    (((4, 3), (2, 3)), {"reps": (2, 1)}), (((2, 6), (3,)), {"reps": (2, 2)}), (((2, 6), (2, 3)), {"reps": (2,)}))))


@adjoint(untile)
def _(z, g, x, *, reps):
    d[g] = np.tile(d[z], reps)


@tangent(untile)
def _(z, g, x, *, reps):
    t[z] = untile(t[g], x, reps)


unsplit = primitive(runtime.unsplit, static=("sections", "index", "axis"), domain=Domain(
    shape_only=("x",), cases=((((2, 2), (2, 4)), {"sections": 2, "index": 1, "axis": 1}),
                              (((1, 2), (3, 2)), {"sections": (1,), "index": 0, "axis": 0}),
                              (((2, 2), (3, 2)), {"sections": (1,), "index": 1, "axis": 0}))))


@adjoint(unsplit)
def _(z, g, x, *, sections, index, axis):
    d[g] = np.split(d[z], sections, axis=axis)[index]


@tangent(unsplit)
def _(z, g, x, *, sections, index, axis):
    t[z] = unsplit(t[g], x, sections, index, axis)


undiagonal = primitive(runtime.undiagonal, static=("offset", "axis1", "axis2"), domain=Domain(
    shape_only=("x",), cases=tuple(((g, x), dict(zip(("offset", "axis1", "axis2"), static))) for g, x, static in [
        ((3,), (3, 3), (0, 0, 1)), ((2,), (2, 3), (1, 0, 1)), ((2,), (3, 2), (-1, 0, 1)),
        ((2, 2), (2, 3, 2), (0, 1, 2)), ((3, 2), (2, 3, 4), (-1, 2, 0))])))


@adjoint(undiagonal)
def _(z, g, x, *, offset, axis1, axis2):
    d[g] = np.diagonal(d[z], offset, axis1, axis2)


@tangent(undiagonal)
def _(z, g, x, *, offset, axis1, axis2):
    t[z] = undiagonal(t[g], x, offset, axis1, axis2)


unrepeat = primitive(runtime.unrepeat, static=("repeats", "axis"), domain=Domain(shape_only=("x",), cases=(
    (((12,), (2, 3)), {"repeats": 2, "axis": None}), (((2, 9), (2, 3)), {"repeats": 3, "axis": 1}),
    (((4, 1, 2), (2, 1, 2)), {"repeats": 2, "axis": -3}))))


@adjoint(unrepeat)
def _(z, g, x, *, repeats, axis):
    d[g] = np.repeat(d[z], repeats, axis)


@tangent(unrepeat)
def _(z, g, x, *, repeats, axis):
    t[z] = unrepeat(t[g], x, repeats, axis)


# -- products (primitives/linalg.py, reductions.py) --------------------------------------------------
# A product's gradient with respect to one factor is bilinear in the output gradient g and the
# other factor: <D, matmul_grad_x(g, x, y)> = <g, D @ y>.

_MATMUL = (((2, 4), (2, 3), (3, 4)), ((2,), (3,), (3, 2)), ((2,), (2, 3), (3,)), ((), (3,), (3,)),
           ((2, 2, 4), (2, 2, 3), (3, 4)), ((2, 2, 1), (2, 2, 3), (2, 3, 1)), ((2, 3), (4,), (2, 4, 3)),
           ((2, 3), (2, 3, 4), (4,)))
matmul_grad_x = primitive(runtime.matmul_grad_x, domain=Domain(
    shape_only=("x",), cases=tuple((shapes, {}) for shapes in _MATMUL)))
matmul_grad_y = primitive(runtime.matmul_grad_y, domain=Domain(
    shape_only=("y",), cases=tuple((shapes, {}) for shapes in _MATMUL)))


@adjoint(matmul_grad_x)
def _(z, g, x, y):
    d[g] = d[z] @ y
    d[y] = matmul_grad_y(g, d[z], y)


@tangent(matmul_grad_x)
def _(z, g, x, y):
    t[z] = matmul_grad_x(t[g], x, y) + matmul_grad_x(g, x, t[y])


@adjoint(matmul_grad_y)
def _(z, g, x, y):
    d[g] = x @ d[z]
    d[x] = matmul_grad_x(g, x, d[z])


@tangent(matmul_grad_y)
def _(z, g, x, y):
    t[z] = matmul_grad_y(t[g], x, y) + matmul_grad_y(g, t[x], y)


_TENSORDOT = ((((2, 4), (2, 3), (3, 4)), {"axes": 1}), (((3, 2), (3,), (2,)), {"axes": 0}),
              (((2, 2), (2, 3, 4), (3, 4, 2)), {"axes": ((1, 2), (0, 1))}),
              (((2, 4), (2, 3), (4, 3)), {"axes": ((-1,), (-1,))}), (((), (2, 3), (2, 3)), {"axes": 2}))
tensordot_grad_x = primitive(runtime.tensordot_grad_x, static=("axes",),
                             domain=Domain(shape_only=("x",), cases=_TENSORDOT))
tensordot_grad_y = primitive(runtime.tensordot_grad_y, static=("axes",),
                             domain=Domain(shape_only=("y",), cases=_TENSORDOT))


@adjoint(tensordot_grad_x)
def _(z, g, x, y, *, axes):
    d[g] = np.tensordot(d[z], y, axes)
    d[y] = tensordot_grad_y(g, d[z], y, axes)


@tangent(tensordot_grad_x)
def _(z, g, x, y, *, axes):
    t[z] = tensordot_grad_x(t[g], x, y, axes) + tensordot_grad_x(g, x, t[y], axes)


@adjoint(tensordot_grad_y)
def _(z, g, x, y, *, axes):
    d[g] = np.tensordot(x, d[z], axes)
    d[x] = tensordot_grad_x(g, x, d[z], axes)


@tangent(tensordot_grad_y)
def _(z, g, x, y, *, axes):
    t[z] = tensordot_grad_y(t[g], x, y, axes) + tensordot_grad_y(g, t[x], y, axes)


_REDUCE = tuple(((shape,), {"axis": axis}) for shape, axis in [
    ((2, 3), None), ((2, 3), 0), ((2, 3), -1), ((2, 3), (0, 1)), ((2, 3, 2), (2, 0))])
product_of_others = primitive(runtime.product_of_others, static=("axis",), domain=Domain(cases=_REDUCE))


@adjoint(product_of_others)
def _(z, x, *, axis):
    # The Jacobian is symmetric: dz_i/dx_j (j != i) is the product of the group but x_i and x_j,
    # which is product_of_others of the group's row with x_i set to 1, at j (a copy of the row
    # for each i; exact where x has zeros).
    d[x] = ungroup_rows(np.sum(np.where(identity_mask(group_rows(x, axis)), 0, product_of_others(
        np.where(identity_mask(group_rows(x, axis)), 1, group_rows(x, axis)[..., None, :]), -1))
        * group_rows(d[z], axis)[..., None], -2), x, axis)


@tangent(product_of_others)
def _(z, x, *, axis):
    # the adjoint's symmetric Jacobian, applied to t[x]
    t[z] = ungroup_rows(np.sum(np.where(identity_mask(group_rows(x, axis)), 0, product_of_others(
        np.where(identity_mask(group_rows(x, axis)), 1, group_rows(x, axis)[..., None, :]), -1))
        * group_rows(t[x], axis)[..., None], -2), x, axis)


group_rows = primitive(runtime.group_rows, static=("axis",), domain=Domain(cases=_REDUCE))
ungroup_rows = primitive(runtime.ungroup_rows, static=("axis",), domain=Domain(shape_only=("x",), cases=tuple(
    ((rows, x), {"axis": axis}) for rows, x, axis in [
        ((6,), (2, 3), None), ((3, 2), (2, 3), 0), ((2, 3), (2, 3), -1), ((3, 4), (2, 3, 2), (2, 0))])))
identity_mask = primitive(runtime.identity_mask, differentiable=False)


@adjoint(group_rows)
def _(z, x, *, axis):
    d[x] = ungroup_rows(d[z], x, axis)


@tangent(group_rows)
def _(z, x, *, axis):
    t[z] = group_rows(t[x], axis)


@adjoint(ungroup_rows)
def _(z, rows, x, *, axis):
    d[rows] = group_rows(d[z], axis)


@tangent(ungroup_rows)
def _(z, rows, x, *, axis):
    t[z] = ungroup_rows(t[rows], x, axis)


# The extrema x reduces to (z, consistent with x: fixed, with a tie) choose where g goes, so
# only g has a gradient.
_WITH_TIE = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 1.0]])
unreduce_to_extrema = primitive(runtime.unreduce_to_extrema, static=("axis", "keepdims"), domain=Domain(
    cases=((((2,),), {"axis": 1, "keepdims": False}),), fixed={"x": _WITH_TIE, "z": _WITH_TIE.max(1)}))


@adjoint(unreduce_to_extrema)
def _(out, g, x, z, *, axis, keepdims):
    d[g] = np.sum(d[out] * (x == unreduce(z, x, axis, keepdims)), axis=axis, keepdims=keepdims) / \
        np.sum(x == unreduce(z, x, axis, keepdims), axis=axis, keepdims=keepdims)


@tangent(unreduce_to_extrema)
def _(out, g, x, z, *, axis, keepdims):
    t[out] = unreduce_to_extrema(t[g], x, z, axis, keepdims)


_SPREAD = tuple(((g, (2, 3)), static) for g, static in [
    ((), {"axis": None, "ddof": 0, "keepdims": False}), ((2,), {"axis": 1, "ddof": 0, "keepdims": False}),
    ((1, 3), {"axis": 0, "ddof": 0, "keepdims": True}), ((2,), {"axis": 1, "ddof": 1, "keepdims": False})])
var_grad = primitive(runtime.var_grad, static=("axis", "ddof", "keepdims"), domain=Domain(cases=_SPREAD))


@adjoint(var_grad)
def _(z, g, x, *, axis, ddof, keepdims):
    # z = unreduce(g) (x - mean(x)) c with c = 2 / (count - ddof); centering is its own adjoint
    d[g] = np.sum(d[z] * (x - np.mean(x, axis, keepdims=True)), axis=axis, keepdims=keepdims) * \
        (2 / (np.size(x) // np.size(g) - ddof))
    d[x] = (2 / (np.size(x) // np.size(g) - ddof)) * (
        d[z] * unreduce(g, x, axis, keepdims) - np.mean(d[z] * unreduce(g, x, axis, keepdims), axis, keepdims=True))


@tangent(var_grad)
def _(z, g, x, *, axis, ddof, keepdims):
    # linear in x too: x's shape alone gives the count and the spreading of g
    t[z] = var_grad(t[g], x, axis, ddof, keepdims) + var_grad(g, t[x], axis, ddof, keepdims)


# -- neural networks (primitives/nn.py) -------------------------------------------------------------

gelu_derivative = primitive(runtime.gelu_derivative, static=("approximate",), domain=Domain(
    low=-3.0, high=3.0, shapes="same", static=({"approximate": "none"}, {"approximate": "tanh"})))


@adjoint(gelu_derivative)
def _(z, x, *, approximate):
    if approximate == "tanh":
        # gelu' = (1 + t) / 2 + x (1 - t^2) u' / 2 with t = tanh(u), u = a (x + 0.044715 x^3),
        # u' = a (1 + 0.134145 x^2): gelu'' = (1 - t^2) (u' (1 - x t u') + a 0.134145 x^2)
        d[x] = d[z] * (1 - np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)) ** 2) * (
            0.7978845608028654 * (1 + 0.134145 * x * x) * (1 - x * np.tanh(0.7978845608028654 * (
                x + 0.044715 * x ** 3)) * 0.7978845608028654 * (1 + 0.134145 * x * x))
            + 0.7978845608028654 * 0.134145 * x * x)
    else:
        d[x] = d[z] * 0.3989422804014327 * np.exp(-0.5 * x * x) * (2 - x * x)   # (2 - x^2) φ(x)


@tangent(gelu_derivative)
def _(z, x, *, approximate):
    if approximate == "tanh":          # gelu'' as in the adjoint
        t[z] = t[x] * (1 - np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)) ** 2) * (
            0.7978845608028654 * (1 + 0.134145 * x * x) * (1 - x * np.tanh(0.7978845608028654 * (
                x + 0.044715 * x ** 3)) * 0.7978845608028654 * (1 + 0.134145 * x * x))
            + 0.7978845608028654 * 0.134145 * x * x)
    else:
        t[z] = t[x] * 0.3989422804014327 * np.exp(-0.5 * x * x) * (2 - x * x)


_AXIS = tuple(((shape, shape), {"axis": axis}) for shape, axis in [((2, 3), -1), ((2, 3), 0), ((4,), -1),
                                                                   ((2, 2, 3), 1)])
softmax_grad = primitive(runtime.softmax_grad, static=("axis",), domain=Domain(cases=_AXIS))


@adjoint(softmax_grad)
def _(z, g, x, *, axis):
    # z = J g with J = diag(s) - s s^T symmetric, s = softmax(x); differentiating <d[z], J g>
    # in s gives d[z] g - g <d[z], s> - d[z] <g, s>, which J takes back to x
    d[g] = softmax_grad(d[z], x, axis)
    d[x] = softmax_grad(d[z] * g - g * np.sum(d[z] * np.exp(log_probabilities(x, axis)), axis, keepdims=True)
                        - d[z] * np.sum(g * np.exp(log_probabilities(x, axis)), axis, keepdims=True), x, axis)


@tangent(softmax_grad)
def _(z, g, x, *, axis):
    # with u = J t[x] the tangent of s: u (g - <g, s>) - s <g, u>
    t[z] = (softmax_grad(t[g], x, axis)
            + softmax_grad(t[x], x, axis) * (g - np.sum(g * np.exp(log_probabilities(x, axis)), axis, keepdims=True))
            - np.exp(log_probabilities(x, axis)) * np.sum(g * softmax_grad(t[x], x, axis), axis, keepdims=True))


standardize_grad = primitive(runtime.standardize_grad, static=("axis", "eps"), domain=Domain(cases=(
    (((2, 3),) * 3, {"axis": (-1,), "eps": 0.01}), (((2, 2, 3),) * 3, {"axis": (-2, -1), "eps": 0.01}))))


@adjoint(standardize_grad)
def _(out, g, z, x, *, axis, eps):
    # out = (g - mean(g) - z mean(g z)) / sqrt(var(x) + eps): self-adjoint in g
    d[g] = standardize_grad(d[out], z, x, axis, eps)
    d[z] = -(d[out] * np.mean(g * z, axis, keepdims=True) + g * np.mean(d[out] * z, axis, keepdims=True)) / \
        np.sqrt(np.var(x, axis, keepdims=True) + eps)
    d[x] = -np.mean(d[out] * out, axis, keepdims=True) * (x - np.mean(x, axis, keepdims=True)) / \
        (np.var(x, axis, keepdims=True) + eps)


@tangent(standardize_grad)
def _(out, g, z, x, *, axis, eps):
    # through var(x) only: d var = 2 mean((x - mean(x)) t[x])
    t[out] = (standardize_grad(t[g], z, x, axis, eps)
              - (t[z] * np.mean(g * z, axis, keepdims=True) + z * np.mean(g * t[z], axis, keepdims=True))
              / np.sqrt(np.var(x, axis, keepdims=True) + eps)
              - out * np.mean((x - np.mean(x, axis, keepdims=True)) * t[x], axis, keepdims=True)
              / (np.var(x, axis, keepdims=True) + eps))


channel_axes = primitive(runtime.channel_axes, differentiable=False)
axes_from = primitive(runtime.axes_from, differentiable=False, static=("begin",))

channels = primitive(runtime.channels, domain=Domain(shape_only=("x",), cases=(
    (((3,), (2, 3)), {}), (((3,), (2, 3, 2, 2)), {}), (((3,), (3,)), {}))))


@adjoint(channels)
def _(z, v, x):
    d[v] = np.reshape(d[z], (-1,))


@tangent(channels)
def _(z, v, x):
    t[z] = channels(t[v], x)


sum_to_channels = primitive(runtime.sum_to_channels, domain=Domain(cases=((((2, 3),), {}), (((2, 3, 2, 2),), {}))))


@adjoint(sum_to_channels)
def _(z, g):
    d[g] = unreduce(channels(d[z], g), g, None, True)    # broadcast along all axes but 1


@tangent(sum_to_channels)
def _(z, g):
    t[z] = sum_to_channels(t[g])


batch_standardize = primitive(runtime.batch_standardize, static=("eps",), domain=Domain(cases=(
    (((4, 3),), {"eps": 0.01}), (((2, 3, 2, 2),), {"eps": 0.01}))))


@adjoint(batch_standardize)
def _(z, x, *, eps):
    d[x] = batch_standardize_grad(d[z], z, x, eps)


@tangent(batch_standardize)
def _(z, x, *, eps):
    t[z] = standardize_grad(t[x], z, x, channel_axes(x), eps)       # its Jacobian is symmetric


_CONVOLUTIONS = tuple(((g, x, w), {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups})
                      for g, x, w, stride, padding, dilation, groups in [
    ((2, 2, 2, 2), (2, 2, 3, 3), (2, 2, 2, 2), (1, 1), (0, 0, 0, 0), (1, 1), 1),
    ((1, 2, 2, 3), (1, 2, 4, 3), (2, 2, 2, 3), (2, 1), "same", (1, 1), 1),
    ((1, 2, 2, 6), (1, 2, 3, 4), (2, 1, 2, 2), (1, 1), (1, 0, 2, 1), (2, 1), 2)])
conv2d_grad_input = primitive(runtime.conv2d_grad_input, static=("stride", "padding", "dilation", "groups"),
                              domain=Domain(shape_only=("x",), cases=_CONVOLUTIONS))
conv2d_grad_weight = primitive(runtime.conv2d_grad_weight, static=("stride", "padding", "dilation", "groups"),
                               domain=Domain(shape_only=("w",), cases=_CONVOLUTIONS))


@adjoint(conv2d_grad_input)
def _(z, g, x, w, *, stride, padding, dilation, groups):
    d[g] = conv2d(d[z], w, stride=stride, padding=padding, dilation=dilation, groups=groups)
    d[w] = conv2d_grad_weight(g, d[z], w, stride, padding, dilation, groups)


@tangent(conv2d_grad_input)
def _(z, g, x, w, *, stride, padding, dilation, groups):
    t[z] = (conv2d_grad_input(t[g], x, w, stride, padding, dilation, groups)
            + conv2d_grad_input(g, x, t[w], stride, padding, dilation, groups))


@adjoint(conv2d_grad_weight)
def _(z, g, x, w, *, stride, padding, dilation, groups):
    d[g] = conv2d(x, d[z], stride=stride, padding=padding, dilation=dilation, groups=groups)
    d[x] = conv2d_grad_input(g, x, d[z], stride, padding, dilation, groups)


@tangent(conv2d_grad_weight)
def _(z, g, x, w, *, stride, padding, dilation, groups):
    t[z] = (conv2d_grad_weight(t[g], x, w, stride, padding, dilation, groups)
            + conv2d_grad_weight(g, t[x], w, stride, padding, dilation, groups))


# Where each window's maximum lies (x, and z = max_pool2d(x) consistent with it: fixed, with a
# tie in the last window) chooses where g goes, so only g has a gradient.
_POOLED = np.array([[[[1.0, 5.0, 2.0, 0.0], [3.0, 4.0, 8.0, 6.0], [9.0, 7.0, 2.0, 2.0], [0.0, 1.0, 3.0, 3.0]]]])
_MAX_POOL_STATIC = ("kernel_size", "stride", "padding", "dilation", "ceil_mode")
_WINDOWS = dict(zip(_MAX_POOL_STATIC, ((2, 2), (2, 2), (0, 0, 0, 0), (1, 1), False)))
max_pool2d_grad = primitive(runtime.max_pool2d_grad, static=_MAX_POOL_STATIC, domain=Domain(
    cases=((((1, 1, 2, 2),), _WINDOWS),), fixed={"x": _POOLED, "z": np.array([[[[5.0, 8.0], [9.0, 3.0]]]])}))
at_window_maxima = primitive(runtime.at_window_maxima, static=_MAX_POOL_STATIC, domain=Domain(
    cases=((((1, 1, 4, 4),), _WINDOWS),), fixed=max_pool2d_grad.domain.fixed))


@adjoint(max_pool2d_grad)
def _(out, g, x, z, *, kernel_size, stride, padding, dilation, ceil_mode):
    d[g] = at_window_maxima(d[out], x, z, kernel_size, stride, padding, dilation, ceil_mode)


@tangent(max_pool2d_grad)
def _(out, g, x, z, *, kernel_size, stride, padding, dilation, ceil_mode):
    t[out] = max_pool2d_grad(t[g], x, z, kernel_size, stride, padding, dilation, ceil_mode)


@adjoint(at_window_maxima)
def _(out, g, x, z, *, kernel_size, stride, padding, dilation, ceil_mode):
    d[g] = max_pool2d_grad(d[out], x, z, kernel_size, stride, padding, dilation, ceil_mode)


@tangent(at_window_maxima)
def _(out, g, x, z, *, kernel_size, stride, padding, dilation, ceil_mode):
    t[out] = at_window_maxima(t[g], x, z, kernel_size, stride, padding, dilation, ceil_mode)


_AVG_POOL_STATIC = ("kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override")
avg_pool2d_grad = primitive(runtime.avg_pool2d_grad, static=_AVG_POOL_STATIC, domain=Domain(
    shape_only=("x",), cases=tuple(((g, x), dict(zip(_AVG_POOL_STATIC, static))) for g, x, static in [
        ((1, 2, 2, 2), (1, 2, 4, 4), ((2, 2), (2, 2), (0, 0, 0, 0), False, True, 0)),
        ((1, 1, 3, 3), (1, 1, 5, 5), ((3, 3), (2, 2), (1, 1, 1, 1), False, True, 0)),
        ((1, 1, 3, 3), (1, 1, 5, 5), ((3, 3), (2, 2), (1, 0, 1, 0), True, False, 0)),
        ((1, 1, 5, 2), (1, 1, 5, 4), ((2, 3), (1, 2), "same", False, False, 0)),
        ((1, 1, 3, 3), (1, 1, 4, 4), ((2, 2), (1, 1), (0, 0, 0, 0), False, True, 3))])))


@adjoint(avg_pool2d_grad)
def _(z, g, x, *, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    d[g] = avg_pool2d(d[z], kernel_size=kernel_size, stride=stride, padding=padding, ceil_mode=ceil_mode,
                      count_include_pad=count_include_pad, divisor_override=divisor_override)


@tangent(avg_pool2d_grad)
def _(z, g, x, *, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    t[z] = avg_pool2d_grad(t[g], x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


adaptive_avg_pool2d_grad = primitive(runtime.adaptive_avg_pool2d_grad, static=("output_size",), domain=Domain(
    shape_only=("x",), cases=((((1, 2, 2, 2), (1, 2, 4, 4)), {"output_size": (2, 2)}),
                              (((2, 4, 2), (2, 3, 2)), {"output_size": (4, None)}))))


@adjoint(adaptive_avg_pool2d_grad)
def _(z, g, x, *, output_size):
    d[g] = adaptive_avg_pool2d(d[z], output_size=output_size)


@tangent(adaptive_avg_pool2d_grad)
def _(z, g, x, *, output_size):
    t[z] = adaptive_avg_pool2d_grad(t[g], x, output_size)


# -- cross_entropy's gradients ----------------------------------------------------------------------
# Generated code calls the runtime's cross_entropy_grad_logits, _target and _weight, which
# compute the shared terms once; compiled again, each is traced into the terms below, each a
# primitive, whose adjoints are simple. Logits are (N, C, ...), or (C,) for one sample.

_LOGITS = ((((2, 3),), {}), (((3,),), {}), (((2, 3, 2),), {}))
class_log_probabilities = primitive(runtime.class_log_probabilities, domain=Domain(cases=_LOGITS))
sample_sums = primitive(runtime.sample_sums, domain=Domain(cases=_LOGITS))
along_samples = primitive(runtime.along_samples, domain=Domain(shape_only=("logits",), cases=tuple(
    (shapes, {}) for shapes in [((2,), (2, 3)), ((), (2, 3)), ((), (3,)), ((2, 2), (2, 3, 2))])))


@adjoint(class_log_probabilities)
def _(z, logits):
    d[logits] = d[z] - np.exp(z) * along_samples(sample_sums(d[z]), logits)


@tangent(class_log_probabilities)
def _(z, logits):
    t[z] = t[logits] - along_samples(sample_sums(np.exp(z) * t[logits]), logits)


@adjoint(sample_sums)
def _(z, v):
    d[v] = along_samples(d[z], v)


@tangent(sample_sums)
def _(z, v):
    t[z] = sample_sums(t[v])


@adjoint(along_samples)
def _(z, v, logits):
    d[v] = unbroadcast(sample_sums(d[z]), v)


@tangent(along_samples)
def _(z, v, logits):
    t[z] = along_samples(t[v], logits)


class_probabilities = primitive(runtime.class_probabilities, static=("ignore_index", "label_smoothing"),
                                domain=Domain(low=0.0, high=1.0, shape_only=("logits",), cases=(
                                    (((2, 3), (2, 3)), {"ignore_index": -100, "label_smoothing": 0.0}),
                                    (((3,), (3,)), {"ignore_index": -100, "label_smoothing": 0.2}))))
probability_gradient = primitive(runtime.probability_gradient, static=("label_smoothing",), domain=Domain(
    shape_only=("like",), fixed={"target": np.array([[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])},
    cases=((((2, 3), (2, 3)), {"label_smoothing": 0.1}),)))


@adjoint(class_probabilities)
def _(z, target, logits, *, ignore_index, label_smoothing):
    d[target] = probability_gradient(d[z], target, target, label_smoothing)


@tangent(class_probabilities)
def _(z, target, logits, *, ignore_index, label_smoothing):
    t[z] = probability_gradient(t[target], z, target, label_smoothing)   # zeros of z's shape for class indices


@adjoint(probability_gradient)
def _(z, g, like, target, *, label_smoothing):
    d[g] = probability_gradient(d[z], g, target, label_smoothing)


@tangent(probability_gradient)
def _(z, g, like, target, *, label_smoothing):
    t[z] = probability_gradient(t[g], like, target, label_smoothing)


class_counts = primitive(runtime.class_counts, static=("ignore_index",), differentiable=False)
mean_divisor = primitive(runtime.mean_divisor, static=("ignore_index",), domain=Domain(
    shape_only=("logits",), fixed={"target": np.array([0, 2, 1, 2])},
    cases=((((3,), (4, 3)), {"ignore_index": 1}), (((3,), (4, 3)), {"ignore_index": -100}))))


@adjoint(mean_divisor)
def _(z, weight, target, logits, *, ignore_index):
    d[weight] = d[z] * class_counts(target, logits, ignore_index)


@tangent(mean_divisor)
def _(z, weight, target, logits, *, ignore_index):
    t[z] = np.sum(t[weight] * class_counts(target, logits, ignore_index))


def _cross_entropy_terms(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    """The log-probabilities, the target distribution, the class weights along the class axis
    (None without), the divisor of reduction 'mean' (1 for the others), and the output gradient
    of each sample over the divisor, broadcast along the classes."""
    divisor = mean_divisor(weight, target, logits, ignore_index) if reduction == "mean" else 1
    return (class_log_probabilities(logits), class_probabilities(target, logits, ignore_index, label_smoothing),
            None if weight is None else channels(weight, logits), divisor,
            along_samples(E.divide(g, divisor) if reduction == "mean" else g, logits))


def _weighted(weights, value):
    return value if weights is None else E.multiply(weights, value)


def _cross_entropy_grad_logits(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    logp, probs, weights, _, scale = _cross_entropy_terms(g, logits, target, weight, ignore_index, reduction,
                                                          label_smoothing)
    weighted = _weighted(weights, probs)
    return E.multiply(scale, E.subtract(E.multiply(E.exp(logp), along_samples(sample_sums(weighted), logits)),
                                        weighted))


def _cross_entropy_grad_target(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    logp, _, weights, _, scale = _cross_entropy_terms(g, logits, target, weight, ignore_index, reduction,
                                                      label_smoothing)
    return probability_gradient(E.negative(E.multiply(scale, _weighted(weights, logp))), target, target,
                                label_smoothing)


def _cross_entropy_grad_weight(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    logp, probs, weights, divisor, scale = _cross_entropy_terms(g, logits, target, weight, ignore_index,
                                                                reduction, label_smoothing)
    grad = S.reshape(unbroadcast(E.negative(E.multiply(scale, E.multiply(probs, logp))), weights), shape=(-1,))
    if reduction != "mean":
        return grad
    # for class indices the divisor sums their weights too: each count takes g mean_loss / divisor
    mean_loss = E.divide(R.reduce_sum(E.negative(E.multiply(weights, E.multiply(probs, logp)))), divisor)
    return E.subtract(grad, E.multiply(E.divide(E.multiply(g, mean_loss), divisor),
                                       class_counts(target, logits, ignore_index)))


reaches(_cross_entropy_grad_logits, runtime.cross_entropy_grad_logits)
reaches(_cross_entropy_grad_target, runtime.cross_entropy_grad_target)
reaches(_cross_entropy_grad_weight, runtime.cross_entropy_grad_weight)


# -- normalization's gradients over axes that depend on the rank --------------------------------------
# Generated code calls the runtime's standardize_grad_from and batch_standardize_grad, which find
# their axes from x's rank; compiled again, each is traced into standardize_grad over static axes
# of arrays flattened from the first of those on: the last axis, or axes 0 and 2 after the channels.

def _standardize_grad_flattened(g, z, x, start_dim, axis, eps):
    flat = [S.flatten(v, start_dim=start_dim) for v in (g, z, x)]
    return S.reshape_like(standardize_grad(*flat, axis, eps), x)


def _standardize_grad_from(g, z, x, begin_axis, eps):
    return _standardize_grad_flattened(g, z, x, begin_axis, (-1,), eps)


def _batch_standardize_grad(g, z, x, eps):
    return _standardize_grad_flattened(g, z, x, 2, (0, 2), eps)


reaches(_standardize_grad_from, runtime.standardize_grad_from)
reaches(_batch_standardize_grad, runtime.batch_standardize_grad)
