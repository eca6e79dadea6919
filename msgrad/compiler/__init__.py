"""The source-to-source compiler: one module per stage, composed here.

    capture -> check -> normalize          a Program, per function and input kinds
    capture -> trace                       the same, for functions whose source Python lost
    activity -> reverse -> optimize -> emit   an Adjoint, per Program and what is differentiated
"""
from dataclasses import dataclass

from ..primitives import TABLE
from .activity import active_values
from .capture import capture
from .check import check
from .emit import emit, emit_pair, globals_names
from .ir import Call, Loop, inline_calls, is_symbol, leaves, walk
from .normalize import normalize
from .optimize import compute_row_products_before_loops, drop_empty_comments, eliminate_dead_code, optimize
from .reverse import reverse
from .shapes import Known, infer
from .tangent import tangent
from .trace import trace


@dataclass
class Adjoint:
    """A generated gradient function and what its arguments and results are."""
    function: object      # f(*param_arrays, *input_arrays, *sens_arrays) -> tuple of gradients
    source: str
    n_sens: int           # sens arguments it takes: one per output leaf with sens_param, else 0
    callees: tuple = ()   # the source of each generated function it calls, callees' callees too


def program_of(fn, instance, inputs):
    """Stages 1-3 for `fn` (a method of `instance`, or a plain function) called with `inputs`
    (None for a Tensor, else the constant passed)."""
    captured = capture(fn, instance)
    reserved = globals_names() | {p.name for p in TABLE.values() if p.forward is None}
    if not captured.has_source:
        return trace(captured, inputs, reserved)
    check(captured)
    return normalize(captured, inputs, reserved)


def adjoint_of(program, wrt_inputs, wrt_params, sens_param, value=False, aux=False, again=False,
               signature=None):
    """Stages 4-7: the adjoint of `program` for the gradients of `wrt_inputs` (indices of its
    inputs) and `wrt_params` (indices of its params); with `value` it also returns the output
    leaves, after the gradients; with `aux` only the output's first element is differentiated.

    With `again`, the adjoint is made to be differentiated itself (a gradient taken inside a
    construct): one function without calls of generated code, sens checks or updates in place.
    With a `signature`, (shape, dtype) per argument, the code is made for arguments of those
    shapes only."""
    if again:
        program = inline_calls(program)
        for loop in walk(program.body):
            if isinstance(loop, Loop):
                raise program.source.error(loop.stmt, "msgrad does not yet differentiate a gradient "
                                           "through a loop", "Take the inner gradient of loop-free code.")
    known = Known({}, {}, {})
    if signature is not None:
        program = inline_calls(program, in_loops=True)
        known = infer(program, signature)
        rewritten = compute_row_products_before_loops(program, known)
        if rewritten is not program:
            program, known = rewritten, infer(rewritten, signature)
    inputs = [program.inputs[i] for i in wrt_inputs]
    params = [program.params[i] for i in wrt_params]
    output = program.output[0] if aux else program.output
    active = active_values(program, [i.name for i in inputs] + [p.var for p in params], output)
    module = reverse(program, active, inputs, params, sens_param, value, aux=aux, again=again, casts=known.casts)
    module = optimize(module, program, in_place=set() if again else _in_place(program, signature),
                      shapes=known.shapes, dtypes=known.dtypes)
    function, source = emit(module, program)
    return Adjoint(function, source, len(leaves(output)) if sens_param else 0, tuple(_callee_sources(program)))


def _in_place(program, signature):
    """The arguments whose gradients may be updated in place: Parameters, and inputs known to
    be floats (a float contribution could not go into an integer input's zeros)."""
    params = {p.var for p in program.params}
    if signature is None:
        return params
    return params | {name for name, (_, dtype) in zip(program.arg_names, signature) if dtype.kind == "f"}


def _callee_sources(program, seen=None):
    """The generated sources of the programs `program` calls (each once), callees first."""
    from . import cache
    seen = set() if seen is None else seen
    for call in walk(program.body):
        if isinstance(call, Call) and call.custom is None and id(call.callee) not in seen:
            seen.add(id(call.callee))
            yield from _callee_sources(call.callee, seen)
            yield cache.pair_for(call.callee).source


@dataclass
class Pair:
    """A callee's generated functions: forward(*params, *inputs) -> (*outputs, residuals) and
    backward(residuals, *output_gradients) -> gradients of its inputs, then of its params."""
    forward: object
    backward: object
    source: str


def pair_of(program):
    """Stages 4-7 for a program other generated code calls: all its Tensor inputs and params
    differentiated, the work split between a forward and a backward function."""
    inputs = [i for i in program.inputs if is_symbol(i)]
    active = active_values(program, [i.name for i in inputs] + [p.var for p in program.params])
    module = optimize(reverse(program, active, inputs, program.params, True, pair=True), program)
    return Pair(*emit_pair(module, program))


@dataclass
class Tangent:
    """A generated tangent function: f(*param_arrays, *input_arrays, *tangents) -> (*outputs,
    *output tangents)."""
    function: object
    source: str


def tangent_of(program, wrt_inputs, wrt_params):
    """Stages 4-7 in forward mode: the tangent function of `program` along its inputs at
    `wrt_inputs` and its params at `wrt_params` (indices), one tangent argument each."""
    from . import cache
    wrt = [program.inputs[i].name for i in wrt_inputs] + [program.params[i].var for i in wrt_params]
    module = tangent(program, wrt, cache.callee_tangent_for)
    fn = module.body[-1]
    body, _ = eliminate_dead_code(fn.body, set())
    fn.body = drop_empty_comments(body)
    return Tangent(*emit(module, program, "tangent"))
