"""Stage 6, optimize: small rewrites of the generated function, each a pass of its own.

One pass rewrites the program itself, before the reverse stage sees it:

- `compute_row_products_before_loops`: `u @ x[t]` in `for t in range(len(x))`, with u and x
  matrices the loop leaves alone (an RNN's input projection), is row t of one product made
  before the loop, `u_x = x @ u.T` (matmul_transposed); the reverse sweep then gathers each
  iteration's row gradient into one array, and u's and x's gradients are one product each
  after the loop.

The others rewrite the generated function:

- `drop_needless_unbroadcast`: `unbroadcast(g, x)` is `g` where x has the shape of the
  step's result, as elementwise steps on one shape (or with Python numbers) guarantee, or
  as the shapes known for code made for given argument shapes say (see shapes.py).
- `create_with_known_shapes`: `np.ones_like(y)` is `np.ones((3,), np.float32)` where y's shape
  and dtype are known, and so is the gradient of a full sum seeded with ones (`unreduce` of
  ones); y need not be computed for it then (a forward value only the seed read goes).
- `multiply_ones_away`: `dy * x` is `x` for such a seed of ones, of x's shape and dtype, where x
  is an array the function computes (never an argument's, which a gradient must not share).
- `propagate_copies`: `dt1 = df` then uses of `dt1` read `df` instead.
- `eliminate_dead_code`: statements whose results nothing reads are dropped, so a gradient
  nobody asked for, and forward values the backward sweep does not read, are never computed.
- `accumulate_in_place`: a Parameter's gradient that starts as fresh zeros and is only ever
  added to (in a loop) is added to in place, `dw += e` (or `scatter_add(dw, t, g)` for a row),
  instead of building a new array for every contribution. (Parameters, and inputs known to be
  floats: an integer Tensor's zeros could not take a float in place.)
- `sum_outer_products_after_loops`: `dw += matmul_grad_x(g, w, v)` in a loop, for a matrix w
  and vectors g and v (an RNN's weight gradient), becomes one matrix product after the loop,
  `dw += np.stack(gs).T @ np.stack(vs)`, of the vectors each iteration collects.
- `inline_known_forms`: where shapes are known, a matrix product's gradient is the one numpy
  expression the runtime helper would pick (`g @ y.T`, `np.outer(g, y)`, `x.T @ g`, or `g @ x`
  for a vector g), and adding a row of a gradient at an integer index is `dx[t] += g`. (A
  bias's `unbroadcast` is `g.sum(axis=0)`, in the first pass.)
- `write_rows_once`: a gradient's row `dx[t] += g` is `dx[t] = g` when dx starts as zeros, this
  is all that adds to it, and t counts the iterations of a loop: no row is written twice.
- `compute_saved_terms_before_loops`: a part of a loop's backward sweep computed elementwise
  from the loop's own values alone, as a tanh's `1 - y * y`, is computed for all iterations at
  once after the forward loop, from the stacked values of every iteration, and each backward
  iteration reads its row (where shapes are known: each iteration's values of one shape).
- `count_down_backward_loops`: the backward sweep of `for t in range(n)` runs `for t in
  reversed(range(trips))`, so no iteration saves its t.
- `save_loop_values`: each loop iteration saves, on a stack, exactly the values of that
  iteration its backward sweep reads, and the backward sweep takes them back (no copies:
  generated code never mutates an array).
- `update_temporaries_in_place`: `y = t + b` where t is a temporary that nothing else reads, of
  y's shape and dtype, made by an earlier statement, is `t += b` with t named y (and
  `np.tanh(t)` is `np.tanh(y, out=y)`): `y = x @ w; y += b; np.tanh(y, out=y)`, as a person
  writes a layer, with no new array per step.
- `drop_empty_comments`: a comment that no longer heads any statement goes too.
"""
import ast
import collections
import copy
import dataclasses

import numpy as np

from ..primitives import TABLE, Symbol
from .ir import Loop, Op, If, is_symbol, steps, targets, walk
from .reverse import Comment, _assign, _call, _constant, _Restore, _Save, _if, has_code

_LOOPS = (ast.For, ast.While)


def optimize(module, program, in_place=None, shapes=None, dtypes=None):
    """`in_place`: the arguments whose gradients may be updated in place (by default the
    Parameters: their zeros take float contributions); `shapes` and `dtypes`: the values'
    shapes and dtypes where known (see shapes.py), for code made for them."""
    fn = module.body[-1]
    body = drop_needless_unbroadcast(fn.body, same_shapes(program), shapes or {})
    if shapes:
        body = create_with_known_shapes(body, shapes, dtypes or {})
    body = propagate_copies(body)
    if shapes:          # (after the copies: `dt1 = dy` then `dt1 * x`)
        body = propagate_copies(multiply_ones_away(body, shapes, dtypes or {}))
    body, _ = eliminate_dead_code(body, set())
    body = accumulate_in_place(body, {p.var for p in program.params} if in_place is None else in_place)
    if shapes:
        shape_of = _shape_lookup(shapes, module.gradient_of)
        body = sum_outer_products_after_loops(body, shape_of, module.names)
        body = write_rows_once(inline_known_forms(body, shape_of))
    body = count_down_backward_loops(body)
    if shapes:
        body = compute_saved_terms_before_loops(body, shapes, dtypes or {}, module.names)
    body = save_loop_values(body, module.names)
    if shapes:
        body = update_temporaries_in_place(body, shapes, dtypes or {})
    fn.body = drop_empty_comments(body)
    return module


