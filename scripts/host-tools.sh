#!/usr/bin/env bash
# Debian's ppc64el trace-cmd and perf for the emulated host, with every shared library they
# load, as a tree to merge into the initramfs (usr/bin/, lib/powerpc64le-linux-gnu/, lib64/).
# usage: host-tools.sh
# Prints that tree's directory on stdout. Cached in $EXITBENCH_CACHE/ppc64el/host-tools/:
# scripts/ppc64el-root.sh, which downloads and extracts the packages, never installs them.
set -euo pipefail
exec "$(dirname "$0")/ppc64el-root.sh" host-tools trace-cmd:usr/bin/trace-cmd linux-perf:usr/bin/perf
