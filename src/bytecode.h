/* bytecode.h - the compiled form of a policy: the instruction set (one X-macro
 * table that the compiler, disassembler, verifier and docs all expand), the
 * program (constants, functions, code, line table, policy tables), and the
 * .vrb file format that stores it.
 *
 * Code is a byte string. An instruction is one opcode byte followed by its
 * operands, each an unsigned 16-bit little-endian number. Jump targets are
 * offsets from the start of the instruction's function. A program's functions
 * are evaluated by the VM (vm.h); bc_verify proves before anything runs that
 * every opcode, operand, jump target and stack depth is in range. */
#ifndef VROEG_BYTECODE_H
#define VROEG_BYTECODE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "diag.h"

/* OP(name, operands, pops, pushes, meaning). Operand letters in the meaning:
 * A B C D E are the operands in order. A window is "lo..hi months back" (0 =
 * the run month). A signal set is 0 counted, 1 all current (before counting),
 * 2 above the floor. F = a function index, or 65535 for "every signal". */
#define BC_OPCODES(OP) \
	OP(CONST,        1, 0, 1, "push constant A") \
	OP(SFIELD,       1, 0, 1, "push field A of the current signal (signal functions only)") \
	OP(OFIELD,       1, 0, 1, "push field A of the current outcome (outcome functions only)") \
	OP(HFACT,        1, 0, 1, "push household fact A") \
	OP(SECTOR_TOTAL, 1, 0, 1, "push the total arrears of the counted current signals of sector A") \
	OP(DEF,          1, 0, 1, "push the value of definition function A, evaluated at most once per household") \
	OP(NOT,          0, 1, 1, "replace a yes/no with its opposite") \
	OP(EQ,           0, 2, 1, "push lhs = rhs (numbers); false when either is missing") \
	OP(NE,           0, 2, 1, "push lhs != rhs (numbers); false when either is missing") \
	OP(LT,           0, 2, 1, "push lhs < rhs; false when either is missing") \
	OP(LE,           0, 2, 1, "push lhs <= rhs; false when either is missing") \
	OP(GT,           0, 2, 1, "push lhs > rhs; false when either is missing") \
	OP(GE,           0, 2, 1, "push lhs >= rhs; false when either is missing") \
	OP(EQ_TEXT,      0, 2, 1, "push lhs = rhs, text compared byte by byte") \
	OP(NE_TEXT,      0, 2, 1, "push lhs != rhs, text compared byte by byte") \
	OP(BETWEEN,      0, 3, 1, "push lo <= value <= hi (value, lo, hi); false when any is missing") \
	OP(IN_SET,       2, 1, 1, "push whether the number is one of constants A .. A+B-1; false when missing") \
	OP(IN_TEXT,      2, 1, 1, "push whether the text is one of constants A .. A+B-1") \
	OP(IS_MISSING,   0, 1, 1, "push whether the value is missing") \
	OP(JUMP,         1, 0, 0, "continue at A") \
	OP(JUMP_IF_FALSE,1, 1, 0, "pop a yes/no; continue at A when it is no") \
	OP(JUMP_IF_TRUE, 1, 1, 0, "pop a yes/no; continue at A when it is yes") \
	OP(ANY,          4, 0, 1, "push whether signal function A holds for any signal of set B in window C..D") \
	OP(ALL,          4, 0, 1, "push whether signal function A holds for every signal of set B in window C..D") \
	OP(COUNT,        4, 0, 1, "push how many signals of set B in window C..D satisfy signal function A") \
	OP(DISTINCT,     5, 0, 1, "push the number of distinct values of signal field A among the signals of set C in window D..E satisfying B") \
	OP(SUM,          5, 0, 1, "push the total of signal field A over the signals of set C in window D..E satisfying B (0 when none)") \
	OP(MAX,          5, 0, 1, "push the largest signal field A over the signals of set C in window D..E satisfying B (missing when none)") \
	OP(MIN,          5, 0, 1, "push the smallest signal field A over the signals of set C in window D..E satisfying B (missing when none)") \
	OP(OANY,         3, 0, 1, "push whether outcome function A holds for any outcome dated in window B..C") \
	OP(OALL,         3, 0, 1, "push whether outcome function A holds for every outcome dated in window B..C") \
	OP(OCOUNT,       3, 0, 1, "push how many outcomes dated in window B..C satisfy outcome function A") \
	OP(SAME,         4, 0, 1, "push whether another signal of set B in window C..D has the current signal's field A") \
	OP(RETURN,       0, 1, 0, "end the function with the value on top") \
	OP(RULE,         2, 1, 0, "pop rule A's condition; when it is no, continue at B (decision function only)") \
	OP(DECIDE,       1, 0, 0, "the household's decision is rule A's (decision function only)") \
	OP(COUNTED,      0, 0, 0, "when no current signal is counted, exclude the household as not counted (decision function only)")

