#!/usr/bin/env bash
# Build the ppc64le host kernel (vmlinux) with kvm.ko and kvm-pr.ko, out of tree, cached.
# usage: build-kernel.sh [KSRC]
#   KSRC unset: Debian's linux-source-6.1 tarball, extracted once into the cache.
# Prints the directory holding vmlinux, kvm.ko, kvm-pr.ko, config, release on stdout.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
fragment=$top/configs/kernel/ppc64le-pr.config
ksrc=${1:-}

command -v "${CROSS_COMPILE}gcc" >/dev/null ||
	die "no cross compiler ${CROSS_COMPILE}gcc; run: scripts/install-deps.sh target"
command -v ccache >/dev/null && cc="ccache ${CROSS_COMPILE}gcc" || cc="${CROSS_COMPILE}gcc"
export CCACHE_DIR=${CCACHE_DIR:-$EXITBENCH_CACHE/ccache}
mkdir -p "$EXITBENCH_CACHE"

if [ -z "$ksrc" ]; then
	tarball=/usr/src/linux-source-6.1.tar.xz
	[ -f "$tarball" ] || die "no $tarball; run: scripts/install-deps.sh target (package linux-source-6.1)"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %Y "$tarball")
	name=debian-$ver
	ksrc=$EXITBENCH_CACHE/src/linux-source-6.1-$ver
	if [ ! -f "$ksrc/.exitbench-extracted" ]; then
		step "extracting $tarball (once)"
		rm -rf "$ksrc" "$ksrc.tmp"
		mkdir -p "$ksrc.tmp"
		tar -C "$ksrc.tmp" -xf "$tarball"
		mv "$ksrc.tmp/linux-source-6.1" "$ksrc"
		rmdir "$ksrc.tmp"
		touch "$ksrc/.exitbench-extracted"
	fi
	pristine=1
else
	[ -d "$ksrc" ] || die "KSRC=$ksrc is not a directory; give the top of a Linux source tree"
	ksrc=$(cd "$ksrc" && pwd)
	[ -f "$ksrc/Makefile" ] && grep -q '^VERSION *=' "$ksrc/Makefile" && [ -d "$ksrc/arch/powerpc" ] ||
		die "KSRC=$ksrc is not a Linux kernel tree (no top Makefile with VERSION or no arch/powerpc)"
	[ -f "$ksrc/arch/powerpc/kvm/Kconfig" ] && grep -q 'config KVM_BOOK3S_64_PR' "$ksrc/arch/powerpc/kvm/Kconfig" ||
		die "KSRC=$ksrc has no Book3S PR KVM (no KVM_BOOK3S_64_PR in arch/powerpc/kvm/Kconfig)"
	[ ! -f "$ksrc/.config" ] ||
		die "KSRC=$ksrc was configured in place (has .config); run 'make mrproper' there, exitbench builds out of tree"
	name=ksrc-$(printf '%s' "$ksrc" | sha256sum | cut -c1-12)
	pristine=0
fi

obj=$EXITBENCH_CACHE/build/$name
out=$EXITBENCH_CACHE/kernel/$name
key=$( (cat "$fragment"; echo "$ksrc"; ${CROSS_COMPILE}gcc --version | head -1) | sha256sum | cut -c1-16)
# the Debian tree never changes under us: skip kbuild when its outputs are there
if [ "$pristine" = 1 ] && [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$obj" "$out"
kmake() {
	make -C "$ksrc" O="$obj" ARCH=powerpc CROSS_COMPILE="$CROSS_COMPILE" CC="$cc" \
		-j"$(nproc)" "$@"
}
step "configuring $name ($ksrc)"
kmake -s KCONFIG_ALLCONFIG="$fragment" allnoconfig >"$obj/exitbench-config.log" 2>&1 ||
	die "kernel config failed for $ksrc; see $obj/exitbench-config.log"
grep -q '^CONFIG_KVM_BOOK3S_64_PR=m' "$obj/.config" ||
	die "KSRC=$ksrc: its Kconfig would not enable CONFIG_KVM_BOOK3S_64_PR=m with $fragment (check its dependencies: hash MMU, !CONTEXT_TRACKING_USER)"
step "building vmlinux and modules of $name (minutes the first time, seconds after)"
if ! kmake vmlinux modules >"$obj/exitbench-build.log" 2>&1; then
	tail -20 "$obj/exitbench-build.log" >&2
	die "kernel build failed in $obj; full log: $obj/exitbench-build.log"
fi
cp "$obj/vmlinux" "$out/vmlinux.tmp" && mv "$out/vmlinux.tmp" "$out/vmlinux"
cp "$obj/arch/powerpc/kvm/kvm.ko" "$obj/arch/powerpc/kvm/kvm-pr.ko" "$out/"
cp "$obj/.config" "$out/config"
kmake -s kernelrelease >"$out/release" 2>/dev/null
echo "$ksrc" >"$out/source"
echo "$key" >"$out/stamp"
echo "$out"
