#!/usr/bin/env python3
"""Turn Ethernet captures into ethernet_frames seed inputs.

Input format (see ethernet_frames.cc): 4 config bytes, then for each frame a
2-byte big-endian length (options in the top 5 bits, none here) and the
frame's bytes -- the framing of lwIP's test/fuzz harnesses.

    pcap_to_seed.py [--config HEX] [--max-frames N] [--skip N] OUT IN.pcap...

Classic libpcap files with link type EN10MB (1) only; frames longer than
2047 bytes are truncated to 2047 (the length field has 11 bits).
"""
import argparse
import struct
import sys


def frames(path):
    data = open(path, "rb").read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit(f"{path}: not a classic pcap file")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        sys.exit(f"{path}: link type {linktype}, not Ethernet")
    at = 24
    while at + 16 <= len(data):
        _, _, incl, _ = struct.unpack(end + "IIII", data[at:at + 16])
        at += 16
        yield data[at:at + incl]
        at += incl


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="01000000", help="4 config bytes in hex (default: promiscuous)")
    ap.add_argument("--max-frames", type=int, default=16)
    ap.add_argument("--skip", type=int, default=0)
    ap.add_argument("out")
    ap.add_argument("pcaps", nargs="+")
    a = ap.parse_args()
    cfg = bytes.fromhex(a.config)
    if len(cfg) != 4:
        sys.exit("--config needs 4 bytes")
    out = bytearray(cfg)
    n = 0
    for p in a.pcaps:
        for i, f in enumerate(frames(p)):
            if i < a.skip or n >= a.max_frames:
                continue
            f = f[:2047]
            out += struct.pack(">H", len(f)) + f
            n += 1
    open(a.out, "wb").write(out)
    print(f"{a.out}: {n} frames, {len(out)} bytes")


if __name__ == "__main__":
    main()
