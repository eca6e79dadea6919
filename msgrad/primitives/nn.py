"""Neural-network operations: activations, softmax, dropout, convolution, pooling, normalization
and losses, with their adjoints. Layouts are MindSpore's (NCHW; the class axis of logits is 1).

Static window arguments arrive normalized by msgrad/ops/nn_ops.py: `kernel_size`, `stride` and
`dilation` are (height, width) pairs, `padding` is (top, bottom, left, right) or 'same'. The
numpy work of windows and of the larger gradients lives in msgrad/runtime.py, where generated
code finds it too."""
import numpy as np

from .. import context
from ..runtime import (avg_pool2d_divisor, batch_standardize, channels, combine_windows, conv2d_windows,
                       cross_entropy_divisor, cross_entropy_grad_logits, cross_entropy_terms,
                       log_probabilities, max_pool2d_hits, normal_cdf, pool_windows)
from .core import Domain, adjoint, d, primitive, reaches

# -- activations -----------------------------------------------------------------------------------


@primitive(elementwise=True, domain=Domain(away_from=(0.0,)))
def relu(x):
    return np.maximum(x, 0)


@adjoint(relu)
def _(z, x):
    d[x] = d[z] * (z > 0)


@primitive(elementwise=True, domain=Domain(low=-2.0, high=8.0, away_from=(0.0, 6.0)))
def relu6(x):
    return np.clip(x, 0, 6)


@adjoint(relu6)
def _(z, x):
    d[x] = d[z] * (x > 0) * (x <= 6)       # 1 at x = 6 and 0 at x = 0, as MindSpore


@primitive(elementwise=True, domain=Domain(away_from=(0.0,), static=({}, {"alpha": 0.01}, {"alpha": 1.5})))
def leaky_relu(x, *, alpha=0.2):
    return np.where(x > 0, x, alpha * x)


@adjoint(leaky_relu)
def _(z, x, *, alpha):
    # MindSpore computes max(alpha * x, x) (min for alpha > 1), so at 0 the slopes are averaged.
    d[x] = np.where(x > 0, d[z], np.where(x < 0, alpha * d[z], (1 + alpha) / 2 * d[z]))


@primitive(elementwise=True, domain=Domain(away_from=(0.0,), static=({}, {"alpha": 0.5})))
def elu(x, *, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


@adjoint(elu)
def _(z, x, *, alpha):
    d[x] = np.where(x > 0, d[z], d[z] * (z + alpha))


@primitive(elementwise=True, domain=Domain(static=({}, {"approximate": "tanh"})))
def gelu(x, *, approximate="none"):
    """x Φ(x), or its tanh approximation (MindSpore's GeLU primitive)."""
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3)))
    return x * normal_cdf(x)


@adjoint(gelu)
def _(z, x, *, approximate):
    d[x] = d[z] * gelu_derivative(x, approximate)


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def sigmoid(x):
    return np.exp(-np.logaddexp(0, -x))


@adjoint(sigmoid)
def _(z, x):
    d[x] = d[z] * z * (1 - z)


@primitive(elementwise=True, domain=Domain(away_from=(1.5,), static=({}, {"beta": 2, "threshold": 3})))
def softplus(x, *, beta=1, threshold=20):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (as MindSpore)."""
    scaled = beta * x
    return np.where(scaled > threshold, x, np.logaddexp(0, scaled) / beta)


@adjoint(softplus)
def _(z, x, *, beta, threshold):
    d[x] = d[z] * np.where(beta * x > threshold, 1, -np.expm1(-(beta * z)))   # sigmoid(beta x)


_AXIS_CASES = tuple(((shape,), static) for shape, static in [
    ((2, 3), {}), ((2, 3), {"axis": 0}), ((4,), {}), ((2, 2, 3), {"axis": 1})])


@primitive(domain=Domain(cases=_AXIS_CASES))
def softmax(x, *, axis=-1):
    e = np.exp(x - np.max(x, axis, keepdims=True))
    return e / np.sum(e, axis, keepdims=True)


@adjoint(softmax)
def _(z, x, *, axis):
    d[x] = z * (d[z] - np.sum(d[z] * z, axis, keepdims=True))


@primitive(domain=Domain(cases=_AXIS_CASES))
def log_softmax(x, *, axis=-1):
    return log_probabilities(x, axis)


@adjoint(log_softmax)
def _(z, x, *, axis):
    d[x] = d[z] - np.exp(z) * np.sum(d[z], axis, keepdims=True)


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


# -- convolution and pooling (NCHW) ----------------------------------------------------------------


@primitive(domain=Domain(cases=(
    (((2, 2, 3, 3), (2, 2, 2, 2)), {}),
    (((1, 2, 4, 3), (2, 2, 2, 3)), {"stride": (2, 1), "padding": "same"}),
    (((1, 2, 3, 4), (2, 1, 2, 2)), {"padding": (1, 0, 2, 1), "dilation": (2, 1), "groups": 2}))))
def conv2d(x, w, *, stride=(1, 1), padding=(0, 0, 0, 0), dilation=(1, 1), groups=1):
    """The cross-correlation of x (N, C, H, W) with w (O, C / groups, KH, KW), as MindSpore's Conv2D."""
    windows = conv2d_windows(x, w.shape[2:], stride, padding, dilation, groups)
    weights = np.split(w, groups)
    out = np.concatenate([np.tensordot(windows[:, i], weights[i], ([1, 4, 5], [1, 2, 3]))
                          for i in range(groups)], axis=3)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


