/* utf8.c - UTF-8 well-formedness (RFC 3629: the shortest form only, no
 * surrogates, nothing past U+10FFFF) and UTF-16 recognition from a file's
 * first bytes. */
#include "utf8.h"

#include <stdbool.h>
#include <string.h>

size_t utf8_char(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len == 0)
		return 0;
	if (u[0] < 0x80)
		return 1;
	size_t n;
	unsigned long cp, min;
	if ((u[0] & 0xE0) == 0xC0)
		n = 2, cp = u[0] & 0x1F, min = 0x80;
	else if ((u[0] & 0xF0) == 0xE0)
		n = 3, cp = u[0] & 0x0F, min = 0x800;
	else if ((u[0] & 0xF8) == 0xF0)
		n = 4, cp = u[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len < n)
		return 0;
	for (size_t k = 1; k < n; k++) {
		if ((u[k] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (u[k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

size_t utf8_check(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] == '\0')
			return i;
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		const size_t n = utf8_char(s + i, len - i);
		if (n == 0)
			return i;
		i += n;
	}
	return len;
}

size_t utf8_bom(const char *s, size_t len)
{
	return len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
}

enum utf8_utf16 utf8_utf16(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return UTF16_BOM;
	/* ASCII text in UTF-16 has a NUL in every pair, always on the same side
	 * (the second byte little-endian, the first big-endian). Two pairs at
	 * least, so a lone NUL in a one-byte file is just a NUL. */
	const size_t pairs = (len < 64 ? len : 64) / 2;
	if (pairs < 2)
		return UTF16_NO;
	bool low = true, high = true;
	for (size_t i = 0; i < pairs; i++) {
		const bool nul0 = u[2 * i] == 0, nul1 = u[2 * i + 1] == 0;
		low = low && nul1 && !nul0;
		high = high && nul0 && !nul1;
	}
	return low || high ? UTF16_NULS : UTF16_NO;
}
