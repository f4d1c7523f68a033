/* core_utf8.c — display width, validation and fitting of UTF-8 text. */
#include <string.h>
#include "tap.h"
#include "utf8.h"

static int W(const char *s) { return utf8_width(s, strlen(s)); }
static size_t V(const char *s) { return utf8_valid_prefix(s, strlen(s)); }

static void test_width(void)
{
    tap_is_int(W(""), 0, "width: empty");
    tap_is_int(W("score"), 5, "width: ascii");
    tap_is_int(W("解放市场"), 8, "width: CJK ideographs count 2");
    tap_is_int(W("，。（）：、"), 12, "width: CJK punctuation and fullwidth forms count 2");
    tap_is_int(W("\xE3\x80\x80"), 2, "width: ideographic space U+3000");
    tap_is_int(W("Ａ１"), 4, "width: fullwidth latin and digits");
    tap_is_int(W("ｱｲ"), 2, "width: halfwidth katakana count 1");
    tap_is_int(W("한국"), 4, "width: Hangul syllables");
    tap_is_int(W("かな"), 4, "width: kana");
    tap_is_int(W("😀✅"), 4, "width: emoji presentation");
    tap_is_int(W("𠀀"), 2, "width: CJK extension B (plane 2)");
    tap_is_int(W("e\xCC\x81"), 1, "width: e + combining acute U+0301");
    tap_is_int(W("x\xE2\x83\x90\xEF\xB8\xA0"), 1, "width: combining U+20D0 and U+FE20 are 0");
    tap_is_int(W("a\xE2\x80\x8B" "b\xE2\x80\x8D" "c\xE2\x81\xA0"), 3, "width: ZWSP, ZWJ, word joiner are 0");
    tap_is_int(W("\xEF\xBB\xBF" "ab"), 2, "width: BOM U+FEFF is 0");
    tap_is_int(W("a\x01\x1F\x7F" "b"), 2, "width: control characters are 0");
    tap_is_int(W("\xC2\x85"), 0, "width: C1 control is 0");
    tap_is_int(W("\xFF\xFE"), 2, "width: invalid bytes count 1 each");
    tap_is_int(W("中\xE4\xB8"), 4, "width: truncated sequence counts 1 per byte");
    tap_is_int(W("\xC0\xAF"), 2, "width: overlong form is two invalid bytes");
    tap_is_int(W("αβγ─│"), 5, "width: Greek and box drawing count 1");
    tap_is_int(W("\xC2\xAD"), 1, "width: soft hyphen counts 1");
}

