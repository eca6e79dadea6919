"""Stage 6, optimize: small rewrites of the generated function, each a pass of its own.

- `propagate_copies`: `dt1 = df` then uses of `dt1` read `df` instead.
- `eliminate_dead_code`: statements whose results nothing reads are dropped, so a gradient
  nobody asked for, and forward values the backward sweep does not read, are never computed.
- `drop_empty_comments`: a comment that no longer heads any statement goes too.
"""
import ast

from .reverse import Comment


def optimize(module):
    fn = module.body[-1]
    fn.body = drop_empty_comments(eliminate_dead_code(propagate_copies(fn.body)))
    return module


def propagate_copies(body):
    """Replace names bound by `a = b` (both assigned once) with `b`, and drop the copy."""
    counts = _assignment_counts(body)
    renames = {}
    kept = []
    for stmt in body:
        stmt = _Rename(renames).visit(stmt)
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name):
            target, source = stmt.targets[0].id, stmt.value.id
            if counts.get(target) == 1 and counts.get(source, 0) <= 1:
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
