/* core_render.c — every output mode, byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "render.h"

#define I(x)     { CWSH_INT, (x), 0, NULL, 0 }
#define R(x)     { CWSH_REAL, 0, (x), NULL, 0 }
#define RS(x, s) { CWSH_REAL, 0, (x), (s), sizeof(s) - 1 }
#define IS(x, s) { CWSH_INT, (x), 0, (s), sizeof(s) - 1 }
#define T(s)     { CWSH_TEXT, 0, 0, (s), sizeof(s) - 1 }
#define NUL      { CWSH_NULL, 0, 0, NULL, 0 }

static char *out_buf;
static size_t out_len;

/* Render `nrow` rows of `ncol` values into a string (static; the next
 * call replaces it). */
static const char *render_cfg(const render_config *cfg, int ncol, const char *const *names,
                              int nrow, const cwsh_value *rows)
{
    free(out_buf);
    out_buf = NULL;
    FILE *f = open_memstream(&out_buf, &out_len);
    cwsh_sink *k = render_open(f, cfg);
    k->columns(k, ncol, names);
    for (int r = 0; r < nrow; r++) k->row(k, ncol, rows + r * ncol);
    k->end(k);
    render_close(&k);
    fclose(f);
    return out_buf;
}

static const char *render(enum render_mode mode, int headers, const char *nullvalue,
                          const char *sep, int ncol, const char *const *names,
                          int nrow, const cwsh_value *rows)
{
    render_config cfg = { .mode = mode, .headers = headers, .nullvalue = nullvalue, .separator = sep };
    return render_cfg(&cfg, ncol, names, nrow, rows);
}

static const char *const market_names[] = { "市场", "score" };
static const cwsh_value market_rows[] = {
    T("解放市场"), R(94.5),
    T("ABC"), I(100),
};

static void test_box(void)
{
    tap_is(render(RENDER_BOX, 1, NULL, 0, 2, market_names, 2, market_rows),
           "┌──────────┬───────┐\n"
           "│   市场   │ score │\n"
           "├──────────┼───────┤\n"
           "│ 解放市场 │  94.5 │\n"
           "│ ABC      │   100 │\n"
           "└──────────┴───────┘\n",
           "box: Chinese names and values align by display width");

    tap_is(render(RENDER_BOX, 0, NULL, 0, 2, market_names, 2, market_rows),
           "┌──────────┬──────┐\n"
           "│ 解放市场 │ 94.5 │\n"
           "│ ABC      │  100 │\n"
           "└──────────┴──────┘\n",
           "box: headers off, widths from the values only");

    static const char *const names[] = { "name", "n", "note" };
    static const cwsh_value rows[] = {
        T("Cafe\xCC\x81"), NUL, T("a\tb"),
        T("x"), I(-7), T("two\r\nlines"),
        T("\x01"), IS(3, "3.0"), NUL,
    };
    tap_is(render(RENDER_BOX, 1, "NULL", 0, 3, names, 3, rows),
           "┌──────┬──────┬───────────┐\n"
           "│ name │  n   │   note    │\n"
           "├──────┼──────┼───────────┤\n"
           "│ Cafe\xCC\x81 │ NULL │ a       b │\n"
           "│ x    │   -7 │ two       │\n"
           "│      │      │ lines     │\n"
           "│ ^A   │  3.0 │ NULL      │\n"
           "└──────┴──────┴───────────┘\n",
           "box: combining mark, NULL, tab, multi-line cell, control, preformatted number");

    static const char *const one[] = { "a" };
    /* C1 controls: U+009B is CSI, which a terminal takes as ESC [ */
    static const cwsh_value c1[] = { T("\xC2\x9B" "2J"), T("\xC2\x85x\xC2\xA0y") };
    tap_is(render(RENDER_BOX, 0, NULL, 0, 1, one, 2, c1),
           "┌─────────┐\n"
           "│ M-^[2J  │\n"
           "│ M-^Ex\xC2\xA0y │\n"
           "└─────────┘\n",
           "box: C1 controls (CSI, NEL) shown as cat -v does, no-break space as it is");
    tap_is(render(RENDER_BOX, 1, NULL, 0, 1, one, 0, NULL),
           "┌───┐\n│ a │\n└───┘\n", "box: no rows frames the header");
    tap_is(render(RENDER_BOX, 0, NULL, 0, 1, one, 0, NULL), "",
           "box: no rows and headers off prints nothing");
    tap_is(render(RENDER_BOX, 1, NULL, 0, 0, NULL, 0, NULL), "",
           "box: no columns prints nothing");
}

