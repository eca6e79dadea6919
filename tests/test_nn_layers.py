"""nn layers, losses and initializers (msgrad/nn/, msgrad/common/initializer.py), each layer used
inside a user Cell's construct as MindSpore users write it:

- forward values against the numbers MindSpore 2.10 printed for the same layer, inputs and
  weights (float32; the weights are set from `values`, in parameter order);
- gradients of the input and every trainable parameter against central finite differences in
  float64, and the generated forward code against eager execution;
- parameter names and order, training mode, dropout, BatchNorm's moving statistics, the
  initializers' distributions and seeds, argument errors, and the example program.

MindSpore's own gradients for every case were compared too, while writing these tests: they
agree except where MindSpore gives zeros for the labels of SoftmaxCrossEntropyWithLogits and
wrong slopes for SeLU's negative inputs (msgrad's are the mathematical ones), and where
MindSpore's float32 tanh is approximate."""
import importlib.util
import linecache
import math
import pathlib
import re

import numpy as np
import pytest

import msgrad as ms
from msgrad import Parameter, Tensor, nn, ops
from msgrad.common import initializer as init

from gradcheck import check_gradients, compiled_forward, load_module

ROOT = pathlib.Path(__file__).resolve().parents[1]


def values(shape, seed=0.3, scale=2.0):
    """Deterministic, distinct float32 values in (-scale, scale)."""
    n = int(np.prod(shape))
    return (np.sin(np.arange(n) * 1.7 + seed) * scale).reshape(shape).astype(np.float32)


def probabilities(shape, seed):
    e = np.exp(values(shape, seed))
    return (e / e.sum(-1, keepdims=True)).astype(np.float32)


ACT = values((2, 4), 0.7, 4.0)
IDS = np.array([[1, 4], [1, 0]], np.int32)
LABELS = np.array([1, 2, 0, 2], np.int32)

# name -> (the layer as the user creates it, inputs)
LAYERS = {
    "dense": ("nn.Dense(3, 4)", [values((2, 3))]),
    "dense_1d": ("nn.Dense(3, 2)", [values((3,))]),
    "dense_relu_3d": ("nn.Dense(3, 4, has_bias=False, activation='relu')", [values((2, 2, 3))]),
    "dense_tanh_cell": ("nn.Dense(3, 2, activation=nn.Tanh())", [values((2, 3))]),
    "conv": ("nn.Conv2d(2, 3, 2, has_bias=True)", [values((1, 2, 3, 3))]),
    "conv_valid_stride": ("nn.Conv2d(2, 2, 3, stride=2, pad_mode='valid')", [values((1, 2, 5, 5))]),
    "conv_pad": ("nn.Conv2d(2, 2, (2, 3), pad_mode='pad', padding=(1, 0, 2, 1), has_bias=True)",
                 [values((1, 2, 3, 3))]),
    "conv_group_dilated": ("nn.Conv2d(2, 4, 2, dilation=2, group=2)", [values((1, 2, 4, 4))]),
    "conv1d": ("nn.Conv1d(2, 3, 3, has_bias=True)", [values((2, 2, 6))]),
    "conv1d_pad_stride_group": ("nn.Conv1d(2, 4, 3, stride=2, pad_mode='pad', padding=1, group=2)",
                                [values((1, 2, 7))]),
    "conv1d_valid_dilated": ("nn.Conv1d(2, 2, 2, pad_mode='valid', dilation=2, has_bias=True)", [values((1, 2, 6))]),
    "maxpool1d": ("nn.MaxPool1d(2, 2)", [values((2, 3, 6))]),
    "maxpool1d_same": ("nn.MaxPool1d(3, 2, 'same')", [values((1, 2, 7))]),
    "maxpool1d_pad_unbatched": ("nn.MaxPool1d(3, 2, 'pad', padding=1)", [values((2, 7))]),
    "maxpool1d_pad_ceil": ("nn.MaxPool1d(2, 2, 'pad', ceil_mode=True)", [values((1, 2, 7))]),
    "avgpool1d": ("nn.AvgPool1d(2, 2)", [values((2, 3, 6))]),
    "avgpool1d_same": ("nn.AvgPool1d(3, 2, 'same')", [values((1, 2, 7))]),
    "avgpool1d_pad": ("nn.AvgPool1d(3, 2, 'pad', padding=1, count_include_pad=False)", [values((1, 2, 7))]),
    "avgpool1d_unbatched": ("nn.AvgPool1d(3, 1)", [values((2, 6))]),
    "maxpool": ("nn.MaxPool2d(2, 2)", [values((1, 2, 4, 4))]),
    "maxpool_same": ("nn.MaxPool2d(3, 2, 'same')", [values((1, 1, 5, 5))]),
    "maxpool_pad": ("nn.MaxPool2d(3, 2, 'pad', padding=1)", [values((1, 1, 5, 5))]),
    "maxpool_pad_ceil": ("nn.MaxPool2d(2, 2, 'pad', ceil_mode=True)", [values((1, 1, 5, 5))]),
    "avgpool": ("nn.AvgPool2d(2, 2)", [values((1, 2, 4, 4))]),
    "avgpool_same": ("nn.AvgPool2d(3, 2, 'same')", [values((1, 1, 5, 5))]),
    "avgpool_pad": ("nn.AvgPool2d(3, 2, 'pad', padding=1, count_include_pad=False)", [values((1, 1, 5, 5))]),
    "maxpool_unbatched": ("nn.MaxPool2d(2, 2)", [values((2, 4, 4))]),
    "maxpool_pad_unbatched": ("nn.MaxPool2d(3, 2, 'pad', padding=1)", [values((1, 5, 5))]),
    "avgpool_unbatched": ("nn.AvgPool2d(2, 2)", [values((2, 4, 4))]),
    "avgpool_same_unbatched": ("nn.AvgPool2d(3, 2, 'same')", [values((1, 5, 5))]),
    "avgpool_pad_ceil_unbatched": ("nn.AvgPool2d(3, 2, 'pad', padding=1, ceil_mode=True)", [values((1, 5, 5))]),
    "adaptive_avgpool_1": ("nn.AdaptiveAvgPool2d(1)", [values((2, 3, 4, 4))]),
    "adaptive_avgpool_uneven": ("nn.AdaptiveAvgPool2d((3, 4))", [values((1, 2, 5, 7))]),
    "adaptive_avgpool_none_unbatched": ("nn.AdaptiveAvgPool2d((2, None))", [values((2, 5, 3))]),
    "adaptive_avgpool_upsample": ("nn.AdaptiveAvgPool2d((4, 3))", [values((1, 1, 3, 2))]),
    "flatten": ("nn.Flatten()", [values((2, 2, 3))]),
    "relu": ("nn.ReLU()", [ACT]),
    "sigmoid": ("nn.Sigmoid()", [ACT]),
    "tanh": ("nn.Tanh()", [ACT]),
    "softmax": ("nn.Softmax()", [ACT]),
    "softmax_axis0": ("nn.Softmax(axis=0)", [ACT]),
    "logsoftmax": ("nn.LogSoftmax()", [ACT]),
    "gelu": ("nn.GELU()", [ACT]),
    "gelu_exact": ("nn.GELU(approximate=False)", [ACT]),
    "leaky_relu": ("nn.LeakyReLU(0.1)", [ACT]),
    "elu": ("nn.ELU()", [ACT]),
    "relu6": ("nn.ReLU6()", [values((2, 4), 0.7, 7.0)]),
    "silu": ("nn.SiLU()", [ACT]),
    "softmin": ("nn.Softmin()", [ACT]),
    "mish": ("nn.Mish()", [ACT]),
    "selu": ("nn.SeLU()", [ACT]),
    "celu": ("nn.CELU(0.5)", [ACT]),
    "hardtanh": ("nn.Hardtanh(-2.0, 3.0)", [ACT]),
    "hsigmoid": ("nn.HSigmoid()", [ACT]),
    "hswish": ("nn.HSwish()", [ACT]),
    "logsigmoid": ("nn.LogSigmoid()", [ACT]),
    "softsign": ("nn.Softsign()", [ACT]),
    "tanhshrink": ("nn.Tanhshrink()", [ACT]),
    "softshrink": ("nn.SoftShrink(1.0)", [ACT]),
    "hshrink": ("nn.HShrink(1.0)", [ACT]),
    "identity": ("nn.Identity()", [ACT]),
    "dense_hswish": ("nn.Dense(3, 4, activation='hswish')", [values((2, 3))]),
    "dropout_eval": ("nn.Dropout(p=0.5)", [ACT]),
    "batchnorm1d_eval": ("nn.BatchNorm1d(3)", [values((4, 3))]),
    "batchnorm2d_eval": ("nn.BatchNorm2d(3)", [values((2, 3, 2, 2))]),
    "batchnorm1d_train": ("nn.BatchNorm1d(3).set_train()", [values((4, 3))]),
    "batchnorm2d_train": ("nn.BatchNorm2d(3, eps=0.1).set_train()", [values((2, 3, 2, 2))]),
    "batchnorm2d_batch_stats": ("nn.BatchNorm2d(3, use_batch_statistics=True)", [values((2, 3, 2, 2))]),
    "layernorm": ("nn.LayerNorm((4,))", [values((2, 4))]),
    "layernorm_2axes": ("nn.LayerNorm((3, 4), begin_norm_axis=1, begin_params_axis=1, epsilon=1e-5)",
                        [values((2, 3, 4))]),
    "layernorm_3d_last": ("nn.LayerNorm((4,))", [values((2, 3, 4))]),
    "layernorm_from_axis1": ("nn.LayerNorm((4,), begin_norm_axis=1)", [values((2, 3, 4))]),
    "layernorm_from_axis1_2d": ("nn.LayerNorm((4,), begin_norm_axis=1)", [values((2, 4))]),
    "layernorm_from_axis0": ("nn.LayerNorm((4,), begin_norm_axis=0)", [values((2, 3, 4))]),
    "layernorm_last_params_axis1": ("nn.LayerNorm((3, 4), begin_params_axis=1)", [values((2, 3, 4))]),
    "layernorm_from_axis2_params_axis1": ("nn.LayerNorm((3, 4), begin_norm_axis=2, begin_params_axis=1)",
                                          [values((2, 3, 4))]),
    "embedding": ("nn.Embedding(5, 3)", [IDS]),
    "embedding_one_hot": ("nn.Embedding(5, 3, use_one_hot=True)", [IDS]),
    "sequential": ("nn.SequentialCell([nn.Dense(3, 4), nn.ReLU(), nn.Dense(4, 2)])", [values((2, 3))]),
}
LOSSES = {
    "mse": ("nn.MSELoss()", [values((2, 3)), values((2, 3), 1.0)]),
    "mse_none": ("nn.MSELoss(reduction='none')", [values((2, 3)), values((2, 3), 1.0)]),
    "l1": ("nn.L1Loss()", [values((2, 3)), values((2, 3), 1.0)]),
    "l1_sum": ("nn.L1Loss('sum')", [values((2, 3)), values((2, 3), 1.0)]),
    "sce": ("nn.SoftmaxCrossEntropyWithLogits()", [values((4, 3)), probabilities((4, 3), 2.0)]),
    "sce_mean": ("nn.SoftmaxCrossEntropyWithLogits(reduction='mean')", [values((4, 3)), probabilities((4, 3), 2.0)]),
    "sce_sparse": ("nn.SoftmaxCrossEntropyWithLogits(sparse=True)", [values((4, 3)), LABELS]),
    "sce_sparse_mean": ("nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction='mean')", [values((4, 3)), LABELS]),
    "sce_sparse_sum": ("nn.SoftmaxCrossEntropyWithLogits(sparse=True, reduction='sum')", [values((4, 3)), LABELS]),
    "cross_entropy": ("nn.CrossEntropyLoss()", [values((4, 3)), LABELS]),
    "cross_entropy_options": ("nn.CrossEntropyLoss(weight=Tensor(np.array([0.5, 1.0, 2.0], np.float32)), "
                              "ignore_index=0, label_smoothing=0.2)", [values((4, 3)), LABELS]),
    "cross_entropy_sum": ("nn.CrossEntropyLoss(reduction='sum')", [values((4, 3)), LABELS]),
    "cross_entropy_none": ("nn.CrossEntropyLoss(reduction='none')", [values((4, 3)), LABELS]),
    "cross_entropy_probabilities": ("nn.CrossEntropyLoss(label_smoothing=0.1)",
                                    [values((4, 3)), probabilities((4, 3), 2.0)]),
    "bce_with_logits": ("nn.BCEWithLogitsLoss()", [values((2, 3)), probabilities((2, 3), 1.0)]),
    "bce_with_logits_weights": ("nn.BCEWithLogitsLoss('sum', Tensor(np.array([1.0, 2.0, 0.5], np.float32)), "
                                "Tensor(np.array([3.0, 1.0, 0.5], np.float32)))",
                                [values((2, 3)), probabilities((2, 3), 1.0)]),
    "smooth_l1": ("nn.SmoothL1Loss()", [values((2, 3)), values((2, 3), 1.0)]),
    "smooth_l1_mean_beta": ("nn.SmoothL1Loss(beta=2.0, reduction='mean')", [values((2, 3)), values((2, 3), 1.0)]),
    "huber": ("nn.HuberLoss()", [values((2, 3)), values((2, 3), 1.0)]),
    "huber_none_delta": ("nn.HuberLoss('none', 0.5)", [values((2, 3)), values((2, 3), 1.0)]),
}
CASES = {**LAYERS, **LOSSES}

