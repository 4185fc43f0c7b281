#!/usr/bin/env bash
# make check: unit tests, then the integration test; last line counts both.
set -u
O=${O:-build}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
make --no-print-directory O="$O" unit-check 2>&1 | tee "$log"
unit_rc=${PIPESTATUS[0]}
make --no-print-directory O="$O" integration-check 2>&1 | tee -a "$log"
int_rc=${PIPESTATUS[0]}
sum() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p" "$log" | tail -1; }
read -r up uf <<<"$(sum unit)"
read -r ip if_ <<<"$(sum integration)"
up=${up:-0} uf=${uf:-0} ip=${ip:-0} if_=${if_:-0}
# a part that failed without reaching its count line is one failure more
[ "$unit_rc" != 0 ] && [ "$uf" = 0 ] && uf=1
[ "$int_rc" != 0 ] && [ "$if_" = 0 ] && if_=1
echo "check: $((up + ip)) passed, $((uf + if_)) failed"
[ $((uf + if_)) = 0 ]
