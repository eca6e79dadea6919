"""The results as Markdown: the machine's facts, the tables, msgrad against its targets, and
every contestant that failed, with why."""
import datetime
import importlib.metadata
import os
import platform
import subprocess
import sys

from contestants import LABELS, ORDER

PEERS = [c for c in ORDER if c != "numpy"]

# The targets for msgrad, as multiples of hand-written numpy (issue 6).
TARGETS = {"tiny": 1.5, "chain": 1.3, "mlp64": 1.05, "mlp1024": 1.05, "rnn": 1.5, "control": 1.3}
FIRST_CALL_TARGET_S = 0.020      # parse, generate, compile and run, on the MLP
CACHED_CALL_TARGET_S = 5e-6      # what a cached call adds


def machine_facts(root):
    """(label, value) pairs describing where and with what the numbers were measured."""
    facts = [("CPU", f"{_cpu_model()}, {os.cpu_count()} cores"
                     f" ({len(os.sched_getaffinity(0))} usable by this process)"),
             ("Load average at start", " ".join(f"{x:.2f}" for x in os.getloadavg())),
             ("OS", platform.platform()),
             ("Python", f"{platform.python_version()} ({sys.executable})"),
             ("numpy", f"{_version('numpy')} (BLAS: {_blas()})"),
             ("msgrad", f"{_version('msgrad')}, {_git(root)}")]
    for package in ("autograd", "jax", "jaxlib", "torch"):
        facts.append((package, _version(package)))
    return facts


def markdown(results, facts, command, settings):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = ["# msgrad benchmarks", "",
             f"Measured {now} by {command}; every `make bench` overwrites this file.", "",
             "## Machine", ""]
    lines += [f"- {label}: {value}" for label, value in facts]
    threads = next((r["threads"] for r in results if "threads" in r), {})
    lines += [f"- Threads: one per library: {', '.join(f'{k}={v}' for k, v in threads.items())}, "
              "torch.set_num_threads(1)", "", "## Protocol", "", _protocol(settings), ""]

    lines += ["## Time per gradient, as a multiple of hand-written numpy", "",
              "Median of the per-round ratios, [interquartile range]; lower is faster.", ""]
    present = [c for c in PEERS              # a peer installed nowhere gets a note, not a column
               if any(r["contestants"].get(c, {}).get("status", "missing") != "missing" for r in results)]
    lines += _table(["workload", "numpy (hand-written)"] + [LABELS[c] for c in present],
                    [[r["title"], _time(r["contestants"].get("numpy"))]
                     + [_ratio(r["contestants"].get(c)) for c in present] for r in results])
    lines += ["", "## Time per gradient (median over rounds)", ""]
    lines += _table(["workload"] + [LABELS[c] for c in ["numpy"] + present],
                    [[r["workload"]] + [_time(r["contestants"].get(c))
                                        for c in ["numpy"] + present] for r in results])
    lines += ["", "## msgrad against its targets", ""] + _msgrad(results)
    lines += ["", "## First calls", "",
              "Seconds from nothing compiled to the first gradients: for msgrad, a new "
              "GradOperation on a Cell (parse, generate, compile, run); for jax.jit, trace, "
              "compile and run.", ""]
    lines += _first_calls(results, present)
    problems = _problems(results)
    if problems:
        lines += ["", "## Contestants not timed", ""] + problems
    return "\n".join(lines) + "\n"


def _protocol(s):
    fewest = min(5, s["rounds"])
    return (f"One process per workload; float32 everywhere; each contestant computes the loss "
            f"and the gradients of every parameter and of the input. Before timing, each "
            f"contestant's gradients are checked against the hand-written ones "
            f"(np.allclose, rtol 1e-3, atol 1e-4 x the gradient's largest element); one that "
            f"disagrees is reported, not timed. Then {s['rounds']} rounds (fewer, at least {fewest}, "
            f"where they would pass {s['budget_s']:g} s); each round times every contestant once, "
            f"in an order rotating from round to round, as many calls in a row as last about "
            f"{s['target_ms']:g} ms (at least one), with the garbage collector off. Ratios are "
            f"taken within a round, against that round's numpy time.")


