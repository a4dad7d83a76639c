#!/usr/bin/env bash
# bench/run.sh - the vroeg benchmark (see bench/README.md): times compiling a
# generated policy of 960 amount bands against one of 60, generates the
# national month, then times vroeg import against the sqlite3 shell's .import,
# vroeg dry-run of policy P2 against the hand-written C yardstick bench-ref-p2,
# and, with a run recorded for the month, vroeg report over all the months
# against one dry-run; last, vroeg sweep of 20 floors against one dry-run.
#
# usage: bench/run.sh BUILD_DIR        (make bench does this with BUILD_DIR=build)
#
# Environment:
#   VROEG_BENCH_POLICY    P2 rule file for the dry-run (default rules/crisis-queue.vroeg)
#   VROEG_BENCH_RUNS      runs per timed generate/import step; the best is reported (default 3)
#   VROEG_BENCH_READ_RUNS rounds of the month's read, ref-p2 and dry-run, taking turns, and of
#                         the report and a second dry-run (default 21)
#   VROEG_BENCH_MONTH     run month (default 2024-06)
#   VROEG_BENCH_GEN_ARGS  size of the data set (default: the national month)
#   VROEG_BENCH_KEEP      set to 1 to keep the scratch directory
#   VROEG_BENCH_INSTRUCTIONS  0 skips counting instructions with valgrind (default: count when
#                         valgrind is installed; about a minute more)
#   VROEG_BENCH_COMPILE_RUNS  rounds of the two compile steps, taking turns (default 11)
#   VROEG_BENCH_ONLY      compile: only the compile steps (seconds, no data, no sqlite3 shell);
#                         sweep: only the data, vroeg import and the sweep step (no sqlite3 shell);
#                         import: only the data and the import step (vroeg against the sqlite3 shell)
#   VROEG_BENCH_SWEEP_RUNS rounds of the sweep and its dry-run, taking turns (default 11)
#   TMPDIR                where the scratch directory goes (about 400 MB)
#
# Exits non-zero only when a step fails to run; a missed target prints MISSED.
set -euo pipefail

die() { echo "bench: $*" >&2; exit 2; }

[ $# -eq 1 ] || die "usage: bench/run.sh BUILD_DIR"
[ -d "$1" ] || die "build directory $1 not found: run make first"
BUILD=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
POLICY=${VROEG_BENCH_POLICY:-$ROOT/rules/crisis-queue.vroeg}
RUNS=${VROEG_BENCH_RUNS:-3}
READ_RUNS=${VROEG_BENCH_READ_RUNS:-21}
MONTH=${VROEG_BENCH_MONTH:-2024-06}
GEN_ARGS=${VROEG_BENCH_GEN_ARGS:---households 400000 --months 7 --run-month-signals 150000 --total-signals 900000}

COMPILE_RUNS=${VROEG_BENCH_COMPILE_RUNS:-11}
ONLY=${VROEG_BENCH_ONLY:-}

# Targets (bench/README.md says why these).
TARGET_IMPORT_RATIO=1.5
TARGET_DRYRUN_RATIO=1.3
TARGET_DRYRUN_MB=100
TARGET_REPORT_RATIO=1.0
TARGET_COMPILE_RATIO=20
TARGET_SWEEP_RATIO=4.0
SWEEP_RUNS=${VROEG_BENCH_SWEEP_RUNS:-11}
# The sweep: 20 floors, EUR 50 to 240 (the policy's own 100 among them).
SWEEP_FLOORS=$(seq -s, 50 10 240)

# --- what we need ----------------------------------------------------------
case $ONLY in
'' | compile | sweep | import) ;;
*) die "VROEG_BENCH_ONLY is empty, compile, sweep or import, got '$ONLY'" ;;
esac
[ -n "$ONLY" ] && [ "$ONLY" != import ] || command -v sqlite3 >/dev/null 2>&1 ||
	die "the sqlite3 shell is needed for the baseline.
