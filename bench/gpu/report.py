#!/usr/bin/env python3
"""The table of bench/gpu/check.sh: sweepc's 100,000-run sweep against PyTorch's.

Reads sweepc's results directory (runs.csv: the runs finished, each with its joules as
the NVML meter attributed them; summary.json when the sweep finished), the wall time
check.sh measured around the executable, and pytorch_baselines.py's JSON (its rows and
the card's measured fp32 matmul peak). Prints one Markdown table:

  runs/s      runs finished / wall seconds (sweepc: data loading, module loading and
              evaluation included; PyTorch: the timed epoch and evaluation, or, for a
              row cut short by its budget, the training steps timed, marked partial);
  TFLOP/s     training FLOPs (6 x parameters x 60,000 samples per run) / the same
              seconds, and that as a share of the measured fp32 peak;
  J/run       NVML joules per finished run (sweepc's only when runs.csv's joules_source
              says measured:nvml for every run: an estimate is not put beside readings);
  vs best     sweepc's runs/s over the best PyTorch row's.

Usage: report.py --sweepc DIR --wall WALL.json --baselines BASELINES.json
"""

import argparse
import csv
import json
import os
import statistics
import sys


def parameters(widths):
    sizes = [int(w) for w in widths.split("-")]
    return sum(a * b + b for a, b in zip(sizes, sizes[1:]))


def sweepc_row(directory, wall_seconds, params, samples):
    runs_path = os.path.join(directory, "runs.csv")
    rows = list(csv.DictReader(open(runs_path))) if os.path.exists(runs_path) else []
    finished = len(rows)
    summary_path = os.path.join(directory, "summary.json")
    summary = json.load(open(summary_path)) if os.path.exists(summary_path) else None
    joules = [float(r["joules"]) for r in rows if r.get("joules")]
    # Joules beside PyTorch's NVML readings only when NVML measured them all: a meter
    # that fell back to the model's estimate is no measurement to compare with.
    sources = sorted({r.get("joules_source", "") for r in rows if r.get("joules")})
    measured = sources == ["measured:nvml"]
    accuracy = [float(r["test_accuracy"]) for r in rows if r.get("test_accuracy")]
    total = summary["runs"] if summary and "runs" in summary else None
    row = {
        "name": "sweepc (cuda)",
        "runs": finished,
        "seconds": wall_seconds,
        "runs_per_s": finished / wall_seconds if wall_seconds > 0 else 0.0,
        "partial": summary is None,
        "tflops": 6.0 * params * samples * finished / wall_seconds / 1e12 if wall_seconds else 0,
        "joules_per_run": sum(joules) / len(joules) if joules and measured else None,
        "best": max(accuracy) if accuracy else None,
        "median": statistics.median(accuracy) if accuracy else None,
        "note": ("finished" if summary else f"cut short: {finished} runs finished") +
                (f", device {summary.get('device')}" if summary else "") +
                (f"; joules not compared: {', '.join(s or 'none' for s in sources)}"
                 if joules and not measured else ""),
    }
    return row


def pytorch_rows(baselines):
    rows = []
    for r in baselines["rows"]:
        if "error" in r:
            rows.append({"name": f"PyTorch {r['strategy']}", "error": r["error"]})
            continue
        partial = r["runs_per_s"] is None
        rows.append({
            "name": f"PyTorch {r['strategy']}",
            "runs": r["runs"],
            "seconds": r["train_seconds"] if partial else r["total_seconds"],
            "runs_per_s": r["train_runs_per_s"] if partial else r["runs_per_s"],
            "partial": partial,
            "tflops": r["train_tflops"],
            "joules_per_run": r.get("joules_per_run") or (
                r["joules_train"] * r["steps_in_epoch"] / r["steps_timed"] / r["runs"]
                if r.get("joules_train") else None),
            "best": r["best_test_accuracy"],
            "median": r["median_test_accuracy"],
            "note": (f"partial: {r['steps_timed']} of {r['steps_in_epoch']} steps timed, "
                     "no evaluation in runs/s" if partial else "whole epoch and evaluation"),
        })
    return rows


def fmt(value, pattern, missing="-"):
    return missing if value is None else format(value, pattern)


def table(sweepc, torch_rows, peak, header):
    best = max((r for r in torch_rows if "error" not in r), key=lambda r: r["runs_per_s"],
               default=None)
    lines = [header,
             "| | runs/s | TFLOP/s (of fp32 peak) | J/run | vs best PyTorch | "
             "best / median test acc | note |",
             "|---|---|---|---|---|---|---|"]
    for r in [sweepc] + torch_rows:
        if "error" in r:
            lines.append(f"| {r['name']} | failed: {r['error'][:120]} | | | | | |")
            continue
        share = f" ({r['tflops'] / peak:.0%})" if peak else ""
        ratio = f"{r['runs_per_s'] / best['runs_per_s']:.2f}x" if best else "-"
        lines.append(
            f"| {r['name']} | {r['runs_per_s']:.4g} | {r['tflops']:.3g}{share} | "
            f"{fmt(r['joules_per_run'], '.4f')} | {ratio} | {fmt(r['best'], '.4f')} / "
            f"{fmt(r['median'], '.4f')} | {r['note']} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweepc", required=True, help="results/<sweep> of fashion_100k")
    parser.add_argument("--wall", required=True, help="JSON with the executable's seconds")
    parser.add_argument("--baselines", required=True, help="pytorch_baselines.py --json")
    args = parser.parse_args()
    wall = json.load(open(args.wall))["seconds"]
    try:
        baselines = json.load(open(args.baselines))
    except (OSError, ValueError) as e:
        baselines = {"rows": [], "widths": "784-32-10", "fp32_matmul_tflops": None,
                     "gpu": f"unknown (no baselines: {e})", "energy": "-"}
    params = parameters(baselines.get("widths", "784-32-10"))
    peak = baselines.get("fp32_matmul_tflops")
    header = (f"GPU: {baselines.get('gpu')}; fp32 peak (8192^3 matmul, measured): "
              f"{fmt(peak, '.1f')} TFLOP/s; energy: {baselines.get('energy')}")
    print(table(sweepc_row(args.sweepc, wall, params, 60000), pytorch_rows(baselines), peak,
                header))


if __name__ == "__main__":
    sys.exit(main())
