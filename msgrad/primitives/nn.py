"""Neural-network operations: activations, softmax, dropout, convolution, pooling, normalization
and losses, with their adjoints and tangents. Layouts are MindSpore's (NCHW; the class axis of logits is 1).

Static window arguments arrive normalized by msgrad/ops/nn_ops.py: `kernel_size`, `stride` and
`dilation` are (height, width) pairs, `padding` is (top, bottom, left, right) or 'same'. The
numpy work of windows and of the larger gradients lives in msgrad/runtime.py, where generated
code finds it too."""
import numpy as np

from .. import context
from ..runtime import (adaptive_average, avg_pool2d_divisor, axes_from, batch_standardize, channels,
                       check_images, combine_windows, convolve2d, cross_entropy_divisor,
                       cross_entropy_grad_logits, cross_entropy_terms, log_probabilities, max_pool2d_hits,
                       normal_cdf, pool_windows)
from .core import Domain, adjoint, d, primitive, reaches, t, tangent

# -- activations -----------------------------------------------------------------------------------


@primitive(elementwise=True, domain=Domain(away_from=(0.0,)))
def relu(x):
    return np.maximum(x, 0)


@adjoint(relu)
def _(z, x):
    d[x] = d[z] * (z > 0)


@tangent(relu)
def _(z, x):
    t[z] = t[x] * (z > 0)


@primitive(elementwise=True, domain=Domain(low=-2.0, high=8.0, away_from=(0.0, 6.0)))
def relu6(x):
    return np.clip(x, 0, 6)


@adjoint(relu6)
def _(z, x):
    d[x] = d[z] * (x > 0) * (x <= 6)       # 1 at x = 6 and 0 at x = 0, as MindSpore


@tangent(relu6)
def _(z, x):
    t[z] = t[x] * (x > 0) * (x <= 6)


@primitive(elementwise=True, domain=Domain(away_from=(0.0,), static=({}, {"alpha": 0.01}, {"alpha": 1.5})))
def leaky_relu(x, *, alpha=0.2):
    return np.where(x > 0, x, alpha * x)


@adjoint(leaky_relu)
def _(z, x, *, alpha):
    # MindSpore computes max(alpha * x, x) (min for alpha > 1), so at 0 the slopes are averaged.
    d[x] = np.where(x > 0, d[z], np.where(x < 0, alpha * d[z], (1 + alpha) / 2 * d[z]))


@tangent(leaky_relu)
def _(z, x, *, alpha):
    t[z] = np.where(x > 0, t[x], np.where(x < 0, alpha * t[x], (1 + alpha) / 2 * t[x]))


@primitive(elementwise=True, domain=Domain(away_from=(0.0,), static=({}, {"alpha": 0.5})))
def elu(x, *, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@adjoint(elu)
def _(z, x, *, alpha):
    d[x] = np.where(x > 0, d[z], d[z] * (z + alpha))


@tangent(elu)
def _(z, x, *, alpha):
    t[z] = np.where(x > 0, t[x], t[x] * (z + alpha))


@primitive(elementwise=True, domain=Domain(static=({}, {"approximate": "tanh"})))
def gelu(x, *, approximate="none"):
    """x Φ(x), or its tanh approximation (MindSpore's GeLU primitive)."""
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))
    return x * normal_cdf(x)


@adjoint(gelu)
def _(z, x, *, approximate):
    d[x] = d[z] * gelu_derivative(x, approximate)


@tangent(gelu)
def _(z, x, *, approximate):
    t[z] = t[x] * gelu_derivative(x, approximate)


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


@adjoint(sigmoid)
def _(z, x):
    d[x] = d[z] * (z * (1 - z))


@tangent(sigmoid)
def _(z, x):
    t[z] = t[x] * (z * (1 - z))


