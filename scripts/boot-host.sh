#!/usr/bin/env bash
# Boot the emulated POWER8 host under a timeout; the runner's records land in RUNDIR.
# usage: boot-host.sh VMLINUX INITRAMFS RUNDIR
# env: ICOUNT=1 for -icount shift=0, BOOT_TIMEOUT seconds (default 1800)
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
	</dev/null >"$run/qemu.log" 2>&1
rc=$?
sleep 0.5
kill "$tailer" 2>/dev/null
wait "$tailer" 2>/dev/null

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
exit "$status"
