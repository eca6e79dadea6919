"""Programs whose generated adjoints are pinned in this folder (see tests/test_golden.py)."""
import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops


class Linear(nn.Cell):
    """The tutorial's network."""

    def __init__(self):
        super().__init__()
        self.w = ms.Parameter(np.array([6.0]), name='w')
        self.b = ms.Parameter(np.array([1.0]), name='b')

    def construct(self, x):
        f = self.w * x + self.b
        return f


class TwoLayer(nn.Cell):
    """Dense layers by hand: matmul, broadcasting bias, tanh, a mean and a second output."""

    def __init__(self):
        super().__init__()
        self.w1 = ms.Parameter(ms.Tensor(np.full((3, 4), 0.1, np.float32)), name='w1')
        self.b1 = ms.Parameter(ms.Tensor(np.zeros(4, np.float32)), name='b1')
        self.w2 = ms.Parameter(ms.Tensor(np.full((4, 2), 0.2, np.float32)), name='w2')
        self.matmul = ops.MatMul()

    def construct(self, x, target):
        h = ops.tanh(self.matmul(x, self.w1) + self.b1)
        y = h @ self.w2
        err = y - target
        loss = ops.mean(err ** 2)
        return loss, y


class Recurrent(nn.Cell):
    """A loop over time steps: what each iteration saves for the backward sweep."""

    def __init__(self):
        super().__init__()
        self.w = ms.Parameter(ms.Tensor(np.full((4, 4), 0.1, np.float32)), name='w')
        self.u = ms.Parameter(ms.Tensor(np.full((4, 3), 0.2, np.float32)), name='u')

    def construct(self, xs, h):
        for t in range(xs.shape[0]):
            h = ops.tanh(self.w @ h + self.u @ xs[t])
        return h.sum()


class Gate(nn.Cell):
    """A branch on a tensor's value."""

    def __init__(self):
        super().__init__()
        self.w = ms.Parameter(ms.Tensor(np.full(3, 0.5, np.float32)), name='w')

    def construct(self, x):
        if ops.sum(x) > 0:
            y = ops.exp(x) * self.w
        else:
            y = x * x
        return y
