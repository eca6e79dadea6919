"""MindSpore's function transforms beyond `grad`: `jvp` and `jacfwd` run generated tangent
code (forward mode, compiler/tangent.py); `vjp` and `jacrev` run generated adjoints.

A Jacobian has, for each output, the output's shape followed by the differentiated input's:
`jacfwd` builds it one input element at a time, `jacrev` one output element at a time."""
import numpy as np

from ..compiler import cache
from ..compiler.ir import is_symbol, leaves, map_leaves
from ..errors import GradTypeError, GradValueError
from ..tensor import Tensor, wrap
from .grad_operation import FunctionalGrad, _grad_positions, _split, program_and_params, run_generated


def jvp(fn, inputs, v, has_aux=False):
    """(fn's output, its Jacobian-vector product along `v`), and fn's auxiliary outputs after
    them with `has_aux` (fn then returns (output, *aux) and only output is differentiated).
    `inputs` and `v` are each a Tensor or a tuple of Tensors, of one structure."""
    inputs, tangents = _tensors(inputs, "inputs"), _tensors(v, "v")
    if len(tangents) != len(inputs):
        raise GradValueError(f"v has {len(tangents)} Tensor(s) but inputs has {len(inputs)}; "
                             f"give one tangent per input")
    for x, t in zip(inputs, tangents):
        if t.shape != x.shape:
            raise GradValueError(f"a tangent of shape {t.shape} was given for an input of shape {x.shape}")
    outputs, dots = _forward_mode(fn, inputs, tuple(range(len(inputs))), [t._data for t in tangents])
    if not has_aux:
        return outputs, dots
    _check_aux(outputs)
    return outputs[0], dots[0], _aux(outputs)


def vjp(fn, *inputs, weights=None, has_aux=False):
    """(fn's output, vjp_fn) where vjp_fn(v) gives the vector-Jacobian product of the inputs
    (and of `weights`) with `v`, a value shaped like the output; `has_aux` as in `jvp`."""
    inputs = _tensors(inputs, "inputs")
    positions = tuple(range(len(inputs)))
    grad_fn = FunctionalGrad(fn, positions, weights, has_aux, False, True, value=False)
    outputs = fn(*inputs)
    if has_aux:
        _check_aux(outputs)

    def vjp_fn(*v):
        return grad_fn(*inputs, v[0] if len(v) == 1 else v)

    return (outputs[0], vjp_fn, _aux(outputs)) if has_aux else (outputs, vjp_fn)


def jacfwd(fn, grad_position=0, has_aux=False):
    """A function giving fn's Jacobian with respect to the inputs at `grad_position`, by
    forward mode: one tangent sweep per input element."""
    positions = _grad_positions(grad_position)

    def jacobian_fn(*inputs):
        columns = []                  # per position: the output tangents along each of its elements
        for p in positions:
            _check_position(p, inputs)
            basis = _basis(inputs[p])
            sweeps = [_forward_mode(fn, inputs, (p,), [e])[1] for e in basis]
            columns.append(sweeps)
        outputs = fn(*inputs)
        differentiated = outputs[0] if has_aux else outputs
        jac = _assemble(differentiated, [[s[0] if has_aux else s for s in sweeps] for sweeps in columns],
                        [inputs[p] for p in positions], isinstance(grad_position, int))
        return (jac, _aux(outputs)) if has_aux else jac

    return jacobian_fn


def jacrev(fn, grad_position=0, has_aux=False):
    """A function giving fn's Jacobian with respect to the inputs at `grad_position`, by
    reverse mode: one adjoint sweep per output element."""
    positions = _grad_positions(grad_position)
    grad_fn = FunctionalGrad(fn, positions, None, has_aux, False, True, value=False)

    def jacobian_fn(*inputs):
        for p in positions:
            _check_position(p, inputs)
        outputs = fn(*inputs)
        if has_aux:
            _check_aux(outputs)
        differentiated = outputs[0] if has_aux else outputs
        out_leaves = leaves(differentiated)
        rows = []                     # per output leaf: the gradients along each of its elements
        for k, leaf in enumerate(out_leaves):
            sens = [Tensor(np.zeros(np.shape(o.asnumpy()), o.asnumpy().dtype)) for o in out_leaves]
            row = []
            for e in _basis(leaf):
                sens[k] = Tensor(e)
                grads = grad_fn(*inputs, map_leaves(differentiated, lambda _, it=iter(sens): next(it)))
                grads = grads[0] if has_aux else grads
                row.append(grads if len(positions) > 1 else (grads,))
            rows.append(row)
        jac = _assemble_rows(differentiated, rows, [inputs[p] for p in positions], isinstance(grad_position, int))
        return (jac, _aux(outputs)) if has_aux else jac

    return jacobian_fn