Install it: apt-get install sqlite3   (Fedora: dnf install sqlite; Alpine: apk add sqlite)"
[[ $COMPILE_RUNS =~ ^[1-9][0-9]*$ ]] ||
	die "VROEG_BENCH_COMPILE_RUNS must be a whole number >= 1, got '$COMPILE_RUNS'"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "VROEG_BENCH_RUNS must be a whole number >= 1, got '$RUNS'"
[[ $READ_RUNS =~ ^[1-9][0-9]*$ ]] ||
	die "VROEG_BENCH_READ_RUNS must be a whole number >= 1, got '$READ_RUNS'"
[[ $SWEEP_RUNS =~ ^[1-9][0-9]*$ ]] ||
	die "VROEG_BENCH_SWEEP_RUNS must be a whole number >= 1, got '$SWEEP_RUNS'"
for exe in vroeg-gen bench-ref-p2 bench-time vroeg; do
	[ -x "$BUILD/$exe" ] || die "$BUILD/$exe is missing: run make first (make bench builds it)"
done
[ -r "$POLICY" ] || die "policy $POLICY not found (set VROEG_BENCH_POLICY to the P2 rule file)"

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/vroeg-bench.XXXXXX")
cleanup() {
	if [ "${VROEG_BENCH_KEEP:-}" = 1 ]; then
		echo "bench: kept $SCRATCH"
	else
		rm -rf "$SCRATCH"
	fi
}
trap cleanup EXIT

SIGNALS=$SCRATCH/signals.csv
OUTCOMES=$SCRATCH/outcomes.csv
RAWDB=$SCRATCH/raw.db
DB=$SCRATCH/store.db

# --- measuring -------------------------------------------------------------
# measure NAME OUT PREP CMD...: runs PREP (untimed: e.g. remove the database a
# run would otherwise find filled), then CMD with stdout to OUT, RUNS times.
# bench-time (tools/bench_time.c) gives the wall time (a monotonic clock,
# microseconds) and the peak resident memory of each run.
declare -A SECS MB
STEPS=()
measure() {
	local name=$1 out=$2 prep=$3
	shift 3
	local i
	for ((i = 1; i <= RUNS; i++)); do
		$prep
		run_once "$name" "$out" "$@"
	done
	record "$name"
}

# run_once NAME OUT CMD...: one timed run, folded into BEST[NAME] and PEAK[NAME],
# and appended to TIMES[NAME] (for ratios round by round).
declare -A BEST PEAK TIMES
run_once() {
	local name=$1 out=$2
	shift 2
	local rc secs kb
	rc=0
	"$BUILD/bench-time" "$SCRATCH/time.txt" "$@" >"$out" 2>"$SCRATCH/stderr.txt" || rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "bench: step '$name' failed (exit $rc): $*" >&2
		tail -n 20 "$SCRATCH/stderr.txt" >&2
		exit 1
	fi
	read -r secs _ kb <"$SCRATCH/time.txt"
	secs=$(awk -v s="$secs" 'BEGIN { printf "%.3f", s }')
	TIMES[$name]="${TIMES[$name]:-} $secs"
	if [ -z "${BEST[$name]:-}" ] || awk -v a="$secs" -v b="${BEST[$name]}" 'BEGIN { exit !(a < b) }'; then
		BEST[$name]=$secs
	fi
	if ((kb > ${PEAK[$name]:-0})); then PEAK[$name]=$kb; fi
}

# record NAME: the step's best time and peak memory go into the report.
record() {
	local name=$1
	BEST_S=${BEST[$name]}
	PEAK_MB=$(awk -v k="${PEAK[$name]}" 'BEGIN { printf "%.1f", k / 1024 }')
	SECS[$name]=$BEST_S
	MB[$name]=$PEAK_MB
	STEPS+=("$name")
	printf '  %-22s %8.3f s %9.1f MB\n' "$name" "$BEST_S" "$PEAK_MB" >&2
}

