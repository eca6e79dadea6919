"""MindSpore's neural-network operations, as functions (`ops.relu`, `ops.conv2d`, ...) and as
primitive classes (`ops.ReLU()`, `ops.Conv2D(...)`), each reaching the primitive table
(msgrad/primitives/nn.py).

Signatures, defaults, return structures and errors follow MindSpore 2.10. The static arguments
(strides, paddings, axes, reductions) are checked and normalized here, once, while the code is
generated; a mistake raises the ValueError or TypeError MindSpore raises, located in the user's
source by the compiler."""
from .. import primitives as P
from ..primitives import nn as N, reaches
from ..tensor import _axis, _dtype_name
from .operations import Primitive, _applying

relu6, sigmoid, bias_add = N.relu6, N.sigmoid, N.bias_add


@reaches
def relu(input, inplace=False):
    return N.relu(input)


@reaches
def leaky_relu(input, alpha=0.2):
    _check_type("leaky_relu", "alpha", alpha, (int, float))
    return N.leaky_relu(input, alpha=alpha)


@reaches
def elu(input_x, alpha=1.0):
    return N.elu(input_x, alpha=alpha)


@reaches
def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise ValueError("For ops.gelu, approximate value should be either 'none' or 'tanh'.")
    return N.gelu(input, approximate=approximate)


@reaches
def softplus(input, beta=1, threshold=20):
    if beta == 0:
        raise ValueError("For 'softplus', the value of 'beta' cannot be 0.")
    return N.softplus(input, beta=beta, threshold=threshold)


@reaches
def softmax(input, axis=-1, *, dtype=None):
    _check_type("softmax", "axis", axis, int)
    if dtype is not None:
        input = P.cast(input, dtype=_dtype_name(dtype))
    return N.softmax(input, axis=axis)


@reaches
def log_softmax(logits, axis=-1):
    _check_type("log_softmax", "axis", axis, int)
    return N.log_softmax(logits, axis=axis)


@reaches
def dropout(input, p=0.5, training=True, seed=None):
    """Zeros with probability p, the rest scaled by 1 / (1 - p); the mask comes from msgrad's
    seeded generator (msgrad.set_seed), whatever `seed` says."""
    if not training:
        return input
    if not 0 <= p < 1:
        raise ValueError(f"For 'Dropout, the 'keep_prob' must be in (0.0, 1.0], but got {1 - p}.")
    return _dropout(input, 1 - p)[0] if p else input


def _dropout(x, keep_prob):
    mask = N.dropout_mask(x, keep_prob=keep_prob)
    return N.dropout(x, mask, keep_prob=keep_prob), mask


@reaches
def conv2d(input, weight, bias=None, stride=1, pad_mode="valid", padding=0, dilation=1, groups=1):
    if isinstance(padding, (tuple, list)):
        padding = _symmetric("conv2d", padding)
    out = N.conv2d(input, weight, **_conv_static("Conv2D", stride, pad_mode, padding, dilation, groups))
    return out if bias is None else N.bias_add(out, bias)


@reaches
def max_pool2d(x, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False):
    kernel_size = _pair("max_pool2d", "kernel_size", kernel_size)
    static = dict(kernel_size=kernel_size, padding=_symmetric("max_pool2d", padding), ceil_mode=ceil_mode,
                  stride=kernel_size if stride is None else _pair("max_pool2d", "stride", stride),
                  dilation=_pair("max_pool2d", "dilation", dilation))
    out = N.max_pool2d(x, **static)
    return (out, N.max_pool2d_indices(x, **static)) if return_indices else out


@reaches
def avg_pool2d(input_x, kernel_size=1, stride=1, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=0):
    return N.avg_pool2d(input_x, kernel_size=_pair("avg_pool2d", "kernel_size", kernel_size),
                        stride=_pair("avg_pool2d", "stride", stride),
                        padding=_four_sided("avg_pool2d", "padding", padding),
                        ceil_mode=ceil_mode, count_include_pad=count_include_pad,
                        divisor_override=divisor_override)


@reaches
def adaptive_avg_pool2d(input, output_size):
    return N.adaptive_avg_pool2d(input, output_size=_output_size("AdaptiveAvgPool2D", output_size))


