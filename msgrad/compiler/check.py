"""Stage 2, check: reject what msgrad cannot differentiate yet, naming the construct, the
user's file, line and column, and what to write instead. Nothing past this stage guesses."""
import ast

_STATEMENTS = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Expr, ast.Pass, ast.If,
               ast.For, ast.While, ast.Break, ast.Continue, ast.FunctionDef)
_EXPRESSIONS = (ast.BinOp, ast.UnaryOp, ast.Call, ast.Name, ast.Attribute, ast.Constant,
                ast.Tuple, ast.List, ast.keyword, ast.Load, ast.Store, ast.operator, ast.unaryop,
                ast.Subscript, ast.Slice, ast.Compare, ast.cmpop, ast.IfExp, ast.BoolOp, ast.boolop,
                ast.arguments, ast.arg)
_BINARY = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult, ast.FloorDiv, ast.Mod,
           ast.BitAnd, ast.BitOr)
_UNARY = (ast.USub, ast.UAdd, ast.Not)

# construct -> (what to call it, what to do instead)
_UNSUPPORTED = {
    ast.Try: ("a `try` statement", "Move the try/except out of construct, or compute the value under "
              "ops.stop_gradient."),
    ast.With: ("a `with` statement", "Move the with block out of construct."),
    ast.Raise: ("a `raise` statement", "Check inputs before calling the gradient, outside construct."),
    ast.Assert: ("an `assert` statement", "Check inputs before calling the gradient, outside construct."),
    ast.Delete: ("a `del` statement", "Leave the name alone; msgrad frees what the gradient no longer needs."),
    ast.Global: ("a `global` statement", "Pass the value in as an argument or keep it on self."),
    ast.Nonlocal: ("a `nonlocal` statement", "Pass the value in as an argument or keep it on self."),
    ast.Import: ("an import", "Import at the top of the module."),
    ast.ImportFrom: ("an import", "Import at the top of the module."),
    ast.ClassDef: ("a class definition", "Define the class at module level."),
    ast.Yield: ("`yield`", "construct must return its result; it cannot be a generator."),
    ast.YieldFrom: ("`yield from`", "construct must return its result; it cannot be a generator."),
    ast.Await: ("`await`", "construct runs synchronously; call it without async."),
    ast.Lambda: ("a lambda", "Define a function at module level."),
    ast.ListComp: ("a list comprehension", "Comprehensions are not differentiated yet."),
    ast.GeneratorExp: ("a generator expression", "Generator expressions are not differentiated yet."),
    ast.DictComp: ("a dict comprehension", "Comprehensions are not differentiated yet."),
    ast.SetComp: ("a set comprehension", "Comprehensions are not differentiated yet."),
    ast.Dict: ("a dict", "Return a tuple of Tensors instead of a dict."),
    ast.Starred: ("star-unpacking", "Name each value instead of unpacking with *."),
    ast.JoinedStr: ("an f-string", "Build strings outside construct."),
    ast.NamedExpr: ("`:=`", "Assign the value in a statement of its own."),
}
_UNSUPPORTED.update({getattr(ast, n): _UNSUPPORTED[getattr(ast, b)]
                     for n, b in [("AsyncWith", "With"), ("TryStar", "Try")] if hasattr(ast, n)})
_UNSUPPORTED[ast.AsyncFunctionDef] = ("a coroutine (async def)", "Define it with a plain def.")
_UNSUPPORTED[ast.AsyncFor] = ("an `async for` loop", "construct runs synchronously; use a plain for loop.")


def check(captured):
    """Raise a GradError at the first construct of `captured` that msgrad cannot differentiate."""
    source, fn = captured.source, captured.source.node
    if isinstance(fn, ast.AsyncFunctionDef):
        raise source.error(fn, f"{source.qualname} is a coroutine (async def)",
                           "Define construct with a plain def.")
    args = fn.args
    if args.kwarg or args.kwonlyargs:
        raise source.error(fn, f"{source.qualname} takes **kwargs or keyword-only arguments",
                           "Give construct positional arguments (and *args, if it needs them).")
    for stmt in fn.body:
        for node in ast.walk(stmt):
            _check_node(source, node)


def _check_node(source, node):
    if isinstance(node, _STATEMENTS + _EXPRESSIONS) or isinstance(node, ast.Starred) and \
            isinstance(node.ctx, ast.Load):             # f(*args), (*args, x): spread a tuple known now
        if isinstance(node, ast.BinOp) and not isinstance(node.op, _BINARY):
            raise source.error(node, f"msgrad does not differentiate the operator "
                                     f"`{type(node.op).__name__}`",
                               "Use + - * / // % ** @ & or |, or the matching ops function.")
        if isinstance(node, ast.UnaryOp) and not isinstance(node.op, _UNARY):
            raise source.error(node, f"msgrad does not differentiate the unary operator "
                                     f"`{type(node.op).__name__}`", "Use unary minus or an ops function.")
        if isinstance(node, ast.FunctionDef) and (node.decorator_list or node.args.vararg or
                                                   node.args.kwarg or node.args.kwonlyargs):
            raise source.error(node, "msgrad differentiates nested functions with plain positional "
                                     "arguments and no decorators", "Define the function at module level.")
        if isinstance(node, (ast.For, ast.While)) and node.orelse:
            raise source.error(node, "msgrad does not differentiate a loop's `else:` block",
                               "Move it after the loop, guarded by a flag.")
        if isinstance(node, ast.Expr) and not isinstance(
                node.value, (ast.Constant, ast.Call, ast.Yield, ast.YieldFrom, ast.Await)):
            raise source.error(node, "an expression statement has no effect",
                               "Assign its value to a name or remove it.")
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            _check_targets(source, node)
        return
    name, hint = _UNSUPPORTED.get(type(node), (f"`{type(node).__name__}`", None))
    raise source.error(node, f"msgrad cannot differentiate {name} in {source.qualname}", hint)


def _check_targets(source, node):
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    for target in targets:
        names = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
        for name in names:
            if isinstance(name, ast.Starred):
                raise source.error(name, "msgrad cannot differentiate star-unpacking of unknown length",
                                   "Unpack into a fixed number of names.")
            if not isinstance(name, ast.Name):
                raise source.error(name, "msgrad can only assign to plain names here",
                                   "Assign to a local name; attributes and items of self are not "
                                   "written in construct.")
