"""Stage 3, normalize: turn the checked syntax tree into one primitive call per step.

Names are resolved as Python would (arguments and assigned names are local; `self.w` and
module names are looked up in capture), operators and calls are mapped to the primitive table
through its entry points, constants are folded, and a reassigned name gets a fresh version so
that every value the backward sweep reads is still there. Control flow keeps its shape (`If`
and `Loop` steps, see ir.py); calls of user code become `Call` steps to programs of their own."""
import ast
import builtins
import inspect
import operator
import threading
import types

import numpy as np

from .. import dtype as mstype, primitives as P
from ..errors import GradError, GradValueError
from ..nn.cell import Cell, has_bprop
from ..ops.operations import Primitive as PrimitiveClass
from ..primitives import Symbol, entry_point, tracing
from ..tensor import Parameter, Tensor
from .ir import Call, If, Loop, Op, ParamRef, Program, NameAllocator, is_symbol, leaves, map_leaves, steps, targets

_OPERATORS = {ast.Add: P.add, ast.Sub: P.subtract, ast.Mult: P.multiply, ast.Div: P.divide,
              ast.Pow: P.power, ast.MatMult: P.matmul, ast.FloorDiv: P.floor_divide, ast.Mod: P.mod,
              ast.BitAnd: P.logical_and, ast.BitOr: P.logical_or}
_FOLD = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
         ast.Div: operator.truediv, ast.Pow: operator.pow, ast.MatMult: operator.matmul,
         ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.BitAnd: operator.and_,
         ast.BitOr: operator.or_}
# Builtins that user code may apply to constants (or to tuples of values: they only rearrange
# them); they run while the code is generated.
_CONSTANT_BUILTINS = {builtins.len, builtins.float, builtins.int, builtins.bool, builtins.abs,
                      builtins.min, builtins.max, builtins.tuple, builtins.list, builtins.range,
                      builtins.round, builtins.zip, builtins.enumerate, builtins.reversed,
                      builtins.sorted, builtins.slice}
_CONSTANT_TYPES = (int, float, bool, str, type(None), complex)
# numpy's array makers, run while the code is generated when given constants: `np.ones((3, 1))`
_CONSTANT_NUMPY = {np.ones, np.zeros, np.full, np.eye, np.identity, np.arange, np.linspace, np.array,
                   np.asarray}
_COMPARISONS = {ast.Lt: "less", ast.LtE: "less_equal", ast.Gt: "greater", ast.GtE: "greater_equal",
                ast.Eq: "equal", ast.NotEq: "not_equal"}
_FOLD_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
                 ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Is: operator.is_,
                 ast.IsNot: operator.is_not, ast.In: lambda a, b: a in b,
                 ast.NotIn: lambda a, b: a not in b}

_RUN_TIME_ATTRIBUTES = {"shape": "shape_of", "ndim": "ndim_of", "size": "size_of", "dtype": "dtype_of"}

