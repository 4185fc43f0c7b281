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
# ("exitbench-native: "); then, when native.conf names a COMPARE_PATCHED, scripts/compare.sh
# natively ("exitbench-native-compare: "), its two sides' kvm.ko and kvm-pr.ko taken from
# /exitbench/modules (built on the build machine: there is no compiler here), with what
# was loaded before and after it ("exitbench-native-modules: ") and its exit status
# ("exitbench-compare-status: N"). Both run directories go back to the build machine as
# native-run.tar on the output disk (/dev/vda, ext2); bench.sh's exit status is
# "exitbench-status: N". Then, when native.conf names NIGHTLY_NIGHTS, scripts/nightly.sh
# natively over them ("exitbench-native-nightly: ", "exitbench-nightly-status: N"), its history
# and nights back as native-nightly.tar.
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

# /exitbench/native.conf: SUITE_FILE, EXITBENCH_EMULATOR, EXITBENCH_ICOUNT (the x86 side's);
# for the compare, COMPARE_PATCHED, COMPARE_ROUNDS, COMPARE_THRESHOLD, COMPARE_ARGS
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
status=$(cat /tmp/rc 2>/dev/null || echo 3)

# modules: what is loaded, and from where (the kernel's own, in tree, have no taint; one built
# out of tree has O)
modules() {
	if [ -d /sys/module/kvm_pr ]; then
		echo "exitbench-native-modules: $1: kvm_pr loaded, taint '$(cat /sys/module/kvm_pr/taint)'"
	else
		echo "exitbench-native-modules: $1: kvm_pr not loaded"
	fi
}
if [ -n "${COMPARE_PATCHED:-}" ]; then
	probe env HOST=native ICOUNT=1 SUITE="$SUITE_FILE" bash scripts/compare.sh
	modules "before the compare"
	rm -f /tmp/crc
	{ env HOST=native O=build RESULTS=/tmp/results RUN_ID=compare SUITE="$SUITE_FILE" \
		ROUNDS="${COMPARE_ROUNDS:-3}" THRESHOLD="${COMPARE_THRESHOLD:-1}" COMPARE_ARGS="${COMPARE_ARGS:-}" \
		PATCHED="$COMPARE_PATCHED" EXITBENCH_NATIVE_MODULES=/exitbench/modules bash scripts/compare.sh
	  echo $? >/tmp/crc; } 2>&1 | while IFS= read -r line; do echo "exitbench-native-compare: $line"; done
	modules "after the compare"
	echo "exitbench-compare-status: $(cat /tmp/crc 2>/dev/null || echo 3)"
	# (a compare that could not run at all is not tried again below)
	case $(cat /tmp/crc 2>/dev/null) in 0 | 1) ;; *) COMPARE_PATCHED= ;; esac
fi
# the same compare stopped (SIGTERM) once its first round has begun: the host's own modules
# must come back all the same
if [ -n "${COMPARE_PATCHED:-}" ]; then
	env HOST=native O=build RESULTS=/tmp/stopped RUN_ID=compare SUITE="$SUITE_FILE" ROUNDS=3 \
		PATCHED="$COMPARE_PATCHED" EXITBENCH_NATIVE_MODULES=/exitbench/modules bash scripts/compare.sh \
		>/tmp/stopped.out 2>/tmp/stopped.err &
	pid=$! n=0
	until grep -q '==> round 1, base' /tmp/stopped.err 2>/dev/null || ! kill -0 $pid 2>/dev/null ||
		[ $n -ge 600 ]; do
		n=$((n + 1))
		usleep 100000
	done
	kill -TERM $pid
	wait $pid
	echo "exitbench-native-stopped: compare.sh sent SIGTERM in round 1: exit $?"
	sed 's/^/exitbench-native-stopped: /' /tmp/stopped.err | grep -v 'exitbench-run: '
	modules "after the stopped compare"
fi
# the nightly natively (native.conf's NIGHTLY_NIGHTS: commits of /exitbench/nightly/tree, each
# night's modules from /exitbench/nightly/modules, built on the build machine): its lines
# "exitbench-native-nightly: ", its status "exitbench-nightly-status: N"; the history and
# the nights go back as native-nightly.tar
if [ -n "${NIGHTLY_NIGHTS:-}" ] && [ -d /exitbench/nightly ]; then
	probe env HOST=native MODES=icount TREE=/exitbench/nightly/tree HISTORY=/tmp/probe/history.db \
		SUITE="$SUITE_FILE" bash scripts/nightly.sh
	modules "before the nightly"
	rm -f /tmp/nrc
	{ env HOST=native O=build TREE=/exitbench/nightly/tree NIGHTS="$NIGHTLY_NIGHTS" \
		HISTORY=/tmp/nightly/history.db SUITE="$SUITE_FILE" HOST_NAME=exitbench-native-check \
		THRESHOLD="${NIGHTLY_THRESHOLD:-1}" ROUNDS_NATIVE="${NIGHTLY_ROUNDS:-4}" \
		EXITBENCH_NATIVE_MODULES_BY_COMMIT=/exitbench/nightly/modules bash scripts/nightly.sh
	  echo $? >/tmp/nrc; } 2>&1 | while IFS= read -r line; do echo "exitbench-native-nightly: $line"; done
	modules "after the nightly"
	echo "exitbench-nightly-status: $(cat /tmp/nrc 2>/dev/null || echo 3)"
	[ -d /tmp/nightly ] && tar -C /tmp -cf /out/native-nightly.tar nightly
fi
dirs=
for d in native compare; do
	[ -d "/tmp/results/$d" ] && dirs="$dirs $d"
done
[ -n "$dirs" ] && tar -C /tmp/results -cf /out/native-run.tar $dirs
umount /out
echo "exitbench-status: $status"
sync
poweroff -f
