#!/bin/bash
# Runs on the GPU machine, in the repository root, after bench/gpu/bundle.sh was run
# where sweepc builds and .device-bundle/ was carried over. Prints, in order:
#  1. the GPU smoke program (the object.sweep group compiled by sweepc's GPU pipeline,
#     run through runtime/cuda on libcuda.so.1): it must print
#     "runtime error: none" and "loss 0.693147 correct 2 squared 0.250000", the CPU's figures;
#  2. PyTorch's baselines for the 100,000-run sweep (bench/gpu/pytorch_baselines.py).
# Writes logs and JSON under $OUT when set (the device tool's output folder).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=$root/.device-bundle
out=${OUT:-/tmp}
nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader || true
echo "== 1. GPU smoke: sweepc's kernels against the CPU's figures"
"$bundle/gpu_smoke" libcuda.so.1 | tee "$out/gpu_smoke.txt"
echo "== 2. PyTorch baselines"
PYTHONUNBUFFERED=1 python3 "$root/bench/gpu/pytorch_baselines.py" --data "$bundle/data" \
  --budget "${BUDGET:-60}" --json "$out/baselines.json" 2>&1 | tee "$out/baselines.txt"
