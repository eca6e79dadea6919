"""Neural-network operations (primitives/nn.py, ops/nn_ops.py), every spelling inside a Cell's
construct: forward values against the numbers MindSpore 2.10 printed (float32), gradients
against finite differences (float64) and, where MindSpore's conventions decide the answer
(kinks, ties, padding, class weights, smoothing), against MindSpore's own gradients.

Where MindSpore's gradient is not the mathematical one, msgrad's is, and finite differences
check it: MindSpore gives zeros for batch_norm's running mean and variance, for the weight and
pos_weight of binary_cross_entropy_with_logits and for the labels of
SoftmaxCrossEntropyWithLogits, ignores the gradient of that op's second output (dlogits), and
differentiates L2Normalize as if epsilon never clamped the sum of squares."""
import numpy as np
import pytest

import msgrad as ms
from msgrad import ops

from gradcheck import check_gradients, compiled_forward, load_module


def values(shape, seed=0.3, scale=2.0):
    """Deterministic, distinct float32 values in (-scale, scale)."""
    n = int(np.prod(shape))
    return (np.sin(np.arange(n) * 1.7 + seed) * scale).reshape(shape).astype(np.float32)


def positive(shape, seed=0.3):
    return np.abs(values(shape, seed)) + np.float32(0.5)


def probabilities(shape, seed=0.3, axis=1):
    e = np.exp(values(shape, seed))
    return (e / e.sum(axis, keepdims=True)).astype(np.float32)


KINKS = np.array([[-1.5, 0.0, 0.5], [6.0, 7.25, -0.25]], np.float32)   # relu's 0, relu6's 6
LABELS = np.array([1, 2, 0, 2], np.int32)

