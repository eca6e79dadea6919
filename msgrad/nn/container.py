"""Cells that hold Cells: `CellList` and `SequentialCell`, named `0`, `1`, ... as in MindSpore."""
from .cell import Cell


class CellList(Cell):
    """A list of Cells; its children are registered as `0`, `1`, ... (`layers.0.weight`)."""

    def __init__(self, cells=None):
        super().__init__()
        for cell in cells or ():
            self.append(cell)

    def append(self, cell):
        setattr(self, str(len(self._cells)), cell)
        return self

    def extend(self, cells):
        for cell in cells:
            self.append(cell)
        return self

    def __getitem__(self, index):
        cells = list(self._cells.values())
        if isinstance(index, slice):
            return CellList(cells[index])
        return cells[index]

    def __len__(self):
        return len(self._cells)

    def __iter__(self):
        return iter(list(self._cells.values()))

    def construct(self, *inputs):
        raise TypeError("a CellList is not called; iterate over it or index it")


class SequentialCell(CellList):
    """Cells applied one after another: `SequentialCell([a, b])(x)` is `b(a(x))`."""

    def __init__(self, *args):
        super().__init__(args[0] if len(args) == 1 and isinstance(args[0], (list, tuple)) else args)

    def construct(self, x):
        for cell in self:
            x = cell(x)
        return x
