# shellcheck shell=bash
# What the integration tests share (sourced): counted checks, a jq test, the last line.
pass=0 fail=0

# check "what" command...: run the command; print "ok   - what" or "FAIL - what" and count
# it. Returns 0 either way: a failed check is counted, it does not end the test (set -e).
check() {
	local what=$1
	shift
	if "$@"; then
		echo "ok   - $what"
		pass=$((pass + 1))
	else
		echo "FAIL - $what"
		fail=$((fail + 1))
	fi
}

# jqr [jq options] FILTER FILE...: jq -e's verdict on FILTER (its output discarded)
jqr() { jq -e "$@" >/dev/null 2>&1; }

# it_done NAME [LOG...]: on a failure the last lines of each LOG, then the last line,
# "NAME: N passed, N failed" (tests/check.sh adds these up); status 0 when none failed
it_done() {
	local name=$1 f
	shift
	if [ $fail != 0 ]; then
		for f in "$@"; do
			[ -f "$f" ] || continue
			echo "--- $f"
			tail -5 "$f"
		done
	fi
	echo "$name: $pass passed, $fail failed"
	[ $fail = 0 ]
}
