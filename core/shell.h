/*
 * shell.h — turning input into work.  One input line is a dot-command, a
 * registered command, SQL (continued until a complete statement), or Lua
 * (`= expr`, or `lua` opening a block that continues while incomplete).
 * Scripts, -c arguments and the interactive prompt share this path.
 */
#ifndef SHELL_H
#define SHELL_H
#include <stdio.h>
#include "session.h"

/* Feed one line.  Returns 0, or -1 when the session should stop (.quit,
 * or a failure under -bail). */
int shell_line(session *s, const char *line);
/* End of input: run or report what is pending (unterminated SQL). */
int shell_flush(session *s);
/* Run a script file to its end (or to .quit / a -bail failure). */
int shell_file(session *s, FILE *f, const char *name);
/* The readline loop. */
int shell_interactive(session *s);
/* Run one command line given on the command line: with -c (errors say
 * "-c:N:"), or as arguments after DB (shell_args: errors say "cwsh:",
 * since no -c was typed). */
int shell_command(session *s, const char *text);
int shell_args_command(session *s, const char *text);
extern const char shell_args[];
/* Run a registered command by name with words (used by dot.c for .read). */
int shell_run_words(session *s, int n, char **w, const char *rest);
/* What the pending multi-line input is ("sql", "lua"), or NULL when the
 * next line starts afresh (for completion). */
const char *shell_pending(void);
/* True while a script stops for a Ctrl-C (for .read's message). */
int shell_interrupted(void);
/* Set by .quit */
extern int shell_quit;
#endif