# name -> (shape, values) of what MindSpore 2.10 computed (PyNative, CPU, float32)
MINDSPORE = {
    "dense": ((2, 4), [6.384516, 2.51616, -3.40828, -3.526051, -1.762688, 2.239202, 4.529556, 2.751557]),
    "dense_1d": ((2,), [6.384516, 2.51616]),
    "dense_relu_3d": ((2, 2, 4), [
        4.565921, 3.575832, 0, 0, 0, 3.298875, 6.075085, 1.293619, 0, 0, 6.455245, 5.961907, 0, 0, 0,
        3.213318]),
    "dense_tanh_cell": ((2, 2), [1, 0.9870374, -0.9428024, 0.9775519]),
    "conv": ((1, 3, 3, 3), [
        3.223646, -2.833569, 1.770737, 6.523904, 0.8123282, -0.2127877, 0.5067807, 5.307578, 1.898829,
        3.488112, -2.663728, -3.257054, 1.609782, 2.386877, -2.756346, -4.532865, -0.09167409, 0.6380761,
        1.703659, 1.465031, -3.746489, -3.518897, 2.987963, -1.250536, -3.788208, -4.043855, 0.1117258]),
    "conv_valid_stride": ((1, 2, 2, 2), [
        10.86414, -9.566907, 0.5339737, -3.443006, 5.453115, -4.881648, -0.03168201, -1.4165]),
    "conv_pad": ((1, 2, 3, 4), [
        2.053699, -0.6036872, 8.607744, 0.8212601, 4.201196, -11.96269, 4.955401, 13.35761, 10.32502,
        -5.60392, -16.08743, 10.6872, -1.949122, -7.024263, -0.05265105, 6.094869, 4.050446, -2.918273,
        -18.67037, 4.854647, 3.487647, 9.746557, -15.3647, -10.61573]),
    "conv_group_dilated": ((1, 4, 4, 4), [
        -0.4261999, -2.133763, -1.96541, 3.348481, 1.475947, -2.88245, 1.220171, 2.022183, 1.289606,
        -2.083075, 2.418709, 0.3076358, 0.184207, 1.56253, 0.6189043, -3.365125, 0.7661817, -4.007473,
        -2.760195, 3.445514, -0.1321926, -3.777045, 3.638472, 1.79957, -0.6965861, -1.713307, 4.811667,
        -0.1503503, -0.03239123, 4.182903, 0.385333, -3.993273, -2.981579, -0.7623827, 5.960144,
        -0.002667978, -0.9986777, 5.861917, 0.2517793, -3.252359, 0.3576554, 5.598118, -2.718065, -2.579063,
        2.065862, -2.022384, -5.093637, 1.771276, -3.885225, -0.3292735, 5.180127, -0.001160413, -0.7644026,
        5.598994, -0.7624408, -1.746373, 1.132538, 4.847301, -3.403707, -1.121143, 3.313907, -2.343642,
        -4.9204, 1.103228]),
    "conv1d": ((2, 3, 6), [
        -4.543337, 5.302486, 11.02588, -4.037912, -5.879529, 6.599268, 4.147573, 3.039484, -9.87729, -2.886626,
        8.22873, -1.367169, -2.62231, -10.88519, 1.843432, 6.920838, -7.116179, -5.886934, 2.726069, 11.6248,
        -2.702507, -6.822574, 8.566431, 6.765988, 3.042673, -9.333659, -4.226459, 8.030359, -0.2352866,
        -7.825578, -8.313332, 0.4679116, 7.499427, -5.889756, -9.471026, 3.172386]),
    "conv1d_pad_stride_group": ((1, 4, 4), [
        -2.95596, 5.096282, -3.581283, 0.4649062, 0.9070201, -2.54652, 3.298875, -3.939857, 3.009731, -7.244284,
        7.552275, -4.285315, 3.998243, -5.499026, 4.67099, -0.9512568]),
    "conv1d_valid_dilated": ((1, 2, 4), [
        4.547745, 4.843181, -1.689957, -0.3018757, 4.998702, 4.348742, -8.511735, -4.547772]),
    "maxpool1d": ((2, 3, 3), [
        1.818595, -1.059672, 1.457938, -0.7164586, 1.944015, 0.2997544, 1.922305, 1.23767, 1.39848, 1.8523,
        0.5093647, 1.9831, -0.5127993, 1.595904, -1.234877, 1.719232, -0.2962415, 1.999621]),
    "maxpool1d_same": ((1, 2, 4), [
        1.818595, 1.818595, 1.457938, 1.169834, 1.944015, 1.944015, 1.922305, 1.922305]),
    "maxpool1d_pad_unbatched": ((2, 4), [
        1.818595, 1.818595, 1.457938, 1.169834, 1.944015, 1.944015, 1.922305, 1.922305]),
    "maxpool1d_pad_ceil": ((1, 2, 4), [
        1.818595, -1.059672, 1.457938, -1.759392, 1.944015, 0.2155073, 1.922305, -0.7951114]),
    "avgpool1d": ((2, 3, 3), [
        1.204818, -1.302601, 1.313886, -1.237925, 1.079761, -0.8498973, 0.5635971, -0.239872, -0.09978145,
        0.432809, -0.7370965, 0.9924381, -1.181878, 1.292837, -1.317948, 1.255541, -1.109762, 0.8902911]),
    "avgpool1d_same": ((1, 2, 4), [
        1.204818, -0.2622021, 0.3607478, -0.2947786, 0.6137782, 0.05332446, 0.07417031, 0.5635971]),
    "avgpool1d_pad": ((1, 2, 4), [
        1.204818, -0.2622021, 0.3607478, -0.2947786, 0.6137782, 0.05332446, 0.07417031, 0.5635971]),
    "avgpool1d_unbatched": ((2, 4), [
        0.4499877, -0.2622021, -0.382421, 0.3607478, -0.1772784, 0.4810213, 0.05332446, -0.4947624]),
    "maxpool": ((1, 2, 2, 2), [
        1.818595, -0.7164586, 1.944015, 1.23767, 1.39848, 1.9831, -0.5127993, 1.719232]),
    "maxpool_same": ((1, 1, 3, 3), [
        1.818595, 1.944015, 1.944015, 1.39848, 1.944015, 1.944015, 1.39848, 1.9831, 1.9831]),
    "maxpool_pad": ((1, 1, 3, 3), [
        1.818595, 1.944015, 1.944015, 1.39848, 1.944015, 1.944015, 1.39848, 1.9831, 1.9831]),
    "maxpool_pad_ceil": ((1, 1, 3, 3), [
        1.818595, 1.944015, 1.457938, 1.39848, 1.922305, 1.8523, 0.5093647, 1.9831, -0.5127993]),
    "avgpool": ((1, 2, 2, 2), [
        1.259352, -1.270263, 0.8216791, -0.5448847, -0.418439, 0.7126236, -1.249913, 1.274189]),
    "avgpool_same": ((1, 1, 3, 3), [
        0.4550195, -0.2197403, 0.5179828, 0.05779974, -0.03234795, 0.08543581, 0.2904893, -0.1974878,
        0.5839797]),
    "avgpool_pad": ((1, 1, 3, 3), [
        0.4550195, -0.2197403, 0.5179828, 0.05779974, -0.03234795, 0.08543581, 0.2904893, -0.1974878,
        0.5839797]),
    "maxpool_unbatched": ((2, 2, 2), [
        1.818595, -0.7164586, 1.944015, 1.23767, 1.39848, 1.9831, -0.5127993, 1.719232]),
    "maxpool_pad_unbatched": ((1, 3, 3), [
        1.818595, 1.944015, 1.944015, 1.39848, 1.944015, 1.944015, 1.39848, 1.9831, 1.9831]),
    "avgpool_unbatched": ((2, 2, 2), [
        1.259352, -1.270263, 0.8216791, -0.5448847, -0.418439, 0.7126236, -1.249913, 1.274189]),
    "avgpool_same_unbatched": ((1, 3, 3), [
        0.4550195, -0.2197403, 0.5179828, 0.05779974, -0.03234795, 0.08543581, 0.2904893, -0.1974878,
        0.5839797]),
    "avgpool_pad_ceil_unbatched": ((1, 3, 3), [
        0.2022309, -0.1464935, 0.2302146, 0.03853316, -0.03234795, 0.0569572, 0.1291063, -0.1316585,
        0.2595465]),
    "adaptive_avgpool_1": ((2, 3, 1, 1), [0.06647089, 0.07961524, -0.1423152, 0.05595941, 0.08900629, -0.14075]),
    "adaptive_avgpool_uneven": ((1, 2, 3, 4), [
        0.9092979, -0.1044388, 0.2174591, 0.1344092, -0.2056615, 0.2966842, -0.2093222, 1.012422, -1.154419,
        0.4580469, -0.4669434, 1.072264, -0.7314072, 0.01634678, -0.135237, -0.3665072, 0.4124101, -0.3486933,
        0.275341, -1.089796, 1.222945, -0.4319429, 0.4634069, -0.9323853]),
    "adaptive_avgpool_none_unbatched": ((2, 2, 3), [
        -0.9046267, 0.8533581, 0.6847257, 0.1261404, -1.170373, 0.1754518, -0.5775232, 1.084185, 0.2981406,
        -0.3001509, -1.0834, 0.579331]),
    "adaptive_avgpool_upsample": ((1, 1, 4, 3), [
        0.5910404, 1.204818, 1.818595, -0.2343159, -0.0488915, 0.1365329, 0.1991329, 0.005642802, -0.1878473,
        1.457938, 1.313886, 1.169834]),
    "flatten": ((2, 6), [
        0.5910404, 1.818595, -1.059672, -1.545529, 1.457938, 1.169834, -1.759392, -0.7164586, 1.944015,
        0.2155073, -1.999549, 0.2997544]),
    "relu": ((2, 4), [2.576871, 2.701853, 0, 0, 3.752, 0.8915597, 0, 0.1344922]),
    "sigmoid": ((2, 4), [
        0.9293582, 0.9371359, 0.03650531, 0.1348886, 0.9770675, 0.709212, 0.01831148, 0.5335724]),
    "tanh": ((2, 4), [
        0.9885111, 0.9910409, -0.9971353, -0.9525315, 0.9989071, 0.7121632, -0.9993187, 0.1336871]),
    "softmax": ((2, 4), [
        0.4655797, 0.5275615, 0.001340848, 0.005517925, 0.9220577, 0.05278182, 0.0004036776, 0.02475677]),
    "softmax_axis0": ((2, 4), [
        0.2359291, 0.8593973, 0.6700998, 0.1199503, 0.7640709, 0.1406027, 0.3299002, 0.8800497]),
    "logsoftmax": ((2, 4), [
        -0.7644719, -0.6394898, -6.614451, -5.199751, -0.08114469, -2.941585, -7.814889, -3.698652]),
    "gelu": ((2, 4), [
        2.564486, 2.693011, -0.001444562, -0.05866412, 3.751782, 0.7253348, -7.665775e-05, 0.07444043]),
    "gelu_exact": ((2, 4), [
        2.564025, 2.692538, -0.00174081, -0.05864302, 3.751671, 0.7254492, -0.0001362277, 0.07444053]),
    "leaky_relu": ((2, 4), [
        2.576871, 2.701853, -0.3273109, -0.1858409, 3.752, 0.8915597, -0.3981745, 0.1344922]),
    "elu": ((2, 4), [2.576871, 2.701853, -0.9621116, -0.8440796, 3.752, 0.8915597, -0.981347, 0.1344922]),
    "relu6": ((2, 4), [4.509524, 4.728242, 0, 0, 6, 1.560229, 0, 0.2353613]),
    "silu": ((2, 4), [
        2.394836, 2.532003, -0.1194858, -0.2506782, 3.665957, 0.6323048, -0.07291164, 0.07176133]),
    "softmin": ((2, 4), [
        0.002306876, 0.00203585, 0.8010125, 0.1946448, 0.0004273764, 0.007465933, 0.9761893, 0.01591749]),
    "mish": ((2, 4), [2.55128, 2.680582, -0.1216652, -0.267409, 3.748055, 0.7525385, -0.07357906, 0.08642962]),
    "selu": ((2, 4), [2.707521, 2.83884, -1.691488, -1.483976, 3.94223, 0.9367626, -1.725305, 0.1413111]),
    "celu": ((2, 4), [2.576871, 2.701853, -0.4992822, -0.4878444, 3.752, 0.8915597, -0.499826, 0.1344922]),
    "hardtanh": ((2, 4), [2.576871, 2.701853, -2, -1.858409, 3, 0.8915597, -2, 0.1344922]),
    "hsigmoid": ((2, 4), [0.9294785, 0.9503088, 0, 0.1902652, 1, 0.6485932, 0, 0.5224153]),
    "hswish": ((2, 4), [2.395146, 2.567595, 0, -0.3535905, 3.752, 0.5782596, 0, 0.07026079]),
    "logsigmoid": ((2, 4), [
        -0.0732609, -0.06492692, -3.310297, -2.003305, -0.02319944, -0.3436006, -4.000226, -0.6281602]),
    "softsign": ((2, 4), [0.720426, 0.729865, -0.7659783, -0.650155, 0.7895623, 0.4713357, -0.7992672, 0.1185484]),
    "tanhshrink": ((2, 4), [
        1.58836, 1.710812, -2.275973, -0.9058772, 2.753093, 0.1793965, -2.982426, 0.0008050799]),
    "softshrink": ((2, 4), [1.576871, 1.701853, -2.273108, -0.8584087, 2.752, 0, -2.981745, 0]),
    "hshrink": ((2, 4), [2.576871, 2.701853, -3.273108, -1.858409, 3.752, 0, -3.981745, 0]),
    "identity": ((2, 4), [2.576871, 2.701853, -3.273108, -1.858409, 3.752, 0.8915597, -3.981745, 0.1344922]),
    "dense_hswish": ((2, 4), [6.384516, 2.313256, 0, 0, -0.3634992, 1.955273, 4.529556, 2.637623]),
    "dropout_eval": ((2, 4), [
        2.576871, 2.701853, -3.273108, -1.858409, 3.752, 0.8915597, -3.981745, 0.1344922]),
    "batchnorm1d_eval": ((4, 3), [
        -1.715995, -2.644781, 1.934895, -2.11202, -2.067254, 2.298261, -2.15166, 1.414655, 2.424438,
        -1.785602, 3.469295, 2.156455]),
    "batchnorm2d_eval": ((2, 3, 2, 2), [
        -1.715995, -1.488461, -2.021963, -2.11202, -2.067254, -1.605907, 3.084726, 1.414655, 2.424438,
        2.142725, 1.781714, 2.156455, -1.469238, -1.972926, -2.143879, -1.596138, -1.972042, 2.826355,
        1.84737, -2.698754, 2.190618, 1.78432, 2.107891, 2.430808]),
    "batchnorm1d_train": ((4, 3), [
        -1.183436, -3.238697, 1.45294, -1.763733, -2.779443, 1.918923, -1.821819, -0.01060438, 2.080732,
        -1.285432, 1.62326, 1.73707]),
    "batchnorm2d_train": ((2, 3, 2, 2), [
        -1.409342, -1.169912, -1.731307, -1.826072, -2.975985, -2.577603, 1.472854, 0.0307138, 2.091283,
        1.812605, 1.455482, 1.826187, -1.149684, -1.679706, -1.859597, -1.28322, -2.893768, 1.249745,
        0.4043716, -3.521298, 1.859982, 1.458061, 1.778146, 2.097584]),
    "batchnorm2d_batch_stats": ((2, 3, 2, 2), [
        -1.40676, -1.1614, -1.736699, -1.83381, -3.022465, -2.614205, 1.536681, 0.05878341, 2.098574,
        1.812981, 1.446998, 1.826901, -1.140671, -1.683819, -1.868166, -1.277514, -2.93821, 1.308041,
        0.4417061, -3.5813, 1.861534, 1.449641, 1.777668, 2.105032]),
    "layernorm": ((2, 4), [
        2.623636, 0.1335377, -0.1075331, 1.865526, 3.612643, -0.3333589, 1.022577, 1.664287]),
    "layernorm_2axes": ((2, 3, 4), [
        2.507459, 0.06214821, -0.01322961, 1.881489, 3.260989, -1.884915, 1.86838, 1.582083, 2.729354,
        -2.148036, 2.54759, 2.215451, 3.859483, -1.614244, 0.8917218, 1.18699, 2.875062, -1.579204,
        0.8111275, 2.706857, 0.6535838, -0.3667787, 0.454334, 3.807757]),
    "layernorm_3d_last": ((2, 3, 4), [
        2.623636, 0.1335377, -0.1075331, 1.865526, 3.612643, -0.3333589, 1.022577, 1.664287, 4.01442,
        -0.9983482, 1.325149, 1.409905, 3.827048, -1.614189, 0.8791074, 1.192236, 3.216183, -2.076368,
        -0.06608117, 1.043936, 2.271084, -2.33084, -1.376751, 0.9817736]),
    "layernorm_from_axis1": ((2, 3, 4), [
        2.507461, 0.06215107, -0.01322556, 1.88149, 3.580812, -0.3458235, 0.9665214, 1.659269, 4.182649,
        -0.9459546, 1.30279, 1.386887, 3.859488, -1.614246, 0.8917276, 1.186989, 3.255591, -2.084388,
        -0.06095934, 1.033595, 2.230567, -2.310119, -1.349655, 1.000951]),
    "layernorm_from_axis1_2d": ((2, 4), [
        2.623636, 0.1335377, -0.1075331, 1.865526, 3.612643, -0.3333589, 1.022577, 1.664287]),
    "layernorm_from_axis0": ((2, 3, 4), [
        2.411944, -0.01501513, 0.008999586, 1.880911, 3.445454, -0.4078464, 0.9523801, 1.666938, 4.024952,
        -0.9857015, 1.276167, 1.404666, 3.99907, -1.597642, 0.895785, 1.162602, 3.374569, -2.083825, -0.0894078,
        1.003974, 2.314571, -2.317259, -1.422074, 0.9702163]),
    "layernorm_last_params_axis1": ((2, 3, 4), [
        2.623636, 0.1335377, -0.1075331, 1.865526, 3.298767, -1.887108, 1.926066, 1.57306, 2.550472, -2.079623,
        2.565242, 2.120481, 3.827048, -1.614189, 0.8791074, 1.192236, 2.828302, -1.580614, 0.8058609, 2.688269,
        0.6966684, -0.3397186, 0.4329509, 3.886884]),
    "layernorm_from_axis2_params_axis1": ((2, 3, 4), [
        2.623636, 0.1335377, -0.1075331, 1.865526, 3.298767, -1.887108, 1.926066, 1.57306, 2.550472, -2.079623,
        2.565242, 2.120481, 3.827048, -1.614189, 0.8791074, 1.192236, 2.828302, -1.580614, 0.8058609, 2.688269,
        0.6966684, -0.3397186, 0.4329509, 3.886884]),
    "embedding": ((2, 2, 3), [
        -0.364325, 1.997087, -0.1503022, 1.11463, -1.790375, -0.6532702, -0.364325, 1.997087, -0.1503022,
        1.682942, 0.8547598, -1.903204]),
    "embedding_one_hot": ((2, 2, 3), [
        -0.364325, 1.997087, -0.1503022, 1.11463, -1.790375, -0.6532702, -0.364325, 1.997087, -0.1503022,
        1.682942, 0.8547598, -1.903204]),
    "sequential": ((2, 2), [-4.743572, -10.18651, 0.4015803, 4.319758]),
    "mse": ((), [1.043576]),
    "mse_none": ((2, 3), [1.192249, 0.928978, 0.7115462, 1.395243, 0.2906812, 1.742761]),
    "l1": ((), [0.9899597]),
    "l1_sum": ((), [5.939758]),
    "sce": ((4,), [1.516163, 2.271999, 2.430613, 1.077117]),
    "sce_mean": ((), [1.823973]),
    "sce_sparse": ((4,), [0.2995418, 0.8755006, 3.793754, 0.7028661]),
    "sce_sparse_mean": ((), [1.417916]),
    "sce_sparse_sum": ((), [5.671663]),
    "cross_entropy": ((), [1.417915]),
    "cross_entropy_options": ((), [0.7710571]),
    "cross_entropy_sum": ((), [5.671661]),
    "cross_entropy_none": ((4,), [0.2995416, 0.8755002, 3.793754, 0.7028662]),
    "cross_entropy_probabilities": ((), [1.81812]),
    "bce_with_logits": ((), [0.7460896]),
    "bce_with_logits_weights": ((), [6.403471]),
    "smooth_l1": ((2, 3), [0.5919015, 0.464489, 0.3557731, 0.681204, 0.1453406, 0.8201367]),
    "smooth_l1_mean_beta": ((), [0.2608941]),
    "huber": ((), [0.5098075]),
    "huber_none_delta": ((2, 3), [0.4209508, 0.3569175, 0.296766, 0.465602, 0.1445743, 0.5350683]),
}
# float32 rounding; and MindSpore's float32 tanh is an approximation, off by up to 1.5e-5 near saturation.
ATOL = {"tanh": 2e-5, "dense_tanh_cell": 2e-5}


