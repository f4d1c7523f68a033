/*
 * csv_store.h — the store's loader as the import's parser sees it.
 *
 * Direct: calls go to the loader at once.  Threaded: the parser runs on a
 * second thread (cstore_run) and its calls are queued through a cpipe to
 * the calling thread, which writes them to the store meanwhile; a market
 * lookup waits for its answer.  Market ids are cached by key so that a
 * lookup reaches the store once per market.  Only the thread running
 * cstore_run touches the store.
 */
#ifndef CSV_STORE_H
#define CSV_STORE_H
#include "cwsh.h"

typedef struct cstore cstore;

/* NULL when out of memory. */
cstore *cstore_open(cwsh_store *st, cwsh_loader *ld, int threaded);
void cstore_close(cstore **s);

/* Run parse(arg): on a second thread when threaded (this thread writes to
 * the store until parse returns), else here.  Returns when all is done. */
void cstore_run(cstore *s, void (*parse)(void *), void *arg);

/* Parser side.  One inspection with its n results; 0, or -1 once the store
 * has failed (stop parsing; cstore_failure says why). */
int cstore_inspection(cstore *s, const cwsh_inspection *in, const cwsh_result *r, int n);
/* Market id by code, else (no code) by name or alias; when unknown and
 * `add`, added with its unit.  0 when unknown, or with *err when adding
 * failed. */
int64_t cstore_market(cstore *s, const char *code, const char *name, const char *unit,
                      int add, char **err);
int cstore_failed(cstore *s);
/* The store's failure message (malloc'd, the caller frees), or NULL. */
char *cstore_failure(cstore *s);
#endif
