#!/usr/bin/env python3
"""Check one negative control against the suite (a CTest test per control).

  broken    the run must fail, and every rule the control breaks (control.json
            "breaks") must have at least one FAIL, CRASH or TIMEOUT test.  A rule
            that is not in the catalogue yet (its chapter has not landed) is
            reported as pending; a control whose rules are all pending is
            SKIPPED (exit 77); so is a rule no test names yet (the spec lint
            reports that hole).  With "expect_crash", at least one test must
            CRASH and every report must still be complete.
  inverted  the run must pass: every test PASS, SKIP or NOT_SUPPORTED.
  null      no behavioural test may pass (chapters in "exempt_chapters", such
            as the harness table and ABI layouts, may), and at least one
            must fail.
"""
import argparse
import fnmatch
import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

SKIP = 77
BAD = {"FAIL", "CRASH", "TIMEOUT"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--impl", required=True)
    ap.add_argument("--control", required=True, help="control.json")
    ap.add_argument("--rules", required=True, help="rules.json")
    ap.add_argument("--report-dir", required=True)
    ap.add_argument("--jobs", default="2")
    args = ap.parse_args()

    with open(args.control, encoding="utf-8") as f:
        control = json.load(f)
    with open(args.rules, encoding="utf-8") as f:
        catalogue = {r["id"]: r for r in json.load(f)["rules"]}
    name, kind = control["name"], control["kind"]
    breaks = control.get("breaks", [])
    pending = [r for r in breaks if r not in catalogue]
    live = [r for r in breaks if r in catalogue]
    print("control %s (%s): %s" % (name, kind, control["description"]))
    if kind == "broken" and not live:
        print("SKIPPED: none of the rules it breaks is in the catalogue yet (pending: %s)" % ", ".join(pending))
        sys.exit(SKIP)

    shutil.rmtree(args.report_dir, ignore_errors=True)
    cmd = [args.runner, "--impl", args.impl, "--expectations", "none", "--report-dir", args.report_dir,
           "-j", args.jobs, "--color=never", "--quiet"]
    if kind == "broken":
        # Only the chapters the control is about (and every test naming a
        # broken rule), to keep the check quick.
        for glob in control.get("filter", []) + live:
            cmd += ["--filter", glob]
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    lines = p.stdout.strip().splitlines()
    print("\n".join(lines[-12:]))
    if p.returncode not in (0, 1):
        print(p.stderr[-3000:])
        print("ERROR: the runner ended with exit status %d" % p.returncode)
        sys.exit(1)

    with open(os.path.join(args.report_dir, "results.json"), encoding="utf-8") as f:
        doc = json.load(f)
    tests = doc["tests"]
    problems = []

    if kind == "inverted":
        if p.returncode != 0:
            problems.append("the run failed (exit status %d)" % p.returncode)
        for t in tests:
            if t["outcome"] not in ("PASS", "SKIP", "NOT_SUPPORTED"):
                problems.append("%s: %s: %s" % (t["id"], t["outcome"], t["message"].splitlines()[0] if t["message"] else ""))
    elif kind == "null":
        exempt = control.get("exempt", {})
        ex_chapters, ex_rules = set(exempt.get("chapters", [])), exempt.get("rules", [])
        may_pass = control.get("may_pass", {})

        def behavioural_rule(r):
            chapter = catalogue.get(r, {}).get("chapter", chapter_of(r))
            return chapter not in ex_chapters and not any(fnmatch.fnmatchcase(r, g) for g in ex_rules)

        behavioural = [t for t in tests if any(behavioural_rule(r) for r in t["rules"])]
        passed = [t for t in behavioural if t["outcome"] in ("PASS", "XPASS")]
        failed = [t for t in behavioural if t["raw_outcome"] in BAD]
        if p.returncode != 1:
            problems.append("the run did not fail (exit status %d)" % p.returncode)
        for t in passed:
            if t["id"] in may_pass:
                print("allowed to pass: %s (%s)" % (t["id"], may_pass[t["id"]]))
            else:
                problems.append("%s (%s) passes against the null implementation: it does not show that anything "
                                "happened" % (t["id"], ", ".join(t["rules"])))
        ids = {t["id"] for t in tests}
        for tid in may_pass:
            if tid not in ids:
                problems.append("may_pass entry %s matches no test (stale)" % tid)
        if not failed:
            problems.append("no behavioural test failed")
        print("null: %d behavioural tests: %d fail/crash/timeout, %d not supported or skipped, %d pass "
              "(%d allowed)" % (len(behavioural), len(failed), len(behavioural) - len(failed) - len(passed),
                                len(passed), len([t for t in passed if t["id"] in may_pass])))
    else:
        if p.returncode != 1:
            problems.append("the run did not fail (exit status %d)" % p.returncode)
        for rule in live:
            naming = [t for t in tests if rule in t["rules"]]
            caught = [t for t in naming if t["raw_outcome"] in BAD]
            if not naming:
                # A hole the spec lint reports too (a MUST without a test);
                # the control bites once a test names the rule.
                print("pending: no test names %s yet" % rule)
            elif not caught:
                problems.append("%s: none of its %d tests failed (%s)" % (rule, len(naming), ", ".join(t["id"] for t in naming)))
            else:
                print("caught %s by %s" % (rule, ", ".join("%s (%s)" % (t["id"], t["raw_outcome"]) for t in caught[:4])))
        for rule in pending:
            print("pending: %s is not in the catalogue yet" % rule)
        if control.get("expect_crash"):
            if not any(t["raw_outcome"] == "CRASH" for t in tests):
                problems.append("no test crashed")
            check_reports_complete(args.report_dir, len(tests), problems)

    for pr in problems:
        print("ERROR: " + pr)
    if problems:
        sys.exit(1)
    print("control %s: OK" % name)


PREFIXES = {"ABI": "abi", "KERN": "kern", "MBUF": "mbuf", "DOM": "domain", "PROTO": "domain", "SOCK": "socket",
            "SF": "sockfilter", "CTL": "kern_control", "KEV": "kern_event", "DLIL": "dlil", "KMOD": "module",
            "CONC": "concurrency", "HARN": "harness"}


def chapter_of(rule):
    """The chapter of a rule the catalogue does not have yet (spec/README.md's table)."""
    prefix = rule.split("-")[0]
    return PREFIXES.get(prefix, prefix.lower())


def check_reports_complete(report_dir, n, problems):
    try:
        cases = ET.parse(os.path.join(report_dir, "junit.xml")).getroot().findall(".//testcase")
        if len(cases) != n:
            problems.append("junit.xml has %d testcases, results.json %d" % (len(cases), n))
    except (OSError, ET.ParseError) as e:
        problems.append("junit.xml: %s" % e)
    try:
        with open(os.path.join(report_dir, "report.html"), encoding="utf-8") as f:
            html = f.read()
        if "</html>" not in html or 'id="closing"' not in html:
            problems.append("report.html is incomplete")
    except OSError as e:
        problems.append("report.html: %s" % e)


if __name__ == "__main__":
    main()
