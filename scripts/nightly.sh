#!/usr/bin/env bash
# make nightly: measure revisions of a kernel tree night after night, keep every night in a
# history, find where the cost of an exit changed, confirm it A/B, bisect it to the commit,
# and write the page.
#
#   make nightly TREE=~/src/linux REF=kvm-ppc-next            one night: the tip of REF
#   make nightly TREE=~/src/linux NIGHTS="v6.1 abc123 def456"  replay: a night a revision
#
# Settings (make variables or the environment; CONFIG=FILE holds the same keys as KEY=VALUE
# lines, and what the command line gives wins):
#   TREE       a kernel git repository (never modified: builds use clones in the cache)
#   REF        the ref whose tip is tonight's revision (default HEAD); NIGHTS: revisions,
#              one night each, in order (a replay, or a backfill)
#   HISTORY    results/nightly/history.db     SITE   results/nightly (the page)
#   RUNS       where the nights' runs are kept (default: RUNS beside HISTORY, runs/)
#   SUITE      configs/suites/nightly         MODES  "icount plain"
#   ARCHES     the emulated hosts a night runs on: "ppc64" (the emulated POWER8, the default),
#              "ppc32" (the emulated 32-bit Book3S host, a PowerMac G4: the night's kernel
#              built for it too, the suite's lines it has benchmarks for, each mode's run as
#              ppc32-MODE, its changes confirmed and bisected there), or both; emulated only
#   THRESHOLD  percent (1): a smaller change is kept, raises no alert; FLOOR ticks (0)
#   PHASES     1: a traced run of the instrumented kernel a night (the phases); 0: none
#   CONFIRM    1: confirm a candidate change A/B, sequentially: rounds until the change is
#              decided against +/-THRESHOLD, at most ROUNDS_ICOUNT (10), ROUNDS_PLAIN (no
#              bound), within CONFIRM_MAXTIME (10m) each
#   BISECT     1: bisect a confirmed change over more than one commit
#   HOST_NAME  this host's name in the history (default: hostname)
#   HOST       (make's or the environment's, not CONFIG's) where a night runs (auto: native
#              on a POWER host, else emulated): emulated, the emulated POWER8 booted on the
#              night's kernel; native, this POWER host on its
#              running kernel with the night's kvm.ko and kvm-pr.ko (that revision's
#              arch/powerpc/kvm and virt/kvm, git archive'd, built out of tree against
#              /lib/modules/RELEASE/build: build-module.sh) swapped in (root, rmmod, insmod),
#              the host's own modules put back at the end (also after a failure or ^C).
#              Natively MODES is "native" (icount and plain are the emulated host's: refused),
#              PHASES (the instrumented kernel) is the emulated host's: said once and skipped,
#              refused when given as 1; a confirmation is a native make compare of the two
#              nights' modules (sequential, UNTIL=THRESHOLD, at most ROUNDS_NATIVE rounds,
#              no bound by default); a confirmed change over more than one commit is
#              bisected natively, each step's commit's modules swapped in (bisect.sh).
#              EXITBENCH_NATIVE_MODULES_BY_COMMIT=DIR: each commit's modules from DIR/COMMIT
#              (the full id), built elsewhere (make native-check): replaces the build step only
# Exit status: 0 no new confirmed regression, 1 a new confirmed regression beyond the
# threshold (or a night that failed to run), 2 bad input (not a git tree, an unknown ref
# or benchmark, a history that is not one; natively: a mode or setting of the emulated host,
# a revision without arch/powerpc/kvm, a host whose kvm.ko and kvm-pr.ko cannot be swapped)
# or a revision that does not build (its night is kept, as failed, with its log).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/run-lib.sh"
top=$(dirname "$here")
cd "$top"
O=${O:-build}
eb=$O/exitbench

