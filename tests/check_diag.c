/* check_diag.c - the diagnostic sink's limits: at most max_errors errors and
 * max_warnings warnings printed per rule file, the rest counted and told;
 * a long source line quoted as a window around the caret; control characters
 * of a quoted line made visible. And through the binary: a rule file with a
 * megabyte-long line of mistakes gives a short report. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "support.h"

typedef struct sink {
	char *out;
	size_t len;
	FILE *f;
	diag d;
} sink;

static void sink_open(sink *s, int max)
{
	s->out = NULL;
	s->f = open_memstream(&s->out, &s->len);
	ck_assert_ptr_nonnull(s->f);
	diag_init(&s->d, s->f);
	s->d.max_errors = max;
	s->d.max_warnings = max;
}

static const char *text(sink *s)
{
	fflush(s->f);
	return s->out ? s->out : "";
}

static void sink_close(sink *s)
{
	fclose(s->f);
	free(s->out);
}

static int occurrences(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static const diag_source five_lines = { "x.vroeg", "a\nb\nc\nd\ne\n", 10 };

START_TEST(errors_past_the_limit_are_counted_and_told_at_release)
{
	sink s;
	sink_open(&s, 3);
	diag_hold(&s.d);
	for (int i = 0; i < 8; i++)
		diag_at(&s.d, &five_lines, (diag_loc){ 1 + i % 5, 1, 1 + i % 5, 2 }, DIAG_ERROR, "mistake %d", i);
	diag_release(&s.d);
	ck_assert_int_eq(s.d.errors, 8);
	ck_assert_int_eq(occurrences(text(&s), ": error: "), 3);
	ck_assert_ptr_nonnull(strstr(text(&s), "x.vroeg: 5 more errors not shown\n"));
	/* The tally is the last line. */
	const char *tally = strstr(text(&s), "x.vroeg: 5 more");
	ck_assert_str_eq(tally, "x.vroeg: 5 more errors not shown\n");
	sink_close(&s);
}
END_TEST

START_TEST(warnings_have_a_limit_of_their_own)
{
	sink s;
	sink_open(&s, 2);
	diag_hold(&s.d);
	for (int i = 0; i < 5; i++)
		diag_at(&s.d, &five_lines, (diag_loc){ 2, 1, 2, 2 }, DIAG_WARNING, "odd %d", i);
	diag_at(&s.d, &five_lines, (diag_loc){ 3, 1, 3, 2 }, DIAG_ERROR, "wrong");
	diag_release(&s.d);
	ck_assert_int_eq(s.d.warnings, 5);
	ck_assert_int_eq(occurrences(text(&s), ": warning: "), 2);
	ck_assert_int_eq(occurrences(text(&s), ": error: "), 1);
	ck_assert_ptr_nonnull(strstr(text(&s), "x.vroeg: 3 more warnings not shown\n"));
	sink_close(&s);
}
END_TEST

START_TEST(both_kinds_told_in_one_line_and_each_file_starts_afresh)
{
	sink s;
	sink_open(&s, 1);
	diag_hold(&s.d);
	for (int i = 0; i < 3; i++) {
		diag_at(&s.d, &five_lines, (diag_loc){ 1, 1, 1, 1 }, DIAG_ERROR, "e");
		diag_at(&s.d, &five_lines, (diag_loc){ 1, 1, 1, 1 }, DIAG_WARNING, "w");
	}
	diag_release(&s.d);
	ck_assert_ptr_nonnull(strstr(text(&s), "x.vroeg: 2 more errors and 2 more warnings not shown\n"));
	const diag_source other = { "y.vroeg", "z\n", 2 };
	diag_hold(&s.d);
	diag_at(&s.d, &other, (diag_loc){ 1, 1, 1, 1 }, DIAG_ERROR, "in the second file");
	diag_release(&s.d);
	ck_assert_ptr_nonnull(strstr(text(&s), "y.vroeg:1:1: error: in the second file\n"));
	ck_assert_int_eq(occurrences(text(&s), "not shown"), 1);
	sink_close(&s);
}
END_TEST

START_TEST(a_note_goes_with_the_message_before_it)
{
	sink s;
	sink_open(&s, 1);
	diag_at(&s.d, &five_lines, (diag_loc){ 1, 1, 1, 1 }, DIAG_ERROR, "first");
	diag_at(&s.d, &five_lines, (diag_loc){ 1, 1, 1, 1 }, DIAG_NOTE, "about the first");
	diag_at(&s.d, &five_lines, (diag_loc){ 2, 1, 2, 1 }, DIAG_ERROR, "second");
	diag_at(&s.d, &five_lines, (diag_loc){ 2, 1, 2, 1 }, DIAG_NOTE, "about the second");
	ck_assert_ptr_nonnull(strstr(text(&s), "about the first"));
	ck_assert_ptr_null(strstr(text(&s), "about the second"));
	sink_close(&s);
}
END_TEST

