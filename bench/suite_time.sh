#!/usr/bin/env bash
# Wall time of the conformance suite under the runner (nke-conformance), in
# isolated mode (one process per test) and batch mode (many tests per
# process), and the per-test overhead of isolation.  A script, not a
# Google Benchmark: one suite run is seconds long.
#
#   bench/suite_time.sh [BUILD_DIR]      # default: the `default` preset, built first
#   SUITE_JOBS="1 2" SUITE_RUNS=1 bench/suite_time.sh
#
# The suite is timed as developers and CI run it: the `default` preset
# (g++, Debug), whose implementation under test is the reference libnke.
#
# For each job count J and mode it prints: tests run, wall time, wall time
# per test, the sum of the tests' duration_ms in the runner's results.json
# (in process mode that is each test process's whole life, start-up
# included; in batch mode gtest's time for the test), and the overhead per
# test, (J x wall - sum) / tests: what the runner adds on top.  The
# isolation cost per test is (wall(process) - wall(batch)) x J / tests, and
# the last line times a bare test process without the runner, which splits
# that cost into process start-up and the runner's own work.  With
# SUITE_RUNS > 1 each figure is the median of the runs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [[ $# -ge 1 ]]; then
    build=$1
else
    build=$root/build/default
    (cd "$root" && export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work} &&
        cmake --preset default >/dev/null && cmake --build --preset default -j2 >/dev/null)
fi
runner=$build/conformance/runner/nke-conformance
if [[ ! -x $runner ]]; then
    echo "suite_time.sh: $runner is missing: build that preset first" >&2
    exit 2
fi
jobs_list=${SUITE_JOBS:-"1 2"}
runs=${SUITE_RUNS:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "Conformance suite wall time ($runner)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %4s %6s %10s %12s %14s %16s %s\n' mode jobs tests wall_s ms/test sum_test_ms overhead_ms/test outcome
declare -A wall
for jobs in $jobs_list; do
    for mode in process batch; do
        results=()
        for ((r = 1; r <= runs; r++)); do
            dir=$tmp/$mode-$jobs-$r
            start=$(date +%s.%N)
            status=0
            "$runner" --isolate="$mode" -j "$jobs" --quiet --report-dir "$dir" >"$dir.log" 2>&1 || status=$?
            end=$(date +%s.%N)
            results+=("$(python3 - "$dir/results.json" "$start" "$end" "$status" <<'PY'
import json, sys
path, start, end, status = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
try:
    with open(path) as f:
        data = json.load(f)
    tests = data["tests"]
    n = len(tests)
    total = sum(t.get("duration_ms") or 0 for t in tests)
    counts = data["summary"]["counts"]
    outcome = f"exit {status}, passed {counts.get('passed', '?')}/{counts.get('total', n)}"
except Exception as e:  # noqa: BLE001 - report whatever went wrong
    n, total, outcome = 0, 0.0, f"exit {status}, no results.json ({e})"
print(f"{end - start:.3f}\t{n}\t{total:.1f}\t{outcome}")
PY
)")
        done
        # Median run by wall time.
        line=$(printf '%s\n' "${results[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
        IFS=$'\t' read -r w n sum outcome <<<"$line"
        wall[$mode-$jobs]=$w
        awk -v m="$mode" -v j="$jobs" -v w="$w" -v n="$n" -v s="$sum" -v o="$outcome" 'BEGIN {
            per = n ? 1000 * w / n : 0; ovh = n ? (1000 * w * j - s) / n : 0;
            printf "%-8s %4d %6d %10.2f %12.2f %14.0f %16.2f %s\n", m, j, n, w, per, s, ovh, o }'
        last_n=$n
    done
    awk -v j="$jobs" -v p="${wall[process-$jobs]}" -v b="${wall[batch-$jobs]}" -v n="$last_n" 'BEGIN {
        if (n > 0) printf "isolation cost at -j %d: %.2f ms per test (process %.2f s vs batch %.2f s, %.2fx)\n",
                          j, 1000 * (p - b) * j / n, p, b, (b > 0 ? p / b : 0) }'
done
# What one test process costs by itself, without the runner: 20 direct runs
# of the suite binary for one trivial test (exec, dynamic loading, gtest and
# implementation start-up, exit).
suite_bin=$build/conformance/nke-conformance-tests
if [[ -x $suite_bin ]]; then
    start=$(date +%s.%N)
    for ((i = 0; i < 20; i++)); do
        "$suite_bin" --gtest_filter=HarnessTable.NamesItsImplementation >/dev/null 2>&1 || true
    done
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { printf "bare test process (no runner): %.2f ms each\n", 1000 * (e - s) / 20 }'
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
