"""One workload, in a process of its own: build every contestant, check its gradients against
the hand-written numpy ones, then time them, interleaved round by round.

    python benchmarks/worker.py WORKLOAD --json OUT.json [--contestants numpy,msgrad] ...

run.py starts one of these per workload and reads OUT.json. Every library is held to one
thread; the variables are set here, before numpy or any peer is imported."""
import os

THREADS = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1",
    "JAX_PLATFORMS": "cpu",
}
os.environ.update(THREADS)

import argparse  # noqa: E402  (after the thread settings, on purpose)
import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

start = time.perf_counter()
import msgrad  # noqa: E402,F401
MSGRAD_IMPORT_S = time.perf_counter() - start

import contestants as C  # noqa: E402
import workloads  # noqa: E402

RTOL = 1e-3          # float32: each gradient element within RTOL of the reference's, plus
ATOL_SCALE = 1e-4    # ATOL_SCALE of that gradient's largest element (for elements near zero)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", choices=workloads.NAMES)
    parser.add_argument("--json", required=True, help="where to write the results")
    parser.add_argument("--contestants", default=",".join(C.ORDER))
    parser.add_argument("--rounds", type=int, default=31)
    parser.add_argument("--target-ms", type=float, default=20.0,
                        help="inner repetitions per contestant and round last about this long")
    parser.add_argument("--budget-s", type=float, default=30.0,
                        help="fewer rounds (at least 5) where they would take longer than this")
    parser.add_argument("--first-calls", type=int, default=5,
                        help="msgrad first calls to time, each on a fresh Cell class")
    parser.add_argument("--overhead", action="store_true",
                        help="also time msgrad's generated function called directly")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    result = run(args)
    with open(args.json, "w") as f:
        json.dump(result, f, indent=1)


def run(args):
    workload = workloads.load(args.workload)
    arrays, constants = workload.make_data(np.random.default_rng(args.seed))
    wanted = [c for c in C.ORDER if c in args.contestants.split(",")]
    if "numpy" not in wanted:
        wanted.insert(0, "numpy")                 # the reference: always there
    result = {"workload": args.workload, "title": workload.TITLE, "contestants": {},
              "msgrad": {"import_s": MSGRAD_IMPORT_S}, "threads": THREADS,
              "rounds_requested": args.rounds, "target_ms": args.target_ms}

    built = []
    for name in wanted:
        entry = result["contestants"][name] = {"label": C.LABELS[name]}
        try:
            contestant = C.BUILDERS[name](workload, arrays, constants)
        except C.Missing as error:
            entry.update(status="missing", error=f"not installed ({error})")
            continue
        except Exception as error:
            entry.update(status="error", error=_one_line(error), detail=traceback.format_exc())
            continue
        entry["first_call_s"] = contestant.first_call_s
        built.append(contestant)
        if name == "msgrad":              # before any peer is imported into this process
            msgrad_extras(result["msgrad"], contestant, built, workload, arrays, constants, args)
    if not built or built[0].name != "numpy":
        raise SystemExit(f"the hand-written numpy reference failed: "
                         f"{result['contestants']['numpy'].get('detail')}")
    msgrad_entry = result["contestants"].get("msgrad", {})

    reference = built[0].gradients(built[0]())
    timed = []
    for contestant in built:
        entry = result["contestants"].setdefault(contestant.name, {"label": contestant.name})
        try:
            problem, worst = check(contestant.gradients(contestant()), reference,
                                   C.names(workload))
        except Exception as error:
            entry.update(status="error", error=_one_line(error), detail=traceback.format_exc())
            continue
        entry["worst_error"] = worst
        if problem:
            entry.update(status="wrong", error=problem)
            continue
        entry["status"] = "ok"
        timed.append(contestant)
    if timed and timed[0].name != "numpy":
        raise SystemExit("the hand-written numpy reference failed its own check")

    rounds = measure(timed, args.rounds, args.target_ms / 1e3, args.budget_s)
    result["rounds"] = len(rounds)
    base = [r["numpy"] for r in rounds]
    for contestant in timed:
        times = [r[contestant.name] for r in rounds]
        ratios = [t / b for t, b in zip(times, base)]
        result["contestants"][contestant.name].update(
            inner=contestant.inner, times_s=times, median_s=float(np.median(times)),
            ratio=float(np.median(ratios)), ratio_q1=float(np.percentile(ratios, 25)),
            ratio_q3=float(np.percentile(ratios, 75)))
    if rounds and "msgrad-generated" in rounds[0]:
        wrapper = [r["msgrad"] - r["msgrad-generated"] for r in rounds]
        result["msgrad"]["wrapper_s"] = _spread(wrapper)
    if msgrad_entry.get("status") == "ok":
        result["msgrad"]["over_numpy_s"] = _spread([r["msgrad"] - r["numpy"] for r in rounds])
    return result


