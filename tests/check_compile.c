/* check_compile.c - from rule text to a verified program: the header fields,
 * the rule, bucket, label and definition tables, the contract on failure,
 * determinism, the line table, and the listing of every instruction;
 * diagnostics in line order;
 * `capacity unlimited` compiles to the very bytes of no capacity. Every
 * published field policy compiles. */
#include <check.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ast.h"
#include "calendar.h"
#include "compile.h"
#include "sha256.h"
#include "types.h"
#include "vm.h"

#define HEAD "policy \"T\"\nexclude \"legal person\" before counting when any legal_form = legal\n"

typedef struct compiled {
	bc_program p;
	bool ok;
	diag d;
	char *out;
	size_t len;
	FILE *f;
} compiled;

static void compile_text(compiled *c, const char *name, const char *text)
{
	memset(c, 0, sizeof *c);
	c->f = open_memstream(&c->out, &c->len);
	ck_assert_ptr_nonnull(c->f);
	diag_init(&c->d, c->f);
	c->ok = compile_policy(name, text, strlen(text), &c->d, &c->p);
	fflush(c->f);
}

static void must_compile(compiled *c, const char *text)
{
	compile_text(c, "t.vroeg", text);
	ck_assert_msg(c->ok, "policy does not compile:\n%s\n%s", text, c->out);
}

static void done(compiled *c)
{
	if (c->ok)
		bc_program_free(&c->p);
	fclose(c->f);
	free(c->out);
}

static const char *text_const(const bc_program *p, uint32_t k)
{
	ck_assert_uint_lt(k, p->nconsts);
	ck_assert_ptr_nonnull(p->consts[k].text);
	return p->consts[k].text;
}

static int bucket(const bc_program *p, const char *name)
{
	for (uint32_t b = 0; b < p->nbuckets; b++)
		if (strcmp(text_const(p, p->buckets[b].name), name) == 0)
			return (int)b;
	return -1;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	char *text = malloc(1 << 16);
	ck_assert_ptr_nonnull(text);
	const size_t got = fread(text, 1, (1 << 16) - 1, f);
	text[got] = '\0';
	fclose(f);
	return text;
}

/* ---- the program's header -------------------------------------------------------- */

START_TEST(the_header_records_policy_source_and_digest)
{
	static const char text[] = "policy \"Zo\xc3\xab's beleid\" version \"2019-06\" effective 2019-06\n"
		"exclude \"legal person\" before counting when any legal_form = legal\n"
		"otherwise -> letter\nbucket letter\n";
	compiled c;
	compile_text(&c, "rules/zoe.vroeg", text);
	ck_assert_msg(c.ok, "%s", c.out);
	ck_assert_str_eq(c.p.policy_name, "Zo\xc3\xab's beleid");
	ck_assert_str_eq(c.p.policy_version, "2019-06");
	ck_assert_str_eq(c.p.source_name, "rules/zoe.vroeg");
	vr_month m;
	vr_month_parse("2019-06", 7, &m);
	ck_assert_int_eq(c.p.effective, m);
	uint8_t digest[32];
	sha256(text, strlen(text), digest);
	ck_assert(memcmp(digest, c.p.source_sha256, 32) == 0);
	done(&c);

	compile_text(&c, "t.vroeg", HEAD "otherwise -> letter\nbucket letter\n");
	ck_assert(c.ok);
	ck_assert_int_eq(c.p.effective, -1);
	ck_assert_str_eq(c.p.policy_version, "");
	done(&c);
}
END_TEST

/* The line numbers of the messages in OUT, in the order printed. */
static int message_lines(const char *out, const char *name, int *lines, int max)
{
	int n = 0;
	const size_t len = strlen(name);
	for (const char *p = out; (p = strstr(p, name)) && n < max; p += len)
		if (p[len] == ':')
			lines[n++] = atoi(p + len + 1);
	return n;
}

START_TEST(diagnostics_come_in_line_order_whichever_pass_finds_them)
{
	/* Found by three passes: bucket flow (lines 8 and 9), unused
	 * definitions (line 2), the policy as a whole (line 1). */
	compiled c;
	compile_text(&c, "t.vroeg",
		     "policy \"T\" version 1\n"
		     "define unused_one = any sector = rent\n"
		     "count signal when arrears >= 100\n"
		     "any kind in {eviction} -> crisis\n"
		     "otherwise -> letter\n"
		     "bucket crisis capacity 5 overflow mail\n"
		     "bucket letter\n"
		     "bucket mail\n"
		     "bucket spare\n");
	ck_assert(c.ok);
	ck_assert_int_eq(c.d.warnings, 4);
	int lines[8];
	ck_assert_int_eq(message_lines(c.out, "t.vroeg", lines, 8), 4);
	ck_assert_int_eq(lines[0], 1);
	ck_assert_int_eq(lines[1], 2);
	ck_assert_int_eq(lines[2], 8);
	ck_assert_int_eq(lines[3], 9);
	done(&c);
}
END_TEST

