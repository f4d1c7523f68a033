#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "words.h"

static int blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char **words_split(const char *line, int *n, const char **err)
{
    size_t len = strlen(line);
    /* a word that starts with an unquoted ~ before / or its end is under
     * $HOME, as every shell reads it (`import ~/收件/x.csv`) */
    const char *home = getenv("HOME");
    size_t hlen = home ? strlen(home) : 0, tildes = 0;
    if (hlen)
        for (const char *t = strchr(line, '~'); t; t = strchr(t + 1, '~')) tildes++;
    /* at most len/2+1 words; strings need at most len+1 bytes + NULs, and
     * a home for each ~ that may start one */
    size_t maxw = len / 2 + 2;
    size_t fixed = maxw * sizeof(char *) + 2 * len + 2;
    *err = NULL;
    if (tildes && tildes > (SIZE_MAX - fixed) / hlen) { *err = "out of memory"; return NULL; }
    char **v = malloc(fixed + tildes * hlen);
    if (!v) { *err = "out of memory"; return NULL; }
    char *out = (char *)(v + maxw);
    const char *p = line;
    int count = 0;
    for (;;) {
        while (blank(*p)) p++;
        if (!*p) break;
        v[count++] = out;
        if (hlen && p[0] == '~' && (p[1] == '/' || p[1] == 0 || blank(p[1]))) {
            memcpy(out, home, hlen);
            out += hlen;
            p++;
        }
        while (*p && !blank(*p)) {
            if (*p == '\'') {
                const char *q = strchr(p + 1, '\'');
                if (!q) { *err = "unterminated ' quote"; free(v); return NULL; }
                memcpy(out, p + 1, (size_t)(q - p - 1));
                out += q - p - 1;
                p = q + 1;
            } else if (*p == '"') {
                p++;
                while (*p && *p != '"') {
                    if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) p++;
                    *out++ = *p++;
                }
                if (*p != '"') { *err = "unterminated \" quote"; free(v); return NULL; }
                p++;
            } else {
                *out++ = *p++;
            }
        }
        *out++ = 0;
    }
    v[count] = NULL;
    *n = count;
    return v;
}
