/*
 * csv_read.c — streaming CSV reader: blocks, record boundaries, encodings,
 * fields through libcsv.  See csv_read.h for the contract.
 */
#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csv_read.h"
#include "csv_le64.h"

#define BLOCK (64 * 1024)
/* A record longer than this is almost always an unbalanced quote; failing
 * keeps memory bounded instead of reading the rest of the file into it. */
#define MAX_RECORD (8 * 1024 * 1024)

struct csvr {
    int fd;
    long long size;
    unsigned char *buf;      /* buf[pos..len) not yet consumed */
    size_t cap, len, pos;
    long long buf_off;       /* file offset of buf[0] */
    int eof;
    long line;               /* source line of buf[pos] */
    int utf8;                /* else iconv from `enc` */
    int mb;                  /* skip the trail byte after a lead >= 0x81 */
    int undecided;           /* all ASCII so far: the first non-ASCII record decides */
    iconv_t cd_in, cd_out;
    char enc[32];
    int delim, started;
    int has_zero;                   /* a block read held a zero byte */
    const char *eol;                /* the first record's line ending */
    struct csv_parser p;
    int parser_ok;
    char *cv;                /* the record converted to UTF-8 */
    size_t cv_cap;
    char *fb;                /* field bytes, NUL-separated */
    size_t fb_cap, fb_len;
    size_t *foff, *flen;
    char **f;
    int nf, f_cap;
    int oom;                 /* a field buffer could not grow: the record fails */
    char *out;               /* csvr_encode result */
    size_t out_cap;
    char msg[256];
    int col;
};

__attribute__((format(printf, 1, 2)))
static char *xstrdup_printf(const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return strdup(tmp);
}

/* ------------------------------------------------------------- UTF-8 */

/* A 3-byte lead that takes any two continuation bytes: not E0 (overlongs
 * below A0) nor ED (surrogates above 9F). */
#define PLAIN_LEAD(c) (((c) & 0x0F) != 0 && ((c) & 0x0F) != 0x0D)

size_t csvr_utf8_valid(const unsigned char *p, size_t n, int partial_ok)
{
    size_t i = 0;
    while (i < n) {
        /* Eight bytes at a time: ASCII runs, and the 3-byte characters of
         * Chinese text two or one at a time.  A sheet's rows mix short
         * runs of both; this takes the validation from 7.7 to about 3.5
         * instructions a byte (callgrind).  The rest, E0 and ED leads
         * included, goes one character at a time below. */
        if (i + 8 <= n) {
            uint64_t w = csv_le64(p + i), high = w & 0x8080808080808080ULL;
            if (!high) { i += 8; continue; }
            if (!(w & 0x80)) { i += (size_t)__builtin_ctzll(high) >> 3; continue; }
            if ((w & 0xC0C0F0C0C0F0ULL) == 0x8080E08080E0ULL && PLAIN_LEAD(w & 0xFF)
                && PLAIN_LEAD((w >> 24) & 0xFF)) {
                i += 6;
                continue;
            }
            if ((w & 0xC0C0F0u) == 0x8080E0u && PLAIN_LEAD(w & 0xFF)) {
                i += 3;
                continue;
            }
        }
        unsigned c = p[i];
        if (c < 0x80) { i++; continue; }
        size_t k;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) k = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            k = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else return i;
        for (size_t j = 1; j <= k; j++) {
            if (i + j >= n) return partial_ok ? n : i;
            unsigned t = p[i + j];
            if (t < (j == 1 ? lo : 0x80) || t > (j == 1 ? hi : 0xBF)) return i;
        }
        i += k + 1;
    }
    return n;
}

/* Whether bytes that are not all valid UTF-8 are still UTF-8 with a few
 * bad bytes (a cell pasted from elsewhere) rather than GB18030: at least
 * 8 valid multi-byte characters for each invalid place.  GB18030's
 * Chinese text is invalid UTF-8 at about every other character, so one
 * stray byte in a UTF-8 sheet no longer makes every row of it bad in
 * GB18030; the row with the byte is. */
