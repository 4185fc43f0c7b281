#!/usr/bin/env bash
# The environment the x86 side knows about a run, as JSON on stdout (env.json).
# usage: write-env.sh KERNEL_DIR RUN_DIR SUITE BOOT_SECONDS [EXTRA_JSON_MEMBERS]
# env: ICOUNT
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
kdir=$1 run=$2 suite=$3 boot_s=$4 extra=${5:-}
icount_json=false; [ "${ICOUNT:-0}" = 1 ] && icount_json=true
commit=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
git -C "$top" diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
patches=
[ -s "$kdir/patches" ] && patches=$(sed "s|^$top/||; s|^$HOME/|~/|" "$kdir/patches" | paste -sd, - | sed 's/"/\\"/g')
cat <<EOT
{
 "mode": "emulated",
 "emulator": "qemu-system-ppc64 -M pseries -cpu POWER8 -m 1G",
 "qemu_version": "$(sed 's/"/\\"/g' "$run/qemu-version" 2>/dev/null)",
 "icount": "$([ "${ICOUNT:-0}" = 1 ] && echo shift=0 || echo off)",
 "instruction_count_mode": $icount_json,
 "host_kernel_source": "$(sed "s|^$HOME/|~/|" "$kdir/source")",
 "host_kernel_patches": "$patches",
 "host_kernel_config_sha256": "$(sha256sum "$kdir/config" | cut -c1-64)",
 "build_host": "$(uname -m) $(. /etc/os-release && echo "$PRETTY_NAME"), $(nproc) cores",
 "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "exitbench_commit": "$commit",
 "suite_file": "$suite",
 "boot_wall_s": $boot_s$extra
}
EOT
