"""Gradients of gradients: GradOperation inside construct (the tutorial's GradNet, nested), and
nested ms.grad. Expected values were printed by MindSpore 2.10; where its PyNative mode is wrong
(second derivatives through a full sum, see the notes) msgrad's value is the mathematical one,
which MindSpore's GRAPH_MODE and jacrev(jacrev(f)) also give. Hessians and Hessian-vector
products are checked against finite differences of gradients."""
import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import msgrad as ms
from msgrad import Parameter, ParameterTuple, Tensor, nn, ops
from msgrad.errors import GradError

from gradcheck import load_module

M = load_module('''
class Cube(nn.Cell):
    def construct(self, x):
        return x ** 3


class CubeSum(nn.Cell):
    def construct(self, x):
        return (x ** 3).sum()


class Mixed(nn.Cell):
    def construct(self, x):
        return x[0] ** 2 * x[1] + x[1] ** 3


class TimesSum(nn.Cell):
    def construct(self, x):
        return x * x.sum()


class SinTimes(nn.Cell):
    def construct(self, x, y):
        return ops.sin(x) * y


class Scaled(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.array([3.0, 4.0], np.float32)), name='w')

    def construct(self, x):
        return self.w * x ** 2


class MLP(nn.Cell):
    def __init__(self):
        super().__init__()
        self.d1 = nn.Dense(2, 3, weight_init=Tensor(np.array([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]], np.float32)),
                           bias_init=Tensor(np.array([0.1, -0.1, 0.2], np.float32)))
        self.d2 = nn.Dense(3, 1, weight_init=Tensor(np.array([[0.7, -0.8, 0.9]], np.float32)),
                           bias_init=Tensor(np.array([0.05], np.float32)))
        self.act = nn.Tanh()

    def construct(self, x):
        return self.d2(self.act(self.d1(x)))


class GradNet(nn.Cell):
    def __init__(self, net, params=None, **flags):
        super().__init__()
        self.net = net
        self.params = params
        self.grad_op = ops.GradOperation(**flags)

    def construct(self, *inputs):
        if self.params is None:
            return self.grad_op(self.net)(*inputs)
        return self.grad_op(self.net, self.params)(*inputs)


class Looping(nn.Cell):
    def construct(self, x):
        for i in range(3):
            x = x * x
        return x


def cube(x):
    return x ** 3


def sin_times(x, y):
    return ops.sin(x) * y
''')
X3 = Tensor(np.array([1.0, 2.0, 3.0], np.float32))


def lists(result):
    if isinstance(result, tuple):
        return tuple(lists(r) for r in result)
    return result.asnumpy().tolist()


def close(result, expected):
    np.testing.assert_allclose(np.array(lists(result), dtype=np.float64), np.array(expected, np.float64), rtol=2e-6,
                               atol=1e-6)


def nest(net, depth, **flags):
    for _ in range(depth):
        net = M.GradNet(net, **flags)
    return net


@pytest.mark.parametrize("depth, expected", [(1, 12.0), (2, 12.0), (3, 6.0), (4, 0.0)])
def test_scalar_derivatives_nested_up_to_four_deep(depth, expected):
    result = nest(M.Cube(), depth)(Tensor(2.0, ms.float32))
    assert result.shape == () and result.dtype == ms.float32 and lists(result) == expected


@pytest.mark.parametrize("net", [M.Cube, M.CubeSum])
def test_vector_derivatives(net):
    assert lists(nest(net(), 1)(X3)) == [3.0, 12.0, 27.0]
    assert lists(nest(net(), 2)(X3)) == [6.0, 12.0, 18.0]
    assert lists(nest(net(), 3)(X3)) == [6.0, 6.0, 6.0]
    assert lists(nest(net(), 2)(Tensor(np.array([[1.0, 2.0], [3.0, 4.0]], np.float32)))) == [[6.0, 12.0], [18.0, 24.0]]


def test_dtypes_follow_the_input():
    assert nest(M.Cube(), 2)(Tensor(2.0, ms.float64)).dtype == ms.float64
    result = nest(M.Cube(), 2)(Tensor(2, ms.int32))
    assert result.dtype == ms.int32 and lists(result) == 12


