#!/usr/bin/env bash
# Installs what the benchmarks compare against, only where missing: Debian's PyTorch and
# NumPy, and OpenBLAS (libopenblas0-pthread) so that torch's matrix products do not run on
# the reference BLAS (bench/pytorch_baselines.py refuses to report a ratio against it).
# Not needed by `make demo` or `make test`. Uses sudo when not root.
set -euo pipefail

packages=(python3-torch python3-numpy libopenblas0-pthread)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-bench-deps: installing missing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
