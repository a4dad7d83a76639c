/* ref_p2.c - bench-ref-p2: policy P2 (field-policies.md) written straight in C
 * over the vroeg store, the yardstick vroeg dry-run is timed against. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"

/* It reads the rows the VM's cursor reads (the run month's households in key
 * order, their signals over the run month and the 6 months before) with one
 * prepared statement, decides each household as it streams past, fills the
 * two capacity buckets at the end, and prints a count per bucket. It assumes
 * the schema of src/schema.c (version 1) and a store written by vroeg import.
 * It keeps only the keys and arrears of the households that compete for a
 * bucket with capacity, unless --decisions keeps every decision. */

/* P2's numbers, in cents and places. */
enum {
	FLOOR = 10000,            /* 1. below EUR 100 not counted (water: any) */
	HOME_VISIT_RECIDIVE = 50000, /* 5. single, recidive, arrears > EUR 500 */
	PHONE_LOW = 10000,        /* 6. single, recidive, EUR 100-500 */
	PHONE_HIGH = 50000,
	PHONE_SINGLE = 30000,     /* 6. single, arrears > EUR 300 */
	HOME_VISIT_CAPACITY = 30, /* overflow to mail */
	PHONE_CAPACITY = 50,      /* overflow to letter */
	LOOKBACK = 6              /* recidive: the previous 6 months */
};

/* The buckets, in the order the report prints them (sorted by name, as
 * bench/run.sh compares them). */
enum bucket {
	B_ALREADY_KNOWN, B_CRISIS, B_EXCLUDED_LEGAL, B_EXCLUDED_NOT_COUNTED,
	B_HOME_VISIT, B_LETTER, B_MAIL, B_PHONE, B_REGISTER_CHECK, B_COUNT
};

static const char *const bucket_names[B_COUNT] = {
	"already_known", "crisis", "excluded", "excluded", "home_visit", "letter",
	"mail", "phone", "register_check",
};
static const char *const bucket_reasons[B_COUNT] = {
	"", "", "legal person", "not counted", "", "", "", "", "",
};

/* The statement, as src/schema.c's SQL_CURSOR_SIGNALS reads, restricted to
 * the columns P2 looks at. ?1 'YYYY-MM', ?2 first day of the lookback, ?3 last
 * day of the run month. */
static const char read_sql[] =
	"SELECT s.household, s.received, s.creditor, s.sector, s.kind, s.arrears,\n"
	"       s.legal_form, s.brp_match, s.known_debt_help, s.has_phone\n"
	"FROM month_households AS m CROSS JOIN signals AS s\n"
	"WHERE m.month = ?1 AND s.household = m.household\n"
	"  AND s.received BETWEEN ?2 AND ?3\n"
	"ORDER BY m.household, s.received, s.signal_id";

enum col {
	C_HOUSEHOLD, C_RECEIVED, C_CREDITOR, C_SECTOR, C_KIND, C_ARREARS,
	C_LEGAL_FORM, C_BRP_MATCH, C_KNOWN_DEBT_HELP, C_HAS_PHONE
};

/* A growable byte buffer; strings are found again by offset. */
typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

static bool buf_add(buf *b, const void *s, size_t len, size_t *at)
{
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	*at = b->len;
	memcpy(b->p + b->len, s, len);
	b->p[b->len + len] = '\0';
	b->len += len + 1;
	return true;
}

/* One household's facts, gathered while its rows stream past. */
typedef struct facts {
	char key[256];
	size_t key_len;
	bool legal, counted, crisis, known, brp0, rent, phone, recidive;
	cents_t arrears;
	/* distinct creditors of the counted current signals: the first one,
	 * and whether another was seen (all "match" needs) */
	char creditor[256];
	size_t creditor_len;
	int ncreditors;
} facts;

/* A household competing for a bucket with capacity. */
typedef struct candidate {
	cents_t arrears;
	size_t key;               /* offset in the key buffer */
	size_t decision;          /* index in the decisions, when kept */
} candidate;

typedef struct candidates {
	candidate *items;
	size_t n, cap;
} candidates;

typedef struct decision {
	size_t key;
	uint8_t bucket;
	uint8_t overflowed;       /* bucket index it overflowed from, or B_COUNT */
} decision;

