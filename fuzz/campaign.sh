#!/usr/bin/env bash
# Fuzz campaign: run all or some targets for a per-target time budget, merge
# what they found into the checked-in corpora, minimise crashes into
# regression files, and print a summary table (exec/s, cov, ft, corpus, crashes).
#
#   fuzz/campaign.sh [options] [target...]          (default: every target)
#
#   -t, --time SECONDS     budget per target (default 60)
#   -j, --jobs N           parallel fuzzing processes per target (-fork=N; default 1)
#   -b, --build DIR        build tree with fuzz_<target> binaries (default build/fuzz)
#   -w, --work DIR         scratch directory (default build/fuzz-campaign/<date>)
#       --impl PATH        fuzz another implementation: PATH is put first on the
#                          loader path as libnke.so.1 (like nke-conformance --impl)
#       --no-merge         leave the checked-in corpora alone
#       --no-regressions   do not copy minimised crashes into <target>/regressions/
#       --no-seeds         start from an empty corpus (time-to-find without help)
#       --minimize-corpus  rebuild each corpus: a set cover of its edges
#                          (-set_cover_merge=1) plus the named scripted seeds
#       --minimize-only    only that, no fuzzing (implies --minimize-corpus)
#       --rss MB           -rss_limit_mb (default 2560)
#       --timeout S        per-input -timeout (default 25; reproduce with 65)
#   -X, --flag FLAG        one more libFuzzer flag, after the target's .options
#                          (repeatable; e.g. -X -use_value_profile=1)
#
# Never mutates a checked-in corpus as the first directory of a fuzzing run:
# new inputs go to <work>/<target>/new, and are merged into corpus/ afterwards
# with -merge=1 (only inputs that add edges are copied, so corpora stay small).
#
# Exit status: 0 when no target crashed, 1 otherwise, 2 on a usage error.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "${here}/.." && pwd)

budget=60
jobs=1
build="${root}/build/fuzz"
work=""
impl=""
merge=1
regressions=1
minimize_corpus=0
seeds=1
rss=2560
timeout=25
flags=()
targets=()

usage() { sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

while [[ $# -gt 0 ]]; do
  case $1 in
    -t|--time) budget=$2; shift 2 ;;
    -j|--jobs) jobs=$2; shift 2 ;;
    -b|--build) build=$(cd "$2" && pwd); shift 2 ;;
    -w|--work) work=$2; shift 2 ;;
    --impl) impl=$(readlink -f "$2"); shift 2 ;;
    --no-merge) merge=0; shift ;;
    --no-regressions) regressions=0; shift ;;
    --minimize-corpus) minimize_corpus=1; shift ;;
    --no-seeds) seeds=0; merge=0; shift ;;
    --minimize-only) minimize_corpus=1; budget=0; shift ;;
    --rss) rss=$2; shift 2 ;;
    --timeout) timeout=$2; shift 2 ;;
    -X|--flag) flags+=("$2"); shift 2 ;;
    -h|--help) usage ;;
    -*) echo "campaign: unknown option $1" >&2; usage ;;
    *) targets+=("$1"); shift ;;
  esac
done

