/* csv_import.c — the import pipeline against a fake store: the fixtures'
 * good sheets, every bad-input case in tests/fixtures/csv/bad/ with its
 * exact messages (NAME.err), rejects round-trip, and `.import`.
 * CSV_BLESS=1 writes the .err files instead of comparing (review them). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "csv_fake.h"
#include "../../plugins/csv/csv_import.h"
#include "../../plugins/csv/csv_table.h"

static char root[4096], tmp[] = "/tmp/csv_import_test.XXXXXX";
static int g_threads;             /* run every case parsing on one thread, then on two */

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[1 << 20];
    size_t k = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[k] = 0;
    if (n) *n = k;
    return buf;
}

static void copy(const char *from, const char *to)
{
    size_t n;
    char *d = slurp(from, &n);
    FILE *f = fopen(to, "wb");
    if (d) fwrite(d, 1, n, f);
    fclose(f);
}

/* cimp_run as the core calls it: from a C function Lua called, inside a
 * protected call, so a Lua error raised within unwinds it. */
typedef struct call_args {
    cwsh_host *h;
    const cimp_opts *o;
    char **summary, **err;
    int rc;
} call_args;

static int l_call(lua_State *L)
{
    call_args *a = lua_touserdata(L, 1);
    a->rc = cimp_run(a->h, a->o, a->summary, a->err);
    return 0;
}

static int call_import(cwsh_host *h, const cimp_opts *o, char **summary, char **err)
{
    call_args a = { h, o, summary, err, -1 };
    lua_State *L = h->L;
    lua_pushcfunction(L, l_call);
    lua_pushlightuserdata(L, &a);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        *err = strdup(lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no message)");
        lua_pop(L, 1);
        return -1;
    }
    return a.rc;
}

static void markets(void);

/* An allocator that refuses the fail_at-th growth from now (0: none),
 * and the retry Lua makes after an emergency collection. */
static long fail_at;
static int retry;
static lua_Alloc real_alloc;
static void *real_ud;
static void *failing_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    if (nsize > (ptr ? osize : 0)) {
        if (retry) { retry = 0; return NULL; }
        if (fail_at > 0 && --fail_at == 0) { retry = 1; return NULL; }
    }
    return real_alloc(real_ud, ptr, osize, nsize);
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle)) n++;
    return n;
}

/* Every allocation of an import with a Lua converter fails in turn: when
 * the error unwinds the import (an API call outside the converter's
 * protected call), the userdata's __close still rolls the load back. */
static void alloc_failures(cwsh_host *h)
{
    lua_State *L = h->L;
    real_alloc = lua_getallocf(L, &real_ud);
    lua_setallocf(L, failing_alloc, NULL);
    int unwound = 0, open = 0, done = 0, runs = 0;
    for (long n = 1; n < 20000 && !done; n++) {
        fk_reset(); markets();
        fail_at = n;
        char *summary = NULL, *err = NULL;
        cimp_opts o;
        memset(&o, 0, sizeof o);
        o.file = "upper.csv";
        o.threads = g_threads;
        int rc = call_import(h, &o, &summary, &err);
        done = fail_at > 0;               /* no allocation failed: the import ran */
        fail_at = 0;
        runs++;
        if (getenv("CSV_DEBUG")) printf("# %ld: rc=%d %s\n", n, rc, err ? err : "");
        if (rc != 0 && err && !strcmp(err, "not enough memory") && strstr(fk_log, "begin "))
            unwound++;
        if (count(fk_log, "begin ") != count(fk_log, "end commit="))
            open++;
        free(summary);
        free(err);
        lua_gc(L, LUA_GCCOLLECT);
    }
    lua_setallocf(L, real_alloc, real_ud);
    tap_ok(done, "an import with no failed allocation completes");
    tap_ok(unwound > 0, "some allocation failures unwind a begun load with a Lua error");
    tap_is_int(open, 0, "after every allocation failure the load is ended (rolled back)");
    printf("# %d runs, %d unwound by a Lua error\n", runs, unwound);
}

