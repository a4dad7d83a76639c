/* audit.h - the audit trail of recorded runs: the hash that identifies a
 * compiled policy, and the policy a run kept in the store loaded back into a
 * program, so that its decisions can be explained (and its policy shown)
 * from the store alone, whatever became of the rule file. */
#ifndef VROEG_AUDIT_H
#define VROEG_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "bytecode.h"
#include "diag.h"
#include "store.h"

/* The SHA-256 of P's compiled form, as `compile` writes it to a .vrb (the
 * same program gives the same bytes), in 65 bytes of hex and a NUL. False
 * when out of memory (reported). */
bool audit_program_hash(const bc_program *p, char out[65], diag *d);

/* Loads the policy RUN kept into *P: its rule text compiled under the name
 * the run cited its rules by, or its .vrb read and verified. *TEXT gets the
 * rule text (malloc'ed, the caller frees it; NULL for a .vrb) and *LEN its
 * length. The values the run was given with `--set` (its settings) are set
 * in *P again. *SAME tells whether this program is the one the run recorded
 * (its program_sha256): a later vroeg may compile the same text
 * differently. Returns 1 loaded, 0 the run kept no policy (recorded before
 * runs kept theirs; nothing reported), -1 a store error, -2 a kept policy
 * this vroeg cannot compile or load (both reported). */
int audit_load_policy(store *s, const store_run *run, bc_program *p, char **text,
		      size_t *len, bool *same, diag *d);

#endif
