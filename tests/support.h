/* support.h - what the front-end suites share: parse or check a policy text
 * with its diagnostics captured in memory, and walk the statements. */
#ifndef VROEG_TESTS_SUPPORT_H
#define VROEG_TESTS_SUPPORT_H

#include <stdio.h>

#include "ast.h"
#include "checker.h"
#include "diag.h"

typedef struct parsed {
	arena a;
	char *out;          /* everything reported, as printed */
	size_t outlen;
	FILE *f;
	diag d;
	ast_file *file;
	chk_policy *pol;    /* after check_text */
} parsed;
typedef parsed checked;

/* Parses LEN bytes of TEXT as "t.vroeg". */
void parse_bytes(parsed *p, const char *text, size_t len);
void parse_text(parsed *p, const char *text);
/* Parses (which must succeed) and checks TEXT. */
void check_text(checked *c, const char *text);
/* What was reported so far. */
const char *messages(parsed *p);
void done(parsed *p);

int count_stmts(const ast_file *f);
ast_stmt *stmt_at(const ast_file *f, int i);

#endif
