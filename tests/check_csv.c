/* check_csv.c - the CSV reader: both delimiters, quoting, embedded line
 * breaks, BOM, CR LF, empty lines, the line on which each record starts,
 * records split across the reader's input buffer, the record limit to the
 * byte, and a file in UTF-16 named as such. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* A stream holding LEN bytes of TEXT (a temporary file, so any size works). */
static FILE *bytes_file(const char *text, size_t len)
{
	FILE *f = tmpfile();
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	rewind(f);
	return f;
}

static FILE *text_file(const char *text)
{
	return bytes_file(text, strlen(text));
}

/* Reads the next record and checks it has exactly the fields in EXPECT
 * (NULL-ended) and starts on LINE. */
static void expect_record(csv_reader *r, long line, const char *const *expect)
{
	ck_assert_int_eq(csv_next(r), 1);
	size_t n, want = 0;
	while (expect[want])
		want++;
	const csv_field *f = csv_fields(r, &n);
	ck_assert_uint_eq(n, want);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(f[i].len, strlen(expect[i]));
		ck_assert_mem_eq(f[i].s, expect[i], f[i].len);
		ck_assert_int_eq(f[i].s[f[i].len], '\0');
	}
	ck_assert_int_eq(csv_line(r), line);
}

#define RECORD(r, line, ...) expect_record((r), (line), (const char *const[]){ __VA_ARGS__, NULL })