# name -> (primitive class created in __init__ or None, expression, inputs)
CASES = {
    "relu": (None, "ops.relu(x)", {"x": KINKS}),
    "relu6": (None, "ops.relu6(x)", {"x": KINKS}),
    "leaky_relu": (None, "ops.leaky_relu(x)", {"x": KINKS}),
    "leaky_relu_alpha": (None, "ops.leaky_relu(x, alpha=1.5)", {"x": KINKS}),
    "elu": (None, "ops.elu(x)", {"x": KINKS}),
    "gelu": (None, "ops.gelu(x)", {"x": KINKS}),
    "gelu_tanh": (None, "ops.gelu(x, approximate='tanh')", {"x": KINKS}),
    "sigmoid": (None, "ops.sigmoid(x)", {"x": KINKS}),
    "softplus": (None, "ops.softplus(x)", {"x": KINKS}),
    "softplus_beta": (None, "ops.softplus(x, beta=2, threshold=3)", {"x": KINKS}),
    "softmax": (None, "ops.softmax(x)", {"x": KINKS}),
    "softmax_axis": (None, "ops.softmax(x, axis=0)", {"x": KINKS}),
    "log_softmax": (None, "ops.log_softmax(x, 0)", {"x": KINKS}),
    "ReLU": ("ops.ReLU()", "self.op(x)", {"x": KINKS}),
    "ReLU6": ("ops.ReLU6()", "self.op(x)", {"x": KINKS}),
    "Sigmoid": ("ops.Sigmoid()", "self.op(x)", {"x": KINKS}),
    "GeLU": ("ops.GeLU()", "self.op(x)", {"x": KINKS}),
    "Softplus": ("ops.Softplus()", "self.op(x)", {"x": KINKS}),
    "Elu": ("ops.Elu()", "self.op(x)", {"x": KINKS}),
    "Softmax": ("ops.Softmax(axis=0)", "self.op(x)", {"x": KINKS}),
    "LogSoftmax": ("ops.LogSoftmax()", "self.op(x)", {"x": KINKS}),
    "bias_add": (None, "ops.bias_add(x, b)", {"x": values((2, 3, 1, 2)), "b": values((3,), 1.0)}),
    "BiasAdd": ("ops.BiasAdd()", "self.op(x, b)", {"x": values((2, 3)), "b": values((3,), 1.0)}),
    "conv2d": (None, "ops.conv2d(x, w)", {"x": values((1, 2, 4, 4)), "w": values((2, 2, 2, 2), 1.0)}),
    "conv2d_pad_bias": (None, "ops.conv2d(x, w, b, stride=2, pad_mode='pad', padding=1)",
                        {"x": values((1, 2, 4, 4)), "w": values((2, 2, 2, 2), 1.0), "b": values((2,), 2.0)}),
    "conv2d_same_dilated": (None, "ops.conv2d(x, w, pad_mode='same', dilation=2)",
                            {"x": values((1, 2, 4, 4)), "w": values((2, 2, 2, 2), 1.0)}),
    "conv2d_groups": (None, "ops.conv2d(x, w, padding=(1, 0), pad_mode='pad', groups=2)",
                      {"x": values((1, 2, 3, 3)), "w": values((2, 1, 2, 2), 1.0)}),
    "Conv2D_same": ("ops.Conv2D(2, 2, pad_mode='same', stride=(1, 2))", "self.op(x, w)",
                    {"x": values((1, 2, 4, 4)), "w": values((2, 2, 2, 2), 1.0)}),
    "Conv2D_pad": ("ops.Conv2D(2, (2, 3), pad_mode='pad', pad=(1, 0, 0, 1))", "self.op(x, w)",
                   {"x": values((1, 2, 3, 3)), "w": values((2, 2, 2, 3), 1.0)}),
    "max_pool2d": (None, "ops.max_pool2d(x, 2)", {"x": values((1, 2, 4, 4))}),
    "max_pool2d_padded": (None, "ops.max_pool2d(x, 3, 2, 1)", {"x": values((1, 1, 5, 5))}),
    "max_pool2d_ceil": (None, "ops.max_pool2d(x, 2, 2, ceil_mode=True)", {"x": values((1, 1, 5, 5))}),
    "max_pool2d_dilated": (None, "ops.max_pool2d(x, 2, 1, dilation=2)", {"x": values((1, 1, 4, 4))}),
    "max_pool2d_indices": (None, "ops.max_pool2d(x, 3, 2, 1, return_indices=True)[1]", {"x": values((1, 1, 5, 5))}),
    "MaxPool": ("ops.MaxPool(2, 2)", "self.op(x)", {"x": values((1, 2, 4, 4))}),
    "MaxPool_same": ("ops.MaxPool(3, 2, 'same')", "self.op(x)", {"x": values((1, 1, 5, 5))}),
    "avg_pool2d": (None, "ops.avg_pool2d(x, 2, 2)", {"x": values((1, 2, 4, 4))}),
    "avg_pool2d_padded": (None, "ops.avg_pool2d(x, 3, 2, 1)", {"x": values((1, 1, 5, 5))}),
    "avg_pool2d_excluding_pad": (None, "ops.avg_pool2d(x, 3, 2, 1, count_include_pad=False)", {"x": values((1, 1, 5, 5))}),
    "avg_pool2d_ceil": (None, "ops.avg_pool2d(x, 2, 2, ceil_mode=True)", {"x": values((1, 1, 5, 5))}),
    "avg_pool2d_divisor": (None, "ops.avg_pool2d(x, (2, 3), divisor_override=4)", {"x": values((1, 1, 3, 4))}),
    "AvgPool": ("ops.AvgPool(2, 2)", "self.op(x)", {"x": values((1, 2, 4, 4))}),
    "AvgPool_same": ("ops.AvgPool(3, 2, 'same')", "self.op(x)", {"x": values((1, 1, 5, 5))}),
    "adaptive_avg_pool2d": (None, "ops.adaptive_avg_pool2d(x, (2, 3))", {"x": values((1, 2, 5, 7))}),
    "L2Normalize": ("ops.L2Normalize(axis=1)", "self.op(x)", {"x": values((2, 3))}),
    "L2Normalize_clamped": ("ops.L2Normalize(0, 1e-2)", "self.op(x * 0.01)", {"x": values((2, 3))}),
    "layer_norm": (None, "ops.layer_norm(x, (4,), w, b)", {"x": values((2, 4)), "w": values((4,), 1.0), "b": values((4,), 2.0)}),
    "layer_norm_2d": (None, "ops.layer_norm(x, (2, 2))", {"x": values((2, 2, 2))}),
    "batch_norm": (None, "ops.batch_norm(x, m, v, w, b)",
                   {"x": values((2, 3, 1, 2)), "m": values((3,), 1.0), "v": positive((3,), 2.0),
                    "w": values((3,), 3.0), "b": values((3,), 4.0)}),
    "batch_norm_training": (None, "ops.batch_norm(x, m, v, w, b, training=True)",
                            {"x": values((4, 3)), "m": values((3,), 1.0), "v": positive((3,), 2.0),
                             "w": values((3,), 3.0), "b": values((3,), 4.0)}),
    "cross_entropy": (None, "ops.cross_entropy(x, y)", {"x": values((4, 3)), "y": LABELS}),
    "cross_entropy_options": (None, "ops.cross_entropy(x, y, w, ignore_index=0, label_smoothing=0.2)",
                              {"x": values((4, 3)), "y": LABELS, "w": positive((3,), 1.0)}),
    "cross_entropy_sum": (None, "ops.cross_entropy(x, y, w, reduction='sum')",
                          {"x": values((4, 3)), "y": LABELS, "w": positive((3,), 1.0)}),
    "cross_entropy_none": (None, "ops.cross_entropy(x, y, w, reduction='none', label_smoothing=0.1)",
                           {"x": values((2, 3, 2)), "y": np.array([[0, 2], [1, 1]], np.int32), "w": positive((3,), 1.0)}),
    "cross_entropy_probabilities": (None, "ops.cross_entropy(x, p, w, label_smoothing=0.3)",
                                    {"x": values((4, 3)), "p": probabilities((4, 3), 2.0), "w": positive((3,), 1.0)}),
    "cross_entropy_probabilities_none": (None, "ops.cross_entropy(x, p, reduction='none')",
                                         {"x": values((4, 3)), "p": probabilities((4, 3), 2.0)}),
    "cross_entropy_one_sample": (None, "ops.cross_entropy(x, y)", {"x": values((3,)), "y": np.array(2, np.int32)}),
    "cross_entropy_one_sample_probabilities": (None, "ops.cross_entropy(x, p, label_smoothing=0.1)",
                                               {"x": values((3,)), "p": probabilities((3,), 1.0, 0)}),
    "cross_entropy_4d": (None, "ops.cross_entropy(x, y, w, ignore_index=1)",
                         {"x": values((2, 3, 2, 2)), "y": np.array([[[0, 1], [2, 1]], [[1, 2], [0, 2]]], np.int32),
                          "w": positive((3,), 1.0)}),
    "mse_loss": (None, "ops.mse_loss(x, t)", {"x": values((2, 3)), "t": values((2, 3), 1.0)}),
    "mse_loss_none": (None, "ops.mse_loss(x, t, reduction='none')", {"x": values((2, 3)), "t": values((3,), 1.0)}),
    "l1_loss": (None, "ops.l1_loss(x, t, 'sum')", {"x": values((2, 3)), "t": values((2, 3), 1.0)}),
    "bce_with_logits": (None, "ops.binary_cross_entropy_with_logits(x, t)",
                        {"x": values((2, 3)), "t": probabilities((2, 3), 1.0)}),
    "bce_with_logits_weights": (None, "ops.binary_cross_entropy_with_logits(x, t, w, p, 'none')",
                                {"x": values((2, 3)), "t": probabilities((2, 3), 1.0), "w": positive((3,), 2.0),
                                 "p": positive((3,), 3.0)}),
    "SoftmaxCrossEntropyWithLogits": ("ops.SoftmaxCrossEntropyWithLogits()", "self.op(x, p)",
                                      {"x": values((4, 3)), "p": probabilities((4, 3), 2.0)}),
    "SparseSoftmaxCrossEntropyWithLogits": ("ops.SparseSoftmaxCrossEntropyWithLogits()", "self.op(x, y)",
                                            {"x": values((4, 3)), "y": LABELS}),
    "SparseSoftmaxCrossEntropyWithLogits_grad": ("ops.SparseSoftmaxCrossEntropyWithLogits(is_grad=True)",
                                                 "self.op(x, y)", {"x": values((4, 3)), "y": LABELS}),
    "dropout_eval": (None, "ops.dropout(x, p=0.3, training=False)", {"x": values((2, 3))}),
    "Dropout_keep_all": ("ops.Dropout(keep_prob=1.0)", "self.op(x)", {"x": values((2, 3))}),
}


