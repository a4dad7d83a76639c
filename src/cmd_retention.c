/* cmd_retention.c - the commands that remove data: `vroeg purge` (the
 * months before a cut, or beyond the retention term kept in the store) and
 * `vroeg forget` (one household), both through retention.h; each prints
 * what it removed, per month and table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "retention.h"
#include "text.h"

/* One line: FMT formatted, the names in it shown escaped (text.h). */
static void line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(out, false, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

/* The calendar month of NOW in UTC, as --month previous takes it. */
static vr_month this_month(time_t now)
{
	struct tm tm;
	gmtime_r(&now, &tm);
	return (tm.tm_year + 1900) * 12 + tm.tm_mon;
}

/* One line of the table: a month's rows per table (named as the tables). */
static void print_counts(FILE *out, const char *month, const store_removed *m)
{
	fprintf(out, "%-8s %9ld %9ld %10ld %16ld %11ld %8ld\n", month, m->signals, m->outcomes, m->decisions,
		m->month_households, m->run_signals, m->feedback);
}

static void print_removed(FILE *out, const store_removal *r)
{
	fprintf(out, "%-8s %9s %9s %10s %16s %11s %8s\n", "month", "signals", "outcomes", "decisions",
		"month_households", "run_signals", "feedback");
	for (size_t i = 0; i < r->n; i++) {
		char month[8];
		vr_month_format(r->months[i].month, month);
		print_counts(out, month, &r->months[i]);
	}
	print_counts(out, "total", &r->total);
}

static bool nothing(const store_removal *r)
{
	const store_removed *t = &r->total;
	return !t->signals && !t->outcomes && !t->decisions && !t->month_households && !t->run_signals &&
		!t->feedback;
}

/* The lines after the table, and the exit code of a removal that got as far
 * as ST. */
static int report_end(const retention_result *r, enum store_status st, bool dry_run, const char *again,
		      diag *d)
{
	if (dry_run) {
		if (st == STORE_OK)
			printf("nothing was changed (--dry-run)\n");
		return cli_store_exit(st);
	}
	if (st == STORE_OK) {
		if (r->frozen)
			printf("the figures of %zu month%s are frozen; the store file and its journal are wiped\n",
			       r->frozen, r->frozen == 1 ? "" : "s");
		else
			printf("The store file and its journal are wiped\n");
		return EXIT_OK;
	}
	if (r->committed)
		diag_error(d, "the rows above are removed, but their bytes are not yet wiped from the store file "
			   "and its journal: run `%s` again to finish", again);
	return cli_store_exit(st);
}

/* Why purge --before MONTH is refused, and what it may do instead. */
static void refuse(const retention_refusal *r, const char *month, diag *d)
{
	char run_month[8], next[8], upto[8], allowed[8], how[96], may[96] = "";
	vr_month_format(r->run_month, run_month);
	vr_month_format(r->run_month + 1, next);
	if (r->lookback >= 0)
		snprintf(how, sizeof how, "it looks back %d month%s", r->lookback, r->lookback == 1 ? "" : "s");
	else
		snprintf(how, sizeof how, "how far back is not known: it was recorded before runs kept that");
	if (r->allowed) {
		vr_month_format(r->allowed - 1, upto);
		vr_month_format(r->allowed, allowed);
		snprintf(may, sizeof may, "it may purge up to %s (--before %s), or ", upto, allowed);
	}
	if (r->next_month)
		diag_error(d, "purge --before %s would remove signals and outcomes that the next run, for %s, "
			   "reads with the policy of run %lld (%s); %sgive --force to purge all the same",
			   month, next, r->run_id, how, may);
	else
		diag_error(d, "purge --before %s would remove signals and outcomes that the policy of run %lld "
			   "for %s reads (%s); %sgive --force to purge all the same", month, r->run_id, run_month,
			   how, may);
}

int cmd_purge(int argc, char **argv, diag *d)
{
	const char *db = NULL, *before_text = NULL, *keep_text = NULL, *force = NULL, *dry_run = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "before", true, &before_text }, { "keep", true, &keep_text },
		{ "force", false, &force }, { "dry-run", false, &dry_run }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 0 || (before_text && keep_text)) {
		diag_error(d, "purge takes --before YYYY-MM or --keep MONTHS, or neither (the term kept in the "
			   "store)\n%s", cli_usage("purge"));
		return EXIT_USAGE;
	}
	const vr_month now = this_month(time(NULL));
	vr_month before = 0;
	int keep = 0;
	if (keep_text) {
		char *end;
		const long n = strtol(keep_text, &end, 10);
		if (!*keep_text || *end || n < RETENTION_MIN_KEEP || n > RETENTION_MAX_KEEP) {
			diag_error(d, "--keep takes a number of months from %d to %d, not `%s`", RETENTION_MIN_KEEP,
				   RETENTION_MAX_KEEP, keep_text);
			return EXIT_USAGE;
		}
		keep = (int)n;
	} else if (before_text && !vr_month_parse(before_text, strlen(before_text), &before)) {
		diag_error(d, "`%s` is not a month: write YYYY-MM, e.g. 2024-03", before_text);
		return EXIT_USAGE;
	}
	int rc;
	store *s = cli_open_existing_store(db, d, &rc);
	if (!s)
		return rc;
	if (!before_text && !keep_text) {
		const int got = retention_term(s, &keep, d);
		if (got <= 0) {
			if (got == 0)
				diag_error(d, "the store keeps no retention term: give --before YYYY-MM, or --keep MONTHS "
					   "once (the store keeps it for the next purges)");
			store_close(s);
			return got == 0 ? EXIT_USAGE : EXIT_STORE;
		}
	}
	if (keep)
		before = now - keep;
	char month[8], this[8];
	vr_month_format(before, month);
	vr_month_format(now, this);
	if (before > now) {
		diag_error(d, "cannot purge %s: it is later than this month (%s)", month, this);
		store_close(s);
		return EXIT_USAGE;
	}
	retention_result r;
	retention_refusal refused;
	/* A --keep is kept with the purge it makes, not when that is refused. */
	const enum store_status st = retention_purge(s, before, keep_text ? keep : 0, force != NULL,
						     dry_run != NULL, &r, &refused, d);
	if (st == STORE_DATA_ERROR && refused.run_id) {
		refuse(&refused, month, d);
		store_close(s);
		return EXIT_DATA;
	}
	if (st == STORE_OK || r.committed) {
		if (nothing(&r.removed))
			line(stdout, "nothing to purge before %s in %s", month, db ? db : getenv("VROEG_DB"));
		else {
			line(stdout, "%s before %s in %s:", dry_run ? "would purge" : "purged", month,
			     db ? db : getenv("VROEG_DB"));
			print_removed(stdout, &r.removed);
		}
	}
	rc = report_end(&r, st, dry_run != NULL, "vroeg purge", d);
	retention_result_free(&r);
	store_close(s);
	return rc;
}

int cmd_forget(int argc, char **argv, diag *d)
{
	const char *db = NULL, *household = NULL, *dry_run = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "household", true, &household }, { "dry-run", false, &dry_run },
		{ NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 0 || !household || !*household) {
		diag_error(d, "forget takes --household KEY\n%s", cli_usage("forget"));
		return EXIT_USAGE;
	}
	int rc;
	store *s = cli_open_existing_store(db, d, &rc);
	if (!s)
		return rc;
	retention_result r;
	const enum store_status st = retention_forget(s, household, dry_run != NULL, &r, d);
	const char *name = db ? db : getenv("VROEG_DB");
	if (st == STORE_OK || r.committed) {
		if (nothing(&r.removed))
			line(stdout, "no trace of household %s in %s; nothing removed", household, name);
		else {
			line(stdout, "%s household %s in %s:", dry_run ? "would forget" : "forgot", household, name);
			print_removed(stdout, &r.removed);
		}
	}
	rc = report_end(&r, st, dry_run != NULL, "vroeg forget", d);
	retention_result_free(&r);
	store_close(s);
	return rc;
}
