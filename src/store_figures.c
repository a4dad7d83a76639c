/* store_figures.c - the store's part of the month figures (store.h):
 * keeping them (table month_figures), and counting what the rows give while
 * they exist: one pass over the stored signals for all the months of a
 * report, and one merge of a run's decisions with the outcomes. Only counts
 * leave this file: never a household key or an amount. */
#include "schema.h"

#include <stdlib.h>
#include <string.h>

static void month_text(vr_month month, char buf[8])
{
	vr_month_format(month, buf);
}

static const char *text_or_empty(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

static void out_of_memory(store *s, diag *d)
{
	diag_error(d, "out of memory reading the store %s", s->path);
}

/* ------------------------------------------------------------- keeping -- */

enum store_status store_insert_figures(store *s, const store_figure *f, size_t n, diag *d)
{
	bool nested;
	enum store_status result = schema_write_begin(s, &nested, d);
	if (result != STORE_OK)
		return result;
	sqlite3_stmt *st = schema_stmt(s, SQL_FIGURE_INSERT, d);
	if (!st) {
		schema_write_rollback(s, nested);
		return STORE_IO_ERROR;
	}
	for (size_t i = 0; i < n && result == STORE_OK; i++) {
		char m[8];
		month_text(f[i].month, m);
		/* STATIC: M outlives the step; a copy could fail for memory and
		 * leave the month NULL, which would read as a constraint. */
		sqlite3_bind_text(st, 1, m, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, f[i].run_id);
		sqlite3_bind_text(st, 3, f[i].measure, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, f[i].bucket, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, f[i].category, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 6, f[i].value);
		const int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			continue;
		if (sqlite3_extended_errcode(s->db) == SQLITE_CONSTRAINT_PRIMARYKEY) {
			diag_error(d, "cannot record the figures of %s: %s %s %s is recorded already", m,
				   f[i].measure, f[i].bucket, f[i].category);
			result = STORE_DATA_ERROR;
		} else {
			result = schema_fail(s, "record the month figures", d);
		}
	}
	sqlite3_clear_bindings(st);
	if (result == STORE_OK)
		return schema_write_commit(s, nested, d);
	schema_write_rollback(s, nested);
	return result;
}

enum store_status store_read_figures(store *s, vr_month from, vr_month to,
				     void (*fn)(const store_figure *, void *), void *arg, diag *d)
{
	char a[8], b[8];
	month_text(from, a);
	month_text(to, b);
	sqlite3_stmt *st = schema_stmt(s, SQL_FIGURES_OF_MONTHS, d);
	if (!st)
		return STORE_IO_ERROR;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	enum store_status result = STORE_OK;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *month = text_or_empty(st, 0);
		store_figure f = {
			.run_id = sqlite3_column_int64(st, 1),
			.measure = text_or_empty(st, 2),
			.bucket = text_or_empty(st, 3),
			.category = text_or_empty(st, 4),
			.value = sqlite3_column_int64(st, 5),
		};
		if (!vr_month_parse(month, strlen(month), &f.month)) {
			diag_error(d, "the store %s is damaged: month figures for `%s`", s->path, month);
			result = STORE_IO_ERROR;
			break;
		}
		fn(&f, arg);
	}
	if (result == STORE_OK && rc != SQLITE_DONE)
		result = schema_fail(s, "read the month figures", d);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return result;
}

/* ------------------------------------------------------------- signals -- */

/* The creditors met so far: names in a buffer, found again through an
 * open-addressed hash table (a national month has hundreds of creditors and
 * a million signals), and per creditor a count for each month. */
typedef struct creditors {
	schema_buf names;
	size_t *at;                /* per creditor: its name's offset */
	long *counts;              /* creditor * nmonths + month */
	uint32_t *slots;           /* creditor + 1, or 0 when empty */
	size_t n, cap, nslots, nmonths;
} creditors;

static uint32_t hash(const char *s)
{
	uint32_t h = 2166136261u;   /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static bool creditors_rehash(creditors *c, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < c->n; i++) {
		size_t k = hash(c->names.p + c->at[i]) & (nslots - 1);
		while (slots[k])
			k = (k + 1) & (nslots - 1);
		slots[k] = (uint32_t)i + 1;
	}
	free(c->slots);
	c->slots = slots;
	c->nslots = nslots;
	return true;
}

/* The index of creditor NAME, added when new; -1 when out of memory. */
static long creditor_index(creditors *c, const char *name)
{
	if (c->nslots == 0 && !creditors_rehash(c, 256))
		return -1;
	size_t k = hash(name) & (c->nslots - 1);
	for (; c->slots[k]; k = (k + 1) & (c->nslots - 1))
		if (strcmp(c->names.p + c->at[c->slots[k] - 1], name) == 0)
			return (long)c->slots[k] - 1;
	if (c->n == c->cap) {
		const size_t cap = c->cap ? c->cap * 2 : 64;
		size_t *at = realloc(c->at, cap * sizeof *at);
		if (at)
			c->at = at;
		long *counts = realloc(c->counts, cap * c->nmonths * sizeof *counts);
		if (counts)
			c->counts = counts;
		if (!at || !counts)
			return -1;
		memset(c->counts + c->cap * c->nmonths, 0, (cap - c->cap) * c->nmonths * sizeof *counts);
		c->cap = cap;
	}
	const size_t at = schema_buf_add(&c->names, name, strlen(name));
	if (at == (size_t)-1)
		return -1;
	c->at[c->n] = at;
	c->slots[k] = (uint32_t)++c->n;
	if (c->n * 2 > c->nslots && !creditors_rehash(c, c->nslots * 2))
		return -1;
	return (long)c->n - 1;
}

