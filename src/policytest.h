/* policytest.h - policy tests: households described in a readable text file
 * beside the policy (docs/tests.md), each test one household or a small
 * month of them with the capacity it gives, and what each must get. Runs
 * without a store; reports failures as file:line with expected and got, and
 * which rules, buckets, exclusion reasons and paths between buckets no test
 * reaches. */
#ifndef VROEG_POLICYTEST_H
#define VROEG_POLICYTEST_H

#include <stdio.h>

#include "bytecode.h"
#include "diag.h"

/* The limits of a tests file (docs/tests.md, "Limits"), each an error of
 * the tests file at the line that passes it. */
enum {
	POLICYTEST_MAX_HOUSEHOLDS = 100000,  /* households in one test */
	POLICYTEST_MAX_SIGNALS = 64,         /* signals of one household */
	POLICYTEST_MAX_OUTCOMES = 32,        /* outcomes of one household */
	POLICYTEST_MAX_WORDS = 32            /* words on one line */
};

typedef struct policytest_result {
	int tests, failed;
	int uncovered;     /* rules, buckets, reasons and paths no test reaches */
} policytest_result;

/* Runs the tests in TEXT (named NAME) against P, printing failures and the
 * coverage line to OUT. Mistakes in the tests file go to D as a rule file's
 * do (file:line:col, the line, a caret), checked against P. False when the
 * tests file has a mistake (D counts the errors); no coverage is given then. */
bool policytest_run(const bc_program *p, const char *name, const char *text, size_t len,
		    FILE *out, diag *d, policytest_result *res);

#endif
