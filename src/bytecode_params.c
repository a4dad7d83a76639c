/* bytecode_params.c - named numbers in a compiled program (bytecode.h): find
 * one by name, read a value as the language writes it, and change it
 * everywhere it is used; and a program's copy, for a sweep that gives each
 * variant its own values. The program stays as bc_verify accepted it: the
 * named number's own constant and the capacities it gives change together,
 * and a value is re-checked against the named number's kind first. */
#include "bytecode.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "types.h"

int bc_param_find(const bc_program *p, const char *name)
{
	for (uint32_t i = 0; i < p->nparams; i++)
		if (strcmp(p->consts[p->params[i].name].text, name) == 0)
			return (int)i;
	return -1;
}

static const char *param_name(const bc_program *p, uint32_t i)
{
	return p->consts[p->params[i].name].text;
}

/* Whether named number I is some bucket's capacity. */
static bool is_capacity(const bc_program *p, uint32_t i)
{
	for (uint32_t b = 0; b < p->nbuckets; b++)
		if (p->buckets[b].capacity_param == i + 1)
			return true;
	return false;
}

/* Reports that P names no number NAME: with the closest name, or the names. */
static void unknown(const bc_program *p, const char *name, diag *d)
{
	if (p->nparams == 0) {
		diag_error(d, "--set %s: the policy names no numbers (a policy names one with "
			   "`define NAME = NUMBER`)", name);
		return;
	}
	const char **names = malloc(sizeof *names * p->nparams);
	const char *s = NULL;
	if (names) {
		for (uint32_t i = 0; i < p->nparams; i++)
			names[i] = param_name(p, i);
		s = diag_suggest(name, names, p->nparams);
		free(names);
	}
	if (s) {
		diag_error(d, "--set %s: the policy names no number `%s`; did you mean `%s`?", name, name, s);
		return;
	}
	char list[512] = "";
	for (uint32_t i = 0; i < p->nparams; i++) {
		const size_t n = strlen(list);
		if (n + strlen(param_name(p, i)) + 8 >= sizeof list) {
			snprintf(list + n, sizeof list - n, ", ...");
			break;
		}
		snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", param_name(p, i));
	}
	diag_error(d, "--set %s: the policy names no number `%s` (it names: %s)", name, name, list);
}

int bc_param_lookup(const bc_program *p, const char *name, diag *d)
{
	const int i = bc_param_find(p, name);
	if (i < 0)
		unknown(p, name, d);
	return i;
}

/* A whole number 0 .. INT64_MAX, digits only. */
static bool whole(const char *text, int64_t *out)
{
	if (!*text)
		return false;
	int64_t v = 0;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9' || v > (INT64_MAX - (*c - '0')) / 10)
			return false;
		v = v * 10 + (*c - '0');
	}
	*out = v;
	return true;
}

bool bc_param_parse(const bc_program *p, uint32_t i, const char *text, int64_t *value, diag *d)
{
	const bc_param *q = &p->params[i];
	const char *name = param_name(p, i);
	if (q->kind == TY_MONEY) {
		if (vr_cents_parse(text, strlen(text), false, value))
			return true;
		diag_error(d, "--set %s=%s: `%s` is an amount of money: write it as in the policy, "
			   "e.g. 150, 150.50 or \"EUR 150\"", name, text, name);
		return false;
	}
	if (whole(text, value))
		return true;
	diag_error(d, "--set %s=%s: `%s` is %s: write a whole number", name, text, name,
		   is_capacity(p, i) ? "a capacity (a number of households)"
		   : q->kind == TY_NUMBER ? "a whole number" : ast_type_name((enum ast_type)q->kind));
	return false;
}

