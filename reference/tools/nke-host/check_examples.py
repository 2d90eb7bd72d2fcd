#!/usr/bin/env python3
"""Run the data-link example NKEs through nke-host and check their effect.

  rewrite: a VLAN-tagged IPv4 frame reaches an IPv4 capture protocol only
           when dl_rewrite strips its tag.
  proto:   dl_proto attached for IPv4 with echo=1 receives every IPv4 frame
           and sends each one back through dlil_output and the driver.
"""
import argparse
import os
import re
import subprocess
import sys


def host(args, cmd_tail):
    cmd = [args.nke_host, "--no-progress"] + cmd_tail + [args.capture]
    print("$ " + " ".join(cmd))
    run = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        sys.exit("FAIL: nke-host exited with %d" % run.returncode)
    return run.stdout


def stage(out, name):
    return int(re.search(r"^\s+%s\s+(\d+)" % name, out, re.M).group(1))


def read_report(path):
    with open(path, encoding="utf-8") as f:
        return {k: int(v) for k, v in (line.split() for line in f if line.strip())}


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("which", choices=["rewrite", "proto"])
    ap.add_argument("--nke-host", required=True)
    ap.add_argument("--module", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    report = os.path.join(a.workdir, "report.txt")
    if a.which == "rewrite":
        plain = host(a, ["-p", "0x0800"])
        if "delivered 0x0800 0" not in plain:
            sys.exit("FAIL: without dl_rewrite the tagged frame must not reach IPv4")
        out = host(a, ["-p", "0x0800", "-m", "%s:if=en0,strip=1,report=%s" % (a.module, report)])
        if "delivered 0x0800 1" not in out:
            sys.exit("FAIL: with dl_rewrite strip=1 the frame must reach IPv4")
        if read_report(report)["stripped"] != 1:
            sys.exit("FAIL: dl_rewrite reports %s" % read_report(report))
    else:
        out = host(a, ["-o", a.workdir, "-m",
                       "%s:if=en0,type=0x0800,echo=1,report=%s" % (a.module, report)])
        r = read_report(report)
        n = stage(out, "in")
        if r["frames"] != n or r["echoed"] != n or stage(out, "out") != n:
            sys.exit("FAIL: dl_proto saw %s, nke-host in %d out %d" % (r, n, stage(out, "out")))
        if stage(out, "kept") != n:
            sys.exit("FAIL: every frame should be kept by the module's protocol")
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
