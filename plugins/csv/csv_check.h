/*
 * csv_check.h — the checklist as the importer needs it: item code ->
 * (index, points), looked up by hash once per row.  Loaded once per import
 * from Lua: require("rules").current().items.
 */
#ifndef CSV_CHECK_H
#define CSV_CHECK_H
#include <stddef.h>
#include <lua.h>

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
} ccheck;

/* Load from the rules module.  0, or -1 with a malloc'd message. */
int ccheck_load(ccheck *c, lua_State *L, char **err);
/* Item index of code s[0..n), or -1. */
int ccheck_find(const ccheck *c, const char *s, size_t n);
/* Length of a leading item-code-like prefix ("A01" in "A01 地面..."):
 * ASCII letters then digits, followed by the end, a space, '.', '、' or a
 * non-ASCII byte.  0 when the text does not start like a code. */
size_t ccheck_code_prefix(const char *s, size_t n);
void ccheck_free(ccheck *c);
#endif
