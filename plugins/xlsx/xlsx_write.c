/*
 * xlsx_write.c — writes a document's titled result sets as an xlsx
 * workbook with libxlsxwriter: one worksheet per result set, typed cells
 * (numbers stay numbers, so a sum in Excel works), the number formats the
 * screen showed them with, a frozen bold header row and column widths
 * fitted to Chinese text.
 *
 * libxlsxwriter 1.1.4 (Debian 12) writes only to a named file, so the
 * workbook is written to a temporary file and copied into `out`.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include "xlsx_write.h"

static char *msgf(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 3;
    char *m = malloc(n);
    if (m) snprintf(m, n, "%s: %s", a, b);
    return m;
}

/* One UTF-8 character at s[0..n): its length, the code point in *cp
 * (-1 for a byte that does not start a valid character). */
static size_t decode(const unsigned char *s, size_t n, long *cp)
{
    size_t len = s[0] < 0x80 ? 1 : (s[0] >> 5) == 6 ? 2 : (s[0] >> 4) == 14 ? 3 : (s[0] >> 3) == 30 ? 4 : 0;
    if (len == 0 || len > n) { *cp = -1; return 1; }
    long c = len == 1 ? s[0] : s[0] & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = -1; return 1; }
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return len;
}

static int wide(long c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) || (c >= 0xAC00 && c <= 0xD7A3)
        || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60)
        || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

int xlsxw_width(const char *s, size_t n)
{
    int w = 0;
    size_t i = 0;
    while (i < n) {
        long c;
        i += decode((const unsigned char *)s + i, n - i, &c);
        w += wide(c) ? 2 : 1;
    }
    return w;
}

void xlsxw_numfmt(const char *s, size_t n, char *buf, size_t size, int *percent)
{
    *percent = 0;
    buf[0] = 0;
    if (!s || n == 0) return;
    int plus = s[0] == '+';
    size_t dot = n, digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') dot = i;
        else if (dot < n && s[i] >= '0' && s[i] <= '9') digits++;
    }
    *percent = s[n - 1] == '%';
    if (digits > 9) digits = 9;
    char base[16] = "0";
    if (digits > 0) { strcpy(base, "0."); memset(base + 2, '0', digits); base[2 + digits] = 0; }
    const char *pc = *percent ? "%" : "";
    if (plus) snprintf(buf, size, "+%s%s;-%s%s;%s%s", base, pc, base, pc, base, pc);
    else if (digits > 0 || *percent) snprintf(buf, size, "%s%s", base, pc);
}

void xlsxw_sheet_name(const char *title, int index, char *buf, size_t size)
{
    size_t o = 0, chars = 0, n = title ? strlen(title) : 0;
    for (size_t i = 0; i < n && chars < 31 && o + 5 < size;) {
        long c;
        size_t len = decode((const unsigned char *)title + i, n - i, &c);
        /* c < 0x80 first: strchr would match a code point's low byte */
        if (c < 0x20 || (c < 0x80 && strchr("[]:*?/\\", (int)c))) buf[o++] = '_';
        else { memcpy(buf + o, title + i, len); o += len; }
        i += len;
        chars++;
    }
    buf[o] = 0;
    /* Excel refuses a name that starts or ends with an apostrophe */
    if (o == 0 || buf[0] == '\'' || buf[o - 1] == '\'') snprintf(buf, size, "Sheet%d", index + 1);
}

/* A name not yet used: "NAME", else "NAME (2)", ... shortened to 31 characters. */
static void unique_name(lxw_workbook *wb, char *name, size_t size, int index)
{
    if (!workbook_get_worksheet_by_name(wb, name)) return;
    char base[160];
    snprintf(base, sizeof base, "%s", name);
    for (int k = 2; k < 1000; k++) {
        char suffix[16];
        int sl = snprintf(suffix, sizeof suffix, "(%d)", k);
        /* cut base to 31 - sl characters (UTF-8 aware) */
        size_t o = 0, chars = 0, n = strlen(base);
        while (o < n && chars < (size_t)(31 - sl)) {
            long c;
            o += decode((const unsigned char *)base + o, n - o, &c);
            chars++;
        }
        snprintf(name, size, "%.*s%s", (int)o, base, suffix);
        if (!workbook_get_worksheet_by_name(wb, name)) return;
    }
    snprintf(name, size, "Sheet%d", index + 1);
}

#define MAX_FORMATS 64

typedef struct fmt_cache {
    char text[MAX_FORMATS][48];
    lxw_format *fmt[MAX_FORMATS];
    int n;
} fmt_cache;

