#!/usr/bin/env bash
# OSS-Fuzz / ClusterFuzzLite build script for the OpenNKE fuzz targets.
#
# Follows the OSS-Fuzz conventions (google.github.io/oss-fuzz, "build.sh"):
# reads $CC, $CXX, $CFLAGS, $CXXFLAGS (sanitizer and coverage flags included)
# and $LIB_FUZZING_ENGINE (the engine to link: -fsanitize=fuzzer for libFuzzer,
# or a library for AFL++/honggfuzz), and writes into $OUT:
#
#   <target>                    the fuzzer, RUNPATH $ORIGIN
#   libnke.so.1                 the reference implementation it links by SONAME
#   <name>.nke.so               NKE modules some targets load
#   <target>_seed_corpus.zip    corpus/ + regressions/
#   <target>.dict, <target>.options
#
# So .clusterfuzzlite/build.sh (or an OSS-Fuzz project's build.sh) is just
# `exec "$SRC/opennke/fuzz/build.sh"`; the Dockerfile needs cmake, ninja-build,
# libgtest-dev and zip (fuzz/README.md has a template).  Without Docker it runs
# as a plain script, e.g.:
#
#   CC=clang CXX=clang++ CFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="-O1 -g -fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/build.sh
#
# Optional: $WORK (scratch, default /tmp), $NKE_FUZZ_TARGETS (space-separated
# subset), $NKE_FUZZ_BUILD_TYPE (default RelWithDebInfo).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "${here}/.." && pwd)

: "${CC:?set CC (clang)}"
: "${CXX:?set CXX (clang++)}"
: "${OUT:?set OUT (output directory)}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${CFLAGS:=}"
: "${CXXFLAGS:=}"
: "${WORK:=/tmp}"
build="${WORK}/opennke-fuzz-build"
mkdir -p "${OUT}" "${build}"

targets=()
if [[ -n "${NKE_FUZZ_TARGETS:-}" ]]; then
  read -r -a targets <<<"${NKE_FUZZ_TARGETS}"
else
  for d in "${here}"/*/; do
    t=$(basename "$d")
    [[ -f "${d}/${t}.cc" ]] && targets+=("$t")
  done
fi

# The flags come from the environment (OSS-Fuzz sets sanitizers and coverage
# in CFLAGS/CXXFLAGS), so the project's own sanitizer option stays off, and
# NKE_FUZZ_ENGINE tells fuzz/CMakeLists.txt what to link the targets with.
# -Werror stays off: OSS-Fuzz's clang is newer than the project's.
cmake -S "${root}" -B "${build}" -G Ninja \
  -DCMAKE_C_COMPILER="${CC}" -DCMAKE_CXX_COMPILER="${CXX}" \
  -DCMAKE_C_FLAGS="${CFLAGS}" -DCMAKE_CXX_FLAGS="${CXXFLAGS}" \
  -DCMAKE_BUILD_TYPE="${NKE_FUZZ_BUILD_TYPE:-RelWithDebInfo}" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-g" \
  -DNKE_FUZZ=ON -DNKE_FUZZ_ENGINE="${LIB_FUZZING_ENGINE}" -DNKE_SANITIZE= \
  -DNKE_WERROR=OFF -DNKE_PROPERTIES=OFF -DNKE_CTEST_PER_TEST=OFF \
  -DCMAKE_BUILD_RPATH='$ORIGIN'

build_targets=(nke)
for t in "${targets[@]}"; do build_targets+=("fuzz_${t}"); done
cmake --build "${build}" -j "$(nproc)" --target "${build_targets[@]}"
# Modules the targets load, if any.
mods=$(find "${here}/modules" -maxdepth 1 \( -name '*.c' -o -name '*.cpp' \) 2>/dev/null || true)
for m in ${mods}; do
  n=$(basename "${m%.*}")
  cmake --build "${build}" -j "$(nproc)" --target "${n}"
done

cp -L "${build}/reference/libnke.so.1" "${OUT}/"
find "${build}/fuzz/modules" -name '*.nke.so' -exec cp {} "${OUT}/" \; 2>/dev/null || true

for t in "${targets[@]}"; do
  src="${here}/${t}"
  cp "${build}/fuzz/${t}/fuzz_${t}" "${OUT}/${t}"
  [[ -f "${src}/${t}.dict" ]] && cp "${src}/${t}.dict" "${OUT}/${t}.dict"
  [[ -f "${src}/${t}.options" ]] && cp "${src}/${t}.options" "${OUT}/${t}.options"
  zip_in=()
  for sub in corpus regressions; do
    [[ -d "${src}/${sub}" ]] && zip_in+=("${src}/${sub}")
  done
  rm -f "${OUT}/${t}_seed_corpus.zip"
  if [[ ${#zip_in[@]} -gt 0 ]]; then
    # -j: flat, as OSS-Fuzz unpacks seed corpora into one directory; the
    # prefix keeps a corpus file and a regression of the same name apart.
    tmp=$(mktemp -d)
    for d in "${zip_in[@]}"; do
      for f in "${d}"/*; do
        [[ -f "$f" ]] && cp "$f" "${tmp}/$(basename "$d")-$(basename "$f")"
      done
    done
    if command -v zip >/dev/null; then
      (cd "${tmp}" && zip -q -j "${OUT}/${t}_seed_corpus.zip" ./*)
    else
      python3 - "${OUT}/${t}_seed_corpus.zip" "${tmp}" <<'PY'
import os, sys, zipfile
out, d = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for f in sorted(os.listdir(d)):
        z.write(os.path.join(d, f), f)
PY
    fi
    rm -rf "${tmp}"
  fi
  echo "built ${OUT}/${t}"
done
