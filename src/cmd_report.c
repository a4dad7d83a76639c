/* cmd_report.c - vroeg report: the month figures of a store over a range of
 * months (figures.h gathers them), as a table, CSV, JSON or one HTML page,
 * to standard output or a file written whole or not at all. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "figures.h"

/* FROM..TO into *FROM and *TO. */
static bool parse_range(const char *s, vr_month *from, vr_month *to, diag *d)
{
	if (!strstr(s, "..")) {
		diag_error(d, "`%s` is not a range of months: write FROM..TO, e.g. 2023-12..2024-06", s);
		return false;
	}
	bool range;
	return cli_month_range(s, "a report", from, to, &range, d);
}

/* What cli_write_output hands write_report. */
typedef struct {
	const figures_report *r;
	enum figures_format fmt;
	enum figures_lang lang;
} report_output;

static bool write_report(FILE *out, const void *ctx)
{
	const report_output *o = ctx;
	return o->fmt == FIGURES_HTML ? figures_write_html(out, o->r, o->lang) : figures_write_text(out, o->r, o->fmt);
}

int cmd_report(int argc, char **argv, diag *d)
{
	const char *db = NULL, *months = NULL, *month = NULL, *format = "table", *output = NULL;
	const char *lang_text = NULL, *min_text = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "months", true, &months }, { "month", true, &month },
		{ "format", true, &format }, { "o", true, &output }, { "output", true, &output },
		{ "lang", true, &lang_text }, { "min-count", true, &min_text }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 0) {
		diag_error(d, "report takes no argument `%s`\n%s", a.positional[0], cli_usage("report"));
		return EXIT_USAGE;
	}
	enum figures_format fmt;
	if (!figures_parse_format(format, &fmt)) {
		diag_error(d, "--format is table, csv, json or html");
		return EXIT_USAGE;
	}
	bool dutch;
	if (!cli_lang(lang_text, &dutch, d))
		return EXIT_USAGE;
	const enum figures_lang lang = dutch ? FIGURES_NL : FIGURES_EN;
	long min_count = 1;
	if (min_text) {
		char *end;
		min_count = strtol(min_text, &end, 10);
		if (!*min_text || *end || min_count < 1 || min_count > FIGURES_MAX_MIN_COUNT) {
			diag_error(d, "--min-count is a whole number from 1 to %d", FIGURES_MAX_MIN_COUNT);
			return EXIT_USAGE;
		}
	}
	vr_month from, to;
	if ((months != NULL) == (month != NULL)) {
		diag_error(d, "give the months with --months FROM..TO or one month with --month M\n%s",
			   cli_usage("report"));
		return EXIT_USAGE;
	}
	if (months ? !parse_range(months, &from, &to, d) : !cli_month(month, &from, d))
		return EXIT_USAGE;
	if (month)
		to = from;
	if (to - from >= FIGURES_MAX_MONTHS) {
		diag_error(d, "a report covers at most %d months; %s has %d", FIGURES_MAX_MONTHS, months,
			   (int)(to - from) + 1);
		return EXIT_USAGE;
	}
	int rc;
	store *s = cli_open_store(db, false, d, &rc);
	if (!s)
		return rc;
	figures_report r;
	const enum store_status st = figures_report_build(s, from, to, (int)min_count, &r, d);
	store_close(s);
	if (st != STORE_OK) {
		figures_report_free(&r);
		return cli_store_exit(st);
	}
	const report_output ro = { &r, fmt, lang };
	rc = cli_write_output(output, NULL, 0, write_report, &ro, "the report", d);
	figures_report_free(&r);
	return rc;
}
