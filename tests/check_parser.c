/* check_parser.c - the grammar: every statement form builds the tree it
 * should, the two lines of the design card are valid as written, operators
 * bind as a policy officer reads them, and a file with several syntax errors
 * reports each of them, exactly, in one pass. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "compile.h"
#include "parse.h"
#include "support.h"

static const ast_clause *clause(const ast_stmt *s, enum ast_clause_kind k, int nth)
{
	for (const ast_clause *c = s->clauses; c; c = c->next)
		if (c->kind == k && nth-- == 0)
			return c;
	ck_abort_msg("bucket %s has no clause %d", s->name.text, (int)k);
	return NULL;
}

static int count_clauses(const ast_stmt *s)
{
	int n = 0;
	for (const ast_clause *c = s->clauses; c; c = c->next)
		n++;
	return n;
}

static bool is_name(const ast_expr *e, const char *text)
{
	return e && e->kind == E_NAME && strcmp(e->u.name.text, text) == 0;
}

/* ---- every statement form -------------------------------------------------- */

static const char every_form[] =
	"policy \"Every form\" version \"3b\" effective 2024-01\n"                  /* 0 */
	"exclude \"legal person\" before counting when any legal_form = legal\n"   /* 1 */
	"count signal when arrears >= 100 or sector = water\n"                    /* 2 */
	"skip signal \"same as last month\" when same creditor in previous month\n" /* 3 */
	"define heavy = arrears > EUR 1000\n"                                     /* 4 */
	"match when >= 2 creditors within 3 months\n"                             /* 5 */
	"exclude \"declined\" when any outcome = refused in previous 3 months\n"   /* 6 */
	"heavy -> visit\n"                                                        /* 7 */
	"otherwise -> letter\n"                                                   /* 8 */
	"bucket visit capacity 30 by arrears desc, max days_overdue asc overflow to phone\n" /* 9 */
	"bucket phone capacity 5 spread over district overflow letter\n"          /* 10 */
	"             without phone -> letter without email -> letter\n"
	"bucket letter backfill from phone by arrears asc no follow-up\n"         /* 11 */
	"bucket spare backfill from letter\n"                                     /* 12 */
	"label size = big when heavy, small when arrears < 100, else medium\n";    /* 13 */

