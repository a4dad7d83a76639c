/* check_import.c - importing signals and outcomes files: every kind of bad
 * row reported with its line and exact message, all-or-nothing files, both
 * dialects, BOM, header order, unknown and missing columns, identical
 * re-imports, conflicts, the busy store, and creditors' text: control
 * characters and invalid UTF-8 refused, input quoted escaped in messages. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "schema.h"
#include "store.h"
#include "support.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	strcpy(dir, "/tmp/vroeg-import-XXXXXX");
	temp_store(dir, path, sizeof path);
}

static void teardown(void)
{
	temp_store_remove(dir, path);
}

/* Compares texts line by line, so a failure names the first line that
 * differs instead of two long texts. */
static void expect_text(const char *got, const char *want)
{
	int line = 1;
	for (;;) {
		const char *g = strchr(got, '\n'), *w = strchr(want, '\n');
		const size_t glen = g ? (size_t)(g - got) : strlen(got);
		const size_t wlen = w ? (size_t)(w - want) : strlen(want);
		ck_assert_msg(glen == wlen && memcmp(got, want, glen) == 0,
			      "line %d of the diagnostics is\n  %.*s\nexpected\n  %.*s",
			      line, (int)glen, got, (int)wlen, want);
		if (!g || !w) {
			ck_assert_msg(!g && !w, "line %d: one text ends before the other", line);
			return;
		}
		got = g + 1;
		want = w + 1;
		line++;
	}
}

static FILE *text_file(const char *text)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	rewind(f);
	return f;
}

static enum store_status import_text(store *s, const char *name, const char *text,
				     bool outcomes, diag *d, store_import_counts *counts)
{
	FILE *in = text_file(text);
	const enum store_status st = outcomes ? store_import_outcomes(s, in, name, d, counts)
					      : store_import_signals(s, in, name, d, counts);
	fclose(in);
	return st;
}

static store *open_store(diag *d)
{
	store *s = store_open(path, 1000, d);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* Rows in TABLE (or a subquery), read through a connection of its own. */
static long count_rows(const char *table)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	char sql[512];
	ck_assert_int_lt(snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table), (int)sizeof sql);
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	const long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

static void expect_counts(const store_import_counts *c, long added, long identical, long rejected)
{
	ck_assert_int_eq(c->added, added);
	ck_assert_int_eq(c->identical, identical);
	ck_assert_int_eq(c->rejected, rejected);
}

static vr_month month(const char *text)
{
	vr_month m;
	ck_assert(vr_month_parse(text, strlen(text), &m));
	return m;
}

/* The one household of MONTH (asserted to be the only one) into *H, read
 * with a cursor that the caller closes. */
static store_cursor *only_household(store *s, const char *m, vr_household *h, diag *d)
{
	store_cursor *c = store_households(s, month(m), 0, VR_READ_ALL, VR_READ_ALL, d);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(store_cursor_next(c, h), 1);
	return c;
}

#define HEADER "signal_id,received,household,person,creditor,sector,kind,arrears," \
	"installment,installments_missed,days_overdue,legal_form,birth_date,district," \
	"has_phone,has_email,brp_match,known_debt_help\n"

START_TEST(a_good_file_is_stored_with_every_value)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "s.csv", HEADER
		"S1,2024-03-05,H1,P1,Menzis,health,cak,212.85,95.10,3,120,legal,1990-02-28,Centrum,1,0,1,1\n"
		"S2,2024-03-06,H1,,Vitens,water,,0,,,,,,,,,,\n",
		false, &c.d, &n), STORE_OK);
	expect_counts(&n, 2, 0, 0);
	expect_text(captured(&c), "");
	vr_household h;
	store_cursor *cur = only_household(s, "2024-03", &h, &c.d);
	ck_assert_str_eq(h.key, "H1");
	ck_assert_uint_eq(h.nsignals, 2);
	const vr_signal *a = &h.signals[0], *b = &h.signals[1];
	ck_assert_str_eq(a->signal_id, "S1");
	ck_assert_str_eq(a->person, "P1");
	ck_assert_str_eq(a->creditor, "Menzis");
	ck_assert_str_eq(a->district, "Centrum");
	ck_assert_int_eq(a->sector, SECTOR_HEALTH);
	ck_assert_int_eq(a->kind, KIND_CAK);
	ck_assert_int_eq(a->legal_form, LEGAL_LEGAL);
	ck_assert_int_eq(a->arrears, 21285);
	ck_assert_int_eq(a->installment, 9510);
	ck_assert_int_eq(a->installments_missed, 3);
	ck_assert_int_eq(a->days_overdue, 120);
	vr_date day;
	vr_date_parse("1990-02-28", 10, &day);
	ck_assert_int_eq(a->birth_date, day);
	vr_date_parse("2024-03-05", 10, &day);
	ck_assert_int_eq(a->received, day);
	ck_assert_int_eq(a->has_phone, 1);
	ck_assert_int_eq(a->has_email, 0);
	ck_assert_int_eq(a->brp_match, 1);
	ck_assert_int_eq(a->known_debt_help, 1);
	/* Empty optional fields: defaults and missing values. */
	ck_assert_str_eq(b->person, "H1");
	ck_assert_str_eq(b->district, "");
	ck_assert_int_eq(b->kind, KIND_EARLY);
	ck_assert_int_eq(b->legal_form, LEGAL_NATURAL);
	ck_assert_int_eq(b->arrears, 0);
	ck_assert(b->installment == VR_MISSING);
	ck_assert(b->installments_missed == VR_MISSING);
	ck_assert(b->days_overdue == VR_MISSING);
	ck_assert_int_eq(b->birth_date, VR_DATE_NONE);
	ck_assert_int_eq(b->brp_match, -1);
	ck_assert_int_eq(b->has_phone, 0);
	ck_assert_int_eq(b->has_email, 0);
	ck_assert_int_eq(b->known_debt_help, 0);
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(every_bad_row_is_reported_and_nothing_is_stored)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "bad.csv",
		"signal_id,received,household,creditor,sector,arrears,kind,days_overdue,has_phone,brp_match\n"
		"S1,2024-03-01,H1,Menzis,health,10.00,,,,\n"
		"S2,,H1,Menzis,health,10.00,,,,\n"
		"S3,2024-02-30,H1,Menzis,health,10.00,,,,\n"
		"S4,2024-03-01,H1,Menzis,health,-5.00,,,,\n"
		"S5,2024-03-01,H1,Menzis,health,12.345,,,,\n"
		"S6,2024-03-01,H1,Menzis,huur,1.00,,,,\n"
		"S7,2024-03-01,H1,Menzis,helth,1.00,,,,\n"
		"S8,2024-03-01,H1,Menzis,health,1.00,,-3,,\n"
		"S9,2024-03-01,H1,Menzis,health,1.00,,,yes,\n"
		"S10,2024-03-01,H1,Menzis,health,1.00,,,,2\n"
		"S11,2024-03-01,H1,Menzis,health,1.00\n"
		"S12,2024-03-01,H1,Menzis,health,1.00,later,,,\n"
		"\"S13\",2024-03-01,\"H1\nsecond line\",Menzis,health,1.00,,,,\n"
		"S14,2024-03-01,H1,,health,1.00,,,,\n"
		"S15,2024-3-01,H1,Menzis,health,1.00,,,,\n"
		"S16,2024-03-01,H1,Menzis,health,1,00,,,,\n"
		",2024-03-01,H1,Menzis,rent,EUR,x,1.5,0,\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"bad.csv:3: received: required but empty\n"
		"bad.csv:4: received: `2024-02-30` is not a date: expected YYYY-MM-DD, a real day\n"
		"bad.csv:5: arrears: `-5.00` is negative: amounts are 0 or more\n"
		"bad.csv:6: arrears: `12.345` is not an amount: expected euros with at most 2 decimals, like 212.85\n"
		"bad.csv:7: sector: unknown value `huur`; expected one of rent, mortgage, health, energy, water, municipal_tax, other\n"
		"bad.csv:8: sector: unknown value `helth` (did you mean `health`?); expected one of rent, mortgage, health, energy, water, municipal_tax, other\n"
		"bad.csv:9: days_overdue: `-3` is not a whole number (0 or more)\n"
		"bad.csv:10: has_phone: `yes` is not 0 or 1\n"
		"bad.csv:11: brp_match: `2` is not 0 or 1 (or empty: not checked)\n"
		"bad.csv:12: row: 6 fields, but the header has 10\n"
		"bad.csv:13: kind: unknown value `later`; expected one of early, end_of_supply, eviction, cak\n"
		"bad.csv:14: household: control character \\n in `H1\\nsecond line`: text may not hold control characters\n"
		"bad.csv:16: creditor: required but empty\n"
		"bad.csv:17: received: `2024-3-01` is not a date: expected YYYY-MM-DD, a real day\n"
		"bad.csv:18: row: 11 fields, but the header has 10\n"
		"bad.csv:19: signal_id: required but empty\n"
		"bad.csv:19: arrears: `EUR` is not an amount: expected euros with at most 2 decimals, like 212.85\n"
		"bad.csv:19: kind: unknown value `x`; expected one of early, end_of_supply, eviction, cak\n"
		"bad.csv:19: days_overdue: `1.5` is not a whole number (0 or more)\n");
	expect_counts(&n, 0, 0, 16);
	ck_assert_int_eq(c.d.errors, 19);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 0);
	ck_assert_int_eq(count_rows("month_households"), 0);
	ck_assert_int_eq(count_rows("imports"), 0);
	capture_end(&c);
}
END_TEST

