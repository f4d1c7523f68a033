/* csv_read.c — unit tests of the csv plugin's streaming reader. */
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "../../plugins/csv/csv_read.h"
#include "../../plugins/csv/csv_hash.h"

static char path[] = "/tmp/csv_read_test.XXXXXX";

static void put(const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
}

/* Every record as "LINE:f1|f2|...;" ("LINE:BAD(col) msg;" for bad ones). */
static char *dump(const char *data, size_t n, const char *enc, int delim)
{
    static char out[8192];
    put(data, n);
    csvr_opts o = { enc, delim };
    char *err = NULL;
    csvr *r = csvr_open(path, &o, &err);
    if (!r) { snprintf(out, sizeof out, "open: %s", err); free(err); return out; }
    size_t k = 0;
    csvr_record rec;
    int st;
    while ((st = csvr_next(r, &rec, &err)) != CSVR_EOF && k < sizeof out - 200) {
        if (st == CSVR_FAIL) { k += (size_t)snprintf(out + k, sizeof out - k, "FAIL %s", err); free(err); break; }
        if (st == CSVR_BAD) {
            int col;
            const char *m = csvr_error(r, &col);
            k += (size_t)snprintf(out + k, sizeof out - k, "%ld:BAD(%d) %s;", rec.line, col, m);
            continue;
        }
        k += (size_t)snprintf(out + k, sizeof out - k, "%ld:", rec.line);
        for (int i = 0; i < rec.nf; i++)
            k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", i ? "|" : "", rec.f[i]);
        k += (size_t)snprintf(out + k, sizeof out - k, ";");
    }
    out[k] = 0;
    csvr_close(&r);
    return out;
}

#define D(s) dump(s, sizeof s - 1, NULL, 0)

static size_t to_gb(const char *u, char *out, size_t cap)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    char *in = (char *)u, *o = out;
    size_t il = strlen(u), ol = cap;
    iconv(cd, &in, &il, &o, &ol);
    iconv_close(cd);
    return (size_t)(o - out);
}

