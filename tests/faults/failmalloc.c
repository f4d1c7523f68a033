/*
 * failmalloc.c — an LD_PRELOAD shim that fails one allocation, for
 * `make check-reliability` (scripts/check-reliability.sh).
 *
 *   FAILMALLOC_AT=N     the Nth call of malloc/calloc/realloc (counting from
 *                       the program's start, 1-based) returns NULL, once;
 *                       the others go to glibc's allocator
 *   FAILMALLOC_COUNT=F  at exit, write the number of calls made to file F
 *                       (to size the sweep)
 *
 * glibc supports replacing malloc this way: its own functions (strdup,
 * fopen, ...) call through the replaced symbols.  free is not wrapped.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static unsigned long calls, fail_at;
static const char *count_file;

__attribute__((constructor)) static void fm_init(void)
{
    const char *at = getenv("FAILMALLOC_AT");
    fail_at = at ? strtoul(at, NULL, 10) : 0;
    count_file = getenv("FAILMALLOC_COUNT");
}

__attribute__((destructor)) static void fm_fini(void)
{
    if (!count_file) return;
    FILE *f = fopen(count_file, "w");
    if (f) { fprintf(f, "%lu\n", calls); fclose(f); }
}

/* true for the one call that must fail, which sets errno as glibc's
 * allocator does (callers such as opendir report it) */
static int fm_fail(void)
{
    if (++calls != fail_at) return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n) { return fm_fail() ? NULL : __libc_malloc(n); }
void *calloc(size_t a, size_t b) { return fm_fail() ? NULL : __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { return fm_fail() ? NULL : __libc_realloc(p, n); }
