/* cmd_data.c - the commands about the store's data: import, runs, decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "report.h"
#include "text.h"

/* What the files to import weigh together; -1 when one of them cannot
 * tell (standard input, a pipe). A file that is not there counts nothing:
 * opening it will say so. */
static long long input_bytes(const cli_args *a)
{
	long long total = 0;
	for (int i = 0; i < a->npositional; i++) {
		struct stat st;
		if (strcmp(a->positional[i], "-") == 0)
			return -1;
		if (stat(a->positional[i], &st) != 0)
			continue;
		if (!S_ISREG(st.st_mode))
			return -1;
		total += (long long)st.st_size;
	}
	return total;
}

int cmd_import(int argc, char **argv, diag *d)
{
	const char *db = NULL, *outcomes = NULL;
	const cli_option opts[] = { { "db", true, &db }, { "outcomes", false, &outcomes }, { NULL, false, NULL } };
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional == 0) {
		diag_error(d, "import needs a file (or - for standard input)\n%s", cli_usage("import"));
		return EXIT_USAGE;
	}
	int rc;
	/* Before the store opens: it is the process's first use of SQLite. */
	store_pages *pages = store_pages_for_import(input_bytes(&a));
	store *s = cli_open_store(db, true, d, &rc);
	if (!s) {
		store_pages_release(pages);
		return rc;
	}
	for (int i = 0; i < a.npositional && rc == EXIT_OK; i++) {
		const char *path = a.positional[i];
		FILE *in = cli_open_input(path, d);
		if (!in) {
			rc = EXIT_DATA;
			break;
		}
		const char *name = in == stdin ? "<stdin>" : path;
		store_import_counts counts = { 0, 0, 0 };
		const enum store_status st = outcomes ? store_import_outcomes(s, in, name, d, &counts)
						      : store_import_signals(s, in, name, d, &counts);
		/* A file that fails to read is the input's fault, not the store's. */
		rc = st == STORE_IO_ERROR && ferror(in) ? EXIT_DATA : cli_store_exit(st);
		cli_close_input(in);
		text_printf(stderr, "%s: %ld added, %ld identical, %ld rejected%s", name, counts.added,
			    counts.identical, counts.rejected, st == STORE_OK ? "" : "; nothing stored");
		fputc('\n', stderr);
	}
	store_close(s);
	store_pages_release(pages);
	return rc;
}

typedef struct runs_ctx {
	FILE *out;
	bool purged;             /* the store was purged ... */
	vr_month purged_before;  /* ... of the months before this one */
} runs_ctx;

static void print_run(const store_run *r, void *arg)
{
	const runs_ctx *c = arg;
	FILE *out = c->out;
	char month[8];
	vr_month_format(r->month, month);
	/* Read from the store, which a hand may have changed: shown escaped. */
	text_printf(out, "%-5lld %-7s %-32s %-10s %-20s %-20s %8ld  %.12s", r->id, month, r->policy_name,
		    r->policy_version, r->started, r->finished, r->households, r->source_sha256);
	if (r->superseded && r->superseded_by)
		fprintf(out, "  superseded by run %lld", r->superseded_by);
	else if (r->superseded)
		fputs("  superseded", out);
	if (c->purged && r->month < c->purged_before)
		fputs("  decisions purged", out);
	/* Values --set gave its named numbers: part of what decided. */
	if (strcmp(r->settings, "[]") != 0)
		text_printf(out, "  set %s", r->settings);
	fputc('\n', out);
}

int cmd_runs(int argc, char **argv, diag *d)
{
	const char *db = NULL;
	const cli_option opts[] = { { "db", true, &db }, { NULL, false, NULL } };
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	int rc;
	store *s = cli_open_store(db, false, d, &rc);
	if (!s)
		return rc;
	runs_ctx c = { stdout, false, 0 };
	const int purged = store_purged_before(s, &c.purged_before, d);
	if (purged < 0) {
		store_close(s);
		return EXIT_STORE;
	}
	c.purged = purged == 1;
	printf("%-5s %-7s %-32s %-10s %-20s %-20s %8s  %s\n", "run", "month", "policy", "version",
	       "started", "finished", "triaged", "source");
	const enum store_status st = store_list_runs(s, print_run, &c, d);
	store_close(s);
	return cli_store_exit(st);
}

typedef struct print_ctx {
	enum report_format fmt;
	bool found;
} print_ctx;

static void print_decisions(const vr_decision_set *set, void *arg)
{
	print_ctx *c = arg;
	c->found = true;
	report_decisions(stdout, set, c->fmt);
}

int cmd_decisions(int argc, char **argv, diag *d)
{
	const char *db = NULL, *month_text = NULL, *format = "table";
	const cli_option opts[] = { { "db", true, &db }, { "month", true, &month_text },
				    { "format", true, &format }, { NULL, false, NULL } };
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	print_ctx c = { REPORT_TABLE, false };
	vr_month month;
	if (!report_parse_format(format, &c.fmt)) {
		diag_error(d, "--format is table, csv or json");
		return EXIT_USAGE;
	}
	if (!cli_month(month_text, &month, d))
		return EXIT_USAGE;
	int rc;
	store *s = cli_open_store(db, false, d, &rc);
	if (!s)
		return rc;
	/* A purged month's run is listed still, without its decisions. */
	vr_month purged_before;
	const int purged = store_purged_before(s, &purged_before, d);
	if (purged < 0) {
		store_close(s);
		return EXIT_STORE;
	}
	char month_buf[8], kept[8];
	vr_month_format(month, month_buf);
	if (purged == 1 && month < purged_before) {
		vr_month_format(purged_before, kept);
		diag_error(d, "the decisions of %s were purged: the store keeps the months from %s on", month_buf,
			   kept);
		store_close(s);
		return EXIT_DATA;
	}
	const enum store_status st = store_read_decisions(s, month, print_decisions, &c, d);
	store_close(s);
	if (st == STORE_OK && !c.found) {
		diag_error(d, "no run recorded for %s", month_buf);
		return EXIT_DATA;
	}
	return cli_store_exit(st);
}
