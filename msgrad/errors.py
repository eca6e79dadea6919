"""msgrad's errors: each names the problem, the user's file, line and column, and what to do.

Every class also subclasses the builtin type a MindSpore user would catch, so
`except TypeError` keeps working when a program moves from MindSpore to msgrad.
"""
import linecache


class MsgradError(Exception):
    """Base of all msgrad errors; `where` is a `SourceLocation` or None."""

    def __init__(self, message, where=None, hint=None):
        self.message, self.where, self.hint = message, where, hint
        super().__init__(self._render())

    def _render(self):
        parts = [self.message]
        if self.where is not None:
            parts.append(self.where.render())
        if self.hint:
            parts.append(self.hint)
        return "\n".join(parts)


class GradError(MsgradError, TypeError):
    """Code msgrad cannot differentiate: unsupported syntax, a call without a gradient rule."""


class GradValueError(MsgradError, ValueError):
    """A value of the right kind but the wrong shape, dtype or structure (a sens, an input)."""


class GradTypeError(MsgradError, TypeError):
    """An argument of the wrong kind: a string where a Tensor belongs, weights that are not Parameters."""


class GradRuntimeError(MsgradError, RuntimeError):
    """An error numpy raised while generated code ran, pointed back at the user's line."""


class SourceLocation:
    """A place in the user's source: file, line, column and the function it is in."""

    def __init__(self, filename, line, column=None, end_column=None, function=None):
        self.filename, self.line = filename, line
        self.column, self.end_column, self.function = column, end_column, function

    def render(self):
        head = f'  File "{self.filename}", line {self.line}'
        if self.column is not None:
            head += f", column {self.column + 1}"
        if self.function:
            head += f", in {self.function}"
        text = linecache.getline(self.filename, self.line).rstrip()
        if not text:
            return head
        body = text.lstrip()
        indent = len(text) - len(body)
        lines = [head, "    " + body]
        if self.column is not None and self.column >= indent:
            end = self.end_column if self.end_column and self.end_column > self.column else self.column + 1
            end = min(end, len(text))
            lines.append("    " + " " * (self.column - indent) + "^" * max(1, end - self.column))
        return "\n".join(lines)

    def __str__(self):
        return f"{self.filename}:{self.line}"
