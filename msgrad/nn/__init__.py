"""Networks: `nn.Cell`."""
from .cell import Cell

__all__ = ["Cell"]