START_TEST(held_messages_keep_their_order_within_a_line_and_nest)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	diag d;
	diag_init(&d, f);
	const diag_source src = { "x.vroeg", "a\nb\nc\nd\ne\n", 10 };
	diag_hold(&d);
	diag_at(&d, &src, (diag_loc){ 5, 1, 5, 1 }, DIAG_WARNING, "fifth");
	diag_hold(&d);   /* an inner hold releases nothing */
	diag_at(&d, &src, (diag_loc){ 2, 1, 2, 1 }, DIAG_ERROR, "second");
	diag_release(&d);
	fflush(f);
	ck_assert_uint_eq(len, 0);
	diag_at(&d, &src, (diag_loc){ 5, 1, 5, 1 }, DIAG_WARNING, "fifth again");
	diag_at(&d, &src, (diag_loc){ 3, 1, 3, 1 }, DIAG_NOTE, "third");
	diag_release(&d);
	fflush(f);
	const char *second = strstr(out, "second"), *third = strstr(out, "third");
	const char *fifth = strstr(out, "fifth\n"), *again = strstr(out, "fifth again");
	ck_assert(second && third && fifth && again);
	ck_assert(second < third && third < fifth && fifth < again);
	ck_assert_int_eq(d.errors, 1);
	ck_assert_int_eq(d.warnings, 2);
	/* Released, messages print at once again. */
	diag_at(&d, &src, (diag_loc){ 1, 1, 1, 1 }, DIAG_ERROR, "first, late");
	fflush(f);
	ck_assert_ptr_nonnull(strstr(out, "first, late"));
	ck_assert(strstr(out, "first, late") > again);
	fclose(f);
	free(out);
}
END_TEST

START_TEST(a_policy_with_errors_gives_an_empty_program)
{
	static const char *const texts[] = {
		HEAD "arrears > -> letter\notherwise -> letter\nbucket letter\n",     /* syntax */
		HEAD "arrers > 5 -> letter\notherwise -> letter\nbucket letter\n",    /* names */
		HEAD "match -> letter\nbucket letter\n",                              /* fall-through */
	};
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		compiled c;
		compile_text(&c, "t.vroeg", texts[i]);
		ck_assert(!c.ok);
		ck_assert_int_ge(c.d.errors, 1);
		bc_program empty;
		memset(&empty, 0, sizeof empty);
		ck_assert_msg(memcmp(&empty, &c.p, sizeof empty) == 0, "program not emptied for:\n%s", texts[i]);
		done(&c);
	}
}
END_TEST

START_TEST(syntax_errors_stop_before_the_checker)
{
	/* With a syntax error nothing else is said: the unknown name on line 4
	 * would only be noise. */
	compiled c;
	compile_text(&c, "t.vroeg", HEAD "arrears > -> letter\narrers > 5 -> letter\notherwise -> letter\nbucket letter\n");
	ck_assert(!c.ok);
	ck_assert_int_eq(c.d.errors, 1);
	ck_assert_ptr_null(strstr(c.out, "arrers"));
	done(&c);
}
END_TEST

START_TEST(warnings_do_not_stop_compilation)
{
	compiled c;
	compile_text(&c, "t.vroeg", "policy \"T\"\notherwise -> letter\nbucket letter\n");
	ck_assert(c.ok);
	ck_assert_int_eq(c.d.errors, 0);
	ck_assert_int_eq(c.d.warnings, 1);
	done(&c);
}
END_TEST

/* ---- tables ------------------------------------------------------------------------------ */

static const char tables[] =
	HEAD                                                                   /* 1-2 */
	"count signal when arrears > 100\n"                                   /* 3 */
	"skip signal \"repeat\" when same creditor in previous month\n"       /* 4 */
	"define heavy = arrears > 1000\n"                                     /* 5 */
	"exclude \"register mismatch\" when any brp_match = 0\n"               /* 6 */
	"heavy -> home_visit\n"                                               /* 7 */
	"otherwise -> letter\n"                                               /* 8 */
	"bucket home_visit capacity 15 by arrears desc, creditors asc overflow phone\n"   /* 9 */
	"bucket phone capacity 5 spread over district overflow letter without phone -> mail\n" /* 10 */
	"bucket letter\n"                                                     /* 11 */
	"bucket mail no follow-up\n"                                          /* 12 */
	"bucket spare capacity 2 overflow letter backfill from letter by arrears desc\n" /* 13 */
	"label size = big when heavy, else small\n";                          /* 14 */

START_TEST(rules_come_in_decision_order_with_their_lines)
{
	compiled c;
	must_compile(&c, tables);
	const bc_program *p = &c.p;
	ck_assert_uint_eq(p->nrules, 6);
	static const struct { enum bc_rule_kind kind; uint32_t line; const char *reason; const char *bucket; } want[] = {
		{ RULE_EXCLUDE_BEFORE, 2, "legal person", NULL },
		{ RULE_NOT_COUNTED, 3, "not counted", NULL },
		{ RULE_SKIPPED, 4, "repeat", NULL },
		{ RULE_EXCLUDE, 6, "register mismatch", NULL },
		{ RULE_BUCKET, 7, NULL, "home_visit" },
		{ RULE_BUCKET, 8, NULL, "letter" },
	};
	for (uint32_t r = 0; r < p->nrules; r++) {
		ck_assert_int_eq(p->rules[r].kind, want[r].kind);
		ck_assert_uint_eq(p->rules[r].line, want[r].line);
		if (want[r].reason) {
			ck_assert_str_eq(text_const(p, p->rules[r].reason), want[r].reason);
			ck_assert_int_eq(p->rules[r].bucket, -1);
		} else {
			ck_assert_int_eq(p->rules[r].bucket, bucket(p, want[r].bucket));
		}
	}
	ck_assert_uint_eq(p->nskips, 1);
	ck_assert_uint_eq(p->skips[0], 2);
	ck_assert_uint_eq(p->fns[p->rules[2].fn].kind, FN_SIGNAL);
	ck_assert_uint_ne(p->floor_fn, BC_NONE);
	ck_assert_uint_eq(p->fns[p->floor_fn].kind, FN_SIGNAL);
	ck_assert_uint_eq(p->fns[p->decision_fn].kind, FN_DECISION);
	done(&c);
}
END_TEST

