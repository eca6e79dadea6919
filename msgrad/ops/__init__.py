"""msgrad.ops: functional operations, primitive classes, GradOperation and stop_gradient."""
from ..errors import GradError, GradTypeError, GradValueError, MsgradError
from .functional import (add, sub, mul, div, neg, negative, maximum, minimum, exp, log, sin, cos,
                         tanh, sqrt, matmul, stop_gradient, pow, dot, sum, mean, reshape, transpose)
from .grad_operation import GradFunction, GradOperation
from .operations import (Primitive, Exp, Log, Sin, Cos, Tanh, Sqrt, Neg, Add, Sub, Mul, Div, RealDiv,
                         Pow, Maximum, Minimum, StopGradient, MatMul, BatchMatMul, ReduceSum,
                         ReduceMean, Reshape, Transpose)
