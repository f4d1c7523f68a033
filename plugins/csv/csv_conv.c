/*
 * csv_conv.c — value converters (see csv_conv.h).
 */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "cwsh.h"
#include "csv_conv.h"

void conv_trim(const char **sp, size_t *np)
{
    const unsigned char *s = (const unsigned char *)*sp;
    size_t n = *np;
    /* most cells need nothing: look at both ends first.  Besides ASCII
     * blanks: U+3000 (the full-width space, E3 80 80) and U+00A0 (C2 A0,
     * the no-break space Excel and web pages put in numbers) */
    if (n == 0 || ((s[0] != ' ' && s[0] != '\t' && s[0] != 0xE3 && s[0] != 0xC2) &&
                   (s[n - 1] != ' ' && s[n - 1] != '\t' && s[n - 1] != 0x80 && s[n - 1] != 0xA0)))
        return;
    for (;;) {
        if (n && (s[0] == ' ' || s[0] == '\t')) { s++; n--; continue; }
        if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { s += 3; n -= 3; continue; }
        if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0) { s += 2; n -= 2; continue; }
        break;
    }
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) { n--; continue; }
        if (n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 && s[n - 1] == 0x80) { n -= 3; continue; }
        if (n >= 2 && s[n - 2] == 0xC2 && s[n - 1] == 0xA0) { n -= 2; continue; }
        break;
    }
    *sp = (const char *)s;
    *np = n;
}

/* Digit at s[*i] (ASCII or full-width U+FF10..FF19): value and advance, or -1. */
static int digit(const unsigned char *s, size_t n, size_t *i)
{
    if (*i < n && s[*i] >= '0' && s[*i] <= '9') return s[(*i)++] - '0';
    if (*i + 2 < n + 0 && s[*i] == 0xEF && s[*i + 1] == 0xBC && s[*i + 2] >= 0x90 && s[*i + 2] <= 0x99) {
        int d = s[*i + 2] - 0x90;
        *i += 3;
        return d;
    }
    return -1;
}

/* Up to `max` digits into *v; number of digits read. */
static int digits(const unsigned char *s, size_t n, size_t *i, int max, int *v)
{
    int k = 0, d;
    *v = 0;
    while (k < max) {
        size_t save = *i;
        if ((d = digit(s, n, i)) < 0) { *i = save; break; }
        *v = *v * 10 + d;
        k++;
    }
    return k;
}

static int lit(const unsigned char *s, size_t n, size_t *i, const char *w)
{
    size_t k = strlen(w);
    if (*i + k <= n && memcmp(s + *i, w, k) == 0) { *i += k; return 1; }
    return 0;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid_ymd(int y, int m, int d)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return 0;
    int md = mdays[m - 1] + (m == 2 && leap(y));
    return d <= md;
}

/* An optional time after the date: " H:MM" or " H:MM:SS". */
static int time_tail(const unsigned char *s, size_t n, size_t i)
{
    if (i == n) return 1;
    if (s[i] != ' ' && s[i] != 'T') return 0;
    i++;
    int v;
    if (!digits(s, n, &i, 2, &v) || v > 23 || !lit(s, n, &i, ":")) return 0;
    if (digits(s, n, &i, 2, &v) != 2 || v > 59) return 0;
    if (lit(s, n, &i, ":") && (digits(s, n, &i, 2, &v) != 2 || v > 59)) return 0;
    return i == n;
}

/* ------------------------------------------------------- vocabulary */

/* Words compare as the importer always has: trimmed, ASCII case folded. */
static unsigned char low(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c; }

static unsigned word_hash(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ low((unsigned char)s[i])) * 16777619u;
    return h;
}

static int same_word(const char *a, size_t an, const char *b, size_t bn)
{
    if (an != bn) return 0;
    for (size_t i = 0; i < an; i++)
        if (low((unsigned char)a[i]) != low((unsigned char)b[i])) return 0;
    return 1;
}

static int words_put(cvoc_words *t, const char *w, int v)
{
    size_t n = strlen(w);
    conv_trim(&w, &n);
    if (!n) return 0;
    for (unsigned i = word_hash(w, n) & t->mask;; i = (i + 1) & t->mask) {
        cvoc_word *e = &t->slot[i];
        if (!e->w) { e->w = w; e->n = n; e->v = v; return 0; }
        if (same_word(e->w, e->n, w, n)) return 0;      /* the first declaration wins */
    }
}

