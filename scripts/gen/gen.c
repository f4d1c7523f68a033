/*
 * gen.c — deterministic generator of inspection sheets for demos, tests
 * and benchmarks (issue 6).  Owner: bench helper.
 *
 *   gen --scale demo|city|province [--format long|wide]
 *       [--encoding utf-8|gb18030] [--crlf] [--seed N] [--markets FILE]
 *       [--unit U] [--kind K] [--invert] [--stats]
 *   gen --scale S --markets-register [--seed N]
 *
 * Writes to stdout.  The same scale and seed always give the same bytes:
 * the PRNG is our own (splitmix64 seeding xoshiro256**), every market and
 * every inspection draws from its own stream, so filtering with --unit,
 * --kind and --invert selects a subset of exactly the same inspections
 * (with the same ids) that the unfiltered file holds.  That is how the demo
 * splits one station's self-checks into an Excel-style wide sheet and
 * everything else into the canonical long file without overlap.
 *
 * What it models (../../../shared/domain.md): six stations, key markets
 * (城北市场, 健康路市场, 解放市场 and about 5 % more) inspected weekly
 * (督查), the others self-checked every four weeks (自查), every market in
 * the bimonthly comprehensive rounds (全面督查, odd months), a few
 * unannounced visits (暗访); per-market quality (well-run to poorly-run),
 * per-item difficulty, a summer peak for flies and mosquitoes; results
 * 合格/不合格/不适用 (no live poultry, no car park), deductions never above
 * an item's points, counts for the items inspectors count, and Chinese
 * notes with full-width and ASCII commas and quotes.
 */
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ PRNG */

typedef struct rng { uint64_t s[4]; } rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A stream for (seed, domain, index): independent of draw order elsewhere. */
static void rng_seed(rng *r, uint64_t seed, uint64_t domain, uint64_t index)
{
    uint64_t x = seed ^ (domain * 0xd1b54a32d192ed03ULL) ^ (index * 0x8cb92ba72f3d8dd7ULL);
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t; s[3] = rotl(s[3], 45);
    return result;
}

static double rng_unit(rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }
static int rng_below(rng *r, int n) { return (int)(rng_unit(r) * n); }

/* ------------------------------------------------------------- checklist */

typedef struct item {
    const char *code, *title;
    int points;
    double difficulty;      /* relative chance of failing */
    const char *count_note; /* printf with %d: a counted finding, or NULL */
    const char *note;       /* a plain finding */
} item;

