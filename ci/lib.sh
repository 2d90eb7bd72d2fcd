# Shared by the ci/ scripts: stage timing and a summary at the end.
# shellcheck shell=bash

NKE_CI_TIMES=()
NKE_CI_START=$(date +%s)

# User+system CPU seconds of every finished child so far (bash's `times`):
# wall time depends on what else the machine runs, CPU time much less, so
# both are printed.
# Sets NKE_CI_CPU (call it directly, not in $(...): a subshell has no
# children of its own).
children_cpu_seconds() {
  local f line
  f=$(mktemp)
  times >"${f}"
  line=$(tail -n 1 "${f}")
  rm -f "${f}"
  NKE_CI_CPU=$(python3 -c 'import re,sys
t=0.0
for m,s in re.findall(r"(\d+)m([\d.]+)s", sys.argv[1]): t+=int(m)*60+float(s)
print(int(t))' "${line}")
}

# stage NAME COMMAND...: run one stage, print its wall time, stop on failure.
stage() {
  local name=$1
  shift
  local t0 t1 c0
  t0=$(date +%s)
  children_cpu_seconds
  c0=${NKE_CI_CPU}
  echo "=== stage ${name}: $*"
  if ! "$@"; then
    t1=$(date +%s)
    NKE_CI_TIMES+=("${name} $((t1 - t0))s FAILED")
    ci_summary
    echo "=== stage ${name} FAILED" >&2
    exit 1
  fi
  t1=$(date +%s)
  local cpu
  children_cpu_seconds
  cpu=$((NKE_CI_CPU - c0))
  NKE_CI_TIMES+=("${name} $((t1 - t0))s (cpu ${cpu}s)")
  echo "=== stage ${name}: $((t1 - t0))s wall, ${cpu}s cpu"
}

ci_summary() {
  echo "=== stage times"
  local line
  for line in "${NKE_CI_TIMES[@]}"; do echo "    ${line}"; done
  echo "    total $(( $(date +%s) - NKE_CI_START ))s"
}

# preset NAME [CTEST ARGS...]: configure, build and run CTest for one CMake
# preset.  NKE_CI_TARGET limits the build to one target.
preset() {
  local name=$1
  shift
  cmake --preset "${name}" >/dev/null
  cmake --build --preset "${name}" -j "$(nproc)" ${NKE_CI_TARGET:+--target "${NKE_CI_TARGET}"}
  ctest --preset "${name}" "$@"
}
