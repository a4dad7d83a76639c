/* check_bytecode.c - the bytecode format, verifier and listing. Programs are
 * written in a small assembly (opcode names, numeric operands, labels) on top
 * of a base program with constants, buckets and rules; the verifier accepts a
 * program using every opcode, refuses each case of a table of broken ones
 * (directly and when read from a file), and the loader refuses truncated,
 * altered and hostile files without reading outside them. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "calendar.h"
#include "bytecode.h"
#include "fields.h"
#include "types.h"

/* ---- building programs ---- */

static void *grow(void *a, uint32_t n, size_t size)
{
	void *b = realloc(a, ((size_t)n + 1) * size);
	ck_assert_ptr_nonnull(b);
	return b;
}

static char *dup(const char *s)
{
	char *t = strdup(s);
	ck_assert_ptr_nonnull(t);
	return t;
}

static uint32_t add_const(bc_program *p, const char *text, int64_t num)
{
	p->consts = grow(p->consts, p->nconsts, sizeof *p->consts);
	p->consts[p->nconsts] = (bc_const){ num, text ? dup(text) : NULL };
	return p->nconsts++;
}

static void add_bucket(bc_program *p, uint32_t name, int64_t capacity, int32_t overflow, uint32_t line)
{
	p->buckets = grow(p->buckets, p->nbuckets, sizeof *p->buckets);
	p->buckets[p->nbuckets++] = (bc_bucket){
		.name = name, .line = line, .capacity = capacity, .overflow = overflow,
		.without_phone = -1, .without_email = -1, .backfill_from = -1,
	};
}

static void add_rule(bc_program *p, enum bc_rule_kind kind, int32_t bucket, uint32_t reason, uint16_t fn, uint32_t line)
{
	p->rules = grow(p->rules, p->nrules, sizeof *p->rules);
	p->rules[p->nrules++] = (bc_rule){ (uint8_t)kind, line, bucket, reason, fn, 0 };
}

static void add_param(bc_program *p, uint32_t name, uint32_t line, enum ast_type kind, int64_t value, uint32_t konst)
{
	p->params = grow(p->params, p->nparams, sizeof *p->params);
	p->params[p->nparams++] = (bc_param){ name, line, (uint8_t)kind, value, konst, 0 };
}

static void add_label(bc_program *p, uint32_t name, uint16_t fn)
{
	p->labels = grow(p->labels, p->nlabels, sizeof *p->labels);
	p->labels[p->nlabels++] = (bc_label){ name, fn };
}

static void add_u16(uint16_t **a, uint32_t *n, uint16_t x)
{
	*a = grow(*a, *n, sizeof **a);
	(*a)[(*n)++] = x;
}

static void add_line(bc_program *p, uint32_t pc, uint32_t line)
{
	p->lines = grow(p->lines, p->nlines, sizeof *p->lines);
	p->lines[p->nlines++] = (bc_line){ pc, line };
}

static void emit(bc_program *p, uint8_t b)
{
	p->code = grow(p->code, p->ncode, 1);
	p->code[p->ncode++] = b;
}

/* Constants of the base program, by index. */
enum {
	C_LETTER, C_100, C_LEGAL_PERSON, C_1, C_MENZIS, C_CZ, C_0, C_3, C_HOME_VISIT,
	C_NOT_COUNTED, C_SAME_SIGNAL, C_MATCH, C_MULTIPLICITY, C_MULTIPLE, C_SINGLE,
	C_DECLINED, C_50000, C_2, C_RECIDIVE, C_COUNT
};

/* Constants, two buckets (letter; home_visit, capacity 30, overflow letter)
 * and five rules: 0 exclude before counting, 1 not counted, 2 exclude,
 * 3 -> home_visit, 4 -> letter. No functions yet. */
static void base(bc_program *p)
{
	memset(p, 0, sizeof *p);
	p->policy_name = dup("Test policy");
	p->policy_version = dup("1");
	p->source_name = dup("rules/test.vroeg");
	p->effective = 2024 * 12;
	for (int i = 0; i < 32; i++)
		p->source_sha256[i] = (uint8_t)(i * 7);
	p->lookback = 6;
	p->floor_fn = BC_NONE;
	static const struct { const char *text; int64_t num; } consts[C_COUNT] = {
		[C_LETTER] = { "letter", 0 }, [C_100] = { NULL, 10000 },
		[C_LEGAL_PERSON] = { "legal person", 0 }, [C_1] = { NULL, 1 },
		[C_MENZIS] = { "Menzis", 0 }, [C_CZ] = { "CZ", 0 }, [C_0] = { NULL, 0 },
		[C_3] = { NULL, 3 }, [C_HOME_VISIT] = { "home_visit", 0 },
		[C_NOT_COUNTED] = { "not counted", 0 }, [C_SAME_SIGNAL] = { "same signal as last month", 0 },
		[C_MATCH] = { "match", 0 }, [C_MULTIPLICITY] = { "multiplicity", 0 },
		[C_MULTIPLE] = { "multiple", 0 }, [C_SINGLE] = { "single", 0 },
		[C_DECLINED] = { "declined recently", 0 }, [C_50000] = { NULL, 50000 },
		[C_2] = { NULL, 2 }, [C_RECIDIVE] = { "recidive", 0 },
	};
	for (int i = 0; i < C_COUNT; i++)
		add_const(p, consts[i].text, consts[i].num);
	add_bucket(p, C_LETTER, -1, -1, 30);
	add_bucket(p, C_HOME_VISIT, 30, 0, 31);
	add_rule(p, RULE_EXCLUDE_BEFORE, -1, C_LEGAL_PERSON, 0, 3);
	add_rule(p, RULE_NOT_COUNTED, -1, C_NOT_COUNTED, 0, 0);
	add_rule(p, RULE_EXCLUDE, -1, C_DECLINED, 0, 9);
	add_rule(p, RULE_BUCKET, 1, 0, 0, 10);
	add_rule(p, RULE_BUCKET, 0, 0, 0, 11);
}

static int find_op(const char *name, size_t n)
{
	for (int op = 0; op < BC_OP_COUNT; op++)
		if (strlen(bc_ops[op].name) == n && memcmp(bc_ops[op].name, name, n) == 0)
			return op;
	return -1;
}

typedef struct asm_label {
	char name[16];
	uint32_t at;   /* definition: function offset; use: absolute operand position */
} asm_label;

typedef struct assembler {
	asm_label defs[32], uses[32];
	int ndefs, nuses;
	int fn;        /* the function being assembled, or -1 */
} assembler;

static void end_function(bc_program *p, assembler *as)
{
	if (as->fn < 0)
		return;
	bc_function *f = &p->fns[as->fn];
	f->len = p->ncode - f->start;
	for (int u = 0; u < as->nuses; u++) {
		int d = 0;
		while (d < as->ndefs && strcmp(as->defs[d].name, as->uses[u].name) != 0)
			d++;
		ck_assert_msg(d < as->ndefs, "label %s is not defined", as->uses[u].name);
		p->code[as->uses[u].at] = (uint8_t)as->defs[d].at;
		p->code[as->uses[u].at + 1] = (uint8_t)(as->defs[d].at >> 8);
	}
	as->fn = -1;
	as->ndefs = as->nuses = 0;
}