#define NITEMS 37
static const item items[NITEMS] = {
    {"A01", "地面平整无积水", 4, 1.2, "地面积水%d处", "地面破损不平"},
    {"A02", "地面摊位整洁无垃圾杂物", 4, 1.5, "摊位周边垃圾杂物%d处", "地面油污未清理"},
    {"A03", "排水沟畅通无淤积异味", 3, 1.0, NULL, "排水沟淤积有异味"},
    {"A04", "一摊一桶，垃圾桶加盖", 3, 1.2, "垃圾桶未加盖%d个", "部分摊位未配垃圾桶"},
    {"A05", "垃圾袋装、日产日清", 4, 1.0, NULL, "垃圾未袋装，隔夜未清"},
    {"A06", "公厕达二类以上标准", 4, 1.3, NULL, "公厕地面湿滑有异味"},
    {"B01", "货台柜架统一规范", 3, 0.6, NULL, "货台破损，柜架不统一"},
    {"B02", "电线规范，无私拉乱接", 3, 0.7, "私拉电线%d处", "电线老化裸露"},
    {"B03", "给排水设施完好", 2, 0.5, NULL, "水龙头漏水"},
    {"B04", "停车场划线规范", 2, 0.5, NULL, "停车位标线模糊"},
    {"B05", "公平秤设置并检定", 2, 0.4, NULL, "公平秤检定过期"},
    {"B06", "照明通风良好", 2, 0.4, NULL, "水产区通风不良"},
    {"C01", "防鼠设施完好（挡鼠板，网罩孔隙<1cm）", 3, 1.0, "挡鼠板缺失%d处", "下水道口网罩孔隙过大"},
    {"C02", "防蝇设施完好（熟食\"三防\"）", 3, 1.0, NULL, "熟食摊\"三防\"设施不全"},
    {"C03", "鼠迹、鼠密度达标", 2, 0.6, "发现鼠迹%d处", "库房有鼠粪"},
    {"C04", "蝇密度达标", 2, 0.8, NULL, "肉类区苍蝇较多"},
    {"C05", "蟑螂密度达标", 2, 0.5, NULL, "熟食间发现蟑螂"},
    {"C06", "蚊幼孳生控制", 2, 0.6, "积水容器%d个有蚊幼", "绿化带积水有蚊幼"},
    {"D01", "健康教育宣传栏规范（每月更新）", 3, 1.0, NULL, "宣传栏未按月更新"},
    {"D02", "固定宣传标语规范", 2, 0.5, NULL, "宣传标语破损"},
    {"D03", "禁烟标识及劝阻", 2, 0.7, "吸烟%d人未劝阻", "禁烟标识缺失"},
    {"D04", "农残检测结果每日公示", 3, 0.8, NULL, "农残检测结果未公示"},
    {"E01", "无占道经营", 4, 1.5, "占道经营%d户", "出入口占道经营"},
    {"E02", "无乱摆乱放", 3, 1.4, "乱摆乱放%d处", "货物堆放超出摊位线"},
    {"E03", "无流动叫卖", 2, 1.0, "流动叫卖%d人", "门口有流动摊贩"},
    {"E04", "车辆停放有序", 3, 1.3, "车辆乱停%d辆", "电动车停放无序"},
    {"F01", "活禽区域相对独立", 4, 0.45, NULL, "活禽区未隔断"},
    {"F02", "活禽隔离宰杀", 3, 0.45, NULL, "活禽宰杀未隔离"},
    {"F03", "从业人员健康证明", 3, 0.8, "%d人无健康证", "健康证未亮证"},
    {"F04", "无过期变质商品", 4, 0.12, "过期商品%d件", "发现变质熟食"},
    {"F05", "无假冒伪劣商品", 2, 0.3, NULL, "发现无标签食品"},
    {"F06", "索证索票台账", 2, 0.9, NULL, "索证索票台账不全"},
    {"G01", "市场第一责任人制度", 2, 0.3, NULL, "责任人未公示"},
    {"G02", "不合格商品退市制度", 2, 0.3, NULL, "退市记录缺失"},
    {"G03", "应急处置制度", 2, 0.3, NULL, "应急预案未演练"},
    {"G04", "保洁队伍健全（按摊位数配备）", 2, 0.5, NULL, "保洁员配备不足"},
    {"G05", "创卫专班周例会记录", 2, 0.6, NULL, "周例会记录缺失"},
};

/* What an inspector adds after a finding: full-width and ASCII commas. */
static const char *const note_tails[] = {
    "", "", ", 已责令整改", "，已现场整改", ", 限期3日整改", "，已拍照取证",
};

/* ------------------------------------------------------------- dates */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Monday; 1970-01-01 was a Thursday. */
static int weekday(long z) { return (int)((z % 7 + 10) % 7); }

/* ------------------------------------------------------------- markets */

static const char *const units[] = {
    "城东所", "城西所", "城南所", "城北所", "开发区分局", "新区分局",
};
static const char *const districts[] = {
    "东城区", "西城区", "南城区", "北城区", "经济开发区", "新区",
};
#define NUNITS 6

typedef struct market {
    char code[16], name[64], unit[32], district[32];
    int is_key, stalls;
    int quality;            /* 0 well-run, 1 average, 2 poorly-run */
    double base;            /* failure chance per item */
    int poultry, parking;   /* live poultry sold, own car park */
} market;

/* Unique names by construction: index -> (first, second, road, suffix) is a
 * bijection over the 5,400 combinations, walked in a scrambled order. */
