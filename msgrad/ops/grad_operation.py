"""MindSpore's gradient APIs over msgrad's generated adjoints: `ops.GradOperation` and the
functional `ms.grad` / `ms.value_and_grad`.

`GradOperation(get_all, get_by_list, sens_param)(net, weights)` returns a `GradFunction`;
`grad(fn, grad_position, weights, has_aux, return_ids, sens_param)` a function of the same
kind. Calling one unwraps Tensors and Parameters into arrays, runs the cached generated adjoint,
and wraps the gradients in Tensors of their inputs' dtypes, in MindSpore's return structure."""
import itertools
import linecache
from dataclasses import dataclass

import numpy as np

from ..compiler import cache
from ..compiler.ir import is_symbol, leaves, map_leaves
from ..compiler.emit import located
from ..errors import GradRuntimeError, GradTypeError, GradValueError, MsgradError
from ..nn.cell import Cell, has_bprop
from ..tensor import Parameter, Tensor, wrap

_CONSTANT_INPUTS = (int, float, bool, str)


class GradOperation:
    """A higher-order function: `GradOperation(...)(net)` is the gradient function of `net`.

    get_all: gradients of all Tensor inputs (else of the first only);
    get_by_list: gradients of `weights`, a ParameterTuple (or list, or one Parameter);
    sens_param: the caller passes the output's gradient as the last argument."""

    def __init__(self, get_all=False, get_by_list=False, sens_param=False):
        self.get_all, self.get_by_list, self.sens_param = bool(get_all), bool(get_by_list), bool(sens_param)

    def __call__(self, fn, weights=None):
        return GradFunction(self, fn, weights)

    def __repr__(self):
        return (f"GradOperation(get_all={self.get_all}, get_by_list={self.get_by_list}, "
                f"sens_param={self.sens_param})")


