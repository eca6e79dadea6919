"""MindSpore's dtype objects (`ms.float32` prints as `Float32`), each tied to a numpy dtype."""
import numpy as np


class Type:
    """A tensor element type: `str()` is MindSpore's name, `.np` the numpy dtype behind it."""

    def __init__(self, name, np_dtype):
        self.name, self.np = name, np.dtype(np_dtype)

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"msgrad.{self.name.lower()}"

    def __eq__(self, other):
        if isinstance(other, Type):
            return self.np == other.np
        return NotImplemented

    def __hash__(self):
        return hash(self.np)


float16 = Type("Float16", np.float16)
float32 = Type("Float32", np.float32)
float64 = Type("Float64", np.float64)
int8 = Type("Int8", np.int8)
int16 = Type("Int16", np.int16)
int32 = Type("Int32", np.int32)
int64 = Type("Int64", np.int64)
uint8 = Type("UInt8", np.uint8)
bool_ = Type("Bool", np.bool_)

float_ = float32
half, single, double = float16, float32, float64

_BY_NUMPY = {t.np: t for t in (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)}


def from_numpy(np_dtype):
    """The msgrad Type of a numpy dtype."""
    try:
        return _BY_NUMPY[np.dtype(np_dtype)]
    except KeyError:
        raise TypeError(f"msgrad has no dtype for numpy's {np.dtype(np_dtype)}") from None


def to_numpy(dtype):
    """The numpy dtype of a msgrad Type, numpy dtype or Python type."""
    if isinstance(dtype, Type):
        return dtype.np
    return from_numpy(dtype).np
