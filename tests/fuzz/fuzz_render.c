/*
 * fuzz_render.c — fuzz target for the result-set renderer (core/render.c)
 * and the display widths it aligns by (core/utf8.c).
 *
 * Input: byte 0 picks the mode (bits 0-2: box, table, csv, tsv, json,
 * markdown, line, list; bit 3 headers off), byte 1 the number of columns
 * (1-6); the rest is cells separated by 0xFF (never in UTF-8): first the
 * column names, then the rows, filled in order.  A cell of 1-18 ASCII
 * digits is an INT, a cell that is one 0xFE byte is NULL, anything else
 * is TEXT, bytes as they are (NUL, controls, escape sequences, wide and
 * combining characters, invalid UTF-8).
 *
 * Checks, by mode:
 *   box, table, markdown  every line has the same display width (utf8.h),
 *       so the columns line up whatever the cells hold; no control
 *       character reaches the output (C0 but the line ends, DEL, and the
 *       C1 controls U+0080-U+009F, which a terminal may act on as ESC [
 *       does); markdown's lines each hold ncol + 1 unescaped '|';
 *   csv   read back by an RFC 4180 reader, the records and fields are the
 *       header and the cells' text (NULL as "", INT as its digits);
 *   tsv   one line per record, ncol fields, each unescaping to the text;
 *   json  valid JSON (a small strict parser) whose strings, for cells of
 *       valid UTF-8, unescape to the cells' text.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) { fprintf(stderr, "fuzz_render: invariant broken: %s\n", what); abort(); }
}

typedef struct piece { const char *s; size_t n; } piece;

/* ---------------------------------------------------------- csv reader */

/* One RFC 4180 field at *p (records end in CRLF); returns 1 when it ends
 * its record. */
static int csv_read_field(const char **p, const char *end, char *out, size_t *n)
{
    const char *s = *p;
    *n = 0;
    if (s < end && *s == '"') {
        s++;
        for (;;) {
            check(s < end, "csv: a quoted field runs to the end");
            if (*s == '"') {
                if (s + 1 < end && s[1] == '"') { out[(*n)++] = '"'; s += 2; continue; }
                s++;
                break;
            }
            out[(*n)++] = *s++;
        }
    } else {
        while (s < end && *s != ',' && *s != '\r' && *s != '\n') {
            check(*s != '"', "csv: a quote inside an unquoted field");
            out[(*n)++] = *s++;
        }
    }
    check(s < end, "csv: a record without its line end");
    if (*s == ',') { *p = s + 1; return 0; }
    check(*s == '\r' && s + 1 < end && s[1] == '\n', "csv: a record not ended by CRLF");
    *p = s + 2;
    return 1;
}

static void check_csv(const char *o, size_t len, piece *rec, int nrec, int ncol)
{
    const char *p = o, *end = o + len;
    char *field = malloc(len + 1);
    for (int r = 0; r < nrec; r++) {
        for (int c = 0; c < ncol; c++) {
            size_t n;
            int last = csv_read_field(&p, end, field, &n);
            check(last == (c == ncol - 1), "csv: a record of another number of fields");
            check(n == rec[r * ncol + c].n && !memcmp(field, rec[r * ncol + c].s, n),
                  "csv: a field does not read back as its text");
        }
    }
    check(p == end, "csv: more records than rows");
    free(field);
}

/* ---------------------------------------------------------- tsv reader */

static void check_tsv(const char *o, size_t len, piece *rec, int nrec, int ncol)
{
    const char *p = o, *end = o + len;
    char *field = malloc(len + 1);
    for (int r = 0; r < nrec; r++) {
        for (int c = 0; c < ncol; c++) {
            size_t n = 0;
            while (p < end && *p != '\t' && *p != '\n') {
                if (*p == '\\') {
                    check(p + 1 < end, "tsv: a \\ at the end");
                    char e = p[1];
                    check(e == 't' || e == 'n' || e == 'r' || e == '\\', "tsv: an unknown escape");
                    field[n++] = e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : '\\';
                    p += 2;
                } else {
                    field[n++] = *p++;
                }
            }
            check(p < end, "tsv: a record without its line end");
            check((*p == '\n') == (c == ncol - 1), "tsv: a record of another number of fields");
            p++;
            check(n == rec[r * ncol + c].n && !memcmp(field, rec[r * ncol + c].s, n),
                  "tsv: a field does not unescape to its text");
        }
    }
    check(p == end, "tsv: more records than rows");
    free(field);
}

/* ---------------------------------------------------------- json parser */

typedef struct jp { const char *p, *end; char *buf; size_t n; } jp;

static void j_ws(jp *j) { while (j->p < j->end && strchr(" \n\r\t", *j->p) && *j->p) j->p++; }