class _Gradient:
    """What every gradient function does on a call: find (or generate) the program and its
    adjoint, run it on arrays, and hand back gradients as Tensors of their inputs' dtypes.
    Subclasses say which inputs are differentiated (`positions`) and shape the result."""

    def __init__(self, fn, weights, single_weight, sens_param, value=False, aux=False):
        self.instance, self.function = _split(fn)
        self.weights, self.single_weight = weights, single_weight
        self.sens_param, self.value, self.aux = sens_param, value, aux
        self._last = None
        self._plans = {}      # id(Program) -> _Plan
        self._recent = None   # (Cell.changes, input key, program, params, plan, dtypes) of the last call
        self._as_function = None    # what differentiating this gradient differentiates (_calling)

    def run(self, args):
        """(gradients of the differentiated inputs, of the weights, the outputs or None)."""
        inputs, sens = self._split_sens(args)
        key = _key(inputs)
        recent = self._recent
        if recent is None or recent[0] != Cell.changes or recent[1] != key:   # else nothing changed
            program, params = program_and_params(self.function, self.instance, inputs)
            if has_bprop(self.instance, self.function):
                return self._run_bprop(program, params, inputs, sens)
            recent = self._prepare(program, params, inputs, key)
        _, _, program, params, plan, dtypes = recent
        sens_arrays, seen = (), set()       # seen: arrays a gradient must not share
        if self.sens_param:
            sens_arrays = self._sens_arrays(sens, plan.adjoint.n_sens, program)
            seen = {id(s) for s in sens_arrays}
        results = run_generated(plan.adjoint.function, params, inputs, sens_arrays)
        grads = _tensors(results, dtypes, seen)
        n = len(plan.inputs)
        input_grads = tuple(grads[:n])
        weight_grads = tuple(grads[n:]) if plan.in_order else _weight_gradients(self.weights, plan.weights, grads)
        outputs = None
        if self.value:
            values = iter(wrap(v) for v in results[len(results) - plan.n_values:])
            outputs = map_leaves(program.output, lambda leaf: next(values))
        return input_grads, weight_grads, outputs

    def _prepare(self, program, params, inputs, key):
        """(Cell.changes, key, program, params, plan, dtypes) for calls like this one: the plan
        holds the adjoint made for these arguments' shapes, `dtypes` its gradients' dtypes."""
        signature = _signature(params, inputs)
        plan = self._plans.get((id(program), signature))
        if plan is None or plan.program is not program or plan.param_ids != tuple(map(id, params)):
            if len(self._plans) >= _MAX_PLANS:
                self._plans.clear()
            plan = self._plans[(id(program), signature)] = self._plan(program, params, signature=signature)
        dtypes = tuple(inputs[i]._data.dtype for i in plan.inputs) + tuple(params[i]._data.dtype for i in plan.params)
        self._recent = (Cell.changes, key, program, params, plan, dtypes)
        self._last = plan.adjoint
        return self._recent

    def _run_bprop(self, program, params, inputs, sens):
        """`run` for a Cell with its own bprop: construct's code forward, then bprop."""
        pair = cache.bprop_pair_for(program, self.instance)
        *outputs, (tensors, _) = run_generated(pair.forward, params, inputs, [])
        positions = self.positions(program)
        douts = self._sens_arrays(sens, len(outputs), program) if self.sens_param else \
            [np.ones_like(np.asarray(v)) for v in outputs]
        grads = pair.run(tensors, outputs, douts)
        tensor_index = [i for i, value in enumerate(program.inputs) if is_symbol(value)]
        input_grads = tuple(wrap(grads[tensor_index.index(i)]) for i in positions)
        weight_grads = tuple(Tensor(np.zeros_like(w._data)) for w in self.weights)
        values = iter(outputs)
        return input_grads, weight_grads, map_leaves(program.output, lambda leaf: wrap(np.asarray(next(values))))

    def _plan(self, program, params, again=False, signature=None):
        """What a call of `program` with these Parameters needs, worked out once (`again`: for
        generated code that is itself differentiated; `signature`: for arguments of these
        shapes only; see adjoint_of)."""
        wrt_inputs, wrt_params = self.positions(program), self._wrt_params(params)
        index = {id(params[i]): len(wrt_inputs) + k for k, i in enumerate(wrt_params)}
        if self.aux and not (isinstance(program.output, (tuple, list)) and len(program.output) > 1):
            raise GradValueError("When has_aux is True, origin fn requires more than one outputs.")
        adjoint = cache.adjoint_for(program, wrt_inputs, wrt_params, self.sens_param, self.value, self.aux,
                                    again, signature)
        weights = tuple(index.get(id(w)) for w in self.weights)
        return _Plan(program, tuple(map(id, params)), adjoint, wrt_inputs, wrt_params, weights,
                     len(leaves(program.output)),
                     weights == tuple(range(len(wrt_inputs), len(wrt_inputs) + len(weights))))

    @property
    def source(self):
        """The generated adjoint's source, then that of the functions it calls: of the last
        call, or for all-Tensor inputs."""
        if self._last is None:
            code = self.function.__code__
            count = code.co_argcount - len(self.function.__defaults__ or ()) - (self.instance is not None)
            program = cache.program_for(self.function, self.instance, (None,) * count)
            params = [cache.resolve(self.instance, ref.path) for ref in program.params]
            self._last = self._plan(program, params).adjoint
        return "\n\n".join(text.rstrip("\n") for text in (self._last.source, *self._last.callees)) + "\n"

    # -- the pieces of a call ---------------------------------------------------------------------
    def _split_sens(self, args):
        if not self.sens_param:
            return args, None
        if not args:
            raise GradValueError("sens_param=True needs the output's gradient (sens) as the last "
                                 "argument, and none was given")
        return args[:-1], args[-1]

    def _wrt_params(self, params):
        wanted = {id(w) for w in self.weights}
        return tuple(i for i, p in enumerate(params) if id(p) in wanted)

    def _sens_arrays(self, sens, count, program):
        if not self.sens_param:
            return []
        given = leaves(sens) if isinstance(sens, (tuple, list)) else [sens]
        if len(given) != count:
            raise GradValueError(
                f"sens has {len(given)} Tensor(s), but {program.qualname} returns {count} "
                f"output Tensor(s)", hint="Pass one sens per output, in the output's structure.")
        for i, s in enumerate(given):
            if not isinstance(s, Tensor):
                raise GradTypeError(f"sens{f'[{i}]' if count > 1 else ''} must be a Tensor, "
                                    f"got {type(s).__name__}")
        return [s._data for s in given]


