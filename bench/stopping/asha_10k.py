#!/usr/bin/env python3
"""10,000 runs with and without early stopping: what `prune asha(...)` saves.

Trains bench/stopping/asha_10k.sweep three ways, one after the other on this
machine: `full_10k` (every run to its last epoch), `asha_10k` (the same 10,000
runs with asha pruning, stopped runs compacted out of their programs), and
`asha_10k --no-compaction` (pruned runs only masked: they stop updating but their
programs still compute them). For each: wall time, joules (summary.json's
total_joules and where they come from: measured by RAPL or NVML, or
estimated:model, an estimate and not a measurement), run-epochs trained, and the
best validation accuracy with its run. The ratios compare each pruned variant
with the full sweep measured in the same invocation.

Usage: python3 bench/stopping/asha_10k.py [--jobs 2] [--seeds 50] [--write]
  --seeds N: runs per grid point (50: 10,000 runs); fewer for a quick look.
  --write: put the table in docs/performance.md (section "stopping-10k").
"""

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from perfdoc import write_section  # noqa: E402

SWEEP = os.path.join(HERE, "asha_10k.sweep")


def train(sweepc, sweep, name, results, extra):
    start = time.monotonic()
    # No compile cache: each variant pays for the programs it compiles (asha's
    # compactions compile smaller ones), whatever ran before it.
    subprocess.run([sweepc, "run", sweep, "--sweep", name, "--results", results, "--quiet",
                    "--overwrite", "--compile-cache=off"] + extra, check=True)
    wall = time.monotonic() - start
    with open(os.path.join(results, name, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(results, name, "runs.csv")) as f:
        runs = list(csv.DictReader(f))
    scored = [r for r in runs if r["val_accuracy"]]
    best = max(scored, key=lambda r: float(r["val_accuracy"]))
    energy = summary.get("energy") or {}
    return {
        "wall": wall,
        "runs": len(runs),
        "joules": energy.get("total_joules"),
        "source": energy.get("source", "none"),
        "trained": summary["run_epochs"]["trained"],
        "planned": summary["run_epochs"]["planned"],
        "pruned": summary["stop_reasons"]["asha"],
        "programs": summary["programs_compiled"],
        "best": float(best["val_accuracy"]),
        "best_run": best["run"],
        "best_settings": f"width {best['model.width']}, lr {float(best['optimizer.lr']):.3g}, "
                         f"momentum {best['optimizer.momentum']}, seed {best['seed']}",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweepc", default=os.path.join(ROOT, "build", "bin", "sweepc"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=50)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with open(SWEEP) as f:
        text = f.read()
    text = re.sub(r"seed(\s+)in 0\.\.49", f"seed\\1in 0..{args.seeds - 1}", text)
    jobs = ["--jobs", str(args.jobs)]
    with tempfile.TemporaryDirectory() as tmp:
        sweep = os.path.join(tmp, "asha_10k.sweep")
        with open(sweep, "w") as f:
            f.write(text)
        variants = [
            ("every run to the end", "full_10k", []),
            ("asha, compacted", "asha_10k", []),
            ("asha, masked (--no-compaction)", "asha_10k", ["--no-compaction"]),
        ]
        rows = []
        for label, name, extra in variants:
            result = train(args.sweepc, sweep, name, os.path.join(tmp, label.split(",")[0]),
                           extra + jobs)
            rows.append((label, result))
            print(f"{label}: {result['wall']:.1f} s", file=sys.stderr)
    full = rows[0][1]
    lines = [
        f"Command: `python3 bench/stopping/asha_10k.py --jobs {args.jobs} --seeds {args.seeds}` "
        f"({full['runs']:,} runs of bench/stopping/asha_10k.sweep, {args.jobs} threads, one "
        "after the other in one invocation; joules from "
        f"{full['source']}"
        + (", an estimate from FLOPs, bytes and time, not a measurement" if
           full["source"].startswith("estimated") else "") + ").",
        "",
        "| variant | wall s | joules | run-epochs trained | runs pruned | programs compiled "
        "| best val_accuracy (run) | time vs full | joules vs full |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in rows:
        joules = "-" if r["joules"] is None else f"{r['joules']:.0f}"
        joule_ratio = "-" if r["joules"] is None or not full["joules"] else \
            f"{r['joules'] / full['joules']:.2f}"
        lines.append(
            f"| {label} | {r['wall']:.1f} | {joules} | {r['trained']:,.0f} of "
            f"{r['planned']:,.0f} | {r['pruned']:,} | {r['programs']} | {r['best']:.4f} "
            f"(r{r['best_run']}: {r['best_settings']}) | {r['wall'] / full['wall']:.2f} | "
            f"{joule_ratio} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("stopping-10k", table, before="fuzzing")
    # Pruning that saves nothing, or loses the best run's accuracy, is a regression.
    pruned = rows[1][1]
    return 0 if pruned["wall"] < full["wall"] and pruned["best"] >= full["best"] - 0.01 else 1


if __name__ == "__main__":
    sys.exit(main())
