#!/usr/bin/env bash
# The Linux guest (docs/design.md, "The Linux guest") for the emulated host's initramfs:
#   OUT/linux/     vmlinux (KERNEL_DIR's own kernel, the guest's too), guest.cpio.gz (busybox,
#                  guest-kernels/linux/init as /init, exitbench_lg.ko built against
#                  KERNEL_DIR's objtree), qemu.args and benchmarks (guest-kernels/linux/)
#   OUT/usr, OUT/lib ...  Debian's ppc64el qemu-system-ppc64 with its libraries and SLOF
#                  (downloaded and extracted by ppc64el-root.sh, never installed here)
# usage: linux-guest.sh KERNEL_DIR OUT
# env: LINUX_GUEST_ARGS, another qemu.args (how the runner starts the guest: to try other
#   QEMU options; the test gives one QEMU refuses)
# Exit status: 0; 1 a build or download failed (one line); 2 KERNEL_DIR is no kernel of ours.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
[ $# = 2 ] || die2 "usage: linux-guest.sh KERNEL_DIR OUT"
kdir=$1 out=$2
src=$top/guest-kernels/linux
[ -f "$kdir/vmlinux" ] && [ -f "$kdir/objtree" ] || die2 "$kdir: no vmlinux and objtree (build-kernel.sh's)"
obj=$(cat "$kdir/objtree")
bb=$EXITBENCH_CACHE/busybox-ppc64el/bin/busybox
[ -x "$bb" ] || die "no $bb (make-initramfs.sh downloads it)"

w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
step "Linux guest: its module (exitbench_lg.ko) against $(cat "$kdir/release")"
cp "$src/exitbench_lg.c" "$src/Kbuild" "$w/"
make -s -C "$obj" M="$w" ARCH=powerpc CROSS_COMPILE="$CROSS_COMPILE" modules >"$w/build.log" 2>&1 ||
	die "building guest-kernels/linux/exitbench_lg.ko failed: $(grep -m1 -i 'error' "$w/build.log" || tail -1 "$w/build.log")"
g=$w/root
mkdir -p "$g"/{bin,proc,sys,dev,tmp}
cp "$bb" "$g/bin/busybox"
cp "$src/init" "$g/init"
chmod +x "$g/init"
cp "$w/exitbench_lg.ko" "$g/"
mkdir -p "$out/linux"
(cd "$g" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/linux/guest.cpio.gz"
cp "$kdir/vmlinux" "$out/linux/vmlinux"
args=${LINUX_GUEST_ARGS:-$src/qemu.args}
[ -f "$args" ] || die2 "LINUX_GUEST_ARGS=$args: no such file"
cp "$args" "$out/linux/qemu.args"
cp "$src/benchmarks" "$out/linux/"

step "Linux guest: Debian's ppc64el qemu-system-ppc64 (downloaded once, extracted)"
user=$("$here/ppc64el-root.sh" linux-guest qemu-system-ppc:usr/bin/qemu-system-ppc64 qemu-system-data:@) ||
	die "cannot fetch Debian's ppc64el qemu-system-ppc (see above)"
mkdir -p "$out/usr/share/qemu"
cp -a "$user/usr/bin" "$out/usr/"
cp -a "$user/lib" "$user/lib64" "$out/"
cp "$user/usr/share/qemu/slof.bin" "$out/usr/share/qemu/"
