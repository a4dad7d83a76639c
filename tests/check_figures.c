/* check_figures.c - the month figures (figures.h). On a store of generated
 * data with runs of six field policies recorded for six months (one of them
 * replaced), every figure of `vroeg report --format csv` equals what the test
 * counts itself from the generated CSV files, `vroeg decisions --format csv`
 * and the rule files: never through the store's SQL. Then: the figures of a
 * run equal those its recorded decisions give; a run recorded before figures
 * were kept is reported from its decisions, capacity unknown; frozen figures
 * survive the deletion of the rows they count; --min-count withholds the
 * small counts and the shares built on them. */
#include <check.h>
#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compile.h"
#include "figures.h"
#include "support.h"

static char dir[64];

static const char *vroeg_gen(void)
{
	const char *v = getenv("VROEG_GEN");
	return v ? v : "build/vroeg-gen";
}

/* Runs CMD (through sh); its exit status. Output to OUT when given. */
static int sh(const char *cmd, char *out, size_t size)
{
	FILE *p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	size_t n = 0;
	if (out) {
		n = fread(out, 1, size - 1, p);
		out[n] = '\0';
	} else {
		char sink[4096];
		while (fread(sink, 1, sizeof sink, p) > 0)
			;
	}
	const int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void shf(const char *fmt, const char *a, const char *b, const char *c)
{
	char cmd[2048], out[4096];
	snprintf(cmd, sizeof cmd, fmt, a, b, c);
	strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
	ck_assert_msg(sh(cmd, out, sizeof out) == 0, "`%s` failed: %s", cmd, out);
}

/* ---- a CSV line into fields (RFC 4180 quotes; no line breaks in fields) ---- */

enum { MAX_FIELDS = 64, FIELD = 256 };
typedef char fields[MAX_FIELDS][FIELD];

/* Splits the line at *P (moving *P past it) into F; the number of fields,
 * 0 at the end of the text. */
static int csv_line(const char **p, fields f)
{
	if (!**p)
		return 0;
	int n = 0;
	size_t k = 0;
	bool quoted = false;
	for (;; (*p)++) {
		const char c = **p;
		if (quoted) {
			if (c == '"' && (*p)[1] == '"') {
				(*p)++;
				f[n][k++] = '"';
			} else if (c == '"') {
				quoted = false;
			} else {
				f[n][k++] = c;
			}
			continue;
		}
		if (c == '"') {
			quoted = true;
		} else if (c == ',' || c == '\n' || c == '\0') {
			f[n][k] = '\0';
			n++;
			k = 0;
			if (c != ',') {
				if (c == '\n')
					(*p)++;
				return n;
			}
		} else if (c != '\r') {
			f[n][k++] = c;
		}
		ck_assert(k < FIELD - 1 && n < MAX_FIELDS);
	}
}

static int column(const fields head, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(head[i], name) == 0)
			return i;
	return -1;
}

/* ---- expected figures: "month|measure|bucket|category" -> count (or share) ---- */

typedef struct expect {
	char key[1100];
	long value, of;     /* of > 0: a share value/of */
	bool seen;
} expect;

typedef struct expects {
	expect *v;
	size_t n, cap;
} expects;

static expect *find(expects *e, const char *key)
{
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].key, key) == 0)
			return &e->v[i];
	return NULL;
}

static void add(expects *e, const char *month, const char *measure, const char *bucket, const char *category,
		long delta)
{
	char key[1100];
	snprintf(key, sizeof key, "%s|%s|%s|%s", month, measure, bucket, category);
	expect *x = find(e, key);
	if (!x) {
		if (e->n == e->cap) {
			e->cap = e->cap ? e->cap * 2 : 256;
			e->v = realloc(e->v, e->cap * sizeof *e->v);
			ck_assert_ptr_nonnull(e->v);
		}
		x = &e->v[e->n++];
		memset(x, 0, sizeof *x);
		snprintf(x->key, sizeof x->key, "%s", key);
	}
	x->value += delta;
}

static long get(expects *e, const char *month, const char *measure, const char *bucket, const char *category)
{
	char key[1100];
	snprintf(key, sizeof key, "%s|%s|%s|%s", month, measure, bucket, category);
	const expect *x = find(e, key);
	return x ? x->value : 0;
}

/* ---- the store and its runs -------------------------------------------------- */

/* Months of the report; runs for 2023-12 .. 2024-05 (2024-04 replaced).
 * P6 with 600 places back-fills (its 40 are too few for that here). */
#define FROM "2023-11"
#define TO "2024-06"
static char backfill[128];
static struct {
	const char *month, *policy;
} runs[] = {
	{ "2023-12", "rules/amount-and-contact.vroeg" },
	{ "2024-01", "rules/mortgage-experiment.vroeg" },
	{ "2024-02", backfill },
	{ "2024-03", "rules/crisis-queue.vroeg" },
	{ "2024-04", "rules/crisis-queue.vroeg" },   /* replaces a run of letter-for-all */
	{ "2024-05", "rules/crisis-queue.vroeg" },
};
enum { NRUNS = sizeof runs / sizeof runs[0] };