START_TEST(buckets_carry_their_clauses)
{
	compiled c;
	must_compile(&c, tables);
	const bc_program *p = &c.p;
	ck_assert_uint_eq(p->nbuckets, 5);
	const int hv = bucket(p, "home_visit"), ph = bucket(p, "phone"), le = bucket(p, "letter"),
		  ma = bucket(p, "mail"), sp = bucket(p, "spare");
	ck_assert_int_eq(hv, 0);   /* in declaration order */
	ck_assert_int_eq(sp, 4);
	const bc_bucket *b = &p->buckets[hv];
	ck_assert_uint_eq(b->line, 9);
	ck_assert_int_eq(b->capacity, 15);
	ck_assert_int_eq(b->overflow, ph);
	ck_assert_uint_eq(b->norder, 2);
	ck_assert(b->order[0].descending);
	ck_assert(!b->order[1].descending);
	ck_assert_uint_eq(p->fns[b->order[0].fn].kind, FN_HOUSEHOLD);
	ck_assert_int_eq(b->without_phone, -1);
	b = &p->buckets[ph];
	ck_assert_int_eq(b->capacity, 5);
	ck_assert_int_eq(b->spread, SPREAD_DISTRICT);
	ck_assert_int_eq(b->overflow, le);
	ck_assert_int_eq(b->without_phone, ma);
	ck_assert_int_eq(b->without_email, -1);
	ck_assert_uint_eq(b->norder, 0);           /* default: arrears descending */
	b = &p->buckets[le];
	ck_assert_int_eq(b->capacity, -1);
	ck_assert_int_eq(b->overflow, -1);
	ck_assert(!b->no_follow_up);
	ck_assert(p->buckets[ma].no_follow_up);
	b = &p->buckets[sp];
	ck_assert_int_eq(b->backfill_from, le);
	ck_assert_uint_eq(b->nbackfill_order, 1);
	ck_assert(b->backfill_order[0].descending);
	done(&c);
}
END_TEST

/* Feedback codes reach the rules (exclusions, skips) and the buckets; a
 * contact term and a rotating spread the bucket; a named number the
 * program's table, not the definitions explain evaluates. */
START_TEST(feedback_terms_rotation_and_named_numbers_reach_the_tables)
{
	compiled c;
	must_compile(&c, HEAD
		     "define visits = 12\n"
		     "exclude \"known\" before counting when any known_debt_help feedback already_known\n"
		     "skip signal \"again\" when same creditor in previous month feedback repeat_signal\n"
		     "exclude \"gone\" when any brp_match = 0 feedback 1\n"
		     "match -> visit\notherwise -> letter\n"
		     "bucket visit capacity visits spread over district rotating overflow letter within 3 working days\n"
		     "bucket letter capacity unlimited within 4 weeks feedback not_reached_or_no_help\n");
	const bc_program *p = &c.p;
	ck_assert_uint_eq(p->nrules, 7);
	static const int kind[] = { RULE_EXCLUDE_BEFORE, RULE_EXCLUDE_BEFORE, RULE_NOT_COUNTED, RULE_SKIPPED,
				    RULE_EXCLUDE, RULE_BUCKET, RULE_BUCKET };
	static const int code[] = { 0, FEEDBACK_ALREADY_KNOWN, 0, FEEDBACK_REPEAT_SIGNAL, FEEDBACK_WRONGLY_REPORTED, 0, 0 };
	for (uint32_t r = 0; r < p->nrules; r++) {
		ck_assert_int_eq(p->rules[r].kind, kind[r]);
		ck_assert_int_eq(p->rules[r].feedback, code[r]);
	}
	const bc_bucket *v = &p->buckets[bucket(p, "visit")], *l = &p->buckets[bucket(p, "letter")];
	ck_assert_int_eq(v->spread, SPREAD_DISTRICT_ROTATING);
	ck_assert_int_eq(v->term_unit, CAL_WORKING_DAYS);
	ck_assert_int_eq(v->term, 3);
	ck_assert_int_eq(v->feedback, 0);
	ck_assert_int_eq(v->capacity, 12);
	ck_assert_uint_eq(v->capacity_param, 1);
	ck_assert_int_eq(l->term_unit, CAL_WEEKS);
	ck_assert_int_eq(l->term, 4);
	ck_assert_int_eq(l->feedback, FEEDBACK_NOT_REACHED_OR_NO_HELP);
	ck_assert_int_eq(l->capacity, -1);
	ck_assert_uint_eq(p->nparams, 1);
	ck_assert_str_eq(text_const(p, p->params[0].name), "visits");
	ck_assert_uint_eq(p->params[0].line, 3);
	for (uint32_t d = 0; d < p->ndefs; d++)   /* explain's definitions: no named number */
		ck_assert_str_ne(text_const(p, p->fns[p->defs[d]].name), "visits");
	done(&c);
}
END_TEST