static void copy_name(char dst[16], const char *s, size_t n)
{
	ck_assert_uint_lt(n, 16);
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Appends the functions of SRC: "KIND op operands ... | KIND ...", where KIND
 * is decision, signal, outcome or household; an operand is a number, `none`
 * (65535) or `@label`; `label:` marks an offset; `#N` records source line N at
 * the current offset. Every function gets type yes/no and no name. */
static void assemble(bc_program *p, const char *src)
{
	static const char *const kinds[] = { "decision", "signal", "outcome", "household" };
	assembler as = { .fn = -1 };
	const char *s = src;
	int pending = 0;   /* operands still expected */
	for (;;) {
		while (*s == ' ' || *s == '\n' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *t = s;
		if (*s == '|')
			s++;
		else
			while (*s && *s != ' ' && *s != '\n' && *s != '\t' && *s != '|')
				s++;
		const size_t n = (size_t)(s - t);
		if (pending > 0) {
			uint32_t x;
			if (n == 4 && memcmp(t, "none", 4) == 0) {
				x = BC_NONE;
			} else if (t[0] == '@') {
				ck_assert_int_lt(as.nuses, 32);
				copy_name(as.uses[as.nuses].name, t + 1, n - 1);
				as.uses[as.nuses++].at = p->ncode;
				x = 0;
			} else {
				char *end;
				x = (uint32_t)strtoul(t, &end, 10);
				ck_assert_msg(end == s, "bad operand %.*s", (int)n, t);
			}
			emit(p, (uint8_t)x);
			emit(p, (uint8_t)(x >> 8));
			pending--;
			continue;
		}
		if (n == 1 && t[0] == '|') {
			end_function(p, &as);
			continue;
		}
		if (t[0] == '#') {
			add_line(p, p->ncode, (uint32_t)strtoul(t + 1, NULL, 10));
			continue;
		}
		if (t[n - 1] == ':') {
			ck_assert_int_lt(as.ndefs, 32);
			copy_name(as.defs[as.ndefs].name, t, n - 1);
			as.defs[as.ndefs++].at = p->ncode - p->fns[as.fn].start;
			continue;
		}
		if (as.fn < 0) {
			int k = 0;
			while (k < 4 && !(strlen(kinds[k]) == n && memcmp(kinds[k], t, n) == 0))
				k++;
			ck_assert_msg(k < 4, "expected a function kind, not %.*s", (int)n, t);
			p->fns = grow(p->fns, p->nfns, sizeof *p->fns);
			p->fns[p->nfns] = (bc_function){ (uint8_t)k, TY_BOOL, p->ncode, 0, 0, BC_NONE };
			as.fn = (int)p->nfns++;
			if (k == FN_DECISION)
				p->decision_fn = (uint16_t)as.fn;
			continue;
		}
		const int op = find_op(t, n);
		ck_assert_msg(op >= 0, "unknown opcode %.*s", (int)n, t);
		emit(p, (uint8_t)op);
		pending = bc_ops[op].operands;
	}
	ck_assert_int_eq(pending, 0);
	end_function(p, &as);
}

static void build(bc_program *p, const char *src)
{
	base(p);
	assemble(p, src);
}

/* A program using every opcode: fn 0 the floor, fn 1 a skip, fn 2..3 signal
 * conditions, fn 4 an outcome condition, fn 5 match, fn 6 recidive, fn 7 a
 * label, fn 8 an order key, fn 9 the rules. */
static const char sink_src[] =
	"signal #3 SFIELD 3 CONST 1 GE JUMP_IF_TRUE @y SFIELD 0 IN_SET 6 2 JUMP @e y: CONST 3 e: RETURN |"
	"signal #4 SAME 2 2 1 1 RETURN |"
	"signal #5 SFIELD 7 CONST 3 EQ RETURN |"
	"signal #6 SFIELD 2 IN_TEXT 4 2 JUMP_IF_FALSE @n SFIELD 9 CONST 4 NE_TEXT RETURN"
	"       n: SFIELD 2 CONST 5 EQ_TEXT RETURN |"
	"outcome #7 OFIELD 0 CONST 7 NE JUMP_IF_TRUE @x OFIELD 1 IS_MISSING RETURN x: OFIELD 0 CONST 6 LT RETURN |"
	"household #1 DISTINCT 2 none 0 0 0 CONST 17 GE RETURN |"
	"household #2 COUNT none 0 1 6 CONST 3 GE RETURN |"
	"household #20 DEF 5 JUMP_IF_FALSE @s CONST 13 JUMP @e s: CONST 14 e: RETURN |"
	"household #15 HFACT 0 RETURN |"
	"decision #8 ANY 2 1 0 0 RULE 0 @r1 DECIDE 0"
	"     r1: COUNTED #9 OANY 4 1 3 RULE 2 @r3 DECIDE 2"
	"     r3: #10 DEF 5 JUMP_IF_TRUE @t"
	"         HFACT 0 SECTOR_TOTAL 0 CONST 16 BETWEEN JUMP_IF_TRUE @t"
	"         SUM 3 none 0 0 0 MAX 3 3 0 0 6 LE JUMP_IF_TRUE @t"
	"         MIN 8 none 1 0 0 IS_MISSING JUMP_IF_TRUE @t"
	"         ALL 3 0 0 0 OALL 4 1 6 EQ JUMP_IF_TRUE @t"
	"         OCOUNT none 1 6 CONST 6 GT JUMP_IF_TRUE @t"
	"         DEF 6 NOT JUMP @c"
	"      t: CONST 3"
	"      c: RULE 3 @r4 DECIDE 3"
	"     r4: #11 DECIDE 4";

static void sink(bc_program *p)
{
	build(p, sink_src);
	p->floor_fn = 0;
	p->fns[5].name = C_MATCH;
	p->fns[6].name = C_RECIDIVE;
	p->fns[7].type = TY_TEXT;
	p->fns[8].type = TY_MONEY;
	add_rule(p, RULE_SKIPPED, -1, C_SAME_SIGNAL, 1, 4);
	add_u16(&p->skips, &p->nskips, 5);
	add_u16(&p->defs, &p->ndefs, 5);
	add_u16(&p->defs, &p->ndefs, 6);
	add_label(p, C_MULTIPLICITY, 7);
	bc_bucket *hv = &p->buckets[1];
	hv->norder = 1;
	hv->order[0] = (bc_order_key){ 8, 1 };
	hv->backfill_from = 0;
	hv->nbackfill_order = 1;
	hv->backfill_order[0] = (bc_order_key){ 8, 0 };
	hv->spread = SPREAD_DISTRICT_ROTATING;
	p->buckets[0].no_follow_up = 1;
	/* Format 2: named numbers, a contact term, feedback codes. */
	add_const(p, "visits", 0);
	add_const(p, "floor", 0);
	add_param(p, C_COUNT, 2, TY_COUNT, 30, BC_NONE);
	add_param(p, C_COUNT + 1, 3, TY_MONEY, 50000, C_50000);
	hv->capacity_param = 1;
	hv->term_unit = CAL_WORKING_DAYS;
	hv->term = 3;
	p->buckets[0].feedback = FEEDBACK_NOT_PICKED_UP;
	p->rules[0].feedback = FEEDBACK_WRONGLY_REPORTED;
	p->rules[5].feedback = FEEDBACK_REPEAT_SIGNAL;
}

/* ---- diagnostics and files in memory ---- */

typedef struct capture {
	diag d;
	char *text;
	size_t len;
	FILE *f;
} capture;

static void cap_open(capture *c)
{
	c->text = NULL;
	c->f = open_memstream(&c->text, &c->len);
	ck_assert_ptr_nonnull(c->f);
	diag_init(&c->d, c->f);
}

static const char *cap_text(capture *c)
{
	fflush(c->f);
	return c->text ? c->text : "";
}

static void cap_close(capture *c)
{
	fclose(c->f);
	free(c->text);
}

typedef struct blob {
	uint8_t *data;
	size_t len;
} blob;

static blob write_blob(const bc_program *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert(bc_write(p, f));
	fclose(f);
	return (blob){ (uint8_t *)buf, len };
}

static char *listing(const bc_program *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	bc_disasm(p, f);
	fclose(f);
	return buf;
}

static void put32(uint8_t *b, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(x >> (8 * i));
}

/* Recomputes the stated length and the checksum after a test altered a file. */
static void reseal(blob *b)
{
	put32(b->data + 12, (uint32_t)b->len);
	put32(b->data + b->len - 4, bc_crc32(b->data, b->len - 4));
}

/* Reads B expecting failure with a message containing EXPECT; checks the
 * program is left empty. */
static void refuse_read(const blob *b, const char *expect)
{
	capture c;
	cap_open(&c);
	bc_program p;
	memset(&p, 0xAB, sizeof p);
	ck_assert_msg(!bc_read(&p, b->data, b->len, "t.vrb", &c.d), "read accepted, expected: %s", expect);
	ck_assert_msg(strstr(cap_text(&c), expect), "expected \"%s\", got: %s", expect, cap_text(&c));
	bc_program empty;
	memset(&empty, 0, sizeof empty);
	ck_assert(memcmp(&p, &empty, sizeof p) == 0);
	bc_program_free(&p);
	cap_close(&c);
}

/* Offset of the constants' count in a file written from base(). */
static size_t consts_offset(const bc_program *p)
{
	return 16 + 4 + strlen(p->policy_name) + 4 + strlen(p->policy_version) + 4 +
	       strlen(p->source_name) + 4 + 32 + 6;
}

/* Offset of the code's count in a file written from P. */
static size_t code_offset(const bc_program *p)
{
	size_t at = consts_offset(p) + 4;
	for (uint32_t i = 0; i < p->nconsts; i++)
		at += 1 + (p->consts[i].text ? 4 + strlen(p->consts[i].text) : 8);
	return at + 4 + 14 * (size_t)p->nfns;
}

static void same_keys(const bc_order_key *a, const bc_order_key *b, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		ck_assert_uint_eq(a[k].fn, b[k].fn);
		ck_assert_uint_eq(a[k].descending, b[k].descending);
	}
}

/* Field by field: padding between fields is not part of a program. */
static void same_tables(const bc_program *p, const bc_program *q)
{
	ck_assert_uint_eq(q->nfns, p->nfns);
	for (uint32_t i = 0; i < p->nfns; i++) {
		ck_assert_uint_eq(q->fns[i].kind, p->fns[i].kind);
		ck_assert_uint_eq(q->fns[i].type, p->fns[i].type);
		ck_assert_uint_eq(q->fns[i].start, p->fns[i].start);
		ck_assert_uint_eq(q->fns[i].len, p->fns[i].len);
		ck_assert_uint_eq(q->fns[i].max_stack, p->fns[i].max_stack);
		ck_assert_uint_eq(q->fns[i].name, p->fns[i].name);
	}
	ck_assert_uint_eq(q->nbuckets, p->nbuckets);
	for (uint32_t i = 0; i < p->nbuckets; i++) {
		const bc_bucket *a = &p->buckets[i], *b = &q->buckets[i];
		ck_assert_uint_eq(b->name, a->name);
		ck_assert_uint_eq(b->line, a->line);
		ck_assert_int_eq(b->capacity, a->capacity);
		ck_assert_int_eq(b->overflow, a->overflow);
		ck_assert_int_eq(b->without_phone, a->without_phone);
		ck_assert_int_eq(b->without_email, a->without_email);
		ck_assert_int_eq(b->backfill_from, a->backfill_from);
		ck_assert_uint_eq(b->spread, a->spread);
		ck_assert_uint_eq(b->no_follow_up, a->no_follow_up);
		ck_assert_uint_eq(b->feedback, a->feedback);
		ck_assert_uint_eq(b->term_unit, a->term_unit);
		ck_assert_uint_eq(b->term, a->term);
		ck_assert_uint_eq(b->capacity_param, a->capacity_param);
		ck_assert_uint_eq(b->norder, a->norder);
		ck_assert_uint_eq(b->nbackfill_order, a->nbackfill_order);
		same_keys(a->order, b->order, a->norder);
		same_keys(a->backfill_order, b->backfill_order, a->nbackfill_order);
	}
	ck_assert_uint_eq(q->nparams, p->nparams);
	for (uint32_t i = 0; i < p->nparams; i++) {
		ck_assert_uint_eq(q->params[i].name, p->params[i].name);
		ck_assert_uint_eq(q->params[i].line, p->params[i].line);
		ck_assert_uint_eq(q->params[i].kind, p->params[i].kind);
		ck_assert_int_eq(q->params[i].value, p->params[i].value);
		ck_assert_uint_eq(q->params[i].konst, p->params[i].konst);
	}
	ck_assert_uint_eq(q->nlines, p->nlines);
	for (uint32_t i = 0; i < p->nlines; i++) {
		ck_assert_uint_eq(q->lines[i].pc, p->lines[i].pc);
		ck_assert_uint_eq(q->lines[i].line, p->lines[i].line);
	}
}

/* ---- the opcode table ---- */

START_TEST(ops_table_follows_the_opcode_list)
{
	static const struct { const char *name; int operands, pops, pushes; } want[] = {
#define WANT(name, nops, pops, pushes, doc) { #name, nops, pops, pushes },
		BC_OPCODES(WANT)
#undef WANT
	};
	ck_assert_uint_eq(sizeof want / sizeof want[0], BC_OP_COUNT);
	for (int op = 0; op < BC_OP_COUNT; op++) {
		ck_assert_str_eq(bc_ops[op].name, want[op].name);
		ck_assert_int_eq(bc_ops[op].operands, want[op].operands);
		ck_assert_int_eq(bc_ops[op].pops, want[op].pops);
		ck_assert_int_eq(bc_ops[op].pushes, want[op].pushes);
		ck_assert(bc_ops[op].operands <= 5 && bc_ops[op].pushes <= 1);
		ck_assert(strlen(bc_ops[op].meaning) > 10);
		for (int other = 0; other < op; other++)
			ck_assert_str_ne(bc_ops[op].name, bc_ops[other].name);
	}
	ck_assert_int_eq(BC_CONST, 0);
	ck_assert_str_eq(bc_ops[BC_COUNTED].name, "COUNTED");
}
END_TEST

/* ---- verification: a good program ---- */

START_TEST(program_using_every_opcode_verifies)
{
	bc_program p;
	sink(&p);
	capture c;
	cap_open(&c);
	ck_assert_msg(bc_verify(&p, &c.d), "%s", cap_text(&c));
	ck_assert_int_eq(c.d.errors, 0);
	bool seen[BC_OP_COUNT] = { false };
	for (uint32_t i = 0; i < p.nfns; i++)
		for (uint32_t pc = p.fns[i].start; pc < p.fns[i].start + p.fns[i].len;) {
			seen[p.code[pc]] = true;
			pc += 1 + 2 * (uint32_t)bc_ops[p.code[pc]].operands;
		}
	for (int op = 0; op < BC_OP_COUNT; op++)
		ck_assert_msg(seen[op], "%s is not used", bc_ops[op].name);
	ck_assert_int_eq(p.fns[0].max_stack, 2);   /* arrears, 100 */
	ck_assert_int_eq(p.fns[1].max_stack, 1);
	ck_assert_int_eq(p.fns[8].max_stack, 1);
	ck_assert_int_eq(p.fns[9].max_stack, 3);   /* arrears between lo and hi */
	cap_close(&c);
	bc_program_free(&p);
}
END_TEST

START_TEST(stack_may_reach_its_limit_but_not_pass_it)
{
	for (int extra = 0; extra <= 1; extra++) {
		const int pushes = BC_MAX_STACK + extra;
		char *src = malloc((size_t)pushes * 12 + 64);
		ck_assert_ptr_nonnull(src);
		strcpy(src, "household");
		for (int i = 0; i < pushes; i++)
			strcat(src, " CONST 1");
		for (int i = 1; i < pushes; i++)
			strcat(src, " EQ");
		strcat(src, " RETURN | decision DECIDE 4");
		bc_program p;
		build(&p, src);
		capture c;
		cap_open(&c);
		if (extra == 0) {
			ck_assert_msg(bc_verify(&p, &c.d), "%s", cap_text(&c));
			ck_assert_int_eq(p.fns[0].max_stack, BC_MAX_STACK);
		} else {
			ck_assert(!bc_verify(&p, &c.d));
			ck_assert_ptr_nonnull(strstr(cap_text(&c), "grows beyond 256"));
		}
		cap_close(&c);
		bc_program_free(&p);
		free(src);
	}
}
END_TEST

START_TEST(functions_nest_at_most_sixteen_deep)
{
	for (int n = 16; n <= 17; n++) {
		char src[1024] = "household HFACT 0 RETURN";
		for (int i = 1; i < n; i++)
			snprintf(src + strlen(src), sizeof src - strlen(src), " | household DEF %d RETURN", i - 1);
		strcat(src, " | decision DECIDE 4");
		bc_program p;
		build(&p, src);
		capture c;
		cap_open(&c);
		const bool ok = bc_verify(&p, &c.d);
		ck_assert_msg(ok == (n == 16), "%d: %s", n, cap_text(&c));
		if (!ok)
			ck_assert_ptr_nonnull(strstr(cap_text(&c), "fn 16 at 0 (DEF): functions nest more than 16 deep"));
		cap_close(&c);
		bc_program_free(&p);
	}
}
END_TEST

/* Function indexes are operands, and BC_NONE (65535) is none of them: at
 * most 65535 functions, 0 .. 65534. */
START_TEST(function_indexes_stay_below_none)
{
	bc_program p;
	build(&p, "decision DECIDE 4");
	bc_function *fns = realloc(p.fns, sizeof *fns * (BC_MAX_TABLE + 1));
	ck_assert_ptr_nonnull(fns);
	for (uint32_t i = 1; i <= BC_MAX_TABLE; i++)
		fns[i] = fns[0];
	p.fns = fns;
	p.nfns = BC_MAX_TABLE + 1;
	capture c;
	cap_open(&c);
	ck_assert(!bc_verify(&p, &c.d));
	ck_assert_ptr_nonnull(strstr(cap_text(&c), "65536 functions; at most 65535"));
	cap_close(&c);
	/* At the limit, the count passes (and the many decision functions are what is wrong). */
	p.nfns = BC_MAX_TABLE;
	cap_open(&c);
	ck_assert(!bc_verify(&p, &c.d));
	ck_assert_ptr_nonnull(strstr(cap_text(&c), "65535 decision functions; a program has exactly one"));
	cap_close(&c);
	bc_program_free(&p);
}
END_TEST

/* ---- verification: broken programs ---- */

static void t_code0_200(bc_program *p) { p->code[p->fns[0].start] = 200; }
static void t_len2(bc_program *p) { p->fns[0].len = 2; }
static void t_start_far(bc_program *p) { p->fns[0].start = 100; }
static void t_len0(bc_program *p) { p->fns[0].len = 0; }
static void t_overlap(bc_program *p) { p->fns[1].start = 3; }
static void t_kind4(bc_program *p) { p->fns[0].kind = 4; }
static void t_type13(bc_program *p) { p->fns[0].type = TY_NUMBER + 1; }
static void t_name_number(bc_program *p) { p->fns[0].name = C_100; }
static void t_decision_fn0(bc_program *p) { p->decision_fn = 0; }
static void t_floor0(bc_program *p) { p->floor_fn = 0; }
/* A skip rule (rule 5) of fn F, listed in the skips. */
static void skip_of(bc_program *p, uint16_t f)
{
	add_rule(p, RULE_SKIPPED, -1, C_SAME_SIGNAL, f, 5);
	add_u16(&p->skips, &p->nskips, 5);
}
static void t_skip0(bc_program *p) { skip_of(p, 0); }
static void t_lookback(bc_program *p) { p->lookback = 1201; }
static void t_effective(bc_program *p) { p->effective = 5; }
static void t_bucket_name(bc_program *p) { p->buckets[0].name = C_100; }
static void t_capacity(bc_program *p) { p->buckets[0].capacity = -2; }
static void t_overflow_far(bc_program *p) { p->buckets[0].overflow = 2; }
static void t_overflow_self(bc_program *p) { p->buckets[0].overflow = 0; }
static void t_redirect_loop(bc_program *p) { p->buckets[0].without_email = 1; }
static void t_backfill_self(bc_program *p) { p->buckets[1].backfill_from = 1; }
static void t_spread(bc_program *p) { p->buckets[0].spread = 3; }
static void t_follow_up(bc_program *p) { p->buckets[0].no_follow_up = 2; }
static void t_norder(bc_program *p) { p->buckets[0].norder = BC_MAX_ORDER + 1; }
static void t_order_fn(bc_program *p)
{
	p->buckets[1].norder = 1;
	p->buckets[1].order[0] = (bc_order_key){ 0, 1 };
}
static void t_order_desc(bc_program *p)
{
	p->buckets[1].nbackfill_order = 1;
	p->buckets[1].backfill_order[0] = (bc_order_key){ 0, 2 };
}
/* Format 2: named numbers, terms, feedback codes. */
static void t_param(bc_program *p) { add_param(p, C_LETTER, 2, TY_MONEY, 10000, C_100); }
static void t_param_name(bc_program *p) { add_param(p, C_100, 2, TY_MONEY, 10000, C_100); }
static void t_param_kind(bc_program *p) { add_param(p, C_LETTER, 2, TY_TEXT, 10000, C_100); }
static void t_param_negative(bc_program *p) { add_param(p, C_LETTER, 2, TY_COUNT, -1, BC_NONE); }
static void t_param_value(bc_program *p) { add_param(p, C_LETTER, 2, TY_MONEY, 10001, C_100); }
static void t_param_const_text(bc_program *p) { add_param(p, C_LETTER, 2, TY_MONEY, 0, C_MENZIS); }
static void t_param_const_far(bc_program *p) { add_param(p, C_LETTER, 2, TY_MONEY, 0, 999); }
static void t_param_twice(bc_program *p)
{
	t_param(p);
	add_param(p, C_LETTER, 3, TY_COUNT, 3, BC_NONE);
}
static void t_param_shared(bc_program *p)
{
	t_param(p);
	add_param(p, C_MENZIS, 3, TY_MONEY, 10000, C_100);
}
static void t_capacity_param_far(bc_program *p) { p->buckets[1].capacity_param = 1; }
static void t_capacity_param_value(bc_program *p)
{
	add_param(p, C_LETTER, 2, TY_COUNT, 31, BC_NONE);
	p->buckets[1].capacity_param = 1;
}
static void t_capacity_param_kind(bc_program *p)
{
	add_param(p, C_LETTER, 2, TY_DAYS, 30, BC_NONE);
	p->buckets[1].capacity_param = 1;
}
static void t_bucket_feedback(bc_program *p) { p->buckets[0].feedback = FEEDBACK_COUNT; }
static void t_term_unit(bc_program *p) { p->buckets[0].term_unit = CAL_UNIT_COUNT; p->buckets[0].term = 1; }
static void t_term_zero(bc_program *p) { p->buckets[0].term_unit = CAL_DAYS; }
static void t_term_without_unit(bc_program *p) { p->buckets[0].term = 3; }
static void t_term_long(bc_program *p) { p->buckets[0].term_unit = CAL_WEEKS; p->buckets[0].term = 53; }
static void t_term_no_follow_up(bc_program *p)
{
	p->buckets[0].term_unit = CAL_DAYS;
	p->buckets[0].term = 3;
	p->buckets[0].no_follow_up = 1;
}
static void t_rule_feedback(bc_program *p) { p->rules[2].feedback = FEEDBACK_COUNT; }
static void t_bucket_rule_feedback(bc_program *p) { p->rules[3].feedback = FEEDBACK_HELP_ACCEPTED; }
static void t_not_counted_feedback(bc_program *p) { p->rules[1].feedback = FEEDBACK_NOT_PICKED_UP; }
static void t_rule_kind(bc_program *p) { p->rules[0].kind = RULE_BUCKET + 1; }
static void t_rule_bucket(bc_program *p) { p->rules[3].bucket = -1; }
static void t_rule_bucket_far(bc_program *p) { p->rules[3].bucket = 2; }
static void t_exclusion_bucket(bc_program *p) { p->rules[2].bucket = 0; }
static void t_reason(bc_program *p) { p->rules[2].reason = C_100; }
static void t_reason_far(bc_program *p) { p->rules[2].reason = 999; }
static void t_skip_fn(bc_program *p) { skip_of(p, 0); }
static void t_skip_bucket_far(bc_program *p)
{
	skip_of(p, 0);
	p->rules[5].bucket = 2;
}
static void t_skip_unlisted(bc_program *p) { add_rule(p, RULE_SKIPPED, -1, C_SAME_SIGNAL, 0, 5); }
static void t_skips_order(bc_program *p)
{
	skip_of(p, 0);
	add_rule(p, RULE_SKIPPED, -1, C_SAME_SIGNAL, 0, 6);
	p->skips[0] = 6;
	add_u16(&p->skips, &p->nskips, 5);
}
static void t_no_not_counted(bc_program *p) { p->rules[1].kind = RULE_EXCLUDE; }
static void t_two_not_counted(bc_program *p) { p->rules[2].kind = RULE_NOT_COUNTED; }
/* N constants (numbers) or rules (to bucket 0) in all, grown at once. */
static void fill_consts(bc_program *p, uint32_t n)
{
	p->consts = realloc(p->consts, sizeof *p->consts * n);
	ck_assert_ptr_nonnull(p->consts);
	for (; p->nconsts < n; p->nconsts++)
		p->consts[p->nconsts] = (bc_const){ p->nconsts, NULL };
}
static void fill_rules(bc_program *p, uint32_t n)
{
	p->rules = realloc(p->rules, sizeof *p->rules * n);
	ck_assert_ptr_nonnull(p->rules);
	for (; p->nrules < n; p->nrules++)
		p->rules[p->nrules] = (bc_rule){ RULE_BUCKET, 12, 0, 0, 0, 0 };
}
static void t_consts_over(bc_program *p) { fill_consts(p, BC_MAX_TABLE + 1); }
static void t_rules_over(bc_program *p) { fill_rules(p, BC_MAX_TABLE + 1); }
static void t_fn_too_long(bc_program *p) { p->fns[0].len = BC_MAX_CODE + 1; }
static void t_label_name(bc_program *p) { add_label(p, C_3, 0); }
static void t_label_fn(bc_program *p) { add_label(p, C_MULTIPLICITY, 1); }
static void t_skips(bc_program *p) { add_u16(&p->skips, &p->nskips, 2); }
static void t_skips_far(bc_program *p) { add_u16(&p->skips, &p->nskips, 9); }
static void t_defs(bc_program *p) { add_u16(&p->defs, &p->ndefs, 1); }
static void t_lines_order(bc_program *p)
{
	add_line(p, 3, 1);
	add_line(p, 0, 2);
}
static void t_lines_far(bc_program *p) { add_line(p, p->ncode, 1); }

typedef struct bad_case {
	const char *what;
	const char *src;
	void (*tweak)(bc_program *);
	const char *expect;
} bad_case;

#define D " | decision DECIDE 4"
static const bad_case bad_cases[] = {
	/* decoding */
	{ "unknown opcode", "decision DECIDE 4", t_code0_200, "fn 0 at 0: unknown opcode 200" },
	{ "operands cut off", "decision DECIDE 4", t_len2, "fn 0 at 0 (DECIDE): operands run past the end of the function" },
	{ "code outside the program", "decision DECIDE 4", t_start_far, "fn 0: bytes 100..+3 lie outside the code" },
	{ "empty function", "decision DECIDE 4", t_len0, "fn 0: empty" },
	{ "functions sharing code", "household HFACT 0 RETURN" D, t_overlap, "fn 1: its code overlaps fn 0's" },
	{ "function kind", "household HFACT 0 RETURN" D, t_kind4, "fn 0: kind 4 does not exist" },
	{ "function type", "household HFACT 0 RETURN" D, t_type13, "fn 0: type 13 does not exist" },
	{ "function name", "household HFACT 0 RETURN" D, t_name_number, "fn 0: its name, constant 1, is not text" },
	/* operands */
	{ "constant", "household CONST 99 RETURN" D, NULL, "fn 0 at 0 (CONST): constant 99 does not exist (19 constants)" },
	{ "signal field outside a signal", "household SFIELD 3 RETURN" D, NULL, "(SFIELD): belongs only in signal functions" },
	{ "signal field", "signal SFIELD 17 RETURN" D, NULL, "signal field 17 does not exist" },
	{ "outcome field outside an outcome", "signal OFIELD 0 RETURN" D, NULL, "(OFIELD): belongs only in outcome functions" },
	{ "outcome field", "outcome OFIELD 2 RETURN" D, NULL, "outcome field 2 does not exist" },
	{ "household fact in a signal", "signal HFACT 0 RETURN" D, NULL, "(HFACT): belongs only in household and decision functions" },
	{ "household fact", "household HFACT 5 RETURN" D, NULL, "household fact 5 does not exist" },
	{ "sector", "household SECTOR_TOTAL 7 RETURN" D, NULL, "sector 7 does not exist" },
	{ "sector total in an outcome", "outcome SECTOR_TOTAL 0 RETURN" D, NULL, "(SECTOR_TOTAL): belongs only in household" },
	{ "definition used before it", "household DEF 1 RETURN | household HFACT 0 RETURN" D, NULL,
	  "fn 0 at 0 (DEF): refers to fn 1; a function may only use functions before it" },
	{ "definition using itself", "household DEF 0 RETURN" D, NULL, "refers to fn 0; a function may only use functions before it" },
	{ "definition of the wrong kind", "signal SFIELD 0 RETURN | household DEF 0 RETURN" D, NULL,
	  "fn 1 at 0 (DEF): refers to fn 0, a signal function; it needs a household function" },
	{ "definition in a signal", "household HFACT 0 RETURN | signal DEF 0 RETURN" D, NULL, "(DEF): belongs only in household" },
	{ "any over every signal", "household ANY none 0 0 0 RETURN" D, NULL, "(ANY): needs a function, not \"every signal\"" },
	{ "all over outcomes", "outcome OFIELD 0 RETURN | household ALL 0 0 0 0 RETURN" D, NULL,
	  "refers to fn 0, an outcome function; it needs a signal function" },
	{ "count in a signal", "signal SFIELD 0 RETURN | signal COUNT 0 0 0 0 RETURN" D, NULL, "(COUNT): belongs only in household" },
	{ "signal set", "household COUNT none 3 0 0 RETURN" D, NULL, "(COUNT): signal set 3 does not exist" },
	{ "window backwards", "household COUNT none 0 2 1 RETURN" D, NULL, "window months 2..1 is backwards" },
	{ "window beyond lookback", "household COUNT none 0 0 7 RETURN" D, NULL,
	  "window reaches 7 months back, beyond the program's lookback of 6" },
	{ "distinct field", "household DISTINCT 17 none 0 0 0 RETURN" D, NULL, "(DISTINCT): signal field 17 does not exist" },
	{ "total of text", "household SUM 2 none 0 0 0 RETURN" D, NULL, "(SUM): signal field creditor is not a number" },
	{ "max of a flag", "household MAX 12 none 0 0 0 RETURN" D, NULL, "(MAX): signal field brp_match is not a number" },
	{ "min over outcomes", "outcome OFIELD 0 RETURN | household MIN 3 0 0 0 0 RETURN" D, NULL, "it needs a signal function" },
	{ "aggregate set", "household SUM 3 none 4 0 0 RETURN" D, NULL, "signal set 4 does not exist" },
	{ "aggregate window", "household MIN 3 none 0 0 9 RETURN" D, NULL, "window reaches 9 months back" },
	{ "total in an outcome", "outcome SUM 3 none 0 0 0 RETURN" D, NULL, "(SUM): belongs only in household" },
	{ "outcomes over signals", "signal SFIELD 0 RETURN | household OANY 0 1 1 RETURN" D, NULL,
	  "refers to fn 0, a signal function; it needs an outcome function" },
	{ "all outcomes of nothing", "household OALL none 1 1 RETURN" D, NULL, "(OALL): needs a function" },
	{ "outcome window", "household OCOUNT none 3 1 RETURN" D, NULL, "window months 3..1 is backwards" },
	{ "outcomes in a signal", "signal OCOUNT none 1 1 RETURN" D, NULL, "(OCOUNT): belongs only in household" },
	{ "same in a household", "household SAME 2 2 1 1 RETURN" D, NULL, "(SAME): belongs only in signal functions" },
	{ "same field", "signal SAME 17 2 1 1 RETURN" D, NULL, "(SAME): signal field 17 does not exist" },
	{ "same set", "signal SAME 2 3 1 1 RETURN" D, NULL, "(SAME): signal set 3 does not exist" },
	{ "same window", "signal SAME 2 2 1 8 RETURN" D, NULL, "window reaches 8 months back" },
	{ "same in the floor", "signal SAME 2 2 1 1 RETURN" D, t_floor0, "the floor function cannot compare with other signals" },
	{ "skip looking at counted", "signal SAME 2 0 1 1 RETURN" D, t_skip0, "a skip function cannot look at the counted signals" },
	{ "empty set", "signal SFIELD 0 IN_SET 6 0 RETURN" D, NULL, "(IN_SET): an empty set" },
	{ "set past the constants", "signal SFIELD 0 IN_SET 17 3 RETURN" D, NULL, "constants 17..19 do not exist (19 constants)" },
	{ "number set with text", "signal SFIELD 0 IN_SET 5 2 RETURN" D, NULL, "(IN_SET): constant 5 is not a number" },
	{ "text set with a number", "signal SFIELD 2 IN_TEXT 4 3 RETURN" D, NULL, "(IN_TEXT): constant 6 is not text" },
	/* control flow */
	{ "jump into an instruction", "household HFACT 0 JUMP 5 RETURN" D, NULL, "fn 0 at 3 (JUMP): jump to 5, inside an instruction" },
	{ "jump outside", "household HFACT 0 JUMP 7 RETURN" D, NULL, "jump to 7, outside the function (7 bytes)" },
	{ "jump back", "household HFACT 0 JUMP 0 RETURN" D, NULL, "jump back to 0; jumps only go forward" },
	{ "jump to itself", "household HFACT 0 JUMP_IF_TRUE 3 HFACT 0 RETURN" D, NULL, "jump back to 3" },
	{ "rule skips outside", "decision CONST 3 RULE 3 20 DECIDE 4", NULL, "(RULE): jump to 20, outside the function (11 bytes)" },
	{ "rule number", "decision CONST 3 RULE 9 @n n: DECIDE 4", NULL, "(RULE): rule 9 does not exist (5 rules)" },
	{ "decided rule", "decision DECIDE 5", NULL, "(DECIDE): rule 5 does not exist (5 rules)" },
	{ "rule in a household", "household CONST 3 RULE 0 @n n: CONST 3 RETURN" D, NULL, "(RULE): belongs only in the decision function" },
	{ "decide in a signal", "signal DECIDE 0" D, NULL, "(DECIDE): belongs only in the decision function" },
	{ "counted in a signal", "signal COUNTED CONST 3 RETURN" D, NULL, "(COUNTED): belongs only in the decision function" },
	{ "return from the rules", "decision CONST 3 RETURN", NULL, "(RETURN): the decision function ends in DECIDE, not RETURN" },
	/* the stack */
	{ "underflow", "household NOT RETURN" D, NULL, "fn 0 at 0 (NOT): pops 1, the stack holds 0" },
	{ "underflow of two", "household CONST 3 GT RETURN" D, NULL, "(GT): pops 2, the stack holds 1" },
	{ "return with two values", "household CONST 3 CONST 3 RETURN" D, NULL, "(RETURN): needs exactly one value on the stack, has 2" },
	{ "decide with a value", "decision CONST 3 DECIDE 4", NULL, "(DECIDE): needs an empty stack, has 1 values" },
	{ "counted with a value", "decision CONST 3 COUNTED DECIDE 4", NULL, "(COUNTED): needs an empty stack" },
	{ "rule leaves a value", "decision CONST 3 CONST 3 RULE 0 @n n: DECIDE 4", NULL, "(RULE): leaves 1 on the stack" },
	{ "paths disagree", "household CONST 3 JUMP_IF_FALSE @a CONST 3 a: CONST 3 RETURN" D, NULL,
	  "fn 0 at 6 (CONST): reaches 9 with 1 values on the stack, another path with 0" },
	{ "jumps disagree", "household CONST 3 CONST 3 JUMP_IF_FALSE @a JUMP_IF_FALSE @a a: CONST 3 RETURN" D, NULL,
	  "fn 0 at 9 (JUMP_IF_FALSE): reaches 12 with 0 values on the stack, another path with 1" },
	{ "runs off the end", "household CONST 3" D, NULL, "fn 0 at 0 (CONST): runs off the end of the function" },
	{ "rules run off the end", "decision COUNTED", NULL, "(COUNTED): runs off the end of the function" },
	{ "dead code", "household CONST 3 RETURN CONST 3 RETURN" D, NULL, "fn 0 at 4 (CONST): no path reaches this instruction" },
	/* the program and its tables */
	{ "no decision function", "household HFACT 0 RETURN", NULL, "0 decision functions; a program has exactly one" },
	{ "two decision functions", "decision DECIDE 4" D, NULL, "2 decision functions" },
	{ "decision_fn elsewhere", "household HFACT 0 RETURN" D, t_decision_fn0, "decision_fn 0 is not the decision function" },
	{ "floor of the wrong kind", "household HFACT 0 RETURN" D, t_floor0, "floor_fn 0 is not a signal function" },
	{ "lookback", "decision DECIDE 4", t_lookback, "lookback of 1201 months is more than 1200" },
	{ "effective month", "decision DECIDE 4", t_effective, "effective month 5 is not a month" },
	{ "bucket name", "decision DECIDE 4", t_bucket_name, "bucket 0: its name, constant 1, is not text" },
	{ "capacity", "decision DECIDE 4", t_capacity, "bucket 0: capacity -2" },
	{ "overflow target", "decision DECIDE 4", t_overflow_far, "bucket 0: overflow target 2 does not exist" },
	{ "overflow to itself", "decision DECIDE 4", t_overflow_self, "bucket 0: its overflow, redirects and back-fill lead back to bucket 0" },
	{ "redirect cycle", "decision DECIDE 4", t_redirect_loop, "lead back to bucket 0" },
	{ "back-fill from itself", "decision DECIDE 4", t_backfill_self, "bucket 1: its overflow, redirects and back-fill lead back to bucket 1" },
	{ "spread", "decision DECIDE 4", t_spread, "bucket 0: spread 3 does not exist" },
	{ "no follow-up flag", "decision DECIDE 4", t_follow_up, "bucket 0: no_follow_up is 2" },
	{ "too many order keys", "decision DECIDE 4", t_norder, "bucket 0: 5 order keys; at most 4" },
	{ "order key function", "decision DECIDE 4", t_order_fn, "bucket 1: order key 0, fn 0, is not a household function" },
	{ "order direction", "household HFACT 0 RETURN" D, t_order_desc, "bucket 1: back-fill order key 0: descending is 2" },
	{ "named number's name", "decision DECIDE 4", t_param_name, "named number 0: its name, constant 1, is not text" },
	{ "named number's kind", "decision DECIDE 4", t_param_kind, "named number 0: kind 7 is not a number's" },
	{ "negative named number", "decision DECIDE 4", t_param_negative, "named number 0: value -1 is negative" },
	{ "named number's constant", "decision DECIDE 4", t_param_value, "named number 0: constant 1 does not hold its value 10001" },
	{ "named number's text constant", "decision DECIDE 4", t_param_const_text, "named number 0: constant 4 does not hold its value 0" },
	{ "named number's far constant", "decision DECIDE 4", t_param_const_far, "named number 0: constant 999 does not hold its value 0" },
	{ "two named numbers, one name", "decision DECIDE 4", t_param_twice, "two named numbers are called letter" },
	{ "two named numbers, one constant", "decision DECIDE 4", t_param_shared, "two named numbers read constant 1" },
	{ "capacity's named number", "decision DECIDE 4", t_capacity_param_far, "bucket 1: named number 0 does not exist" },
	{ "capacity not its named number", "decision DECIDE 4", t_capacity_param_value, "bucket 1: capacity 30 is not named number 0 (31)" },
	{ "capacity of days", "decision DECIDE 4", t_capacity_param_kind, "bucket 1: capacity 30 is not named number 0 (30)" },
	{ "bucket feedback", "decision DECIDE 4", t_bucket_feedback, "bucket 0: feedback code 8 does not exist" },
	{ "term unit", "decision DECIDE 4", t_term_unit, "bucket 0: term unit 4 does not exist" },
	{ "term of nothing", "decision DECIDE 4", t_term_zero, "bucket 0: a term of 0 days" },
	{ "term without a unit", "decision DECIDE 4", t_term_without_unit, "bucket 0: a term of 3 " },
	{ "term too long", "decision DECIDE 4", t_term_long, "bucket 0: a term of 53 weeks" },
	{ "term without follow-up", "decision DECIDE 4", t_term_no_follow_up, "bucket 0: no follow-up, yet a contact term" },
	{ "rule feedback", "decision DECIDE 4", t_rule_feedback, "rule 2: feedback code 8 does not exist" },
	{ "feedback of a bucket rule", "decision DECIDE 4", t_bucket_rule_feedback, "rule 3: only exclusions and skips state a feedback code" },
	{ "feedback of not counted", "decision DECIDE 4", t_not_counted_feedback, "rule 1: only exclusions and skips state a feedback code" },
	{ "rule kind", "decision DECIDE 4", t_rule_kind, "rule 0: kind 5 does not exist" },
	{ "rule without bucket", "decision DECIDE 4", t_rule_bucket, "rule 3: bucket -1 does not exist" },
	{ "rule bucket", "decision DECIDE 4", t_rule_bucket_far, "rule 3: bucket 2 does not exist" },
	{ "exclusion with a bucket", "decision DECIDE 4", t_exclusion_bucket, "rule 2: an exclusion has bucket -1, not 0" },
	{ "reason a number", "decision DECIDE 4", t_reason, "rule 2: its reason, constant 1, is not text" },
	{ "reason missing", "decision DECIDE 4", t_reason_far, "rule 2: its reason, constant 999, is not text" },
	{ "skip of the wrong kind", "household HFACT 0 RETURN" D, t_skip_fn, "rule 5: its skip, fn 0, is not a signal function" },
	{ "skip to no bucket", "signal SFIELD 0 RETURN" D, t_skip_bucket_far, "rule 5: bucket 2 does not exist" },
	{ "label name", "household HFACT 0 RETURN" D, t_label_name, "label 0: its name, constant 7, is not text" },
	{ "label function", "household HFACT 0 RETURN" D, t_label_fn, "label 0: fn 1 is not a household function" },
	{ "skips list", "decision DECIDE 4", t_skips, "1 skips listed for 0 skip rules" },
	{ "skips list range", "decision DECIDE 4", t_skips_far, "1 skips listed for 0 skip rules" },
	{ "skip not listed", "signal SFIELD 0 RETURN" D, t_skip_unlisted, "rule 5: a skip rule that the skips do not list in rule order" },
	{ "skips out of order", "signal SFIELD 0 RETURN" D, t_skips_order, "rule 5: a skip rule that the skips do not list in rule order" },
	{ "no not-counted rule", "decision DECIDE 4", t_no_not_counted, "0 not-counted rules; a program has exactly one" },
	{ "two not-counted rules", "decision DECIDE 4", t_two_not_counted, "2 not-counted rules; a program has exactly one" },
	{ "constants past the operands", "decision DECIDE 4", t_consts_over, "65536 constants; at most 65535" },
	{ "rules past the operands", "decision DECIDE 4", t_rules_over, "65536 rules; at most 65535" },
	{ "code past the jumps", "decision DECIDE 4", t_fn_too_long, "fn 0: 65536 bytes of code; at most 65535" },
	{ "definitions list", "household HFACT 0 RETURN" D, t_defs, "definition 0: fn 1 is not a household function" },
	{ "lines out of order", "household HFACT 0 RETURN" D, t_lines_order, "line entry 1: offsets are not in order" },
	{ "line outside the code", "decision DECIDE 4", t_lines_far, "line entry 0: offset 3 is outside the code" },
};
#undef D
enum { NBAD = sizeof bad_cases / sizeof bad_cases[0] };

START_TEST(verifier_refuses_broken_programs)
{
	const bad_case *k = &bad_cases[_i];
	bc_program p;
	build(&p, k->src);
	if (k->tweak)
		k->tweak(&p);
	capture c;
	cap_open(&c);
	ck_assert_msg(!bc_verify(&p, &c.d), "%s: accepted", k->what);
	ck_assert_int_eq(c.d.errors, 1);
	const char *msg = cap_text(&c);
	ck_assert_msg(strncmp(msg, "vroeg: rules/test.vroeg: invalid bytecode: ", 43) == 0, "%s: %s", k->what, msg);
	ck_assert_msg(strstr(msg, k->expect), "%s: expected \"%s\", got: %s", k->what, k->expect, msg);
	cap_close(&c);

	/* The same program from a file is refused by the loader. */
	blob b = write_blob(&p);
	refuse_read(&b, "t.vrb: corrupted: ");
	free(b.data);
	bc_program_free(&p);
}
END_TEST

/* Each case, repaired, verifies: the table tests what it says it tests. */
START_TEST(verifier_accepts_the_repaired_neighbours)
{
	static const char *const good[] = {
		"decision DECIDE 4",
		"household COUNT none 0 0 6 RETURN | decision DECIDE 4",
		"outcome OFIELD 1 RETURN | household OCOUNT none 1 6 OALL 0 0 0 EQ RETURN | decision DECIDE 4",
		"signal SAME 2 2 1 1 RETURN | decision DECIDE 4",
		"signal SFIELD 2 IN_TEXT 4 2 RETURN | decision DECIDE 4",
		"household HFACT 0 JUMP 6 RETURN | decision DECIDE 4",
		"decision CONST 3 RULE 3 @n DECIDE 3 n: DECIDE 4",
		"household CONST 3 JUMP_IF_FALSE @a CONST 3 JUMP @b a: CONST 3 b: RETURN | decision DECIDE 4",
		"household SUM 16 none 2 1 1 MIN 8 none 1 0 0 LT RETURN | decision DECIDE 4",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		bc_program p;
		build(&p, good[i]);
		capture c;
		cap_open(&c);
		ck_assert_msg(bc_verify(&p, &c.d), "%s: %s", good[i], cap_text(&c));
		cap_close(&c);
		bc_program_free(&p);
	}
}
END_TEST

/* The tables at the operands' reach verify: 65535 constants, 65535 rules,
 * a function of 65535 bytes (one more of each is refused above). */
START_TEST(tables_at_the_operand_limit_verify)
{
	bc_program p;
	build(&p, "decision DECIDE 4");
	/* fn 1: CONST 3, NOT as often as fits, RETURN: BC_MAX_CODE bytes. */
	p.code = realloc(p.code, p.ncode + BC_MAX_CODE);
	ck_assert_ptr_nonnull(p.code);
	uint8_t *code = p.code + p.ncode;
	code[0] = BC_CONST;
	code[1] = C_3;
	code[2] = 0;
	memset(code + 3, BC_NOT, BC_MAX_CODE - 4);
	code[BC_MAX_CODE - 1] = BC_RETURN;
	p.fns = grow(p.fns, p.nfns, sizeof *p.fns);
	p.fns[p.nfns++] = (bc_function){ FN_HOUSEHOLD, TY_BOOL, p.ncode, BC_MAX_CODE, 0, BC_NONE };
	p.ncode += BC_MAX_CODE;
	fill_consts(&p, BC_MAX_TABLE);
	fill_rules(&p, BC_MAX_TABLE);
	capture c;
	cap_open(&c);
	ck_assert_msg(bc_verify(&p, &c.d), "%s", cap_text(&c));
	cap_close(&c);
	bc_program_free(&p);
}
END_TEST

/* ---- the file ---- */

START_TEST(file_round_trip_keeps_everything)
{
	bc_program p;
	sink(&p);
	capture c;
	cap_open(&c);
	ck_assert(bc_verify(&p, &c.d));
	blob b = write_blob(&p);
	bc_program q;
	ck_assert_msg(bc_read(&q, b.data, b.len, "sink.vrb", &c.d), "%s", cap_text(&c));
	ck_assert_str_eq(q.policy_name, p.policy_name);
	ck_assert_str_eq(q.policy_version, p.policy_version);
	ck_assert_str_eq(q.source_name, p.source_name);
	ck_assert_int_eq(q.effective, p.effective);
	ck_assert(memcmp(q.source_sha256, p.source_sha256, 32) == 0);
	ck_assert_int_eq(q.lookback, p.lookback);
	ck_assert_int_eq(q.floor_fn, p.floor_fn);
	ck_assert_int_eq(q.decision_fn, p.decision_fn);
	ck_assert_uint_eq(q.nconsts, p.nconsts);
	for (uint32_t i = 0; i < p.nconsts; i++) {
		ck_assert((q.consts[i].text == NULL) == (p.consts[i].text == NULL));
		if (p.consts[i].text)
			ck_assert_str_eq(q.consts[i].text, p.consts[i].text);
		else
			ck_assert_int_eq(q.consts[i].num, p.consts[i].num);
	}
	same_tables(&p, &q);   /* max_stack too: reading verifies */
	ck_assert_uint_eq(q.ncode, p.ncode);
	ck_assert(memcmp(q.code, p.code, p.ncode) == 0);
	ck_assert_uint_eq(q.nrules, p.nrules);
	for (uint32_t i = 0; i < p.nrules; i++) {
		ck_assert_int_eq(q.rules[i].kind, p.rules[i].kind);
		ck_assert_int_eq(q.rules[i].line, p.rules[i].line);
		ck_assert_int_eq(q.rules[i].bucket, p.rules[i].bucket);
		ck_assert_int_eq(q.rules[i].reason, p.rules[i].reason);
		ck_assert_int_eq(q.rules[i].fn, p.rules[i].fn);
		ck_assert_int_eq(q.rules[i].feedback, p.rules[i].feedback);
	}
	ck_assert_uint_eq(q.nlabels, p.nlabels);
	ck_assert_int_eq(q.labels[0].name, p.labels[0].name);
	ck_assert_int_eq(q.labels[0].fn, p.labels[0].fn);
	ck_assert_uint_eq(q.nskips, 1);
	ck_assert_int_eq(q.skips[0], 5);
	ck_assert_uint_eq(q.ndefs, 2);
	ck_assert(q.defs[0] == 5 && q.defs[1] == 6);

	/* Written again, the bytes are the same; listed, the text is the same. */
	blob b2 = write_blob(&q);
	ck_assert_uint_eq(b2.len, b.len);
	ck_assert(memcmp(b2.data, b.data, b.len) == 0);
	char *l1 = listing(&p), *l2 = listing(&q);
	ck_assert_str_eq(l1, l2);
	free(l1);
	free(l2);
	free(b2.data);
	free(b.data);
	cap_close(&c);
	bc_program_free(&q);
	bc_program_free(&p);
}
END_TEST

/* P written as format 1 wrote it: no named numbers section, buckets
 * without feedback, term and capacity_param, rules without feedback. P has
 * none of them set. */
static blob as_format_1(const bc_program *p)
{
	blob b = write_blob(p);
	uint8_t *v1 = malloc(b.len);
	ck_assert_ptr_nonnull(v1);
	size_t at = code_offset(p) + 4 + p->ncode + 4 + 8 * (size_t)p->nlines;
	memcpy(v1, b.data, at + 4);   /* through the buckets' count */
	/* Each bucket, but for the 6 bytes format 2 added after no_follow_up. */
	size_t src = at + 4, n = at + 4;
	for (uint32_t i = 0; i < p->nbuckets; i++) {
		const bc_bucket *k = &p->buckets[i];
		memcpy(v1 + n, b.data + src, 34);
		n += 34;
		src += 34 + 6;
		const size_t keys = 1 + 3u * k->norder + 1 + 3u * k->nbackfill_order;
		memcpy(v1 + n, b.data + src, keys);
		n += keys;
		src += keys;
	}
	memcpy(v1 + n, b.data + src, 4);   /* rules' count */
	n += 4;
	src += 4;
	for (uint32_t i = 0; i < p->nrules; i++) {
		memcpy(v1 + n, b.data + src, 15);
		n += 15;
		src += 16;
	}
	/* Labels, skips, definitions as they are; then the named numbers'
	 * count (0) and the checksum are left out. */
	const size_t rest = 4 + 6u * p->nlabels + 4 + 2u * p->nskips + 4 + 2u * p->ndefs;
	memcpy(v1 + n, b.data + src, rest);
	n += rest;
	src += rest;
	ck_assert_uint_eq(src + 4 + 4, b.len);
	free(b.data);
	blob out = { v1, n + 4 };
	put32(v1 + 8, 1);
	reseal(&out);
	return out;
}

/* A file of format 1 (before named numbers) is read as it always was. */
START_TEST(a_format_1_file_is_still_read)
{
	bc_program p;
	build(&p, "signal SFIELD 0 RETURN | household HFACT 0 RETURN | decision DECIDE 4");
	p.buckets[1].norder = 1;
	p.buckets[1].order[0] = (bc_order_key){ 1, 1 };
	skip_of(&p, 0);
	add_label(&p, C_MULTIPLICITY, 1);
	add_u16(&p.defs, &p.ndefs, 1);
	capture c;
	cap_open(&c);
	ck_assert_msg(bc_verify(&p, &c.d), "%s", cap_text(&c));
	blob b = as_format_1(&p);
	ck_assert_int_eq(b.data[8], 1);
	bc_program q;
	ck_assert_msg(bc_read(&q, b.data, b.len, "old.vrb", &c.d), "%s", cap_text(&c));
	same_tables(&p, &q);
	ck_assert_uint_eq(q.nparams, 0);
	ck_assert_uint_eq(q.nrules, p.nrules);
	for (uint32_t i = 0; i < q.nrules; i++)
		ck_assert_uint_eq(q.rules[i].feedback, 0);
	/* Written again, it is format 2 and reads back the same. */
	blob b2 = write_blob(&q);
	ck_assert_int_eq(b2.data[8], 2);
	bc_program r;
	ck_assert_msg(bc_read(&r, b2.data, b2.len, "new.vrb", &c.d), "%s", cap_text(&c));
	same_tables(&q, &r);
	cap_close(&c);
	free(b.data);
	free(b2.data);
	bc_program_free(&p);
	bc_program_free(&q);
	bc_program_free(&r);
}
END_TEST

/* A named number whose constant holds its value, and a capacity that is
 * one, verify; changed together by bc_program_set they still do. */
START_TEST(named_numbers_that_hold_their_values_verify)
{
	bc_program p;
	build(&p, "decision DECIDE 4");
	t_param(&p);
	add_param(&p, C_MENZIS, 3, TY_COUNT, 30, BC_NONE);
	p.buckets[1].capacity_param = 2;
	capture c;
	cap_open(&c);
	ck_assert_msg(bc_verify(&p, &c.d), "%s", cap_text(&c));
	ck_assert(bc_program_set(&p, "Menzis", 7, &c.d));
	ck_assert(bc_program_set(&p, "letter", 123, &c.d));
	ck_assert_int_eq(p.buckets[1].capacity, 7);
	ck_assert_int_eq(p.consts[C_100].num, 123);
	ck_assert_msg(bc_verify(&p, &c.d), "%s", cap_text(&c));
	cap_close(&c);
	bc_program_free(&p);
}
END_TEST

START_TEST(file_starts_with_magic_version_and_length)
{
	bc_program p;
	build(&p, "decision DECIDE 4");
	blob b = write_blob(&p);
	ck_assert(memcmp(b.data, "VROEGBC\n", 8) == 0);
	ck_assert(b.data[8] == 2 && b.data[9] == 0 && b.data[10] == 0 && b.data[11] == 0);
	ck_assert_uint_eq(b.data[12] | b.data[13] << 8 | b.data[14] << 16 | (uint32_t)b.data[15] << 24, b.len);
	const uint32_t crc = b.data[b.len - 4] | b.data[b.len - 3] << 8 | b.data[b.len - 2] << 16 |
			     (uint32_t)b.data[b.len - 1] << 24;
	ck_assert_uint_eq(crc, bc_crc32(b.data, b.len - 4));
	ck_assert_uint_eq(bc_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);   /* the CRC-32 check value */
	free(b.data);
	bc_program_free(&p);
}
END_TEST

START_TEST(loader_names_what_is_wrong)
{
	bc_program p;
	sink(&p);
	blob b = write_blob(&p);
	bc_program_free(&p);
	uint8_t *orig = malloc(b.len + 1);
	ck_assert_ptr_nonnull(orig);
	memcpy(orig, b.data, b.len);

	blob empty = { b.data, 0 };
	refuse_read(&empty, "t.vrb: not a vroeg bytecode file (it is empty)");
	blob text = { (uint8_t *)"policy \"x\"\n", 11 };
	refuse_read(&text, "t.vrb: not a vroeg bytecode file");
	blob short_magic = { b.data, 5 };
	refuse_read(&short_magic, "t.vrb: truncated");

	b.data[8] = 3;
	refuse_read(&b, "t.vrb: made by another version of vroeg (format 3, this vroeg reads 1 to 2)");
	memcpy(b.data, orig, b.len);
	b.data[8] = 0;
	refuse_read(&b, "t.vrb: made by another version of vroeg (format 0, this vroeg reads 1 to 2)");
	memcpy(b.data, orig, b.len);

	blob cut = { b.data, b.len - 1 };
	char want[64];
	snprintf(want, sizeof want, "t.vrb: truncated (%zu of %zu bytes)", b.len - 1, b.len);
	refuse_read(&cut, want);

	memcpy(orig + b.len, "x", 1);
	blob longer = { orig, b.len + 1 };
	refuse_read(&longer, "t.vrb: corrupted: trailing bytes (1) after the program");

	b.data[40] ^= 0x10;
	refuse_read(&b, "t.vrb: corrupted (checksum mismatch)");
	memcpy(b.data, orig, b.len);

	put32(b.data + 12, 19);
	refuse_read(&b, "stated length 19 is less than a header");
	free(orig);
	free(b.data);
}
END_TEST

START_TEST(loader_refuses_every_truncation)
{
	bc_program p;
	sink(&p);
	blob b = write_blob(&p);
	bc_program_free(&p);
	for (size_t n = 0; n < b.len; n++) {
		/* A copy of exactly N bytes, so ASan sees any read past them. */
		uint8_t *cut = malloc(n ? n : 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, b.data, n);
		diag d;
		diag_init(&d, NULL);
		bc_program q;
		ck_assert_msg(!bc_read(&q, cut, n, "t.vrb", &d), "accepted %zu of %zu bytes", n, b.len);
		ck_assert_int_eq(d.errors, 1);
		bc_program_free(&q);
		free(cut);
	}
	free(b.data);
}
END_TEST

START_TEST(loader_refuses_every_altered_byte)
{
	bc_program p;
	sink(&p);
	blob b = write_blob(&p);
	bc_program_free(&p);
	for (size_t i = 0; i < b.len; i++)
		for (int bit = 0; bit < 8; bit += 3) {
			b.data[i] ^= (uint8_t)(1u << bit);
			diag d;
			diag_init(&d, NULL);
			bc_program q;
			ck_assert_msg(!bc_read(&q, b.data, b.len, "t.vrb", &d), "accepted byte %zu bit %d", i, bit);
			bc_program_free(&q);
			b.data[i] ^= (uint8_t)(1u << bit);
		}
	free(b.data);
}
END_TEST

/* With the checksum made right again, what the sections say is still checked. */
START_TEST(loader_refuses_hostile_sections)
{
	bc_program p;
	build(&p, "signal SFIELD 0 RETURN | decision DECIDE 4");
	blob b = write_blob(&p);
	const size_t at = consts_offset(&p);
	ck_assert_uint_eq(b.data[at], C_COUNT);
	uint8_t *orig = malloc(b.len + 8);
	ck_assert_ptr_nonnull(orig);
	memcpy(orig, b.data, b.len);

	/* A count far beyond the file: refused before any allocation. */
	put32(b.data + at, 0xFFFFFFFFu);
	reseal(&b);
	refuse_read(&b, "t.vrb: corrupted: 4294967295 constants cannot fit in the");
	memcpy(b.data, orig, b.len);

	/* The first constant, "letter", tagged 2. */
	b.data[at + 4] = 2;
	reseal(&b);
	refuse_read(&b, "t.vrb: corrupted: constant 0 has tag 2 (0 number, 1 text)");
	memcpy(b.data, orig, b.len);

	/* "letter" with a NUL inside. */
	ck_assert(memcmp(b.data + at + 9, "letter", 6) == 0);
	b.data[at + 11] = 0;
	reseal(&b);
	refuse_read(&b, "t.vrb: corrupted: constants: a text contains a NUL byte");
	memcpy(b.data, orig, b.len);

	/* Its length beyond the file. */
	put32(b.data + at + 5, 1000000);
	reseal(&b);
	refuse_read(&b, "t.vrb: corrupted: constants run past the end of the file");
	memcpy(b.data, orig, b.len);

	/* The policy name's length beyond the file. */
	put32(b.data + 16, 0xFFFFFFF0u);
	reseal(&b);
	refuse_read(&b, "t.vrb: corrupted: the header run past the end of the file");
	memcpy(b.data, orig, b.len);

	/* A byte no section reads. */
	blob extra = { orig, b.len + 1 };
	memmove(orig + b.len - 3, orig + b.len - 4, 4);
	orig[b.len - 4] = 0;
	reseal(&extra);
	refuse_read(&extra, "t.vrb: corrupted: unread bytes (1) after the last section");
	memcpy(orig, b.data, b.len);

	/* The first bucket with five order keys. */
	const size_t keys_at = code_offset(&p) + 4 + p.ncode + 4 + 8 * (size_t)p.nlines + 4 + 40;
	ck_assert_uint_eq(b.data[keys_at], 0);
	b.data[keys_at] = BC_MAX_ORDER + 1;
	reseal(&b);
	refuse_read(&b, "t.vrb: corrupted: 5 order keys; at most 4");
	memcpy(b.data, orig, b.len);

	/* A verification failure reads as corruption, with the same words. */
	const size_t code_at = code_offset(&p);
	ck_assert_uint_eq(b.data[code_at], 7);    /* the code's count: SFIELD 0 RETURN DECIDE 4 */
	b.data[code_at + 4 + 1] = SF_COUNT;       /* SFIELD's operand */
	reseal(&b);
	refuse_read(&b, "t.vrb: corrupted: fn 0 at 0 (SFIELD): signal field 17 does not exist");
	free(orig);
	free(b.data);
	bc_program_free(&p);
}
END_TEST

/* ---- lines and listing ---- */

START_TEST(line_at_finds_the_last_line_at_or_before)
{
	bc_program p;
	memset(&p, 0, sizeof p);
	ck_assert_uint_eq(bc_line_at(&p, 5), 0);
	add_line(&p, 2, 10);
	add_line(&p, 6, 11);
	add_line(&p, 6, 12);
	add_line(&p, 9, 4);
	ck_assert_uint_eq(bc_line_at(&p, 0), 0);
	ck_assert_uint_eq(bc_line_at(&p, 2), 10);
	ck_assert_uint_eq(bc_line_at(&p, 5), 10);
	ck_assert_uint_eq(bc_line_at(&p, 6), 12);
	ck_assert_uint_eq(bc_line_at(&p, 8), 12);
	ck_assert_uint_eq(bc_line_at(&p, 9), 4);
	ck_assert_uint_eq(bc_line_at(&p, 1000), 4);
	bc_program_free(&p);
}
END_TEST

static const char small_listing[] =
	"policy      \"Test policy\"\n"
	"version     \"1\"\n"
	"effective   2024-01\n"
	"source      \"rules/test.vroeg\"\n"
	"sha256      00070e151c232a31383f464d545b626970777e858c939aa1a8afb6bdc4cbd2d9\n"
	"lookback    6 months\n"
	"floor       fn 0 arrears_floor\n"
	"decision    fn 2\n"
	"\n"
	"constants (21)\n"
	"     0  \"letter\"\n"
	"     1  10000\n"
	"     2  \"legal person\"\n"
	"     3  1\n"
	"     4  \"Menzis\"\n"
	"     5  \"CZ\"\n"
	"     6  0\n"
	"     7  3\n"
	"     8  \"home_visit\"\n"
	"     9  \"not counted\"\n"
	"    10  \"same signal as last month\"\n"
	"    11  \"match\"\n"
	"    12  \"multiplicity\"\n"
	"    13  \"multiple\"\n"
	"    14  \"single\"\n"
	"    15  \"declined recently\"\n"
	"    16  50000\n"
	"    17  2\n"
	"    18  \"recidive\"\n"
	"    19  \"arrears_floor\"\n"
	"    20  \"Caf\xc3\xa9 \\\"de\\\" \\x01\\xFF\\n\"\n"
	"\n"
	"named numbers (0)\n"
	"\n"
	"buckets (2)\n"
	"     0  letter  line 30  no limit\n"
	"     1  home_visit  line 31  capacity 30  overflow -> letter  order fn 1 desc\n"
	"\n"
	"rules (5)\n"
	"     0  line 3     exclude before counting \"legal person\"\n"
	"     1  line 0     not counted \"not counted\"\n"
	"     2  line 9     exclude \"declined recently\"\n"
	"     3  line 10    bucket -> home_visit\n"
	"     4  line 11    bucket -> letter\n"
	"\n"
	"labels (0)\n"
	"\n"
	"skips      none\n"
	"definitions none\n"
	"\n"
	"fn 0 (signal, yes/no) arrears_floor\n"
	"  0000  SFIELD        arrears                           ; line 3\n"
	"  0003  CONST         10000\n"
	"  0006  GE\n"
	"  0007  JUMP_IF_TRUE  -> 0019\n"
	"  0010  SFIELD        creditor                          ; line 4\n"
	"  0013  IN_TEXT       {\"Menzis\", \"CZ\"}\n"
	"  0018  RETURN\n"
	"  0019  CONST         1\n"
	"  0022  RETURN\n"
	"\n"
	"fn 1 (household, money) order key of home_visit\n"
	"  0000  HFACT         arrears\n"
	"  0003  RETURN\n"
	"\n"
	"fn 2 (decision, yes/no) decision\n"
	"  0000  ANY           fn 0 arrears_floor, counted, months 0..0 ; line 10\n"
	"  0009  RULE          rule 3, else -> 0017\n"
	"  0014  DECIDE        rule 3 -> home_visit\n"
	"  0017  DECIDE        rule 4 -> letter                  ; line 11\n";

START_TEST(listing_is_stable_and_readable)
{
	bc_program p;
	build(&p, "signal #3 SFIELD 3 CONST 1 GE JUMP_IF_TRUE @y #4 SFIELD 2 IN_TEXT 4 2 RETURN y: CONST 3 RETURN |"
		  "household HFACT 0 RETURN |"
		  "decision #10 ANY 0 0 0 0 RULE 3 @n DECIDE 3 n: #11 DECIDE 4");
	add_const(&p, "arrears_floor", 0);
	add_const(&p, "Caf\xc3\xa9 \"de\" \x01\xff\n", 0);
	p.fns[0].name = 19;
	p.floor_fn = 0;
	p.buckets[1].norder = 1;
	p.buckets[1].order[0] = (bc_order_key){ 1, 1 };
	p.fns[1].type = TY_MONEY;
	capture c;
	cap_open(&c);
	ck_assert_msg(bc_verify(&p, &c.d), "%s", cap_text(&c));
	cap_close(&c);
	char *text = listing(&p);
	ck_assert_str_eq(text, small_listing);
	free(text);
	bc_program_free(&p);
}
END_TEST

START_TEST(listing_shows_every_opcode_by_meaning)
{
	bc_program p;
	sink(&p);
	char *text = listing(&p);
	for (int op = 0; op < BC_OP_COUNT; op++) {
		char want[32];
		snprintf(want, sizeof want, "  %s", bc_ops[op].name);
		ck_assert_msg(strstr(text, want), "%s missing", bc_ops[op].name);
	}
	static const char *const shown[] = {
		"fn 0 (signal, yes/no) floor\n",
		"fn 1 (signal, yes/no) skip of rule 5\n",
		"fn 5 (household, yes/no) match\n",
		"fn 7 (household, text) label multiplicity\n",
		"fn 8 (household, money) order key of home_visit\n",
		"fn 9 (decision, yes/no) decision\n",
		"SAME          creditor, floor, months 1..1",
		"IN_SET        {0, 3}",
		"DISTINCT      creditor, every signal, counted, months 0..0",
		"COUNT         every signal, counted, months 1..6",
		"MAX           arrears, fn 3, counted, months 0..6",
		"OANY          fn 4, months 1..3",
		"OCOUNT        every outcome, months 1..6",
		"SECTOR_TOTAL  rent",
		"HFACT         arrears",
		"OFIELD        signal_id",
		"DEF           fn 5 match",
		"RULE          rule 0, else -> 0017",
		"DECIDE        rule 0 excluded \"legal person\"",
		"DECIDE        rule 3 -> home_visit",
		"; line 10",
		("1  home_visit  line 31  capacity 30 (visits)  overflow -> letter  backfill from letter"
		 "  spread district rotating  order fn 8 desc  backfill order fn 8 asc  within 3 working days\n"),
		"0  letter  line 30  no limit  no follow-up  feedback 2 not_picked_up\n",
		"5  line 4     skipped by fn 1 \"same signal as last month\"  feedback 3 repeat_signal\n",
		"0  line 3     exclude before counting \"legal person\"  feedback 1 wrongly_reported\n",
		"named numbers (2)\n",
		"0  visits  line 2  count 30  capacity of home_visit\n",
		"1  floor  line 3  money EUR 500.00  constant 16\n",
		"16  50000  (floor)\n",
		"0  multiplicity  fn 7\n",
		"skips      rule 5\n",
		"definitions fn 5 match, fn 6 recidive\n",
		"floor       fn 0\n",
	};
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++)
		if (!strstr(text, shown[i])) {
			fputs(text, stderr);
			ck_abort_msg("missing from the listing: %s", shown[i]);
		}
	free(text);
	bc_program_free(&p);
}
END_TEST

