/* check_untrusted.c - issue 14.2 through the real binary: a creditor's file
 * cannot reach into the municipality's spreadsheets or terminal. Control
 * characters are refused at import with the precise message, shown escaped;
 * formulas import (a creditor may be called `-Energie`) and leave every CSV
 * neutralised; and a store changed by hand (through the sqlite3 C API,
 * past import) still never gives a formula cell or a raw control character
 * in csv, table or json, from dry-run, run, decisions, runs, explain or
 * diff; nor do command-line words or `vroeg test`'s tests file. */
#include <check.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "support.h"

static char dir[64];
static char db[128];
static char policy_old[128], policy_new[128];

/* Runs CMD through the shell; its output (stdout, and stderr unless CMD
 * sends it elsewhere) into OUT, *LEN bytes; returns the exit code. */
static int run(const char *cmd, char *out, size_t size, size_t *len)
{
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t n = 0, got;
	while (n + 1 < size && (got = fread(out + n, 1, size - 1 - n, p)) > 0)
		n += got;
	out[n] = '\0';
	*len = n;
	const int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* No byte a terminal acts on: C0 but LF (a tab too when TAB_OK), DEL, C1. */
static void no_raw_controls(const char *what, const char *out, size_t len, bool tab_ok)
{
	const unsigned char *u = (const unsigned char *)out;
	for (size_t i = 0; i < len; i++) {
		ck_assert_msg(u[i] >= 0x20 || u[i] == '\n' || (tab_ok && u[i] == '\t'),
			      "%s: raw control byte 0x%02x at %zu in:\n%s", what, u[i], i, out);
		ck_assert_msg(u[i] != 0x7f, "%s: raw DEL at %zu", what, i);
		ck_assert_msg(!(u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f),
			      "%s: raw C1 character at %zu", what, i);
	}
}

/* Every cell of the CSV text OUT, read as a spreadsheet reads it: none
 * begins a formula. Returns how many cells there were. */
static size_t no_formula_cells(const char *what, const char *out)
{
	size_t cells = 0;
	const char *p = out;
	while (*p) {
		char cell[4096];
		size_t o = 0;
		if (*p == '"') {
			for (p++; *p && !(p[0] == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				if (o < sizeof cell - 1)
					cell[o++] = *p;
			}
			ck_assert_msg(*p == '"', "%s: a quoted cell never closed", what);
			p++;
		} else {
			while (*p && *p != ',' && *p != '\n')
				if (o < sizeof cell - 1)
					cell[o++] = *p++;
		}
		cell[o] = '\0';
		cells++;
		ck_assert_msg(!strchr("=+-@\t\r", cell[0]) || cell[0] == '\0',
			      "%s: the cell `%s` begins a formula", what, cell);
		ck_assert_msg(*p == ',' || *p == '\n' || *p == '\0', "%s: text after a cell", what);
		if (*p)
			p++;
	}
	return cells;
}

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-untrusted-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof db, "%s/store.db", dir);
	snprintf(policy_old, sizeof policy_old, "%s/old.vroeg", dir);
	snprintf(policy_new, sizeof policy_new, "%s/new.vroeg", dir);
	write_file(policy_old,
		   "policy \"Letters\" version 1\n"
		   "exclude \"legal person\" before counting when any legal_form = legal\n"
		   "otherwise -> letter\n"
		   "bucket letter capacity unlimited\n");
	write_file(policy_new,
		   "policy \"Visits\" version 2\n"
		   "exclude \"legal person\" before counting when any legal_form = legal\n"
		   "exclude \"small\" when arrears < 5\n"
		   "otherwise -> home_visit\n"
		   "bucket home_visit capacity 2 by arrears desc overflow letter\n"
		   "bucket letter capacity unlimited\n");
}

static void teardown(void)
{
	scratch_remove(dir);
}

/* The repro: refused with the precise message, shown escaped,
 * nothing stored. */
