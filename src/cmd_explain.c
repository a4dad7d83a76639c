/* cmd_explain.c - `vroeg explain`: one household's path through a policy
 * over a month. With a store whose month has a recorded run, it explains
 * that run's decision: from the policy the run kept when none is given,
 * over the data the run read (later imports left out), and it says plainly
 * when a policy given is not the one the run was made with, showing both
 * decisions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "cli.h"
#include "explain.h"
#include "sha256.h"
#include "text.h"

/* What explain evaluates and what it compares with. */
typedef struct explain_job {
	bc_program program;
	bool loaded;
	char *text;              /* rule text (or a .vrb's bytes when given) */
	size_t len;
	bool given;              /* POLICY given, else the run's kept policy */
	bool same_program;       /* kept policy: this vroeg compiles it as the run did */
	int recorded;            /* 1: the month has a recorded run */
	store_run run;
} explain_job;

/* Loads the policy the run kept; EXIT_OK or the exit code (reported). */
static int load_kept(store *s, explain_job *j, const char *month, diag *d)
{
	if (j->recorded != 1) {
		diag_error(d, "no run recorded for %s: give the POLICY to explain what it decides", month);
		return EXIT_DATA;
	}
	const int got = audit_load_policy(s, &j->run, &j->program, &j->text, &j->len, &j->same_program, d);
	if (got == 0) {
		diag_error(d, "run %lld for %s was recorded before vroeg kept the policy of each run: "
			   "give the rule file it was run with (source SHA-256 %s; `sha256sum FILE` "
			   "shows a file's)", j->run.id, month, j->run.source_sha256);
		return EXIT_DATA;
	}
	if (got < 0)
		return got == -2 ? EXIT_POLICY : EXIT_STORE;
	j->loaded = true;
	return EXIT_OK;
}

/* The header lines that say which policy and which data are explained. */
static void say_what(FILE *out, const explain_job *j, bool differs, const vr_decision_row *given,
		     const vr_decision_row *rec, int got_rec)
{
	const store_run *r = &j->run;
	if (!j->recorded)
		return;
	if (differs) {
		char sha[65];
		sha256_hex(j->program.source_sha256, sha);
		fprintf(out, "The policy given is not the one run %lld recorded for this month:\n", r->id);
		char *values = cli_settings_json(&j->program);
		text_printf(out, "  given:    \"%s\" %s (%s, source %.12s)", j->program.policy_name,
			    j->program.policy_version, j->program.source_name, sha);
		if (values && strcmp(values, "[]") != 0)
			text_printf(out, " set %s", values);
		free(values);
		fputc('\n', out);
		text_printf(out, "  recorded: \"%s\" %s (%s, source %.12s)", r->policy_name, r->policy_version,
			    r->source_name[0] ? r->source_name : "policy not kept", r->source_sha256);
		if (strcmp(r->settings, "[]") != 0)
			text_printf(out, " set %s", r->settings);
		fputc('\n', out);
		fprintf(out, "Recorded decision (run %lld): ", r->id);
		if (got_rec == 1)
			explain_describe(out, rec);
		else
			fputs("none for this household", out);
		fputs("\nThe given policy decides:  ", out);
		explain_describe(out, given);
		fputs("\n\n", out);
	}
	if (r->imports_upto >= 0)
		fprintf(out, "Explained with %s, over the data run %lld read (imports 1 to %lld).\n\n",
			j->given ? "the policy given" : "the policy the run kept", r->id, r->imports_upto);
}

/* After the path: the recorded decision, and whether the path comes to it. */
static void say_recorded(FILE *out, const explain_job *j, const vr_decision_row *row,
			 const vr_decision_row *rec, int got_rec, size_t nlabels)
{
	fprintf(out, "\nRecorded by run %lld: ", j->run.id);
	if (got_rec != 1) {
		fputs("no decision for this household\n", out);
		return;
	}
	explain_describe(out, rec);
	fputc('\n', out);
	if (explain_same(row, rec, nlabels))
		return;
	fprintf(out, "This explanation does not come to the recorded decision: %s\n",
		!j->given && !j->same_program
		? "this vroeg compiles the policy the run kept into another program than the vroeg that recorded it"
		: j->run.imports_upto < 0
		? "the run was recorded before vroeg noted which data it read, and the store has changed since"
		: "the store no longer holds all the data the run read (purged or forgotten since)");
}

/* Whether MONTH was purged (and says so). */
static bool purged_month(store *s, vr_month month, diag *d)
{
	vr_month before;
	if (store_purged_before(s, &before, d) != 1 || month >= before)
		return false;
	char m[8], kept[8];
	vr_month_format(month, m);
	vr_month_format(before, kept);
	diag_error(d, "the signals of %s were purged: the store keeps the months from %s on, so no "
		   "household of %s can be explained", m, kept, m);
	return true;
}

