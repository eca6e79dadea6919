"""One test over the whole primitive table: each differentiable entry's adjoint against
central finite differences in float64, on the Domain the entry declares. An entry without a
Domain fails here, so the table cannot grow untested."""
import ast

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from msgrad import Tensor, ops
from msgrad.primitives import TABLE

from gradcheck import check_function, distinct, load_module

DIFFERENTIABLE = sorted(name for name, prim in TABLE.items() if prim.differentiable)


def _calls():
    """One plain function per primitive and static-argument set, each in a real file."""
    sources, params = [], []
    for name in DIFFERENTIABLE:
        prim = TABLE[name]
        domain = prim.domain
        if domain is None:
            params.append(pytest.param(name, None, None, id=name))
            continue
        fixed = domain.fixed or {}
        for shapes, static in cases(domain):
            fn = f"f{len(sources)}"
            args = ", ".join(a for a in prim.operands if a not in fixed)
            operands = ", ".join(_source(fixed[a]) if a in fixed else a for a in prim.operands)
            kwargs = "".join(f", {k}={v!r}" for k, v in static.items())
            sources.append(f"def {fn}({args}):\n    return P.{name}({operands}{kwargs})\n")
            params.append(pytest.param(name, fn, shapes, id=f"{name}{static or ''}:{shapes or ''}"))
    return load_module("from msgrad import primitives as P\n\n" + "\n\n".join(sources)), params


def cases(domain):
    """The (operand shapes or None, static arguments) pairs an entry is checked with."""
    return domain.cases or tuple((None, static) for static in domain.static)


def _source(value):
    """Python text for a fixed operand: arrays become Tensor constants."""
    return f"Tensor({value.tolist()!r})" if isinstance(value, np.ndarray) else repr(value)


MODULE, CALLS = _calls()


@st.composite
def operands(draw, prim, shapes):
    domain = prim.domain
    count = len(prim.operands) - len(domain.fixed or {})
    if shapes is None and domain.shapes == "same":
        shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
        shapes = (shape,) * count
    elif shapes is None:
        shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=count, min_dims=0, max_dims=3,
                                                         max_side=3)).input_shapes
    ranges = domain.ranges or ((domain.low, domain.high),) * count
    arrays = [draw(hnp.arrays(np.float64, s, elements=st.floats(lo, hi))) for s, (lo, hi) in zip(shapes, ranges)]
    if domain.apart:
        arrays = _apart(arrays)
    if domain.distinct:
        arrays = [distinct(a, lo, hi) for a, (lo, hi) in zip(arrays, ranges)]
    return [_clear_of(a, domain.away_from) for a in arrays]


def _clear_of(array, points, gap=1e-2):
    for point in points:
        array = np.where(np.abs(array - point) < gap, point + 2 * gap, array)
    return array


def _apart(arrays, gap=1e-2):
    """Shift each later operand until no element comes within `gap` of the first's (ties)."""
    first, *rest = arrays
    out = [first]
    for a in rest:
        for _ in range(20):
            if not np.any(np.abs(first - a) < gap):
                break
            a = a + 0.37
        out.append(a)
    return out


@pytest.mark.parametrize("name, fn, shapes", CALLS)
@given(data=st.data())
def test_adjoint_matches_finite_differences(name, fn, shapes, data):
    prim = TABLE[name]
    assert prim.domain is not None, f"primitive {name} declares no Domain to check its gradient on"
    assert prim.adjoint is not None, f"differentiable primitive {name} has no adjoint"
    check_function(getattr(MODULE, fn), data.draw(operands(prim, shapes)))


def test_non_differentiable_entries_have_no_adjoint():
    for prim in TABLE.values():
        assert prim.differentiable == (prim.adjoint is not None), prim.name


@pytest.mark.parametrize("name, fn, shapes", CALLS)
@settings(max_examples=10)
@given(data=st.data())
def test_forward_and_reverse_mode_agree(name, fn, shapes, data):
    """<v, J u> == <J^T v, u>: the generated tangent code against the generated adjoint, for
    random directions u (one per operand) and v (one per output)."""
    inputs = [Tensor(a) for a in data.draw(operands(TABLE[name], shapes))]
    tangents = [Tensor(data.draw(hnp.arrays(np.float64, a.shape, elements=st.floats(-1, 1)))) for a in inputs]
    outputs, dots = ops.jvp(getattr(MODULE, fn), tuple(inputs), tuple(tangents))
    outputs, dots = (outputs, dots) if isinstance(outputs, tuple) else ((outputs,), (dots,))
    directions = [Tensor(data.draw(hnp.arrays(np.float64, o.shape, elements=st.floats(-1, 1)))) for o in outputs]
    _, vjp_fn = ops.vjp(getattr(MODULE, fn), *inputs)
    grads = vjp_fn(*directions)
    forward = sum(float(np.sum(v.asnumpy() * t.asnumpy())) for v, t in zip(directions, dots))
    reverse = sum(float(np.sum(g.asnumpy() * u.asnumpy())) for g, u in zip(grads, tangents))
    assert forward == pytest.approx(reverse, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
def test_adjoint_gives_each_operand_a_gradient(name):
    """Every operand gets `d[operand]` but those the Domain marks as having none: `fixed` (an
    index, a condition) and `shape_only`."""
    prim = TABLE[name]
    domain = prim.domain
    assert domain is not None and prim.adjoint is not None, name
    assigned = {target.slice.id for node in ast.walk(prim.adjoint) if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Subscript)}
    assert assigned == set(prim.operands) - set(domain.fixed or {}) - set(domain.shape_only)
