/* utf8.h - what vroeg checks of the bytes of a text file it reads: that they
 * are UTF-8 (no NUL byte, no ill-formed sequence), and whether a file that
 * fails is really UTF-16, so the message can say what to do about it. */
#ifndef VROEG_UTF8_H
#define VROEG_UTF8_H

#include <stddef.h>

/* The length (1-4) of the well-formed UTF-8 character at S (LEN > 0 bytes;
 * an ASCII byte, NUL included, is one), or 0 when the bytes at S are not one:
 * a stray continuation byte, a truncated sequence, an overlong form, a
 * surrogate or a code point past U+10FFFF. */
size_t utf8_char(const char *s, size_t len);

/* The offset of the first byte of S (LEN bytes) that is NUL or starts no
 * well-formed character; LEN when there is none. */
size_t utf8_check(const char *s, size_t len);

/* The length of a UTF-8 byte order mark at the start of S: 3 or 0. */
size_t utf8_bom(const char *s, size_t len);

enum utf8_utf16 {
	UTF16_NO,      /* not UTF-16, as far as its start shows */
	UTF16_BOM,     /* starts with a UTF-16 byte order mark, FF FE or FE FF */
	UTF16_NULS     /* of its first bytes, every other one is NUL: ASCII in UTF-16 */
};

/* Whether the text whose first LEN bytes are at S is UTF-16. */
enum utf8_utf16 utf8_utf16(const char *s, size_t len);

#endif
