/*
 * csv_seen.c — the set of inspection keys (see csv_seen.h).
 *
 * Memory is what bounds this set: it holds every inspection of the
 * database and of the file, so it keeps hashes, not keys — one 16-byte
 * slot an inspection: the 64-bit key, a 32-bit hash of the sheet's id and
 * where the inspection came from.  Two different inspections share the key
 * hash with a probability near 2^-64 per pair: for ten province-years (a
 * million inspections) about 3e-8 that one false duplicate is ever
 * reported.  The id hash only tells apart inspections whose keys are
 * equal (a rare pair: same market, day, kind and inspector), 2^-32 each.
 *
 * The slots are split over PARTS open-addressing tables picked by the top
 * bits of the key, each growing on its own: a growth copies one part, not
 * the whole set, so the peak is the set's size plus 1/PARTS of it instead
 * of three times the table being outgrown; parts fill to 7/8 (linear
 * probing, one lookup per inspection, not per row).  18 to 37 bytes an
 * inspection: 220,222 inspections (10,000 markets x 52 weeks) in 4.2 MB,
 * where one table of 24-byte slots peaked at 19 MB while it grew.  The
 * slots of one key (inspections with other ids) follow each other in the
 * probe sequence of their part.
 */
#include <stdlib.h>
#include <string.h>
#include "csv_seen.h"

typedef struct slot {
    uint64_t key;               /* hash of market, date, kind, inspector; 0: empty */
    uint32_t id;                /* hash of the sheet's id, 0 when it has none */
    uint32_t where;             /* FROM_DB | label + 1 (0: none), or the line in this file */
} slot;

#define FROM_DB 0x80000000u
#define PART_BITS 8
#define PARTS (1 << PART_BITS)

typedef struct part {
    slot *v;
    uint32_t cap, n;            /* cap a power of two (or 0), n < cap * 7 / 8 */
} part;

struct cseen {
    part p[PARTS];
    char **labels;
    int nlabels, labels_cap;
};

cseen *cseen_open(void)
{
    return calloc(1, sizeof(cseen));
}

void cseen_close(cseen **sp)
{
    cseen *s = *sp;
    if (!s) return;
    for (int i = 0; i < s->nlabels; i++) free(s->labels[i]);
    free(s->labels);
    for (int i = 0; i < PARTS; i++) free(s->p[i].v);
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

/* Slots within a part come from the key's low bits; the part from its
 * top bits, which the low bits do not repeat. */
static int grow(part *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : 64;
    if (cap < t->cap) return -1;
    slot *v = calloc(cap, sizeof *v);
    if (!v) return -1;
    for (uint32_t i = 0; i < t->cap; i++) {
        if (!t->v[i].key) continue;
        uint32_t j = (uint32_t)t->v[i].key & (cap - 1);
        while (v[j].key) j = (j + 1) & (cap - 1);
        v[j] = t->v[i];
    }
    free(t->v);
    t->v = v;
    t->cap = cap;
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
    uint32_t id = 0;
    if (ext_id && *ext_id) {
        uint64_t x = mix(fnv(0x84222325cbf29ce4ULL, ext_id, strlen(ext_id)));
        id = (uint32_t)(x >> 32) ? (uint32_t)(x >> 32) : 1;
    }

    part *t = &s->p[key >> (64 - PART_BITS)];
    if (!t->cap && grow(t) != 0) return -1;
    uint32_t j = (uint32_t)key & (t->cap - 1);
    for (; t->v[j].key; j = (j + 1) & (t->cap - 1)) {
        const slot *x = &t->v[j];
        if (x->key != key || (id && x->id && x->id != id)) continue;
        if (x->where & FROM_DB) {
            uint32_t li = x->where & ~FROM_DB;
            where->line = 0;
            where->label = li ? s->labels[li - 1] : NULL;
        } else {
            where->line = x->where;
            where->label = NULL;
        }
        return 1;
    }
    uint32_t w;
    if (line > 0) w = line >= (long)FROM_DB ? FROM_DB - 1 : (uint32_t)line;
    else {
        int li = label_index(s, label);
        if (li == -2) return -1;
        w = FROM_DB | (uint32_t)(li + 1);
    }
    t->v[j] = (slot){ key, id, w };
    if (++t->n >= t->cap / 8 * 7 && grow(t) != 0) return -1;
    return 0;
}
