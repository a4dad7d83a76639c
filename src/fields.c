/* fields.c - the table of names a policy can use and their types. */
#include "fields.h"

#include <string.h>

const field_info fields_signal[SF_COUNT] = {
	[SF_SECTOR] = { "sector", TY_SECTOR, "the creditor's sector" },
	[SF_KIND] = { "kind", TY_KIND, "early, end_of_supply, eviction or cak" },
	[SF_CREDITOR] = { "creditor", TY_TEXT, "the creditor's name as delivered" },
	[SF_ARREARS] = { "arrears", TY_MONEY, "the signal's amount in arrears" },
	[SF_INSTALLMENT] = { "installment", TY_MONEY, "the regular installment" },
	[SF_INSTALLMENTS_MISSED] = { "installments_missed", TY_COUNT, "full installments in arrears" },
	[SF_DAYS_OVERDUE] = { "days_overdue", TY_DAYS, "age in days of the oldest unpaid claim" },
	[SF_LEGAL_FORM] = { "legal_form", TY_LEGAL_FORM, "natural or legal" },
	[SF_AGE] = { "age", TY_YEARS, "age in whole years of the signal's person on the first day of the run month" },
	[SF_DISTRICT] = { "district", TY_TEXT, "district of the address" },
	[SF_HAS_PHONE] = { "has_phone", TY_BOOL, "a working phone number is known" },
	[SF_HAS_EMAIL] = { "has_email", TY_BOOL, "an e-mail address is known" },
	[SF_BRP_MATCH] = { "brp_match", TY_FLAG, "population register check: 0, 1, or missing when not checked" },
	[SF_KNOWN_DEBT_HELP] = { "known_debt_help", TY_BOOL, "already in a debt-help trajectory" },
	[SF_PERSON] = { "person", TY_TEXT, "the person key" },
	[SF_SIGNAL_ID] = { "signal_id", TY_TEXT, "the signal's identity" },
	[SF_MONTH] = { "months_ago", TY_COUNT, "months between the signal's month and the run month (0 = the run month)" },
};

const field_info fields_outcome[OF_COUNT] = {
	[OF_OUTCOME] = { "outcome", TY_OUTCOME, "what the follow-up achieved" },
	[OF_SIGNAL_ID] = { "signal_id", TY_TEXT, "the signal the outcome answers" },
};

const field_info fields_household[HF_COUNT] = {
	[HF_ARREARS] = { "arrears", TY_MONEY, "total arrears of the counted current signals" },
	[HF_HAS_PHONE] = { "has_phone", TY_BOOL, "any current signal has a phone number" },
	[HF_HAS_EMAIL] = { "has_email", TY_BOOL, "any current signal has an e-mail address" },
	[HF_DISTRICT] = { "district", TY_TEXT, "district of the latest current signal" },
	[HF_HOUSEHOLD] = { "household", TY_TEXT, "the household key" },
};

int fields_find(const field_info *table, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return -1;
}

bool fields_type_is_text(enum ast_type t)
{
	return t == TY_TEXT;
}