static void creditors_free(creditors *c)
{
	schema_buf_free(&c->names);
	free(c->at);
	free(c->counts);
	free(c->slots);
}

static int sector_index(const char *t)
{
	for (int i = 0; i < SECTOR_COUNT; i++)
		if (strcmp(vr_sector_names[i], t) == 0)
			return i;
	return -1;
}

/* Per month of the span (the RETURNING months before FROM, then FROM..TO):
 * the counts store_month_signals gives. */
typedef struct month_counts {
	long signals[SECTOR_COUNT];
	long households, returning;
} month_counts;

enum store_status store_signal_figures(store *s, vr_month from, vr_month to, int returning,
				       void (*fn)(const store_month_signals *, void *), void *arg,
				       diag *d)
{
	const vr_month base = from - returning;
	const size_t span = (size_t)(to - base) + 1, nmonths = (size_t)(to - from) + 1;
	month_counts *months = calloc(span, sizeof *months);
	creditors cr = { .nmonths = nmonths };
	schema_buf prev = { 0 };
	if (!months || !schema_buf_append(&prev, "", 0)) {
		free(months);
		out_of_memory(s, d);
		return STORE_IO_ERROR;
	}
	sqlite3_stmt *st = schema_stmt(s, SQL_FIGURES_SIGNALS, d);
	if (!st) {
		free(months);
		schema_buf_free(&prev);
		return STORE_IO_ERROR;
	}
	enum store_status result = STORE_OK;
	long last_month = -1;      /* the household's latest month so far, as an index into MONTHS */
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *received = text_or_empty(st, 1);
		vr_month month;
		if (strlen(received) != 10 || !vr_month_parse(received, 7, &month)) {
			diag_error(d, "the store %s is damaged: a signal received `%s`", s->path, received);
			result = STORE_IO_ERROR;
			break;
		}
		if (month < base || month > to)
			continue;
		const char *household = text_or_empty(st, 0);
		if (strcmp(household, prev.p) != 0) {
			prev.len = 0;
			if (!schema_buf_append(&prev, household, strlen(household))) {
				out_of_memory(s, d);
				result = STORE_IO_ERROR;
				break;
			}
			last_month = -1;
		}
		const long mi = (long)(month - base);
		month_counts *m = &months[mi];
		/* Signals come in date order: a month differing from the last is
		 * the household's first signal in it. */
		if (mi != last_month) {
			if (month >= from) {
				m->households++;
				if (last_month >= 0 && mi - last_month <= returning)
					m->returning++;
			}
			last_month = mi;
		}
		if (month < from)
			continue;
		const int sector = sector_index(text_or_empty(st, 2));
		if (sector < 0) {
			diag_error(d, "the store %s is damaged: a signal of sector `%s`", s->path, text_or_empty(st, 2));
			result = STORE_IO_ERROR;
			break;
		}
		m->signals[sector]++;
		const long c = creditor_index(&cr, text_or_empty(st, 3));
		if (c < 0) {
			out_of_memory(s, d);
			result = STORE_IO_ERROR;
			break;
		}
		cr.counts[(size_t)c * nmonths + (size_t)(month - from)]++;
	}
	if (result == STORE_OK && rc != SQLITE_DONE)
		result = schema_fail(s, "count the signals", d);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	schema_buf_free(&prev);

	/* Each month's creditors, in name order. */
	size_t *order = result == STORE_OK ? malloc((cr.n + 1) * sizeof *order) : NULL;
	const char **names = order ? malloc((cr.n + 1) * sizeof *names) : NULL;
	long *counts = names ? malloc((cr.n + 1) * sizeof *counts) : NULL;
	if (result == STORE_OK && !counts) {
		out_of_memory(s, d);
		result = STORE_IO_ERROR;
	}
	if (result == STORE_OK) {
		for (size_t i = 0; i < cr.n; i++)
			order[i] = i;
		/* Insertion sort: creditors are a few hundred at most. */
		for (size_t i = 1; i < cr.n; i++)
			for (size_t j = i; j > 0 && strcmp(cr.names.p + cr.at[order[j - 1]],
							   cr.names.p + cr.at[order[j]]) > 0; j--) {
				const size_t t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		for (vr_month month = from; month <= to; month++) {
			const size_t k = (size_t)(month - from);
			const month_counts *m = &months[month - base];
			store_month_signals out = { .month = month, .households = m->households,
						    .returning = m->returning };
			memcpy(out.signals, m->signals, sizeof out.signals);
			for (size_t i = 0; i < cr.n; i++) {
				const long n = cr.counts[order[i] * nmonths + k];
				if (n) {
					names[out.ncreditors] = cr.names.p + cr.at[order[i]];
					counts[out.ncreditors++] = n;
				}
			}
			out.creditors = names;
			out.creditor_signals = counts;
			fn(&out, arg);
		}
	}
	free(order);
	free(names);
	free(counts);
	creditors_free(&cr);
	free(months);
	return result;
}

