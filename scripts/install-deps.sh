#!/usr/bin/env bash
# Install the Debian packages exitbench needs, only those missing.
# usage: scripts/install-deps.sh [host|target|all|native|fleet]
#   host:   what the x86 side needs to build the analysis tools and run make check's unit tests
#           (chromium, chromium-driver, python3: the nightly page's browser test, tests/page;
#           ministat: make bench-compare's yardstick)
#   target: cross compiler, kernel source, QEMU, ppc64el userland for the emulated host
#   native: on a POWER host (any of the three there): its own compiler and libraries
#   fleet:  Buildbot's master and worker (configs/buildbot, make fleet-demo), on any machine
set -euo pipefail
what=${1:-all}

host_pkgs="gcc make pkg-config libjansson-dev libgsl-dev libcmocka-dev libsqlite3-dev gnuplot-nox jq clang libclang-rt-14-dev
 chromium chromium-driver python3 sqlite3 git ministat
 trace-cmd libtracecmd-dev libtraceevent-dev libtracefs-dev liburcu-dev"
target_pkgs="gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross qemu-system-ppc linux-source-6.1
 flex bison bc libssl-dev libelf-dev cpio ccache xz-utils kmod e2fsprogs
 libpfm4-dev:ppc64el gcc-powerpc-linux-gnu libc6-dev-powerpc-cross"
# gcc-powerpc-linux-gnu and libc6-dev-powerpc-cross build the 32-bit host's kernel, its
# static runner and /init, and its guests (ARCH=ppc32; qemu-system-ppc has its mac99)
# libpfm4-dev:ppc64el is installed (multiarch: /usr/include/perfmon, the static
# /usr/lib/powerpc64le-linux-gnu/libpfm.a), for the cross compiler to link into the runner
# ppc64el packages are downloaded for the emulated host's initramfs, never installed here
# (busybox-static:ppc64el would replace this machine's /bin/busybox); trace-cmd and
# linux-perf (make bench TRACE=1 / PERF=1) with their libraries: scripts/host-tools.sh
foreign_pkgs="busybox-static:ppc64el trace-cmd:ppc64el linux-perf:ppc64el"

# on a POWER host (HOST=native) the tools, the runner and the guests are built by its own
# compiler and nothing is emulated: one set, whatever is asked
native_pkgs="gcc make pkg-config libc6-dev libjansson-dev libgsl-dev libsqlite3-dev gnuplot-nox jq
 libtracecmd-dev libtraceevent-dev libtracefs-dev liburcu-dev libpfm4-dev kmod"
# Buildbot (3.7 in Debian 12: the master without its web UI) and git for the workers' checkout
fleet_pkgs="buildbot buildbot-worker git"
case $(uname -m) in
ppc64le | ppc64) [ "$what" = host ] || [ "$what" = target ] || [ "$what" = all ] && what=native ;;
esac

case "$what" in
native) want="$native_pkgs"; foreign="" ;;
fleet) want="$fleet_pkgs"; foreign="" ;;
host) want="$host_pkgs"; foreign="" ;;
target) want="$target_pkgs"; foreign="$foreign_pkgs" ;;
all) want="$host_pkgs $target_pkgs"; foreign="$foreign_pkgs" ;;
*) echo "install-deps: unknown set '$what' (host, target, all, native or fleet)" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	# (grep reads all its input: with pipefail, grep -q could end the pipeline on SIGPIPE)
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null ||
		missing="$missing $p"
done
need_foreign=""
if [ -n "$foreign" ]; then
	if ! dpkg --print-foreign-architectures | grep -x ppc64el >/dev/null; then
		need_foreign=1
	else
		for p in $foreign; do
			apt-cache policy "$p" 2>/dev/null | grep 'Candidate: [^(]' >/dev/null || need_foreign=1
		done
	fi
fi
[ -z "$missing" ] && [ -z "$need_foreign" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing; run as root: apt-get install$missing" >&2
	exit 1
fi
[ -n "$missing" ] && echo "install-deps: installing$missing" >&2
[ -n "$need_foreign" ] && echo "install-deps: making$foreign downloadable (dpkg architecture ppc64el)" >&2

if [ -n "$foreign" ] && ! dpkg --print-foreign-architectures | grep -x ppc64el >/dev/null; then
	dpkg --add-architecture ppc64el
fi

# apt-get update can exit 100 for one index in mid-sync (seen with bookworm-security
# binary-ppc64el) while every other index loaded: judge by whether the packages are
# installable, not by update's exit code, and retry once.
installable() {
	for p in $missing ${need_foreign:+$foreign}; do
		apt-cache policy "$p" 2>/dev/null | grep 'Candidate: [^(]' >/dev/null || return 1
	done
}
export DEBIAN_FRONTEND=noninteractive
for try in 1 2; do
	apt-get update -qq >/dev/null 2>&1 || true
	installable && break
	[ $try = 2 ] && { echo "install-deps: packages not installable after apt-get update:$missing; check /etc/apt/sources.list" >&2; exit 1; }
	sleep 5
done
[ -z "$missing" ] && exit 0
for try in 1 2; do
	# shellcheck disable=SC2086 # package names, one a word
	apt-get install -y -qq --no-install-recommends $missing >/dev/null && exit 0
	sleep 5
done
echo "install-deps: apt-get install failed for:$missing" >&2
exit 1