def _msgrad(results):
    rows = []
    for r in results:
        entry = r["contestants"].get("msgrad")
        if entry is None:
            continue
        target = TARGETS.get(r["workload"])
        ratio = entry.get("ratio")
        if target is None:
            met = ""
        else:
            met = "yes" if ratio is not None and ratio <= target else "**no**"
        rows.append([r["title"], f"<= {target:g}x" if target else "", _ratio(entry), met])
    lines = _table(["workload", "target", "msgrad", "met"], rows) + [""]
    mlp = next((r for r in results if r["workload"] == "mlp64"), None)
    first = _median((mlp or {}).get("msgrad", {}).get("first_call_fresh_s"))
    if first is not None:
        met = "yes" if first <= FIRST_CALL_TARGET_S else "**no**"
        lines += [f"- First call on the MLP (batch 64), a fresh Cell class, median: "
                      f"{_seconds(first)} (target < {_seconds(FIRST_CALL_TARGET_S)}: {met})"]
    tiny = next((r for r in results if r["workload"] == "tiny"), None)
    if tiny is not None:
        extra = tiny.get("msgrad", {})
        if "over_numpy_s" in extra:
            spread = extra["over_numpy_s"]
            met = "yes" if spread["median"] <= CACHED_CALL_TARGET_S else "**no**"
            lines.append(f"- A cached call, tiny workload, msgrad minus hand-written numpy: "
                         f"{_seconds(spread['median'])} [{_seconds(spread['q1'])} to "
                         f"{_seconds(spread['q3'])}] (target < {_seconds(CACHED_CALL_TARGET_S)}: "
                         f"{met})")
        if "wrapper_s" in extra:
            spread = extra["wrapper_s"]
            generated = tiny["contestants"].get("msgrad-generated", {})
            lines.append(f"- Of which the GradOperation wrapper (grad_fn(x) minus the generated "
                         f"function called directly on arrays, {_time(generated)}): "
                         f"{_seconds(spread['median'])} [{_seconds(spread['q1'])} to "
                         f"{_seconds(spread['q3'])}]")
        elif "generated_error" in extra:
            lines.append(f"- The generated function could not be called alone: "
                         f"{extra['generated_error']}")
    return lines


def _first_calls(results, present):
    peers = [c for c in present if c != "msgrad"]
    header = ["workload", "msgrad, first in process", "msgrad, fresh class (median)"]
    rows = []
    for r in results:
        extra = r.get("msgrad", {})
        fresh = extra.get("first_call_fresh_s")
        rows.append([r["workload"], _seconds(extra.get("first_call_cold_s")),
                     _seconds(_median(fresh)) + (f" of {len(fresh)}" if fresh else "")]
                    + [_seconds(r["contestants"].get(c, {}).get("first_call_s")) for c in peers])
    return _table(header + [LABELS[c] for c in peers], rows)


def _problems(results):
    lines = []
    for r in results:
        for name, entry in r["contestants"].items():
            status = entry.get("status")
            if status in ("wrong", "error"):
                lines.append(f"- **{r['workload']}, {entry.get('label', name)}: "
                             f"{'WRONG' if status == 'wrong' else 'ERROR'}**: {entry.get('error')}")
                if entry.get("detail"):
                    lines += ["", "  ```", *("  " + l for l in entry["detail"].rstrip().splitlines()[-12:]),
                              "  ```"]
            elif status == "missing":
                lines.append(f"- {r['workload']}, {entry.get('label', name)}: skipped, "
                             f"{entry.get('error')}")
        for key in ("first_call_error", "generated_error"):
            if key in r.get("msgrad", {}):
                lines.append(f"- {r['workload']}, msgrad ({key.replace('_', ' ')}): {r['msgrad'][key]}")
    return _dedupe_missing(lines)


def _dedupe_missing(lines):
    """One line per missing peer, not one per workload."""
    out, seen = [], set()
    for line in lines:
        if line.endswith(")") and "skipped, not installed" in line:
            key = line.split(", ", 1)[1]
            if key in seen:
                continue
            seen.add(key)
            line = "- " + key + " (every workload)"
        out.append(line)
    return out


# -- formatting -------------------------------------------------------------------------------------

def _table(header, rows):
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows])


def _status(entry):
    if entry is None:
        return "-"
    status = entry.get("status")
    return {"missing": "not installed", "wrong": "**WRONG**", "error": "**ERROR**"}.get(status)


def _ratio(entry):
    status = _status(entry)
    if status or "ratio" not in entry:
        return status or "-"
    return f"{_x(entry['ratio'])} [{_x(entry['ratio_q1'], False)}-{_x(entry['ratio_q3'], False)}]"


def _time(entry):
    status = _status(entry)
    if status or "median_s" not in entry:
        return status or "-"
    return _seconds(entry["median_s"])


def _x(value, suffix=True):
    text = f"{value:.2f}" if value < 10 else f"{value:.3g}" if value < 1000 else f"{value:.0f}"
    return text + ("x" if suffix else "")


def _seconds(value):
    if value is None:
        return "-"
    magnitude = abs(value)
    if magnitude < 1e-3:
        return f"{value * 1e6:.3g} µs"
    if magnitude < 1:
        return f"{value * 1e3:.3g} ms"
    return f"{value:.3g} s"


def _median(values):
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


# -- machine facts ---------------------------------------------------------------------------------

def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _blas():
    try:
        import numpy as np
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:
        return "unknown"


def _git(root):
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "not a git checkout"
    if not commit:
        return "not a git checkout"
    return f"git {commit}" + (" with uncommitted changes" if dirty else "")