keys="TREE REF NIGHTS HISTORY SITE RUNS SUITE MODES ARCHES THRESHOLD FLOOR PHASES CONFIRM ROUNDS_ICOUNT ROUNDS_PLAIN ROUNDS_NATIVE CONFIRM_MAXTIME BISECT HOST_NAME"
# CONFIG: KEY=VALUE lines, '#' comments; a key set (non-empty) in the environment wins.
# Values are taken as they are: nothing in the file is run. REF and NIGHTS are one choice
# (tonight's tip or a replay): one given by the environment drops the other's CONFIG value
# (a host's CONFIG names its REF; a Buildbot change hands it NIGHTS).
config_keys=
if [ -n "${CONFIG:-}" ]; then
	[ -f "$CONFIG" ] || die2 "CONFIG=$CONFIG: no such file"
	lineno=0
	while IFS= read -r line || [ -n "$line" ]; do
		lineno=$((lineno + 1))
		line=${line%%#*}
		[ -n "${line//[[:space:]]/}" ] || continue
		[[ $line =~ ^[[:space:]]*([A-Z_]+)[[:space:]]*=[[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]] ||
			die2 "$CONFIG:$lineno: not KEY=VALUE: $line"
		k=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]:-}
		[[ " $keys " == *" $k "* ]] || die2 "$CONFIG:$lineno: unknown key $k (keys: $keys)"
		v=${v#\"}; v=${v%\"}
		[ -n "${!k:-}" ] || { printf -v "$k" '%s' "$v"; config_keys="$config_keys $k "; }
	done <"$CONFIG"
	case $config_keys in *" REF "*) [ -z "${NIGHTS:-}" ] || [[ $config_keys == *" NIGHTS "* ]] || REF= ;; esac
	case $config_keys in *" NIGHTS "*) [ -z "${REF:-}" ] || [[ $config_keys == *" REF "* ]] || NIGHTS= ;; esac
fi
TREE=${TREE:-}
REF=${REF:-} NIGHTS=${NIGHTS:-}
HISTORY=${HISTORY:-results/nightly/history.db}
SITE=${SITE:-$(dirname "$HISTORY")}
RUNS=${RUNS:-$(dirname "$HISTORY")/runs}
SUITE=${SUITE:-configs/suites/nightly}
# where the nights run: this POWER host (native) or the emulated POWER8
where=$(run_host "${HOST:-auto}") || exit 2
if [ "$where" = native ]; then
	MODES=${MODES:-native}
	# the instrumented kernel is a whole kernel: the emulated host's (said once, below)
	[ "${PHASES:-}" != 1 ] ||
		die2 "PHASES=1: the phases come from a traced run of the instrumented kernel, a whole kernel the emulated host boots; natively the host keeps its running kernel (PHASES=0, or HOST=emulated)"
	PHASES=0
else
	MODES=${MODES:-icount plain}
fi
ARCHES=${ARCHES:-ppc64}
for a in $ARCHES; do
	case $a in ppc64 | ppc32) ;; *) die2 "ARCHES='$ARCHES': ppc64 and/or ppc32" ;; esac
done
[ -n "${ARCHES// }" ] || die2 "ARCHES is empty: ppc64 and/or ppc32"
[ "$where" != native ] || [ "$ARCHES" = ppc64 ] ||
	die2 "ARCHES='$ARCHES': natively a night runs on this 64-bit POWER host only (the 32-bit host is emulated: HOST=emulated)"
has_arch() { [[ " $ARCHES " == *" $1 "* ]]; }
THRESHOLD=${THRESHOLD:-1} FLOOR=${FLOOR:-0}
PHASES=${PHASES:-1} CONFIRM=${CONFIRM:-1} BISECT=${BISECT:-1}
ROUNDS_ICOUNT=${ROUNDS_ICOUNT:-10} ROUNDS_PLAIN=${ROUNDS_PLAIN:-} ROUNDS_NATIVE=${ROUNDS_NATIVE:-}
CONFIRM_MAXTIME=${CONFIRM_MAXTIME:-10m}
# nightly-confirm.sh reads them (a CONFIG file's too)
export ROUNDS_ICOUNT ROUNDS_PLAIN ROUNDS_NATIVE CONFIRM_MAXTIME
HOST_NAME=${HOST_NAME:-$(hostname 2>/dev/null || echo localhost)}
# a test seam: stop dead (SIGKILL, as a machine that loses power) at a stage
kill_at() { [ "${EXITBENCH_NIGHTLY_KILL_AT:-}" != "$1" ] || kill -9 $$; }