/* Everything one run holds; owned by main. */
typedef struct ref {
	bool keep_decisions;
	buf keys;
	candidates home, phone;
	decision *decisions;
	size_t ndecisions, cap_decisions;
	long counts[B_COUNT];
	long households, rows;
} ref;

static bool add_candidate(candidates *c, cents_t arrears, size_t key, size_t index)
{
	if (c->n == c->cap) {
		const size_t cap = c->cap ? c->cap * 2 : 1024;
		candidate *p = realloc(c->items, cap * sizeof *p);
		if (!p)
			return false;
		c->items = p;
		c->cap = cap;
	}
	c->items[c->n++] = (candidate){ arrears, key, index };
	return true;
}

/* Records the household's decision (bucket B for now; capacity may move it). */
static bool decide(ref *r, const facts *f, enum bucket b, candidates *compete)
{
	r->households++;
	size_t key = 0, index = r->ndecisions;
	if (compete || r->keep_decisions)
		if (!buf_add(&r->keys, f->key, f->key_len, &key))
			return false;
	if (r->keep_decisions) {
		if (r->ndecisions == r->cap_decisions) {
			const size_t cap = r->cap_decisions ? r->cap_decisions * 2 : 4096;
			decision *p = realloc(r->decisions, cap * sizeof *p);
			if (!p)
				return false;
			r->decisions = p;
			r->cap_decisions = cap;
		}
		r->decisions[r->ndecisions++] = (decision){ key, (uint8_t)b, B_COUNT };
	}
	if (compete)
		return add_candidate(compete, f->arrears, key, index);
	r->counts[b]++;
	return true;
}

/* P2, first rule that applies decides. */
static bool decide_p2(ref *r, const facts *f)
{
	if (f->legal)
		return decide(r, f, B_EXCLUDED_LEGAL, NULL);
	if (!f->counted)
		return decide(r, f, B_EXCLUDED_NOT_COUNTED, NULL);
	if (f->crisis)
		return decide(r, f, B_CRISIS, NULL);
	if (f->known)
		return decide(r, f, B_ALREADY_KNOWN, NULL);
	if (f->brp0)
		return decide(r, f, B_REGISTER_CHECK, NULL);
	const bool match = f->ncreditors >= 2, single = f->ncreditors == 1;
	const cents_t a = f->arrears;
	if (match || (single && f->recidive && a > HOME_VISIT_RECIDIVE))
		return decide(r, f, B_HOME_VISIT, &r->home);
	if (single && (f->rent || (f->recidive && a >= PHONE_LOW && a <= PHONE_HIGH)
		       || a > PHONE_SINGLE)) {
		/* Bound for phone without a phone: mail (a redirect, not an overflow). */
		if (!f->phone)
			return decide(r, f, B_MAIL, NULL);
		return decide(r, f, B_PHONE, &r->phone);
	}
	return decide(r, f, B_LETTER, NULL);
}

static int candidate_order(const void *pa, const void *pb, const char *keys)
{
	const candidate *a = pa, *b = pb;
	if (a->arrears != b->arrears)
		return a->arrears > b->arrears ? -1 : 1;
	return strcmp(keys + a->key, keys + b->key); /* byte order: unsigned */
}

/* qsort has no context argument in C11; the comparison needs the keys. A
 * sort of our own keeps that without a global. Merge sort: stable, n log n. */
