# shellcheck shell=bash
# Shared settings of exitbench's shell scripts (sourced, not run).
EXITBENCH_CACHE=${EXITBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exitbench}
# (empty on a POWER host: its own compiler; unset elsewhere: the cross compiler)
if [ -z "${CROSS_COMPILE+set}" ]; then
	case $(uname -m) in ppc64le | ppc64) CROSS_COMPILE= ;; *) CROSS_COMPILE=powerpc64le-linux-gnu- ;; esac
fi
export EXITBENCH_CACHE CROSS_COMPILE
# recording in the host (make bench TRACE=1 / PERF=1): trace-cmd's buffer per CPU and its
# mode, perf's events and buffer (make-initramfs.sh, host-init.sh); TRACE_EVENTS' default
# depends on the kernel (bench.sh)
TRACE_BUFFER_KB=${TRACE_BUFFER_KB:-65536}
TRACE_MODE=${TRACE_MODE:-buffer}
PERF_EVENTS=${PERF_EVENTS:-kvm_pr:*}
PERF_MMAP=${PERF_MMAP:-64M}
export TRACE_BUFFER_KB TRACE_MODE PERF_EVENTS PERF_MMAP

# the host's architecture (make ... ARCH=): ppc64 (the emulated POWER8, the default) or ppc32
# (the emulated 32-bit Book3S host, a PowerMac G4: book3s_32 PR)
EXITBENCH_ARCH=${EXITBENCH_ARCH:-ppc64}
export EXITBENCH_ARCH
# arch_check: status 0 for an architecture exitbench knows, else 2 with one line
arch_check() {
	case $EXITBENCH_ARCH in
	ppc64 | ppc32) return 0 ;;
	*) echo "exitbench: ARCH=$EXITBENCH_ARCH: unknown; ppc64 (the emulated POWER8, the default) or ppc32 (the emulated 32-bit Book3S host)" >&2
	   return 2 ;;
	esac
}
# the architecture's default suite (make bench ARCH=ppc32: every benchmark the 32-bit path has)
arch_suite() { [ "$EXITBENCH_ARCH" = ppc32 ] && echo configs/suites/ppc32 || echo configs/suites/default; }
# suite_has_linux_guest SUITE: status 0 when SUITE has a Linux guest's benchmark (linux-NAME)
suite_has_linux_guest() { grep -qE '^[[:space:]]*linux-' "$1"; }
# the emulated host's name, for the user
arch_host() { [ "$EXITBENCH_ARCH" = ppc32 ] && echo "32-bit PowerMac G4" || echo POWER8; }
die() { echo "exitbench: $*" >&2; exit 1; }
# bad input (a tree, a patch, a file): exit 2, as exitbench itself does
die2() { echo "exitbench: $*" >&2; exit 2; }
say() { [ -t 2 ] || [ -n "${EXITBENCH_VERBOSE:-}" ] && echo "exitbench: $*" >&2; return 0; }
# progress that a person running make wants even when stderr is a pipe
step() { echo "==> $*" >&2; }
# results_section SECTION_FILE HEADING BEFORE (make results): RESULTS.md with its section
# "## HEADING..." (that line up to the next "## ") replaced by SECTION_FILE's lines, placed
# before the first "## " heading that BEFORE (an awk alternation, "A|B") matches, or at the end
results_section() {
	awk -v sec="$1" -v head="^## $2" -v before="^## ($3)" '
		$0 ~ head {skip = 1; next}
		skip && /^## / {skip = 0}
		$0 ~ before && !done {while ((getline l < sec) > 0) print l; done = 1}
		!skip {print}
		END {if (!done) while ((getline l < sec) > 0) print l}' RESULTS.md >RESULTS.md.tmp &&
		mv RESULTS.md.tmp RESULTS.md
}
# duration_s 10m: seconds (N, Ns, Nm, Nh, Nd and sums such as 1h30m); fails on anything else
duration_s() {
	local s=$1 total=0 n
	if [[ $s =~ ^[0-9]+$ ]]; then total=$((10#$s)); s=; fi
	[[ $s =~ ^([0-9]+[smhd])*$ ]] || return 1
	while [[ $s =~ ^([0-9]+)([smhd])(.*)$ ]]; do
		n=$((10#${BASH_REMATCH[1]}))
		case ${BASH_REMATCH[2]} in m) n=$((n * 60)) ;; h) n=$((n * 3600)) ;; d) n=$((n * 86400)) ;; esac
		total=$((total + n)) s=${BASH_REMATCH[3]}
	done
	[ "$total" -gt 0 ] && echo "$total"
}
