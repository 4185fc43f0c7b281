#!/usr/bin/env bash
# Integration test: the instrumented kvm-pr (module/patches) on the emulated POWER8 host in
# instruction-count mode: its cost while off, its phases while on, and the stock
# tracepoints' exit-reason table. Three boots of tests/suites/instrumented:
#   stock        make bench ICOUNT=1 TRACE=1            (kvm_exit -> kvm_book3s_reenter)
#   disabled     make bench ICOUNT=1 INSTRUMENT=1       (the patched kernel, event off)
#   enabled      make bench ICOUNT=1 INSTRUMENT=1 TRACE=1
#   stats        make bench ICOUNT=1 INSTRUMENT=1 STATS=1   (phases in the binary stats)
# Each check prints "ok" or "FAIL"; last line "instrumented: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
tmp=$(mktemp -d /tmp/exitbench-instr.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
suite=tests/suites/instrumented

within() { awk -v a="$1" -v b="$2" -v f="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && b > 0 && d <= f * b) }'; }

for v in stock-off stock disabled enabled stats; do
	case $v in
	stats) env=(INSTRUMENT=1 STATS=1) ;;
	stock-off) env=() ;;
	stock) env=(TRACE=1) ;;
	disabled) env=(INSTRUMENT=1) ;;
	enabled) env=(INSTRUMENT=1 TRACE=1) ;;
	esac
	echo "# boot: $v (${env[*]} ICOUNT=1)"
	rc=0
	env ${env[@]+"${env[@]}"} ICOUNT=1 SUITE="$suite" RESULTS="$tmp/results" RUN_ID="$v" O="$O" scripts/bench.sh \
		>"$tmp/$v.out" 2>"$tmp/$v.err" || rc=$?
	check "$v: make bench exits 0" [ $rc = 0 ]
	[ $rc = 0 ] || tail -5 "$tmp/$v.err" | sed 's/^/#   /'
done
r=$tmp/results
S0=$r/stock-off/results.json S=$r/stock/results.json D=$r/disabled/results.json E=$r/enabled/results.json
T=$r/stats/results.json

check "the instrumented boots ran the instrumented kernel, the others the stock one" \
	[ "$(cat "$r"/{stock-off,stock,disabled,enabled,stats}/kernel-variant 2>/dev/null | tr '\n' ' ')" = \
	  "stock stock instrumented instrumented instrumented-stats " ]
check "trace.dat came back from both traced boots, nothing lost" \
	bash -c "grep -q 'trace.dat: .* 0 lost' $tmp/stock.err && grep -q 'trace.dat: .* 0 lost' $tmp/enabled.err"

# while off, the instrumented kernel runs the stock instructions: under -icount shift=0 the
# same ticks per iteration (a single added instruction is 0.512 ticks, 0.09% of pvr). Judged
# on the median batch (50 iterations): a run's mean moves by 0.5 tick per timer interrupt
# that lands in its 5000 iterations, a median batch has none.
p50() { jq --arg n "$2" '.benchmarks[] | select(.name==$n) | .summary_ticks.p50' "$1" 2>/dev/null || true; }
for b in pvr hcall; do
	s0=$(p50 "$S0" $b) d0=$(p50 "$D" $b)
	echo "# $b median batch, ticks/iteration: stock ${s0:-none}, instrumented-disabled ${d0:-none}"
	check "instrumentation off costs less than one instruction per $b exit (stock vs disabled)" \
		awk -v a="${d0:-0}" -v b="${s0:-0}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && b > 0 && d < 0.5) }'
done
pe=$(jq '.benchmarks[] | select(.name=="pvr") | .summary_ticks.median' "$E" 2>/dev/null) || true

# the phases: all of them, in path order, for every exiting benchmark
order='["vcpu_run","trace","loop_entry","copy_to_svcpu","trampoline_enter","guest","realmode_exit","copy_from_svcpu","store_nvgprs","handle_exit"]'
check "pvr, hcall, mmio have the ten phases in path order" \
	jqr --argjson o "$order" '[.benchmarks[] | select(.name=="pvr" or .name=="hcall" or .name=="mmio") |
		([.phases[].name] | map(select(. != "round_trip" and . != "exit_to_reenter"))) == $o] |
		length == 3 and all' "$E"
check "every phase of pvr has a positive median and ordered percentiles" \
	jqr '.benchmarks[] | select(.name=="pvr") | [.phases[] | .median > 0 and .p5 <= .median and
		.median <= .p95 and .p95 <= .p99] | all' "$E"
check "no round trip had its stamps out of order" \
	jqr '[.benchmarks[] | select(.exit_reasons) | .exit_reasons[] | (.out_of_order // 0) == 0] | all' "$E"
# per exit, the phases add up to the guest's own measurement of the same run (vcpu_run is
# once per KVM_RUN, not per exit)
sum=$(jq '.benchmarks[] | select(.name=="pvr") | [.phases[] |
	select(.name != "vcpu_run" and .name != "round_trip" and .name != "exit_to_reenter") | .median] | add' "$E" 2>/dev/null) || true
echo "# pvr: sum of per-exit phase medians ${sum:-none} ticks, guest's round trip ${pe:-none} ticks"
check "pvr's phases account for 95-105% of the guest's round trip" within "${sum:-0}" "${pe:-0}" 0.05
check "the markers attribute every repetition (3 per benchmark)" \
	jqr '[.benchmarks[] | select(.name=="pvr" or .name=="hcall" or .name=="mmio") | .trace.repetitions_marked == 3] | all' "$E"

