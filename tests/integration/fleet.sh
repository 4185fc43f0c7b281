#!/usr/bin/env bash
# The fleet's ends without Buildbot running (make fleet-demo runs the real master and
# workers): scripts/fleet.sh on synthetic nights of two hosts (tests/page/gen-results.py),
# packed on each "host", ingested into one history on the "master", marked uploaded; a
# night of another host, a path that leaves its folder and a file that is no tar refused
# with one line, nothing stored; the page with a section per host; and
# configs/buildbot/master.cfg through `buildbot checkconfig` with a fleet of two workers, and
# with a fleet.json that has a typo. A few seconds. Last line "fleet: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
eb=$O/exitbench
tmp=$(mktemp -d /tmp/exitbench-fleet.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fleet=$tmp/fleet
nights() { "$eb" history show --history "$fleet/history.db" | awk 'NR > 1' | wc -l; }

# (power8-a's pvr takes 32 instructions more from the third night on)
for h in power8-a power9-b; do
	python3 tests/page/gen-results.py "$tmp/$h" --nights 3 --modes icount --benchmarks null,pvr \
		--runs 3 --batches 10 --traced 1 --host "$h" --commit-dirs \
		$([ $h = power9-b ] || echo --step 2:pvr:16.384)
done
# power8-a's own history, as its nightly keeps it: the step found, confirmed A/B, blamed
wh=$tmp/power8-a.db
for n in "$tmp"/power8-a/*/night.json; do "$eb" history import --history "$wh" --night "$n" >/dev/null; done
"$eb" history detect --history "$wh" --candidates "$tmp/cand" >/dev/null 2>&1 || true
IFS=$'\t' read -r fp mode before after cb ca benches <"$tmp/cand"
"$eb" history confirm --history "$wh" --fp "$fp" --mode "$mode" --before "$before" --after "$after" \
	"$tmp/power8-a/${cb:0:12}/icount-stock/results.json" "$tmp/power8-a/${ca:0:12}/icount-stock/results.json" \
	--comparison /host/runs/confirm/x >/dev/null || true
"$eb" history blame --history "$wh" --fp "$fp" --mode "$mode" --before "$before" --after "$after" \
	--commit "$ca" --subject "the step" --how "the nights are one commit apart" >/dev/null
"$eb" history alerts --json --history "$wh" >"$tmp/host-alerts.json"
check "power8-a's own history: an alert on pvr (the setup of what follows)" \
	jqr 'length == 1 and .[0].benchmark == "pvr" and .[0].verdict == "regression"' "$tmp/host-alerts.json"
# (one of a night's runs keeps something that does not travel)
: >"$(ls -d "$tmp"/power8-a/*/ | head -1)/icount-stock/trace.dat"

check "pack: the host's 3 nights, night.json and its runs' results.json (4), no trace" \
	bash -c "scripts/fleet.sh pack '$tmp/power8-a' '$tmp/a.tar' '$tmp/a.list' '$wh' power8-a 2>/dev/null && tar -tf '$tmp/a.tar' | grep -qx changes.json &&
		[ \$(wc -l <'$tmp/a.list') = 3 ] && [ \$(tar -tf '$tmp/a.tar' | grep -c '/night.json$') = 3 ] &&
		[ \$(tar -tf '$tmp/a.tar' | grep -c '/results.json$') = 4 ] && ! tar -tf '$tmp/a.tar' | grep -q trace.dat"
scripts/fleet.sh pack "$tmp/power9-b" "$tmp/b.tar" "$tmp/b.list" 2>/dev/null
check "ingest: another host's nights uploaded by power8-a refused, exit 2, one line, nothing stored" \
	bad 2 "measured on host 'power9-b', uploaded by worker 'power8-a'" \
	scripts/fleet.sh ingest "$tmp/b.tar" power8-a "$fleet"