static const char *const name_a[] = {
    "东", "西", "南", "北", "中", "新", "光", "和", "建", "文",
    "兴", "长", "永", "安", "胜", "利", "华", "明", "青", "红",
    "金", "银", "云", "龙", "凤", "松", "柏", "桃", "梅", "丰",
};
static const char *const name_b[] = {
    "山", "湖", "江", "河", "桥", "园", "阳", "林", "门", "港",
    "塘", "溪", "城", "坊", "岭", "泉", "湾", "岗", "田", "庄",
    "坝", "洲", "亭", "台", "苑", "村", "埠", "口", "沟", "坡",
};
static const char *const name_road[] = { "路", "街" };
static const char *const name_suffix[] = { "农贸市场", "菜市场", "综合市场" };
#define NAME_SPACE (30 * 30 * 2 * 3)

static void market_name(int i, char *out, size_t n)
{
    static const char *const fixed[] = { "城北市场", "健康路市场", "解放市场" };
    if (i < 3) { snprintf(out, n, "%s", fixed[i]); return; }
    long k = ((long)(i - 3) * 2011 + 577) % NAME_SPACE;  /* 2011 is prime, coprime to 5400 */
    snprintf(out, n, "%s%s%s%s", name_a[k % 30], name_b[(k / 30) % 30],
             name_road[(k / 900) % 2], name_suffix[(k / 1800) % 3]);
}

/* Hidden attributes (quality, poultry, parking) from the market's stream. */
static void market_traits(market *mk, uint64_t seed, int i)
{
    rng r;
    rng_seed(&r, seed, 2, (uint64_t)i);
    double u = rng_unit(&r);
    mk->quality = u < 0.5 ? 0 : u < 0.85 ? 1 : 2;
    static const double lo[] = { 0.10, 0.22, 0.45 }, hi[] = { 0.18, 0.35, 0.65 };
    mk->base = lo[mk->quality] + rng_unit(&r) * (hi[mk->quality] - lo[mk->quality]);
    if (mk->is_key) mk->base *= 0.8;
    /* By position, so that even the demo's five markets show 不适用. */
    mk->poultry = i % 4 != 3;
    mk->parking = i % 5 != 4;
}

static void markets_generate(market *m, int n, uint64_t seed, int demo)
{
    /* The three named key markets, as in the analysts' sketches. */
    static const int fixed_unit[] = { 0, 1, 2 };
    /* The demo's two other markets: one more for 城东所 (whose self-checks
     * become the wide sheet) and one for 城北所. */
    static const int demo_unit[] = { 0, 3 };
    for (int i = 0; i < n; i++) {
        market *mk = &m[i];
        rng r;
        rng_seed(&r, seed, 1, (uint64_t)i);
        int u = i < 3 ? fixed_unit[i] : demo && i < 5 ? demo_unit[i - 3]
              : rng_below(&r, 10) < 8 ? rng_below(&r, 4) : 4 + rng_below(&r, 2);
        snprintf(mk->code, sizeof mk->code, "M%04d", i + 1);
        market_name(i, mk->name, sizeof mk->name);
        snprintf(mk->unit, sizeof mk->unit, "%s", units[u]);
        snprintf(mk->district, sizeof mk->district, "%s", districts[u]);
        mk->is_key = i < 3 || (i >= 5 && rng_unit(&r) < 0.05);
        mk->stalls = mk->is_key ? 250 + rng_below(&r, 250) : 40 + rng_below(&r, 260);
        market_traits(mk, seed, i);
    }
}

/* Split one CSV line of a register (code,name,unit,is_key,stalls,district)
 * in place; quotes are honoured, doubled quotes are not needed there. */
static int split_line(char *s, char **f, int max)
{
    int n = 0;
    while (n < max) {
        if (*s == '"') {
            char *e = strchr(++s, '"');
            if (!e) return -1;
            *e = '\0';
            f[n++] = s;
            s = e + 1;
        } else {
            f[n++] = s;
            s += strcspn(s, ",\r\n");
        }
        if (*s != ',') { *s = '\0'; break; }
        *s++ = '\0';
    }
    return n;
}

