/*
 * fuzz_replay.c — runs a fuzz target over files, as a TAP test: one test
 * per file named on the command line or found (recursively) in the
 * directories named there.  A crash or an abort is the failure, so the
 * replay is linked with the sanitizers in `make check-sanitize`.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* optional, as for libFuzzer: a target that defines it is set up by it */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int n;

static void run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { printf("not ok %d - %s: cannot open\n", ++n, path); return; }
    size_t cap = 1 << 16, len = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap) {
            uint8_t *more = realloc(buf, cap *= 2);
            if (!more) free(buf);
            buf = more;
        }
    }
    fclose(f);
    if (!buf) { printf("not ok %d - %s: out of memory\n", ++n, path); return; }
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    printf("ok %d - %s\n", ++n, path);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) { printf("not ok %d - %s: missing\n", ++n, path); return; }
    if (!S_ISDIR(st.st_mode)) { run_file(path); return; }
    struct dirent **ents;
    int k = scandir(path, &ents, NULL, by_name);
    for (int i = 0; i < k; i++) {
        if (ents[i]->d_name[0] != '.') {
            char *p;
            if (asprintf(&p, "%s/%s", path, ents[i]->d_name) >= 0) { run_path(p); free(p); }
        }
        free(ents[i]);
    }
    if (k >= 0) free(ents);
}

int main(int argc, char **argv)
{
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) run_path(argv[i]);
    printf("1..%d\n", n);
    return 0;
}