static int mostly_utf8(const unsigned char *p, size_t n, int partial_ok)
{
    size_t i = 0, mb = 0, bad = 0;
    while (i < n) {
        size_t v = csvr_utf8_valid(p + i, n - i, partial_ok);
        for (size_t j = i; j < i + v; j++) if (p[j] >= 0xC2) mb++;
        i += v;
        if (i >= n) break;
        bad++;
        i++;
    }
    return bad * 8 <= mb;
}

/* ------------------------------------------------------------ blocks */

/* Read one more block after the unconsumed bytes.  0 ok (or eof), -1 error. */
static int refill(csvr *r, char **err)
{
    if (r->eof) return 0;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
        r->len -= r->pos;
        r->buf_off += (long long)r->pos;
        r->pos = 0;
    }
    /* what is left is one unfinished record: at the limit, stop (the
     * caller names the file and csvr_line) */
    if (r->len >= MAX_RECORD) {
        char tmp[160];
        snprintf(tmp, sizeof tmp, "record longer than %d MB (an unbalanced quote?)",
                 MAX_RECORD / (1024 * 1024));
        *err = strdup(tmp);
        return -1;
    }
    if (r->cap - r->len < BLOCK) {
        size_t nc = r->cap * 2;
        unsigned char *nb = realloc(r->buf, nc);
        if (!nb) { *err = strdup("out of memory"); return -1; }
        r->buf = nb;
        r->cap = nc;
    }
    ssize_t got;
    do got = read(r->fd, r->buf + r->len, BLOCK);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        *err = xstrdup_printf("cannot read: %s%s", strerror(errno), "");
        return -1;
    }
    if (got == 0) r->eof = 1;
    /* one pass per block: only a file with a zero byte after its first
     * 64 KB (those are refused whole) has its records searched for one */
    if (got > 0 && !r->has_zero && memchr(r->buf + r->len, 0, (size_t)got)) r->has_zero = 1;
    r->len += (size_t)got;
    return 0;
}

/* What scan found wrong with a record's quotes (scan_out.quote). */
enum { Q_OK, Q_OPEN, Q_TRAILING, Q_RUNAWAY };

struct scan_out {
    size_t cend, rend;  /* end of the record's content, end after its terminator */
    long nl;            /* line breaks it spans */
    int quote;          /* Q_*: the record is bad */
    size_t qpos;        /* where: the opening quote (Q_OPEN, Q_RUNAWAY), or the text after the closing one */
    long qline;         /* the line breaks before qpos, as the record's own count */
    long qclose_line;   /* Q_RUNAWAY: those before the quote that closed the field, lines later */
};

/* The line break at or after b[i] (n when there is none before n). */
static size_t next_break(const unsigned char *b, size_t i, size_t n)
{
    while (i < n && b[i] != '\n' && b[i] != '\r') i++;
    return i;
}

/* End the record at the line break at b[at] (CRLF as one); 0 when the
 * break's second byte may still come. */
static int end_at(const unsigned char *b, size_t at, size_t n, int eof, struct scan_out *o)
{
    o->cend = at;
    if (at >= n) { o->rend = n; return 1; }
    if (b[at] == '\r') {
        if (at + 1 >= n && !eof) return 0;
        if (at + 1 < n && b[at + 1] == '\n') at++;
    }
    o->rend = at + 1;
    return 1;
}

/* Find the end of the record at r->pos.  Returns 1 with o filled in; 0
 * when more bytes are needed.  Quoting as libcsv's: a quote opens a
 * quoted field only at the start of a field (after spaces) and a doubled
 * quote is literal.  Stricter than libcsv, which keeps a quote followed
 * by other text literal and the field open: an unbalanced quote then
 * took every line up to the next quote into one field, and the rows in
 * it were lost without a word.  Here the closing quote must be followed
 * by a delimiter, a space or a line break, or the record is bad: the
 * line it is on when the field is on one line (Q_TRAILING), else the
 * line of the opening quote (Q_RUNAWAY), the quote that never closed
 * where it should have; the lines after it are read again as records.
 * A field still open at the end of the file is bad the same way
 * (Q_OPEN), from its line, when it spans lines. */
