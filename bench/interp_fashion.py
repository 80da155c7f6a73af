#!/usr/bin/env python3
"""The reference interpreter on full Fashion-MNIST: accuracy and time.

Runs `sweepc run bench/interp_fashion.sweep --backend=interp` (8 runs of a 784-128-10
relu MLP: sgd with momentum and adam, 2 learning rates each, 2 seeds; 3 epochs, batch
128), reads runs.csv, and rewrites the
"Reference interpreter" section of docs/performance.md with the best test accuracy, the
wall time, and the training throughput (6 x parameters x samples per second). Exits 1
if the best test accuracy is below 0.85.

Usage: python3 bench/interp_fashion.py [--build build] [--no-write]
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

from perfdoc import write_section
from results_rows import best_row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWEEP = os.path.join(ROOT, "bench", "interp_fashion.sweep")
PARAMETERS = 784 * 128 + 128 + 128 * 10 + 10
TRAIN_SAMPLES, EPOCHS = 55000, 3


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sweepc = os.path.join(ROOT, args.build, "bin", "sweepc")
    with tempfile.TemporaryDirectory() as results:
        start = time.monotonic()
        subprocess.run([sweepc, "run", SWEEP, "--backend=interp", "--results=" + results,
                        "--quiet"], check=True)
        wall = time.monotonic() - start
        with open(os.path.join(results, "interp_fashion", "runs.csv"), newline="") as f:
            runs = list(csv.DictReader(f))
        with open(os.path.join(results, "interp_fashion", "summary.json")) as f:
            summary = json.load(f)

    best = best_row(runs, "test_accuracy")
    run_seconds = sorted(float(r["seconds"]) for r in runs)
    median_run = run_seconds[len(run_seconds) // 2]
    gflops = 6 * PARAMETERS * TRAIN_SAMPLES * EPOCHS / median_run / 1e9
    lines = [
        "## Reference interpreter",
        "",
        "Command: `python3 bench/interp_fashion.py` (runs `sweepc run "
        "bench/interp_fashion.sweep --backend=interp`; %s, %d threads)."
        % (platform.machine(), summary["threads"]),
        "",
        "784-128-10 relu MLP on full Fashion-MNIST (55,000 train / 5,000 validation / "
        "10,000 test, standardized), batch 128, 3 epochs; sgd (momentum 0.9, lr 0.01 and "
        "0.03) and adam (lr 3e-4 and 1e-3), 2 seeds each; one run at a time per thread:",
        "",
        "| measure | value |",
        "|---|---|",
        "| best test accuracy | %.4f (run %s: %s, lr %s, seed %s) |"
        % (float(best["test_accuracy"]), best["run"], best["optimizer"], best["optimizer.lr"],
           best["seed"]),
        "| test accuracy of each run | %s |"
        % ", ".join("%.4f" % float(r["test_accuracy"]) for r in sorted(runs, key=lambda r: int(r["run"]))),
        "| best validation accuracy | %.4f |"
        % max(float(r["val_accuracy"]) for r in runs),
        "| runs ok / diverged | %d / %d |"
        % (summary["runs"]["ok"], summary["runs"]["diverged"]),
        "| wall time, whole sweep | %.1f s |" % wall,
        "| median time per run (3 epochs) | %.1f s |" % median_run,
        "| training throughput per run (6 x params x samples / s) | %.1f GFLOP/s |" % gflops,
        "",
        "The interpreter is the correctness reference, not the fast path: its throughput "
        "is the yardstick the compiled backend (issue 4) is measured against.",
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section("interp-fashion", section, before="fuzzing")
    if float(best["test_accuracy"]) < 0.85:
        print("interp_fashion: best test accuracy below 0.85", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
