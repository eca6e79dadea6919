"""Stage 1, capture: the source and syntax tree of a user function, and the objects its names
mean (an argument, `self.w`, `np.exp`, a constant), looked up where the function was defined."""
import ast
import builtins
import inspect
import linecache
import textwrap
from dataclasses import dataclass

from ..errors import GradError, SourceLocation

_MISSING = object()


@dataclass
class Source:
    """Where a captured function lives, and how to point at a node of it. `node` is the
    function's syntax tree, or a bare `ast.Pass` at its first line when there is no source."""
    qualname: str
    filename: str
    node: ast.stmt

    @property
    def first_line(self):
        return self.node.lineno

    def return_node(self):
        returns = [n for n in getattr(self.node, "body", ()) if isinstance(n, ast.Return)]
        return returns[-1] if returns else self.node

    def where(self, node):
        return SourceLocation(self.filename, node.lineno, node.col_offset,
                              getattr(node, "end_col_offset", None), self.qualname)

    def text(self, node):
        """The user's source of `node` on one line ('' where there is no source)."""
        line = linecache.getline(self.filename, node.lineno)
        if not line:
            return ""
        if getattr(node, "end_lineno", node.lineno) == node.lineno and node.end_col_offset is not None:
            return line[node.col_offset:node.end_col_offset].strip()
        return " ".join(line.split()) + " ..."

    def error(self, node, message, hint=None, cls=GradError):
        return cls(message, self.where(node), hint)


@dataclass
class Captured:
    """A function ready for checking: its Source, the instance it is a method of, and its
    namespace (globals, closure cells, builtins)."""
    source: Source
    instance: object
    self_name: str            # the first argument's name when `instance` is given, else None
    arg_names: list           # positional arguments after self
    namespace: dict
    function: object          # the function itself
    has_source: bool = True
    vararg: str = None        # the name of `*args`, if it takes them

    def lookup_global(self, node):
        """The object a free name means where the function was defined."""
        value = self.namespace.get(node.id, _MISSING)
        if value is _MISSING:
            value = getattr(builtins, node.id, _MISSING)
        if value is _MISSING:
            raise self.source.error(node, f"name '{node.id}' is not defined", cls=GradNameError)
        return value

    def lookup_attribute(self, owner, node):
        """`owner.<node.attr>`, with MindSpore's message when it does not exist."""
        try:
            return getattr(owner, node.attr)
        except AttributeError:
            shown = (f"module '{owner.__name__}'" if inspect.ismodule(owner)
                     else f"'{type(owner).__name__}' object")
            raise self.source.error(node, f"The {shown} has no attribute '{node.attr}'.",
                                    cls=GradAttributeError) from None


class GradNameError(GradError, NameError):
    """A name in user code that means nothing where the function was defined."""


class GradAttributeError(GradError, AttributeError):
    """`self.missing` and the like."""


def capture(fn, instance=None):
    """Capture `fn` (a `construct` method of `instance`, or a plain function). Where Python
    kept no source (a program piped to `python -`, exec), `has_source` is False and the
    Source points at the function's first line only."""
    code = fn.__code__
    args = list(code.co_varnames[:code.co_argcount])
    self_name = args.pop(0) if instance is not None and args else None
    vararg = code.co_varnames[code.co_argcount + code.co_kwonlyargcount] if code.co_flags & inspect.CO_VARARGS \
        else None
    filename = code.co_filename
    try:
        lines, first = inspect.getsourcelines(fn)
        filename = inspect.getsourcefile(fn) or filename
        linecache.checkcache(filename)
        node = _lambda(fn, filename) if fn.__name__ == "<lambda>" else _parse(lines, first)
    except (OSError, TypeError, SyntaxError):
        node = ast.Pass(lineno=code.co_firstlineno, col_offset=0, end_lineno=code.co_firstlineno,
                        end_col_offset=None)
        return Captured(Source(fn.__qualname__, filename, node), instance, self_name, args,
                        _namespace(fn), fn, has_source=False, vararg=vararg)
    return Captured(Source(fn.__qualname__, filename, node), instance, self_name, args, _namespace(fn), fn,
                    vararg=vararg)


def _lambda(fn, filename):
    """A lambda's syntax tree, as `def <lambda>(args): return body`: the lambda of its file that
    starts on its first line, takes its arguments, and spans where its code is."""
    code = fn.__code__
    tree = ast.parse("".join(linecache.getlines(filename)))
    names = list(code.co_varnames[:code.co_argcount])
    columns = [col for line, _, col, _ in code.co_positions() if line == code.co_firstlineno and col is not None]
    found = [node for node in ast.walk(tree) if isinstance(node, ast.Lambda) and node.lineno == code.co_firstlineno
             and [a.arg for a in node.args.args] == names
             and (not columns or node.col_offset <= max(columns) < node.end_col_offset)]
    if len(found) != 1:
        raise OSError("the lambda's source is ambiguous")
    node = found[0]
    body = ast.copy_location(ast.Return(node.body), node.body)
    return ast.copy_location(ast.FunctionDef(name="<lambda>", args=node.args, body=[body], decorator_list=[]), node)


def _parse(lines, first):
    """The syntax tree of a function's source lines, with lines and columns as in its file."""
    text = "".join(lines)
    indent = len(text) - len(text.lstrip(" \t"))
    tree = ast.parse(textwrap.dedent(text)).body[0]
    for node in ast.walk(tree):
        if hasattr(node, "lineno"):
            node.lineno += first - 1
            node.end_lineno = (node.end_lineno or node.lineno) + first - 1
            node.col_offset += indent
            if node.end_col_offset is not None:
                node.end_col_offset += indent
    return tree


def _namespace(fn):
    """The globals `fn` sees, with its closure cells on top."""
    namespace = dict(fn.__globals__)
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or ()):
        try:
            namespace[name] = cell.cell_contents
        except ValueError:       # a cell not yet filled
            pass
    return namespace