def user_net(expr, n_inputs=1):
    """A user Cell, in a module of its own, whose construct calls the layer `expr`."""
    args = "x" if n_inputs == 1 else "logits, labels"
    attr = "layer" if n_inputs == 1 else "loss_fn"
    module = load_module(f'''
class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.{attr} = {expr}

    def construct(self, {args}):
        return self.{attr}({args})
''')
    return module.Net()


def set_parameters(net):
    """Every Parameter (trainable or not) set from `values`, in order, as for MindSpore."""
    for i, (name, param) in enumerate(net.parameters_and_names()):
        data = values(param.shape, seed=1.0 + i)
        if "variance" in name:
            data = np.abs(data) + np.float32(0.5)
        param.set_data(Tensor(data))
    return net


def to_float64(net):
    """The same net with float64 Parameters (set_data keeps a Parameter's dtype)."""
    for _, cell in net.cells_and_names():
        for attr, value in list(vars(cell).items()):
            if isinstance(value, Parameter):
                setattr(cell, attr, Parameter(value.asnumpy().astype(np.float64), name=value.name,
                                              requires_grad=value.requires_grad))
    return net


def make(name):
    expr, inputs = CASES[name]
    net = user_net(expr, len(inputs))
    if "set_train()" in expr:
        net.set_train()
    return set_parameters(net), inputs


