"""The one table of primitives. Each family module adds its entries; `TABLE` holds them all."""
from .core import TABLE, Primitive, Symbol, entry_point, reaches, tracing
from .elementwise import (add, subtract, multiply, divide, power, negative, maximum, minimum,
                          exp, log, sin, cos, tanh, sqrt)
from .reductions import reduce_sum, reduce_mean
from .linalg import matmul
from .shape import reshape, transpose, swapaxes
from .control import stop_gradient, identity, truth, length
from .indexing import getitem, index
from . import numpy_names  # noqa: F401  (registers np.sum, np.mean, ... as entry points)
