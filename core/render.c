/*
 * render.c — result sets to box/table/markdown (buffered) and
 * csv/tsv/json/line/list (streamed).  The behaviour of each mode is
 * documented in render.h; this file keeps to how.
 *
 * Streaming modes format numbers into a stack buffer and write straight
 * to the FILE with the unlocked stdio calls (the FILE is locked once per
 * row), so a row costs no malloc.  Buffered modes copy each cell, already
 * made displayable (tabs expanded, controls as ^X), into an arena of large
 * blocks: one malloc per 64 KiB of text, not per cell.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "render.h"
#include "utf8.h"

static const char *const mode_names[] = {
    [RENDER_BOX] = "box", [RENDER_TABLE] = "table", [RENDER_CSV] = "csv",
    [RENDER_TSV] = "tsv", [RENDER_JSON] = "json", [RENDER_MARKDOWN] = "markdown",
    [RENDER_LINE] = "line", [RENDER_LIST] = "list",
};
#define NMODES ((int)(sizeof mode_names / sizeof mode_names[0]))

int render_mode_parse(const char *name, enum render_mode *out)
{
    for (int m = 0; m < NMODES; m++)
        if (name && !strcasecmp(name, mode_names[m])) {
            *out = (enum render_mode)m;
            return 0;
        }
    return -1;
}

const char *render_mode_name(enum render_mode m)
{
    return (int)m >= 0 && (int)m < NMODES ? mode_names[m] : "?";
}

/* ------------------------------------------------------------ the sink */

enum { K_TEXT, K_NUM, K_NULL };          /* what a buffered cell held */
enum { A_LEFT, A_RIGHT, A_CENTER };

/* A buffered cell: displayable text in the arena.  `lines` counts the
 * '\n' separating the lines of a multi-line cell (box and table). */
typedef struct cell {
    const char *s;
    size_t n;
    int w;                    /* widest line, display columns */
    unsigned lines;
    int kind;
} cell;

typedef struct block {
    struct block *next;
    size_t used, size;
    char data[];
} block;

typedef struct column {
    const char *name;         /* arena copy, as given */
    size_t len;
    int namew;                /* display width of the name */
    int json_plain;           /* name needs no JSON escapes */
    int width;                /* buffered modes: column width */
    long long nums, texts;    /* non-NULL values seen, by kind */
    const char *cur;          /* box/table: the rest of a multi-line cell */
    size_t left;
} column;

typedef struct render {
    cwsh_sink k;              /* first: a cwsh_sink* is a render* */
    FILE *out;
    render_config cfg;
    const char *null;         /* cfg.nullvalue, our copy */
    size_t nulllen;
    const char *sep, *rowsep; /* list mode's separators, our copies */
    size_t seplen, rowseplen;
    int ncol;
    int open;                 /* columns() seen, end() not yet */
    int oom;
    int name_maxw;            /* line mode */
    long long rows;
    column *cols;
    cell *head;               /* buffered modes: the names as cells */
    block *arena;
    cell *cells;              /* buffered rows, ncol per row */
    size_t ncells, capcells;
} render;

#define BLOCK_SIZE 65536

/* Room for n bytes in the arena; NULL when out of memory.  The caller
 * takes what it uses with arena_take. */
static char *arena_room(render *r, size_t n)
{
    block *b = r->arena;
    if (b && b->size - b->used >= n) return b->data + b->used;
    size_t size = n > BLOCK_SIZE ? n : BLOCK_SIZE;
    block *nb = malloc(sizeof *nb + size);
    if (!nb) return NULL;
    nb->next = b;
    nb->used = 0;
    nb->size = size;
    r->arena = nb;
    return nb->data;
}

static void arena_take(render *r, size_t n) { r->arena->used += n; }

static void arena_free(render *r)
{
    while (r->arena) {
        block *next = r->arena->next;
        free(r->arena);
        r->arena = next;
    }
}

/* ------------------------------------------------------------- output */

static void put(FILE *f, const char *s, size_t n) { if (n) fwrite_unlocked(s, 1, n, f); }
static void puts_(FILE *f, const char *s) { put(f, s, strlen(s)); }