START_TEST(every_statement_form_parses_into_its_node)
{
	parsed p;
	parse_text(&p, every_form);
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	ck_assert_int_eq(count_stmts(p.file), 14);

	const ast_stmt *s = stmt_at(p.file, 0);
	ck_assert_int_eq(s->kind, S_POLICY);
	ck_assert_str_eq(s->name.text, "Every form");
	ck_assert_str_eq(s->version, "3b");
	ck_assert(s->has_effective);

	s = stmt_at(p.file, 1);
	ck_assert_int_eq(s->kind, S_EXCLUDE_BEFORE);
	ck_assert_str_eq(s->reason, "legal person");
	ck_assert_int_eq(s->cond->kind, E_AGG);
	ck_assert_int_eq(s->cond->u.agg.agg, AGG_ANY);

	s = stmt_at(p.file, 2);
	ck_assert_int_eq(s->kind, S_COUNT);
	ck_assert_int_eq(s->cond->kind, E_OR);

	s = stmt_at(p.file, 3);
	ck_assert_int_eq(s->kind, S_SKIP);
	ck_assert_str_eq(s->reason, "same as last month");
	ck_assert_int_eq(s->cond->u.agg.agg, AGG_SAME);
	ck_assert_str_eq(s->cond->u.agg.field, "creditor");

	s = stmt_at(p.file, 4);
	ck_assert_int_eq(s->kind, S_DEFINE);
	ck_assert_str_eq(s->name.text, "heavy");
	ck_assert_int_eq(s->cond->u.cmp.rhs->kind, E_MONEY);
	ck_assert_int_eq(s->cond->u.cmp.rhs->u.number, 100000);

	s = stmt_at(p.file, 5);
	ck_assert_int_eq(s->kind, S_DEFINE);   /* NAME when COND is a definition */
	ck_assert_str_eq(s->name.text, "match");

	s = stmt_at(p.file, 6);
	ck_assert_int_eq(s->kind, S_EXCLUDE);
	ck_assert_str_eq(s->reason, "declined");
	ck_assert_int_eq(s->cond->u.agg.window.kind, WIN_PREVIOUS);
	ck_assert_int_eq(s->cond->u.agg.window.months, 3);

	s = stmt_at(p.file, 7);
	ck_assert_int_eq(s->kind, S_RULE);
	ck_assert(is_name(s->cond, "heavy"));
	ck_assert_str_eq(s->name.text, "visit");

	s = stmt_at(p.file, 8);
	ck_assert_int_eq(s->kind, S_RULE);
	ck_assert_ptr_null(s->cond);           /* otherwise */
	ck_assert_str_eq(s->name.text, "letter");

	s = stmt_at(p.file, 9);
	ck_assert_int_eq(s->kind, S_BUCKET);
	ck_assert_str_eq(s->name.text, "visit");
	ck_assert_int_eq(count_clauses(s), 3);
	ck_assert_int_eq(clause(s, CL_CAPACITY, 0)->capacity, 30);
	const ast_order_key *k = clause(s, CL_ORDER, 0)->order;
	ck_assert(is_name(k->expr, "arrears"));
	ck_assert(k->descending);
	ck_assert_ptr_nonnull(k->next);
	ck_assert_int_eq(k->next->expr->kind, E_AGG);
	ck_assert_int_eq(k->next->expr->u.agg.agg, AGG_MAX);
	ck_assert_str_eq(k->next->expr->u.agg.field, "days_overdue");
	ck_assert(!k->next->descending);
	ck_assert_ptr_null(k->next->next);
	ck_assert_str_eq(clause(s, CL_OVERFLOW, 0)->target.text, "phone");

	s = stmt_at(p.file, 10);
	ck_assert_int_eq(count_clauses(s), 5);
	ck_assert_int_eq(clause(s, CL_CAPACITY, 0)->capacity, 5);
	ck_assert_str_eq(clause(s, CL_SPREAD, 0)->what.text, "district");
	ck_assert_str_eq(clause(s, CL_OVERFLOW, 0)->target.text, "letter");
	ck_assert_str_eq(clause(s, CL_WITHOUT, 0)->what.text, "phone");
	ck_assert_str_eq(clause(s, CL_WITHOUT, 0)->target.text, "letter");
	ck_assert_str_eq(clause(s, CL_WITHOUT, 1)->what.text, "email");
	/* Clauses are kept in the order written. */
	static const enum ast_clause_kind written[] = { CL_CAPACITY, CL_SPREAD, CL_OVERFLOW, CL_WITHOUT, CL_WITHOUT };
	int nth = 0;
	for (const ast_clause *cl = s->clauses; cl; cl = cl->next, nth++)
		ck_assert_int_eq(cl->kind, written[nth]);

	s = stmt_at(p.file, 11);
	ck_assert_int_eq(count_clauses(s), 2);
	const ast_clause *bf = clause(s, CL_BACKFILL, 0);
	ck_assert_str_eq(bf->target.text, "phone");
	ck_assert_ptr_nonnull(bf->order);      /* "by" after backfill orders the back-fill */
	ck_assert(!bf->order->descending);
	clause(s, CL_NO_FOLLOW_UP, 0);

	s = stmt_at(p.file, 12);
	ck_assert_int_eq(count_clauses(s), 1);
	ck_assert_ptr_null(clause(s, CL_BACKFILL, 0)->order);

	s = stmt_at(p.file, 13);
	ck_assert_int_eq(s->kind, S_LABEL);
	ck_assert_str_eq(s->name.text, "size");
	const ast_label_case *c = s->cases;
	ck_assert_str_eq(c->value.text, "big");
	ck_assert(is_name(c->cond, "heavy"));
	c = c->next;
	ck_assert_str_eq(c->value.text, "small");
	ck_assert_int_eq(c->cond->kind, E_CMP);
	c = c->next;
	ck_assert_str_eq(c->value.text, "medium");
	ck_assert_ptr_null(c->cond);
	ck_assert_ptr_null(c->next);
	done(&p);
}
END_TEST

START_TEST(capacity_unlimited_is_a_capacity_clause_without_a_number)
{
	parsed p;
	parse_text(&p,
		"bucket mail capacity unlimited without phone -> letter\n"
		"bucket visit overflow mail capacity 30\n"
		"bucket letter\n"
		"              capacity\n"
		"              unlimited\n");
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	const ast_stmt *s = stmt_at(p.file, 0);
	ck_assert_int_eq(count_clauses(s), 2);
	const ast_clause *c = clause(s, CL_CAPACITY, 0);
	ck_assert(c->unlimited);
	ck_assert_int_eq(c->capacity, -1);
	/* The clause spans both words: a "given twice" error underlines it whole. */
	ck_assert_int_eq(c->loc.col, 13);
	ck_assert_int_eq(c->loc.end_col, 31);
	ck_assert_int_eq(s->clauses->kind, CL_CAPACITY);   /* in the order written */
	c = clause(stmt_at(p.file, 1), CL_CAPACITY, 0);
	ck_assert(!c->unlimited);
	ck_assert_int_eq(c->capacity, 30);
	/* Like any clause, it may be split over continuation lines. */
	c = clause(stmt_at(p.file, 2), CL_CAPACITY, 0);
	ck_assert(c->unlimited);
	ck_assert_int_eq(c->loc.line, 4);
	ck_assert_int_eq(c->loc.end_line, 5);
	done(&p);
}
END_TEST

