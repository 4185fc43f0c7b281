#!/usr/bin/env bash
# make compare: is the change between two host kernels real? Runs BASE and PATCHED
# interleaved on the emulated POWER8 host, or natively on this POWER host (HOST=native: its
# kvm.ko and kvm-pr.ko swapped), and compares them with `exitbench compare`.
# env: BASE, PATCHED    each: empty (the default tree: Debian's linux-source-6.1, or KSRC),
#                       a kernel tree, a patch file or a directory with a 'series' file
#                       (applied to the default tree)
#      ROUNDS (10)      rounds; a round runs the suite once on each side, A B then B A ...
#                       (with UNTIL: the most rounds, default as many as MAXTIME has seconds,
#                       at most 10000)
#      UNTIL            percent: run rounds until every benchmark's change is decided against
#                       +/-UNTIL (proven, or proven within the band; 0: proven) by the confidence
#                       sequence (exitbench compare --sequential), looked at after every
#                       round, or until MAXTIME ends; then compare what was taken
#      MAXTIME (10m)    with UNTIL: the time budget of the rounds (600, 600s, 10m, 1h, 1h30m).
#                       modules: the host is stopped when it ends (the round under way is
#                       dropped); boots: no round is begun that the last one's time says
#                       would not end within it
#      MODE (auto)      modules: one boot, kvm.ko/kvm-pr.ko swapped between runs (when the
#                       two vmlinux are identical: the change is in the modules only);
#                       boots: one boot per side and round; auto picks
#      SUITE ICOUNT KSRC O RESULTS RUN_ID BOOT_TIMEOUT  as for make bench
#      THRESHOLD (1)    percent: what counts as a change that matters (with UNTIL: UNTIL)
#      INSTRUMENT=1     both sides built with the instrumentation (module/patches) after their
#                       own change, both traced: the comparison covers each phase of the round
#                       trip too ("where it changed"); implies TRACE=1
#      STATS=1          with INSTRUMENT=1: the phases from the vcpu's binary stats (kvm-pr
#                       exit_timing_stats=STATS_EVERY), round by round, no tracing
#      TRACE=1          record the stock kvm_exit/kvm_book3s_reenter tracepoints: the exit
#                       reasons are compared too (TRACE_EVENTS, TRACE_BUFFER_KB, OUT_DISK_MB as
#                       for make bench)
#      COMPARE_ARGS     more options for exitbench compare (e.g. --stat median)
#      HOST (auto)      native (auto on a POWER host): the running kernel stays; each side's
#                       kvm.ko and kvm-pr.ko are built out of tree against its build tree,
#                       /lib/modules/RELEASE/build (build-module.sh), and swapped between runs
#                       (root: rmmod, insmod), rounds as above; the host's own modules are put
#                       back at the end (also after a failure or ^C). BASE and PATCHED: each
#                       empty or a patch / quilt series applied to KSRC (default: the running
#                       kernel's source, /lib/modules/RELEASE/source or build); a change to code
#                       built into vmlinux cannot be swapped in one boot: refused, exit 2.
#                       ICOUNT, INSTRUMENT, TRACE, PERF and MODE=boots are the emulated host's
#      EXITBENCH_NATIVE_MODULES=DIR  natively, DIR/base and DIR/patched hold the sides' kvm.ko
#                       and kvm-pr.ko, built elsewhere (make native-check: cross-built on the
#                       build machine): everything but the build step runs as without it
# The steps are run-lib.sh's, as make bench's.
# Exit status: that of exitbench compare (0 no regression, 1 a regression or a failure,
# 2 bad input: a patch that does not apply, a tree that does not build ...); with UNTIL, a
# regression is the sequence's (proven, its estimate beyond UNTIL).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=${SUITE:-$(arch_suite)}
ICOUNT=${ICOUNT:-0}
UNTIL=${UNTIL:-} MAXTIME=${MAXTIME:-10m}
MODE=${MODE:-auto}
THRESHOLD=${THRESHOLD:-1}
INSTRUMENT=${INSTRUMENT:-0} TRACE=${TRACE:-0} STATS=${STATS:-0}
# the instrumented kernel's phases come from the trace event, or from the binary stats with
# STATS=1 (no trace then, unless TRACE=1 asks for it too)
run_timing_stats "$STATS" "$INSTRUMENT" || exit 2
[ "$STATS" = 1 ] || [ "$INSTRUMENT" != 1 ] || TRACE=1
results=${RESULTS:-results}
eb=$O/exitbench
arch_check || exit 2
arch=$EXITBENCH_ARCH
guest_dir=${GUEST_DIR:-$O/$arch/guest}

