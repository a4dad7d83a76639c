/* ast.h - the syntax tree of a rule file, built by the parser (one call per
 * grammar action) and annotated by the checker (types, resolved names).
 * All nodes live in the compilation's arena. */
#ifndef VROEG_AST_H
#define VROEG_AST_H

#include <stdbool.h>

#include "arena.h"
#include "diag.h"
#include "types.h"

/* The types of the language; a bare whole number adapts to any numeric type. */
enum ast_type {
	TY_UNKNOWN, TY_BOOL, TY_MONEY, TY_COUNT, TY_DAYS, TY_YEARS, TY_FLAG,
	TY_TEXT, TY_SECTOR, TY_KIND, TY_LEGAL_FORM, TY_OUTCOME, TY_NUMBER
};

enum ast_cmp { CMP_EQ, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE };

enum ast_window_kind { WIN_THIS_MONTH, WIN_WITHIN, WIN_PREVIOUS };
typedef struct ast_window {
	enum ast_window_kind kind;
	int months;          /* N of "within N months" / "in previous N months" */
	bool given;          /* false when the default (this month) applies */
	const char *name;    /* a name written as the length (refused by the checker), or NULL */
	diag_loc loc;
} ast_window;

/* Months back from the run month that a window covers: lo..hi (0 = run month).
 * "within N months" is 0..N-1, "in previous N months" is 1..N. */
void ast_window_range(ast_window w, int *lo, int *hi);

enum ast_agg {
	AGG_ANY, AGG_ALL,            /* any / all COND over signals or outcomes */
	AGG_CREDITORS, AGG_SECTORS,  /* distinct creditors / sectors */
	AGG_SIGNALS,                 /* number of signals [with COND] */
	AGG_MONTHS,                  /* distinct months with signals [with COND] */
	AGG_OUTCOMES,                /* number of outcomes [with COND] */
	AGG_TOTAL, AGG_MAX, AGG_MIN, /* total / max / min FIELD [with COND] */
	AGG_SAME                     /* same FIELD WINDOW: a signal-level test */
};

enum ast_expr_kind {
	E_OR, E_AND, E_NOT, E_CMP, E_BETWEEN, E_IN, E_MISSING,
	E_NAME, E_INT, E_DECIMAL, E_MONEY, E_STRING, E_AGG
};

/* What a name turned out to mean (set by the checker). */
enum ast_ref {
	REF_NONE, REF_SIGNAL_FIELD, REF_OUTCOME_FIELD, REF_HOUSEHOLD_FACT,
	REF_SECTOR_TOTAL, REF_DEFINITION, REF_ENUM_VALUE,
	REF_PARAM          /* a named number (`define floor = 100`): index is its definition */
};

typedef struct ast_expr ast_expr;
struct ast_expr {
	enum ast_expr_kind kind;
	diag_loc loc;
	enum ast_type type;          /* set by the checker */
	int depth;                   /* height of the subtree: 1 for a leaf */
	union {
		struct { ast_expr *lhs, *rhs; } bin;           /* E_OR, E_AND */
		ast_expr *operand;                             /* E_NOT */
		struct { enum ast_cmp op; ast_expr *lhs, *rhs; } cmp;
		struct { ast_expr *value, *lo, *hi; } between;
		struct { ast_expr *value; ast_expr **items; int nitems; bool negated; } in;
		struct { ast_expr *value; bool known; } missing; /* "is missing" / "is known" */
		struct {
			const char *text;
			enum ast_ref ref;
			int index;   /* field, fact, sector, definition or enum value */
		} name;
		int64_t number;   /* E_INT (whole), E_DECIMAL and E_MONEY (cents) */
		const char *string;
		struct {
			enum ast_agg agg;
			ast_expr *cond;        /* ANY/ALL condition, or the "with" filter */
			const char *field;     /* TOTAL/MAX/MIN/SAME: the field named */
			diag_loc field_loc;
			int field_index;       /* set by the checker */
			bool over_outcomes;    /* set by the checker for ANY/ALL */
			int set;               /* enum bc_signal_set, set by the checker */
			ast_window window;
		} agg;
	} u;
};

typedef struct ast_order_key {
	ast_expr *expr;
	bool descending;
	struct ast_order_key *next;
} ast_order_key;

typedef struct ast_name {
	const char *text;
	diag_loc loc;
} ast_name;

/* `feedback CODE` on an exclusion, a skip or a bucket: a number or a name
 * as written, resolved by the checker (types.h, enum vr_feedback). */
typedef struct ast_feedback {
	bool given;
	const char *name;    /* the code's name as written, or NULL for a number */
	int64_t number;      /* the number as written */
	diag_loc loc;
	int code;            /* set by the checker: 1..7, 0 when not given */
} ast_feedback;

/* The unit of a contact term as written (`within 3 working days`); months
 * are parsed only to be refused with a message that says what is meant. */
enum ast_term_unit { TERM_DAYS, TERM_WEEKS, TERM_WORKING_DAYS, TERM_MONTHS };

