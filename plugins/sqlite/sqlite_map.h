/*
 * sqlite_map.h — string -> int64 hash map for the loaders' key lookups
 * (market code/name/alias -> id, item code -> id, unit name -> id), so a
 * load resolves keys in memory instead of one SELECT per row.
 *
 * Keys are copied (any bytes, with a length).  Zero-initialise a map
 * before use; sqlite_map_free() releases it and leaves it empty.
 */
#ifndef SQLITE_MAP_H
#define SQLITE_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct sqlite_map {
    char **keys;
    size_t *lens;
    int64_t *vals;
    size_t cap, n;
} sqlite_map;

/* Pointer to the value of `key`, or NULL when absent. */
int64_t *sqlite_map_get(const sqlite_map *m, const char *key, size_t n);

/* Set `key` to `v` (insert or overwrite).  0, or -1 when out of memory. */
int sqlite_map_put(sqlite_map *m, const char *key, size_t n, int64_t v);

void sqlite_map_free(sqlite_map *m);

#endif
