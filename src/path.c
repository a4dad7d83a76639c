/* path.c - explain's account of a household's path through the buckets:
 *
 *   Path:
 *     rules/amount-and-contact.vroeg:11  rule sends it to home_visit
 *     rules/amount-and-contact.vroeg:16  home_visit: no place (20 places, 45 candidates, this household ranked 31): overflow to phone
 *     rules/amount-and-contact.vroeg:17  phone: no phone number known: redirected to personal_card (without phone)
 *     rules/amount-and-contact.vroeg:20  personal_card: no limit: it ends here
 *   Decision: personal_card, overflowed from home_visit
 *
 * One line a step, in the order the steps happened, so a household turned
 * away twice, or turned away and then redirected, shows every bucket it
 * passed through and why it left each. The file name and the district come
 * from outside: shown escaped (text.h). */
#include "path.h"

#include <string.h>

#include "text.h"

static const char *name(const bc_program *p, int32_t b)
{
	return p->consts[p->buckets[b].name].text;
}

/* "FILE:LINE" of LINE, then spaces to WIDTH columns. */
static void cite(FILE *out, const bc_program *p, uint32_t line, size_t width)
{
	char n[16];
	snprintf(n, sizeof n, ":%u", line);
	fputs("  ", out);
	text_put(out, p->source_name);
	fputs(n, out);
	for (size_t i = text_width(p->source_name) + strlen(n); i < width; i++)
		fputc(' ', out);
	fputs("  ", out);
}

static size_t cite_width(const bc_program *p, uint32_t line)
{
	return text_width(p->source_name) + (size_t)snprintf(NULL, 0, ":%u", line);
}

/* ", this month from \"D\"" for a bucket whose rotating spread started at D. */
static void rotation(FILE *out, const bc_program *p, int32_t b, const char *const *first)
{
	if (first && p->buckets[b].spread == SPREAD_DISTRICT_ROTATING && first[b])
		text_printf(out, ", this month from \"%s\"", first[b]);
}

void path_print(FILE *out, const bc_program *p, const alloc_entry *e, const alloc_trace *trace,
		const bc_rule *rule, const char *const *first_district)
{
	size_t width = cite_width(p, rule->line);
	for (size_t i = 0; i < trace->nsteps; i++) {
		const size_t w = cite_width(p, p->buckets[trace->steps[i].to].line);
		width = w > width ? w : width;
	}
	fputs("Path:\n", out);
	for (size_t i = 0; i < trace->nsteps; i++) {
		const alloc_step *s = &trace->steps[i];
		switch ((enum alloc_step_kind)s->kind) {
		case ALLOC_STEP_RULE:
			cite(out, p, rule->line, width);
			if (rule->kind == RULE_SKIPPED)   /* `skip ... -> BUCKET` */
				fprintf(out, "its signals are all skipped: the skip sends it to %s\n", name(p, s->to));
			else
				fprintf(out, "rule sends it to %s\n", name(p, s->to));
			break;
		case ALLOC_STEP_NO_PHONE:
		case ALLOC_STEP_NO_EMAIL:
			cite(out, p, p->buckets[s->from].line, width);
			fprintf(out, "%s: %s: redirected to %s (without %s)\n", name(p, s->from),
				s->kind == ALLOC_STEP_NO_PHONE ? "no phone number known" : "no e-mail address known",
				name(p, s->to), s->kind == ALLOC_STEP_NO_PHONE ? "phone" : "email");
			break;
		case ALLOC_STEP_NO_PLACE: {
			const bc_bucket *b = &p->buckets[s->from];
			cite(out, p, b->line, width);
			fprintf(out, "%s: no place (%lld place%s, %lld candidates, this household ranked %lld",
				name(p, s->from), (long long)b->capacity, b->capacity == 1 ? "" : "s",
				(long long)s->candidates, (long long)s->rank);
			if (b->spread) {
				text_printf(out, " in district \"%s\": places go round-robin over the districts", e->district);
				rotation(out, p, s->from, first_district);
			}
			fprintf(out, "): overflow to %s\n", name(p, s->to));
			break;
		}
		case ALLOC_STEP_BACKFILL:
			cite(out, p, p->buckets[s->to].line, width);
			fprintf(out, "%s: a spare place, back-filled from %s\n", name(p, s->to), name(p, s->from));
			break;
		}
	}
	const bc_bucket *end = &p->buckets[e->bucket];
	cite(out, p, end->line, width);
	if (e->place > 0 && end->spread) {
		fprintf(out, "%s: place %lld of %lld (round-robin over the districts", name(p, e->bucket),
			(long long)e->place, (long long)end->capacity);
		rotation(out, p, e->bucket, first_district);
		fputs(")\n", out);
	} else if (e->place > 0)
		fprintf(out, "%s: place %lld of %lld\n", name(p, e->bucket), (long long)e->place, (long long)end->capacity);
	else
		fprintf(out, "%s: no limit: it ends here\n", name(p, e->bucket));
	fprintf(out, "Decision: %s%s%s\n", name(p, e->bucket), e->overflowed_from >= 0 ? ", overflowed from " : "",
		e->overflowed_from >= 0 ? name(p, e->overflowed_from) : "");
}
