#!/usr/bin/env python3
"""What packaging a group's GPU kernels as one module saves when compiling for the GPU.

    python3 bench/gpu_compile.py --build build [--repeats 3] [--epochs 1]

MLIR outlines every kernel into a gpu.module of its own, and each module goes through the
NVPTX back end (libdevice linked), ptxas and fatbinary on its own: dozens of processes per
group. sweepc merges a group's kernels into one module (merge-kernel-modules, the default;
`--gpu-kernel-modules=kernel` keeps them apart). Each repeat compiles
examples/spirals_depth_width.sweep (42 groups, cut to --epochs epochs) for the GPU (sm_90
fatbinaries with /usr/local/cuda's ptxas and fatbinary) both ways, one after the other,
with the compile cache off, through the tests' stand-in driver
(build/test/unittests/libsweep-fake-cuda.so), which runs no kernel: only the compile
times mean anything. The rows are medians of summary.json's `compile_seconds` and
`wall_seconds`; the table goes to docs/performance.md ("GPU compile time").
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from perfdoc import fake_cuda_driver, spirals_sweep, write_section  # noqa: E402

LAYOUTS = ("kernel", "group")


def run(sweepc, sweep, results, driver, layout):
    command = [sweepc, "run", sweep, "--quiet", "--overwrite", "--results=" + results,
               "--compile-cache=off", "--device=cuda", "--no-energy",
               "--gpu-kernel-modules=" + layout]
    subprocess.run(command, check=True, env=dict(os.environ, SWEEPC_CUDA_DRIVER=driver))
    with open(os.path.join(results, "spirals_depth_width", "summary.json")) as f:
        summary = json.load(f)
    return summary["compile_seconds"], summary["wall_seconds"], summary["programs_compiled"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    sweepc = os.path.join(args.build, "bin", "sweepc")
    driver = fake_cuda_driver(args.build)
    toolkit = "/usr/local/cuda"
    for needed in (driver, toolkit + "/bin/ptxas", toolkit + "/nvvm/libdevice/libdevice.10.bc"):
        if not os.path.exists(needed):
            # `make bench` goes on: the table stays as it was last measured.
            print(f"gpu_compile: skipped, {needed} is missing (the stand-in driver is built "
                  "with the tests; ptxas and libdevice come with the CUDA toolkit)")
            return
    text = spirals_sweep(args.epochs, "gpu_compile")
    samples = {layout: [] for layout in LAYOUTS}
    with tempfile.TemporaryDirectory() as work:
        sweep = os.path.join(work, "spirals.sweep")
        with open(sweep, "w") as f:
            f.write(text)
        results = os.path.join(work, "results")
        for repeat in range(args.repeats):
            for layout in LAYOUTS:
                samples[layout].append(run(sweepc, sweep, results, driver, layout))
            print(repeat, {k: v[-1] for k, v in samples.items()}, flush=True)
    medians = {layout: (statistics.median(r[0] for r in runs),
                        statistics.median(r[1] for r in runs))
               for layout, runs in samples.items()}
    programs = samples["group"][0][2]
    described = {"kernel": "a module per kernel (`--gpu-kernel-modules=kernel`)",
                 "group": "one module per group (the default)"}
    rows = [f"| {described[layout]} | {len(samples[layout])} | {programs} | "
            f"{medians[layout][0]:.1f} | {medians[layout][0] / programs:.2f} | "
            f"{medians[layout][1]:.1f} |" for layout in LAYOUTS]
    command = (f"python3 bench/gpu_compile.py --build {args.build} --repeats {args.repeats} "
               f"--epochs {args.epochs}")
    speedup = medians["kernel"][0] / medians["group"][0]
    table = f"""## GPU compile time

Command: `{command}` (examples/spirals_depth_width.sweep, 42 groups, cut to
{args.epochs} epoch(s), compiled for sm_90 fatbinaries with the compile cache off, through
the tests' stand-in driver, which runs no kernel: only compile times count. Medians over
the repeats, the two layouts alternating, on this machine's 2 threads.)

| kernels packaged as | repeats | programs | compile s (median) | compile s / programs | wall s (median) |
|---|---|---|---|---|---|
""" + "\n".join(rows) + f"""

One module per group compiles the sweep {speedup:.1f}x faster: per group, one NVPTX run
with libdevice linked once, one ptxas and one fatbinary, instead of one of each per kernel.
At launch the host code reads the group's image once, through a slot of its own
(codegen/nvptx/LoadModulesOnce.h), not at every launch.
"""
    print(table)
    if not args.no_doc:
        write_section("gpu-compile", table, before="compile-depth")


if __name__ == "__main__":
    main()
