"""Stage 3, normalize: turn the checked syntax tree into one primitive call per step.

Names are resolved as Python would (arguments and assigned names are local; `self.w` and
module names are looked up in capture), operators and calls are mapped to the primitive table
through its entry points, constants are folded, and a reassigned name gets a fresh version so
that every value the backward sweep reads is still there."""
import ast
import builtins
import operator

import numpy as np

from .. import primitives as P
from ..errors import GradError
from ..nn.cell import Cell
from ..ops.operations import Primitive as PrimitiveClass
from ..primitives import Symbol, entry_point, tracing
from ..tensor import Parameter, Tensor
from .ir import Op, ParamRef, Program, NameAllocator, is_symbol

_OPERATORS = {ast.Add: P.add, ast.Sub: P.subtract, ast.Mult: P.multiply, ast.Div: P.divide,
              ast.Pow: P.power, ast.MatMult: P.matmul}
_FOLD = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
         ast.Div: operator.truediv, ast.Pow: operator.pow, ast.MatMult: operator.matmul}
# Builtins that user code may apply to constants; they run while the code is generated.
_CONSTANT_BUILTINS = {builtins.len, builtins.float, builtins.int, builtins.bool, builtins.abs,
                      builtins.min, builtins.max, builtins.tuple, builtins.list, builtins.range,
                      builtins.round}
_CONSTANT_TYPES = (int, float, bool, str, type(None), complex)


def normalize(captured, inputs, reserved):
    """The Program of `captured` called with `inputs`: for each positional argument, None for
    a Tensor (a value of the program) or the constant it is. `reserved` names are taken."""
    return _Normalizer(captured, reserved).run(inputs)


class ProgramBuilder:
    """What both front ends share (this normalizer, and compiler/trace.py for functions without
    source): recording primitive steps, and turning Parameters and arrays into names."""

    def __init__(self, captured, reserved):
        self.captured, self.source = captured, captured.source
        self.names = NameAllocator(reserved)
        self.body, self.params, self.constants, self.reads = [], [], {}, []
        self.param_vars = {}       # id(Parameter) -> var name
        self.unnamed = set()       # steps whose result no user name holds yet
        self.stmt = None           # the user statement being translated

    def bind_inputs(self, inputs, make_symbol=Symbol):
        """One Symbol per Tensor input (None in `inputs`); constants stay as they are."""
        names = self.captured.arg_names
        if len(inputs) != len(names):
            raise GradError(f"{self.source.qualname} takes {len(names)} inputs "
                            f"({', '.join(names)}) but was given {len(inputs)}",
                            self.source.where(self.source.node))
        return [make_symbol(self.names.claim(name)) if value is None else value
                for name, value in zip(names, inputs)]

    def finish(self, inputs, output):
        self._check_output(output)
        return Program(self.source.qualname, self.source, inputs, self.params, self.body,
                       output, self.constants, self.reads, self.names)

    def record(self, prim, operands, static, node):
        """Append the step `prim(*operands, **static)`; its result is a new Symbol."""
        for key, value in static.items():
            if _holds_symbol(value):
                raise self.source.error(node, f"the `{key}` argument of {prim.name} must be a constant, "
                                              f"known before the gradient is generated")
        operands = tuple(self.operand(a, node) for a in operands)
        target = self.names.temp()
        self.unnamed.add(target)
        self.body.append(Op(target, prim, operands, dict(static), self.stmt))
        return Symbol(target)

    def operand(self, value, node):
        if is_symbol(value) or isinstance(value, _CONSTANT_TYPES):
            return value
        if isinstance(value, Parameter):
            return self.parameter(value, self.parameter_path(value), node)
        if isinstance(value, (Tensor, np.ndarray, np.generic)):
            return self.array_constant(np.asarray(getattr(value, "_data", value)), "c")
        raise self.source.error(node, f"msgrad cannot use a {type(value).__name__} as an operand")

    def parameter(self, param, path, node):
        """The name of a Parameter read as `self.<path>` (`path` starts with self's name)."""
        if path is None or path[0] != self.captured.self_name:
            raise self.source.error(node, "msgrad differentiates Parameters read as attributes of self",
                                    "Assign the Parameter to self in __init__ and read it as self.<name>.")
        var = self.param_vars.get(id(param))
        if var is None:
            var = self.param_vars[id(param)] = self.names.claim("_".join(path[1:]))
            self.params.append(ParamRef(tuple(path[1:]), var))
        return Symbol(var)

    def parameter_path(self, param):
        """Where a Parameter met by value lives under self, found by identity (or None)."""
        if isinstance(self.captured.instance, Cell):
            for name, candidate in self.captured.instance.parameters_and_names():
                if candidate is param:
                    return (self.captured.self_name, *name.split("."))
        return None

    def array_constant(self, array, base):
        for name, known in self.constants.items():
            if known is array:
                return Symbol(name)
        name = self.names.claim(base)
        self.constants[name] = array
        return Symbol(name)

    def _check_output(self, output):
        for leaf in _flatten(output):
            if not (is_symbol(leaf) or isinstance(leaf, (int, float, bool))):
                raise self.source.error(
                    self.source.return_node(), f"{self.source.qualname} returns a "
                    f"{type(leaf).__name__}, which has no gradient",
                    "Return Tensors (or a tuple of Tensors).", cls=GradOutputError)


