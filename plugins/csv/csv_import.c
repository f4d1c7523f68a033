/*
 * csv_import.c — the inspection import pipeline (see csv_import.h).
 *
 * Long layout: rows of one inspection are consecutive (same inspection_id,
 * or same date/market/kind/inspector when there is no id column).  They
 * are held until the inspection ends, then handed to the loader together,
 * so a bad row rejects its whole inspection: nothing is imported half, and
 * a fixed rejects file re-imports complete inspections.  Wide layout: one
 * row is one inspection.
 *
 * The per-row path allocates nothing once buffers have grown: fields come
 * from the reader's reused buffers, conversions write into fixed arrays,
 * the inspection's rows go into an arena reset per inspection.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lauxlib.h>
#include "csv_check.h"
#include "csv_conv.h"
#include "csv_hash.h"
#include "csv_import.h"
#include "csv_map.h"
#include "csv_markets.h"
#include "csv_report.h"
#include "csv_seen.h"
#include "csv_store.h"
#include "csv_wide.h"

typedef struct pres {           /* one item result waiting for its inspection */
    int item, result;
    double ded, count;
    size_t note;                /* arena offset, or (size_t)-1 */
} pres;

typedef struct prow {           /* one raw row waiting for its inspection */
    size_t off, len;
    long line;
} prow;

typedef struct cell { const char *s; size_t n; } cell;

/* The mapped fields of the current row, trimmed, computed once per row. */
static void load_cells(cell *rc, const cmap *m, const size_t *deflen, const csvr_record *rec)
{
    for (int f = 0; f < MF_N; f++) {
        cell c = { "", 0 };
        int col = m->col[f];
        if (col >= 0) { c.s = rec->f[col]; c.n = rec->len[col]; }
        else if (m->def[f]) { c.s = m->def[f]; c.n = deflen[f]; }
        conv_trim(&c.s, &c.n);
        rc[f] = c;
    }
}

#define MAX_NAME 256            /* a market name's bytes + 1 (the register's keys) */

typedef struct imp {
    cwsh_host *h;
    lua_State *L;
    cwsh_store *st;
    cwsh_loader *ld;
    const cimp_opts *o;
    csvr *r;
    cmap m;
    ccheck ck;
    cvoc voc;                   /* the vocabulary's words and date forms */
    crep rep;
    char *fatal;                /* stops the import; rolled back */
    char *own_err;              /* the store's message from market_added */
    /* the open inspection */
    int open, bad, store_off;
    long first_line, bad_line;
    size_t key, key_len;        /* arena: the inspection's key */
    size_t first[MF_N], first_len[MF_N];   /* arena: first row's raw text */
    int head_bad;               /* the first row's inspection fields are bad */
    unsigned head_badf;         /* which of head_fields (bit k) are: the later
                                 * rows are compared on the others */
    char head_why[480];         /* the first of their problems (for the other rows' reason) */
    char date[11];
    const char *kind;
    int64_t market_id;
    size_t ext_id, inspector, note, deadline;     /* arena offsets or (size_t)-1 */
    char *ar;
    size_t ar_len, ar_cap;
    pres *res;
    int nres, res_cap;
    prow *rows;
    int nrows, rows_cap;
    unsigned *seen_gen;         /* per checklist item: inspection generation */
    long *seen_line;
    unsigned gen;
    cstore *cs;                 /* the loader, directly or across threads */
    cseen *seen;                /* inspections in the database and so far in the file */
    cmk *mk;                    /* stations, added and unknown markets */
    int unknown_row;            /* this row names an unknown market */
    long unknown_rows;          /* rows rejected for that alone */
    cwsh_result *rr;            /* flush()'s results, reused */
    int rr_cap;
    int ncol;
    int named;                  /* columns up to the last with a header: a row
                                 * may end there (Excel drops trailing ",,") */
    long long size;
    /* Lua converter results, one buffer per field */
    char *lbuf[MF_N];
    size_t lcap[MF_N];
    cell rc[MF_N];              /* this row's fields (load_cells) */
    size_t deflen[MF_N];
    size_t *sumlen;             /* lengths of the summary markers */
    uint64_t sumlens;           /* bit n set: some marker is n bytes long */
    /* counts */
    int live;                   /* not freed yet (imp_free runs once) */
    int have_rep;               /* rep is open */
    long n_insp, n_res, rows_ok, bad_rows, summary_rows;
} imp;

#define NONE ((size_t)-1)

void cimp_thousands(char *buf, size_t size, long long v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", v < 0 ? -v : v);
    size_t o = 0;
    if (v < 0 && o + 1 < size) buf[o++] = '-';
    for (int i = 0; i < n && o + 1 < size; i++) {
        if (i && (n - i) % 3 == 0 && o + 1 < size) buf[o++] = ',';
        buf[o++] = tmp[i];
    }
    buf[o] = 0;
}

/* ------------------------------------------------------------ arena */

static void set_fatal(imp *I, char *msg);

/* The inspection's strings, by offset.  Offset 0 is always "" (begin
 * reserves it, import allocates the first block before any row): when
 * the arena cannot grow, the import stops with "out of memory" and the
 * string put is "", so the row in hand finishes safely. */
static size_t ar_put(imp *I, const char *s, size_t n)
{
    if (I->ar_len + n + 1 > I->ar_cap) {
        size_t nc = I->ar_cap ? I->ar_cap : 16384;
        while (nc < I->ar_len + n + 1) nc *= 2;
        char *a = realloc(I->ar, nc);
        if (!a) {
            set_fatal(I, crep_msgf("%s: out of memory; nothing imported", I->o->file));
            return 0;
        }
        I->ar = a;
        I->ar_cap = nc;
    }
    size_t off = I->ar_len;
    if (n) memcpy(I->ar + off, s, n);
    I->ar[off + n] = 0;
    I->ar_len += n + 1;
    return off;
}

static const char *ar_str(const imp *I, size_t off) { return off == NONE ? NULL : I->ar + off; }

/* ------------------------------------------------------------ cells */

static int colof(const imp *I, int f);

/* The text of field f in this row (trimmed), after the mapping's Lua
 * converter when it has one.  -1 when the converter failed (message in
 * why). */
