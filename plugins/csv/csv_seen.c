/*
 * csv_seen.c — the set of inspection keys (see csv_seen.h): open
 * addressing over 64-bit hashes, keys in one arena.
 */
#include <stdlib.h>
#include <string.h>
#include "csv_seen.h"

typedef struct slot {
    uint64_t hash;              /* 0: empty */
    size_t off, len;            /* the key in the arena */
    long line;
    int label;                  /* index into labels, -1 for none */
} slot;

struct cseen {
    slot *v;
    size_t cap, n;              /* cap a power of two, n < cap * 3 / 4 */
    char *ar;
    size_t alen, acap;
    char **labels;
    int nlabels, labels_cap;
    char key[512];              /* the key being looked up */
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
    free(s->ar);
    free(s);
    *sp = NULL;
}

size_t cseen_count(const cseen *s) { return s->n; }

/* FNV-1a, never 0 (0 marks an empty slot). */
static uint64_t hash(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)p[i]; h *= 0x100000001b3ULL; }
    return h ? h : 1;
}

static int grow(cseen *s)
{
    size_t cap = s->cap * 2;
    slot *v = calloc(cap, sizeof *v);
    if (!v) return -1;
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->v[i].hash) continue;
        size_t j = s->v[i].hash & (cap - 1);
        while (v[j].hash) j = (j + 1) & (cap - 1);
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

/* Find the tagged key in s->key[0..n); its slot, or the empty slot where
 * it would go. */
static slot *find(cseen *s, size_t n, uint64_t *hp)
{
    uint64_t h = hash(s->key, n);
    *hp = h;
    size_t j = h & (s->cap - 1);
    for (; s->v[j].hash; j = (j + 1) & (s->cap - 1)) {
        slot *x = &s->v[j];
        if (x->hash == h && x->len == n && !memcmp(s->ar + x->off, s->key, n)) return x;
    }
    return &s->v[j];
}

static int put(cseen *s, size_t n, long line, int label)
{
    uint64_t h;
    slot *x = find(s, n, &h);
    if (x->hash) return 0;
    if (s->alen + n > s->acap) {
        size_t cap = (s->alen + n) * 2 + 4096;
        char *a = realloc(s->ar, cap);
        if (!a) return -1;
        s->ar = a;
        s->acap = cap;
    }
    memcpy(s->ar + s->alen, s->key, n);
    *x = (slot){ h, s->alen, n, line, label };
    s->alen += n;
    if (++s->n >= s->cap / 4 * 3 && grow(s) != 0) return -1;
    return 0;
}

/* Is the tagged key there?  Fills *where. */
static int has(cseen *s, char tag, size_t n, cseen_where *where)
{
    s->key[0] = tag;
    uint64_t h;
    slot *x = find(s, n, &h);
    if (!x->hash) return 0;
    where->line = x->line;
    where->label = x->label >= 0 ? s->labels[x->label] : NULL;
    return 1;
}

/* Three kinds of entry, told apart by the key's first byte:
 *   'A' key        any inspection with this key
 *   'N' key        one without an id
 *   'I' key id     one with this id
 * A new inspection with an id repeats one with the same id, or one
 * without an id; a new one without an id repeats any. */
int cseen_add(cseen *s, int64_t market, const char *date, const char *kind,
              const char *inspector, const char *ext_id, long line, const char *label,
              cseen_where *where)
{
    size_t dl = strlen(date), kl = strlen(kind), il = strlen(inspector);
    size_t xl = ext_id ? strlen(ext_id) : 0;
    if (dl > 32) dl = 32;
    if (kl > 32) kl = 32;
    size_t fixed = 1 + sizeof market + dl + 1 + kl + 1;
    if (il > 200) il = 200;
    if (xl > sizeof s->key - fixed - il - 1) xl = sizeof s->key - fixed - il - 1;
    char *k = s->key;
    size_t n = 1;
    memcpy(k + n, &market, sizeof market); n += sizeof market;
    memcpy(k + n, date, dl); n += dl;
    k[n++] = '\x1f';
    memcpy(k + n, kind, kl); n += kl;
    k[n++] = '\x1f';
    memcpy(k + n, inspector, il); n += il;
    size_t base = n;

    if (xl) {
        if (has(s, 'N', base, where)) return 1;
        k[n++] = '\x1f';
        memcpy(k + n, ext_id, xl); n += xl;
        if (has(s, 'I', n, where)) return 1;
    } else if (has(s, 'A', base, where)) {
        return 1;
    }
    int li = label_index(s, label);
    if (li == -2) return -1;
    if (xl) {
        k[0] = 'I';
        if (put(s, n, line, li) != 0) return -1;
    } else {
        k[0] = 'N';
        if (put(s, base, line, li) != 0) return -1;
    }
    k[0] = 'A';
    return put(s, base, line, li);
}
