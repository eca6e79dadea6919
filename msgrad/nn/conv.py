"""Convolution and pooling layers over NCHW images, as MindSpore spells them: `nn.Conv2d`,
`nn.MaxPool2d`, `nn.AvgPool2d`, `nn.AdaptiveAvgPool2d`; and over NCL signals, which MindSpore
computes as images of one row: `nn.Conv1d`, `nn.MaxPool1d`, `nn.AvgPool1d`."""
import math

import numpy as np

from .. import dtype as mstype, ops
from ..common.initializer import HeUniform, Uniform, initializer, _calculate_fan_in_and_fan_out
from ..ops.nn_ops import _output_size
from ..tensor import Parameter, Tensor
from .basic import check_bool, check_int, check_positive_int
from .cell import Cell


class Conv2d(Cell):
    """The 2-D cross-correlation of x (N, in_channels, H, W) with weight (out_channels,
    in_channels / group, kh, kw), plus bias (out_channels,) when has_bias. pad_mode 'same' (the
    default) keeps H and W (divided by the stride), 'valid' does not pad, and 'pad' pads by
    `padding`: an int or (top, bottom, left, right). Weights start as in MindSpore:
    HeUniform(sqrt(5)), and bias Uniform(1 / sqrt(fan_in))."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0, dilation=1,
                 group=1, has_bias=False, weight_init=None, bias_init=None, data_format="NCHW",
                 dtype=mstype.float32):
        super().__init__()
        self.in_channels = check_positive_int("Conv2d", "in_channels", in_channels)
        self.out_channels = check_positive_int("Conv2d", "out_channels", out_channels)
        self.kernel_size = _pair("Conv2d", "kernel_size", kernel_size)
        self.stride = _pair("Conv2d", "stride", stride)
        self.dilation = _pair("Conv2d", "dilation", dilation)
        self.pad_mode = _pad_mode("Conv2d", pad_mode, ("same", "valid", "pad"))
        self.padding = _padding("Conv2d", padding)
        if self.pad_mode != "pad" and self.padding != (0, 0, 0, 0):
            raise ValueError(f"For 'Conv2D', the 'pad' must be zero when 'pad_mode' is not 'pad', but got "
                             f"'pad': {padding} and 'pad_mode': {pad_mode}.")
        self.group = check_positive_int("Conv2d", "group", group)
        if in_channels % group or out_channels % group:
            raise ValueError(f"The argument 'group' should be divisible by 'in_channels' and 'out_channels', but "
                             f"got group:{group}, in_channels:{in_channels}, out_channels:{out_channels}.")
        if data_format != "NCHW":
            raise ValueError(f"For 'Conv2d', msgrad supports data_format 'NCHW' only, but got {data_format!r}.")
        self.has_bias = check_bool("Conv2d", "has_bias", has_bias)
        shape = [out_channels, in_channels // group, *self.kernel_size]
        if weight_init is None:
            weight_init = HeUniform(math.sqrt(5))
        self.weight = Parameter(initializer(weight_init, shape, dtype=dtype), name="weight")
        self.bias = None
        if has_bias:
            if bias_init is None:
                bias_init = Uniform(1 / math.sqrt(_calculate_fan_in_and_fan_out(shape)[0]))
            self.bias = Parameter(initializer(bias_init, [out_channels], dtype=dtype), name="bias")

    def construct(self, x):
        return ops.conv2d(x, self.weight, self.bias, self.stride, self.pad_mode, self.padding, self.dilation,
                          self.group)


class Conv1d(Conv2d):
    """The 1-D cross-correlation of x (N, in_channels, L) with weight (out_channels, in_channels /
    group, 1, kernel_size), 4-D as MindSpore keeps it, plus bias (out_channels,) when has_bias.
    pad_mode 'same' (the default), 'valid', or 'pad', which pads both ends by `padding`."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, pad_mode="same", padding=0, dilation=1,
                 group=1, has_bias=False, weight_init=None, bias_init=None, dtype=mstype.float32):
        _check_ints("Conv1d", kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
        if isinstance(weight_init, Tensor):          # (out_channels, in_channels / group, kernel_size)
            weight_init = Tensor(np.expand_dims(weight_init.asnumpy(), 2))
        super().__init__(in_channels, out_channels, (1, kernel_size), (1, stride), pad_mode, (0, 0, padding, padding),
                         (1, dilation), group, has_bias, weight_init, bias_init, dtype=dtype)

    def construct(self, x):
        out = ops.conv2d(ops.expand_dims(x, 2), self.weight, self.bias, self.stride, self.pad_mode, self.padding,
                         self.dilation, self.group)
        return ops.squeeze(out, 2)


class _Pool2d(Cell):
    """What the pooling layers share: a window, a stride and a pad_mode, over NCHW images or one
    unbatched (C, H, W) image, which MindSpore pools as a batch of one."""

    return_indices = False       # MaxPool2d's may be True: then the result is (output, indices)

    def __init__(self, kernel_size, stride, pad_mode, data_format):
        super().__init__()
        name = type(self).__name__
        self.kernel_size = _pair(name, "kernel_size", kernel_size)
        self.stride = _pair(name, "stride", stride)
        self.pad_mode = _pad_mode(name, pad_mode, ("valid", "same", "pad"))
        if data_format != "NCHW":
            raise ValueError(f"For '{name}', msgrad supports data_format 'NCHW' only, but got {data_format!r}.")

    def construct(self, x):
        if x.ndim != 3:
            return self.pool(x)
        out = self.pool(ops.unsqueeze(x, 0))
        if self.return_indices:
            return ops.squeeze(out[0], 0), ops.squeeze(out[1], 0)
        return ops.squeeze(out, 0)


class MaxPool2d(_Pool2d):
    """The maximum of each kernel_size window of x (N, C, H, W) or (C, H, W), windows `stride`
    apart. pad_mode 'valid' (the default) or 'same'; or 'pad', which alone takes padding,
    dilation, ceil_mode and return_indices (then the result is (output, indices))."""

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, dilation=1, return_indices=False,
                 ceil_mode=False, data_format="NCHW"):
        super().__init__(kernel_size, stride, pad_mode, data_format)
        self.use_pad = self.pad_mode == "pad"
        self.padding = _padding("MaxPool2d", padding)
        self.dilation = _pair("MaxPool2d", "dilation", dilation)
        if not self.use_pad and (any(self.padding) or self.dilation != (1, 1) or return_indices or ceil_mode):
            raise ValueError(f"For MaxPool2d, the parameter 'padding', 'dilation', 'return_indices', 'ceil_mode' "
                             f"can not be set to non-default value when pad_mode is not 'pad', but got "
                             f"pad_mode:{pad_mode}.")
        self.return_indices, self.ceil_mode = return_indices, ceil_mode
        self.max_pool = None if self.use_pad else ops.MaxPool(self.kernel_size, self.stride, self.pad_mode)

    def pool(self, x):
        """The pooling of a batch of images (N, C, H, W)."""
        if self.use_pad:
            return ops.max_pool2d(x, self.kernel_size, self.stride, self.padding, self.dilation,
                                  self.return_indices, self.ceil_mode)
        return self.max_pool(x)