# -- the program: products of rows ------------------------------------------------------------
def compute_row_products_before_loops(program, known):
    """`program` with each loop's `u @ x[t]` (and `x[t] @ u`) read from a product of all rows
    made before the loop, where `known` (shapes.Known) says u and x are matrices of one dtype;
    `program` itself where there is none."""
    names = copy.deepcopy(program.names)
    assignments = collections.Counter(name for step in steps(program.body) for name in targets(step))
    defined = {op.target: op for op in walk(program.body) if isinstance(op, Op) and assignments[op.target] == 1}

    def rewrite(block):
        out = []
        for step in block:
            if isinstance(step, If):
                step = dataclasses.replace(step, body=rewrite(step.body), orelse=rewrite(step.orelse))
            elif isinstance(step, Loop):
                step = dataclasses.replace(step, body=rewrite(step.body))
                if step.kind == "range":
                    before, step = _row_products(step, defined, known, names)
                    out += before
            out.append(step)
        return out

    body = rewrite(program.body)
    if names.used == program.names.used:      # nothing was made
        return program
    return dataclasses.replace(program, body=body, names=names, adjoints={})


def _row_products(loop, defined, known, names):
    """The products to make before `loop`, and the loop reading its rows from them."""
    changed = {name for step in steps(loop.head + loop.body + loop.carry) for name in targets(step)}
    changed.add(loop.index)

    def matrix(arg):
        return is_symbol(arg) and arg.name not in changed and len(known.shapes.get(arg.name, ())) == 2

    rows = {op.target: op.args[0].name for op in loop.body if isinstance(op, Op) and op.prim is TABLE["index"]
            and op.target in defined and matrix(op.args[0]) and is_symbol(op.args[1])
            and op.args[1].name == loop.index and _covers_rows(loop.bounds, op.args[0].name, defined, known)}
    before, products, body = [], {}, []
    for op in loop.body:
        row = _row_product(op, rows, matrix, known)
        if row is None:
            body.append(op)
            continue
        if row not in products:
            x, u, left = row            # u @ x[t] is row t of x @ u.T
            products[row] = names.claim(f"{u}_{x}" if left else f"{x}_{u}")
            product = TABLE["matmul_transposed" if left else "matmul"]
            before.append(Op(products[row], product, (Symbol(x), Symbol(u)), {}, op.stmt))
        body.append(Op(op.target, TABLE["index"], (Symbol(products[row]), Symbol(loop.index)), {}, op.stmt))
    return before, dataclasses.replace(loop, body=body)


def _row_product(op, rows, matrix, known):
    """(x, u, u_on_the_left) for `u @ x[t]` or `x[t] @ u`, a row of `rows` and a matrix u."""
    if not (isinstance(op, Op) and op.prim is TABLE["matmul"] and not op.static and all(map(is_symbol, op.args))):
        return None
    a, b = (arg.name for arg in op.args)
    for row, other, left in ((b, op.args[0], True), (a, op.args[1], False)):
        if row in rows and matrix(other) and known.dtypes.get(rows[row]) == known.dtypes.get(other.name):
            return rows[row], other.name, left
    return None


def _covers_rows(bounds, x, defined, known):
    """Whether `range(*bounds)` runs over every row of x: `range(x.shape[0])`, or its constant."""
    start, stop, step = bounds
    if (start, step) != (0, 1):
        return False
    if not is_symbol(stop):
        return stop == known.shapes[x][0]
    length = defined.get(stop.name)
    if length is not None and length.prim is TABLE["getitem"] and length.static.get("key") == 0:
        length = defined.get(length.args[0].name) if is_symbol(length.args[0]) else None
        if length is None or length.prim is not TABLE["shape_of"]:
            return False
    elif length is None or length.prim is not TABLE["length"]:
        return False
    return is_symbol(length.args[0]) and length.args[0].name == x


# -- shapes ------------------------------------------------------------------------------------
def same_shapes(program):
    """A function naming each value's shape class: values of one class have one shape."""
    ops = [s for s in walk(program.body) if isinstance(s, Op)]
    targets = [op.target for op in ops]
    reassigned = {name for name in targets if targets.count(name) > 1}
    classes = {}

    def find(name):
        while classes.get(name, name) != name:
            name = classes[name]
        return name

    for op in ops:
        if op.prim.elementwise and op.target not in reassigned:
            shaped = {find(a.name) for a in op.args if is_symbol(a)}
            if len(shaped) == 1 and all(is_symbol(a) or isinstance(a, (int, float)) for a in op.args):
                classes[op.target] = shaped.pop()
    return find


def drop_needless_unbroadcast(body, shape_class, shapes):
    return [_Unbroadcasts(shape_class, shapes).visit(stmt) for stmt in body]


class _Unbroadcasts(ast.NodeTransformer):
    def __init__(self, shape_class, shapes):
        self.shape_class, self.shapes = shape_class, shapes

    def visit_Call(self, node):
        self.generic_visit(node)
        result = getattr(node, "result_of", None)
        if result is None or not isinstance(node.args[1], ast.Name):
            return node
        g, x = node.args[0], node.args[1].id
        shape, target = self.shapes.get(result), self.shapes.get(x)
        if self.shape_class(x) == self.shape_class(result) or (target is not None and target == shape):
            return g
        if shape is None or target is None or len(target) >= len(shape) or shape[len(shape) - len(target):] != target:
            return node
        # broadcast along leading axes only (a bias's gradient): their sum
        axes = tuple(range(len(shape) - len(target)))
        return ast.Call(ast.Attribute(g, "sum", ast.Load()), [], [ast.keyword("axis", _constant(
            axes[0] if len(axes) == 1 else axes))])