START_TEST(unlimited_is_only_a_capacity)
{
	parsed p;
	parse_text(&p,
		"bucket mail unlimited\n"
		"bucket letter capacity unlimited 5\n"
		"bucket phone capacity -> letter\n");
	ck_assert_int_eq(p.d.errors, 3);
	ck_assert_str_eq(messages(&p),
		"t.vroeg:1:13: error: unexpected `unlimited`\n"
		"  bucket mail unlimited\n"
		"              ^~~~~~~~~\n"
		"t.vroeg:2:34: error: unexpected number\n"
		"  bucket letter capacity unlimited 5\n"
		"                                   ^\n"
		"t.vroeg:3:23: error: unexpected `->`; expected name, number or `unlimited`\n"
		"  bucket phone capacity -> letter\n"
		"                        ^~\n");
	done(&p);
}
END_TEST

START_TEST(version_takes_text_number_amount_or_month)
{
	static const char *const texts[][2] = {
		{ "policy \"P\"\n", "" },
		{ "policy \"P\" version \"x y\"\n", "x y" },
		{ "policy \"P\" version 7\n", "7" },
		{ "policy \"P\" version 1.5\n", "1.5" },
		{ "policy \"P\" version 2019-06 effective 2019-06\n", "2019-06" },
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		parsed p;
		parse_text(&p, texts[i][0]);
		ck_assert_msg(p.d.errors == 0, "%s: %s", texts[i][0], messages(&p));
		ck_assert_str_eq(stmt_at(p.file, 0)->version, texts[i][1]);
		done(&p);
	}
}
END_TEST

START_TEST(every_aggregate_and_condition_form_parses)
{
	static const char *const conds[] = {
		"any sector = rent",
		"all sector != rent",
		"creditors >= 2",
		"creditors this month >= 2",
		">= 2 creditors within 3 months",
		"sectors within 2 months > 1",
		"signals with sector = rent in previous 6 months >= 1",
		"months with signals in the previous 6 months >= 2",
		"months with signals with arrears > 50 in previous 6 months >= 2",
		"outcomes with outcome = refused in previous 3 months >= 1",
		"total arrears with sector = rent > 500",
		"max days_overdue within 2 months > 90",
		"min age < 28",
		"arrears between 100 and 500",
		"any kind not in {eviction, cak}",
		"any days_overdue is missing",
		"any brp_match is known",
		"(arrears > 5 or rent > 5) and not single",
		"district = \"Noord\"",
		"any (sector = rent and arrears > 100)",
	};
	for (size_t i = 0; i < sizeof conds / sizeof *conds; i++) {
		char text[256];
		snprintf(text, sizeof text, "%s -> a\n", conds[i]);
		parsed p;
		parse_text(&p, text);
		ck_assert_msg(p.d.errors == 0, "%s: %s", conds[i], messages(&p));
		ck_assert_int_eq(count_stmts(p.file), 1);
		ck_assert_ptr_nonnull(stmt_at(p.file, 0)->cond);
		done(&p);
	}
}
END_TEST

/* ---- the design card ------------------------------------------------------ */

static const char card[] =
	"policy \"Design card\"\n"
	"exclude \"legal person\" before counting when any legal_form = legal\n"
	"match when >= 2 creditors within 3 months\n"
	"match -> home_visit\n"
	"rent > 575 -> home_visit\n"
	"otherwise -> letter\n"
	"bucket home_visit\n"
	"bucket letter\n";

