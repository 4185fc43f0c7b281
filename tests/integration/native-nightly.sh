#!/usr/bin/env bash
# make nightly's native path (HOST=native, scripts/nightly.sh) on made-up POWER hosts (the seams
# of scripts/native-host.sh: EXITBENCH_ROOT, EXITBENCH_UNAME_M/_R), as native-compare.sh does
# for make compare: what it refuses, each in one line with exit 2 and nothing stored; and a
# night's build step, for real: the revision's arch/powerpc/kvm and virt/kvm (git archive) built
# out of tree against the made-up host's build tree (the emulated host kernel's, cross), a
# revision that does not compile kept as a failed night with its log, modules built for another
# kernel kept as failed too, EXITBENCH_NATIVE_MODULES_BY_COMMIT's missing commit likewise. The
# made-up host cannot load modules: a night that built stops there (exit 2, nothing of it
# stored). The tree is the nightly's test history (tests/nightly/make-tree.sh). No boot; two
# module builds. Each check prints "ok" or "FAIL"; last line "native-nightly: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
. scripts/common.sh
. scripts/run-lib.sh
O=${O:-build}
eb=$O/exitbench
tmp=$(mktemp -d /tmp/exitbench-nnightly.XXXXXX)
chmod 755 "$tmp"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
[ -x "$eb" ] || { echo "FAIL - no $eb (make tools)"; it_done native-nightly; exit 1; }
kdir=$(run_kernel "" "${KSRC:-}")
kbuild=$(cat "$kdir/objtree") release=$(cat "$kdir/release")
tree=$(tests/nightly/make-tree.sh)
c() { git -C "$tree" rev-parse "$1"; }
# the settings a make that runs this test may have exported are not this test's
unset REF NIGHTS SITE RUNS CONFIG THRESHOLD FLOOR PHASES CONFIRM BISECT HOST_NAME ROUNDS_ICOUNT \
	ROUNDS_PLAIN ROUNDS_NATIVE CONFIRM_MAXTIME UNTIL MAXTIME ROUNDS MODES EXITBENCH_NATIVE_MODULES_BY_COMMIT

# machine DIR [RELEASE]: a made-up POWER8 running kernel RELEASE (the emulated host's by
# default), kvm-pr and kvm loaded, its build tree linked
machine() {
	made_up_power8 "$1" "${2:-$release}" "$kbuild"
	mkdir -p "$1/sys/module/kvm" "$1/sys/module/kvm_pr"
}
p8=$tmp/p8
machine "$p8"

# nightly ROOT [VAR=VALUE...]: make nightly natively on the made-up host ROOT; its exit status
# in $rc, stdout and stderr in $tmp/out and $tmp/err
as=()
nightly() {
	local root=$1
	shift
	rc=0
	env HOST=native EXITBENCH_ROOT="$root" EXITBENCH_UNAME_M=ppc64le EXITBENCH_UNAME_R="${rel:-$release}" \
		TREE="$tree" HISTORY="$tmp/n/history.db" SUITE=tests/suites/native HOST_NAME=p8 O="$O" "$@" \
		"${as[@]}" scripts/nightly.sh >"$tmp/out" 2>"$tmp/err" || rc=$?
}
# refused WHAT WANT ROOT [VAR=VALUE...]: exit 2, one "exitbench:" line holding WANT (progress
# lines aside), no history made
refused() {
	local what=$1 want=$2 root=$3
	shift 3
	rm -rf "$tmp/n"
	nightly "$root" "$@"
	if [ "$rc" = 2 ] && [ "$(grep -vc '^==> ' "$tmp/err")" = 1 ] && grep -qF -- "$want" "$tmp/err" &&
		[ ! -e "$tmp/n/history.db" ]; then
		check "$what: exit 2, one line, nothing stored" true
	else
		check "$what: exit 2, one line, nothing stored" false
		echo "  exit $rc"; sed 's/^/  got: /' "$tmp/err" | tail -3
	fi
}

