"""Non-differentiable operations (comparisons, logical operations, rounding, argmax, arrays made
like another) in every spelling: their eager results, and that they end gradient flow: a
gradient through them is zero, never an error."""
import numpy as np
import pytest

import msgrad as ms
from msgrad import Tensor, ops

from gradcheck import load_module


def _spellings(cls_name, functions, reference, args="x, y"):
    """Spellings of one operation: those given, and `self.op(args)` with `self.op = ops.<cls_name>()`."""
    return [(s, reference) for s in functions] + [((f"ops.{cls_name}()", f"self.op({args})"), reference)]


x = np.array([[1.5, -0.5, 2.5], [0.0, -2.5, 1.0]])
y = np.array([[1.5, 0.5, -2.0], [0.0, -2.5, 3.0]])

OPERATIONS = [  # (spelling, numpy's result for the x and y above)
    *_spellings("Greater", ["x > y", "ops.greater(x, y)", "ops.gt(x, y)", "x.greater(y)", "x.gt(y)",
                            "np.greater(x, y)"], x > y),
    *_spellings("GreaterEqual", ["x >= y", "ops.greater_equal(x, y)", "ops.ge(x, y)", "x.ge(y)",
                                 "x.greater_equal(y)", "np.greater_equal(x, y)"], x >= y),
    *_spellings("Less", ["x < y", "ops.less(x, y)", "ops.lt(x, y)", "x.lt(y)", "x.less(y)",
                         "np.less(x, y)"], x < y),
    *_spellings("LessEqual", ["x <= y", "ops.less_equal(x, y)", "ops.le(x, y)", "x.le(y)",
                              "x.less_equal(y)", "np.less_equal(x, y)"], x <= y),
    *_spellings("Equal", ["x == y", "ops.equal(x, y)", "ops.eq(x, y)", "x.eq(y)", "x.equal(y)",
                          "np.equal(x, y)"], x == y),
    *_spellings("NotEqual", ["x != y", "ops.not_equal(x, y)", "ops.ne(x, y)", "x.ne(y)", "x.not_equal(y)",
                             "np.not_equal(x, y)"], x != y),
    *_spellings("LogicalAnd", ["ops.logical_and(x, y)", "x.logical_and(y)", "np.logical_and(x, y)"],
                np.logical_and(x, y)),
    *_spellings("LogicalOr", ["ops.logical_or(x, y)", "x.logical_or(y)", "np.logical_or(x, y)"],
                np.logical_or(x, y)),
    *_spellings("LogicalNot", ["ops.logical_not(x)", "x.logical_not()", "np.logical_not(x)"],
                np.logical_not(x), "x"),
    *_spellings("Sign", ["ops.sign(x)", "x.sign()", "np.sign(x)"], np.sign(x), "x"),
    *_spellings("Floor", ["ops.floor(x)", "x.floor()", "np.floor(x)"], np.floor(x), "x"),
    *_spellings("Ceil", ["ops.ceil(x)", "x.ceil()", "np.ceil(x)"], np.ceil(x), "x"),
    *_spellings("Round", ["ops.round(x)", "x.round()", "np.round(x)", "np.around(x)"],
                np.array([[2.0, -0.0, 2.0], [0.0, -2.0, 1.0]]), "x"),          # halves to even
    ("ops.round(x * 0.1, decimals=1)", np.round(x * 0.1, 1)),
    *_spellings("FloorDiv", ["ops.floor_divide(x, y + 4.0)", "ops.floor_div(x, y + 4.0)",
                             "x.floor_divide(y + 4.0)", "np.floor_divide(x, y + 4.0)"],
                np.floor_divide(x, y + 4.0), "x, y + 4.0"),
    ("ops.argmax(x)", 2), ("ops.argmax(x, 1)", [2, 2]), ("ops.argmax(x, dim=0, keepdim=True)", [[0, 0, 0]]),
    ("x.argmax()", 2), ("x.argmax(1)", [2, 2]), ("x.argmax(axis=0)", [0, 0, 0]),
    ("np.argmax(x, axis=1)", [2, 2]), (("ops.Argmax()", "self.op(x)"), [2, 2]),
    (("ops.Argmax(axis=0)", "self.op(x)"), [0, 0, 0]),
    ("ops.argmin(x)", 4), ("ops.argmin(x, 1, keepdims=True)", [[1], [1]]), ("x.argmin(0)", [1, 1, 1]),
    ("np.argmin(x)", 4), (("ops.Argmin()", "self.op(x)"), [1, 1]),
    ("ops.max(x)[1]", 2), ("ops.min(x, 1)[1]", [1, 1]), ("x.max(0)[1]", [0, 0, 0]),
    *_spellings("ZerosLike", ["ops.zeros_like(x)", "np.zeros_like(x)"], np.zeros_like(x), "x"),
    *_spellings("OnesLike", ["ops.ones_like(x)", "np.ones_like(x)", "ops.ones_like(x, dtype=ms.int32)"],
                np.ones_like(x), "x"),
    ("ops.one_hot(ops.argmax(x, 1), 3)", [[0, 0, 1], [0, 0, 1]]),
    ("ops.one_hot(ops.argmin(x, 0), 2, 5.0, -1.0, 0)", [[-1.0, -1.0, -1.0], [5.0, 5.0, 5.0]]),
    (("ops.OneHot(axis=0)", "self.op(ops.argmax(x, 0), 2, Tensor(1.0), Tensor(0.0))"), [[1, 1, 1], [0, 0, 0]]),
    ("ops.stop_gradient(x)", x),
]