static void sort_candidates(candidate *v, candidate *tmp, size_t n, const char *keys)
{
	if (n < 2)
		return;
	const size_t h = n / 2;
	sort_candidates(v, tmp, h, keys);
	sort_candidates(v + h, tmp, n - h, keys);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = candidate_order(&v[j], &v[i], keys) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

/* Gives CAPACITY places of bucket B in its order; the rest go to OVERFLOW. */
static bool fill(ref *r, candidates *c, enum bucket b, int capacity, enum bucket overflow)
{
	candidate *tmp = malloc((c->n ? c->n : 1) * sizeof *tmp);
	if (!tmp)
		return false;
	sort_candidates(c->items, tmp, c->n, r->keys.p);
	free(tmp);
	for (size_t i = 0; i < c->n; i++) {
		const bool placed = i < (size_t)capacity;
		r->counts[placed ? b : overflow]++;
		if (r->keep_decisions && !placed) {
			decision *d = &r->decisions[c->items[i].decision];
			d->bucket = (uint8_t)overflow;
			d->overflowed = (uint8_t)b;
		}
	}
	return true;
}

static bool is_text(const unsigned char *s, int len, const char *want)
{
	return (size_t)len == strlen(want) && memcmp(s, want, (size_t)len) == 0;
}

/* Reads the store and decides every household; returns 0, or 1 after
 * printing why it failed. */
static int run(ref *r, sqlite3 *db, vr_month month)
{
	char m[8], first[11], last[11];
	vr_month_format(month, m);
	vr_date_format(vr_month_first_day(month - LOOKBACK), first);
	vr_date_format(vr_month_first_day(month + 1) - 1, last);

	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, read_sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-ref-p2: %s\n", sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, last, -1, SQLITE_STATIC);

	facts f;
	bool have = false;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->rows++;
		const unsigned char *key = sqlite3_column_text(st, C_HOUSEHOLD);
		const int key_len = sqlite3_column_bytes(st, C_HOUSEHOLD);
		if (!have || (size_t)key_len != f.key_len || memcmp(key, f.key, f.key_len) != 0) {
			if (have && !decide_p2(r, &f))
				goto oom;
			if ((size_t)key_len >= sizeof f.key) {
				fprintf(stderr, "bench-ref-p2: household key longer than %zu bytes\n",
					sizeof f.key - 1);
				sqlite3_finalize(st);
				return 1;
			}
			memset(&f, 0, offsetof(facts, creditor));
			memcpy(f.key, key, (size_t)key_len);
			f.key[key_len] = '\0';
			f.key_len = (size_t)key_len;
			f.ncreditors = 0;
			have = true;
		}

		const char *received = (const char *)sqlite3_column_text(st, C_RECEIVED);
		const bool current = memcmp(received, m, 7) == 0;
		const unsigned char *sector = sqlite3_column_text(st, C_SECTOR);
		const int sector_len = sqlite3_column_bytes(st, C_SECTOR);
		const bool water = is_text(sector, sector_len, "water");
		const bool counted = water || sqlite3_column_int64(st, C_ARREARS) >= FLOOR;
		if (!current) {
			f.recidive |= counted;
			continue;
		}
		/* Uncounted current signals still carry legal form and phone. */
		f.legal |= is_text(sqlite3_column_text(st, C_LEGAL_FORM),
				   sqlite3_column_bytes(st, C_LEGAL_FORM), "legal");
		f.phone |= sqlite3_column_int(st, C_HAS_PHONE) == 1;
		if (!counted)
			continue;
		f.counted = true;
		f.arrears += sqlite3_column_int64(st, C_ARREARS);
		f.rent |= is_text(sector, sector_len, "rent");
		const unsigned char *kind = sqlite3_column_text(st, C_KIND);
		const int kind_len = sqlite3_column_bytes(st, C_KIND);
		f.crisis |= is_text(kind, kind_len, "eviction") || is_text(kind, kind_len, "end_of_supply");
		f.known |= sqlite3_column_int(st, C_KNOWN_DEBT_HELP) == 1;
		f.brp0 |= sqlite3_column_type(st, C_BRP_MATCH) != SQLITE_NULL
			  && sqlite3_column_int(st, C_BRP_MATCH) == 0;
		if (f.ncreditors < 2) {
			const unsigned char *c = sqlite3_column_text(st, C_CREDITOR);
			const size_t c_len = (size_t)sqlite3_column_bytes(st, C_CREDITOR);
			if (f.ncreditors == 0) {
				/* Longer names than the buffer compare on a prefix: a
				 * creditor name is never that long in practice. */
				f.creditor_len = c_len < sizeof f.creditor ? c_len : sizeof f.creditor - 1;
				memcpy(f.creditor, c, f.creditor_len);
				f.ncreditors = 1;
			} else if (c_len != f.creditor_len || memcmp(c, f.creditor, c_len) != 0) {
				f.ncreditors = 2;
			}
		}
	}
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "bench-ref-p2: reading the store: %s\n", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		return 1;
	}
	sqlite3_finalize(st);
	if (have && !decide_p2(r, &f))
		goto oom;
	/* home_visit before mail and phone before letter: a bucket before its
	 * overflow target. */
	if (!fill(r, &r->home, B_HOME_VISIT, HOME_VISIT_CAPACITY, B_MAIL)
	    || !fill(r, &r->phone, B_PHONE, PHONE_CAPACITY, B_LETTER))
		goto oom;
	return 0;
