/* support.c - the shared harness of the front-end suites. */
#include "support.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
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
