/* domain_fixture.h — the default vocabulary (rules/domain.lua) as the core
 * hands it to plugins (cwsh_domain), for unit tests and fuzz targets that
 * run without the core.  Header only; keep it in step with
 * rules/domain.lua (tests/t/domain.t checks that the core builds the same
 * words from it). */
#ifndef DOMAIN_FIXTURE_H
#define DOMAIN_FIXTURE_H
#include "cwsh.h"

#define DF_LIST(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const cwsh_term df_kinds[] = {
    { "自查", DF_LIST("self", "self-check"), 1 },
    { "督查", DF_LIST("督察", "supervision"), 1 },
    { "全面督查", DF_LIST("全面督察", "full", "comprehensive"), 1 },
    { "暗访", DF_LIST("covert", "unannounced"), 1.5 },
    { "考核", DF_LIST("assessment"), 1 },
};

static const cwsh_unit_kind df_units[] = { { "分局", "分局" }, { "所", "" } };

static const cwsh_item df_items[] = {
    { "A01", 4 }, { "A02", 4 }, { "A03", 3 }, { "A04", 3 }, { "A05", 4 }, { "A06", 4 },
    { "B01", 3 }, { "B02", 3 }, { "B03", 2 }, { "B04", 2 }, { "B05", 2 }, { "B06", 2 },
    { "C01", 3 }, { "C02", 3 }, { "C03", 2 }, { "C04", 2 }, { "C05", 2 }, { "C06", 2 },
    { "D01", 3 }, { "D02", 2 }, { "D03", 2 }, { "D04", 3 }, { "E01", 4 }, { "E02", 3 },
    { "E03", 2 }, { "E04", 3 }, { "F01", 4 }, { "F02", 3 }, { "F03", 3 }, { "F04", 4 },
    { "F05", 2 }, { "F06", 2 }, { "G01", 2 }, { "G02", 2 }, { "G03", 2 }, { "G04", 2 },
    { "G05", 2 },
};

static const cwsh_domain df_domain = {
    "fixture",
    5, df_kinds,
    { { NULL, DF_LIST(NULL), 0 },
      { "合格", DF_LIST("pass", "passed", "ok", "是", "✓", "√", "✔", "符合", "通过"), 0 },
      { "不合格", DF_LIST("fail", "failed", "否", "×", "✗", "✘", "x", "不符合"), 0 },
      { "不适用", DF_LIST("na", "n/a", "无此项", "/", "—", "-"), 0 } },
    2, df_units,
    "[A-Za-z]{1,4}[0-9]+",
    DF_LIST("合计", "总计", "小计"),
    DF_LIST("Y-M-D", "Y/M/D", "Y.M.D", "Y．M．D", "Y年M月D日", "Y年M月D号", "YMD"),
    (int)(sizeof df_items / sizeof df_items[0]), df_items,
};

static inline const cwsh_domain *df_get(cwsh_host *h, char **err) { (void)h; (void)err; return &df_domain; }
#endif
