/* sha256.h - SHA-256 (FIPS 180-4), to record which source text a run used. */
#ifndef VROEG_SHA256_H
#define VROEG_SHA256_H

#include <stddef.h>
#include <stdint.h>

void sha256(const void *data, size_t len, uint8_t out[32]);
/* 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[32], char out[65]);

#endif