START_TEST(the_design_card_lines_parse_as_written)
{
	parsed p;
	parse_text(&p, card);
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	const ast_stmt *m = stmt_at(p.file, 2);
	ck_assert_int_eq(m->kind, S_DEFINE);
	ck_assert_str_eq(m->name.text, "match");
	ck_assert_int_eq(m->cond->kind, E_CMP);
	ck_assert_int_eq(m->cond->u.cmp.op, CMP_GE);
	const ast_expr *agg = m->cond->u.cmp.lhs;
	ck_assert_int_eq(agg->kind, E_AGG);
	ck_assert_int_eq(agg->u.agg.agg, AGG_CREDITORS);
	ck_assert_int_eq(agg->u.agg.window.kind, WIN_WITHIN);
	ck_assert_int_eq(agg->u.agg.window.months, 3);
	ck_assert_int_eq(m->cond->u.cmp.rhs->kind, E_INT);
	ck_assert_int_eq(m->cond->u.cmp.rhs->u.number, 2);

	const ast_stmt *r = stmt_at(p.file, 4);
	ck_assert_int_eq(r->kind, S_RULE);
	ck_assert_int_eq(r->cond->kind, E_CMP);
	ck_assert_int_eq(r->cond->u.cmp.op, CMP_GT);
	ck_assert(is_name(r->cond->u.cmp.lhs, "rent"));
	ck_assert_int_eq(r->cond->u.cmp.rhs->u.number, 575);
	ck_assert_str_eq(r->name.text, "home_visit");
	done(&p);
}
END_TEST

START_TEST(the_design_card_lines_compile_in_a_full_policy)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	diag d;
	diag_init(&d, f);
	bc_program prog;
	const bool ok = compile_policy("card.vroeg", card, strlen(card), &d, &prog);
	fflush(f);
	ck_assert_msg(ok, "%s", out);
	ck_assert_int_eq(d.errors, 0);
	ck_assert_int_eq(d.warnings, 0);
	/* The policy's own `match` replaces the built-in one: one function named so. */
	int named_match = 0;
	for (uint32_t i = 0; i < prog.ndefs; i++) {
		const bc_function *fn = &prog.fns[prog.defs[i]];
		if (fn->name != BC_NONE && strcmp(prog.consts[fn->name].text, "match") == 0)
			named_match++;
	}
	ck_assert_int_eq(named_match, 1);
	ck_assert_int_ge(prog.lookback, 2);     /* within 3 months reaches two months back */
	bc_program_free(&prog);
	fclose(f);
	free(out);
}
END_TEST

/* ---- precedence ------------------------------------------------------------ */

START_TEST(any_binds_its_comparison_not_the_and_after_it)
{
	parsed p;
	parse_text(&p, "any sector = rent and arrears > 575 -> a\n");
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	const ast_expr *e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_AND);
	const ast_expr *l = e->u.bin.lhs, *r = e->u.bin.rhs;
	ck_assert_int_eq(l->kind, E_AGG);
	ck_assert_int_eq(l->u.agg.agg, AGG_ANY);
	ck_assert_int_eq(l->u.agg.cond->kind, E_CMP);
	ck_assert(is_name(l->u.agg.cond->u.cmp.lhs, "sector"));
	ck_assert(is_name(l->u.agg.cond->u.cmp.rhs, "rent"));
	ck_assert_int_eq(r->kind, E_CMP);
	ck_assert(is_name(r->u.cmp.lhs, "arrears"));
	done(&p);

	/* Inside parentheses the condition on one signal takes the `and`. */
	parse_text(&p, "any (sector = rent and arrears > 575) -> a\n");
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_AGG);
	ck_assert_int_eq(e->u.agg.cond->kind, E_AND);
	done(&p);
}
END_TEST

START_TEST(not_binds_tighter_than_and)
{
	parsed p;
	parse_text(&p, "not single and recidive -> a\n");
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	const ast_expr *e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_AND);
	ck_assert_int_eq(e->u.bin.lhs->kind, E_NOT);
	ck_assert(is_name(e->u.bin.lhs->u.operand, "single"));
	ck_assert(is_name(e->u.bin.rhs, "recidive"));
	done(&p);

	/* A comparison stays whole under `not`. */
	parse_text(&p, "not arrears > 5 and single -> a\n");
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_AND);
	ck_assert_int_eq(e->u.bin.lhs->kind, E_NOT);
	ck_assert_int_eq(e->u.bin.lhs->u.operand->kind, E_CMP);
	done(&p);
}
END_TEST

START_TEST(and_binds_tighter_than_or_and_both_group_left)
{
	parsed p;
	parse_text(&p, "match or single and recidive -> a\n");
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	const ast_expr *e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_OR);
	ck_assert(is_name(e->u.bin.lhs, "match"));
	ck_assert_int_eq(e->u.bin.rhs->kind, E_AND);
	done(&p);

	parse_text(&p, "a or b or c -> x\n");
	e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_OR);
	ck_assert_int_eq(e->u.bin.lhs->kind, E_OR);
	ck_assert(is_name(e->u.bin.rhs, "c"));
	done(&p);

	parse_text(&p, "(match or single) and recidive -> a\n");
	e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_AND);
	ck_assert_int_eq(e->u.bin.lhs->kind, E_OR);
	done(&p);
}
END_TEST

