/*
 * csv_report.c — error lines and the rejects file (see csv_report.h).
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "csv_report.h"

/* Length of raw row p[0..n) without its last field (and the delimiter
 * before it), judged outside quotes. */
static size_t cut_last(const char *p, size_t n, int delim)
{
    size_t last = n;
    int inq = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '"') inq = !inq;
        else if (!inq && p[i] == delim) last = i;
    }
    return last;
}

/* Remove what earlier runs killed mid-way (SIGKILL, a power cut) left of
 * the rejects file `path`: its temporaries PATH.PID.tmp whose PID is no
 * running process.  Those of a live process (another import of the same
 * file right now) and every other file are left alone. */
static void sweep_stale(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dn = slash ? (size_t)(slash - path) : 0, bn = strlen(base);
    char dir[4096];
    if (dn >= sizeof dir) return;
    if (slash) { memcpy(dir, path, dn ? dn : 1); dir[dn ? dn : 1] = 0; }
    else strcpy(dir, ".");
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (strncmp(n, base, bn) != 0 || n[bn] != '.') continue;
        const char *q = n + bn + 1;
        char *end;
        errno = 0;
        long pid = strtol(q, &end, 10);
        if (end == q || *q < '0' || *q > '9' || errno || strcmp(end, ".tmp") != 0) continue;
        if (pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue;     /* alive, or not ours to know */
        char full[8192];
        snprintf(full, sizeof full, "%s/%s", dir, n);
        unlink(full);
    }
    closedir(d);
}

int crep_open(crep *c, cwsh_host *h, const char *file, csvr *r,
              const char *header, size_t header_len)
{
    memset(c, 0, sizeof *c);
    /* a rejects file being imported again: its old reason column gives
     * way to the new one instead of piling up */
    size_t cut = cut_last(header, header_len, csvr_delim(r));
    if (cut < header_len) {
        const char *f = header + cut + 1;
        size_t fn = header_len - cut - 1;
        while (fn && (*f == ' ' || *f == '"')) f++, fn--;
        while (fn && (f[fn - 1] == ' ' || f[fn - 1] == '"' || f[fn - 1] == '\r')) fn--;
        if (fn == 6 && strncasecmp(f, "reason", 6) == 0) {
            c->drop_reason = 1;
            header_len = cut;
        }
    }
    c->h = h;
    c->file = file;
    c->r = r;
    c->header = malloc(header_len + 1);
    /* FILE.rejects.csv, next to FILE as the user named it; written as
     * FILE.rejects.csv.PID.tmp beside it first (the same file system, so
     * the rename is atomic) */
    size_t n = strlen(file);
    c->path = malloc(n + 16);
    c->tmp = malloc(n + 48);
    if (!c->header || !c->path || !c->tmp) {
        crep_abandon(c);
        return -1;
    }
    memcpy(c->header, header, header_len);
    c->header_len = header_len;
    memcpy(c->path, file, n);
    memcpy(c->path + n, ".rejects.csv", 13);
    snprintf(c->tmp, n + 48, "%s.%ld.tmp", c->path, (long)getpid());
    sweep_stale(c->path);
    return 0;
}

void crep_error(crep *c, long line, int col, const char *reason)
{
    c->errors++;
    if (c->errors > CREP_SHOWN) return;
    if (line > 0 && col > 0) c->h->errorf(c->h, "%s:%ld:%d: %s", c->file, line, col, reason);
    else if (line > 0) c->h->errorf(c->h, "%s:%ld: %s", c->file, line, reason);
    else c->h->errorf(c->h, "%s: %s", c->file, reason);
}

void crep_problem(crep *c, int col, const char *fmt, ...)
{
    if (c->nprob == CREP_PROBS) { c->more_probs++; return; }
    struct crep_prob *p = &c->prob[c->nprob++];
    p->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->why, sizeof p->why, fmt, ap);
    va_end(ap);
}

void crep_problems_flush(crep *c, long line, char *reason, size_t size)
{
    /* column order reads like the row; a stable insertion sort */
    for (int i = 1; i < c->nprob; i++) {
        struct crep_prob t = c->prob[i];
        int j = i;
        while (j > 0 && c->prob[j - 1].col > t.col) { c->prob[j] = c->prob[j - 1]; j--; }
        c->prob[j] = t;
    }
    size_t o = 0;
    if (size) reason[0] = 0;
    for (int i = 0; i < c->nprob; i++) {
        crep_error(c, line, c->prob[i].col, c->prob[i].why);
        int w = snprintf(reason + o, o < size ? size - o : 0, "%s%s", i ? "; " : "", c->prob[i].why);
        if (w > 0) o = o + (size_t)w < size ? o + (size_t)w : size;
    }
    if (c->more_probs) {
        char m[80];
        snprintf(m, sizeof m, "and %d more problems in this row", c->more_probs);
        crep_error(c, line, 0, m);
        snprintf(reason + o, o < size ? size - o : 0, "; %s", m);
    }
    c->nprob = c->more_probs = 0;
}

