/* cmd_policy.c - the commands about rule files: lint, compile, disasm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compile.h"
#include "outfile.h"

int cmd_lint(int argc, char **argv, diag *d)
{
	const char *strict = NULL;
	const cli_option opts[] = { { "strict", false, &strict }, { NULL, false, NULL } };
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional == 0) {
		diag_error(d, "lint needs at least one rule file\n%s", cli_usage("lint"));
		return EXIT_USAGE;
	}
	int worst = EXIT_OK;
	for (int i = 0; i < a.npositional; i++) {
		const int errors = d->errors, warnings = d->warnings;
		bc_program p;
		const int rc = cli_load_policy(a.positional[i], &p, d);
		if (rc == EXIT_OK)
			bc_program_free(&p);
		if (d->errors > errors)
			worst = EXIT_POLICY;
		else if (d->warnings > warnings && worst == EXIT_OK)
			worst = EXIT_WARNINGS;
	}
	if (d->errors || d->warnings)
		fprintf(stderr, "%d error%s, %d warning%s\n", d->errors, d->errors == 1 ? "" : "s",
			d->warnings, d->warnings == 1 ? "" : "s");
	if (worst == EXIT_WARNINGS && strict)
		return EXIT_POLICY;
	return worst;
}

int cmd_compile(int argc, char **argv, diag *d)
{
	const char *output = NULL;
	const cli_option opts[] = { { "o", true, &output }, { "output", true, &output }, { NULL, false, NULL } };
	cli_args a;
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 1) {
		diag_error(d, "compile takes one rule file\n%s", cli_usage("compile"));
		return EXIT_USAGE;
	}
	bc_program p;
	const int rc = cli_load_policy(a.positional[0], &p, d);
	if (rc != EXIT_OK)
		return rc;
	char *derived = NULL;
	if (!output) {
		/* rules/x.vroeg -> rules/x.vrb */
		const char *src = a.positional[0];
		const char *dot = strrchr(src, '.');
		const size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - src) : strlen(src);
		derived = malloc(stem + 5);
		if (!derived) {
			bc_program_free(&p);
			return EXIT_STORE;
		}
		memcpy(derived, src, stem);
		strcpy(derived + stem, ".vrb");
		output = derived;
	}
	/* A file is written beside its name and renamed into place, so a crash
	 * never leaves half a file; never over the rule file it came from, a
	 * device or a directory. */
	int result = EXIT_OK;
	outfile *o = NULL;
	if (strcmp(output, "-") != 0) {
		const char *const inputs[] = { a.positional[0] };
		enum outfile_status st;
		o = outfile_open(output, inputs, 1, d, &st);
		if (!o)
			result = st == OUTFILE_REFUSED ? EXIT_USAGE : EXIT_OUTPUT;
	}
	FILE *out = o ? outfile_stream(o) : stdout;
	errno = 0;
	if (result == EXIT_OK && !bc_write(&p, out)) {
		/* bc_write flushes: the reason is this errno, or memory. */
		const int err = !ferror(out) ? ENOMEM : errno ? errno : EIO;
		diag_error(d, "cannot write %s: %s", o ? output : "the output", strerror(err));
		result = EXIT_OUTPUT;
		if (o)
			outfile_abort(o);
	} else if (o && !outfile_commit(o, d)) {
		result = EXIT_OUTPUT;
	}
	bc_program_free(&p);
	free(derived);
	return result;
}

int cmd_disasm(int argc, char **argv, diag *d)
{
	cli_args a;
	const cli_option opts[] = { { NULL, false, NULL } };
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional != 1) {
		diag_error(d, "disasm takes one .vrb (or rule) file\n%s", cli_usage("disasm"));
		return EXIT_USAGE;
	}
	bc_program p;
	const int rc = cli_load_policy(a.positional[0], &p, d);
	if (rc != EXIT_OK)
		return rc;
	bc_disasm(&p, stdout);
	bc_program_free(&p);
	return EXIT_OK;
}
