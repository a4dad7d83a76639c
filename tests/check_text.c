/* check_text.c - untrusted text (text.h): which characters are control,
 * layout or not UTF-8; what a text field may hold; how each is shown
 * (escapes, widths, cut buffers); messages through the diag sink escaped. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "text.h"

static enum text_kind kind_of(const char *s, size_t *len, uint32_t *cp)
{
	enum text_kind k;
	*len = text_char(s, strlen(s), &k, cp);
	return k;
}

START_TEST(characters_are_classified)
{
	size_t n;
	uint32_t cp;
	ck_assert_int_eq(kind_of("a", &n, &cp), TEXT_PLAIN);
	ck_assert_int_eq(kind_of("\t", &n, &cp), TEXT_CONTROL);
	ck_assert_int_eq(kind_of("\x1b", &n, &cp), TEXT_CONTROL);
	ck_assert_int_eq(kind_of("\x7f", &n, &cp), TEXT_CONTROL);
	ck_assert_int_eq(kind_of("\xc2\x80", &n, &cp), TEXT_CONTROL);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(cp, 0x80);
	ck_assert_int_eq(kind_of("\xc2\x9f", &n, &cp), TEXT_CONTROL);
	ck_assert_int_eq(kind_of("\xc2\xa0", &n, &cp), TEXT_PLAIN);   /* U+00A0: past C1 */
	ck_assert_int_eq(kind_of("\xe2\x82\xac", &n, &cp), TEXT_PLAIN);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(cp, 0x20AC);
	ck_assert_int_eq(kind_of("\xe2\x80\xae", &n, &cp), TEXT_LAYOUT);   /* U+202E RLO */
	ck_assert_int_eq(kind_of("\xe2\x81\xa6", &n, &cp), TEXT_LAYOUT);   /* U+2066 LRI */
	ck_assert_int_eq(kind_of("\xe2\x80\xa8", &n, &cp), TEXT_LAYOUT);   /* U+2028 */
	ck_assert_int_eq(kind_of("\xd8\x9c", &n, &cp), TEXT_LAYOUT);       /* U+061C */
	ck_assert_int_eq(kind_of("\xe2\x80\x8b", &n, &cp), TEXT_PLAIN);    /* U+200B */
	ck_assert_int_eq(kind_of("\xf0\x9f\x98\x80", &n, &cp), TEXT_PLAIN);
	ck_assert_uint_eq(n, 4);
	/* Not UTF-8: one byte at a time, its value as the code point. */
	ck_assert_int_eq(kind_of("\xe9", &n, &cp), TEXT_NOT_UTF8);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(cp, 0xe9);
	ck_assert_int_eq(kind_of("\xc0\xaf", &n, &cp), TEXT_NOT_UTF8);
	ck_assert_int_eq(kind_of("\xed\xa0\x80", &n, &cp), TEXT_NOT_UTF8);
	ck_assert_int_eq(kind_of("\xf4\x90\x80\x80", &n, &cp), TEXT_NOT_UTF8);
	ck_assert_int_eq(kind_of("\xf8\x88\x80\x80\x80", &n, &cp), TEXT_NOT_UTF8);
	ck_assert_int_eq(kind_of("\xe2\x82", &n, &cp), TEXT_NOT_UTF8);    /* cut short */
}
END_TEST

START_TEST(check_finds_the_first_bad_character)
{
	size_t at = 99;
	ck_assert_int_eq(text_check("Caf\xc3\xa9 \xe2\x82\xac", 9, false, &at), TEXT_PLAIN);
	ck_assert_int_eq(text_check("", 0, false, &at), TEXT_PLAIN);
	ck_assert_int_eq(text_check("ab\x1b[2K", 6, false, &at), TEXT_CONTROL);
	ck_assert_uint_eq(at, 2);
	ck_assert_int_eq(text_check("a\tb", 3, false, &at), TEXT_CONTROL);
	ck_assert_int_eq(text_check("a\tb", 3, true, &at), TEXT_PLAIN);
	ck_assert_int_eq(text_check("a\tb\r", 4, true, &at), TEXT_CONTROL);
	ck_assert_uint_eq(at, 3);
	ck_assert_int_eq(text_check("\xc3\xa9\xc2\x85", 4, false, &at), TEXT_CONTROL);
	ck_assert_uint_eq(at, 2);
	ck_assert_int_eq(text_check("ok\xff", 3, false, &at), TEXT_NOT_UTF8);
	ck_assert_uint_eq(at, 2);
	/* LEN bounds the check: a sequence cut by it is not UTF-8. */
	ck_assert_int_eq(text_check("\xc3\xa9", 1, false, &at), TEXT_NOT_UTF8);
	/* Layout characters are allowed in data; they are only shown escaped. */
	ck_assert_int_eq(text_check("a\xe2\x80\xae" "b", 5, false, &at), TEXT_PLAIN);
	ck_assert_int_eq(text_check("a\0b", 3, false, &at), TEXT_CONTROL);
	ck_assert_uint_eq(at, 1);
}
END_TEST

static const char *escaped(const char *s, size_t len)
{
	static char buf[256];
	return text_escape(s, len, buf, sizeof buf);
}

static const char *escaped_str(const char *s)
{
	return escaped(s, strlen(s));
}

