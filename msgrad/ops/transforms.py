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
    _check_bool(has_aux)
    inputs, tangents = _jvp_tensors(inputs), _jvp_tensors(v)
    if len(tangents) != len(inputs):
        raise GradValueError(f"v has invalid length: should be {len(inputs)}, but got {len(tangents)}")
    for x, t in zip(inputs, tangents):
        if not isinstance(x, Tensor):
            continue
        if not isinstance(t, Tensor):
            raise GradTypeError("The inputs type must be a Tensor, tuple or list of Tensors.")
        if t.shape != x.shape:
            raise GradValueError(f"v must have the shapes of inputs: got a tangent of shape {list(t.shape)} "
                                 f"for an input of shape {list(x.shape)}")
        if t.dtype != x.dtype:
            raise GradTypeError(f"v must have the dtypes of inputs: got a tangent of {t.dtype} for an "
                                f"input of {x.dtype}")
    positions = tuple(i for i, x in enumerate(inputs) if isinstance(x, Tensor))
    outputs, dots = _forward_mode(fn, inputs, positions, [tangents[i]._data for i in positions])
    if not has_aux:
        return outputs, dots
    _check_aux(outputs, quoted=True)
    return outputs[0], dots[0], _aux(outputs)


def vjp(fn, *inputs, weights=None, has_aux=False):
    """(fn's output, vjp_fn) where vjp_fn(v) gives the vector-Jacobian product of the inputs
    (and of `weights`) with `v`, a value shaped like the output; `has_aux` as in `jvp`."""
    _check_bool(has_aux)
    for x in inputs:
        if not isinstance(x, Tensor):
            raise GradTypeError("The inputs type must be Tensor.")
    grad_fn = FunctionalGrad(fn, tuple(range(len(inputs))), weights, has_aux, False, True, value=False)
    grad_fn.single_position = False            # vjp_fn gives a tuple even for one input
    outputs = fn(*inputs)
    if has_aux:
        _check_aux(outputs, quoted=False)

    def vjp_fn(*v):
        """The gradients of the inputs (then of the weights) along `v`, shaped like the output."""
        for t in leaves(v):
            if not isinstance(t, Tensor):
                raise GradTypeError("The inputs type must be Tensor.")
        grads = grad_fn(*inputs, v[0] if len(v) == 1 else v)
        return grads[0] if has_aux else grads

    return (outputs[0], vjp_fn, _aux(outputs)) if has_aux else (outputs, vjp_fn)


def jacfwd(fn, grad_position=0, has_aux=False):
    """A function giving fn's Jacobian with respect to the inputs at `grad_position`, by
    forward mode: one tangent sweep per input element."""
    _check_bool(has_aux)
    positions = _grad_positions(grad_position)
    if isinstance(fn, _Jacobian):
        return _Jacobian(fn, positions, has_aux, lambda *inputs: _jacobian_of_jacobian(jacfwd, fn, positions, inputs))

    def jacobian_fn(*inputs):
        columns = []                  # per position: the output tangents along each of its elements
        for p in positions:
            _check_position(p, inputs)
            basis = _basis(inputs[p])
            sweeps = [_forward_mode(fn, inputs, (p,), [e])[1] for e in basis]
            columns.append(sweeps)
        outputs = fn(*inputs)
        if has_aux:
            _check_aux(outputs, quoted=True)
        differentiated = outputs[0] if has_aux else outputs
        jac = _assemble(differentiated, [[s[0] if has_aux else s for s in sweeps] for sweeps in columns],
                        [inputs[p] for p in positions])
        return (jac, _aux(outputs)) if has_aux else jac

    return _Jacobian(fn, positions, has_aux, jacobian_fn)


def jacrev(fn, grad_position=0, has_aux=False):
    """A function giving fn's Jacobian with respect to the inputs at `grad_position`, by
    reverse mode: one adjoint sweep per output element."""
    _check_bool(has_aux)
    positions = _grad_positions(grad_position)
    if isinstance(fn, _Jacobian):
        return _Jacobian(fn, positions, has_aux, lambda *inputs: _jacobian_of_jacobian(jacrev, fn, positions, inputs))
    grad_fn = FunctionalGrad(fn, positions, None, has_aux, False, True, value=False)

    def jacobian_fn(*inputs):
        for p in positions:
            _check_position(p, inputs)
        outputs = fn(*inputs)
        if has_aux:
            _check_aux(outputs, quoted=True)
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
        jac = _assemble_rows(differentiated, rows, [inputs[p] for p in positions])
        return (jac, _aux(outputs)) if has_aux else jac

    return _Jacobian(fn, positions, has_aux, jacobian_fn)


