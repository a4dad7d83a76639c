/* diag.h - the one sink for diagnostics. Rule-file diagnostics print as
 * `file:line:col: error: message`, the source line and a caret; data-file
 * diagnostics as `file:line: column: message`. Library code reports here and
 * never prints on its own; main decides where the sink writes. */
#ifndef VROEG_DIAG_H
#define VROEG_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag_held;

typedef struct diag {
	FILE *out;          /* where messages go; NULL discards them (fuzzing) */
	int errors;
	int warnings;
	/* At most this many errors (warnings) are printed for one rule file
	 * (between diag_hold and diag_release), or for a command outside one;
	 * the rest are counted, and how many there were is said at the end.
	 * 0 = no limit. A data file's bad rows (diag_row) are all reported. */
	int max_errors;
	int max_warnings;
	int shown_errors, shown_warnings;     /* printed against those limits */
	int hidden_errors, hidden_warnings;   /* counted, not printed, not yet told */
	const char *hidden_name;              /* the rule file they were about */
	bool last_hidden;   /* a note goes with the message before it */
	/* Between diag_hold and diag_release: rule-file messages kept back. */
	int holding;
	struct diag_held *held;
	size_t nheld, held_cap;
} diag;

/* A position in a rule file. Lines and columns count from 1; columns in bytes. */
typedef struct diag_loc {
	int line, col;
	int end_line, end_col;
} diag_loc;

/* A source line longer than this (in bytes) is quoted as this many bytes
 * around the caret, with "..." where it was cut. */
enum { DIAG_QUOTE_MAX = 200 };

/* A rule file's text, kept so a diagnostic can quote its line. */
typedef struct diag_source {
	const char *name;
	const char *text;
	size_t len;
} diag_source;

void diag_init(diag *d, FILE *out);

/* file:line:col: severity: message, then the source line and a caret (with
 * tildes to the end of the span when it stays on one line). Control
 * characters of the line, and bytes that are not UTF-8, are shown as `?`. */
void diag_at(diag *d, const diag_source *src, diag_loc loc,
	     enum diag_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* From diag_hold to diag_release, diag_at keeps its messages back, and
 * diag_release prints them in line order (those of one line in the order
 * they came): a rule file is checked in passes, and its reader wants line 2
 * before line 9 whichever pass found it. Holds nest; the outermost release
 * prints, says how many messages were not shown, and starts the limits
 * afresh for the next file. */
void diag_hold(diag *d);
void diag_release(diag *d);

/* Says how many messages outside a hold were counted but not shown; main
 * calls it once the command is done. */
void diag_finish(diag *d);

/* file:line: column: message (a data file's row). */
void diag_row(diag *d, const char *file, long line, const char *column,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* vroeg: message (no position), counted as an error. */
void diag_error(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void diag_warning(diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The closest of CANDIDATES to WORD by edit distance, if close enough to be a
 * plausible misspelling, else NULL. */
const char *diag_suggest(const char *word, const char *const *candidates, size_t n);

#endif