static int scan(const csvr *r, struct scan_out *o)
{
    const unsigned char *b = r->buf;
    size_t n = r->len, i = r->pos, qopen = 0, qbreak = 0;
    int d = r->delim, start = 1, inq = 0, eof = r->eof;
    long lines = 0, lines_at_open = 0;
    o->quote = Q_OK;
    while (i < n) {
        unsigned c = b[i];
        if (inq) {
            if (c == '"') {
                if (i + 1 >= n) { if (!eof) return 0; inq = 0; i++; continue; }
                unsigned nx = b[i + 1];
                if (nx == '"') { i += 2; continue; }
                if ((int)nx == d || nx == '\n' || nx == '\r' || nx == ' ') {
                    inq = 0, start = 0;
                    i++;
                    continue;
                }
                if (!qbreak) {
                    /* "abc"def: the rest of this line is the bad record */
                    size_t at = next_break(b, i + 1, n);
                    if (at >= n && !eof) return 0;
                    o->quote = Q_TRAILING;
                    o->qpos = i + 1;
                    o->qline = lines;
                    o->nl = lines + (at < n);
                    return end_at(b, at, n, eof, o);
                }
                o->quote = Q_RUNAWAY;
                o->qpos = qopen;
                o->qline = lines_at_open;
                o->qclose_line = lines;
                o->nl = lines_at_open + 1;
                return end_at(b, qbreak, n, eof, o);
            }
            if (c == '\n' || c == '\r') {
                if (!qbreak) qbreak = i;
                if (c == '\n') lines++;
                else {
                    if (i + 1 >= n && !eof) return 0;
                    if (i + 1 >= n || b[i + 1] != '\n') lines++;
                }
            }
            i++;
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (!end_at(b, i, n, eof, o)) return 0;
            o->nl = lines + 1;
            return 1;
        }
        if (c == '"' && start) inq = 1, qopen = i, qbreak = 0, lines_at_open = lines;
        else if ((int)c == d) start = 1;
        else if (c != ' ') start = 0;
        if (r->mb && c >= 0x81) i++;
        i++;
    }
    /* a field open for 8 MB is an unbalanced quote too (else refill
     * fails the file at MAX_RECORD) */
    int limit = !eof && inq && qbreak && n - r->pos >= MAX_RECORD;
    if (!eof && !limit) return 0;
    if (inq) {
        o->quote = Q_OPEN;
        o->qpos = qopen;
        o->qline = lines_at_open;
        if (qbreak) {                /* the lines after it are read again */
            o->nl = lines_at_open + 1;
            return end_at(b, qbreak, n, 1, o);
        }
    }
    o->cend = o->rend = n;
    o->nl = lines;
    return 1;
}

/* The common record: bytes up to the next LF with no quote and no lone
 * CR in them.  1 when found; 0 when the general scan must decide. */
static int scan_fast(const csvr *r, size_t *cend, size_t *rend)
{
    const unsigned char *b = r->buf + r->pos;
    const unsigned char *e = memchr(b, '\n', r->len - r->pos);
    if (!e) return 0;
    size_t len = (size_t)(e - b), body = len && b[len - 1] == '\r' ? len - 1 : len;
    if (memchr(b, '"', body) || memchr(b, '\r', body)) return 0;
    *cend = r->pos + body;
    *rend = r->pos + len + 1;
    return 1;
}

/* Room for one more field, and for `need` bytes of field text: -1 when
 * memory runs out (the buffers stay as they were). */
static int grow_fields(csvr *r)
{
    if (r->nf < r->f_cap) return 0;
    int nc = r->f_cap ? 2 * r->f_cap : 64;
    size_t *foff = realloc(r->foff, (size_t)nc * sizeof *foff);
    if (foff) r->foff = foff;
    size_t *flen = realloc(r->flen, (size_t)nc * sizeof *flen);
    if (flen) r->flen = flen;
    char **f = realloc(r->f, (size_t)nc * sizeof *f);
    if (f) r->f = f;
    if (!foff || !flen || !f) return -1;
    r->f_cap = nc;
    return 0;
}

static int grow_bytes(csvr *r, size_t need)
{
    if (need <= r->fb_cap) return 0;
    size_t nc = r->fb_cap ? r->fb_cap : 4096;
    while (nc < need) nc *= 2;
    char *fb = realloc(r->fb, nc);
    if (!fb) return -1;
    r->fb = fb;
    r->fb_cap = nc;
    return 0;
}

