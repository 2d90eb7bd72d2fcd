#!/usr/bin/env python3
"""ABI-HDR-002: the ABI headers include only what the spec allows."""
import os
import re
import sys

ALLOWED = {"stddef.h", "stdint.h"}
EXTRA = {"dlil.h": {"sys/queue.h"}, "syscalls.h": {"sys/types.h", "sys/socket.h"}}

def main(include_dir):
    bad = []
    hdir = os.path.join(include_dir, "nke")
    for name in sorted(os.listdir(hdir)):
        if not name.endswith(".h"):
            continue
        with open(os.path.join(hdir, name), encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = re.match(r'\s*#\s*include\s*[<"]([^>"]+)[>"]', line)
                if not m:
                    continue
                inc = m.group(1)
                if inc.startswith("nke/") or inc in ALLOWED or inc in EXTRA.get(name, set()):
                    continue
                bad.append("%s:%d includes <%s>" % (name, lineno, inc))
    for b in bad:
        print("ABI-HDR-002: " + b)
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
