/*
 * loadkit.h — what the store plugins' inspection loaders share: the
 * in-memory key maps, and the checks and messages an inspection and an
 * item result get before a store writes them (owned by the postgres
 * helper).  Compiled into each store plugin (plugins/sqlite,
 * plugins/postgres), not into cwsh: a plugin meets the core only
 * through the host API, and a store's dialect stays in its plugin.
 *
 * Messages are malloc'd, start in lower case and name the subject, as
 * the stores' own do; the caller owns them.
 */
#ifndef LOADKIT_H
#define LOADKIT_H

#include <stddef.h>
#include <stdint.h>
#include "cwsh.h"

/* each plugin's own copy: not exported from the plugin's .so */
#pragma GCC visibility push(hidden)

/* String -> int64 hash map (market code/name/alias -> id, item code ->
 * id, unit name -> id), so a load resolves keys in memory instead of one
 * query per row.  Keys are copied (any bytes, with a length).
 * Zero-initialise a map before use; loadkit_map_free releases it and
 * leaves it empty. */
typedef struct loadkit_map {
    char **keys;
    size_t *lens;
    int64_t *vals;
    size_t cap, n;
} loadkit_map;

/* Pointer to the value of `key`, or NULL when absent. */
int64_t *loadkit_map_get(const loadkit_map *m, const char *key, size_t n);
/* Set `key` to `v`.  0, or -1 when out of memory. */
int loadkit_map_put(loadkit_map *m, const char *key, size_t n, int64_t v);
void loadkit_map_free(loadkit_map *m);

/* malloc'd printf result (aborts on out of memory, like xstrdup). */
char *loadkit_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The id `key` maps to, 0 when absent, empty or ambiguous (-1). */
int64_t loadkit_find(const loadkit_map *m, const char *key);

/* A market by code, then alias (of the code or the name), then name;
 * 0 when unknown, -1 when the name belongs to several markets (the sheet
 * must give the code: guessing would put inspections on the wrong one). */
int64_t loadkit_market(const loadkit_map *code, const loadkit_map *alias, const loadkit_map *name,
                       const char *c, const char *nm);

/* The kind of a new station: the first unit kind whose suffix ends its
 * name (the vocabulary's last one has none); NULL when none does. */
const char *loadkit_unit_kind(const cwsh_domain *d, const char *name, size_t n);

/* Check an inspection against the vocabulary and the known market ids
 * (`known`: id bytes -> anything): the index of its kind in d->kinds,
 * or -1 with *err. */
int loadkit_inspection(const cwsh_domain *d, const loadkit_map *known, const cwsh_inspection *in,
                       char **err);

/* Check an item result of inspection number `insp` (1, 2, ... in the
 * load): its item in `items`, its result code and deduction, and, with
 * seen[item id] the number of the inspection that last had the item,
 * that the inspection has it once (then marks it).  The item's id, or 0
 * with *err. */
int64_t loadkit_result(const loadkit_map *items, uint32_t *seen, size_t nseen, uint32_t insp,
                       const cwsh_result *r, char **err);

#pragma GCC visibility pop

#endif
