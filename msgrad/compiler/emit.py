"""Stage 7, emit: source text, a compiled function, and the debug dump.

The text comes from astunparse (the project's declared unparser), taught two things it gets
wrong on modern Python: it wraps every operation in parentheses, and it prints `x[:, 1:]` as
the invalid `x[(:, 1:)]`. The compiled function is registered with linecache, so tracebacks
and debuggers show generated lines; MSGRAD_DUMP and save_graphs write the text out."""
import ast
import io
import itertools
import linecache
import os
import re
import sys
import threading
import traceback

import astunparse
import numpy as np

from .. import context, runtime
from ..errors import GradRuntimeError, GradTypeError, GradValueError, SourceLocation
from ..primitives import TABLE
from .ir import leaves
from .optimize import assigned_names, definitely_assigned, exposed_reads, unset_first
from .reverse import Comment, function_def

# Binding power of each operator: a child binding more loosely than its parent gets parentheses.
_PRECEDENCE = {ast.BitOr: 7, ast.BitXor: 8, ast.BitAnd: 9, ast.LShift: 10, ast.RShift: 10,
               ast.Add: 11, ast.Sub: 11, ast.Mult: 12, ast.Div: 12, ast.FloorDiv: 12, ast.Mod: 12,
               ast.MatMult: 12, ast.Pow: 14, ast.USub: 13, ast.UAdd: 13, ast.Invert: 13,
               ast.Not: 4, ast.And: 3, ast.Or: 2}
_COMPARE, _ATOM = 6, 16


class TidyUnparser(astunparse.Unparser):
    """astunparse with parentheses only where precedence needs them, valid subscripts, and
    `Comment` statements printed as comments."""

    def _Comment(self, node):
        self.fill("# " + node.text)

    def _FunctionDef(self, node):
        self.fill(f"def {node.name}(")
        self.dispatch(node.args)
        self.write(")")
        self.enter()
        self.dispatch(node.body)
        self.leave()

    def _BinOp(self, node):
        prec = _PRECEDENCE[type(node.op)]
        right_assoc = isinstance(node.op, ast.Pow)
        self._operand(node.left, prec + right_assoc)
        self.write(" " + self.binop[type(node.op).__name__] + " ")
        self._operand(node.right, prec + (not right_assoc))

    def _UnaryOp(self, node):
        self.write(self.unop[type(node.op).__name__])
        if isinstance(node.op, ast.Not):
            self.write(" ")
        self._operand(node.operand, _PRECEDENCE[type(node.op)])

    def _Compare(self, node):
        self._operand(node.left, _COMPARE + 1)
        for op, right in zip(node.ops, node.comparators):
            self.write(" " + self.cmpops[type(op).__name__] + " ")
            self._operand(right, _COMPARE + 1)

    def _BoolOp(self, node):
        prec = _PRECEDENCE[type(node.op)]
        for i, value in enumerate(node.values):
            if i:
                self.write(f" {self.boolops[type(node.op)]} ")
            self._operand(value, prec + 1)

    def _Attribute(self, node):
        self._operand(node.value, _ATOM)                 # (x * 0.5).astype(...)
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, int):
            self.write(" ")                              # 1 .real
        self.write("." + node.attr)

    def _Subscript(self, node):
        self._operand(node.value, _ATOM)
        self.write("[")
        index = node.slice
        if isinstance(index, ast.Tuple) and index.elts:
            for i, item in enumerate(index.elts):
                if i:
                    self.write(", ")
                self.dispatch(item)
            if len(index.elts) == 1:
                self.write(",")
        else:
            self.dispatch(index)
        self.write("]")

    def _Assign(self, node):
        self.fill()
        for target in node.targets:
            if isinstance(target, ast.Tuple) and target.elts:
                self._elements(target.elts)          # a, b = ... without parentheses
            else:
                self.dispatch(target)
            self.write(" = ")
        self.dispatch(node.value)

    def _Return(self, node):
        self.fill("return")
        if node.value is not None:
            self.write(" ")
            if isinstance(node.value, ast.Tuple) and node.value.elts:
                self._elements(node.value.elts)
            else:
                self.dispatch(node.value)

    def _Tuple(self, node):
        self.write("(")
        self._elements(node.elts)
        self.write(")")

    def _elements(self, elts):
        for i, elt in enumerate(elts):
            if i:
                self.write(", ")
            self.dispatch(elt)
        if len(elts) == 1:
            self.write(",")

    def _operand(self, node, min_prec):
        prec = _precedence(node)
        if prec < min_prec:
            self.write("(")
            self.dispatch(node)
            self.write(")")
        else:
            self.dispatch(node)


