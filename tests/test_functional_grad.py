"""`ms.grad` and `ms.value_and_grad` with MindSpore 2.10's structures and errors (expected
values printed by real MindSpore)."""
import numpy as np
import pytest

import msgrad as ms
from msgrad import Parameter, ParameterTuple, Tensor, nn, ops

from gradcheck import load_module

M = load_module('''
class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(Tensor([2.0, 3.0], ms.float32), name='w')
        self.b = Parameter(Tensor([1.0], ms.float32), name='b')

    def construct(self, x, y):
        return self.w * x * y + self.b


def f(x, y):
    return x * x * y


def g(x, y):
    return x * y, x + y, x - y
''')
X, Y = Tensor([1.0, 2.0], ms.float32), Tensor([3.0, 4.0], ms.float32)
DX, DY, DW, DB = [6.0, 12.0], [2.0, 6.0], [3.0, 8.0], [2.0]


def lists(result):
    if isinstance(result, tuple):
        return tuple(lists(r) for r in result)
    return result.asnumpy().tolist() if isinstance(result, Tensor) else result


@pytest.mark.parametrize("kwargs, expected", [
    ({}, DX), ({"grad_position": 1}, DY), ({"grad_position": (0, 1)}, (DX, DY)),
    ({"grad_position": (1, 0)}, (DY, DX)), ({"grad_position": (1,)}, DY),
    ({"grad_position": None, "weights": "all"}, (DW, DB)),
    ({"grad_position": 0, "weights": "all"}, (DX, (DW, DB))),
    ({"grad_position": (0, 1), "weights": "all"}, ((DX, DY), (DW, DB))),
    ({"grad_position": None, "weights": "w"}, DW), ({"grad_position": None, "weights": "[b]"}, (DB,)),
    ({"return_ids": True}, (0, DX)), ({"grad_position": (0, 1), "return_ids": True}, ((0, DX), (1, DY))),
    ({"grad_position": None, "weights": "all", "return_ids": True}, (("w", DW), ("b", DB))),
    ({"grad_position": 0, "weights": "all", "return_ids": True}, ((0, DX), (("w", DW), ("b", DB)))),
])
def test_grad_structures(kwargs, expected):
    net = M.Net()
    weights = {"all": net.trainable_params(), "w": net.w, "[b]": [net.b]}.get(kwargs.get("weights"))
    kwargs = {**kwargs, "weights": weights}
    assert lists(ms.grad(net, **kwargs)(X, Y)) == expected


def test_plain_function_has_aux_and_sens():
    assert lists(ms.grad(M.f)(X, Y)) == [6.0, 16.0]
    grads, aux = ms.grad(M.g, has_aux=True)(X, Y)
    assert lists(grads) == [3.0, 4.0] and lists(aux) == ([4.0, 6.0], [-2.0, -2.0])
    sens = Tensor([1.0, 0.5], ms.float32)
    assert lists(ms.grad(M.f, sens_param=True)(X, Y, sens)) == [6.0, 8.0]
    grads, aux = ms.grad(M.g, has_aux=True, sens_param=True)(X, Y, sens)
    assert lists(grads) == [3.0, 2.0]


def test_value_and_grad():
    net = M.Net()
    value, grads = ms.value_and_grad(net, 0, net.trainable_params())(X, Y)
    assert lists(value) == [7.0, 25.0] and lists(grads) == (DX, (DW, DB))
    value, grads = ms.value_and_grad(M.g, has_aux=True)(X, Y)
    assert lists(value) == ([3.0, 8.0], [4.0, 6.0], [-2.0, -2.0]) and lists(grads) == [3.0, 4.0]
    assert ops.grad is ms.grad and ops.value_and_grad is ms.value_and_grad


def test_integer_input_keeps_its_dtype():
    dx = ms.grad(M.f)(Tensor([3, 4], ms.int32), Y)
    assert dx.dtype == ms.int32 and lists(dx) == [18, 32]


@pytest.mark.parametrize("make, error, message", [
    (lambda: ms.grad(M.f, grad_position=None), ValueError, "can not be None at the same time"),
    (lambda: ms.grad(M.f, grad_position="a"), TypeError, "must be int or tuple"),
    (lambda: ms.grad(M.f, grad_position=1.5), TypeError, "must be int or tuple"),
    (lambda: ms.grad(M.f, grad_position=(0, "a")), TypeError, "element in 'grad_position' must be int"),
    (lambda: ms.grad(M.f, grad_position=-1), ValueError, "grad_position must be >= 0."),
    (lambda: ms.grad(M.f, grad_position=(0, 0)), ValueError, "duplicate positions"),
    (lambda: ms.grad(M.f, weights="w"), TypeError, "must be Parameters"),
    (lambda: ms.grad(M.f, has_aux="yes"), TypeError, "'has_aux' should be bool"),
    (lambda: ms.grad(M.f, grad_position=5)(X, Y), RuntimeError, "Position index 5 is exceed input size."),
    (lambda: ms.grad(M.f, has_aux=True)(X, Y), ValueError, "requires more than one outputs"),
    (lambda: ms.grad(M.f, grad_position=1)(X, 2.0), TypeError, "input 1 of f is the constant 2.0"),
])
def test_misuse_raises_mindspores_errors(make, error, message):
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()
