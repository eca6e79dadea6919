"""Normalization layers, as MindSpore spells them: `nn.BatchNorm1d`, `nn.BatchNorm2d`, `nn.LayerNorm`.

BatchNorm's moving statistics: as MindSpore's BatchNorm primitive does, a training forward pass
updates moving_mean and moving_variance in place, eagerly and in the code msgrad generates for
gradients alike (the update_moving_statistics primitive)."""
import numpy as np

from .. import dtype as mstype, ops
from ..common.initializer import initializer
from ..primitives.nn import standardize
from ..tensor import Parameter
from .cell import Cell


class _BatchNorm(Cell):
    """Batch normalization over the channel axis 1: (x - mean) / sqrt(var + eps) * gamma + beta,
    with the batch's statistics in training (`set_train()`) and the moving ones otherwise
    (`use_batch_statistics` True or False overrides the mode). The moving statistics follow
    moving = momentum * moving + (1 - momentum) * batch, the variance unbiased."""

    def __init__(self, num_features, eps=1e-5, momentum=0.9, affine=True, gamma_init="ones", beta_init="zeros",
                 moving_mean_init="zeros", moving_var_init="ones", use_batch_statistics=None, data_format="NCHW",
                 dtype=mstype.float32):
        super().__init__()
        name = type(self).__name__
        if not isinstance(num_features, int) or isinstance(num_features, bool):
            raise TypeError(f"For '{name}', the type of 'num_features' must be int, but got "
                            f"{type(num_features).__name__}.")
        if num_features < 1:
            raise ValueError(f"For '{name}', the 'num_features' must be at least 1, but got {num_features}.")
        if not 0 <= momentum <= 1:
            raise ValueError(f"For '{name}', the 'momentum' must be a number in range [0, 1], but got {momentum}.")
        if use_batch_statistics is not None and not isinstance(use_batch_statistics, bool):
            raise ValueError(f"For '{name}', the 'use_batch_statistics' must be a boolean value or None, but got "
                             f"{use_batch_statistics}.")
        if data_format != "NCHW":
            raise ValueError(f"For '{name}', msgrad supports data_format 'NCHW' only, but got {data_format!r}.")
        self.num_features, self.eps, self.use_batch_statistics = num_features, eps, use_batch_statistics
        self.moving_mean = Parameter(initializer(moving_mean_init, num_features, dtype=dtype), name="mean",
                                     requires_grad=False)
        self.moving_variance = Parameter(initializer(moving_var_init, num_features, dtype=dtype), name="variance",
                                         requires_grad=False)
        self.gamma = Parameter(initializer(gamma_init, num_features, dtype=dtype), name="gamma", requires_grad=affine)
        self.beta = Parameter(initializer(beta_init, num_features, dtype=dtype), name="beta", requires_grad=affine)
        self.momentum = 1.0 - momentum       # as MindSpore keeps it: the weight of each new batch

    def construct(self, x):
        if self.use_batch_statistics is None:
            training = self.training
        else:
            training = self.use_batch_statistics
        return ops.batch_norm(x, self.moving_mean, self.moving_variance, self.gamma, self.beta, training,
                              self.momentum, self.eps)

    def __call__(self, x):
        self._check_input_dim(np.ndim(x))
        return super().__call__(x)


class BatchNorm1d(_BatchNorm):
    """Batch normalization of x (N, C) or (N, C, L) per channel C."""

    def _check_input_dim(self, ndim):
        if ndim not in (2, 3):
            raise ValueError(f"For 'BatchNorm1d', the must have 2 dims or 3 dims, but got {ndim}.")


class BatchNorm2d(_BatchNorm):
    """Batch normalization of x (N, C, H, W) per channel C."""

    def _check_input_dim(self, ndim):
        if ndim != 4:
            raise ValueError(f"For 'BatchNorm2d', the in_shape must have 4 dims, but got {ndim}.")


class LayerNorm(Cell):
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, the statistics over the axes from
    begin_norm_axis on, gamma and beta (of `normalized_shape`) applied to the axes from
    begin_params_axis on. Either axis may be negative, counting from the end."""

    def __init__(self, normalized_shape, begin_norm_axis=-1, begin_params_axis=-1, gamma_init="ones",
                 beta_init="zeros", epsilon=1e-7, dtype=mstype.float32):
        super().__init__()
        if not isinstance(normalized_shape, (tuple, list)):
            raise TypeError(f"For 'LayerNorm', the type of 'normalized_shape' must be tuple[int] or list[int], but "
                            f"got {normalized_shape} and the type is {type(normalized_shape)}.")
        if not normalized_shape:
            raise ValueError(f"Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one "
                             f"element, but got normalized_shape = {normalized_shape}")
        if begin_params_axis < 0 and -begin_params_axis != len(normalized_shape):
            raise ValueError(f"For 'LayerNorm', 'normalized_shape' {tuple(normalized_shape)} must be the shape of the "
                             f"input's axes from begin_params_axis {begin_params_axis} on.")
        self.normalized_shape = tuple(normalized_shape)
        self.begin_norm_axis, self.begin_params_axis, self.epsilon = begin_norm_axis, begin_params_axis, epsilon
        self.gamma = Parameter(initializer(gamma_init, normalized_shape, dtype=dtype), name="gamma")
        self.beta = Parameter(initializer(beta_init, normalized_shape, dtype=dtype), name="beta")

    def construct(self, input_x):
        y = standardize(input_x, begin_axis=self.begin_norm_axis, eps=self.epsilon)
        return y * self.gamma + self.beta
