#!/usr/bin/env bash
# Run cmocka test programs; last line: "N passed, N failed" over all of them.
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1); rc=$?
	echo "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' <<<"$out" | tail -1)
	pass=$((pass + ${p:-0})); fail=$((fail + ${f:-0}))
	# a crash before cmocka's summary is a failure too
	[ $rc != 0 ] && [ -z "$f" ] && fail=$((fail + 1))
done
echo "unit: $pass passed, $fail failed"
[ $fail = 0 ]
