/*
 * utf8.h — UTF-8 decoding and display width, independent of the locale.
 *
 * Owned by the render helper.  Aligned output (box, table, markdown, line)
 * must line Chinese up the same way whatever LANG says, so widths come from
 * our own tables (Unicode 14 East Asian Width and general categories), never
 * from wcwidth():
 *   2  East Asian Wide and Fullwidth: CJK ideographs, Hangul, kana,
 *      fullwidth forms, CJK punctuation such as '，' '。' '（', emoji
 *      presentation characters;
 *   0  combining marks (Mn, Me), format characters (Cf, e.g. U+200B-200F,
 *      U+2060, U+FEFF; not the soft hyphen), Hangul medial/final jamo,
 *      C0/C1 control characters and DEL;
 *   1  everything else, and each byte that is not part of valid UTF-8;
 *      East Asian Ambiguous characters (× ° … “ ” ① ■ Greek, Cyrillic)
 *      count 1, as terminals draw them unless told otherwise.
 *
 * Strings are (pointer, length) pairs and need not be NUL-terminated.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode the character at s[0..n).  Returns the bytes it takes (1-4) and
 * stores the code point in *cp, or returns 1 and stores -1 when s[0] does
 * not start a valid sequence (overlong forms, surrogates and values above
 * U+10FFFF are invalid).  n must be > 0. */
size_t utf8_decode(const char *s, size_t n, int32_t *cp);

/* Display columns of one code point (0, 1 or 2); -1 (invalid) counts 1. */
int utf8_cp_width(int32_t cp);

/* Display columns of s[0..n). */
int utf8_width(const char *s, size_t n);

/* Length in bytes of the longest valid UTF-8 prefix of s[0..n); equals n
 * when all of it is valid.  A sequence cut off by the end counts as
 * invalid, so the result is where a reader should report the error. */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Length in bytes of the longest prefix of s[0..n) that fits in `cols`
 * display columns, never splitting a character and keeping the combining
 * marks that follow the last character kept.  *width (may be NULL) gets the
 * prefix's display width.  For truncating a cell to a column. */
size_t utf8_fit(const char *s, size_t n, int cols, int *width);

#endif