static void j_lit(jp *j, const char *w)
{
    size_t n = strlen(w);
    check((size_t)(j->end - j->p) >= n && !memcmp(j->p, w, n), "json: a bad literal");
    j->p += n;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A string into j->buf (UTF-8; \u escapes encoded back); the raw text
 * must be valid UTF-8 with no control character. */
static void j_string(jp *j)
{
    j->n = 0;
    check(j->p < j->end && *j->p == '"', "json: a string expected");
    j->p++;
    for (;;) {
        check(j->p < j->end, "json: a string runs to the end");
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') { j->p++; return; }
        check(c >= 0x20, "json: a raw control character in a string");
        if (c == '\\') {
            check(j->p + 1 < j->end, "json: a \\ at the end");
            char e = j->p[1];
            j->p += 2;
            const char *simple = strchr("\"\\/bfnrt", e);
            check(e && (simple || e == 'u'), "json: an unknown escape");
            if (e != 'u') {
                const char *to = "\"\\/\b\f\n\r\t";
                j->buf[j->n++] = to[simple - "\"\\/bfnrt"];
                continue;
            }
            check(j->end - j->p >= 4, "json: a short \\u");
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int h = hexval(j->p[i]);
                check(h >= 0, "json: a bad \\u digit");
                v = v * 16 + h;
            }
            j->p += 4;
            check(v < 0xD800 || v > 0xDFFF, "json: a surrogate escape");
            if (v < 0x80) j->buf[j->n++] = (char)v;
            else if (v < 0x800) { j->buf[j->n++] = (char)(0xC0 | v >> 6); j->buf[j->n++] = (char)(0x80 | (v & 63)); }
            else {
                j->buf[j->n++] = (char)(0xE0 | v >> 12);
                j->buf[j->n++] = (char)(0x80 | ((v >> 6) & 63));
                j->buf[j->n++] = (char)(0x80 | (v & 63));
            }
            continue;
        }
        int32_t cp;
        size_t len = utf8_decode(j->p, (size_t)(j->end - j->p), &cp);
        check(cp >= 0, "json: a string that is not UTF-8");
        memcpy(j->buf + j->n, j->p, len);
        j->n += len;
        j->p += len;
    }
}

static void j_number(jp *j)
{
    const char *s = j->p;
    if (s < j->end && *s == '-') s++;
    check(s < j->end && *s >= '0' && *s <= '9', "json: a bad number");
    if (*s == '0') s++;
    else while (s < j->end && *s >= '0' && *s <= '9') s++;
    if (s < j->end && *s == '.') {
        s++;
        check(s < j->end && *s >= '0' && *s <= '9', "json: a bad fraction");
        while (s < j->end && *s >= '0' && *s <= '9') s++;
    }
    if (s < j->end && (*s == 'e' || *s == 'E')) {
        s++;
        if (s < j->end && (*s == '+' || *s == '-')) s++;
        check(s < j->end && *s >= '0' && *s <= '9', "json: a bad exponent");
        while (s < j->end && *s >= '0' && *s <= '9') s++;
    }
    j->p = s;
}

/* A scalar value: a cell.  want: the cell's text, NULL for null; valid:
 * whether the cell is UTF-8 (else \ufffd stands in and is not compared). */
static void j_cell(jp *j, const piece *want, int isnull, int isint, int valid)
{
    j_ws(j);
    if (isnull) { j_lit(j, "null"); return; }
    if (isint) {
        const char *s = j->p;
        j_number(j);
        check((size_t)(j->p - s) == want->n && !memcmp(s, want->s, want->n), "json: an INT is not its digits");
        return;
    }
    j_string(j);
    if (valid) check(j->n == want->n && !memcmp(j->buf, want->s, j->n), "json: a string does not unescape to its text");
}

/* ----------------------------------------------------- aligned modes */

static int c1_or_control(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n') || c == 0x7F) return 1;
        int32_t cp;
        size_t len = utf8_decode(s + i, n - i, &cp);
        if (cp >= 0x80 && cp <= 0x9F) return 1;
        i += len;
    }
    return 0;
}

