/* checker.c - the semantic pass over a parsed policy. Resolves names in three
 * scopes (the household, one signal, one outcome), types every expression,
 * gives each named number the kind of its uses (one kind each), checks the
 * buckets (capacities, contact terms, feedback codes) and the rules, and
 * warns where a policy is legal but probably not what its author meant.
 * Never changes meaning: its only writes to the tree are annotations (types,
 * resolved names, feedback codes) and turning whole-euro literals compared
 * with money into cents (a named number's value likewise, in its chk_def). */
#include "checker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"
#include "calendar.h"
#include "cond.h"
#include "fields.h"
#include "hint.h"
#include "parse.h"
#include "symtab.h"

const char check_prelude[] =
	"# Built-in definitions (field-policies.md); a policy may redefine each.\n"
	"match when creditors >= 2\n"
	"single when creditors = 1\n"
	"recidive when signals in previous 6 months >= 1\n";

enum scope { SC_HOUSEHOLD, SC_SIGNAL, SC_OUTCOME };

typedef struct ectx {
	enum scope scope;
	int set;            /* signal set aggregates range over */
	bool before;        /* in an exclusion before counting */
	bool in_skip;       /* "same" is allowed */
	int def_limit;      /* definitions [0, def_limit) are visible */
} ectx;

typedef struct checker {
	arena *a;
	diag *d;
	chk_policy *p;
	const diag_source *src;
	int lookback;
	symtab def_names, bucket_names;   /* name -> index in p->defs, p->buckets */
	/* Room in the policy's arrays, which double as they fill. */
	int cap_before, cap_counts, cap_skips, cap_defs, cap_rules, cap_buckets, cap_labels;
	/* While the right side of an `and` is checked: both sides (a hint for
	 * `any age >= 18 and age <= 26`). And the `and` whose operand is being
	 * checked, so a chain of them is looked at once, from its top. */
	const ast_expr *and_left, *and_right, *and_operand;
} checker;