def create_with_known_shapes(body, shapes, dtypes):
    creations = _KnownCreations(shapes, dtypes, _ones_assigned(body))
    return [creations.visit(stmt) for stmt in body]


class _KnownCreations(ast.NodeTransformer):
    def __init__(self, shapes, dtypes, ones):
        self.shapes, self.dtypes, self.ones = shapes, dtypes, ones

    def visit_Call(self, node):
        self.generic_visit(node)
        func, args = node.func, node.args
        if _is_numpy(func, ("ones_like", "zeros_like")) and len(args) == 1 and not node.keywords:
            return self.create(func.attr[:-len("_like")], args[0]) or node
        if isinstance(func, ast.Name) and func.id == "unreduce" and isinstance(args[0], ast.Name) and \
                args[0].id in self.ones:                 # ones spread over y are ones like y
            return self.create("ones", args[1]) or node
        return node

    def create(self, kind, like):
        name = like.id if isinstance(like, ast.Name) else None
        shape, dtype = self.shapes.get(name), self.dtypes.get(name)
        if shape is None or dtype is None or dtype.kind not in "biuf":
            return None
        return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), kind, ast.Load()),
                        [_constant(tuple(shape)), ast.Attribute(ast.Name("np", ast.Load()), dtype.name, ast.Load())], [])


def _ones_assigned(body, once=None):
    """Names assigned ones at the top level and nowhere else (an output's seed nothing adds to);
    `once`: _assigned_once(body), where known."""
    once = _assigned_once(body) if once is None else once
    return {s.targets[0].id for s in body if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Name)
            and s.targets[0].id in once and isinstance(s.value, ast.Call)
            and _is_numpy(s.value.func, ("ones_like", "ones"))}


def _assigned_once(body):
    """Names one statement of `body`, nested blocks included, assigns, and nothing adds to."""
    counts = collections.Counter(name for s in _walk_statements(body) if not isinstance(s, (ast.If, *_LOOPS))
                                 for name in assigned_names(s) | _aug_targets(s))
    return {name for name, count in counts.items() if count == 1}


def multiply_ones_away(body, shapes, dtypes):
    """`g = dy * x` is `g = x` where dy is a seed of ones of x's shape and dtype, and x an array
    the function computes itself (an argument's array must not become a gradient's)."""
    once, seeds = _assigned_once(body), {}
    ones = _ones_assigned(body, once)
    for stmt in body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id in ones \
                and _is_numpy(stmt.value.func, ("ones",)) and len(stmt.value.args) == 2:
            shape, dtype = stmt.value.args
            seeds[stmt.targets[0].id] = (ast.literal_eval(shape), np.dtype(dtype.attr))
    computed = {s.targets[0].id for s in _walk_statements(body) if isinstance(s, ast.Assign)
                and isinstance(s.targets[0], ast.Name) and s.targets[0].id in once and _is_fresh_array(s.value)}

    def ones_times(seed, x):
        return isinstance(seed, ast.Name) and seed.id in seeds and isinstance(x, ast.Name) and \
            x.id in computed and (shapes.get(x.id), dtypes.get(x.id)) == seeds[seed.id]

    class Products(ast.NodeTransformer):
        def visit_BinOp(self, node):
            self.generic_visit(node)
            if isinstance(node.op, ast.Mult) and ones_times(node.left, node.right):
                return node.right
            if isinstance(node.op, ast.Mult) and ones_times(node.right, node.left):
                return node.left
            return node

    return [Products().visit(stmt) for stmt in body]


def _is_numpy(func, names):
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "np" \
        and func.attr in names


# -- copies and dead code ----------------------------------------------------------------------
def propagate_copies(body):
    """Drop each copy `a = b` and read b for a, where the copy is all that binds a and every
    read of a comes later in the copy's block, before b changes: at the top level, or in one
    iteration of a loop (`dh_1 = dh` at the head of a backward loop that ends `dh = ...`)."""
    binds = collections.Counter(name for s in _walk_statements(body) for name in _binds(s))
    return _propagate(body, binds, _read_counts(body))


def _propagate(block, binds, reads):
    for stmt in block:
        _in_blocks(stmt, lambda inner: _propagate(inner, binds, reads))
    out, i = list(block), 0
    while i < len(out):
        stmt = out[i]
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) and \
                isinstance(stmt.value, ast.Name) and binds[stmt.targets[0].id] == 1:
            copy_, source = stmt.targets[0].id, stmt.value.id
            later, found, last = out[i + 1:], 0, -1
            for k, s in enumerate(later):           # up to the statement with the copy's last read
                count = _read_count(s, copy_)
                found, last = found + count, k if count else last
                if found == reads[copy_]:
                    break
            if found and found == reads[copy_] and \
                    not any(source in assigned_names(s) | _aug_targets(s) for s in later[:last]) and \
                    not (source in assigned_names(later[last]) and isinstance(later[last], (ast.If, *_LOOPS))):
                later[:last + 1] = [_Rename({copy_: source}).visit(s) for s in later[:last + 1]]
                reads[source] += reads.pop(copy_)
                binds[copy_] -= 1
                out[i:] = later
                continue
        i += 1
    return out


def _binds(stmt):
    """The names a statement itself binds (not those of the blocks it holds)."""
    if isinstance(stmt, ast.For):
        return _assigned_target(stmt.target)
    if isinstance(stmt, (ast.If, ast.While)):
        return set()
    return assigned_names(stmt) | _aug_targets(stmt)