static void check_aligned(const char *o, size_t len, int md, int ncol)
{
    check(!c1_or_control(o, len), "a control character reaches an aligned table");
    int width = -1;
    for (const char *p = o, *end = o + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        check(nl != NULL, "a line without its end");
        int w = utf8_width(p, (size_t)(nl - p));
        if (width < 0) width = w;
        check(w == width, "the lines of a table are of different widths");
        if (md) {
            int bars = 0;
            for (const char *q = p; q < nl; q++) {
                if (*q == '\\' && q + 1 < nl) q++;
                else if (*q == '|') bars++;
            }
            check(bars == ncol + 1, "a markdown line with another number of unescaped |");
        }
        p = nl + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) return 0;
    static const enum render_mode modes[] = {
        RENDER_BOX, RENDER_TABLE, RENDER_CSV, RENDER_TSV, RENDER_JSON,
        RENDER_MARKDOWN, RENDER_LINE, RENDER_LIST };
    enum render_mode mode = modes[data[0] & 7];
    int headers = !(data[0] & 8);
    int ncol = data[1] % 6 + 1;
    /* the cells */
    size_t cap = 16, n = 0;
    piece *cells = malloc(cap * sizeof *cells);
    const char *p = (const char *)data + 2, *end = (const char *)data + size;
    for (;;) {
        const char *sep = memchr(p, 0xFF, (size_t)(end - p));
        if (n == cap) cells = realloc(cells, (cap *= 2) * sizeof *cells);
        cells[n].s = p;
        cells[n].n = (size_t)((sep ? sep : end) - p);
        n++;
        if (!sep) break;
        p = sep + 1;
    }
    /* names: C strings, cut at a NUL as a caller's would be */
    char **names = calloc((size_t)ncol, sizeof *names);
    for (int c = 0; c < ncol; c++) {
        names[c] = c < (int)n ? strndup(cells[c].s, cells[c].n) : strdup("");
    }
    size_t first = (size_t)ncol < n ? (size_t)ncol : n;
    int nrows = (int)((n - first + (size_t)ncol - 1) / (size_t)ncol);
    cwsh_value *v = calloc((size_t)nrows * (size_t)ncol + 1, sizeof *v);
    piece *text = calloc(((size_t)nrows + 1) * (size_t)ncol, sizeof *text);
    char *isint = calloc((size_t)nrows * (size_t)ncol + 1, 1);
    for (int c = 0; c < ncol; c++) text[c] = (piece){ names[c], strlen(names[c]) };
    for (int i = 0; i < nrows * ncol; i++) {
        size_t k = first + (size_t)i;
        piece *t = &text[ncol + i];
        if (k >= n) { v[i].type = CWSH_NULL; *t = (piece){ "", 0 }; continue; }
        const piece *x = &cells[k];
        size_t digits = 0;
        while (digits < x->n && x->s[digits] >= '0' && x->s[digits] <= '9') digits++;
        if (x->n >= 1 && x->n <= 18 && digits == x->n) {
            v[i].type = CWSH_INT;
            char num[20];
            memcpy(num, x->s, x->n);
            num[x->n] = 0;
            v[i].i = strtoll(num, NULL, 10);
            isint[i] = 1;
            /* the text it prints: the digits without leading zeros */
            char *d = malloc(24);
            snprintf(d, 24, "%lld", v[i].i);
            *t = (piece){ d, strlen(d) };
        } else if (x->n == 1 && (unsigned char)x->s[0] == 0xFE) {
            v[i].type = CWSH_NULL;
            *t = (piece){ "", 0 };
        } else {
            v[i].type = CWSH_TEXT;
            v[i].s = x->s;
            v[i].n = x->n;
            *t = *x;
        }
    }
    /* render */
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    render_config cfg = { .mode = mode, .headers = headers };   /* excel's ' would break the round trip */
    cwsh_sink *k = render_open(f, &cfg);
    check(k != NULL, "render_open");
    k->columns(k, ncol, (const char *const *)names);
    for (int r = 0; r < nrows; r++) check(k->row(k, ncol, v + (size_t)r * ncol) == 0, "a row fails");
    k->end(k);
    render_close(&k);
    fclose(f);

    piece *rec = headers ? text : text + ncol;
    int nrec = headers ? nrows + 1 : nrows;
    switch (mode) {
    case RENDER_BOX: case RENDER_TABLE: case RENDER_MARKDOWN:
        check_aligned(out, len, mode == RENDER_MARKDOWN, ncol);
        break;
    case RENDER_CSV:
        check_csv(out, len, rec, nrec, ncol);
        break;
    case RENDER_TSV:
        check_tsv(out, len, rec, nrec, ncol);
        break;
    case RENDER_JSON: {
        jp j = { out, out + len, malloc(len * 3 + 1), 0 };
        j_ws(&j);
        if (nrows == 0) {
            j_lit(&j, "[]");
        } else {
            j_lit(&j, "[");
            for (int r = 0; r < nrows; r++) {
                j_ws(&j);
                if (r) { j_lit(&j, ","); j_ws(&j); }
                j_lit(&j, "{");            /* objects, headers or not, as sqlite3 */
                for (int c = 0; c < ncol; c++) {
                    int i = r * ncol + c;
                    if (c) { j_ws(&j); j_lit(&j, ","); }
                    {
                        j_ws(&j);
                        j_string(&j);
                        if (utf8_valid_prefix(names[c], strlen(names[c])) == strlen(names[c]))
                            check(j.n == strlen(names[c]) && !memcmp(j.buf, names[c], j.n),
                                  "json: a name does not unescape to itself");
                        j_ws(&j);
                        j_lit(&j, ":");
                    }
                    const piece *t = &text[ncol + i];
                    j_cell(&j, t, v[i].type == CWSH_NULL, isint[i],
                           utf8_valid_prefix(t->s, t->n) == t->n);
                }
                j_ws(&j);
                j_lit(&j, "}");
            }
            j_ws(&j);
            j_lit(&j, "]");
        }
        j_ws(&j);
        check(j.p == j.end, "json: text after the value");
        free(j.buf);
        break;
    }
    default:
        break;
    }
    free(out);
    for (int i = 0; i < nrows * ncol; i++) if (isint[i]) free((char *)text[ncol + i].s);
    for (int c = 0; c < ncol; c++) free(names[c]);
    free(names);
    free(isint);
    free(text);
    free(v);
    free(cells);
    return 0;
}
