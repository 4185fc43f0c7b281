# shellcheck shell=bash
# Shared settings of exitbench's shell scripts (sourced, not run).
EXITBENCH_CACHE=${EXITBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/exitbench}
CROSS_COMPILE=${CROSS_COMPILE:-powerpc64le-linux-gnu-}
export EXITBENCH_CACHE CROSS_COMPILE

die() { echo "exitbench: $*" >&2; exit 1; }
# bad input (a tree, a patch, a file): exit 2, as exitbench itself does
die2() { echo "exitbench: $*" >&2; exit 2; }
say() { [ -t 2 ] || [ -n "${EXITBENCH_VERBOSE:-}" ] && echo "exitbench: $*" >&2; return 0; }
# progress that a person running make wants even when stderr is a pipe
step() { echo "==> $*" >&2; }
