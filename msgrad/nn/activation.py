"""Activation layers, as MindSpore spells them: `nn.ReLU()`, `nn.Softmax(axis)`, `nn.GELU()`, ...
and `get_activation(name)` for the names `nn.Dense(..., activation='relu')` takes."""
from .. import ops
from .cell import Cell


class ReLU(Cell):
    """max(x, 0)."""

    def construct(self, input):
        return ops.relu(input)


class ReLU6(Cell):
    """min(max(x, 0), 6)."""

    def construct(self, x):
        return ops.relu6(x)


class LeakyReLU(Cell):
    """x where x > 0, else alpha * x."""

    def __init__(self, alpha=0.2):
        super().__init__()
        self.alpha = alpha

    def construct(self, x):
        return ops.leaky_relu(x, self.alpha)


class ELU(Cell):
    """x where x > 0, else alpha * (exp(x) - 1)."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def construct(self, input_x):
        return ops.elu(input_x, self.alpha)


class Sigmoid(Cell):
    """1 / (1 + exp(-x))."""

    def construct(self, x):
        return ops.sigmoid(x)


class SiLU(Cell):
    """x * sigmoid(x)."""

    def construct(self, x):
        return x * ops.sigmoid(x)


class Tanh(Cell):
    """tanh(x)."""

    def construct(self, x):
        return ops.tanh(x)


class Softmax(Cell):
    """exp(x) / sum(exp(x)) along `axis`."""

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def construct(self, input):
        return ops.softmax(input, self.axis)


class LogSoftmax(Cell):
    """log(softmax(x)) along `axis`."""

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def construct(self, x):
        return ops.log_softmax(x, self.axis)


class GELU(Cell):
    """x * Φ(x); with `approximate=True` (MindSpore's default), its tanh approximation."""

    def __init__(self, approximate=True):
        super().__init__()
        if not isinstance(approximate, bool):
            raise TypeError(f"For 'GELU', the type of 'approximate' must be bool, but got "
                            f"{type(approximate).__name__}.")
        self.approximate = "tanh" if approximate else "none"

    def construct(self, x):
        return ops.gelu(x, approximate=self.approximate)


_ACTIVATIONS = {"relu": ReLU, "relu6": ReLU6, "leakyrelu": LeakyReLU, "elu": ELU, "sigmoid": Sigmoid,
                "silu": SiLU, "tanh": Tanh, "softmax": Softmax, "logsoftmax": LogSoftmax, "gelu": GELU}


def get_activation(name, prim_name=None):
    """A new activation Cell for its name ('relu', 'gelu', ...); None for None."""
    if name is None:
        return None
    if name not in _ACTIVATIONS:
        prefix = f"For '{prim_name}', the" if prim_name else "The"
        raise KeyError(f"{prefix} 'name' must be in {list(_ACTIVATIONS)}, but got {name}.")
    return _ACTIVATIONS[name]()
