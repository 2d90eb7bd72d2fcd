#!/usr/bin/env bash
# The test command (README.md, .ci/run): every build and gate CI enforces.
#
#   bash ci/test.sh                     # all stages
#   NKE_CI_STAGES="default asan" bash ci/test.sh
#
# Stages (each prints its wall time; a summary ends the run):
#   default   g++ debug build; all CTest tests: conformance suite through the
#             runner, negative controls, property tests, fuzz corpus replays,
#             spec lint (strict), header self-tests, tools and examples
#   asan      the same tests under g++ ASan+UBSan (no recover), except the
#             ones that judge the suite or the packaging rather than the
#             stack (negative controls, the browser check of the HTML report,
#             the out-of-tree install): they run in the default stage
#   tsan      the same under clang TSan
#   fuzz      clang libFuzzer binaries only; every target replays its corpus
#             and regressions under ASan+UBSan
#   coverage  gcc --coverage; lcov line+branch figures checked against coverage/thresholds.json
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=ci/lib.sh
. ci/lib.sh

not_under_sanitizers='controls|browser'
not_under_sanitizers_tests='examples.out-of-tree'
stages=${NKE_CI_STAGES:-default asan tsan fuzz coverage}
for s in ${stages}; do
  case "${s}" in
    default) stage default preset default ;;
    asan|tsan) stage "${s}" preset "${s}" -LE "${not_under_sanitizers}" -E "${not_under_sanitizers_tests}" ;;
    fuzz) NKE_CI_TARGET=nke-fuzz-all stage fuzz preset fuzz -L fuzz ;;
    coverage) stage coverage bash coverage/coverage.sh ;;
    *) echo "ci/test.sh: unknown stage ${s}" >&2; exit 2 ;;
  esac
done
ci_summary