static market *markets_read(const char *path, int *count, uint64_t seed)
{
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "gen: cannot open '%s': %s\n", path, strerror(errno)); return NULL; }
    market *m = NULL;
    int n = 0, cap = 0, lineno = 0;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        char *fld[8];
        lineno++;
        if (lineno == 1 && strncmp(line, "code,", 5) == 0) continue;
        if (line[0] == '\n' || line[0] == '\r') continue;
        if (split_line(line, fld, 8) != 6) {
            fprintf(stderr, "gen: %s:%d: expected 6 columns code,name,unit,is_key,stalls,district\n",
                    path, lineno);
            free(m); fclose(f);
            return NULL;
        }
        if (n == cap) { cap = cap ? cap * 2 : 64; m = realloc(m, (size_t)cap * sizeof *m); if (!m) abort(); }
        market *mk = &m[n];
        memset(mk, 0, sizeof *mk);
        snprintf(mk->code, sizeof mk->code, "%s", fld[0]);
        snprintf(mk->name, sizeof mk->name, "%s", fld[1]);
        snprintf(mk->unit, sizeof mk->unit, "%s", fld[2]);
        mk->is_key = atoi(fld[3]) != 0;
        mk->stalls = atoi(fld[4]);
        snprintf(mk->district, sizeof mk->district, "%s", fld[5]);
        market_traits(mk, seed, n);
        n++;
    }
    fclose(f);
    if (n == 0) { fprintf(stderr, "gen: %s: no markets\n", path); free(m); return NULL; }
    *count = n;
    return m;
}

/* ----------------------------------------------------------- inspections */

enum { K_SELF, K_SUPERVISE, K_ROUND, K_UNANNOUNCED };
static const char *const kind_names[] = { "自查", "督查", "全面督查", "暗访" };
/* Self-checks are lenient, unannounced visits find the most. */
static const double kind_factor[] = { 0.6, 1.0, 1.1, 1.5 };

typedef struct insp { int day, market, kind; } insp;

typedef struct plan { insp *v; size_t n, cap; } plan;

static void plan_add(plan *p, int day, int market_ix, int kind)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 4096;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
        if (!p->v) abort();
    }
    p->v[p->n++] = (insp){ day, market_ix, kind };
}

static int insp_cmp(const void *a, const void *b)
{
    const insp *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    if (x->market != y->market) return x->market < y->market ? -1 : 1;
    return (x->kind > y->kind) - (x->kind < y->kind);
}

/* The nearest weekday at or before z (Saturday, Sunday -> Friday). */
static long to_workday(long z)
{
    int w = weekday(z);
    return w >= 5 ? z - (w - 4) : z;
}

/* A random weekday in [a, b] (inclusive, day numbers); b - a >= 6. */
static long workday_between(rng *r, long a, long b)
{
    for (;;) {
        long z = a + rng_below(r, (int)(b - a + 1));
        if (weekday(z) < 5) return z;
    }
}

static void plan_market(plan *p, const market *mk, int ix, uint64_t seed,
                        long start, long end, int months)
{
    rng r;
    rng_seed(&r, seed, 3, (uint64_t)ix);
    int y0, m0, d0;
    civil_from_days(start, &y0, &m0, &d0);
    if (mk->is_key) {               /* weekly supervision */
        long monday = start - weekday(start);
        for (long w = monday; w <= end; w += 7) {
            long z = w + rng_below(&r, 5);
            if (z >= start && z <= end) plan_add(p, (int)(z - start), ix, K_SUPERVISE);
        }
    } else {                        /* a self-check every four weeks */
        for (long z = start + rng_below(&r, 28); z <= end; z += 28) {
            long d = to_workday(z);
            if (d >= start) plan_add(p, (int)(d - start), ix, K_SELF);
        }
    }
    for (int k = 0; k < months; k++) {
        int y = y0 + (m0 - 1 + k) / 12, m = (m0 - 1 + k) % 12 + 1;
        long first = days_from_civil(y, m, 1);
        long last = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
        if (m % 2 == 1) {           /* the bimonthly round, same window for all */
            rng rr;
            rng_seed(&rr, seed, 4, (uint64_t)(y * 12 + m));
            long a = first + 7 + rng_below(&rr, 4);
            plan_add(p, (int)(workday_between(&r, a, a + 9) - start), ix, K_ROUND);
        }
        if (rng_unit(&r) < (mk->is_key ? 0.25 : 0.06))
            plan_add(p, (int)(workday_between(&r, first, last) - start), ix, K_UNANNOUNCED);
    }
}

