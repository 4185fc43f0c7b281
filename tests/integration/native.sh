#!/usr/bin/env bash
# make native-check: exitbench's native path (HOST=native, no QEMU of its own) run end to end
# inside an emulated POWER host, a ppc64le Linux machine: scripts/native-init.sh runs
# scripts/bench.sh there with Debian's ppc64el userland (downloaded and extracted), the
# ppc64le exitbench (make ppc64-tools), the runner and the guests. The host kernel is the
# emulated POWER8's, booted on an emulated POWER9: once on the radix MMU (the refusal), once
# on the hash MMU (the run). Instruction-count mode, a small suite (tests/suites/native),
# two boots (the radix one 13 to 55 s, the hash one 135 to 195 s, of which the nightly and
# its bisection take 85 to 140 s). In the second, after make bench, make compare's native path: the
# 8-nop patch against the stock source, 3 rounds, each side's kvm.ko and kvm-pr.ko swapped
# in, then the same compare stopped by SIGTERM in its first round; there is no compiler in
# the emulated host, so both sides are built here (during the first boot), by the same
# scripts/build-module.sh against the host kernel's build tree (cross), and handed in
# through EXITBENCH_NATIVE_MODULES, which replaces the build step only. On the radix MMU
# the compare must refuse as make bench does. Then make nightly's native path over c0 c1 c3
# of a small git repository of the nightly test history's arch/powerpc/kvm and virt/kvm
# (c2: +32 instructions on every guest entry), each night's modules built here by the
# nightly's own build step (run_commit_modules) and handed in through
# EXITBENCH_NATIVE_MODULES_BY_COMMIT: the nights stored as native, the change at c3
# detected, confirmed by a native compare of c1's and c3's modules, bisected natively to c2
# (each commit's modules swapped in), the host's own modules back. It leaves its run directory in RESULTS (results/ by
# default) like any run: RUN/native/ is the native run, RUN/compare/ the native comparison,
# RUN/nightly/ the nightly's history and nights, RUN/radix/ and RUN/hash/ the boots.
# Each check prints "ok" or "FAIL"; last line "native: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
. scripts/common.sh
. scripts/run-lib.sh
O=${O:-build}
results=${RESULTS:-results}
suite=tests/suites/native
tmp=$(mktemp -d /tmp/exitbench-native.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for f in "$O/ppc64/exitbench" "$O/ppc64/exitbench-run"; do
	[ -x "$f" ] || { echo "FAIL - no $f (make native-check builds it)"; it_done native; exit 1; }
done
step "host kernel"
kdir=$(run_kernel "" "${KSRC:-}")
run=$(run_new "$results" "$(date -u +%Y%m%d-%H%M%S)-native-check" "$suite")
qemu=$(qemu-system-ppc64 --version | sed -n 1p)
# the compare's two sides (per-run medians: instruction counting, as the emulated compare's
# test; 0.5%: 8 instructions are 0.69% of pvr's round trip)
nops=module/test-patches/nop-8-lightweight.patch
{
	echo "SUITE_FILE=suite"
	echo "EXITBENCH_EMULATOR='qemu-system-ppc64 -M pseries -cpu POWER9 -m 1G -icount shift=0, hash MMU (${qemu//\'/}): this \"native\" host is itself emulated'"
	echo "EXITBENCH_ICOUNT=1"
	echo "COMPARE_PATCHED=$nops COMPARE_ROUNDS=3 COMPARE_THRESHOLD=0.5 COMPARE_ARGS='--stat median'"
} >"$tmp/native.conf"
# both sides' modules build while the radix boot runs, which needs none (it refuses first)
step "building both sides' kvm.ko and kvm-pr.ko out of tree against the host kernel's build tree (cross), in the background"
kbuild=$(cat "$kdir/objtree") ksrc=$(cat "$kdir/source")
pids=()
scripts/build-module.sh "$kbuild" "$ksrc" "$tmp/modules/base" >/dev/null 2>"$tmp/base.err" & pids+=($!)
scripts/build-module.sh "$kbuild" "$ksrc" "$nops" "$tmp/modules/patched" >/dev/null 2>"$tmp/patched.err" & pids+=($!)
# the nightly's tree: what a native night reads of one (arch/powerpc/kvm and virt/kvm) of the
# nightly test history's c0 c1 c2 c3 (tests/nightly/make-tree.sh; c2 +32 instructions on
# every guest entry in kvm-pr.ko), a small git repository of its own (its ids are not
# make-tree.sh's); each night's modules cross-built here by the nightly's own build step
# (run_commit_modules), handed in as EXITBENCH_NATIVE_MODULES_BY_COMMIT
step "the nightly's tree (arch/powerpc/kvm, virt/kvm of the test history's c0..c3), its nights' modules built in the background"
htree=$(tests/nightly/make-tree.sh)
nt=$tmp/nightly/tree
mkdir -p "$nt"
git -C "$nt" init -q
for t in c0 c1 c2 c3; do
	rm -rf "$nt/arch" "$nt/virt"
	git -C "$htree" archive "$t" arch/powerpc/kvm virt/kvm | tar -x -C "$nt"
	git -C "$nt" add -A
	GIT_AUTHOR_NAME="exitbench test" GIT_AUTHOR_EMAIL=test@exitbench.invalid GIT_COMMITTER_NAME="exitbench test" \
		GIT_COMMITTER_EMAIL=test@exitbench.invalid GIT_AUTHOR_DATE="2026-01-0${t#c}1T12:00:00Z" \
		GIT_COMMITTER_DATE="2026-01-0${t#c}1T12:00:00Z" \
		git -C "$nt" commit -q --allow-empty -m "$(git -C "$htree" log -1 --format=%s "$t")"
	git -C "$nt" tag "$t"
done
nc() { git -C "$nt" rev-parse "$1"; }
echo "NIGHTLY_NIGHTS='$(nc c0) $(nc c1) $(nc c3)'" >>"$tmp/native.conf"
for t in c0 c1 c2 c3; do
	run_commit_modules "$nt" "$(nc $t)" "$kbuild" "$tmp/nightly/modules/$(nc $t)" >/dev/null 2>"$tmp/nightly-$t.err" & pids+=($!)
done
# pack [NATIVE_MODULES [NATIVE_NIGHTLY]]: the native-check initramfs (with the sides' modules
# and the nightly's tree and modules when given)
pack() {
	NATIVE=$O/ppc64/exitbench NATIVE_CONF=$tmp/native.conf NATIVE_MODULES=${1:-} NATIVE_NIGHTLY=${2:-} scripts/make-initramfs.sh \
		"$kdir" "$O/ppc64/exitbench-run" "$O/ppc64/guest" "$suite" "$tmp/initramfs.cpio.gz"
}
step "packing the native-check initramfs (Debian ppc64el userland, the ppc64le exitbench, the runner)"
pack

# boot BOOT_DIR [HOST_CMDLINE]: the emulated POWER9 on that initramfs; its status into
# BOOT_DIR/rc, its progress (the native path's lines) shown
boot() {
	local rc=0 t0
	mkdir -p "$1"
	cp "$tmp/initramfs.cpio.gz" "$1/initramfs.cpio.gz"
	t0=$(date +%s)
	EMULATED_CPU=POWER9 HOST_CMDLINE=${2:-} run_boot "$1" "$kdir/vmlinux" "$1/initramfs.cpio.gz" 1 \
		"${BOOT_TIMEOUT:-900}" 2048 2>"$1/boot.log" || rc=$?
	echo $rc >"$1/rc"
	grep -o 'exitbench-native: .*' "$1/console.log" | tail -12 | sed 's/^/  /'
	echo "# $(basename "$1"): exit $rc, $(( $(date +%s) - t0 )) s with the boot"
}
# 1. radix (disable_radix=no: this kernel's default is hash, CONFIG_PPC_RADIX_MMU_DEFAULT
# off, as on a POWER8 host; distributions' POWER9 kernels default to radix): PR KVM cannot
# run, and the native path says so
step "booting an emulated POWER9 on the radix MMU: the native path must refuse"
boot "$run/radix" disable_radix=no
check "on the radix MMU: make bench's native path refused in one line, exit 2, nothing run" \
	bash -c "[ \$(cat '$run/radix/rc') = 2 ] &&
		grep -q 'exitbench-native: exitbench: PR KVM cannot run on a host using the radix MMU' '$run/radix/console.log' &&
		! grep -q 'exitbench-native: ==> running the suite' '$run/radix/console.log' && [ ! -e '$run/radix/native-run.tar' ]"
check "on the radix MMU: make compare's native path refused as well, exit 2, no round run" \
	bash -c "grep -q 'exitbench-compare-status: 2' '$run/radix/console.log' &&
		grep -q 'exitbench-native-compare: exitbench: PR KVM cannot run on a host using the radix MMU' '$run/radix/console.log' &&
		! grep -q 'exitbench-native-compare: ==> round' '$run/radix/console.log'"
for p in "${pids[@]}"; do
	wait "$p" || { cat "$tmp"/*.err; echo "FAIL - the sides' modules did not build"; it_done native; exit 1; }
done
step "packing it again with both sides' modules, and the nightly's tree and modules"
pack "$tmp/modules" "$tmp/nightly"
# 2. the hash MMU, as a POWER9 LPAR in HPT mode: the whole native path.
# (On an emulated POWER8 Debian's libm stops it: QEMU 7.2's POWER8 model rejects mffscrni,
# which glibc 2.36 uses and which a real POWER8 executes as mffs, as the ISA intends.)
step "booting an emulated POWER9 on the hash MMU; inside, make bench's native path (HOST=native)"
boot "$run/hash"
rc=$(cat "$run/hash/rc")
[ ! -f "$run/hash/native-run.tar" ] || tar -C "$run" -xf "$run/hash/native-run.tar"
rm -f "$run/hash/native-run.tar" "$run/hash/initramfs.cpio.gz" "$run/radix/initramfs.cpio.gz"
n=$run/native r=$n/results.json
cp "$run/hash/console.log" "$run/console.log"
echo "# the native run: $n"

check "on the hash MMU the host ran the native path to its end: exit 0" [ "$rc" = 0 ]
check "before kvm-pr was loaded, native-host.sh check said what to run (exit 2)" \
	grep -q 'exitbench-native-probe: exitbench: kvm-pr is not loaded: run sudo modprobe kvm-pr .* (exit 2)' "$run/console.log"
check "HOST=native with ICOUNT=1: refused in one line (exit 2)" \
	grep -q 'exitbench-native-probe: exitbench: HOST=native runs the stock suite: .* (exit 2)' "$run/console.log"
check "kvm-pr loaded by modprobe from the kernel's own modules (depmod'ed), then run" \
	grep -q 'exitbench-native: exitbench: loading kvm-pr: modprobe kvm-pr' "$run/console.log"
check "results.json, report.md and a plot per benchmark came back" \
	bash -c "[ -s '$r' ] && [ -s '$n/report.md' ] &&
		for b in \$(jq -r '.benchmarks[] | select(.status == \"ok\") | .name' '$r'); do [ -s '$n/'\$b.png ] || exit 1; done"
check "results.json says native, with the emulator named and instruction counting on" \
	jqr '.environment | .mode == "native" and (.emulator | test("qemu-system-ppc64 .*itself emulated")) and
		.instruction_count_mode == true and .icount == "shift=0"' "$r"
sha=$(sha256sum <"$kdir/config" | cut -c1-64)
check "the machine identified: POWER9's PVR, pSeries, hash MMU, the kernel's release and config hash, kvm-pr loaded, no kvm-hv" \
	jqr --arg rel "$(cat "$kdir/release")" --arg sha "$sha" '.environment.native |
		(.pvr | startswith("0x004e")) and (.cpu | startswith("POWER9")) and .platform == "pSeries" and .mmu == "Hash" and .smt == 1 and
		.kernel_release == $rel and .kernel_config_sha256 == $sha and .kernel_config == "/boot/config-\($rel)" and
		.kvm_pr_loaded and (.kvm_hv_loaded | not) and .arch == "ppc64le"' "$r"
check "each benchmark ran with its claimed exits per iteration (the kernel's counters)" \
	jqr '[.benchmarks[] | .status == "ok" and .exits_check == "ok"] | length >= 3 and all' "$r"
check "report.md: emulated times first, then the native machine in one line" bash -c "grep -q '^> \*\*Emulated times.\*\* This run took the native path (HOST=native) on a host that is itself emulated' '$n/report.md' && grep -q '^Native run on exitbench-native-check: PVR 0x004e' '$n/report.md'"
ipr=$(jq '.benchmarks[] | select(.name == "pvr") | .summary_ticks.median' "$r" 2>/dev/null) || ipr=
echo "# pvr: ${ipr:-none} ticks an iteration (instruction counting, inside the emulated host)"
check "pvr's round trip is an instruction-count figure of the stock kernel (500 to 700 ticks)" \
	awk -v t="${ipr:-0}" 'BEGIN { exit !(t > 500 && t < 700) }'

# --- make compare natively: the sides' modules swapped, the 8 nops found
c=$run/compare cj=$c/compare.json
grep -o 'exitbench-native-compare: .*' "$run/console.log" | grep -v 'exitbench-run: .*rep ' | tail -14 | sed 's/^/  /'
crc=$(sed -n 's/.*exitbench-compare-status: \([0-9]*\).*/\1/p' "$run/console.log" | tail -1)
check "make compare HOST=native ICOUNT=1: refused in one line (exit 2)" \
	grep -q 'exitbench-native-probe: exitbench: HOST=native compares the stock suite on the running kernel: INSTRUMENT, TRACE, PERF and ICOUNT .* (exit 2)' "$run/console.log"
check "make compare natively, the 8 nops: exit 1 (a regression beyond 0.5%)" [ "${crc:-none}" = 1 ]
check "each side's modules loaded in turn, A B, B A, A B (insmod of base/ and patched/, 6 loads)" \
	bash -c "[ \"\$(tr -d '\r' <'$run/console.log' | sed -n 's|.*exitbench-native-compare: exitbench: loading kvm-pr: insmod .*/modules/\([a-z]*\)/kvm.ko .*/\1/kvm-pr.ko$|\1|p' | paste -sd' ')\" = 'base patched patched base base patched' ] &&
		[ \"\$(cut -d' ' -f2 '$c/plan' | paste -sd' ')\" = 'base patched patched base base patched' ]"
check "the host's own kvm-pr (in tree: no taint) before, and back after (modprobe kvm-pr)" \
	bash -c "grep -q \"exitbench-native-modules: before the compare: kvm_pr loaded, taint ''\" '$run/console.log' &&
		grep -q 'exitbench-native-compare: exitbench: restoring the host.s own modules: rmmod kvm_pr kvm, modprobe kvm-pr' '$run/console.log' &&
		grep -q \"exitbench-native-modules: after the compare: kvm_pr loaded, taint ''\" '$run/console.log'"
check "pvr +4.096 ticks (8 x 0.512) +/- 0.5, regression, interval excluding 0" \
	jqr '.benchmarks[] | select(.name == "pvr") | (.change - 4.096 | fabs) < 0.5 and
		.ci_pct[0] > 0 and .verdict == "regression" and .regressed and .n_a == 3' "$cj"
check "null unchanged (no exits: nothing on its path)" \
	jqr '.benchmarks[] | select(.name == "null") | (.change | fabs) < 0.01 and .verdict != "regression"' "$cj"
check "compare.md (emulated times first), an overlay plot, both sides' results.json, records of both sides and 3 rounds" \
	bash -c "grep -q '^> \*\*Emulated times.\*\* Both sides took the native path' '$c/compare.md' && grep -q '| pvr |' '$c/compare.md' &&
		[ -s '$c/compare-pvr.png' ] && [ -s '$c/base/results.json' ] && [ -s '$c/patched/results.json' ] &&
		jq -e '.benchmarks[] | select(.name == \"pvr\") | (.run_rounds | unique) == [1, 2, 3]' '$c/patched/results.json' >/dev/null"
check "each side's results say native, the running kernel with that side's modules (its patch, their hashes)" \
	jqr -s '(.[0].environment | .mode == "native" and .instruction_count_mode and .host_kernel_variant == "modules" and
			.comparison.side == "base" and .comparison.mode == "modules" and .comparison.rounds == 3 and
			.native_modules.patch == "" and .native.mmu == "Hash") and
		(.[1].environment | .mode == "native" and .host_kernel_patches == "nop-8-lightweight.patch" and
			.comparison.side == "patched" and .native_modules.patch == "nop-8-lightweight.patch") and
		.[0].environment.native_modules.kvm_pr_sha256 != .[1].environment.native_modules.kvm_pr_sha256' \
	"$c/base/results.json" "$c/patched/results.json"
check "the modules each side ran with are kept in the run (modules/base, modules/patched)" \
	bash -c "cmp -s '$c/modules/patched/kvm-pr.ko' '$tmp/modules/patched/kvm-pr.ko' && cmp -s '$c/modules/base/kvm-pr.ko' '$tmp/modules/base/kvm-pr.ko'"
check "a compare stopped (SIGTERM) in its first round: the host's own kvm-pr put back all the same" \
	bash -c "grep -q 'exitbench-native-stopped: compare.sh sent SIGTERM in round 1: exit 143' '$run/console.log' &&
		grep -q 'exitbench-native-stopped: exitbench: restoring the host.s own modules: rmmod kvm_pr kvm, modprobe kvm-pr' '$run/console.log' &&
		grep -q \"exitbench-native-modules: after the stopped compare: kvm_pr loaded, taint ''\" '$run/console.log'"
pa=$(jq '.benchmarks[] | select(.name == "pvr") | .median_a' "$cj" 2>/dev/null) || pa=
pb=$(jq '.benchmarks[] | select(.name == "pvr") | .median_b' "$cj" 2>/dev/null) || pb=
pc=$(jq '.benchmarks[] | select(.name == "pvr") | .change' "$cj" 2>/dev/null) || pc=
echo "# compare: pvr ${pa:-none} -> ${pb:-none} ticks, change ${pc:-none} (8 nops: +4.096)"
# --- make nightly natively: nights c0 c1 c3 of the small tree, the change at c3 confirmed A/B
[ ! -f "$run/hash/native-nightly.tar" ] || tar -C "$run" -xf "$run/hash/native-nightly.tar"
rm -f "$run/hash/native-nightly.tar"
h=$run/nightly/history.db
grep -o 'exitbench-native-nightly: .*' "$run/console.log" | grep -v 'exitbench-run: ' | tail -16 | sed 's/^/  /'
nrc=$(sed -n 's/.*exitbench-nightly-status: \([0-9]*\).*/\1/p' "$run/console.log" | tail -1)
c0=$(nc c0) c1=$(nc c1) c3=$(nc c3)
check "make nightly HOST=native MODES=icount: refused in one line (exit 2)" \
	grep -q "exitbench-native-probe: exitbench: MODES='icount': natively a night runs in mode native only .* (exit 2)" "$run/console.log"
check "make nightly natively over c0 c1 c3: exit 1 (a new confirmed regression)" [ "${nrc:-none}" = 1 ]
check "each night's kvm.ko and kvm-pr.ko loaded in turn (insmod of RUNS/<commit>/modules, c0 c1 c3)" \
	bash -c "[ \"\$(tr -d '\r' <'$run/console.log' | sed -n 's|.*exitbench-native-nightly: exitbench: loading kvm-pr: insmod /tmp/nightly/runs/\([0-9a-f]*\)/modules/kvm.ko .*|\1|p' | paste -sd' ')\" = '${c0:0:12} ${c1:0:12} ${c3:0:12}' ]"
check "nights c0 c1 c3 stored, one native run each, run ids ending @exitbench-native-check" \
	bash -c "[ \"\$(sqlite3 '$h' \"SELECT n.commit_id || ' ' || r.mode || ' ' || r.run_id FROM runs r JOIN nights n ON n.id = r.night_id ORDER BY n.position\")\" = \"\$(printf '%s native %s-native@exitbench-native-check\\n' $c0 ${c0:0:12} $c1 ${c1:0:12} $c3 ${c3:0:12})\" ]"
check "a night's results say native, with its modules (built from the tree at its commit)" \
	jqr --arg src "/exitbench/nightly/tree $c3" '.environment | .mode == "native" and .host == "exitbench-native-check" and
		.host_kernel_variant == "modules" and .native_modules.source == $src and .nightly_commit == ($src | split(" ")[1])' \
	"$run/nightly/runs/${c3:0:12}/native/results.json"
"$O/exitbench" history alerts --json --history "$h" >"$tmp/alerts.json" 2>/dev/null || true
check "the change at c3 detected and confirmed A/B natively: pvr +16.384 ticks (32 x 0.512), regression" \
	jqr 'any(.benchmark == "pvr" and .mode == "native" and .verdict == "regression" and (.change - 16.384 | fabs) < 0.1)' "$tmp/alerts.json"
c2=$(nc c2)
check "every alert names c2 (c1 -> c3), bisected natively over 2 commits, with its subject; null none" \
	jqr --arg c1 "$c1" --arg c2 "$c2" --arg c3 "$c3" --arg s "$(git -C "$nt" log -1 --format=%s c2)" \
		'length > 0 and all(.commit == $c2 and .commit_before == $c1 and .commit_after == $c3 and .subject == $s and
		(.bisect | startswith("bisected over 2 commits (") and endswith(", native)"))) and all(.benchmark != "null")' "$tmp/alerts.json"
bl=$run/nightly/runs/confirm/confirm-${c1:0:12}-${c3:0:12}-native.bisect.log
check "the bisection: c1 and c3 measured, then c2, each its own modules loaded (insmod of its kvm.ko), c2 judged bad" \
	bash -c "sed -n 's|^exitbench: loading kvm-pr: insmod /tmp/exitbench-bisect\..*/modules/\([0-9a-f]*\)/kvm.ko .*|\1|p' '$bl' |
			paste -sd' ' | grep -qx '${c1:0:12} ${c3:0:12} ${c2:0:12}' &&
		grep -q '^$c2 is the first bad commit' '$bl'"
cmpdir=$run/nightly/runs/confirm/confirm-${c1:0:12}-${c3:0:12}-native
check "the confirmation: a native compare of c1's and c3's modules, sequential, both sides native" \
	jqr -s --arg b "/exitbench/nightly/tree $c1" --arg p "/exitbench/nightly/tree $c3" \
		'(.[0].environment | .mode == "native" and .native_modules.source == $b and .comparison.until_pct == 1) and
		 (.[1].environment | .mode == "native" and .native_modules.source == $p)' \
	"$cmpdir/base/results.json" "$cmpdir/patched/results.json"
check "the host's own kvm-pr back after the nightly (in tree: no taint)" \
	bash -c "grep -q 'exitbench-native-nightly: exitbench: restoring the host.s own modules: rmmod kvm_pr kvm, modprobe kvm-pr' '$run/console.log' &&
		grep -q \"exitbench-native-modules: after the nightly: kvm_pr loaded, taint ''\" '$run/console.log'"
npv=$(jq -r '[.[] | select(.benchmark == "pvr")][0] | "\(.before) -> \(.after), change \(.change), \(.bisect)"' "$tmp/alerts.json" 2>/dev/null) || npv=
echo "# nightly: pvr ${npv:-no alert} (+32 instructions: +16.384)"
run_latest "$results" "$(basename "$run")" latest-native-check
echo "# run directory: $run"
it_done native "$run/hash/boot.log" "$run/console.log" "$run/radix/boot.log" "$run/radix/console.log"