# Names in `env` for the flags of control flow (no user name can look like these).
EXIT, STOP, RETURNED, RESULT = "<exit>", "<stop>", "<returned>", "<result>"
_BASE_NAMES = {EXIT: "exiting", STOP: "stop", RETURNED: "returned", RESULT: "result"}
_UNDEFINED = object()     # a name some path through a branch leaves unassigned


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
        self.body, self.params, self.constants, self.reads = [], [], {}, {}
        self.param_vars = {}       # id(Parameter) -> var name
        self.unnamed = set()       # steps whose result no user name holds yet
        self.callees = {}          # id(callee Pair) -> its functions' names here
        self.stmt = None           # the user statement being translated
        self.current = self.body   # the block steps are recorded into

    def bind_inputs(self, inputs, make_symbol=Symbol):
        """One Symbol per Tensor input (None in `inputs`); constants stay as they are. Inputs
        past the named ones go to *args, named after it (`args_0`, `args_1`, ...)."""
        names, vararg = list(self.captured.arg_names), self.captured.vararg
        if len(inputs) != len(names) and not (vararg and len(inputs) > len(names)):
            raise GradError(f"{self.source.qualname} takes {len(names)} inputs "
                            f"({', '.join(names)}) but was given {len(inputs)}",
                            self.source.where(self.source.node))
        names += [f"{vararg}_{i}" for i in range(len(inputs) - len(names))]
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
        self.current.append(Op(target, prim, operands, dict(static), self.stmt))
        return Symbol(target)

    def operand(self, value, node):
        if is_symbol(value) or isinstance(value, _CONSTANT_TYPES):
            return value
        if isinstance(value, Parameter):
            return self.parameter(value, self.parameter_path(value), node)
        if isinstance(value, (Tensor, np.ndarray, np.generic)):
            return self.array_constant(value)
        if isinstance(value, mstype.Type):
            return self.global_constant(value, value.name.lower())
        raise self.source.error(node, f"msgrad cannot use a {type(value).__name__} as an operand")

    def array_constant(self, value):
        """`value`, or for a Tensor or array made in construct (`ops.zeros(...)`) the name of a
        global constant holding it."""
        if isinstance(value, (Tensor, np.ndarray, np.generic)) and not isinstance(value, Parameter):
            return self.global_constant(np.asarray(getattr(value, "_data", value)), "c")
        return value

    def parameter(self, param, path, node):
        """The name of a Parameter read as `self.<path>` (`path` starts with self's name)."""
        if path is None or path[0] != self.captured.self_name:
            raise self.source.error(node, "msgrad differentiates Parameters read as attributes of self",
                                    "Assign the Parameter to self in __init__ and read it as self.<name>.")
        var = self.param_vars.get(id(param))
        if var is None:
            name = "_".join(path[1:])
            var = self.param_vars[id(param)] = self.names.claim("cell" + name if name[0].isdigit() else name)
            self.params.append(ParamRef(tuple(path[1:]), var))
        return Symbol(var)

    def parameter_path(self, param):
        """Where a Parameter met by value lives under self, found by identity (or None)."""
        if isinstance(self.captured.instance, Cell):
            for name, candidate in self.captured.instance.parameters_and_names():
                if candidate is param:
                    return (self.captured.self_name, *name.split("."))
        return None

    def global_constant(self, value, base):
        """A name the generated code reads `value` (an array, a dtype) by, from its globals."""
        for name, known in self.constants.items():
            if known is value:
                return Symbol(name)
        name = self.names.claim(base)
        self.constants[name] = value
        return Symbol(name)

    def _check_output(self, output):
        for leaf in leaves(output):
            if not (is_symbol(leaf) or isinstance(leaf, (int, float, bool))):
                what = "None" if leaf is None else f"a {type(leaf).__name__}"
                raise self.source.error(
                    self.source.return_node(), f"{self.source.qualname} returns {what}, which has no "
                    f"gradient", "Return Tensors (or a tuple of Tensors).", cls=GradOutputError)