START_TEST(messages_outside_a_file_are_limited_and_told_at_finish)
{
	sink s;
	sink_open(&s, 2);
	for (int i = 0; i < 7; i++)
		diag_error(&s.d, "trouble %d", i);
	ck_assert_int_eq(occurrences(text(&s), "vroeg: trouble"), 2);
	diag_finish(&s.d);
	ck_assert_ptr_nonnull(strstr(text(&s), "vroeg: 5 more errors not shown\n"));
	sink_close(&s);
}
END_TEST

START_TEST(no_limit_means_every_message)
{
	sink s;
	sink_open(&s, 0);
	diag_hold(&s.d);
	for (int i = 0; i < 300; i++)
		diag_at(&s.d, &five_lines, (diag_loc){ 1, 1, 1, 1 }, DIAG_WARNING, "w");
	diag_release(&s.d);
	ck_assert_int_eq(occurrences(text(&s), ": warning: "), 300);
	ck_assert_ptr_null(strstr(text(&s), "not shown"));
	sink_close(&s);
}
END_TEST

/* A line of LEN bytes: 'a'.. cycling letters, with "XY" at byte AT (0-based). */
static char *long_line(size_t len, size_t at)
{
	char *t = malloc(len + 2);
	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < len; i++)
		t[i] = (char)('a' + i % 26);
	memcpy(t + at, "XY", 2);
	t[len] = '\n';
	t[len + 1] = '\0';
	return t;
}

START_TEST(a_line_at_the_limit_is_quoted_whole)
{
	char *line = long_line(DIAG_QUOTE_MAX, 150);
	const diag_source src = { "l.vroeg", line, DIAG_QUOTE_MAX + 1 };
	sink s;
	sink_open(&s, 0);
	diag_at(&s.d, &src, (diag_loc){ 1, 151, 1, 153 }, DIAG_ERROR, "here");
	char want[2 * DIAG_QUOTE_MAX + 64];
	snprintf(want, sizeof want, "l.vroeg:1:151: error: here\n  %.*s\n  %*s^~\n", DIAG_QUOTE_MAX, line, 150, "");
	ck_assert_str_eq(text(&s), want);
	sink_close(&s);
	free(line);
}
END_TEST

START_TEST(a_longer_line_is_quoted_as_a_window_around_the_caret)
{
	const size_t len = 1000000;
	char *line = long_line(len, 500000);
	const diag_source src = { "l.vroeg", line, len + 1 };
	sink s;
	sink_open(&s, 0);
	diag_at(&s.d, &src, (diag_loc){ 1, 500001, 1, 500003 }, DIAG_ERROR, "here");
	/* Half the window before the caret, the rest after. */
	const size_t from = 500000 - DIAG_QUOTE_MAX / 2;
	char want[2 * DIAG_QUOTE_MAX + 64];
	snprintf(want, sizeof want, "l.vroeg:1:500001: error: here\n  ...%.*s...\n     %*s^~\n",
		 DIAG_QUOTE_MAX, line + from, DIAG_QUOTE_MAX / 2, "");
	ck_assert_str_eq(text(&s), want);
	sink_close(&s);
	free(line);
}
END_TEST

START_TEST(a_window_at_either_end_of_a_long_line_has_one_cut)
{
	const size_t len = 5000;
	char *line = long_line(len, 2);
	const diag_source src = { "l.vroeg", line, len + 1 };
	sink s;
	sink_open(&s, 0);
	diag_at(&s.d, &src, (diag_loc){ 1, 3, 1, 5 }, DIAG_ERROR, "start");
	char want[2 * DIAG_QUOTE_MAX + 64];
	snprintf(want, sizeof want, "l.vroeg:1:3: error: start\n  %.*s...\n    ^~\n", DIAG_QUOTE_MAX, line);
	ck_assert_str_eq(text(&s), want);
	sink_close(&s);
	/* The caret just past the end (an end-of-line token). */
	sink_open(&s, 0);
	diag_at(&s.d, &src, (diag_loc){ 1, (int)len + 1, 1, (int)len + 1 }, DIAG_ERROR, "end");
	snprintf(want, sizeof want, "l.vroeg:1:%d: error: end\n  ...%.*s\n     %*s^\n", (int)len + 1,
		 DIAG_QUOTE_MAX, line + len - DIAG_QUOTE_MAX, DIAG_QUOTE_MAX, "");
	ck_assert_str_eq(text(&s), want);
	sink_close(&s);
	free(line);
}
END_TEST

