"""The machinery of the one table of primitives.

A primitive is a numpy implementation whose positional parameters are array operands and whose
keyword-only parameters are static (known when the code is generated):

    @primitive
    def reduce_sum(x, *, axis=None, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

Its adjoint is a template in the `d[x]` notation, parsed once; the generated code gets it with
every name substituted (see compiler/reverse.py):

    @adjoint(reduce_sum)
    def _(z, x, *, axis, keepdims):
        d[x] = unreduce(d[z], x, axis, keepdims)

Users reach a primitive through many names (`np.sum`, `ops.sum`, `ops.ReduceSum()`, `x.sum()`).
Each name is an ordinary function that calls primitives; `reaches` records it so the compiler can
call it with `Symbol`s in place of arrays, and so records the primitive calls it makes.
"""
import ast
import inspect
import textwrap
import threading
from dataclasses import dataclass

import numpy as np

from .. import tensor as _tensor

TABLE = {}          # primitive name -> Primitive
STATIC = {}         # name -> pure function that adjoint templates may apply to static parameters
ENTRY_POINTS = {}   # id of an object user code may call -> (object, the callable that emits primitives)


class Symbol:
    """A value of the program being compiled, standing in for an array while entry points run."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


class _Tracing(threading.local):
    recorder = None   # set by the compiler's normalizer while it runs entry points


tracing = _Tracing()


@dataclass(frozen=True)
class Domain:
    """Where a primitive's gradient is checked (tests/test_table.py draws operands from it).

    Operand values come from `ranges` (one (low, high) per operand) or else [low, high].
    Shapes and static arguments come from `cases`, pairs (operand shapes, static arguments)
    to pick from; without cases, operands get mutually broadcastable shapes ("broadcast") or
    one shared shape ("same"), and `static` gives the static-argument sets to pick from.
    `away_from` lists values each operand keeps clear of (kinks, like 0 for abs); `apart`
    keeps operands clear of each other (ties, as in maximum), `distinct` each operand's
    elements clear of one another (ties, as in max). `fixed` gives operands that have no
    gradient (an index, a condition) a constant value instead; `shape_only` names operands
    drawn like the others that give only their shape (x in unbroadcast(g, x)), so no gradient."""
    low: float = -2.0
    high: float = 2.0
    ranges: tuple = None
    shapes: str = "broadcast"
    static: tuple = ({},)
    cases: tuple = None
    away_from: tuple = ()
    apart: bool = False
    distinct: bool = False
    fixed: dict = None
    shape_only: tuple = ()


class Primitive:
    """One operation of the table: numpy implementation, static parameters, adjoint template,
    and the Domain its gradient is checked on."""

    def __init__(self, impl, differentiable=True, elementwise=False, domain=None, static=(), effect=False):
        self.name = impl.__name__
        self.impl = impl
        self.signature = inspect.signature(impl)
        params = self.signature.parameters.values()
        self.operands = tuple(p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD and p.name not in static)
        self.static_defaults = {p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY or p.name in static}
        self.differentiable = differentiable
        self.elementwise = elementwise   # its result has the broadcast shape of its operands
        self.effect = effect             # it changes its operands in place (see `primitive`)
        self.domain = domain
        self.adjoint = None          # FunctionDef of the adjoint template
        self.tangent = None          # FunctionDef of the tangent (forward-mode) template
        self.forward = _inline_form(impl)   # the returned expression, when that is the whole body

    def __call__(self, *args, **static):
        if tracing.recorder is not None and any(isinstance(a, Symbol) for a in (*args, *static.values())):
            try:
                bound = self.signature.bind(*args, **static).arguments
            except TypeError:
                raise TypeError(f"{self.name} takes operands {self.operands} and static arguments "
                                f"{tuple(self.static_defaults)}") from None
            given = {k: v for k, v in bound.items() if k in self.static_defaults}
            return tracing.recorder(self, tuple(bound[name] for name in self.operands),
                                    {**self.static_defaults, **given})
        arrays = [_tensor.unwrap(a) for a in args]
        result = self.impl(*arrays, **static)
        if self.elementwise and "dtype" not in static:      # a cast says its own dtype
            result = mindspore_float(result, arrays)
        return _tensor.wrap(result)

    def __repr__(self):
        return f"<primitive {self.name}>"


def mindspore_float(result, operands):
    """MindSpore's float type for an elementwise result: the widest float Tensor operand's, or
    float32 where only integers and Python numbers went in (numpy would say float64)."""
    if np.asarray(result).dtype.kind != "f":
        return result
    floats = [a.dtype for a in operands if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == "f"]
    target = max(floats, key=lambda t: t.itemsize) if floats else np.dtype(np.float32)
    return result if result.dtype == target else result.astype(target)


def primitive(impl=None, *, differentiable=True, elementwise=False, domain=None, static=(), effect=False):
    """Register `impl` as a primitive; the returned Primitive is callable eagerly and when traced.

    Generated code leaves out static arguments at their default, so a default must be the one
    the numpy function it passes them to has (`np.take` takes axis=None: gather has none).
    `static` names positional parameters that are static too: a runtime helper that generated
    code calls with its static arguments by position, `unreduce(g, x, axis, keepdims)`.
    Generated code calls `impl` by the primitive's name, so `impl` reaches the primitive too.
    An `effect` changes its operands in place (BatchNorm's moving statistics): generated code
    runs it for that, though nothing reads its result."""
    if impl is None:
        return lambda f: primitive(f, differentiable=differentiable, elementwise=elementwise,
                                   domain=domain, static=static, effect=effect)
    prim = Primitive(impl, differentiable, elementwise, domain, static, effect)
    assert prim.name not in TABLE, prim.name
    TABLE[prim.name] = prim
    reaches(prim, prim, impl)
    return prim


def adjoint(prim):
    """Register the decorated template as the adjoint rule of `prim`."""
    def register(template):
        prim.adjoint = _parse_function(template)
        return template
    return register


def tangent(prim):
    """Register the decorated template as the tangent rule of `prim` (forward mode):

        @tangent(multiply)
        def _(z, x, y):
            t[z] = t[x] * y + x * t[y]

    `t[z]` is a sum of terms (joined by + and -), each linear in one operand's tangent `t[x]`;
    the generated code leaves out the terms of operands that have none. Branches may test
    static parameters, as in adjoint templates."""
    def register(template):
        prim.tangent = _parse_function(template)
        return template
    return register


def reaches(target, *aliases):
    """Let user code call `target` (an entry point), and each alias in its place; returns target.

    Works as a decorator on adapter functions (`@reaches`) and as a call for other names
    (`reaches(exp, np.exp)`)."""
    for obj in (target, *aliases):
        ENTRY_POINTS[id(obj)] = (obj, target)
    return target


def entry_point(obj):
    """The callable that emits primitives for `obj`, or None if user code may not call it."""
    found = ENTRY_POINTS.get(id(obj))
    if found is not None and found[0] is obj:
        return found[1]
    return None


def static(fn):
    """Let adjoint templates call `fn` on static parameters; the call is evaluated when the
    code is generated, so the generated code holds its result."""
    STATIC[fn.__name__] = fn
    return fn


class _Adjoints:
    """`d` in adjoint templates and `t` in tangent templates; templates are parsed, never run."""

    def __getitem__(self, name):
        raise RuntimeError("adjoint templates are not executed")


d = _Adjoints()
t = _Adjoints()     # `t` in tangent templates


def _parse_function(fn):
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    return tree.body[0]


def _inline_form(impl):
    """The expression `impl` returns, if its body is that one return and it reads only its own
    parameters and `np` (so the generated code can hold it inline instead of a call), and passes
    no array's shape, ndim, size or dtype to a call: numpy takes those as static arguments
    (np.reshape's shape), which compiled again (higher orders) are known only at run time; such
    an implementation stays a call, which reaches its primitive."""
    fn = _parse_function(impl)
    body = [s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], ast.Return):
        return None
    params = {a.arg for a in fn.args.args + fn.args.kwonlyargs} | {"np"}
    names = {n.id for n in ast.walk(body[0].value) if isinstance(n, ast.Name)}
    return body[0].value if names <= params and not _passes_run_time_values(body[0].value) else None


def _passes_run_time_values(expr):
    """Whether an argument of a call in `expr` reads an array's shape, ndim, size or dtype."""
    arguments = [a for call in ast.walk(expr) if isinstance(call, ast.Call)
                 for a in call.args + [k.value for k in call.keywords]]
    return any(isinstance(n, ast.Attribute) and n.attr in {"shape", "ndim", "size", "dtype"}
               for a in arguments for n in ast.walk(a))
