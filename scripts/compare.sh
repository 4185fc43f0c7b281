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
#      COMPARE_ARGS     more options for exitbench compare (e.g. --stat median)
# Exit status: that of exitbench compare (0 no regression, 1 a regression or a failure,
# 2 bad input: a patch that does not apply, a tree that does not build ...).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=${SUITE:-configs/suites/default}
ICOUNT=${ICOUNT:-0}
ROUNDS=${ROUNDS:-10}
MODE=${MODE:-auto}
THRESHOLD=${THRESHOLD:-1}
results=${RESULTS:-results}
eb=$O/exitbench
export ICOUNT

[ -f "$SUITE" ] || die2 "SUITE=$SUITE: no such file (suites are in configs/suites/)"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die2 "ROUNDS=$ROUNDS: give a whole number of rounds >= 1"
[ "$ROUNDS" -ge 2 ] || step "ROUNDS=1: one load of each side, no spread to judge a difference against"
case $MODE in auto|modules|boots) ;; *) die2 "MODE=$MODE: auto, modules or boots" ;; esac
"$eb" suite "$SUITE" --benchmarks "${BENCH_DIR:-bench/ppc64}" >/dev/null || exit 2

# a side's spec -> build-kernel.sh arguments
side_args() {
	local spec=$1
	if [ -z "$spec" ]; then
		echo ${KSRC:-}
	elif [ -d "$spec" ] && [ -f "$spec/Makefile" ] && [ ! -f "$spec/series" ]; then
		echo "$spec"
	elif [ -e "$spec" ]; then
		echo --patch "$spec" ${KSRC:-}
	else
		die2 "'$spec' is neither a kernel tree, a patch nor a directory with a 'series' file"
	fi
}
build_side() {
	local label=$1 spec=$2 args
	args=$(side_args "$spec") || exit 2
	step "$label: ${spec:-the default tree}"
	# shellcheck disable=SC2086
	scripts/build-kernel.sh $args
}
kA=$(build_side BASE "${BASE:-}") || exit $?
kB=$(build_side PATCHED "${PATCHED:-}") || exit $?

if [ "$MODE" = auto ]; then
	if cmp -s "$kA/vmlinux" "$kB/vmlinux"; then MODE=modules; else MODE=boots; fi
elif [ "$MODE" = modules ] && ! cmp -s "$kA/vmlinux" "$kB/vmlinux"; then
	die2 "MODE=modules: BASE and PATCHED differ in vmlinux, not only in kvm.ko/kvm-pr.ko; use MODE=boots"
fi

mode=plain; [ "$ICOUNT" = 1 ] && mode=icount
run_id=${RUN_ID:-$(date -u +%Y%m%d-%H%M%S)-compare-$mode}
run=$results/$run_id
mkdir -p "$run"
cp "$SUITE" "$run/suite"
: >"$run/records.jsonl"

# A B, B A, A B ...: drift over the session falls on both sides alike
plan() {
	local r
	for r in $(seq 1 "$ROUNDS"); do
		if [ $((r % 2)) = 1 ]; then echo "$r base"; echo "$r patched"
		else echo "$r patched"; echo "$r base"; fi
	done
}
plan >"$run/plan"
guest_dir=${GUEST_DIR:-$O/ppc64/guest}
start=$(date +%s)
status=0
if [ "$MODE" = modules ]; then
	step "one boot, modules swapped between runs: $ROUNDS rounds ($mode emulation)"
	SIDES="base=$kA patched=$kB" PLAN=$run/plan \
		scripts/make-initramfs.sh "$kA" "$O/ppc64/exitbench-run" "$guest_dir" "$SUITE" "$run/initramfs.cpio.gz" || exit 1
	BOOT_TIMEOUT=${BOOT_TIMEOUT:-$((600 + 600 * ROUNDS))} \
		scripts/boot-host.sh "$kA/vmlinux" "$run/initramfs.cpio.gz" "$run" || status=1
	rm -f "$run/initramfs.cpio.gz"
else
	step "boots alternate: $ROUNDS rounds, $((2 * ROUNDS)) boots ($mode emulation)"
	while read -r r side; do
		k=$kA; [ "$side" = patched ] && k=$kB
		b=$run/boot-$r-$side
		mkdir -p "$b"
		echo "$r $side" >"$b/plan"
		SIDES="$side=$k" PLAN=$b/plan \
			scripts/make-initramfs.sh "$k" "$O/ppc64/exitbench-run" "$guest_dir" "$SUITE" "$b/initramfs.cpio.gz" || exit 1
		scripts/boot-host.sh "$k/vmlinux" "$b/initramfs.cpio.gz" "$b" || status=1
		rm -f "$b/initramfs.cpio.gz"
		# (a host that failed early may have written neither)
		[ ! -f "$b/records.jsonl" ] || cat "$b/records.jsonl" >>"$run/records.jsonl"
		[ ! -f "$b/qemu-version" ] || cp "$b/qemu-version" "$run/qemu-version"
		[ $status = 0 ] || break
	done <"$run/plan"
fi
boot_s=$(( $(date +%s) - start ))
[ $status = 0 ] || echo "exitbench: the emulated host failed; comparing what was taken (records: $run/records.jsonl)" >&2

for side in base patched; do
	k=$kA; spec=${BASE:-}
	[ $side = patched ] && k=$kB spec=${PATCHED:-}
	mkdir -p "$run/$side"
	comparison=$(jq -n --arg side "$side" --arg spec "${spec:-default tree}" --arg mode "$MODE" \
		--argjson rounds "$ROUNDS" '{comparison: {side: $side, spec: $spec, mode: $mode, rounds: $rounds}}')
	scripts/write-env.sh "$k" "$run" "$SUITE" "$boot_s" "$comparison" >"$run/$side/env.json"
	rc=0
	"$eb" collect "$run/records.jsonl" --variant $side --env "$run/$side/env.json" --suite "$SUITE" \
		--run-id "$run_id-$side" -o "$run/$side/results.json" || rc=$?
	[ $rc -lt 2 ] || die "collecting $side from $run/records.jsonl failed; raw records kept there"
done
step "comparing"
rc=0
# shellcheck disable=SC2086
"$eb" compare "$run/base/results.json" "$run/patched/results.json" --threshold "$THRESHOLD" \
	--json="$run/compare.json" --markdown "$run/compare.md" --plots "$run" ${COMPARE_ARGS:-} || rc=$?
ln -sfn "$run_id" "$results/latest-compare"
echo "results: $run/compare.md"
[ $rc = 0 ] && [ $status != 0 ] && rc=1
exit $rc
