"""msgrad.ops: functional operations, primitive classes, GradOperation and stop_gradient."""
from ..errors import GradError, GradTypeError, GradValueError, MsgradError
from .functional import (add, sub, mul, div, neg, negative, maximum, minimum, exp, log, sin, cos,
                         tanh, sqrt, matmul, stop_gradient, pow, dot, sum, mean, reshape, transpose)
from .functional import (  # elementwise math, comparisons, reductions, products, shapes, casting
    abs, absolute, square, rsqrt, reciprocal, log1p, expm1, erf, exp2, log2, log10, tan, sinh, cosh,
    asin, arcsin, acos, arccos, atan, arctan, asinh, arcsinh, acosh, arccosh, atanh, arctanh, atan2,
    arctan2, remainder, floor_mod, where, select, sign, floor, ceil, round, floor_divide, floor_div,
    clamp, clip, clip_by_value, cast, greater, gt, greater_equal, ge, less, lt, less_equal, le, equal,
    eq, not_equal, ne, logical_and, logical_or, logical_not, prod, max, min, amax, amin, reduce_max,
    reduce_min, argmax, argmin, logsumexp, cumsum, var, std, norm, bmm, outer, inner, tensor_dot,
    einsum, permute, expand_dims, unsqueeze, squeeze, flatten, concat, cat, stack, split, tile,
    broadcast_to, gather, gather_elements, gather_d, zeros_like, ones_like, zeros, ones, one_hot, shape, rank,
    xlogy, hypot, logaddexp, lerp, addcmul, addcdiv, sinc, deg2rad, rad2deg, flip, roll, tril, triu,
    diagonal, trace, repeat_interleave)
from .grad_operation import GradFunction, GradOperation, grad, value_and_grad
from .transforms import jacfwd, jacrev, jvp, vjp
from .operations import (Primitive, Exp, Log, Sin, Cos, Tanh, Sqrt, Neg, Add, Sub, Mul, Div, RealDiv,
                         Pow, Maximum, Minimum, StopGradient, MatMul, BatchMatMul, ReduceSum,
                         ReduceMean, Reshape, Transpose, Abs, Square, Rsqrt, Reciprocal, Log1p,
                         Expm1, Erf, Tan, Sinh, Cosh, Asin, ACos, Atan, Asinh, Acosh, Atanh, Atan2,
                         FloorMod, Select, Sign, Floor, Ceil, FloorDiv, Round, Cast, Greater,
                         GreaterEqual, Less, LessEqual, Equal, NotEqual, LogicalAnd, LogicalOr,
                         LogicalNot, ZerosLike, OnesLike, ReduceProd, ReduceMax, ReduceMin, Argmax,
                         Argmin, ArgMaxWithValue, ArgMinWithValue, CumSum, ExpandDims, Squeeze,
                         Flatten, Concat, Stack, Split, Tile, BroadcastTo, Gather, GatherD, OneHot,
                         Einsum)
from .nn_ops import (  # neural networks: activations, dropout, convolution, pooling, normalization, losses
    relu, relu6, leaky_relu, elu, gelu, sigmoid, softplus, softmax, log_softmax, dropout, conv2d, bias_add,
    max_pool2d, avg_pool2d, adaptive_avg_pool2d, layer_norm, batch_norm, cross_entropy, mse_loss, l1_loss,
    binary_cross_entropy_with_logits, ReLU, ReLU6, Sigmoid, GeLU, Softplus, Elu, Softmax, LogSoftmax,
    BiasAdd, L2Normalize, Dropout, Conv2D, MaxPool, AvgPool, SoftmaxCrossEntropyWithLogits,
    SparseSoftmaxCrossEntropyWithLogits, silu, mish, selu, celu, hardtanh, hardsigmoid, hardswish,
    softsign, logsigmoid, tanhshrink, softshrink, hardshrink)
