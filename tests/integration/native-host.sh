#!/usr/bin/env bash
# scripts/native-host.sh on made-up machines (EXITBENCH_ROOT: a folder with the proc, sys,
# dev and lib/modules a POWER host would have): which kind of host, each reason PR KVM
# cannot run (one line, exit 2), and what identifies the machine. No boot: a few seconds.
# The permission check runs as the user nobody (setpriv), on a real character device.
# Each check prints "ok" or "FAIL"; last line "native-host: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh
nh=$top/scripts/native-host.sh
tmp=$(mktemp -d /tmp/exitbench-native.XXXXXX)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

# machine DIR CPU REVISION PLATFORM MODEL MMU: a made-up host's /proc/cpuinfo (the kernel's
# own layout, arch/powerpc/kernel/setup-common.c: two CPUs, then the machine's lines)
machine() {
	local d=$1
	mkdir -p "$d/proc" "$d/sys/module" "$d/dev" "$d/sys/devices/system/cpu/cpu0/topology"
	{
		for p in 0 1; do
			printf 'processor\t: %s\ncpu\t\t: %s\nclock\t\t: 3690.000000MHz\nrevision\t: %s\n\n' "$p" "$2" "$3"
		done
		printf 'timebase\t: 512000000\nplatform\t: %s\nmodel\t\t: %s\nmachine\t\t: %s\nMMU\t\t: %s\n' \
			"$4" "$5" "$5" "$6"
	} >"$d/proc/cpuinfo"
}
# with_module DIR RELEASE: the kernel RELEASE has kvm-pr as a module (its modules.dep says so)
with_module() {
	mkdir -p "$1/lib/modules/$2"
	printf 'kernel/arch/powerpc/kvm/kvm-pr.ko.xz: kernel/arch/powerpc/kvm/kvm.ko.xz\nkernel/arch/powerpc/kvm/kvm.ko.xz:\n' \
		>"$1/lib/modules/$2/modules.dep"
}
loaded() { mkdir -p "$1/sys/module/$2"; }
dev_kvm() { rm -f "$1/dev/kvm"; mknod -m "$2" "$1/dev/kvm" c 10 232; }

# refused WHAT WANT ROOT [ENV...]: check on ROOT exits 2 with one line holding WANT
refused() {
	local what=$1 want=$2 root=$3 rc=0
	shift 3
	env EXITBENCH_ROOT="$root" EXITBENCH_UNAME_R=6.1.0-test "$@" "$nh" check >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "$what: exit 2, one line ($want)" \
		bash -c "[ $rc = 2 ] && [ \$(wc -l <'$tmp/err') = 1 ] && grep -qF -- '$want' '$tmp/err' && [ ! -s '$tmp/out' ]"
}

# --- which kind of host HOST=auto means
for am in "x86_64 emulated" "ppc64le native" "ppc64 native" "aarch64 emulated"; do
	read -r a want <<<"$am"
	check "kind on $a: $want" bash -c "[ \"\$(EXITBENCH_UNAME_M=$a '$nh' kind)\" = $want ]"
done
rc=0
"$nh" frobnicate >"$tmp/out" 2>"$tmp/err" || rc=$?
check "bad usage: exit 2, one line" bash -c "[ $rc = 2 ] && [ \$(wc -l <'$tmp/err') = 1 ] && grep -q 'usage: native-host.sh' '$tmp/err'"

# --- why PR KVM cannot run, in the order a user would fix them
p8=$tmp/p8
machine "$p8" "POWER8 (architected), altivec supported" "2.0 (pvr 004d 0200)" pSeries \
	"IBM pSeries (emulated by qemu)" Hash
refused "an x86_64 machine" "this is an x86_64 machine, not a POWER host (HOST=emulated" "$p8" EXITBENCH_UNAME_M=x86_64
p9r=$tmp/p9radix
machine "$p9r" "POWER9, altivec supported" "2.2 (pvr 004e 1202)" PowerNV "PowerNV 9006-22P" Radix
with_module "$p9r" 6.1.0-test
refused "a POWER9 host on the radix MMU" "radix MMU (/proc/cpuinfo: MMU : Radix): boot the host with disable_radix" \
	"$p9r" EXITBENCH_UNAME_M=ppc64le
refused "a kernel without PR KVM" "kernel 6.1.0-test has no kvm-pr module (it needs CONFIG_KVM_BOOK3S_64_PR" \
	"$p8" EXITBENCH_UNAME_M=ppc64le