run_check_suite "$eb" "$SUITE" "${BENCH_DIR:-bench/$arch}" "$guest_dir" || exit 2
# the 32-bit host compares the stock suite, emulated (its userland is the runner alone)
run_arch_check compares "$SUITE" || exit 2
if [ "$arch" = ppc32 ]; then
	HOST=emulated
	# a 32-bit kvm.ko, once unloaded, does not load again in 6.1 (the module loader's
	# vzalloc of its data fails: ENOMEM): one boot a side and round
	[ "$MODE" != modules ] ||
		die2 "MODE=modules: on the 32-bit host a kvm.ko once unloaded does not load again (Linux 6.1: ENOMEM); MODE=boots, one boot a side and round"
	MODE=boots
fi
host=$(run_host "${HOST:-auto}") || exit 2
if [ "$host" = native ]; then
	[ "$INSTRUMENT" = 0 ] && [ "$TRACE" = 0 ] && [ "${PERF:-0}" = 0 ] && [ "$ICOUNT" = 0 ] ||
		die2 "HOST=native compares the stock suite on the running kernel: INSTRUMENT, TRACE, PERF and ICOUNT are the emulated host's (HOST=emulated)"
	[ "$MODE" != boots ] ||
		die2 "MODE=boots: natively the host keeps its running kernel and only kvm.ko and kvm-pr.ko are swapped (MODE=modules, its default)"
	MODE=modules
fi
seq=0 budget=0
if [ -n "$UNTIL" ]; then
	seq=1
	if ! [[ $UNTIL =~ ^[0-9]*\.?[0-9]+$ ]] || [ "$(awk -v u="$UNTIL" 'BEGIN {print (u <= 1000)}')" != 1 ]; then
		die2 "UNTIL=$UNTIL: a percentage, the band of no change (e.g. 0.5; 0: only a proven change decides)"
	fi
	UNTIL=$(awk -v u="$UNTIL" 'BEGIN {print u + 0}')	# as JSON writes it: .5 is 0.5
	budget=$(duration_s "$MAXTIME") || die2 "MAXTIME=$MAXTIME: a duration such as 600, 600s, 10m, 1h or 1h30m"
	# no round takes less than a second: the budget bounds the rounds (and the host's plan)
	ROUNDS=${ROUNDS:-$((budget < 10000 ? budget : 10000))}
	# the band is the threshold (the table's verdicts say the same as the decision)
	THRESHOLD=$UNTIL
fi
ROUNDS=${ROUNDS:-10}
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die2 "ROUNDS=$ROUNDS: give a whole number of rounds >= 1"
[ "$ROUNDS" -ge 2 ] || step "ROUNDS=1: one load of each side, no spread to judge a difference against"
case $MODE in auto|modules|boots) ;; *) die2 "MODE=$MODE: auto, modules or boots" ;; esac
# the traces come back on the output disk at poweroff: a host stopped in the middle has none
[ "$seq" = 1 ] && [ "$MODE" = modules ] && [ "$TRACE" = 1 ] &&
	die2 "UNTIL with a trace (TRACE=1, or INSTRUMENT=1 without STATS=1) needs MODE=boots (one boot a side and round: each powers off with its trace)"

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

