"""The one table of primitives. Each family module adds its entries; `TABLE` holds them all."""
from .core import TABLE, Primitive, Symbol, entry_point, reaches, tracing
from .elementwise import (add, subtract, multiply, divide, power, negative, maximum, minimum,
                          exp, log, sin, cos, tanh, sqrt, abs, square, rsqrt, reciprocal, log1p,
                          expm1, exp2, log2, log10, erf, tan, sinh, cosh, arcsin, arccos, arctan,
                          arcsinh, arccosh, arctanh, arctan2, mod, clip, where, cast, cast_like, sign, floor,
                          ceil, round, floor_divide, xlogy, hypot, logaddexp, lerp, addcmul,
                          addcdiv, sinc, deg2rad, rad2deg)
from .comparisons import (greater, greater_equal, less, less_equal, equal, not_equal, logical_and,
                          logical_or, logical_not)
from .reductions import (reduce_sum, reduce_mean, reduce_prod, reduce_max, reduce_min, argmax, argmin,
                         extremum_and_index, logsumexp, cumsum, var, std, norm)
from .linalg import matmul, matmul_transposed, tensordot, einsum, einsum_operands
from .shape import (reshape, transpose, swapaxes, expand_dims, squeeze, flatten, broadcast_to, broadcast_like,
                    tile, concatenate, split_piece, gather, take_along_axis, concat, stack, split, flip,
                    roll, tril, triu, diagonal, trace, repeat_interleave, reshape_like, piece_like, pad_like)
from .creation import zeros_like, ones_like, eye, eye_like, one_hot
from .nn import (relu, relu6, leaky_relu, elu, gelu, sigmoid, softplus, softmax, log_softmax,  # noqa: F401
                 dropout_mask, dropout, conv2d, bias_add, max_pool2d, max_pool2d_indices, avg_pool2d,
                 adaptive_avg_pool2d, standardize, update_moving_statistics, batch_norm_train, batch_norm_eval, cross_entropy,
                 sparse_softmax_cross_entropy_grad, silu, mish, selu, celu, hardtanh, hardsigmoid,
                 hardswish, softsign, logsigmoid, tanhshrink, softshrink, hardshrink)
from .control import stop_gradient, identity, length, shape_of, ndim_of, size_of, dtype_of
from .indexing import getitem, index
from .gradients import (unbroadcast, unreduce, unindex, unindex_at, untake, untake_along_axis,  # noqa: F401
                        untile, unsplit, undiagonal, unrepeat, matmul_grad_x, matmul_grad_y, tensordot_grad_x,
                        tensordot_grad_y, product_of_others, group_rows, ungroup_rows, identity_mask,
                        unreduce_to_extrema, var_grad, gelu_derivative, softmax_grad, standardize_grad,
                        channel_axes, channels, sum_to_channels, batch_standardize, conv2d_grad_input,
                        conv2d_grad_weight, max_pool2d_grad, at_window_maxima, avg_pool2d_grad,
                        adaptive_avg_pool2d_grad, axes_from,
                        class_log_probabilities, sample_sums, along_samples, class_probabilities,
                        probability_gradient, class_counts, mean_divisor)
from . import numpy_names  # noqa: F401  (registers np.sum, np.mean, ... as entry points)