# a small repository of what a native night reads of a tree (arch/powerpc/kvm and virt/kvm of
# c0), owned by nobody (git refuses another user's repository)
mkdir -p "$tmp/small"
git -C "$tree" archive c0 arch/powerpc/kvm virt/kvm | tar -x -C "$tmp/small"
git -C "$tmp/small" init -q
git -C "$tmp/small" add -A
git -C "$tmp/small" -c user.name=test -c user.email=test@exitbench.invalid commit -q -m c0
chown -R nobody "$tmp/small" 2>/dev/null || true

# --- bad input, before anything is built or stored
refused "MODES=icount natively" "MODES='icount': natively a night runs in mode native only (icount and plain are the emulated host's: HOST=emulated)" \
	"$p8" MODES=icount REF=c0
refused "MODES=plain natively" "natively a night runs in mode native only" "$p8" MODES=plain REF=c0
refused "PHASES=1 natively" "PHASES=1: the phases come from a traced run of the instrumented kernel" "$p8" PHASES=1 REF=c0
git init -q "$tmp/notkernel"
echo hello >"$tmp/notkernel/README"
git -C "$tmp/notkernel" add README
git -C "$tmp/notkernel" -c user.name=test -c user.email=test@exitbench.invalid commit -q -m readme
refused "a TREE whose revision has no arch/powerpc/kvm" "of $tmp/notkernel has no arch/powerpc/kvm and virt/kvm: natively a night builds kvm.ko and kvm-pr.ko from them" \
	"$p8" TREE="$tmp/notkernel"
refused "HOST=native on this x86_64 machine" "HOST=native: this is an x86_64 machine, not a POWER host" "$p8" \
	EXITBENCH_UNAME_M=x86_64 REF=c0
refused "MODES=native on the emulated host" "MODES='native': icount and/or plain (native: on a POWER host, HOST=native)" \
	"$p8" HOST=emulated MODES=native REF=c0
mkdir -p "$p8/sys/module/kvm_hv"
refused "kvm-hv loaded (it holds kvm.ko, which each night replaces)" "kvm-hv is loaded and holds kvm.ko" "$p8" REF=c0
rmdir "$p8/sys/module/kvm_hv"
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	chmod 777 "$tmp"
	refused "not root" "run it as root" "$p8" TREE="$tmp/small"
	chmod 755 "$tmp"
	as=()
else
	echo "FAIL - the not-root check needs root and setpriv (util-linux)"
	fail=$((fail + 1))
fi
rm "$p8/lib/modules/$release/build"
refused "no build tree of the running kernel" "no build tree of the running kernel at $p8/lib/modules/$release/build" "$p8" REF=c0
ln -s "$kbuild" "$p8/lib/modules/$release/build"

# --- the nights' build step: 'broken' does not compile, c0 does; the made-up host cannot load
echo "# make nightly HOST=native NIGHTS='broken c0' on a made-up POWER8: broken's modules fail to build, c0's build"
rm -rf "$tmp/n"
t0=$SECONDS
nightly "$p8" NIGHTS="broken c0"
echo "# ($((SECONDS - t0)) s, exit $rc)"
grep '^==> \|^exitbench:' "$tmp/err" | sed 's/^/  /' | tail -12
b=$(c broken) c0=$(c c0)
nb=$tmp/n/runs/${b:0:12} n0=$tmp/n/runs/${c0:0:12}
check "broken: kept as a failed night, its build's log named, the compiler's error in it" \
	bash -c "jq -e '.build == \"failed\" and (.build_note | test(\"did not build against the running kernel\")) and .runs == []' '$nb/night.json' >/dev/null &&
		grep -q 'this line is not C' '$nb/build.log' &&
		'$eb' history show --history '$tmp/n/history.db' | grep -q '${b:0:12} .*failed'"
