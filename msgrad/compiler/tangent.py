"""Stage 5 in forward mode, tangent: code that carries each value's tangent beside it.

Each step whose result is varied (depends on a value a tangent is given for) is followed by
its tangent template from the primitive table, with names substituted: `t[z] = t[x] * y +
x * t[y]` becomes `tz = tx * y + x * ty`, without the terms of operands that have no tangent."""
import ast
import copy

from .reverse import _Substitute, _fold


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
