"""The six workloads of the benchmark, in the order the table shows them.

Each module is one workload: a loss over parameters and one input, float32, written once per
contestant as that contestant's user writes it. A module defines

    TITLE         one line for the table
    PARAMS        names of the parameters, in the order their gradients are reported
    INPUT         name of the input; its gradient comes after the parameters'
    make_data(rng)                 -> (arrays: {name: float32 array}, constants: {name: array})
    Net(arrays, constants)         -> the msgrad nn.Cell; construct(input) returns the loss
    numpy_value_and_grad(*arrays, **constants) -> (loss, gradients), hand-written
    autograd_loss(constants), jax_loss(constants), torch_loss(constants)
                                   -> loss(*arrays) in that library (imported inside, so a
                                      missing peer only skips its own column)

where *arrays are the parameters then the input, in PARAMS + (INPUT,) order."""
import importlib

NAMES = ("tiny", "chain", "mlp64", "mlp1024", "rnn", "control")

_MODULES = {"tiny": "tiny", "chain": "chain", "mlp64": "mlp", "mlp1024": "mlp", "rnn": "rnn",
            "control": "control"}


def load(name):
    """The workload `name` (one of NAMES) as a module-like object."""
    if name not in _MODULES:
        raise KeyError(f"unknown workload {name!r}; choose from {', '.join(NAMES)}")
    module = importlib.import_module(f"{__name__}.{_MODULES[name]}")
    return module.variant(name) if hasattr(module, "variant") else module
