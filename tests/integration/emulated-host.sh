#!/usr/bin/env bash
# Integration test: the main job on the emulated POWER8 host in instruction-count mode,
# twice, and its fault paths. Each check prints "ok" or "FAIL"; last line "N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
tmp=$(mktemp -d /tmp/exitbench-it.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bench() { RESULTS=$tmp/results O=$O scripts/bench.sh; }

# 1. the default suite, instruction-count mode, two boots
for n in 1 2; do
	echo "# boot $n: default suite, ICOUNT=1"
	rc=0
	RUN_ID=icount-$n ICOUNT=1 bench >"$tmp/bench-$n.out" 2>"$tmp/bench-$n.err" || rc=$?
	echo $rc >"$tmp/bench-$n.rc"
done
r1=$tmp/results/icount-1/results.json r2=$tmp/results/icount-2/results.json
check "make bench ICOUNT=1 exits 0" [ "$(cat "$tmp/bench-1.rc")" = 0 ]
[ -f "$r1" ] || { echo "no $r1; bench said:"; tail -20 "$tmp/bench-1.err"; }
check "pvr exits exactly once per iteration" \
	jqr '.benchmarks[] | select(.name=="pvr") | .exits_per_iteration == 1 and .exits_check == "ok"' "$r1"
check "null exits zero times" \
	jqr '.benchmarks[] | select(.name=="null") | .exits_per_iteration == 0 and .exits_check == "ok"' "$r1"
check "every exiting benchmark exits once per iteration" \
	jqr '[.benchmarks[] | select(.status=="ok" and .name!="null") | .exits_per_iteration == 1 and .exits_check == "ok"] | all' "$r1"
missing=""
while read -r name _; do
	jqr --arg n "$name" '.benchmarks[] | select(.name==$n) |
		(.status=="ok" and (.runs|length) == .repetitions and .summary_ticks.median > 0)
		or (.status=="skipped" and (.reason|length) > 0)' "$r1" || missing="$missing $name"
done < <(grep -v '^\s*#' configs/suites/default | grep -v '^\s*$')
check "every benchmark of the default suite has results or a stated skip${missing:+ (missing:$missing)}" [ -z "$missing" ]
check "papr-hcall measured, or skipped because sc 1 never reached the host" \
	jqr '.benchmarks[] | select(.name=="papr-hcall") | (.status=="ok" and .exits_per_iteration==1)
		or (.status=="skipped" and (.reason|test("never reached the host kernel")))' "$r1"
check "report.md says the times are emulated, instruction-count mode" \
	grep -q 'Emulated times.*instruction-count mode' "$tmp/results/icount-1/report.md"
check "a histogram per measured benchmark" \
	bash -c "for b in \$(jq -r '.benchmarks[] | select(.status==\"ok\") | .name' $r1); do [ -s $tmp/results/icount-1/\$b.png ] || exit 1; done"
check "results/latest points at the newest run" [ "$(readlink "$tmp/results/latest")" = icount-2 ]
m1=$(jq '.benchmarks[] | select(.name=="pvr") | .summary_ticks.median' "$r1" 2>/dev/null) || true
m2=$(jq '.benchmarks[] | select(.name=="pvr") | .summary_ticks.median' "$r2" 2>/dev/null) || true
echo "# pvr median ticks/iteration: boot 1 ${m1:-none}, boot 2 ${m2:-none}"
check "two boots give the same pvr ticks per iteration (within 0.1%)" \
	awk -v a="${m1:-0}" -v b="${m2:-0}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0 && d <= 0.001 * a) }'

# 2. a guest that hangs: reported by name, the others' results kept
echo "# boot 3: a hanging guest between two good ones"
rc=0
RUN_ID=hang ICOUNT=1 SUITE=tests/suites/hang BENCH_DIR=bench/ppc64:tests/guests/ppc64 \
	GUEST_DIR=$O/ppc64/guest:$O/ppc64/test-guest bench >"$tmp/hang.out" 2>"$tmp/hang.err" || rc=$?
rh=$tmp/results/hang/results.json
check "a hanging guest makes make bench fail" [ $rc != 0 ]
check "the hang is reported with the benchmark's name" \
	jqr '.benchmarks[] | select(.name=="hang") | .status=="failed" and (.reason|test("did not finish within 5 s"))' "$rh"
check "the benchmarks around the hang keep their results" \
	jqr '[.benchmarks[] | select(.name=="null" or .name=="pvr") | .status=="ok" and (.runs|length)==2] | length == 2 and all' "$rh"

# 3. translation on, and guests that take an interrupt in their timed loop (tests/suites/mmu)
echo "# boot 4: the MMU on, 0, 4 and 8 extra segments; an unmapped segment; an illegal instruction"
rc=0
RUN_ID=mmu ICOUNT=1 SUITE=tests/suites/mmu BENCH_DIR=bench/ppc64:tests/guests/ppc64 \
	GUEST_DIR=$O/ppc64/guest:$O/ppc64/test-guest bench >"$tmp/mmu.out" 2>"$tmp/mmu.err" || rc=$?
rm_=$tmp/results/mmu/results.json
check "pvr-mmu with 0, 4 and 8 segments: one exit per iteration, no fault in the timed loop" \
	jqr '[.benchmarks[] | select(.file == "pvr-mmu" or .name == "pvr-mmu") |
		.status == "ok" and .exits_per_iteration == 1 and .exits_check == "ok"] | length == 3 and all' "$rm_"