static void build_store(void)
{
	strcpy(dir, "/tmp/vroeg-figures-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	char cmd[2048], out[4096];
	snprintf(cmd, sizeof cmd,
		 "%s --seed 7 --households 3000 --end-month 2024-06 --months 14 --run-month-signals 1200 "
		 "--total-signals 12000 --signals %s/signals.csv --outcomes %s/outcomes.csv 2>&1",
		 vroeg_gen(), dir, dir);
	ck_assert_msg(sh(cmd, out, sizeof out) == 0, "vroeg-gen failed: %s", out);
	char db[128];
	snprintf(db, sizeof db, "%s/store.db", dir);
	snprintf(backfill, sizeof backfill, "%s/backfill-600.vroeg", dir);
	shf("sed 's/capacity 40/capacity 600/' rules/backfill-visits.vroeg > %s%s%s", backfill, "", "");
	shf("%s import --db %s %s/signals.csv", vroeg_bin(), db, dir);
	shf("%s import --db %s --outcomes %s/outcomes.csv", vroeg_bin(), db, dir);
	snprintf(cmd, sizeof cmd, "%s run --db %s --month 2024-04 rules/letter-for-all.vroeg >/dev/null", vroeg_bin(), db);
	shf("%s%s%s", cmd, "", "");
	for (int i = 0; i < NRUNS; i++) {
		snprintf(cmd, sizeof cmd, "%s run --db %s --month %s --replace %s >/dev/null", vroeg_bin(), db,
			 runs[i].month, runs[i].policy);
		shf("%s%s%s", cmd, "", "");
		snprintf(cmd, sizeof cmd, "%s decisions --db %s --month %s --format csv > %s/dec-%s.csv", vroeg_bin(), db,
			 runs[i].month, dir, runs[i].month);
		shf("%s%s%s", cmd, "", "");
	}
	snprintf(cmd, sizeof cmd, "%s report --db %s --months " FROM ".." TO " --format csv > %s/report.csv", vroeg_bin(),
		 db, dir);
	shf("%s%s%s", cmd, "", "");
}

static void remove_store(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	sh(cmd, NULL, 0);
}

/* ---- independent counts --------------------------------------------------- */

/* "YYYY-MM" of the month N months after M (N may be negative). */
static void month_add(const char *m, int n, char out[8])
{
	int y = atoi(m), mo = atoi(m + 5) - 1 + n;
	y += mo >= 0 ? mo / 12 : -((11 - mo) / 12);
	mo = ((mo % 12) + 12) % 12;
	snprintf(out, 8, "%04d-%02d", y, mo + 1);
}

static bool in_report(const char *m)
{
	return strcmp(m, FROM) >= 0 && strcmp(m, TO) <= 0;
}

/* A household's months with a signal, as a sorted list of "YYYY-MM". */
typedef struct household_months {
	char key[32];
	char months[32][8];
	int n;
} household_months;

static void expect_signals(expects *e)
{
	char path[128];
	snprintf(path, sizeof path, "%s/signals.csv", dir);
	char *text = slurp_file(path, NULL);
	const char *p = text;
	static fields f;
	const int nh = csv_line(&p, f);
	const int c_received = column(f, nh, "received"), c_household = column(f, nh, "household"),
		  c_sector = column(f, nh, "sector"), c_creditor = column(f, nh, "creditor");
	static household_months hh[4000];
	int nhh = 0;
	while (csv_line(&p, f) > 0) {
		char m[8];
		snprintf(m, sizeof m, "%.7s", f[c_received]);
		if (in_report(m)) {
			add(e, m, "signals", "", f[c_sector], 1);
			add(e, m, "signals_total", "", "", 1);
			add(e, m, "signals_by_creditor", "", f[c_creditor], 1);
		}
		household_months *h = NULL;
		for (int i = 0; i < nhh && !h; i++)
			if (strcmp(hh[i].key, f[c_household]) == 0)
				h = &hh[i];
		if (!h) {
			ck_assert_int_lt(nhh, 4000);
			h = &hh[nhh++];
			snprintf(h->key, sizeof h->key, "%s", f[c_household]);
		}
		bool have = false;
		for (int i = 0; i < h->n && !have; i++)
			have = strcmp(h->months[i], m) == 0;
		if (!have) {
			ck_assert_int_lt(h->n, 32);
			snprintf(h->months[h->n++], 8, "%s", m);
		}
	}
	/* New: no signal in the 12 months before. */
	for (int i = 0; i < nhh; i++) {
		for (int a = 0; a < hh[i].n; a++) {
			const char *m = hh[i].months[a];
			if (!in_report(m))
				continue;
			char first[8];
			month_add(m, -12, first);
			bool returning = false;
			for (int b = 0; b < hh[i].n; b++)
				returning |= strcmp(hh[i].months[b], first) >= 0 && strcmp(hh[i].months[b], m) < 0;
			add(e, m, "signalled_total", "", "", 1);
			add(e, m, "signalled", "", returning ? "returning" : "new", 1);
		}
	}
	/* Every sector, every month of the report: 0 too. */
	static const char *const sectors[] = { "rent", "mortgage", "health", "energy", "water", "municipal_tax", "other" };
	for (char m[8] = FROM; strcmp(m, TO) <= 0; month_add(m, 1, m)) {
		for (int s = 0; s < 7; s++)
			add(e, m, "signals", "", sectors[s], 0);
		add(e, m, "signals_total", "", "", 0);
		add(e, m, "signalled_total", "", "", 0);
		add(e, m, "signalled", "", "new", 0);
		add(e, m, "signalled", "", "returning", 0);
	}
	free(text);
}

/* What a rule file says about its buckets. */
typedef struct bucket_decl {
	char name[64], overflow[64], no_phone[64], no_email[64], backfill_from[64];
	long capacity;      /* -1: none */
} bucket_decl;

typedef struct policy_text {
	char path[128];
	char line_bucket[200][64];   /* per line: the bucket its rule sends to, or "" */
	bucket_decl buckets[16];
	int nbuckets;
	char reasons[16][64];        /* exclusion reasons, as written */
	int nreasons;
	bool counts;                 /* has a floor or a skip: "not counted" occurs */
} policy_text;

static const char *word_after(const char *line, const char *word, char *out, size_t size)
{
	const char *w = strstr(line, word);
	out[0] = '\0';
	if (!w)
		return NULL;
	w += strlen(word);
	while (*w == ' ')
		w++;
	size_t n = strcspn(w, " \n");
	snprintf(out, size, "%.*s", (int)n, w);
	return out;
}

static void read_policy(const char *path, policy_text *pt)
{
	memset(pt, 0, sizeof *pt);
	snprintf(pt->path, sizeof pt->path, "%s", path);
	char *text = slurp_file(path, NULL);
	int line = 0;
	bucket_decl *b = NULL;
	for (char *l = text; l && *l; line++) {
		char *nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		char *hash = strchr(l, '#');
		if (hash)
			*hash = '\0';
		ck_assert_int_lt(line + 1, 200);
		if (strncmp(l, "bucket ", 7) == 0) {
			b = &pt->buckets[pt->nbuckets++];
			memset(b, 0, sizeof *b);
			word_after(l, "bucket", b->name, sizeof b->name);
			b->capacity = -1;
		} else if (!isspace((unsigned char)l[0])) {
			b = NULL;
		}
		if (b) {
			char w[64];
			if (word_after(l, " capacity", w, sizeof w) && isdigit((unsigned char)w[0]))
				b->capacity = atol(w);
			if (word_after(l, " overflow", w, sizeof w))
				snprintf(b->overflow, sizeof b->overflow, "%s", w);
			if (word_after(l, "without phone ->", w, sizeof w))
				snprintf(b->no_phone, sizeof b->no_phone, "%s", w);
			if (word_after(l, "without email ->", w, sizeof w))
				snprintf(b->no_email, sizeof b->no_email, "%s", w);
			if (word_after(l, "backfill from", w, sizeof w))
				snprintf(b->backfill_from, sizeof b->backfill_from, "%s", w);
		} else if (strstr(l, "->")) {
			word_after(l, "->", pt->line_bucket[line + 1], sizeof pt->line_bucket[0]);
		}
		const char *q = strncmp(l, "exclude \"", 9) == 0 ? l + 9 : NULL;
		if (q) {
			bool have = false;
			char reason[64];
			snprintf(reason, sizeof reason, "%.*s", (int)strcspn(q, "\""), q);
			for (int i = 0; i < pt->nreasons; i++)
				have |= strcmp(pt->reasons[i], reason) == 0;
			if (!have)
				snprintf(pt->reasons[pt->nreasons++], 64, "%s", reason);
		}
		pt->counts |= strncmp(l, "count signal", 12) == 0 || strncmp(l, "skip ", 5) == 0;
		l = nl ? nl + 1 : NULL;
	}
	free(text);
}

static const bucket_decl *decl(const policy_text *pt, const char *name)
{
	for (int i = 0; i < pt->nbuckets; i++)
		if (strcmp(pt->buckets[i].name, name) == 0)
			return &pt->buckets[i];
	return NULL;
}

/* The bucket the rule "FILE:LINE" sends to. */
static const char *rule_bucket(const policy_text *pt, const char *rule)
{
	const char *colon = strrchr(rule, ':');
	ck_assert_ptr_nonnull(colon);
	const int line = atoi(colon + 1);
	ck_assert(line > 0 && line < 200);
	return pt->line_bucket[line];
}

/* A household's outcomes. */
typedef struct outcome_row {
	char household[32], date[11], outcome[32];
} outcome_row;

static outcome_row *read_outcomes(size_t *n)
{
	char path[128];
	snprintf(path, sizeof path, "%s/outcomes.csv", dir);
	char *text = slurp_file(path, NULL);
	const char *p = text;
	static fields f;
	const int nh = csv_line(&p, f);
	const int ch = column(f, nh, "household"), cd = column(f, nh, "date"), co = column(f, nh, "outcome");
	outcome_row *v = NULL;
	size_t cap = 0;
	*n = 0;
	while (csv_line(&p, f) > 0) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = realloc(v, cap * sizeof *v);
			ck_assert_ptr_nonnull(v);
		}
		snprintf(v[*n].household, 32, "%s", f[ch]);
		snprintf(v[*n].date, 11, "%s", f[cd]);
		snprintf(v[*n].outcome, 32, "%s", f[co]);
		(*n)++;
	}
	free(text);
	return v;
}

