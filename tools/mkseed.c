/* mkseed.c - writes the seed corpus of the .vrb loader's fuzz target: a few
 * small programs built by hand (a minimal one, one shaped like field policy
 * P2, one using every opcode), each verified, then written with bc_write.
 * Usage: mkseed DIR (fuzz/corpus/loader). Code is written in the assembly of
 * tests/check_bytecode.c: opcode names, numbers, `none`, `@label`, `label:`,
 * `#line`, and `|` between functions, each starting with its kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "bytecode.h"
#include "fields.h"

static void die(const char *what)
{
	fprintf(stderr, "mkseed: %s\n", what);
	exit(EXIT_FAILURE);
}

static void *grow(void *a, uint32_t n, size_t size)
{
	void *b = realloc(a, ((size_t)n + 1) * size);
	if (!b)
		die("out of memory");
	return b;
}

static char *dup(const char *s)
{
	char *t = strdup(s);
	if (!t)
		die("out of memory");
	return t;
}

static void consts(bc_program *p, const char *const *texts, const int64_t *nums, uint32_t n)
{
	p->consts = calloc(n, sizeof *p->consts);
	if (!p->consts)
		die("out of memory");
	for (uint32_t i = 0; i < n; i++)
		p->consts[i] = (bc_const){ nums[i], texts[i] ? dup(texts[i]) : NULL };
	p->nconsts = n;
}

static void bucket(bc_program *p, uint32_t name, int64_t capacity, int32_t overflow, int32_t without_phone)
{
	p->buckets = grow(p->buckets, p->nbuckets, sizeof *p->buckets);
	p->buckets[p->nbuckets++] = (bc_bucket){
		.name = name, .line = 20 + p->nbuckets, .capacity = capacity, .overflow = overflow,
		.without_phone = without_phone, .without_email = -1, .backfill_from = -1,
	};
}

static void rule(bc_program *p, enum bc_rule_kind kind, int32_t bucket_index, uint32_t reason, uint16_t fn)
{
	p->rules = grow(p->rules, p->nrules, sizeof *p->rules);
	p->rules[p->nrules] = (bc_rule){ (uint8_t)kind, 3 + p->nrules, bucket_index, reason, fn, 0 };
	p->nrules++;
}

static void add_u16(uint16_t **a, uint32_t *n, uint16_t x)
{
	*a = grow(*a, *n, sizeof **a);
	(*a)[(*n)++] = x;
}

static void emit(bc_program *p, unsigned b)
{
	p->code = grow(p->code, p->ncode, 1);
	p->code[p->ncode++] = (uint8_t)b;
}

typedef struct label {
	char name[16];
	uint32_t at;
} label;

static void assemble(bc_program *p, const char *src)
{
	static const char *const kinds[] = { "decision", "signal", "outcome", "household" };
	label defs[32], uses[32];
	int ndefs = 0, nuses = 0, pending = 0;
	bc_function *f = NULL;
	for (const char *s = src;;) {
		while (*s == ' ')
			s++;
		const char *t = s;
		if (*s == '|')
			s++;
		else
			while (*s && *s != ' ' && *s != '|')
				s++;
		const size_t n = (size_t)(s - t);
		if ((n == 0 || *t == '|') && f) {
			f->len = p->ncode - f->start;
			for (int u = 0; u < nuses; u++) {
				int d = 0;
				while (d < ndefs && strcmp(defs[d].name, uses[u].name) != 0)
					d++;
				if (d == ndefs)
					die("undefined label");
				p->code[uses[u].at] = (uint8_t)defs[d].at;
				p->code[uses[u].at + 1] = (uint8_t)(defs[d].at >> 8);
			}
			f = NULL;
			ndefs = nuses = 0;
		}
		if (n == 0)
			break;
		if (*t == '|')
			continue;
		if (n >= 16)
			die("token too long");
		if (pending > 0) {
			unsigned x = 0;
			if (n == 4 && memcmp(t, "none", 4) == 0)
				x = BC_NONE;
			else if (*t == '@' && nuses < 32) {
				memcpy(uses[nuses].name, t + 1, n - 1);
				uses[nuses].name[n - 1] = '\0';
				uses[nuses++].at = p->ncode;
			} else
				x = (unsigned)strtoul(t, NULL, 10);
			emit(p, x & 0xFF);
			emit(p, x >> 8);
			pending--;
		} else if (*t == '#') {
			p->lines = grow(p->lines, p->nlines, sizeof *p->lines);
			p->lines[p->nlines++] = (bc_line){ p->ncode, (uint32_t)strtoul(t + 1, NULL, 10) };
		} else if (t[n - 1] == ':' && f && ndefs < 32) {
			memcpy(defs[ndefs].name, t, n - 1);
			defs[ndefs].name[n - 1] = '\0';
			defs[ndefs++].at = p->ncode - f->start;
		} else if (!f) {
			int k = 0;
			while (k < 4 && !(strlen(kinds[k]) == n && memcmp(kinds[k], t, n) == 0))
				k++;
			if (k == 4)
				die("expected a function kind");
			p->fns = grow(p->fns, p->nfns, sizeof *p->fns);
			f = &p->fns[p->nfns];
			*f = (bc_function){ (uint8_t)k, TY_BOOL, p->ncode, 0, 0, BC_NONE };
			if (k == FN_DECISION)
				p->decision_fn = (uint16_t)p->nfns;
			p->nfns++;
		} else {
			int op = 0;
			while (op < BC_OP_COUNT && !(strlen(bc_ops[op].name) == n && memcmp(bc_ops[op].name, t, n) == 0))
				op++;
			if (op == BC_OP_COUNT)
				die("unknown opcode");
			emit(p, (unsigned)op);
			pending = bc_ops[op].operands;
		}
	}
}

static void header(bc_program *p, const char *name, const char *source)
{
	memset(p, 0, sizeof *p);
	p->policy_name = dup(name);
	p->policy_version = dup("1");
	p->source_name = dup(source);
	p->effective = 2024 * 12;
	for (int i = 0; i < 32; i++)
		p->source_sha256[i] = (uint8_t)(0xA5 ^ i);
	p->floor_fn = BC_NONE;
}

static void minimal(bc_program *p)
{
	header(p, "Everyone gets a letter", "rules/minimal.vroeg");
	p->effective = -1;
	const char *const texts[] = { "letter" };
	const int64_t nums[] = { 0 };
	consts(p, texts, nums, 1);
	bucket(p, 0, -1, -1, -1);
	rule(p, RULE_BUCKET, 0, 0, 0);
	assemble(p, "decision #3 DECIDE 0");
}

/* Field policy P2: crisis queue, capacity overflow, a phone redirect. */
static void p2(bc_program *p)
{
	header(p, "Crisis queue and capacity overflow", "rules/p2.vroeg");
	p->lookback = 6;
	const char *const texts[] = {
		"crisis", "already_known", "register_check", "home_visit", "phone", "letter", "mail",
		"legal person", "not counted", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		"match", "single", "recidive", NULL, NULL,
	};
	const int64_t nums[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, SECTOR_WATER, LEGAL_LEGAL, KIND_EVICTION,
		KIND_END_OF_SUPPLY, 0, 50000, 30000, 0, 0, 0, 1, 2,
	};
	consts(p, texts, nums, sizeof nums / sizeof nums[0]);
	bucket(p, 0, -1, -1, -1);
	bucket(p, 1, -1, -1, -1);
	bucket(p, 2, -1, -1, -1);
	bucket(p, 3, 30, 6, -1);
	bucket(p, 4, 50, 5, 6);
	bucket(p, 5, -1, -1, -1);
	bucket(p, 6, -1, -1, -1);
	p->buckets[3].norder = 1;
	p->buckets[3].order[0] = (bc_order_key){ 8, 1 };
	rule(p, RULE_EXCLUDE_BEFORE, -1, 7, 0);
	rule(p, RULE_NOT_COUNTED, -1, 8, 0);
	for (int32_t b = 0; b <= 5; b++)   /* rules 2..7: crisis .. letter */
		rule(p, RULE_BUCKET, b, 0, 0);
	assemble(p,
		 "signal #4 SFIELD 3 CONST 9 GE JUMP_IF_TRUE @y SFIELD 0 CONST 10 EQ RETURN y: CONST 20 RETURN |"
		 "signal #3 SFIELD 7 CONST 11 EQ RETURN |"
		 "signal #8 SFIELD 1 IN_SET 12 2 RETURN |"
		 "signal #9 SFIELD 13 CONST 20 EQ RETURN |"
		 "signal #10 SFIELD 12 CONST 14 EQ RETURN |"
		 "household #1 DISTINCT 2 none 0 0 0 CONST 21 GE RETURN |"
		 "household #1 DISTINCT 2 none 0 0 0 CONST 20 EQ RETURN |"
		 "household #1 COUNT none 0 1 6 CONST 20 GE RETURN |"
		 "household #24 HFACT 0 RETURN |"
		 "decision #3 ANY 1 1 0 0 RULE 0 @a DECIDE 0"
		 " a: COUNTED #8 ANY 2 0 0 0 RULE 2 @b DECIDE 2"
		 " b: #9 ANY 3 0 0 0 RULE 3 @c DECIDE 3"
		 " c: #10 ANY 4 0 0 0 RULE 4 @d DECIDE 4"
		 " d: #11 DEF 5 JUMP_IF_TRUE @t DEF 6 JUMP_IF_FALSE @f DEF 7 JUMP_IF_FALSE @f"
		 "    HFACT 0 CONST 15 GT JUMP @e f: CONST 14 JUMP @e t: CONST 20 e: RULE 5 @g DECIDE 5"
		 " g: #13 HFACT 0 CONST 16 GT RULE 6 @o DECIDE 6"
		 " o: #14 DECIDE 7");
	p->floor_fn = 0;
	p->fns[5].name = 17;
	p->fns[6].name = 18;
	p->fns[7].name = 19;
	p->fns[8].type = TY_MONEY;
	for (uint16_t f = 5; f <= 7; f++)
		add_u16(&p->defs, &p->ndefs, f);
}