/* Run `import FILE ARGS...` in the scratch dir; messages + failure in fk_msg. */
static int run(cwsh_host *h, const char *file, const char *args)
{
    cimp_opts o;
    memset(&o, 0, sizeof o);
    o.file = file;
    o.threads = g_threads;
    char a[256] = "";
    if (args) snprintf(a, sizeof a, "%s", args);
    for (char *w = strtok(a, " \n"); w; w = strtok(NULL, " \n")) {
        if (strcmp(w, "--mapping") == 0) o.mapping = strtok(NULL, " \n");
        else if (strcmp(w, "--encoding") == 0) o.read.encoding = strtok(NULL, " \n");
        else if (strcmp(w, "--skip-bad") == 0) o.skip_bad = 1;
        else if (strcmp(w, "--add-markets") == 0) o.add_markets = 1;
        else if (strcmp(w, "--replace") == 0) o.replace = 1;
    }
    char *summary = NULL, *err = NULL;
    int rc = call_import(h, &o, &summary, &err);
    if (rc == 0) {
        /* the time varies: keep the summary up to " in " */
        char *in = strstr(summary, " in ");
        char *semi = in ? strchr(in, ';') : NULL;
        if (in) *in = 0;
        fk_add(fk_msg, sizeof fk_msg, "%s%s\n", summary, semi ? semi : "");
    } else {
        fk_add(fk_msg, sizeof fk_msg, "error: %s\n", err);
    }
    free(summary);
    free(err);
    return rc;
}

static void markets(void)
{
    fk_market("M00001", "城北市场");
    fk_market("M00002", "健康路市场");
    fk_market("M00003", "解放市场");
}

static void bad_cases(cwsh_host *h)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/tests/fixtures/csv/bad", root);
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    int bless = getenv("CSV_BLESS") != NULL, cases = 0;
    for (int i = 0; i < n; i++) {
        char *name = ents[i]->d_name;
        size_t len = strlen(name);
        if (len < 5 || strcmp(name + len - 4, ".csv") != 0) { free(ents[i]); continue; }
        char src[4600], errp[4600], argp[4600], base[256];
        snprintf(base, sizeof base, "%.*s", (int)(len - 4), name);
        snprintf(src, sizeof src, "%s/%s", dir, name);
        snprintf(errp, sizeof errp, "%s/%s.err", dir, base);
        snprintf(argp, sizeof argp, "%s/%s.args", dir, base);
        copy(src, name);
        char args[256] = "";
        char *a = slurp(argp, NULL);
        if (a) {
            size_t an = strlen(a) < sizeof args - 1 ? strlen(a) : sizeof args - 1;
            memcpy(args, a, an);
            args[an] = 0;
        }
        fk_reset();
        markets();
        int rc = run(h, name, args);
        cases++;
        if (bless) {
            FILE *f = fopen(errp, "w");
            fputs(fk_msg, f);
            fclose(f);
        }
        char *want = slurp(errp, NULL);
        char label[300];
        snprintf(label, sizeof label, "bad input %s: exact messages", base);
        tap_is(fk_msg, want ? want : "(no .err file)", label);
        snprintf(label, sizeof label, "bad input %s: fails, nothing committed", base);
        tap_ok(rc != 0 && !strstr(fk_log, "commit=1"), label);
        unlink(name);
        free(ents[i]);
    }
    free(ents);
    tap_ok(cases >= 30, "at least 30 bad-input cases");
}

