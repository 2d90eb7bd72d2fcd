#!/usr/bin/env python3
"""Load a generated report.html in a real browser and check the rendered DOM.

Uses Debian's chromium if it is installed (CI installs it); otherwise the test
is SKIPPED (exit status 77) with the reason.  Installs nothing.  Checks that
the page's script ran (body data-ready="yes"), that the rule matrix has a row
for every rule of the catalogue, that the tests table has a row per test, and
that the closing "N passed, N failed, N skipped" line is there.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def find_chromium():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--impl", required=True)
    ap.add_argument("--rules", required=True)
    ap.add_argument("--work-dir", required=True)
    args = ap.parse_args()

    chromium = find_chromium()
    if not chromium:
        print("SKIPPED: chromium is not installed (apt-get install chromium); the report was not checked in a browser")
        sys.exit(SKIP)

    shutil.rmtree(args.work_dir, ignore_errors=True)
    os.makedirs(args.work_dir)
    report_dir = os.path.join(args.work_dir, "report")
    # --allow-missing-symbols: the page must render whatever the run found.
    p = subprocess.run([args.runner, "--impl", args.impl, "--report-dir", report_dir, "--expectations", "none",
                        "--allow-missing-symbols", "--quiet", "--color=never", "-j", "2"],
                       capture_output=True, text=True, errors="replace")
    if p.returncode not in (0, 1):
        print(p.stdout[-3000:], p.stderr[-3000:])
        sys.exit("the runner failed with exit status %d" % p.returncode)
    html = os.path.join(report_dir, "report.html")
    with open(os.path.join(report_dir, "results.json"), encoding="utf-8") as f:
        results = json.load(f)
    with open(args.rules, encoding="utf-8") as f:
        rules = [r["id"] for r in json.load(f)["rules"]]

    profile = tempfile.mkdtemp(prefix="nke-chromium.")
    try:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + profile,
               "--dump-dom", "file://" + os.path.abspath(html)]
        print("$ " + " ".join(cmd), flush=True)
        b = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    dom = b.stdout
    problems = []
    if b.returncode != 0 or "<html" not in dom:
        problems.append("chromium failed (exit status %d): %s" % (b.returncode, b.stderr[-2000:]))
    if not re.search(r'<body[^>]*data-ready="yes"', dom):
        problems.append("the page's script did not run (body data-ready is not 'yes')")
    if '<table id="matrix">' not in dom:
        problems.append("the rendered page has no rule matrix")
    rows = set(re.findall(r'<tr class="rule[^"]*" id="[^"]*" data-rule="([^"]+)"', dom))
    missing = [r for r in rules if r not in rows]
    if missing:
        problems.append("%d of %d catalogue rules have no matrix row, e.g. %s" % (len(missing), len(rules), missing[:5]))
    test_rows = len(re.findall(r'<tr id="test-[^"]*" data-outcome=', dom))
    if test_rows != len(results["tests"]):
        problems.append("the tests table has %d rows for %d tests" % (test_rows, len(results["tests"])))
    c = results["summary"]["counts"]
    closing = "%d passed, %d failed, %d skipped" % (c["passed"], c["failed"], c["skipped"])
    if closing not in dom:
        problems.append("the closing line '%s' is not on the page" % closing)
    for pr in problems:
        print("ERROR: " + pr)
    if problems:
        sys.exit(1)
    print("report.html rendered by %s: %d rule rows, %d test rows, '%s'" % (chromium, len(rows), test_rows, closing))


if __name__ == "__main__":
    main()