/* ---------------------------------------------------------------- output */

typedef struct out {
    char *buf;
    size_t n, cap;
    int crlf;
    iconv_t cd;             /* (iconv_t)-1 for UTF-8 */
    char *conv;
    size_t conv_cap;
} out;

static void out_raw(out *o, const char *s, size_t n)
{
    if (o->n + n > o->cap) {
        while (o->n + n > o->cap) o->cap = o->cap ? o->cap * 2 : 1 << 16;
        o->buf = realloc(o->buf, o->cap);
        if (!o->buf) abort();
    }
    memcpy(o->buf + o->n, s, n);
    o->n += n;
}

static void out_s(out *o, const char *s) { out_raw(o, s, strlen(s)); }

/* A CSV field, quoted when it holds a comma, quote or line break. */
static void out_field(out *o, const char *s, int first)
{
    if (!first) out_raw(o, ",", 1);
    if (!s[strcspn(s, ",\"\r\n")]) { out_s(o, s); return; }
    out_raw(o, "\"", 1);
    for (const char *q; (q = strchr(s, '"')); s = q + 1) {
        out_raw(o, s, (size_t)(q - s + 1));
        out_raw(o, "\"", 1);
    }
    out_s(o, s);
    out_raw(o, "\"", 1);
}

static void out_flush(out *o)
{
    const char *p = o->buf;
    size_t n = o->n;
    if (o->cd != (iconv_t)-1 && n) {
        if (o->conv_cap < n * 2) {
            o->conv_cap = n * 2;
            o->conv = realloc(o->conv, o->conv_cap);
            if (!o->conv) abort();
        }
        char *in = o->buf, *dst = o->conv;
        size_t inleft = n, outleft = o->conv_cap;
        if (iconv(o->cd, &in, &inleft, &dst, &outleft) == (size_t)-1) {
            fprintf(stderr, "gen: cannot convert output: %s\n", strerror(errno));
            exit(1);
        }
        p = o->conv;
        n = o->conv_cap - outleft;
    }
    if (n && fwrite(p, 1, n, stdout) != n) {
        fprintf(stderr, "gen: write error: %s\n", strerror(errno));
        exit(1);
    }
    o->n = 0;
}

/* End of record; flushes whole records only, so conversion never splits
 * a character. */
static void out_eol(out *o)
{
    out_s(o, o->crlf ? "\r\n" : "\n");
    if (o->n > (1 << 16)) out_flush(o);
}

static void fmt_points(char *b, size_t n, double v)
{
    if (v == (long)v) snprintf(b, n, "%ld", (long)v);
    else snprintf(b, n, "%.1f", v);
}

/* ------------------------------------------------------------- results */

typedef struct finding {
    int result;             /* 1 合格, 2 不合格, 3 不适用 */
    double deduction;
    int count;              /* -1 when not counted */
    char note[160];
} finding;

static const char *const result_names[] = { "", "合格", "不合格", "不适用" };

/* Season: flies and mosquitoes peak in summer. */
static double season(const item *it, int month)
{
    if (strcmp(it->code, "C04") && strcmp(it->code, "C06")) return 1.0;
    return month >= 6 && month <= 9 ? 2.2 : month == 5 || month == 10 ? 1.4 : 0.6;
}

