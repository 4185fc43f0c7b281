#!/usr/bin/env bash
# The first commit of a kernel tree between GOOD and BAD where a benchmark's cost changed:
# git bisect over built kernels (build-kernel.sh --git: incremental, kept per commit), each
# step measured on the emulated host and judged by `exitbench bisect classify` against
# GOOD's and BAD's own figures, measured first the same way. A commit that does not build,
# or whose figure lies between the two, is skipped, never blamed.
# usage: bisect.sh TREE GOOD BAD BENCHMARK LOG    (the first commit's id on stdout)
# env: MODE (icount: -icount shift=0, exact; plain), SUITE (where BENCHMARK's line is taken
#   from; default configs/suites/nightly), O
# Exit status: 0 found, 1 the bisection failed (LOG says why), 2 bad input (not a tree, not
# commits, GOOD and BAD measure the same).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
[ $# = 5 ] || die2 "usage: bisect.sh TREE GOOD BAD BENCHMARK LOG"
tree=$1 good=$2 bad=$3 bench=$4 log=$5
git -C "$tree" rev-parse --git-dir >/dev/null 2>&1 || die2 "$tree: not a git repository"
tree=$(cd "$tree" && pwd)
case $log in /*) ;; *) log=$PWD/$log ;; esac
top=$(dirname "$here")
cd "$top"
O=${O:-build}
eb=$O/exitbench
mode=${MODE:-icount}
case $mode in icount) ic=1 ;; plain) ic=0 ;; *) die2 "MODE=$mode: icount or plain" ;; esac
good=$(git -C "$tree" rev-parse --verify --quiet "$good^{commit}") || die2 "$2: not a commit of $tree"
bad=$(git -C "$tree" rev-parse --verify --quiet "$bad^{commit}") || die2 "$3: not a commit of $tree"
git -C "$tree" merge-base --is-ancestor "$good" "$bad" || die2 "${good:0:12} is not an ancestor of ${bad:0:12}"
suite_from=${SUITE:-configs/suites/nightly}

tkey=$(printf '%s' "$tree" | sha256sum | cut -c1-12)
work=$EXITBENCH_CACHE/git/$tkey
mkdir -p "$work"
# one bisection of a tree at a time: git bisect keeps its state in the repository
exec 7>"$work/bisect.lock"
flock -n 7 || { step "waiting for another bisection of $tree"; flock 7; }
repo=$work/bisect.git
[ -d "$repo" ] || git clone -q --bare --shared "$tree" "$repo"
runs=$(mktemp -d "${TMPDIR:-/tmp}/exitbench-bisect.XXXXXX")
trap 'git --git-dir="$repo" bisect reset >/dev/null 2>&1 || true; rm -rf "$runs"' EXIT
suite=$runs/suite
awk -v b="$bench" '$1 == b' "$suite_from" >"$suite"
[ -s "$suite" ] || die2 "$suite_from has no line for benchmark $bench"
: >"$log"

# measure COMMIT: its figure on stdout
measure() {
	local c=$1 kdir run rc=0
	kdir=$(scripts/build-kernel.sh --git "$tree" "$c" 2>>"$log") || return 2
	run=$(run_new "$runs" "${c:0:12}" "$suite")
	echo stock >"$run/kernel-variant"
	run_once "$eb" "$O/ppc64/exitbench-run" "$O/ppc64/guest" "$run" "$kdir" "$suite" "$ic" "" \
		"bisect-${c:0:12}" >>"$log" 2>&1 || rc=$?
	[ $rc -lt 2 ] || return 1
	"$eb" bisect figure "$run/results.json" "$bench"
}
step "bisect: measuring ${good:0:12} (good) and ${bad:0:12} (bad), $bench, $mode"
gfig=$(measure "$good") || die2 "${good:0:12} could not be measured (log: $log)"
bfig=$(measure "$bad") || die2 "${bad:0:12} could not be measured (log: $log)"
echo "good ${good:0:12}: $gfig; bad ${bad:0:12}: $bfig" >>"$log"
[ "$gfig" != "$bfig" ] || die2 "$bench measures $gfig on both ${good:0:12} and ${bad:0:12}: nothing to bisect"
n=$(git -C "$tree" rev-list --count "$good..$bad")
step "bisect: $n commits, about $(awk -v n="$n" 'BEGIN { s = 0; while (2 ^ s < n) s++; print s }') steps"

git --git-dir="$repo" bisect start --no-checkout "$bad" "$good" >>"$log"
EB_TREE=$tree EB_BENCH=$bench EB_GOOD=$gfig EB_BAD=$bfig EB_SUITE=$suite EB_RUNS=$runs EB_ICOUNT=$ic \
	EB_LOG=$log O=$O git --git-dir="$repo" bisect run "$here/bisect-step.sh" >>"$log" 2>&1 ||
	{ echo "exitbench: the bisection failed; log: $log" >&2; exit 1; }
first=$(git --git-dir="$repo" rev-parse --verify --quiet refs/bisect/bad) ||
	{ echo "exitbench: the bisection found no first commit; log: $log" >&2; exit 1; }
git --git-dir="$repo" bisect log >>"$log"
step "bisect: first commit with the change: ${first:0:12} $(git -C "$tree" log -1 --format=%s "$first")"
echo "$first"