def _precedence(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and node.value < 0:
        return _PRECEDENCE[ast.USub]          # -1 reads as unary minus: (-1) ** 2
    if isinstance(node, ast.BinOp):
        return _PRECEDENCE[type(node.op)]
    if isinstance(node, ast.UnaryOp):
        return _PRECEDENCE[type(node.op)]
    if isinstance(node, ast.BoolOp):
        return _PRECEDENCE[type(node.op)]
    if isinstance(node, ast.Compare):
        return _COMPARE
    if isinstance(node, ast.IfExp):
        return 1
    return _ATOM


def unparse(module):
    out = io.StringIO()
    TidyUnparser(module, out)
    return out.getvalue().lstrip("\n")


_serial = itertools.count(1)
_lock = threading.Lock()
generated = {"count": 0}      # how many adjoints were generated (tests count them)
_origins = {}                 # generated file name -> the Source of the program it came from


def emit(module, program, kind="adjoint"):
    """Compile `module` (from optimize) into a function; return (function, source text)."""
    fn = module.body[-1]
    if fn.body and isinstance(fn.body[0], Comment) and fn.body[0].text == "backward":
        fn.body = fn.body[1:]                # no forward statement is left to set it apart from
    namespace, text = _compile(module, program, kind)
    return namespace[module.body[-1].name], text


def emit_pair(module, program):
    """Split the function of `module` (made by reverse with `pair`) at its backward sweep into a
    forward function returning the outputs and the residuals the backward sweep reads, and a
    backward function taking them back; return (forward, backward, source text)."""
    fused = module.body[-1]
    split = next(i for i, s in enumerate(fused.body) if isinstance(s, Comment) and s.text == "backward")
    count = len(leaves(program.output))
    args = [a.arg for a in fused.args.args]
    primal_args, sens_args = args[:-count], args[-count:]
    returned = fused.body[-1].value.elts
    grads, outputs = returned[:-count], returned[-count:]
    forward, backward = fused.body[:split], fused.body[split + 1:-1]
    kept = exposed_reads(backward + [ast.Return(ast.Tuple(grads, ast.Load()))])
    residuals = sorted(kept & (set(primal_args) | set().union(set(), *map(assigned_names, forward))))
    forward = unset_first(residuals, set(primal_args) | definitely_assigned(forward)) + forward
    name, carrier = fused.name[:-len("_adjoint")], module.names.claim("residuals")
    saved = ast.Tuple([ast.Name(n, ast.Load()) for n in residuals], ast.Load())
    unpack = [ast.Assign([ast.Tuple([ast.Name(n, ast.Store()) for n in residuals], ast.Store())],
                         ast.Name(carrier, ast.Load()))] if residuals else []
    pair = [
        function_def(f"{name}_forward", primal_args, forward + [ast.Return(ast.Tuple(outputs + [saved], ast.Load()))]),
        function_def(f"{name}_backward", [carrier] + sens_args,
                  unpack + backward + [ast.Return(grads[0] if len(grads) == 1 else ast.Tuple(grads, ast.Load()))])]
    header = Comment(module.body[0].text.replace("msgrad adjoint", "msgrad forward and backward")
                     .split(", wrt:")[0])
    module = ast.fix_missing_locations(ast.Module(body=[header, *pair], type_ignores=[]))
    namespace, text = _compile(module, program, "pair")
    return namespace[f"{name}_forward"], namespace[f"{name}_backward"], text


def _compile(module, program, kind):
    """Unparse, register with linecache, run and dump `module`; return its namespace and text."""
    text = unparse(module)
    with _lock:
        serial = next(_serial)
        generated["count"] += 1
    filename = f"<msgrad {program.qualname} {kind} #{serial}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    _origins[filename] = program.source
    namespace = {**generated_globals(), **program.constants, **getattr(module, "callees", {})}
    exec(compile(text, filename, "exec"), namespace)
    _dump(text, module.body[-1].name, serial)
    return namespace, text


def located(error):
    """A msgrad error for `error`, raised by numpy inside generated code, naming the user's
    line that the failing generated line comes from (the `# line N` comment above it)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename in _origins]
    kinds = {ValueError: GradValueError, TypeError: GradTypeError}
    cls = next((c for base, c in kinds.items() if isinstance(error, base)), GradRuntimeError)
    message = f"{type(error).__name__} while computing a gradient: {error}"
    if not frames:
        return cls(message)
    frame, source = frames[-1], _origins[frames[-1].filename]
    lines = linecache.getlines(frame.filename)[:frame.lineno]
    user_line = next((int(m.group(1)) for line in reversed(lines)
                      for m in [re.match(r"\s*# line (\d+)", line)] if m), source.first_line)
    where = SourceLocation(source.filename, user_line, function=source.qualname)
    return cls(message, where, f"It happened in generated code: {frame.line}  ({frame.filename}, "
                               f"line {frame.lineno}; see grad_fn.source).")


def globals_names():
    """Names generated code may read besides its own: taken, so user values never shadow them."""
    return {"d"} | set(generated_globals())


def generated_globals():
    """What the names generated code reads besides its own constants stand for: `np`, the
    runtime helpers, and each primitive whose implementation is not inline, by its name (an
    adjoint template may call one the program itself does not, conv2d in conv2d_grad_input's)."""
    return {"np": np, **{k: v for k, v in vars(runtime).items() if not k.startswith("_")},
            **{p.name: p.impl for p in TABLE.values() if p.forward is None}}


def _dump(text, fn_name, serial):
    target = os.environ.get("MSGRAD_DUMP", "")
    if context.get_context("save_graphs"):
        target = target if target not in ("", "0") else context.get_context("save_graphs_path")
    if target in ("", "0"):
        return
    if target == "1":
        sys.stderr.write(text + "\n")
        return
    os.makedirs(target, exist_ok=True)
    with open(os.path.join(target, f"{fn_name}_{serial}.py"), "w") as f:
        f.write(text)
