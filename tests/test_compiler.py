"""The pipeline's promises: cached generation, located errors, the debug dump, linecache."""
import linecache
import pathlib
import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import msgrad as ms
from msgrad import ops
from msgrad.compiler.emit import generated
from msgrad.errors import GradError

from gradcheck import check_gradients, load_module

X = ms.Tensor([1.0, 2.0], ms.float32)

MODULE = load_module('''
class Scaled(nn.Cell):
    def __init__(self, scale=2.0, transpose_b=False):
        super().__init__()
        self.w = Parameter(Tensor([3.0, 4.0], ms.float32), name='w')
        self.scale = scale
        self.matmul = ops.MatMul(transpose_b=transpose_b)

    def construct(self, x):
        return self.w * x * self.scale


class Twice(nn.Cell):
    def construct(self, x, y):
        return x * y
''')


def generations():
    return generated["count"]


def test_repeated_calls_do_not_generate_again():
    net = MODULE.Scaled()
    grad_fn = ops.GradOperation()(net)
    grad_fn(X)
    before = generations()
    for _ in range(3):
        assert grad_fn(X).asnumpy().tolist() == [6.0, 8.0]
        assert ops.GradOperation()(net)(X).asnumpy().tolist() == [6.0, 8.0]   # a new GradFunction
    assert ops.GradOperation()(MODULE.Scaled())(X).asnumpy().tolist() == [6.0, 8.0]  # same class
    assert generations() == before


def test_different_needs_get_new_code():
    net = MODULE.Twice()
    grad = ops.GradOperation()
    grad(net)(X, X)
    before = generations()
    assert grad(net)(X, 3.0).asnumpy().tolist() == [3.0, 3.0]          # a constant instead
    assert generations() == before + 1
    ops.GradOperation(get_all=True)(net)(X, X)                          # another gradient
    assert generations() == before + 2


def test_changed_attribute_is_never_served_stale_code():
    net = MODULE.Scaled()
    grad_fn = ops.GradOperation()(net)
    assert grad_fn(X).asnumpy().tolist() == [6.0, 8.0]
    net.scale = 10.0
    assert grad_fn(X).asnumpy().tolist() == [30.0, 40.0]
    assert ops.GradOperation()(MODULE.Scaled(scale=1.0))(X).asnumpy().tolist() == [3.0, 4.0]


def test_changes_after_a_call_reach_the_next_call():
    """A gradient function reuses its last program while nothing changed (Cell.changes)."""
    module = load_module('''
class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.matmul = ops.MatMul()
        self.w = ms.Parameter(ms.Tensor([[1.0, 2.0], [3.0, 4.0]], ms.float32), name='w')

    def construct(self, x):
        y = self.matmul(x, self.w)
        if self.training:
            y = y * 10.0
        return y.sum()
''')
    net, x = module.Net(), ms.Tensor([[1.0, 1.0]], ms.float32)
    grad_fn = ops.GradOperation()(net)
    assert grad_fn(x).asnumpy().tolist() == [[3.0, 7.0]]
    net.matmul.transpose_b = True
    assert grad_fn(x).asnumpy().tolist() == [[4.0, 6.0]]
    net.set_train()
    assert grad_fn(x).asnumpy().tolist() == [[40.0, 60.0]]
    net.w = ms.Parameter(ms.Tensor([[1.0, 0.0], [0.0, 1.0]], ms.float32), name='w')
    assert grad_fn(x).asnumpy().tolist() == [[10.0, 10.0]]


def test_redefined_class_gets_new_code():
    first = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        return x * 2.0
''')
    second = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        return x * 5.0
''')
    assert ops.GradOperation()(first.Net())(X).asnumpy().tolist() == [2.0, 2.0]
    assert ops.GradOperation()(second.Net())(X).asnumpy().tolist() == [5.0, 5.0]


def test_parameter_shape_change_gets_correct_gradient():
    net = MODULE.Scaled()
    ops.GradOperation(get_by_list=True)(net, net.w)(X)
    net.w.set_data(ms.Tensor([[1.0], [2.0]], ms.float32))
    dw = ops.GradOperation(get_by_list=True)(net, net.w)(X)
    assert dw.shape == (2, 1) and dw.asnumpy().tolist() == [[6.0], [6.0]]


def test_source_is_one_attribute_away_before_any_call():
    grad_fn = ops.GradOperation(get_by_list=True)(MODULE.Scaled(), MODULE.Scaled().w)
    assert "def Scaled_construct_adjoint(w, x):" in grad_fn.source


