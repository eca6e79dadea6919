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
    if np.ndim(x) == 2:                      # the common cases, without broadcasting
        if np.ndim(y) == 2:
            return g @ y.T
        if np.ndim(y) == 1:
            return np.outer(g, y)
    if np.ndim(x) == 1 and np.ndim(y) == 1:
        return g * y
    if np.ndim(x) == 1:
        g = np.expand_dims(g, -2)
    if np.ndim(y) == 1:
        return unbroadcast(np.expand_dims(g, -1) * y, x)
    return unbroadcast(np.matmul(g, np.swapaxes(y, -1, -2)), x)


def matmul_grad_y(g, x, y):
    """The gradient of `x @ y` with respect to `y`, for operands of any rank."""
    if np.ndim(x) == 2 and np.ndim(y) in (1, 2):
        return x.T @ g
    if np.ndim(y) == 2 and np.ndim(x) == 1:
        return np.outer(x, g)
    if np.ndim(x) == 1 and np.ndim(y) == 1:
        return g * x
    if np.ndim(x) == 1:
        return unbroadcast(np.expand_dims(x, -1) * np.expand_dims(g, -2), y)
    if np.ndim(y) == 1:
        return unbroadcast(np.matmul(np.swapaxes(x, -1, -2), np.expand_dims(g, -1))[..., 0], y)
    return unbroadcast(np.matmul(np.swapaxes(x, -1, -2), g), y)


def reshape_like(g, x):
    """`g` in the shape of `x` (the adjoint of reshapes: x gives only its shape)."""
    return np.reshape(g, np.shape(x))


def cast_like(g, x):
    """`g` cast to the dtype of `x` (the adjoint of casts: x gives only its dtype)."""
    return g.astype(x.dtype)


def piece_like(g, x, axis, last=False):
    """The first slices of `g` along `axis`, as many as `x` has there (with `last`, the last
    ones): the gradient of one operand of a concatenation."""
    return np.split(g, [np.shape(g)[axis] - np.shape(x)[axis] if last else np.shape(x)[axis]], axis)[int(last)]


def pad_like(h, g, axis, last=False):
    """`h` padded with zeros along `axis` to the shape of `g`: after it, or before it with
    `last` (the adjoint of piece_like)."""
    return unsplit(h, g, [np.shape(g)[axis] - np.shape(h)[axis] if last else np.shape(h)[axis]], int(last), axis)


def eye_like(x):
    """Ones on the main diagonal of a matrix of x's shape and dtype, zeros elsewhere."""
    return np.eye(*np.shape(x), dtype=x.dtype)


def check_sens(sens, out, index=None):
    """Stop with a clear error when the output gradient given by the caller does not fit the output."""
    if np.shape(sens) != np.shape(out):
        what = "sens" if index is None else f"sens[{index}]"
        raise GradValueError(
            f"{what} has shape {list(np.shape(sens))}, but the output it is the gradient of has shape "
            f"{list(np.shape(out))}",
            hint="Pass a sens of the output's shape (for a tuple output, a tuple with one per element).")


def scatter_add(target, key, g):
    """`target[key] += g` in place, each repeated index adding its share (the in-place form of
    `target + unindex(g, target, key)`)."""
    if any(isinstance(k, np.ndarray) for k in (key if isinstance(key, tuple) else (key,))):
        np.add.at(target, key, g)
    else:
        target[key] += g


def unindex(g, x, key):
    """The gradient of `x[key]`: `g` placed where the elements came from, zeros elsewhere."""
    grad = np.zeros(np.shape(x), dtype=np.result_type(g, x))
    if any(isinstance(k, np.ndarray) for k in (key if isinstance(key, tuple) else (key,))):
        np.add.at(grad, key, g)          # repeated indices each add their share
    else:
        grad[key] = g
    return grad