START_TEST(a_control_character_in_a_signals_file_is_refused_and_shown_escaped)
{
	char path[128], cmd[1024], out[8192];
	size_t len;
	snprintf(path, sizeof path, "%s/evil.csv", dir);
	write_file(path,
		   "signal_id,received,household,creditor,sector,arrears,district\n"
		   "S1,2024-06-03,\"=HYPERLINK(\"\"http://x\"\";\"\"click\"\")\",\"\"\"=cmd|calc!A1\"\"\",rent,700.00,@SUM(1)\n"
		   "S2,2024-06-03,H\x1b[2K\rH000001,Eneco,energy,10.00,\n");
	snprintf(cmd, sizeof cmd, "%s import --db %s %s 2>&1", vroeg_bin(), db, path);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 3);
	no_raw_controls("import", out, len, false);
	char want[1024];
	snprintf(want, sizeof want,
		 "%s:3: household: control character \\x1b in `H\\x1b[2K\\rH000001`: text may not hold control characters\n"
		 "%s: 0 added, 0 identical, 1 rejected; nothing stored\n", path, path);
	ck_assert_str_eq(out, want);
	snprintf(cmd, sizeof cmd, "%s dry-run --db %s --month 2024-06 --format csv %s 2>/dev/null", vroeg_bin(), db, policy_old);
	run(cmd, out, sizeof out, &len);
	ck_assert_str_eq(out, "month,household,bucket,reason,rule,overflowed_from,place,arrears\n");
}
END_TEST

/* Formulas are text a creditor may legitimately begin a name with: they
 * import, and every CSV written from them is neutralised. */
START_TEST(formulas_import_and_every_csv_neutralises_them)
{
	char path[128], cmd[1024], out[16384];
	size_t len;
	snprintf(path, sizeof path, "%s/formulas.csv", dir);
	write_file(path,
		   "signal_id,received,household,creditor,sector,arrears,district\n"
		   "S1,2024-06-03,\"=HYPERLINK(\"\"http://x\"\";\"\"click\"\")\",\"\"\"=cmd|calc!A1\"\"\",rent,700.00,@SUM(1)\n"
		   "S2,2024-06-04,+31612345678,-Energie,energy,10.00,\"\tNoord\"\n"
		   "S3,2024-06-05,@H3,+Wonen,rent,1.00,'s-Gravenzande\n"
		   "S4,2024-06-06,-H4,Menzis,health,900.00,\n");
	snprintf(cmd, sizeof cmd, "%s import --db %s %s 2>&1", vroeg_bin(), db, path);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 0);
	const char *const commands[] = {
		"%s dry-run --db %s --month 2024-06 --format csv %s 2>/dev/null",
		"%s run --db %s --month 2024-06 --format csv %s 2>/dev/null",
		"%s decisions --db %s --month 2024-06 --format csv 2>/dev/null",
	};
	for (size_t i = 0; i < 3; i++) {
		snprintf(cmd, sizeof cmd, commands[i], vroeg_bin(), db, policy_new);
		ck_assert_int_eq(run(cmd, out, sizeof out, &len), 0);
		ck_assert_uint_eq(no_formula_cells(cmd, out), 5 * 8);
		ck_assert_msg(strstr(out, "\n2024-06,\"'+31612345678\",letter,,") &&
			      strstr(out, "\n2024-06,\"'-H4\",home_visit,,") &&
			      strstr(out, "\n2024-06,\"'=HYPERLINK(\"\"http://x\"\";\"\"click\"\")\",home_visit,,") &&
			      strstr(out, "\n2024-06,\"'@H3\",excluded,small,"), "%s:\n%s", cmd, out);
	}
	snprintf(cmd, sizeof cmd, "%s diff --db %s --month 2024-06 --format csv %s %s 2>/dev/null", vroeg_bin(), db,
		 policy_old, policy_new);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 0);
	ck_assert_uint_eq(no_formula_cells(cmd, out), 5 * 7);
	ck_assert_ptr_nonnull(strstr(out, "\n\"'@H3\",letter,excluded,,small,,\n"));
}
END_TEST

static void sql(sqlite3 *h, const char *statement, const char *const *params, int n)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(h, statement, -1, &st, NULL), SQLITE_OK);
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
}

static const char *const evil_key = "H\x1b[2K\rH000001";

