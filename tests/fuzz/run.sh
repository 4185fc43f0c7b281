#!/usr/bin/env bash
# Run each libFuzzer target from its seed corpus (tests/fuzz/corpus/<target>/) for at most
# RUNS inputs or SECONDS seconds, whichever comes first; a crash, leak, timeout or sanitizer
# report fails it (the crashing input is kept and named).
# usage: run.sh RUNS SECONDS BINARY...    last line: "fuzz: N passed, N failed"
set -uo pipefail
runs=$1 secs=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
for bin in "$@"; do
	t=$(basename "$bin")
	work=$(mktemp -d)
	cp "$here/corpus/$t"/* "$work/" 2>/dev/null || true
	# -seed: the same inputs every time, so a failure reproduces
	if "$bin" -seed=1 -runs="$runs" -max_total_time="$secs" -max_len=16384 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
		done_runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 inputs in \2 s/p' "$work.log" | tail -1)
		echo "fuzz: $t: ${done_runs:-$runs inputs}, no crash ($(grep -o 'cov: [0-9]*' "$work.log" | tail -1))"
		pass=$((pass + 1))
	else
		echo "fuzz: $t FAILED; log $work.log, crashing input:"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$work.log"
		ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null | head -3
		fail=$((fail + 1))
		continue
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $pass passed, $fail failed"
[ $fail = 0 ]
