"""Stage 5 in forward mode, tangent: code that carries each value's tangent beside it.

Each step whose result is varied (depends on a value a tangent is given for) is followed by
its tangent template from the primitive table, with names substituted: `t[z] = t[x] * y +
x * t[y]` becomes `tz = tx * y + x * ty`, without the terms of operands that have no tangent."""
import ast
import copy
import os

from .activity import varied_values
from .ir import Call, Op, is_symbol, leaves
from .reverse import (Comment, _Reverser, _Substitute, _assign, _assign_many, _atom, _call, _constant, _fold,
                      function_def)


def tangent_expression(template, mapping, tangents):
    """The expression a tangent template gives for its result.

    `mapping` gives the syntax of each template parameter (the result, operands and static
    arguments); `tangents` the syntax of each operand's tangent, or None for an operand without
    one. Terms of the sum that read a tangent of None are left out. Returns (expression,
    complete): expression is None when no term is left; complete says that no term was left
    out (else the sum may have a smaller shape than the result, which callers broadcast)."""
    stmt = _choose(template.body, mapping)
    kept, complete = [], True
    for sign, term in _terms(stmt.value):
        read = _tangents_read(term)
        if any(tangents.get(name) is None for name in read):
            complete = False
            continue
        kept.append((sign, _fold(_Instantiate(mapping, tangents).visit(copy.deepcopy(term)))))
    if not kept:
        return None, False
    (sign, expr), rest = kept[0], kept[1:]
    if sign < 0:
        expr = ast.UnaryOp(ast.USub(), expr)
    for sign, term in rest:
        expr = ast.BinOp(expr, ast.Add() if sign > 0 else ast.Sub(), term)
    return expr, complete


def _choose(stmts, mapping):
    """The template's one `t[z] = ...` assignment, after deciding branches on static parameters."""
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            test = _fold(_Substitute(mapping).visit(copy.deepcopy(stmt.test)))
            assert isinstance(test, ast.Constant), "template branches test static parameters only"
            return _choose(stmt.body if test.value else stmt.orelse, mapping)
        assert isinstance(stmt, ast.Assign) and _is_t(stmt.targets[0]), ast.dump(stmt)
        return stmt
    raise AssertionError("a tangent template assigns t[z]")


def _terms(expr, sign=1):
    """The terms of a sum, each with its sign: `a - (b + c)` gives (+a), (-b), (-c)."""
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Sub)):
        right = sign if isinstance(expr.op, ast.Add) else -sign
        return _terms(expr.left, sign) + _terms(expr.right, right)
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        return _terms(expr.operand, -sign)
    return [(sign, expr)]


def _is_t(node):
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "t"


def _tangents_read(expr):
    return {node.slice.id for node in ast.walk(expr) if _is_t(node)}


class _Instantiate(_Substitute):
    """Replace tangent reads `t[x]` and template parameters by their syntax in one pass, so a
    tangent whose name is also a template parameter's (`y`, `t1`) is not replaced again."""

    def __init__(self, mapping, tangents):
        super().__init__(mapping)
        self.tangents = tangents

    def visit_Subscript(self, node):
        if _is_t(node):
            return copy.deepcopy(self.tangents[node.slice.id])
        return self.generic_visit(node)


def tangent(program, wrt, callee_tangents):
    """The tangent function of `program` as an `ast.Module`:

        f(*params, *inputs, *tangents) -> (*output leaves, *their tangents)

    with one tangent argument for each name of `wrt` (input and Parameter names), in order.
    `callee_tangents(callee)` gives the tangent function of a called program (all its
    Tensor arguments given tangents); the module's `callees` maps the names it is called by
    to those functions."""
    return _Tangents(program, varied_values(program, wrt), callee_tangents).build(wrt)


