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
from .ir import is_symbol, leaves


class Comment(ast.stmt):
    """A `# ...` line in generated code (emit prints it; passes leave it be)."""
    _fields = ("text",)


def reverse(program, active, wrt_inputs, wrt_params, sens_param):
    """The adjoint of `program` as an `ast.Module`: one function returning the gradients of
    `wrt_inputs` (input Symbols) then `wrt_params` (ParamRefs)."""
    return _Reverser(program, active).build(wrt_inputs, wrt_params, sens_param)


class _Reverser:
    def __init__(self, program, active):
        self.program, self.active = program, active
        self.names = copy.deepcopy(program.names)   # each adjoint names its own values
        self.adjoints = {}        # value name -> its adjoint's name
        self.assigned = set()     # adjoint names that hold a contribution already

    def build(self, wrt_inputs, wrt_params, sens_param):
        program = self.program
        args = [p.var for p in program.params] + [i.name for i in program.inputs if is_symbol(i)]
        forward = self.sweep(program.body, self.forward_statements)
        seed, sens_args = self.seed(sens_param)
        backward = self.sweep(reversed(program.body), self.adjoint_statements)
        grads = [self.gradient(v) for v in [i.name for i in wrt_inputs] + [p.var for p in wrt_params]]
        body = forward + [Comment("backward")] + seed + backward + [
            ast.Return(ast.Tuple([*grads], ast.Load()))]
        name = program.qualname.replace(".", "_").replace("<", "").replace(">", "") + "_adjoint"
        fn = ast.FunctionDef(name=name, args=_arguments(args + sens_args), body=body,
                             decorator_list=[], returns=None, type_params=[])
        wrt = [i.name for i in wrt_inputs] + ["self." + ".".join(p.path) for p in wrt_params]
        src = program.source
        header = Comment(f"msgrad adjoint of {program.qualname} ({os.path.basename(src.filename)}:"
                         f"{src.first_line}), wrt: {', '.join(wrt) or 'nothing'}")
        return ast.fix_missing_locations(ast.Module(body=[header, fn], type_ignores=[]))

    # -- sweeps -------------------------------------------------------------------------------
    def sweep(self, ops, statements_of):
        """The statements of `ops`, each run of steps from one user statement under a comment
        naming that statement's line."""
        out, current = [], None
        for op in ops:
            stmts = statements_of(op)
            if stmts and op.stmt is not current:
                current = op.stmt
                text = self.program.source.text(op.stmt)
                out.append(Comment(f"line {op.stmt.lineno}: {text}" if text else f"line {op.stmt.lineno}"))
            out.extend(stmts)
        return out

    def forward_statements(self, op):
        static = {k: v for k, v in op.static.items() if not _equal(v, op.prim.static_defaults.get(k))}
        if op.prim.forward is not None:
            expr = copy.deepcopy(op.prim.forward)
            expr = _drop_default_keywords(expr, set(op.static) - set(static))
            mapping = dict(zip(op.prim.operands, map(_atom, op.args)))
            mapping.update({k: _constant(v) for k, v in op.static.items()})
            expr = _fold(_Substitute(mapping).visit(expr))
        else:
            expr = ast.Call(ast.Name(op.prim.name, ast.Load()), [_atom(a) for a in op.args],
                            [ast.keyword(k, _constant(v)) for k, v in static.items()])
        return [_assign(op.target, expr)]

    def adjoint_statements(self, op):
        if op.target not in self.active or not op.prim.differentiable:
            return []
        template = op.prim.adjoint
        params = [a.arg for a in template.args.args]
        mapping = {params[0]: ast.Name(op.target, ast.Load())}
        mapping.update(zip(params[1:], map(_atom, op.args)))
        mapping.update({a.arg: _constant(op.static[a.arg]) for a in template.args.kwonlyargs})
        targets = dict(zip(params[1:], op.args))
        return self.instantiate(template.body, mapping, targets, op.target)

    def instantiate(self, stmts, mapping, targets, result):
        out = []
        for stmt in stmts:
            if isinstance(stmt, ast.If):
                test = _fold(_Substitute(mapping).visit(copy.deepcopy(stmt.test)))
                assert isinstance(test, ast.Constant), "template branches test static parameters only"
                out += self.instantiate(stmt.body if test.value else stmt.orelse, mapping, targets, result)
                continue
            assert isinstance(stmt, ast.Assign) and _is_d(stmt.targets[0]), ast.dump(stmt)
            value = targets[stmt.targets[0].slice.id]
            if is_symbol(value) and value.name in self.active:
                expr = _AdjointReads(self.adjoint(result), result).visit(copy.deepcopy(stmt.value))
                out.append(self.contribute(value.name, _fold(_Substitute(mapping).visit(expr))))
        return out

    # -- adjoint names and contributions --------------------------------------------------------
    def adjoint(self, name):
        if name not in self.adjoints:
            self.adjoints[name] = self.names.claim("d" + name)
        return self.adjoints[name]

    def contribute(self, name, expr):
        target = self.adjoint(name)
        if target in self.assigned:
            expr = ast.BinOp(ast.Name(target, ast.Load()), ast.Add(), expr)
        self.assigned.add(target)
        return _assign(target, expr)

    def seed(self, sens_param):
        """The output's gradient: ones, or the caller's sens (one argument per output leaf,
        each checked against its leaf before anything reads it)."""
        checks, stmts, sens_args = [], [], []
        outputs = leaves(self.program.output)
        for i, leaf in enumerate(outputs):
            active = is_symbol(leaf) and leaf.name in self.active
            if not sens_param:
                if active:
                    stmts.append(self.contribute(leaf.name, _call("np.ones_like", _atom(leaf))))
                continue
            if active and self.adjoint(leaf.name) not in self.assigned:
                arg = self.adjoint(leaf.name)         # the sens argument is the adjoint itself
                self.assigned.add(arg)
            else:
                arg = self.names.claim("d" + leaf.name if is_symbol(leaf) else "dout")
                if active:
                    stmts.append(self.contribute(leaf.name, ast.Name(arg, ast.Load())))
            sens_args.append(arg)
            index = [ast.Constant(i)] if len(outputs) > 1 else []
            checks.append(ast.Expr(_call("check_sens", ast.Name(arg, ast.Load()), _atom(leaf), *index)))
        return checks + stmts, sens_args

    def gradient(self, name):
        adjoint = self.adjoints.get(name)
        if name in self.active and adjoint in self.assigned:
            return ast.Name(adjoint, ast.Load())
        return _call("np.zeros_like", ast.Name(name, ast.Load()))