# -- the pieces -------------------------------------------------------------------------------
def _forward_mode(fn, inputs, positions, tangent_arrays):
    """(outputs, output tangents) of fn at `inputs`, along `tangent_arrays` for the inputs at
    `positions`, both as Tensors in fn's output structure."""
    instance, function = _split(fn)
    program, params = program_and_params(function, instance, inputs)
    for p in positions:
        if not is_symbol(program.inputs[p]):
            raise GradTypeError(f"input {p} of {program.qualname} is the constant {program.inputs[p]!r}, "
                                f"which has no tangent", hint="Pass it as a msgrad.Tensor.")
    tangent = cache.tangent_for(program, positions, ())
    results = run_generated(tangent.function, params, inputs, tangent_arrays)
    count = len(leaves(program.output))
    values, dots = iter(results[:count]), iter(results[count:])
    outputs = map_leaves(program.output, lambda leaf: wrap(np.asarray(next(values))))
    return outputs, map_leaves(program.output, lambda leaf: wrap(np.asarray(next(dots))))


def _basis(tensor):
    """One-hot arrays of `tensor`'s shape and dtype, one per element."""
    array = tensor.asnumpy() if isinstance(tensor, Tensor) else np.asarray(tensor)
    for i in range(array.size):
        e = np.zeros(array.size, array.dtype)
        e[i] = 1
        yield e.reshape(array.shape)


def _assemble(outputs, columns, inputs, single_position):
    """The Jacobian from forward sweeps: columns[p][e] holds the output tangents along element
    e of input p."""
    def block(k, p):
        leaf_shape = np.shape(leaves(outputs)[k].asnumpy())
        stacked = np.stack([leaves(sweep)[k].asnumpy() for sweep in columns[p]], axis=-1)
        return Tensor(stacked.reshape(leaf_shape + inputs[p].shape))
    return _structure(outputs, len(inputs), single_position, block)


def _assemble_rows(outputs, rows, inputs, single_position):
    """The Jacobian from reverse sweeps: rows[k][e] holds the input gradients for element e of
    output leaf k."""
    def block(k, p):
        leaf_shape = np.shape(leaves(outputs)[k].asnumpy())
        stacked = np.stack([grads[p].asnumpy() for grads in rows[k]])
        return Tensor(stacked.reshape(leaf_shape + inputs[p].shape))
    return _structure(outputs, len(inputs), single_position, block)


def _structure(outputs, count, single_position, block):
    """Per output leaf (in the output's structure) the blocks of each position (a tuple, or
    the one block for an int grad_position)."""
    index = iter(range(len(leaves(outputs))))

    def per_leaf(_):
        k = next(index)
        blocks = tuple(block(k, p) for p in range(count))
        return blocks[0] if single_position else blocks
    return map_leaves(outputs, per_leaf)


def _tensors(value, what):
    """A Tensor or a tuple/list of Tensors, as a tuple."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    for item in items:
        if not isinstance(item, Tensor):
            raise GradTypeError(f"The {what} must be a Tensor or a tuple of Tensors, but got "
                                f"{type(item).__name__}")
    return items


def _check_position(p, inputs):
    if p >= len(inputs):
        raise GradValueError(f"Position index {p} is exceed input size.")


def _check_aux(outputs):
    if not (isinstance(outputs, tuple) and len(outputs) > 1):
        raise GradValueError("When has_aux is True, origin fn requires more than one outputs.")


def _aux(outputs):
    return outputs[1] if len(outputs) == 2 else tuple(outputs[1:])