static void test_cp_width(void)
{
    static const struct { int32_t cp; int w; } t[] = {
        { 0x20, 1 }, { 0x7E, 1 }, { 0x7F, 0 }, { 0xA0, 1 },
        { 0x2FF, 1 }, { 0x300, 0 }, { 0x36F, 0 }, { 0x370, 1 },
        { 0x10FF, 1 }, { 0x1100, 2 }, { 0x115F, 2 }, { 0x1160, 0 }, { 0x11FF, 0 }, { 0x1200, 1 },
        { 0x200A, 1 }, { 0x200B, 0 }, { 0x200F, 0 }, { 0x2010, 1 }, { 0x2060, 0 },
        { 0x2E7F, 1 }, { 0x2E80, 2 }, { 0x3000, 2 }, { 0x302A, 0 }, { 0x303E, 2 }, { 0x303F, 1 },
        { 0x4E00, 2 }, { 0x9FFF, 2 }, { 0xA4D0, 1 }, { 0xAC00, 2 }, { 0xD7A3, 2 }, { 0xD7A4, 1 },
        { 0xF900, 2 }, { 0xFE0F, 0 }, { 0xFE30, 2 }, { 0xFEFF, 0 },
        { 0xFF00, 1 }, { 0xFF01, 2 }, { 0xFF60, 2 }, { 0xFF61, 1 }, { 0xFFE0, 2 }, { 0xFFE6, 2 }, { 0xFFE7, 1 },
        { 0x1F300, 2 }, { 0x1F600, 2 }, { 0x1F64F, 2 }, { 0x1F650, 1 },
        { 0x20000, 2 }, { 0x2FFFD, 2 }, { 0x3FFFD, 2 }, { 0x3FFFE, 1 }, { 0xE0001, 0 }, { 0x10FFFF, 1 },
        { -1, 1 },
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (utf8_cp_width(t[i].cp) != t[i].w) {
            printf("# U+%04X: got %d, expected %d\n", (unsigned)t[i].cp, utf8_cp_width(t[i].cp), t[i].w);
            bad++;
        }
    tap_ok(bad == 0, "cp_width: table boundaries");
}

static void test_decode(void)
{
    int32_t cp;
    tap_is_int((long long)utf8_decode("A", 1, &cp), 1, "decode: ascii length");
    tap_is_int(cp, 'A', "decode: ascii value");
    tap_is_int((long long)utf8_decode("中", 3, &cp), 3, "decode: 3-byte length");
    tap_is_int(cp, 0x4E2D, "decode: 3-byte value");
    tap_is_int((long long)utf8_decode("😀", 4, &cp), 4, "decode: 4-byte length");
    tap_is_int(cp, 0x1F600, "decode: 4-byte value");
    tap_is_int((long long)utf8_decode("中", 2, &cp), 1, "decode: cut off by n is one invalid byte");
    tap_is_int(cp, -1, "decode: cut off gives -1");
    tap_is_int((long long)utf8_decode("\xED\xA0\x80", 3, &cp), 1, "decode: surrogate is invalid");
    tap_is_int(cp, -1, "decode: surrogate gives -1");
}

static void test_valid_prefix(void)
{
    tap_is_int((long long)V("abc"), 3, "valid_prefix: ascii");
    tap_is_int((long long)V("解放市场"), 12, "valid_prefix: all valid");
    tap_is_int((long long)V("ab\xFF" "cd"), 2, "valid_prefix: stops at 0xFF");
    tap_is_int((long long)V("中\xE4\xB8"), 3, "valid_prefix: truncated sequence at the end");
    tap_is_int((long long)V("a\xC0\xAF"), 1, "valid_prefix: overlong '/'");
    tap_is_int((long long)V("\xED\xA0\x80"), 0, "valid_prefix: UTF-16 surrogate");
    tap_is_int((long long)V("\xF4\x90\x80\x80"), 0, "valid_prefix: above U+10FFFF");
    tap_is_int((long long)V("x😀y"), 6, "valid_prefix: 4-byte sequence");
    tap_is_int((long long)V("\xD6\xD0\xB9\xFA"), 0, "valid_prefix: GB18030 '中国' is not UTF-8");
    tap_is_int((long long)utf8_valid_prefix("a\0b", 3), 3, "valid_prefix: NUL is valid");
}

static void test_fit(void)
{
    int w = -1;
    const char *s = "解放市场";
    tap_is_int((long long)utf8_fit(s, strlen(s), 5, &w), 6, "fit: never splits a wide character");
    tap_is_int(w, 4, "fit: width of the prefix");
    tap_is_int((long long)utf8_fit(s, strlen(s), 8, &w), 12, "fit: exact fit takes all");
    tap_is_int(w, 8, "fit: exact width");
    tap_is_int((long long)utf8_fit("ab", 2, 10, NULL), 2, "fit: shorter text, width NULL");
    s = "e\xCC\x81x";
    tap_is_int((long long)utf8_fit(s, strlen(s), 1, &w), 3, "fit: keeps the combining mark");
    tap_is_int(w, 1, "fit: combining mark adds nothing");
    tap_is_int((long long)utf8_fit("abc", 3, 0, &w), 0, "fit: zero columns");
    char buf[32];
    s = "ABC解放市场";
    size_t n = utf8_fit(s, strlen(s), 6, &w);
    snprintf(buf, sizeof buf, "%.*s|%d", (int)n, s, w);
    tap_is(buf, "ABC解|5", "fit: mixed narrow and wide text truncated to 6 columns");
}

int main(void)
{
    test_width();
    test_cp_width();
    test_decode();
    test_valid_prefix();
    test_fit();
    return tap_done();
}
