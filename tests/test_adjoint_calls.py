"""Generated code calls only what the table reaches, so that it can be compiled and
differentiated again (higher-order gradients): each call in an adjoint template, and in the
inline forward form of a primitive, is an entry point of the table, found as generated code
finds the name, or an @static helper applied to static parameters only. And it is compiled
again: for each differentiable entry and case of the table (tests/test_table.py), the value
and first-order gradients msgrad generates for a function calling it are differentiated, and
those second derivatives checked against finite differences of the first."""
import ast
import builtins
import types

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from msgrad.compiler.emit import generated_globals
from msgrad.primitives import TABLE, entry_point
from msgrad.primitives.core import STATIC
from msgrad.tensor import Tensor

from gradcheck import GRADNET, check_function, load_module
from test_table import CALLS, _clear_of, operands

GLOBALS = generated_globals()
TEMPLATES = sorted(name for name, prim in TABLE.items() if prim.adjoint is not None)
INLINE = sorted(name for name, prim in TABLE.items() if prim.forward is not None)


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_calls_only_entry_points(name):
    template = TABLE[name].adjoint
    params = {a.arg for a in template.args.args}
    static = {a.arg for a in template.args.kwonlyargs}
    unreached = _unreached(template.body, params, static)
    assert not unreached, f"the adjoint of {name} calls what the table does not reach: {unreached}"


@pytest.mark.parametrize("name", INLINE)
def test_inline_forward_calls_only_entry_points(name):
    prim = TABLE[name]
    unreached = _unreached([prim.forward], set(prim.operands) | set(prim.static_defaults), set())
    assert not unreached, f"the forward form of {name} calls what the table does not reach: {unreached}"


def _unreached(trees, params, static):
    return sorted({ast.unparse(call.func) for tree in trees for call in ast.walk(tree)
                   if isinstance(call, ast.Call) and not _reaches_table(call, params, static)})


def _reaches_table(call, params, static):
    if isinstance(call.func, ast.Name) and call.func.id in STATIC:
        arguments = call.args + [k.value for k in call.keywords]
        return all(n.id in static or n.id in STATIC for a in arguments for n in ast.walk(a)
                   if isinstance(n, ast.Name))
    return entry_point(_callee(call.func, params)) is not None


def _callee(func, params):
    """What a template's call reaches: a name of generated code's globals (np, a runtime
    helper, a primitive's implementation) or a builtin; an attribute of a module; or, called
    on a value (`d[z].astype(...)`), the Tensor method of that name."""
    if isinstance(func, ast.Name) and func.id not in params:
        return GLOBALS[func.id] if func.id in GLOBALS else getattr(builtins, func.id, None)
    if not isinstance(func, ast.Attribute):
        return None
    owner = _callee(func.value, params) if isinstance(func.value, (ast.Name, ast.Attribute)) else None
    if isinstance(owner, types.ModuleType):
        return getattr(owner, func.attr, None)
    return getattr(Tensor, func.attr, None)


def _first_order():
    """For each function f of test_table's MODULE, one returning its value and the gradients of
    all its operands (for an output gradient s), as generated code computes them."""
    sources = []
    for name, fn, _ in (p.values for p in CALLS if p.values[1] is not None):
        fixed = TABLE[name].domain.fixed or {}
        args = ", ".join(a for a in TABLE[name].operands if a not in fixed)
        positions = tuple(range(len(TABLE[name].operands) - len(fixed)))
        sources.append(f"_{fn} = ms.value_and_grad(F.{fn}, {positions}, sens_param=True)\n\n\n"
                       f"def {fn}({args}, s):\n    return _{fn}({args}, s)\n")
    return load_module("from test_table import MODULE as F\n\n\n" + "\n\n".join(sources))


FIRST_ORDER = _first_order()


@pytest.mark.parametrize("name, fn, shapes", CALLS)
@settings(max_examples=max(1, settings.default.max_examples // 5))
@given(data=st.data())
def test_first_order_code_differentiates_again(name, fn, shapes, data):
    """Static arguments of generated code must be constants then too: no np.shape(x) as a shape."""
    prim = TABLE[name]
    assert prim.domain is not None, f"primitive {name} declares no Domain to check its gradient on"
    inputs = [_clear_of(a, (0.0,)) for a in data.draw(operands(prim, shapes))]   # where celu'' and softsign'' jump
    out = np.asarray(getattr(FIRST_ORDER.F, fn)(*map(Tensor, inputs)))
    sens = data.draw(hnp.arrays(np.float64, out.shape, elements=st.floats(-1, 1)))
    check_function(getattr(FIRST_ORDER, fn), [*inputs, sens])


XAX = load_module(GRADNET + '''
class XAX(nn.Cell):
    def __init__(self):
        super().__init__()
        self.a = Tensor(np.array([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]], np.float32))

    def construct(self, x):
        return ops.matmul(ops.matmul(x.reshape(1, 3), self.a), x.reshape(3, 1)).sum()
''')


def test_gradnet_of_gradnet_through_reshapes():
    """x^T A x: the gradient is (A + A^T) x, and the gradient of its sum the column sums of A + A^T."""
    x = Tensor(np.array([1.0, 2.0, 3.0], np.float32))
    assert XAX.GradNet(XAX.XAX())(x).asnumpy().tolist() == [44.0, 68.0, 92.0]
    assert XAX.GradNet(XAX.GradNet(XAX.XAX()))(x).asnumpy().tolist() == [18.0, 30.0, 42.0]
