#!/usr/bin/env bash
# Installs the Debian packages sweepc needs, and only the ones that are missing, so that
# `make demo` and `make test` work on a fresh Debian 12 machine. Uses sudo when not root.
set -euo pipefail

packages=(
  cmake ninja-build ccache g++ re2c zlib1g-dev
  llvm-19-dev libmlir-19-dev mlir-19-tools llvm-19-tools
  libgtest-dev libbenchmark-dev
  lld clang libclang-rt-dev   # lld links the tools; clang + compiler-rt build the libFuzzer target
  dataset-fashion-mnist       # real data: /usr/share/datasets/fashion-mnist
  python3-pandas              # tests read the results files the way users do
  python3-torch python3-numpy # test/Integration/Reference trains every run again in PyTorch;
                              # CPU/save-weights.test evaluates the weights files in NumPy
  libopenmpi-dev openmpi-bin  # MPI ranks (docs/cluster.md); sweepc builds without them too
  chromium chromium-driver python3-selenium python3-pil  # the report's browser test
  strace                      # a test counts the writes of a program's runs.csv rows
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing missing Debian packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
