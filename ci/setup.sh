#!/usr/bin/env bash
# Install everything OpenNKE needs on a fresh Debian 12 machine (needs root,
# or sudo).  Safe to run again.
set -euo pipefail

packages=(
  cmake ninja-build gcc g++ clang llvm-14 libclang-rt-14-dev   # compilers, libFuzzer, sanitizers
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev  # tests, properties, benchmarks
  lcov libpcap-dev python3 chromium                             # coverage, captures, tools, report check
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
echo "setup.sh: installed ${#packages[@]} packages"
