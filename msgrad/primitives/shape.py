"""Operations that move elements without changing them: reshape, transpositions, new and
dropped axes, joining, splitting, repeating and gathering."""
import numpy as np

from .. import runtime
from .core import Domain, adjoint, d, primitive, static, t, tangent
from ..runtime import undiagonal, unbroadcast, unrepeat, unsplit, untake, untake_along_axis, untile


@primitive(domain=Domain(cases=((((2, 3),), {"shape": (3, 2)}), (((2, 3),), {"shape": (-1,)}),
                                ((((6,),), {"shape": (1, 2, 3)})))))
def reshape(x, *, shape):
    return np.reshape(x, shape)


@adjoint(reshape)
def _(z, x, *, shape):
    d[x] = reshape_like(d[z], x)


@tangent(reshape)
def _(z, x, *, shape):
    t[z] = np.reshape(t[x], shape)


# Adjoints reshape to an operand's shape through this one: np.reshape(g, np.shape(x)) would pass
# that shape as reshape's static argument, which compiled again (higher orders) is a run-time value.
reshape_like = primitive(runtime.reshape_like, domain=Domain(shape_only=("x",), cases=tuple(
    (shapes, {}) for shapes in [((6,), (2, 3)), ((2, 3), (3, 2)), ((1, 3, 1), (3,)), ((), (1, 1)), ((2, 3), (2, 3))])))


@adjoint(reshape_like)
def _(z, g, x):
    d[g] = reshape_like(d[z], g)


@tangent(reshape_like)
def _(z, g, x):
    t[z] = reshape_like(t[g], x)


@primitive(domain=Domain(cases=((((2, 3),), {}), (((2, 3, 4),), {"axes": (2, 0, 1)}))))
def transpose(x, *, axes=None):
    return np.transpose(x, axes)


@adjoint(transpose)
def _(z, x, *, axes):
    if axes is None:
        d[x] = np.transpose(d[z])
    else:
        d[x] = np.transpose(d[z], inverse_permutation(axes))


@tangent(transpose)
def _(z, x, *, axes):
    t[z] = np.transpose(t[x], axes)


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


@tangent(swapaxes)
def _(z, x, *, axis1, axis2):
    t[z] = np.swapaxes(t[x], axis1, axis2)


@primitive(domain=Domain(cases=((((2, 3),), {"axis": 0}), (((2, 3),), {"axis": -1}),
                                (((3,),), {"axis": (0, 2)}))))
def expand_dims(x, *, axis):
    return np.expand_dims(x, axis)


@adjoint(expand_dims)
def _(z, x, *, axis):
    d[x] = reshape_like(d[z], x)


@tangent(expand_dims)
def _(z, x, *, axis):
    t[z] = np.expand_dims(t[x], axis)


@primitive(domain=Domain(cases=((((1, 3, 1),), {}), (((1, 3, 1),), {"axis": 0}),
                                (((1, 3, 1),), {"axis": (0, 2)}))))
def squeeze(x, *, axis=None):
    return np.squeeze(x, axis)


@adjoint(squeeze)
def _(z, x, *, axis):
    d[x] = reshape_like(d[z], x)


@tangent(squeeze)
def _(z, x, *, axis):
    t[z] = np.squeeze(t[x], axis)


@primitive(domain=Domain(cases=((((2, 3, 4),), {}), (((2, 3, 4),), {"start_dim": 1}),
                                (((2, 3, 4),), {"start_dim": 0, "end_dim": 1}), (((),), {}))))
def flatten(x, *, start_dim=0, end_dim=-1):
    """x with axes start_dim to end_dim merged into one (a 0-d x becomes 1-d)."""
    shape = np.shape(x) or (1,)
    end = end_dim % len(shape) + 1
    return np.reshape(x, shape[:start_dim] + (-1,) + shape[end:])


@adjoint(flatten)
def _(z, x, *, start_dim, end_dim):
    d[x] = reshape_like(d[z], x)


@tangent(flatten)
def _(z, x, *, start_dim, end_dim):
    t[z] = reshape_like(t[x], z)


@primitive(domain=Domain(cases=((((1, 3),), {"shape": (2, 3)}), (((3,),), {"shape": (2, 2, 3)}),
                                (((2, 1),), {"shape": (-1, 3)}))))
def broadcast_to(x, *, shape):
    """x repeated along new and length-1 axes to `shape`; -1 keeps x's length there."""
    lead = len(shape) - np.ndim(x)
    return np.broadcast_to(x, tuple(np.shape(x)[i - lead] if n == -1 else n for i, n in enumerate(shape)))


@adjoint(broadcast_to)
def _(z, x, *, shape):
    d[x] = unbroadcast(d[z], x)


@tangent(broadcast_to)
def _(z, x, *, shape):
    t[z] = np.broadcast_to(t[x], np.shape(z))


@primitive(domain=Domain(cases=((((1, 3),), {}), (((3,),), {}), (((2, 1),), {})),
                         fixed={"other": np.zeros((2, 2, 3))}))
