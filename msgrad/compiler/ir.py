"""The normalized form of a function: one primitive call per step (A-normal form).

    t1 = multiply(w, x)          Op(target='t1', prim=multiply, args=(w, x), static={})
    f = add(t1, b)               Op(target='f', prim=add, args=(t1, b), static={})

An argument is a `Symbol` (a value of the program: an input, a Parameter, a step's result) or
a constant (a Python number, a tuple...). Each step remembers the user's statement it came from.
"""
import ast
import copy
import dataclasses
from dataclasses import dataclass, field

from ..primitives import Primitive, Symbol


@dataclass
class Op:
    target: str
    prim: Primitive
    args: tuple
    static: dict
    stmt: ast.stmt            # the user's statement, for comments and error locations

    def __str__(self):
        args = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.static.items()]
        return f"{self.target} = {self.prim.name}({', '.join(args)})"


@dataclass
class Call:
    """`*targets, residuals = forward(*args)`: a call of a user function or sub-Cell, whose
    Program has a generated forward and backward function of its own (`callee.pair`). `args`
    are the callee's Parameters, then its Tensor inputs; `targets` name its Tensor outputs."""
    targets: list
    callee: object            # the callee's Program
    args: tuple
    names: tuple              # (forward function, backward function, residuals) names in the caller
    stmt: ast.stmt
    custom: object = None     # the Cell whose own bprop replaces the callee's gradient, if any

    def __str__(self):
        return f"{', '.join(self.targets)} = {self.callee.qualname}({', '.join(map(repr, self.args))})"


def targets(step):
    """The names a step (Op or Call) assigns."""
    return step.targets if isinstance(step, Call) else [step.target]


def arguments(step):
    """The Symbols a step (Op or Call) reads."""
    return [a.name for a in step.args if is_symbol(a)]


def steps(block):
    """The Op and Call steps of a block, nested blocks included."""
    return [s for s in walk(block) if isinstance(s, (Op, Call))]


@dataclass
class If:
    """`if test: body else: orelse`; values assigned in either branch are joined by `identity`
    steps at the end of both, so after the `if` each has one name."""
    test: object
    body: list
    orelse: list
    stmt: ast.stmt


@dataclass
class Loop:
    """A loop run by Python in the generated code.

    kind "range": `for index in range(*bounds)`; kind "while": each iteration runs `head`,
    which computes `test`, and leaves when it is false. Values the loop carries from one
    iteration to the next keep one name: `carry` copies each iteration's result into it. The
    loop ends after an iteration in which `stop` (a flag or a constant) is true."""
    kind: str
    index: str
    bounds: tuple
    head: list
    test: object
    body: list
    carry: list
    stop: object
    stmt: ast.stmt


def walk(block):
    """Every step of a block, nested blocks included, in program order."""
    for stmt in block:
        yield stmt
        if isinstance(stmt, If):
            yield from walk(stmt.body)
            yield from walk(stmt.orelse)
        elif isinstance(stmt, Loop):
            yield from walk(stmt.head)
            yield from walk(stmt.body)
            yield from walk(stmt.carry)


@dataclass
class ParamRef:
    """A Parameter read as `self.<path>`; `var` is its name in generated code."""
    path: tuple
    var: str


@dataclass
class Program:
    """A captured, checked and normalized function: what the reverse stage transforms."""
    qualname: str                 # "Net.construct"
    source: object                # capture.Source: file, lines, locations
    inputs: list                  # one entry per positional argument: a Symbol or a constant
    params: list                  # ParamRef, in order of first use
    body: list                    # Op
    output: object                # a Symbol, a constant, or a tuple/list of these
    constants: dict = field(default_factory=dict)   # generated-code global name -> array
    reads: dict = field(default_factory=dict)       # path from self -> fingerprint the code relies on
    names: object = None          # the NameAllocator that made every name above
    adjoints: dict = field(default_factory=dict)    # what is differentiated -> compiled Adjoint

    @property
    def arg_names(self):
        """The generated function's arguments: its Parameters, then its Tensor inputs."""
        return [p.var for p in self.params] + [i.name for i in self.inputs if is_symbol(i)]

    @property
    def output_symbols(self):
        """Its output's Symbols, each once, in order (a Call names one target for each)."""
        return list({id(leaf): leaf for leaf in leaves(self.output) if is_symbol(leaf)}.values())

    def __str__(self):
        return "\n".join(map(str, walk(self.body))) + f"\nreturn {self.output!r}"