def test_second_derivatives_through_sums_and_indexing_are_right():
    """MindSpore 2.10's PyNative mode gives [3, 3, 3] and raises for Mixed; the maths says this."""
    assert lists(nest(M.TimesSum(), 2)(X3)) == [6.0, 6.0, 6.0]
    assert lists(nest(M.Mixed(), 1)(Tensor(np.array([1.0, 2.0], np.float32)))) == [4.0, 13.0]
    assert lists(nest(M.Mixed(), 2)(Tensor(np.array([1.0, 2.0], np.float32)))) == [6.0, 14.0]


X2, Y2 = Tensor(np.array([0.5, 1.0], np.float32)), Tensor(np.array([2.0, 3.0], np.float32))


@pytest.mark.parametrize("inner, outer, expected", [
    ({}, {}, [-0.9588510990142822, -2.5244128704071045]),
    ({}, {"get_all": True}, ([-0.9588510990142822, -2.5244128704071045], [0.8775825500488281, 0.5403022766113281])),
    ({"get_all": True}, {}, [-0.0812685489654541, -1.9841105937957764]),
    ({"get_all": True}, {"get_all": True}, ([-0.0812685489654541, -1.9841105937957764],
                                             [0.8775825500488281, 0.5403022766113281])),
])
def test_two_inputs_with_get_all_at_either_level(inner, outer, expected):
    close(M.GradNet(M.GradNet(M.SinTimes(), **inner), **outer)(X2, Y2), expected)


def test_three_deep_with_get_all():
    result = nest(M.SinTimes(), 3, get_all=True)(X2, Y2)
    close(result, ([-2.7140159606933594, -3.3038487434387207], [-0.4794255495071411, -0.8414709568023682]))


def test_get_by_list_at_either_level():
    net, x = M.Scaled(), Tensor(np.array([1.0, 2.0], np.float32))
    weights = ParameterTuple(net.trainable_params())
    G = M.GradNet
    assert lists(G(G(net))(x)) == [6.0, 8.0]                                           # 2w
    assert lists(G(G(net), weights, get_by_list=True)(x)) == ([2.0, 4.0],)            # d/dw 2wx
    assert lists(G(G(net, weights, get_by_list=True))(x)) == [2.0, 4.0]               # d/dx x^2
    assert lists(G(G(net, weights, get_by_list=True), weights, get_by_list=True)(x)) == ([0.0, 0.0],)
    assert lists(G(G(net), weights, get_all=True, get_by_list=True)(x)) == (([6.0, 8.0],), ([2.0, 4.0],))
    assert lists(G(G(net, weights, get_all=True, get_by_list=True))(x)) == [8.0, 12.0]
    assert lists(G(G(G(net)), weights, get_by_list=True)(x)) == ([2.0, 2.0],)
    assert lists(G(G(net), [net.w], get_by_list=True)(x)) == ([2.0, 4.0],)


def test_sens_at_the_outer_level():
    sens = Tensor(np.array([1.0, 10.0, 100.0], np.float32))
    assert lists(M.GradNet(M.GradNet(M.Cube()), sens_param=True)(X3, sens)) == [6.0, 120.0, 1800.0]
    t = Tensor(np.array([2.0, 2.0, 2.0], np.float32))
    assert lists(M.GradNet(M.GradNet(M.Cube(), sens_param=True))(X3, t)) == [12.0, 24.0, 36.0]
    assert lists(M.GradNet(M.GradNet(M.Cube(), sens_param=True), get_all=True)(X3, t)) == \
        ([12.0, 24.0, 36.0], [3.0, 12.0, 27.0])