static void pad(FILE *f, int n)
{
    static const char spaces[] = "                                ";
    while (n > 0) {
        int m = n < (int)sizeof spaces - 1 ? n : (int)sizeof spaces - 1;
        put(f, spaces, (size_t)m);
        n -= m;
    }
}

/* ------------------------------------------------------------ numbers */

static size_t fmt_int(char *buf, long long v)
{
    char tmp[24];
    size_t n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    size_t len = 0;
    if (v < 0) buf[len++] = '-';
    while (n) buf[len++] = tmp[--n];
    buf[len] = 0;
    return len;
}

/* The common case without printf: v has at most 6 decimals and 15
 * significant digits (scores, percentages).  N / 10^d == v proves that the
 * text "N*10^-d" reads back as v, and with 15 digits or fewer that text is
 * also what %.15g prints.  Returns 0 when v is not such a number. */
static size_t fmt_real_short(char *buf, double v)
{
    static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6 };
    double a = fabs(v);
    if (!(a >= 1e-4 && a < 1e15) && a != 0) return 0;
    for (int d = 0; d <= 6; d++) {
        double x = a * p10[d];
        if (x >= 1e15) return 0;
        long long n = (long long)x;
        if ((double)n != x || (double)n / p10[d] != a) continue;
        while (d > 0 && n % 10 == 0) { n /= 10; d--; }
        char digits[24];
        size_t nd = 0;
        do { digits[nd++] = (char)('0' + n % 10); n /= 10; } while (n);
        while (nd <= (size_t)d) digits[nd++] = '0';     /* 0.05: leading zeros */
        size_t len = 0;
        if (signbit(v)) buf[len++] = '-';
        while (nd > (size_t)d) buf[len++] = digits[--nd];
        buf[len++] = '.';
        if (d == 0) buf[len++] = '0';
        while (nd) buf[len++] = digits[--nd];
        buf[len] = 0;
        return len;
    }
    return 0;
}

/* sqlite3's "%!.15g": always show that it is a real ("88.0", "1.0e+20").
 * `exact` adds digits (up to 17) until the text reads back as `v`.
 * buf needs 40 bytes. */
static size_t fmt_real(char *buf, double v, int exact)
{
    if (isnan(v)) return (size_t)sprintf(buf, "NaN");
    if (isinf(v)) return (size_t)sprintf(buf, v < 0 ? "-Inf" : "Inf");
    size_t fast = fmt_real_short(buf, v);
    if (fast) return fast;
    int len = snprintf(buf, 40, "%.15g", v);
    if (exact && strtod(buf, NULL) != v) {
        len = snprintf(buf, 40, "%.16g", v);
        if (strtod(buf, NULL) != v) len = snprintf(buf, 40, "%.17g", v);
    }
    if (strchr(buf, '.')) return (size_t)len;
    char *e = strchr(buf, 'e');
    if (!e) {
        memcpy(buf + len, ".0", 3);
        return (size_t)len + 2;
    }
    memmove(e + 2, e, strlen(e) + 1);
    memcpy(e, ".0", 2);
    return (size_t)len + 2;
}

/* The text a value shows in every mode but json; buf has 40 bytes. */
static const char *value_text(const render *r, const cwsh_value *v, int exact,
                              char *buf, size_t *n)
{
    switch (v->type) {
    case CWSH_INT:
    case CWSH_REAL:
        if (v->s) { *n = v->n; return v->s; }
        *n = v->type == CWSH_INT ? fmt_int(buf, v->i) : fmt_real(buf, v->r, exact);
        return buf;
    case CWSH_TEXT:
        *n = v->s ? v->n : 0;
        return v->s ? v->s : "";
    default:
        *n = r->nulllen;
        return r->null;
    }
}

static const cwsh_value null_value = { CWSH_NULL, 0, 0, NULL, 0 };

/* ---------------------------------------------------------------- csv */

static const unsigned char csv_special[256] = { [','] = 1, ['"'] = 1, ['\n'] = 1, ['\r'] = 1 };

/* Text a spreadsheet would take for a formula (=HYPERLINK(...), =cmd|...,
 * +, -, @, or one of them after a tab or CR). */
static int formula_like(const char *s, size_t n)
{
    return n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r');
}

