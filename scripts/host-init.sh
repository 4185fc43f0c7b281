#!/bin/busybox sh
# /init of the emulated POWER host: load PR KVM, run the suite, power off.
# Records go to the second console (/dev/hvc1, a file on the x86 side), away from the
# kernel's log; lines starting with "exitbench-" on hvc0 are progress for the user.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
echo 1 >/proc/sys/kernel/printk 2>/dev/null

fatal() {
	echo "exitbench-fatal: $*"
	echo "exitbench-status: 3"
	sync
	poweroff -f
}

out=/dev/hvc1
[ -c $out ] || fatal "no /dev/hvc1 for the records (QEMU needs a second spapr-vty)"

# /exitbench/plan: one line per run of the suite, "ROUND SIDE": load SIDE's kvm.ko and
# kvm-pr.ko (/lib/modules/SIDE/), run, unload. ROUND 0 is a plain run (make bench);
# otherwise the records are tagged with the side and round (make compare).
worst=0
while read -r round side; do
	mods=/lib/modules/$side
	insmod $mods/kvm.ko || fatal "insmod kvm.ko ($side) failed (host kernel and module do not match?)"
	insmod $mods/kvm-pr.ko || fatal "insmod kvm-pr.ko ($side) failed: no PR KVM on this host (needs a hash-MMU POWER CPU)"
	[ -c /dev/kvm ] || fatal "no /dev/kvm after loading kvm-pr.ko"
	tag=
	[ "$round" = 0 ] || tag="--variant $side --round $round"
	echo "exitbench-host: $(uname -r), $(grep -m1 '^cpu' /proc/cpuinfo | sed 's/.*: //'), PR KVM loaded${tag:+ ($side, round $round)}"
	/exitbench/exitbench-run --suite /exitbench/suite --images /exitbench/guests --output $out $tag 2>&1
	rc=$?
	[ $rc -gt $worst ] && worst=$rc
	rmmod kvm-pr && rmmod kvm || fatal "rmmod of $side's kvm-pr/kvm failed"
done </exitbench/plan
echo "exitbench-status: $worst"
sync
poweroff -f
