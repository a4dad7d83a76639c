/* check_csvout.c - the one CSV writer (csvout.h): quoting, formulas
 * neutralised with an apostrophe (and given back by the documented rule),
 * control characters and bytes that are not UTF-8 escaped, numbers as
 * given, the buffered writer, the memo and the one-cell writer agreeing,
 * and a failed write reported, its cause left for the stream's last flush. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"

/* The cells written one per row by the buffered writer (REPEATED: through
 * csvout_text_repeated), as one string the caller frees. */
static char *rows(const char *const *cells, size_t n, bool repeated)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	csvout *w = malloc(sizeof *w);
	ck_assert_ptr_nonnull(w);
	csvout_init(w, f);
	for (int pass = 0; pass < (repeated ? 2 : 1); pass++)   /* the memo's second look */
		for (size_t i = 0; i < n; i++) {
			if (repeated)
				csvout_text_repeated(w, cells[i]);
			else
				csvout_text(w, cells[i]);
			csvout_end_row(w);
		}
	ck_assert(csvout_flush(w));
	free(w);
	fclose(f);
	return text;
}

/* One cell as csvout_field writes it. */
static char *one(const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	csvout_field(f, s);
	fclose(f);
	return text;
}

static const struct {
	const char *value, *cell;
} cases[] = {
	{ "H000001", "H000001" },
	{ "", "" },
	{ "not counted", "not counted" },
	{ "rules/p.vroeg:12", "rules/p.vroeg:12" },
	{ "a,b", "\"a,b\"" },
	{ "a;b", "\"a;b\"" },
	{ "says \"hi\"", "\"says \"\"hi\"\"\"" },
	{ "\"", "\"\"\"\"" },
	/* What a spreadsheet would run: quoted, one apostrophe in front. */
	{ "=HYPERLINK(\"http://x\";\"click\")", "\"'=HYPERLINK(\"\"http://x\"\";\"\"click\"\")\"" },
	{ "=1+1", "\"'=1+1\"" },
	{ "+Wonen", "\"'+Wonen\"" },
	{ "-Energie", "\"'-Energie\"" },
	{ "-12.50", "\"'-12.50\"" },           /* a text cell: a number cell is csvout_number */
	{ "@SUM(1)", "\"'@SUM(1)\"" },
	{ "\tx", "\"'\tx\"" },
	{ "\r=1", "\"'\\r=1\"" },
	{ "'=x", "\"''=x\"" },                 /* behind apostrophes too: reversible */
	{ "''+x", "\"'''+x\"" },
	{ "'s-Hertogenbosch", "'s-Hertogenbosch" },
	{ "'", "'" },
	{ "a=b", "a=b" },
	{ "x-1", "x-1" },
	{ " =1", " =1" },
	/* Control characters (not a tab) and bytes that are not UTF-8: escaped. */
	{ "H\x1b[2K\rH000001", "H\\x1b[2K\\rH000001" },
	{ "a\nb", "a\\nb" },
	{ "a\tb", "a\tb" },
	{ "P\xc2\x85", "P\\u0085" },
	{ "x\x7f", "x\\x7f" },
	{ "Caf\xe9", "Caf\\xe9" },
	{ "\"a\x1b\",b", "\"\"\"a\\x1b\"\",b\"" },
	/* Ordinary UTF-8, layout characters included, as it is. */
	{ "Co\xc3\xb6peratie", "Co\xc3\xb6peratie" },
	{ "a\xe2\x80\xae" "b", "a\xe2\x80\xae" "b" },
	{ "\xe2\x82\xac 5", "\xe2\x82\xac 5" },
};
enum { NCASES = sizeof cases / sizeof cases[0] };

START_TEST(each_kind_of_cell)
{
	const char *values[NCASES];
	char want[4096] = "";
	for (size_t i = 0; i < NCASES; i++) {
		values[i] = cases[i].value;
		strcat(want, cases[i].cell);
		strcat(want, "\n");
		char *cell = one(cases[i].value);
		ck_assert_msg(strcmp(cell, cases[i].cell) == 0, "case %zu: %s, expected %s", i, cell, cases[i].cell);
		free(cell);
	}
	char *text = rows(values, NCASES, false);
	ck_assert_str_eq(text, want);
	free(text);
	/* The memo gives what csvout_text gives, on first and second sight. */
	char twice[8192];
	snprintf(twice, sizeof twice, "%s%s", want, want);
	text = rows(values, NCASES, true);
	ck_assert_str_eq(text, twice);
	free(text);
}
END_TEST

/* A cell as a spreadsheet or tool reads it: RFC 4180 unquoted. */
static size_t read_cell(const char *p, char *out)
{
	size_t o = 0;
	const char *start = p;
	if (*p == '"') {
		for (p++; !(p[0] == '"' && p[1] != '"'); p++) {
			if (*p == '"')
				p++;
			out[o++] = *p;
		}
		p++;
	} else {
		while (*p && *p != ',' && *p != '\n')
			out[o++] = *p++;
	}
	out[o] = '\0';
	return (size_t)(p - start);
}

/* The documented rule that gives a value back. */
static const char *value_back(char *cell)
{
	const char *p = cell;
	while (*p == '\'')
		p++;
	const bool formula = *p == '=' || *p == '+' || *p == '-' || *p == '@' || *p == '\t' || *p == '\r';
	return cell[0] == '\'' && formula ? cell + 1 : cell;
}