static int words_get(const cvoc_words *t, const char *s, size_t n)
{
    if (!t->slot || !n) return -1;
    for (unsigned i = word_hash(s, n) & t->mask;; i = (i + 1) & t->mask) {
        const cvoc_word *e = &t->slot[i];
        if (!e->w) return -1;
        if (e->n == n && same_word(e->w, e->n, s, n)) return e->v;
    }
}

static size_t nalias(const cwsh_term *t)
{
    size_t k = 0;
    while (t->aliases && t->aliases[k]) k++;
    return k;
}

static int words_alloc(cvoc_words *t, size_t n)
{
    unsigned size = 16;
    while (size < 2 * n + 2) size *= 2;
    t->slot = calloc(size, sizeof *t->slot);
    t->mask = size - 1;
    return t->slot ? 0 : -1;
}

/* A date form's tokens: Y M D or a literal run. */
static int compile_form(cvoc_form *f, const char *s)
{
    size_t n = strlen(s);
    f->tok = calloc(n + 1, sizeof *f->tok);
    if (!f->tok) return -1;
    f->ntok = 0;
    for (size_t i = 0; i < n;) {
        cvoc_tok *t = &f->tok[f->ntok++];
        if (s[i] == 'Y' || s[i] == 'M' || s[i] == 'D') {
            t->field = s[i];
            i++;
            continue;
        }
        t->lit = s + i;
        while (i < n && s[i] != 'Y' && s[i] != 'M' && s[i] != 'D') i++;
        t->litn = (size_t)(s + i - t->lit);
    }
    for (int k = 0; k < f->ntok; k++) {          /* widths: Y 4, M D 1-2, or 2 next to a field */
        cvoc_tok *t = &f->tok[k];
        if (!t->field) continue;
        int tight = (k > 0 && f->tok[k - 1].field) || (k + 1 < f->ntok && f->tok[k + 1].field);
        t->min = t->field == 'Y' ? 4 : tight ? 2 : 1;
        t->max = t->field == 'Y' ? 4 : 2;
    }
    return 0;
}

static void list_words(char *buf, size_t cap, const char *const *w, int n, const char *sep)
{
    size_t o = strlen(buf);
    for (int i = 0; i < n && o + 1 < cap; i++) {
        int k = snprintf(buf + o, cap - o, "%s%s", i ? sep : "", w[i]);
        if (k < 0) break;
        o += (size_t)k;
    }
}

int cvoc_build(cvoc *v, const cwsh_domain *d)
{
    memset(v, 0, sizeof *v);
    v->d = d;
    size_t nk = 0, nr = 0;
    for (int i = 0; i < d->nkinds; i++) nk += 1 + nalias(&d->kinds[i]);
    for (int r = CWSH_PASS; r <= CWSH_NA; r++) nr += 1 + nalias(&d->results[r]);
    if (words_alloc(&v->kinds, nk) || words_alloc(&v->results, nr)) goto oom;
    for (int i = 0; i < d->nkinds; i++) {
        words_put(&v->kinds, d->kinds[i].name, i);
        for (size_t k = 0; d->kinds[i].aliases[k]; k++) words_put(&v->kinds, d->kinds[i].aliases[k], i);
    }
    for (int r = CWSH_PASS; r <= CWSH_NA; r++) {
        words_put(&v->results, d->results[r].name, r);
        for (size_t k = 0; d->results[r].aliases[k]; k++) words_put(&v->results, d->results[r].aliases[k], r);
    }
    while (d->dates && d->dates[v->nforms]) v->nforms++;
    v->forms = calloc((size_t)v->nforms + 1, sizeof *v->forms);
    if (!v->forms) goto oom;
    for (int i = 0; i < v->nforms; i++)
        if (compile_form(&v->forms[i], d->dates[i]) != 0) goto oom;
    /* the lists messages give: "自查, 督查" and "合格, 不合格, 不适用 (pass, fail, na)" */
    const char *names[64];
    int nn = 0;
    for (int i = 0; i < d->nkinds && nn < 64; i++) names[nn++] = d->kinds[i].name;
    list_words(v->kind_list, sizeof v->kind_list, names, nn, ", ");
    const char *rn[3], *ra[3];
    int all = 1;
    for (int r = CWSH_PASS; r <= CWSH_NA; r++) {
        rn[r - 1] = d->results[r].name;
        ra[r - 1] = d->results[r].aliases[0];
        if (!ra[r - 1]) all = 0;
    }
    list_words(v->result_list, sizeof v->result_list, rn, 3, ", ");
    if (all) {
        size_t o = strlen(v->result_list);
        snprintf(v->result_list + o, sizeof v->result_list - o, " (");
        list_words(v->result_list, sizeof v->result_list, ra, 3, ", ");
        o = strlen(v->result_list);
        snprintf(v->result_list + o, sizeof v->result_list - o, ")");
    }
    return 0;
oom:
    cvoc_free(v);
    return -1;
}