def unreduce_to_extrema(g, x, z, axis, keepdims):
    """The gradient of a max or min reduction: `g` spread over the elements equal to the
    extremum `z`, split evenly among tied ones (as MindSpore does)."""
    hits = x == unreduce(z, x, axis, keepdims)
    return unreduce(g, x, axis, keepdims) * (hits / np.sum(hits, axis=axis, keepdims=True)).astype(g.dtype)


def product_of_others(x, axis):
    """For each element of `x`, the product of the other elements reduced with it over `axis`
    (None: all axes), by cumulative products from both ends, so zeros need no division."""
    rows = group_rows(x, axis)
    ones = np.ones_like(rows[..., :1])
    before = np.cumprod(np.concatenate([ones, rows[..., :-1]], -1), -1)
    after = np.cumprod(np.concatenate([ones, rows[..., :0:-1]], -1), -1)[..., ::-1]
    return ungroup_rows(before * after, x, axis)


def group_rows(x, axis):
    """`x` with the axes `axis` (None: all) moved last and merged into one: a row per group of
    elements that a reduction over `axis` combines."""
    axes = _axes(x, axis)
    moved = np.moveaxis(x, axes, tuple(range(-len(axes), 0)))
    return moved.reshape(moved.shape[:moved.ndim - len(axes)] + (-1,))


def ungroup_rows(rows, x, axis):
    """The inverse of `group_rows(x, axis)`: `rows` laid out in the shape of `x` again."""
    axes = _axes(x, axis)
    shape = np.shape(x)
    kept = [n for i, n in enumerate(shape) if i not in axes]
    moved = np.reshape(rows, kept + [shape[i] for i in axes])
    return np.moveaxis(moved, tuple(range(-len(axes), 0)), axes)


def _axes(x, axis):
    """`axis` (None, an int or a tuple) as a tuple of non-negative axes of `x`."""
    ndim = np.ndim(x)
    return tuple(range(ndim)) if axis is None else tuple(a % ndim for a in np.atleast_1d(axis).tolist())


def identity_mask(rows):
    """An (n, n) boolean identity matrix for rows of length n."""
    return np.eye(np.shape(rows)[-1], dtype=bool)


def var_grad(g, x, axis, ddof, keepdims):
    """The gradient of `np.var(x, axis, ddof=ddof, keepdims=keepdims)`."""
    count = np.size(x) // np.size(g)   # elements per reduced value
    deviation = x - np.mean(x, axis=axis, keepdims=True)
    return unreduce(g, x, axis, keepdims) * deviation * (2 / (count - ddof))


def untile(g, x, reps):
    """The gradient of `np.tile(x, reps)`: the sum of `g` over the copies."""
    ndim = np.ndim(g)
    shape = (1,) * (ndim - np.ndim(x)) + np.shape(x)
    reps = (1,) * (ndim - len(reps)) + tuple(reps)
    interleaved = [n for pair in zip(reps, shape) for n in pair]
    return np.sum(np.reshape(g, interleaved), axis=tuple(range(0, 2 * ndim, 2))).reshape(np.shape(x))


def untake(g, x, indices, axis):
    """The gradient of `np.take(x, indices, axis)`: `g` added back at the indices it came from."""
    grad = np.zeros(np.shape(x), dtype=g.dtype)
    np.add.at(grad, (slice(None),) * (axis % np.ndim(x)) + (indices,), g)
    return grad


def untake_along_axis(g, x, indices, axis):
    """The gradient of `np.take_along_axis(x, indices, axis)`, repeated indices adding up."""
    grad = np.zeros(np.shape(x), dtype=g.dtype)
    key = list(np.ix_(*map(np.arange, np.shape(g))))
    key[axis] = indices
    np.add.at(grad, tuple(key), g)
    return grad


def unsplit(g, x, sections, index, axis):
    """The gradient of `np.split(x, sections, axis)[index]`: `g` in its piece, zeros elsewhere."""
    grad = np.zeros(np.shape(x), dtype=g.dtype)
    np.split(grad, sections, axis)[index][...] = g
    return grad


