#!/usr/bin/env bash
# scripts/build-module.sh, the modules a native make compare swaps: kvm.ko and kvm-pr.ko
# built out of tree against the emulated host's kernel (its cached build tree, cross-built
# here as a POWER host builds them natively), with a known-effect patch; and the patches a
# module swap cannot test, refused in one line (exit 2). Warm: about 20 s.
# Each check prints "ok" or "FAIL"; last line "module-build: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
. scripts/common.sh
. scripts/run-lib.sh
tmp=$(mktemp -d /tmp/exitbench-modbuild.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
kdir=$(run_kernel "" "${KSRC:-}")
kbuild=$(cat "$kdir/objtree") ksrc=$(cat "$kdir/source")

# nops_in KO: the nops of kvm_start_lightweight in KO
nops_in() {
	"${CROSS_COMPILE}objdump" -d "$1" | awk '/<kvm_start_lightweight>:/ { p = 1 } p && /^$/ { p = 0 } p' | grep -c nop
}
# refused WHAT WANT ARGS...: exit 2, one line holding WANT, no module written
refused() {
	local what=$1 want=$2 rc=0
	shift 2
	scripts/build-module.sh "$@" "$tmp/refused" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$what: exit 2, one line ($want), nothing written" \
		bash -c "[ $rc = 2 ] && [ \$(grep -vc '^==> ' '$tmp/err') = 1 ] && grep -qF -- '$want' '$tmp/err' &&
			[ ! -e '$tmp/refused' ] && [ ! -s '$tmp/out' ]"
}

rc=0
scripts/build-module.sh "$kbuild" "$ksrc" module/test-patches/nop-8-lightweight.patch "$tmp/nop8" \
	>"$tmp/nop8.out" 2>"$tmp/nop8.err" || rc=$?
check "8 nops in kvm_start_lightweight: built (exit 0), the folder printed" \
	bash -c "[ $rc = 0 ] && [ \"\$(cat '$tmp/nop8.out')\" = '$tmp/nop8' ] && [ -s '$tmp/nop8/kvm.ko' ] && [ -s '$tmp/nop8/kvm-pr.ko' ]"
stock=$(nops_in "$kdir/kvm-pr.ko") patched=$(nops_in "$tmp/nop8/kvm-pr.ko" 2>/dev/null || echo 0)
echo "# nops in kvm_start_lightweight: stock kvm-pr.ko $stock, out of tree with the patch $patched"
check "its kvm-pr.ko has 8 nops more in kvm_start_lightweight than the kernel's own" [ "$patched" = $((stock + 8)) ]
check "its modules carry the vermagic of the kernel they were built against (what insmod checks first)" \
	bash -c "[ \"\$(modinfo -F vermagic '$tmp/nop8/kvm-pr.ko')\" = \"\$(modinfo -F vermagic '$kdir/kvm-pr.ko')\" ] &&
		[ \"\$(modinfo -F vermagic '$tmp/nop8/kvm.ko')\" = \"\$(modinfo -F vermagic '$kdir/kvm.ko')\" ]"
check "OUT/patch names the patch" [ "$(cat "$tmp/nop8/patch" 2>/dev/null)" = nop-8-lightweight.patch ]

# a quilt series: its patches in order on the copy
mkdir -p "$tmp/series1" "$tmp/series2"
cp module/test-patches/nop-1-lightweight.patch "$tmp/series1/"
printf '# one patch\nnop-1-lightweight.patch\n' >"$tmp/series1/series"
rc=0
scripts/build-module.sh "$kbuild" "$ksrc" "$tmp/series1" "$tmp/s1" >/dev/null 2>"$tmp/s1.err" || rc=$?
s1=$(nops_in "$tmp/s1/kvm-pr.ko" 2>/dev/null || echo 0)
check "a quilt series (the 1-nop patch): built, 1 nop more, OUT/patch names the series" \
	bash -c "[ $rc = 0 ] && [ '$s1' = $((stock + 1)) ] && [ \"\$(cat '$tmp/s1/patch')\" = series1 ]"
cp module/test-patches/nop-8-lightweight.patch "$tmp/series2/a.patch"
cp module/test-patches/nop-8-lightweight.patch "$tmp/series2/b.patch"
printf 'a.patch\nb.patch\n' >"$tmp/series2/series"
refused "a series whose second patch does not apply after the first" \
	"$tmp/series2/b.patch does not apply to $ksrc after the 1 before it in the series" "$kbuild" "$ksrc" "$tmp/series2"
refused "8 nops in the real-mode trampoline (book3s_segment.S: in vmlinux)" \
	"touches arch/powerpc/kvm/book3s_segment.S, which is built into vmlinux or another module" \
	"$kbuild" "$ksrc" module/test-patches/nop-8-trampoline.patch
printf -- '--- a/arch/powerpc/kernel/entry_64.S\n+++ b/arch/powerpc/kernel/entry_64.S\n@@ -1 +1 @@\n-x\n+y\n' >"$tmp/outside.patch"
refused "a patch outside arch/powerpc/kvm and virt/kvm" \
	"touches arch/powerpc/kernel/entry_64.S, outside arch/powerpc/kvm and virt/kvm: built into vmlinux" \
	"$kbuild" "$ksrc" "$tmp/outside.patch"
printf -- '--- a/arch/powerpc/kvm/book3s_pr.c\n+++ b/arch/powerpc/kvm/book3s_pr.c\n@@ -1 +1 @@\n-no such line\n+y\n' >"$tmp/stale.patch"
refused "a patch that does not apply" "stale.patch does not apply to $ksrc" "$kbuild" "$ksrc" "$tmp/stale.patch"
refused "a build tree that is not one" "$tmp: not a kernel build tree" "$tmp" "$ksrc"
it_done module-build "$tmp/nop8.err"
