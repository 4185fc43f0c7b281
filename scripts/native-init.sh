#!/bin/busybox sh
# /init of make native-check's host (tests/integration/native.sh): exitbench's native path,
# HOST=native, run on this emulated POWER8 as on a real POWER host. Debian's ppc64el userland
# (scripts/ppc64el-root.sh native-userland), the repository's scripts and configs and a
# build folder (the ppc64le exitbench, the runner, the guests) are in /exitbench/src, the
# kernel's own kvm.ko and kvm-pr.ko in /lib/modules/RELEASE (depmod'ed, for modprobe).
# (This shell is busybox's, whose applets come before PATH: the native path itself runs in
# Debian's bash with Debian's tools.) Before the run, what a user would hit is tried for real and its line echoed
# ("exitbench-native-probe:"): the check with kvm-pr not loaded yet, and HOST=native with
# a setting only the emulated host has. Then scripts/bench.sh, its progress on the console
# ("exitbench-native: "), its run directory back to the build machine as native-run.tar on
# the output disk (/dev/vda, ext2), and its exit status as "exitbench-status: N".
/bin/busybox --install -s /bin
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
mkdir -p /root
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# what udev makes on a real host (bash's process substitution needs /dev/fd)
ln -sf /proc/self/fd /dev/fd
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
echo 1 >/proc/sys/kernel/printk 2>/dev/null
hostname exitbench-native-check

fatal() {
	echo "exitbench-fatal: $*"
	grep -q ' /out ' /proc/mounts && umount /out
	echo "exitbench-status: 3"
	sync
	poweroff -f
}

# /exitbench/native.conf: SUITE_FILE, EXITBENCH_EMULATOR, EXITBENCH_ICOUNT (the x86 side's)
. /exitbench/native.conf || fatal "no /exitbench/native.conf"
export EXITBENCH_EMULATOR EXITBENCH_ICOUNT
mkdir -p /out
[ -b /dev/vda ] || fatal "no output disk /dev/vda (QEMU needs the virtio-blk drive)"
mount -t ext2 /dev/vda /out || fatal "cannot mount the output disk /dev/vda (ext2) at /out"
cd /exitbench/src || fatal "no /exitbench/src"

# probe COMMAND...: its last line on stderr and its exit status, on the console
probe() {
	out=$("$@" 2>&1 >/dev/null)
	rc=$?
	echo "exitbench-native-probe: $(echo "$out" | tail -1) (exit $rc)"
}
probe bash scripts/native-host.sh check
probe env HOST=native ICOUNT=1 SUITE="$SUITE_FILE" bash scripts/bench.sh

rm -f /tmp/rc
{ env HOST=native O=build RESULTS=/tmp/results RUN_ID=native SUITE="$SUITE_FILE" bash scripts/bench.sh
  echo $? >/tmp/rc; } 2>&1 | while IFS= read -r line; do echo "exitbench-native: $line"; done
rc=$(cat /tmp/rc 2>/dev/null || echo 3)
[ -d /tmp/results/native ] && tar -C /tmp/results -cf /out/native-run.tar native
umount /out
echo "exitbench-status: $rc"
sync
poweroff -f
