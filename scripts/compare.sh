#!/usr/bin/env bash
# make compare: is the change between two host kernels real? Runs BASE and PATCHED
# interleaved on the emulated POWER8 host and compares them with `exitbench compare`.
# env: BASE, PATCHED    each: empty (the default tree: Debian's linux-source-6.1, or KSRC),
#                       a kernel tree, a patch file or a directory with a 'series' file
#                       (applied to the default tree)
#      ROUNDS (10)      rounds; a round runs the suite once on each side, A B then B A ...
#      MODE (auto)      modules: one boot, kvm.ko/kvm-pr.ko swapped between runs (when the
#                       two vmlinux are identical: the change is in the modules only);
#                       boots: one boot per side and round; auto picks
#      SUITE ICOUNT KSRC O RESULTS RUN_ID BOOT_TIMEOUT  as for make bench
#      THRESHOLD (1)    percent: what counts as a change that matters
#      INSTRUMENT=1     both sides built with the instrumentation (module/patches) after their
#                       own change, both traced: the comparison covers each phase of the round
#                       trip too ("where it changed"); implies TRACE=1
#      STATS=1          with INSTRUMENT=1: the phases from the vcpu's binary stats (kvm-pr
#                       exit_timing_stats=1), round by round, no tracing
#      TRACE=1          record the stock kvm_exit/kvm_book3s_reenter tracepoints: the exit
#                       reasons are compared too (TRACE_EVENTS, TRACE_BUFFER_KB, OUT_DISK_MB as
#                       for make bench)
#      COMPARE_ARGS     more options for exitbench compare (e.g. --stat median)
# The steps are run-lib.sh's, as make bench's.
# Exit status: that of exitbench compare (0 no regression, 1 a regression or a failure,
# 2 bad input: a patch that does not apply, a tree that does not build ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=${SUITE:-configs/suites/default}
ICOUNT=${ICOUNT:-0}
ROUNDS=${ROUNDS:-10}
MODE=${MODE:-auto}
THRESHOLD=${THRESHOLD:-1}
INSTRUMENT=${INSTRUMENT:-0} TRACE=${TRACE:-0} STATS=${STATS:-0}
# the instrumented kernel's phases come from the trace event, or from the binary stats with
# STATS=1 (no trace then, unless TRACE=1 asks for it too)
if [ "$STATS" = 1 ]; then
	[ "$INSTRUMENT" = 1 ] || die2 "STATS=1 times phases with the instrumented kvm-pr: give INSTRUMENT=1 too"
	export KVM_PR_PARAMS=exit_timing_stats=1
elif [ "$INSTRUMENT" = 1 ]; then
	TRACE=1
fi
results=${RESULTS:-results}
eb=$O/exitbench
guest_dir=${GUEST_DIR:-$O/ppc64/guest}

run_check_suite "$eb" "$SUITE" "${BENCH_DIR:-bench/ppc64}" || exit 2
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die2 "ROUNDS=$ROUNDS: give a whole number of rounds >= 1"
[ "$ROUNDS" -ge 2 ] || step "ROUNDS=1: one load of each side, no spread to judge a difference against"
case $MODE in auto|modules|boots) ;; *) die2 "MODE=$MODE: auto, modules or boots" ;; esac

# the events: as make bench records them (bench.sh)
record= series=
if [ "$INSTRUMENT" = 1 ]; then
	export TRACE_EVENTS=${TRACE_EVENTS:-kvm_pr:kvm_pr_exit_timing kvm:kvm_userspace_exit}
	series=module/patches
elif [ "$TRACE" = 1 ]; then
	export TRACE_EVENTS=${TRACE_EVENTS:-kvm_pr:kvm_exit kvm_pr:kvm_book3s_reenter kvm:kvm_userspace_exit}
fi
[ "$TRACE" = 1 ] && record=trace
out_mb=0
[ -z "$record" ] || out_mb=${OUT_DISK_MB:-8192}

step "BASE: ${BASE:-the default tree}${series:+, then the instrumentation ($series)}"
kA=$(run_kernel "${BASE:-}" "${KSRC:-}" "$series") || exit $?
step "PATCHED: ${PATCHED:-the default tree}${series:+, then the instrumentation ($series)}"
kB=$(run_kernel "${PATCHED:-}" "${KSRC:-}" "$series") || exit $?

if [ "$MODE" = auto ]; then
	if cmp -s "$kA/vmlinux" "$kB/vmlinux"; then MODE=modules; else MODE=boots; fi
