"""Bad input of every kind gets an msgrad error that names the problem and the user's line,
subclassing the builtin type a MindSpore user would catch; and the cache stays safe."""
import textwrap
import threading

import numpy as np
import pytest

import msgrad as ms
from msgrad import ops
from msgrad.errors import GradError, MsgradError

from gradcheck import load_module

X = ms.Tensor([1.0, 2.0], ms.float32)


def _error(body, *args, builtin=TypeError):
    module = load_module("\nclass Net(nn.Cell):\n    def construct(self, x):\n" +
                         textwrap.indent(textwrap.dedent(body), " " * 8))
    with pytest.raises(MsgradError) as info:
        ops.GradOperation()(module.Net())(*(args or (X,)))
    assert isinstance(info.value, builtin)
    assert f'File "{module.__file__}"' in str(info.value)
    return str(info.value)


@pytest.mark.parametrize("body, message", [
    ("global counter\ncounter = 1\nreturn x", "a `global` statement"),
    ("a, *b = x, x, x\nreturn a", "star-unpacking of unknown length"),
    ("y = x\ndel y\nreturn x", "a `del` statement"),
    ("yield x", "`yield`"),
    ("with open('f'):\n    pass\nreturn x", "a `with` statement"),
    ("try:\n    y = x\nexcept Exception:\n    y = x\nreturn y", "a `try` statement"),
    ("x[0] = 1.0\nreturn x", "msgrad can only assign to plain names here"),
    ("for i in range(2):\n    x[i] += 1.0\nreturn x", "msgrad can only assign to plain names here"),
    ("return {'out': x}", "a dict"),
    ("import math\nreturn x", "an import"),
    ("return x.frobnicate()", "no gradient rule for the Tensor method `frobnicate`"),
    ("return print(x)", "no gradient rule for `print`"),
    ("return x * ops.ones(x.shape)", "for the shape of a Tensor x, use ops.ones_like(x)"),
    ("for i in range(3):\n    pass\nelse:\n    x = x * 2\nreturn x", "a loop's `else:` block"),
])
def test_unsupported_code_is_named_with_its_line(body, message):
    assert message in _error(body)


def test_async_construct():
    module = load_module('''
class Net(nn.Cell):
    async def construct(self, x):
        return x
''')
    with pytest.raises(GradError, match="is a coroutine"):
        ops.GradOperation()(module.Net())(X)


def test_wrong_sens_dtype_structure_and_missing_sens():
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        return x * 2.0, x * 3.0
''')
    grad = ops.GradOperation(sens_param=True)(module.Net())
    with pytest.raises(ValueError, match="needs the output's gradient"):
        ops.GradOperation(sens_param=True)(module.Net())()
    with pytest.raises(ValueError, match=r"sens\[1\] has shape \[3\], but the output it is the gradient of has shape \[2\]"):
        grad(X, (X, ms.Tensor([1.0, 2.0, 3.0])))
    assert grad(X, (X, X)).asnumpy().tolist() == [5.0, 10.0]


def test_boolean_and_integer_inputs_get_gradients_of_their_own_dtype():
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x, n):
        return x * 2.0 + n * 3
''')
    dx, dn = ops.GradOperation(get_all=True)(module.Net())(X, ms.Tensor([1, 2], ms.int32))
    assert dn.dtype == ms.int32 and dn.asnumpy().tolist() == [3, 3]


def test_gradients_from_many_threads_at_once_are_right_and_generated_once():
    from msgrad.compiler.emit import generated
    module = load_module('''
class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(np.array([2.0, 3.0]), name='w')

    def construct(self, x):
        y = x
        for i in range(3):
            y = ops.sin(y) * self.w
        return y
''')
    net = module.Net()
    expected = ops.GradOperation()(net)(X).asnumpy()
    before, results, errors = generated["count"], [], []

    def work():
        try:
            for _ in range(20):
                results.append(ops.GradOperation()(net)(X).asnumpy())
        except Exception as error:       # collected, then asserted below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 80
    assert all(np.array_equal(r, expected) for r in results)
    assert generated["count"] == before


def test_cache_keeps_a_bounded_number_of_programs_per_function():
    from msgrad.compiler import cache
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x, k):
        return x * k
''')
    net = module.Net()
    for k in range(cache.MAX_PROGRAMS + 5):
        ops.GradOperation()(net)(X, float(k))
    assert sum(len(v) for v in cache._programs[type(net).construct].values()) <= \
        len(cache._programs[type(net).construct]) * cache.MAX_PROGRAMS


def test_boolean_input_gets_mindspores_boolean_gradient():
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x, m):
        return x * m
''')
    dx, dm = ops.GradOperation(get_all=True)(module.Net())(X, ms.Tensor([True, False]))
    assert dx.asnumpy().tolist() == [1.0, 0.0]
    assert dm.dtype == ms.bool_ and dm.asnumpy().tolist() == [True, True]     # as MindSpore 2.10