@primitive(elementwise=True, domain=Domain(away_from=(1.5,), static=({}, {"beta": 2, "threshold": 3})))
def softplus(x, *, beta=1, threshold=20):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as MindSpore)."""
    scaled = beta * x
    return np.where(scaled > threshold, x, np.logaddexp(0, scaled) / beta)


@adjoint(softplus)
def _(z, x, *, beta, threshold):
    d[x] = d[z] * np.where(beta * x > threshold, 1, -np.expm1(-(beta * z)))   # sigmoid(beta x)


@tangent(softplus)
def _(z, x, *, beta, threshold):
    t[z] = t[x] * np.where(beta * x > threshold, 1, -np.expm1(-(beta * z)))


_AXIS_CASES = tuple(((shape,), static) for shape, static in [
    ((2, 3), {}), ((2, 3), {"axis": 0}), ((4,), {}), ((2, 2, 3), {"axis": 1})])


@primitive(domain=Domain(cases=_AXIS_CASES))
def softmax(x, *, axis=-1):
    e = np.exp(x - np.max(x, axis, keepdims=True))
    return e / np.sum(e, axis, keepdims=True)


@adjoint(softmax)
def _(z, x, *, axis):
    d[x] = z * (d[z] - np.sum(d[z] * z, axis, keepdims=True))


@tangent(softmax)
def _(z, x, *, axis):
    t[z] = z * (t[x] - np.sum(t[x] * z, axis, keepdims=True))


@primitive(domain=Domain(cases=_AXIS_CASES))
def log_softmax(x, *, axis=-1):
    return log_probabilities(x, axis)


@adjoint(log_softmax)
def _(z, x, *, axis):
    d[x] = d[z] - np.exp(z) * np.sum(d[z], axis, keepdims=True)


@tangent(log_softmax)
def _(z, x, *, axis):
    t[z] = t[x] - np.sum(np.exp(z) * t[x], axis, keepdims=True)


def _log_probabilities(x, axis):
    return log_softmax(x, axis=axis)


reaches(_log_probabilities, log_probabilities)    # the runtime's log_softmax, which templates call


# -- dropout -----------------------------------------------------------------------------------------


@primitive(differentiable=False, elementwise=True)
def dropout_mask(x, *, keep_prob):
    """1 with probability keep_prob, else 0, in x's shape and dtype, drawn from msgrad's seeded
    generator (msgrad.set_seed)."""
    return (context.rng().random(np.shape(x)) < keep_prob).astype(np.result_type(x, np.float32))


@primitive(elementwise=True, domain=Domain(cases=((((2, 3),), {"keep_prob": 0.8}),),
                                           fixed={"mask": np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])}))
def dropout(x, mask, *, keep_prob):
    return x * mask / keep_prob


@adjoint(dropout)
def _(z, x, mask, *, keep_prob):
    d[x] = d[z] * mask / keep_prob


@tangent(dropout)
def _(z, x, mask, *, keep_prob):
    t[z] = t[x] * mask / keep_prob


# -- convolution and pooling (NCHW) ----------------------------------------------------------------


@primitive(domain=Domain(cases=(
    (((2, 2, 3, 3), (2, 2, 2, 2)), {}),
    (((1, 2, 4, 3), (2, 2, 2, 3)), {"stride": (2, 1), "padding": "same"}),
    (((1, 2, 3, 4), (2, 1, 2, 2)), {"padding": (1, 0, 2, 1), "dilation": (2, 1), "groups": 2}))))
def conv2d(x, w, *, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1), groups=1):
    """The cross-correlation of x (N, C, H, W) with w (O, C / groups, KH, KW), as MindSpore's Conv2D."""
    check_images(x, "conv2d")
    return convolve2d(x, w, stride, padding, dilation, groups)


@adjoint(conv2d)
def _(z, x, w, *, stride, padding, dilation, groups):
    d[x] = conv2d_grad_input(d[z], x, w, stride, padding, dilation, groups)
    d[w] = conv2d_grad_weight(d[z], x, w, stride, padding, dilation, groups)


@tangent(conv2d)
def _(z, x, w, *, stride, padding, dilation, groups):
    t[z] = (convolve2d(t[x], w, stride, padding, dilation, groups)
            + convolve2d(x, t[w], stride, padding, dilation, groups))


