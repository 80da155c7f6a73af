#!/usr/bin/env python3
"""10,000 runs within a memory limit: `sweepc run --max-memory` on this machine.

Trains bench/memory/runs_10k.sweep (10,000 runs of a 2-32-2 MLP, one group) with
each limit in --limits, on --jobs threads, and reports for each: the programs' size
(`sweepc plan`'s schedule), the wall time, what the programs held at most (metered by
sweepc: every buffer and temporary of the compiled programs goes through a counted
heap, runtime/kernels/ProgramHeap.h; summary.json's program_memory.peak_bytes), the
process's peak resident memory (ru_maxrss of the child, from wait4), and whether every
run finished. --max-memory caps what the programs training at once hold, and the check
is: metered peak <= limit. The resident memory also holds what --max-memory does not
cap (LLVM and MLIR, compiling, the data, 10,000 runs' settings and results); it is
shown beside the same sweep's in programs of one run ("base", --runs-per-program=1).
That base varies by a few MiB from one invocation to the next, so the resident figure
alone cannot show a 1 MiB limit kept; the metered one can.

Usage: python3 bench/memory/runs_10k.py [--limits 1M,8M,64M] [--jobs 2] [--write]
  --write: put the table in docs/performance.md (section "memory-10k").
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from perfdoc import write_section  # noqa: E402

SWEEP = os.path.join(HERE, "runs_10k.sweep")


def size(text):
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(float(text[:-1]) * units[text[-1].upper()]) if text[-1].upper() in units \
        else int(text)


def run(sweepc, sweep, results, extra):
    """Wall seconds and peak RSS in bytes of one `sweepc run`."""
    start = time.monotonic()
    # No compile cache: the peak includes compiling, as a first run's does.
    child = subprocess.Popen([sweepc, "run", sweep, "--results", results, "--quiet",
                              "--overwrite", "--compile-cache=off"] + extra)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - start
    if status != 0:
        sys.exit(f"runs_10k: sweepc run {' '.join(extra)} failed (status {status})")
    return seconds, usage.ru_maxrss * 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweepc", default=os.path.join(ROOT, "build", "bin", "sweepc"))
    parser.add_argument("--limits", default="1M,8M,64M")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)]
    with tempfile.TemporaryDirectory() as tmp:
        # The same sweep in programs of one run: everything but the programs' memory.
        base_seconds, base = run(args.sweepc, SWEEP, os.path.join(tmp, "base"),
                                 ["--runs-per-program", "1"] + jobs)
        rows = []
        for limit in args.limits.split(","):
            plan = subprocess.run([args.sweepc, "plan", SWEEP, "--max-memory", limit] + jobs,
                                  capture_output=True, text=True, check=True).stdout
            schedule = next(line for line in plan.splitlines() if "schedule:" in line)
            results = os.path.join(tmp, limit)
            seconds, peak = run(args.sweepc, SWEEP, results, ["--max-memory", limit] + jobs)
            with open(os.path.join(results, "runs_10k", "runs.csv")) as f:
                finished = sum(1 for row in csv.DictReader(f) if row["status"])
            with open(os.path.join(results, "runs_10k", "summary.json")) as f:
                held = json.load(f)["program_memory"]["peak_bytes"]
            within = held is not None and held <= size(limit)
            rows.append((limit, schedule.split("schedule: ")[1], seconds, held, peak, finished,
                         within))
    lines = [f"Command: `python3 bench/memory/runs_10k.py --limits {args.limits} --jobs "
             f"{args.jobs}` ({args.jobs} threads). Base (the same sweep in programs of one run, "
             f"{base_seconds:.1f} s): peak RSS {base / 2**20:.1f} MiB.", "",
             "| --max-memory | schedule (sweepc plan) | wall s | programs held at most "
             "(metered) | peak RSS MiB (vs base) | runs finished | held <= limit |",
             "|---|---|---|---|---|---|---|"]
    for limit, schedule, seconds, held, peak, finished, within in rows:
        held_text = f"{held / 2**10:.1f} KiB" if held is not None else "not metered"
        lines.append(f"| {limit} | {schedule} | {seconds:.1f} | {held_text} | "
                     f"{peak / 2**20:.1f} ({(peak - base) / 2**20:+.1f}) | {finished} | "
                     f"{'yes' if within else 'NO'} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("memory-10k", table, before="fuzzing")
    return 0 if all(row[5] == 10000 and row[6] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