def test_dense_layers_second_and_mixed_derivatives():
    net, x = M.MLP(), Tensor(np.array([[0.5, -1.0], [1.5, 2.0]], np.float32))
    weights = ParameterTuple(net.trainable_params())
    close(nest(net, 2)(x), [[0.1295754462480545, 0.19933602213859558], [-0.05041913688182831, -0.11560480296611786]])
    mixed = M.GradNet(M.GradNet(net), weights, get_by_list=True)(x)
    close(mixed[0], [[0.9375013709068298, 0.8252887725830078], [-1.2597137689590454, -1.1487373113632202],
                     [0.9190201163291931, 0.43573126196861267]])
    close(mixed[2], [[0.5012092590332031, -0.16440023481845856, 1.133730411529541]])
    close(M.GradNet(M.GradNet(net, weights, get_by_list=True))(x),
          [[1.908203125, 1.3527181148529053], [-0.9982621669769287, -0.03728015720844269]])


def test_nested_functional_grads_and_lambdas():
    xs = Tensor(2.0, ms.float32)
    assert lists(ms.grad(ms.grad(ms.grad(M.cube)))(xs)) == 6.0
    close(ms.grad(ms.grad(M.sin_times, (0, 1)), (0, 1))(X2, Y2),
          ([-0.0812685489654541, -1.9841105937957764], [0.8775825500488281, 0.5403022766113281]))
    assert lists(ms.grad(lambda x: ms.grad(M.cube)(x) * 2.0)(X3)) == [12.0, 24.0, 36.0]
    net = M.Scaled()
    x = Tensor(np.array([1.0, 2.0], np.float32))
    assert lists(ms.grad(ms.grad(net), None, net.trainable_params())(x)) == ([2.0, 4.0],)
    assert lists(ms.value_and_grad(ms.grad(M.cube))(X3)) == ([3.0, 12.0, 27.0], [6.0, 12.0, 18.0])


def test_the_second_order_code_is_shown_with_the_first_order_code_it_differentiates():
    grad_fn = ops.GradOperation()(M.GradNet(M.Cube()))
    grad_fn(X3)
    first, *called = grad_fn.source.split("\n\n")
    assert first.startswith("# msgrad adjoint of GradNet.construct")
    assert "= Cube_construct_adjoint_forward(" in first
    assert called[0].startswith("# msgrad forward and backward of Cube_construct_adjoint")


def test_a_gradient_through_a_loop_cannot_be_differentiated_again_yet():
    with pytest.raises(GradError) as info:
        nest(M.Looping(), 2)(X3)
    assert "through a loop" in str(info.value)


# -- Hessians and Hessian-vector products against finite differences of gradients ---------------
def _f(x):
    return (ops.sin(x) * x * x).sum() + (x[0] * x[1]) ** 2


@settings(max_examples=15, deadline=None)
@given(hnp.arrays(np.float64, 3, elements=st.floats(-1.5, 1.5)), hnp.arrays(np.float64, 3, elements=st.floats(-1, 1)))
@example(np.ones(3), np.ones(3))       # once computed in float32: x[0] is a numpy scalar, not an array
def test_hessian_vector_products_match_finite_differences_of_gradients(x, v):
    grad = ms.grad(_f)
    hvp = ms.grad(lambda x, v: (grad(x) * v).sum())(Tensor(x), Tensor(v)).asnumpy()
    eps = 1e-6
    expected = (grad(Tensor(x + eps * v)).asnumpy() - grad(Tensor(x - eps * v)).asnumpy()) / (2 * eps)
    np.testing.assert_allclose(hvp, expected, rtol=1e-5, atol=1e-6)


@settings(max_examples=10, deadline=None)
@given(hnp.arrays(np.float64, 3, elements=st.floats(-1.5, 1.5)))
def test_hessian_rows_match_finite_differences_of_gradients(x):
    grad = ms.grad(_f)
    rows = [ms.grad(lambda x, e: (grad(x) * e).sum())(Tensor(x), Tensor(np.eye(3)[i])).asnumpy() for i in range(3)]
    eps = 1e-6
    columns = [(grad(Tensor(x + eps * e)).asnumpy() - grad(Tensor(x - eps * e)).asnumpy()) / (2 * eps) for e in np.eye(3)]
    np.testing.assert_allclose(np.array(rows), np.array(columns).T, rtol=1e-5, atol=1e-6)