def msgrad_extras(report, contestant, built, workload, arrays, constants, args):
    """First calls on fresh Cell classes, the generated source, and with --overhead the
    generated function alone as one more contestant."""
    report["first_call_cold_s"] = contestant.first_call_s
    report["source"] = _source(contestant.grad_fn)
    try:
        report["first_call_fresh_s"] = [C.msgrad_first_call_s(workload, arrays, constants)
                                        for _ in range(args.first_calls)]
    except Exception as error:
        report["first_call_error"] = _one_line(error)
    if args.overhead:
        try:
            built.append(C.build_msgrad_generated(workload, arrays, constants, contestant.grad_fn))
        except Exception as error:
            report["generated_error"] = _one_line(error)


def check(got, reference, names):
    """(what is wrong or None, the worst error relative to each gradient's largest element)."""
    got = tuple(got)
    if len(got) != len(reference):
        return f"{len(got)} gradients, expected {len(reference)}", None
    worst = 0.0
    for name, g, r in zip(names, got, reference):
        g = np.asarray(g)
        if g.shape != r.shape:
            return f"d{name} has shape {g.shape}, expected {r.shape}", None
        if g.dtype != r.dtype:
            return f"d{name} is {g.dtype}, expected {r.dtype}", None
        scale = float(np.max(np.abs(r))) or 1.0
        error = float(np.max(np.abs(g.astype(np.float64) - r))) if g.size else 0.0
        worst = max(worst, error / scale)
        if not np.allclose(g, r, rtol=RTOL, atol=ATOL_SCALE * scale):
            return (f"d{name} differs from the hand-written gradient by up to {error:.3g} "
                    f"({error / scale:.2g} of its largest element {scale:.3g})"), worst
    return None, worst


def measure(timed, rounds, target_s, budget_s):
    """Per round, each contestant's seconds per call: `inner` calls in a row, timed together,
    with the garbage collector off (as timeit does); the order rotates from round to round."""
    for contestant in timed:
        contestant.inner = calibrate(contestant, target_s)
    results = []
    started = time.perf_counter()
    for r in range(rounds):
        order = timed[r % len(timed):] + timed[:r % len(timed)]
        gc.collect()
        gc.disable()
        try:
            results.append({c.name: _loop(c, c.inner) / c.inner for c in order})
        finally:
            gc.enable()
        elapsed = time.perf_counter() - started
        if r >= min(4, rounds) and elapsed * (r + 2) / (r + 1) > budget_s:
            break                                  # at least five rounds, then keep to the budget
    return results


def calibrate(contestant, target_s):
    n = 1
    while True:
        elapsed = _loop(contestant, n)
        if elapsed >= 0.2 * target_s or n >= 10 ** 7:
            return max(1, round(n * target_s / elapsed))
        n *= 2


def _loop(contestant, n):
    fn, args, kwargs = contestant.fn, contestant.args, contestant.kwargs
    if kwargs:
        start = time.perf_counter()
        for _ in range(n):
            fn(*args, **kwargs)
        return time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(n):
        fn(*args)
    return time.perf_counter() - start


def _spread(values):
    return {"median": float(np.median(values)), "q1": float(np.percentile(values, 25)),
            "q3": float(np.percentile(values, 75))}


def _source(grad_fn):
    try:
        return grad_fn.source
    except Exception as error:
        return f"(no source: {_one_line(error)})"


def _one_line(error):
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


if __name__ == "__main__":
    main()
