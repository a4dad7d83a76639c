/* csv.c - the streaming RFC 4180 reader (contract in csv.h).
 * Bytes come through one input buffer; an unquoted field is found with a
 * table of the few bytes that end or disturb it and copied in one piece, so a
 * large file costs about one pass over its bytes. Line numbers count LF bytes,
 * inside quoted fields too, so a record's line is the physical line where it
 * starts. Nothing is allocated per record once the buffers have grown. */
#include "csv.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define INPUT_CHUNK 65536

struct csv_reader {
	FILE *in;
	char *buf;              /* unread input is buf[pos..len) */
	size_t cap, pos, len;
	bool eof;
	bool read_error;

	char *rec;              /* the current record's fields, unquoted, each NUL-ended */
	size_t rec_len, rec_cap;
	csv_field *fields;
	size_t *offsets;        /* field starts in rec, made pointers once the record is whole */
	size_t nfields, fields_cap;

	char delim;
	bool started;           /* BOM and delimiter done */
	bool stopped;
	long line;              /* line of the next unread byte */
	long rec_line;
	const char *problem;
	unsigned char ends_unquoted[256];  /* bytes that stop a run of unquoted data */
	unsigned char ends_quoted[256];    /* bytes that stop a run of quoted data */
};

csv_reader *csv_open(FILE *in)
{
	csv_reader *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->in = in;
	r->cap = INPUT_CHUNK;
	r->buf = malloc(r->cap);
	r->rec_cap = 4096;
	r->rec = malloc(r->rec_cap);
	r->fields_cap = 32;
	r->fields = malloc(r->fields_cap * sizeof *r->fields);
	r->offsets = malloc(r->fields_cap * sizeof *r->offsets);
	if (!r->buf || !r->rec || !r->fields || !r->offsets) {
		csv_close(r);
		return NULL;
	}
	r->line = 1;
	return r;
}

void csv_close(csv_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	free(r->rec);
	free(r->fields);
	free(r->offsets);
	free(r);
}

/* Reads more input after buf[len), keeping the unread bytes (they may move to
 * the start of the buffer, so callers index from pos). Grows the buffer only
 * when it is full of unread bytes, which happens only while the header is
 * scanned. Returns false at the end of input or on a read error. */
static bool refill(csv_reader *r)
{
	if (r->eof)
		return false;
	if (r->pos > 0) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap) {
		char *bigger = realloc(r->buf, r->cap * 2);
		if (!bigger) {
			r->read_error = true;
			r->eof = true;
			return false;
		}
		r->buf = bigger;
		r->cap *= 2;
	}
	const size_t n = fread(r->buf + r->len, 1, r->cap - r->len, r->in);
	if (n == 0) {
		if (ferror(r->in))
			r->read_error = true;
		r->eof = true;
		return false;
	}
	r->len += n;
	return true;
}

static int peek_slow(csv_reader *r, size_t ahead)
{
	while (r->len - r->pos <= ahead)
		if (!refill(r))
			return -1;
	return (unsigned char)r->buf[r->pos + ahead];
}

/* The byte at pos + AHEAD (AHEAD is 0 or 1), or -1 past the end of input. */
static inline int peek(csv_reader *r, size_t ahead)
{
	if (r->len - r->pos > ahead)
		return (unsigned char)r->buf[r->pos + ahead];
	return peek_slow(r, ahead);
}

static int stop(csv_reader *r, const char *why)
{
	r->stopped = true;
	r->problem = why;
	return -1;
}

/* The record buffer holds the fields, each followed by its NUL (so a record
 * of CSV_MAX_RECORD bytes, fields and delimiters, fills CSV_MAX_RECORD + 1),
 * and one byte spare: it never grows past that, so the limit is exact. */
#define REC_CAP_MOST ((size_t)CSV_MAX_RECORD + 2)