START_TEST(labels_and_definitions_are_named)
{
	compiled c;
	must_compile(&c, tables);
	const bc_program *p = &c.p;
	ck_assert_uint_eq(p->nlabels, 1);
	ck_assert_str_eq(text_const(p, p->labels[0].name), "size");
	ck_assert_uint_eq(p->fns[p->labels[0].fn].kind, FN_HOUSEHOLD);
	/* match, single, recidive, then the file's own. */
	const char *const names[] = { "match", "single", "recidive", "heavy" };
	ck_assert_uint_eq(p->ndefs, 4);
	for (uint32_t i = 0; i < p->ndefs; i++)
		ck_assert_str_eq(text_const(p, p->fns[p->defs[i]].name), names[i]);
	ck_assert_uint_eq(p->lookback, 6);
	done(&c);
}
END_TEST

START_TEST(no_count_statement_means_no_floor)
{
	compiled c;
	must_compile(&c, HEAD "otherwise -> letter\nbucket letter\n");
	ck_assert_uint_eq(c.p.floor_fn, BC_NONE);
	/* The not-counted exclusion is then cited at the policy line. */
	ck_assert_int_eq(c.p.rules[1].kind, RULE_NOT_COUNTED);
	ck_assert_uint_eq(c.p.rules[1].line, 1);
	done(&c);
}
END_TEST

START_TEST(compiling_twice_gives_the_same_program)
{
	compiled a, b;
	must_compile(&a, tables);
	must_compile(&b, tables);
	ck_assert_uint_eq(a.p.ncode, b.p.ncode);
	ck_assert(memcmp(a.p.code, b.p.code, a.p.ncode) == 0);
	ck_assert_uint_eq(a.p.nconsts, b.p.nconsts);
	for (uint32_t i = 0; i < a.p.nconsts; i++) {
		ck_assert_int_eq(a.p.consts[i].num, b.p.consts[i].num);
		ck_assert_int_eq(a.p.consts[i].text == NULL, b.p.consts[i].text == NULL);
		if (a.p.consts[i].text)
			ck_assert_str_eq(a.p.consts[i].text, b.p.consts[i].text);
	}
	ck_assert_uint_eq(a.p.nfns, b.p.nfns);
	done(&a);
	done(&b);
}
END_TEST

START_TEST(each_rule_decides_at_its_own_source_line)
{
	compiled c;
	must_compile(&c, tables);
	const bc_program *p = &c.p;
	const bc_function *fn = &p->fns[p->decision_fn];
	int decides = 0;
	for (uint32_t pc = 0; pc < fn->len;) {
		const uint8_t op = p->code[fn->start + pc];
		if (op == BC_DECIDE) {
			const uint16_t rule = bc_operand(p->code, fn->start + pc + 1);
			ck_assert_uint_eq(bc_line_at(p, fn->start + pc), p->rules[rule].line);
			decides++;
		}
		pc += 1 + 2 * (uint32_t)bc_ops[op].operands;
	}
	ck_assert_int_eq(decides, 4);   /* legal person, register mismatch, heavy, otherwise */
	done(&c);
}
END_TEST

/* ---- the listing ------------------------------------------------------------------------ */

START_TEST(the_listing_names_every_instruction_the_code_holds)
{
	compiled c;
	must_compile(&c, tables);
	bool used[BC_OP_COUNT] = { false };
	for (uint32_t f = 0; f < c.p.nfns; f++)
		for (uint32_t pc = 0; pc < c.p.fns[f].len;) {
			const uint8_t op = c.p.code[c.p.fns[f].start + pc];
			ck_assert_uint_lt(op, BC_OP_COUNT);
			used[op] = true;
			pc += 1 + 2 * (uint32_t)bc_ops[op].operands;
		}
	char *listing = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&listing, &len);
	bc_disasm(&c.p, f);
	fclose(f);
	int n = 0;
	for (int op = 0; op < BC_OP_COUNT; op++) {
		if (!used[op])
			continue;
		n++;
		char word[40];
		snprintf(word, sizeof word, "  %s ", bc_ops[op].name);
		char line_end[40];
		snprintf(line_end, sizeof line_end, "  %s\n", bc_ops[op].name);
		ck_assert_msg(strstr(listing, word) || strstr(listing, line_end), "the listing does not show %s", bc_ops[op].name);
	}
	ck_assert_int_ge(n, 15);
	ck_assert_ptr_nonnull(strstr(listing, "\"register mismatch\""));
	free(listing);
	done(&c);
}
END_TEST

/* ---- limits --------------------------------------------------------------------------------- */

/* A rule whose condition is "match or match or ... or match", N terms. */
static char *long_condition(int n, const char *term, const char *joiner)
{
	const size_t size = strlen(HEAD) + (size_t)n * (strlen(term) + strlen(joiner)) + 64;
	char *text = malloc(size);
	ck_assert_ptr_nonnull(text);
	char *w = text + sprintf(text, "%s", HEAD);
	for (int i = 0; i < n; i++)
		w += sprintf(w, "%s%s", i ? joiner : "", term);
	sprintf(w, " -> a\notherwise -> a\nbucket a\n");
	return text;
}

START_TEST(a_condition_too_long_to_compile_is_an_error)
{
	char *text = long_condition(10000, "match", " or ");
	compiled c;
	compile_text(&c, "t.vroeg", text);
	ck_assert(!c.ok);
	ck_assert_msg(strstr(c.out, "error: this condition is too long or nested too deeply") != NULL, "got: %.300s", c.out);
	done(&c);
	free(text);
}
END_TEST