def _error_of(source, *args, op=None):
    module = load_module(textwrap.dedent(source))
    with pytest.raises(GradError) as info:
        (op or ops.GradOperation())(module.Net())(*(args or (X,)))
    return module, info.value


@pytest.mark.parametrize("body, construct, line_text", [
    ("try:\n            y = x\n        except Exception:\n            y = x\n        return y", "a `try` statement", "try:"),
    ("with open('f') as f:\n            pass\n        return x", "a `with` statement", "with open('f') as f:"),
    ("return [y * 2 for y in x]", "a list comprehension", "return [y * 2 for y in x]"),
    ("del x\n        return 1.0", "a `del` statement", "del x"),
    ("return lambda: x", "a lambda", "return lambda: x"),
])
def test_unsupported_syntax_is_named_with_file_line_and_column(body, construct, line_text):
    module, error = _error_of(f'''
class Net(nn.Cell):
    def construct(self, x):
        {body}
''')
    assert f"msgrad cannot differentiate {construct} in Net.construct" in str(error)
    assert error.where.filename == module.__file__
    assert linecache.getline(module.__file__, error.where.line).strip() == line_text.splitlines()[0] \
        or line_text in linecache.getline(module.__file__, error.where.line)
    assert "^" in str(error)


def test_call_without_rule_names_it_and_says_what_to_do():
    module, error = _error_of('''
import math
class Net(nn.Cell):
    def construct(self, x):
        y = math.exp(x)
        return y
''')
    text = str(error)
    assert "msgrad has no gradient rule for `math.exp`" in text
    assert "stop_gradient" in text and f'File "{module.__file__}", line 10, column 13' in text


def test_missing_attribute_uses_mindspores_message():
    _, error = _error_of('''
class Net(nn.Cell):
    def construct(self, x):
        return x * self.missing
''')
    assert "The 'Net' object has no attribute 'missing'." in str(error)
    assert isinstance(error, AttributeError)


def test_unknown_name_and_unknown_tensor_method():
    _, error = _error_of('''
class Net(nn.Cell):
    def construct(self, x):
        return x * undefined_name
''')
    assert "name 'undefined_name' is not defined" in str(error) and isinstance(error, NameError)
    _, error = _error_of('''
class Net(nn.Cell):
    def construct(self, x):
        return x.frobnicate()
''')
    assert "no gradient rule for the Tensor method `frobnicate`" in str(error)


@pytest.mark.parametrize("ret, kind", [("None", "None"), ("'loss'", "str"), ("", "None")])
def test_output_that_is_not_a_tensor_is_an_error(ret, kind):
    _, error = _error_of(f'''
class Net(nn.Cell):
    def construct(self, x):
        y = x * 2
        return {ret}
''')
    assert ("returns None" if kind == "None" else f"returns a {kind}") in str(error)


def test_static_argument_must_be_constant():
    _, error = _error_of('''
class Net(nn.Cell):
    def construct(self, x):
        return ops.sum(x, x)
''')
    assert "the `axis` argument of reduce_sum must be a constant" in str(error)


def test_wrong_keyword_is_reported_at_the_users_line():
    _, error = _error_of('''
class Net(nn.Cell):
    def construct(self, x):
        return ops.sum(x, axis=0)
''')
    assert "ops.sum: " in str(error) and "unexpected keyword argument 'axis'" in str(error)


def test_traceback_inside_generated_code_shows_its_lines():
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x, y):
        return x @ y
