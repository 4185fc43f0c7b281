#!/usr/bin/env bash
# The "instrumented kvm-pr" section of RESULTS.md: the cost of the instrumentation, the
# round trip by phase, the exits by reason from the stock tracepoints, and the collector's
# speed, from real runs (make results).
# usage: results-trace.sh [COLLECTOR_RUN]
#   Runs the default suite in instruction-count mode four times (stock; stock traced;
#   instrumented, event off; instrumented, traced), and `make bench-collector` unless
#   COLLECTOR_RUN names a run that has its collector-bench.md.
# Replaces the section (up to "## Comparisons", or to the end) in RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=${SUITE:-configs/suites/default}
[ -f RESULTS.md ] || die "no RESULTS.md to add to (make results writes it first)"
stamp=$(date -u +%Y%m%d-%H%M%S)
declare -A dir
for v in stock stock-traced disabled enabled; do
	case $v in
	stock) env=() ;;
	stock-traced) env=(TRACE=1) ;;
	disabled) env=(INSTRUMENT=1) ;;
	enabled) env=(INSTRUMENT=1 TRACE=1) ;;
	esac
	step "default suite, instruction-count mode: $v"
	id=$stamp-$v-results
	env ${env[@]+"${env[@]}"} RUN_ID="$id" ICOUNT=1 SUITE="$SUITE" O="$O" scripts/bench.sh >/dev/null ||
		die "the $v run failed; RESULTS.md not changed (see results/$id)"
	dir[$v]=results/$id
done
crun=${1:-}
if [ -z "$crun" ]; then
	step "the collector benchmark (make bench-collector)"
	make --no-print-directory bench-collector O="$O" >/dev/null || die "make bench-collector failed"
	crun=$(ls -d results/*-collector 2>/dev/null | tail -1) || true
fi
[ -f "$crun/collector-bench.md" ] || die "$crun has no collector-bench.md"

med() { jq -r --arg n "$2" '.benchmarks[] | select(.name==$n and .status=="ok") | .summary_ticks.median' "$1/results.json"; }
# a section of a report.md, from its "## TITLE" heading to the next "## ", one level down
section() { awk -v t="## $2" 'index($0, t) == 1 {on = 1; next} on && /^## / {exit} on' "$1/report.md" | sed 's/^### /#### /'; }

sec=$(mktemp)
trap 'rm -f "$sec"' EXIT
{
	echo "## The instrumented kvm-pr (module/patches): phases, exit reasons, the collector"
	echo
	echo "Made by \`make results\` (scripts/results-trace.sh) on $(date -u +%Y-%m-%d) from exitbench $(git rev-parse --short=12 HEAD 2>/dev/null): the default suite in instruction-count mode (\`-icount shift=0\`: 1 tick = 1.953 instructions) on the emulated POWER8, four boots: stock kernel; stock traced (\`TRACE=1\`: kvm_exit, kvm_book3s_reenter); instrumented with the event off (\`INSTRUMENT=1\`); instrumented and traced (\`INSTRUMENT=1 TRACE=1\`: kvm_pr_exit_timing). Emulator figures."
	echo
	echo "### The instrumentation's cost (ticks per iteration, median of runs)"
	echo
	echo "| benchmark | stock | instrumented, off | off - stock (instructions) | instrumented, on | on - stock | of which the event itself (\`trace\` phase median) |"
	echo "|---|---|---|---|---|---|---|"
	for b in pvr spr hcall hcall-user mmio; do
		s=$(med "${dir[stock]}" $b) d=$(med "${dir[disabled]}" $b) e=$(med "${dir[enabled]}" $b)
		t=$(jq -r --arg n $b '.benchmarks[] | select(.name==$n) | (.phases // [])[] | select(.name=="trace") | .median' "${dir[enabled]}/results.json")
		[ -n "$s" ] && [ -n "$d" ] && [ -n "$e" ] || continue
		awk -v b=$b -v s="$s" -v d="$d" -v e="$e" -v t="${t:--}" 'BEGIN {
			printf "| %s | %.2f | %.2f | %+.2f (%+.1f) | %.2f | %+.2f (%+.1f%%) | %s |\n",
				b, s, d, d - s, (d - s) / 0.512, e, e - s, 100 * (e - s) / s, t }'
	done
	echo
	echo "### Round trip by phase (instrumented, traced)"
	echo
	section "${dir[enabled]}" "Round trip by phase"
	echo
	echo "### Exits by reason, stock kernel (kvm_exit -> kvm_book3s_reenter)"
	echo
	section "${dir[stock-traced]}" "Exits by reason"
	echo
	echo "### The collector's speed (\`make bench-collector\`, run $(basename "$crun"))"
	echo
	cat "$crun/collector-bench.md"
	echo
} >"$sec"
# RESULTS.md: what comes before this section (or before "## Comparisons"), the section, then
# "## Comparisons" to the end
results_section "$sec" "The instrumented kvm-pr" "Comparisons"
echo "RESULTS.md: the instrumented kvm-pr section from ${dir[*]} $crun"
