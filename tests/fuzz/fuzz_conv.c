/*
 * fuzz_conv.c — fuzz target for the cell converters
 * (plugins/csv/csv_conv.c): dates, numbers, results, kinds, trimming.
 *
 * Checks: a date that converts is a real calendar date written
 * YYYY-MM-DD; a number that converts is finite; trimming only shrinks
 * the cell and stays inside it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../plugins/csv/csv_conv.h"
#include "../unit/domain_fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) { fprintf(stderr, "fuzz_conv: invariant broken: %s\n", what); abort(); }
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* a copy without a terminator, so reading past the cell is caught */
    char *s = malloc(size ? size : 1);
    if (!s) return 0;
    memcpy(s, data, size);
    static cvoc V;          /* the default vocabulary, compiled once */
    static int built;
    if (!built && cvoc_build(&V, &df_domain) == 0) built = 1;
    char d[11];
    if (conv_date(&V, s, size, d) == 0) {
        int y, m, day;
        check(strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d", &y, &m, &day) == 3, "date format");
        static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        check(m >= 1 && m <= 12, "month");
        check(day >= 1 && day <= mdays[m - 1] + (m == 2 && leap(y)), "day of the month");
    }
    double v;
    if (conv_number(s, size, &v) == 0) check(isfinite(v), "numbers are finite");
    (void)conv_result(&V, s, size);
    (void)conv_kind(&V, s, size);
    const char *t = s;
    size_t n = size;
    conv_trim(&t, &n);
    check(t >= s && t + n <= s + size, "trim stays inside the cell");
    free(s);
    return 0;
}
