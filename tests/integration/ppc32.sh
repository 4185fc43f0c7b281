#!/usr/bin/env bash
# Integration test of the 32-bit Book3S host (make bench ARCH=ppc32): the emulated PowerMac
# G4 (book3s_32 PR KVM) boots twice in instruction-count mode and runs tests/suites/ppc32,
# every benchmark the 32-bit path has; their exits are exactly the claimed ones, their
# figures repeat across the boots within 0.1%, and the results say which architecture and
# machine they come from. Then bad input: an unknown ARCH, what the 32-bit host does not
# have (TRACE, HOST=native, a Linux guest), a kernel tree without 32-bit PR KVM, and a
# comparison across architectures; make compare ARCH=ppc32 with 8 nops on the 32-bit entry
# path (four more boots). About 10 s a boot, a minute and a half in all (warm kernel cache;
# a cold one builds the 32-bit host kernel first, about 3 minutes).
# Each check prints "ok" or "FAIL"; last line "ppc32: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
tmp=$(mktemp -d /tmp/exitbench-ppc32.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
suite=tests/suites/ppc32
bench32() { RESULTS=$tmp/results O=$O EXITBENCH_ARCH=ppc32 SUITE=$suite scripts/bench.sh; }

for n in 1 2; do
	echo "# boot $n: $suite, ARCH=ppc32 ICOUNT=1"
	start=$(date +%s) rc=0
	RUN_ID=ppc32-$n ICOUNT=1 bench32 >"$tmp/bench-$n.out" 2>"$tmp/bench-$n.err" || rc=$?
	echo "# boot $n: exit $rc, $(( $(date +%s) - start )) s"
	echo $rc >"$tmp/bench-$n.rc"
done
r1=$tmp/results/ppc32-1/results.json r2=$tmp/results/ppc32-2/results.json
[ -f "$r1" ] || { echo "no $r1; bench said:"; tail -20 "$tmp/bench-1.err"; }
check "make bench ARCH=ppc32 ICOUNT=1 exits 0, twice" \
	[ "$(cat "$tmp/bench-1.rc") $(cat "$tmp/bench-2.rc")" = "0 0" ]
check "results.json says 32-bit Book3S: arch ppc32, the PowerMac G4 (mac99, CPU 7400), a 32-bit kernel" \
	jqr '.environment | .arch == "ppc32" and (.emulated_machine | test("mac99")) and
		(.emulator | startswith("qemu-system-ppc -M mac99 -cpu G4")) and (.cpu | test("^7400")) and
		.host_machine == "ppc" and .instruction_count_mode' "$r1"
check "every benchmark of the suite measured, none skipped" \
	jqr --argjson n "$(grep -cv '^\s*\(#\|$\)' "$suite")" \
		'(.benchmarks | length) == $n and all(.benchmarks[]; .status == "ok" and (.runs | length) == 3)' "$r1"
check "each exits exactly as it claims (the kernel's counters): once an iteration, null never" \
	jqr 'all(.benchmarks[]; .exits_check == "ok" and .exits_per_iteration == .claimed_exits_per_iteration) and
		([.benchmarks[] | select(.name != "null") | .exits_per_iteration] | all(. == 1))' "$r1"
check "results.json and report.md of both boots, the report naming the 32-bit host" \
	bash -c "[ -s '$r2' ] && grep -q 'qemu-system-ppc -M mac99' '$tmp/results/ppc32-1/report.md'"
# each run's figure in instruction-count mode: its median batch (a timer interrupt lands in a
# few batches: the runs' means carry it), the benchmark's the median of its runs'
fig='def med: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def figure: .batches as $k | [range(0; .runs | length) as $i | .batch_ticks_per_iteration[$i * $k:($i + 1) * $k] | med] | med;'
drift=$(jq -rn --slurpfile a "$r1" --slurpfile b "$r2" "$fig"'
	[$a[0].benchmarks[] | select(.name != "null") | . as $x |
	 ($b[0].benchmarks[] | select(.name == $x.name)) as $y |
	 "\($x.name) \($x | figure) \($y | figure)"] | .[]' 2>/dev/null) || drift=
echo "# ticks an iteration (median batches), boot 1 and boot 2:"
sed 's/^/#   /' <<<"$drift"
check "the figures repeat across the two boots within 0.1% (instruction-count mode)" \
	awk 'NF == 3 { n++; d = $2 - $3; if (d < 0) d = -d; if (!($2 > 0 && d <= 0.001 * $2)) bad++ }
		END { exit !(n == 5 && !bad) }' <<<"$drift"
pvr=$(awk '$1 == "pvr" { print $2 }' <<<"$drift")
# a 100 MHz timebase under -icount shift=0 is 10 instructions a tick: an exit of a few
# hundred to a few thousand instructions
check "pvr's round trip is a 32-bit exit's: 20 to 500 ticks of the 100 MHz timebase (${pvr})" \
	awk -v p="${pvr:-0}" 'BEGIN { exit !(p >= 20 && p <= 500) }'

# make compare ARCH=ppc32 with a known effect: 8 nops on every 32-bit guest entry
# (module/test-patches/ppc32-nop-8.patch), two rounds, one boot a side and round
echo "# make compare ARCH=ppc32 ICOUNT=1 PATCHED=ppc32-nop-8.patch ROUNDS=2"
rc=0
RESULTS=$tmp/results O=$O EXITBENCH_ARCH=ppc32 SUITE=$suite ICOUNT=1 ROUNDS=2 RUN_ID=cmp32 \
	PATCHED=module/test-patches/ppc32-nop-8.patch scripts/compare.sh >"$tmp/cmp.out" 2>"$tmp/cmp.err" || rc=$?
cj=$tmp/results/cmp32/compare.json
check "make compare ARCH=ppc32 with 8 nops: exit 1 (a regression), one boot a side and round" \
	bash -c "[ $rc = 1 ] && grep -q 'boots alternate: 2 rounds, 4 boots' '$tmp/cmp.err' &&
		[ \$(grep -c 'PR KVM loaded (kvm.ko) (\(base\|patched\), round [12])' '$tmp/cmp.err') = 4 ]"
# a tick of the 100 MHz timebase is 10 instructions under -icount shift=0: 8 nops, 0.8 tick
check "every exiting benchmark +0.8 ticks (8 instructions x 0.1), regression; null unchanged" \
	jqr '[.benchmarks[] | select(.name != "null") | (.change - 0.8 | fabs) < 0.05 and .verdict == "regression"] as $x |
		($x | length) == 5 and ($x | all) and
		(.benchmarks[] | select(.name == "null") | .change == 0 and .verdict != "regression")' "$cj"
check "both sides' results say ppc32, the patch on one side" \
	jqr -s '(.[0].environment.arch == "ppc32") and (.[1].environment.arch == "ppc32") and
		(.[1].environment.host_kernel_patches | test("ppc32-nop-8.patch"))' \
	"$tmp/results/cmp32/base/results.json" "$tmp/results/cmp32/patched/results.json"
pc=$(jq '.benchmarks[] | select(.name == "pvr") | .change' "$cj" 2>/dev/null) || pc=
echo "# compare: pvr change ${pc:-none} ticks (8 nops: +0.8)"
check "make compare ARCH=ppc32 MODE=modules: refused in one line (a 32-bit kvm.ko does not load twice)" \
	bad 2 "does not load again" env EXITBENCH_ARCH=ppc32 MODE=modules SUITE=$suite RESULTS="$tmp/r" scripts/compare.sh

# bad input: one line, exit 2, nothing booted
check "ARCH=sparc: refused in one line (exit 2)" \
	bad 2 "ARCH=sparc: unknown" env EXITBENCH_ARCH=sparc RESULTS="$tmp/r" scripts/bench.sh
check "ARCH=ppc32 with TRACE=1: refused in one line (exit 2)" \
	bad 2 "ARCH=ppc32 runs the stock suite" env TRACE=1 EXITBENCH_ARCH=ppc32 SUITE=$suite RESULTS="$tmp/r" scripts/bench.sh
check "ARCH=ppc32 with HOST=native: refused in one line (exit 2)" \
	bad 2 "HOST=native is a 64-bit POWER host's" env HOST=native EXITBENCH_ARCH=ppc32 SUITE=$suite RESULTS="$tmp/r" scripts/bench.sh
printf 'linux-pvr 1000 2\n' >"$tmp/lg.suite"
check "ARCH=ppc32 with a Linux guest's benchmark: refused in one line (exit 2)" \
	bad 2 "which run on the 64-bit host only" env EXITBENCH_ARCH=ppc32 SUITE="$tmp/lg.suite" RESULTS="$tmp/r" scripts/bench.sh
check "make compare ARCH=ppc32 with a Linux guest's benchmark: refused in one line (exit 2)" \
	bad 2 "which run on the 64-bit host only" env EXITBENCH_ARCH=ppc32 SUITE="$tmp/lg.suite" RESULTS="$tmp/r" scripts/compare.sh
printf 'pvr-mmu 1000 2\n' >"$tmp/mmu.suite"
check "ARCH=ppc32 with a benchmark the 32-bit path has not (pvr-mmu): refused (exit 2)" \
	bash -c "rc=0; EXITBENCH_ARCH=ppc32 SUITE='$tmp/mmu.suite' RESULTS='$tmp/r' scripts/bench.sh >/dev/null 2>'$tmp/err' || rc=\$?
		[ \$rc = 2 ] && grep -q 'pvr-mmu' '$tmp/err'"
# a tree that is a kernel tree but has no 32-bit Book3S PR
mkdir -p "$tmp/tree/arch/powerpc/kvm"
printf 'VERSION = 6\nPATCHLEVEL = 1\n' >"$tmp/tree/Makefile"
printf 'config KVM_BOOK3S_64_PR\n\ttristate "PR"\n' >"$tmp/tree/arch/powerpc/kvm/Kconfig"
check "ARCH=ppc32 with a kernel tree without 32-bit PR KVM: refused in one line (exit 2)" \
	bad 2 "has no 32-bit Book3S PR KVM" env EXITBENCH_ARCH=ppc32 KSRC="$tmp/tree" SUITE=$suite RESULTS="$tmp/r" scripts/bench.sh
check "nothing was booted for bad input" [ ! -d "$tmp/r" ] || [ -z "$(ls "$tmp/r")" ]

# a 32-bit figure against a 64-bit one: two programs, never one comparison
jq '.environment.arch = "ppc64" | .environment |= del(.arch)' "$r2" >"$tmp/as64.json"
check "exitbench compare of a ppc32 and a ppc64 results.json: refused in one line (exit 2)" \
	bad 2 "compare results of the same architecture" "$O/exitbench" compare "$r1" "$tmp/as64.json"
check "... and of the two 32-bit boots: compared, nothing changed (exit 0)" \
	"$O/exitbench" compare "$r1" "$r2" --quiet

it_done ppc32 "$tmp/bench-1.err" "$tmp/results/ppc32-1/console.log"