class AvgPool2d(_Pool2d):
    """The mean of each kernel_size window of x (N, C, H, W) or (C, H, W), windows `stride` apart.
    pad_mode 'valid' (the default) or 'same'; or 'pad', with padding; ceil_mode,
    count_include_pad and divisor_override as MindSpore's avg_pool2d takes them."""

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, ceil_mode=False, count_include_pad=True,
                 divisor_override=None, data_format="NCHW"):
        super().__init__(kernel_size, stride, pad_mode, data_format)
        self.padding = _padding("AvgPool2d", padding)
        if divisor_override is not None and divisor_override <= 0:
            raise ValueError(f"For 'AvgPool2d', the 'divisor_override' must be > 0, but got {divisor_override}.")
        if self.pad_mode != "pad" and self.padding != (0, 0, 0, 0):
            raise ValueError(f"For 'AvgPool2d', the 'padding' must be zero when 'pad_mode' is not 'pad', but got "
                             f"'padding': {padding} and 'pad_mode': {pad_mode}.")
        self.use_pad = self.pad_mode == "pad" or ceil_mode or not count_include_pad or divisor_override is not None
        if self.use_pad and self.pad_mode == "same":
            raise ValueError("For 'AvgPool2d', msgrad takes ceil_mode, count_include_pad and divisor_override "
                             "with pad_mode 'pad' or 'valid' only, not 'same'.")
        self.ceil_mode, self.count_include_pad = ceil_mode, count_include_pad
        self.divisor_override = divisor_override or 0
        self.avg_pool = None if self.use_pad else ops.AvgPool(self.kernel_size, self.stride, self.pad_mode)

    def pool(self, x):
        """The pooling of a batch of images (N, C, H, W)."""
        if self.use_pad:
            return ops.avg_pool2d(x, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                  self.count_include_pad, self.divisor_override)
        return self.avg_pool(x)


