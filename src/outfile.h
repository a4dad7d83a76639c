/* outfile.h - writing a file a command makes (compile's .vrb, the rule file
 * fmt rewrites) without harming any other: only a regular file, never one
 * of the command's inputs, never a cut name, and all or nothing. */
#ifndef VROEG_OUTFILE_H
#define VROEG_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"

typedef struct outfile outfile;

enum outfile_status {
	OUTFILE_OK,
	OUTFILE_REFUSED,   /* PATH is an input, or not a regular file */
	OUTFILE_FAILED     /* the system would not create or write it */
};

/* Starts replacing (or creating) the file PATH: the content goes to a new
 * temporary file beside it, which outfile_commit renames over PATH. Refuses
 * a PATH that is a directory, a device, a fifo or a socket (or a symbolic
 * link to one), and a PATH that is the same file (device and inode) as one
 * of the NINPUTS paths of INPUTS ("-": standard input); a symbolic link to
 * a regular file is followed, so its target is replaced and the link kept.
 * The file keeps its permissions; a new one gets 0666 less the umask.
 * Names of any length are used whole: one the system cannot take is an
 * error, never cut short. NULL after reporting why, with *ST saying which.
 * PATH must stay valid until the outfile is committed or aborted. */
outfile *outfile_open(const char *path, const char *const *inputs, size_t ninputs,
		      diag *d, enum outfile_status *st);
/* Where to write the content. */
FILE *outfile_stream(outfile *o);
/* Checks every write, flushes, syncs to disk and renames the file into
 * place (then syncs the directory). True when PATH now holds the content;
 * else reports "cannot write PATH: reason" and PATH is as it was. Frees O. */
bool outfile_commit(outfile *o, diag *d);
/* Removes the temporary file, leaving PATH as it was. Frees O. */
void outfile_abort(outfile *o);

#endif
