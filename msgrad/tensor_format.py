"""Text forms of a tensor, byte-identical to MindSpore 2.10.

``str(tensor)`` in MindSpore is simply ``str(tensor.asnumpy())``.
``repr(tensor)`` comes from MindSpore's C++ printer, which formats elements
with C++ streams (``%g``-like scalars, ``% .8e``-like array floats), inserts
commas, summarizes long axes and wraps long 1-D rows. This module reproduces
that printer on top of numpy; it only reads the array, never numpy's scalar
reprs (which changed in numpy 2).
"""
import numpy as np

__all__ = ["tensor_str", "tensor_repr"]

_EDGE = 3              # items kept at each end of a summarized axis
_MAX_ND = 6            # an axis longer than this is summarized (ndim >= 2)
_MAX_1D = 1000         # a 1-D tensor is summarized only above this length
_PER_LINE_FLOAT = 12   # 1-D rows wrap after this many floats ...
_PER_LINE_BOOL = 12    # ... bools ...
_PER_LINE_INT = 24     # ... or integers


# numpy 2.3 switches float16/float32 to scientific notation sooner (e.g.
# str(np.float16(65504)) became '6.55e+04'); MindSpore 2.10 ships with numpy
# 1.x rules ('65500.0'), which legacy='2.2' restores without other changes.
_NEW_EXP_CUTOFF = tuple(int(p) for p in np.__version__.split(".")[:2]) >= (2, 3)


def tensor_str(array: np.ndarray) -> str:
    """What ``str(tensor)`` / ``print(tensor)`` shows: numpy's ``str``."""
    a = np.asarray(array)
    if _NEW_EXP_CUTOFF and np.get_printoptions()["legacy"] is False:
        with np.printoptions(legacy="2.2"):
            return str(a)
    return str(a)


def tensor_repr(array: np.ndarray, dtype_name: str) -> str:
    """What ``repr(tensor)`` shows, e.g. ``Tensor(shape=[1], dtype=Float32, value= [ 5.00000000e+00])``."""
    a = np.asarray(array)
    shape = "[" + ", ".join(str(d) for d in a.shape) + "]"
    sep = "\n" if a.ndim > 1 else " "
    return f"Tensor(shape={shape}, dtype={dtype_name}, value={sep}{_body(a)})"


def _body(a: np.ndarray) -> str:
    if a.size == 0:
        return ""
    if a.ndim == 0:
        return _scalar(a[()], a.dtype)
    kept, elided = _summarize(a)
    cells, per_line = _cells(kept)
    # Only an unsummarized 1-D row wraps (a summarized one is 3 + 3 items).
    if a.ndim > 1 or elided[0]:
        per_line = 0
    return _nest(cells, elided, 0, per_line)


def _summarize(a: np.ndarray):
    """Keep only the printed items: the edges of every over-long axis."""
    limit = _MAX_1D if a.ndim == 1 else _MAX_ND
    elided = []
    for axis, n in enumerate(a.shape):
        cut = n > limit
        if cut:
            idx = list(range(_EDGE)) + list(range(n - _EDGE, n))
            a = np.take(a, idx, axis=axis)
        elided.append(cut)
    return a, elided


def _cells(a: np.ndarray):
    """Format every kept element to its final fixed-width string.

    Returns the strings (shaped like ``a``) and the 1-D items per line.
    """
    flat = a.ravel()
    if a.dtype == np.bool_:
        texts = ["True" if v else "False" for v in flat]
        width, per_line = 5, _PER_LINE_BOOL
    elif np.issubdtype(a.dtype, np.floating):
        half = a.dtype == np.float16
        texts = [_sci(float(v), 4 if half else 8) for v in flat]
        width, per_line = (11 if half else 15), _PER_LINE_FLOAT
    else:
        # Integers are right-aligned to the widest printed one.
        texts = [str(int(v)) for v in flat]
        width, per_line = max(len(t) for t in texts), _PER_LINE_INT
    cells = np.array([t.rjust(width) for t in texts], dtype=object).reshape(a.shape)
    return cells, per_line


def _nest(cells: np.ndarray, elided, depth: int, per_line: int) -> str:
    if cells.ndim == 1:
        return "[" + _row(list(cells), elided[depth], per_line) + "]"
    indent = " " * (depth + 1)
    parts = [_nest(sub, elided, depth + 1, per_line) for sub in cells]
    join = (",\n" + indent).join
    if not elided[depth]:
        return "[" + join(parts) + "]"
    # MindSpore puts a comma before the ellipsis line but none after it.
    return "[" + join(parts[:_EDGE]) + ",\n" + indent + "...\n" + indent + join(parts[_EDGE:]) + "]"


def _row(items, cut: bool, per_line: int) -> str:
    if cut:
        return ", ".join(items[:_EDGE]) + " ... " + ", ".join(items[_EDGE:])
    if not per_line:
        return ", ".join(items)
    out = []
    for i, item in enumerate(items, 1):
        out.append(item if i == len(items) else item + ", ")
        # A full line gets a break even after the last item, hence the
        # odd "\n ])" ending of e.g. a 12-float tensor.
        if i % per_line == 0:
            out.append("\n ")
    return "".join(out)


def _scalar(value, dtype) -> str:
    """A 0-d tensor: plain C++ stream output (``%g``, no padding)."""
    if dtype == np.bool_:
        return "True" if value else "False"
    if np.issubdtype(dtype, np.floating):
        return _signed_nan(float(value)) or "%g" % float(value)
    return str(int(value))


def _sci(value: float, precision: int) -> str:
    """C++ ``std::scientific`` output (width is applied by the caller)."""
    return _signed_nan(value) or "%.*e" % (precision, value)


def _signed_nan(value: float):
    # C prints the sign bit of a NaN ("-nan"); Python's formatting drops it.
    if value != value:
        return "-nan" if np.signbit(value) else "nan"
    return None
