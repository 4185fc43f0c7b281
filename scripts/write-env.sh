#!/usr/bin/env bash
# The environment the x86 side knows about a run, as JSON on stdout (env.json;
# docs/design.md, "env.json").
# usage: write-env.sh KERNEL_DIR RUN_DIR SUITE BOOT_SECONDS [EXTRA_JSON_OBJECT]
#        write-env.sh --native RUN_DIR SUITE [EXTRA_JSON_OBJECT]
#   EXTRA_JSON_OBJECT: members added at the end (make compare: {"comparison": {...}})
#   --native: a run on this POWER host itself (HOST=native): the running kernel, and what
#   scripts/native-host.sh identify says of the machine under "native"
# env: ICOUNT; with --native, EXITBENCH_EMULATOR and EXITBENCH_ICOUNT (1: -icount shift=0)
#   say that this "native" host is itself emulated (make native-check), so its figures are
#   never taken for a real machine's; NATIVE_MODULES=DIR: the kvm.ko and kvm-pr.ko this
#   side ran with, built out of tree (a native make compare: build-module.sh's OUT_DIR)
# Built with jq: a path or a version string holding quotes or backslashes stays a string.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
if commit=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null); then
	git -C "$top" diff --quiet HEAD 2>/dev/null || commit="$commit-dirty"
else
	commit=$(cat "$top/.exitbench-commit" 2>/dev/null) || commit=unknown
