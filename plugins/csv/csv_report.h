/*
 * csv_report.h — what an import says about bad rows: the error lines
 * `FILE:LINE:COLUMN: reason` (the first 20 shown, then a count), and the
 * rejects file FILE.rejects.csv: the header and each rejected row byte for
 * byte in the file's own encoding, with a `reason` column appended.
 */
#ifndef CSV_REPORT_H
#define CSV_REPORT_H
#include <stdio.h>
#include "cwsh.h"
#include "csv_read.h"

#define CREP_SHOWN 20
#define CREP_PROBS 12           /* problems kept per row; more are counted */

typedef struct crep {
    cwsh_host *h;
    const char *file;        /* as the user typed it */
    csvr *r;
    char *header;            /* raw header bytes (copy) */
    size_t header_len;
    char *path;              /* rejects file */
    char *tmp;               /* written here, renamed to path when complete */
    FILE *out;
    long errors;             /* error lines reported */
    long rejected;           /* rows written to the rejects file */
    char *fail;              /* first write failure */
    int drop_reason;         /* the input is a rejects file: replace its reason column */
    int discarded;           /* crep_discard: write nothing */
    /* the problems of the row being checked, reported together */
    struct crep_prob { int col; char why[480]; } prob[CREP_PROBS];
    int nprob, more_probs;
} crep;

/* -1 when memory runs out (nothing to close then). */
int crep_open(crep *c, cwsh_host *h, const char *file, csvr *r,
              const char *header, size_t header_len);
/* Report one error; line 0 leaves out LINE, col 0 leaves out COLUMN. */
void crep_error(crep *c, long line, int col, const char *reason);
/* One problem of the row being checked (col 0: none to name). */
void crep_problem(crep *c, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Report the row's problems as error lines at `line`, in column order,
 * and join them into `reason` for the rejects file; then forget them. */
void crep_problems_flush(crep *c, long line, char *reason, size_t size);
/* Append a raw row with its reason to the rejects file (opened on first use). */
void crep_reject(crep *c, const char *raw, size_t n, const char *reason);
/* No rejects file: the one written so far, or one left by an earlier
 * run, is removed, and no more rows are written. */
void crep_discard(crep *c);
/* Print "... and N more" when errors were left out; close the file and
 * put it in place: an earlier rejects file that differs from it (fixed
 * by hand, and the sheet imported again instead of it) is kept as
 * PATH~, and said so.  0, or -1 with a malloc'd message when writing
 * the rejects file failed (then no rejects file is left, and an earlier
 * one stays). */
int crep_close(crep *c, char **err);
/* crep_close, then the message of an import that fails for its `bad`
 * rows (`also`: what follows the count, "" for nothing): where the bad
 * rows are, or that the rejects file could not be written.  Malloc'd. */
char *crep_refusal(crep *c, long bad, const char *also);
/* Close and free without a word: the import is being torn down after a
 * Lua error unwound it, or Ctrl-C stopped it (nothing it points at may be
 * used but its own).  The rows written so far go: no partial rejects
 * file, and an earlier one stays. */
void crep_abandon(crep *c);

/* A malloc'd message, printf-style (cut at 2,600 bytes). */
char *crep_msgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Monotonic seconds, for the summary's timing. */
double crep_now(void);
#endif
