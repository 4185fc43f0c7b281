#!/usr/bin/env bash
# Build the host kernel (vmlinux) with its KVM modules, cached (docs/design.md, "The kernel
# cache"). EXITBENCH_ARCH says which host:
#   ppc64 (the default): a ppc64le pseries host, configs/kernel/ppc64le-pr.config, with
#     kvm.ko and kvm-pr.ko (CONFIG_KVM_BOOK3S_64_PR=m), built with $CROSS_COMPILE.
#   ppc32: a 32-bit PowerMac G4 host, configs/kernel/ppc32-pr.config, with kvm.ko alone (on
#     32-bit all of KVM is one module: CONFIG_KVM_BOOK3S_32=m), built with
#     $PPC32_CROSS_COMPILE (default powerpc-linux-gnu-). Its objects are kept apart from
#     the 64-bit ones (eb-build-ppc32/ instead of eb-build/, cache names ppc32-...), so one
#     source tree serves both. Every 32-bit kernel carries the fixes of module/ppc32 (its
#     series) as the last group of patches: the caller's --patch groups are merged over the
#     tree built with them, as with any later group (module/ppc32/README.md says why).
# usage: build-kernel.sh [--patch FILE|DIR]... [KSRC]
#        build-kernel.sh --git TREE COMMIT [--patch FILE|DIR]...
#   KSRC unset: Debian's linux-source-6.1 tarball, extracted once into the cache and built
#     in its eb-build/ subdirectory (eb-build-ppc32/ for ppc32; Kbuild then uses relative
#     paths, so a patched copy of the tree rebuilds only what its patches touch).
#   --patch: a patch (-p1) or a directory with a quilt-style 'series' file, applied in order
#     to a copy of the tree (hard links; the tree itself is never modified). Given more than
#     once, each --patch is a group written against the tree, not against the groups before
#     it (make compare INSTRUMENT=1: the user's change, then module/patches): the first group
#     is applied to the tree, and each file it changes is merged three-way (git merge-file)
#     with the same file of the tree built with the later groups (cached like any patched
#     tree; its objects are reused, so only the first group's changes are rebuilt). Where
#     both groups insert lines at the same place the first group's lines come first (code a
#     change adds where a timing stamp is goes before the stamp); any other overlap is a
#     conflict: one line naming the file and the hunk, exit 2, nothing built.
#   --git: COMMIT of the git repository TREE (the nightly, its comparisons and bisections).
#     TREE is never written to: a clone in the cache shares its objects, is checked out at
#     COMMIT and built in its eb-build/ (incrementally: one clone per tree, and one more for
#     each set of patches, applied on top with a three-way merge where contexts meet). The
#     result is kept per commit, so asking again for a commit built before costs nothing.
# Prints the directory holding vmlinux, kvm.ko, kvm-pr.ko (ppc64 only), config, release,
# arch (ppc64 or ppc32), source, objtree, patches, stamp on stdout.
# Exit status: 0 built, 1 missing tools, 2 bad input (a tree that is not one, a patch that
# does not apply, a tree that does not build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
top=$(dirname "$here")
fixes_dir=$top/module/ppc32

# what differs between the hosts: the config fragment, the compiler, the object directory in
# a tree, the prefix of the cache's names and the Kconfig symbol of PR KVM
arch=${EXITBENCH_ARCH:-ppc64}
case $arch in
ppc64)
	fragment=$top/configs/kernel/ppc64le-pr.config
	cross=$CROSS_COMPILE
	ebuild=eb-build npre=
	pr_symbol=KVM_BOOK3S_64_PR pr_what="Book3S PR KVM"
	pr_deps="hash MMU, !CONTEXT_TRACKING_USER"
	modules="kvm.ko kvm-pr.ko" ;;
ppc32)
	fragment=$top/configs/kernel/ppc32-pr.config
	cross=${PPC32_CROSS_COMPILE:-powerpc-linux-gnu-}
	ebuild=eb-build-ppc32 npre=ppc32-
	pr_symbol=KVM_BOOK3S_32 pr_what="32-bit Book3S PR KVM"
	pr_deps="PPC_BOOK3S_32, !SMP, !PTE_64BIT, !CONTEXT_TRACKING_USER"
	modules="kvm.ko" ;;