# exit reasons: each benchmark's own exit, exactly once per iteration, from both kernels
# (and one DATA_STORAGE a repetition, the mailbox doorbell, which null shows alone)
for f in "$E" "$S"; do
	which=$(basename "$(dirname "$f")")
	check "$which: pvr has 15000 PROGRAM exits, hcall 15000 SYSCALL, mmio 3000 DATA_STORAGE + null's" \
		jqr '(.benchmarks[] | select(.name=="null") | .exit_reasons[] | select(.reason=="DATA_STORAGE") | .count) as $bell |
		     [(.benchmarks[] | select(.name=="pvr") | .exit_reasons[] | select(.reason=="PROGRAM") | .count == 15000),
		      (.benchmarks[] | select(.name=="hcall") | .exit_reasons[] | select(.reason=="SYSCALL") | .count == 15000),
		      (.benchmarks[] | select(.name=="mmio") | .exit_reasons[] | select(.reason=="DATA_STORAGE") | .count == 3000 + $bell)] |
		     length == 3 and all' "$f"
done
check "stock: the exit reasons come from kvm_exit -> kvm_book3s_reenter" \
	jqr '.benchmarks[] | select(.name=="pvr") | .trace.source | test("kvm_exit")' "$S"
check "report.md shows the phases and the exit reasons" \
	bash -c "grep -qi 'phase' $r/enabled/report.md && grep -qi 'reason' $r/stock/report.md"

# bad input: a trace that is not one, a truncated one: one line, exit 2, results.json kept
# (a boot that failed above left none of these: the checks below fail, the script goes on)
cp "$E" "$tmp/keep.json" 2>/dev/null || true
head -c 100000 "$r/enabled/trace.dat" >"$tmp/trunc.dat" 2>/dev/null || true
rc=0
"$O/exitbench" trace "$tmp/trunc.dat" --results "$tmp/keep.json" >/dev/null 2>"$tmp/trunc.err" || rc=$?
check "a truncated trace.dat: exit 2 and one 'exitbench:' line" \
	bash -c "[ $rc = 2 ] && [ \$(grep -c '^exitbench:' $tmp/trunc.err) -ge 1 ] && [ \$(wc -l <$tmp/trunc.err) -le 2 ]"
check "... and results.json untouched" cmp -s "$E" "$tmp/keep.json"

# --- the phases from the binary stats (no tracing): the same code timed the same way, so
# each phase's median is the trace event's within a tick; but 'trace', which is now the
# stats' own cost instead of the event's
check "stats: every benchmark's phases come from the binary stats, none traced" \
	jqr '[.benchmarks[] | .trace.source] | all(. == "kvm-pr exit_timing_stats (binary stats)")' "$T"
check "stats: pvr, hcall, mmio: each phase's median within a tick of the trace event's" \
	jqr --slurpfile e "$E" '[.benchmarks[] | select(.name != "null") | .name as $b | .phases[] |
		select(.name != "trace" and .name != "round_trip" and .median != null) | .name as $p |
		(.median - ($e[0].benchmarks[] | select(.name == $b) | .phases[] | select(.name == $p) | .median) | fabs) <= 1]
		| length > 20 and all' "$T"
# one round trip in 64 on average (STATS_EVERY's default), at intervals drawn uniform on
# 1..127: of pvr's 15,000 exits (3 x 5000), 15000/64 = 234 expected; the draws are seeded, so
# the count repeats, but any seed gives well within a half and twice that
check "stats: pvr's phases by repetition: count = round trips timed, one in about 64" \
	jqr '.benchmarks[] | select(.name == "pvr") | (.phases[] | select(.name == "guest") | .count) ==
		(.phases[] | select(.name == "round_trip") | .count) and .trace.exits > 117 and .trace.exits < 469' "$T"
# (one round trip in 64, at random: a host timer's exit is sampled now and then, beside
# the benchmark's own; every sampled round trip has its reason)
check "stats: each exiting benchmark's round trips are under the trace event's exit reason" \
	jqr --slurpfile e "$E" '[.benchmarks[] | select(.name != "null") | .name as $b | (.exit_reasons[0].reason ==
		($e[0].benchmarks[] | select(.name == $b) | .exit_reasons[0].reason)) and .exit_reasons[0].share > 0.97 and
		((.exit_reasons | map(.count) | add) == (.phases[] | select(.name == "round_trip") | .count))] | length == 3 and all' "$T"
# the cost of timing on. Under -icount shift=0 a figure is a count of instructions, so this is
# a property of the code, not a speed: the goal (issue 13) is 5% of the stock round trip
cost() { jq -r --arg n "$2" '.benchmarks[] | select(.name == $n) | .summary_ticks.median' "$1" 2>/dev/null; }
for b in pvr hcall; do
	st=$(cost "$T" $b) s0=$(cost "$S0" $b) tr=$(cost "$E" $b)
	echo "# $b, ticks an iteration: stock $s0, timing into the stats $st, into the trace event $tr"
	check "stats: $b: timing into the stats costs at most 5% of the stock round trip, less than the trace event" \
		awk -v s="$st" -v t="$tr" -v z="$s0" 'BEGIN { exit !(s > z && s <= 1.05 * z && s < t) }'
done

it_done instrumented