class GradFunction(_Gradient):
    """The gradient function `GradOperation(...)(net, weights)`; `source` is its generated adjoint."""

    def __init__(self, op, fn, weights):
        super().__init__(fn, *_weights(op, weights), op.sens_param)
        self.op = op

    def __call__(self, *args):
        return self.shape(*self.run(args))

    def shape(self, input_grads, weight_grads, outputs):
        """MindSpore's result structure (the normalizer calls it with Symbols, for a gradient
        taken inside a construct)."""
        if self.single_weight:
            weight_grads = weight_grads[0]
        if self.op.get_by_list:
            return (input_grads, weight_grads) if self.op.get_all else weight_grads
        return input_grads if self.op.get_all else input_grads[0]

    def positions(self, program):
        tensors = tuple(i for i, value in enumerate(program.inputs) if is_symbol(value))
        if self.op.get_all:
            return tensors
        if self.op.get_by_list:
            return ()
        if not tensors:
            raise GradTypeError(f"{program.qualname} has no Tensor input to differentiate",
                                hint="Pass the input as a msgrad.Tensor, or ask for weights with "
                                     "get_by_list=True.")
        return tensors[:1]


@dataclass
class _Plan:
    """How one GradFunction calls one Program: the adjoint, the Parameters it was made for,
    the differentiated input positions, and where each weight's gradient is (None: zeros)."""
    program: object
    param_ids: tuple
    adjoint: object
    inputs: tuple
    params: tuple       # the differentiated Parameters' positions
    weights: tuple
    n_values: int       # output leaves it returns after the gradients (with `value`)
    in_order: bool      # whether the weights' gradients are the ones after the inputs', in order


_MAX_PLANS = 64     # programs and argument shapes a gradient function remembers how to call


def _key(inputs):
    """What a call's inputs must share with the last call's for its code to serve: each
    Tensor's shape and dtype, each constant (anything else never matches)."""
    return tuple([(a._data.shape, a._data.dtype) if isinstance(a, Tensor) else
                  (type(a), a) if isinstance(a, _CONSTANT_INPUTS) else object() for a in inputs])


def _signature(params, inputs):
    """The shape and dtype of each argument of generated code (Parameters, then Tensor inputs)."""
    return tuple((p._data.shape, p._data.dtype) for p in params) + tuple(
        (a._data.shape, a._data.dtype) for a in inputs if isinstance(a, Tensor))


def program_and_params(function, instance, inputs):
    """The Program of `function` (of `instance`) for these inputs, and the Parameters it reads."""
    program = cache.program_for(function, instance, tuple(_kind(a, i) for i, a in enumerate(inputs)))
    return program, [cache.resolve(instance, ref.path) for ref in program.params]


def run_generated(function, params, inputs, extra):
    """Call generated code on the arrays of `params`, of the Tensor `inputs`, then `extra`
    arrays; numpy's errors come out naming the user's line."""
    try:
        return function(*[p._data for p in params], *[a._data for a in inputs if isinstance(a, Tensor)], *extra)
    except MsgradError:
        raise
    except Exception as error:          # numpy's, from a line of generated code
        raise located(error) from error


def _split(fn):
    """(instance, function to capture) for a Cell, a bound method, a plain function, or a
    gradient function (`ms.grad(ms.grad(f))`: a second derivative)."""
    if isinstance(fn, Cell):
        return fn, type(fn).construct
    if isinstance(fn, _Gradient):
        if fn._as_function is None:           # one function per gradient, so its code is cached
            fn._as_function = _calling(fn)
        return fn.instance, fn._as_function
    from .transforms import _Jacobian
    if isinstance(fn, _Jacobian) and not fn.has_aux:
        # the sum of a Jacobian's elements is the sum of the gradient along ones
        return _split(FunctionalGrad(fn.fn, fn.positions, None, False, False, False, value=False))
    if hasattr(fn, "__self__") and hasattr(fn, "__func__"):
        return fn.__self__, fn.__func__
    if callable(fn) and hasattr(fn, "__code__"):
        return None, fn
    raise GradTypeError(f"GradOperation differentiates an nn.Cell or a Python function, "
                        f"not a {type(fn).__name__}")


