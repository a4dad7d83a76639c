/* types.c - domain types: enum names, calendar arithmetic, money text.
 * Calendar conversions use Howard Hinnant's days-from-civil algorithm, exact for
 * the proleptic Gregorian calendar; nothing here depends on the locale. */
#include "types.h"

#include <string.h>

const char *const vr_sector_names[SECTOR_COUNT] = {
	"rent", "mortgage", "health", "energy", "water", "municipal_tax", "other"
};
const char *const vr_kind_names[KIND_COUNT] = {
	"early", "end_of_supply", "eviction", "cak"
};
const char *const vr_legal_form_names[LEGAL_COUNT] = { "natural", "legal" };
const char *const vr_outcome_names[OUTCOME_COUNT] = {
	"not_picked_up", "not_reached", "reached_no_help", "refused",
	"help_accepted", "already_known", "wrongly_reported", "deceased"
};

const char *const vr_feedback_names[FEEDBACK_COUNT] = {
	"", "wrongly_reported", "not_picked_up", "repeat_signal", "already_known",
	"help_accepted", "not_reached_or_no_help", "deceased"
};
const char *const vr_feedback_meaning_nl[FEEDBACK_COUNT] = {
	"", "melding onterecht", "wordt niet opgepakt", "herhaalde melding",
	"inwoner al bekend bij schuldhulpverlening", "inwoner wil hulp",
	"niet bereikt of wil geen hulp", "overleden"
};

int vr_enum_lookup(const char *const *table, int n, const char *name, size_t len)
{
	for (int i = 0; i < n; i++)
		if (strlen(table[i]) == len && memcmp(table[i], name, len) == 0)
			return i;
	return -1;
}

vr_date vr_date_from_ymd(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const int yoe = y - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void vr_date_to_ymd(vr_date date, int *y, int *m, int *d)
{
	const int z = date + 719468;
	const int era = (z >= 0 ? z : z - 146096) / 146097;
	const int doe = z - era * 146097;
	const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly N digits at S; returns -1 when any is not a digit. */
static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool vr_date_parse(const char *s, size_t len, vr_date *out)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return false;
	const int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
	if (y < 1800 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return false;
	*out = vr_date_from_ymd(y, m, d);
	return true;
}

void vr_date_format(vr_date date, char buf[11])
{
	int y, m, d;
	vr_date_to_ymd(date, &y, &m, &d);
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + d / 10);
	buf[9] = (char)('0' + d % 10);
	buf[10] = '\0';
}

vr_month vr_month_of(vr_date date)
{
	int y, m, d;
	vr_date_to_ymd(date, &y, &m, &d);
	return y * 12 + (m - 1);
}

vr_date vr_month_first_day(vr_month month)
{
	return vr_date_from_ymd(month / 12, month % 12 + 1, 1);
}

bool vr_month_parse(const char *s, size_t len, vr_month *out)
{
	if (len != 7 || s[4] != '-')
		return false;
	const int y = digits(s, 4), m = digits(s + 5, 2);
	if (y < 1800 || m < 1 || m > 12)
		return false;
	*out = y * 12 + (m - 1);
	return true;
}

void vr_month_format(vr_month month, char buf[8])
{
	char day[11];
	vr_date_format(vr_month_first_day(month), day);
	memcpy(buf, day, 7);
	buf[7] = '\0';
}

int64_t vr_age_on(vr_date birth, vr_date day)
{
	if (birth == VR_DATE_NONE || birth > day)
		return VR_MISSING;
	int by, bm, bd, y, m, d;
	vr_date_to_ymd(birth, &by, &bm, &bd);
	vr_date_to_ymd(day, &y, &m, &d);
	int age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return age;
}

enum vr_amount vr_amount_parse(const char *s, size_t len, bool comma_decimal, cents_t max,
			       cents_t *out)
{
	size_t i = 0;
	if (len >= 3 && memcmp(s, "\xe2\x82\xac", 3) == 0) { /* the euro sign */
		i = 3;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
	} else if (len >= 3 && memcmp(s, "EUR", 3) == 0) {
		i = 3;
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
	}
	/* Digits past the maximum are still read, to tell "too large" from
	 * "not an amount"; EUROS stops growing there, so it cannot overflow. */
	const size_t int_start = i;
	const cents_t max_euros = max / 100;
	cents_t euros = 0;
	bool too_large = false;
	while (i < len && s[i] >= '0' && s[i] <= '9') {
		const int digit = s[i] - '0';
		if (euros > max_euros / 10 || euros * 10 + digit > max_euros)
			too_large = true;
		else
			euros = euros * 10 + digit;
		i++;
	}
	if (i == int_start)
		return VR_AMOUNT_BAD;
	cents_t cents = 0;
	if (i < len) {
		const char sep = comma_decimal ? ',' : '.';
		if (s[i] != sep)
			return VR_AMOUNT_BAD;
		i++;
		const size_t frac_start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - frac_start < 2) {
			cents = cents * 10 + (s[i] - '0');
			i++;
		}
		if (i == frac_start || i != len)
			return VR_AMOUNT_BAD;
		if (i - frac_start == 1)
			cents *= 10;
	}
	if (too_large || cents > max - euros * 100)
		return VR_AMOUNT_TOO_LARGE;
	*out = euros * 100 + cents;
	return VR_AMOUNT_OK;
}

bool vr_cents_parse(const char *s, size_t len, bool comma_decimal, cents_t *out)
{
	return vr_amount_parse(s, len, comma_decimal, INT64_MAX, out) == VR_AMOUNT_OK;
}

size_t vr_cents_format(cents_t cents, char *buf)
{
	const bool negative = cents < 0;
	/* Work in unsigned so INT64_MIN does not overflow on negation. */
	uint64_t v = negative ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
	/* Digits from the end of TMP backwards, then one copy. */
	char tmp[24];
	char *p = tmp + sizeof tmp;
	*--p = (char)('0' + v % 10);
	v /= 10;
	*--p = (char)('0' + v % 10);
	v /= 10;
	*--p = '.';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (negative)
		*--p = '-';
	const size_t len = (size_t)(tmp + sizeof tmp - p);
	memcpy(buf, p, len);
	buf[len] = '\0';
	return len;
}
