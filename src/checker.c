/* checker.c - the semantic pass over a parsed policy. Resolves names in three
 * scopes (the household, one signal, one outcome), types every expression,
 * checks the buckets and the rules, and warns where a policy is legal but
 * probably not what its author meant. Never changes meaning: its only writes
 * to the tree are annotations (types, resolved names) and turning whole-euro
 * literals compared with money into cents. */
#include "checker.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"
#include "fields.h"
#include "parse.h"

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

static int find_def(const checker *ck, const char *name, int limit)
{
	for (int i = limit - 1; i >= 0; i--)
		if (strcmp(ck->p->defs[i].name, name) == 0)
			return i;
	return -1;
}

static int find_bucket(const checker *ck, const char *name)
{
	for (int i = 0; i < ck->p->nbuckets; i++)
		if (strcmp(ck->p->buckets[i].name, name) == 0)
			return i;
	return -1;
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
	int i;
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
			error(ck, e->loc, "`%s` is a field of each signal; say `any %s ...` or `all %s ...`", name, name, name);
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

/* Gives literal E the type T, turning whole euros into cents for money. */
static void coerce(checker *ck, ast_expr *e, enum ast_type t)
{
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

static void note_window(checker *ck, ast_window w)
{
	int lo, hi;
	ast_window_range(w, &lo, &hi);
	if (hi > ck->lookback)
		ck->lookback = hi;
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
		e->u.agg.field_index = f;
		e->u.agg.set = SET_FLOOR;
		note_window(ck, e->u.agg.window);
		return e->type = TY_BOOL;
	}
	if (cx->scope != SC_HOUSEHOLD) {
		error(ck, e->loc, "a condition on one signal cannot count over signals; move this out of the `any`/`all`/`with`");
		return TY_UNKNOWN;
	}
	if (e->u.agg.window.given && e->u.agg.window.months < 1) {
		error(ck, e->u.agg.window.loc, "a window is at least 1 month");
		return TY_UNKNOWN;
	}
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
	case E_AND:
		check_cond(ck, e->u.bin.lhs, cx);
		check_cond(ck, e->u.bin.rhs, cx);
		return e->type = TY_BOOL;
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

/* Growable arrays of statement pointers in the arena (policies are small). */
static void push_stmt(checker *ck, ast_stmt ***arr, int *n, ast_stmt *s)
{
	ast_stmt **grown = arena_alloc(ck->a, sizeof *grown * (size_t)(*n + 1));
	if (*n)
		memcpy(grown, *arr, sizeof *grown * (size_t)*n);
	grown[(*n)++] = s;
	*arr = grown;
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
	chk_def *grown = arena_alloc(ck->a, sizeof *grown * (size_t)(p->ndefs + 1));
	if (p->ndefs)
		memcpy(grown, p->defs, sizeof *grown * (size_t)p->ndefs);
	p->defs = grown;
	chk_def *def = &p->defs[p->ndefs];
	def->name = s->name.text;
	def->stmt = s;
	def->builtin = builtin;
	if (existing >= 0) {
		/* A policy's own "match when ..." replaces the built-in everywhere. */
		p->defs[existing].name = "";
	}
	p->ndefs++;
}

static void check_defs(checker *ck)
{
	chk_policy *p = ck->p;
	for (int i = 0; i < p->ndefs; i++) {
		chk_def *def = &p->defs[i];
		ectx cx = { SC_HOUSEHOLD, SET_COUNTED, false, false, i };
		const diag_source *saved = ck->src;
		if (def->builtin)
			ck->src = NULL;
		def->type = too_deep(ck, def->stmt->cond) ? TY_UNKNOWN : check_expr(ck, def->stmt->cond, &cx, TY_UNKNOWN);
		if (def->stmt->kind == S_DEFINE && def->type == TY_FLAG)
			def->type = TY_BOOL;
		ck->src = saved;
	}
}

static const char *clause_word(enum ast_clause_kind k)
{
	switch (k) {
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
		if (t != TY_UNKNOWN && (!is_numeric(t) || t == TY_NUMBER))
			error(ck, k->expr->loc, "places are given by a number (an amount, a count, days or an age), not %s",
			      ast_type_name(t));
		if (++n == BC_MAX_ORDER + 1)
			error(ck, k->expr->loc, "at most %d order keys", BC_MAX_ORDER);
	}
}

static void check_bucket(checker *ck, chk_bucket *b)
{
	bool seen[CL_NO_FOLLOW_UP + 1] = { false };
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
		}
	}
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

static bool find_cycle(checker *ck, int b, int *state, int *path, int depth)
{
	state[b] = 1;
	path[depth] = b;
	int next[4];
	const int n = bucket_edges(&ck->p->buckets[b], next);
	for (int i = 0; i < n; i++) {
		if (state[next[i]] == 1) {
			char msg[400] = "";
			int start = depth;
			while (start > 0 && path[start] != next[i])
				start--;
			for (int j = start; j <= depth; j++) {
				strncat(msg, ck->p->buckets[path[j]].name, sizeof msg - strlen(msg) - 1);
				strncat(msg, " -> ", sizeof msg - strlen(msg) - 1);
			}
			strncat(msg, ck->p->buckets[next[i]].name, sizeof msg - strlen(msg) - 1);
			error(ck, ck->p->buckets[next[i]].stmt->name.loc,
			      "buckets flow in a cycle (%s): a policy may not overflow, redirect or back-fill in a circle", msg);
			return true;
		}
		if (state[next[i]] == 0 && find_cycle(ck, next[i], state, path, depth + 1))
			return true;
	}
	state[b] = 2;
	return false;
}

/* Whether the buckets flow without a cycle (a cycle is reported). */
static bool check_bucket_graph(checker *ck)
{
	const int n = ck->p->nbuckets;
	int *state = arena_alloc(ck->a, sizeof *state * (size_t)(n + 1));
	int *path = arena_alloc(ck->a, sizeof *path * (size_t)(n + 1));
	for (int b = 0; b < n; b++)
		if (state[b] == 0 && find_cycle(ck, b, state, path, 0))
			return false;
	return true;
}

static bool same_expr(const ast_expr *a, const ast_expr *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case E_OR: case E_AND:
		return same_expr(a->u.bin.lhs, b->u.bin.lhs) && same_expr(a->u.bin.rhs, b->u.bin.rhs);
	case E_NOT:
		return same_expr(a->u.operand, b->u.operand);
	case E_CMP:
		return a->u.cmp.op == b->u.cmp.op && same_expr(a->u.cmp.lhs, b->u.cmp.lhs) &&
		       same_expr(a->u.cmp.rhs, b->u.cmp.rhs);
	case E_BETWEEN:
		return same_expr(a->u.between.value, b->u.between.value) &&
		       same_expr(a->u.between.lo, b->u.between.lo) && same_expr(a->u.between.hi, b->u.between.hi);
	case E_IN:
		if (a->u.in.nitems != b->u.in.nitems || a->u.in.negated != b->u.in.negated ||
		    !same_expr(a->u.in.value, b->u.in.value))
			return false;
		for (int i = 0; i < a->u.in.nitems; i++)
			if (!same_expr(a->u.in.items[i], b->u.in.items[i]))
				return false;
		return true;
	case E_MISSING:
		return a->u.missing.known == b->u.missing.known && same_expr(a->u.missing.value, b->u.missing.value);
	case E_NAME:
		return strcmp(a->u.name.text, b->u.name.text) == 0;
	case E_INT: case E_DECIMAL: case E_MONEY:
		return a->u.number == b->u.number;
	case E_STRING:
		return strcmp(a->u.string, b->u.string) == 0;
	case E_AGG: {
		int alo, ahi, blo, bhi;
		ast_window_range(a->u.agg.window, &alo, &ahi);
		ast_window_range(b->u.agg.window, &blo, &bhi);
		return a->u.agg.agg == b->u.agg.agg && alo == blo && ahi == bhi &&
		       same_expr(a->u.agg.cond, b->u.agg.cond) &&
		       (a->u.agg.field == b->u.agg.field ||
			(a->u.agg.field && b->u.agg.field && strcmp(a->u.agg.field, b->u.agg.field) == 0));
	}
	}
	return false;
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

static bool constant(const ast_expr *e, int64_t *v)
{
	if (e->kind != E_INT && e->kind != E_DECIMAL && e->kind != E_MONEY)
		return false;
	*v = e->u.number;
	return true;
}

/* Bands only end the rules on values that always exist: a missing value
 * would fail every comparison and fall through. */
static bool never_missing(const ast_expr *e)
{
	if (e->kind == E_NAME)
		return (e->u.name.ref == REF_HOUSEHOLD_FACT && e->u.name.index == HF_ARREARS) ||
		       e->u.name.ref == REF_SECTOR_TOTAL;
	if (e->kind == E_AGG)
		return e->u.agg.agg == AGG_CREDITORS || e->u.agg.agg == AGG_SECTORS || e->u.agg.agg == AGG_SIGNALS ||
		       e->u.agg.agg == AGG_MONTHS || e->u.agg.agg == AGG_OUTCOMES ||
		       (e->u.agg.agg == AGG_TOTAL && e->type == TY_MONEY);
	return false;
}

/* Whether E is a band on some value; sets *SUBJECT and the interval. */
static bool as_band(const ast_expr *e, const ast_expr **subject, int64_t *lo, int64_t *hi)
{
	int64_t c, d;
	if (!e)
		return false;
	if (e->kind == E_BETWEEN) {
		if (!constant(e->u.between.lo, &c) || !constant(e->u.between.hi, &d) ||
		    !never_missing(e->u.between.value))
			return false;
		*subject = e->u.between.value;
		*lo = c;
		*hi = d;
		return true;
	}
	if (e->kind != E_CMP || e->u.cmp.op == CMP_NE)
		return false;
	enum ast_cmp op = e->u.cmp.op;
	if (constant(e->u.cmp.rhs, &c) && !constant(e->u.cmp.lhs, &d)) {
		*subject = e->u.cmp.lhs;
	} else if (constant(e->u.cmp.lhs, &c) && !constant(e->u.cmp.rhs, &d)) {
		*subject = e->u.cmp.rhs;   /* "500 < arrears": mirror the operator */
		op = op == CMP_LT ? CMP_GT : op == CMP_GT ? CMP_LT : op == CMP_LE ? CMP_GE : op == CMP_GE ? CMP_LE : op;
	} else {
		return false;
	}
	if (!never_missing(*subject))
		return false;
	*lo = 0;
	*hi = INT64_MAX;
	switch (op) {
	case CMP_LT: *hi = c - 1; break;
	case CMP_LE: *hi = c; break;
	case CMP_GT: *lo = c == INT64_MAX ? c : c + 1; break;
	case CMP_GE: *lo = c; break;
	case CMP_EQ: *lo = *hi = c; break;
	case CMP_NE: return false;
	}
	return true;
}

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

/* Checks a run of bands on one subject. Returns true when they cover every
 * value from 0 up; *GAP is the first value no band takes otherwise. */
static bool check_bands(checker *ck, band *b, int n, const ast_expr *subject, int64_t *gap)
{
	/* Overlaps, in rule order: a value an earlier band already takes. */
	for (int i = 1; i < n; i++)
		for (int j = 0; j < i; j++)
			/* A band wholly inside an earlier one is reported as shadowed. */
			if (b[j].lo <= b[i].hi && b[i].lo <= b[j].hi && !(b[j].lo <= b[i].lo && b[i].hi <= b[j].hi)) {
				char v[48];
				format_band_value(subject, b[i].lo > b[j].lo ? b[i].lo : b[j].lo, v, sizeof v);
				warning(ck, b[i].rule->loc, "this band overlaps the one on line %d: at %s the rule on line %d applies first",
					b[j].rule->loc.line, v, b[j].rule->loc.line);
				goto overlaps_done;
			}
overlaps_done:;
	/* Coverage: sort by lower end (insertion sort; a handful of bands). */
	band sorted[32];
	const int m = n < 32 ? n : 32;
	for (int i = 0; i < m; i++) {
		band x = b[i];
		int j = i;
		while (j > 0 && sorted[j - 1].lo > x.lo) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = x;
	}
	int64_t next = 0;   /* smallest value not yet covered */
	for (int i = 0; i < m; i++) {
		if (sorted[i].lo > next) {
			*gap = next;
			return false;
		}
		if (sorted[i].hi >= next)
			next = sorted[i].hi == INT64_MAX ? INT64_MAX : sorted[i].hi + 1;
		if (sorted[i].hi == INT64_MAX)
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
	for (int i = 0; i < p->nrules;) {
		const ast_expr *subject;
		int64_t lo, hi;
		if (!as_band(p->rules[i]->cond, &subject, &lo, &hi)) {
			i++;
			continue;
		}
		band b[32];
		int n = 0;
		int j = i;
		for (; j < p->nrules && n < 32; j++) {
			const ast_expr *s2;
			if (!as_band(p->rules[j]->cond, &s2, &lo, &hi) || !same_expr(s2, subject))
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

/* Whether B implies A, by the shapes that matter for shadowed rules: B is A
 * with more conditions ("match and X" after "match"), A is B or something
 * else, or B's band lies inside A's band on the same value. Sound, not
 * complete: a "no" proves nothing. */
static bool implies(const ast_expr *b, const ast_expr *a)
{
	if (same_expr(b, a))
		return true;
	if (b->kind == E_AND && (implies(b->u.bin.lhs, a) || implies(b->u.bin.rhs, a)))
		return true;
	if (a->kind == E_OR && (implies(b, a->u.bin.lhs) || implies(b, a->u.bin.rhs)))
		return true;
	if (b->kind == E_OR && implies(b->u.bin.lhs, a) && implies(b->u.bin.rhs, a))
		return true;
	if (a->kind == E_AND && implies(b, a->u.bin.lhs) && implies(b, a->u.bin.rhs))
		return true;
	const ast_expr *sa, *sb;
	int64_t alo, ahi, blo, bhi;
	if (as_band(a, &sa, &alo, &ahi) && as_band(b, &sb, &blo, &bhi) && same_expr(sa, sb))
		return alo <= blo && bhi <= ahi;
	return false;
}

static void check_rules(checker *ck)
{
	chk_policy *p = ck->p;
	p->rule_bucket = arena_alloc(ck->a, sizeof *p->rule_bucket * (size_t)(p->nrules + 1));
	const ast_stmt *otherwise = NULL;
	for (int i = 0; i < p->nrules; i++) {
		ast_stmt *r = p->rules[i];
		ectx cx = { SC_HOUSEHOLD, SET_COUNTED, false, false, p->ndefs };
		if (r->cond)
			check_cond(ck, r->cond, &cx);
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
		if (r->cond->depth > AST_MAX_DEPTH)
			continue;
		for (int j = 0; j < i; j++) {
			if (!p->rules[j]->cond || p->rules[j]->cond->depth > AST_MAX_DEPTH)
				continue;
			if (same_expr(p->rules[j]->cond, r->cond)) {
				warning(ck, r->loc, "this rule can never apply: the rule on line %d has the same condition and comes first",
					p->rules[j]->loc.line);
				break;
			}
			if (implies(r->cond, p->rules[j]->cond)) {
				warning(ck, r->loc, "this rule can never apply: whenever its condition holds, so does the one on line %d, which comes first",
					p->rules[j]->loc.line);
				break;
			}
		}
	}
	const ast_expr *subject;
	int64_t gap;
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

static bool has_own_rule(const chk_policy *p, int b)
{
	for (int i = 0; i < p->nrules; i++)
		if (p->rule_bucket[i] == b)
			return true;
	return false;
}

/* Writes "line L: `without W -> T`" to WHERE for each redirect into bucket T
 * that a reached bucket makes (the first three, then how many more); returns
 * how many there are. */
static int redirects_into(const chk_policy *p, int t, char *where, size_t size)
{
	enum { SHOWN = 3 };
	int n = 0;
	where[0] = '\0';
	for (int r = 0; r < p->nbuckets; r++) {
		if (!p->buckets[r].reached)
			continue;
		for (const ast_clause *c = p->buckets[r].stmt->clauses; c; c = c->next) {
			if (c->kind != CL_WITHOUT || strcmp(c->target.text, p->buckets[t].name) != 0)
				continue;
			const size_t len = strlen(where);
			if (n < SHOWN && len < size)
				snprintf(where + len, size - len, "%sline %d: `without %s -> %s`", n ? "; " : "",
					 c->loc.line, c->what.text, c->target.text);
			n++;
		}
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
static void check_unbounded(checker *ck, int t)
{
	const chk_policy *p = ck->p;
	const chk_bucket *bt = &p->buckets[t];
	if (bt->capacity >= 0 || bt->unlimited)
		return;
	bool warned = false;
	for (int s = 0; s < p->nbuckets; s++) {
		const chk_bucket *bs = &p->buckets[s];
		if (!bs->reached || bs->capacity < 0 || bs->overflow != t)
			continue;
		warning(ck, bt->stmt->name.loc,
			"bucket `%s` has no capacity but takes the overflow of `%s` (capacity %lld, line %d): "
			"every household `%s` turns away lands here without limit; "
			"write `capacity unlimited` on `%s` if that is meant",
			bt->name, bs->name, (long long)bs->capacity, bs->stmt->loc.line, bs->name, bt->name);
		warned = true;
	}
	/* One warning per bucket is enough: a bucket already told that it takes
	 * an overflow without limit is not also told about its redirects (the
	 * same `capacity unlimited` answers both). */
	if (warned || has_own_rule(p, t))
		return;
	char where[320];
	if (redirects_into(p, t, where, sizeof where) > 0)
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
	bool changed = true;
	while (changed) {
		changed = false;
		for (int b = 0; b < p->nbuckets; b++) {
			if (!p->buckets[b].reached)
				continue;
			int next[4];
			const int n = bucket_edges(&p->buckets[b], next);
			for (int i = 0; i < n; i++)
				if (!p->buckets[next[i]].reached && next[i] != p->buckets[b].backfill_from) {
					p->buckets[next[i]].reached = true;
					changed = true;
				}
		}
	}
	for (int b = 0; b < p->nbuckets; b++) {
		const chk_bucket *bk = &p->buckets[b];
		if (!bk->reached)
			warning(ck, bk->stmt->name.loc, "no rule, overflow or redirect sends households to bucket `%s`", bk->name);
		else if (bk->no_follow_up)
			warning(ck, bk->stmt->name.loc,
				"households in bucket `%s` get no offer of help; since 2021 the law (Wgs) requires an offer on every signal picked up",
				bk->name);
		if (bk->reached && acyclic)
			check_unbounded(ck, b);
	}
}

static void check_labels(checker *ck)
{
	chk_policy *p = ck->p;
	for (int i = 0; i < p->nlabels; i++) {
		ast_stmt *l = p->labels[i];
		for (int j = 0; j < i; j++)
			if (strcmp(p->labels[j]->name.text, l->name.text) == 0)
				error(ck, l->name.loc, "label `%s` is declared twice (first on line %d)", l->name.text,
				      p->labels[j]->loc.line);
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
	checker ck = { a, d, p, &file->source, 0 };
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
			push_stmt(&ck, &p->before, &p->nbefore, s);
			break;
		case S_COUNT:
			push_stmt(&ck, &p->counts, &p->ncounts, s);
			break;
		case S_SKIP:
			push_stmt(&ck, &p->skips, &p->nskips, s);
			break;
		case S_DEFINE:
			add_def(&ck, s, false);
			break;
		case S_RULE:
		case S_EXCLUDE:
			push_stmt(&ck, &p->rules, &p->nrules, s);
			break;
		case S_BUCKET: {
			if (name_reserved(s->name.text)) {
				error(&ck, s->name.loc, "`excluded` is reserved for exclusions; choose another bucket name");
				break;
			}
			if (find_bucket(&ck, s->name.text) >= 0) {
				error(&ck, s->name.loc, "bucket `%s` is declared twice (first on line %d)", s->name.text,
				      p->buckets[find_bucket(&ck, s->name.text)].stmt->loc.line);
				break;
			}
			chk_bucket *grown = arena_alloc(a, sizeof *grown * (size_t)(p->nbuckets + 1));
			if (p->nbuckets)
				memcpy(grown, p->buckets, sizeof *grown * (size_t)p->nbuckets);
			p->buckets = grown;
			chk_bucket *b = &p->buckets[p->nbuckets++];
			b->name = s->name.text;
			b->stmt = s;
			b->overflow = b->without_phone = b->without_email = b->backfill_from = -1;
			b->capacity = -1;
			break;
		}
		case S_LABEL:
			push_stmt(&ck, &p->labels, &p->nlabels, s);
			break;
		}
	}
	if (!p->header)
		error(&ck, (diag_loc){ 1, 1, 1, 1 }, "a rule file starts with `policy \"NAME\"` (and optionally `version` and `effective YYYY-MM`)");

	for (int i = 0; i < p->nbefore; i++) {
		ectx cx = { SC_HOUSEHOLD, SET_ALL, true, false, 0 };
		check_cond(&ck, p->before[i]->cond, &cx);
	}
	for (int i = 0; i < p->ncounts; i++) {
		ectx cx = { SC_SIGNAL, SET_COUNTED, false, false, 0 };
		check_cond(&ck, p->counts[i]->cond, &cx);
	}
	for (int i = 0; i < p->nskips; i++) {
		ectx cx = { SC_SIGNAL, SET_COUNTED, false, true, 0 };
		check_cond(&ck, p->skips[i]->cond, &cx);
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
