/* policytest_read.c - reads a tests file (docs/tests.md) one test at a time.
 *
 *   month 2024-06
 *
 *   test "two creditors make a match"
 *     signal Menzis health 250.00
 *     signal "De Goede Woning" rent 800 received=2024-06-03
 *     expect home_visit
 *
 *   test "two home visits; the rest to phone"
 *     capacity home_visit 2
 *     households 3 M
 *       signal Menzis health 250
 *       signal Eneco energy 150
 *     expect 2 in home_visit
 *     expect M3 phone overflowed_from=home_visit
 *
 * Every line is checked as it is read, against the policy and the data's
 * own values: a bucket, label, reason, field or value that does not exist is
 * an error at its column, with the closest name, as in a rule file. A
 * household that would not be triaged (no signal of the run month) is an
 * error too: no run would decide it. */
#include "policytest_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* The ranges of a signal's numbers in a tests file (docs/tests.md,
 * "Limits"): a month and an age farther than any window or person reaches,
 * and the amounts and counts import accepts (types.h). */
enum { MAX_MONTHS_AGO = 1200, MAX_AGE = 150 };

typedef struct word {
	const char *s;
	size_t len;
	bool quoted;
	int col;
} word;

/* ---- words, positions, messages ----------------------------------------- */

static diag_loc at(const pt_reader *r, const word *w)
{
	const int width = (int)w->len + (w->quoted ? 2 : 0);
	return (diag_loc){ r->line, w->col, r->line, w->col + (width ? width : 1) };
}

/* The part of W from byte OFF, LEN bytes long (the value of `key=value`). */
static diag_loc at_part(const pt_reader *r, const word *w, size_t off, size_t len)
{
	const int col = w->col + (int)off;
	return (diag_loc){ r->line, col, r->line, col + (len ? (int)len : 1) };
}

