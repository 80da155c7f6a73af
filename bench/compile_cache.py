#!/usr/bin/env python3
"""What the compile cache saves when a sweep is run again.

    python3 bench/compile_cache.py --build build [--repeats 3] [--epochs 1] [--gpu-repeats 1]

The sweep is examples/spirals_depth_width.sweep (42 groups: widths, depths and
activations) cut to --epochs epochs, so that compiling is a large part of the run, as it
is for a short exploratory sweep. Each repeat runs it three times, one after another:
  off   `--compile-cache=off`: everything compiled, nothing stored (what the other
        benchmarks measure);
  cold  a fresh, empty cache directory: everything compiled and stored;
  warm  the same directory again: every program loaded from the cache.
Each row is the median over the repeats of summary.json's `compile_seconds` (compiling
before training, on the run's threads) and `wall_seconds` (the whole invocation).

The GPU rows compile the same sweep for the GPU (sm_90: the NVPTX back end, ptxas and
fatbinary of /usr/local/cuda, the host code) on this machine, through the tests'
stand-in driver (build/test/unittests/libsweep-fake-cuda.so), which runs no kernel: only
their compile times mean anything, and only cold and warm are run (--gpu-repeats
times; 0: none), as compiling for the GPU takes minutes. The table goes to
docs/performance.md ("Compile cache").
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



def run(sweepc, sweep, results, cache, gpu_driver=None):
    command = [sweepc, "run", sweep, "--quiet", "--overwrite", "--results=" + results,
               "--compile-cache=" + cache]
    env = dict(os.environ)
    if gpu_driver:
        command += ["--device=cuda", "--no-energy"]
        env["SWEEPC_CUDA_DRIVER"] = gpu_driver
    subprocess.run(command, check=True, env=env)
    with open(os.path.join(results, "spirals_depth_width", "summary.json")) as f:
        summary = json.load(f)
    return (summary["compile_seconds"], summary["wall_seconds"], summary["programs_compiled"],
            summary["programs_from_compile_cache"])


def directory_bytes(path):
    return sum(os.path.getsize(os.path.join(path, name)) for name in os.listdir(path))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--gpu-repeats", type=int, default=1)
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args()
    sweepc = os.path.join(args.build, "bin", "sweepc")
    driver = fake_cuda_driver(args.build)
    gpu_repeats = args.gpu_repeats if os.path.exists(driver) else 0
    text = spirals_sweep(args.epochs, "compile_cache")
    samples = {("CPU", "off"): [], ("CPU", "cold"): [], ("CPU", "warm"): []}
    if gpu_repeats:
        samples.update({("GPU", "cold"): [], ("GPU", "warm"): []})
    sizes = {}
    with tempfile.TemporaryDirectory() as work:
        sweep = os.path.join(work, "spirals.sweep")
        with open(sweep, "w") as f:
            f.write(text)
        results = os.path.join(work, "results")
        for device, repeats, gpu_driver in (("CPU", args.repeats, None),
                                            ("GPU", gpu_repeats, driver)):
            for repeat in range(repeats):
                cache = os.path.join(work, f"cache-{device}-{repeat}")
                if device == "CPU":
                    samples[(device, "off")].append(run(sweepc, sweep, results, "off"))
                for state in ("cold", "warm"):
                    samples[(device, state)].append(
                        run(sweepc, sweep, results, cache, gpu_driver))
                sizes[device] = (len(os.listdir(cache)), directory_bytes(cache))
                print(device, repeat, {k: v[-1] for k, v in samples.items() if v}, flush=True)
    rows = []
    medians = {}
    for (device, name), runs in samples.items():
        compile_s = statistics.median(r[0] for r in runs)
        wall_s = statistics.median(r[1] for r in runs)
        medians[(device, name)] = (compile_s, wall_s)
        rows.append(f"| {device} | {name} | {len(runs)} | {runs[0][2]} | {runs[0][3]} | "
                    f"{compile_s:.2f} | {wall_s:.2f} |")

    def ratio(device, column):
        return medians[(device, "cold")][column] / medians[(device, "warm")][column]

    command = (f"python3 bench/compile_cache.py --build {args.build} --repeats {args.repeats} "
               f"--epochs {args.epochs} --gpu-repeats {gpu_repeats}")
    gpu_text = ""
    if gpu_repeats:
        gpu_text = f"""For the GPU a warm cache compiles {ratio("GPU", 0):.0f}x faster than a cold one:
the NVPTX back end, ptxas and fatbinary are skipped with LLVM. Its {sizes["GPU"][0]}
entries hold {sizes["GPU"][1] / 2**20:.1f} MiB (a group's kernels as one fatbinary of cubin and PTX, and its host code).
"""
    table = f"""## Compile cache

Command: `{command}` (examples/spirals_depth_width.sweep, 42 groups, cut to
{args.epochs} epoch(s). Per repeat, on the CPU: the cache off, a fresh cache directory,
then the same directory again; on the GPU, through the tests' stand-in driver, which
runs no kernel (only compile times count there): a fresh directory, then the same
again. Medians over the repeats, on this machine's 2 threads.)

| device | cache | repeats | programs | loaded from the cache | compile s (median) | wall s (median) |
|---|---|---|---|---|---|---|
""" + "\n".join(rows) + f"""

On the CPU a warm cache compiles {ratio("CPU", 0):.1f}x faster than a cold one, and the
whole invocation takes {medians[("CPU", "off")][1] / medians[("CPU", "warm")][1]:.1f}x less
time than without a cache: what is left of compiling is MLIRGen and the MLIR pipeline,
which the key needs, and loading the objects. A cold cache's compile time is
{medians[("CPU", "cold")][0] / medians[("CPU", "off")][0]:.2f}x that of no cache (storing
the objects costs less than the machine's noise between runs). The CPU's
{sizes["CPU"][0]} entries hold {sizes["CPU"][1] / 2**20:.1f} MiB (an entry per program:
group structure and run count).
{gpu_text}
"""
    print(table)
    if not args.no_doc:
        write_section("compile-cache", table, before="compile-depth")


if __name__ == "__main__":
    main()
