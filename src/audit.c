/* audit.c - a recorded run's policy (contracts in audit.h). Compiling the
 * kept text again is what makes it a program: the store keeps the text the
 * officer wrote, not a form only this version of vroeg could read, and the
 * hash of the compiled form says whether this vroeg still makes the same
 * program of it. */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "sha256.h"

bool audit_program_hash(const bc_program *p, char out[65], diag *d)
{
	char *bytes = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&bytes, &len);
	bool ok = f && bc_write(p, f);
	if (f && fclose(f) != 0)
		ok = false;
	if (ok) {
		uint8_t digest[32];
		sha256(bytes, len, digest);
		sha256_hex(digest, out);
	} else {
		diag_error(d, "out of memory hashing the compiled policy");
	}
	free(bytes);
	return ok;
}

/* Gives P the values RUN was given with --set (its settings: a JSON array
 * of "NAME=VALUE" strings, as cli_settings_json writes them, which hold no
 * quote or backslash). False, reported, when the store holds anything else
 * or this policy has no such named number. */
static bool apply_settings(const store_run *run, bc_program *p, diag *d)
{
	const char *q = run->settings ? run->settings : "[]";
	if (*q++ != '[')
		goto damaged;
	while (*q == '"') {
		const char *end = strchr(q + 1, '"');
		if (!end || memchr(q + 1, '\\', (size_t)(end - q - 1)))
			goto damaged;
		char one[256];
		const size_t n = (size_t)(end - q - 1);
		if (n >= sizeof one)
			goto damaged;
		memcpy(one, q + 1, n);
		one[n] = '\0';
		if (!bc_program_set_text(p, one, d))
			return false;
		q = end + 1;
		if (*q == ',')
			q++;
		else if (*q != ']')
			goto damaged;
	}
	if (q[0] == ']' && q[1] == '\0')
		return true;
damaged:
	diag_error(d, "the store is damaged: run %lld's settings `%s` are not what vroeg writes",
		   run->id, run->settings);
	return false;
}

int audit_load_policy(store *s, const store_run *run, bc_program *p, char **text,
		      size_t *len, bool *same, diag *d)
{
	*text = NULL;
	*len = 0;
	*same = false;
	if (run->policy_form == STORE_POLICY_NONE)
		return 0;
	const void *policy;
	size_t n;
	const int got = store_run_policy(s, run->id, &policy, &n, d);
	if (got <= 0) {
		if (got == 0)
			diag_error(d, "the store is damaged: run %lld has no policy kept", run->id);
		return -1;
	}
	if (run->policy_form == STORE_POLICY_BYTECODE) {
		char name[64];
		snprintf(name, sizeof name, "the policy of run %lld", run->id);
		if (!bc_read(p, policy, n, name, d))
			return -2;
	} else {
		char *copy = malloc(n + 1);
		if (!copy) {
			diag_error(d, "out of memory");
			return -1;
		}
		memcpy(copy, policy, n);
		copy[n] = '\0';
		/* Its warnings were shown when it ran; only errors (from a
		 * vroeg that no longer accepts the text) are worth a word. */
		diag quiet;
		diag_init(&quiet, NULL);
		if (!compile_policy(run->source_name, copy, n, &quiet, p)) {
			diag_error(d, "this vroeg cannot compile the policy run %lld kept "
				   "(\"%s\" %s, %s):", run->id, run->policy_name, run->policy_version,
				   run->source_name);
			if (compile_policy(run->source_name, copy, n, d, p))
				bc_program_free(p);
			free(copy);
			return -2;
		}
		*text = copy;
		*len = n;
	}
	/* The program that decided had the values --set gave the run. */
	if (!apply_settings(run, p, d)) {
		bc_program_free(p);
		free(*text);
		*text = NULL;
		return -2;
	}
	char hash[65];
	if (!audit_program_hash(p, hash, d)) {
		bc_program_free(p);
		free(*text);
		*text = NULL;
		return -1;
	}
	*same = strcmp(hash, run->program_sha256) == 0;
	return 1;
}
