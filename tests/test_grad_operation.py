"""GradOperation's flags, return structures, sens and dtypes, as MindSpore 2.10 returns them
(the expected values were printed by real MindSpore)."""
import itertools

import numpy as np
import pytest

import msgrad as ms
from msgrad import Parameter, ParameterTuple, Tensor, nn, ops
from msgrad.errors import MsgradError


class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor([2.0, 3.0], ms.float32), name='w')
        self.b = Parameter(Tensor([1.0], ms.float32), name='b')

    def construct(self, x, y):
        return self.w * x * y + self.b


X, Y, SENS = (Tensor([1.0, 2.0], ms.float32), Tensor([3.0, 4.0], ms.float32),
              Tensor([1.0, 0.5], ms.float32))
DX, DY, DW, DB = [6.0, 12.0], [2.0, 6.0], [3.0, 8.0], [2.0]            # with ones as sens
DX_S, DY_S, DW_S, DB_S = [6.0, 6.0], [2.0, 3.0], [3.0, 4.0], [1.5]    # with SENS
EXPECTED = {  # (get_all, get_by_list, sens_param) -> MindSpore's result
    (False, False, False): DX, (False, False, True): DX_S,
    (False, True, False): (DW, DB), (False, True, True): (DW_S, DB_S),
    (True, False, False): (DX, DY), (True, False, True): (DX_S, DY_S),
    (True, True, False): ((DX, DY), (DW, DB)), (True, True, True): ((DX_S, DY_S), (DW_S, DB_S)),
}


def _as_lists(result):
    if isinstance(result, tuple):
        return tuple(_as_lists(r) for r in result)
    assert isinstance(result, Tensor) and result.dtype == ms.float32
    return result.asnumpy().tolist()


@pytest.mark.parametrize("flags", list(itertools.product([False, True], repeat=3)))
def test_all_eight_flag_combinations(flags):
    get_all, get_by_list, sens_param = flags
    net = Net()
    op = ops.GradOperation(get_all=get_all, get_by_list=get_by_list, sens_param=sens_param)
    grad_fn = op(net, ParameterTuple(net.trainable_params())) if get_by_list else op(net)
    result = grad_fn(X, Y, SENS) if sens_param else grad_fn(X, Y)
    assert _as_lists(result) == EXPECTED[flags]


class TupleOut(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor([2.0, 3.0], ms.float32), name='w')

    def construct(self, x):
        return (x * self.w, x * x)


class NestedOut(TupleOut):
    def construct(self, x):
        return ((x * self.w, x * x), x * 3)


def test_tuple_output_default_sens_is_ones_for_each():
    assert ops.GradOperation()(TupleOut())(X).asnumpy().tolist() == [4.0, 7.0]
    assert ops.GradOperation()(NestedOut())(X).asnumpy().tolist() == [7.0, 10.0]


def test_tuple_output_sens_as_tuple_list_or_flat():
    a, b, c = (Tensor([1.0, 1.0], ms.float32), Tensor([10.0, 10.0], ms.float32),
               Tensor([100.0, 100.0], ms.float32))
    grad = ops.GradOperation(sens_param=True)
    assert grad(TupleOut())(X, (a, b)).asnumpy().tolist() == [22.0, 43.0]
    assert grad(TupleOut())(X, [a, b]).asnumpy().tolist() == [22.0, 43.0]
    assert grad(NestedOut())(X, ((a, b), c)).asnumpy().tolist() == [322.0, 343.0]
    assert grad(NestedOut())(X, (a, b, c)).asnumpy().tolist() == [322.0, 343.0]


def test_single_input_and_single_weight_give_one_tuples_or_a_bare_tensor():
    net = TupleOut()
    assert len(ops.GradOperation(get_all=True)(net)(X)) == 1
    weights = ops.GradOperation(get_by_list=True)(net, ParameterTuple(net.trainable_params()))(X)
    assert isinstance(weights, tuple) and len(weights) == 1
    bare = ops.GradOperation(get_by_list=True)(net, net.w)(X)
    assert isinstance(bare, Tensor) and bare.asnumpy().tolist() == [1.0, 2.0]


def test_weights_in_any_order_and_unused_weights_get_zeros():
    class WithFrozen(Net):
        def __init__(self):
            super().__init__()
            self.unused = Parameter(Tensor(np.ones((2, 2), np.float32)), name='unused')

    net = WithFrozen()
    grads = ops.GradOperation(get_by_list=True)(net, [net.b, net.unused, net.w])(X, Y)
    assert [g.asnumpy().tolist() for g in grads] == [DB, [[0.0, 0.0], [0.0, 0.0]], DW]


def test_requires_grad_false_parameter_asked_for_explicitly_gets_its_real_gradient():
    net = Net()
    net.b.requires_grad = False
    assert [p.name for p in net.trainable_params()] == ['w']
    (db,) = ops.GradOperation(get_by_list=True)(net, [net.b])(X, Y)
    assert db.asnumpy().tolist() == DB


def test_same_tensor_twice_gets_each_positions_own_gradient():
    class Cube(nn.Cell):
        def construct(self, a, b):
            return a * b * b

    x = Tensor([2.0, 3.0], ms.float32)
    da, db = ops.GradOperation(get_all=True)(Cube())(x, x)
    assert da.asnumpy().tolist() == [4.0, 9.0]         # b*b
    assert db.asnumpy().tolist() == [8.0, 18.0]        # 2*a*b


