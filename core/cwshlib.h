/*
 * cwshlib.h — the `cwsh` Lua module: command registry and the primitives
 * core Lua is written over (print, render, listdir, hash, ...).
 *
 * Commands live in the registry table "cwsh.commands" (also cwsh.commands):
 * name -> { name, usage, help, run, complete, c, owner }.  `c` is true for
 * commands written in C, whose run receives the words as string arguments;
 * Lua commands receive one table of words (with .line, the raw text).
 * `owner` names the plugin that registered the command (host.c); the
 * core's commands have none.
 */
#ifndef CWSHLIB_H
#define CWSHLIB_H
#include "session.h"

void cwshlib_open(session *s);                    /* sets global cwsh */

/* Register a command from C (host->register_command). */
void cwshlib_register_c(session *s, const char *name, const char *usage,
                        const char *help, lua_CFunction fn);

/* Push the command table for `name`, or nil.  [-0, +1] */
int cwshlib_push_command(lua_State *L, const char *name);

/* Render the result set at `idx` (a table with columns and rows, or a
 * store's cursor in place of the rows (cwsh.h's cwsh_cursor), optional
 * formats and title) into the current output (and an open document); in
 * a data mode its `keys` (when given) name the columns instead of
 * `columns`; its `done`, a function, is called with the number of rows
 * shown after them.  0 or -1 (not a result set, a bad format, the
 * cursor's or done's error; message pushed). */
int cwshlib_render(session *s, int idx);

/* The same result set into any sink: columns(), row()..., end(); nothing
 * when it is refused (-1, message pushed).  keys: the columns named by
 * the set's `keys` (identifiers, as the data modes show them), else by
 * its `columns` (as people read them: a document written to a file). */
int cwshlib_feed(session *s, int idx, cwsh_sink *k, int keys);

/* Whether the output mode is csv, tsv or json: a data mode, whose stdout
 * carries result sets only (text for people goes to stderr). */
int cwshlib_data_mode(const session *s);

/* Where text for people goes: the output, or in a data mode stderr (the
 * output flushed first, so the two stay in order). */
FILE *cwshlib_text_out(session *s);

/* Print the value(s) a command or `= expr` returned: strings as they are,
 * result sets rendered, other values through tostring; in a data mode
 * strings go to stderr. */
void cwshlib_show(session *s, int idx);
#endif
