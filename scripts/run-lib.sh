# shellcheck shell=bash
# One run of the emulated POWER8 host, step by step: check the suite, build the kernel, pack
# the initramfs, boot, write env.json, collect, aggregate the trace, report. make bench
# (bench.sh) and make compare (compare.sh) are made of these steps; a nightly run is too.
# Sourced after common.sh. Each function takes what it needs as arguments and reads no
# variable of its caller: only the settings common.sh exports, and the scripts it runs read
# their own documented environment (make-initramfs.sh: TRACE_EVENTS, TRACE_BUFFER_KB,
# TRACE_MODE, PERF_EVENTS, PERF_MMAP). Relative paths are the caller's.
# Status: 0 done; 1 failed, with what was taken kept; 2 bad input. Each failure says so on
# one "exitbench:" line (its own or the tool's it ran).

run_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# run_check_suite EXITBENCH SUITE BENCH_DIRS [IMAGES]: SUITE is a suite of benchmarks that
# exist (BENCH_DIRS', and the Linux guest's: guest-kernels/linux/benchmarks, when the tree
# has it), and each line's parameters (NAME:PARAM=VALUE) are ones the benchmark's image in
# IMAGES declares, within its bounds
run_check_suite() {
	local eb=$1 suite=$2 benches=$3 images=${4:-} lg

	if [ ! -f "$suite" ]; then
		echo "exitbench: SUITE=$suite: no such file (suites are in configs/suites/)" >&2
		return 2
	fi
	lg=$(dirname "$run_lib_dir")/guest-kernels/linux/benchmarks
	[ -f "$lg" ] || lg=
	"$eb" suite "$suite" --benchmarks "$benches" ${images:+--images "$images"} \
		${lg:+--linux "$lg"} >/dev/null || return 2
}

# run_host HOST: where the suite runs: native (this POWER host) or emulated (the emulated
# POWER8); HOST auto picks native on a ppc64le or ppc64 machine (native-host.sh kind).
# Status 2 (one line): HOST something else.
run_host() {
	case $1 in
	native | emulated) echo "$1" ;;
	auto | '') "$run_lib_dir/native-host.sh" kind ;;
	*)
		echo "exitbench: HOST=$1: native (this POWER host), emulated (the emulated POWER8) or auto" >&2
		return 2 ;;
	esac
}

# run_emulated_only WHAT: status 0 when HOST means the emulated POWER8; 2, with one line,
# when it means this POWER host (WHAT does not run natively: not yet) or nothing known
run_emulated_only() {
	local where
	where=$(run_host "${HOST:-auto}") || return 2
	[ "$where" = emulated ] && return 0
	echo "exitbench: HOST=${HOST:-auto}: $1 does not run natively yet; HOST=emulated runs it on the emulated POWER8" >&2
	return 2
}

# run_arch_check VERB SUITE: on the 32-bit host (EXITBENCH_ARCH=ppc32), what it does not have
# refused in one line, status 2 (VERB: "runs", "compares"): recording and the instrumented
# kernel (INSTRUMENT, STATS, TRACE, PERF), HOST=native, the Linux guest; status 0 otherwise
run_arch_check() {
	[ "$EXITBENCH_ARCH" = ppc32 ] || return 0
	if [ "${INSTRUMENT:-0}" != 0 ] || [ "${TRACE:-0}" != 0 ] || [ "${PERF:-0}" != 0 ] ||
	   [ "${STATS:-0}" != 0 ]; then
		echo "exitbench: ARCH=ppc32 $1 the stock suite: INSTRUMENT, STATS, TRACE and PERF are the 64-bit host's (yet)" >&2
		return 2
	fi
	if [ "${HOST:-auto}" = native ]; then
		echo "exitbench: ARCH=ppc32 runs on the emulated 32-bit host only: HOST=native is a 64-bit POWER host's" >&2
		return 2
	fi
	if suite_has_linux_guest "$2"; then
		echo "exitbench: ARCH=ppc32: $2 has the Linux guest's benchmarks (linux-NAME), which run on the 64-bit host only" >&2
		return 2
	fi
}

# run_mode ICOUNT: the run's mode as run ids name it (icount, plain)
run_mode() {
	if [ "$1" = 1 ]; then echo icount; else echo plain; fi
}

