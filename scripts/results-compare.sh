#!/usr/bin/env bash
# The "Comparisons" section of RESULTS.md, from make compare runs.
# usage: results-compare.sh [RUN_DIR...]
#   without RUN_DIRs: runs the comparisons that validate exitbench compare (A/A and the
#   test patches of module/test-patches, instruction-count and plain) first.
# Replaces everything from "## Comparisons" to the end of RESULTS.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
runs=("$@")
if [ ${#runs[@]} = 0 ]; then
	stamp=$(date -u +%Y%m%d-%H%M%S)
	for spec in "aa-icount:1::" "k1-icount:1:module/test-patches/nop-1-lightweight.patch:" \
		"k8-icount:1:module/test-patches/nop-8-lightweight.patch:" \
		"tramp8-icount:1:module/test-patches/nop-8-trampoline.patch:4" \
		"aa-plain:0::" "k8-plain:0:module/test-patches/nop-8-lightweight.patch:"; do
		IFS=: read -r id ic p r <<<"$spec"
		step "make compare ICOUNT=$ic PATCHED=$p ${r:+ROUNDS=$r}"
		# 1 is a regression found (the test patches' purpose), 2 a failure
		rc=0
		RUN_ID=$stamp-$id ICOUNT=$ic PATCHED=$p ROUNDS=${r:-10} O=$O scripts/compare.sh >/dev/null || rc=$?
		[ $rc -lt 2 ] || die "make compare ($id) failed; RESULTS.md not changed"
		runs+=("results/$stamp-$id")
	done
fi
[ -f RESULTS.md ] || die "no RESULTS.md to add to; run make results"
{
	sed '/^## Comparisons/,$d' RESULTS.md
	echo "## Comparisons (\`make compare\`)"
	echo
	echo "Each: BASE = the default tree (Debian's linux-source-6.1), PATCHED as named, on the emulated"
	echo "POWER8; one sample a round (a round loads each side once, A B, B A, ...): the round's median batch in"
	echo "instruction-count mode, its mean in plain emulation. The test"
	echo "patches add K nops to a path every exit takes once: under \`-icount shift=0\` the expected"
	echo "change is +0.512·K ticks on every exiting benchmark and 0 on null. These are emulator figures."
	for d in "${runs[@]}"; do
		env=$d/patched/env.json
		ic=$(jq -r '.icount' "$env")
		spec=$(jq -r '.comparison.spec' "$env")
		mode=$(jq -r '.comparison.mode' "$env")
		rounds=$(jq -r '.comparison.rounds' "$env")
		wall=$(jq -r '.boot_wall_s' "$env")
		cmd="make compare"
		[ "$spec" != "default tree" ] && cmd="$cmd PATCHED=${spec#"$top"/}"
		[ "$ic" = shift=0 ] && cmd="$cmd ICOUNT=1"
		[ "$rounds" != 10 ] && cmd="$cmd ROUNDS=$rounds"
		echo
		echo "### \`$cmd\`"
		echo
		echo "$( [ "$spec" = "default tree" ] && echo "A/A: both sides the same tree" || echo "PATCHED: $spec"); $( [ "$ic" = shift=0 ] && echo instruction-count mode || echo plain emulation); $( [ "$mode" = modules ] && echo "modules swapped in one boot" || echo "boots alternated"); $rounds rounds; ${wall} s of emulation; run of $(jq -r '.date' "$env"), exitbench $(jq -r '.exitbench_commit' "$env")."
		echo
		# compare.md without its title, side lines and plots (results/ is not in the repository)
		sed -e '1,/^- \*\*patched\*\*/d' -e '/^## Distributions/,$d' "$d/compare.md" | sed '/./,$!d'
	done
} >RESULTS.md.tmp
mv RESULTS.md.tmp RESULTS.md
echo "RESULTS.md: comparisons from ${runs[*]}"