/* `guard`: write a ' first (render_config.excel), inside the quotes */
static void csv_field(FILE *f, const char *s, size_t n, int guard)
{
    size_t i = 0;
    while (i < n && !csv_special[(unsigned char)s[i]]) i++;
    if (i == n) {
        if (guard) putc_unlocked('\'', f);
        put(f, s, n);
        return;
    }
    putc_unlocked('"', f);
    if (guard) putc_unlocked('\'', f);
    size_t start = 0;
    for (i = 0; i < n; i++)
        if (s[i] == '"') {                /* write through it, then once more */
            put(f, s + start, i + 1 - start);
            start = i;
        }
    put(f, s + start, n - start);
    putc_unlocked('"', f);
}

/* ---------------------------------------------------------------- tsv */

static void tsv_field(FILE *f, const char *s, size_t n)
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i], e;
        if (c == '\t') e = 't';
        else if (c == '\n') e = 'n';
        else if (c == '\r') e = 'r';
        else if (c == '\\') e = '\\';
        else continue;
        put(f, s + start, i - start);
        putc_unlocked('\\', f);
        putc_unlocked(e, f);
        start = i + 1;
    }
    put(f, s + start, n - start);
}

/* --------------------------------------------------------------- json */

static void json_string(FILE *f, const char *s, size_t n)
{
    putc_unlocked('"', f);
    size_t start = 0, i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') { i++; continue; }
        if (c >= 0x80) {
            int32_t cp;
            size_t len = utf8_decode(s + i, n - i, &cp);
            if (cp >= 0) { i += len; continue; }
        }
        put(f, s + start, i - start);
        char esc[8];
        switch (c) {
        case '"':  puts_(f, "\\\""); break;
        case '\\': puts_(f, "\\\\"); break;
        case '\n': puts_(f, "\\n"); break;
        case '\r': puts_(f, "\\r"); break;
        case '\t': puts_(f, "\\t"); break;
        case '\b': puts_(f, "\\b"); break;
        case '\f': puts_(f, "\\f"); break;
        default:
            if (c >= 0x80) puts_(f, "\\ufffd");   /* not UTF-8 */
            else { snprintf(esc, sizeof esc, "\\u%04x", c); puts_(f, esc); }
        }
        start = ++i;
    }
    put(f, s + start, n - start);
    putc_unlocked('"', f);
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int json_number(const char *s, size_t n)
{
    size_t i = 0;
#define DIGITS() do { size_t d0 = i; while (i < n && s[i] >= '0' && s[i] <= '9') i++; \
                      if (i == d0) return 0; } while (0)
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') i++;
    else DIGITS();
    if (i < n && s[i] == '.') { i++; DIGITS(); }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        DIGITS();
    }
#undef DIGITS
    return i == n;
}

static void json_value(FILE *f, const cwsh_value *v)
{
    char buf[40];
    size_t n;
    switch (v->type) {
    case CWSH_INT:
    case CWSH_REAL:
        if (v->s) {                       /* trim a format's padding */
            const char *s = v->s;
            n = v->n;
            while (n && *s == ' ') { s++; n--; }
            while (n && s[n - 1] == ' ') n--;
            if (n > 1 && *s == '+') { s++; n--; }   /* "%+.1f": +1.0 is 1.0 */
            if (json_number(s, n)) { put(f, s, n); return; }
        }
        if (v->type == CWSH_REAL && !isfinite(v->r)) { puts_(f, "null"); return; }
        n = v->type == CWSH_INT ? fmt_int(buf, v->i) : fmt_real(buf, v->r, 1);
        put(f, buf, n);
        return;
    case CWSH_TEXT:
        json_string(f, v->s ? v->s : "", v->s ? v->n : 0);
        return;
    default:
        puts_(f, "null");
    }
}

/* ------------------------------------------------------ streamed rows */

/* RFC 4180 ends CSV records with CRLF (as sqlite3's csv mode does);
 * the other streamed modes with LF. */
/* A value for people in line mode: control characters other than tab and
 * newline as ^X (DEL as ^?), as in the table modes' cells, so that an
 * escape sequence from a sheet's cell (ESC [2J, an OSC title) never
 * reaches the terminal as one. */
static int is_c1(const char *s, size_t n);

