#!/usr/bin/env python3
"""Runs a sweep under file size limits that stand in for a disk filling up, each
time resuming without the limit, and checks that the results equal those of an
uninterrupted run.

    fill_disk_and_resume.py SWEEPC SWEEP_FILE WORK_DIR [--step BYTES] [--runs-per-program N]
                            [--jobs N]

For each limit (every STEP bytes up to the clean run's runs.csv or curves.csv, the larger)
`sweepc run` must stop with a "File too large" error naming the file it could not
write and a non-zero exit status, never a crash; the complete rows of runs.csv must
name each run at most once, and the resume must end with check_results.py finding
every metric and curve row equal to the clean run's. Past the limit write() writes
what fits and then fails, which is how a full disk cuts a write short; the limit
also sends SIGXFSZ, left at its default (the process dies) as a shell leaves it:
sweepc must ignore it itself, and print no stack dump. A limited run that has not
ended after --timeout seconds hung (with --jobs above 1, a program waiting at the
prune board for runs whose write failed).
"""
import argparse
import os
import resource
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from kill_and_resume import complete_rows, compare  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sweepc")
    parser.add_argument("sweep")
    parser.add_argument("work")
    parser.add_argument("--step", type=int, default=1000)
    parser.add_argument("--runs-per-program", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    name = os.path.splitext(os.path.basename(args.sweep))[0]

    def command(results, *extra):
        return [args.sweepc, "run", args.sweep, "--results=" + results, "--quiet", "--jobs=%d" % args.jobs,
                "--runs-per-program=%d" % args.runs_per_program,
                # Compiled once, by the clean run: the limited runs only load.
                "--compile-cache=" + os.path.join(args.work, "cache"), *extra]

    clean = os.path.join(args.work, "clean")
    subprocess.run(command(clean), check=True)
    folder = os.path.join(clean, name)
    total = len(complete_rows(os.path.join(folder, "runs.csv")))
    largest = max(os.path.getsize(os.path.join(folder, f)) for f in ("runs.csv", "curves.csv"))

    cut_short = 0
    for limit in range(args.step, largest, args.step):
        results = os.path.join(args.work, "limit-%d" % limit)

        def limited():
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

        try:
            failed = subprocess.run(command(results), preexec_fn=limited, stderr=subprocess.PIPE,
                                    text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print("fill_disk_and_resume: at %d bytes: still running after %g s (hung)"
                  % (limit, args.timeout))
            return 1
        if failed.returncode == 0:
            continue
        if (failed.returncode < 0 or "File too large" not in failed.stderr
                or "Stack dump" in failed.stderr):
            print("fill_disk_and_resume: at %d bytes: exit %d, %s"
                  % (limit, failed.returncode, failed.stderr.strip()))
            return 1
        cut_short += 1
        ids = [row[0] for row in complete_rows(os.path.join(results, name, "runs.csv"))]
        if len(ids) != len(set(ids)):
            print("fill_disk_and_resume: at %d bytes runs.csv names a run twice" % limit)
            return 1
        subprocess.run(command(results, "--resume"), check=True)
        if compare(results, clean, name, total, quiet=True) != 0:
            print("fill_disk_and_resume: resumed after a limit of %d bytes" % limit)
            return 1
    print("fill_disk_and_resume: %d limits up to %d bytes cut the sweep short; every resume "
          "equals the clean run" % (cut_short, largest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
