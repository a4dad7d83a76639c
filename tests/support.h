/* support.h - what the suites share: parse or check a policy text with its
 * diagnostics captured in memory, walk the statements, capture the store's
 * diagnostics, temporary stores, and (for the suites that run the binary)
 * shell commands and whole files. */
#ifndef VROEG_TESTS_SUPPORT_H
#define VROEG_TESTS_SUPPORT_H

#include <stdbool.h>
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

/* Diagnostics of the store and import captured in memory. */
typedef struct capture {
	char *text;
	size_t len;
	FILE *out;
	diag d;
} capture;
void capture_start(capture *c);
const char *captured(capture *c);
void capture_end(capture *c);

/* A store path in a fresh temporary directory (DIR names it, e.g.
 * "/tmp/vroeg-store-XXXXXX", and is filled in), and its removal with the
 * store's WAL and journal files. */
void temp_store(char *dir, char *path, size_t path_size);
void temp_store_remove(const char *dir, const char *path);
/* A fresh temporary directory (DIR as for temp_store) with DB =
 * DIR/store.db, into which the binary imported examples/city's signals and
 * outcomes: the store most command suites start from. */
void scratch_city_store(char *dir, char *db, size_t db_size);
/* Removes a temporary directory and all that is in it. */
void scratch_remove(const char *dir);

/* The binary under test ($VROEG, else build/vroeg) by an absolute name, so
 * a command may change directory. */
const char *vroeg_bin(void);
/* Runs the shell command made from FMT; its standard error (and output,
 * unless the command sends it elsewhere) into OUT (NULL: discarded), cut to
 * SIZE - 1 bytes. The exit status, or -1 when it did not exit. */
int shell(char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* What is left to read of F, or the bytes of PATH (malloc'ed, NUL-ended);
 * *LEN their number (LEN may be NULL). F stays open. */
char *slurp_stream(FILE *f, size_t *len);
char *slurp_file(const char *path, size_t *len);
void write_file_text(const char *path, const char *text);
/* Whether the LEN bytes at HAY hold NEEDLE. */
bool bytes_contain(const char *hay, size_t len, const char *needle);
/* Runs CMD in the shell, standard error joined to its output, which goes
 * whole into *OUT (malloc'ed; NULL: discarded). The exit status, or -1. */
int run_joined(const char *cmd, char **out);
/* The size of PATH in bytes, -1 when it cannot be read. */
long file_size(const char *path);
/* Renders PAGE (an absolute path) in headless Chromium ($VROEG_CHROMIUM,
 * else chromium-headless-shell or chromium) with networking off and a fresh
 * profile under SCRATCH, doing WHAT (--dump-dom, --screenshot=FILE); its
 * output. Fails the test when there is no browser or it fails. */
char *chromium_render(const char *page, const char *scratch, const char *what);

#endif
