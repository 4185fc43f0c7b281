#!/usr/bin/env bash
# make check: build every test program once (in parallel), then the unit tests, a
# time-bounded fuzz run of the parsers, and the integration tests on the emulated host.
# Each part ends with its own "NAME: N passed, N failed" line; the last line totals them.
set -uo pipefail
O=${O:-build}
MAKE=${MAKE:-make}
jobs=$(nproc 2>/dev/null || echo 2)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
total_start=$SECONDS

# part NAME TARGET: run one make target, its output to the terminal and the log; a part that
# fails without printing its count line counts as one failure
extra_fail=0
part() {
	local name=$1 target=$2 t0=$SECONDS rc
	echo "==> $name" >&2
	$MAKE --no-print-directory O="$O" "$target" 2>&1 | tee "$log.part"
	rc=${PIPESTATUS[0]}
	cat "$log.part" >>"$log"
	if [ "$rc" != 0 ] && ! grep -qE '^[a-z][a-z-]*: [0-9]+ passed, [1-9][0-9]* failed$' "$log.part"; then
		echo "$name: failed (exit $rc) before it could count its checks"
		extra_fail=$((extra_fail + 1))
	fi
	echo "==> $name: $((SECONDS - t0)) s" >&2
	rm -f "$log.part"
}

echo "==> building the tests, the tools, the runner and the guests (-j$jobs)" >&2
if ! $MAKE --no-print-directory -j"$jobs" O="$O" unit-tests fuzz-targets tools runner test-guests ppc64-tools; then
	echo "check: 0 passed, 1 failed (the build failed)"
	exit 1
fi
part unit unit-check
part fuzz fuzz-check
part integration integration-check

read -r pass fail < <(sed -nE 's/^[a-z][a-z-]*: ([0-9]+) passed, ([0-9]+) failed$/\1 \2/p' "$log" |
	awk '{p += $1; f += $2} END {print p + 0, f + 0}')
fail=$((fail + extra_fail))
echo "check: $pass passed, $fail failed in $((SECONDS - total_start)) s"
[ "$fail" = 0 ]
