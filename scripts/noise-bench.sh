#!/usr/bin/env bash
# make bench-noise: what this host can detect, and how often it cries wolf. Runs the
# sequential make compare (UNTIL, MAXTIME: README.md, "Comparing until the answer is known")
# on known effects, K nops in kvm_start_lightweight (module/test-patches/nop-8-lightweight.patch
# with another .rept count, written into the run's folder), one comparison per K, and A/A
# comparisons of the default tree against itself, interleaved (K, A/A, K, ...: the host's
# load falls on both kinds alike). Then per benchmark: the smallest K its sequence detected
# within the budget, its measured change and how long it took, and the false alarms of the
# A/As (a sequence that proved a change either way) with their 95% interval.
# env: MAXTIME (10m)             each comparison's time budget (make compare's MAXTIME)
#      AA_RUNS (10)              A/A comparisons (0: none)
#      NOPS                      the ladder: a comparison for each K, 1 to 4096 instructions
#                                (plain emulation "32 48 64 96 128": loads, about 0.3 to 0.5%
#                                of pvr there; instruction counting "4 8 16 32 64")
#      UNTIL (0.5)               the band, percent (make compare's UNTIL)
#      SUITE (configs/suites/noise-pvr: pvr and null; configs/suites/noise: four)
#      ICOUNT (0)                0: plain emulation, the noisy host this measures; 1:
#                                instruction counting, deterministic (a quick self-check)
#      STAT                      what a run's sample is (exitbench compare --stat): plain
#                                emulation: min (the fastest batch: the host's interference
#                                only slows a batch down), instruction counting: auto
#      ICOUNT_REF                an instruction-count results.json: what K instructions are in
#                                percent of each round trip there, for reference (default: with
#                                ICOUNT=1 the first comparison's base side, else the newest
#                                results/*/results.json of the stock kernel with ICOUNT=1)
#      RESULTS (results) RUN_ID (noise-<date>) O KSRC COMPARE_ARGS BOOT_TIMEOUT  as for make
#                                compare
# Output: RESULTS/RUN_ID/noise.md (also printed) and noise.json; each comparison's run in
# RESULTS/RUN_ID/<aa1|k8|...>/ with its output (.out) and progress (.log) beside it.
# Exit status: 0 every comparison ran, 1 one failed (reported as failed; the others are
# kept), 2 bad input (one line, before anything runs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
MAXTIME=${MAXTIME:-10m}
AA_RUNS=${AA_RUNS:-10}
UNTIL=${UNTIL:-0.5}
SUITE=${SUITE:-configs/suites/noise-pvr}
ICOUNT=${ICOUNT:-0}
if [ "$ICOUNT" = 1 ]; then
	STAT=${STAT:-auto} ROBUST=${ROBUST:-0} INSN=${INSN:-nop} NOPS=${NOPS-4 8 16 32 64}
else
	STAT=${STAT:-min} ROBUST=${ROBUST:-1} INSN=${INSN:-load} NOPS=${NOPS-32 48 64 96 128}
fi
results=${RESULTS:-results}
eb=$O/exitbench
template=module/test-patches/nop-8-lightweight.patch
# under -icount shift=0 the timebase advances 0.512 ticks an instruction (module/test-patches)
tick_per_insn=0.512

# ---- bad input: one line, exit 2, before the first comparison ----
for t in jq awk sed qemu-system-ppc64; do
	command -v "$t" >/dev/null || die2 "no $t: run make deps"