def _calling(gradient):
    """A Python function (with source, for the compiler) that calls `gradient` and returns
    what it returns, a method of the gradient's Cell (if any): differentiating it
    differentiates the gradient's generated code."""
    name = f"gradient_of_{gradient.function.__name__.strip('<>')}"
    self = "self, " if gradient.instance is not None else ""      # a method of the same Cell
    text = f"def {name}({self}*inputs):\n    return gradient(*inputs)\n"
    filename = f"<msgrad {name} #{next(_serial)}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    namespace = {"gradient": gradient}
    exec(compile(text, filename, "exec"), namespace)
    return namespace[name]


_serial = itertools.count(1)


def _weights(op, weights):
    """(the weights as a tuple, whether one bare Parameter was given)."""
    if not op.get_by_list:
        return (), False
    if weights is None:
        raise GradTypeError("GradOperation(get_by_list=True) needs weights: call it as "
                            "grad_op(net, ParameterTuple(net.trainable_params()))")
    if isinstance(weights, Parameter):
        return (weights,), True
    if not isinstance(weights, (tuple, list)) or not all(isinstance(w, Parameter) for w in weights):
        raise GradTypeError("the weights of GradOperation(get_by_list=True) must be Parameters: a "
                            "ParameterTuple, a list of Parameters or one Parameter",
                            hint="Wrap Tensors you want gradients of in msgrad.Parameter.")
    return tuple(weights), False


def _kind(value, position):
    """None for a Tensor input (a value of the program); the value itself for a constant."""
    if isinstance(value, Tensor):
        return None
    if isinstance(value, _CONSTANT_INPUTS):
        return value
    raise GradTypeError(f"input {position} is a {type(value).__name__}; msgrad differentiates "
                        f"msgrad.Tensor inputs (Python numbers and strings pass as constants)",
                        hint="Wrap arrays as msgrad.Tensor(x)." if isinstance(value, np.ndarray) else None)


def _tensors(gradients, dtypes, seen):
    """The first len(dtypes) gradients as Tensors of these dtypes, each sharing memory with no
    array of `seen` (the sens) and no other gradient (generated code may hand one array to
    several gradients)."""
    out = []
    for g, dtype in zip(gradients, dtypes):
        if type(g) is not np.ndarray or g.dtype is not dtype and g.dtype != dtype:
            g = np.asarray(g).astype(dtype)
        elif id(g) in seen or g.base is not None and not g.flags.writeable:   # (a view: a broadcast one?)
            g = g.copy()
        seen.add(id(g))
        tensor = _new_tensor(Tensor)        # wrap(g), without its checks: a third of a call's cost
        tensor._data = g
        out.append(tensor)
    return out


_new_tensor = Tensor.__new__


def _weight_gradients(weights, indices, grads):
    """Each weight's gradient (its index in `grads`, or None for zeros: the function does not
    read it), a copy where a weight comes again."""
    out, taken = [], set()
    for w, k in zip(weights, indices):
        out.append(Tensor(np.zeros_like(w._data)) if k is None else
                   wrap(grads[k]._data.copy()) if k in taken else grads[k])
        taken.add(k)
    return tuple(out)


def grad(fn, grad_position=0, weights=None, has_aux=False, return_ids=False, sens_param=False):
    """`ms.grad`: a function computing the gradients of `fn` with respect to the inputs at
    `grad_position` (an int, a tuple of ints, or None) and to `weights`; with `has_aux`, `fn`
    returns (output, *aux) and only output is differentiated; with `return_ids`, each gradient
    comes paired with its position or its Parameter's name."""
    return FunctionalGrad(fn, grad_position, weights, has_aux, return_ids, sens_param, value=False)


