/*
 * pg_map.h — string -> int64 hash map for the loader's key lookups
 * (market code/name/alias -> id, item code -> id, unit name -> id), so a
 * load resolves keys in memory instead of one query per row (owned by
 * the postgres helper).  Keys are copied; zero-initialise a map before
 * use; pg_map_free releases it and leaves it empty.
 */
#ifndef PG_MAP_H
#define PG_MAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct pg_map {
    char **keys;
    size_t *lens;
    int64_t *vals;
    size_t cap, n;
} pg_map;

/* Pointer to the value of `key`, or NULL when absent. */
int64_t *pg_map_get(const pg_map *m, const char *key, size_t n);
/* Set `key` to `v`.  0, or -1 when out of memory. */
int pg_map_put(pg_map *m, const char *key, size_t n, int64_t v);
void pg_map_free(pg_map *m);

#endif
