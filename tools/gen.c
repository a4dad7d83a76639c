/* gen.c - vroeg-gen: a seeded, reproducible generator of synthetic signals and
 * outcomes files (data-contract.md sections 1 and 2) for tests and benchmarks. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "types.h"

/* Same options give byte-identical output: all randomness comes from our own
 * xoshiro256** streams, never from rand() or the clock. Money is integer cents
 * throughout; amounts are built from installments, never from floating point.
 * A month is generated whole in memory (its rows, sorted by day), so memory is
 * one month's rows plus a few bytes per household, whatever --total-signals. */

/* ---------------------------------------------------------------- PRNG -- */

/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
typedef struct rng {
	uint64_t s[4];
} rng;

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* Independent streams: the same seed with another STREAM gives another
 * sequence, so adding draws to one stream never shifts another. */
static void rng_seed(rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03u);
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(rng *r)
{
	uint64_t *s = r->s;
	const uint64_t result = rotl(s[1] * 5, 7) * 9;
	const uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n <= 2^32 (multiply-shift; the bias is below 2^-32). */
static uint32_t rng_below(rng *r, uint64_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * n) >> 32);
}

/* Uniform in [lo, hi], hi - lo < 2^32. */
static int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
	return lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1);
}

/* True with probability PER_10K / 10000. */
static bool rng_chance(rng *r, uint32_t per_10k)
{
	return rng_below(r, 10000) < per_10k;
}

typedef struct weighted {
	const char *name;
	uint32_t weight;
} weighted;

static int rng_pick(rng *r, const weighted *table, int n)
{
	uint32_t total = 0;
	for (int i = 0; i < n; i++)
		total += table[i].weight;
	uint32_t x = rng_below(r, total);
	for (int i = 0; i < n; i++) {
		if (x < table[i].weight)
			return i;
		x -= table[i].weight;
	}
	return n - 1;
}

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------- the field data -- */

/* Share of signals per sector, per 10000 (enum vr_sector order). */
static const weighted sector_mix[SECTOR_COUNT] = {
	{ "rent", 4500 }, { "mortgage", 50 }, { "health", 2900 }, { "energy", 300 },
	{ "water", 2200 }, { "municipal_tax", 30 }, { "other", 20 },
};

/* Districts of a mid-sized city. Byte order matters to policies: "'t Oude
 * Dorp" sorts first, "Buytenwegh-Één" has multi-byte UTF-8, and signals with
 * an empty district form a district "" of their own. */
static const weighted districts[] = {
	{ "Buytenwegh-\xC3\x89\xC3\xA9n", 9 }, { "Centrum", 5 }, { "Driemanspolder", 4 },
	{ "Lansinghage", 6 }, { "Meerzicht", 11 }, { "Noordhove", 8 },
	{ "Oosterheem", 15 }, { "Palenstein", 6 }, { "Rokkeveen", 12 },
	{ "Seghwaert", 10 }, { "Stadshart", 3 }, { "'t Oude Dorp", 4 },
};

static const weighted rent_creditors[] = {
	{ "Vidomes", 18 }, { "Staedion", 16 }, { "Haag Wonen", 14 },
	{ "De Goede Woning", 12 }, { "Woonbron", 8 }, { "Ymere", 8 }, { "Mitros", 6 },
	{ "Portaal", 6 }, { "Woonzorg Nederland", 5 }, { "Particuliere verhuurder", 5 },
};
static const weighted mortgage_creditors[] = {
	{ "Rabobank", 30 }, { "ING", 25 }, { "ABN AMRO", 20 }, { "Obvion", 10 },
	{ "Nationale-Nederlanden", 10 }, { "Florius", 5 },
};
static const weighted health_creditors[] = {
	{ "Zilveren Kruis", 28 }, { "VGZ", 22 }, { "CZ", 20 }, { "Menzis", 15 },
	{ "DSW", 5 }, { "ONVZ", 4 }, { "Zorg en Zekerheid", 3 }, { "a.s.r.", 3 },
};
static const weighted energy_creditors[] = {
	{ "Eneco", 25 }, { "Vattenfall", 20 }, { "Essent", 25 }, { "Greenchoice", 10 },
	{ "Budget Energie", 10 }, { "Vandebron", 5 }, { "Energiedirect.nl", 5 },
};
static const weighted water_creditors[] = {
	{ "Dunea", 25 }, { "Evides", 20 }, { "Vitens", 25 }, { "Brabant Water", 10 },
	{ "Oasen", 8 }, { "PWN", 7 }, { "WML", 5 },
};
static const weighted tax_creditors[] = {
	{ "Gemeente Zoetermeer", 40 }, { "SVHW", 20 }, { "BSGW", 15 },
	{ "Hoogheemraadschap van Delfland", 25 },
};
/* One name with a comma, so CSV quoting is exercised in the comma dialect. */
static const weighted other_creditors[] = {
	{ "KPN", 30 }, { "Ziggo", 30 }, { "Odido", 20 }, { "DUO", 10 },
	{ "Flanderijn, gerechtsdeurwaarders", 10 },
};

typedef struct creditor_table {
	const weighted *names;
	int n;
} creditor_table;