def test_gradients_have_their_inputs_dtypes():
    class Affine(nn.Cell):
        def __init__(self, w, b):
            super().__init__()
            self.w, self.b = w, b

        def construct(self, x):
            return self.w * x + self.b

    net = Affine(Parameter(np.array([6.0]), name='w'), Parameter(np.array([1.0]), name='b'))
    (dx,), (dw, db) = ops.GradOperation(get_all=True, get_by_list=True)(
        net, ParameterTuple(net.trainable_params()))(Tensor([2.0], ms.float32))
    assert (dx.dtype, dw.dtype, db.dtype) == (ms.float32, ms.float64, ms.float64)
    assert (dx.asnumpy().tolist(), dw.asnumpy().tolist()) == ([6.0], [2.0])
    (dx,) = ops.GradOperation(get_all=True)(net)(Tensor([3], ms.int32))
    assert dx.dtype == ms.int32 and dx.asnumpy().tolist() == [6]
    (dx,) = ops.GradOperation(get_all=True)(net)(Tensor([3.0], ms.float16))
    assert dx.dtype == ms.float16


def test_python_numbers_are_constants_without_a_gradient_slot():
    class Scale(nn.Cell):
        def construct(self, x, n):
            return x * n

    grads = ops.GradOperation(get_all=True)(Scale())(X, 3)
    assert len(grads) == 1 and grads[0].asnumpy().tolist() == [3.0, 3.0]
    assert ops.GradOperation(get_all=True)(Scale())(X, 2.5)[0].asnumpy().tolist() == [2.5, 2.5]


def test_unused_input_and_stopped_output_give_zeros():
    class Unused(nn.Cell):
        def construct(self, x, y):
            return ops.stop_gradient(x * 2) + y * 0.0

    dx, dy = ops.GradOperation(get_all=True)(Unused())(X, Tensor([[5.0, 6.0]], ms.float32))
    assert dx.asnumpy().tolist() == [0.0, 0.0] and dy.shape == (1, 2)


def test_a_weight_asked_for_twice_gets_two_gradients_of_its_own():
    net = Net()
    dw, db, dw_again = ops.GradOperation(get_by_list=True)(net, [net.w, net.b, net.w])(X, Y)
    assert dw.asnumpy().tolist() == dw_again.asnumpy().tolist() == DW and db.asnumpy().tolist() == DB
    assert not np.shares_memory(dw.asnumpy(), dw_again.asnumpy())


def test_gradients_never_share_memory_with_sens_or_each_other():
    class Sum(nn.Cell):
        def construct(self, x, y):
            return x + y

    sens = Tensor([1.0, 1.0], ms.float32)
    dx, dy = ops.GradOperation(get_all=True, sens_param=True)(Sum())(X, Y, sens)
    dx.asnumpy()[0] = 5.0
    assert dy.asnumpy().tolist() == [1.0, 1.0] and sens.asnumpy().tolist() == [1.0, 1.0]


def test_plain_function_and_bound_method():
    def f(x, y):
        return ops.sin(x) * y

    dx, dy = ops.GradOperation(get_all=True)(f)(X, Y)
    np.testing.assert_allclose(dx.asnumpy(), np.cos([1.0, 2.0]) * [3.0, 4.0], rtol=1e-6)
    net = Net()
    assert ops.GradOperation()(net.construct)(X, Y).asnumpy().tolist() == DX


@pytest.mark.parametrize("call, message", [
    (lambda: ops.GradOperation(sens_param=True)(Net())(X, Y, Tensor([1.0, 2.0, 3.0], ms.float32)),
     "sens has shape [3], but the output it is the gradient of has shape [2]"),
    (lambda: ops.GradOperation(sens_param=True)(TupleOut())(X, SENS),
     "sens has 1 Tensor(s), but TupleOut.construct returns 2 output Tensor(s)"),
    (lambda: ops.GradOperation(sens_param=True)(Net())(X, Y, [1.0, 0.5]),
     "sens has 2 Tensor(s), but Net.construct returns 1 output Tensor(s)"),
    (lambda: ops.GradOperation(sens_param=True)(Net())(X, Y, np.ones(2, np.float32)),
     "sens must be a Tensor, got ndarray"),
    (lambda: ops.GradOperation(get_by_list=True)(Net())(X, Y), "needs weights"),
    (lambda: ops.GradOperation(get_by_list=True)(Net(), [X])(X, Y), "must be Parameters"),
    (lambda: ops.GradOperation()(Net())(X, np.ones(2)), "input 1 is a ndarray"),
    (lambda: ops.GradOperation()(Net())(X, None), "input 1 is a NoneType"),
    (lambda: ops.GradOperation()(Net())(X), "takes 2 inputs (x, y) but was given 1"),
    (lambda: ops.GradOperation()(42), "not a int"),
])
def test_bad_calls_raise_clear_errors(call, message):
    with pytest.raises(MsgradError) as info:
        call()
    assert message in str(info.value)
    assert isinstance(info.value, (TypeError, ValueError))
