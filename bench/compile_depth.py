#!/usr/bin/env python3
"""How compile time grows with a model's depth (why a model may have at most 512 layers).

    python3 bench/compile_depth.py --build build [--pairs 10,50,100,150] [--width 2]

Each point is one sweep of one run: spirals(n: 20), batch 4, one epoch, a model of
`repeat P { x = relu(dense(x, WIDTH)); }` and an output layer (2P + 1 layers), trained by
`sweepc run` on the CPU backend. The compile time is summary.json's `compile_seconds`
(the group's program, MLIR and LLVM, on one thread); peak RSS from /usr/bin/time. The
table goes to docs/performance.md ("Compile time and depth"). Each point runs once:
the growth between points (the exponent k of time ~ layers^k) is the finding, and
points run one after another.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from perfdoc import write_section  # noqa: E402

SWEEP = """model m() {{
  x = input(2);
  repeat {pairs} {{ x = relu(dense(x, {width})); }}
  return dense(x, 2);
}}
sweep depth {{
  data spirals(n: 20), batch 4, epochs 1;
  model m();
  loss cross_entropy;
  optimizer sgd(lr: 0.1);
  device cpu;
}}
"""


def one_point(sweepc, pairs, width, work):
    path = os.path.join(work, f"depth{pairs}.sweep")
    with open(path, "w") as f:
        f.write(SWEEP.format(pairs=pairs, width=width))
    results = os.path.join(work, f"out{pairs}")
    timing = os.path.join(work, f"time{pairs}.txt")
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", timing, sweepc, "run", path,
                    "--quiet", "--overwrite", "--jobs=1", "--results=" + results], check=True)
    with open(os.path.join(results, "depth", "summary.json")) as f:
        summary = json.load(f)
    with open(timing) as f:
        rss_kib = int(f.read().split()[-1])
    return summary["compile_seconds"], summary["wall_seconds"], rss_kib / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--pairs", default="10,50,100,150")
    parser.add_argument("--width", type=int, default=2)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    sweepc = os.path.join(args.build, "bin", "sweepc")
    rows, previous, points = [], None, []
    with tempfile.TemporaryDirectory() as work:
        for pairs in [int(p) for p in args.pairs.split(",")]:
            compile_s, wall_s, rss = one_point(sweepc, pairs, args.width, work)
            layers = 2 * pairs + 1
            growth = ""
            if previous:
                # The exponent k in time ~ layers^k between this point and the last.
                growth = f"{math.log(compile_s / previous[1]) / math.log(layers / previous[0]):.2f}"
            rows.append(f"| {layers} | {compile_s:.1f} | {growth} | {wall_s:.1f} | {rss:.0f} |")
            print(rows[-1], flush=True)
            previous = (layers, compile_s)
            points.append((math.log(layers), math.log(compile_s)))
    # Least squares on log-log: one exponent over all points, steadier than
    # any two of them on a noisy machine.
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    fitted = (sum((x - mean_x) * (y - mean_y) for x, y in points) / spread) if spread else 1.0
    print(f"fitted exponent: {fitted:.2f}")
    command = (f"python3 bench/compile_depth.py --build {args.build} --pairs {args.pairs} "
               f"--width {args.width}")
    text = f"""## Compile time and depth

Command: `{command}` (one run of spirals, a model of `repeat P {{ x = relu(dense(x,
{args.width})); }}` and an output layer, CPU backend, `--jobs=1`; each point once).

| layers | compile s | growth exponent since the last row | wall s | peak RSS MiB |
|---|---|---|---|---|
""" + "\n".join(rows) + f"""

Compile time grows faster than the depth: as layers^{fitted:.2f}, fitted over all rows (1
would be linear; the exponent between neighbouring rows is noisier). One-shot
bufferization's conflict analysis in MLIR and LLVM's instruction selection on the
step's basic blocks, which hold every layer's kernel calls, are both superlinear in the
size of the one function a group's step compiles to (profiled with perf at 201 layers:
92% of `sweepc run`'s time in libLLVM, mostly `SelectionDAG` combining and scheduling,
and of `-emit=llvm` mostly one-shot bufferization's analysis; at 1001 layers, measured
once by hand with the machine busy, `-emit=llvm` alone took 3.5 minutes and LLVM's
`opt -O2` 3 minutes more). That is why the language allows at
most 512 layers (docs/language.md): a model of 100,000, the earlier limit, would have
compiled for days by this curve (an extrapolation; 60,001 layers had not finished compiling
after 15 minutes). Splitting the step into one function per layer would make it linear;
not done yet.

"""
    if not args.no_doc:
        write_section("compile-depth", text)


if __name__ == "__main__":
    main()