class AdaptiveAvgPool2d(Cell):
    """The means of output_size (an int, or (h, w) where None keeps the input's length) windows
    spread evenly over x (N, C, H, W) or (C, H, W)."""

    def __init__(self, output_size):
        super().__init__()
        self.output_size = _output_size("AdaptiveAvgPool2D", output_size)

    def construct(self, input):
        return ops.adaptive_avg_pool2d(input, self.output_size)


class _Pool1d(Cell):
    """What the 1-D pooling layers share: x (N, C, L), or one signal (C, L), pooled by a 2-D
    layer as images of one row (N, C, 1, L), as MindSpore does."""

    def __init__(self, pool2d):
        super().__init__()
        self.pool2d, self.return_indices = pool2d, pool2d.return_indices

    def construct(self, x):
        out = self.pool2d(ops.expand_dims(x, -2))
        if self.return_indices:
            return ops.squeeze(out[0], -2), ops.squeeze(out[1], -2)
        return ops.squeeze(out, -2)


class MaxPool1d(_Pool1d):
    """The maximum of each kernel_size window of x (N, C, L) or (C, L), as MaxPool2d computes it."""

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, dilation=1, return_indices=False,
                 ceil_mode=False):
        _check_ints("MaxPool1d", kernel_size=kernel_size, stride=stride, padding=padding, dilation=dilation)
        super().__init__(MaxPool2d((1, kernel_size), (1, stride), pad_mode, (0, 0, padding, padding), (1, dilation),
                                   return_indices, ceil_mode))


class AvgPool1d(_Pool1d):
    """The mean of each kernel_size window of x (N, C, L) or (C, L), as AvgPool2d computes it."""

    def __init__(self, kernel_size=1, stride=1, pad_mode="valid", padding=0, ceil_mode=False, count_include_pad=True):
        _check_ints("AvgPool1d", kernel_size=kernel_size, stride=stride, padding=padding)
        super().__init__(AvgPool2d((1, kernel_size), (1, stride), pad_mode, (0, 0, padding, padding), ceil_mode,
                                   count_include_pad))


# -- normalizing arguments -------------------------------------------------------------------------
def _check_ints(cls_name, **values):
    for arg_name, value in values.items():
        check_int(cls_name, arg_name, value)


def _pair(cls_name, arg_name, value):
    """(h, w) from an int or a pair of positive ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value, value)
    if not (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise ValueError(f"For '{cls_name}', the '{arg_name}' must be a positive int or a tuple of two positive "
                         f"ints, but got {value}.")
    return tuple(value)


def _padding(cls_name, value):
    """(top, bottom, left, right) from an int, an (h, w) pair or a 4-tuple of non-negative ints."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * 4
    elif isinstance(value, (tuple, list)) and len(value) == 2:
        value = (value[0], value[0], value[1], value[1])
    if not (isinstance(value, (tuple, list)) and len(value) == 4
            and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value)):
        raise ValueError(f"For '{cls_name}', the 'padding' must be a non-negative int or a tuple of 2 or 4 "
                         f"non-negative ints, but got {value}.")
    return tuple(value)


def _pad_mode(cls_name, pad_mode, allowed):
    if not isinstance(pad_mode, str) or pad_mode.lower() not in allowed:
        raise ValueError(f"For '{cls_name}', the 'pad_mode' must be one of {list(allowed)}, but got {pad_mode!r}.")
    return pad_mode.lower()
