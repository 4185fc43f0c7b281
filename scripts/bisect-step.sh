#!/usr/bin/env bash
# One step of bisect.sh's git bisect run: build the commit git bisect chose (BISECT_HEAD),
# measure it, and judge it: exit 0 good, 1 bad, 125 skip (it does not build, or could not be
# measured, or its figure lies between good's and bad's).
# env (bisect.sh's): EB_TREE EB_BENCH EB_GOOD EB_BAD EB_SUITE EB_RUNS EB_ICOUNT EB_LOG O
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
commit=$(git rev-parse BISECT_HEAD) || exit 128
# git bisect run points git at its repository (GIT_DIR): the builds use their own clones
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
cd "$(dirname "$here")"
eb=$O/exitbench
step "bisect: ${commit:0:12} $(git -C "$EB_TREE" log -1 --format=%s "$commit")"
kdir=$(scripts/build-kernel.sh --git "$EB_TREE" "$commit" 2>>"$EB_LOG") ||
	{ echo "${commit:0:12} does not build: skipped" >&2; exit 125; }
run=$(run_new "$EB_RUNS" "${commit:0:12}" "$EB_SUITE")
echo stock >"$run/kernel-variant"
rc=0
run_once "$eb" "$O/ppc64/exitbench-run" "$O/ppc64/guest" "$run" "$kdir" "$EB_SUITE" "$EB_ICOUNT" "" \
	"bisect-${commit:0:12}" >>"$EB_LOG" 2>&1 || rc=$?
[ $rc -lt 2 ] || { echo "${commit:0:12} could not be measured: skipped" >&2; exit 125; }
"$eb" bisect classify "$run/results.json" "$EB_BENCH" "$EB_GOOD" "$EB_BAD"
