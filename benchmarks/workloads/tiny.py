"""1. tiny: sum(w * x + b) on shape-[1] arrays. The arithmetic costs nothing; what is left is
what a call costs: wrapping, seeding, dispatch."""
import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops

TITLE = "1 tiny: sum(w*x + b), shape [1]"
PARAMS = ("w", "b")
INPUT = "x"


def make_data(rng):
    arrays = {name: rng.standard_normal(1).astype(np.float32) for name in PARAMS + (INPUT,)}
    return arrays, {}


class Net(nn.Cell):
    def __init__(self, arrays, constants):
        super().__init__()
        self.w = ms.Parameter(arrays["w"], name="w")
        self.b = ms.Parameter(arrays["b"], name="b")

    def construct(self, x):
        return ops.sum(self.w * x + self.b)


def numpy_value_and_grad(w, b, x):
    loss = (w * x + b).sum()
    dy = np.ones_like(x)                 # d loss / d (w*x + b), shape [1]
    return loss, (dy * x, dy, dy * w)


def autograd_loss(constants):
    import autograd.numpy as anp

    def loss(w, b, x):
        return anp.sum(w * x + b)
    return loss


def jax_loss(constants):
    import jax.numpy as jnp

    def loss(w, b, x):
        return jnp.sum(w * x + b)
    return loss


def torch_loss(constants):
    import torch

    def loss(w, b, x):
        return torch.sum(w * x + b)
    return loss
