#!/usr/bin/env bash
# Integration test of the comparison: exitbench compare on plain samples and on bad input
# (no boot), then make compare on the emulated host, instruction-count mode, a short suite:
# the 8-nop test patch (a known +4.096 ticks an exit) and a patch that does not apply.
# Each check prints "ok" or "FAIL"; last line "compare: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
eb=$O/exitbench
tmp=$(mktemp -d /tmp/exitbench-cmp.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# (fixed rounds here: the sequential comparison is tests/integration/sequential.sh's)
unset UNTIL MAXTIME
# "exit N, one line on stderr, containing TEXT": cmd...
bad() {
	local want=$1 text=$2; shift 2
	local rc=0
	"$@" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc = "$want" ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -qF -- "$text" "$tmp/err" ||
		{ echo "  got exit $rc: $(head -3 "$tmp/err")"; return 1; }
}

# --- plain samples (ministat-style): the seed commit's runs, 6 a side, means 567.7/575.5
printf '# ms\n555.2\n561.0\n570.9\n566.3\n582.4\n570.4\n' >"$tmp/before"
printf '573.8\n560.8\n589.9\n572.1\n565.3\n591.2\n' >"$tmp/after"
rc=0
"$eb" compare "$tmp/before" "$tmp/after" --json >"$tmp/seed.json" || rc=$?
check "plain samples: exit 0 (no regression proven)" [ $rc = 0 ]
check "plain samples: change, interval, verdict in --json" \
	jqr '.benchmarks[0] | (.change_pct > 1.3 and .change_pct < 1.45) and .ci_pct[0] < 0 and
		.ci_pct[1] > 0 and .p_welch > 0.1 and .p_mannwhitney > 0.1 and .runs_needed > 10 and
		(.verdict == "inconclusive")' "$tmp/seed.json"
"$eb" compare "$tmp/before" "$tmp/after" >"$tmp/seed.txt" || true
check "plain samples: ministat's verdict line" grep -q 'No difference proven at 95.0% confidence' "$tmp/seed.txt"
awk '{ print $1 + 40 }' "$tmp/before" 2>/dev/null | grep -v '^40$' >"$tmp/slower"
check "a +7% shift: exit 1, regression" bash -c "'$eb' compare '$tmp/before' '$tmp/slower' >'$tmp/slow.txt'; [ \$? = 1 ] && grep -q 'regression' '$tmp/slow.txt'"

printf '1\n2\n' >"$tmp/ok2"
printf '# nothing\n' >"$tmp/empty"
printf '1\nnan\n' >"$tmp/nan"
printf '5\n' >"$tmp/one"
printf '3\n3\n3\n' >"$tmp/flat1"
printf '4\n4\n' >"$tmp/flat2"
check "no numbers: exit 2, one line" bad 2 "no numbers" "$eb" compare "$tmp/empty" "$tmp/ok2"
check "NaN: exit 2, one line" bad 2 "nan' is not a number (NaN)" "$eb" compare "$tmp/ok2" "$tmp/nan"
check "n = 1: exit 2, one line" bad 2 "fewer than 2 values" "$eb" compare "$tmp/one" "$tmp/ok2"
check "zero variance: exit 2, one line" bad 2 "zero variance" "$eb" compare "$tmp/flat1" "$tmp/flat2"
check "a missing file: exit 2, one line" bad 2 "No such file" "$eb" compare "$tmp/nope" "$tmp/ok2"
check "usage: exit 2" bad 2 "usage: exitbench compare" "$eb" compare "$tmp/ok2"

# --- results.json: other schema, mixed modes, nothing shared
res() {	# res FILE SCHEMA ICOUNT NAME
	jq -n --argjson schema "$2" --argjson icount "$3" --arg name "$4" '{schema_version: $schema,
		environment: {instruction_count_mode: $icount}, benchmarks: [{name: $name, status: "ok",
		iterations: 10, repetitions: 3, runs: [600, 601, 602]}]}' >"$1"
}
res "$tmp/r1.json" 2 true pvr
res "$tmp/r9.json" 9 true pvr
res "$tmp/rplain.json" 2 false pvr
res "$tmp/rspr.json" 2 true spr
check "results of another schema version: exit 2" bad 2 "schema_version 9 is not supported" "$eb" compare "$tmp/r1.json" "$tmp/r9.json"
check "instruction-count vs plain: exit 2" bad 2 "compare results of the same mode" "$eb" compare "$tmp/r1.json" "$tmp/rplain.json"
check "no benchmark in common: exit 2" bad 2 "no benchmark in common" "$eb" compare "$tmp/r1.json" "$tmp/rspr.json"
check "a results.json against a plain sample: exit 2" bad 2 "give two results.json or two plain samples" "$eb" compare "$tmp/r1.json" "$tmp/ok2"