def _read_count(stmt, name):
    return _read_counts([stmt])[name]


def _read_counts(block):
    """How often each name is read in `block`."""
    return collections.Counter(n.id for s in block for n in ast.walk(s)
                               if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load))


def eliminate_dead_code(block, live):
    """Drop assignments whose target nothing reads afterwards, and blocks left empty; returns
    the kept block and what is live before it."""
    kept = []
    for stmt in reversed(block):
        if isinstance(stmt, ast.Assign):
            targets = assigned_names(stmt)
            if not targets & live:
                continue
            live = (live - targets) | _reads(stmt.value)
        elif isinstance(stmt, ast.If):
            body, live_body = eliminate_dead_code(stmt.body, set(live))
            orelse, live_else = eliminate_dead_code(stmt.orelse, set(live))
            if not has_code(body + orelse):
                continue
            stmt = ast.copy_location(_if(stmt.test, body, orelse), stmt)
            live = live_body | live_else | _reads(stmt.test)
        elif isinstance(stmt, _LOOPS):
            stmt, live = _loop_liveness(stmt, live)
            if stmt is None:
                continue
        elif not isinstance(stmt, Comment):
            live = live | _reads(stmt)
        kept.append(stmt)
    return kept[::-1], live


def _loop_liveness(loop, live):
    """A loop's body runs again after itself: iterate liveness until it settles."""
    header = _reads(loop.iter) if isinstance(loop, ast.For) else _reads(loop.test)
    live_out = set(live)
    while True:
        body, live_in = eliminate_dead_code(loop.body, set(live_out) | header)
        if live_in <= live_out:
            break
        live_out |= live_in
    if not any(isinstance(s, (ast.Assign, ast.If, ast.Expr) + _LOOPS) for s in body):
        return None, live
    new = copy.copy(loop)
    new.body = body
    return new, live_out | header


# -- accumulation in place --------------------------------------------------------------------
def accumulate_in_place(body, params):
    """Rewrite `d = d + e` as `d += e` (and `d = d + unindex(g, x, key)` as
    `scatter_add(d, key, g)`) for each gradient `d` that is safe to mutate: every assignment
    to it makes fresh zeros or ones or adds to it, and nothing but those additions reads it
    until the last of them is done (a top-level statement after it, or the return), so no
    other name can share its array while it changes."""
    statements = [s for s in _walk_statements(body)]
    owned = {}
    for stmt in statements:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            owned[name] = owned.get(name, True) and (_fresh(stmt.value, params) or _accumulates(stmt, name))
        elif isinstance(stmt, ast.Assign):         # `dw, dx = f_backward(...)`: arrays of someone else's
            owned.update(dict.fromkeys(assigned_names(stmt), False))
    safe = {name for name, ok in owned.items() if ok and any(
        _accumulates(s, name) for s in statements if isinstance(s, ast.Assign))}
    safe = {name for name in safe if _read_after_additions(body, name)}
    return _rewrite_accumulations(body, safe) if safe else body


def _read_after_additions(body, name):
    """Whether every read of `name`, other than adding to it, comes in a top-level statement
    after the last one that adds to it."""
    added, read = [], []
    for i, top in enumerate(body):
        for stmt in _walk_statements([top]):
            if isinstance(stmt, ast.Assign) and _accumulates(stmt, name):
                added.append(i)
            elif name in _reads(_header(stmt)):
                read.append(i)
    return not read or min(read) > max(added)


def _in_blocks(stmt, rewrite):
    """Apply `rewrite` to the blocks a compound statement holds (its body, its else)."""
    for field in ("body", "orelse"):
        if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, Comment):
            setattr(stmt, field, rewrite(getattr(stmt, field)))


def sum_outer_products_after_loops(body, shape_of, names):
    out = []
    for stmt in body:
        _in_blocks(stmt, lambda block: sum_outer_products_after_loops(block, shape_of, names))
        if not isinstance(stmt, _LOOPS):
            out.append(stmt)
            continue
        before, kept, after = [], [], []
        for inner in stmt.body:
            factors = _outer_product(inner, shape_of)
            if factors is None or _touched_elsewhere(stmt.body, inner):
                kept.append(inner)
                continue
            lists = [names.claim(f"{factor}s") for factor in factors]
            before += [ast.Assign([ast.Name(n, ast.Store())], ast.List([], ast.Load())) for n in lists]
            kept += [ast.Expr(ast.Call(ast.Attribute(ast.Name(n, ast.Load()), "append", ast.Load()),
                                       [ast.Name(f, ast.Load())], [])) for n, f in zip(lists, factors)]
            rows, columns = (ast.Call(ast.Attribute(ast.Name("np", ast.Load()), "stack", ast.Load()),
                                      [ast.Name(n, ast.Load())], []) for n in lists)
            total = ast.BinOp(ast.Attribute(rows, "T", ast.Load()), ast.MatMult(), columns)
            after.append(ast.If(ast.Name(lists[0], ast.Load()), [ast.AugAssign(inner.target, ast.Add(), total)], []))
        stmt.body = kept
        out += before + [stmt] + after
    return out


def inline_known_forms(body, shape_of, forms=None):
    forms = forms or _KnownForms(shape_of)
    out = []
    for stmt in body:
        _in_blocks(stmt, lambda block: inline_known_forms(block, shape_of, forms))
        row = _row_added(stmt, shape_of)
        out.append(row if row is not None else forms.visit(stmt))
    return out


