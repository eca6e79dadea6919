"""The tutorial's five programs print exactly what MindSpore 2.10 prints, run from a file and
piped to `python -` (where Python keeps no source and msgrad traces construct instead)."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples" / "seed").glob("ex*.py"))
SHARED = sorted((ROOT.parent / "shared" / "seed").glob("ex*.py"))


def _run(args, stdin=None):
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def test_there_are_five_examples():
    assert len(EXAMPLES) == 5


@pytest.mark.parametrize("program", EXAMPLES, ids=lambda p: p.name)
def test_example_file_prints_what_mindspore_prints(program):
    result = _run([str(program)])
    assert result.stderr == ""
    assert result.stdout == program.with_suffix(".expected").read_text()


@pytest.mark.parametrize("program", EXAMPLES, ids=lambda p: p.name)
def test_example_piped_to_python_prints_what_mindspore_prints(program):
    result = _run(["-"], stdin=program.read_text())
    assert result.stderr == ""
    assert result.stdout == program.with_suffix(".expected").read_text()


@pytest.mark.skipif(not SHARED, reason="../shared/seed is not beside this checkout")
@pytest.mark.parametrize("program", SHARED, ids=lambda p: p.name)
def test_shared_seed_with_mindspore_replaced_by_msgrad(program):
    source = program.read_text().replace("mindspore", "msgrad")
    result = _run(["-"], stdin=source)
    assert result.stdout == program.with_suffix(".expected").read_text(), result.stderr


def test_examples_are_the_seed_with_msgrad_imports():
    for shared in SHARED:
        ours = ROOT / "examples" / "seed" / shared.name
        assert ours.read_text() == shared.read_text().replace("mindspore", "msgrad")
