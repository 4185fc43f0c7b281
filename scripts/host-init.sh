#!/bin/busybox sh
# /init of the emulated POWER host: load PR KVM, run the suite, power off
# (docs/design.md, "The emulated host's console").
# Records go to the second console (/dev/hvc1, a file on the x86 side), away from the
# kernel's log; lines starting with "exitbench-" on hvc0 are progress for the user.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
echo 1 >/proc/sys/kernel/printk 2>/dev/null

# Recording (make bench TRACE=1 / PERF=1): /exitbench/record.conf sets TRACE, PERF,
# TRACE_EVENTS, TRACE_BUFFER_KB, TRACE_MODE (buffer: trace-cmd start, extract after the
# runner; stream: trace-cmd record beside it), PERF_EVENTS, PERF_MMAP. The files go to /out, the output
# disk (/dev/vda, ext2) that boot-host.sh reads back after poweroff.
TRACE=0 PERF=0 TRACE_MODE=buffer
[ -f /exitbench/record.conf ] && . /exitbench/record.conf
tc_pid= pf_pid= tc_buffered=

# stop the recorders, keep what they wrote, unmount the output disk; out_io_error is set
# when writing to it failed (the files look whole but are not: a full disk on the x86 side)
out_io_error=
out_close() {
	[ -n "$tc_pid" ] && kill -INT "$tc_pid" 2>/dev/null && wait "$tc_pid"
	[ -n "$pf_pid" ] && kill -INT "$pf_pid" 2>/dev/null && wait "$pf_pid"
	# events still in the ring buffer (TRACE_MODE=buffer) are kept too
	[ -n "$tc_buffered" ] && trace-cmd stop && trace-cmd extract -o /out/trace-partial.dat >/dev/null 2>&1
	tc_pid= pf_pid= tc_buffered=
	sync
	grep -q ' /out ' /proc/mounts || return 0
	umount /out
	dmesg | grep -q 'I/O error, dev vda\|Buffer I/O error on dev vda\|EXT2-fs (vda): error' &&
		out_io_error=$(dmesg | grep -m1 'I/O error, dev vda\|Buffer I/O error on dev vda\|EXT2-fs (vda): error')
	return 0
}

fatal() {
	echo "exitbench-fatal: $*"
	out_close
	echo "exitbench-status: 3"
	sync
	poweroff -f
}

out=/dev/hvc1
[ -c $out ] || fatal "no /dev/hvc1 for the records (QEMU needs a second spapr-vty)"

if [ "$TRACE" = 1 ] || [ "$PERF" = 1 ]; then
	mkdir -p /out
	[ -b /dev/vda ] || fatal "no output disk /dev/vda for the trace files (QEMU needs the virtio-blk drive; kernel needs CONFIG_VIRTIO_BLK)"
	mount -t ext2 /dev/vda /out || fatal "cannot mount the output disk /dev/vda (ext2) at /out"
	# --version: "perf version 6.1..."; trace-cmd prints "trace-cmd version 3..." with its
	# usage and exits 255. A missing library shows as the loader's error instead.
	tools=
	[ "$TRACE" = 1 ] && tools=trace-cmd
	[ "$PERF" = 1 ] && tools="$tools perf"
	for t in $tools; do
		v=$($t --version 2>&1 | grep -m1 .)
		case $v in "$t version "*) ;; *) fatal "$t does not run in the emulated host: $v" ;; esac
		echo "exitbench-host: $v"
	done
fi

# wait (up to 60 s) until COMMAND succeeds; fail at once when process PID has died
wait_for() {
	pid=$1 n=0
	shift
	until "$@"; do
		kill -0 "$pid" 2>/dev/null || return 1
		n=$((n + 1))
		[ $n -le 600 ] || return 1
		usleep 100000
	done
}
events_on() { grep -q . /sys/kernel/tracing/set_event; }
# the line of a recorder's log that says what went wrong
log_error() { grep -i -m1 'error\|fail\|no space\|cannot\|invalid' "$1" || grep -v '^ *$' "$1" | tail -1; }
# start_failed NAME PID LOG
start_failed() {
	kill -0 "$2" 2>/dev/null && fatal "$1 record did not start within 60 s: $(log_error "$3")"
	fatal "$1 record failed: $(log_error "$3")"
}

