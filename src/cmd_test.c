/* cmd_test.c - `vroeg test POLICY [TESTS]`: runs a policy's tests file
 * (default: the policy's path with .tests for .vroeg). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "policytest.h"

int cmd_test(int argc, char **argv, diag *d)
{
	cli_args a;
	const cli_option opts[] = { { "set", true, NULL }, { NULL, false, NULL } };
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional < 1 || a.npositional > 2) {
		diag_error(d, "test takes a policy and optionally its tests file\n%s", cli_usage("test"));
		return EXIT_USAGE;
	}
	const char *policy = a.positional[0];
	/* The tests file's name whole, however long: a cut name would read
	 * another file. */
	char *derived = NULL;
	const char *tests = a.npositional == 2 ? a.positional[1] : NULL;
	if (!tests) {
		const char *dot = strrchr(policy, '.');
		const size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - policy) : strlen(policy);
		derived = malloc(stem + sizeof ".tests");
		if (!derived) {
			diag_error(d, "out of memory");
			return EXIT_STORE;
		}
		memcpy(derived, policy, stem);
		strcpy(derived + stem, ".tests");
		tests = derived;
	}
	bc_program p;
	int rc = cli_load_policy_opt(policy, &p, d, false);
	if (rc == EXIT_OK && (rc = cli_apply_sets(&p, &a.many, d)) != EXIT_OK)
		bc_program_free(&p);
	if (rc != EXIT_OK) {
		free(derived);
		return rc;
	}
	size_t len;
	char *text = cli_read_file(tests, &len, d);
	if (!text) {
		bc_program_free(&p);
		free(derived);
		return EXIT_DATA;
	}
	policytest_result res;
	const bool read = policytest_run(&p, tests, text, len, stdout, d, &res);
	free(text);
	free(derived);
	bc_program_free(&p);
	if (!read)
		return EXIT_DATA;
	return res.failed ? EXIT_WARNINGS : EXIT_OK;
}
