/* ast.c - constructors for syntax-tree nodes and names for messages. Each
 * constructor allocates in the compilation's arena and fills one node. */
#include "ast.h"

#include <string.h>

static ast_expr *expr_new(arena *a, enum ast_expr_kind kind, diag_loc loc)
{
	ast_expr *e = arena_alloc(a, sizeof *e);
	e->kind = kind;
	e->loc = loc;
	e->depth = 1;
	return e;
}

/* Keeps E's depth above its child's. */
static void over(ast_expr *e, const ast_expr *child)
{
	if (child && child->depth + 1 > e->depth)
		e->depth = child->depth + 1;
}

ast_expr *ast_binary(arena *a, enum ast_expr_kind kind, ast_expr *lhs, ast_expr *rhs, diag_loc loc)
{
	ast_expr *e = expr_new(a, kind, loc);
	e->u.bin.lhs = lhs;
	e->u.bin.rhs = rhs;
	over(e, lhs);
	over(e, rhs);
	return e;
}

ast_expr *ast_not(arena *a, ast_expr *operand, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_NOT, loc);
	e->u.operand = operand;
	over(e, operand);
	return e;
}

ast_expr *ast_compare(arena *a, enum ast_cmp op, ast_expr *lhs, ast_expr *rhs, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_CMP, loc);
	e->u.cmp.op = op;
	e->u.cmp.lhs = lhs;
	e->u.cmp.rhs = rhs;
	over(e, lhs);
	over(e, rhs);
	return e;
}

ast_expr *ast_between(arena *a, ast_expr *value, ast_expr *lo, ast_expr *hi, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_BETWEEN, loc);
	e->u.between.value = value;
	e->u.between.lo = lo;
	e->u.between.hi = hi;
	over(e, value);
	over(e, lo);
	over(e, hi);
	return e;
}

ast_expr *ast_in(arena *a, ast_expr *value, ast_expr *set, bool negated, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_IN, loc);
	e->u.in.value = value;
	e->u.in.items = set ? set->u.in.items : NULL;
	e->u.in.nitems = set ? set->u.in.nitems : 0;
	e->u.in.negated = negated;
	over(e, value);
	return e;
}

/* Set literals are built as a value-less E_IN whose item array doubles as it
 * grows; the old array stays in the arena, which is fine for a few items. */
ast_expr *ast_set_item(arena *a, ast_expr *set, ast_expr *item)
{
	if (!set)
		set = expr_new(a, E_IN, item->loc);
	const int n = set->u.in.nitems;
	if ((n & (n - 1)) == 0) {
		ast_expr **grown = arena_alloc(a, sizeof *grown * (size_t)(n ? 2 * n : 1));
		if (n)
			memcpy(grown, set->u.in.items, sizeof *grown * (size_t)n);
		set->u.in.items = grown;
	}
	set->u.in.items[n] = item;
	set->u.in.nitems = n + 1;
	set->loc = ast_span(set->loc, item->loc);
	return set;
}

ast_expr *ast_missing(arena *a, ast_expr *value, bool known, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_MISSING, loc);
	e->u.missing.value = value;
	e->u.missing.known = known;
	over(e, value);
	return e;
}

ast_expr *ast_name_ref(arena *a, const char *text, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_NAME, loc);
	e->u.name.text = text;
	return e;
}

ast_expr *ast_number(arena *a, enum ast_expr_kind kind, int64_t value, diag_loc loc)
{
	ast_expr *e = expr_new(a, kind, loc);
	e->u.number = value;
	return e;
}

ast_expr *ast_string(arena *a, const char *text, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_STRING, loc);
	e->u.string = text;
	return e;
}

ast_expr *ast_aggregate(arena *a, enum ast_agg agg, ast_expr *cond, const char *field,
			diag_loc field_loc, ast_window window, diag_loc loc)
{
	ast_expr *e = expr_new(a, E_AGG, loc);
	e->u.agg.agg = agg;
	e->u.agg.cond = cond;
	e->u.agg.field = field;
	e->u.agg.field_loc = field_loc;
	e->u.agg.window = window;
	over(e, cond);
	return e;
}

ast_stmt *ast_stmt_new(arena *a, enum ast_stmt_kind kind, diag_loc loc)
{
	ast_stmt *s = arena_alloc(a, sizeof *s);
	s->kind = kind;
	s->loc = loc;
	s->effective = -1;
	return s;
}

void ast_append(ast_file *f, ast_stmt *s)
{
	if (!f->tail)
		f->tail = &f->stmts;
	*f->tail = s;
	f->tail = &s->next;
}

ast_clause *ast_clause_new(arena *a, enum ast_clause_kind kind, diag_loc loc)
{
	ast_clause *c = arena_alloc(a, sizeof *c);
	c->kind = kind;
	c->loc = loc;
	return c;
}

ast_order_key *ast_order_key_new(arena *a, ast_expr *e, bool descending)
{
	ast_order_key *k = arena_alloc(a, sizeof *k);
	k->expr = e;
	k->descending = descending;
	return k;
}

const char *ast_type_name(enum ast_type t)
{
	switch (t) {
	case TY_UNKNOWN: return "unknown";
	case TY_BOOL: return "a condition (yes/no)";
	case TY_MONEY: return "an amount of money";
	case TY_COUNT: return "a count";
	case TY_DAYS: return "a number of days";
	case TY_YEARS: return "an age in years";
	case TY_FLAG: return "a 0/1 flag";
	case TY_TEXT: return "text";
	case TY_SECTOR: return "a sector";
	case TY_KIND: return "a signal kind";
	case TY_LEGAL_FORM: return "a legal form";
	case TY_OUTCOME: return "an outcome";
	case TY_NUMBER: return "a number";
	}
	return "unknown";
}

const char *ast_cmp_text(enum ast_cmp op)
{
	switch (op) {
	case CMP_EQ: return "=";
	case CMP_NE: return "!=";
	case CMP_LT: return "<";
	case CMP_LE: return "<=";
	case CMP_GT: return ">";
	case CMP_GE: return ">=";
	}
	return "?";
}

diag_loc ast_span(diag_loc a, diag_loc b)
{
	diag_loc s = a;
	s.end_line = b.end_line;
	s.end_col = b.end_col;
	return s;
}

void ast_window_range(ast_window w, int *lo, int *hi)
{
	switch (w.kind) {
	case WIN_THIS_MONTH:
		*lo = *hi = 0;
		return;
	case WIN_WITHIN:
		*lo = 0;
		*hi = w.months - 1;
		return;
	case WIN_PREVIOUS:
		*lo = 1;
		*hi = w.months;
		return;
	}
	*lo = *hi = 0;
}
