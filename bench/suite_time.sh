#!/usr/bin/env bash
# Wall time of the conformance suite under the runner (nke-conformance), in
# isolated mode (one process per test) and batch mode (many tests per
# process), and the per-test overhead of isolation.  A script, not a
# Google Benchmark: one suite run is seconds long.
#
#   bench/suite_time.sh [BUILD_DIR]      # default build/release
#   SUITE_JOBS="1 2" SUITE_RUNS=1 bench/suite_time.sh
#
# For each job count J and mode it prints: tests run, wall time, wall time
# per test, the sum of the tests' own durations (gtest's, from the runner's
# results.json), and the overhead per test, (J x wall - sum) / tests: what
# the runner, process start-up and the implementation's start-up cost on top
# of the tests themselves.  The isolation cost per test is
# (wall(process) - wall(batch)) x J / tests.  With SUITE_RUNS > 1 each
# figure is the median of the runs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
runner=$build/conformance/runner/nke-conformance
if [[ ! -x $runner ]]; then
    echo "suite_time.sh: $runner is missing: cmake --build --preset release first" >&2
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
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
