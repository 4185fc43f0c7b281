#!/usr/bin/env bash
# A POWER host run on itself (HOST=native): which kind of host this is, whether PR KVM can
# run on it, and what identifies the machine (docs/design.md, "Native hosts").
# usage: native-host.sh kind        native or emulated: what HOST=auto means here (native on
#                                   a ppc64le or ppc64 machine, emulated anywhere else)
#        native-host.sh check       PR KVM can run here now: exit 0, or one line and exit 2
#        native-host.sh load [KO]   check, loading kvm-pr first when it is not (modprobe
#                                   kvm-pr, or insmod KO and its kvm.ko beside it): root only
#        native-host.sh identify    the machine, as JSON members of env.json's "native"
# env: EXITBENCH_ROOT (empty)       where /proc, /sys, /dev, /lib/modules and /boot are read
#                                   (the tests' made-up machines); EXITBENCH_UNAME_M and
#                                   EXITBENCH_UNAME_R stand for uname -m and -r with it
# Exit status: 0; 2 PR KVM cannot run here (the line says why and what to do), or bad usage.
set -euo pipefail
. "$(dirname "$0")/common.sh"
R=${EXITBENCH_ROOT:-}
arch=${EXITBENCH_UNAME_M:-$(uname -m)}
release=${EXITBENCH_UNAME_R:-$(uname -r)}

# cpuinfo KEY: the first "KEY : value" of /proc/cpuinfo (empty when there is none)
cpuinfo() {
	awk -F '\t*: ' -v k="$1" '$1 == k { sub(/^[^:]*: */, ""); print; exit }' "$R/proc/cpuinfo" 2>/dev/null || true
}
loaded() { [ -d "$R/sys/module/$1" ]; }
# the kvm-pr module of this kernel, if it has one (modules.dep names every module)
pr_module() {
	local dep=$R/lib/modules/$release/modules.dep
	[ -f "$dep" ] && grep -q -m1 '/kvm-pr\.ko[^:]*:' "$dep"
}

kind() {
	case $arch in
	ppc64le | ppc64) echo native ;;
	*) echo emulated ;;
	esac
}

# prereq: what no loading can fix: a POWER machine, the hash MMU, a kvm-pr in the kernel
prereq() {
	case $arch in
	ppc64le | ppc64) ;;
	*) die2 "HOST=native: this is an $arch machine, not a POWER host (HOST=emulated runs the suite on the emulated POWER8)" ;;
	esac
	[ "$(cpuinfo MMU)" != Radix ] ||
		die2 "PR KVM cannot run on a host using the radix MMU (/proc/cpuinfo: MMU : Radix): boot the host with disable_radix on its command line (POWER9), or use a hash-MMU host"
	loaded kvm_pr || pr_module ||
		die2 "no PR KVM: kvm-pr is not loaded and kernel $release has no kvm-pr module (it needs CONFIG_KVM_BOOK3S_64_PR=m or =y)"
}

# check: everything PR KVM needs, in the order a user fixes them; each failure one line
check() {
	prereq
	loaded kvm_pr ||
		die2 "kvm-pr is not loaded: run sudo modprobe kvm-pr (or make bench as root, which loads it)"
	[ -c "$R/dev/kvm" ] || die2 "kvm-pr is loaded but there is no /dev/kvm (is devtmpfs mounted on /dev?)"
	if ! [ -r "$R/dev/kvm" ] || ! [ -w "$R/dev/kvm" ]; then
		local who group
		who=$(stat -c '%A %U:%G' "$R/dev/kvm" 2>/dev/null) || who=unknown
		group=$(stat -c %G "$R/dev/kvm" 2>/dev/null) || group=root
		if [ "$group" = root ]; then
			die2 "no permission on /dev/kvm ($who) for $(id -un): run as root, or give /dev/kvm to the kvm group (Debian's udev rule does) and join it"
		fi
		die2 "no permission on /dev/kvm ($who) for $(id -un): join its group (sudo usermod -aG $group $(id -un), then log in again) or run as root"
	fi
}

