#!/usr/bin/env bash
# The long property run (conformance/properties/README.md, "Long runs").
#
# CI runs the RapidCheck properties with a fixed seed and a small budget
# (the test presets set RC_PARAMS="seed=20261127 max_success=100").  This
# script runs them with fresh random seeds and a large budget, round after
# round, until the rounds or the time budget are used up, and keeps the
# output of every failing round (with its RC_PARAMS="reproduce=..." line).
#
#   bash ci/properties-long.sh                          # defaults below
#   bash ci/properties-long.sh --preset tsan --rounds 20 --max-success 2000
#   bash ci/properties-long.sh --impl /path/to/their/libnke.so --minutes 60
#
# Options:
#   --preset NAME       CMake preset to build and run (default: default)
#   --rounds N          rounds, each with a new random seed (default: 10)
#   --minutes M         stop starting new rounds after M minutes (default: 30)
#   --max-success N     RapidCheck cases per property and round (default: 1000)
#   --max-size N        RapidCheck size limit (default: 200)
#   --filter GLOB       gtest filter, e.g. 'ConcurrencyProps.*' (default: all)
#   --impl PATH         judge this implementation instead of the reference
#                       (a libnke.so.1 symlink to it goes first on LD_LIBRARY_PATH)
#   --out DIR           where failing rounds are kept (default:
#                       build/<preset>/properties-long)
#   --no-build          use the existing build
#
# Exit status: 0 when every round passed, 1 when one failed, 2 on a usage error.
set -euo pipefail
cd "$(dirname "$0")/.."

preset=default rounds=10 minutes=30 max_success=1000 max_size=200 filter='*' impl= out= build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --preset) preset=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --minutes) minutes=$2; shift 2 ;;
    --max-success) max_success=$2; shift 2 ;;
    --max-size) max_size=$2; shift 2 ;;
    --filter) filter=$2; shift 2 ;;
    --impl) impl=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "properties-long.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

bin=build/${preset}/conformance/nke-property-tests
out=${out:-build/${preset}/properties-long}
if [ "${build}" = 1 ]; then
  cmake --preset "${preset}" >/dev/null
  cmake --build --preset "${preset}" -j "$(nproc)" --target nke-property-tests
fi
[ -x "${bin}" ] || { echo "properties-long.sh: ${bin} is not built" >&2; exit 2; }
mkdir -p "${out}"

env_args=(NKE_TEST_MODULE_DIR="$PWD/build/${preset}/conformance/modules")
if [ -n "${impl}" ]; then
  [ -f "${impl}" ] || { echo "properties-long.sh: no such implementation ${impl}" >&2; exit 2; }
  libdir=$(mktemp -d)
  trap 'rm -rf "${libdir}"' EXIT
  ln -s "$(realpath "${impl}")" "${libdir}/libnke.so.1"
  env_args+=(LD_LIBRARY_PATH="${libdir}${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}")
fi
# The sanitizer settings of the test presets.
env_args+=(ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
           UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
           TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}")

deadline=$(( $(date +%s) + minutes * 60 ))
failed=0
for round in $(seq 1 "${rounds}"); do
  if [ "$(date +%s)" -ge "${deadline}" ]; then
    echo "=== time budget of ${minutes} min used: stopping after $((round - 1)) rounds"
    break
  fi
  seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
  params="seed=${seed} max_success=${max_success} max_size=${max_size}"
  log="${out}/round-${round}-seed-${seed}.log"
  t0=$(date +%s)
  if env "${env_args[@]}" RC_PARAMS="${params}" "${bin}" --gtest_filter="${filter}" >"${log}" 2>&1; then
    echo "=== round ${round}: RC_PARAMS=\"${params}\": passed in $(( $(date +%s) - t0 ))s"
    rm -f "${log}"
  else
    failed=1
    echo "=== round ${round}: RC_PARAMS=\"${params}\": FAILED in $(( $(date +%s) - t0 ))s, log ${log}"
    grep -E '^\[  FAILED  \] [A-Za-z]+\.[A-Za-z]+ \(' "${log}" | sed 's/^/    /' || true
    grep -o 'RC_PARAMS="reproduce=[^"]*"' "${log}" | sort -u | sed 's/^/    replay: /' || true
  fi
done
if [ "${failed}" = 1 ]; then
  echo "=== some rounds failed; replay one with: RC_PARAMS=\"reproduce=...\" ${bin} --gtest_filter=<the property>"
  exit 1
fi
echo "=== every round passed"
