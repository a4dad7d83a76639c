/* compile.h - from rule-file text to a verified bytecode program: parse,
 * check, generate code, verify. */
#ifndef VROEG_COMPILE_H
#define VROEG_COMPILE_H

#include <stdbool.h>
#include <stddef.h>

#include "bytecode.h"
#include "diag.h"

/* Compiles TEXT (LEN bytes) named NAME (the name rules are cited by, e.g.
 * "rules/p2.vroeg"). Errors and warnings go to D. On success fills *OUT, which
 * the caller frees with bc_program_free; on any error returns false and *OUT
 * is empty. */
bool compile_policy(const char *name, const char *text, size_t len, diag *d, bc_program *out);

#endif