START_TEST(comma_file_with_header_and_rows)
{
	FILE *in = text_file("a,b,c\n1,2,3\nx,,z\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a", "b", "c");
	ck_assert_int_eq(csv_delimiter(r), ',');
	RECORD(r, 2, "1", "2", "3");
	RECORD(r, 3, "x", "", "z");
	ck_assert_ptr_null(csv_problem(r));
	ck_assert_int_eq(csv_next(r), 0);
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(semicolon_is_detected_from_the_header)
{
	/* The comma inside the quoted header name does not count. */
	FILE *in = text_file("\"a,1\";b;c\n212,85;\"x;y\";3\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a,1", "b", "c");
	ck_assert_int_eq(csv_delimiter(r), ';');
	RECORD(r, 2, "212,85", "x;y", "3");
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(a_single_column_header_means_comma)
{
	FILE *in = text_file("household\nH1\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "household");
	ck_assert_int_eq(csv_delimiter(r), ',');
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(quotes_escapes_and_embedded_line_breaks)
{
	FILE *in = text_file("id,text,n\n"
			     "1,\"say \"\"hi\"\"\",2\n"
			     "2,\"two\nlines\",3\n"
			     "3,\"\",\"\"\"\"\n"
			     "4,\"crlf\r\ninside\",5\n"
			     "5,\"a,b\",6\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "id", "text", "n");
	RECORD(r, 2, "1", "say \"hi\"", "2");
	RECORD(r, 3, "2", "two\nlines", "3");
	RECORD(r, 5, "3", "", "\"");
	size_t n;
	const csv_field *f = csv_fields(r, &n);
	ck_assert(f[1].quoted);
	ck_assert(!f[0].quoted);
	RECORD(r, 6, "4", "crlf\r\ninside", "5");
	RECORD(r, 8, "5", "a,b", "6");
	ck_assert_ptr_null(csv_problem(r));
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(bom_crlf_and_no_final_line_end)
{
	FILE *in = text_file("\xEF\xBB\xBFsignal_id;arrears\r\nS1;212,85\r\nS2;\"1,00\"");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "signal_id", "arrears");
	ck_assert_int_eq(csv_delimiter(r), ';');
	RECORD(r, 2, "S1", "212,85");
	RECORD(r, 3, "S2", "1,00");
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(a_bom_alone_or_an_empty_file_has_no_records)
{
	FILE *in = text_file("");
	csv_reader *r = csv_open(in);
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
	in = text_file("\xEF\xBB\xBF");
	r = csv_open(in);
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(empty_lines_are_skipped_and_counted)
{
	FILE *in = text_file("\na,b\n\r\n1,2\n\n\n3,4\n\n\r\n\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 2, "a", "b");
	RECORD(r, 4, "1", "2");
	RECORD(r, 7, "3", "4");
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(a_lone_cr_is_data)
{
	FILE *in = text_file("a,b\nx\ry,z\r");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a", "b");
	RECORD(r, 2, "x\ry", "z");
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(a_quote_inside_an_unquoted_field_is_a_character)
{
	FILE *in = text_file("a,b\n12\" screen,ok\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a", "b");
	RECORD(r, 2, "12\" screen", "ok");
	ck_assert_ptr_null(csv_problem(r));
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(text_after_a_closing_quote_is_a_problem_of_that_record)
{
	FILE *in = text_file("a,b\n\"x\"y,z\n1,2\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a", "b");
	RECORD(r, 2, "xy", "z");
	ck_assert_str_eq(csv_problem(r), "text after a closing quote");
	RECORD(r, 3, "1", "2");
	ck_assert_ptr_null(csv_problem(r));
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(a_quote_never_closed_ends_at_the_end_of_input)
{
	FILE *in = text_file("a,b\n1,2\n3,\"open\n4,5\n");
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a", "b");
	RECORD(r, 2, "1", "2");
	RECORD(r, 3, "3", "open\n4,5\n");
	ck_assert_str_eq(csv_problem(r), "a quoted field that is never closed");
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(a_nul_byte_is_a_problem)
{
	FILE *in = bytes_file("a,b\nx\0y,z\n", 10);
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a", "b");
	ck_assert_int_eq(csv_next(r), 1);
	ck_assert_str_eq(csv_problem(r), "a NUL byte in a field");
	csv_close(r);
	fclose(in);
}
END_TEST

START_TEST(a_record_over_the_limit_stops_the_reader)
{
	const size_t len = (size_t)CSV_MAX_RECORD + 100;
	char *text = malloc(len);
	memcpy(text, "a\n\"", 3);
	memset(text + 3, 'x', len - 3);
	FILE *in = bytes_file(text, len);
	free(text);
	csv_reader *r = csv_open(in);
	RECORD(r, 1, "a");
	ck_assert_int_eq(csv_next(r), -1);
	ck_assert_int_eq(csv_line(r), 2);
	ck_assert_ptr_nonnull(strstr(csv_problem(r), "longer than 1 MiB"));
	ck_assert_int_eq(csv_next(r), -1);
	csv_close(r);
	fclose(in);
}
END_TEST

/* Many records of growing length, so fields, quotes, "" pairs and CR LF
 * pairs fall on every position of the reader's 64 KiB input buffer. */
START_TEST(records_across_buffer_boundaries)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	fputs("id;text;quoted\r\n", out);
	for (int i = 0; i < 3000; i++) {
		fprintf(out, "%d;", i);
		for (int k = 0; k < i % 97; k++)
			fputc('a' + k % 26, out);
		fputs(";\"", out);
		for (int k = 0; k < i % 89; k++)
			fputs(k % 7 == 0 ? "\"\"" : k % 11 == 0 ? "\n" : "b", out);
		fputs("\"\r\n", out);
	}
	fclose(out);
	FILE *in = bytes_file(text, len);
	free(text);
	csv_reader *r = csv_open(in);
	ck_assert_int_eq(csv_next(r), 1);
	long line = 2;
	for (int i = 0; i < 3000; i++) {
		ck_assert_int_eq(csv_next(r), 1);
		ck_assert_ptr_null(csv_problem(r));
		ck_assert_int_eq(csv_line(r), line);
		size_t n;
		const csv_field *f = csv_fields(r, &n);
		ck_assert_uint_eq(n, 3);
		ck_assert_int_eq(atoi(f[0].s), i);
		ck_assert_uint_eq(f[1].len, (size_t)(i % 97));
		size_t want = 0;
		long breaks = 0;
		for (int k = 0; k < i % 89; k++) {
			want++;
			breaks += k % 7 != 0 && k % 11 == 0;
		}
		ck_assert_uint_eq(f[2].len, want);
		line += 1 + breaks;
	}
	ck_assert_int_eq(csv_next(r), 0);
	csv_close(r);
	fclose(in);
}
END_TEST

/* A file "a\n" then one record of LEN bytes as the limit counts them: one
 * unquoted field of LEN bytes, or (QUOTED) a quoted field of LEN - 2 bytes
 * written with a doubled quote inside, a delimiter and one more byte (the
 * quotes around the field and the second of "" do not count). */
static FILE *record_of(size_t len, bool quoted)
{
	char *text = malloc(len + 16);
	ck_assert_ptr_nonnull(text);
	size_t n = 0;
	memcpy(text + n, "a\n", 2);
	n += 2;
	if (quoted) {
		memcpy(text + n, "\"\"\"", 3);   /* the opening quote, then "" for one " */
		n += 3;
		memset(text + n, 'x', len - 3);
		n += len - 3;
		memcpy(text + n, "\",y", 3);
		n += 3;
	} else {
		memset(text + n, 'x', len);
		n += len;
	}
	text[n++] = '\n';
	FILE *in = bytes_file(text, n);
	free(text);
	return in;
}

START_TEST(a_record_at_the_limit_is_read_and_one_byte_more_is_not)
{
	for (int quoted = 0; quoted < 2; quoted++) {
		FILE *in = record_of((size_t)CSV_MAX_RECORD, quoted);
		csv_reader *r = csv_open(in);
		RECORD(r, 1, "a");
		ck_assert_msg(csv_next(r) == 1, "quoted %d: %s", quoted, csv_problem(r) ? csv_problem(r) : "");
		size_t nf, total = 0;
		const csv_field *f = csv_fields(r, &nf);
		for (size_t i = 0; i < nf; i++)
			total += f[i].len;
		ck_assert_uint_eq(total + nf - 1, (size_t)CSV_MAX_RECORD);
		ck_assert_int_eq(csv_next(r), 0);
		csv_close(r);
		fclose(in);

		in = record_of((size_t)CSV_MAX_RECORD + 1, quoted);
		r = csv_open(in);
		RECORD(r, 1, "a");
		ck_assert_int_eq(csv_next(r), -1);
		ck_assert_int_eq(csv_line(r), 2);
		ck_assert_str_eq(csv_problem(r), "a record longer than 1 MiB (is a quote never closed?)");
		csv_close(r);
		fclose(in);
	}
}
END_TEST

START_TEST(a_utf16_file_is_named_as_such)
{
	static const char le_bom[] = "\xff\xfes\0i\0g\0n\0a\0l\0_\0i\0d\0\n\0";
	static const char be_bom[] = "\xfe\xff\0s\0i\0g\0n\0a\0l\0_\0i\0d\0\n";
	static const char le[] = "s\0i\0g\0n\0a\0l\0_\0i\0d\0,\0r\0e\0c\0e\0i\0v\0e\0d\0\n\0";
	const struct { const char *text; size_t len; const char *why; } files[] = {
		{ le_bom, sizeof le_bom - 1, "it starts with a UTF-16 byte order mark" },
		{ be_bom, sizeof be_bom - 1, "it starts with a UTF-16 byte order mark" },
		{ le, sizeof le - 1, "every other byte is NUL" },
		{ le + 1, sizeof le - 2, "every other byte is NUL" },   /* big-endian, no mark */
	};
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		FILE *in = bytes_file(files[i].text, files[i].len);
		csv_reader *r = csv_open(in);
		ck_assert_int_eq(csv_next(r), -1);
		ck_assert_int_eq(csv_line(r), 1);
		char want[128];
		snprintf(want, sizeof want, "the file is UTF-16 (%s); save it as UTF-8", files[i].why);
		ck_assert_str_eq(csv_problem(r), want);
		ck_assert_int_eq(csv_next(r), -1);
		csv_close(r);
		fclose(in);
	}
	/* A NUL in a UTF-8 file is still a NUL in a field. */
	FILE *in = bytes_file("a,b\nx\0y,z\n", 10);
	csv_reader *r = csv_open(in);
	ck_assert_int_eq(csv_next(r), 1);
	ck_assert_int_eq(csv_next(r), 1);
	ck_assert_str_eq(csv_problem(r), "a NUL byte in a field");
	csv_close(r);
	fclose(in);
}
END_TEST

Suite *csv_suite(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("csv");
	tcase_add_test(tc, comma_file_with_header_and_rows);
	tcase_add_test(tc, semicolon_is_detected_from_the_header);
	tcase_add_test(tc, a_single_column_header_means_comma);
	tcase_add_test(tc, quotes_escapes_and_embedded_line_breaks);
	tcase_add_test(tc, bom_crlf_and_no_final_line_end);
	tcase_add_test(tc, a_bom_alone_or_an_empty_file_has_no_records);
	tcase_add_test(tc, empty_lines_are_skipped_and_counted);
	tcase_add_test(tc, a_lone_cr_is_data);
	tcase_add_test(tc, a_quote_inside_an_unquoted_field_is_a_character);
	tcase_add_test(tc, text_after_a_closing_quote_is_a_problem_of_that_record);
	tcase_add_test(tc, a_quote_never_closed_ends_at_the_end_of_input);
	tcase_add_test(tc, a_nul_byte_is_a_problem);
	tcase_add_test(tc, a_record_over_the_limit_stops_the_reader);
	tcase_add_test(tc, records_across_buffer_boundaries);
	tcase_add_test(tc, a_record_at_the_limit_is_read_and_one_byte_more_is_not);
	tcase_add_test(tc, a_utf16_file_is_named_as_such);
	suite_add_tcase(s, tc);
	return s;
}
