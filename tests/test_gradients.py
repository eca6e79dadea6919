"""Every operation, in every spelling a user writes, against central finite differences in
float64, with hypothesis choosing shapes (broadcasting included) and values."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import msgrad as ms
from msgrad import Tensor, ops

from gradcheck import check_gradients, distinct, load_module

UNARY = {  # operation -> (spellings, lowest value of its domain[, highest, 2 if not given])
    "exp": (["ops.exp(x)", "np.exp(x)", "x.exp()", "ops.Exp()(x)", ("ops.Exp()", "self.op(x)")], -2),
    "log": (["ops.log(x)", "np.log(x)", "x.log()", ("ops.Log()", "self.op(x)")], 0.2),
    "sin": (["ops.sin(x)", "np.sin(x)", "x.sin()", ("ops.Sin()", "self.op(x)")], -2),
    "cos": (["ops.cos(x)", "np.cos(x)", "x.cos()", ("ops.Cos()", "self.op(x)")], -2),
    "tanh": (["ops.tanh(x)", "np.tanh(x)", "x.tanh()", ("ops.Tanh()", "self.op(x)")], -2),
    "sqrt": (["ops.sqrt(x)", "np.sqrt(x)", "x.sqrt()", ("ops.Sqrt()", "self.op(x)")], 0.2),
    "negative": (["-x", "ops.neg(x)", "np.negative(x)", "x.neg()", ("ops.Neg()", "self.op(x)")], -2),
    "power_constant": (["x ** 2", "x ** 3.0", "ops.pow(x, 2)", "x ** 0.5", "2.0 ** x"], 0.2),
    "abs": (["ops.abs(x - 0.0137)", "ops.absolute(x - 0.0137)", "np.abs(x - 0.0137)", "(x - 0.0137).abs()",
             ("ops.Abs()", "self.op(x - 0.0137)")], -2),   # kept off the kink at 0
    "square": (["ops.square(x)", "np.square(x)", "x.square()", ("ops.Square()", "self.op(x)")], -2),
    "rsqrt": (["ops.rsqrt(x)", "x.rsqrt()", ("ops.Rsqrt()", "self.op(x)")], 0.2),
    "reciprocal": (["ops.reciprocal(x)", "np.reciprocal(x)", "x.reciprocal()",
                    ("ops.Reciprocal()", "self.op(x)")], 0.3),
    "log1p": (["ops.log1p(x)", "np.log1p(x)", "x.log1p()", ("ops.Log1p()", "self.op(x)")], -0.8),
    "expm1": (["ops.expm1(x)", "np.expm1(x)", "x.expm1()", ("ops.Expm1()", "self.op(x)")], -2),
    "erf": (["ops.erf(x)", "x.erf()", ("ops.Erf()", "self.op(x)")], -2),
    "exp2": (["ops.exp2(x)", "np.exp2(x)"], -2),
    "log2": (["ops.log2(x)", "np.log2(x)", "x.log2()"], 0.2),
    "log10": (["ops.log10(x)", "np.log10(x)", "x.log10()"], 0.2),
    "tan": (["ops.tan(x)", "np.tan(x)", "x.tan()", ("ops.Tan()", "self.op(x)")], -1.2, 1.2),
    "sinh": (["ops.sinh(x)", "np.sinh(x)", "x.sinh()", ("ops.Sinh()", "self.op(x)")], -2),
    "cosh": (["ops.cosh(x)", "np.cosh(x)", "x.cosh()", ("ops.Cosh()", "self.op(x)")], -2),
    "arcsin": (["ops.asin(x)", "ops.arcsin(x)", "np.arcsin(x)", "x.asin()", "x.arcsin()",
                ("ops.Asin()", "self.op(x)")], -0.9, 0.9),
    "arccos": (["ops.acos(x)", "ops.arccos(x)", "np.arccos(x)", "x.acos()", "x.arccos()",
                ("ops.ACos()", "self.op(x)")], -0.9, 0.9),
    "arctan": (["ops.atan(x)", "ops.arctan(x)", "np.arctan(x)", "x.atan()", "x.arctan()",
                ("ops.Atan()", "self.op(x)")], -2),
    "arcsinh": (["ops.asinh(x)", "ops.arcsinh(x)", "np.arcsinh(x)", "x.asinh()", "x.arcsinh()",
                 ("ops.Asinh()", "self.op(x)")], -2),
    "arccosh": (["ops.acosh(x)", "ops.arccosh(x)", "np.arccosh(x)", "x.acosh()", "x.arccosh()",
                 ("ops.Acosh()", "self.op(x)")], 1.2, 3),
    "arctanh": (["ops.atanh(x)", "ops.arctanh(x)", "np.arctanh(x)", "x.atanh()", "x.arctanh()",
                 ("ops.Atanh()", "self.op(x)")], -0.9, 0.9),
    "clip": (["ops.clamp(x, -0.7321, 0.9137)", "ops.clip(x, -0.7321, 0.9137)", "x.clip(-0.7321, 0.9137)",
              "x.clamp(min=-0.7321)", "x.clip(None, 0.9137)", "np.clip(x, -0.7321, 0.9137)",
              "ops.clip_by_value(x, -0.7321, 0.9137)", "ops.clip_by_value(x, clip_value_max=0.9137)"], -2),
    "cast": (["ops.cast(x, ms.float64)", "x.astype(ms.float64)", "x.astype(np.float64)", "x.astype('float64')",
              ("ops.Cast()", "self.op(x, ms.float64)")], -2),
}
BINARY = {  # operation -> (spellings, lowest value of x, smallest |y|)
    "add": (["x + y", "ops.add(x, y)", "np.add(x, y)", ("ops.Add()", "self.op(x, y)")], -2, 0),
    "subtract": (["x - y", "ops.sub(x, y)", "np.subtract(x, y)", ("ops.Sub()", "self.op(x, y)")], -2, 0),
    "multiply": (["x * y", "ops.mul(x, y)", "np.multiply(x, y)", "ops.Mul()(x, y)"], -2, 0),
    "divide": (["x / y", "ops.div(x, y)", "np.divide(x, y)", ("ops.RealDiv()", "self.op(x, y)")], -2, 0.5),
    "power": (["x ** y", "ops.pow(x, y)", "np.power(x, y)", ("ops.Pow()", "self.op(x, y)")], 0.5, 0),
    "maximum": (["ops.maximum(x, y)", "np.maximum(x, y)", ("ops.Maximum()", "self.op(x, y)")], -2, 0),
    "minimum": (["ops.minimum(x, y)", "np.minimum(x, y)", ("ops.Minimum()", "self.op(x, y)")], -2, 0),
    "arctan2": (["ops.atan2(x, y)", "ops.arctan2(x, y)", "np.arctan2(x, y)", "x.atan2(y)", "x.arctan2(y)",
                 ("ops.Atan2()", "self.op(x, y)")], 0.5, 0),
    "mod": (["ops.remainder(x, y + 3.0)", "ops.floor_mod(x, y + 3.0)", "np.mod(x, y + 3.0)",
             "x.remainder(y + 3.0)", ("ops.FloorMod()", "self.op(x, y + 3.0)")], 0.5, 0),
    "where": (["ops.where(x > y, x, y)", "ops.select(ops.less(x, y), x * 2, y)", "np.where(np.greater(x, y), x, y)",
               ("ops.Select()", "self.op(x <= y, x, y * y)")], -2, 0),
    "clip_tensor": (["ops.clamp(x, y, 0.3137)", "x.clamp(min=y)", "np.clip(x, -1.7123, y)"], -2, 0),
}
REDUCTIONS = [  # spelling, for x of shape (2, 3)
    "ops.sum(x)", "ops.sum(x, 1)", "ops.sum(x, dim=0, keepdim=True)", "x.sum()",
    "x.sum(axis=1, keepdims=True)", "x.sum(dim=(0, 1))", "np.sum(x, axis=0)",
    "ops.ReduceSum(keep_dims=True)(x, 1)", ("ops.ReduceSum()", "self.op(x, (0,))"),
    "ops.mean(x)", "ops.mean(x, 1, keep_dims=True)", "x.mean()", "x.mean(axis=0, keep_dims=True)",
    "np.mean(x, axis=1)", ("ops.ReduceMean(keep_dims=False)", "self.op(x, 1)"),
    "ops.prod(x)", "ops.prod(x, 1, keep_dims=True)", "x.prod()", "x.prod(0, keepdim=True)",
    "np.prod(x, axis=1)", ("ops.ReduceProd(keep_dims=True)", "self.op(x, 1)"),
    "ops.cumsum(x, 1)", "ops.cumsum(x, 0, ms.float64)", "x.cumsum()", "x.cumsum(0)", "x.cumsum(axis=1)",
    "np.cumsum(x, axis=0)", ("ops.CumSum()", "self.op(x, 1)"),
    "ops.logsumexp(x, 1)", "ops.logsumexp(x, (0, 1), keepdim=True)", "x.logsumexp(0)",
    "ops.var(x)", "ops.var(x, 1, ddof=1)", "x.var()", "x.var(1, keepdims=True)", "x.var(dim=1, correction=1)",
    "np.var(x, axis=0)",
]
EXTREMA = [  # spelling, for x of shape (2, 3) with no two elements tied
    "ops.max(x)", "ops.max(x, 1)", "ops.max(x, axis=0, keepdims=True)", "ops.min(x)", "ops.min(x, 1)[0]",
    "x.max()", "x.max(1)", "x.max(axis=1)", "x.max(axis=0, keepdims=True, return_indices=True)",
    "x.max(axis=(0, 1))", "x.min()", "x.min(0, True)", "x.min(axis=1)",
    "ops.amax(x, 1)", "ops.amin(x, (0, 1))", "x.amax()", "x.amin(0, True)", "np.max(x, axis=1)",
    "np.amax(x)", "np.min(x, 0)", "np.amin(x, axis=1, keepdims=True)", "ops.reduce_max(x, 1)",
    "ops.reduce_min(x)", ("ops.ReduceMax(keep_dims=True)", "self.op(x, 1)"), ("ops.ReduceMin()", "self.op(x)"),
    ("ops.ArgMaxWithValue(axis=1)", "self.op(x)"), ("ops.ArgMinWithValue(keep_dims=True)", "self.op(x)"),
    "ops.std(x)", "ops.std(x, 1, ddof=1)", "x.std()", "x.std(0)", "np.std(x, axis=1)",
    "ops.norm(x)", "ops.norm(x, dim=1)", "ops.norm(x, 2, 1, True)", "x.norm()", "np.linalg.norm(x, axis=0)",
]
SHAPES = [  # spelling, for x of shape (2, 3)
    "ops.reshape(x, (-1,))", "x.reshape(3, 2)", "x.reshape((6, 1))", "np.reshape(x, (3, 2))", "x.view(3, -1)",
    "x.view((6,))", "x * ops.ones((2, 3), ms.float64)", "x + ops.zeros(3, ms.float64)",
    ("ops.Reshape()", "self.op(x, (3, 2))"), "x.T", "ops.transpose(x, (1, 0))", "x.transpose(1, 0)",
    "np.transpose(x)", ("ops.Transpose()", "self.op(x, (1, 0))"), "ops.permute(x, (1, 0))", "x.permute(1, 0)",
    "ops.expand_dims(x, 1)", "ops.unsqueeze(x, 0)", "x.expand_dims(-1)", "x.unsqueeze(2)",
    "np.expand_dims(x, 0)", ("ops.ExpandDims()", "self.op(x, 1)"),
    "ops.squeeze(ops.expand_dims(x, 0))", "ops.squeeze(x.reshape(1, 2, 3, 1), (0, 3))",
    "x.reshape(2, 1, 3).squeeze(1)", "x.reshape(1, 6).squeeze()", "np.squeeze(x.reshape(1, 6), 0)",
    ("ops.Squeeze(0)", "self.op(x.reshape(1, 2, 3))"),
    "ops.flatten(x.reshape(2, 3, 1))", "ops.flatten(x, start_dim=0)", "x.flatten()", "x.flatten(start_dim=1)",
    ("ops.Flatten()", "self.op(x.reshape(2, 3, 1))"),
    "ops.tile(x, (2, 1))", "x.tile((1, 2))", "x.tile(2, 1)", "np.tile(x, 2)", ("ops.Tile()", "self.op(x, (2, 2))"),
    "ops.broadcast_to(x, (2, 2, 3))", "ops.broadcast_to(x.reshape(2, 1, 3), (2, 4, -1))",
    "x.broadcast_to((3, 2, 3))", "np.broadcast_to(x, (2, 2, 3))", ("ops.BroadcastTo((2, 2, 3))", "self.op(x)"),
    "x.expand_as(ops.stack([x, x]))",
    "ops.concat((x, x), 1)", "ops.cat([x, x * 2])", "np.concatenate((x, x), axis=1)",
    ("ops.Concat(1)", "self.op((x, x * x))"), "ops.stack((x, x), 1)", "np.stack([x, x * 2])",
    ("ops.Stack(-1)", "self.op((x, x))"), "ops.split(x, [1, 2], 1)", "x.split([1, 1], 0)",
    "np.split(x, 3, axis=1)", "np.split(x, [1], axis=1)", ("ops.Split(1, 3)", "self.op(x)"),
    "ops.gather(x, Tensor([2, 0, 2]), 1)", "ops.gather(x, Tensor([[1, 0], [1, 1]]), 0)",
    "x.gather(Tensor([1, 1]), 0)", ("ops.Gather()", "self.op(x, Tensor([0, 2]), 1)"),
    "np.take(x, Tensor([0, 2]), axis=1)", "np.take(x, Tensor([5, 0]))",
    "ops.gather_elements(x, 1, Tensor([[0, 0], [2, 1]]))", "ops.gather_d(x, 0, Tensor([[1, 0, 1]]))",
    "x.gather(1, Tensor([[2], [0]]))", ("ops.GatherD()", "self.op(x, 1, Tensor([[0, 0], [2, 1]]))"),
    "np.take_along_axis(x, Tensor([[0], [2]]), 1)",
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
    "ops.bmm(x, y)": [((2, 2, 3), (2, 3, 4))],
    "x.bmm(y)": [((2, 2, 3), (2, 3, 4))],
    "ops.outer(x, y)": [((3,), (2,))],
    "x.outer(y)": [((3,), (2,))],
    "np.outer(x, y)": [((2, 2), (3,))],
    "ops.inner(x, y)": [((2, 3), (4, 3)), ((3,), (3,))],
    "x.inner(y)": [((2, 3), (3,))],
    "np.inner(x, y)": [((2, 3), (2, 3))],
    "ops.tensor_dot(x, y, ((1,), (0,)))": [((2, 3), (3, 4))],
    "ops.tensor_dot(x, y, 2)": [((2, 3, 4), (3, 4, 2))],
    "np.tensordot(x, y, axes=([1, 2], [0, 1]))": [((2, 3, 4), (3, 4, 2))],
    "ops.einsum('ij,jk->ik', x, y)": [((2, 3), (3, 4))],
    "ops.einsum('ij,kj', x, y)": [((2, 3), (4, 3))],
    "np.einsum('bij,bjk->bik', x, y)": [((2, 2, 3), (2, 3, 2))],
    ("ops.Einsum('ij,ij->i')", "self.op((x, y))"): [((2, 3), (2, 3))],
}
JOINS = {  # spelling -> shapes of x and y
    "ops.concat((x, y), 1)": [((2, 3), (2, 1))],
    "ops.cat((x, y, x))": [((2, 3), (1, 3))],
    "ops.stack([x, y])": [((2, 3), (2, 3))],
    ("ops.Stack()", "self.op(x, y)"): [((3,), (3,))],
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

    for op, (spellings, *bounds) in UNARY.items():
        for s in spellings:
            add("unary", op, s, ["x"], extra=bounds)
    for op, (spellings, low, gap) in BINARY.items():
        for s in spellings:
            add("binary", op, s, ["x", "y"], extra=(low, gap))
        add("binary", op, spellings[0], ["x", "y"], weight="y", extra=(low, gap))
    for s in REDUCTIONS:
        add("fixed", "reduce", s, ["x"], extra=[(2, 3)])
    for s in EXTREMA:
        add("distinct", "extremum", s, ["x"], extra=[(2, 3)])
    for s in SHAPES:
        add("fixed", "shape", s, ["x"], extra=[(2, 3)])
    for s, shapes in MATMUL.items():
        add("fixed", "matmul", s, ["x", "y"], extra=shapes)
    for s, shapes in JOINS.items():
        add("fixed", "join", s, ["x", "y"], extra=shapes)
    add("fixed", "matmul", "x @ y", ["x", "y"], weight="y", extra=[(2, 3), (3, 4)])
    return load_module("\n\n".join(sources)), cases


MODULE, CASES = _cases()


def _values(shape, low, high=2.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high, allow_nan=False, width=64))


@st.composite
def _inputs(draw, kind, extra):
    if kind == "unary":
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
        return [draw(_values(shape, *extra))]
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
    arrays = [draw(_values(s, -2.0)) for s in shapes]
    return [distinct(a, -2.0, 2.0) for a in arrays] if kind == "distinct" else arrays


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


# -- where the derivative is not unique, MindSpore 2.10's choice (values printed by MindSpore) -------
TIED = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
KINKED = np.array([-1.0, 0.0, 0.5, 2.0, 3.0])
MINDSPORE_GRADIENTS = [  # (expression of x, x, MindSpore's gradient of its sum)
    ("ops.max(x)[0]", TIED, [[0, 0.5, 0.5], [0, 0, 0]]),           # over all elements: ties share
    ("x.max()", TIED, [[0, 0.5, 0.5], [0, 0, 0]]),
    ("ops.ReduceMax()(x, 1)", TIED, [[0, 0.5, 0.5], [0.5, 0.5, 0]]),
    ("ops.amax(x, 1)", TIED, [[0, 0.5, 0.5], [0.5, 0.5, 0]]),
    ("ops.max(x, 1)[0]", TIED, [[0, 1, 0], [1, 0, 0]]),             # along an axis: the first one
    ("x.max(axis=1)", TIED, [[0, 1, 0], [1, 0, 0]]),
    ("ops.ReduceMin()(x, 1)", TIED, [[1, 0, 0], [0, 0, 1]]),
    ("ops.prod(x, 1)", TIED, [[9, 3, 3], [0, 0, 4]]),                # zeros need no division
    ("ops.prod(x)", TIED, [[0, 0, 0], [0, 0, 36]]),
    ("ops.cumsum(x, 1)", TIED, [[3, 2, 1], [3, 2, 1]]),
    ("ops.abs(x)", KINKED, [-1, 0, 1, 1, 1]),
    ("ops.clamp(x, 0.0, 2.0)", KINKED, [0, 1, 1, 1, 0]),             # bounds pass the gradient
    ("ops.clip_by_value(x, 0.0, 2.0)", KINKED, [0, 0.5, 1, 0.5, 0]),   # maximum, minimum: halves
    ("ops.sign(x) + ops.floor(x) + ops.round(x)", KINKED, [0, 0, 0, 0, 0]),
    ("ops.cast(x, ms.int32)", KINKED, [1, 1, 1, 1, 1]),
    ("ops.cast(x, ms.float64) * 2", KINKED, [2, 2, 2, 2, 2]),
]
TIES = load_module("\n\n".join(f"def f{i}(x):\n    return {expr}\n"
                               for i, (expr, _, _) in enumerate(MINDSPORE_GRADIENTS)))


@pytest.mark.parametrize("index", range(len(MINDSPORE_GRADIENTS)), ids=[e for e, _, _ in MINDSPORE_GRADIENTS])
def test_gradient_where_not_unique_is_mindspores(index):
    _, x, want = MINDSPORE_GRADIENTS[index]
    grad = ops.GradOperation()(getattr(TIES, f"f{index}"))(Tensor(x, ms.float32))
    assert grad.dtype == ms.float32
    np.testing.assert_array_equal(grad.asnumpy(), want)


def test_clamp_gradients_of_tensor_bounds_are_mindspores():
    clamp = load_module("def f(x, low, high):\n    return ops.clamp(x, low, high)\n").f
    grads = ops.GradOperation(get_all=True)(clamp)(
        Tensor(KINKED, ms.float32), Tensor(np.zeros(5), ms.float32), Tensor(np.full(5, 2.0), ms.float32))
    np.testing.assert_array_equal([g.asnumpy() for g in grads],
                                  [[0, 1, 1, 1, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 1]])


@pytest.mark.parametrize("expr, message", [
    ("ops.split(x, 1)", "pass the list of piece sizes"),
    ("ops.einsum('i,i,i->', x, x, x)", "einsum of two operands"),
    ("ops.einsum('ii,i->i', x, x)", "no label repeated"),
    ("ops.norm(x, 1)", "ord=None"),
])
def test_unsupported_forms_are_clear_errors(expr, message):
    fn = load_module(f"def f(x):\n    return {expr}\n").f
    with pytest.raises(ops.GradError, match=message):
        ops.GradOperation()(fn)(Tensor(np.ones((2, 2)), ms.float32))
