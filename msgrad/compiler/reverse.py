"""Stage 5, reverse: the adjoint function, a forward sweep followed by a backward sweep.

Each step contributes a forward statement (its implementation from the primitive table, with
names substituted) and, when its result is active, the statements of its adjoint template in
reverse order. `d[x] = e` in a template becomes `dx = e` for the first contribution to `dx`
and `dx = dx + e` for later ones; contributions to inactive values are left out."""
import ast
import copy
import operator
import os

from ..primitives.core import STATIC
from .ir import Call, If, Op, arguments, is_symbol, leaves, steps, targets


class Comment(ast.stmt):
    """A `# ...` line in generated code (emit prints it; passes leave it be)."""
    _fields = ("text",)


def reverse(program, active, wrt_inputs, wrt_params, sens_param, value=False, pair=False, aux=False,
            again=False, casts=None):
    """The adjoint of `program` as an `ast.Module`: one function returning the gradients of
    `wrt_inputs` (input Symbols) then `wrt_params` (ParamRefs), and with `value` the output
    leaves after them.

    With `pair`, the function is made to be split in two by emit (a callee's forward and
    backward functions): it takes one output gradient per output leaf, checks none, and also
    returns the outputs, so that optimize keeps them. With `aux`, only the first element of
    the output is differentiated (the rest is auxiliary). With `again`, the function is made to
    be compiled again (see adjoint_of): sens go unchecked, and a Cell with its own bprop is
    called through its construct and bprop methods, which the compiler then reads. `casts`
    gives the steps whose result is cast to MindSpore's dtype (id(Op) -> dtype, see shapes.py)."""
    return _Reverser(program, active, aux, again, casts or {}).build(wrt_inputs, wrt_params, sens_param or pair,
                                                        value or pair, pair, not (again or pair))