# natively: what a swap needs, before anything is built; each side's modules, built against
# the running kernel's build tree (or taken from EXITBENCH_NATIVE_MODULES), kept in the run
swapped=0 restore_failed=0 mods=
# native_restore: the host's own modules back, once, when a side's were loaded
native_restore() {
	[ "$swapped" = 1 ] || return 0
	swapped=0
	"$here/native-host.sh" restore "$native_was"
}
if [ "$host" = native ]; then
	"$here/native-host.sh" swappable || exit 2
	mods=$(mktemp -d "${TMPDIR:-/tmp}/exitbench-modules.XXXXXX")
	# (a failed build's log is kept, and named)
	trap 'rc_=$?; ls "$mods"/*.log >/dev/null 2>&1 || rm -rf "$mods"; native_restore || rc_=1; exit $rc_' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	if [ -n "${EXITBENCH_NATIVE_MODULES:-}" ]; then
		step "BASE and PATCHED: the modules in $EXITBENCH_NATIVE_MODULES, built elsewhere"
		for side in base patched; do
			spec=${BASE:-}
			[ "$side" = base ] || spec=${PATCHED:-}
			d=$EXITBENCH_NATIVE_MODULES/$side
			[ -f "$d/kvm.ko" ] && [ -f "$d/kvm-pr.ko" ] ||
				die2 "EXITBENCH_NATIVE_MODULES=$EXITBENCH_NATIVE_MODULES: no $side/kvm.ko and $side/kvm-pr.ko in it"
			[ ! -f "$d/patch" ] || [ "$(cat "$d/patch")" = "${spec:+$(basename "$spec")}" ] ||
				die2 "EXITBENCH_NATIVE_MODULES=$EXITBENCH_NATIVE_MODULES: its $side modules were built with '$(cat "$d/patch")', not ${spec:-no patch}"
			"$here/native-host.sh" fits "$d/kvm-pr.ko" || exit 2
			cp -r "$d" "$mods/$side"
		done
	else
		tree=$("$here/native-host.sh" tree) || exit 2
		kbuild=$(sed -n 1p <<<"$tree")
		ksrc=${KSRC:-$(sed -n 2p <<<"$tree")}
		[ -n "$ksrc" ] ||
			die2 "no source of the running kernel at $(dirname "$kbuild")/source or build (a headers package has no arch/powerpc/kvm): give KSRC=its source tree, the same version"
		run_native_spec "${BASE:-}" && run_native_spec "${PATCHED:-}" || exit 2
		step "BASE: ${BASE:-$ksrc as it is}"
		run_modules "$kbuild" "$ksrc" "${BASE:-}" "$mods/base" >/dev/null || exit $?
		step "PATCHED: ${PATCHED:-$ksrc as it is}"
		run_modules "$kbuild" "$ksrc" "${PATCHED:-}" "$mods/patched" >/dev/null || exit $?
		# built for the running kernel, both, before the host's own are unloaded
		for side in base patched; do
			"$here/native-host.sh" fits "$mods/$side/kvm-pr.ko" || exit 2
		done
	fi
	native_was=$("$here/native-host.sh" state)
	kA=$mods/base kB=$mods/patched
else
	step "BASE: ${BASE:-the default tree}${series:+, then the instrumentation ($series)}"
	kA=$(run_kernel "${BASE:-}" "${KSRC:-}" "$series") || exit $?
	step "PATCHED: ${PATCHED:-the default tree}${series:+, then the instrumentation ($series)}"
	kB=$(run_kernel "${PATCHED:-}" "${KSRC:-}" "$series") || exit $?
fi

if [ "$host" = native ]; then
	:	# MODE=modules: one boot of this host, the modules swapped between runs
elif [ "$MODE" = auto ]; then
	if cmp -s "$kA/vmlinux" "$kB/vmlinux" && ! { [ "$seq" = 1 ] && [ "$TRACE" = 1 ]; }; then
		MODE=modules
	else
		MODE=boots
	fi