@reaches
def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalization over the trailing axes `normalized_shape` covers, then weight and bias."""
    count = 1 if isinstance(normalized_shape, int) else len(normalized_shape)
    out = N.standardize(input, begin_axis=-count, eps=eps)
    if weight is not None:
        out = P.multiply(out, weight)
    return out if bias is None else P.add(out, bias)


@reaches
def batch_norm(input_x, running_mean, running_var, weight, bias, training=False, momentum=0.1, eps=1e-5):
    """Batch normalization along the channel axis 1. In training, the batch's statistics, and
    running_mean and running_var take a step towards them, in place, as in MindSpore."""
    if training:
        N.update_moving_statistics(input_x, running_mean, running_var, momentum=momentum)
        return N.batch_norm_train(input_x, weight, bias, eps=eps)
    return N.batch_norm_eval(input_x, running_mean, running_var, weight, bias, eps=eps)


@reaches
def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
    """Class-index targets (integers) or class probabilities (floats, the input's shape)."""
    _check_reduction("cross_entropy", reduction)
    if not isinstance(label_smoothing, (int, float)) or label_smoothing < 0:
        raise ValueError(f"For 'cross_entropy_loss', 'label_smoothing' must be a non-negative float, "
                         f"but got {label_smoothing}.")
    return N.cross_entropy(input, target, weight, ignore_index=ignore_index, reduction=reduction,
                           label_smoothing=label_smoothing)


@reaches
def mse_loss(input, target, reduction="mean"):
    _check_reduction("mse_loss", reduction)
    return _reduce(P.square(P.subtract(input, target)), reduction)


@reaches
def l1_loss(input, target, reduction="mean"):
    _check_reduction("l1_loss", reduction)
    return _reduce(P.abs(P.subtract(input, target)), reduction)


@reaches
def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction="mean"):
    """-[pos_weight t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))] * weight, computed as
    (1 - t) x + (1 + (pos_weight - 1) t) softplus(-x), which neither overflows nor loses digits."""
    _check_reduction("binary_cross_entropy_with_logits", reduction)
    loss = N.softplus(P.negative(input))
    if pos_weight is not None:
        loss = P.multiply(loss, P.add(P.multiply(P.subtract(pos_weight, 1), target), 1))
    loss = P.add(P.multiply(P.subtract(1, target), input), loss)
    return _reduce(loss if weight is None else P.multiply(loss, weight), reduction)


# -- primitive classes ------------------------------------------------------------------------------
ReLU, ReLU6, Sigmoid = (_applying(n, p) for n, p in [("ReLU", N.relu), ("ReLU6", N.relu6),
                                                     ("Sigmoid", N.sigmoid)])


class GeLU(Primitive):
    """`ops.GeLU()(x)`: gelu's tanh approximation, as MindSpore's GeLU primitive computes it."""

    @reaches
    def __call__(self, x):
        return N.gelu(x, approximate="tanh")


class Softplus(Primitive):
    """`ops.Softplus()(x)`: log(1 + exp(x))."""

    @reaches
    def __call__(self, x):
        return N.softplus(x)