class _Normalizer(ProgramBuilder):
    """Translates the checked syntax tree statement by statement."""

    def __init__(self, captured, reserved):
        super().__init__(captured, reserved)
        self.env = {}              # local name -> its current value (Symbol, constant, tuple)
        self.locals = _assigned_names(self.source.node) | set(captured.arg_names)

    def run(self, inputs):
        fn = self.source.node
        inputs = self.bind_inputs(inputs)
        self.env.update(zip(self.captured.arg_names, inputs))
        output = _NO_RETURN
        for stmt in fn.body:
            if output is not _NO_RETURN:
                raise self.source.error(stmt, "code after `return` never runs", "Remove it.")
            self.stmt = stmt
            output = self.statement(stmt)
        if output is _NO_RETURN or output is None:
            raise self.source.error(fn, f"{self.source.qualname} returns None, so there is nothing "
                                        f"to differentiate", "Return the Tensor (or tuple of Tensors) "
                                                             "whose gradient you want.")
        return self.finish(inputs, output)

    # -- statements: each returns _NO_RETURN, or the returned value --------------------------
    def statement(self, stmt):
        if isinstance(stmt, ast.Return):
            return self.expr(stmt.value) if stmt.value is not None else None
        if isinstance(stmt, ast.Assign):
            value = self.expr(stmt.value)
            for target in stmt.targets:
                self.assign(target, value)
        elif isinstance(stmt, ast.AugAssign):
            current = self.expr(ast.Name(id=stmt.target.id, ctx=ast.Load(), lineno=stmt.lineno,
                                         col_offset=stmt.col_offset))
            self.assign(stmt.target, self.binary(stmt.op, current, self.expr(stmt.value)))
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            self.assign(stmt.target, self.expr(stmt.value))
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            self.expr(stmt.value)
        return _NO_RETURN

    def assign(self, target, value):
        if isinstance(target, ast.Name):
            if is_symbol(value) and value.name in self.unnamed:    # `f = t1 + b` becomes `f = ...`
                self.unnamed.discard(value.name)
                op = next(op for op in reversed(self.body) if op.target == value.name)
                op.target = value.name = self.names.claim(target.id)
            self.env[target.id] = value
            return
        if not isinstance(value, (tuple, list)) or len(value) != len(target.elts):
            count = len(value) if isinstance(value, (tuple, list)) else "a single value"
            raise self.source.error(target, f"cannot unpack {count} into {len(target.elts)} names")
        for item, part in zip(target.elts, value):
            self.assign(item, part)

    # -- expressions: each returns a Symbol, a constant, a tuple, or a compile-time object --------
    def expr(self, node):
        method = getattr(self, "expr_" + type(node).__name__)
        return method(node)

    def expr_Constant(self, node):
        return node.value

    def expr_Tuple(self, node):
        return tuple(self.expr(e) for e in node.elts)

    def expr_List(self, node):
        return [self.expr(e) for e in node.elts]

    def expr_Name(self, node):
        if node.id in self.env:
            return self.env[node.id]
        if node.id == self.captured.self_name:
            return self.captured.instance
        if node.id in self.locals:
            raise self.source.error(node, f"local variable '{node.id}' is used before it is assigned",
                                    cls=GradUnboundLocalError)
        return self.value(self.captured.lookup_global(node), (node.id,), node)

    def expr_Attribute(self, node):
        owner = self.expr(node.value)
        if is_symbol(owner):
            return self.tensor_attribute(owner, node)
        obj = self.captured.lookup_attribute(owner, node)
        return self.value(obj, _attribute_path(node), node)

    def expr_BinOp(self, node):
        return self.binary(node.op, self.expr(node.left), self.expr(node.right))

    def expr_UnaryOp(self, node):
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.UAdd):
            return operand
        return self.apply(P.negative, (operand,), {}, node) if is_symbol(operand) else -operand

    def expr_Call(self, node):
        args = [self.expr(a) for a in node.args]
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        if isinstance(node.func, ast.Attribute):
            owner = self.expr(node.func.value)
            if is_symbol(owner):                       # x.sum(axis=1): a Tensor method
                method = getattr(Tensor, node.func.attr, None)
                if entry_point(method) is None:
                    raise self._no_rule(node, f"the Tensor method `{node.func.attr}`")
                return self.apply(method, (owner, *args), kwargs, node)
        callee = self.expr(node.func)
        if isinstance(callee, type) and (issubclass(callee, PrimitiveClass) or callee is Tensor):
            return self.constant_call(callee, args, kwargs, node)   # ops.MatMul(...), Tensor([1.])
        if callee in _CONSTANT_BUILTINS:
            return self.constant_call(callee, args, kwargs, node)
        if isinstance(callee, PrimitiveClass):        # self.matmul(x, w), ops.Exp()(x)
            target, args = entry_point(type(callee).__call__), [callee, *args]
        else:
            target = entry_point(callee)
        if target is None:
            text, kind = self.source.text(node.func), _kind(callee)
            raise self._no_rule(node, f"`{text}`" + (f" ({kind})" if kind != text else ""))
        return self.apply(target, args, kwargs, node)

    # -- helpers --------------------------------------------------------------------------------
    def binary(self, op, left, right):
        if is_symbol(left) or is_symbol(right):
            return self.apply(_OPERATORS[type(op)], (left, right), {}, self.stmt)
        try:
            return _FOLD[type(op)](left, right)
        except Exception as error:
            raise self.source.error(self.stmt, f"computing a constant failed: {error}") from None

    def apply(self, fn, args, kwargs, node):
        """Call an entry point with Symbols standing in for values; it records primitive steps."""
        recorded, tracing.recorder = tracing.recorder, lambda prim, operands, static: \
            self.record(prim, operands, static, node)
        try:
            return fn(*args, **kwargs)
        except GradError:
            raise
        except (TypeError, ValueError) as error:
            raise self.source.error(node, f"{self.describe(node)}: {error}") from None
        finally:
            tracing.recorder = recorded

    def value(self, obj, path, node):
        """What a name or attribute chain means to the program: a Parameter becomes an input of
        the generated function, a Tensor a constant array, anything else stays an object."""
        if path and path[0] == self.captured.self_name:
            self.reads.append((path[1:], fingerprint(obj)))
        if isinstance(obj, Parameter):
            return self.parameter(obj, path, node)
        if isinstance(obj, (Tensor, np.ndarray)):
            return self.array_constant(np.asarray(getattr(obj, "_data", obj)), path[-1] if path else "c")
        return obj

    def tensor_attribute(self, owner, node):
        prop = getattr(Tensor, node.attr, None)
        if isinstance(prop, property) and entry_point(prop.fget) is not None:
            return self.apply(prop.fget, (owner,), {}, node)
        raise self._no_rule(node, f"the Tensor attribute `{node.attr}`")

    def constant_call(self, callee, args, kwargs, node):
        if any(_holds_symbol(a) for a in list(args) + list(kwargs.values())):
            raise self.source.error(node, f"{self.describe(node)} needs constant arguments here",
                                    "Create it in __init__, or use the ops function that takes Tensors.")
        try:
            return callee(*args, **kwargs)
        except Exception as error:
            raise self.source.error(node, f"{self.describe(node)} failed: {error}") from None

    def describe(self, node):
        """The user's own text for the call at `node`."""
        return self.source.text(node.func if isinstance(node, ast.Call) else node)

    def _no_rule(self, node, what):
        return self.source.error(
            node, f"msgrad has no gradient rule for {what}",
            "Use an operation from msgrad.ops (or its numpy twin), or wrap the value in "
            "ops.stop_gradient if it needs no gradient.")

