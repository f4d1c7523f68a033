/*
 * connstr.c — connection strings for messages, passwords as *** (see
 * connstr.h).  Each form is scanned the way libpq scans it, so what
 * libpq takes for a password is what is hidden, no more and no less:
 * a mask that stops early leaks the rest of a quoted or escaped
 * password, one that runs on hides the host the message is about.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "connstr.h"

/* The output: the input's bytes, with spans replaced by ***; or, with
 * no stream, the spans themselves (connstr_mask_text's passwords). */
typedef struct masker {
    FILE *f;
    const char *from;           /* first input byte not yet written */
    const char *span[8][2];     /* f NULL: the passwords found */
    int nspan;
} masker;

/* Write the input up to `start`, then *** for the bytes up to `end`. */
static void hide(masker *m, const char *start, const char *end)
{
    if (!m->f) {
        if (m->nspan < 8 && end > start) {
            m->span[m->nspan][0] = start;
            m->span[m->nspan++][1] = end;
        }
        return;
    }
    fwrite(m->from, 1, (size_t)(start - m->from), m->f);
    fputs("***", m->f);
    m->from = end;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Non-zero when the URI key k[0..n) is "password" once %-decoded, as
 * libpq decodes keys before it looks them up. */
static int uri_key_is_password(const char *k, size_t n)
{
    static const char want[] = "password";
    size_t w = 0;
    for (size_t i = 0; i < n; i++, w++) {
        int c = (unsigned char)k[i];
        if (c == '%' && i + 2 < n && hexval(k[i + 1]) >= 0 && hexval(k[i + 2]) >= 0) {
            c = hexval(k[i + 1]) * 16 + hexval(k[i + 2]);
            i += 2;
        }
        if (w >= sizeof want - 1 || c != want[w]) return 0;
    }
    return w == sizeof want - 1;
}

/* SCHEME://[USER[:PASSWORD]@]HOSTS[/DB][?PARAMS], p just after "://".
 * libpq takes userinfo when an '@' comes before any '/', the password
 * from the first ':' in it to that '@'; the parameters start at the
 * first '?' after it, and each value runs to the next '&'. */
static void mask_uri(masker *m, const char *p)
{
    const char *at = p + strcspn(p, "@/");
    if (*at == '@') {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        if (colon) hide(m, colon + 1, at);
        p = at + 1;
    }
    const char *q = strchr(p, '?');
    while (q) {
        const char *key = q + 1, *amp = key + strcspn(key, "&");
        const char *eq = memchr(key, '=', (size_t)(amp - key));
        if (eq && uri_key_is_password(key, (size_t)(eq - key))) hide(m, eq + 1, amp);
        q = *amp ? amp : NULL;
    }
}

/* The end of a keyword/value pair's value starting at v (after the
 * blanks that follow '='): a quoted value ends after its closing quote,
 * \x taking x as it is; an unquoted one at the first blank not escaped
 * by a backslash.  An unterminated quote runs to the end (libpq refuses
 * the string; the message must still hide it). */
static const char *kv_value_end(const char *v)
{
    if (*v == '\'') {
        for (v++; *v; v++) {
            if (*v == '\\') { if (!*++v) break; }
            else if (*v == '\'') return v + 1;
        }
        return v;
    }
    for (; *v && !isspace((unsigned char)*v); v++)
        if (*v == '\\' && !*++v) break;
    return v;
}

/* KEY = VALUE pairs, as libpq's conninfo_parse reads them: blanks skipped
 * before the key, the key up to '=' or a blank (then blanks, then '='),
 * blanks after '='.  A key without '=' ends the scan, as it ends libpq's. */
static void mask_keywords(masker *m, const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (!*p) return;
        const char *key = p;
        while (*p && *p != '=' && !isspace((unsigned char)*p)) p++;
        size_t klen = (size_t)(p - key);
        while (isspace((unsigned char)*p)) p++;
        if (*p != '=') return;
        p++;
        while (isspace((unsigned char)*p)) p++;
        const char *end = kv_value_end(p);
        if (klen == 8 && !memcmp(key, "password", 8)) hide(m, p, end);
        p = end;
    }
}

/* The length of "SCHEME:" at s (a letter, then letters, digits, '+',
 * '.', '-'), else 0. */
static size_t scheme_len(const char *s)
{
    if (!isalpha((unsigned char)*s)) return 0;
    size_t n = 1;
    while (isalnum((unsigned char)s[n]) || s[n] == '+' || s[n] == '.' || s[n] == '-') n++;
    return s[n] == ':' ? n + 1 : 0;
}

/* Find the passwords of s through m (its stream set or not). */
static void scan(masker *m, const char *s)
{
    size_t sl = scheme_len(s);
    /* sqlite:PATH is a file name, whatever its bytes */
    if (sl && strncmp(s, "sqlite:", 7)) {
        if (!strncmp(s + sl, "//", 2)) mask_uri(m, s + sl + 2);
        else if (strchr(s + sl, '=')) mask_keywords(m, s + sl);
    }
}

char *connstr_mask(const char *s)
{
    if (!s) return NULL;
    char *out = NULL;
    size_t n = 0;
    masker m = { .f = open_memstream(&out, &n), .from = s };
    if (!m.f) abort();
    scan(&m, s);
    fputs(m.from, m.f);
    if (fclose(m.f) != 0 || !out) abort();
    return out;
}

char *connstr_mask_text(const char *text, const char *connstr)
{
    if (!text) return NULL;
    masker m = { .from = connstr };
    if (connstr) scan(&m, connstr);
    char *out = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&out, &n);
    if (!f) abort();
    /* a password counts where it stands as a token of its own (in the
     * quoted string, between ':' and '@', in quotes): a short one must
     * not take letters out of the words around it */
    for (const char *p = text; *p;) {
        size_t hit = 0;
        int after_word = p > text && isalnum((unsigned char)p[-1]);
        for (int i = 0; i < m.nspan && !hit && !after_word; i++) {
            size_t len = (size_t)(m.span[i][1] - m.span[i][0]);
            if (!strncmp(p, m.span[i][0], len) && !isalnum((unsigned char)p[len])) hit = len;
        }
        if (hit) { fputs("***", f); p += hit; }
        else fputc(*p++, f);
    }
    if (fclose(f) != 0 || !out) abort();
    return out;
}
