#!/usr/bin/env python3
# The figures test_trace_file.c asserts for a trace.dat, computed without exitbench: from
# `trace-cmd report -t` (full timestamps) or mktrace's CSV, nearest-rank percentiles
# (rank max(1, round(p/100 n)), as hist.h defines them).
# usage: expect.py report TRACE.dat     |     expect.py csv FILE.csv
import re, subprocess, sys, csv

PH = ["vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
      "realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit"]


def pct(v, p):
    v = sorted(v)
    return v[max(1, int(p / 100 * len(v) + 0.5)) - 1]


def stats(v):
    return "n=%d median=%d p5=%d p95=%d p99=%d sum=%d" % (len(v), pct(v, 50), pct(v, 5), pct(v, 95), pct(v, 99), sum(v))


def show(timing, pairs):
    for b, rows in timing.items():
        ok = [r for r in rows if int(r["flags"]) == 0]
        print(b, "events", len(rows))
        for k in PH:
            v = [int(r[k]) for r in ok if not ((k == "vcpu_run" and int(r["entry"]) != -1) or
                                                 (k == "trace" and int(r["entry"]) == -1))]
            if v:
                print("  ", k, stats(v))
        print("   round_trip", stats([sum(int(r[k]) for k in PH) for r in ok]))
        for x in sorted(set(r["exit"] for r in rows)):
            v = [sum(int(r[k]) for k in PH) for r in ok if r["exit"] == x]
            print("    exit", x, "events", len([r for r in rows if r["exit"] == x]), stats(v) if v else "")
    for b, v in pairs.items():
        print(b, "exit_to_reenter", stats(v))


def report(path):
    out = subprocess.run(["trace-cmd", "report", "-t", path], capture_output=True, text=True).stdout
    bench, timing, pend, pairs = {}, {}, {}, {}
    for line in out.splitlines():
        m = re.search(r"-(\d+)\s+\[(\d+)\]\s+([\d.]+): (\S+):\s+(.*)", line)
        if not m:
            continue
        pid, cpu, ts, ev, rest = m.groups()
        ts = int(ts.replace(".", ""))
        b = bench.get(cpu, "(none)")
        if ev == "print":
            mm = re.search(r"exitbench: (begin|end) bench=(\S+)", rest)
            if mm:
                bench[cpu] = mm.group(2) if mm.group(1) == "begin" else "(none)"
        elif ev == "kvm_pr_exit_timing":
            timing.setdefault(b, []).append(dict(re.findall(r"(\w+)=(-?\w+)", rest)))
        elif ev == "kvm_exit":
            pend[pid] = (ts, b)
        elif ev == "kvm_book3s_reenter" and pid in pend:
            t0, eb = pend.pop(pid)
            pairs.setdefault(eb, []).append(ts - t0)
    show(timing, pairs)


def fromcsv(path):
    timing = {}
    for r in csv.DictReader(open(path)):
        r["exit"] = hex(int(r["exit_nr"]))
        timing.setdefault(r["bench"], []).append(r)
    show(timing, {})


if __name__ == "__main__":
    (report if sys.argv[1] == "report" else fromcsv)(sys.argv[2])
