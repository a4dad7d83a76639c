/* hint.h - what to write instead: phrasings of a condition that people
 * write and that the language reads otherwise or not at all, each with the
 * form that says what was meant. The parser asks for a phrasing it cannot
 * read (hint_syntax), the checker for one it reads differently
 * (hint_same_signal, hint_two_signals). Pure: a message into a buffer. */
#ifndef VROEG_HINT_H
#define VROEG_HINT_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "diag.h"

/* The name NAME (a signal field at household level) is an operand of RIGHT,
 * joined by `and` to LEFT, an `any`/`all` over a condition on the same
 * field: `any age >= 18 and age <= 26`. Writes into BUF what to say to ask
 * both of one signal (`any age between 18 and 26` or `any (age >= 18 and
 * age <= 26)`), quoting SRC; false when the pattern does not hold. */
bool hint_same_signal(const diag_source *src, const ast_expr *left, const ast_expr *right,
		      const ast_expr *name, char *buf, size_t size);

/* A and B, two conditions joined by `and`, are `any` over the same signal
 * field in the same window with bounds in opposite directions (`any age >=
 * 18 and any age <= 26`): two signals may each meet one. Writes the
 * warning into BUF; false when they are not such a pair. Both must have
 * been checked (names resolved). */
bool hint_two_signals(const diag_source *src, const ast_expr *a, const ast_expr *b, char *buf, size_t size);

/* A syntax error at *AT, whose unexpected token starts there: when the
 * line of SRC reads as one of the phrasings the language spells otherwise
 * (`any age 18-26`, `rent arrears > 575`, `2 or more creditors`, `within
 * the last 3 months`, `unless`/`except`, a label's `else` on a line of its
 * own), writes what to say instead into BUF and sets *AT to the span of
 * the phrasing. False, *AT unchanged, otherwise. */
bool hint_syntax(const diag_source *src, diag_loc *at, char *buf, size_t size);

#endif