/* ------------------------------------------------------------ outcomes -- */

/* A bucket of the run and its households per first outcome (slot 0: none). */
typedef struct bucket_outcomes {
	size_t name;               /* offset in the names buffer */
	long n[OUTCOME_COUNT + 1];
} bucket_outcomes;

enum store_status store_outcome_figures(store *s, long long run_id, vr_date first, vr_date last,
					void (*fn)(const char *bucket, int outcome, long households,
						   void *arg),
					void *arg, diag *d)
{
	char a[11], b[11];
	vr_date_format(first, a);
	vr_date_format(last, b);
	sqlite3_stmt *dec = schema_stmt(s, SQL_FIGURES_DECISIONS, d);
	sqlite3_stmt *out = dec ? schema_stmt(s, SQL_FIGURES_OUTCOMES, d) : NULL;
	if (!out)
		return STORE_IO_ERROR;
	sqlite3_bind_int64(dec, 1, run_id);
	sqlite3_bind_text(out, 1, a, -1, SQLITE_STATIC);
	sqlite3_bind_text(out, 2, b, -1, SQLITE_STATIC);
	schema_buf names = { 0 };
	bucket_outcomes *buckets = NULL;
	size_t nbuckets = 0, cap = 0, hit = 0;
	enum store_status result = STORE_OK;
	/* The two streams side by side, both in household order: each
	 * household's first outcome is the first row of it in OUT. */
	int orc = sqlite3_step(out);
	int rc = SQLITE_DONE;
	/* A failure of either is reported at once, while the connection's
	 * error is still its own. */
	while ((orc == SQLITE_ROW || orc == SQLITE_DONE) && (rc = sqlite3_step(dec)) == SQLITE_ROW) {
		const char *household = text_or_empty(dec, 0), *bucket = text_or_empty(dec, 1);
		int cmp = -1;
		while (orc == SQLITE_ROW && (cmp = strcmp(text_or_empty(out, 0), household)) < 0)
			orc = sqlite3_step(out);
		if (orc != SQLITE_ROW && orc != SQLITE_DONE)
			break;
		int outcome = -1;
		if (orc == SQLITE_ROW && cmp == 0) {
			const char *t = text_or_empty(out, 1);
			for (int k = 0; k < OUTCOME_COUNT && outcome < 0; k++)
				if (strcmp(vr_outcome_names[k], t) == 0)
					outcome = k;
			if (outcome < 0) {
				diag_error(d, "the store %s is damaged: an outcome `%s`", s->path, t);
				result = STORE_IO_ERROR;
				break;
			}
		}
		/* Buckets are few and come in runs: the last one found first. */
		if (!(hit < nbuckets && strcmp(names.p + buckets[hit].name, bucket) == 0)) {
			for (hit = 0; hit < nbuckets && strcmp(names.p + buckets[hit].name, bucket) != 0; hit++)
				;
			if (hit == nbuckets) {
				if (nbuckets == cap) {
					cap = cap ? cap * 2 : 16;
					bucket_outcomes *grown = realloc(buckets, cap * sizeof *grown);
					if (!grown) {
						result = STORE_IO_ERROR;
						out_of_memory(s, d);
						break;
					}
					buckets = grown;
				}
				const size_t at = schema_buf_add(&names, bucket, strlen(bucket));
				if (at == (size_t)-1) {
					result = STORE_IO_ERROR;
					out_of_memory(s, d);
					break;
				}
				buckets[nbuckets] = (bucket_outcomes){ .name = at };
				nbuckets++;
			}
		}
		buckets[hit].n[outcome + 1]++;
	}
	if (result == STORE_OK && (rc != SQLITE_DONE || (orc != SQLITE_ROW && orc != SQLITE_DONE)))
		result = schema_fail(s, "count the outcomes", d);
	sqlite3_reset(dec);
	sqlite3_reset(out);
	sqlite3_clear_bindings(dec);
	sqlite3_clear_bindings(out);
	if (result == STORE_OK) {
		/* Buckets in name order (a handful: insertion sort). */
		for (size_t i = 1; i < nbuckets; i++)
			for (size_t j = i; j > 0 && strcmp(names.p + buckets[j - 1].name, names.p + buckets[j].name) > 0;
			     j--) {
				const bucket_outcomes t = buckets[j];
				buckets[j] = buckets[j - 1];
				buckets[j - 1] = t;
			}
		for (size_t i = 0; i < nbuckets; i++)
			for (int k = -1; k < OUTCOME_COUNT; k++)
				if (buckets[i].n[k + 1])
					fn(names.p + buckets[i].name, k, buckets[i].n[k + 1], arg);
	}
	free(buckets);
	schema_buf_free(&names);
	return result;
}
