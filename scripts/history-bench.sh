#!/usr/bin/env bash
# make bench-history: how fast the nightly history and its page are, against issue 9's
# targets (each under 30 s on the 2-core build machine):
#   - `exitbench history import` of 1,000 results.json files (given on one command line,
#     each file its own transaction, as a backfill of loose runs imports them)
#   - `exitbench history page` of a history of 365 nights x 7 benchmarks x 2 modes
# The inputs are synthetic (tests/page/gen-results.py): 365 nights of the default suite's 7
# benchmarks with 10 runs of 100 batches each, a stock run in instruction-count mode and one
# under plain emulation every night, and the instrumented kernel's traced run on the last 270
# nights (730 + 270 = 1,000 files); pvr steps up 32 instructions at night 200 and mmio down 80
# at night 300, each change confirmed with the nights' own runs and blamed, so the page has
# alerts to draw. Prints the figures with the sizes of the inputs, the history and the page.
# usage: scripts/history-bench.sh [DIR]   (DIR kept; default a temporary directory, removed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
O=${O:-build}
case $O in /*) ;; *) O=$root/$O ;; esac
exitbench=$O/exitbench
target=30
[ -x "$exitbench" ] || { echo "history-bench: $exitbench not built (make tools)" >&2; exit 2; }

if [ $# -ge 1 ]; then
	w=$1
	rm -rf "$w/nights" "$w/site"
	mkdir -p "$w"
else
	w=$(mktemp -d /tmp/exitbench-history-bench.XXXXXX)
	trap 'rm -rf "$w"' EXIT
fi
hist=$w/site/history.db
mkdir -p "$w/site"

now() { echo "$EPOCHREALTIME"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mib() { du -sk --apparent-size "$@" | awk '{ k += $1 } END { printf "%.1f MiB", k / 1024 }'; }
verdict() { awk -v t="$1" -v m="$target" 'BEGIN { print (t < m ? "under" : "OVER") }'; }

echo "history-bench: generating 365 nights (tests/page/gen-results.py) in $w" >&2
python3 "$root/tests/page/gen-results.py" "$w/nights" --nights 365 --traced 270 --runs 10 \
	--batches 100 --step 200:pvr:16.384 --step 300:mmio:-40.96 \
	--subject '200:KVM: PPC: Book3S PR: an extra save of the SPRs on exit' \
	--subject '300:KVM: PPC: Book3S PR: emulate MMIO without a copy'
mapfile -t files < <(find "$w/nights" -name results.json | sort)
[ "${#files[@]}" = 1000 ] || { echo "history-bench: ${#files[@]} results.json generated, not 1000" >&2; exit 1; }

t0=$(now)
"$exitbench" history import --history "$hist" "${files[@]}" >"$w/import.out"
t1=$(now)
import_s=$(secs "$t0" "$t1")

"$exitbench" history detect --history "$hist" --candidates "$w/candidates" 2>"$w/detect.err"
t2=$(now)
detect_s=$(secs "$t1" "$t2")
# confirm each candidate with the two nights' own runs, blame it to the later night
night_dir() { grep -l "\"commit\": \"$1\"" "$w"/nights/*/night.json | head -1 | xargs dirname; }
while IFS=$'\t' read -r fp mode before after cb ca _; do
	"$exitbench" history confirm --history "$hist" --fp "$fp" --mode "$mode" --before "$before" \
		--after "$after" "$(night_dir "$cb")/$mode-stock/results.json" \
		"$(night_dir "$ca")/$mode-stock/results.json" >/dev/null || true
	subject=$(jq -r .subject "$(night_dir "$ca")/night.json")
	"$exitbench" history blame --history "$hist" --fp "$fp" --mode "$mode" --before "$before" \
		--after "$after" --commit "$ca" --subject "$subject" --how "one commit" 2>/dev/null || true
done <"$w/candidates"
alerts=$("$exitbench" history alerts --history "$hist" --json | jq length)

t3=$(now)
"$exitbench" history page --history "$hist" -o "$w/site" >"$w/page.out"
t4=$(now)
page_s=$(secs "$t3" "$t4")

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "history-bench: machine: $(nproc) cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) memory"
echo "history-bench: import of ${#files[@]} results.json ($(mib "${files[@]}")): ${import_s} s, $(verdict "$import_s") the ${target} s target; $(cat "$w/import.out")"
echo "history-bench: history: $(mib "$hist" "$hist"-wal 2>/dev/null) ($(sed -n 's/^exitbench: //p' "$w/detect.err"); detect ${detect_s} s; $alerts alerts)"
echo "history-bench: page of 365 nights x 7 benchmarks x 2 modes: ${page_s} s, $(verdict "$page_s") the ${target} s target; $(cat "$w/page.out")"
echo "history-bench: page size: $(find "$w/site" \( -name '*.html' -o -name '*.png' -o -name feed.xml \) -exec du -ck --apparent-size {} + | tail -1 | awk '{ printf "%.1f MiB", $1 / 1024 }') ($(find "$w/site" -name '*.html' | wc -l) HTML pages and the feed, $(find "$w/site" -name '*.png' | wc -l) plots), with gnuplot's data and scripts $(mib "$w/site/series/plots" "$w/site"/*.html "$w/site"/feed.xml "$w/site/series"/*.html "$w/site/series"/*.png)"
[ "$(verdict "$import_s")" = under ] && [ "$(verdict "$page_s")" = under ]