static void put_visible(FILE *f, const char *s, size_t n)
{
    size_t i = 0, from = 0;
    for (; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == 0xC2 && is_c1(s + i, n - i)) {      /* a C1 control (CSI): M-^[, as a cell shows it */
            put(f, s + from, i - from);
            put(f, "M-^", 3);
            putc_unlocked((char)((unsigned char)s[i + 1] - 0x80 + '@'), f);
            from = ++i + 1;
            continue;
        }
        if ((ch >= 0x20 && ch != 0x7F) || ch == '\t' || ch == '\n') continue;
        put(f, s + from, i - from);
        putc_unlocked('^', f);
        putc_unlocked(ch == 0x7F ? '?' : (char)(ch + '@'), f);
        from = i + 1;
    }
    put(f, s + from, i - from);
}

static void end_record(const render *r, FILE *f, enum render_mode m)
{
    if (m == RENDER_LIST) { put(f, r->rowsep, r->rowseplen); return; }
    if (m == RENDER_CSV) putc_unlocked('\r', f);
    putc_unlocked('\n', f);
}

static void field_sep(const render *r, FILE *f, enum render_mode m)
{
    if (m == RENDER_LIST) put(f, r->sep, r->seplen);
    else putc_unlocked(m == RENDER_CSV ? ',' : '\t', f);
}

static void stream_header(render *r)
{
    FILE *f = r->out;
    enum render_mode m = r->cfg.mode;
    if (!r->cfg.headers || r->ncol == 0 || (m != RENDER_CSV && m != RENDER_TSV && m != RENDER_LIST))
        return;
    flockfile(f);
    for (int c = 0; c < r->ncol; c++) {
        const column *col = &r->cols[c];
        if (c) field_sep(r, f, m);
        /* a column name is text as any cell (an .import's header: "=f") */
        int guard = r->cfg.excel && formula_like(col->name, col->len);
        if (m == RENDER_CSV) csv_field(f, col->name, col->len, guard);
        else if (m == RENDER_TSV) { if (guard) putc_unlocked('\'', f); tsv_field(f, col->name, col->len); }
        else put(f, col->name, col->len);
    }
    end_record(r, f, m);
    funlockfile(f);
}

static void stream_row(render *r, int n, const cwsh_value *v)
{
    FILE *f = r->out;
    enum render_mode m = r->cfg.mode;
    char buf[40];
    size_t len;
    int exact = m != RENDER_LINE && m != RENDER_LIST;
    if (m == RENDER_JSON) {
        puts_(f, r->rows ? ",\n" : "[");
        putc_unlocked('{', f);           /* objects whatever .headers says, as sqlite3 */
    } else if (m == RENDER_LINE && r->rows) {
        putc_unlocked('\n', f);
    }
    for (int c = 0; c < r->ncol; c++) {
        const cwsh_value *x = c < n ? &v[c] : &null_value;
        const column *col = &r->cols[c];
        switch (m) {
        case RENDER_JSON:
            if (c) putc_unlocked(',', f);
            {
                if (col->json_plain) {
                    putc_unlocked('"', f);
                    put(f, col->name, col->len);
                    putc_unlocked('"', f);
                } else {
                    json_string(f, col->name, col->len);
                }
                putc_unlocked(':', f);
            }
            json_value(f, x);
            break;
        case RENDER_LINE: {
            const char *s = value_text(r, x, exact, buf, &len);
            pad(f, r->name_maxw - col->namew);
            put(f, col->name, col->len);
            put(f, " = ", 3);
            put_visible(f, s, len);
            putc_unlocked('\n', f);
            break;
        }
        default: {
            const char *s = value_text(r, x, exact, buf, &len);
            if (c) field_sep(r, f, m);
            int guard = r->cfg.excel && x->type == CWSH_TEXT && formula_like(s, len);
            if (m == RENDER_CSV) csv_field(f, s, len, guard);
            else if (m == RENDER_TSV) { if (guard) putc_unlocked('\'', f); tsv_field(f, s, len); }
            else put(f, s, len);
        }
        }
    }
    if (m == RENDER_JSON) putc_unlocked('}', f);
    else if (m != RENDER_LINE) end_record(r, f, m);
}

