#!/usr/bin/env python3
"""The rule catalogue of the OpenNKE specification.

  rules.py extract SPEC_DIR -o rules.json
      Read every chapter (spec/*.md) and write the catalogue.
  rules.py lint --rules rules.json --tests T1.json [T2.json ...] [--strict] [--chapters A,B]
      Check the catalogue and its traceability to the conformance tests.

A rule is written in a chapter as (spec/README.md, "Rule format"):

    ### CTL-CONNECT-004 · MUST
    source: hist §2.3; hist §9.2 #4 (defined error) · errno: EINVAL

    Free text, one or more paragraphs, up to the next heading.

The test lists (T*.json) are written by the test binaries themselves
(`nke-conformance-tests --nke_list_json`): [{"test": "Suite.Name", "rules": [...]}].
"""
import argparse
import errno as host_errno
import json
import os
import re
import sys

ID_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d{3}$")
HEAD_RE = re.compile(r"^###\s+(\S+)\s+·\s+(MUST|SHOULD|MAY)\s*$")
SOURCE_RE = re.compile(r"^source:\s*(.+?)\s*(?:·\s*errno:\s*(.+?))?\s*$")
SOURCE_KINDS = ("seed", "hist", "choice")
PSEUDO_ERRNOS = {"EJUSTRETURN", "DLIL_WAIT_FOR_FREE", "KERN_FAILURE", "KERN_INVALID_ARGUMENT"}


class SpecError(Exception):
    pass


def chapter_files(spec_dir):
    for name in sorted(os.listdir(spec_dir)):
        if name.endswith(".md") and name != "README.md":
            yield os.path.join(spec_dir, name)


def parse_chapter(path):
    chapter = os.path.splitext(os.path.basename(path))[0]
    rules, cur, title = [], None, chapter
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    section = ""
    for lineno, line in enumerate(lines, 1):
        if line.startswith("# ") and title == chapter:
            title = line[2:].strip()
        m = HEAD_RE.match(line)
        if line.startswith("#") and not m:
            if cur:
                rules.append(cur)
                cur = None
            if line.startswith("## "):
                section = line[3:].strip()
            if line.startswith("### "):
                raise SpecError("%s:%d: heading looks like a rule but is malformed: %s"
                                % (path, lineno, line))
            continue
        if m:
            if cur:
                rules.append(cur)
            cur = {"id": m.group(1), "level": m.group(2), "chapter": chapter,
                   "chapter_title": title, "section": section, "file": os.path.basename(path),
                   "line": lineno, "source": None, "errno": [], "text": ""}
            continue
        if cur is None:
            continue
        if cur["source"] is None:
            if not line.strip():
                continue
            sm = SOURCE_RE.match(line)
            if not sm:
                raise SpecError("%s:%d: rule %s: the line after the heading must be "
                                "'source: ...'" % (path, lineno, cur["id"]))
            cur["source"] = sm.group(1)
            if sm.group(2):
                cur["errno"] = [e.strip() for e in sm.group(2).split(",") if e.strip()]
            continue
        cur["text"] += line + "\n"
    if cur:
        rules.append(cur)
    for r in rules:
        r["text"] = r["text"].strip()
    return rules


def extract(spec_dir):
    rules = []
    for path in chapter_files(spec_dir):
        rules.extend(parse_chapter(path))
    return rules