@pytest.mark.parametrize("name", CASES)
def test_forward_matches_mindspore(name):
    net, inputs = make(name)
    out = net(*[Tensor(a) for a in inputs])
    shape, expected = MINDSPORE[name]
    assert out.shape == shape
    assert out.dtype == ms.float32
    np.testing.assert_allclose(out.asnumpy().ravel(), expected, rtol=1e-5, atol=ATOL.get(name, 5e-6))


@pytest.mark.parametrize("name", list(CASES))
def test_gradients_and_generated_forward(name):
    net, inputs = make(name)
    net = to_float64(net)
    check_gradients(net, inputs)
    tensors = [Tensor(np.asarray(a, np.float64) if a.dtype.kind == "f" else a) for a in inputs]
    np.testing.assert_allclose(compiled_forward(net, tensors)[0], net(*tensors).asnumpy(), rtol=1e-12, atol=1e-14)


def test_dense_computes_x_times_weight_transposed_plus_bias():
    net = user_net("nn.Dense(3, 2, weight_init=Tensor(np.arange(6.0).reshape(2, 3)), bias_init='ones')")
    assert net.layer.weight.shape == (2, 3) and net.layer.bias.shape == (2,)
    out = net(Tensor(np.array([[1.0, 2.0, 3.0]], np.float32)))
    np.testing.assert_array_equal(out.asnumpy(), [[9.0, 27.0]])