def tensordot_grad_x(g, x, y, axes):
    """The gradient of `np.tensordot(x, y, axes)` with respect to `x`."""
    x_axes, y_axes = _tensordot_axes(axes, np.ndim(x), np.ndim(y))
    y_free = [i for i in range(np.ndim(y)) if i not in y_axes]
    x_free = [i for i in range(np.ndim(x)) if i not in x_axes]
    grad = np.tensordot(g, y, (list(range(len(x_free), np.ndim(g))), y_free))
    return np.transpose(grad, np.argsort(x_free + x_axes))


def tensordot_grad_y(g, x, y, axes):
    """The gradient of `np.tensordot(x, y, axes)` with respect to `y`."""
    x_axes, y_axes = _tensordot_axes(axes, np.ndim(x), np.ndim(y))
    x_free = [i for i in range(np.ndim(x)) if i not in x_axes]
    y_free = [i for i in range(np.ndim(y)) if i not in y_axes]
    grad = np.tensordot(x, g, (x_free, list(range(len(x_free)))))
    return np.transpose(grad, np.argsort(y_axes + y_free))


def _tensordot_axes(axes, x_ndim, y_ndim):
    """The contracted axes of x and of y, as lists of non-negative ints."""
    if isinstance(axes, int):
        return list(range(x_ndim - axes, x_ndim)), list(range(axes))
    x_axes, y_axes = (np.atleast_1d(a).tolist() for a in axes)
    return [a % x_ndim for a in x_axes], [a % y_ndim for a in y_axes]


# -- neural networks (primitives/nn.py): activations, normalization, losses, 2-D windows ----------
import math as _math  # noqa: E402  (math.erf, for gelu)

_erf = np.frompyfunc(_math.erf, 1, 1)


def normal_cdf(x):
    """Φ(x), the standard normal distribution function, elementwise (math.erf per element)."""
    return 0.5 + 0.5 * np.asarray(_erf(x * 0.7071067811865476), dtype=np.result_type(x, np.float32))


def gelu_derivative(x, approximate):
    """d gelu(x) / dx, for gelu's exact form ('none') or its tanh approximation ('tanh')."""
    if approximate == "tanh":
        t = np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3))
        return 0.5 * (1 + t) + 0.3989422804014327 * x * (1 - t * t) * (1 + 0.134145 * x * x)
    return normal_cdf(x) + 0.3989422804014327 * x * np.exp(-0.5 * x * x)


def probabilities(x, axis):
    """softmax(x) along `axis` of an array x, without overflow."""
    e = np.exp(x - x.max(axis, keepdims=True))
    e /= e.sum(axis, keepdims=True)
    return e


def log_probabilities(x, axis):
    """log(softmax(x)) along `axis`, without overflow."""
    shifted = x - np.max(x, axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis, keepdims=True))


def axes_from(x, begin):
    """The axes of `x` from `begin` (a negative one counts from the end) to the last, as a tuple."""
    ndim = np.ndim(x)
    if not -ndim <= begin < ndim:
        raise ValueError(f"normalizing the axes from axis {begin} on needs an input that has axis {begin}, but "
                         f"got one of shape {np.shape(x)}.")
    return tuple(range(begin % ndim, ndim))


def standardize_grad(g, z, x, axis, eps):
    """The gradient of z = (x - mean) / sqrt(var + eps), both statistics taken over `axis`."""
    return (g - np.mean(g, axis, keepdims=True) - z * np.mean(g * z, axis, keepdims=True)) / np.sqrt(
        np.var(x, axis, keepdims=True) + eps)


def standardize_grad_from(g, z, x, begin_axis, eps):
    """standardize_grad over the axes from begin_axis on (layer normalization's statistics)."""
    return standardize_grad(g, z, x, axes_from(x, begin_axis), eps)


def batch_standardize_grad(g, z, x, eps):
    """standardize_grad over all axes but the channel axis 1 (batch normalization's statistics)."""
    return standardize_grad(g, z, x, channel_axes(x), eps)


