/*
 * outenc.h — CSV for Excel: a UTF-8 BOM at the start of an output, and
 * output converted from UTF-8 to another encoding (GB18030) with iconv.
 *
 * Chinese Excel reads a CSV file without a BOM as the system's code page
 * (GBK), so UTF-8 text shows garbled: `--bom` or `.mode csv --excel`
 * writes the BOM EF BB BF before the first result set written to stdout
 * or to a file opened by .output/.once; `.mode csv --encoding gb18030`
 * writes the bytes Excel expects without one.  Both apply to the csv and
 * tsv modes only, and only to result sets (what `.print` writes is
 * untouched).  The settings live in the session (csv_bom, csv_encoding).
 */
#ifndef OUTENC_H
#define OUTENC_H

#include <stdio.h>
#include "session.h"

/* The stream one result set renders into: the output itself, or a stream
 * converting into it.  Writes the BOM first when one is due.  Never NULL
 * (without memory for the converter, the output itself). */
FILE *outenc_begin(session *s);

/* End what outenc_begin started: flush the converter into the output and
 * close it (a character the encoding lacks was written as '?': said once
 * on stderr).  `f` is what outenc_begin returned. */
void outenc_end(session *s, FILE *f);

/* Whether iconv converts UTF-8 into `name` (for .mode's --encoding);
 * 0 when it does not. */
int outenc_known(const char *name);

#endif
