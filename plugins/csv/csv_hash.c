/*
 * csv_hash.c — streaming 128-bit content hash (see csv_hash.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "csv_hash.h"
#include "csv_le64.h"

#define C1 0x87c37b91114253d5ULL
#define C2 0x4cf5ad432745937fULL

static uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

static uint64_t fmix(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static void block(chash *c, const unsigned char *p)
{
    uint64_t k1 = csv_le64(p), k2 = csv_le64(p + 8);
    k1 *= C1; k1 = rotl(k1, 31); k1 *= C2; c->h1 ^= k1;
    c->h1 = rotl(c->h1, 27); c->h1 += c->h2; c->h1 = c->h1 * 5 + 0x52dce729;
    k2 *= C2; k2 = rotl(k2, 33); k2 *= C1; c->h2 ^= k2;
    c->h2 = rotl(c->h2, 31); c->h2 += c->h1; c->h2 = c->h2 * 5 + 0x38495ab5;
}

void chash_init(chash *c)
{
    memset(c, 0, sizeof *c);
    c->h1 = c->h2 = 0x63777368ULL;       /* "cwsh" as the seed */
}

void chash_update(chash *c, const void *data, size_t n)
{
    const unsigned char *p = data;
    c->len += n;
    if (c->ntail) {
        size_t k = 16 - c->ntail;
        if (k > n) k = n;
        memcpy(c->tail + c->ntail, p, k);
        c->ntail += k;
        p += k;
        n -= k;
        if (c->ntail < 16) return;
        block(c, c->tail);
        c->ntail = 0;
    }
    while (n >= 16) {
        block(c, p);
        p += 16;
        n -= 16;
    }
    memcpy(c->tail, p, n);
    c->ntail = n;
}

void chash_hex(chash *c, char hex[33])
{
    uint64_t k1 = 0, k2 = 0;
    const unsigned char *t = c->tail;
    for (size_t i = c->ntail; i > 8; i--) k2 = (k2 << 8) | t[i - 1];
    for (size_t i = c->ntail < 8 ? c->ntail : 8; i > 0; i--) k1 = (k1 << 8) | t[i - 1];
    if (c->ntail > 8) { k2 *= C2; k2 = rotl(k2, 33); k2 *= C1; c->h2 ^= k2; }
    if (c->ntail) { k1 *= C1; k1 = rotl(k1, 31); k1 *= C2; c->h1 ^= k1; }
    uint64_t h1 = c->h1 ^ c->len, h2 = c->h2 ^ c->len;
    h1 += h2; h2 += h1;
    h1 = fmix(h1); h2 = fmix(h2);
    h1 += h2; h2 += h1;
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h1, (unsigned long long)h2);
}

int chash_file(const char *path, char hex[33], long long *size, char **err)
{
    /* Not blocking in open (a FIFO waits there for a writer), and only a
     * regular file: a FIFO could serve one text to the hash and another
     * to the import, a device (/dev/zero) endless bytes. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "cannot open '%s': %s", path, strerror(errno));
        *err = strdup(tmp);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "cannot import '%s': not a regular file", path);
        *err = strdup(tmp);
        close(fd);
        return -1;
    }
    static unsigned char buf[64 * 1024];
    chash c;
    chash_init(&c);
    ssize_t got;
    for (;;) {
        got = read(fd, buf, sizeof buf);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        chash_update(&c, buf, (size_t)got);
    }
    int e = errno;
    close(fd);
    if (got < 0) {
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "cannot read '%s': %s", path, strerror(e));
        *err = strdup(tmp);
        return -1;
    }
    if (size) *size = (long long)c.len;
    chash_hex(&c, hex);
    return 0;
}
