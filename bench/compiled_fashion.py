#!/usr/bin/env python3
"""The compiled CPU backend against the reference interpreter on Fashion-MNIST.

Runs bench/fashion_3epochs.sweep (8 runs of 784-W-10 relu MLPs, W in {128, 256}, sgd
with momentum and adam, cosine schedule, 3 epochs, batch 128, full Fashion-MNIST) with
`--backend=interp` and `--backend=cpu`, both on all cores, one after the other in this
process. Checks that the compiled results equal the interpreter's (every status and
metric of every run and epoch) and rewrites the "Compiled CPU backend" section
of docs/performance.md with the best test accuracy, wall times, the speed-up, compile
time and training throughput. Exits 1 if the results differ or the best test accuracy
is below 0.87.

Usage: python3 bench/compiled_fashion.py [--build build] [--no-write]
"""

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from perfdoc import write_section

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWEEP = os.path.join(ROOT, "bench", "fashion_3epochs.sweep")
NAME = "fashion_3epochs"
TRAIN, EPOCHS = 55000, 3


def run(sweepc, backend, results):
    start = time.monotonic()
    subprocess.run([sweepc, "run", SWEEP, "--backend=" + backend, "--results=" + results,
                    "--quiet"], check=True)
    wall = time.monotonic() - start
    with open(os.path.join(results, NAME, "runs.csv"), newline="") as f:
        runs = list(csv.DictReader(f))
    with open(os.path.join(results, NAME, "summary.json")) as f:
        summary = json.load(f)
    return wall, runs, summary


def flops(run):
    width = int(run["model.width"])
    params = 784 * width + width + width * 10 + 10
    return 6 * params * TRAIN * EPOCHS


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sweepc = os.path.join(ROOT, args.build, "bin", "sweepc")
    with tempfile.TemporaryDirectory() as work:
        interp_wall, interp_runs, interp_summary = run(sweepc, "interp", os.path.join(work, "i"))
        cpu_wall, cpu_runs, cpu_summary = run(sweepc, "cpu", os.path.join(work, "c"))
        check = subprocess.run(
            [sys.executable, os.path.join(ROOT, "test", "Integration", "Inputs", "check_results.py"),
             os.path.join(work, "c", NAME), "--runs", str(len(interp_runs)), "--same-as",
             os.path.join(work, "i", NAME)], stdout=subprocess.PIPE, text=True)

    best = max(cpu_runs, key=lambda r: float(r["test_accuracy"]))
    total_flops = sum(flops(r) for r in cpu_runs)
    lines = [
        "## Compiled CPU backend",
        "",
        "Command: `python3 bench/compiled_fashion.py` (runs `sweepc run "
        "bench/fashion_3epochs.sweep` with `--backend=interp`, then `--backend=cpu`; "
        "%d threads each)." % cpu_summary["threads"],
        "",
        "8 runs (784-W-10 relu MLP, W in {128, 256}; sgd with momentum and adam, two "
        "learning rates each; cosine schedule; batch 128; 3 epochs on full Fashion-MNIST, "
        "standardized), 4 groups:",
        "",
        "| measure | interp | cpu |",
        "|---|---|---|",
        "| wall time, whole sweep | %.1f s | %.1f s |" % (interp_wall, cpu_wall),
        "| of which compiling | - | %.2f s (%d programs) |"
        % (cpu_summary["compile_seconds"], cpu_summary["programs_compiled"]),
        "| training throughput (6 x params x samples / wall s) | %.1f GFLOP/s | %.1f GFLOP/s |"
        % (total_flops / interp_wall / 1e9, total_flops / cpu_wall / 1e9),
        "| best test accuracy | %.4f | %.4f (run %s: width %s, %s, lr %s) |"
        % (max(float(r["test_accuracy"]) for r in interp_runs), float(best["test_accuracy"]),
           best["run"], best["model.width"], best["optimizer"], best["optimizer.lr"]),
        "",
        "Speed-up of the compiled backend: **%.2fx** the interpreter's wall time. The "
        "compiled results equal the interpreter's: %s." % (
            interp_wall / cpu_wall,
            "every status and metric of every run and epoch identical"
            if check.returncode == 0 else "NO (" + check.stdout.strip().splitlines()[0] + ")"),
        "",
    ]
    section = "\n".join(lines)
    print(section)
    if not args.no_write:
        write_section("compiled-fashion", section, before="interp-fashion")
    if check.returncode != 0:
        print(check.stdout, file=sys.stderr)
        return 1
    if float(best["test_accuracy"]) < 0.87:
        print("compiled_fashion: best test accuracy below 0.87", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