nothing() { :; }
fresh_raw() { rm -f "$RAWDB" "$RAWDB-journal"; }
fresh_store() { rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"; }
lines() { local n; n=$(wc -l <"$1"); echo $((n - 1)); }
size_mb() { awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }

echo "vroeg benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), month $MONTH, best of $RUNS runs" \
	"($READ_RUNS for the month's read, $COMPILE_RUNS for compiling)" >&2
echo "  host: $(nproc) cpu, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)," \
	"sqlite3 shell $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)" >&2

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
verdict() { # value op target
	awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN {
		ok = (op == "<=") ? (v <= t) : (v < t); print ok ? "ok" : "MISSED" }'
}

# --- 0. compiling: a policy of 960 amount bands against one of 60 ---------------
# bands N: a policy of N rules `arrears between A and B -> bucket` that cover
# every amount (lint finds nothing to say about it), over 12 buckets.
bands() {
	awk -v n="$1" 'BEGIN {
		print "# generated by bench/run.sh: " n " amount bands"
		print "policy \"Bands " n "\" version 1"
		print "exclude \"legal person\" before counting when any legal_form = legal"
		for (i = 0; i < n - 1; i++)
			printf "arrears between %d and %d.99 -> b%d\n", i * 10, i * 10 + 9, i % 12
		printf "arrears >= %d -> b%d\n", (n - 1) * 10, (n - 1) % 12
		for (i = 0; i < 12; i++)
			printf "bucket b%d\n", i
	}'
}
# One process lints COPIES files (lint compiles each: parse, check, generate,
# verify; it writes nothing), so starting the process weighs little against
# the compiling. The two sizes take turns, COMPILE_RUNS rounds.
COPIES=50
compile_report() {
	printf '%-34s %8s   target %-7s %s\n' "compile-960 / compile-60" "$RC" "<= $TARGET_COMPILE_RATIO" \
		"$(verdict "$RC" "<=" "$TARGET_COMPILE_RATIO")"
}
if [ "$ONLY" != sweep ] && [ "$ONLY" != import ]; then
mkdir "$SCRATCH/p60" "$SCRATCH/p960"
bands 60 >"$SCRATCH/p60/bands.vroeg"
bands 960 >"$SCRATCH/p960/bands.vroeg"
P60=() P960=()
for ((i = 1; i <= COPIES; i++)); do
	cp "$SCRATCH/p60/bands.vroeg" "$SCRATCH/p60/$i.vroeg"
	cp "$SCRATCH/p960/bands.vroeg" "$SCRATCH/p960/$i.vroeg"
	P60+=("$SCRATCH/p60/$i.vroeg")
	P960+=("$SCRATCH/p960/$i.vroeg")
done
for ((round = 1; round <= COMPILE_RUNS; round++)); do
	run_once compile-60 /dev/null "$BUILD/vroeg" lint "${P60[@]}"
	run_once compile-960 /dev/null "$BUILD/vroeg" lint "${P960[@]}"
done
record compile-60
record compile-960
RC=$(ratio "${SECS[compile-960]}" "${SECS[compile-60]}")
fi
if [ "$ONLY" = compile ]; then
	echo
	echo "compiling $COPIES copies of a policy of 60 amount bands: ${SECS[compile-60]} s;" \
		"of 960 bands: ${SECS[compile-960]} s (best of $COMPILE_RUNS rounds)"
	compile_report
	exit 0
fi

# --- 1. the data -------------------------------------------------------------
# shellcheck disable=SC2086 # GEN_ARGS is a list of options
measure generate /dev/null nothing \
	"$BUILD/vroeg-gen" --seed 1 --end-month "$MONTH" $GEN_ARGS \
	--signals "$SIGNALS" --outcomes "$OUTCOMES"