def test_max_pool_indices_as_mindspore():
    net = user_net("nn.MaxPool2d(3, 2, 'pad', padding=1, return_indices=True)")
    out, indices = net(Tensor(values((1, 1, 5, 5))))
    np.testing.assert_array_equal(indices.asnumpy(), [[[[1, 8, 8], [16, 8, 8], [16, 23, 23]]]])
    assert indices.dtype == ms.int64
    np.testing.assert_allclose(out.asnumpy().ravel(), MINDSPORE["maxpool_pad"][1], rtol=2e-6)


def test_max_pool_indices_of_an_unbatched_image_as_mindspore():
    net = user_net("nn.MaxPool2d(3, 2, 'pad', padding=1, return_indices=True)")
    out, indices = net(Tensor(values((1, 5, 5))))
    np.testing.assert_array_equal(indices.asnumpy(), [[[1, 8, 8], [16, 8, 8], [16, 23, 23]]])
    np.testing.assert_allclose(out.asnumpy().ravel(), MINDSPORE["maxpool_pad"][1], rtol=2e-6)
    np.testing.assert_array_equal(compiled_forward(net, [Tensor(values((1, 5, 5)))])[1], indices.asnumpy())


def test_adaptive_avg_pool_takes_3d_or_4d_input_as_mindspore():
    with pytest.raises(ValueError, match=re.escape("the input must be 3-D (C, H, W) or 4-D (N, C, H, W)")):
        nn.AdaptiveAvgPool2d(2)(Tensor(np.ones((4, 4), np.float32)))


