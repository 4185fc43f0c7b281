#!/usr/bin/env bash
# Integration test of the Linux guest (make linux-guest-check; README.md, "The Linux guest"):
# its benchmarks in QEMU with PR KVM inside the emulated POWER8, instruction-count mode, each
# exiting as it claims by KVM's counters of the guest's VM; the report beside the bare guest;
# bad suite lines refused before a boot; a QEMU that cannot start, reported, the bare
# guest's results after it kept; make compare finds 8 nops on the exit path in linux-pvr.
# Three boots, about 2.5 minutes warm.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
tmp=$(mktemp -d /tmp/exitbench-it.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
bench() { RESULTS=$tmp/results O=$O ICOUNT=1 scripts/bench.sh; }

# 1. the test suite: every benchmark of the Linux guest, and the bare guest's pvr
echo "# boot 1: tests/suites/linux-guest, ICOUNT=1"
start=$(date +%s)
rc=0
RUN_ID=lg SUITE=tests/suites/linux-guest bench >"$tmp/lg.out" 2>"$tmp/lg.err" || rc=$?
echo "# took $(( $(date +%s) - start )) s"
r=$tmp/results/lg/results.json
check "make bench SUITE=tests/suites/linux-guest ICOUNT=1 exits 0" [ $rc = 0 ]
[ -f "$r" ] || { echo "no $r; bench said:"; tail -20 "$tmp/lg.err"; }
while read -r name _; do
	check "$name: measured in the Linux guest, every repetition" \
		jqr --arg n "$name" '.benchmarks[] | select(.name==$n) | .status=="ok" and .guest=="linux"
			and (.guest_kernel|length) > 0 and (.runs|length) == .repetitions' "$r"
done < <(grep '^linux-' tests/suites/linux-guest)
check "the exiting ones exit once an iteration, the guest kernel's own exits taken out (within 1%)" \
	jqr '[.benchmarks[] | select(.guest=="linux" and .name!="linux-null") | .exits_check=="ok"
		and .exits_per_iteration > 0.99 and .exits_per_iteration < 1.01] | length == 3 and all' "$r"
check "linux-null exits none" \
	jqr '.benchmarks[] | select(.name=="linux-null") | .exits_check=="ok" and .exits_per_iteration < 0.01' "$r"
check "the repetitions' records carry the base and the slack of the exit count" \
	bash -c "grep '\"type\":\"rep\"' $tmp/results/lg/records.jsonl | grep '\"bench\":\"linux-pvr\"' |
		jq -e '.exits.base.sum_exits > 0 and .exits.slack >= 1000 and .guest_slb_valid > 0' >/dev/null"
check "the Linux guest's SLB holds more entries than the bare guest's 2" \
	jqr '.benchmarks[] | select(.name=="linux-pvr") | .guest_slb_valid > 2' "$r"
check "the bare guest's pvr, after the Linux guest was powered off, exits once an iteration" \
	jqr '.benchmarks[] | select(.name=="pvr") | .status=="ok" and .exits_per_iteration==1 and (has("guest")|not)' "$r"
lp=$(jq '.benchmarks[] | select(.name=="linux-pvr") | .summary_ticks.median' "$r" 2>/dev/null) || true
bp=$(jq '.benchmarks[] | select(.name=="pvr") | .summary_ticks.median' "$r" 2>/dev/null) || true
echo "# pvr ticks an iteration: Linux guest ${lp:-none}, bare guest ${bp:-none}"
check "the Linux guest's PVR read costs more than the bare guest's" \
	awk -v l="${lp:-0}" -v b="${bp:-0}" 'BEGIN { exit !(b > 0 && l > b) }'
