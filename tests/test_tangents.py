"""One test over the whole primitive table in forward mode: each differentiable entry's tangent
template, instantiated by the generator (compiler/tangent.py), against central finite
differences of its numpy implementation along random directions, in float64 on the Domain and
cases the entry declares (as tests/test_table.py). Also: with some operand tangents left out,
the rest of the sum is the directional derivative along the others alone; and forward mode
agrees with reverse mode (<v, J u> == <J^T v, u>) at ties and kinks too, where both pick a
one-sided slope. An entry without a tangent template fails here, as one without an adjoint
fails test_table."""
import ast
import copy

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from msgrad.compiler.emit import generated_globals
from msgrad.compiler.reverse import _Substitute, _constant, _fold
from msgrad.compiler.tangent import tangent_expression
from msgrad.primitives import TABLE

from test_table import DIFFERENTIABLE, cases, operands

FEWER = settings(max_examples=max(1, settings.default.max_examples * 2 // 5))   # for the side checks
NAMESPACE = generated_globals()      # what generated code reads: np, the runtime, primitives by name


def _entries(least_free=1):
    """(name, shapes, static) for each differentiable entry and case; an entry without a Domain
    once, to fail. `least_free`: only entries with that many differentiable operands."""
    params = []
    for name in DIFFERENTIABLE:
        prim = TABLE[name]
        if prim.domain is None:
            params.append(pytest.param(name, None, {}, id=name))
        elif len(_free(prim)) >= least_free:
            params += [pytest.param(name, shapes, static, id=f"{name}{static or ''}:{shapes or ''}")
                       for shapes, static in cases(prim.domain)]
    return params


def _free(prim):
    """The operands that have tangents (all but the Domain's fixed and shape_only ones)."""
    return [a for a in prim.operands if a not in (prim.domain.fixed or {}) and a not in prim.domain.shape_only]


def _point(prim, data, shapes, static):
    """Drawn operand values (fixed ones from the Domain) and the result there."""
    assert prim.domain is not None, f"primitive {prim.name} declares no Domain to check its tangent on"
    assert prim.tangent is not None, f"differentiable primitive {prim.name} has no tangent"
    drawn = iter(data.draw(operands(prim, shapes)))
    fixed = prim.domain.fixed or {}
    values = [fixed[a] if a in fixed else next(drawn) for a in prim.operands]
    return values, prim.impl(*values, **static)


def _directions(prim, values, data, which):
    """A random direction for each operand in `which`, None for the others."""
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1), label="seed"))
    return [rng.standard_normal(np.shape(v)) if a in which else None for a, v in zip(prim.operands, values)]


def _instantiation(prim, template, values, static, z):
    """What instantiating `template` as the compiler does needs: a namespace holding the result
    and operands, and the mapping of the template's parameters to their names there (constants
    for static arguments)."""
    namespace = dict(NAMESPACE)
    mapping = {}
    for i, (param, value) in enumerate(zip([a.arg for a in template.args.args], [z, *values])):
        namespace[f"value_{i}"] = value
        mapping[param] = ast.Name(f"value_{i}", ast.Load())
    static = {**prim.static_defaults, **static}
    mapping.update({a.arg: _constant(static[a.arg]) for a in template.args.kwonlyargs})
    return namespace, mapping


def _run(expr, namespace):
    code = compile(ast.fix_missing_locations(ast.Expression(expr)), "<template>", "eval")
    with np.errstate(all="ignore"):
        return eval(code, namespace)


def tangent_of(prim, values, static, z, directions):
    """The tangent template's value for operand tangents `directions` (None: no tangent), and
    whether no term was left out."""
    namespace, mapping = _instantiation(prim, prim.tangent, values, static, z)
    tangents = {}
    for i, (operand, u) in enumerate(zip(prim.operands, directions)):
        tangents[operand] = None if u is None else ast.Name(f"tangent_{i}", ast.Load())
        namespace[f"tangent_{i}"] = u
    expr, complete = tangent_expression(prim.tangent, mapping, tangents)
    return _run(expr, namespace), complete


def adjoint_of(prim, values, static, z, v):
    """Each operand's gradient (None where the template gives none) by the adjoint template,
    for the output gradient `v`."""
    namespace, mapping = _instantiation(prim, prim.adjoint, values, static, z)
    namespace["sens"] = v
    grads = dict.fromkeys(prim.operands)
    for stmt in _chosen(prim.adjoint.body, mapping):
        expr = _ReadSens().visit(copy.deepcopy(stmt.value))
        grad = _run(_fold(_Substitute(mapping).visit(expr)), namespace)
        operand = stmt.targets[0].slice.id
        grads[operand] = grad if grads[operand] is None else grads[operand] + grad
    return [grads[a] for a in prim.operands]


def _chosen(stmts, mapping):
    """The assignments of a template, its branches decided on the static arguments."""
    for stmt in stmts:
        if isinstance(stmt, ast.If):
            test = _fold(_Substitute(mapping).visit(copy.deepcopy(stmt.test)))
            yield from _chosen(stmt.body if test.value else stmt.orelse, mapping)
        else:
            yield stmt


