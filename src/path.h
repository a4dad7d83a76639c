/* path.h - one household's way through the buckets, in words, for explain:
 * every step alloc recorded (alloc_trace), each with the line of the policy
 * that made it (the rule's, or the bucket statement's), and where it ends. */
#ifndef VROEG_PATH_H
#define VROEG_PATH_H

#include <stdio.h>

#include "alloc.h"
#include "bytecode.h"

/* Prints the path of household E (allocated with TRACE recording its
 * steps) under P, whose rule RULE decided it, then the decision line.
 * FIRST_DISTRICT (per bucket, or NULL) names the district a rotating spread
 * started with this month (alloc_flow's first_district). */
void path_print(FILE *out, const bc_program *p, const alloc_entry *e, const alloc_trace *trace,
		const bc_rule *rule, const char *const *first_district);

#endif