START_TEST(between_takes_its_own_and)
{
	parsed p;
	parse_text(&p, "single and arrears between 100 and 500 and recidive -> a\n");
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	const ast_expr *e = stmt_at(p.file, 0)->cond;
	ck_assert_int_eq(e->kind, E_AND);
	ck_assert(is_name(e->u.bin.rhs, "recidive"));
	ck_assert_int_eq(e->u.bin.lhs->kind, E_AND);
	const ast_expr *b = e->u.bin.lhs->u.bin.rhs;
	ck_assert_int_eq(b->kind, E_BETWEEN);
	ck_assert_int_eq(b->u.between.lo->u.number, 100);
	ck_assert_int_eq(b->u.between.hi->u.number, 500);
	done(&p);
}
END_TEST

/* ---- syntax errors ---------------------------------------------------------- */

START_TEST(three_syntax_errors_on_three_lines_are_all_reported)
{
	parsed p;
	parse_text(&p,
		"policy \"Three mistakes\"\n"
		"arrears > -> letter\n"
		"bucket\n"
		"otherwise letter\n"
		"bucket letter\n");
	ck_assert_int_eq(p.d.errors, 3);
	ck_assert_str_eq(messages(&p),
		"t.vroeg:2:11: error: unexpected `->`\n"
		"  arrears > -> letter\n"
		"            ^~\n"
		"t.vroeg:3:7: error: unexpected end of line; expected name\n"
		"  bucket\n"
		"        ^\n"
		"t.vroeg:4:11: error: unexpected name; expected `->`\n"
		"  otherwise letter\n"
		"            ^~~~~~\n");
	/* The good lines around them are kept. */
	ck_assert_int_eq(count_stmts(p.file), 2);
	ck_assert_int_eq(stmt_at(p.file, 0)->kind, S_POLICY);
	ck_assert_str_eq(stmt_at(p.file, 1)->name.text, "letter");
	done(&p);
}
END_TEST

START_TEST(errors_on_consecutive_lines_are_each_reported)
{
	parsed p;
	parse_text(&p,
		"policy \"x\" version\n"
		"match when >= creditors\n"
		"(arrears > 5 -> a\n"
		"bucket a capacity\n"
		"bucket a by arrears\n");
	ck_assert_int_eq(p.d.errors, 5);
	ck_assert_str_eq(messages(&p),
		"t.vroeg:1:19: error: unexpected end of line; expected text in quotes, number, amount or month (YYYY-MM)\n"
		"  policy \"x\" version\n"
		"                    ^\n"
		"t.vroeg:2:15: error: unexpected `creditors`; expected name or number\n"
		"  match when >= creditors\n"
		"                ^~~~~~~~~\n"
		"t.vroeg:3:14: error: unexpected `->`; expected `)`, `and` or `or`\n"
		"  (arrears > 5 -> a\n"
		"               ^~\n"
		"t.vroeg:4:18: error: unexpected end of line; expected name, number or `unlimited`\n"
		"  bucket a capacity\n"
		"                   ^\n"
		"t.vroeg:5:20: error: unexpected end of line; expected `asc` or `desc`\n"
		"  bucket a by arrears\n"
		"                     ^\n");
	ck_assert_int_eq(count_stmts(p.file), 0);
	done(&p);
}
END_TEST

START_TEST(a_syntax_error_in_a_continued_statement_points_into_the_continuation)
{
	parsed p;
	parse_text(&p,
		"bucket phone capacity 50\n"
		"             overflow -> letter\n"
		"bucket letter\n");
	ck_assert_int_eq(p.d.errors, 1);
	ck_assert_str_eq(messages(&p),
		"t.vroeg:2:23: error: unexpected `->`; expected name or `to`\n"
		"               overflow -> letter\n"
		"                        ^~\n");
	ck_assert_int_eq(count_stmts(p.file), 1);
	done(&p);
}
END_TEST

START_TEST(a_comparison_with_a_window_is_not_a_count)
{
	/* "arrears > 3 months" mixes an amount with a window: a syntax error, not
	 * a silent reading. */
	parsed p;
	parse_text(&p, "arrears > 3 months -> a\n");
	ck_assert_int_eq(p.d.errors, 1);
	ck_assert_str_eq(messages(&p),
		"t.vroeg:1:13: error: unexpected `months`; expected `->`, `and` or `or`\n"
		"  arrears > 3 months -> a\n"
		"              ^~~~~~\n");
	done(&p);
}
END_TEST

