#!/usr/bin/env bash
# Build the release preset, run every benchmark with repetitions, count
# instructions under callgrind, and print the ratio table (bench/README.md).
#
#   bench/run.sh                 # full run: 10 repetitions, callgrind counts, suite timing
#   bench/run.sh --quick         # 3 short repetitions, no callgrind, no suite timing
#   bench/run.sh --filter REGEX  # only matching workloads (Google Benchmark filter)
#   bench/run.sh --no-icount --no-suite --reps N --min-time S
#
# Repetitions are randomly interleaved across workloads, so a change in the
# machine's load during the run spreads over a workload and its baseline
# alike instead of biasing their ratio.
# Results go to build/release/bench/results/ (bench.json, icount.tsv,
# report.md, suite.txt).  Nothing here asserts on time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
reps=10 min_time=0.3 icount=1 suite=1 filter=. build=1
while [[ $# -gt 0 ]]; do
    case $1 in
    --quick) reps=3 min_time=0.1 icount=0 suite=0 ;;
    --reps) reps=$2; shift ;;
    --min-time) min_time=$2; shift ;;
    --filter) filter=$2; shift ;;
    --no-icount) icount=0 ;;
    --no-suite) suite=0 ;;
    --no-build) build=0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-/work}
if [[ $build == 1 ]]; then
    cmake --preset release >/dev/null
    cmake --build --preset release --target bench -j2
fi
bin=build/release/bench
out=$bin/results
mkdir -p "$out"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
"$bin/nke-bench" --benchmark_filter="$filter" \
    --benchmark_repetitions="$reps" --benchmark_min_time="$min_time" \
    --benchmark_report_aggregates_only=true --benchmark_enable_random_interleaving=true \
    --benchmark_out="$out/bench.json" --benchmark_out_format=json >&2

icount_args=()
if [[ $icount == 1 ]] && command -v valgrind >/dev/null; then
    : >"$out/icount.tsv"
    while IFS=$'\t' read -r name _base _bytes _note; do
        [[ $name =~ $filter ]] || continue
        n=20000
        [[ $name == *64k* ]] && n=500
        cg="$out/callgrind.$(echo "$name" | tr '/' '_')"
        valgrind --tool=callgrind --collect-atstart=no --callgrind-out-file="$cg" \
            "$bin/nke-bench-icount" "$name" "$n" >/dev/null 2>"$cg.log"
        total=$(awk '/^totals:/ {print $2}' "$cg")
        printf '%s\t%s\n' "$name" "$(awk -v t="$total" -v n="$n" 'BEGIN {printf "%.1f", t / n}')" \
            >>"$out/icount.tsv"
    done < <("$bin/nke-bench-icount" --list)
    icount_args=(--icount "$out/icount.tsv")
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 bench/report.py --bench "$out/bench.json" "${icount_args[@]}" \
    --load "$load_before (start), $load_after (end)" | tee "$out/report.md"

if [[ $suite == 1 && -x bench/suite_time.sh ]]; then
    echo
    bench/suite_time.sh | tee "$out/suite.txt"
fi
