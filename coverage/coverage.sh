#!/usr/bin/env bash
# Line and branch coverage of reference/ (issue: coverage gates).
#
#   bash coverage/coverage.sh            # build, run, report, enforce floors
#
# Builds the `coverage` preset (gcc --coverage), takes an initial baseline so
# files no test reaches still count, runs the conformance suite alone and
# captures, then runs every other test and captures again, and writes:
#   build/coverage/coverage-html/index.html   genhtml report with branches
#   build/coverage/coverage-summary.txt       the two figures (README line)
# It fails if a figure is below coverage/thresholds.json.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${src}/build/coverage
out=${build}/coverage-data
rc=(--rc lcov_branch_coverage=1)
gcov=(--gcov-tool "${src}/coverage/gcov-nothrow")
lcov_q() { lcov -q "${rc[@]}" "$@" 2> >(grep -v "redefined at /usr/bin/geninfo" >&2); }

cmake --preset coverage >/dev/null
cmake --build --preset coverage -j "$(nproc)"
rm -rf "${out}" && mkdir -p "${out}"

lcov_q --zerocounters --directory "${build}"
# Only the objects built from reference/ are read: capturing the whole build
# tree (test binaries included) took 5 minutes a capture instead of one.
objs=${build}/reference
lcov_q --capture --initial --directory "${objs}" "${gcov[@]}" -o "${out}/base.info"

# 1. The conformance suite alone (and its property tests): what the
#    spec-derived tests exercise of the reference.
tests_failed=0
ctest --preset coverage -L conformance || tests_failed=1
lcov_q --capture --directory "${objs}" "${gcov[@]}" -o "${out}/conformance-run.info"
lcov_q -a "${out}/base.info" -a "${out}/conformance-run.info" -o "${out}/conformance-all.info"
# reference/ less the tests and benchmarks that live beside the code they
# exercise (examples' test_*.cpp, the drivers' self-test and input bench).
not_reference=("*/reference/*/test_*.cpp" "*/reference/*/*/test_*.cpp" "*_selftest.cpp" "*_bench.cpp")
reference_only() {  # IN OUT
  lcov_q --extract "$1" "${src}/reference/*" -o "$2.tmp"
  lcov_q --remove "$2.tmp" "${not_reference[@]}" -o "$2"
  rm -f "$2.tmp"
}
reference_only "${out}/conformance-all.info" "${out}/conformance.info"

# 2. Everything else on top (counters are not reset: the second capture is
#    the union).
# The negative controls, the browser check and the out-of-tree install
# judge the suite and the packaging; they add nothing of the reference.
ctest --preset coverage -LE 'conformance|controls|browser' -E examples.out-of-tree || tests_failed=1
lcov_q --capture --directory "${objs}" "${gcov[@]}" -o "${out}/all-run.info"
lcov_q -a "${out}/base.info" -a "${out}/all-run.info" -o "${out}/all-all.info"
reference_only "${out}/all-all.info" "${out}/all.info"

genhtml -q --branch-coverage --demangle-cpp --legend --title "OpenNKE reference" \
  -o "${build}/coverage-html" "${out}/all.info" 2> >(grep -v "redefined at" >&2)
gate=0
python3 "${src}/coverage/check.py" --info "${out}/all.info" \
  --conformance-info "${out}/conformance.info" --source-root "${src}" \
  --badge "${build}/coverage-summary.txt" || gate=1
echo "coverage: report in ${build}/coverage-html/index.html"
if [ "${tests_failed}" -ne 0 ]; then echo "coverage: some tests failed" >&2; exit 1; fi
exit "${gate}"