static void suite(cwsh_host *h)
{
    char fx[4300];
#define FX(name) (snprintf(fx, sizeof fx, "%s/tests/fixtures/csv/%s", root, name), fx)

    /* long, English headers */
    fk_reset(); markets();
    copy(FX("long-en.csv"), "long-en.csv");
    tap_is_int(run(h, "long-en.csv", NULL), 0, "long English imports");
    tap_is(fk_msg, "mapping: long (UTF-8, 12 columns, LF)\n"
                   "imported 2 inspections (6 item results) from long-en.csv\n", "long English messages");
    tap_is(fk_log, "begin long UTF-8 hash replace=0\n"
                   "I I1 2027-01-05 m1 督查 张伟 -\n"
                   " R A01 2 2 2 积水2处\n R A02 1 0 0 -\n R C02 2 1.5 -1 熟食间无纱窗，\n已责令整改\n"
                   "I I2 2027-01-06 m2 自查 王芳 -\n"
                   " R A01 1 0 0 -\n R A02 2 1 1 地面有垃圾1处，已责令整改\n R A03 3 0 0 -\n"
                   "end commit=1 ok=6 bad=0\n", "long English: what the store got");
    char en_log[4096];
    size_t enl = strlen(fk_log) < sizeof en_log - 1 ? strlen(fk_log) : sizeof en_log - 1;
    memcpy(en_log, fk_log, enl);
    en_log[enl] = 0;

    /* long, Chinese headers, BOM, CRLF, other spellings: the same records */
    fk_reset(); markets();
    copy(FX("long-zh.csv"), "long-zh.csv");
    tap_is_int(run(h, "long-zh.csv", NULL), 0, "long Chinese imports");
    tap_is(fk_msg, "mapping: long (UTF-8, 12 columns, CRLF)\n"
                   "imported 2 inspections (6 item results) from long-zh.csv\n", "long Chinese messages");
    char zh_log[4200], *p = strstr(en_log, " R A03 3 0 0 -");   /* count empty in the Chinese sheet */
    if (p) snprintf(zh_log, sizeof zh_log, "%.*s R A03 3 0 -1 -%s", (int)(p - en_log), en_log, p + 14);
    tap_is(fk_log, zh_log, "Chinese headers and spellings give the same records");

    /* wide GB18030 with CRLF and a 合计 row */
    fk_reset(); markets();
    copy(FX("wide-gb18030.csv"), "wide.csv");
    tap_is_int(run(h, "wide.csv", NULL), 0, "wide GB18030 imports");
    tap_is(fk_msg, "mapping: wide (GB18030, 13 columns, CRLF)\n"
                   "wide.csv:5: skipped a summary row\n"
                   "imported 3 inspections (12 item results) from wide.csv\n", "wide messages");
    tap_is(fk_log, "begin wide GB18030 hash replace=0\n"
                   "I - 2027-01-05 m1 督查 张伟 积水2处，熟食间无纱窗\n"
                   " R A01 2 2 -1 -\n R A02 1 0 -1 -\n R C02 2 1.5 -1 -\n R F04 1 0 -1 -\n"
                   "I - 2027-01-05 m2 督查 王芳 -\n"
                   " R A01 1 0 -1 -\n R A02 2 1 -1 -\n R C02 1 0 -1 -\n R F04 3 0 -1 -\n"
                   "I - 2027-01-06 m3 督查 李娜 过期商品\n"
                   " R A01 1 0 -1 -\n R A02 1 0 -1 -\n R C02 1 0 -1 -\n R F04 2 4 -1 -\n"
                   "end commit=1 ok=3 bad=0\n", "wide: what the store got");

    /* a Lua converter named by a mapping */
    fk_reset(); markets();
    copy(FX("upper.csv"), "upper.csv");
    run(h, "upper.csv", NULL);
    tap_is(fk_log, "begin upper UTF-8 hash replace=0\nI - 2027-01-05 m1 暗访 ZHANG WEI -\n"
                   " R A01 2 1 -1 -\n R A02 1 0 -1 -\nend commit=1 ok=2 bad=0\n",
           "Lua converter applied; result derived from the deduction");

    /* unknown markets added with --add-markets, with their unit */
    fk_reset();
    fk_market("M00001", "城北市场");
    copy(FX("long-en.csv"), "long-en.csv");
    run(h, "long-en.csv", "--add-markets");
    tap_ok(strstr(fk_log, "market M00002 健康路市场 城西所\n") != NULL, "--add-markets adds with the unit");
    tap_ok(strstr(fk_log, "I I2 2027-01-06 m2 ") != NULL, "and uses the new id");

    /* duplicate refusal passes the store's message through */
    fk_reset(); markets();
    fk_fail_begin = 1;
    tap_is_int(run(h, "long-en.csv", NULL), -1, "store refusal fails the import");
    tap_is(fk_msg, "mapping: long (UTF-8, 12 columns, LF)\nerror: this file was imported before "
                   "(2027-01-10); use --replace to import it again\n", "refusal message as the store says");
    fk_reset(); markets();
    run(h, "long-en.csv", "--replace");
    tap_ok(strstr(fk_log, "replace=1") != NULL, "--replace reaches the store");

    /* rejects: --skip-bad imports good inspections, rejects the bad ones whole */
    fk_reset(); markets();
    copy(FX("bad/23-three-bad-rows.csv"), "three.csv");
    tap_is_int(run(h, "three.csv", "--skip-bad"), -1, "--skip-bad that imports nothing fails");
    tap_ok(strstr(fk_msg, "error: nothing imported from three.csv: every row was rejected (6 rows); "
                          "they are in three.csv.rejects.csv\n") != NULL,
           "the failure counts the rejected rows");
    size_t rn;
    char *rej = slurp("three.csv.rejects.csv", &rn);
    tap_is(rej ? rej : "",
           "inspection_id,date,market_code,market_name,unit,inspector,kind,item_code,result,deduction,count,note,reason\n"
           "I1,2027-01-05,M00001,城北市场,城东所,张伟,督查,A99,不合格,2,2,积水2处,\"item \"\"A99\"\" is not in the checklist\"\n"
           "I1,2027-01-05,M00001,城北市场,城东所,张伟,督查,A02,合格,0,0,,\"inspection has a bad row at line 2\"\n"
           "I1,2027-01-05,M00001,城北市场,城东所,张伟,督查,A03,合格,x,0,,\"deduction \"\"x\"\" is not a number\"\n"
           "I2,2027-01-06,M00002,健康路市场,城西所,王芳,自查,A01,合格,0,0,,\"inspection has a bad row at line 6\"\n"
           "I2,2027-01-06,M00002,健康路市场,城西所,王芳,巡查,A02,不合格,1,1,\"地面有垃圾1处，已责令整改\",\"kind \"\"巡查\"\" is not one of 自查, 督查, 全面督查, 暗访, 考核\"\n"
           "I2,2027-01-06,M00002,健康路市场,城西所,王芳,自查,A03,不适用,0,0,,\"inspection has a bad row at line 6\"\n",
           "rejects file: header + reason, rows byte for byte");

    /* round trip: fix the rejects file and import it */
    {
        char *fixed = strdup(rej);
        char *q;
        while ((q = strstr(fixed, "A99"))) memcpy(q, "A01", 3);
        while ((q = strstr(fixed, "合格,x,"))) memcpy(q + 7, "0", 1), memmove(q + 7 + 1, q + 8, strlen(q + 8) + 1);
        while ((q = strstr(fixed, "巡查"))) memcpy(q, "自查", 6);
        FILE *f = fopen("three.csv.rejects.csv", "wb");
        fputs(fixed, f);
        fclose(f);
        free(fixed);
        fk_reset(); markets();
        tap_is_int(run(h, "three.csv.rejects.csv", NULL), 0, "the fixed rejects file imports");
        tap_is(fk_msg, "mapping: long (UTF-8, 13 columns, LF)\n"
                       "imported 2 inspections (6 item results) from three.csv.rejects.csv\n",
               "its reason column is ignored; totals are those of the original");
    }
    /* rejects keep the original encoding */
    fk_reset(); markets();
    copy(FX("bad/26-invalid-gb18030.csv"), "gb.csv");
    run(h, "gb.csv", "--skip-bad");
    rej = slurp("gb.csv.rejects.csv", &rn);
    tap_ok(rej && memmem(rej, rn, "\x81\x20" "bad,\"invalid GB18030 byte 0x81 at byte offset", 46) != NULL,
           "undecodable row kept byte for byte");

    /* .import into a table */
    fk_reset();
    copy(FX("rfc/quotes.csv"), "q.csv");
    ctab_opts t;
    memset(&t, 0, sizeof t);
    t.file = "q.csv";
    t.table = "notes";
    char *sum = NULL, *err = NULL;
    tap_is_int(ctab_run(h, &t, &sum, &err), 0, ".import succeeds");
    tap_is(fk_log, "table notes [name] [note]\n row [a, b] [say \"hi\"]\n row [multi\nline] [x]\ntend commit=1\n",
           ".import: names and values");
    tap_ok(sum && strncmp(sum, "imported 2 rows into notes from q.csv in ", 40) == 0, ".import summary");
    free(sum);
    sum = NULL;

    /* Ctrl-C: checked every 4096 rows; the load is rolled back */
    {
        FILE *f = fopen("many.csv", "w");
        fprintf(f, "inspection_id,date,market_code,kind,item_code,deduction\n");
        for (int i = 0; i < 5000; i++) fprintf(f, "I%d,2027-01-05,M00001,督查,A01,0\n", i);
        fclose(f);
        fk_reset(); markets();
        fk_interrupt = 1;
        tap_is_int(run(h, "many.csv", NULL), -1, "interrupted import fails");
        fk_interrupt = 0;
        tap_is(strstr(fk_msg, "error:"), "error: import interrupted; nothing imported\n", "interrupted: message");
        tap_ok(strstr(fk_log, "end commit=0") && !strstr(fk_log, "commit=1"), "interrupted: rolled back");
        /* with rows already in the rejects file: none is left of them */
        f = fopen("manybad.csv", "w");
        fprintf(f, "inspection_id,date,market_code,kind,item_code,deduction\nI0,2027-02-30,M00001,督查,A01,0\n");
        for (int i = 1; i < 5000; i++) fprintf(f, "I%d,2027-01-05,M00001,督查,A01,0\n", i);
        fclose(f);
        fk_reset(); markets();
        fk_interrupt = 1;
        run(h, "manybad.csv", "--skip-bad");
        fk_interrupt = 0;
        tap_ok(access("manybad.csv.rejects.csv", F_OK) != 0, "interrupted with rows rejected: no rejects file of part of them");
    }

    /* Ctrl-C while --add-markets adds one: the import stops; no row is
     * bad for it ("cannot add market ...: interrupted") */
    {
        FILE *f = fopen("newmarket.csv", "w");
        fprintf(f, "inspection_id,date,market_code,kind,item_code,deduction\n");
        fprintf(f, "I1,2027-01-05,M09999,督查,A01,0\nI2,2027-01-06,M09998,督查,A01,0\n");
        fclose(f);
        fk_reset(); markets();
        fk_madd_stops = 1;
        tap_is_int(run(h, "newmarket.csv", "--add-markets"), -1, "Ctrl-C adding a market: the import fails");
        fk_madd_stops = fk_interrupt = 0;
        tap_is(strstr(fk_msg, "error:"), "error: import interrupted; nothing imported\n",
               "Ctrl-C adding a market: interrupted, no bad rows");
        tap_ok(!strstr(fk_msg, "cannot add market") && access("newmarket.csv.rejects.csv", F_OK) != 0,
               "Ctrl-C adding a market: no row blamed for it, no rejects file");
    }

    bad_cases(h);
    alloc_failures(h);
}

int main(void)
{
    if (!getcwd(root, sizeof root)) return 1;
    cwsh_host *h = fk_host();
    if (!mkdtemp(tmp) || chdir(tmp) != 0) return 1;
    for (g_threads = 0; g_threads <= 1; g_threads++) {
        printf("# parsing on %d thread%s\n", g_threads + 1, g_threads ? "s" : "");
        suite(h);
    }
    if (chdir(root) != 0) return 1;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmp);
    if (system(cmd) != 0) return 1;
    return tap_done();
}