/* Split a record without quotes the way libcsv does (spaces around each
 * field trimmed) without its per-byte callbacks; csv_read's unit test
 * checks both agree. */
static int split_plain(csvr *r, const char *u, size_t un)
{
    if (grow_bytes(r, un + 1) != 0) return -1;
    memcpy(r->fb, u, un);
    r->fb[un] = 0;
    char *p = r->fb, *end = r->fb + un;
    r->nf = 0;
    for (;;) {
        char *d = memchr(p, r->delim, (size_t)(end - p));
        char *fe = d ? d : end;
        if (grow_fields(r) != 0) return -1;
        char *fs = p;
        while (fs < fe && *fs == ' ') fs++;
        char *fz = fe;
        while (fz > fs && fz[-1] == ' ') fz--;
        *fz = 0;
        r->f[r->nf] = fs;
        r->flen[r->nf] = (size_t)(fz - fs);
        r->nf++;
        if (!d) break;
        p = d + 1;
    }
    return 0;
}

/* Delimiter of the first line: the most frequent of , ; \t | outside
 * quotes, ',' on a tie or when none occurs. */
static int sniff(const csvr *r)
{
    static const int cand[4] = { ',', ';', '\t', '|' };
    long cnt[4] = { 0, 0, 0, 0 };
    int inq = 0;
    for (size_t i = r->pos; i < r->len; i++) {
        unsigned c = r->buf[i];
        if (c == '"') inq = !inq;
        else if (!inq && (c == '\n' || c == '\r')) break;
        else if (!inq) {
            for (int k = 0; k < 4; k++) if ((int)c == cand[k]) cnt[k]++;
            if (r->mb && c >= 0x81) i++;
        }
    }
    int best = 0;
    for (int k = 1; k < 4; k++) if (cnt[k] > cnt[best]) best = k;
    return cand[best];
}

/* ----------------------------------------------------------- libcsv */

static void on_field(void *s, size_t len, void *ud)
{
    csvr *r = ud;
    if (r->oom) return;
    if (grow_fields(r) != 0 || grow_bytes(r, r->fb_len + len + 1) != 0) { r->oom = 1; return; }
    if (len) memcpy(r->fb + r->fb_len, s, len);
    r->fb[r->fb_len + len] = 0;
    r->foff[r->nf] = r->fb_len;
    r->flen[r->nf] = len;
    r->fb_len += len + 1;
    r->nf++;
}

static void on_record(int c, void *ud) { (void)c; (void)ud; }

static int space_only(unsigned char c) { return c == ' '; }

/* ---------------------------------------------------------- decoding */

/* Field index (1-based) that byte `pos` of a raw record falls in. */
static int col_at(const csvr *r, const unsigned char *p, size_t pos)
{
    int col = 1, inq = 0, start = 1;
    for (size_t i = 0; i < pos; i++) {
        unsigned c = p[i];
        if (inq) {
            if (c == '"') {
                if (i + 1 < pos && p[i + 1] == '"') i++;
                else inq = 0;
            }
        } else if (c == '"' && start) inq = 1;
        else if ((int)c == r->delim) col++, start = 1;
        else if (c != ' ') start = 0;
    }
    return col;
}

/* Convert a raw record to UTF-8.  0 with *out and *outn, or -1 with the byte
 * position of the first invalid byte. */
