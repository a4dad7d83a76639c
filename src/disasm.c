/* disasm.c - the listing of a compiled program: header, constants (a named
 * number's own marked), named numbers, buckets (with their contact terms
 * and feedback codes), rules, labels, then every function instruction by
 * instruction, with operands
 * shown by meaning (constants by value, fields by name, windows in months) and
 * source lines. Meant for a program bc_verify accepted, yet never reads outside
 * its arrays whatever it is given. Text is printed escaped (\", \\, \n, \xNN for
 * control bytes and invalid UTF-8), so any constant prints on one line. */
#include "bytecode.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "calendar.h"
#include "fields.h"
#include "types.h"

enum { COMMENT_COLUMN = 56 };

/* Length of the valid UTF-8 sequence of 2 to 4 bytes at S, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n;
	uint32_t c;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		c = s[0] & 0x1Fu;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		c = s[0] & 0x0Fu;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		c = s[0] & 0x07u;
	} else {
		return 0;
	}
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;   /* also stops at the NUL */
		c = c << 6 | (s[i] & 0x3Fu);
	}
	static const uint32_t least[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (c < least[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return n;
}

/* Prints S quoted and escaped; returns the characters printed. */
static int put_text(FILE *out, const char *s)
{
	int w = 0;
	fputc('"', out);
	w++;
	const unsigned char *u = (const unsigned char *)s;
	while (*u) {
		int n;
		if (*u == '"' || *u == '\\') {
			w += fprintf(out, "\\%c", *u);
			u++;
		} else if (*u == '\n') {
			w += fprintf(out, "\\n");
			u++;
		} else if (*u == '\t') {
			w += fprintf(out, "\\t");
			u++;
		} else if (*u < 0x20 || *u == 0x7F) {
			w += fprintf(out, "\\x%02X", *u);
			u++;
		} else if (*u < 0x80) {
			fputc(*u++, out);
			w++;
		} else if ((n = utf8_len(u)) > 0) {
			fwrite(u, 1, (size_t)n, out);
			u += n;
			w++;
		} else {
			w += fprintf(out, "\\x%02X", *u);
			u++;
		}
	}
	fputc('"', out);
	return w + 1;
}

/* A name (bucket, label, definition): bare when it is a plain word. */
static int put_name(FILE *out, const char *s)
{
	bool plain = s[0] != '\0';
	for (const char *c = s; *c && plain; c++)
		plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || *c == '_' || *c == '-' || *c == '.';
	if (!plain)
		return put_text(out, s);
	fputs(s, out);
	return (int)strlen(s);
}

static int put_const(FILE *out, const bc_program *p, uint32_t c)
{
	if (c >= p->nconsts)
		return fprintf(out, "?%" PRIu32, c);
	if (p->consts[c].text)
		return put_text(out, p->consts[c].text);
	return fprintf(out, "%" PRId64, p->consts[c].num);
}

/* The text constant C as a name, or "#C" when it is not one. */
static int put_const_name(FILE *out, const bc_program *p, uint32_t c)
{
	if (c < p->nconsts && p->consts[c].text)
		return put_name(out, p->consts[c].text);
	return fprintf(out, "#%" PRIu32, c);
}

static int put_bucket(FILE *out, const bc_program *p, int64_t b)
{
	if (b < 0 || (uint64_t)b >= p->nbuckets)
		return fprintf(out, "?%" PRId64, b);
	return put_const_name(out, p, p->buckets[b].name);
}

static const char *kind_name(unsigned kind)
{
	switch ((enum bc_fn_kind)kind) {
	case FN_DECISION: return "decision";
	case FN_SIGNAL: return "signal";
	case FN_OUTCOME: return "outcome";
	case FN_HOUSEHOLD: return "household";
	}
	return "?";
}

static const char *type_name(unsigned type)
{
	switch ((enum ast_type)type) {
	case TY_UNKNOWN: return "unknown";
	case TY_BOOL: return "yes/no";
	case TY_MONEY: return "money";
	case TY_COUNT: return "count";
	case TY_DAYS: return "days";
	case TY_YEARS: return "years";
	case TY_FLAG: return "flag";
	case TY_TEXT: return "text";
	case TY_SECTOR: return "sector";
	case TY_KIND: return "kind";
	case TY_LEGAL_FORM: return "legal form";
	case TY_OUTCOME: return "outcome";
	case TY_NUMBER: return "number";
	}
	return "?";
}

static const char *set_name(unsigned set)
{
	switch ((enum bc_signal_set)set) {
	case SET_COUNTED: return "counted";
	case SET_ALL: return "all";
	case SET_FLOOR: return "floor";
	}
	return "?";
}

static const char *rule_kind_name(unsigned kind)
{
	switch ((enum bc_rule_kind)kind) {
	case RULE_EXCLUDE_BEFORE: return "exclude before counting";
	case RULE_NOT_COUNTED: return "not counted";
	case RULE_SKIPPED: return "skipped";
	case RULE_EXCLUDE: return "exclude";
	case RULE_BUCKET: return "bucket";
	}
	return "?";
}

static int put_field(FILE *out, const field_info *table, unsigned n, unsigned f)
{
	if (f >= n)
		return fprintf(out, "?%u", f);
	return fprintf(out, "%s", table[f].name);
}

/* "fn 5 match": a function with its name when it has one. */
static int put_fn(FILE *out, const bc_program *p, unsigned f)
{
	int w = fprintf(out, "fn %u", f);
	if (f < p->nfns && p->fns[f].name != BC_NONE && p->fns[f].name < p->nconsts &&
	    p->consts[p->fns[f].name].text) {
		fputc(' ', out);
		w += 1 + put_name(out, p->consts[p->fns[f].name].text);
	}
	return w;
}

static int put_window(FILE *out, unsigned lo, unsigned hi)
{
	return fprintf(out, "months %u..%u", lo, hi);
}

static void put_header(const bc_program *p, FILE *out)
{
	fputs("policy      ", out);
	put_text(out, p->policy_name ? p->policy_name : "");
	fputs("\nversion     ", out);
	put_text(out, p->policy_version ? p->policy_version : "");
	fputs("\neffective   ", out);
	if (p->effective == -1) {
		fputs("none", out);
	} else if (p->effective >= 1800 * 12 && p->effective <= 9999 * 12 + 11) {
		char month[8];
		vr_month_format(p->effective, month);
		fputs(month, out);
	} else {
		fprintf(out, "?%" PRId32, p->effective);
	}
	fputs("\nsource      ", out);
	put_text(out, p->source_name ? p->source_name : "");
	fputs("\nsha256      ", out);
	for (int i = 0; i < 32; i++)
		fprintf(out, "%02x", p->source_sha256[i]);
	fprintf(out, "\nlookback    %u months\n", p->lookback);
	fputs("floor       ", out);
	if (p->floor_fn == BC_NONE)
		fputs("none (every signal counts)", out);
	else
		put_fn(out, p, p->floor_fn);
	fprintf(out, "\ndecision    fn %u\n", p->decision_fn);
}

static void put_keys(FILE *out, const bc_program *p, const char *what, const bc_order_key *keys, unsigned n)
{
	if (n > BC_MAX_ORDER)
		n = BC_MAX_ORDER;
	if (n == 0)
		return;
	fprintf(out, "  %s", what);
	for (unsigned k = 0; k < n; k++) {
		fputs(k ? ", " : " ", out);
		put_fn(out, p, keys[k].fn);
		fputs(keys[k].descending ? " desc" : " asc", out);
	}
}

/* "feedback 4 already_known", when a code is stated. */
static void put_feedback(FILE *out, unsigned code)
{
	if (code == FEEDBACK_NONE)
		return;
	if (code < FEEDBACK_COUNT)
		fprintf(out, "  feedback %u %s", code, vr_feedback_names[code]);
	else
		fprintf(out, "  feedback ?%u", code);
}

/* Named number I by name, or "?I". */
static void put_param(FILE *out, const bc_program *p, uint32_t i)
{
	if (i < p->nparams)
		put_const_name(out, p, p->params[i].name);
	else
		fprintf(out, "?%" PRIu32, i);
}

/* Named numbers: name, kind, value, the constant the code reads. */
static void put_params(const bc_program *p, FILE *out)
{
	fprintf(out, "\nnamed numbers (%" PRIu32 ")\n", p->nparams);
	for (uint32_t i = 0; i < p->nparams; i++) {
		const bc_param *q = &p->params[i];
		fprintf(out, "  %4" PRIu32 "  ", i);
		put_param(out, p, i);
		fprintf(out, "  line %" PRIu32 "  %s ", q->line, type_name(q->kind));
		if (q->kind == TY_MONEY) {
			char euros[24];
			vr_cents_format(q->value, euros);
			fprintf(out, "EUR %s", euros);
		} else {
			fprintf(out, "%" PRId64, q->value);
		}
		if (q->konst != BC_NONE)
			fprintf(out, "  constant %" PRIu32, q->konst);
		for (uint32_t b = 0; b < p->nbuckets; b++)
			if (p->buckets[b].capacity_param == i + 1) {
				fputs("  capacity of ", out);
				put_bucket(out, p, b);
			}
		fputc('\n', out);
	}
}

static void put_buckets(const bc_program *p, FILE *out)
{
	fprintf(out, "\nbuckets (%" PRIu32 ")\n", p->nbuckets);
	for (uint32_t i = 0; i < p->nbuckets; i++) {
		const bc_bucket *b = &p->buckets[i];
		fprintf(out, "  %4" PRIu32 "  ", i);
		put_const_name(out, p, b->name);
		fprintf(out, "  line %" PRIu32, b->line);
		if (b->capacity < 0)
			fputs("  no limit", out);
		else
			fprintf(out, "  capacity %" PRId64, b->capacity);
		if (b->capacity_param) {
			fputs(" (", out);
			put_param(out, p, b->capacity_param - 1u);
			fputc(')', out);
		}
		const struct { const char *what; int32_t to; } edges[] = {
			{ "overflow -> ", b->overflow },
			{ "without phone -> ", b->without_phone },
			{ "without email -> ", b->without_email },
			{ "backfill from ", b->backfill_from },
		};
		for (size_t e = 0; e < sizeof edges / sizeof edges[0]; e++) {
			if (edges[e].to == -1)
				continue;
			fprintf(out, "  %s", edges[e].what);
			put_bucket(out, p, edges[e].to);
		}
		if (b->spread == SPREAD_DISTRICT)
			fputs("  spread district", out);
		else if (b->spread == SPREAD_DISTRICT_ROTATING)
			fputs("  spread district rotating", out);
		else if (b->spread != SPREAD_NONE)
			fprintf(out, "  spread ?%u", b->spread);
		put_keys(out, p, "order", b->order, b->norder);
		put_keys(out, p, "backfill order", b->backfill_order, b->nbackfill_order);
		if (b->no_follow_up)
			fputs("  no follow-up", out);
		if (b->term_unit > CAL_NONE && b->term_unit < CAL_UNIT_COUNT)
			fprintf(out, "  within %u %s", b->term, cal_unit_words((enum cal_unit)b->term_unit, b->term));
		else if (b->term_unit != CAL_NONE)
			fprintf(out, "  within ?%u", b->term_unit);
		put_feedback(out, b->feedback);
		fputc('\n', out);
	}
}

static void put_rules(const bc_program *p, FILE *out)
{
	fprintf(out, "\nrules (%" PRIu32 ")\n", p->nrules);
	for (uint32_t i = 0; i < p->nrules; i++) {
		const bc_rule *r = &p->rules[i];
		fprintf(out, "  %4" PRIu32 "  line %-5" PRIu32 " %s", i, r->line, rule_kind_name(r->kind));
		if (r->kind == RULE_BUCKET) {
			fputs(" -> ", out);
			put_bucket(out, p, r->bucket);
		} else {
			if (r->kind == RULE_SKIPPED) {
				fputs(" by ", out);
				put_fn(out, p, r->fn);
			}
			fputc(' ', out);
			put_const(out, p, r->reason);
			if (r->kind == RULE_SKIPPED && r->bucket >= 0) {
				fputs(" -> ", out);
				put_bucket(out, p, r->bucket);
			}
		}
		put_feedback(out, r->feedback);
		fputc('\n', out);
	}
}

static void put_tables(const bc_program *p, FILE *out)
{
	fprintf(out, "\nconstants (%" PRIu32 ")\n", p->nconsts);
	/* A named number's own constant says whose it is. */
	uint32_t *owner = calloc((size_t)p->nconsts + 1, sizeof *owner);
	for (uint32_t i = 0; owner && i < p->nparams; i++)
		if (p->params[i].konst < p->nconsts)
			owner[p->params[i].konst] = i + 1;
	for (uint32_t i = 0; i < p->nconsts; i++) {
		fprintf(out, "  %4" PRIu32 "  ", i);
		put_const(out, p, i);
		if (owner && owner[i]) {
			fputs("  (", out);
			put_param(out, p, owner[i] - 1);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	free(owner);
	put_params(p, out);
	put_buckets(p, out);
	put_rules(p, out);
	fprintf(out, "\nlabels (%" PRIu32 ")\n", p->nlabels);
	for (uint32_t i = 0; i < p->nlabels; i++) {
		fprintf(out, "  %4" PRIu32 "  ", i);
		put_const_name(out, p, p->labels[i].name);
		fputs("  ", out);
		put_fn(out, p, p->labels[i].fn);
		fputc('\n', out);
	}
	fputs("\nskips      ", out);
	if (p->nskips == 0)
		fputs("none", out);
	for (uint32_t i = 0; i < p->nskips; i++)
		fprintf(out, "%srule %u", i ? ", " : "", p->skips[i]);
	fputs("\ndefinitions ", out);
	if (p->ndefs == 0)
		fputs("none", out);
	for (uint32_t i = 0; i < p->ndefs; i++) {
		fputs(i ? ", " : "", out);
		put_fn(out, p, p->defs[i]);
	}
	fputc('\n', out);
}

/* A function's first use in the tables, to say what it is for. */
typedef struct role {
	enum { R_NONE, R_SKIP, R_LABEL, R_ORDER, R_BACKFILL_ORDER } what;
	uint32_t index;   /* the rule, label or bucket */
} role;

static void set_role(role *roles, const bc_program *p, uint32_t f, int what, uint32_t index)
{
	if (f < p->nfns && roles[f].what == R_NONE) {
		roles[f].what = what;
		roles[f].index = index;
	}
}

/* Every function's role in one pass over the tables, so a listing stays
 * linear in the program's size. NULL when memory runs out (no roles shown). */
static role *find_roles(const bc_program *p)
{
	role *roles = calloc(p->nfns ? p->nfns : 1, sizeof *roles);
	if (!roles)
		return NULL;
	for (uint32_t r = 0; r < p->nrules; r++)
		if (p->rules[r].kind == RULE_SKIPPED)
			set_role(roles, p, p->rules[r].fn, R_SKIP, r);
	for (uint32_t l = 0; l < p->nlabels; l++)
		set_role(roles, p, p->labels[l].fn, R_LABEL, l);
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		const bc_bucket *k = &p->buckets[b];
		for (unsigned i = 0; i < k->norder && i < BC_MAX_ORDER; i++)
			set_role(roles, p, k->order[i].fn, R_ORDER, b);
		for (unsigned i = 0; i < k->nbackfill_order && i < BC_MAX_ORDER; i++)
			set_role(roles, p, k->backfill_order[i].fn, R_BACKFILL_ORDER, b);
	}
	return roles;
}

/* What function F is for: its name, or else its use. */
static void put_role(FILE *out, const bc_program *p, uint32_t f, const role *roles)
{
	const bc_function *fn = &p->fns[f];
	if (fn->name != BC_NONE && fn->name < p->nconsts && p->consts[fn->name].text) {
		fputc(' ', out);
		put_name(out, p->consts[fn->name].text);
		return;
	}
	if (f == p->decision_fn && fn->kind == FN_DECISION) {
		fputs(" decision", out);
		return;
	}
	if (f == p->floor_fn) {
		fputs(" floor", out);
		return;
	}
	if (!roles)
		return;
	const uint32_t i = roles[f].index;
	switch (roles[f].what) {
	case R_NONE:
		break;
	case R_SKIP:
		fprintf(out, " skip of rule %" PRIu32, i);
		break;
	case R_LABEL:
		fputs(" label ", out);
		put_const_name(out, p, p->labels[i].name);
		break;
	case R_ORDER:
		fputs(" order key of ", out);
		put_const_name(out, p, p->buckets[i].name);
		break;
	case R_BACKFILL_ORDER:
		fputs(" backfill order key of ", out);
		put_const_name(out, p, p->buckets[i].name);
		break;
	}
}

/* The operands of the instruction whose operands are O, by meaning. */
static int put_operands(FILE *out, const bc_program *p, enum bc_op op, const uint16_t *o)
{
	int w = 0;
	switch (op) {
	case BC_CONST:
		return put_const(out, p, o[0]);
	case BC_SFIELD:
		return put_field(out, fields_signal, SF_COUNT, o[0]);
	case BC_OFIELD:
		return put_field(out, fields_outcome, OF_COUNT, o[0]);
	case BC_HFACT:
		return put_field(out, fields_household, HF_COUNT, o[0]);
	case BC_SECTOR_TOTAL:
		if (o[0] < SECTOR_COUNT)
			return fprintf(out, "%s", vr_sector_names[o[0]]);
		return fprintf(out, "?%u", o[0]);
	case BC_DEF:
		return put_fn(out, p, o[0]);
	case BC_IN_SET:
	case BC_IN_TEXT:
		w += fprintf(out, "{");
		for (uint32_t c = o[0]; c < (uint32_t)o[0] + o[1]; c++) {
			w += fprintf(out, "%s", c > o[0] ? ", " : "");
			w += put_const(out, p, c);
		}
		return w + fprintf(out, "}");
	case BC_JUMP:
	case BC_JUMP_IF_FALSE:
	case BC_JUMP_IF_TRUE:
		return fprintf(out, "-> %04u", o[0]);
	case BC_ANY:
	case BC_ALL:
	case BC_COUNT:
		w += o[0] == BC_NONE ? fprintf(out, "every signal") : put_fn(out, p, o[0]);
		w += fprintf(out, ", %s, ", set_name(o[1]));
		return w + put_window(out, o[2], o[3]);
	case BC_DISTINCT:
	case BC_SUM:
	case BC_MAX:
	case BC_MIN:
		w += put_field(out, fields_signal, SF_COUNT, o[0]);
		w += fprintf(out, ", ");
		w += o[1] == BC_NONE ? fprintf(out, "every signal") : put_fn(out, p, o[1]);
		w += fprintf(out, ", %s, ", set_name(o[2]));
		return w + put_window(out, o[3], o[4]);
	case BC_OANY:
	case BC_OALL:
	case BC_OCOUNT:
		w += o[0] == BC_NONE ? fprintf(out, "every outcome") : put_fn(out, p, o[0]);
		w += fprintf(out, ", ");
		return w + put_window(out, o[1], o[2]);
	case BC_SAME:
		w += put_field(out, fields_signal, SF_COUNT, o[0]);
		w += fprintf(out, ", %s, ", set_name(o[1]));
		return w + put_window(out, o[2], o[3]);
	case BC_RULE:
		return fprintf(out, "rule %u, else -> %04u", o[0], o[1]);
	case BC_DECIDE:
		w += fprintf(out, "rule %u", o[0]);
		if (o[0] < p->nrules && p->rules[o[0]].kind == RULE_BUCKET) {
			w += fprintf(out, " -> ");
			w += put_bucket(out, p, p->rules[o[0]].bucket);
		} else if (o[0] < p->nrules) {
			w += fprintf(out, " excluded ");
			w += put_const(out, p, p->rules[o[0]].reason);
		}
		return w;
	case BC_NOT: case BC_EQ: case BC_NE: case BC_LT: case BC_LE: case BC_GT: case BC_GE:
	case BC_EQ_TEXT: case BC_NE_TEXT: case BC_BETWEEN: case BC_IS_MISSING:
	case BC_RETURN: case BC_COUNTED:
		return 0;
	case BC_OP_COUNT:
		break;
	}
	return 0;
}

/* The source line of offset ABS in F: the last line entry at or before it,
 * unless that entry belongs to code before F (then 0, unknown). */
static uint32_t line_in(const bc_program *p, const bc_function *f, uint32_t abs)
{
	uint32_t lo = 0, hi = p->nlines;
	while (lo < hi) {
		const uint32_t mid = lo + (hi - lo) / 2;
		if (p->lines[mid].pc <= abs)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && p->lines[lo - 1].pc >= f->start ? p->lines[lo - 1].line : 0;
}

static void put_function(const bc_program *p, FILE *out, uint32_t i, const role *roles)
{
	const bc_function *f = &p->fns[i];
	fprintf(out, "\nfn %" PRIu32 " (%s, %s)", i, kind_name(f->kind), type_name(f->type));
	put_role(out, p, i, roles);
	fputc('\n', out);
	if (f->start > p->ncode || f->len > p->ncode - f->start) {
		fputs("  (its code lies outside the program)\n", out);
		return;
	}
	uint32_t shown = 0;
	for (uint32_t pc = 0; pc < f->len;) {
		const uint32_t abs = f->start + pc;
		const uint8_t op = p->code[abs];
		int w = fprintf(out, "  %04" PRIu32 "  ", pc);
		if (op >= BC_OP_COUNT) {
			fprintf(out, "?%u\n", op);
			return;
		}
		const uint32_t size = 1 + 2 * (uint32_t)bc_ops[op].operands;
		if (size > f->len - pc) {
			fprintf(out, "%s (operands cut off)\n", bc_ops[op].name);
			return;
		}
		uint16_t o[5] = { 0 };
		for (int k = 0; k < bc_ops[op].operands; k++)
			o[k] = bc_operand(p->code, abs + 1 + 2 * (uint32_t)k);
		w += fprintf(out, bc_ops[op].operands ? "%-14s" : "%s", bc_ops[op].name);
		w += put_operands(out, p, (enum bc_op)op, o);
		const uint32_t line = line_in(p, f, abs);
		if (line != 0 && line != shown) {
			fprintf(out, "%*s; line %" PRIu32, w < COMMENT_COLUMN ? COMMENT_COLUMN - w : 1, "", line);
			shown = line;
		}
		fputc('\n', out);
		pc += size;
	}
}

void bc_disasm(const bc_program *p, FILE *out)
{
	put_header(p, out);
	put_tables(p, out);
	role *roles = find_roles(p);
	for (uint32_t i = 0; i < p->nfns; i++)
		put_function(p, out, i, roles);
	free(roles);
}