oom:
	fputs("bench-ref-p2: out of memory\n", stderr);
	sqlite3_finalize(st);
	return 1;
}

static void print_counts(const ref *r, const char *month)
{
	printf("# bench-ref-p2 %s: policy P2, %ld households, %ld signal rows read\n",
	       month, r->households, r->rows);
	for (int b = 0; b < B_COUNT; b++) {
		if (!r->counts[b])
			continue;
		if (bucket_reasons[b][0])
			printf("%s (%s)\t%ld\n", bucket_names[b], bucket_reasons[b], r->counts[b]);
		else
			printf("%s\t%ld\n", bucket_names[b], r->counts[b]);
	}
	printf("total\t%ld\n", r->households);
}

/* The contract's first decision columns, without rule (this is not a rule
 * file); in household order, since households were read in key order. */
static void print_decisions(const ref *r, const char *month)
{
	puts("month,household,bucket,reason,overflowed_from");
	for (size_t i = 0; i < r->ndecisions; i++) {
		const decision *d = &r->decisions[i];
		printf("%s,%s,%s,%s,%s\n", month, r->keys.p + d->key, bucket_names[d->bucket],
		       bucket_reasons[d->bucket],
		       d->overflowed < B_COUNT ? bucket_names[d->overflowed] : "");
	}
}

static int usage(FILE *out, int status)
{
	fputs("usage: bench-ref-p2 [--decisions] DB YYYY-MM\n"
	      "       bench-ref-p2 --sql YYYY-MM\n"
	      "Applies policy P2 to the households of the vroeg store DB with a signal in\n"
	      "the month and prints a count per bucket (excluded ones by reason).\n"
	      "  --decisions  print one CSV row per household instead\n"
	      "  --sql        print the ordered read it does, values filled in, for the\n"
	      "               sqlite3 shell\n", out);
	return status;
}

static bool parse_month(const char *s, vr_month *out)
{
	if (vr_month_parse(s, strlen(s), out))
		return true;
	fprintf(stderr, "bench-ref-p2: expected a month as YYYY-MM, got '%s'\n", s);
	return false;
}

/* The read with its three values written in, for `sqlite3 DB "$(...)"`. */
static void print_sql(vr_month month)
{
	char m[8], first[11], last[11];
	vr_month_format(month, m);
	vr_date_format(vr_month_first_day(month - LOOKBACK), first);
	vr_date_format(vr_month_first_day(month + 1) - 1, last);
	for (const char *p = read_sql; *p; p++) {
		if (*p == '?' && p[1] >= '1' && p[1] <= '3') {
			printf("'%s'", p[1] == '1' ? m : p[1] == '2' ? first : last);
			p++;
		} else {
			putchar(*p);
		}
	}
	puts(";");
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return usage(stdout, 0);
	vr_month month;
	if (argc == 3 && strcmp(argv[1], "--sql") == 0) {
		if (!parse_month(argv[2], &month))
			return 2;
		print_sql(month);
		return 0;
	}
	ref r = { 0 };
	int a = 1;
	if (argc == 4 && strcmp(argv[1], "--decisions") == 0) {
		r.keep_decisions = true;
		a = 2;
	}
	if (argc - a != 2 || argv[a][0] == '-')
		return usage(stderr, 2);
	const char *path = argv[a];
	if (!parse_month(argv[a + 1], &month))
		return 2;

	/* No mutex, as src/schema.c opens the store; the default page cache,
	 * since one pass in key order reads each page once. */
	sqlite3 *db;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench-ref-p2: cannot open %s: %s\n", path,
			db ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return 1;
	}
	int status = run(&r, db, month);
	sqlite3_close(db);
	if (status == 0) {
		if (r.keep_decisions)
			print_decisions(&r, argv[a + 1]);
		else
			print_counts(&r, argv[a + 1]);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fputs("bench-ref-p2: write error\n", stderr);
			status = 1;
		}
	}
	free(r.keys.p);
	free(r.home.items);
	free(r.phone.items);
	free(r.decisions);
	return status;
}