static int decode(csvr *r, const unsigned char *p, size_t n,
                  const char **out, size_t *outn, size_t *bad)
{
    if (r->undecided) {
        /* a long ASCII start (English headers, codes, dates): the first
         * record with other bytes decides the encoding */
        size_t i = 0;
        while (i < n && !(p[i] & 0x80)) i++;
        if (i < n) {
            r->undecided = 0;
            if (csvr_utf8_valid(p, n, 0) < n && !mostly_utf8(p, n, 0)) {
                iconv_t cd = iconv_open("UTF-8", "GB18030");
                if (cd != (iconv_t)-1) {
                    r->cd_in = cd;
                    r->utf8 = 0;
                    r->mb = 1;
                    strcpy(r->enc, "GB18030");
                }
            }
        }
    }
    if (r->utf8) {
        size_t v = csvr_utf8_valid(p, n, 0);
        if (v < n) { *bad = v; return -1; }
        *out = (const char *)p;
        *outn = n;
        return 0;
    }
    size_t need = 2 * n + 16;
    if (need > r->cv_cap) {
        r->cv = realloc(r->cv, need);
        r->cv_cap = need;
    }
    char *in = (char *)p, *o = r->cv;
    size_t inl = n, ol = r->cv_cap;
    iconv(r->cd_in, NULL, NULL, NULL, NULL);
    while (inl > 0) {
        if (iconv(r->cd_in, &in, &inl, &o, &ol) == (size_t)-1) {
            if (errno == E2BIG) {       /* cannot happen with 2n, but be safe */
                size_t used = (size_t)(o - r->cv);
                r->cv_cap *= 2;
                r->cv = realloc(r->cv, r->cv_cap);
                o = r->cv + used;
                ol = r->cv_cap - used;
                continue;
            }
            *bad = (size_t)(in - (char *)p);
            return -1;
        }
    }
    *out = r->cv;
    *outn = (size_t)(o - r->cv);
    return 0;
}

/* ------------------------------------------------------------ public */

static int ascii_compatible(const char *enc)
{
    return !(strncasecmp(enc, "UTF-16", 6) == 0 || strncasecmp(enc, "UTF16", 5) == 0 ||
             strncasecmp(enc, "UTF-32", 6) == 0 || strncasecmp(enc, "UTF32", 5) == 0 ||
             strncasecmp(enc, "UCS", 3) == 0);
}

static int is_utf8_name(const char *e)
{
    return strcasecmp(e, "UTF-8") == 0 || strcasecmp(e, "UTF8") == 0;
}

csvr *csvr_open(const char *path, const csvr_opts *o, char **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = xstrdup_printf("cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    csvr *r = calloc(1, sizeof *r);
    if (!r) {
        close(fd);
        *err = xstrdup_printf("out of memory");
        return NULL;
    }
    r->fd = fd;
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) r->size = (long long)st.st_size;
    r->cap = 4 * BLOCK;
    r->buf = malloc(r->cap);
    r->cd_in = r->cd_out = (iconv_t)-1;
    if (!r->buf) {
        csvr_close(&r);
        *err = xstrdup_printf("out of memory");
        return NULL;
    }
    r->line = 1;
    r->cd_in = r->cd_out = (iconv_t)-1;
    if (refill(r, err) != 0) { csvr_close(&r); return NULL; }
    if (r->len >= 2 && (memcmp(r->buf, "\xFF\xFE", 2) == 0 || memcmp(r->buf, "\xFE\xFF", 2) == 0)) {
        /* Excel's "Unicode text": every ASCII byte comes with a zero */
        *err = xstrdup_printf("'%s' is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\" "
                              "or \"CSV\" and import that%s", path, "");
        csvr_close(&r);
        return NULL;
    }
    const unsigned char *zero = memchr(r->buf, 0, r->len);
    if (zero) {
        /* no text encoding cwsh reads has a zero byte: a spreadsheet
         * (.xlsx, .xls), an archive or a program named .csv */
        *err = xstrdup_printf("%s: not a text file (a zero byte at offset %ld); save the sheet "
                              "as \"CSV UTF-8\" or \"CSV\" and import that", path,
                              (long)(zero - r->buf));
        csvr_close(&r);
        return NULL;
    }
    if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0) {
        r->pos = 3;
        if (!o || !o->encoding) strcpy(r->enc, "UTF-8");
    }
    if (o && o->encoding) {
        if (!ascii_compatible(o->encoding)) {
            *err = xstrdup_printf("encoding '%s' is not supported: cwsh reads encodings "
                                  "where ASCII is one byte (UTF-8, GB18030, GBK, ...)%s",
                                  o->encoding, "");
            csvr_close(&r);
            return NULL;
        }
        snprintf(r->enc, sizeof r->enc, "%s", o->encoding);
        for (char *c = r->enc; *c; c++) if (*c >= 'a' && *c <= 'z') *c = (char)(*c - 32);
        if (strcmp(r->enc, "UTF8") == 0) strcpy(r->enc, "UTF-8");
    } else if (!r->enc[0]) {
        /* Enough for a decision: the first block, plus more when it is tiny. */
        const unsigned char *b = r->buf + r->pos;
        size_t n = r->len - r->pos;
        int utf8 = csvr_utf8_valid(b, n, !r->eof) == n || mostly_utf8(b, n, !r->eof);
        strcpy(r->enc, utf8 ? "UTF-8" : "GB18030");
        int ascii = 1;
        for (size_t i = r->pos; i < r->len && ascii; i++) if (r->buf[i] & 0x80) ascii = 0;
        r->undecided = ascii && !r->eof;
    }
    r->utf8 = is_utf8_name(r->enc);
    if (!r->utf8) {
        r->cd_in = iconv_open("UTF-8", r->enc);
        if (r->cd_in == (iconv_t)-1) {
            *err = xstrdup_printf("unknown encoding '%s'%s", r->enc, "");
            csvr_close(&r);
            return NULL;
        }
        r->mb = 1;
    }
    r->delim = o && o->delim ? o->delim : sniff(r);
    if (csv_init(&r->p, 0) != 0) {
        *err = strdup("cannot initialise the CSV parser");
        csvr_close(&r);
        return NULL;
    }
    r->parser_ok = 1;
    csv_set_delim(&r->p, (unsigned char)r->delim);
    csv_set_space_func(&r->p, space_only);
    return r;
}

