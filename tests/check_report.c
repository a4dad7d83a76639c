/* check_report.c - the decision formats: CSV quoting (RFC 4180, and the `;`
 * of the Dutch dialect), JSON escapes and null places, the aligned table, and
 * a policy with more labels than any fixed-size row could hold, and rows
 * made on demand printing as stored ones do; the summary's columns adding
 * up, with every move between buckets; text a hand put in the store never a
 * formula in CSV, never raw control characters in any format. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "report.h"
#include "support.h"

/* Prints SET in FMT into a string the caller frees. */
static char *print(const vr_decision_set *set, enum report_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(out);
	report_decisions(out, set, fmt);
	fclose(out);
	return text;
}

static vr_month june(void)
{
	vr_month m;
	ck_assert(vr_month_parse("2024-06", 7, &m));
	return m;
}

static const char *const two_labels[] = { "sequence", "note" };
static const char *const row_a_labels[] = { "consecutive", "says \"hi\", twice" };
static const char *const row_b_labels[] = { "", "a;b" };
static const vr_decision_row rows[] = {
	{ "H-1", "home_visit", "", "p.vroeg:12", "", row_a_labels, 123456, 1, VR_DATE_NONE },
	{ "H-2", "excluded", "legal person", "p.vroeg:4", "", row_b_labels, 0, 0, VR_DATE_NONE },
};

START_TEST(csv_quotes_what_needs_quoting_and_nothing_else)
{
	const vr_decision_set set = { june(), two_labels, 2, rows, 2, NULL, NULL, false };
	char *text = print(&set, REPORT_CSV);
	ck_assert_str_eq(text,
		"month,household,bucket,reason,rule,overflowed_from,sequence,note,place,arrears\n"
		"2024-06,H-1,home_visit,,p.vroeg:12,,consecutive,\"says \"\"hi\"\", twice\",1,1234.56\n"
		"2024-06,H-2,excluded,legal person,p.vroeg:4,,,\"a;b\",,0.00\n");
	free(text);
}
END_TEST

START_TEST(json_escapes_quotes_and_gives_no_place_as_null)
{
	const vr_decision_set set = { june(), two_labels, 2, rows, 2, NULL, NULL, false };
	char *text = print(&set, REPORT_JSON);
	ck_assert_ptr_nonnull(strstr(text, "\"note\":\"says \\\"hi\\\", twice\",\"place\":1,\"arrears\":1234.56}\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"household\":\"H-2\""));
	ck_assert_ptr_nonnull(strstr(text, "\"place\":null,\"arrears\":0.00}\n"));
	free(text);
}
END_TEST

START_TEST(table_aligns_columns_and_leaves_no_trailing_blanks)
{
	const vr_decision_set set = { june(), two_labels, 2, rows, 2, NULL, NULL, false };
	char *text = print(&set, REPORT_TABLE);
	ck_assert_ptr_nonnull(strstr(text, "month    household  bucket      reason"));
	ck_assert_ptr_nonnull(strstr(text, "2024-06  H-2        excluded    legal person"));
	ck_assert_ptr_null(strstr(text, " \n"));
	free(text);
}
END_TEST

/* A policy with a contact term adds a `due` column after everything else,
 * in every format; a row without a due date leaves it empty (null). */
START_TEST(a_contact_term_adds_the_due_column_last)
{
	vr_decision_row with[2];
	memcpy(with, rows, sizeof with);
	vr_date_parse("2024-06-12", 10, &with[0].due);
	const vr_decision_set set = { june(), two_labels, 2, with, 2, NULL, NULL, true };
	char *text = print(&set, REPORT_CSV);
	ck_assert_str_eq(text,
		"month,household,bucket,reason,rule,overflowed_from,sequence,note,place,arrears,due\n"
		"2024-06,H-1,home_visit,,p.vroeg:12,,consecutive,\"says \"\"hi\"\", twice\",1,1234.56,2024-06-12\n"
		"2024-06,H-2,excluded,legal person,p.vroeg:4,,,\"a;b\",,0.00,\n");
	free(text);
	text = print(&set, REPORT_JSON);
	ck_assert_ptr_nonnull(strstr(text, "\"place\":1,\"arrears\":1234.56,\"due\":\"2024-06-12\"}\n"));
	ck_assert_ptr_nonnull(strstr(text, "\"place\":null,\"arrears\":0.00,\"due\":null}\n"));
	free(text);
	text = print(&set, REPORT_TABLE);
	ck_assert_ptr_nonnull(strstr(text, "arrears  due\n"));
	ck_assert_ptr_nonnull(strstr(text, "1234.56  2024-06-12\n"));
	ck_assert_ptr_null(strstr(text, " \n"));
	free(text);
	/* Without a term, a due date a row may hold is not printed. */
	const vr_decision_set none = { june(), two_labels, 2, with, 2, NULL, NULL, false };
	text = print(&none, REPORT_CSV);
	ck_assert_ptr_null(strstr(text, "due"));
	ck_assert_ptr_null(strstr(text, "2024-06-12"));
	free(text);
}
END_TEST

