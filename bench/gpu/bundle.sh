#!/bin/bash
# Builds, on a machine with sweepc's toolchain, what a GPU machine runs (it has CUDA and
# PyTorch but no LLVM or MLIR): the GPU smoke program and the Fashion-MNIST files, in
# .device-bundle/ (git-ignored; name it in the device tool's `carry`). Then, there:
#   bash bench/gpu/device_check.sh
# Usage: bash bench/gpu/bundle.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
out=$root/.device-bundle
rm -rf "$out" && mkdir -p "$out/data"
grep -qx '/.device-bundle/' "$root/.git/info/exclude" 2>/dev/null ||
  echo '/.device-bundle/' >>"$root/.git/info/exclude"
# The object.sweep group (1 run, a 2-2 layer) for the GPU: host code + PTX, linked with
# runtime/cuda alone; on a GPU it must print what the CPU's AOT test prints.
"$build/bin/sweepc" -emit=gpu-obj "$root/test/Integration/AOT/object.sweep" -o "$out/tiny" >/dev/null
c++ -O2 "$root/test/Integration/Inputs/aot_gpu_main.cpp" "$out/tiny.tiny.g0.o" -I"$root" \
  "$build/runtime/cuda/libSweepRuntimeCuda.a" -ldl -o "$out/gpu_smoke"
cp /usr/share/datasets/fashion-mnist/*.gz "$out/data/"
du -sh "$out"
