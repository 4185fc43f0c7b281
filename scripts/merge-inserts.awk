# git merge-file --diff3 output -> the merge, where every conflict is two insertions at
# the same place (an empty common ancestor): both kept, the first side's lines first.
# Exit status 1 (output incomplete) at the first conflict that changes lines of the tree.
# (build-kernel.sh, for make compare INSTRUMENT=1: the user's change, then the series)
state == 0 && /^<<<<<<< / { state = 1; ours = ""; base = 0; theirs = ""; next }
state == 1 && /^\|\|\|\|\|\|\| / { state = 2; next }
state == 2 && /^=======$/ { state = 3; next }
state == 3 && /^>>>>>>> / {
	if (base)
		exit 1
	printf "%s%s", ours, theirs
	state = 0
	next
}
state == 1 { ours = ours $0 "\n"; next }
state == 2 { base++; next }
state == 3 { theirs = theirs $0 "\n"; next }
{ print }
END { if (state) exit 1 }
