/* hint.c - the phrasings people write for a condition and the forms that
 * say what they mean. Each hint quotes the writer's own words back, put
 * right, so that doing what it says gives the policy that was meant:
 *
 *   any age 18-26                 -> any age between 18 and 26
 *   rent arrears > 575            -> rent > 575
 *   2 or more creditors           -> >= 2 creditors
 *   within the last 3 months      -> within 3 months / in previous 3 months
 *   A unless B, A except B        -> A and not B
 *   else on a line of its own     -> indent it: it continues the label
 *   any age >= 18 and age <= 26   -> any age between 18 and 26
 *
 * None of these is accepted as it stands: each is ambiguous or against the
 * one layout rule (docs/language.md, section 17, says why for each). */
#include "hint.h"

#include <stdio.h>
#include <string.h>

#include "types.h"

/* ---- source text ---------------------------------------------------------- */

/* Line LINE of SRC: its start, and its length in *LEN (no line end). */
static const char *line_of(const diag_source *src, int line, size_t *len)
{
	if (!src || !src->text || line < 1)
		return NULL;
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < line; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return NULL;
		p = nl + 1;
	}
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	*len = (size_t)((nl ? nl : end) - p);
	if (*len && p[*len - 1] == '\r')
		(*len)--;
	return p;
}

/* The text LOC spans, when it lies on one line, into BUF. */
static bool slice(const diag_source *src, diag_loc loc, char *buf, size_t size)
{
	size_t len;
	const char *p = line_of(src, loc.line, &len);
	if (!p || loc.end_line != loc.line || loc.col < 1 || loc.end_col <= loc.col ||
	    (size_t)loc.end_col - 1 > len || (size_t)(loc.end_col - loc.col) >= size)
		return false;
	const size_t n = (size_t)(loc.end_col - loc.col);
	memcpy(buf, p + loc.col - 1, n);
	buf[n] = '\0';
	return true;
}

/* ---- the checker's hints --------------------------------------------------- */

static bool is_name(const ast_expr *e, const char *text)
{
	return e && e->kind == E_NAME && strcmp(e->u.name.text, text) == 0;
}

/* The condition of an `any`/`all` that compares field FIELD: its comparison
 * (E_CMP with the field on the left, E_BETWEEN or E_IN of it), or NULL. */
static const ast_expr *field_cond(const ast_expr *agg, const char *field)
{
	if (!agg || agg->kind != E_AGG || (agg->u.agg.agg != AGG_ANY && agg->u.agg.agg != AGG_ALL))
		return NULL;
	const ast_expr *c = agg->u.agg.cond;
	if (!c)
		return NULL;
	if ((c->kind == E_CMP && is_name(c->u.cmp.lhs, field)) ||
	    (c->kind == E_BETWEEN && is_name(c->u.between.value, field)) ||
	    (c->kind == E_IN && is_name(c->u.in.value, field)))
		return c;
	return NULL;
}

static bool lower(enum ast_cmp op)
{
	return op == CMP_GT || op == CMP_GE;
}

static bool upper(enum ast_cmp op)
{
	return op == CMP_LT || op == CMP_LE;
}

/* `WORD FIELD between LO and HI`, when L and R are the bounds `FIELD >= LO`
 * and `FIELD <= HI` (in either order), into BUF. */
static bool as_between(const diag_source *src, const char *word, const char *field, const ast_expr *l,
		       const ast_expr *r, char *buf, size_t size)
{
	if (l->kind != E_CMP || r->kind != E_CMP)
		return false;
	if (l->u.cmp.op == CMP_LE && r->u.cmp.op == CMP_GE) {
		const ast_expr *t = l;
		l = r;
		r = t;
	}
	char lo[64], hi[64];
	if (l->u.cmp.op != CMP_GE || r->u.cmp.op != CMP_LE || !slice(src, l->u.cmp.rhs->loc, lo, sizeof lo) ||
	    !slice(src, r->u.cmp.rhs->loc, hi, sizeof hi))
		return false;
	snprintf(buf, size, "%s %s between %s and %s", word, field, lo, hi);
	return true;
}

