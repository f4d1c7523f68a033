/*
 * words.h — split a command line into shell-style words: blanks separate,
 * 'single quotes' keep text as is, "double quotes" allow \" and \\; a word
 * that starts with an unquoted ~ followed by / (or ~ alone) starts with
 * $HOME instead, as in a shell ('~/x' and "~/x" keep the ~).
 * The result is one malloc'd block: an array of n pointers followed by the
 * strings; free it with free().
 */
#ifndef WORDS_H
#define WORDS_H
/* Returns NULL with *err set (static string) on an unterminated quote or
 * when memory runs out. */
char **words_split(const char *line, int *n, const char **err);
#endif
