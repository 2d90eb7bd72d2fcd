#!/usr/bin/env bash
# Run every fuzz target against the negative controls that break its input
# (fuzz/controls.txt) and record the time to find each bug.
#
#   ci/fuzz-controls.sh [-b BUILD] [-w WORK] [--no-seeds] [--scale F] [target...]
#
#   -b BUILD     build tree of the fuzz preset (default build/fuzz)
#   -w WORK      scratch directory (default build/fuzz-controls)
#   --no-seeds   fuzz from an empty corpus (time-to-find without the seeds)
#   --scale F    multiply every budget by F (e.g. 0.5 on a loaded machine)
#
# Each pair runs fuzz/campaign.sh --impl <control> (one job, no merge, no
# regression files).  Exit 1 when a control was not caught within its budget.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${root}/build/fuzz"
work="${root}/build/fuzz-controls"
extra=()
scale=1
only=()
while [[ $# -gt 0 ]]; do
  case $1 in
    -b) build=$(cd "$2" && pwd); shift 2 ;;
    -w) work=$2; shift 2 ;;
    --no-seeds) extra+=(--no-seeds); shift ;;
    --scale) scale=$2; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) only+=("$1"); shift ;;
  esac
done
mkdir -p "${work}"
rows=()
status=0
while read -r target control budget; do
  [[ -z "${target}" || "${target}" == \#* ]] && continue
  if [[ ${#only[@]} -gt 0 && ! " ${only[*]} " =~ " ${target} " ]]; then continue; fi
  lib="${build}/conformance/controls/libnke_control_${control}.so"
  if [[ ! -f "${lib}" ]]; then
    rows+=("${target}|${control}|-|not built")
    status=1
    continue
  fi
  b=$(awk -v b="${budget}" -v s="${scale}" 'BEGIN { printf "%d", b * s + 0.5 }')
  w="${work}/${target}-${control}"
  set +e
  "${root}/fuzz/campaign.sh" -t "${b}" -b "${build}" -w "${w}" --impl "${lib}" "${extra[@]}" "${target}" \
    >"${w}.log" 2>&1
  set -e
  found=$(awk -F'\t' 'NR == 2 { print $7 " " $8 }' "${w}/summary.tsv" 2>/dev/null || true)
  n=${found%% *}
  at=${found#* }
  if [[ -n "${n}" && "${n}" != 0 ]]; then
    why=$(grep -E '^==nke-fuzz== |ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error' \
            "${w}/${target}/fuzz.log" | grep -vE 'INVARIANT VIOLATED|check failed:|replay with' | head -1 |
          sed 's/^==nke-fuzz== //' | cut -c1-90)
    rows+=("${target}|${control}|${at}|${why}")
  else
    rows+=("${target}|${control}|not found in ${b}s|")
    status=1
  fi
done <"${root}/fuzz/controls.txt"

printf '%-16s %-32s %-18s %s\n' target control time_to_find "first violation"
for r in "${rows[@]}"; do
  IFS='|' read -r t c a y <<<"$r"
  printf '%-16s %-32s %-18s %s\n' "$t" "$c" "$a" "$y"
done
exit ${status}
