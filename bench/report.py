#!/usr/bin/env python3
"""Turn a Google Benchmark JSON file (run with repetitions) and optional
callgrind instruction counts into the ratio report of bench/README.md.

    report.py --bench results/bench.json [--icount results/icount.tsv]
              [--load "..."] [--markdown]

Every workload is reported as the median of its repetitions (CPU time per
operation) and as a ratio to the median of its same-run baseline at the same
thread count.  Instruction counts (callgrind) are single-threaded and give a
second ratio that the machine's load cannot disturb.
"""
import argparse
import json
import re
import sys

# (id, description, workload, threads, kind, threshold)
#   kind "ratio<=": time(workload) / time(baseline) <= threshold
#   kind "ratio<":  strictly below
#   kind "ns<=":    absolute CPU ns per operation <= threshold
TARGETS = [
    # (id, description, workload, threads, kind, threshold, instruction counts meaningful?)
    ("T1", "header mbuf allocate+free no slower than malloc+free of 256 B",
     "mbuf/gethdr_freem", 1, "ratio<=", 1.0, True),
    ("T1b", "  same, two threads", "mbuf/gethdr_freem", 2, "ratio<=", 1.0, False),
    ("T2", "cluster allocate+free (m_getpacket) faster than malloc+free of 2 KiB",
     "mbuf/getpacket_freem", 1, "ratio<", 1.0, True),
    ("T2b", "  same, two threads", "mbuf/getpacket_freem", 2, "ratio<", 1.0, False),
    ("T2c", "  m_gethdr + m_mclget + m_freem", "mbuf/gethdr_mclget_freem", 1, "ratio<", 1.0, True),
    # Copies: glibc's memcpy runs different code under valgrind (and rep movsb
    # counts as one instruction), so only time is meaningful.
    ("T3", "m_copydata at >= 80% of memcpy bandwidth (time ratio <= 1.25)",
     "mbuf/copydata_64k", 1, "ratio<=", 1.25, False),
    ("T3b", "  scattered clusters, against memcpy in 2 KiB calls",
     "mbuf/copydata_64k_scattered", 1, "ratio<=", 1.25, False),
    ("T4", "dlil_input, 4 filters, 64-byte frames: >= 10 Mpps on one core (<= 100 ns)",
     "dlil/input_64_f4", 1, "ns<=", 100.0, False),
    ("T4x", "  same, 32 frames per call", "dlil/input_64_f4_x32", 1, "ns<=", 100.0, False),
    ("T4b", "dlil_input, 4 filters, 64-byte frames: within 2x the baseline loop",
     "dlil/input_64_f4", 1, "ratio<=", 2.0, True),
    ("T4c", "  same, 32 frames per call", "dlil/input_64_f4_x32", 1, "ratio<=", 2.0, True),
    # The baseline is two system calls: callgrind cannot see the kernel.
    ("T5", "control round trip at least 5x faster than AF_UNIX socketpair (ratio <= 0.2)",
     "ctl/enqueuedata_recv", 1, "ratio<=", 0.2, False),
]


def load_bench(path):
    with open(path) as f:
        data = json.load(f)
    rows = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") not in ("median", None):
            continue
        if b.get("run_type") == "iteration" and any(
                x.get("aggregate_name") == "median" for x in data["benchmarks"]):
            continue
        m = re.match(r"(.*)/threads:(\d+)$", b["run_name"])
        name, threads = (m.group(1), int(m.group(2))) if m else (b["run_name"], 1)
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
        label = b.get("label", "")
        baseline = label[3:] if label.startswith("vs ") else ""
        rows[(name, threads)] = {
            "cpu": b["cpu_time"] * scale,
            "real": b["real_time"] * scale,
            "baseline": baseline,
            "bps": b.get("bytes_per_second"),
        }
    return data.get("context", {}), rows


def load_icount(path):
    out = {}
    if not path:
        return out
    with open(path) as f:
        for line in f:
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0] and not parts[0].startswith("#"):
                out[parts[0]] = float(parts[1])
    return out