elif [ "$MODE" = modules ] && ! cmp -s "$kA/vmlinux" "$kB/vmlinux"; then
	die2 "MODE=modules: BASE and PATCHED differ in vmlinux, not only in kvm.ko/kvm-pr.ko; use MODE=boots"
fi

mode=$(run_mode "$ICOUNT")
[ "$host" != native ] || mode=native
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-compare-$mode}
run=$(run_new "$results" "$run_id" "$SUITE")
if [ "$host" = native ]; then
	# the modules each side ran with, kept with the run
	mv "$mods" "$run/modules" && chmod 755 "$run/modules"
	mods= kA=$run/modules/base kB=$run/modules/patched
fi
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
runner=$O/$arch/exitbench-run
[ "$seq" = 0 ] || mkdir -p "$run/seq"

# ---- the sequential rule: the rounds judged as they end (UNTIL) ----
# seq_rounds RECORDS: the rounds both sides have ended in RECORDS (whole lines only): the
# largest R with rounds 1..R whole
seq_rounds() {
	head -n "$(wc -l <"$1")" "$1" | awk '/"type":"end"/ {
		v = r = ""
		if (match($0, /"variant":"[a-z]+"/)) v = substr($0, RSTART + 11, RLENGTH - 12)
		if (match($0, /"round":[0-9]+/)) r = substr($0, RSTART + 8, RLENGTH - 8)
		if (v != "" && r != "") print r, v }' | sort -u |
		awk '{n[$1]++} END {r = 0; while (n[r + 1] == 2) r++; print r}'
}
# seq_records K: RUN/records.jsonl's whole lines of rounds 1..K into RUN/seq/records.jsonl
seq_records() {
	local f=$run/records.jsonl
	head -n "$(wc -l <"$f")" "$f" | awk -v k="$1" 'match($0, /"round":[0-9]+/) {
		if (substr($0, RSTART + 8, RLENGTH - 8) + 0 > k) next } { print }' >"$run/seq/records.jsonl"
}
# side_env SIDE ROUNDS BOOT_S OUT: SIDE's env.json (write-env.sh), with the comparison
side_env() {
	local side=$1 kd=$kA spec=${BASE:-} comparison
	[ "$side" = base ] || kd=$kB spec=${PATCHED:-}
	comparison=$(jq -n --arg side "$side" --arg spec "${spec:-default tree}" --arg mode "$MODE" \
		--argjson rounds "$2" --argjson until "${UNTIL:-null}" --argjson budget "$budget" \
		'{comparison: ({side: $side, spec: $spec, mode: $mode, rounds: $rounds} +
			if $until then {until_pct: $until, budget_s: $budget} else {} end)}')
	if [ "$host" = native ]; then
		NATIVE_MODULES=$kd "$here/write-env.sh" --native "$run" "$SUITE" "$comparison" >"$4.tmp" &&
			mv "$4.tmp" "$4"
	else
		run_env "$4" "$kd" "$run" "$SUITE" "$3" "$ICOUNT" "$comparison"
	fi
}
# seq_look K: judge rounds 1..K as exitbench compare --sequential does at the end; status 0
# when every benchmark is decided (RUN/seq/compare.json says how), 1 when not yet
seq_look() {
	local k=$1 side rc
	seq_records "$k"
	for side in base patched; do
		rc=0
		side_env "$side" "$k" "$(( $(date +%s) - start ))" "$run/seq/env-$side.json"
		run_collect "$eb" "$run/seq" "$run_id-$side" "$SUITE" "$run/seq/env-$side.json" \
			"$run/seq/$side.json" "$side" >>"$run/seq/looks.log" 2>&1 || rc=$?
		[ $rc -lt 2 ] || return 1
	done
	# shellcheck disable=SC2086
	"$eb" compare "$run/seq/base.json" "$run/seq/patched.json" --threshold "$THRESHOLD" \
		--sequential --until "$UNTIL" --json="$run/seq/compare.json" --quiet ${COMPARE_ARGS:-} \
		>>"$run/seq/looks.log" 2>&1 || true
	jq -e '.sequential.decided' "$run/seq/compare.json" >/dev/null 2>&1
}
# seq_say K: a line of progress: look K's verdicts and intervals
seq_say() {
	local what
	what=$(jq -r '[.benchmarks[] | select(.sequential.rounds) | "\(.name) \(.sequential.verdict) [" +
		(.sequential.ci_pct | [(.[0] | if . == null then "-inf" else "\(. * 1000 | round / 1000)%" end),
			(.[1] | if . == null then "+inf" else "\(. * 1000 | round / 1000)%" end)] |
		join(", ")) + "]"] | join("; ")' "$run/seq/compare.json" 2>/dev/null) ||
		what="not judged (see $run/seq/looks.log)"
	step "round $1, $(( $(date +%s) - start )) s: $what"
}