with_module "$p8" 6.1.0-test
refused "kvm-pr a module, not loaded" "kvm-pr is not loaded: run sudo modprobe kvm-pr" "$p8" EXITBENCH_UNAME_M=ppc64le
loaded "$p8" kvm
loaded "$p8" kvm_pr
refused "kvm-pr loaded, no /dev/kvm" "kvm-pr is loaded but there is no /dev/kvm" "$p8" EXITBENCH_UNAME_M=ppc64le
chmod -R a+rX "$p8"
dev_kvm "$p8" 0600
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	refused "no permission on /dev/kvm (the user nobody)" "no permission on /dev/kvm (crw------- root:root) for nobody: run as root, or give /dev/kvm to the kvm group" \
		"$p8" EXITBENCH_UNAME_M=ppc64le setpriv --reuid=nobody --regid=nogroup --clear-groups
	chgrp nogroup "$p8/dev/kvm"
	chmod 0660 "$p8/dev/kvm"
	refused "no permission on /dev/kvm (crw-rw---- root:nogroup): join its group" \
		"(crw-rw---- root:nogroup) for nobody: join its group (sudo usermod -aG nogroup nobody" \
		"$p8" EXITBENCH_UNAME_M=ppc64le setpriv --reuid=nobody --regid=users --clear-groups
	dev_kvm "$p8" 0666
	rc=0
	EXITBENCH_ROOT=$p8 EXITBENCH_UNAME_M=ppc64le setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$nh" check >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "everything in place, /dev/kvm open to all: nobody may run (exit 0, silent)" \
		bash -c "[ $rc = 0 ] && [ ! -s '$tmp/err' ] && [ ! -s '$tmp/out' ]"
	rc=0
	EXITBENCH_ROOT=$p8 EXITBENCH_UNAME_M=ppc64le EXITBENCH_UNAME_R=6.1.0-test setpriv --reuid=nobody \
		--regid=nogroup --clear-groups "$nh" load "$p8/kvm-pr.ko" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "load of a kvm-pr.ko that is not there: exit 2, one line" \
		bash -c "[ $rc = 2 ] && [ \$(wc -l <'$tmp/err') = 1 ] && grep -qF 'no $p8/kvm-pr.ko: give a kvm-pr.ko built for kernel 6.1.0-test' '$tmp/err'"
	touch "$p8/kvm-pr.ko" "$p8/kvm.ko"
	rc=0
	EXITBENCH_ROOT=$p8 EXITBENCH_UNAME_M=ppc64le setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$nh" load "$p8/kvm-pr.ko" >"$tmp/out" 2>"$tmp/err" || rc=$?
	check "load of another kvm-pr.ko, not root: exit 2, 'needs root', nothing loaded" \
		bash -c "[ $rc = 2 ] && [ \$(wc -l <'$tmp/err') = 1 ] && grep -qF 'loading $p8/kvm-pr.ko needs root' '$tmp/err'"
else
	echo "FAIL - the permission checks need root and setpriv (util-linux)"
	fail=$((fail + 1))
fi
rm -f "$p8/kvm-pr.ko" "$p8/kvm.ko"
dev_kvm "$p8" 0660
rc=0
EXITBENCH_ROOT=$p8 EXITBENCH_UNAME_M=ppc64le "$nh" check >"$tmp/out" 2>"$tmp/err" || rc=$?
check "root, everything in place: exit 0, silent" bash -c "[ $rc = 0 ] && [ ! -s '$tmp/err' ] && [ ! -s '$tmp/out' ]"

# --- what identifies the machine
echo 0 >"$p8/sys/devices/system/cpu/cpu0/topology/thread_siblings_list"
EXITBENCH_ROOT=$p8 EXITBENCH_UNAME_M=ppc64le EXITBENCH_UNAME_R=6.1.0-test "$nh" identify >"$tmp/p8.json"
check "the emulated POWER8 (pseries under QEMU): CPU, PVR, platform, model, SMT 1, no cpufreq, clock, MMU" \
	jqr '.cpu == "POWER8 (architected), altivec supported" and .pvr == "0x004d0200" and .cpu_revision == "2.0 (pvr 004d 0200)" and
		.platform == "pSeries" and .machine_model == "IBM pSeries (emulated by qemu)" and
		.firmware == "PAPR, hypervisor: IBM pSeries (emulated by qemu)" and .smt == 1 and
		.cpufreq_governor == "none" and .cpu_mhz == 3690 and .mmu == "Hash" and .kernel_release == "6.1.0-test" and
		.arch == "ppc64le" and .kernel_config == null and .kernel_config_sha256 == "unknown" and
		.kvm_pr_loaded and (.kvm_hv_loaded | not)' "$tmp/p8.json"
p9=$tmp/p9
machine "$p9" "POWER9, altivec supported" "2.2 (pvr 004e 1202)" PowerNV "PowerNV 8335-GTH" Hash
sed -i '$a firmware\t: OPAL' "$p9/proc/cpuinfo"
mkdir -p "$p9/sys/devices/system/cpu/cpu0/cpufreq" "$p9/boot"
echo 0-3 >"$p9/sys/devices/system/cpu/cpu0/topology/thread_siblings_list"
echo performance >"$p9/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
echo 3800000 >"$p9/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq"
printf 'CONFIG_KVM_BOOK3S_64_PR=m\nCONFIG_KVM_BOOK3S_64_HV=m\n' >"$p9/boot/config-6.1.0-p9"
loaded "$p9" kvm_pr
loaded "$p9" kvm_hv
EXITBENCH_ROOT=$p9 EXITBENCH_UNAME_M=ppc64le EXITBENCH_UNAME_R=6.1.0-p9 "$nh" identify >"$tmp/p9.json"
sha=$(sha256sum <"$p9/boot/config-6.1.0-p9" | cut -c1-64)
check "a POWER9 PowerNV host: OPAL, SMT4, performance at 3800 MHz (cpufreq), the config's hash, kvm-hv beside kvm-pr" \
	jqr --arg sha "$sha" '.pvr == "0x004e1202" and .platform == "PowerNV" and .firmware == "OPAL" and .smt == 4 and
		.cpufreq_governor == "performance" and .cpu_mhz == 3800 and .kernel_config == "/boot/config-6.1.0-p9" and
		.kernel_config_sha256 == $sha and .kvm_pr_loaded and .kvm_hv_loaded' "$tmp/p9.json"
gzip -c "$p9/boot/config-6.1.0-p9" >"$p9/proc/config.gz"
check "/proc/config.gz comes first, hashed uncompressed" \
	bash -c "EXITBENCH_ROOT='$p9' EXITBENCH_UNAME_M=ppc64le EXITBENCH_UNAME_R=6.1.0-p9 '$nh' identify |
		jq -e --arg sha '$sha' '.kernel_config == \"/proc/config.gz\" and .kernel_config_sha256 == \$sha' >/dev/null"

it_done native-host
