#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Synthetic nights of the nightly run, for the page's tests and the history's speed test.

usage: gen-results.py OUT [--nights N] [--benchmarks a,b,...] [--modes icount,plain]
                      [--runs N] [--batches N] [--traced N] [--step NIGHT:BENCH:TICKS]
                      [--subject NIGHT:TEXT] [--qemu-change NIGHT:MODE] [--failed NIGHT:NOTE]
                      [--partial NIGHT]
                      [--host NAME] [--commit-dirs]

Writes, for night i (0-based, in tree order), OUT/NNNN/night.json (night.json's format 1)
and its runs OUT/NNNN/MODE-KERNEL/results.json (schema 3): in each mode a run of the stock
kernel, and in instruction-count mode of the last --traced nights a run of the instrumented
kernel with its phases. Figures are in timebase ticks per iteration: exact in
instruction-count mode (whole instructions of 0.512 ticks, one slow batch a run as a timer
exit makes), with 0.3% noise between runs under plain emulation. --step adds TICKS to BENCH
from NIGHT on (and to its copy_to_svcpu phase); --qemu-change moves MODE to another QEMU from
NIGHT on (a new environment); --failed makes NIGHT a build failure (no runs), --partial a
night of the stock kernel only. The standard library only; the same arguments, the same
files.
"""
import argparse
import datetime
import hashlib
import json
import os
import random

BENCHMARKS = "null,pvr,spr,hcall,hcall-user,papr-hcall,mmio"
# instructions per iteration under -icount shift=0, as the default suite measures roughly
BASE_INSNS = {"null": 80, "pvr": 1153, "spr": 1170, "hcall": 1033, "hcall-user": 1250,
              "papr-hcall": 1100, "mmio": 3500}
TICKS_PER_INSN = 0.512
PLAIN_FACTOR = 13.0
# the instrumented kernel's phases (path order), and those around it the page leaves out
PHASES = ["vcpu_run", "trace", "loop_entry", "copy_to_svcpu", "trampoline_enter", "guest",
          "realmode_exit", "copy_from_svcpu", "store_nvgprs", "handle_exit", "round_trip"]
PHASE_SHARE = {"loop_entry": 0.04, "copy_to_svcpu": 0.07, "trampoline_enter": 0.05,
               "guest": 0.09, "realmode_exit": 0.08, "copy_from_svcpu": 0.08,
               "store_nvgprs": 0.03, "handle_exit": 0.56}


def pair(arg, n):
    parts = arg.split(":", n - 1)
    if len(parts) != n:
        raise argparse.ArgumentTypeError("%s: expected %d fields separated by ':'" % (arg, n))
    return parts


def started(i):
    t = datetime.datetime(2026, 1, 1, 3, 0, 0) + datetime.timedelta(days=i)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def commit_of(i):
    return hashlib.sha1(("exitbench synthetic commit %d" % i).encode()).hexdigest()


def figure(bench, mode, night, steps):
    """the night's true cost of bench in mode, in ticks per iteration"""
    ticks = BASE_INSNS.get(bench, 1000) * TICKS_PER_INSN
    for at, b, d in steps:
        if b == bench and night >= at:
            ticks += d
    return ticks * (PLAIN_FACTOR if mode == "plain" else 1)


def bench_entry(bench, mode, night, a, rng, traced, steps):
    true = figure(bench, mode, night, steps)
    runs, batch = [], []
    for _ in range(a.runs):
        mean = true * (1 + rng.gauss(0, 0.003)) if mode == "plain" else true
        values = [mean] * a.batches
        values[rng.randrange(a.batches)] += 0.7 * (PLAIN_FACTOR if mode == "plain" else 1)
        batch += [round(v, 4) for v in values]
        runs.append(round(sum(values) / len(values), 4))
    e = {"name": bench, "what": "synthetic " + bench, "exit_kind": "synthetic", "status": "ok",
         "iterations": 10000, "batches": a.batches, "repetitions": a.runs,
         "claimed_exits_per_iteration": 0 if bench == "null" else 1,
         "exits_per_iteration": 0.0 if bench == "null" else 1.0, "exits_check": "ok",
         "exits_note": "", "background_exits": 0, "unit": "timebase ticks per iteration",
         "runs": runs, "batch_ticks_per_iteration": batch}
    if traced:
        extra = sum(d for at, b, d in steps if b == bench and night >= at)
        rt = true - extra
        phases = []
        for name in PHASES:
            if name == "round_trip":
                med = true
            elif name in ("vcpu_run", "trace"):
                med = {"vcpu_run": 40000.0, "trace": 3.0}[name]
            else:
                med = round(rt * PHASE_SHARE[name])
                if name == "copy_to_svcpu":
                    med += extra
            med = float(med)
            phases.append({"name": name, "count": 100000, "median": med, "p5": med, "p95": med,
                           "p99": med, "min": med, "max": med, "sum": int(med * 100000),
                           "unit": "timebase ticks"})
        e["phases"] = phases
    return e


def run(out, night, mode, kernel, a, subjects, qemu_change, steps):
    rng = random.Random("%d %s %s" % (night, mode, kernel))
    newer = mode in qemu_change and night >= qemu_change[mode]
    env = {"mode": "emulated", "emulator": "qemu-system-ppc64 -M pseries -cpu POWER8 -m 1G",
           "qemu_version": "QEMU emulator version %s" % ("8.2.0" if newer else "7.2.22"),
           "icount": "shift=0" if mode == "icount" else "",
           "instruction_count_mode": mode == "icount", "cpu": "POWER8 (architected)",
           "tb_hz": 512000000, "host": a.host, "date": started(night),
           "nightly_tree": "/src/linux", "nightly_ref": "kvm-ppc-next",
           "nightly_commit": commit_of(night), "nightly_subject": subjects(night),
           "nightly_position": night, "host_kernel_variant": kernel}
    doc = {"schema_version": 3, "tool": "exitbench gen-results.py",
           "run_id": "synthetic-%04d-%s-%s%s" % (night, mode, kernel, "" if a.host == "synthetic-host" else "@" + a.host), "environment": env,
           "benchmarks": [bench_entry(b, mode, night, a, rng, kernel == "instrumented", steps)
                          for b in a.benchmarks.split(",")],
           "net_exit_cost": []}
    path = os.path.join(out, "%s-%s" % (mode, kernel))
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "results.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    return "%s-%s/results.json" % (mode, kernel)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--nights", type=int, default=8)
    p.add_argument("--benchmarks", default=BENCHMARKS)
    p.add_argument("--modes", default="icount,plain")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--batches", type=int, default=100)
    p.add_argument("--traced", type=int, default=None,
                   help="the last N nights trace phases (default: every night)")
    p.add_argument("--step", action="append", default=[], type=lambda s: pair(s, 3))
    p.add_argument("--subject", action="append", default=[], type=lambda s: pair(s, 2))
    p.add_argument("--qemu-change", action="append", default=[], type=lambda s: pair(s, 2))
    p.add_argument("--failed", action="append", default=[], type=lambda s: pair(s, 2))
    p.add_argument("--partial", action="append", default=[], type=int)
    p.add_argument("--host", default="synthetic-host", help="the host the nights ran on")
    p.add_argument("--commit-dirs", action="store_true",
                   help="name each night's folder by its commit's first 12 digits, as make "
                        "nightly does (default NNNN)")
    a = p.parse_args()
    steps = [(int(n), b, float(d)) for n, b, d in a.step]
    subj = {int(n): t for n, t in a.subject}
    qemu_change = {m: int(n) for n, m in a.qemu_change}
    failed = {int(n): note for n, note in a.failed}
    traced_from = a.nights - (a.nights if a.traced is None else a.traced)

    def subjects(i):
        return subj.get(i, "synthetic commit %d: touches nothing that runs" % i)

    for i in range(a.nights):
        out = os.path.join(a.out, commit_of(i)[:12] if a.commit_dirs else "%04d" % i)
        os.makedirs(out, exist_ok=True)
        runs, build, note = [], "ok", ""
        if i in failed:
            build, note = "failed", failed[i]
        else:
            for mode in a.modes.split(","):
                runs.append(run(out, i, mode, "stock", a, subjects, qemu_change, steps))
                if mode == "icount" and i >= traced_from and i not in a.partial:
                    runs.append(run(out, i, mode, "instrumented", a, subjects, qemu_change,
                                    steps))
            if i in a.partial:
                build, note = "partial", "the instrumented kernel did not build"
        night = {"night_format": 1, "tree": "/src/linux", "ref": "kvm-ppc-next",
                 "commit": commit_of(i), "subject": subjects(i), "commit_time": 1767225600 + i,
                 "position": i, "host": a.host,
                 "started": started(i), "build": build,
                 "build_note": note,
                 "build_log": "results/nightly/logs/%s.build.log" % commit_of(i)[:12],
                 "runs": runs}
        with open(os.path.join(out, "night.json"), "w") as f:
            json.dump(night, f, indent=1)


if __name__ == "__main__":
    main()
