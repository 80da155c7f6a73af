#!/usr/bin/env python3
"""What loading a CSV dataset costs: peak memory and time of `sweepc data`, against
the file's size.

For each shape, writes a CSV file of ROWS rows of FEATURES numeric features and a text
label (two classes), a sweep that reads it (10% validation, standard normalization),
and measures `sweepc data FILE -o DIR` (which loads the data as `sweepc run` does,
then writes it back): peak resident memory of the child (ru_maxrss, from wait4) and
wall seconds, medians of --repeat. The process's base (the same command on a 100-row
file) is subtracted from the peak; what is left is shown per byte of the file. With
--baseline another sweepc binary is measured side by side (interleaved).

Usage: python3 bench/data/csv_load.py [--shapes 3000000x2,200000x100] [--repeat 3]
       [--baseline OTHER_SWEEPC] [--write]
  --write: put the table in docs/performance.md (section "csv-load").
"""
import argparse
import os
import random
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from perfdoc import run_measured, write_section  # noqa: E402


def write_data(directory, rows, features):
    """The CSV file and a sweep over it; returns the sweep's path."""
    rng = random.Random(rows * 1000 + features)
    path = os.path.join(directory, f"d{rows}x{features}.csv")
    with open(path, "w") as f:
        f.write(",".join(f"x{i}" for i in range(features)) + ",label\n")
        for _ in range(rows):
            values = [rng.uniform(-1, 1) for _ in range(features)]
            label = "above" if sum(values) > 0 else "below"
            f.write(",".join(f"{v:.6g}" for v in values) + "," + label + "\n")
    sweep = os.path.join(directory, f"d{rows}x{features}.sweep")
    with open(sweep, "w") as f:
        f.write(f'dataset d = csv(path: "{os.path.basename(path)}", label: "label", '
                f'validation: 0.1);\n'
                f'model m() {{ return dense(input({features}), 2); }}\n'
                'sweep s { data d, epochs 1; model m(); loss cross_entropy; '
                'optimizer sgd(lr 0.1); }\n')
    return sweep, os.path.getsize(path)


def measure(sweepc, sweep, out):
    """Peak resident bytes and wall seconds of one `sweepc data`."""
    return run_measured([sweepc, "data", sweep, "-o", out], "csv_load.py")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweepc", default=os.path.join(ROOT, "build", "bin", "sweepc"))
    parser.add_argument("--baseline", help="another sweepc, measured side by side")
    parser.add_argument("--shapes", default="3000000x2,200000x100",
                        help="ROWSxFEATURES, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    binaries = [("this", args.sweepc)] + ([("baseline", args.baseline)] if args.baseline else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        base_sweep, _ = write_data(tmp, 100, 2)
        for shape in args.shapes.split(","):
            count, features = (int(n) for n in shape.split("x"))
            sweep, size = write_data(tmp, count, features)
            samples = {name: [] for name, _ in binaries}
            bases = {name: [] for name, _ in binaries}
            for _ in range(args.repeat):
                for name, sweepc in binaries:  # Interleaved: the machine's noise hits both.
                    bases[name].append(measure(sweepc, base_sweep, out)[0])
                    samples[name].append(measure(sweepc, sweep, out))
            for name, _ in binaries:
                peak = statistics.median(p for p, _ in samples[name])
                seconds = statistics.median(s for _, s in samples[name])
                base = statistics.median(bases[name])
                rows.append((name, count, features, size, peak, base, seconds))
            os.remove(sweep.replace(".sweep", ".csv"))
    command = "python3 bench/data/csv_load.py --shapes " + args.shapes + \
        f" --repeat {args.repeat}" + (" --baseline OTHER" if args.baseline else "")
    lines = ["## Loading a CSV dataset", "",
             "What a CSV file costs in memory once loaded: the rows are held as float32 values "
             "and a label index each (runtime/data/CsvFile.h), moved into the training split, "
             "not copied.", "",
             f"Command: `{command}` (medians of {args.repeat}; `sweepc data` loads the file "
             "as `sweepc run` does, then writes it back).", "",
             "| sweepc | rows x features | file | peak RSS | base | (peak - base) / file | seconds |",
             "|---|---|---|---|---|---|---|"]
    mib = 2 ** 20
    for name, count, features, size, peak, base, seconds in rows:
        lines.append(f"| {name} | {count:,} x {features} | {size / mib:.0f} MiB | "
                     f"{peak / mib:.0f} MiB | {base / mib:.0f} MiB | "
                     f"{(peak - base) / size:.1f} | {seconds:.1f} |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("csv-load", table, before="fuzzing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