static void inspect(const market *mk, int kind, int month, rng *r, double drift,
                    finding f[NITEMS])
{
    for (int i = 0; i < NITEMS; i++) {
        const item *it = &items[i];
        finding *x = &f[i];
        x->count = -1;
        x->deduction = 0;
        x->note[0] = '\0';
        double u = rng_unit(r);
        if ((!mk->poultry && (i == 26 || i == 27)) || (!mk->parking && i == 9)) {
            x->result = 3;
            snprintf(x->note, sizeof x->note, "%s", i == 9 ? "无停车场" : "无活禽经营");
            continue;
        }
        double p = mk->base * it->difficulty * season(it, month) * kind_factor[kind] * drift;
        if (u >= (p > 0.9 ? 0.9 : p)) { x->result = 1; continue; }
        x->result = 2;
        const char *tail = note_tails[rng_below(r, 6)];
        if (it->count_note && rng_unit(r) < 0.75) {
            /* Counted: one point per finding (half for two-point items),
             * capped at the item's points. */
            int n = 1 + (rng_unit(r) < 0.5) + (rng_unit(r) < 0.3) + (rng_unit(r) < 0.2) * 3;
            double per = it->points <= 2 ? 0.5 : 1.0;
            x->count = n;
            x->deduction = n * per > it->points ? it->points : n * per;
            /* the note's one %d is the count */
            const char *d = strstr(it->count_note, "%d");
            snprintf(x->note, sizeof x->note, "%.*s%d%s", (int)(d - it->count_note),
                     it->count_note, n, d + 2);
        } else {
            double v = rng_unit(r);
            int steps = 1 + (int)(pow(v, 1.5) * 2 * it->points);
            x->deduction = steps * 0.5 > it->points ? it->points : steps * 0.5;
            snprintf(x->note, sizeof x->note, "%s", it->note);
        }
        size_t l = strlen(x->note);
        snprintf(x->note + l, sizeof x->note - l, "%s", tail);
    }
}

/* Month-to-month drift of a market's performance (some improve, some slip). */
static double market_drift(uint64_t seed, int ix, int month_index)
{
    rng r;
    rng_seed(&r, seed, 5, (uint64_t)ix * 64 + (uint64_t)month_index);
    return 0.7 + 0.6 * rng_unit(&r);
}

/* Inspectors: the bureau's supervision team, and each station's own. */
static const char *const bureau_staff[] = {
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏",
};
static const char *const station_staff[NUNITS][3] = {
    { "周杰", "吴刚", "徐丽" }, { "孙涛", "胡军", "朱琳" }, { "高峰", "林蕾", "何勇" },
    { "郭婷", "马超", "罗斌" }, { "宋佳", "郑浩", "梁雪" }, { "谢军", "韩冰", "唐丽" },
};

static const char *inspector_for(const market *mk, int kind, rng *r)
{
    if (kind != K_SELF) return bureau_staff[rng_below(r, 8)];
    for (int u = 0; u < NUNITS; u++)
        if (!strcmp(units[u], mk->unit)) return station_staff[u][rng_below(r, 3)];
    return station_staff[0][rng_below(r, 3)];
}

/* ------------------------------------------------------------------ main */

typedef struct opts {
    const char *scale, *format, *encoding, *markets, *unit, *kind;
    int crlf, invert, stats, registry;
    uint64_t seed;
} opts;

static void usage(void)
{
    fputs("usage: gen --scale demo|city|province [--format long|wide]\n"
          "           [--encoding utf-8|gb18030] [--crlf] [--seed N] [--markets FILE]\n"
          "           [--unit UNIT] [--kind KIND] [--invert] [--stats]\n"
          "       gen --scale SCALE --markets-register [--seed N]\n", stderr);
    exit(2);
}

static void parse_opts(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = "long";
    o->encoding = "utf-8";
    o->seed = 2027;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = !strcmp(a, "--scale") ? &o->scale : !strcmp(a, "--format") ? &o->format
            : !strcmp(a, "--encoding") ? &o->encoding : !strcmp(a, "--markets") ? &o->markets
            : !strcmp(a, "--unit") ? &o->unit : !strcmp(a, "--kind") ? &o->kind : NULL;
        if (slot) {
            if (++i >= argc) usage();
            *slot = argv[i];
        } else if (!strcmp(a, "--seed")) {
            if (++i >= argc) usage();
            o->seed = strtoull(argv[i], NULL, 10);
        } else if (!strcmp(a, "--crlf")) o->crlf = 1;
        else if (!strcmp(a, "--invert")) o->invert = 1;
        else if (!strcmp(a, "--stats")) o->stats = 1;
        else if (!strcmp(a, "--markets-register")) o->registry = 1;
        else { fprintf(stderr, "gen: unknown option '%s'\n", a); usage(); }
    }
    if (!o->scale) usage();
    if (strcmp(o->format, "long") && strcmp(o->format, "wide")) {
        fprintf(stderr, "gen: unknown format '%s'\n", o->format);
        usage();
    }
}