static const char *const outcome_names[] = { "not_picked_up", "not_reached", "reached_no_help", "refused",
					     "help_accepted", "already_known", "wrongly_reported", "deceased" };

static void expect_run(expects *e, const char *month, const char *policy, const outcome_row *outs, size_t nouts)
{
	policy_text pt;
	read_policy(policy, &pt);
	char path[128];
	snprintf(path, sizeof path, "%s/dec-%s.csv", dir, month);
	char *text = slurp_file(path, NULL);
	const char *p = text;
	static fields head, f;
	const int nh = csv_line(&p, head);
	const int c_bucket = column(head, nh, "bucket"), c_reason = column(head, nh, "reason"),
		  c_rule = column(head, nh, "rule"), c_over = column(head, nh, "overflowed_from"),
		  c_place = column(head, nh, "place"), c_household = column(head, nh, "household");
	const int first_label = c_over + 1, nlabels = c_place - first_label;
	char last_day[11], window_end[8];
	month_add(month, FIGURES_OUTCOME_MONTHS, window_end);
	snprintf(last_day, sizeof last_day, "%s-31", window_end);   /* dates compare as text */
	char first_day[11];
	snprintf(first_day, sizeof first_day, "%s-01", month);
	/* Every bucket and reason of the policy is listed, 0 included. */
	add(e, month, "households", "excluded", "", 0);
	for (int i = 0; i < pt.nbuckets; i++) {
		const bucket_decl *b = &pt.buckets[i];
		add(e, month, "households", b->name, "", 0);
		add(e, month, "demand", b->name, "", 0);
		if (b->capacity >= 0) {
			add(e, month, "capacity", b->name, "", b->capacity);
			add(e, month, "places", b->name, "", 0);
			add(e, month, "turned_away", b->name, b->overflow, 0);
		}
		if (b->no_phone[0])
			add(e, month, "redirected", b->name, b->no_phone, 0);
		if (b->no_email[0])
			add(e, month, "redirected", b->name, b->no_email, 0);
		if (b->backfill_from[0])
			add(e, month, "backfilled", b->backfill_from, b->name, 0);
	}
	for (int i = 0; i < pt.nreasons; i++)
		add(e, month, "excluded", "", pt.reasons[i], 0);
	if (pt.counts)
		add(e, month, "excluded", "", "not counted", 0);
	while (csv_line(&p, f) > 0) {
		const char *bucket = f[c_bucket], *over = f[c_over];
		add(e, month, "households", bucket, "", 1);
		if (f[c_reason][0])
			add(e, month, "excluded", "", f[c_reason], 1);
		if (over[0])
			add(e, month, "overflowed_from", bucket, over, 1);
		if (f[c_place][0])
			add(e, month, "places", bucket, "", 1);
		/* Labels, one by one and combined. */
		char combined[1300] = "";
		bool any = false;
		for (int l = 0; l < nlabels; l++) {
			const char *v = f[first_label + l];
			char cat[600];
			snprintf(cat, sizeof cat, "%s=%s", head[first_label + l], v);
			if (v[0]) {
				add(e, month, "label", bucket, cat, 1);
				any = true;
			}
			if (l)
				strcat(combined, " & ");
			strcat(combined, cat);
		}
		if (any && nlabels >= 2)
			add(e, month, "labels", bucket, combined, 1);
		/* The first outcome in the run month and the 3 after. */
		const outcome_row *first = NULL;
		for (size_t i = 0; i < nouts; i++) {
			const outcome_row *o = &outs[i];
			if (strcmp(o->household, f[c_household]) != 0 || strcmp(o->date, first_day) < 0 ||
			    strcmp(o->date, last_day) > 0)
				continue;
			if (!first || strcmp(o->date, first->date) < 0 ||
			    (strcmp(o->date, first->date) == 0 && strcmp(o->outcome, first->outcome) < 0))
				first = o;
		}
		add(e, month, "outcome", bucket, first ? first->outcome : "none", 1);
		/* Moves, from the rule files' buckets (these policies move a
		 * household at most along one overflow chain, then one redirect). */
		if (strcmp(bucket, "excluded") == 0)
			continue;
		const char *from = rule_bucket(&pt, f[c_rule]);
		ck_assert_msg(from[0], "%s: no bucket on the line of %s", policy, f[c_rule]);
		add(e, month, "demand", from, "", 1);
		const char *at = from;
		if (over[0]) {
			for (int steps = 0;; steps++) {
				ck_assert_msg(steps < 8 && decl(&pt, at), "%s: %s does not lead to %s", policy, from, over);
				add(e, month, "turned_away", at, decl(&pt, at)->overflow, 1);
				if (strcmp(at, over) == 0)
					break;
				at = decl(&pt, at)->overflow;
			}
			at = decl(&pt, over)->overflow;
		}
		if (strcmp(at, bucket) == 0)
			continue;
		const bucket_decl *b = decl(&pt, bucket);
		if (b && strcmp(b->backfill_from, at) == 0 && f[c_place][0]) {
			add(e, month, "backfilled", at, bucket, 1);
			continue;
		}
		const bucket_decl *a = decl(&pt, at);
		ck_assert_msg(a && (strcmp(a->no_phone, bucket) == 0 || strcmp(a->no_email, bucket) == 0),
			      "%s: %s %s to %s is no redirect", policy, month, at, bucket);
		add(e, month, "redirected", at, bucket, 1);
	}
	free(text);
	/* Every outcome of a bucket with households, 0 included, and the share reached. */
	for (int i = 0; i < pt.nbuckets + 1; i++) {
		const char *b = i < pt.nbuckets ? pt.buckets[i].name : "excluded";
		const long households = get(e, month, "households", b, "");
		if (households == 0)
			continue;
		add(e, month, "outcome", b, "none", 0);
		for (int o = 0; o < 8; o++)
			add(e, month, "outcome", b, outcome_names[o], 0);
		add(e, month, "reached_share", b, "", get(e, month, "outcome", b, "reached_no_help") +
			get(e, month, "outcome", b, "refused") + get(e, month, "outcome", b, "help_accepted"));
		char key[1100];
		snprintf(key, sizeof key, "%s|reached_share|%s|", month, b);
		find(e, key)->of = households;
	}
}

