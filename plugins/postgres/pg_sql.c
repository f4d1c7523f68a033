/*
 * pg_sql.c — statement ends, completeness and placeholders over one
 * small scanner (see pg_sql.h).
 *
 * skip() steps over one lexical unit that may hide a ';' (a quoted
 * string, identifier, dollar quote or comment) and returns where it ends;
 * every other byte is its own unit.  An unterminated quote or comment
 * runs to the end of the text, which is what makes a statement typed so
 * far incomplete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pg_sql.h"

static int ident_start(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
}

static int ident_char(unsigned char c)
{
    return ident_start(c) || (c >= '0' && c <= '9');
}

/* The end of a dollar quote's opening tag at s[i] == '$' ("$$", "$tag$"),
 * or 0 when s[i] does not open one ($1 is a parameter). */
static size_t dollar_tag(const char *s, size_t n, size_t i)
{
    if (i > 0 && ident_char((unsigned char)s[i - 1])) return 0;   /* a$b is an identifier */
    size_t j = i + 1;
    if (j < n && s[j] == '$') return j + 1;
    if (j >= n || !ident_start((unsigned char)s[j])) return 0;
    while (j < n && ident_char((unsigned char)s[j])) j++;
    return j < n && s[j] == '$' ? j + 1 : 0;
}

/* Where the unit at s[i] ends (one past it). */
static size_t skip(const char *s, size_t n, size_t i)
{
    char c = s[i];
    if (c == '\'' || c == '"') {
        /* E'...' takes backslash escapes; '' and "" are the quote itself */
        int esc = c == '\'' && i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e')
                  && (i < 2 || !ident_char((unsigned char)s[i - 2]));
        size_t j = i + 1;
        while (j < n) {
            if (esc && s[j] == '\\') { j += 2; continue; }
            if (s[j] == c) {
                if (j + 1 < n && s[j + 1] == c) { j += 2; continue; }
                return j + 1;
            }
            j++;
        }
        return n;
    }
    if (c == '-' && i + 1 < n && s[i + 1] == '-') {
        const char *nl = memchr(s + i, '\n', n - i);
        return nl ? (size_t)(nl - s) + 1 : n;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
        int depth = 1;
        size_t j = i + 2;
        while (j < n && depth) {
            if (s[j] == '/' && j + 1 < n && s[j + 1] == '*') { depth++; j += 2; }
            else if (s[j] == '*' && j + 1 < n && s[j + 1] == '/') { depth--; j += 2; }
            else j++;
        }
        return j;
    }
    if (c == '$') {
        size_t t = dollar_tag(s, n, i);
        if (!t) return i + 1;
        size_t len = t - i;
        for (size_t j = t; j + len <= n; j++)
            if (s[j] == '$' && !memcmp(s + j, s + i, len)) return j + len;
        return n;
    }
    return i + 1;
}

size_t pg_sql_statement(const char *s, size_t n, int *terminated)
{
    *terminated = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == ';') { *terminated = 1; return i + 1; }
        i = skip(s, n, i);
    }
    return n;
}

static int blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

int pg_sql_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (blank(s[i])) { i++; continue; }
        int comment = (s[i] == '-' || s[i] == '/') && i + 1 < n && s[i + 1] == (s[i] == '-' ? '-' : '*');
        if (!comment) return 0;
        i = skip(s, n, i);
    }
    return 1;
}

int pg_sql_complete(const char *sql)
{
    size_t n = strlen(sql), i = 0;
    int any = 0;
    while (i < n) {
        int term;
        size_t len = pg_sql_statement(sql + i, n - i, &term);
        if (!term) {
            /* an open comment is not blank: its end is still to come */
            int open_comment = 0;
            for (size_t j = i; j < n;) {
                if (blank(sql[j])) { j++; continue; }
                size_t e = skip(sql, n, j);
                if (e == n && sql[j] == '/' && !(n - j >= 4 && sql[n - 2] == '*' && sql[n - 1] == '/'))
                    open_comment = 1;
                j = e;
            }
            return any && !open_comment && pg_sql_blank(sql + i, n - i);
        }
        any = 1;
        i += len;
    }
    return any;
}

void pg_params_free(pg_params *p)
{
    for (int i = 0; i < p->n; i++) free(p->names[i]);
    free(p->names);
    p->names = NULL;
    p->n = 0;
}

/* $k is parameter k (1-based): grow the table to k; 0, or -1 on out of memory. */
static int need_params(pg_params *p, int k)
{
    if (k <= p->n) return 0;
    char **v = realloc(p->names, (size_t)k * sizeof *v);
    if (!v) return -1;
    for (int i = p->n; i < k; i++) v[i] = NULL;
    p->names = v;
    p->n = k;
    return 0;
}

/* The number of the named parameter, a new one when unseen; 0 on out of memory. */
static int named(pg_params *p, const char *name, size_t len)
{
    for (int i = 0; i < p->n; i++)
        if (p->names[i] && strlen(p->names[i]) == len && !memcmp(p->names[i], name, len)) return i + 1;
    int k = p->n + 1;
    if (need_params(p, k) != 0) return 0;
    p->names[k - 1] = strndup(name, len);
    return p->names[k - 1] ? k : 0;
}

char *pg_sql_translate(const char *s, size_t n, pg_params *p)
{
    p->n = 0;
    p->names = NULL;
    /* "$NNNNNN" is at most 7 bytes for every byte it replaces */
    size_t cap = n * 7 + 16, o = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    int next = 0;       /* the last positional number handed out */
    for (size_t i = 0; i < n;) {
        char c = s[i];
        size_t j = i + 1;
        int k = -1;     /* the parameter found at i, ending at j */
        if (c == '?') {
            if (j < n && s[j] >= '0' && s[j] <= '9') {
                k = 0;
                while (j < n && s[j] >= '0' && s[j] <= '9' && k < 100000) k = k * 10 + (s[j++] - '0');
            } else {
                k = ++next;
            }
            if (k > next) next = k;
            if (k < 1 || need_params(p, k) != 0) goto oom_or_bad;
        } else if ((c == ':' || c == '@' || c == '$') && j < n && ident_start((unsigned char)s[j])
                   && !(c == ':' && i > 0 && s[i - 1] == ':')
                   && !(c == '$' && dollar_tag(s, n, i))
                   && !(i > 0 && ident_char((unsigned char)s[i - 1]) && c != ':')) {
            while (j < n && ident_char((unsigned char)s[j])) j++;
            k = named(p, s + i + 1, j - i - 1);
            if (!k) goto oom_or_bad;
        } else if (c == '$' && j < n && s[j] >= '0' && s[j] <= '9') {
            k = 0;
            while (j < n && s[j] >= '0' && s[j] <= '9' && k < 100000) k = k * 10 + (s[j++] - '0');
            if (k < 1 || need_params(p, k) != 0) goto oom_or_bad;
            if (k > next) next = k;
        } else if (c == ':' && j < n && s[j] == ':') {
            memcpy(out + o, "::", 2);     /* a cast: its type name is not a parameter */
            o += 2;
            i += 2;
            continue;
        }
        if (k > 0) {
            o += (size_t)snprintf(out + o, cap - o, "$%d", k);
            i = j;
            continue;
        }
        j = skip(s, n, i);
        memcpy(out + o, s + i, j - i);
        o += j - i;
        i = j;
    }
    out[o] = 0;
    return out;
oom_or_bad:
    free(out);
    pg_params_free(p);
    return NULL;
}
