#!/usr/bin/env bash
# Record a real trace.dat of kvm_pr events on a machine without Book3S PR KVM (x86_64, root,
# tracefs with uprobes): uprobes named like the kernel's events, with the same field names,
# on mktrace's emitters; the runner's markers from the same CPUs; `trace-cmd extract` writes
# the file (kallsyms hidden in a private mount namespace, to keep it small).
# usage: mktrace.sh small|tiny OUT.dat [CSV] [trace-cmd extract options, e.g. --compression none]
#        mktrace.sh big N OUT.dat [options]          (N events; the buffer is sized for them)
# FORMAT=old: kvm_pr_exit_timing with exit_nr, resume, flags only (another kernel's format);
# FORMAT=none: no kvm_pr events at all (markers only)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
T=/sys/kernel/tracing
[ -w $T/uprobe_events ] || { echo "mktrace: no writable $T/uprobe_events (root? tracefs mounted?)" >&2; exit 2; }
[ "$(uname -m)" = x86_64 ] || { echo "mktrace: the uprobe arguments are x86_64's (%di)" >&2; exit 2; }
what=$1; shift
if [ "$what" = small ] || [ "$what" = tiny ]; then out=$1; csv=${2:-/dev/null}; shift; shift || true; arg=$csv; n=2000
else n=$1; out=$2; shift 2; arg=$n; fi
work=$(mktemp -d)
trap 'echo 0 > $T/tracing_on; echo 0 > $T/events/kvm_pr/enable 2>/dev/null;
	for e in kvm_pr_exit_timing kvm_exit kvm_book3s_reenter; do echo "-:kvm_pr/$e" >> $T/uprobe_events 2>/dev/null; done;
	echo 1410 > $T/buffer_size_kb; rm -rf "$work"' EXIT
gcc -O2 -pthread -o "$work/mktrace" "$here/mktrace.c"
# the file offset of a symbol: its address in its LOAD segment, moved to the segment's offset
off() {
	local a o v s
	a=$((16#$(nm "$work/mktrace" | awk -v s="$1" '$3 == s { print $1 }')))
	while read -r o v s; do
		if [ "$a" -ge $((v)) ] && [ "$a" -lt $((v + s)) ]; then printf '0x%x\n' $((a - v + o)); return; fi
	done < <(readelf -lW "$work/mktrace" | awk '$1 == "LOAD" { print $2, $3, $5 }')
}
f() { echo "+$1(%di)"; }
format=${FORMAT:-kernel}
if [ "$format" = old ]; then
echo "p:kvm_pr/kvm_pr_exit_timing $work/mktrace:$(off eb_timing) exit_nr=$(f 0):u32 resume=$(f 4):s32" \
	"flags=$(f 12):u32" >> $T/uprobe_events
elif [ "$format" = kernel ]; then
echo "p:kvm_pr/kvm_pr_exit_timing $work/mktrace:$(off eb_timing) exit_nr=$(f 0):u32 resume=$(f 4):s32" \
	"entry=$(f 8):s32 flags=$(f 12):u32 vcpu_run=$(f 16):u32 trace=$(f 20):u32 loop_entry=$(f 24):u32" \
	"copy_to_svcpu=$(f 28):u32 trampoline_enter=$(f 32):u32 guest=$(f 36):u32 realmode_exit=$(f 40):u32" \
	"copy_from_svcpu=$(f 44):u32 store_nvgprs=$(f 48):u32 handle_exit=$(f 52):u32" >> $T/uprobe_events
echo "p:kvm_pr/kvm_exit $work/mktrace:$(off eb_exit) exit_nr=$(f 0):u32 pc=$(f 8):u64 msr=$(f 16):u64" \
	"dar=$(f 24):u64 srr1=$(f 32):u64 last_inst=$(f 40):u64" >> $T/uprobe_events
echo "p:kvm_pr/kvm_book3s_reenter $work/mktrace:$(off eb_reenter) r=$(f 0):u32 pc=$(f 8):u64" >> $T/uprobe_events
fi
echo 0 > $T/tracing_on
# about 80 bytes an event, half of them on each of two CPUs
kb=$(( n * 80 / 1024 / 2 + 1024 ))
echo $kb > $T/buffer_size_kb
echo > $T/trace
[ "$format" = none ] || echo 1 > $T/events/kvm_pr/enable
echo 1 > $T/tracing_on
"$work/mktrace" "$what" "$arg"
echo 0 > $T/tracing_on
[ "$format" = none ] || echo 0 > $T/events/kvm_pr/enable
: > "$work/empty"
rm -f "$out"
# in a private mount namespace: no kallsyms, printk formats or task names, only the formats
# of the events read here (kvm_pr, ftrace:print), so that the file stays small
mkdir "$work/orig" "$work/events"
unshare -m bash -c "set -e
	mount --bind '$work/empty' /proc/kallsyms
	mount --bind $T/events '$work/orig'
	mount -t tmpfs none $T/events
	for e in kvm_pr ftrace/print; do [ -d '$work/orig'/\$e ] || continue; mkdir -p $T/events/\$e; mount --bind '$work/orig'/\$e $T/events/\$e; done
	for f in header_page header_event; do : > $T/events/\$f; mount --bind '$work/orig'/\$f $T/events/\$f; done
	mount --bind '$work/empty' $T/printk_formats
	mount --bind '$work/empty' $T/saved_cmdlines
	trace-cmd extract -o '$out' $*" >"$work/log" 2>&1 || { cat "$work/log" >&2; exit 1; }
ls -l "$out"