static void error(checker *ck, diag_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warning(checker *ck, diag_loc loc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void report(checker *ck, diag_loc loc, enum diag_severity sev, const char *fmt, va_list ap)
{
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	diag_at(ck->d, ck->src, loc, sev, "%s", msg);
}

static void error(checker *ck, diag_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(ck, loc, DIAG_ERROR, fmt, ap);
	va_end(ap);
}

static void warning(checker *ck, diag_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(ck, loc, DIAG_WARNING, fmt, ap);
	va_end(ap);
}

/* ---- names ---------------------------------------------------------------- */

/* The definition NAME among the first LIMIT, or -1. A name has one
 * definition: a policy's own replaces a built-in one of its name. */
static int find_def(const checker *ck, const char *name, int limit)
{
	const int i = symtab_get(&ck->def_names, name);
	return i < limit ? i : -1;
}

static int find_bucket(const checker *ck, const char *name)
{
	return symtab_get(&ck->bucket_names, name);
}

/* Appends the names of TABLE to a candidate list for suggestions. */
static size_t add_field_names(const char **out, size_t n, const field_info *t, int count)
{
	for (int i = 0; i < count; i++)
		out[n++] = t[i].name;
	return n;
}

static const char *suggest_name(const checker *ck, const char *word, const ectx *cx)
{
	const char *cands[256];
	size_t n = 0;
	if (cx->scope == SC_SIGNAL) {
		n = add_field_names(cands, n, fields_signal, SF_COUNT);
	} else if (cx->scope == SC_OUTCOME) {
		n = add_field_names(cands, n, fields_outcome, OF_COUNT);
	} else {
		n = add_field_names(cands, n, fields_household, HF_COUNT);
		for (int i = 0; i < cx->def_limit && n < 200; i++)
			cands[n++] = ck->p->defs[i].name;
		for (int i = 0; i < SECTOR_COUNT; i++)
			cands[n++] = vr_sector_names[i];
		n = add_field_names(cands, n, fields_signal, SF_COUNT);
	}
	return diag_suggest(word, cands, n);
}

static const char *suggest_bucket(const checker *ck, const char *word)
{
	const char *cands[256];
	size_t n = 0;
	for (int i = 0; i < ck->p->nbuckets && n < 256; i++)
		cands[n++] = ck->p->buckets[i].name;
	return diag_suggest(word, cands, n);
}

static const char *const *enum_table(enum ast_type t, int *n)
{
	switch (t) {
	case TY_SECTOR: *n = SECTOR_COUNT; return vr_sector_names;
	case TY_KIND: *n = KIND_COUNT; return vr_kind_names;
	case TY_LEGAL_FORM: *n = LEGAL_COUNT; return vr_legal_form_names;
	case TY_OUTCOME: *n = OUTCOME_COUNT; return vr_outcome_names;
	case TY_UNKNOWN: case TY_BOOL: case TY_MONEY: case TY_COUNT: case TY_DAYS:
	case TY_YEARS: case TY_FLAG: case TY_TEXT: case TY_NUMBER:
		break;
	}
	*n = 0;
	return NULL;
}

static bool is_enum(enum ast_type t)
{
	int n;
	return enum_table(t, &n) != NULL;
}

static bool is_numeric(enum ast_type t)
{
	return t == TY_MONEY || t == TY_COUNT || t == TY_DAYS || t == TY_YEARS ||
	       t == TY_FLAG || t == TY_NUMBER;
}

/* Resolves E (a name or a quoted text) as a value of enum type T. */
static enum ast_type resolve_enum(checker *ck, ast_expr *e, enum ast_type t)
{
	int n;
	const char *const *names = enum_table(t, &n);
	const char *text = e->kind == E_NAME ? e->u.name.text : e->u.string;
	const int v = vr_enum_lookup(names, n, text, strlen(text));
	if (v < 0) {
		const char *s = diag_suggest(text, (const char *const *)names, (size_t)n);
		if (s)
			error(ck, e->loc, "`%s` is not %s; did you mean `%s`?", text, ast_type_name(t), s);
		else {
			char list[256] = "";
			for (int i = 0; i < n; i++) {
				strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
				strncat(list, names[i], sizeof list - strlen(list) - 1);
			}
			error(ck, e->loc, "`%s` is not %s (one of: %s)", text, ast_type_name(t), list);
		}
		return TY_UNKNOWN;
	}
	e->kind = E_NAME;
	e->u.name.text = text;
	e->u.name.ref = REF_ENUM_VALUE;
	e->u.name.index = v;
	e->type = t;
	return t;
}

static enum ast_type check_expr(checker *ck, ast_expr *e, const ectx *cx, enum ast_type hint);

static enum ast_type check_name(checker *ck, ast_expr *e, const ectx *cx, enum ast_type hint)
{
	const char *name = e->u.name.text;
	if (is_enum(hint))
		return resolve_enum(ck, e, hint);
	/* A named number is a constant: it can stand in any scope, before
	 * counting too, and above the line that defines it. */
	int i = find_def(ck, name, ck->p->ndefs);
	if (i >= 0 && ck->p->defs[i].param) {
		chk_def *def = &ck->p->defs[i];
		def->used = true;
		e->u.name.ref = REF_PARAM;
		e->u.name.index = i;
		/* Written as a whole number it adapts, as a literal does (coerce
		 * fixes its kind); written as money it is money. */
		return e->type = def->stmt->cond->kind == E_INT ? TY_NUMBER : TY_MONEY;
	}
	switch (cx->scope) {
	case SC_SIGNAL:
		if ((i = fields_find(fields_signal, SF_COUNT, name)) >= 0) {
			e->u.name.ref = REF_SIGNAL_FIELD;
			e->u.name.index = i;
			return e->type = fields_signal[i].type;
		}
		if (find_def(ck, name, ck->p->ndefs) >= 0 || fields_find(fields_household, HF_COUNT, name) >= 0) {
			error(ck, e->loc, "`%s` is about the whole household; a condition on one signal cannot use it", name);
			return TY_UNKNOWN;
		}
		break;
	case SC_OUTCOME:
		if ((i = fields_find(fields_outcome, OF_COUNT, name)) >= 0) {
			e->u.name.ref = REF_OUTCOME_FIELD;
			e->u.name.index = i;
			return e->type = fields_outcome[i].type;
		}
		break;
	case SC_HOUSEHOLD:
		if (cx->before && find_def(ck, name, ck->p->ndefs) >= 0) {
			error(ck, e->loc, "before counting, `%s` cannot be used: it depends on the counted signals", name);
			return TY_UNKNOWN;
		}
		if ((i = find_def(ck, name, cx->def_limit)) >= 0) {
			if (cx->before) {
				error(ck, e->loc, "before counting, `%s` cannot be used: it depends on the counted signals", name);
				return TY_UNKNOWN;
			}
			ck->p->defs[i].used = true;
			e->u.name.ref = REF_DEFINITION;
			e->u.name.index = i;
			return e->type = ck->p->defs[i].type;
		}
		if (find_def(ck, name, ck->p->ndefs) >= 0) {
			error(ck, e->loc, "`%s` is defined below this line; a definition can only use the definitions above it", name);
			return TY_UNKNOWN;
		}
		if ((i = fields_find(fields_household, HF_COUNT, name)) >= 0) {
			if (cx->before && i == HF_ARREARS) {
				error(ck, e->loc, "before counting, the household's `arrears` (a total of counted signals) is not known yet; say `any arrears ...`");
				return TY_UNKNOWN;
			}
			e->u.name.ref = REF_HOUSEHOLD_FACT;
			e->u.name.index = i;
			return e->type = fields_household[i].type;
		}
		if ((i = vr_enum_lookup(vr_sector_names, SECTOR_COUNT, name, strlen(name))) >= 0) {
			if (cx->before) {
				error(ck, e->loc, "before counting, `%s` (arrears of counted %s signals) is not known yet", name, name);
				return TY_UNKNOWN;
			}
			e->u.name.ref = REF_SECTOR_TOTAL;
			e->u.name.index = i;
			return e->type = TY_MONEY;
		}
		if (fields_find(fields_signal, SF_COUNT, name) >= 0) {
			char better[512];
			if (hint_same_signal(ck->src, ck->and_left, ck->and_right, e, better, sizeof better))
				error(ck, e->loc, "%s", better);
			else
				error(ck, e->loc, "`%s` is a field of each signal; say `any %s ...` or `all %s ...`", name, name,
				      name);
			return TY_UNKNOWN;
		}
		if (fields_find(fields_outcome, OF_COUNT, name) >= 0) {
			error(ck, e->loc, "`%s` is a field of each outcome; say `any %s ... in previous N months`", name, name);
			return TY_UNKNOWN;
		}
		break;
	}
	if (hint == TY_TEXT) {
		error(ck, e->loc, "`%s` is not a name I know; text is written in quotes: \"%s\"", name, name);
		return TY_UNKNOWN;
	}
	const char *s = suggest_name(ck, name, cx);
	if (s)
		error(ck, e->loc, "unknown name `%s`; did you mean `%s`?", name, s);
	else
		error(ck, e->loc, "unknown name `%s`", name);
	return TY_UNKNOWN;
}

static bool is_param(const ast_expr *e)
{
	return e->kind == E_NAME && e->u.name.ref == REF_PARAM;
}

/* Named number D used as a T at LOC: its first use fixes its kind (whole
 * euros become cents); a use of another kind is an error, told at the later
 * of the two uses in the file. False after an error. */
static bool param_use(checker *ck, int d, enum ast_type t, diag_loc loc)
{
	chk_def *def = &ck->p->defs[d];
	if (t != TY_MONEY && t != TY_COUNT && t != TY_DAYS && t != TY_YEARS) {
		error(ck, loc, "`%s` is a named number: it stands for an amount, a count, a number of days or an age, not %s",
		      def->name, ast_type_name(t));
		return false;
	}
	if (def->type == TY_NUMBER) {
		if (t == TY_MONEY) {
			if (def->value > INT64_MAX / 100) {
				error(ck, def->stmt->cond->loc, "this amount is too large");
				return false;
			}
			def->value *= 100;
		}
		def->type = t;
		def->kind_loc = loc;
		return true;
	}
	if (def->type == t)
		return true;
	const bool here_later = loc.line > def->kind_loc.line ||
		(loc.line == def->kind_loc.line && loc.col > def->kind_loc.col);
	const diag_loc at = here_later ? loc : def->kind_loc;
	const diag_loc other = here_later ? def->kind_loc : loc;
	error(ck, at, "`%s` is %s on line %d, and %s here: a named number stands for one kind of value",
	      def->name, ast_type_name(here_later ? def->type : t), other.line,
	      ast_type_name(here_later ? t : def->type));
	return false;
}

/* Gives literal E the type T, turning whole euros into cents for money. */
static void coerce(checker *ck, ast_expr *e, enum ast_type t)
{
	if (is_param(e)) {
		if (param_use(ck, e->u.name.index, t, e->loc))
			e->type = t;
		return;
	}
	if (e->kind == E_INT && t == TY_MONEY) {
		if (e->u.number > INT64_MAX / 100) {
			error(ck, e->loc, "this amount is too large");
			return;
		}
		e->kind = E_MONEY;
		e->u.number *= 100;
	}
	if (e->kind == E_INT && (t == TY_FLAG || t == TY_BOOL) && e->u.number > 1)
		error(ck, e->loc, "a flag is 0 or 1, never %lld", (long long)e->u.number);
	if (e->kind == E_INT || e->kind == E_MONEY || e->kind == E_DECIMAL || e->kind == E_STRING)
		e->type = t;
}

static bool is_literal(const ast_expr *e)
{
	return e->kind == E_INT || e->kind == E_DECIMAL || e->kind == E_MONEY || e->kind == E_STRING;
}

/* The common type of two operands, or TY_UNKNOWN after reporting. */
static enum ast_type unify(checker *ck, ast_expr *l, enum ast_type tl, ast_expr *r,
			   enum ast_type tr, diag_loc loc)
{
	if (tl == TY_UNKNOWN || tr == TY_UNKNOWN)
		return TY_UNKNOWN;
	enum ast_type t = TY_UNKNOWN;
	if (tl == tr)
		t = tl;
	else if (tl == TY_NUMBER && (is_numeric(tr) || tr == TY_BOOL))
		t = tr;
	else if (tr == TY_NUMBER && (is_numeric(tl) || tl == TY_BOOL))
		t = tl;
	else if ((tl == TY_FLAG && tr == TY_BOOL) || (tl == TY_BOOL && tr == TY_FLAG))
		t = TY_FLAG;
	if (t == TY_UNKNOWN) {
		error(ck, loc, "cannot compare %s with %s", ast_type_name(tl), ast_type_name(tr));
		return TY_UNKNOWN;
	}
	if (t == TY_NUMBER)
		t = TY_COUNT;
	coerce(ck, l, t);
	coerce(ck, r, t);
	if ((l->kind == E_DECIMAL || l->kind == E_MONEY || r->kind == E_DECIMAL || r->kind == E_MONEY) && t != TY_MONEY) {
		error(ck, loc, "an amount of money cannot be compared with %s", ast_type_name(t));
		return TY_UNKNOWN;
	}
	return t;
}

/* Types a comparison's two sides; a literal side takes the other side's type. */
static enum ast_type check_pair(checker *ck, ast_expr *l, ast_expr *r, const ectx *cx, diag_loc loc)
{
	enum ast_type tl, tr;
	if ((is_literal(l) || l->kind == E_NAME) && !is_literal(r) && r->kind != E_NAME) {
		tr = check_expr(ck, r, cx, TY_UNKNOWN);
		tl = check_expr(ck, l, cx, tr);
	} else {
		tl = check_expr(ck, l, cx, TY_UNKNOWN);
		/* After an error on the left, a bare name on the right would only
		 * add a second, confusing error. */
		if (tl == TY_UNKNOWN && r->kind == E_NAME)
			return TY_UNKNOWN;
		tr = check_expr(ck, r, cx, tl);
	}
	return unify(ck, l, tl, r, tr, loc);
}

/* Refuses an expression deeper than AST_MAX_DEPTH before any pass recurses
 * into it (the later passes skip it: the policy has an error anyway). */
static bool too_deep(checker *ck, ast_expr *e)
{
	if (e->depth <= AST_MAX_DEPTH)
		return false;
	error(ck, e->loc, "this condition is too long or nested too deeply (more than %d levels); split it with `define`",
	      AST_MAX_DEPTH);
	e->type = TY_UNKNOWN;
	return true;
}

/* Checks E where a condition is needed: a yes/no, or a 0/1 flag meaning 1. */
static void check_cond(checker *ck, ast_expr *e, const ectx *cx)
{
	if (too_deep(ck, e))
		return;
	const enum ast_type t = check_expr(ck, e, cx, TY_BOOL);
	if (t != TY_UNKNOWN && t != TY_BOOL && t != TY_FLAG)
		error(ck, e->loc, "expected a condition, but this is %s", ast_type_name(t));
}

/* Collects the conditions of a chain of `and`s into OUT (at most MAX). */
static int conjuncts(const ast_expr *e, const ast_expr **out, int n, int max)
{
	if (e->kind == E_AND) {
		n = conjuncts(e->u.bin.lhs, out, n, max);
		return conjuncts(e->u.bin.rhs, out, n, max);
	}
	if (n < max)
		out[n++] = e;
	return n;
}

/* `any age >= 18 and any age <= 26`: each bound may be met by another
 * signal. Warned at the second of the pair. */
static void check_conjuncts(checker *ck, const ast_expr *e)
{
	const ast_expr *c[AST_MAX_DEPTH + 1];
	const int n = conjuncts(e, c, 0, AST_MAX_DEPTH + 1);
	char msg[512];
	for (int j = 1; j < n; j++)
		for (int i = 0; i < j; i++)
			if (c[i]->type == TY_BOOL && c[j]->type == TY_BOOL &&
			    hint_two_signals(ck->src, c[i], c[j], msg, sizeof msg)) {
				warning(ck, c[j]->loc, "%s", msg);
				i = j;   /* one warning for each condition */
			}
}

static void note_window(checker *ck, ast_window w)
{
	int lo, hi;
	ast_window_range(w, &lo, &hi);
	if (hi > ck->lookback)
		ck->lookback = hi;
}

/* Whether window W is within the limits (reported when not). */
static bool window_ok(checker *ck, ast_window w)
{
	if (!w.given)
		return true;
	if (w.name) {
		error(ck, w.loc, "a window's length is written as a number of months (`within 3 months`); "
		      "`%s` cannot set it: named numbers stand for amounts, counts, days, ages and capacities", w.name);
		return false;
	}
	if (w.months < 1)
		error(ck, w.loc, "a window is at least 1 month");
	else if (w.months > CHK_MAX_WINDOW)
		error(ck, w.loc, "a window is at most %d months", CHK_MAX_WINDOW);
	return w.months >= 1 && w.months <= CHK_MAX_WINDOW;
}

static bool mentions_outcome(const ast_expr *e)
{
	if (!e)
		return false;
	switch (e->kind) {
	case E_OR: case E_AND:
		return mentions_outcome(e->u.bin.lhs) || mentions_outcome(e->u.bin.rhs);
	case E_NOT:
		return mentions_outcome(e->u.operand);
	case E_CMP:
		return mentions_outcome(e->u.cmp.lhs) || mentions_outcome(e->u.cmp.rhs);
	case E_BETWEEN:
		return mentions_outcome(e->u.between.value);
	case E_IN:
		return mentions_outcome(e->u.in.value);
	case E_MISSING:
		return mentions_outcome(e->u.missing.value);
	case E_NAME:
		return fields_find(fields_outcome, OF_COUNT, e->u.name.text) >= 0 &&
		       fields_find(fields_signal, SF_COUNT, e->u.name.text) < 0;
	case E_INT: case E_DECIMAL: case E_MONEY: case E_STRING: case E_AGG:
		return false;
	}
	return false;
}

static enum ast_type check_agg(checker *ck, ast_expr *e, const ectx *cx)
{
	struct { enum ast_agg agg; } k = { e->u.agg.agg };
	if (k.agg == AGG_SAME) {
		if (cx->scope != SC_SIGNAL || !cx->in_skip) {
			error(ck, e->loc, "`same` compares one signal with earlier ones: it belongs in a `skip signal` condition");
			return TY_UNKNOWN;
		}
		const int f = fields_find(fields_signal, SF_COUNT, e->u.agg.field);
		if (f < 0) {
			const char *cands[SF_COUNT];
			add_field_names(cands, 0, fields_signal, SF_COUNT);
			const char *s = diag_suggest(e->u.agg.field, cands, SF_COUNT);
			error(ck, e->u.agg.field_loc, "`%s` is not a signal field%s%s%s", e->u.agg.field,
			      s ? "; did you mean `" : "", s ? s : "", s ? "`?" : "");
			return TY_UNKNOWN;
		}
		if (!window_ok(ck, e->u.agg.window))
			return TY_UNKNOWN;
		e->u.agg.field_index = f;
		e->u.agg.set = SET_FLOOR;
		note_window(ck, e->u.agg.window);
		return e->type = TY_BOOL;
	}
	if (cx->scope != SC_HOUSEHOLD) {
		error(ck, e->loc, "a condition on one signal cannot count over signals; move this out of the `any`/`all`/`with`");
		return TY_UNKNOWN;
	}
	if (!window_ok(ck, e->u.agg.window))
		return TY_UNKNOWN;
	e->u.agg.set = cx->set;
	note_window(ck, e->u.agg.window);
	ectx inner = *cx;
	inner.scope = SC_SIGNAL;
	inner.in_skip = false;
	switch (k.agg) {
	case AGG_ANY:
	case AGG_ALL:
		if (mentions_outcome(e->u.agg.cond)) {
			e->u.agg.over_outcomes = true;
			inner.scope = SC_OUTCOME;
			if (!e->u.agg.window.given)
				warning(ck, e->loc, "outcomes of the run month itself are rarely recorded yet; did you mean `in previous N months`?");
		}
		check_cond(ck, e->u.agg.cond, &inner);
		return e->type = TY_BOOL;
	case AGG_CREDITORS:
	case AGG_SECTORS:
		return e->type = TY_COUNT;
	case AGG_SIGNALS:
	case AGG_MONTHS:
		if (e->u.agg.cond)
			check_cond(ck, e->u.agg.cond, &inner);
		return e->type = TY_COUNT;
	case AGG_OUTCOMES:
		inner.scope = SC_OUTCOME;
		if (e->u.agg.cond)
			check_cond(ck, e->u.agg.cond, &inner);
		return e->type = TY_COUNT;
	case AGG_TOTAL:
	case AGG_MAX:
	case AGG_MIN: {
		const int f = fields_find(fields_signal, SF_COUNT, e->u.agg.field);
		if (f < 0 || !is_numeric(fields_signal[f].type) || fields_signal[f].type == TY_FLAG) {
			error(ck, e->u.agg.field_loc, "`%s` is not a numeric signal field (arrears, installment, installments_missed, days_overdue, age)",
			      e->u.agg.field);
			return TY_UNKNOWN;
		}
		if (k.agg == AGG_TOTAL && f == SF_AGE) {
			error(ck, e->u.agg.field_loc, "a total of ages means nothing; say `max age` or `min age`");
			return TY_UNKNOWN;
		}
		e->u.agg.field_index = f;
		if (e->u.agg.cond)
			check_cond(ck, e->u.agg.cond, &inner);
		return e->type = fields_signal[f].type;
	}
	case AGG_SAME:
		break;
	}
	return TY_UNKNOWN;
}

static enum ast_type check_expr(checker *ck, ast_expr *e, const ectx *cx, enum ast_type hint)
{
	switch (e->kind) {
	case E_OR:
		check_cond(ck, e->u.bin.lhs, cx);
		check_cond(ck, e->u.bin.rhs, cx);
		return e->type = TY_BOOL;
	case E_AND: {
		const bool top = ck->and_operand != e;
		const ast_expr *left = ck->and_left, *right = ck->and_right;
		ck->and_operand = e->u.bin.lhs;
		check_cond(ck, e->u.bin.lhs, cx);
		ck->and_left = e->u.bin.lhs;
		ck->and_right = e->u.bin.rhs;
		ck->and_operand = e->u.bin.rhs;
		check_cond(ck, e->u.bin.rhs, cx);
		ck->and_left = left;
		ck->and_right = right;
		if (top)
			check_conjuncts(ck, e);
		return e->type = TY_BOOL;
	}
	case E_NOT:
		check_cond(ck, e->u.operand, cx);
		return e->type = TY_BOOL;
	case E_CMP: {
		const enum ast_type t = check_pair(ck, e->u.cmp.lhs, e->u.cmp.rhs, cx, e->loc);
		if ((t == TY_TEXT || is_enum(t) || t == TY_BOOL) && e->u.cmp.op != CMP_EQ && e->u.cmp.op != CMP_NE)
			error(ck, e->loc, "%s can only be compared with = or !=", ast_type_name(t));
		return e->type = TY_BOOL;
	}
	case E_BETWEEN: {
		enum ast_type t = check_pair(ck, e->u.between.value, e->u.between.lo, cx, e->loc);
		if (t != TY_UNKNOWN) {
			const enum ast_type th = check_expr(ck, e->u.between.hi, cx, t);
			t = unify(ck, e->u.between.value, t, e->u.between.hi, th, e->loc);
			coerce(ck, e->u.between.lo, t);
		}
		if (t != TY_UNKNOWN && !is_numeric(t))
			error(ck, e->loc, "`between` needs numbers, not %s", ast_type_name(t));
		return e->type = TY_BOOL;
	}
	case E_IN: {
		const enum ast_type t = check_expr(ck, e->u.in.value, cx, TY_UNKNOWN);
		for (int i = 0; i < e->u.in.nitems && t != TY_UNKNOWN; i++) {
			ast_expr *item = e->u.in.items[i];
			const enum ast_type ti = check_expr(ck, item, cx, t);
			if (is_param(item)) {
				error(ck, item->loc, "a set lists values written out; `%s` is a named number "
				      "(compare with it: `... >= %s`)", item->u.name.text, item->u.name.text);
				continue;
			}
			unify(ck, e->u.in.value, t, item, ti, item->loc);
		}
		return e->type = TY_BOOL;
	}
	case E_MISSING:
		check_expr(ck, e->u.missing.value, cx, TY_UNKNOWN);
		return e->type = TY_BOOL;
	case E_NAME:
		return check_name(ck, e, cx, hint);
	case E_INT:
		return e->type = TY_NUMBER;
	case E_DECIMAL:
	case E_MONEY:
		return e->type = TY_MONEY;
	case E_STRING:
		if (is_enum(hint))
			return resolve_enum(ck, e, hint);
		return e->type = TY_TEXT;
	case E_AGG:
		return check_agg(ck, e, cx);
	}
	return TY_UNKNOWN;
}

/* ---- statements ------------------------------------------------------------ */

/* Room for element N of *ARR (SIZE bytes each, *CAP allocated): the array
 * doubles when full, so a policy of many statements is not copied at each. */
static void *room(checker *ck, void *arr, int n, int *cap, size_t size)
{
	if (n < *cap)
		return arr;
	*cap = *cap ? 2 * *cap : 16;
	void *bigger = arena_alloc(ck->a, size * (size_t)*cap);
	if (n)
		memcpy(bigger, arr, size * (size_t)n);
	return bigger;
}

static void push_stmt(checker *ck, ast_stmt ***arr, int *n, int *cap, ast_stmt *s)
{
	*arr = room(ck, *arr, *n, cap, sizeof **arr);
	(*arr)[(*n)++] = s;
}

static bool name_reserved(const char *name)
{
	return strcmp(name, "excluded") == 0;
}

static void add_def(checker *ck, ast_stmt *s, bool builtin)
{
	chk_policy *p = ck->p;
	const int existing = find_def(ck, s->name.text, p->ndefs);
	if (existing >= 0 && !p->defs[existing].builtin) {
		error(ck, s->name.loc, "`%s` is defined twice (first on line %d)", s->name.text,
		      p->defs[existing].stmt->loc.line);
		return;
	}
	if (!builtin && (fields_find(fields_household, HF_COUNT, s->name.text) >= 0 ||
			 fields_find(fields_signal, SF_COUNT, s->name.text) >= 0 ||
			 vr_enum_lookup(vr_sector_names, SECTOR_COUNT, s->name.text, strlen(s->name.text)) >= 0)) {
		error(ck, s->name.loc, "`%s` is already a field or a sector; choose another name", s->name.text);
		return;
	}
	p->defs = room(ck, p->defs, p->ndefs, &ck->cap_defs, sizeof *p->defs);
	chk_def *def = &p->defs[p->ndefs];
	memset(def, 0, sizeof *def);
	def->name = s->name.text;
	def->stmt = s;
	def->builtin = builtin;
	/* `define NAME = NUMBER` names a number; `NAME when ...` is a condition. */
	const enum ast_expr_kind k = s->cond->kind;
	if (s->define_form && (k == E_INT || k == E_DECIMAL || k == E_MONEY)) {
		def->param = true;
		def->value = s->cond->u.number;
		def->type = k == E_INT ? TY_NUMBER : TY_MONEY;
		def->kind_loc = s->cond->loc;
	}
	if (existing >= 0) {
		/* A policy's own "match when ..." replaces the built-in everywhere. */
		p->defs[existing].name = "";
	}
	symtab_put(&ck->def_names, ck->a, def->name, p->ndefs);
	p->ndefs++;
}

/* Levels of functions below the one that works out E: those of a
 * definition it uses, or one for a condition of `any`, `all` or `with` (a
 * function of one signal or outcome, which calls nothing). *DEEPEST gets
 * the definition on the deepest way down, if that is a definition. */
static int levels_below(const chk_policy *p, const ast_expr *e, const char **deepest)
{
	int most = 0;
	const ast_expr *parts[3] = { NULL, NULL, NULL };
	switch (e->kind) {
	case E_OR: case E_AND:
		parts[0] = e->u.bin.lhs, parts[1] = e->u.bin.rhs;
		break;
	case E_NOT:
		parts[0] = e->u.operand;
		break;
	case E_CMP:
		parts[0] = e->u.cmp.lhs, parts[1] = e->u.cmp.rhs;
		break;
	case E_BETWEEN:
		parts[0] = e->u.between.value, parts[1] = e->u.between.lo, parts[2] = e->u.between.hi;
		break;
	case E_IN:
		for (int i = 0; i < e->u.in.nitems; i++) {
			const char *d = NULL;
			const int l = levels_below(p, e->u.in.items[i], &d);
			if (l > most) {
				most = l;
				*deepest = d;
			}
		}
		parts[0] = e->u.in.value;
		break;
	case E_MISSING:
		parts[0] = e->u.missing.value;
		break;
	case E_NAME:
		if (e->u.name.ref == REF_DEFINITION) {
			*deepest = p->defs[e->u.name.index].name;
			return p->defs[e->u.name.index].nest;
		}
		return 0;
	case E_INT: case E_DECIMAL: case E_MONEY: case E_STRING:
		return 0;
	case E_AGG:
		return e->u.agg.cond && e->u.agg.agg != AGG_SAME ? 1 : 0;
	}
	for (int i = 0; i < 3 && parts[i]; i++) {
		const char *d = NULL;
		const int l = levels_below(p, parts[i], &d);
		if (l > most) {
			most = l;
			*deepest = d;
		}
	}
	return most;
}

static void check_defs(checker *ck)
{
	chk_policy *p = ck->p;
	for (int i = 0; i < p->ndefs; i++) {
		chk_def *def = &p->defs[i];
		if (def->param)
			continue;   /* typed in add_def and by its uses */
		ectx cx = { SC_HOUSEHOLD, SET_COUNTED, false, false, i };
		const diag_source *saved = ck->src;
		if (def->builtin)
			ck->src = NULL;
		const bool deep = too_deep(ck, def->stmt->cond);
		def->type = deep ? TY_UNKNOWN : check_expr(ck, def->stmt->cond, &cx, TY_UNKNOWN);
		if (def->stmt->kind == S_DEFINE && def->type == TY_FLAG)
			def->type = TY_BOOL;
		/* A definition that is only a named number would hide its kind
		 * (and be worked out per household for nothing); one that is only
		 * a whole number is what `define NAME = NUMBER` is for. */
		if (is_param(def->stmt->cond))
			error(ck, def->stmt->name.loc, "`%s` only renames the named number `%s`; use `%s` itself",
			      def->name, def->stmt->cond->u.name.text, def->stmt->cond->u.name.text);
		else if (def->type == TY_NUMBER)
			error(ck, def->stmt->name.loc, "`%s` is only a number; name a number with `define %s = ...`",
			      def->name, def->name);
		ck->src = saved;
		const char *through = NULL;
		def->nest = deep ? 1 : 1 + levels_below(p, def->stmt->cond, &through);
		/* Told at the first definition past the limit, not again at each
		 * one that builds on it (they are deeper still). */
		if (def->nest == CHK_MAX_DEF_NESTING + 1)
			error(ck, def->stmt->name.loc,
			      "`%s` nests %d levels deep (it uses `%s`); definitions nest at most %d levels "
			      "(each definition used, and each condition of `any`, `all` or `with`, is a level)",
			      def->name, def->nest, through ? through : "?", CHK_MAX_DEF_NESTING);
	}
}

static const char *clause_word(enum ast_clause_kind k)
{
	switch (k) {
	case CL_TERM: return "within";
	case CL_FEEDBACK: return "feedback";
	case CL_CAPACITY: return "capacity";
	case CL_ORDER: return "by";
	case CL_OVERFLOW: return "overflow";
	case CL_WITHOUT: return "without";
	case CL_SPREAD: return "spread over";
	case CL_BACKFILL: return "backfill";
	case CL_NO_FOLLOW_UP: return "no follow-up";
	}
	return "?";
}

static int bucket_ref(checker *ck, ast_name n)
{
	const int b = find_bucket(ck, n.text);
	if (b >= 0)
		return b;
	const char *s = suggest_bucket(ck, n.text);
	if (strcmp(n.text, "excluded") == 0)
		error(ck, n.loc, "`excluded` is not a bucket; write `exclude \"reason\" when ...`");
	else if (s)
		error(ck, n.loc, "unknown bucket `%s`; did you mean `%s`?", n.text, s);
	else
		error(ck, n.loc, "unknown bucket `%s`; declare it with `bucket %s`", n.text, n.text);
	return -1;
}

static void check_order(checker *ck, ast_order_key *keys)
{
	int n = 0;
	for (ast_order_key *k = keys; k; k = k->next) {
		ectx cx = { SC_HOUSEHOLD, SET_COUNTED, false, false, ck->p->ndefs };
		const enum ast_type t = too_deep(ck, k->expr) ? TY_UNKNOWN : check_expr(ck, k->expr, &cx, TY_UNKNOWN);
		if (is_param(k->expr))
			error(ck, k->expr->loc, "`%s` is a named number, the same for every household: it cannot order places",
			      k->expr->u.name.text);
		else if (t != TY_UNKNOWN && (!is_numeric(t) || t == TY_NUMBER))
			error(ck, k->expr->loc, "places are given by a number (an amount, a count, days or an age), not %s",
			      ast_type_name(t));
		if (++n == BC_MAX_ORDER + 1)
			error(ck, k->expr->loc, "at most %d order keys", BC_MAX_ORDER);
	}
}

/* Resolves `feedback CODE` (a number 1-7 or its name) into F->code. */
static void check_feedback(checker *ck, ast_feedback *f)
{
	if (!f->given)
		return;
	int code = -1;
	if (!f->name && f->number >= 1 && f->number < FEEDBACK_COUNT)
		code = (int)f->number;
	else if (f->name)
		code = vr_enum_lookup(vr_feedback_names + 1, FEEDBACK_COUNT - 1, f->name, strlen(f->name)) + 1;
	if (code >= 1) {
		f->code = code;
		return;
	}
	char list[400] = "";
	for (int i = 1; i < FEEDBACK_COUNT; i++) {
		const size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%s%d %s", i > 1 ? ", " : "", i, vr_feedback_names[i]);
	}
	const char *s = f->name ? diag_suggest(f->name, vr_feedback_names + 1, FEEDBACK_COUNT - 1) : NULL;
	char written[32];
	snprintf(written, sizeof written, "%lld", (long long)f->number);
	error(ck, f->loc, "`%s` is not a feedback code%s%s%s (the codes: %s)", f->name ? f->name : written,
	      s ? "; did you mean `" : "", s ? s : "", s ? "`?" : "", list);
}

/* The named number NAME as bucket B's capacity (`capacity visits`): a count.
 * When it is none, the bucket still counts as having a capacity, so that the
 * error is not followed by warnings about a bucket without one. */
static void capacity_param(checker *ck, chk_bucket *b, ast_name n)
{
	b->capacity = 0;
	const int d = find_def(ck, n.text, ck->p->ndefs);
	if (d < 0 || !ck->p->defs[d].param) {
		const char *cands[256];
		size_t nc = 0;
		for (int i = 0; i < ck->p->ndefs && nc < 256; i++)
			if (ck->p->defs[i].param)
				cands[nc++] = ck->p->defs[i].name;
		const char *s = diag_suggest(n.text, cands, nc);
		if (s)
			error(ck, n.loc, "`%s` is not a named number; did you mean `%s`?", n.text, s);
		else
			error(ck, n.loc, "`%s` is not a named number: a capacity is a whole number (`capacity 30`), "
			      "`capacity unlimited`, or a name given one with `define %s = 30`", n.text, n.text);
		return;
	}
	chk_def *def = &ck->p->defs[d];
	def->used = true;
	if (def->stmt->cond->kind != E_INT) {
		error(ck, n.loc, "a capacity is a number of households; `%s` is an amount of money", n.text);
		return;
	}
	if (!param_use(ck, d, TY_COUNT, n.loc))
		return;
	b->capacity = def->value;
	b->capacity_param = d;
}

/* A contact term: `within N days|weeks|working days`. */
static void check_term(checker *ck, chk_bucket *b, const ast_clause *c)
{
	if (c->unit == TERM_MONTHS) {
		error(ck, c->loc, "a contact term is counted in days, weeks or working days "
		      "(the Wgs norm: `within 4 weeks`; `within 3 working days` when urgent)");
		return;
	}
	const enum cal_unit u = c->unit == TERM_DAYS ? CAL_DAYS : c->unit == TERM_WEEKS ? CAL_WEEKS : CAL_WORKING_DAYS;
	const int most = cal_max_term(u);
	if (c->term < 1) {
		error(ck, c->loc, "a contact term is at least 1 %s", cal_unit_words(u, 1));
		return;
	}
	if (c->term > most) {
		error(ck, c->loc, "a contact term is at most %d %s (about a year)", most, cal_unit_words(u, most));
		return;
	}
	b->term_unit = (int)u;
	b->term = (int)c->term;
}

static void check_bucket(checker *ck, chk_bucket *b)
{
	bool seen[CL_FEEDBACK + 1] = { false };
	diag_loc overflow_loc = b->stmt->loc;
	for (ast_clause *c = b->stmt->clauses; c; c = c->next) {
		const bool repeated_redirect = c->kind == CL_WITHOUT &&
			((strcmp(c->what.text, "phone") == 0 && b->without_phone >= 0) ||
			 (strcmp(c->what.text, "email") == 0 && b->without_email >= 0));
		if ((seen[c->kind] && c->kind != CL_WITHOUT) || repeated_redirect) {
			error(ck, c->loc, "`%s%s%s` is given twice for bucket `%s`", clause_word(c->kind),
			      c->kind == CL_WITHOUT ? " " : "", c->kind == CL_WITHOUT ? c->what.text : "", b->name);
			continue;
		}
		seen[c->kind] = true;
		switch (c->kind) {
		case CL_CAPACITY:
			/* "capacity unlimited" decides as no capacity at all; it only
			 * tells lint that no limit is meant (check_unbounded). */
			b->capacity = c->unlimited ? -1 : c->capacity;
			b->unlimited = c->unlimited;
			if (c->capacity_name.text)
				capacity_param(ck, b, c->capacity_name);
			break;
		case CL_ORDER:
			b->order = c->order;
			check_order(ck, c->order);
			break;
		case CL_OVERFLOW:
			b->overflow = bucket_ref(ck, c->target);
			overflow_loc = c->loc;
			if (b->overflow >= 0 && strcmp(c->target.text, b->name) == 0)
				error(ck, c->target.loc, "bucket `%s` cannot overflow into itself", b->name);
			break;
		case CL_WITHOUT: {
			const int target = bucket_ref(ck, c->target);
			if (strcmp(c->what.text, "phone") == 0)
				b->without_phone = target;
			else if (strcmp(c->what.text, "email") == 0)
				b->without_email = target;
			else {
				static const char *const what[] = { "phone", "email" };
				const char *s = diag_suggest(c->what.text, what, 2);
				error(ck, c->what.loc, "a redirect is `without phone -> BUCKET` or `without email -> BUCKET`%s%s%s",
				      s ? "; did you mean `" : "", s ? s : "", s ? "`?" : "");
			}
			break;
		}
		case CL_SPREAD:
			if (strcmp(c->what.text, "district") != 0)
				error(ck, c->what.loc, "places can be spread over `district` only");
			b->spread = true;
			b->rotating = c->rotating;
			break;
		case CL_BACKFILL:
			b->backfill_from = bucket_ref(ck, c->target);
			b->backfill_order = c->order;
			check_order(ck, c->order);
			if (b->backfill_from >= 0 && strcmp(c->target.text, b->name) == 0)
				error(ck, c->target.loc, "bucket `%s` cannot back-fill from itself", b->name);
			break;
		case CL_NO_FOLLOW_UP:
			b->no_follow_up = true;
			break;
		case CL_TERM:
			check_term(ck, b, c);
			break;
		case CL_FEEDBACK:
			check_feedback(ck, &c->feedback);
			b->feedback = c->feedback.code;
			break;
		}
	}
	if (b->no_follow_up && b->term_unit != CAL_NONE)
		error(ck, b->stmt->name.loc, "bucket `%s` has no follow-up, so it has no contact term", b->name);
	if (b->capacity >= 0 && b->overflow < 0)
		error(ck, b->stmt->name.loc, "bucket `%s` has a capacity but no overflow: the households that get no place would have no bucket (add `overflow BUCKET`)",
		      b->name);
	if (b->capacity < 0 && b->overflow >= 0)
		warning(ck, overflow_loc, "bucket `%s` has no capacity, so nothing ever overflows", b->name);
	if (b->capacity < 0 && b->backfill_from >= 0)
		error(ck, b->stmt->name.loc, "bucket `%s` back-fills spare places but has no capacity", b->name);
	if (b->capacity < 0 && b->spread)
		warning(ck, b->stmt->name.loc, "bucket `%s` spreads places but has no capacity, so every household gets one", b->name);
}

/* Buckets are filled in an order where a bucket comes before the buckets it
 * overflows or redirects to, and a back-filled bucket before its source.
 * A cycle makes that impossible. */
static int bucket_edges(const chk_bucket *b, int out[4])
{
	int n = 0;
	if (b->overflow >= 0) out[n++] = b->overflow;
	if (b->without_phone >= 0) out[n++] = b->without_phone;
	if (b->without_email >= 0) out[n++] = b->without_email;
	if (b->backfill_from >= 0) out[n++] = b->backfill_from;
	return n;
}

/* Reports the cycle that closes at bucket T: PATH[0..depth) is the way the
 * search came, T is on it. */
static void report_cycle(checker *ck, const int *path, int depth, int t)
{
	char msg[400] = "";
	int start = depth - 1;
	while (start > 0 && path[start] != t)
		start--;
	for (int j = start; j < depth; j++) {
		strncat(msg, ck->p->buckets[path[j]].name, sizeof msg - strlen(msg) - 1);
		strncat(msg, " -> ", sizeof msg - strlen(msg) - 1);
	}
	strncat(msg, ck->p->buckets[t].name, sizeof msg - strlen(msg) - 1);
	error(ck, ck->p->buckets[t].stmt->name.loc,
	      "buckets flow in a cycle (%s): a policy may not overflow, redirect or back-fill in a circle", msg);
}

/* Whether the buckets flow without a cycle (the first one found is
 * reported). Depth-first, with a stack of its own: a policy may chain
 * thousands of buckets. */
static bool check_bucket_graph(checker *ck)
{
	const int n = ck->p->nbuckets;
	int *state = arena_alloc(ck->a, sizeof *state * (size_t)(n + 1));  /* 0 new, 1 on the path, 2 done */
	int *path = arena_alloc(ck->a, sizeof *path * (size_t)(n + 1));
	int *edge = arena_alloc(ck->a, sizeof *edge * (size_t)(n + 1));    /* next edge to follow, per depth */
	for (int s = 0; s < n; s++) {
		if (state[s])
			continue;
		int depth = 0;
		path[depth] = s;
		edge[depth++] = 0;
		state[s] = 1;
		while (depth > 0) {
			const int b = path[depth - 1];
			int next[4];
			if (edge[depth - 1] == bucket_edges(&ck->p->buckets[b], next)) {
				state[b] = 2;
				depth--;
				continue;
			}
			const int t = next[edge[depth - 1]++];
			if (state[t] == 1) {
				report_cycle(ck, path, depth, t);
				return false;
			}
			if (state[t] == 0) {
				state[t] = 1;
				path[depth] = t;
				edge[depth++] = 0;
			}
		}
	}
	return true;
}

/* Whether E excludes every household with a current legal-person signal:
 * "any legal_form = legal" (or "in {..., legal}"), possibly or-ed with more. */
static bool excludes_legal(const ast_expr *e)
{
	if (!e || e->depth > AST_MAX_DEPTH)
		return false;
	if (e->kind == E_OR)
		return excludes_legal(e->u.bin.lhs) || excludes_legal(e->u.bin.rhs);
	if (e->kind != E_AGG || e->u.agg.agg != AGG_ANY || e->u.agg.over_outcomes || e->u.agg.window.kind != WIN_THIS_MONTH)
		return false;
	const ast_expr *c = e->u.agg.cond;
	const ast_expr *field = c->kind == E_CMP ? c->u.cmp.lhs : c->kind == E_IN ? c->u.in.value : NULL;
	if (!field || field->kind != E_NAME || field->u.name.ref != REF_SIGNAL_FIELD || field->u.name.index != SF_LEGAL_FORM)
		return false;
	if (c->kind == E_CMP)
		return c->u.cmp.op == CMP_EQ && c->u.cmp.rhs->kind == E_NAME &&
		       c->u.cmp.rhs->u.name.ref == REF_ENUM_VALUE && c->u.cmp.rhs->u.name.index == LEGAL_LEGAL;
	if (c->u.in.negated)
		return false;
	for (int i = 0; i < c->u.in.nitems; i++)
		if (c->u.in.items[i]->kind == E_NAME && c->u.in.items[i]->u.name.ref == REF_ENUM_VALUE &&
		    c->u.in.items[i]->u.name.index == LEGAL_LEGAL)
			return true;
	return false;
}

/* ---- amount bands ----------------------------------------------------------
 * Consecutive rules that compare one value with constants ("arrears < 250",
 * "arrears between 250 and 500", "arrears > 500") are bands. Their union is
 * checked for gaps (a value no band takes) and overlaps (a value the later
 * band never gets); bands that cover every value end the rules as surely as
 * `otherwise` does. Values are amounts, counts, days or ages: never negative. */

typedef struct band {
	const ast_stmt *rule;
	int64_t lo, hi;          /* inclusive */
} band;

static void format_band_value(const ast_expr *subject, int64_t v, char *buf, size_t size)
{
	if (subject->type == TY_MONEY) {
		char cents[24];
		vr_cents_format(v, cents);
		snprintf(buf, size, "EUR %s", cents);
	} else {
		snprintf(buf, size, "%lld", (long long)v);
	}
}

/* The least of N values by position range: a segment tree in the arena. */
typedef struct range_min {
	int size;
	int *t;
} range_min;

static range_min range_min_new(arena *a, const int *v, int n)
{
	range_min r = { 1, NULL };
	while (r.size < n)
		r.size *= 2;
	r.t = arena_alloc(a, sizeof *r.t * (size_t)(2 * r.size));
	for (int i = 0; i < r.size; i++)
		r.t[r.size + i] = i < n ? v[i] : INT32_MAX;
	for (int i = r.size - 1; i > 0; i--)
		r.t[i] = r.t[2 * i] < r.t[2 * i + 1] ? r.t[2 * i] : r.t[2 * i + 1];
	return r;
}

/* The least value at positions [L, H), or INT32_MAX. */
static int range_min_of(const range_min *r, int l, int h)
{
	int best = INT32_MAX;
	for (l += r->size, h += r->size; l < h; l /= 2, h /= 2) {
		if (l & 1) {
			if (r->t[l] < best)
				best = r->t[l];
			l++;
		}
		if (h & 1) {
			h--;
			if (r->t[h] < best)
				best = r->t[h];
		}
	}
	return best;
}

/* A band's end and its index in the run, to be sorted by the end. */
typedef struct band_end {
	int64_t at;
	int i;
} band_end;

static int by_end(const void *x, const void *y)
{
	const band_end *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

/* The first position in E (N, sorted) whose end is above V (ABOVE) or at
 * least V. */
static int first_end(const band_end *e, int n, int64_t v, bool above)
{
	int a = 0, b = n;
	while (a < b) {
		const int mid = a + (b - a) / 2;
		if (above ? e[mid].at <= v : e[mid].at < v)
			a = mid + 1;
		else
			b = mid;
	}
	return a;
}

static int by_lo(const void *x, const void *y)
{
	const band *a = x, *b = y;
	return (a->lo > b->lo) - (a->lo < b->lo);
}

/* The first band (in rule order) that takes a value an earlier band takes
 * without lying wholly inside it (that one can never apply, which
 * check_rules says), and the first such earlier band: *J, or -1. An earlier
 * band [l, h] meets band [L, H] so when l falls in (L, H] or h in [L, H);
 * an empty one (l > h, `arrears < 0`) when it lies in [L, H], which is
 * looked at one by one (nobody writes many). */
static int first_overlap(checker *ck, const band *b, int n, int *j_out)
{
	band_end *los = arena_alloc(ck->a, sizeof *los * (size_t)(n + 1));
	band_end *his = arena_alloc(ck->a, sizeof *his * (size_t)(n + 1));
	int *empty = arena_alloc(ck->a, sizeof *empty * (size_t)(n + 1));
	int m = 0, nempty = 0;
	for (int i = 0; i < n; i++) {
		if (b[i].lo > b[i].hi) {
			empty[nempty++] = i;
			continue;
		}
		los[m] = (band_end){ b[i].lo, i };
		his[m++] = (band_end){ b[i].hi, i };
	}
	qsort(los, (size_t)m, sizeof *los, by_end);
	qsort(his, (size_t)m, sizeof *his, by_end);
	int *order = arena_alloc(ck->a, sizeof *order * (size_t)(m + 1));
	for (int k = 0; k < m; k++)
		order[k] = los[k].i;
	const range_min by_los = range_min_new(ck->a, order, m);
	for (int k = 0; k < m; k++)
		order[k] = his[k].i;
	const range_min by_his = range_min_new(ck->a, order, m);
	for (int i = 0; i < n; i++) {
		const int64_t L = b[i].lo, H = b[i].hi;
		if (L > H)
			continue;   /* an empty band takes no value */
		int j = range_min_of(&by_los, first_end(los, m, L, true), first_end(los, m, H, true));
		const int j2 = range_min_of(&by_his, first_end(his, m, L, false), first_end(his, m, H, false));
		if (j2 < j)
			j = j2;
		for (int k = 0; k < nempty && empty[k] < j; k++)
			if (L <= b[empty[k]].hi && b[empty[k]].lo <= H)
				j = empty[k];
		if (j < i) {
			*j_out = j;
			return i;
		}
	}
	return -1;
}

/* Checks a run of bands on one subject. Returns true when they cover every
 * value from 0 up; *GAP is the first value no band takes otherwise. */
static bool check_bands(checker *ck, band *b, int n, const ast_expr *subject, int64_t *gap)
{
	/* Overlaps, in rule order: a value an earlier band already takes. */
	int j;
	const int i = first_overlap(ck, b, n, &j);
	if (i >= 0) {
		char v[48];
		format_band_value(subject, b[i].lo > b[j].lo ? b[i].lo : b[j].lo, v, sizeof v);
		warning(ck, b[i].rule->loc, "this band overlaps the one on line %d: at %s the rule on line %d applies first",
			b[j].rule->loc.line, v, b[j].rule->loc.line);
	}
	/* Coverage: the bands by lower end, swept from 0. */
	band *sorted = arena_alloc(ck->a, sizeof *sorted * (size_t)(n + 1));
	memcpy(sorted, b, sizeof *sorted * (size_t)n);
	qsort(sorted, (size_t)n, sizeof *sorted, by_lo);
	int64_t next = 0;   /* smallest value not yet covered */
	for (int k = 0; k < n; k++) {
		if (sorted[k].lo > next) {
			*gap = next;
			return false;
		}
		if (sorted[k].hi >= next)
			next = sorted[k].hi == INT64_MAX ? INT64_MAX : sorted[k].hi + 1;
		if (sorted[k].hi == INT64_MAX)
			return true;
	}
	*gap = next;
	return false;
}

/* Looks at every maximal run of consecutive band rules on one subject: warns
 * about gaps inside it and overlaps. Returns the index of the last rule of the
 * first run that covers every value (no household gets past it), or -1; for
 * a final run that does not cover, *UNCOVERED is the first value it misses. */
static int check_band_runs(checker *ck, const ast_expr **uncovered_subject, int64_t *uncovered, int *cover_start)
{
	chk_policy *p = ck->p;
	int cover_end = -1;
	*uncovered_subject = NULL;
	band *b = arena_alloc(ck->a, sizeof *b * (size_t)(p->nrules + 1));
	for (int i = 0; i < p->nrules;) {
		const ast_expr *subject;
		int64_t lo, hi;
		if (!cond_band(p->rules[i]->cond, &subject, &lo, &hi)) {
			i++;
			continue;
		}
		int n = 0;
		int j = i;
		for (; j < p->nrules; j++) {
			const ast_expr *s2;
			if (!cond_band(p->rules[j]->cond, &s2, &lo, &hi) || !cond_same(s2, subject))
				break;
			b[n].rule = p->rules[j];
			b[n].lo = lo;
			b[n].hi = hi;
			n++;
		}
		int64_t gap = 0;
		const bool covers = check_bands(ck, b, n, subject, &gap);
		const bool is_tail = j == p->nrules;
		if (covers && cover_end < 0) {
			cover_end = j - 1;
			*cover_start = i;
		}
		if (is_tail) {
			if (!covers) {
				*uncovered_subject = subject;
				*uncovered = gap;
			}
		} else if (!covers && n > 1) {
			int64_t top = 0;
			for (int k = 0; k < n; k++)
				if (b[k].hi > top)
					top = b[k].hi;
			if (gap <= top && gap > 0) {
				char v[48];
				format_band_value(subject, gap, v, sizeof v);
				warning(ck, b[0].rule->loc, "these bands leave %s uncovered: no band on lines %d-%d takes it",
					v, b[0].rule->loc.line, b[n - 1].rule->loc.line);
			}
		}
		i = j;
	}
	return cover_end;
}

static void check_rules(checker *ck)
{
	chk_policy *p = ck->p;
	p->rule_bucket = arena_alloc(ck->a, sizeof *p->rule_bucket * (size_t)(p->nrules + 1));
	/* The conditions an earlier rule may make unreachable: not those after
	 * `otherwise` (told so instead), nor those too deep to look into. */
	ast_expr **open = arena_alloc(ck->a, sizeof *open * (size_t)(p->nrules + 1));
	const ast_stmt *otherwise = NULL;
	for (int i = 0; i < p->nrules; i++) {
		ast_stmt *r = p->rules[i];
		ectx cx = { SC_HOUSEHOLD, SET_COUNTED, false, false, p->ndefs };
		if (r->cond)
			check_cond(ck, r->cond, &cx);
		check_feedback(ck, &r->feedback);
		p->rule_bucket[i] = -1;
		if (r->kind == S_RULE) {
			p->rule_bucket[i] = bucket_ref(ck, r->name);
			if (p->rule_bucket[i] >= 0)
				p->buckets[p->rule_bucket[i]].reached = true;
		}
		if (otherwise) {
			warning(ck, r->loc, "this rule can never apply: `otherwise` on line %d applies first to every household",
				otherwise->loc.line);
			continue;
		}
		if (!r->cond) {
			otherwise = r;
			continue;
		}
		if (r->cond->depth <= AST_MAX_DEPTH)
			open[i] = r->cond;
	}
	const int *first = cond_first_implied(ck->a, open, p->nrules);
	for (int i = 0; i < p->nrules; i++) {
		const int j = first[i];
		if (j < 0)
			continue;
		if (cond_same(p->rules[j]->cond, p->rules[i]->cond))
			warning(ck, p->rules[i]->loc, "this rule can never apply: the rule on line %d has the same condition and comes first",
				p->rules[j]->loc.line);
		else
			warning(ck, p->rules[i]->loc, "this rule can never apply: whenever its condition holds, so does the one on line %d, which comes first",
				p->rules[j]->loc.line);
	}
	const ast_expr *subject;
	int64_t gap = 0;
	int cover_start = 0;
	const int cover_end = check_band_runs(ck, &subject, &gap, &cover_start);
	if (cover_end >= 0)
		for (int i = cover_end + 1; i < p->nrules && p->rules[i] != otherwise; i++)
			warning(ck, p->rules[i]->loc, "this rule can never apply: the bands on lines %d-%d take every value first",
				p->rules[cover_start]->loc.line, p->rules[cover_end]->loc.line);
	const diag_loc last = p->nrules ? p->rules[p->nrules - 1]->loc : p->header ? p->header->loc : (diag_loc){ 1, 1, 1, 1 };
	if (!otherwise && cover_end < 0) {
		if (subject) {
			char v[48];
			format_band_value(subject, gap, v, sizeof v);
			error(ck, last, "a household can fall through every rule without a bucket: the last bands leave %s uncovered; "
			      "cover it or end with `otherwise -> BUCKET`", v);
		} else {
			error(ck, last, "a household can fall through every rule without a bucket; end the rules with `otherwise -> BUCKET`");
		}
	}
	p->cover_end = cover_end;
}

/* What flows into each bucket from reached buckets, for check_unbounded:
 * the buckets with a capacity that overflow into it, and the redirects that
 * lead to it, each in the order of the file; and whether a rule names it. */
typedef struct inflow {
	int *overflow_start, *overflow_from;      /* bucket t's: [start[t], start[t + 1]) */
	int *redirect_start;
	const ast_clause **redirect;
	bool *own_rule;
} inflow;

static inflow inflows(checker *ck)
{
	const chk_policy *p = ck->p;
	const int n = p->nbuckets;
	inflow f;
	f.overflow_start = arena_alloc(ck->a, sizeof *f.overflow_start * (size_t)(n + 2));
	f.redirect_start = arena_alloc(ck->a, sizeof *f.redirect_start * (size_t)(n + 2));
	f.own_rule = arena_alloc(ck->a, sizeof *f.own_rule * (size_t)(n + 1));
	for (int i = 0; i < p->nrules; i++)
		if (p->rule_bucket[i] >= 0)
			f.own_rule[p->rule_bucket[i]] = true;
	for (int i = 0; i < p->nskips; i++)
		if (p->skip_bucket[i] >= 0)
			f.own_rule[p->skip_bucket[i]] = true;
	/* Counted, then placed: per target, in the order of the sources. */
	int nredirects = 0;
	for (int s = 0; s < n; s++) {
		const chk_bucket *b = &p->buckets[s];
		if (!b->reached)
			continue;
		if (b->capacity >= 0 && b->overflow >= 0)
			f.overflow_start[b->overflow + 2]++;
		for (const ast_clause *c = b->stmt->clauses; c; c = c->next) {
			const int t = c->kind == CL_WITHOUT ? find_bucket(ck, c->target.text) : -1;
			if (t >= 0) {
				f.redirect_start[t + 2]++;
				nredirects++;
			}
		}
	}
	for (int t = 0; t < n; t++) {
		f.overflow_start[t + 2] += f.overflow_start[t + 1];
		f.redirect_start[t + 2] += f.redirect_start[t + 1];
	}
	f.overflow_from = arena_alloc(ck->a, sizeof *f.overflow_from * (size_t)(n + 1));
	f.redirect = arena_alloc(ck->a, sizeof *f.redirect * (size_t)(nredirects + 1));
	for (int s = 0; s < n; s++) {
		const chk_bucket *b = &p->buckets[s];
		if (!b->reached)
			continue;
		if (b->capacity >= 0 && b->overflow >= 0)
			f.overflow_from[f.overflow_start[b->overflow + 1]++] = s;
		for (const ast_clause *c = b->stmt->clauses; c; c = c->next) {
			const int t = c->kind == CL_WITHOUT ? find_bucket(ck, c->target.text) : -1;
			if (t >= 0)
				f.redirect[f.redirect_start[t + 1]++] = c;
		}
	}
	return f;
}

/* Writes "line L: `without W -> T`" to WHERE for each redirect into bucket T
 * that a reached bucket makes (the first three, then how many more); returns
 * how many there are. */
static int redirects_into(const inflow *f, int t, char *where, size_t size)
{
	enum { SHOWN = 3 };
	const int n = f->redirect_start[t + 1] - f->redirect_start[t];
	where[0] = '\0';
	for (int k = 0; k < n && k < SHOWN; k++) {
		const ast_clause *c = f->redirect[f->redirect_start[t] + k];
		const size_t len = strlen(where);
		if (len < size)
			snprintf(where + len, size - len, "%sline %d: `without %s -> %s`", k ? "; " : "",
				 c->loc.line, c->what.text, c->target.text);
	}
	const size_t len = strlen(where);
	if (n > SHOWN && len < size)
		snprintf(where + len, size - len, "; and %d more", n - SHOWN);
	return n;
}

/* A bucket without a capacity that households reach other than by a rule of
 * its own takes however many arrive: every household a bucket with a capacity
 * turns away, or every household a redirect sends. That is often meant (a
 * letter can always be sent), so `capacity unlimited` says so and silences
 * these warnings; without it, lint asks. T is a reached bucket: an unreached
 * one has its own warning. */
static void check_unbounded(checker *ck, const inflow *f, int t)
{
	const chk_policy *p = ck->p;
	const chk_bucket *bt = &p->buckets[t];
	if (bt->capacity >= 0 || bt->unlimited)
		return;
	for (int k = f->overflow_start[t]; k < f->overflow_start[t + 1]; k++) {
		const chk_bucket *bs = &p->buckets[f->overflow_from[k]];
		warning(ck, bt->stmt->name.loc,
			"bucket `%s` has no capacity but takes the overflow of `%s` (capacity %lld, line %d): "
			"every household `%s` turns away lands here without limit; "
			"write `capacity unlimited` on `%s` if that is meant",
			bt->name, bs->name, (long long)bs->capacity, bs->stmt->loc.line, bs->name, bt->name);
	}
	/* One warning per bucket is enough: a bucket already told that it takes
	 * an overflow without limit is not also told about its redirects (the
	 * same `capacity unlimited` answers both). */
	if (f->overflow_start[t + 1] > f->overflow_start[t] || f->own_rule[t])
		return;
	char where[320];
	if (redirects_into(f, t, where, sizeof where) > 0)
		warning(ck, bt->stmt->name.loc,
			"bucket `%s` is reached only by redirects (%s) and no rule of its own; "
			"write `capacity unlimited` on it if every such household is meant to go there",
			bt->name, where);
}

/* Marks the buckets households reach and warns about the others; when the
 * buckets flow without a cycle (ACYCLIC), also about reached buckets that take
 * an overflow or redirects without a limit. */
static void check_reach(checker *ck, bool acyclic)
{
	chk_policy *p = ck->p;
	/* From the buckets rules name, along overflows, redirects and back-fills
	 * (not into the bucket a bucket back-fills from: that is its source). */
	int *queue = arena_alloc(ck->a, sizeof *queue * (size_t)(p->nbuckets + 1));
	int head = 0, tail = 0;
	for (int b = 0; b < p->nbuckets; b++)
		if (p->buckets[b].reached)
			queue[tail++] = b;
	while (head < tail) {
		const int b = queue[head++];
		int next[4];
		const int n = bucket_edges(&p->buckets[b], next);
		for (int i = 0; i < n; i++)
			if (!p->buckets[next[i]].reached && next[i] != p->buckets[b].backfill_from) {
				p->buckets[next[i]].reached = true;
				queue[tail++] = next[i];
			}
	}
	const inflow f = inflows(ck);
	for (int b = 0; b < p->nbuckets; b++) {
		const chk_bucket *bk = &p->buckets[b];
		if (!bk->reached)
			warning(ck, bk->stmt->name.loc, "no rule, overflow or redirect sends households to bucket `%s`", bk->name);
		else if (bk->no_follow_up)
			warning(ck, bk->stmt->name.loc,
				"households in bucket `%s` get no offer of help; since 2021 the law (Wgs) requires an offer on every signal picked up",
				bk->name);
		if (bk->reached && acyclic)
			check_unbounded(ck, &f, b);
	}
	/* A household whose signals are all skipped is excluded, unless the
	 * skip says where it goes instead: no offer, as in a `no follow-up`
	 * bucket. */
	for (int i = 0; i < p->nskips; i++)
		if (p->skip_bucket[i] < 0)
			warning(ck, p->skips[i]->reason_loc,
				"households whose signals are all skipped here are excluded (\"%s\") and get no offer of help; "
				"since 2021 the law (Wgs) requires an offer on every signal picked up (to give them one, end "
				"the line with `-> BUCKET`)", p->skips[i]->reason);
}

static void check_labels(checker *ck)
{
	chk_policy *p = ck->p;
	symtab names;   /* label name -> its first declaration */
	symtab_init(&names);
	for (int i = 0; i < p->nlabels; i++) {
		ast_stmt *l = p->labels[i];
		const int first = symtab_get(&names, l->name.text);
		if (first >= 0)
			error(ck, l->name.loc, "label `%s` is declared twice (first on line %d)", l->name.text,
			      p->labels[first]->loc.line);
		else
			symtab_put(&names, ck->a, l->name.text, i);
		for (ast_label_case *c = l->cases; c; c = c->next) {
			if (!c->cond && c->next)
				error(ck, c->value.loc, "`else` must be the last case of a label");
			if (c->cond) {
				ectx cx = { SC_HOUSEHOLD, SET_COUNTED, false, false, p->ndefs };
				check_cond(ck, c->cond, &cx);
			}
		}
	}
}

static void parse_prelude(checker *ck)
{
	static const diag_source prelude_src = { "<built-in>", check_prelude, sizeof check_prelude - 1 };
	ast_file *pre = parse_rules(ck->a, ck->d, prelude_src.name, check_prelude, sizeof check_prelude - 1);
	for (ast_stmt *s = pre->stmts; s; s = s->next)
		add_def(ck, s, true);
}

chk_policy *check_policy(arena *a, diag *d, ast_file *file)
{
	chk_policy *p = arena_alloc(a, sizeof *p);
	p->file = file;
	/* D may carry errors of other files (lint takes several): count ours. */
	const int errors_before = d->errors;
	checker ck = { .a = a, .d = d, .p = p, .src = &file->source };
	parse_prelude(&ck);

	for (ast_stmt *s = file->stmts; s; s = s->next) {
		switch (s->kind) {
		case S_POLICY:
			if (p->header)
				error(&ck, s->loc, "a file states one policy (the first is on line %d)", p->header->loc.line);
			else
				p->header = s;
			break;
		case S_EXCLUDE_BEFORE:
			push_stmt(&ck, &p->before, &p->nbefore, &ck.cap_before, s);
			break;
		case S_COUNT:
			push_stmt(&ck, &p->counts, &p->ncounts, &ck.cap_counts, s);
			break;
		case S_SKIP:
			push_stmt(&ck, &p->skips, &p->nskips, &ck.cap_skips, s);
			break;
		case S_DEFINE:
			add_def(&ck, s, false);
			break;
		case S_RULE:
		case S_EXCLUDE:
			push_stmt(&ck, &p->rules, &p->nrules, &ck.cap_rules, s);
			break;
		case S_BUCKET: {
			if (name_reserved(s->name.text)) {
				error(&ck, s->name.loc, "`excluded` is reserved for exclusions; choose another bucket name");
				break;
			}
			const int first = find_bucket(&ck, s->name.text);
			if (first >= 0) {
				error(&ck, s->name.loc, "bucket `%s` is declared twice (first on line %d)", s->name.text,
				      p->buckets[first].stmt->loc.line);
				break;
			}
			p->buckets = room(&ck, p->buckets, p->nbuckets, &ck.cap_buckets, sizeof *p->buckets);
			symtab_put(&ck.bucket_names, a, s->name.text, p->nbuckets);
			chk_bucket *b = &p->buckets[p->nbuckets++];
			b->name = s->name.text;
			b->stmt = s;
			b->overflow = b->without_phone = b->without_email = b->backfill_from = -1;
			b->capacity = -1;
			b->capacity_param = -1;
			break;
		}
		case S_LABEL:
			push_stmt(&ck, &p->labels, &p->nlabels, &ck.cap_labels, s);
			break;
		}
	}
	if (!p->header)
		error(&ck, (diag_loc){ 1, 1, 1, 1 }, "a rule file starts with `policy \"NAME\"` (and optionally `version` and `effective YYYY-MM`)");

	for (int i = 0; i < p->nbefore; i++) {
		ectx cx = { SC_HOUSEHOLD, SET_ALL, true, false, 0 };
		check_cond(&ck, p->before[i]->cond, &cx);
		check_feedback(&ck, &p->before[i]->feedback);
	}
	for (int i = 0; i < p->ncounts; i++) {
		ectx cx = { SC_SIGNAL, SET_COUNTED, false, false, 0 };
		check_cond(&ck, p->counts[i]->cond, &cx);
	}
	p->skip_bucket = arena_alloc(a, sizeof *p->skip_bucket * (size_t)(p->nskips + 1));
	for (int i = 0; i < p->nskips; i++) {
		ectx cx = { SC_SIGNAL, SET_COUNTED, false, true, 0 };
		check_cond(&ck, p->skips[i]->cond, &cx);
		check_feedback(&ck, &p->skips[i]->feedback);
		const ast_name to = p->skips[i]->name;
		if (to.text && strcmp(to.text, "excluded") == 0) {
			error(&ck, to.loc, "a skip excludes without an arrow: leave `-> excluded` out");
			p->skip_bucket[i] = -1;
			continue;
		}
		p->skip_bucket[i] = to.text ? bucket_ref(&ck, to) : -1;
		if (p->skip_bucket[i] >= 0)
			p->buckets[p->skip_bucket[i]].reached = true;
	}
	check_defs(&ck);
	for (int b = 0; b < p->nbuckets; b++)
		check_bucket(&ck, &p->buckets[b]);
	check_rules(&ck);
	check_labels(&ck);
	if (d->errors == errors_before) {
		const bool acyclic = check_bucket_graph(&ck);
		check_reach(&ck, acyclic);
	}
	for (int i = 0; i < p->ndefs; i++)
		if (!p->defs[i].builtin && !p->defs[i].used && p->defs[i].name[0])
			warning(&ck, p->defs[i].stmt->name.loc, "`%s` is defined but never used", p->defs[i].name);
	bool legal = false;
	for (int i = 0; i < p->nbefore; i++)
		legal = legal || excludes_legal(p->before[i]->cond);
	if (!legal)
		warning(&ck, p->header ? p->header->loc : (diag_loc){ 1, 1, 1, 1 },
			"this policy never excludes legal persons; signals about them may not be followed up (add `exclude \"legal person\" before counting when any legal_form = legal`)");
	p->lookback = ck.lookback;
	return p;
}
