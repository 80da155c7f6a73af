#!/usr/bin/env python3
"""What `sweepc report` holds in memory, against the size of the files it reads.

For each size, writes synthetic result files (test/Integration/Report/Inputs/
make_results.py: N runs, E epochs, so N*E curves.csv rows) and measures the peak
resident memory of `sweepc report DIR` (ru_maxrss of the child, from wait4; median
of --repeat). The process's own base (LLVM and MLIR mapped, the page's writer) is
measured the same way on 100 runs of 1 epoch and subtracted; what is left is what the
results cost, shown per curves.csv byte. With --baseline another sweepc binary is
measured side by side on the same files (interleaved), e.g. one built before a change.

Usage: python3 bench/report/memory.py [--sizes 20000x60,100000x20] [--repeat 3]
       [--baseline OTHER_SWEEPC] [--write]
  --write: put the table in docs/performance.md (section "report-memory").
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from perfdoc import run_measured, write_section  # noqa: E402

MAKE = os.path.join(ROOT, "test", "Integration", "Report", "Inputs", "make_results.py")


def peak_rss(sweepc, directory):
    """Peak resident bytes of one `sweepc report DIR`."""
    return run_measured([sweepc, "report", directory], "memory.py")[0]


def median_rss(sweepc, directory, repeat):
    return statistics.median(peak_rss(sweepc, directory) for _ in range(repeat))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweepc", default=os.path.join(ROOT, "build", "bin", "sweepc"))
    parser.add_argument("--baseline", help="another sweepc, measured side by side")
    parser.add_argument("--sizes", default="20000x60,100000x20",
                        help="RUNSxEPOCHS, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    binaries = [("this", args.sweepc)] + ([("baseline", args.baseline)] if args.baseline else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        def results(runs, epochs):
            directory = os.path.join(tmp, f"r{runs}x{epochs}")
            subprocess.run([sys.executable, MAKE, directory, "--runs", str(runs), "--epochs",
                            str(epochs)], check=True)
            return directory

        base_dir = results(100, 1)
        for size in args.sizes.split(","):
            runs, epochs = (int(n) for n in size.split("x"))
            directory = results(runs, epochs)
            curves = os.path.getsize(os.path.join(directory, "curves.csv"))
            for name, sweepc in binaries:
                base = median_rss(sweepc, base_dir, args.repeat)
                peak = median_rss(sweepc, directory, args.repeat)
                rows.append((name, runs, epochs, curves, base, peak))
            # Only the files' size matters from here: free the disk.
            subprocess.run(["rm", "-rf", directory], check=True)
    command = "python3 bench/report/memory.py --sizes " + args.sizes + \
        f" --repeat {args.repeat}" + (" --baseline OTHER" if args.baseline else "")
    lines = [f"Command: `{command}` (medians of {args.repeat}; synthetic result files).", "",
             "| sweepc | runs x epochs | curves.csv | peak RSS | base | (peak - base) / curves.csv |",
             "|---|---|---|---|---|---|"]
    mib = 2 ** 20
    for name, runs, epochs, curves, base, peak in rows:
        lines.append(f"| {name} | {runs:,} x {epochs} | {curves / mib:.0f} MiB | "
                     f"{peak / mib:.0f} MiB | {base / mib:.0f} MiB | "
                     f"{(peak - base) / curves:.2f} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("report-memory", table, before="fuzzing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