class _Reverser:
    def __init__(self, program, active, aux=False, again=False, casts=None):
        self.program, self.active, self.again, self.casts = program, active, again, casts or {}
        self.methods = {}         # name generated code calls a Cell's method by -> the bound method
        self.differentiated = program.output[0] if aux else program.output
        self.names = copy.deepcopy(program.names)   # each adjoint names its own values
        self.adjoints = {}        # value name -> its adjoint's name
        self.assigned = set()     # values whose adjoint holds a contribution at this point
        self.reassigned = _reassigned(program.body)

    def build(self, wrt_inputs, wrt_params, sens_param, value, pair, checked):
        program = self.program
        args = program.arg_names
        forward = self.forward_block(program.body)
        seed, sens_args = self.seed(sens_param, checked)
        backward = self.adjoint_block(program.body)
        grads = [self.gradient(v) for v in [i.name for i in wrt_inputs] + [p.var for p in wrt_params]]
        grads += [_atom(leaf) for leaf in leaves(program.output)] if value else []
        body = forward + [Comment("backward")] + seed + backward + [
            ast.Return(ast.Tuple([*grads], ast.Load()))]
        name = program.qualname.replace(".", "_").replace("<", "").replace(">", "") + "_adjoint"
        fn = function_def(name, args + sens_args, body)
        wrt = [i.name for i in wrt_inputs] + ["self." + ".".join(p.path) for p in wrt_params]
        src = program.source
        header = Comment(f"msgrad adjoint of {program.qualname} ({os.path.basename(src.filename)}:"
                         f"{src.first_line}), wrt: {', '.join(wrt) or 'nothing'}")
        module = ast.Module(body=[header, fn], type_ignores=[])
        module.names = self.names           # optimize names the stacks it adds
        module.callees = self.methods
        module.gradient_of = {adjoint: value for value, adjoint in self.adjoints.items()}
        return ast.fix_missing_locations(module)

    # -- the forward sweep ------------------------------------------------------------------------
    def forward_block(self, block):
        return self.commented(block, self.forward_step)

    def forward_step(self, step):
        if isinstance(step, Op) and step.prim.effect:       # run for what it changes in place
            return [ast.Expr(self.forward_expr(step))]
        if isinstance(step, Op):
            expr = self.forward_expr(step)
            if id(step) in self.casts:                   # MindSpore's dtype, where numpy's differs
                dtype = ast.Attribute(ast.Name("np", ast.Load()), self.casts[id(step)].name, ast.Load())
                expr = ast.Call(ast.Attribute(expr, "astype", ast.Load()), [dtype], [])
            return [_assign(step.target, expr)]
        if isinstance(step, Call):
            forward, _, residuals = step.names
            outputs = iter(step.targets)
            names = [next(outputs) if is_symbol(leaf) else "_" for leaf in leaves(step.callee.output)]
            if self.again:                  # only calls of Cells with a bprop are left
                return [_assign_many(names, _call(self.method(step, "construct"), *self.custom_inputs(step)))]
            return [_assign_many(names + [residuals], _call(forward, *map(_atom, step.args)))]
        if isinstance(step, If):
            body, orelse = self.forward_block(step.body), self.forward_block(step.orelse)
            return [_if(_atom(step.test), body, orelse)] if has_code(body + orelse) else []
        return self.forward_loop(step)

    def forward_expr(self, op):
        static = {k: v for k, v in op.static.items() if not _equal(v, op.prim.static_defaults.get(k))}
        if op.prim.forward is None:
            return ast.Call(ast.Name(op.prim.name, ast.Load()), [_atom(a) for a in op.args],
                            [ast.keyword(k, _constant(v)) for k, v in static.items()])
        expr = _drop_default_keywords(copy.deepcopy(op.prim.forward), set(op.static) - set(static))
        mapping = dict(zip(op.prim.operands, map(_atom, op.args)))
        mapping.update({k: _constant(v) for k, v in op.static.items()})
        return _fold(_Substitute(mapping).visit(expr))

    def forward_loop(self, loop):
        """The loop as Python runs it. When its backward sweep is needed, it also counts its
        iterations (`trips`) and marks where each iteration's values are saved (see optimize)."""
        differentiated = any(set(targets(s)) & self.active for s in steps(loop.body + loop.carry))
        body = self.forward_block(loop.body)
        head = []
        if loop.kind == "while":
            head = self.forward_block(loop.head) + [
                ast.If(ast.UnaryOp(ast.Not(), _atom(loop.test)), [ast.Break()], [])]
        before = []
        if differentiated:
            loop.trips = self.names.claim("trips")
            before.append(_assign(loop.trips, ast.Constant(0)))
            head.append(_assign(loop.trips, ast.BinOp(ast.Name(loop.trips, ast.Load()), ast.Add(), ast.Constant(1))))
            body.append(_Save(id(loop)))
        body += self.forward_block(loop.carry)
        if loop.stop is True:
            body.append(ast.Break())
        elif loop.stop is not False:
            body.append(ast.If(_atom(loop.stop), [ast.Break()], []))
        if loop.kind == "range":
            node = ast.For(ast.Name(loop.index, ast.Store()), _range(loop.bounds), head + body, [])
        else:
            node = ast.While(ast.Constant(True), head + body, [])
        node.loop_key = id(loop) if differentiated else None
        return before + [node]

    # -- the backward sweep -----------------------------------------------------------------------
    def adjoint_block(self, block):
        return self.commented(reversed(block), self.adjoint_step)

    def adjoint_step(self, step):
        if isinstance(step, (Op, Call)):
            stmts = self.adjoint_statements(step) if isinstance(step, Op) else self.adjoint_call(step)
            self.assigned -= set(targets(step)) & self.reassigned   # earlier values have their own
            return stmts
        if isinstance(step, If):
            return self.adjoint_if(step)
        return self.adjoint_loop(step)

    def adjoint_if(self, step):
        before = set(self.assigned)
        self.assigned = set(before)
        body = self.adjoint_block(step.body)
        after_body, self.assigned = self.assigned, set(before)
        orelse = self.adjoint_block(step.orelse)
        after_else = self.assigned
        inside = {name for s in steps(step.body + step.orelse) for name in targets(s)}
        for name in sorted((after_body ^ after_else) - inside):    # give both paths the adjoint
            (orelse if name in after_body else body).append(self.zeros(name))
        self.assigned = (after_body | after_else) - inside
        return [_if(_atom(step.test), body, orelse)] if has_code(body + orelse) else []

    def adjoint_loop(self, loop):
        if getattr(loop, "trips", None) is None:
            return []
        block = loop.body + loop.carry
        inside = {name for s in steps(block) for name in targets(s)}
        carried = {op.target for op in loop.carry}
        shared = carried | {name for s in steps(block) if set(targets(s)) & self.active
                            for name in arguments(s) if name not in inside}
        shared = sorted(n for n in shared if n in self.active)
        before = [self.zeros(n) for n in shared if n not in self.assigned]
        self.assigned |= set(shared)
        body = [_Restore(id(loop))] + self.adjoint_block(block)
        body += [self.zeros(n) for n in shared if n not in self.assigned]
        self.assigned = (self.assigned - inside) | set(shared)
        node = ast.For(ast.Name("_", ast.Store()), _call("range", ast.Name(loop.trips, ast.Load())), body, [])
        node.loop_key = id(loop)
        return before + [node]

    def commented(self, steps, statements_of):
        """The statements of `steps`, each run from one user statement under a comment naming
        that statement's line."""
        out, current = [], None
        for step in steps:
            stmts = statements_of(step)
            if stmts and step.stmt is not current:
                current = step.stmt
                text = self.program.source.text(step.stmt)
                if not isinstance(step, Op):
                    text = text.split("\n")[0]
                out.append(Comment(f"line {step.stmt.lineno}: {text}" if text else f"line {step.stmt.lineno}"))
            out.extend(stmts)
        return out

    def adjoint_call(self, call):
        """`dx, dw = f_backward(residuals, dy)`: the callee's gradients of all its arguments."""
        if not set(call.targets) & self.assigned:
            return []
        if self.again:
            return self.adjoint_custom(call)
        outputs = iter(call.targets)
        douts = []
        for leaf in leaves(call.callee.output):
            name = next(outputs) if is_symbol(leaf) else None
            douts.append(ast.Constant(None) if name is None else ast.Name(self.adjoint(name), ast.Load())
                         if name in self.assigned else _call("np.zeros_like", ast.Name(name, ast.Load())))
        names, later = [], []
        count = len(call.callee.params)              # gradients come inputs first, then params
        arg_names = [a.name if is_symbol(a) else None for a in call.args[count:] + call.args[:count]]
        for name in arg_names:
            if name not in self.active:
                names.append("_")
            elif name not in self.assigned and arg_names.count(name) == 1:
                names.append(self.adjoint(name))
                self.assigned.add(name)
            else:
                names.append(self.names.claim("g"))
                later.append(self.contribute(name, ast.Name(names[-1], ast.Load())))
        _, backward, residuals = call.names
        if not names:
            return []
        return [_assign_many(names, _call(backward, ast.Name(residuals, ast.Load()), *douts))] + later

    # -- calls of a Cell with its own bprop, in code made to be compiled again ------------------------
    def method(self, call, name):
        """The name generated code calls `call.custom`'s method `name` by."""
        bound = getattr(call.custom, name)
        for known, method in self.methods.items():
            if method == bound:
                return known
        known = self.names.claim(f"{type(call.custom).__name__}_{name}")
        self.methods[known] = bound
        return known

    def custom_inputs(self, call):
        """The callee's inputs: its Tensor arguments (after its params) and its constants."""
        tensors = iter(call.args[len(call.callee.params):])
        return [_atom(next(tensors)) if is_symbol(i) else _constant(i) for i in call.callee.inputs]

    def adjoint_custom(self, call):
        """`dx, dy = Cell_bprop(x, y, out, dout)[:2]`: the bprop's gradient of each input."""
        from . import cache
        output = leaves(call.callee.output)
        if len(output) != 1 or not is_symbol(output[0]):
            raise self.program.source.error(call.stmt, "msgrad differentiates a custom bprop again for a "
                                                       "Cell with one output Tensor")
        out = call.targets[0]
        inputs = self.custom_inputs(call)
        bprop = type(call.custom).bprop
        kinds = tuple(None if is_symbol(i) else i for i in call.callee.inputs) + (None, None)
        returns = cache.program_for(bprop, call.custom, kinds).output
        names = [self.names.claim("g") for _ in inputs]
        result = _call(self.method(call, "bprop"), *inputs, ast.Name(out, ast.Load()),
                       ast.Name(self.adjoint(out), ast.Load()))
        if isinstance(returns, (tuple, list)):
            result = ast.Subscript(result, ast.Slice(None, ast.Constant(len(inputs)), None), ast.Load())
        stmts = [_assign_many(names, result)]
        tensors = iter(call.args[len(call.callee.params):])
        for name, value in zip(names, call.callee.inputs):
            arg = next(tensors) if is_symbol(value) else None
            if arg is not None and arg.name in self.active:
                stmts.append(self.contribute(arg.name, ast.Name(name, ast.Load())))
        return stmts

    def adjoint_statements(self, op):
        if op.target not in self.assigned or not op.prim.differentiable:
            return []              # inactive, or nothing reached its adjoint on this path
        template = op.prim.adjoint
        params = [a.arg for a in template.args.args]
        mapping = {params[0]: ast.Name(op.target, ast.Load())}
        mapping.update(zip(params[1:], map(_atom, op.args)))
        mapping.update({a.arg: _constant(op.static[a.arg]) for a in template.args.kwonlyargs})
        targets = dict(zip(params[1:], op.args))
        return self.instantiate(template.body, mapping, targets, op.target, op.prim.elementwise)

    def instantiate(self, stmts, mapping, targets, result, elementwise):
        out = []
        for stmt in stmts:
            if isinstance(stmt, ast.If):
                test = _fold(_Substitute(mapping).visit(copy.deepcopy(stmt.test)))
                assert isinstance(test, ast.Constant), "template branches test static parameters only"
                out += self.instantiate(stmt.body if test.value else stmt.orelse, mapping, targets, result,
                                        elementwise)
                continue
            assert isinstance(stmt, ast.Assign) and _is_d(stmt.targets[0]), ast.dump(stmt)
            value = targets[stmt.targets[0].slice.id]
            if is_symbol(value) and value.name in self.active:
                expr = _AdjointReads(mapping, self.adjoint(result), result if elementwise else None).visit(
                    copy.deepcopy(stmt.value))
                out.append(self.contribute(value.name, _fold(expr)))
        return out

    # -- adjoint names and contributions --------------------------------------------------------
    def adjoint(self, name):
        if name not in self.adjoints:
            self.adjoints[name] = self.names.claim("d" + name)
        return self.adjoints[name]

    def contribute(self, name, expr):
        target = self.adjoint(name)
        if name in self.assigned:
            expr = ast.BinOp(ast.Name(target, ast.Load()), ast.Add(), expr)
        self.assigned.add(name)
        return _assign(target, expr)

    def zeros(self, name):
        self.assigned.add(name)
        return _assign(self.adjoint(name), _call("np.zeros_like", ast.Name(name, ast.Load())))

    def seed(self, sens_param, checked=True):
        """The output's gradient: ones, or the caller's sens (one argument per output leaf,
        each `checked` against its leaf before anything reads it)."""
        checks, stmts, sens_args = [], [], []
        outputs = leaves(self.differentiated)
        for i, leaf in enumerate(outputs):
            active = is_symbol(leaf) and leaf.name in self.active
            if not sens_param:
                if active:
                    stmts.append(self.contribute(leaf.name, _call("np.ones_like", _atom(leaf))))
                continue
            if active and leaf.name not in self.assigned:
                arg = self.adjoint(leaf.name)         # the sens argument is the adjoint itself
                self.assigned.add(leaf.name)
            else:
                arg = self.names.claim("d" + leaf.name if is_symbol(leaf) else "dout")
                if active:
                    stmts.append(self.contribute(leaf.name, ast.Name(arg, ast.Load())))
            sens_args.append(arg)
            index = [ast.Constant(i)] if len(outputs) > 1 else []
            if checked:
                checks.append(ast.Expr(_call("check_sens", ast.Name(arg, ast.Load()), _atom(leaf), *index)))
        return checks + stmts, sens_args

    def gradient(self, name):
        if name in self.active and name in self.assigned:
            return ast.Name(self.adjoint(name), ast.Load())
        return _call("np.zeros_like", ast.Name(name, ast.Load()))


