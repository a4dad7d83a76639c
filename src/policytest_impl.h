/* policytest_impl.h - inside the policytest module: one test as read from a
 * tests file (policytest_read.c) and run (policytest.c). Not for other
 * modules. */
#ifndef VROEG_POLICYTEST_IMPL_H
#define VROEG_POLICYTEST_IMPL_H

#include "arena.h"
#include "bytecode.h"
#include "diag.h"
#include "household.h"
#include "policytest.h"

/* One `household KEY` of a test, or the N households of `households N
 * PREFIX` (keys PREFIX1 .. PREFIXN, numbers zero-padded to one width, so
 * that byte order is number order), which share their signals and outcomes;
 * or the one household of a test that names none (key "T"). */
typedef struct pt_household {
	const char *key;         /* the key, or the prefix of a group */
	long count;              /* 1, or N for a group */
	int width;               /* digits of a group's numbers */
	int line;                /* its `household(s)` line (the test's for "T") */
	vr_signal *signals;
	size_t nsignals, signals_cap;
	vr_outcome *outcomes;
	size_t noutcomes, outcomes_cap;
} pt_household;

typedef struct pt_label {
	uint32_t label;          /* index in the program's labels */
	const char *value;
} pt_label;

enum { PT_NOT_EXPECTED = -2 };

/* An `expect` line: a household's decision, or how many end in a bucket. */
typedef struct pt_expect {
	int line;
	bool is_count;
	long count;              /* is_count: households expected in BUCKET */
	const char *household;   /* the household's key (NULL: the test's one household) */
	diag_loc household_loc;
	int32_t bucket;          /* -1: excluded */
	const char *reason;      /* excluded: the reason expected */
	int64_t place;           /* PT_NOT_EXPECTED, 0 (no place) or 1.. */
	int32_t overflowed_from; /* PT_NOT_EXPECTED, -1 (none) or a bucket */
	pt_label *labels;
	int nlabels;
} pt_expect;

/* A `capacity BUCKET N` line: the bucket's capacity in this test. */
typedef struct pt_capacity {
	uint32_t bucket;
	int64_t capacity;
} pt_capacity;

typedef struct pt_test {
	arena strings;           /* every text of the test, freed with it */
	const char *name;
	int line;
	bool named;              /* households are given by `household(s)` lines */
	bool errors;             /* a line of it was wrong: it is not run */
	pt_household *households;
	size_t nhouseholds, households_cap;
	pt_expect *expects;
	size_t nexpects, expects_cap;
	pt_capacity *capacities;
	size_t ncapacities, capacities_cap;
} pt_test;

/* Reads a tests file one test at a time, checking every line against the
 * program: its buckets, labels, reasons, the fields and values of a signal. */
typedef struct pt_reader {
	const bc_program *p;
	diag *d;
	diag_source src;
	const char *pos, *end;   /* the text not yet read */
	int line;                /* lines read */
	vr_month month;
	bool have_month;
	bool stop;               /* a mistake after which nothing more is read */
} pt_reader;

void pt_reader_init(pt_reader *r, const bc_program *p, const char *name, const char *text, size_t len,
		    diag *d);
/* Reads the next test into T (initialised here; pt_test_free frees it).
 * False at the end of the file. Mistakes go to the reader's diag, each at
 * its line and column; a test with one has T->errors set. */
bool pt_read_test(pt_reader *r, pt_test *t);
void pt_test_free(pt_test *t);

/* How many households T describes (a group counts its N). */
long pt_count(const pt_test *t);
/* The key of household I (from 0) of H: its key, or for a group its prefix
 * and number, written into BUF (SIZE bytes). */
const char *pt_key(const pt_household *h, long i, char *buf, size_t size);

#endif
