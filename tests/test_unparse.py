"""The emitter's unparser: valid subscripts and only the parentheses precedence needs."""
import ast

import pytest

from msgrad.compiler.emit import unparse


@pytest.mark.parametrize("source", [
    "y = x[:, 1:]", "y = x[..., None, ::2]", "y = x[a, b]", "y = x[0]", "y = x[1:2, ::-1][0]",
    "y = (a + b) * c", "y = a + b * c", "y = a - (b - c)", "y = a - b - c", "y = (-1) ** 2",
    "y = -a ** 2", "y = (-a) ** 2", "y = a ** b ** c", "y = (a ** b) ** c", "y = a / (b * c)",
    "y = -(a + b)", "y = f(-1, a - -1)", "y = (a > b) + 0.5 * (a == b)", "y = a @ b.T",
    "y = not (a and b)", "y = (a > b) & (c | d)", "y = a & b | c", "y = a | b & c", "return a, b", "return a,", "y = (1,)", "y = ()",
])
def test_round_trip_keeps_meaning_and_reads_as_written(source):
    tree = ast.parse(source if not source.startswith("return") else f"def f():\n    {source}")
    text = unparse(tree).strip()
    expected = source if not source.startswith("return") else f"def f():\n    {source}"
    assert text == expected.strip()
    assert ast.dump(ast.parse(text)) == ast.dump(tree)
