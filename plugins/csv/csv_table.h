/*
 * csv_table.h — generic CSV into a table, the sqlite3 way
 * (`.import FILE TABLE`): the header names the columns (as written,
 * Chinese included), the store creates TABLE when missing and appends
 * otherwise; same reader, errors and rejects file as `import`; atomic.
 */
#ifndef CSV_TABLE_H
#define CSV_TABLE_H
#include "cwsh.h"
#include "csv_read.h"

typedef struct ctab_opts {
    const char *file, *table;
    csvr_opts read;
    long skip;               /* records to skip before the header */
    int skip_bad;
} ctab_opts;

/* 0 with a malloc'd summary, or -1 with a malloc'd message. */
int ctab_run(cwsh_host *h, const ctab_opts *o, char **summary, char **err);
#endif
