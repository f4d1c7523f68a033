/* tap.h — the smallest TAP producer for C unit tests (header only).
 * Each test binary prints "ok N - name" lines and "1..N" at the end, and
 * exits non-zero when any test failed, so prove runs it directly. */
#ifndef TAP_H
#define TAP_H
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_ok(int cond, const char *name)
{
    ++tap_n;
    if (!cond) ++tap_failed;
    printf("%sok %d - %s\n", cond ? "" : "not ", tap_n, name);
}

/* Compare two strings, showing both on failure. */
static void tap_is(const char *got, const char *want, const char *name)
{
    int same = (got && want) ? strcmp(got, want) == 0 : got == want;
    tap_ok(same, name);
    if (!same)
        printf("#      got: '%s'\n# expected: '%s'\n", got ? got : "(null)",
               want ? want : "(null)");
}

static void tap_is_int(long long got, long long want, const char *name)
{
    tap_ok(got == want, name);
    if (got != want) printf("#      got: %lld\n# expected: %lld\n", got, want);
}

static int tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed != 0;
}
#endif
