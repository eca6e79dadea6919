"""3 and 4. MLP 784-256-128-10 with tanh, and softmax cross entropy against one-hot labels,
mean over a batch of 64 (workload mlp64) or 1024 (mlp1024). The labels are a constant of the
loss, not differentiated; the gradient is of the six weights and the input batch."""
import sys
import types

import numpy as np

import msgrad as ms
import msgrad.nn as nn
import msgrad.ops as ops

PARAMS = ("w1", "b1", "w2", "b2", "w3", "b3")
INPUT = "x"
SIZES = (784, 256, 128, 10)


def variant(name):
    """mlp64 or mlp1024: this module with its batch size."""
    batch = int(name[len("mlp"):])
    workload = types.SimpleNamespace(**{k: v for k, v in vars(sys.modules[__name__]).items()
                                        if not k.startswith("__")})
    workload.TITLE = f"{3 if batch == 64 else 4} MLP 784-256-128-10 tanh, softmax CE, batch {batch}"
    workload.make_data = lambda rng: make_data(rng, batch)
    return workload


def make_data(rng, batch):
    arrays = {}
    for i, (n_in, n_out) in enumerate(zip(SIZES, SIZES[1:]), start=1):
        arrays[f"w{i}"] = (rng.standard_normal((n_in, n_out)) / np.sqrt(n_in)).astype(np.float32)
        arrays[f"b{i}"] = (rng.standard_normal(n_out) * 0.1).astype(np.float32)
    arrays["x"] = rng.standard_normal((batch, SIZES[0])).astype(np.float32)
    labels = np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], batch)]
    return arrays, {"labels": labels}


class Net(nn.Cell):
    def __init__(self, arrays, constants):
        super().__init__()
        self.w1 = ms.Parameter(arrays["w1"], name="w1")
        self.b1 = ms.Parameter(arrays["b1"], name="b1")
        self.w2 = ms.Parameter(arrays["w2"], name="w2")
        self.b2 = ms.Parameter(arrays["b2"], name="b2")
        self.w3 = ms.Parameter(arrays["w3"], name="w3")
        self.b3 = ms.Parameter(arrays["b3"], name="b3")
        self.labels = ms.Tensor(constants["labels"])

    def construct(self, x):
        h1 = ops.tanh(ops.matmul(x, self.w1) + self.b1)
        h2 = ops.tanh(ops.matmul(h1, self.w2) + self.b2)
        logits = ops.matmul(h2, self.w3) + self.b3
        return ops.cross_entropy(logits, self.labels)


def numpy_value_and_grad(w1, b1, w2, b2, w3, b3, x, *, labels):
    batch = x.shape[0]
    # forward, in place where a temporary would only be thrown away
    h1 = x @ w1
    h1 += b1
    np.tanh(h1, out=h1)
    h2 = h1 @ w2
    h2 += b2
    np.tanh(h2, out=h2)
    z = h2 @ w3
    z += b3
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    total = p.sum(axis=1, keepdims=True)
    loss = (np.log(total).sum() - (labels * z).sum()) / batch   # one-hot rows sum to 1
    # backward: d(loss)/d(z) = (softmax(z) - labels) / batch
    p /= total
    p -= labels
    p *= 1.0 / batch
    dz = p
    dw3 = h2.T @ dz
    db3 = dz.sum(axis=0)
    da2 = dz @ w3.T
    da2 *= 1.0 - h2 * h2
    dw2 = h1.T @ da2
    db2 = da2.sum(axis=0)
    da1 = da2 @ w2.T
    da1 *= 1.0 - h1 * h1
    dw1 = x.T @ da1
    db1 = da1.sum(axis=0)
    dx = da1 @ w1.T
    return loss, (dw1, db1, dw2, db2, dw3, db3, dx)


def autograd_loss(constants):
    import autograd.numpy as anp
    from autograd.scipy.special import logsumexp
    labels = constants["labels"]

    def loss(w1, b1, w2, b2, w3, b3, x):
        h1 = anp.tanh(x @ w1 + b1)
        h2 = anp.tanh(h1 @ w2 + b2)
        z = h2 @ w3 + b3
        log_p = z - logsumexp(z, axis=1, keepdims=True)
        return -anp.sum(labels * log_p) / x.shape[0]
    return loss


def jax_loss(constants):
    import jax
    import jax.numpy as jnp
    labels = jnp.asarray(constants["labels"])

    def loss(w1, b1, w2, b2, w3, b3, x):
        h1 = jnp.tanh(x @ w1 + b1)
        h2 = jnp.tanh(h1 @ w2 + b2)
        z = h2 @ w3 + b3
        return -jnp.sum(labels * jax.nn.log_softmax(z, axis=1)) / x.shape[0]
    return loss


def torch_loss(constants):
    import torch
    import torch.nn.functional as F
    labels = torch.from_numpy(constants["labels"])

    def loss(w1, b1, w2, b2, w3, b3, x):
        h1 = torch.tanh(x @ w1 + b1)
        h2 = torch.tanh(h1 @ w2 + b2)
        return F.cross_entropy(h2 @ w3 + b3, labels)     # probability targets, mean over the batch
    return loss
