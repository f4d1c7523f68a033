/* csv_le64.h — eight bytes as a little-endian word, for the word-at-a-time
 * scans of the reader (UTF-8 check) and the file hash.  Header-only so
 * that each scan inlines it. */
#ifndef CSV_LE64_H
#define CSV_LE64_H

#include <stdint.h>
#include <string.h>

static inline uint64_t csv_le64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

#endif