# start the recorders; $1 names the files (trace$1.dat, perf$1.data)
record_start() {
	if [ "$TRACE" = 1 ]; then
		set -f
		ev=
		for e in $TRACE_EVENTS; do ev="$ev -e $e"; done
		if [ "$TRACE_MODE" = stream ]; then
			trace-cmd record -o "/out/trace$1.dat" -b "$TRACE_BUFFER_KB" $ev >"/out/trace-cmd$1.log" 2>&1 &
			tc_pid=$!
			wait_for "$tc_pid" events_on || start_failed trace-cmd "$tc_pid" "/out/trace-cmd$1.log"
		else
			# buffer: events stay in the kernel's ring buffer until the runner is done, so no
			# recorder runs beside the guest (under -icount its work would be counted in the
			# guest's time); when the buffer is full, newer events are dropped, and counted
			trace-cmd start -b "$TRACE_BUFFER_KB" -O nooverwrite $ev >"/out/trace-cmd$1.log" 2>&1 ||
				fatal "trace-cmd start failed: $(log_error "/out/trace-cmd$1.log")"
			tc_buffered=1
		fi
	fi
	if [ "$PERF" = 1 ]; then
		# perf.data names kernel addresses only: their symbols, kvm-pr.ko's too, are these
		# (perf script --kallsyms)
		cp /proc/kallsyms "/out/kallsyms$1"
		rm -f /tmp/perf.ctl /tmp/perf.ack /tmp/perf.on
		mkfifo /tmp/perf.ctl /tmp/perf.ack
		set -f
		pev=
		for e in $PERF_EVENTS; do pev="$pev -e $e"; done
		# -D -1: start disabled, enabled through the control fifo once set up (its ack says
		# when); -B -N: no build-id pass over the data at the end (slow under emulation)
		perf record -a -B -N -m "$PERF_MMAP" -D -1 --control fifo:/tmp/perf.ctl,/tmp/perf.ack \
			$pev -o "/out/perf$1.data" >"/out/perf$1.log" 2>&1 &
		pf_pid=$!
		(echo enable >/tmp/perf.ctl && read -r _ </tmp/perf.ack && touch /tmp/perf.on) &
		wait_for "$pf_pid" test -f /tmp/perf.on || start_failed perf "$pf_pid" "/out/perf$1.log"
	fi
	set +f
}

# stop them (what they recorded and lost is read on the x86 side); $1 as for record_start
record_stop() {
	if [ -n "$tc_pid" ]; then
		kill -INT "$tc_pid"
		wait "$tc_pid"
		recorder_done trace-cmd $? "/out/trace$1.dat" "/out/trace-cmd$1.log"
		tc_pid=
	fi
	if [ -n "$tc_buffered" ]; then
		trace-cmd stop >>"/out/trace-cmd$1.log" 2>&1
		trace-cmd extract -o "/out/trace$1.dat" >>"/out/trace-cmd$1.log" 2>&1
		rc=$?
		trace-cmd reset >>"/out/trace-cmd$1.log" 2>&1
		recorder_done trace-cmd $rc "/out/trace$1.dat" "/out/trace-cmd$1.log"
		tc_buffered=
	fi
	if [ -n "$pf_pid" ]; then
		# (a perf that died has no reader on the fifo: do not block on it)
		timeout 10 sh -c 'echo stop >/tmp/perf.ctl' || kill -INT "$pf_pid" 2>/dev/null
		wait "$pf_pid"
		recorder_done perf $? "/out/perf$1.data" "/out/perf$1.log"
		pf_pid=
	fi
}
# recorder_done NAME EXIT_STATUS FILE LOG
recorder_done() {
	if [ "$2" != 0 ]; then
		err=$(log_error "$4")
		case $err in *"No space left"*) err="$err (the output disk is full: raise OUT_DISK_MB)" ;; esac
		fatal "$1 record failed (exit $2): $err"
	fi
	[ -s "$3" ] || fatal "$1 record wrote no $3: $(log_error "$4")"
	echo "exitbench-trace: ${3#/out/}: $(du -k "$3" | cut -f1) KiB"
}

# /exitbench/plan: one line per run of the suite, "ROUND SIDE": load SIDE's kvm.ko and
# kvm-pr.ko (/lib/modules/SIDE/), run, unload. ROUND 0 is a plain run (make bench);
# otherwise the records are tagged with the side and round (make compare).
worst=0
while read -r round side; do
	mods=/lib/modules/$side
	insmod "$mods/kvm.ko" || fatal "insmod kvm.ko ($side) failed (host kernel and module do not match?)"
	# shellcheck disable=SC2046 # the parameters, one word each
	insmod "$mods/kvm-pr.ko" $(cat /exitbench/kvm-pr.params 2>/dev/null) ||
		fatal "insmod kvm-pr.ko ($side $(cat /exitbench/kvm-pr.params 2>/dev/null)) failed: no PR KVM on this host (needs a hash-MMU POWER CPU), or a parameter this kvm-pr.ko does not have"
	[ -c /dev/kvm ] || fatal "no /dev/kvm after loading kvm-pr.ko"
	tag= files=
	[ "$round" = 0 ] || tag="--variant $side --round $round" files="-$side-$round"
	echo "exitbench-host: $(uname -r), $(grep -m1 '^cpu' /proc/cpuinfo | sed 's/.*: //'), PR KVM loaded${tag:+ ($side, round $round)}"
	record_start "$files"
	lg=
	[ -d /exitbench/linux ] && lg="--linux /exitbench/linux"
	/exitbench/exitbench-run --suite /exitbench/suite --images /exitbench/guests $lg --output "$out" $tag 2>&1
	rc=$?
	[ $rc -gt $worst ] && worst=$rc
	record_stop "$files"
	rmmod kvm-pr && rmmod kvm || fatal "rmmod of $side's kvm-pr/kvm failed"
done </exitbench/plan
out_close
[ -z "$out_io_error" ] || fatal "writing the output disk failed, its files are damaged (full disk on the x86 side?): $out_io_error"
echo "exitbench-status: $worst"
sync
poweroff -f