static void err(pt_reader *r, pt_test *t, diag_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void err(pt_reader *r, pt_test *t, diag_loc loc, const char *fmt, ...)
{
	char msg[1024], shown_msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* A tests file is not checked as text: what it quotes is shown
	 * escaped (text.h), as a data file's words are. */
	diag_at(r->d, &r->src, loc, DIAG_ERROR, "%s", text_escape(msg, strlen(msg), shown_msg, sizeof shown_msg));
	if (t)
		t->errors = true;
}

static bool is(const word *w, const char *s)
{
	return !w->quoted && strlen(s) == w->len && memcmp(w->s, s, w->len) == 0;
}

static bool equals(const char *s, const char *text, size_t len)
{
	return strlen(s) == len && memcmp(s, text, len) == 0;
}

/* A word as text of the test (its own copy). */
static const char *keep(pt_test *t, const char *s, size_t len)
{
	return arena_strndup(&t->strings, s, len);
}

/* A word quoted in a message: at most 60 bytes of it, then "...". */
static const char *shown(char buf[72], const char *s, size_t len)
{
	size_t n = len > 60 ? 60 : len;
	while (n < len && n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	snprintf(buf, 72, "%.*s%s", (int)n, s, n < len ? "..." : "");
	return buf;
}

/* Splits the current line into W: "quoted text" or runs of non-blanks; #
 * starts a comment. -1, reported, when the line holds more words than
 * POLICYTEST_MAX_WORDS or a quote that does not close. */
static int split(pt_reader *r, pt_test *t, const char *line, size_t len, word *w)
{
	int n = 0;
	size_t i = 0;
	while (i < len) {
		while (i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		if (n == POLICYTEST_MAX_WORDS) {
			const diag_loc loc = { r->line, (int)i + 1, r->line, (int)len + 1 };
			err(r, t, loc, "a line of a tests file holds at most %d words", POLICYTEST_MAX_WORDS);
			return -1;
		}
		if (line[i] == '"') {
			const size_t open = i++;
			while (i < len && line[i] != '"')
				i++;
			if (i >= len || line[i] != '"') {
				char b[72];
				const diag_loc loc = { r->line, (int)open + 1, r->line, (int)i + 1 };
				err(r, t, loc, "text `%s` has no closing quote on its line", shown(b, line + open, i - open));
				return -1;
			}
			w[n++] = (word){ line + open + 1, i - open - 1, true, (int)open + 1 };
			i++;
			continue;
		}
		/* A bare word; a value in quotes after its `=` may hold blanks
		 * (`district="Oude Dorp"`). */
		const size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r') {
			if (line[i] == '"' && i > start && line[i - 1] == '=') {
				const char *close = memchr(line + i + 1, '"', len - i - 1);
				if (!close) {
					char b[72];
					const diag_loc loc = { r->line, (int)i + 1, r->line, (int)len + 1 };
					err(r, t, loc, "text `%s` has no closing quote on its line", shown(b, line + i, len - i));
					return -1;
				}
				i = (size_t)(close - line);
			}
			i++;
		}
		w[n++] = (word){ line + start, i - start, false, (int)start + 1 };
	}
	return n;
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

/* "a, b, c" of N names, as much as fits in BUF. */
static const char *list(char *buf, size_t size, const char *const *names, size_t n)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		strncat(buf, i ? ", " : "", size - strlen(buf) - 1);
		strncat(buf, names[i], size - strlen(buf) - 1);
	}
	return buf;
}

/* WORD (LEN bytes) is not one of NAMES: the closest one, or all of them. */
static void not_one_of(pt_reader *r, pt_test *t, diag_loc loc, const char *word_text, size_t len,
		       const char *what, const char *const *names, size_t n)
{
	char b[72], all[512];
	const char *w = shown(b, word_text, len);
	const char *s = diag_suggest(w, names, n);
	if (s)
		err(r, t, loc, "`%s` is not %s; did you mean `%s`?", w, what, s);
	else
		err(r, t, loc, "`%s` is not %s (one of: %s)", w, what, list(all, sizeof all, names, n));
}

/* ---- the policy's names ------------------------------------------------- */

static const char *bucket_text(const bc_program *p, uint32_t b)
{
	return p->consts[p->buckets[b].name].text;
}

static int32_t find_bucket(const bc_program *p, const char *s, size_t len)
{
	for (uint32_t b = 0; b < p->nbuckets; b++)
		if (equals(bucket_text(p, b), s, len))
			return (int32_t)b;
	return -1;
}

/* Whether rule R excludes (with its reason): not a bucket rule, nor a skip
 * that sends its households to a bucket. */
static bool excludes(const bc_rule *r)
{
	return r->kind != RULE_BUCKET && !(r->kind == RULE_SKIPPED && r->bucket >= 0);
}

/* Up to MAX names of the program's buckets, labels or exclusion reasons
 * into NAMES (for a suggestion); how many. */
enum names_of { NAMES_BUCKETS, NAMES_LABELS, NAMES_REASONS };
static size_t names(const bc_program *p, enum names_of which, const char **out, size_t max)
{
	size_t n = 0;
	if (which == NAMES_BUCKETS)
		for (uint32_t b = 0; b < p->nbuckets && n < max; b++)
			out[n++] = bucket_text(p, b);
	else if (which == NAMES_LABELS)
		for (uint32_t l = 0; l < p->nlabels && n < max; l++)
			out[n++] = p->consts[p->labels[l].name].text;
	else
		for (uint32_t i = 0; i < p->nrules && n < max; i++)
			if (excludes(&p->rules[i]))
				out[n++] = p->consts[p->rules[i].reason].text;
	return n;
}

/* A name the policy does not have: "no bucket `leter`; did you mean
 * `letter`?", or the policy's names of that sort. */
static void no_such(pt_reader *r, pt_test *t, diag_loc loc, enum names_of which, const char *s, size_t len)
{
	static const char *const sort[] = { "bucket", "label", "exclusion reason" };
	const char **all = malloc(((size_t)r->p->nbuckets + r->p->nlabels + r->p->nrules + 1) * sizeof *all);
	char b[72], listed[512];
	const char *w = shown(b, s, len);
	if (!all) {
		err(r, t, loc, "no %s `%s` in the policy", sort[which], w);
		return;
	}
	const size_t n = names(r->p, which, all, (size_t)r->p->nbuckets + r->p->nlabels + r->p->nrules);
	const char *best = diag_suggest(w, all, n);
	const char *open = which == NAMES_REASONS ? "\"" : "`";
	if (best)
		err(r, t, loc, "no %s %s%s%s; did you mean %s%s%s?", sort[which], open, w, open, open, best, open);
	else if (n == 0)
		err(r, t, loc, "no %s %s%s%s: the policy has none", sort[which], open, w, open);
	else
		err(r, t, loc, "no %s %s%s%s in the policy (%s: %s)", sort[which], open, w, open,
		    which == NAMES_BUCKETS ? "its buckets" : which == NAMES_LABELS ? "its labels" : "its reasons",
		    list(listed, sizeof listed, all, n));
	free(all);
}

/* ---- the parts of a test ------------------------------------------------ */

static pt_household *add_household(pt_test *t, const char *key, long count, int width, int line)
{
	if (t->nhouseholds == t->households_cap) {
		const size_t cap = t->households_cap ? t->households_cap * 2 : 8;
		pt_household *h = arena_alloc(&t->strings, cap * sizeof *h);
		if (t->nhouseholds)
			memcpy(h, t->households, t->nhouseholds * sizeof *h);
		t->households = h;
		t->households_cap = cap;
	}
	pt_household *h = &t->households[t->nhouseholds++];
	memset(h, 0, sizeof *h);
	h->key = key;
	h->count = count;
	h->width = width;
	h->line = line;
	h->signals = arena_alloc(&t->strings, POLICYTEST_MAX_SIGNALS * sizeof *h->signals);
	h->outcomes = arena_alloc(&t->strings, POLICYTEST_MAX_OUTCOMES * sizeof *h->outcomes);
	return h;
}

static pt_expect *add_expect(pt_test *t, int line)
{
	if (t->nexpects == t->expects_cap) {
		const size_t cap = t->expects_cap ? t->expects_cap * 2 : 8;
		pt_expect *e = arena_alloc(&t->strings, cap * sizeof *e);
		if (t->nexpects)
			memcpy(e, t->expects, t->nexpects * sizeof *e);
		t->expects = e;
		t->expects_cap = cap;
	}
	pt_expect *e = &t->expects[t->nexpects++];
	memset(e, 0, sizeof *e);
	e->line = line;
	e->place = PT_NOT_EXPECTED;
	e->overflowed_from = PT_NOT_EXPECTED;
	return e;
}

long pt_count(const pt_test *t)
{
	long n = 0;
	for (size_t i = 0; i < t->nhouseholds; i++)
		n += t->households[i].count;
	return n;
}

/* The household the signal and outcome lines go to: the last named, or in
 * a test that names none, its one household "T". NULL, reported, when the
 * test names households and none is open yet. */
static pt_household *current(pt_reader *r, pt_test *t, const word *w)
{
	if (t->nhouseholds)
		return &t->households[t->nhouseholds - 1];
	if (t->named) {
		err(r, t, at(r, w), "in a test of several households, each `%.*s` line goes under its "
		    "`household KEY` (or `households N PREFIX`) line", (int)w->len, w->s);
		return NULL;
	}
	return add_household(t, "T", 1, 0, t->line);
}

/* A field's number out of its range, or no number at all. */
static void out_of_range(pt_reader *r, pt_test *t, const word *w, const char *field, const char *takes)
{
	char b[72];
	err(r, t, at(r, w), "`%s`: %s is %s", shown(b, w->s, w->len), field, takes);
}

/* A whole number field from 0 to MAX into *OUT; false, reported, otherwise. */
static bool number(pt_reader *r, pt_test *t, const word *w, const char *field, const char *val, size_t vlen,
		   int64_t max, int64_t *out)
{
	if (whole(val, vlen, max, out))
		return true;
	char takes[64];
	snprintf(takes, sizeof takes, "a whole number from 0 to %lld", (long long)max);
	out_of_range(r, t, w, field, takes);
	return false;
}

/* An amount, as import reads one (at most VR_CENTS_MAX), into *OUT; false,
 * reported, otherwise. */
static bool amount(pt_reader *r, pt_test *t, const word *w, const char *val, size_t vlen, cents_t *out)
{
	const enum vr_amount got = vr_amount_parse(val, vlen, false, VR_CENTS_MAX, out);
	if (got == VR_AMOUNT_OK)
		return true;
	char max[24], b[72];
	vr_cents_format(VR_CENTS_MAX, max);
	if (got == VR_AMOUNT_TOO_LARGE)
		err(r, t, at(r, w), "`%s` is more than the largest amount a signal may have, %s",
		    shown(b, w->s, w->len), max);
	else
		err(r, t, at(r, w), "`%s` is not an amount (euros with at most 2 decimals, like 212.85)",
		    shown(b, w->s, w->len));
	return false;
}

static bool date(pt_reader *r, pt_test *t, const word *w, size_t off, const char *val, size_t vlen, vr_date *out)
{
	if (vr_date_parse(val, vlen, out))
		return true;
	char b[72];
	err(r, t, at_part(r, w, off, vlen), "`%s` is not a date (write YYYY-MM-DD)", shown(b, val, vlen));
	return false;
}

/* An enum value of a signal's field: its index, or -1, reported. */
static int enum_value(pt_reader *r, pt_test *t, const word *w, size_t off, const char *val, size_t vlen,
		      const char *what, const char *const *table, int n)
{
	const int e = vr_enum_lookup(table, n, val, vlen);
	if (e < 0)
		not_one_of(r, t, at_part(r, w, off, vlen), val, vlen, what, table, (size_t)n);
	return e;
}

static const char *const signal_fields[] = {
	"received", "months_ago", "kind", "installment", "installments_missed", "days_overdue",
	"legal_form", "birth_date", "age", "district", "person", "brp_match", "id"
};
static const char *const signal_flags[] = { "phone", "email", "known_debt_help", "legal" };
enum { NFIELDS = sizeof signal_fields / sizeof *signal_fields, NFLAGS = sizeof signal_flags / sizeof *signal_flags };

/* A word after a signal's amount that is neither a field nor a flag. */
static void unknown_field(pt_reader *r, pt_test *t, const word *w, const char *key, size_t klen, bool has_value)
{
	const char *all[NFIELDS + NFLAGS];
	for (int i = 0; i < NFIELDS; i++)
		all[i] = signal_fields[i];
	for (int i = 0; i < NFLAGS; i++)
		all[NFIELDS + i] = signal_flags[i];
	char b[72], fields[512], flags[128];
	const char *k = shown(b, key, klen);
	if (has_value && vr_enum_lookup(signal_flags, NFLAGS, key, klen) >= 0) {
		err(r, t, at(r, w), "`%s` is a flag: write `%s` alone, without a value (a test signal has no %s unless it says so)",
		    k, k, k);
		return;
	}
	if (!has_value && vr_enum_lookup(signal_fields, NFIELDS, key, klen) >= 0) {
		err(r, t, at(r, w), "`%s` takes a value: `%s=...`", k, k);
		return;
	}
	const char *s = diag_suggest(k, all, NFIELDS + NFLAGS);
	if (s)
		err(r, t, at_part(r, w, 0, klen), "`%s` is not a field of a test signal; did you mean `%s`?", k, s);
	else
		err(r, t, at_part(r, w, 0, klen), "`%s` is not a field of a test signal (fields: %s; flags: %s)", k,
		    list(fields, sizeof fields, signal_fields, NFIELDS), list(flags, sizeof flags, signal_flags, NFLAGS));
}

/* One `field=value` or flag of a signal into S; false, reported. */
static bool signal_field(pt_reader *r, pt_test *t, vr_signal *s, const word *w)
{
	const char *eq = memchr(w->s, '=', w->len);
	const size_t klen = eq ? (size_t)(eq - w->s) : w->len;
	const char *key = w->s, *val = eq ? eq + 1 : "";
	size_t vlen = eq ? w->len - klen - 1 : 0, off = klen + 1;
	if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {   /* `district="Oude Dorp"` */
		val++;
		vlen -= 2;
		off++;
	}
	int64_t num = 0;
	int e;
	if (w->quoted || (!eq && vr_enum_lookup(signal_flags, NFLAGS, key, klen) < 0) ||
	    (eq && vr_enum_lookup(signal_fields, NFIELDS, key, klen) < 0)) {
		unknown_field(r, t, w, key, klen, eq != NULL);
		return false;
	}
	if (!eq) {
		if (equals("phone", key, klen))
			s->has_phone = 1;
		else if (equals("email", key, klen))
			s->has_email = 1;
		else if (equals("known_debt_help", key, klen))
			s->known_debt_help = 1;
		else
			s->legal_form = LEGAL_LEGAL;
		return true;
	}
	/* A number out of its range is reported as such: NUMBER and AMOUNT
	 * say what the field takes. */
	if (equals("received", key, klen))
		return date(r, t, w, off, val, vlen, &s->received);
	if (equals("months_ago", key, klen)) {
		if (!number(r, t, w, "months_ago", val, vlen, MAX_MONTHS_AGO, &num))
			return false;
		s->received = vr_month_first_day(r->month - (vr_month)num);
		return true;
	}
	if (equals("kind", key, klen)) {
		if ((e = enum_value(r, t, w, off, val, vlen, "a signal kind", vr_kind_names, KIND_COUNT)) < 0)
			return false;
		s->kind = (uint8_t)e;
		return true;
	}
	if (equals("legal_form", key, klen)) {
		if ((e = enum_value(r, t, w, off, val, vlen, "a legal form", vr_legal_form_names, LEGAL_COUNT)) < 0)
			return false;
		s->legal_form = (uint8_t)e;
		return true;
	}
	if (equals("installment", key, klen))
		return amount(r, t, w, val, vlen, &s->installment);
	if (equals("installments_missed", key, klen))
		return number(r, t, w, "installments_missed", val, vlen, VR_COUNT_MAX, &s->installments_missed);
	if (equals("days_overdue", key, klen))
		return number(r, t, w, "days_overdue", val, vlen, VR_COUNT_MAX, &s->days_overdue);
	if (equals("birth_date", key, klen))
		return date(r, t, w, off, val, vlen, &s->birth_date);
	if (equals("age", key, klen)) {
		if (!number(r, t, w, "age", val, vlen, MAX_AGE, &num))
			return false;
		/* Born exactly AGE years before the first day of the month. */
		int y, m, dd;
		vr_date_to_ymd(vr_month_first_day(r->month), &y, &m, &dd);
		s->birth_date = vr_date_from_ymd(y - (int)num, m, 1);
		return true;
	}
	if (equals("district", key, klen))
		s->district = keep(t, val, vlen);
	else if (equals("person", key, klen))
		s->person = keep(t, val, vlen);
	else if (equals("brp_match", key, klen)) {
		if (!number(r, t, w, "brp_match", val, vlen, 1, &num))
			return false;
		s->brp_match = (int8_t)num;
	} else {
		s->signal_id = keep(t, val, vlen);
	}
	return true;
}

static void read_signal(pt_reader *r, pt_test *t, const word *w, int n)
{
	pt_household *h = current(r, t, &w[0]);
	if (!h)
		return;
	if (n < 4) {
		err(r, t, at(r, &w[0]), "a signal is `signal CREDITOR SECTOR ARREARS [field=value ...] [flag ...]`");
		return;
	}
	if (h->nsignals == POLICYTEST_MAX_SIGNALS) {
		err(r, t, at(r, &w[0]), "a household of a test has at most %d signals", POLICYTEST_MAX_SIGNALS);
		return;
	}
	vr_signal *s = &h->signals[h->nsignals];
	memset(s, 0, sizeof *s);
	char id[32];
	snprintf(id, sizeof id, "T%03zu", h->nsignals + 1);
	s->signal_id = keep(t, id, strlen(id));
	s->person = "";
	s->creditor = keep(t, w[1].s, w[1].len);
	s->district = "";
	s->received = vr_month_first_day(r->month);
	s->birth_date = VR_DATE_NONE;
	s->installment = s->installments_missed = s->days_overdue = VR_MISSING;
	s->brp_match = -1;
	const int sector = vr_enum_lookup(vr_sector_names, SECTOR_COUNT, w[2].s, w[2].len);
	if (sector < 0 || w[2].quoted) {
		not_one_of(r, t, at(r, &w[2]), w[2].s, w[2].len, "a sector", vr_sector_names, SECTOR_COUNT);
		return;
	}
	s->sector = (uint8_t)sector;
	if (!amount(r, t, &w[3], w[3].s, w[3].len, &s->arrears))
		return;
	for (int i = 4; i < n; i++)
		if (!signal_field(r, t, s, &w[i]))
			return;
	h->nsignals++;
}

static void read_outcome(pt_reader *r, pt_test *t, const word *w, int n)
{
	pt_household *h = current(r, t, &w[0]);
	if (!h)
		return;
	if (n != 3) {
		err(r, t, at(r, &w[0]), "an outcome is `outcome OUTCOME YYYY-MM-DD` (refused, reached_no_help, ...)");
		return;
	}
	const int o = enum_value(r, t, &w[1], 0, w[1].s, w[1].len, "an outcome", vr_outcome_names, OUTCOME_COUNT);
	vr_date day;
	if (o < 0 || !date(r, t, &w[2], 0, w[2].s, w[2].len, &day))
		return;
	if (h->noutcomes == POLICYTEST_MAX_OUTCOMES) {
		err(r, t, at(r, &w[0]), "a household of a test has at most %d outcomes", POLICYTEST_MAX_OUTCOMES);
		return;
	}
	h->outcomes[h->noutcomes++] = (vr_outcome){ "", day, (uint8_t)o };
}

/* `household KEY` or `households N PREFIX`. */
static void read_household(pt_reader *r, pt_test *t, const word *w, int n, bool group)
{
	const char *key = n >= (group ? 3 : 2) ? keep(t, w[group ? 2 : 1].s, w[group ? 2 : 1].len) : "?";
	int64_t count = 1;
	if (!t->named && t->nhouseholds) {
		err(r, t, at(r, &w[0]), "this test already describes its one household (the lines above); "
		    "in a test of several households, every household has its own `household` line");
	} else if (group && (n != 3 || !whole(w[1].s, w[1].len, POLICYTEST_MAX_HOUSEHOLDS, &count) || count < 1)) {
		err(r, t, at(r, n >= 2 ? &w[1] : &w[0]), "write `households N PREFIX`: N households alike "
		    "(N from 1 to %d), keyed PREFIX1 to PREFIXN", POLICYTEST_MAX_HOUSEHOLDS);
		count = 1;
	} else if (!group && n != 2) {
		err(r, t, at(r, &w[0]), "write `household KEY`, the household's key (in quotes when it has a blank)");
	} else if (key[0] == '\0') {
		err(r, t, at(r, &w[n - 1]), "a household's key is not empty");
	} else if (pt_count(t) + count > POLICYTEST_MAX_HOUSEHOLDS) {
		err(r, t, at(r, &w[0]), "a test describes at most %d households", POLICYTEST_MAX_HOUSEHOLDS);
		count = 1;
	}
	/* Even after a mistake: the lines under it have a household to go to,
	 * and tell nothing more about this one. */
	t->named = true;
	int width = 0;
	for (int64_t c = count; group && c > 0; c /= 10)
		width++;
	add_household(t, key, (long)count, width, r->line);
}

/* `capacity BUCKET N`: the bucket's capacity in this test. */
static void read_capacity(pt_reader *r, pt_test *t, const word *w, int n)
{
	const bc_program *p = r->p;
	int64_t cap;
	if (n != 3) {
		err(r, t, at(r, &w[0]), "write `capacity BUCKET N`: the bucket's capacity in this test");
		return;
	}
	const int32_t b = find_bucket(p, w[1].s, w[1].len);
	if (b < 0 || w[1].quoted) {
		no_such(r, t, at(r, &w[1]), NAMES_BUCKETS, w[1].s, w[1].len);
		return;
	}
	if (p->buckets[b].capacity < 0) {
		err(r, t, at(r, &w[1]), "bucket `%s` has no capacity in the policy; a test can change a capacity, "
		    "not give one", bucket_text(p, (uint32_t)b));
		return;
	}
	if (!whole(w[2].s, w[2].len, VR_COUNT_MAX, &cap)) {
		char b2[72];
		err(r, t, at(r, &w[2]), "`%s`: a capacity is a whole number from 0 to %lld", shown(b2, w[2].s, w[2].len),
		    (long long)VR_COUNT_MAX);
		return;
	}
	for (size_t i = 0; i < t->ncapacities; i++)
		if (t->capacities[i].bucket == (uint32_t)b) {
			err(r, t, at(r, &w[1]), "the capacity of `%s` is given twice in this test", bucket_text(p, (uint32_t)b));
			return;
		}
	if (t->ncapacities == t->capacities_cap) {
		const size_t c = t->capacities_cap ? t->capacities_cap * 2 : 4;
		pt_capacity *a = arena_alloc(&t->strings, c * sizeof *a);
		if (t->ncapacities)
			memcpy(a, t->capacities, t->ncapacities * sizeof *a);
		t->capacities = a;
		t->capacities_cap = c;
	}
	t->capacities[t->ncapacities++] = (pt_capacity){ (uint32_t)b, cap };
}

/* The bucket (or `excluded "reason"`) at W[I] and the `key=value` words
 * after it into E. */
static void read_decision(pt_reader *r, pt_test *t, pt_expect *e, const word *w, int i, int n)
{
	const bc_program *p = r->p;
	if (is(&w[i], "excluded")) {
		e->bucket = -1;
		if (i + 1 >= n || !w[i + 1].quoted) {
			err(r, t, at(r, &w[i]), "an exclusion is expected with its reason: `expect excluded \"not counted\"`");
			return;
		}
		bool found = false;
		for (uint32_t k = 0; k < p->nrules && !found; k++)
			found = excludes(&p->rules[k]) && equals(p->consts[p->rules[k].reason].text, w[i + 1].s, w[i + 1].len);
		for (uint32_t k = 0; k < p->nrules && !found; k++)
			if (p->rules[k].kind == RULE_SKIPPED && !excludes(&p->rules[k]) &&
			    equals(p->consts[p->rules[k].reason].text, w[i + 1].s, w[i + 1].len)) {
				err(r, t, at(r, &w[i + 1]), "the skip on line %u sends its households to `%s`, it does not "
				    "exclude them: `expect %s`", p->rules[k].line, bucket_text(p, (uint32_t)p->rules[k].bucket),
				    bucket_text(p, (uint32_t)p->rules[k].bucket));
				return;
			}
		if (!found) {
			no_such(r, t, at(r, &w[i + 1]), NAMES_REASONS, w[i + 1].s, w[i + 1].len);
			return;
		}
		e->reason = keep(t, w[i + 1].s, w[i + 1].len);
		i += 2;
	} else {
		e->bucket = w[i].quoted ? -1 : find_bucket(p, w[i].s, w[i].len);
		if (e->bucket < 0) {
			no_such(r, t, at(r, &w[i]), NAMES_BUCKETS, w[i].s, w[i].len);
			return;
		}
		e->reason = "";
		i++;
	}
	if (n - i > 0)
		e->labels = arena_alloc(&t->strings, (size_t)(n - i) * sizeof *e->labels);
	for (; i < n; i++) {
		const word *x = &w[i];
		const char *eq = memchr(x->s, '=', x->len);
		if (!eq || x->quoted) {
			char b[72];
			err(r, t, at(r, x), "`%s`: after the bucket come `place=N`, `overflowed_from=BUCKET` and labels, "
			    "each as name=value", shown(b, x->s, x->len));
			return;
		}
		const size_t klen = (size_t)(eq - x->s), vlen = x->len - klen - 1;
		const char *val = eq + 1;
		const diag_loc vloc = at_part(r, x, klen + 1, vlen);
		if (equals("place", x->s, klen)) {
			/* Empty, as in the decisions' CSV: no place. */
			if (vlen == 0)
				e->place = 0;
			else if (!whole(val, vlen, INT64_MAX, &e->place) || e->place < 1) {
				char b[72];
				err(r, t, vloc, "`%s`: a place is a whole number from 1 (or empty for no place: `place=`)",
				    shown(b, val, vlen));
				return;
			}
		} else if (equals("overflowed_from", x->s, klen)) {
			/* Empty, as in the decisions' CSV: came by a rule. */
			e->overflowed_from = vlen ? find_bucket(p, val, vlen) : -1;
			if (vlen && e->overflowed_from < 0) {
				no_such(r, t, vloc, NAMES_BUCKETS, val, vlen);
				return;
			}
		} else {
			int32_t label = -1;
			for (uint32_t l = 0; l < p->nlabels && label < 0; l++)
				if (equals(p->consts[p->labels[l].name].text, x->s, klen))
					label = (int32_t)l;
			if (label < 0) {
				no_such(r, t, at_part(r, x, 0, klen), NAMES_LABELS, x->s, klen);
				return;
			}
			e->labels[e->nlabels++] = (pt_label){ (uint32_t)label, keep(t, val, vlen) };
		}
	}
}

static void read_expect(pt_reader *r, pt_test *t, const word *w, int n)
{
	int64_t count;
	if (n >= 3 && !w[1].quoted && whole(w[1].s, w[1].len, POLICYTEST_MAX_HOUSEHOLDS, &count) && is(&w[2], "in")) {
		pt_expect *e = add_expect(t, r->line);
		e->is_count = true;
		e->count = (long)count;
		if (n != 4) {
			err(r, t, at(r, &w[0]), "write `expect N in BUCKET` (or `expect N in excluded`)");
			return;
		}
		e->bucket = is(&w[3], "excluded") ? -1 : find_bucket(r->p, w[3].s, w[3].len);
		if (!is(&w[3], "excluded") && (e->bucket < 0 || w[3].quoted))
			no_such(r, t, at(r, &w[3]), NAMES_BUCKETS, w[3].s, w[3].len);
		return;
	}
	if (t->named) {
		if (n < 3) {
			err(r, t, at(r, &w[0]), "in a test of several households, say whose decision: "
			    "`expect HOUSEHOLD BUCKET` (or `expect N in BUCKET`)");
			return;
		}
		pt_expect *e = add_expect(t, r->line);
		e->household = keep(t, w[1].s, w[1].len);
		e->household_loc = at(r, &w[1]);
		read_decision(r, t, e, w, 2, n);
		return;
	}
	if (n < 2) {
		err(r, t, at(r, &w[0]), "write `expect BUCKET [place=N] [overflowed_from=BUCKET] [label=value ...]` "
		    "or `expect excluded \"reason\"`");
		return;
	}
	if (!t->nhouseholds)
		add_household(t, "T", 1, 0, t->line);
	pt_expect *e = add_expect(t, r->line);
	read_decision(r, t, e, w, 1, n);
}

/* ---- tests -------------------------------------------------------------- */

const char *pt_key(const pt_household *h, long i, char *buf, size_t size)
{
	if (h->width == 0)
		return h->key;
	snprintf(buf, size, "%s%0*ld", h->key, h->width, i + 1);
	return buf;
}

/* Whether KEY is one of the test's households. */
static bool has_key(const pt_test *t, const char *key)
{
	const size_t len = strlen(key);
	for (size_t i = 0; i < t->nhouseholds; i++) {
		const pt_household *h = &t->households[i];
		if (h->width == 0) {
			if (strcmp(h->key, key) == 0)
				return true;
			continue;
		}
		const size_t plen = strlen(h->key);
		int64_t num;
		if (len == plen + (size_t)h->width && memcmp(key, h->key, plen) == 0 &&
		    whole(key + plen, (size_t)h->width, h->count, &num) && num >= 1)
			return true;
	}
	return false;
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

/* The checks only a whole test allows, and its households made ready for
 * the VM: signals after the month left out (as in a run), sorted. */
static void finish(pt_reader *r, pt_test *t)
{
	const diag_loc test_loc = { t->line, 1, t->line, 5 };
	char month[8];
	vr_month_format(r->month, month);
	if (t->errors)
		;   /* what follows would only repeat a mistake already told */
	else if (t->nhouseholds == 0)
		err(r, t, test_loc, "test \"%s\" describes no household: give it a `signal` line", t->name);
	else if (t->nexpects == 0)
		err(r, t, test_loc, "test \"%s\" has no `expect` line", t->name);
	const vr_date end = vr_month_first_day(r->month + 1), first = vr_month_first_day(r->month);
	for (size_t i = 0; i < t->nhouseholds; i++) {
		pt_household *h = &t->households[i];
		size_t n = 0;
		bool current = false;
		for (size_t k = 0; k < h->nsignals; k++) {
			if (h->signals[k].person[0] == '\0')
				h->signals[k].person = h->key;
			if (h->signals[k].received < end) {
				current |= h->signals[k].received >= first;
				h->signals[n++] = h->signals[k];
			}
		}
		h->nsignals = n;
		qsort(h->signals, h->nsignals, sizeof *h->signals, cmp_signals);
		qsort(h->outcomes, h->noutcomes, sizeof *h->outcomes, cmp_outcomes);
		/* A household without a signal of the run month is never triaged:
		 * no run decides it, so no test can expect a decision of it. */
		if (current || t->errors)
			continue;
		const diag_loc loc = { h->line, 1, h->line, 5 };
		const char *what = h->nsignals ? "no signal in" : "no signal";
		if (!t->named)
			err(r, t, loc, "test \"%s\": its household has %s%s%s, so no run would decide it; give it "
			    "a signal of the month", t->name, what, h->nsignals ? " " : "", h->nsignals ? month : "");
		else
			err(r, t, loc, "household `%s` has %s%s%s, so no run would decide it; give it a signal of "
			    "the month", h->key, what, h->nsignals ? " " : "", h->nsignals ? month : "");
	}
	for (size_t i = 0; i < t->nexpects; i++) {
		const pt_expect *e = &t->expects[i];
		if (!e->household || has_key(t, e->household))
			continue;
		char b[72];
		err(r, t, e->household_loc, "no household `%s` in this test", shown(b, e->household, strlen(e->household)));
	}
}

void pt_reader_init(pt_reader *r, const bc_program *p, const char *name, const char *text, size_t len, diag *d)
{
	memset(r, 0, sizeof *r);
	r->p = p;
	r->d = d;
	r->src = (diag_source){ name, text, len };
	r->pos = text;
	r->end = text + len;
}

void pt_test_free(pt_test *t)
{
	arena_free(&t->strings);
	memset(t, 0, sizeof *t);
}

static const char *const test_lines[] = { "signal", "outcome", "expect", "household", "households", "capacity" };

bool pt_read_test(pt_reader *r, pt_test *t)
{
	memset(t, 0, sizeof *t);
	arena_init(&t->strings);
	bool in_test = false;
	while (!r->stop && r->pos < r->end) {
		const char *start = r->pos;
		const char *nl = memchr(r->pos, '\n', (size_t)(r->end - r->pos));
		size_t l = nl ? (size_t)(nl - r->pos) : (size_t)(r->end - r->pos);
		r->pos += l + (nl != NULL);
		if (l > 0 && start[l - 1] == '\r')   /* a CRLF line end */
			l--;
		r->line++;
		word w[POLICYTEST_MAX_WORDS];
		const int n = split(r, in_test ? t : NULL, start, l, w);
		if (n <= 0)
			continue;
		if (is(&w[0], "test")) {
			if (in_test) {   /* the next test: read again next time */
				r->pos = start;
				r->line--;
				break;
			}
			if (!r->have_month) {
				err(r, NULL, at(r, &w[0]), "start the file with `month YYYY-MM` (the run month of the tests)");
				r->stop = true;
				break;
			}
			in_test = true;
			t->line = r->line;
			if (n != 2 || !w[1].quoted) {
				err(r, t, at(r, &w[0]), "write `test \"description\"`: a test's name, in quotes");
				t->name = "";
			} else {
				t->name = keep(t, w[1].s, w[1].len);
			}
		} else if (is(&w[0], "month")) {
			if (r->have_month || in_test)
				err(r, in_test ? t : NULL, at(r, &w[0]), "the month is given once, at the top of the file");
			else if (n != 2 || !vr_month_parse(w[1].s, w[1].len, &r->month))
				err(r, NULL, at(r, n >= 2 ? &w[1] : &w[0]), "write the month as `month YYYY-MM`");
			r->have_month = true;
		} else if (!in_test) {
			err(r, NULL, at(r, &w[0]), "expected `month YYYY-MM` or `test \"description\"`");
		} else if (is(&w[0], "signal")) {
			read_signal(r, t, w, n);
		} else if (is(&w[0], "outcome")) {
			read_outcome(r, t, w, n);
		} else if (is(&w[0], "expect")) {
			read_expect(r, t, w, n);
		} else if (is(&w[0], "household") || is(&w[0], "households")) {
			read_household(r, t, w, n, is(&w[0], "households"));
		} else if (is(&w[0], "capacity")) {
			read_capacity(r, t, w, n);
		} else {
			char b[72], all[128];
			const char *s = diag_suggest(shown(b, w[0].s, w[0].len), test_lines, 6);
			if (s)
				err(r, t, at(r, &w[0]), "`%s` is not a line of a test; did you mean `%s`?", b, s);
			else
				err(r, t, at(r, &w[0]), "a test holds %s lines", list(all, sizeof all, test_lines, 6));
		}
	}
	if (in_test)
		finish(r, t);
	return in_test;
}
