"""MindSpore's functional operations (`ops.exp`, `ops.sum`, ...), each reaching the primitive table.

Signatures follow MindSpore 2.10 (`ops.sum(input, dim, keepdim)`, `ops.mean(x, axis, keep_dims)`)."""
from .. import primitives as P
from ..primitives import reaches
from ..tensor import _axis, _shape

add, sub, mul, div = P.add, P.subtract, P.multiply, P.divide
neg = negative = P.negative
maximum, minimum = P.maximum, P.minimum
exp, log, sin, cos, tanh, sqrt = P.exp, P.log, P.sin, P.cos, P.tanh, P.sqrt
matmul = P.matmul
stop_gradient = P.stop_gradient


@reaches
def pow(input, exponent):
    return P.power(input, exponent)


@reaches
def dot(input, other):
    return P.matmul(input, other)


@reaches
def sum(input, dim=None, keepdim=False, *, dtype=None):
    return P.reduce_sum(input, axis=_axis(dim), keepdims=keepdim)


@reaches
def mean(x, axis=None, keep_dims=False):
    return P.reduce_mean(x, axis=_axis(axis), keepdims=keep_dims)


@reaches
def reshape(input, shape):
    return P.reshape(input, shape=_shape((shape,)))


@reaches
def transpose(input, input_perm):
    return P.transpose(input, axes=_shape((input_perm,)))