/* BUG (checker.c/compile.c): the passes recurse once per `or`, so a long
 * enough chain (about 30000 terms, 270 KB, on an 8 MB stack; far fewer under
 * AddressSanitizer) overflows the C stack: `vroeg lint` dies with SIGSEGV in
 * check_expr/check_cond instead of reporting an error. Rule files are
 * untrusted input. */
START_TEST(a_huge_condition_is_refused_without_a_crash)
{
	char *text = long_condition(200000, "match", " or ");
	compiled c;
	compile_text(&c, "t.vroeg", text);
	ck_assert(!c.ok);
	ck_assert_int_ge(c.d.errors, 1);
	done(&c);
	free(text);
}
END_TEST

/* BUG (compile.c): a type-correct condition nested 300 deep on the right of
 * comparisons, "1 = (1 = (... (any sector = rent)))", compiles to code whose
 * stack exceeds BC_MAX_STACK, and lint reports "invalid bytecode ... the
 * stack grows beyond 256 values" and "internal error: the compiled policy
 * failed verification". A limit must be reported at the source, as an
 * error a policy officer can act on, never as an internal error. */
START_TEST(deep_nesting_is_a_source_error_not_an_internal_error)
{
	enum { DEPTH = 300 };
	char text[4096];
	int n = snprintf(text, sizeof text, "%s", HEAD);
	for (int i = 0; i < DEPTH; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, "1 = (");
	n += snprintf(text + n, sizeof text - (size_t)n, "any sector = rent");
	for (int i = 0; i < DEPTH; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, ")");
	snprintf(text + n, sizeof text - (size_t)n, " -> a\notherwise -> a\nbucket a\n");
	compiled c;
	compile_text(&c, "t.vroeg", text);
	ck_assert_msg(c.ok || strstr(c.out, "internal error") == NULL, "%s", c.out);
	ck_assert_msg(c.ok || strncmp(c.out, "t.vroeg:3:", 10) == 0, "not reported at the source:\n%s", c.out);
	done(&c);
}
END_TEST

/* ---- capacity unlimited ------------------------------------------------------------------- */

/* The .vrb bytes of P written with DIGEST as its source digest, so that two
 * programs compiled from different texts compare on everything else. */
static char *written(const bc_program *p, const uint8_t digest[32], size_t *len)
{
	bc_program q = *p;
	memcpy(q.source_sha256, digest, sizeof q.source_sha256);
	char *bytes = NULL;
	FILE *f = open_memstream(&bytes, len);
	ck_assert_ptr_nonnull(f);
	ck_assert(bc_write(&q, f));
	fclose(f);
	return bytes;
}

/* Compiles WITH and WITHOUT (the same policy without its `capacity unlimited`
 * clauses, on the same lines) and asserts that the programs are the same
 * bytes but for the source digest. */
static void same_bytes_but_the_digest(const char *name, const char *with, const char *without)
{
	compiled a, b;
	compile_text(&a, name, with);
	ck_assert_msg(a.ok, "%s:\n%s", name, a.out);
	compile_text(&b, name, without);
	ck_assert_msg(b.ok, "%s without `capacity unlimited`:\n%s", name, b.out);
	ck_assert_msg(memcmp(a.p.source_sha256, b.p.source_sha256, 32) != 0, "%s: the texts should differ", name);
	size_t na, nb;
	char *x = written(&a.p, a.p.source_sha256, &na);
	char *y = written(&b.p, a.p.source_sha256, &nb);
	ck_assert_msg(na == nb && memcmp(x, y, na) == 0, "%s: `capacity unlimited` changes the program", name);
	free(x);
	free(y);
	done(&a);
	done(&b);
}

START_TEST(capacity_unlimited_compiles_to_no_capacity)
{
	same_bytes_but_the_digest("t.vroeg",
		HEAD "match -> visit\notherwise -> letter\n"
		"bucket visit capacity 3 overflow mail\n"
		"bucket mail capacity unlimited\n"
		"bucket letter capacity unlimited without phone -> mail\n",
		HEAD "match -> visit\notherwise -> letter\n"
		"bucket visit capacity 3 overflow mail\n"
		"bucket mail\n"
		"bucket letter without phone -> mail\n");
	compiled c;
	must_compile(&c, HEAD "otherwise -> letter\nbucket letter capacity unlimited\n");
	ck_assert_int_eq(c.p.buckets[0].capacity, -1);
	done(&c);
}
END_TEST

/* The published field policies, the .vroeg files of rules/ (the tests run
 * from the top of the repository); the caller frees G with globfree. */
static void field_policies(glob_t *g)
{
	ck_assert_msg(glob("rules/*.vroeg", 0, NULL, g) == 0, "run the tests from the top of the repository");
	ck_assert_uint_ge(g->gl_pathc, 8);
}

/* The published policies that say `capacity unlimited` decide as they did
 * before they said it. */
START_TEST(capacity_unlimited_in_the_field_policies_changes_no_byte)
{
	static const char clause[] = " capacity unlimited";
	glob_t g;
	field_policies(&g);
	int n = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		char *text = read_file(path);
		if (!strstr(text, clause)) {
			free(text);
			continue;
		}
		char *without = malloc(strlen(text) + 1);
		ck_assert_ptr_nonnull(without);
		char *out = without;
		for (const char *in = text; *in;) {
			if (strncmp(in, clause, sizeof clause - 1) == 0) {
				in += sizeof clause - 1;
				continue;
			}
			*out++ = *in++;
		}
		*out = '\0';
		same_bytes_but_the_digest(path, text, without);
		free(without);
		free(text);
		n++;
	}
	globfree(&g);
	ck_assert_int_ge(n, 1);
}
END_TEST

