/*
 * csv_markets.c — stations, generated codes, added and unknown markets of
 * one import (see csv_markets.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csv_markets.h"
#include "csv_import.h"
#include "csv_report.h"

#define SHOWN 10                /* markets named in a report line */

/* id 0: empty; unit, code, name: offsets in ar (0: "", not known);
 * spelled: the sheet's other spelling of its name was noticed */
typedef struct uslot { int64_t id; size_t unit, code, name; int spelled; } uslot;
typedef struct unk { size_t key, klen, label; long count, line; } unk;

struct cmk {
    char *ar;                   /* every string, NUL-terminated */
    size_t ar_len, ar_cap;
    uslot *u;                   /* market id -> station */
    size_t u_cap, u_n;
    unk *k;                     /* unknown markets in order of appearance */
    long nk, k_cap, k_insp;
    long *kslot;                /* open addressing: index into k + 1 */
    size_t kslot_cap;
    size_t *added;              /* labels of the added markets */
    size_t *added_code;         /* and their codes */
    long nadded, added_cap;
    int next;                   /* next code number to try */
    int oom;                    /* an allocation failed (cmk_failed) */
};

/* Grow *p to n elements of size sz; 0, or -1 with m->oom set. */
static int grow(cmk *m, void *p, size_t n, size_t sz)
{
    void *q = realloc(*(void **)p, n * sz);
    if (!q) { m->oom = 1; return -1; }
    *(void **)p = q;
    return 0;
}

/* Offset 0 is "" (cmk_open): what a failed put returns, so that readers
 * stay safe until the import sees cmk_failed. */
static size_t put(cmk *m, const char *s, size_t n)
{
    if (m->ar_len + n + 1 > m->ar_cap) {
        size_t nc = (m->ar_len + n + 1) * 2 + 1024;
        if (grow(m, &m->ar, nc, 1) != 0) return 0;
        m->ar_cap = nc;
    }
    size_t off = m->ar_len;
    memcpy(m->ar + off, s, n);
    m->ar[off + n] = 0;
    m->ar_len += n + 1;
    return off;
}

cmk *cmk_open(void)
{
    cmk *m = calloc(1, sizeof *m);
    if (!m || !(m->ar = malloc(1024))) { free(m); return NULL; }
    m->ar[0] = 0;
    m->ar_len = 1;
    m->ar_cap = 1024;
    m->next = 1;
    return m;
}

int cmk_failed(const cmk *m) { return m->oom; }

void cmk_close(cmk **mp)
{
    cmk *m = *mp;
    if (!m) return;
    free(m->ar); free(m->u); free(m->k); free(m->kslot); free(m->added); free(m->added_code);
    free(m);
    *mp = NULL;
}

/* ------------------------------------------------------------ stations */

static size_t id_hash(int64_t id) { return (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ULL >> 17); }

static uslot *u_slot(cmk *m, int64_t id)
{
    if ((m->u_n + 1) * 2 > m->u_cap) {
        size_t nc = m->u_cap ? m->u_cap * 2 : 256;
        uslot *nv = calloc(nc, sizeof *nv);
        if (!nv) { m->oom = 1; return NULL; }
        for (size_t i = 0; i < m->u_cap; i++) {
            if (!m->u[i].id) continue;
            size_t j = id_hash(m->u[i].id) & (nc - 1);
            while (nv[j].id) j = (j + 1) & (nc - 1);
            nv[j] = m->u[i];
        }
        free(m->u);
        m->u = nv;
        m->u_cap = nc;
    }
    size_t j = id_hash(id) & (m->u_cap - 1);
    while (m->u[j].id && m->u[j].id != id) j = (j + 1) & (m->u_cap - 1);
    return &m->u[j];
}

void cmk_set_unit(cmk *m, int64_t id, const char *unit, size_t n)
{
    uslot *s = u_slot(m, id);
    if (!s) return;
    if (!s->id) m->u_n++;
    s->id = id;
    s->unit = put(m, unit ? unit : "", unit ? n : 0);
}

void cmk_set_names(cmk *m, int64_t id, const char *code, const char *name)
{
    uslot *s = u_slot(m, id);
    if (!s) return;
    if (!s->id) m->u_n++;
    s->id = id;
    s->code = put(m, code ? code : "", code ? strlen(code) : 0);
    s->name = put(m, name ? name : "", name ? strlen(name) : 0);
}

