#include <stdlib.h>
#include <string.h>
#include "words.h"

char **words_split(const char *line, int *n, const char **err)
{
    size_t len = strlen(line);
    /* at most len/2+1 words; strings need at most len+1 bytes + NULs */
    size_t maxw = len / 2 + 2;
    char **v = malloc(maxw * sizeof *v + 2 * len + 2);
    *err = NULL;
    if (!v) { *err = "out of memory"; return NULL; }
    char *out = (char *)(v + maxw);
    const char *p = line;
    int count = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
        if (!*p) break;
        v[count++] = out;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
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