void cvoc_free(cvoc *v)
{
    free(v->kinds.slot);
    free(v->results.slot);
    for (int i = 0; v->forms && i < v->nforms; i++) free(v->forms[i].tok);
    free(v->forms);
    memset(v, 0, sizeof *v);
}

/* ------------------------------------------------------------ values */

/* One form at s[0..n): 0 with y, m, d, else -1. */
static int match_form(const cvoc_form *f, const unsigned char *s, size_t n, int *y, int *m, int *d)
{
    size_t i = 0;
    for (int k = 0; k < f->ntok; k++) {
        const cvoc_tok *t = &f->tok[k];
        if (!t->field) {
            if (i + t->litn > n || memcmp(s + i, t->lit, t->litn) != 0) return -1;
            i += t->litn;
            continue;
        }
        int v, got = digits(s, n, &i, t->max, &v);
        if (got < t->min) return -1;
        if (t->field == 'Y') *y = v; else if (t->field == 'M') *m = v; else *d = v;
    }
    return time_tail(s, n, i) ? 0 : -1;
}

int conv_date(const cvoc *v, const char *str, size_t n, char out[11])
{
    conv_trim(&str, &n);
    const unsigned char *s = (const unsigned char *)str;
    int y = 0, m = 0, d = 0, k;
    for (k = 0; k < v->nforms; k++)
        if (match_form(&v->forms[k], s, n, &y, &m, &d) == 0) break;
    if (k == v->nforms) return -1;
    if (!valid_ymd(y, m, d))      /* a date of another century is said so: a typo of the year */
        return (y < 1900 || y > 2999) && valid_ymd(2000, m, d) ? CONV_DATE_YEAR : -1;
    out[0] = (char)('0' + y / 1000); out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10); out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10); out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10); out[9] = (char)('0' + d % 10);
    out[10] = 0;
    return 0;
}

int conv_result(const cvoc *v, const char *s, size_t n)
{
    conv_trim(&s, &n);
    return words_get(&v->results, s, n);
}

int conv_number(const char *str, size_t n, double *out)
{
    conv_trim(&str, &n);
    if (n == 0) return 1;
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    int neg = 0, any = 0;
    if (lit(s, n, &i, "-") || lit(s, n, &i, "\xEF\xBC\x8D")) neg = 1;       /* － */
    else if (lit(s, n, &i, "+") || lit(s, n, &i, "\xEF\xBC\x8B")) neg = 0;  /* ＋ */
    /* integer mantissa and a power of ten, so "0.1" is the nearest double */
    double v = 0, div = 1;
    int frac = 0;
    while (i < n) {
        int d = digit(s, n, &i);
        if (d >= 0) {
            any = 1;
            v = v * 10 + d;
            if (frac) div *= 10;
            continue;
        }
        if (!frac && (lit(s, n, &i, ".") || lit(s, n, &i, "\xEF\xBC\x8E"))) {
            frac = 1;
            continue;
        }
        return -1;
    }
    if (!any) return -1;
    v /= div;
    /* hundreds of digits overflow to inf (or inf/inf = NaN): not a
     * number any sheet means; found by tests/fuzz/fuzz_conv.c */
    if (!isfinite(v)) return -1;
    *out = neg ? -v : v;
    return 0;
}

const char *conv_kind(const cvoc *v, const char *s, size_t n)
{
    conv_trim(&s, &n);
    int k = words_get(&v->kinds, s, n);
    return k < 0 ? NULL : v->d->kinds[k].name;
}