NSIG=$(lines "$SIGNALS")
NRUN=$(awk -F, -v m="$MONTH" 'NR > 1 && substr($2, 1, 7) == m { n++ } END { print n + 0 }' "$SIGNALS")
NOUT=$(lines "$OUTCOMES")
echo "  data: $NSIG signals ($NRUN in $MONTH), $(size_mb "$SIGNALS") MB; $NOUT outcomes, $(size_mb "$OUTCOMES") MB" >&2

# paired A B: the median, over the rounds, of A's time over B's in the same
# round (context: it moves more from one bench to the next than best over
# best does with 21 rounds, and sits above it when the machine is busy).
paired() {
	awk -v a="${TIMES[$1]}" -v b="${TIMES[$2]}" 'BEGIN {
		n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++) r[i] = y[i] > 0 ? x[i] / y[i] : 1e9
		for (i = 2; i <= n; i++) for (j = i; j > 1 && r[j] < r[j - 1]; j--) { t = r[j]; r[j] = r[j - 1]; r[j - 1] = t }
		printf "%.2f", n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2 }'
}
# --- 5. vroeg sweep: 20 floors against one dry-run ---------------------------
# The policy with its floor named (`define floor = 100`); the sweep and a
# dry-run of it take turns, SWEEP_RUNS rounds. Then the sweep's figures at
# the policy's own floor are held against the dry-run's bucket counts.
sweep_step() {
	FLOOR_POLICY=$SCRATCH/floor.vroeg
	sed -e 's/^count signal when arrears >= 100 or sector = water$/define floor = 100\ncount signal when arrears >= floor or sector = water/' \
		"$POLICY" >"$FLOOR_POLICY"
	grep -q '^define floor = 100$' "$FLOOR_POLICY" ||
		die "the sweep step names the floor of P2 (count signal when arrears >= 100 or sector = water): $POLICY has no such line"
	for ((round = 1; round <= SWEEP_RUNS; round++)); do
		run_once vroeg-dry-run-3 /dev/null \
			"$BUILD/vroeg" dry-run --db "$DB" --month "$MONTH" --format csv "$FLOOR_POLICY"
		run_once vroeg-sweep-20 "$SCRATCH/sweep.csv" \
			"$BUILD/vroeg" sweep --db "$DB" --month "$MONTH" --set "floor=$SWEEP_FLOORS" --format csv "$FLOOR_POLICY"
	done
	record vroeg-dry-run-3
	record vroeg-sweep-20
	"$BUILD/vroeg" dry-run --db "$DB" --month "$MONTH" --format csv "$FLOOR_POLICY" 2>/dev/null |
		awk -F, 'NR > 1 { n[$3]++ } END { for (b in n) printf "%s\t%d\n", b, n[b] }' | LC_ALL=C sort >"$SCRATCH/floor.counts"
	awk -F, '$1 == "100.00" && $4 > 0 { printf "%s\t%d\n", $3, $4 }' "$SCRATCH/sweep.csv" |
		LC_ALL=C sort >"$SCRATCH/sweep.counts"
	RS=$(ratio "${SECS[vroeg-sweep-20]}" "${SECS[vroeg-dry-run-3]}")
}
sweep_report() {
	printf '%-34s %8s   target %-7s %s\n' "vroeg-sweep-20 / vroeg-dry-run-3" "$RS" "<= $TARGET_SWEEP_RATIO" \
		"$(verdict "$RS" "<=" "$TARGET_SWEEP_RATIO")"
}
sweep_check() {
	if cmp -s "$SCRATCH/sweep.counts" "$SCRATCH/floor.counts"; then
		echo "sweep: 20 floors ($SWEEP_FLOORS); at the policy's own floor its households per bucket are the dry-run's"
	else
		echo "sweep: MISMATCH between the sweep's households per bucket at floor 100 and the dry-run's:"
		diff "$SCRATCH/floor.counts" "$SCRATCH/sweep.counts" | grep '^[<>]' | sed 's/^/  /' || true
	fi
}
if [ "$ONLY" = sweep ]; then
	RUNS=1
	measure vroeg-import /dev/null fresh_store "$BUILD/vroeg" import --db "$DB" "$SIGNALS"
	measure vroeg-import-outcomes /dev/null nothing "$BUILD/vroeg" import --db "$DB" --outcomes "$OUTCOMES"
	sweep_step
	echo
	echo "sweep of 20 floors: ${SECS[vroeg-sweep-20]} s, ${MB[vroeg-sweep-20]} MB; one dry-run:" \
		"${SECS[vroeg-dry-run-3]} s, ${MB[vroeg-dry-run-3]} MB (best of $SWEEP_RUNS rounds; peak MB the highest)"
	sweep_report
	printf '%-34s %8s   (context: median of the rounds)\n' "vroeg-sweep-20 / vroeg-dry-run-3" \
		"$(paired vroeg-sweep-20 vroeg-dry-run-3)"
	sweep_check
	exit 0
