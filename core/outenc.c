/*
 * outenc.c — the BOM and the output encoding of csv/tsv result sets (see
 * outenc.h).  The converter is a fopencookie stream: the renderer writes
 * UTF-8 into it as into any FILE, and each write is converted with iconv
 * into the output, a character split across two writes kept for the next.
 */
#include <errno.h>
#include <stdio.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "outenc.h"

typedef struct conv {
    FILE *out;
    iconv_t cd;
    char tail[8];          /* the start of a character the next write ends */
    size_t ntail;
    long long replaced;    /* characters the encoding lacks, written as '?' */
    char name[40];         /* the encoding, for the message */
} conv;

/* Convert in[0..n) into c->out; returns how many bytes were consumed (an
 * incomplete character at the end is left). */
static size_t convert(conv *c, const char *in, size_t n)
{
    char buf[4096];
    char *ip = (char *)in;
    size_t left = n;
    while (left > 0) {
        char *op = buf;
        size_t room = sizeof buf;
        size_t r = iconv(c->cd, &ip, &left, &op, &room);
        fwrite(buf, 1, (size_t)(op - buf), c->out);
        if (r != (size_t)-1) continue;
        if (errno == E2BIG) continue;
        if (errno == EINVAL) break;            /* incomplete: wait for more */
        /* EILSEQ: not representable (or not UTF-8): one '?' per character */
        unsigned char b = (unsigned char)*ip;
        size_t skip = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
        if (skip > left) skip = left;
        fputc('?', c->out);
        c->replaced++;
        ip += skip;
        left -= skip;
    }
    return n - left;
}

static ssize_t conv_write(void *cookie, const char *buf, size_t size)
{
    conv *c = cookie;
    size_t done = 0;
    if (c->ntail) {                             /* finish the split character */
        while (c->ntail < sizeof c->tail && done < size) {
            c->tail[c->ntail++] = buf[done++];
            size_t used = convert(c, c->tail, c->ntail);
            if (used == c->ntail) { c->ntail = 0; break; }
        }
        if (c->ntail == sizeof c->tail) { convert(c, "?", 1); c->ntail = 0; }
    }
    if (done < size) {
        size_t used = convert(c, buf + done, size - done);
        c->ntail = size - done - used;
        memcpy(c->tail, buf + done + used, c->ntail);
    }
    return (ssize_t)size;
}

static int conv_close(void *cookie)
{
    conv *c = cookie;
    if (c->ntail) { fputc('?', c->out); c->replaced++; }
    fflush(c->out);
    if (c->replaced)
        fprintf(stderr, "%lld character%s not in %s written as '?'\n", c->replaced,
                c->replaced == 1 ? "" : "s", c->name);
    iconv_close(c->cd);
    free(c);
    return 0;
}

static int is_utf8(const char *e)
{
    return !*e || !strcasecmp(e, "UTF-8") || !strcasecmp(e, "UTF8");
}

int outenc_known(const char *name)
{
    iconv_t cd = iconv_open(name, "UTF-8");
    if (cd == (iconv_t)-1) return 0;
    iconv_close(cd);
    return 1;
}

FILE *outenc_begin(session *s)
{
    int *started = s->out == stdout ? &s->stdout_started : &s->out_started;
    int first = !*started;
    *started = 1;
    enum render_mode m = s->render.mode;
    if (m != RENDER_CSV && m != RENDER_TSV) return s->out;
    if (is_utf8(s->csv_encoding)) {
        if (s->csv_bom && first) fputs("\xEF\xBB\xBF", s->out);
        return s->out;
    }
    conv *c = calloc(1, sizeof *c);
    if (!c) return s->out;
    c->cd = iconv_open(s->csv_encoding, "UTF-8");
    if (c->cd == (iconv_t)-1) { free(c); return s->out; }
    c->out = s->out;
    snprintf(c->name, sizeof c->name, "%s", s->csv_encoding);
    cookie_io_functions_t io = { NULL, conv_write, NULL, conv_close };
    FILE *f = fopencookie(c, "w", io);
    if (!f) { conv_close(c); return s->out; }
    return f;
}

void outenc_end(session *s, FILE *f)
{
    if (f != s->out) {
        fclose(f);          /* conv_close writes the rest and frees the converter */
        fflush(s->out);
    }
    /* the renderer flushed last: errno says why a write failed, which a
     * later flush of the stream in error no longer does (host.c) */
    if (ferror(s->out) && !s->out_errno) s->out_errno = errno ? errno : EIO;
}
