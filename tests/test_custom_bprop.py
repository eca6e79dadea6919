"""Cells with a custom `bprop`: it replaces construct's gradient (expected values printed by
MindSpore 2.10). Each bprop here deliberately differs from construct's true gradient, so a
gradient taken from construct instead would fail."""
import numpy as np
import pytest

import msgrad as ms
from msgrad import Parameter, ParameterTuple, Tensor, nn, ops
from msgrad.errors import GradRuntimeError, GradTypeError

from gradcheck import GRADNET, load_module

M = load_module(GRADNET + '''
class Mul(nn.Cell):
    def construct(self, x, y):
        return x * y

    def bprop(self, x, y, out, dout):
        return dout * 2, dout * 3


class Outer(nn.Cell):
    def __init__(self):
        super().__init__()
        self.m = Mul()

    def construct(self, x, y):
        return ops.sin(self.m(x * x, y + 1)) + x


class Twice(nn.Cell):
    def __init__(self):
        super().__init__()
        self.m = Mul()

    def construct(self, x, y):
        return self.m(self.m(x, y), y)


class WMul(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.array([3.0, 4.0], np.float32)), name='w')

    def construct(self, x):
        return self.w * x

    def bprop(self, x, out, dout):
        return (dout * 10,)


class WithParams(nn.Cell):
    def __init__(self):
        super().__init__()
        self.inner = WMul()
        self.v = Parameter(Tensor(np.array([2.0, 2.0], np.float32)), name='v')

    def construct(self, x):
        return self.inner(x * self.v) * self.v


class Two(nn.Cell):
    def construct(self, x, y):
        return x * y, x + y

    def bprop(self, x, y, out, dout):
        return dout[0] * 2 + dout[1], dout[0] * 3 + dout[1]


class UseFirst(nn.Cell):
    def __init__(self):
        super().__init__()
        self.t = Two()

    def construct(self, x, y):
        a, b = self.t(x, y)
        return a * 4


class Nested(nn.Cell):
    def construct(self, x):
        return (x * 2, (x * 3, x * 4))

    def bprop(self, x, out, dout):
        return (dout[0] * 2 + dout[1] * 3 + dout[2] * 4,)


class ScalarArg(nn.Cell):
    def construct(self, x, k):
        return x * k

    def bprop(self, x, k, out, dout):
        return dout * k, 0


class Cube(nn.Cell):
    def construct(self, x):
        return x ** 3

    def bprop(self, x, out, dout):
        return (3 * x * x * dout,)


class CubeConst(nn.Cell):
    def construct(self, x):
        return x ** 3

    def bprop(self, x, out, dout):
        return (dout * 7,)


class CubeOut(nn.Cell):
    def construct(self, x):
        return x ** 3

    def bprop(self, x, out, dout):
        return (3 * out / x * dout,)


class SinOfCube(nn.Cell):
    def __init__(self):
        super().__init__()
        self.c = Cube()

    def construct(self, x):
        return ops.sin(self.c(x))


def returning(result):
    class Custom(nn.Cell):
        def construct(self, x, y):
            return x * y

        def bprop(self, x, y, out, dout):
            return result(dout)
    return Custom()
''')
X, Y = Tensor(np.array([1.0, 2.0], np.float32)), Tensor(np.array([5.0, 7.0], np.float32))


def lists(result):
    if isinstance(result, tuple):
        return tuple(lists(r) for r in result)
    return result.asnumpy().tolist()


def full(value):
    return Tensor(np.full(2, value, np.float32))


def test_top_level_bprop_replaces_construct():
    net = M.Mul()
    assert lists(ops.GradOperation()(net)(X, Y)) == [2.0, 2.0]
    assert lists(ops.GradOperation(get_all=True)(net)(X, Y)) == ([2.0, 2.0], [3.0, 3.0])
    sens = Tensor(np.array([10.0, 100.0], np.float32))
    assert lists(ops.GradOperation(get_all=True, sens_param=True)(net)(X, Y, sens)) == ([20.0, 200.0], [30.0, 300.0])
    assert lists(ms.grad(net, 1)(X, Y)) == [3.0, 3.0]
    assert lists(ms.value_and_grad(net, (0, 1))(X, Y)) == ([5.0, 14.0], ([2.0, 2.0], [3.0, 3.0]))
    out, vjp_fn = ops.vjp(net, X, Y)
    assert lists(vjp_fn(full(1.0))) == ([2.0, 2.0], [3.0, 3.0])


def test_bprop_of_a_sub_cell_inside_a_differentiated_construct():
    dx, dy = lists(ops.GradOperation(get_all=True)(M.Outer())(X, Y))
    np.testing.assert_allclose(dx, [4.840681076049805, 7.6737871170043945], rtol=1e-6)
    np.testing.assert_allclose(dy, [2.8805108070373535, 2.5026702880859375], rtol=1e-6)
    assert lists(ops.GradOperation(get_all=True)(M.Twice())(X, Y)) == ([4.0, 4.0], [9.0, 9.0])