/* An amount says what is wrong with it: a sign on zero, a negative amount,
 * one past the maximum a signal may have (EUR 1,000,000,000.00, so that no
 * sum of a month overflows), text that is no amount. Counts likewise. */
START_TEST(amounts_and_counts_past_their_maximum_are_named_as_such)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "big.csv",
		"signal_id,received,household,creditor,sector,arrears,installment,installments_missed,days_overdue\n"
		"B1,2024-06-03,HBIG,Alpha,rent,92233720368547749.99,,,\n"
		"B2,2024-06-04,HBIG,Beta,rent,1000000000.01,,,\n"
		"B3,2024-06-04,HBIG,Beta,rent,-0,,,\n"
		"B4,2024-06-04,HBIG,Beta,rent,-0.00,,,\n"
		"B5,2024-06-04,HBIG,Beta,rent,-12.5,,,\n"
		"B6,2024-06-04,HBIG,Beta,rent,-x,,,\n"
		"B7,2024-06-04,HBIG,Beta,rent,10,1000000001,,\n"
		"B8,2024-06-04,HBIG,Beta,rent,10,,1000000001,\n"
		"B9,2024-06-04,HBIG,Beta,rent,10,,,99999999999999999999999\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"big.csv:2: arrears: `92233720368547749.99` is more than the largest amount a signal may have, 1000000000.00\n"
		"big.csv:3: arrears: `1000000000.01` is more than the largest amount a signal may have, 1000000000.00\n"
		"big.csv:4: arrears: `-0` has a minus sign: amounts are written without a sign (write 0)\n"
		"big.csv:5: arrears: `-0.00` has a minus sign: amounts are written without a sign (write 0)\n"
		"big.csv:6: arrears: `-12.5` is negative: amounts are 0 or more\n"
		"big.csv:7: arrears: `-x` is not an amount: expected euros with at most 2 decimals, like 212.85\n"
		"big.csv:8: installment: `1000000001` is more than the largest amount a signal may have, 1000000000.00\n"
		"big.csv:9: installments_missed: `1000000001` is more than the largest number allowed, 1000000000\n"
		"big.csv:10: days_overdue: `99999999999999999999999` is more than the largest number allowed, 1000000000\n");
	expect_counts(&n, 0, 0, 9);
	ck_assert_int_eq(count_rows("signals"), 0);

	/* The maxima themselves are accepted, in either dialect. */
	capture_end(&c);
	capture_start(&c);
	ck_assert_int_eq(import_text(s, "max.csv",
		"signal_id;received;household;creditor;sector;arrears;installment;installments_missed;days_overdue\n"
		"M1;2024-06-03;HMAX;Alpha;rent;1000000000,00;1000000000;1000000000;1000000000\n"
		"M2;2024-06-04;HMAX;Beta;rent;-0,00;;;\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"max.csv:3: arrears: `-0,00` has a minus sign: amounts are written without a sign (write 0)\n");
	capture_end(&c);
	capture_start(&c);
	ck_assert_int_eq(import_text(s, "max.csv",
		"signal_id;received;household;creditor;sector;arrears;installment;installments_missed;days_overdue\n"
		"M1;2024-06-03;HMAX;Alpha;rent;1000000000,00;1000000000;1000000000;1000000000\n",
		false, &c.d, &n), STORE_OK);
	expect_counts(&n, 1, 0, 0);
	vr_household h;
	store_cursor *cur = only_household(s, "2024-06", &h, &c.d);
	ck_assert(h.signals[0].arrears == VR_CENTS_MAX);
	ck_assert(h.signals[0].installment == VR_CENTS_MAX);
	ck_assert(h.signals[0].installments_missed == VR_COUNT_MAX);
	ck_assert(h.signals[0].days_overdue == VR_COUNT_MAX);
	store_cursor_close(cur);
	expect_text(captured(&c), "");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(one_bad_row_among_many_stores_nothing)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	fputs("signal_id,received,household,creditor,sector,arrears\n", out);
	for (int i = 1; i <= 500; i++)
		fprintf(out, "S%d,2024-03-%02d,H%d,Menzis,health,%s\n", i, i % 28 + 1, i % 37,
			i == 321 ? "1.2.3" : "10.00");
	fclose(out);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "big.csv", text, false, &c.d, &n), STORE_DATA_ERROR);
	free(text);
	expect_text(captured(&c), "big.csv:322: arrears: `1.2.3` is not an amount: "
			 "expected euros with at most 2 decimals, like 212.85\n");
	expect_counts(&n, 0, 0, 1);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 0);
	ck_assert_int_eq(count_rows("month_households"), 0);
	capture_end(&c);
}
END_TEST

