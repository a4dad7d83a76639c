/* support.c - the shared harness of the suites. */
#include "support.h"

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "parse.h"

void parse_bytes(parsed *p, const char *text, size_t len)
{
	memset(p, 0, sizeof *p);
	arena_init(&p->a);
	p->f = open_memstream(&p->out, &p->outlen);
	ck_assert_ptr_nonnull(p->f);
	diag_init(&p->d, p->f);
	p->file = parse_rules(&p->a, &p->d, "t.vroeg", text, len);
	fflush(p->f);
}

void parse_text(parsed *p, const char *text)
{
	parse_bytes(p, text, strlen(text));
}

void check_text(checked *c, const char *text)
{
	parse_text(c, text);
	ck_assert_msg(c->d.errors == 0, "syntax errors in a checker test:\n%s", c->out);
	c->pol = check_policy(&c->a, &c->d, c->file);
	fflush(c->f);
}

const char *messages(parsed *p)
{
	fflush(p->f);
	return p->out ? p->out : "";
}

void done(parsed *p)
{
	fclose(p->f);
	free(p->out);
	arena_free(&p->a);
}

int count_stmts(const ast_file *f)
{
	int n = 0;
	for (const ast_stmt *s = f->stmts; s; s = s->next)
		n++;
	return n;
}

ast_stmt *stmt_at(const ast_file *f, int i)
{
	ast_stmt *s = f->stmts;
	while (s && i-- > 0)
		s = s->next;
	ck_assert_ptr_nonnull(s);
	return s;
}

void capture_start(capture *c)
{
	c->text = NULL;
	c->out = open_memstream(&c->text, &c->len);
	ck_assert_ptr_nonnull(c->out);
	diag_init(&c->d, c->out);
}

const char *captured(capture *c)
{
	fflush(c->out);
	return c->text ? c->text : "";
}

void capture_end(capture *c)
{
	fclose(c->out);
	free(c->text);
}

void temp_store(char *dir, char *path, size_t path_size)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, path_size, "%s/store.db", dir);
}

void temp_store_remove(const char *dir, const char *path)
{
	char p[512];
	const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
	rmdir(dir);
}

void scratch_city_store(char *dir, char *db, size_t db_size)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_lt(snprintf(db, db_size, "%s/store.db", dir), (int)db_size);
	char out[4096];
	ck_assert_msg(shell(out, sizeof out, "%s import --db %s examples/city/signals.csv && "
			    "%s import --db %s --outcomes examples/city/outcomes.csv",
			    vroeg_bin(), db, vroeg_bin(), db) == 0, "importing examples/city: %s", out);
}

void scratch_remove(const char *dir)
{
	shell(NULL, 0, "rm -rf %s", dir);
}

const char *vroeg_bin(void)
{
	static char path[4096];
	if (!path[0]) {
		const char *v = getenv("VROEG") ? getenv("VROEG") : "build/vroeg";
		char cwd[2048] = "";
		if (v[0] != '/')
			ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
		snprintf(path, sizeof path, "%s%s%s", cwd, cwd[0] ? "/" : "", v);
	}
	return path;
}

int shell(char *out, size_t size, const char *fmt, ...)
{
	char cmd[16384], full[16500];
	va_list ap;
	va_start(ap, fmt);
	const int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	ck_assert_int_lt(n, (int)sizeof cmd);
	snprintf(full, sizeof full, "( %s ) 2>&1", cmd);
	FILE *p = popen(full, "r");
	ck_assert_ptr_nonnull(p);
	char sink[4096];
	size_t got = 0, k;
	if (!out) {
		out = sink;
		size = sizeof sink;
	}
	while ((k = fread(out + got, 1, size - 1 - got, p)) > 0)
		got += k;
	out[got] = '\0';
	while (fread(sink, 1, sizeof sink, p) > 0)
		;
	const int status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

char *slurp_stream(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, k;
	char *buf = malloc(cap + 1);
	ck_assert_ptr_nonnull(buf);
	while ((k = fread(buf + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			buf = realloc(buf, (cap *= 2) + 1);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

char *slurp_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	char *buf = slurp_stream(f, len);
	fclose(f);
	return buf;
}

void write_file_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
	ck_assert_int_eq(fclose(f), 0);
}

bool bytes_contain(const char *hay, size_t len, const char *needle)
{
	const size_t n = strlen(needle);
	for (size_t i = 0; n && i + n <= len; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

int run_joined(const char *cmd, char **out)
{
	char full[8192];
	ck_assert_int_lt(snprintf(full, sizeof full, "{ %s ; } 2>&1", cmd), (int)sizeof full);
	FILE *p = popen(full, "r");
	ck_assert_ptr_nonnull(p);
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);
	ck_assert_ptr_nonnull(buf);
	while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (n + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[n] = '\0';
	const int status = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* The browser's path, into PATH. */
static void browser(char *path, size_t size)
{
	const char *v = getenv("VROEG_CHROMIUM");
	if (v && *v) {
		snprintf(path, size, "%s", v);
		return;
	}
	const char *const names[] = { "chromium-headless-shell", "chromium" };
	for (int i = 0; i < 2; i++) {
		char cmd[128], *out;
		snprintf(cmd, sizeof cmd, "command -v %s", names[i]);
		if (run_joined(cmd, &out) == 0) {
			snprintf(path, size, "%.*s", (int)strcspn(out, "\n"), out);
			free(out);
			return;
		}
		free(out);
	}
	ck_abort_msg("no chromium-headless-shell (or chromium) to render the page in: "
		     "apt-get install chromium-headless-shell (.ci/run does), or set VROEG_CHROMIUM");
}

char *chromium_render(const char *page, const char *scratch, const char *what)
{
	char exe[512], cmd[4096], *out;
	browser(exe, sizeof exe);
	snprintf(cmd, sizeof cmd,
		 "%s --headless --no-sandbox --disable-gpu --disable-background-networking "
		 "--disable-component-update --disable-sync --disable-default-apps --no-first-run "
		 "--no-default-browser-check --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' "
		 "--host-resolver-rules='MAP * ~NOTFOUND' --hide-scrollbars --user-data-dir=%s/profile-%d "
		 "--window-size=1200,3200 %s file://%s 2>/dev/null",
		 exe, scratch, (int)getpid(), what, page);
	const int rc = run_joined(cmd, &out);
	ck_assert_msg(rc == 0, "chromium failed (%d): %.500s", rc, out);
	return out;
}