class _Normalizer(ProgramBuilder):
    """Translates the checked syntax tree statement by statement.

    `env` maps each local name to its current value. Control flow keeps its shape: a branch on
    a value known now is decided now; one on a run-time value becomes an `If` whose branches
    end by copying what they assigned into common names; a loop over a range or a `while`
    becomes a `Loop` (a loop over a tuple, list or CellList is unrolled). `break`, `continue`
    and `return` inside control flow set flags (EXIT, STOP, RETURNED) that guard what follows."""

    def __init__(self, captured, reserved):
        super().__init__(captured, reserved)
        self.env = {}              # local name -> its current value (Symbol, constant, tuple)
        self.locals = _assigned_names(self.source.node) | set(captured.arg_names)

    def run(self, inputs):
        fn = self.source.node
        inputs = self.bind_inputs(inputs)
        named = len(self.captured.arg_names)
        self.env.update(zip(self.captured.arg_names, inputs))
        if self.captured.vararg:
            self.env[self.captured.vararg] = tuple(inputs[named:])
        self.env.update({EXIT: False, STOP: False, RETURNED: False, RESULT: None})
        self.statements(fn.body)
        returned, output = self.env[RETURNED], self.env[RESULT]
        if returned is not True and not _ends(fn.body, (ast.Return,)):
            where = "on some paths " if is_symbol(returned) else ""
            raise self.source.error(fn, f"{self.source.qualname} {where}returns None, so there is "
                                        f"nothing to differentiate", "Return the Tensor (or tuple of "
                                        "Tensors) whose gradient you want, on every path.")
        return self.finish(inputs, output)

    # -- statements ------------------------------------------------------------------------------
    def statements(self, stmts):
        """Translate `stmts`; once one of them may exit the block, the rest run under a guard."""
        for i, stmt in enumerate(stmts):
            rest = stmts[i + 1:]
            if isinstance(stmt, ast.If) and rest and (_ends(stmt.body) or _ends(stmt.orelse)):
                # `if c: ...; return` then more: the rest is the other branch's
                body, orelse = (stmt.body, stmt.orelse + rest) if _ends(stmt.body) else (stmt.body + rest, stmt.orelse)
                stmt, rest = ast.copy_location(ast.If(stmt.test, body, orelse), stmt), []
            self.stmt = stmt
            getattr(self, "stmt_" + type(stmt).__name__)(stmt)
            exiting = self.env[EXIT]
            if not rest or exiting is True:
                return
            if exiting is not False:
                self.branch(exiting, lambda: None, lambda: self.statements(rest), stmt)
                return

    def stmt_Return(self, stmt):
        self.env[RESULT] = self.expr(stmt.value) if stmt.value is not None else None
        self.env.update({RETURNED: True, EXIT: True, STOP: True})

    def stmt_Break(self, stmt):
        self.env.update({EXIT: True, STOP: True})

    def stmt_Continue(self, stmt):
        self.env[EXIT] = True

    def stmt_Pass(self, stmt):
        pass

    def stmt_Assign(self, stmt):
        value = self.expr(stmt.value)
        for target in stmt.targets:
            self.assign(target, value)

    def stmt_AugAssign(self, stmt):
        current = self.expr(ast.Name(id=stmt.target.id, ctx=ast.Load(), lineno=stmt.lineno,
                                     col_offset=stmt.col_offset))
        self.assign(stmt.target, self.binary(stmt.op, current, self.expr(stmt.value)))

    def stmt_AnnAssign(self, stmt):
        if stmt.value is not None:
            self.assign(stmt.target, self.expr(stmt.value))

    def stmt_Expr(self, stmt):
        if not isinstance(stmt.value, ast.Constant):      # a docstring
            self.expr(stmt.value)

    def stmt_FunctionDef(self, stmt):
        defaults = [self.expr(d) for d in stmt.args.defaults]
        self.env[stmt.name] = _NestedFunction(stmt, defaults)

    def call_nested(self, fn, args, kwargs, node):
        """A function defined inside the one being compiled: its body is translated in place,
        seeing the names around it as Python's closures do."""
        names = [a.arg for a in fn.node.args.args]
        if fn in _calling.stack:
            raise self.source.error(node, f"{fn.node.name} calls itself; msgrad does not "
                                          f"differentiate recursion", "Write the recursion as a loop.")
        values = dict(zip(names[len(names) - len(fn.defaults):], fn.defaults))
        values.update(zip(names, args))
        values.update(kwargs)
        if set(values) != set(names):
            raise self.source.error(node, f"{fn.node.name}() takes arguments ({', '.join(names)}), "
                                          f"got {len(args)} positional and {sorted(kwargs)}")
        outer, saved_stmt = self.env, self.stmt
        self.env = {**outer, **values, EXIT: False, STOP: False, RETURNED: False, RESULT: None}
        _calling.stack.append(fn)
        try:
            self.statements(fn.node.body)
            if self.env[RETURNED] is not True and not _ends(fn.node.body, (ast.Return,)):
                raise self.source.error(fn.node, f"{fn.node.name} returns None on some path",
                                        "Return a value on every path.")
            return self.env[RESULT]
        finally:
            _calling.stack.pop()
            self.env, self.stmt = outer, saved_stmt

    def stmt_If(self, stmt):
        body, orelse, test_node = stmt.body, stmt.orelse, stmt.test
        while isinstance(test_node, ast.UnaryOp) and isinstance(test_node.op, ast.Not):
            body, orelse, test_node = orelse, body, test_node.operand     # `if not c:` swaps branches
        test = self.condition(self.expr(test_node), test_node)
        if not is_symbol(test):
            self.statements(body if test else orelse)
        else:
            self.branch(test, lambda: self.statements(body), lambda: self.statements(orelse), stmt)

    def stmt_For(self, stmt):
        sequence = self.expr(stmt.iter)
        if isinstance(sequence, (range, _Range)):
            bounds = sequence.bounds if isinstance(sequence, _Range) else (
                sequence.start, sequence.stop, sequence.step)
            self.loop(stmt, "range", bounds, lambda index: self.assign(stmt.target, index))
        elif is_symbol(sequence):                   # for row in x: over the first axis
            count = self.apply(P.length, (sequence,), {}, stmt.iter)
            self.loop(stmt, "range", (0, count, 1),
                      lambda index: self.assign(stmt.target, self.apply(P.index, (sequence, index), {}, stmt)))
        elif hasattr(sequence, "__iter__") and not isinstance(sequence, (str, Tensor, np.ndarray)):
            if isinstance(sequence, Cell):          # `for cell in self`: the code relies on its cells
                self.reads[self.cell_path(sequence)[1:]] = fingerprint(sequence)
            self.unroll(stmt, list(sequence))
        else:
            raise self.source.error(stmt.iter, f"msgrad cannot loop over a {type(sequence).__name__}")

    def stmt_While(self, stmt):
        self.loop(stmt, "while", None, None)

    # -- control flow ----------------------------------------------------------------------------
    def block(self, run, env):
        """Run `run()` with its steps going to a new block, starting from `env`: return the
        block, the environment it ends with, and what `run` returned."""
        saved = self.current, self.env
        self.current, self.env = [], dict(env)
        try:
            value = run()
            return self.current, self.env, value
        finally:
            self.current, self.env = saved

    def branch(self, test, run_then, run_else, stmt):
        """An `If` on the run-time value `test`; returns the joined value the branches return."""
        then_block, then_env, then_value = self.block(run_then, self.env)
        else_block, else_env, else_value = self.block(run_else, self.env)
        self.stmt = stmt                              # the joins belong to the branch
        env = self.join(then_env, else_env, then_block, else_block)
        value = self.merge("value", then_value, else_value, then_block, else_block)
        self.current.append(If(test, then_block, else_block, stmt))
        self.env = env
        return value

    def join(self, env1, env2, block1, block2):
        """One environment for after a branch: names the branches left different get a common
        name, assigned at the end of each branch."""
        env = {}
        for name in env1.keys() | env2.keys():
            v1, v2 = env1.get(name, _UNDEFINED), env2.get(name, _UNDEFINED)
            unusable = [v for v in (v1, v2) if v is _UNDEFINED or isinstance(v, _LoopLocal)]
            env[name] = unusable[0] if unusable else \
                self.merge(_BASE_NAMES.get(name, name), v1, v2, block1, block2)
        return env

    def merge(self, base, v1, v2, block1, block2):
        if v1 is v2 or (not is_symbol(v1) and not is_symbol(v2) and type(v1) is type(v2)
                        and isinstance(v1, _CONSTANT_TYPES) and v1 == v2):
            return v1
        if isinstance(v1, (tuple, list)) and isinstance(v2, (tuple, list)) and len(v1) == len(v2):
            return type(v1)(self.merge(base, a, b, block1, block2) for a, b in zip(v1, v2))
        for v in (v1, v2):
            if not (is_symbol(v) or isinstance(v, _CONSTANT_TYPES)):
                raise self.source.error(self.stmt, f"`{base}` is a {type(v).__name__} on one path and "
                                                   f"something else on another; msgrad needs one kind")
        # A value a branch computes itself takes the joined name there (`y = ...` in both
        # branches); any other value is copied into it at the end of its branch.
        owned = [is_symbol(v) and any(v.name in targets(s) for s in steps(b))
                 for v, b in ((v1, block1), (v2, block2))]
        name = v1.name if owned[0] else v2.name if owned[1] else self.names.claim(base)
        for value, block, own in zip((v1, v2), (block1, block2), owned):
            if own:
                _rename(block, value, name)
            else:
                block.append(Op(name, P.identity, (value,), {}, self.stmt))
        return v1 if owned[0] else v2 if owned[1] else Symbol(name)

    def loop(self, stmt, kind, bounds, bind_index):
        """A `Loop`: values the body assigns and that exist before it are carried."""
        if stmt.orelse:
            raise self.source.error(stmt, "msgrad does not differentiate a loop's `else:` block",
                                    "Move it after the loop, guarded by a flag.")
        assigned = set().union(*map(_assigned_names, stmt.body)) | (
            {RETURNED, RESULT} if _returns(stmt) else set())
        carried = {}
        for name in sorted(assigned & self.env.keys(), key=str):
            carried[name] = self.names.claim(_BASE_NAMES.get(name, name))
            self.current.append(Op(carried[name], P.identity, (self.array_constant(self.env[name]),), {}, stmt))
            self.env[name] = Symbol(carried[name])
        index = None
        if kind == "range":
            index = self.names.claim(stmt.target.id if isinstance(stmt.target, ast.Name) else "i")

        def body():
            self.env.update({EXIT: False, STOP: False})
            test, head = None, 0
            if kind == "range":
                bind_index(Symbol(index))
            else:
                test = self.condition(self.expr(stmt.test), stmt.test)
                head = len(self.current)
                if test is False:
                    raise self.source.error(stmt.test, "this loop never runs", "Remove it.")
            self.statements(stmt.body)
            return test, head

        block, env, (test, head) = self.block(body, self.env)
        carry = [Op(var, P.identity, (self.array_constant(env[name]),), {}, stmt) for name, var in carried.items()
                 if not (is_symbol(env[name]) and env[name].name == var)]
        if kind == "while" and test is True and env[STOP] is False:
            raise self.source.error(stmt, "this `while` loop never ends", "Give it a condition that "
                                          "becomes false, or a `break`.")
        self.current.append(Loop(kind, index, bounds, block[:head], test, block[head:], carry, env[STOP], stmt))
        for name in (assigned | _assigned_names(stmt.target if kind == "range" else stmt.test)) - carried.keys():
            self.env[name] = _LoopLocal(stmt.lineno)
        if RETURNED in carried:
            self.env[EXIT] = self.env[STOP] = self.env[RETURNED]

    def unroll(self, stmt, items):
        """A loop over a sequence known now: the body once per item."""
        if stmt.orelse:
            raise self.source.error(stmt, "msgrad does not differentiate a loop's `else:` block",
                                    "Move it after the loop, guarded by a flag.")
        for i, item in enumerate(items):
            self.env.update({EXIT: False, STOP: False})
            self.assign(stmt.target, item)
            self.statements(stmt.body)
            self.env[EXIT] = self.env[RETURNED]
            stop = self.env[STOP]
            if stop is True:
                return
            if stop is not False:
                self.branch(stop, lambda: None, lambda: self.unroll(stmt, items[i + 1:]), stmt)
                return

    def condition(self, test, node):
        """A branch or loop condition: a constant, or a Symbol Python can test."""
        if is_symbol(test) or isinstance(test, _CONSTANT_TYPES):
            return test if is_symbol(test) else bool(test)
        raise self.source.error(node, f"msgrad cannot branch on a {type(test).__name__}")

    def assign(self, target, value):
        if isinstance(target, ast.Name):
            if is_symbol(value) and value.name in self.unnamed:    # `f = t1 + b` becomes `f = ...`
                self.unnamed.discard(value.name)
                _rename(self.current, value, self.names.claim(target.id))
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
        return tuple(self.items(node.elts))

    def expr_List(self, node):
        return self.items(node.elts)

    def items(self, nodes):
        """The values of `nodes`, a `*sequence` among them spread out (its length known now)."""
        values = []
        for node in nodes:
            if not isinstance(node, ast.Starred):
                values.append(self.expr(node))
                continue
            value = self.expr(node.value)
            if not isinstance(value, (tuple, list)):
                raise self.source.error(node, f"msgrad spreads a tuple or list with *, not a {type(value).__name__}")
            values.extend(value)
        return values

    def expr_Name(self, node):
        if node.id in self.env:
            value = self.env[node.id]
            if value is _UNDEFINED:
                raise self.source.error(node, f"'{node.id}' is assigned on some paths only, so it may "
                                              f"be undefined here", "Assign it before the branch.",
                                        cls=GradUnboundLocalError)
            if isinstance(value, _LoopLocal):
                raise self.source.error(node, f"'{node.id}' is assigned only inside the loop at line "
                                              f"{value.line}, so it is undefined if the loop does not run",
                                        "Assign it before the loop.", cls=GradUnboundLocalError)
            return value
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

    def expr_Subscript(self, node):
        value, key = self.expr(node.value), self.expr(node.slice)
        if is_symbol(value):
            if is_symbol(key):
                return self.apply(P.index, (value, key), {}, node)
            if _holds_symbol(key):
                raise self.source.error(node.slice, "msgrad indexes with run-time values one at a time",
                                        "Index with one integer, or with constants.")
            return self.apply(P.getitem, (value,), {"key": key}, node)
        if _holds_symbol(key):
            raise self.source.error(node.slice, f"msgrad indexes a {type(value).__name__} only with constants")
        try:
            return value[key]
        except Exception as error:
            raise self.source.error(node, f"indexing failed: {error!r}") from None

    def expr_Slice(self, node):
        parts = [None if p is None else self.expr(p) for p in (node.lower, node.upper, node.step)]
        if _holds_symbol(tuple(parts)):
            raise self.source.error(node, "slice bounds must be constants here")
        return slice(*parts)

    def expr_Compare(self, node):
        values = [self.expr(node.left)] + [self.expr(c) for c in node.comparators]
        if not _holds_symbol(tuple(values)):
            return all(_FOLD_COMPARE[type(op)](a, b) for op, a, b in zip(node.ops, values, values[1:]))
        if len(node.ops) != 1 or type(node.ops[0]) not in _COMPARISONS:
            raise self.source.error(node, "msgrad compares Tensors with one of < <= > >= == != at a time",
                                    "Split a chained comparison into separate ones.")
        return self.apply(P.TABLE[_COMPARISONS[type(node.ops[0])]], tuple(values), {}, node)

    def expr_IfExp(self, node):
        test = self.condition(self.expr(node.test), node.test)
        if not is_symbol(test):
            return self.expr(node.body if test else node.orelse)
        return self.branch(test, lambda: self.expr(node.body), lambda: self.expr(node.orelse), self.stmt)

    def expr_BoolOp(self, node):
        """`a and b` is `b if a else a`, `a or b` is `a if a else b`: decided now for constants,
        a branch for run-time values (a one-element Tensor or a bool)."""
        value = self.expr(node.values[0])
        if len(node.values) == 1:
            return value
        rest = ast.copy_location(ast.BoolOp(node.op, node.values[1:]), node)
        if not is_symbol(value):
            return self.expr(rest) if bool(value) == isinstance(node.op, ast.And) else value
        if isinstance(node.op, ast.And):
            return self.branch(value, lambda: self.expr(rest), lambda: value, self.stmt)
        return self.branch(value, lambda: value, lambda: self.expr(rest), self.stmt)

    def expr_BinOp(self, node):
        return self.binary(node.op, self.expr(node.left), self.expr(node.right))

    def expr_UnaryOp(self, node):
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            if is_symbol(operand):
                raise self.source.error(node, "`not` on a Tensor is ambiguous here",
                                        "Use `if not x:` directly, or ops.logical_not.")
            return not operand
        if isinstance(node.op, ast.UAdd):
            return operand
        return self.apply(P.negative, (operand,), {}, node) if is_symbol(operand) else -operand

    def expr_Call(self, node):
        args = self.items(node.args)
        kwargs = {k.arg: self.expr(k.value) for k in node.keywords}
        if isinstance(node.func, ast.Attribute):
            owner = self.expr(node.func.value)
            if is_symbol(owner):                       # x.sum(axis=1): a Tensor method
                method = getattr(Tensor, node.func.attr, None)
                if entry_point(method) is None:
                    raise self._no_rule(node, f"the Tensor method `{node.func.attr}`")
                return self.apply(method, (owner, *args), kwargs, node)
        callee = self.expr(node.func)
        if isinstance(callee, _NestedFunction):
            return self.call_nested(callee, args, kwargs, node)
        grad_operation, grad_functions, gradient = _gradient_api()
        if isinstance(callee, gradient):             # grad_op(self.net)(x): a gradient in construct
            return self.call_gradient(callee, args, kwargs, node)
        if isinstance(callee, grad_operation) or callee in grad_functions or isinstance(callee, type) and (
                issubclass(callee, (PrimitiveClass, grad_operation)) or callee is Tensor):
            return self.constant_call(callee, args, kwargs, node)   # ops.MatMul(...), Tensor([1.])
        if callee is builtins.range and _holds_symbol(tuple(args)):
            return _Range(args)
        if callee is builtins.len and args and is_symbol(args[0]):
            return self.apply(P.length, (args[0],), {}, node)
        if callee is builtins.abs and args and is_symbol(args[0]):
            return self.apply(P.abs, (args[0],), {}, node)
        if callee in _CONSTANT_BUILTINS or callee in _CONSTANT_NUMPY and not _holds_symbol((args, list(kwargs.values()))):
            return self.constant_call(callee, args, kwargs, node)
        if isinstance(callee, PrimitiveClass):        # self.matmul(x, w), ops.Exp()(x)
            target, args = entry_point(type(callee).__call__), [callee, *args]
        else:
            target = entry_point(callee)
        if target is not None:
            return self.apply(target, args, kwargs, node)
        user = self.user_callee(callee)
        if user is None:
            text, kind = self.source.text(node.func), _kind(callee)
            raise self._no_rule(node, f"`{text}`" + (f" ({kind})" if kind != text else ""))
        return self.call(*user, args, kwargs, node)

    # -- calls of user code ---------------------------------------------------------------------
    def user_callee(self, callee):
        """(function, instance, path of the instance under self) for a sub-Cell, a method of a
        Cell, or a plain Python function; None for anything else."""
        if isinstance(callee, Cell):
            return type(callee).construct, callee, self.cell_path(callee, required=False)
        if inspect.ismethod(callee) and isinstance(callee.__self__, Cell):
            return callee.__func__, callee.__self__, self.cell_path(callee.__self__, required=False)
        if isinstance(callee, types.FunctionType) and not callee.__module__.startswith("numpy"):
            return callee, None, None
        return None

    def cell_path(self, cell, required=True):
        """Where `cell` lives under self, as an attribute path starting with self's name. A Cell
        elsewhere (one made at module level) may be called when it has no Parameters."""
        instance = self.captured.instance
        if isinstance(instance, Cell):
            for name, candidate in instance.cells_and_names():
                if candidate is cell:
                    return (self.captured.self_name, *(name.split(".") if name else ()))
        if not required and not any(True for _ in cell.get_parameters()):
            return None
        raise self.source.error(self.stmt, f"msgrad differentiates calls of Cells that are attributes "
                                           f"of self; this {type(cell).__name__} is not",
                                "Assign the Cell to self in __init__ and call it as self.<name>(...).")

    def call(self, fn, instance, path, args, kwargs, node):
        """A `Call` of user code: its own Program (generated once and cached), with a forward
        and a backward function the generated code calls by name."""
        from . import cache                        # the cache compiles callees like any program
        try:
            bound = inspect.signature(fn).bind(*([instance] if instance is not None else []), *args, **kwargs)
        except TypeError as error:
            raise self.source.error(node, f"{self.describe(node)}: {error}") from None
        bound.apply_defaults()
        values = []
        for param in list(inspect.signature(fn).parameters.values())[instance is not None:]:
            value = bound.arguments[param.name]
            values.extend(value) if param.kind is param.VAR_POSITIONAL else values.append(value)
        for value in values:
            if isinstance(value, (tuple, list)) and _holds_symbol(value):
                raise self.source.error(node, "msgrad passes Tensors to a called function one by one",
                                        "Pass each Tensor as an argument of its own.")
        if fn in _calling.stack:
            raise self.source.error(node, f"{fn.__qualname__} calls itself; msgrad does not "
                                          f"differentiate recursion", "Write the recursion as a loop.")
        _calling.stack.append(fn)
        try:
            callee = cache.program_for(fn, instance, tuple(None if is_symbol(v) else v for v in values))
            custom = instance if has_bprop(instance, fn) else None
            pair = cache.bprop_pair_for(callee, instance) if custom else cache.pair_for(callee)
        finally:
            _calling.stack.pop()
        params = [self.parameter(cache.resolve(instance, ref.path), (*path, *ref.path), node)
                  for ref in callee.params]
        if path is not None:                      # what the callee's code relies on, this code does too
            self.reads.update(((*path[1:], *where), expected) for where, expected in callee.reads.items())
        if id(pair) not in self.callees:          # one name per callee, however often it is called
            base = callee.qualname.replace(".", "_").replace("<", "").replace(">", "")
            self.callees[id(pair)] = (self.names.claim(base + "_forward"), self.names.claim(base + "_backward"))
            self.constants.update(zip(self.callees[id(pair)], (pair.forward, pair.backward)))
        names = (*self.callees[id(pair)], self.names.claim("residuals"))
        outputs = {id(leaf): Symbol(self.names.temp()) for leaf in leaves(callee.output) if is_symbol(leaf)}
        self.current.append(Call([s.name for s in outputs.values()], callee,
                                 tuple(params) + tuple(v for v in values if is_symbol(v)), names, self.stmt,
                                 custom))
        self.unnamed.update(s.name for s in outputs.values())
        return map_leaves(callee.output, lambda leaf: outputs.get(id(leaf), leaf))

    def call_gradient(self, gradient, args, kwargs, node):
        """A gradient function (`GradOperation(...)(net)`, `ms.grad(fn)`) called inside the code
        being compiled: its generated adjoint, made to be differentiated again, is called like
        any user function, so differentiating this code differentiates the adjoint."""
        from . import cache
        if kwargs:
            raise self.source.error(node, "a gradient function takes its inputs by position")
        try:
            inputs, sens = gradient._split_sens(args)
        except GradError as error:
            raise self.source.error(node, str(error).split("\n")[0], cls=type(error)) from None
        for value in inputs:
            if not (is_symbol(value) or isinstance(value, _CONSTANT_TYPES)):
                raise self.source.error(node, f"msgrad differentiates Tensor inputs, not a {type(value).__name__}")
        instance = gradient.instance
        program = cache.program_for(gradient.function, instance, tuple(None if is_symbol(v) else v for v in inputs))
        path = self.cell_path(instance) if isinstance(instance, Cell) else ()
        if has_bprop(instance, gradient.function):
            return self.call_bprop(gradient, program, path, inputs, sens, node)
        params = [cache.resolve(instance, ref.path) for ref in program.params]
        try:
            plan = gradient._plan(program, params, again=True)
        except GradError as error:
            raise self.source.error(node, str(error).split("\n")[0], cls=type(error)) from None
        if path:
            self.reads.update(((*path[1:], *where), expected) for where, expected in program.reads.items())
        param_values = [self.parameter(p, (*path, *ref.path), node) for p, ref in zip(params, program.params)]
        sens_values = leaves(sens) if gradient.sens_param else []
        results = self.call(plan.adjoint.function, None, None,
                            [*param_values, *[v for v in inputs if is_symbol(v)], *sens_values], {}, node)
        results = results if isinstance(results, tuple) else (results,)
        grads = results[:len(plan.inputs) + sum(k is not None for k in plan.weights)]
        values = iter(results[len(grads):])
        weight_grads = tuple(grads[k] if k is not None else self.apply(P.zeros_like, (self.operand(w, node),), {}, node)
                             for w, k in zip(gradient.weights, plan.weights))
        outputs = map_leaves(program.output, lambda leaf: next(values)) if gradient.value else None
        return gradient.shape(tuple(grads[:len(plan.inputs)]), weight_grads, outputs)

    def call_bprop(self, gradient, program, path, inputs, sens, node):
        """The gradient of a Cell with its own bprop: its construct, then its bprop on ones (or
        sens), both compiled as calls of its methods; its Parameters get zeros."""
        instance = gradient.instance
        out = self.call(type(instance).construct, instance, path, inputs, {}, node)
        if not is_symbol(out):
            raise self.source.error(node, "msgrad differentiates a custom bprop inside construct for a Cell "
                                          "with one output Tensor")
        dout = leaves(sens)[0] if gradient.sens_param else self.apply(P.ones_like, (out,), {}, node)
        grads = self.call(type(instance).bprop, instance, path, [*inputs, out, dout], {}, node)
        grads = tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)
        zeros = tuple(self.apply(P.zeros_like, (self.operand(w, node),), {}, node) for w in gradient.weights)
        return gradient.shape(tuple(grads[i] for i in gradient.positions(program)), zeros, out)

    # -- helpers --------------------------------------------------------------------------------
    def binary(self, op, left, right):
        if isinstance(op, ast.Mult) and is_symbol(left) and left is right:    # q * q: one operand, one adjoint
            return self.apply(P.square, (left,), {}, self.stmt)
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
            cls = GradValueError if isinstance(error, ValueError) else GradError
            raise self.source.error(node, f"{self.describe(node)}: {error}", cls=cls) from None
        finally:
            tracing.recorder = recorded

    def value(self, obj, path, node):
        """What a name or attribute chain means to the program: a Parameter becomes an input of
        the generated function, a Tensor a constant array, anything else stays an object."""
        if path and path[0] == self.captured.self_name:
            self.reads[path[1:]] = fingerprint(obj)
        if isinstance(obj, Parameter):
            return self.parameter(obj, path, node)
        if isinstance(obj, (Tensor, np.ndarray)):
            return self.global_constant(np.asarray(getattr(obj, "_data", obj)), path[-1] if path else "c")
        return obj

    def tensor_attribute(self, owner, node):
        if node.attr in _RUN_TIME_ATTRIBUTES:          # known when the code runs, never differentiated
            return self.apply(P.TABLE[_RUN_TIME_ATTRIBUTES[node.attr]], (owner,), {}, node)
        prop = getattr(Tensor, node.attr, None)
        if isinstance(prop, property) and entry_point(prop.fget) is not None:
            return self.apply(prop.fget, (owner,), {}, node)
        raise self._no_rule(node, f"the Tensor attribute `{node.attr}`")

    def constant_call(self, callee, args, kwargs, node):
        """Run a call on values known now: a constructor on constants, or a builtin such as
        `enumerate` over a tuple (which may hold Symbols: it only rearranges them)."""
        held = is_symbol if callee in _CONSTANT_BUILTINS else _holds_symbol
        if any(held(a) for a in list(args) + list(kwargs.values())):
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