START_TEST(semicolon_dialect_with_comma_decimals_and_bom)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "nl.csv",
		"\xEF\xBB\xBFsignal_id;received;household;creditor;sector;arrears;installment\r\n"
		"S1;2024-03-01;H1;Woonbron;rent;212,85;\"1.000,00\"\r\n"
		"S2;2024-03-02;H1;\"Eneco; Zakelijk\";energy;212.85;\r\n"
		"S3;2024-03-03;H1;Vitens;water;7,5;\r\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), "nl.csv:2: installment: `1.000,00` is not an amount: "
			 "expected euros with at most 2 decimals, like 212,85 or 212.85\n");
	capture_end(&c);
	capture_start(&c);
	ck_assert_int_eq(import_text(s, "nl.csv",
		"\xEF\xBB\xBFsignal_id;received;household;creditor;sector;arrears;installment\r\n"
		"S1;2024-03-01;H1;Woonbron;rent;212,85;\"1000,00\"\r\n"
		"S2;2024-03-02;H1;\"Eneco; Zakelijk\";energy;212.85;\r\n"
		"S3;2024-03-03;H1;Vitens;water;7,5;\r\n",
		false, &c.d, &n), STORE_OK);
	expect_counts(&n, 3, 0, 0);
	expect_text(captured(&c), "");
	vr_household h;
	store_cursor *cur = only_household(s, "2024-03", &h, &c.d);
	ck_assert_uint_eq(h.nsignals, 3);
	ck_assert_int_eq(h.signals[0].arrears, 21285);
	ck_assert_int_eq(h.signals[0].installment, 100000);
	ck_assert_int_eq(h.signals[1].arrears, 21285);
	ck_assert_str_eq(h.signals[1].creditor, "Eneco; Zakelijk");
	ck_assert_int_eq(h.signals[2].arrears, 750);
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

/* A file as a Dutch spreadsheet saves it: BOM, CR LF, `;`, comma decimals,
 * quotes around a `;` and around "" pairs, empty lines at the end. */
START_TEST(a_dutch_spreadsheet_export)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	FILE *in = fopen("tests/data/store/nl-export.csv", "rb");
	ck_assert_msg(in != NULL, "run the tests from the repository root");
	store_import_counts n;
	ck_assert_int_eq(store_import_signals(s, in, "nl-export.csv", &c.d, &n), STORE_OK);
	fclose(in);
	expect_counts(&n, 3, 0, 0);
	expect_text(captured(&c), "");
	store_cursor *cur = store_households(s, month("2024-03"), 0, VR_READ_ALL, VR_READ_ALL, &c.d);
	vr_household h;
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "HH-0999");
	ck_assert_int_eq(h.signals[0].arrears, 103240);
	ck_assert_int_eq(h.signals[0].kind, KIND_CAK);
	ck_assert_str_eq(h.signals[0].district, "Oud \"Noord\"");
	ck_assert_int_eq(h.signals[0].brp_match, 0);
	ck_assert_int_eq(h.signals[0].known_debt_help, 1);
	ck_assert_int_eq(store_cursor_next(cur, &h), 1);
	ck_assert_str_eq(h.key, "HH-1001");
	ck_assert_uint_eq(h.nsignals, 2);
	ck_assert_str_eq(h.signals[0].signal_id, "W-2024-0001");
	ck_assert_int_eq(h.signals[0].arrears, 121200);
	ck_assert_str_eq(h.signals[0].person, "HH-1001");
	ck_assert_str_eq(h.signals[1].creditor, "Eneco; Zakelijk");
	ck_assert_int_eq(h.signals[1].kind, KIND_END_OF_SUPPLY);
	ck_assert_int_eq(h.signals[1].arrears, 21285);
	ck_assert_int_eq(h.signals[1].installment, 4550);
	ck_assert_int_eq(h.signals[1].brp_match, -1);
	ck_assert_int_eq(store_cursor_next(cur, &h), 0);
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(comma_dialect_refuses_comma_decimals)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "c.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S1,2024-03-01,H1,Menzis,health,\"212,85\"\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), "c.csv:2: arrears: `212,85` is not an amount: "
			 "expected euros with at most 2 decimals, like 212.85\n");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(header_in_any_order_and_unknown_columns_warned)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "o.csv",
		"arrears,remark,sector, household ,recieved2,creditor,received,signal_id\n"
		"5.00,hello,rent,H7,x,Woonbron,2024-03-09,S1\n",
		false, &c.d, &n), STORE_OK);
	expect_text(captured(&c),
		"vroeg: warning: o.csv:1: column `remark`: unknown column, ignored\n"
		"vroeg: warning: o.csv:1: column `recieved2`: unknown column, ignored (did you mean `received`?)\n");
	ck_assert_int_eq(c.d.warnings, 2);
	ck_assert_int_eq(c.d.errors, 0);
	expect_counts(&n, 1, 0, 0);
	vr_household h;
	store_cursor *cur = only_household(s, "2024-03", &h, &c.d);
	ck_assert_str_eq(h.key, "H7");
	ck_assert_int_eq(h.signals[0].arrears, 500);
	ck_assert_str_eq(h.signals[0].creditor, "Woonbron");
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(missing_required_columns_are_one_error)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "m.csv",
		"signal_id,household,creditor,arrears\n"
		"S1,H1,Menzis,1.00\n"
		"S2,H1,Menzis,oops\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"m.csv:1: header: missing required columns `received`, `sector`\n");
	ck_assert_int_eq(c.d.errors, 1);
	expect_counts(&n, 0, 0, 0);
	capture_end(&c);
	capture_start(&c);
	ck_assert_int_eq(import_text(s, "o.csv", "household,outcome\nH1,refused\n", true,
				     &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), "o.csv:1: header: missing required column `date`\n");
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 0);
	capture_end(&c);
}
END_TEST

START_TEST(a_column_named_twice_is_an_error)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "d.csv",
		"signal_id,received,household,creditor,sector,arrears,sector\n"
		"S1,2024-03-01,H1,Menzis,health,1.00,rent\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), "d.csv:1: header: column `sector` appears twice (fields 5 and 7)\n");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(an_empty_file_has_no_header)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "e.csv", "\n\n", false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), "e.csv:1: header: the file is empty; expected a header row naming the columns\n");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(a_header_only_file_adds_nothing)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "h.csv", HEADER "\n\n", false, &c.d, &n), STORE_OK);
	expect_counts(&n, 0, 0, 0);
	store_close(s);
	ck_assert_int_eq(count_rows("imports"), 0);
	capture_end(&c);
}
END_TEST

/* Unquoted blank cells are empty; quoted text and surrounding spaces of a
 * value are kept exactly (and then judged as written). */
START_TEST(whitespace_only_unquoted_fields_are_empty)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "w.csv",
		"signal_id;received;household;creditor;sector;arrears;kind;district;days_overdue\n"
		"S1;2024-03-01;H1;Menzis ;health;1,00;   ;\" \";\t\n"
		"S2;2024-03-01;H1;  ;health; 2,00;;;\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"w.csv:3: creditor: required but empty\n"
		"w.csv:3: arrears: ` 2,00` is not an amount: expected euros with at most 2 decimals, like 212,85 or 212.85\n");
	capture_end(&c);
	capture_start(&c);
	ck_assert_int_eq(import_text(s, "w.csv",
		"signal_id;received;household;creditor;sector;arrears;kind;district;days_overdue\n"
		"S1;2024-03-01;H1;Menzis ;health;1,00;   ;\" \";\t\n",
		false, &c.d, &n), STORE_OK);
	vr_household h;
	store_cursor *cur = only_household(s, "2024-03", &h, &c.d);
	ck_assert_str_eq(h.signals[0].creditor, "Menzis ");
	ck_assert_int_eq(h.signals[0].kind, KIND_EARLY);
	ck_assert_str_eq(h.signals[0].district, " ");
	ck_assert(h.signals[0].days_overdue == VR_MISSING);
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(text_must_be_utf8)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "latin1.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S1,2024-03-01,H1,Caf\xe9,other,1.00\n"
		"S2,2024-03-01,H1,Caf\xc3\xa9,other,1.00\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"latin1.csv:2: creditor: `Caf\\xe9` is not valid UTF-8 text (save the file as UTF-8)\n");
	expect_counts(&n, 0, 0, 1);
	store_close(s);
	capture_end(&c);
}
END_TEST

