#!/usr/bin/env bash
# Builds the libFuzzer front-end target with clang, ASan and UBSan in build-fuzz/ and runs
# it for the given number of seconds (default 60) on a copy of the seed corpus.
#   bash test/fuzz/run.sh 600
# New inputs go to test/fuzz/work/corpus; crashes, leaks and timeouts to test/fuzz/artifacts/.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../.." && pwd)
build="$root/build-fuzz"
bash "$root/scripts/install-deps.sh"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DMLIR_DIR=/usr/lib/llvm-19/lib/cmake/mlir \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DSWEEP_ENABLE_FUZZER=ON
fi
ninja -C "$build" sweepc-fuzz-frontend
mkdir -p "$root/test/fuzz/work/corpus" "$root/test/fuzz/artifacts"
cp -n "$root"/test/fuzz/corpus/* "$root/test/fuzz/work/corpus/" 2>/dev/null || true
"$build/bin/sweepc-fuzz-frontend" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -dict="$root/test/fuzz/sweep.dict" \
  -artifact_prefix="$root/test/fuzz/artifacts/" \
  "$root/test/fuzz/work/corpus" "$root/test/fuzz/corpus"
