#!/usr/bin/env bash
# Pack the emulated host's initramfs: busybox, kvm.ko + kvm-pr.ko, the runner, the guest
# kernels and the suite (and, when the suite has linux-NAME benchmarks, the Linux guest:
# scripts/linux-guest.sh).
# usage: make-initramfs.sh KERNEL_DIR RUNNER GUEST_DIR[:GUEST_DIR...] SUITE OUT.cpio.gz
# env (make compare): SIDES="A=KDIR_A B=KDIR_B" puts each side's modules in
#   /lib/modules/SIDE/, and PLAN (a file of "ROUND SIDE" lines) says what the host runs;
#   by default KERNEL_DIR's modules are the one side 'default', run once untagged.
# env (make bench TRACE=1 / PERF=1): RECORD="trace perf" (either or both): the host records
#   TRACE_EVENTS with trace-cmd (-b TRACE_BUFFER_KB per CPU), PERF_EVENTS with perf
#   (-m PERF_MMAP) onto its output disk (boot-host.sh OUT_DISK_MB); adds Debian's ppc64el
#   trace-cmd and perf with their libraries (scripts/host-tools.sh) and /exitbench/record.conf,
#   which host-init.sh reads. Without RECORD the initramfs stays small.
# env: KVM_PR_PARAMS, kvm-pr.ko's parameters (make bench STATS=1: exit_timing_stats=STATS_EVERY)
# env (make native-check): NATIVE=EXITBENCH, the ppc64le exitbench (make ppc64-tools): the
#   host runs exitbench's native path on itself (scripts/native-init.sh): Debian's ppc64el
#   userland (NATIVE_USERLAND below, and the libraries EXITBENCH loads), the repository's
#   scripts, configs, benchmark lists (the Linux guest's too) with a build folder in
#   /exitbench/src, KERNEL_DIR's
#   modules in /lib/modules/RELEASE (depmod) and its config in /boot; NATIVE_CONF, a file
#   of settings for native-init.sh (SUITE_FILE, EXITBENCH_EMULATOR, EXITBENCH_ICOUNT, and
#   the native make compare's COMPARE_*); NATIVE_MODULES=DIR (optional), the two sides' kvm.ko
#   and kvm-pr.ko of that compare (DIR/base, DIR/patched: build-module.sh's, cross-built)
#   into /exitbench/modules, which native-init.sh hands to compare.sh
#   (EXITBENCH_NATIVE_MODULES); NATIVE_NIGHTLY=DIR (optional), the native nightly's: DIR/tree
#   (a git repository of arch/powerpc/kvm and virt/kvm) and DIR/modules/COMMIT (each night's
#   kvm.ko and kvm-pr.ko, cross-built) into /exitbench/nightly, which native-init.sh hands to
#   nightly.sh (TREE, EXITBENCH_NATIVE_MODULES_BY_COMMIT)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# = 5 ] || die "usage: make-initramfs.sh KERNEL_DIR RUNNER GUEST_DIR SUITE OUT"
kdir=$1 runner=$2 guests=$3 suite=$4 out=$5

# The 32-bit Book3S host (EXITBENCH_ARCH=ppc32): no Debian userland exists for it, so its
# /init is the static bench/init/host-init32.c (RUNNER's folder's 'init'), beside the static
# runner; kvm.ko is all of KVM there. No recording, no Linux guest (bench.sh refuses them).
# Packed by the kernel's own gen_init_cpio (its build tree's usr/), which makes /dev/console
# without root.
if [ "${EXITBENCH_ARCH:-ppc64}" = ppc32 ]; then
	gen=$(cat "$kdir/objtree")/usr/gen_init_cpio
	[ -x "$gen" ] || die "no $gen in the 32-bit host kernel's build tree"
	[ -x "$(dirname "$runner")/init" ] || die "no $(dirname "$runner")/init (make runner-ppc32)"
	root=$(mktemp -d)
	trap 'rm -rf "$root"' EXIT
	mkdir -p "$root/guests"
	cp "$(dirname "$runner")/init" "$root/init"
	cp "$runner" "$root/exitbench-run"
	cp "$suite" "$root/suite"
	IFS=: read -r -a gdirs <<<"$guests"
	for g in "${gdirs[@]}"; do cp "$g"/*.bin "$root/guests/"; done
	if [ -n "${PLAN:-}" ]; then cp "$PLAN" "$root/plan"; else echo "0 default" >"$root/plan"; fi
	{
		echo "dir /dev 755 0 0"
		echo "nod /dev/console 600 0 0 c 5 1"
		for d in /proc /sys /tmp /exitbench /exitbench/guests /lib /lib/modules; do
			echo "dir $d 755 0 0"
		done
		echo "file /init $root/init 755 0 0"
		echo "file /exitbench/exitbench-run $root/exitbench-run 755 0 0"
		echo "file /exitbench/suite $root/suite 644 0 0"
		echo "file /exitbench/plan $root/plan 644 0 0"
		for f in "$root"/guests/*.bin; do
			echo "file /exitbench/guests/${f##*/} $f 644 0 0"
		done
		for s in ${SIDES:-default=$kdir}; do
			cp "${s#*=}/kvm.ko" "$root/kvm-${s%%=*}.ko"
			echo "dir /lib/modules/${s%%=*} 755 0 0"
			echo "file /lib/modules/${s%%=*}/kvm.ko $root/kvm-${s%%=*}.ko 644 0 0"
		done
	} >"$root/list"
	"$gen" "$root/list" | gzip -1 >"$out.tmp"
	mv "$out.tmp" "$out"
	exit 0