''')
    grad_fn = ops.GradOperation()(module.Net())
    with pytest.raises(ValueError) as info:
        grad_fn(ms.Tensor(np.ones((2, 3))), ms.Tensor(np.ones((2, 3))))
    frames = traceback.extract_tb(info.value.__cause__.__traceback__)
    generated = [f for f in frames if f.filename.startswith("<msgrad Net.construct adjoint")]
    assert generated and generated[0].line == "t1 = x @ y"


def test_dump_to_stderr_and_to_a_directory(tmp_path):
    program = tmp_path / "prog.py"
    program.write_text(textwrap.dedent('''
        import msgrad as ms, msgrad.nn as nn, msgrad.ops as ops
        class Net(nn.Cell):
            def construct(self, x):
                return ops.exp(x)
        ops.GradOperation()(Net())(ms.Tensor([1.0]))
        '''))
    env = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                            env={**env, "MSGRAD_DUMP": "1"})
    assert "def Net_construct_adjoint(x):" in result.stderr and result.stdout == ""
    out = tmp_path / "dump"
    subprocess.run([sys.executable, str(program)], env={**env, "MSGRAD_DUMP": str(out)}, check=True)
    assert [p.name for p in out.iterdir()] == ["Net_construct_adjoint_1.py"]
    text = (tmp_path / "prog.py").read_text().replace(
        "class Net", f"ms.set_context(save_graphs=True, save_graphs_path={str(tmp_path / 'graphs')!r})\nclass Net")
    program.write_text(text)
    subprocess.run([sys.executable, str(program)], env=env, check=True)
    assert "def Net_construct_adjoint(x):" in next((tmp_path / "graphs").iterdir()).read_text()


def test_program_without_source_is_traced_and_says_so_when_it_cannot_be():
    namespace = {}
    exec(textwrap.dedent('''
        import msgrad.nn as nn, msgrad.ops as ops
        class Net(nn.Cell):
            def construct(self, x):
                y = ops.sin(x) * x
                return y
        class Branchy(nn.Cell):
            def construct(self, x):
                if x > 0:
                    return x
                return -x
        '''), namespace)
    grad_fn = ops.GradOperation()(namespace["Net"]())
    np.testing.assert_allclose(grad_fn(X).asnumpy(), np.cos([1.0, 2.0]) * [1.0, 2.0] + np.sin([1.0, 2.0]),
                               rtol=1e-6)
    assert "# line 5" in grad_fn.source
    with pytest.raises(GradError, match="Define the class in a .py file"):
        ops.GradOperation()(namespace["Branchy"]())(X)


def test_numpy_error_in_generated_code_names_the_users_line():
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x, y):
        z = x * 2.0
        return z @ y
''')
    grad_fn = ops.GradOperation()(module.Net())
    with pytest.raises(ValueError) as info:
        grad_fn(ms.Tensor(np.ones((2, 3))), ms.Tensor(np.ones((2, 3))))
    error = info.value
    assert "ValueError while computing a gradient" in str(error)
    assert f'File "{module.__file__}", line 10' in str(error) and "return z @ y" in str(error)
    assert "It happened in generated code: t2 = z @ y" in str(error)


def test_loop_gradients_of_parameters_accumulate_in_place_and_integer_inputs_do_not():
    module = load_module('''
class Net(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(np.array([0.5, 0.25]), name='w')

    def construct(self, x, n):
        h = x * 1.0
        for i in range(3):
            h = ops.sin(h * self.w) + n
        return h
''')
    net = module.Net()
    grad_fn = ops.GradOperation(get_all=True, get_by_list=True)(net, net.w)
    (dx, dn), dw = grad_fn(ms.Tensor([1.0, 2.0]), ms.Tensor([1, 2], ms.int32))
    assert "dw += " in grad_fn.source and "dn = dn + " in grad_fn.source
    assert dn.dtype == ms.int32


def test_adjoint_names_that_look_like_template_parameters_are_not_replaced():
    """`type`'s adjoint is named `dtype`, which is also cast's static parameter."""
    module = load_module('''
class Net(nn.Cell):
    def construct(self, x):
        type = ops.cast(x, ms.float64)
        return type * 2
''')
    assert ops.GradOperation()(module.Net())(X).asnumpy().tolist() == [2.0, 2.0]


def test_generated_code_follows_mindspores_dtypes():
    """An int32 Tensor times 0.5 is float32 in MindSpore (numpy says float64): generated code,
    made for the arguments' dtypes, casts where numpy's dtype differs, so values agree with eager."""
    module = load_module('''
def f(x, y):
    return (x * 0.5 + y) * y
''')
    x, y = ms.Tensor(np.array([1, 2], np.int32)), ms.Tensor(np.array([1.5, 2.5], np.float32))
    value, (dx, dy) = ms.value_and_grad(module.f, (0, 1))(x, y)
    assert value.dtype == module.f(x, y).dtype == ms.float32
    assert dx.dtype == ms.int32 and dy.dtype == ms.float32
    grad_fn = ops.GradOperation(get_all=True)(module.f)
    grad_fn(x, y)
    assert "t1 = (x * 0.5).astype(np.float32)" in grad_fn.source