# load [KO]: load kvm-pr (this kernel's module, or KO with the kvm.ko of its folder) when it
# is not loaded, then check
load() {
	local ko=${1:-}
	prereq
	if [ -n "$ko" ]; then
		[ -f "$ko" ] || die2 "no $ko: give a kvm-pr.ko built for kernel $release"
		[ -f "$(dirname "$ko")/kvm.ko" ] || die2 "no kvm.ko beside $ko: the two are built and loaded together"
	fi
	if ! loaded kvm_pr || [ -n "$ko" ]; then
		if [ "$(id -u)" != 0 ]; then
			check	# (its own line when kvm-pr is not loaded)
			die2 "loading $ko needs root: run make as root"
		fi
		echo "exitbench: loading kvm-pr: ${ko:+insmod $(dirname "$ko")/kvm.ko $ko}${ko:-modprobe kvm-pr}${KVM_PR_PARAMS:+ $KVM_PR_PARAMS}" >&2
		if [ -n "$ko" ]; then
			if loaded kvm_pr; then
				rmmod kvm_pr || die2 "rmmod kvm_pr failed: a VM still open (another exitbench or QEMU running)?"
			fi
			if loaded kvm; then
				rmmod kvm || die2 "rmmod kvm failed: kvm-hv or another user holds it (rmmod kvm_hv first, or use a host without it)"
			fi
			insmod "$(dirname "$ko")/kvm.ko" || die2 "insmod $(dirname "$ko")/kvm.ko failed (built for another kernel than $release?)"
			# shellcheck disable=SC2086 # the parameters, one word each
			insmod "$ko" ${KVM_PR_PARAMS:-} ||
				die2 "insmod $ko${KVM_PR_PARAMS:+ $KVM_PR_PARAMS} failed: see dmesg (a hash-MMU host? a parameter this kvm-pr.ko does not have?)"
		else
			# shellcheck disable=SC2086 # the parameters, one word each
			modprobe kvm-pr ${KVM_PR_PARAMS:-} 2>/dev/null ||
				die2 "modprobe kvm-pr failed: $(dmesg 2>/dev/null | grep -i -m1 'kvm' || echo 'see dmesg')"
		fi
	fi
	check
}

# identify: what tells this machine from another, as JSON (jq): the CPU and its PVR, the
# platform and firmware, SMT, the frequency governor and the current frequency, the kernel
# release and a hash of its config, the KVM modules loaded
identify() {
	local cpu rev pvr platform model machine firmware threads online gov freq cfg cfg_sha hv
	cpu=$(cpuinfo cpu) rev=$(cpuinfo revision)
	pvr=$(sed -n 's/.*(pvr \([0-9a-f]*\) \([0-9a-f]*\)).*/0x\1\2/p' <<<"$rev")
	platform=$(cpuinfo platform) model=$(cpuinfo model) machine=$(cpuinfo machine)
	firmware=$(cpuinfo firmware)
	[ -n "$firmware" ] || case $platform in
		PowerNV) firmware=OPAL ;;
		# an LPAR or a guest: its hypervisor says what it is ("linux,kvm" under KVM)
		pSeries) firmware="PAPR, hypervisor: $({ tr '\0' ' ' <"$R/proc/device-tree/hypervisor/compatible"; } 2>/dev/null |
			sed 's/ *$//' | grep . || echo "${model:-unknown}")" ;;
	esac
	# SMT: the threads of the first CPU's core that are online
	threads=$(cat "$R/sys/devices/system/cpu/cpu0/topology/thread_siblings_list" 2>/dev/null) || threads=
	online=0
	if [ -n "$threads" ]; then
		online=$(awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' <<<"$threads")
	fi
	gov=$(cat "$R/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor" 2>/dev/null) || gov=none
	freq=$(cat "$R/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq" 2>/dev/null) || freq=
	if [ -n "$freq" ]; then
		freq=$(awk -v k="$freq" 'BEGIN { printf "%.0f", k / 1000 }')
	else
		freq=$(cpuinfo clock | sed -n 's/^\([0-9.]*\)MHz.*/\1/p' | awk '{ printf "%.0f", $1 }')
	fi
	cfg_sha=unknown cfg=
	if [ -r "$R/proc/config.gz" ]; then
		cfg_sha=$(gzip -dc "$R/proc/config.gz" | sha256sum) cfg=/proc/config.gz
	elif [ -r "$R/boot/config-$release" ]; then
		cfg_sha=$(sha256sum <"$R/boot/config-$release") cfg=/boot/config-$release
	fi
	hv=false
	loaded kvm_hv && hv=true
	jq -n --arg cpu "$cpu" --arg revision "$rev" --arg pvr "$pvr" --arg platform "$platform" \
		--arg model "${model:-$machine}" --arg firmware "$firmware" --argjson smt "${online:-0}" \
		--arg gov "$gov" --arg freq "$freq" --arg release "$release" --arg arch "$arch" \
		--arg cfg "$cfg" --arg cfg_sha "${cfg_sha:0:64}" --argjson hv "$hv" \
		--argjson pr "$(loaded kvm_pr && echo true || echo false)" --arg mmu "$(cpuinfo MMU)" '{
		cpu: $cpu, pvr: (if $pvr == "" then null else $pvr end), cpu_revision: $revision,
		platform: $platform, machine_model: $model, firmware: $firmware,
		smt: (if $smt > 0 then $smt else null end), mmu: $mmu,
		cpufreq_governor: $gov, cpu_mhz: (if $freq == "" then null else ($freq | tonumber) end),
		kernel_release: $release, arch: $arch, kernel_config: (if $cfg == "" then null else $cfg end),
		kernel_config_sha256: $cfg_sha, kvm_pr_loaded: $pr, kvm_hv_loaded: $hv}'
}

case ${1:-} in
kind) kind ;;
check) check ;;
load) load "${2:-}" ;;
identify) identify ;;
*) die2 "usage: native-host.sh kind|check|load [KVM_PR_KO]|identify" ;;
esac