static void test_table(void)
{
    tap_is(render(RENDER_TABLE, 1, NULL, 0, 2, market_names, 2, market_rows),
           "+----------+-------+\n"
           "|   市场   | score |\n"
           "+----------+-------+\n"
           "| 解放市场 |  94.5 |\n"
           "| ABC      |   100 |\n"
           "+----------+-------+\n",
           "table: ASCII borders");
    tap_is(render(RENDER_TABLE, 0, NULL, 0, 2, market_names, 1, market_rows),
           "+----------+------+\n"
           "| 解放市场 | 94.5 |\n"
           "+----------+------+\n",
           "table: headers off");
}

static void test_markdown(void)
{
    static const char *const names[] = { "市场", "score", "n" };
    static const cwsh_value rows[] = {
        T("解放市场"), R(94.5), T("a|b"),
        T("ABC"), NUL, T("x\ny"),
    };
    tap_is(render(RENDER_MARKDOWN, 1, NULL, 0, 3, names, 2, rows),
           "|   市场   | score |   n    |\n"
           "|----------|------:|--------|\n"
           "| 解放市场 |  94.5 | a\\|b   |\n"
           "| ABC      |       | x<br>y |\n",
           "markdown: alignment row, numbers right, '|' escaped, newline as <br>");
    tap_is(render(RENDER_MARKDOWN, 0, NULL, 0, 2, market_names, 2, market_rows),
           "|   市场   | score |\n"
           "|----------|------:|\n"
           "| 解放市场 |  94.5 |\n"
           "| ABC      |   100 |\n",
           "markdown: headers off keeps the header row (a Markdown table has one, as in sqlite3)");
    static const cwsh_value bs[] = { T("x\\|y"), T("C:\\dir"), T("\x1c|") };
    tap_is(render(RENDER_MARKDOWN, 0, NULL, 0, 1, market_names, 3, bs),
           "|  市场   |\n"
           "|---------|\n"
           "| x\\\\\\|y  |\n"
           "| C:\\\\dir |\n"
           "| ^\\\\\\|   |\n",
           "markdown: a backslash is escaped too, so x\\| keeps its | in the cell, and ^\\ (0x1C) its \\");
}

static void test_csv(void)
{
    static const char *const names[] = { "id", "note, \"quoted\"", "v" };
    static const cwsh_value rows[] = {
        I(1), T("plain 中文"), R(88.0),
        I(2), T("a,b"), NUL,
        I(3), T("say \"hi\""), R(0.1 + 0.2),
        I(4), T("two\nlines\r"), IS(1234, "1,234"),
    };
    tap_is(render(RENDER_CSV, 1, NULL, "|", 3, names, 4, rows),
           "id,\"note, \"\"quoted\"\"\",v\r\n"
           "1,plain 中文,88.0\r\n"
           "2,\"a,b\",\r\n"
           "3,\"say \"\"hi\"\"\",0.30000000000000004\r\n"
           "4,\"two\nlines\r\",\"1,234\"\r\n",
           "csv: RFC 4180 quoting and CRLF, NULL empty, exact REAL, separator ignored");
    tap_is(render(RENDER_CSV, 0, "NA", 0, 3, names, 1, rows + 3),
           "2,\"a,b\",NA\r\n", "csv: headers off, nullvalue");
    tap_is(render(RENDER_CSV, 1, NULL, 0, 3, names, 0, NULL),
           "id,\"note, \"\"quoted\"\"\",v\r\n", "csv: no rows still has the header");
}

