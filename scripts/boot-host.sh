#!/usr/bin/env bash
# Boot the emulated POWER8 host under a timeout; the runner's records land in RUNDIR.
# EXITBENCH_ARCH=ppc32: the emulated 32-bit Book3S host instead, a PowerMac G4 (mac99), its
# records on a virtio disk (RUNDIR/records.img, its text copied into records.jsonl whatever
# became of the host), no output disk.
# usage: boot-host.sh VMLINUX INITRAMFS RUNDIR
# env: ICOUNT=1 for -icount shift=0, BOOT_TIMEOUT seconds (default 1800),
#   OUT_DISK_MB=N: an output disk for large files (trace.dat, perf.data): a sparse raw ext2
#   image of N MiB on virtio-blk (/dev/vda in the host, which mounts it at /out); after
#   poweroff its files are copied into RUNDIR (debugfs rdump, no loop mount) and the image
#   is deleted (kept, and named, when that fails)
#   EMULATED_CPU: QEMU's -cpu (default POWER8, the emulated host of every figure; make
#   native-check boots a POWER9 too), HOST_CMDLINE: more of the host kernel's command line
#   STOP_FILE=PATH: when PATH appears (the caller has what it needs: make compare's
#   sequential rule decided, or its time budget ended), QEMU is stopped there and then;
#   the records taken so far stay in RUNDIR (a run cut short is the caller's to drop)
# Exit status: the runner's (0, or 1 when a benchmark failed); 1 when the host did not run
# to its end (a timeout, QEMU failed, a fatal error in the host, the output disk); 0 when
# stopped through STOP_FILE.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# = 3 ] || die "usage: boot-host.sh VMLINUX INITRAMFS RUNDIR"
vmlinux=$1 initrd=$2 run=$3
timeout_s=${BOOT_TIMEOUT:-1800}
# EXITBENCH_ARCH=ppc32: the 32-bit Book3S host, a PowerMac G4 (mac99, CPU 7400)
arch=${EXITBENCH_ARCH:-ppc64}
qsys=qemu-system-ppc64
[ "$arch" = ppc32 ] && qsys=qemu-system-ppc
command -v $qsys >/dev/null ||
	die "no $qsys; run: scripts/install-deps.sh target"

# a value in QEMU's comma-separated options (-chardev path=, -drive file=): a comma is
# written twice; blanks and quotes need nothing (each option is one argument)
qemu_opt() { printf '%s' "${1//,/,,}"; }

icount=()
[ "${ICOUNT:-0}" = 1 ] && icount=(-icount shift=0)
mkdir -p "$run"
disk=() img=
if [ "${OUT_DISK_MB:-0}" != 0 ]; then
	if ! command -v mke2fs >/dev/null || ! command -v debugfs >/dev/null; then
		die "no mke2fs/debugfs for the output disk; run: scripts/install-deps.sh target (e2fsprogs)"
	fi
	img=$run/out.img
	rm -f "$img"
	truncate -s "${OUT_DISK_MB}M" "$img" || die "cannot create the output disk $img"
	# few inodes: a few files, and inode tables that mke2fs need not write out
	msg=$(mke2fs -t ext2 -b 4096 -N 64 -m 0 -q -F -L exitbench-out "$img" 2>&1) ||
		die "mke2fs of the output disk $img failed: $msg"
	# werror=report: a full disk on this side is an I/O error in the host, not a paused VM
	# shellcheck disable=SC2054 # the commas are QEMU's
	disk=(-drive "file=$(qemu_opt "$img"),format=raw,if=none,id=out,werror=report,rerror=report"
		-device virtio-blk-pci,drive=out)
fi

# copy the output disk's files into RUNDIR, whole (each one's size checked against the
# image's directory); prints what went wrong, if anything (it runs in $(...), where set -e
# does not stop it: each step is checked). debugfs splits its request at blanks, so it
# runs in RUNDIR and is given names without any (.out, out.img).
out_extract() {
	local tmp=$run/.out name size f got
	rm -rf "$tmp"
	mkdir -p "$tmp"
	(cd "$run" && debugfs -R "rdump / .out" out.img) >/dev/null 2>"$run/debugfs.log" || true
	# ls -p: /inode/mode/uid/gid/name/size/
	while IFS=/ read -r _ _ mode _ _ name size _; do
		case $mode in 10*) ;; *) continue ;; esac
		f=$tmp/$name
		got=$(stat -c %s "$f" 2>/dev/null || echo none)
		if [ "$got" != "$size" ]; then
			rm -rf "$tmp"
			echo "copying $name ($size bytes) out of the output disk $img failed (got $got bytes; $(df -h --output=avail "$run" | sed -n '$s/ //gp') free there; debugfs said: $(tail -1 "$run/debugfs.log" 2>/dev/null)); the image is kept"
			return 1
		fi
		if ! mv -f "$f" "$run/$name"; then
			echo "moving $name out of $tmp failed; the output disk $img is kept"
			return 1
		fi
	done < <(cd "$run" && debugfs -R "ls -p /" out.img 2>/dev/null)
	rm -rf "$tmp" "$img" "$run/debugfs.log"
}
: >"$run/records.jsonl"
: >"$run/console.log"
$qsys --version | sed -n 1p >"$run/qemu-version"
if [ "$arch" = ppc32 ]; then
	cpu=${EMULATED_CPU:-G4}
	echo "qemu-system-ppc -M mac99 -cpu $cpu -m 512M ${icount[*]}${HOST_CMDLINE:+ -append '... $HOST_CMDLINE'}" >"$run/qemu-cmdline"
