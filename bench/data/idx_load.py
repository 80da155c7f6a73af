#!/usr/bin/env python3
"""What loading Fashion-MNIST's IDX files costs: peak memory and time of a short
`sweepc run`, whose time is mostly the load.

Two sweeps over /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist:
60,000 + 10,000 gzipped 28 x 28 images, 219 MB as float32): one run of a linear
model for one epoch (the load, nearly alone), and 64 runs of 784-16-10 for one epoch
(a short sweep a user would start). Each is timed as a whole `sweepc run` on
--threads threads: wall seconds and the peak resident memory of the child (ru_maxrss,
from wait4), medians of --repeat. With --baseline another sweepc binary is measured
side by side (interleaved, so the machine's noise hits both).

Usage: python3 bench/data/idx_load.py [--repeat 3] [--threads 2]
       [--baseline OTHER_SWEEPC] [--write]
  --write: put the table in docs/performance.md (section "idx-load").
"""
import argparse
import os
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from perfdoc import run_measured, write_section  # noqa: E402

DATA = "/usr/share/datasets/fashion-mnist"

SWEEPS = {
    "1 run, linear": (
        "dataset f = fashion_mnist(normalize: standard);\n"
        "model m() { return dense(input(784), 10); }\n"
        "sweep s { data f, batch 128, epochs 1; model m(); loss cross_entropy; "
        "optimizer sgd(lr 0.01); }\n"),
    "64 runs, 784-16-10": (
        "dataset f = fashion_mnist(normalize: standard);\n"
        "model m() { x = input(784); x = relu(dense(x, 16)); return dense(x, 10); }\n"
        "sweep s { data f, batch 128, epochs 1; model m(); loss cross_entropy; "
        "optimizer sgd(lr in logspace(1e-3, 0.3, 64)); }\n"),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweepc", default=os.path.join(ROOT, "build", "bin", "sweepc"))
    parser.add_argument("--baseline", help="another sweepc, measured side by side")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    if not os.path.isfile(os.path.join(DATA, "train-images-idx3-ubyte.gz")):
        raise SystemExit(f"idx_load.py: no Fashion-MNIST in {DATA} "
                         "(apt-get install dataset-fashion-mnist)")
    binaries = [("this", args.sweepc)] + ([("baseline", args.baseline)] if args.baseline else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, text in SWEEPS.items():
            sweep = os.path.join(tmp, "s.sweep")
            with open(sweep, "w") as f:
                f.write(text)
            samples = {name: [] for name, _ in binaries}
            for _ in range(args.repeat):
                for name, sweepc in binaries:
                    command = [sweepc, "run", sweep, "--quiet", "--overwrite",
                               f"--threads={args.threads}",
                               "--results=" + os.path.join(tmp, "results")]
                    samples[name].append(run_measured(command, "idx_load.py"))
            for name, _ in binaries:
                peak = statistics.median(p for p, _ in samples[name])
                seconds = statistics.median(s for _, s in samples[name])
                rows.append((label, name, peak, seconds, [s for _, s in samples[name]]))
    command = f"python3 bench/data/idx_load.py --repeat {args.repeat} --threads {args.threads}" + \
        (" --baseline OTHER" if args.baseline else "")
    lines = ["## IDX loading", "",
             "What reading Fashion-MNIST's gzipped IDX files costs a short sweep: the whole "
             "`sweepc run` (loading, compiling, one epoch, the test evaluation).", "",
             f"Command: `{command}` (medians of {args.repeat}, interleaved).", "",
             "| sweep | sweepc | seconds (median) | each | peak RSS |",
             "|---|---|---|---|---|"]
    for label, name, peak, seconds, each in rows:
        lines.append(f"| {label} | {name} | {seconds:.2f} | "
                     f"{', '.join(f'{s:.2f}' for s in each)} | {peak / 2 ** 20:.0f} MiB |")
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write_section("idx-load", table, before="csv-load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
