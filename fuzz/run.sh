#!/usr/bin/env bash
# fuzz/run.sh - builds the fuzz targets (fuzz/fuzz_*.c: rule text, the .vrb
# loader, the signals and outcomes CSV import) with clang's libFuzzer and the
# address and undefined-behaviour sanitizers, then runs each for FUZZ_SECONDS
# (default 60) on its seed corpus, one target after the other. New inputs and
# crash reproducers go to fuzz/out/ (not versioned); the seed corpora under
# fuzz/corpus/ are only read. Exits non-zero when a target finds a crash.
#
#   FUZZ_SECONDS=300 fuzz/run.sh          # five minutes per target
#   FUZZ_JOBS=4 fuzz/run.sh               # parallel jobs per target
#   fuzz/run.sh rules                     # only fuzz/fuzz_rules.c
#   fuzz/run.sh csv loader                # the CSV import, then the loader
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
CC=${FUZZ_CC:-clang}
OUT=fuzz/out
OBJ=$OUT/obj
mkdir -p "$OBJ"

command -v "$CC" >/dev/null || { echo "fuzz: $CC not found (set FUZZ_CC)" >&2; exit 2; }

SQLITE_CFLAGS=$(pkg-config --cflags sqlite3 2>/dev/null || true)
SQLITE_LIBS=$(pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc -I$OBJ $SAN $SQLITE_CFLAGS"

# The front end, generated as the Makefile does, then the library without main.
bison -Wall -Werror --defines="$OBJ/parser.h" -o "$OBJ/parser.c" grammar/parser.y
flex --header-file="$OBJ/lexer.h" -o "$OBJ/lexer.c" grammar/lexer.l
sources=("$OBJ/lexer.c" "$OBJ/parser.c")
for f in src/*.c; do
	[ "$f" = src/main.c ] || sources+=("$f")
done
objects=()
for f in "${sources[@]}"; do
	objects+=("$OBJ/$(basename "${f%.c}").o")
done
printf '%s\n' "${sources[@]}" | xargs -P "$(nproc 2>/dev/null || echo 4)" -I{} \
	sh -c 'f="$1"; o="$2/$(basename "${f%.c}").o"; exec $3 $4 -fsanitize=fuzzer-no-link -w -c -o "$o" "$f"' \
	_ {} "$OBJ" "$CC" "$CFLAGS"
rm -f "$OUT/libvroeg-fuzz.a"
ar rcs "$OUT/libvroeg-fuzz.a" "${objects[@]}"

# A dictionary of the language's words, taken from the scanner's rules, and
# of names, values and layout a policy uses (libFuzzer's escapes: \xNN).
{
	grep -o '^"[^"\\]*"' grammar/lexer.l | sort -u
	cat <<'DICT'
" -> "
"\x0A"
"\x0A    "
"\x0D\x0A"
"\""
"\\\""
"# "
"EUR "
"\xE2\x82\xAC"
"2024-06"
"575.00"
"rent"
"water"
"health"
"energy"
"mortgage"
"municipal_tax"
"legal"
"natural"
"eviction"
"end_of_supply"
"cak"
"arrears"
"age"
"district"
"creditor"
"sector"
"kind"
"brp_match"
"legal_form"
"days_overdue"
"installments_missed"
"installment"
"known_debt_help"
"has_phone"
"has_email"
"household"
"months_ago"
"refused"
"reached_no_help"
"outcome"
"match"
"single"
"recidive"
"in previous"
"in the previous"
"no follow-up"
"policy \"P\""
"exclude \"legal person\" before counting when any legal_form = legal"
"otherwise -> letter"
"bucket letter"
DICT
} > "$OUT/rules.dict"

# For the CSV files: their column names, values, dialects and quoting, and
# what import must refuse (control characters, bytes that are not UTF-8).
{
	for w in signal_id received household person creditor sector kind arrears installment \
		installments_missed days_overdue legal_form birth_date district has_phone has_email \
		brp_match known_debt_help date outcome rent mortgage health energy water municipal_tax \
		other early end_of_supply eviction cak natural legal not_picked_up not_reached \
		reached_no_help refused help_accepted already_known wrongly_reported deceased; do
		printf '"%s"\n' "$w"
	done
	cat <<'DICT'
"signal_id,received,household,creditor,sector,arrears\x0A"
"signal_id;received;household;creditor;sector;arrears\x0A"
"household,date,outcome,signal_id\x0A"
"\xEF\xBB\xBF"
","
";"
"\""
"\"\""
"\x0D\x0A"
"\x0A"
"\x0D"
"\x09"
"\x00"
"\x1B[2K"
"\x7F"
"\xC2\x85"
"\xC3\xA9"
"\xE2\x80\xAE"
"\xE2\x82\xAC"
"\xF0\x9F\x98\x80"
"\xC0\xAF"
"\xED\xA0\x80"
"2024-06-03"
"2024-02-29"
"212.85"
"212,85"
"1.250,00"
"EUR 575"
"0"
"1"
"="
"+"
"-"
"@"
"'"
DICT
} > "$OUT/csv.dict"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rules loader csv)
status=0
for t in "${targets[@]}"; do
	src=fuzz/fuzz_$t.c
	if [ ! -f "$src" ]; then
		echo "fuzz: $src does not exist yet; skipping the $t target"
		continue
	fi
	bin=$OUT/fuzz_$t
	$CC $CFLAGS -fsanitize=fuzzer -o "$bin" "$src" "$OUT/libvroeg-fuzz.a" $SQLITE_LIBS -lm
	corpus=$OUT/corpus/$t
	mkdir -p "$corpus" "$OUT/crashes"
	seeds=()
	if [ -d "fuzz/corpus/$t" ] && [ -n "$(ls -A "fuzz/corpus/$t")" ]; then
		seeds+=("fuzz/corpus/$t")
	elif [ "$t" = loader ] && [ -x build/vroeg ]; then
		# No seed corpus of its own yet: compiled field policies.
		for r in rules/*.vroeg; do
			build/vroeg compile "$r" -o "$corpus/$(basename "${r%.vroeg}").vrb" 2>/dev/null || true
		done
	fi
	extra=()
	[ "$t" = rules ] && extra+=(-dict="$OUT/rules.dict")
	[ "$t" = csv ] && extra+=(-dict="$OUT/csv.dict")
	# With -jobs libFuzzer runs workers in the background, logging to files.
	[ "$FUZZ_JOBS" -gt 1 ] && extra+=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS")
	echo "fuzz: $t for ${FUZZ_SECONDS}s"
	if ! "$bin" "$corpus" "${seeds[@]}" "${extra[@]}" -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
		-artifact_prefix="$OUT/crashes/$t-" -timeout=10 -rss_limit_mb=2048; then
		echo "fuzz: $t found a crash; reproducers are in $OUT/crashes/" >&2
		status=1
	fi
done
exit $status