@pytest.mark.parametrize("call, op", [
    ("ops.MaxPool(2, 2)(x)", "max_pool2d"), ("ops.max_pool2d(x, 2)", "max_pool2d"),
    ("ops.AvgPool(2, 2)(x)", "avg_pool2d"), ("ops.avg_pool2d(x, 2, 2)", "avg_pool2d"),
    ("ops.conv2d(x, WEIGHT)", "conv2d")])
def test_ops_reject_an_unbatched_image_as_mindspore(call, op):
    """MindSpore's layers nn.MaxPool2d and nn.AvgPool2d take one (C, H, W) image; its operations
    do not (a ValueError), and neither do msgrad's: eagerly, or naming the user's line."""
    module = load_module(f'''
WEIGHT = Tensor(np.ones((1, 2, 2, 2), np.float32))


class Net(nn.Cell):
    def construct(self, x):
        return {call}
''')
    x = Tensor(values((2, 4, 4)))
    message = f"For '{op}', the input must be 4-D (N, C, H, W), but got 3-D with shape (2, 4, 4)."
    with pytest.raises(ValueError, match=re.escape(message)):
        module.Net()(x)
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        ops.GradOperation()(module.Net())(x)
    where = caught.value.where
    assert where.filename == module.__file__ and call in linecache.getline(where.filename, where.line)


def test_max_pool_1d_indices_as_mindspore():
    net = user_net("nn.MaxPool1d(3, 2, 'pad', padding=1, return_indices=True)")
    out, indices = net(Tensor(values((2, 7))))
    np.testing.assert_array_equal(indices.asnumpy(), [[1, 1, 4, 5], [1, 1, 5, 5]])
    np.testing.assert_allclose(out.asnumpy().ravel(), MINDSPORE["maxpool1d_pad_unbatched"][1], rtol=2e-6)


def test_flatten_and_pooling_shapes():
    x = Tensor(np.zeros((2, 3, 7, 6), np.float32))
    assert nn.Flatten()(x).shape == (2, 126)
    assert nn.Flatten(0, 1)(x).shape == (6, 7, 6)
    assert nn.MaxPool2d()(x).shape == (2, 3, 7, 6)
    assert nn.MaxPool2d(2, 2)(x).shape == (2, 3, 3, 3)
    assert nn.AvgPool2d(3, 2, "same")(x).shape == (2, 3, 4, 3)
    assert nn.Conv2d(3, 5, 3)(x).shape == (2, 5, 7, 6)
    assert nn.Conv2d(3, 5, 3, pad_mode="valid", stride=2)(x).shape == (2, 5, 3, 2)
    assert nn.Conv1d(3, 5, 3).weight.shape == (5, 3, 1, 3)                     # as MindSpore keeps it
    assert nn.Conv1d(3, 5, 3, weight_init=Tensor(np.ones((5, 3, 3), np.float32))).weight.shape == (5, 3, 1, 3)


# -- parameters -------------------------------------------------------------------------------------
NAMES = load_module('''
class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.dense = nn.Dense(3, 4)
        self.conv = nn.Conv2d(2, 3, 3, has_bias=True)
        self.bn = nn.BatchNorm2d(3)
        self.bn1 = nn.BatchNorm1d(4)
        self.ln = nn.LayerNorm((4,))
        self.emb = nn.Embedding(5, 4)
        self.seq = nn.SequentialCell([nn.Dense(4, 2), nn.ReLU()])
''')


def test_parameter_names_and_order_as_mindspore():
    net = NAMES.Net()
    assert [p.name for p in net.trainable_params()] == [
        "dense.weight", "dense.bias", "conv.weight", "conv.bias", "bn.gamma", "bn.beta", "bn1.gamma", "bn1.beta",
        "ln.gamma", "ln.beta", "emb.embedding_table", "seq.0.weight", "seq.0.bias"]
    assert [p.name for p in net.untrainable_params()] == [
        "bn.moving_mean", "bn.moving_variance", "bn1.moving_mean", "bn1.moving_variance"]
    assert [n for n, _ in net.parameters_and_names()][4:8] == [
        "bn.moving_mean", "bn.moving_variance", "bn.gamma", "bn.beta"]
    assert all(p.dtype == ms.float32 for p in net.get_parameters())
    assert nn.BatchNorm2d(3).moving_mean.name == "mean"       # before it joins a network, as MindSpore
    assert (net.conv.weight.shape, net.emb.embedding_table.shape) == ((3, 2, 3, 3), (5, 4))


def test_layers_take_a_dtype():
    assert nn.Dense(2, 3, dtype=ms.float64).weight.dtype == ms.float64
    assert nn.Conv2d(1, 2, 3, has_bias=True, dtype=ms.float16).bias.dtype == ms.float16
    assert nn.BatchNorm1d(2, dtype=ms.float64).moving_variance.dtype == ms.float64
    assert nn.LayerNorm((2,), dtype=ms.float64).gamma.dtype == ms.float64


def test_affine_false_freezes_gamma_and_beta():
    bn = nn.BatchNorm1d(3, affine=False)
    assert bn.trainable_params() == []
    assert [p.name for p in bn.untrainable_params()] == ["mean", "variance", "gamma", "beta"]


def test_embedding_padding_idx_row_starts_at_zero():
    emb = nn.Embedding(4, 3, padding_idx=2)
    np.testing.assert_array_equal(emb.embedding_table.asnumpy()[2], 0)
    assert np.all(emb.embedding_table.asnumpy()[[0, 1, 3]] != 0)


# -- training mode, dropout, moving statistics ------------------------------------------------------
def test_cells_start_in_eval_mode_and_set_train_reaches_every_cell():
    net = NAMES.Net()
    assert not net.training and not net.bn.training and not net.seq[0].training
    assert net.set_train() is net
    assert net.training and net.bn.training and net.seq[0].training
    net.set_train(False)
    assert not net.seq[1].training


def test_dropout_is_the_identity_in_eval_mode():
    x = Tensor(values((3, 4)))
    np.testing.assert_array_equal(nn.Dropout(p=0.9)(x).asnumpy(), x.asnumpy())
    np.testing.assert_array_equal(nn.Dropout(p=0.0).set_train()(x).asnumpy(), x.asnumpy())


@pytest.mark.parametrize("expr, keep", [("nn.Dropout(p=0.25)", 0.75), ("nn.Dropout(keep_prob=0.8)", 0.8),
                                        ("nn.Dropout()", 0.5)])
def test_dropout_in_training_zeros_and_scales(expr, keep):
    net = user_net(expr).set_train()
    out = net(Tensor(np.ones((100, 100), np.float32))).asnumpy()
    assert out.dtype == np.float32
    assert set(np.unique(out)) == {0.0, np.float32(1 / keep)}          # MindSpore: {0.0, 1.33333}
    assert abs(np.mean(out != 0) - keep) < 0.02


def test_dropout_masks_follow_the_seed_in_eager_and_generated_code():
    net = user_net("nn.Dropout(p=0.5)").set_train()
    x = Tensor(np.arange(1.0, 13.0, dtype=np.float32).reshape(3, 4))
    ms.set_seed(7)
    first = net(x).asnumpy()
    ms.set_seed(7)
    np.testing.assert_array_equal(net(x).asnumpy(), first)
    ms.set_seed(7)
    np.testing.assert_array_equal(compiled_forward(net, [x])[0], first)
    sens = Tensor(values((3, 4)))
    ms.set_seed(7)
    grad = ops.GradOperation(sens_param=True)(net)(x, sens)
    np.testing.assert_allclose(grad.asnumpy(), (first != 0) * sens.asnumpy() * 2)


