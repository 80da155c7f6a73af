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
would be linear; the exponent between neighbouring rows is noisier), but 3.4 to 8 times
less than before the group's entry points were folded (the same command on 2026-11-28: 3.6,
25.7, 48.8, 178.6 and 299.8 s for these depths). Two things made a deep model's compile
time superlinear in LLVM, both found with `llc -time-passes` and `opt -time-passes` on
the group's IR (codegen/cpu/FoldEntryPoints.h, OptimizeModule.h):
- A group's step takes every buffer as a memref, passed as its descriptor's fields:
  3,302 arguments at 101 layers. Its C interface and mlir::ExecutionEngine's packed
  wrapper each called it with all of them, and instruction selection of such a call is
  superlinear in its arguments: 13.7 of `llc -O2`'s 17.1 s at 101 layers. The step is now
  inlined into its C interface, and the packed wrapper sweepc never calls is deleted.
- LLVM's CalledValuePropagation pass, which annotates indirect calls (a group's code
  makes none): 17 of `opt -O2`'s 31 s at 511 layers. It is skipped.
What is left grows mostly in one-shot bufferization's conflict analysis (26.7 of the MLIR
pipeline's 30 s at 511 layers: `sweepc -emit=train` then `sweep-opt --sweep-cpu-pipeline
--mlir-timing`) and in the SLP vectorizer's spill-cost walk over the step's long basic
blocks (4 of `opt`'s 14 s at 511 layers), measured by hand with perf and `opt`. The
analysis is slow because CSE merges every `tensor.empty` of a shape into one, the
destination of 767 ops in the 511-layer step, and it checks each write against the reads
of that whole alias set. Giving each destination its own `tensor.empty` again was tried
and not kept: the MLIR pipeline fell from 30 to 5.9 s, but bufferization then reused
fewer buffers (1,042 allocations in the step instead of 785), and LLVM took longer on
the larger code (`llc -O2` 17 to 29 s, `opt -O2` 11 to 18 s), so the whole compile was
no faster and the step allocated more. The language allows at most 512 layers (docs/language.md).
"""
    if not args.no_doc:
        write_section("compile-depth", text)


if __name__ == "__main__":
    main()