# MindSpore's numbers; layer_norm's come from its LayerNorm primitive (the function has no CPU kernel in 2.10).
FORWARD = {  # name -> MindSpore's outputs, flattened
    "relu": [[0, 0, 0.5, 6, 7.25, 0]],
    "relu6": [[0, 0, 0.5, 6, 6, 0]],
    "leaky_relu": [[-0.3, 0, 0.5, 6, 7.25, -0.05]],
    "leaky_relu_alpha": [[-2.25, 0, 0.5, 6, 7.25, -0.375]],
    "elu": [[-0.7768699, 0, 0.5, 6, 7.25, -0.2211992]],
    "gelu": [[-0.1002108, 0, 0.3457312, 6, 7.25, -0.1003234]],
    "gelu_tanh": [[-0.1004284, 0, 0.345714, 6, 7.25, -0.1003246]],
    "sigmoid": [[0.1824255, 0.5, 0.6224594, 0.9975274, 0.9992903, 0.4378235]],
    "softplus": [[0.2014132, 0.693147, 0.9740769, 6.002476, 7.25071, 0.5759392]],
    "softplus_beta": [[0.02429366, 0.3465735, 0.6566305, 6, 7.25, 0.2370384]],
    "softmax": [[0.07769555, 0.3482074, 0.5740971, 0.2226044, 0.7769659, 0.0004297268]],
    "softmax_axis": [[0.0005527786, 0.0007096704, 0.6791787, 0.9994472, 0.9992903, 0.3208213]],
    "log_softmax": [[-7.500552, -7.250709, -0.386871, -0.0005515477, -0.0007084472, -1.136871]],
    "ReLU": [[0, 0, 0.5, 6, 7.25, 0]],
    "ReLU6": [[0, 0, 0.5, 6, 6, 0]],
    "Sigmoid": [[0.1824255, 0.5, 0.6224594, 0.9975274, 0.9992903, 0.4378235]],
    "GeLU": [[-0.1004284, 0, 0.345714, 6, 7.25, -0.1003246]],
    "Softplus": [[0.2014132, 0.693147, 0.9740769, 6.002476, 7.25071, 0.5759392]],
    "Elu": [[-0.7768699, 0, 0.5, 6, 7.25, -0.2211992]],
    "Softmax": [[0.0005527786, 0.0007096704, 0.6791787, 0.9994472, 0.9992903, 0.3208213]],
    "LogSoftmax": [[-2.554956, -1.054956, -0.5549559, -1.502362, -0.2523617, -7.752362]],
    "bias_add": [[2.273982, 3.501537, -0.2049125, -0.6907693, -0.4452661, -0.7333698, -0.07644963,
        0.9664834, 2.798775, 1.070267, -3.902753, -1.60345]],
    "BiasAdd": [[2.273982, 2.673355, -2.962876, 0.1374129, 2.312698, -0.7333698]],
    "conv2d": [[0.08462387, 1.411926, -0.4484614, 0.7825199, 1.094715, -1.064616, 1.276017, 0.4915597,
        -1.402687, -1.201473, 1.320127, 0.8612907, -0.4639156, 1.661618, 0.03573513, 0.3948187, 1.569086,
        -0.7991548]],
    "conv2d_pad_bias": [[2.519197, 1.226812, 1.13259, 1.944112, 2.91331, 0.8774177, 3.67228, -3.712069,
        5.482915, 2.567973, -6.272674, 0.05162036, -1.681125, 0.6019461, -1.624191, -0.6968194, -5.020277,
        2.03786]],
    "conv2d_same_dilated": [[-1.725329, -3.130117, 3.21793, 3.345003, 0.5038539, 1.711229, 2.420404,
        -1.886629, 0.7789578, 2.803603, 1.096258, -3.055684, 0.46241, 0.3896608, -3.317486, -1.388467,
        -2.126792, -5.163683, 2.346124, 2.641401, -2.470205, 1.913938, 4.343945, -0.6394726, -1.368288,
        3.951288, 2.544087, -1.690207, 3.073379, 3.367038, -4.869288, -2.475129]],
    "conv2d_groups": [[-1.78743, -3.075092, 4.959443, -1.04613, 2.254656, 4.108866, -3.573354, 0.4559077,
        -1.731642, 4.112151, -3.554391, -3.606034, 2.450653, -5.115133, 2.26154, 3.033075]],
    "Conv2D_same": [[0.08462387, -0.4484614, 0.7825199, -1.064616, 1.276017, -1.402687, -0.0568493,
        1.482041, -1.201473, 0.8612907, -0.4639156, 0.03573513, 0.3948187, -0.7991548, 4.976829,
        -3.956224]],
    "Conv2D_pad": [[6.789149, -0.9973347, 3.136806, 11.53901, -17.90602, 8.868606, 1.007021, 7.154541,
        -17.6107, 5.914319, -14.30503, -9.556054]],
    "max_pool2d": [[1.818595, -0.7164586, 1.944015, 1.23767, 1.39848, 1.9831, -0.5127993, 1.719232]],
    "max_pool2d_padded": [[1.818595, 1.944015, 1.944015, 1.39848, 1.944015, 1.944015, 1.39848, 1.9831,
        1.9831]],
    "max_pool2d_ceil": [[1.818595, 1.944015, 1.457938, 1.39848, 1.922305, 1.8523, 0.5093647, 1.9831,
        -0.5127993]],
    "max_pool2d_dilated": [[1.944015, 1.818595, 1.922305, 1.23767]],
    "max_pool2d_indices": [[1, 8, 8, 16, 8, 8, 16, 23, 23]],
    "MaxPool": [[1.818595, -0.7164586, 1.944015, 1.23767, 1.39848, 1.9831, -0.5127993, 1.719232]],
    "MaxPool_same": [[1.818595, 1.944015, 1.944015, 1.39848, 1.944015, 1.944015, 1.39848, 1.9831, 1.9831]],
    "avg_pool2d": [[1.259352, -1.270263, 0.8216791, -0.5448847, -0.418439, 0.7126236, -1.249913, 1.274189]],
    "avg_pool2d_padded": [[0.2022309, -0.1464935, 0.2302146, 0.03853316, -0.03234795, 0.0569572, 0.1291063,
        -0.1316585, 0.2595465]],
    "avg_pool2d_excluding_pad": [[0.4550195, -0.2197403, 0.5179828, 0.05779974, -0.03234795, 0.08543581,
        0.2904893, -0.1974878, 0.5839797]],
    "avg_pool2d_ceil": [[0.4550195, -0.3444112, 0.8367227, 0.2340889, -0.3643827, 0.06744301, -0.7370965,
        0.9924381, -0.5127993]],
    "avg_pool2d_divisor": [[0.554586, -0.5231556, 0.2570885, -0.6975757]],
    "AvgPool": [[1.259352, -1.270263, 0.8216791, -0.5448847, -0.418439, 0.7126236, -1.249913, 1.274189]],
    "AvgPool_same": [[0.4550195, -0.2197403, 0.5179828, 0.05779974, -0.03234795, 0.08543581, 0.2904893,
        -0.1974878, 0.5839797]],
    "adaptive_avg_pool2d": [[0.4124181, -0.4241995, 0.4078124, 0.0003768312, -0.1087892, 0.2099774, -0.3861235,
                             0.418249, -0.4226012, 0.07987034, 0.029268, -0.1364628]],
    "L2Normalize": [[0.2703491, 0.8318475, -0.4847071, -0.6372161, 0.6011027, 0.4823186]],
    "L2Normalize_clamped": [[0.05910404, 0.1818595, -0.1059672, -0.1545529, 0.1457938, 0.1169834]],
    "layer_norm": [[2.623634, 0.1335344, -0.107537, 1.865525, 3.612638, -0.3333609, 1.02257, 1.664287]],
    "layer_norm_2d": [[0.4783523, 1.395956, -0.7555637, -1.118744, 1.066016, 0.8497257, -1.349355,
        -0.5663861]],
    "batch_norm": [[-1.715995, -1.488461, 1.964251, 2.742264, 2.345217, 2.298261, -2.15166, -1.958347,
        -2.845619, -0.07772231, 1.781714, 2.156455]],
    "batch_norm_training": [[-1.183436, -3.238697, 1.45294, -1.763733, -2.779443, 1.918923, -1.821819,
        -0.01060438, 2.080732, -1.285432, 1.62326, 1.73707]],
    "cross_entropy": [[1.417915]],
    "cross_entropy_options": [[0.8653836]],
    "cross_entropy_sum": [[12.48049]],
    "cross_entropy_none": [[2.758115, 2.652836, 0.6464375, 1.34931]],
    "cross_entropy_probabilities": [[3.431845]],
    "cross_entropy_probabilities_none": [[1.516163, 2.271998, 2.430613, 1.077118]],
    "cross_entropy_one_sample": [[3.177809]],
    "cross_entropy_one_sample_probabilities": [[1.239768]],
    "cross_entropy_4d": [[1.648364]],
    "mse_loss": [[1.043576]],
    "mse_loss_none": [[1.192249, 0.928978, 0.7115462, 10.42302, 0.3638241, 9.443566]],
    "l1_loss": [[5.939758]],
    "bce_with_logits": [[0.7460896]],
    "bce_with_logits_weights": [[1.304499, 2.329801, 0.6356552, 0.6587304, 1.126749, 2.700938]],
    "SoftmaxCrossEntropyWithLogits": [[1.516163, 2.271999, 2.430613, 1.077117], [-0.6995724, 0.6896077,
        0.009964798, -0.5311641, 0.1368949, 0.3942692, -0.03353484, -0.7377508, 0.7712856, 0.4388864,
        -0.112492, -0.3263943]],
    "SparseSoftmaxCrossEntropyWithLogits": [[1.417916]],
    "SparseSoftmaxCrossEntropyWithLogits_grad": [[0.05429133, -0.06471054, 0.01041921, 0.00689362,
        0.1389431, -0.1458367, -0.2443723, 0.01596884, 0.2284034, 0.1137892, 0.01241979, -0.126209]],
    "dropout_eval": [[0.5910404, 1.818595, -1.059672, -1.545529, 1.457938, 1.169834]],
    "Dropout_keep_all": [[0.5910404, 1.818595, -1.059672, -1.545529, 1.457938, 1.169834], [1, 1, 1, 1, 1,
        1]],
}