def _gradient_api():
    """(GradOperation, (grad, value_and_grad), the class of gradient functions): what user code
    may create and call inside a construct (imported late: the ops module imports the compiler)."""
    from ..ops import grad_operation as api
    return api.GradOperation, (api.grad, api.value_and_grad), api._Gradient


class GradUnboundLocalError(GradError, UnboundLocalError):
    pass


class _Calling(threading.local):
    """The user functions being compiled right now, innermost last (to catch recursion)."""

    def __init__(self):
        self.stack = []


_calling = _Calling()


class _Range:
    """`range(...)` with bounds known only at run time."""

    def __init__(self, args):
        start, stop, step = (0, args[0], 1) if len(args) == 1 else (*args, 1)[:3]
        self.bounds = (start, stop, step)


class _NestedFunction:
    """A `def` inside the function being compiled, with its default values."""

    def __init__(self, node, defaults):
        self.node, self.defaults = node, defaults


class _LoopLocal:
    """A name assigned only inside a loop (defined at `line`), read after it."""

    def __init__(self, line):
        self.line = line


def _rename(block, symbol, name):
    """Give the value `symbol` names, and the steps of `block` that assign it, the name `name`."""
    for step in steps(block):
        if isinstance(step, Call):
            step.targets[:] = [name if t == symbol.name else t for t in step.targets]
        elif step.target == symbol.name:
            step.target = name
    symbol.name = name