static void stream_end(render *r)
{
    if (r->cfg.mode != RENDER_JSON) return;
    if (r->rows) puts_(r->out, "]\n");
    else if (r->ncol) puts_(r->out, "[]\n");
}

/* ---------------------------------------------------- buffered cells */

static int is_buffered(enum render_mode m)
{
    return m == RENDER_BOX || m == RENDER_TABLE || m == RENDER_MARKDOWN;
}

/* Whether s[0..n) starts with a C1 control (U+0080-U+009F, UTF-8 C2 80 to
 * C2 9F): terminals may act on them as on ESC and a letter (U+009B is
 * CSI, ESC [), so a cell shows them as cat -v shows their byte, M-^[. */
static int is_c1(const char *s, size_t n)
{
    return n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] >= 0x80
           && (unsigned char)s[1] <= 0x9F;
}

/* Copy s[0..n) into the arena as it should show in a cell: see render.h
 * for tabs, newlines, controls and markdown's '|'.  Returns -1 when out of
 * memory. */
static int cell_make(render *r, cell *c, const char *s, size_t n, int kind)
{
    int md = r->cfg.mode == RENDER_MARKDOWN;
    size_t i = 0;
    while (i < n && (unsigned char)s[i] >= 0x20 && s[i] != 0x7F && !(md && (s[i] == '|' || s[i] == '\\'))
           && !is_c1(s + i, n - i))
        i++;
    c->kind = kind;
    c->lines = 0;
    if (i == n) {                          /* nothing to change: the usual case */
        char *d = arena_room(r, n);
        if (!d) return -1;
        memcpy(d, s, n);
        arena_take(r, n);
        c->s = d;
        c->n = n;
        c->w = utf8_width(s, n);
        return 0;
    }
    size_t room = n;                       /* the most the text can grow to */
    for (size_t j = i; j < n; j++) {
        unsigned char ch = (unsigned char)s[j];
        if (ch == '\t') room += 7;
        else if (ch < 0x20 || ch == 0x7F || ch == '|' || ch == '\\') room += 3;
        else if (ch == 0xC2) room += 2;    /* a C1 control, 2 bytes, shows in 4 */
    }
    char *d = arena_room(r, room);
    if (!d) return -1;
    size_t o = 0;
    int col = 0, w = 0;
    for (i = 0; i < n;) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\r' && i + 1 < n && s[i + 1] == '\n') { i++; continue; }
        if (ch == '\n') {
            if (md) { memcpy(d + o, "<br>", 4); o += 4; col += 4; }
            else { d[o++] = '\n'; if (col > w) w = col; col = 0; c->lines++; }
            i++;
        } else if (ch == '\t') {
            do { d[o++] = ' '; col++; } while (col % 8);
            i++;
        } else if (ch < 0x20 || ch == 0x7F) {
            d[o++] = '^';
            d[o++] = ch == 0x7F ? '?' : (char)(ch + '@');
            col += 2;
            if (md && ch == 0x1C) { d[o++] = '\\'; col++; }   /* ^\ before a \| */
            i++;
        } else if (is_c1(s + i, n - i)) {
            memcpy(d + o, "M-^", 3);
            d[o + 3] = (char)((unsigned char)s[i + 1] - 0x80 + '@');
            o += 4;
            col += 4;
            i += 2;
        } else if (md && (ch == '|' || ch == '\\')) {
            /* a \ of the text escaped too: "x\|" must not leave a bare | */
            d[o++] = '\\';
            d[o++] = (char)ch;
            col += 2;
            i++;
        } else {
            int32_t cp;
            size_t len = utf8_decode(s + i, n - i, &cp);
            memcpy(d + o, s + i, len);
            o += len;
            i += len;
            col += utf8_cp_width(cp);
        }
    }
    if (col > w) w = col;
    arena_take(r, o);
    c->s = d;
    c->n = o;
    c->w = w;
    return 0;
}

/* A cell's lines wider than `wrap` columns broken onto lines of at most
 * that (a character wider than the whole line stays whole): at the last
 * blank of the line when it is in the line's second half (words of a
 * note in Latin letters), else before the character that would not fit
 * (Chinese text has no blanks to break at).  Returns -1 when out of
 * memory. */
