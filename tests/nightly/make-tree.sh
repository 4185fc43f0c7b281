#!/usr/bin/env bash
# A synthetic kernel history for the nightly's tests and demo: a bare git repository of
# Debian's linux-source-6.1 with a handful of commits on top, each tagged, two of which
# change the cost of every guest entry by a known number of instructions:
#
#   c0  the tree as Debian ships it
#   c1  a documentation change                                   (nothing that runs)
#   c2  32 nops in kvmppc_copy_to_svcpu(), once per guest entry  (+32 instructions an exit)
#   c3  a comment at the end of book3s_pr.c                      (kvm-pr.ko rebuilt, same code)
#   c4  16 of the nops taken out again                           (-16 instructions an exit)
#   c5  a documentation change                                   (nothing that runs)
#   broken  (a branch off c1, not on master) book3s_pr.c that does not compile
#
# Under -icount shift=0 an instruction is 0.512 timebase ticks: c2 adds 16.384 ticks to
# every exit, c4 takes 8.192 away; both land in the copy_to_svcpu phase of the instrumented
# kvm-pr. Commits are made with fixed authors and dates, so their ids are the same on every
# machine. Built once (a minute or two: git hashes the whole tree) into the cache; the
# repository's path is printed on stdout.
# usage: make-tree.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/scripts/common.sh"

tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "no $tarball; run: scripts/install-deps.sh target (package linux-source-6.1)"
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %Y "$tarball")
# the layout of this script's history: raise it when the commits change
layout=2
repo=$EXITBENCH_CACHE/nightly-test/linux-$ver-h$layout.git
if [ -f "$repo/exitbench-done" ]; then
	echo "$repo"
	exit 0
fi

# the Debian tree, extracted once (build-kernel.sh's copy when it is there)
src=$EXITBENCH_CACHE/src/linux-source-6.1-$ver
if [ ! -f "$src/.exitbench-extracted" ]; then
	"$top/scripts/build-kernel.sh" >/dev/null
fi
[ -f "$src/.exitbench-extracted" ] || die "no extracted tree at $src"

step "making the nightly test history in $repo (once; git hashes the whole tree)"
rm -rf "$repo" "$repo.tmp"
mkdir -p "$(dirname "$repo")"
git init -q --bare "$repo.tmp"
export GIT_DIR=$repo.tmp GIT_INDEX_FILE=$repo.tmp/exitbench-index
export GIT_AUTHOR_NAME="exitbench test" GIT_AUTHOR_EMAIL="test@exitbench.invalid"
export GIT_COMMITTER_NAME="exitbench test" GIT_COMMITTER_EMAIL="test@exitbench.invalid"
# -f: Debian's top-level .gitignore ignores the whole tree; the build's own files stay out
(cd "$src" && git --work-tree=. add -A -f -- . ':!eb-build' ':!.exitbench-extracted')
n=0
commit() {	# commit "subject" "body": the index as it stands, on HEAD, tagged cN
	local tree parent
	tree=$(git write-tree)
	parent=$(git rev-parse -q --verify HEAD || true)
	export GIT_AUTHOR_DATE="2026-01-0$((n + 1))T12:00:00Z" GIT_COMMITTER_DATE="2026-01-0$((n + 1))T12:00:00Z"
	c=$(printf '%s\n\n%s\n' "$1" "$2" | git commit-tree "$tree" ${parent:+-p "$parent"})
	git update-ref HEAD "$c"
	git tag "c$n" "$c"
	n=$((n + 1))
}
# edit FILE SED-SCRIPT: the file's blob in the index, changed by sed
edit() {
	local f=$1 blob
	blob=$(git show ":$f" | sed "$2" | git hash-object -w --stdin)
	git update-index --cacheinfo "100644,$blob,$f"
}
pr=arch/powerpc/kvm/book3s_pr.c
doc=Documentation/virt/kvm/ppc-pv.rst
# the commits' edits must land: check each
grep -q '^void kvmppc_copy_to_svcpu(struct kvm_vcpu \*vcpu)$' "$src/$pr" ||
	die "$src/$pr: kvmppc_copy_to_svcpu() not found where the test history edits it"

commit "Linux 6.1 as Debian ships it" "linux-source-6.1 $ver, the base of exitbench's nightly test history."
edit "$doc" '$a\
\
This guide covers the paravirtual interface of KVM on PowerPC.'
commit "KVM: PPC: Documentation: say what ppc-pv covers" "A documentation change: nothing that runs changes."
edit "$pr" '/^void kvmppc_copy_to_svcpu(struct kvm_vcpu \*vcpu)$/,/svcpu_get(vcpu);$/{
/svcpu_get(vcpu);$/a\
\
\	/* exitbench nightly test: 32 instructions on every guest entry */\
\	asm volatile(".rept 32\\n\\tnop\\n\\t.endr");
}'
commit "KVM: PPC: Book3S PR: pad kvmppc_copy_to_svcpu" \
	"32 nops on every guest entry: +32 instructions (+16.384 ticks under -icount shift=0)
in the copy_to_svcpu phase of every round trip."
edit "$pr" '$a\
/* exitbench nightly test: a comment, the same code */'
commit "KVM: PPC: Book3S PR: a comment at the end of book3s_pr.c" "kvm-pr.ko is rebuilt; its code is the same."
edit "$pr" 's/asm volatile(".rept 32\\n/asm volatile(".rept 16\\n/; s/32 instructions on every guest entry/16 instructions on every guest entry/'
commit "KVM: PPC: Book3S PR: halve the padding of kvmppc_copy_to_svcpu" \
	"16 of the 32 nops go: -16 instructions (-8.192 ticks) on every guest entry."
edit "$doc" '$a\
It applies to Book3S PR and HV alike.'
commit "KVM: PPC: Documentation: ppc-pv applies to PR and HV" "A documentation change: nothing that runs changes."
git branch -q -f master HEAD
# a revision that does not build, off c1
git read-tree c1
edit "$pr" '/^void kvmppc_copy_to_svcpu(struct kvm_vcpu \*vcpu)$/i\
this line is not C;'
tree=$(git write-tree)
export GIT_AUTHOR_DATE="2026-01-09T12:00:00Z" GIT_COMMITTER_DATE="2026-01-09T12:00:00Z"
c=$(printf 'KVM: PPC: Book3S PR: a change that does not compile\n' | git commit-tree "$tree" -p c1)
git tag broken "$c"
git symbolic-ref HEAD refs/heads/master
# the edits took: c2 has the nops, c4 half of them
# (grep -c reads it all: with -q, git show could die of SIGPIPE under pipefail)
[ "$(git show c2:$pr | grep -c '".rept 32')" = 1 ] || die "the test history's c2 lacks its nops"
[ "$(git show c4:$pr | grep -c '".rept 16')" = 1 ] || die "the test history's c4 lacks its change"
[ "$(git show broken:$pr | grep -c '^this line is not C;$')" = 1 ] || die "the test history's broken commit is not"
rm -f "$GIT_INDEX_FILE"
unset GIT_DIR GIT_INDEX_FILE
touch "$repo.tmp/exitbench-done"
mv "$repo.tmp" "$repo"
step "nightly test history: $(git -C "$repo" rev-list --count master) commits, tags c0..c5"
echo "$repo"