static const creditor_table creditors[SECTOR_COUNT] = {
	{ rent_creditors, COUNT(rent_creditors) },
	{ mortgage_creditors, COUNT(mortgage_creditors) },
	{ health_creditors, COUNT(health_creditors) },
	{ energy_creditors, COUNT(energy_creditors) },
	{ water_creditors, COUNT(water_creditors) },
	{ tax_creditors, COUNT(tax_creditors) },
	{ other_creditors, COUNT(other_creditors) },
};

/* Signals of the CAK defaulter scheme come from the CAK itself. */
static const char cak_creditor[] = "CAK";

/* How many signals a household gets in a month it is signalled. */
static const weighted signals_per_household[] = {
	{ "1", 820 }, { "2", 130 }, { "3", 40 }, { "4", 10 },
};

static const weighted outcome_mix[OUTCOME_COUNT] = {
	{ "not_picked_up", 8 }, { "not_reached", 30 }, { "reached_no_help", 15 },
	{ "refused", 12 }, { "help_accepted", 20 }, { "already_known", 8 },
	{ "wrongly_reported", 5 }, { "deceased", 2 },
};

/* Amounts a policy officer writes as thresholds; some signals land on them. */
static const cents_t round_amounts[] = {
	5000, 10000, 25000, 30000, 50000, 57500, 100000,
};
static const cents_t round_water_amounts[] = { 5000, 10000, 25000 };

/* ------------------------------------------------------------- options -- */

typedef struct options {
	uint64_t seed;
	long households;
	vr_month end_month;
	int months;
	long run_signals;
	long total_signals;
	const char *signals_path;
	const char *outcomes_path;
	char delim;          /* ',' or ';' */
	char decimal;        /* '.' or ',' */
} options;

static void usage(FILE *out)
{
	fputs("usage: vroeg-gen [OPTION]...\n"
	      "Writes a synthetic, reproducible month set of payment-arrears signals\n"
	      "(and optionally outcomes) as CSV per data-contract.md.\n"
	      "\n"
	      "  --seed N               random seed (default 1); same options, same bytes\n"
	      "  --households N         size of the household population (default 400000)\n"
	      "  --end-month YYYY-MM    the run month, the last month written (default 2024-06)\n"
	      "  --months N             months written: the run month and N-1 before (default 7)\n"
	      "  --run-month-signals N  signals received in the run month (default 150000)\n"
	      "  --total-signals N      signals over all months (default 900000; ignored\n"
	      "                         with --months 1)\n"
	      "  --signals FILE         write the signals CSV to FILE ('-' = stdout; the\n"
	      "                         default when neither --signals nor --outcomes is given)\n"
	      "  --outcomes FILE        write the outcomes CSV to FILE ('-' = stdout)\n"
	      "  --dialect comma|semicolon\n"
	      "                         ',' and '.' decimals (default), or ';' and ','\n"
	      "                         decimals as a Dutch spreadsheet exports them\n"
	      "  --help                 show this help\n"
	      "\n"
	      "Signal counts are exact: the run month gets --run-month-signals and the\n"
	      "other months share the rest evenly. Exit status: 0 ok, 1 write error,\n"
	      "2 bad usage.\n", out);
}