# --- make compare on the emulated host (ICOUNT=1, 3 rounds of a 2-benchmark suite, per-run
# medians: robust to the host timer interrupts that land in a few batches)
printf 'garbage\n--- a/Makefile\n+++ b/Makefile\n@@ -1,1 +1,1 @@\n-no such line\n+x\n' >"$tmp/bad.patch"
mc() { RESULTS=$tmp/results O=$O SUITE=tests/suites/compare ICOUNT=1 ROUNDS=3 COMPARE_ARGS="--stat median" scripts/compare.sh; }
rc=0
PATCHED=$tmp/bad.patch RUN_ID=bad mc >/dev/null 2>"$tmp/badpatch.err" || rc=$?
check "a patch that does not apply: exit 2 and a clear line" \
	bash -c "[ $rc = 2 ] && grep -q 'bad.patch does not apply to' '$tmp/badpatch.err'"

echo "# make compare PATCHED=nop-8-lightweight.patch ICOUNT=1 ROUNDS=3 THRESHOLD=0.5 COMPARE_ARGS=--stat median"
rc=0
PATCHED=module/test-patches/nop-8-lightweight.patch THRESHOLD=0.5 RUN_ID=k8 mc >"$tmp/k8.out" 2>"$tmp/k8.err" || rc=$?
k8=$tmp/results/k8
check "K=8 nops: exit 1 (a regression beyond 0.5%)" [ $rc = 1 ]
check "K=8 nops: modules swapped in one boot, A B, B A, A B" \
	bash -c "[ \$(grep -c 'PR KVM loaded' '$k8/console.log') = 6 ] && [ \"\$(cut -d' ' -f2 '$k8/plan' | paste -sd' ')\" = 'base patched patched base base patched' ] && [ ! -d '$k8/boot-1-base' ]"
check "K=8 nops: pvr +4.096 ticks (8 x 0.512) +/- 0.5, regression, interval excluding 0" \
	jqr '.benchmarks[] | select(.name == "pvr") | (.change - 4.096 | fabs) < 0.5 and
		.ci_pct[0] > 0 and .verdict == "regression" and .regressed and .n_a == 3' "$k8/compare.json"
check "K=8 nops: null unchanged (no exits: nothing on its path)" \
	jqr '.benchmarks[] | select(.name == "null") | (.change | fabs) < 0.01 and .verdict != "regression"' "$k8/compare.json"
check "K=8 nops: compare.md, overlay plot, both sides' results" \
	bash -c "grep -q '| pvr |' '$k8/compare.md' && [ -s '$k8/compare-pvr.png' ] && [ -s '$k8/base/results.json' ] && [ -s '$k8/patched/results.json' ]"
check "per-side results.json carry rounds, variant and a histogram" \
	jqr '.variant == "patched" and (.benchmarks[] | select(.name == "pvr") | (.run_rounds | unique) == [1, 2, 3] and .histogram.total_count > 0)' "$k8/patched/results.json"

# --- where it changed: both sides instrumented and traced round by round (ICOUNT=1)
echo "# make compare PATCHED=nop-8-lightweight.patch INSTRUMENT=1 ICOUNT=1 ROUNDS=3"
rc=0
PATCHED=tests/patches/conflict-trampoline-call.patch INSTRUMENT=1 RUN_ID=conflict mc >/dev/null \
	2>"$tmp/conflict.err" || rc=$?
check "a patch that conflicts with the instrumentation: exit 2, one line naming its hunk" \
	bash -c "[ $rc = 2 ] && [ \$(grep -c '^exitbench:' '$tmp/conflict.err') = 1 ] &&
		grep -q \"conflict-trampoline-call.patch: hunk '@@ -122,7 +122,7 @@' and 0003-.* change the same lines of arch/powerpc/kvm/book3s_interrupts.S.*not building a half-patched kernel\" '$tmp/conflict.err' &&
		[ ! -d '$tmp/results/conflict' ]"