start=$(date +%s)
status=0 ended=rounds seen=0
if [ "$MODE" = modules ] && [ "$host" != native ]; then
	if [ "$seq" = 1 ]; then
		step "one boot, modules swapped between runs, rounds until decided against +/-$UNTIL% or $MAXTIME ($mode emulation)"
	else
		step "one boot, modules swapped between runs: $ROUNDS rounds ($mode emulation)"
	fi
	run_pack "$run/initramfs.cpio.gz" "$kA" "$runner" "$guest_dir" "$SUITE" "$record" \
		"base=$kA patched=$kB" "$run/plan" || exit 1
	if [ "$seq" = 0 ]; then
		run_boot "$run" "$kA/vmlinux" "$run/initramfs.cpio.gz" "$ICOUNT" \
			"${BOOT_TIMEOUT:-$((600 + 600 * ROUNDS))}" "$out_mb" || status=1
	else
		# the host runs the whole plan; here its records are watched, each round judged as
		# it ends, and the host stopped once every benchmark is decided (or at the budget)
		rm -f "$run/stop"
		STOP_FILE=$run/stop run_boot "$run" "$kA/vmlinux" "$run/initramfs.cpio.gz" "$ICOUNT" \
			"${BOOT_TIMEOUT:-$((budget + 600))}" "$out_mb" &
		boot=$!
		# a look reads every round so far, so it grows with them: the next one waits three
		# times as long as the last took (looks keep to a quarter of a core beside the
		# host; the sequence holds at any round looked at, so a skipped one costs nothing
		# but a little delay)
		next_look=0
		while kill -0 "$boot" 2>/dev/null; do
			sleep 2
			k=$(seq_rounds "$run/records.jsonl")
			if [ "$k" -gt "$seen" ] && [ "$(date +%s%3N)" -ge "$next_look" ]; then
				seen=$k
				look_ms=$(date +%s%3N)
				if seq_look "$k"; then
					seq_say "$k"
					ended=decided
					touch "$run/stop"
					break
				fi
				seq_say "$k"
				next_look=$(( $(date +%s%3N) + 3 * ($(date +%s%3N) - look_ms) ))
			fi
			if [ $(( $(date +%s) - start )) -ge "$budget" ]; then
				step "the time budget ($MAXTIME) ended after $k rounds: stopping the host"
				ended=budget
				touch "$run/stop"
				break
			fi
		done
		wait "$boot" || status=1
		rm -f "$run/stop"
	fi