static int usage_error(const char *fmt, const char *a, const char *b)
{
	fputs("vroeg-gen: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputs("\n(try vroeg-gen --help)\n", stderr);
	return 2;
}

static bool parse_long(const char *s, long lo, long hi, long *out)
{
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	const long long v = strtoll(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = (long)v;
	return true;
}

/* Returns 0 to go on, 1 when --help was shown, 2 on bad usage (reported). */
static int parse_options(int argc, char **argv, options *o)
{
	*o = (options){ .seed = 1, .households = 400000, .months = 7,
			.run_signals = 150000, .total_signals = 900000,
			.delim = ',', .decimal = '.' };
	vr_month_parse("2024-06", 7, &o->end_month);
	bool total_given = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			usage(stdout);
			return 1;
		}
		if (strncmp(arg, "--", 2) != 0)
			return usage_error("unexpected argument '%s'%s", arg, "");
		/* --name value or --name=value */
		char name[32];
		const char *eq = strchr(arg, '=');
		const size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		if (nlen >= sizeof name)
			return usage_error("unknown option '%s'%s", arg, "");
		memcpy(name, arg, nlen);
		name[nlen] = '\0';
		static const char *const known[] = {
			"--seed", "--households", "--end-month", "--months",
			"--run-month-signals", "--total-signals", "--signals", "--outcomes",
			"--dialect",
		};
		bool is_known = false;
		for (int k = 0; k < COUNT(known); k++)
			is_known |= strcmp(name, known[k]) == 0;
		if (!is_known)
			return usage_error("unknown option '%s'%s", name, "");
		const char *val = eq ? eq + 1 : NULL;
		if (!val) {
			if (i + 1 >= argc)
				return usage_error("%s needs a value%s", name, "");
			val = argv[++i];
		}
		long n;
		if (strcmp(name, "--seed") == 0) {
			if (!parse_long(val, 0, 9223372036854775807L, &n))
				return usage_error("--seed: expected a whole number >= 0, got '%s'%s", val, "");
			o->seed = (uint64_t)n;
		} else if (strcmp(name, "--households") == 0) {
			if (!parse_long(val, 1, 10000000, &n))
				return usage_error("--households: expected a whole number from 1 to 10000000, got '%s'%s", val, "");
			o->households = n;
		} else if (strcmp(name, "--end-month") == 0) {
			if (!vr_month_parse(val, strlen(val), &o->end_month))
				return usage_error("--end-month: expected a month as YYYY-MM, got '%s'%s", val, "");
		} else if (strcmp(name, "--months") == 0) {
			if (!parse_long(val, 1, 120, &n))
				return usage_error("--months: expected a whole number from 1 to 120, got '%s'%s", val, "");
			o->months = (int)n;
		} else if (strcmp(name, "--run-month-signals") == 0) {
			if (!parse_long(val, 0, 100000000, &n))
				return usage_error("--run-month-signals: expected a whole number from 0 to 100000000, got '%s'%s", val, "");
			o->run_signals = n;
		} else if (strcmp(name, "--total-signals") == 0) {
			if (!parse_long(val, 0, 1000000000, &n))
				return usage_error("--total-signals: expected a whole number from 0 to 1000000000, got '%s'%s", val, "");
			o->total_signals = n;
			total_given = true;
		} else if (strcmp(name, "--signals") == 0) {
			o->signals_path = val;
		} else if (strcmp(name, "--outcomes") == 0) {
			o->outcomes_path = val;
		} else if (strcmp(name, "--dialect") == 0) {
			if (strcmp(val, "comma") == 0) {
				o->delim = ',';
				o->decimal = '.';
			} else if (strcmp(val, "semicolon") == 0) {
				o->delim = ';';
				o->decimal = ',';
			} else {
				return usage_error("--dialect: expected 'comma' or 'semicolon', got '%s'%s", val, "");
			}
		} else {
			return usage_error("unknown option '%s'%s", name, "");
		}
	}

	if (!o->signals_path && !o->outcomes_path)
		o->signals_path = "-";
	if (o->signals_path && o->outcomes_path && strcmp(o->signals_path, "-") == 0
	    && strcmp(o->outcomes_path, "-") == 0)
		return usage_error("--signals and --outcomes cannot both be '-'%s%s", "", "");
	if (o->end_month - (o->months - 1) < 1800 * 12)
		return usage_error("--months reaches back before 1800%s%s", "", "");
	char a[24], b[24];
	if (o->run_signals > o->households) {
		snprintf(a, sizeof a, "%ld", o->run_signals);
		snprintf(b, sizeof b, "%ld", o->households);
		return usage_error("--run-month-signals (%s) cannot exceed --households (%s): "
				   "each signalled household needs at least one signal", a, b);
	}
	if (o->months > 1) {
		if (o->total_signals < o->run_signals) {
			snprintf(a, sizeof a, "%ld", o->total_signals);
			snprintf(b, sizeof b, "%ld", o->run_signals);
			return usage_error("--total-signals (%s) must be at least --run-month-signals (%s)", a, b);
		}
		const long per = (o->total_signals - o->run_signals + o->months - 2) / (o->months - 1);
		if (per > o->households) {
			snprintf(a, sizeof a, "%ld", per);
			snprintf(b, sizeof b, "%ld", o->households);
			return usage_error("--total-signals gives %s signals in an earlier month, more than --households (%s)", a, b);
		}
	} else if (!total_given) {
		o->total_signals = o->run_signals;
	}
	return 0;
}

/* ---------------------------------------------------------- households -- */

enum person_style { PERSON_EMPTY, PERSON_ONE, PERSON_TWO };

/* What a household is, the same in every month: derived from (seed, index)
 * alone, so it needs no storage and a repeat household stays itself. */
typedef struct household {
	char key[24];
	vr_date birth[2];
	uint8_t district;
	uint8_t primary;         /* the sector it mostly falls behind with */
	uint8_t creditor[SECTOR_COUNT]; /* its creditor in each sector */
	uint8_t person_style;
	bool phone, email, debt_help, legal;
} household;

/* Keys are numbers 1..N in a scrambled order, mostly zero-padded ("H000123")
 * and sometimes not ("H123"): different lengths exercise byte order
 * ("H100" < "H99"). The number is unique, so the keys are too. */