static bool rec_grow(csv_reader *r, size_t n)
{
	if (r->rec_len + n + 1 > REC_CAP_MOST)
		return false;
	size_t cap = r->rec_cap;
	while (cap < r->rec_len + n + 1)
		cap *= 2;
	if (cap > REC_CAP_MOST)
		cap = REC_CAP_MOST;
	char *bigger = realloc(r->rec, cap);
	if (!bigger)
		return false;
	r->rec = bigger;
	r->rec_cap = cap;
	return true;
}

/* Appends N bytes to the record; false when it would grow too long. */
static inline bool rec_append(csv_reader *r, const char *p, size_t n)
{
	if (r->rec_len + n + 1 > r->rec_cap && !rec_grow(r, n))
		return false;
	memcpy(r->rec + r->rec_len, p, n);
	r->rec_len += n;
	return true;
}

/* Skips a UTF-8 byte order mark and picks the delimiter from the first
 * record: whichever of `,` and `;` occurs more often outside quotes. False
 * (stopped) when the file is UTF-16: its NULs would each be a problem of
 * their own, and the cure is to save it as UTF-8. */
static bool start(csv_reader *r)
{
	r->started = true;
	/* Enough of the start to see NULs in every other byte. */
	while (r->len - r->pos < 64 && refill(r))
		;
	const size_t head = r->len - r->pos < 64 ? r->len - r->pos : 64;
	switch (utf8_utf16(r->buf + r->pos, head)) {
	case UTF16_BOM:
		r->rec_line = 1;
		stop(r, "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8");
		return false;
	case UTF16_NULS:
		r->rec_line = 1;
		stop(r, "the file is UTF-16 (every other byte is NUL); save it as UTF-8");
		return false;
	case UTF16_NO:
		break;
	}
	if (peek(r, 0) == 0xEF && peek(r, 1) == 0xBB) {
		while (r->len - r->pos < 3 && refill(r))
			;
		if (r->len - r->pos >= 3 && (unsigned char)r->buf[r->pos + 2] == 0xBF)
			r->pos += 3;
	}
	long commas = 0, semicolons = 0;
	bool in_quotes = false;
	for (size_t k = 0; k < (size_t)CSV_MAX_RECORD; k++) {
		if (r->pos + k == r->len && !refill(r))
			break;
		const char c = r->buf[r->pos + k];
		if (c == '"')
			in_quotes = !in_quotes; /* "" inside quotes toggles twice */
		else if (in_quotes)
			continue;
		else if (c == '\n')
			break;
		else if (c == ',')
			commas++;
		else if (c == ';')
			semicolons++;
	}
	r->delim = semicolons > commas ? ';' : ',';
	r->ends_unquoted[(unsigned char)r->delim] = 1;
	r->ends_unquoted['\n'] = 1;
	r->ends_unquoted['\r'] = 1;
	r->ends_unquoted[0] = 1;
	r->ends_quoted['"'] = 1;
	r->ends_quoted['\n'] = 1;
	r->ends_quoted[0] = 1;
	return true;
}

/* Reads unquoted data up to a delimiter, a line end or the end of input,
 * which it leaves unread. False when the record grew too long. */
static bool read_unquoted(csv_reader *r)
{
	for (;;) {
		const char *const start = r->buf + r->pos, *const end = r->buf + r->len;
		const char *p = start;
		while (p < end && !r->ends_unquoted[(unsigned char)*p])
			p++;
		if (!rec_append(r, start, (size_t)(p - start)))
			return false;
		r->pos = (size_t)(p - r->buf);
		if (p < end && (*p == r->delim || *p == '\n'))
			return true; /* the common case, without a call */
		const int c = peek(r, 0);
		if (c < 0 || c == r->delim || c == '\n')
			return true;
		if (c == '\r') {
			const int next = peek(r, 1);
			if (next == '\n' || next < 0)
				return true;
		} else if (c == 0 && !r->problem) {
			r->problem = "a NUL byte in a field";
		}
		if (!rec_append(r, r->buf + r->pos, 1))
			return false;
		r->pos++;
	}
}

/* Reads a quoted field's content after its opening quote, and whatever
 * follows the closing quote up to the next delimiter or line end. */