/* LEN bytes of TEXT (which may hold a NUL) imported as signals. */
static enum store_status import_bytes(store *s, const char *name, const char *text, size_t len,
				      diag *d, store_import_counts *counts)
{
	FILE *in = tmpfile();
	ck_assert_ptr_nonnull(in);
	ck_assert_uint_eq(fwrite(text, 1, len, in), len);
	rewind(in);
	const enum store_status st = store_import_signals(s, in, name, d, counts);
	fclose(in);
	return st;
}

/* Issue 14.2: a creditor's text cannot carry what rewrites a terminal line
 * or hides from a reader. Every text column of a signals file, each control
 * character kind (C0, DEL, C1), quoted or not: a precise row error, the
 * value quoted escaped, nothing stored. */
START_TEST(control_characters_in_text_are_refused)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "ctl.csv",
		"signal_id,received,household,person,creditor,sector,arrears,district\n"
		"S1,2024-03-01,H\x1b[2K\rH000001,,Menzis,health,1.00,\n"
		"S2\x7f,2024-03-01,H2,,Menzis,health,1.00,\n"
		"S3,2024-03-01,H3,P\xc2\x85,Menzis,health,1.00,\n"
		"S4,2024-03-01,H4,,\"Menzis\x07\",health,1.00,\n"
		"S5,2024-03-01,H5,,Menzis,health,1.00,Noord\tOost\n"
		"S6,2024-03-01,H6,,Menzis,health,1.00,\"Noord\tOost\"\n"
		"S7,2024-03-01,H7,,\"Woonstad\r\nRotterdam\",rent,1.00,\n"
		"S8,2024-03-01,H8,,Menzis\rZorg,health,1.00,\n"
		"S9,2024-03-01,H9,,Caf\xc3\xa9 \xe2\x82\xac \xc2\xa0,health,1.00,\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"ctl.csv:2: household: control character \\x1b in `H\\x1b[2K\\rH000001`: text may not hold control characters\n"
		"ctl.csv:3: signal_id: control character \\x7f in `S2\\x7f`: text may not hold control characters\n"
		"ctl.csv:4: person: control character \\u0085 in `P\\u0085`: text may not hold control characters\n"
		"ctl.csv:5: creditor: control character \\x07 in `Menzis\\x07`: text may not hold control characters\n"
		"ctl.csv:6: district: control character \\t in `Noord\\tOost`: text may not hold control characters"
		" (a tab only inside quotes)\n"
		"ctl.csv:8: creditor: control character \\r in `Woonstad\\r\\nRotterdam`: text may not hold control characters\n"
		"ctl.csv:10: creditor: control character \\r in `Menzis\\rZorg`: text may not hold control characters\n");
	/* S6 (a tab inside quotes) and S9 (accents, the euro sign, a no-break
	 * space: U+00A0 is past C1) are good rows of a refused file. */
	expect_counts(&n, 0, 0, 7);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 0);
	capture_end(&c);
}
END_TEST

START_TEST(a_tab_inside_quotes_is_kept)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "tab.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S1,2024-03-01,H1,\"Woonstad\tRotterdam\",rent,1.00\n",
		false, &c.d, &n), STORE_OK);
	vr_household h;
	store_cursor *cur = only_household(s, "2024-03", &h, &c.d);
	ck_assert_str_eq(h.signals[0].creditor, "Woonstad\tRotterdam");
	store_cursor_close(cur);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(a_nul_byte_in_text_is_refused_and_shown)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	static const char text[] = "signal_id,received,household,creditor,sector,arrears\n"
				   "S1,2024-03-01,H\0001,Menzis,health,1.00\n";
	ck_assert_int_eq(import_bytes(s, "nul.csv", text, sizeof text - 1, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"nul.csv:2: row: a NUL byte in a field\n"
		"nul.csv:2: household: control character \\x00 in `H\\x001`: text may not hold control characters\n");
	expect_counts(&n, 0, 0, 1);
	store_close(s);
	capture_end(&c);
}
END_TEST

/* What is not UTF-8: a lone continuation byte, an overlong form, a
 * surrogate, past U+10FFFF, a sequence cut at the end of the field. */
START_TEST(every_kind_of_invalid_utf8_is_refused)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "u.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S1,2024-03-01,H1,A\x80,other,1.00\n"
		"S2,2024-03-01,H1,A\xc0\xaf,other,1.00\n"
		"S3,2024-03-01,H1,A\xed\xa0\x80,other,1.00\n"
		"S4,2024-03-01,H1,A\xf4\x90\x80\x80,other,1.00\n"
		"S5,2024-03-01,H1,A\xe2\x82,other,1.00\n"
		"S6,2024-03-01,H1,\xf0\x9f\x98\x80,other,1.00\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"u.csv:2: creditor: `A\\x80` is not valid UTF-8 text (save the file as UTF-8)\n"
		"u.csv:3: creditor: `A\\xc0\\xaf` is not valid UTF-8 text (save the file as UTF-8)\n"
		"u.csv:4: creditor: `A\\xed\\xa0\\x80` is not valid UTF-8 text (save the file as UTF-8)\n"
		"u.csv:5: creditor: `A\\xf4\\x90\\x80\\x80` is not valid UTF-8 text (save the file as UTF-8)\n"
		"u.csv:6: creditor: `A\\xe2\\x82` is not valid UTF-8 text (save the file as UTF-8)\n");
	expect_counts(&n, 0, 0, 5);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(outcomes_text_is_checked_too)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "o.csv",
		"household,date,outcome,signal_id\n"
		"H1\x1b,2024-03-01,refused,\n"
		"H2,2024-03-01,refused,S\x9b\n",
		true, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"o.csv:2: household: control character \\x1b in `H1\\x1b`: text may not hold control characters\n"
		"o.csv:3: signal_id: `S\\x9b` is not valid UTF-8 text (save the file as UTF-8)\n");
	expect_counts(&n, 0, 0, 2);
	store_close(s);
	ck_assert_int_eq(count_rows("outcomes"), 0);
	capture_end(&c);
}
END_TEST

/* Every message that quotes input shows it escaped: values of other
 * columns, unknown column names, enum values; long values are cut. */
