"""Train a small recurrent network with msgrad: a loop over time steps in construct, its
gradient generated as one numpy function with a loop of its own.

The network reads a sequence of 2-dimensional inputs and learns to output the running sum of
their first component (a task its tanh state can just about hold). Run it with
`python examples/rnn.py` (a second or two); `--show-code` also prints the generated gradient
code: `u @ x[t]` for every step is one product before the loop, the backward loop counts down,
and tanh's `1 - y * y` for every step is computed at once.
"""
import sys

import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops

STEPS, INPUTS, HIDDEN = 12, 2, 16


class Recurrent(nn.Cell):
    def __init__(self, rng):
        super().__init__()
        self.w = ms.Parameter(ms.Tensor((rng.standard_normal((HIDDEN, HIDDEN)) * 0.3).astype(np.float32)), name="w")
        self.u = ms.Parameter(ms.Tensor((rng.standard_normal((HIDDEN, INPUTS)) * 0.5).astype(np.float32)), name="u")
        self.v = ms.Parameter(ms.Tensor((rng.standard_normal(HIDDEN) * 0.1).astype(np.float32)), name="v")

    def construct(self, xs, target):
        h = ops.zeros((HIDDEN,), ms.float32)
        for t in range(xs.shape[0]):
            h = ops.tanh(self.w @ h + self.u @ xs[t])
        err = ops.sum(self.v * h) - target
        return err * err


def train(iterations=300, learning_rate=0.05, seed=0):
    """(the network, its gradient function, the mean loss of the first and last 20 iterations)."""
    rng = np.random.default_rng(seed)
    net = Recurrent(rng)
    weights = ms.ParameterTuple(net.trainable_params())
    grad_fn = ops.GradOperation(get_by_list=True)(net, weights)
    losses = []
    for _ in range(iterations):
        xs = rng.uniform(-0.3, 0.3, (STEPS, INPUTS)).astype(np.float32)
        target = ms.Tensor(np.float32(xs[:, 0].sum()))
        xs = ms.Tensor(xs)
        losses.append(float(net(xs, target).asnumpy()))
        for w, g in zip(weights, grad_fn(xs, target)):
            w.set_data(w.asnumpy() - learning_rate * g.asnumpy())
    return net, grad_fn, np.mean(losses[:20]), np.mean(losses[-20:])


if __name__ == "__main__":
    net, grad_fn, first, last = train()
    print(f"mean squared error: {first:.4f} over the first 20 sequences, {last:.4f} over the last 20")
    if "--show-code" in sys.argv:
        print(grad_fn.source)