@primitive(domain=Domain(cases=((((2, 3), (3,)), {}), (((2, 3, 2, 2), (3,)), {}))))
def bias_add(x, b):
    """x + b along the channel axis 1 (MindSpore's BiasAdd, NCHW)."""
    return x + channels(b, x)


@adjoint(bias_add)
def _(z, x, b):
    d[x] = d[z]
    d[b] = sum_to_channels(d[z])


@tangent(bias_add)
def _(z, x, b):
    t[z] = t[x] + channels(t[b], x)


@primitive(domain=Domain(distinct=True, cases=(
    (((1, 2, 4, 4),), {"kernel_size": (2, 2), "stride": (2, 2)}),
    (((1, 1, 5, 5),), {"kernel_size": (3, 3), "stride": (2, 2), "padding": (1, 1, 1, 1)}),
    (((1, 1, 5, 5),), {"kernel_size": (2, 2), "stride": (2, 2), "dilation": (2, 1), "ceil_mode": True}),
    (((1, 1, 5, 4),), {"kernel_size": (2, 3), "stride": (1, 2), "padding": "same"}))))
def max_pool2d(x, *, kernel_size, stride, padding=(0, 0, 0, 0), dilation=(1, 1), ceil_mode=False):
    """The maximum of each window of x (N, C, H, W); padding counts as -inf."""
    check_images(x, "max_pool2d")
    windows, _, _ = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, -np.inf)
    return combine_windows(windows, np.maximum)


@adjoint(max_pool2d)
def _(z, x, *, kernel_size, stride, padding, dilation, ceil_mode):
    d[x] = max_pool2d_grad(d[z], x, z, kernel_size, stride, padding, dilation, ceil_mode)


@tangent(max_pool2d)
def _(z, x, *, kernel_size, stride, padding, dilation, ceil_mode):
    # each window's tangent at its maximum (the first of tied ones, as the adjoint)
    t[z] = np.sum(pool_windows(t[x], kernel_size, stride, padding, dilation, ceil_mode, 0)[0] *
                  max_pool2d_hits(x, z, kernel_size, stride, padding, dilation, ceil_mode)[0], axis=(4, 5))


@primitive(differentiable=False)
def max_pool2d_indices(x, *, kernel_size, stride, padding=(0, 0, 0, 0), dilation=(1, 1), ceil_mode=False):
    """Where max_pool2d found each maximum: its flat index in the H * W plane (int64)."""
    z = max_pool2d.impl(x, kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation,
                        ceil_mode=ceil_mode)
    hits, (top, _, left, _), _ = max_pool2d_hits(x, z, kernel_size, stride, padding, dilation, ceil_mode)
    ki, kj = np.divmod(np.argmax(hits.reshape(hits.shape[:4] + (-1,)), axis=-1), kernel_size[1])
    rows = np.arange(z.shape[2])[:, None] * stride[0] + ki * dilation[0] - top
    cols = np.arange(z.shape[3]) * stride[1] + kj * dilation[1] - left
    return (rows * x.shape[3] + cols).astype(np.int64)


@primitive(domain=Domain(cases=(
    (((1, 2, 4, 4),), {"kernel_size": (2, 2), "stride": (2, 2)}),
    (((1, 1, 5, 5),), {"kernel_size": (3, 3), "stride": (2, 2), "padding": (1, 1, 1, 1)}),
    (((1, 1, 5, 5),), {"kernel_size": (3, 3), "stride": (2, 2), "padding": (1, 0, 1, 0),
                       "count_include_pad": False, "ceil_mode": True}),
    (((1, 1, 5, 4),), {"kernel_size": (2, 3), "stride": (1, 2), "padding": "same",
                       "count_include_pad": False}),
    (((1, 1, 4, 4),), {"kernel_size": (2, 2), "stride": (1, 1), "divisor_override": 3}))))