# ---- bad input first, before anything is built or stored ----
[ -n "$TREE" ] || die2 "TREE is not set: give the kernel git repository to follow (make nightly TREE=~/src/linux REF=...)"
git -C "$TREE" rev-parse --git-dir >/dev/null 2>&1 || die2 "TREE=$TREE: not a git repository"
TREE=$(cd "$TREE" && pwd)
[ -z "$REF" ] || [ -z "$NIGHTS" ] || die2 "give REF (tonight's revision) or NIGHTS (a replay), not both"
revs=()
for r in ${NIGHTS:-${REF:-HEAD}}; do
	c=$(git -C "$TREE" rev-parse --verify --quiet "$r^{commit}") ||
		die2 "$([ -n "$NIGHTS" ] && echo NIGHTS || echo REF): '$r' is not a commit of $TREE"
	revs+=("$c")
done
for m in $MODES; do
	if [ "$where" = native ]; then
		[ "$m" = native ] ||
			die2 "MODES='$MODES': natively a night runs in mode native only (icount and plain are the emulated host's: HOST=emulated)"
	else
		case $m in icount|plain) ;; *) die2 "MODES='$MODES': icount and/or plain (native: on a POWER host, HOST=native)" ;; esac
	fi
done
[[ $THRESHOLD =~ ^[0-9]+(\.[0-9]+)?$ ]] || die2 "THRESHOLD=$THRESHOLD: a percentage, e.g. 1"
[[ $FLOOR =~ ^[0-9]+(\.[0-9]+)?$ ]] || die2 "FLOOR=$FLOOR: ticks, e.g. 0.5"
has_arch ppc64 && { run_check_suite "$eb" "$SUITE" bench/ppc64 "$O/ppc64/guest" || exit 2; }
# the 32-bit host's suite: the suite's lines it has benchmarks for (no papr-hcall, no pvr-mmu)
suite32=
if has_arch ppc32; then
	suite32=$(mktemp)
	awk '/^[[:space:]]*(#|$)/ { next } { b = $1; sub(/:.*/, "", b); if (system("test -f bench/ppc32/" b ".S") == 0) print }' \
		"$SUITE" >"$suite32"
	[ -s "$suite32" ] || die2 "SUITE=$SUITE has no benchmark the 32-bit host has (bench/ppc32): ARCHES='$ARCHES'"
	run_check_suite "$eb" "$suite32" bench/ppc32 "$O/ppc32/guest" || exit 2
fi
kbuild=
if [ "$where" = native ]; then
	# every revision has the two folders the night's modules are built from
	for c in "${revs[@]}"; do
		git -C "$TREE" cat-file -e "$c:arch/powerpc/kvm" 2>/dev/null && git -C "$TREE" cat-file -e "$c:virt/kvm" 2>/dev/null ||
			die2 "${c:0:12} of $TREE has no arch/powerpc/kvm and virt/kvm: natively a night builds kvm.ko and kvm-pr.ko from them (TREE: a kernel git repository)"
	done
	# what a swap needs (root, kvm-pr a module, no kvm-hv, no VM open), and the build tree
	scripts/native-host.sh swappable || exit 2
	kbuild=$(run_native_kbuild) || exit 2
fi
mkdir -p "$(dirname "$HISTORY")" "$RUNS" "$SITE"
"$eb" history check --history "$HISTORY" || exit 2

# one nightly at a time on a history: a second one waits, and says so
exec 8>>"$HISTORY.lock"
if ! flock -n 8; then
	step "another nightly is using $HISTORY; waiting for it to finish"
	flock 8
