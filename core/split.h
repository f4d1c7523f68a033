/*
 * split.h — the shell's input splitter, kept pure (no readline, no Lua, no
 * store) so that a fuzz target can drive it (tests/fuzz/fuzz_split.c).
 *
 * A fresh input line is blank or a comment, a dot-command or registered
 * command, a Lua expression (`= expr`), a Lua block (`lua ...`), or SQL.
 * SQL text is cut into statements at the first ';' that completes one;
 * whether a statement is complete is the store's call (sqlite3_complete
 * knows quotes, comments and triggers), so it is passed in.
 *
 * All pointers returned point into the caller's text; nothing is
 * allocated.
 */
#ifndef SPLIT_H
#define SPLIT_H
#include <stddef.h>

enum { SPLIT_BLANK, SPLIT_COMMAND, SPLIT_EXPR, SPLIT_LUA, SPLIT_SQL };

/* Says whether the word name[0..n) names a registered command. */
typedef int split_is_command(void *ctx, const char *name, size_t n);
/* Says whether the NUL-terminated SQL text is a complete statement. */
typedef int split_complete(void *ctx, const char *sql);

/* The kind of a fresh line (SPLIT_*).  *body: SPLIT_COMMAND and SPLIT_SQL,
 * the line without its leading blanks; SPLIT_EXPR, the text after '=';
 * SPLIT_LUA, the code after "lua" and blanks (may be empty); SPLIT_BLANK,
 * NULL.  is_command may be NULL (no registered commands). */
int split_line(const char *line, const char **body, split_is_command *is_command, void *ctx);

/* A command's arguments as one string: the text after its first word and
 * the blanks that follow it. */
const char *split_rest(const char *line);

/* The next SQL statement of text at p: blanks and SQL comments skipped,
 * then up to and including the first ';' after which complete() says yes
 * (or to the end of the text).  Returns the statement's start and sets
 * *end past it, or returns NULL when only blanks and comments remain.
 * text must be writable: a NUL is put after each candidate ';' for
 * complete() and taken away again, so the text is as before on return. */
char *split_sql_next(char *p, char **end, split_complete *complete, void *ctx);

/* How many '\n' lie in [p, end). */
int split_newlines(const char *p, const char *end);
#endif