/* The lines cell_wrap is making: where the current one starts, its width
 * so far, its last blank, and the widest line. */
typedef struct wrapping {
    char *d;
    size_t o, line, blank;      /* bytes out; the line's start; its last blank, or NONE_AT */
    int col, at_blank, w;       /* the line's width; the width before the blank; the widest */
    unsigned lines;             /* line ends made */
} wrapping;

#define NONE_AT ((size_t)-1)

/* End the line at the output's end (a break, or the cell's own newline). */
static void wrap_end(wrapping *x)
{
    x->d[x->o++] = '\n';
    if (x->col > x->w) x->w = x->col;
    x->col = 0;
    x->line = x->o;
    x->blank = NONE_AT;
    x->lines++;
}

static int cell_wrap(render *r, cell *c, int wrap)
{
    size_t n = c->n;
    wrapping x = { .d = arena_room(r, 2 * n + 1), .blank = NONE_AT };  /* at most one break per character */
    if (!x.d) return -1;
    for (size_t i = 0; i < n;) {
        if (c->s[i] == '\n') { wrap_end(&x); i++; continue; }
        int32_t cp;
        size_t len = utf8_decode(c->s + i, n - i, &cp);
        int cw = utf8_cp_width(cp);
        if (x.col + cw > wrap && x.o > x.line) {
            if (x.blank != NONE_AT && x.at_blank * 2 >= wrap) {
                /* the blank becomes the line end; what follows it goes down */
                x.d[x.blank] = '\n';
                if (x.at_blank > x.w) x.w = x.at_blank;
                x.col -= x.at_blank + 1;
                x.line = x.blank + 1;
                x.blank = NONE_AT;
                x.lines++;
            } else {
                wrap_end(&x);
            }
        }
        if (cp == ' ') { x.blank = x.o; x.at_blank = x.col; }
        memcpy(x.d + x.o, c->s + i, len);
        x.o += len;
        i += len;
        x.col += cw;
    }
    if (x.col > x.w) x.w = x.col;
    arena_take(r, x.o);
    c->s = x.d;
    c->n = x.o;
    c->w = x.w;
    c->lines = x.lines;
    return 0;
}

static int buffer_row(render *r, int n, const cwsh_value *v)
{
    size_t need = r->ncells + (size_t)r->ncol;
    if (need > r->capcells) {
        size_t cap = r->capcells ? r->capcells * 2 : 256;
        while (cap < need) cap *= 2;
        cell *nc = realloc(r->cells, cap * sizeof *nc);
        if (!nc) return -1;
        r->cells = nc;
        r->capcells = cap;
    }
    char buf[40];
    for (int c = 0; c < r->ncol; c++) {
        const cwsh_value *x = c < n ? &v[c] : &null_value;
        int kind = x->type == CWSH_INT || x->type == CWSH_REAL ? K_NUM
                 : x->type == CWSH_TEXT ? K_TEXT : K_NULL;
        size_t len;
        const char *s = value_text(r, x, 0, buf, &len);
        cell *to = &r->cells[r->ncells + (size_t)c];
        if (cell_make(r, to, s, len, kind) != 0) return -1;
        if (r->cfg.wrap > 0 && to->w > r->cfg.wrap && r->cfg.mode != RENDER_MARKDOWN &&
            cell_wrap(r, to, r->cfg.wrap) != 0)
            return -1;
    }
    for (int c = 0; c < r->ncol; c++) {    /* the row is in: count it */
        const cell *x = &r->cells[r->ncells + (size_t)c];
        column *col = &r->cols[c];
        if (x->w > col->width) col->width = x->w;
        if (x->kind == K_NUM) col->nums++;
        else if (x->kind == K_TEXT) col->texts++;
    }
    r->ncells = need;
    return 0;
}

/* ------------------------------------------------------ buffered output */

static const char *const box_h = "─";

/* A horizontal rule: left, the column fill, mid between, right. */
static void rule(render *r, const char *left, const char *fill, const char *mid,
                 const char *right)
{
    FILE *f = r->out;
    size_t fl = strlen(fill);
    puts_(f, left);
    for (int c = 0; c < r->ncol; c++) {
        if (c) puts_(f, mid);
        for (int i = 0; i < r->cols[c].width + 2; i++) put(f, fill, fl);
    }
    puts_(f, right);
    putc_unlocked('\n', f);
}