START_TEST(messages_quote_input_escaped)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	char long_value[400];
	memset(long_value, 'x', sizeof long_value - 1);
	long_value[sizeof long_value - 1] = '\0';
	char text[2048];
	snprintf(text, sizeof text,
		 "signal_id,received,household,creditor,sector,arrears,wijk\x1b[31m,days_overdue\n"
		 "S1,2024-03-01\r,H1,Menzis,health\x1b,1.00,,1\x07\n"
		 "S2,2024-03-01,H1,Menzis,%s,1.00,,\n", long_value);
	ck_assert_int_eq(import_text(s, "m.csv", text, false, &c.d, &n), STORE_DATA_ERROR);
	char want[2048];
	snprintf(want, sizeof want,
		 "vroeg: warning: m.csv:1: column `wijk\\x1b[31m`: unknown column, ignored\n"
		 "m.csv:2: received: `2024-03-01\\r` is not a date: expected YYYY-MM-DD, a real day\n"
		 "m.csv:2: sector: unknown value `health\\x1b` (did you mean `health`?); expected one of rent, mortgage, health, energy, water, municipal_tax, other\n"
		 "m.csv:2: days_overdue: `1\\x07` is not a whole number (0 or more)\n"
		 "m.csv:3: sector: unknown value `%.252s...`; expected one of rent, mortgage, health, energy, water, municipal_tax, other\n",
		 long_value);
	expect_text(captured(&c), want);
	store_close(s);
	capture_end(&c);
}
END_TEST

/* The file name a message gives may be a creditor's choice too. */
START_TEST(a_file_name_is_shown_escaped)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "in\x1b[2Kbox.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S1,2024-03-01,H1,Menzis,huur,1.00\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"in\\x1b[2Kbox.csv:2: sector: unknown value `huur`; expected one of rent, mortgage, health, energy, water, municipal_tax, other\n");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(csv_problems_are_row_problems)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "q.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S1,2024-03-01,H1,\"Menzis\" zorg,health,1.00\n"
		"S2,2024-03-01,H1,\"Vitens,water,1.00\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"q.csv:2: row: text after a closing quote\n"
		"q.csv:3: row: a quoted field that is never closed\n"
		"q.csv:3: row: 4 fields, but the header has 6\n");
	expect_counts(&n, 0, 0, 2);
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(a_quote_never_closed_in_a_big_file_stops_the_import)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	fputs("signal_id,received,household,creditor,sector,arrears\n"
	      "S1,2024-03-01,H1,Menzis,health,1.00\n"
	      "S2,2024-03-01,H1,\"Menzis,health,1.00\n", out);
	for (int i = 3; i < 40000; i++)
		fprintf(out, "S%d,2024-03-01,H%d,Menzis,health,1.00\n", i, i);
	fclose(out);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "r.csv", text, false, &c.d, &n), STORE_DATA_ERROR);
	free(text);
	expect_text(captured(&c),
		"r.csv:3: row: a record longer than 1 MiB (is a quote never closed?)\n");
	expect_counts(&n, 0, 0, 1);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 0);
	capture_end(&c);
}
END_TEST

static const char *const three_rows =
	"signal_id,received,household,creditor,sector,arrears,person\n"
	"S1,2024-03-01,H1,Menzis,health,1.00,\n"
	"S2,2024-03-02,H2,Vitens,water,2.00,P2\n"
	"S3,2024-03-03,H3,Eneco,energy,3.00,H3\n";

START_TEST(importing_the_same_file_twice_changes_nothing)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 3, 0, 0);
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 0, 3, 0);
	/* The same signals written another way: defaults spelt out, the
	 * person equal to the household given or left out. */
	ck_assert_int_eq(import_text(s, "b.csv",
		"signal_id,received,household,creditor,sector,arrears,person,kind,legal_form,has_phone,district\n"
		"S1,2024-03-01,H1,Menzis,health,1,H1,early,natural,0,\n"
		"S3,2024-03-03,H3,Eneco,energy,3.0,,,,,\n"
		"S4,2024-03-04,H4,Eneco,energy,3.00,,,,,\n",
		false, &c.d, &n), STORE_OK);
	expect_counts(&n, 1, 2, 0);
	expect_text(captured(&c), "");
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 4);
	ck_assert_int_eq(count_rows("imports"), 2);
	capture_end(&c);
}
END_TEST

START_TEST(a_conflict_with_the_store_is_refused_and_nothing_stored)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "jan.csv", three_rows, false, &c.d, &n), STORE_OK);
	ck_assert_int_eq(import_text(s, "feb.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S9,2024-03-09,H9,Menzis,health,1.00\n"
		"S2,2024-03-02,H2,Vitens,water,2.50\n"
		"S5,2024-03-05,H5,Vitens,water,2.5.0\n"
		"S1,2024-03-01,H1,Menzis,rent,1.00\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	/* In line order, though conflicts are found when a batch is stored. */
	expect_text(captured(&c),
		"feb.csv:3: signal_id: `S2` is stored already (from jan.csv, line 3) with another person, arrears\n"
		"feb.csv:4: arrears: `2.5.0` is not an amount: expected euros with at most 2 decimals, like 212.85\n"
		"feb.csv:5: signal_id: `S1` is stored already (from jan.csv, line 2) with another sector\n");
	expect_counts(&n, 0, 0, 3);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 3);
	ck_assert_int_eq(count_rows("imports"), 1);
	capture_end(&c);
}
END_TEST

START_TEST(a_signal_twice_in_one_file)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "dup.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S1,2024-03-01,H1,Menzis,health,1.00\n"
		"S1,2024-03-01,H1,Menzis,health,1.00\n",
		false, &c.d, &n), STORE_OK);
	expect_counts(&n, 1, 1, 0);
	ck_assert_int_eq(import_text(s, "dup2.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S2,2024-03-01,H1,Menzis,health,1.00\n"
		"S2,2024-03-01,H1,Menzis,health,2.00\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), "dup2.csv:3: signal_id: `S2` is also on line 2, with another arrears\n");
	expect_counts(&n, 0, 0, 1);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 1);
	capture_end(&c);
}
END_TEST

/* Import inserts signals in batches; a stored id in the middle of a batch
 * must leave the counts exact. */
START_TEST(duplicates_inside_a_batch_are_counted_exactly)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	fputs("signal_id,received,household,creditor,sector,arrears\n", out);
	for (int i = 0; i < 300; i++) {
		const int id = i == 40 || i == 200 ? i - 30 : i; /* rows 40 and 200 repeat 10 and 170 */
		fprintf(out, "S%03d,2024-03-01,H%d,Menzis,health,1.00\n", id, id % 50);
	}
	fclose(out);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "b.csv", text, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 298, 2, 0);
	ck_assert_int_eq(import_text(s, "b.csv", text, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 0, 300, 0);
	free(text);
	expect_text(captured(&c), "");
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 298);
	ck_assert_int_eq(count_rows("month_households"), 50);
	capture_end(&c);
}
END_TEST

/* A file of several batches with problems scattered through it: bad rows,
 * conflicts with the store and within the file, identical repeats, an id
 * reused after a bad row, households in no order. Import stores a batch
 * sorted by key, yet every message comes in line order, the first row of an
 * id in the file is the one a repeat is compared with, and the counts are
 * exact. */
enum { SCATTER_BASE = 100 };

/* The store's signals B000..B099, from base.csv (B0k on line k + 2). */
static void import_base(store *s, diag *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	fputs("signal_id,received,household,creditor,sector,arrears\n", out);
	for (int k = 0; k < SCATTER_BASE; k++)
		fprintf(out, "B%03d,2024-02-%02d,H%d,Menzis,health,%d.00\n", k, 1 + k % 28, k * 37 % 1000, k);
	fclose(out);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "base.csv", text, false, d, &n), STORE_OK);
	expect_counts(&n, SCATTER_BASE, 0, 0);
	free(text);
}