/* A clean import, then a hand puts in what import refuses. */
static void hand_edited_store(void)
{
	char path[128], cmd[1024], out[4096];
	size_t len;
	snprintf(path, sizeof path, "%s/clean.csv", dir);
	write_file(path,
		   "signal_id,received,household,creditor,sector,arrears,district\n"
		   "S1,2024-06-03,H1,Menzis,health,700.00,Noord\n"
		   "S2,2024-06-04,H2,Eneco,energy,10.00,Zuid\n"
		   "S3,2024-06-05,H3,Vitens,water,80.00,Oost\n"
		   "S4,2024-06-06,H4,Vitens,water,1.00,West\n");
	snprintf(cmd, sizeof cmd, "%s import --db %s %s 2>&1", vroeg_bin(), db, path);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 0);
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	const struct { const char *old, *key, *creditor, *district, *id; } edits[] = {
		{ "H1", evil_key, "Eneco\x1b]0;pwned\x07", "@SUM(1)\r\n", "S\x1b[31m1" },
		{ "H2", "=HYPERLINK(\"http://x\";\"click\")", "\"=cmd|calc!A1\"", "Zuid\x7f", "S2" },
		{ "H3", "P\xc2\x85\x7f\xe9", "Caf\xe9\xc2\x9b", "\tOost", "-S3" },
	};
	for (size_t i = 0; i < 3; i++) {
		const char *p[] = { edits[i].key, edits[i].creditor, edits[i].district, edits[i].id, edits[i].old };
		sql(h, "UPDATE signals SET household = ?1, creditor = ?2, district = ?3, signal_id = ?4 WHERE household = ?5", p, 5);
		const char *m[] = { edits[i].key, edits[i].old };
		sql(h, "UPDATE month_households SET household = ?1 WHERE household = ?2", m, 2);
	}
	sqlite3_close(h);
}

/* Runs CMD (formatted with vroeg, the store and the policies), checks its
 * output carries no raw control character and, for CSV, no formula cell. */
static void check_output(const char *fmt, const char *a, const char *b, bool csv, int want_exit)
{
	char cmd[1024];
	static char out[1 << 16];
	size_t len;
	snprintf(cmd, sizeof cmd, fmt, vroeg_bin(), db, a, b);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), want_exit);
	ck_assert_msg(len > 0, "%s: no output", cmd);
	/* A tab is a plain character inside a CSV cell: it is no formula there. */
	no_raw_controls(cmd, out, len, csv);
	if (csv)
		no_formula_cells(cmd, out);
}

START_TEST(a_hand_edited_store_never_gives_a_formula_or_a_raw_control)
{
	hand_edited_store();
	static const char *const formats[] = { "table", "csv", "json" };
	for (size_t f = 0; f < 3; f++) {
		const bool csv = f == 1;
		char fmt[256];
		snprintf(fmt, sizeof fmt, "%%s dry-run --db %%s --month 2024-06 --format %s %%s%%s %s", formats[f],
			 f ? "2>/dev/null" : "2>&1");
		check_output(fmt, policy_new, "", csv, 0);
		snprintf(fmt, sizeof fmt, "%%s diff --db %%s --month 2024-06 --format %s %%s %%s %s", formats[f],
			 f ? "2>/dev/null" : "2>&1");
		check_output(fmt, policy_old, policy_new, csv, 0);
	}
	check_output("%s run --db %s --month 2024-06 %s%s 2>&1", policy_new, "", false, 0);
	for (size_t f = 0; f < 3; f++) {
		char fmt[256];
		snprintf(fmt, sizeof fmt, "%%s decisions --db %%s --month 2024-06 --format %s%%s%%s 2>&1", formats[f]);
		check_output(fmt, "", "", f == 1, 0);
	}
	/* The run's record, changed by hand too. */
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	const char *p[] = { "Visits\x1b]0;pwned\x07", "\r2" };
	sql(h, "UPDATE runs SET policy_name = ?1, policy_version = ?2", p, 2);
	sqlite3_close(h);
	check_output("%s runs --db %s%s%s 2>&1", "", "", false, 0);
	/* The same policy again: the recorded run is named, its time escaped. */
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	const char *q[] = { "Visits", "2", "2024-07-01T00:00:00Z[2K" };
	sql(h, "UPDATE runs SET policy_name = ?1, policy_version = ?2, finished = ?3", q, 3);
	sqlite3_close(h);
	check_output("%s run --db %s --month 2024-06 %s%s 2>&1", policy_new, "", false, 0);
	/* explain of the household with the worst key, given as the key is. */
	check_output("%s explain --db %s --month 2024-06 --household \"$(printf 'H\\033[2K\\rH000001')\" %s%s 2>&1",
		     policy_new, "", false, 0);
	check_output("%s explain --db %s --month 2024-06 --household \"$(printf 'P\\302\\205\\177\\351')\" %s%s 2>&1",
		     policy_new, "", false, 0);
}
END_TEST