def test_batchnorm_updates_moving_statistics_in_eager_training_as_mindspore():
    bn = nn.BatchNorm1d(3, momentum=0.8).set_train()
    bn(Tensor(values((4, 3))))
    np.testing.assert_allclose(bn.moving_mean.asnumpy(), [-0.12491864, 0.028026272, 0.11769658], rtol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.asnumpy(), [1.0879617, 1.4577222, 1.1316811], rtol=1e-6)
    bn.set_train(False)
    bn(Tensor(values((4, 3), 2.0)))
    np.testing.assert_allclose(bn.moving_mean.asnumpy(), [-0.12491864, 0.028026272, 0.11769658], rtol=1e-6)


def test_batchnorm_inside_a_network_updates_in_eager_and_generated_code_alike():
    x = Tensor(values((2, 2, 3, 3)))
    for step in (lambda net: net(x), lambda net: ops.GradOperation()(net)(x)):   # one training step each
        net = user_net("nn.BatchNorm2d(2)").set_train()
        step(net)
        np.testing.assert_allclose(net.layer.moving_mean.asnumpy(), [0.010570479, -2.3615361e-05], rtol=1e-5)
        np.testing.assert_allclose(net.layer.moving_variance.asnumpy(), [1.1061704, 1.1053146], rtol=1e-6)


def test_set_train_switches_a_layer_differentiated_directly():
    bn = nn.BatchNorm1d(2)
    x = Tensor(np.array([[1.0, 2.0], [3.0, 5.0]], np.float32))
    grad = ops.GradOperation()(bn)
    np.testing.assert_allclose(grad(x).asnumpy(), 1 / np.sqrt(1 + 1e-5), rtol=1e-6)
    bn.set_train()
    np.testing.assert_allclose(grad(x).asnumpy(), 0, atol=1e-6)   # batch statistics: the sum is constant


def test_set_train_switches_a_layer_inside_a_network():
    net = user_net("nn.BatchNorm1d(2)")
    x = Tensor(np.array([[1.0, 2.0], [3.0, 5.0]], np.float32))
    grad = ops.GradOperation()(net)
    grad(x)
    net.set_train()
    np.testing.assert_allclose(grad(x).asnumpy(), 0, atol=1e-6)


def test_blocks_of_one_class_configured_differently():
    module = load_module('''
class Block(nn.Cell):
    def __init__(self, activation):
        super().__init__()
        self.dense = nn.Dense(2, 2, activation=activation)

    def construct(self, x):
        return self.dense(x)


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.block1 = Block('relu')
        self.block2 = Block('tanh')

    def construct(self, x):
        return self.block1(x), self.block2(x)
''')
    net = module.Net()
    x = Tensor(np.array([[-1.0, 2.0]], np.float32))
    np.testing.assert_allclose(compiled_forward(net, [x])[1], net(x)[1].asnumpy(), rtol=1e-6)


def test_two_sequential_cells():
    x = Tensor(np.ones((1, 2), np.float32))
    ops.GradOperation()(nn.SequentialCell([nn.ReLU()]))(x)
    dense = nn.Dense(2, 2)
    grad = ops.GradOperation()(nn.SequentialCell([dense]))(x)
    np.testing.assert_allclose(grad.asnumpy(), dense.weight.asnumpy().sum(0, keepdims=True), rtol=1e-6)


# -- losses of one's own ----------------------------------------------------------------------------
LOSS_BASE_SOURCE = '''
class MAELoss(nn.LossBase):
    def construct(self, base, target):
        x = ops.abs(base - target)
        return self.get_loss(x)


class WeightedLoss(nn.LossBase):
    def __init__(self, weights, reduction='mean'):
        super().__init__(reduction)
        self.weights = weights

    def construct(self, base, target):
        return self.get_loss(ops.square(base - target), self.weights)
'''


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_loss_base_get_loss(reduction):
    loss = load_module(LOSS_BASE_SOURCE).MAELoss(reduction)
    x, t = values((2, 3)), values((2, 3), 1.0)
    expected = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction](np.abs(x - t))
    np.testing.assert_allclose(loss(Tensor(x), Tensor(t)).asnumpy(), expected, rtol=1e-6)
    check_gradients(loss, [x, t])


def test_loss_base_weights():
    loss = load_module(LOSS_BASE_SOURCE).WeightedLoss(Tensor(np.array([1.0, 2.0, 0.5])), "sum")
    x, t = values((2, 3)), values((2, 3), 1.0)
    np.testing.assert_allclose(loss(Tensor(x), Tensor(t)).asnumpy(), np.sum((x - t) ** 2 * [1.0, 2.0, 0.5]),
                               rtol=1e-6)
    check_gradients(loss, [x, t])


# -- initializers -----------------------------------------------------------------------------------
def _uniform_in(array, bound):
    """Values within (-bound, bound), spread as a uniform distribution is."""
    assert np.abs(array).max() <= bound
    assert np.abs(array).max() > 0.95 * bound
    assert abs(array.std() - bound / math.sqrt(3)) < 0.05 * bound


def _normal_with(array, mean, std):
    assert abs(array.mean() - mean) < 0.05 * std
    assert abs(array.std() - std) < 0.05 * std


def test_default_weights_and_biases_as_mindspore():
    ms.set_seed(1)
    _uniform_in(nn.Dense(100, 300).weight.asnumpy(), 0.1)               # HeUniform(sqrt(5)): 1 / sqrt(in)
    _uniform_in(nn.Dense(100, 3000).bias.asnumpy(), 0.1)                # Uniform(1 / sqrt(in))
    _uniform_in(nn.Conv2d(4, 300, 3).weight.asnumpy(), 1 / 6)           # fan_in 4 * 3 * 3
    _uniform_in(nn.Conv2d(4, 3000, 3, has_bias=True).bias.asnumpy(), 1 / 6)
    _normal_with(nn.Embedding(300, 100).embedding_table.asnumpy(), 0.0, 0.01)
    bn = nn.BatchNorm1d(3)
    assert [list(p.asnumpy()) for p in bn.get_parameters()] == [[0, 0, 0], [1, 1, 1], [1, 1, 1], [0, 0, 0]]
    assert nn.Conv2d(1, 2, 3).bias is None and nn.Dense(2, 3, has_bias=False).bias is None


