"""`nn.Cell`: a network whose `construct` method msgrad runs eagerly and differentiates."""
from ..tensor import Parameter


def has_bprop(instance, function=None):
    """Whether `instance` is a Cell whose own bprop replaces the gradient of `function` (its
    construct, the default; not another method, nor a function that calls its gradient)."""
    return isinstance(instance, Cell) and callable(getattr(type(instance), "bprop", None)) and \
        function in (None, type(instance).construct)


class Cell:
    """Base class of networks. Parameters and Cells assigned as attributes are registered, in
    order; a child Cell's Parameters are renamed with its attribute path (`inner.w`)."""

    changes = 0     # counts attribute changes of every Cell: generated code found for one count
                    # is still right while it stays (see ops/grad_operation.py)

    def __init__(self, auto_prefix=True, flags=None):
        object.__setattr__(self, "_params", {})
        object.__setattr__(self, "_cells", {})
        object.__setattr__(self, "training", False)

    def __setattr__(self, name, value):
        if "_params" not in self.__dict__ and isinstance(value, (Parameter, Cell)):
            raise AttributeError(f"call super().__init__() in {type(self).__name__}.__init__ before "
                                 f"assigning Parameters or Cells")
        self.__dict__.get("_params", {}).pop(name, None)
        self.__dict__.get("_cells", {}).pop(name, None)
        if isinstance(value, Parameter):
            if not value._named_by_user:
                value.name = name
            self._params[name] = value
        elif isinstance(value, Cell):
            for path, param in value.parameters_and_names():
                param.name = f"{name}.{path}"
            self._cells[name] = value
        object.__setattr__(self, name, value)
        Cell.changes += 1

    def __getattr__(self, name):
        # Only reached when normal lookup fails.
        raise AttributeError(f"The '{type(self).__name__}' object has no attribute '{name}'.")

    def construct(self, *inputs):
        raise NotImplementedError(f"{type(self).__name__} must define construct()")

    def __call__(self, *inputs, **kwargs):
        return self.construct(*inputs, **kwargs)

    def parameters_and_names(self, name_prefix="", expand=True):
        """(name, Parameter) pairs: own Parameters first, then each child's, each once."""
        seen = set()
        for prefix, cell in self.cells_and_names(name_prefix) if expand else [(name_prefix, self)]:
            for attr, param in cell._params.items():
                if id(param) not in seen:
                    seen.add(id(param))
                    yield (f"{prefix}.{attr}" if prefix else attr), param

    def cells_and_names(self, cell_name=""):
        """(path, Cell) pairs of this Cell and every Cell below it."""
        yield cell_name, self
        for name, cell in self._cells.items():
            yield from cell.cells_and_names(f"{cell_name}.{name}" if cell_name else name)

    def get_parameters(self, expand=True):
        return (param for _, param in self.parameters_and_names(expand=expand))

    def trainable_params(self, recurse=True):
        return [p for p in self.get_parameters(expand=recurse) if p.requires_grad]

    def untrainable_params(self, recurse=True):
        return [p for p in self.get_parameters(expand=recurse) if not p.requires_grad]

    def name_cells(self):
        return dict(self._cells)

    def cells(self):
        return self._cells.values()

    def set_train(self, mode=True):
        for _, cell in self.cells_and_names():
            object.__setattr__(cell, "training", mode)
        Cell.changes += 1
        return self

    def set_grad(self, requires_grad=True):
        return self