def test_an_rnns_weight_gradients_are_one_matrix_product_after_the_loop():
    """sum_outer_products_after_loops: per-step outer products become one product of stacks;
    compute_row_products_before_loops: `u @ xs[t]` is a row of `xs @ u.T`, made once before the
    loop, and the input's and u's gradients are one product each after it;
    write_rows_once: each step writes its own row of the products gradient;
    propagate_copies: no `dh_2 = dh_1` copies in the loop;
    compute_saved_terms_before_loops: tanh's `1 - y * y` is computed for all steps at once."""
    from golden.programs import Recurrent
    net = Recurrent()
    xs, h = ms.Tensor(np.ones((5, 3), np.float32)), ms.Tensor(np.ones(4, np.float32))
    grad_fn = ops.GradOperation(get_all=True, get_by_list=True)(net, ms.ParameterTuple(net.trainable_params()))
    (dxs, dh), (dw, du) = grad_fn(xs, h)
    source = "\n".join(line for line in grad_fn.source.splitlines() if not line.lstrip().startswith("#"))
    forward = source.split("for t in range(t2):")[1].split("dh_1 = ")[0]
    backward = source.split("for t in reversed(range(trips)):")[1].split("if ")[0]
    assert "u_xs = xs @ u.T" in source.split("trips = 0")[0] and "u @" not in forward
    assert "dt6_terms = 1 - h_2s * h_2s" in source and "dt6 = dh_1 * dt6_terms[t]" in backward and "h_1 = saved.pop()" in backward
    assert "matmul_grad_x" not in backward and "u.T" not in backward and "du_xs[t] = dt6" in backward
    assert "dw += np.stack(dt6s).T @ np.stack(h_1s)" in source and "dh_2" not in backward     # (no copies)
    assert "dxs = du_xs @ u" in source and "du = du_xs.T @ xs" in source
    w, u = net.w.asnumpy().astype(np.float64), net.u.asnumpy().astype(np.float64)
    states = [np.ones(4)]
    for t in range(5):
        states.append(np.tanh(w @ states[-1] + u @ np.ones(3)))
    dnext, rows = np.ones(4), []
    for t in reversed(range(5)):
        rows.append(dnext * (1 - states[t + 1] ** 2))
        dnext = rows[-1] @ w
    rows = np.array(rows[::-1])
    np.testing.assert_allclose(dw.asnumpy(), rows.T @ np.array(states[:5]), rtol=1e-5)
    np.testing.assert_allclose(du.asnumpy(), rows.T @ np.ones((5, 3)), rtol=1e-5)
    np.testing.assert_allclose(dxs.asnumpy(), rows @ u, rtol=1e-5)
    np.testing.assert_allclose(dh.asnumpy(), dnext, rtol=1e-5)


GATED = '''
class Gated(nn.Cell):
    """Both kinds of row product (u @ xs[t], xs[t] @ v), and sigmoid's y * (1 - y)."""
    def __init__(self, hidden, inputs, seed, steps=None):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.w = Parameter(rng.standard_normal((hidden, hidden)) * 0.5, name='w')
        self.u = Parameter(rng.standard_normal((hidden, inputs)) * 0.5, name='u')
        self.v = Parameter(rng.standard_normal((inputs, hidden)) * 0.5, name='v')
        self.steps = steps

    def construct(self, xs, h):
        for t in range(len(xs) if self.steps is None else self.steps):
            h = ops.sigmoid(self.w @ h + self.u @ xs[t]) * ops.tanh(xs[t] @ self.v)
        return h
'''


@given(steps=st.integers(0, 4), hidden=st.integers(1, 3), inputs=st.integers(1, 3), seed=st.integers(0, 2**16))
@settings(max_examples=25, deadline=None)
def test_loops_over_every_row_compute_row_products_and_terms_once(steps, hidden, inputs, seed):
    rng = np.random.default_rng(seed)
    net = load_module(GATED).Gated(hidden, inputs, seed)      # a new class: code for these shapes
    grad_fn = check_gradients(net, [rng.standard_normal((steps, inputs)), rng.standard_normal(hidden)], rng)
    assert "u_xs = xs @ u.T" in grad_fn.source and "xs_v = xs @ v" in grad_fn.source
    if steps:       # (the shapes of values in a loop that never runs are not known)
        assert "dt8_terms = 1 - t9s * t9s" in grad_fn.source and "dt5_terms = t6s * (1 - t6s)" in grad_fn.source


def test_a_cell_called_in_a_loop_is_inlined_so_its_products_of_rows_leave_the_loop():
    """inline_calls(in_loops=True), for code made for known shapes: an RNN written with a cell
    gets the loop passes too (and calls no generated functions per step)."""
    module = load_module('''
class Step(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(np.linspace(-0.5, 0.5, 9).reshape(3, 3), name='w')
        self.u = Parameter(np.linspace(0.2, -0.3, 6).reshape(3, 2), name='u')

    def construct(self, x, h):
        return ops.tanh(self.w @ h + self.u @ x)


class Unrolled(nn.Cell):
    def __init__(self):
        super().__init__()
        self.step = Step()

    def construct(self, xs, h):
        for t in range(xs.shape[0]):
            h = self.step(xs[t], h)
        return h
''')
    rng = np.random.default_rng(5)
    grad_fn = check_gradients(module.Unrolled(), [rng.standard_normal((4, 2)), rng.standard_normal(3)], rng)
    assert "step_u_xs = xs @ step_u.T" in grad_fn.source and "_forward(" not in grad_fn.source


