#!/usr/bin/env python3
"""Kills `sweepc run --resume` with SIGKILL at random moments, then resumes to the end,
and checks that the results equal those of an uninterrupted run.

    kill_and_resume.py SWEEPC SWEEP_FILE WORK_DIR [--kills N] [--seed S] [--jobs J]
                       [--runs-per-program N] [--allow-few-kills] [--save-weights N]

After every kill the complete rows of runs.csv must name each run at most once (a cut
last row is allowed: the next resume drops it). At the end check_results.py compares
every metric of every run and every curve row with the clean run's.
"""
import argparse
import csv
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def complete_rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        text = f.read()
    cut = text.rfind("\n")
    return list(csv.reader(io.StringIO(text[:cut + 1], newline="")))[1:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sweepc")
    parser.add_argument("sweep")
    parser.add_argument("work")
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SWEEP_KILL_SEED", "1")))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs-per-program", type=int, default=0)
    parser.add_argument("--allow-few-kills", action="store_true",
                        help="a sweep too short for half the kills to land passes (still compared)")
    parser.add_argument("--save-weights", type=int, default=0, metavar="N",
                        help="both runs keep the best N runs' weights, which must end the same, "
                        "bit for bit (a kill may land between a weights file and its row)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    name = os.path.splitext(os.path.basename(args.sweep))[0]
    clean, killed = os.path.join(args.work, "clean"), os.path.join(args.work, "killed")

    def command(results, *extra):
        return [args.sweepc, "run", args.sweep, "--results=" + results, "--quiet",
                "--jobs=%d" % args.jobs, "--runs-per-program=%d" % args.runs_per_program,
                "--save-weights=%d" % args.save_weights, *extra]

    start = time.monotonic()
    subprocess.run(command(clean), check=True)
    duration = time.monotonic() - start

    total = len(complete_rows(os.path.join(clean, name, "runs.csv")))
    interrupted = 0
    for kill in range(args.kills):
        done = len(complete_rows(os.path.join(killed, name, "runs.csv")))
        process = subprocess.Popen(command(killed, "--resume"))
        # Kills land anywhere from start-up to the summary of what is left: each
        # resumed sweep is shorter than the one before.
        time.sleep(rng.uniform(0, 0.05 + 0.9 * duration * (total - done) / total))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            interrupted += 1
        elif process.wait() == 0:
            # The sweep finished before the kill: check it, and start over so
            # that the remaining kills interrupt something.
            if compare(killed, clean, name, total, quiet=True) != 0:
                return 1
            shutil.rmtree(killed)
        else:
            print("kill_and_resume: a resumed sweep failed on its own (exit %d) before kill %d"
                  % (process.returncode, kill))
            return 1
        process.wait()
        rows = complete_rows(os.path.join(killed, name, "runs.csv"))
        ids = [row[0] for row in rows]
        if len(ids) != len(set(ids)):
            print("kill_and_resume: after kill %d runs.csv names a run twice" % kill)
            return 1

    subprocess.run(command(killed, "--resume"), check=True)
    print("kill_and_resume: %d of %d kills interrupted a running sweep (clean run %.2f s)"
          % (interrupted, args.kills, duration))
    if compare(killed, clean, name, total) != 0:
        return 1
    if args.save_weights and same_weights(killed, clean, name) != 0:
        return 1
    if interrupted < args.kills // 2 and not args.allow_few_kills:
        print("kill_and_resume: too few kills landed; the sweep is too short to test")
        return 1
    return 0


def same_weights(killed, clean, name):
    """The weights/ folders of the two results: the same files, byte for byte."""
    def files(results):
        folder = os.path.join(results, name, "weights")
        return {f: open(os.path.join(folder, f), "rb").read()
                for f in (os.listdir(folder) if os.path.isdir(folder) else [])}
    mine, theirs = files(killed), files(clean)
    if mine != theirs:
        print("kill_and_resume: weights/ holds %s after the kills, %s left alone%s"
              % (sorted(mine), sorted(theirs),
                 "" if sorted(mine) != sorted(theirs) else " (the same names, other bytes)"))
        return 1
    return 0


def compare(killed, clean, name, total, quiet=False):
    result = subprocess.run([sys.executable, os.path.join(HERE, "check_results.py"),
                             os.path.join(killed, name), "--runs", str(total),
                             "--same-as", os.path.join(clean, name)],
                            stdout=subprocess.PIPE, text=True)
    if result.returncode != 0 or not quiet:
        print(result.stdout, end="")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
