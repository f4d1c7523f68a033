/*
 * csv_check.c — checklist lookup for the importer (see csv_check.h).
 */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "csv_check.h"

static unsigned hash(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

int ccheck_find(const ccheck *c, const char *s, size_t n)
{
    if (!c->slot || n == 0 || n >= sizeof c->items[0].code) return -1;
    for (unsigned i = hash(s, n) & c->mask;; i = (i + 1) & c->mask) {
        int k = c->slot[i];
        if (!k) return -1;
        const char *code = c->items[k - 1].code;
        if (strncmp(code, s, n) == 0 && code[n] == 0) return k - 1;
    }
}

size_t ccheck_code_prefix(const ccheck *c, const char *s, size_t n)
{
    if (!c->have_re || n == 0) return 0;
    char stack[256], *buf = n < sizeof stack ? stack : malloc(n + 1);   /* once per header cell */
    if (!buf) return 0;
    memcpy(buf, s, n);
    buf[n] = 0;
    regmatch_t m;
    int rc = regexec(&c->code_re, buf, 1, &m, 0);
    if (buf != stack) free(buf);
    if (rc != 0 || m.rm_so != 0 || m.rm_eo <= 0) return 0;
    size_t i = (size_t)m.rm_eo;
    if (i == n || s[i] == ' ' || s[i] == '.' || s[i] == '_' || s[i] == '-' ||
        (unsigned char)s[i] >= 0x80)
        return i;
    return 0;
}

static int err_set(char **err, const char *msg)
{
    *err = strdup(msg);
    return -1;
}

int ccheck_load(ccheck *c, const cwsh_domain *d, char **err)
{
    memset(c, 0, sizeof *c);
    int n = d->nitems;
    c->items = calloc((size_t)n + 1, sizeof *c->items);
    unsigned size = 16;
    while (size < 2u * (unsigned)n + 2) size *= 2;
    c->slot = calloc(size, sizeof *c->slot);
    c->mask = size - 1;
    if (!c->items || !c->slot) { ccheck_free(c); return err_set(err, "out of memory"); }
    for (int i = 0; i < n; i++) {
        const char *code = d->items[i].code;
        size_t len = strlen(code);
        if (len && len < sizeof c->items[0].code && ccheck_find(c, code, len) < 0) {
            ccheck_item *it = &c->items[c->n];
            memcpy(it->code, code, len + 1);
            it->points = d->items[i].points;
            if (!(it->title = strdup(d->items[i].title ? d->items[i].title : ""))) {
                ccheck_free(c);
                return err_set(err, "out of memory");
            }
            unsigned h = hash(code, len) & c->mask;
            while (c->slot[h]) h = (h + 1) & c->mask;
            c->slot[h] = ++c->n;
        }
    }
    if (c->n == 0) { ccheck_free(c); return err_set(err, "cannot import: the checklist is empty"); }
    c->d = d;
    /* anchored here, so a pattern written without ^ matches at the start only */
    size_t pn = strlen(d->item_code ? d->item_code : "");
    char *pat = malloc(pn + 4);
    if (!pat) { ccheck_free(c); return err_set(err, "out of memory"); }
    snprintf(pat, pn + 4, "^(%s)", d->item_code ? d->item_code : "");
    c->have_re = regcomp(&c->code_re, pat, REG_EXTENDED) == 0;
    free(pat);
    return 0;
}

void ccheck_free(ccheck *c)
{
    for (int i = 0; c->items && i < c->n; i++) free(c->items[i].title);
    if (c->have_re) regfree(&c->code_re);
    free(c->items);
    free(c->slot);
    memset(c, 0, sizeof *c);
}
