/* outfile.c - replacing a file all or nothing (contract in outfile.h).
 * The content goes to a temporary file made by mkstemp beside the target
 * (so it never takes over an existing name), which is synced and renamed
 * over the target: a crash or a full disk leaves the old file whole. Every
 * name is allocated to its length; nothing is cut to a fixed buffer. */
/* realpath is XSI: the build's _POSIX_C_SOURCE alone does not declare it. */
#define _XOPEN_SOURCE 700

#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct outfile {
	const char *name;   /* as given, for messages */
	char *target;       /* the file replaced: NAME, or where its symlink points */
	char *temp;         /* the temporary file beside TARGET */
	FILE *f;
};

/* What a file that is not a regular one is, for the refusal. */
static const char *kind_of(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode) || S_ISBLK(mode))
		return "a device";
	if (S_ISFIFO(mode))
		return "a fifo";
	if (S_ISSOCK(mode))
		return "a socket";
	return "something else";
}


/* Whether the file AT is the same as input IN ("-": standard input). */
static bool is_input(const struct stat *at, const char *in)
{
	struct stat st;
	const int rc = strcmp(in, "-") == 0 ? fstat(STDIN_FILENO, &st) : stat(in, &st);
	return rc == 0 && st.st_dev == at->st_dev && st.st_ino == at->st_ino;
}

/* "DIR/.BASE.XXXXXX" for TARGET "DIR/BASE": hidden, so a glob over the
 * directory does not pick it up while it exists. */
static char *temp_name(const char *target)
{
	const char *slash = strrchr(target, '/');
	const size_t dir = slash ? (size_t)(slash - target) + 1 : 0;
	const char *base = target + dir;
	char *t = malloc(strlen(target) + 9);
	if (t)
		sprintf(t, "%.*s.%s.XXXXXX", (int)dir, target, base);
	return t;
}

outfile *outfile_open(const char *path, const char *const *inputs, size_t ninputs,
		      diag *d, enum outfile_status *st)
{
	*st = OUTFILE_FAILED;
	struct stat link, at;
	mode_t mode;
	bool exists = false;
	if (lstat(path, &link) == 0) {
		if (stat(path, &at) != 0) {
			const bool dangling = errno == ENOENT;
			diag_error(d, "cannot write %s: a symbolic link to %s", path,
				   dangling ? "nothing" : strerror(errno));
			*st = dangling ? OUTFILE_REFUSED : OUTFILE_FAILED;
			return NULL;
		}
		if (!S_ISREG(at.st_mode)) {
			diag_error(d, "cannot write %s: it is %s%s, not a regular file", path, kind_of(at.st_mode),
				   S_ISLNK(link.st_mode) ? " (through a symbolic link)" : "");
			*st = OUTFILE_REFUSED;
			return NULL;
		}
		for (size_t i = 0; i < ninputs; i++)
			if (is_input(&at, inputs[i])) {
				diag_error(d, "cannot write %s: it is the same file as the input %s", path,
					   strcmp(inputs[i], "-") == 0 ? "(standard input)" : inputs[i]);
				*st = OUTFILE_REFUSED;
				return NULL;
			}
		mode = at.st_mode & 07777;
		exists = true;
	} else if (errno == ENOENT) {
		/* What creating the file would give it (the umask is read by
		 * setting it, and put back at once; vroeg has one thread). */
		const mode_t mask = umask(0);
		umask(mask);
		mode = 0666 & ~mask;
	} else {
		diag_error(d, "cannot write %s: %s", path, strerror(errno));
		return NULL;
	}
	outfile *o = calloc(1, sizeof *o);
	char *target = !o ? NULL : exists && S_ISLNK(link.st_mode) ? realpath(path, NULL) : strdup(path);
	char *temp = target ? temp_name(target) : NULL;
	const int fd = temp ? mkstemp(temp) : -1;
	const int err = errno;
	/* Keep the replaced file's owner where we may (as root, or a group of
	 * ours); a file we may write but not give away becomes ours, as an
	 * editor's would. */
	if (fd >= 0 && exists && fchown(fd, at.st_uid, at.st_gid) != 0)
		errno = 0;
	FILE *f = fd >= 0 && fchmod(fd, mode) == 0 ? fdopen(fd, "wb") : NULL;
	if (!f) {
		diag_error(d, "cannot write %s: %s", path, strerror(fd < 0 ? err : errno));
		if (fd >= 0) {
			close(fd);
			unlink(temp);
		}
		free(target);
		free(temp);
		free(o);
		return NULL;
	}
	*o = (outfile){ path, target, temp, f };
	*st = OUTFILE_OK;
	return o;
}

FILE *outfile_stream(outfile *o)
{
	return o->f;
}

static void outfile_free(outfile *o)
{
	free(o->target);
	free(o->temp);
	free(o);
}

/* Makes the rename itself durable; a directory that cannot be synced (some
 * file systems) still holds the new file. */
static void sync_dir(const char *target)
{
	const char *slash = strrchr(target, '/');
	char *dir = slash ? strndup(target, slash == target ? 1 : (size_t)(slash - target)) : strdup(".");
	const int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

bool outfile_commit(outfile *o, diag *d)
{
	errno = 0;
	bool ok = fflush(o->f) == 0 && !ferror(o->f);
	int err = errno;
	if (ok && fsync(fileno(o->f)) != 0) {
		ok = false;
		err = errno;
	}
	if (fclose(o->f) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && rename(o->temp, o->target) != 0) {
		ok = false;
		err = errno;
	}
	if (ok) {
		sync_dir(o->target);
	} else {
		unlink(o->temp);
		/* A write that failed before the flush may leave no errno. */
		diag_error(d, "cannot write %s: %s", o->name, strerror(err ? err : EIO));
	}
	outfile_free(o);
	return ok;
}

void outfile_abort(outfile *o)
{
	fclose(o->f);
	unlink(o->temp);
	outfile_free(o);
}