# -- small AST helpers ---------------------------------------------------------------------------
def _is_d(node):
    return isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "d"


class _AdjointReads(ast.NodeTransformer):
    """`d[z]` in a template's expressions: the adjoint of the step's result. Calls of
    `unbroadcast` learn which step's result their gradient has the shape of (`result_of`), so
    optimize can drop the ones that sum over nothing."""

    def __init__(self, adjoint_name, result):
        self.adjoint_name, self.result = adjoint_name, result

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id == "unbroadcast":
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
    if isinstance(value, tuple):
        return ast.Tuple([_constant(v) for v in value], ast.Load())
    if isinstance(value, list):
        return ast.List([_constant(v) for v in value], ast.Load())
    return ast.Constant(value)


def _atom(value):
    return ast.Name(value.name, ast.Load()) if is_symbol(value) else _constant(value)


def _assign(name, expr):
    return ast.Assign([ast.Name(name, ast.Store())], expr)


def _call(dotted, *args):
    module, _, name = dotted.rpartition(".")
    func = ast.Attribute(ast.Name(module, ast.Load()), name, ast.Load()) if module else ast.Name(name, ast.Load())
    return ast.Call(func, list(args), [])


def _arguments(names):
    return ast.arguments(posonlyargs=[], args=[ast.arg(n) for n in names], vararg=None,
                         kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[])