enum ast_clause_kind {
	CL_CAPACITY, CL_ORDER, CL_OVERFLOW, CL_WITHOUT, CL_SPREAD, CL_BACKFILL, CL_NO_FOLLOW_UP,
	CL_TERM, CL_FEEDBACK
};
typedef struct ast_clause ast_clause;
struct ast_clause {
	enum ast_clause_kind kind;
	diag_loc loc;
	int64_t capacity;         /* CL_CAPACITY: N, or -1 for "capacity unlimited" */
	bool unlimited;           /* CL_CAPACITY: "capacity unlimited", no limit on purpose */
	ast_name capacity_name;   /* CL_CAPACITY: a named number (`capacity visits`), or text NULL */
	bool rotating;            /* CL_SPREAD: `spread over district rotating` */
	enum ast_term_unit unit;  /* CL_TERM: `within TERM UNIT` */
	int64_t term;
	ast_feedback feedback;    /* CL_FEEDBACK */
	ast_order_key *order;     /* CL_ORDER, and CL_BACKFILL's optional order */
	ast_name target;          /* CL_OVERFLOW, CL_WITHOUT, CL_BACKFILL: a bucket */
	ast_name what;            /* CL_WITHOUT: phone/email; CL_SPREAD: a fact */
	ast_clause *next;
};

typedef struct ast_label_case ast_label_case;
struct ast_label_case {
	ast_name value;
	ast_expr *cond;           /* NULL for the "else" case */
	ast_label_case *next;
};

enum ast_stmt_kind {
	S_POLICY,          /* policy "name" version V effective YYYY-MM */
	S_EXCLUDE_BEFORE,  /* exclude "reason" before counting when COND */
	S_COUNT,           /* count signal when COND */
	S_SKIP,            /* skip signal "reason" when COND [-> bucket] */
	S_DEFINE,          /* define NAME = EXPR, NAME when COND */
	S_RULE,            /* COND -> bucket, otherwise -> bucket */
	S_EXCLUDE,         /* exclude "reason" when COND (an ordered rule) */
	S_BUCKET,          /* bucket NAME clauses */
	S_LABEL            /* label NAME = V when COND, ..., else V */
};

typedef struct ast_stmt ast_stmt;
struct ast_stmt {
	enum ast_stmt_kind kind;
	diag_loc loc;
	ast_name name;         /* policy/definition/bucket/label name; rule or skip target */
	const char *reason;    /* exclusions and skips */
	diag_loc reason_loc;
	ast_feedback feedback; /* exclusions and skips: `feedback CODE` */
	bool define_form;      /* S_DEFINE written `define NAME = ...` (not `NAME when ...`) */
	ast_expr *cond;        /* NULL for "otherwise" */
	const char *version;   /* S_POLICY */
	vr_month effective;    /* S_POLICY; -1 when not given */
	bool has_effective;
	ast_clause *clauses;   /* S_BUCKET */
	ast_label_case *cases; /* S_LABEL */
	ast_stmt *next;
};

typedef struct ast_file {
	diag_source source;
	ast_stmt *stmts;
	ast_stmt **tail;       /* for appending in source order */
} ast_file;

/* Conditions deeper than this are refused: the passes over the tree recurse,
 * and the VM's stack holds BC_MAX_STACK values. */
enum { AST_MAX_DEPTH = 100 };

/* Node constructors: the parser's actions call exactly one each. */
ast_expr *ast_binary(arena *a, enum ast_expr_kind kind, ast_expr *lhs, ast_expr *rhs, diag_loc loc);
ast_expr *ast_not(arena *a, ast_expr *operand, diag_loc loc);
ast_expr *ast_compare(arena *a, enum ast_cmp op, ast_expr *lhs, ast_expr *rhs, diag_loc loc);
ast_expr *ast_between(arena *a, ast_expr *value, ast_expr *lo, ast_expr *hi, diag_loc loc);
ast_expr *ast_in(arena *a, ast_expr *value, ast_expr *set, bool negated, diag_loc loc);
ast_expr *ast_set_item(arena *a, ast_expr *set, ast_expr *item); /* builds a list in E_IN form */
ast_expr *ast_missing(arena *a, ast_expr *value, bool known, diag_loc loc);
ast_expr *ast_name_ref(arena *a, const char *text, diag_loc loc);
ast_expr *ast_number(arena *a, enum ast_expr_kind kind, int64_t value, diag_loc loc);
ast_expr *ast_string(arena *a, const char *text, diag_loc loc);
ast_expr *ast_aggregate(arena *a, enum ast_agg agg, ast_expr *cond, const char *field,
			diag_loc field_loc, ast_window window, diag_loc loc);

ast_stmt *ast_stmt_new(arena *a, enum ast_stmt_kind kind, diag_loc loc);
void ast_append(ast_file *f, ast_stmt *s);
ast_clause *ast_clause_new(arena *a, enum ast_clause_kind kind, diag_loc loc);
ast_order_key *ast_order_key_new(arena *a, ast_expr *e, bool descending);

/* Names for messages. */
const char *ast_type_name(enum ast_type t);
const char *ast_cmp_text(enum ast_cmp op);

/* A span from the start of A to the end of B. */
diag_loc ast_span(diag_loc a, diag_loc b);

#endif
