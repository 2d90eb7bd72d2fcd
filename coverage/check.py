#!/usr/bin/env python3
"""Coverage figures and gates for OpenNKE.

  check.py --info all.info --conformance-info conformance.info --source-root DIR
           [--thresholds coverage/thresholds.json] [--badge FILE]

Reads lcov tracefiles (with branch records), prints line and branch
coverage of reference/ from the conformance suite alone and from all tests,
checks them against the floors in thresholds.json, and checks that every
file listed under "validation_branches" has all of its branches covered.
Exit 1 if a gate fails.
"""
import argparse
import json
import os
import sys


def parse(info_path, root):
    files = {}
    cur = None
    with open(info_path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.strip()
            if line.startswith("SF:"):
                path = os.path.relpath(line[3:], root)
                cur = files.setdefault(path, {"lines": {}, "branches": {}})
            elif line.startswith("DA:") and cur is not None:
                num, count = line[3:].split(",")[:2]
                cur["lines"][int(num)] = max(cur["lines"].get(int(num), 0), int(count))
            elif line.startswith("BRDA:") and cur is not None:
                ln, block, branch, taken = line[5:].split(",")
                key = (int(ln), block, branch)
                hit = 0 if taken == "-" else int(taken)
                cur["branches"][key] = max(cur["branches"].get(key, 0), hit)
            elif line == "end_of_record":
                cur = None
    return files


def totals(files, prefix):
    lf = lh = bf = bh = 0
    for path, d in files.items():
        if not path.startswith(prefix):
            continue
        lf += len(d["lines"])
        lh += sum(1 for c in d["lines"].values() if c > 0)
        bf += len(d["branches"])
        bh += sum(1 for c in d["branches"].values() if c > 0)
    pct = lambda h, t: 100.0 * h / t if t else 100.0
    return {"lines": pct(lh, lf), "branches": pct(bh, bf), "lf": lf, "lh": lh, "bf": bf, "bh": bh}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--info", required=True)
    ap.add_argument("--conformance-info", required=True)
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--thresholds", default=os.path.join(os.path.dirname(__file__), "thresholds.json"))
    ap.add_argument("--badge")
    args = ap.parse_args()

    with open(args.thresholds, encoding="utf-8") as f:
        floors = json.load(f)
    all_files = parse(args.info, args.source_root)
    conf_files = parse(args.conformance_info, args.source_root)
    figures = {"reference_all": totals(all_files, "reference/"),
               "reference_conformance": totals(conf_files, "reference/")}
    failed = False
    for key, label in (("reference_conformance", "conformance suite alone"),
                       ("reference_all", "all tests")):
        t = figures[key]
        print("coverage of reference/ from %-24s lines %6.2f%% (%d/%d)  branches %6.2f%% (%d/%d)"
              % (label + ":", t["lines"], t["lh"], t["lf"], t["branches"], t["bh"], t["bf"]))
        for kind in ("lines", "branches"):
            floor = floors.get(key, {}).get(kind, 0.0)
            if t[kind] + 1e-9 < floor:
                print("FAIL: %s %s coverage %.2f%% is below the floor %.2f%%" % (label, kind, t[kind], floor))
                failed = True
    for path, floor in sorted(floors.get("validation_branches", {}).items()):
        d = all_files.get(path)
        if d is None:
            print("FAIL: validation file %s has no coverage data" % path)
            failed = True
            continue
        t = totals({path: d}, path)
        status = "ok" if t["branches"] + 1e-9 >= floor else "FAIL"
        print("%-4s validation %-50s branches %6.2f%% (%d/%d), floor %.1f%%"
              % (status, path, t["branches"], t["bh"], t["bf"], floor))
        if status == "FAIL":
            missed = sorted(k[0] for k, c in d["branches"].items() if c == 0)
            print("     untaken branches on lines: %s" % ", ".join(map(str, sorted(set(missed)))))
            failed = True
    if args.badge:
        a, c = figures["reference_all"], figures["reference_conformance"]
        with open(args.badge, "w", encoding="utf-8") as f:
            f.write("coverage of reference/: %.1f%% lines, %.1f%% branches (all tests); "
                    "%.1f%% lines, %.1f%% branches (conformance suite alone)\n"
                    % (a["lines"], a["branches"], c["lines"], c["branches"]))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