class GradUnboundLocalError(GradError, UnboundLocalError):
    pass


class GradOutputError(GradError):
    pass


_NO_RETURN = object()


def fingerprint(obj):
    """What generated code relies on about an attribute of self: compared on every call, so
    changing the attribute (or using another instance) never runs stale code."""
    if isinstance(obj, Parameter):
        return ("parameter",)
    if isinstance(obj, Cell):
        return ("cell", type(obj))
    if isinstance(obj, PrimitiveClass):
        return ("primitive", type(obj), tuple(sorted(vars(obj).items())))
    if isinstance(obj, _CONSTANT_TYPES):
        return ("constant", type(obj), obj)
    return ("object", id(obj))


def _assigned_names(fn):
    return {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _attribute_path(node):
    """('self', 'dense', 'weight') for `self.dense.weight`; None when the chain is not names."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return (node.id, *reversed(parts))


def _holds_symbol(value):
    if isinstance(value, (tuple, list)):
        return any(_holds_symbol(v) for v in value)
    return is_symbol(value)


def _flatten(value):
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _kind(obj):
    """`function math.exp`, `builtin print`, ...: what a callee is, for messages."""
    module = getattr(obj, "__module__", None) or type(obj).__module__
    name = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    return f"{module}.{name}" if module not in (None, "builtins") else f"builtin {name}"
