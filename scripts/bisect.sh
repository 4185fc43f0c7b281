#!/usr/bin/env bash
# The first commit of a kernel tree between GOOD and BAD where a benchmark's cost changed:
# git bisect, each commit built and measured by bisect-step.sh and judged by `exitbench bisect
# classify` against GOOD's and BAD's own figures, measured first the same way. A commit that
# does not build, or whose figure lies between the two, is skipped, never blamed.
# MODE icount or plain: each commit's whole kernel (build-kernel.sh --git: incremental, kept
# per commit) booted on the emulated host. MODE native: on this POWER host, each commit's
# kvm.ko and kvm-pr.ko (its arch/powerpc/kvm and virt/kvm, built out of tree against the
# running kernel's build tree: run_commit_modules) swapped in, as the native nightly's nights
# are; the host's own modules put back at the end (also after a failure or ^C).
# usage: bisect.sh TREE GOOD BAD BENCHMARK LOG    (the first commit's id on stdout)
# MODE ppc32-icount, ppc32-plain: as icount and plain, on the emulated 32-bit Book3S host.
# env: MODE (icount: -icount shift=0, exact; plain; native), SUITE (where BENCHMARK's line is
#   taken from; default configs/suites/nightly), O; natively EXITBENCH_NATIVE_MODULES_BY_COMMIT
#   (run_commit_modules: each commit's modules built elsewhere)
# Exit status: 0 found, 1 the bisection failed (LOG says why), 2 bad input (not a tree, not
# commits, GOOD and BAD measure the same; natively a host whose modules cannot be swapped).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
[ $# = 5 ] || die2 "usage: bisect.sh TREE GOOD BAD BENCHMARK LOG"
tree=$1 good=$2 bad=$3 bench=$4 log=$5
git -C "$tree" rev-parse --git-dir >/dev/null 2>&1 || die2 "$tree: not a git repository"
tree=$(cd "$tree" && pwd)
case $log in /*) ;; *) log=$PWD/$log ;; esac
# the log from the start: whatever stops the bisection is in it
mkdir -p "$(dirname "$log")" && : >"$log" || die2 "$log: cannot write the log there"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
eb=$O/exitbench
mode=${MODE:-icount}
case $mode in
icount | plain | native) ;;
# the 32-bit host's series: each commit's kernel built for it, booted on it
ppc32-icount | ppc32-plain) export EXITBENCH_ARCH=ppc32 ;;
*) die2 "MODE=$mode: icount, plain or native (the 32-bit host's: ppc32-icount, ppc32-plain)" ;;
esac
good=$(git -C "$tree" rev-parse --verify --quiet "$good^{commit}") || die2 "$2: not a commit of $tree"
bad=$(git -C "$tree" rev-parse --verify --quiet "$bad^{commit}") || die2 "$3: not a commit of $tree"
git -C "$tree" merge-base --is-ancestor "$good" "$bad" || die2 "${good:0:12} is not an ancestor of ${bad:0:12}"
suite_from=${SUITE:-configs/suites/nightly}

kbuild=
if [ "$mode" = native ]; then
	scripts/native-host.sh swappable || exit 2
	kbuild=$(run_native_kbuild) || exit 2
fi

tkey=$(printf '%s' "$tree" | sha256sum | cut -c1-12)
work=$EXITBENCH_CACHE/git/$tkey
mkdir -p "$work"
# one bisection of a tree at a time: git bisect keeps its state in the repository
exec 7>"$work/bisect.lock"
flock -n 7 || { step "waiting for another bisection of $tree"; flock 7; }
repo=$work/bisect.git
[ -d "$repo" ] || git clone -q --bare --shared "$tree" "$repo" 2>>"$log" ||
	die2 "cannot clone $tree for the bisection (log: $log)"
runs=$(mktemp -d "${TMPDIR:-/tmp}/exitbench-bisect.XXXXXX")
# natively: the host's own modules back at the end, however it ends
native_was=
[ "$mode" != native ] || native_was=$(scripts/native-host.sh state)
finish() {
	local rc=$?
	git --git-dir="$repo" bisect reset >/dev/null 2>&1 || true
	rm -rf "$runs"
	if [ -n "$native_was" ]; then
		scripts/native-host.sh restore "$native_was" || [ $rc != 0 ] || rc=1
	fi
	exit $rc
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
suite=$runs/suite
awk -v b="$bench" '$1 == b' "$suite_from" >"$suite"
[ -s "$suite" ] || die2 "$suite_from has no line for benchmark $bench"
export EB_TREE=$tree EB_BENCH=$bench EB_SUITE=$suite EB_RUNS=$runs EB_MODE=$mode EB_KBUILD=$kbuild EB_LOG=$log O

# measure COMMIT: its figure on stdout (bisect-step.sh --figure)
measure() { "$here/bisect-step.sh" --figure "$1"; }
step "bisect: measuring ${good:0:12} (good) and ${bad:0:12} (bad), $bench, $mode"
gfig=$(measure "$good") || die2 "${good:0:12} could not be measured (log: $log)"
bfig=$(measure "$bad") || die2 "${bad:0:12} could not be measured (log: $log)"
echo "good ${good:0:12}: $gfig; bad ${bad:0:12}: $bfig" >>"$log"
[ "$gfig" != "$bfig" ] || die2 "$bench measures $gfig on both ${good:0:12} and ${bad:0:12}: nothing to bisect"
n=$(git -C "$tree" rev-list --count "$good..$bad")
step "bisect: $n commits, about $(awk -v n="$n" 'BEGIN { s = 0; while (2 ^ s < n) s++; print s }') steps"

git --git-dir="$repo" bisect start --no-checkout "$bad" "$good" >>"$log"
EB_GOOD=$gfig EB_BAD=$bfig git --git-dir="$repo" bisect run "$here/bisect-step.sh" >>"$log" 2>&1 ||
	{ echo "exitbench: the bisection failed; log: $log" >&2; exit 1; }
first=$(git --git-dir="$repo" rev-parse --verify --quiet refs/bisect/bad) ||
	{ echo "exitbench: the bisection found no first commit; log: $log" >&2; exit 1; }
git --git-dir="$repo" bisect log >>"$log"
step "bisect: first commit with the change: ${first:0:12} $(git -C "$tree" log -1 --format=%s "$first")"
echo "$first"