int csvr_next(csvr *r, csvr_record *rec, char **err)
{
    for (;;) {
        struct scan_out so;
        int plain = scan_fast(r, &so.cend, &so.rend);
        if (plain) so.nl = 1, so.quote = Q_OK;
        else
            while (!scan(r, &so))
                if (refill(r, err) != 0) return CSVR_FAIL;
        size_t cend = so.cend, rend = so.rend;
        if (r->pos >= r->len && r->eof) return CSVR_EOF;
        const unsigned char *p = r->buf + r->pos;
        size_t n = cend - r->pos;
        long line = r->line;
        long long off = r->buf_off + (long long)r->pos;
        if (!r->started) {
            r->started = 1;
            r->eol = rend - cend == 2 ? "\r\n" : rend > cend && r->buf[cend] == '\r' ? "\r" : "\n";
        }
        r->pos = rend;
        r->line += so.nl;
        if (n == 0) continue;                       /* blank line */
        rec->line = line;
        rec->offset = off;
        rec->raw = (const char *)p;
        rec->raw_len = n;
        if (so.quote != Q_OK) {
            /* (the lines as scan counts them: CR alone, and no break
             * where a lead byte takes it as its trail) */
            rec->line += so.qline;
            r->col = col_at(r, p, so.qpos - (size_t)(p - r->buf));
            if (so.quote == Q_TRAILING)
                snprintf(r->msg, sizeof r->msg, "text after the closing quote of a quoted field "
                         "(a quote inside one is written twice: \"\")");
            else if (so.quote == Q_RUNAWAY)
                snprintf(r->msg, sizeof r->msg, "quoted field is not closed on its line: the quote that "
                         "ends it is on line %ld, with text after it (an unbalanced quote?)",
                         line + so.qclose_line);
            else
                snprintf(r->msg, sizeof r->msg, "quoted field is never closed (it runs to %s)",
                         r->eof ? "the end of the file" : "more than 8 MB");
        }
        const unsigned char *z = r->has_zero ? memchr(p, 0, n) : NULL;
        if (z && so.quote != Q_OK) { rec->nf = 0; return CSVR_BAD; }
        if (z) {
            /* libcsv and the C strings after it would cut the value
             * there and lose the rest: the row is bad instead */
            size_t at = (size_t)(z - p);
            long bl = line;
            for (size_t i = 0; i < at; i++) if (p[i] == '\n') bl++;
            rec->line = bl;
            r->col = col_at(r, p, at);
            snprintf(r->msg, sizeof r->msg, "a zero byte at byte offset %lld (text has none: a cell pasted "
                     "from another program?)", off + (long long)at);
            rec->nf = 0;
            return CSVR_BAD;
        }
        const char *u;
        size_t un, bad;
        if (decode(r, p, n, &u, &un, &bad) != 0) {
            if (so.quote != Q_OK) { rec->nf = 0; return CSVR_BAD; }
            long bl = line;
            for (size_t i = 0; i < bad; i++) if (p[i] == '\n') bl++;
            rec->line = bl;
            r->col = col_at(r, p, bad);
            snprintf(r->msg, sizeof r->msg, "invalid %s byte 0x%02X at byte offset %lld",
                     r->enc, p[bad], off + (long long)bad);
            rec->nf = 0;
            return CSVR_BAD;
        }
        if (plain) {
            if (split_plain(r, u, un) != 0) r->oom = 1;
        } else {
            r->nf = 0;
            r->fb_len = 0;
            /* one record per parse: csv_fini ends it (even inside an
             * unbalanced quote) and resets the parser for the next;
             * libcsv parses less than all when its own buffer cannot grow */
            if (csv_parse(&r->p, u, un, on_field, on_record, r) != un) r->oom = 1;
            csv_fini(&r->p, on_field, on_record, r);
            if (!r->oom) for (int i = 0; i < r->nf; i++) r->f[i] = r->fb + r->foff[i];
        }
        if (r->oom) {
            r->oom = 0;
            *err = strdup("out of memory");
            return CSVR_FAIL;
        }
        rec->nf = r->nf;
        rec->f = r->f;
        rec->len = r->flen;
        /* a record whose quotes are wrong comes with the fields libcsv
         * makes of it, so the importer can tell its inspection */
        if (so.quote != Q_OK) return CSVR_BAD;
        int empty = 1;
        for (int i = 0; i < r->nf && empty; i++) if (r->flen[i]) empty = 0;
        if (empty) continue;                        /* ",,,," rows Excel leaves */
        return CSVR_OK;
    }
}

