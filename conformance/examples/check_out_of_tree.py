#!/usr/bin/env python3
"""The out-of-tree example, end to end (CTest test examples.out-of-tree).

1. cmake --install the OpenNKE build into a temporary prefix;
2. configure and build conformance/examples/out-of-tree against that prefix
   only (CMAKE_PREFIX_PATH), as a third party would;
3. run the example project's own CTest test (the installed suite judging the
   example implementation);
4. run the installed nke-conformance on the example implementation and on the
   installed reference: the example, a forwarding layer over the reference,
   must be judged exactly as the reference is (it passes everything the
   reference passes; a test the reference itself fails is reported, not blamed
   on the example);
5. load the example NKE module with the installed nke-kext.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys


def step(what, cmd, ok_codes=(0,)):
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd)
    if p.returncode not in ok_codes:
        sys.exit("out-of-tree check: %s failed (exit status %d)" % (what, p.returncode))
    print("out-of-tree check: %s: ok" % what, flush=True)
    return p.returncode


def verdicts(report_dir):
    with open(os.path.join(report_dir, "results.json"), encoding="utf-8") as f:
        doc = json.load(f)
    ok = ("PASS", "SKIP", "NOT_SUPPORTED")
    return doc, {t["id"]: t["outcome"] in ok for t in doc["tests"]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--example-dir", required=True)
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--c-compiler", required=True)
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--ctest", required=True)
    args = ap.parse_args()

    shutil.rmtree(args.work_dir, ignore_errors=True)
    prefix = os.path.join(args.work_dir, "prefix")
    build = os.path.join(args.work_dir, "build")
    runner = os.path.join(prefix, "bin", "nke-conformance")

    step("install", [args.cmake, "--install", args.build_dir, "--prefix", prefix])
    step("configure", [args.cmake, "-S", args.example_dir, "-B", build, "-G", args.generator,
                       "-DCMAKE_C_COMPILER=" + args.c_compiler, "-DCMAKE_PREFIX_PATH=" + prefix,
                       "-DCMAKE_BUILD_TYPE=Debug"])
    step("build", [args.cmake, "--build", build])

    # The installed suite on the installed reference, for comparison.
    ref_dir = os.path.join(args.work_dir, "report-reference")
    ref_rc = step("nke-conformance on the installed reference",
                  [runner, "--report-dir", ref_dir, "--expectations", "none", "--jobs", "2", "--quiet",
                   "--color=never"], ok_codes=(0, 1))
    ex_dir = os.path.join(args.work_dir, "report-example")
    ex_rc = step("nke-conformance --impl libnke_example.so",
                 [runner, "--impl", os.path.join(build, "libnke_example.so"), "--report-dir", ex_dir,
                  "--expectations", "none", "--jobs", "2", "--quiet", "--color=never"], ok_codes=(0, 1))
    ctest_rc = step("the example's own CTest test", [args.ctest, "--test-dir", build, "--output-on-failure"],
                    ok_codes=(0, 8))

    problems = []
    doc, ex = verdicts(ex_dir)
    _, ref = verdicts(ref_dir)
    if doc["implementation"]["name"] != "OpenNKE out-of-tree example":
        problems.append("the report names %r" % doc["implementation"]["name"])
    for tid, good in sorted(ex.items()):
        if tid not in ref:
            problems.append("%s: not in the reference's run" % tid)
        elif good != ref[tid]:
            problems.append("%s: %s with the example, %s with the reference"
                            % (tid, "passes" if good else "fails", "passes" if ref[tid] else "fails"))
        elif not good:
            print("note: the reference itself fails %s; not the example's doing" % tid)
    if (ex_rc == 0) != (ref_rc == 0) or (ctest_rc == 0) != (ref_rc == 0):
        problems.append("exit status %d (ctest %d) with the example, %d with the reference" % (ex_rc, ctest_rc, ref_rc))

    kext = os.path.join(prefix, "bin", "nke-kext")
    if os.path.exists(kext):
        step("nke-kext load example_hello.nke.so",
             [kext, "load", os.path.join(build, "example_hello.nke.so"), "unload", "com.example.hello"])
    for p in problems:
        print("ERROR: " + p)
    if problems:
        sys.exit(1)
    print("out-of-tree check: the example is judged exactly as the reference (%d tests)" % len(ex))


if __name__ == "__main__":
    main()
