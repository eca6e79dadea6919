"""Train a small classifier with msgrad: nn layers, a loss, GradOperation and a plain SGD loop.

The data are noisy 8x8 images of three random patterns; a LeNet-like network (a convolution,
pooling, then a two-layer perceptron) learns to tell them apart. Run it with
`python examples/mlp_training.py` (a few seconds); `--show-code` also prints the gradient code
msgrad generated for the network and its loss."""
import sys

import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops


class Classifier(nn.Cell):
    """Images (N, 1, 8, 8) -> 4 feature maps 6x6 -> pooled to 3x3 -> 16 hidden units -> 3 scores."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, pad_mode="valid", has_bias=True)
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()
        self.dense1 = nn.Dense(36, 16)
        self.dense2 = nn.Dense(16, 3)
        self.relu = nn.ReLU()

    def construct(self, x):
        x = self.pool(self.relu(self.conv(x)))
        x = self.relu(self.dense1(self.flatten(x)))
        return self.dense2(x)


class NetWithLoss(nn.Cell):
    """The network followed by its loss: what GradOperation differentiates."""

    def __init__(self, net, loss_fn):
        super().__init__()
        self.net = net
        self.loss_fn = loss_fn

    def construct(self, x, labels):
        return self.loss_fn(self.net(x), labels)


def make_data(n, rng):
    patterns = rng.choice([-1.0, 1.0], (3, 1, 8, 8))
    labels = rng.integers(0, 3, n)
    images = 0.5 * patterns[labels] + rng.normal(0.0, 1.0, (n, 1, 8, 8))
    return ms.Tensor(images.astype(np.float32)), ms.Tensor(labels.astype(np.int32))


def main(steps=100, learning_rate=0.05):
    ms.set_seed(0)                                  # the same initial weights on every run
    x, labels = make_data(64, np.random.default_rng(0))
    net = Classifier()
    net_with_loss = NetWithLoss(net, nn.CrossEntropyLoss())
    weights = ms.ParameterTuple(net.trainable_params())
    grad_fn = ops.GradOperation(get_by_list=True)(net_with_loss, weights)

    print("parameters:", ", ".join(f"{p.name} {p.shape}" for p in weights))
    for step in range(steps + 1):
        if step % 10 == 0:
            loss = net_with_loss(x, labels)
            accuracy = float(np.mean(net(x).asnumpy().argmax(axis=1) == labels.asnumpy()))
            print(f"step {step:3d}  loss {float(loss):.4f}  accuracy {accuracy:.2f}")
        grads = grad_fn(x, labels)
        for param, grad in zip(weights, grads):
            param.set_data(param - learning_rate * grad)
    if "--show-code" in sys.argv:
        print(grad_fn.source)
    return float(net_with_loss(x, labels))


if __name__ == "__main__":
    main()