fi

# --- 2. import: the sqlite3 shell's plain .import, then vroeg import ---------
# The two take turns (see step 3 for why).
for ((round = 1; round <= RUNS; round++)); do
	fresh_raw
	run_once sqlite-import /dev/null sqlite3 "$RAWDB" ".import --csv \"$SIGNALS\" signals_raw"
	fresh_store
	run_once vroeg-import "$SCRATCH/import.txt" "$BUILD/vroeg" import --db "$DB" "$SIGNALS"
done
record sqlite-import
record vroeg-import
got=$(sqlite3 "$RAWDB" 'SELECT count(*) FROM signals_raw')
[ "$got" = "$NSIG" ] || { echo "bench: sqlite3 .import stored $got rows, expected $NSIG" >&2; exit 1; }
# Outcomes once: importing them again is a no-op, and they are small.
RUNS_SAVED=$RUNS
RUNS=1
measure vroeg-import-outcomes "$SCRATCH/import-outcomes.txt" nothing \
	"$BUILD/vroeg" import --db "$DB" --outcomes "$OUTCOMES"
RUNS=$RUNS_SAVED
echo "  store: $(size_mb "$DB") MB" >&2
if [ "$ONLY" = import ]; then
	r1=$(ratio "${SECS[vroeg-import]}" "${SECS[sqlite-import]}")
	echo
	echo "import of $NSIG signals: vroeg ${SECS[vroeg-import]} s, ${MB[vroeg-import]} MB; sqlite3 .import" \
		"${SECS[sqlite-import]} s (best of $RUNS rounds, taking turns; peak MB the highest)"
	printf '%-34s %8s   target %-7s %s\n' "vroeg-import / sqlite-import" "$r1" "<= $TARGET_IMPORT_RATIO" \
		"$(verdict "$r1" "<=" "$TARGET_IMPORT_RATIO")"
	printf '%-34s %8s   (context: median of the rounds)\n' "vroeg-import / sqlite-import" \
		"$(paired vroeg-import sqlite-import)"
	exit 0
fi

# --- 3. the run month: bare read, the C yardstick, vroeg dry-run -------------
# These three take turns, READ_RUNS rounds of one run each: a shared machine
# speeds up and slows down over seconds, and taking turns exposes all three
# to the same spells, so their ratios compare like with like.
READ_SQL=$("$BUILD/bench-ref-p2" --sql "$MONTH")
for ((round = 1; round <= READ_RUNS; round++)); do
	run_once sqlite-ordered-read /dev/null sqlite3 "$DB" "$READ_SQL"
	run_once ref-p2 "$SCRATCH/ref-p2.txt" "$BUILD/bench-ref-p2" "$DB" "$MONTH"
	run_once vroeg-dry-run /dev/null \
		"$BUILD/vroeg" dry-run --db "$DB" --month "$MONTH" --format csv "$POLICY"
done
record sqlite-ordered-read
record ref-p2
record vroeg-dry-run