class _Save(ast.stmt):
    """Where a loop iteration's values are saved for the backward sweep (optimize fills it in)."""
    _fields = ("key",)


class _Restore(ast.stmt):
    """Where the backward sweep takes an iteration's saved values back (optimize fills it in)."""
    _fields = ("key",)


def _reassigned(block):
    """Names assigned by more than one step: joins of branches and values carried by loops."""
    names = [name for step in steps(block) for name in targets(step)]
    return {name for name in names if names.count(name) > 1}


def _if(test, body, orelse):
    """`if test: body else: orelse`, or `if not test: orelse` when body has no code."""
    if not has_code(orelse):
        orelse = []
    if not has_code(body):
        return ast.If(ast.UnaryOp(ast.Not(), test), orelse, [])
    return ast.If(test, body, orelse)


def has_code(block):
    """Whether a block holds a statement that is not a comment."""
    return any(not isinstance(s, Comment) for s in block)


def _range(bounds):
    start, stop, step = bounds
    args = [_atom(stop)] if (start, step) == (0, 1) and not any(map(is_symbol, (start, step))) else \
        [_atom(start), _atom(stop)] + ([] if step == 1 and not is_symbol(step) else [_atom(step)])
    return _call("range", *args)


# -- small AST helpers ---------------------------------------------------------------------------
def _is_d(node):
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "d"


