#!/usr/bin/env bash
# Run each libFuzzer target for a bounded number of inputs from its seed corpus
# (tests/fuzz/corpus/<target>/); a crash, leak or sanitizer report fails it.
# usage: run.sh RUNS BINARY...    last line: "fuzz: N passed, N failed"
set -u
runs=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
for bin in "$@"; do
	t=$(basename "$bin")
	work=$(mktemp -d)
	cp "$here/corpus/$t"/* "$work/" 2>/dev/null
	# -seed: the same inputs every time, so a failure reproduces
	if "$bin" -seed=1 -runs="$runs" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work" >"$work.log" 2>&1; then
		echo "fuzz: $t: $runs inputs, no crash ($(grep -o 'cov: [0-9]*' "$work.log" | tail -1))"
		pass=$((pass + 1))
	else
		echo "fuzz: $t FAILED; log and crashing input:"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$work.log"
		ls "$work"/crash-* "$work"/leak-* 2>/dev/null | head -3
		fail=$((fail + 1))
		continue
	fi
	rm -rf "$work" "$work.log"
done
echo "fuzz: $pass passed, $fail failed"
[ $fail = 0 ]