class _Tangents(_Reverser):
    """The forward sweep of reverse.py, each varied step followed by its tangent statement."""

    def __init__(self, program, varied, callee_tangents):
        super().__init__(program, active=set())      # no loop bookkeeping for a backward sweep
        self.varied, self.callee_tangents = varied, callee_tangents
        self.dots = {}          # value name -> its tangent's name
        self.callees = {}       # name generated code calls a callee's tangent function by -> it

    def build(self, wrt):
        program = self.program
        args = program.arg_names
        tangent_args = [self.dot(name) for name in wrt]
        body = self.forward_block(program.body)
        outputs = leaves(program.output)
        returned = [_atom(leaf) for leaf in outputs] + [self.tangent_of(leaf) for leaf in outputs]
        body.append(ast.Return(ast.Tuple(returned, ast.Load())))
        name = program.qualname.replace(".", "_").replace("<", "").replace(">", "") + "_tangent"
        src = program.source
        header = Comment(f"msgrad tangent of {program.qualname} ({os.path.basename(src.filename)}:"
                         f"{src.first_line}), along: {', '.join(wrt) or 'nothing'}")
        module = ast.Module(body=[header, function_def(name, args + tangent_args, body)], type_ignores=[])
        module.names, module.callees = self.names, self.callees
        return ast.fix_missing_locations(module)

    def dot(self, name):
        if name not in self.dots:
            self.dots[name] = self.names.claim(name + "_dot")
        return self.dots[name]

    def tangent_of(self, value):
        """The tangent of an argument: its name, or zeros for a value that has none."""
        if is_symbol(value) and value.name in self.varied:
            return ast.Name(self.dot(value.name), ast.Load())
        return _call("np.zeros_like", _atom(value))

    def forward_step(self, step):
        if isinstance(step, Call) and set(step.targets) & self.varied:
            return [self.tangent_call(step)]
        stmts = super().forward_step(step)
        if isinstance(step, Op) and step.target in self.varied:
            stmts.append(_assign(self.dot(step.target), self.tangent_expr(step)))
        return stmts

    def tangent_expr(self, op):
        """`op`'s tangent from its template; zeros where no operand has a tangent."""
        if op.prim.differentiable:
            if op.prim.tangent is None:
                raise self.program.source.error(op.stmt, f"msgrad has no forward-mode rule for {op.prim.name}",
                                                "Use reverse mode (grad, vjp, jacrev).")
            params = [a.arg for a in op.prim.tangent.args.args]
            mapping = {params[0]: ast.Name(op.target, ast.Load())}
            mapping.update(zip(params[1:], map(_atom, op.args)))
            mapping.update({a.arg: _constant(op.static[a.arg]) for a in op.prim.tangent.args.kwonlyargs})
            tangents = {p: ast.Name(self.dot(a.name), ast.Load()) if is_symbol(a) and a.name in self.varied
                        else None for p, a in zip(params[1:], op.args)}
            expr, complete = tangent_expression(op.prim.tangent, mapping, tangents)
            if expr is not None:
                # a sum that left out an array operand's terms may have a smaller shape
                if complete or not op.prim.elementwise or not any(
                        is_symbol(a) and tangents[p] is None for p, a in zip(params[1:], op.args)):
                    return expr
                return _call("broadcast_like", expr, ast.Name(op.target, ast.Load()))
        return _call("np.zeros_like", ast.Name(op.target, ast.Load()))

    def tangent_call(self, call):
        """`y, y_dot = f_tangent(w, x, w_dot, x_dot)`: a callee's outputs and their tangents."""
        if call.custom is not None:
            raise self.program.source.error(call.stmt, "msgrad has no forward mode through a Cell with "
                                            "a custom bprop", "Use reverse mode (grad, vjp, jacrev).")
        function = self.callee_tangents(call.callee)
        name = next((n for n, f in self.callees.items() if f is function), None)
        if name is None:
            name = self.names.claim(call.names[0].replace("_forward", "_tangent"))
            self.callees[name] = function
        outputs = iter(call.targets)
        names = [next(outputs) if is_symbol(leaf) else "_" for leaf in leaves(call.callee.output)]
        dots = [self.dot(n) if n in self.varied else "_" for n in names]
        count = len(call.callee.params)      # arguments come params first, their tangents inputs first
        args = list(map(_atom, call.args)) + [self.tangent_of(a) for a in call.args[count:] + call.args[:count]]
        return _assign_many(names + dots, _call(name, *args))
