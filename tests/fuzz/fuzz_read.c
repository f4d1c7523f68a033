/*
 * fuzz_read.c — fuzz target for the streaming CSV reader
 * (plugins/csv/csv_read.c): any bytes, any encoding choice, any delimiter.
 *
 * Checks, beyond "no crash, no leak, no undefined behaviour": records come
 * in file order with non-decreasing line numbers and offsets; a record's
 * raw bytes lie inside the input; every field of a good record is valid
 * UTF-8 of the length reported; a bad record explains itself.
 *
 * Built two ways (Makefile): with clang -fsanitize=fuzzer for `make fuzz`,
 * and with fuzz_replay.c as a TAP test that replays the corpus in
 * `make test`.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../../plugins/csv/csv_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) { fprintf(stderr, "fuzz_read: invariant broken: %s\n", what); abort(); }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the first byte picks the options, the rest is the file */
    static const char *const encs[] = { NULL, NULL, "GB18030", "UTF-8", "GBK", "BIG5" };
    static const int delims[] = { 0, 0, ',', ';', '\t', '|' };
    csvr_opts o = { NULL, 0 };
    if (size > 0) {
        o.encoding = encs[data[0] % 6];
        o.delim = delims[(data[0] / 6) % 6];
        data++, size--;
    }
    int fd = memfd_create("fuzz.csv", 0);
    if (fd < 0) return 0;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) { close(fd); return 0; }
        off += (size_t)w;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    char *err = NULL;
    csvr *r = csvr_open(path, &o, &err);
    if (!r) { free(err); close(fd); return 0; }
    csvr_record rec;
    long last_line = 0;
    long long last_off = -1;
    for (int n = 0; n < 100000; n++) {
        int st = csvr_next(r, &rec, &err);
        if (st == CSVR_EOF) break;
        if (st == CSVR_FAIL) { free(err); err = NULL; break; }
        check(rec.line >= 1 && rec.line >= last_line, "line numbers go forward");
        check(rec.offset > last_off && rec.offset >= 0 && (size_t)rec.offset <= size,
              "offsets go forward inside the file");
        check(rec.raw_len <= size, "raw bytes inside the file");
        last_line = rec.line;
        last_off = rec.offset;
        if (st == CSVR_BAD) {
            int col = -1;
            const char *why = csvr_error(r, &col);
            check(why && *why && col >= 0, "a bad record says why");
            continue;
        }
        check(rec.nf >= 1, "a record has a field");
        for (int i = 0; i < rec.nf; i++) {
            check(strlen(rec.f[i]) <= rec.len[i], "field length");
            check(csvr_utf8_valid((const unsigned char *)rec.f[i], rec.len[i], 0) == rec.len[i],
                  "fields are valid UTF-8");
        }
        size_t back;
        (void)csvr_encode(r, rec.f[0], rec.len[0], &back);
    }
    csvr_close(&r);
    close(fd);
    return 0;
}