enum bc_op {
#define BC_ENUM(name, nops, pops, pushes, doc) BC_##name,
	BC_OPCODES(BC_ENUM)
#undef BC_ENUM
	BC_OP_COUNT
};

typedef struct bc_opinfo {
	const char *name;
	int operands, pops, pushes;
	const char *meaning;
} bc_opinfo;
extern const bc_opinfo bc_ops[BC_OP_COUNT];

enum { BC_NONE = 0xFFFF, BC_MAX_STACK = 256 };
/* The limits of 16-bit operands, with 0xFFFF (BC_NONE) meaning "none": the
 * constants, functions and rules operands index hold at most BC_MAX_TABLE
 * each (indexes 0 .. 65534), so a set at most BC_MAX_TABLE items; a
 * function's code, whose jump targets are operands, at most BC_MAX_CODE
 * bytes. The compiler reports a policy beyond them as an error at the
 * construct that passes one; bc_verify refuses a program beyond them. */
enum { BC_MAX_TABLE = 65535, BC_MAX_CODE = 65535 };
/* Functions calling functions, counting the outermost: the verifier refuses
 * a program that nests deeper (the checker refuses such a policy first). */
enum { BC_MAX_NESTING = 16 };
enum bc_signal_set { SET_COUNTED, SET_ALL, SET_FLOOR };

enum bc_fn_kind {
	FN_DECISION,   /* the rules, ending in DECIDE */
	FN_SIGNAL,     /* about one signal: floors, skips, aggregate conditions */
	FN_OUTCOME,    /* about one outcome */
	FN_HOUSEHOLD   /* definitions, labels, order keys */
};

typedef struct bc_const {
	int64_t num;
	const char *text;   /* non-NULL for text constants */
} bc_const;

typedef struct bc_function {
	uint8_t kind;       /* enum bc_fn_kind */
	uint8_t type;       /* enum ast_type of the result, for listings and explain */
	uint32_t start, len;
	uint16_t max_stack; /* computed by bc_verify */
	uint32_t name;      /* constant index of its name (definitions), or BC_NONE */
} bc_function;

typedef struct bc_order_key {
	uint16_t fn;        /* household function giving the key */
	uint8_t descending;
} bc_order_key;

enum { BC_MAX_ORDER = 4 };
/* A spread over districts serves them in name order; a rotating one starts
 * each month at another district (alloc.h). */
enum bc_spread { SPREAD_NONE, SPREAD_DISTRICT, SPREAD_DISTRICT_ROTATING };

typedef struct bc_bucket {
	uint32_t name;           /* constant */
	uint32_t line;
	int64_t capacity;        /* -1: no limit */
	int32_t overflow;        /* bucket index, or -1 */
	int32_t without_phone;   /* redirect target, or -1 */
	int32_t without_email;
	int32_t backfill_from;   /* bucket index, or -1 */
	uint8_t spread;          /* enum bc_spread */
	uint8_t no_follow_up;
	uint8_t feedback;        /* enum vr_feedback its households' signals are fed back with; 0 unstated */
	uint8_t term_unit;       /* enum cal_unit of its contact term; CAL_NONE without one */
	uint16_t term;           /* the term's length in that unit (1 .. cal_max_term) */
	uint16_t capacity_param; /* 1 + the named number that is its capacity; 0: none (so a zeroed bucket has none) */
	uint8_t norder, nbackfill_order;
	bc_order_key order[BC_MAX_ORDER];          /* empty: arrears descending */
	bc_order_key backfill_order[BC_MAX_ORDER]; /* empty: the bucket's order */
} bc_bucket;

