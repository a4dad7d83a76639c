/* cmd_feedback.c - `vroeg feedback`: the feedback to creditors that became
 * due, one file per creditor, given once (feedback.h), or an earlier batch
 * written again; prints which files it wrote for which creditor. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "feedback.h"
#include "text.h"

/* Today, as the later of the UTC and the local date: an as-of date may be
 * either, and neither is in the future. */
static vr_date today(void)
{
	const time_t now = time(NULL);
	struct tm utc, local;
	gmtime_r(&now, &utc);
	localtime_r(&now, &local);
	const vr_date a = vr_date_from_ymd(utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
	const vr_date b = vr_date_from_ymd(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
	return a > b ? a : b;
}

static void print_files(const feedback_result *r)
{
	int width = 4;
	for (size_t i = 0; i < r->nfiles; i++)
		if ((int)strlen(r->files[i].name) > width)
			width = (int)strlen(r->files[i].name);
	fprintf(stdout, "%-*s %8s  %s\n", width, "file", "signals", "creditor");
	for (size_t i = 0; i < r->nfiles; i++) {
		fprintf(stdout, "%-*s %8ld  ", width, r->files[i].name, r->files[i].rows);
		/* The creditor's name as delivered: shown escaped. */
		text_put(stdout, r->files[i].creditor);
		fputc('\n', stdout);
	}
}

static void print_count(const feedback_result *r)
{
	fprintf(stdout, "%ld signal%s for %zu creditor%s\n", r->given, r->given == 1 ? "" : "s", r->nfiles,
		r->nfiles == 1 ? "" : "s");
}

int cmd_feedback(int argc, char **argv, diag *d)
{
	const char *db = NULL, *as_of_text = NULL, *out = NULL, *dialect = NULL, *again = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "as-of", true, &as_of_text }, { "out", true, &out },
		{ "dialect", true, &dialect }, { "again", true, &again }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 0 || !out || !*out || (again && (as_of_text || dialect)) || (!again && !as_of_text)) {
		diag_error(d, "feedback takes --as-of YYYY-MM-DD, or --again BATCH, and --out DIR\n%s",
			   cli_usage("feedback"));
		return EXIT_USAGE;
	}
	long long batch = 0;
	vr_date as_of = 0;
	bool dutch = false;
	if (again) {
		char *end;
		errno = 0;
		batch = strtoll(again, &end, 10);
		if (!*again || *end || errno || batch < 1) {
			diag_error(d, "--again takes the number of a batch (1, 2, ...), not `%s`", again);
			return EXIT_USAGE;
		}
	} else {
		if (!vr_date_parse(as_of_text, strlen(as_of_text), &as_of)) {
			diag_error(d, "`%s` is not a date: write YYYY-MM-DD, e.g. 2024-07-01", as_of_text);
			return EXIT_USAGE;
		}
		if (as_of > today()) {
			diag_error(d, "--as-of %s is later than today: feedback is given when it is due, not before",
				   as_of_text);
			return EXIT_USAGE;
		}
		if (dialect && strcmp(dialect, "comma") != 0 && strcmp(dialect, "dutch") != 0) {
			diag_error(d, "--dialect is comma or dutch, not `%s`", dialect);
			return EXIT_USAGE;
		}
		dutch = dialect && strcmp(dialect, "dutch") == 0;
	}
	int rc;
	/* Writing again changes nothing in the store. */
	store *s = again ? cli_open_store(db, false, d, &rc) : cli_open_existing_store(db, d, &rc);
	if (!s)
		return rc;
	feedback_result r;
	const enum store_status st = again ? feedback_again(s, batch, out, &r, d)
					   : feedback_give(s, as_of, out, dutch, &r, d);
	store_close(s);
	if (r.finished)
		fprintf(stdout, "finished feedback batch %lld (%zu file%s put in place): a call before this one "
			"stopped after recording it\n", r.finished, r.nfinished, r.nfinished == 1 ? "" : "s");
	if (st == STORE_OK && !again && r.batch == 0)
		fprintf(stdout, "no feedback due by %s that was not given before\n", as_of_text);
	if (r.batch) {
		fprintf(stdout, "feedback batch %lld%s in ", r.batch, again ? " written again" : "");
		text_put(stdout, r.dir);
		if (!again)
			fprintf(stdout, ", due by %s", as_of_text);
		fputs(": ", stdout);
		print_count(&r);
		print_files(&r);
	}
	if (r.dropped)
		diag_warning(d, "%ld signal%s of batch %lld %s left out: purge or forget removed %s from the store",
			     r.dropped, r.dropped == 1 ? "" : "s", r.batch, r.dropped == 1 ? "is" : "are",
			     r.dropped == 1 ? "it" : "them");
	/* The batch is recorded: an output that cannot be written must not
	 * read as "nothing given". */
	const int err = cli_output_error();
	const bool recorded = err && r.batch && !again;
	if (recorded)
		diag_error(d, "cannot write the output: %s; feedback batch %lld is recorded and its files are "
			   "written all the same", strerror(err), r.batch);
	feedback_result_free(&r);
	if (st != STORE_OK)
		return cli_store_exit(st);
	/* Any other output error is main's to report. */
	return recorded ? EXIT_OUTPUT : EXIT_OK;
}
