/*
 * csv_conv.c — value converters (see csv_conv.h).
 */
#include <math.h>
#include <string.h>
#include <strings.h>
#include "cwsh.h"
#include "csv_conv.h"

void conv_trim(const char **sp, size_t *np)
{
    const unsigned char *s = (const unsigned char *)*sp;
    size_t n = *np;
    /* most cells need nothing: look at both ends first */
    if (n == 0 || ((s[0] != ' ' && s[0] != '\t' && s[0] != 0xE3) &&
                   (s[n - 1] != ' ' && s[n - 1] != '\t' && s[n - 1] != 0x80)))
        return;
    for (;;) {
        if (n && (s[0] == ' ' || s[0] == '\t')) { s++; n--; continue; }
        if (n >= 3 && s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) { s += 3; n -= 3; continue; }
        break;
    }
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) { n--; continue; }
        if (n >= 3 && s[n - 3] == 0xE3 && s[n - 2] == 0x80 && s[n - 1] == 0x80) { n -= 3; continue; }
        break;
    }
    *sp = (const char *)s;
    *np = n;
}

/* Digit at s[*i] (ASCII or full-width U+FF10..FF19): value and advance, or -1. */
static int digit(const unsigned char *s, size_t n, size_t *i)
{
    if (*i < n && s[*i] >= '0' && s[*i] <= '9') return s[(*i)++] - '0';
    if (*i + 2 < n + 0 && s[*i] == 0xEF && s[*i + 1] == 0xBC && s[*i + 2] >= 0x90 && s[*i + 2] <= 0x99) {
        int d = s[*i + 2] - 0x90;
        *i += 3;
        return d;
    }
    return -1;
}

/* Up to `max` digits into *v; number of digits read. */
static int digits(const unsigned char *s, size_t n, size_t *i, int max, int *v)
{
    int k = 0, d;
    *v = 0;
    while (k < max) {
        size_t save = *i;
        if ((d = digit(s, n, i)) < 0) { *i = save; break; }
        *v = *v * 10 + d;
        k++;
    }
    return k;
}

static int lit(const unsigned char *s, size_t n, size_t *i, const char *w)
{
    size_t k = strlen(w);
    if (*i + k <= n && memcmp(s + *i, w, k) == 0) { *i += k; return 1; }
    return 0;
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid_ymd(int y, int m, int d)
{
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1) return 0;
    int md = mdays[m - 1] + (m == 2 && leap(y));
    return d <= md;
}

/* An optional time after the date: " H:MM" or " H:MM:SS". */
static int time_tail(const unsigned char *s, size_t n, size_t i)
{
    if (i == n) return 1;
    if (s[i] != ' ' && s[i] != 'T') return 0;
    i++;
    int v;
    if (!digits(s, n, &i, 2, &v) || v > 23 || !lit(s, n, &i, ":")) return 0;
    if (digits(s, n, &i, 2, &v) != 2 || v > 59) return 0;
    if (lit(s, n, &i, ":") && (digits(s, n, &i, 2, &v) != 2 || v > 59)) return 0;
    return i == n;
}

int conv_date(const char *str, size_t n, char out[11])
{
    conv_trim(&str, &n);
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    int y, m, d, k;
    k = digits(s, n, &i, 8, &y);
    if (k == 8) {                                   /* 20270105 */
        d = y % 100; m = y / 100 % 100; y /= 10000;
        if (!time_tail(s, n, i)) return -1;
    } else if (k == 4) {
        const char *sep2;
        if (lit(s, n, &i, "-")) sep2 = "-";
        else if (lit(s, n, &i, "/")) sep2 = "/";
        else if (lit(s, n, &i, ".")) sep2 = ".";
        else if (lit(s, n, &i, "\xEF\xBC\x8E")) sep2 = "\xEF\xBC\x8E";   /* ． */
        else if (lit(s, n, &i, "年")) sep2 = "月";
        else return -1;
        if (!digits(s, n, &i, 2, &m) || !lit(s, n, &i, sep2)) return -1;
        if (!digits(s, n, &i, 2, &d)) return -1;
        if (strcmp(sep2, "月") == 0) {
            if (!lit(s, n, &i, "日") && !lit(s, n, &i, "号")) return -1;
        }
        if (!time_tail(s, n, i)) return -1;
    } else {
        return -1;
    }
    if (!valid_ymd(y, m, d)) return -1;
    out[0] = (char)('0' + y / 1000); out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10); out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10); out[6] = (char)('0' + m % 10);
    out[7] = '-';
    out[8] = (char)('0' + d / 10); out[9] = (char)('0' + d % 10);
    out[10] = 0;
    return 0;
}

