#!/usr/bin/env bash
# Build the ppc64le host kernel (vmlinux) with kvm.ko and kvm-pr.ko, cached.
# usage: build-kernel.sh [--patch FILE|DIR]... [KSRC]
#   KSRC unset: Debian's linux-source-6.1 tarball, extracted once into the cache and built
#     in its eb-build/ subdirectory (Kbuild then uses relative paths, so a patched copy of
#     the tree rebuilds only what its patches touch).
#   --patch: a patch (-p1) or a directory with a quilt-style 'series' file, applied in order
#     to a copy of the tree (hard links; the tree itself is never modified).
# Prints the directory holding vmlinux, kvm.ko, kvm-pr.ko, config, release on stdout.
# Exit status: 0 built, 1 missing tools, 2 bad input (a tree that is not one, a patch that
# does not apply, a tree that does not build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
fragment=$top/configs/kernel/ppc64le-pr.config

patches=()
while [ $# -gt 0 ]; do
	case $1 in
	--patch)
		[ $# -ge 2 ] || die "usage: build-kernel.sh [--patch FILE|DIR]... [KSRC]"
		p=$2
		if [ -d "$p" ]; then
			[ -f "$p/series" ] || die2 "$p: a patch directory needs a 'series' file listing its patches"
			while read -r line; do
				line=${line%%#*}
				[ -n "${line// }" ] || continue
				[ -f "$p/${line%% *}" ] || die2 "$p/series names ${line%% *}, which is not there"
				patches+=("$(cd "$p" && pwd)/${line%% *}")
			done <"$p/series"
		else
			[ -f "$p" ] || die2 "$p: no such patch file or directory"
			patches+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")")
		fi
		shift 2 ;;
	-*) die "usage: build-kernel.sh [--patch FILE|DIR]... [KSRC]" ;;
	*) break ;;
	esac
done
ksrc=${1:-}

command -v "${CROSS_COMPILE}gcc" >/dev/null ||
	die "no cross compiler ${CROSS_COMPILE}gcc; run: scripts/install-deps.sh target"
command -v ccache >/dev/null && cc="ccache ${CROSS_COMPILE}gcc" || cc="${CROSS_COMPILE}gcc"
export CCACHE_DIR=${CCACHE_DIR:-$EXITBENCH_CACHE/ccache}
mkdir -p "$EXITBENCH_CACHE"
# one build at a time in the cache (two make bench, a nightly and a compare share its trees);
# the lock is the outermost call's: a patched copy builds its base with the lock held
if [ -z "${EXITBENCH_KERNEL_LOCKED:-}" ]; then
	exec 9>"$EXITBENCH_CACHE/kernel.lock"
	if ! flock -n 9; then
		step "waiting for another kernel build in $EXITBENCH_CACHE to finish"
		flock 9
	fi
	export EXITBENCH_KERNEL_LOCKED=1
fi

