/*
 * csv_store.c — direct or threaded access to the store's loader for the
 * import (see csv_store.h).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv_pipe.h"
#include "csv_store.h"

struct mslot { size_t key, klen; int64_t id; };

struct cstore {
    cwsh_store *st;
    cwsh_loader *ld;
    cpipe *pipe;                /* threaded, while cstore_run runs */
    int threaded;
    atomic_int failed;
    char *fail;                 /* the store's message (written by the store's thread) */
    int64_t reply_id;           /* answer to the last market request */
    char *reply_err;
    struct mslot *mc;           /* market cache, parser side */
    size_t mc_cap, mc_n;
    char *mk;
    size_t mk_len, mk_cap;
};

/* Records in a pipe batch: type and size first, fixed parts, then the
 * strings; string fields are offsets from the record's start (0: NULL). */
enum { REC_INSP = 1, REC_MARKET = 2 };

typedef struct rec_insp {
    uint32_t type, size, nres, ext, date, kind, insp, note, deadline, pad;
    int64_t market_id;
} rec_insp;

typedef struct rec_res {
    uint32_t code, note;
    int32_t result, pad;
    double ded, count;
} rec_res;

typedef struct rec_market {
    uint32_t type, size, code, name, unit, add;
} rec_market;

cstore *cstore_open(cwsh_store *st, cwsh_loader *ld, int threaded)
{
    cstore *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->st = st;
    s->ld = ld;
    s->threaded = threaded;
    return s;
}

void cstore_close(cstore **sp)
{
    cstore *s = *sp;
    if (!s) return;
    free(s->fail);
    free(s->reply_err);
    free(s->mc);
    free(s->mk);
    free(s);
    *sp = NULL;
}

static void fail(cstore *s, char *err)
{
    if (!s->fail) s->fail = err ? err : strdup("the store failed");
    else free(err);
    atomic_store(&s->failed, 1);
}

int cstore_failed(cstore *s) { return atomic_load(&s->failed); }

char *cstore_failure(cstore *s)
{
    char *f = s->fail;
    s->fail = NULL;
    return f;
}

/* ------------------------------------------------------------ direct */

static int direct_inspection(cstore *s, const cwsh_inspection *in, const cwsh_result *r, int n)
{
    char *err = NULL;
    if (s->st->inspection(s->ld, in, &err) != 0) { fail(s, err); return -1; }
    for (int i = 0; i < n; i++)
        if (s->st->result(s->ld, &r[i], &err) != 0) { fail(s, err); return -1; }
    return 0;
}

/* A code decides alone: names repeat across markets (two 城北市场 in two
 * districts), so falling back to the name could pick the wrong one. */
static int64_t direct_market(cstore *s, const char *c, const char *nm, const char *u,
                             int add, char **err)
{
    int64_t id = s->st->market_find(s->ld, c, c ? NULL : nm);
    if (!id && add) id = s->st->market_add(s->ld, c, nm, u, err);
    return id;
}

/* ---------------------------------------------------------- threaded */

static size_t slen(const char *x) { return x ? strlen(x) + 1 : 0; }

static uint32_t put_str(unsigned char *rec, size_t *at, const char *x)
{
    if (!x) return 0;
    size_t n = strlen(x) + 1;
    memcpy(rec + *at, x, n);
    uint32_t off = (uint32_t)*at;
    *at += n;
    return off;
}

static const char *get_str(const unsigned char *rec, uint32_t off)
{
    return off ? (const char *)rec + off : NULL;
}

static void send_inspection(cstore *s, const cwsh_inspection *in, const cwsh_result *r, int n)
{
    size_t size = sizeof(rec_insp) + (size_t)n * sizeof(rec_res) + slen(in->ext_id)
                + slen(in->date) + slen(in->kind) + slen(in->inspector) + slen(in->note)
                + slen(in->deadline);
    for (int i = 0; i < n; i++) size += slen(r[i].item_code) + slen(r[i].note);
    size = (size + 7) & ~(size_t)7;
    unsigned char *rec = cpipe_reserve(s->pipe, size);
    rec_insp h = { REC_INSP, (uint32_t)size, (uint32_t)n, 0, 0, 0, 0, 0, 0, 0, in->market_id };
    size_t at = sizeof h + (size_t)n * sizeof(rec_res);
    h.ext = put_str(rec, &at, in->ext_id);
    h.date = put_str(rec, &at, in->date);
    h.kind = put_str(rec, &at, in->kind);
    h.insp = put_str(rec, &at, in->inspector);
    h.note = put_str(rec, &at, in->note);
    h.deadline = put_str(rec, &at, in->deadline);
    memcpy(rec, &h, sizeof h);
    for (int i = 0; i < n; i++) {
        rec_res x = { 0, 0, r[i].result, 0, r[i].deduction, r[i].count };
        x.code = put_str(rec, &at, r[i].item_code);
        x.note = put_str(rec, &at, r[i].note);
        memcpy(rec + sizeof h + (size_t)i * sizeof x, &x, sizeof x);
    }
}

static int64_t ask_market(cstore *s, const char *c, const char *nm, const char *u, int add, char **err)
{
    size_t size = (sizeof(rec_market) + slen(c) + slen(nm) + slen(u) + 7) & ~(size_t)7;
    unsigned char *rec = cpipe_reserve(s->pipe, size);
    rec_market m = { REC_MARKET, (uint32_t)size, 0, 0, 0, (uint32_t)add };
    size_t at = sizeof m;
    m.code = put_str(rec, &at, c);
    m.name = put_str(rec, &at, nm);
    m.unit = put_str(rec, &at, u);
    memcpy(rec, &m, sizeof m);
    cpipe_sync(s->pipe);                /* the answer is there once all is done */
    *err = s->reply_err;
    s->reply_err = NULL;
    return s->reply_id;
}