bool bc_program_set(bc_program *p, const char *name, int64_t value, diag *d)
{
	const int i = bc_param_find(p, name);
	if (i < 0) {
		unknown(p, name, d);
		return false;
	}
	if (value < 0) {
		diag_error(d, "--set %s: %" PRId64 " is below 0; a named number is never negative", name, value);
		return false;
	}
	bc_param *q = &p->params[i];
	q->value = value;
	q->given = 1;
	if (q->konst != BC_NONE)
		p->consts[q->konst].num = value;
	for (uint32_t b = 0; b < p->nbuckets; b++)
		if (p->buckets[b].capacity_param == (uint32_t)i + 1)
			p->buckets[b].capacity = value;
	return true;
}

bool bc_program_set_text(bc_program *p, const char *setting, diag *d)
{
	const char *eq = strchr(setting, '=');
	if (!eq || eq == setting) {
		diag_error(d, "--set `%s`: write NAME=VALUE, e.g. --set floor=150", setting);
		return false;
	}
	char *name = strndup(setting, (size_t)(eq - setting));
	if (!name) {
		diag_error(d, "out of memory");
		return false;
	}
	const int i = bc_param_lookup(p, name, d);
	int64_t value;
	bool ok = i >= 0;
	if (ok)
		ok = bc_param_parse(p, (uint32_t)i, eq + 1, &value, d) && bc_program_set(p, name, value, d);
	free(name);
	return ok;
}

int bc_param_format(const bc_program *p, uint32_t i, char *buf, size_t size)
{
	char value[32];
	bc_param_format_value(p, i, p->params[i].value, value);
	return snprintf(buf, size, "%s=%s", param_name(p, i), value);
}

const char *bc_param_format_value(const bc_program *p, uint32_t i, int64_t value, char buf[32])
{
	if (p->params[i].kind == TY_MONEY)
		vr_cents_format(value, buf);
	else
		snprintf(buf, 32, "%" PRId64, value);
	return buf;
}

/* A malloc'ed copy of the N elements of SIZE bytes at SRC (NULL for none:
 * *OK stays true then). */
static void *dup_array(const void *src, size_t n, size_t size, bool *ok)
{
	if (!src || n == 0)
		return NULL;
	void *p = malloc(n * size);
	if (!p)
		*ok = false;
	else
		memcpy(p, src, n * size);
	return p;
}

static char *dup_text(const char *s, bool *ok)
{
	if (!s)
		return NULL;
	char *p = strdup(s);
	if (!p)
		*ok = false;
	return p;
}

bool bc_program_copy(bc_program *dst, const bc_program *src)
{
	bool ok = true;
	*dst = *src;
	dst->policy_name = dup_text(src->policy_name, &ok);
	dst->policy_version = dup_text(src->policy_version, &ok);
	dst->source_name = dup_text(src->source_name, &ok);
	dst->consts = dup_array(src->consts, src->nconsts, sizeof *src->consts, &ok);
	/* The texts are the copy's own (bc_program_free frees each). */
	for (uint32_t i = 0; dst->consts && i < src->nconsts; i++)
		dst->consts[i].text = dup_text(src->consts[i].text, &ok);
	if (!dst->consts)
		dst->nconsts = 0;
	dst->fns = dup_array(src->fns, src->nfns, sizeof *src->fns, &ok);
	dst->code = dup_array(src->code, src->ncode, sizeof *src->code, &ok);
	dst->lines = dup_array(src->lines, src->nlines, sizeof *src->lines, &ok);
	dst->buckets = dup_array(src->buckets, src->nbuckets, sizeof *src->buckets, &ok);
	dst->rules = dup_array(src->rules, src->nrules, sizeof *src->rules, &ok);
	dst->labels = dup_array(src->labels, src->nlabels, sizeof *src->labels, &ok);
	dst->skips = dup_array(src->skips, src->nskips, sizeof *src->skips, &ok);
	dst->defs = dup_array(src->defs, src->ndefs, sizeof *src->defs, &ok);
	dst->params = dup_array(src->params, src->nparams, sizeof *src->params, &ok);
	if (!ok)
		bc_program_free(dst);
	return ok;
}
