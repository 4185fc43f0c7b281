#!/usr/bin/env bash
# make fleet-demo: the fleet under Buildbot (configs/buildbot/master.cfg) on this machine: a
# master and two workers over loopback, each worker a "benchmark host" (power8-emu-a,
# power8-emu-b) that runs the nightly on the emulated POWER8 (instruction-count mode, the
# small suite tests/suites/fleet, no phases) from its own checkout of this repository
# (Buildbot's Git step: the committed HEAD, not uncommitted changes).
# `buildbot sendchange` hands the master three revisions of the synthetic kernel history
# (tests/nightly/make-tree.sh), c0, c1 and c3 (c2, between them, adds 32 instructions to
# every guest entry); each worker measures them, finds the change at c3, confirms it A/B and
# bisects it to c2 on its own, uploads its nights and changes, and the master ingests them
# into one history and writes one page. Then the checks: both workers attached, six builds
# (c3's with warnings: a new confirmed regression), the six nights in the fleet's history
# under two hosts with their own environments, each host's alerts blamed to c2, the page
# with a section per host (in headless chromium), and a night sent again not stored twice.
# Everything stays in DEMO (default results/<date>-fleet-demo): master/ (its twistd.log,
# state.sqlite), workers/<name>/ (each builder's checkout, history and runs), fleet/
# (history.db, site/index.html, nights/<host>/). Last line "fleet-demo: N passed, N failed".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
. tests/integration/lib.sh
O=${O:-build}
eb=$top/$O/exitbench
demo=${DEMO:-results/$(date -u +%Y%m%d-%H%M%S)-fleet-demo}
mkdir -p "$demo"
demo=$(cd "$demo" && pwd)
workers="power8-emu-a power8-emu-b"
timeout_s=${FLEET_DEMO_TIMEOUT:-3600}
t_start=$(date +%s)

command -v buildbot >/dev/null && command -v buildbot-worker >/dev/null ||
	die "no buildbot/buildbot-worker: scripts/install-deps.sh fleet"
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	step "uncommitted changes: the workers check out the committed HEAD, without them"
tree=$(tests/nightly/make-tree.sh)
rev() { git -C "$tree" rev-parse "$1"; }

# a free loopback port for the workers and sendchange
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
secret=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')

stop_all() {
	for w in $workers; do
		[ ! -f "$demo/workers/$w/twistd.pid" ] || buildbot-worker stop "$demo/workers/$w" >/dev/null 2>&1 || true
	done
	[ ! -f "$demo/master/twistd.pid" ] || buildbot stop "$demo/master" >/dev/null 2>&1 || true
}
trap stop_all EXIT

# ---- the master: master.cfg linked from this checkout, its fleet.json ----
step "fleet demo in $demo: a master on 127.0.0.1:$port, workers $workers"
rm -rf "$demo/master" "$demo/workers" "$demo/fleet" "$demo/exitbench.git"
# what the workers clone: HEAD, on a branch of a repository of the demo's own (HEAD may be
# detached, as in CI)
git init -q --bare "$demo/exitbench.git"
git push -q "$demo/exitbench.git" "HEAD:refs/heads/demo"
buildbot create-master -q "$demo/master" >"$demo/create-master.log" 2>&1 ||
	{ cat "$demo/create-master.log" >&2; die "buildbot create-master failed"; }
rm -f "$demo/master/master.cfg.sample"
ln -s "$top/configs/buildbot/master.cfg" "$demo/master/master.cfg"
jq -n --arg fleet "$demo/fleet" --arg port "tcp:$port:interface=127.0.0.1" --arg secret "$secret" \
	--arg tree "$tree" --arg repo "$demo/exitbench.git" --arg ws "$workers" '
	{fleet_dir: $fleet, port: $port, change_user: "exitbench", change_password: $secret,
	 tree: $tree, ref: "c0", source: {repo: $repo, branch: "demo"},
	 env: {MODES: "icount", SUITE: "tests/suites/fleet", PHASES: "0"},
	 workers: [$ws | split(" ")[] | {name: ., password: $secret}]}' >"$demo/master/fleet.json"
