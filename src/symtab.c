/* symtab.c - an open-addressing hash table of names; it doubles when half
 * full, the old arrays staying in the arena (at most as much again). */
#include "symtab.h"

#include <stdint.h>
#include <string.h>

void symtab_init(symtab *t)
{
	memset(t, 0, sizeof *t);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 0xCBF29CE484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001B3ull;
	return h ^ h >> 31;
}

/* Where NAME is, or the empty slot where it would go (SIZE > 0). */
static size_t slot(const symtab *t, const char *name)
{
	size_t s = (size_t)hash(name) & (t->size - 1);
	while (t->names[s] && strcmp(t->names[s], name) != 0)
		s = (s + 1) & (t->size - 1);
	return s;
}

static void grow(symtab *t, arena *a)
{
	const symtab old = *t;
	t->size = old.size ? 2 * old.size : 16;
	t->names = arena_alloc(a, sizeof *t->names * t->size);
	t->values = arena_alloc(a, sizeof *t->values * t->size);
	for (size_t i = 0; i < old.size; i++)
		if (old.names[i]) {
			const size_t s = slot(t, old.names[i]);
			t->names[s] = old.names[i];
			t->values[s] = old.values[i];
		}
}

void symtab_put(symtab *t, arena *a, const char *name, int value)
{
	if (2 * (t->used + 1) > t->size)
		grow(t, a);
	const size_t s = slot(t, name);
	if (!t->names[s]) {
		t->names[s] = name;
		t->used++;
	}
	t->values[s] = value;
}

int symtab_get(const symtab *t, const char *name)
{
	if (t->size == 0)
		return -1;
	const size_t s = slot(t, name);
	return t->names[s] ? t->values[s] : -1;
}