@adjoint(conv2d)
def _(z, x, w, *, stride, padding, dilation, groups):
    d[x] = conv2d_grad_input(d[z], x, w, stride, padding, dilation, groups)
    d[w] = conv2d_grad_weight(d[z], x, w, stride, padding, dilation, groups)


@primitive(domain=Domain(cases=((((2, 3), (3,)), {}), (((2, 3, 2, 2), (3,)), {}))))
def bias_add(x, b):
    """x + b along the channel axis 1 (MindSpore's BiasAdd, NCHW)."""
    return x + channels(b, x)


@adjoint(bias_add)
def _(z, x, b):
    d[x] = d[z]
    d[b] = sum_to_channels(d[z])


@primitive(domain=Domain(distinct=True, cases=(
    (((1, 2, 4, 4),), {"kernel_size": (2, 2), "stride": (2, 2)}),
    (((1, 1, 5, 5),), {"kernel_size": (3, 3), "stride": (2, 2), "padding": (1, 1, 1, 1)}),
    (((1, 1, 5, 5),), {"kernel_size": (2, 2), "stride": (2, 2), "dilation": (2, 1), "ceil_mode": True}),
    (((1, 1, 5, 4),), {"kernel_size": (2, 3), "stride": (1, 2), "padding": "same"}))))
def max_pool2d(x, *, kernel_size, stride, padding=(0, 0, 0, 0), dilation=(1, 1), ceil_mode=False):
    """The maximum of each window of x (N, C, H, W); padding counts as -inf."""
    windows, _, _ = pool_windows(x, kernel_size, stride, padding, dilation, ceil_mode, -np.inf)
    return combine_windows(windows, np.maximum)


@adjoint(max_pool2d)
def _(z, x, *, kernel_size, stride, padding, dilation, ceil_mode):
    d[x] = max_pool2d_grad(d[z], x, z, kernel_size, stride, padding, dilation, ceil_mode)


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
    windows, _, _ = pool_windows(x, kernel_size, stride, padding, (1, 1), ceil_mode, 0)
    divisor = avg_pool2d_divisor(x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                                 divisor_override)
    return combine_windows(windows, np.add) / divisor


@adjoint(avg_pool2d)
def _(z, x, *, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    d[x] = avg_pool2d_grad(d[z], x, kernel_size, stride, padding, ceil_mode, count_include_pad,
                           divisor_override)


# -- normalization ---------------------------------------------------------------------------------


@primitive(domain=Domain(cases=((((2, 3),), {"axis": (-1,), "eps": 0.01}),
                                (((2, 2, 3),), {"axis": (-2, -1), "eps": 0.01}))))
def standardize(x, *, axis, eps):
    """Layer normalization before its weight and bias: statistics over `axis` (a tuple)."""
    return (x - np.mean(x, axis, keepdims=True)) / np.sqrt(np.var(x, axis, keepdims=True) + eps)


@adjoint(standardize)
def _(z, x, *, axis, eps):
    d[x] = standardize_grad(d[z], z, x, axis, eps)


@primitive(domain=Domain(cases=((((4, 3), (3,), (3,)), {"eps": 0.01}),
                                (((2, 3, 2, 2), (3,), (3,)), {"eps": 0.01}))))
def batch_norm_train(x, weight, bias, *, eps=1e-5):
    """Batch normalization with the batch's own statistics over all axes but the channel axis 1."""
    return batch_standardize(x, eps) * channels(weight, x) + channels(bias, x)


@adjoint(batch_norm_train)
def _(z, x, weight, bias, *, eps):
    d[x] = standardize_grad(d[z] * channels(weight, x), batch_standardize(x, eps), x, channel_axes(x), eps)
    d[weight] = sum_to_channels(d[z] * batch_standardize(x, eps))
    d[bias] = sum_to_channels(d[z])


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


@primitive(domain=Domain(cases=((((3, 4),), {}),), fixed={"labels": np.array([1, 0, 3])}))
def sparse_softmax_cross_entropy_grad(logits, labels):
    """What SparseSoftmaxCrossEntropyWithLogits(is_grad=True) returns: the gradient of the mean
    loss with respect to the logits (N, C), for class indices `labels` (N,)."""
    return cross_entropy_grad_logits(1.0, logits, labels, None, None, "mean", 0.0)


@adjoint(sparse_softmax_cross_entropy_grad)
def _(z, logits, labels):
    d[logits] = softmax_grad(d[z] / len(logits), logits, -1)


# -- more activations (MindSpore 2.10; gradients at the kinks as MindSpore computes them) ----------


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def silu(x):
    return x * np.exp(-np.logaddexp(0, -x))


@adjoint(silu)
def _(z, x):
    d[x] = d[z] * np.exp(-np.logaddexp(0, -x)) * (1 + x * np.exp(-np.logaddexp(0, x)))


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def mish(x):
    return x * np.tanh(np.logaddexp(0, x))


@adjoint(mish)
def _(z, x):
    d[x] = d[z] * (np.tanh(np.logaddexp(0, x))
                   + x * (1 - np.tanh(np.logaddexp(0, x)) ** 2) * np.exp(-np.logaddexp(0, -x)))


@primitive(elementwise=True, domain=Domain(away_from=(0.0,)))
def selu(x):
    return 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(np.minimum(x, 0)))