def channel_axes(x):
    """The axes of an (N, C, ...) array other than its channel axis 1."""
    return (0,) + tuple(range(2, np.ndim(x)))


def channels(v, x):
    """A per-channel vector `v` (C,) shaped to broadcast along axis 1 of x (N, C, ...)."""
    return np.reshape(v, np.shape(v) + (1,) * (np.ndim(x) - 2))


def sum_to_channels(g):
    """The gradient of a per-channel vector broadcast along axis 1 of `g`: g summed over the rest."""
    return np.sum(g, axis=channel_axes(g))


def batch_standardize(x, eps):
    """x (N, C, ...) standardized per channel with its batch's mean and (biased) variance."""
    axes = channel_axes(x)
    return (x - np.mean(x, axes, keepdims=True)) / np.sqrt(np.var(x, axes, keepdims=True) + eps)


def class_axis(logits):
    """The class axis of logits: 0 for one sample (C,), else 1 (N, C, ...)."""
    return 0 if np.ndim(logits) == 1 else 1


def _holds_class_indices(target):
    """Whether a cross_entropy target holds class indices (integers) rather than probabilities."""
    return np.asarray(target).dtype.kind in "iu"


def _distribution(target, logits, ignore_index, label_smoothing):
    """The smoothed target distribution over the classes, in the logits' shape, and the one-hot
    of the counted class-index targets (None for probabilities)."""
    axis = class_axis(logits)
    n = np.shape(logits)[axis]
    if not _holds_class_indices(target):
        return (target * (1 - label_smoothing) + label_smoothing / n if label_smoothing else target), None
    counted = np.expand_dims(target != ignore_index, axis)
    one_hot = (channels(np.arange(n), logits) == np.expand_dims(target, axis)) & counted
    probs = one_hot * (1 - label_smoothing) + counted * (label_smoothing / n)
    return probs.astype(np.result_type(logits)), one_hot