static lxw_format *number_format(lxw_workbook *wb, fmt_cache *fc, const char *text)
{
    if (!text[0]) return NULL;
    for (int i = 0; i < fc->n; i++)
        if (strcmp(fc->text[i], text) == 0) return fc->fmt[i];
    lxw_format *f = workbook_add_format(wb);
    format_set_num_format(f, text);
    if (fc->n < MAX_FORMATS) {
        snprintf(fc->text[fc->n], sizeof fc->text[0], "%s", text);
        fc->fmt[fc->n++] = f;
    }
    return f;
}

static int write_sheet(lxw_workbook *wb, int index, const cwsh_table *t, lxw_format *head, fmt_cache *fc)
{
    char name[160];
    xlsxw_sheet_name(t->title, index, name, sizeof name);
    unique_name(wb, name, sizeof name, index);
    lxw_worksheet *ws = workbook_add_worksheet(wb, name);
    if (!ws) return -1;
    int *width = calloc((size_t)(t->ncol > 0 ? t->ncol : 1), sizeof *width);
    if (!width) return -1;
    for (int c = 0; c < t->ncol; c++) {
        const char *h = t->columns[c] ? t->columns[c] : "";
        worksheet_write_string(ws, 0, (lxw_col_t)c, h, head);
        width[c] = xlsxw_width(h, strlen(h));
    }
    char *buf = NULL;
    size_t cap = 0;
    int rc = 0;
    for (long r = 0; r < t->nrow && rc == 0; r++) {
        for (int c = 0; c < t->ncol; c++) {
            const cwsh_value *v = &t->cells[r * t->ncol + c];
            lxw_row_t row = (lxw_row_t)(r + 1);
            int w = 0;
            if (v->type == CWSH_INT || v->type == CWSH_REAL) {
                double x = v->type == CWSH_INT ? (double)v->i : v->r;
                char nf[48];
                int percent = 0;
                xlsxw_numfmt(v->s, v->s ? v->n : 0, nf, sizeof nf, &percent);
                if (percent) x /= 100;
                worksheet_write_number(ws, row, (lxw_col_t)c, x, number_format(wb, fc, nf));
                if (v->s) w = xlsxw_width(v->s, v->n);
                else { char tmp[32]; w = snprintf(tmp, sizeof tmp, "%g", x); }
            } else if (v->type == CWSH_TEXT) {
                if (v->n + 1 > cap) {
                    char *nb = realloc(buf, v->n + 1);
                    if (!nb) { rc = -1; break; }
                    buf = nb; cap = v->n + 1;
                }
                memcpy(buf, v->s, v->n);
                buf[v->n] = 0;
                worksheet_write_string(ws, row, (lxw_col_t)c, buf, NULL);
                w = xlsxw_width(v->s, v->n);
            }
            if (w > width[c]) width[c] = w;
        }
    }
    free(buf);
    /* Excel's column width is in characters of the default font; a wide
     * character takes two.  A little padding, and a cap so that one long
     * note does not make a column a screen wide. */
    for (int c = 0; c < t->ncol; c++) {
        int w = width[c] + 2;
        if (w > 60) w = 60;
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
    }
    free(width);
    worksheet_freeze_panes(ws, 1, 0);
    return rc;
}

int xlsxw_write(void *self, FILE *out, int n, const cwsh_table *tables, char **err)
{
    (void)self;
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/cwsh-xlsx.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0) { *err = msgf("cannot make a temporary file", strerror(errno)); return -1; }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    if (!wb) { unlink(path); *err = msgf("xlsx", "cannot start the workbook"); return -1; }
    lxw_format *head = workbook_add_format(wb);
    format_set_bold(head);
    format_set_bg_color(head, 0xDDE5EF);
    format_set_border(head, LXW_BORDER_THIN);
    fmt_cache *fc = calloc(1, sizeof *fc);
    int rc = fc ? 0 : -1;
    for (int i = 0; i < n && rc == 0; i++) rc = write_sheet(wb, i, &tables[i], head, fc);
    if (n == 0 && rc == 0) workbook_add_worksheet(wb, NULL);     /* a workbook needs a sheet */
    free(fc);
    lxw_error e = workbook_close(wb);
    if (rc != 0 || e != LXW_NO_ERROR) {
        unlink(path);
        *err = msgf("xlsx", rc != 0 ? "out of memory" : lxw_strerror(e));
        return -1;
    }
    FILE *in = fopen(path, "rb");
    if (!in) { unlink(path); *err = msgf("xlsx: cannot read the temporary file", strerror(errno)); return -1; }
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, in)) > 0) {
        if (fwrite(chunk, 1, k, out) != k) { rc = -1; break; }
    }
    if (rc == 0 && ferror(in)) rc = -1;     /* a short read is no workbook */
    fclose(in);
    unlink(path);
    if (rc != 0) { *err = msgf("xlsx", strerror(errno)); return -1; }
    return 0;
}
