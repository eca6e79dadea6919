"""`msgrad.common.dtype`, as `mindspore.common.dtype` (`from msgrad.common import dtype as mstype`)."""
from ..dtype import (Type, float16, float32, float64, int8, int16, int32, int64, uint8, bool_,  # noqa: F401
                     float_, half, single, double)

bool = bool_   # noqa: A001  (MindSpore spells it mstype.bool as well)