START_TEST(explain_shows_the_households_text_escaped)
{
	hand_edited_store();
	char cmd[1024], out[16384];
	size_t len;
	snprintf(cmd, sizeof cmd,
		 "%s explain --db %s --month 2024-06 --household \"$(printf 'H\\033[2K\\rH000001')\" %s 2>&1",
		 vroeg_bin(), db, policy_new);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 0);
	ck_assert_msg(strstr(out, "Household H\\x1b[2K\\rH000001, month 2024-06"), "%s", out);
	ck_assert_msg(strstr(out, "  S\\x1b[31m1   2024-06-03  Eneco\\x1b]0;pwned\\x07 "), "%s", out);
	ck_assert_msg(strstr(out, "district \"@SUM(1)\\r\\n\""), "%s", out);
	/* A key that is not there: the message quotes it escaped. */
	snprintf(cmd, sizeof cmd,
		 "%s explain --db %s --month 2024-06 --household \"$(printf 'Z\\033[2K\\r')\" %s 2>&1",
		 vroeg_bin(), db, policy_new);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 3);
	ck_assert_str_eq(out, "vroeg: household Z\\x1b[2K\\r has no signal in 2024-06, so it is not triaged that month\n");
}
END_TEST

/* The command line is input too. */
START_TEST(command_line_words_are_shown_escaped)
{
	char cmd[1024], out[4096];
	size_t len;
	snprintf(cmd, sizeof cmd, "%s \"$(printf 'frob\\033[2K\\r')\" 2>&1", vroeg_bin());
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 64);
	ck_assert_str_eq(out, "vroeg: no command `frob\\x1b[2K\\r`; `vroeg help` lists them\n");
	snprintf(cmd, sizeof cmd, "%s runs \"$(printf -- '--x\\033[2K')\" 2>&1", vroeg_bin());
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 64);
	ck_assert_str_eq(out, "vroeg: unknown option `--x\\x1b[2K`\n");
	snprintf(cmd, sizeof cmd, "%s decisions --db %s --month \"$(printf '2024-06\\r')\" 2>&1", vroeg_bin(), db);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 64);
	ck_assert_str_eq(out, "vroeg: `2024-06\\r` is not a month: write YYYY-MM, e.g. 2024-03, or `previous`\n");
}
END_TEST

/* `vroeg test` echoes the tests file's names and words: escaped too. */
START_TEST(policy_test_output_is_shown_escaped)
{
	char tests[128], cmd[1024], out[4096];
	size_t len;
	snprintf(tests, sizeof tests, "%s/new.tests", dir);
	write_file(tests,
		   "month 2024-06\n"
		   "test \"visit\x1b[2K\r\"\n"
		   "  signal Menzis health 250.00\n"
		   "  expect letter\n");
	snprintf(cmd, sizeof cmd, "%s test %s %s 2>&1", vroeg_bin(), policy_new, tests);
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 1);
	no_raw_controls(cmd, out, len, false);
	ck_assert_msg(strstr(out, ":4: test \"visit\\x1b[2K\\r\" failed: expected letter, got home_visit"), "%s", out);
	write_file(tests,
		   "month 2024-06\n"
		   "test \"t\"\n"
		   "  signal Menzis rent\x1b 250.00\n"
		   "  expect letter\n");
	ck_assert_int_eq(run(cmd, out, sizeof out, &len), 3);
	no_raw_controls(cmd, out, len, false);
	ck_assert_msg(strstr(out, ":3:17: error: `rent\\x1b` is not a sector; did you mean `rent`?\n"), "%s", out);
}
END_TEST

Suite *untrusted_suite(void)
{
	Suite *s = suite_create("untrusted");
	TCase *tc = tcase_create("untrusted");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, a_control_character_in_a_signals_file_is_refused_and_shown_escaped);
	tcase_add_test(tc, formulas_import_and_every_csv_neutralises_them);
	tcase_add_test(tc, a_hand_edited_store_never_gives_a_formula_or_a_raw_control);
	tcase_add_test(tc, explain_shows_the_households_text_escaped);
	tcase_add_test(tc, command_line_words_are_shown_escaped);
	tcase_add_test(tc, policy_test_output_is_shown_escaped);
	suite_add_tcase(s, tc);
	return s;
}