def test_parameters_of_a_cell_with_bprop_get_zeros():
    net = M.WMul()
    weights = ParameterTuple(net.trainable_params())
    assert lists(ops.GradOperation(get_all=True, get_by_list=True)(net, weights)(X)) == (([10.0, 10.0],), ([0.0, 0.0],))
    outer = M.WithParams()
    weights = ParameterTuple(outer.trainable_params())
    assert [w.name for w in weights] == ["v", "inner.w"]
    assert lists(ops.GradOperation(get_all=True, get_by_list=True)(outer, weights)(X)) == \
        (([40.0, 40.0],), ([26.0, 56.0], [0.0, 0.0]))


def test_out_is_nested_and_dout_flat_with_zeros_for_unused_outputs():
    assert lists(ops.GradOperation(get_all=True)(M.Two())(X, Y)) == ([3.0, 3.0], [4.0, 4.0])
    sens = (full(10.0), full(100.0))
    assert lists(ops.GradOperation(get_all=True, sens_param=True)(M.Two())(X, Y, sens)) == ([120.0, 120.0], [130.0, 130.0])
    assert lists(ops.GradOperation(get_all=True)(M.UseFirst())(X, Y)) == ([8.0, 8.0], [12.0, 12.0])
    sens = (full(1.0), (full(10.0), full(100.0)))
    assert lists(ops.GradOperation(sens_param=True)(M.Nested())(X, sens)) == [432.0, 432.0]


def test_constant_inputs_pass_to_bprop_and_get_no_gradient():
    assert lists(ops.GradOperation()(M.ScalarArg())(X, 3)) == [3.0, 3.0]
    assert lists(ops.GradOperation(get_all=True)(M.ScalarArg())(X, 3)) == ([3.0, 3.0],)


@pytest.mark.parametrize("result, expected", [
    (lambda d: [d * 2, d * 3], ([2.0, 2.0], [3.0, 3.0])),          # a list
    (lambda d: (d, d, d), ([1.0, 1.0], [1.0, 1.0])),                # extra items are ignored
    (lambda d: (None, d), ([0.0, 0.0], [1.0, 1.0])),                # None means zeros
    (lambda d: (Tensor(np.ones(2, np.float64)), d), ([1.0, 1.0], [1.0, 1.0])),   # cast to the input's dtype
])
def test_what_bprop_may_return(result, expected):
    grads = ops.GradOperation(get_all=True)(M.returning(result))(X, Y)
    assert lists(grads) == expected
    assert all(g.dtype == ms.float32 for g in grads)


@pytest.mark.parametrize("result, error, message", [
    (lambda d: (d,), GradRuntimeError, "Grad size should lager than forward inputs, but got 1 vs 2"),
    (lambda d: d, GradRuntimeError, "Grad size should lager than forward inputs, but got 1 vs 2"),
    (lambda d: (Tensor(np.ones(3, np.float32)), d), GradRuntimeError, "but got [3] vs [2]"),
    (lambda d: (1.0, d), GradTypeError, "returned a float as a gradient"),
])
def test_bprop_returning_the_wrong_gradients_is_a_clear_error(result, error, message):
    with pytest.raises(error) as info:
        ops.GradOperation(get_all=True)(M.returning(result))(X, Y)
    assert message in str(info.value)
    assert "in returning.<locals>.Custom.bprop" in str(info.value)


def nest(net, depth):
    for _ in range(depth):
        net = M.GradNet(net)
    return net


@pytest.mark.parametrize("net, depth, expected", [
    (M.Cube, 1, [3.0, 12.0]), (M.Cube, 2, [6.0, 12.0]), (M.Cube, 3, [6.0, 6.0]),
    (M.CubeConst, 1, [7.0, 7.0]), (M.CubeConst, 2, [0.0, 0.0]),
    (M.CubeOut, 1, [3.0, 12.0]), (M.CubeOut, 2, [6.0, 12.0]),      # out depends on x, as in MindSpore
])
def test_a_bprop_is_differentiated_for_higher_order(net, depth, expected):
    assert lists(nest(net(), depth)(X)) == expected


def test_a_bprop_inside_a_network_is_differentiated_again():
    x = X.asnumpy().astype(np.float64)
    expected = -np.sin(x ** 3) * 9 * x ** 4 + np.cos(x ** 3) * 6 * x
    np.testing.assert_allclose(lists(nest(M.SinOfCube(), 2)(X)), expected, rtol=1e-5)
    assert lists(ms.grad(ms.grad(M.Cube()))(X)) == [6.0, 12.0]
