#!/usr/bin/env bash
# One candidate change of the nightly history, confirmed or not: the two nights' commits
# run A/B on this host (make compare's machinery, sequential: rounds until the change is
# decided against +/-THRESHOLD, or CONFIRM_MAXTIME ends), the verdict stored with the change, and
# a confirmed change bisected to its first commit when the nights are more than one commit
# apart. Called by nightly.sh for each line of `exitbench history detect --candidates`.
# usage: nightly-confirm.sh TREE HISTORY FP MODE NIGHT_BEFORE NIGHT_AFTER COMMIT_BEFORE
#        COMMIT_AFTER "BENCHMARKS" THRESHOLD
# MODE ppc32-icount or ppc32-plain (the 32-bit host's series): its kernels built for the
# 32-bit host (EXITBENCH_ARCH=ppc32), the A/B and the bisection run there.
# MODE native (a native night's): both commits' kvm.ko and kvm-pr.ko built as the nights
# built them (run_commit_modules: against the running kernel's build tree, or taken from
# EXITBENCH_NATIVE_MODULES_BY_COMMIT) and compared by a native make compare (HOST=native,
# EXITBENCH_NATIVE_MODULES: the two swapped round by round, the host's own put back), and a
# change over more than one commit bisected natively (bisect.sh MODE=native: each commit's
# modules swapped in).
# env: SUITE, RUNS, ROUNDS_ICOUNT (10), ROUNDS_PLAIN (none), ROUNDS_NATIVE (none) the most
#      rounds, CONFIRM_MAXTIME (10m) the time budget of a confirmation's rounds, BISECT, O
# Exit status: 0 (a new regression: 1) beyond the threshold; 2 the comparison could not run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
top=$(dirname "$here")
cd "$top"
[ $# = 10 ] || die2 "usage: nightly-confirm.sh TREE HISTORY FP MODE BEFORE AFTER COMMIT_BEFORE COMMIT_AFTER BENCHMARKS THRESHOLD"
tree=$1 history=$2 fp=$3 mode=$4 before=$5 after=$6 cb=$7 ca=$8 benches=$9 threshold=${10}
O=${O:-build}
eb=$O/exitbench
runs=${RUNS:-$(dirname "$history")/runs}
hist() { local what=$1; shift; "$eb" history "$what" --history "$history" "$@"; }
pair=(--fp "$fp" --mode "$mode" --before "$before" --after "$after")

id=confirm-${cb:0:12}-${ca:0:12}-$mode
dir=$runs/confirm/$id
rm -rf "$dir" "$dir.modules"
mkdir -p "$dir"
native=()
# a change of the 32-bit host's series (ppc32-icount, ppc32-plain) is confirmed and bisected
# there: its kernels built for it, its A/B on it
arch=ppc64 kind=$mode
case $mode in ppc32-*) arch=ppc32 kind=${mode#ppc32-} ;; esac
export EXITBENCH_ARCH=$arch
if [ "$mode" = native ]; then
	kbuild=$(run_native_kbuild) || exit 2
	run_commit_modules "$tree" "$cb" "$kbuild" "$dir.modules/base" >/dev/null || exit 2
	run_commit_modules "$tree" "$ca" "$kbuild" "$dir.modules/patched" >/dev/null || exit 2
	# (build-module.sh's "patch" file: no patch on either side, as BASE and PATCHED are empty)
	native=(HOST=native EXITBENCH_NATIVE_MODULES="$dir.modules")
	kA= kB=
else
	kA=$(scripts/build-kernel.sh --git "$tree" "$cb") || exit 2
	kB=$(scripts/build-kernel.sh --git "$tree" "$ca") || exit 2
	native=(HOST=emulated)
fi
# the suite's lines of the changed benchmarks only
awk -v want=" $benches " 'index(want, " " $1 " ") && $1 !~ /^#/' "${SUITE:-configs/suites/nightly}" >"$dir.suite"
ic=0 rounds=${ROUNDS_PLAIN:-}
[ "$kind" = icount ] && ic=1 rounds=${ROUNDS_ICOUNT:-10}
[ "$mode" = native ] && rounds=${ROUNDS_NATIVE:-}
rc=0
# sequential: looked at after every round, stopped once the change is proven or proven
# within the threshold (instruction-count mode's exact rounds: at the third)
env "${native[@]}" BASE="$kA" PATCHED="$kB" ICOUNT=$ic ROUNDS="$rounds" SUITE="$dir.suite" RESULTS="$runs/confirm" \
	RUN_ID="$id" THRESHOLD="$threshold" UNTIL="$threshold" MAXTIME="${CONFIRM_MAXTIME:-10m}" \
	scripts/compare.sh >"$dir.log" 2>&1 || rc=$?
[ $rc -lt 2 ] || { tail -3 "$dir.log" >&2; die2 "the A/B comparison of ${cb:0:12} and ${ca:0:12} could not run (log: $dir.log)"; }
out=$(hist confirm "${pair[@]}" "$dir/base/results.json" "$dir/patched/results.json" \
	--comparison "$dir" --threshold "$threshold" --until "$threshold") || rc=$?
echo "$out"
[[ $out =~ ^([0-9]+)\ confirmed,.*\ ([0-9]+)\ new\ regression ]] || die2 "history confirm said: $out"
confirmed=${BASH_REMATCH[1]} regressions=${BASH_REMATCH[2]}
[ "$confirmed" != 0 ] || exit 0

# the first commit with the change
# blame COMMIT HOW [LOG]: the pair's alerts name COMMIT, found HOW (LOG when there is one)
blame() {
	local log=()
	[ -z "${3:-}" ] || [ ! -f "$3" ] || log=(--log "$3")
	hist blame "${pair[@]}" --commit "$1" --subject "$(git -C "$tree" log -1 --format=%s "$1")" \
		--how "$2" "${log[@]}"
}
n=$(git -C "$tree" rev-list --count "$cb..$ca")
if [ "$n" = 1 ]; then
	blame "$ca" "the nights are one commit apart"
elif [ "${BISECT:-1}" = 1 ]; then
	bench=${benches%% *}
	if first=$(MODE=$mode scripts/bisect.sh "$tree" "$cb" "$ca" "$bench" "$dir.bisect.log"); then
		blame "$first" "bisected over $n commits ($bench, $mode)" "$dir.bisect.log"
	else
		blame "$ca" "not bisected ($n commits): the bisection failed, see $dir.bisect.log" \
			"$dir.bisect.log"
	fi
else
	blame "$ca" "not bisected (BISECT=0): one of $n commits"
fi
[ "$regressions" = 0 ]