fi

# busybox for ppc64el, downloaded (not installed: it would replace the host's /bin/busybox)
bb=$EXITBENCH_CACHE/busybox-ppc64el/bin/busybox
if [ ! -x "$bb" ]; then
	dpkg --print-foreign-architectures | grep -x ppc64el >/dev/null ||
		die "ppc64el is not a dpkg architecture here; run: scripts/install-deps.sh target"
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -q busybox-static:ppc64el >/dev/null 2>&1) ||
		die "cannot download busybox-static:ppc64el; run: scripts/install-deps.sh target"
	rm -rf "$EXITBENCH_CACHE/busybox-ppc64el"
	dpkg-deb -x "$tmp"/busybox-static_*_ppc64el.deb "$EXITBENCH_CACHE/busybox-ppc64el"
	rm -rf "$tmp"
	[ -x "$bb" ] || die "busybox-static:ppc64el has no bin/busybox"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,exitbench/guests,lib/modules}
cp "$bb" "$root/bin/busybox"
# guests_into DIR: the guest kernels of every GUEST_DIR into DIR
guests_into() {
	local g gdirs
	IFS=: read -r -a gdirs <<<"$guests"
	for g in "${gdirs[@]}"; do
		cp "$g"/*.bin "$1/"
	done
}
# pack INIT: INIT as /init, the tree into OUT
pack() {
	cp "$here/$1" "$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out.tmp"
	mv "$out.tmp" "$out"
}

# what make native-check's host runs its native path with: a shell, jq, the coreutils,
# kmod for modprobe, gnuplot for the plots (with the fonts and fontconfig pngcairo needs),
# git (and git bisect's scripts), tar and flock for the nightly and its bisection,
# and the packages of the libraries exitbench loads (the runtime halves of the Makefile's
# PPC64_DEV_PKGS; --elf takes from them what it needs)
NATIVE_USERLAND="bash:bin/bash jq:usr/bin/jq coreutils:* grep:bin/grep sed:bin/sed gawk:usr/bin/gawk
 findutils:* gzip:bin/gzip kmod:* hostname:bin/hostname gnuplot-nox:usr/bin/gnuplot-nox
 git:usr/bin/git git:usr/lib/git-core/git-bisect git:usr/lib/git-core/git-sh-setup
 git:usr/lib/git-core/git-sh-i18n git:usr/lib/git-core/git-sh-i18n--envsubst tar:bin/tar util-linux:usr/bin/flock
 gnuplot-data:@ fontconfig-config:@ fonts-dejavu-core:@
 libjansson4: libgsl27: libsqlite3-0: libtracecmd1: libtraceevent1: libtracefs1: liburcu8:"
if [ -n "${NATIVE:-}" ]; then
	top=$(dirname "$here")
	[ -x "$NATIVE" ] || die "NATIVE=$NATIVE: no ppc64le exitbench (make ppc64-tools)"
	[ -f "${NATIVE_CONF:-}" ] || die "NATIVE_CONF=${NATIVE_CONF:-}: no such file"
	release=$(cat "$kdir/release")
	set -f
	# shellcheck disable=SC2086 # one spec a word, * kept for ppc64el-root.sh
	user=$("$here/ppc64el-root.sh" native-userland --elf "$NATIVE" $NATIVE_USERLAND) || exit 1
	set +f
	cp -a "$user/." "$root/"
	# what Debian's alternatives would link
	ln -s gawk "$root/usr/bin/awk"
	ln -s gnuplot-nox "$root/usr/bin/gnuplot"
	# what Debian's git links (git clone runs git-upload-pack: the bisection's clone)
	ln -s git "$root/usr/bin/git-upload-pack"
	mods=$root/lib/modules/$release
	mkdir -p "$mods/kernel/arch/powerpc/kvm" "$root/boot" "$root/etc"
	cp "$kdir/kvm.ko" "$kdir/kvm-pr.ko" "$mods/kernel/arch/powerpc/kvm/"
	: >"$mods/modules.order"
	: >"$mods/modules.builtin"
	: >"$mods/modules.builtin.modinfo"
	depmod -b "$root" "$release" || die "depmod of the host's modules ($release) failed"
	cp "$kdir/config" "$root/boot/config-$release"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
	echo 'root:x:0:' >"$root/etc/group"
	echo 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm), ppc64el packages extracted (make native-check)"' \
		>"$root/etc/os-release"
	# the repository's files the native path reads, and a build folder as make would leave it
	src=$root/exitbench/src
	mkdir -p "$src/build/ppc64/guest"
	if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z scripts configs bench/ppc64 module guest-kernels/linux |
			cpio -0 -pdm --quiet "$src")
		git -C "$top" rev-parse --short=12 HEAD >"$src/.exitbench-commit"
	else
		cp -r "$top/scripts" "$top/configs" "$top/module" "$src/"
		mkdir -p "$src/bench" "$src/guest-kernels" && cp -r "$top/bench/ppc64" "$src/bench/"
		cp -r "$top/guest-kernels/linux" "$src/guest-kernels/"
	fi
	cp "$NATIVE" "$src/build/exitbench"
	cp "$runner" "$src/build/ppc64/exitbench-run"
	guests_into "$src/build/ppc64/guest"
	cp "$suite" "$src/suite"
	cp "$NATIVE_CONF" "$root/exitbench/native.conf"
	if [ -n "${NATIVE_MODULES:-}" ]; then
		for s in base patched; do
			[ -f "$NATIVE_MODULES/$s/kvm.ko" ] && [ -f "$NATIVE_MODULES/$s/kvm-pr.ko" ] ||
				die "NATIVE_MODULES=$NATIVE_MODULES: no $s/kvm.ko and $s/kvm-pr.ko"
			mkdir -p "$root/exitbench/modules/$s"
			cp "$NATIVE_MODULES/$s"/* "$root/exitbench/modules/$s/"
		done
	fi
	if [ -n "${NATIVE_NIGHTLY:-}" ]; then
		[ -d "$NATIVE_NIGHTLY/tree" ] && [ -d "$NATIVE_NIGHTLY/modules" ] ||
			die "NATIVE_NIGHTLY=$NATIVE_NIGHTLY: no tree/ and modules/ in it"
		mkdir -p "$root/exitbench/nightly"
		cp -a "$NATIVE_NIGHTLY/tree" "$NATIVE_NIGHTLY/modules" "$root/exitbench/nightly/"
	fi
	pack native-init.sh
	exit 0
fi
sides=${SIDES:-default=$kdir}
for s in $sides; do
	mkdir -p "$root/lib/modules/${s%%=*}"
	cp "${s#*=}/kvm.ko" "${s#*=}/kvm-pr.ko" "$root/lib/modules/${s%%=*}/"
done
if [ -n "${PLAN:-}" ]; then
	cp "$PLAN" "$root/exitbench/plan"
else
	echo "0 default" >"$root/exitbench/plan"
fi
cp "$runner" "$root/exitbench/exitbench-run"
guests_into "$root/exitbench/guests"
cp "$suite" "$root/exitbench/suite"
# a suite with the Linux guest's benchmarks (linux-NAME): the guest, its QEMU and firmware
# (/exitbench/linux, host-init.sh passes it to the runner)
if suite_has_linux_guest "$suite"; then
	"$here/linux-guest.sh" "$kdir" "$root/exitbench/lg" || exit $?
	mv "$root/exitbench/lg/linux" "$root/exitbench/linux"
	cp -a "$root/exitbench/lg/." "$root/"
	rm -rf "$root/exitbench/lg"
fi
printf '%s\n' "${KVM_PR_PARAMS:-}" >"$root/exitbench/kvm-pr.params"
# a value for record.conf, which host-init.sh sources (busybox sh): single-quoted, a quote
# inside written '\''
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
if [ -n "${RECORD:-}" ]; then
	tools=$("$here/host-tools.sh") || exit 1
	cp -a "$tools/." "$root/"
	trace=0 perf=0
	case " $RECORD " in *" trace "*) trace=1 ;; esac
	case " $RECORD " in *" perf "*) perf=1 ;; esac
	{
		echo "TRACE=$trace"
		echo "PERF=$perf"
		echo "TRACE_EVENTS=$(shq "${TRACE_EVENTS:-kvm_pr kvm:kvm_userspace_exit}")"
		echo "TRACE_BUFFER_KB=$(shq "$TRACE_BUFFER_KB")"
		echo "TRACE_MODE=$(shq "$TRACE_MODE")"
		echo "PERF_EVENTS=$(shq "$PERF_EVENTS")"
		echo "PERF_MMAP=$(shq "$PERF_MMAP")"
	} >"$root/exitbench/record.conf"
fi
pack host-init.sh
