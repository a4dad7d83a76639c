/* cmd_sweep.c - `vroeg sweep`: tries every combination of the values given
 * to a policy's named numbers (`--set NAME=V1,V2,...`) over a month or a
 * range of months, and writes what each variant's months add up to
 * (sweep.h) as a table, CSV, JSON lines or one HTML page, to standard
 * output or a file written whole or not at all. Writes nothing to the
 * store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sweep.h"

/* What cli_write_output hands write_sweep. */
typedef struct {
	const sweep *sw;
	enum figures_format fmt;
	enum figures_lang lang;
} sweep_output;

static bool write_sweep(FILE *out, const void *ctx)
{
	const sweep_output *o = ctx;
	return o->fmt == FIGURES_HTML ? sweep_write_html(out, o->sw, o->lang) : sweep_write_text(out, o->sw, o->fmt);
}

int cmd_sweep(int argc, char **argv, diag *d)
{
	const char *db = NULL, *signals = NULL, *outcomes = NULL, *month_text = NULL, *format = "table";
	const char *output = NULL, *lang_text = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "signals", true, &signals }, { "outcomes", true, &outcomes },
		{ "month", true, &month_text }, { "format", true, &format }, { "o", true, &output },
		{ "output", true, &output }, { "lang", true, &lang_text }, { "set", true, NULL },
		{ NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 1) {
		diag_error(d, "sweep takes one policy (a rule file or a .vrb)\n%s", cli_usage("sweep"));
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
	vr_month from, to;
	bool range;
	if (!cli_month_range(month_text, "a sweep", &from, &to, &range, d))
		return EXIT_USAGE;
	if (a.many.n == 0) {
		diag_error(d, "sweep needs the values to try: --set NAME=VALUE,VALUE,... for a number the policy "
			   "names (`define NAME = ...`)\n%s", cli_usage("sweep"));
		return EXIT_USAGE;
	}
	if (outcomes && !signals) {
		diag_error(d, "--outcomes goes with --signals (with --db the store has the outcomes)");
		return EXIT_USAGE;
	}
	bc_program p;
	int rc = cli_load_policy(a.positional[0], &p, d);
	if (rc != EXIT_OK)
		return rc;
	sweep sw;
	sweep_init(&sw, &p, from, to);
	for (int i = 0; i < a.many.n && rc == EXIT_OK; i++)
		if (!sweep_add(&sw, a.many.v[i], d))
			rc = EXIT_USAGE;
	store *s = NULL;
	if (rc == EXIT_OK)
		s = cli_dry_run_store(db, signals, outcomes, d, &rc);
	/* A purge cuts every month before a month: the first says. */
	if (s && (rc = cli_refuse_purged(s, from, p.lookback, d)) == EXIT_OK && !sweep_run(&sw, s, NULL, NULL, d))
		rc = EXIT_STORE;
	if (s)
		store_close(s);
	if (rc != EXIT_OK) {
		sweep_free(&sw);
		bc_program_free(&p);
		return rc;
	}
	/* Never over one of the files it read. */
	const char *inputs[3] = { a.positional[0] };
	size_t ninputs = 1;
	if (signals)
		inputs[ninputs++] = signals;
	if (outcomes)
		inputs[ninputs++] = outcomes;
	const sweep_output so = { &sw, fmt, lang };
	rc = cli_write_output(output, inputs, ninputs, write_sweep, &so, "the sweep", d);
	sweep_free(&sw);
	bc_program_free(&p);
	return rc;
}
