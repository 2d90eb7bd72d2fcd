# Shared by the ci/ scripts: stage timing and a summary at the end.
# shellcheck shell=bash

NKE_CI_TIMES=()
NKE_CI_START=$(date +%s)

# stage NAME COMMAND...: run one stage, print its wall time, stop on failure.
stage() {
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s)
  echo "=== stage ${name}: $*"
  if ! "$@"; then
    t1=$(date +%s)
    NKE_CI_TIMES+=("${name} $((t1 - t0))s FAILED")
    ci_summary
    echo "=== stage ${name} FAILED" >&2
    exit 1
  fi
  t1=$(date +%s)
  NKE_CI_TIMES+=("${name} $((t1 - t0))s")
  echo "=== stage ${name}: $((t1 - t0))s"
}

ci_summary() {
  echo "=== stage times"
  local line
  for line in "${NKE_CI_TIMES[@]}"; do echo "    ${line}"; done
  echo "    total $(( $(date +%s) - NKE_CI_START ))s"
}

# preset NAME: configure, build and run CTest for one CMake preset.
preset() {
  local name=$1
  shift
  cmake --preset "${name}" -DNKE_SPEC_LINT_STRICT=ON >/dev/null
  cmake --build --preset "${name}" -j "$(nproc)"
  ctest --preset "${name}" "$@"
}