/* What a scattered file holds and what importing it must report. */
typedef struct scatter {
	char *text, *want;
	long added, identical, rejected;
} scatter;

/* A file of ROWS data rows; with PROBLEMS, bad rows and conflicts too. */
static void make_scatter(scatter *sc, int rows, bool problems)
{
	size_t tlen = 0, wlen = 0;
	FILE *t = open_memstream(&sc->text, &tlen), *w = open_memstream(&sc->want, &wlen);
	sc->added = sc->identical = sc->rejected = 0;
	fputs("signal_id,received,household,creditor,sector,arrears\n", t);
	/* Rows added so far (id N<i>, its line and household), and ids of bad rows. */
	int *added = calloc((size_t)rows, sizeof *added), *bad = calloc((size_t)rows, sizeof *bad);
	ck_assert(added && bad);
	int nadded = 0, nbad = 0;
	uint32_t x = 2024;
	for (int i = 0; i < rows; i++) {
		const long line = i + 2;
		x = x * 1103515245u + 12345u;
		const unsigned pick = (x >> 16) % 100, other = (x >> 4) % 4096;
		const int household = (int)((x >> 8) % 5000), day = 1 + (int)(other % 28);
		if (problems && pick < 3) {         /* two problems in one row, in field order */
			fprintf(t, "N%d,2024-02-30,H%d,Menzis,helth,1.00\n", i, household);
			fprintf(w, "big.csv:%ld: received: `2024-02-30` is not a date: expected YYYY-MM-DD, a real day\n"
				"big.csv:%ld: sector: unknown value `helth` (did you mean `health`?); expected one of "
				"rent, mortgage, health, energy, water, municipal_tax, other\n", line, line);
			bad[nbad++] = i;
			sc->rejected++;
		} else if (problems && pick < 6) {  /* a conflict with the store */
			const int k = (int)(other % SCATTER_BASE);
			const bool moved = other & 1;
			fprintf(t, "B%03d,2024-02-%02d,H%d,Menzis,health,%d.%s\n", k, 1 + k % 28,
				moved ? k * 37 % 1000 + 1 : k * 37 % 1000, k, moved ? "00" : "01");
			fprintf(w, "big.csv:%ld: signal_id: `B%03d` is stored already (from base.csv, line %d) "
				"with another %s\n", line, k, k + 2, moved ? "household" : "arrears");
			sc->rejected++;
		} else if (pick < 9) {              /* identical to the store */
			const int k = (int)(other % SCATTER_BASE);
			fprintf(t, "B%03d,2024-02-%02d,H%d,Menzis,health,%d.00\n", k, 1 + k % 28, k * 37 % 1000, k);
			sc->identical++;
		} else if (problems && pick < 12 && nadded) {
			/* An id earlier in the file, with a household that sorts before
			 * the first one's: still the later line is the conflict. */
			const int j = added[other % (unsigned)nadded];
			fprintf(t, "N%d,2024-01-%02d,A%d,Menzis,health,1.00\n", j, 1 + j % 28, j % 5000);
			fprintf(w, "big.csv:%ld: signal_id: `N%d` is also on line %d, with another household\n",
				line, j, j + 2);
			sc->rejected++;
		} else if (pick < 15 && nadded) {   /* identical to a row earlier in the file */
			const int j = added[other % (unsigned)nadded];
			fprintf(t, "N%d,2024-01-%02d,H%d,Menzis,health,1.00\n", j, 1 + j % 28, j % 5000);
			sc->identical++;
		} else if (pick < 17 && nbad) {     /* the id of an earlier bad row, now good */
			const int j = bad[--nbad];
			fprintf(t, "N%d,2024-03-%02d,H%d,Eneco,energy,2.00\n", j, day, household);
			sc->added++;
		} else {                            /* a new signal, from a household in no order */
			fprintf(t, "N%d,2024-01-%02d,H%d,Menzis,health,1.00\n", i, 1 + i % 28, i % 5000);
			added[nadded++] = i;
			sc->added++;
		}
	}
	free(added);
	free(bad);
	fclose(t);
	fclose(w);
}

START_TEST(messages_come_in_line_order_across_batches)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	import_base(s, &c.d);
	scatter sc;
	make_scatter(&sc, 3 * SCHEMA_IMPORT_BATCH + SCHEMA_IMPORT_BATCH / 2 + 7, true);
	ck_assert_int_gt(sc.rejected, 10);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "big.csv", sc.text, false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), sc.want);
	expect_counts(&n, 0, sc.identical, sc.rejected);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), SCATTER_BASE);
	ck_assert_int_eq(count_rows("month_households"), count_rows("(SELECT DISTINCT household FROM signals)"));
	ck_assert_int_eq(count_rows("imports"), 1);
	free(sc.text);
	free(sc.want);
	capture_end(&c);
}
END_TEST

/* The same without problems: everything stored, each month's households
 * exactly those with a signal received in it. */
START_TEST(a_file_of_several_batches_in_no_order_is_stored_whole)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	import_base(s, &c.d);
	scatter sc;
	make_scatter(&sc, 3 * SCHEMA_IMPORT_BATCH + SCHEMA_IMPORT_BATCH / 2 + 7, false);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "big.csv", sc.text, false, &c.d, &n), STORE_OK);
	expect_text(captured(&c), "");
	expect_counts(&n, sc.added, sc.identical, 0);
	ck_assert_int_eq(import_text(s, "big.csv", sc.text, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 0, sc.added + sc.identical, 0);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), SCATTER_BASE + sc.added);
	ck_assert_int_eq(count_rows("(SELECT substr(received, 1, 7), household FROM signals "
				    "EXCEPT SELECT month, household FROM month_households)"), 0);
	ck_assert_int_eq(count_rows("(SELECT month, household FROM month_households EXCEPT "
				    "SELECT substr(received, 1, 7), household FROM signals)"), 0);
	ck_assert_int_eq(count_rows("month_households"),
			 count_rows("(SELECT DISTINCT substr(received, 1, 7), household FROM signals)"));
	free(sc.text);
	free(sc.want);
	capture_end(&c);
}
END_TEST

/* A batch also ends when its rows fill 16 MiB (long text) or its messages
 * 4 MiB: order and repeats hold across those ends too. */