START_TEST(free_leaves_an_empty_program)
{
	bc_program p;
	sink(&p);
	bc_program_free(&p);
	bc_program empty;
	memset(&empty, 0, sizeof empty);
	ck_assert(memcmp(&p, &empty, sizeof p) == 0);
	bc_program_free(&p);
	bc_program_free(NULL);
}
END_TEST

Suite *bytecode_suite(void);   /* called by the runner (tests/main.c) */
Suite *bytecode_suite(void)
{
	Suite *s = suite_create("bytecode");
	TCase *t = tcase_create("opcodes");
	tcase_add_test(t, ops_table_follows_the_opcode_list);
	suite_add_tcase(s, t);

	t = tcase_create("verify");
	tcase_add_test(t, program_using_every_opcode_verifies);
	tcase_add_test(t, stack_may_reach_its_limit_but_not_pass_it);
	tcase_add_test(t, functions_nest_at_most_sixteen_deep);
	tcase_add_test(t, function_indexes_stay_below_none);
	tcase_add_loop_test(t, verifier_refuses_broken_programs, 0, NBAD);
	tcase_add_test(t, verifier_accepts_the_repaired_neighbours);
	tcase_add_test(t, tables_at_the_operand_limit_verify);
	suite_add_tcase(s, t);

	t = tcase_create("file");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, file_round_trip_keeps_everything);
	tcase_add_test(t, file_starts_with_magic_version_and_length);
	tcase_add_test(t, loader_names_what_is_wrong);
	tcase_add_test(t, loader_refuses_every_truncation);
	tcase_add_test(t, loader_refuses_every_altered_byte);
	tcase_add_test(t, loader_refuses_hostile_sections);
	tcase_add_test(t, a_format_1_file_is_still_read);
	tcase_add_test(t, named_numbers_that_hold_their_values_verify);
	suite_add_tcase(s, t);

	t = tcase_create("listing");
	tcase_add_test(t, line_at_finds_the_last_line_at_or_before);
	tcase_add_test(t, listing_is_stable_and_readable);
	tcase_add_test(t, listing_shows_every_opcode_by_meaning);
	tcase_add_test(t, free_leaves_an_empty_program);
	suite_add_tcase(s, t);
	return s;
}