else
	if [ "$host" = native ]; then
		what="this host ($(uname -r)), its kvm.ko and kvm-pr.ko swapped between runs"
		if [ "$seq" = 1 ]; then
			step "$what, rounds until decided against +/-$UNTIL% or $MAXTIME (native)"
		else
			step "$what: $ROUNDS rounds (native)"
		fi
		# from the first load on, the host's own modules are to be put back
		swapped=1
	elif [ "$seq" = 1 ]; then
		step "boots alternate, one a side and round, rounds until decided against +/-$UNTIL% or $MAXTIME ($mode emulation)"
	else
		step "boots alternate: $ROUNDS rounds, $((2 * ROUNDS)) boots ($mode emulation)"
	fi
	n=0 round_s=0 round_start=$start
	while read -r r side; do
		if [ "$seq" = 1 ] && [ $((n % 2)) = 0 ]; then
			# a round begins, unless the last one's time says it would end beyond the budget
			if [ $n -gt 0 ] && [ $(( $(date +%s) - start + round_s )) -gt "$budget" ]; then
				step "the time budget ($MAXTIME) would end before another round: $seen rounds"
				ended=budget
				break
			fi
			round_start=$(date +%s)
		fi
		k=$kA
		[ "$side" = base ] || k=$kB
		if [ "$host" = native ]; then
			one=0
			step "round $r, $side"
			run_native_round "$runner" "$guest_dir" "$SUITE" "$k" "$side" "$r" "$run" || one=$?
			# (modules that do not load: native-host.sh's line; the records taken are kept)
			[ $one != 2 ] || exit 2
			[ $one = 0 ] || status=1
		else
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
		fi
		n=$((n + 1))
		[ $status = 0 ] || break
		if [ "$seq" = 1 ] && [ $((n % 2)) = 0 ]; then
			round_s=$(( $(date +%s) - round_start ))
			seen=$r
			if seq_look "$r"; then
				seq_say "$r"
				ended=decided
				break
			fi
			seq_say "$r"
		fi
	done <"$run/plan"
fi
boot_s=$(( $(date +%s) - start ))
failed="the emulated host failed"
if [ "$host" = native ]; then
	failed="a run failed (its output: $run/console.log)"
	native_restore || restore_failed=1
fi
[ $status = 0 ] || echo "exitbench: $failed; comparing what was taken (records: $run/records.jsonl)" >&2
[ $status = 0 ] || [ "$ended" = decided ] || ended=failure
# sequential: whole rounds only (a round the stop cut short has one side, or half of one);
# the raw records stay in records.jsonl
taken=$ROUNDS from=$run
if [ "$seq" = 1 ]; then
	taken=$(seq_rounds "$run/records.jsonl")
	if [ "$taken" = 0 ]; then
		why="the time budget (MAXTIME=$MAXTIME) ended"
		[ "$ended" != failure ] || why=$failed
		die "no round ended on both sides: $why after $boot_s s, nothing to compare (the records taken are in $run/records.jsonl)"
	fi
	seq_records "$taken"
	from=$run/seq
fi

for side in base patched; do
	mkdir -p "$run/$side"
	side_env "$side" "$taken" "$boot_s" "$run/$side/env.json"
	rc=0
	run_collect "$eb" "$from" "$run_id-$side" "$SUITE" "$run/$side/env.json" "$run/$side/results.json" \
		"$side" || rc=$?
	[ $rc -lt 2 ] || exit 1
	# each round's trace: the phases (instrumented) and exit reasons, round by round
	if [ -n "$record" ]; then
		step "aggregating the $side side's traces, round by round"
		run_trace_rounds "$eb" "$run" "$side" "$taken" || status=1
	fi
done
step "comparing"
rc=0
seq_args=()
if [ "$seq" = 1 ]; then
	seq_args=(--sequential --until "$UNTIL" --budget "$budget" --elapsed "$boot_s")
	[ "$ended" = decided ] || seq_args+=(--ended "$ended")
fi
# shellcheck disable=SC2086
"$eb" compare "$run/base/results.json" "$run/patched/results.json" --threshold "$THRESHOLD" \
	"${seq_args[@]}" --json="$run/compare.json" --markdown "$run/compare.md" --plots "$run" \
	${COMPARE_ARGS:-} || rc=$?
run_latest "$results" "$run_id" latest-compare
[ "$seq" = 0 ] || step "sequential: $(jq -r '.sequential.why' "$run/compare.json" 2>/dev/null || echo "no compare.json")"
echo "results: $run/compare.md"
[ $rc = 0 ] && { [ $status != 0 ] || [ $restore_failed != 0 ]; } && rc=1
exit $rc
