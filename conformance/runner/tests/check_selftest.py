#!/usr/bin/env python3
"""End-to-end checks of nke-conformance on the self-test suite.

Every test of selftest_suite.cpp does one thing the runner must classify;
this script runs the runner in both isolation modes and checks each result,
the reports, expectations (XFAIL, XPASS, stale entries, --update-expectations),
sharding, and the exit status 3 cases of the ABI check.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what)


def run(cmd, env=None, expect=None):
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace")
    if expect is not None and p.returncode != expect:
        print(p.stdout[-4000:])
        print(p.stderr[-4000:])
    if expect is not None:
        check(p.returncode == expect, "%s: exit status %d, expected %d" % (" ".join(cmd[1:4]), p.returncode, expect))
    return p


def load(report_dir):
    with open(os.path.join(report_dir, "results.json"), encoding="utf-8") as f:
        return json.load(f)


def by_id(doc):
    return {t["id"]: t for t in doc["tests"]}


def check_outcomes(doc, mode):
    t = by_id(doc)
    expect = {
        "SelfTest.Passes": ("PASS", "PASS", None),
        "SelfTest.Fails": ("XFAIL", "FAIL", "deliberate failure"),
        "SelfTest.Crashes": ("XFAIL", "CRASH", "SIGSEGV"),
        "SelfTest.Aborts": ("XFAIL", "CRASH", "SIGABRT"),
        "SelfTest.Hangs": ("XFAIL", "TIMEOUT", "process group was killed"),
        "SelfTest.ExitsWithoutResult": ("XFAIL", "FAIL", "exit status 7"),
        "SelfTest.SkipsItself": ("SKIP", "SKIP", "not applicable here"),
        "SelfTest.NeedsTheResetHook": ("NOT_SUPPORTED", "NOT_SUPPORTED", "NOT_SUPPORTED: harness hook reset"),
        "SelfTest.Leaks": ("XFAIL", "FAIL", "eak"),
        "SelfTest.PrintsASanitizerReport": ("XFAIL", "FAIL", "heap-use-after-free"),
        "SelfTest.PrintsARapidCheckReproduce": ("XFAIL", "FAIL", "Falsifiable"),
        "SelfTest.LeavesAChildBehind": ("PASS", "PASS", None),
        "SelfTest.SeesTheTestEnvironment": ("PASS", "PASS", None),
    }
    for tid, (outcome, raw, text) in expect.items():
        got = t.get(tid)
        check(got is not None, "%s: %s missing from results.json" % (mode, tid))
        if got is None:
            continue
        check(got["outcome"] == outcome, "%s: %s outcome %s, expected %s (%s)" % (mode, tid, got["outcome"], outcome, got["message"]))
        check(got["raw_outcome"] == raw, "%s: %s raw outcome %s, expected %s" % (mode, tid, got["raw_outcome"], raw))
        if text:
            # The attempt's own message, not the one with the expectation's reason.
            msg = got["attempts"][0]["message"] if got["attempts"] else got["message"]
            check(text in msg, "%s: %s message %r lacks %r" % (mode, tid, msg, text))
    rc = t.get("SelfTest.PrintsARapidCheckReproduce")
    if rc:
        check(rc["reproduce"] == "BcGdlZXJzZWxmdGVzdA", "%s: reproduce string %r" % (mode, rc["reproduce"]))
        check("RC_PARAMS=reproduce=BcGdlZXJzZWxmdGVzdA" in rc["rerun"], "%s: rerun lacks RC_PARAMS: %s" % (mode, rc["rerun"]))
    crash = t.get("SelfTest.Crashes")
    if crash:
        check("--filter SelfTest.Crashes" in crash["rerun"], "%s: rerun command %r" % (mode, crash["rerun"]))
        check(crash["stderr_tail"] != "", "%s: no output tail for a crash" % mode)


def check_reports(report_dir, stdout, mode):
    lines = [l for l in stdout.splitlines() if l.strip()]
    check(bool(lines) and re.fullmatch(r"\d+ passed, \d+ failed, \d+ skipped", lines[-1]),
          "%s: the console does not end with 'N passed, N failed, N skipped': %r" % (mode, lines[-1:] ))
    tree = ET.parse(os.path.join(report_dir, "junit.xml"))
    cases = tree.getroot().findall(".//testcase")
    check(len(cases) == 13, "%s: junit.xml has %d testcases" % (mode, len(cases)))
    rules = [p.get("value") for p in tree.getroot().findall(".//testcase/properties/property[@name='rule']")]
    check("RUNNER-SELF-003" in rules, "%s: junit.xml lacks the rule properties" % mode)
    with open(os.path.join(report_dir, "report.html"), encoding="utf-8") as f:
        html = f.read()
    check('<table id="matrix">' in html and 'data-rule="RUNNER-SELF-005"' in html, "%s: report.html lacks the matrix" % mode)


def pid_alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is dead for our purpose.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--impl", required=True)
    ap.add_argument("--expectations", required=True)
    ap.add_argument("--bad-abi", required=True)
    ap.add_argument("--missing", required=True)
    ap.add_argument("--ctor-crash", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="nke-selftest.")
    base = [args.runner, "--impl", args.impl, "--suite", args.suite, "--color=never"]
    try:
        for mode, extra in (("process", ["-j2"]), ("batch", ["--isolate=batch", "-j1", "--batch-size", "100"])):
            pidfile = os.path.join(tmp, mode + ".pids")
            env = dict(os.environ, NKE_SELFTEST_PIDFILE=pidfile)
            rdir = os.path.join(tmp, mode)
            p = run(base + ["--expectations", args.expectations, "--report-dir", rdir] + extra, env=env, expect=0)
            doc = load(rdir)
            check(doc["run"]["isolation"] == mode, "%s: isolation %s" % (mode, doc["run"]["isolation"]))
            check_outcomes(doc, mode)
            check_reports(rdir, p.stdout, mode)
            with open(pidfile) as f:
                pids = [int(x) for x in f.read().split()]
            check(pids and not any(pid_alive(x) for x in pids), "%s: a test's child process survived: %s" % (mode, pids))
            if mode == "batch":
                # Crashes, Aborts, Hangs and ExitsWithoutResult each end the
                # process with tests left: four restarts, five processes.
                check(doc["run"]["batch_restarts"] >= 4, "batch: %d restarts" % doc["run"]["batch_restarts"])

        # XPASS and a stale entry are errors.
        exp = os.path.join(tmp, "xpass.txt")
        shutil.copy(args.expectations, exp)
        with open(exp, "a") as f:
            f.write("SelfTest.Passes FAIL wrongly expected\nGone.* FAIL matches nothing\n")
        rdir = os.path.join(tmp, "xpass")
        run(base + ["--expectations", exp, "--report-dir", rdir, "--filter", "SelfTest.Passes"], expect=1)
        doc = load(rdir)
        check(by_id(doc)["SelfTest.Passes"]["outcome"] == "XPASS", "xpass: outcome %s" % by_id(doc)["SelfTest.Passes"]["outcome"])
        check([e["pattern"] for e in doc["stale_expectations"]] == ["Gone.*"], "xpass: stale %s" % doc["stale_expectations"])
        check(doc["summary"]["raw_conformance"]["passed"] == 1, "xpass: raw conformance")

        # --update-expectations drops the XPASS and stale entries, adds the missing one.
        upd = os.path.join(tmp, "update.txt")
        with open(args.expectations) as f, open(upd, "w") as g:
            for line in f:
                if not line.startswith("SelfTest.Crashes"):
                    g.write(line)
            g.write("SelfTest.Passes FAIL wrongly expected\nGone.* FAIL matches nothing\n")
        run(base + ["--expectations", upd, "--report-dir", os.path.join(tmp, "upd"), "--update-expectations", "-j2"], expect=0)
        with open(upd) as f:
            text = f.read()
        check(re.search(r"^SelfTest\.Crashes CRASH new failure \d{4}-\d\d-\d\d: killed by SIGSEGV", text, re.M) is not None,
              "update: no new entry for SelfTest.Crashes:\n" + text)
        check("SelfTest.Passes" not in text and "Gone.*" not in text, "update: XPASS/stale entries kept:\n" + text)
        check(text.startswith("# The self-test suite"), "update: the header comment was lost")

        # --list with shards: disjoint, complete.
        seen = []
        for i in (1, 2, 3):
            p = run(base + ["--list", "--shard", "%d/3" % i], expect=0)
            seen += [l.split()[0] for l in p.stdout.splitlines() if l.startswith("SelfTest.")]
        check(sorted(seen) == sorted(set(seen)) and len(seen) == 13, "shards: %s" % seen)

        # The ABI check: exit status 3 with a clear message, never a crash.
        for impl, text in ((args.bad_abi, "ABI version mismatch: the implementation reports 2.0"),
                           (args.missing, "ctl_register"),
                           (args.ctor_crash, "crashed during the ABI check (killed by SIGSEGV"),
                           (os.path.join(tmp, "no-such.so"), "does not exist")):
            p = run([args.runner, "--impl", impl, "--suite", args.suite], expect=3)
            check(text in p.stderr, "abi check of %s: %r not in %r" % (os.path.basename(impl), text, p.stderr[-600:]))
        p = run([args.runner, "--impl", args.missing, "--suite", args.suite], expect=3)
        check("124 of the 125 ABI symbols" in p.stderr or "of the" in p.stderr, "missing: count not reported")
        # Usage errors are exit status 2.
        run([args.runner, "--bogus"], expect=2)
        run(base + ["--filter", "NoSuchTest*"], expect=2)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        sys.exit(1)
    print("runner self-test: all checks passed")


if __name__ == "__main__":
    main()
