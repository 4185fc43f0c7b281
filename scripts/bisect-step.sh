#!/usr/bin/env bash
# One commit of bisect.sh's bisection, built and measured; the one place a bisection measures.
#   bisect-step.sh             a step of git bisect run: the commit git bisect chose
#                              (BISECT_HEAD), judged by exitbench bisect classify against
#                              EB_GOOD and EB_BAD: exit 0 good, 1 bad, 125 skip (it does not
#                              build, or could not be measured, or its figure lies between)
#   bisect-step.sh --figure C  commit C measured (bisect.sh's GOOD and BAD): its figure on
#                              stdout; exit 1 it could not be measured, 2 it does not build
# Built and run as EB_MODE says: icount or plain, the commit's whole kernel (build-kernel.sh
# --git) booted on the emulated host; native, the commit's kvm.ko and kvm-pr.ko
# (run_commit_modules: built against EB_KBUILD, the running kernel's build tree, or taken from
# EXITBENCH_NATIVE_MODULES_BY_COMMIT) swapped in on this host (bisect.sh puts the host's own
# back at its end).
# env (bisect.sh's): EB_TREE EB_BENCH EB_GOOD EB_BAD EB_SUITE EB_RUNS EB_MODE EB_KBUILD EB_LOG O
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
figure=
if [ "${1:-}" = --figure ]; then
	figure=1 commit=$2
else
	commit=$(git rev-parse BISECT_HEAD) || exit 128
fi
# git bisect run points git at its repository (GIT_DIR): the builds use their own clones
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
cd "$(dirname "$here")"
eb=$O/exitbench
short=${commit:0:12}
[ -n "$figure" ] || step "bisect: $short $(git -C "$EB_TREE" log -1 --format=%s "$commit")"

# measure: commit's run into $run; 0, 2 it does not build, 1 it could not be measured
measure() {
	local kdir mods rc=0
	run=$(run_new "$EB_RUNS" "$short" "$EB_SUITE") || return 1
	if [ "$EB_MODE" = native ]; then
		mods=$EB_RUNS/modules/$short
		run_commit_modules "$EB_TREE" "$commit" "$EB_KBUILD" "$mods" >/dev/null 2>>"$EB_LOG" || {
			[ ! -f "$mods.log" ] || cat "$mods.log" >>"$EB_LOG"
			return 2
		}
		"$here/native-host.sh" load "$mods/kvm-pr.ko" 2>>"$EB_LOG" || return 1
		NATIVE_MODULES=$mods run_native "$eb" "$O/ppc64/exitbench-run" "${GUEST_DIR:-$O/ppc64/guest}" \
			"$run" "$EB_SUITE" "bisect-$short-native" >>"$EB_LOG" 2>&1 || rc=$?
	else
		# (EXITBENCH_ARCH: bisect.sh's, ppc32 for the 32-bit host's modes)
		kdir=$("$here/build-kernel.sh" --git "$EB_TREE" "$commit" 2>>"$EB_LOG") || return 2
		echo stock >"$run/kernel-variant"
		run_once "$eb" "$O/$EXITBENCH_ARCH/exitbench-run" "$O/$EXITBENCH_ARCH/guest" "$run" "$kdir" \
			"$EB_SUITE" "$([ "${EB_MODE#ppc32-}" = icount ] && echo 1 || echo 0)" "" "bisect-$short" \
			>>"$EB_LOG" 2>&1 || rc=$?
	fi
	[ $rc -lt 2 ] || return 1
}

rc=0
measure || rc=$?
if [ -n "$figure" ]; then
	[ $rc = 0 ] || exit $((rc == 2 ? 2 : 1))
	exec "$eb" bisect figure "$run/results.json" "$EB_BENCH"
fi
case $rc in
0) ;;
2) echo "$short does not build: skipped" >&2; exit 125 ;;
*) echo "$short could not be measured: skipped" >&2; exit 125 ;;
esac
"$eb" bisect classify "$run/results.json" "$EB_BENCH" "$EB_GOOD" "$EB_BAD"