def avg_pool2d(x, *, kernel_size, stride, padding=(0, 0, 0, 0), ceil_mode=False, count_include_pad=True,
               divisor_override=0):
    """The mean of each window of x (N, C, H, W), as MindSpore's avg_pool2d and AvgPool."""
    check_images(x, "avg_pool2d")
    windows, _, _ = pool_windows(x, kernel_size, stride, padding, (1, 1), ceil_mode, 0)
    divisor = avg_pool2d_divisor(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                                 divisor_override)
    return combine_windows(windows, np.add) / divisor


@adjoint(avg_pool2d)
def _(z, x, *, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    d[x] = avg_pool2d_grad(d[z], x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                           divisor_override)


@tangent(avg_pool2d)
def _(z, x, *, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    t[z] = combine_windows(pool_windows(t[x], kernel_size, stride, padding, (1, 1), ceil_mode, 0)[0], np.add) / \
        avg_pool2d_divisor(x, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


@primitive(domain=Domain(cases=(
    (((1, 2, 4, 4),), {"output_size": (2, 2)}),
    (((1, 1, 5, 7),), {"output_size": (3, 4)}),
    (((2, 3, 2),), {"output_size": (4, None)}))))
def adaptive_avg_pool2d(x, *, output_size):
    """The means of output_size windows spread evenly over the last two axes of x (N, C, H, W) or
    (C, H, W), as MindSpore's AdaptiveAvgPool2D; None keeps an axis's length."""
    return adaptive_average(x, output_size)


@adjoint(adaptive_avg_pool2d)
def _(z, x, *, output_size):
    d[x] = adaptive_avg_pool2d_grad(d[z], x, output_size)


@tangent(adaptive_avg_pool2d)
def _(z, x, *, output_size):
    t[z] = adaptive_average(t[x], output_size)


# -- normalization ---------------------------------------------------------------------------------


@primitive(domain=Domain(cases=((((2, 3),), {"begin_axis": -1, "eps": 0.01}),
                                (((2, 2, 3),), {"begin_axis": 1, "eps": 0.01}))))
def standardize(x, *, begin_axis, eps):
    """Layer normalization before its weight and bias: statistics over the axes from begin_axis
    on (a negative begin_axis counts from the end)."""
    axes = axes_from(x, begin_axis)
    return (x - np.mean(x, axes, keepdims=True)) / np.sqrt(np.var(x, axes, keepdims=True) + eps)


@adjoint(standardize)
def _(z, x, *, begin_axis, eps):
    d[x] = standardize_grad_from(d[z], z, x, begin_axis, eps)


@tangent(standardize)
def _(z, x, *, begin_axis, eps):
    t[z] = standardize_grad_from(t[x], z, x, begin_axis, eps)       # its Jacobian is symmetric


@primitive(differentiable=False, effect=True)
def update_moving_statistics(x, moving_mean, moving_variance, *, momentum):
    """What MindSpore's BatchNorm does in a training step, in place: each moving statistic
    becomes (1 - momentum) * itself + momentum * the batch's (the variance unbiased)."""
    axes = tuple(i for i in range(np.ndim(x)) if i != 1)
    count = np.size(x) // np.shape(x)[1]
    moving_mean *= 1 - momentum
    moving_mean += momentum * np.mean(x, axes)
    moving_variance *= 1 - momentum
    moving_variance += momentum * np.var(x, axes) * (count / max(count - 1, 1))


@primitive(domain=Domain(cases=((((4, 3), (3,), (3,)), {"eps": 0.01}),
                                (((2, 3, 2, 2), (3,), (3,)), {"eps": 0.01}))))
def batch_norm_train(x, weight, bias, *, eps=1e-5):
    """Batch normalization with the batch's own statistics over all axes but the channel axis 1."""
    return batch_standardize(x, eps) * channels(weight, x) + channels(bias, x)


@adjoint(batch_norm_train)
def _(z, x, weight, bias, *, eps):
    d[x] = batch_standardize_grad(d[z] * channels(weight, x), batch_standardize(x, eps), x, eps)
    d[weight] = sum_to_channels(d[z] * batch_standardize(x, eps))
    d[bias] = sum_to_channels(d[z])


@tangent(batch_norm_train)
def _(z, x, weight, bias, *, eps):
    t[z] = (batch_standardize_grad(t[x], batch_standardize(x, eps), x, eps) * channels(weight, x)
            + batch_standardize(x, eps) * channels(t[weight], x) + channels(t[bias], x))


@primitive(domain=Domain(ranges=((-2, 2), (-1, 1), (0.5, 2), (-2, 2), (-2, 2)), cases=(
    (((4, 3), (3,), (3,), (3,), (3,)), {}), (((2, 3, 2, 2), (3,), (3,), (3,), (3,)), {"eps": 0.1}))))
def batch_norm_eval(x, mean, var, weight, bias, *, eps=1e-5):
    """Batch normalization with given (running) statistics, per channel (axis 1)."""
    scale = weight / np.sqrt(var + eps)
    return (x - channels(mean, x)) * channels(scale, x) + channels(bias, x)


@adjoint(batch_norm_eval)
def _(z, x, mean, var, weight, bias, *, eps):
    d[x] = d[z] * channels(weight / np.sqrt(var + eps), x)
    d[mean] = -sum_to_channels(d[z]) * weight / np.sqrt(var + eps)
    d[var] = -0.5 * sum_to_channels(d[z] * (x - channels(mean, x))) * weight / (var + eps) ** 1.5
    d[weight] = sum_to_channels(d[z] * (x - channels(mean, x))) / np.sqrt(var + eps)
    d[bias] = sum_to_channels(d[z])


@tangent(batch_norm_eval)
def _(z, x, mean, var, weight, bias, *, eps):
    t[z] = (t[x] * channels(weight / np.sqrt(var + eps), x)
            - channels(t[mean] * weight / np.sqrt(var + eps), x)
            - (x - channels(mean, x)) * channels(0.5 * t[var] * weight / (var + eps) ** 1.5, x)
            + (x - channels(mean, x)) * channels(t[weight] / np.sqrt(var + eps), x)
            + channels(t[bias], x))


# -- losses ----------------------------------------------------------------------------------------


@primitive(domain=Domain(ranges=((-2, 2), (0, 1), (0.5, 2)), cases=(
    (((3, 4), (3, 4), (4,)), {}), (((3, 4), (3, 4), (4,)), {"reduction": "sum", "label_smoothing": 0.2}),
    (((2, 3, 2), (2, 3, 2), (3,)), {"reduction": "none"}), (((4,), (4,), (4,)), {}))))
def cross_entropy(logits, target, weight, *, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """MindSpore's cross_entropy of logits (N, C, ...) or (C,): `target` holds class indices
    (an integer array; `ignore_index` marks samples left out) or probabilities (floats, the
    shape of the logits); `weight` (C,) weighs the classes, or is None."""
    axis, logp, probs, weights, one_hot = cross_entropy_terms(logits, target, weight, ignore_index,
                                                              label_smoothing)
    loss = -np.sum(weights * probs * logp, axis)
    if reduction == "none":
        return loss
    total = np.sum(loss)
    return total / cross_entropy_divisor(logits, weights, one_hot) if reduction == "mean" else total


@adjoint(cross_entropy)
def _(z, logits, target, weight, *, ignore_index, reduction, label_smoothing):
    d[logits] = cross_entropy_grad_logits(d[z], logits, target, weight, ignore_index, reduction,
                                          label_smoothing)
    d[target] = cross_entropy_grad_target(d[z], logits, target, weight, ignore_index, reduction,
                                          label_smoothing)
    d[weight] = cross_entropy_grad_weight(d[z], logits, target, weight, ignore_index, reduction,
                                          label_smoothing)


@tangent(cross_entropy)
def _(z, logits, target, weight, *, ignore_index, reduction, label_smoothing):
    if reduction == "none":    # a loss per sample: its gradient row summed along the class axis; linear in weight
        t[z] = (np.sum(t[logits] * cross_entropy_grad_logits(1.0, logits, target, weight, ignore_index, reduction,
                                                             label_smoothing), class_axis(logits))
                + np.sum(t[target] * cross_entropy_grad_target(1.0, logits, target, weight, ignore_index, reduction,
                                                               label_smoothing), class_axis(logits))
                + cross_entropy_losses(logits, target, t[weight], ignore_index, label_smoothing))
    else:                      # one loss: its gradient is the Jacobian
        t[z] = (np.sum(t[logits] * cross_entropy_grad_logits(1.0, logits, target, weight, ignore_index, reduction,
                                                             label_smoothing))
                + np.sum(t[target] * cross_entropy_grad_target(1.0, logits, target, weight, ignore_index, reduction,
                                                               label_smoothing))
                + np.sum(t[weight] * cross_entropy_grad_weight(1.0, logits, target, weight, ignore_index, reduction,
                                                               label_smoothing)))


@primitive(domain=Domain(cases=((((3, 4),), {}),), fixed={"labels": np.array([1, 0, 3])}))
def sparse_softmax_cross_entropy_grad(logits, labels):
    """What SparseSoftmaxCrossEntropyWithLogits(is_grad=True) returns: the gradient of the mean
    loss with respect to the logits (N, C), for class indices `labels` (N,)."""
    return cross_entropy_grad_logits(1.0, logits, labels, None, None, "mean", 0.0)


@adjoint(sparse_softmax_cross_entropy_grad)
def _(z, logits, labels):
    d[logits] = softmax_grad(d[z] / len(logits), logits, -1)


@tangent(sparse_softmax_cross_entropy_grad)
def _(z, logits, labels):
    t[z] = softmax_grad(t[logits], logits, -1) / len(logits)


# -- more activations (MindSpore 2.10; gradients at the kinks as MindSpore computes them) ----------


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def silu(x):
    return x * np.exp(-np.logaddexp(0, -x))


@adjoint(silu)
def _(z, x):
    d[x] = d[z] * np.exp(-np.logaddexp(0, -x)) * (1 + x * np.exp(-np.logaddexp(0, x)))


@tangent(silu)
def _(z, x):
    t[z] = t[x] * np.exp(-np.logaddexp(0, -x)) * (1 + x * np.exp(-np.logaddexp(0, x)))


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def mish(x):
    return x * np.tanh(np.logaddexp(0, x))


@adjoint(mish)
def _(z, x):
    d[x] = d[z] * (np.tanh(np.logaddexp(0, x))
                   + x * (1 - np.tanh(np.logaddexp(0, x)) ** 2) * np.exp(-np.logaddexp(0, -x)))


@tangent(mish)
def _(z, x):
    t[z] = t[x] * (np.tanh(np.logaddexp(0, x))
                   + x * (1 - np.tanh(np.logaddexp(0, x)) ** 2) * np.exp(-np.logaddexp(0, -x)))


@primitive(elementwise=True, domain=Domain(away_from=(0.0,)))
def selu(x):
    return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0)))


@adjoint(selu)
def _(z, x):
    # the slope of the right branch (scale) at 0, as MindSpore
    d[x] = d[z] * np.where(x >= 0, 1.0507009873554805, 1.7580993408473766 * np.exp(np.minimum(x, 0)))


@tangent(selu)
def _(z, x):
    t[z] = t[x] * np.where(x >= 0, 1.0507009873554805, 1.7580993408473766 * np.exp(np.minimum(x, 0)))


@primitive(elementwise=True, domain=Domain(static=({}, {"alpha": 0.5}, {"alpha": 2.0})))
def celu(x, *, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))


