"""Shapes and dtypes known when the code is generated: for the shapes and dtypes of a call's
arguments, the shape each value of a program has on every path and in every loop iteration
(optimize drops the `unbroadcast` calls that would sum over nothing), and the steps whose
numpy result has another dtype than MindSpore's (an int32 Tensor times 0.5 is float32 in
MindSpore, float64 in numpy; reverse casts them).

Each step runs on stand-ins, zero arrays of its operands' shapes and dtypes, so a shape
comes from the same numpy code that computes the value. Both branches of an `If` run; a loop
runs until the values it carries keep their shapes from one iteration to the next. A value
is known when every run of every step that assigns it gave it one shape; a value whose shape
depends on data (a boolean mask's selection) is unknown, as is all that depends on it."""
from dataclasses import dataclass

import numpy as np

from .. import context
from ..primitives.core import mindspore_float
from .ir import Call, If, Op, is_symbol

_UNKNOWN = object()


@dataclass
class Known:
    shapes: dict      # value name -> its shape, where every run gives it one
    casts: dict       # id(Op) -> the dtype MindSpore gives the step's result, where numpy's differs
    dtypes: dict      # value name -> its dtype, where every run gives it one


def infer(program, arg_shapes):
    """What `arg_shapes` decides about `program`'s values: one (shape, dtype) per argument of
    the generated function (params, then Tensor inputs)."""
    env, seen, casts = {}, {}, {}
    for name, (shape, dtype) in zip(program.arg_names, arg_shapes):
        _assign(env, seen, name, np.zeros(shape, dtype))
    env.update(program.constants)
    with np.errstate(all="ignore"), context.scratch_rng():
        _run(program.body, env, seen, casts)
    return Known(_one_each(seen, 0), casts, _one_each(seen, 1))


def _run(block, env, seen, casts):
    for step in block:
        if isinstance(step, Op):
            _assign(env, seen, step.target, _evaluate(step, env, casts))
        elif isinstance(step, Call):
            results = _call(step, env, casts)
            for target, value in zip(step.targets, results):
                _assign(env, seen, target, value)
        elif isinstance(step, If):
            then_env, else_env = dict(env), dict(env)
            _run(step.body, then_env, seen, casts)
            _run(step.orelse, else_env, seen, casts)
            for name in then_env.keys() | else_env.keys():
                a, b = then_env.get(name, _UNKNOWN), else_env.get(name, _UNKNOWN)
                env[name] = a if _shape(a) is not None and _shape(a) == _shape(b) else _UNKNOWN
        else:
            _loop(step, env, seen, casts)


def _loop(loop, env, seen, casts):
    """Run the loop's body until the values it carries keep their shapes."""
    if loop.index is not None:
        _assign(env, seen, loop.index, 0)
    carried = [op.target for op in loop.carry]
    while True:
        before = {name: _shape(env.get(name, _UNKNOWN)) for name in carried}
        _run(loop.head + loop.body + loop.carry, env, seen, casts)
        changed = [name for name in carried if _shape(env[name]) != before[name]]
        if not changed:
            return
        for name in changed:
            env[name] = _UNKNOWN


def _evaluate(op, env, casts):
    args = [env.get(a.name, _UNKNOWN) if is_symbol(a) else a for a in op.args]
    if any(a is _UNKNOWN for a in args) or _selects_by_mask(op, args) or op.prim.effect:
        return _UNKNOWN                      # (an effect would change the stand-ins, or constants)
    try:
        result = op.prim.impl(*args, **op.static)
    except Exception:
        return _UNKNOWN
    if op.prim.elementwise and "dtype" not in op.static and isinstance(result, (np.ndarray, np.generic)):
        # the dtype Primitive.__call__ gives eagerly
        wanted = mindspore_float(result, args)
        if np.result_type(wanted) != np.result_type(result):
            casts[id(op)] = np.result_type(wanted)
        return wanted
    return result


def _selects_by_mask(op, args):
    """Whether the result's shape depends on data: indexing by a boolean mask."""
    return op.prim.name == "index" and np.asarray(args[1]).dtype == bool


def _call(call, env, casts):
    """The outputs of a called program, run on the call's arguments."""
    callee = call.callee
    inner = {name: env.get(a.name, _UNKNOWN) for name, a in zip(callee.arg_names, call.args)}
    inner.update(callee.constants)
    _run(callee.body, inner, {}, casts)
    return [inner.get(leaf.name, _UNKNOWN) for leaf in callee.output_symbols]


def _assign(env, seen, name, value):
    env[name] = value
    seen.setdefault(name, set()).add(_describe(value))


def _describe(value):
    """(shape, dtype) of a stand-in value, or None."""
    if value is _UNKNOWN:
        return None
    try:
        return np.shape(value), np.result_type(value)
    except (TypeError, ValueError):
        return None


def _one_each(seen, part):
    """{name: its shape (part 0) or dtype (1)} for the names every run gave one of."""
    found = {}
    for name, runs in seen.items():
        values = {run[part] if run is not None else None for run in runs}
        if len(values) == 1 and None not in values:
            found[name] = values.pop()
    return found


def _shape(value):
    if value is _UNKNOWN:
        return None
    return np.shape(value)
