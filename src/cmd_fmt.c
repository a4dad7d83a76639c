/* cmd_fmt.c - `vroeg fmt [--check] FILE...`: rewrites rule files in the
 * canonical layout. A file that does not compile is left alone. Before a file
 * is rewritten, both versions are compiled and must give the same program
 * (line numbers aside): formatting never changes what a policy decides. The
 * new text replaces the file all or nothing (outfile.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compile.h"
#include "fmt.h"
#include "outfile.h"

/* Whether A and B decide alike: same code, constants, functions and tables;
 * only source lines (and the source hash) may differ. */
static bool same_program(const bc_program *a, const bc_program *b)
{
	if (a->ncode != b->ncode || a->nconsts != b->nconsts || a->nfns != b->nfns ||
	    a->nbuckets != b->nbuckets || a->nrules != b->nrules || a->nlabels != b->nlabels ||
	    a->nskips != b->nskips || a->ndefs != b->ndefs || a->floor_fn != b->floor_fn ||
	    a->decision_fn != b->decision_fn || a->lookback != b->lookback ||
	    strcmp(a->policy_name, b->policy_name) != 0 || strcmp(a->policy_version, b->policy_version) != 0 ||
	    a->effective != b->effective)
		return false;
	if (memcmp(a->code, b->code, a->ncode) != 0)
		return false;
	for (uint32_t i = 0; i < a->nconsts; i++)
		if (a->consts[i].num != b->consts[i].num || !a->consts[i].text != !b->consts[i].text ||
		    (a->consts[i].text && strcmp(a->consts[i].text, b->consts[i].text) != 0))
			return false;
	for (uint32_t i = 0; i < a->nfns; i++)
		if (a->fns[i].kind != b->fns[i].kind || a->fns[i].start != b->fns[i].start ||
		    a->fns[i].len != b->fns[i].len || a->fns[i].name != b->fns[i].name)
			return false;
	for (uint32_t i = 0; i < a->nbuckets; i++) {
		bc_bucket x = a->buckets[i], y = b->buckets[i];
		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof x) != 0)
			return false;
	}
	for (uint32_t i = 0; i < a->nrules; i++)
		if (a->rules[i].kind != b->rules[i].kind || a->rules[i].bucket != b->rules[i].bucket ||
		    a->rules[i].reason != b->rules[i].reason || a->rules[i].fn != b->rules[i].fn)
			return false;
	return memcmp(a->labels, b->labels, a->nlabels * sizeof *a->labels) == 0 &&
	       memcmp(a->skips, b->skips, a->nskips * sizeof *a->skips) == 0 &&
	       memcmp(a->defs, b->defs, a->ndefs * sizeof *a->defs) == 0;
}

static int format_one(const char *path, bool check, diag *d)
{
	size_t len;
	char *text = cli_read_file(path, &len, d);
	if (!text)
		return EXIT_POLICY;
	bc_program before, after;
	diag quiet;
	diag_init(&quiet, NULL);
	/* Warnings are lint's business; errors are reported (compiling again). */
	if (!compile_policy(path, text, len, &quiet, &before)) {
		if (compile_policy(path, text, len, d, &before))
			bc_program_free(&before);
		free(text);
		return EXIT_POLICY;
	}
	size_t out_len = 0;
	char *out = fmt_rules(text, len, &out_len);
	int rc = EXIT_OK;
	if (!out) {
		diag_error(d, "%s: out of memory", path);
		rc = EXIT_STORE;
	} else if (!compile_policy(path, out, out_len, &quiet, &after)) {
		diag_error(d, "%s: internal error: the formatted file does not compile; left unchanged", path);
		rc = EXIT_POLICY;
	} else {
		if (!same_program(&before, &after)) {
			diag_error(d, "%s: internal error: formatting would change the policy; left unchanged", path);
			rc = EXIT_POLICY;
		}
		bc_program_free(&after);
	}
	bc_program_free(&before);
	const bool differs = out && (out_len != len || memcmp(out, text, len) != 0);
	if (rc == EXIT_OK && differs) {
		if (check) {
			fprintf(stderr, "%s: not formatted (run `vroeg fmt %s`)\n", path, path);
			rc = EXIT_WARNINGS;
		} else if (strcmp(path, "-") == 0) {
			fwrite(out, 1, out_len, stdout);
		} else {
			/* Written beside and renamed: a crash or a full disk leaves
			 * the old file whole. Only a regular file is rewritten. */
			enum outfile_status st;
			outfile *o = outfile_open(path, NULL, 0, d, &st);
			if (!o) {
				rc = st == OUTFILE_REFUSED ? EXIT_USAGE : EXIT_OUTPUT;
			} else {
				fwrite(out, 1, out_len, outfile_stream(o));
				if (!outfile_commit(o, d))   /* checks the write */
					rc = EXIT_OUTPUT;
			}
		}
	} else if (rc == EXIT_OK && strcmp(path, "-") == 0 && !check) {
		fwrite(out, 1, out_len, stdout);
	}
	free(out);
	free(text);
	return rc;
}

int cmd_fmt(int argc, char **argv, diag *d)
{
	const char *check = NULL;
	const cli_option opts[] = { { "check", false, &check }, { NULL, false, NULL } };
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional == 0) {
		diag_error(d, "fmt needs at least one rule file (or -)\n%s", cli_usage("fmt"));
		return EXIT_USAGE;
	}
	int worst = EXIT_OK;
	for (int i = 0; i < a.npositional; i++) {
		const int rc = format_one(a.positional[i], check != NULL, d);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}