elif [ "$MODE" = modules ] && ! cmp -s "$kA/vmlinux" "$kB/vmlinux"; then
	die2 "MODE=modules: BASE and PATCHED differ in vmlinux, not only in kvm.ko/kvm-pr.ko; use MODE=boots"
fi

mode=$(run_mode "$ICOUNT")
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-compare-$mode}
run=$(run_new "$results" "$run_id" "$SUITE")
: >"$run/records.jsonl"
[ "$INSTRUMENT" = 1 ] && echo "instrumented$([ "$STATS" = 1 ] && echo -stats)" >"$run/kernel-variant"

# A B, B A, A B ...: drift over the session falls on both sides alike
plan() {
	local r
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then echo "$r base"; echo "$r patched"
		else echo "$r patched"; echo "$r base"; fi
	done
}
plan >"$run/plan"
runner=$O/ppc64/exitbench-run
start=$(date +%s)
status=0
if [ "$MODE" = modules ]; then
	step "one boot, modules swapped between runs: $ROUNDS rounds ($mode emulation)"
	run_pack "$run/initramfs.cpio.gz" "$kA" "$runner" "$guest_dir" "$SUITE" "$record" \
		"base=$kA patched=$kB" "$run/plan" || exit 1
	run_boot "$run" "$kA/vmlinux" "$run/initramfs.cpio.gz" "$ICOUNT" \
		"${BOOT_TIMEOUT:-$((600 + 600 * ROUNDS))}" "$out_mb" || status=1
else
	step "boots alternate: $ROUNDS rounds, $((2 * ROUNDS)) boots ($mode emulation)"
	while read -r r side; do
		k=$kA
		[ "$side" = base ] || k=$kB
		b=$run/boot-$r-$side
		mkdir -p "$b"
		echo "$r $side" >"$b/plan"
		run_pack "$b/initramfs.cpio.gz" "$k" "$runner" "$guest_dir" "$SUITE" "$record" "$side=$k" \
			"$b/plan" || exit 1
		run_boot "$b" "$k/vmlinux" "$b/initramfs.cpio.gz" "$ICOUNT" "${BOOT_TIMEOUT:-}" "$out_mb" ||
			status=1
		# (a host that failed early may have written neither)
		[ ! -f "$b/records.jsonl" ] || cat "$b/records.jsonl" >>"$run/records.jsonl"
		[ ! -f "$b/qemu-version" ] || cp "$b/qemu-version" "$run/qemu-version"
		[ ! -f "$b/trace-$side-$r.dat" ] || mv "$b/trace-$side-$r.dat" "$run/"
		[ $status = 0 ] || break
	done <"$run/plan"
fi
boot_s=$(( $(date +%s) - start ))
[ $status = 0 ] || echo "exitbench: the emulated host failed; comparing what was taken (records: $run/records.jsonl)" >&2

for side in base patched; do
	k=$kA spec=${BASE:-}
	[ $side = base ] || k=$kB spec=${PATCHED:-}
	mkdir -p "$run/$side"
	comparison=$(jq -n --arg side "$side" --arg spec "${spec:-default tree}" --arg mode "$MODE" \
		--argjson rounds "$ROUNDS" '{comparison: {side: $side, spec: $spec, mode: $mode, rounds: $rounds}}')
	run_env "$run/$side/env.json" "$k" "$run" "$SUITE" "$boot_s" "$ICOUNT" "$comparison"
	rc=0
	run_collect "$eb" "$run" "$run_id-$side" "$SUITE" "$run/$side/env.json" "$run/$side/results.json" \
		"$side" || rc=$?
	[ $rc -lt 2 ] || exit 1
	# each round's trace: the phases (instrumented) and exit reasons, round by round
	if [ -n "$record" ]; then
		step "aggregating the $side side's traces, round by round"
		run_trace_rounds "$eb" "$run" "$side" "$ROUNDS" || status=1
	fi
done
step "comparing"
rc=0
# shellcheck disable=SC2086
"$eb" compare "$run/base/results.json" "$run/patched/results.json" --threshold "$THRESHOLD" \
	--json="$run/compare.json" --markdown "$run/compare.md" --plots "$run" ${COMPARE_ARGS:-} || rc=$?
run_latest "$results" "$run_id" latest-compare
echo "results: $run/compare.md"
[ $rc = 0 ] && [ $status != 0 ] && rc=1
exit $rc