buildbot checkconfig "$demo/master" >"$demo/checkconfig.log" 2>&1 ||
	{ cat "$demo/checkconfig.log" >&2; die "master.cfg: buildbot checkconfig failed"; }
buildbot start "$demo/master" >"$demo/master-start.log" 2>&1 ||
	{ tail -20 "$demo/master/twistd.log" >&2; die "the master did not start (log: $demo/master/twistd.log)"; }

# ---- the workers ----
for w in $workers; do
	mkdir -p "$demo/workers"
	buildbot-worker create-worker -q "$demo/workers/$w" "127.0.0.1:$port" "$w" "$secret" >/dev/null ||
		die "buildbot-worker create-worker $demo/workers/$w failed"
	echo "exitbench fleet demo" >"$demo/workers/$w/info/admin"
	echo "$w: a benchmark host of the demo (the emulated POWER8 on $(hostname))" >"$demo/workers/$w/info/host"
	buildbot-worker start "$demo/workers/$w" >/dev/null 2>&1 ||
		{ tail -20 "$demo/workers/$w/twistd.log" >&2; die "worker $w did not start"; }
done
for _ in $(seq 1 60); do
	n=0
	for w in $workers; do
		if grep -q "Connected to .*; worker is ready" "$demo/workers/$w/twistd.log" 2>/dev/null; then n=$((n + 1)); fi
	done
	[ $n = 2 ] && break
	sleep 1
done
check "both workers attached to the master" \
	bash -c "for w in $workers; do grep -q \"Connected to .*; worker is ready\" '$demo/workers/'\$w/twistd.log || exit 1; done"

# ---- two revisions, as a hook on the kernel tree would send them ----
db=$demo/master/state.sqlite
sendchange() {	# sendchange TAG: one revision of the tree to measure on every host
	buildbot sendchange --master "127.0.0.1:$port" --auth "exitbench:$secret" --who fleet-demo \
		--vc git --repository "$tree" --branch master --revision "$(rev "$1")" \
		--comments "$(git -C "$tree" log -1 --format=%s "$1")" >/dev/null
}
# wait_builds N: until N builds are complete, with the steps under way every 30 s
wait_builds() {
	local want=$1 done_n last=0 now
	while :; do
		done_n=$(sqlite3 "$db" "SELECT COUNT(*) FROM builds WHERE complete_at IS NOT NULL" 2>/dev/null || echo 0)
		[ "$done_n" -ge "$want" ] && return 0
		now=$(date +%s)
		[ $((now - t_start)) -lt "$timeout_s" ] || { echo "exitbench: the fleet demo's builds took more than $timeout_s s" >&2; return 1; }
		if [ $((now - last)) -ge 30 ]; then
			last=$now
			step "$(( now - t_start )) s: $done_n of $want builds done; under way: $(sqlite3 -separator ' ' "$db" \
				"SELECT bu.name || ' #' || b.number || ' ' || s.name || ';' FROM steps s JOIN builds b ON s.buildid = b.id
				 JOIN builders bu ON b.builderid = bu.id WHERE s.started_at IS NOT NULL AND s.complete_at IS NULL" 2>/dev/null | tr '\n' ' ')"
		fi
		sleep 3
	done
}
step "sendchange: c0, c1, then c3 (each: a night on each host)"
sendchange c0
sendchange c1
sendchange c3
wait_builds 6 || true
results=$(sqlite3 "$db" "SELECT bu.name || ' #' || b.number || ': ' || b.results FROM builds b JOIN builders bu ON b.builderid = bu.id ORDER BY b.id" 2>/dev/null || true)
echo "$results" | sed 's/^/  /'
check "six builds: c0 and c1 a success, c3 warnings (the nightly's exit 1: a new confirmed regression)" \
	bash -c "[ \$(sqlite3 '$db' 'SELECT COUNT(*) FROM builds WHERE complete_at IS NOT NULL AND results = 0') = 4 ] &&
		[ \$(sqlite3 '$db' 'SELECT COUNT(*) FROM builds WHERE complete_at IS NOT NULL AND results = 1') = 2 ]"
