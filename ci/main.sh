#!/usr/bin/env bash
# The main job (README.md, first command): set up a fresh Debian 12 machine,
# build the reference and the conformance suite, and judge the reference
# with the suite, writing the reports (console, JUnit XML, JSON, HTML).
set -euo pipefail
cd "$(dirname "$0")/.."
bash ci/setup.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)"
report=build/default/nke-conformance-report
runner=build/default/conformance/runner/nke-conformance
if [ -x "${runner}" ]; then
  "${runner}" --impl build/default/reference/libnke.so.1 --report-dir "${report}"
  echo "main.sh: reports in ${report}/ (report.html, results.json, junit.xml)"
else
  ctest --preset default -L conformance
fi
