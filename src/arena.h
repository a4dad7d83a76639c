/* arena.h - bump allocation for one compilation: the AST, its strings and the
 * checker's tables live in one arena and are freed together. */
#ifndef VROEG_ARENA_H
#define VROEG_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
	arena_block *head;
} arena;

void arena_init(arena *a);
/* Zeroed memory for SIZE bytes, aligned for any object; aborts on exhaustion
 * (a rule file is small: running out of memory here is not recoverable). */
void *arena_alloc(arena *a, size_t size);
/* A NUL-terminated copy of the LEN bytes at S. */
char *arena_strndup(arena *a, const char *s, size_t len);
void arena_free(arena *a);

#endif