static int explain(store *s, explain_job *j, vr_month month, const char *key, diag *d)
{
	char month_buf[8];
	vr_month_format(month, month_buf);
	/* The data as the run read it, so that later imports change nothing. */
	if (j->recorded == 1)
		store_read_as_of(s, j->run.imports_upto);
	const char *text = j->text && !cli_is_bytecode(j->text, j->len) ? j->text : NULL;
	explainer *e = explain_new(s, &j->program, month, text, text ? j->len : 0, key, d);
	if (!e)
		return EXIT_STORE;
	int rc = EXIT_OK;
	const vr_decision_row *row;
	vr_decision_row rec;
	size_t nl = 0;
	const int got_rec = j->recorded == 1 ? store_run_decision(s, j->run.id, key, &rec, &nl, d) : 0;
	const int got = got_rec < 0 ? -1 : explain_household(e, key, NULL, &row, d);
	/* A purge may have taken history the policy reads: explained without
	 * it, the path may not be the policy's (the warning says so). */
	const int purged = got == 1 ? cli_refuse_purged(s, month, j->program.lookback, d) : EXIT_OK;
	if (purged != EXIT_OK) {
		rc = purged;
	} else if (got == 1) {
		char sha[65];
		sha256_hex(j->program.source_sha256, sha);
		char *settings = cli_settings_json(&j->program);
		const bool differs = j->recorded == 1 && j->given &&
			(strcmp(sha, j->run.source_sha256) != 0 || !settings || strcmp(settings, j->run.settings) != 0);
		free(settings);
		say_what(stdout, j, differs, row, &rec, got_rec);
		explain_household(e, key, stdout, &row, d);
		if (j->recorded == 1 && !differs)
			say_recorded(stdout, j, row, &rec, got_rec, nl < j->program.nlabels ? nl : j->program.nlabels);
	} else if (got == 0 && got_rec == 1) {
		diag_error(d, "household %s has no signal in %s in the store now, but run %lld recorded a decision "
			   "for it (%s%s%s): its signals are no longer in the store", key, month_buf, j->run.id,
			   rec.bucket, rec.reason[0] ? ", " : "", rec.reason);
		rc = EXIT_DATA;
	} else if (got == 0 && purged_month(s, month, d)) {
		rc = EXIT_DATA;
	} else if (got == 0) {
		diag_error(d, "household %s has no signal in %s, so it is not triaged that month", key, month_buf);
		rc = EXIT_DATA;
	} else {
		rc = EXIT_STORE;
	}
	explain_free(e);
	return rc;
}

int cmd_explain(int argc, char **argv, diag *d)
{
	const char *db = NULL, *signals = NULL, *outcomes = NULL, *month_text = NULL, *household = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "signals", true, &signals }, { "outcomes", true, &outcomes },
		{ "month", true, &month_text }, { "household", true, &household },
		{ "set", true, NULL }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	vr_month month;
	if (a.npositional > 1 || !household || (signals && a.npositional != 1)) {
		diag_error(d, "explain takes --household KEY and a policy (with --db, the policy of the "
			   "month's recorded run when none is given)\n%s", cli_usage("explain"));
		return EXIT_USAGE;
	}
	if (!cli_month(month_text, &month, d))
		return EXIT_USAGE;
	explain_job j = { .given = a.npositional == 1 };
	int rc = EXIT_OK;
	if (j.given) {
		rc = cli_load_policy_text(a.positional[0], &j.program, &j.text, &j.len, d);
		if (rc != EXIT_OK)
			return rc;
		j.loaded = true;
		if ((rc = cli_apply_sets(&j.program, &a.many, d)) != EXIT_OK) {
			free(j.text);
			bc_program_free(&j.program);
			return rc;
		}
	}
	store *s = cli_dry_run_store(db, signals, outcomes, d, &rc);
	if (s && !signals && (j.recorded = store_current_run(s, month, &j.run, d)) < 0)
		rc = EXIT_STORE;
	if (s && rc == EXIT_OK && !j.given) {
		char month_buf[8];
		vr_month_format(month, month_buf);
		rc = load_kept(s, &j, month_buf, d);
		/* The kept policy with other values: explained as a policy given. */
		if (rc == EXIT_OK && a.many.n) {
			rc = cli_apply_sets(&j.program, &a.many, d);
			j.given = true;
		}
	}
	if (s && rc == EXIT_OK)
		rc = explain(s, &j, month, household, d);
	store_close(s);
	free(j.text);
	if (j.loaded)
		bc_program_free(&j.program);
	return rc;
}