# --- a patched copy of a tree: build the tree, copy it, patch the copy, build the copy ---
if [ ${#patches[@]} -gt 0 ]; then
	base_out=$("$0" ${ksrc:+"$ksrc"}) || exit $?
	base_src=$(cat "$base_out/source")
	base_obj=$(cat "$base_out/objtree")
	key=$( (cat "$base_out/stamp"; for p in "${patches[@]}"; do sha256sum <"$p"; done) |
		sha256sum | cut -c1-12)
	name=$(basename "$base_out")-p$key
	out=$EXITBENCH_CACHE/kernel/$name
	if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
		echo "$out"
		exit 0
	fi
	vdir=$EXITBENCH_CACHE/variants/$name
	vsrc=$vdir/linux
	step "patching a copy of $base_src: ${patches[*]##*/}"
	rm -rf "$vdir"
	mkdir -p "$vsrc"
	# hard links: cheap, and patch(1) writes a new file for each one it changes
	for e in "$base_src"/* "$base_src"/.[!.]*; do
		[ -e "$e" ] || continue
		[ "$(basename "$e")" = eb-build ] && continue
		cp -al "$e" "$vsrc/"
	done
	# the base's objects with their times: only what the patches touch is rebuilt
	if [ "$base_obj" = "$base_src/eb-build" ]; then
		cp -a "$base_obj" "$vsrc/eb-build"
		# a few kbuild commands name the tree by its absolute path (lib/vdso): as if built here
		# (both in the cache: paths without '|'; grep finds none: nothing to do)
		{ grep -rlF --include='.*.cmd' "$base_src/" "$vsrc/eb-build" || true; } | while read -r f; do
			sed -i "s|$base_src/|$vsrc/|g" "$f"
		done
	fi
	for p in "${patches[@]}"; do
		if ! msg=$(patch -d "$vsrc" -p1 --dry-run -s -f <"$p" 2>&1); then
			rm -rf "$vdir"
			die2 "$p does not apply to $base_src: $(head -1 <<<"$msg")"
		fi
		# break the hard links of the files it changes before patch(1) writes them
		sed -n 's|^+++ [^/]*/\([^	]*\).*|\1|p' "$p" | while read -r f; do
			[ -f "$vsrc/$f" ] && cp -p "$vsrc/$f" "$vsrc/$f.eb-tmp" && mv "$vsrc/$f.eb-tmp" "$vsrc/$f"
			true
		done
		patch -d "$vsrc" -p1 -s -f <"$p" >/dev/null || die2 "$p: patch failed on $vsrc"
	done
	ksrc=$vsrc
	obj=$vsrc/eb-build
	pristine=1
else
	key=
fi

if [ -n "$key" ]; then
	:	# a patched copy: name, out, key set above
elif [ -z "$ksrc" ]; then
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
	obj=$ksrc/eb-build
	rm -rf "$EXITBENCH_CACHE/build/$name"	# where older exitbench built it
	pristine=1
else
	[ -d "$ksrc" ] || die2 "KSRC=$ksrc is not a directory; give the top of a Linux source tree"
	ksrc=$(cd "$ksrc" && pwd)
	[ -f "$ksrc/Makefile" ] && grep -q '^VERSION *=' "$ksrc/Makefile" && [ -d "$ksrc/arch/powerpc" ] ||
		die2 "KSRC=$ksrc is not a Linux kernel tree (no top Makefile with VERSION or no arch/powerpc)"
	[ -f "$ksrc/arch/powerpc/kvm/Kconfig" ] && grep -q 'config KVM_BOOK3S_64_PR' "$ksrc/arch/powerpc/kvm/Kconfig" ||
		die2 "KSRC=$ksrc has no Book3S PR KVM (no KVM_BOOK3S_64_PR in arch/powerpc/kvm/Kconfig)"
	[ ! -f "$ksrc/.config" ] ||
		die2 "KSRC=$ksrc was configured in place (has .config); run 'make mrproper' there, exitbench builds out of tree"
	name=ksrc-$(printf '%s' "$ksrc" | sha256sum | cut -c1-12)
	obj=$EXITBENCH_CACHE/build/$name
	pristine=0
fi

out=$EXITBENCH_CACHE/kernel/$name
[ -n "$key" ] || key=$( (echo layout-2; cat "$fragment"; echo "$ksrc"; "${CROSS_COMPILE}gcc" --version | sed -n 1p) | sha256sum | cut -c1-16)
# the Debian tree (and a patched copy) never changes under us: skip kbuild when built
if [ "$pristine" = 1 ] && [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$obj" "$out"
kmake() {
	make -C "$ksrc" O="$obj" ARCH=powerpc CROSS_COMPILE="$CROSS_COMPILE" CC="$cc" \
		KBUILD_BUILD_TIMESTAMP=exitbench KBUILD_BUILD_USER=exitbench KBUILD_BUILD_HOST=exitbench \
		-j"$(nproc)" "$@"
}
step "configuring $name ($ksrc)"
# the fragment from the cache: the checkout's path may hold blanks or quotes, kbuild's not
cp "$fragment" "$obj/exitbench-fragment.config"
kmake -s KCONFIG_ALLCONFIG="$obj/exitbench-fragment.config" allnoconfig >"$obj/exitbench-config.log" 2>&1 ||
	die2 "kernel config failed for $ksrc; see $obj/exitbench-config.log"
grep -q '^CONFIG_KVM_BOOK3S_64_PR=m' "$obj/.config" ||
	die2 "KSRC=$ksrc: its Kconfig would not enable CONFIG_KVM_BOOK3S_64_PR=m with $fragment (check its dependencies: hash MMU, !CONTEXT_TRACKING_USER)"
step "building vmlinux and modules of $name (minutes the first time, seconds after)"
if ! kmake vmlinux modules >"$obj/exitbench-build.log" 2>&1; then
	tail -20 "$obj/exitbench-build.log" >&2
	die2 "kernel build failed in $obj; full log: $obj/exitbench-build.log"
fi
cp "$obj/vmlinux" "$out/vmlinux.tmp" && mv "$out/vmlinux.tmp" "$out/vmlinux"
cp "$obj/arch/powerpc/kvm/kvm.ko" "$obj/arch/powerpc/kvm/kvm-pr.ko" "$out/"
cp "$obj/.config" "$out/config"
kmake -s kernelrelease >"$out/release" 2>/dev/null
echo "$ksrc" >"$out/source"
echo "$obj" >"$out/objtree"
printf '%s\n' "${patches[@]}" | sed '/^$/d' >"$out/patches"
echo "$key" >"$out/stamp"
echo "$out"
