/* policytest.c - the `vroeg test` file format and runner.
 *
 *   month 2024-06
 *
 *   test "two creditors make a match"
 *     signal Menzis health 250.00
 *     signal "De Goede Woning" rent 800 received=2024-06-03
 *     expect home_visit
 *
 * A test is one household: its signals (creditor, sector, arrears, then
 * field=value pairs), outcomes (`outcome refused 2024-04-02`) and one
 * `expect BUCKET [label=value ...]` or `expect excluded "reason"`. Each test
 * runs alone (capacity never binds unless it is 0), through the same VM and
 * allocation as a month's run, so redirects and labels apply. */
#include "policytest.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "text.h"
#include "vm.h"

enum { MAX_SIGNALS = 64, MAX_OUTCOMES = 32, MAX_WORDS = 32, MAX_EXPECT_LABELS = 16 };
/* The ranges of a signal's numbers in a tests file (docs/language.md,
 * "Limits"): a month and an age farther than any window or person reaches,
 * and the amounts and counts import accepts (types.h). */
enum { MAX_MONTHS_AGO = 1200, MAX_AGE = 150 };

typedef struct word {
	const char *s;
	size_t len;
	bool quoted;
} word;

typedef struct tcase {
	char name[128];
	int line;
	vr_signal signals[MAX_SIGNALS];
	size_t nsignals;
	vr_outcome outcomes[MAX_OUTCOMES];
	size_t noutcomes;
	char strings[8192];       /* creditor names, districts, ids */
	size_t used;
	bool has_expect;
	int expect_line;
	char expect_bucket[64];
	char expect_reason[128];
	char label_names[MAX_EXPECT_LABELS][64];
	char label_values[MAX_EXPECT_LABELS][64];
	int nlabels;
} tcase;

typedef struct runner {
	const bc_program *p;
	const char *name;
	FILE *out;
	diag *d;
	vr_month month;
	bool have_month;
	vm *v;
	policytest_result *res;
	bool *rule_hit, *bucket_hit;
} runner;

static void syntax(runner *r, int line, const char *fmt, const char *arg)
{
	char msg[256];
	snprintf(msg, sizeof msg, fmt, arg);
	diag_error(r->d, "%s:%d: %s", r->name, line, msg);
}

/* Splits LINE into words: "quoted text" or runs of non-blanks; # starts a comment. */
static int split(const char *line, size_t len, word *w)
{
	int n = 0;
	size_t i = 0;
	while (i < len && n < MAX_WORDS) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		if (line[i] == '"') {
			const size_t start = ++i;
			while (i < len && line[i] != '"')
				i++;
			w[n++] = (word){ line + start, i - start, true };
			i++;
			continue;
		}
		const size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			i++;
		w[n++] = (word){ line + start, i - start, false };
	}
	return n;
}

static bool is(const word *w, const char *s)
{
	return !w->quoted && strlen(s) == w->len && memcmp(w->s, s, w->len) == 0;
}

static const char *keep(tcase *t, const char *s, size_t len)
{
	if (t->used + len + 1 > sizeof t->strings)
		return "";
	char *c = t->strings + t->used;
	memcpy(c, s, len);
	c[len] = '\0';
	t->used += len + 1;
	return c;
}

