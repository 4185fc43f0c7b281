#!/usr/bin/env bash
# The collector's speed, side by side with trace-cmd report and perf script on the same
# recorded workload (make bench-collector).
# usage: collector-bench.sh RUNDIR      (RUNDIR/trace.dat, and RUNDIR/perf.data if there)
# env: O (build dir)
# Prints a markdown table (also written to RUNDIR/collector-bench.md): events, wall time,
# events per second, peak RSS of each tool, and exitbench's speed-up over each.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
[ $# = 1 ] || die "usage: collector-bench.sh RUNDIR"
run=$1
O=${O:-$top/build}
eb=$O/exitbench
[ -f "$run/trace.dat" ] || die "$run/trace.dat: no such file (record one: make bench-collector)"
[ -x "$eb" ] || die "$eb: not built (make tools)"
command -v /usr/bin/time >/dev/null 2>&1 || [ -x /usr/bin/time ] ||
	die "no /usr/bin/time; run: scripts/install-deps.sh host"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# measure NAME CMD...: wall seconds and peak RSS (KiB) of CMD, its stdout discarded
measure() {
	local name=$1
	shift
	local rc=0 secs rss
	/usr/bin/time -f "%e %M" -o "$tmp/$name.time" "$@" >/dev/null 2>"$tmp/$name.err" || rc=$?
	[ $rc = 0 ] || { echo "exitbench: $name failed (exit $rc): $(tail -1 "$tmp/$name.err")" >&2; return 1; }
	read -r secs rss <"$tmp/$name.time"
	echo "$secs $rss"
}

# the events in trace.dat, as exitbench counts them (its trace.json: events_read)
step "exitbench trace (warm-up, and the event count)"
"$eb" trace "$run/trace.dat" -o "$tmp/warm.json" --quiet >/dev/null 2>"$tmp/warm.err" ||
	die "exitbench trace failed on $run/trace.dat: $(tail -1 "$tmp/warm.err")"
events=$(jq -er '.events_read' "$tmp/warm.json" 2>/dev/null) ||
	die "exitbench trace wrote no event count (events_read) into its trace.json"

rows=()
step "exitbench trace ($events events)"
r=$(measure exitbench "$eb" trace "$run/trace.dat" -o "$tmp/out.json" --quiet) || exit 1
eb_s=${r% *}
rows+=("exitbench trace (trace.dat)|$events|$r")
step "trace-cmd report"
r=$(measure trace-cmd trace-cmd report -i "$run/trace.dat") || exit 1
rows+=("trace-cmd report (trace.dat)|$events|$r")
if [ -f "$run/perf.data" ]; then
	command -v perf >/dev/null || die "no perf on this machine to read $run/perf.data (Debian: linux-perf)"
	# perf has no machine-readable form of its record counts: its --stats text is read
	pevents=$(perf report --stats -i "$run/perf.data" 2>/dev/null |
		awk '/^ *SAMPLE events:/ && !n {n = $3} END {print n}') || true
	step "perf script ($pevents samples)"
	r=$(measure perf-script perf script -i "$run/perf.data") || exit 1
	rows+=("perf script (perf.data)|${pevents:-?}|$r")
fi

{
	echo "| tool | events | seconds | events/s | peak RSS | exitbench is faster by |"
	echo "|---|---|---|---|---|---|"
	for row in "${rows[@]}"; do
		IFS='|' read -r name n r <<<"$row"
		secs=${r% *} rss=${r#* }
		awk -v name="$name" -v n="$n" -v s="$secs" -v rss="$rss" -v eb="$eb_s" 'BEGIN {
			printf "| %s | %d | %.2f | %.0f | %.1f MiB | %.1fx |\n", name, n, s,
				(s > 0 ? n / s : 0), rss / 1024, (eb > 0 ? s / eb : 0) }'
	done
	echo
	echo "trace.dat: $(du -h "$run/trace.dat" | cut -f1)$([ -f "$run/perf.data" ] && echo ", perf.data: $(du -h "$run/perf.data" | cut -f1)"); machine: $(nproc) cores, $(uname -m), $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1); $(trace-cmd --version 2>/dev/null | grep -m1 version), $(perf version 2>/dev/null)"
} | tee "$run/collector-bench.md"
