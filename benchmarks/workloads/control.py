"""6. control flow: 100 iterations of a data-dependent `if` on shape [8]: which branch runs
depends on the running state, so neither branch can be known before the call."""
import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops

TITLE = "6 control flow: 100 x data-dependent if, shape [8]"
PARAMS = ("w", "b")
INPUT = "x"
STEPS = 100


def make_data(rng):
    arrays = {"w": rng.uniform(0.7, 1.2, 8).astype(np.float32),
              "b": rng.uniform(-0.5, 0.5, 8).astype(np.float32),
              "x": rng.standard_normal(8).astype(np.float32)}
    return arrays, {}


class Net(nn.Cell):
    def __init__(self, arrays, constants):
        super().__init__()
        self.w = ms.Parameter(arrays["w"], name="w")
        self.b = ms.Parameter(arrays["b"], name="b")

    def construct(self, x):
        h = x
        for i in range(100):
            if ops.sum(h) > 0:
                h = ops.tanh(h * self.w - self.b)
            else:
                h = ops.sin(h) * self.w + self.b
        return ops.sum(h)


def numpy_value_and_grad(w, b, x):
    # forward: per step, what its backward reads
    h = x
    steps = []
    for i in range(STEPS):
        if h.sum() > 0:
            out = np.tanh(h * w - b)
            steps.append((True, h, out))
        else:
            sin_h = np.sin(h)
            out = sin_h * w + b
            steps.append((False, h, sin_h))
        h = out
    loss = h.sum()
    # backward: per step only what feeds the next step back; the contributions to dw and db
    # are stacked and summed once at the end
    dh = np.ones_like(x)
    dpre = np.empty((STEPS, x.shape[0]), dtype=x.dtype)     # d(loss)/d(h*w) of each step
    factor = np.empty_like(dpre)                           # what multiplies w in that step
    sign = np.empty((STEPS, 1), dtype=x.dtype)             # how b enters it
    for i in range(STEPS - 1, -1, -1):
        took_tanh, h_in, saved = steps[i]
        if took_tanh:                       # h' = tanh(h*w - b)
            da = dh * (1.0 - saved * saved)
            factor[i] = h_in
            sign[i] = -1.0
            dh = da * w
        else:                               # h' = sin(h)*w + b
            da = dh
            factor[i] = saved
            sign[i] = 1.0
            dh = da * w * np.cos(h_in)
        dpre[i] = da
    dw = (dpre * factor).sum(axis=0)
    db = (dpre * sign).sum(axis=0)
    return loss, (dw, db, dh)


def autograd_loss(constants):
    import autograd.numpy as anp

    def loss(w, b, x):
        h = x
        for i in range(STEPS):
            if anp.sum(h) > 0:
                h = anp.tanh(h * w - b)
            else:
                h = anp.sin(h) * w + b
        return anp.sum(h)
    return loss


def jax_loss(constants):
    import jax.numpy as jnp

    def loss(w, b, x):                    # eager jax.grad: a Python `if` on a concrete value
        h = x
        for i in range(STEPS):
            if jnp.sum(h) > 0:
                h = jnp.tanh(h * w - b)
            else:
                h = jnp.sin(h) * w + b
        return jnp.sum(h)
    return loss


def jax_jit_loss(constants):
    """For jax.jit, whose traced values have no truth value: lax.cond in lax.fori_loop, as a JAX
    user writes it. (Eager, lax.cond under jax.grad takes a minute a call.)"""
    import jax.numpy as jnp
    from jax import lax

    def step(i, h, w, b):
        return lax.cond(jnp.sum(h) > 0,
                        lambda h: jnp.tanh(h * w - b),
                        lambda h: jnp.sin(h) * w + b, h)

    def loss(w, b, x):
        return jnp.sum(lax.fori_loop(0, STEPS, lambda i, h: step(i, h, w, b), x))
    return loss


def torch_loss(constants):
    import torch

    def loss(w, b, x):
        h = x
        for i in range(STEPS):
            if torch.sum(h) > 0:
                h = torch.tanh(h * w - b)
            else:
                h = torch.sin(h) * w + b
        return torch.sum(h)
    return loss