# run_kernel SPEC KSRC [SERIES]: build a host kernel and print its directory (vmlinux,
# kvm.ko, kvm-pr.ko, config ...). SPEC: empty (the default tree: KSRC, or Debian's
# linux-source-6.1 when KSRC is empty too), a kernel tree, or a patch (-p1) or directory
# with a quilt 'series' file, applied to the default tree, or a kernel built already (a
# directory of build-kernel.sh's: vmlinux, kvm-pr.ko, stamp), taken as it is. SERIES (the
# instrumentation, module/patches): applied after SPEC's change, merged three-way with it
# where they meet (build-kernel.sh); a kernel built already must have been built with it.
# Status: build-kernel.sh's.
run_kernel() {
	local spec=$1 ksrc=$2 series=${3:-}
	local extra=()

	[ -z "$series" ] || extra=(--patch "$series")
	if [ -z "$spec" ]; then
		"$run_lib_dir/build-kernel.sh" "${extra[@]}" ${ksrc:+"$ksrc"}
	elif [ -f "$spec/vmlinux" ] && [ -f "$spec/kvm.ko" ] && [ -f "$spec/stamp" ] &&
		[ "$(cat "$spec/arch" 2>/dev/null || echo ppc64)" = "$EXITBENCH_ARCH" ]; then
		if [ -n "$series" ] && ! grep -q '^CONFIG_KVM_BOOK3S_PR_EXIT_TIMING=y' "$spec/config" 2>/dev/null; then
			echo "exitbench: $spec is a kernel built without the instrumentation (no CONFIG_KVM_BOOK3S_PR_EXIT_TIMING=y in its config): give its tree or patch instead" >&2
			return 2
		fi
		(cd "$spec" && pwd)
	elif [ -d "$spec" ] && [ -f "$spec/Makefile" ] && [ ! -f "$spec/series" ]; then
		"$run_lib_dir/build-kernel.sh" "${extra[@]}" "$spec"
	elif [ -e "$spec" ]; then
		"$run_lib_dir/build-kernel.sh" --patch "$spec" "${extra[@]}" ${ksrc:+"$ksrc"}
	else
		echo "exitbench: '$spec' is neither a kernel tree, a patch nor a directory with a 'series' file" >&2
		return 2
	fi
}

# run_native_spec SPEC: SPEC is a side a native make compare can build: empty (no change), a
# patch (-p1) or a directory with a quilt 'series' file. A kernel tree or a built kernel is a
# whole kernel, which a host that keeps its own cannot run: status 2, one line.
run_native_spec() {
	local spec=$1

	if [ -n "$spec" ] && { [ -f "$spec/vmlinux" ] ||
		{ [ -d "$spec" ] && [ -f "$spec/Makefile" ] && [ ! -f "$spec/series" ]; }; }; then
		echo "exitbench: '$spec' is a whole kernel: natively the host keeps its running kernel and only kvm.ko and kvm-pr.ko are swapped; give a patch (or a quilt series) against KSRC, or HOST=emulated" >&2
		return 2
	elif [ -n "$spec" ] && [ ! -f "$spec" ] && [ ! -f "$spec/series" ]; then
		echo "exitbench: '$spec' is neither a patch nor a directory with a 'series' file" >&2
		return 2
	fi
}

# run_modules KBUILD KSRC SPEC OUT: one side of a native make compare: kvm.ko and kvm-pr.ko
# of KSRC's arch/powerpc/kvm and virt/kvm with SPEC's change (run_native_spec), built out of
# tree against KBUILD, the running kernel's build tree (build-module.sh), into OUT; prints
# OUT. Status: build-module.sh's (2: a patch that does not apply, or touches vmlinux code).
run_modules() {
	local kbuild=$1 ksrc=$2 spec=$3 out=$4

	run_native_spec "$spec" || return 2
	"$run_lib_dir/build-module.sh" "$kbuild" "$ksrc" ${spec:+"$spec"} "$out"
}

# run_native_kbuild: the running kernel's build tree, what run_commit_modules builds against
# (native-host.sh tree's first line); empty when EXITBENCH_NATIVE_MODULES_BY_COMMIT hands the
# modules in, built elsewhere. Status 2 (native-host.sh's one line): no build tree.
run_native_kbuild() {
	local kbuild

	[ -z "${EXITBENCH_NATIVE_MODULES_BY_COMMIT:-}" ] || return 0
	kbuild=$("$run_lib_dir/native-host.sh" tree | sed -n 1p) && [ -n "$kbuild" ] || return 2
	echo "$kbuild"
}