/* markdown's alignment row: ---: for number columns. */
static void md_align(render *r)
{
    FILE *f = r->out;
    putc_unlocked('|', f);
    for (int c = 0; c < r->ncol; c++) {
        const column *col = &r->cols[c];
        int right = col->nums > 0 && col->texts == 0;
        for (int i = 0; i < col->width + 2 - right; i++) putc_unlocked('-', f);
        if (right) putc_unlocked(':', f);
        putc_unlocked('|', f);
    }
    putc_unlocked('\n', f);
}

static void aligned(FILE *f, const char *s, size_t n, int w, int width, int align)
{
    int room = width - w;
    int before = align == A_RIGHT ? room : align == A_CENTER ? room / 2 : 0;
    pad(f, before);
    put(f, s, n);
    pad(f, room - before);
}

/* One table row, as many lines tall as its tallest cell; `head`: the
 * header row, centred. */
static void table_row(render *r, const cell *row, const char *bar, int head)
{
    FILE *f = r->out;
    unsigned lines = 0;
    for (int c = 0; c < r->ncol; c++) {
        if (row[c].lines > lines) lines = row[c].lines;
        r->cols[c].cur = row[c].s;
        r->cols[c].left = row[c].n;
    }
    for (unsigned l = 0; l <= lines; l++) {
        puts_(f, bar);
        for (int c = 0; c < r->ncol; c++) {
            column *col = &r->cols[c];
            const cell *x = &row[c];
            int align = head ? A_CENTER
                      : x->kind == K_NUM ? A_RIGHT
                      : x->kind == K_NULL && col->nums > 0 && col->texts == 0 ? A_RIGHT
                      : A_LEFT;
            const char *s = col->cur;
            size_t n = col->left;
            int w = x->w;
            if (x->lines) {                /* this line of a multi-line cell */
                const char *nl = memchr(s, '\n', n);
                n = nl ? (size_t)(nl - s) : n;
                col->cur = s + n + (nl != NULL);
                col->left -= n + (nl != NULL);
                w = utf8_width(s, n);
            } else if (l > 0) {
                n = 0;
                w = 0;
            }
            putc_unlocked(' ', f);
            aligned(f, s, n, w, col->width, align);
            putc_unlocked(' ', f);
            puts_(f, bar);
        }
        putc_unlocked('\n', f);
    }
}

static void buffered_end(render *r)
{
    if (r->ncol == 0) return;
    size_t nrows = r->ncells / (size_t)r->ncol;
    enum render_mode m = r->cfg.mode;
    int box = m == RENDER_BOX, md = m == RENDER_MARKDOWN;
    /* a Markdown table has a header row, or it is not one */
    int headers = r->cfg.headers || md;
    if (!headers && nrows == 0) return;
    const char *bar = box ? "│" : "|";
    FILE *f = r->out;
    flockfile(f);
    if (box) rule(r, "┌", box_h, "┬", "┐");
    else if (!md) rule(r, "+", "-", "+", "+");
    if (headers) {
        table_row(r, r->head, bar, 1);
        if (md) md_align(r);
        else if (nrows) {
            if (box) rule(r, "├", box_h, "┼", "┤");
            else rule(r, "+", "-", "+", "+");
        }
    }
    for (size_t i = 0; i < nrows && !(r->cfg.cancel && *r->cfg.cancel); i++)
        table_row(r, r->cells + i * (size_t)r->ncol, bar, 0);
    if (box) rule(r, "└", box_h, "┴", "┘");
    else if (!md) rule(r, "+", "-", "+", "+");
    funlockfile(f);
}

/* ----------------------------------------------------- sink functions */

/* Forget the result set: keeps the sink, the config and the null text. */
static void reset(render *r)
{
    free(r->cols);
    free(r->head);
    free(r->cells);
    arena_free(r);
    r->cols = NULL;
    r->head = NULL;
    r->cells = NULL;
    r->ncells = r->capcells = 0;
    r->ncol = 0;
    r->rows = 0;
    r->oom = 0;
    r->name_maxw = 0;
    r->open = 0;
}

