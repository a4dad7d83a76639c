/* parse.h - the front end's entry point: rule-file text in, syntax tree out.
 * The scanner is reentrant and the parser pure; all state is in parse_ctx. */
#ifndef VROEG_PARSE_H
#define VROEG_PARSE_H

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* Parentheses and `not`s open at once in one statement: one more is an
 * error at it (docs/language.md, "Limits"). The parser's stack grows by a
 * few entries with each, so this keeps it far from bison's own limit. */
enum { PARSE_MAX_NESTING = 100 };

/* Shared by the scanner (as its yyextra) and the parser's actions. */
typedef struct parse_ctx {
	arena *arena;
	diag *diag;
	ast_file *file;
	int line, col;           /* where the scanner stands */
	bool sent_final_newline; /* the scanner ends the last line for the parser */
	int nesting;             /* parentheses and `not`s open in this statement */
} parse_ctx;

/* Parses TEXT (LEN bytes; need not be NUL-terminated) named NAME. Every syntax
 * error in the file is reported to D, each with its position. The returned
 * tree (allocated in A) holds every statement that parsed; it is usable for
 * checking only when D counts no errors. NAME and TEXT must outlive the tree. */
ast_file *parse_rules(arena *a, diag *d, const char *name, const char *text, size_t len);

#endif
