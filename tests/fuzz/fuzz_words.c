/*
 * fuzz_words.c — fuzz target for the words splitter of command arguments
 * (core/words.c): blanks separate, 'single' and "double" quotes group.
 *
 * Checks, beyond "no crash, no leak, no undefined behaviour": the word
 * array ends with NULL after n words; the words hold no more bytes than
 * the line with $HOME in place of each ~ (a word's leading ~ is expanded);
 * an unquoted ~ or ~/ word starts with $HOME; a failure is an unterminated
 * quote and the line has a quote; and the split round-trips: each word
 * written back in double quotes (escaping \ and ", which also keeps a ~
 * literal) and split again gives the same words.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "words.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* a fixed home, longer than "~", so an expansion is seen in the sizes */
static const char HOME[] = "/home/fuzz";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    setenv("HOME", HOME, 1);
    return 0;
}

static void check(int ok, const char *what)
{
    if (!ok) { fprintf(stderr, "fuzz_words: invariant broken: %s\n", what); abort(); }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the line ends at its first NUL, as a C string does */
    char *line = malloc(size + 1);
    if (!line) return 0;
    memcpy(line, data, size);
    line[size] = 0;
    size_t len = strlen(line);
    int n = -1;
    const char *err = NULL;
    char **w = words_split(line, &n, &err);
    if (!w) {
        check(err && (strstr(err, "unterminated") || !strcmp(err, "out of memory")), "a failure says why");
        check(strpbrk(line, "'\"") != NULL, "only quotes fail");
        free(line);
        return 0;
    }
    check(err == NULL, "no error on success");
    check(n >= 0 && w[n] == NULL, "the array ends with NULL");
    size_t total = 0;
    for (int i = 0; i < n; i++) total += strlen(w[i]);
    size_t tildes = 0;
    for (const char *t = strchr(line, '~'); t; t = strchr(t + 1, '~')) tildes++;
    check(total <= len + tildes * (sizeof HOME - 2), "words hold no more than the line, ~ expanded");
    if (!strpbrk(line, "'\"")) {
        for (int i = 0; i < n; i++)
            check(*w[i] && !strpbrk(w[i], " \t\r\n"), "unquoted words are non-empty and blank-free");
        /* the first word's ~ (a line that starts "~ " or "~/") is home */
        const char *p = line + strspn(line, " \t\r\n");
        if (n && p[0] == '~' && (p[1] == '/' || p[1] == 0 || strchr(" \t\r\n", p[1])))
            check(strncmp(w[0], HOME, sizeof HOME - 1) == 0, "a leading ~ is $HOME");
    }
    /* round trip */
    char *again = malloc(2 * total + 3 * (size_t)n + 1), *o = again;
    if (!again) { free(w); free(line); return 0; }
    for (int i = 0; i < n; i++) {
        if (i) *o++ = ' ';
        *o++ = '"';
        for (const char *c = w[i]; *c; c++) {
            if (*c == '"' || *c == '\\') *o++ = '\\';
            *o++ = *c;
        }
        *o++ = '"';
    }
    *o = 0;
    int m = -1;
    char **w2 = words_split(again, &m, &err);
    check(w2 != NULL, "quoted words split");
    check(m == n, "same number of words");
    for (int i = 0; i < n; i++) check(strcmp(w[i], w2[i]) == 0, "same words");
    free(w2);
    free(again);
    free(w);
    free(line);
    return 0;
}