static void r_end(cwsh_sink *k)
{
    render *r = (render *)k;
    if (!r->open) return;
    if (is_buffered(r->cfg.mode)) {
        buffered_end(r);
        if (r->oom)
            fprintf(stderr, "render: out of memory after %lld rows; the rest is not shown\n",
                    r->rows);
    } else {
        flockfile(r->out);
        stream_end(r);
        funlockfile(r->out);
    }
    fflush(r->out);
    reset(r);
}

static int json_plain(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
            if (c < 0x80) return 0;
            int32_t cp;
            size_t len = utf8_decode(s + i, n - i, &cp);
            if (cp < 0) return 0;
            i += len - 1;
        }
    }
    return 1;
}

static void r_columns(cwsh_sink *k, int n, const char *const *names)
{
    render *r = (render *)k;
    if (r->open) r_end(k);
    r->open = 1;
    if (n <= 0) return;
    r->cols = calloc((size_t)n, sizeof *r->cols);
    r->head = calloc((size_t)n, sizeof *r->head);
    if (!r->cols || !r->head) { r->oom = 1; return; }
    r->ncol = n;
    for (int c = 0; c < n; c++) {
        column *col = &r->cols[c];
        const char *name = names && names[c] ? names[c] : "";
        size_t len = strlen(name);
        char *d = arena_room(r, len + 1);
        if (!d) { r->oom = 1; r->ncol = 0; return; }
        memcpy(d, name, len + 1);
        arena_take(r, len + 1);
        col->name = d;
        col->len = len;
        col->namew = utf8_width(name, len);
        col->json_plain = json_plain(name, len);
        if (col->namew > r->name_maxw) r->name_maxw = col->namew;
        if (is_buffered(r->cfg.mode)) {
            if (cell_make(r, &r->head[c], name, len, K_TEXT) != 0) {
                r->oom = 1; r->ncol = 0; return;
            }
            if (r->cfg.headers || r->cfg.mode == RENDER_MARKDOWN) col->width = r->head[c].w;
        }
    }
    if (!is_buffered(r->cfg.mode)) stream_header(r);
}

static int r_row(cwsh_sink *k, int n, const cwsh_value *v)
{
    render *r = (render *)k;
    if (r->oom || (r->cfg.cancel && *r->cfg.cancel)) return 1;
    if (r->ncol == 0) return ferror(r->out) != 0;
    if (is_buffered(r->cfg.mode)) {
        if (buffer_row(r, n, v) != 0) { r->oom = 1; return 1; }
    } else {
        flockfile(r->out);
        stream_row(r, n, v);
        funlockfile(r->out);
    }
    r->rows++;
    return ferror(r->out) != 0;
}

cwsh_sink *render_open(FILE *out, const render_config *cfg)
{
    const char *null = cfg->nullvalue ? cfg->nullvalue : "";
    const char *sep = cfg->separator ? cfg->separator : "|";
    const char *rowsep = cfg->rowsep ? cfg->rowsep : "\n";
    size_t nulllen = strlen(null), seplen = strlen(sep), rowseplen = strlen(rowsep);
    /* the texts are copied: the session may change them while a cursor
     * is still being rendered */
    render *r = calloc(1, sizeof *r + nulllen + seplen + rowseplen + 3);
    if (!r) return NULL;
    r->k.columns = r_columns;
    r->k.row = r_row;
    r->k.end = r_end;
    r->out = out;
    r->cfg = *cfg;
    char *copy = (char *)(r + 1);
    memcpy(copy, null, nulllen + 1);
    r->null = r->cfg.nullvalue = copy;
    r->nulllen = nulllen;
    copy += nulllen + 1;
    memcpy(copy, sep, seplen + 1);
    r->sep = r->cfg.separator = copy;
    r->seplen = seplen;
    copy += seplen + 1;
    memcpy(copy, rowsep, rowseplen + 1);
    r->rowsep = r->cfg.rowsep = copy;
    r->rowseplen = rowseplen;
    return &r->k;
}

void render_close(cwsh_sink **k)
{
    if (!k || !*k) return;
    render *r = (render *)*k;
    reset(r);
    free(r);
    *k = NULL;
}