# Instructions executed, counted by callgrind: unlike time, no busy neighbour
# changes them, so their ratio shows what a change did even on a noisy machine.
INSTR_RATIO=""
if [ "${VROEG_BENCH_INSTRUCTIONS:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then
	instructions() { # OUT CMD...: prints the instructions CMD executes
		local out=$1
		shift
		valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" >"$out" 2>"$SCRATCH/callgrind.txt" ||
			{ echo "bench: callgrind failed: $*" >&2; tail -n 5 "$SCRATCH/callgrind.txt" >&2; exit 1; }
		awk '/Collected :/ { print $NF }' "$SCRATCH/callgrind.txt"
	}
	echo "  counting instructions (valgrind)" >&2
	IREF=$(instructions /dev/null "$BUILD/bench-ref-p2" "$DB" "$MONTH")
	IDRY=$(instructions /dev/null "$BUILD/vroeg" dry-run --db "$DB" --month "$MONTH" --format csv "$POLICY")
	INSTR_RATIO=$(awk -v a="$IDRY" -v b="$IREF" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
	echo "  instructions: ref-p2 $IREF, vroeg-dry-run $IDRY" >&2
fi

# --- 4. the month report: all the months, with a run recorded for the last ---
# The run is recorded once (untimed); then the report and a dry-run take
# turns, READ_RUNS rounds, as in step 3.
"$BUILD/vroeg" run --db "$DB" --month "$MONTH" "$POLICY" >"$SCRATCH/run.txt" 2>"$SCRATCH/stderr.txt" ||
	{ echo "bench: vroeg run failed" >&2; tail -n 20 "$SCRATCH/stderr.txt" >&2; exit 1; }
FIRST=$(awk -F, 'NR > 1 { m = substr($2, 1, 7); if (first == "" || m < first) first = m } END { print first }' "$SIGNALS")
for ((round = 1; round <= READ_RUNS; round++)); do
	run_once vroeg-report "$SCRATCH/report.csv" \
		"$BUILD/vroeg" report --db "$DB" --months "$FIRST..$MONTH" --format csv
	run_once vroeg-dry-run-2 /dev/null \
		"$BUILD/vroeg" dry-run --db "$DB" --month "$MONTH" --format csv "$POLICY"
done
record vroeg-report
record vroeg-dry-run-2
sweep_step

# Same answer? Bucket counts of one more (untimed) dry-run against ref-p2's.
if ! "$BUILD/vroeg" dry-run --db "$DB" --month "$MONTH" --format csv "$POLICY" \
	>"$SCRATCH/dry-run.csv" 2>"$SCRATCH/stderr.txt"; then
	echo "bench: vroeg dry-run failed on the checking run" >&2
	tail -n 20 "$SCRATCH/stderr.txt" >&2
	exit 1
fi
awk -F, 'NR > 1 { b = $3; if (b == "excluded") b = b " (" $4 ")"; n[b]++ }
	END { for (b in n) printf "%s\t%d\n", b, n[b] }' "$SCRATCH/dry-run.csv" |
	LC_ALL=C sort >"$SCRATCH/dry-run.counts"
grep -v '^#' "$SCRATCH/ref-p2.txt" | grep -v '^total' | LC_ALL=C sort >"$SCRATCH/ref-p2.counts"

# --- the report --------------------------------------------------------------
echo
printf '%-22s %9s %9s\n' step seconds "peak MB"
printf '%-22s %9s %9s\n' ---------------------- --------- ---------
for s in "${STEPS[@]}"; do
	printf '%-22s %9.3f %9.1f\n' "$s" "${SECS[$s]}" "${MB[$s]}"
done
echo
echo "data: $NSIG signals, $NRUN in $MONTH, $NOUT outcomes; times are the best of $RUNS rounds" \
	"(outcome import: 1 run; the month's read, ref-p2 and dry-run, and the report: $READ_RUNS rounds; compiling:" \
	"$COMPILE_RUNS rounds of $COPIES copies of a policy of 60 or 960 amount bands), peak MB the" \
	"highest of the runs"
echo
r1=$(ratio "${SECS[vroeg-import]}" "${SECS[sqlite-import]}")
r2=$(ratio "${SECS[vroeg-dry-run]}" "${SECS[ref-p2]}")
r3=$(ratio "${SECS[vroeg-report]}" "${SECS[vroeg-dry-run-2]}")
m=${MB[vroeg-dry-run]}
printf '%-34s %8s   target %-7s %s\n' "vroeg-import / sqlite-import" "$r1" "<= $TARGET_IMPORT_RATIO" "$(verdict "$r1" "<=" "$TARGET_IMPORT_RATIO")"
printf '%-34s %8s   target %-7s %s\n' "vroeg-dry-run / ref-p2" "$r2" "<= $TARGET_DRYRUN_RATIO" "$(verdict "$r2" "<=" "$TARGET_DRYRUN_RATIO")"
printf '%-34s %8s   target %-7s %s\n' "vroeg-dry-run peak MB" "$m" "< $TARGET_DRYRUN_MB" "$(verdict "$m" "<" "$TARGET_DRYRUN_MB")"
printf '%-34s %8s   target %-7s %s\n' "vroeg-report / vroeg-dry-run-2" "$r3" "<= $TARGET_REPORT_RATIO" "$(verdict "$r3" "<=" "$TARGET_REPORT_RATIO")"
compile_report
sweep_report
printf '%-34s %8s   (context: the read alone)\n' "sqlite-ordered-read / ref-p2" \
	"$(ratio "${SECS[sqlite-ordered-read]}" "${SECS[ref-p2]}")"
printf '%-34s %8s   (context: median of the rounds)\n' "vroeg-import / sqlite-import" \
	"$(paired vroeg-import sqlite-import)"
printf '%-34s %8s   (context: median of the rounds)\n' "vroeg-dry-run / ref-p2" \
	"$(paired vroeg-dry-run ref-p2)"
printf '%-34s %8s   (context: median of the rounds)\n' "vroeg-report / vroeg-dry-run-2" \
	"$(paired vroeg-report vroeg-dry-run-2)"
printf '%-34s %8s   (context: median of the rounds)\n' "vroeg-sweep-20 / vroeg-dry-run-3" \
	"$(paired vroeg-sweep-20 vroeg-dry-run-3)"
if [ -n "$INSTR_RATIO" ]; then
	printf '%-34s %8s   (context: instructions executed, valgrind)\n' "vroeg-dry-run / ref-p2" "$INSTR_RATIO"
fi
echo
# The report's households per bucket for the month are the dry-run's.
awk -F, -v m="$MONTH" '$1 == m && $2 == "households" && $3 != "excluded" && $5 > 0 { printf "%s\t%d\n", $3, $5 }' \
	"$SCRATCH/report.csv" | LC_ALL=C sort >"$SCRATCH/report.counts"
grep -v '^excluded' "$SCRATCH/dry-run.counts" >"$SCRATCH/dry-run.buckets" || true
if cmp -s "$SCRATCH/report.counts" "$SCRATCH/dry-run.buckets"; then
	echo "report: $FIRST..$MONTH; its households per bucket in $MONTH are the dry-run's"
else
	echo "report: MISMATCH between the report's households per bucket and the dry-run's:"
	diff "$SCRATCH/dry-run.buckets" "$SCRATCH/report.counts" | grep '^[<>]' | sed 's/^/  /' || true
fi
if cmp -s "$SCRATCH/dry-run.counts" "$SCRATCH/ref-p2.counts"; then
	echo "decisions: vroeg dry-run and ref-p2 agree on every bucket count:"
	sed 's/^/  /' "$SCRATCH/ref-p2.counts"
else
	echo "decisions: MISMATCH between vroeg dry-run and ref-p2 (bucket, count; < ref-p2, > dry-run):"
	diff "$SCRATCH/ref-p2.counts" "$SCRATCH/dry-run.counts" | grep '^[<>]' | sed 's/^/  /' || true
	echo "  (the ratio compares different work until they agree)"
fi
sweep_check