enum bc_rule_kind {
	RULE_EXCLUDE_BEFORE,   /* exclude "reason" before counting */
	RULE_NOT_COUNTED,      /* no current signal counted */
	RULE_SKIPPED,          /* every signal above the floor skipped by this skip: excluded,
				* or to its bucket (`-> BUCKET`) */
	RULE_EXCLUDE,          /* exclude "reason" when ... */
	RULE_BUCKET            /* COND -> bucket, otherwise -> bucket */
};

typedef struct bc_rule {
	uint8_t kind;            /* enum bc_rule_kind */
	uint32_t line;
	int32_t bucket;          /* RULE_BUCKET: bucket index; RULE_SKIPPED: one, or -1
				  * (excluded); else -1 */
	uint32_t reason;         /* exclusions: constant holding the reason */
	uint16_t fn;             /* RULE_SKIPPED: the skip's signal function */
	uint8_t feedback;        /* exclusions and skips: enum vr_feedback; 0 unstated */
} bc_rule;

typedef struct bc_label {
	uint32_t name;           /* constant */
	uint16_t fn;             /* household function giving a text constant or missing */
} bc_label;

/* A named number (`define floor = 100`), kept patchable: every use in the
 * code reads constant KONST, which nothing else reads (the compiler never
 * shares it with a literal of the same value, nor folds it into anything),
 * and every bucket whose capacity_param names it (index + 1) holds VALUE as its
 * capacity. bc_program_set changes all of them at once. */
typedef struct bc_param {
	uint32_t name;           /* constant: its name */
	uint32_t line;           /* the line that defines it */
	uint8_t kind;            /* enum ast_type: TY_MONEY, TY_COUNT, TY_DAYS, TY_YEARS, or
				  * TY_NUMBER for a whole number nothing uses */
	int64_t value;           /* in its kind's unit: cents for money; never negative */
	uint32_t konst;          /* the constant its uses read, or BC_NONE when the code reads none */
	uint8_t given;           /* changed by bc_program_set (not kept in a .vrb file) */
} bc_param;

typedef struct bc_line {
	uint32_t pc;             /* absolute offset in code */
	uint32_t line;
} bc_line;

typedef struct bc_program {
	char *policy_name, *policy_version, *source_name;
	int32_t effective;            /* vr_month, or -1 */
	uint8_t source_sha256[32];
	uint16_t lookback;            /* months before the run month any window reaches */
	uint16_t floor_fn;            /* signal function, or BC_NONE: every signal counts */
	uint16_t decision_fn;
	bc_const *consts;   uint32_t nconsts;
	bc_function *fns;   uint32_t nfns;
	uint8_t *code;      uint32_t ncode;
	bc_line *lines;     uint32_t nlines;
	bc_bucket *buckets; uint32_t nbuckets;
	bc_rule *rules;     uint32_t nrules;
	bc_label *labels;   uint32_t nlabels;
	uint16_t *skips;    uint32_t nskips;   /* rule indexes of RULE_SKIPPED, in order */
	uint16_t *defs;     uint32_t ndefs;    /* definition functions, for explain */
	bc_param *params;   uint32_t nparams;  /* named numbers, in the order of the file */
} bc_program;

/* Every pointer in a program is its own: arrays and strings (policy_name,
 * policy_version, source_name, each text constant) are malloc'ed and freed by
 * bc_program_free (not the struct itself). */
void bc_program_free(bc_program *p);

/* Reads a 16-bit operand. */
static inline uint16_t bc_operand(const uint8_t *code, uint32_t pc)
{
	return (uint16_t)(code[pc] | code[pc + 1] << 8);
}

