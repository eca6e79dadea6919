"""Networks: `nn.Cell` and the Cells that hold Cells."""
from .cell import Cell
from .container import CellList, SequentialCell