def _row_added(stmt, shape_of):
    """`dx[t] += g` for `scatter_add(dx, t, g)` with t an integer (no repeats to add up)."""
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "scatter_add"):
        return None
    target, key, g = call.args
    if not (isinstance(key, ast.Name) and shape_of(key.id) == ()):
        return None
    return ast.AugAssign(ast.Subscript(target, key, ast.Store()), ast.Add(), g)


def write_rows_once(body):
    """`d[t] = g` for `d[t] += g` where d starts as zeros and nothing else ever adds to it, in
    the backward sweep of a top-level `for t in range(...)` that leaves t alone: each iteration
    has a row of its own, with nothing in it to add to."""
    statements = list(_walk_statements(body))
    for forward, backward in _loop_pairs(body):
        if not _counts_up(forward) or forward.target.id in set().union(*map(assigned_names, backward.body)):
            continue
        for i, stmt in enumerate(backward.body):
            if _row_of_zeros(stmt, forward.target.id, body, statements):
                backward.body[i] = ast.Assign([stmt.target], stmt.value)
    return body


def _loop_pairs(statements):
    """(forward, backward) for each loop among `statements` whose backward sweep is there too:
    `body` for the top level, `_walk_statements(body)` for every loop."""
    pairs = {}
    for stmt in statements:
        if isinstance(stmt, _LOOPS) and getattr(stmt, "loop_key", None) is not None:
            pairs.setdefault(stmt.loop_key, [None, None])[0 if _saves(stmt) else 1] = stmt
    return [pair for pair in pairs.values() if None not in pair]


def _counts_up(loop):
    """Whether `loop` is `for t in range(...)` with a body that leaves t alone."""
    return isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Call) and \
        isinstance(loop.iter.func, ast.Name) and loop.iter.func.id == "range" and \
        loop.target.id not in set().union(*map(assigned_names, loop.body))


def _row_of_zeros(stmt, index, body, statements):
    """Whether `stmt` is `d[index] += g`, the only addition to a d made once, as zeros, in `body`."""
    target = getattr(stmt, "target", None)
    if not (isinstance(stmt, ast.AugAssign) and isinstance(stmt.op, ast.Add) and isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name) and isinstance(target.slice, ast.Name) and target.slice.id == index):
        return False
    name = target.value.id
    made = [s for s in statements if isinstance(s, ast.Assign) and name in assigned_names(s)]
    if not (len(made) == 1 and made[0] in body and isinstance(made[0].value, ast.Call)
            and _is_numpy(made[0].value.func, ("zeros",))):
        return False
    simple = [s for s in statements if not isinstance(s, (ast.If, *_LOOPS))]
    return [s for s in simple if name in _aug_targets(s) or _scatters(s, name)] == [stmt]


def _scatters(stmt, name):
    """Whether `stmt` is `scatter_add(name, ...)`."""
    call = getattr(stmt, "value", None)
    return isinstance(stmt, ast.Expr) and isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and \
        call.func.id == "scatter_add" and isinstance(call.args[0], ast.Name) and call.args[0].id == name


class _KnownForms(ast.NodeTransformer):
    def __init__(self, shape_of):
        self.shape_of = shape_of

    def visit_Call(self, node):
        self.generic_visit(node)
        if not (isinstance(node.func, ast.Name) and node.func.id in ("matmul_grad_x", "matmul_grad_y")
                and all(isinstance(a, ast.Name) for a in node.args)):
            return node
        g, x, y = node.args
        ndims = tuple(len(self.shape_of(a.id)) if self.shape_of(a.id) is not None else None for a in (x, y))
        transpose = lambda a: ast.Attribute(a, "T", ast.Load())     # noqa: E731
        if node.func.id == "matmul_grad_x" and ndims == (2, 2):
            return ast.BinOp(g, ast.MatMult(), transpose(y))
        if node.func.id == "matmul_grad_x" and ndims == (2, 1):
            return ast.Call(ast.Attribute(ast.Name("np", ast.Load()), "outer", ast.Load()), [g, y], [])
        if node.func.id == "matmul_grad_y" and ndims == (2, 2):
            return ast.BinOp(transpose(x), ast.MatMult(), g)
        if node.func.id == "matmul_grad_y" and ndims == (2, 1):      # g a vector: g @ x is x.T @ g
            return ast.BinOp(g, ast.MatMult(), x)
        return node


def _outer_product(stmt, shape_of):
    """(g, v) for `d += matmul_grad_x(g, w, v)` (g v^T) or (v, g) for `d += matmul_grad_y(g, v, w)`
    (v g^T), w a matrix and g, v vectors; else None."""
    if not (isinstance(stmt, ast.AugAssign) and isinstance(stmt.value, ast.Call) and
            isinstance(stmt.value.func, ast.Name) and all(isinstance(a, ast.Name) for a in stmt.value.args)):
        return None
    g, x, y = (a.id for a in stmt.value.args) if len(stmt.value.args) == 3 else (None,) * 3
    ndims = [len(shape_of(n)) if shape_of(n) is not None else None for n in (g, x, y)]
    if stmt.value.func.id == "matmul_grad_x" and ndims == [1, 2, 1]:
        return g, y
    if stmt.value.func.id == "matmul_grad_y" and ndims == [1, 1, 2]:
        return x, g
    return None


def _touched_elsewhere(block, stmt):
    """Whether the gradient `stmt` adds to is read or assigned by another statement of `block`."""
    name = stmt.target.id
    return any(name in _reads(other) | assigned_names(other) | _aug_targets(other)
               for other in block if other is not stmt)