/* The first failure to write the rejects file: "cannot write 'PATH': WHY". */
static void write_failed(crep *c, const char *why)
{
    if (c->fail) return;
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "cannot write '%s': %s", c->path, why);
    c->fail = strdup(tmp);
}

/* Write a CSV field, quoted, in the file's encoding. */
static void put_field(crep *c, const char *s)
{
    size_t n;
    const char *e = csvr_encode(c->r, s, strlen(s), &n);
    fputc('"', c->out);
    for (size_t i = 0; i < n; i++) {
        if (e[i] == '"') fputc('"', c->out);
        fputc(e[i], c->out);
    }
    fputc('"', c->out);
}

static void end_line(crep *c) { fputs(csvr_eol(c->r), c->out); }

void crep_reject(crep *c, const char *raw, size_t n, const char *reason)
{
    if (c->fail || c->discarded) return;
    if (!c->out) {
        c->out = fopen(c->tmp, "wb");
        if (!c->out) { write_failed(c, strerror(errno)); return; }
        fwrite(c->header, 1, c->header_len, c->out);
        fputc(csvr_delim(c->r), c->out);
        fputs("reason", c->out);
        end_line(c);
    }
    if (c->drop_reason) n = cut_last(raw, n, csvr_delim(c->r));
    fwrite(raw, 1, n, c->out);
    fputc(csvr_delim(c->r), c->out);
    put_field(c, reason);
    end_line(c);
    c->rejected++;
}

void crep_discard(crep *c)
{
    if (c->out) {
        fclose(c->out);
        unlink(c->tmp);
    }
    c->out = NULL;
    c->discarded = 1;
    if (c->path && unlink(c->path) != 0 && errno != ENOENT && !c->fail) {
        char tmp[1200];
        snprintf(tmp, sizeof tmp, "cannot remove '%s': %s", c->path, strerror(errno));
        c->fail = strdup(tmp);
    }
}

/* Whether files a and b hold the same bytes (1), differ (0) or cannot
 * be read (-1). */
static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int r = -1;
    if (fa && fb) {
        char x[8192], y[8192];
        for (r = 1; r == 1;) {
            size_t n = fread(x, 1, sizeof x, fa), m = fread(y, 1, sizeof y, fb);
            if (n != m || memcmp(x, y, n) != 0) r = 0;
            else if (n == 0) break;
        }
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return r;
}

/* The finished temporary file becomes the rejects file; an earlier one
 * with other content is kept as PATH~ (an analyst may have fixed rows in
 * it and then imported the sheet again instead). */
static void put_in_place(crep *c)
{
    struct stat st;
    if (stat(c->path, &st) == 0) {
        if (!S_ISREG(st.st_mode)) { write_failed(c, "it is not a file"); return; }
        if (same_bytes(c->path, c->tmp) == 0) {
            char old[1100];
            snprintf(old, sizeof old, "%s~", c->path);
            if (rename(c->path, old) == 0)
                c->h->noticef(c->h, "the earlier %s was not this import's: kept as %s", c->path, old);
        }
    }
    if (rename(c->tmp, c->path) != 0) write_failed(c, strerror(errno));
}

int crep_close(crep *c, char **err)
{
    if (c->errors > CREP_SHOWN)
        c->h->errorf(c->h, "... and %ld more", c->errors - CREP_SHOWN);
    int rc = 0;
    if (c->out) {
        /* (fclose whatever fflush says: the stream is gone either way) */
        int bad = fflush(c->out) != 0 || ferror(c->out);
        if (fclose(c->out) != 0) bad = 1;
        if (bad) write_failed(c, strerror(errno));
        c->out = NULL;
        if (!c->fail) put_in_place(c);
        if (c->fail) unlink(c->tmp);
    }
    if (c->fail) { *err = c->fail; c->fail = NULL; rc = -1; }
    free(c->header);
    free(c->path);
    free(c->tmp);
    c->header = c->path = c->tmp = NULL;
    return rc;
}

char *crep_refusal(crep *c, long bad, const char *also)
{
    /* the rejects file is in place before the message names it */
    char path[1100], *we = NULL, *msg;
    snprintf(path, sizeof path, "%s", c->path);
    const char *file = c->file;
    if (crep_close(c, &we) != 0)
        msg = crep_msgf("%ld bad row%s%s; nothing imported.  No rejects file: %s; fix the rows in %s, "
                        "or run again with --skip-bad.", bad, bad == 1 ? "" : "s", also, we, file);
    else
        msg = crep_msgf("%ld bad row%s%s; nothing imported.  Bad rows are in %s; fix them there and "
                        "import that file, or run again with --skip-bad.", bad, bad == 1 ? "" : "s", also, path);
    free(we);
    return msg;
}

void crep_abandon(crep *c)
{
    if (c->out) {
        fclose(c->out);
        unlink(c->tmp);
    }
    c->out = NULL;
    free(c->fail);
    free(c->header);
    free(c->path);
    free(c->tmp);
    c->fail = c->header = c->path = c->tmp = NULL;
}

char *crep_msgf(const char *fmt, ...)
{
    char tmp[2600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    return strdup(tmp);
}

double crep_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
