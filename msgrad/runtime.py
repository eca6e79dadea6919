"""The few helpers generated code calls besides numpy. Each is small and written in numpy terms."""
import numpy as np

from .errors import GradValueError


def unbroadcast(g, x):
    """Sum the gradient `g` down to the shape of `x`, undoing numpy broadcasting."""
    shape = np.shape(x)
    if np.shape(g) == shape:
        return g
    lead = np.ndim(g) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return np.sum(g, axis=axes).reshape(shape)


def unreduce(g, x, axis, keepdims):
    """Spread the gradient of a reduction over `axis` back over the shape of `x`."""
    if axis is not None and not keepdims:
        g = np.expand_dims(g, axis)
    return np.broadcast_to(g, np.shape(x))


def matmul_grad_x(g, x, y):
    """The gradient of `x @ y` with respect to `x`, for operands of any rank."""
    if np.ndim(x) == 1 and np.ndim(y) == 1:
        return g * y
    if np.ndim(x) == 1:
        g = np.expand_dims(g, -2)
    if np.ndim(y) == 1:
        return unbroadcast(np.expand_dims(g, -1) * y, x)
    return unbroadcast(np.matmul(g, np.swapaxes(y, -1, -2)), x)


def matmul_grad_y(g, x, y):
    """The gradient of `x @ y` with respect to `y`, for operands of any rank."""
    if np.ndim(x) == 1 and np.ndim(y) == 1:
        return g * x
    if np.ndim(x) == 1:
        return unbroadcast(np.expand_dims(x, -1) * np.expand_dims(g, -2), y)
    if np.ndim(y) == 1:
        return unbroadcast(np.matmul(np.swapaxes(x, -1, -2), np.expand_dims(g, -1))[..., 0], y)
    return unbroadcast(np.matmul(np.swapaxes(x, -1, -2), g), y)


def check_sens(sens, out, index=None):
    """Stop with a clear error when the output gradient given by the caller does not fit the output."""
    if np.shape(sens) != np.shape(out):
        what = "sens" if index is None else f"sens[{index}]"
        raise GradValueError(
            f"{what} has shape {list(np.shape(sens))}, but the output it is the gradient of has shape "
            f"{list(np.shape(out))}",
            hint="Pass a sens of the output's shape (for a tuple output, a tuple with one per element).")


def unindex(g, x, key):
    """The gradient of `x[key]`: `g` placed where the elements came from, zeros elsewhere."""
    grad = np.zeros(np.shape(x), dtype=np.result_type(g, x))
    if any(isinstance(k, np.ndarray) for k in (key if isinstance(key, tuple) else (key,))):
        np.add.at(grad, key, g)          # repeated indices each add their share
    else:
        grad[key] = g
    return grad
