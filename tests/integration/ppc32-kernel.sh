#!/usr/bin/env bash
# Integration test of the 32-bit host's kernel (scripts/build-kernel.sh, EXITBENCH_ARCH=ppc32):
# a 32-bit big-endian vmlinux and kvm.ko (no kvm-pr.ko) with module/ppc32's fix, cached
# apart from the 64-bit kernels; a change merged over the fix and rebuilt in kvm.ko alone;
# a change to the line the fix changes, a tree without 32-bit PR KVM and an unknown
# architecture refused in one line. Seconds with a warm kernel cache (the first run builds
# the kernels: minutes). Each check prints "ok" or "FAIL"; last line "ppc32-kernel: N
# passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
tmp=$(mktemp -d /tmp/exitbench-ppc32-kernel.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
kernel32() { EXITBENCH_ARCH=ppc32 scripts/build-kernel.sh "$@"; }
fix=module/ppc32/0001-kvm-ppc-book3s-no-__ffs-of-nothing-pending.patch

# 1. the 32-bit kernel, with the fix
rc=0
k=$(kernel32 2>"$tmp/build.err") || rc=$?
built() { [ $rc = 0 ] && [ -d "$k" ]; }
check "EXITBENCH_ARCH=ppc32 build-kernel.sh exits 0 and prints a directory" built
if ! built; then
	tail -5 "$tmp/build.err"
	it_done ppc32-kernel || exit 1
fi
files() {
	[ -s "$k/vmlinux" ] && [ -s "$k/kvm.ko" ] && [ -s "$k/config" ] && [ -s "$k/release" ] &&
		[ -s "$k/stamp" ] && [ ! -e "$k/kvm-pr.ko" ]
}
check "it holds vmlinux, kvm.ko, config, release, stamp and no kvm-pr.ko" files
named32() { [ "$(cat "$k/arch")" = ppc32 ] && [[ $(basename "$k") == ppc32-* ]]; }
check "its arch file says ppc32 and its name ppc32-" named32
check "vmlinux is a 32-bit big-endian PowerPC ELF" \
	[ "$(od -An -tx1 -N20 "$k/vmlinux" | tr -d ' \n')" = 7f454c4601020100000000000000000000020014 ]
config32() {
	grep -qx CONFIG_PPC32=y "$k/config" && grep -qx CONFIG_KVM_BOOK3S_32=m "$k/config" &&
		grep -qx "# CONFIG_SMP is not set" "$k/config"
}
check "config: PPC32, book3s_32 PR KVM as a module, no SMP" config32
# (the cache is shared by every checkout: the path is the one of the checkout that built it)
fixed() {
	grep -q "/$fix\$" "$k/patches" &&
		grep -qF 'priority = *pending ? __ffs(*pending) : BOOK3S_IRQPRIO_MAX;' "$(cat "$k/source")/arch/powerpc/kvm/book3s.c"
}
check "patches lists module/ppc32's fix, and the built source has it" fixed
SECONDS=0
again=$(kernel32 2>/dev/null)
cached() { [ "$again" = "$k" ] && [ $SECONDS -le 10 ]; }
check "asked again: the same directory, from the cache ($SECONDS s)" cached

# 2. a change: merged over the fix, only kvm.ko rebuilt
rc=0
p=$(kernel32 --patch module/test-patches/ppc32-nop-8.patch 2>"$tmp/patch.err") || rc=$?
another() { [ $rc = 0 ] && [ -d "$p" ] && [ "$p" != "$k" ]; }
check "--patch ppc32-nop-8.patch: exit 0, another directory" another
check "its patches: the change, then the fix" \
	[ "$(sed 's|.*/||' "$p/patches" 2>/dev/null | tr '\n' ' ')" = "ppc32-nop-8.patch ${fix##*/} " ]
module_only() { cmp -s "$k/vmlinux" "$p/vmlinux" && ! cmp -s "$k/kvm.ko" "$p/kvm.ko"; }
check "the change is in kvm.ko alone: vmlinux the same bytes, kvm.ko not" module_only

# 3. the 64-bit kernel stays apart
rc=0
k64=$(scripts/build-kernel.sh 2>/dev/null) || rc=$?
apart() { [ $rc = 0 ] && [ "$k64" != "$k" ] && [ -s "$k64/kvm-pr.ko" ] && [ "$(cat "$k64/arch")" = ppc64 ]; }
check "EXITBENCH_ARCH unset: the ppc64 kernel, another directory, with kvm-pr.ko" apart

# 4. bad input
printf '%b\n' 'exitbench test: the line the fix changes, changed otherwise' '---' \
	'--- a/arch/powerpc/kvm/book3s.c' '+++ b/arch/powerpc/kvm/book3s.c' '@@ -406,5 +406,5 @@' \
	' \t\tprintk(KERN_EMERG "KVM: Check pending: %lx\\n", vcpu->arch.pending_exceptions);' \
	' #endif' '-\tpriority = __ffs(*pending);' '+\tpriority = __ffs(*pending) + 0;' \
	' \twhile (priority < BOOK3S_IRQPRIO_MAX) {' \
	' \t\tif (kvmppc_book3s_irqprio_deliver(vcpu, priority) &&' >"$tmp/same-line.patch"
check "a change to the line the fix changes: a conflict, exit 2, naming book3s.c" \
	bad 2 "arch/powerpc/kvm/book3s.c: they conflict" kernel32 --patch "$tmp/same-line.patch"
mkdir -p "$tmp/tree/arch/powerpc/kvm"
printf 'VERSION = 6\nPATCHLEVEL = 1\n' >"$tmp/tree/Makefile"
printf 'config KVM_BOOK3S_32_HANDLER\n\tbool\n\nconfig KVM_BOOK3S_64_PR\n\ttristate "PR"\n' \
	>"$tmp/tree/arch/powerpc/kvm/Kconfig"
check "a tree without KVM_BOOK3S_32 (KVM_BOOK3S_32_HANDLER is not it): exit 2, one line" \
	bad 2 "has no 32-bit Book3S PR KVM (no KVM_BOOK3S_32 in arch/powerpc/kvm/Kconfig)" kernel32 "$tmp/tree"
check "EXITBENCH_ARCH=sparc: exit 2, one line" \
	bad 2 "EXITBENCH_ARCH=sparc" env EXITBENCH_ARCH=sparc scripts/build-kernel.sh

it_done ppc32-kernel "$tmp/build.err" "$tmp/patch.err"
