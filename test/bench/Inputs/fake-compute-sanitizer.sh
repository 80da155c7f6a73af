#!/bin/bash
# Stands in for CUDA's compute-sanitizer in gpu-check-plumbing.test: takes the options
# bench/gpu/check.sh passes (each with a value), runs the program as the sanitizer would
# and ends with its summary line, reporting one error when FAKE_SANITIZER_ERRORS=1
# (exit status --error-exitcode, as the real one does).
tool=memcheck exit_code=0
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --tool) tool=$2 ;;
    --error-exitcode) exit_code=$2 ;;
  esac
  shift 2
done
echo "========= COMPUTE-SANITIZER"
"$@"
status=$?
if [ "${FAKE_SANITIZER_ERRORS:-0}" = 1 ]; then
  echo "========= Invalid __global__ write of size 4 bytes"
  echo "========= ERROR SUMMARY: 1 error"
  exit "$exit_code"
fi
echo "========= ERROR SUMMARY: 0 errors ($tool)"
exit "$status"
