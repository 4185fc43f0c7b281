#!/usr/bin/env bash
# make bench-compare: how fast `exitbench compare A B` is on plain samples, against Debian's
# ministat on the same files (issue 10's target: at most ministat's time at every size).
# The samples: 10,000, 100,000, 1,000,000 and 7,000,000 values a side, normal-ish noise (a
# sum of four uniforms) of sd 5 around 590, B shifted by +1 (+0.17%), three decimals a value;
# the uniforms come from a Park-Miller generator in awk's exact integer arithmetic, so every
# awk writes the same files. The two tools run on the same pair of files, in turn, several
# times (after a run of each that is not counted); the table shows each one's median wall
# time. Exit status 1 when exitbench is slower than ministat at some size.
# usage: scripts/compare-bench.sh [DIR]   (DIR keeps the samples for the next run; default a
#        temporary directory, removed)
#   MINISTAT=path   the ministat to run (default: ministat on PATH; make deps installs it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$root/$O ;; esac
exitbench=$O/exitbench
ministat=${MINISTAT:-$(command -v ministat || true)}
[ -x "$exitbench" ] || { echo "compare-bench: $exitbench not built (make tools)" >&2; exit 2; }
[ -n "$ministat" ] && [ -x "$ministat" ] ||
	{ echo "compare-bench: ministat not found: make deps installs it (Debian package ministat), or set MINISTAT" >&2; exit 2; }

if [ $# -ge 1 ]; then
	w=$1
	mkdir -p "$w"
else
	w=$(mktemp -d /tmp/exitbench-compare-bench.XXXXXX)
	trap 'rm -rf "$w"' EXIT
fi

# gen N MEAN SEED FILE: N values, mean MEAN, sd 5, three decimals
gen() {
	[ -s "$4" ] && [ "$(wc -l <"$4")" = "$1" ] && return 0
	awk -v n="$1" -v mean="$2" -v x="$3" 'BEGIN {
		m = 2147483647; k = 5 * sqrt(3)	# four uniforms: variance 1/3; sd 5
		for (i = 0; i < n; i++) {
			s = 0
			for (j = 0; j < 4; j++) {
				x = (x * 16807) % m
				s += x / m
			}
			printf "%.3f\n", mean + (s - 2) * k
		}
	}' >"$4.tmp"
	mv "$4.tmp" "$4"
}

# run1 CMD...: one run's wall time in seconds (output discarded; an exit status above 1 is
# a failure: 1 is exitbench's "regression beyond the threshold")
run1() {
	local s e rc=0
	s=$EPOCHREALTIME
	"$@" >/dev/null 2>"$w/err" || rc=$?
	e=$EPOCHREALTIME
	[ $rc -le 1 ] || { echo "compare-bench: $* failed: $(head -1 "$w/err")" >&2; exit 1; }
	awk -v a="$s" -v b="$e" 'BEGIN { printf "%.4f\n", b - a }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "compare-bench: machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory; ministat: $ministat"
printf '%-11s %-9s %5s %13s %12s %8s\n' "values/side" "file" "runs" "exitbench s" "ministat s" "ratio"
slower=0
for n in 10000 100000 1000000 7000000; do
	gen "$n" 590 12345 "$w/a-$n"
	gen "$n" 591 67890 "$w/b-$n"
	reps=$((n <= 100000 ? 21 : n <= 1000000 ? 7 : 5))
	# a run of each first (the files in the page cache), then the two in turn
	run1 "$exitbench" compare "$w/a-$n" "$w/b-$n" >/dev/null
	run1 "$ministat" "$w/a-$n" "$w/b-$n" >/dev/null
	: >"$w/te"
	: >"$w/tm"
	for ((r = 0; r < reps; r++)); do
		run1 "$exitbench" compare "$w/a-$n" "$w/b-$n" >>"$w/te"
		run1 "$ministat" "$w/a-$n" "$w/b-$n" >>"$w/tm"
	done
	te=$(median <"$w/te")
	tm=$(median <"$w/tm")
	size=$(du -k --apparent-size "$w/a-$n" | awk '{ printf ($1 < 1024 ? "%d KiB" : "%.0f MiB"), ($1 < 1024 ? $1 : $1 / 1024) }')
	printf '%-11s %-9s %5s %13s %12s %8s\n' "$n" "$size" "$reps" "$te" "$tm" \
		"$(awk -v a="$te" -v b="$tm" 'BEGIN { printf "%.2f", a / b }')"
	awk -v a="$te" -v b="$tm" 'BEGIN { exit !(a > b) }' && slower=1
done
# the two verdicts on the largest pair, for the record (ministat: Student's t, pooled sd;
# exitbench: Welch's interval)
echo "compare-bench: 7,000,000 a side, exitbench: $("$exitbench" compare "$w/a-7000000" "$w/b-7000000" | grep '^sample:' | sed 's/^sample: //')"
echo "compare-bench: 7,000,000 a side, ministat: $("$ministat" -A "$w/a-7000000" "$w/b-7000000" | sed -n '/confidence/,$p' | tr -s '\t\n' '  ')"
[ $slower = 0 ] || { echo "compare-bench: exitbench compare was slower than ministat at some size" >&2; exit 1; }
