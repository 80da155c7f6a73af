#!/bin/bash
# Builds, on a machine with sweepc's toolchain, what a GPU machine runs (it has CUDA, the
# driver and PyTorch, but no LLVM, no MLIR and no dataset package), in .device-bundle/
# (in .gitignore; name it in the device tool's `carry`, 64 MiB at most):
#   gpu_smoke      object.sweep's group from -emit=gpu-obj, linked with runtime/cuda alone
#   gpu_vs_cpu     `sweepc build --device=all` of bench/gpu/gpu_vs_cpu.sweep
#   gpu_vs_cpu_nests  the same with every product a loop nest (--gpu-products=nests)
#   gpu_sanitize   `sweepc build --device=all` of bench/gpu/gpu_sanitize.sweep
#   fashion_100k   `sweepc build --device=cuda` of bench/gpu/fashion_100k.sweep
#   fashion_profile  one of its programs for 100 steps, for SWEEPC_GPU_PROFILE
#   fashion_profile_nests  the same with every product a loop nest (--gpu-products=nests)
#   data/          the Fashion-MNIST files
# Then, there, in the repository root:  bash bench/gpu/check.sh
# Usage: bash bench/gpu/bundle.sh [BUILD_DIR]   ($BUNDLE_DIR: another folder for the bundle)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
sweepc=$build/bin/sweepc
out=${BUNDLE_DIR:-$root/.device-bundle}
data=${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}
rm -rf "$out" && mkdir -p "$out/data"
# The object.sweep group (1 run, a 2-2 layer) for the GPU: host code + PTX, linked with
# runtime/cuda alone; on a GPU it must print what the CPU's AOT test prints.
"$sweepc" -emit=gpu-obj "$root/test/Integration/AOT/object.sweep" -o "$out/tiny" >/dev/null
c++ -O2 "$root/test/Integration/Inputs/aot_gpu_main.cpp" "$out/tiny.tiny.g0.o" -I"$root" \
  "$build/runtime/cuda/libSweepRuntimeCuda.a" -ldl -o "$out/gpu_smoke"
rm "$out/tiny.tiny.g0.o"
# For H200 (sm_90); the driver compiles the PTX for a newer GPU. Programs of 12,500 runs:
# eight in a row, so that a run cut short by check.sh's time budget still finishes some.
"$sweepc" build "$root/bench/gpu/gpu_vs_cpu.sweep" -o "$out/gpu_vs_cpu" --device=all \
  --gpu-chip=sm_90 2>/dev/null
"$sweepc" build "$root/bench/gpu/gpu_vs_cpu.sweep" -o "$out/gpu_vs_cpu_nests" --device=all \
  --gpu-chip=sm_90 --gpu-products=nests 2>/dev/null
"$sweepc" build "$root/bench/gpu/gpu_sanitize.sweep" -o "$out/gpu_sanitize" --device=all \
  --gpu-chip=sm_90 2>/dev/null
"$sweepc" build "$root/bench/gpu/fashion_100k.sweep" -o "$out/fashion_100k" --device=cuda \
  --gpu-chip=sm_90 --runs-per-program="${RUNS_PER_PROGRAM:-12500}" 2>/dev/null
"$sweepc" build "$root/bench/gpu/fashion_profile.sweep" -o "$out/fashion_profile" \
  --device=cuda --gpu-chip=sm_90 2>/dev/null
"$sweepc" build "$root/bench/gpu/fashion_profile.sweep" -o "$out/fashion_profile_nests" \
  --device=cuda --gpu-chip=sm_90 --gpu-products=nests 2>/dev/null
cp "$data"/*.gz "$out/data/"
du -sh "$out"
