"""Programs with control flow and calls, as MindSpore users write them, against central finite
differences in float64; hypothesis picks inputs that take different branches and trip counts.
The forward part of each generated adjoint computes what eager execution computes."""
import numpy as np
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

import msgrad as ms
from msgrad import ops
from msgrad.errors import GradError

from gradcheck import check_gradients, compiled_forward, load_module

load_module('''
def triple(x):
    return x * 3.0
''', name="cf_helpers")

M = load_module('''
from cf_helpers import triple


def scale(x, k=2.0):
    return x * k


def square_plus(x, y):
    return x * x + scale(y, k=0.5)


def three_deep(x):
    return ops.sin(square_plus(x, x))


def make_shift(amount):
    def shift(x):
        return x + amount
    return shift


shift_by_one = make_shift(1.0)


def pair(x):
    return x * 2.0, ops.exp(x)


class Layer(nn.Cell):
    def __init__(self, n=3, start=0.1):
        super().__init__()
        self.w = Parameter(np.linspace(start, start + 0.4, n), name='w')

    def construct(self, x):
        return ops.tanh(x * self.w)


class Base(nn.Cell):
    def __init__(self, flag=True, n=3):
        super().__init__()
        self.w = Parameter(np.linspace(0.2, 0.6, 3), name='w')
        self.flag, self.n = flag, n


class StaticIf(Base):
    def construct(self, x):
        if self.flag:
            y = x * self.w
        else:
            y = ops.sin(x)
        return y


class TensorIf(Base):
    def construct(self, x):
        if ops.sum(x) > 0:
            y = ops.exp(x) * self.w
        else:
            y = x * x
        return y


class IfElifElse(Base):
    def construct(self, x):
        s = ops.sum(x)
        if s > 1.0:
            y = x * self.w
        elif s > -1.0:
            y = ops.sin(x) + self.w
        else:
            y = x * x * self.w
        return y * 2.0


class IfWithoutElse(Base):
    def construct(self, x):
        y = x * self.w
        if ops.sum(x) > 0:
            y = y * y
        return y


class ConditionalExpression(Base):
    def construct(self, x):
        y = x * self.w if ops.sum(x) > 0 else -x
        return y + 1.0


class ReturnInBranch(Base):
    def construct(self, x):
        if ops.sum(x) > 0:
            return x * self.w * 2.0
        z = ops.sin(x)
        return z * self.w


class ForRange(Base):
    def construct(self, x):
        for i in range(3):
            x = ops.tanh(x * self.w)
        return x


class ForRangeAttribute(Base):
    def construct(self, x):
        h = x
        for i in range(self.n * 2):
            h = h * self.w + x
        return h


class ForOverTuple(Base):
    def __init__(self):
        super().__init__()
        self.v = Parameter(np.array([0.5, -0.3, 0.9]), name='v')

    def construct(self, x):
        for p in (self.w, self.v, self.w):
            x = ops.sin(x * p)
        return x


class ForOverParameterTuple(Base):
    def __init__(self):
        super().__init__()
        self.v = Parameter(np.array([0.5, -0.3, 0.9]), name='v')
        self.params = ms.ParameterTuple([self.w, self.v])

    def construct(self, x):
        for p in self.params:
            x = x * p + 0.1
        return x


class ForOverRows(Base):
    def construct(self, xs):
        acc = xs[0] * 0.0
        for row in xs:
            acc = acc + ops.tanh(row * self.w)
        return acc


class EnumerateTuple(Base):
    def construct(self, x, y):
        total = x * 0.0
        for i, v in enumerate((x, y, x * y)):
            total = total + v * (i + 1.0)
        return total * self.w


class WhileDataDependent(Base):
    def construct(self, x):
        y = x * x + 1.0
        while ops.sum(y) < 20.0:
            y = y * 1.5 + self.w
        return y


class WhileCounter(Base):
    def construct(self, x):
        i = 0
        while i < 3:
            x = ops.sin(x) * self.w
            i += 1
        return x


class NewtonSqrt(Base):
    def construct(self, a):
        y = a
        for i in range(6):
            y = (y + a / y) * 0.5
        return y


class Break(Base):
    def construct(self, x):
        for i in range(6):
            x = x * 1.5 + self.w
            if ops.sum(x) > 10.0:
                break
        return x


class Continue(Base):
    def construct(self, x):
        for i in range(4):
            if i == 2:
                continue
            x = ops.sin(x) + self.w * i
        return x


class ReturnInLoop(Base):
    def construct(self, x):
        for i in range(5):
            x = x * 2.0 + self.w
            if ops.sum(x) > 8.0:
                return x * self.w
        return -x


class NestedLoops(Base):
    def construct(self, x):
        h = x
        for i in range(2):
            for j in range(3):
                h = ops.tanh(h * self.w + x)
        return h


class LoopInBranch(Base):
    def construct(self, x):
        if ops.sum(x) > 0:
            for i in range(3):
                x = x * self.w + 1.0
        else:
            x = ops.exp(x)
        return x


class BranchInLoop(Base):
    def construct(self, x):
        for i in range(4):
            if ops.sum(x) > 0:
                t = ops.exp(x * 0.1)
                x = x - t * self.w
            else:
                x = x + self.w
        return x


class AugmentedAssignment(Base):
    def construct(self, x):
        acc = x * 0.0
        for i in range(3):
            acc += x * self.w
            acc *= 0.5
        acc -= x
        return acc


class TupleSwap(Base):
    def construct(self, x):
        a, b = x, self.w
        for i in range(4):
            a, b = b, a * b + 0.1
        return a + b


class TupleOutput(Base):
    def construct(self, x):
        pieces = (x * self.w, ops.sin(x))
        first, second = pieces
        return [first + second, pieces[1] * 2.0]


class Indexing(Base):
    def construct(self, x):
        return x[0] * x[1] + x[1:].sum() * self.w[2] + x[None, ::-1]


class Rnn(nn.Cell):
    def __init__(self):
        super().__init__()
        self.W = Parameter(np.eye(3) * 0.5 + 0.1, name='W')
        self.U = Parameter(np.full((3, 2), 0.2), name='U')

    def construct(self, xs, h):
        for t in range(4):
            h = ops.tanh(self.W @ h + self.U @ xs[t])
        return h


class SubCell(nn.Cell):
    def __init__(self):
        super().__init__()
        self.layer = Layer()

    def construct(self, x):
        return self.layer(x) * 2.0


class SubCellTwice(nn.Cell):
    def __init__(self):
        super().__init__()
        self.layer = Layer()

    def construct(self, x):
        return self.layer(self.layer(x) + x)


class TwoInstances(nn.Cell):
    def __init__(self):
        super().__init__()
        self.first = Layer(start=0.1)
        self.second = Layer(start=-0.7)

    def construct(self, x):
        return self.second(self.first(x))


class LayersInLoop(nn.Cell):
    def __init__(self):
        super().__init__()
        self.l1, self.l2, self.l3 = Layer(start=0.1), Layer(start=0.3), Layer(start=-0.2)

    def construct(self, x):
        for layer in (self.l1, self.l2, self.l3):
            x = layer(x) + x
        return x


class Nested(nn.Cell):
    def __init__(self):
        super().__init__()
        self.inner = SubCell()
        self.b = Parameter(np.array([0.3]), name='b')

    def construct(self, x):
        return self.inner(x) + self.b


class Method(Base):
    def block(self, x, k):
        return ops.sin(x * self.w) * k

    def construct(self, x):
        return self.block(x, 2.0) + self.block(x * x, k=3.0)


class Functions(Base):
    def construct(self, x, y):
        a = scale(x) + scale(y, 0.25)
        b = three_deep(a * self.w)
        c = triple(b) + shift_by_one(y)
        d, e = pair(c)
        return d + e


class CellWithLoopCalledInLoop(nn.Cell):
    def __init__(self):
        super().__init__()
        self.body = ForRange()

    def construct(self, x):
        for i in range(2):
            x = self.body(x) + x
        return x


class CellListLoop(nn.Cell):
    def __init__(self):
        super().__init__()
        layers = nn.CellList([Layer(start=0.1), Layer(start=0.3)])
        layers.append(Layer(start=-0.4))
        self.layers = layers

    def construct(self, x):
        for layer in self.layers:
            x = layer(x) * 2.0
        return x + self.layers[0](x)


class Sequential(nn.Cell):
    def __init__(self):
        super().__init__()
        self.seq = nn.SequentialCell([Layer(start=0.2), Layer(start=-0.1)])

    def construct(self, x):
        return self.seq(x)


class RangeOverShape(Base):
    def construct(self, x):
        acc = x[0] * 0.0
        for i in range(x.shape[0]):
            acc = acc + x[i] * self.w[i]
        for i in range(len(x)):
            acc = acc * x[i]
        return acc


class NestedDef(Base):
    def construct(self, x):
        scale = 2.0

        def step(h, k=1.0):
            if ops.sum(h) > 100.0:
                return h
            return ops.tanh(h * self.w * scale + k)

        for i in range(2):
            x = step(x)
        return step(x, k=0.5)


class SameFunctionConstantAndTensor(Base):
    def construct(self, x):
        return scale(x, 3.0) + scale(x, self.w)
''')

