#!/usr/bin/env bash
# Integration test of make bench-noise (scripts/noise-bench.sh): bad input (no boot), its
# Clopper-Pearson interval against the binomial's own definition, then the bench end to end
# in its quick deterministic configuration (ICOUNT=1 MAXTIME=2m AA_RUNS=2 NOPS="1 8": every
# comparison decides at round 3), and comparisons whose host fails: reported as failed,
# never as "not detected". About 2.5 minutes (5 boots): make noise-check, not make check.
# Each check prints "ok" or "FAIL"; last line "noise: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
eb=$O/exitbench
tmp=$(mktemp -d /tmp/exitbench-noise.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# the settings a make that runs this test may have exported are not this test's
unset ROUNDS UNTIL MAXTIME MODE THRESHOLD COMPARE_ARGS BASE PATCHED INSTRUMENT TRACE STATS \
	SUITE ICOUNT NOPS AA_RUNS ICOUNT_REF BOOT_TIMEOUT RUN_ID
export RESULTS=$tmp/results O

# --- bad input: one line, exit 2, nothing run or written
bad() {
	local what=$1 want=$2 rc=0
	shift 2
	env "$@" scripts/noise-bench.sh >"$tmp/bad.out" 2>"$tmp/bad.err" || rc=$?
	check "$what: exit 2, one line ($want), nothing written" \
		bash -c "[ $rc = 2 ] && [ \$(wc -l <'$tmp/bad.err') = 1 ] && grep -qF -- '$want' '$tmp/bad.err' &&
			[ ! -s '$tmp/bad.out' ] && [ ! -e '$RESULTS' ]"
}
bad "NOPS with a word in it" 'NOPS="8 x": x is not a number of nops from 1 to 4096' NOPS="8 x"
bad "NOPS=0" '0 is not a number of nops' NOPS=0
bad "MAXTIME that is not a duration" 'MAXTIME=soon: a duration' MAXTIME=soon
bad "AA_RUNS that is not a number" 'AA_RUNS=two: the number of A/A comparisons, 0 to 9999' AA_RUNS=two
bad "nothing to compare" 'NOPS is empty and AA_RUNS=0' NOPS= AA_RUNS=0
bad "ICOUNT=2" 'ICOUNT=2: 0 (plain emulation) or 1' ICOUNT=2
bad "no exitbench built (a missing tool)" "no $tmp/none/exitbench: run make tools" O="$tmp/none"

# --- the interval of the false-alarm rate: LO and HI solve the binomial's tails at 2.5%
# each (checked here with Python's exact binomial, not with the awk's own sums)
cp_ok() {
	local x=$1 n=$2 lo hi
	read -r lo hi < <(awk -v x="$x" -v n="$n" -f scripts/clopper-pearson.awk)
	python3 - "$x" "$n" "$lo" "$hi" <<'EOF'
import sys
from math import comb
x, n, lo, hi = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
cdf = lambda k, p: sum(comb(n, i) * p**i * (1 - p)**(n - i) for i in range(k + 1))
lo_ok = lo == 0 if x == 0 else abs(1 - cdf(x - 1, lo) - 0.025) < 1e-5
hi_ok = hi == 1 if x == n else abs(cdf(x, hi) - 0.025) < 1e-5
ok = lo_ok and hi_ok and lo <= x / n <= hi
sys.exit(0 if ok else 1)
EOF
}
for xn in "0 10" "1 20" "5 10" "10 10" "0 72" "3 300"; do
	read -r x n <<<"$xn"
	check "Clopper-Pearson at $x of $n: each end where its tail is 2.5%" cp_ok "$x" "$n"
done
check "Clopper-Pearson of 0 in 0: no interval" bash -c "[ \"\$(awk -v x=0 -v n=0 -f scripts/clopper-pearson.awk)\" = '- -' ]"

# --- the quick deterministic bench: instruction counting, 2 known effects and 2 A/A
echo "# make bench-noise ICOUNT=1 MAXTIME=2m AA_RUNS=2 NOPS=\"1 8\""
rc=0
RUN_ID=quick ICOUNT=1 MAXTIME=2m AA_RUNS=2 NOPS="1 8" scripts/noise-bench.sh >"$tmp/quick.out" 2>"$tmp/quick.err" || rc=$?
q=$RESULTS/quick
nb=$(jq "[.benchmarks[] | select(.exits_per_iteration > 0)] | length" "$q/noise.json")
check "exit 0; the worst case said first, progress for each comparison" \
	bash -c "[ $rc = 0 ] && grep -q '^==> at most 4 x 120 s' '$tmp/quick.err' &&
		for c in '1/4] k1' '2/4] aa1' '3/4] k8' '4/4] aa2'; do grep -qF \"\$c: \" '$tmp/quick.err' || exit 1; done &&
		grep -q '^==>   \[3/4\] k8: round 3, ' '$tmp/quick.err'"
check "the table printed is noise.md, with noise.json beside it" \
	bash -c "[ -s '$q/noise.md' ] && [ -s '$q/noise.json' ] && grep -qxF '## Per benchmark' '$q/noise.md' &&
		head -n \$(wc -l <'$q/noise.md') '$tmp/quick.out' | cmp -s - '$q/noise.md'"
check "the K-nop patches written are module/test-patches' own for K = 1 and 8 (one kernel cache entry each)" \
	bash -c "cmp -s '$q/patches/nop-1-lightweight.patch' module/test-patches/nop-1-lightweight.patch &&
		cmp -s '$q/patches/nop-8-lightweight.patch' module/test-patches/nop-8-lightweight.patch"
check "noise.json: the environment, the budget, the ladder, 4 comparisons interleaved, each ran" \
	jqr '.environment.icount and .environment.qemu_version != "unknown" and .environment.machine != "unknown" and
		.budget_s == 120 and .until_pct == 0.5 and .nops == [1, 8] and .aa_runs == 2 and .done == 4 and .planned == 4 and
		([.comparisons[].run] == ["k1", "aa1", "k8", "aa2"]) and all(.comparisons[]; .status == "ok" and .decided)' "$q/noise.json"
check "K=8: pvr a regression, +4.096 ticks (8 x 0.512) +/- 0.5, measured % = the reference's (icount)" \
	jqr '.comparisons[] | select(.run == "k8") | .benchmarks[] | select(.name == "pvr") |
		.verdict == "regression" and (.change - 8 * 0.512 | fabs) < 0.5 and
		.ci_pct[0] <= .change_pct and .change_pct <= .ci_pct[1] and (.change_pct - .reference_pct | fabs) < 0.05 and
		(.change_pct > 0.6 and .change_pct < 0.8) and .known.round == 3 and .known.s <= 120' "$q/noise.json"
check "pvr: the smallest K detected is 1 (+0.512 ticks, within half an instruction), when and with what" \
	jqr '.benchmarks[] | select(.name == "pvr") | .smallest_k == 1 and (.change - 0.512 | fabs) < 0.256 and
		.detected_ks == [1, 8] and .missed_ks == [] and .detected_round == 3 and .detected_s <= 120 and .run == "k1"' "$q/noise.json"
check "null (no exits): no K detected, no-change in every comparison, shown as the control" \
	bash -c "jq -e '(.benchmarks[] | select(.name == \"null\") | .smallest_k == null and .exits_per_iteration == 0) and
		all(.comparisons[].benchmarks[] | select(.name == \"null\"); .verdict == \"no-change\")' '$q/noise.json' >/dev/null &&
		grep -q '^| null | none (a control: no exits) |' '$q/noise.md'"
# shellcheck disable=SC2016
check "A/A: no false alarm, x of n counted per benchmark and overall, the interval Clopper-Pearson's" \
	jqr --argjson nb "$nb" '.false_alarms | .x == 0 and .n == 2 * $nb and .aa_runs_with_any.x == 0 and .aa_runs_with_any.n == 2 and
		.ci95[0] == 0 and (.ci95[1] - (1 - pow(0.025; 1 / (2 * $nb))) | fabs) < 1e-5' "$q/noise.json"
check "A/A: each benchmark 0 of 2, in the table" \
	bash -c "jq -e 'all(.benchmarks[]; .false_alarms.x == 0 and .false_alarms.n == 2)' '$q/noise.json' >/dev/null &&
		grep -q '^| pvr | 1 | +0\.0[0-9]*% \[.*| 0 of 2 | \[0\.0%, ' '$q/noise.md'"

# --- a host that fails (a boot timeout shorter than the boot): each comparison failed, said so
echo "# make bench-noise ICOUNT=1 NOPS=8 AA_RUNS=1 BOOT_TIMEOUT=5: the host never ends a round"
rc=0
RUN_ID=fail ICOUNT=1 MAXTIME=2m AA_RUNS=1 NOPS=8 BOOT_TIMEOUT=5 scripts/noise-bench.sh >"$tmp/fail.out" 2>"$tmp/fail.err" || rc=$?
f=$RESULTS/fail
check "failed comparisons: exit 1, noise.json and noise.md still written, the failure named" \
	bash -c "[ $rc = 1 ] && grep -q '^exitbench: 2 of 2 comparisons failed' '$tmp/fail.err' &&
		jq -e 'all(.comparisons[]; .status == \"failed\" and (.why | test(\"no round ended on both sides\")))' '$f/noise.json' >/dev/null"
check "a failed K is not 'not detected', a failed A/A not 'no false alarm'" \
	bash -c "jq -e 'all(.benchmarks[]; .smallest_k == null and .missed_ks == [] and .failed_ks == [8] and .false_alarms.n == 0) and
		.false_alarms.failed_aa_runs == [\"aa1\"] and .false_alarms.ci95 == null' '$f/noise.json' >/dev/null &&
		grep -q '^| pvr | none (K = 8 failed) |' '$f/noise.md' && grep -q '^| k8 | K = 8 nops | failed: ' '$f/noise.md'"

it_done noise "$tmp"/*.err
