#!/usr/bin/env bash
# Every reference to the design document resolves: each 'docs/design.md, "SECTION"' in the
# code and scripts names a heading of docs/design.md, and no code cites the old DESIGN.md.
# No boot. Last line "docs: N passed, N failed".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/integration/lib.sh

# (this file's own patterns are not references)
files() { git ls-files -co --exclude-standard -- "$@" | grep -vx tests/integration/docs.sh; }
refs=$(files '*.c' '*.h' '*.sh' '*.mk' Makefile |
	xargs grep -ho 'docs/design.md, "[^"]*"' | sed 's/.*, "\(.*\)"/\1/' | sort -u)
check "the code cites docs/design.md" [ -n "$refs" ]
while IFS= read -r section; do
	check "docs/design.md has the section \"$section\"" grep -qxF -e "## $section" -e "### $section" docs/design.md
done <<<"$refs"
old=$(files '*.c' '*.h' '*.sh' | xargs grep -l 'DESIGN\.md' || true)
check "no code cites DESIGN.md${old:+ (still: $old)}" [ -z "$old" ]
it_done docs
