/*
 * fuzz_limit.c — fuzz target for the parser of a limit's value
 * (luahost_parse_limit), which reads both --max-instructions,
 * --max-memory, --max-seconds and `.limit NAME VALUE`, so the two agree
 * (`.limit seconds 1e3` was once taken while --max-seconds refused it).
 * Byte 0 picks the name (instructions, memory, seconds, or an unknown
 * one), the rest, up to a NUL, is the value's text.
 *
 * Checks against a reference written here (digits summed in 128 bits):
 * an unknown name is refused as one; the text is accepted exactly when it
 * is one or more decimal digits whose value is at most the limit's
 * maximum, with that value; a larger number "is too large", anything
 * else "needs a whole number"; a refusal leaves the value alone; an
 * accepted value set on a session reads back the same (memory in MB).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "luahost.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) { fprintf(stderr, "fuzz_limit: invariant broken: %s\n", what); abort(); }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = { "instructions", "memory", "seconds", "budget" };
    if (size == 0) return 0;
    const char *name = names[data[0] & 3];
    char *text = strndup((const char *)data + 1, size - 1);
    if (!text) return 0;
    long long max = luahost_limit_max(name), v = -7;
    char why[200] = "";
    int rc = luahost_parse_limit(name, text, &v, why, sizeof why);
    if (max < 0) {
        check(rc == -1 && strstr(why, "unknown limit"), "an unknown name is refused as one");
        free(text);
        return 0;
    }
    size_t n = strlen(text);
    int digits = n > 0 && strspn(text, "0123456789") == n;
    unsigned __int128 ref = 0;
    int over = 0;
    for (size_t i = 0; digits && i < n && !over; i++) {
        ref = ref * 10 + (unsigned)(text[i] - '0');
        if (ref > (unsigned __int128)max) over = 1;
    }
    if (!digits) check(rc == -1 && strstr(why, "needs a whole number"), "a text not all digits is not a whole number");
    else if (over) check(rc == -1 && strstr(why, "is too large"), "a number above the maximum is too large");
    else {
        check(rc == 0, "a number in range is accepted");
        check(v == (long long)ref, "the value is the number written");
        session s = { 0 };
        const char *bad = NULL;
        long long back = -1;
        check(luahost_set_limit(&s, name, v, &bad) == 0, "an accepted value can be set");
        check(luahost_get_limit(&s, name, &back) == 0 && back == v, "the value set reads back");
    }
    if (rc != 0) check(v == -7, "a refusal leaves the value alone");
    free(text);
    return 0;
}
