"""Whole straight-line programs against finite differences: reuse of values, reassignment,
augmented assignment, tuple unpacking, several inputs and parameters, tuple outputs."""
import numpy as np
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from gradcheck import check_gradients, load_module

MODULE = load_module('''
class Mlp(nn.Cell):
    def __init__(self, n_in, n_hidden):
        super().__init__()
        self.w1 = Parameter(Tensor(np.linspace(-0.5, 0.5, n_in * n_hidden).reshape(n_in, n_hidden)), name='w1')
        self.b1 = Parameter(Tensor(np.linspace(-0.1, 0.1, n_hidden)), name='b1')
        self.w2 = Parameter(Tensor(np.linspace(0.3, -0.3, n_hidden)), name='w2')
        self.matmul = ops.MatMul()

    def construct(self, x, target):
        h = ops.tanh(self.matmul(x, self.w1) + self.b1)
        y = h @ self.w2
        err = y - target
        return ops.mean(err * err)


class Reuse(nn.Cell):
    def __init__(self):
        super().__init__()
        self.scale = Parameter(np.array([1.5]), name='scale')

    def construct(self, x, y):
        a, b = x * y, x + y
        a = a * self.scale
        a += ops.sin(b) * a
        c = np.exp(-a) / (1.0 + b * b)
        c -= x
        return c, ops.sum(a * b, 0), a


class Powers(nn.Cell):
    def construct(self, x, y):
        z = x ** 2 + ops.sqrt(x) * y ** 3 - ops.log(x) / 2
        return ops.maximum(z, y).sum() + ops.minimum(z, -y).mean()
''')


@given(batch=st.integers(1, 4), n_in=st.integers(1, 3), n_hidden=st.integers(1, 4), data=st.data())
def test_mlp(batch, n_in, n_hidden, data):
    x = data.draw(hnp.arrays(np.float64, (batch, n_in), elements=st.floats(-2, 2)))
    target = data.draw(hnp.arrays(np.float64, (batch,), elements=st.floats(-2, 2)))
    check_gradients(MODULE.Mlp(n_in, n_hidden), [x, target])


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=2, max_side=3),
       data=st.data())
def test_reuse_reassignment_and_tuple_outputs(shapes, data):
    x, y = (data.draw(hnp.arrays(np.float64, s, elements=st.floats(-1, 1))) for s in shapes.input_shapes)
    check_gradients(MODULE.Reuse(), [x, y])


@given(shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3), data=st.data())
def test_powers_and_extrema(shape, data):
    x = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(0.5, 2)))
    y = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1)))
    z = x ** 2 + np.sqrt(x) * y ** 3 - np.log(x) / 2
    y = np.where(np.abs(z - y) < 1e-3, y + 0.01, y)          # keep away from ties
    y = np.where(np.abs(z + y) < 1e-3, y + 0.01, y)
    check_gradients(MODULE.Powers(), [x, y])


INDEXING = load_module('''
class Net(nn.Cell):
    def construct(self, x, idx):
        mask = x > 0.3
        return x[mask].sum() * 2.0 + x[idx] * 3.0 + x[1:][::-1][0] + x[..., None][:, 0][idx]
''')


@given(x=hnp.arrays(np.float64, (5,), elements=st.floats(-1, 1).filter(lambda v: abs(v - 0.3) > 1e-3)),
       idx=hnp.arrays(np.int64, (3,), elements=st.integers(0, 4)))
def test_boolean_masks_and_integer_arrays_with_repeats(x, idx):
    check_gradients(INDEXING.Net(), [x, idx])