START_TEST(batches_ended_by_long_text_or_many_messages_keep_line_order)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	char *text = NULL, *want = NULL;
	size_t tlen = 0, wlen = 0;
	FILE *t = open_memstream(&text, &tlen), *w = open_memstream(&want, &wlen);
	fputs("signal_id,received,household,creditor,sector,arrears,district\n", t);
	char *district = malloc(200001);
	ck_assert_ptr_nonnull(district);
	memset(district, 'd', 200000);
	district[200000] = '\0';
	long line = 2;
	/* 120 rows of 200 kB: 24 MB, batches of about 80 rows. */
	for (int i = 0; i < 120; i++, line++) {
		if (i % 40 == 39) {          /* the id of line 2 + i - 30, a household sorting first */
			fprintf(t, "L%d,2024-03-01,A%d,Menzis,health,1.00,%s\n", i - 30, i, district);
			fprintf(w, "big.csv:%ld: signal_id: `L%d` is also on line %ld, with another household\n",
				line, i - 30, line - 30);
		} else if (i % 25 == 7) {
			fprintf(t, "L%d,2024-03-01,H%d,Menzis,health,-1,%s\n", i, i, district);
			fprintf(w, "big.csv:%ld: arrears: `-1` is negative: amounts are 0 or more\n", line);
		} else {
			fprintf(t, "L%d,2024-03-01,H%d,Menzis,health,1.00,%s\n", i, i, district);
		}
	}
	free(district);
	/* 20,000 rows with a long unknown sector, 6 MB of messages, among
	 * good rows and a conflict with an earlier line now and then. */
	char sector[201];
	memset(sector, 's', 200);
	sector[200] = '\0';
	for (int i = 0; i < 40000; i++, line++) {
		if (i % 2) {
			fprintf(t, "M%d,2024-03-02,H%d,Menzis,%s,1.00,\n", i, i, sector);
			fprintf(w, "big.csv:%ld: sector: unknown value `%.*s`; expected one of rent, mortgage, "
				"health, energy, water, municipal_tax, other\n", line, 200, sector);
		} else if (i % 1000 == 500) {
			fprintf(t, "M%d,2024-03-02,H%d,Menzis,health,2.00,\n", i - 100, i - 100);
			fprintf(w, "big.csv:%ld: signal_id: `M%d` is also on line %ld, with another arrears\n",
				line, i - 100, line - 100);
		} else {
			fprintf(t, "M%d,2024-03-02,H%d,Menzis,health,1.00,\n", i, i);
		}
	}
	fclose(t);
	fclose(w);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "big.csv", text, false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c), want);
	expect_counts(&n, 0, 0, 3 + 5 + 20000 + 40);
	free(text);
	free(want);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 0);
	capture_end(&c);
}
END_TEST

START_TEST(outcomes_are_imported_and_reimports_are_identical)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	const char *const outcomes =
		"outcome;date;household;signal_id\n"
		"refused;2024-02-10;H1;S1\n"
		"not_reached;2024-02-10;H1;\n"
		"refused;2024-02-10;H1;S1\n";
	ck_assert_int_eq(import_text(s, "o.csv", outcomes, true, &c.d, &n), STORE_OK);
	expect_counts(&n, 2, 1, 0);
	ck_assert_int_eq(import_text(s, "o.csv", outcomes, true, &c.d, &n), STORE_OK);
	expect_counts(&n, 0, 3, 0);
	ck_assert_int_eq(import_text(s, "o2.csv",
		"household,date,outcome\n"
		"H1,2024-02-31,refused\n"
		"H1,2024-02-11,refusd\n"
		",2024-02-11,deceased\n",
		true, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"o2.csv:2: date: `2024-02-31` is not a date: expected YYYY-MM-DD, a real day\n"
		"o2.csv:3: outcome: unknown value `refusd` (did you mean `refused`?); expected one of "
		"not_picked_up, not_reached, reached_no_help, refused, help_accepted, already_known, "
		"wrongly_reported, deceased\n"
		"o2.csv:4: household: required but empty\n");
	expect_counts(&n, 0, 0, 3);
	store_close(s);
	ck_assert_int_eq(count_rows("outcomes"), 2);
	capture_end(&c);
}
END_TEST

START_TEST(an_import_waits_for_a_busy_store_then_says_so)
{
	capture c;
	capture_start(&c);
	store *holder = open_store(&c.d);
	store *s = store_open(path, 50, &c.d);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(store_begin(holder, &c.d), STORE_OK);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_BUSY);
	char want[512];
	snprintf(want, sizeof want, "vroeg: the store %s is busy: another vroeg command (import, run, feedback, purge, forget) or another program holds it "
		 "(waited 50 ms); try again later\n", path);
	expect_text(captured(&c), want);
	expect_counts(&n, 0, 0, 0);
	store_rollback(holder);
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 3, 0, 0);
	store_close(s);
	store_close(holder);
	capture_end(&c);
}
END_TEST

/* Inside a run's transaction (store_begin), an import nests and still is
 * all or nothing. */
START_TEST(an_import_inside_a_transaction_nests)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	ck_assert_int_eq(store_begin(s, &c.d), STORE_OK);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_OK);
	ck_assert_int_eq(import_text(s, "b.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S7,2024-03-01,H1,Menzis,health,1.00\n"
		"S8,2024-03-01,H1,Menzis,health,x\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	ck_assert_int_eq(store_commit(s, &c.d), STORE_OK);
	store_close(s);
	ck_assert_int_eq(count_rows("signals"), 3);
	capture_end(&c);
}
END_TEST

/* The journal mode of the store at PATH, as a new connection finds it. */
static void expect_journal_mode(sqlite3 *db, const char *want)
{
	sqlite3_stmt *st;
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
}

static void expect_stored_journal_mode(const char *want)
{
	sqlite3 *db;
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	expect_journal_mode(db, want);
	sqlite3_close(db);
}

/* The first import into a store writes with a rollback journal (each page
 * once), every later one with the WAL; the store is left in WAL mode. */
START_TEST(only_an_import_into_a_store_without_signals_leaves_the_wal)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	ck_assert(schema_bulk_begin(s));
	expect_journal_mode(s->db, "delete");
	schema_bulk_end(s);
	expect_journal_mode(s->db, "wal");
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 3, 0, 0);
	expect_stored_journal_mode("wal");
	ck_assert(!schema_bulk_begin(s));
	expect_journal_mode(s->db, "wal");
	store_close(s);
	ck_assert_str_eq(captured(&c), "");
	capture_end(&c);
}
END_TEST

/* With another connection in the store (a dry-run reading it), the first
 * import does not wait for it: it keeps the WAL and goes ahead. */
START_TEST(a_first_import_beside_a_reader_keeps_the_wal)
{
	capture c;
	capture_start(&c);
	store *reader = open_store(&c.d);
	store *s = open_store(&c.d);
	ck_assert(!schema_bulk_begin(s));
	expect_journal_mode(s->db, "wal");
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 3, 0, 0);
	store_close(s);
	store_close(reader);
	ck_assert_str_eq(captured(&c), "");
	capture_end(&c);
	ck_assert_int_eq(count_rows("signals"), 3);
	expect_stored_journal_mode("wal");
}
END_TEST

/* A first import that fails (here a bad row) leaves the store in WAL mode
 * and without a journal beside it. */
START_TEST(a_failed_first_import_leaves_the_wal_on)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "b.csv",
		"signal_id,received,household,creditor,sector,arrears\n"
		"S7,2024-03-01,H1,Menzis,health,1.00\n"
		"S8,2024-03-01,H1,Menzis,health,x\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	store_close(s);
	capture_end(&c);
	ck_assert_int_eq(count_rows("signals"), 0);
	expect_stored_journal_mode("wal");
	char journal[sizeof path + 16];
	snprintf(journal, sizeof journal, "%s-journal", path);
	ck_assert_int_ne(access(journal, F_OK), 0);
}
END_TEST

/* A first import cut off after it began to write into the store file (a
 * kill, a power cut) leaves a hot journal: a reader may not undo it and
 * says what will; the next import undoes it and goes on in WAL mode. The
 * cut is made in a child process that writes as the first import does and
 * ends without committing. */
