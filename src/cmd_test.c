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
	const cli_option opts[] = { { NULL, false, NULL } };
	if (!cli_parse(argc, argv, opts, &a, d))
		return EXIT_USAGE;
	if (a.npositional < 1 || a.npositional > 2) {
		diag_error(d, "test takes a policy and optionally its tests file\n%s", cli_usage("test"));
		return EXIT_USAGE;
	}
	const char *policy = a.positional[0];
	char tests[4096];
	if (a.npositional == 2) {
		snprintf(tests, sizeof tests, "%s", a.positional[1]);
	} else {
		const char *dot = strrchr(policy, '.');
		const size_t stem = dot && !strchr(dot, '/') ? (size_t)(dot - policy) : strlen(policy);
		snprintf(tests, sizeof tests, "%.*s.tests", (int)stem, policy);
	}
	bc_program p;
	const int rc = cli_load_policy_opt(policy, &p, d, false);
	if (rc != EXIT_OK)
		return rc;
	size_t len;
	char *text = cli_read_file(tests, &len, d);
	if (!text) {
		bc_program_free(&p);
		return EXIT_DATA;
	}
	policytest_result res;
	const bool read = policytest_run(&p, tests, text, len, stdout, d, &res);
	free(text);
	bc_program_free(&p);
	if (!read)
		return EXIT_DATA;
	return res.failed ? EXIT_WARNINGS : EXIT_OK;
}
