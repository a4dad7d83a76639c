/* cmd_show.c - `vroeg show`: a recorded run and the policy it was made
 * with, as the store kept it: the rule text (with --source byte for byte
 * and nothing else, so it can be saved and compared; else shown escaped, as
 * everything the store holds), or, for a run made from a .vrb, the listing
 * of the program that decided. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "text.h"

/* One line: FMT formatted and shown escaped (text.h), for the store's text. */
static void line(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	text_vprintf(out, false, fmt, ap);
	va_end(ap);
	fputc('\n', out);
}

static void print_identity(FILE *out, const store_run *r)
{
	char month[8];
	vr_month_format(r->month, month);
	if (r->superseded && r->superseded_by)
		line(out, "run         %lld (superseded by run %lld)", r->id, r->superseded_by);
	else
		line(out, "run         %lld (%s)", r->id, r->superseded ? "superseded" : "current");
	line(out, "month       %s", month);
	line(out, "policy      \"%s\" version %s", r->policy_name, r->policy_version);
	switch (r->policy_form) {
	case STORE_POLICY_SOURCE:
		line(out, "source      %s, rule text with SHA-256 %s", r->source_name, r->source_sha256);
		break;
	case STORE_POLICY_BYTECODE:
		line(out, "source      %s, run from a compiled policy (.vrb): its rule text (SHA-256 %s) "
		     "was not given, so the program that decided is listed below", r->source_name, r->source_sha256);
		break;
	case STORE_POLICY_NONE:
		line(out, "source      not kept: the run was recorded before vroeg kept the policy of each run; "
		     "the rule file with SHA-256 %s made it", r->source_sha256);
		break;
	}
	if (r->program_sha256[0])
		line(out, "program     SHA-256 %s (the compiled form)", r->program_sha256);
	line(out, "recorded    %s to %s, %ld households", r->started, r->finished, r->households);
	if (r->imports_upto >= 0 && r->lookback >= 0)
		line(out, "read        imports 1 to %lld; signals and outcomes from %d month%s before %s",
		     r->imports_upto, r->lookback, r->lookback == 1 ? "" : "s", month);
	if (strcmp(r->settings, "[]") != 0)
		line(out, "settings    %s", r->settings);
}

/* The rule text for a reader: line by line, each shown escaped. */
static void print_text(FILE *out, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		text_write(out, p, (size_t)(eol - p));
		fputc('\n', out);
		p = nl ? nl + 1 : end;
	}
}

int cmd_show(int argc, char **argv, diag *d)
{
	const char *db = NULL, *month_text = NULL, *run_text = NULL, *source = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "month", true, &month_text }, { "run", true, &run_text },
		{ "source", false, &source }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 0 || !month_text == !run_text) {
		diag_error(d, "show takes --month or --run\n%s", cli_usage("show"));
		return EXIT_USAGE;
	}
	vr_month month = 0;
	long long id = 0;
	if (run_text) {
		char *end;
		id = strtoll(run_text, &end, 10);
		if (*run_text == '\0' || *end != '\0' || id <= 0) {
			diag_error(d, "`%s` is not a run number: `vroeg runs` lists them", run_text);
			return EXIT_USAGE;
		}
	} else if (!cli_month(month_text, &month, d)) {
		return EXIT_USAGE;
	}
	int rc;
	store *s = cli_open_store(db, false, d, &rc);
	if (!s)
		return rc;
	store_run r;
	const int found = run_text ? store_run_by_id(s, id, &r, d) : store_current_run(s, month, &r, d);
	if (found <= 0) {
		char month_buf[8];
		vr_month_format(month, month_buf);
		if (found == 0 && run_text)
			diag_error(d, "no run %lld in the store: `vroeg runs` lists them", id);
		else if (found == 0)
			diag_error(d, "no run recorded for %s", month_buf);
		store_close(s);
		return found == 0 ? EXIT_DATA : EXIT_STORE;
	}
	if (source && r.policy_form != STORE_POLICY_SOURCE) {
		diag_error(d, "run %lld kept no rule text: %s", r.id, r.policy_form == STORE_POLICY_BYTECODE
			   ? "it was run from a compiled policy (.vrb); `vroeg show` without --source lists it"
			   : "it was recorded before vroeg kept the policy of each run");
		store_close(s);
		return EXIT_DATA;
	}
	const void *policy = NULL;
	size_t len = 0;
	if (r.policy_form != STORE_POLICY_NONE && store_run_policy(s, r.id, &policy, &len, d) != 1) {
		store_close(s);
		return EXIT_STORE;
	}
	if (!source) {
		print_identity(stdout, &r);
		if (policy)
			fputc('\n', stdout);
	}
	/* --source gives the bytes as kept, to be saved and compared. */
	if (r.policy_form == STORE_POLICY_SOURCE && source) {
		fwrite(policy, 1, len, stdout);
	} else if (r.policy_form == STORE_POLICY_SOURCE) {
		print_text(stdout, policy, len);
	} else if (r.policy_form == STORE_POLICY_BYTECODE) {
		bc_program p;
		char name[64];
		snprintf(name, sizeof name, "the policy of run %lld", r.id);
		if (!bc_read(&p, policy, len, name, d)) {
			store_close(s);
			return EXIT_STORE;
		}
		bc_disasm(&p, stdout);
		bc_program_free(&p);
	}
	store_close(s);
	return EXIT_OK;
}
