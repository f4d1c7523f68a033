/*
 * csv_conv.h — value converters of the csv plugin: text as inspectors
 * write it into the values the store takes.  Pure functions over UTF-8
 * byte ranges; no allocation, so they can run once per field per row.
 */
#ifndef CSV_CONV_H
#define CSV_CONV_H
#include <stddef.h>

/* Dates 2027-01-05, 2027/1/5, 2027.1.5, 2027年1月5日, 20270105 (ASCII or
 * full-width digits, an optional trailing time such as " 0:00" ignored)
 * into "YYYY-MM-DD".  -1 when not a date of the calendar. */
int conv_date(const char *s, size_t n, char out[11]);

/* 合格/不合格/不适用, pass/fail/na, 是/否, ✓/×, √ ... into CWSH_PASS,
 * CWSH_FAIL, CWSH_NA; -1 when unknown. */
int conv_result(const char *s, size_t n);

/* Decimal number, ASCII or full-width digits, '.' or '．', optional sign.
 * 0 with *out, 1 when empty (absent), -1 when not a number. */
int conv_number(const char *s, size_t n, double *out);

/* Inspection kind: 自查 督查 全面督查 暗访 考核 (or self, supervision,
 * full, covert, assessment).  Returns the canonical Chinese name, or NULL. */
const char *conv_kind(const char *s, size_t n);

/* Trim ASCII and full-width (U+3000) spaces from both ends in place:
 * adjusts *s and *n. */
void conv_trim(const char **s, size_t *n);
#endif
