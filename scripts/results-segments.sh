#!/usr/bin/env bash
# The "Guests with the MMU on" section of RESULTS.md, from real runs (make results): the
# segments suite (configs/suites/segments: real-mode pvr, pvr-mmu over 0 .. 32 extra live
# segments) in instruction-count mode, its sweep (the cost of one live segment) and table as
# report.md printed them, with the run's environment.
# Replaces the section, placed before "## The Linux guest" (or "## The instrumented kvm-pr",
# or "## Comparisons", or at the end) in RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=configs/suites/segments
[ -f RESULTS.md ] || die "no RESULTS.md to add to (make results writes it first)"
id=$(date -u +%Y%m%d-%H%M%S)-segments-results
step "the segments suite, instruction-count mode"
start=$(date +%s)
RUN_ID=$id ICOUNT=1 SUITE=$SUITE O=$O scripts/bench.sh >/dev/null ||
	die "the segments run failed; RESULTS.md not changed (see results/$id)"
wall=$(( $(date +%s) - start ))
r=results/$id
sec=$(mktemp)
trap 'rm -f "$sec"' EXIT
{
	echo "## Guests with the MMU on (\`make bench SUITE=$SUITE ICOUNT=1\`, $wall s wall)"
	echo
	echo "Run $id, exitbench $(git rev-parse --short=12 HEAD 2>/dev/null), $(date -u +%Y-%m-%d);"
	echo "the emulated POWER8 of the runs above, instruction-count mode. pvr-mmu is pvr with"
	echo "translation on (guest-kernels/ppc64/mmu.c) and \`segments\` extra live segments in"
	echo "kvm-pr's shadow SLB; pvr is the real-mode loop."
	echo
	# report.md's table and its sweep section, headings one level down
	sed -n '/^| benchmark | exits\/iter/,/^$/p' "$r/report.md"
	sed -n '/^## pvr-mmu by segments/,/^!\[/p' "$r/report.md" | sed -e 's/^## /### /' -e '/^!\[/d'
	echo "Environment: $(jq -r '.environment | "\(.qemu_version // "QEMU ?"), host kernel \(.host_kernel_release // "?"), \(.cpu // "?"), on \(.build_host // "?")"' "$r/results.json")."
	echo
} >"$sec"
results_section "$sec" "Guests with the MMU on" "The Linux guest|The instrumented kvm-pr|Comparisons"
echo "RESULTS.md: the MMU-on section from $r"
