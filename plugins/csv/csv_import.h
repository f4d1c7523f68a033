/*
 * csv_import.h — the inspection import pipeline (`import FILE`):
 * header -> mapping -> per-row conversion and validation in C -> the
 * store's loader, in one transaction; errors, rejects file, summary.
 */
#ifndef CSV_IMPORT_H
#define CSV_IMPORT_H
#include "cwsh.h"
#include "csv_read.h"

typedef struct cimp_opts {
    const char *file;        /* as typed */
    const char *mapping;     /* --mapping, or NULL */
    csvr_opts read;          /* --encoding, --delimiter */
    int skip_bad, replace, add_markets;
    int threads;             /* parse on a second thread: 1 yes, 0 no, -1 for files of 1 MB and more */
} cimp_opts;

/* Run an import.  0 with a malloc'd one-line summary in *summary; -1 with
 * a malloc'd failure message in *err (errors on rows were already printed
 * through host->errorf).  Uses the host's lua_State for the rules, the
 * mappings and any Lua converter; raises no Lua error. */
int cimp_run(cwsh_host *h, const cimp_opts *o, char **summary, char **err);

/* "5,562" */
void cimp_thousands(char *buf, size_t size, long long v);
#endif
