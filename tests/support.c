/* support.c - the shared harness of the front-end suites. */
#include "support.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

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
