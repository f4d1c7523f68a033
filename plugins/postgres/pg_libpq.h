/*
 * pg_libpq.h — libpq loaded at the first connection, not at start-up.
 *
 * The plugin is not linked with libpq (pg_libpq.c says why).  Before
 * any other PQ* call, pg_libpq_load opens libpq.so.5 and binds every
 * function the plugin uses; after that PQ* calls work as if linked.
 * The library stays loaded until the process ends.
 */
#ifndef PG_LIBPQ_H
#define PG_LIBPQ_H

#define PG_LIBPQ_SONAME "libpq.so.5"

/* 0, or -1 with *err (malloc'd) naming the library and why. */
int pg_libpq_load(char **err);

#endif
