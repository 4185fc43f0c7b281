#!/usr/bin/env bash
# Debian ppc64el packages, downloaded and extracted (never installed here), as a tree for the
# emulated host: the binaries named and every shared library they load.
# usage: ppc64el-root.sh NAME [--elf FILE]... PKG:BIN...
#        ppc64el-root.sh --sysroot NAME PKG...
#   PKG:BIN    BIN, a path inside package PKG (usr/bin/jq), or PKG:* for every executable
#              of PKG in bin/, sbin/, usr/bin/, usr/sbin/, or PKG:@ for all of an arch:all
#              package's files (data: fonts, fontconfig's configuration)
#   PKG:       PKG's libraries only (as the closure of the binaries and ELFs asks for them)
#   --elf FILE a ppc64le ELF of our own (FILE's libraries join the tree, FILE does not)
#   --sysroot  the packages and all they depend on, whole: headers, libraries and .pc files
#              to build against (make's PPC64_SYSROOT)
# Prints the tree's directory on stdout. Cached in $EXITBENCH_CACHE/ppc64el/NAME/LIST/, a
# folder per list of packages (two lists never replace each other's files): the packages
# (and what they depend on, Depends and Pre-Depends, recursively) are fetched once; the tree
# is usr/bin/, usr/sbin/, lib/powerpc64le-linux-gnu/, lib64/, to merge into the initramfs,
# in a folder of its own per set of our ELFs (the last three kept: a run that still copies
# one is not pulled from under). One caller at a time builds (a lock per list). The libraries are the DT_NEEDED closure of the binaries, resolved with
# ${CROSS_COMPILE}readelf against the extracted packages.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

arch=ppc64el triplet=powerpc64le-linux-gnu
libdirs="lib/$triplet usr/lib/$triplet lib usr/lib"
sysroot_only=
if [ "${1:-}" = --sysroot ]; then
	sysroot_only=1
	shift
