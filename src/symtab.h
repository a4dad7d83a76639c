/* symtab.h - names to numbers, for the checker: definitions, buckets and
 * labels are looked up by name once per use, so a policy of thousands of
 * them costs no search through all of them. The table lives in an arena. */
#ifndef VROEG_SYMTAB_H
#define VROEG_SYMTAB_H

#include <stddef.h>

#include "arena.h"

typedef struct symtab {
	const char **names;     /* not copied: they must outlive the table */
	int *values;
	size_t size, used;      /* size 0 or a power of two */
} symtab;

/* An empty table (all zero is one too). */
void symtab_init(symtab *t);

/* Sets NAME's value to VALUE (VALUE >= 0), adding NAME when new. Grows in A. */
void symtab_put(symtab *t, arena *a, const char *name, int value);

/* NAME's value, or -1 when it has none. */
int symtab_get(const symtab *t, const char *name);

#endif