/* Every opcode, a skip, a label and back-fill (as in tests/check_bytecode.c). */
static void every_op(bc_program *p)
{
	header(p, "Every opcode \xe2\x80\x94 \"all\"", "rules/every_op.vroeg");
	p->lookback = 6;
	const char *const texts[] = {
		"letter", NULL, "legal person", NULL, "Menzis", "CZ", NULL, NULL, "home_visit",
		"not counted", "same signal as last month", "match", "multiplicity", "multiple",
		"single", "declined recently", NULL, NULL, "recidive",
	};
	const int64_t nums[] = { 0, 10000, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 50000, 2, 0 };
	consts(p, texts, nums, sizeof nums / sizeof nums[0]);
	bucket(p, 0, -1, -1, -1);
	bucket(p, 8, 30, 0, -1);
	rule(p, RULE_EXCLUDE_BEFORE, -1, 2, 0);
	rule(p, RULE_NOT_COUNTED, -1, 9, 0);
	rule(p, RULE_EXCLUDE, -1, 15, 0);
	rule(p, RULE_BUCKET, 1, 0, 0);
	rule(p, RULE_BUCKET, 0, 0, 0);
	rule(p, RULE_SKIPPED, -1, 10, 1);
	assemble(p,
		 "signal #3 SFIELD 3 CONST 1 GE JUMP_IF_TRUE @y SFIELD 0 IN_SET 6 2 JUMP @e y: CONST 3 e: RETURN |"
		 "signal #4 SAME 2 2 1 1 RETURN |"
		 "signal #5 SFIELD 7 CONST 3 EQ RETURN |"
		 "signal #6 SFIELD 2 IN_TEXT 4 2 JUMP_IF_FALSE @n SFIELD 9 CONST 4 NE_TEXT RETURN"
		 " n: SFIELD 2 CONST 5 EQ_TEXT RETURN |"
		 "outcome #7 OFIELD 0 CONST 7 NE JUMP_IF_TRUE @x OFIELD 1 IS_MISSING RETURN x: OFIELD 0 CONST 6 LT RETURN |"
		 "household #1 DISTINCT 2 none 0 0 0 CONST 17 GE RETURN |"
		 "household #2 COUNT none 0 1 6 CONST 3 GE RETURN |"
		 "household #20 DEF 5 JUMP_IF_FALSE @s CONST 13 JUMP @e s: CONST 14 e: RETURN |"
		 "household #15 HFACT 0 RETURN |"
		 "decision #8 ANY 2 1 0 0 RULE 0 @r1 DECIDE 0"
		 " r1: COUNTED #9 OANY 4 1 3 RULE 2 @r3 DECIDE 2"
		 " r3: #10 DEF 5 JUMP_IF_TRUE @t HFACT 0 SECTOR_TOTAL 0 CONST 16 BETWEEN JUMP_IF_TRUE @t"
		 " SUM 3 none 0 0 0 MAX 3 3 0 0 6 LE JUMP_IF_TRUE @t MIN 8 none 1 0 0 IS_MISSING JUMP_IF_TRUE @t"
		 " ALL 3 0 0 0 OALL 4 1 6 EQ JUMP_IF_TRUE @t OCOUNT none 1 6 CONST 6 GT JUMP_IF_TRUE @t"
		 " DEF 6 NOT JUMP @c t: CONST 3 c: RULE 3 @r4 DECIDE 3 r4: #11 DECIDE 4");
	p->floor_fn = 0;
	p->fns[5].name = 11;
	p->fns[6].name = 18;
	p->fns[7].type = TY_TEXT;
	p->fns[8].type = TY_MONEY;
	add_u16(&p->skips, &p->nskips, 5);
	add_u16(&p->defs, &p->ndefs, 5);
	add_u16(&p->defs, &p->ndefs, 6);
	p->labels = grow(p->labels, 0, sizeof *p->labels);
	p->labels[p->nlabels++] = (bc_label){ 12, 7 };
	bc_bucket *hv = &p->buckets[1];
	hv->norder = 1;
	hv->order[0] = (bc_order_key){ 8, 1 };
	hv->backfill_from = 0;
	hv->nbackfill_order = 1;
	hv->backfill_order[0] = (bc_order_key){ 8, 0 };
	hv->spread = SPREAD_DISTRICT;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: mkseed DIR\n", stderr);
		return 2;
	}
	static const struct { const char *file; void (*build)(bc_program *); } seeds[] = {
		{ "minimal.vrb", minimal },
		{ "p2.vrb", p2 },
		{ "every_op.vrb", every_op },
	};
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		bc_program p;
		seeds[i].build(&p);
		diag d;
		diag_init(&d, stderr);
		if (!bc_verify(&p, &d))
			die(seeds[i].file);
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", argv[1], seeds[i].file);
		FILE *f = fopen(path, "wb");
		if (!f || !bc_write(&p, f) || fclose(f) != 0)
			die(path);
		bc_program_free(&p);
	}
	return EXIT_SUCCESS;
}
