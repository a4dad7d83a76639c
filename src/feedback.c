/* feedback.c - the rules of feedback (contracts in feedback.h): the code a
 * run determines for each current signal, the code and due day the
 * outcomes give, and the file name of a creditor's feedback. Pure
 * functions of their arguments; feedback_batch.c writes and records. */
#include "feedback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"

/* A code the policy states (0: none) for a signal SKIP_RULE took out. */
static uint8_t skip_code(const bc_program *p, uint32_t skip_rule)
{
	return skip_rule == BC_NONE || skip_rule >= p->nrules ? FEEDBACK_NONE : p->rules[skip_rule].feedback;
}

uint8_t feedback_run_code(const bc_program *p, uint32_t rule, int32_t bucket, uint32_t skip_rule)
{
	if (bucket >= 0) {
		const bc_bucket *b = &p->buckets[bucket];
		if (b->feedback)
			return b->feedback;
		if (skip_code(p, skip_rule))
			return skip_code(p, skip_rule);
		return b->no_follow_up ? FEEDBACK_NOT_PICKED_UP : FEEDBACK_NONE;
	}
	const bc_rule *r = &p->rules[rule];
	switch ((enum bc_rule_kind)r->kind) {
	case RULE_EXCLUDE_BEFORE:
		/* Before counting nothing was counted, so no skip took anything out. */
		return r->feedback ? r->feedback : FEEDBACK_NOT_PICKED_UP;
	case RULE_EXCLUDE:
		if (r->feedback)
			return r->feedback;
		break;
	case RULE_NOT_COUNTED: case RULE_SKIPPED: case RULE_BUCKET:
		/* A skip's exclusion: its code belongs to the signals it took out
		 * (below), not to those under the floor. */
		break;
	}
	return skip_code(p, skip_rule) ? skip_code(p, skip_rule) : FEEDBACK_NOT_PICKED_UP;
}

store_run_signal *feedback_run_signals(const run_result *r, diag *d)
{
	store_run_signal *v = malloc((r->nsignals + 1) * sizeof *v);
	if (!v) {
		diag_error(d, "out of memory");
		return NULL;
	}
	const bc_program *p = r->program;
	for (size_t i = 0; i < r->nsignals; i++) {
		const run_signal *s = &r->signals[i];
		const alloc_entry *e = &r->entries[s->row];
		v[i] = (store_run_signal){ s->signal_id, feedback_run_code(p, r->rules[s->row], e->bucket, s->skip_rule) };
	}
	return v;
}

uint8_t feedback_outcome_code(enum vr_outcome_kind k)
{
	switch (k) {
	case OUTCOME_HELP_ACCEPTED: return FEEDBACK_HELP_ACCEPTED;
	case OUTCOME_ALREADY_KNOWN: return FEEDBACK_ALREADY_KNOWN;
	case OUTCOME_WRONGLY_REPORTED: return FEEDBACK_WRONGLY_REPORTED;
	case OUTCOME_DECEASED: return FEEDBACK_DECEASED;
	case OUTCOME_REFUSED: case OUTCOME_REACHED_NO_HELP: case OUTCOME_NOT_REACHED:
		return FEEDBACK_NOT_REACHED_OR_NO_HELP;
	case OUTCOME_NOT_PICKED_UP: return FEEDBACK_NOT_PICKED_UP;
	case OUTCOME_COUNT: break;
	}
	return FEEDBACK_NOT_REACHED_OR_NO_HELP;
}

vr_date feedback_window_end(vr_date received, vr_date run_date)
{
	const vr_date term = received + FEEDBACK_TERM_DAYS;
	return term > run_date ? term : run_date;
}

/* Of two outcomes recorded on one day, which the creditor is told: what
 * is final about the resident before what was tried (lower first). */
static int weight(uint8_t k)
{
	switch ((enum vr_outcome_kind)k) {
	case OUTCOME_DECEASED: return 0;
	case OUTCOME_WRONGLY_REPORTED: return 1;
	case OUTCOME_ALREADY_KNOWN: return 2;
	case OUTCOME_HELP_ACCEPTED: return 3;
	case OUTCOME_REFUSED: return 4;
	case OUTCOME_REACHED_NO_HELP: return 5;
	case OUTCOME_NOT_REACHED: return 6;
	case OUTCOME_NOT_PICKED_UP: return 7;
	case OUTCOME_COUNT: break;
	}
	return 8;
}

void feedback_by_outcomes(vr_date received, vr_date run_date, const vr_outcome *o, size_t n,
			  uint8_t *code, vr_date *due)
{
	const vr_date end = feedback_window_end(received, run_date);
	const vr_outcome *latest = NULL;
	for (size_t i = 0; i < n; i++) {
		if (o[i].date < received || o[i].date > end)
			continue;
		if (o[i].outcome == OUTCOME_HELP_ACCEPTED) {
			/* Help accepted is fed back at once, and first. */
			*code = FEEDBACK_HELP_ACCEPTED;
			*due = o[i].date > run_date ? o[i].date : run_date;
			return;
		}
		if (!latest || o[i].date > latest->date ||
		    (o[i].date == latest->date && weight(o[i].outcome) < weight(latest->outcome)))
			latest = &o[i];
	}
	*code = latest ? feedback_outcome_code((enum vr_outcome_kind)latest->outcome)
		       : FEEDBACK_NOT_REACHED_OR_NO_HELP;
	*due = end;
}

void feedback_file_name(long long batch, const char *creditor, char out[FEEDBACK_NAME_MAX])
{
	char slug[FEEDBACK_SLUG_MAX + 1];
	size_t n = 0;
	bool dash = false;
	for (const unsigned char *c = (const unsigned char *)creditor; *c && n < FEEDBACK_SLUG_MAX; c++) {
		const bool letter = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
		const bool digit = *c >= '0' && *c <= '9';
		if (!letter && !digit) {
			dash = n > 0;
			continue;
		}
		if (dash) {
			slug[n++] = '-';
			dash = false;
			if (n == FEEDBACK_SLUG_MAX)
				break;
		}
		slug[n++] = (char)(letter && *c <= 'Z' ? *c + ('a' - 'A') : *c);
	}
	while (n > 0 && slug[n - 1] == '-')
		n--;
	slug[n] = '\0';
	uint8_t digest[32];
	char hex[65];
	sha256(creditor, strlen(creditor), digest);
	sha256_hex(digest, hex);
	snprintf(out, FEEDBACK_NAME_MAX, "%06lld-%s-%.*s.csv", batch, n ? slug : "creditor",
		 (int)FEEDBACK_HASH_DIGITS, hex);
}
