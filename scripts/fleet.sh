#!/usr/bin/env bash
# The fleet's two ends of a night's journey (configs/buildbot/master.cfg runs them; Buildbot
# moves the file between them):
#
#   fleet.sh pack RUNS OUT.tar LIST [HISTORY HOST]
#                                        on a benchmark host, after make nightly: the nights
#                                        of RUNS not uploaded yet, one folder each (night.json,
#                                        build logs, each run's results.json, report and env:
#                                        no trace or record files), their names into LIST;
#                                        with HISTORY, all of HOST's changes and alerts in it
#                                        (changes.json: exitbench history export-changes)
#   fleet.sh ingest TAR HOST FLEET_DIR   on the master: the nights of TAR, which must all be
#                                        HOST's, into FLEET_DIR/nights/HOST/, then into
#                                        FLEET_DIR/history.db (one history, each host its own
#                                        fingerprints), HOST's changes and alerts after them,
#                                        and the page FLEET_DIR/site
#   fleet.sh mark RUNS LIST              on the host, once the master has them: LIST's nights
#                                        uploaded (a night not marked is sent again: importing
#                                        a night twice adds nothing)
#
# Bad input (a tar that is not one, a path that leaves its folder, a night of another host,
# a malformed night) is refused with one line and exit 2, and stores nothing of that tar.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
O=${O:-$top/build}
case $O in /*) ;; *) O=$top/$O ;; esac
eb=$O/exitbench

usage="usage: fleet.sh pack RUNS OUT.tar LIST [HISTORY HOST] | ingest TAR HOST FLEET_DIR | mark RUNS LIST"
[ $# -ge 1 ] || die2 "$usage"
cmd=$1
shift

# the files of a night that travel: what the history imports and what a reader opens
night_files() {	# night_files NIGHT_DIR: paths relative to RUNS, one a line
	local night=$1 name run
	name=$(basename "$night")
	echo "$name/night.json"
	for f in "$night"/*.log; do [ ! -f "$f" ] || echo "$name/$(basename "$f")"; done
	jq -r '.runs[]' "$night/night.json" | while IFS= read -r run; do
		run=$(dirname "$run")
		for f in results.json report.md env.json kernel-variant; do
			[ ! -f "$night/$run/$f" ] || echo "$name/$run/$f"
		done
	done
}

case $cmd in
pack)
	[ $# = 3 ] || [ $# = 5 ] || die2 "$usage"
	runs=$1 out=$2 list=$3 history=${4:-} host=${5:-}
	[ -d "$runs" ] || die2 "RUNS=$runs: no such folder (make nightly has not run here yet)"
	files=$(mktemp)
	trap 'rm -f "$files" "$runs/changes.json"' EXIT
	: >"$list.tmp"
	if [ -n "$history" ]; then
		[ -x "$eb" ] || die "$eb is not built (make tools)"
		"$eb" history export-changes --history "$history" --host "$host" -o "$runs/changes.json" || exit 2
		echo changes.json >>"$files"
	fi
	for night in "$runs"/*/; do
		night=${night%/}
		[ -f "$night/night.json" ] && [ ! -e "$night/.fleet-uploaded" ] || continue
		jq -e '.night_format == 1 and (.runs | type == "array")' "$night/night.json" >/dev/null 2>&1 || {
			echo "exitbench: $night/night.json: not a night of make nightly; left out" >&2
			continue
		}
		night_files "$night" >>"$files"
		basename "$night" >>"$list.tmp"
	done
	tar -C "$runs" -cf "$out.tmp" --files-from="$files"
	mv "$out.tmp" "$out"
	mv "$list.tmp" "$list"
	step "packed $(wc -l <"$list") night(s) not uploaded yet: $(tr '\n' ' ' <"$list")${history:+and the changes of $host }($(du -k "$out" | cut -f1) KiB)"
	;;