class _ReadSens(ast.NodeTransformer):
    def visit_Subscript(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == "d":
            return ast.Name("sens", ast.Load())        # adjoint templates read d[z] only
        return self.generic_visit(node)


def directional_derivative(prim, values, static, directions, eps=1e-6):
    """(f(x + eps u) - f(x - eps u)) / (2 eps), moving only the operands with a direction."""
    def at(step):
        moved = [v if u is None else v + step * u for v, u in zip(values, directions)]
        return np.asarray(prim.impl(*moved, **static), dtype=np.float64)
    return (at(eps) - at(-eps)) / (2 * eps)


@pytest.mark.parametrize("name, shapes, static", _entries())
@given(data=st.data())
def test_tangent_matches_finite_differences(name, shapes, static, data):
    prim = TABLE[name]
    values, z = _point(prim, data, shapes, static)
    directions = _directions(prim, values, data, _free(prim))
    got, complete = tangent_of(prim, values, static, z, directions)
    assert complete, f"{name}: a term was left out though every operand has a tangent"
    assert np.shape(got) == np.shape(z), f"{name}: tangent of shape {np.shape(got)}, result {np.shape(z)}"
    assert np.result_type(got).kind == np.result_type(z).kind, f"{name}: tangent dtype {np.result_type(got)}"
    np.testing.assert_allclose(got, directional_derivative(prim, values, static, directions),
                               rtol=1e-5, atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name, shapes, static", _entries(least_free=2))
@FEWER
@given(data=st.data())
def test_tangent_along_some_operands(name, shapes, static, data):
    """The generator leaves out the terms of operands without a tangent: the rest is the
    derivative along the others (broadcast to the result's shape)."""
    prim = TABLE[name]
    values, z = _point(prim, data, shapes, static)
    free = _free(prim)
    which = data.draw(st.lists(st.sampled_from(free), min_size=1, max_size=len(free) - 1, unique=True))
    directions = _directions(prim, values, data, which)
    got, complete = tangent_of(prim, values, static, z, directions)
    assert not complete, f"{name}: no term reads the tangent of {sorted(set(free) - set(which))}"
    np.testing.assert_allclose(np.broadcast_to(got, np.shape(z)),
                               directional_derivative(prim, values, static, directions),
                               rtol=1e-5, atol=1e-6, err_msg=f"{name} along {which}")


@pytest.mark.parametrize("name, shapes, static", _entries())
@FEWER
@given(data=st.data())
def test_tangent_is_transpose_of_adjoint(name, shapes, static, data):
    """<v, J u> == <J^T v, u>, on operands rounded to halves so that ties (maximum, max) and
    kinks (relu at 0) happen: there forward and reverse mode must pick the same slope."""
    prim = TABLE[name]
    values, _ = _point(prim, data, shapes, static)
    bounds = iter(prim.domain.ranges or ((prim.domain.low, prim.domain.high),) * len(_free(prim)))
    values = [np.clip(np.round(v * 2) / 2, *next(bounds)) if a in _free(prim) else v
              for a, v in zip(prim.operands, values)]
    with np.errstate(all="ignore"):
        z = prim.impl(*values, **static)
    directions = _directions(prim, values, data, _free(prim))
    v = np.random.default_rng(0).standard_normal(np.shape(z))
    forward = np.sum(v * tangent_of(prim, values, static, z, directions)[0])
    grads = adjoint_of(prim, values, static, z, v)
    backward = sum(np.sum(g * u) for g, u in zip(grads, directions) if u is not None)
    np.testing.assert_allclose(forward, backward, rtol=1e-9, atol=1e-9, err_msg=name)


def test_non_differentiable_entries_have_no_tangent():
    for prim in TABLE.values():
        assert prim.differentiable == (prim.tangent is not None), prim.name


def test_tangent_templates_take_the_adjoints_parameters_and_read_differentiable_operands():
    """A tangent template's parameters are its adjoint template's; it reads t[x] for each
    operand that can have a tangent, and for no other (an index, a condition)."""
    for prim in TABLE.values():
        if prim.tangent is None or prim.domain is None:
            continue
        assert ast.dump(prim.tangent.args) == ast.dump(prim.adjoint.args), f"{prim.name}: parameters"
        assert [a.arg for a in prim.tangent.args.args[1:]] == list(prim.operands), f"{prim.name}: operands"
        sums = [node.value for node in ast.walk(prim.tangent) if isinstance(node, ast.Assign)]
        read = {node.slice.id for expr in sums for node in ast.walk(expr)
                if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == "t"}
        assert read == set(_free(prim)), f"{prim.name} reads the tangents of {sorted(read)}"


def test_a_tangent_named_like_a_template_parameter_stays():
    """Tangent names and template parameters are substituted in one pass: in multiply's
    `t[x] * y + x * t[y]`, tangents named `y` and `x` are not then taken for the parameters."""
    c, a, b, y, x = (ast.Name(n, ast.Load()) for n in "cabyx")
    expr, complete = tangent_expression(TABLE["multiply"].tangent, {"z": c, "x": a, "y": b}, {"x": y, "y": x})
    assert ast.unparse(expr) == "y * b + a * x" and complete
