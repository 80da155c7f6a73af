#!/bin/bash
# The GPU check of issue 7, one call on a machine with an NVIDIA GPU, CUDA's driver,
# PyTorch and Python, but no LLVM/MLIR and no dataset package. Run bench/gpu/bundle.sh
# where sweepc builds, carry .device-bundle/ over, then here, in the repository root:
#   bash bench/gpu/check.sh
# It prints, in order:
#  0. the GPU smoke program: must print "runtime error: none" and
#     "loss 0.693147 correct 2 squared 0.250000" (the CPU's figures for object.sweep);
#  1. the GPU's results against the CPU's on a small sweep (gpu_vs_cpu.sweep, one
#     executable, --device=cpu then --device=cuda; same initial weights and data order):
#     every loss and accuracy within a relative 1e-2 (the GPU's kernels fuse multiply-adds);
#  1b. only when part 0 or 1 failed: part 1 again with every product a loop nest
#     (--gpu-products=nests at build time), which says whether the shared-memory tiles
#     or the rest are wrong;
#  1c. gpu_sanitize.sweep (3 layers, partial tiles on every side, a partial last batch,
#     SGD with momentum and Adam, 4 runs) GPU against CPU as in part 1, then on the GPU
#     under compute-sanitizer's memcheck, racecheck and synccheck where it runs (each
#     cut at SANITIZE_BUDGET seconds, default 20): out-of-bounds accesses, shared-memory
#     races and barriers misused that happen not to change the numbers;
#  2. the 100,000-run Fashion-MNIST sweep (fashion_100k.sweep) timed on the GPU, cut at
#     SWEEP_BUDGET seconds (default 150): runs/s counts the runs finished by then; then
#     one of its programs for 100 steps with SWEEPC_GPU_PROFILE=1: the time of each kernel
#     and copy (runtime/cuda/LaunchProfile.h), where the next speed-up has to come from;
#  2b. the same sweep (8 programs of 12,500 runs) with 4 programs at once on 4 CUDA
#     streams (--streams=4, issue 8), cut at STREAMS_BUDGET seconds (default 75): its
#     wall time against part 2's says whether overlapping programs pays on this card;
#  2c. part 2's profile again with every product a loop nest (--gpu-products=nests at
#     build time): the products' kernel times against 2's say what the shared-memory
#     tiles give on this card;
#  3. PyTorch's baselines for the same work on the same GPU (bench/gpu/pytorch_baselines.py:
#     bmm, bmm-wide, torch.func.vmap; the card's measured fp32 matmul peak), each cut at
#     BUDGET seconds of training (default 30);
#  4. NVML energy: sweepc's runs carry their joules (its NVML meter), PyTorch's rows theirs;
# and then one table (bench/gpu/report.py): runs/s, achieved TFLOP/s against the measured
# peak, joules per run, ratio to PyTorch's best. Logs and JSON go to $OUT (default /tmp).
# With the default budgets the whole call ends within about 550 s, inside the device
# tool's 600 s per call (parts 2 at 150 s, 2b at 75 s, the two profiles at 35 s, the
# three sanitizers at 20 s, the GPU's runs of 1b and 1c at 20 s, part 3's three
# baselines cut at their budgets, plus a minute for the rest).
# $BUNDLE_DIR names another bundle folder; SWEEP_BUDGET, STREAMS_BUDGET, PROFILE_BUDGET,
# SANITIZE_BUDGET, COMPARE_BUDGET and BUDGET cut parts short (seconds); $SWEEPC_CUDA_DRIVER another
# driver (the tests' stand-in); $COMPUTE_SANITIZER the sanitizer to run (default: the
# toolkit's, if any).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=${BUNDLE_DIR:-$root/.device-bundle}
out=${OUT:-/tmp}
data=$bundle/data
status=0
nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader || true

echo "== 0. GPU smoke: sweepc's kernels against the CPU's figures"
"$bundle/gpu_smoke" "${SWEEPC_CUDA_DRIVER:-libcuda.so.1}" | tee "$out/gpu_smoke.txt" || status=1

echo "== 1. GPU against CPU on a small sweep"
rm -rf "$out/part1"
"$bundle/gpu_vs_cpu" --data-dir "$data" --results "$out/part1/cpu" --device=cpu --quiet ||
  status=1
"$bundle/gpu_vs_cpu" --data-dir "$data" --results "$out/part1/gpu" --device=cuda 2>&1 |
  tail -n 20 || status=1
python3 "$root/test/Integration/Inputs/check_results.py" "$out/part1/gpu/gpu_vs_cpu" --runs 12 \
  --close-to "$out/part1/cpu/gpu_vs_cpu" --tolerance 0.01 | tee "$out/part1.txt" | head -n 20
grep -qx ok "$out/part1.txt" || status=1