int main(void)
{
    int fd = mkstemp(path);
    close(fd);

    tap_is(D("a,b,c\n1,2,3\n"), "1:a|b|c;2:1|2|3;", "plain LF");
    tap_is(D("a,b\r\n1,2\r\n"), "1:a|b;2:1|2;", "CRLF");
    tap_is(D("a,b\n1,2"), "1:a|b;2:1|2;", "missing final newline");
    tap_is(D("a,b\n\n\n1,2\n\n3,4\n"), "1:a|b;4:1|2;6:3|4;", "blank lines skipped, lines counted");
    tap_is(D("a,b\r\n\r\n1,2\r\n"), "1:a|b;3:1|2;", "blank CRLF line");
    tap_is(D("a,b,c\n,,\n1,2,3\n"), "1:a|b|c;3:1|2|3;", "a row of empty cells is blank");
    tap_is(D("a,b\n\"x,y\",\"say \"\"hi\"\"\"\n"), "1:a|b;2:x,y|say \"hi\";", "quoted delimiter and doubled quotes");
    tap_is(D("a,b\n\"line1\nline2\",z\n3,4\n"), "1:a|b;2:line1\nline2|z;4:3|4;", "quoted LF counts a line");
    tap_is(D("a,b\r\n\"l1\r\nl2\r\nl3\",z\r\n3,4\r\n"), "1:a|b;2:l1\r\nl2\r\nl3|z;5:3|4;", "quoted CRLFs count lines");
    tap_is(D("\xEF\xBB\xBF" "a,b\n1,2\n"), "1:a|b;2:1|2;", "BOM skipped");
    tap_is(D(""), "", "empty file");
    tap_is(D("\xEF\xBB\xBF"), "", "only a BOM");
    tap_is(D("a,b\n"), "1:a|b;", "header only");
    tap_is(D("a;b;c\n1;2,5;3\n"), "1:a|b|c;2:1|2,5|3;", "semicolon sniffed");
    tap_is(D("a\tb\n1\t 2 \n"), "1:a|b;2:1|2;", "tab sniffed, spaces around values trimmed");
    tap_is(D("a|b\n1|2\n"), "1:a|b;2:1|2;", "pipe sniffed");
    tap_is(D("a,b\nx\"y,2\n3,4\n"), "1:a|b;2:x\"y|2;3:3|4;", "a quote inside an unquoted field is literal");
    tap_is(D("a,b\n  \"q\" ,2\n"), "1:a|b;2:q|2;", "spaces around a quoted field");
    tap_is(dump("a;b\n1;2\n", 8, NULL, ','), "1:a;b;2:1;2;", "--delimiter forces");
    tap_is(D("a,b\n\"open,2\n3,4\n"), "1:a|b;2:BAD(1) quoted field is never closed (it runs to the end of the file);3:3|4;",
           "unbalanced quote: its line is bad, the lines after it are read");
    tap_is(D("a,b\n1,\"x\""), "1:a|b;2:1|x;", "a closing quote as the file's last byte");
    tap_is(D("a,b\n1,\"x\"y\n3,4\n"),
           "1:a|b;2:BAD(2) text after the closing quote of a quoted field (a quote inside one is written twice: \"\");3:3|4;",
           "text after a closing quote: its line is bad");
    tap_is(D("a,b\n1,\"open\n3,4\n5,\"q\"\n6,7\n"),
           "1:a|b;2:BAD(2) quoted field is not closed on its line: the quote that ends it is on line 4, with text after it "
           "(an unbalanced quote?);3:3|4;4:5|q;5:6|7;",
           "a quote closed lines later before text: the line it opened on is bad, not the rows in between");
    tap_is(D("a,b\n\"x\ny\",\"p\"q\n3,4\n"),
           "1:a|b;3:BAD(2) text after the closing quote of a quoted field (a quote inside one is written twice: \"\");4:3|4;",
           "after a field with a line break: the bad field's line and column");
    {
        /* open for more than MAX_RECORD: the quote's line, not the whole file */
        size_t big = 9u << 20, k = 0;
        char *t = malloc(big + 32);
        k += (size_t)sprintf(t, "a,b\n\"open\n");
        while (k + 4 < big) memcpy(t + k, "x,y\n", 4), k += 4;
        const char *out = dump(t, k, NULL, 0);
        tap_ok(strncmp(out, "1:a|b;2:BAD(1) quoted field is never closed (it runs to more than 8 MB);3:x|y;4:x|y;", 80) == 0,
               "a quote open for 8 MB: its line is bad, the rows after it are read");
        free(t);
    }
    tap_is(D("名称,备注\n城北市场,\"积水3处，已责令整改\"\n"), "1:名称|备注;2:城北市场|积水3处，已责令整改;",
           "UTF-8 Chinese with a full-width comma");
    tap_is(D("a,b\n1,\xFF\n"), "1:a|b;2:BAD(2) invalid GB18030 byte 0xFF at byte offset 6;",
           "not UTF-8 in the first block: read as GB18030, 0xFF is invalid there too");
    tap_is(D("名称,备注\n城北市场,积水3处已责令整改\n健康路市场,\xFF\n解放市场,无\n"),
           "1:名称|备注;2:城北市场|积水3处已责令整改;3:BAD(2) invalid UTF-8 byte 0xFF at byte offset 69;4:解放市场|无;",
           "UTF-8 with one stray byte is UTF-8: only the row with the byte is bad");
    {
        /* the same past an ASCII first block: the first record with other
         * bytes decides, and a stray byte in it does not make it GB18030 */
        size_t k = 0, cap = 80000;
        char *t = malloc(cap);
        k += (size_t)sprintf(t, "a,b\n");
        while (k < 70000) k += (size_t)sprintf(t + k, "x,y\n");
        k += (size_t)sprintf(t + k, "城北市场健康路市场解放市场,\xFF\n城北,市场\n");
        put(t, k);
        free(t);
        char *err = NULL, last[200] = "";
        csvr *r = csvr_open(path, NULL, &err);
        csvr_record rec;
        int st, bad = 0;
        while ((st = csvr_next(r, &rec, &err)) == CSVR_OK || st == CSVR_BAD) {
            if (st == CSVR_BAD) bad++;
            else snprintf(last, sizeof last, "%s|%s", rec.f[0], rec.nf > 1 ? rec.f[1] : "");
        }
        tap_ok(bad == 1 && !strcmp(last, "城北|市场") && !strcmp(csvr_encoding(r), "UTF-8"),
               "an ASCII start, then UTF-8 with a stray byte: UTF-8, that row bad");
        csvr_close(&r);
    }
    tap_is(dump("a,b\n1,\xC3\x28\n", 9, "utf-8", 0), "1:a|b;2:BAD(2) invalid UTF-8 byte 0xC3 at byte offset 6;",
           "forced UTF-8: invalid byte, its field and offset");
    tap_is(dump("a,b\n\"x\ny\",\xC3\x28\n", 13, "UTF-8", 0),
           "1:a|b;3:BAD(2) invalid UTF-8 byte 0xC3 at byte offset 10;", "line of the bad byte after a quoted break");
    /* records without quotes take a fast path; with one quoted field the
     * same text goes through libcsv: both must split alike */
    tap_is(D("a,b,c,d\n x , y z ,, w\n"), "1:a|b|c|d;2:x|y z||w;", "fast path: spaces around fields trimmed");
    tap_is(D("a,b,c,d\n x , y z ,\"\", w\n"), "1:a|b|c|d;2:x|y z||w;", "libcsv path: the same fields");
    {
        char *fast = strdup(D("a,b\r\n1,2\r\n"));
        tap_is(D("\"a\",b\r\n\"1\",2\r\n"), fast, "fast and libcsv paths agree on CRLF");
        free(fast);
    }
    tap_is(dump("a,b\n1,2\n", 8, "UTF-16", 0), "open: encoding 'UTF-16' is not supported: cwsh reads encodings where ASCII is one byte (UTF-8, GB18030, GBK, ...)",
           "UTF-16 refused");
    tap_ok(strstr(dump("\xFF\xFE" "a\0,\0b\0", 8, NULL, 0), "is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\"") != NULL,
           "UTF-16 BOM: refused with advice");
    tap_is(dump("a,b\n1,2\n", 8, "NOPE-9", 0), "open: unknown encoding 'NOPE-9'", "unknown encoding");

    /* GB18030 detected and converted; raw bytes kept */
    char gb[512];
    size_t gn = to_gb("检查日期,市场名称,备注\r\n2027/1/5,城北市场,\"积水3处，已整改\"\r\n", gb, sizeof gb);
    tap_is(dump(gb, gn, NULL, 0), "1:检查日期|市场名称|备注;2:2027/1/5|城北市场|积水3处，已整改;", "GB18030 detected and converted");
    {
        put(gb, gn);
        char *err = NULL;
        csvr *r = csvr_open(path, NULL, &err);
        csvr_record rec;
        csvr_next(r, &rec, &err);
        tap_is(csvr_encoding(r), "GB18030", "encoding name");
        tap_is(csvr_eol_name(r), "CRLF", "CRLF detected");
        csvr_next(r, &rec, &err);
        char want[128];
        size_t wn = to_gb("2027/1/5,城北市场,\"积水3处，已整改\"", want, sizeof want);
        tap_ok(rec.raw_len == wn && memcmp(rec.raw, want, wn) == 0, "raw record in the original encoding");
        size_t en;
        const char *e = csvr_encode(r, "原因", 6, &en);
        char w2[16];
        size_t w2n = to_gb("原因", w2, sizeof w2);
        tap_ok(en == w2n && memcmp(e, w2, en) == 0, "reason encoded back to GB18030");
        csvr_close(&r);
    }
    /* GBK '|' (0x7C) as a trail byte must not split fields: 乡 is 0xCF 0xE7, 翁 0xCE 0xCC; find one with 0x7C */
    {
        char g[64];
        size_t n = to_gb("a|b\n丨|2\n", g, sizeof g);     /* 丨 U+4E28 = 0xD8 0x7C in GBK */
        tap_is(dump(g, n, "GB18030", 0), "1:a|b;2:丨|2;", "GB18030 trail byte 0x7C is not a delimiter");
    }

    /* 100 KB of ASCII, then GB18030: decided by the first non-ASCII record */
    {
        size_t cap = 200000, n = 0;
        char *f = malloc(cap);
        n += (size_t)sprintf(f, "code,name\n");
        for (int i = 0; i < 10000; i++) n += (size_t)sprintf(f + n, "M%05d,market\n", i);
        n += to_gb("M99999,城北市场\n", f + n, cap - n);
        put(f, n);
        char *err = NULL;
        csvr *r = csvr_open(path, NULL, &err);
        csvr_record rec;
        long k = 0;
        while (csvr_next(r, &rec, &err) == CSVR_OK) k++;
        tap_is_int(k, 10002, "late GB18030: every record read");
        tap_is(rec.f[1], "城北市场", "late GB18030: converted");
        tap_is(csvr_encoding(r), "GB18030", "late GB18030: encoding decided late");
        csvr_close(&r);
        free(f);
    }
    /* big file: records across 64 KB blocks, an invalid byte far from the start */
    {
        size_t cap = 4 * 1024 * 1024, n = 0;
        char *big = malloc(cap);
        n += (size_t)sprintf(big + n, "id,note\n");
        for (int i = 1; i <= 100000; i++) {
            if (i % 1000 == 0) n += (size_t)sprintf(big + n, "%d,\"多行\n备注\"\n", i);
            else n += (size_t)sprintf(big + n, "%d,备注%d\n", i, i);
        }
        size_t bad_at = n + 2;
        n += (size_t)sprintf(big + n, "x,\xE4\xB8\n");
        put(big, n);
        char *err = NULL;
        csvr *r = csvr_open(path, NULL, &err);
        csvr_record rec;
        long count = 0, last_line = 0, lines_ok = 1;
        int st;
        while ((st = csvr_next(r, &rec, &err)) == CSVR_OK) {
            count++;
            if (count > 1) {
                long id = atol(rec.f[0]);
                long want = 1 + id + (id - 1) / 1000;     /* one extra line per earlier multi-line row */
                if (rec.line != want) lines_ok = 0;
            }
            last_line = rec.line;
        }
        tap_is_int(count, 100001, "100,000 rows across blocks");
        tap_ok(lines_ok, "line numbers right across blocks and quoted breaks");
        tap_is_int(last_line, 100000 + 100, "last good line");
        tap_is_int(st, CSVR_BAD, "truncated UTF-8 sequence at the end is bad");
        char want[100];
        snprintf(want, sizeof want, "invalid UTF-8 byte 0xE4 at byte offset %zu", bad_at);
        tap_is(csvr_error(r, NULL), want, "its offset");
        tap_is_int(csvr_next(r, &rec, &err), CSVR_EOF, "then the end");
        csvr_close(&r);

        char h1[33], h2[33];
        long long size;
        chash_file(path, h1, &size, &err);
        chash c;
        chash_init(&c);
        for (size_t i = 0; i < n; i += 7) chash_update(&c, big + i, n - i < 7 ? n - i : 7);
        chash_hex(&c, h2);
        tap_is(h1, h2, "hash does not depend on how the bytes arrive");
        tap_is_int(size, (long long)n, "hashed size");
        big[10] ^= 1;
        put(big, n);
        chash_file(path, h2, &size, &err);
        tap_ok(strcmp(h1, h2) != 0, "one bit changes the hash");
        free(big);
    }
    {
        chash c;
        char h[33];
        chash_init(&c);
        chash_hex(&c, h);
        tap_is_int((long long)strlen(h), 32, "hash is 32 hex digits");
    }
    /* random files of quotes, delimiters, line breaks and high bytes: no
     * crash, records in order, each record's raw bytes inside the file */
    {
        static const char alphabet[] = "\",;\t|\r\n ab\xE4\xB8\xAD\xFF\x81";
        unsigned seed = 12345;
        int sane = 1;
        for (int round = 0; round < 300; round++) {
            char f[600];
            size_t n = 0, len;
            seed = seed * 1103515245u + 12345u;
            len = (seed >> 8) % sizeof f;
            for (n = 0; n < len; n++) {
                seed = seed * 1103515245u + 12345u;
                f[n] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
            }
            put(f, n);
            char *err = NULL;
            csvr_opts o = { round % 3 == 0 ? "UTF-8" : NULL, 0 };
            csvr *r = csvr_open(path, &o, &err);
            if (!r) { free(err); continue; }
            csvr_record rec;
            int st;
            long long last = -1;
            long last_line = 0;
            while ((st = csvr_next(r, &rec, &err)) == CSVR_OK || st == CSVR_BAD) {
                if (rec.offset <= last || rec.offset + (long long)rec.raw_len > (long long)n ||
                    rec.line < last_line)
                    sane = 0;
                last = rec.offset;
                last_line = rec.line;
            }
            if (st == CSVR_FAIL) free(err);
            csvr_close(&r);
        }
        tap_ok(sane, "300 random files: records in order, inside the file");
    }
    tap_is_int((long long)csvr_utf8_valid((const unsigned char *)"\xED\xA0\x80", 3, 0), 0, "surrogates are invalid");
    tap_is_int((long long)csvr_utf8_valid((const unsigned char *)"\xC0\xAF", 2, 0), 0, "overlong is invalid");
    tap_is_int((long long)csvr_utf8_valid((const unsigned char *)"ab\xE4\xB8", 4, 1), 4, "partial sequence at a block end");
    unlink(path);
    /* the line ending each kind of file has, for the mapping's first line
     * and the rejects file: LF, CRLF, CR alone (old Mac Excel) */
    {
        static const char *const text[] = { "a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b\r1,2\r", "a,b" };
        static const char *const want[] = { "LF", "CRLF", "CR", "LF" };
        for (int k = 0; k < 4; k++) {
            put(text[k], strlen(text[k]));
            char *err = NULL;
            csvr *r = csvr_open(path, NULL, &err);
            csvr_record rec;
            int n = 0;
            while (r && csvr_next(r, &rec, &err) == CSVR_OK) n++;
            char name[64];
            snprintf(name, sizeof name, "line ending %s (file %d)", want[k], k);
            tap_is(r ? csvr_eol_name(r) : err, want[k], name);
            tap_ok(n == (k == 3 ? 1 : 2), "its records");
            csvr_close(&r);
            free(err);
        }
    }
    /* a zero byte after the first 64 KB (a file with one there is refused
     * whole): the record is bad, with where, not a value cut short */
    {
        size_t cap = 200000, len = 0;
        char *big = malloc(cap);
        len += (size_t)snprintf(big + len, cap - len, "a,b,note\n");
        for (int k = 0; len < 100000; k++) len += (size_t)snprintf(big + len, cap - len, "%d,x,积水%d处\n", k, k);
        size_t row = len;
        static const char tail[] = "7,y,积\0水\n8,z,ok\n";
        memcpy(big + len, tail, sizeof tail - 1);
        len += sizeof tail - 1;
        put(big, len);
        char *err = NULL;
        csvr *r = csvr_open(path, NULL, &err);
        csvr_record rec;
        int st, ok = 0, bad = 0, col = 0;
        long bad_line = 0;
        const char *why = "";
        while (r && (st = csvr_next(r, &rec, &err)) != CSVR_EOF && st != CSVR_FAIL) {
            if (st == CSVR_OK) ok++;
            else { bad++; bad_line = rec.line; why = csvr_error(r, &col); }
        }
        char want[160];
        snprintf(want, sizeof want, "a zero byte at byte offset %zu (text has none: a cell pasted from another "
                 "program?)", row + 7);
        tap_is(why, want, "a zero byte after 64 KB: the record is bad, with the offset");
        tap_ok(bad == 1 && col == 3, "one bad record, the zero byte's column");
        long lines = 0;
        for (size_t k = 0; k < row; k++) lines += big[k] == '\n';
        tap_ok(bad_line == lines + 1, "the zero byte's line");
        tap_ok(ok == (int)lines + 1, "the records around it are read");
        csvr_close(&r);
        free(err);
        free(big);
    }
    return tap_done();
}