START_TEST(a_hundred_labels_are_all_printed)
{
	enum { N = 100 };
	char names[N][16], values[N][16];
	const char *name_ptrs[N], *value_ptrs[N];
	for (int l = 0; l < N; l++) {
		snprintf(names[l], sizeof names[l], "l%d", l);
		snprintf(values[l], sizeof values[l], "v%d", l);
		name_ptrs[l] = names[l];
		value_ptrs[l] = values[l];
	}
	const vr_decision_row row = { "H-1", "letter", "", "p.vroeg:3", "", value_ptrs, 100, 0, VR_DATE_NONE };
	const vr_decision_set set = { june(), name_ptrs, N, &row, 1, NULL, NULL, false };
	const enum report_format fmts[] = { REPORT_CSV, REPORT_JSON, REPORT_TABLE };
	for (size_t f = 0; f < 3; f++) {
		char *text = print(&set, fmts[f]);
		ck_assert_ptr_nonnull(strstr(text, "l99"));
		ck_assert_ptr_nonnull(strstr(text, "v99"));
		ck_assert_ptr_nonnull(strstr(text, "1.00"));
		free(text);
	}
	char *csv = print(&set, REPORT_CSV);
	ck_assert_ptr_nonnull(strstr(csv, ",l98,l99,place,arrears\n"));
	ck_assert_ptr_nonnull(strstr(csv, ",v98,v99,,1.00\n"));
	free(csv);
}
END_TEST

/* A row source for the made-on-demand form: rows[] again, one at a time. */
static void row_of(const void *source, size_t i, vr_decision_row *out)
{
	*out = ((const vr_decision_row *)source)[i];
}

START_TEST(rows_made_on_demand_print_as_stored_rows_do)
{
	const vr_decision_set stored = { june(), two_labels, 2, rows, 2, NULL, NULL, false };
	const vr_decision_set made = { june(), two_labels, 2, NULL, 2, row_of, rows, false };
	const enum report_format fmts[] = { REPORT_CSV, REPORT_JSON, REPORT_TABLE };
	for (size_t f = 0; f < 3; f++) {
		char *a = print(&stored, fmts[f]), *b = print(&made, fmts[f]);
		ck_assert_str_eq(a, b);
		free(a);
		free(b);
	}
}
END_TEST


/* P2 over June of the example city: a redirect after the rules, overflow
 * from two buckets. */
START_TEST(summary_columns_add_up_and_every_move_is_listed)
{
	diag d;
	diag_init(&d, stderr);
	store *s = store_open(":memory:", 0, &d);
	ck_assert_ptr_nonnull(s);
	FILE *in = fopen("examples/city/signals.csv", "rb");
	ck_assert_ptr_nonnull(in);
	store_import_counts counts;
	ck_assert_int_eq(store_import_signals(s, in, "signals.csv", &d, &counts), STORE_OK);
	fclose(in);
	size_t len = 0;
	char *text = NULL;
	in = fopen("rules/crisis-queue.vroeg", "rb");
	ck_assert_ptr_nonnull(in);
	static char policy[1 << 14];
	len = fread(policy, 1, sizeof policy, in);
	fclose(in);
	bc_program p;
	ck_assert(compile_policy("rules/crisis-queue.vroeg", policy, len, &d, &p));
	run_result r;
	ck_assert(run_evaluate(s, &p, june(), &d, &r));
	FILE *out = open_memstream(&text, &len);
	report_summary(out, &r, &p);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(text, "households  capacity  places  by rule  ovfl in  redir in  bkfl in  "
					   "no place  redir out  bkfl out        arrears\n"));
	int nbuckets = 0;
	for (char *line = strstr(text, "\ncrisis "); line && line[1] && line[1] != '\n'; line = strchr(line + 1, '\n')) {
		char name[64], cap[16], euros[32];
		long hh, places, by_rule, ovfl_in, redir_in, bkfl_in, no_place, redir_out, bkfl_out;
		ck_assert_int_eq(sscanf(line + 1, "%63s %ld %15s %ld %ld %ld %ld %ld %ld %ld %ld %31s", name, &hh, cap,
					&places, &by_rule, &ovfl_in, &redir_in, &bkfl_in, &no_place, &redir_out, &bkfl_out,
					euros), 12);
		ck_assert_msg(by_rule + ovfl_in + redir_in + bkfl_in - no_place - redir_out - bkfl_out == hh,
			      "%s does not add up", name);
		nbuckets++;
	}
	ck_assert_int_eq(nbuckets, 7);
	ck_assert_ptr_nonnull(strstr(text, "\nphone                  50        50      50      279        0         0"
					   "        0       109        120         0"));
	ck_assert_ptr_nonnull(strstr(text, "\nmoves                            households  why\n"
					   "home_visit -> mail                      363  no place (overflow)\n"
					   "phone -> letter                         109  no place (overflow)\n"
					   "phone -> mail                           120  no phone (redirect)\n"));
	free(text);
	run_result_free(&r);
	bc_program_free(&p);
	store_close(s);
}
END_TEST

