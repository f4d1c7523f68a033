/*
 * csv_hash.h — content hash of an import file: a 128-bit hash of its
 * bytes (MurmurHash3 x64_128 construction, implemented here), as 32 hex
 * digits.  Fast enough that hashing a file costs a fraction of parsing it;
 * it identifies files for duplicate detection, it is not a signature.
 */
#ifndef CSV_HASH_H
#define CSV_HASH_H
#include <stddef.h>
#include <stdint.h>

typedef struct chash {
    uint64_t h1, h2;
    uint64_t len;
    unsigned char tail[16];
    size_t ntail;
} chash;

void chash_init(chash *c);
void chash_update(chash *c, const void *data, size_t n);
void chash_hex(chash *c, char hex[33]);           /* finishes c */
/* Hash the file at `path` (read in 64 KB blocks); 0, or -1 with *err. */
int chash_file(const char *path, char hex[33], long long *size, char **err);
#endif