*) die2 "EXITBENCH_ARCH=$arch: exitbench builds hosts for ppc64 (the default) or ppc32" ;;
esac
# stamp_arch: the line a stamp has for the architecture (none for ppc64: its stamps, and so
# the kernels already in the cache, stay what they were)
stamp_arch() {
	[ "$arch" = ppc64 ] || echo "arch $arch"
}
# is_fix PATCH: whether PATCH is one of module/ppc32's fixes, added to every 32-bit kernel
is_fix() {
	[ "$arch" = ppc32 ] && [ "$(dirname "$1")" = "$fixes_dir" ]
}
# fix_hint PATCH: for a fix that does not apply, where to read how to carry it
fix_hint() {
	! is_fix "$1" || echo " (a fix every 32-bit kernel carries: module/ppc32/README.md says how to carry it to a newer tree)"
}
# found DIR: print DIR, a kernel of the cache, and end (it says its arch, built before that
# file existed or not)
found() {
	[ -f "$1/arch" ] || echo "$arch" >"$1/arch" 2>/dev/null || true
	echo "$1"
	exit 0
}

patches=()
groups=()	# each --patch as given: a file or a directory with a series
ngroup_patches=()	# how many of patches[] each group gave
git_tree= git_commit=
# add_group FILE|DIR: one more group of patches, after those given before
add_group() {
	local p=$1 before=${#patches[@]} line
	if [ -d "$p" ]; then
		[ -f "$p/series" ] || die2 "$p: a patch directory needs a 'series' file listing its patches"
		while read -r line; do
			line=${line%%#*}
			[ -n "${line// }" ] || continue
			[ -f "$p/${line%% *}" ] || die2 "$p/series names ${line%% *}, which is not there"
			patches+=("$(cd "$p" && pwd)/${line%% *}")
		done <"$p/series"
	else
		[ -f "$p" ] || die2 "$p: no such patch file or directory"
		patches+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")")
	fi
	groups+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")")
	ngroup_patches+=($((${#patches[@]} - before)))
}
while [ $# -gt 0 ]; do
	case $1 in
	--git)
		[ $# -ge 3 ] || die "usage: build-kernel.sh --git TREE COMMIT [--patch FILE|DIR]..."
		git_tree=$2 git_commit=$3
		shift 3 ;;
	--patch)
		[ $# -ge 2 ] || die "usage: build-kernel.sh [--patch FILE|DIR]... [KSRC]"
		add_group "$2"
		shift 2 ;;
	-*) die "usage: build-kernel.sh [--patch FILE|DIR]... [KSRC]" ;;
	*) break ;;
	esac
done
ksrc=${1:-}
[ -z "$git_tree" ] || [ -z "$ksrc" ] || die "usage: build-kernel.sh --git TREE COMMIT takes no KSRC"
# a 32-bit kernel is built with module/ppc32's fixes, the last group; the calls this one
# makes for the groups and the trees under them get theirs from it, and add none
if [ "$arch" = ppc32 ] && [ -z "${EXITBENCH_KERNEL_NESTED:-}" ]; then
	add_group "$fixes_dir"
fi
export EXITBENCH_KERNEL_NESTED=1

command -v "${cross}gcc" >/dev/null ||
	die "no cross compiler ${cross}gcc${npre:+ for the 32-bit host}; run: scripts/install-deps.sh target"
command -v ccache >/dev/null && cc="ccache ${cross}gcc" || cc="${cross}gcc"
export CCACHE_DIR=${CCACHE_DIR:-$EXITBENCH_CACHE/ccache}
mkdir -p "$EXITBENCH_CACHE"
# one build at a time in the cache (two make bench, a nightly and a compare share its trees);
# the lock is the outermost call's: a patched copy builds its base with the lock held
if [ -z "${EXITBENCH_KERNEL_LOCKED:-}" ]; then
	exec 9>"$EXITBENCH_CACHE/kernel.lock"
	if ! flock -n 9; then
		step "waiting for another kernel build in $EXITBENCH_CACHE to finish"
		flock 9
	fi
	export EXITBENCH_KERNEL_LOCKED=1
fi

# --- a commit of a git tree, in a clone of the cache (with patches on top, if any) ---
pristine=
applied=()
if [ -n "$git_tree" ]; then
	git -C "$git_tree" rev-parse --git-dir >/dev/null 2>&1 || die2 "$git_tree: not a git repository"
	git_tree=$(cd "$git_tree" && pwd)
	commit=$(git -C "$git_tree" rev-parse --verify --quiet "$git_commit^{commit}") ||
		die2 "$git_tree: '$git_commit' is not a commit there"
	tkey=$(printf '%s' "$git_tree" | sha256sum | cut -c1-12)
	pkey=
	[ ${#patches[@]} = 0 ] || pkey=p$(for p in "${patches[@]}"; do sha256sum <"$p"; done | sha256sum | cut -c1-12)
	name=${npre}git-$tkey-${commit:0:12}${pkey:+-$pkey}
	out=$EXITBENCH_CACHE/kernel/$name
	key=$( (echo git-1; stamp_arch; cat "$fragment"; echo "$commit $pkey"; "${cross}gcc" --version | sed -n 1p) |
		sha256sum | cut -c1-16)
	if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
		found "$out"
	fi
	clone=$EXITBENCH_CACHE/git/$tkey/${pkey:-stock}
	if [ ! -d "$clone/.git" ]; then
		step "cloning $git_tree into the cache (shared objects: the tree is not written to)"
		rm -rf "$clone"
		mkdir -p "$(dirname "$clone")"
		git clone -q --shared --no-checkout "$git_tree" "$clone" ||
			die2 "cloning $git_tree into $clone failed"
	fi
	# the files the patches changed last time: kept, so that where they come out the same
	# again their times are too, and kbuild does not rebuild what includes them
	keep=$clone.keep
	rm -rf "$keep"
	mkdir -p "$keep"
	git -C "$clone" diff HEAD --name-only -z 2>/dev/null | (cd "$clone" && xargs -0 -r cp -p --parents -t "$keep") ||
		true
	step "checking out ${commit:0:12} in $clone"
	git -C "$clone" checkout -q --force --detach "$commit" ||
		die2 "$git_tree: checking out $commit in $clone failed"
	for p in "${patches[@]}"; do
		# a fix the commit has already (a newer tree): nothing to apply
		if is_fix "$p" && git -C "$clone" apply --check --reverse "$p" >/dev/null 2>&1; then
			step "${commit:0:12} of $git_tree has ${p##*/} already: not applied again"
			continue
		fi
		if ! msg=$(git -C "$clone" apply --3way --whitespace=nowarn "$p" 2>&1); then
			git -C "$clone" checkout -q --force --detach "$commit" || true
			die2 "$p does not apply to ${commit:0:12} of $git_tree: $(grep -m1 -E 'error|conflict|Conflict' <<<"$msg" || head -1 <<<"$msg")$(fix_hint "$p")"
		fi
		applied+=("$p")
	done
	(cd "$keep" && find . -type f -print0) | while IFS= read -r -d '' f; do
		! cmp -s "$keep/$f" "$clone/$f" || touch -r "$keep/$f" "$clone/$f"
	done
	rm -rf "$keep"
	ksrc=$clone
	obj=$clone/$ebuild
	pristine=0
	[ -f "$ksrc/arch/powerpc/kvm/Kconfig" ] && grep -qw "config $pr_symbol" "$ksrc/arch/powerpc/kvm/Kconfig" ||
		die2 "${commit:0:12} of $git_tree has no $pr_what (no $pr_symbol in arch/powerpc/kvm/Kconfig)"
	patches=()	# applied: not a copy to make
fi

# link_tree SRC DST: DST a copy of the tree SRC (not its object directories: eb-build/ and
# those of the other architectures, eb-build-*/) made of hard links: cheap, and patch(1) and
# the merge write a new file for each one they change
link_tree() {
	local e
	for e in "$1"/* "$1"/.[!.]*; do
		[ -e "$e" ] || continue
		case $(basename "$e") in eb-build | eb-build-*) continue ;; esac
		cp -al "$e" "$2/"
	done
}

# copy_objects SRC OBJ DST: the objects of SRC's build (OBJ, when in SRC/$ebuild, this
# architecture's object directory) with their times into DST/$ebuild: only what differs from
# SRC is rebuilt. A few kbuild commands name the tree by its absolute path (lib/vdso): as if
# built in DST (both in the cache: paths without '|'; grep finds none: nothing to do)
copy_objects() {
	[ "$2" = "$1/$ebuild" ] || return 0
	cp -a "$2" "$3/$ebuild"
	{ grep -rlF --include='.*.cmd' "$1/" "$3/$ebuild" || true; } | while read -r f; do
		sed -i "s|$1/|$3/|g" "$f"
	done
}

# touching FILE PATCH...: the names of the patches that change FILE
touching() {
	local f=$1 p names=
	shift
	for p in "$@"; do
		grep -q "^+++ [^/]*/$f\([	 ]\|$\)" "$p" && names="${names:+$names, }${p##*/}"
	done
	echo "${names:-(none)}"
}

# conflict_hunk FILE TREE_FILE LATER_FILE PATCH...: "PATCH: hunk '@@ ... @@'", the hunk of
# the patches for FILE whose lines of the tree (context included) meet a change the later
# groups make there (diff TREE_FILE LATER_FILE), or the first hunk of FILE when none does
conflict_hunk() {
	local f=$1 o=$2 b=$3 changes
	shift 3
	changes=$(diff -U0 "$o" "$b" | sed -n 's/^@@ -\([0-9]*\)\(,\([0-9]*\)\)\{0,1\} .*/\1 \3/p')
	awk -v file="$f" -v changes="$changes" '
		BEGIN { n = split(changes, c, "\n") }
		FNR == 1 { cur = "" }
		/^\+\+\+ / { cur = $2; sub(/^[^\/]*\//, "", cur); next }
		cur == file && /^@@ -[0-9]/ {
			split(substr($2, 2), r, ","); s = r[1] + 0; l = (2 in r) ? r[2] + 0 : 1
			h = FILENAME; sub(/.*\//, "", h); h = h ": hunk \x27" $1 " " $2 " " $3 " " $4 "\x27"
			if (first == "") first = h
			for (i = 1; i <= n; i++) {
				split(c[i], w, " "); cs = w[1] + 0; cl = (w[2] == "") ? 1 : w[2] + 0
				if (cl == 0) cl = 1
				if (s < cs + cl && cs < s + l + 1) { print h; found = 1; exit }
			}
		}
		END { if (!found) print (first == "" ? "a hunk" : first) }' "$@"
}

# --- the first of several groups of patches, over the tree built with the later ones ---
if [ -z "$git_tree" ] && [ ${#groups[@]} -gt 1 ]; then
	rest=()
	for g in "${groups[@]:1}"; do rest+=(--patch "$g"); done
	base_out=$("$0" "${rest[@]}" ${ksrc:+"$ksrc"}) || exit $?
	tree_out=$("$0" ${ksrc:+"$ksrc"}) || exit $?
	first=("${patches[@]:0:${ngroup_patches[0]}}")
	key=$( (cat "$base_out/stamp"; echo merge-1; for p in "${first[@]}"; do sha256sum <"$p"; done) |
		sha256sum | cut -c1-12)
	name=$(basename "$base_out")-m$key
	out=$EXITBENCH_CACHE/kernel/$name
	if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
		found "$out"
	fi
	base_src=$(cat "$base_out/source")
	base_obj=$(cat "$base_out/objtree")
	tree_src=$(cat "$tree_out/source")
	vdir=$EXITBENCH_CACHE/variants/$name
	vsrc=$vdir/linux
	step "merging ${first[*]##*/} with ${groups[*]:1} (three-way, over a copy of $base_src)"
	rm -rf "$vdir"
	mkdir -p "$vsrc" "$vdir/o" "$vdir/a"
	link_tree "$base_src" "$vsrc"
	# the first group on the tree's own files (o: as in the tree, a: with the group)
	files=$(for p in "${first[@]}"; do
		sed -n 's|^+++ [^/]*/\([^	]*\).*|\1|p;s|^--- [^/]*/\([^	]*\).*|\1|p' "$p"; done |
		grep -v '^/dev/null$' | sort -u)
	for f in $files; do
		[ ! -f "$tree_src/$f" ] || { mkdir -p "$vdir/o/$(dirname "$f")" && cp "$tree_src/$f" "$vdir/o/$f"; }
	done
	cp -a "$vdir/o/." "$vdir/a/"
	for p in "${first[@]}"; do
		if ! msg=$(patch -d "$vdir/a" -p1 -s -f <"$p" 2>&1); then
			rm -rf "$vdir"
			die2 "$p does not apply to $tree_src: $(head -1 <<<"$msg")"
		fi
	done
	rest_patches=("${patches[@]:${ngroup_patches[0]}}")
	for f in $files; do
		o=$vdir/o/$f a=$vdir/a/$f b=$vsrc/$f
		if [ ! -f "$b" ] && [ ! -f "$o" ]; then
			mkdir -p "$(dirname "$b")" && cp "$a" "$b"	# a new file of the first group
			continue
		fi
		if [ -f "$o" ] && [ -f "$b" ] && cmp -s "$o" "$b"; then
			rm -f "$b"	# the later groups leave it alone: the first group's version
			if [ -f "$a" ]; then cp "$a" "$b"; fi
			continue
		fi
		# both change it: three-way; insertions at the same place are kept, the first group's
		# first; anything else is a conflict
		[ -f "$a" ] && [ -f "$o" ] ||
			die2 "$(touching "$f" "${first[@]}") creates or deletes $f, which $(touching "$f" "${rest_patches[@]}") changes too: they conflict; not building a half-patched kernel"
		rc=0
		git merge-file --diff3 -p -L first -L tree -L later "$a" "$o" "$b" >"$vdir/merged" 2>/dev/null || rc=$?
		[ $rc -ge 0 ] && [ $rc -lt 128 ] || die "git merge-file failed on $f"
		if [ $rc -gt 0 ] && ! awk -f "$here/merge-inserts.awk" "$vdir/merged" >"$vdir/resolved"; then
			hunk=$(conflict_hunk "$f" "$o" "$b" "${first[@]}")
			rm -rf "$vdir"
			die2 "$hunk and $(touching "$f" "${rest_patches[@]}") change the same lines of $f: they conflict (merge by hand, or move the change); not building a half-patched kernel"
		fi
		[ $rc = 0 ] || mv "$vdir/resolved" "$vdir/merged"
		rm -f "$b"
		mv "$vdir/merged" "$b"
	done
	rm -rf "$vdir/o" "$vdir/a" "$vdir/merged" "$vdir/resolved"
	# the later groups' build, objects and times: only what the first group changed is rebuilt
	copy_objects "$base_src" "$base_obj" "$vsrc"
	mapfile -t later <"$base_out/patches"
	patches=("${first[@]}" "${later[@]}")
	ksrc=$vsrc
	obj=$vsrc/$ebuild
	pristine=1
# --- a patched copy of a tree: build the tree, copy it, patch the copy, build the copy ---
elif [ ${#patches[@]} -gt 0 ]; then
	base_out=$("$0" ${ksrc:+"$ksrc"}) || exit $?
	base_src=$(cat "$base_out/source")
	base_obj=$(cat "$base_out/objtree")
	# the fixes the tree has already (a newer one): not applied again; with nothing left to
	# apply, the tree's own build is the kernel
	todo=()
	for p in "${patches[@]}"; do
		if is_fix "$p" && patch -d "$base_src" -p1 -R --dry-run -s -f <"$p" >/dev/null 2>&1; then
			step "$base_src has ${p##*/} already: not applied again"
			continue
		fi
		todo+=("$p")
	done
	[ ${#todo[@]} -gt 0 ] || found "$base_out"
	patches=("${todo[@]}")
	# a KSRC tree changes under us and its stamp does not say so: a 32-bit kernel of one
	# (always a patched copy) is keyed by what its build gave too
	base_built=
	case $arch/$(basename "$base_out") in
	ppc32/ppc32-ksrc-*) base_built=$(cat "$base_out/vmlinux" "$base_out/kvm.ko" | sha256sum) ;;
	esac
	key=$( (cat "$base_out/stamp"; echo copy-2; for p in "${patches[@]}"; do sha256sum <"$p"; done
		[ -z "$base_built" ] || echo "$base_built") | sha256sum | cut -c1-12)
	name=$(basename "$base_out")-p$key
	out=$EXITBENCH_CACHE/kernel/$name
	if [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
		found "$out"
	fi
	vdir=$EXITBENCH_CACHE/variants/$name
	vsrc=$vdir/linux
	step "patching a copy of $base_src: ${patches[*]##*/}"
	rm -rf "$vdir"
	mkdir -p "$vsrc"
	link_tree "$base_src" "$vsrc"
	# the base's objects with their times: only what the patches touch is rebuilt
	copy_objects "$base_src" "$base_obj" "$vsrc"
	for p in "${patches[@]}"; do
		if ! msg=$(patch -d "$vsrc" -p1 --dry-run -s -f <"$p" 2>&1); then
			rm -rf "$vdir"
			die2 "$p does not apply to $base_src: $(head -1 <<<"$msg")$(fix_hint "$p")"
		fi
		# break the hard links of the files it changes before patch(1) writes them
		sed -n 's|^+++ [^/]*/\([^	]*\).*|\1|p' "$p" | while read -r f; do
			[ -f "$vsrc/$f" ] && cp -p "$vsrc/$f" "$vsrc/$f.eb-tmp" && mv "$vsrc/$f.eb-tmp" "$vsrc/$f"
			true
		done
		patch -d "$vsrc" -p1 -s -f <"$p" >/dev/null || die2 "$p: patch failed on $vsrc"
	done
	ksrc=$vsrc
	obj=$vsrc/$ebuild
	pristine=1
elif [ -z "$git_tree" ]; then
	key=
fi

if [ -n "$git_tree" ]; then
	:	# a commit of a git tree: name, out, key, obj set above
elif [ -n "$key" ]; then
	:	# a patched copy: name, out, key set above
elif [ -z "$ksrc" ]; then
	tarball=/usr/src/linux-source-6.1.tar.xz
	[ -f "$tarball" ] || die "no $tarball; run: scripts/install-deps.sh target (package linux-source-6.1)"
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %Y "$tarball")
	name=${npre}debian-$ver
	ksrc=$EXITBENCH_CACHE/src/linux-source-6.1-$ver
	if [ ! -f "$ksrc/.exitbench-extracted" ]; then
		step "extracting $tarball (once)"
		rm -rf "$ksrc" "$ksrc.tmp"
		mkdir -p "$ksrc.tmp"
		tar -C "$ksrc.tmp" -xf "$tarball"
		mv "$ksrc.tmp/linux-source-6.1" "$ksrc"
		rmdir "$ksrc.tmp"
		touch "$ksrc/.exitbench-extracted"
	fi
	obj=$ksrc/$ebuild
	rm -rf "$EXITBENCH_CACHE/build/$name"	# where older exitbench built it
	pristine=1
else
	[ -d "$ksrc" ] || die2 "KSRC=$ksrc is not a directory; give the top of a Linux source tree"
	ksrc=$(cd "$ksrc" && pwd)
	[ -f "$ksrc/Makefile" ] && grep -q '^VERSION *=' "$ksrc/Makefile" && [ -d "$ksrc/arch/powerpc" ] ||
		die2 "KSRC=$ksrc is not a Linux kernel tree (no top Makefile with VERSION or no arch/powerpc)"
	[ -f "$ksrc/arch/powerpc/kvm/Kconfig" ] && grep -qw "config $pr_symbol" "$ksrc/arch/powerpc/kvm/Kconfig" ||
		die2 "KSRC=$ksrc has no $pr_what (no $pr_symbol in arch/powerpc/kvm/Kconfig)"
	[ ! -f "$ksrc/.config" ] ||
		die2 "KSRC=$ksrc was configured in place (has .config); run 'make mrproper' there, exitbench builds out of tree"
	name=${npre}ksrc-$(printf '%s' "$ksrc" | sha256sum | cut -c1-12)
	obj=$EXITBENCH_CACHE/build/$name
	pristine=0
fi

out=$EXITBENCH_CACHE/kernel/$name
# layout-3: every build with KBUILD_BUILD_VERSION=1 (the banner is the same in all of them)
[ -n "$key" ] || key=$( (echo layout-3; stamp_arch; cat "$fragment"; echo "$ksrc"; "${cross}gcc" --version | sed -n 1p) | sha256sum | cut -c1-16)
# the Debian tree (and a patched copy) never changes under us: skip kbuild when built
if [ "$pristine" = 1 ] && [ -f "$out/stamp" ] && [ "$(cat "$out/stamp")" = "$key" ]; then
	found "$out"
fi

mkdir -p "$obj" "$out"
kmake() {
	make -C "$ksrc" O="$obj" ARCH=powerpc CROSS_COMPILE="$cross" CC="$cc" \
		KBUILD_BUILD_TIMESTAMP=exitbench KBUILD_BUILD_USER=exitbench KBUILD_BUILD_HOST=exitbench \
		KBUILD_BUILD_VERSION=1 -j"$(nproc)" "$@"
}
# kmake, its output into LOG, with a line of progress every 20 s (a build of minutes is
# not a silent screen)
kmake_logged() {
	local log=$1 pid rc=0 n
	shift
	kmake "$@" >"$log" 2>&1 &
	pid=$!
	while ! wait_for "$pid" 20; do
		n=$(grep -c '^  [A-Z]' "$log" || true)
		step "  ... $n steps so far ($(tail -1 "$log" | sed 's/^ *//' | cut -c1-60))"
	done
	wait "$pid" || rc=$?
	return $rc
}
# wait_for PID SECONDS: 0 once PID has ended, 1 when it still runs after SECONDS
wait_for() {
	local i
	for ((i = 0; i < $2 * 2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.5
	done
	! kill -0 "$1" 2>/dev/null
}
step "configuring $name ($ksrc)"
# the fragment from the cache: the checkout's path may hold blanks or quotes, kbuild's not
cp "$fragment" "$obj/exitbench-fragment.config"
kmake -s KCONFIG_ALLCONFIG="$obj/exitbench-fragment.config" allnoconfig >"$obj/exitbench-config.log" 2>&1 ||
	die2 "kernel config failed for $ksrc; see $obj/exitbench-config.log"
grep -q "^CONFIG_$pr_symbol=m" "$obj/.config" ||
	die2 "KSRC=$ksrc: its Kconfig would not enable CONFIG_$pr_symbol=m with $fragment (check its dependencies: $pr_deps)"
step "building vmlinux and modules of $name (minutes the first time, seconds after)"
if ! kmake_logged "$obj/exitbench-build.log" vmlinux modules; then
	tail -20 "$obj/exitbench-build.log" >&2
	die2 "kernel build failed in $obj; full log: $obj/exitbench-build.log"
fi
cp "$obj/vmlinux" "$out/vmlinux.tmp" && mv "$out/vmlinux.tmp" "$out/vmlinux"
for m in $modules; do
	cp "$obj/arch/powerpc/kvm/$m" "$out/"
done
cp "$obj/.config" "$out/config"
echo "$arch" >"$out/arch"
kmake -s kernelrelease >"$out/release" 2>/dev/null
if [ -n "$git_tree" ]; then
	echo "$git_tree at $commit" >"$out/source"
	echo "$commit" >"$out/commit"
else
	echo "$ksrc" >"$out/source"
fi
echo "$obj" >"$out/objtree"
printf '%s\n' "${patches[@]}" "${applied[@]}" | sed '/^$/d' >"$out/patches"
echo "$key" >"$out/stamp"
echo "$out"
