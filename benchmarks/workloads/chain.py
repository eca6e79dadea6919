"""2. elementwise chain: twenty elementwise operations (sin, cos, exp, tanh, mul, add) on
shape [16], several of whose results are used twice, then a sum."""
import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops

TITLE = "2 elementwise chain: 20 ops with reuse, shape [16]"
PARAMS = ("a", "b")
INPUT = "x"


def make_data(rng):
    arrays = {name: rng.uniform(-1.0, 1.0, 16).astype(np.float32) for name in PARAMS + (INPUT,)}
    return arrays, {}


class Net(nn.Cell):
    def __init__(self, arrays, constants):
        super().__init__()
        self.a = ms.Parameter(arrays["a"], name="a")
        self.b = ms.Parameter(arrays["b"], name="b")

    def construct(self, x):
        t = self.a * x
        s = ops.sin(t)
        c = ops.cos(t)
        v = ops.tanh(s * c + self.b)
        e = ops.exp(v * 0.5)
        w = e * x + s
        p = ops.sin(w) * v
        q = ops.cos(p + self.a)
        r = ops.tanh(q * q - c)
        y = ops.exp(r * self.b) + w
        return ops.sum(y)


def numpy_value_and_grad(a, b, x):
    # forward, keeping what the backward reads
    t = a * x
    s = np.sin(t)
    c = np.cos(t)
    v = np.tanh(s * c + b)
    e = np.exp(v * 0.5)
    w = e * x + s
    sw = np.sin(w)
    k = sw * v + a
    q = np.cos(k)
    r = np.tanh(q * q - c)
    er = np.exp(r * b)
    loss = (er + w).sum()
    # backward, d(loss)/d(y) = 1
    db = er * r
    dg = er * b * (1.0 - r * r)          # through r = tanh(g), g = q*q - c
    dk = -2.0 * dg * q * np.sin(k)       # through q = cos(k), k = p + a
    dw = dk * v * np.cos(w) + 1.0        # through p = sin(w) * v, and y = ... + w
    dv = dk * sw + dw * x * e * 0.5      # through p, and e = exp(v / 2) in w = e*x + s
    du = dv * (1.0 - v * v)              # through v = tanh(u), u = s*c + b
    db += du
    dt = (dw + du * c) * c - (du * s - dg) * s     # through s = sin(t) and c = cos(t)
    da = dk + dt * x
    dx = dw * e + dt * a
    return loss, (da, db, dx)


def autograd_loss(constants):
    import autograd.numpy as anp
    return _chain(anp)


def jax_loss(constants):
    import jax.numpy as jnp
    return _chain(jnp)


def torch_loss(constants):
    import torch
    return _chain(torch)


def _chain(m):
    """The same program for autograd.numpy, jax.numpy and torch, which all spell these the same."""
    def loss(a, b, x):
        t = a * x
        s = m.sin(t)
        c = m.cos(t)
        v = m.tanh(s * c + b)
        e = m.exp(v * 0.5)
        w = e * x + s
        p = m.sin(w) * v
        q = m.cos(p + a)
        r = m.tanh(q * q - c)
        y = m.exp(r * b) + w
        return m.sum(y)
    return loss
