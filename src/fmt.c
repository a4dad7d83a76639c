/* fmt.c - the formatter. Works on words, not on the syntax tree, so every
 * comment survives where it was: a line is split into words (quoted text,
 * operators, runs of other characters) and a trailing comment; a statement is
 * its first line plus the indented lines that continue it. */
#include "fmt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LINE_WORDS = 256, ALIGN_CAP = 56 };

typedef struct fword {
	const char *s;
	size_t len;
} fword;

typedef struct fline {
	fword w[MAX_LINE_WORDS];
	int n;
	const char *comment;     /* from '#' to the end, trailing blanks dropped */
	size_t comment_len;
	bool indented, blank;
} fline;

typedef struct buf {
	char *s;
	size_t n, cap;
	bool failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *grown = realloc(b->s, cap);
		if (!grown) {
			b->failed = true;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void spaces(buf *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(b, " ", 1);
}

static bool is_op_char(char c)
{
	return strchr("<>=!-(){},", c) != NULL;
}

/* Splits one physical line into words and a trailing comment. */
static void split_line(const char *s, size_t len, fline *l)
{
	memset(l, 0, sizeof *l);
	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	size_t i = 0;
	l->indented = len > 0 && (s[0] == ' ' || s[0] == '\t');
	while (i < len) {
		const char c = s[i];
		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == '#') {
			l->comment = s + i;
			l->comment_len = len - i;
			break;
		}
		const size_t start = i;
		if (c == '"') {
			i++;
			while (i < len && s[i] != '"') {
				if (s[i] == '\\' && i + 1 < len)
					i++;
				i++;
			}
			if (i < len)
				i++;
		} else if (c == '-' && i + 1 < len && s[i + 1] == '>') {
			i += 2;
		} else if ((c == '<' || c == '>' || c == '!') && i + 1 < len && s[i + 1] == '=') {
			i += 2;
		} else if (is_op_char(c) && c != '-') {
			i++;
		} else {
			/* A word: up to a blank, a quote, a comment or an operator
			 * (a '-' inside a word, as in follow-up or 2024-06, stays). */
			while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '"' && s[i] != '#' &&
			       !(is_op_char(s[i]) && s[i] != '-') && !(s[i] == '-' && i + 1 < len && s[i + 1] == '>'))
				i++;
		}
		if (l->n < MAX_LINE_WORDS)
			l->w[l->n++] = (fword){ s + start, i - start };
	}
	l->blank = l->n == 0 && !l->comment;
}

static bool word_is(const fword *w, const char *s)
{
	return w->len == strlen(s) && memcmp(w->s, s, w->len) == 0;
}

/* Words FROM..TO of L with canonical spacing, appended to B; returns width. */
static size_t render(buf *b, const fline *l, int from, int to)
{
	const size_t before = b->n;
	for (int i = from; i < to; i++) {
		const fword *w = &l->w[i];
		if (i > from && !word_is(w, ")") && !word_is(w, "}") && !word_is(w, ",") &&
		    !word_is(&l->w[i - 1], "(") && !word_is(&l->w[i - 1], "{"))
			put(b, " ", 1);
		put(b, w->s, w->len);
	}
	/* Columns, counting a UTF-8 sequence once. */
	size_t width = 0;
	for (size_t i = before; b->s && i < b->n; i++)
		width += ((unsigned char)b->s[i] & 0xC0) != 0x80;
	return width;
}

static size_t render_width(const fline *l, int from, int to)
{
	buf tmp = { 0 };
	const size_t w = render(&tmp, l, from, to);
	free(tmp.s);
	return w;
}

static void comment(buf *b, const fline *l, bool trailing)
{
	if (!l->comment)
		return;
	if (trailing)
		puts_(b, "  ");
	put(b, l->comment, l->comment_len);
}

static int arrow_at(const fline *l)
{
	int depth = 0;
	for (int i = 0; i < l->n; i++) {
		if (word_is(&l->w[i], "(") || word_is(&l->w[i], "{"))
			depth++;
		else if (word_is(&l->w[i], ")") || word_is(&l->w[i], "}"))
			depth--;
		else if (depth == 0 && word_is(&l->w[i], "->"))
			return i;
	}
	return -1;
}

enum kind { K_OTHER, K_RULE, K_BUCKET, K_LABEL };

typedef struct stmt {
	int first, last;         /* line indexes: the first line and its continuations */
	enum kind kind;
} stmt;

static enum kind kind_of(const fline *l)
{
	if (l->n == 0)
		return K_OTHER;
	if (word_is(&l->w[0], "bucket"))
		return K_BUCKET;
	if (word_is(&l->w[0], "label"))
		return K_LABEL;
	if (arrow_at(l) > 0 && !word_is(&l->w[0], "exclude") && !word_is(&l->w[0], "skip"))
		return K_RULE;
	return K_OTHER;
}