done
[ -x "$eb" ] || die2 "no $eb: run make tools (make bench-noise builds it)"
case $STAT in auto | mean | median | min) ;; *) die2 "STAT=$STAT: auto, mean, median or min" ;; esac
case $ROBUST in 0 | 1) ;; *) die2 "ROBUST=$ROBUST: 1 (the sequence for the median, --robust) or 0" ;; esac
case $INSN in nop | load) ;; *) die2 "INSN=$INSN: nop or load, the instruction of the known effects" ;; esac
robust_arg=
[ "$ROBUST" = 0 ] || robust_arg=--robust
budget=$(duration_s "$MAXTIME") || die2 "MAXTIME=$MAXTIME: a duration such as 600, 600s, 10m, 1h or 1h30m"
[[ $AA_RUNS =~ ^[0-9]{1,4}$ ]] || die2 "AA_RUNS=$AA_RUNS: the number of A/A comparisons, 0 to 9999"
AA_RUNS=$((10#$AA_RUNS))
ks=()
for k in $NOPS; do
	if ! [[ $k =~ ^[0-9]{1,4}$ ]] || [ $((10#$k)) -lt 1 ] || [ $((10#$k)) -gt 4096 ]; then
		die2 "NOPS=\"$NOPS\": $k is not a number of nops from 1 to 4096"
	fi
	ks+=($((10#$k)))
done
[ ${#ks[@]} -gt 0 ] || [ "$AA_RUNS" -gt 0 ] || die2 "NOPS is empty and AA_RUNS=0: nothing to compare"
if ! [[ $UNTIL =~ ^[0-9]*\.?[0-9]+$ ]] || [ "$(awk -v u="$UNTIL" 'BEGIN {print (u <= 1000)}')" != 1 ]; then
	die2 "UNTIL=$UNTIL: a percentage, the band of no change (e.g. 0.5)"
fi
case $ICOUNT in 0|1) ;; *) die2 "ICOUNT=$ICOUNT: 0 (plain emulation) or 1 (instruction counting)" ;; esac
[ -f "$template" ] || die2 "no $template: the known effect's template"
[ -z "${ICOUNT_REF:-}" ] || jq -e '.environment.instruction_count_mode == true' "$ICOUNT_REF" >/dev/null 2>&1 ||
	die2 "ICOUNT_REF=$ICOUNT_REF: not a results.json of instruction-count mode (make bench ICOUNT=1)"
run_check_suite "$eb" "$SUITE" "${BENCH_DIR:-bench/ppc64}" "${GUEST_DIR:-$O/ppc64/guest}" || exit 2
mapfile -t benches < <("$eb" suite "$SUITE" | awk '{print $1}')

run_id=${RUN_ID:-noise-$(date -u +%Y%m%d-%H%M%S)}
dir=$results/$run_id
[ ! -e "$dir/comparisons.jsonl" ] || die2 "$dir: a bench-noise run is there already; give another RUN_ID"
mkdir -p "$dir/patches"
: >"$dir/comparisons.jsonl"

# noise_patch K: the template with K nops instead of 8, into the run's folder (its path
# printed). K = 1 and 8 give module/test-patches' own files byte for byte: the kernel cache
# knows a patch by its content, so those builds are shared with make compare's.
noise_patch() {
	local k=$1 out=$dir/patches/$INSN-$1-lightweight.patch s=s ticks name=$INSN body=nop

	[ "$k" != 1 ] || s=
	# a load of the stack (r0 is free here: the call that follows clobbers it)
	[ "$INSN" = nop ] || { name=load body='ld	r0, 0(r1)'; }
	ticks=$(awk -v k="$k" -v t="$tick_per_insn" 'BEGIN {printf "%.3f", k * t}')
	sed -e "s/: 8 nop instructions in/: $k $name instruction$s in/" \
		-e "s/^Adds 8 nops to/Adds $k $name$s to/" -e "s/is +4\.096 ticks per exit/is +$ticks ticks per exit/" \
		-e "s|test patch: 8 nops, once|test patch: $k $name$s, once|" -e "s/^+	\.rept 8\$/+	.rept $k/" \
		-e "s/^+	nop\$/+	$body/" "$template" >"$out"
	grep -q "^+	\.rept $k\$" "$out" || die2 "$template: no '.rept 8' line to change (has it changed?)"
	echo "$out"
}

# the comparisons, interleaved: "kind K id" lines (each K's patch written first: a template
# that has changed is found before anything runs)
plan=()
n_k=${#ks[@]}
for ((i = 0; i < (n_k > AA_RUNS ? n_k : AA_RUNS); i++)); do
	if [ $i -lt "$n_k" ]; then
		noise_patch "${ks[$i]}" >/dev/null
		plan+=("nops ${ks[$i]} k${ks[$i]}")
	fi
	[ $i -ge "$AA_RUNS" ] || plan+=("aa - aa$((i + 1))")
done
# the same K twice: one comparison each, told apart by their ids
declare -A seen_id=()
for i in "${!plan[@]}"; do
	read -r kind k id <<<"${plan[$i]}"
	n=${seen_id[$id]:-0}
	seen_id[$id]=$((n + 1))
	[ "$n" = 0 ] || plan[i]="$kind $k $id-$((n + 1))"
done
total=${#plan[@]}

mode=$(run_mode "$ICOUNT")
load() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown; }
load_start=$(load)
machine="$(uname -m) $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) cores"
qemu=$(qemu-system-ppc64 --version | head -1)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
t0=$(date +%s)
worst=$((total * budget))
step "bench-noise: $n_k known effect$([ "$n_k" = 1 ] || echo s) (K = ${ks[*]:-none} ${INSN}s) and $AA_RUNS A/A, $total sequential comparison$([ "$total" = 1 ] || echo s) against +/-$UNTIL%, each within MAXTIME=$MAXTIME ($mode emulation, suite $SUITE: ${benches[*]})"
step "at most $total x $budget s = $((worst / 3600)) h $((worst % 3600 / 60)) min of rounds, plus a boot and a collection each (under a minute) and the build of each K kernel not in the cache (minutes each); load average now $load_start"
step "results: $dir"

# looks ID: compare.sh's progress lines ("==> round R, S s: name verdict [lo, hi]; ...") as
# JSON lines {name, verdict, round, s}: the first look at which each verdict was seen
looks() {
	awk 'match($0, /^==> round [0-9]+, [0-9]+ s: /) {
		split(substr($0, 11, RLENGTH - 12), h, /, | s/)
		n = split(substr($0, RLENGTH + 1), it, /; /)
		for (i = 1; i <= n; i++) {
			split(it[i], f, / /)
			if (!((f[1], f[2]) in seen)) {
				seen[f[1], f[2]] = 1
				printf "{\"name\":\"%s\",\"verdict\":\"%s\",\"round\":%d,\"s\":%d}\n", f[1], f[2], h[1], h[2]
			}
		}
	}' "$1"
}

# record KIND K ID RC: the comparison's line in comparisons.jsonl (what noise.json is made of)
record() {
	local kind=$1 k=$2 id=$3 rc=$4 cmp=$dir/$3/compare.json status=ok why=

	looks "$dir/$id.log" >"$dir/$id.looks"
	if [ ! -f "$cmp" ] || ! jq -e .sequential "$cmp" >/dev/null 2>&1; then
		status=failed
		why=$(grep '^exitbench:' "$dir/$id.log" | tail -1) || why="make compare exited $rc with no compare.json"
		cmp=/dev/null
	elif [ "$rc" -ge 2 ] || [ "$(jq -r .sequential.stop "$cmp")" = failure ]; then
		status=failed
		why="the emulated host failed after $(jq -r .sequential.rounds "$cmp") rounds (make compare exited $rc; see $id.log)"
	fi
	jq -cn --arg kind "$kind" --arg k "$k" --arg id "$id" --argjson rc "$rc" --arg status "$status" \
		--arg why "$why" --slurpfile c "$cmp" --slurpfile looks "$dir/$id.looks" '
		($c[0] // {}) as $c | $looks as $looks |
		{run: $id, kind: $kind, k: (if $kind == "nops" then ($k | tonumber) else null end),
		 status: $status, exit: $rc, why: (if $why == "" then null else $why end),
		 stop: $c.sequential.stop, decided: $c.sequential.decided, rounds: $c.sequential.rounds,
		 rounds_used: $c.sequential.rounds_used, elapsed_s: $c.sequential.elapsed_s,
		 sequential_why: $c.sequential.why,
		 benchmarks: [$c.benchmarks[]? | .sequential as $s | .name as $n |
			{name: $n, verdict: $s.verdict, note: $s.note, rounds: $s.rounds,
			 decided_at: $s.decided_at, change_pct: $s.change_pct, ci_pct: $s.ci_pct,
			 change: $s.change, ci: $s.ci, mean_a: $s.mean_a, beyond_until: $s.beyond_until,
			 not_judged: $s.not_judged,
			 known: (if ($s.verdict // "inconclusive") == "inconclusive" then null else
				first($looks[] | select(.name == $n and .verdict == $s.verdict) |
					{round, s, from: "look"}) //
				{round: $s.decided_at, s: $c.sequential.elapsed_s, from: "end"} end)}]}' \
		>>"$dir/comparisons.jsonl"
	rm -f "$dir/$id.looks"
	[ "$status" = ok ]
}

# jq: numbers as the tables show them: fixed(D) with D decimals and a sign, pct (3
# decimals, %), iv (an interval, its null ends infinite), share (a proportion in %)
# shellcheck disable=SC2016 # jq's own $variables
jq_fmt='
	def fixed($d): (reduce range($d) as $i (1; . * 10)) as $m | (. * $m | round) as $v |
		($v | fabs) as $a | ($a % $m | tostring) as $f |
		(if $v > 0 then "+" elif $v < 0 then "-" else "" end) + "\($a / $m | floor)" +
		(if $d > 0 then "." + ("0" * ($d - ($f | length))) + $f else "" end);
	def pct: if . == null then "-" else (fixed(3) + "%") end;
	def iv: if . == null then "" else
		"[\(if .[0] == null then "-inf" else .[0] | pct end), \(if .[1] == null then "+inf" else .[1] | pct end)]" end;
	def share: if . == null then "-" else "\(. * 100 | fixed(1) | ltrimstr("+"))%" end;
'

# say_outcome ID: the comparison's outcome in one progress line
say_outcome() {
	jq -r "$jq_fmt"'select(.run == $id) | if .status != "ok" then "FAILED: \(.why)" else
		([.benchmarks[] | "\(.name) \(.verdict // "not judged")" +
			(if .change_pct then " \(.change_pct | pct) \(.ci_pct | iv)" else "" end) +
			(if .known then " (round \(.known.round), \(.known.s) s)" else "" end)] | join("; ")) +
		"; \(.sequential_why)" end' --arg id "$1" "$dir/comparisons.jsonl"
}

# reference: ref (an instruction-count results.json, or empty) and refmap ({name: {ticks,
# exits}} of it), for what K instructions are in percent of each round trip there; exits
# ({name: claimed exits per iteration}: the benchmark's own, in any mode) from the first
# comparison that has a base side, else from ref
reference() {
	local f b

	ref=${ICOUNT_REF:-}
	if [ -z "$ref" ] && [ "$ICOUNT" = 1 ]; then
		ref=$(jq -r 'select(.status == "ok") | .run' "$dir/comparisons.jsonl" | head -1)
		[ -z "$ref" ] || ref=$dir/$ref/base/results.json
	fi
	if [ -z "$ref" ]; then
		for f in "$results"/*/results.json; do
			if [ ! -f "$f" ] || { [ -n "$ref" ] && ! [ "$f" -nt "$ref" ]; }; then continue; fi
			if jq -e '.environment | .instruction_count_mode == true and .host_kernel_variant == "stock" and
				(.host_kernel_patches // "") == ""' "$f" >/dev/null 2>&1; then
				ref=$f
			fi
		done
	fi
	refmap='{}'
	[ -z "$ref" ] || refmap=$(jq -c '[.benchmarks[] | select(.summary_ticks.median != null) |
		{key: .name, value: {ticks: .summary_ticks.median, exits: .claimed_exits_per_iteration}}] |
		from_entries' "$ref" 2>/dev/null) || refmap='{}'
	exits=$(jq -c 'map_values(.exits)' <<<"$refmap")
	for b in "$dir"/*/base/results.json; do
		[ -f "$b" ] || continue
		exits=$(jq -c '[.benchmarks[] | {key: .name, value: .claimed_exits_per_iteration}] |
			from_entries' "$b" 2>/dev/null) || continue
		break
	done
}

# cp_json X N: the Clopper-Pearson 95% interval of X in N as JSON ([lo, hi], null when N is 0)
cp_json() {
	awk -v x="$1" -v n="$2" -f "$here/clopper-pearson.awk" |
		awk '{ if ($1 == "-") print "null"; else printf "[%s, %s]\n", $1, $2 }'
}

# summarize DONE: noise.json and noise.md from the comparisons so far (DONE of them): written
# after each, so that a bench stopped half way has its summary
summarize() {
	local counts cis b x n rx rn all_ci runs_ci ref refmap exits

	reference
	# the overall count is of the benchmarks that exit: null, the control, has no exit for
	# a change to the path to move (its fastest batches are mostly equal to the tick on
	# both sides); its row keeps its own count
	counts=$(jq -sc --argjson benches "$(printf '%s\n' "${benches[@]}" | jq -R . | jq -sc .)" \
		--argjson exits "$exits" '
		[.[] | select(.kind == "aa" and .status == "ok")] as $aa |
		($benches | map(. as $b | {name: $b,
			x: [$aa[].benchmarks[] | select(.name == $b and (.verdict == "regression" or .verdict == "improvement"))] | length,
			n: [$aa[].benchmarks[] | select(.name == $b and .verdict != null)] | length})) as $per |
		[$per[] | select(($exits[.name] // 1) > 0)] as $counted |
		{per: $per, x: ([$counted[].x] | add // 0), n: ([$counted[].n] | add // 0),
		 counted: [$counted[].name],
		 runs_any: [$aa[] | select(any(.benchmarks[]; .verdict == "regression" or .verdict == "improvement"))] | length,
		 runs: ($aa | length)}' "$dir/comparisons.jsonl")
	cis='{}'
	for b in "${benches[@]}"; do
		read -r x n < <(jq -r --arg b "$b" '.per[] | select(.name == $b) | "\(.x) \(.n)"' <<<"$counts")
		cis=$(jq -c --arg b "$b" --argjson ci "$(cp_json "$x" "$n")" '. + {($b): $ci}' <<<"$cis")
	done
	read -r x n rx rn < <(jq -r '"\(.x) \(.n) \(.runs_any) \(.runs)"' <<<"$counts")
	all_ci=$(cp_json "$x" "$n")
	runs_ci=$(cp_json "$rx" "$rn")

	jq -s --arg started "$started" --argjson elapsed "$(( $(date +%s) - t0 ))" --arg machine "$machine" \
		--arg qemu "$qemu" --argjson icount "$ICOUNT" --arg maxtime "$MAXTIME" --argjson budget "$budget" \
		--argjson until "$UNTIL" --arg suite "$SUITE" --argjson aa_runs "$AA_RUNS" --arg stat "$STAT" \
		--argjson robust "$ROBUST" --arg insn "$INSN" \
		--arg load_start "$load_start" --arg load_end "$(load)" --argjson ndone "$1" --argjson planned "$total" --arg ref "$ref" \
		--argjson refmap "$refmap" --argjson exits "$exits" --argjson counts "$counts" --argjson cis "$cis" \
		--argjson all_ci "$all_ci" --argjson runs_ci "$runs_ci" --argjson tpi "$tick_per_insn" \
		--argjson ks "$(printf '%s\n' "${ks[@]}" | jq -sc 'map(select(. != null))')" '
		. as $c |
		def refpct($b; $k): $refmap[$b] as $r |
			if $r == null or $k == null then null else 100 * $k * $tpi * $r.exits / $r.ticks end;
		def rows($b; $kind): [$c[] | select(.kind == $kind and .status == "ok") |
			{k, run, b: (.benchmarks[] | select(.name == $b))}];
		{noise_format: 1, started: $started, elapsed_s: $elapsed, done: $ndone, planned: $planned,
		 environment: {machine: $machine, qemu_version: $qemu, icount: ($icount == 1),
			mode: (if $icount == 1 then "instruction-count" else "plain emulation" end),
			load_average_start: $load_start, load_average_end: $load_end},
		 until_pct: $until, maxtime: $maxtime, budget_s: $budget, suite: $suite, stat: $stat,
		 robust: ($robust == 1), insn: $insn,
		 nops: $ks, aa_runs: $aa_runs,
		 reference: (if $ref == "" then null else {results: $ref, tick_per_instruction: $tpi,
			what: "K instructions in percent of the round trip under instruction counting (-icount shift=0): K x 0.512 ticks x exits per iteration / ticks per iteration"} end),
		 comparisons: [$c[] | .k as $k | . + {benchmarks: [.benchmarks[] |
			. + {reference_pct: refpct(.name; $k)}]}],
		 benchmarks: [$counts.per[] | .name as $b |
			(rows($b; "nops") | sort_by(.k)) as $ladder |
			([$ladder[] | select(.b.verdict == "regression")] | min_by(.k)) as $s |
			{name: $b,
			 smallest_k: $s.k, change_pct: $s.b.change_pct, ci_pct: $s.b.ci_pct, change: $s.b.change,
			 reference_pct: refpct($b; $s.k), exits_per_iteration: $exits[$b], detected_round: $s.b.known.round,
			 detected_s: $s.b.known.s, run: $s.run,
			 detected_ks: [$ladder[] | select(.b.verdict == "regression") | .k],
			 missed_ks: [$ladder[] | select(.b.verdict != "regression") | .k],
			 failed_ks: [$c[] | select(.kind == "nops" and .status != "ok") | .k],
			 false_alarms: {x, n, rate: (if .n > 0 then .x / .n else null end), ci95: $cis[$b]}}],
		 false_alarms: {x: $counts.x, n: $counts.n, rate: (if $counts.n > 0 then $counts.x / $counts.n else null end),
			ci95: $all_ci, ci_method: "Clopper-Pearson (exact binomial), 95%",
			benchmarks: $counts.counted,
			aa_runs_with_any: {x: $counts.runs_any, n: $counts.runs, ci95: $runs_ci},
			failed_aa_runs: [$c[] | select(.kind == "aa" and .status != "ok") | .run]}}' \
		"$dir/comparisons.jsonl" >"$dir/noise.json.tmp"
	mv "$dir/noise.json.tmp" "$dir/noise.json"
	render
}

# render: noise.md from noise.json
render() {
	jq -r "$jq_fmt"'
		. as $root |
		def ks: map(tostring) | join(", ");
		def when: if . == null then "-" else "round \(.round), \(.s) s\(if .from == "end" then " (at the end)" else "" end)" end;
		"# make bench-noise: what this host can detect",
		"",
		(if .done < .planned then "**Partial: \(.done) of \(.planned) comparisons so far** (the bench is running, or was stopped).\n" else empty end),
		"- machine: \(.environment.machine); load average \(.environment.load_average_start) at the start, \(.environment.load_average_end) at the end",
		"- emulator: \(.environment.qemu_version); \(if .environment.icount then "instruction-count mode (ICOUNT=1, -icount shift=0): deterministic, a self-check" else "plain emulation (no instruction counting): the noisy host" end)",
		"- suite: \(.suite) (\([.benchmarks[].name] | join(", "))); each comparison: make compare UNTIL=\(.until_pct) MAXTIME=\(.maxtime) (\(.budget_s) s of rounds at most), modules swapped in one boot; sequence: \(if .robust then "for the median, of the signs (--robust)" else "for the mean, normal law" end); the sample of a run: \(if .stat == "min" then "its fastest batch" elif .stat == "median" then "its median batch" elif .stat == "mean" then "its mean" else "exitbench compare default" end) (--stat \(.stat))",
		"- known effects: K \(.insn)s (\(if .insn == "load" then "ld r0, 0(r1)" else "nop" end)) in kvm_start_lightweight (kvm-pr.ko), K = \(if (.nops | length) > 0 then .nops | ks else "none" end); A/A: \(.aa_runs) comparison\(if .aa_runs == 1 then "" else "s" end) of the default tree against itself",
		"- started \(.started), \(.elapsed_s) s in all",
		"- detected: the sequence proved a slow-down (verdict regression) within the budget; a false alarm: an A/A whose sequence proved a change either way (each benchmark has its own sequence at 95%: at most 5% of A/As each)",
		"- measured: the sequence'"'"'s estimate of the change and its 95% interval, in this mode; reference: \(if .reference then "what K instructions are under instruction counting, K x 0.512 ticks an exit over the round trip of \(.reference.results), not a measurement of this run" else "none (no instruction-count results.json: give ICOUNT_REF=results/<id>/results.json of make bench ICOUNT=1)" end)",
		"",
		"## Per benchmark",
		"",
		"| benchmark | smallest K detected | measured change [95% interval] | reference (icount) | detected at | K not detected | false alarms (A/A) | 95% interval (Clopper-Pearson) |",
		"|---|---:|---|---:|---|---|---:|---|",
		(.benchmarks[] |
			"| \(.name) | \(if .smallest_k then "\(.smallest_k)" elif .exits_per_iteration == 0 then "none (a control: no exits)" else "none" end)\(if (.failed_ks | length) > 0 then " (K = \(.failed_ks | ks) failed)" else "" end) | " +
			(if .smallest_k then "\(.change_pct | pct) \(.ci_pct | iv), \(.change | fixed(2)) ticks" else "-" end) +
			" | \(.reference_pct | pct) | \(if .smallest_k then {round: .detected_round, s: .detected_s} | when else "-" end)" +
			" | \(if (.missed_ks | length) > 0 then .missed_ks | ks else "-" end)" +
			" | \(.false_alarms.x) of \(.false_alarms.n) | \(if .false_alarms.ci95 then "[\(.false_alarms.ci95[0] | share), \(.false_alarms.ci95[1] | share)]" else "-" end) |"),
		"",
		"The benchmarks that exit (\(.false_alarms.benchmarks | join(", "))): \(.false_alarms.x) false alarm\(if .false_alarms.x == 1 then "" else "s" end) of \(.false_alarms.n) (benchmark, A/A) pairs\(if .false_alarms.ci95 then ", 95% interval [\(.false_alarms.ci95[0] | share), \(.false_alarms.ci95[1] | share)]" else "" end); A/A comparisons with any: \(.false_alarms.aa_runs_with_any.x) of \(.false_alarms.aa_runs_with_any.n)\(if (.false_alarms.failed_aa_runs | length) > 0 then "; failed A/As (not counted): \(.false_alarms.failed_aa_runs | join(", "))" else "" end). The benchmarks of one A/A share its boot: their false alarms are not independent.",
		"",
		"## Each comparison",
		"",
		"| run | what | status | stopped | rounds | s of rounds |",
		"|---|---|---|---|---:|---:|",
		(.comparisons[] |
			"| \(.run) | \(if .kind == "aa" then "A/A" else "K = \(.k) \($root.insn)\(if .k == 1 then "" else "s" end)" end) | \(.status)\(if .why then ": \(.why | gsub("\\|"; "\\\\|"))" else "" end) | \(.stop // "-") | \(.rounds_used // "-") of \(.rounds // "-") | \(.elapsed_s // "-") |"),
		"",
		"| run | benchmark | verdict | measured change [95% interval] | reference (icount) | decided at |",
		"|---|---|---|---|---:|---|",
		(.comparisons[] | . as $c | .benchmarks[] |
			"| \($c.run) | \(.name) | \(.verdict // "not judged: \(.not_judged)")\(if .note then " (\(.note))" else "" end) | \(.change_pct | pct) \(.ci_pct | iv) | \(.reference_pct | pct) | \(.known | when) |")
	' "$dir/noise.json" >"$dir/noise.md.tmp"
	mv "$dir/noise.md.tmp" "$dir/noise.md"
}

failed=0
i=0
for p in "${plan[@]}"; do
	read -r kind k id <<<"$p"
	i=$((i + 1))
	patched='' what="A/A (the default tree against itself)"
	if [ "$kind" = nops ]; then
		patched=$dir/patches/$INSN-$k-lightweight.patch
		what="K=$k $INSN$([ "$k" = 1 ] || echo s) in kvm_start_lightweight"
	fi
	tag="[$i/$total] $id"
	step "$tag: $what, until decided against +/-$UNTIL% or $MAXTIME ($(( $(date +%s) - t0 )) s so far)"
	rc=0
	# make compare's own settings only: nothing a make that runs this exported (ROUNDS,
	# THRESHOLD, BASE, INSTRUMENT ...) changes what is compared
	env -u ROUNDS -u THRESHOLD -u TRACE_EVENTS RESULTS="$dir" RUN_ID="$id" BASE= PATCHED="$patched" \
		SUITE="$SUITE" ICOUNT="$ICOUNT" UNTIL="$UNTIL" MAXTIME="$MAXTIME" MODE=auto INSTRUMENT=0 \
		STATS=0 TRACE=0 PERF=0 O="$O" COMPARE_ARGS="--stat $STAT $robust_arg ${COMPARE_ARGS:-}" \
		scripts/compare.sh >"$dir/$id.out" \
		2> >(tee "$dir/$id.log" | awk -v t="$tag" '/^==> / {sub(/^==> /, ""); print "==>   " t ": " $0; fflush()}' >&2) ||
		rc=$?
	wait $! 2>/dev/null || true
	record "$kind" "$k" "$id" "$rc" || failed=$((failed + 1))
	step "$tag: $(say_outcome "$id")"
	summarize "$i"
done
cat "$dir/noise.md"
echo
echo "results: $dir/noise.md, $dir/noise.json"
[ "$failed" = 0 ] || { echo "exitbench: $failed of $total comparisons failed (reported as such in $dir/noise.md)" >&2; exit 1; }