fi
O=${O:-build}
case $O in /*) obj=$O ;; *) obj=$top/$O ;; esac
# the instrument: the runner and the guest images that ran (a change to either can move a
# figure: the nightly history never compares across it)
instrument=$(cat "$obj/${EXITBENCH_ARCH:-ppc64}/exitbench-run" "$obj/${EXITBENCH_ARCH:-ppc64}"/guest/*.bin 2>/dev/null | sha256sum) ||
	instrument=unknown

if [ "${1:-}" = --native ]; then
	[ $# -ge 3 ] && [ $# -le 4 ] ||
		{ echo "exitbench: usage: write-env.sh --native RUN_DIR SUITE [EXTRA_JSON_OBJECT]" >&2; exit 2; }
	run=$2 suite=$3 extra=${4:-'{}'}
	native=$("$top/scripts/native-host.sh" identify)
	variant=running
	[ ! -f "$run/kernel-variant" ] || variant=$(cat "$run/kernel-variant")
	icount=false
	[ "${EXITBENCH_ICOUNT:-0}" = 1 ] && icount=true
	os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || os=unknown
	# a side of a native make compare: the running kernel with its modules built out of tree
	modules=null patches=
	if [ -n "${NATIVE_MODULES:-}" ]; then
		m=$NATIVE_MODULES
		variant=modules patches=$(cat "$m/patch" 2>/dev/null) || patches=
		modules=$(jq -n --arg patch "$patches" --arg kbuild "$(cat "$m/kbuild" 2>/dev/null)" \
			--arg source "$(cat "$m/source" 2>/dev/null)" \
			--arg kvm "$(sha256sum <"$m/kvm.ko" | cut -c1-64)" \
			--arg kvm_pr "$(sha256sum <"$m/kvm-pr.ko" | cut -c1-64)" \
			--arg vermagic "$(modinfo -F vermagic "$m/kvm-pr.ko" 2>/dev/null | sed 's/ *$//')" '{
			patch: $patch, built_against: (if $kbuild == "" then null else $kbuild end),
			source: (if $source == "" then null else $source end), vermagic: $vermagic,
			kvm_sha256: $kvm, kvm_pr_sha256: $kvm_pr}')
	fi
	jq -n --argjson native "$native" --argjson modules "$modules" --arg patches "$patches" \
		--arg emulator "${EXITBENCH_EMULATOR:-}" --argjson icount "$icount" \
		--arg variant "$variant" --arg instrument "${instrument:0:16}" \
		--arg host "$(hostname 2>/dev/null || uname -n)" \
		--arg build_host "$(uname -m) $os, $(nproc) cores" --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
		--arg commit "$commit" --arg suite "$suite" --argjson extra "$extra" '
		{
			mode: "native",
			arch: "ppc64",
			emulator: (if $emulator == "" then null else $emulator end),
			icount: (if $icount then "shift=0" else "off" end),
			instruction_count_mode: $icount,
			host_kernel_source: "the running kernel, \($native.kernel_release)",
			host_kernel_patches: $patches,
			host_kernel_config_sha256: $native.kernel_config_sha256,
			host_kernel_variant: $variant,
			host: $host,
			build_host: $build_host,
			native: $native,
			exitbench_instrument: $instrument,
			date: $date,
			exitbench_commit: $commit,
			suite_file: $suite
		} + (if $modules == null then {} else {native_modules: $modules} end) + $extra'
	exit 0
fi
[ $# -ge 4 ] && [ $# -le 5 ] ||
	{ echo "exitbench: usage: write-env.sh KERNEL_DIR RUN_DIR SUITE BOOT_SECONDS [EXTRA_JSON_OBJECT]" >&2; exit 2; }
kdir=$1 run=$2 suite=$3 boot_s=$4 extra=${5:-'{}'}

icount=false
[ "${ICOUNT:-0}" = 1 ] && icount=true
qemu_version=$(cat "$run/qemu-version" 2>/dev/null) || qemu_version=
patches=
[ ! -f "$kdir/patches" ] || patches=$(cat "$kdir/patches")
config_sha=$(sha256sum <"$kdir/config")
os=$(. /etc/os-release && echo "$PRETTY_NAME")
# the host's architecture and machine (every figure says where it comes from)
arch=${EXITBENCH_ARCH:-ppc64}
if [ "$arch" = ppc32 ]; then
	fragment=ppc32-pr.config machine="PowerMac G4 (QEMU mac99, CPU 7400), 32-bit Book3S"
	emulator="qemu-system-ppc -M mac99 -cpu G4 -m 512M"
else
	fragment=ppc64le-pr.config machine="pSeries (QEMU pseries, POWER8), 64-bit Book3S"
	emulator="qemu-system-ppc64 -M pseries -cpu POWER8 -m 1G"
fi
fragment_sha=$(sha256sum <"$top/configs/kernel/$fragment")
variant=stock
[ ! -f "$run/kernel-variant" ] || variant=$(cat "$run/kernel-variant")

# the kernel's source and patches: paths in the checkout relative to it, in $HOME as ~/
jq -n --arg top "$top/" --arg home "$HOME/" \
	--arg qemu_version "$qemu_version" --argjson icount "$icount" \
	--arg source "$(cat "$kdir/source")" --arg patches "$patches" \
	--arg config_sha "${config_sha:0:64}" --arg fragment_sha "${fragment_sha:0:64}" \
	--arg variant "$variant" --arg instrument "${instrument:0:16}" \
	--arg host "$(hostname 2>/dev/null || echo unknown)" \
	--arg build_host "$(uname -m) $os, $(nproc) cores" \
	--arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$commit" \
	--arg suite "$suite" --argjson boot_s "$boot_s" --argjson extra "$extra" \
	--arg arch "$arch" --arg machine "$machine" --arg emulator "$emulator" '
	def short: if startswith($top) then ltrimstr($top)
		elif startswith($home) then "~/" + ltrimstr($home) else . end;
	{
		mode: "emulated",
		arch: $arch,
		emulated_machine: $machine,
		emulator: $emulator,
		qemu_version: $qemu_version,
		icount: (if $icount then "shift=0" else "off" end),
		instruction_count_mode: $icount,
		host_kernel_source: ($source | if startswith($home) then "~/" + ltrimstr($home) else . end),
		host_kernel_patches: ($patches | split("\n") | map(select(. != "") | short) | join(",")),
		host_kernel_config_sha256: $config_sha,
		host_kernel_fragment_sha256: $fragment_sha,
		host_kernel_variant: $variant,
		host: $host,
		build_host: $build_host,
		exitbench_instrument: $instrument,
		date: $date,
		exitbench_commit: $commit,
		suite_file: $suite,
		boot_wall_s: $boot_s
	} + $extra'