def test_a_loop_over_some_rows_keeps_its_products_per_step():
    rng = np.random.default_rng(1)
    net = load_module(GATED).Gated(3, 2, 1, steps=2)
    grad_fn = check_gradients(net, [rng.standard_normal((4, 2)), rng.standard_normal(3)], rng)
    assert "u_xs" not in grad_fn.source and "u @ " in grad_fn.source


def test_rows_a_loop_adds_to_twice_or_again_in_an_outer_loop_are_added_up():
    """write_rows_once leaves `dxs[t] += g` where a row gets more than one contribution."""
    module = load_module('''
class Rows(nn.Cell):
    def construct(self, xs, h):
        for t in range(xs.shape[0]):
            h = ops.sin(h * xs[t]) + xs[t] * 0.5
        for s in range(2):
            for t in range(xs.shape[0]):
                h = h * ops.cos(xs[t])
        return h
''')
    rng = np.random.default_rng(3)
    grad_fn = check_gradients(module.Rows(), [rng.standard_normal((3, 2)), rng.standard_normal(2)], rng)
    assert "dxs[t] += " in grad_fn.source


def test_a_seed_of_ones_multiplies_nothing_but_is_never_an_arguments_array():
    """multiply_ones_away: `dy * e` is `e` for an array e the function computes; `dy * w`, w an
    argument, stays (a gradient must not share the argument's memory)."""
    module = load_module('''
def f(x, w):
    return ops.sum(ops.exp(x * 0.5) + x * w)
''')
    x, w = ms.Tensor(np.array([0.5, -1.0], np.float32)), ms.Tensor(np.array([2.0, 3.0], np.float32))
    grad_fn = ops.GradOperation(get_all=True)(module.f)
    dx, dw = grad_fn(x, w)
    assert "dx = dx + t2 * 0.5" in grad_fn.source and "dx = dt4 * w" in grad_fn.source
    np.testing.assert_allclose(dx.asnumpy(), 0.5 * np.exp(x.asnumpy() * 0.5) + w.asnumpy(), rtol=1e-6)
    assert dw.asnumpy().tolist() == x.asnumpy().tolist()
    assert not np.shares_memory(dw.asnumpy(), x.asnumpy()) and not np.shares_memory(dx.asnumpy(), w.asnumpy())


def test_a_seed_another_output_adds_to_is_not_taken_for_ones():
    """s is an output and also read by t: its gradient is its seed plus t's contribution."""
    module = load_module('''
def f(x):
    s = x.sum()
    t = s * 2
    return s, t
''')
    assert ms.grad(module.f)(ms.Tensor(np.ones(3, np.float32))).asnumpy().tolist() == [3.0, 3.0, 3.0]


def test_a_layers_temporaries_are_updated_in_place():
    """update_temporaries_in_place: `h = x @ w; h += b; np.tanh(h, out=h)`. A temporary read
    again (z), or whose result has another shape (the broadcast sum), gets a new array."""
    module = load_module('''
class Layer(nn.Cell):
    def __init__(self):
        super().__init__()
        self.w = Parameter(np.linspace(-1.0, 1.0, 6).reshape(3, 2), name='w')
        self.b = Parameter(np.array([0.1, -0.2]), name='b')

    def construct(self, x):
        h = ops.tanh(ops.matmul(x, self.w) + self.b)
        z = x * 2.0
        k = z + 1.0
        wide = ops.matmul(x, self.w) + ops.ones((4, 1, 2), ms.float64)
        return (h * h).sum() + (z * k).sum() + (wide * wide).sum()
''')
    rng = np.random.default_rng(2)
    grad_fn = check_gradients(module.Layer(), [rng.standard_normal((2, 3))], rng)
    forward = grad_fn.source.split("# backward")[0]
    assert "h = x @ w\n    h += b\n    np.tanh(h, out=h)" in forward
    assert "k = z + 1.0" in forward and "wide = t6 + c" in forward


def test_code_is_made_for_a_bounded_number_of_argument_shapes():
    from msgrad.compiler import cache
    module = load_module('''
def f(x):
    return (x * x).sum()
''')
    for n in range(1, cache.MAX_SIGNATURES + 6):
        assert ms.grad(module.f)(ms.Tensor(np.ones(n, np.float32))).asnumpy().tolist() == [2.0] * n
    program = cache.program_for(module.f, None, (None,))
    assert sum(key[-1] is not None for key in program.adjoints if isinstance(key, tuple)) == cache.MAX_SIGNATURES
