#!/usr/bin/env python3
"""Replay one capture through nke-host with the dl_sniffer example loaded and
check the counts against tcpdump's decode of the same capture (CAPTURE.out):
the number of frames, and the frames of each class (IPv4, IPv6, ARP, 802.3
LLC, PPPoE), as seen by the sniffer (an NKE on the interface) and by nke-host
itself.  Exit 0 when everything agrees."""
import argparse
import os
import re
import subprocess
import sys

# tcpdump's first word of a packet line -> class (the encapsulated type).
TCPDUMP_CLASS = {"IP": "ipv4", "IP6": "ipv6", "ARP": "arp", "ARP,": "arp",
                 "STP": "llc", "IPX": "llc", "PPPoE": "pppoe"}
CLASSES = ["ipv4", "ipv6", "arp", "llc", "pppoe", "other"]


def tcpdump_counts(path):
    counts = dict.fromkeys(CLASSES, 0)
    packets = 0
    line_re = re.compile(r"^\s*\d+\s+\d{4}-\d\d-\d\d \S+ (\S+)")
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = line_re.match(line)
            if not m:
                continue
            packets += 1
            counts[TCPDUMP_CLASS.get(m.group(1), "other")] += 1
    return packets, counts


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--nke-host", required=True)
    ap.add_argument("--sniffer", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--decode", help="tcpdump decode (default: CAPTURE with .out)")
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    decode = a.decode or os.path.splitext(a.capture)[0] + ".out"
    report = os.path.join(a.workdir, "sniffer.txt")
    if os.path.exists(report):
        os.remove(report)
    cmd = [a.nke_host, "--no-progress", "-o", a.workdir, "-p", "0x0800", "-p", "0x86dd",
           "-m", "%s:if=en0,report=%s" % (a.sniffer, report), a.capture]
    print("$ " + " ".join(cmd))
    run = subprocess.run(cmd, capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    if run.returncode != 0:
        print("FAIL: nke-host exited with %d" % run.returncode)
        return 1

    host_frames = int(re.search(r"nke-host: (\d+) frames", run.stdout).group(1))
    host_in = int(re.search(r"^\s+in\s+(\d+)", run.stdout, re.M).group(1))
    host_classes = dict.fromkeys(CLASSES, 0)
    for name, n in re.findall(r"(\w+) (\d+)", re.search(r"classes:(.*)", run.stdout).group(1)):
        host_classes[name] = int(n)
    sniff = {}
    sniff_classes = dict.fromkeys(CLASSES, 0)
    with open(report, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if parts[0] == "class":
                sniff_classes[parts[1]] = int(parts[2])
            elif len(parts) == 2:
                sniff[parts[0]] = parts[1]
    packets, td_classes = tcpdump_counts(decode)

    failures = []
    def same(what, got, want):
        mark = "ok" if got == want else "MISMATCH"
        print("  %-28s %8s %8s  %s" % (what, got, want, mark))
        if got != want:
            failures.append(what)

    print("check against %s:" % os.path.basename(decode))
    print("  %-28s %8s %8s" % ("", "got", "tcpdump"))
    same("frames read by nke-host", host_frames, packets)
    same("frames through dlil_input", host_in, packets)
    same("frames seen by dl_sniffer", int(sniff["in_frames"]), packets)
    for c in CLASSES:
        if td_classes[c] or sniff_classes[c] or host_classes[c]:
            same("class %s (dl_sniffer)" % c, sniff_classes[c], td_classes[c])
            same("class %s (nke-host)" % c, host_classes[c], td_classes[c])
    if failures:
        print("FAIL: " + ", ".join(failures))
        return 1
    print("PASS: %d frames agree with tcpdump" % packets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
