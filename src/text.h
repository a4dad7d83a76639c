/* text.h - text from outside vroeg (creditors' files, the store, the command
 * line) checked where it enters and shown safely where it leaves.
 *
 * Refused at import (text_check): bytes that are not UTF-8, and control
 * characters: C0 (U+0000..U+001F; a tab is allowed where the caller says,
 * inside a quoted CSV field), DEL (U+007F) and C1 (U+0080..U+009F).
 *
 * Shown escaped to people (messages, tables, explain): control characters
 * (tab included), bytes that are not UTF-8, and the layout characters that
 * change how a terminal shows the text around them (Unicode's bidi controls
 * U+061C, U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, and the line and
 * paragraph separators U+2028, U+2029). So a terminal never receives an
 * escape sequence, a carriage return or a reordering from data. The escapes:
 * `\t` `\n` `\r`; `\xNN` for other C0 bytes, DEL and each byte that is not
 * UTF-8; `\uNNNN` for C1 and the layout characters. A backslash is shown as
 * itself: the escapes mark characters import never lets in, and file names
 * and policy text keep their look.
 *
 * The CSV writer (csvout.h) and the JSON writer (report.h) classify with
 * text_char and apply their own rules to the same classes. */
#ifndef VROEG_TEXT_H
#define VROEG_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum text_kind {
	TEXT_PLAIN,      /* an ordinary character */
	TEXT_CONTROL,    /* C0 (tab included), DEL or C1 */
	TEXT_LAYOUT,     /* a bidi control or a line or paragraph separator */
	TEXT_NOT_UTF8    /* a byte that does not start a valid UTF-8 character */
};

/* The character at S (LEN > 0 bytes left): returns its length in bytes (1
 * for a byte that is not UTF-8); *KIND gets its kind and *CP its code point
 * (the byte itself when it is not UTF-8). */
size_t text_char(const char *s, size_t len, enum text_kind *kind, uint32_t *cp);

/* The longest escape text_escape_char writes, its NUL included. */
#define TEXT_ESCAPE_MAX 8

/* The escape showing a character of KIND and CP (as text_char gives them):
 * `\t`, `\x1b`, `\u0085`, ... into BUF, NUL-ended; returns its length. */
size_t text_escape_char(enum text_kind kind, uint32_t cp, char buf[TEXT_ESCAPE_MAX]);

/* How many bytes at the start of S (LEN bytes) are printable ASCII
 * (0x20..0x7E): the text every writer passes on as it is. */
size_t text_printable_run(const char *s, size_t len);

/* Checks LEN bytes at S for what a text field may not hold: returns
 * TEXT_PLAIN when it is clean, else TEXT_CONTROL or TEXT_NOT_UTF8 with *AT
 * the offset of the first such character. A tab passes when ALLOW_TAB. */
enum text_kind text_check(const char *s, size_t len, bool allow_tab, size_t *at);

/* Writes LEN bytes at S to OUT with the characters above escaped. */
void text_write(FILE *out, const char *s, size_t len);
/* The same for the NUL-ended S. */
void text_put(FILE *out, const char *s);
/* S shown as text_put shows it, then spaces up to WIDTH columns. */
void text_put_padded(FILE *out, const char *s, size_t width);

/* Formats like vfprintf and writes the result as text_write does; with
 * KEEP_LF a line break stays a line break (a message followed by a usage
 * text), every other character above is still escaped. */
void text_vprintf(FILE *out, bool keep_lf, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
void text_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* LEN bytes at S shown as text_write shows them, into BUF (SIZE >= 4
 * bytes), NUL-ended; cut after whole characters and ended with "..." when
 * it does not fit. Returns BUF. For a printf field of fixed width. */
const char *text_escape(const char *s, size_t len, char *buf, size_t size);

/* Columns text_put takes for S: one per character, the length of each
 * escape. */
size_t text_width(const char *s);

#endif
