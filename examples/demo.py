"""The demo: MindSpore's autodiff tutorial through msgrad, with a generated adjoint shown.

Each program in examples/seed/ is the tutorial's, with `mindspore` replaced by `msgrad` in its
imports; its .expected file is what real MindSpore 2.10 prints."""
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
SEED = HERE / "seed"
ROOT = HERE.parent


def run(program, **env):
    result = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT), **env})
    return result.stdout, result.stderr, result.returncode


def main():
    failures = 0
    for program in sorted(SEED.glob("ex*.py")):
        out, err, code = run(program)
        expected = program.with_suffix(".expected").read_text()
        same = code == 0 and out == expected
        failures += not same
        print(f"== {program.name}: {'same as MindSpore' if same else 'DIFFERS from MindSpore'}")
        print(out, end="")
        if not same:
            print(f"-- MindSpore prints:\n{expected}{err}", end="")
    print("\n== the adjoint msgrad generated for ex2_weight_grad.py (MSGRAD_DUMP=1):")
    _, err, _ = run(SEED / "ex2_weight_grad.py", MSGRAD_DUMP="1")
    print(err, end="")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