check "c0: its kvm.ko and kvm-pr.ko built from the revision against the running kernel's build tree (vermagic $release)" \
	bash -c "[ \"\$(modinfo -F vermagic '$n0/modules/kvm-pr.ko' | cut -d' ' -f1)\" = '$release' ] &&
		[ \"\$(cat '$n0/modules/source')\" = '$tree $c0' ] && [ \"\$(cat '$n0/modules/kbuild')\" = '$p8/lib/modules/$release/build' ]"
check "c0: the made-up host cannot load them: exit 2, the loader's line, c0 not stored" \
	bash -c "[ $rc = 2 ] && grep -q 'is a made-up machine: not loading any module' '$tmp/err' &&
		! '$eb' history show --history '$tmp/n/history.db' | grep -q '${c0:0:12}'"

# --- modules built elsewhere (EXITBENCH_NATIVE_MODULES_BY_COMMIT): one missing, one for another kernel
c1=$(c c1)
mkdir -p "$tmp/by/$c0"
cp "$n0/modules/kvm.ko" "$n0/modules/kvm-pr.ko" "$tmp/by/$c0/"
rm -rf "$tmp/n"
echo "kvm-pr.ko: error: made up" >"$tmp/by/$c1.log"
p9=$tmp/p9
machine "$p9" 6.1.0-other
rel=6.1.0-other
nightly "$p9" NIGHTS="c0 c1" EXITBENCH_NATIVE_MODULES_BY_COMMIT="$tmp/by"
rel=
check "by commit: c0's modules built for another kernel than the running one: a failed night, said why" \
	bash -c "jq -e '.build == \"failed\"' '$tmp/n/runs/${c0:0:12}/night.json' >/dev/null &&
		grep -q 'kvm.ko is built for kernel $release, this host runs 6.1.0-other' '$tmp/n/runs/${c0:0:12}/build.log'"
check "by commit: no modules of c1 (their build failed there): a failed night with that log; exit 2 (revisions that do not build)" \
	bash -c "[ $rc = 2 ] && jq -e '.build == \"failed\"' '$tmp/n/runs/${c1:0:12}/night.json' >/dev/null &&
		grep -q 'error: made up' '$tmp/n/runs/${c1:0:12}/build.log' &&
		[ \"\$('$eb' history show --history '$tmp/n/history.db' | grep -c failed)\" = 2 ]"

# --- the native bisection (scripts/bisect.sh MODE=native, as the nightly calls it): what it
# refuses, and a commit whose modules the made-up host cannot load
bis() {
	env MODE=native EXITBENCH_ROOT="$p8" EXITBENCH_UNAME_M=ppc64le EXITBENCH_UNAME_R="$release" \
		SUITE=tests/suites/native O="$O" "$@" scripts/bisect.sh "$tree" c0 c3 pvr "$tmp/bisect.log"
}
check "bisect natively on this x86_64 machine: exit 2, one line" \
	bad 2 "HOST=native: this is an x86_64 machine, not a POWER host" bis EXITBENCH_UNAME_M=x86_64
mkdir -p "$p8/sys/module/kvm_hv"
check "bisect natively with kvm-hv loaded: exit 2, one line" bad 2 "kvm-hv is loaded and holds kvm.ko" bis
rmdir "$p8/sys/module/kvm_hv"
# (its way out tries to put the host's own modules back: on the made-up host a second line)
rc=0
bis EXITBENCH_NATIVE_MODULES_BY_COMMIT="$tmp/by" >/dev/null 2>"$tmp/err" || rc=$?
check "bisect natively on a made-up POWER8: c0's modules (built elsewhere) cannot be loaded: exit 2, said so, the loader's line in its log" \
	bash -c "[ $rc = 2 ] && grep -qxF 'exitbench: $(c c0 | cut -c1-12) could not be measured (log: $tmp/bisect.log)' '$tmp/err' &&
		grep -q 'is a made-up machine: not loading any module' '$tmp/bisect.log' && grep -q 'not restoring any module' '$tmp/err'"
it_done native-nightly "$tmp/err"