/* ---- nesting ----------------------------------------------------------------- */

/* "N opening parentheses, arrears > 5, N closing, -> a" and a line after it. */
static char *parenthesised(int n)
{
	char *t = malloc((size_t)n * 2 + 64);
	ck_assert_ptr_nonnull(t);
	size_t len = 0;
	for (int i = 0; i < n; i++)
		t[len++] = '(';
	len += (size_t)sprintf(t + len, "arrears > 5");
	for (int i = 0; i < n; i++)
		t[len++] = ')';
	sprintf(t + len, " -> a\nmatch -> b\n");
	return t;
}

START_TEST(parentheses_nest_to_the_limit)
{
	char *t = parenthesised(PARSE_MAX_NESTING);
	parsed p;
	parse_text(&p, t);
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	ck_assert_int_eq(count_stmts(p.file), 2);
	ck_assert_int_eq(stmt_at(p.file, 0)->cond->kind, E_CMP);
	done(&p);
	free(t);
}
END_TEST

START_TEST(one_parenthesis_more_is_an_error_at_it_and_the_next_line_parses)
{
	char *t = parenthesised(PARSE_MAX_NESTING + 1);
	parsed p;
	parse_text(&p, t);
	ck_assert_int_eq(p.d.errors, 1);
	const char *want = "t.vroeg:1:101: error: parentheses and `not` nested more than 100 deep; split the condition with `define`\n";
	ck_assert_msg(strncmp(messages(&p), want, strlen(want)) == 0, "%s", messages(&p));
	ck_assert_int_eq(count_stmts(p.file), 1);
	ck_assert_str_eq(stmt_at(p.file, 0)->name.text, "b");
	done(&p);
	free(t);
}
END_TEST

START_TEST(ten_thousand_parentheses_are_one_error_not_out_of_memory)
{
	char *t = parenthesised(10000);
	parsed p;
	parse_text(&p, t);
	ck_assert_int_eq(p.d.errors, 1);
	ck_assert_ptr_null(strstr(messages(&p), "memory"));
	ck_assert_ptr_nonnull(strstr(messages(&p), "t.vroeg:1:101: error: parentheses and `not` nested more than 100 deep"));
	done(&p);
	free(t);
}
END_TEST

START_TEST(not_counts_as_a_level_while_it_is_open)
{
	/* 100 `not`s in a row are the limit; 101 one too many, reported at the
	 * 101st. `not` after `not` closed again is no deeper. */
	char t[1024] = "";
	for (int i = 0; i < PARSE_MAX_NESTING + 1; i++)
		strcat(t, "not ");
	strcat(t, "match -> a\n");
	parsed p;
	parse_text(&p, t);
	ck_assert_int_eq(p.d.errors, 1);
	const char *want = "t.vroeg:1:401: error: parentheses and `not` nested more than 100 deep";
	ck_assert_msg(strncmp(messages(&p), want, strlen(want)) == 0, "%s", messages(&p));
	done(&p);
	char flat[4096] = "match";
	for (int i = 0; i < 200; i++)
		strcat(flat, " and not match");
	strcat(flat, " -> a\n");
	parse_text(&p, flat);
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	done(&p);
	/* Mixed: `any (` and `not` add up. */
	char mixed[1024] = "any (";
	for (int i = 0; i < PARSE_MAX_NESTING; i++)
		strcat(mixed, "not ");
	strcat(mixed, "arrears > 5) -> a\n");
	parse_text(&p, mixed);
	ck_assert_int_eq(p.d.errors, 1);
	want = "t.vroeg:1:402: error: parentheses and `not` nested more than 100 deep";
	ck_assert_msg(strncmp(messages(&p), want, strlen(want)) == 0, "%s", messages(&p));
	done(&p);
}
END_TEST

START_TEST(a_syntax_error_inside_parentheses_leaves_the_next_line_at_depth_zero)
{
	/* The error leaves 99 open; the next line may open 100 again. */
	char *deep = parenthesised(PARSE_MAX_NESTING);
	char t[4096] = "";
	for (int i = 0; i < PARSE_MAX_NESTING - 1; i++)
		strcat(t, "(");
	strcat(t, "arrears > -> a\n");
	strcat(t, deep);
	parsed p;
	parse_text(&p, t);
	ck_assert_int_eq(p.d.errors, 1);
	ck_assert_ptr_null(strstr(messages(&p), "nested"));
	ck_assert_int_eq(count_stmts(p.file), 2);
	done(&p);
	free(deep);
}
END_TEST