static void test_tsv(void)
{
    static const char *const names[] = { "a", "b" };
    static const cwsh_value rows[] = {
        T("x\ty"), T("1\n2\r3\\4"),
        NUL, R(1e20),
    };
    tap_is(render(RENDER_TSV, 1, NULL, 0, 2, names, 2, rows),
           "a\tb\n"
           "x\\ty\t1\\n2\\r3\\\\4\n"
           "\t1.0e+20\n",
           "tsv: tab, newline, CR and backslash escaped");
}

static void test_json(void)
{
    static const char *const names[] = { "市场", "n", "r", "s", "q\"k" };
    static const cwsh_value rows[] = {
        T("解放市场"), I(-3), R(94.5), T("a\"b\\c\nd\x01\x1f\t"), NUL,
        NUL, IS(5, "+5"), RS(88.0, " 88.0"), T("bad\xFF" "byte"), R(1.0 / 0.0),
    };
    tap_is(render(RENDER_JSON, 1, NULL, 0, 5, names, 2, rows),
           "[{\"市场\":\"解放市场\",\"n\":-3,\"r\":94.5,\"s\":\"a\\\"b\\\\c\\nd\\u0001\\u001f\\t\",\"q\\\"k\":null},\n"
           "{\"市场\":null,\"n\":5,\"r\":88.0,\"s\":\"bad\\ufffdbyte\",\"q\\\"k\":null}]\n",
           "json: escapes, NULL, numbers, invalid preformatted number, bad UTF-8, Inf");
    tap_is(render(RENDER_JSON, 0, NULL, 0, 2, market_names, 2, market_rows),
           "[{\"市场\":\"解放市场\",\"score\":94.5},\n{\"市场\":\"ABC\",\"score\":100}]\n",
           "json: objects with headers off too, as in sqlite3");
    tap_is(render(RENDER_JSON, 1, NULL, 0, 2, market_names, 0, NULL), "[]\n",
           "json: no rows is []");
    tap_is(render(RENDER_JSON, 1, NULL, 0, 0, NULL, 0, NULL), "",
           "json: no columns prints nothing");
}

static void test_line(void)
{
    static const char *const names[] = { "市场", "score", "检查日期" };
    static const cwsh_value rows[] = {
        T("解放市场"), R(94.5), T("2026-05-01"),
        T("ABC"), I(100), NUL,
    };
    tap_is(render(RENDER_LINE, 1, "-", 0, 3, names, 2, rows),
           "    市场 = 解放市场\n"
           "   score = 94.5\n"
           "检查日期 = 2026-05-01\n"
           "\n"
           "    市场 = ABC\n"
           "   score = 100\n"
           "检查日期 = -\n",
           "line: names right-aligned by display width, blank line between rows");
}

static void test_list(void)
{
    tap_is(render(RENDER_LIST, 1, NULL, 0, 2, market_names, 2, market_rows),
           "市场|score\n解放市场|94.5\nABC|100\n", "list: default separator, headers");
    tap_is(render(RENDER_LIST, 0, NULL, "\t", 2, market_names, 2, market_rows),
           "解放市场\t94.5\nABC\t100\n", "list: tab separator, headers off");
    tap_is(render(RENDER_LIST, 1, NULL, "，", 2, market_names, 2, market_rows),
           "市场，score\n解放市场，94.5\nABC，100\n", "list: a multi-byte separator (full-width comma)");
    render_config rows = { .mode = RENDER_LIST, .headers = 0, .separator = " | ", .rowsep = ";\n" };
    tap_is(render_cfg(&rows, 2, market_names, 2, market_rows), "解放市场 | 94.5;\nABC | 100;\n",
           "list: a row separator of its own");
}

/* .mode box --wrap N: a long note goes on over lines, Chinese between
 * characters, Latin letters at a blank */