def _aug_targets(stmt):
    """The names a statement (or one it holds) adds to in place (`d += e`, `d[t] += e`)."""
    return set().union(*(_assigned_target(s.target) for s in _walk_statements([stmt]) if isinstance(s, ast.AugAssign)))


def _shape_lookup(shapes, gradient_of):
    """The known shape of a value, or of the value a gradient belongs to."""
    return lambda name: shapes.get(name, shapes.get(gradient_of.get(name)))


def _rewrite_accumulations(block, safe):
    out = []
    for stmt in block:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) and \
                stmt.targets[0].id in safe and _accumulates(stmt, stmt.targets[0].id):
            target, added = stmt.targets[0].id, stmt.value.right
            if isinstance(added, ast.Call) and isinstance(added.func, ast.Name) and added.func.id == "unindex":
                g, _, key = added.args
                stmt = ast.Expr(ast.Call(ast.Name("scatter_add", ast.Load()), [ast.Name(target, ast.Load()), key, g], []))
            else:
                stmt = ast.AugAssign(ast.Name(target, ast.Store()), ast.Add(), added)
        else:
            _in_blocks(stmt, lambda block: _rewrite_accumulations(block, safe))
        out.append(stmt)
    return out


def _header(stmt):
    """What a statement itself reads: a compound statement's test or iterable, not its body."""
    if isinstance(stmt, (ast.If, ast.While)):
        return stmt.test
    if isinstance(stmt, ast.For):
        return stmt.iter
    return getattr(stmt, "value", stmt)


def _fresh(value, params):
    """New float zeros or ones: `np.zeros_like(p)` for an argument p of `params`, or
    `np.zeros((2,), np.float32)`."""
    if not isinstance(value, ast.Call):
        return False
    if _is_numpy(value.func, ("zeros_like", "ones_like")):
        return isinstance(value.args[0], ast.Name) and value.args[0].id in params
    return _is_numpy(value.func, ("zeros", "ones")) and len(value.args) == 2 and \
        _is_numpy(value.args[1], ("float16", "float32", "float64"))


def _accumulates(stmt, name):
    value = stmt.value
    return isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and \
        isinstance(value.left, ast.Name) and value.left.id == name and name not in _reads(value.right)


def _walk_statements(block):
    for stmt in block:
        yield stmt
        for field in ("body", "orelse"):
            nested = getattr(stmt, field, None)
            if isinstance(nested, list) and not isinstance(stmt, Comment):
                yield from _walk_statements(nested)


# -- loops: terms of saved values --------------------------------------------------------------
def compute_saved_terms_before_loops(body, shapes, dtypes, names):
    """For each top-level loop (an inner loop's stacks would mix an outer loop's iterations)."""
    for forward, backward in _loop_pairs(body):
        _saved_terms(body, forward, backward, shapes, dtypes, names)
    return body


def _saved_terms(body, forward, backward, shapes, dtypes, names):
    """Rewrite `backward` to read its terms of saved values from arrays computed before it."""
    save = next(i for i, s in enumerate(forward.body) if isinstance(s, _Save))
    always = definitely_assigned(forward.body[:save])
    if isinstance(forward, ast.For):
        always |= _assigned_target(forward.target)
    changed = set().union(*map(assigned_names, backward.body), *map(_aug_targets, backward.body))
    values = {name for name in exposed_reads(backward.body) & always - changed
              if name in shapes and getattr(dtypes.get(name), "kind", None) == "f"}
    counted = backward.target.id if backward.target.id != "_" else None
    terms = _Terms(values, shapes, names, counted)
    rewritten = [terms.visit(stmt) if isinstance(stmt, (ast.Assign, ast.AugAssign)) else stmt
                 for stmt in backward.body]
    if not terms.found:
        return
    backward.body = rewritten
    lists = {name: names.claim(f"{name}s") for name in sorted(terms.leaves)}
    forward.body[save:save] = [ast.Expr(_call(f"{each}.append", ast.Name(name, ast.Load())))
                               for name, each in lists.items()]
    at = body.index(forward)
    body[at:at] = [_assign(each, ast.List([], ast.Load())) for each in lists.values()]
    stacked = [_assign(each, _call("np.stack", ast.Name(each, ast.Load()))) for each in lists.values()]
    computed = [_assign(name, _Rename(lists).visit(expr)) for name, expr in terms.found.values()]
    trips = (backward.iter if counted is None else backward.iter.args[0]).args[0]
    at = body.index(backward)
    body[at:at] = [ast.If(copy.deepcopy(trips), stacked + computed, [])]
    if counted is None:
        backward.target = ast.Name(terms.index, ast.Store())
        backward.iter = _call("reversed", backward.iter)


class _Terms(ast.NodeTransformer):
    """Replaces each largest elementwise expression of `values` (all of one shape) and numbers,
    of two operations or more, with its row `terms[i]` of an array of all iterations' terms."""

    def __init__(self, values, shapes, names, index):
        self.values, self.shapes, self.names = values, shapes, names
        self.index = index    # the backward loop's count of the forward iteration it is at
        self.found = {}       # ast.dump of an expression -> (its terms' name, the expression)
        self.leaves = set()
        self.target = "terms"

    def visit_Assign(self, node):
        self.target = node.targets[0].id + "_terms" if isinstance(node.targets[0], ast.Name) else "terms"
        return self.generic_visit(node)

    def visit(self, node):
        leaves = _elementwise_leaves(node, self.values)
        if not leaves or _operations(node) < 2 or len({self.shapes[n] for n in leaves}) > 1:
            return super().visit(node)
        key = ast.dump(node)
        if key not in self.found:
            self.found[key] = (self.names.claim(self.target), node)
            self.index = self.index or self.names.claim("i")
        self.leaves |= leaves
        return ast.Subscript(ast.Name(self.found[key][0], ast.Load()), ast.Name(self.index, ast.Load()), ast.Load())


