/* text.c - checking and showing untrusted text (contract in text.h).
 * Printable ASCII, almost all of any file, is passed over a run at a time;
 * only other bytes are decoded as UTF-8. Nothing here allocates except
 * text_vprintf, for a message longer than its stack buffer. */
#include "text.h"

#include <stdlib.h>
#include <string.h>

/* Printable ASCII: a byte that is a plain character on its own. */
static inline bool printable(unsigned char c)
{
	return (unsigned char)(c - 0x20) < 0x5f;
}

/* Unicode's Bidi_Control characters and the line and paragraph separators. */
static bool layout(uint32_t cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
	       (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

size_t text_char(const char *s, size_t len, enum text_kind *kind, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	const unsigned char c = u[0];
	if (c < 0x80) {
		*cp = c;
		*kind = c < 0x20 || c == 0x7f ? TEXT_CONTROL : TEXT_PLAIN;
		return 1;
	}
	size_t n;
	uint32_t v, min;
	if ((c & 0xE0) == 0xC0) {
		n = 2, v = c & 0x1F, min = 0x80;
	} else if ((c & 0xF0) == 0xE0) {
		n = 3, v = c & 0x0F, min = 0x800;
	} else if ((c & 0xF8) == 0xF0) {
		n = 4, v = c & 0x07, min = 0x10000;
	} else {
		goto not_utf8;
	}
	if (len < n)
		goto not_utf8;
	for (size_t k = 1; k < n; k++) {
		if ((u[k] & 0xC0) != 0x80)
			goto not_utf8;
		v = v << 6 | (u[k] & 0x3F);
	}
	/* Overlong forms, surrogates and code points past Unicode are not UTF-8. */
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		goto not_utf8;
	*cp = v;
	*kind = v <= 0x9F ? TEXT_CONTROL : layout(v) ? TEXT_LAYOUT : TEXT_PLAIN;
	return n;
not_utf8:
	*cp = c;
	*kind = TEXT_NOT_UTF8;
	return 1;
}

size_t text_escape_char(enum text_kind kind, uint32_t cp, char buf[TEXT_ESCAPE_MAX])
{
	static const char hex[] = "0123456789abcdef";
	if (kind == TEXT_CONTROL && (cp == '\t' || cp == '\n' || cp == '\r')) {
		buf[0] = '\\';
		buf[1] = cp == '\t' ? 't' : cp == '\n' ? 'n' : 'r';
		buf[2] = '\0';
		return 2;
	}
	if (kind == TEXT_NOT_UTF8 || cp < 0x80) {
		buf[0] = '\\', buf[1] = 'x';
		buf[2] = hex[cp >> 4 & 0xF], buf[3] = hex[cp & 0xF];
		buf[4] = '\0';
		return 4;
	}
	buf[0] = '\\', buf[1] = 'u';
	for (int i = 0; i < 4; i++)
		buf[2 + i] = hex[cp >> (12 - 4 * i) & 0xF];
	buf[6] = '\0';
	return 6;
}

/* Are the 8 bytes at S all printable ASCII? A word at a time: import
 * checks every text field of every row, the CSV writer every cell. A byte
 * of 0x7F or more shows in the high bit of itself or of itself plus one,
 * one below 0x20 in that of itself minus 0x20 (and not of itself); a carry
 * or borrow only crosses from a byte that is caught already. */
static inline bool printable8(const char *s)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t x;
	memcpy(&x, s, 8);
	return ((x | (x + ones) | ((x - ones * 0x20) & ~x)) & highs) == 0;
}

/* The same for 4 bytes. */
static inline bool printable4(const char *s)
{
	const uint32_t ones = 0x01010101u, highs = 0x80808080u;
	uint32_t x;
	memcpy(&x, s, 4);
	return ((x | (x + ones) | ((x - ones * 0x20) & ~x)) & highs) == 0;
}

size_t text_printable_run(const char *s, size_t len)
{
	size_t i = 0;
	/* Whole words, then the word (overlapping) that ends the text; most
	 * texts are short keys and names, and printable to the end. */
	if (len >= 8) {
		while (i + 8 <= len && printable8(s + i))
			i += 8;
		if (i < len && i + 8 > len && printable8(s + len - 8))
			return len;
	} else if (len >= 4 && printable4(s) && printable4(s + len - 4)) {
		return len;
	}
	while (i < len && printable((unsigned char)s[i]))
		i++;
	return i;
}

enum text_kind text_check(const char *s, size_t len, bool allow_tab, size_t *at)
{
	size_t i = text_printable_run(s, len);
	while (i < len) {
		if (printable((unsigned char)s[i]) || (allow_tab && s[i] == '\t')) {
			i++;
			continue;
		}
		enum text_kind kind;
		uint32_t cp;
		const size_t n = text_char(s + i, len - i, &kind, &cp);
		if (kind == TEXT_CONTROL || kind == TEXT_NOT_UTF8) {
			*at = i;
			return kind;
		}
		i += n;
	}
	return TEXT_PLAIN;
}

/* How many bytes at S (LEN bytes) are shown as they are; at that point
 * *STOP gets the length of the character there, to be escaped (0 at the end,
 * or a line break kept when KEEP_LF). */
static size_t shown_run(const char *s, size_t len, bool keep_lf, size_t *stop, char esc[TEXT_ESCAPE_MAX])
{
	size_t i = 0;
	while (i < len) {
		if (printable((unsigned char)s[i]) || (keep_lf && s[i] == '\n')) {
			i++;
			continue;
		}
		enum text_kind kind;
		uint32_t cp;
		const size_t n = text_char(s + i, len - i, &kind, &cp);
		if (kind != TEXT_PLAIN) {
			*stop = n;
			text_escape_char(kind, cp, esc);
			return i;
		}
		i += n;
	}
	*stop = 0;
	return i;
}

static void write_shown(FILE *out, const char *s, size_t len, bool keep_lf)
{
	while (len) {
		size_t stop;
		char esc[TEXT_ESCAPE_MAX];
		const size_t n = shown_run(s, len, keep_lf, &stop, esc);
		fwrite(s, 1, n, out);
		if (!stop)
			return;
		fputs(esc, out);
		s += n + stop;
		len -= n + stop;
	}
}

void text_write(FILE *out, const char *s, size_t len)
{
	write_shown(out, s, len, false);
}

void text_put(FILE *out, const char *s)
{
	write_shown(out, s, strlen(s), false);
}

void text_put_padded(FILE *out, const char *s, size_t width)
{
	text_put(out, s);
	for (size_t w = text_width(s); w < width; w++)
		fputc(' ', out);
}

void text_vprintf(FILE *out, bool keep_lf, const char *fmt, va_list ap)
{
	char buf[2048];
	va_list again;
	va_copy(again, ap);
	const int n = vsnprintf(buf, sizeof buf, fmt, ap);
	char *text = buf;
	if (n >= (int)sizeof buf && (text = malloc((size_t)n + 1)) != NULL)
		vsnprintf(text, (size_t)n + 1, fmt, again);
	va_end(again);
	if (n > 0)
		write_shown(out, text ? text : buf, text ? (size_t)n : sizeof buf - 1, keep_lf);
	if (text != buf)
		free(text);
}

void text_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(out, false, fmt, ap);
	va_end(ap);
}

