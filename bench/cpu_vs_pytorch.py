#!/usr/bin/python3
"""sweepc's compiled CPU backend against PyTorch's best, side by side (issue 6).

For each workload of bench/cpu_sweeps/ (Fashion-MNIST, 1 epoch, batch 128), on 1 and on 2
threads, in this one invocation:
  - `sweepc run` (compiled backend, whole command timed: data loading and compiling
    included);
  - PyTorch from Debian on OpenBLAS (bench/pytorch_baselines.py, one process per
    workload and thread count): `loop`, `fused`, `fused-wide`; "PyTorch's best" is the
    fastest. PyTorch is timed from its first step to the test evaluation (no data
    loading), which favours it;
  - the machine's limits: the FMA peak (build/bin/sweepc-bench-fma-peak), an
    OpenBLAS sgemm 2048^3 through torch, and one core's memory bandwidth
    (build/bin/sweepc-bench-memory);
  - the schedule `sweepc plan` reports for each workload (run-major chunks or one
    layer-major program).

Reports runs/s, training GFLOP/s (6 x params x samples, and GEMM-only: 6 x weights x
samples less the first layer's input gradient), the ratio to each baseline, the fraction
of the FMA peak, and whether the targets hold: with 2 threads runs/s >= min(2 x PyTorch's
best, the rate at 75% of the FMA peak); with 1 thread >= 1.3 x PyTorch's best. Rewrites
the "CPU sweeps against PyTorch" section of docs/performance.md.

With --repeat N each workload and thread count runs N times, sweepc and PyTorch
alternating, and every figure is the median of the N (the machine is shared: single runs
of the same binary vary by up to a quarter).

Usage: /usr/bin/python3 bench/cpu_vs_pytorch.py [--build build] [--only NAME]
           [--threads 2,1] [--loop-runs 4] [--repeat 1] [--no-write]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from perfdoc import write_section  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN, TEST = 60000, 10000

# name: (runs, hidden widths, optimizer, learning-rate range), as the .sweep files.
WORKLOADS = {
    "mlp128_64runs": (64, [128], "sgd", (1e-3, 0.3)),
    "mlp256x2_16runs": (16, [256, 256], "sgd", (1e-3, 0.3)),
    "mlp32_256runs": (256, [32], "sgd", (1e-3, 0.3)),
    "mlp16_1024runs": (1024, [16], "sgd", (1e-3, 0.3)),
    "mlp128_64runs_adamw": (64, [128], "adamw", (1e-4, 1e-2)),
}


def flops(hidden):
    """Training FLOPs per sample and run: (6 x params, GEMM-only)."""
    widths = [784] + hidden + [10]
    weights = sum(a * b for a, b in zip(widths, widths[1:]))
    params = weights + sum(widths[1:])
    return 6 * params, 6 * weights - 2 * widths[0] * widths[1]


# OpenBLAS core types whose kernels use AVX-512, and those using AVX2 at most.
AVX512_CORES = ("SkylakeX", "CooperLake", "SapphireRapids")
GENERIC_CORES = ("Prescott", "Core2", "Nehalem", "Katmai", "Coppermine", "Northwood", "Banias",
                 "Atom", "unknown")


def widest_coretype(detected, flags):
    """The OPENBLAS_CORETYPE to force, or None to keep what OpenBLAS detected.

    OpenBLAS picks its kernels by CPU model, and a model newer than the library falls
    back to narrower kernels than the CPU runs: Sapphire Rapids to generic SSE3
    ("Prescott") in Debian 12's 0.3.21 (29 instead of 287 GFLOP/s), an AVX-512 Zen 5 to
    `Haswell`, AVX2 (sgemm 2048^3 on 2026-11-30, one run each: 176 GFLOP/s on one core
    with them, 192 with `SkylakeX`; 304 and 337 on two). A skilled user would force the
    widest kernels the CPU supports, so the baselines do."""
    if "avx512f" in flags and "avx512bw" in flags and "avx512dq" in flags and \
            "avx512vl" in flags:
        return None if detected in AVX512_CORES else "SkylakeX"
    if "avx2" in flags and "fma" in flags:
        return "Haswell" if detected in GENERIC_CORES else None
    return None


def openblas_environment():
    """The environment for the PyTorch processes, and a sentence on OpenBLAS's kernels."""
    env = dict(os.environ, OPENBLAS_VERBOSE="2")
    probe = subprocess.run(["/usr/bin/python3", "-c", "import numpy as np\n"
                            "x = np.ones((256, 256), np.float32)\nx @ x"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    detected = next((line.split(":", 1)[1].strip() for line in probe.stdout.splitlines()
                     if line.startswith("Core:")), "unknown")
    with open("/proc/cpuinfo") as f:
        flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    widest = widest_coretype(detected, flags)
    env = dict(os.environ)
    if widest:
        env["OPENBLAS_CORETYPE"] = widest
        return env, ("OpenBLAS detected this CPU as `%s`, narrower kernels than it runs; the "
                     "baselines ran with `OPENBLAS_CORETYPE=%s`, the widest kernels the CPU "
                     "supports" % (detected, widest))
    return env, "OpenBLAS detected this CPU as `%s` and uses its own kernels for it" % detected


def cpu_model():
    """The CPU's name as /proc/cpuinfo gives it: tables from different machines differ by
    more than any change they measure (an AMD Zen 5 and an Intel Xeon with AMX have both
    been this project's 2-core machine)."""
    fields = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            if not line.strip():
                break  # the first processor's fields
            key, _, value = line.partition(":")
            fields[key.strip()] = value.strip()
    return "%s (family %s, model %s)" % (fields.get("model name", "unknown CPU"),
                                         fields.get("cpu family", "?"), fields.get("model", "?"))


def fma_peak(build):
    out = subprocess.run([os.path.join(ROOT, build, "bin", "sweepc-bench-fma-peak")],
                         check=True, stdout=subprocess.PIPE, text=True).stdout
    peak = {}
    for line in out.splitlines():
        isa, threads, rate = line.split()
        peak[int(threads)] = max(peak.get(int(threads), 0.0), float(rate))
    return peak


def sgemm(threads, env):
    out = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "bench", "pytorch_baselines.py"),
                          "--sgemm", "2048", "--threads", str(threads)],
                         check=True, env=env, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["sgemm_gflops"]