GRADIENTS = {  # name -> MindSpore's gradient of each input for the sens `values(shape, 5.0)`
    "relu": [[0, 0, 1.709198, -1.250141, -1.38705, 0]],
    "relu6": [[0, 0, 1.709198, -1.250141, 0, 0]],
    "leaky_relu": [[-0.3835697, 0.4858199, 1.709198, -1.250141, -1.38705, 0.3215138]],
    "leaky_relu_alpha": [[-2.876773, 1.012125, 1.709198, -1.250141, -1.38705, 2.411353]],
    "elu": [[-0.4279298, 0.8096998, 1.709198, -1.250141, -1.38705, 1.251976]],
    "gelu": [[0.2444664, 0.4048499, 1.482721, -1.250141, -1.38705, 0.4897084]],
    "gelu_tanh": [[0.24493, 0.4048499, 1.482507, -1.250141, -1.38705, 0.4897393]],
    "softplus": [[-0.3498645, 0.4048499, 1.063906, -1.24705, -1.386066, 0.7038315]],
    "softplus_beta": [[-0.09095559, 0.4048499, 1.249524, -1.250141, -1.38705, 0.6069226]],
    "softmax_axis": [[-0.0003688904, 0.001557862, 0.02214441, 0.0003687488, -0.001557794, -0.02214443]],
    "LogSoftmax": [[-1.964548, 0.6004099, 1.364137, -1.020943, -0.5870709, 1.608011]],
    "bias_add": [[-1.917849, 0.8096998, 1.709198, -1.250141, -1.38705, 1.607569, 0.9727974, -1.858248,
        -0.4939473, 1.985533, -0.01770262, -1.980971], [-1.993599, 1.950642, -1.778155]],
    "conv2d_pad_bias": [[3.683268, -1.514435, -0.3216035, -0.2775843, -1.658071, 0.9672143, -3.244658,
        0.9094586, 1.249385, -0.1311015, 3.278441, -1.552183, 2.601934, -0.5998265, -3.164673, 1.35614,
        2.633001, -1.574115, 0.4956376, -2.053107, -0.7577358, -0.7137165, -3.094524, 2.091835, 0.2157698,
        1.511141, 2.70512, -2.492583, 2.693776, -2.136847, -2.249317, 0.3759682], [-1.908205, 5.679131,
        -0.9861423, -1.648361, 7.84284, -5.196907, 7.004909, -4.212779, 3.26706, -7.950628, 3.126209,
        -1.469826, -6.425773, 4.92282, -8.657446, 4.349339], [-1.807971, 2.404718]],
    "conv2d_same_dilated": [[3.20739, -5.278754, -1.645979, 3.063569, -1.350013, -3.585258, 6.393813,
        -1.28101, -3.163851, -0.1613617, 6.934703, -3.054117, -2.675508, 5.757295, 0.1618775, -2.624125,
        3.523087, -3.528985, -4.193085, 3.434299, 0.7622828, -6.092457, 4.262521, 0.8720167, -1.383456,
        -3.564026, 6.467844, -1.261655, -3.40848, 4.653038, 2.966472, -3.439435], [17.58974, -13.66385,
        19.66292, -11.15359, 2.911543, 2.627259, -13.60994, 16.91563, -15.82985, 14.22773, -1.283359,
        -2.45201, 10.99314, -20.26044, 13.06633, -17.75019]],
    "conv2d_groups": [[6.526538, -1.485265, -1.363564, -5.587277, 3.276421, 1.829543, 4.277001, -4.85001,
        -2.174033, 0.9319708, -8.1654, 1.598167, 1.089483, 7.472822, -1.574722, -3.038592, -6.284021,
        1.44671], [2.843993, -0.01799715, -2.836645, 0.8025428, 0.04523313, -3.015347, 0.6981604,
        2.789537]],
    "Conv2D_same": [[-4.111587, -1.088003, 4.915952, -1.523963, 7.236754, 1.436956, -10.17227, 3.831954,
        -4.615472, -2.424409, 11.36163, -3.207211, 1.687706, 3.250871, -11.79653, 2.369497, -4.380678,
        1.172608, 3.830175, -3.676548, 7.472195, -2.448797, -7.58746, 8.153985, -5.51699, 0.3476048,
        9.009128, -8.243559, 3.195437, 1.77667, -9.832556, 7.78573], [1.850386, -4.734475, -3.825454,
        0.2624267, -4.867867, 1.155321, 1.617791, 3.236912, -0.8035061, -3.066884, -2.43992, -0.7346332,
        -2.428364, 2.523618, 0.2320649, 2.597233]],
    "Conv2D_pad": [[4.930065, -5.165869, -7.867066, -3.944262, 7.028095, 6.099955, 0.4706627, -7.238524,
        3.160048, -3.023745, 9.711789, 1.25795, 1.633024, -9.9641, 1.157828, 1.577868, 3.598223, -7.078403],
        [3.224167, 4.291434, -3.433808, -2.836646, 0.8025424, 1.335323, -1.076467, -5.450362, 2.894479,
        2.778699, 0.3568245, -1.293718, 0.4581634, -5.345521, 0.5027131, 2.304185, 1.502504, -1.643097,
        -2.535556, 4.999067, -0.1176602, -1.395193, -2.378493, 1.168202]],
    "max_pool2d_padded": [[0, -1.917849, 0, 0, 0, 0, 0, 0, 2.739416, 0, 0, 0, 0, 0, 0, 0, -0.2773439, 0, 0,
        0, 0, 0, 0, -2.352195, 0]],
    "max_pool2d_ceil": [[0, -1.917849, 0, 0, 1.709198, 0, 0, 0, 0.8096998, 0, 0, 0, -1.38705, 0, 0, 0,
        -1.250141, 0, 0, 1.607569, 0.9727974, 0, 0, -1.858248, -0.4939473]],
    "max_pool2d_dilated": [[0, 0.8096998, 0, 0, 0, 0, 0, 0, -1.917849, 0, 0, 0, 1.709198, 0, 0, -1.250141]],
    "MaxPool_same": [[0, -1.917849, 0, 0, 0, 0, 0, 0, 2.739416, 0, 0, 0, 0, 0, 0, 0, -0.2773439, 0, 0, 0, 0,
        0, 0, -2.352195, 0]],
    "avg_pool2d_padded": [[-0.2130943, -0.1231276, 0.08996665, 0.2798775, 0.1899109, -0.3519989, -0.4161489,
        -0.06415004, 0.3043796, 0.3685296, -0.1389046, -0.2930213, -0.1541167, 0.02450207, 0.1786188,
        -0.03081599, -0.3914046, -0.3605887, -0.236853, 0.1237357, 0.1080886, -0.0983834, -0.206472,
        -0.261355, -0.05488304]],
    "avg_pool2d_excluding_pad": [[-0.4794621, -0.3445122, 0.13495, 0.5622494, 0.4272994, -0.687819,
        -0.7069857, -0.01916672, 0.6760609, 0.6952276, -0.2083569, -0.3624735, -0.1541167, 0.1138115,
        0.2679282, 0.03484248, -0.4289822, -0.4638247, -0.3193834, 0.1444413, 0.2431993, -0.06650865,
        -0.309708, -0.4331948, -0.1234868]],
    "avg_pool2d_ceil": [[-0.4794621, -0.4794621, 0.202425, 0.202425, 0.8545989, -0.4794621, -0.4794621,
        0.202425, 0.202425, 0.8545989, -0.3125353, -0.3125353, -0.3467625, -0.3467625, 0.8037844,
        -0.3125353, -0.3125353, -0.3467625, -0.3467625, 0.8037844, 0.4863987, 0.4863987, -0.929124,
        -0.929124, -0.4939473]],
    "avg_pool2d_divisor": [[-0.4794621, -0.2770372, -0.2770372, 0.202425, -0.05216274, -0.1622731,
        -0.1622731, -0.1101104, 0.4272994, 0.1147641, 0.1147641, -0.3125353]],
    "AvgPool_same": [[-0.4794621, -0.3445122, 0.13495, 0.5622494, 0.4272994, -0.687819, -0.7069857,
        -0.01916672, 0.6760609, 0.6952276, -0.2083569, -0.3624735, -0.1541167, 0.1138115, 0.2679282,
        0.03484248, -0.4289822, -0.4638247, -0.3193834, 0.1444413, 0.2431993, -0.06650865, -0.309708,
        -0.4331948, -0.1234868]],
    "adaptive_avg_pool2d": [[-0.2130943, -0.2130943, -0.1231276, 0.08996665, 0.2798775, 0.1899109, 0.1899109,
        -0.2130943, -0.2130943, -0.1231276, 0.08996665, 0.2798775, 0.1899109, 0.1899109, -0.3519989, -0.3519989,
        -0.4161489, -0.06415004, 0.3043796, 0.3685296, 0.3685296, -0.1389046, -0.1389046, -0.2930213,
        -0.1541167, 0.02450208, 0.1786188, 0.1786188, -0.1389046, -0.1389046, -0.2930213, -0.1541167,
        0.02450208, 0.1786188, 0.1786188, 0.1080886, 0.1080886, -0.0983834, -0.206472, -0.261355, -0.05488304,
        -0.05488304, 0.1080886, 0.1080886, -0.0983834, -0.206472, -0.261355, -0.05488304, -0.05488304,
        0.3287033, 0.3287033, 0.1202644, -0.208439, -0.4834299, -0.2749909, -0.2749909, 0.2206147, 0.2206147,
        0.2186478, -0.001966958, -0.2220749, -0.2201079, -0.2201079, 0.2206147, 0.2206147, 0.2186478,
        -0.001966958, -0.2220749, -0.2201079, -0.2201079]],
    "L2Normalize": [[-0.7939739, 0.6265944, 0.6325074, -0.3214846, -0.7548285, 0.5159956]],
    "layer_norm": [[-1.538562, 1.156448, -1.241477, 1.623592, -1.510674, 1.3056, -0.7882237, 0.9932975],
        [-2.396025, 2.496297, -2.604057, 2.451074], [-3.304899, 2.417269, 2.681995, -3.108389]],
    "layer_norm_2d": [[-1.340914, 0.6430556, 1.444128, -0.7462693, -0.8419282, 1.391113, 0.7607034,
        -1.309888]],
    "batch_norm": [[-0.3554836, 0.1500822, -2.736975, 2.001878, -0.226062, 0.2620023, 0.1803132, -0.3444363,
        0.7909686, -3.179477, -0.00288518, -0.3228595], None, None, [2.176355, -1.664489, -2.855668],
        [-1.993599, 1.950642, -1.778155]],
    "batch_norm_training": [[-0.459572, -1.560577, 0.1761515, -0.3609752, 1.18269, 0.340363, 0.2344968,
        1.456923, -0.03447217, 0.5860504, -1.079036, -0.4820423], [0, 0, 0], [0, 0, 0], [-0.592767,
        0.7391419, -1.775418], [-0.2096596, -2.453301, 0.8418484]],
    "cross_entropy_options": [[-0.05473753, 0.02406484, 0.03067272, 0.02539878, -0.3730099, 0.3476111, 0, 0,
        0, -0.283205, -0.007741505, 0.2909465], [0, 0, 0, 0], [-0.1225421, 0.1140769, 0.04700208]],
    "cross_entropy_none": [[2.746096, 1.168623, -0.136271, 0.005898479, -2.609825, -1.174522, -0.06719768,
        -0.1901796, 0.1591504, 0.8667613, -0.09195265, -0.6765817], [0, 0, 0, 0], [-2.129908, -1.075977,
        0.9918296]],
    "cross_entropy_probabilities": [[0.5579475, -0.6568438, 0.09889628, 0.4891298, -0.2462896, -0.2428402,
        0.1275999, 0.3780143, -0.5056142, -0.35366, 0.08736717, 0.2662928], [-1.118822, -0.1361983,
        -2.563131, -2.630834, -0.2670828, -0.7061538, -2.779481, -1.250769, -0.07287157, -0.5766759,
        -1.365054, -0.5669121], [-1.683916, -1.309618, -0.4708923]],
    "cross_entropy_one_sample": [[-0.4164902, -1.421428, 1.837919], [0]],
    "cross_entropy_one_sample_probabilities": [[0.8260026, -0.8426529, 0.01665041], [-2.635865, -0.5170279,
        -5.4851]],
    "cross_entropy_4d": [[0.3117768, 0, -0.2109606, 0, -0.1187303, 0, -0.1047893, 0, -0.1930466, 0,
        0.3157499, 0, 0, -0.2271725, 0.3198937, -0.08033523, 0, -0.1017764, -0.08676041, -0.1485376, 0,
        0.3289489, -0.2331332, 0.2288729], [0, 0, 0, 0, 0, 0, 0, 0], [-0.139567, 0, 0.1267752]],
    "mse_loss_none": [[4.188204, 1.560834, 2.883526, 8.072089, -1.673277, 9.880242], [-12.26029, 0.112443,
        -12.76377]],
    "l1_loss": [[1.917849, -1.917849, -1.917849, 1.917849, 1.917849, -1.917849], [-1.917849, 1.917849,
        1.917849, -1.917849, -1.917849, 1.917849]],
    "bce_with_logits": [[0.01253021, -0.1796766, -0.07622024, -0.03128617, 0.004633226, -0.2130989],
        [0.188921, 0.5812982, -0.3387152, -0.4940151, 0.4660174, 0.3739276]],
    "bce_with_logits_weights": [[-0.06132395, 0.6310104, 0.8468003, -0.3242143, 0.5371401, 2.212316],
        [3.054898, -2.011843, 2.438342, -3.382314, 2.47517, -4.084073], None, None],
    "SparseSoftmaxCrossEntropyWithLogits": [[-0.1041225, 0.124105, -0.01998247, -0.01322092, -0.2664718,
        0.2796927, 0.468669, -0.03062582, -0.4380432, -0.2182305, -0.02381927, 0.2420497], [0, 0, 0, 0]],
}


