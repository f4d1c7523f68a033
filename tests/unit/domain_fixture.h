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

static const cwsh_unit_kind df_units[] = { { "分局", "分局" },
    { "所", "" } };

static const cwsh_item df_items[] = {
    { "A01", 4, "地面平整无积水" },
    { "A02", 4, "地面摊位整洁无垃圾杂物" },
    { "A03", 3, "排水沟畅通无淤积异味" },
    { "A04", 3, "一摊一桶，垃圾桶加盖" },
    { "A05", 4, "垃圾袋装、日产日清" },
    { "A06", 4, "公厕达二类以上标准" },
    { "B01", 3, "货台柜架统一规范" },
    { "B02", 3, "电线规范，无私拉乱接" },
    { "B03", 2, "给排水设施完好" },
    { "B04", 2, "停车场划线规范" },
    { "B05", 2, "公平秤设置并检定" },
    { "B06", 2, "照明通风良好" },
    { "C01", 3, "防鼠设施完好（挡鼠板，网罩孔隙<1cm）" },
    { "C02", 3, "防蝇设施完好（熟食\"三防\"）" },
    { "C03", 2, "鼠迹、鼠密度达标" },
    { "C04", 2, "蝇密度达标" },
    { "C05", 2, "蟑螂密度达标" },
    { "C06", 2, "蚊幼孳生控制" },
    { "D01", 3, "健康教育宣传栏规范（每月更新）" },
    { "D02", 2, "固定宣传标语规范" },
    { "D03", 2, "禁烟标识及劝阻" },
    { "D04", 3, "农残检测结果每日公示" },
    { "E01", 4, "无占道经营" },
    { "E02", 3, "无乱摆乱放" },
    { "E03", 2, "无流动叫卖" },
    { "E04", 3, "车辆停放有序" },
    { "F01", 4, "活禽区域相对独立" },
    { "F02", 3, "活禽隔离宰杀" },
    { "F03", 3, "从业人员健康证明" },
    { "F04", 4, "无过期变质商品" },
    { "F05", 2, "无假冒伪劣商品" },
    { "F06", 2, "索证索票台账" },
    { "G01", 2, "市场第一责任人制度" },
    { "G02", 2, "不合格商品退市制度" },
    { "G03", 2, "应急处置制度" },
    { "G04", 2, "保洁队伍健全（按摊位数配备）" },
    { "G05", 2, "创卫专班周例会记录" },
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
