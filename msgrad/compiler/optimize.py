"""Stage 6, optimize: small rewrites of the generated function, each a pass of its own.

- `propagate_copies`: `dt1 = df` then uses of `dt1` read `df` instead.
- `eliminate_dead_code`: statements whose results nothing reads are dropped, so a gradient
  nobody asked for, and forward values the backward sweep does not read, are never computed.
- `drop_needless_unbroadcast`: `unbroadcast(g, x)` is `g` where x has the shape of the
  step's result, as elementwise steps on one shape (or with Python numbers) guarantee.
- `drop_empty_comments`: a comment that no longer heads any statement goes too.
"""
import ast

from .ir import is_symbol
from .reverse import Comment


def optimize(module, program):
    fn = module.body[-1]
    body = drop_needless_unbroadcast(fn.body, same_shapes(program))
    fn.body = drop_empty_comments(eliminate_dead_code(propagate_copies(body)))
    return module


def same_shapes(program):
    """A function naming each value's shape class: values of one class have one shape."""
    classes = {}

    def find(name):
        while classes.get(name, name) != name:
            name = classes[name]
        return name

    for op in program.body:
        if op.prim.elementwise:
            shaped = {find(a.name) for a in op.args if is_symbol(a)}
            if len(shaped) == 1 and all(is_symbol(a) or isinstance(a, (int, float)) for a in op.args):
                classes[op.target] = shaped.pop()
    return find


def drop_needless_unbroadcast(body, shape_class):
    return [_Unbroadcasts(shape_class).visit(stmt) for stmt in body]


class _Unbroadcasts(ast.NodeTransformer):
    def __init__(self, shape_class):
        self.shape_class = shape_class

    def visit_Call(self, node):
        self.generic_visit(node)
        result = getattr(node, "result_of", None)
        if result is not None and isinstance(node.args[1], ast.Name) and \
                self.shape_class(node.args[1].id) == self.shape_class(result):
            return node.args[0]
        return node


def propagate_copies(body):
    """Replace a name bound once by `a = b` with `b`, and drop the copy, where `b` is not
    assigned again afterwards."""
    last_assigned = {}
    for i, stmt in enumerate(body):
        if isinstance(stmt, ast.Assign):
            last_assigned[stmt.targets[0].id] = i
    counts = _assignment_counts(body)
    renames, kept = {}, []
    for i, stmt in enumerate(body):
        stmt = _Rename(renames).visit(stmt)
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name):
            target, source = stmt.targets[0].id, stmt.value.id
            if counts[target] == 1 and last_assigned.get(source, -1) < i:
                renames[target] = source
                continue
        kept.append(stmt)
    return kept


def eliminate_dead_code(body):
    """Drop assignments whose target is not read afterwards (straight-line liveness)."""
    live, kept = set(), []
    for stmt in reversed(body):
        if isinstance(stmt, ast.Assign):
            target = stmt.targets[0].id
            if target not in live:
                continue
            live.discard(target)
        live |= _reads(stmt)
        kept.append(stmt)
    return kept[::-1]


def drop_empty_comments(body):
    """Remove comments directly followed by another comment or by the end of the body."""
    kept = []
    for i, stmt in enumerate(body):
        following = body[i + 1] if i + 1 < len(body) else None
        if isinstance(stmt, Comment) and (following is None or isinstance(following, Comment)) \
                and stmt.text != "backward":
            continue
        kept.append(stmt)
    return kept


def _assignment_counts(body):
    counts = {}
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            name = stmt.targets[0].id
            counts[name] = counts.get(name, 0) + 1
    return counts


def _reads(stmt):
    if isinstance(stmt, Comment):
        return set()
    node = stmt.value if isinstance(stmt, (ast.Assign, ast.Expr, ast.Return)) else stmt
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} if node is not None else set()


class _Rename(ast.NodeTransformer):
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.renames:
            return ast.copy_location(ast.Name(self.renames[node.id], ast.Load()), node)
        return node