def leaves(structure):
    """The Symbols and constants of a possibly nested tuple/list output, in order."""
    if isinstance(structure, (tuple, list)):
        return [leaf for item in structure for leaf in leaves(item)]
    return [structure]


def map_leaves(structure, fn):
    """`structure` with `fn` applied to each leaf of its (possibly nested) tuples and lists."""
    if isinstance(structure, (tuple, list)):
        return type(structure)(map_leaves(item, fn) for item in structure)
    return fn(structure)


def is_symbol(value):
    return isinstance(value, Symbol)


class NameAllocator:
    """Hands out names that are unique in one generated function and deterministic."""

    def __init__(self, reserved=()):
        self.used = set(reserved)
        self.temps = 0

    def claim(self, base):
        name, n = base, 0
        while name in self.used:
            n += 1
            name = f"{base}_{n}"
        self.used.add(name)
        return name

    def temp(self):
        while True:
            self.temps += 1
            name = f"t{self.temps}"
            if name not in self.used:
                self.used.add(name)
                return name


def inline_calls(program, in_loops=False):
    """A copy of `program` with each `Call` replaced by the callee's steps (renamed apart, and
    attributed to the caller's statement): code that is itself differentiated again must be
    one function. A call of a Cell with its own bprop stays (reverse.py calls its methods).
    With `in_loops`, only the calls in loops (whose steps the optimizer then sees), and
    `program` itself where there are none."""
    names, constants = copy.deepcopy(program.names), dict(program.constants)

    def inline(block, in_loop):
        out = []
        for step in block:
            if isinstance(step, Call) and step.custom is None and (in_loop or not in_loops):
                out += inline(_callee_steps(step, names, constants), in_loop)
            elif isinstance(step, If):
                out.append(dataclasses.replace(step, body=inline(step.body, in_loop),
                                               orelse=inline(step.orelse, in_loop)))
            elif isinstance(step, Loop):
                out.append(dataclasses.replace(step, head=inline(step.head, True), body=inline(step.body, True),
                                               carry=inline(step.carry, True)))
            else:
                out.append(step)
        return out

    body = inline(program.body, False)
    if in_loops and names.used == program.names.used:
        return program
    return dataclasses.replace(program, body=body, constants=constants, names=names, adjoints={})


def _callee_steps(call, names, constants):
    """The steps of `call`'s callee, with its inputs and Parameters read from the call's
    arguments, its own values given fresh names, and its outputs copied into the call's targets."""
    from ..primitives import identity
    callee = call.callee
    renamed = {name: arg.name for name, arg in zip(callee.arg_names, call.args)}
    for name, value in callee.constants.items():
        renamed[name] = names.claim(name)
        constants[renamed[name]] = value
    for step in walk(callee.body):
        for name in (targets(step) if isinstance(step, (Op, Call)) else [getattr(step, "index", None)]):
            if name is not None and name not in renamed:
                renamed[name] = names.claim(name)

    def atom(value):
        if is_symbol(value):
            return Symbol(renamed[value.name])
        return tuple(map(atom, value)) if isinstance(value, tuple) else value

    def rename(block):
        out = []
        for step in block:
            if isinstance(step, Op):
                out.append(Op(renamed[step.target], step.prim, atom(step.args), dict(step.static), call.stmt))
            elif isinstance(step, Call):
                out.append(dataclasses.replace(step, targets=[renamed[t] for t in step.targets],
                                               args=atom(step.args), stmt=call.stmt))
            elif isinstance(step, If):
                out.append(If(atom(step.test), rename(step.body), rename(step.orelse), call.stmt))
            else:
                out.append(Loop(step.kind, step.index and renamed[step.index], atom(step.bounds),
                                rename(step.head), atom(step.test), rename(step.body), rename(step.carry),
                                atom(step.stop), call.stmt))
        return out

    copies = [Op(target, identity, (atom(leaf),), {}, call.stmt)
              for target, leaf in zip(call.targets, callee.output_symbols)]
    return rename(callee.body) + copies
