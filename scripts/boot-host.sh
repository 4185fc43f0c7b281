#!/usr/bin/env bash
# Boot the emulated POWER8 host under a timeout; the runner's records land in RUNDIR.
# usage: boot-host.sh VMLINUX INITRAMFS RUNDIR
# env: ICOUNT=1 for -icount shift=0, BOOT_TIMEOUT seconds (default 1800),
#   OUT_DISK_MB=N: an output disk for large files (trace.dat, perf.data): a sparse raw ext2
#   image of N MiB on virtio-blk (/dev/vda in the host, which mounts it at /out); after
#   poweroff its files are copied into RUNDIR (debugfs rdump, no loop mount) and the image
#   is deleted (kept, and named, when that fails)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
[ $# = 3 ] || die "usage: boot-host.sh VMLINUX INITRAMFS RUNDIR"
vmlinux=$1 initrd=$2 run=$3
timeout_s=${BOOT_TIMEOUT:-1800}
command -v qemu-system-ppc64 >/dev/null ||
	die "no qemu-system-ppc64; run: scripts/install-deps.sh target"

icount=()
[ "${ICOUNT:-0}" = 1 ] && icount=(-icount shift=0)
mkdir -p "$run"
disk=() img=
if [ "${OUT_DISK_MB:-0}" != 0 ]; then
	command -v mke2fs >/dev/null && command -v debugfs >/dev/null ||
		die "no mke2fs/debugfs for the output disk; run: scripts/install-deps.sh target (e2fsprogs)"
	img=$run/out.img
	rm -f "$img"
	truncate -s "${OUT_DISK_MB}M" "$img" || die "cannot create the output disk $img"
	# few inodes: a few files, and inode tables that mke2fs need not write out
	msg=$(mke2fs -t ext2 -b 4096 -N 64 -m 0 -q -F -L exitbench-out "$img" 2>&1) ||
		die "mke2fs of the output disk $img failed: $msg"
	# werror=report: a full disk on this side is an I/O error in the host, not a paused VM
	disk=(-drive "file=$img,format=raw,if=none,id=out,werror=report,rerror=report"
		-device virtio-blk-pci,drive=out)
fi

# copy the output disk's files into RUNDIR, whole (each one's size checked against the
# image's directory); prints what went wrong, if anything
out_extract() {
	local tmp=$run/.out name size f got
	rm -rf "$tmp"
	mkdir -p "$tmp"
	debugfs -R "rdump / $tmp" "$img" >/dev/null 2>"$run/debugfs.log"
	# ls -p: /inode/mode/uid/gid/name/size/
	while IFS=/ read -r _ _ mode _ _ name size _; do
		case $mode in 10*) ;; *) continue ;; esac
		f=$tmp/$name
		got=$(stat -c %s "$f" 2>/dev/null || echo none)
		if [ "$got" != "$size" ]; then
			rm -rf "$tmp"
			echo "copying $name ($size bytes) out of the output disk $img failed (got $got bytes; $(df -h --output=avail "$run" | tail -1 | tr -d ' ') free there; debugfs said: $(tail -1 "$run/debugfs.log" 2>/dev/null)); the image is kept"
			return 1
		fi
		mv -f "$f" "$run/$name"
	done < <(debugfs -R "ls -p /" "$img" 2>/dev/null)
	rm -rf "$tmp" "$img" "$run/debugfs.log"
}
: >"$run/records.jsonl"
: >"$run/console.log"
qemu-system-ppc64 --version | head -1 >"$run/qemu-version"
echo "qemu-system-ppc64 -M pseries -cpu POWER8 -m 1G ${icount[*]}" >"$run/qemu-cmdline"

# progress: the runner's and init's lines from the console, as they come
tail -n +1 -F "$run/console.log" 2>/dev/null | grep --line-buffered -o 'exitbench-.*' >&2 &
tailer=$!

timeout -k 10 "$timeout_s" qemu-system-ppc64 -M pseries -cpu POWER8 -m 1G -smp 1 \
	-nodefaults -nographic -no-reboot "${icount[@]}" \
	-kernel "$vmlinux" -initrd "$initrd" -append 'console=hvc0 quiet' \
	-chardev file,id=con,path="$run/console.log" -device spapr-vty,chardev=con \
	-chardev file,id=rec,path="$run/records.jsonl" -device spapr-vty,chardev=rec \
	"${disk[@]}" </dev/null >"$run/qemu.log" 2>&1
rc=$?
sleep 0.5
kill "$tailer" 2>/dev/null
wait "$tailer" 2>/dev/null
out_err=
[ -n "$img" ] && out_err=$(out_extract)

if [ $rc = 124 ] || [ $rc = 137 ]; then
	die "the emulated host did not power off within ${timeout_s}s (console: $run/console.log); records taken so far are kept in $run/records.jsonl"
elif [ $rc != 0 ]; then
	die "qemu-system-ppc64 failed (exit $rc): $(tail -1 "$run/qemu.log"); see $run/qemu.log"
fi
status=$(sed -n 's/.*exitbench-status: \([0-9]*\).*/\1/p' "$run/console.log" | tail -1)
if [ -z "$status" ]; then
	die "the emulated host stopped before the runner finished (console: $run/console.log)"
fi
fatal=$(grep -o -m1 'exitbench-fatal:.*' "$run/console.log")
[ -n "$fatal" ] && die "emulated host: ${fatal#exitbench-fatal: }"
[ -n "$out_err" ] && die "$out_err"
exit "$status"