static bool read_quoted(csv_reader *r)
{
	for (;;) {
		size_t i = r->pos;
		while (i < r->len && !r->ends_quoted[(unsigned char)r->buf[i]])
			i++;
		if (!rec_append(r, r->buf + r->pos, i - r->pos))
			return false;
		r->pos = i;
		const int c = peek(r, 0);
		if (c < 0) {
			if (!r->problem)
				r->problem = "a quoted field that is never closed";
			return true;
		}
		if (!r->ends_quoted[c])
			continue; /* the buffer ran out in plain text: scan on */
		if (c == '"') {
			if (peek(r, 1) == '"') {
				if (!rec_append(r, "\"", 1))
					return false;
				r->pos += 2;
				continue;
			}
			r->pos++;
			break;
		}
		if (c == '\n')
			r->line++;
		else if (!r->problem)
			r->problem = "a NUL byte in a field";
		if (!rec_append(r, r->buf + r->pos, 1))
			return false;
		r->pos++;
	}
	const int after = peek(r, 0);
	if (after < 0 || after == r->delim || after == '\n')
		return true;
	if (after == '\r') {
		const int next = peek(r, 1);
		if (next == '\n' || next < 0)
			return true;
	}
	if (!r->problem)
		r->problem = "text after a closing quote";
	return read_unquoted(r);
}

static bool add_field(csv_reader *r, size_t start, bool quoted)
{
	if (r->nfields == r->fields_cap) {
		const size_t cap = r->fields_cap * 2;
		csv_field *f = realloc(r->fields, cap * sizeof *f);
		if (!f)
			return false;
		r->fields = f;
		size_t *o = realloc(r->offsets, cap * sizeof *o);
		if (!o)
			return false;
		r->offsets = o;
		r->fields_cap = cap;
	}
	r->offsets[r->nfields] = start;
	r->fields[r->nfields].len = r->rec_len - start;
	r->fields[r->nfields].quoted = quoted;
	r->nfields++;
	return rec_append(r, "", 1);
}

/* Consumes empty physical lines; false at the end of input. */
static bool skip_empty_lines(csv_reader *r)
{
	for (;;) {
		const int c = peek(r, 0);
		if (c < 0)
			return false;
		if (c == '\r') {
			const int next = peek(r, 1);
			if (next >= 0 && next != '\n')
				return true; /* a lone CR is data */
			r->pos++;
			if (next < 0)
				return false;
		} else if (c != '\n') {
			return true;
		}
		r->pos++;
		r->line++;
	}
}

int csv_next(csv_reader *r)
{
	if (r->stopped)
		return -1;
	if (!r->started && !start(r))
		return -1;
	r->problem = NULL;
	r->nfields = 0;
	r->rec_len = 0;
	if (!skip_empty_lines(r))
		return r->read_error ? stop(r, "cannot read the file") : 0;
	r->rec_line = r->line;
	for (;;) {
		const size_t field_start = r->rec_len;
		const bool quoted = peek(r, 0) == '"';
		if (quoted)
			r->pos++;
		if (!(quoted ? read_quoted(r) : read_unquoted(r)) ||
		    !add_field(r, field_start, quoted))
			return stop(r, "a record longer than 1 MiB (is a quote never closed?)");
		const int c = peek(r, 0);
		if (c == r->delim) {
			r->pos++;
			continue;
		}
		if (c == '\r')
			r->pos++;
		if (peek(r, 0) == '\n') {
			r->pos++;
			r->line++;
		}
		break;
	}
	if (r->read_error)
		return stop(r, "cannot read the file");
	for (size_t i = 0; i < r->nfields; i++)
		r->fields[i].s = r->rec + r->offsets[i];
	return 1;
}

const csv_field *csv_fields(const csv_reader *r, size_t *n)
{
	*n = r->nfields;
	return r->fields;
}

long csv_line(const csv_reader *r)
{
	return r->rec_line;
}

const char *csv_problem(const csv_reader *r)
{
	return r->problem;
}

char csv_delimiter(const csv_reader *r)
{
	return r->delim;
}