class _Jacobian:
    """What jacfwd and jacrev return: a function computing a Jacobian, that knows which (so a
    Jacobian of it, a Hessian, differentiates the gradients it is made of)."""

    def __init__(self, fn, positions, has_aux, compute):
        self.fn, self.positions, self.has_aux, self.compute = fn, positions, has_aux, compute

    def __call__(self, *inputs):
        return self.compute(*inputs)


def _jacobian_of_jacobian(transform, inner, positions, inputs):
    """transform(inner)'s value: each row of the inner Jacobian is a gradient function (of one
    output element, taken as sens), whose own Jacobian the outer transform takes."""
    if inner.has_aux or len(inner.positions) != 1 or len(positions) != 1 or isinstance(inner.fn, _Jacobian):
        raise GradValueError("msgrad takes the Jacobian of a Jacobian for one grad_position at each level, "
                             "without has_aux, of a function with one output Tensor")
    outputs = inner.fn(*inputs)
    if not isinstance(outputs, Tensor):
        raise GradValueError("msgrad takes the Jacobian of a Jacobian of a function with one output Tensor")
    (p,), (q,) = inner.positions, positions
    _check_position(q, inputs)
    row_of = FunctionalGrad(inner.fn, (p,), None, False, False, True, value=False)
    rows = [transform(row_of, q)(*inputs, Tensor(e)).asnumpy() for e in _basis(outputs)]
    shape = outputs.shape + inputs[p].shape + inputs[q].shape
    return Tensor(np.stack(rows).reshape(shape) if rows else np.zeros(shape, outputs.asnumpy().dtype))


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


def _assemble(outputs, columns, inputs):
    """The Jacobian from forward sweeps: columns[p][e] holds the output tangents along element
    e of input p."""
    return _jacobian(outputs, inputs, lambda k, p: [leaves(sweep)[k].asnumpy() for sweep in columns[p]], -1)


def _assemble_rows(outputs, rows, inputs):
    """The Jacobian from reverse sweeps: rows[k][e] holds the input gradients for element e of
    output leaf k."""
    return _jacobian(outputs, inputs, lambda k, p: [grads[p].asnumpy() for grads in rows[k]], 0)


def _jacobian(outputs, inputs, pieces, axis):
    """Per output leaf k and input p, `pieces(k, p)` stacked along `axis` (the one running over
    the elements swept) and shaped as the leaf's shape followed by the input's."""
    def block(k, p):
        leaf_shape = np.shape(leaves(outputs)[k].asnumpy())
        return Tensor(np.stack(pieces(k, p), axis=axis).reshape(leaf_shape + inputs[p].shape))
    return _structure(outputs, len(inputs), block)


def _structure(outputs, count, block):
    """Per output leaf (in the output's structure) the blocks of each position: a tuple, or
    the block itself for one position."""
    index = iter(range(len(leaves(outputs))))

    def per_leaf(_):
        k = next(index)
        blocks = tuple(block(k, p) for p in range(count))
        return blocks[0] if count == 1 else blocks
    return map_leaves(outputs, per_leaf)


def _jvp_tensors(value):
    """jvp's inputs or v, as a tuple: a Tensor, or a tuple or list holding Tensors (and
    constants, among inputs)."""
    if isinstance(value, Tensor):
        return (value,)
    if not (isinstance(value, (tuple, list)) and any(isinstance(v, Tensor) for v in value)):
        raise GradTypeError("The inputs type must be a Tensor, tuple or list of Tensors.")
    return tuple(value)


def _check_bool(has_aux):
    if not isinstance(has_aux, bool):
        raise GradTypeError("The 'has_aux' must be bool type.")


def _check_position(p, inputs):
    if p >= len(inputs):
        raise GradValueError("The element in grad_position must belong to [0, args_num).")


def _check_aux(outputs, quoted):
    if not (isinstance(outputs, tuple) and len(outputs) > 1):
        message = "When 'has_aux' is True, origin 'fn' requires more than one outputs."
        raise GradValueError(f"'{message}'" if quoted else message)


def _aux(outputs):
    return outputs[1] if len(outputs) == 2 else tuple(outputs[1:])