@adjoint(selu)
def _(z, x):
    # the slope of the right branch (scale) at 0, as MindSpore
    d[x] = d[z] * np.where(x >= 0, 1.0507009873554805, 1.7580993408473766 * np.exp(np.minimum(x, 0)))


@primitive(elementwise=True, domain=Domain(static=({}, {"alpha": 0.5}, {"alpha": 2.0})))
def celu(x, *, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))


@adjoint(celu)
def _(z, x, *, alpha):
    d[x] = d[z] * np.where(x > 0, 1, np.exp(np.minimum(x, 0) / alpha))


@primitive(elementwise=True, domain=Domain(low=-3.0, high=3.0, away_from=(-1.0, 1.0, -0.5, 1.5),
                                           static=({}, {"min_val": -0.5, "max_val": 1.5})))
def hardtanh(x, *, min_val=-1.0, max_val=1.0):
    return np.clip(x, min_val, max_val)


@adjoint(hardtanh)
def _(z, x, *, min_val, max_val):
    # 1/2 at either bound, as MindSpore
    d[x] = d[z] * ((x > min_val) * (x < max_val) + 0.5 * (x == min_val) + 0.5 * (x == max_val))


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0, away_from=(-3.0, 3.0)))
def hardsigmoid(x):
    return np.clip(x / 6 + 0.5, 0, 1)


@adjoint(hardsigmoid)
def _(z, x):
    d[x] = d[z] * (x > -3) * (x < 3) / 6          # 0 at -3 and 3, as MindSpore


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0, away_from=(-3.0, 3.0)))
def hardswish(x):
    return x * np.clip(x / 6 + 0.5, 0, 1)


@adjoint(hardswish)
def _(z, x):
    # the middle piece's slope x / 3 + 1/2 at -3 and 3 (-1/2 and 3/2), as MindSpore
    d[x] = d[z] * np.where(x < -3, 0, np.where(x > 3, 1, x / 3 + 0.5))


@primitive(elementwise=True, domain=Domain())
def softsign(x):
    return x / (1 + np.abs(x))


@adjoint(softsign)
def _(z, x):
    d[x] = d[z] / (1 + np.abs(x)) ** 2


@primitive(elementwise=True, domain=Domain(low=-4.0, high=4.0))
def logsigmoid(x):
    return -np.logaddexp(0, -x)


@adjoint(logsigmoid)
def _(z, x):
    d[x] = d[z] * np.exp(-np.logaddexp(0, x))


@primitive(elementwise=True, domain=Domain())
def tanhshrink(x):
    return x - np.tanh(x)


@adjoint(tanhshrink)
def _(z, x):
    d[x] = d[z] * np.tanh(x) ** 2


@primitive(elementwise=True, domain=Domain(away_from=(-0.5, 0.5, -1.0, 1.0), static=({}, {"lambd": 1.0})))
def softshrink(x, *, lambd=0.5):
    return np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0 * x))


@adjoint(softshrink)
def _(z, x, *, lambd):
    d[x] = d[z] * (np.abs(x) > lambd)                # 0 at -lambd and lambd, as MindSpore


@primitive(elementwise=True, domain=Domain(away_from=(-0.5, 0.5, -1.0, 1.0), static=({}, {"lambd": 1.0})))
def hardshrink(x, *, lambd=0.5):
    return np.where(np.abs(x) > lambd, x, 0 * x)


@adjoint(hardshrink)
def _(z, x, *, lambd):
    d[x] = d[z] * (np.abs(x) > lambd)                # 0 at -lambd and lambd, as MindSpore
