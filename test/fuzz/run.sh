#!/usr/bin/env bash
# Builds a libFuzzer target with clang, ASan and UBSan in build-fuzz/ and runs it for the
# given number of seconds (default 60) on a copy of its seed corpus.
#   bash test/fuzz/run.sh 600            # the front end (.sweep files)
#   bash test/fuzz/run.sh 600 report     # report.html's readers and writers
# New inputs go to test/fuzz/work/<target>/; crashes, leaks and timeouts to
# test/fuzz/artifacts/.
set -euo pipefail
seconds=${1:-60}
target=${2:-frontend}
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build-fuzz"
case "$target" in
  frontend) corpus="$root/test/fuzz/corpus"
            extra=(-max_len=4096 -dict="$root/test/fuzz/sweep.dict") ;;
  report)   corpus="$root/test/fuzz/report-corpus"
            extra=(-max_len=8192 -dict="$root/test/fuzz/report.dict") ;;
  *) echo "run.sh: unknown target '$target' (frontend or report)" >&2; exit 2 ;;
esac
bash "$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DSWEEP_ENABLE_FUZZER=ON
fi
ninja -C "$build" "sweepc-fuzz-$target"
work="$root/test/fuzz/work/$target"
mkdir -p "$work" "$root/test/fuzz/artifacts"
"$build/bin/sweepc-fuzz-$target" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${extra[@]}" \
  -artifact_prefix="$root/test/fuzz/artifacts/$target-" \
  "$work" "$corpus"