def _elementwise_leaves(node, values):
    """The names of `values` an elementwise expression of them and numbers reads, or None for
    anything else."""
    if isinstance(node, ast.Name):
        return {node.id} if node.id in values and isinstance(node.ctx, ast.Load) else None
    if isinstance(node, ast.Constant):
        return set() if type(node.value) in (int, float) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
        parts = [node.left, node.right]
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        parts = [node.operand]
    elif isinstance(node, ast.Call) and not node.keywords and _is_ufunc(node.func):
        parts = node.args
    else:
        return None
    leaves = [_elementwise_leaves(part, values) for part in parts]
    return None if None in leaves else set().union(*leaves)


def _operations(node):
    return sum(isinstance(n, (ast.BinOp, ast.UnaryOp, ast.Call)) for n in ast.walk(node))


def _is_ufunc(func):
    return _is_numpy(func, _UFUNCS)


_UFUNCS = frozenset(name for name in dir(np) if isinstance(getattr(np, name), np.ufunc))


# -- loops: what each iteration saves ----------------------------------------------------------
def count_down_backward_loops(body):
    """The backward sweep of `for t in range(n)` (a body that leaves t alone) is `for t in
    reversed(range(trips))`: it knows each iteration's t without saving it."""
    for forward, backward in _loop_pairs(_walk_statements(body)):
        if _counts_up(forward) and len(forward.iter.args) == 1 and \
                forward.target.id not in set().union(*map(assigned_names, backward.body)):
            backward.target = ast.Name(forward.target.id, ast.Store())
            backward.iter = _call("reversed", backward.iter)
    return body


def _saves(loop):
    """Whether a loop is the forward half of a pair (it saves values for its backward sweep)."""
    return any(isinstance(s, _Save) for s in loop.body)


def save_loop_values(body, names):
    """Fill in the _Save and _Restore marks the reverse stage left in each loop pair, inner
    loops first, so an outer loop saves what its inner loops read but do not save."""
    loops = {}
    for stmt, depth, top in _walk_with_depth(body):
        if isinstance(stmt, _LOOPS) and getattr(stmt, "loop_key", None) is not None:
            side = "forward" if any(isinstance(s, _Save) for s in stmt.body) else "backward"
            loops.setdefault(stmt.loop_key, {})[side] = (stmt, depth, top)
    for key, pair in sorted(loops.items(), key=lambda item: -item[1].get("forward", (None, 0))[1]):
        if "forward" not in pair or "backward" not in pair:
            continue
        forward, _, top = pair["forward"]
        backward = pair["backward"][0]
        counted = _assigned_target(backward.target) if isinstance(backward, ast.For) else set()
        saved = sorted(exposed_reads(backward.body, counted) & assigned_names(forward))
        _fill(forward, backward, saved, names, body, top)
    return body


def _fill(forward, backward, saved, names, body, top):
    if not saved:
        forward.body = [s for s in forward.body if not isinstance(s, _Save)]
        backward.body = [s for s in backward.body if not isinstance(s, _Restore)]
        return
    stack = names.claim("saved")
    values = ast.Tuple([ast.Name(n, ast.Load()) for n in saved], ast.Load()) if len(saved) > 1 \
        else ast.Name(saved[0], ast.Load())
    targets = ast.Tuple([ast.Name(n, ast.Store()) for n in saved], ast.Store()) if len(saved) > 1 \
        else ast.Name(saved[0], ast.Store())
    push = ast.Expr(ast.Call(ast.Attribute(ast.Name(stack, ast.Load()), "append", ast.Load()), [values], []))
    pop = ast.Assign([targets], ast.Call(ast.Attribute(ast.Name(stack, ast.Load()), "pop", ast.Load()), [], []))
    always = definitely_assigned(forward.body)
    if isinstance(forward, ast.For):
        always |= _assigned_target(forward.target)
    forward.body = unset_first(saved, always) + [push if isinstance(s, _Save) else s for s in forward.body]
    backward.body = [pop if isinstance(s, _Restore) else s for s in backward.body]
    body.insert(body.index(top), ast.Assign([ast.Name(stack, ast.Store())], ast.List([], ast.Load())))


def _walk_with_depth(block, depth=0, top=None):
    for stmt in block:
        here = stmt if top is None else top
        yield stmt, depth, here
        for field in ("body", "orelse"):
            nested = getattr(stmt, field, None)
            if isinstance(nested, list) and not isinstance(stmt, (ast.FunctionDef,)):
                yield from _walk_with_depth(nested, depth + isinstance(stmt, _LOOPS), here)


def exposed_reads(block, defined=frozenset()):
    """Names a block reads before assigning them itself."""
    out, defined = set(), set(defined)
    for stmt in block:
        if isinstance(stmt, ast.Assign):        # (a target `d[t]` reads d and t)
            out |= set().union(_reads(stmt.value), *map(_reads, stmt.targets)) - defined
            defined |= assigned_names(stmt)
        elif isinstance(stmt, ast.If):
            out |= (_reads(stmt.test) - defined) | exposed_reads(stmt.body, defined) | exposed_reads(stmt.orelse, defined)
        elif isinstance(stmt, ast.For):
            out |= (_reads(stmt.iter) - defined) | exposed_reads(stmt.body, defined | _assigned_target(stmt.target))
        elif isinstance(stmt, ast.While):
            out |= exposed_reads(stmt.body, defined)
        elif not isinstance(stmt, (Comment, _Save, _Restore)):
            out |= _reads(stmt) - defined
    return out


