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
with the full sweep measured in the same round.

Usage: python3 bench/stopping/asha_10k.py [--jobs 2] [--seeds 50] [--repeat 1] [--write]
  --seeds N: runs per grid point (50: 10,000 runs); fewer for a quick look.
  --repeat N: N rounds of the three variants, each round in another order (a shared
    machine drifts); wall times and joules are medians over the rounds, the ratios
    medians of each round's ratios.
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
from results_rows import best_row  # noqa: E402

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
    best = best_row(runs, "val_accuracy")
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
    parser.add_argument("--repeat", type=int, default=1)
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
        rounds = []  # Per round, each variant's result, in the variants' order.
        for k in range(max(1, args.repeat)):
            results = [None] * len(variants)
            for v in [(k + i) % len(variants) for i in range(len(variants))]:
                label, name, extra = variants[v]
                results[v] = train(args.sweepc, sweep, name,
                                   os.path.join(tmp, label.split(",")[0]), extra + jobs)
                print(f"round {k + 1}: {label}: {results[v]['wall']:.1f} s", file=sys.stderr)
            rounds.append(results)

    def median(values):
        values = sorted(values)
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2

    # Training is deterministic: what the runs did is the same in every round
    # (the programs compiled may differ: compaction weighs measured times).
    deterministic = True
    for k, results in enumerate(rounds[1:], start=2):
        for (label, _, _), first, later in zip(variants, rounds[0], results):
            what = lambda r: (r["trained"], r["pruned"], r["best_run"])
            if what(first) != what(later):
                print(f"round {k}: {label}: run-epochs, pruned runs and best run "
                      f"{what(later)} differ from round 1's {what(first)}: not deterministic",
                      file=sys.stderr)
                deterministic = False
    rows = []
    for v, (label, _, _) in enumerate(variants):
        r = dict(rounds[0][v])
        walls = [results[v]["wall"] for results in rounds]
        r["wall"] = median(walls)
        r["walls"] = walls
        joules = [results[v]["joules"] for results in rounds]
        r["joules"] = None if None in joules else median(joules)
        r["programs"] = median([results[v]["programs"] for results in rounds])
        r["time_ratio"] = median([results[v]["wall"] / results[0]["wall"] for results in rounds])
        r["joule_ratio"] = None if None in joules or not all(
            results[0]["joules"] for results in rounds) else median(
            [results[v]["joules"] / results[0]["joules"] for results in rounds])
        rows.append((label, r))
    full = rows[0][1]
    repeat = len(rounds)
    lines = [
        f"Command: `python3 bench/stopping/asha_10k.py --jobs {args.jobs} --seeds {args.seeds}"
        + (f" --repeat {repeat}" if repeat > 1 else "") + "` "
        f"({full['runs']:,} runs of bench/stopping/asha_10k.sweep, {args.jobs} threads, "
        + (f"{repeat} rounds of the three variants, each round in another order; wall "
           "times and joules are medians over the rounds, ratios medians of each round's; "
           if repeat > 1 else "one after the other in one invocation; ")
        + f"joules from {full['source']}"
        + (", an estimate from FLOPs, bytes and time, not a measurement" if
           full["source"].startswith("estimated") else "") + ").",
        "",
        "| variant | wall s | joules | run-epochs trained | runs pruned | programs compiled "
        "| best val_accuracy (run) | time vs full | joules vs full |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in rows:
        joules = "-" if r["joules"] is None else f"{r['joules']:.0f}"
        joule_ratio = "-" if r["joule_ratio"] is None else f"{r['joule_ratio']:.2f}"
        walls = "" if repeat == 1 else " (" + ", ".join(f"{w:.1f}" for w in r["walls"]) + ")"
        lines.append(
            f"| {label} | {r['wall']:.1f}{walls} | {joules} | {r['trained']:,.0f} of "
            f"{r['planned']:,.0f} | {r['pruned']:,} | {r['programs']:g} | {r['best']:.4f} "
            f"(r{r['best_run']}: {r['best_settings']}) | {r['time_ratio']:.2f} | "
            f"{joule_ratio} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("stopping-10k", table, before="fuzzing")
    # Pruning that saves nothing, or loses the best run's accuracy, is a regression.
    pruned = rows[1][1]
    return 0 if deterministic and pruned["wall"] < full["wall"] and \
        pruned["best"] >= full["best"] - 0.01 else 1


if __name__ == "__main__":
    sys.exit(main())