static void test_wrap(void)
{
    static const char *const names[] = { "n", "note" };
    static const cwsh_value rows[] = { I(1), T("解放市场东门垃圾桶满溢未清运"), I(2), T("the quick brown fox"),
                                       I(3), T("短") };
    render_config cfg = { .mode = RENDER_BOX, .headers = 1, .wrap = 10 };
    tap_is(render_cfg(&cfg, 2, names, 3, rows),
           "┌───┬────────────┐\n"
           "│ n │    note    │\n"
           "├───┼────────────┤\n"
           "│ 1 │ 解放市场东 │\n"
           "│   │ 门垃圾桶满 │\n"
           "│   │ 溢未清运   │\n"
           "│ 2 │ the quick  │\n"
           "│   │ brown fox  │\n"
           "│ 3 │ 短         │\n"
           "└───┴────────────┘\n", "box --wrap 10: lines of at most 10 columns, at a blank where there is one");
}

static void test_reals(void)
{
    static const char *const names[] = { "x" };
    static const cwsh_value rows[] = {
        R(88.0), R(94.5), R(1e20), R(1e-5), R(-0.5), R(1e15), R(123456789012345.0),
        R(0.1 + 0.2), R(-1.0 / 0.0), R(0.0 / 0.0),
    };
    tap_is(render(RENDER_LIST, 0, NULL, 0, 1, names, 10, rows),
           "88.0\n94.5\n1.0e+20\n1.0e-05\n-0.5\n1.0e+15\n123456789012345.0\n0.3\n-Inf\nNaN\n",
           "reals: sqlite3's %!.15g");
}

static void test_rows_and_sinks(void)
{
    static const char *const names[] = { "a", "b", "c" };
    static const cwsh_value short_row[] = { T("x") };
    static const cwsh_value long_row[] = { I(1), I(2), I(3), I(4) };
    free(out_buf);
    FILE *f = open_memstream(&out_buf, &out_len);
    char null[] = "nil";
    render_config cfg = { .mode = RENDER_CSV, .headers = 1, .nullvalue = null };
    cwsh_sink *k = render_open(f, &cfg);
    null[0] = 'X';                         /* the config was copied */
    cfg.mode = RENDER_JSON;
    k->columns(k, 3, names);
    k->row(k, 1, short_row);
    k->row(k, 4, long_row);
    k->columns(k, 1, names);               /* a second result set */
    k->row(k, 1, short_row);
    k->end(k);
    render_close(&k);
    tap_ok(k == NULL, "render_close sets the handle to NULL");
    render_close(&k);
    render_close(NULL);
    fclose(f);
    tap_is(out_buf, "a,b,c\r\nx,nil,nil\r\n1,2,3\r\na\r\nx\r\n",
           "sink: short rows padded with NULL, long rows cut, config copied, columns() twice");
}

/* render_config.excel: csv and tsv for a spreadsheet put a ' before text
 * that starts like a formula, inside the quotes; numbers (-3) and text
 * that only holds a formula character later stay as they are */
static void test_excel_guard(void)
{
    static const char *const names[] = { "a", "b", "c", "d", "e", "f" };
    static const cwsh_value row[] = { T("=cmd|' /C calc'!A0"), T("-3"), I(-3), T("@SUM(1)"), T("x,=y"),
                                      T("=a,\"b\"") };
    const char *want[2] = { "a,b,c,d,e,f\r\n'=cmd|' /C calc'!A0,'-3,-3,'@SUM(1),\"x,=y\",\"'=a,\"\"b\"\"\"\r\n",
                            "a\tb\tc\td\te\tf\n'=cmd|' /C calc'!A0\t'-3\t-3\t'@SUM(1)\tx,=y\t'=a,\"b\"\n" };
    enum render_mode modes[2] = { RENDER_CSV, RENDER_TSV };
    for (int i = 0; i < 2; i++) {
        free(out_buf);
        FILE *f = open_memstream(&out_buf, &out_len);
        render_config cfg = { .mode = modes[i], .headers = 1, .excel = 1 };
        cwsh_sink *k = render_open(f, &cfg);
        k->columns(k, 6, names);
        k->row(k, 6, row);
        k->end(k);
        render_close(&k);
        fclose(f);
        tap_is(out_buf, want[i], i ? "tsv for Excel: formulas guarded" : "csv for Excel: formulas guarded");
    }
}