/* A statement of a hundred thousand clauses, cases or keys is read in one
 * pass, in order (appending each at the end of its list took as long as the
 * list: minutes for this). */
START_TEST(long_lists_are_built_in_one_pass_and_keep_their_order)
{
	enum { N = 100000 };
	size_t size = (size_t)N * 40 + 256, len = 0;
	char *t = malloc(size);
	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, size - len, "bucket a");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(t + len, size - len, "%s", i % 2 ? " overflow b" : " by arrears desc, age asc");
	len += (size_t)snprintf(t + len, size - len, "\nlabel l = ");
	for (int i = 0; i < N; i++)
		len += (size_t)snprintf(t + len, size - len, "%sx%d when match", i ? ", " : "", i);
	snprintf(t + len, size - len, "\n");
	parsed p;
	parse_text(&p, t);
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	const ast_stmt *b = stmt_at(p.file, 0), *l = stmt_at(p.file, 1);
	ck_assert_int_eq(count_clauses(b), N);
	int i = 0;
	for (const ast_clause *c = b->clauses; c; c = c->next, i++) {
		ck_assert_int_eq(c->kind, i % 2 ? CL_OVERFLOW : CL_ORDER);
		if (c->kind == CL_ORDER) {
			ck_assert(c->order->descending);
			ck_assert(!c->order->next->descending);
			ck_assert_ptr_null(c->order->next->next);
		}
	}
	i = 0;
	for (const ast_label_case *c = l->cases; c; c = c->next, i++) {
		char want[16];
		snprintf(want, sizeof want, "x%d", i);
		ck_assert_str_eq(c->value.text, want);
	}
	ck_assert_int_eq(i, N);
	done(&p);
	free(t);
}
END_TEST


/* The forms of this wave: a named number (`define NAME = NUMBER`, a
 * capacity, `>= NAME creditors`), feedback codes on exclusions, skips and
 * buckets, contact terms in each unit, a rotating spread, and a window
 * whose length is a name (parsed, for the checker to refuse). */
static const char new_forms[] =
	"define floor = 100\n"                                                         /* 0 */
	"big when arrears > 100\n"                                                     /* 1 */
	"exclude \"legal person\" before counting when any legal_form = legal feedback 2\n" /* 2 */
	"skip signal \"again\" when same creditor in previous month\n"                /* 3 */
	"    feedback repeat_signal\n"
	"exclude \"known\" when any known_debt_help feedback already_known\n"         /* 4 */
	"match when >= least creditors within 3 months\n"                             /* 5 */
	"signals within recent months >= 1 -> a\n"                                    /* 6 */
	"bucket a capacity visits within 3 working days feedback 5 overflow b\n"      /* 7 */
	"bucket b spread over district rotating within 4 weeks\n"                     /* 8 */
	"bucket c within 1 working day within 10 days within 1 day within 1 week within 2 months within 1 month\n"; /* 9 */

START_TEST(named_numbers_feedback_terms_and_rotation_parse)
{
	parsed p;
	parse_text(&p, new_forms);
	ck_assert_msg(p.d.errors == 0, "%s", messages(&p));
	ck_assert_int_eq(count_stmts(p.file), 10);
	const ast_stmt *s = stmt_at(p.file, 0);
	ck_assert(s->kind == S_DEFINE && s->define_form && s->cond->kind == E_INT);
	s = stmt_at(p.file, 1);
	ck_assert(s->kind == S_DEFINE && !s->define_form);
	s = stmt_at(p.file, 2);
	ck_assert(s->kind == S_EXCLUDE_BEFORE && s->feedback.given && !s->feedback.name && s->feedback.number == 2);
	s = stmt_at(p.file, 3);
	ck_assert(s->kind == S_SKIP && s->feedback.given);
	ck_assert_str_eq(s->feedback.name, "repeat_signal");
	ck_assert_int_eq(s->feedback.loc.line, 5);
	s = stmt_at(p.file, 4);
	ck_assert(s->kind == S_EXCLUDE && s->feedback.given);
	ck_assert_str_eq(s->feedback.name, "already_known");
	s = stmt_at(p.file, 5);
	ck_assert_int_eq(s->cond->kind, E_CMP);
	ck_assert_int_eq(s->cond->u.cmp.op, CMP_GE);
	ck_assert_int_eq(s->cond->u.cmp.lhs->u.agg.agg, AGG_CREDITORS);
	ck_assert(is_name(s->cond->u.cmp.rhs, "least"));
	s = stmt_at(p.file, 6);
	ck_assert_str_eq(s->cond->u.cmp.lhs->u.agg.window.name, "recent");
	s = stmt_at(p.file, 7);
	ck_assert_str_eq(clause(s, CL_CAPACITY, 0)->capacity_name.text, "visits");
	ck_assert(!clause(s, CL_CAPACITY, 0)->unlimited);
	ck_assert_int_eq(clause(s, CL_TERM, 0)->unit, TERM_WORKING_DAYS);
	ck_assert_int_eq(clause(s, CL_TERM, 0)->term, 3);
	ck_assert_int_eq(clause(s, CL_FEEDBACK, 0)->feedback.number, 5);
	s = stmt_at(p.file, 8);
	ck_assert(clause(s, CL_SPREAD, 0)->rotating);
	ck_assert_int_eq(clause(s, CL_TERM, 0)->unit, TERM_WEEKS);
	s = stmt_at(p.file, 9);
	static const enum ast_term_unit units[] = { TERM_WORKING_DAYS, TERM_DAYS, TERM_DAYS, TERM_WEEKS, TERM_MONTHS, TERM_MONTHS };
	ck_assert_int_eq(count_clauses(s), 6);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(clause(s, CL_TERM, i)->unit, units[i]);
	done(&p);
}
END_TEST