static void household_describe(uint64_t seed, uint32_t index, const options *o,
			       uint64_t mult, household *h)
{
	rng r;
	rng_seed(&r, seed, 0x100000000u + index);
	const uint64_t number = (mult * index + 7919u) % (uint64_t)o->households + 1;
	if (rng_chance(&r, 2000))
		snprintf(h->key, sizeof h->key, "H%llu", (unsigned long long)number);
	else
		snprintf(h->key, sizeof h->key, "H%06llu", (unsigned long long)number);

	h->district = (uint8_t)rng_pick(&r, districts, COUNT(districts));
	h->primary = (uint8_t)rng_pick(&r, sector_mix, SECTOR_COUNT);
	for (int s = 0; s < SECTOR_COUNT; s++)
		h->creditor[s] = (uint8_t)rng_pick(&r, creditors[s].names, creditors[s].n);
	const uint32_t style = rng_below(&r, 100);
	h->person_style = style < 65 ? PERSON_EMPTY : style < 75 ? PERSON_ONE : PERSON_TWO;

	/* Ages on the first day of the run month: 12% aged 18-27 (P7's youth). */
	int ey, em, ed;
	vr_date_to_ymd(vr_month_first_day(o->end_month), &ey, &em, &ed);
	for (int p = 0; p < 2; p++) {
		const uint32_t band = rng_below(&r, 100);
		const int age = band < 12 ? (int)rng_range(&r, 18, 27)
			      : band < 50 ? (int)rng_range(&r, 28, 45)
			      : band < 88 ? (int)rng_range(&r, 46, 66)
			      : (int)rng_range(&r, 67, 90);
		h->birth[p] = vr_date_from_ymd(ey - age - 1, em, 1) + (vr_date)rng_range(&r, 1, 364);
	}
	h->phone = rng_chance(&r, 6500);
	h->email = rng_chance(&r, 4500);
	h->debt_help = rng_chance(&r, 300);
	h->legal = rng_chance(&r, 40);
}

/* A multiplier coprime with N, near N * 0.618, to scramble index -> number. */
static uint64_t scramble_multiplier(uint64_t n)
{
	uint64_t a = n * 618 / 1000 + 1;
	for (;; a++) {
		uint64_t x = a, y = n;
		while (y) {
			const uint64_t t = x % y;
			x = y;
			y = t;
		}
		if (x == 1)
			return a;
	}
}

/* ------------------------------------------------------------- signals -- */

typedef struct row {
	const char *creditor;
	cents_t arrears;
	cents_t installment;     /* VR_MISSING when empty */
	int64_t missed;          /* VR_MISSING when empty */
	int64_t days;            /* VR_MISSING when empty */
	vr_date received;
	vr_date birth;           /* VR_DATE_NONE when empty */
	uint32_t group;          /* index of its household in the month */
	uint32_t id;             /* signal number, given after sorting by day */
	uint8_t sector, kind;
	uint8_t person;          /* 0 empty, else 1 or 2 */
	bool kind_empty;         /* an early signal written with kind left empty */
	uint8_t legal;           /* 0 "natural", 1 empty, 2 "legal" */
	int8_t district;         /* -1 empty */
	int8_t brp;              /* 0, 1, -1 empty */
	bool phone, email, debt_help;
} row;

/* A weekday in the month of FIRST .. LAST: signals arrive on working days. */
static vr_date working_day(rng *r, vr_date first, vr_date last)
{
	for (;;) {
		const vr_date d = first + (vr_date)rng_range(r, 0, last - first);
		const int weekday = (int)((d % 7 + 7 + 3) % 7); /* 0 = Monday */
		if (weekday < 5)
			return d;
	}
}

static int64_t pick_small(rng *r, const uint32_t *weights, int n, int first)
{
	uint32_t total = 0;
	for (int i = 0; i < n; i++)
		total += weights[i];
	uint32_t x = rng_below(r, total);
	for (int i = 0; i < n; i++) {
		if (x < weights[i])
			return first + i;
		x -= weights[i];
	}
	return first + n - 1;
}

/* Amounts by sector: installment times installments missed, less a partial
 * payment now and then; integer cents throughout. */
