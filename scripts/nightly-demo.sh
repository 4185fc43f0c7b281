#!/usr/bin/env bash
# make nightly-demo: the nightly run's whole replay on the synthetic kernel history
# (tests/nightly/make-tree.sh): nights c0 c1 c3 c5 of it, both modes, the nightly suite;
# c2 (+32 instructions on every guest entry) and c4 (-16) fall between nights, so the
# nightly finds two changes, confirms each A/B and bisects each to its commit. Then the
# alerts, the page in DEMO (default results/nightly-demo; its index.html), checked in
# headless chromium with a screenshot of the index beside it (index.png).
# The demo starts from an empty history each time. Exit status: the nightly's (1: the
# regression it finds), or 2 when the page check fails.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
out=${DEMO:-results/nightly-demo}
tree=$(tests/nightly/make-tree.sh)
rm -rf "$out"
mkdir -p "$out"
step "nightly demo: nights c0 c1 c3 c5 of $tree into $out"
start=$(date +%s)
rc=0
env -u REF -u RUNS -u SITE -u CONFIG TREE="$tree" NIGHTS="c0 c1 c3 c5" MODES="icount plain" \
	HISTORY="$out/history.db" SUITE=configs/suites/nightly scripts/nightly.sh || rc=$?
step "nightly demo: the nightly exited $rc after $(( $(date +%s) - start )) s"
"$O/exitbench" history show --history "$out/history.db"
"$O/exitbench" history alerts --history "$out/history.db"
"$O/exitbench" history alerts --json --history "$out/history.db" >"$out/alerts.json"
step "checking the page in headless chromium"
python3 tests/page/check-page.py "$out" "$out/index.png" | tail -1 | grep -q ' 0 failed$' ||
	{ echo "exitbench: the demo's page did not pass the browser check (tests/page/check-page.py $out)" >&2; exit 2; }
echo "page: $out/index.html (screenshot $out/index.png); alerts: $out/alerts.json"
exit $rc
