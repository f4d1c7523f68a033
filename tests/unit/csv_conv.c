/* csv_conv.c — unit tests of the csv plugin's value converters. */
#include <string.h>
#include "cwsh.h"
#include "tap.h"
#include "../../plugins/csv/csv_conv.h"
#include "domain_fixture.h"

static cvoc V;     /* the default vocabulary, compiled */

static const char *date(const char *s)
{
    static char out[11];
    return conv_date(&V, s, strlen(s), out) == 0 ? out : "invalid";
}

static double num(const char *s, int *rc)
{
    double v = -999;
    *rc = conv_number(s, strlen(s), &v);
    return v;
}

int main(void)
{
    if (cvoc_build(&V, &df_domain) != 0) return 1;
    tap_is(date("2027-01-05"), "2027-01-05", "ISO date");
    tap_is(date("2027/1/5"), "2027-01-05", "slashes, no padding");
    tap_is(date("2027.1.5"), "2027-01-05", "dots");
    tap_is(date("2027年1月5日"), "2027-01-05", "年月日");
    tap_is(date("2027年12月31号"), "2027-12-31", "年月号");
    tap_is(date("20270105"), "2027-01-05", "eight digits");
    tap_is(date("２０２７－０１－０５"), "invalid", "full-width minus is not a separator");
    tap_is(date("２０２７年１月５日"), "2027-01-05", "full-width digits");
    tap_is(date(" 2027/1/5 0:00 "), "2027-01-05", "Excel's trailing time and spaces");
    tap_is(date("2027/1/5 12:30:00"), "2027-01-05", "time with seconds");
    tap_is(date("2027/2/30"), "invalid", "February 30th");
    tap_is(date("2027/2/29"), "invalid", "2027 is not a leap year");
    tap_is(date("2028/2/29"), "2028-02-29", "2028 is a leap year");
    tap_is(date("2100-02-29"), "invalid", "2100 is not a leap year");
    tap_is(date("2000-02-29"), "2000-02-29", "2000 is a leap year");
    tap_is(date("2027-13-01"), "invalid", "month 13");
    tap_is(date("2027-04-31"), "invalid", "April 31st");
    tap_is(date("2027-1-0"), "invalid", "day 0");
    tap_is(date("2027-01"), "invalid", "no day");
    tap_is(date("2027/01-05"), "invalid", "mixed separators");
    tap_is(date("27/1/5"), "invalid", "two-digit year");
    tap_is(date("2027-01-05x"), "invalid", "trailing junk");
    tap_is(date(""), "invalid", "empty");
    tap_is(date("1/5/2027"), "invalid", "US order");

    tap_is_int(conv_result(&V, "合格", 6), CWSH_PASS, "合格");
    tap_is_int(conv_result(&V, "不合格", 9), CWSH_FAIL, "不合格");
    tap_is_int(conv_result(&V, "不适用", 9), CWSH_NA, "不适用");
    tap_is_int(conv_result(&V, "PASS", 4), CWSH_PASS, "PASS any case");
    tap_is_int(conv_result(&V, "fail", 4), CWSH_FAIL, "fail");
    tap_is_int(conv_result(&V, "na", 2), CWSH_NA, "na");
    tap_is_int(conv_result(&V, "N/A", 3), CWSH_NA, "N/A");
    tap_is_int(conv_result(&V, "是", 3), CWSH_PASS, "是");
    tap_is_int(conv_result(&V, "否", 3), CWSH_FAIL, "否");
    tap_is_int(conv_result(&V, "✓", 3), CWSH_PASS, "check mark");
    tap_is_int(conv_result(&V, "√", 3), CWSH_PASS, "square root sign as a tick");
    tap_is_int(conv_result(&V, "×", 2), CWSH_FAIL, "multiplication sign as a cross");
    tap_is_int(conv_result(&V, " 合格　", 10), CWSH_PASS, "ASCII and ideographic spaces trimmed");
    {
        int rc;
        double v = num("\xC2\xA0" "2\xC2\xA0", &rc);
        tap_ok(rc == 0 && v == 2, "a no-break space (U+00A0) around a number is trimmed");
        tap_is_int(conv_result(&V, "\xC2\xA0合格", 8), CWSH_PASS, "and around a word");
    }
    tap_is_int(conv_result(&V, "好", 3), -1, "unknown word");
    tap_is_int(conv_result(&V, "", 0), -1, "empty");

    int rc;
    double v = num("1.5", &rc);
    tap_ok(rc == 0 && v == 1.5, "1.5");
    v = num("１．５", &rc);
    tap_ok(rc == 0 && v == 1.5, "full-width 1.5");
    v = num("１２", &rc);
    tap_ok(rc == 0 && v == 12, "full-width 12");
    v = num("0.1", &rc);
    tap_ok(rc == 0 && v == 0.1, "0.1 is the nearest double");
    v = num("-2", &rc);
    tap_ok(rc == 0 && v == -2, "negative");
    v = num(" 3 ", &rc);
    tap_ok(rc == 0 && v == 3, "spaces");
    num("", &rc);
    tap_is_int(rc, 1, "empty is absent");
    num("   ", &rc);
    tap_is_int(rc, 1, "blank is absent");
    num("1.2.3", &rc);
    tap_is_int(rc, -1, "two points");
    num("abc", &rc);
    tap_is_int(rc, -1, "letters");
    num(".", &rc);
    tap_is_int(rc, -1, "a point alone");
    num("3处", &rc);
    tap_is_int(rc, -1, "number with a unit");
    {   /* 400 nines overflow a double: refused, not stored as inf */
        char big[420];
        memset(big, '9', 400);
        strcpy(big + 400, ".5");
        num(big, &rc);
        tap_is_int(rc, -1, "a number too large for a double");
    }

    tap_is(conv_kind(&V, "自查", 6), "自查", "自查");
    tap_is(conv_kind(&V, "督察", 6), "督查", "督察 spelling");
    tap_is(conv_kind(&V, "全面督查", 12), "全面督查", "全面督查");
    tap_is(conv_kind(&V, "Covert", 6), "暗访", "English, any case");
    tap_is(conv_kind(&V, "抽查", 6), NULL, "unknown kind");
    tap_is(V.kind_list, "自查, 督查, 全面督查, 暗访, 考核", "kinds listed for messages");
    tap_is(V.result_list, "合格, 不合格, 不适用 (pass, fail, na)", "results listed for messages");

    /* the words and forms are the vocabulary's, not the converters' */
    cwsh_term kinds[] = { { "复查", DF_LIST("recheck"), 2 } };
    cwsh_domain d = df_domain;
    d.nkinds = 1;
    d.kinds = kinds;
    d.results[CWSH_FAIL].aliases = DF_LIST("待整改");
    d.dates = DF_LIST("D.M.Y");
    cvoc W;
    tap_is_int(cvoc_build(&W, &d), 0, "another vocabulary compiles");
    tap_is(conv_kind(&W, "复查", 6), "复查", "a kind of its own");
    tap_is(conv_kind(&W, "RECHECK", 7), "复查", "its alias, any case");
    tap_is(conv_kind(&W, "督查", 6), NULL, "a kind it does not have");
    tap_is_int(conv_result(&W, "待整改", 9), CWSH_FAIL, "an alias it adds");
    tap_is_int(conv_result(&W, "fail", 4), -1, "an alias it does not have");
    tap_is_int(conv_result(&W, "不合格", 9), CWSH_FAIL, "the name itself");
    char out[11];
    tap_is(conv_date(&W, "5.1.2027", 8, out) == 0 ? out : "invalid", "2027-01-05", "a form of its own");
    tap_is(conv_date(&W, "2027-01-05", 10, out) == 0 ? out : "invalid", "invalid", "a form it does not have");
    tap_is(W.kind_list, "复查", "its kinds listed");
    cvoc_free(&W);
    cvoc_free(&V);
    return tap_done();
}
