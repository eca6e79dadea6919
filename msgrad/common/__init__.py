"""`msgrad.common`, as `mindspore.common`: Tensor, Parameter, dtypes, seeds, and the
initializers (`from msgrad.common.initializer import Normal`)."""
from ..tensor import Tensor, Parameter, ParameterTuple
from ..dtype import (Type, float16, float32, float64, int8, int16, int32, int64, uint8, bool_, float_, half,
                     single, double)
from ..context import set_seed, get_seed
from . import dtype, initializer
