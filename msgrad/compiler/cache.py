"""Generated code is made once and reused: Programs per function and input kinds, Adjoints per
Program and what is differentiated.

A Program is shared by every instance of a Cell class whose attributes it read look the same
(`Program.reads`); each call checks that, so an attribute changed after generation, or another
instance configured differently, never runs stale code. Keys hold functions weakly, so a Cell
class redefined in a notebook gets new code and the old entries go with the old class."""
import threading
import weakref

from . import adjoint_of, pair_of, program_of, tangent_of
from .ir import is_symbol
from .normalize import fingerprint

MAX_PROGRAMS = 8          # per function and input kinds; the oldest is dropped first
MAX_SIGNATURES = 16       # argument shapes a program gets code made for (then one for any shapes)

_programs = weakref.WeakKeyDictionary()     # function -> {input kinds: [Program, ...]}
_lock = threading.RLock()


def program_for(fn, instance, kinds):
    """The Program of `fn` for `instance` and input `kinds`, generated on first use."""
    candidates = _programs.get(fn, {}).get(kinds, ())
    for program in candidates:
        if _still_valid(program, instance):
            return program
    with _lock:
        program = program_of(fn, instance, kinds)
        entries = _programs.setdefault(fn, {}).setdefault(kinds, [])
        entries.insert(0, program)
        del entries[MAX_PROGRAMS:]
    return program


def adjoint_for(program, wrt_inputs, wrt_params, sens_param, value=False, aux=False, again=False,
                signature=None):
    """The compiled Adjoint of `program` for this choice of gradients (and argument shapes, see
    adjoint_of), generated on first use; past MAX_SIGNATURES argument shapes, code for any."""
    key = (wrt_inputs, wrt_params, sens_param, value, aux, again)
    if signature is not None and key + (signature,) not in program.adjoints and \
            sum(isinstance(k, tuple) and k[-1] is not None for k in program.adjoints) >= MAX_SIGNATURES:
        signature = None
    return _once(program, key + (signature,),
                 lambda: adjoint_of(program, wrt_inputs, wrt_params, sens_param, value, aux, again, signature))


def pair_for(program):
    """The forward and backward functions of a callee `program`, generated on first use."""
    return _once(program, "pair", lambda: pair_of(program))


def bprop_pair_for(program, instance):
    """The forward and backward functions of a callee `program` of a Cell `instance` that has
    its own bprop (the backward function runs that instance's bprop)."""
    from ..ops.custom_bprop import BpropPair
    return _once(program, ("bprop", id(instance)), lambda: BpropPair(
        adjoint_for(program, (), (), False, value=True).function, program, instance))


def tangent_for(program, wrt_inputs, wrt_params):
    """The compiled Tangent of `program` along these inputs and params, generated on first use."""
    return _once(program, ("tangent", wrt_inputs, wrt_params),
                 lambda: tangent_of(program, wrt_inputs, wrt_params))


def callee_tangent_for(program):
    """The tangent function of a callee `program`, along all its Tensor inputs and params."""
    inputs = tuple(i for i, value in enumerate(program.inputs) if is_symbol(value))
    return tangent_for(program, inputs, tuple(range(len(program.params)))).function


def _once(program, key, make):
    found = program.adjoints.get(key)
    if found is None:
        with _lock:
            found = program.adjoints.get(key)
            if found is None:
                found = program.adjoints[key] = make()
    return found


def resolve(instance, path):
    for attr in path:
        instance = instance[int(attr)] if attr.isdigit() else getattr(instance, attr)
    return instance


def _still_valid(program, instance):
    try:
        return all(fingerprint(resolve(instance, path)) == expected for path, expected in program.reads.items())
    except AttributeError:
        return False
