"""Cells with a custom backward rule: `bprop(self, *inputs, out, dout)` replaces the gradient
of `construct`, as in MindSpore.

The forward function is construct's generated code; the backward function calls the Cell's
`bprop` on Tensors, as MindSpore's PyNative mode does: `out` is construct's output, `dout`
its gradient (a Tensor, or a flat tuple of one per output Tensor; zeros for outputs nothing
used). bprop returns one gradient per input (a tuple, a list, or a bare Tensor for one input;
None means zeros; extra items are ignored); they are cast to their input's dtype. The Cell's
own Parameters get zero gradients."""
import inspect

import numpy as np

from ..compiler.ir import is_symbol, map_leaves
from ..errors import GradRuntimeError, GradTypeError, SourceLocation
from ..tensor import Tensor, wrap


class BpropPair:
    """A callee's forward and backward functions (see compiler.Pair) for a Cell with a bprop."""

    def __init__(self, values, program, instance):
        self.values, self.program, self.instance = values, program, instance
        self.n_params = len(program.params)

    def forward(self, *args):
        """(*outputs, residuals): construct's generated code on arrays (params, then inputs)."""
        outputs = self.values(*args)
        return (*outputs, (args[self.n_params:], outputs))

    def backward(self, residuals, *douts):
        """Gradients of the Tensor inputs (from bprop), then zeros for the Parameters (one bare,
        as generated backward functions return it)."""
        tensors, outputs = residuals
        grads = self.run(tensors, outputs, douts)
        grads += [np.zeros(np.shape(p._data), p._data.dtype) for p in self.parameters()]
        return grads[0] if len(grads) == 1 else tuple(grads)

    def parameters(self):
        from ..compiler.cache import resolve
        return [resolve(self.instance, ref.path) for ref in self.program.params]

    def run(self, tensors, outputs, douts):
        """bprop on Tensors: the gradients of the Tensor inputs, as arrays."""
        given = iter(tensors)
        inputs = [Tensor(next(given)) if is_symbol(i) else i for i in self.program.inputs]
        values = iter(outputs)
        out = map_leaves(self.program.output, lambda leaf: wrap(np.asarray(next(values))))
        dout = tuple(wrap(np.zeros_like(np.asarray(v)) if g is None else np.asarray(g))
                     for g, v in zip(douts, outputs))
        result = self.instance.bprop(*inputs, out, dout if len(dout) > 1 else dout[0])
        result = tuple(result) if isinstance(result, (tuple, list)) else (result,)
        if len(result) < len(inputs):
            raise self.error(f"Grad size should lager than forward inputs, but got {len(result)} vs "
                             f"{len(inputs)}: {type(self.instance).__name__}.bprop returns one gradient "
                             f"per input of construct")
        return [self.gradient(g, x) for g, x in zip(result, inputs) if isinstance(x, Tensor)]

    def gradient(self, g, x):
        if g is None:
            return np.zeros_like(x._data)
        if not isinstance(g, Tensor):
            raise self.error(f"{type(self.instance).__name__}.bprop returned a {type(g).__name__} "
                             f"as a gradient; it must return Tensors (or None for zeros)", cls=GradTypeError)
        if g.shape != x.shape:
            raise self.error(f"For grad interface or custom function, grad tensor should be broadcast to "
                             f"expected shape, but got {list(g.shape)} vs {list(x.shape)}")
        return g._data.astype(x._data.dtype, copy=False)

    def error(self, message, cls=GradRuntimeError):
        fn = type(self.instance).bprop
        where = SourceLocation(inspect.getsourcefile(fn) or fn.__code__.co_filename,
                               fn.__code__.co_firstlineno, function=fn.__qualname__)
        return cls(message, where)