class Elu(Primitive):
    """`ops.Elu(alpha)(x)`."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    @reaches
    def __call__(self, x):
        return N.elu(x, alpha=self.alpha)


class Softmax(Primitive):
    """`ops.Softmax(axis)(x)`."""

    def __init__(self, axis=-1):
        self.axis = _single_axis("Softmax", axis)

    @reaches
    def __call__(self, x):
        return N.softmax(x, axis=self.axis)


class LogSoftmax(Softmax):
    """`ops.LogSoftmax(axis)(x)`."""

    @reaches
    def __call__(self, logits):
        return N.log_softmax(logits, axis=self.axis)


class L2Normalize(Primitive):
    """`ops.L2Normalize(axis, epsilon)(x)`: x / sqrt(max(sum(x², axis), epsilon))."""

    def __init__(self, axis=0, epsilon=1e-4):
        self.axis, self.epsilon = _axis(axis), epsilon

    @reaches
    def __call__(self, x):
        squares = P.reduce_sum(P.square(x), axis=self.axis, keepdims=True)
        return P.divide(x, P.sqrt(P.maximum(squares, self.epsilon)))


class BiasAdd(Primitive):
    """`ops.BiasAdd()(x, bias)`: bias (C,) added along the channel axis 1."""

    def __init__(self, data_format="NCHW"):
        _check_nchw("BiasAdd", data_format)

    @reaches
    def __call__(self, input_x, bias):
        return N.bias_add(input_x, bias)


class Dropout(Primitive):
    """`ops.Dropout(keep_prob)(x)` -> (output, mask): mask (0 or 1, x's dtype) from msgrad's
    seeded generator, output x * mask / keep_prob."""

    def __init__(self, keep_prob=0.5, Seed0=0, Seed1=0):
        if not 0 < keep_prob <= 1:
            raise ValueError(f"For 'Dropout', the 'keep_prob' must be in (0.0, 1.0], but got {keep_prob}.")
        self.keep_prob = keep_prob

    @reaches
    def __call__(self, x):
        return _dropout(x, self.keep_prob)


class Conv2D(Primitive):
    """`ops.Conv2D(out_channel, kernel_size, mode, pad_mode, pad, stride, dilation, group)(x, w)`:
    the kernel size and channels come from w (out_channel and kernel_size are not checked)."""

    def __init__(self, out_channel, kernel_size, mode=1, pad_mode="valid", pad=0, stride=1, dilation=1,
                 group=1, data_format="NCHW"):
        _check_nchw("Conv2D", data_format)
        self.static = _conv_static("Conv2D", stride, pad_mode, pad, dilation, group)

    @reaches
    def __call__(self, x, weight):
        return N.conv2d(x, weight, **self.static)


class MaxPool(Primitive):
    """`ops.MaxPool(kernel_size, strides, pad_mode)(x)`; pad_mode 'valid' or 'same'."""
    prim = N.max_pool2d

    def __init__(self, kernel_size=1, strides=1, pad_mode="valid", data_format="NCHW"):
        name = type(self).__name__
        _check_nchw(name, data_format)
        pad_mode = _check_pad_mode(name, pad_mode, ("valid", "same"))
        self.static = dict(kernel_size=_pair(name, "kernel_size", kernel_size),
                           stride=_pair(name, "strides", strides),
                           padding="same" if pad_mode == "same" else (0, 0, 0, 0))
        if pad_mode == "same" and self.prim is N.avg_pool2d:
            self.static["count_include_pad"] = False      # MindSpore's AvgPool averages the input only

    def __call__(self, x):
        return self.prim(x, **self.static)


class AvgPool(MaxPool):
    """`ops.AvgPool(kernel_size, strides, pad_mode)(x)`; pad_mode 'valid' or 'same'."""
    prim = N.avg_pool2d

    def __init__(self, kernel_size=1, strides=1, pad_mode="VALID", data_format="NCHW"):
        super().__init__(kernel_size, strides, pad_mode, data_format)


reaches(MaxPool.__call__)


class SoftmaxCrossEntropyWithLogits(Primitive):
    """`ops.SoftmaxCrossEntropyWithLogits()(logits, labels)` -> (loss, dlogits): per-sample
    cross entropy of logits (N, C) with probabilities `labels`, and softmax(logits) - labels."""

    @reaches
    def __call__(self, logits, labels):
        return N.cross_entropy(logits, labels, None, reduction="none"), P.subtract(N.softmax(logits), labels)


class SparseSoftmaxCrossEntropyWithLogits(Primitive):
    """`ops.SparseSoftmaxCrossEntropyWithLogits(is_grad)(logits, labels)`: the mean cross entropy
    of logits (N, C) with class indices `labels` (N,); with is_grad, its gradient for the logits."""

    def __init__(self, is_grad=False):
        self.is_grad = is_grad

    @reaches
    def __call__(self, logits, labels):
        if self.is_grad:
            return N.sparse_softmax_cross_entropy_grad(logits, labels)
        return N.cross_entropy(logits, labels, None, ignore_index=None)


# -- checking and normalizing static arguments -------------------------------------------------------
def _check_type(op, name, value, types):
    if not isinstance(value, types) or isinstance(value, bool):
        raise TypeError(f"For '{op}', the type of '{name}' must be {_names(types)}, but got "
                        f"{type(value).__name__}.")


def _names(types):
    return " or ".join(t.__name__ for t in (types if isinstance(types, tuple) else (types,)))


def _single_axis(op, axis):
    """An axis given as an int or a one-element tuple (MindSpore's CPU kernels take only one)."""
    if isinstance(axis, (tuple, list)) and len(axis) == 1:
        axis = axis[0]
    _check_type(op, "axis", axis, int)
    return axis


def _check_reduction(op, reduction):
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"For '{op}', the 'reduction' must be in ['mean', 'sum', 'none'], "
                         f"but got {reduction}.")


def _check_nchw(op, data_format):
    if data_format != "NCHW":
        raise ValueError(f"For '{op}', msgrad supports data_format 'NCHW' only, but got {data_format!r}.")


def _check_pad_mode(op, pad_mode, allowed):
    mode = pad_mode.lower() if isinstance(pad_mode, str) else pad_mode
    if mode not in allowed:
        raise ValueError(f"For '{op}', the 'pad_mode' must be one of {list(allowed)}, but got {pad_mode!r}.")
    return mode


def _pair(op, name, value):
    """(h, w) from an int, a pair, or MindSpore's 4-tuple (1, 1, h, w)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    elif isinstance(value, (tuple, list)) and len(value) == 4:
        value = tuple(value[2:])
    if not (isinstance(value, (tuple, list)) and len(value) == 2 and
            all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)):
        raise ValueError(f"For '{op}', '{name}' must be a positive int or a tuple of 2 positive ints, "
                         f"but got {value!r}.")
    return tuple(value)


def _output_size(op, size):
    """(h, w) from an int or a pair of positive ints or Nones (None: the input's own length)."""
    if isinstance(size, int) and not isinstance(size, bool):
        size = (size, size)
    if not isinstance(size, tuple):
        raise TypeError(f"For '{op}', the type of 'output_size' should be one of ['int', 'tuple'], but got type "
                        f"'{type(size).__name__}'.")
    if not (len(size) == 2 and
            all(n is None or isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in size)):
        raise ValueError(f"For '{op}', 'output_size' must be a positive int or a tuple of 2 positive ints or "
                         f"None, but got {size!r}.")
    return size


def _symmetric(op, padding):
    """(top, bottom, left, right) from an int or an (h, w) pair, each padding both sides."""
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        padding = (padding[0], padding[0], padding[1], padding[1])
    return _four_sided(op, "padding", padding)


def _four_sided(op, name, pad):
    """(top, bottom, left, right) from an int or a 4-tuple of non-negative ints."""
    pad = (pad,) * 4 if isinstance(pad, int) else tuple(pad) if isinstance(pad, (tuple, list)) else pad
    if not (isinstance(pad, tuple) and len(pad) == 4 and
            all(isinstance(p, int) and not isinstance(p, bool) and p >= 0 for p in pad)):
        raise ValueError(f"For '{op}', '{name}' must be a non-negative int or a tuple of them, "
                         f"but got {pad!r}.")
    return pad


def _conv_static(op, stride, pad_mode, pad, dilation, groups):
    """conv2d's static arguments from MindSpore's: pad is an int or (top, bottom, left, right),
    and only pad_mode 'pad' may pad."""
    pad_mode = _check_pad_mode(op, pad_mode, ("valid", "same", "pad"))
    pad = _four_sided(op, "pad", pad)
    if pad_mode != "pad" and any(pad):
        raise ValueError(f"For '{op}', the 'pad' must be zero when 'pad_mode' is not 'pad', but got "
                         f"'pad': {pad} and 'pad_mode': {pad_mode}.")
    if not isinstance(groups, int) or groups < 1:
        raise ValueError(f"For '{op}', 'group' must be a positive int, but got {groups!r}.")
    return dict(stride=_pair(op, "stride", stride), dilation=_pair(op, "dilation", dilation),
                padding="same" if pad_mode == "same" else pad, groups=groups)


def _reduce(loss, reduction):
    if reduction == "mean":
        return P.reduce_mean(loss)
    return P.reduce_sum(loss) if reduction == "sum" else loss


# -- more activations (MindSpore 2.10 names and signatures) -----------------------------------------


@reaches
def silu(input):
    return N.silu(input)


@reaches
def mish(x):
    return N.mish(x)


@reaches
def selu(input_x):
    return N.selu(input_x)


@reaches
def celu(x, alpha=1.0):
    _check_type("celu", "alpha", alpha, (int, float))
    if alpha == 0:
        raise ValueError("For 'celu', the 'alpha' can not be equal to zero.")
    return N.celu(x, alpha=float(alpha))


@reaches
def hardtanh(input, min_val=-1.0, max_val=1.0):
    return N.hardtanh(input, min_val=min_val, max_val=max_val)


@reaches
def hardsigmoid(input):
    return N.hardsigmoid(input)


@reaches
def hardswish(input):
    return N.hardswish(input)


@reaches
def softsign(x):
    return N.softsign(x)


@reaches
def logsigmoid(x):
    return N.logsigmoid(x)


@reaches
def tanhshrink(input):
    return N.tanhshrink(input)


@reaches
def softshrink(input, lambd=0.5):
    _check_type("softshrink", "lambd", lambd, (int, float))
    if lambd < 0:
        raise ValueError(f"For 'softshrink', the 'lambd' must be no less than 0, but got {lambd}.")
    return N.softshrink(input, lambd=float(lambd))


@reaches
def hardshrink(input, lambd=0.5):
    _check_type("hardshrink", "lambd", lambd, (int, float))
    return N.hardshrink(input, lambd=float(lambd))