def value_and_grad(fn, grad_position=0, weights=None, has_aux=False, return_ids=False, sens_param=False):
    """`ms.value_and_grad`: like `grad`, but the function returns (value of fn, gradients)."""
    return FunctionalGrad(fn, grad_position, weights, has_aux, return_ids, sens_param, value=True)


class FunctionalGrad(_Gradient):
    """What `grad` and `value_and_grad` return."""

    def __init__(self, fn, grad_position, weights, has_aux, return_ids, sens_param, value):
        for flag, name in ((has_aux, "has_aux"), (return_ids, "return_ids"), (sens_param, "sens_param")):
            if not isinstance(flag, bool):
                raise GradTypeError(f"For '_Grad', the '{name}' should be bool, but got {type(flag).__name__}")
        self.requested = _grad_positions(grad_position)
        if self.requested is None and weights is None:
            raise GradValueError("`grad_position` and `weight` can not be None at the same time.")
        weights, single = ((), False) if weights is None else _weight_list(weights)
        super().__init__(fn, weights, single, sens_param, value or has_aux, has_aux)   # aux needs values
        self.returns_value = value
        self.single_position = not isinstance(grad_position, tuple) or len(self.requested or ()) == 1
        self.return_ids, self.has_weights = return_ids, self.weights != () or single

    def positions(self, program):
        for p in self.requested or ():
            if p >= len(program.inputs):
                raise GradRuntimeError(f"Position index {p} is exceed input size.")
            if not is_symbol(program.inputs[p]):
                raise GradTypeError(f"input {p} of {program.qualname} is the constant "
                                    f"{program.inputs[p]!r}, which has no gradient",
                                    hint="Pass it as a msgrad.Tensor, or leave it out of grad_position.")
        return self.requested or ()

    def __call__(self, *args):
        return self.shape(*self.run(args))

    def shape(self, input_grads, weight_grads, outputs):
        """MindSpore's result structure (also with Symbols, see GradFunction.shape)."""
        grads = self._grads(input_grads, weight_grads)
        if self.returns_value:
            return outputs, grads
        return (grads, tuple(outputs[1:])) if self.aux else grads

    def _grads(self, input_grads, weight_grads):
        if self.return_ids:
            input_grads = tuple(zip(self.requested or (), input_grads))
            weight_grads = tuple(zip((w.name for w in self.weights), weight_grads))
        positions = input_grads[0] if self.single_position and input_grads else input_grads
        weights = weight_grads[0] if self.single_weight else weight_grads
        if self.requested is None:
            return weights
        return (positions, weights) if self.has_weights else positions


def _grad_positions(grad_position):
    """`grad_position` as a tuple of ints (or None), with MindSpore's errors."""
    if grad_position is None:
        return None
    if isinstance(grad_position, int):
        grad_position = (grad_position,)
    elif not isinstance(grad_position, tuple):
        raise GradTypeError("For 'F.grad', the 'grad_position' must be int or tuple.")
    if not grad_position:
        raise GradValueError("grad_position should not be empty when grad by position!")
    for p in grad_position:
        if not isinstance(p, int):
            raise GradTypeError("For 'F.grad', the element in 'grad_position' must be int.")
        if p < 0:
            raise GradValueError("grad_position must be >= 0.")
    if len(set(grad_position)) != len(grad_position):
        raise GradValueError("There are duplicate positions in `grad_position`, please check it")
    return tuple(int(p) for p in grad_position)


def _weight_list(weights):
    """(weights as a tuple, whether one bare Parameter was given), for `grad`."""
    if isinstance(weights, Parameter):
        return (weights,), True
    if isinstance(weights, (tuple, list)) and all(isinstance(w, Parameter) for w in weights):
        return tuple(weights), False
    raise GradTypeError(f"The weights you provided must be Parameters: one Parameter, or a list or "
                        f"tuple of them (a ParameterTuple), but got {type(weights).__name__}",
                        hint="Wrap Tensors you want gradients of in msgrad.Parameter.")