/* Every string of up to three characters from a set with every trigger,
 * apostrophes, quotes and separators: no cell a spreadsheet reads begins a
 * formula, and the value comes back exactly. */
START_TEST(no_cell_begins_a_formula_and_every_value_comes_back)
{
	static const char alphabet[] = "=+-@\t'\",;ax ";
	const size_t k = sizeof alphabet - 1;
	char value[4], cell[64], *written;
	for (size_t n = 0; n < k * k * k + k * k + k + 1; n++) {
		size_t len = n == 0 ? 0 : n <= k ? 1 : n <= k + k * k ? 2 : 3;
		size_t x = n - (len == 0 ? 0 : len == 1 ? 1 : len == 2 ? 1 + k : 1 + k + k * k);
		for (size_t i = 0; i < len; i++, x /= k)
			value[i] = alphabet[x % k];
		value[len] = '\0';
		written = one(value);
		const size_t used = read_cell(written, cell);
		ck_assert_msg(used == strlen(written), "`%s` written as `%s` is not one cell", value, written);
		ck_assert_msg(!strchr("=+-@\t\r", cell[0]) || cell[0] == '\0', "`%s` reads as `%s`", value, cell);
		ck_assert_msg(strcmp(value_back(cell), value) == 0, "`%s` came back as `%s`", value, value_back(cell));
		free(written);
	}
}
END_TEST

START_TEST(numbers_are_written_as_given)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	csvout *w = malloc(sizeof *w);
	ck_assert_ptr_nonnull(w);
	csvout_init(w, f);
	csvout_text(w, "-Energie");
	csvout_number(w, "-12.50");
	csvout_cents(w, -1250);
	csvout_cents(w, 5);
	csvout_int(w, -3);
	csvout_empty(w);
	csvout_int(w, 7);
	csvout_end_row(w);
	csvout_empty(w);
	csvout_empty(w);
	csvout_end_row(w);
	ck_assert(csvout_flush(w));
	free(w);
	fclose(f);
	ck_assert_str_eq(text, "\"'-Energie\",-12.50,-12.50,0.05,-3,,7\n,\n");
	free(text);
}
END_TEST

/* Far more than the buffer, with cells larger than it: the same bytes as
 * cell by cell to the stream. */
START_TEST(the_buffer_writes_everything_in_order)
{
	char *big = malloc(3 * CSVOUT_BUFFER);
	ck_assert_ptr_nonnull(big);
	for (size_t i = 0; i < 3 * CSVOUT_BUFFER - 1; i++)
		big[i] = "ab,\"=\x1b"[i % 6];
	big[3 * CSVOUT_BUFFER - 1] = '\0';
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	FILE *fa = open_memstream(&a, &alen), *fb = open_memstream(&b, &blen);
	ck_assert_ptr_nonnull(fa);
	ck_assert_ptr_nonnull(fb);
	csvout *w = malloc(sizeof *w);
	ck_assert_ptr_nonnull(w);
	csvout_init(w, fa);
	for (int r = 0; r < 20000; r++) {
		const char *cell = r % 1000 == 0 ? big : r % 2 ? "H000001" : "=x";
		csvout_text(w, cell);
		csvout_text(w, "y");
		csvout_end_row(w);
		csvout_field(fb, cell);
		fputs(",y\n", fb);
	}
	ck_assert(csvout_flush(w));
	free(w);
	fclose(fa);
	fclose(fb);
	ck_assert_uint_eq(alen, blen);
	ck_assert(memcmp(a, b, alen) == 0);
	free(a);
	free(b);
	free(big);
}
END_TEST

START_TEST(a_failed_write_is_reported)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return;   /* no /dev/full here: nothing to fill */
	setvbuf(f, NULL, _IONBF, 0);
	csvout *w = malloc(sizeof *w);
	ck_assert_ptr_nonnull(w);
	csvout_init(w, f);
	csvout_text(w, "H1");
	csvout_end_row(w);
	ck_assert(!csvout_flush(w));
	free(w);
	fclose(f);
}
END_TEST

/* The stream's last flush says why the output failed: the writer's big
 * writes bypass the stream's buffer, and stdio keeps no errno. */
START_TEST(a_failed_write_leaves_its_cause_to_the_last_flush)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return;   /* no /dev/full here: nothing to fill */
	csvout *w = malloc(sizeof *w);
	ck_assert_ptr_nonnull(w);
	csvout_init(w, f);
	for (int i = 0; i < 20000; i++) {
		csvout_text(w, "H000001");
		csvout_end_row(w);
	}
	ck_assert(!csvout_flush(w));
	errno = 0;
	ck_assert_int_eq(fflush(f), EOF);
	ck_assert_int_eq(errno, ENOSPC);
	free(w);
	fclose(f);
}
END_TEST

Suite *csvout_suite(void)
{
	Suite *s = suite_create("csvout");
	TCase *tc = tcase_create("csvout");
	tcase_add_test(tc, each_kind_of_cell);
	tcase_add_test(tc, no_cell_begins_a_formula_and_every_value_comes_back);
	tcase_add_test(tc, numbers_are_written_as_given);
	tcase_add_test(tc, the_buffer_writes_everything_in_order);
	tcase_add_test(tc, a_failed_write_is_reported);
	tcase_add_test(tc, a_failed_write_leaves_its_cause_to_the_last_flush);
	suite_add_tcase(s, tc);
	return s;
}
