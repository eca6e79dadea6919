"""Losses, as MindSpore spells them: `nn.MSELoss`, `nn.L1Loss`, `nn.SmoothL1Loss`, `nn.HuberLoss`,
`nn.SoftmaxCrossEntropyWithLogits`, `nn.CrossEntropyLoss`, `nn.BCEWithLogitsLoss`, and
`nn.LossBase` for losses of one's own (`self.get_loss(x)`)."""
from .. import ops
from ..tensor import Parameter, Tensor
from .cell import Cell


class LossBase(Cell):
    """Base of losses: `reduction` is 'mean', 'sum' or 'none', and `get_loss(x, weights)`
    reduces weights * x accordingly."""

    def __init__(self, reduction="mean"):
        super().__init__()
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"For '{type(self).__name__}', the 'reduction' must be in ['mean', 'sum', 'none'], "
                             f"but got {reduction}.")
        self.reduction = reduction
        self.average = reduction == "mean"
        self.reduce = reduction != "none"

    def get_loss(self, x, weights=1.0):
        x = weights * x
        if self.reduce and self.average:
            x = ops.mean(x)
        if self.reduce and not self.average:
            x = ops.sum(x)
        return x

    def construct(self, logits, labels):
        raise NotImplementedError(f"{type(self).__name__} must define construct(logits, labels)")


class MSELoss(LossBase):
    """(logits - labels)², reduced."""

    def construct(self, logits, labels):
        return ops.mse_loss(logits, labels, self.reduction)


class L1Loss(LossBase):
    """|logits - labels|, reduced."""

    def construct(self, logits, labels):
        return ops.l1_loss(logits, labels, self.reduction)


class SmoothL1Loss(LossBase):
    """0.5 (logits - labels)² / beta where |logits - labels| < beta, else |logits - labels| - 0.5
    beta; reduction is 'none' by default."""

    def __init__(self, beta=1.0, reduction="none"):
        super().__init__(reduction)
        self.beta = _positive("SmoothL1Loss", "beta", beta)

    def construct(self, logits, labels):
        return self.get_loss(huber(logits - labels, self.beta) / self.beta)


class HuberLoss(LossBase):
    """0.5 (logits - labels)² where |logits - labels| <= delta, else delta (|logits - labels| -
    0.5 delta); reduced."""

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction)
        self.delta = _positive("HuberLoss", "delta", delta)

    def construct(self, logits, labels):
        return self.get_loss(huber(logits - labels, self.delta))


def huber(diff, delta):
    """Quadratic near 0, linear beyond delta: 0.5 diff² or delta (|diff| - 0.5 delta)."""
    return ops.where(ops.abs(diff) <= delta, 0.5 * ops.square(diff), delta * (ops.abs(diff) - 0.5 * delta))


def _positive(cls_name, arg_name, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"For '{cls_name}', the '{arg_name}' must be a positive number, but got {value}.")
    return value


class SoftmaxCrossEntropyWithLogits(LossBase):
    """The cross entropy of softmax(logits) (N, C) with labels: probabilities (N, C), or with
    `sparse=True` class indices (N,). reduction is 'none' by default."""

    def __init__(self, sparse=False, reduction="none"):
        super().__init__(reduction)
        if not isinstance(sparse, bool):
            raise TypeError(f"For 'SoftmaxCrossEntropyWithLogits', the type of 'sparse' must be bool, but got "
                            f"{type(sparse).__name__}.")
        self.sparse = sparse

    def construct(self, logits, labels):
        return ops.cross_entropy(logits, labels, reduction=self.reduction)


class CrossEntropyLoss(LossBase):
    """The cross entropy of logits (N, C, ...) or (C,) with class indices or class probabilities,
    classes weighted by `weight` (C,), samples whose label is `ignore_index` left out, and labels
    smoothed by `label_smoothing`."""

    def __init__(self, weight=None, ignore_index=-100, reduction="mean", label_smoothing=0.0):
        super().__init__(reduction)
        if not isinstance(ignore_index, int) or isinstance(ignore_index, bool):
            raise TypeError(f"For 'CrossEntropyLoss', the type of 'ignore_index' must be int, but got "
                            f"{type(ignore_index).__name__}.")
        if not isinstance(label_smoothing, float):
            raise TypeError(f"For 'CrossEntropyLoss', the type of 'label_smoothing' should be 'float', but got type "
                            f"'{type(label_smoothing).__name__}'.")
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(f"For 'CrossEntropyLoss', the 'label_smoothing' must be in range [0.0, 1.0], but got "
                             f"{label_smoothing}.")
        if weight is not None and not isinstance(weight, Tensor):
            raise TypeError(f"For 'CrossEntropyLoss', the type of 'weight' must be Tensor, but got "
                            f"{type(weight).__name__}.")
        self.weight, self.ignore_index, self.label_smoothing = weight, ignore_index, label_smoothing

    def construct(self, logits, labels):
        return ops.cross_entropy(logits, labels, self.weight, self.ignore_index, self.reduction,
                                 self.label_smoothing)


class BCEWithLogitsLoss(LossBase):
    """The binary cross entropy of sigmoid(logits) with labels (probabilities, the logits' shape),
    weighed by `weight` and its positive part by `pos_weight` (Tensors or None); reduced."""

    def __init__(self, reduction="mean", weight=None, pos_weight=None):
        super().__init__(reduction)
        for name, value in [("weight", weight), ("pos_weight", pos_weight)]:
            if isinstance(value, Parameter):
                raise TypeError(f"For 'BCEWithLogitsLoss', the '{name}' can not be a Parameter.")
        self.weight, self.pos_weight = weight, pos_weight

    def construct(self, logits, labels):
        return ops.binary_cross_entropy_with_logits(logits, labels, self.weight, self.pos_weight, self.reduction)