def _cell(name, init, expr, inputs):
    lines = [f"class {name}(nn.Cell):", "    def __init__(self):", "        super().__init__()"]
    if init:
        lines.append(f"        self.op = {init}")
    return "\n".join(lines + [f"    def construct(self, {', '.join(inputs)}):", f"        return {expr}", ""])


MODULE = load_module("\n\n".join(_cell(name, *case) for name, case in CASES.items()))


def _leaves(value):
    return list(value) if isinstance(value, (tuple, list)) else [value]


@pytest.mark.parametrize("name", CASES)
def test_forward_matches_mindspore(name):
    _, _, inputs = CASES[name]
    net = getattr(MODULE, name)()
    args = [ms.Tensor(v) for v in inputs.values()]
    eager = _leaves(net(*args))
    assert len(eager) == len(FORWARD[name])
    for got, compiled, want in zip(eager, compiled_forward(net, args), FORWARD[name]):
        got = got.asnumpy()
        assert got.dtype == (np.int64 if name == "max_pool2d_indices" else np.float32)
        np.testing.assert_allclose(got.ravel(), want, rtol=2e-5, atol=5e-6)
        np.testing.assert_allclose(np.asarray(compiled), got, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", [n for n in CASES if n != "max_pool2d_indices"])
def test_gradient_matches_finite_differences(name):
    _, _, inputs = CASES[name]
    away_from_kinks = [v + np.float32(0.37) if v is KINKS else v for v in inputs.values()]
    check_gradients(getattr(MODULE, name)(), away_from_kinks)


@pytest.mark.parametrize("name", GRADIENTS)
def test_gradient_matches_mindspore(name):
    _, _, inputs = CASES[name]
    net = getattr(MODULE, name)()
    args = [ms.Tensor(v) for v in inputs.values()]
    out = net(*args)
    sens = tuple(ms.Tensor(values(leaf.shape, 5.0)) for leaf in _leaves(out))
    grads = ops.GradOperation(get_all=True, sens_param=True)(net)(*args, sens if isinstance(out, tuple) else sens[0])
    for got, want, arg in zip(_leaves(grads), GRADIENTS[name], args):
        assert got.shape == arg.shape and got.dtype == arg.dtype
        if want is not None:
            np.testing.assert_allclose(got.asnumpy().ravel(), want, rtol=1e-5, atol=2e-6)


PROGRAMS = load_module('''
class Pool(nn.Cell):
    def construct(self, x):
        return ops.max_pool2d(x, 2, 1)


class Dropout(nn.Cell):
    def construct(self, x):
        return ops.dropout(x, p=0.25) * 2.0


class DropoutClass(nn.Cell):
    def __init__(self):
        super().__init__()
        self.dropout = ops.Dropout(keep_prob=0.6)

    def construct(self, x):
        y, mask = self.dropout(x)
        return y, mask
''')


def test_max_pool_gradient_goes_to_the_first_of_tied_maxima():
    grad = ops.GradOperation()(PROGRAMS.Pool())(ms.Tensor(np.ones((1, 1, 3, 3), np.float32)))
    np.testing.assert_array_equal(grad.asnumpy()[0, 0], [[1, 1, 0], [1, 1, 0], [0, 0, 0]])   # as MindSpore


def test_dropout_masks_come_from_the_seeded_generator_and_scale_the_gradient():
    net, x = PROGRAMS.Dropout(), ms.Tensor(values((20, 30)))
    ms.set_seed(7)
    out = net(x).asnumpy()
    ms.set_seed(7)
    again = net(x).asnumpy()
    ms.set_seed(7)
    grad = ops.GradOperation()(net)(x).asnumpy()
    kept = out != 0
    np.testing.assert_array_equal(out, again)
    np.testing.assert_allclose(out[kept], x.asnumpy()[kept] / 0.75 * 2.0, rtol=1e-6)
    assert 0.65 < kept.mean() < 0.85
    np.testing.assert_allclose(grad, kept / 0.75 * 2.0, rtol=1e-6)


def test_dropout_class_returns_the_output_and_its_mask():
    net, x = PROGRAMS.DropoutClass(), ms.Tensor(values((4, 5)))
    ms.set_seed(3)
    out, mask = net(x)
    ms.set_seed(3)
    grad = ops.GradOperation(sens_param=True)(net)(x, (ms.Tensor(np.ones((4, 5), np.float32)),
                                                     ms.Tensor(np.ones((4, 5), np.float32))))
    assert mask.dtype == ms.float32 and set(np.unique(mask.asnumpy())) <= {0.0, 1.0}
    np.testing.assert_allclose(out.asnumpy(), x.asnumpy() * mask.asnumpy() / 0.6, rtol=1e-6)
    np.testing.assert_allclose(grad.asnumpy(), mask.asnumpy() / 0.6, rtol=1e-6)


def test_generated_code_names_the_operations():
    net, x, w = MODULE.conv2d_pad_bias(), ms.Tensor(values((1, 2, 4, 4))), ms.Tensor(values((2, 2, 2, 2)))
    grad_fn = ops.GradOperation(get_all=True)(net)
    grad_fn(x, w, ms.Tensor(values((2,))))
    assert "dx = conv2d_grad_input(" in grad_fn.source and "db = sum_to_channels(" in grad_fn.source
    assert "= conv2d(x, w" not in grad_fn.source          # its value: nothing reads it, so not computed
    values_fn = ms.value_and_grad(net, (0, 1, 2))
    values_fn(x, w, ms.Tensor(values((2,))))
    assert "conv2d(x, w, stride=(2, 2), padding=(1, 1, 1, 1))" in values_fn.source
    relu = ops.GradOperation()(MODULE.relu())
    relu(ms.Tensor(KINKS))
    assert "np.maximum(x, 0)" in relu.source


ERRORS = load_module('''
class Conv(nn.Cell):
    def construct(self, x, w):
        return ops.conv2d(x, w, padding=1)
''')


@pytest.mark.parametrize("call, message", [
    (lambda x: ops.conv2d(x, x, padding=1), "'pad' must be zero when 'pad_mode' is not 'pad'"),
    (lambda x: ops.conv2d(x, x, pad_mode="full"), "'pad_mode' must be one of"),
    (lambda x: ops.gelu(x, approximate="erf"), "either 'none' or 'tanh'"),
    (lambda x: ops.cross_entropy(x, x, reduction="avg"), "'reduction' must be in"),
    (lambda x: ops.dropout(x, p=1.0), "'keep_prob' must be in"),
    (lambda x: ops.max_pool2d(x, 0), "'kernel_size' must be a positive int"),
    (lambda x: ops.Softmax(axis=(0, 1)), "the type of 'axis' must be int"),
    (lambda x: ops.MaxPool(2, data_format="NHWC"), "data_format 'NCHW' only"),
])
def test_static_arguments_are_checked_as_mindspore_does(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(ms.Tensor(np.ones((1, 1, 3, 3), np.float32)))


def test_a_static_argument_error_points_at_the_users_line():
    x = ms.Tensor(np.ones((1, 1, 3, 3), np.float32))
    with pytest.raises(ops.GradValueError) as error:
        ops.GradOperation()(ERRORS.Conv())(x, x)
    assert "'pad' must be zero" in str(error.value) and "ops.conv2d(x, w, padding=1)" in str(error.value)
