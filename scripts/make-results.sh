#!/usr/bin/env bash
# make results: run the default suite in instruction-count mode and in plain emulation,
# and write RESULTS.md from what those runs printed (tables, net exit cost, environment).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
SUITE=${SUITE:-configs/suites/default}
stamp=$(date -u +%Y%m%d-%H%M%S)
sections=()
for mode in icount plain; do
	icount=0; [ $mode = icount ] && icount=1
	step "default suite, $mode emulation"
	start=$(date +%s)
	RUN_ID=$stamp-$mode-results ICOUNT=$icount SUITE=$SUITE O=$O scripts/bench.sh >/dev/null ||
		die "the $mode run failed; RESULTS.md not written (see results/$stamp-$mode-results)"
	echo $(( $(date +%s) - start )) >"results/$stamp-$mode-results/wall_s"
	sections+=("results/$stamp-$mode-results")
done
{
	echo "# exitbench results"
	echo
	echo "Made by \`make results\` on $(date -u +%Y-%m-%d) from exitbench $(git rev-parse --short=12 HEAD 2>/dev/null)."
	echo "Both runs: the default suite ($SUITE) on an **emulated** POWER8 (QEMU pseries, software"
	echo "emulation) running Debian's linux-source-6.1 with PR KVM, on $(uname -m) $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) cores."
	echo "These are emulator figures, not POWER hardware figures. Regenerate with \`make results\`."
	for d in "${sections[@]}"; do
		echo
		case $d in
		*icount*) echo "## Instruction-count mode (\`make bench ICOUNT=1\`, $(cat "$d/wall_s") s wall for the whole job)" ;;
		*) echo "## Plain emulation (\`make bench\`, $(cat "$d/wall_s") s wall for the whole job)" ;;
		esac
		echo
		# the report without its title and histogram images (results/ is not in the repository)
		sed -e '1,2d' -e '/^## Histograms/,/^## Environment/{/^## Environment/!d}' "$d/report.md" |
			sed 's/^## /### /'
	done
} >RESULTS.md.tmp
mv RESULTS.md.tmp RESULTS.md
echo "RESULTS.md written from ${sections[*]}"