static const uslot *u_find(const cmk *m, int64_t id)
{
    if (!m->u_cap) return NULL;
    size_t j = id_hash(id) & (m->u_cap - 1);
    while (m->u[j].id) {
        if (m->u[j].id == id) return &m->u[j];
        j = (j + 1) & (m->u_cap - 1);
    }
    return NULL;
}

int cmk_names(const cmk *m, int64_t id, const char **code, const char **name)
{
    const uslot *s = u_find(m, id);
    if (!s || !s->name) return 0;
    *code = m->ar + s->code;
    *name = m->ar + s->name;
    return 1;
}

int cmk_first_spelling(cmk *m, int64_t id)
{
    uslot *s = (uslot *)u_find(m, id);
    if (!s || s->spelled) return 0;
    s->spelled = 1;
    return 1;
}

const char *cmk_unit(const cmk *m, int64_t id)
{
    const uslot *s = u_find(m, id);
    return s && s->unit ? m->ar + s->unit : s ? "" : NULL;
}

typedef struct usink { cwsh_sink k; cmk *m; } usink;

static void us_columns(cwsh_sink *k, int n, const char *const *names) { (void)k; (void)n; (void)names; }
static void us_end(cwsh_sink *k) { (void)k; }
static int us_row(cwsh_sink *k, int n, const cwsh_value *v)
{
    usink *u = (usink *)k;
    if (n != 4 || v[0].type != CWSH_INT) return 0;
    cmk_set_unit(u->m, v[0].i, v[1].type == CWSH_TEXT ? v[1].s : "", v[1].type == CWSH_TEXT ? v[1].n : 0);
    cmk_set_names(u->m, v[0].i, v[2].type == CWSH_TEXT ? v[2].s : "", v[3].type == CWSH_TEXT ? v[3].s : "");
    return 0;
}

int cmk_load_register(cmk *m, cwsh_store *st, char **err)
{
    if (!st->exec) return 0;
    usink u = { { us_columns, us_row, us_end }, m };
    char *e = NULL;
    if (st->exec(st->self, "SELECT m.id, coalesce(u.name, ''), m.code, m.name FROM market m "
                           "LEFT JOIN unit u ON u.id = m.unit_id", &u.k, &e) != 0) {
        *err = crep_msgf("cannot read the market register: %s", e ? e : "?");
        free(e);
        return -1;
    }
    return 0;
}

/* --------------------------------------------------------------- codes */

int cmk_next_code(cmk *m, cstore *cs, char *out, size_t outsz)
{
    for (;; m->next++) {
        snprintf(out, outsz, "M%04d", m->next);
        char *e = NULL;
        int64_t id = cstore_market(cs, out, NULL, NULL, 0, &e);
        free(e);
        if (cstore_failed(cs)) return -1;
        if (!id) { m->next++; return 0; }
    }
}

/* --------------------------------------------------------------- added */

void cmk_added(cmk *m, const char *code, const char *name, const char *unit)
{
    if (m->nadded == m->added_cap) {
        long nc = m->added_cap ? m->added_cap * 2 : 16;
        if (grow(m, &m->added, (size_t)nc, sizeof *m->added) != 0
            || grow(m, &m->added_code, (size_t)nc, sizeof *m->added_code) != 0)
            return;
        m->added_cap = nc;
    }
    m->added_code[m->nadded] = put(m, code, strlen(code));
    char tmp[600];
    int n = snprintf(tmp, sizeof tmp, unit && *unit ? "%s %s (%s)" : "%s %s", code, name ? name : "",
                     unit ? unit : "");
    m->added[m->nadded++] = put(m, tmp, n < 0 ? 0 : (size_t)n >= sizeof tmp ? sizeof tmp - 1 : (size_t)n);
}

long cmk_nadded(const cmk *m) { return m->nadded; }

int cmk_keep_added(cmk *m, int (*mine)(void *arg, const char *code), void *arg)
{
    long kept = 0;
    for (long i = 0; i < m->nadded; i++) {
        int r = mine(arg, m->ar + m->added_code[i]);
        if (r < 0) return -1;
        if (!r) continue;
        m->added[kept] = m->added[i];
        m->added_code[kept++] = m->added_code[i];
    }
    m->nadded = kept;
    return 0;
}