static int field(imp *I, const csvr_record *rec, int f, cell *c, char *why, size_t wsz)
{
    *c = I->rc[f];
    if (I->m.lua_conv[f] == LUA_NOREF) return 0;
    lua_State *L = I->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, I->m.lua_conv[f]);
    lua_pushlstring(L, c->s, c->n);
    int stop;
    if (I->h->pcall(I->h, 1, 1, &stop) != LUA_OK) {
        const char *msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "?";
        if (stop)       /* a limit or Ctrl-C: every further row would fail alike */
            set_fatal(I, crep_msgf("%s:%ld:%d: the converter of %s was stopped: %s; nothing imported",
                                   I->o->file, rec->line, colof(I, f), cmap_field_names[f], msg));
        /* the caller reports why either way (a stop's fatal error wins) */
        snprintf(why, wsz, "converter of %s %s: %s", cmap_field_names[f], stop ? "was stopped" : "failed", msg);
        lua_pop(L, 1);
        return -1;
    }
    size_t n = 0;
    const char *s = lua_type(L, -1) == LUA_TNIL ? "" : lua_tolstring(L, -1, &n);
    if (!s) {
        snprintf(why, wsz, "converter of %s returned a %s, not a string", cmap_field_names[f],
                 luaL_typename(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    if (n + 1 > I->lcap[f]) {
        char *b = realloc(I->lbuf[f], n + 64);
        if (!b) {
            snprintf(why, wsz, "converter of %s: out of memory", cmap_field_names[f]);
            lua_pop(L, 1);
            return -1;
        }
        I->lbuf[f] = b;
        I->lcap[f] = n + 64;
    }
    memcpy(I->lbuf[f], s, n);
    I->lbuf[f][n] = 0;
    lua_pop(L, 1);
    c->s = I->lbuf[f];
    c->n = n;
    return 0;
}

static int colof(const imp *I, int f) { return I->m.col[f] >= 0 ? I->m.col[f] + 1 : 0; }

/* ------------------------------------------------------ inspections */

static void reject_row(imp *I, const char *raw, size_t n, const char *reason)
{
    crep_reject(&I->rep, raw, n, reason);
}

/* The open inspection got a bad row: its held rows go to the rejects file. */
static void inspection_bad(imp *I, long line)
{
    if (I->bad) return;
    I->bad = 1;
    I->bad_line = line;
    char why[400];
    for (int i = 0; i < I->nrows; i++) {
        snprintf(why, sizeof why, "inspection has a bad row at line %ld", line);
        reject_row(I, I->ar + I->rows[i].off, I->rows[i].len, why);
    }
    I->nrows = 0;
}

/* A bad row: report it, reject it (and its inspection). */
static void bad_row(imp *I, const csvr_record *rec, long line, int col, const char *reason)
{
    if (I->fatal) return;       /* stopped: the stop is the one message */
    I->bad_rows++;
    crep_error(&I->rep, line, col, reason);
    if (I->open) inspection_bad(I, rec->line);
    reject_row(I, rec->raw, rec->raw_len, reason);
}

/* A row's problems (crep_problem), all reported at once, and whether it
 * names an unknown market, which is reported once per market at the end
 * (cmk_unknown_report), not per row.  1 when the row is bad. */
static int row_bad(imp *I, const csvr_record *rec)
{
    if (I->fatal) {             /* stopped: the stop is the one message */
        I->rep.nprob = I->rep.more_probs = 0;
        I->unknown_row = 0;
        return 1;
    }
    if (!I->rep.nprob && !I->unknown_row) return 0;
    char reason[1600];
    if (I->rep.nprob) crep_problems_flush(&I->rep, rec->line, reason, sizeof reason);
    else snprintf(reason, sizeof reason, "market is not registered (see the end of the report)");
    if (I->unknown_row && !I->rep.nprob) I->unknown_rows++;
    I->unknown_row = 0;
    I->bad_rows++;
    if (I->open) inspection_bad(I, rec->line);
    reject_row(I, rec->raw, rec->raw_len, reason);
    return 1;
}

static void set_fatal(imp *I, char *msg)
{
    if (!I->fatal) I->fatal = msg;
    else free(msg);
}

/* Hand the open inspection to the loader (unless it is bad). */
static void flush(imp *I)
{
    if (!I->open) return;
    I->open = 0;
    if (I->bad) return;
    I->n_insp++;
    I->n_res += I->nres;
    I->rows_ok += I->nrows;
    /* atomic mode: once a row is bad nothing will be committed, so stop
     * writing (market_find/add still run so that errors stay precise) */
    if (I->rep.errors && !I->o->skip_bad) return;
    cwsh_inspection in = {
        ar_str(I, I->ext_id), I->date, I->market_id, I->kind,
        ar_str(I, I->inspector), ar_str(I, I->note), ar_str(I, I->deadline)
    };
    if (I->nres > I->rr_cap) {
        cwsh_result *rr = realloc(I->rr, (size_t)(I->nres + 64) * sizeof *rr);
        if (!rr) { set_fatal(I, crep_msgf("%s: out of memory; nothing imported", I->o->file)); return; }
        I->rr = rr;
        I->rr_cap = I->nres + 64;
    }
    for (int i = 0; i < I->nres; i++) {
        const pres *p = &I->res[i];
        I->rr[i] = (cwsh_result){ I->ck.items[p->item].code, p->result, p->ded, p->count,
                                  ar_str(I, p->note) };
    }
    cstore_inspection(I->cs, &in, I->rr, I->nres);      /* a failure stops rows() */
}

/* cmk_keep_added's question, to the store. */
static int own_market(void *arg, const char *code)
{
    imp *I = arg;
    return I->st->market_added(I->ld, code, &I->own_err);
}

/* Of the markets this import added, only those it put into the register
 * itself are reported: on a server another session may have added the
 * same new code first (the rows then go to that market).  0, or -1 with
 * *err; the load is then rolled back. */
static int own_markets(imp *I, char **err)
{
    if (!I->st->market_added || !cmk_nadded(I->mk)) return 0;
    if (cmk_keep_added(I->mk, own_market, I) == 0) return 0;
    *err = crep_msgf("%s; nothing imported", I->own_err ? I->own_err : "cannot add the sheet's markets");
    free(I->own_err);
    I->own_err = NULL;
    return -1;
}

/* Market id for the code/name in this row; 0 with why set when it
 * cannot be had, 0 with why empty when the market is unknown (recorded
 * for the report).  With --add-markets an unknown market is added, under
 * a generated code when the sheet gives none.  u: the row's unit. */
static int64_t market(imp *I, const csvr_record *rec, const cell *code, const cell *name,
                      const char *u, char *why, size_t wsz)
{
    (void)rec;
    /* the loader wants NUL-terminated strings: copy to the stack */
    char c[128], nm[MAX_NAME];
    snprintf(c, sizeof c, "%.*s", (int)code->n, code->s);
    snprintf(nm, sizeof nm, "%.*s", (int)name->n, name->s);
    char *err = NULL;
    int64_t id = cstore_market(I->cs, c[0] ? c : NULL, nm[0] ? nm : NULL, u[0] ? u : NULL, 0, &err);
    if (!id && !err && I->o->add_markets) {
        char gen[32];
        const char *use = c;
        if (!c[0] && nm[0]) {
            if (cmk_next_code(I->mk, I->cs, gen, sizeof gen) != 0) { snprintf(why, wsz, "the store failed"); return 0; }
            use = gen;
        }
        id = cstore_market(I->cs, use[0] ? use : NULL, nm[0] ? nm : NULL, u[0] ? u : NULL, 1, &err);
        if (id > 0) {
            cmk_added(I->mk, use, nm, u);
            cmk_set_unit(I->mk, id, u, strlen(u));
            cmk_set_names(I->mk, id, use, nm);
        }
    }
    if (!id && err) {
        /* Ctrl-C stopped the store's statement: the import stops, its
         * rows are not bad ("cannot add market ...: interrupted") */
        if (I->h->interrupted(I->h)) set_fatal(I, crep_msgf("import interrupted; nothing imported"));
        snprintf(why, wsz, "%s", I->fatal ? "" : err);
        free(err);
        return 0;
    }
    free(err);
    if (id < 0) {
        snprintf(why, wsz, "market name \"%s\" belongs to more than one market; "
                 "the sheet must give the code (市场编号)", nm);
        return 0;
    }
    if (!id) {
        cmk_unknown(I->mk, c, nm, rec->line);
        why[0] = 0;
        return 0;
    }
    return id;
}

/* A row that gives both a market's code and its name: the code decides,
 * and the name must not be another market's (a bad row naming both, as a
 * contradicting station is); a spelling the register does not know is
 * said once a market, with the way to record it. */
static void check_name(imp *I, const csvr_record *rec, const cell *code, const cell *name)
{
    const char *rcode, *rname;
    if (!cmk_names(I->mk, I->market_id, &rcode, &rname) || !*rname) return;
    if (strlen(rname) == name->n && memcmp(rname, name->s, name->n) == 0) return;
    char nm[MAX_NAME], *e = NULL;
    snprintf(nm, sizeof nm, "%.*s", (int)name->n, name->s);
    int64_t other = cstore_market(I->cs, NULL, nm, NULL, 0, &e);
    free(e);
    if (other == I->market_id || other < 0) return;     /* an alias of it, or a name several share */
    const char *ocode, *oname;
    if (other > 0 && cmk_names(I->mk, other, &ocode, &oname))
        crep_problem(&I->rep, colof(I, MF_MNAME), "market name \"%s\" contradicts the register: %.*s is %s, "
                     "and %s is %s", nm, (int)code->n, code->s, rname, nm, ocode);
    else if (!other && cmk_first_spelling(I->mk, I->market_id))
        I->h->noticef(I->h, "%s:%ld: market %.*s is %s in the register; the sheet names it %s (taken by its code; "
                      "`markets alias %.*s %s` records that spelling)", I->o->file, rec->line, (int)code->n,
                      code->s, rname, nm, (int)code->n, code->s, nm);
}

/* Raw (trimmed, unconverted) text of field f. */
static cell raw_cell(const imp *I, const csvr_record *rec, int f)
{
    (void)rec;
    return I->rc[f];
}

/* Fields every row of one inspection must agree on. */
static const int head_fields[4] = { MF_DATE, MF_MCODE, MF_MNAME, MF_KIND };

/* Whether the inspection just opened was imported before or read
 * earlier in this file (why says where); `mk` is the market as the
 * sheet names it. */
static int already_seen(imp *I, const csvr_record *rec, const cell *mk, char *why, size_t wsz)
{
    if (!I->seen) return 0;
    const char *who = I->inspector == NONE ? "" : ar_str(I, I->inspector);
    cseen_where w;
    int d = cseen_add(I->seen, I->market_id, I->date, I->kind, who, ar_str(I, I->ext_id), rec->line,
                      NULL, &w);
    if (d < 0) { set_fatal(I, crep_msgf("out of memory")); return 0; }
    if (d == 0) return 0;
    int n = snprintf(why, wsz, "inspection of %.*s on %s (%s%s%s) ", (int)mk->n, mk->s, I->date,
                     I->kind, *who ? ", " : "", who);
    if (n < 0 || (size_t)n >= wsz) return 1;
    if (w.line > 0 && !I->m.wide)
        snprintf(why + n, wsz - (size_t)n, "already began at line %ld: keep an inspection's rows "
                 "together, and each inspection once", w.line);
    else if (w.line > 0)
        snprintf(why + n, wsz - (size_t)n, "is already at line %ld", w.line);
    else {
        /* the earlier import of this very file (a sheet corrected since):
         * --replace is the way, unless it is on already */
        char of[512];
        snprintf(of, sizeof of, "(%s, ", I->o->file);
        int same = !I->o->replace && strstr(w.label, of) != NULL;
        snprintf(why + n, wsz - (size_t)n, "is already in the database: %s%s", w.label,
                 same ? "; --replace swaps that import for this file" : "");
    }
    return 1;
}

/* Open a new inspection for this row and check its inspection-level
 * fields.  -1 when they are bad: every problem is recorded
 * (crep_problem), to be reported with the rest of the row's. */
static int begin(imp *I, const csvr_record *rec, const char *key, size_t keylen)
{
    flush(I);
    I->open = 1;
    I->bad = 0;
    I->ar[0] = 0;
    I->ar_len = 1;                  /* offset 0: "" (see ar_put) */
    I->nres = I->nrows = 0;
    I->gen++;
    I->first_line = rec->line;
    I->key = ar_put(I, key, keylen);
    I->key_len = keylen;
    I->head_bad = 0;
    I->head_badf = 0;
    for (int k = 0; k < 4; k++) {
        cell c0 = raw_cell(I, rec, head_fields[k]);
        I->first[head_fields[k]] = ar_put(I, c0.s, c0.n);
        I->first_len[head_fields[k]] = I->first[head_fields[k]] ? c0.n : 0;
    }
    I->ext_id = I->inspector = I->note = I->deadline = NONE;

    char why[600];
    cell c;
    int dr;
    crep *R = &I->rep;
    int before = R->nprob + R->more_probs;
    for (int f = 0; f < MF_N; f++) {
        if (f == MF_ITEM || f == MF_RESULT || f == MF_DED || f == MF_COUNT) continue;
        if (f == MF_NOTE && !I->m.wide) continue;
        if (f == MF_MCODE || f == MF_MNAME || f == MF_UNIT) continue;     /* below */
        if (f == MF_TOTAL) continue;                                      /* row_wide */
        if (field(I, rec, f, &c, why, sizeof why) != 0) { crep_problem(R, colof(I, f), "%s", why); continue; }
        switch (f) {
        case MF_ID:
            if (c.n) I->ext_id = ar_put(I, c.s, c.n);
            break;
        case MF_DATE:
            if (!c.n) crep_problem(R, colof(I, f), "date is empty");
            else if ((dr = conv_date(&I->voc, c.s, c.n, I->date)) != 0)
                crep_problem(R, colof(I, f), "date \"%.*s\" is not a valid date%s", (int)c.n, c.s,
                             dr == CONV_DATE_YEAR ? " (years " CONV_DATE_YEARS ")" : "");
            break;
        case MF_KIND:
            if (!c.n) crep_problem(R, colof(I, f), "kind is empty");
            else if (!(I->kind = conv_kind(&I->voc, c.s, c.n)))
                crep_problem(R, colof(I, f), "kind \"%.*s\" is not one of %s",
                             (int)c.n, c.s, I->voc.kind_list);
            break;
        case MF_INSPECTOR:
            if (c.n) I->inspector = ar_put(I, c.s, c.n);
            break;
        case MF_NOTE:
            if (c.n) I->note = ar_put(I, c.s, c.n);
            break;
        case MF_DEADLINE: {
            /* a date as ISO, else the sheet's words (3天, 当日, 立行立改) */
            char d[11];
            if (c.n && conv_date(&I->voc, c.s, c.n, d) == 0) I->deadline = ar_put(I, d, 10);
            else if (c.n) I->deadline = ar_put(I, c.s, c.n);
            break;
        }
        default:
            break;
        }
    }
    cell code, name, unit;
    int fm = I->m.col[MF_MCODE] >= 0 || I->m.def[MF_MCODE] ? MF_MCODE : MF_MNAME;
    char codebuf[128], ubuf[256];
    int ok = 1;
    /* (the register's keys are copied into fixed buffers: a longer one
     * is refused, never cut, or two long codes became one market) */
    if (field(I, rec, MF_MCODE, &code, why, sizeof why) != 0) {
        crep_problem(R, colof(I, MF_MCODE), "%s", why);
        ok = 0;
    } else if (code.n >= sizeof codebuf) {
        crep_problem(R, colof(I, MF_MCODE), "market code is %zu bytes long (at most %zu)", code.n,
                     sizeof codebuf - 1);
        ok = 0;
    } else {
        snprintf(codebuf, sizeof codebuf, "%.*s", (int)code.n, code.s);
        code.s = codebuf;
    }
    if (field(I, rec, MF_MNAME, &name, why, sizeof why) != 0) {
        crep_problem(R, colof(I, MF_MNAME), "%s", why);
        ok = 0;
    } else if (name.n >= MAX_NAME) {
        crep_problem(R, colof(I, MF_MNAME), "market name is %zu bytes long (at most %d)", name.n, MAX_NAME - 1);
        ok = 0;
    }
    if (field(I, rec, MF_UNIT, &unit, why, sizeof why) != 0) {
        crep_problem(R, colof(I, MF_UNIT), "%s", why);
        ok = 0;
    } else if (unit.n >= sizeof ubuf) {
        crep_problem(R, colof(I, MF_UNIT), "unit is %zu bytes long (at most %zu)", unit.n, sizeof ubuf - 1);
        ok = 0;
    } else {
        snprintf(ubuf, sizeof ubuf, "%.*s", (int)unit.n, unit.s);
    }
    I->market_id = 0;
    if (ok && !code.n && !name.n) crep_problem(R, colof(I, fm), "market is empty");
    else if (ok && !(I->market_id = market(I, rec, &code, &name, ubuf, why, sizeof why))) {
        if (why[0]) crep_problem(R, colof(I, fm), "%s", why);
        else I->unknown_row = 1;
    } else if (ok && ubuf[0]) {
        /* the sheet's unit must be the register's station */
        const char *reg = cmk_unit(I->mk, I->market_id);
        if (reg && *reg && strcmp(reg, ubuf) != 0) {
            if (code.n && name.n)
                crep_problem(R, colof(I, MF_UNIT), "unit \"%s\" contradicts the register: market %.*s (%.*s) "
                             "belongs to %s", ubuf, (int)code.n, code.s, (int)name.n, name.s, reg);
            else
                crep_problem(R, colof(I, MF_UNIT), "unit \"%s\" contradicts the register: market %.*s belongs "
                             "to %s", ubuf, (int)(code.n ? code.n : name.n), code.n ? code.s : name.s, reg);
        } else if (!reg) {
            cmk_set_unit(I->mk, I->market_id, ubuf, strlen(ubuf));
        }
    }
    if (ok && I->market_id > 0 && code.n && name.n) check_name(I, rec, &code, &name);
    if (R->nprob + R->more_probs == before && !I->unknown_row
        && already_seen(I, rec, code.n ? &code : &name, why, sizeof why))
        crep_problem(R, colof(I, MF_DATE), "%s", why);
    if (R->nprob + R->more_probs > before || I->unknown_row) {
        I->head_bad = 1;
        /* an unknown market, or a bad date, must not hide that a later
         * row names another kind or date: the fields not at fault are
         * still compared, so that one round of fixes is enough */
        I->head_badf = R->more_probs ? ~0u : 0;
        for (int i = before; i < R->nprob; i++)
            for (int k = 0; k < 4; k++)
                if (R->prob[i].col == colof(I, head_fields[k])) I->head_badf |= 1u << k;
        if (I->head_badf & 6u) I->head_badf |= 6u;     /* code and name name one market */
        snprintf(I->head_why, sizeof I->head_why, "%s",
                 R->nprob > before ? R->prob[before].why : "market is not registered");
        return -1;
    }
    return 0;
}

/* Check one item result: 0 with *p, or -1 when it is bad, with every
 * problem recorded (crep_problem). */
static int item_checks(imp *I, int item, const cell *res, const cell *ded, const cell *cnt, pres *p)
{
    const ccheck_item *it = &I->ck.items[item];
    crep *R = &I->rep;
    int before = R->nprob + R->more_probs, ded_ok = 1;
    p->item = item;
    p->ded = 0;
    p->count = -1;
    int dr = ded->n ? conv_number(ded->s, ded->n, &p->ded) : 1;
    if (dr < 0) {
        crep_problem(R, colof(I, MF_DED), "deduction \"%.*s\" is not a number", (int)ded->n, ded->s);
        ded_ok = 0;
        p->ded = 0;
    } else if (p->ded < 0) {
        crep_problem(R, colof(I, MF_DED), "deduction \"%.*s\" is negative", (int)ded->n, ded->s);
        ded_ok = 0;
    } else if (p->ded > it->points) {
        crep_problem(R, colof(I, MF_DED), "deduction %g is larger than the %g points of item \"%s\"",
                     p->ded, it->points, it->code);
        ded_ok = 0;
    }
    if (cnt && cnt->n) {
        if (conv_number(cnt->s, cnt->n, &p->count) != 0)
            crep_problem(R, colof(I, MF_COUNT), "count \"%.*s\" is not a number", (int)cnt->n, cnt->s);
        else if (p->count < 0)
            crep_problem(R, colof(I, MF_COUNT), "count \"%.*s\" is negative", (int)cnt->n, cnt->s);
    }
    if (res->n) {
        p->result = conv_result(&I->voc, res->s, res->n);
        if (p->result < 0)
            crep_problem(R, colof(I, MF_RESULT), "result \"%.*s\" is not one of %s",
                         (int)res->n, res->s, I->voc.result_list);
        else if (ded_ok && p->result != CWSH_FAIL && p->ded > 0)
            crep_problem(R, colof(I, MF_DED), "deduction %g with result \"%.*s\"", p->ded, (int)res->n, res->s);
    } else {
        p->result = p->ded > 0 ? CWSH_FAIL : CWSH_PASS;
    }
    return R->nprob + R->more_probs > before ? -1 : 0;
}

static int is_summary(const imp *I, const csvr_record *rec)
{
    /* cells come trimmed of ASCII spaces from the reader; comparing the
     * length first keeps this cheap on every row */
    for (int j = 0; j < rec->nf; j++) {
        size_t n = rec->len[j];
        if (n == 0 || n >= 64 || !((I->sumlens >> n) & 1)) continue;
        for (int k = 0; k < I->m.nsummary; k++)
            if (n == I->sumlen[k] && rec->f[j][n - 1] == I->m.summary[k][n - 1] &&
                memcmp(I->m.summary[k], rec->f[j], n) == 0)
                return 1;
    }
    return 0;
}

static void hold_row(imp *I, const csvr_record *rec)
{
    if (I->nrows == I->rows_cap) {
        int nc = I->rows_cap ? 2 * I->rows_cap : 64;
        prow *v = realloc(I->rows, (size_t)nc * sizeof *I->rows);
        if (!v) { set_fatal(I, crep_msgf("%s: out of memory; nothing imported", I->o->file)); return; }
        I->rows = v;
        I->rows_cap = nc;
    }
    prow *r = &I->rows[I->nrows++];
    r->off = ar_put(I, rec->raw, rec->raw_len);
    r->len = r->off ? rec->raw_len : 0;            /* 0: out of memory (ar_put) */
    r->line = rec->line;
}

/* A new result of the inspection; NULL (the import stopped) when out of
 * memory. */
static pres *new_res(imp *I)
{
    if (I->nres == I->res_cap) {
        int nc = I->res_cap ? 2 * I->res_cap : 64;
        pres *v = realloc(I->res, (size_t)nc * sizeof *I->res);
        if (!v) { set_fatal(I, crep_msgf("%s: out of memory; nothing imported", I->o->file)); return NULL; }
        I->res = v;
        I->res_cap = nc;
    }
    return &I->res[I->nres++];
}

static void sibling(imp *I, const csvr_record *rec)
{
    /* a bad inspection field (its date, kind, market) is usually on every
     * row of it: said here, the rows are fixed in one round, not two */
    char why[600];
    if (I->head_bad && I->bad_line == I->first_line && I->head_why[0])
        snprintf(why, sizeof why, "inspection has a bad row at line %ld (%s)", I->bad_line, I->head_why);
    else
        snprintf(why, sizeof why, "inspection has a bad row at line %ld", I->bad_line);
    reject_row(I, rec->raw, rec->raw_len, why);
}

static void row_long(imp *I, const csvr_record *rec)
{
    /* which inspection: the id, else date/market/kind/inspector */
    char key[1024];
    size_t kn;
    cell id = raw_cell(I, rec, MF_ID);
    if (id.n) {
        kn = id.n < sizeof key ? id.n : sizeof key - 1;
        memcpy(key, id.s, kn);
    } else {
        static const int parts[5] = { MF_DATE, MF_MCODE, MF_MNAME, MF_KIND, MF_INSPECTOR };
        kn = 0;
        for (int k = 0; k < 5; k++) {
            cell c = raw_cell(I, rec, parts[k]);
            if (kn + c.n + 1 >= sizeof key) break;
            key[kn++] = '\x1f';
            memcpy(key + kn, c.s, c.n);
            kn += c.n;
        }
    }
    char why[600];
    int col;
    crep *R = &I->rep;
    if (!I->open || kn != I->key_len || memcmp(key, I->ar + I->key, kn) != 0) {
        begin(I, rec, key, kn);         /* its problems join the row's */
    } else {
        /* later rows of the inspection must agree with its first row */
        for (int k = 0; k < 4; k++) {
            int f = head_fields[k];
            if (I->head_badf & (1u << k)) continue;
            cell c = raw_cell(I, rec, f);
            if (c.n == I->first_len[f] && memcmp(c.s, I->ar + I->first[f], c.n) == 0) continue;
            char d[11];
            int dr;
            if (f == MF_DATE && (dr = conv_date(&I->voc, c.s, c.n, d)) != 0)
                snprintf(why, sizeof why, c.n ? "date \"%.*s\" is not a valid date%s" : "date is empty",
                         (int)c.n, c.s, dr == CONV_DATE_YEAR ? " (years " CONV_DATE_YEARS ")" : "");
            else if (f == MF_KIND && !c.n)
                snprintf(why, sizeof why, "kind is empty");
            else if (f == MF_KIND && !conv_kind(&I->voc, c.s, c.n))
                snprintf(why, sizeof why, "kind \"%.*s\" is not one of %s", (int)c.n, c.s,
                         I->voc.kind_list);
            else
                snprintf(why, sizeof why, "%s \"%.*s\" differs from the inspection's first row (line %ld)",
                         cmap_field_names[f], (int)c.n, c.s, I->first_line);
            crep_problem(R, colof(I, f), "%s", why);
        }
    }
    cell item, res, ded, cnt, note;
    int f, conv_ok = 1;
    for (f = MF_ITEM; f <= MF_NOTE; f++) {
        cell *c = f == MF_ITEM ? &item : f == MF_RESULT ? &res : f == MF_DED ? &ded
                : f == MF_COUNT ? &cnt : &note;
        if (field(I, rec, f, c, why, sizeof why) != 0) {
            crep_problem(R, colof(I, f), "%s", why);
            conv_ok = 0;
        }
    }
    pres p;
    col = colof(I, MF_ITEM);
    if (!conv_ok) {
        /* a converter failed: its field cannot be checked */
    } else if (!item.n) {
        crep_problem(R, col, "item_code is empty");
    } else {
        int k = ccheck_find(&I->ck, item.s, item.n);
        if (k < 0) {
            crep_problem(R, col, "item \"%.*s\" is not in the checklist", (int)item.n, item.s);
        } else {
            if (I->seen_gen[k] == I->gen)
                crep_problem(R, col, "item \"%s\" appears twice in one inspection (first at line %ld)",
                             I->ck.items[k].code, I->seen_line[k]);
            I->seen_gen[k] = I->gen;
            I->seen_line[k] = rec->line;
            item_checks(I, k, &res, &ded, &cnt, &p);
        }
    }
    if (row_bad(I, rec)) return;
    if (I->bad) { sibling(I, rec); return; }
    p.note = note.n ? ar_put(I, note.s, note.n) : NONE;
    pres *slot = new_res(I);
    if (!slot) return;
    *slot = p;
    hold_row(I, rec);
}

/* The sheet's 扣分合计 must be the sum of the row's item deductions: a
 * sheet whose sum is off was filled in wrong somewhere. */
static void wide_total(imp *I, const csvr_record *rec)
{
    if (I->m.col[MF_TOTAL] < 0) return;
    char why[600];
    cell c;
    if (field(I, rec, MF_TOTAL, &c, why, sizeof why) != 0) {
        crep_problem(&I->rep, colof(I, MF_TOTAL), "%s", why);
        return;
    }
    if (!c.n) return;
    double total;
    if (conv_number(c.s, c.n, &total) != 0) {
        crep_problem(&I->rep, colof(I, MF_TOTAL), "total deduction \"%.*s\" is not a number", (int)c.n, c.s);
        return;
    }
    double sum = 0;
    for (int i = 0; i < I->nres; i++) sum += I->res[i].ded;
    if (fabs(sum - total) > 1e-6)
        crep_problem(&I->rep, colof(I, MF_TOTAL), "total deduction %g is not the sum of the item "
                     "deductions, %g", total, sum);
}

/* A note that names items ("A01地面积水2处；B02私拉电线2处") gives each
 * of them its part; the whole note stays the inspection's. */
static void wide_notes(imp *I)
{
    size_t noff = I->note, len = strlen(I->ar + noff), pos = 0;
    for (;;) {
        int k;
        const char *s;
        size_t n;
        if (!cwide_note_part(&I->ck, I->ar + noff, len, &pos, &k, &s, &n)) break;
        if (!n) continue;
        /* the arena may move while the part is copied into it */
        char *part = malloc(n);
        if (!part) abort();
        memcpy(part, s, n);
        for (int i = 0; i < I->nres; i++)
            if (I->res[i].item == k) { I->res[i].note = ar_put(I, part, n); break; }
        free(part);
    }
}

static void row_wide(imp *I, const csvr_record *rec)
{
    begin(I, rec, "", 0);               /* its problems join the row's */
    crep *R = &I->rep;
    for (int j = 0; j < I->m.ncol && j < rec->nf; j++) {
        int k = I->m.item[j];
        if (k < 0) continue;
        cell c = { rec->f[j], rec->len[j] };
        conv_trim(&c.s, &c.n);
        pres *p = new_res(I);
        if (!p) return;
        p->item = k;
        p->count = -1;
        p->note = NONE;
        p->ded = 0;
        p->result = CWSH_PASS;
        const ccheck_item *it = &I->ck.items[k];
        if (!c.n) continue;
        if (conv_number(c.s, c.n, &p->ded) == 0) {
            if (p->ded < 0)
                crep_problem(R, j + 1, "deduction \"%.*s\" is negative", (int)c.n, c.s);
            else if (p->ded > it->points)
                crep_problem(R, j + 1, "deduction %g is larger than the %g points of item \"%s\"",
                             p->ded, it->points, it->code);
            else if (p->ded > 0) p->result = CWSH_FAIL;
            continue;
        }
        int r = conv_result(&I->voc, c.s, c.n);
        if (r == CWSH_PASS || r == CWSH_NA) { p->result = r; continue; }
        crep_problem(R, j + 1, "deduction \"%.*s\" for item \"%s\" is not a number", (int)c.n, c.s, it->code);
    }
    wide_total(I, rec);
    if (I->note != NONE) wide_notes(I);
    if (row_bad(I, rec)) { I->open = 0; return; }
    hold_row(I, rec);
    flush(I);
}

static void imp_free(imp *I)
{
    if (!I->live) return;
    I->live = 0;
    if (I->have_rep) crep_abandon(&I->rep);
    if (I->ld) {
        char *e = NULL;
        I->st->load_end(I->ld, 0, 0, 0, &e);
        free(e);
        I->ld = NULL;
    }
    cmap_free(&I->m, I->L);
    ccheck_free(&I->ck);
    cvoc_free(&I->voc);
    csvr_close(&I->r);
    free(I->ar); free(I->res); free(I->rows); free(I->seen_gen); free(I->seen_line); free(I->sumlen);
    free(I->rr);
    cstore_close(&I->cs);
    cseen_close(&I->seen);
    cmk_close(&I->mk);
    for (int f = 0; f < MF_N; f++) free(I->lbuf[f]);
    free(I->fatal);
}

/* Field j of rec without the spaces around it, in *v; its length. */
static size_t trimmed(const csvr_record *rec, int j, const char **v)
{
    size_t n = rec->len[j];
    *v = rec->f[j];
    conv_trim(v, &n);
    return n;
}

/* A value under a column without a header would be lost: the row is
 * bad.  Returns 1 when it was reported. */
static int blank_cells(imp *I, const csvr_record *rec)
{
    for (int k = 0; k < I->m.nblank; k++) {
        int j = I->m.blank[k];
        if (j >= rec->nf) continue;
        const char *v;
        size_t n = trimmed(rec, j, &v);
        if (n) {
            char why[120];
            snprintf(why, sizeof why, "value \"%.*s\" in column %d, which has no header",
                     n > 40 ? 40 : (int)n, v, j + 1);
            bad_row(I, rec, rec->line, j + 1, why);
            return 1;
        }
    }
    return 0;
}

/* inspections_each's callback: the database's inspections into the set. */
static int seen_from_db(void *arg, int64_t market, const char *date, const char *kind,
                        const char *inspector, const char *ext_id, const char *label)
{
    cseen_where w;
    return cseen_add(arg, market, date ? date : "", kind ? kind : "", inspector ? inspector : "",
                     ext_id, 0, label, &w) < 0;
}

/* A title row: at most one cell with text (a merged title cell). */
#define MAX_TITLES 3
static int is_title(const csvr_record *rec)
{
    int filled = 0;
    const char *v;
    for (int j = 0; j < rec->nf; j++) filled += trimmed(rec, j, &v) > 0;
    return filled <= 1;
}

/* Every row after the header, then the last inspection.  Runs on the
 * parsing thread when threaded; touches the store only through flush()
 * and market(). */
static void rows(imp *I)
{
    const cimp_opts *o = I->o;
    cwsh_host *h = I->h;
    csvr_record rec;
    char *e = NULL;
    long nrow = 0;
    int ncol = I->ncol;
    while (!I->fatal && !cstore_failed(I->cs)) {
        int st = csvr_next(I->r, &rec, &e);
        if (st == CSVR_EOF) break;
        if (st == CSVR_FAIL) { set_fatal(I, crep_msgf("%s:%ld: %s", o->file, csvr_line(I->r), e)); free(e); break; }
        if ((++nrow & 4095) == 0) {
            h->progress(h, "import", nrow, csvr_bytes(I->r), I->size);
            if (h->interrupted(h)) { set_fatal(I, crep_msgf("import interrupted; nothing imported")); break; }
        }
        int fields_ok = rec.nf == ncol || (rec.nf < ncol && rec.nf >= I->named);
        if (st == CSVR_BAD) {
            int col;
            const char *why = csvr_error(I->r, &col);
            if (!rec.nf || !fields_ok) { bad_row(I, &rec, rec.line, col, why); continue; }
            /* wrong quotes, fields still read: the row is bad with its
             * inspection, as a row with a bad value is */
            crep_problem(&I->rep, col, "%s", why);
            load_cells(I->rc, &I->m, I->deflen, &rec);
            if (I->m.wide) row_wide(I, &rec);
            else row_long(I, &rec);
            continue;
        }
        if (!fields_ok) {
            char why[100];
            snprintf(why, sizeof why, "row has %d fields, header has %d", rec.nf, ncol);
            bad_row(I, &rec, rec.line, (rec.nf < ncol ? rec.nf : ncol) + 1, why);
            continue;
        }
        if (I->m.nblank && blank_cells(I, &rec)) continue;
        if (I->m.nsummary && is_summary(I, &rec)) {
            flush(I);
            I->summary_rows++;
            h->noticef(h, "%s:%ld: skipped a summary row", o->file, rec.line);
            continue;
        }
        load_cells(I->rc, &I->m, I->deflen, &rec);
        if (I->m.wide) row_wide(I, &rec);
        else row_long(I, &rec);
    }
    if (!I->fatal && !cstore_failed(I->cs)) flush(I);
}

static void rows_job(void *arg) { rows(arg); }

/* The import proper, on the state in *I (see cimp_run). */
static int import(imp *I, cwsh_host *h, const cimp_opts *o, char **summary, char **err)
{
    for (int f = 0; f < MF_N; f++) I->m.lua_conv[f] = LUA_NOREF;
    I->h = h;
    I->L = h->L;
    I->o = o;
    double t0 = crep_now();
    int rc = -1, have_rep = 0;
    char hex[33];
    long long size = 0;
    csvr_record rec;
    char *e = NULL;

    if (!(I->st = h->store(h))) {
        *err = crep_msgf("cannot import: no store is loaded (the sqlite plugin is missing)");
        return -1;
    }
    if (chash_file(o->file, hex, &size, err) != 0) return -1;
    if (!(I->r = csvr_open(o->file, &o->read, &e))) {
        *err = e;
        return -1;
    }
    int st = csvr_next(I->r, &rec, &e);
    if (st == CSVR_FAIL) { *err = crep_msgf("%s:%ld: %s", o->file, csvr_line(I->r), e); free(e); goto out; }
    if (st == CSVR_EOF) { *err = crep_msgf("%s: the file is empty (no header row)", o->file); goto out; }
    /* the checklist and the words, from the rules through the host */
    const cwsh_domain *dom = CWSH_HOST_HAS(h, domain) && h->domain ? h->domain(h, &e) : NULL;
    if (!dom) {
        *err = crep_msgf("cannot import: %s", e ? e : "the host gives no vocabulary");
        free(e);
        goto out;
    }
    if (ccheck_load(&I->ck, dom, err) != 0) goto out;
    if (cvoc_build(&I->voc, dom) != 0) { *err = crep_msgf("out of memory"); goto out; }
    /* The header: the first record, or the first after a few title rows
     * (Excel sheets often carry "城东所2027年督查汇总表" above it). */
    for (int titles = 0;; titles++) {
        if (st == CSVR_BAD) {
            int col;
            const char *why = csvr_error(I->r, &col);
            *err = crep_msgf("%s:%ld:%d: %s", o->file, rec.line, col, why);
            goto out;
        }
        int errcol;
        if (cmap_choose(&I->m, I->h, rec.f, rec.nf, o->mapping, &I->ck, &e, &errcol) == 0) break;
        if (titles < MAX_TITLES && errcol >= 0 && is_title(&rec)) {
            h->noticef(h, "%s:%ld: skipped a title row above the header", o->file, rec.line);
            free(e);
            e = NULL;
            st = csvr_next(I->r, &rec, &e);
            if (st == CSVR_FAIL) { *err = crep_msgf("%s:%ld: %s", o->file, csvr_line(I->r), e); free(e); goto out; }
            if (st == CSVR_EOF) { *err = crep_msgf("%s: no header row after the title", o->file); goto out; }
            continue;
        }
        if (errcol < 0) *err = crep_msgf("%s", e);
        else if (errcol) *err = crep_msgf("%s:%ld:%d: %s", o->file, rec.line, errcol, e);
        else *err = crep_msgf("%s:%ld: %s", o->file, rec.line, e);
        free(e);
        goto out;
    }
    if (crep_open(&I->rep, h, o->file, I->r, rec.raw, rec.raw_len) != 0) {
        *err = crep_msgf("%s: out of memory; nothing imported", o->file);
        goto out;
    }
    have_rep = I->have_rep = 1;
    h->noticef(h, "mapping: %s (%s, %d columns, %s)", I->m.name, csvr_encoding(I->r), rec.nf,
               csvr_eol_name(I->r));
    if (I->m.wide) cwide_titles(h, o->file, rec.line, &I->m, &I->ck, rec.f, rec.len, rec.nf);
    for (int f = 0; f < MF_N; f++) I->deflen[f] = I->m.def[f] ? strlen(I->m.def[f]) : 0;
    I->sumlen = calloc((size_t)I->m.nsummary + 1, sizeof *I->sumlen);
    I->seen_gen = calloc((size_t)I->ck.n + 1, sizeof *I->seen_gen);
    I->seen_line = calloc((size_t)I->ck.n + 1, sizeof *I->seen_line);
    I->mk = cmk_open();
    I->ar_cap = 16384;
    I->ar = malloc(I->ar_cap);
    if (!I->sumlen || !I->seen_gen || !I->seen_line || !I->mk || !I->ar) {
        *err = crep_msgf("%s: out of memory; nothing imported", o->file);
        goto out;
    }
    for (int k = 0; k < I->m.nsummary; k++) {
        I->sumlen[k] = strlen(I->m.summary[k]);
        if (I->sumlen[k] < 64) I->sumlens |= (uint64_t)1 << I->sumlen[k];
    }
    if ((I->m.col[MF_UNIT] >= 0 || I->m.def[MF_UNIT] || (I->m.col[MF_MCODE] >= 0 && I->m.col[MF_MNAME] >= 0))
        && cmk_load_register(I->mk, I->st, err) != 0)
        goto out;
    cwsh_import_info info = { o->file, hex, I->m.name, csvr_encoding(I->r), o->replace };
    if (I->st->load_begin(I->st->self, &info, &I->ld, &e) != 0) {
        I->ld = NULL;
        *err = e ? e : crep_msgf("cannot start the import");
        goto out;
    }
    if (I->st->inspections_each) {      /* non-zero: failed, or seen_from_db ran out of memory */
        if (!(I->seen = cseen_open())
            || I->st->inspections_each(I->ld, seen_from_db, I->seen, &e) != 0) {
            *err = e ? e : crep_msgf("out of memory");
            goto out;
        }
    }
    I->ncol = rec.nf;
    I->named = rec.nf;
    for (int k = I->m.nblank - 1; k >= 0 && I->m.blank[k] == I->named - 1; k--) I->named--;
    I->size = size;
    int threaded = o->threads > 0 || (o->threads < 0 && size >= 1024 * 1024);
    for (int f = 0; f < MF_N; f++) if (I->m.lua_conv[f] != LUA_NOREF) threaded = 0;   /* Lua: one thread */
    I->cs = cstore_open(I->st, I->ld, threaded);
    if (!I->cs) { *err = crep_msgf("%s: out of memory; nothing imported", o->file); goto out; }
    cstore_run(I->cs, rows_job, I);
    char *sf = cstore_failure(I->cs);           /* the store's failure comes first */
    if (sf) { free(I->fatal); I->fatal = sf; }
    if (h->interrupted(h)) {                   /* unless Ctrl-C made it fail */
        free(I->fatal);
        I->fatal = crep_msgf("import interrupted; nothing imported");
    }
    h->progress(h, "import", -1, 0, 0);
    if (I->fatal) { *err = I->fatal; I->fatal = NULL; goto out; }
    char *unknown = cmk_unknown_report(I->mk, o->add_markets);
    /* alone, the unknown markets are the failure's message */
    if (unknown && (o->skip_bad || I->bad_rows > I->unknown_rows)) h->errorf(h, "%s: %s", o->file, unknown);
    if (I->bad_rows && !o->skip_bad) {
        if (I->bad_rows == I->unknown_rows) {
            /* a problem of the register, not of the rows: no rejects file
             * (it would be the whole sheet), nor an earlier one */
            crep_discard(&I->rep);
            *err = crep_msgf("%s; nothing imported", unknown ? unknown : "unknown markets");
            free(unknown);
            goto out;
        }
        /* the rejects file also holds the good rows of bad inspections */
        char also[80] = "";
        if (I->rep.rejected > I->bad_rows)
            snprintf(also, sizeof also, " (%ld rows rejected with their inspections)", I->rep.rejected);
        have_rep = I->have_rep = 0;
        *err = crep_refusal(&I->rep, I->bad_rows, also);
        free(unknown);
        goto out;
    }
    free(unknown);
    if (cmk_failed(I->mk)) { *err = crep_msgf("%s: out of memory; nothing imported", o->file); goto out; }
    /* the rejects file must be complete before anything is committed */
    long rejected = I->rep.rejected;
    have_rep = I->have_rep = 0;
    /* no rejects, or only rows of unknown markets and nothing imported
     * (the register's problem): no rejects file, and an earlier run's
     * is stale now */
    if (!rejected || (!I->n_insp && I->bad_rows == I->unknown_rows)) crep_discard(&I->rep);
    char rejects_path[1100];
    snprintf(rejects_path, sizeof rejects_path, "%s", I->rep.path);
    if (crep_close(&I->rep, err) != 0) goto out;
    /* --skip-bad with every row rejected, or a sheet with no rows (its
     * header alone, or only summary rows): keep nothing, not even the
     * record of the file, so that importing it again when it has rows
     * works and `imports` lists no empty import */
    int commit = I->n_insp > 0;
    if (commit && own_markets(I, err) != 0) goto out;
    if (I->st->load_end(I->ld, commit, I->rows_ok, rejected, &e) != 0) {
        I->ld = NULL;
        *err = e ? e : crep_msgf("cannot commit the import");
        goto out;
    }
    I->ld = NULL;
    if (!I->n_insp && !rejected) {
        *err = crep_msgf("nothing imported from %s: it has no inspection rows", o->file);
        goto out;
    }
    if (!I->n_insp && rejected) {
        /* --skip-bad and every row bad: a failure, so that a -bail script stops */
        char c[32];
        cimp_thousands(c, sizeof c, rejected);
        *err = crep_msgf("nothing imported from %s: every row was rejected (%s row%s)%s%s", o->file, c,
                         rejected == 1 ? "" : "s",
                         I->bad_rows > I->unknown_rows ? "; they are in " : "",
                         I->bad_rows > I->unknown_rows ? rejects_path : "");
        goto out;
    }
    if (I->n_insp) {
        char *added = cmk_added_report(I->mk);
        if (added) h->noticef(h, "%s", added);
        free(added);
    }
    {
        char a[32], b[32], rej[80] = "";
        cimp_thousands(a, sizeof a, I->n_insp);
        cimp_thousands(b, sizeof b, I->n_res);
        if (rejected) {
            char c[32];
            cimp_thousands(c, sizeof c, rejected);
            snprintf(rej, sizeof rej, "; %s row%s rejected", c, rejected == 1 ? "" : "s");
        }
        *summary = crep_msgf("imported %s inspection%s (%s item result%s) from %s in %.1f s%s",
                        a, I->n_insp == 1 ? "" : "s", b, I->n_res == 1 ? "" : "s",
                        o->file, crep_now() - t0, rej);
    }
    rc = 0;
out:
    /* a failure past the rows (Ctrl-C, the store): no rejects file of
     * part of them, and an earlier one stays */
    if (have_rep) crep_abandon(&I->rep);
    I->have_rep = 0;
    imp_free(I);
    return rc;
}

/* __close and __gc of the import's userdata.  Runs once: the first of
 * them frees, a later one finds nothing to do. */
static int imp_close(lua_State *L)
{
    imp *I = lua_touserdata(L, 1);
    if (I) imp_free(I);
    return 0;
}

int cimp_run(cwsh_host *h, const cimp_opts *o, char **summary, char **err)
{
    /* The import's state lives in a to-be-closed userdata, as liolib
     * keeps a FILE: whatever unwinds past this function (a Lua error out
     * of a Lua API call when memory is at its limit, a time stop) closes
     * it, and its __close rolls the load back, unlocks the store and
     * frees; __gc is the backstop.  So no stop leaves a load open. */
    lua_State *L = h->L;
    int top = lua_gettop(L);
    imp *I = lua_newuserdatauv(L, sizeof *I, 0);
    memset(I, 0, sizeof *I);
    if (luaL_newmetatable(L, "cwsh.csv.import")) {
        lua_pushcfunction(L, imp_close);
        lua_setfield(L, -2, "__close");
        lua_pushcfunction(L, imp_close);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    lua_toclose(L, -1);
    I->live = 1;
    int rc = import(I, h, o, summary, err);
    lua_closeslot(L, top + 1);
    lua_settop(L, top);
    return rc;
}
