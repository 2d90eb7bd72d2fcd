#!/usr/bin/env python3
"""The suite binaries must reach libnke.so.1 by SONAME through RUNPATH, never
RPATH: the dynamic loader searches LD_LIBRARY_PATH (where nke-conformance puts
the implementation under test) before RUNPATH but after RPATH."""
import argparse
import subprocess
import sys

ap = argparse.ArgumentParser()
ap.add_argument("--readelf", required=True)
ap.add_argument("binaries", nargs="+")
args = ap.parse_args()
bad = 0
for b in args.binaries:
    out = subprocess.run([args.readelf, "-d", b], check=True, capture_output=True, text=True).stdout
    needed = [l for l in out.splitlines() if "(NEEDED)" in l]
    has_runpath = "(RUNPATH)" in out
    has_rpath = "(RPATH)" in out
    ok_needed = any("[libnke.so.1]" in l for l in needed)
    print("%s: NEEDED libnke.so.1: %s, RUNPATH: %s, RPATH: %s" % (b, ok_needed, has_runpath, has_rpath))
    if not ok_needed or has_rpath or not has_runpath:
        bad += 1
sys.exit(1 if bad else 0)
