/* cmd_run.c - evaluating a policy over a month: dry-run (writes nothing),
 * run (recorded with its month figures, once per month and policy),
 * explain (one household's path, its keys, ids, creditors and districts
 * shown escaped: text.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "fields.h"
#include "figures.h"
#include "path.h"
#include "report.h"
#include "run.h"
#include "sha256.h"
#include "text.h"
#include "vm.h"

store *cli_dry_run_store(const char *db, const char *signals, const char *outcomes, diag *d, int *rc)
{
	*rc = EXIT_OK;
	if (!signals)
		return cli_open_store(db, false, d, rc);
	if (db) {
		diag_error(d, "give either --db or --signals, not both");
		*rc = EXIT_USAGE;
		return NULL;
	}
	store *s = store_open(":memory:", 0, d);
	if (!s) {
		*rc = EXIT_STORE;
		return NULL;
	}
	const char *files[2] = { signals, outcomes };
	for (int i = 0; i < 2 && files[i]; i++) {
		FILE *in = cli_open_input(files[i], d);
		if (!in) {
			*rc = EXIT_DATA;
			store_close(s);
			return NULL;
		}
		store_import_counts counts;
		const enum store_status st = i == 0 ? store_import_signals(s, in, files[i], d, &counts)
						    : store_import_outcomes(s, in, files[i], d, &counts);
		const bool unread = ferror(in);
		cli_close_input(in);
		if (st != STORE_OK) {
			*rc = st == STORE_IO_ERROR && unread ? EXIT_DATA : cli_store_exit(st);
			store_close(s);
			return NULL;
		}
	}
	return s;
}

int cmd_dry_run(int argc, char **argv, diag *d)
{
	const char *db = NULL, *signals = NULL, *outcomes = NULL, *month_text = NULL;
	const char *format = "table", *summary = NULL, *no_summary = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "signals", true, &signals }, { "outcomes", true, &outcomes },
		{ "month", true, &month_text }, { "format", true, &format },
		{ "summary", false, &summary }, { "no-summary", false, &no_summary }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	enum report_format fmt;
	vr_month month;
	if (a.npositional != 1) {
		diag_error(d, "dry-run takes one policy (a rule file or a .vrb)\n%s", cli_usage("dry-run"));
		return EXIT_USAGE;
	}
	if (!report_parse_format(format, &fmt)) {
		diag_error(d, "--format is table, csv or json");
		return EXIT_USAGE;
	}
	if (!cli_month(month_text, &month, d))
		return EXIT_USAGE;
	if (outcomes && !signals) {
		diag_error(d, "--outcomes goes with --signals (with --db the store has the outcomes)");
		return EXIT_USAGE;
	}
	bc_program p;
	int rc = cli_load_policy(a.positional[0], &p, d);
	if (rc != EXIT_OK)
		return rc;
	store *s = cli_dry_run_store(db, signals, outcomes, d, &rc);
	if (!s) {
		bc_program_free(&p);
		return rc;
	}
	run_result r;
	if (run_evaluate(s, &p, month, d, &r)) {
		if (!summary)
			report_decisions(stdout, &r.set, fmt);
		/* Tools read CSV and JSON from standard output: the summary goes
		 * to standard error then, unless it is all that was asked for. */
		if (!no_summary) {
			FILE *out = fmt == REPORT_TABLE || summary ? stdout : stderr;
			if (fmt == REPORT_TABLE && !summary)
				fputc('\n', out);
			report_summary(out, &r, &p);
		}
		run_result_free(&r);
	} else {
		rc = EXIT_STORE;
	}
	store_close(s);
	bc_program_free(&p);
	return rc;
}

