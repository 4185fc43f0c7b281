#!/usr/bin/env bash
# make check: unit tests, a bounded fuzz run of the parsers, then the integration test;
# the last line counts them all.
set -u
O=${O:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
make --no-print-directory O="$O" unit-check 2>&1 | tee "$log"
unit_rc=${PIPESTATUS[0]}
make --no-print-directory O="$O" fuzz-check 2>&1 | tee -a "$log"
fuzz_rc=${PIPESTATUS[0]}
make --no-print-directory O="$O" integration-check 2>&1 | tee -a "$log"
int_rc=${PIPESTATUS[0]}
sum() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p" "$log" | tail -1; }
read -r up uf <<<"$(sum unit)"
read -r fp ff <<<"$(sum fuzz)"
read -r ip if_ <<<"$(sum integration)"
read -r cp cf <<<"$(sum compare)"
read -r np nf <<<"$(sum instrumented)"
ip=$((${ip:-0} + ${cp:-0} + ${np:-0})) if_=$((${if_:-0} + ${cf:-0} + ${nf:-0}))
up=${up:-0} uf=${uf:-0} fp=${fp:-0} ff=${ff:-0} ip=${ip:-0} if_=${if_:-0}
# a part that failed without reaching its count line is one failure more
[ "$unit_rc" != 0 ] && [ "$uf" = 0 ] && uf=1
[ "$fuzz_rc" != 0 ] && [ "$ff" = 0 ] && ff=1
[ "$int_rc" != 0 ] && [ "$if_" = 0 ] && if_=1
echo "check: $((up + fp + ip)) passed, $((uf + ff + if_)) failed"
[ $((uf + ff + if_)) = 0 ]