def check_catalogue(rules):
    problems, seen = [], {}
    for r in rules:
        where = "%s:%d" % (r["file"], r["line"])
        if not ID_RE.match(r["id"]):
            problems.append("%s: malformed rule id %s" % (where, r["id"]))
        if r["id"] in seen:
            problems.append("%s: duplicate rule id %s (first at %s)" % (where, r["id"], seen[r["id"]]))
        seen[r["id"]] = where
        if not r["source"] or not any(r["source"].startswith(k) for k in SOURCE_KINDS):
            problems.append("%s: %s: source must start with one of %s"
                            % (where, r["id"], "/".join(SOURCE_KINDS)))
        if r["source"] and r["source"].startswith("choice") and len(r["source"]) < 16:
            problems.append("%s: %s: a 'choice' source needs a one-line rationale" % (where, r["id"]))
        for e in r["errno"]:
            if e not in PSEUDO_ERRNOS and not hasattr(host_errno, e):
                problems.append("%s: %s: unknown errno name %s" % (where, r["id"], e))
        if not r["text"]:
            problems.append("%s: %s: rule has no text" % (where, r["id"]))
    return problems


def load_tests(paths):
    tests = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            data = json.load(f)
        for t in data:
            t.setdefault("binary", os.path.basename(p))
            tests.append(t)
    return tests


def lint(rules, tests, strict, chapters):
    problems = check_catalogue(rules)
    ids = {r["id"]: r for r in rules}
    covered = {}
    for t in tests:
        if not t.get("rules"):
            problems.append("test %s names no rule" % t["test"])
        for rid in t.get("rules", []):
            if rid not in ids:
                problems.append("test %s names unknown rule %s" % (t["test"], rid))
            else:
                covered.setdefault(rid, []).append(t["test"])
    uncovered = [r for r in rules if r["level"] == "MUST" and r["id"] not in covered
                 and (not chapters or r["chapter"] in chapters)]
    return problems, uncovered, covered


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    ex = sub.add_parser("extract")
    ex.add_argument("spec_dir")
    ex.add_argument("-o", "--output", required=True)
    li = sub.add_parser("lint")
    li.add_argument("--rules", required=True)
    li.add_argument("--tests", nargs="*", default=[], help="test lists (JSON files)")
    li.add_argument("--test-binaries", nargs="*", default=[],
                    help="conformance binaries to ask for their list (--nke_list_json)")
    li.add_argument("--strict", action="store_true",
                    help="fail on MUST rules without a test (otherwise report them)")
    li.add_argument("--chapters", default="", help="limit the coverage check to these chapters")
    li.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    if args.cmd == "extract":
        try:
            rules = extract(args.spec_dir)
        except SpecError as e:
            sys.exit("rules.py: %s" % e)
        problems = check_catalogue(rules)
        if problems:
            sys.exit("rules.py: the catalogue is invalid:\n  " + "\n  ".join(problems))
        out = {"schema_version": 1, "rules": rules}
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, args.output)
        levels = {}
        for r in rules:
            levels[r["level"]] = levels.get(r["level"], 0) + 1
        print("rules.py: %d rules (%s)" % (len(rules), ", ".join(
            "%d %s" % (n, lv) for lv, n in sorted(levels.items()))))
        return

    with open(args.rules, encoding="utf-8") as f:
        rules = json.load(f)["rules"]
    tests = load_tests(args.tests)
    for binary in args.test_binaries:
        import subprocess
        out = subprocess.run([binary, "--nke_list_json"], check=True, capture_output=True,
                             text=True).stdout
        for t in json.loads(out):
            t["binary"] = os.path.basename(binary)
            tests.append(t)
    chapters = {c for c in args.chapters.split(",") if c}
    problems, uncovered, covered = lint(rules, tests, args.strict, chapters)
    must = [r for r in rules if r["level"] == "MUST"]
    print("spec lint: %d rules, %d MUST, %d tests, %d MUST rules covered, %d uncovered"
          % (len(rules), len(must), len(tests), len(must) - len([r for r in must if r["id"] not in covered]),
             len([r for r in must if r["id"] not in covered])))
    for p in problems:
        print("ERROR: " + p)
    label = "ERROR" if args.strict else "uncovered"
    for r in uncovered:
        print("%s: MUST rule %s (%s:%d) has no test" % (label, r["id"], r["file"], r["line"]))
    if problems or (args.strict and uncovered):
        sys.exit(1)


if __name__ == "__main__":
    main()