START_TEST(every_figure_equals_an_independent_count)
{
	expects e = { 0 };
	expect_signals(&e);
	size_t nouts;
	outcome_row *outs = read_outcomes(&nouts);
	for (int i = 0; i < NRUNS; i++)
		expect_run(&e, runs[i].month, runs[i].policy, outs, nouts);
	free(outs);
	char path[128];
	snprintf(path, sizeof path, "%s/report.csv", dir);
	char *text = slurp_file(path, NULL);
	const char *p = text;
	static fields f;
	ck_assert_int_eq(csv_line(&p, f), 5);
	ck_assert_str_eq(f[0], "month");
	ck_assert_str_eq(f[4], "value");
	long rows = 0, runs_seen = 0;
	while (csv_line(&p, f) == 5) {
		rows++;
		if (strcmp(f[1], "run") == 0) {
			/* The run's identity: a policy name, or "no run" where none is. */
			const bool has = strcmp(f[0], "2023-12") >= 0 && strcmp(f[0], "2024-05") <= 0;
			ck_assert_msg(has ? strstr(f[3], "version 1 (source ") && atol(f[4]) > 0
					  : strcmp(f[3], "no run") == 0 && strcmp(f[4], "0") == 0,
				      "run row %s %s %s", f[0], f[3], f[4]);
			runs_seen++;
			continue;
		}
		char key[1100];
		snprintf(key, sizeof key, "%s|%s|%s|%s", f[0], f[1], f[2], f[3]);
		expect *x = find(&e, key);
		ck_assert_msg(x != NULL, "the report has %s = %s, which the test did not count", key, f[4]);
		ck_assert_msg(!x->seen, "%s twice", key);
		x->seen = true;
		if (x->of) {
			ck_assert_msg(fabs(atof(f[4]) - (double)x->value / (double)x->of) < 0.00005,
				      "%s: report %s, counted %ld/%ld", key, f[4], x->value, x->of);
		} else {
			char want[32];
			snprintf(want, sizeof want, "%ld", x->value);
			ck_assert_msg(strcmp(f[4], want) == 0, "%s: report %s, counted %s", key, f[4], want);
		}
	}
	ck_assert_int_eq(runs_seen, 8);
	for (size_t i = 0; i < e.n; i++)
		ck_assert_msg(e.v[i].seen, "the report lacks %s (counted %ld)", e.v[i].key, e.v[i].value);
	ck_assert_int_gt(rows, 500);
	/* The policies do exercise what is counted. */
	ck_assert_int_gt(get(&e, "2024-02", "backfilled", "letter", "home_visit"), 0);
	ck_assert_int_gt(get(&e, "2024-03", "redirected", "phone", "mail"), 0);
	ck_assert_int_gt(get(&e, "2023-12", "redirected", "email", "personal_card"), 0);
	ck_assert_int_gt(get(&e, "2024-01", "labels", "home_visit", "multiplicity=multiple & sequence=consecutive") +
			 get(&e, "2024-01", "labels", "home_visit", "multiplicity=single & sequence=non_consecutive"), 0);
	ck_assert_int_gt(get(&e, "2024-03", "outcome", "mail", "help_accepted"), 0);
	free(text);
	free(e.v);
}
END_TEST