static void signal_amounts(rng *r, row *s)
{
	static const uint32_t rent_missed[] = { 50, 35, 12, 3 };          /* 1..4 */
	static const uint32_t health_missed[] = { 30, 25, 18, 10, 8, 4, 2, 1, 1, 1 }; /* 2..11 */
	static const uint32_t water_missed[] = { 20, 30, 25, 15, 5, 5 };   /* 1..6 */
	static const uint32_t energy_missed[] = { 30, 30, 20, 10, 5, 5 };  /* 1..6 */
	static const uint32_t mortgage_missed[] = { 30, 30, 20, 12, 5, 3 }; /* 1..6 */
	cents_t inst = 0;
	int64_t missed = 1;

	switch ((enum vr_sector)s->sector) {
	case SECTOR_RENT:
		inst = rng_range(r, 45000, 95000);
		missed = pick_small(r, rent_missed, COUNT(rent_missed), 1);
		s->arrears = missed * inst;
		if (rng_chance(r, 4000))
			s->arrears -= rng_range(r, 0, inst / 2);
		break;
	case SECTOR_HEALTH:
		inst = rng_range(r, 11500, 16500);
		missed = pick_small(r, health_missed, COUNT(health_missed), 2);
		s->arrears = missed * inst;
		if (rng_chance(r, 3000))
			s->arrears -= rng_range(r, 0, inst);
		break;
	case SECTOR_WATER:
		inst = rng_range(r, 1500, 4500);
		missed = pick_small(r, water_missed, COUNT(water_missed), 1);
		s->arrears = missed * inst + rng_range(r, 0, 2500);
		break;
	case SECTOR_ENERGY:
		inst = rng_range(r, 6000, 25000);
		missed = pick_small(r, energy_missed, COUNT(energy_missed), 1);
		s->arrears = missed * inst;
		break;
	case SECTOR_MORTGAGE:
		inst = rng_range(r, 60000, 180000);
		missed = pick_small(r, mortgage_missed, COUNT(mortgage_missed), 1);
		s->arrears = missed * inst;
		break;
	case SECTOR_MUNICIPAL_TAX:
		inst = rng_range(r, 3000, 12000);
		missed = rng_range(r, 1, 8);
		s->arrears = missed * inst;
		break;
	case SECTOR_OTHER:
	case SECTOR_COUNT:
		inst = rng_range(r, 2000, 15000);
		missed = rng_range(r, 1, 10);
		s->arrears = missed * inst + rng_range(r, 0, 50000);
		break;
	}

	/* A small residual claim, around the usual EUR 50-100 floors. */
	if (s->sector != SECTOR_WATER && rng_chance(r, 600))
		s->arrears = rng_range(r, 500, 15000);
	/* Exactly on a threshold, or a cent either side of one. */
	const uint32_t u = rng_below(r, 10000);
	if (u < 200) {
		s->arrears = s->sector == SECTOR_WATER
			? round_water_amounts[rng_below(r, COUNT(round_water_amounts))]
			: round_amounts[rng_below(r, COUNT(round_amounts))];
	} else if (u < 260) {
		const cents_t at = s->sector == SECTOR_WATER || rng_chance(r, 5000) ? 10000 : 50000;
		s->arrears = at + (rng_chance(r, 5000) ? 1 : -1);
	} else if (u < 263) {
		s->arrears = 0;
	}

	/* Kinds: eviction threats on rent, supply cut-offs on energy and water,
	 * the CAK scheme after six months of health premium. */
	s->kind = KIND_EARLY;
	if (s->sector == SECTOR_RENT && missed >= 3 && rng_chance(r, 1000))
		s->kind = KIND_EVICTION;
	else if (s->sector == SECTOR_ENERGY && rng_chance(r, 1200))
		s->kind = KIND_END_OF_SUPPLY;
	else if (s->sector == SECTOR_WATER && rng_chance(r, 400))
		s->kind = KIND_END_OF_SUPPLY;
	else if (s->sector == SECTOR_HEALTH && missed >= 6 && rng_chance(r, 2500))
		s->kind = KIND_CAK;

	const bool vague = s->sector == SECTOR_MUNICIPAL_TAX || s->sector == SECTOR_OTHER;
	s->installment = rng_chance(r, vague ? 5500 : 1500) ? VR_MISSING : inst;
	s->missed = rng_chance(r, s->installment == VR_MISSING ? 7000 : 1000) ? VR_MISSING : missed;
	s->days = rng_chance(r, 1500) ? VR_MISSING : missed * 30 + rng_range(r, 0, 29);
}

static void make_signal(rng *r, const household *h, uint32_t group, int sector,
			vr_date first, vr_date last, row *s)
{
	memset(s, 0, sizeof *s);
	s->group = group;
	s->sector = (uint8_t)sector;
	s->received = working_day(r, first, last);
	signal_amounts(r, s);
	s->creditor = s->kind == KIND_CAK ? cak_creditor
		: creditors[sector].names[h->creditor[sector]].name;
	/* Now and then a household is behind with a second creditor of a sector. */
	if (s->kind != KIND_CAK && rng_chance(r, 300))
		s->creditor = creditors[sector].names[rng_pick(r, creditors[sector].names,
							     creditors[sector].n)].name;
	s->kind_empty = s->kind == KIND_EARLY && rng_chance(r, 500);

	int p = 0;
	if (h->person_style == PERSON_ONE)
		p = 1;
	else if (h->person_style == PERSON_TWO)
		p = 1 + (int)rng_below(r, 2);
	s->person = (uint8_t)p;
	s->birth = rng_chance(r, 1000) ? VR_DATE_NONE : h->birth[p ? p - 1 : 0];

	s->legal = h->legal && rng_chance(r, 7000) ? 2 : rng_chance(r, 1200) ? 1 : 0;
	s->district = rng_chance(r, 200) ? -1 : (int8_t)h->district;
	s->phone = h->phone && rng_chance(r, 9200);
	s->email = h->email && rng_chance(r, 9000);
	const uint32_t b = rng_below(r, 10000);
	s->brp = b < 8800 ? 1 : b < 9100 ? 0 : -1;
	s->debt_help = h->debt_help;
}

/* ------------------------------------------------------------ writing -- */

typedef struct out {
	FILE *f;
	const char *path;
	char delim, decimal;
} out;

static bool is_special(char c, char delim)
{
	return c == delim || c == '"' || c == '\n' || c == '\r';
}

/* Appends a CSV field (quoted when it must be) and returns the new end. The
 * plain copy is the common case; a special byte restarts it quoted. */
static char *put_text(char *p, const char *s, char delim)
{
	char *q = p;
	for (const char *t = s; *t; t++) {
		if (is_special(*t, delim)) {
			q = p;
			*q++ = '"';
			for (t = s; *t; t++) {
				if (*t == '"')
					*q++ = '"';
				*q++ = *t;
			}
			*q++ = '"';
			return q;
		}
		*q++ = *t;
	}
	return q;
}