check "the runner powered the Linux guest off before the bare guest ran" \
	bash -c "grep -n 'powering the Linux guest off' $tmp/results/lg/console.log | head -1 | cut -d: -f1 |
		{ read -r off; p=\$(grep -n 'pvr: 10000 iterations' $tmp/results/lg/console.log | cut -d: -f1); [ -n \"\$off\" ] && [ \"\$off\" -lt \"\$p\" ]; }"
rep=$tmp/results/lg/report.md
check "report.md sets linux-pvr beside the bare guest's pvr, with its million iterations in ms" \
	grep -qE '^\| linux-pvr \| [0-9.]+ \| [0-9.]+ ms \| pvr \| [0-9.]+ \| \+' "$rep"
check "report.md's net costs take the Linux guest's against linux-null" \
	grep -q 'the Linux guest.s benchmarks minus linux-null' "$rep"

# 2. bad suite lines: refused before any boot, one line, exit 2
printf 'linux-pvr:segments=1 1000 2\n' >"$tmp/params"
printf 'linux-nope 1000 2\n' >"$tmp/unknown"
printf 'linux-pvr 1000000 2 batches=2000\n' >"$tmp/batches"
check "a parameter on a Linux guest's benchmark: exit 2, one line" \
	bad 2 "take no parameters" env SUITE="$tmp/params" RESULTS="$tmp/no" scripts/bench.sh
check "a Linux guest's benchmark that does not exist: exit 2, one line naming the known ones" \
	bad 2 "linux-pvr" env SUITE="$tmp/unknown" RESULTS="$tmp/no" scripts/bench.sh
check "more batches than the guest's module times: exit 2, one line" \
	bad 2 "at most 1000 batches" env SUITE="$tmp/batches" RESULTS="$tmp/no" scripts/bench.sh
check "HOST=native with the Linux guest's benchmarks: exit 2, one line (emulated host only)" \
	bad 2 "emulated host only" env HOST=native SUITE=tests/suites/linux-guest RESULTS="$tmp/no" scripts/bench.sh
check "nothing was booted for them" [ ! -d "$tmp/no" ]

# 3. a QEMU that refuses its options: the Linux guest's benchmarks fail with its line, the
# bare guest's after them run
echo "# boot 2: a QEMU that cannot start"
sed 's/^pseries,accel=kvm,kvm-type=PR,/pseries,accel=kvm,kvm-type=PR,no-such-option=on,/' \
	guest-kernels/linux/qemu.args >"$tmp/bad.args"
printf 'linux-pvr 1000 2\nlinux-null 1000 2\npvr 1000 2\n' >"$tmp/broken"
rc=0
RUN_ID=broken SUITE=$tmp/broken LINUX_GUEST_ARGS=$tmp/bad.args bench >"$tmp/broken.out" 2>"$tmp/broken.err" || rc=$?
rb=$tmp/results/broken/results.json
check "a Linux guest that cannot start makes make bench fail" [ $rc = 1 ]
check "its benchmarks fail with QEMU's own line" \
	jqr '[.benchmarks[] | select(.guest=="linux" or (.name|startswith("linux-"))) | .status=="failed"
		and (.reason|test("ended before the Linux guest came up.*no-such-option"))] | length == 2 and all' "$rb"
check "the bare guest's pvr after them keeps its results" \
	jqr '.benchmarks[] | select(.name=="pvr") | .status=="ok" and (.runs|length)==2' "$rb"

# 4. make compare on the Linux guest's benchmarks: K=8 nops on the lightweight exit path
# (module/test-patches), modules swapped in one boot, the guest booted for each round
echo "# boot 3: make compare PATCHED=nop-8-lightweight.patch ICOUNT=1 ROUNDS=2"
printf 'linux-pvr  10000  2\nlinux-null 10000  2\n' >"$tmp/cmp"
rc=0
RESULTS=$tmp/results O=$O SUITE=$tmp/cmp ICOUNT=1 ROUNDS=2 RUN_ID=k8 \
	PATCHED=module/test-patches/nop-8-lightweight.patch scripts/compare.sh >"$tmp/k8.out" 2>"$tmp/k8.err" || rc=$?
k8=$tmp/results/k8
check "make compare on the Linux guest: exit 0 (+0.7% is under its 1% threshold), the guest up each round" \
	bash -c "[ $rc = 0 ] && [ \$(grep -c 'Linux guest 6[^ ]* up in' '$k8/console.log') = 4 ]"
check "K=8 nops: linux-pvr +4.096 ticks (8 x 0.512) within one instruction, a proven change" \
	jqr '.benchmarks[] | select(.name == "linux-pvr") | (.change - 4.096 | fabs) < 0.512 and
		.ci_pct[0] > 0 and .verdict == "regression"' "$k8/compare.json"
check "K=8 nops: linux-null unchanged" \
	jqr '.benchmarks[] | select(.name == "linux-null") | (.change | fabs) < 0.01 and .verdict != "regression"' "$k8/compare.json"

it_done linux-guest "$tmp/lg.err" "$tmp/broken.err" "$tmp/k8.err"