/* ---- the library, on the example city ------------------------------------------ */

static store *city(diag *d)
{
	store *s = store_open(":memory:", 0, d);
	ck_assert_ptr_nonnull(s);
	store_import_counts counts;
	const char *const files[] = { "examples/city/signals.csv", "examples/city/outcomes.csv" };
	for (int i = 0; i < 2; i++) {
		FILE *in = fopen(files[i], "rb");
		ck_assert_ptr_nonnull(in);
		ck_assert_int_eq(i ? store_import_outcomes(s, in, files[i], d, &counts)
				   : store_import_signals(s, in, files[i], d, &counts), STORE_OK);
		fclose(in);
	}
	return s;
}

/* The field policies' lint warnings are not these tests'. */
static void compile_file(const char *path, bc_program *p)
{
	char *text = slurp_file(path, NULL);
	diag quiet;
	diag_init(&quiet, NULL);
	ck_assert_msg(compile_policy(path, text, strlen(text), &quiet, p), "%s does not compile", path);
	free(text);
}

START_TEST(measure_names_are_in_byte_order)
{
	for (int m = 1; m < FM_COUNT; m++)
		ck_assert_msg(strcmp(figures_measure_names[m - 1], figures_measure_names[m]) < 0, "%s before %s",
			      figures_measure_names[m - 1], figures_measure_names[m]);
}
END_TEST

