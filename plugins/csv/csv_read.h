/*
 * csv_read.h — streaming CSV reader (owned by the csv plugin).
 *
 * Reads a file in 64 KB blocks, never whole.  Record boundaries are found
 * on the original bytes (quotes and line breaks are single ASCII bytes in
 * UTF-8 and GB18030 alike), so every record keeps its raw bytes in the
 * file's own encoding for the rejects file and its true first line number
 * even when quoted fields hold line breaks.  Each record is then converted
 * to UTF-8 (validated, or through iconv) and split into fields by libcsv.
 *
 * Encoding: a UTF-8 BOM is skipped; without `encoding`, the first block is
 * checked and the file is read as GB18030 when it is not valid UTF-8.
 * Invalid bytes are never replaced: the record comes back as CSVR_BAD with
 * the line, field and byte offset of the first one.
 */
#ifndef CSV_READ_H
#define CSV_READ_H
#include <stddef.h>

typedef struct csvr csvr;

typedef struct csvr_opts {
    const char *encoding;   /* NULL: detect */
    int delim;              /* 0: sniff among , ; \t | on the first record */
} csvr_opts;

typedef struct csvr_record {
    int nf;                 /* number of fields */
    char **f;               /* UTF-8, NUL-terminated; valid until the next call */
    size_t *len;
    long line;              /* source line of the record's first byte (1-based) */
    long long offset;       /* byte offset of the record in the file */
    const char *raw;        /* original bytes without the line terminator */
    size_t raw_len;
} csvr_record;

enum { CSVR_EOF = 0, CSVR_OK = 1, CSVR_BAD = 2, CSVR_FAIL = -1 };

/* Opens `path`; on failure returns NULL with a malloc'd message in *err. */
csvr *csvr_open(const char *path, const csvr_opts *o, char **err);
/* Next non-blank record into *rec.  CSVR_BAD: the record could not be
 * decoded, or its quotes are wrong; rec->raw/line are set and
 * csvr_error() says why (column `*col`); rec->nf is 0, or for wrong
 * quotes the fields as libcsv reads the bytes (to tell the row's
 * inspection, not to import).  CSVR_FAIL: I/O error or a record of 8 MB or more (a quote
 * never closed), message in *err without a location: the caller names
 * FILE and csvr_line(). */
int csvr_next(csvr *r, csvr_record *rec, char **err);
const char *csvr_error(const csvr *r, int *col);
const char *csvr_encoding(const csvr *r);   /* "UTF-8", "GB18030", ... */
int csvr_delim(const csvr *r);
/* The first record's line ending, "\r\n", "\n" or "\r" (old Mac Excel),
 * and its name, "CRLF", "LF" or "CR" ("\n" and "LF" before any). */
const char *csvr_eol(const csvr *r);
const char *csvr_eol_name(const csvr *r);
long csvr_line(const csvr *r);              /* where the record being read starts (for CSVR_FAIL) */
long long csvr_bytes(const csvr *r);        /* bytes consumed so far */
long long csvr_size(const csvr *r);         /* file size (0 for a pipe) */
/* Convert UTF-8 `s` to the file's encoding (for the rejects file); the
 * result is valid until the next call.  Characters the encoding lacks
 * are written as '?'. */
const char *csvr_encode(csvr *r, const char *s, size_t n, size_t *out_len);
void csvr_close(csvr **r);

/* Exposed for unit tests: length of the valid UTF-8 prefix of p[0..n);
 * with `partial_ok`, a truncated sequence at the very end counts as valid. */
size_t csvr_utf8_valid(const unsigned char *p, size_t n, int partial_ok);
#endif