# -- temporaries -------------------------------------------------------------------------------
_IN_PLACE = (ast.Add, ast.Sub, ast.Mult, ast.Div)


def update_temporaries_in_place(body, shapes, dtypes):
    """For top-level statements, whose forward values have known shapes and dtypes. The result
    keeps its name, which the backward sweep reads (a temporary's own name goes)."""
    reads, once = _read_counts(body), _assigned_once(body)
    writes, out = {}, []          # writes: a temporary's name -> its statements in `out`
    for stmt in body:
        target = stmt.targets[0].id if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name) \
            and stmt.targets[0].id in once else None
        temporary = target and _temporary_operand(stmt.value, target, writes, reads, shapes, dtypes)
        if temporary:               # its statements write `target` now, and this one adds to it
            writes[target] = writes.pop(temporary) + [len(out)]
            for i in writes[target][:-1]:
                out[i] = _RenameAll({temporary: target}).visit(out[i])
            stmt = _in_place(stmt.value, temporary, target)
        elif target and _is_fresh_array(stmt.value):
            writes[target] = [len(out)]
        out.append(stmt)
    return out


def _temporary_operand(value, target, writes, reads, shapes, dtypes):
    """The operand of `value` that can take `target`'s result in place, or None."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, _IN_PLACE):
        operands = [value.left, value.right] if isinstance(value.op, (ast.Add, ast.Mult)) else [value.left]
    elif isinstance(value, ast.Call) and _is_ufunc(value.func) and len(value.args) == 1 and not value.keywords \
            and getattr(np, value.func.attr).nin == 1:
        operands = value.args
    else:
        return None
    for operand in operands:
        name = operand.id if isinstance(operand, ast.Name) else None
        if name in writes and reads[name] == 1 and shapes.get(name) == shapes.get(target) and \
                len(shapes.get(name) or ()) > 0 and dtypes.get(name) is not None and dtypes.get(name) == dtypes.get(target):
            return name
    return None


def _in_place(value, temporary, target):
    """`target += other` for `temporary + other`, `np.f(target, out=target)` for `np.f(temporary)`."""
    if isinstance(value, ast.BinOp):
        other = value.right if isinstance(value.left, ast.Name) and value.left.id == temporary else value.left
        return ast.AugAssign(ast.Name(target, ast.Store()), value.op, other)
    call = ast.Call(value.func, [ast.Name(target, ast.Load())], [ast.keyword("out", ast.Name(target, ast.Load()))])
    return ast.Expr(call)


def _is_fresh_array(value):
    """Whether `value` makes a new array: arithmetic, or a numpy ufunc."""
    return isinstance(value, (ast.BinOp, ast.UnaryOp)) or isinstance(value, ast.Call) and _is_ufunc(value.func)


class _RenameAll(ast.NodeTransformer):
    """Renames every occurrence, read or written."""
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(self.renames.get(node.id, node.id), node.ctx), node)


# -- comments ----------------------------------------------------------------------------------
def drop_empty_comments(body):
    """Remove comments directly followed by another comment or by the end of their block."""
    kept = []
    for i, stmt in enumerate(body):
        following = body[i + 1] if i + 1 < len(body) else None
        if isinstance(stmt, Comment) and (following is None or isinstance(following, Comment)) \
                and stmt.text != "backward":
            continue
        for field in ("body", "orelse"):
            if isinstance(getattr(stmt, field, None), list) and not isinstance(stmt, Comment):
                setattr(stmt, field, drop_empty_comments(getattr(stmt, field)))
        kept.append(stmt)
    return kept


# -- helpers -----------------------------------------------------------------------------------
def assigned_names(stmt):
    """Names a statement (and what it contains) assigns."""
    if isinstance(stmt, ast.Assign):
        return set().union(*map(_assigned_target, stmt.targets))
    names = set()
    if isinstance(stmt, ast.For):
        names |= _assigned_target(stmt.target)
    for field in ("body", "orelse"):
        for inner in getattr(stmt, field, None) or ():
            if isinstance(inner, ast.stmt):
                names |= assigned_names(inner)
    return names


def unset_first(names, always):
    """`name = None` for each of `names` that some path may leave unassigned, so that saving it
    for the backward sweep never meets an undefined name."""
    return [ast.Assign([ast.Name(n, ast.Store())], ast.Constant(None)) for n in names if n not in always]


def definitely_assigned(block):
    """Names every path through `block` assigns (a loop's body may not run, so not those)."""
    names = set()
    for stmt in block:
        if isinstance(stmt, ast.Assign):
            names |= assigned_names(stmt)
        elif isinstance(stmt, ast.If):
            names |= definitely_assigned(stmt.body) & definitely_assigned(stmt.orelse)
    return names


def _assigned_target(target):
    """The names a target binds, or for `d[t]` the array it changes (d, not t)."""
    while isinstance(target, ast.Subscript):
        target = target.value
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _reads(node):
    if isinstance(node, (Comment, _Save, _Restore)) or node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


class _Rename(ast.NodeTransformer):
    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Load) and node.id in self.renames:
            return ast.copy_location(ast.Name(self.renames[node.id], ast.Load()), node)
        return node
