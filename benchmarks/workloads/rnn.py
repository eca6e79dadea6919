"""5. RNN loop: 50 steps of h = tanh(W @ h + U @ x[t]), hidden 64, input 32, from a learned
initial state h0; the loss is the sum of the last state."""
import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops

TITLE = "5 RNN loop: 50 x h = tanh(W@h + U@x[t]), hidden 64, input 32"
PARAMS = ("w", "u", "h0")
INPUT = "x"
STEPS, HIDDEN, INPUTS = 50, 64, 32


def make_data(rng):
    arrays = {
        "w": (rng.standard_normal((HIDDEN, HIDDEN)) * (0.9 / np.sqrt(HIDDEN))).astype(np.float32),
        "u": (rng.standard_normal((HIDDEN, INPUTS)) / np.sqrt(INPUTS)).astype(np.float32),
        "h0": (rng.standard_normal(HIDDEN) * 0.1).astype(np.float32),
        "x": rng.standard_normal((STEPS, INPUTS)).astype(np.float32),
    }
    return arrays, {}


class Net(nn.Cell):
    def __init__(self, arrays, constants):
        super().__init__()
        self.w = ms.Parameter(arrays["w"], name="w")
        self.u = ms.Parameter(arrays["u"], name="u")
        self.h0 = ms.Parameter(arrays["h0"], name="h0")

    def construct(self, x):
        h = self.h0
        for t in range(x.shape[0]):
            h = ops.tanh(self.w @ h + self.u @ x[t])
        return ops.sum(h)


def numpy_value_and_grad(w, u, h0, x):
    steps = x.shape[0]
    ux = x @ u.T                          # every step's U @ x[t] in one matmul
    hs = np.empty((steps + 1, h0.shape[0]), dtype=h0.dtype)
    hs[0] = h0
    for t in range(steps):
        a = w @ hs[t]
        a += ux[t]
        np.tanh(a, out=hs[t + 1])
    loss = hs[steps].sum()
    # backward: da[t] = d(loss)/d(pre-activation of step t); dh runs back through W
    slopes = 1.0 - hs[1:] * hs[1:]        # tanh' of every step at once
    da = np.empty_like(slopes)
    dh = np.ones_like(h0)
    for t in range(steps - 1, -1, -1):
        np.multiply(dh, slopes[t], out=da[t])
        dh = da[t] @ w
    dw = da.T @ hs[:steps]                # the per-step outer products, summed, as one matmul
    du = da.T @ x
    dx = da @ u
    return loss, (dw, du, dh, dx)


def autograd_loss(constants):
    import autograd.numpy as anp

    def loss(w, u, h0, x):
        h = h0
        for t in range(x.shape[0]):
            h = anp.tanh(w @ h + u @ x[t])
        return anp.sum(h)
    return loss


def jax_loss(constants):
    import jax.numpy as jnp

    def loss(w, u, h0, x):
        h = h0
        for t in range(x.shape[0]):
            h = jnp.tanh(w @ h + u @ x[t])
        return jnp.sum(h)
    return loss


def jax_jit_loss(constants):
    """For jax.jit, the loop as lax.scan, as a JAX user writes it (unrolled, it compiles for
    ten seconds)."""
    import jax.numpy as jnp
    from jax import lax

    def loss(w, u, h0, x):
        def step(h, x_t):
            return jnp.tanh(w @ h + u @ x_t), None
        h, _ = lax.scan(step, h0, x)
        return jnp.sum(h)
    return loss


def torch_loss(constants):
    import torch

    def loss(w, u, h0, x):
        h = h0
        for t in range(x.shape[0]):
            h = torch.tanh(w @ h + u @ x[t])
        return torch.sum(h)
    return loss
