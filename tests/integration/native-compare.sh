#!/usr/bin/env bash
# make compare's native path (HOST=native, scripts/compare.sh) on made-up POWER hosts: what
# it refuses, each in one line with exit 2, before any module is unloaded and before a run
# directory is made. A made-up host (EXITBENCH_ROOT, EXITBENCH_UNAME_M/_R: the seams of
# scripts/native-host.sh) runs the emulated host's kernel: its /lib/modules/RELEASE/build and
# source are that kernel's cached build tree and source, so the sides' modules are really
# built (cross, scripts/build-module.sh) and a patch to vmlinux code is refused by the build's
# own dependency files. No boot; two module builds (make native-check runs the whole native
# compare inside an emulated POWER9). Each check prints "ok" or "FAIL"; last line
# "native-compare: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
. scripts/common.sh
. scripts/run-lib.sh
O=${O:-build}
tmp=$(mktemp -d /tmp/exitbench-ncompare.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
[ -x "$O/exitbench" ] || { echo "FAIL - no $O/exitbench (make tools)"; it_done native-compare; exit 1; }
kdir=$(run_kernel "" "${KSRC:-}")
kbuild=$(cat "$kdir/objtree") ksrc=$(cat "$kdir/source") release=$(cat "$kdir/release")

# machine DIR [RELEASE]: a made-up POWER8 running kernel RELEASE (the emulated host's by
# default): kvm-pr among its modules, its build tree and source linked
machine() { made_up_power8 "$1" "${2:-$release}" "$kbuild" "$ksrc"; }

# refused WHAT WANT ROOT [VAR=VALUE... [COMMAND...]]: make compare natively on the made-up
# host ROOT exits 2 with one "exitbench:" line holding WANT (progress lines "==> " aside),
# nothing on stdout, no run directory
as=()
refused() {
	local what=$1 want=$2 root=$3 rc=0
	shift 3
	rm -rf "$tmp/results"
	env HOST=native EXITBENCH_ROOT="$root" EXITBENCH_UNAME_M=ppc64le EXITBENCH_UNAME_R="${rel:-$release}" \
		RESULTS="$tmp/results" O="$O" SUITE=tests/suites/native ROUNDS=3 "$@" "${as[@]}" scripts/compare.sh \
		>"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$what: exit 2, one line ($want), no run" one_line "$rc" "$want" ||
		sed 's/^/  got: /' "$tmp/err" | tail -3
}
# one_line RC WANT: the last refusal was exit 2 and one line holding WANT, nothing else made
one_line() {
	[ "$1" = 2 ] && [ "$(grep -vc '^==> ' "$tmp/err")" = 1 ] && grep -qF -- "$2" "$tmp/err" &&
		[ ! -e "$tmp/results" ] && [ ! -s "$tmp/out" ]
}

p8=$tmp/p8
machine "$p8"
# --- the settings only the emulated host has, and MODE=boots
refused "ICOUNT=1" "HOST=native compares the stock suite on the running kernel: INSTRUMENT, TRACE, PERF and ICOUNT are the emulated host's (HOST=emulated)" \
	"$p8" ICOUNT=1
refused "INSTRUMENT=1" "INSTRUMENT, TRACE, PERF and ICOUNT are the emulated host's" "$p8" INSTRUMENT=1
refused "MODE=boots" "MODE=boots: natively the host keeps its running kernel" "$p8" MODE=boots
# --- the host: what a swap needs
refused "HOST=native on this x86_64 machine" "HOST=native: this is an x86_64 machine, not a POWER host" "$p8" \
	EXITBENCH_UNAME_M=x86_64
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	refused "not root" "make compare natively unloads and loads kvm.ko and kvm-pr.ko for each side (rmmod, insmod): run it as root" "$p8"
	as=()
else
	echo "FAIL - the not-root check needs root and setpriv (util-linux)"
	fail=$((fail + 1))
fi
echo 'kernel/arch/powerpc/kvm/kvm-pr.ko' >"$p8/lib/modules/$release/modules.builtin"
refused "kvm-pr built into the kernel" "kvm-pr is built into kernel $release (CONFIG_KVM_BOOK3S_64_PR=y)" "$p8"
rm "$p8/lib/modules/$release/modules.builtin"
mkdir -p "$p8/sys/module/kvm" "$p8/sys/module/kvm_hv"
refused "kvm-hv loaded" "kvm-hv is loaded and holds kvm.ko, which each side of make compare replaces: sudo rmmod kvm_hv first" "$p8"
rmdir "$p8/sys/module/kvm_hv"
mkdir -p "$p8/sys/module/kvm_pr"
echo 1 >"$p8/sys/module/kvm_pr/refcnt"
refused "kvm-pr in use" "kvm-pr is in use (1: a VM is open" "$p8"
rm -r "$p8/sys/module/kvm_pr" "$p8/sys/module/kvm"
# --- the trees and the sides
rm "$p8/lib/modules/$release/build"
refused "no build tree of the running kernel" "no build tree of the running kernel at $p8/lib/modules/$release/build (its .config and Module.symvers): install its headers" "$p8"
ln -s "$kbuild" "$p8/lib/modules/$release/build"
rm "$p8/lib/modules/$release/source"
refused "a build tree without the source (a headers package), no KSRC" "no source of the running kernel at $p8/lib/modules/$release/source or build" "$p8"
ln -s "$ksrc" "$p8/lib/modules/$release/source"
refused "a kernel tree as PATCHED" "'$ksrc' is a whole kernel: natively the host keeps its running kernel and only kvm.ko and kvm-pr.ko are swapped" \
	"$p8" PATCHED="$ksrc"
refused "a built kernel as BASE" "'$kdir' is a whole kernel" "$p8" BASE="$kdir"
# BASE is built (the stock source, out of tree), then PATCHED's build says what it compiled
echo "# make compare HOST=native PATCHED=nop-8-trampoline.patch: BASE built, PATCHED refused"
refused "8 nops in the real-mode trampoline (book3s_segment.S, built into vmlinux)" \
	"nop-8-trampoline.patch touches arch/powerpc/kvm/book3s_segment.S, which is built into vmlinux or another module (not only kvm.ko/kvm-pr.ko): it cannot be swapped with the modules in one boot" \
	"$p8" PATCHED=module/test-patches/nop-8-trampoline.patch
grep -h '^==> ' "$tmp/err" | sed 's/^/  /'

# --- modules built for another kernel: refused before the host's own are unloaded (the
# sides from EXITBENCH_NATIVE_MODULES, the build step's seam: built once here)
scripts/build-module.sh "$kbuild" "$ksrc" "$tmp/mods/base" >/dev/null 2>"$tmp/build.err"
mkdir -p "$tmp/mods/patched"
cp "$tmp/mods/base"/* "$tmp/mods/patched/"
p9=$tmp/p9
machine "$p9" 6.1.0-other
mkdir -p "$p9/sys/module/kvm" "$p9/sys/module/kvm_pr"
rel=6.1.0-other
refused "the build tree of another kernel than the running one" \
	"$p9/lib/modules/6.1.0-other/build is the build tree of kernel $release, not of the running 6.1.0-other" "$p9"
refused "modules built for another kernel than the running one" \
	"$tmp/mods/base/kvm.ko is built for kernel $release, this host runs 6.1.0-other: build it against /lib/modules/6.1.0-other/build" \
	"$p9" EXITBENCH_NATIVE_MODULES="$tmp/mods"
rel=
refused "EXITBENCH_NATIVE_MODULES whose sides were built with another patch" \
	"EXITBENCH_NATIVE_MODULES=$tmp/mods: its patched modules were built with '', not module/test-patches/nop-8-lightweight.patch" \
	"$p8" EXITBENCH_NATIVE_MODULES="$tmp/mods" PATCHED=module/test-patches/nop-8-lightweight.patch
it_done native-compare "$tmp/err" "$tmp/build.err"