fi

status=0 unbuilt=0
# natively: the host's own modules back at the end, and on any exit once a night's were loaded
swapped=0 native_was=
native_restore() {
	[ "$swapped" = 1 ] || return 0
	swapped=0
	scripts/native-host.sh restore "$native_was"
}
cand=
on_exit() {
	local rc=$?
	[ -z "$cand" ] || rm -f "$cand"
	[ -z "$suite32" ] || rm -f "$suite32"
	native_restore || [ $rc != 0 ] || rc=1
	exit $rc
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ "$where" = native ]; then
	native_was=$(scripts/native-host.sh state)
	step "natively on this host (${EXITBENCH_UNAME_R:-$(uname -r)}): each night's kvm.ko and kvm-pr.ko swapped in; PHASES (the instrumented kernel) is the emulated host's: no phases"
fi
hist() { local what=$1; shift; "$eb" history "$what" --history "$HISTORY" "$@"; }

# night_run NIGHT NAME KDIR VARIANT ICOUNT RECORD EXTRA [ARCH]: one run of the suite into
# NIGHT/NAME (run_once) on ARCH's emulated host (ppc64); 0, or 1 when something failed (what
# was taken is kept)
night_run() {
	local night=$1 name=$2 kdir=$3 variant=$4 icount=$5 record=$6 extra=$7 arch=${8:-ppc64}
	local run rc=0 suite=$SUITE

	[ "$arch" = ppc64 ] || suite=$suite32
	run=$(run_new "$night" "$name" "$suite")
	echo "$variant" >"$run/kernel-variant"
	# the instrumented kernel's own event only: another tracepoint per exit would be
	# counted inside the round trip it measures
	if [ "$variant" = instrumented ]; then
		export TRACE_EVENTS="kvm_pr:kvm_pr_exit_timing kvm:kvm_userspace_exit"
	else
		export TRACE_EVENTS="kvm_pr:kvm_exit kvm_pr:kvm_book3s_reenter kvm:kvm_userspace_exit"
	fi
	(export EXITBENCH_ARCH=$arch
	 [ "$arch" = ppc64 ] || export OUT_DISK_MB=0
	 OUT_DISK_MB=${OUT_DISK_MB:-1024} run_once "$eb" "$O/$arch/exitbench-run" "$O/$arch/guest" "$run" \
		"$kdir" "$suite" "$icount" "$record" "$(basename "$night")-$name@$HOST_NAME" "$extra") || rc=$?
	[ $rc = 0 ] || return 1
}

# night_native NIGHT MODS EXTRA: one native run of the suite into NIGHT/native with MODS's
# kvm.ko and kvm-pr.ko loaded (run_native); 0, or 1 when something failed (what was taken
# is kept); 2 the modules could not be loaded (native-host.sh's one line)
night_native() {
	local night=$1 mods=$2 extra=$3 run rc=0

	run=$(run_new "$night" native "$SUITE")
	swapped=1
	scripts/native-host.sh load "$mods/kvm-pr.ko" || return 2
	NATIVE_MODULES=$mods run_native "$eb" "$O/ppc64/exitbench-run" "${GUEST_DIR:-$O/ppc64/guest}" "$run" \
		"$SUITE" "$(basename "$night")-native@$HOST_NAME" "$extra" || rc=$?
	[ $rc = 0 ] || return 1
}