check "each line's parameters recorded: segments 0 (the default), 4 and 8, the file pvr-mmu" \
	jqr '[.benchmarks[] | select(.name | startswith("pvr-mmu")) | [.name, .file, .params.segments]] ==
		[["pvr-mmu", null, 0], ["pvr-mmu:segments=4", "pvr-mmu", 4], ["pvr-mmu:segments=8", "pvr-mmu", 8]]' "$rm_"
check "the report links each line's histogram by a name fit for a link (pvr-mmu_segments_8.png)" \
	bash -c "grep -qF '![pvr-mmu:segments=8](pvr-mmu_segments_8.png)' '$tmp/results/mmu/report.md' &&
		[ -s '$tmp/results/mmu/pvr-mmu_segments_8.png' ]"
f0=$("$O/exitbench" bisect figure "$rm_" pvr-mmu 2>/dev/null) || f0=
f8=$("$O/exitbench" bisect figure "$rm_" pvr-mmu:segments=8 2>/dev/null) || f8=
fr=$("$O/exitbench" bisect figure "$rm_" pvr 2>/dev/null) || fr=
echo "# pvr (real mode) ${fr:-none}, pvr-mmu ${f0:-none}, 8 segments ${f8:-none} ticks an iteration"
# each live segment is one more valid entry in LOAD_GUEST_SEGMENTS' loop (book3s_64_slb.S) on
# every guest entry: ld, andis., beq, ld, slbmte, addi, cmpd, blt, 8 instructions, 4.096 ticks
# under -icount shift=0; nothing else on the round trip walks the shadow SLB (the exit
# restores only the host's bolted entries). 8 segments: 64 instructions, 32.768 ticks. A
# figure is the median batch of each run, exact to the instruction under instruction
# counting: allowed, one instruction (0.512 ticks) either way.
check "8 live segments add 8 x 8 instructions to the round trip (32.768 ticks, within 0.512)" \
	awk -v a="${f0:-0}" -v b="${f8:-0}" 'BEGIN { d = b - a - 32.768; exit !(a > 0 && d <= 0.512 && d >= -0.512) }'
slope=$(grep -o '^Least squares over the 3 fitted points: \*\*[0-9.]* ticks for each one more of `segments`' \
	"$tmp/results/mmu/report.md" | sed 's/.*\*\*\([0-9.]*\) ticks.*/\1/') || slope=
echo "# report.md, pvr-mmu by segments: ${slope:-no line} ticks a segment"
check "report.md's sweep: pvr-mmu by segments, its line 4.096 ticks a segment (within 1/8 instruction), 8 instructions, the plot" \
	bash -c "awk -v s='${slope:-0}' 'BEGIN { exit !(s > 4.032 && s < 4.16) }' &&
		grep -q '8.00 instructions' '$tmp/results/mmu/report.md' &&
		grep -q 'The same loop in real mode, pvr: ' '$tmp/results/mmu/report.md' &&
		[ -s '$tmp/results/mmu/sweep-pvr-mmu-segments.png' ]"
