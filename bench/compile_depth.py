#!/usr/bin/env python3
"""How compile time grows with a model's depth (why a model may have at most 512 layers).

    python3 bench/compile_depth.py --build build [--pairs 10,50,100,150] [--width 2]
        [--repeat 3] [--against OLD_SWEEPC]

Each point is one sweep of one run: spirals(n: 20), batch 4, one epoch, a model of
`repeat P { x = relu(dense(x, WIDTH)); }` and an output layer (2P + 1 layers), trained by
`sweepc run` on the CPU backend. The compile time is summary.json's `compile_seconds`
(the group's program, MLIR and LLVM, on one thread); peak RSS from /usr/bin/time; the
buffers are the memref.alloc ops left in the step (`sweepc -emit=loops`). Each point is
the median of --repeat runs. With --against, a second sweepc (built at an earlier commit)
is measured at each point too, alternating with this one, so the two are compared on the
same load of a shared machine. The table goes to docs/performance.md ("Compile time and
depth").
"""
import argparse
import json
import math
import statistics
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


def write_sweep(pairs, width, work):
    path = os.path.join(work, f"depth{pairs}.sweep")
    with open(path, "w") as f:
        f.write(SWEEP.format(pairs=pairs, width=width))
    return path


def one_run(sweepc, path, work):
    """(compile s, wall s, peak RSS MiB) of one `sweepc run`, without the compile cache."""
    results = os.path.join(work, "out")
    timing = os.path.join(work, "time.txt")
    subprocess.run(["/usr/bin/time", "-f", "%M", "-o", timing, sweepc, "run", path,
                    "--quiet", "--overwrite", "--jobs=1", "--compile-cache=off",
                    "--results=" + results], check=True)
    with open(os.path.join(results, "depth", "summary.json")) as f:
        summary = json.load(f)
    with open(timing) as f:
        rss_kib = int(f.read().split()[-1])
    return summary["compile_seconds"], summary["wall_seconds"], rss_kib / 1024


def step_buffers(sweepc, path):
    """memref.alloc ops in the lowered @train_step."""
    loops = subprocess.run([sweepc, "-emit=loops", path], check=True, capture_output=True,
                           text=True).stdout
    step = loops[loops.index("func.func @train_step"):]
    step = step[:step.index("func.func @evaluate")] if "func.func @evaluate" in step else step
    return step.count("memref.alloc")


def fitted_exponent(points):
    """Least squares on log-log: one exponent over all points, steadier than any two of
    them on a noisy machine."""
    logs = [(math.log(layers), math.log(seconds)) for layers, seconds in points]
    mean_x = sum(x for x, _ in logs) / len(logs)
    mean_y = sum(y for _, y in logs) / len(logs)
    spread = sum((x - mean_x) ** 2 for x, _ in logs)
    return (sum((x - mean_x) * (y - mean_y) for x, y in logs) / spread) if spread else 1.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--pairs", default="10,50,100,150")
    parser.add_argument("--width", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--against", help="a second sweepc to measure alongside")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    sweepc = os.path.join(args.build, "bin", "sweepc")
    binaries = [sweepc] + ([args.against] if args.against else [])
    rows, points = [], {b: [] for b in binaries}
    with tempfile.TemporaryDirectory() as work:
        for pairs in [int(p) for p in args.pairs.split(",")]:
            path = write_sweep(pairs, args.width, work)
            layers = 2 * pairs + 1
            runs = {b: [] for b in binaries}
            for _ in range(args.repeat):
                for binary in binaries:
                    runs[binary].append(one_run(binary, path, work))
            cells = [str(layers)]
            for binary in binaries:
                compile_s = statistics.median(r[0] for r in runs[binary])
                rss = statistics.median(r[2] for r in runs[binary])
                points[binary].append((layers, compile_s))
                cells += [f"{compile_s:.1f}", f"{rss:.0f}", str(step_buffers(binary, path))]
            if args.against:
                cells.append(f"{float(cells[4]) / float(cells[1]):.2f}")
            rows.append("| " + " | ".join(cells) + " |")
            print(rows[-1], flush=True)
    fitted = {b: fitted_exponent(points[b]) for b in binaries}
    print("fitted exponents: " + ", ".join(f"{fitted[b]:.2f}" for b in binaries))
    command = (f"python3 bench/compile_depth.py --build {args.build} --pairs {args.pairs} "
               f"--width {args.width} --repeat {args.repeat}"
               + (f" --against {args.against}" if args.against else ""))
    header = "| layers | compile s | peak RSS MiB | buffers in the step |"
    rule = "|---|---|---|---|"
    if args.against:
        header += " before: compile s | peak RSS MiB | buffers | before / now |"
        rule += "---|---|---|---|"
    growth = f"as layers^{fitted[sweepc]:.2f}, fitted over all rows"
    if args.against:
        growth += f" (the sweepc before: layers^{fitted[args.against]:.2f})"
    text = f"""## Compile time and depth

Command: `{command}` (one run of spirals, a model of `repeat P {{ x = relu(dense(x,
{args.width})); }}` and an output layer, CPU backend, `--jobs=1`, no compile cache; medians
of {args.repeat}{", the two compilers alternating at each point" if args.against else ""}).

{header}
{rule}
""" + "\n".join(rows) + f"""

Compile time grows faster than the depth: {growth}; 1 would be linear.
""" + HISTORY
    if not args.no_doc:
        write_section("compile-depth", text)


HISTORY = """
What made it grow, and what was done about it (found with `llc -time-passes`, `opt
-time-passes`, `sweep-opt --sweep-cpu-pipeline --mlir-timing` and perf on a group's IR):
- A group's step takes every buffer as a memref, passed as its descriptor's fields:
  3,302 arguments at 101 layers. Its C interface and mlir::ExecutionEngine's packed
  wrapper each called it with all of them, and instruction selection of such a call is
  superlinear in its arguments: 13.7 of `llc -O2`'s 17.1 s at 101 layers. The step is now
  inlined into its C interface, and the packed wrapper sweepc never calls is deleted
  (codegen/cpu/FoldEntryPoints.h).
- LLVM's CalledValuePropagation pass, which annotates indirect calls (a group's code
  makes none): 17 of `opt -O2`'s 31 s at 511 layers. It is skipped
  (codegen/cpu/OptimizeModule.h). With both, the same command on 2026-11-29 gave 0.9,
  3.2, 9.9, 51.9 and 83.0 s for 21 to 511 layers (3.6, 25.7, 48.8, 178.6 and 299.8 s on
  2026-11-28, before them).
- One-shot bufferization's conflict analysis: CSE merges every `tensor.empty` of a shape
  into one, the destination of 767 ops in the 511-layer step, and the analysis checks
  each write against the reads of that whole alias set: 26.7 of the MLIR pipeline's 30 s
  at 511 layers, 3.0 of 4.2 s at 201. `split-shared-empties` gives each destination its
  own again (the MLIR pipeline: 1.5 s at 201 layers), and `reuse-dead-buffers` gives back
  the buffer reuse that bufferization's in-place choices used to provide, by lifetime
  (docs/architecture.md): the "buffers in the step" columns. The first try split the
  empty tensors without the reuse (e518822, reverted): a third more allocations in a
  511-layer step, and LLVM slower on the larger code.
What is left grows in LLVM, mostly the SLP vectorizer's spill-cost walk and dependency
scheduling over the step's long basic blocks (perf). The language allows at most 512
layers (docs/language.md).
"""


if __name__ == "__main__":
    main()
