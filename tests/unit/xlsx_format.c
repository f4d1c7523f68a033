/* xlsx_format.c — unit tests of the xlsx writer's number formats, display
 * widths and sheet names, and of a workbook written through the format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "../../plugins/xlsx/xlsx_write.h"

static void fmt(const char *shown, const char *want, int want_pct, const char *name)
{
    char buf[48];
    int pct = -1;
    xlsxw_numfmt(shown, strlen(shown), buf, sizeof buf, &pct);
    tap_is(buf, want, name);
    tap_is_int(pct, want_pct, "... percent flag");
}

int main(void)
{
    fmt("88.0", "0.0", 0, "one decimal");
    fmt("94.33", "0.00", 0, "two decimals");
    fmt("12", "", 0, "an integer is General");
    fmt("+1.5", "+0.0;-0.0;0.0", 0, "a signed change keeps its plus");
    fmt("-3.0", "0.0", 0, "a negative change");
    fmt("77.2%", "0.0%", 1, "a percentage");
    fmt("100%", "0%", 1, "a whole percentage");

    tap_is_int(xlsxw_width("解放市场", strlen("解放市场")), 8, "Chinese characters count two");
    tap_is_int(xlsxw_width("M0003", 5), 5, "ASCII counts one");
    tap_is_int(xlsxw_width("（分局）", strlen("（分局）")), 8, "full-width brackets count two");
    tap_is_int(xlsxw_width("\xff" "a", 2), 2, "an invalid byte counts one");

    char name[160];
    xlsxw_sheet_name("二、市场排名", 0, name, sizeof name);
    tap_is(name, "二、市场排名", "a Chinese title is kept (no byte taken for ':')");
    xlsxw_sheet_name("a/b:c[d]*e?f\\g", 0, name, sizeof name);
    tap_is(name, "a_b_c_d__e_f_g", "characters Excel refuses become _");
    xlsxw_sheet_name("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三", 0, name, sizeof name);
    tap_is(name, "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", "31 characters at most");
    xlsxw_sheet_name(NULL, 2, name, sizeof name);
    tap_is(name, "Sheet3", "no title: SheetN");
    xlsxw_sheet_name("'x'", 0, name, sizeof name);
    tap_is(name, "Sheet1", "an apostrophe at an end: SheetN");

    /* a workbook through the format's writer: a zip with two sheets, the
     * second, whose title repeats the first's, renamed */
    const char *cols[] = { "市场", "得分" };
    cwsh_value cells[4] = {
        { CWSH_TEXT, 0, 0, "解放市场", strlen("解放市场") }, { CWSH_REAL, 0, 95.1666, "95.2", 4 },
        { CWSH_TEXT, 0, 0, "城北", 6 }, { CWSH_NULL, 0, 0, NULL, 0 } };
    cwsh_table t[2] = { { "排名", 2, cols, 2, cells }, { "排名", 2, cols, 2, cells } };
    FILE *f = tmpfile();
    char *err = NULL;
    tap_is_int(xlsxw_write(NULL, f, 2, t, &err), 0, "the writer writes");
    long size = ftell(f);
    rewind(f);
    char magic[2] = { 0 };
    tap_ok(fread(magic, 1, 2, f) == 2 && magic[0] == 'P' && magic[1] == 'K' && size > 1000, "... a zip file");
    fclose(f);
    free(err);
    return tap_done();
}
