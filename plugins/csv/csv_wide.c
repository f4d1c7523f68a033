/*
 * csv_wide.c — header titles and per-item notes of wide sheets (see
 * csv_wide.h).
 */
#include <string.h>
#include "csv_conv.h"
#include "csv_wide.h"

/* Skip what sits between a code and its text: blanks, '.', '_', '-',
 * '、', '：', ':' and the full-width space. */
static void skip_sep(const char **s, size_t *n)
{
    for (;;) {
        if (*n && strchr(" ._-:\t", **s)) { (*s)++; (*n)--; continue; }
        if (*n >= 3 && (memcmp(*s, "、", 3) == 0 || memcmp(*s, "：", 3) == 0
                        || memcmp(*s, "\xe3\x80\x80", 3) == 0)) { *s += 3; *n -= 3; continue; }
        return;
    }
}

void cwide_titles(cwsh_host *h, const char *file, long line, const cmap *m, const ccheck *ck,
                  char *const *hdr, const size_t *len, int n)
{
    for (int j = 0; j < n && j < m->ncol; j++) {
        int k = m->item[j];
        if (k < 0) continue;
        const char *s = hdr[j];
        size_t sn = len[j];
        conv_trim(&s, &sn);
        size_t c = ccheck_code_prefix(ck, s, sn);
        const char *t = s + c;
        size_t tn = sn - c;
        skip_sep(&t, &tn);
        const char *title = ck->items[k].title;
        if (!tn || !title[0] || (tn == strlen(title) && memcmp(t, title, tn) == 0)) continue;
        h->noticef(h, "%s:%ld:%d: warning: column %d \"%.*s\" is item %s, whose title in the checklist "
                   "is \"%s\"", file, line, j + 1, j + 1, (int)sn, s, ck->items[k].code, title);
    }
}

int cwide_note_part(const ccheck *ck, const char *note, size_t len, size_t *pos, int *item,
                    const char **s, size_t *n)
{
    while (*pos < len) {
        const char *p = note + *pos;
        size_t rest = len - *pos, pn = rest, step = rest;
        for (size_t i = 0; i < rest; i++) {
            if (p[i] == ';') { pn = i; step = i + 1; break; }
            if (i + 3 <= rest && memcmp(p + i, "；", 3) == 0) { pn = i; step = i + 3; break; }
        }
        *pos += step;
        const char *q = p;
        size_t qn = pn;
        conv_trim(&q, &qn);
        size_t c = ccheck_code_prefix(ck, q, qn);
        int k = c ? ccheck_find(ck, q, c) : -1;
        if (k < 0) continue;
        q += c;
        qn -= c;
        skip_sep(&q, &qn);
        conv_trim(&q, &qn);
        *item = k;
        *s = q;
        *n = qn;
        return 1;
    }
    return 0;
}
