# shellcheck shell=bash
# What the integration tests share (sourced): counted checks, a jq test, the last line.
pass=0 fail=0

# A test under set -e that stops before it_done (a command failed outside a check, in a
# function too: errtrace) still ends with its last line, the failure and where it stopped
# counted: tests/check.sh sees it. A subshell that fails leaves the saying to the test's own
# shell, which fails in turn.
it_pid=$$
it_stopped() {
	local rc=$1 line=$2 cmd=$3
	[ "$BASHPID" = "$it_pid" ] || exit "$rc"
	trap - ERR
	echo "FAIL - $(basename "$0") stopped at line $line (exit $rc): $cmd"
	fail=$((fail + 1))
	echo "$(basename "$0" .sh): $pass passed, $fail failed"
	exit "$rc"
}
case $- in *e*) set -E; trap 'it_stopped $? $LINENO "$BASH_COMMAND"' ERR ;; esac

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

# bad WANT TEXT COMMAND...: COMMAND exits WANT with one "exitbench:" line on stderr that
# holds TEXT (into $tmp/err); else what it gave, and status 1
bad() {
	local want=$1 text=$2 rc=0
	shift 2
	"$@" >/dev/null 2>"$tmp/err" || rc=$?
	[ $rc = "$want" ] && [ "$(grep -c '^exitbench:' "$tmp/err")" = 1 ] && grep -qF -- "$text" "$tmp/err" ||
		{ echo "  got exit $rc: $(head -3 "$tmp/err")"; return 1; }
}

# made_up_power8 DIR RELEASE KBUILD [KSRC]: a made-up POWER8 (pSeries, hash MMU) under DIR
# for native-host.sh's EXITBENCH_ROOT, running kernel RELEASE with kvm-pr among its modules,
# its build tree KBUILD (and source KSRC) linked
made_up_power8() {
	local d=$1 rel=$2
	mkdir -p "$d/proc" "$d/sys/module" "$d/dev" "$d/lib/modules/$rel"
	printf 'processor\t: 0\ncpu\t\t: POWER8 (architected), altivec supported\nrevision\t: 2.0 (pvr 004d 0200)\n\ntimebase\t: 512000000\nplatform\t: pSeries\nmodel\t\t: IBM pSeries (emulated by qemu)\nMMU\t\t: Hash\n' \
		>"$d/proc/cpuinfo"
	printf 'kernel/arch/powerpc/kvm/kvm-pr.ko: kernel/arch/powerpc/kvm/kvm.ko\nkernel/arch/powerpc/kvm/kvm.ko:\n' \
		>"$d/lib/modules/$rel/modules.dep"
	ln -s "$3" "$d/lib/modules/$rel/build"
	[ -z "${4:-}" ] || ln -s "$4" "$d/lib/modules/$rel/source"
}

# jqr [jq options] FILTER FILE...: jq -e's verdict on FILTER (its output discarded)
jqr() { jq -e "$@" >/dev/null 2>&1; }

# it_done NAME [LOG...]: on a failure the last lines of each LOG, then the last line,
# "NAME: N passed, N failed" (tests/check.sh adds these up); status 0 when none failed
it_done() {
	local name=$1 f
	shift
	trap - ERR
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

# nightly_env TMP: the nightly tests' synthetic kernel history (tests/nightly/make-tree.sh)
# into $tree, `c TAG` its commit ids, and their settings exported (a history under TMP, the
# small suite, instruction-count mode); the settings a make that runs the test may have
# exported are not the test's
nightly_env() {
	tree=$(tests/nightly/make-tree.sh)
	export TREE=$tree HISTORY=$1/n/history.db SUITE=tests/suites/nightly MODES=icount O
	unset REF NIGHTS SITE RUNS CONFIG THRESHOLD FLOOR PHASES CONFIRM BISECT HOST_NAME ROUNDS_ICOUNT \
		ROUNDS_PLAIN CONFIRM_MAXTIME UNTIL MAXTIME ROUNDS ARCHES EXITBENCH_ARCH
	c() { git -C "$tree" rev-parse "$1"; }
}