bool hint_same_signal(const diag_source *src, const ast_expr *left, const ast_expr *right,
		      const ast_expr *name, char *buf, size_t size)
{
	/* LEFT may be a chain of `and`s: the condition next to RIGHT is its last. */
	while (left && left->kind == E_AND)
		left = left->u.bin.rhs;
	const char *field = name->u.name.text;
	const ast_expr *lc = field_cond(left, field);
	if (!lc || !right)
		return false;
	const bool operand = (right->kind == E_CMP && right->u.cmp.lhs == name) ||
			     (right->kind == E_BETWEEN && right->u.between.value == name) ||
			     (right->kind == E_IN && right->u.in.value == name);
	char l[160], r[160], between[200];
	if (!operand || !slice(src, lc->loc, l, sizeof l) || !slice(src, right->loc, r, sizeof r))
		return false;
	const char *word = left->u.agg.agg == AGG_ANY ? "any" : "all";
	if (as_between(src, word, field, lc, right, between, sizeof between))
		snprintf(buf, size, "`%s` is a field of each signal; to ask both of one signal, say `%s` or `%s (%s and %s)`",
			 field, between, word, l, r);
	else
		snprintf(buf, size, "`%s` is a field of each signal; to ask both of one signal, say `%s (%s and %s)`",
			 field, word, l, r);
	return true;
}

/* The field, direction and bound of `any FIELD CMP LITERAL`. */
typedef struct bound {
	const ast_expr *agg, *cmp;
	int field;
	bool is_lower;
} bound;

static bool a_bound(const ast_expr *e, bound *b)
{
	if (!e || e->kind != E_AGG || e->u.agg.agg != AGG_ANY || e->u.agg.over_outcomes || !e->u.agg.cond)
		return false;
	const ast_expr *c = e->u.agg.cond;
	if (c->kind != E_CMP || (!lower(c->u.cmp.op) && !upper(c->u.cmp.op)))
		return false;
	const ast_expr *f = c->u.cmp.lhs, *v = c->u.cmp.rhs;
	if (f->kind != E_NAME || f->u.name.ref != REF_SIGNAL_FIELD ||
	    (v->kind != E_INT && v->kind != E_DECIMAL && v->kind != E_MONEY))
		return false;
	*b = (bound){ e, c, f->u.name.index, lower(c->u.cmp.op) };
	return true;
}

bool hint_two_signals(const diag_source *src, const ast_expr *a, const ast_expr *b, char *buf, size_t size)
{
	bound x, y;
	if (!a_bound(a, &x) || !a_bound(b, &y) || x.field != y.field || x.is_lower == y.is_lower)
		return false;
	const ast_window wa = a->u.agg.window, wb = b->u.agg.window;
	if (wa.kind != wb.kind || (wa.kind != WIN_THIS_MONTH && wa.months != wb.months))
		return false;
	char ta[160], tb[160], ca[160], cb[160], between[200];
	if (!slice(src, a->loc, ta, sizeof ta) || !slice(src, b->loc, tb, sizeof tb) ||
	    !slice(src, x.cmp->loc, ca, sizeof ca) || !slice(src, y.cmp->loc, cb, sizeof cb))
		return false;
	const char *field = x.cmp->u.cmp.lhs->u.name.text;
	char window[64] = "";
	if (wa.given)
		slice(src, wa.loc, window + 1, sizeof window - 1) && (window[0] = ' ');
	if (as_between(src, "any", field, x.cmp, y.cmp, between, sizeof between - strlen(window))) {
		strcat(between, window);
		snprintf(buf, size, "`%s` and `%s` may hold for two different signals, one for each bound; to ask both "
			 "of one signal, say `%s` or `any (%s and %s)%s`", ta, tb, between, ca, cb, window);
	} else {
		snprintf(buf, size, "`%s` and `%s` may hold for two different signals, one for each bound; to ask both "
			 "of one signal, say `any (%s and %s)%s`", ta, tb, ca, cb, window);
	}
	return true;
}