static void test_write_error(void)
{
    FILE *f = fopen("/dev/full", "w");
    if (!f) { tap_ok(1, "# skip: no /dev/full"); return; }
    setvbuf(f, NULL, _IONBF, 0);
    render_config cfg = { .mode = RENDER_CSV, .headers = 0 };
    cwsh_sink *k = render_open(f, &cfg);
    static const char *const names[] = { "a" };
    static const cwsh_value row[] = { T("x") };
    k->columns(k, 1, names);
    tap_is_int(k->row(k, 1, row) != 0, 1, "row() reports a failed write");
    k->end(k);
    render_close(&k);
    fclose(f);
}

static void test_modes(void)
{
    static const char *const all[] = { "box", "table", "csv", "tsv", "json", "markdown", "line", "list" };
    int bad = 0;
    for (int i = 0; i < 8; i++) {
        enum render_mode m;
        if (render_mode_parse(all[i], &m) != 0 || strcmp(render_mode_name(m), all[i]) != 0) bad++;
    }
    tap_ok(bad == 0, "mode names round-trip");
    enum render_mode m = RENDER_BOX;
    tap_is_int(render_mode_parse("JSON", &m), 0, "mode names are case-insensitive");
    tap_is_int(m, RENDER_JSON, "JSON is json");
    tap_is_int(render_mode_parse("html", &m), -1, "unknown mode refused");
    tap_is(render_mode_name((enum render_mode)99), "?", "name of a bad mode");
}

/* Streaming modes must not allocate per row: count the allocator calls
 * (glibc's __libc_* entry points; not under ASan, which owns malloc). */
#if defined(__SANITIZE_ADDRESS__)
#define NO_MALLOC_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NO_MALLOC_COUNT 1
#endif
#endif
#if !defined(NO_MALLOC_COUNT) && defined(__GLIBC__)
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
static long allocs;
void *malloc(size_t n) { allocs++; return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { allocs++; return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { allocs++; return __libc_realloc(p, n); }

static void test_no_malloc(void)
{
    static const enum render_mode modes[] = { RENDER_CSV, RENDER_TSV, RENDER_JSON, RENDER_LINE, RENDER_LIST };
    static const char *const names[] = { "市场", "score", "note" };
    static const cwsh_value row[] = { T("解放市场"), R(94.5), T("a,\"b\"\n") };
    /* memcheck (make check-valgrind) puts its own malloc in place of this
     * counting one: nothing to count there */
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "vgpreload")) {
        tap_ok(1, "# SKIP no allocation per row: valgrind replaces malloc");
        return;
    }
    FILE *f = fopen("/dev/null", "w");
    long start = allocs;
    render_config probe = { .mode = RENDER_CSV, .headers = 1 };
    cwsh_sink *p = render_open(f, &probe);
    render_close(&p);
    tap_ok(allocs > start, "the allocator counter counts");
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        render_config cfg = { .mode = modes[i], .headers = 1 };
        cwsh_sink *k = render_open(f, &cfg);
        k->columns(k, 3, names);
        k->row(k, 3, row);                 /* stdio may allocate its buffer */
        long before = allocs;
        for (int r = 0; r < 10000; r++) k->row(k, 3, row);
        long used = allocs - before;
        k->end(k);
        render_close(&k);
        char name[64];
        snprintf(name, sizeof name, "%s: no allocation per row", render_mode_name(modes[i]));
        tap_is_int(used, 0, name);
    }
    fclose(f);
}
#else
static void test_no_malloc(void) { tap_ok(1, "# skip: allocator counting needs glibc without ASan"); }
#endif

int main(void)
{
    test_box();
    test_table();
    test_markdown();
    test_csv();
    test_tsv();
    test_json();
    test_line();
    test_list();
    test_wrap();
    test_reals();
    test_rows_and_sinks();
    test_excel_guard();
    test_write_error();
    test_modes();
    test_no_malloc();
    free(out_buf);
    return tap_done();
}
