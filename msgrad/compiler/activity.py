"""Stage 4, activity: which values need an adjoint.

A value is active when it depends on a differentiated input (it is *varied*) and the output
depends on it through differentiable steps (it is *useful*). `stop_gradient` and other
non-differentiable primitives end both. Only active values get adjoints."""
from .ir import is_symbol, leaves


def active_values(program, wrt):
    """The names of the active values of `program` when differentiating with respect to `wrt`."""
    varied = set(wrt)
    for op in program.body:
        if op.prim.differentiable and any(is_symbol(a) and a.name in varied for a in op.args):
            varied.add(op.target)
    useful = {leaf.name for leaf in leaves(program.output) if is_symbol(leaf)}
    for op in reversed(program.body):
        if op.target in useful and op.prim.differentiable:
            useful.update(a.name for a in op.args if is_symbol(a))
    return varied & useful
