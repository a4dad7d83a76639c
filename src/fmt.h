/* fmt.h - the canonical layout of a rule file: one statement per line,
 * single spaces between words, `->` aligned in a run of rules, bucket clauses
 * aligned in a run of buckets, continuation lines aligned under the clauses,
 * comments kept, at most one blank line in a row. Formatting is idempotent and
 * never changes meaning (the caller proves it by compiling both). */
#ifndef VROEG_FMT_H
#define VROEG_FMT_H

#include <stddef.h>

/* Returns the formatted text of TEXT (LEN bytes) as a malloc'ed NUL-terminated
 * string (length in *OUT_LEN), or NULL when memory runs out. */
char *fmt_rules(const char *text, size_t len, size_t *out_len);

#endif
