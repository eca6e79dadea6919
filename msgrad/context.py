"""`set_context`/`get_context` with MindSpore's keys, and `set_seed`."""
import contextlib
import threading

import numpy as np

GRAPH_MODE = 0
PYNATIVE_MODE = 1

_DEFAULTS = {"mode": PYNATIVE_MODE, "device_target": "CPU", "device_id": 0,
             "save_graphs": 0, "save_graphs_path": "."}
_context = dict(_DEFAULTS)
_seed = {"seed": None, "rng": np.random.default_rng()}
_scratch = threading.local()     # a throwaway generator, while one is in use in this thread


def set_context(**kwargs):
    """Set context keys. `save_graphs=True` with `save_graphs_path` makes every newly
    generated adjoint be written there as a `.py` file (as MSGRAD_DUMP=<dir> does)."""
    for key, value in kwargs.items():
        if key not in _DEFAULTS:
            raise ValueError(f"For 'context.set_context', the keyword argument {key} is not recognized! "
                             f"msgrad knows: {', '.join(_DEFAULTS)}.")
        if key == "mode" and value not in (GRAPH_MODE, PYNATIVE_MODE):
            raise ValueError(f"For 'context.set_context', mode must be GRAPH_MODE (0) or PYNATIVE_MODE (1), "
                             f"got {value!r}.")
        if key == "device_target" and value not in ("CPU", "GPU", "Ascend"):
            raise ValueError(f"For 'context.set_context', device_target must be 'CPU', 'GPU' or 'Ascend', "
                             f"got {value!r}.")
        _context[key] = value


def get_context(attr_key):
    if attr_key not in _DEFAULTS:
        raise ValueError(f"For 'context.get_context', the key {attr_key} is not recognized.")
    return _context[attr_key]


def set_seed(seed):
    """Seed msgrad's random initializers."""
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"set_seed needs a non-negative int, got {seed!r}")
    _seed["seed"] = seed
    _seed["rng"] = np.random.default_rng(seed)


def get_seed():
    return _seed["seed"]


def rng():
    """The random generator that initializers and dropout draw from."""
    return getattr(_scratch, "rng", None) or _seed["rng"]


@contextlib.contextmanager
def scratch_rng():
    """Random draws made inside go to a throwaway generator: the seeded one is left as it was
    (the compiler runs steps on stand-in values, see compiler/shapes.py)."""
    _scratch.rng = np.random.default_rng(0)
    try:
        yield
    finally:
        _scratch.rng = None