check "a segment never mapped, in the timed loop: failed with the vector and the address, no figure" \
	jqr '.benchmarks[] | select(.name == "segfault-mmu") | .status == "failed" and (.runs | length) == 0 and
		(.reason | test("vector 0x380 \\(data segment: no segment\\), pc 0x[0-9a-f]+, address 0x740000000"))' "$rm_"
check "an illegal instruction in the timed loop: failed with vector 0x700 and its pc, no figure" \
	jqr '.benchmarks[] | select(.name == "illegal") | .status == "failed" and (.runs | length) == 0 and
		(.reason | test("vector 0x700, pc 0x"))' "$rm_"
check "... make bench fails, the others keep their results" \
	bash -c "[ $rc = 1 ] && jq -e '[.benchmarks[] | select(.name == \"pvr\") | .status == \"ok\"] == [true]' '$rm_' >/dev/null"

# 4. a host that never powers off: one line, records kept
echo "# boot 5: the host is stopped by the boot timeout"
rc=0
RUN_ID=timeout BOOT_TIMEOUT=4 bench >"$tmp/to.out" 2>"$tmp/to.err" || rc=$?
check "QEMU that never powers off: non-zero exit, one clear line" \
	bash -c "[ $rc != 0 ] && grep -q 'did not power off within 4s' $tmp/to.err"
check "records taken before the timeout are kept" [ -f "$tmp/results/timeout/records.jsonl" ]

# 5. bad input that must fail before booting
rc=0
SUITE=tests/suites/unknown bench >"$tmp/unk.out" 2>"$tmp/unk.err" || rc=$?
check "a suite naming an unknown benchmark: exit 2, one line naming it" \
	bash -c "[ $rc = 2 ] && [ \$(wc -l <$tmp/unk.err) = 1 ] && grep -q \"unknown benchmark 'no-such'\" $tmp/unk.err"
for bad in "pvr-mmu:segments=63|segments=63 is beyond pvr-mmu's maximum, 62" \
	"pvr:segments=1|benchmark pvr has no parameter 'segments' (its parameters: none)" \
	"pvr-mmu:segments=x|parameter segments's value 'x' is not a whole number"; do
	echo "${bad%%|*} 100 1" >"$tmp/bad.suite"
	rc=0
	SUITE=$tmp/bad.suite bench >/dev/null 2>"$tmp/param.err" || rc=$?
	check "a suite line with a bad parameter (${bad%%|*}): exit 2 before booting, one line" \
		bash -c "[ $rc = 2 ] && [ \$(wc -l <$tmp/param.err) = 1 ] && grep -qF \"${bad#*|}\" $tmp/param.err"
done
rc=0
scripts/build-kernel.sh "$tmp" >/dev/null 2>"$tmp/ksrc.err" || rc=$?
check "KSRC that is not a kernel tree: a clear error" \
	bash -c "[ $rc != 0 ] && grep -q 'is not a Linux kernel tree' $tmp/ksrc.err"
mkdir -p "$tmp/nopr/arch/powerpc/kvm"
printf 'VERSION = 6\nPATCHLEVEL = 1\n' >"$tmp/nopr/Makefile"
printf 'config KVM_BOOK3S_64_HV\n\ttristate "HV"\n' >"$tmp/nopr/arch/powerpc/kvm/Kconfig"
rc=0
scripts/build-kernel.sh "$tmp/nopr" >/dev/null 2>"$tmp/nopr.err" || rc=$?
check "KSRC without PR KVM: a clear error" \
	bash -c "[ $rc != 0 ] && grep -q 'has no Book3S PR KVM' $tmp/nopr.err"
rc=0
make --no-print-directory O="$tmp/o" CROSS_COMPILE=no-such-cross- runner >/dev/null 2>"$tmp/cc.err" || rc=$?
check "a missing cross compiler: a clear error" \
	bash -c "[ $rc != 0 ] && grep -q 'no no-such-cross-gcc' $tmp/cc.err"
echo '{"schema_version": 1, "environment": {}, "benchmarks": [' >"$tmp/bad.json"
rc=0
"$O/exitbench" report "$tmp/bad.json" >/dev/null 2>"$tmp/bad.err" || rc=$?
check "a malformed results.json: exit 2, one line" \
	bash -c "[ $rc = 2 ] && [ \$(wc -l <$tmp/bad.err) = 1 ] && grep -q 'not valid JSON' $tmp/bad.err"

it_done integration "$tmp"/*.err