static void record_month(store *s, const bc_program *p, vr_month month, diag *d)
{
	run_result r;
	ck_assert(run_evaluate(s, p, month, d, &r));
	store_run run = { .month = month, .policy_name = p->policy_name, .policy_version = p->policy_version,
			  .source_sha256 = "00", .started = "2024-07-01T00:00:00Z",
			  .finished = "2024-07-01T00:00:00Z", .households = (long)r.n };
	ck_assert_int_eq(store_begin(s, d), STORE_OK);
	ck_assert_int_eq(store_insert_run(s, &run, &r.set, d), STORE_OK);
	ck_assert_int_eq(figures_record_run(s, run.id, &r, p, d), STORE_OK);
	ck_assert_int_eq(store_commit(s, d), STORE_OK);
	run_result_free(&r);
}

/* The report of FROM..TO as CSV, into a string the caller frees. */
static char *report_csv(store *s, const char *from, const char *to, int min_count, diag *d)
{
	vr_month a, b;
	ck_assert(vr_month_parse(from, 7, &a) && vr_month_parse(to, 7, &b));
	figures_report r;
	ck_assert_int_eq(figures_report_build(s, a, b, min_count, &r, d), STORE_OK);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ck_assert(figures_write_text(out, &r, FIGURES_CSV));
	fclose(out);
	figures_report_free(&r);
	return text;
}

START_TEST(a_runs_figures_agree_with_those_its_decisions_give)
{
	diag d;
	diag_init(&d, stderr);
	store *s = city(&d);
	const char *const policies[] = { "rules/crisis-queue.vroeg", "rules/mortgage-experiment.vroeg",
					 "rules/backfill-visits.vroeg", "rules/zoetermeer-2018.vroeg" };
	vr_month june;
	ck_assert(vr_month_parse("2024-06", 7, &june));
	for (size_t i = 0; i < 4; i++) {
		bc_program p;
		compile_file(policies[i], &p);
		run_result r;
		ck_assert(run_evaluate(s, &p, june, &d, &r));
		figures_list a, b;
		figures_list_init(&a);
		figures_list_init(&b);
		ck_assert(figures_from_run(&a, &r, &p));
		ck_assert(figures_from_decisions(&b, &r.set));
		/* What the decisions give, the run gives alike; the run adds 0 for
		 * buckets and reasons nobody reached, and what needs the program. */
		for (size_t k = 0; k < b.n; k++) {
			const figures_row *x = &b.v[k], *y = figures_find(&a, x->month, x->measure, x->bucket, x->category);
			ck_assert_msg(y && y->value == x->value, "%s: %s %s %s", policies[i],
				      figures_measure_names[x->measure], x->bucket, x->category);
		}
		for (size_t k = 0; k < a.n; k++) {
			const figures_row *y = &a.v[k];
			if (figures_find(&b, y->month, y->measure, y->bucket, y->category))
				continue;
			ck_assert_msg(y->value == 0 || y->measure == FM_CAPACITY || y->measure == FM_DEMAND ||
				      y->measure == FM_TURNED_AWAY || y->measure == FM_REDIRECTED ||
				      y->measure == FM_BACKFILLED, "%s: %s %s %s only in the run's", policies[i],
				      figures_measure_names[y->measure], y->bucket, y->category);
		}
		figures_list_free(&a);
		figures_list_free(&b);
		run_result_free(&r);
		bc_program_free(&p);
	}
	store_close(s);
}
END_TEST