def broadcast_like(x, other):
    """x repeated along new and length-1 axes to the shape of `other` (MindSpore's Tensor.expand_as)."""
    return np.broadcast_to(x, np.shape(other))


@adjoint(broadcast_like)
def _(z, x, other):
    d[x] = unbroadcast(d[z], x)


@tangent(broadcast_like)
def _(z, x, other):
    t[z] = np.broadcast_to(t[x], np.shape(z))


@primitive(domain=Domain(cases=((((2, 3),), {"reps": (2, 1)}), (((3,),), {"reps": (2, 2)}),
                                (((2, 3),), {"reps": (2,)}))))
def tile(x, *, reps):
    return np.tile(x, reps)


@adjoint(tile)
def _(z, x, *, reps):
    d[x] = untile(d[z], x, reps)


@tangent(tile)
def _(z, x, *, reps):
    t[z] = np.tile(t[x], reps)


@primitive(domain=Domain(cases=((((2, 3), (2, 1)), {"axis": 1}), (((1, 3), (2, 3)), {"axis": 0}))))
def concatenate(x, y, *, axis=0):
    return np.concatenate((x, y), axis=axis)


@adjoint(concatenate)
def _(z, x, y, *, axis):
    d[x] = piece_like(d[z], x, axis)
    d[y] = piece_like(d[z], y, axis, True)


@tangent(concatenate)
def _(z, x, y, *, axis):
    t[z] = pad_like(t[x], z, axis) + pad_like(t[y], z, axis, True)


# concatenate's operands take their pieces by their own lengths, known only at run time.
piece_like = primitive(runtime.piece_like, static=("axis", "last"), domain=Domain(shape_only=("x",), cases=(
    (((2, 3), (2, 1)), {"axis": 1}), (((2, 3), (2, 2)), {"axis": 1, "last": True}),
    (((3, 3), (1, 3)), {"axis": 0}), (((3, 2), (2, 3)), {"axis": -2, "last": True}))))
pad_like = primitive(runtime.pad_like, static=("axis", "last"), domain=Domain(shape_only=("g",), cases=(
    (((2, 1), (2, 3)), {"axis": 1}), (((2, 2), (2, 3)), {"axis": 1, "last": True}),
    (((1, 3), (3, 3)), {"axis": 0}), (((2, 2), (3, 2)), {"axis": -2, "last": True}))))


@adjoint(piece_like)
def _(z, g, x, *, axis, last):
    d[g] = pad_like(d[z], g, axis, last)


@tangent(piece_like)
def _(z, g, x, *, axis, last):
    t[z] = piece_like(t[g], x, axis, last)


@adjoint(pad_like)
def _(z, h, g, *, axis, last):
    d[h] = piece_like(d[z], h, axis, last)


@tangent(pad_like)
def _(z, h, g, *, axis, last):
    t[z] = pad_like(t[h], g, axis, last)


@primitive(domain=Domain(cases=((((2, 4),), {"sections": 2, "index": 1, "axis": 1}),
                                (((3, 2),), {"sections": (1,), "index": 0}),
                                (((3, 2),), {"sections": (1,), "index": 1}))))
def split_piece(x, *, sections, index, axis=0):
    """The piece `index` of `np.split(x, sections, axis)`."""
    return np.split(x, sections, axis=axis)[index]


@adjoint(split_piece)
def _(z, x, *, sections, index, axis):
    d[x] = unsplit(d[z], x, sections, index, axis)


@tangent(split_piece)
def _(z, x, *, sections, index, axis):
    t[z] = np.split(t[x], sections, axis=axis)[index]


@primitive(domain=Domain(cases=((((2, 3),), {"axis": 1}), (((3, 2),), {"axis": 0})),
                         fixed={"indices": np.array([[0, 2], [2, 2]])}))
def gather(x, indices, *, axis):
    """The slices of x at `indices` along `axis` (np.take); indices get no gradient."""
    return np.take(x, indices, axis=axis)


@adjoint(gather)
def _(z, x, indices, *, axis):
    d[x] = untake(d[z], x, indices, axis)


@tangent(gather)
def _(z, x, indices, *, axis):
    t[z] = np.take(t[x], indices, axis=axis)


@primitive(domain=Domain(cases=((((2, 3),), {"axis": 1}), (((2, 3),), {"axis": 0})),
                         fixed={"indices": np.array([[1, 0, 1]])}))
def take_along_axis(x, indices, *, axis):
    """The elements of x at `indices` along `axis` (MindSpore's gather_elements)."""
    return np.take_along_axis(x, indices, axis=axis)


@adjoint(take_along_axis)
def _(z, x, indices, *, axis):
    d[x] = untake_along_axis(d[z], x, indices, axis)


@tangent(take_along_axis)
def _(z, x, indices, *, axis):
    t[z] = np.take_along_axis(t[x], indices, axis=axis)


