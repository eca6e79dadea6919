"""Generated code calls only what the table reaches, so that it can be compiled and
differentiated again (higher-order gradients): each call in an adjoint template, and in the
inline forward form of a primitive, is an entry point of the table, found as generated code
finds the name, or an @static helper applied to static parameters only."""
import ast
import builtins
import types

import pytest

from msgrad.compiler.emit import generated_globals
from msgrad.primitives import TABLE, entry_point
from msgrad.primitives.core import STATIC
from msgrad.tensor import Tensor

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