ingest)
	[ $# = 3 ] || die2 "$usage"
	tarball=$1 host=$2 fleet=$3
	[ -x "$eb" ] || die "$eb is not built (make tools on the master)"
	[[ $host =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || die2 "host '$host': a worker's name (letters, digits, '.', '_', '-')"
	[ -f "$tarball" ] || die2 "$tarball: no such file"
	listing=$(tar -tf "$tarball" 2>/dev/null) || die2 "$tarball: not a tar archive"
	while IFS= read -r p; do
		[ -n "$p" ] || continue
		case /$p/ in
		*/../* | //*) die2 "$tarball: '$p' leaves its folder; nothing of it stored" ;;
		esac
		[[ $p =~ ^[0-9a-f]{12}(/|$) ]] || [ "$p" = changes.json ] ||
			die2 "$tarball: '$p' is not in a night's folder; nothing of it stored"
	done <<<"$listing"
	mkdir -p "$fleet/nights"
	stage=$(mktemp -d "$fleet/nights/.ingest.XXXXXX")
	trap 'rm -rf "$stage"' EXIT
	tar -C "$stage" --no-same-owner --no-same-permissions -xf "$tarball" ||
		die2 "$tarball: cannot be extracted; nothing of it stored"
	nights=()
	for night in "$stage"/*/; do
		night=${night%/}
		[ -d "$night" ] || continue
		j=$night/night.json
		[ -f "$j" ] || die2 "$tarball: $(basename "$night") has no night.json; nothing of it stored"
		h=$(jq -r '.host // empty' "$j" 2>/dev/null) ||
			die2 "$tarball: $(basename "$night")/night.json is not JSON; nothing of it stored"
		[ "$h" = "$host" ] ||
			die2 "$tarball: night $(basename "$night") was measured on host '$h', uploaded by worker '$host' (a host's nights never mix with another's); nothing of it stored"
		for r in $(jq -r '.runs[]' "$j"); do
			rh=$(jq -r '.environment.host // empty' "$night/$r" 2>/dev/null) ||
				die2 "$tarball: $(basename "$night")/$r is not JSON; nothing of it stored"
			[ "$rh" = "$host" ] ||
				die2 "$tarball: $(basename "$night")/$r was run on host '$rh', not '$host'; nothing of it stored"
		done
		nights+=("$(basename "$night")")
	done
	if [ -f "$stage/changes.json" ]; then
		ch=$(jq -r '.host // empty' "$stage/changes.json" 2>/dev/null) ||
			die2 "$tarball: changes.json is not JSON; nothing of it stored"
		[ "$ch" = "$host" ] ||
			die2 "$tarball: changes.json holds host '$ch's changes, uploaded by worker '$host'; nothing of it stored"
	fi
	# one ingest at a time on the history (two hosts may finish together), as make nightly
	exec 8>>"$fleet/history.db.lock"
	flock -n 8 || { step "another ingest is using $fleet/history.db; waiting for it"; flock 8; }
	"$eb" history check --history "$fleet/history.db" || exit 2
	mkdir -p "$fleet/nights/$host"
	for n in "${nights[@]}"; do
		dest=$fleet/nights/$host/$n
		rm -rf "$dest"
		mv "$stage/$n" "$dest"
		# the build log as the master keeps it
		jq --arg log "$dest/build.log" '.build_log = $log' "$dest/night.json" >"$dest/night.json.tmp"
		mv "$dest/night.json.tmp" "$dest/night.json"
		"$eb" history import --history "$fleet/history.db" --night "$dest/night.json" || exit 2
	done
	changes=
	if [ -f "$stage/changes.json" ]; then
		mv "$stage/changes.json" "$fleet/nights/$host/changes.json"
		changes=$("$eb" history import-changes --history "$fleet/history.db" --host "$host" \
			"$fleet/nights/$host/changes.json") || exit 2
	fi
	"$eb" history page --history "$fleet/history.db" -o "$fleet/site" >/dev/null || exit 1
	step "$host: ${#nights[@]} night(s) stored in $fleet/history.db${changes:+; $changes}; page $fleet/site/index.html"
	;;
mark)
	[ $# = 2 ] || die2 "$usage"
	runs=$1 list=$2
	[ -f "$list" ] || die2 "$list: no such file (fleet.sh pack writes it)"
	n=0
	while IFS= read -r name; do
		[[ $name =~ ^[0-9a-f]{12}$ ]] || die2 "$list: '$name' is not a night's folder"
		[ ! -d "$runs/$name" ] || { touch "$runs/$name/.fleet-uploaded"; n=$((n + 1)); }
	done <"$list"
	step "$n night(s) marked uploaded"
	;;
*) die2 "$usage" ;;
esac