@pytest.mark.parametrize("spec, check", [
    ("init.Normal()", lambda a: _normal_with(a, 0.0, 0.01)),
    ("init.Normal(0.5, 1.0)", lambda a: _normal_with(a, 1.0, 0.5)),
    ("'normal'", lambda a: _normal_with(a, 0.0, 0.01)),
    ("init.Uniform()", lambda a: _uniform_in(a, 0.07)),
    ("'uniform'", lambda a: _uniform_in(a, 0.07)),
    ("init.XavierUniform()", lambda a: _uniform_in(a, math.sqrt(6 / 400))),
    ("'xavier_uniform'", lambda a: _uniform_in(a, math.sqrt(6 / 400))),
    ("init.XavierUniform(gain=2)", lambda a: _uniform_in(a, 2 * math.sqrt(6 / 400))),
    ("'xavier_normal'", lambda a: _normal_with(a, 0.0, math.sqrt(2 / 400))),
    ("init.HeUniform()", lambda a: _uniform_in(a, math.sqrt(6 / 100))),
    ("'he_uniform'", lambda a: _uniform_in(a, math.sqrt(6 / 100))),
    ("init.HeUniform(math.sqrt(5))", lambda a: _uniform_in(a, 0.1)),
    ("init.HeUniform(mode='fan_out', nonlinearity='relu')", lambda a: _uniform_in(a, math.sqrt(6 / 300))),
    ("'he_normal'", lambda a: _normal_with(a, 0.0, math.sqrt(2 / 100))),
    ("init.TruncatedNormal(1.0, a=-1.5, b=2.0)", lambda a: (
        _normal_with(np.clip(a, -1.5, 2.0), a.mean(), a.std()), np.testing.assert_array_less(-1.5, a + 1e-7))),
    ("'zeros'", lambda a: np.testing.assert_array_equal(a, 0)),
    ("init.Zero()", lambda a: np.testing.assert_array_equal(a, 0)),
    ("'ones'", lambda a: np.testing.assert_array_equal(a, 1)),
    ("init.One()", lambda a: np.testing.assert_array_equal(a, 1)),
    ("init.Constant(0.25)", lambda a: np.testing.assert_array_equal(a, 0.25)),
    ("3", lambda a: np.testing.assert_array_equal(a, 3)),
])
def test_initializers(spec, check):
    ms.set_seed(2)
    tensor = init.initializer(eval(spec), [300, 100])
    assert tensor.shape == (300, 100) and tensor.dtype == ms.float32
    check(tensor.asnumpy())


def test_initializer_shapes_dtypes_and_tensors():
    assert init.initializer("ones", (2, 3), ms.float16).dtype == ms.float16
    assert init.initializer("ones", [2], ms.int32).dtype == ms.int32
    assert init.initializer(init.Constant(1.5), 4).shape == (4,)
    given = Tensor(np.ones((2, 2), np.float64))
    assert init.initializer(given, [2, 2]) is given
    with pytest.raises(ValueError, match="the 'init' shape \\[2, 2\\] and the 'shape' \\[3\\]"):
        init.initializer(given, [3])
    with pytest.raises(ValueError, match="the class corresponding to 'nope' was not found"):
        init.initializer("nope", [2])
    with pytest.raises(ValueError, match="must be positive integer"):
        init.initializer("ones", [2, 0])
    with pytest.raises(TypeError, match="should be 'Tensor', 'number', 'string' or 'initializer'"):
        init.initializer([1.0], [1])
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.initializer("xavier_uniform", [3])
    arr = np.zeros((2, 2), np.float32)
    assert init.One()(arr) is arr and arr.sum() == 4          # an Initializer fills an array in place
    assert ms.common.initializer is init


def test_set_seed_makes_initial_weights_reproducible():
    def weights():
        net = NAMES.Net()
        return [p.asnumpy().copy() for p in net.get_parameters()]
    ms.set_seed(5)
    first = weights()
    ms.set_seed(5)
    again = weights()
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    ms.set_seed(6)
    assert not np.array_equal(weights()[0], first[0])


# -- argument errors, as MindSpore raises them ------------------------------------------------------
@pytest.mark.parametrize("expr, error, message", [
    ("nn.Dense(3, 4, activation='nope')", KeyError, "The 'name' must be in"),
    ("nn.Dense(3, 4, activation=3)", TypeError, "the 'activation' must be str or Cell or Primitive"),
    ("nn.Dense(0, 4)", ValueError, "For 'Dense', the 'in_channels' must be a positive int"),
    ("nn.Dense(3, 4, weight_init=Tensor(np.ones((3, 4))))", ValueError, "weight init shape error"),
    ("nn.Conv2d(3, 4, 2, group=2)", ValueError, "The argument 'group' should be divisible by 'in_channels'"),
    ("nn.Conv2d(2, 2, 3, padding=1)", ValueError, "the 'pad' must be zero when 'pad_mode' is not 'pad'"),
    ("nn.Conv2d(2, 2, 3, pad_mode='full')", ValueError, "the 'pad_mode' must be one of"),
    ("nn.MaxPool2d(2, pad_mode='valid', padding=1)", ValueError, "can not be set to non-default value"),
    ("nn.MaxPool1d(2, padding=1)", ValueError, "can not be set to non-default value"),
    ("nn.MaxPool1d((2,))", TypeError, "For 'MaxPool1d', the type of 'kernel_size' must be int"),
    ("nn.Conv1d(2, 3, (3,))", TypeError, "For 'Conv1d', the type of 'kernel_size' must be int"),
    ("nn.Conv1d(2, 3, 3, padding=1)", ValueError, "the 'pad' must be zero when 'pad_mode' is not 'pad'"),
    ("nn.AvgPool2d(2, pad_mode='valid', padding=1)", ValueError, "the 'padding' must be zero"),
    ("nn.AdaptiveAvgPool2d(2.5)", TypeError, "the type of 'output_size' should be one of ['int', 'tuple']"),
    ("nn.AdaptiveAvgPool2d((2, 2, 2))", ValueError, "'output_size' must be a positive int or a tuple of 2"),
    ("nn.MSELoss('avg')", ValueError, "For 'MSELoss', the 'reduction' must be in ['mean', 'sum', 'none']"),
    ("nn.SmoothL1Loss(beta=0.0)", ValueError, "For 'SmoothL1Loss', the 'beta' must be a positive number"),
    ("nn.BCEWithLogitsLoss(weight=Parameter(np.ones(3)))", TypeError, "the 'weight' can not be a Parameter"),
    ("nn.Dropout(p=1.0)", ValueError, "For 'Dropout', the 'p' must be a number in range [0, 1)"),
    ("nn.Dropout(keep_prob=0)", TypeError, "the type of 'keep_prob' should be 'float', but got type 'int'"),
    ("nn.LayerNorm(4)", TypeError, "the type of 'normalized_shape' must be tuple[int] or list[int]"),
    ("nn.LayerNorm((3, 4), begin_params_axis=-1)", ValueError, "'normalized_shape' (3, 4) must be the shape"),
    ("nn.BatchNorm2d(0)", ValueError, "For 'BatchNorm2d', the 'num_features' must be at least 1"),
    ("nn.CrossEntropyLoss(label_smoothing=1)", TypeError, "the type of 'label_smoothing' should be 'float'"),
    ("nn.GELU('tanh')", TypeError, "the type of 'approximate' must be bool"),
    ("nn.Hardtanh(1.0, 0.5)", ValueError, "For Hardtanh, min_val should be less than max_val"),
])
def test_argument_errors(expr, error, message):
    with pytest.raises(error) as caught:
        eval(expr)
    assert message in str(caught.value)


@pytest.mark.parametrize("begin_norm_axis", [3, -4])
def test_layernorm_begin_norm_axis_outside_the_input(begin_norm_axis):
    """MindSpore raises too (a RuntimeError from its kernel); msgrad a ValueError, in generated code
    a located one."""
    net = user_net(f"nn.LayerNorm((4,), begin_norm_axis={begin_norm_axis})")
    x = Tensor(values((2, 3, 4)))
    message = f"normalizing the axes from axis {begin_norm_axis} on needs an input that has axis {begin_norm_axis}"
    with pytest.raises(ValueError, match=message):
        net(x)
    with pytest.raises(ValueError, match=message) as caught:
        ops.GradOperation()(net)(x)
    assert caught.value.where is not None


def test_batchnorm_checks_the_input_rank():
    with pytest.raises(ValueError, match="For 'BatchNorm2d', the in_shape must have 4 dims, but got 2"):
        nn.BatchNorm2d(3)(Tensor(np.ones((2, 3), np.float32)))


# -- the example program ----------------------------------------------------------------------------
def test_example_training_loop_lowers_the_loss(capsys):
    spec = importlib.util.spec_from_file_location("mlp_training", ROOT / "examples" / "mlp_training.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    final = example.main(steps=30)
    printed = capsys.readouterr().out
    first = float(printed.split("step   0  loss ")[1].split()[0])
    assert final < 0.95 * first