static void now_iso(char buf[32])
{
	const time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int cmd_run(int argc, char **argv, diag *d)
{
	const char *db = NULL, *month_text = NULL, *replace = NULL, *format = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "month", true, &month_text }, { "replace", false, &replace },
		{ "format", true, &format }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	enum report_format fmt = REPORT_TABLE;
	vr_month month;
	if (a.npositional != 1) {
		diag_error(d, "run takes one policy (a rule file or a .vrb)\n%s", cli_usage("run"));
		return EXIT_USAGE;
	}
	if (format && !report_parse_format(format, &fmt)) {
		diag_error(d, "--format is table, csv or json");
		return EXIT_USAGE;
	}
	if (!cli_month(month_text, &month, d))
		return EXIT_USAGE;
	bc_program p;
	int rc = cli_load_policy(a.positional[0], &p, d);
	if (rc != EXIT_OK)
		return rc;
	store *s = cli_open_store(db, true, d, &rc);
	if (!s) {
		bc_program_free(&p);
		return rc;
	}
	char month_buf[8], sha[65], started[32], finished[32];
	vr_month_format(month, month_buf);
	sha256_hex(p.source_sha256, sha);
	now_iso(started);
	/* The write lock is taken before evaluation: a second run waits, then
	 * fails as busy, and nothing is half-recorded. */
	enum store_status st = store_begin(s, d);
	if (st != STORE_OK) {
		store_close(s);
		bc_program_free(&p);
		return cli_store_exit(st);
	}
	store_run existing;
	const int found = store_current_run(s, month, &existing, d);
	if (found < 0) {
		rc = EXIT_STORE;
		goto rollback;
	}
	if (found == 1 && !replace && strcmp(existing.source_sha256, sha) == 0 &&
	    strcmp(existing.policy_name, p.policy_name) == 0) {
		/* The time is the store's text: shown escaped. */
		text_printf(stdout, "%s was already run with this policy (run %lld, %s, %ld households); nothing changed",
			    month_buf, existing.id, existing.finished, existing.households);
		putchar('\n');
		rc = EXIT_OK;
		goto rollback;
	}
	if (found == 1 && !replace) {
		diag_error(d, "%s was already run with another policy (run %lld: \"%s\" %s, source %.12s); "
			   "use --replace to record this one and keep that run in the history as superseded",
			   month_buf, existing.id, existing.policy_name, existing.policy_version, existing.source_sha256);
		rc = EXIT_DATA;
		goto rollback;
	}
	run_result r;
	if (!run_evaluate(s, &p, month, d, &r)) {
		rc = EXIT_STORE;
		goto rollback;
	}
	if (r.n == 0)
		diag_warning(d, "no household has a signal in %s: is the month's signals file imported?", month_buf);
	if (found == 1 && (st = store_supersede(s, existing.id, d)) != STORE_OK) {
		run_result_free(&r);
		rc = cli_store_exit(st);
		goto rollback;
	}
	now_iso(finished);
	store_run run = { 0, month, p.policy_name, p.policy_version, sha, started, finished, (long)r.n, false };
	st = store_insert_run(s, &run, &r.set, d);
	/* The decision figures in the same transaction: capacity and the moves
	 * between buckets need the program, which a later report has not. */
	if (st == STORE_OK)
		st = figures_record_run(s, run.id, &r, &p, d);
	if (st == STORE_OK)
		st = store_commit(s, d);
	if (st != STORE_OK) {
		run_result_free(&r);
		rc = cli_store_exit(st);
		goto rollback;
	}
	if (format)
		report_decisions(stdout, &r.set, fmt);
	else {
		printf("recorded run %lld for %s: %ld households, %ld excluded\n", run.id, month_buf, r.triaged, r.excluded);
		report_summary(stdout, &r, &p);
	}
	/* The run is committed: an output that cannot be written is an error
	 * (exit 5) that must not read as "nothing recorded". */
	const int err = cli_output_error();
	if (err)
		diag_error(d, "cannot write the output: %s; run %lld for %s is recorded all the same "
			   "(`vroeg decisions --month %s` shows its decisions)", strerror(err), run.id, month_buf, month_buf);
	run_result_free(&r);
	store_close(s);
	bc_program_free(&p);
	return err ? EXIT_OUTPUT : EXIT_OK;
rollback:
	store_rollback(s);
	store_close(s);
	bc_program_free(&p);
	return rc;
}

/* ---- explain --------------------------------------------------------------- */

typedef struct trace_ctx {
	bool tried[4096];
	bool applies[4096];
} trace_ctx;

static void on_rule(void *arg, uint32_t rule, bool applies)
{
	trace_ctx *t = arg;
	if (rule < 4096) {
		t->tried[rule] = true;
		t->applies[rule] = applies;
	}
}