/* A feedback code goes at the end of an exclusion or skip, and nowhere in
 * a rule that sends to a bucket (the bucket states it). */
START_TEST(feedback_goes_where_it_is_allowed)
{
	parsed p;
	parse_text(&p, "arrears > 5 -> a feedback 4\n"
		   "count signal when arrears > 5 feedback 2\n"
		   "bucket a feedback\n"
		   "bucket b within 3 working\n");
	ck_assert_str_eq(messages(&p),
		"t.vroeg:1:18: error: unexpected `feedback`; expected end of line\n"
		"  arrears > 5 -> a feedback 4\n"
		"                   ^~~~~~~~\n"
		"t.vroeg:2:31: error: unexpected `feedback`; expected end of line, `and` or `or`\n"
		"  count signal when arrears > 5 feedback 2\n"
		"                                ^~~~~~~~\n"
		"t.vroeg:3:18: error: unexpected end of line; expected name or number\n"
		"  bucket a feedback\n"
		"                   ^\n"
		"t.vroeg:4:26: error: unexpected end of line; expected `days` or `day`\n"
		"  bucket b within 3 working\n"
		"                           ^\n");
	done(&p);
}
END_TEST

Suite *parser_suite(void)
{
	Suite *s = suite_create("parser");
	TCase *tc = tcase_create("forms");
	tcase_add_test(tc, every_statement_form_parses_into_its_node);
	tcase_add_test(tc, capacity_unlimited_is_a_capacity_clause_without_a_number);
	tcase_add_test(tc, version_takes_text_number_amount_or_month);
	tcase_add_test(tc, every_aggregate_and_condition_form_parses);
	tcase_add_test(tc, the_design_card_lines_parse_as_written);
	tcase_add_test(tc, the_design_card_lines_compile_in_a_full_policy);
	tcase_add_test(tc, named_numbers_feedback_terms_and_rotation_parse);
	suite_add_tcase(s, tc);

	tc = tcase_create("precedence");
	tcase_add_test(tc, any_binds_its_comparison_not_the_and_after_it);
	tcase_add_test(tc, not_binds_tighter_than_and);
	tcase_add_test(tc, and_binds_tighter_than_or_and_both_group_left);
	tcase_add_test(tc, between_takes_its_own_and);
	suite_add_tcase(s, tc);

	tc = tcase_create("nesting");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, parentheses_nest_to_the_limit);
	tcase_add_test(tc, one_parenthesis_more_is_an_error_at_it_and_the_next_line_parses);
	tcase_add_test(tc, ten_thousand_parentheses_are_one_error_not_out_of_memory);
	tcase_add_test(tc, not_counts_as_a_level_while_it_is_open);
	tcase_add_test(tc, a_syntax_error_inside_parentheses_leaves_the_next_line_at_depth_zero);
	tcase_add_test(tc, long_lists_are_built_in_one_pass_and_keep_their_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, three_syntax_errors_on_three_lines_are_all_reported);
	tcase_add_test(tc, errors_on_consecutive_lines_are_each_reported);
	tcase_add_test(tc, unlimited_is_only_a_capacity);
	tcase_add_test(tc, a_syntax_error_in_a_continued_statement_points_into_the_continuation);
	tcase_add_test(tc, a_comparison_with_a_window_is_not_a_count);
	tcase_add_test(tc, feedback_goes_where_it_is_allowed);
	suite_add_tcase(s, tc);
	return s;
}