/* The piece that shows the character at S (LEN > 0 bytes): the bytes
 * themselves, or their escape written into ESC. *N gets the bytes used. */
static const char *piece(const char *s, size_t len, char esc[TEXT_ESCAPE_MAX], size_t *n, size_t *plen)
{
	if (printable((unsigned char)s[0])) {
		*n = *plen = 1;
		return s;
	}
	enum text_kind kind;
	uint32_t cp;
	*n = text_char(s, len, &kind, &cp);
	if (kind == TEXT_PLAIN) {
		*plen = *n;
		return s;
	}
	*plen = text_escape_char(kind, cp, esc);
	return esc;
}

/* Bytes text_write writes for LEN bytes at S, counted up to LIMIT. */
static size_t shown_len(const char *s, size_t len, size_t limit)
{
	size_t w = 0, i = 0;
	while (i < len && w < limit) {
		char esc[TEXT_ESCAPE_MAX];
		size_t n, plen;
		piece(s + i, len - i, esc, &n, &plen);
		w += plen;
		i += n;
	}
	return w;
}

const char *text_escape(const char *s, size_t len, char *buf, size_t size)
{
	/* Whole, when it fits; else whole pieces up to room for "...". */
	const bool fits = shown_len(s, len, size) < size;
	size_t o = 0, i = 0;
	while (i < len) {
		char esc[TEXT_ESCAPE_MAX];
		size_t n, plen;
		const char *p = piece(s + i, len - i, esc, &n, &plen);
		if (!fits && o + plen + 3 >= size)
			break;
		memcpy(buf + o, p, plen);
		o += plen;
		i += n;
	}
	if (!fits) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

size_t text_width(const char *s)
{
	const size_t len = strlen(s);
	size_t w = 0, i = 0;
	while (i < len) {
		char esc[TEXT_ESCAPE_MAX];
		size_t n, plen;
		const char *p = piece(s + i, len - i, esc, &n, &plen);
		w += p == esc ? plen : 1;   /* a character shown as itself: one column */
		i += n;
	}
	return w;
}