else
	cpu=${EMULATED_CPU:-POWER8}
	echo "qemu-system-ppc64 -M pseries -cpu $cpu -m 1G ${icount[*]}${HOST_CMDLINE:+ -append '... $HOST_CMDLINE'}" >"$run/qemu-cmdline"
fi

# progress: the runner's and init's lines from the console, as they come (tail ends with
# this script at the latest, grep when it is killed below)
tail -n +1 -F --pid=$$ "$run/console.log" 2>/dev/null | grep --line-buffered -o 'exitbench-.*' >&2 &
tailer=$!

rc=0 stopped=
# shellcheck disable=SC2054 # the commas are QEMU's
qemu=(timeout -k 10 "$timeout_s" qemu-system-ppc64 -M pseries -cpu "$cpu" -m 1G -smp 1
	-nodefaults -nographic -no-reboot "${icount[@]}"
	-kernel "$vmlinux" -initrd "$initrd" -append "console=hvc0 quiet${HOST_CMDLINE:+ $HOST_CMDLINE}"
	-chardev "file,id=con,path=$(qemu_opt "$run/console.log")" -device spapr-vty,chardev=con
	-chardev "file,id=rec,path=$(qemu_opt "$run/records.jsonl")" -device spapr-vty,chardev=rec
	"${disk[@]}")
if [ "$arch" = ppc32 ]; then
	# mac99: the console on the ESCC's channel A (ttyPZ0), the records on channel B
	# (ttyPZ1); no VGA (Debian's QEMU has no ROM for mac99's default one) and no NIC. Its
	# OpenBIOS loads vmlinux itself
	[ ${#disk[@]} = 0 ] || die "the 32-bit host has no output disk (no TRACE=1 or PERF=1 there)"
	# records on a virtio disk of its PCI bus (host-init32.c says why not the ESCC's B
	# channel): a sparse raw file whose text, up to the first NUL, is records.jsonl
	rec_img=$run/records.img
	rm -f "$rec_img"
	truncate -s 64M "$rec_img" || die "cannot create the records disk $rec_img"
	# shellcheck disable=SC2054 # the commas are QEMU's
	qemu=(timeout -k 10 "$timeout_s" qemu-system-ppc -M mac99 -cpu "$cpu" -m 512M
		-nographic -vga none -net none -no-reboot -monitor none "${icount[@]}"
		-kernel "$vmlinux" -initrd "$initrd" -append "console=ttyPZ0 quiet printk.devkmsg=on${HOST_CMDLINE:+ $HOST_CMDLINE}"
		-chardev "file,id=con,path=$(qemu_opt "$run/console.log")" -serial chardev:con
		-drive "file=$(qemu_opt "$rec_img"),format=raw,if=none,id=rec" -device virtio-blk-pci,drive=rec)
fi
if [ -z "${STOP_FILE:-}" ]; then
	"${qemu[@]}" </dev/null >"$run/qemu.log" 2>&1 || rc=$?
else
	# timeout passes a TERM on to QEMU, which quits at once; what the host wrote is kept
	"${qemu[@]}" </dev/null >"$run/qemu.log" 2>&1 &
	qpid=$!
	while kill -0 "$qpid" 2>/dev/null; do
		if [ -z "$stopped" ] && [ -e "$STOP_FILE" ]; then
			stopped=1
			kill -TERM "$qpid" 2>/dev/null || true
		fi
		sleep 1
	done
	wait "$qpid" || rc=$?
fi
sleep 0.5
# the 32-bit host's records, whatever became of the host: what it synced is in the image
if [ -n "${rec_img:-}" ] && [ -f "$rec_img" ]; then
	tr -d '\000' <"$rec_img" >"$run/records.jsonl" && rm -f "$rec_img"
fi
kill "$tailer" 2>/dev/null || true
wait "$tailer" 2>/dev/null || true
out_err=
if [ -n "$img" ]; then
	out_err=$(out_extract) || true
fi

if [ -n "$stopped" ]; then
	step "the emulated host was stopped as asked (STOP_FILE); the records taken are in $run/records.jsonl"
	[ -z "$out_err" ] || die "$out_err"
	exit 0
elif [ $rc = 124 ] || [ $rc = 137 ]; then
	die "the emulated host did not power off within ${timeout_s}s (console: $run/console.log); records taken so far are kept in $run/records.jsonl"
elif [ $rc != 0 ]; then
	die "$qsys failed (exit $rc): $(tail -1 "$run/qemu.log"); see $run/qemu.log"
fi
status=$(sed -n 's/.*exitbench-status: \([0-9]*\).*/\1/p' "$run/console.log" | tail -1)
if [ -z "$status" ]; then
	die "the emulated host stopped before the runner finished (console: $run/console.log)"
fi
fatal=$(grep -o -m1 'exitbench-fatal:.*' "$run/console.log") || true
[ -n "$fatal" ] && die "emulated host: ${fatal#exitbench-fatal: }"
[ -n "$out_err" ] && die "$out_err"
exit "$status"
