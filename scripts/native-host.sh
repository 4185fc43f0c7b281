#!/usr/bin/env bash
# A POWER host run on itself (HOST=native): which kind of host this is, whether PR KVM can
# run on it, and what identifies the machine (docs/design.md, "Native hosts").
# usage: native-host.sh kind        native or emulated: what HOST=auto means here (native on
#                                   a ppc64le or ppc64 machine, emulated anywhere else)
#        native-host.sh check       PR KVM can run here now: exit 0, or one line and exit 2
#        native-host.sh load [KO]   check, loading kvm-pr first when it is not (modprobe
#                                   kvm-pr, or insmod KO and its kvm.ko beside it): root only
#        native-host.sh identify    the machine, as JSON members of env.json's "native"
#        native-host.sh swappable   a native make compare may swap kvm.ko and kvm-pr.ko here:
#                                   exit 0, or one line and exit 2 (root, kvm-pr a module ...)
#        native-host.sh tree        the running kernel's build tree, and its source when it
#                                   has one (arch/powerpc/kvm, virt/kvm; else an empty line)
#        native-host.sh fits KO     KO and the kvm.ko beside it are built for this kernel
#                                   (their vermagic): exit 0, or one line and exit 2
#        native-host.sh state       which of kvm-pr and kvm are loaded: kvm_pr, kvm or none
#        native-host.sh restore STATE   back to the host's own modules after a swap: rmmod
#                                   kvm_pr and kvm, then modprobe what STATE had loaded; on a
#                                   failure one line saying what to run, exit 1
# env: EXITBENCH_ROOT (empty)       where /proc, /sys, /dev, /lib/modules and /boot are read
#                                   (the tests' made-up machines); EXITBENCH_UNAME_M and
#                                   EXITBENCH_UNAME_R stand for uname -m and -r with it
# load and restore act on this machine's modules: never on a made-up one (EXITBENCH_ROOT).
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

# real DOING: the modules about to be changed are this machine's, not a made-up one's
real() {
	[ -z "$R" ] || die2 "EXITBENCH_ROOT=$R is a made-up machine: not $1 any module"
}

# fits KO: KO and the kvm.ko of its folder carry this kernel's release in their vermagic
# (what insmod refuses first), checked before anything is unloaded
fits() {
	local m v
	command -v modinfo >/dev/null || die2 "no modinfo (kmod) to read $1's vermagic: install kmod"
	for m in "$(dirname "$1")/kvm.ko" "$1"; do
		[ -f "$m" ] || die2 "no $m: give a kvm-pr.ko built for kernel $release, with its kvm.ko beside it"
		v=$(modinfo -F vermagic "$m" 2>/dev/null | awk '{ print $1; exit }')
		[ -n "$v" ] || die2 "$m is not a kernel module (no vermagic in it)"
		[ "$v" = "$release" ] ||
			die2 "$m is built for kernel $v, this host runs $release: build it against /lib/modules/$release/build"
	done
}

# load [KO]: load kvm-pr (this kernel's module, or KO with the kvm.ko of its folder) when it
# is not loaded, then check
load() {
	local ko=${1:-} how
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
		[ -z "$ko" ] || fits "$ko"
		real loading
		how="modprobe kvm-pr"
		[ -z "$ko" ] || how="insmod $(dirname "$ko")/kvm.ko $ko"
		echo "exitbench: loading kvm-pr: $how${KVM_PR_PARAMS:+ $KVM_PR_PARAMS}" >&2
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

# swappable: what a native make compare needs beyond check: kvm-pr a module (it unloads and
# loads one side's kvm.ko and kvm-pr.ko after the other), root, no kvm-hv holding kvm.ko, no
# VM open on kvm-pr; each failure one line, in the order a user fixes them
swappable() {
	local users
	! grep -qs '/kvm-pr\.ko$' "$R/lib/modules/$release/modules.builtin" ||
		die2 "kvm-pr is built into kernel $release (CONFIG_KVM_BOOK3S_64_PR=y): make compare swaps kvm.ko and kvm-pr.ko as modules (=m), or use HOST=emulated"
	prereq
	[ "$(id -u)" = 0 ] ||
		die2 "make compare natively unloads and loads kvm.ko and kvm-pr.ko for each side (rmmod, insmod): run it as root"
	! loaded kvm_hv ||
		die2 "kvm-hv is loaded and holds kvm.ko, which each side of make compare replaces: sudo rmmod kvm_hv first, or use a host without it"
	users=$(cat "$R/sys/module/kvm_pr/refcnt" 2>/dev/null) || users=0
	[ "$users" = 0 ] ||
		die2 "kvm-pr is in use ($users: a VM is open, another exitbench or a QEMU?): make compare must unload it; end them first"
}

# tree: the running kernel's build tree (what out-of-tree modules are built against), and
# on a second line its source (/lib/modules/RELEASE/source, else the build tree itself, when
# it has the sources of arch/powerpc/kvm and virt/kvm: a headers package has not) or nothing
tree() {
	local b=$R/lib/modules/$release/build s built
	[ -f "$b/.config" ] && [ -f "$b/Module.symvers" ] ||
		die2 "no build tree of the running kernel at $b (its .config and Module.symvers): install its headers (Debian: apt-get install linux-headers-$release)"
	built=$(cat "$b/include/config/kernel.release" 2>/dev/null) || built=
	[ -z "$built" ] || [ "$built" = "$release" ] ||
		die2 "$b is the build tree of kernel $built, not of the running $release: modules built against it would not load (install the headers of $release)"
	echo "$b"
	for s in "$R/lib/modules/$release/source" "$b"; do
		# (a build tree has the folders too, with objects: a source has their sources)
		if [ -f "$s/arch/powerpc/kvm/book3s_pr.c" ] && [ -f "$s/virt/kvm/kvm_main.c" ]; then
			echo "$s"
			return 0
		fi
	done
	echo
}

# state: what is loaded now, for restore: kvm_pr (kvm-pr, with kvm), kvm (kvm alone) or none
state() {
	if loaded kvm_pr; then echo kvm_pr
	elif loaded kvm; then echo kvm
	else echo none; fi
}

# restore STATE: after a swap, the host's own modules back as STATE had them
restore() {
	local load
	case $1 in
	kvm_pr) load="modprobe kvm-pr" ;;
	kvm) load="modprobe kvm" ;;
	none) load= ;;
	*) die2 "usage: native-host.sh restore kvm_pr|kvm|none" ;;
	esac
	real restoring
	echo "exitbench: restoring the host's own modules: rmmod kvm_pr kvm${load:+, $load}" >&2
	{ ! loaded kvm_pr || rmmod kvm_pr; } && { ! loaded kvm || rmmod kvm; } && { [ -z "$load" ] || $load; } ||
		die "restoring the host's own modules failed: run, as root: rmmod kvm_pr; rmmod kvm${load:+; $load}"
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
swappable) swappable ;;
tree) tree ;;
fits) [ -n "${2:-}" ] || die2 "usage: native-host.sh fits KVM_PR_KO"; fits "$2" ;;
state) state ;;
restore) restore "${2:-}" ;;
*) die2 "usage: native-host.sh kind|check|load [KVM_PR_KO]|identify|swappable|tree|fits KVM_PR_KO|state|restore STATE" ;;
esac
