#!/usr/bin/env bash
# Integration test of the nightly run on a synthetic kernel history (tests/nightly/make-tree.sh:
# Debian's linux-source-6.1 and a few commits, c2 adding 32 instructions to every guest
# entry), instruction-count mode, a small suite: bad input refused with one line; a night
# killed at each stage (build, run, store, in the middle of the store's transaction, page)
# and started again keeps the history whole, no night twice; a second nightly waits for the
# first; a replay over c0 c1 c3 raises exactly the expected alerts, bisected to c2, with the
# phase that moved. Last line "nightly: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
eb=$O/exitbench
tmp=$(mktemp -d /tmp/exitbench-nightly.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

nightly_env "$tmp"
nightly() { env "$@" scripts/nightly.sh; }	# nightly KEY=VALUE...
nights_of() {	# nights_of COMMIT: how many nights of COMMIT the history holds
	"$eb" history show --history "$HISTORY" | awk -v c="${1:0:12}" '$2 == c' | wc -l
}

# --- bad input, before anything is built or stored
check "not a git tree: exit 2, one line" bad 2 "not a git repository" env TREE="$tmp" scripts/nightly.sh
check "a ref that does not exist: exit 2" bad 2 "'no-such-ref' is not a commit" env REF=no-such-ref scripts/nightly.sh
check "a suite with an unknown benchmark: exit 2" bad 2 "unknown benchmark" \
	env SUITE=tests/suites/unknown scripts/nightly.sh
printf 'pvr 590.30\n' >"$tmp/text.db"
cp "$tmp/text.db" "$tmp/text.keep"
check "a history that is not SQLite: exit 2" bad 2 "not an SQLite database" \
	env HISTORY="$tmp/text.db" scripts/nightly.sh
check "... and left as it was" cmp -s "$tmp/text.db" "$tmp/text.keep"
sqlite3 "$tmp/newer.db" "PRAGMA application_id = $((0x45584248)); PRAGMA user_version = 9; CREATE TABLE meta(k);"
check "a history of a newer schema: exit 2" bad 2 "schema 9 is newer" env HISTORY="$tmp/newer.db" scripts/nightly.sh
printf 'TREE=%s\nTRESHOLD=2\n' "$tree" >"$tmp/typo.conf"
check "a config file with an unknown key: exit 2" bad 2 "unknown key TRESHOLD" env CONFIG="$tmp/typo.conf" scripts/nightly.sh
printf 'TREE=%s\nREF=c0\n' "$tree" >"$tmp/ref.conf"
check "a CONFIG's REF gives way to NIGHTS from the environment (a change's revision), not both refused" \
	bad 2 "NIGHTS: 'no-such-rev' is not a commit" env CONFIG="$tmp/ref.conf" NIGHTS=no-such-rev scripts/nightly.sh
check "nothing stored by bad input" [ ! -e "$HISTORY" ]

# --- the first night
rc=0
nightly REF=c0 >"$tmp/c0.out" 2>"$tmp/c0.err" || rc=$?
check "night c0: exit 0" [ $rc = 0 ]
check "night c0: stored, with its runs" bash -c "'$eb' history show --history '$HISTORY' | grep -q '$(c c0 | cut -c1-12) *ok'"

# --- a revision that does not build: recorded as such, with its log
rc=0
nightly NIGHTS=broken >"$tmp/broken.out" 2>"$tmp/broken.err" || rc=$?
check "a revision that does not build: exit 2, the night kept as failed" \
	bash -c "[ $rc = 2 ] && '$eb' history show --history '$HISTORY' | grep -q '$(c broken | cut -c1-12) *failed'"
check "... its build log kept" bash -c "grep -q 'this line is not C' '$tmp'/n/runs/$(c broken | cut -c1-12)/build.log"

# --- killed at each stage, then started again: the history stays whole, no night twice
for stage in build run store; do
	rc=0
	EXITBENCH_NIGHTLY_KILL_AT=$stage nightly NIGHTS=c1 >"$tmp/kill-$stage.out" 2>&1 || rc=$?
	check "killed at '$stage': it died" [ $rc = 137 ]
	ok=0
	"$eb" history check --history "$HISTORY" && [ "$(nights_of "$(c c0)")" = 1 ] &&
		[ "$(nights_of "$(c c1)")" = 0 ] && ok=1
	check "... the history opens, c0 in it once, c1 not" [ $ok = 1 ]
done
rc=0
EXITBENCH_TEST_DIE_BEFORE_COMMIT=1 nightly NIGHTS=c1 >"$tmp/kill-commit.out" 2>&1 || rc=$?
check "killed inside the store's transaction: it failed" [ $rc != 0 ]
check "... nothing of that night in the history" [ "$(nights_of "$(c c1)")" = 0 ]
rc=0
EXITBENCH_NIGHTLY_KILL_AT=page nightly NIGHTS=c1 >"$tmp/kill-page.out" 2>&1 || rc=$?
check "killed at 'page': it died after the store" bash -c "[ $rc = 137 ] && [ $(nights_of "$(c c1)") = 1 ]"
rc=0
nightly NIGHTS=c1 >"$tmp/again.out" 2>"$tmp/again.err" || rc=$?
check "started again: exit 0, the night is not measured again" \
	bash -c "[ $rc = 0 ] && grep -q 'in the history already' '$tmp/again.err'"
check "c0 and c1 once each" bash -c "[ $(nights_of "$(c c0)") = 1 ] && [ $(nights_of "$(c c1)") = 1 ]"
check "the page written" [ -s "$tmp/n/index.html" ]

# --- two nightlies on one history: the second waits, then finds the night done
nightly NIGHTS=c3 >"$tmp/first.out" 2>"$tmp/first.err" &
first=$!
for _ in $(seq 1 100); do
	! flock -n "$HISTORY.lock" true || { sleep 0.2; continue; }
	break
done
rc2=0
nightly NIGHTS=c3 >"$tmp/second.out" 2>"$tmp/second.err" || rc2=$?
rc1=0
wait "$first" || rc1=$?
check "the second nightly said it waits for the first" grep -q 'another nightly is using' "$tmp/second.err"
check "the first measured c3, the second found it done" \
	bash -c "grep -q 'in the history already' '$tmp/second.err' && [ $(nights_of "$(c c3)") = 1 ]"

# --- the replay c0 c1 c3: exactly the expected alerts, bisected to c2, the phase named
check "the first nightly exits 1: a new confirmed regression" [ $rc1 = 1 ]
check "the second exits 0: nothing new" [ $rc2 = 0 ]
"$eb" history alerts --json --history "$HISTORY" >"$tmp/alerts.json"
check "three alerts: pvr, hcall and pvr-mmu:segments=4 (a parameter's series), nothing for null" \
	jqr '(map(.benchmark) | sort) == ["hcall", "pvr", "pvr-mmu:segments=4"]' "$tmp/alerts.json"
check "each names c2, the first commit with the change (bisected), and its subject" \
	jqr --arg c2 "$(c c2)" 'all(.commit == $c2 and .subject == "KVM: PPC: Book3S PR: pad kvmppc_copy_to_svcpu" and (.bisect | startswith("bisected")))' "$tmp/alerts.json"
check "a regression of 32 instructions (16.384 ticks), interval over it, in icount mode" \
	jqr 'all(.verdict == "regression" and .mode == "icount" and (.change - 16.384 | fabs) < 0.1 and .ci[0] <= .change and .ci[1] >= .change and .change_pct > 1)' "$tmp/alerts.json"
check "the phase that moved: copy_to_svcpu" jqr 'all(.phase == "copy_to_svcpu" and .phase_change > 15)' "$tmp/alerts.json"
check "the A/B confirmation was sequential: it stopped decided, within its budget, the changes proven" \
	jqr '.sequential.decided and .sequential.elapsed_s <= .sequential.budget_s and
		([.benchmarks[].sequential.verdict] | length > 0 and all(. == "regression"))' \
	"$(jq -r '.[0].comparison' "$tmp/alerts.json")/compare.json"
check "the nights around it: c1 -> c3" \
	jqr --arg c1 "$(c c1)" --arg c3 "$(c c3)" 'all(.commit_before == $c1 and .commit_after == $c3)' "$tmp/alerts.json"
id=$(jq '.[0].id' "$tmp/alerts.json")
check "an alert acknowledged" bash -c "'$eb' history ack $id --history '$HISTORY' && '$eb' history alerts --json --history '$HISTORY' | jq -e '.[] | select(.id == $id) | .state == \"ack\"' >/dev/null"
check "an unknown alert id: exit 2" bad 2 "no alert 999" "$eb" history invalid 999 --history "$HISTORY"
check "the page names the alert's commit subject" grep -q 'pad kvmppc_copy_to_svcpu' "$tmp/n/index.html"
check "the page links the parameter's series to a page of its own that names it" \
	bash -c "f=\$(grep -o 'href=\"[^\"]*pvr-mmu[^\"]*\.html\"' '$tmp/n/index.html' | head -1 | sed 's/href=\"\(.*\)\"/\1/') &&
		[ -n \"\$f\" ] && grep -q 'pvr-mmu:segments=4' '$tmp/n/'\"\$f\""

it_done nightly "$tmp/c0.err" "$tmp/first.err" "$tmp/second.err"