def _cell(name, spelling):
    """A Cell returning `2 * x` and the operation's result (which adds no gradient)."""
    init, expr = spelling if isinstance(spelling, tuple) else (None, spelling)
    lines = [f"class {name}(nn.Cell):", "    def __init__(self):", "        super().__init__()"]
    if init:
        lines.append(f"        self.op = {init}")
    lines += ["    def construct(self, x, y):", f"        return x * 2, {expr}", ""]
    return "\n".join(lines)


MODULE = load_module("\n\n".join(_cell(f"Net{i}", s) for i, (s, _) in enumerate(OPERATIONS)))


@pytest.mark.parametrize("index", range(len(OPERATIONS)),
                         ids=[str(s[1] if isinstance(s, tuple) else s) for s, _ in OPERATIONS])
def test_eager_result_and_no_gradient(index):
    spelling, want = OPERATIONS[index]
    net = getattr(MODULE, f"Net{index}")()
    inputs = (Tensor(x), Tensor(y))
    np.testing.assert_array_equal(net(*inputs)[1].asnumpy(), want)
    dx, dy = ops.GradOperation(get_all=True)(net)(*inputs)
    np.testing.assert_array_equal(dx.asnumpy(), np.full(x.shape, 2.0))
    np.testing.assert_array_equal(dy.asnumpy(), np.zeros(y.shape))


def test_output_of_non_differentiable_operations_only_has_zero_gradient():
    net = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        return ops.floor(x) + ops.sign(x), ops.argmax(x, 1), x > 0
''').Net()
    grad = ops.GradOperation()(net)(Tensor(x))
    np.testing.assert_array_equal(grad.asnumpy(), np.zeros(x.shape))


def test_index_from_argmax_selects_what_gets_the_gradient():
    net = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        return ops.gather_elements(x, 1, ops.argmax(x, 1, keepdim=True)) * 3
''').Net()
    grad = ops.GradOperation()(net)(Tensor(x))
    np.testing.assert_array_equal(grad.asnumpy(), [[0, 0, 3], [0, 0, 3]])


@pytest.mark.parametrize("expr, dtype", [
    ("ops.greater(t, 0)", ms.bool_), ("t == t", ms.bool_), ("ops.logical_not(t)", ms.bool_),
    ("ops.argmax(t)", ms.int64), ("t.argmax()", ms.int64), ("ops.Argmax()(t)", ms.int32),
    ("ops.argmin(t, 1)", ms.int32), ("t.argmin()", ms.int32), ("ops.Argmin()(t)", ms.int32),
    ("ops.max(t, 1)[1]", ms.int64), ("ops.ArgMaxWithValue()(t)[0]", ms.int64),
    ("ops.sign(t)", ms.float32), ("ops.floor(t)", ms.float32), ("ops.zeros_like(t)", ms.float32),
    ("ops.ones_like(t, dtype=ms.int32)", ms.int32), ("ops.one_hot(Tensor([0, 2]), 3)", ms.int64),
    ("ops.one_hot(Tensor([0, 2]), 3, Tensor(1.0), Tensor(0.0))", ms.float32),
    ("ops.cast(t, ms.float16)", ms.float16), ("t.astype(ms.int32)", ms.int32),
])
def test_result_dtypes_are_mindspores(expr, dtype):
    t = Tensor(x, ms.float32)
    assert eval(expr).dtype == dtype