def run_sweepc(build, name, threads, work):
    sweep = os.path.join(ROOT, "bench", "cpu_sweeps", name + ".sweep")
    start = time.monotonic()
    subprocess.run([os.path.join(ROOT, build, "bin", "sweepc"), "run", sweep,
                    "--results=" + work, "--jobs=%d" % threads, "--quiet", "--overwrite",
                    # Compiling is part of what is timed: a program from the cache
                    # (every repeat after the first) would leave it out.
                    "--compile-cache=off"],
                   check=True)
    wall = time.monotonic() - start
    with open(os.path.join(work, name, "summary.json")) as f:
        summary = json.load(f)
    return wall, summary


def schedule(build, name, threads):
    """The run-major / layer-major choice `sweepc plan` reports, e.g. "run-major, 8 x 8"."""
    sweep = os.path.join(ROOT, "bench", "cpu_sweeps", name + ".sweep")
    out = subprocess.run([os.path.join(ROOT, build, "bin", "sweepc"), "plan", sweep,
                          "--jobs=%d" % threads], check=True, stdout=subprocess.PIPE,
                         text=True).stdout
    match = re.search(r"schedule: (\S+), (\d+) chunks? of (\d+) runs?", out)
    return "%s, %s x %s" % match.groups() if match else "?"