check "... no history, no page, no nights kept" \
	bash -c "[ ! -e '$fleet/history.db' ] && [ ! -e '$fleet/site' ] && [ -z \"\$(ls -A '$fleet/nights' 2>/dev/null | grep -v '^\.')\" ]"
check "ingest: power8-a's nights stored, the page written" \
	bash -c "scripts/fleet.sh ingest '$tmp/a.tar' power8-a '$fleet' 2>/dev/null && [ \$('$eb' history show --history '$fleet/history.db' | awk 'NR > 1' | wc -l) = 3 ] &&
		[ -s '$fleet/site/index.html' ] && [ -s \"\$(ls -d '$fleet'/nights/power8-a/*/ | head -1)/icount-stock/results.json\" ]"
"$eb" history alerts --json --history "$fleet/history.db" >"$tmp/fleet-alerts.json"
check "... with its changes: power8-a's alert, as the host confirmed and blamed it" \
	jqr --slurpfile h "$tmp/host-alerts.json" 'length == 1 and (.[0] | del(.id, .fp, .night_before, .night_after, .fingerprint)) ==
		($h[0][0] | del(.id, .fp, .night_before, .night_after, .fingerprint))' "$tmp/fleet-alerts.json"
check "... each night's build log where the master keeps it" \
	jqr --arg d "$fleet/nights/power8-a/" '.build_log | startswith($d)' "$(ls "$fleet"/nights/power8-a/*/night.json | head -1)"
check "mark: the 3 nights uploaded, packed again: none" \
	bash -c "scripts/fleet.sh mark '$tmp/power8-a' '$tmp/a.list' 2>/dev/null &&
		scripts/fleet.sh pack '$tmp/power8-a' '$tmp/a2.tar' '$tmp/a2.list' 2>/dev/null && [ ! -s '$tmp/a2.list' ] && [ -z \"\$(tar -tf '$tmp/a2.tar')\" ]"
check "ingest: power9-b's nights beside them, the same commits: 6 nights" \
	bash -c "scripts/fleet.sh ingest '$tmp/b.tar' power9-b '$fleet' 2>/dev/null && [ \$('$eb' history show --history '$fleet/history.db' | awk 'NR > 1' | wc -l) = 6 ]"
check "the same tar again (an upload not marked): no night twice" \
	bash -c "scripts/fleet.sh ingest '$tmp/b.tar' power9-b '$fleet' 2>/dev/null && [ $(nights) = 6 ]"
id=$(jq '.[0].id' "$tmp/fleet-alerts.json")
"$eb" history ack "$id" --history "$fleet/history.db"
scripts/fleet.sh pack "$tmp/power8-a" "$tmp/a3.tar" "$tmp/a3.list" "$wh" power8-a 2>/dev/null
check "power8-a's changes again (every upload): the alert acknowledged on the master stays so, not twice" \
	bash -c "scripts/fleet.sh ingest '$tmp/a3.tar' power8-a '$fleet' 2>/dev/null &&
		'$eb' history alerts --json --history '$fleet/history.db' | jq -e 'length == 1 and .[0].state == \"ack\"' >/dev/null"
check "the page: power8-a's alert, in power8-a's section, and named with its host in the open alerts" \
	bash -c "grep -q 'pvr (icount, on power8-a): ' '$fleet/site/index.html' && sed -n '/id=\"host-power8-a\"/,/id=\"host-power9-b\"/p' '$fleet/site/index.html' | grep -q 'alerts.html#alert-$id'"
check "the page: a section per host, each host's environment in its own" \
	bash -c "grep -q '<h2 id=\"host-power8-a\">Host power8-a</h2>' '$fleet/site/index.html' &&
		grep -q '<h2 id=\"host-power9-b\">Host power9-b</h2>' '$fleet/site/index.html' &&
		grep -q '2 hosts: ' '$fleet/site/index.html' &&
		[ \$(sed -n '/id=\"host-power8-a\"/,/id=\"host-power9-b\"/p' '$fleet/site/index.html' | grep -c '<h3 id=\"env-.*power8-a: ') -ge 1 ] &&
		[ \$(sed -n '/id=\"host-power9-b\"/,\$p' '$fleet/site/index.html' | grep -c '<h3 id=\"env-.*power8-a: ') = 0 ]"

# bad tars
mkdir -p "$tmp/evil/aaaaaaaaaaaa"
echo '{}' >"$tmp/evil/aaaaaaaaaaaa/night.json"
tar -C "$tmp/evil" -cf "$tmp/evil.tar" --transform 's,^aaaaaaaaaaaa,aaaaaaaaaaaa/../../escape,' aaaaaaaaaaaa/night.json
check "ingest: a path that leaves its folder refused, exit 2, nothing stored" \
	bash -c "$(declare -f bad); tmp='$tmp'; bad 2 'leaves its folder' scripts/fleet.sh ingest '$tmp/evil.tar' power8-a '$fleet' && [ ! -e '$fleet/escape' ] && [ $(nights) = 6 ]"
mkdir -p "$tmp/other"
"$eb" history export-changes --history "$wh" --host power8-a -o "$tmp/other/changes.json" 2>/dev/null
tar -C "$tmp/other" -cf "$tmp/other.tar" changes.json
check "ingest: power8-a's changes uploaded by power9-b refused, exit 2, one line" \
	bad 2 "changes.json holds host 'power8-a's changes, uploaded by worker 'power9-b'" \
	scripts/fleet.sh ingest "$tmp/other.tar" power9-b "$fleet"
echo '{"exitbench_changes": 1, "host": "power9-b", "changes": [{"fingerprint": []}]}' >"$tmp/bad-changes.json"
check "history import-changes: a malformed change, exit 2, one line" \
	bad 2 "bad-changes.json: change 0" "$eb" history import-changes --history "$fleet/history.db" --host power9-b "$tmp/bad-changes.json"
echo "not a tar" >"$tmp/junk.tar"
check "ingest: a file that is not a tar refused, exit 2, one line" \
	bad 2 "not a tar archive" scripts/fleet.sh ingest "$tmp/junk.tar" power8-a "$fleet"
check "ingest: a worker name that is not one refused" \
	bad 2 "a worker's name" scripts/fleet.sh ingest "$tmp/a.tar" "../x" "$fleet"

# the master's configuration, as Buildbot reads it
mkdir -p "$tmp/master"
ln -s "$top/configs/buildbot/master.cfg" "$tmp/master/master.cfg"
cat >"$tmp/master/fleet.json" <<EOF
{"fleet_dir": "$tmp/fleet", "port": "tcp:0:interface=127.0.0.1", "tree": "/srv/linux",
 "ref": "kvm-ppc-next", "source": {"repo": "$top", "branch": "main"},
 "workers": [{"name": "power8-a", "password": "a"},
             {"name": "power9-b", "password": "b", "env": {"MODES": "plain"}}]}
EOF
check "buildbot checkconfig: master.cfg with a fleet of two workers" \
	bash -c "buildbot checkconfig '$tmp/master' >'$tmp/checkconfig.out' 2>&1"
check "... and with configs/buildbot/fleet.example.json, as the README deploys it" \
	bash -c "EXITBENCH_FLEET='$top/configs/buildbot/fleet.example.json' buildbot checkconfig '$tmp/master' >'$tmp/example.out' 2>&1"
sed 's/"ref"/"reff"/' "$tmp/master/fleet.json" >"$tmp/master/typo.json"
check "... a fleet.json with an unknown key: refused, naming it" \
	bash -c "! EXITBENCH_FLEET='$tmp/master/typo.json' buildbot checkconfig '$tmp/master' >'$tmp/typo.out' 2>&1 &&
		grep -q 'unknown key(s) reff' '$tmp/typo.out'"

it_done fleet "$tmp/err" "$tmp/checkconfig.out" "$tmp/typo.out"