static char *put_uint(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *put_cents(char *p, cents_t c, char decimal)
{
	char buf[32];
	vr_cents_format(c, buf);
	for (const char *s = buf; *s; s++)
		*p++ = *s == '.' ? decimal : *s;
	return p;
}

static char *put_date(char *p, vr_date d)
{
	vr_date_format(d, p);
	return p + 10;
}

static bool out_open(out *o, const char *path, char delim, char decimal)
{
	o->path = path;
	o->delim = delim;
	o->decimal = decimal;
	if (strcmp(path, "-") == 0) {
		o->f = stdout;
	} else {
		o->f = fopen(path, "wb");
		if (!o->f) {
			fprintf(stderr, "vroeg-gen: %s: %s\n", path, strerror(errno));
			return false;
		}
	}
	setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	return true;
}

static bool out_close(out *o)
{
	if (!o->f)
		return true;
	const bool bad = ferror(o->f) != 0;
	const int rc = o->f == stdout ? fflush(o->f) : fclose(o->f);
	o->f = NULL;
	if (bad || rc != 0) {
		fprintf(stderr, "vroeg-gen: %s: write failed\n",
			strcmp(o->path, "-") == 0 ? "<stdout>" : o->path);
		return false;
	}
	return true;
}

static void write_header(out *o, const char *const *cols, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			putc(o->delim, o->f);
		fputs(cols[i], o->f);
	}
	putc('\n', o->f);
}

static const char *const signal_columns[] = {
	"signal_id", "received", "household", "person", "creditor", "sector", "kind",
	"arrears", "installment", "installments_missed", "days_overdue", "legal_form",
	"birth_date", "district", "has_phone", "has_email", "brp_match", "known_debt_help",
};

static const char *const outcome_columns[] = { "household", "date", "outcome", "signal_id" };

/* "S0000001": seven digits at least, so ids sort as numbers up to 9999999. */
static char *put_signal_id(char *p, uint32_t id)
{
	char tmp[16];
	int n = 0;
	do {
		tmp[n++] = (char)('0' + id % 10);
		id /= 10;
	} while (id);
	*p++ = 'S';
	for (int pad = n; pad < 7; pad++)
		*p++ = '0';
	while (n)
		*p++ = tmp[--n];
	return p;
}

static void write_signal(out *o, const row *s, const household *h)
{
	char line[1024];
	char *p = line;
	const char d = o->delim;
	p = put_signal_id(p, s->id);
	*p++ = d;
	p = put_date(p, s->received);
	*p++ = d;
	p = put_text(p, h->key, d);
	*p++ = d;
	if (s->person) {
		p = put_text(p, h->key, d);
		*p++ = '-';
		*p++ = (char)('0' + s->person);
	}
	*p++ = d;
	p = put_text(p, s->creditor, d);
	*p++ = d;
	p = put_text(p, vr_sector_names[s->sector], d);
	*p++ = d;
	if (!s->kind_empty)
		p = put_text(p, vr_kind_names[s->kind], d);
	*p++ = d;
	p = put_cents(p, s->arrears, o->decimal);
	*p++ = d;
	if (s->installment != VR_MISSING)
		p = put_cents(p, s->installment, o->decimal);
	*p++ = d;
	if (s->missed != VR_MISSING)
		p = put_uint(p, (uint64_t)s->missed);
	*p++ = d;
	if (s->days != VR_MISSING)
		p = put_uint(p, (uint64_t)s->days);
	*p++ = d;
	if (s->legal != 1)
		p = put_text(p, s->legal == 2 ? "legal" : "natural", d);
	*p++ = d;
	if (s->birth != VR_DATE_NONE)
		p = put_date(p, s->birth);
	*p++ = d;
	if (s->district >= 0)
		p = put_text(p, districts[s->district].name, d);
	*p++ = d;
	*p++ = s->phone ? '1' : '0';
	*p++ = d;
	*p++ = s->email ? '1' : '0';
	*p++ = d;
	if (s->brp >= 0)
		*p++ = (char)('0' + s->brp);
	*p++ = d;
	*p++ = s->debt_help ? '1' : '0';
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), o->f);
}

/* ------------------------------------------------------------ outcomes -- */

typedef struct outcome_row {
	vr_date date;
	uint32_t seq;            /* order of creation, for a stable sort */
	uint32_t signal;         /* 0 = none */
	uint8_t outcome;
	char household[24];
} outcome_row;

typedef struct outcome_list {
	outcome_row *items;
	size_t n, cap;
} outcome_list;