if [[ ${#targets[@]} -eq 0 ]]; then
  for d in "${here}"/*/; do
    t=$(basename "$d")
    [[ -f "${d}/${t}.cc" ]] && targets+=("$t")
  done
fi
[[ -n "${work}" ]] || work="${root}/build/fuzz-campaign/$(date +%Y%m%d-%H%M%S)"
mkdir -p "${work}"
work=$(cd "${work}" && pwd)

# Another implementation: a directory holding libnke.so.1 -> PATH, first on
# the loader path (the binaries link libnke.so.1 by SONAME with a RUNPATH,
# which LD_LIBRARY_PATH overrides).
if [[ -n "${impl}" ]]; then
  mkdir -p "${work}/impl"
  ln -sf "${impl}" "${work}/impl/libnke.so.1"
  export LD_LIBRARY_PATH="${work}/impl${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"
  # A control shim reports to stderr; the regressions belong to the reference.
  regressions=0
  merge=0
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

# last_match FILE REGEX: the last value captured by REGEX's group 1.
last_match() { grep -oE "$2" "$1" 2>/dev/null | tail -1 | grep -oE '[0-9]+' | tail -1 || true; }

# The checked-in corpora keep inputs that add *edges* (no hit-count buckets,
# no value profile): tens of files per target instead of hundreds, while
# fuzzing itself still uses every feature.
merge_features=(-use_counters=0 -use_value_profile=0)

summary=()
status=0
for t in "${targets[@]}"; do
  bin="${build}/fuzz/${t}/fuzz_${t}"
  src="${here}/${t}"
  if [[ ! -x "${bin}" ]]; then
    echo "campaign: ${bin} not built (cmake --preset fuzz && cmake --build --preset fuzz)" >&2
    summary+=("${t}|-|-|-|-|-|not built|-")
    status=1
    continue
  fi
  tw="${work}/${t}"
  rm -rf "${tw}"
  mkdir -p "${tw}/new" "${tw}/crashes"
  dirs=("${tw}/new")
  if [[ ${seeds} -eq 1 ]]; then
    [[ -d "${src}/corpus" ]] && dirs+=("${src}/corpus")
    [[ -d "${src}/regressions" ]] && dirs+=("${src}/regressions")
  fi
  corpus_before=$(find "${src}/corpus" -type f ! -name '.*' 2>/dev/null | wc -l)

  args=(-max_total_time="${budget}" -print_final_stats=1 -artifact_prefix="${tw}/crashes/")
  # The target's .options ([libfuzzer] section, as OSS-Fuzz reads it): every
  # key becomes a flag, the dictionary path relative to the target folder;
  # timeout and rss_limit_mb come from this script's options.
  if [[ -f "${src}/${t}.options" ]]; then
    while IFS='=' read -r key value; do
      case ${key} in
        dict) args+=(-dict="${src}/${value}") ;;
        timeout|rss_limit_mb) ;;
        *) args+=(-"${key}"="${value}") ;;
      esac
    done < <(awk '/^\[/ { sec = $0; next } sec == "[libfuzzer]" && /=/ && !/^[ \t]*[#;]/ {
                    gsub(/[ \t]/, ""); print }' "${src}/${t}.options")
  elif [[ -f "${src}/${t}.dict" ]]; then
    args+=(-dict="${src}/${t}.dict")
  fi
  args+=(-timeout="${timeout}" -rss_limit_mb="${rss}" "${flags[@]}")
  if [[ "${jobs}" -gt 1 ]]; then
    args+=(-fork="${jobs}")
  fi

  echo "=== ${t}: ${budget}s, ${jobs} job(s) -> ${tw}"
  t0=$(date +%s.%N)
  set +e
  if [[ "${budget}" -gt 0 ]]; then
    (cd "${tw}" && "${bin}" "${args[@]}" "${dirs[@]}") >"${tw}/fuzz.log" 2>&1
  else
    (cd "${tw}" && "${bin}" -runs=0 "${dirs[@]:1}") >"${tw}/fuzz.log" 2>&1
  fi
  rc=$?
  set -e
  t1=$(date +%s.%N)
  elapsed=$(awk -v a="${t0}" -v b="${t1}" 'BEGIN { printf "%.1f", b - a }')

  execs=$(last_match "${tw}/fuzz.log" 'stat::average_exec_per_sec: *[0-9]+')
  [[ -n "${execs}" ]] || execs=$(last_match "${tw}/fuzz.log" 'exec/s:? [0-9]+')
  cov=$(last_match "${tw}/fuzz.log" 'cov: [0-9]+')
  ft=$(last_match "${tw}/fuzz.log" 'ft: [0-9]+')

  # Crashes: minimise each, keep a readable decode next to it, and turn it
  # into a regression input.
  ncrash=0
  first=""
  shopt -s nullglob
  for c in "${tw}/crashes"/crash-* "${tw}/crashes"/leak-* "${tw}/crashes"/timeout-* "${tw}/crashes"/oom-*; do
    ncrash=$((ncrash + 1))
    kind=$(basename "$c" | cut -d- -f1)
    min="${c}.min"
    if [[ ${kind} == crash || ${kind} == leak ]]; then
      (cd "${tw}" && "${bin}" -minimize_crash=1 -runs=20000 -timeout="${timeout}" \
         -exact_artifact_path="${min}" "$c") >"${c}.minimize.log" 2>&1 || true
    fi
    [[ -s "${min}" ]] || cp "$c" "${min}"
    replay="${build}/fuzz/${t}/replay_${t}"
    if [[ -x "${replay}" ]]; then
      "${replay}" --print "${min}" >"${c}.calls.txt" 2>&1 || true
    fi
    sum=$(sha1sum "${min}" | cut -c1-12)
    if [[ ${regressions} -eq 1 ]]; then
      mkdir -p "${src}/regressions"
      cp "${min}" "${src}/regressions/${kind}-${sum}"
      echo "    ${kind}: ${src}/regressions/${kind}-${sum} (decode: ${c}.calls.txt)"
    else
      echo "    ${kind}: ${min} (decode: ${c}.calls.txt)"
    fi
    [[ -n "${first}" ]] || first="${elapsed}s"
  done
  shopt -u nullglob
  [[ ${rc} -eq 0 || ${ncrash} -gt 0 ]] || { echo "    ${t}: exit ${rc} without an artifact (see ${tw}/fuzz.log)"; ncrash=1; first="?"; }
  [[ ${ncrash} -eq 0 ]] || status=1

  # Fold the new inputs into the checked-in corpus.
  corpus_after=${corpus_before}
  if [[ ${merge} -eq 1 && -d "${src}/corpus" ]]; then
    if [[ ${minimize_corpus} -eq 1 ]]; then
      # A greedy set cover of the edges of everything, plus the scripted
      # seeds (named files, kept: they document the deep states).
      rm -rf "${tw}/minimized" "${tw}/named"
      mkdir -p "${tw}/minimized" "${tw}/named"
      find "${src}/corpus" -maxdepth 1 -type f ! -name '.*' | grep -vE '/[0-9a-f]{40}$' |
        xargs -r cp -t "${tw}/named"
      (cd "${tw}" && "${bin}" -set_cover_merge=1 "${merge_features[@]}" -timeout="${timeout}" \
         -rss_limit_mb="${rss}" "${tw}/minimized" "${src}/corpus" "${tw}/new") >"${tw}/merge.log" 2>&1 || true
      if [[ -n "$(ls -A "${tw}/minimized")" ]]; then
        for f in "${tw}/named"/*; do
          [[ -f "$f" ]] && rm -f "${tw}/minimized/$(sha1sum "$f" | cut -c1-40)"
        done
        find "${src}/corpus" -type f ! -name '.*' -delete
        cp "${tw}/minimized"/* "${src}/corpus/"
        find "${tw}/named" -type f -exec cp {} "${src}/corpus/" \;
      fi
    else
      (cd "${tw}" && "${bin}" -merge=1 "${merge_features[@]}" -timeout="${timeout}" -rss_limit_mb="${rss}" \
         "${src}/corpus" "${tw}/new") >"${tw}/merge.log" 2>&1 || true
    fi
    corpus_after=$(find "${src}/corpus" -type f ! -name '.*' | wc -l)
  fi
  summary+=("${t}|${elapsed}|${execs:--}|${cov:--}|${ft:--}|${corpus_before}->${corpus_after}|${ncrash}|${first:--}")
done

echo
echo "=== campaign summary (${work})"
printf '%-16s %8s %9s %7s %8s %12s %8s %10s\n' target time_s exec/s cov ft corpus crashes first_at
for row in "${summary[@]}"; do
  IFS='|' read -r t e x c f k n fi <<<"${row}"
  printf '%-16s %8s %9s %7s %8s %12s %8s %10s\n' "$t" "$e" "$x" "$c" "$f" "$k" "$n" "$fi"
done
{
  printf 'target\ttime_s\texec_per_s\tcov\tft\tcorpus\tcrashes\tfirst_at\n'
  for row in "${summary[@]}"; do tr '|' '\t' <<<"${row}"; done
} >"${work}/summary.tsv"
echo "(also ${work}/summary.tsv)"
exit ${status}