const char *csvr_error(const csvr *r, int *col)
{
    if (col) *col = r->col;
    return r->msg;
}

const char *csvr_encoding(const csvr *r) { return r->enc; }
int csvr_delim(const csvr *r) { return r->delim; }
long csvr_line(const csvr *r) { return r->line; }
const char *csvr_eol(const csvr *r) { return r->eol ? r->eol : "\n"; }

const char *csvr_eol_name(const csvr *r)
{
    const char *e = csvr_eol(r);
    return e[0] == '\n' ? "LF" : e[1] ? "CRLF" : "CR";
}
long long csvr_bytes(const csvr *r) { return r->buf_off + (long long)r->pos; }
long long csvr_size(const csvr *r) { return r->size; }

const char *csvr_encode(csvr *r, const char *s, size_t n, size_t *out_len)
{
    if (r->utf8) { *out_len = n; return s; }
    if (r->cd_out == (iconv_t)-1) {
        char to[64];
        snprintf(to, sizeof to, "%s//TRANSLIT", r->enc);
        r->cd_out = iconv_open(to, "UTF-8");
        if (r->cd_out == (iconv_t)-1) { *out_len = n; return s; }
    }
    size_t need = 4 * n + 16;
    if (need > r->out_cap) {
        r->out = realloc(r->out, need);
        r->out_cap = need;
    }
    char *in = (char *)s, *o = r->out;
    size_t inl = n, ol = r->out_cap;
    iconv(r->cd_out, NULL, NULL, NULL, NULL);
    while (inl > 0 && iconv(r->cd_out, &in, &inl, &o, &ol) == (size_t)-1) {
        if (ol == 0) break;
        *o++ = '?';
        ol--;
        in++;
        inl--;
    }
    *out_len = (size_t)(o - r->out);
    return r->out;
}

void csvr_close(csvr **rp)
{
    csvr *r = *rp;
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    if (r->cd_in != (iconv_t)-1) iconv_close(r->cd_in);
    if (r->cd_out != (iconv_t)-1) iconv_close(r->cd_out);
    if (r->parser_ok) csv_free(&r->p);
    free(r->buf); free(r->cv); free(r->fb); free(r->foff); free(r->flen);
    free(r->f); free(r->out);
    free(r);
    *rp = NULL;
}
