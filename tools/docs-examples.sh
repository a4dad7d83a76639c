#!/usr/bin/env bash
# tools/docs-examples.sh - runs the examples of the docs that are marked, so
# the output the docs show is the output vroeg gives. An example is a line
# `<!-- example -->`, a ```sh block (the commands, run by bash from the
# repository's root, `build/vroeg` standing for VROEG), and after it the
# next ``` block: its output (standard output; say 2>/dev/null in the
# commands where standard error is not shown). The examples of a file run
# in order, so one may prepare a file the next reads.
#
# usage: tools/docs-examples.sh [--update] VROEG FILE.md...
#   without --update: exit 1 when a block differs from what its commands
#   print now (each difference shown); with --update: rewrite the blocks.
# tests/check_docs.c runs it on docs/language.md and docs/changing-a-policy.md.
set -euo pipefail

update=0
if [ "${1:-}" = --update ]; then
	update=1
	shift
fi
[ $# -ge 2 ] || { echo "usage: tools/docs-examples.sh [--update] VROEG FILE.md..." >&2; exit 2; }
vroeg=$1
shift
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
case $vroeg in /*) ;; *) vroeg=$PWD/$vroeg ;; esac
[ -x "$vroeg" ] || { echo "docs-examples: $vroeg is not an executable vroeg: run make first" >&2; exit 2; }

status=0
for doc in "$@"; do
	new=$(mktemp)
	state=text cmd="" got="" old="" n=0 line_no=0 at=0
	while IFS= read -r line || [ -n "$line" ]; do
		line_no=$((line_no + 1))
		case $state in
		text)
			[ "$line" = "<!-- example -->" ] && state=want_cmd ;;
		want_cmd)
			if [ "$line" = '```sh' ]; then cmd="" state=cmd at=$line_no; fi ;;
		cmd)
			if [ "$line" = '```' ]; then state=want_out; else cmd+=$line$'\n'; fi ;;
		want_out)
			if [ "$line" = '```' ]; then
				n=$((n + 1))
				got=$(cd "$root" && bash -c "${cmd//build\/vroeg/$vroeg}" 2>/dev/null) ||
					{ echo "$doc:$at: the example's commands failed" >&2; status=1; }
				old="" state=out
				printf '%s\n' "$line" >>"$new"
				[ -z "$got" ] || printf '%s\n' "$got" >>"$new"
				continue
			fi ;;
		out)
			if [ "$line" != '```' ]; then
				old+=$line$'\n'
				continue
			fi
			if [ "${old%$'\n'}" != "$got" ]; then
				if [ $update = 0 ]; then
					echo "$doc:$at: the example's output is not what vroeg prints now:" >&2
					diff <(printf '%s' "$old") <(printf '%s\n' "$got") | sed 's/^/  /' >&2 || true
					status=1
				fi
			fi
			state=text ;;
		esac
		printf '%s\n' "$line" >>"$new"
	done <"$doc"
	[ $state = text ] || { echo "$doc: an example is not closed (a \`\`\`sh block and its output)" >&2; status=1; }
	[ $n -gt 0 ] || { echo "$doc: no example marked <!-- example -->" >&2; status=1; }
	if [ $update = 1 ] && ! cmp -s "$new" "$doc"; then
		cat "$new" >"$doc"
		echo "docs-examples: updated $doc" >&2
	fi
	rm -f "$new"
done
exit $status