static void write_register(out *o, const market *m, int n)
{
    out_s(o, "code,name,unit,is_key,stalls,district");
    out_eol(o);
    for (int i = 0; i < n; i++) {
        char b[16];
        out_field(o, m[i].code, 1);
        out_field(o, m[i].name, 0);
        out_field(o, m[i].unit, 0);
        out_field(o, m[i].is_key ? "1" : "0", 0);
        snprintf(b, sizeof b, "%d", m[i].stalls);
        out_field(o, b, 0);
        out_field(o, m[i].district, 0);
        out_eol(o);
    }
}

static void write_header(out *o, int wide)
{
    if (!wide) {
        out_s(o, "inspection_id,date,market_code,market_name,unit,inspector,kind,"
                 "item_code,result,deduction,count,note");
        out_eol(o);
        return;
    }
    out_s(o, "序号,检查日期,市场编号,市场名称,所属单位,检查人员,检查类型");
    for (int i = 0; i < NITEMS; i++) {
        char h[128];
        snprintf(h, sizeof h, "%s %s", items[i].code, items[i].title);
        out_field(o, h, 0);
    }
    out_s(o, ",扣分合计,问题描述,整改期限");
    out_eol(o);
}

int main(int argc, char **argv)
{
    opts op;
    parse_opts(argc, argv, &op);
    int nmarkets, months, demo = !strcmp(op.scale, "demo");
    if (demo) { nmarkets = 5; months = 3; }
    else if (!strcmp(op.scale, "city")) { nmarkets = 300; months = 12; }
    else if (!strcmp(op.scale, "province")) { nmarkets = 5000; months = 12; }
    else { fprintf(stderr, "gen: unknown scale '%s'\n", op.scale); usage(); return 2; }

    market *m;
    if (op.markets) {
        if (!(m = markets_read(op.markets, &nmarkets, op.seed))) return 1;
    } else {
        m = calloc((size_t)nmarkets, sizeof *m);
        if (!m) abort();
        markets_generate(m, nmarkets, op.seed, demo);
    }

    out o = { .crlf = op.crlf, .cd = (iconv_t)-1 };
    if (!strcmp(op.encoding, "gb18030")) {
        if ((o.cd = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1) {
            fprintf(stderr, "gen: iconv: %s\n", strerror(errno));
            return 1;
        }
    } else if (strcmp(op.encoding, "utf-8")) {
        fprintf(stderr, "gen: unknown encoding '%s'\n", op.encoding);
        usage();
    }
    if (op.registry) {
        write_register(&o, m, nmarkets);
        out_flush(&o);
        free(m);
        free(o.buf);
        free(o.conv);
        if (o.cd != (iconv_t)-1) iconv_close(o.cd);
        return fflush(stdout) ? 1 : 0;
    }

    long start = days_from_civil(2027, 1, 1);
    long end = days_from_civil(2027, 1 + months, 1) - 1;
    if (months == 12) end = days_from_civil(2027, 12, 31);
    plan p = { 0 };
    for (int i = 0; i < nmarkets; i++) plan_market(&p, &m[i], i, op.seed, start, end, months);
    qsort(p.v, p.n, sizeof *p.v, insp_cmp);

    int wide = !strcmp(op.format, "wide");
    write_header(&o, wide);
    long rows = 0, written = 0, seq = 0;
    double sum[NITEMS] = { 0 }, sum_total = 0;
    for (size_t k = 0; k < p.n; k++) {
        const insp *in = &p.v[k];
        const market *mk = &m[in->market];
        int match = (!op.unit || !strcmp(op.unit, mk->unit))
                 && (!op.kind || !strcmp(op.kind, kind_names[in->kind]));
        if (match == op.invert) continue;
        int y, mo, d;
        civil_from_days(start + in->day, &y, &mo, &d);
        rng r;
        rng_seed(&r, op.seed, 6, (uint64_t)k);
        const char *who = inspector_for(mk, in->kind, &r);
        finding f[NITEMS];
        inspect(mk, in->kind, mo, &r, market_drift(op.seed, in->market, (y - 2027) * 12 + mo), f);
        char id[32], date[16];
        snprintf(id, sizeof id, "JC2027-%06zu", k + 1);
        written++;
        if (!wide) {
            snprintf(date, sizeof date, "%04d-%02d-%02d", y, mo, d);
            for (int i = 0; i < NITEMS; i++) {
                char ded[16] = "", cnt[16] = "";
                if (f[i].result != 3) fmt_points(ded, sizeof ded, f[i].deduction);
                if (f[i].count >= 0) snprintf(cnt, sizeof cnt, "%d", f[i].count);
                out_field(&o, id, 1);
                out_field(&o, date, 0);
                out_field(&o, mk->code, 0);
                out_field(&o, mk->name, 0);
                out_field(&o, mk->unit, 0);
                out_field(&o, who, 0);
                out_field(&o, kind_names[in->kind], 0);
                out_field(&o, items[i].code, 0);
                out_field(&o, result_names[f[i].result], 0);
                out_field(&o, ded, 0);
                out_field(&o, cnt, 0);
                out_field(&o, f[i].note, 0);
                out_eol(&o);
                rows++;
            }
            continue;
        }
        /* Wide: one row per inspection, as a station's Excel sheet. */
        char b[32], desc[8192] = "";
        double total = 0;
        snprintf(b, sizeof b, "%ld", ++seq);
        out_field(&o, b, 1);
        snprintf(date, sizeof date, "%d/%d/%d", y, mo, d);
        out_field(&o, date, 0);
        out_field(&o, mk->code, 0);
        out_field(&o, mk->name, 0);
        out_field(&o, mk->unit, 0);
        out_field(&o, who, 0);
        out_field(&o, kind_names[in->kind], 0);
        for (int i = 0; i < NITEMS; i++) {
            b[0] = '\0';
            if (f[i].result == 2) {
                fmt_points(b, sizeof b, f[i].deduction);
                total += f[i].deduction;
                sum[i] += f[i].deduction;
                size_t l = strlen(desc);
                snprintf(desc + l, sizeof desc - l, "%s%s%s", l ? "；" : "", items[i].code, f[i].note);
            }
            out_field(&o, b, 0);
        }
        sum_total += total;
        fmt_points(b, sizeof b, total);
        out_field(&o, b, 0);
        out_field(&o, desc, 0);
        b[0] = '\0';
        if (total > 0) {
            civil_from_days(start + in->day + 3, &y, &mo, &d);
            snprintf(b, sizeof b, "%d/%d/%d", y, mo, d);
        }
        out_field(&o, b, 0);
        out_eol(&o);
        rows++;
    }
    if (wide) {                     /* Excel's trailing total row */
        char b[32];
        out_field(&o, "合计", 1);
        for (int i = 0; i < 6; i++) out_field(&o, "", 0);
        for (int i = 0; i < NITEMS; i++) {
            b[0] = '\0';
            if (sum[i] > 0) fmt_points(b, sizeof b, sum[i]);
            out_field(&o, b, 0);
        }
        fmt_points(b, sizeof b, sum_total);
        out_field(&o, b, 0);
        out_field(&o, "", 0);
        out_field(&o, "", 0);
        out_eol(&o);
    }
    out_flush(&o);
    if (fflush(stdout)) { fprintf(stderr, "gen: write error: %s\n", strerror(errno)); return 1; }
    if (op.stats)
        fprintf(stderr, "gen: %d markets, %ld inspections, %ld rows\n", nmarkets, written, rows);
    free(p.v);
    free(m);
    free(o.buf);
    free(o.conv);
    if (o.cd != (iconv_t)-1) iconv_close(o.cd);
    return 0;
}