START_TEST(escapes_show_what_a_terminal_would_act_on)
{
	ck_assert_str_eq(escaped_str("H\x1b[2K\rH000001"), "H\\x1b[2K\\rH000001");
	ck_assert_str_eq(escaped_str("a\tb\nc\x7f"), "a\\tb\\nc\\x7f");
	ck_assert_str_eq(escaped_str("\xc2\x85\xc2\x9b"), "\\u0085\\u009b");
	ck_assert_str_eq(escaped_str("Caf\xe9"), "Caf\\xe9");
	ck_assert_str_eq(escaped_str("a\xe2\x80\xae" "b"), "a\\u202eb");
	ck_assert_str_eq(escaped("a\0b", 3), "a\\x00b");
	/* Ordinary text, backslashes and quotes included, is shown as it is. */
	ck_assert_str_eq(escaped_str("Co\xc3\xb6peratie \\ \"x\" 's"), "Co\xc3\xb6peratie \\ \"x\" 's");
}
END_TEST

START_TEST(escape_cuts_whole_characters_and_says_so)
{
	char buf[8];
	ck_assert_str_eq(text_escape("abcdefg", 7, buf, sizeof buf), "abcdefg");
	ck_assert_str_eq(text_escape("abcdefgh", 8, buf, sizeof buf), "abcd...");
	/* An escape is never cut in half. */
	ck_assert_str_eq(text_escape("ab\x1b" "cdefgh", 9, buf, sizeof buf), "ab...");
	ck_assert_str_eq(text_escape("\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", 9, buf, sizeof buf), "\xe2\x82\xac...");
	char four[4];
	ck_assert_str_eq(text_escape("abcdef", 6, four, sizeof four), "...");
	ck_assert_str_eq(text_escape("abc", 3, four, sizeof four), "abc");
}
END_TEST

static char *shown(void (*put)(FILE *, const char *), const char *s)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	put(f, s);
	fclose(f);
	return text;
}

static void put_padded_10(FILE *f, const char *s)
{
	text_put_padded(f, s, 10);
}

START_TEST(put_and_width_agree)
{
	char *t = shown(text_put, "H\x1b[2K\rH1");
	ck_assert_str_eq(t, "H\\x1b[2K\\rH1");
	ck_assert_uint_eq(text_width("H\x1b[2K\rH1"), strlen(t));
	free(t);
	ck_assert_uint_eq(text_width("Co\xc3\xb6p"), 4);
	ck_assert_uint_eq(text_width("\xc2\x85"), 6);
	t = shown(put_padded_10, "\xc3\xa9\t");
	ck_assert_str_eq(t, "\xc3\xa9\\t       ");
	free(t);
}
END_TEST

static char *printed(bool keep_lf, const char *fmt, ...)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(f, keep_lf, fmt, ap);
	va_end(ap);
	fclose(f);
	return text;
}

START_TEST(printf_escapes_what_it_formats)
{
	char *t = printed(false, "no command `%s`", "frob\x1b[2K\r");
	ck_assert_str_eq(t, "no command `frob\\x1b[2K\\r`");
	free(t);
	t = printed(true, "bad `%s`\nusage: x\n", "a\nb\r");
	ck_assert_str_eq(t, "bad `a\nb\\r`\nusage: x\n");
	free(t);
	/* Longer than the stack buffer: all of it, escaped. */
	char *big = malloc(5001);
	ck_assert_ptr_nonnull(big);
	memset(big, 'y', 5000);
	big[4999] = '\x1b';
	big[5000] = '\0';
	t = printed(false, "%s!", big);
	ck_assert_uint_eq(strlen(t), 4999 + 4 + 1);
	ck_assert_str_eq(t + 4999, "\\x1b!");
	free(t);
	free(big);
}
END_TEST

/* The diag sink escapes every message it prints: row messages entirely, a
 * plain message with its usage text's line breaks kept. */
START_TEST(the_diag_sink_escapes_messages)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	diag d;
	diag_init(&d, f);
	diag_error(&d, "household %s has no signal\nusage: x", "H\x1b[2K\r1");
	diag_warning(&d, "column `%s`", "w\x9b");
	diag_row(&d, "in\rbox.csv", 3, "house\thold", "`%s` is bad", "a\nb");
	fclose(f);
	ck_assert_str_eq(text,
		"vroeg: household H\\x1b[2K\\r1 has no signal\nusage: x\n"
		"vroeg: warning: column `w\\x9b`\n"
		"in\\rbox.csv:3: house\\thold: `a\\nb` is bad\n");
	free(text);
}
END_TEST

Suite *text_suite(void)
{
	Suite *s = suite_create("text");
	TCase *tc = tcase_create("text");
	tcase_add_test(tc, characters_are_classified);
	tcase_add_test(tc, check_finds_the_first_bad_character);
	tcase_add_test(tc, escapes_show_what_a_terminal_would_act_on);
	tcase_add_test(tc, escape_cuts_whole_characters_and_says_so);
	tcase_add_test(tc, put_and_width_agree);
	tcase_add_test(tc, printf_escapes_what_it_formats);
	tcase_add_test(tc, the_diag_sink_escapes_messages);
	suite_add_tcase(s, tc);
	return s;
}
