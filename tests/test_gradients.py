"""Every operation, in every spelling a user writes, against central finite differences in
float64, with hypothesis choosing shapes (broadcasting included) and values."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from gradcheck import check_gradients, load_module

UNARY = {  # operation -> (spellings, lowest value of its domain)
    "exp": (["ops.exp(x)", "np.exp(x)", "x.exp()", "ops.Exp()(x)", ("ops.Exp()", "self.op(x)")], -2),
    "log": (["ops.log(x)", "np.log(x)", "x.log()", ("ops.Log()", "self.op(x)")], 0.2),
    "sin": (["ops.sin(x)", "np.sin(x)", "x.sin()", ("ops.Sin()", "self.op(x)")], -2),
    "cos": (["ops.cos(x)", "np.cos(x)", "x.cos()", ("ops.Cos()", "self.op(x)")], -2),
    "tanh": (["ops.tanh(x)", "np.tanh(x)", "x.tanh()", ("ops.Tanh()", "self.op(x)")], -2),
    "sqrt": (["ops.sqrt(x)", "np.sqrt(x)", "x.sqrt()", ("ops.Sqrt()", "self.op(x)")], 0.2),
    "negative": (["-x", "ops.neg(x)", "np.negative(x)", ("ops.Neg()", "self.op(x)")], -2),
    "power_constant": (["x ** 2", "x ** 3.0", "ops.pow(x, 2)", "x ** 0.5", "2.0 ** x"], 0.2),
}
BINARY = {  # operation -> (spellings, lowest value of x, smallest |y|)
    "add": (["x + y", "ops.add(x, y)", "np.add(x, y)", ("ops.Add()", "self.op(x, y)")], -2, 0),
    "subtract": (["x - y", "ops.sub(x, y)", "np.subtract(x, y)", ("ops.Sub()", "self.op(x, y)")], -2, 0),
    "multiply": (["x * y", "ops.mul(x, y)", "np.multiply(x, y)", "ops.Mul()(x, y)"], -2, 0),
    "divide": (["x / y", "ops.div(x, y)", "np.divide(x, y)", ("ops.RealDiv()", "self.op(x, y)")], -2, 0.5),
    "power": (["x ** y", "ops.pow(x, y)", "np.power(x, y)", ("ops.Pow()", "self.op(x, y)")], 0.5, 0),
    "maximum": (["ops.maximum(x, y)", "np.maximum(x, y)", ("ops.Maximum()", "self.op(x, y)")], -2, 0),
    "minimum": (["ops.minimum(x, y)", "np.minimum(x, y)", ("ops.Minimum()", "self.op(x, y)")], -2, 0),
}
REDUCTIONS = [  # spelling, for x of shape (2, 3)
    "ops.sum(x)", "ops.sum(x, 1)", "ops.sum(x, dim=0, keepdim=True)", "x.sum()",
    "x.sum(axis=1, keepdims=True)", "x.sum(dim=(0, 1))", "np.sum(x, axis=0)",
    "ops.ReduceSum(keep_dims=True)(x, 1)", ("ops.ReduceSum()", "self.op(x, (0,))"),
    "ops.mean(x)", "ops.mean(x, 1, keep_dims=True)", "x.mean()", "x.mean(axis=0, keep_dims=True)",
    "np.mean(x, axis=1)", ("ops.ReduceMean(keep_dims=False)", "self.op(x, 1)"),
]
SHAPES = [  # spelling, for x of shape (2, 3)
    "ops.reshape(x, (-1,))", "x.reshape(3, 2)", "x.reshape((6, 1))", "np.reshape(x, (3, 2))",
    ("ops.Reshape()", "self.op(x, (3, 2))"), "x.T", "ops.transpose(x, (1, 0))", "x.transpose(1, 0)",
    "np.transpose(x)", ("ops.Transpose()", "self.op(x, (1, 0))"),
]
MATMUL = {  # spelling -> shapes of x and y
    "x @ y": [((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 3), (3,)), ((3,), (3,)), ((2, 2, 3), (3, 4)),
              ((2, 2, 3), (2, 3, 1)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,))],
    "ops.matmul(x, y)": [((2, 3), (3, 4))],
    "ops.dot(x, y)": [((2, 3), (3, 4))],
    "np.matmul(x, y)": [((1, 3), (3, 2))],
    "x.matmul(y)": [((2, 3), (3, 4))],
    ("ops.MatMul()", "self.op(x, y)"): [((2, 3), (3, 4))],
    ("ops.MatMul(transpose_b=True)", "self.op(x, y)"): [((2, 3), (4, 3))],
    ("ops.MatMul(transpose_a=True, transpose_b=True)", "self.op(x, y)"): [((3, 2), (4, 3))],
    ("ops.BatchMatMul(transpose_a=True)", "self.op(x, y)"): [((2, 3, 2), (2, 3, 4))],
}


def _cell(name, spelling, inputs, weight=None):
    """Source of a Cell computing `spelling`; `weight` names an input read as a Parameter."""
    init, expr = spelling if isinstance(spelling, tuple) else (None, spelling)
    lines = [f"class {name}(nn.Cell):", "    def __init__(self, w=None):", "        super().__init__()"]
    if init:
        lines.append(f"        self.op = {init}")
    if weight:
        lines.append(f"        self.{weight} = Parameter(w, name='{weight}')")
        expr = expr.replace(f"{weight}", f"self.{weight}") if weight != "x" else expr
    args = ", ".join(i for i in inputs if i != weight)
    lines += [f"    def construct(self, {args}):", f"        return {expr}", ""]
    return "\n".join(lines)


def _cases():
    sources, cases = [], []

    def add(kind, op, spelling, inputs, weight=None, extra=None):
        name = f"Net{len(cases)}"
        sources.append(_cell(name, spelling, inputs, weight))
        cases.append(pytest.param(kind, name, weight, extra, id=f"{op}:{spelling}{':w' if weight else ''}"))

    for op, (spellings, low) in UNARY.items():
        for s in spellings:
            add("unary", op, s, ["x"], extra=low)
    for op, (spellings, low, gap) in BINARY.items():
        for s in spellings:
            add("binary", op, s, ["x", "y"], extra=(low, gap))
        add("binary", op, spellings[0], ["x", "y"], weight="y", extra=(low, gap))
    for s in REDUCTIONS:
        add("fixed", "reduce", s, ["x"], extra=[(2, 3)])
    for s in SHAPES:
        add("fixed", "shape", s, ["x"], extra=[(2, 3)])
    for s, shapes in MATMUL.items():
        add("fixed", "matmul", s, ["x", "y"], extra=shapes)
    add("fixed", "matmul", "x @ y", ["x", "y"], weight="y", extra=[(2, 3), (3, 4)])
    return load_module("\n\n".join(sources)), cases


MODULE, CASES = _cases()


def _values(shape, low, high=2.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, allow_nan=False, width=64))


@st.composite
def _inputs(draw, kind, extra):
    if kind == "unary":
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
        return [draw(_values(shape, extra))]
    if kind == "binary":
        low, gap = extra
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
        x = draw(_values(shapes.input_shapes[0], low))
        y = draw(_values(shapes.input_shapes[1], low))
        y = np.where(np.abs(y) < gap, gap + np.abs(y), y)               # keep away from poles
        y = np.where(np.abs(np.broadcast_to(x, np.broadcast_shapes(x.shape, y.shape)).min()
                            - y) < 1e-3, y + 0.25, y) if y.ndim == 0 else y
        return [x, _separate(x, y)]
    shapes = draw(st.sampled_from(extra)) if isinstance(extra[0][0], tuple) else extra
    return [draw(_values(s, -2.0)) for s in shapes]


def _separate(x, y):
    """Move y's elements off x's where they (nearly) tie, so finite differences are defined."""
    close = np.abs(np.broadcast_to(x, np.broadcast_shapes(x.shape, y.shape)) - np.broadcast_to(
        y, np.broadcast_shapes(x.shape, y.shape))) < 1e-3
    if not close.any():
        return y
    return y + 0.37 if y.ndim == 0 or y.size == 1 else np.where(
        np.broadcast_to(close, close.shape).any(axis=tuple(range(close.ndim - y.ndim))), y + 0.37, y)


@pytest.mark.parametrize("kind, name, weight, extra", CASES)
@given(data=st.data())
def test_gradient_matches_finite_differences(kind, name, weight, extra, data):
    inputs = data.draw(_inputs(kind, extra))
    if weight:
        net = getattr(MODULE, name)(inputs.pop())      # y becomes the Parameter self.y
    else:
        net = getattr(MODULE, name)()
    check_gradients(net, inputs)