static int outcome_cmp(const void *a, const void *b)
{
	const outcome_row *x = a, *y = b;
	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* ---------------------------------------------------------- the months -- */

/* Everything a run needs, owned by main and passed down. */
typedef struct gen {
	const options *opt;
	uint64_t mult;
	rng pick_rng, signal_rng, outcome_rng;
	uint64_t *used;          /* bitset: households signalled this month */
	uint64_t *ever;          /* bitset: households signalled in any month so far */
	size_t nwords;
	uint32_t *pool;          /* households signalled in any earlier month */
	size_t npool;
	uint32_t *prev, *cur;    /* households of the previous / current month */
	size_t nprev, ncur;
	household *hh;           /* this month's households, by group */
	row *rows;
	size_t nrows;
	size_t *day_count;
	row *sorted;
	uint32_t *group_first_id; /* per group: its first signal's number */
	vr_date *group_last_day;  /* per group: its latest received day */
	uint32_t next_id;
	outcome_list outcomes;
	out sig, outc;
} gen;

/* A household not yet signalled this month (month index MI). Repeats come from
 * last month (arrears carried on) or from earlier months (recidive). */
static bool bit_get(const uint64_t *set, uint32_t i)
{
	return set[i >> 6] >> (i & 63) & 1;
}

static void bit_set(uint64_t *set, uint32_t i)
{
	set[i >> 6] |= (uint64_t)1 << (i & 63);
}

static uint32_t pick_household(gen *g)
{
	const uint32_t n = (uint32_t)g->opt->households;
	const uint32_t u = rng_below(&g->pick_rng, 1000);
	const uint32_t *from = NULL;
	size_t nfrom = 0;
	if (u < 300 && g->nprev) {
		from = g->prev;
		nfrom = g->nprev;
	} else if (u < 450 && g->npool) {
		from = g->pool;
		nfrom = g->npool;
	}
	for (int tries = 0; from && tries < 16; tries++) {
		const uint32_t h = from[rng_below(&g->pick_rng, nfrom)];
		if (!bit_get(g->used, h))
			return h;
	}
	for (int tries = 0; tries < 64; tries++) {
		const uint32_t h = rng_below(&g->pick_rng, n);
		if (!bit_get(g->used, h))
			return h;
	}
	/* Nearly everyone is signalled this month: the next free one. */
	uint32_t h = rng_below(&g->pick_rng, n);
	while (bit_get(g->used, h))
		h = (h + 1) % n;
	return h;
}

static outcome_row *outcome_push(outcome_list *l)
{
	if (l->n == l->cap) {
		const size_t cap = l->cap ? l->cap * 2 : 1024;
		outcome_row *p = realloc(l->items, cap * sizeof *p);
		if (!p)
			return NULL;
		l->items = p;
		l->cap = cap;
	}
	return &l->items[l->n++];
}

static bool generate_month(gen *g, vr_month month, long target, bool is_run_month)
{
	const vr_date first = vr_month_first_day(month);
	const vr_date last = vr_month_first_day(month + 1) - 1;
	memset(g->used, 0, g->nwords * sizeof *g->used);
	g->ncur = 0;
	g->nrows = 0;
	while ((long)g->nrows < target) {
		const uint32_t h = pick_household(g);
		if (!bit_get(g->ever, h)) {
			bit_set(g->ever, h);
			g->pool[g->npool++] = h;
		}
		bit_set(g->used, h);
		const uint32_t group = (uint32_t)g->ncur;
		g->cur[g->ncur++] = h;
		household *hh = &g->hh[group];
		household_describe(g->opt->seed, h, g->opt, g->mult, hh);

		rng *r = &g->signal_rng;
		long k = 1 + rng_pick(r, signals_per_household, COUNT(signals_per_household));
		if (k > target - (long)g->nrows)
			k = target - (long)g->nrows;
		int sectors[4];
		for (long i = 0; i < k; i++) {
			int sector = i == 0 && rng_chance(r, 7000) ? hh->primary
				: rng_pick(r, sector_mix, SECTOR_COUNT);
			/* Several signals in a month mostly come from several creditors. */
			for (int t = 0; t < 3; t++) {
				bool dup = false;
				for (long j = 0; j < i; j++)
					dup |= sectors[j] == sector;
				if (!dup)
					break;
				sector = rng_pick(r, sector_mix, SECTOR_COUNT);
			}
			sectors[i] = sector;
			make_signal(r, hh, group, sector, first, last, &g->rows[g->nrows++]);
		}
	}

	/* Counting sort by day (stable), then number the signals in that order,
	 * as a delivery export would be. */
	const int ndays = last - first + 1;
	memset(g->day_count, 0, (size_t)(ndays + 1) * sizeof *g->day_count);
	for (size_t i = 0; i < g->nrows; i++)
		g->day_count[g->rows[i].received - first + 1]++;
	for (int d = 1; d <= ndays; d++)
		g->day_count[d] += g->day_count[d - 1];
	for (size_t i = 0; i < g->nrows; i++)
		g->sorted[g->day_count[g->rows[i].received - first]++] = g->rows[i];
	for (size_t i = 0; i < g->nrows; i++)
		g->sorted[i].id = ++g->next_id;

	if (g->sig.f)
		for (size_t i = 0; i < g->nrows; i++)
			write_signal(&g->sig, &g->sorted[i], &g->hh[g->sorted[i].group]);

	/* Outcomes: a few percent of the households signalled in an earlier
	 * month, recorded one to six weeks after their last signal of that
	 * month and before the run month begins. Own stream: asking for
	 * outcomes or not leaves the signals unchanged. */
	if (!is_run_month && g->outc.f) {
		const vr_date run_start = vr_month_first_day(g->opt->end_month);
		for (size_t i = 0; i < g->ncur; i++) {
			g->group_first_id[i] = 0;
			g->group_last_day[i] = first;
		}
		for (size_t i = 0; i < g->nrows; i++) {
			const row *s = &g->sorted[i];
			if (!g->group_first_id[s->group])
				g->group_first_id[s->group] = s->id;
			if (s->received > g->group_last_day[s->group])
				g->group_last_day[s->group] = s->received;
		}
		rng *r = &g->outcome_rng;
		for (size_t i = 0; i < g->ncur; i++) {
			if (!rng_chance(r, 400))
				continue;
			const vr_date after = g->group_last_day[i];
			vr_date date = after + (vr_date)rng_range(r, 7, 45);
			if (date >= run_start) /* late in the last month: sooner */
				date = after + (vr_date)rng_range(r, 0, run_start - 1 - after);
			outcome_row *o = outcome_push(&g->outcomes);
			if (!o)
				return false;
			o->date = date;
			o->seq = (uint32_t)(g->outcomes.n - 1);
			o->outcome = (uint8_t)rng_pick(r, outcome_mix, OUTCOME_COUNT);
			o->signal = rng_chance(r, 8500) ? g->group_first_id[i] : 0;
			memcpy(o->household, g->hh[i].key, sizeof o->household);
		}
	}

	uint32_t *t = g->prev;
	g->prev = g->cur;
	g->cur = t;
	g->nprev = g->ncur;
	return true;
}

static void write_outcomes(gen *g)
{
	outcome_list *l = &g->outcomes;
	if (l->n)
		qsort(l->items, l->n, sizeof *l->items, outcome_cmp);
	out *o = &g->outc;
	write_header(o, outcome_columns, COUNT(outcome_columns));
	for (size_t i = 0; i < l->n; i++) {
		const outcome_row *x = &l->items[i];
		char line[256];
		char *p = put_text(line, x->household, o->delim);
		*p++ = o->delim;
		p = put_date(p, x->date);
		*p++ = o->delim;
		p = put_text(p, vr_outcome_names[x->outcome], o->delim);
		*p++ = o->delim;
		if (x->signal)
			p = put_signal_id(p, x->signal);
		*p++ = '\n';
		fwrite(line, 1, (size_t)(p - line), o->f);
	}
}

static long month_target(const options *o, int mi)
{
	if (mi == o->months - 1)
		return o->run_signals;
	const long rest = o->total_signals - o->run_signals;
	const long base = rest / (o->months - 1), extra = rest % (o->months - 1);
	return base + (mi < extra);
}

int main(int argc, char **argv)
{
	options opt;
	const int rc = parse_options(argc, argv, &opt);
	if (rc)
		return rc == 1 ? 0 : 2;

	gen g = { .opt = &opt };
	g.mult = scramble_multiplier((uint64_t)opt.households);
	rng_seed(&g.pick_rng, opt.seed, 1);
	rng_seed(&g.signal_rng, opt.seed, 2);
	rng_seed(&g.outcome_rng, opt.seed, 3);

	long max_target = 0;
	for (int mi = 0; mi < opt.months; mi++)
		if (month_target(&opt, mi) > max_target)
			max_target = month_target(&opt, mi);
	const size_t n = (size_t)opt.households, m = (size_t)max_target + 1;
	g.nwords = (n + 63) / 64;
	g.used = calloc(g.nwords, sizeof *g.used);
	g.ever = calloc(g.nwords, sizeof *g.ever);
	g.pool = malloc(n * sizeof *g.pool);
	g.prev = malloc(m * sizeof *g.prev);
	g.cur = malloc(m * sizeof *g.cur);
	g.hh = malloc(m * sizeof *g.hh);
	g.rows = malloc(m * sizeof *g.rows);
	g.sorted = malloc(m * sizeof *g.sorted);
	g.day_count = malloc(33 * sizeof *g.day_count);
	g.group_first_id = malloc(m * sizeof *g.group_first_id);
	g.group_last_day = malloc(m * sizeof *g.group_last_day);
	int status = 0;
	if (!g.used || !g.ever || !g.pool || !g.prev || !g.cur || !g.hh || !g.rows || !g.sorted
	    || !g.day_count || !g.group_first_id || !g.group_last_day) {
		fputs("vroeg-gen: out of memory\n", stderr);
		status = 1;
		goto done;
	}

	if (opt.signals_path && !out_open(&g.sig, opt.signals_path, opt.delim, opt.decimal)) {
		status = 1;
		goto done;
	}
	if (opt.outcomes_path && !out_open(&g.outc, opt.outcomes_path, opt.delim, opt.decimal)) {
		status = 1;
		goto done;
	}
	if (g.sig.f)
		write_header(&g.sig, signal_columns, COUNT(signal_columns));

	for (int mi = 0; mi < opt.months; mi++) {
		const vr_month month = opt.end_month - (opt.months - 1) + mi;
		if (!generate_month(&g, month, month_target(&opt, mi), mi == opt.months - 1)) {
			fputs("vroeg-gen: out of memory\n", stderr);
			status = 1;
			goto done;
		}
	}
	if (g.outc.f)
		write_outcomes(&g);

done:
	if (!out_close(&g.sig))
		status = 1;
	if (!out_close(&g.outc))
		status = 1;
	free(g.used);
	free(g.ever);
	free(g.pool);
	free(g.prev);
	free(g.cur);
	free(g.hh);
	free(g.rows);
	free(g.sorted);
	free(g.day_count);
	free(g.group_first_id);
	free(g.group_last_day);
	free(g.outcomes.items);
	return status;
}
