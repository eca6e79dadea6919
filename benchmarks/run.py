"""msgrad against hand-written numpy and its peers: `make bench`, or

    python benchmarks/run.py [--quick] [--workloads tiny,rnn] [--contestants numpy,msgrad]

Runs each workload in a process of its own (worker.py), prints the table, and writes it with
the machine's facts to benchmarks/results.md (a --quick run writes nothing unless given --out).
Peers that are not installed are skipped with a note: `pip install -e '.[bench]'` installs them."""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import report  # noqa: E402
import workloads  # noqa: E402
from contestants import ORDER  # noqa: E402

FULL = {"rounds": 31, "target_ms": 20.0, "budget_s": 30.0, "first_calls": 5}
QUICK = {"rounds": 3, "target_ms": 2.0, "budget_s": 3.0, "first_calls": 1}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: few rounds of short timings, nothing written")
    parser.add_argument("--workloads", default=",".join(workloads.NAMES),
                        help=f"comma-separated, of {','.join(workloads.NAMES)}")
    parser.add_argument("--contestants", default=",".join(ORDER),
                        help=f"comma-separated, of {','.join(ORDER)} (numpy is always run)")
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--target-ms", type=float, help="length of one contestant's timing in a round")
    parser.add_argument("--budget-s", type=float, help="time for one workload's rounds")
    parser.add_argument("--out", help="results file (default: benchmarks/results.md; "
                                      "none for --quick)")
    parser.add_argument("--json", help="also write every result, generated sources included, here")
    parser.add_argument("--timeout-s", type=float, default=600.0, help="per workload process")
    args = parser.parse_args(argv)

    settings = dict(QUICK if args.quick else FULL)
    for key in ("rounds", "target_ms", "budget_s"):
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    unknown = [n for n in names if n not in workloads.NAMES]
    wrong = [c for c in args.contestants.split(",") if c not in ORDER]
    if unknown or wrong:
        parser.error(f"unknown workload(s) {unknown} or contestant(s) {wrong}")

    facts = report.machine_facts(ROOT)
    started = time.perf_counter()
    results = []
    for i, name in enumerate(names, start=1):
        print(f"[{i}/{len(names)}] {name} ...", end=" ", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        results.append(run_workload(name, args.contestants, settings, args.timeout_s))
        print(f"{time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    command = _command(argv)
    text = report.markdown(results, facts, command, settings)
    text += f"\nThe whole run took {time.perf_counter() - started:.0f} s.\n"
    print(text)
    out = args.out or (None if args.quick else os.path.join(HERE, "results.md"))
    if out:
        with open(out, "w") as f:
            f.write(text)
        print(f"written to {os.path.relpath(out)}", file=sys.stderr)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"command": command, "facts": facts, "settings": settings, "results": results},
                      f, indent=1)
    failed = [r["workload"] for r in results if r.get("failed")]
    return 1 if failed else 0


def run_workload(name, contestants, settings, timeout_s):
    """The worker's results for one workload, or a stand-in that says why there are none."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "result.json")
        command = [sys.executable, os.path.join(HERE, "worker.py"), name, "--json", out,
                   "--contestants", contestants, "--rounds", str(settings["rounds"]),
                   "--target-ms", str(settings["target_ms"]), "--budget-s", str(settings["budget_s"]),
                   "--first-calls", str(settings["first_calls"])]
        if name == "tiny":
            command.append("--overhead")
        try:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s)
            failure = None if done.returncode == 0 and os.path.exists(out) else (
                f"worker exited with {done.returncode}:\n{done.stderr[-3000:]}")
        except subprocess.TimeoutExpired:
            failure = f"worker ran past {timeout_s:g} s"
        if failure is None:
            with open(out) as f:
                return json.load(f)
    workload = workloads.load(name)
    print(f"\n{name}: {failure}", file=sys.stderr)
    return {"workload": name, "title": workload.TITLE, "failed": True,
            "contestants": {"numpy": {"status": "error", "label": "numpy (hand-written)",
                                      "error": failure.splitlines()[0], "detail": failure}}}


def _command(argv):
    argv = sys.argv[1:] if argv is None else list(argv)
    python = os.path.relpath(sys.executable, ROOT) if sys.executable.startswith(ROOT) else sys.executable
    command = " ".join(shlex.quote(a) for a in [python, "benchmarks/run.py", *argv])
    return f"`make bench` (`{command}`)" if os.environ.get("MAKELEVEL") else f"`{command}`"


if __name__ == "__main__":
    sys.exit(main())