/* Line LINE of TEXT, trimmed, into BUF. */
static const char *source_line(const char *text, size_t len, uint32_t line, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!text)
		return buf;
	const char *p = text, *end = text + len;
	for (uint32_t l = 1; l < line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	size_t n = (size_t)(eol - p);
	if (n >= size)
		n = size - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static void print_value(FILE *out, const bc_function *fn, vm_value x)
{
	char buf[24];
	if (x.text) {
		text_printf(out, "\"%s\"", x.text);
	} else if (x.num == VR_MISSING) {
		fputs("missing", out);
	} else if (fn->type == TY_BOOL) {
		fputs(x.num ? "yes" : "no", out);
	} else if (fn->type == TY_MONEY) {
		vr_cents_format(x.num, buf);
		fprintf(out, "EUR %s", buf);
	} else {
		fprintf(out, "%lld", (long long)x.num);
	}
}

static const char *status_text(enum vm_signal_status st)
{
	switch (st) {
	case VM_SIGNAL_HISTORY_COUNTED: return "earlier month, above the floor";
	case VM_SIGNAL_HISTORY_BELOW: return "earlier month, below the floor";
	case VM_SIGNAL_COUNTED: return "counted";
	case VM_SIGNAL_BELOW_FLOOR: return "not counted: fails a `count signal` floor";
	case VM_SIGNAL_SKIPPED: return "not counted: skipped";
	}
	return "?";
}

static void explain_household(FILE *out, const bc_program *p, vm *v, const vr_household *h,
			      vr_month month, const char *text, size_t len, const run_result *r,
			      const alloc_trace *trace)
{
	trace_ctx *t = calloc(1, sizeof *t);
	if (!t)
		return;
	vm_set_trace(v, on_rule, t);
	vm_decision dec;
	vm_decide(v, h, month, &dec);
	vm_set_trace(v, NULL, NULL);
	char month_buf[8], day[11], euros[24], line[512];
	vr_month_format(month, month_buf);
	/* Keys, ids, creditors, districts and labels come from creditors' files
	 * or the store: shown escaped (text.h), as is the policy's own text. */
	text_printf(out, "Household %s, month %s, policy \"%s\" (%s)", h->key, month_buf, p->policy_name, p->source_name);
	fputs("\n\n", out);
	fprintf(out, "Signals (the run month and the %u before it):\n", p->lookback);
	/* Columns as wide as this household's longest id and creditor. */
	size_t id_width = 12, creditor_width = 16;
	for (size_t i = 0; i < h->nsignals; i++) {
		const size_t id = text_width(h->signals[i].signal_id);
		const size_t cr = text_width(h->signals[i].creditor);
		id_width = id > id_width ? id : id_width;
		creditor_width = cr > creditor_width ? cr : creditor_width;
	}
	for (size_t i = 0; i < h->nsignals; i++) {
		const vr_signal *s = &h->signals[i];
		uint32_t skip;
		const enum vm_signal_status st = vm_signal(v, i, &skip);
		vr_date_format(s->received, day);
		vr_cents_format(s->arrears, euros);
		fputs("  ", out);
		text_put_padded(out, s->signal_id, id_width);
		fprintf(out, " %s  ", day);
		text_put_padded(out, s->creditor, creditor_width);
		fprintf(out, " %-13s %10s  %s", vr_sector_names[s->sector], euros, status_text(st));
		/* Which of the `count signal` statements it fails. */
		const uint32_t floor = st == VM_SIGNAL_BELOW_FLOOR || st == VM_SIGNAL_HISTORY_BELOW
			? vm_floor_line(v, h, i) : 0;
		if (floor) {
			source_line(text, len, floor, line, sizeof line);
			text_printf(out, " (%s:%u%s%s)", p->source_name, floor, line[0] ? ": " : "", line);
		}
		if (st == VM_SIGNAL_SKIPPED)
			text_printf(out, " (\"%s\", %s:%u)", p->consts[p->rules[skip].reason].text, p->source_name,
				    p->rules[skip].line);
		fputc('\n', out);
	}
	if (h->noutcomes) {
		fprintf(out, "Outcomes:\n");
		for (size_t i = 0; i < h->noutcomes; i++) {
			vr_date_format(h->outcomes[i].date, day);
			fprintf(out, "  %s  %s\n", day, vr_outcome_names[h->outcomes[i].outcome]);
		}
	}
	vr_cents_format(dec.arrears, euros);
	fputc('\n', out);
	text_printf(out, "Household: arrears EUR %s (counted current signals), phone %s, e-mail %s, district \"%s\"",
		    euros, dec.has_phone ? "yes" : "no", dec.has_email ? "yes" : "no", dec.district);
	fputc('\n', out);
	if (p->ndefs) {
		fprintf(out, "\nDefinitions:\n");
		for (uint32_t i = 0; i < p->ndefs; i++) {
			const bc_function *fn = &p->fns[p->defs[i]];
			fprintf(out, "  %-20s = ", p->consts[fn->name].text);
			print_value(out, fn, vm_eval(v, p->defs[i]));
			fputc('\n', out);
		}
	}
	fprintf(out, "\nRules, in order (the first that applies decides):\n");
	for (uint32_t i = 0; i < p->nrules; i++) {
		const bc_rule *rule = &p->rules[i];
		const char *verdict;
		if (i == dec.rule)
			verdict = "DECIDES";
		else if (rule->kind == RULE_NOT_COUNTED || rule->kind == RULE_SKIPPED)
			verdict = "no";
		else if (!t->tried[i])
			verdict = "not tried";
		else
			verdict = t->applies[i] ? "yes" : "no";
		text_printf(out, "  %s:%-4u %-9s %s", p->source_name, rule->line, verdict,
			    rule->kind == RULE_NOT_COUNTED ? "(no current signal counted -> excluded \"not counted\")"
			    : source_line(text, len, rule->line, line, sizeof line));
		fputc('\n', out);
	}
	free(t);
	const bc_rule *rule = &p->rules[dec.rule];
	if (dec.bucket < 0) {
		fputc('\n', out);
		text_printf(out, "Decision: excluded, reason \"%s\" (%s:%u)", p->consts[rule->reason].text,
			    p->source_name, rule->line);
		fputc('\n', out);
		return;
	}
	const alloc_entry *e = NULL;
	for (size_t i = 0; r && i < r->n && !e; i++)
		if (strcmp(r->entries[i].household, h->key) == 0)
			e = &r->entries[i];
	fputc('\n', out);
	if (!e || !trace || trace->nsteps == 0) {
		fprintf(out, "Rule sends the household to: %s\n", p->consts[p->buckets[dec.bucket].name].text);
		return;
	}
	/* Every bucket it passed through, and why it left each. */
	path_print(out, p, e, trace, rule);
	for (uint32_t l = 0; l < p->nlabels; l++) {
		text_printf(out, "Label %s: %s", p->consts[p->labels[l].name].text, dec.labels[l].text ? dec.labels[l].text : "");
		fputc('\n', out);
	}
}

int cmd_explain(int argc, char **argv, diag *d)
{
	const char *db = NULL, *signals = NULL, *outcomes = NULL, *month_text = NULL, *household = NULL;
	const cli_option opts[] = {
		{ "db", true, &db }, { "signals", true, &signals }, { "outcomes", true, &outcomes },
		{ "month", true, &month_text }, { "household", true, &household }, { NULL, false, NULL }
	};
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	vr_month month;
	if (a.npositional != 1 || !household) {
		diag_error(d, "explain takes --household KEY and one policy\n%s", cli_usage("explain"));
		return EXIT_USAGE;
	}
	if (!cli_month(month_text, &month, d))
		return EXIT_USAGE;
	bc_program p;
	int rc = cli_load_policy(a.positional[0], &p, d);
	if (rc != EXIT_OK)
		return rc;
	size_t len = 0;
	char *text = cli_read_file(a.positional[0], &len, d);
	if (text && len >= 8 && memcmp(text, BC_MAGIC, 8) == 0) {
		free(text);
		text = NULL;
	}
	store *s = cli_dry_run_store(db, signals, outcomes, d, &rc);
	/* The plain vm, which can tell which floor a signal fails
	 * (vm_floor_line); it decides as the one runs use. */
	vm *v = s ? vm_new_plain(&p) : NULL;
	if (s && !v) {
		diag_error(d, "out of memory");
		rc = EXIT_STORE;
	}
	if (s && v) {
		run_result r;
		alloc_step *steps = malloc((p.nbuckets + 2) * sizeof *steps);
		alloc_trace trace = { household, steps, 0 };
		const bool evaluated = run_evaluate_traced(s, &p, month, d, &r, steps ? &trace : NULL);
		store_cursor *holder = NULL;
		vr_household h;
		const int got = store_household(s, household, month, p.lookback, &holder, &h, d);
		if (got == 1) {
			explain_household(stdout, &p, v, &h, month, text, len, evaluated ? &r : NULL,
					  steps ? &trace : NULL);
		} else if (got == 0) {
			char month_buf[8];
			vr_month_format(month, month_buf);
			diag_error(d, "household %s has no signal in %s, so it is not triaged that month", household, month_buf);
			rc = EXIT_DATA;
		} else {
			rc = EXIT_STORE;
		}
		if (holder)
			store_cursor_close(holder);
		if (evaluated)
			run_result_free(&r);
		free(steps);
	}
	vm_free(v);
	if (s)
		store_close(s);
	free(text);
	bc_program_free(&p);
	return rc;
}