class _AdjointReads(ast.NodeTransformer):
    """A template's expression instantiated: `d[z]` becomes the adjoint of the step's result and
    template parameters their syntax, in one pass (so an adjoint named like a parameter,
    `dtype`, is not replaced again). Calls of `unbroadcast` learn which step's result their
    gradient has the shape of (`result_of`, for elementwise steps, whose templates unbroadcast
    d[z] times operands), so optimize can drop the ones that sum over nothing."""

    def __init__(self, mapping, adjoint_name, result):
        self.mapping, self.adjoint_name, self.result = mapping, adjoint_name, result

    def visit_Name(self, node):
        return copy.deepcopy(self.mapping[node.id]) if node.id in self.mapping else node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "unbroadcast" and self.result is not None:
            node.result_of = self.result
        return node

    def visit_Subscript(self, node):
        if _is_d(node):
            return ast.Name(self.adjoint_name, ast.Load())
        return self.generic_visit(node)


class _Substitute(ast.NodeTransformer):
    """Replace template parameter names by the program's atoms and constants."""

    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if node.id in self.mapping:
            return copy.deepcopy(self.mapping[node.id])
        return node


def _drop_default_keywords(expr, names):
    """Leave out arguments whose static parameter takes its default (`np.sum(x)`): keywords
    `k=k`, and trailing positional ones."""
    def at_default(node):
        return isinstance(node, ast.Name) and node.id in names
    for call in ast.walk(expr):
        if isinstance(call, ast.Call):
            call.keywords = [k for k in call.keywords if not at_default(k.value)]
            while call.args and at_default(call.args[-1]):
                call.args.pop()
    return expr


