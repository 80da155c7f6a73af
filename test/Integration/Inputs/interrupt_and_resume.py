#!/usr/bin/env python3
"""Interrupts `sweepc run` with a signal once some runs have finished, checks what it
says, then runs the command it gives and checks that the sweep is complete.

    interrupt_and_resume.py SWEEPC SWEEP_FILE WORK_DIR --signal INT|TERM|HUP|QUIT|XCPU|USR1|USR2 [--ignored]
                            [--extra OPTION ...]

The notice (runtime/driver/InterruptNotice.h) must name the runs finished (no more
than runs.csv holds, and at most one behind it: a run's row is written before it is
counted), the results directory, and a command that, run as printed, finishes the
sweep: with the options that decide what is written (--runs-per-program, and any
--extra) carried on. The process must die of the signal itself (exit status -SIG), as it would
without sweepc's handler. With --ignored the signal is set to be ignored before
sweepc starts (as nohup does with SIGHUP): sweepc must keep ignoring it and finish.
Prints "ok" or what failed.
"""
import argparse
import csv
import io
import os
import re
import shlex
import resource
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
NOTICE = re.compile(r"sweepc: interrupted; (\d+) of (\d+) runs finished; the results so far "
                    r"are in (.+) \(runs\.csv, curves\.csv\), and `(.+)` trains the rest$")


def complete_rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as f:
        text = f.read()
    return list(csv.reader(io.StringIO(text[:text.rfind("\n") + 1], newline="")))[1:]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sweepc")
    parser.add_argument("sweep")
    parser.add_argument("work")
    parser.add_argument("--signal", choices=["INT", "TERM", "HUP", "QUIT", "XCPU", "USR1", "USR2"],
                        required=True)
    parser.add_argument("--ignored", action="store_true")
    parser.add_argument("--extra", action="append", default=[],
                        help="an option for the interrupted run (the printed command must "
                        "carry it on)")
    args = parser.parse_args()
    number = getattr(signal, "SIG" + args.signal)
    name = os.path.splitext(os.path.basename(args.sweep))[0]
    results = os.path.join(args.work, "results dir")  # A space: the command must quote it.
    runs_csv = os.path.join(results, name, "runs.csv")

    def disposition():
        # A shell starts background jobs with SIGINT ignored; start from the
        # default unless the case is about an ignored signal.
        signal.signal(number, signal.SIG_IGN if args.ignored else signal.SIG_DFL)
        # SIGQUIT and SIGXCPU dump core by default: not into the test's folder.
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    process = subprocess.Popen(
        [args.sweepc, "run", args.sweep, "--results=" + results, "--quiet", "--jobs=1",
         "--runs-per-program=1"] + args.extra,
        stderr=subprocess.PIPE, text=True, preexec_fn=disposition)
    deadline = time.monotonic() + 120
    while not complete_rows(runs_csv):
        if process.poll() is not None or time.monotonic() > deadline:
            print("interrupt_and_resume: the sweep ended (%s) before a run finished:\n%s"
                  % (process.returncode, process.stderr.read()))
            return 1
        time.sleep(0.005)
    process.send_signal(number)
    _, stderr = process.communicate(timeout=120)
    lines = stderr.strip().splitlines()

    if args.ignored:
        if process.returncode != 0:
            print("interrupt_and_resume: an ignored SIG%s ended the sweep (exit %d):\n%s"
                  % (args.signal, process.returncode, stderr))
            return 1
        if any("interrupted" in line for line in lines):
            print("interrupt_and_resume: an ignored signal printed a notice:\n" + stderr)
            return 1
        total = len(complete_rows(runs_csv))
        print("interrupt_and_resume: SIG%s ignored, %d runs finished" % (args.signal, total))
        return check(results, name, total)

    if "Stack dump" in stderr or "PLEASE submit" in stderr:
        print("interrupt_and_resume: SIG%s printed a stack dump:\n%s" % (args.signal, stderr))
        return 1
    if process.returncode != -number:
        print("interrupt_and_resume: exit status %d, not death by SIG%s; stderr:\n%s"
              % (process.returncode, args.signal, stderr))
        return 1
    match = NOTICE.match(lines[-1]) if lines else None
    if not match:
        print("interrupt_and_resume: no notice as the last line of stderr:\n" + stderr)
        return 1
    finished, total = int(match.group(1)), int(match.group(2))
    rows = len(complete_rows(runs_csv))
    if not (finished <= rows <= finished + 1):
        print("interrupt_and_resume: the notice says %d runs finished, runs.csv holds %d"
              % (finished, rows))
        return 1
    if not (0 < rows < total):
        print("interrupt_and_resume: SIG%s landed after %d of %d runs: nothing to test"
              % (args.signal, rows, total))
        return 1
    if match.group(3) != os.path.join(results, name):
        print("interrupt_and_resume: the notice names %r, not %r"
              % (match.group(3), os.path.join(results, name)))
        return 1
    command = shlex.split(match.group(4))
    if command[0] != "sweepc" or "--resume" not in command or \
            any(option not in command for option in args.extra + ["--runs-per-program=1"]):
        print("interrupt_and_resume: not a resume command: " + match.group(4))
        return 1
    resumed = subprocess.run([args.sweepc] + command[1:] + ["--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if resumed.returncode != 0:
        print("interrupt_and_resume: %s failed:\n%s" % (match.group(4), resumed.stdout))
        return 1
    print("interrupt_and_resume: SIG%s after %d of %d runs; the printed command finished it"
          % (args.signal, finished, total))
    return check(results, name, total)


def check(results, name, total):
    checked = subprocess.run([sys.executable, os.path.join(HERE, "check_results.py"),
                              os.path.join(results, name), "--runs", str(total)],
                             stdout=subprocess.PIPE, text=True)
    print(checked.stdout, end="")
    return checked.returncode


if __name__ == "__main__":
    sys.exit(main())
