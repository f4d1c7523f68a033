/*
 * csv_seen.h — the inspections an import must not add again: those the
 * database already holds and those earlier in the same file, keyed by
 * market, date, kind and inspector.  Two inspections of one market on one
 * day by the same inspector and of the same kind are one inspection sent
 * twice (a cumulative weekly sheet, the long and the wide copy of the
 * same sheet, a row pasted twice, rows of one inspection not kept
 * together), unless the sheet's ids say otherwise; importing it again
 * would count it twice in every score.
 *
 * The set keeps hashes of the keys (16 bytes an inspection; see
 * csv_seen.c for the odds of a false match) and owns copies of the labels.
 */
#ifndef CSV_SEEN_H
#define CSV_SEEN_H
#include <stddef.h>
#include <stdint.h>

typedef struct cseen cseen;

cseen *cseen_open(void);
void cseen_close(cseen **s);

/* Where an inspection came from: a line of this file (line > 0), or an
 * earlier import (line 0, `label` such as "import #3 (x.csv, 2027-01-12)"). */
typedef struct cseen_where {
    long line;
    const char *label;
} cseen_where;

/* Add an inspection; 0 when it is new, 1 when it repeats one already
 * there (*where says which, valid until the set changes), -1 when out of
 * memory.  The sheet's own ids tell apart two inspections with the same
 * key: with `ext_id` (may be NULL) it repeats one with the same id or one
 * without any; without it, it repeats any with its key.  `label` (for
 * keys from the database; NULL for this file's) is kept once per run of
 * equal labels. */
int cseen_add(cseen *s, int64_t market, const char *date, const char *kind,
              const char *inspector, const char *ext_id, long line, const char *label,
              cseen_where *where);
#endif