def memory_bandwidth(build):
    """One core's read and read+streaming-store bandwidth (GB/s), bench/MemoryBandwidth.cpp."""
    out = subprocess.run([os.path.join(ROOT, build, "bin", "sweepc-bench-memory")], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    rates = dict((line.split()[0], float(line.split()[2])) for line in out.splitlines())
    return rates["read"], rates["read+stream"]


def run_pytorch(name, threads, loop_runs, env):
    runs, hidden, optimizer, (lo, hi) = WORKLOADS[name]
    out = subprocess.run(
        ["/usr/bin/python3", os.path.join(ROOT, "bench", "pytorch_baselines.py"),
         "--runs", str(runs), "--hidden", *map(str, hidden), "--threads", str(threads),
         "--optimizer", optimizer, "--loop-runs", str(loop_runs), "--lr-range", str(lo), str(hi)],
        check=True, stdout=subprocess.PIPE, text=True, env=env).stdout
    return json.loads(out.strip().splitlines()[-1])


STRATEGIES = ("loop", "fused", "fused-wide")


def run_pytorch_processes(name, processes, loop_runs, env):
    """PyTorch as `processes` one-thread processes at once, each on an equal share of the
    runs (as a user with that many cores and independent runs would): for each strategy,
    the runs of all of them over the slowest one's seconds, as "<strategy>/procs"."""
    runs, hidden, optimizer, (lo, hi) = WORKLOADS[name]
    share = runs // processes
    results = []
    for strategy in STRATEGIES:
        children = [subprocess.Popen(
            ["/usr/bin/python3", os.path.join(ROOT, "bench", "pytorch_baselines.py"),
             "--runs", str(share), "--hidden", *map(str, hidden), "--threads", "1",
             "--optimizer", optimizer, "--strategies", strategy,
             "--loop-runs", str(max(1, loop_runs // processes)), "--lr-range", str(lo), str(hi)],
            stdout=subprocess.PIPE, text=True, env=env) for _ in range(processes)]
        outs = []
        for child in children:
            out, _ = child.communicate()
            if child.returncode != 0:
                sys.exit("cpu_vs_pytorch: a PyTorch process of %s failed" % name)
            outs.append(json.loads(out.strip().splitlines()[-1])["results"][0])
        timed = sum(o["runs_timed"] for o in outs)
        seconds = max(o["seconds"] for o in outs)
        results.append({"strategy": strategy + "/procs", "runs_timed": timed, "seconds": seconds,
                        "runs_per_s": timed / seconds,
                        "best_test_accuracy": max(o["best_test_accuracy"] for o in outs)})
    return results


def report(rows, failures, peak, blas, thread_counts, library, loop_runs, complete, kernels,
           repeat, memory):
    lines = [
        "## CPU sweeps against PyTorch",
        "",
        "Command: `/usr/bin/python3 bench/cpu_vs_pytorch.py` (workloads in "
        "`bench/cpu_sweeps/`: Fashion-MNIST, 60,000 training images, 1 epoch, batch 128, "
        "then the 10,000 test images; PyTorch %s). sweepc's time is the whole "
        "`sweepc run` (data loading and compiling included); PyTorch's runs from its first "
        "step to its test evaluation. `loop` was timed on the first %d runs of each "
        "workload. GFLOP/s count 6 x parameters x samples (GEMM-only in parentheses). %s.%s"
        % (library, loop_runs, kernels,
           " Every figure is the median of %d runs, sweepc and PyTorch alternating." % repeat
           if repeat > 1 else " One run of each."),
        "",
        "Machine limits measured in the same run on this machine's %s (%d cores): FMA "
        "peak %s; OpenBLAS sgemm 2048^3 %s; "
        "one core's memory bandwidth (`build/bin/sweepc-bench-memory`) %.1f GB/s read, "
        "%.1f GB/s read and written with streaming stores."
        % (cpu_model(), os.cpu_count(),", ".join("%.0f GFLOP/s on %d thread%s" % (peak[t], t, "s" if t > 1 else "")
                     for t in thread_counts),
           ", ".join("%.0f GFLOP/s on %d thread%s" % (blas[t], t, "s" if t > 1 else "")
                     for t in thread_counts), memory[0], memory[1]),
        "",
        "The schedule column is `sweepc plan`'s choice for the thread count (chunks x runs per "
        "chunk; docs/architecture.md, \"Groups, chunks and threads\").",
        "",
        "With N threads PyTorch is also run as N one-thread processes at once, each on an "
        "equal share of the runs (its strategies' best in the `procs` column, named "
        "`<strategy>/procs`): on 2 threads one PyTorch process ran slower than on 1 in "
        "earlier runs (its OpenMP pool and OpenBLAS's competing for 2 cores), and a user with "
        "2 cores and independent runs would start two. PyTorch's best is the fastest of all.",
        "",
        "| workload | threads | schedule | sweepc runs/s | GFLOP/s | of FMA peak | PyTorch loop "
        "| fused | fused-wide | procs | vs best | target | met |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (name, threads, ours, by, best_name, rate, gemm_rate, fraction, target, ok, compile_s,
         wall, chosen) in rows:
        procs = [by[s]["runs_per_s"] for s in by if s.endswith("/procs")]
        lines.append(
            "| %s | %d | %s | %.2f | %.0f (%.0f) | %.0f%% | %.2f | %.2f | %.2f | %s | %.2fx (%s) "
            "| %.2f | %s |"
            % (name, threads, chosen, ours, rate, gemm_rate, 100 * fraction,
               by["loop"]["runs_per_s"], by["fused"]["runs_per_s"],
               by["fused-wide"]["runs_per_s"], "%.2f" % max(procs) if procs else "-",
               ours / by[best_name]["runs_per_s"], best_name, target,
               "yes" if ok else "**no**"))
    lines += ["", "Targets: with 2 threads min(2 x PyTorch's best, 75%% of the FMA peak); with 1 "
              "thread 1.3 x PyTorch's best. %s"
              % ("All met." if not failures else "Missed: " + "; ".join(failures) + "."), ""]
    if not complete:
        lines += ["(Partial: the run was still going; these rows are final.)", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--only", default="")
    parser.add_argument("--threads", default="2,1")
    parser.add_argument("--loop-runs", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    peak = fma_peak(args.build)
    names = [n for n in WORKLOADS if not args.only or n in args.only.split(",")]
    thread_counts = [int(t) for t in args.threads.split(",")]
    env, kernels = openblas_environment()
    blas = {t: sgemm(t, env) for t in thread_counts}
    memory = memory_bandwidth(args.build)
    rows, failures, library = [], [], ""
    with tempfile.TemporaryDirectory() as work:
        for threads in thread_counts:
            for name in names:
                runs, hidden, optimizer, _ = WORKLOADS[name]
                per_sample, gemm_per_sample = flops(hidden)
                walls, results = [], []
                for _ in range(max(1, args.repeat)):
                    wall, summary = run_sweepc(args.build, name, threads, work)
                    walls.append(wall)
                    result = run_pytorch(name, threads, args.loop_runs, env)
                    if threads > 1:
                        result["results"] += run_pytorch_processes(name, threads,
                                                                   args.loop_runs, env)
                    results.append(result)
                wall = statistics.median(walls)
                torch_result = results[0]
                library = "%s on `%s`" % (torch_result["torch"], torch_result["blas"])
                ours = runs / wall
                by = {r["strategy"]: dict(r, runs_per_s=statistics.median(
                          [x["runs_per_s"] for res in results for x in res["results"]
                           if x["strategy"] == r["strategy"]]))
                      for r in torch_result["results"]}
                best_name = max(by, key=lambda s: by[s]["runs_per_s"])
                best = by[best_name]["runs_per_s"]
                work_flops = per_sample * TRAIN
                rate = ours * work_flops / 1e9
                at75 = 0.75 * peak[threads] * 1e9 / work_flops
                target = min(2 * best, at75) if threads == 2 else 1.3 * best
                ok = ours >= target
                if not ok:
                    failures.append(f"{name} on {threads} thread(s)")
                rows.append((name, threads, ours, by, best_name, rate,
                             ours * gemm_per_sample * TRAIN / 1e9, rate / peak[threads],
                             target, ok, summary["compile_seconds"], wall,
                             schedule(args.build, name, threads)))
                print(f"{name} t={threads}: sweepc {ours:.2f} runs/s ({wall:.1f} s), "
                      f"pytorch best {best_name} {best:.2f} runs/s, target {target:.2f}: "
                      f"{'ok' if ok else 'MISSED'}", file=sys.stderr, flush=True)
                if not args.no_write:  # After each row: a long run leaves what it measured.
                    write_section("cpu-vs-pytorch",
                                  report(rows, failures, peak, blas, thread_counts, library,
                                         args.loop_runs, False, kernels, args.repeat, memory),
                                  before="compiled-fashion")
    section = report(rows, failures, peak, blas, thread_counts, library, args.loop_runs, True,
                     kernels, args.repeat, memory)
    print(section)
    if not args.no_write:
        write_section("cpu-vs-pytorch", section, before="compiled-fashion")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as failed:
        # The child said why (OpenBLAS missing, a sweep that failed): no traceback after it.
        sys.exit(f"cpu_vs_pytorch.py: {' '.join(map(str, failed.cmd))} failed "
                 f"(status {failed.returncode}); its message is above")
