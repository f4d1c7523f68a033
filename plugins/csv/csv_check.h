/*
 * csv_check.h — the checklist as the importer needs it: item code ->
 * (index, points), looked up by hash once per row.  Built once per import
 * from the host's vocabulary (cwsh_domain: its items and item-code
 * pattern), never from Lua.
 */
#ifndef CSV_CHECK_H
#define CSV_CHECK_H
#include <stddef.h>
#include <regex.h>
#include "cwsh.h"

typedef struct ccheck_item {
    char code[16];
    double points;
    char *title;            /* the checklist's title (owned), "" when none */
} ccheck_item;

typedef struct ccheck {
    ccheck_item *items;
    int n;
    int *slot;              /* open addressing: item index + 1, 0 = empty */
    unsigned mask;
    const cwsh_domain *d;   /* the vocabulary it came from (borrowed) */
    regex_t code_re;        /* d->item_code, compiled */
    int have_re;
} ccheck;

/* Build from the vocabulary.  0, or -1 with a malloc'd message. */
int ccheck_load(ccheck *c, const cwsh_domain *d, char **err);
/* Item index of code s[0..n), or -1. */
int ccheck_find(const ccheck *c, const char *s, size_t n);
/* Length of a leading item-code-like prefix ("A01" in "A01 地面..."):
 * a match of the domain's item_code pattern at the start, followed by the
 * end, a space, '.', '_', '-' or a non-ASCII byte.  0 when the text does
 * not start like a code. */
size_t ccheck_code_prefix(const ccheck *c, const char *s, size_t n);
void ccheck_free(ccheck *c);
#endif
