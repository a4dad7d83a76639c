/* csvout.c - the CSV writer (contract in csvout.h). A cell of printable
 * ASCII without `,` `;` `"` that does not begin like a formula, which is
 * nearly every cell, is found in one pass and copied in one piece; any other
 * goes through encode, which decides quotes, the apostrophe and escapes. */
#include "csvout.h"

#include <string.h>

#include "text.h"

/* Is S a cell that needs nothing: no `,` `;` `"`, only printable ASCII?
 * Then *LEN gets its length. strcspn (vectorised in the C library) finds
 * the three and the end; the rest is checked a word at a time. */
static bool plain_cell(const char *s, size_t *len)
{
	const size_t n = strcspn(s, ",;\"");
	if (s[n] != '\0' || text_printable_run(s, n) != n)
		return false;
	*len = n;
	return true;
}

/* What begins a formula in a spreadsheet (OWASP's list). */
static inline bool formula_char(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* May a cell beginning with C begin a formula, perhaps behind apostrophes?
 * Only then does encode look further. */
static inline bool formula_lead(char c)
{
	return formula_char(c) || c == '\'';
}

/* Does S begin, after any apostrophes, with what begins a formula? */
static bool starts_formula(const char *s)
{
	while (*s == '\'')
		s++;
	return formula_char(*s);
}

/* Where encode writes: the writer's buffer, or a stream. */
typedef struct sink {
	csvout *w;
	FILE *f;
} sink;

/* A write to the stream fell short. stdio keeps no errno with a stream, and
 * empties its buffer when a write fails, so the caller's last fflush would
 * find nothing left to write and could not say why the output failed
 * ("Input/output error" for a full disk). A byte left in the stream's
 * buffer after each failure makes that flush meet the same error, with its
 * errno; the output is incomplete already. */
static void fell_short(csvout *w)
{
	fputc('\n', w->f);
	w->failed = true;
}

static void flush_buffer(csvout *w)
{
	if (w->len && fwrite(w->buf, 1, w->len, w->f) != w->len)
		fell_short(w);
	w->len = 0;
}

static inline void buf_put(csvout *w, const char *s, size_t n)
{
	if (n > sizeof w->buf - w->len) {
		flush_buffer(w);
		if (n > sizeof w->buf) {
			if (fwrite(s, 1, n, w->f) != n)
				fell_short(w);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void put(sink *k, const char *s, size_t n)
{
	if (k->w)
		buf_put(k->w, s, n);
	else
		fwrite(s, 1, n, k->f);
}

/* Writes S as one cell, whatever it holds. */
static void encode(sink *k, const char *s)
{
	const size_t len = strlen(s);
	const bool formula = starts_formula(s);
	const bool quote = formula || s[strcspn(s, ",;\"")] != '\0';
	if (quote)
		put(k, "\"", 1);
	if (formula)
		put(k, "'", 1);
	size_t from = 0, i = 0;   /* s[from..i) waits to be written as it is */
	while (i < len) {
		const unsigned char c = (unsigned char)s[i];
		if (c != '"' && ((unsigned char)(c - 0x20) < 0x5f || c == '\t')) {
			i++;
			continue;
		}
		if (c == '"') {
			put(k, s + from, i + 1 - from);
			from = i;     /* the quote again: doubled */
			i++;
			continue;
		}
		enum text_kind kind;
		uint32_t cp;
		const size_t n = text_char(s + i, len - i, &kind, &cp);
		if (kind == TEXT_CONTROL || kind == TEXT_NOT_UTF8) {
			char esc[TEXT_ESCAPE_MAX];
			put(k, s + from, i - from);
			put(k, esc, text_escape_char(kind, cp, esc));
			from = i + n;
		}
		i += n;
	}
	put(k, s + from, len - from);
	if (quote)
		put(k, "\"", 1);
}

void csvout_init(csvout *w, FILE *f)
{
	w->f = f;
	w->mid_row = false;
	w->sep = ',';
	w->failed = false;
	w->len = 0;
	memset(w->memo, 0, sizeof w->memo);
}

void csvout_set_separator(csvout *w, char sep)
{
	w->sep = sep == ';' ? ';' : ',';
}

static inline void separate(csvout *w)
{
	if (w->mid_row) {
		if (w->len == sizeof w->buf)
			flush_buffer(w);
		w->buf[w->len++] = w->sep;
	}
	w->mid_row = true;
}

void csvout_text(csvout *w, const char *s)
{
	separate(w);
	size_t n;
	if (plain_cell(s, &n) && !formula_lead(s[0])) {
		buf_put(w, s, n);
		return;
	}
	sink k = { w, NULL };
	encode(&k, s);
}

void csvout_text_repeated(csvout *w, const char *s)
{
	separate(w);
	const size_t slot = ((uintptr_t)s >> 3) % CSVOUT_MEMO;
	if (w->memo[slot].s != s) {
		size_t n;
		w->memo[slot].s = s;
		w->memo[slot].len = plain_cell(s, &n) && !formula_lead(s[0]) ? n : (size_t)-1;
	}
	if (w->memo[slot].len != (size_t)-1) {
		buf_put(w, s, w->memo[slot].len);
		return;
	}
	sink k = { w, NULL };
	encode(&k, s);
}

void csvout_number(csvout *w, const char *s)
{
	separate(w);
	buf_put(w, s, strlen(s));
}

void csvout_int(csvout *w, int64_t n)
{
	char num[24];
	const int len = snprintf(num, sizeof num, "%lld", (long long)n);
	separate(w);
	buf_put(w, num, (size_t)len);
}

void csvout_cents(csvout *w, cents_t cents)
{
	char num[24];
	const size_t len = vr_cents_format(cents, num);
	separate(w);
	buf_put(w, num, len);
}

void csvout_empty(csvout *w)
{
	separate(w);
}

void csvout_end_row(csvout *w)
{
	if (w->len == sizeof w->buf)
		flush_buffer(w);
	w->buf[w->len++] = '\n';
	w->mid_row = false;
}

bool csvout_flush(csvout *w)
{
	flush_buffer(w);
	return !w->failed;
}

void csvout_field(FILE *f, const char *s)
{
	sink k = { NULL, f };
	encode(&k, s);
}
