/* cmd_policy.c - the commands about rule files: lint, compile, disasm. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compile.h"

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
	/* Write to a temporary name and rename, so a crash never leaves half a file. */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", output);
	FILE *f = strcmp(output, "-") == 0 ? stdout : fopen(tmp, "wb");
	int result = EXIT_OK;
	if (!f) {
		diag_error(d, "cannot write %s", tmp);
		result = EXIT_STORE;
	} else {
		bool ok = bc_write(&p, f);
		if (f != stdout) {
			ok = fclose(f) == 0 && ok;
			if (ok && rename(tmp, output) != 0)
				ok = false;
			if (!ok)
				remove(tmp);
		}
		if (!ok) {
			diag_error(d, "cannot write %s", output);
			result = EXIT_STORE;
		}
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