@adjoint(celu)
def _(z, x, *, alpha):
    d[x] = d[z] * np.where(x > 0, 1, np.exp(np.minimum(x, 0) / alpha))


@tangent(celu)
def _(z, x, *, alpha):
    t[z] = t[x] * np.where(x > 0, 1, np.exp(np.minimum(x, 0) / alpha))


@primitive(elementwise=True, domain=Domain(low=-3.0, high=3.0, away_from=(-1.0, 1.0, -0.5, 1.5),
                                           static=({}, {"min_val": -0.5, "max_val": 1.5})))
def hardtanh(x, *, min_val=-1.0, max_val=1.0):
    return np.clip(x, min_val, max_val)


@adjoint(hardtanh)
def _(z, x, *, min_val, max_val):
    # 1/2 at either bound, as MindSpore
    d[x] = d[z] * ((x > min_val) * (x < max_val) + 0.5 * (x == min_val) + 0.5 * (x == max_val))


@tangent(hardtanh)
def _(z, x, *, min_val, max_val):
    t[z] = t[x] * ((x > min_val) * (x < max_val) + 0.5 * (x == min_val) + 0.5 * (x == max_val))


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0, away_from=(-3.0, 3.0)))
def hardsigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


@adjoint(hardsigmoid)
def _(z, x):
    d[x] = d[z] * (x > -3) * (x < 3) / 6          # 0 at -3 and 3, as MindSpore


