#!/usr/bin/env bash
# kvm.ko and kvm-pr.ko of a kernel source (and a patch), built out of tree against a kernel's
# build tree: the modules a native make compare swaps on a POWER host that keeps its own
# kernel (/lib/modules/RELEASE/build), or the emulated host's (its cached objtree).
# usage: build-module.sh KBUILD KSRC [PATCH] OUT_DIR
#   KBUILD   the kernel's build tree (its .config, Module.symvers, generated headers)
#   KSRC     its source (the same version): arch/powerpc/kvm and virt/kvm are copied from it
#   PATCH    applied (-p1) to that copy, or a directory whose 'series' file lists patches
#            applied in order (quilt's); it may touch only what is compiled into kvm.ko or
#            kvm-pr.ko: a file built into vmlinux (book3s_rmhandlers.S, the book3s_segment.S
#            it includes, book3s_64_entry.S ...), a header outside the two folders, or a
#            file no module object compiles cannot be swapped in one boot: refused
# Writes OUT_DIR/kvm.ko, OUT_DIR/kvm-pr.ko, OUT_DIR/patch (the patch's name, or empty) and
# OUT_DIR/kbuild, OUT_DIR/source (the two trees, absolute), and prints OUT_DIR; nothing when
# it fails (a failed build's log: OUT_DIR.log).
# env: CROSS_COMPILE (common.sh), ARCH=powerpc is set; progress on stderr.
# Exit status: 0; 1 the build failed (its log named); 2 bad input (one line): no such tree,
# a patch that does not apply, or one that touches what a module swap cannot change.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# = 3 ] || [ $# = 4 ] || die2 "usage: build-module.sh KBUILD KSRC [PATCH] OUT_DIR"
kbuild=$1 ksrc=$2 patch='' out=${*: -1}
[ $# = 3 ] || patch=$3
[ -f "$kbuild/.config" ] && [ -f "$kbuild/Module.symvers" ] ||
	die2 "$kbuild: not a kernel build tree (no .config and Module.symvers)"
grep -qE '^CONFIG_KVM_BOOK3S_64_PR=m' "$kbuild/.config" ||
	die2 "$kbuild: its kernel does not build kvm-pr as a module (CONFIG_KVM_BOOK3S_64_PR=m)"
[ -d "$ksrc/arch/powerpc/kvm" ] && [ -d "$ksrc/virt/kvm" ] ||
	die2 "$ksrc: not a kernel source tree (no arch/powerpc/kvm and virt/kvm)"
# the patches, in order, absolute: PATCH, or its series' (comments and blank lines skipped)
patches=()
if [ -d "$patch" ]; then
	[ -f "$patch/series" ] || die2 "$patch: a directory without a 'series' file (give a patch, or a quilt series)"
	while read -r p _; do
		case $p in '' | '#'*) continue ;; esac
		[ -f "$patch/$p" ] || die2 "$patch/series names $p: no such patch"
		patches+=("$(cd "$patch" && pwd)/$p")
	done <"$patch/series"
	[ ${#patches[@]} -gt 0 ] || die2 "$patch/series lists no patch"
elif [ -n "$patch" ]; then
	[ -f "$patch" ] || die2 "$patch: no such patch"
	patches=("$(cd "$(dirname "$patch")" && pwd)/$(basename "$patch")")
fi
kbuild=$(cd "$kbuild" && pwd) ksrc=$(cd "$ksrc" && pwd)

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/arch/powerpc" "$w/virt"
cp -r "$ksrc/arch/powerpc/kvm" "$w/arch/powerpc/"
cp -r "$ksrc/virt/kvm" "$w/virt/"
touched=()
# named_p P: how a line names the patch P (PATCH itself, or PATCH/ITS_NAME in a series)
named_p() { if [ -d "$patch" ]; then echo "$patch/$(basename "$1")"; else echo "$patch"; fi; }
if [ ${#patches[@]} -gt 0 ]; then
	for p in "${patches[@]}"; do
		grep -q '^+++ ' "$p" || die2 "$(named_p "$p"): no file in it (a unified diff, -p1)"
	done
	mapfile -t touched < <(sed -n 's|^+++ [^/]*/\([^[:space:]]*\).*|\1|p' "${patches[@]}" | sort -u)
	for f in "${touched[@]}"; do
		case $f in
		arch/powerpc/kvm/* | virt/kvm/*) ;;
		*) die2 "$patch touches $f, outside arch/powerpc/kvm and virt/kvm: built into vmlinux (or a header they share), it cannot be swapped with the modules in one boot (HOST=emulated compares it: one boot a side)" ;;
		esac
	done
	# each on the copy as the ones before it left it (the copy is thrown away on a failure)
	n=0
	for p in "${patches[@]}"; do
		after=
		[ $n = 0 ] || after=" after the $n before it in the series"
		msg=$(cd "$w" && patch -p1 -s -N --dry-run <"$p" 2>&1) ||
			die2 "$(named_p "$p") does not apply to $ksrc$after: $(head -1 <<<"$msg")"
		(cd "$w" && patch -p1 -s -N <"$p")
		n=$((n + 1))
	done
fi

step "building kvm.ko and kvm-pr.ko out of tree against $kbuild${patch:+ with $(basename "$patch")}"
log=$w/build.log
# the folder's own headers (trace.h, ...) are found by the in-tree build relative to the
# source tree; out of tree they are the copy's
# (a make that runs this exports its own O, the build folder, which kbuild would take for its
# output tree: left out, with the make flags of the make above)
if ! env -u O -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	make -C "$kbuild" M="$w/arch/powerpc/kvm" ARCH=powerpc CROSS_COMPILE="$CROSS_COMPILE" \
	KCFLAGS="-I$w/arch/powerpc/kvm -I$w/virt/kvm" KAFLAGS="-I$w/arch/powerpc/kvm" \
	-j"$(nproc)" modules >"$log" 2>&1; then
	mkdir -p "$(dirname "$out")"
	cp "$log" "$out.log"
	die "the out-of-tree build of kvm.ko and kvm-pr.ko failed: $(grep -m1 -E 'error|Error' "$log" || tail -1 "$log") (log: $out.log)"
fi

# what the patch touched must be compiled into the modules (their objects' dependency
# files say which files they read) and into nothing else in the two folders: a source no
# module object compiles (built into vmlinux: book3s_rmhandlers.S ..., or kvm-hv's) and
# every file it includes, are what a swap of the modules cannot change
if [ ${#touched[@]} -gt 0 ]; then
	declare -A mod=() other=()
	while read -r f; do mod[$f]=1; done < <(cat "$w"/arch/powerpc/kvm/.*.o.cmd "$w"/virt/kvm/.*.o.cmd 2>/dev/null |
		grep -oE "$w/(arch/powerpc/kvm|virt/kvm)/[^ :\\]+" | sed "s|^$w/||" | sort -u)
	# includes "..." of a file, as paths in the copy (one level, then their own)
	includes() {
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$w/$1" 2>/dev/null |
			while read -r i; do [ -f "$w/$(dirname "$1")/$i" ] && echo "$(dirname "$1")/$i"; done
	}
	for s in $(cd "$w" && ls arch/powerpc/kvm/*.[cS] virt/kvm/*.c 2>/dev/null); do
		[ -z "${mod[$s]:-}" ] || continue
		other[$s]=1
		for i in $(includes "$s"); do
			other[$i]=1
			for j in $(includes "$i"); do other[$j]=1; done
		done
	done
	for f in "${touched[@]}"; do
		[ -z "${other[$f]:-}" ] ||
			die2 "$patch touches $f, which is built into vmlinux or another module (not only kvm.ko/kvm-pr.ko): it cannot be swapped with the modules in one boot (HOST=emulated compares it: one boot a side)"
		[ -n "${mod[$f]:-}" ] ||
			die2 "$patch touches $f, which neither kvm.ko nor kvm-pr.ko compiles: swapping them would not test it"
	done
fi
mkdir -p "$out"
cp "$w/arch/powerpc/kvm/kvm.ko" "$w/arch/powerpc/kvm/kvm-pr.ko" "$out/"
printf '%s\n' "${patch:+$(basename "$patch")}" >"$out/patch"
echo "$kbuild" >"$out/kbuild"
echo "$ksrc" >"$out/source"
echo "$out"
