"""A fuzzer for msgrad: random programs over the primitive table (straight-line code, branches,
loops, calls of helper functions, sub-Cells and nested functions, several inputs and
parameters, broadcasting shapes), each checked against central finite differences in float64 and against eager
execution. tests/test_fuzz.py runs a few; `make fuzz` runs a long campaign:

    python tests/fuzz.py --programs 2000
"""
import argparse
import pathlib
import sys
import traceback

import numpy as np
from hypothesis import given, settings, strategies as st, HealthCheck

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from gradcheck import check_gradients, compiled_forward, load_module  # noqa: E402

import msgrad as ms  # noqa: E402

SHAPE = (2, 3)                                   # every value broadcasts to this
INPUT_SHAPES = [(2, 3), (3,), (1, 3), (2, 1), ()]
UNARY = ["ops.tanh({0})", "ops.sin({0})", "ops.cos({0})", "ops.exp(ops.tanh({0}))", "{0} * {0} * 0.5",
         "ops.sqrt(1.0 + {0} * {0})", "ops.log(1.0 + {0} * {0})", "-{0}", "{0}.sum()",
         "ops.mean({0})", "{0} ** 2"]
BINARY = ["{0} + {1}", "{0} - {1}", "{0} * {1}", "{0} / (2.0 + {1} * {1})", "{0} * 0.5 + {1}"]


@st.composite
def programs(draw):
    """(source of `class Net` and its helpers, input shapes, parameter shapes)."""
    n_inputs, n_params = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    inputs = [draw(st.sampled_from(INPUT_SHAPES)) for _ in range(n_inputs)]
    params = [draw(st.sampled_from(INPUT_SHAPES)) for _ in range(n_params)]
    names = [f"x{i}" for i in range(n_inputs)] + [f"self.p{i}" for i in range(n_params)]
    helper_body, helper_out = draw(block(["a", "b"], depth=0, prefix="h"))
    lines = draw(block(names, depth=2, prefix="v", calls=True))
    body, out = lines
    ret = draw(st.sampled_from([out, f"{out}.sum()", f"({out}, {names[0]} * 2.0)"]))
    source = "\n".join([
        "def helper(a, b):", *indent(helper_body, 1), f"    return {helper_out}", "",
        "class Inner(nn.Cell):",
        "    def __init__(self):",
        "        super().__init__()",
        "        self.q = Parameter(np.linspace(-0.5, 0.5, 3), name='q')",
        "    def construct(self, z):",
        "        return ops.tanh(z * self.q)", "",
        "class Net(nn.Cell):",
        "    def __init__(self):",
        "        super().__init__()",
        "        self.inner = Inner()",
        *[f"        self.p{i} = Parameter(np.linspace(0.3, 0.9, {int(np.prod(s))}).reshape({s!r}), name='p{i}')"
          for i, s in enumerate(params)],
        f"    def construct(self, {', '.join(f'x{i}' for i in range(n_inputs))}, c):",
        *indent(body, 2),
        f"        return {ret}", ""])
    return source, inputs


def indent(lines, level):
    return ["    " * level + line for line in lines]


@st.composite
def block(draw, names, depth, prefix, calls=False):
    """Statements assigning new values from `names`; returns (lines, the last value's name)."""
    names, lines = list(names), []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["op", "op", "if", "for", "while", "call", "def"] if depth else ["op"]))
        target = f"{prefix}{len(lines)}_{depth}"
        if kind == "op":
            lines.append(f"{target} = {draw(expression(names))}")
        elif kind == "call" and calls:
            a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
            lines.append(f"{target} = helper({a}, {b}) + self.inner({a})")
        elif kind == "if":
            inner, out = draw(block(names, depth - 1, target + "t"))
            other, out2 = draw(block(names, depth - 1, target + "e"))
            lines += [f"{target} = {names[0]} * 1.0", "if ops.sum(c) > 0:", *indent(inner, 1),
                      f"    {target} = {out}", "else:", *indent(other, 1), f"    {target} = {out2}"]
        elif kind == "for":
            inner, out = draw(block(names + [target], depth - 1, target + "f"))
            lines += [f"{target} = {draw(st.sampled_from(names))} * 1.0",
                      f"for i in range({draw(st.integers(0, 3))}):", *indent(inner, 1),
                      f"    {target} = {target} * 0.5 + {out} * 0.25"]
        elif kind == "while":
            inner, out = draw(block(names + [target], depth - 1, target + "w"))
            counter = f"k_{target}"                  # each loop counts with its own name
            lines += [f"{target} = {draw(st.sampled_from(names))} * 1.0", f"{counter} = 0",
                      f"while {counter} < {draw(st.integers(0, 2))}:", *indent(inner, 1),
                      f"    {target} = ops.tanh({target} + {out})", f"    {counter} += 1"]
        elif kind == "def" and calls:              # a nested function, closing over `names`
            inner, out = draw(block(names + ["a"], depth - 1, target + "d"))
            lines += [f"def f_{target}(a):", *indent(inner, 1), f"    return {out}",
                      f"{target} = f_{target}({draw(st.sampled_from(names))})"]
        else:
            continue
        names.append(target)
    if not lines:
        lines.append(f"{prefix}_{depth} = {draw(expression(names))}")
        names.append(f"{prefix}_{depth}")
    return lines, names[-1]


@st.composite
def expression(draw, names):
    if draw(st.booleans()):
        return draw(st.sampled_from(UNARY)).format(draw(st.sampled_from(names)))
    return draw(st.sampled_from(BINARY)).format(draw(st.sampled_from(names)), draw(st.sampled_from(names)))


@st.composite
def cases(draw):
    source, shapes = draw(programs())
    values = [draw(st.lists(st.floats(-1.5, 1.5), min_size=int(np.prod(s)), max_size=int(np.prod(s))))
              for s in shapes]
    inputs = [np.array(v, dtype=np.float64).reshape(s) for v, s in zip(values, shapes)]
    selector = np.full(3, draw(st.sampled_from([-1.0, 1.0])))   # branches on it cannot flip
    return source, inputs + [selector]


def check(source, inputs):
    """Gradients against finite differences, and the generated forward against eager."""
    net = load_module(source).Net()
    check_gradients(net, inputs, rtol=1e-4, atol=1e-6)
    tensors = [ms.Tensor(a) for a in inputs]
    eager = net(*tensors)
    eager = list(eager) if isinstance(eager, (tuple, list)) else [eager]
    for got, want in zip(compiled_forward(net, tensors), eager):
        np.testing.assert_allclose(np.asarray(got), want.asnumpy(), rtol=1e-12, atol=1e-12)


def campaign(count, out_dir):
    """Check `count` programs; report how many were checked and failed, keep the failures."""
    checked, failed = [0], []

    @settings(max_examples=count, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(cases())
    def run(case):
        checked[0] += 1
        try:
            check(*case)
        except Exception:
            failed.append((case, traceback.format_exc()))

    run()
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for i, ((source, inputs), error) in enumerate(failed):
        (out / f"failure_{i}.py").write_text(f"# inputs: {[a.tolist() for a in inputs]}\n{source}\n'''\n{error}'''\n")
    print(f"msgrad fuzz: checked {checked[0]} programs, {len(failed)} failed"
          + (f" (kept in {out}/)" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--out", default="fuzz-failures")
    args = parser.parse_args()
    sys.exit(campaign(args.programs, args.out))