def concat(tensors, axis=0):
    """Tensors joined along `axis`, two at a time (a primitive has a fixed number of operands)."""
    result, *rest = tensors
    for t in rest:
        result = concatenate(result, t, axis=axis)
    return result


def stack(tensors, axis=0):
    """Tensors joined along a new axis."""
    return concat([expand_dims(t, axis=axis) for t in tensors], axis)


def split(x, sections, axis=0):
    """The pieces of `np.split(x, sections, axis)`: `sections` is a number of equal pieces or the
    indices to split at."""
    count = sections if isinstance(sections, int) else len(sections) + 1
    sections = sections if isinstance(sections, int) else tuple(sections)
    return tuple(split_piece(x, sections=sections, index=i, axis=axis) for i in range(count))


# -- more movements (MindSpore 2.10) ----------------------------------------------------------------


@primitive(domain=Domain(cases=((((2, 3),), {"dims": (0,)}), (((2, 3, 2),), {"dims": (0, 2)}),
                                (((2, 3),), {"dims": (-1,)}))))
def flip(x, *, dims):
    return np.flip(x, dims)


@adjoint(flip)
def _(z, x, *, dims):
    d[x] = np.flip(d[z], dims)


@tangent(flip)
def _(z, x, *, dims):
    t[z] = np.flip(t[x], dims)


@primitive(domain=Domain(cases=((((2, 3),), {"shifts": 1}), (((2, 3),), {"shifts": (1, -2), "axis": (0, 1)}),
                                (((2, 3, 2),), {"shifts": 2, "axis": 1}))))
def roll(x, *, shifts, axis=None):
    return np.roll(x, shifts, axis)


@adjoint(roll)
def _(z, x, *, shifts, axis):
    d[x] = np.roll(d[z], negated(shifts), axis)


@tangent(roll)
def _(z, x, *, shifts, axis):
    t[z] = np.roll(t[x], shifts, axis)


@static
def negated(shifts):
    """The shifts that undo `np.roll(x, shifts)`."""
    return -shifts if isinstance(shifts, int) else tuple(-s for s in shifts)


@primitive(domain=Domain(cases=((((3, 3),), {}), (((2, 3, 4),), {"k": 1}), (((3, 2),), {"k": -1}))))
def tril(x, *, k=0):
    return np.tril(x, k)


@adjoint(tril)
def _(z, x, *, k):
    d[x] = np.tril(d[z], k)


@tangent(tril)
def _(z, x, *, k):
    t[z] = np.tril(t[x], k)


@primitive(domain=Domain(cases=((((3, 3),), {}), (((2, 3, 4),), {"k": 1}), (((3, 2),), {"k": -1}))))
def triu(x, *, k=0):
    return np.triu(x, k)


@adjoint(triu)
def _(z, x, *, k):
    d[x] = np.triu(d[z], k)


@tangent(triu)
def _(z, x, *, k):
    t[z] = np.triu(t[x], k)


@primitive(domain=Domain(cases=((((3, 3),), {}), (((2, 3),), {"offset": 1}), (((3, 2),), {"offset": -1}),
                                (((2, 3, 2),), {"axis1": 1, "axis2": 2}),
                                (((2, 3, 4),), {"offset": -1, "axis1": 2, "axis2": 0}))))
def diagonal(x, *, offset=0, axis1=0, axis2=1):
    """The diagonal of each (axis1, axis2) plane, along a last axis (np.diagonal, ops.diagonal)."""
    return np.copy(np.diagonal(x, offset, axis1, axis2))     # np.diagonal gives a read-only view


@adjoint(diagonal)
def _(z, x, *, offset, axis1, axis2):
    d[x] = undiagonal(d[z], x, offset, axis1, axis2)


@tangent(diagonal)
def _(z, x, *, offset, axis1, axis2):
    t[z] = np.diagonal(t[x], offset, axis1, axis2).copy()


@primitive(domain=Domain(cases=((((3, 3),), {}), (((2, 4),), {}), (((3, 1),), {}))))
def trace(x):
    """The sum of the main diagonal of a matrix."""
    return np.trace(x)


@adjoint(trace)
def _(z, x):
    d[x] = d[z] * eye_like(x)


@tangent(trace)
def _(z, x):
    t[z] = np.trace(t[x])


@primitive(domain=Domain(cases=((((2, 3),), {"repeats": 2}), (((2, 3),), {"repeats": 3, "axis": 1}),
                                (((2, 1, 2),), {"repeats": 2, "axis": -3}))))
def repeat_interleave(x, *, repeats, axis=None):
    """Each element (or slice along `axis`) repeated `repeats` times (an int) in place (np.repeat)."""
    return np.repeat(x, repeats, axis)


@adjoint(repeat_interleave)
def _(z, x, *, repeats, axis):
    d[x] = unrepeat(d[z], x, repeats, axis)


@tangent(repeat_interleave)
def _(z, x, *, repeats, axis):
    t[z] = np.repeat(t[x], repeats, axis)