/* A sweep counts from the run's own counts: every figure it gives is the
 * one figures_from_run counts from the decision rows, and it gives every
 * figure of theirs but the labels and overflowed_from; for every field
 * policy, every month. */
START_TEST(the_counts_of_a_run_give_its_figures_without_the_rows)
{
	diag d;
	diag_init(&d, stderr);
	store *s = city(&d);
	const char *const policies[] = { "rules/crisis-queue.vroeg", "rules/mortgage-experiment.vroeg",
					 "rules/backfill-visits.vroeg", "rules/zoetermeer-2018.vroeg",
					 "rules/district-teams.vroeg", "rules/youth-route.vroeg",
					 "rules/amount-and-contact.vroeg", "rules/letter-for-all.vroeg",
					 "rules/zoetermeer-2019-06.vroeg", "examples/policies/overflow-redirect.vroeg",
					 /* a skip that sends households to a bucket, excluding none */
					 "examples/policies/repeats-and-districts.vroeg" };
	for (size_t i = 0; i < sizeof policies / sizeof *policies; i++) {
		bc_program p;
		compile_file(policies[i], &p);
		for (vr_month m = 2023 * 12 + 11; m <= 2024 * 12 + 5; m++) {
			run_result r;
			ck_assert(run_evaluate(s, &p, m, &d, &r));
			figures_list a, b;
			figures_list_init(&a);
			figures_list_init(&b);
			ck_assert(figures_from_run(&a, &r, &p));
			ck_assert(figures_from_run_counts(&b, &r, &p));
			size_t shared = 0;
			for (size_t k = 0; k < a.n; k++) {
				const figures_row *x = &a.v[k];
				const figures_row *y = figures_find(&b, x->month, x->measure, x->bucket, x->category);
				if (x->measure == FM_LABEL || x->measure == FM_LABELS || x->measure == FM_OVERFLOWED_FROM) {
					ck_assert_ptr_null(y);
					continue;
				}
				ck_assert_msg(y && y->value == x->value, "%s: %s %s %s: %lld from the rows, %lld from the counts",
					      policies[i], figures_measure_names[x->measure], x->bucket, x->category,
					      (long long)x->value, y ? (long long)y->value : -1LL);
				shared++;
			}
			ck_assert_uint_eq(shared, b.n);
			figures_list_free(&a);
			figures_list_free(&b);
			run_result_free(&r);
		}
		bc_program_free(&p);
	}
	store_close(s);
}
END_TEST

START_TEST(frozen_figures_survive_the_deletion_of_their_rows)
{
	char tmpdir[64] = "/tmp/vroeg-freeze-XXXXXX", path[128];
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof path, "%s/store.db", tmpdir);
	diag d;
	diag_init(&d, stderr);
	store *s = store_open(path, 0, &d);
	ck_assert_ptr_nonnull(s);
	store_import_counts counts;
	FILE *in = fopen("examples/city/signals.csv", "rb");
	ck_assert_int_eq(store_import_signals(s, in, "signals.csv", &d, &counts), STORE_OK);
	fclose(in);
	in = fopen("examples/city/outcomes.csv", "rb");
	ck_assert_int_eq(store_import_outcomes(s, in, "outcomes.csv", &d, &counts), STORE_OK);
	fclose(in);
	bc_program p;
	compile_file("rules/crisis-queue.vroeg", &p);
	vr_month m;
	ck_assert(vr_month_parse("2024-03", 7, &m));
	record_month(s, &p, m, &d);
	char *before = report_csv(s, "2024-02", "2024-04", 1, &d);
	static const char *const months[] = { "2024-02", "2024-03", "2024-04" };
	for (int i = 0; i < 3; i++) {
		vr_month x;
		ck_assert(vr_month_parse(months[i], 7, &x));
		ck_assert_int_eq(figures_freeze(s, x, &d), STORE_OK);
		/* Twice changes nothing. */
		ck_assert_int_eq(figures_freeze(s, x, &d), STORE_OK);
	}
	store_close(s);
	/* The rows go, as a purge deletes them (the months' signals and those
	 * before, which new-or-returning looks at; decisions; outcomes). */
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h,
		"DELETE FROM signals WHERE received BETWEEN '2023-01-01' AND '2024-04-30';"
		"DELETE FROM month_households WHERE month <= '2024-04';"
		"DELETE FROM decisions;"
		"DELETE FROM outcomes;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	s = store_open(path, 0, &d);
	ck_assert_ptr_nonnull(s);
	char *after = report_csv(s, "2024-02", "2024-04", 1, &d);
	ck_assert_str_eq(before, after);
	ck_assert_ptr_nonnull(strstr(before, "2024-03,households,mail,,"));
	ck_assert_ptr_nonnull(strstr(before, "2024-03,signals,,rent,"));
	free(before);
	free(after);
	store_close(s);
	bc_program_free(&p);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	sh(cmd, NULL, 0);
}
END_TEST