/* ---- the parser's hints ---------------------------------------------------- */

enum { MAX_TOKENS = 64 };

typedef struct token {
	const char *s;
	size_t len;
	int col;
} token;

/* Splits a line into rough tokens: words and numbers (with `.` and `-`
 * inside), quoted text, two-character operators, other single characters;
 * a comment ends it. */
static int tokens(const char *line, size_t len, token *t)
{
	int n = 0;
	size_t i = 0;
	while (i < len && n < MAX_TOKENS) {
		const char c = line[i];
		if (c == ' ' || c == '\t') {
			i++;
			continue;
		}
		if (c == '#')
			break;
		const size_t start = i;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
			while (i < len && ((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z') ||
					   (line[i] >= '0' && line[i] <= '9') || line[i] == '_' || line[i] == '.' ||
					   (line[i] == '-' && i + 1 < len && line[i + 1] >= '0' && line[i + 1] <= '9')))
				i++;
		} else if (c == '"') {
			const char *q = memchr(line + i + 1, '"', len - i - 1);
			i = q ? (size_t)(q - line) + 1 : len;
		} else if (i + 1 < len && ((c == '-' && line[i + 1] == '>') || (strchr("<>!=", c) && line[i + 1] == '='))) {
			i += 2;
		} else {
			i++;
		}
		t[n++] = (token){ line + start, i - start, (int)start + 1 };
	}
	return n;
}

static bool word(const token *t, const char *s)
{
	return t->len == strlen(s) && memcmp(t->s, s, t->len) == 0;
}

static bool number(const token *t)
{
	for (size_t i = 0; i < t->len; i++)
		if ((t->s[i] < '0' || t->s[i] > '9') && t->s[i] != '.')
			return false;
	return t->len > 0;
}

/* The tokens FROM .. TO-1 as written, into BUF (at most SIZE). */
static const char *text(const token *t, int from, int to, char *buf, size_t size)
{
	buf[0] = '\0';
	if (from >= to)
		return buf;
	const char *start = t[from].s;
	const size_t n = (size_t)(t[to - 1].s + t[to - 1].len - start);
	snprintf(buf, size, "%.*s", (int)n, start);
	return buf;
}

/* Where the condition after token K ends: at `->`, or the end of the line. */
static int cond_end(const token *t, int n, int k)
{
	for (int i = k; i < n; i++)
		if (word(&t[i], "->") || word(&t[i], ","))
			return i;
	return n;
}

/* Where the condition before token K starts: after the last `when` before
 * it, after `define NAME =`, else at the start of the line. */
static int cond_start(const token *t, int k)
{
	for (int i = k - 1; i >= 0; i--)
		if (word(&t[i], "when"))
			return i + 1;
	return k > 3 && word(&t[0], "define") && word(&t[2], "=") ? 3 : 0;
}

static bool has_word(const token *t, int from, int to, const char *w)
{
	for (int i = from; i < to; i++)
		if (word(&t[i], w))
			return true;
	return false;
}

/* `N-M` at token K: a range. */
static bool range_hint(const token *t, int k, char *buf, size_t size)
{
	const char *dash = memchr(t[k].s, '-', t[k].len);
	if (!dash || dash == t[k].s)
		return false;
	for (const char *c = t[k].s; c < t[k].s + t[k].len; c++)
		if (c != dash && (*c < '0' || *c > '9') && *c != '.')
			return false;
	const int lo = (int)(dash - t[k].s);
	const int hi = (int)t[k].len - lo - 1;
	/* The value ranged over: `any age`, `arrears`, `max days_overdue`. */
	int from = k;
	if (k > 0 && !word(&t[k - 1], "and") && !word(&t[k - 1], "or") && !word(&t[k - 1], "when"))
		from = k - 1;
	if (from > 0 && (word(&t[from - 1], "any") || word(&t[from - 1], "all") || word(&t[from - 1], "max") ||
			 word(&t[from - 1], "min") || word(&t[from - 1], "total")))
		from--;
	char value[128];
	text(t, from, k, value, sizeof value);
	snprintf(buf, size, "`%.*s` is not a number; a range is written with `between` (both ends included): "
		 "`%s%sbetween %.*s and %.*s`", (int)t[k].len, t[k].s, value, value[0] ? " " : "", lo, t[k].s, hi,
		 dash + 1);
	return true;
}