def _ends(block, exits=(ast.Return, ast.Break, ast.Continue)):
    """Whether every path through `block` ends in one of `exits`."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, ast.If):
        return _ends(last.body, exits) and _ends(last.orelse, exits)
    return isinstance(last, exits)


def _returns(node):
    return any(isinstance(n, ast.Return) for n in ast.walk(node))


class GradOutputError(GradError):
    pass


_NO_RETURN = object()


def fingerprint(obj):
    """What generated code relies on about an attribute of self: compared on every call, so
    changing the attribute (or using another instance) never runs stale code."""
    if isinstance(obj, Parameter):
        return ("parameter",)
    if isinstance(obj, Cell):        # and which Cells it holds, for code that iterates over it
        if has_bprop(obj):          # code calling it runs this instance's bprop
            return ("bprop", id(obj))
        return ("cell", type(obj), tuple(type(c) for c in obj._cells.values()))
    if inspect.ismethod(obj):
        return ("method", obj.__func__)
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


def _kind(obj):
    """`function math.exp`, `builtin print`, ...: what a callee is, for messages."""
    module = getattr(obj, "__module__", None) or type(obj).__module__
    name = getattr(obj, "__qualname__", None) or type(obj).__qualname__
    return f"{module}.{name}" if module not in (None, "builtins") else f"builtin {name}"