START_TEST(a_run_recorded_without_figures_is_reported_from_its_decisions)
{
	char tmpdir[64] = "/tmp/vroeg-oldrun-XXXXXX", path[128];
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof path, "%s/store.db", tmpdir);
	diag d;
	diag_init(&d, stderr);
	store *s = store_open(path, 0, &d);
	store_import_counts counts;
	FILE *in = fopen("examples/city/signals.csv", "rb");
	ck_assert_int_eq(store_import_signals(s, in, "signals.csv", &d, &counts), STORE_OK);
	fclose(in);
	bc_program p;
	compile_file("rules/crisis-queue.vroeg", &p);
	vr_month m;
	ck_assert(vr_month_parse("2024-06", 7, &m));
	record_month(s, &p, m, &d);
	char *with = report_csv(s, "2024-06", "2024-06", 1, &d);
	store_close(s);
	/* As a run of an earlier vroeg: no figures with it. */
	sqlite3 *h;
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "DELETE FROM month_figures", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	s = store_open(path, 0, &d);
	char *without = report_csv(s, "2024-06", "2024-06", 1, &d);
	figures_report r;
	ck_assert_int_eq(figures_report_build(s, m, m, 1, &r, &d), STORE_OK);
	ck_assert(r.months[0].has_run && !r.months[0].flows_known);
	figures_report_free(&r);
	/* Every line of the report without is one of the report with, and
	 * only capacity, demand and the moves are missing. */
	for (char *line = strtok(without, "\n"); line; line = strtok(NULL, "\n"))
		ck_assert_msg(strstr(with, line), "from the decisions only: %s", line);
	ck_assert_ptr_nonnull(strstr(with, "2024-06,capacity,home_visit,,30\n"));
	ck_assert_ptr_nonnull(strstr(with, "2024-06,turned_away,home_visit,mail,363\n"));
	ck_assert_ptr_nonnull(strstr(with, "2024-06,households,mail,,483\n"));
	free(with);
	free(without);
	store_close(s);
	bc_program_free(&p);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	sh(cmd, NULL, 0);
}
END_TEST

START_TEST(min_count_withholds_small_counts_and_the_shares_built_on_them)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "%s report --db %s/store.db --months " FROM ".." TO " --format csv --min-count 5 > %s/report5.csv",
		 vroeg_bin(), dir, dir);
	ck_assert_int_eq(sh(cmd, NULL, 0), 0);
	char a[128], b[128];
	snprintf(a, sizeof a, "%s/report.csv", dir);
	snprintf(b, sizeof b, "%s/report5.csv", dir);
	char *one = slurp_file(a, NULL), *five = slurp_file(b, NULL);
	const char *p = one, *q = five;
	static fields f, g;
	long withheld = 0, shares_withheld = 0, kept = 0;
	while (csv_line(&p, f) > 0) {
		ck_assert_int_eq(csv_line(&q, g), 5);
		for (int i = 0; i < 4; i++)
			ck_assert_str_eq(f[i], g[i]);
		if (strcmp(f[1], "month") == 0)
			continue;
		const bool setting = strcmp(f[1], "capacity") == 0 || strcmp(f[1], "run") == 0;
		if (strcmp(f[1], "reached_share") == 0) {
			if (strcmp(g[4], "<5") == 0) {
				shares_withheld++;
			} else {
				ck_assert_str_eq(f[4], g[4]);
				kept++;
			}
			continue;
		}
		const long v = atol(f[4]);
		if (!setting && v >= 1 && v <= 4) {
			ck_assert_msg(strcmp(g[4], "<5") == 0, "%s %s %s %s: %s", f[0], f[1], f[2], f[3], g[4]);
			withheld++;
		} else {
			ck_assert_str_eq(f[4], g[4]);
		}
	}
	ck_assert_int_gt(withheld, 10);
	ck_assert_int_gt(shares_withheld, 0);
	ck_assert_int_gt(kept, 0);
	free(one);
	free(five);
}
END_TEST

Suite *figures_suite(void)
{
	Suite *s = suite_create("figures");
	TCase *tc = tcase_create("counted");
	tcase_add_unchecked_fixture(tc, build_store, remove_store);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, every_figure_equals_an_independent_count);
	tcase_add_test(tc, min_count_withholds_small_counts_and_the_shares_built_on_them);
	suite_add_tcase(s, tc);

	tc = tcase_create("library");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, measure_names_are_in_byte_order);
	tcase_add_test(tc, a_runs_figures_agree_with_those_its_decisions_give);
	tcase_add_test(tc, the_counts_of_a_run_give_its_figures_without_the_rows);
	tcase_add_test(tc, frozen_figures_survive_the_deletion_of_their_rows);
	tcase_add_test(tc, a_run_recorded_without_figures_is_reported_from_its_decisions);
	suite_add_tcase(s, tc);
	return s;
}