/* Proves the program safe to run: every function's instructions decode within
 * its bounds, operands index real constants, functions, fields, buckets and
 * rules, jumps land on instruction starts within the function, the stack never
 * underflows nor exceeds BC_MAX_STACK and has one depth at every instruction,
 * functions call only functions before them (so evaluation always ends), and
 * the tables are consistent. Sets each function's max_stack. Reports the first
 * problem to D and returns false. */
bool bc_verify(bc_program *p, diag *d);

/* Line of the source for absolute code offset PC (0 when unknown). */
uint32_t bc_line_at(const bc_program *p, uint32_t pc);

/* The .vrb file: "VROEGBC\n", format version, then the sections. Version 2
 * added named numbers, contact terms, feedback codes and the rotating
 * spread; a version 1 file is still read (it has none of them). */
#define BC_MAGIC "VROEGBC\n"
enum { BC_FORMAT_VERSION = 2, BC_FORMAT_OLDEST = 1 };

/* Writes P to OUT; false on a write error. */
bool bc_write(const bc_program *p, FILE *out);
/* Reads and verifies a program from the LEN bytes at DATA (named NAME in
 * messages). Any truncation, bad count, bad index or failed verification is
 * refused with a message; never reads outside DATA. */
bool bc_read(bc_program *p, const uint8_t *data, size_t len, const char *name, diag *d);

/* CRC-32 (IEEE 802.3, as zlib's crc32) of the LEN bytes at DATA: the checksum
 * that ends a .vrb file, covering every byte before it. */
uint32_t bc_crc32(const uint8_t *data, size_t len);

/* Prints a listing of every function with source lines (SOURCE may be NULL). */
void bc_disasm(const bc_program *p, FILE *out);

/* ---- named numbers (bytecode_params.c) ----
 * What `--set NAME=VALUE` and a sweep change in a compiled program without
 * compiling it again. A vm made from P before a change keeps the old values
 * (vm.h: P must not change while a vm uses it): make the vm after. */

/* Index of the named number NAME in P, or -1. */
int bc_param_find(const bc_program *p, const char *name);
/* The same, reporting a NAME P does not name to D as `--set` does (with
 * the closest name, or the names it has). */
int bc_param_lookup(const bc_program *p, const char *name, diag *d);

/* Reads TEXT as a value of named number I, written as in the language: money
 * as `150`, `150.50`, `EUR 150` or `€150` (into cents), a count, days or an
 * age as a whole number. False, reported to D as `--set NAME=TEXT: ...`,
 * when it is not one. */
bool bc_param_parse(const bc_program *p, uint32_t i, const char *text, int64_t *value, diag *d);

/* Gives named number NAME the value VALUE (in its kind's unit) everywhere
 * it is used: its constant and the capacities it is. False, reported, when
 * P has no such name (with a suggestion) or VALUE is out of range (below 0). */
bool bc_program_set(bc_program *p, const char *name, int64_t value, diag *d);

/* SETTING is `NAME=VALUE`, VALUE as bc_param_parse reads it: sets it. */
bool bc_program_set_text(bc_program *p, const char *setting, diag *d);

/* Writes `NAME=VALUE` for named number I into BUF (SIZE bytes), its value
 * in a form bc_param_parse reads back (money with two decimals). Returns
 * the length it needed, as snprintf. */
int bc_param_format(const bc_program *p, uint32_t i, char *buf, size_t size);
/* VALUE, a value of named number I, as bc_param_format writes it (money
 * with two decimals, `150.00`), into BUF; returns BUF. */
const char *bc_param_format_value(const bc_program *p, uint32_t i, int64_t value, char buf[32]);

/* Makes *DST a copy of SRC that shares nothing with it (every array and
 * string its own, freed with bc_program_free), so that each variant of a
 * sweep has its own values and its own vm. False when memory runs out
 * (*DST then holds nothing to free). */
bool bc_program_copy(bc_program *dst, const bc_program *src);

#endif