rc=0
# (the instrumented round trip is ~1096 ticks, not 590: +4.096 is 0.37%, hence 0.25)
PATCHED=module/test-patches/nop-8-lightweight.patch INSTRUMENT=1 THRESHOLD=0.25 RUN_ID=k8i mc \
	>"$tmp/k8i.out" 2>"$tmp/k8i.err" || rc=$?
k8i=$tmp/results/k8i
check "K=8 nops, instrumented: exit 1 (a regression beyond 0.25%), both sides traced each round" \
	bash -c "[ $rc = 1 ] && ls '$k8i'/trace-base-{1,2,3}.dat '$k8i'/trace-patched-{1,2,3}.dat >/dev/null"
# the 8 nops sit where the START stamp is, before it (build-kernel.sh's merge): loop_entry.
# A round's figure is a trimmed mean of whole ticks, so 8 x 0.512 comes out within 0.1.
# (vcpu_run, once per KVM_RUN, spreads by hundreds of ticks: what it adds to an exit, its
# share of the round trip's change, is what counts)
check "K=8 nops, instrumented: loop_entry +4.096 ticks (+/- 0.1), proven, and no other phase by 1 tick an exit" \
	jqr '.benchmarks[] | select(.name == "pvr") | .phases as $p | .round_trip_change_per_exit as $rt |
		($p | map(select(.name == "loop_entry"))[0] | (.change - 4.096 | fabs) < 0.1 and .moved) and
		($p | map(select(.name != "loop_entry" and .name != "round_trip" and .name != "vcpu_run") | .change | fabs < 1) | all) and
		($p | map(select(.name == "vcpu_run"))[0] | (.share * $rt | fabs) < 1 and (.moved | not))' \
	"$k8i/compare.json"
# (a phase's figure is a trimmed mean of whole-tick durations: where a change shifts the
# code against the timebase's ticks, it moves by up to half a tick more or less than the
# instructions it adds; seen 97.8% to 100.5% on this patch, hence 5%)
check "K=8 nops, instrumented: the trace phase did not move, the phases add up to the round trip (within 5%)" \
	jqr '.benchmarks[] | select(.name == "pvr") | (.trace_phase_moved | not) and
		(.phases | map(select(.name == "trace"))[0] | (.moved | not)) and
		(.phases_explain - 1 | fabs) < 0.05 and (.round_trip_change_per_exit - 4.096 | fabs) < 0.5' \
	"$k8i/compare.json"
check "K=8 nops, instrumented: mfpvr's exits (PROGRAM) +4.096 ticks (+/- 0.1), proven" \
	jqr '.benchmarks[] | select(.name == "pvr") | .exit_reasons | map(select(.name == "PROGRAM"))[0] |
		(.change - 4.096 | fabs) < 0.1 and .moved' \
	"$k8i/compare.json"
check "K=8 nops, instrumented: compare.md's 'where it changed', the phases' plot" \
	bash -c "grep -q '^## Where it changed' '$k8i/compare.md' && grep -q '| \*\*loop_entry\*\* ◀ moved |' '$k8i/compare.md' && [ -s '$k8i/compare-phases-pvr.png' ]"
check "exitbench compare on the two results.json alone gives the same phases" \
	bash -c "'$eb' compare '$k8i/base/results.json' '$k8i/patched/results.json' --threshold 0.25 --json='$tmp/again.json' >/dev/null; [ \$? = 1 ] &&
		[ \"\$(jq -c '[.benchmarks[].phases]' '$tmp/again.json')\" = \"\$(jq -c '[.benchmarks[].phases]' '$k8i/compare.json')\" ]"

echo "# A/A: make compare INSTRUMENT=1 ICOUNT=1 ROUNDS=3, the same tree on both sides"
rc=0
INSTRUMENT=1 RUN_ID=aai mc >"$tmp/aai.out" 2>"$tmp/aai.err" || rc=$?
check "A/A, instrumented: exit 0, every phase of pvr no-change, none moved" \
	bash -c "[ $rc = 0 ] && jq -e '.benchmarks[] | select(.name == \"pvr\") | .phases | length > 8 and
		(map(.verdict == \"no-change\" and (.moved | not)) | all)' '$tmp/results/aai/compare.json' >/dev/null"
# (what did move, for the log when that check fails)
jq -c '.benchmarks[] | .name as $b | .phases[]? | select(.verdict != "no-change" or .moved) |
	{benchmark: $b, name, change, ci, verdict, note}' "$tmp/results/aai/compare.json" \
	>"$tmp/aai-phases.err" 2>&1 || true

it_done compare "$tmp"/*.err
