/*
 * pg_map.c — open addressing with linear probing, FNV-1a hashes, grown
 * at half full (see pg_map.h).
 */
#include <stdlib.h>
#include <string.h>
#include "pg_map.h"

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
    return h;
}

static size_t slot(const pg_map *m, const char *key, size_t n)
{
    size_t i = (size_t)hash(key, n) & (m->cap - 1);
    while (m->keys[i] && (m->lens[i] != n || memcmp(m->keys[i], key, n))) i = (i + 1) & (m->cap - 1);
    return i;
}

int64_t *pg_map_get(const pg_map *m, const char *key, size_t n)
{
    if (!m->cap) return NULL;
    size_t i = slot(m, key, n);
    return m->keys[i] ? &m->vals[i] : NULL;
}

static int grow(pg_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    pg_map g = { calloc(cap, sizeof(char *)), calloc(cap, sizeof(size_t)), calloc(cap, sizeof(int64_t)), cap, m->n };
    if (!g.keys || !g.lens || !g.vals) { free(g.keys); free(g.lens); free(g.vals); return -1; }
    for (size_t i = 0; i < m->cap; i++)
        if (m->keys[i]) {
            size_t j = slot(&g, m->keys[i], m->lens[i]);
            g.keys[j] = m->keys[i];
            g.lens[j] = m->lens[i];
            g.vals[j] = m->vals[i];
        }
    free(m->keys); free(m->lens); free(m->vals);
    *m = g;
    return 0;
}

int pg_map_put(pg_map *m, const char *key, size_t n, int64_t v)
{
    if ((m->n + 1) * 2 > m->cap && grow(m) != 0) return -1;
    size_t i = slot(m, key, n);
    if (!m->keys[i]) {
        char *k = malloc(n ? n : 1);
        if (!k) return -1;
        memcpy(k, key, n);
        m->keys[i] = k;
        m->lens[i] = n;
        m->n++;
    }
    m->vals[i] = v;
    return 0;
}

void pg_map_free(pg_map *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys); free(m->lens); free(m->vals);
    memset(m, 0, sizeof *m);
}
