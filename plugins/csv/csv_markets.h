/*
 * csv_markets.h — what an import knows and says about the markets its
 * sheet names, beyond finding their ids (csv_store.c does that):
 *
 *   - the register's station (所属单位) of every market, so that a row
 *     whose unit contradicts it is a bad row naming both;
 *   - codes for the markets `--add-markets` registers from a sheet
 *     without codes: the first free M0001, M0002, ... (the codes
 *     `markets add` gives), and the list of every market added, for the
 *     report;
 *   - the unknown markets, counted once per market, so that a sheet whose
 *     markets are not registered says so in one line per market instead
 *     of one per inspection.
 *
 * Touched only by the import's parsing thread (after cmk_load_register on
 * the calling thread, before the load starts).  Owns copies of all text.
 */
#ifndef CSV_MARKETS_H
#define CSV_MARKETS_H
#include <stddef.h>
#include <stdint.h>
#include "cwsh.h"
#include "csv_store.h"

typedef struct cmk cmk;

/* NULL when out of memory. */
cmk *cmk_open(void);
void cmk_close(cmk **m);
/* True when an allocation failed on the way (a station, an added or
 * unknown market was lost): the import must not be committed. */
int cmk_failed(const cmk *m);

/* The station, code and name of every registered market, read through
 * the store's SQL.  0, or -1 with a malloc'd message. */
int cmk_load_register(cmk *m, cwsh_store *st, char **err);
/* The station of market `id` ("" when it has none, NULL when the market
 * is not in the set). */
const char *cmk_unit(const cmk *m, int64_t id);
/* Market `id` (added by this import) has station unit[0..n). */
void cmk_set_unit(cmk *m, int64_t id, const char *unit, size_t n);
/* Market `id` (added by this import) has this code and name. */
void cmk_set_names(cmk *m, int64_t id, const char *code, const char *name);
/* The register's code and name of market `id`: 1, or 0 when not known
 * (the strings live as long as m). */
int cmk_names(const cmk *m, int64_t id, const char **code, const char **name);
/* 1 the first time it is asked for market `id` (a notice once a market). */
int cmk_first_spelling(cmk *m, int64_t id);

/* The next free generated code into out (at least 8 bytes), probing the
 * store through cs; -1 when the store failed. */
int cmk_next_code(cmk *m, cstore *cs, char *out, size_t outsz);

/* A market this import added (unit may be NULL); the report names the
 * first ones. */
void cmk_added(cmk *m, const char *code, const char *name, const char *unit);
long cmk_nadded(const cmk *m);
/* Keep, of the added markets, those mine(arg, code) says this import put
 * into the register (1; 0: another session added that code first).
 * 0, or -1 as soon as mine returns -1. */
int cmk_keep_added(cmk *m, int (*mine)(void *arg, const char *code), void *arg);
/* "added 2 markets: M0001 城北市场 (城东所), M0002 ..." (malloc'd), or NULL
 * when none was added. */
char *cmk_added_report(const cmk *m);

/* An inspection that names an unknown market (code and/or name, either
 * may be empty), at `line`. */
void cmk_unknown(cmk *m, const char *code, const char *name, long line);
long cmk_unknown_inspections(const cmk *m);
/* "N inspections name M unknown markets: ..." (malloc'd), or NULL. */
char *cmk_unknown_report(const cmk *m, int add_markets);
#endif
