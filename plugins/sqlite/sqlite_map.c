/*
 * sqlite_map.c — open addressing with linear probing, FNV-1a, power-of-two
 * capacity kept at most half full.
 */
#include <stdlib.h>
#include <string.h>
#include "sqlite_map.h"

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

static size_t find(const sqlite_map *m, const char *key, size_t n)
{
    size_t mask = m->cap - 1, j = hash(key, n) & mask;
    while (m->keys[j] && !(m->lens[j] == n && !memcmp(m->keys[j], key, n))) j = (j + 1) & mask;
    return j;
}

int64_t *sqlite_map_get(const sqlite_map *m, const char *key, size_t n)
{
    if (!m->cap) return NULL;
    size_t j = find(m, key, n);
    return m->keys[j] ? &m->vals[j] : NULL;
}

static int grow(sqlite_map *m)
{
    sqlite_map old = *m;
    size_t cap = old.cap ? old.cap * 2 : 64;
    m->keys = calloc(cap, sizeof *m->keys);
    m->lens = calloc(cap, sizeof *m->lens);
    m->vals = calloc(cap, sizeof *m->vals);
    if (!m->keys || !m->lens || !m->vals) {
        free(m->keys); free(m->lens); free(m->vals);
        *m = old;
        return -1;
    }
    m->cap = cap;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t j = find(m, old.keys[i], old.lens[i]);
            m->keys[j] = old.keys[i];
            m->lens[j] = old.lens[i];
            m->vals[j] = old.vals[i];
        }
    free(old.keys); free(old.lens); free(old.vals);
    return 0;
}

int sqlite_map_put(sqlite_map *m, const char *key, size_t n, int64_t v)
{
    if ((m->n + 1) * 2 > m->cap && grow(m) != 0) return -1;
    size_t j = find(m, key, n);
    if (!m->keys[j]) {
        char *k = malloc(n + 1);
        if (!k) return -1;
        memcpy(k, key, n);
        k[n] = 0;
        m->keys[j] = k;
        m->lens[j] = n;
        m->n++;
    }
    m->vals[j] = v;
    return 0;
}

void sqlite_map_free(sqlite_map *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys); free(m->lens); free(m->vals);
    memset(m, 0, sizeof *m);
}
