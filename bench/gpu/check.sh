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
#     every loss and accuracy within a relative 1e-2 (the GPU's kernels fuse multiply-adds),
#     and the trained weights of the best 4 runs (--save-weights=4, read back from the GPU)
#     within a relative 1e-2 in the 2-norm of each array;
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
# and then each part's verdict in a few lines and one table (bench/gpu/report.py): runs/s,
# achieved TFLOP/s against the measured peak, joules per run, ratio to PyTorch's best.
# The device tool returns only the end of the output and at most 8 files of $OUT, none
# in a deep folder: so the verdicts and the table come last, the results folders stay in
# a scratch folder ($CHECK_WORK, default a new one under /tmp), and $OUT (default: that
# folder) gets 7 files: check.log (everything printed), table.md, profiles.txt (2's and
# 2c's launch profiles), sanitize.txt (the sanitizers' logs), baselines.json,
# part2_wall.json and part2_summary.json (the 100,000-run sweep's, when it finished).
# With the default budgets the whole call ends within about 550 s, inside the device
# tool's 600 s per call (parts 2 at 150 s, 2b at 75 s, the two profiles at 35 s, the
# three sanitizers at 20 s, the GPU's runs of 1b and 1c at 20 s, part 3's three
# baselines cut at their budgets, plus a minute for the rest).
# Every step runs under `timeout`, each cut at what is left of TOTAL_BUDGET (default 560 s)
# too, so that a hang (the first run on a real GPU is the likeliest place for one) still
# leaves time for the verdicts and the table: the device tool ends a call at 600 s and
# returns nothing printed after that.
# $BUNDLE_DIR names another bundle folder; SWEEP_BUDGET, STREAMS_BUDGET, PROFILE_BUDGET,
# SANITIZE_BUDGET, COMPARE_BUDGET, SMOKE_BUDGET, CPU_BUDGET, TORCH_BUDGET and BUDGET cut parts
# short (seconds); $SWEEPC_CUDA_DRIVER another
# driver (the tests' stand-in); $COMPUTE_SANITIZER the sanitizer to run (default: the
# toolkit's, if any).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bundle=${BUNDLE_DIR:-$root/.device-bundle}
work=${CHECK_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/sweepc-check.XXXXXX")}
out=${OUT:-$work}
data=$bundle/data
mkdir -p "$work" "$out"
deadline=$(($(date +%s) + ${TOTAL_BUDGET:-560}))

# cap SECONDS: SECONDS, or less where less is left before the deadline (at least 1).
cap() {
  local left=$((deadline - $(date +%s) - 5))
  if [ "$left" -lt "$1" ]; then echo $((left > 1 ? left : 1)); else echo "$1"; fi
}

# GPU results against the CPU's for one executable built with --device=all, the best two
# runs' weights included:
# compare NAME RUNS [extra arguments of the GPU's run]
compare() {
  local name=$1 runs=$2
  shift 2
  if ! timeout "$(cap "${CPU_BUDGET:-60}")" "$bundle/$name" --data-dir "$data" \
    --results "$work/$name/cpu" --device=cpu --quiet --save-weights=2; then
    echo "$name: the CPU's run failed" | tee "$work/$name.txt"
    return 1
  fi
  timeout "$(cap "${COMPARE_BUDGET:-20}")" "$bundle/$name" --data-dir "$data" --results "$work/$name/gpu" \
    --device=cuda --quiet --save-weights=2 "$@" 2>&1 | tail -n 5
  python3 "$root/test/Integration/Inputs/check_results.py" "$work/$name/gpu/${name%_nests}" \
    --runs "$runs" --close-to "$work/$name/cpu/${name%_nests}" --tolerance 0.01 --weights 2 2>&1 |
    tee "$work/$name.txt" | head -n 10
  grep -qx ok "$work/$name.txt"
}

# Times a run of the 100,000-run executable: timed PART BUDGET [its arguments]; its exit
# status goes to $work/PART.status, its wall time to $work/PART_wall.json.
timed() {
  local part=$1 budget=$2 start end
  shift 2
  rm -rf "${work:?}/$part"
  start=$(date +%s%N)
  timeout "$(cap "$budget")" "$bundle/fashion_100k" --data-dir "$data" --results "$work/$part" "$@" 2>&1 |
    tail -n 30
  echo "${PIPESTATUS[0]}" >"$work/$part.status"
  end=$(date +%s%N)
  echo "exit status $(cat "$work/$part.status")"
  echo "{\"seconds\": $(((end - start) / 1000000))e-3}" >"$work/${part}_wall.json"
}

# finished PART: how many runs of PART's sweep wrote their row, and in what time.
finished() {
  local rows=0
  [ -f "$work/$1/fashion_100k/runs.csv" ] &&
    rows=$(($(wc -l <"$work/$1/fashion_100k/runs.csv") - 1))
  echo "exit status $(cat "$work/$1.status" 2>/dev/null || echo '?'), $rows runs finished in" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' \
      "$work/${1}_wall.json" 2>/dev/null || echo '?') s"
}

# Every part, in order; each one's verdict is kept for the summary at the end.
check() {
  local status=0 code tool sanitizer
  nvidia-smi --query-gpu=name,driver_version,power.limit --format=csv,noheader || true
  echo "work folder: $work"

  echo "== 0. GPU smoke: sweepc's kernels against the CPU's figures"
  timeout "$(cap "${SMOKE_BUDGET:-30}")" "$bundle/gpu_smoke" "${SWEEPC_CUDA_DRIVER:-libcuda.so.1}" |
    tee "$work/gpu_smoke.txt"
  code=${PIPESTATUS[0]}
  if [ "$code" = 0 ] && grep -qx "runtime error: none" "$work/gpu_smoke.txt" &&
    grep -qx "loss 0.693147 correct 2 squared 0.250000" "$work/gpu_smoke.txt"; then
    verdict[0]="ok"
  else
    verdict[0]="FAILED (exit status $code; expected loss 0.693147 correct 2 squared 0.250000)"
    status=1
  fi

  echo "== 1. GPU against CPU on a small sweep"
  rm -rf "$work/part1"
  timeout "$(cap "${CPU_BUDGET:-60}")" "$bundle/gpu_vs_cpu" --data-dir "$data" \
    --results "$work/part1/cpu" --device=cpu --quiet --save-weights=4 || status=1
  timeout "$(cap "${COMPARE_BUDGET:-20}")" "$bundle/gpu_vs_cpu" --data-dir "$data" \
    --results "$work/part1/gpu" --device=cuda --top=3 --save-weights=4 2>&1 | tail -n 12
  python3 "$root/test/Integration/Inputs/check_results.py" "$work/part1/gpu/gpu_vs_cpu" --runs 12 \
    --close-to "$work/part1/cpu/gpu_vs_cpu" --tolerance 0.01 --weights 4 2>&1 |
    tee "$work/part1.txt" | head -n 20
  if grep -qx ok "$work/part1.txt"; then
    verdict[1]="ok"
  else
    verdict[1]="FAILED: $(grep -v '^ok$' "$work/part1.txt" | head -n 1)"
    status=1
  fi

  verdict[2]="not run (parts 0 and 1 passed)"
  if [ "$status" != 0 ]; then
    echo "== 1b. part 1 failed: the same with every product a loop nest (--gpu-products=nests)"
    rm -rf "$work/gpu_vs_cpu_nests"
    if compare gpu_vs_cpu_nests 12; then
      verdict[2]="the loop nests agree with the CPU: the shared-memory tiles are wrong"
    else
      verdict[2]="the loop nests disagree too: the fault is outside the tiles"
    fi
    echo "1b: ${verdict[2]}"
  fi

  echo "== 1c. gpu_sanitize.sweep: GPU against CPU, then compute-sanitizer"
  rm -rf "$work/gpu_sanitize"
  if compare gpu_sanitize 4; then
    verdict[3]="ok"
  else
    verdict[3]="FAILED: $(grep -v '^ok$' "$work/gpu_sanitize.txt" 2>/dev/null | head -n 1)"
    status=1
  fi
  : >"$out/sanitize.txt"
  sanitizer=${COMPUTE_SANITIZER:-$(command -v compute-sanitizer ||
    ls /usr/local/cuda/bin/compute-sanitizer /usr/local/cuda/compute-sanitizer/compute-sanitizer \
      2>/dev/null | head -n 1)}
  if [ -z "$sanitizer" ]; then
    echo "compute-sanitizer: not found, skipped"
    verdict[4]="compute-sanitizer not found"
  else
    verdict[4]=""
    for tool in memcheck racecheck synccheck; do
      rm -rf "$work/sanitize_$tool"
      timeout "$(cap "${SANITIZE_BUDGET:-20}")" "$sanitizer" --tool "$tool" --error-exitcode 3 \
        --print-limit 20 "$bundle/gpu_sanitize" --data-dir "$data" \
        --results "$work/sanitize_$tool" --device=cuda --quiet --no-energy \
        >"$work/sanitize_$tool.txt" 2>&1
      code=$?
      { echo "== $tool: exit status $code"; head -c 2000000 "$work/sanitize_$tool.txt"; } \
        >>"$out/sanitize.txt"
      grep -E "^========= (ERROR SUMMARY|RACECHECK SUMMARY|Invalid|Error)" \
        "$work/sanitize_$tool.txt" | sort | uniq -c | head -n 12
      echo "$tool: exit status $code"
      case $code in
        0) verdict[4]+="$tool ok; " ;;
        3) verdict[4]+="$tool FOUND ERRORS; "; status=1 ;;
        124) verdict[4]+="$tool cut at ${SANITIZE_BUDGET:-20} s; " ;;
        *) # e.g. the sanitizer refusing the device
          tail -n 5 "$work/sanitize_$tool.txt"
          verdict[4]+="$tool did not run (exit status $code); " ;;
      esac
    done
  fi

  echo "== 2. sweepc: 100,000 runs on the GPU (budget ${SWEEP_BUDGET:-150} s)"
  timed part2 "${SWEEP_BUDGET:-150}"
  cp "$work/part2_wall.json" "$out/part2_wall.json"
  [ -f "$work/part2/fashion_100k/summary.json" ] &&
    cp "$work/part2/fashion_100k/summary.json" "$out/part2_summary.json"
  echo "== 2b. the same sweep, 4 programs at once (--streams=4; budget ${STREAMS_BUDGET:-75} s)"
  timed part2b "${STREAMS_BUDGET:-75}" --streams=4 | tail -n 8
  rm -rf "$work/profile"
  SWEEPC_GPU_PROFILE=1 timeout "$(cap "${PROFILE_BUDGET:-35}")" "$bundle/fashion_profile" \
    --data-dir "$data" --results "$work/profile" --no-energy --quiet >"$work/profile.txt" 2>&1
  head -n 40 "$work/profile.txt"
  echo "== 2c. the same profile, every product a loop nest (--gpu-products=nests)"
  rm -rf "$work/profile_nests"
  SWEEPC_GPU_PROFILE=1 timeout "$(cap "${PROFILE_BUDGET:-35}")" "$bundle/fashion_profile_nests" \
    --data-dir "$data" --results "$work/profile_nests" --no-energy --quiet \
    >"$work/profile_nests.txt" 2>&1
  head -n 40 "$work/profile_nests.txt"
  { echo "== 2: shared-memory tiles"; cat "$work/profile.txt"
    echo "== 2c: every product a loop nest"; cat "$work/profile_nests.txt"; } >"$out/profiles.txt"

  echo "== 3 and 4. PyTorch on the same GPU, NVML joules (budget ${BUDGET:-30} s each)"
  # Its warm-ups and the evaluation of 100,000 runs are outside BUDGET: the whole
  # part is cut at TORCH_BUDGET.
  PYTHONUNBUFFERED=1 timeout "$(cap "${TORCH_BUDGET:-150}")" "${TORCH_PYTHON:-python3}" \
    "$root/bench/gpu/pytorch_baselines.py" \
    --data "$data" --budget "${BUDGET:-30}" --json "$out/baselines.json" 2>&1 | tail -n 12

  echo "== Verdicts"
  echo "0  smoke program:            ${verdict[0]}"
  echo "1  GPU against CPU:          ${verdict[1]}"
  echo "1b loop nests against CPU:   ${verdict[2]}"
  echo "1c gpu_sanitize against CPU: ${verdict[3]}"
  echo "1c compute-sanitizer:        ${verdict[4]%; }"
  echo "2  100,000 runs:             $(finished part2)"
  echo "2b the same, --streams=4:    $(finished part2b)"
  echo "== Table"
  python3 "$root/bench/gpu/report.py" --sweepc "$work/part2/fashion_100k" \
    --wall "$work/part2_wall.json" --baselines "$out/baselines.json" | tee "$out/table.md"
  return $status
}

declare -a verdict
check 2>&1 | tee "$out/check.log"
exit "${PIPESTATUS[0]}"
