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


class Softmin(Cell):
    """softmax(-x) along `axis`."""

    def __init__(self, axis=-1):
        super().__init__()
        self.axis = axis

    def construct(self, x):
        return ops.softmax(-x, self.axis)


class Mish(Cell):
    """x * tanh(softplus(x))."""

    def construct(self, input_x):
        return ops.mish(input_x)


class SeLU(Cell):
    """scale * (x where x > 0, else alpha * (exp(x) - 1)), with SELU's fixed scale and alpha."""

    def construct(self, input_x):
        return ops.selu(input_x)


class CELU(Cell):
    """x where x > 0, else alpha * (exp(x / alpha) - 1)."""

    def __init__(self, alpha=1.0):
        super().__init__()
        self.alpha = alpha

    def construct(self, x):
        return ops.celu(x, self.alpha)


class Hardtanh(Cell):
    """x clipped to [min_val, max_val]."""

    def __init__(self, min_val=-1.0, max_val=1.0):
        super().__init__()
        if min_val >= max_val:
            raise ValueError(f"For Hardtanh, min_val should be less than max_val,but got {min_val} and {max_val}")
        self.min_val, self.max_val = min_val, max_val

    def construct(self, x):
        return ops.hardtanh(x, self.min_val, self.max_val)


class HSigmoid(Cell):
    """min(max(x / 6 + 1/2, 0), 1)."""

    def construct(self, input):
        return ops.hardsigmoid(input)


class HSwish(Cell):
    """x * HSigmoid(x)."""

    def construct(self, input):
        return ops.hardswish(input)


class LogSigmoid(Cell):
    """log(sigmoid(x))."""

    def construct(self, input_x):
        return ops.logsigmoid(input_x)


class Softsign(Cell):
    """x / (1 + |x|)."""

    def construct(self, x):
        return ops.softsign(x)


class Tanhshrink(Cell):
    """x - tanh(x)."""

    def construct(self, x):
        return ops.tanhshrink(x)


class SoftShrink(Cell):
    """x - lambd where x > lambd, x + lambd where x < -lambd, else 0."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def construct(self, input_x):
        return ops.softshrink(input_x, self.lambd)


class HShrink(Cell):
    """x where |x| > lambd, else 0."""

    def __init__(self, lambd=0.5):
        super().__init__()
        self.lambd = lambd

    def construct(self, input):
        return ops.hardshrink(input, self.lambd)


class Identity(Cell):
    """The input itself (MindSpore's placeholder layer; it takes and ignores any arguments)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def construct(self, input):
        return input


# the names nn.Dense(..., activation=name) takes, those of MindSpore's that msgrad has
_ACTIVATIONS = {"softmin": Softmin, "softmax": Softmax, "logsoftmax": LogSoftmax, "relu": ReLU, "relu6": ReLU6,
                "silu": SiLU, "tanh": Tanh, "tanhshrink": Tanhshrink, "hardtanh": Hardtanh, "gelu": GELU,
                "elu": ELU, "sigmoid": Sigmoid, "softsign": Softsign, "leakyrelu": LeakyReLU, "hswish": HSwish,
                "hsigmoid": HSigmoid, "logsigmoid": LogSigmoid, "softshrink": SoftShrink, "hshrink": HShrink,
                "mish": Mish}


def get_activation(name, prim_name=None):
    """A new activation Cell for its name ('relu', 'gelu', ...); None for None."""
    if name is None:
        return None
    if name not in _ACTIVATIONS:
        prefix = f"For '{prim_name}', the" if prim_name else "The"
        raise KeyError(f"{prefix} 'name' must be in {list(_ACTIVATIONS)}, but got {name}.")
    return _ACTIVATIONS[name]()
