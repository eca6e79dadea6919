"""The front end for functions whose source Python did not keep (a program piped to
`python -`, a class made by exec): run the function once on `Traced` values that record every
primitive call, and so build the same Program the normalizer builds from source.

Tracing sees only the operations a run performs, so it stops with a clear error where the
run would depend on a traced value (an `if` on a Tensor, `float(x)`)."""
import functools
import sys

from ..errors import GradError
from ..primitives import Symbol, entry_point, tracing
from ..tensor import Tensor, define_comparisons, define_operators
from .ir import map_leaves
from .normalize import ProgramBuilder

_NO_SOURCE_HINT = ("msgrad traces functions whose source it cannot read, and a trace cannot follow "
                   "this. Define the class in a .py file so msgrad can read its source.")


def trace(captured, inputs, reserved):
    """The Program of `captured` (without source) called with `inputs` (None for Tensors)."""
    return _Tracer(captured, reserved).run(inputs)


class _Tracer(ProgramBuilder):
    def __init__(self, captured, reserved):
        super().__init__(captured, reserved)
        self.lines = {}            # line number -> the stand-in statement of that line
        self.code = None

    def run(self, inputs):
        inputs = self.bind_inputs(inputs, Traced)
        fn = self.captured.function
        self.code = fn.__code__
        recorded, tracing.recorder = tracing.recorder, self.record_traced
        try:
            args = ([self.captured.instance] if self.captured.self_name else []) + inputs
            output = fn(*args)
        finally:
            tracing.recorder = recorded
        output = map_leaves(output, lambda leaf: self.operand(leaf, self.source.node))
        return self.finish(inputs, output)

    def record_traced(self, prim, operands, static):
        self.stmt = self._current_line()
        result = self.record(prim, operands, static, self.stmt)
        return Traced(result.name)

    def _current_line(self):
        """The stand-in statement for the line of the traced function running now."""
        frame = sys._getframe(1)
        while frame is not None and frame.f_code is not self.code:
            frame = frame.f_back
        line = frame.f_lineno if frame is not None else self.source.first_line
        if line not in self.lines:
            node = type(self.source.node)(lineno=line, col_offset=0, end_lineno=line, end_col_offset=None)
            self.lines[line] = node
        return self.lines[line]


class Traced(Symbol):
    """A Symbol that user code computes with directly: operators, Tensor methods, numpy."""

    __slots__ = ()
    __array_priority__ = 200

    def __getattr__(self, name):
        member = getattr(Tensor, name, None)
        if isinstance(member, property) and entry_point(member.fget) is not None:
            return member.fget(self)
        if entry_point(member) is not None:
            return functools.partial(member, self)
        raise GradError(f"msgrad has no gradient rule for the Tensor attribute `{name}`", hint=_NO_SOURCE_HINT)

    def __bool__(self):
        raise GradError("the traced function branches on a Tensor's value", hint=_NO_SOURCE_HINT)

    def __float__(self):
        raise GradError("the traced function converts a Tensor to a Python number", hint=_NO_SOURCE_HINT)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        target = entry_point(ufunc)
        if method != "__call__" or target is None or kwargs:
            raise GradError(f"msgrad has no gradient rule for numpy's {ufunc.__name__}.{method}",
                            hint=_NO_SOURCE_HINT)
        return target(*inputs)


define_operators(Traced)
define_comparisons(Traced)      # comparing records a step; branching on the result stops (__bool__)
