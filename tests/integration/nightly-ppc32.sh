#!/usr/bin/env bash
# Integration test of the nightly on the 32-bit Book3S host (ARCHES=ppc32): the synthetic
# kernel history (tests/nightly/make-tree.sh; c2 adds 32 instructions to every guest entry in
# kvmppc_copy_to_svcpu, which the 32-bit kvm.ko runs too), nights c0 c1 c3 in
# instruction-count mode on the emulated G4: each night's 32-bit kernel built from its
# commit, the runs stored as mode ppc32-icount (a series of its own), the change at c3
# detected, confirmed A/B on the 32-bit host (one boot a side and round) and bisected there to
# c2: +3.2 ticks (32 instructions, 10 a tick of the G4's 100 MHz timebase); then the page.
# The suite's lines the 32-bit host has no benchmark for (pvr-mmu) are left out of its runs.
# About 2.5 minutes warm (a cold cache builds the 32-bit kernels of three commits first).
# Last line "nightly-ppc32: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
eb=$O/exitbench
tmp=$(mktemp -d /tmp/exitbench-nightly32.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

nightly_env "$tmp"

check "ARCHES=sparc: exit 2, one line" bad 2 "ARCHES='sparc': ppc64 and/or ppc32" \
	env ARCHES=sparc scripts/nightly.sh
check "ARCHES=ppc32 with HOST=native: exit 2, one line" bad 2 "natively a night runs on this 64-bit POWER host only" \
	env ARCHES=ppc32 HOST=native scripts/nightly.sh
printf 'papr-hcall 1000 2\n' >"$tmp/papr.suite"
check "a suite of which the 32-bit host has nothing: exit 2, one line" bad 2 "has no benchmark the 32-bit host has" \
	env ARCHES=ppc32 SUITE="$tmp/papr.suite" scripts/nightly.sh
check "nothing stored by bad input" [ ! -e "$HISTORY" ]

start=$(date +%s) rc=0
env ARCHES=ppc32 PHASES=0 HOST_NAME=nightly32-test NIGHTS="$(c c0) $(c c1) $(c c3)" \
	scripts/nightly.sh >"$tmp/out" 2>"$tmp/err" || rc=$?
echo "# nightly ARCHES=ppc32 over c0 c1 c3: exit $rc, $(( $(date +%s) - start )) s"
grep -E '^==> (night|confirming|bisect|changes|page)' "$tmp/err" | sed 's/^/  /'
check "the nightly over c0 c1 c3 on the 32-bit host: exit 1 (a new confirmed regression)" [ $rc = 1 ]
check "three nights stored, each a ppc32-icount run" \
	bash -c "[ \"\$(sqlite3 '$HISTORY' \"SELECT r.mode FROM runs r JOIN nights n ON n.id = r.night_id ORDER BY n.position\" | paste -sd' ')\" = 'ppc32-icount ppc32-icount ppc32-icount' ]"
r3=$tmp/n/runs/$(c c3 | cut -c1-12)/ppc32-icount/results.json
check "a night's results: the 32-bit host, its kernel built from the night's commit" \
	jqr --arg c "$(c c3)" '.environment | .arch == "ppc32" and .nightly_commit == $c and
		(.host_kernel_source | test("at " + $c))' "$r3"
check "its runs left out what the 32-bit host has not (pvr-mmu), ran the rest" \
	jqr '[.benchmarks[].name] | sort == ["hcall", "null", "pvr"]' "$r3"
"$eb" history alerts --json --history "$HISTORY" >"$tmp/alerts.json" 2>/dev/null || true
check "the change at c3: pvr and hcall, +3.2 ticks (32 instructions), regression, mode ppc32-icount" \
	jqr '([.[] | select(.mode == "ppc32-icount" and .verdict == "regression" and (.change - 3.2 | fabs) < 0.05) |
		.benchmark] | sort) == ["hcall", "pvr"]' "$tmp/alerts.json"
check "bisected on the 32-bit host to c2, with its subject; null none" \
	jqr --arg c2 "$(c c2)" --arg s "$(git -C "$tree" log -1 --format=%s c2)" \
		'length > 0 and all(.commit == $c2 and .subject == $s and
		(.bisect | startswith("bisected over 2 commits (") and endswith(", ppc32-icount)"))) and
		all(.benchmark != "null")' "$tmp/alerts.json"
cmpdir=$tmp/n/runs/confirm/confirm-$(c c1 | cut -c1-12)-$(c c3 | cut -c1-12)-ppc32-icount
check "the confirmation: make compare on the 32-bit host, one boot a side and round, sequential" \
	jqr -s '(.[0].environment | .arch == "ppc32" and .comparison.mode == "boots" and .comparison.until_pct == 1) and
		(.[1].environment.arch == "ppc32")' "$cmpdir/base/results.json" "$cmpdir/patched/results.json"
check "the page written, the 32-bit series named as such" \
	bash -c "grep -q 'ppc32-icount' '$tmp/n/index.html'"
pv=$(jq -r '[.[] | select(.benchmark == "pvr")][0] | "\(.before) -> \(.after), change \(.change), \(.bisect)"' "$tmp/alerts.json" 2>/dev/null) || pv=
echo "# nightly ppc32: pvr ${pv:-no alert} (+32 instructions: +3.2)"
it_done nightly-ppc32 "$tmp/err"
