/*
 * csv_seen.c — the set of inspection keys (see csv_seen.h).
 *
 * Memory is what bounds this set: it holds every inspection of the
 * database and of the file, so it keeps 64-bit hashes, not keys — one
 * 24-byte slot an inspection (3.5 MB for a province-year).  Two different
 * inspections share both hashes with a probability near 2^-64 per pair:
 * for ten province-years (a million inspections) about 3e-8 that one
 * false duplicate is ever reported.  Open addressing; the slots of one key
 * (inspections with other ids) follow each other in the probe sequence.
 */
#include <stdlib.h>
#include <string.h>
#include "csv_seen.h"

typedef struct slot {
    uint64_t key;               /* hash of market, date, kind, inspector; 0: empty */
    uint64_t id;                /* hash of the sheet's id, 0 when it has none */
    int32_t line;               /* in this file, 0 for the database's */
    int32_t label;              /* index into labels, -1 for none */
} slot;

struct cseen {
    slot *v;
    size_t cap, n;              /* cap a power of two, n < cap * 3 / 4 */
    char **labels;
    int nlabels, labels_cap;
};

cseen *cseen_open(void)
{
    cseen *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cap = 1024;
    s->v = calloc(s->cap, sizeof *s->v);
    if (!s->v) { free(s); return NULL; }
    return s;
}

void cseen_close(cseen **sp)
{
    cseen *s = *sp;
    if (!s) return;
    for (int i = 0; i < s->nlabels; i++) free(s->labels[i]);
    free(s->labels);
    free(s->v);
    free(s);
    *sp = NULL;
}

/* FNV-1a over the pieces, each followed by a separator no text holds,
 * finished with a 64-bit mix (FNV alone is weak in its low bits, which
 * pick the slot); never 0. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) { h ^= c[i]; h *= 0x100000001b3ULL; }
    h ^= 0x1f;
    return h * 0x100000001b3ULL;
}

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33; h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h ? h : 1;
}

static int grow(cseen *s)
{
    size_t cap = s->cap * 2;
    slot *v = calloc(cap, sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->v[i].key) continue;
        size_t j = s->v[i].key & (cap - 1);
        while (v[j].key) j = (j + 1) & (cap - 1);
        v[j] = s->v[i];
    }
    free(s->v);
    s->v = v;
    s->cap = cap;
    return 0;
}

static int label_index(cseen *s, const char *label)
{
    if (!label) return -1;
    if (s->nlabels && !strcmp(s->labels[s->nlabels - 1], label)) return s->nlabels - 1;
    if (s->nlabels == s->labels_cap) {
        int cap = s->labels_cap ? s->labels_cap * 2 : 16;
        char **l = realloc(s->labels, (size_t)cap * sizeof *l);
        if (!l) return -2;
        s->labels = l;
        s->labels_cap = cap;
    }
    if (!(s->labels[s->nlabels] = strdup(label))) return -2;
    return s->nlabels++;
}

/* A new inspection with an id repeats one with the same id, or one
 * without an id; a new one without an id repeats any with its key. */
int cseen_add(cseen *s, int64_t market, const char *date, const char *kind,
              const char *inspector, const char *ext_id, long line, const char *label,
              cseen_where *where)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv(h, &market, sizeof market);
    h = fnv(h, date, strlen(date));
    h = fnv(h, kind, strlen(kind));
    h = fnv(h, inspector, strlen(inspector));
    uint64_t key = mix(h);
    uint64_t id = ext_id && *ext_id ? mix(fnv(0x84222325cbf29ce4ULL, ext_id, strlen(ext_id))) : 0;

    size_t j = key & (s->cap - 1);
    for (; s->v[j].key; j = (j + 1) & (s->cap - 1)) {
        const slot *x = &s->v[j];
        if (x->key != key || (id && x->id && x->id != id)) continue;
        where->line = x->line;
        where->label = x->label >= 0 ? s->labels[x->label] : NULL;
        return 1;
    }
    int li = label_index(s, label);
    if (li == -2) return -1;
    s->v[j] = (slot){ key, id, line > INT32_MAX ? INT32_MAX : (int32_t)line, li };
    if (++s->n >= s->cap / 4 * 3 && grow(s) != 0) return -1;
    return 0;
}