START_TEST(a_first_import_cut_off_is_undone_by_the_next_writer)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_close(s);
	const pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		sqlite3 *db;
		if (sqlite3_open(path, &db) != SQLITE_OK ||
		    sqlite3_exec(db, "PRAGMA journal_mode = DELETE; PRAGMA cache_size = 2; BEGIN; "
				 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
				 "INSERT INTO month_households SELECT '2024-05', 'cut' || i FROM n;",
				 NULL, NULL, NULL) != SQLITE_OK)
			_exit(1);
		_exit(0);   /* no commit, no rollback: cut off */
	}
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char journal[sizeof path + 16];
	snprintf(journal, sizeof journal, "%s-journal", path);
	ck_assert_int_eq(access(journal, F_OK), 0);
	store *reader = NULL;
	ck_assert_int_eq(store_connect(path, STORE_READ_ONLY, 100, &reader, &c.d), STORE_IO_ERROR);
	ck_assert_ptr_null(reader);
	ck_assert_ptr_nonnull(strstr(captured(&c), "a write to it was cut off (its -journal file holds what to "
					  "undo), which a command that only reads may not undo: run the import again"));
	s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "a.csv", three_rows, false, &c.d, &n), STORE_OK);
	expect_counts(&n, 3, 0, 0);
	store_close(s);
	capture_end(&c);
	ck_assert_int_eq(count_rows("month_households WHERE household LIKE 'cut%'"), 0);
	ck_assert_int_eq(count_rows("signals"), 3);
	expect_stored_journal_mode("wal");
	ck_assert_int_ne(access(journal, F_OK), 0);
}
END_TEST

START_TEST(a_hundred_thousand_unknown_columns_are_told_in_a_few_lines)
{
	/* The header alone, a little under the record limit. */
	enum { UNKNOWN = 100000 };
	size_t size = (size_t)UNKNOWN * 10 + 256, len = 0;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text + len, size - len, "signal_id,received,household,creditor,sector,arrears");
	for (int i = 0; i < UNKNOWN; i++)
		len += (size_t)snprintf(text + len, size - len, i == 3 ? ", " : ",c%d", i);
	snprintf(text + len, size - len, "\n");
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "u.csv", text, false, &c.d, &n), STORE_OK);
	expect_text(captured(&c),
		"vroeg: warning: u.csv:1: column `c0`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column `c1`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column `c2`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column 10: has no name, ignored\n"
		"vroeg: warning: u.csv:1: column `c4`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column `c5`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column `c6`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column `c7`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column `c8`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: column `c9`: unknown column, ignored\n"
		"vroeg: warning: u.csv:1: ... and 99990 more unknown columns, ignored\n");
	ck_assert_int_eq(c.d.warnings, 11);
	store_close(s);
	capture_end(&c);
	free(text);
}
END_TEST

START_TEST(a_column_named_many_times_is_one_error)
{
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	ck_assert_int_eq(import_text(s, "d.csv",
		"signal_id,received,household,creditor,sector,arrears,sector,sector,arrears,sector\n",
		false, &c.d, &n), STORE_DATA_ERROR);
	expect_text(captured(&c),
		"d.csv:1: header: column `sector` appears twice (fields 5 and 7)\n"
		"d.csv:1: header: column `arrears` appears twice (fields 6 and 9)\n");
	store_close(s);
	capture_end(&c);
}
END_TEST

START_TEST(a_utf16_file_is_named_as_such)
{
	/* "signal_id,..." as a spreadsheet saves "Unicode text": UTF-16 with a mark. */
	static const char head[] = "signal_id,received,household,creditor,sector,arrears\n";
	char text[2 * sizeof head + 2] = "\xff\xfe";
	for (size_t i = 0; i + 1 < sizeof head; i++) {
		text[2 + 2 * i] = head[i];
		text[3 + 2 * i] = '\0';
	}
	capture c;
	capture_start(&c);
	store *s = open_store(&c.d);
	store_import_counts n;
	FILE *in = tmpfile();
	ck_assert_ptr_nonnull(in);
	fwrite(text, 1, 2 * sizeof head, in);
	rewind(in);
	ck_assert_int_eq(store_import_signals(s, in, "w.csv", &c.d, &n), STORE_DATA_ERROR);
	fclose(in);
	expect_text(captured(&c),
		"w.csv:1: header: the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8\n");
	store_close(s);
	capture_end(&c);
}
END_TEST

Suite *import_suite(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);   /* files of several batches, under ASan too */
	tcase_add_test(tc, a_good_file_is_stored_with_every_value);
	tcase_add_test(tc, every_bad_row_is_reported_and_nothing_is_stored);
	tcase_add_test(tc, amounts_and_counts_past_their_maximum_are_named_as_such);
	tcase_add_test(tc, one_bad_row_among_many_stores_nothing);
	tcase_add_test(tc, semicolon_dialect_with_comma_decimals_and_bom);
	tcase_add_test(tc, a_dutch_spreadsheet_export);
	tcase_add_test(tc, comma_dialect_refuses_comma_decimals);
	tcase_add_test(tc, header_in_any_order_and_unknown_columns_warned);
	tcase_add_test(tc, missing_required_columns_are_one_error);
	tcase_add_test(tc, a_column_named_twice_is_an_error);
	tcase_add_test(tc, a_hundred_thousand_unknown_columns_are_told_in_a_few_lines);
	tcase_add_test(tc, a_column_named_many_times_is_one_error);
	tcase_add_test(tc, a_utf16_file_is_named_as_such);
	tcase_add_test(tc, an_empty_file_has_no_header);
	tcase_add_test(tc, a_header_only_file_adds_nothing);
	tcase_add_test(tc, whitespace_only_unquoted_fields_are_empty);
	tcase_add_test(tc, text_must_be_utf8);
	tcase_add_test(tc, control_characters_in_text_are_refused);
	tcase_add_test(tc, a_tab_inside_quotes_is_kept);
	tcase_add_test(tc, a_nul_byte_in_text_is_refused_and_shown);
	tcase_add_test(tc, every_kind_of_invalid_utf8_is_refused);
	tcase_add_test(tc, outcomes_text_is_checked_too);
	tcase_add_test(tc, messages_quote_input_escaped);
	tcase_add_test(tc, a_file_name_is_shown_escaped);
	tcase_add_test(tc, csv_problems_are_row_problems);
	tcase_add_test(tc, a_quote_never_closed_in_a_big_file_stops_the_import);
	tcase_add_test(tc, importing_the_same_file_twice_changes_nothing);
	tcase_add_test(tc, a_conflict_with_the_store_is_refused_and_nothing_stored);
	tcase_add_test(tc, a_signal_twice_in_one_file);
	tcase_add_test(tc, duplicates_inside_a_batch_are_counted_exactly);
	tcase_add_test(tc, messages_come_in_line_order_across_batches);
	tcase_add_test(tc, a_file_of_several_batches_in_no_order_is_stored_whole);
	tcase_add_test(tc, batches_ended_by_long_text_or_many_messages_keep_line_order);
	tcase_add_test(tc, outcomes_are_imported_and_reimports_are_identical);
	tcase_add_test(tc, an_import_waits_for_a_busy_store_then_says_so);
	tcase_add_test(tc, an_import_inside_a_transaction_nests);
	tcase_add_test(tc, only_an_import_into_a_store_without_signals_leaves_the_wal);
	tcase_add_test(tc, a_first_import_beside_a_reader_keeps_the_wal);
	tcase_add_test(tc, a_failed_first_import_leaves_the_wal_on);
	tcase_add_test(tc, a_first_import_cut_off_is_undone_by_the_next_writer);
	suite_add_tcase(s, tc);
	return s;
}