char *fmt_rules(const char *text, size_t len, size_t *out_len)
{
	/* Lines. */
	size_t nlines = 1;
	for (size_t i = 0; i < len; i++)
		nlines += text[i] == '\n';
	fline *lines = calloc(nlines, sizeof *lines);
	stmt *stmts = calloc(nlines, sizeof *stmts);
	if (!lines || !stmts) {
		free(lines);
		free(stmts);
		return NULL;
	}
	size_t n = 0;
	for (const char *p = text, *end = text + len; p <= end && n < nlines;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		split_line(p, l, &lines[n++]);
		if (!nl)
			break;
		p = nl + 1;
	}
	/* Statements: a code line that is not indented starts one; indented code
	 * lines (and comment lines between them) continue it. */
	int ns = 0;
	for (size_t i = 0; i < n; i++) {
		if (lines[i].n == 0)
			continue;
		if (lines[i].indented && ns > 0) {
			/* Continuation only when nothing but comments lie between. */
			bool only_comments = true;
			for (size_t j = (size_t)stmts[ns - 1].last + 1; j < i; j++)
				only_comments = only_comments && !lines[j].blank;
			if (only_comments) {
				stmts[ns - 1].last = (int)i;
				continue;
			}
		}
		stmts[ns].first = stmts[ns].last = (int)i;
		stmts[ns].kind = kind_of(&lines[i]);
		ns++;
	}
	/* Alignment columns per run of consecutive one-line statements of a kind. */
	size_t *col = calloc((size_t)ns + 1, sizeof *col);
	if (!col) {
		free(lines);
		free(stmts);
		return NULL;
	}
	for (int s = 0; s < ns;) {
		const enum kind k = stmts[s].kind;
		int e = s;
		size_t width = 0;
		while (e < ns && stmts[e].kind == k && (k == K_RULE || k == K_BUCKET) &&
		       (e == s || stmts[e].first == stmts[e - 1].last + 1 ||
			(stmts[e].first == stmts[e - 1].last + 2 && !lines[stmts[e - 1].last + 1].blank))) {
			const fline *l = &lines[stmts[e].first];
			size_t w = k == K_RULE ? (stmts[e].first == stmts[e].last ? render_width(l, 0, arrow_at(l)) : 0)
					       : render_width(l, 0, l->n < 2 ? l->n : 2);
			if (w <= ALIGN_CAP && w > width)
				width = w;
			e++;
		}
		if (e == s)
			e = s + 1;
		for (int i = s; i < e; i++)
			col[i] = width;
		s = e;
	}
	buf b = { 0 };
	size_t prev_end = 0;   /* the line after the last printed statement */
	bool printed = false;
	int si = 0;
	for (size_t i = 0; i < n; i++) {
		const fline *l = &lines[i];
		if (si < ns && (size_t)stmts[si].first == i) {
			const stmt *st = &stmts[si];
			size_t cont_indent = 4;
			if (st->kind == K_RULE && st->first == st->last) {
				const int a = arrow_at(l);
				const size_t w = render(&b, l, 0, a);
				spaces(&b, col[si] > w ? col[si] - w + 1 : 1);
				render(&b, l, a, l->n);
			} else if (st->kind == K_BUCKET && l->n >= 2) {
				const size_t w = render(&b, l, 0, 2);
				const size_t c = col[si] > w ? col[si] : w;
				if (l->n > 2) {
					spaces(&b, c - w + 2);
					render(&b, l, 2, l->n);
				}
				cont_indent = c + 2;
			} else if (st->kind == K_LABEL && l->n >= 3) {
				const size_t w = render(&b, l, 0, 3);
				if (l->n > 3) {
					put(&b, " ", 1);
					render(&b, l, 3, l->n);
				}
				cont_indent = w + 1;
			} else {
				render(&b, l, 0, l->n);
			}
			comment(&b, l, true);
			put(&b, "\n", 1);
			for (int j = st->first + 1; j <= st->last; j++) {
				spaces(&b, cont_indent);
				render(&b, &lines[j], 0, lines[j].n);
				comment(&b, &lines[j], lines[j].n > 0);
				put(&b, "\n", 1);
			}
			i = (size_t)st->last;
			prev_end = i + 1;
			printed = true;
			si++;
			continue;
		}
		if (l->blank) {
			/* At most one blank line, none at the start, none at the end. */
			if (printed && i > 0 && !lines[i - 1].blank) {
				bool more = false;
				for (size_t j = i + 1; j < n && !more; j++)
					more = !lines[j].blank;
				if (more)
					put(&b, "\n", 1);
			}
			continue;
		}
		/* A comment line standing on its own. */
		comment(&b, l, false);
		put(&b, "\n", 1);
		printed = true;
		prev_end = i + 1;
	}
	(void)prev_end;
	free(lines);
	free(stmts);
	free(col);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	if (!b.s) {
		b.s = calloc(1, 1);
		if (!b.s)
			return NULL;
	}
	*out_len = b.n;
	return b.s;
}