@tangent(hardsigmoid)
def _(z, x):
    t[z] = t[x] * (x > -3) * (x < 3) / 6


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0, away_from=(-3.0, 3.0)))
def hardswish(x):
    return x * np.clip(x / 6 + 0.5, 0, 1)


@adjoint(hardswish)
def _(z, x):
    # the middle piece's slope x / 3 + 1/2 at -3 and 3 (-1/2 and 3/2), as MindSpore
    d[x] = d[z] * np.where(x < -3, 0, np.where(x > 3, 1, x / 3 + 0.5))


@tangent(hardswish)
def _(z, x):
    t[z] = t[x] * np.where(x < -3, 0, np.where(x > 3, 1, x / 3 + 0.5))


@primitive(elementwise=True, domain=Domain())
def softsign(x):
    return x / (1 + np.abs(x))


@adjoint(softsign)
def _(z, x):
    d[x] = d[z] / (1 + np.abs(x)) ** 2


@tangent(softsign)
def _(z, x):
    t[z] = t[x] / (1 + np.abs(x)) ** 2


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def logsigmoid(x):
    return -np.logaddexp(0, -x)


@adjoint(logsigmoid)
def _(z, x):
    d[x] = d[z] * np.exp(-np.logaddexp(0, x))


@tangent(logsigmoid)
def _(z, x):
    t[z] = t[x] * np.exp(-np.logaddexp(0, x))