# ---- the nights ----
for commit in "${revs[@]}"; do
	short=${commit:0:12}
	if hist has --tree "$TREE" --commit "$commit" --host "$HOST_NAME"; then
		step "night $short: in the history already"
		continue
	fi
	subject=$(git -C "$TREE" log -1 --format=%s "$commit")
	ctime=$(git -C "$TREE" log -1 --format=%ct "$commit")
	position=$(git -C "$TREE" rev-list --count "$commit")
	night=$RUNS/$short
	# a night killed part way is done again from the start: nothing of it was stored
	rm -rf "$night"
	mkdir -p "$night"
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	step "night $short: $subject"
	build=ok note=
	t0=$SECONDS
	kill_at build
	kdir=
	if [ "$where" = native ]; then
		# the revision's kvm.ko and kvm-pr.ko, against the running kernel's build tree
		brc=0
		kdir=$(run_commit_modules "$TREE" "$commit" "$kbuild" "$night/modules" 2> >(tee "$night/build.log" >&2)) || brc=$?
		[ $brc != 2 ] || exit 2
		[ ! -f "$night/modules.log" ] || cat "$night/modules.log" >>"$night/build.log"
		if [ $brc = 0 ] && ! scripts/native-host.sh fits "$kdir/kvm-pr.ko" 2>>"$night/build.log"; then
			brc=1
			tail -1 "$night/build.log" >&2
		fi
		if [ $brc != 0 ]; then
			build=failed note="its kvm.ko and kvm-pr.ko did not build against the running kernel ${EXITBENCH_UNAME_R:-$(uname -r)} (log: $night/build.log)"
			unbuilt=$((unbuilt + 1))
			echo "exitbench: $short: its modules do not build against the running kernel; its night is kept as failed (log: $night/build.log)" >&2
		fi
	elif has_arch ppc64 && ! kdir=$(scripts/build-kernel.sh --git "$TREE" "$commit" 2> >(tee "$night/build.log" >&2)); then
		build=failed note="the kernel did not build (log: $night/build.log)"
		unbuilt=$((unbuilt + 1))
		echo "exitbench: $short does not build; its night is kept as failed (log: $night/build.log)" >&2
	fi
	# the 32-bit host's kernel of the same commit (its own log): when it alone fails, the
	# night keeps its 64-bit runs
	kdir32=
	if [ "$build" = ok ] && has_arch ppc32 &&
	   ! kdir32=$(EXITBENCH_ARCH=ppc32 scripts/build-kernel.sh --git "$TREE" "$commit" \
		2> >(tee "$night/build-ppc32.log" >&2)); then
		kdir32=
		if has_arch ppc64; then
			build=partial note="the 32-bit host's kernel did not build, no ppc32 runs (log: $night/build-ppc32.log)"
		else
			build=failed note="the 32-bit host's kernel did not build (log: $night/build-ppc32.log)"
			unbuilt=$((unbuilt + 1))
			echo "exitbench: $short does not build for the 32-bit host; its night is kept as failed (log: $night/build-ppc32.log)" >&2
		fi
	fi
	kdir_i=
	if [ "$build" != failed ] && has_arch ppc64 && [ "$PHASES" = 1 ] &&
	   ! kdir_i=$(scripts/build-kernel.sh --git "$TREE" "$commit" --patch module/patches \
		2> >(tee "$night/build-instrumented.log" >&2)); then
		build=partial note="the instrumented kernel did not build, no phases (log: $night/build-instrumented.log)"
		kdir_i=
	fi
	t_build=$((SECONDS - t0)) t0=$SECONDS
	runs=()
	if [ "$build" != failed ]; then
		extra=$(jq -n --arg host "$HOST_NAME" --arg tree "$TREE" --arg ref "$REF" --arg commit "$commit" \
			--arg subject "$subject" --argjson ctime "$ctime" --argjson pos "$position" \
			'{host: $host, nightly_tree: $tree, nightly_ref: $ref, nightly_commit: $commit,
			  nightly_subject: $subject, nightly_commit_time: $ctime, nightly_position: $pos}')
		kill_at run
		if [ "$where" = native ]; then
			step "night $short: native run (this host, the night's kvm.ko and kvm-pr.ko)"
			nrc=0
			night_native "$night" "$kdir" "$extra" || nrc=$?
			# modules that do not load: the host cannot run a night (nothing of it stored)
			[ $nrc != 2 ] || exit 2
			[ $nrc = 0 ] || status=1
			[ ! -f "$night/native/results.json" ] || runs+=("native/results.json")
		fi
		for mode in $MODES; do
			[ "$mode" != native ] || continue
			ic=0; [ "$mode" = icount ] && ic=1
			if has_arch ppc64; then
				step "night $short: $mode run"
				if night_run "$night" "$mode" "$kdir" stock "$ic" "" \
					"$(jq '. + {host_kernel_variant: "stock"}' <<<"$extra")"; then :; else status=1; fi
				[ ! -f "$night/$mode/results.json" ] || runs+=("$mode/results.json")
			fi
			if [ -n "$kdir32" ]; then
				step "night $short: $mode run on the 32-bit host"
				if night_run "$night" "ppc32-$mode" "$kdir32" stock "$ic" "" \
					"$(jq '. + {host_kernel_variant: "stock"}' <<<"$extra")" ppc32; then :; else status=1; fi
				[ ! -f "$night/ppc32-$mode/results.json" ] || runs+=("ppc32-$mode/results.json")
			fi
		done
		if [ -n "$kdir_i" ]; then
			step "night $short: traced run of the instrumented kernel (phases)"
			if night_run "$night" phases "$kdir_i" instrumented 1 trace \
				"$(jq '. + {host_kernel_variant: "instrumented"}' <<<"$extra")"; then :; else status=1; fi
			[ ! -f "$night/phases/results.json" ] || runs+=("phases/results.json")
		fi
	fi
	t_runs=$((SECONDS - t0)) t0=$SECONDS
	jq -n --arg tree "$TREE" --arg ref "$REF" --arg commit "$commit" --arg subject "$subject" \
		--argjson ctime "$ctime" --argjson pos "$position" --arg host "$HOST_NAME" \
		--arg started "$started" --arg build "$build" --arg note "$note" \
		--arg log "$night/build.log" --args \
		'{night_format: 1, tree: $tree, ref: $ref, commit: $commit, subject: $subject,
		  commit_time: $ctime, position: $pos, host: $host, started: $started, build: $build,
		  build_note: $note, build_log: $log, runs: $ARGS.positional}' "${runs[@]}" \
		>"$night/night.json.tmp"
	mv "$night/night.json.tmp" "$night/night.json"
	kill_at store
	hist import --night "$night/night.json" || exit 2
	step "night $short: $build; built in $t_build s, ran in $t_runs s, stored in $((SECONDS - t0)) s"