/* ---- the field policies ------------------------------------------------------------------ */

START_TEST(every_field_policy_compiles_and_verifies)
{
	glob_t g;
	field_policies(&g);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		char *text = read_file(path);
		compiled c;
		compile_text(&c, path, text);
		ck_assert_msg(c.ok, "%s:\n%s", path, c.out);
		ck_assert_msg(bc_verify(&c.p, &c.d), "%s does not verify again", path);
		ck_assert_uint_ge(c.p.nbuckets, 1);
		done(&c);
		free(text);
	}
	globfree(&g);
}
END_TEST

/* ---- the bytecode's limits: an error at the construct, never a cut operand ---------------- */

/* A growable text for generated policies. */
typedef struct gen {
	char *p;
	size_t len, cap;
} gen;

static void put(gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(gen *g, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		const int n = vsnprintf(g->p ? g->p + g->len : NULL, g->p ? g->cap - g->len : 0, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(n, 0);
		if (g->p && (size_t)n < g->cap - g->len) {
			g->len += (size_t)n;
			return;
		}
		g->cap = g->cap ? g->cap * 2 : 1 << 16;
		while (g->cap < g->len + (size_t)n + 1)
			g->cap *= 2;
		g->p = realloc(g->p, g->cap);
		ck_assert_ptr_nonnull(g->p);
	}
}

/* HEAD, then `any creditor in {"C0", ... "C<n-1>"} -> a` on line 3, two
 * rules on amounts and the buckets. */
static char *set_policy(int n)
{
	gen g = { 0 };
	put(&g, "%sany creditor in {", HEAD);
	for (int i = 0; i < n; i++)
		put(&g, "%s\"C%d\"", i ? ", " : "", i);
	put(&g, "} -> a\narrears < 20 -> small\notherwise -> big\nbucket a\nbucket small\nbucket big\n");
	return g.p;
}

/* The bucket a household of one signal (CREDITOR, EUR EUROS) gets. */
static const char *decide_one(const bc_program *p, const char *creditor, int euros)
{
	vm *v = vm_new(p);
	ck_assert_ptr_nonnull(v);
	vr_signal s;
	memset(&s, 0, sizeof s);
	s.signal_id = "S1";
	s.person = s.district = "";
	s.creditor = creditor;
	s.received = vr_month_first_day(2024 * 12 + 5);
	s.birth_date = VR_DATE_NONE;
	s.arrears = (cents_t)euros * 100;
	s.installment = s.installments_missed = s.days_overdue = VR_MISSING;
	s.brp_match = -1;
	const vr_household h = { "H1", &s, 1, NULL, 0 };
	vm_decision d;
	ck_assert(vm_decide(v, &h, 2024 * 12 + 5, &d));
	vm_free(v);
	return d.bucket < 0 ? "excluded" : p->consts[p->buckets[d.bucket].name].text;
}

/* A set of 70,000 creditors lints clean no longer (its count once wrapped
 * to 4,464 and C69999 fell through): the set is an error, at the set. */
START_TEST(a_set_past_the_operands_is_an_error_at_the_set)
{
	static const int sizes[] = { 70000, BC_MAX_TABLE + 1 };
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *text = set_policy(sizes[i]);
		compiled c;
		compile_text(&c, "t.vroeg", text);
		ck_assert(!c.ok);
		char want[128];
		snprintf(want, sizeof want, "t.vroeg:3:5: error: a set holds at most 65535 items; this one has %d\n",
			 sizes[i]);
		ck_assert_msg(strncmp(c.out, want, strlen(want)) == 0, "got: %.200s", c.out);
		ck_assert_int_eq(c.d.errors, 1);
		done(&c);
		free(text);
	}
}
END_TEST

/* The constants fill up to 65,535 and every one decides (once a later
 * constant's index wrapped to "not counted" and a EUR 10 household went
 * to `big`); one more is an error at the construct that needs it. */
START_TEST(constants_up_to_the_limit_compile_and_one_more_is_an_error)
{
	char *text = set_policy(1);
	compiled c;
	must_compile(&c, text);
	const int others = (int)c.p.nconsts - 1;   /* the constants besides the set's */
	done(&c);
	free(text);

	const int fit = BC_MAX_TABLE - others;
	text = set_policy(fit);
	must_compile(&c, text);
	ck_assert_uint_eq(c.p.nconsts, BC_MAX_TABLE);
	char last[16];
	snprintf(last, sizeof last, "C%d", fit - 1);
	ck_assert_str_eq(decide_one(&c.p, last, 30), "a");
	ck_assert_str_eq(decide_one(&c.p, "C0", 30), "a");
	ck_assert_str_eq(decide_one(&c.p, "X", 10), "small");
	ck_assert_str_eq(decide_one(&c.p, "X", 30), "big");
	done(&c);
	free(text);

	text = set_policy(fit + 1);
	compile_text(&c, "t.vroeg", text);
	ck_assert(!c.ok);
	/* The 65,536th constant is the name of the last bucket, on line 8. */
	static const char want[] = "t.vroeg:8:1: error: the policy has more constants than vroeg can compile: "
		"at most 65535 numbers, texts and set items (a number or text used again counts once)\n";
	ck_assert_msg(strncmp(c.out, want, strlen(want)) == 0, "got: %.300s", c.out);
	ck_assert_int_eq(c.d.errors, 1);
	done(&c);
	free(text);
}
END_TEST

