/* fuzz_loader.c - libFuzzer target for the .vrb loader. Whatever the bytes,
 * bc_read accepts or refuses them without reading outside them, crashing or
 * leaking. Each input is tried as given, then with its stated length and
 * checksum made right, so mutations get past the envelope into the sections
 * and the verifier. An accepted program must list without trouble and write
 * back to the very bytes it was read from.
 * Build: clang -fsanitize=fuzzer,address,undefined -Isrc fuzz/fuzz_loader.c
 *        src/bytecode.c src/disasm.c src/diag.c src/fields.c src/types.c
 * Run:   ./fuzz_loader fuzz/corpus/loader */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytecode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put32(uint8_t *b, uint32_t x)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(x >> (8 * i));
}

/* Reads DATA; when accepted, lists it and checks it writes back unchanged. */
static void load(const uint8_t *data, size_t size)
{
	diag d;
	diag_init(&d, NULL);
	bc_program p;
	if (bc_read(&p, data, size, "fuzz.vrb", &d)) {
		char *text = NULL, *bytes = NULL;
		size_t ntext = 0, nbytes = 0;
		FILE *f = open_memstream(&text, &ntext);
		if (f) {
			bc_disasm(&p, f);
			fclose(f);
		}
		f = open_memstream(&bytes, &nbytes);
		if (f) {
			if (!bc_write(&p, f))
				abort();
			fclose(f);
			if (nbytes != size || memcmp(bytes, data, size) != 0)
				abort();   /* reading and writing disagree */
		}
		free(text);
		free(bytes);
	} else if (d.errors != 1) {
		abort();           /* a refusal reports exactly one problem */
	}
	bc_program_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	load(data, size);
	if (size < 20 || size > UINT32_MAX)
		return 0;
	uint8_t *sealed = malloc(size);
	if (!sealed)
		return 0;
	memcpy(sealed, data, size);
	put32(sealed + 12, (uint32_t)size);
	put32(sealed + size - 4, bc_crc32(sealed, size - 4));
	load(sealed, size);
	free(sealed);
	return 0;
}
