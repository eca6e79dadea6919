"""`ops.jvp`, `ops.vjp`, `ops.jacfwd` and `ops.jacrev`: MindSpore 2.10's structures, values and
errors (expected values printed by real MindSpore), and forward mode against reverse mode."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import msgrad as ms
from msgrad import Parameter, ParameterTuple, Tensor, nn, ops
from msgrad.errors import GradError, GradTypeError, GradValueError

from gradcheck import load_module

M = load_module('''
def f1(x):
    return x ** 3


def f2(x, y):
    return x ** 3 + x * y


def f2multi(x, y):
    return x * y, x + y


def faux(x):
    return x ** 3, x * 10


def faux3(x):
    return x ** 3, x * 10, x * 20


def fsum(x):
    return (x ** 3).sum()


def fouter(x, y):
    return ops.outer(x, y)


def fxy(x, y):
    return x.sum() * y


def fmulti(x, y):
    return x * 2, y * 3


class Cube(nn.Cell):
    def construct(self, x, y):
        return x ** 3 + y


class Scaled(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.array([3.0, 4.0], np.float32)), name='w')

    def construct(self, x):
        return self.w * x ** 2


class Custom(nn.Cell):
    def construct(self, x):
        return x * 2

    def bprop(self, x, out, dout):
        return (dout * 5,)


class UsesCustom(nn.Cell):
    def __init__(self):
        super().__init__()
        self.c = Custom()

    def construct(self, x):
        return self.c(x) + x


class Loop(nn.Cell):
    """A loop, a branch on a value and a sub-Cell, in forward mode."""

    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor(np.array([0.5, -0.25, 1.0])), name='w')
        self.inner = nn.Dense(3, 3, weight_init='ones', bias_init='zeros')

    def construct(self, x, y):
        h = x * y
        for i in range(3):
            if h.sum() > 0:
                h = ops.tanh(self.inner(h)) * self.w
            else:
                h = h * x + ops.sin(y)
        return (h * h).sum(), h
''')
X, Y = Tensor(np.array([1.0, 2.0], np.float32)), Tensor(np.array([5.0, 7.0], np.float32))
V1, V2 = Tensor(np.array([1.0, 10.0], np.float32)), Tensor(np.array([100.0, 1000.0], np.float32))


def lists(result):
    if isinstance(result, tuple):
        return tuple(lists(r) for r in result)
    return result.asnumpy().tolist()


@pytest.mark.parametrize("call, expected", [
    (lambda: ops.jvp(M.f1, X, V1), ([1.0, 8.0], [3.0, 120.0])),
    (lambda: ops.jvp(M.f1, (X,), V1), ([1.0, 8.0], [3.0, 120.0])),
    (lambda: ops.jvp(M.f1, (X,), (V1,)), ([1.0, 8.0], [3.0, 120.0])),     # MindSpore fails here
    (lambda: ops.jvp(M.f2, (X, Y), (V1, V2)), ([6.0, 22.0], [108.0, 2190.0])),
    (lambda: ops.jvp(M.Cube(), (X, Y), (V1, V2)), ([6.0, 15.0], [103.0, 1120.0])),
    (lambda: ops.jvp(M.f2multi, (X, Y), (V1, V2)), (([5.0, 14.0], [6.0, 9.0]), ([105.0, 2070.0], [101.0, 1010.0]))),
    (lambda: ops.jvp(M.faux, X, V1, has_aux=True), ([1.0, 8.0], [3.0, 120.0], [10.0, 20.0])),
    (lambda: ops.jvp(M.faux3, X, V1, has_aux=True), ([1.0, 8.0], [3.0, 120.0], ([10.0, 20.0], [20.0, 40.0]))),
    (lambda: ops.jvp(M.faux, X, V1), (([1.0, 8.0], [10.0, 20.0]), ([3.0, 120.0], [10.0, 100.0]))),
    (lambda: ops.jvp(M.f1, Tensor(2.0, ms.float32), Tensor(1.0, ms.float32)), (8.0, 12.0)),
    (lambda: ops.jvp(M.f2, (X, 2.0), (V1, V2)), ([3.0, 12.0], [5.0, 140.0])),
])
def test_jvp(call, expected):
    assert lists(call()) == expected


@pytest.mark.parametrize("call, expected", [
    (lambda: ops.vjp(M.f1, X)[1](V1), ([3.0, 120.0],)),
    (lambda: ops.vjp(M.f2, X, Y)[1](V1), ([8.0, 190.0], [1.0, 20.0])),
    (lambda: ops.vjp(M.f2multi, X, Y)[0], ([5.0, 14.0], [6.0, 9.0])),
    (lambda: ops.vjp(M.f2multi, X, Y)[1](V1, V2), ([105.0, 1070.0], [101.0, 1020.0])),
    (lambda: ops.vjp(M.f2multi, X, Y)[1]((V1, V2)), ([105.0, 1070.0], [101.0, 1020.0])),
    (lambda: ops.vjp(M.faux, X, has_aux=True)[1](V1), ([3.0, 120.0],)),
    (lambda: ops.vjp(M.faux, X, has_aux=True)[2], [10.0, 20.0]),
    (lambda: ops.vjp(M.faux3, X, has_aux=True)[2], ([10.0, 20.0], [20.0, 40.0])),
    (lambda: ops.vjp(M.faux, X)[1](V1, V1), ([13.0, 220.0],)),
])
def test_vjp(call, expected):
    assert lists(call()) == expected


def test_vjp_with_weights():
    net = M.Scaled()
    assert lists(ops.vjp(net, X, weights=ParameterTuple(net.trainable_params()))[1](V1)) == (([6.0, 160.0],), ([1.0, 40.0],))
    assert lists(ops.vjp(net, X, weights=net.trainable_params())[1](V1)) == (([6.0, 160.0],), ([1.0, 40.0],))
    assert lists(ops.vjp(net, X, weights=net.w)[1](V1)) == (([6.0, 160.0],), [1.0, 40.0])
    assert lists(ops.vjp(net, X)[1](V1)) == ([6.0, 160.0],)


X3, Y3 = Tensor(np.array([5.0, 7.0, 9.0], np.float32)), Tensor(np.array([1.0, 2.0, 3.0], np.float32))


@pytest.mark.parametrize("jacobian", [ops.jacfwd, ops.jacrev])
def test_jacobians(jacobian):
    assert lists(jacobian(M.f1)(X)) == [[3.0, 0.0], [0.0, 12.0]]
    assert lists(jacobian(M.f1)(Tensor(2.0, ms.float32))) == 12.0
    assert lists(jacobian(M.fsum)(X)) == [3.0, 12.0]
    assert jacobian(M.f1)(Tensor(np.ones((2, 3), np.float32))).shape == (2, 3, 2, 3)
    assert jacobian(M.fouter)(X, X3).shape == (2, 3, 2)
    assert jacobian(M.fouter, 1)(X, X3).shape == (2, 3, 3)
    assert tuple(t.shape for t in jacobian(M.fouter, (0, 1))(X, X3)) == ((2, 3, 2), (2, 3, 3))
    assert lists(jacobian(M.fouter, (0,))(X, X3)) == [[[5.0, 0.0], [7.0, 0.0], [9.0, 0.0]], [[0.0, 5.0], [0.0, 7.0], [0.0, 9.0]]]
    assert lists(jacobian(M.fxy, (0, 1))(X, X3)) == ([[5.0, 5.0], [7.0, 7.0], [9.0, 9.0]],
                                                     [[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]])
    assert lists(jacobian(M.fmulti)(X, Y3)) == ([[2.0, 0.0], [0.0, 2.0]], [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    nested = jacobian(M.fmulti, (0, 1))(X, Y3)
    assert tuple(tuple(t.shape for t in per_output) for per_output in nested) == (((2, 2), (2, 3)), ((3, 2), (3, 3)))
    assert lists(jacobian(M.faux, has_aux=True)(X)) == ([[3.0, 0.0], [0.0, 12.0]], [10.0, 20.0])
    assert lists(jacobian(M.faux3, has_aux=True)(X)) == ([[3.0, 0.0], [0.0, 12.0]], ([10.0, 20.0], [20.0, 40.0]))


@pytest.mark.parametrize("call, error, message", [
    (lambda: ops.jvp(M.f2, (X, Y), (V1,)), GradValueError, "v has invalid length: should be 2, but got 1"),
    (lambda: ops.jvp(M.f2, (X, Y), V1), GradValueError, "v has invalid length: should be 2, but got 1"),
    (lambda: ops.jvp(M.f1, X, Tensor(np.ones(3, np.float32))), GradValueError, "shape [3]"),
    (lambda: ops.jvp(M.f1, X, Tensor(np.ones(2, np.float64))), GradTypeError, "Float64"),
    (lambda: ops.jvp(M.f1, np.ones(2), V1), GradTypeError, "The inputs type must be a Tensor, tuple or list of Tensors."),
    (lambda: ops.jvp(M.f1, X, 1.0), GradTypeError, "The inputs type must be a Tensor, tuple or list of Tensors."),
    (lambda: ops.jvp(M.faux, X, V1, has_aux=1), GradTypeError, "The 'has_aux' must be bool type."),
    (lambda: ops.jvp(M.f1, X, V1, has_aux=True), GradValueError,
     "'When 'has_aux' is True, origin 'fn' requires more than one outputs.'"),
    (lambda: ops.vjp(M.f1, np.ones(2)), GradTypeError, "The inputs type must be Tensor."),
    (lambda: ops.vjp(M.f1, X, has_aux=True), GradValueError,
     "When 'has_aux' is True, origin 'fn' requires more than one outputs."),
    (lambda: ops.vjp(M.f1, X)[1](np.ones(2)), GradTypeError, "The inputs type must be Tensor."),
    (lambda: ops.jacfwd(M.fouter, 2)(X, X3), GradValueError, "The element in grad_position must belong to [0, args_num)."),
    (lambda: ops.jacrev(M.fouter, -1)(X, X3), GradValueError, "grad_position must be >= 0."),
    (lambda: ops.jacrev(M.fouter, (0, 0))(X, X3), GradValueError, "There are duplicate positions in `grad_position`"),
    (lambda: ops.jacfwd(M.faux, has_aux=1)(X), GradTypeError, "The 'has_aux' must be bool type."),
    (lambda: ops.jvp(M.UsesCustom(), X, V1), GradError, "no forward mode through a Cell with a custom bprop"),
])
def test_errors(call, error, message):
    with pytest.raises(error) as info:
        call()
    assert message in str(info.value)


def test_tangent_code_is_generated_and_inspectable():
    from msgrad.compiler import cache
    net = M.Cube()
    program = cache.program_for(type(net).construct, net, (None, None))
    source = cache.tangent_for(program, (0, 1), ()).source
    assert source.splitlines()[0].startswith("# msgrad tangent of Cube.construct")
    assert "x_dot" in source and "y_dot" in source


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_forward_and_reverse_mode_agree_through_loops_branches_and_calls(data):
    """<v, J u> == <J^T v, u> for a program with a loop, a branch and a sub-Cell."""
    net = M.Loop()
    arrays = [data.draw(hnp.arrays(np.float64, 3, elements=st.floats(-1, 1))) for _ in range(6)]
    x, y, ux, uy, v1 = (Tensor(a) for a in arrays[:5])
    v0 = Tensor(np.float64(arrays[5][0]))
    (loss, h), (dloss, dh) = ops.jvp(net, (x, y), (ux, uy))
    _, vjp_fn = ops.vjp(net, x, y)
    gx, gy = vjp_fn(v0, v1)
    forward = float(v0.asnumpy() * dloss.asnumpy() + (v1.asnumpy() * dh.asnumpy()).sum())
    reverse = float((gx.asnumpy() * ux.asnumpy()).sum() + (gy.asnumpy() * uy.asnumpy()).sum())
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-12)


def fs(x):
    return (x ** 3).sum()


def mixed(x):
    return x[0] ** 2 * x[1] + x[1] ** 3


@pytest.mark.parametrize("outer", [ops.jacfwd, ops.jacrev])
@pytest.mark.parametrize("inner", [ops.jacfwd, ops.jacrev])
def test_jacobians_of_jacobians_are_hessians(outer, inner):
    assert lists(outer(inner(fs))(Tensor(np.array([1.0, 2.0, 3.0], np.float32)))) == \
        [[6.0, 0.0, 0.0], [0.0, 12.0, 0.0], [0.0, 0.0, 18.0]]
    assert lists(outer(inner(mixed))(Tensor(np.array([1.0, 2.0], np.float32)))) == [[4.0, 2.0], [2.0, 12.0]]
    assert lists(outer(ms.grad(fs))(Tensor(np.array([1.0, 2.0, 3.0], np.float32)))) == \
        [[6.0, 0.0, 0.0], [0.0, 12.0, 0.0], [0.0, 0.0, 18.0]]


def test_gradient_of_a_jacobian_function():
    assert lists(ms.grad(ops.jacrev(fs))(Tensor(np.array([1.0, 2.0, 3.0], np.float32)))) == [6.0, 12.0, 18.0]
    assert lists(ms.grad(ops.jacfwd(fs))(Tensor(np.array([1.0, 2.0, 3.0], np.float32)))) == [6.0, 12.0, 18.0]