def order_key(name, threads):
    # Group by area (mbuf, dlil, sock, ctl), each workload after its baseline.
    areas = ["mbuf", "dlil", "sock", "ctl"]
    base = {"malloc": "mbuf", "memcpy": "mbuf", "input": "dlil", "output": "dlil",
            "unix": "sock"}
    group, _, rest = name.partition("/")
    if group == "baseline":
        key = next((v for k, v in base.items() if rest.startswith(k)), "zz")
        return (areas.index(key) if key in areas else 9, 0, rest, threads)
    return (areas.index(group) if group in areas else 9, 1, rest, threads)


def fmt_ns(v):
    if v is None:
        return "—"
    if v >= 1e6:
        return f"{v / 1e6:.2f} ms"
    if v >= 1e3:
        return f"{v / 1e3:.2f} µs"
    return f"{v:.1f} ns"


def fmt(v, digits=2):
    return "—" if v is None else f"{v:.{digits}f}"


def verdict(kind, value, threshold):
    if value is None:
        return "not measured"
    ok = {"ratio<=": value <= threshold, "ratio<": value < threshold,
          "ns<=": value <= threshold}[kind]
    return "met" if ok else "NOT met"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", required=True)
    ap.add_argument("--icount")
    ap.add_argument("--load", default="")
    args = ap.parse_args()
    ctx, rows = load_bench(args.bench)
    with open(args.bench) as f:
        reps = next((b.get("repetitions") for b in json.load(f)["benchmarks"]), "?")
    ic = load_icount(args.icount)

    print(f"Machine: {ctx.get('num_cpus', '?')} CPUs at {ctx.get('mhz_per_cpu', '?')} MHz; "
          f"load average during the run: {args.load or ctx.get('load_avg', '?')}")
    print(f"Repetitions: medians of {reps} (CPU time per operation); "
          "Ir = instructions per operation under callgrind (single thread).")
    print()
    print("| workload | thr | CPU time/op | Mop/s | baseline | baseline time/op | time ratio | Ir/op | baseline Ir/op | Ir ratio |")
    print("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
    for (name, threads), r in sorted(rows.items(), key=lambda kv: order_key(*kv[0])):
        base = rows.get((r["baseline"], threads)) if r["baseline"] else None
        ratio = r["cpu"] / base["cpu"] if base else None
        ir = ic.get(name) if threads == 1 else None
        bir = ic.get(r["baseline"]) if (threads == 1 and r["baseline"]) else None
        iratio = ir / bir if (ir and bir) else None
        if "64k" in name or "unix" in r["baseline"]:
            iratio = None  # not comparable: see TARGETS
        extra = ""
        if r["bps"]:
            extra = f" ({r['bps'] / 2**30:.1f} GiB/s)"
        print(f"| {name} | {threads} | {fmt_ns(r['cpu'])}{extra} | {1e3 / r['cpu']:.2f} | "
              f"{r['baseline'] or '(baseline)'} | "
              f"{fmt_ns(base['cpu']) if base else ''} | {fmt(ratio)} | "
              f"{fmt(ir, 0) if ir else '—'} | {fmt(bir, 0) if bir else '—'} | {fmt(iratio)} |")
    print()
    print("| target | measured (time) | verdict (time) | measured (Ir) | verdict (Ir) |")
    print("|---|---:|---|---:|---|")
    for tid, desc, name, threads, kind, thr, ir_ok in TARGETS:
        r = rows.get((name, threads))
        tval = ival = None
        if r:
            if kind == "ns<=":
                tval = r["cpu"]
            else:
                base = rows.get((r["baseline"], threads))
                tval = r["cpu"] / base["cpu"] if base else None
        if ir_ok and kind != "ns<=" and threads == 1 and name in ic and r and r["baseline"] in ic:
            ival = ic[name] / ic[r["baseline"]]
        shown_t = fmt_ns(tval) if kind == "ns<=" else fmt(tval)
        print(f"| {tid} {desc} | {shown_t} | {verdict(kind, tval, thr)} | "
              f"{fmt(ival) if ival is not None else '—'} | "
              f"{verdict(kind, ival, thr) if ival is not None else ('n/a' if not ir_ok else '—')} |")


if __name__ == "__main__":
    sys.exit(main())