ROBUST = st.floats(-2, 2).filter(lambda v: abs(v) > 0.05)


def vector(n=3, low=-2.0, high=2.0):
    return hnp.arrays(np.float64, (n,), elements=st.floats(low, high))


def signed(low, high):
    """Vectors whose elements share one sign, with magnitudes in [low, high]."""
    return st.tuples(st.sampled_from([-1.0, 1.0]), vector(low=low, high=high)).map(lambda s: s[0] * s[1])


def away_from_sum(threshold=0.0, gap=0.3):
    return vector().filter(lambda a: abs(a.sum() - threshold) > gap)


PROGRAMS = {  # Cell factory -> strategy of its inputs
    "static_if_true": (lambda: M.StaticIf(True), st.tuples(vector())),
    "static_if_false": (lambda: M.StaticIf(False), st.tuples(vector())),
    "tensor_if": (M.TensorIf, st.tuples(away_from_sum())),
    "if_elif_else": (M.IfElifElse, st.tuples(vector().filter(lambda a: min(abs(a.sum() - 1), abs(a.sum() + 1)) > 0.3))),
    "if_without_else": (M.IfWithoutElse, st.tuples(away_from_sum())),
    "conditional_expression": (M.ConditionalExpression, st.tuples(away_from_sum())),
    "return_in_branch": (M.ReturnInBranch, st.tuples(away_from_sum())),
    "for_range": (M.ForRange, st.tuples(vector())),
    "for_range_attribute": (lambda: M.ForRangeAttribute(n=2), st.tuples(vector(low=-1, high=1))),
    "for_range_zero_trips": (lambda: M.ForRangeAttribute(n=0), st.tuples(vector())),
    "for_over_tuple": (M.ForOverTuple, st.tuples(vector())),
    "for_over_parameter_tuple": (M.ForOverParameterTuple, st.tuples(vector())),
    "for_over_rows": (M.ForOverRows, st.tuples(hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.just(3)),
                                                           elements=st.floats(-2, 2)))),
    "enumerate_tuple": (M.EnumerateTuple, st.tuples(vector(), vector())),
    "while_data_dependent": (M.WhileDataDependent, st.tuples(vector(low=-1, high=1))),
    "while_counter": (M.WhileCounter, st.tuples(vector())),
    "newton_sqrt": (M.NewtonSqrt, st.tuples(vector(low=0.5, high=4.0))),
    "break": (M.Break, st.tuples(vector(low=0.0, high=2.0))),
    "continue": (M.Continue, st.tuples(vector())),
    "return_in_loop": (M.ReturnInLoop, st.tuples(vector(low=-1.0, high=1.0))),
    "nested_loops": (M.NestedLoops, st.tuples(vector())),
    "loop_in_branch": (M.LoopInBranch, st.tuples(away_from_sum())),
    "branch_in_loop": (M.BranchInLoop, st.tuples(signed(2.5, 4.0))),
    "augmented_assignment": (M.AugmentedAssignment, st.tuples(vector())),
    "tuple_swap": (M.TupleSwap, st.tuples(vector(low=-1, high=1))),
    "tuple_output": (M.TupleOutput, st.tuples(vector())),
    "indexing": (M.Indexing, st.tuples(vector())),
    "rnn": (M.Rnn, st.tuples(hnp.arrays(np.float64, (4, 2), elements=st.floats(-1, 1)), vector(low=-1, high=1))),
    "sub_cell": (M.SubCell, st.tuples(vector())),
    "sub_cell_twice": (M.SubCellTwice, st.tuples(vector())),
    "two_instances": (M.TwoInstances, st.tuples(vector())),
    "layers_in_loop": (M.LayersInLoop, st.tuples(vector())),
    "nested_cells": (M.Nested, st.tuples(vector())),
    "method": (M.Method, st.tuples(vector())),
    "functions_three_deep_closures_imports": (M.Functions, st.tuples(vector(low=-1, high=1), vector(low=-1, high=1))),
    "cell_with_loop_called_in_loop": (M.CellWithLoopCalledInLoop, st.tuples(vector())),
    "same_function_constant_and_tensor": (M.SameFunctionConstantAndTensor, st.tuples(vector())),
    "cell_list_loop": (M.CellListLoop, st.tuples(vector())),
    "nested_def_and_closure": (M.NestedDef, st.tuples(vector())),
    "sequential_cell": (M.Sequential, st.tuples(vector())),
    "range_over_shape": (M.RangeOverShape, st.tuples(vector(low=-1.5, high=1.5))),
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
@given(data=st.data())
def test_gradients_match_finite_differences(name, data):
    make, inputs = PROGRAMS[name]
    net = make()
    arrays = list(data.draw(inputs))
    check_gradients(net, arrays, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", sorted(PROGRAMS))
@given(data=st.data())
def test_generated_forward_agrees_with_eager_execution(name, data):
    make, inputs = PROGRAMS[name]
    net = make()
    tensors = [ms.Tensor(a) for a in data.draw(inputs)]
    eager = net(*tensors)
    eager = list(eager) if isinstance(eager, (tuple, list)) else [eager]
    for got, want in zip(compiled_forward(net, tensors), eager):
        np.testing.assert_allclose(np.asarray(got), want.asnumpy(), rtol=1e-12, atol=1e-12)


def test_sub_cell_parameters_in_mindspores_order():
    assert [p.name for p in M.Nested().trainable_params()] == ['b', 'inner.layer.w']
    assert [p.name for p in M.LayersInLoop().trainable_params()] == ['l1.w', 'l2.w', 'l3.w']
    assert [p.name for p in M.CellListLoop().trainable_params()] == ['layers.0.w', 'layers.1.w', 'layers.2.w']
    assert [p.name for p in M.Sequential().trainable_params()] == ['seq.0.w', 'seq.1.w']


def test_each_callee_is_generated_once_and_called_by_name():
    from msgrad.compiler.emit import generated
    net = M.TwoInstances()
    grad_fn = ops.GradOperation()(net)
    grad_fn(ms.Tensor([0.1, 0.2, 0.3]))
    adjoint, callee = grad_fn.source.split("\n\n")          # the adjoint, then the one callee it calls
    assert adjoint.count("Layer_construct_forward(") == 2 and "Layer_construct_backward(" in adjoint
    assert callee.startswith("# msgrad forward and backward of Layer.construct")
    before = generated["count"]
    ops.GradOperation()(M.TwoInstances())(ms.Tensor([0.3, 0.2, 0.1]))
    assert generated["count"] == before


def test_recursion_is_a_clear_error():
    module = load_module('''
def fact(x, n):
    if n == 0:
        return x
    return fact(x, n - 1) * x


class Net(nn.Cell):
    def construct(self, x):
        return fact(x, 3)
''')
    with pytest.raises(GradError, match="fact calls itself; msgrad does not differentiate recursion"):
        ops.GradOperation()(module.Net())(ms.Tensor([1.0]))


def test_name_assigned_only_in_a_loop_is_a_clear_error():
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        for i in range(3):
            y = x * 2
        return y
''')
    with pytest.raises(GradError, match="'y' is assigned only inside the loop"):
        ops.GradOperation()(module.Net())(ms.Tensor([1.0]))


def test_two_sequential_cells_get_their_own_code():
    x = ms.Tensor(np.ones((1, 2), np.float32))
    relu = ops.GradOperation()(ms.nn.SequentialCell([ms.nn.ReLU()]))(x)
    dense = ms.nn.SequentialCell([ms.nn.Dense(2, 2)])
    expected = dense[0].weight.asnumpy().sum(axis=0, keepdims=True)
    assert relu.asnumpy().tolist() == [[1.0, 1.0]]
    np.testing.assert_allclose(ops.GradOperation()(dense)(x).asnumpy(), expected, rtol=1e-6)


def test_run_time_attributes_in_compiled_code():
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        if x.ndim == 2:
            x = x.sum(0)
        if x.dtype == ms.float32 and x.size > 1:
            x = x * 2.0
        return x * ops.rank(x) + ops.shape(x)[0]
''')
    net = module.Net()
    for value in (np.ones((2, 3), np.float32), np.ones(3, np.float32)):
        got = ops.GradOperation()(net)(ms.Tensor(value))
        want = np.full(value.shape, 2.0, np.float32)
        np.testing.assert_allclose(got.asnumpy(), want)


def test_a_tensor_made_in_construct_can_start_a_loops_state():
    """`h = ops.zeros(...)` before a loop that carries h: the constant is read from the generated
    code's globals (it was once written into the code as a Tensor's repr)."""
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        h = ops.zeros((3,), ms.float64)
        for t in range(2):
            h = ops.tanh(h * x + x)
        return h
''')
    rng = np.random.default_rng(4)
    check_gradients(module.Net(), [rng.standard_normal(3)], rng)
