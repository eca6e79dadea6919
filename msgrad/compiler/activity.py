"""Stage 4, activity: which values need an adjoint.

A value is active when it depends on a differentiated input (it is *varied*) and the output
depends on it through differentiable steps (it is *useful*). `stop_gradient` and other
non-differentiable primitives end both. Only active values get adjoints. Loops and joins
carry values around, so both sets grow until they no longer change."""
from .ir import Op, arguments, is_symbol, leaves, steps, targets


def active_values(program, wrt, output=None):
    """The names of the active values of `program` when differentiating `output` (by default
    all it returns) with respect to `wrt`."""
    useful = {leaf.name for leaf in leaves(program.output if output is None else output) if is_symbol(leaf)}
    useful = _grow(useful, _flowing(program), targets, arguments)
    return varied_values(program, wrt) & useful


def varied_values(program, wrt):
    """The names of the values of `program` that depend on `wrt` through differentiable steps."""
    return _grow(set(wrt), _flowing(program), arguments, targets)


def _flowing(program):
    return [s for s in steps(program.body) if not isinstance(s, Op) or s.prim.differentiable]


def _grow(found, ops, sources, reached):
    """Add `reached(op)` to `found` while any of `sources(op)` is in it, until nothing changes."""
    changed = True
    while changed:
        changed = False
        for op in ops:
            new = set(reached(op)) - found
            if new and any(name in found for name in sources(op)):
                found |= new
                changed = True
    return found