/* HEAD, one rule, and labels: label k has CASES[k] cases `v when any
 * arrears > i`, each a function of its own (the label one more). */
static char *label_policy(const int *cases, int nlabels)
{
	gen g = { 0 };
	put(&g, "%sotherwise -> b\nbucket b\n", HEAD);
	for (int l = 0; l < nlabels; l++) {
		put(&g, "label l%d = ", l);
		for (int i = 0; i < cases[l]; i++)
			put(&g, "%sv when any arrears > %d", i ? ", " : "", i);
		put(&g, "\n");
	}
	return g.p;
}

/* Functions are numbered by operands too: 65,535 compile, the 65,536th is
 * an error at the condition that would be it. */
START_TEST(functions_up_to_the_limit_compile_and_one_more_is_an_error)
{
	enum { PER_LABEL = 3900 };   /* a label's code stays within one function's */
	int cases[32] = { 1 };
	char *text = label_policy(cases, 1);
	compiled c;
	must_compile(&c, text);
	const int others = (int)c.p.nfns - 2;
	done(&c);
	free(text);

	int left = BC_MAX_TABLE - others, n = 0;
	while (left > 0) {
		cases[n] = left - 1 < PER_LABEL ? left - 1 : PER_LABEL;
		left -= cases[n++] + 1;
	}
	ck_assert_int_eq(left, 0);
	text = label_policy(cases, n);
	must_compile(&c, text);
	ck_assert_uint_eq(c.p.nfns, BC_MAX_TABLE);
	done(&c);
	free(text);

	cases[n - 1]++;
	text = label_policy(cases, n);
	compile_text(&c, "t.vroeg", text);
	ck_assert(!c.ok);
	char want[160];
	snprintf(want, sizeof want, "t.vroeg:%d:", 4 + n);
	ck_assert_msg(strncmp(c.out, want, strlen(want)) == 0, "got: %.300s", c.out);
	ck_assert_msg(strstr(c.out, "error: the policy has more conditions than vroeg can compile: at most 65535 "
			     "functions") != NULL, "got: %.300s", c.out);
	ck_assert_int_eq(c.d.errors, 1);
	done(&c);
	free(text);
}
END_TEST

/* HEAD, N rules `household = "H<i>" -> b` (lines 3 ..), then otherwise. */
static char *rules_policy(int n)
{
	gen g = { 0 };
	put(&g, "%s", HEAD);
	for (int i = 0; i < n; i++)
		put(&g, "household = \"H%d\" -> b\n", i);
	put(&g, "otherwise -> b\nbucket b\n");
	return g.p;
}

static uint32_t decision_length(int n)
{
	char *text = rules_policy(n);
	compiled c;
	must_compile(&c, text);
	const uint32_t len = c.p.fns[c.p.decision_fn].len;
	done(&c);
	free(text);
	return len;
}

/* The rules share one function, whose jumps are operands: as many rules as
 * its 65,535 bytes hold compile, and the rule past them is an error there. */
START_TEST(rules_up_to_the_code_limit_compile_and_the_next_is_an_error)
{
	const uint32_t one = decision_length(1), step = decision_length(2) - one;
	const int fit = 1 + (int)((BC_MAX_CODE - one) / step);
	ck_assert_uint_le(decision_length(fit), BC_MAX_CODE);
	ck_assert_uint_gt(decision_length(fit) + step, BC_MAX_CODE);

	char *text = rules_policy(fit + 1);
	compiled c;
	compile_text(&c, "t.vroeg", text);
	ck_assert(!c.ok);
	/* At the rule after which the code is too long: the last household
	 * rule, or the `otherwise` after it. */
	const uint32_t before_otherwise = decision_length(fit) + step - 3;
	char want[200];
	snprintf(want, sizeof want, "t.vroeg:%d:1: error: the rules up to here compile to more code than one "
		 "function of vroeg holds (65535 bytes)", before_otherwise > BC_MAX_CODE ? 3 + fit : 4 + fit);
	ck_assert_msg(strncmp(c.out, want, strlen(want)) == 0, "got: %.300s\nwant: %s", c.out, want);
	ck_assert_int_eq(c.d.errors, 1);
	done(&c);
	free(text);
}
END_TEST

/* Statements past the 64th `count signal` and `exclude ... before
 * counting` apply (they were dropped without a word). */
START_TEST(every_floor_and_every_exclusion_before_counting_applies)
{
	enum { N = 70 };
	gen g = { 0 };
	put(&g, "policy \"T\"\n");
	for (int i = 0; i < N; i++)
		put(&g, "exclude \"reason %d\" before counting when any creditor = \"E%d\"\n", i, i);
	for (int i = 1; i <= N; i++)
		put(&g, "count signal when arrears >= %d\n", i);
	put(&g, "otherwise -> b\nbucket b\n");
	compiled c;
	compile_text(&c, "t.vroeg", g.p);
	ck_assert_msg(c.ok, "%.300s", c.out);
	ck_assert_str_eq(decide_one(&c.p, "X", N), "b");
	ck_assert_str_eq(decide_one(&c.p, "X", N - 1), "excluded");   /* fails the 70th floor only */
	ck_assert_str_eq(decide_one(&c.p, "E69", N), "excluded");     /* the 70th exclusion */
	ck_assert_str_eq(decide_one(&c.p, "E68", N), "excluded");
	done(&c);
	free(g.p);
}
END_TEST

