#!/usr/bin/env bash
# Debian's ppc64el trace-cmd and perf for the emulated host, with every shared library they
# load, as a tree to merge into the initramfs (usr/bin/, lib/powerpc64le-linux-gnu/, lib64/).
# usage: host-tools.sh
# Prints that tree's directory on stdout. Cached in $EXITBENCH_CACHE/host-tools-ppc64el: the
# packages (and what they depend on) are downloaded and extracted once, never installed.
# The libraries are the DT_NEEDED closure of the two binaries, resolved with
# ${CROSS_COMPILE}readelf against the extracted packages.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

# package:binary, the binary as a path inside the package
tools="trace-cmd:usr/bin/trace-cmd linux-perf:usr/bin/perf"
arch=ppc64el triplet=powerpc64le-linux-gnu
libdirs="lib/$triplet usr/lib/$triplet lib usr/lib"

cache=$EXITBENCH_CACHE/host-tools-$arch
root=$cache/root
key=$(echo "layout-1 $tools" | sha256sum | cut -c1-16)
if [ -f "$cache/stamp" ] && [ "$(cat "$cache/stamp")" = "$key" ] && [ -d "$root" ]; then
	echo "$root"
	exit 0
fi

readelf=${CROSS_COMPILE}readelf
command -v "$readelf" >/dev/null || die "no $readelf; run: scripts/install-deps.sh target"
dpkg --print-foreign-architectures | grep -x $arch >/dev/null ||
	die "$arch is not a dpkg architecture here; run: scripts/install-deps.sh target"

# 1. the packages and everything they depend on (Depends and Pre-Depends, recursively): the
#    libraries are among them by Debian policy (dpkg-shlibdeps). Virtual and arch:all
#    packages (perl:any, perl-modules-5.36 ...) carry no ELF library and are left out.
step "downloading Debian $arch trace-cmd and perf for the emulated host (once)"
pkgs=""
for t in $tools; do pkgs="$pkgs ${t%%:*}:$arch"; done
# shellcheck disable=SC2086 # $pkgs: package names, one a word
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances $pkgs 2>/dev/null |
	grep -E "^[a-z0-9][a-z0-9.+-]*:$arch\$" | sort -u || true)
for p in $pkgs; do
	grep -qx "$p" <<<"$closure" ||
		die "no package $p in the apt indexes; run: scripts/install-deps.sh target"
done
rm -rf "$cache"
mkdir -p "$cache/debs" "$cache/sysroot"
# apt-get download fails as a whole when one package cannot be had: name it
# shellcheck disable=SC2086 # $closure: package names, one a word
if ! msg=$(cd "$cache/debs" && apt-get download -q $closure 2>&1 >/dev/null); then
	die "cannot download $arch packages for trace-cmd and perf: $(grep -m1 '^E:' <<<"$msg" || tail -1 <<<"$msg"); run: scripts/install-deps.sh target"
fi
for d in "$cache"/debs/*.deb; do
	dpkg-deb -x "$d" "$cache/sysroot" || die "cannot extract $d"
done
sys=$cache/sysroot

# a path inside the sysroot, its symlinks followed inside the sysroot (absolute ones too:
# libc6 links lib64/ld64.so.2 -> /lib/powerpc64le-linux-gnu/ld64.so.2)
resolve() {
	local p=$1 t n=0
	while [ -L "$sys/$p" ]; do
		t=$(readlink "$sys/$p")
		case $t in /*) p=${t#/} ;; *) p=$(dirname "$p")/$t ;; esac
		n=$((n + 1))
		[ $n -lt 20 ] || return 1
	done
	[ -f "$sys/$p" ] && echo "$p"
}
find_lib() {
	local d
	for d in $libdirs; do
		[ -e "$sys/$d/$1" ] && resolve "$d/$1" && return 0
	done
	return 1
}

# 2. the binaries and the DT_NEEDED closure of their libraries
mkdir -p "$cache/root.tmp/usr/bin" "$cache/root.tmp/lib/$triplet" "$cache/root.tmp/lib64"
queue=()
for t in $tools; do
	bin=${t#*:}
	real=$(resolve "$bin") || die "package ${t%%:*}:$arch has no $bin"
	cp "$sys/$real" "$cache/root.tmp/$bin"
	queue+=("$bin")
done
interp=$("$readelf" -l "$cache/root.tmp/${queue[0]}" | sed -n 's/.*program interpreter: \/\(.*\)\]/\1/p')
[ -n "$interp" ] || die "${queue[0]}: no program interpreter (not a dynamic $arch executable?)"
ld=$(resolve "$interp") || die "the program interpreter /$interp is in none of the $arch packages (libc6:$arch)"
cp "$sys/$ld" "$cache/root.tmp/lib/$triplet/$(basename "$interp")"
[ "$(dirname "$interp")" = "lib/$triplet" ] ||
	ln -sf "../lib/$triplet/$(basename "$interp")" "$cache/root.tmp/$interp"
declare -A seen=(["$(basename "$interp")"]=1)
i=0
while [ $i -lt ${#queue[@]} ]; do
	f=${queue[$i]}
	i=$((i + 1))
	needed=$("$readelf" -d "$cache/root.tmp/$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
	for so in $needed; do
		[ -n "${seen[$so]:-}" ] && continue
		seen[$so]=1
		lib=$(find_lib "$so") ||
			die "$so (needed by $f) is in none of the $arch packages that trace-cmd and perf depend on"
		cp "$sys/$lib" "$cache/root.tmp/lib/$triplet/$so"
		queue+=("lib/$triplet/$so")
	done
done
rm -rf "$root"
mv "$cache/root.tmp" "$root"
echo "$key" >"$cache/stamp"
say "host tools: ${#queue[@]} files, $(du -sh "$root" | cut -f1) in $root"
echo "$root"