@primitive(elementwise=True, domain=Domain())
def tanhshrink(x):
    return x - np.tanh(x)


@adjoint(tanhshrink)
def _(z, x):
    d[x] = d[z] * np.tanh(x) ** 2


@tangent(tanhshrink)
def _(z, x):
    t[z] = t[x] * np.tanh(x) ** 2


@primitive(elementwise=True, domain=Domain(away_from=(-0.5, 0.5, -1.0, 1.0), static=({}, {"lambd": 1.0})))
def softshrink(x, *, lambd=0.5):
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0 * x))


@adjoint(softshrink)
def _(z, x, *, lambd):
    d[x] = d[z] * (np.abs(x) > lambd)                # 0 at -lambd and lambd, as MindSpore


@tangent(softshrink)
def _(z, x, *, lambd):
    t[z] = t[x] * (np.abs(x) > lambd)


@primitive(elementwise=True, domain=Domain(away_from=(-0.5, 0.5, -1.0, 1.0), static=({}, {"lambd": 1.0})))
def hardshrink(x, *, lambd=0.5):
    return np.where(np.abs(x) > lambd, x, 0 * x)


@adjoint(hardshrink)
def _(z, x, *, lambd):
    d[x] = d[z] * (np.abs(x) > lambd)                # 0 at -lambd and lambd, as MindSpore


@tangent(hardshrink)
def _(z, x, *, lambd):
    t[z] = t[x] * (np.abs(x) > lambd)