START_TEST(a_window_is_cut_between_characters)
{
	/* Two-byte characters throughout: a cut never splits one. */
	const size_t chars = 1000;
	char *line = malloc(2 * chars + 2);
	ck_assert_ptr_nonnull(line);
	for (size_t i = 0; i < chars; i++)
		memcpy(line + 2 * i, "\xc3\xa9", 2);   /* é */
	line[2 * chars] = '\n';
	const diag_source src = { "u.vroeg", line, 2 * chars + 1 };
	sink s;
	sink_open(&s, 0);
	diag_at(&s.d, &src, (diag_loc){ 1, 1002, 1, 1002 }, DIAG_ERROR, "odd column");
	const char *quoted = strstr(text(&s), "\n  ...") + 6;
	const char *cut = strstr(quoted, "...\n");
	ck_assert_ptr_nonnull(cut);
	ck_assert_int_eq((cut - quoted) % 2, 0);
	ck_assert_int_eq((unsigned char)quoted[0], 0xc3);
	ck_assert_int_eq((unsigned char)cut[-1], 0xa9);
	sink_close(&s);
	free(line);
}
END_TEST

START_TEST(control_characters_of_a_quoted_line_are_shown_as_question_marks)
{
	const diag_source src = { "c.vroeg", "a\x1b[2K\rb\tc\x7f d\n", 13 };
	sink s;
	sink_open(&s, 0);
	diag_at(&s.d, &src, (diag_loc){ 1, 12, 1, 13 }, DIAG_ERROR, "d");
	ck_assert_str_eq(text(&s), "c.vroeg:1:12: error: d\n  a?[2K?b\tc? d\n         \t   ^\n");
	sink_close(&s);
}
END_TEST

/* ---- through the binary ---------------------------------------------------- */

START_TEST(lint_of_a_megabyte_line_of_mistakes_says_little)
{
	char path[] = "/tmp/vroeg-diag-XXXXXX";
	const int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("policy \"long line\"\nexclude \"legal person\" before counting when any legal_form = legal\narrears > 5 ", f);
	for (int i = 0; i < 500000; i++)
		fputs("@ ", f);
	fputs("-> letter\notherwise -> letter\nbucket letter\n", f);
	fclose(f);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s lint %s 2>&1", vroeg_bin(), path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char buf[65536];
	size_t total = 0, got;
	char last[256] = "";
	while ((got = fread(buf, 1, sizeof buf, p)) > 0) {
		total += got;
		/* Keep the end of the output: the tallies. */
		const size_t keep = got < sizeof last - 1 ? got : sizeof last - 1;
		memcpy(last, buf + got - keep, keep);
		last[keep] = '\0';
	}
	const int status = pclose(p);
	unlink(path);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 2);
	/* 100 messages of a few hundred bytes, not 100 copies of the megabyte. */
	ck_assert_msg(total < 100 * 1024, "lint printed %zu bytes", total);
	char want[128];
	snprintf(want, sizeof want, ": 499900 more errors not shown\n500000 errors, 0 warnings\n");
	ck_assert_msg(strstr(last, want), "the output ends:\n%s", last);
}
END_TEST

Suite *diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("limits");
	tcase_add_test(tc, errors_past_the_limit_are_counted_and_told_at_release);
	tcase_add_test(tc, warnings_have_a_limit_of_their_own);
	tcase_add_test(tc, both_kinds_told_in_one_line_and_each_file_starts_afresh);
	tcase_add_test(tc, a_note_goes_with_the_message_before_it);
	tcase_add_test(tc, messages_outside_a_file_are_limited_and_told_at_finish);
	tcase_add_test(tc, no_limit_means_every_message);
	suite_add_tcase(s, tc);
	tc = tcase_create("quoting");
	tcase_add_test(tc, a_line_at_the_limit_is_quoted_whole);
	tcase_add_test(tc, a_longer_line_is_quoted_as_a_window_around_the_caret);
	tcase_add_test(tc, a_window_at_either_end_of_a_long_line_has_one_cut);
	tcase_add_test(tc, a_window_is_cut_between_characters);
	tcase_add_test(tc, control_characters_of_a_quoted_line_are_shown_as_question_marks);
	suite_add_tcase(s, tc);
	tc = tcase_create("binary");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, lint_of_a_megabyte_line_of_mistakes_says_little);
	suite_add_tcase(s, tc);
	return s;
}