/* "A, B, C and N more" of `n` labels (offsets) into buf. */
static void list(const cmk *m, char *buf, size_t size, long n, size_t (*label)(const cmk *, long))
{
    size_t o = 0;
    buf[0] = 0;
    for (long i = 0; i < n && i < SHOWN && o < size; i++) {
        int w = snprintf(buf + o, size - o, "%s%s", i ? ", " : "", m->ar + label(m, i));
        if (w < 0) break;
        o += (size_t)w;
    }
    if (n > SHOWN && o < size) {
        char c[32];
        cimp_thousands(c, sizeof c, n - SHOWN);
        snprintf(buf + o, size - o, " and %s more", c);
    }
}

static size_t added_label(const cmk *m, long i) { return m->added[i]; }
static size_t unknown_label(const cmk *m, long i) { return m->k[i].label; }

char *cmk_added_report(const cmk *m)
{
    if (!m->nadded) return NULL;
    char l[2200], c[32];
    list(m, l, sizeof l, m->nadded, added_label);
    cimp_thousands(c, sizeof c, m->nadded);
    return crep_msgf("added %s market%s to the register: %s", c, m->nadded == 1 ? "" : "s", l);
}

/* ------------------------------------------------------------- unknown */

static size_t str_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return (size_t)(h ^ (h >> 29));
}

static long *k_slot(cmk *m, const char *key, size_t kn)
{
    if ((size_t)(m->nk + 1) * 2 > m->kslot_cap) {
        size_t nc = m->kslot_cap ? m->kslot_cap * 2 : 64;
        long *nv = calloc(nc, sizeof *nv);
        if (!nv) { m->oom = 1; return NULL; }
        for (long i = 0; i < m->nk; i++) {
            size_t j = str_hash(m->ar + m->k[i].key, m->k[i].klen) & (nc - 1);
            while (nv[j]) j = (j + 1) & (nc - 1);
            nv[j] = i + 1;
        }
        free(m->kslot);
        m->kslot = nv;
        m->kslot_cap = nc;
    }
    size_t j = str_hash(key, kn) & (m->kslot_cap - 1);
    while (m->kslot[j]) {
        const unk *u = &m->k[m->kslot[j] - 1];
        if (u->klen == kn && memcmp(m->ar + u->key, key, kn) == 0) break;
        j = (j + 1) & (m->kslot_cap - 1);
    }
    return &m->kslot[j];
}

void cmk_unknown(cmk *m, const char *code, const char *name, long line)
{
    char key[600];
    int kn = snprintf(key, sizeof key, "%s\x1f%s", code ? code : "", name ? name : "");
    if (kn < 0) return;
    if ((size_t)kn >= sizeof key) kn = (int)sizeof key - 1;
    m->k_insp++;
    long *s = k_slot(m, key, (size_t)kn);
    if (!s) return;
    if (*s) { m->k[*s - 1].count++; return; }
    if (m->nk == m->k_cap) {
        long nc = m->k_cap ? m->k_cap * 2 : 16;
        if (grow(m, &m->k, (size_t)nc, sizeof *m->k) != 0) return;
        m->k_cap = nc;
    }
    char label[700];
    int ln;
    if (code && *code && name && *name) ln = snprintf(label, sizeof label, "%s %s (line %ld)", code, name, line);
    else ln = snprintf(label, sizeof label, "%s (line %ld)", code && *code ? code : name ? name : "", line);
    if (ln < 0) ln = 0;
    if ((size_t)ln >= sizeof label) ln = (int)sizeof label - 1;
    unk u = { 0, (size_t)kn, 0, 1, line };
    u.key = put(m, key, (size_t)kn);
    u.label = put(m, label, (size_t)ln);
    m->k[m->nk] = u;
    *s = ++m->nk;
}

long cmk_unknown_inspections(const cmk *m) { return m->k_insp; }

char *cmk_unknown_report(const cmk *m, int add_markets)
{
    if (!m->nk) return NULL;
    char l[2000], a[32], b[32];
    list(m, l, sizeof l, m->nk, unknown_label);
    cimp_thousands(a, sizeof a, m->k_insp);
    cimp_thousands(b, sizeof b, m->nk);
    char hint[120] = "";
    if (!add_markets)
        snprintf(hint, sizeof hint, "; register %s (markets import FILE, markets add) or import with "
                 "--add-markets", m->nk == 1 ? "it" : "them");
    return crep_msgf("%s inspection%s name%s %s unknown market%s: %s%s", a, m->k_insp == 1 ? "" : "s",
                     m->k_insp == 1 ? "s" : "", b, m->nk == 1 ? "" : "s", l, hint);
}