done

# natively: the host's own modules back before the confirmations (each a make compare, which
# swaps and restores on its own)
native_restore || status=1

# ---- what changed: detect, confirm, bisect ----
t0=$SECONDS
cand=$(mktemp)
hist detect --threshold "$THRESHOLD" --floor "$FLOOR" --candidates "$cand" || exit 2
regressions=0
while IFS=$'\t' read -r fp mode before after cb ca benches; do
	[ "$CONFIRM" = 1 ] || break
	step "confirming ${benches// /, } ($mode): ${cb:0:12} -> ${ca:0:12}"
	rc=0
	scripts/nightly-confirm.sh "$TREE" "$HISTORY" "$fp" "$mode" "$before" "$after" "$cb" "$ca" \
		"$benches" "$THRESHOLD" </dev/null || rc=$?
	case $rc in
	0) ;;
	1) regressions=$((regressions + 1)) ;;
	*) status=1; echo "exitbench: confirming the change at ${ca:0:12} failed; it stays a candidate" >&2 ;;
	esac
done <"$cand"

step "changes: detected, confirmed and bisected in $((SECONDS - t0)) s"
# ---- the page ----
t0=$SECONDS
kill_at page
hist page -o "$SITE" --threshold "$THRESHOLD" >/dev/null || status=1
step "page: $SITE/index.html (written in $((SECONDS - t0)) s)"
[ "$regressions" = 0 ] || { echo "exitbench: new confirmed regression(s) at $regressions change(s): exitbench history alerts --history $HISTORY" >&2; exit 1; }
# a revision that does not build is the tree's problem, not a result: bad input
[ "$unbuilt" = 0 ] || exit 2
exit $status