hist() { "$eb" history "$@" --history "$demo/fleet/history.db"; }
hist show >"$demo/fleet-nights.txt" 2>&1 || true
cat "$demo/fleet-nights.txt"
check "the fleet's history: c0, c1 and c3 of each host, 6 nights" \
	bash -c "for w in $workers; do for c in $(rev c0 | cut -c1-12) $(rev c1 | cut -c1-12) $(rev c3 | cut -c1-12); do
		[ \$(awk -v c=\$c -v w=\$w '\$2 == c && \$5 == w' '$demo/fleet-nights.txt' | wc -l) = 1 ] || exit 1; done; done"
check "each host under its own environment (fingerprint), never mixed" \
	bash -c "[ \$(sqlite3 '$demo/fleet/history.db' 'SELECT COUNT(DISTINCT host) FROM fingerprints') = 2 ] &&
		[ \$(sqlite3 '$demo/fleet/history.db' 'SELECT COUNT(*) FROM runs r JOIN fingerprints f ON f.id = r.fingerprint_id
			JOIN nights n ON n.id = r.night_id WHERE n.host != f.host') = 0 ]"
hist alerts >"$demo/fleet-alerts.txt" 2>&1 || true
cat "$demo/fleet-alerts.txt"
hist alerts --json >"$demo/fleet-alerts.json" 2>/dev/null || true
check "the alerts: pvr and hcall on each host, +32 instructions, blamed to c2 (bisected on the host)" \
	jqr --arg c2 "$(rev c2)" 'length == 4 and ([.[].benchmark] | sort) == ["hcall", "hcall", "pvr", "pvr"] and
		all(.commit == $c2 and .verdict == "regression" and (.change - 16.384 | fabs) < 0.1 and (.bisect | startswith("bisected")))
		and ([.[].fingerprint | split(":")[0]] | sort) == ["power8-emu-a", "power8-emu-a", "power8-emu-b", "power8-emu-b"]' \
	"$demo/fleet-alerts.json"
check "the page: a section per host, each with its open alerts" \
	bash -c "for w in $workers; do grep -q \"<h2 id=\\\"host-\$w\\\">Host \$w</h2>\" '$demo/fleet/site/index.html' || exit 1; done &&
		[ \$(sed -n '/id=\"host-power8-emu-a\"/,/id=\"host-power8-emu-b\"/p' '$demo/fleet/site/index.html' | grep -c 'alerts.html#alert-') -ge 2 ] &&
		[ \$(sed -n '/id=\"host-power8-emu-b\"/,/id=\"nights\"/p' '$demo/fleet/site/index.html' | grep -c 'alerts.html#alert-') -ge 2 ]"
step "checking the fleet's page in headless chromium"
python3 tests/page/check-page.py "$demo/fleet/site" "$demo/fleet/index.png" \
	--subject "$(git -C "$tree" log -1 --format=%s c1)" >"$demo/page-check.log" 2>&1 || true
check "... it loads in chromium, every plot drawn, nothing from the network" \
	grep -q ' 0 failed$' "$demo/page-check.log"

# ---- a night sent again: measured already on each host, nothing uploaded twice ----
step "sendchange: c1 again"
sendchange c1
wait_builds 8 || true
check "c1 again: two more builds, the history still 6 nights, 4 alerts" \
	bash -c "[ \$(sqlite3 '$db' 'SELECT COUNT(*) FROM builds WHERE complete_at IS NOT NULL AND results = 0') = 6 ] &&
		[ \$('$eb' history show --history '$demo/fleet/history.db' | awk 'NR > 1' | wc -l) = 6 ] &&
		[ \$('$eb' history alerts --json --history '$demo/fleet/history.db' | jq length) = 4 ]"

stop_all
trap - EXIT
step "fleet demo: $(( $(date +%s) - t_start )) s; page $demo/fleet/site/index.html (screenshot $demo/fleet/index.png)"
it_done fleet-demo "$demo/master/twistd.log" "$demo/page-check.log"