/* The span of tokens FROM .. TO-1 of line LINE. */
static diag_loc span(const token *t, int from, int to, int line)
{
	return (diag_loc){ line, t[from].col, line, t[to - 1].col + (int)t[to - 1].len };
}

/* The statement above line LINE: whether it is a label, and whether its
 * last line ends in a comma. */
static bool label_above(const diag_source *src, int line, bool *comma)
{
	*comma = false;
	bool last = true;
	for (int l = line - 1; l >= 1; l--) {
		size_t len;
		const char *p = line_of(src, l, &len);
		token t[MAX_TOKENS];
		const int n = p ? tokens(p, len, t) : 0;
		if (n == 0)
			continue;
		if (last)
			*comma = word(&t[n - 1], ",");
		last = false;
		if (t[0].col == 1)   /* at the margin: where the statement starts */
			return word(&t[0], "label");
	}
	return false;
}

bool hint_syntax(const diag_source *src, diag_loc *where, char *buf, size_t size)
{
	const diag_loc at = *where;
	size_t len;
	const char *line = line_of(src, at.line, &len);
	if (!line)
		return false;
	token t[MAX_TOKENS];
	const int n = tokens(line, len, t);
	int k = 0;
	while (k < n && t[k].col < at.col)
		k++;
	char a[256], b[256];

	/* At the end of a label's line that ends in a comma: the next case
	 * sits on a line of its own, not indented. */
	if (k == n && n > 0 && word(&t[n - 1], ",") && word(&t[0], "label")) {
		snprintf(buf, size, "the label goes on: indent the line that continues it (a line that starts with a "
			 "blank continues the statement above)");
		return true;
	}
	if (k >= n || t[k].col != at.col)
		return false;
	bool comma;
	if (k == 0 && word(&t[0], "else") && label_above(src, at.line, &comma)) {
		snprintf(buf, size, "`else` continues the label above: %sindent this line (a line that starts with a "
			 "blank continues the statement above)", comma ? "" : "end the label's line with `,` and ");
		return true;
	}
	if (memchr(t[k].s, '-', t[k].len) && t[k].s[0] >= '0' && t[k].s[0] <= '9')
		return range_hint(t, k, buf, size);
	/* `rent arrears > 575`: a sector is already its arrears. */
	if (word(&t[k], "arrears") && k > 0 &&
	    vr_enum_lookup(vr_sector_names, SECTOR_COUNT, t[k - 1].s, t[k - 1].len) >= 0) {
		const int end = cond_end(t, n, k + 1);
		*where = span(t, k - 1, k + 1, at.line);
		text(t, k + 1, end, a, sizeof a);
		snprintf(buf, size, "`%.*s` is already the household's arrears of its %.*s signals: say `%.*s%s%s`",
			 (int)t[k - 1].len, t[k - 1].s, (int)t[k - 1].len, t[k - 1].s, (int)t[k - 1].len, t[k - 1].s,
			 a[0] ? " " : "", a);
		return true;
	}
	/* `2 or more creditors`, `at least 2`, `more than 2`, ... */
	struct { const char *w1, *w2, *op; } const counts[] = {
		{ "or", "more", ">=" }, { "or", "less", "<=" }, { "or", "fewer", "<=" },
	};
	for (size_t i = 0; i < sizeof counts / sizeof *counts; i++)
		if (k >= 3 && word(&t[k - 2], counts[i].w1) && word(&t[k - 1], counts[i].w2) && number(&t[k - 3])) {
			const int end = cond_end(t, n, k);
			*where = span(t, k - 3, k, at.line);
			snprintf(buf, size, "`%.*s %s %s` is written `%s %.*s`: say `%s %.*s %s`", (int)t[k - 3].len, t[k - 3].s,
				 counts[i].w1, counts[i].w2, counts[i].op, (int)t[k - 3].len, t[k - 3].s, counts[i].op,
				 (int)t[k - 3].len, t[k - 3].s, text(t, k, end, a, sizeof a));
			return true;
		}
	struct { const char *w1, *w2, *op; } const phrases[] = {
		{ "at", "least", ">=" }, { "at", "most", "<=" }, { "more", "than", ">" },
		{ "less", "than", "<" }, { "fewer", "than", "<" },
	};
	for (size_t i = 0; i < sizeof phrases / sizeof *phrases; i++)
		if (k >= 1 && k + 1 < n && word(&t[k - 1], phrases[i].w1) && word(&t[k], phrases[i].w2) &&
		    number(&t[k + 1])) {
			const int end = cond_end(t, n, k + 1);
			*where = span(t, k - 1, k + 1, at.line);
			snprintf(buf, size, "`%s %s` is written `%s`: say `%s %s`", phrases[i].w1, phrases[i].w2, phrases[i].op,
				 phrases[i].op, text(t, k + 1, end, a, sizeof a));
			return true;
		}
	/* `within the last 3 months`, `in the last 3 months`. The parser may
	 * stop at `the` or, having read `within NAME` as a named window's
	 * start, at `last`: LEAD is where `within` or `in` stands. */
	int last = -1, lead = k - 1;
	if (word(&t[k], "the") && k + 1 < n && word(&t[k + 1], "last"))
		last = k + 1;
	else if (word(&t[k], "last")) {
		last = k;
		if (k >= 2 && word(&t[k - 1], "the"))
			lead = k - 2;
	}
	if (last >= 0 && lead >= 0 && (word(&t[lead], "within") || word(&t[lead], "in")) && last + 1 < n &&
	    number(&t[last + 1]) && t[last + 1].len <= 4 && !memchr(t[last + 1].s, '.', t[last + 1].len)) {
		long months = 0;   /* at most 4 digits: a window is at most 1000 months */
		for (size_t i = 0; i < t[last + 1].len; i++)
			months = months * 10 + (t[last + 1].s[i] - '0');
		if (months < 1)
			return false;
		const char *unit = months == 1 ? "month" : "months";
		*where = span(t, lead, last + 2 < n && (word(&t[last + 2], "months") || word(&t[last + 2], "month"))
			      ? last + 3 : last + 2, at.line);
		if (months == 1)
			snprintf(buf, size, "`the last month` is ambiguous: say `this month` (the run month) or `in previous "
				 "month` (the month before it)");
		else
			snprintf(buf, size, "`the last %ld %s` is ambiguous: say `within %ld %s` (the run month and the %ld "
				 "before it) or `in previous %ld %s` (the %ld months before the run month)", months, unit, months,
				 unit, months - 1, months, unit, months);
		return true;
	}
	/* `A unless B`, `A except B`: and not. */
	if (word(&t[k], "unless") || word(&t[k], "except")) {
		const int start = cond_start(t, k);
		int from = k + 1;
		if (from < n && (word(&t[from], "when") || word(&t[from], "if") || word(&t[from], "for")))
			from++;
		const int end = cond_end(t, n, from);
		text(t, start, k, a, sizeof a);
		text(t, from, end, b, sizeof b);
		const bool wrap_a = has_word(t, start, k, "or"), wrap_b = has_word(t, from, end, "and") ||
									   has_word(t, from, end, "or");
		snprintf(buf, size, "there is no `%.*s`: say `%s%s%s and not %s%s%s`", (int)t[k].len, t[k].s,
			 wrap_a ? "(" : "", a, wrap_a ? ")" : "", wrap_b ? "(" : "", b, wrap_b ? ")" : "");
		return true;
	}
	return false;
}
