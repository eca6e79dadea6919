"""The contestants: each turns a workload into one call that computes the loss and the gradient
of every parameter and the input, the way that library's user writes it.

A builder returns a Contestant, or raises Missing when its library is not installed. Building
includes the first call, whose time is reported (msgrad: parse, generate, compile and run;
jax.jit: trace, compile and run)."""
import time
import types

import numpy as np

ORDER = ("numpy", "msgrad", "autograd", "jax", "jax.jit", "torch")
LABELS = {"numpy": "numpy (hand-written)", "msgrad": "msgrad", "autograd": "autograd",
          "jax": "jax.grad", "jax.jit": "jax.jit(jax.grad)", "torch": "torch eager"}


class Missing(Exception):
    """The contestant's library is not installed."""


class Contestant:
    """One timed call `fn(*args, **kwargs)`; `gradients(result)` gives the gradients as numpy
    arrays in the workload's order (parameters, then the input)."""

    def __init__(self, name, fn, args, kwargs=None, gradients=None, first_call_s=None, notes=None):
        self.name, self.fn, self.args, self.kwargs = name, fn, tuple(args), dict(kwargs or {})
        self.gradients = gradients or (lambda result: tuple(np.asarray(g) for g in result))
        self.first_call_s = first_call_s
        self.notes = dict(notes or {})

    def __call__(self):
        return self.fn(*self.args, **self.kwargs)


def names(workload):
    return workload.PARAMS + (workload.INPUT,)


def _first_call(contestant):
    start = time.perf_counter()
    contestant()
    contestant.first_call_s = time.perf_counter() - start
    return contestant


# -- hand-written numpy: the reference ------------------------------------------------------------

def build_numpy(workload, arrays, constants):
    args = [arrays[n] for n in names(workload)]
    return _first_call(Contestant("numpy", workload.numpy_value_and_grad, args, constants,
                                  gradients=lambda result: result[1]))


# -- msgrad: a Cell and GradOperation, as a MindSpore user writes it -----------------------------

def fresh_class(cls):
    """A new class behaving as `cls`, whose construct is a new function object with the same
    code: msgrad's caches know nothing of it, so its first gradient call generates everything."""
    old = cls.construct
    construct = types.FunctionType(old.__code__, old.__globals__, old.__name__, old.__defaults__,
                                   old.__closure__)
    construct.__qualname__, construct.__module__ = old.__qualname__, old.__module__
    return type(cls.__name__, (cls,), {"construct": construct, "__module__": cls.__module__,
                                       "__qualname__": cls.__qualname__})


def msgrad_gradient_function(workload, arrays, constants, cls=None):
    import msgrad as ms
    import msgrad.ops as ops
    net = (cls or workload.Net)(arrays, constants)
    params = net.trainable_params()
    grad_fn = ops.GradOperation(get_all=True, get_by_list=True)(net, ms.ParameterTuple(params))
    return grad_fn, [p.name for p in params]


def msgrad_first_call_s(workload, arrays, constants):
    """Seconds from a new GradOperation on a never-seen Cell class to its first gradients."""
    import msgrad as ms
    cls = fresh_class(workload.Net)
    x = ms.Tensor(arrays[workload.INPUT])
    start = time.perf_counter()
    grad_fn, _ = msgrad_gradient_function(workload, arrays, constants, cls)
    grad_fn(x)
    return time.perf_counter() - start


def build_msgrad(workload, arrays, constants):
    try:
        import msgrad as ms
    except ImportError as error:
        raise Missing(str(error)) from None
    x = ms.Tensor(arrays[workload.INPUT])
    start = time.perf_counter()
    grad_fn, param_names = msgrad_gradient_function(workload, arrays, constants)
    grad_fn(x)
    first_call_s = time.perf_counter() - start
    if sorted(param_names) != sorted(workload.PARAMS):
        raise AssertionError(f"msgrad's trainable_params() are {param_names}, "
                             f"the workload's parameters {list(workload.PARAMS)}")

    def gradients(result):
        (dx,), weight_grads = result
        by_name = dict(zip(param_names, weight_grads))
        return tuple(by_name[n].asnumpy() for n in workload.PARAMS) + (dx.asnumpy(),)

    contestant = Contestant("msgrad", grad_fn, [x], gradients=gradients, first_call_s=first_call_s)
    contestant.grad_fn = grad_fn
    return contestant


def build_msgrad_generated(workload, arrays, constants, grad_fn):
    """The function msgrad generated, called directly on arrays: what grad_fn(x) costs without
    the GradOperation wrapper around it. Reaches into msgrad (the adjoint its last call ran,
    whose signature names the parameters, then the input; it returns the input's gradient,
    then the parameters'), so it may break as msgrad changes; the gradient check would say so."""
    import inspect
    function = grad_fn._last.function
    order = [n for n in inspect.signature(function).parameters if n != workload.INPUT]
    args = [arrays[n] for n in order] + [arrays[workload.INPUT]]

    def gradients(result):
        by_name = dict(zip([workload.INPUT] + order, (np.asarray(g) for g in result)))
        return tuple(by_name[n] for n in names(workload))

    return _first_call(Contestant("msgrad-generated", function, args, gradients=gradients))


# -- the peers ---------------------------------------------------------------------------------------

def build_autograd(workload, arrays, constants):
    try:
        import autograd
    except ImportError as error:
        raise Missing(str(error)) from None
    loss = workload.autograd_loss(constants)
    grad = autograd.grad(lambda args: loss(*args))
    return _first_call(Contestant("autograd", grad, [tuple(arrays[n] for n in names(workload))]))


def _jax(workload, arrays, constants, jit):
    try:
        import jax
    except ImportError as error:
        raise Missing(str(error)) from None
    make = getattr(workload, "jax_jit_loss", workload.jax_loss) if jit else workload.jax_loss
    loss = make(constants)
    args = [jax.device_put(arrays[n]) for n in names(workload)]
    grad = jax.grad(loss, argnums=tuple(range(len(args))))
    if jit:
        grad = jax.jit(grad)

    def call(*args):
        return jax.block_until_ready(grad(*args))
    return _first_call(Contestant("jax.jit" if jit else "jax", call, args))


def build_jax(workload, arrays, constants):
    return _jax(workload, arrays, constants, jit=False)


def build_jax_jit(workload, arrays, constants):
    return _jax(workload, arrays, constants, jit=True)


def build_torch(workload, arrays, constants):
    try:
        import torch
    except ImportError as error:
        raise Missing(str(error)) from None
    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:                  # only settable before torch's first parallel work
        pass
    loss = workload.torch_loss(constants)
    leaves = [torch.from_numpy(arrays[n].copy()).requires_grad_() for n in names(workload)]

    def call(*leaves):
        return torch.autograd.grad(loss(*leaves), leaves)
    return _first_call(Contestant("torch", call, leaves,
                                  gradients=lambda result: tuple(g.numpy() for g in result)))


BUILDERS = {"numpy": build_numpy, "msgrad": build_msgrad, "autograd": build_autograd,
            "jax": build_jax, "jax.jit": build_jax_jit, "torch": build_torch}
