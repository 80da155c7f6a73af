#!/usr/bin/env python3
"""Kills one MPI rank of `mpirun -np 2 sweepc run` with SIGKILL once it has finished
some runs, then resumes the sweep with `mpirun -np 2 ... --resume`.

    kill_rank.py MPIRUN SWEEPC SWEEP_FILE RESULTS_DIR [sweepc options...]

A rank's death ends the MPI job (mpirun takes the others down). What the killed
rank and the others had finished is in RESULTS_DIR/<sweep>/ranks/<k>/; the resumed
job merges it and trains only the rest. Prints what happened; exits non-zero when
the kill did not land while the sweep was running or the resume failed.
"""
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time


def finished_rows(path):
    try:
        with open(path, newline="") as f:
            text = f.read()
    except OSError:
        return 0
    return max(0, len(list(csv.reader(io.StringIO(text[:text.rfind("\n") + 1])))) - 1)


def rank_pid(rank, results):
    """The pid of the sweepc process of MPI rank `rank` writing `results`."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                command = f.read().split(b"\0")
            with open(f"/proc/{entry}/environ", "rb") as f:
                environ = f.read().split(b"\0")
        except OSError:
            continue
        if any(arg.endswith(b"sweepc") for arg in command[:1]) and \
                b"--results=" + results.encode() in command and \
                b"OMPI_COMM_WORLD_RANK=%d" % rank in environ:
            return int(entry)
    return None


def main():
    mpirun, sweepc, sweep, results = sys.argv[1:5]
    extra = sys.argv[5:]
    name = os.path.splitext(os.path.basename(sweep))[0]
    command = mpirun.split() + ["-np", "2", sweepc, "run", sweep, "--results=" + results,
                                "--quiet"] + extra
    job = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    ranks = os.path.join(results, name, "ranks")
    deadline = time.monotonic() + 60
    while finished_rows(os.path.join(ranks, "1", "runs.csv")) < 2:
        if job.poll() is not None or time.monotonic() > deadline:
            print("kill_rank: the sweep ended before rank 1 finished two runs")
            return 1
        time.sleep(0.005)
    pid = rank_pid(1, results)
    if pid is None:
        print("kill_rank: cannot find rank 1's process")
        job.kill()
        return 1
    os.kill(pid, signal.SIGKILL)
    job.communicate()
    if job.returncode == 0:
        print("kill_rank: the job succeeded although rank 1 was killed")
        return 1
    left = {k: finished_rows(os.path.join(ranks, k, "runs.csv")) for k in sorted(os.listdir(ranks))}
    merged = finished_rows(os.path.join(results, name, "runs.csv"))
    print("kill_rank: killed rank 1; the job exited with status %d; runs finished per rank: %s; "
          "in the sweep's runs.csv: %d" % (job.returncode, left, merged))
    resumed = subprocess.run(command + ["--resume"])
    print("kill_rank: resumed with status %d" % resumed.returncode)
    if resumed.returncode != 0:
        return resumed.returncode
    # Nothing finished before the kill is trained again.
    with open(os.path.join(results, name, "summary.json")) as f:
        kept = json.load(f)["runs"]["resumed"]
    if kept != sum(left.values()) + merged:
        print("kill_rank: the resumed sweep kept %d runs, not the %d finished before the kill"
              % (kept, sum(left.values()) + merged))
        return 1
    print("kill_rank: kept every finished run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
