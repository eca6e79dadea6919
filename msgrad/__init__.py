"""msgrad: a source-to-source automatic-differentiation compiler for numpy, with MindSpore's API.

    import msgrad as ms, msgrad.nn as nn, msgrad.ops as ops
    grad_fn = ops.GradOperation(get_by_list=True)(net, ms.ParameterTuple(net.trainable_params()))
    grads = grad_fn(x)
    print(grad_fn.source)        # the generated adjoint
"""
from .tensor import Tensor, Parameter, ParameterTuple
from .dtype import (Type, float16, float32, float64, int8, int16, int32, int64, uint8, bool_,
                    float_, half, single, double)
from .context import GRAPH_MODE, PYNATIVE_MODE, set_context, get_context, set_seed, get_seed
from . import common, nn, ops
from .ops import grad, jacfwd, jacrev, jvp, value_and_grad, vjp

bool = bool_   # noqa: A001  (MindSpore spells it ms.bool as well)

__version__ = "0.1.0"