def _fold(node):
    return _Folder().visit(node)


class _Folder(ast.NodeTransformer):
    """Evaluate what is known when the code is generated: arithmetic on constants, tests of
    static parameters, `@static` helpers; and drop `e ** 1` and `e * 1`."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right = _literal(node.left), _literal(node.right)
        if left is not _UNKNOWN and right is not _UNKNOWN:
            return _evaluate(node)
        if isinstance(node.op, (ast.Pow, ast.Mult)) and right == 1 and type(right) is int:
            return node.left
        if isinstance(node.op, ast.Mult) and left == 1 and type(left) is int:
            return node.right
        return node

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        return _evaluate(node) if _literal(node.operand) is not _UNKNOWN else node

    def visit_Compare(self, node):
        self.generic_visit(node)
        known = all(_literal(n) is not _UNKNOWN for n in [node.left, *node.comparators])
        return _evaluate(node) if known else node

    def visit_Subscript(self, node):
        self.generic_visit(node)
        key = node.slice
        if isinstance(key, ast.Subscript) and isinstance(key.value, ast.Attribute) and key.value.attr == "s_":
            node.slice = key.slice                    # x[np.s_[1:]] reads x[1:]
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in STATIC and \
                all(_literal(a) is not _UNKNOWN for a in node.args) and not node.keywords:
            return _constant(STATIC[node.func.id](*[_literal(a) for a in node.args]))
        return node


_UNKNOWN = object()


def _literal(node):
    """The value of a constant expression node, or _UNKNOWN."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List)):
        items = [_literal(e) for e in node.elts]
        if _UNKNOWN in items:
            return _UNKNOWN
        return tuple(items) if isinstance(node, ast.Tuple) else items
    return _UNKNOWN