fi
[ $# -ge 2 ] || die2 "usage: ppc64el-root.sh NAME [--elf FILE]... PKG:BIN... | --sysroot NAME PKG..."
name=$1
shift
elves=() specs=()
while [ $# -gt 0 ]; do
	case $1 in
	--elf)
		[ $# -ge 2 ] && [ -f "$2" ] || die2 "--elf ${2:-}: no such file"
		elves+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
		shift 2 ;;
	*) specs+=("$1"); shift ;;
	esac
done
[ ${#specs[@]} -gt 0 ] || die2 "ppc64el-root.sh $name: no package named"

# the keys: the downloads', of the list; the tree's, of the list (and the layout) and our own
# ELFs' content (their libraries may change: the tree is made again, nothing downloaded)
dl_key=$(echo "packages-1 ${specs[*]}" | sha256sum | cut -c1-16)
if [ -n "$sysroot_only" ]; then
	key=$(echo "sysroot-1 ${specs[*]}" | sha256sum | cut -c1-16)
else
	key=$(echo "layout-1 ${specs[*]}" | sha256sum | cut -c1-16)
	[ ${#elves[@]} = 0 ] || key=$key-$(cat "${elves[@]}" | sha256sum | cut -c1-12)
fi
cache=$EXITBENCH_CACHE/$arch/$name/$dl_key
root=$cache/root-$key
sys=$cache/sysroot
out=$root
[ -z "$sysroot_only" ] || out=$sys
mkdir -p "$cache"
exec 9>"$cache.lock"
flock -n 9 || { step "another build of the $name packages is under way; waiting for it"; flock 9; }
if [ -f "$cache/stamp-$key" ] && [ -d "$out" ]; then
	echo "$out"
	exit 0
fi

readelf=${CROSS_COMPILE}readelf
command -v "$readelf" >/dev/null || die "no $readelf; run: scripts/install-deps.sh target"
dpkg --print-foreign-architectures | grep -x $arch >/dev/null ||
	die "$arch is not a dpkg architecture here; run: scripts/install-deps.sh target"

if [ -f "$cache/dl-stamp" ] && [ "$(cat "$cache/dl-stamp")" = "$dl_key" ] && [ -d "$sys" ]; then
	fetched=1
else
	fetched=
fi
# 1. the packages and everything they depend on (Depends and Pre-Depends, recursively): the
#    libraries are among them by Debian policy (dpkg-shlibdeps). Virtual and arch:all
#    packages (perl:any, perl-modules-5.36 ...) carry no ELF library and are left out.
pkgs="" data=""
for s in "${specs[@]}"; do
	if [ "${s#*:}" = @ ]; then data="$data ${s%%:*}"; else pkgs="$pkgs ${s%%:*}:$arch"; fi
done
pkgs=$(tr ' ' '\n' <<<"$pkgs" | grep . | sort -u | tr '\n' ' ')
# fetch: download the closure and extract it all into the sysroot
fetch() {
	local closure p alldata msg d got
	step "downloading Debian $arch packages for $name (once):$(for s in "${specs[@]}"; do printf ' %s' "${s%%:*}"; done | tr ' ' '\n' | sort -u | tr '\n' ' ')"
	# shellcheck disable=SC2086 # $pkgs: package names, one a word
	closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances $pkgs 2>/dev/null |
		grep -E "^[a-z0-9][a-z0-9.+-]*:$arch\$" | sort -u || true)
	for p in $pkgs; do
		grep -qx "$p" <<<"$closure" ||
			die "no package $p in the apt indexes; run: scripts/install-deps.sh target"
	done
	# data packages: arch:all ones are fetched by name; one with a ppc64el build (fontconfig-
	# config) comes with the closure
	alldata=$data data=""
	for p in $alldata; do grep -qx "$p:$arch" <<<"$closure" || data="$data $p"; done
	rm -rf "$cache/debs" "$sys" "$cache"/stamp-* "$cache"/root-*
	mkdir -p "$cache/debs" "$sys"
	# apt-get download fails as a whole when one package cannot be had: name it. Indexes older
	# than the mirror name versions it no longer has (404): as root, update them once and retry
	got=1
	# shellcheck disable=SC2086 # $closure: package names, one a word
	msg=$(cd "$cache/debs" && apt-get download -q $closure $data 2>&1 >/dev/null) || got=
	if [ -z "$got" ]; then
		if [ "$(id -u)" = 0 ] && grep -q '404' <<<"$msg"; then
			step "the apt indexes name versions the mirror no longer has: apt-get update, then again"
			apt-get update -qq >/dev/null 2>&1 || true
			# shellcheck disable=SC2086
			closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
				--no-breaks --no-replaces --no-enhances $pkgs 2>/dev/null |
				grep -E "^[a-z0-9][a-z0-9.+-]*:$arch\$" | sort -u || true)
			rm -f "$cache"/debs/*.deb
			# shellcheck disable=SC2086
			msg=$(cd "$cache/debs" && apt-get download -q $closure $data 2>&1 >/dev/null) && got=1
		fi
		[ -n "$got" ] ||
			die "cannot download $arch packages for $name: $(grep -m1 '^E:' <<<"$msg" || tail -1 <<<"$msg"); run: scripts/install-deps.sh target"
	fi
	for d in "$cache"/debs/*.deb; do
		dpkg-deb -x "$d" "$sys" || die "cannot extract $d"
	done
	echo "$dl_key" >"$cache/dl-stamp"
}
[ -n "$fetched" ] || fetch
if [ -n "$sysroot_only" ]; then
	: >"$cache/stamp-$key"
	say "$name: $(ls "$cache/debs" | wc -l) packages, $(du -sh "$sys" | cut -f1) in $sys"
	echo "$sys"
	exit 0
fi

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
# deb_of PKG ARCH: the downloaded .deb of PKG for ARCH (status 1: none)
deb_of() {
	local d
	for d in "$cache/debs/$1"_*_"$2".deb; do
		[ -f "$d" ] && echo "$d" && return 0
	done
	return 1
}
is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

# 2. the binaries (PKG:* : every ELF executable of the package's bin folders) and the
#    DT_NEEDED closure of their libraries and of our own ELFs
tmp=$root.tmp
rm -rf "$tmp"
mkdir -p "$tmp/usr/bin" "$tmp/usr/sbin" "$tmp/lib/$triplet" "$tmp/lib64"
queue=()
add_bin() {
	local bin=$1 real dest
	real=$(resolve "$bin") || die "package $2:$arch has no $bin"
	# bin/ and sbin/ join usr/bin/ and usr/sbin/ (a merged /usr, as Debian's own)
	dest=$bin
	case $bin in bin/* | sbin/*) dest=usr/$bin ;; esac
	[ -e "$tmp/$dest" ] && return 0
	mkdir -p "$(dirname "$tmp/$dest")"
	cp "$sys/$real" "$tmp/$dest"
	is_elf "$tmp/$dest" && queue+=("$dest")
	return 0
}
for s in "${specs[@]}"; do
	p=${s%%:*} bin=${s#*:}
	if [ "$bin" = @ ]; then
		deb=$(deb_of "$p" all) || deb=$(deb_of "$p" "$arch") || die "no package $p among the downloads"
		dpkg-deb -x "$deb" "$tmp" || die "cannot extract $deb"
	elif [ -z "$bin" ]; then
		continue
	elif [ "$bin" = '*' ]; then
		deb=$(deb_of "$p" "$arch") || die "no $p:$arch package among the downloads"
		while read -r f; do
			f=${f#./}
			[ -f "$sys/$f" ] || [ -L "$sys/$f" ] || continue
			real=$(resolve "$f") || continue
			[ -x "$sys/$real" ] && is_elf "$sys/$real" && add_bin "$f" "$p"
		done < <(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep -E '^\./(usr/)?s?bin/[^/]+$')
	else
		add_bin "$bin" "$p"
	fi
done
[ ${#queue[@]} -gt 0 ] || [ ${#elves[@]} -gt 0 ] || die "$name: no executable among ${specs[*]}"
first=${elves[0]:-$tmp/${queue[0]}}
interp=$("$readelf" -l "$first" | sed -n 's/.*program interpreter: \/\(.*\)\]/\1/p')
[ -n "$interp" ] || die "$first: no program interpreter (not a dynamic $arch executable?)"
ld=$(resolve "$interp") || die "the program interpreter /$interp is in none of the $arch packages (libc6:$arch)"
cp "$sys/$ld" "$tmp/lib/$triplet/$(basename "$interp")"
[ "$(dirname "$interp")" = "lib/$triplet" ] ||
	ln -sf "../lib/$triplet/$(basename "$interp")" "$tmp/$interp"
declare -A seen=(["$(basename "$interp")"]=1)
needs() {
	local f=$1 so lib
	for so in $("$readelf" -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		[ -n "${seen[$so]:-}" ] && continue
		seen[$so]=1
		lib=$(find_lib "$so") ||
			die "$so (needed by ${f#"$tmp"/}) is in none of the $arch packages that ${specs[*]%%:*} depend on"
		cp "$sys/$lib" "$tmp/lib/$triplet/$so"
		queue+=("lib/$triplet/$so")
	done
}
for e in ${elves[@]+"${elves[@]}"}; do needs "$e"; done
i=0
while [ $i -lt ${#queue[@]} ]; do
	needs "$tmp/${queue[$i]}"
	i=$((i + 1))
done
rm -rf "$root"
mv "$tmp" "$root"
# its time is its making: dpkg-deb -x of the data packages gave the folder theirs (2023),
# every tree the same, and the cleanup below would have kept three by their names
touch "$root"
: >"$cache/stamp-$key"
# the trees of other ELFs: the last three kept
ls -dt "$cache"/root-* 2>/dev/null | grep -v '\.tmp$' | tail -n +4 | while IFS= read -r old; do
	rm -rf "$old" "$cache/stamp-${old##*/root-}"
done
say "$name: ${#queue[@]} files, $(du -sh "$root" | cut -f1) in $root"
echo "$root"