# run_commit_modules TREE COMMIT KBUILD OUT: kvm.ko and kvm-pr.ko of COMMIT of the kernel git
# repository TREE (its arch/powerpc/kvm and virt/kvm, git archive'd into a temporary source:
# nothing else of the tree is read) built out of tree against KBUILD, the running kernel's build
# tree (build-module.sh), into OUT; prints OUT. OUT/source says TREE and COMMIT. With
# EXITBENCH_NATIVE_MODULES_BY_COMMIT=DIR (make native-check: built on the build machine, the
# emulated host has no compiler) DIR/COMMIT (the full id) holds them: copied, nothing built,
# and DIR/COMMIT.log, when there is one, stands for a build that failed there.
# Status: 0; 1 they did not build (the log: OUT.log, named on one line); 2 COMMIT has no
# arch/powerpc/kvm or virt/kvm (one line).
run_commit_modules() {
	local tree=$1 commit=$2 kbuild=$3 out=$4 src d rc=0

	if ! git -C "$tree" cat-file -e "$commit:arch/powerpc/kvm" 2>/dev/null ||
	   ! git -C "$tree" cat-file -e "$commit:virt/kvm" 2>/dev/null; then
		echo "exitbench: ${commit:0:12} of $tree has no arch/powerpc/kvm and virt/kvm: not a kernel tree whose kvm.ko and kvm-pr.ko can be built" >&2
		return 2
	fi
	if [ -n "${EXITBENCH_NATIVE_MODULES_BY_COMMIT:-}" ]; then
		d=$EXITBENCH_NATIVE_MODULES_BY_COMMIT/$commit
		if [ -f "$d/kvm.ko" ] && [ -f "$d/kvm-pr.ko" ]; then
			mkdir -p "$out" && cp "$d"/* "$out/" && echo "$tree $commit" >"$out/source" && echo "$out"
			return
		fi
		mkdir -p "$(dirname "$out")"
		[ ! -f "$d.log" ] || cp "$d.log" "$out.log"
		echo "exitbench: no kvm.ko and kvm-pr.ko of ${commit:0:12} in EXITBENCH_NATIVE_MODULES_BY_COMMIT=$EXITBENCH_NATIVE_MODULES_BY_COMMIT (they did not build there$([ ! -f "$out.log" ] || echo "; log: $out.log"))" >&2
		return 1
	fi
	src=$(mktemp -d "${TMPDIR:-/tmp}/exitbench-ksrc.XXXXXX") || return 1
	if ! git -C "$tree" archive "$commit" arch/powerpc/kvm virt/kvm | tar -x -C "$src"; then
		rm -rf "$src"
		echo "exitbench: git archive of ${commit:0:12}'s arch/powerpc/kvm and virt/kvm failed" >&2
		return 1
	fi
	"$run_lib_dir/build-module.sh" "$kbuild" "$src" "$out" >/dev/null || rc=$?
	rm -rf "$src"
	[ $rc = 0 ] || return $rc
	echo "$tree $commit" >"$out/source"
	echo "$out"
}

# run_native_round RUNNER GUESTS SUITE KDIR SIDE ROUND RUN: one run of a native make compare:
# KDIR's kvm.ko and kvm-pr.ko loaded in place of those loaded (native-host.sh load KO), the
# suite run on /dev/kvm, its records tagged SIDE and ROUND appended to RUN/records.jsonl,
# its progress to the terminal and to RUN/console.log. Status: 0; 1 a benchmark failed or
# the runner did; 2 the modules could not be loaded (native-host.sh's one line).
run_native_round() {
	local runner=$1 guests=$2 suite=$3 kdir=$4 side=$5 round=$6 run=$7
	local out=$run/records-$side-$round.jsonl rc=0

	"$run_lib_dir/native-host.sh" load "$kdir/kvm-pr.ko" 2> >(tee -a "$run/console.log" >&2) || return 2
	"$runner" --suite "$suite" --images "$guests" --output "$out" --variant "$side" --round "$round" \
		2> >(tee -a "$run/console.log" >&2) || rc=$?
	if [ -f "$out" ]; then
		cat "$out" >>"$run/records.jsonl"
		rm -f "$out"
	fi
	[ $rc = 0 ] || return 1
}

# run_timing_stats STATS INSTRUMENT: with STATS=1 the instrumented kvm-pr times round trips'
# phases into the vcpu's binary stats, one round trip in STATS_EVERY (default 64) at random:
# kvm-pr's exit_timing_stats=N into KVM_PR_PARAMS (make-initramfs.sh), exported. Status 2
# (one line): STATS=1 without INSTRUMENT=1, or STATS_EVERY not a positive integer.
run_timing_stats() {
	local every=${STATS_EVERY:-64}

	[ "$1" = 1 ] || return 0
	if [ "$2" != 1 ]; then
		echo "exitbench: STATS=1 times phases with the instrumented kvm-pr: give INSTRUMENT=1 too" >&2
		return 2
	fi
	case $every in
	'' | *[!0-9]* | 0*)
		echo "exitbench: STATS_EVERY=$every: give a positive number of round trips (one timed in that many)" >&2
		return 2 ;;
	esac
	export KVM_PR_PARAMS=exit_timing_stats=$every
}

# run_new RESULTS RUN_ID SUITE: make the run directory RESULTS/RUN_ID with a copy of the
# suite in it, and print its path. (The functions here chain their steps with && where a
# failure must stop them: in $(...) or before ||, set -e does not.)
run_new() {
	local dir=$1/$2

	mkdir -p "$dir" && cp "$3" "$dir/suite" && echo "$dir"
}

# run_pack OUT KDIR RUNNER GUEST_DIRS SUITE RECORD SIDES PLAN: pack the host's initramfs
# into OUT (make-initramfs.sh). RECORD: "trace", "perf", both or empty; SIDES
# ("base=KDIR patched=KDIR") and PLAN (a file of "ROUND SIDE" lines): make compare's, empty
# for one run of KDIR's modules.
run_pack() {
	local out=$1 kdir=$2 runner=$3 guests=$4 suite=$5 record=$6 sides=$7 plan=$8

	RECORD=$record SIDES=$sides PLAN=$plan \
		"$run_lib_dir/make-initramfs.sh" "$kdir" "$runner" "$guests" "$suite" "$out"
}

# run_boot RUN VMLINUX INITRAMFS ICOUNT TIMEOUT_S OUT_DISK_MB: boot the emulated host on
# INITRAMFS (deleted after), its records and files into RUN. ICOUNT 1: -icount shift=0;
# TIMEOUT_S empty: boot-host.sh's default; OUT_DISK_MB 0: no output disk.
# Status: boot-host.sh's (0; 1 a benchmark or the host failed).
run_boot() {
	local run=$1 vmlinux=$2 initrd=$3 icount=$4 timeout_s=$5 out_mb=$6 rc=0

	ICOUNT=$icount BOOT_TIMEOUT=$timeout_s OUT_DISK_MB=$out_mb \
		"$run_lib_dir/boot-host.sh" "$vmlinux" "$initrd" "$run" || rc=$?
	rm -f "$initrd"
	return $rc
}

# run_env OUT KDIR RUN SUITE BOOT_S ICOUNT [EXTRA_JSON_OBJECT]: write env.json, what this
# side knows of the run (write-env.sh)
run_env() {
	local out=$1 kdir=$2 run=$3 suite=$4 boot_s=$5 icount=$6 extra=${7:-'{}'}

	ICOUNT=$icount "$run_lib_dir/write-env.sh" "$kdir" "$run" "$suite" "$boot_s" "$extra" >"$out.tmp" &&
		mv "$out.tmp" "$out"
}

# run_collect EXITBENCH RUN RUN_ID SUITE ENV OUT [VARIANT]: RUN/records.jsonl (VARIANT's
# records only, when given) -> OUT, a results.json. Status: exitbench collect's (1: a
# benchmark failed; 2: nothing written, the records are kept)
run_collect() {
	local eb=$1 run=$2 run_id=$3 suite=$4 env=$5 out=$6 variant=${7:-} rc=0

	"$eb" collect "$run/records.jsonl" ${variant:+--variant "$variant"} --env "$env" \
		--suite "$suite" --run-id "$run_id" -o "$out" || rc=$?
	[ $rc -lt 2 ] ||
		echo "exitbench: collecting ${variant:+$variant from }$run/records.jsonl failed; raw records kept there" >&2
	return $rc
}

# run_trace_rounds EXITBENCH RUN SIDE ROUNDS: each round's RUN/trace-SIDE-R.dat (make
# compare's) into RUN/SIDE/results.json, the phases' and exit reasons' figures by round
# (exitbench trace --round), and its counts into RUN/trace-SIDE-R.json. Status: 0; 1 a
# round's trace is missing, lost events or could not be read (the others are merged).
run_trace_rounds() {
	local eb=$1 run=$2 side=$3 rounds=$4 r rc=0 one

	for r in $(seq 1 "$rounds"); do
		if [ ! -f "$run/trace-$side-$r.dat" ]; then
			echo "exitbench: no trace of $side, round $r ($run/trace-$side-$r.dat): its phases are missing" >&2
			rc=1
			continue
		fi
		one=0
		"$eb" trace "$run/trace-$side-$r.dat" --results "$run/$side/results.json" --round "$r" \
			-o "$run/trace-$side-$r.json" --quiet 2>"$run/trace-$side-$r.log" || one=$?
		if [ $one != 0 ]; then
			grep -v ' events in .* s (' "$run/trace-$side-$r.log" >&2 || true
			rc=1
		fi
	done
	return $rc
}

# run_trace EXITBENCH RUN: aggregate RUN/trace.dat into RUN/trace.json and trace.txt, and
# its phases and exit reasons into RUN/results.json. Status: exitbench trace's (1: merged,
# but events were lost or a benchmark was not in results.json; 2: nothing written)
run_trace() {
	local eb=$1 run=$2 rc=0

	rm -f "$run/trace.json"
	"$eb" trace "$run/trace.dat" --results "$run/results.json" -o "$run/trace.json" \
		>"$run/trace.txt" || rc=$?
	[ $rc -lt 2 ] ||
		echo "exitbench: trace.dat could not be aggregated; results.json has no phases (trace.dat kept)" >&2
	return $rc
}

# run_recorded RUN: the events recorded and lost in RUN's trace.dat and perf.data, one
# line each; a loss is a warning (raise TRACE_BUFFER_KB / PERF_MMAP). trace.dat's counts
# are those exitbench trace read (run_trace first): RUN/trace.json's events_read,
# events_lost (the records' missed events and the file's per-CPU overrun and dropped
# events) and lost_pages_uncounted (buffer pages lost without a count of their events).
run_recorded() {
	local f=$1/trace.dat j=$1/trace.json p=$1/perf.data n read lost pages

	if [ -f "$f" ] && [ -f "$j" ] &&
		n=$(jq -er '"\(.events_read) \(.events_lost) \(.lost_pages_uncounted)"' "$j" 2>/dev/null); then
		read -r read lost pages <<<"$n"
		if [ "$pages" = 0 ]; then
			step "trace.dat: $(du -h "$f" | cut -f1), $read events, $lost lost"
			[ "$lost" = 0 ] || echo "exitbench: trace.dat lost $lost events: raise TRACE_BUFFER_KB ($TRACE_BUFFER_KB KiB per CPU)" >&2
		else
			step "trace.dat: $(du -h "$f" | cut -f1), $read events, lost: $lost counted + $pages pages uncounted"
			echo "exitbench: trace.dat lost $lost events and $pages pages of events (not counted): raise TRACE_BUFFER_KB ($TRACE_BUFFER_KB KiB per CPU)" >&2
		fi
	elif [ -f "$f" ]; then
		step "trace.dat: $(du -h "$f" | cut -f1), events not counted (exitbench trace wrote no trace.json)"
	fi
	if [ -f "$p" ] && command -v perf >/dev/null; then
		# LOST records: one each time perf's buffer overflowed ("chunks"; perf report -D
		# | grep PERF_RECORD_LOST gives the events each one lost). perf has no
		# machine-readable form of these counts: its --stats text is read.
		n=$(perf report --stats -i "$p" 2>/dev/null | awk '/^ *SAMPLE events:/ && !s {s = $3}
			/^ *LOST(_SAMPLES)? events:/ && !seen[$1]++ {l += $3} END {print s + 0, l + 0}') || n="? ?"
		step "perf.data: $(du -h "$p" | cut -f1), ${n% *} samples, ${n#* } lost chunks"
		[ "${n#* }" = 0 ] || echo "exitbench: perf.data lost ${n#* } chunks of samples: raise PERF_MMAP ($PERF_MMAP)" >&2
	fi
	return 0
}

# run_once EXITBENCH RUNNER GUESTS RUN KDIR SUITE ICOUNT RECORD RUN_ID [EXTRA_JSON_OBJECT]:
# one whole run of SUITE on KDIR's kernel into RUN (made by run_new): pack, boot, env.json
# (with the extra members), collect, aggregate the trace when RECORD holds "trace", report.
# TRACE_EVENTS is the caller's (exported). Status: 0 every benchmark ran; 1 something failed
# (what was taken is kept, with RUN/results.json when it could be written); 2 nothing
# could be collected.
run_once() {
	local eb=$1 runner=$2 guests=$3 run=$4 kdir=$5 suite=$6 icount=$7 record=$8 run_id=$9
	local extra=${10:-'{}'} start boot_s out_mb=0 boot_rc=0 collect_rc=0 trace_rc=0 report_rc=0

	step "packing the initramfs"
	run_pack "$run/initramfs.cpio.gz" "$kdir" "$runner" "$guests" "$suite" "$record" "" "" || return 2
	step "booting the emulated $(arch_host) host ($(run_mode "$icount") emulation); progress follows"
	[ -z "$record" ] || out_mb=${OUT_DISK_MB:-8192}
	start=$(date +%s)
	run_boot "$run" "$kdir/vmlinux" "$run/initramfs.cpio.gz" "$icount" "${BOOT_TIMEOUT:-}" "$out_mb" ||
		boot_rc=$?
	boot_s=$(( $(date +%s) - start ))
	run_env "$run/env.json" "$kdir" "$run" "$suite" "$boot_s" "$icount" "$extra"
	step "collecting results"
	run_collect "$eb" "$run" "$run_id" "$suite" "$run/env.json" "$run/results.json" || collect_rc=$?
	[ $collect_rc -lt 2 ] || return 2
	# the recorded trace: phases (instrumented kernel) and exit reasons per benchmark, into
	# results.json; a trace that cannot be read costs the phases, not the run
	if [ -f "$run/trace.dat" ]; then
		step "aggregating trace.dat (phases, exit reasons)"
		run_trace "$eb" "$run" || trace_rc=$?
	fi
	# events recorded and lost (a loss is a warning)
	[ -z "$record" ] || run_recorded "$run"
	run_report "$eb" "$run" || report_rc=$?
	[ $boot_rc = 0 ] && [ $collect_rc = 0 ] && [ $trace_rc = 0 ] && [ $report_rc = 0 ]
}

# run_native EXITBENCH RUNNER GUESTS RUN SUITE RUN_ID [EXTRA_JSON_OBJECT]: one whole run of
# SUITE on this POWER host itself (HOST=native) into RUN (made by run_new): kvm-pr loaded when
# it is not (scripts/native-host.sh load: root; KVM_PR_PARAMS), the runner on /dev/kvm,
# env.json (write-env.sh --native), collect, report. Status as run_once's; 2 also when PR
# KVM cannot run here (native-host.sh's one line).
run_native() {
	local eb=$1 runner=$2 guests=$3 run=$4 suite=$5 run_id=$6 extra=${7:-'{}'}
	local run_rc=0 collect_rc=0 report_rc=0

	"$run_lib_dir/native-host.sh" load || return 2
	step "running the suite on this host's /dev/kvm ($(uname -r), $(awk -F '\t*: ' '$1 == "cpu" { print $2; exit }' /proc/cpuinfo))"
	# its progress to the terminal and to console.log, as the emulated host's console is kept
	"$runner" --suite "$suite" --images "$guests" --output "$run/records.jsonl" \
		2> >(tee "$run/console.log" >&2) || run_rc=$?
	if [ ! -s "$run/records.jsonl" ]; then
		echo "exitbench: the runner wrote no records (exit $run_rc; its output is in $run/console.log)" >&2
		return 1
	fi
	"$run_lib_dir/write-env.sh" --native "$run" "$suite" "$extra" >"$run/env.json.tmp" &&
		mv "$run/env.json.tmp" "$run/env.json" || return 2
	step "collecting results"
	run_collect "$eb" "$run" "$run_id" "$suite" "$run/env.json" "$run/results.json" || collect_rc=$?
	[ $collect_rc -lt 2 ] || return 2
	run_report "$eb" "$run" || report_rc=$?
	[ $run_rc = 0 ] && [ $collect_rc = 0 ] && [ $report_rc = 0 ]
}

# run_report EXITBENCH RUN: RUN/results.json -> RUN/report.md and its plots
run_report() {
	"$1" report "$2/results.json" -o "$2"
}

# run_latest RESULTS RUN_ID NAME: RESULTS/NAME points at the run RUN_ID
run_latest() {
	ln -sfn "$2" "$1/$3"
}