typedef struct word { const char *w; int v; } word;

static int lookup(const word *t, const char *s, size_t n)
{
    for (int i = 0; t[i].w; i++)
        if (strlen(t[i].w) == n && strncasecmp(t[i].w, s, n) == 0) return t[i].v;
    return -1;
}

int conv_result(const char *s, size_t n)
{
    static const word t[] = {
        { "合格", CWSH_PASS }, { "pass", CWSH_PASS }, { "passed", CWSH_PASS },
        { "ok", CWSH_PASS }, { "是", CWSH_PASS }, { "✓", CWSH_PASS },
        { "√", CWSH_PASS }, { "✔", CWSH_PASS }, { "符合", CWSH_PASS }, { "通过", CWSH_PASS },
        { "不合格", CWSH_FAIL }, { "fail", CWSH_FAIL }, { "failed", CWSH_FAIL },
        { "否", CWSH_FAIL }, { "×", CWSH_FAIL }, { "✗", CWSH_FAIL }, { "✘", CWSH_FAIL },
        { "x", CWSH_FAIL }, { "不符合", CWSH_FAIL },
        { "不适用", CWSH_NA }, { "na", CWSH_NA }, { "n/a", CWSH_NA },
        { "无此项", CWSH_NA }, { "/", CWSH_NA }, { "—", CWSH_NA }, { "-", CWSH_NA },
        { NULL, 0 }
    };
    conv_trim(&s, &n);
    return lookup(t, s, n);
}

int conv_number(const char *str, size_t n, double *out)
{
    conv_trim(&str, &n);
    if (n == 0) return 1;
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    int neg = 0, any = 0;
    if (lit(s, n, &i, "-") || lit(s, n, &i, "\xEF\xBC\x8D")) neg = 1;       /* － */
    else if (lit(s, n, &i, "+") || lit(s, n, &i, "\xEF\xBC\x8B")) neg = 0;  /* ＋ */
    /* integer mantissa and a power of ten, so "0.1" is the nearest double */
    double v = 0, div = 1;
    int frac = 0;
    while (i < n) {
        int d = digit(s, n, &i);
        if (d >= 0) {
            any = 1;
            v = v * 10 + d;
            if (frac) div *= 10;
            continue;
        }
        if (!frac && (lit(s, n, &i, ".") || lit(s, n, &i, "\xEF\xBC\x8E"))) {
            frac = 1;
            continue;
        }
        return -1;
    }
    if (!any) return -1;
    v /= div;
    /* hundreds of digits overflow to inf (or inf/inf = NaN): not a
     * number any sheet means; found by tests/fuzz/fuzz_conv.c */
    if (!isfinite(v)) return -1;
    *out = neg ? -v : v;
    return 0;
}

const char *conv_kind(const char *s, size_t n)
{
    static const char *const names[] = { "自查", "督查", "全面督查", "暗访", "考核" };
    static const word t[] = {
        { "自查", 0 }, { "self", 0 }, { "self-check", 0 },
        { "督查", 1 }, { "督察", 1 }, { "supervision", 1 },
        { "全面督查", 2 }, { "全面督察", 2 }, { "full", 2 }, { "comprehensive", 2 },
        { "暗访", 3 }, { "covert", 3 }, { "unannounced", 3 },
        { "考核", 4 }, { "assessment", 4 },
        { NULL, 0 }
    };
    conv_trim(&s, &n);
    int k = lookup(t, s, n);
    return k < 0 ? NULL : names[k];
}
