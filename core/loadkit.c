/*
 * loadkit.c — the store loaders' shared pieces (see loadkit.h).  The map
 * is open addressing with linear probing, FNV-1a hashes, a power-of-two
 * capacity kept at most half full.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "loadkit.h"

char *loadkit_fmt(const char *fmt, ...)
{
    va_list ap;
    char *p;
    va_start(ap, fmt);
    int n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0) abort();
    return p;
}

/* ----------------------------------------------------------------- map */

static uint64_t hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static size_t slot(const loadkit_map *m, const char *key, size_t n)
{
    size_t mask = m->cap - 1, j = (size_t)hash(key, n) & mask;
    while (m->keys[j] && !(m->lens[j] == n && !memcmp(m->keys[j], key, n))) j = (j + 1) & mask;
    return j;
}

int64_t *loadkit_map_get(const loadkit_map *m, const char *key, size_t n)
{
    if (!m->cap) return NULL;
    size_t j = slot(m, key, n);
    return m->keys[j] ? &m->vals[j] : NULL;
}

static int grow(loadkit_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    loadkit_map g = { calloc(cap, sizeof(char *)), calloc(cap, sizeof(size_t)), calloc(cap, sizeof(int64_t)),
                      cap, m->n };
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

int loadkit_map_put(loadkit_map *m, const char *key, size_t n, int64_t v)
{
    if ((m->n + 1) * 2 > m->cap && grow(m) != 0) return -1;
    size_t j = slot(m, key, n);
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

void loadkit_map_free(loadkit_map *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->keys[i]);
    free(m->keys); free(m->lens); free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- keys */

int64_t loadkit_find(const loadkit_map *m, const char *key)
{
    if (!key || !*key) return 0;
    int64_t *v = loadkit_map_get(m, key, strlen(key));
    return v && *v > 0 ? *v : 0;
}

int64_t loadkit_market(const loadkit_map *code, const loadkit_map *alias, const loadkit_map *name,
                       const char *c, const char *nm)
{
    int64_t id = loadkit_find(code, c);
    if (!id) id = loadkit_find(alias, c);
    if (!id) id = loadkit_find(alias, nm);
    if (!id && nm && *nm) {
        int64_t *v = loadkit_map_get(name, nm, strlen(nm));
        if (v) id = *v;
    }
    return id;
}

const char *loadkit_unit_kind(const cwsh_domain *d, const char *name, size_t n)
{
    for (int i = 0; i < d->nunits; i++) {
        size_t k = strlen(d->units[i].suffix);
        if (k <= n && memcmp(name + n - k, d->units[i].suffix, k) == 0) return d->units[i].name;
    }
    return NULL;
}

/* -------------------------------------------------------------- checks */

int loadkit_inspection(const cwsh_domain *d, const loadkit_map *known, const cwsh_inspection *in,
                       char **err)
{
    int k = -1;
    for (int i = 0; in->kind && i < d->nkinds && k < 0; i++)
        if (!strcmp(in->kind, d->kinds[i].name)) k = i;
    if (k < 0) {
        char list[400] = "";
        for (int i = 0, o = 0; i < d->nkinds && o >= 0 && (size_t)o < sizeof list; i++)
            o += snprintf(list + o, sizeof list - (size_t)o, "%s%s", i ? ", " : "", d->kinds[i].name);
        *err = loadkit_fmt("unknown inspection kind '%s' (%s)", in->kind ? in->kind : "", list);
        return -1;
    }
    if (!in->date || !*in->date) { *err = loadkit_fmt("inspection has no date"); return -1; }
    if (in->market_id <= 0) { *err = loadkit_fmt("inspection has no market"); return -1; }
    if (!loadkit_map_get(known, (const char *)&in->market_id, sizeof in->market_id)) {
        *err = loadkit_fmt("inspection refers to market id %lld, which does not exist",
                           (long long)in->market_id);
        return -1;
    }
    return k;
}

int64_t loadkit_result(const loadkit_map *items, uint32_t *seen, size_t nseen, uint32_t insp,
                       const cwsh_result *r, char **err)
{
    int64_t item = r->item_code ? loadkit_find(items, r->item_code) : 0;
    if (!item) {
        *err = loadkit_fmt("unknown checklist item '%s'", r->item_code ? r->item_code : "");
        return 0;
    }
    if (r->result < CWSH_PASS || r->result > CWSH_NA) {
        *err = loadkit_fmt("item '%s': result code %d is not pass, fail or na (1, 2, 3)", r->item_code, r->result);
        return 0;
    }
    if (!(r->deduction >= 0)) {
        *err = loadkit_fmt("item '%s': deduction %g is negative", r->item_code, r->deduction);
        return 0;
    }
    /* checked here, so a store's batch cannot fail on the primary key */
    if ((size_t)item >= nseen || seen[item] == insp) {
        *err = loadkit_fmt("item '%s' appears twice in one inspection", r->item_code);
        return 0;
    }
    seen[item] = insp;
    return item;
}
