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
from results_rows import best_row

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWEEP = os.path.join(ROOT, "bench", "fashion_3epochs.sweep")
NAME = "fashion_3epochs"
TRAIN, EPOCHS = 55000, 3


def run(sweepc, backend, results):
    start = time.monotonic()
    # --compile-cache=off: the compile time the table reports is measured, not loaded.
    subprocess.run([sweepc, "run", SWEEP, "--backend=" + backend, "--results=" + results,
                    "--quiet", "--compile-cache=off"], check=True)
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


def fma_peak(build):
    """The machine's measured FMA throughput on all threads, best instruction set:
    (isa, GFLOP/s), from bench/FmaPeak.cpp, measured in this same run."""
    out = subprocess.run([os.path.join(ROOT, build, "bin", "sweepc-bench-fma-peak")],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    best = ("none", 0.0, 1)
    for line in out.splitlines():
        isa, threads, rate = line.split()
        if int(threads) > 1 or best[1] == 0.0:
            if float(rate) >= best[1]:
                best = (isa, float(rate), int(threads))
    return best


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

    best = best_row(cpu_runs, "test_accuracy")
    total_flops = sum(flops(r) for r in cpu_runs)
    peak_isa, peak, peak_threads = fma_peak(args.build)
    interp_rate = total_flops / interp_wall / 1e9
    cpu_rate = total_flops / cpu_wall / 1e9
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
        % (interp_rate, cpu_rate),
        "| fraction of the measured FMA peak | %.0f%% | %.0f%% |"
        % (100 * interp_rate / peak, 100 * cpu_rate / peak),
        "| best test accuracy | %.4f | %.4f (run %s: width %s, %s, lr %s) |"
        % (float(best_row(interp_runs, "test_accuracy")["test_accuracy"]), float(best["test_accuracy"]),
           best["run"], best["model.width"], best["optimizer"], best["optimizer.lr"]),
        "",
        "Speed-up of the compiled backend: **%.2fx** the interpreter's wall time. The "
        "compiled results equal the interpreter's: %s." % (
            interp_wall / cpu_wall,
            "every status and metric of every run and epoch identical"
            if check.returncode == 0 else "NO (" + check.stdout.strip().splitlines()[0] + ")"),
        "",
        "Measured FMA peak of this machine in the same run (`build/bin/sweepc-bench-fma-peak`, "
        "%s, %d threads): %.0f GFLOP/s. Ten times the interpreter's throughput would be "
        "%.0f GFLOP/s, %.0f%% of that peak for the whole sweep (data shuffling, evaluation "
        "and compiling included): %s."
        % (peak_isa, peak_threads, peak, 10 * interp_rate, 100 * 10 * interp_rate / peak,
           "above what the cores can do at all" if 10 * interp_rate > peak else
           "possible only near the peak"),
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