/* A whole number from 0 to MAX. */
static bool whole(const char *s, size_t len, int64_t max, int64_t *out)
{
	if (len == 0)
		return false;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' || v > max / 10 || v * 10 + (s[i] - '0') > max)
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* A field's number out of its range, or no number at all: the line, the
 * field and what it takes. */
static void out_of_range(runner *r, int line, const char *field, const char *val, size_t vlen,
			 const char *takes)
{
	diag_error(r->d, "%s:%d: `%s=%.*s`: %s is %s", r->name, line, field, (int)vlen, val, field, takes);
}

/* A whole number field from 0 to MAX into *OUT; false, reported, otherwise. */
static bool number(runner *r, int line, const char *field, const char *val, size_t vlen, int64_t max,
		   int64_t *out)
{
	if (whole(val, vlen, max, out))
		return true;
	char takes[64];
	snprintf(takes, sizeof takes, "a whole number from 0 to %lld", (long long)max);
	out_of_range(r, line, field, val, vlen, takes);
	return false;
}

/* An amount, as import reads one (at most VR_CENTS_MAX), into *OUT; false,
 * reported (as `FIELD=VALUE`, or as `VALUE` when FIELD is NULL), otherwise. */
static bool amount(runner *r, int line, const char *field, const char *val, size_t vlen, cents_t *out)
{
	const enum vr_amount got = vr_amount_parse(val, vlen, false, VR_CENTS_MAX, out);
	if (got == VR_AMOUNT_OK)
		return true;
	char max[24], takes[96];
	vr_cents_format(VR_CENTS_MAX, max);
	snprintf(takes, sizeof takes, got == VR_AMOUNT_TOO_LARGE ? "more than the largest amount a signal may have, %s"
		 : "not an amount (euros with at most 2 decimals, like 212.85)", max);
	if (field)
		diag_error(r->d, "%s:%d: `%s=%.*s` is %s", r->name, line, field, (int)vlen, val, takes);
	else
		diag_error(r->d, "%s:%d: `%.*s` is %s", r->name, line, (int)vlen, val, takes);
	return false;
}

static bool parse_signal(runner *r, tcase *t, const word *w, int n, int line)
{
	if (n < 4) {
		syntax(r, line, "%s", "a signal is `signal CREDITOR SECTOR ARREARS [field=value ...]`");
		return false;
	}
	if (t->nsignals == MAX_SIGNALS) {
		syntax(r, line, "%s", "too many signals in one test");
		return false;
	}
	vr_signal *s = &t->signals[t->nsignals];
	memset(s, 0, sizeof *s);
	char id[32];
	snprintf(id, sizeof id, "T%03zu", t->nsignals + 1);
	s->signal_id = keep(t, id, strlen(id));
	s->person = "";
	s->creditor = keep(t, w[1].s, w[1].len);
	s->district = "";
	s->received = vr_month_first_day(r->month);
	s->birth_date = VR_DATE_NONE;
	s->installment = s->installments_missed = s->days_overdue = VR_MISSING;
	s->brp_match = -1;
	const int sector = vr_enum_lookup(vr_sector_names, SECTOR_COUNT, w[2].s, w[2].len);
	if (sector < 0) {
		syntax(r, line, "`%s` is not a sector", keep(t, w[2].s, w[2].len));
		return false;
	}
	s->sector = (uint8_t)sector;
	if (!amount(r, line, NULL, w[3].s, w[3].len, &s->arrears))
		return false;
	for (int i = 4; i < n; i++) {
		const char *eq = memchr(w[i].s, '=', w[i].len);
		const size_t klen = eq ? (size_t)(eq - w[i].s) : w[i].len;
		const char *val = eq ? eq + 1 : "";
		const size_t vlen = eq ? w[i].len - klen - 1 : 0;
		const char *key = keep(t, w[i].s, klen);
		int64_t num = 0;
		int e;
		bool ok = true;
		/* A number out of its range is reported as such (and not as
		 * "cannot read"): NUMBER and AMOUNT say what the field takes. */
		if (!eq && strcmp(key, "phone") == 0)
			s->has_phone = 1;
		else if (!eq && strcmp(key, "email") == 0)
			s->has_email = 1;
		else if (!eq && strcmp(key, "known_debt_help") == 0)
			s->known_debt_help = 1;
		else if (!eq && strcmp(key, "legal") == 0)
			s->legal_form = LEGAL_LEGAL;
		else if (!eq)
			ok = false;
		else if (strcmp(key, "received") == 0)
			ok = vr_date_parse(val, vlen, &s->received);
		else if (strcmp(key, "months_ago") == 0) {
			if (!number(r, line, key, val, vlen, MAX_MONTHS_AGO, &num))
				return false;
			s->received = vr_month_first_day(r->month - (vr_month)num);
		} else if (strcmp(key, "kind") == 0 && (ok = (e = vr_enum_lookup(vr_kind_names, KIND_COUNT, val, vlen)) >= 0))
			s->kind = (uint8_t)e;
		else if (strcmp(key, "legal_form") == 0 && (ok = (e = vr_enum_lookup(vr_legal_form_names, LEGAL_COUNT, val, vlen)) >= 0))
			s->legal_form = (uint8_t)e;
		else if (strcmp(key, "installment") == 0) {
			if (!amount(r, line, key, val, vlen, &s->installment))
				return false;
		} else if (strcmp(key, "installments_missed") == 0) {
			if (!number(r, line, key, val, vlen, VR_COUNT_MAX, &s->installments_missed))
				return false;
		} else if (strcmp(key, "days_overdue") == 0) {
			if (!number(r, line, key, val, vlen, VR_COUNT_MAX, &s->days_overdue))
				return false;
		} else if (strcmp(key, "birth_date") == 0)
			ok = vr_date_parse(val, vlen, &s->birth_date);
		else if (strcmp(key, "age") == 0) {
			if (!number(r, line, key, val, vlen, MAX_AGE, &num))
				return false;
			/* Born exactly AGE years before the first day of the month. */
			int y, m, dd;
			vr_date_to_ymd(vr_month_first_day(r->month), &y, &m, &dd);
			s->birth_date = vr_date_from_ymd(y - (int)num, m, 1);
		} else if (strcmp(key, "district") == 0)
			s->district = keep(t, val, vlen);
		else if (strcmp(key, "person") == 0)
			s->person = keep(t, val, vlen);
		else if (strcmp(key, "brp_match") == 0) {
			if (!number(r, line, key, val, vlen, 1, &num))
				return false;
			s->brp_match = (int8_t)num;
		} else if (strcmp(key, "id") == 0)
			s->signal_id = keep(t, val, vlen);
		else if (strcmp(key, "kind") != 0 && strcmp(key, "legal_form") != 0)
			ok = false;
		if (!ok) {
			syntax(r, line, "cannot read `%s` (fields: received=YYYY-MM-DD, months_ago=N, kind=, "
			       "installment=, installments_missed=, days_overdue=, legal_form=, birth_date=, age=, "
			       "district=, person=, brp_match=0|1, id=; flags: phone, email, known_debt_help, legal)",
			       keep(t, w[i].s, w[i].len));
			return false;
		}
	}
	t->nsignals++;
	return true;
}

static bool parse_outcome(runner *r, tcase *t, const word *w, int n, int line)
{
	const int o = n == 3 ? vr_enum_lookup(vr_outcome_names, OUTCOME_COUNT, w[1].s, w[1].len) : -1;
	vr_date date;
	if (o < 0 || !vr_date_parse(w[2].s, w[2].len, &date) || t->noutcomes == MAX_OUTCOMES) {
		syntax(r, line, "%s", "an outcome is `outcome OUTCOME YYYY-MM-DD` (refused, reached_no_help, ...)");
		return false;
	}
	t->outcomes[t->noutcomes++] = (vr_outcome){ "", date, (uint8_t)o };
	return true;
}

static bool parse_expect(runner *r, tcase *t, const word *w, int n, int line)
{
	if (n < 2 || w[1].len >= sizeof t->expect_bucket) {
		syntax(r, line, "%s", "write `expect BUCKET [label=value ...]` or `expect excluded \"reason\"`");
		return false;
	}
	t->has_expect = true;
	t->expect_line = line;
	memcpy(t->expect_bucket, w[1].s, w[1].len);
	t->expect_bucket[w[1].len] = '\0';
	int i = 2;
	if (strcmp(t->expect_bucket, "excluded") == 0) {
		if (n < 3 || !w[2].quoted || w[2].len >= sizeof t->expect_reason) {
			syntax(r, line, "%s", "an exclusion is expected with its reason: `expect excluded \"not counted\"`");
			return false;
		}
		memcpy(t->expect_reason, w[2].s, w[2].len);
		t->expect_reason[w[2].len] = '\0';
		i = 3;
	}
	for (; i < n && t->nlabels < MAX_EXPECT_LABELS; i++) {
		const char *eq = memchr(w[i].s, '=', w[i].len);
		if (!eq || (size_t)(eq - w[i].s) >= 64 || w[i].len - (size_t)(eq - w[i].s) > 64) {
			syntax(r, line, "%s", "labels are expected as name=value");
			return false;
		}
		const size_t klen = (size_t)(eq - w[i].s);
		memcpy(t->label_names[t->nlabels], w[i].s, klen);
		t->label_names[t->nlabels][klen] = '\0';
		memcpy(t->label_values[t->nlabels], eq + 1, w[i].len - klen - 1);
		t->label_values[t->nlabels][w[i].len - klen - 1] = '\0';
		t->nlabels++;
	}
	return true;
}

static int cmp_signals(const void *a, const void *b)
{
	const vr_signal *x = a, *y = b;
	if (x->received != y->received)
		return x->received < y->received ? -1 : 1;
	return strcmp(x->signal_id, y->signal_id);
}

static int cmp_outcomes(const void *a, const void *b)
{
	const vr_outcome *x = a, *y = b;
	return x->date < y->date ? -1 : x->date > y->date;
}

static const char *bucket_name(const bc_program *p, int32_t b)
{
	return b < 0 ? "excluded" : p->consts[p->buckets[b].name].text;
}

/* Runs one test; prints a failure. */
static void run_case(runner *r, tcase *t)
{
	const bc_program *p = r->p;
	if (!t->has_expect) {
		syntax(r, t->line, "test \"%s\" has no `expect` line", t->name);
		return;
	}
	r->res->tests++;
	/* Signals after the month are ignored, as in a run; keep the order the VM needs. */
	const vr_date end = vr_month_first_day(r->month + 1);
	size_t n = 0;
	for (size_t i = 0; i < t->nsignals; i++) {
		if (t->signals[i].person[0] == '\0')
			t->signals[i].person = "T";
		if (t->signals[i].received < end)
			t->signals[n++] = t->signals[i];
	}
	t->nsignals = n;
	qsort(t->signals, t->nsignals, sizeof *t->signals, cmp_signals);
	qsort(t->outcomes, t->noutcomes, sizeof *t->outcomes, cmp_outcomes);
	const vr_household h = { "T", t->signals, t->nsignals, t->outcomes, t->noutcomes };
	vm_decision dec;
	if (!vm_decide(r->v, &h, r->month, &dec)) {   /* cannot happen with amounts in range */
		diag_error(r->d, "%s:%d: test \"%s\": a total over its signals is more than vroeg can count",
			   r->name, t->line, t->name);
		return;
	}
	alloc_entry e = { .household = "T", .rule_bucket = dec.bucket, .arrears = dec.arrears,
			  .has_phone = dec.has_phone, .has_email = dec.has_email,
			  .district = dec.district, .keys = dec.keys };
	alloc_run(p, r->v, r->month, &e, 1);
	r->rule_hit[dec.rule] = true;
	if (e.bucket >= 0)
		r->bucket_hit[e.bucket] = true;
	if (dec.bucket >= 0)
		r->bucket_hit[dec.bucket] = true;   /* a rule sent it there, whatever capacity did */
	const bc_rule *rule = &p->rules[dec.rule];
	const char *got_bucket = bucket_name(p, e.bucket);
	const char *got_reason = e.bucket < 0 ? p->consts[rule->reason].text : "";
	char got[512], want[512];
	snprintf(got, sizeof got, "%s%s%s%s", got_bucket, e.bucket < 0 ? " \"" : "", got_reason, e.bucket < 0 ? "\"" : "");
	const bool want_excluded = strcmp(t->expect_bucket, "excluded") == 0;
	snprintf(want, sizeof want, "%s%s%s%s", t->expect_bucket, want_excluded ? " \"" : "", t->expect_reason,
		 want_excluded ? "\"" : "");
	bool ok = strcmp(got_bucket, t->expect_bucket) == 0 && strcmp(got_reason, t->expect_reason) == 0;
	char labels[512] = "";
	for (int l = 0; l < t->nlabels; l++) {
		const char *value = NULL;
		for (uint32_t k = 0; k < p->nlabels; k++)
			if (strcmp(p->consts[p->labels[k].name].text, t->label_names[l]) == 0)
				value = dec.labels[k].text ? dec.labels[k].text : "";
		if (!value || strcmp(value, t->label_values[l]) != 0) {
			ok = false;
			char one[160];
			snprintf(one, sizeof one, " %s=%s (expected %s)", t->label_names[l], value ? value : "<no such label>",
				 t->label_values[l]);
			strncat(labels, one, sizeof labels - strlen(labels) - 1);
		}
	}
	if (ok)
		return;
	r->res->failed++;
	/* Names and values from the tests file and the policy: shown escaped. */
	text_printf(r->out, "%s:%d: test \"%s\" failed: expected %s, got %s%s (decided by %s:%u)", r->name,
		    t->expect_line, t->name, want, got, labels, p->source_name, rule->line);
	fputc('\n', r->out);
}

/* A bucket only an overflow fills: one household alone always gets a place
 * upstream, so no test here can reach it (a dry-run over a month does). */
static bool only_overflow(const bc_program *p, uint32_t b)
{
	for (uint32_t i = 0; i < p->nrules; i++)
		if (p->rules[i].kind == RULE_BUCKET && p->rules[i].bucket == (int32_t)b)
			return false;
	for (uint32_t x = 0; x < p->nbuckets; x++)
		if (p->buckets[x].without_phone == (int32_t)b || p->buckets[x].without_email == (int32_t)b)
			return false;
	return true;
}

static void coverage(runner *r)
{
	const bc_program *p = r->p;
	char missing[4096] = "";
	int count = 0;
	for (uint32_t i = 0; i < p->nrules; i++) {
		if (r->rule_hit[i])
			continue;
		char one[256];
		const bc_rule *rule = &p->rules[i];
		if (rule->kind == RULE_BUCKET)
			snprintf(one, sizeof one, "%s rule line %u (-> %s)", count ? "," : "", rule->line, bucket_name(p, rule->bucket));
		else
			snprintf(one, sizeof one, "%s reason \"%s\" (line %u)", count ? "," : "", p->consts[rule->reason].text, rule->line);
		/* "not counted" cannot happen in a policy without a floor or skip. */
		if (rule->kind == RULE_NOT_COUNTED && p->floor_fn == BC_NONE && p->nskips == 0)
			continue;
		strncat(missing, one, sizeof missing - strlen(missing) - 1);
		count++;
	}
	for (uint32_t b = 0; b < p->nbuckets; b++) {
		if (r->bucket_hit[b] || only_overflow(p, b))
			continue;
		char one[128];
		snprintf(one, sizeof one, "%s bucket %s", count ? "," : "", bucket_name(p, (int32_t)b));
		strncat(missing, one, sizeof missing - strlen(missing) - 1);
		count++;
	}
	r->res->uncovered = count;
	text_printf(r->out, "%s: %d passed, %d failed; %s%s", r->name, r->res->tests - r->res->failed, r->res->failed,
		    count ? "not reached by any test:" : "every rule, bucket and reason is reached", missing);
	fputc('\n', r->out);
}

bool policytest_run(const bc_program *p, const char *name, const char *text, size_t len,
		    FILE *out, diag *d, policytest_result *res)
{
	memset(res, 0, sizeof *res);
	runner r = { p, name, out, d, 0, false, vm_new(p), res,
		     calloc(p->nrules + 1, sizeof(bool)), calloc(p->nbuckets + 1, sizeof(bool)) };
	tcase *t = calloc(1, sizeof *t);
	if (!r.v || !r.rule_hit || !r.bucket_hit || !t) {
		diag_error(d, "out of memory");
		goto done;
	}
	bool in_case = false;
	const int errors = d->errors;
	int line = 0;
	for (const char *s = text, *end = text + len; s < end; line++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const size_t l = nl ? (size_t)(nl - s) : (size_t)(end - s);
		word w[MAX_WORDS];
		const int n = split(s, l, w);
		s += l + 1;
		if (n == 0)
			continue;
		if (is(&w[0], "month") && n == 2 && !in_case) {
			if (!vr_month_parse(w[1].s, w[1].len, &r.month))
				syntax(&r, line + 1, "%s", "write the month as `month YYYY-MM`");
			r.have_month = true;
		} else if (is(&w[0], "test") && n == 2 && w[1].quoted) {
			if (!r.have_month) {
				syntax(&r, line + 1, "%s", "start the file with `month YYYY-MM` (the run month of the tests)");
				break;
			}
			if (in_case && d->errors == errors)
				run_case(&r, t);
			memset(t, 0, sizeof *t);
			in_case = true;
			t->line = line + 1;
			snprintf(t->name, sizeof t->name, "%.*s", (int)w[1].len, w[1].s);
		} else if (!in_case) {
			syntax(&r, line + 1, "%s", "expected `month YYYY-MM` or `test \"description\"`");
		} else if (is(&w[0], "signal")) {
			parse_signal(&r, t, w, n, line + 1);
		} else if (is(&w[0], "outcome")) {
			parse_outcome(&r, t, w, n, line + 1);
		} else if (is(&w[0], "expect")) {
			parse_expect(&r, t, w, n, line + 1);
		} else {
			syntax(&r, line + 1, "%s", "a test holds `signal`, `outcome` and `expect` lines");
		}
	}
	if (in_case && d->errors == errors)
		run_case(&r, t);
	if (d->errors == errors)
		coverage(&r);
done:
	vm_free(r.v);
	free(r.rule_hit);
	free(r.bucket_hit);
	free(t);
	return d->errors == 0;
}