/* Store's thread: the records of one batch, in order. */
static void run_batch(cstore *s, const unsigned char *d, size_t n)
{
    for (size_t off = 0; off < n;) {
        const unsigned char *rec = d + off;
        uint32_t type, size;
        memcpy(&type, rec, 4);
        memcpy(&size, rec + 4, 4);
        off += size;
        if (type == REC_MARKET) {
            rec_market m;
            memcpy(&m, rec, sizeof m);
            s->reply_id = 0;
            s->reply_err = NULL;
            if (!cstore_failed(s))
                s->reply_id = direct_market(s, get_str(rec, m.code), get_str(rec, m.name),
                                            get_str(rec, m.unit), (int)m.add, &s->reply_err);
            continue;
        }
        if (cstore_failed(s)) continue;
        rec_insp h;
        memcpy(&h, rec, sizeof h);
        cwsh_inspection in = { get_str(rec, h.ext), get_str(rec, h.date), h.market_id,
                               get_str(rec, h.kind), get_str(rec, h.insp), get_str(rec, h.note),
                               get_str(rec, h.deadline) };
        char *err = NULL;
        if (s->st->inspection(s->ld, &in, &err) != 0) { fail(s, err); continue; }
        for (uint32_t i = 0; i < h.nres; i++) {
            rec_res x;
            memcpy(&x, rec + sizeof h + i * sizeof x, sizeof x);
            cwsh_result y = { get_str(rec, x.code), x.result, x.ded, x.count, get_str(rec, x.note) };
            if (s->st->result(s->ld, &y, &err) != 0) { fail(s, err); break; }
        }
    }
}

typedef struct job { cstore *s; void (*parse)(void *); void *arg; } job;

static void *parse_thread(void *p)
{
    job *j = p;
    j->parse(j->arg);
    cpipe_end(j->s->pipe);
    return NULL;
}

void cstore_run(cstore *s, void (*parse)(void *), void *arg)
{
    pthread_t t;
    job j = { s, parse, arg };
    if (s->threaded) {
        s->pipe = cpipe_open(256 * 1024, 4);
        if (pthread_create(&t, NULL, parse_thread, &j) != 0) cpipe_close(&s->pipe);
    }
    if (!s->pipe) {                     /* direct, or no thread to be had */
        parse(arg);
        return;
    }
    const unsigned char *d;
    size_t n;
    while (cpipe_next(s->pipe, &d, &n)) {
        run_batch(s, d, n);
        cpipe_done(s->pipe);
    }
    pthread_join(t, NULL);
    cpipe_close(&s->pipe);
}

/* ------------------------------------------------------- parser side */

int cstore_inspection(cstore *s, const cwsh_inspection *in, const cwsh_result *r, int n)
{
    if (cstore_failed(s)) return -1;
    if (!s->pipe) return direct_inspection(s, in, r, n);
    send_inspection(s, in, r, n);
    return 0;
}

static unsigned mc_hash(const char *k, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 16777619u;
    return h;
}

/* Slot of key in the market cache (id 0 when absent).  The cache only
 * saves asking the store: when it cannot grow it stays as it is (still
 * with free slots), and with no table at all it is NULL. */
static struct mslot *mc_slot(cstore *s, const char *k, size_t kn)
{
    if (s->mc_n * 2 >= s->mc_cap) {
        size_t nc = s->mc_cap ? 2 * s->mc_cap : 256;
        struct mslot *nv = calloc(nc, sizeof *nv);
        if (!nv) {
            if (!s->mc_cap || s->mc_n + 1 >= s->mc_cap) return NULL;
            goto find;
        }
        for (size_t i = 0; i < s->mc_cap; i++) {
            if (!s->mc[i].id) continue;
            size_t j = mc_hash(s->mk + s->mc[i].key, s->mc[i].klen) & (nc - 1);
            while (nv[j].id) j = (j + 1) & (nc - 1);
            nv[j] = s->mc[i];
        }
        free(s->mc);
        s->mc = nv;
        s->mc_cap = nc;
    }
find:;
    size_t j = mc_hash(k, kn) & (s->mc_cap - 1);
    while (s->mc[j].id && !(s->mc[j].klen == kn && memcmp(s->mk + s->mc[j].key, k, kn) == 0))
        j = (j + 1) & (s->mc_cap - 1);
    return &s->mc[j];
}

int64_t cstore_market(cstore *s, const char *code, const char *name, const char *unit,
                      int add, char **err)
{
    /* the key: the code, or the name marked as such when there is none */
    char key[300];
    size_t kn = (size_t)snprintf(key, sizeof key, "%s%s", code ? "" : "\x1f", code ? code : name ? name : "");
    if (kn >= sizeof key) kn = sizeof key - 1;
    struct mslot *sl = mc_slot(s, key, kn);
    if (sl && sl->id) return sl->id;
    if (cstore_failed(s)) return 0;
    int64_t id = s->pipe ? ask_market(s, code, name, unit, add, err)
                         : direct_market(s, code, name, unit, add, err);
    if (id && sl) {
        if (s->mk_len + kn > s->mk_cap) {
            size_t nc = (s->mk_len + kn) * 2 + 1024;
            char *mk = realloc(s->mk, nc);
            if (!mk) return id;             /* not cached: asked again next time */
            s->mk = mk;
            s->mk_cap = nc;
        }
        memcpy(s->mk + s->mk_len, key, kn);
        *sl = (struct mslot){ s->mk_len, kn, id };
        s->mk_len += kn;
        s->mc_n++;
    }
    return id;
}
