"""Runs a command again and again, its memory running out at another of its
allocations each time (test/support/FailingMalloc.cpp, preloaded), and checks
that every attempt that runs out ends with the out-of-memory error and status 1:
never a crash, an abort or LLVM's stack dump.

Usage: fail_every_allocation.py FAILING_MALLOC_SO ATTEMPTS COMMAND [ARG]...

The first attempt counts the command's allocations (it must succeed); the others
fail from the 0th, 1st, 10th, 100th, 1000th allocation on, then from ATTEMPTS
points spread evenly over the count. Prints one line per attempt that went
wrong, then a summary line.
"""
import os
import re
import subprocess
import sys

shim, attempts, command = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
WRONG = ("Stack dump", "PLEASE submit", "terminate called", "LLVM ERROR", "Aborted")


def attempt(extra):
    env = dict(os.environ, LD_PRELOAD=shim, **extra)
    return subprocess.run(command, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, errors="replace", timeout=300)


counted = attempt({"SWEEP_COUNT_MALLOC": "1"})
match = re.search(r"failing-malloc: (\d+) allocations", counted.stderr)
if counted.returncode != 0 or not match:
    sys.exit(f"the command failed without a limit (status {counted.returncode}):\n"
             + counted.stderr)
total = int(match.group(1))
points = sorted({0, 1, 10, 100, 1000} | {total * k // attempts for k in range(attempts)})
wrong = 0
for n in points:
    result = attempt({"SWEEP_FAIL_MALLOC_AFTER": str(n)})
    if result.returncode == 0:
        continue  # Allocations counted, none failed: a shorter path this time.
    bad = [w for w in WRONG if w in result.stderr]
    if result.returncode != 1 or bad or "error: out of memory" not in result.stderr:
        wrong += 1
        first = result.stderr.strip().splitlines()[:3]
        print(f"allocation {n} of {total}: status {result.returncode}: " + " | ".join(first))
print(f"{len(points)} attempts, {wrong} went wrong")