# GPU results against the CPU's for one executable built with --device=all:
# compare NAME RUNS [extra arguments of the GPU's run]
compare() {
  local name=$1 runs=$2
  shift 2
  "$bundle/$name" --data-dir "$data" --results "$out/$name/cpu" --device=cpu --quiet ||
    return 1
  timeout "${COMPARE_BUDGET:-20}" "$bundle/$name" --data-dir "$data" --results "$out/$name/gpu" \
    --device=cuda --quiet "$@" 2>&1 | tail -n 5
  python3 "$root/test/Integration/Inputs/check_results.py" "$out/$name/gpu/${name%_nests}" \
    --runs "$runs" --close-to "$out/$name/cpu/${name%_nests}" --tolerance 0.01 |
    tee "$out/$name.txt" | head -n 10
  grep -qx ok "$out/$name.txt"
}

if [ "$status" != 0 ]; then
  echo "== 1b. part 1 failed: the same with every product a loop nest (--gpu-products=nests)"
  rm -rf "$out/gpu_vs_cpu_nests"
  if compare gpu_vs_cpu_nests 12; then
    echo "1b: the loop nests agree with the CPU: the shared-memory tiles are wrong"
  else
    echo "1b: the loop nests disagree too: the fault is outside the tiles"
  fi
fi

echo "== 1c. gpu_sanitize.sweep: GPU against CPU, then compute-sanitizer"
rm -rf "$out/gpu_sanitize"
compare gpu_sanitize 4 || status=1
sanitizer=${COMPUTE_SANITIZER:-$(command -v compute-sanitizer ||
  ls /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer \
    2>/dev/null | head -n 1)}
if [ -z "$sanitizer" ]; then
  echo "compute-sanitizer: not found, skipped"
else
  for tool in memcheck racecheck synccheck; do
    rm -rf "$out/sanitize_$tool"
    timeout "${SANITIZE_BUDGET:-20}" "$sanitizer" --tool "$tool" --error-exitcode 3 \
      --print-limit 20 "$bundle/gpu_sanitize" --data-dir "$data" \
      --results "$out/sanitize_$tool" --device=cuda --quiet --no-energy \
      >"$out/sanitize_$tool.txt" 2>&1
    code=$?
    grep -E "^========= (ERROR SUMMARY|RACECHECK SUMMARY|Invalid|Error)" "$out/sanitize_$tool.txt" |
      sort | uniq -c | head -n 12
    echo "$tool: exit status $code"
    case $code in
      0) ;;
      3) status=1 ;;                  # errors found
      124) echo "$tool: cut at ${SANITIZE_BUDGET:-20} s" ;;
      *) tail -n 5 "$out/sanitize_$tool.txt" ;; # e.g. the sanitizer refusing the device
    esac
  done
fi

echo "== 2. sweepc: 100,000 runs on the GPU (budget ${SWEEP_BUDGET:-150} s)"
rm -rf "$out/part2"
start=$(date +%s%N)
timeout "${SWEEP_BUDGET:-150}" "$bundle/fashion_100k" --data-dir "$data" --results "$out/part2" \
  2>&1 | tail -n 30
echo "exit status ${PIPESTATUS[0]}"
end=$(date +%s%N)
echo "{\"seconds\": $(((end - start) / 1000000))e-3}" >"$out/part2_wall.json"
echo "== 2b. the same sweep, 4 programs at once (--streams=4; budget ${STREAMS_BUDGET:-75} s)"
rm -rf "$out/part2b"
start=$(date +%s%N)
timeout "${STREAMS_BUDGET:-75}" "$bundle/fashion_100k" --data-dir "$data" --results "$out/part2b" \
  --streams=4 2>&1 | tail -n 8
echo "exit status ${PIPESTATUS[0]}"
end=$(date +%s%N)
echo "{\"seconds\": $(((end - start) / 1000000))e-3}" | tee "$out/part2b_wall.json"
rm -rf "$out/profile"
SWEEPC_GPU_PROFILE=1 timeout "${PROFILE_BUDGET:-35}" "$bundle/fashion_profile" --data-dir "$data" \
  --results "$out/profile" --no-energy --quiet 2>&1 | tee "$out/profile.txt" | head -n 40
echo "== 2c. the same profile, every product a loop nest (--gpu-products=nests)"
rm -rf "$out/profile_nests"
SWEEPC_GPU_PROFILE=1 timeout "${PROFILE_BUDGET:-35}" "$bundle/fashion_profile_nests" \
  --data-dir "$data" --results "$out/profile_nests" --no-energy --quiet 2>&1 |
  tee "$out/profile_nests.txt" | head -n 40

echo "== 3 and 4. PyTorch on the same GPU, NVML joules (budget ${BUDGET:-30} s each)"
PYTHONUNBUFFERED=1 "${TORCH_PYTHON:-python3}" "$root/bench/gpu/pytorch_baselines.py" --data "$data" \
  --budget "${BUDGET:-30}" --json "$out/baselines.json" 2>&1 | tail -n 12

echo "== Table"
python3 "$root/bench/gpu/report.py" --sweepc "$out/part2/fashion_100k" \
  --wall "$out/part2_wall.json" --baselines "$out/baselines.json" | tee "$out/table.md"
exit $status