/* `vroeg lint` compiles, so it reports a limit as the compiler does. */
START_TEST(lint_reports_a_limit_at_the_construct)
{
	char dir[] = "/tmp/vroeg-compile-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char path[64], cmd[256];
	snprintf(path, sizeof path, "%s/set.vroeg", dir);
	char *text = set_policy(70000);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	free(text);
	const char *v = getenv("VROEG");
	snprintf(cmd, sizeof cmd, "%s lint %s 2>&1", v ? v : "build/vroeg", path);
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	char first[256] = "";
	ck_assert_ptr_nonnull(fgets(first, sizeof first, p));
	char sink[4096];
	while (fread(sink, 1, sizeof sink, p) > 0)
		;
	const int status = pclose(p);
	char want[160];
	snprintf(want, sizeof want, "%s:3:5: error: a set holds at most 65535 items; this one has 70000\n", path);
	ck_assert_str_eq(first, want);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* Each value is one constant, however many times it is used (a set's items
 * excepted: a set is a run of constants of its own), and a use after a set
 * takes the set's constant of that value. Thousands of them, so the lookup
 * by value is exercised past its first sizes. */
START_TEST(a_constant_is_stored_once_per_value)
{
	enum { N = 1200 };
	size_t size = (size_t)N * 96 + 1024, len = 0;
	char *t = malloc(size);
	ck_assert_ptr_nonnull(t);
	len += (size_t)snprintf(t + len, size - len, "policy \"C\"\nexclude \"legal person\" before counting when any legal_form = legal\n"
			       "any creditor in {\"c7\", \"c7\", \"c8\"} -> a\n");
	for (int k = 0; k < N; k++)
		len += (size_t)snprintf(t + len, size - len, "any creditor = \"c%d\" and arrears > %d -> a\n", k % 400, k % 300);
	snprintf(t + len, size - len, "otherwise -> a\nbucket a\n");
	compiled c;
	must_compile(&c, t);
	const bc_const *k = c.p.consts;
	int sevens = 0, texts = 0;
	for (uint32_t i = 0; i < c.p.nconsts; i++) {
		sevens += k[i].text && strcmp(k[i].text, "c7") == 0;
		texts += k[i].text && k[i].text[0] == 'c' && k[i].text[1] != '\0';
		for (uint32_t j = 0; j < i; j++) {
			const bool same = k[i].num == k[j].num &&
				(k[i].text ? k[j].text && strcmp(k[i].text, k[j].text) == 0 : !k[j].text);
			ck_assert_msg(!same || strcmp(k[i].text ? k[i].text : "", "c7") == 0,
				      "constant %u repeats constant %u", i, j);
		}
	}
	/* "c7" twice in the set, and no third time for `= "c7"`; c0..c399 once each. */
	ck_assert_int_eq(sevens, 2);
	ck_assert_int_eq(texts, 400 + 1);
	done(&c);
	free(t);
}
END_TEST

Suite *compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("program");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, the_header_records_policy_source_and_digest);
	tcase_add_test(tc, a_constant_is_stored_once_per_value);
	tcase_add_test(tc, a_policy_with_errors_gives_an_empty_program);
	tcase_add_test(tc, diagnostics_come_in_line_order_whichever_pass_finds_them);
	tcase_add_test(tc, held_messages_keep_their_order_within_a_line_and_nest);
	tcase_add_test(tc, syntax_errors_stop_before_the_checker);
	tcase_add_test(tc, warnings_do_not_stop_compilation);
	tcase_add_test(tc, rules_come_in_decision_order_with_their_lines);
	tcase_add_test(tc, buckets_carry_their_clauses);
	tcase_add_test(tc, feedback_terms_rotation_and_named_numbers_reach_the_tables);
	tcase_add_test(tc, labels_and_definitions_are_named);
	tcase_add_test(tc, no_count_statement_means_no_floor);
	tcase_add_test(tc, compiling_twice_gives_the_same_program);
	tcase_add_test(tc, each_rule_decides_at_its_own_source_line);
	tcase_add_test(tc, the_listing_names_every_instruction_the_code_holds);
	tcase_add_test(tc, every_field_policy_compiles_and_verifies);
	tcase_add_test(tc, capacity_unlimited_compiles_to_no_capacity);
	tcase_add_test(tc, capacity_unlimited_in_the_field_policies_changes_no_byte);
	tcase_add_test(tc, a_condition_too_long_to_compile_is_an_error);
	tcase_add_test(tc, a_huge_condition_is_refused_without_a_crash);
	tcase_add_test(tc, deep_nesting_is_a_source_error_not_an_internal_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, a_set_past_the_operands_is_an_error_at_the_set);
	tcase_add_test(tc, constants_up_to_the_limit_compile_and_one_more_is_an_error);
	tcase_add_test(tc, functions_up_to_the_limit_compile_and_one_more_is_an_error);
	tcase_add_test(tc, rules_up_to_the_code_limit_compile_and_the_next_is_an_error);
	tcase_add_test(tc, every_floor_and_every_exclusion_before_counting_applies);
	tcase_add_test(tc, lint_reports_a_limit_at_the_construct);
	suite_add_tcase(s, tc);
	return s;
}