def cross_entropy_divisor(logits, weights, one_hot):
    """What reduction 'mean' divides the summed loss by: the summed class weights of the
    counted class-index targets (their one-hot), or the number of samples for probabilities."""
    dtype = np.result_type(logits)
    if one_hot is None:
        return dtype.type(np.size(logits) // np.shape(logits)[class_axis(logits)])
    return np.sum(one_hot * weights, dtype=dtype)


def cross_entropy_terms(logits, target, weight, ignore_index, label_smoothing):
    """What cross_entropy and its gradients share, as MindSpore defines the loss: the class axis
    (0 for one sample (C,), else 1), log_softmax of the logits along it, the target distribution
    (smoothed; all zero for an ignored sample), the class weights shaped along the class axis (1
    without), and the one-hot of the counted class-index targets (None for probabilities)."""
    axis, probs, weights, one_hot = _cross_entropy_targets(logits, target, weight, ignore_index, label_smoothing)
    return axis, log_probabilities(logits, axis), probs, weights, one_hot


def _cross_entropy_targets(logits, target, weight, ignore_index, label_smoothing):
    """cross_entropy_terms but the log_softmax."""
    axis = class_axis(logits)
    probs, one_hot = _distribution(target, logits, ignore_index, label_smoothing)
    return axis, probs, 1 if weight is None else channels(weight, logits), one_hot


def cross_entropy_losses(logits, target, weight, ignore_index, label_smoothing):
    """Each sample's loss (reduction 'none'), linear in the class weights."""
    axis, logp, probs, weights, _ = cross_entropy_terms(logits, target, weight, ignore_index, label_smoothing)
    return -np.sum(weights * probs * logp, axis)


def _cross_entropy_backward(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    """cross_entropy_terms, the divisor of 'mean', and the gradient of each sample's loss."""
    terms = axis, _, _, weights, one_hot = cross_entropy_terms(logits, target, weight, ignore_index,
                                                               label_smoothing)
    return (terms, *_cross_entropy_scale(g, logits, weights, one_hot, reduction, axis))


def _cross_entropy_scale(g, logits, weights, one_hot, reduction, axis):
    """The divisor of 'mean', and the gradient of each sample's loss along the class axis."""
    divisor = cross_entropy_divisor(logits, weights, one_hot) if reduction == "mean" else 1
    scale = g / divisor         # one number, or one per sample (reduction 'none')
    return divisor, np.expand_dims(scale, axis) if np.ndim(scale) else scale


def cross_entropy_grad_logits(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    """The gradient of cross_entropy with respect to the logits."""
    axis, probs, weights, one_hot = _cross_entropy_targets(logits, target, weight, ignore_index, label_smoothing)
    _, scale = _cross_entropy_scale(g, logits, weights, one_hot, reduction, axis)
    weighted = probs if weight is None else weights * probs
    return scale * (probabilities(logits, axis) * weighted.sum(axis, keepdims=True) - weighted)


def cross_entropy_grad_target(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    """The gradient of cross_entropy with respect to probability targets (zero for class indices)."""
    if _holds_class_indices(target):
        return np.zeros_like(target)
    (_, logp, _, weights, _), _, scale = _cross_entropy_backward(
        g, logits, target, weight, ignore_index, reduction, label_smoothing)
    return -(1 - label_smoothing) * scale * weights * logp


def cross_entropy_grad_weight(g, logits, target, weight, ignore_index, reduction, label_smoothing):
    """The gradient of cross_entropy with respect to the class weights; for reduction 'mean' of
    class-index targets the divisor is a sum of weights too."""
    (axis, logp, probs, weights, one_hot), divisor, scale = _cross_entropy_backward(
        g, logits, target, weight, ignore_index, reduction, label_smoothing)
    grad = -scale * probs * logp
    if reduction == "mean" and one_hot is not None:
        mean_loss = -np.sum(weights * probs * logp) / divisor
        grad = grad - scale * mean_loss * one_hot
    return _sum_to_classes(grad)


def _sum_to_classes(v):
    """v (logits-shaped) summed over all axes but the class axis."""
    return np.sum(v, axis=tuple(i for i in range(np.ndim(v)) if i != class_axis(v)))


# cross_entropy's terms one at a time: compiled again, generated code's calls of the gradients
# above are traced into these (primitives/gradients.py).

def class_log_probabilities(logits):
    """log_softmax of the logits along their class axis."""
    return log_probabilities(logits, class_axis(logits))


def class_probabilities(target, logits, ignore_index, label_smoothing):
    """The smoothed target distribution over the classes, in the logits' shape: from probabilities
    (floats), or from class indices (all zero for an ignored sample)."""
    return _distribution(target, logits, ignore_index, label_smoothing)[0]


def probability_gradient(g, like, target, label_smoothing):
    """(1 - label_smoothing) g, the gradient that reaches probability targets through their
    smoothing; for class indices, which get none, zeros in the shape of `like`."""
    return np.zeros_like(like) if _holds_class_indices(target) else (1 - label_smoothing) * g


def class_counts(target, logits, ignore_index):
    """How many counted samples have each class as their target index (zeros for probabilities)."""
    _, one_hot = _distribution(target, logits, ignore_index, 0.0)
    if one_hot is None:
        return np.zeros(np.shape(logits)[class_axis(logits)], np.result_type(logits))
    return _sum_to_classes(one_hot)


def mean_divisor(weight, target, logits, ignore_index):
    """What cross_entropy's reduction 'mean' divides the summed loss by (cross_entropy_divisor)."""
    _, one_hot = _distribution(target, logits, ignore_index, 0.0)
    return cross_entropy_divisor(logits, 1 if weight is None else channels(weight, logits), one_hot)


def along_samples(v, logits):
    """A value per sample (or one for all) broadcast along the class axis to the logits' shape."""
    axis = class_axis(logits)
    samples = tuple(np.delete(np.shape(logits), axis))
    return np.broadcast_to(np.expand_dims(np.broadcast_to(v, samples), axis), np.shape(logits))


def sample_sums(v):
    """The sum of each sample of v (logits-shaped) over the class axis."""
    return np.sum(v, axis=class_axis(v))


def check_images(x, op):
    """Stop with a clear error unless `x` is a batch of images (N, C, H, W), which `op` needs."""
    if np.ndim(x) != 4:
        raise ValueError(f"For '{op}', the input must be 4-D (N, C, H, W), but got {np.ndim(x)}-D with shape "
                         f"{np.shape(x)}.")


def window_padding(shape, kernel, stride, dilation, padding, ceil_mode=False):
    """The (top, bottom, left, right) padding of a 2-D sliding window over the spatial `shape`,
    and the (bottom, right) rows and columns ceil_mode adds for a last, partial window.
    `padding` is the 4-tuple, or 'same': ceil(size / stride) outputs, the odd pixel at the bottom
    and right (as MindSpore and TensorFlow)."""
    if padding == "same":
        pads = []
        for size, k, s, dl in zip(shape, kernel, stride, dilation):
            total = max((-(-size // s) - 1) * s + (k - 1) * dl + 1 - size, 0)
            pads += [total // 2, total - total // 2]
        return tuple(pads), (0, 0)
    extra = [0, 0]
    for i, (size, k, s, dl) in enumerate(zip(shape, kernel, stride, dilation)):
        span = size + padding[2 * i] + padding[2 * i + 1] - (k - 1) * dl - 1
        count = -(-span // s) + 1
        if ceil_mode and (count - 1) * s < size + padding[2 * i]:   # it starts inside the input
            extra[i] = (count - 1) * s - span
    return tuple(padding), tuple(extra)


def sliding_windows(x, kernel, stride, dilation, pads=(0, 0, 0, 0), extra=(0, 0), fill=0):
    """The windows over x (N, C, H, W) padded with `fill`, as an (N, C, OH, OW, KH, KW) view."""
    top, bottom, left, right = pads
    if any(pads) or any(extra):
        x = np.pad(x, ((0, 0), (0, 0), (top, bottom + extra[0]), (left, right + extra[1])),
                   constant_values=fill)
    (kh, kw), (sh, sw), (dh, dw) = kernel, stride, dilation
    view = np.lib.stride_tricks.sliding_window_view(x, ((kh - 1) * dh + 1, (kw - 1) * dw + 1), (2, 3))
    return view[:, :, ::sh, ::sw, ::dh, ::dw]


def fold_windows(windows, shape, stride, dilation, pads=(0, 0, 0, 0), extra=(0, 0)):
    """The adjoint of `sliding_windows`: the windows (N, C, OH, OW, KH, KW) added up where they
    were taken from, in an array of x's `shape` (what lies on the padding is dropped)."""
    top, bottom, left, right = pads
    n, c, h, w = shape
    out = np.zeros((n, c, h + top + bottom + extra[0], w + left + right + extra[1]), windows.dtype)
    oh, ow, kh, kw = np.shape(windows)[2:]
    (sh, sw), (dh, dw) = stride, dilation
    for i in range(kh):
        for j in range(kw):
            out[:, :, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw] += \
                windows[:, :, :, :, i, j]
    return out[:, :, top:top + h, left:left + w]


def conv2d_windows(x, kernel, stride, padding, dilation, groups):
    """The windows conv2d multiplies with its weight: (N, groups, C / groups, OH, OW, KH, KW)."""
    pads, _ = window_padding(np.shape(x)[2:], kernel, stride, dilation, padding)
    windows = sliding_windows(x, kernel, stride, dilation, pads)
    n, c = np.shape(x)[:2]
    return windows.reshape((n, groups, c // groups) + windows.shape[2:])


def convolve2d(x, w, stride, padding, dilation, groups):
    """The cross-correlation of x (N, C, H, W) with w (O, C / groups, KH, KW): conv2d's value,
    and its tangent (it is linear in each of x and w)."""
    windows = conv2d_windows(x, np.shape(w)[2:], stride, padding, dilation, groups)
    weights = np.split(w, groups)
    out = np.concatenate([np.tensordot(windows[:, i], weights[i], ([1, 4, 5], [1, 2, 3]))
                          for i in range(groups)], axis=3)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


def conv2d_grad_input(g, x, w, stride, padding, dilation, groups):
    """The gradient of conv2d(x, w) with respect to x."""
    pads, _ = window_padding(np.shape(x)[2:], np.shape(w)[2:], stride, dilation, padding)
    g = np.split(np.moveaxis(g, 1, -1), groups, axis=-1)                     # (N, OH, OW, O / groups)
    windows = np.concatenate([gi @ wi.reshape(len(wi), -1) for gi, wi in zip(g, np.split(w, groups))], -1)
    windows = windows.reshape(windows.shape[:3] + (-1,) + np.shape(w)[2:]).transpose(0, 3, 1, 2, 4, 5)
    return fold_windows(windows, np.shape(x), stride, dilation, pads)


def conv2d_grad_weight(g, x, w, stride, padding, dilation, groups):
    """The gradient of conv2d(x, w) with respect to w."""
    windows = conv2d_windows(x, np.shape(w)[2:], stride, padding, dilation, groups)
    g = np.split(g, groups, axis=1)
    return np.concatenate([np.tensordot(g[i], windows[:, i], ([0, 2, 3], [0, 2, 3])) for i in range(groups)])


def combine_windows(windows, combine):
    """Each window of an (N, C, OH, OW, KH, KW) view made one value by the binary ufunc `combine`
    (np.maximum, np.add), one kernel position at a time: much faster than reducing the view."""
    out = windows[..., 0, 0].copy()
    for i, j in np.ndindex(*windows.shape[4:]):
        if i or j:
            combine(out, windows[..., i, j], out=out)
    return out


def pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, fill):
    """The windows a 2-D pooling reduces, (N, C, OH, OW, KH, KW), with the padding they read."""
    pads, extra = window_padding(np.shape(x)[2:], kernel_size, stride, dilation, padding, ceil_mode)
    return sliding_windows(x, kernel_size, stride, dilation, pads, extra, fill), pads, extra


def max_pool2d_hits(x, z, kernel_size, stride, padding, dilation, ceil_mode):
    """Where each window of x holds its maximum z, as an (N, C, OH, OW, KH, KW) mask marking the
    first of tied maxima only (as MindSpore); and the padding the windows read."""
    windows, pads, extra = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, -np.inf)
    hits = np.empty(windows.shape, bool)
    found = np.zeros(np.shape(z), bool)
    for i, j in np.ndindex(*kernel_size):
        hit = hits[..., i, j]
        np.equal(windows[..., i, j], z, out=hit)
        hit &= ~found
        found |= hit
    return hits, pads, extra


def max_pool2d_grad(g, x, z, kernel_size, stride, padding, dilation, ceil_mode):
    """The gradient of z = max_pool2d(x): each window's gradient goes to its maximum."""
    hits, pads, extra = max_pool2d_hits(x, z, kernel_size, stride, padding, dilation, ceil_mode)
    return fold_windows(hits * g[..., None, None], np.shape(x), stride, dilation, pads, extra)


def at_window_maxima(g, x, z, kernel_size, stride, padding, dilation, ceil_mode):
    """The element of `g` (x's shape) where each window of x holds its maximum z, the first of
    tied ones: the adjoint of max_pool2d_grad in its gradient."""
    hits, pads, extra = max_pool2d_hits(x, z, kernel_size, stride, padding, dilation, ceil_mode)
    return np.sum(hits * sliding_windows(g, kernel_size, stride, dilation, pads, extra), axis=(4, 5))


def avg_pool2d_divisor(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """What each window of avg_pool2d is divided by: divisor_override when not 0, else how many
    of its elements lie in the input (or in its padding, with count_include_pad)."""
    if divisor_override:
        return divisor_override
    pads, extra = window_padding(np.shape(x)[2:], kernel_size, stride, (1, 1), padding, ceil_mode)
    if not any(pads + extra):
        return kernel_size[0] * kernel_size[1]
    inside = np.ones((1, 1) + np.shape(x)[2:], dtype=x.dtype)
    if count_include_pad:
        inside = np.pad(inside, ((0, 0), (0, 0), pads[:2], pads[2:]), constant_values=1)
        pads = (0, 0, 0, 0)
    return sliding_windows(inside, kernel_size, stride, (1, 1), pads, extra).sum(axis=(4, 5))[0, 0]


def avg_pool2d_grad(g, x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    """The gradient of avg_pool2d: each window's gradient shared out over its elements."""
    pads, extra = window_padding(np.shape(x)[2:], kernel_size, stride, (1, 1), padding, ceil_mode)
    share = g / avg_pool2d_divisor(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                                   divisor_override)
    windows = np.broadcast_to(share[..., None, None], np.shape(share) + tuple(kernel_size))
    return fold_windows(windows, np.shape(x), stride, (1, 1), pads, extra)


def adaptive_averaging(x, output_size):
    """The matrices (out_h, H) and (out_w, W) that average the windows of adaptive average
    pooling along the last two axes of x: window i of n over a length `size` spans
    floor(i size / n) to ceil((i + 1) size / n); an `output_size` of None keeps the length."""
    if np.ndim(x) not in (3, 4):
        raise ValueError(f"For 'adaptive_avg_pool2d', the input must be 3-D (C, H, W) or 4-D (N, C, H, W), but got "
                         f"shape {np.shape(x)}.")
    matrices = []
    for size, n in zip(np.shape(x)[-2:], output_size):
        n = size if n is None else n
        i, j = np.arange(n)[:, None], np.arange(size)
        inside = (j >= i * size // n) & (j < -(-(i + 1) * size // n))
        matrices.append((inside / inside.sum(1, keepdims=True)).astype(x.dtype))
    return matrices


def adaptive_average(x, output_size):
    """adaptive_avg_pool2d's value (the tangent applies it to a tangent, as it is linear)."""
    rows, columns = adaptive_averaging(x, output_size)
    return rows @ x @ columns.T


def adaptive_avg_pool2d_grad(g, x, output_size):
    """The gradient of adaptive_avg_pool2d: each window's gradient shared out over its elements."""
    rows, columns = adaptive_averaging(x, output_size)
    return rows.T @ g @ columns


def softmax_grad(g, x, axis):
    """The gradient of softmax(x, axis), for the output gradient g."""
    s = np.exp(log_probabilities(x, axis))
    return s * (g - np.sum(g * s, axis, keepdims=True))


def undiagonal(g, x, offset, axis1, axis2):
    """The gradient of np.diagonal(x, offset, axis1, axis2): g on that diagonal, zeros elsewhere."""
    out = np.zeros(np.shape(x), np.result_type(g))
    moved = np.moveaxis(out, (axis1, axis2), (-2, -1))
    i = np.arange(np.shape(g)[-1])
    moved[..., i + max(-offset, 0), i + max(offset, 0)] = g
    return out


def unrepeat(g, x, repeats, axis):
    """The gradient of np.repeat(x, repeats, axis) for an int `repeats`: each run of copies summed."""
    if axis is None:
        return np.reshape(np.sum(np.reshape(g, (-1, repeats)), 1), np.shape(x))
    axis = axis % np.ndim(g)
    shape = np.shape(g)
    return np.sum(np.reshape(g, shape[:axis] + (shape[axis] // repeats, repeats) + shape[axis + 1:]), axis + 1)
