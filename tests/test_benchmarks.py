"""The benchmark suite still runs, and its references are right. Speed is never asserted here:
`make bench` measures it.

- A quick run of one workload, msgrad against hand-written numpy only (no peer is imported),
  passes the gradient check and is done in seconds.
- Every hand-written gradient, the reference all contestants are checked against, matches
  central finite differences of its own loss in float64.
- A peer that is not installed is skipped, not an error."""
import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCHMARKS = os.path.join(ROOT, "benchmarks")
sys.path.insert(0, BENCHMARKS)

import contestants  # noqa: E402
import workloads  # noqa: E402


def test_quick_run_of_one_workload_checks_msgrad_gradients(tmp_path):
    out = tmp_path / "results.json"
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, os.path.join(BENCHMARKS, "run.py"), "--quick", "--workloads", "mlp64",
         "--contestants", "numpy,msgrad", "--out", str(tmp_path / "results.md"), "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    (result,) = json.loads(out.read_text())["results"]
    entries = result["contestants"]
    assert set(entries) == {"numpy", "msgrad"}
    assert entries["msgrad"]["status"] == "ok", entries["msgrad"].get("detail") or entries["msgrad"]
    assert entries["msgrad"]["ratio"] > 0 and result["msgrad"]["first_call_fresh_s"]
    assert "def " in result["msgrad"]["source"]
    assert "| 3 MLP" in (tmp_path / "results.md").read_text()
    assert elapsed < 20, f"a quick run of one workload took {elapsed:.1f} s"


@pytest.mark.parametrize("name", workloads.NAMES)
def test_hand_written_gradient_matches_finite_differences(name):
    """Along a few random directions v: (f(p + εv) - f(p - εv)) / 2ε against <grad f, v>."""
    workload = workloads.load(name)
    arrays, constants = workload.make_data(np.random.default_rng(0))
    point = [arrays[n].astype(np.float64) for n in contestants.names(workload)]

    def loss(args):
        return float(workload.numpy_value_and_grad(*args, **constants)[0])

    value, grads = workload.numpy_value_and_grad(*point, **constants)
    assert np.isclose(float(value), loss(point))
    rng = np.random.default_rng(1)
    eps = 1e-6
    for _ in range(3):
        direction = [rng.standard_normal(p.shape) for p in point]
        plus = loss([p + eps * v for p, v in zip(point, direction)])
        minus = loss([p - eps * v for p, v in zip(point, direction)])
        numeric = (plus - minus) / (2 * eps)
        analytic = sum(float(np.sum(g * v)) for g, v in zip(grads, direction))
        assert numeric == pytest.approx(analytic, rel=1e-5, abs=1e-7), name


@pytest.mark.parametrize("name", ["autograd", "jax", "jax.jit", "torch"])
def test_a_missing_peer_is_skipped(name, monkeypatch):
    for module in ("autograd", "jax", "torch"):
        monkeypatch.setitem(sys.modules, module, None)        # `import module` now fails
    workload = workloads.load("tiny")
    arrays, constants = workload.make_data(np.random.default_rng(0))
    with pytest.raises(contestants.Missing):
        contestants.BUILDERS[name](workload, arrays, constants)
