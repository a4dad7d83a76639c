/* policytest.h - policy tests: households described in a readable text file
 * beside the policy, each with the bucket (and labels) it must get. Runs
 * without a store; reports failures as file:line with expected and got, and
 * which rules, buckets and exclusion reasons no test reaches. */
#ifndef VROEG_POLICYTEST_H
#define VROEG_POLICYTEST_H

#include <stdio.h>

#include "bytecode.h"
#include "diag.h"

typedef struct policytest_result {
	int tests, failed;
	int uncovered;     /* rules, buckets and reasons no test reaches */
} policytest_result;

/* Runs the tests in TEXT (named NAME) against P, printing failures and the
 * coverage line to OUT. Syntax errors in the tests go to D. False when the
 * tests file itself cannot be read (D counts the errors). */
bool policytest_run(const bc_program *p, const char *name, const char *text, size_t len,
		    FILE *out, diag *d, policytest_result *res);

#endif