/* Display columns of the first N bytes of S (UTF-8: a continuation byte
 * adds none). */
static size_t columns(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* The rule column as wide as the widest FILE:LINE: a policy under a long
 * absolute path (past the 255 bytes a cite was once cut to, with a
 * two-byte character in it) keeps the counts in one column and is shown
 * whole on every line. */
START_TEST(summary_rule_column_holds_a_long_path)
{
	char dir[] = "/tmp/vroeg-summary-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char deep[1024];
	snprintf(deep, sizeof deep, "%s/gemeente-\xc3\xa9\xc3\xa9n", dir);
	for (int i = 0; i < 6; i++)
		snprintf(deep + strlen(deep), sizeof deep - strlen(deep), "/schuldhulpverlening-vroegsignalering-%d", i);
	char policy[1200], out[16384];
	snprintf(policy, sizeof policy, "%s/crisis-queue.vroeg", deep);
	ck_assert_uint_gt(strlen(policy), 255);
	ck_assert_int_eq(shell(NULL, 0, "mkdir -p '%s' && cp rules/crisis-queue.vroeg '%s'", deep, policy), 0);
	ck_assert_int_eq(shell(out, sizeof out, "%s dry-run --signals examples/city/signals.csv --month 2024-06 "
			       "--summary '%s'", vroeg_bin(), policy), 0);
	const char *header = strstr(out, "\nrule ");
	ck_assert_ptr_nonnull(header);
	header++;
	const char *h = strstr(header, " households  decides\n");
	ck_assert_ptr_nonnull(h);
	/* Where the households column ends: after the header's word, and
	 * after each count. */
	const size_t end = columns(header, (size_t)(h - header) + strlen(" households"));
	int nrules = 0;
	for (const char *line = strchr(header, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
		ck_assert_msg(strncmp(line, policy, strlen(policy)) == 0, "not the whole path: %.80s", line);
		const char *to = strstr(line, "  -> "), *ex = strstr(line, "  excluded: ");
		const char *nl = strchr(line, '\n');
		const char *count_end = to && to < nl ? to : ex;
		ck_assert_ptr_nonnull(count_end);
		ck_assert(count_end < nl);
		ck_assert_uint_eq(columns(line, (size_t)(count_end - line)), end);
		nrules++;
	}
	ck_assert_int_eq(nrules, 11);
	ck_assert_int_eq(shell(NULL, 0, "rm -r '%s'", dir), 0);
}
END_TEST

/* Issue 14.2: decisions about households whose text came from a store a
 * hand changed (import refuses control characters, not formulas). */
static const char *const evil_labels[] = { "=cmd|calc!A1", "Noord\x1b[31m" };
static const vr_decision_row evil_rows[] = {
	{ "=HYPERLINK(\"http://x\";\"click\")", "home_visit", "", "p.vroeg:12", "", evil_labels, 70000, 1, VR_DATE_NONE },
	{ "H\x1b[2K\rH000001", "excluded", "@SUM(1)", "p.vroeg:4", "", evil_labels, 0, 0, VR_DATE_NONE },
	{ "P\xc2\x85\x7f\xe9", "letter", "", "p.vroeg:9", "", evil_labels, 1, 0, VR_DATE_NONE },
};

START_TEST(csv_hands_a_spreadsheet_no_formula_and_a_terminal_no_control)
{
	const vr_decision_set set = { june(), two_labels, 2, evil_rows, 3, NULL, NULL, false };
	char *text = print(&set, REPORT_CSV);
	ck_assert_str_eq(text,
		"month,household,bucket,reason,rule,overflowed_from,sequence,note,place,arrears\n"
		"2024-06,\"'=HYPERLINK(\"\"http://x\"\";\"\"click\"\")\",home_visit,,p.vroeg:12,,\"'=cmd|calc!A1\","
		"Noord\\x1b[31m,1,700.00\n"
		"2024-06,H\\x1b[2K\\rH000001,excluded,\"'@SUM(1)\",p.vroeg:4,,\"'=cmd|calc!A1\",Noord\\x1b[31m,,0.00\n"
		"2024-06,P\\u0085\\x7f\\xe9,letter,,p.vroeg:9,,\"'=cmd|calc!A1\",Noord\\x1b[31m,,0.01\n");
	free(text);
}
END_TEST

START_TEST(json_escapes_every_control_character)
{
	const vr_decision_set set = { june(), two_labels, 2, evil_rows, 3, NULL, NULL, false };
	char *text = print(&set, REPORT_JSON);
	ck_assert_ptr_nonnull(strstr(text, "\"household\":\"H\\u001b[2K\\u000dH000001\""));
	ck_assert_ptr_nonnull(strstr(text, "\"household\":\"P\\u0085\\u007f\\ufffd\""));
	ck_assert_ptr_nonnull(strstr(text, "\"note\":\"Noord\\u001b[31m\""));
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ck_assert_msg(*p >= 0x20 || *p == '\n', "a raw control byte 0x%02x in JSON", *p);
	ck_assert_ptr_null(strstr(text, "\x7f"));
	ck_assert_ptr_null(strstr(text, "\xc2\x85"));
	free(text);
	/* Layout characters and ordinary UTF-8: \u escapes and as they are. */
	const vr_decision_row r = { "a\xe2\x80\xae" "b\xe2\x80\xa8\xc3\xa9", "letter", "", "p.vroeg:9", "", evil_labels, 1, 0, VR_DATE_NONE };
	const vr_decision_set one = { june(), two_labels, 2, &r, 1, NULL, NULL, false };
	text = print(&one, REPORT_JSON);
	ck_assert_ptr_nonnull(strstr(text, "\"household\":\"a\\u202eb\\u2028\xc3\xa9\""));
	free(text);
}
END_TEST

START_TEST(table_shows_control_characters_escaped_and_aligned)
{
	const vr_decision_set set = { june(), two_labels, 2, evil_rows, 3, NULL, NULL, false };
	char *text = print(&set, REPORT_TABLE);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		ck_assert_msg(*p >= 0x20 || *p == '\n', "a raw control byte 0x%02x in the table", *p);
	ck_assert_ptr_null(strstr(text, "\x7f"));
	ck_assert_ptr_null(strstr(text, "\xc2\x85"));
	/* The widest household is the formula (30 columns); the escaped key
	 * (17 columns) is padded to it as shown, not as stored. */
	ck_assert_ptr_nonnull(strstr(text, "2024-06  H\\x1b[2K\\rH000001" "               excluded"));
	ck_assert_ptr_nonnull(strstr(text, "2024-06  P\\u0085\\x7f\\xe9" "                 letter"));
	free(text);
}
END_TEST

Suite *report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, csv_quotes_what_needs_quoting_and_nothing_else);
	tcase_add_test(tc, json_escapes_quotes_and_gives_no_place_as_null);
	tcase_add_test(tc, table_aligns_columns_and_leaves_no_trailing_blanks);
	tcase_add_test(tc, a_contact_term_adds_the_due_column_last);
	tcase_add_test(tc, a_hundred_labels_are_all_printed);
	tcase_add_test(tc, rows_made_on_demand_print_as_stored_rows_do);
	tcase_add_test(tc, summary_columns_add_up_and_every_move_is_listed);
	tcase_add_test(tc, summary_rule_column_holds_a_long_path);
	tcase_add_test(tc, csv_hands_a_spreadsheet_no_formula_and_a_terminal_no_control);
	tcase_add_test(tc, json_escapes_every_control_character);
	tcase_add_test(tc, table_shows_control_characters_escaped_and_aligned);
	suite_add_tcase(s, tc);
	return s;
}