_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
              ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg,
              ast.UAdd: operator.pos, ast.Not: operator.not_, ast.Eq: operator.eq,
              ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
              ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not}


def _evaluate(node):
    """The constant an operation on constants gives, or `node` itself if it fails (the error
    then happens at run time, where it belongs)."""
    try:
        if isinstance(node, ast.BinOp):
            value = _OPERATORS[type(node.op)](_literal(node.left), _literal(node.right))
        elif isinstance(node, ast.UnaryOp):
            value = _OPERATORS[type(node.op)](_literal(node.operand))
        else:
            operands = [_literal(node.left), *map(_literal, node.comparators)]
            value = all(_OPERATORS[type(op)](a, b) for op, a, b in zip(node.ops, operands, operands[1:]))
    except Exception:
        return node
    return _constant(value)


def _equal(a, b):
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:
        return False


def _constant(value):
    """The expression of a constant; an index with slices reads `np.s_[1:, None]` (and plain
    `x[1:, None]` once it lands in a subscript, see _Folder)."""
    if isinstance(value, slice) or (isinstance(value, tuple) and any(isinstance(v, slice) for v in value)):
        return ast.Subscript(ast.Attribute(ast.Name("np", ast.Load()), "s_", ast.Load()), _index(value), ast.Load())
    if isinstance(value, tuple):
        return ast.Tuple([_constant(v) for v in value], ast.Load())
    if isinstance(value, list):
        return ast.List([_constant(v) for v in value], ast.Load())
    return ast.Constant(value)


def _index(value):
    if isinstance(value, tuple):
        return ast.Tuple([_index(v) for v in value], ast.Load())
    if isinstance(value, slice):
        return ast.Slice(*(None if v is None else ast.Constant(v) for v in (value.start, value.stop, value.step)))
    return ast.Constant(value)


def _atom(value):
    return ast.Name(value.name, ast.Load()) if is_symbol(value) else _constant(value)


def _assign(name, expr):
    return ast.Assign([ast.Name(name, ast.Store())], expr)


def _assign_many(names, expr):
    if len(names) == 1:
        return _assign(names[0], expr)
    return ast.Assign([ast.Tuple([ast.Name(n, ast.Store()) for n in names], ast.Store())], expr)


def _call(dotted, *args):
    module, _, name = dotted.rpartition(".")
    func = ast.Attribute(ast.Name(module, ast.Load()), name, ast.Load()) if module else ast.Name(name, ast.Load())
    return ast.Call(func, list(args), [])


def function_def(name, args, body):
    """`def name(*args): body` as a syntax tree."""
    arguments = ast.arguments(posonlyargs=[], args=[ast.arg(a) for a in args], vararg=None,
                              kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
    return ast.FunctionDef(name=name, args=arguments, body=body, decorator_list=[], returns=None,
                           type_params=[])
