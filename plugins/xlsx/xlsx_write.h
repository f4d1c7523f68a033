/*
 * xlsx_write.h — a document (titled result sets) as an xlsx workbook.
 */
#ifndef XLSX_WRITE_H
#define XLSX_WRITE_H

#include <stdio.h>
#include "cwsh.h"

/* cwsh_format.write: one worksheet per table, named by its title (made
 * valid and unique); the header row bold and frozen; numbers as numbers
 * with the number format of the text they were shown as ("88.0" → 0.0,
 * "+1.5" → +0.0, "77.2%" → 0.772 as 0.0%); columns as wide as their
 * widest cell in display columns (a Chinese character counts two). */
int xlsxw_write(void *self, FILE *out, int n, const cwsh_table *tables, char **err);

/* Display columns of s[0..n): East Asian wide characters count 2. */
int xlsxw_width(const char *s, size_t n);

/* The Excel number format of a number shown as s[0..n) ("0.0", "+0.0;-0.0;0.0",
 * "0.0%"), written into buf; *percent is set when the value is a percentage
 * (to be divided by 100).  "" for General (no format text). */
void xlsxw_numfmt(const char *s, size_t n, char *buf, size_t size, int *percent);

/* A valid sheet name from title (at most 31 characters, none of []:*?/\),
 * written into buf (at least 128 bytes). */
void xlsxw_sheet_name(const char *title, int index, char *buf, size_t size);

#endif
