/*
 * session.h — the state of one cwsh session, shared by the core's files.
 *
 * There is exactly one session per process (the SIGINT handler needs to
 * find it), reachable as `session_current`.  The session owns the
 * lua_State, the plugin list, the output stream and the settings that the
 * dot-commands change.  Plugins never see this struct: they get cwsh_host.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdio.h>
#include <signal.h>
#include "cwsh.h"
#include "render.h"

typedef struct plugin_list plugin_list;
typedef struct document document;

#define SESSION_MAX_SOURCES 8
#define SESSION_MAX_FORMATS 8

typedef struct session {
    cwsh_host host;              /* first member: host* == session* */
    lua_State *L;

    /* where things live (owned strings) */
    char *exe_dir, *lua_dir, *rules_dir, *plugins_dir, *db_path;
    char *history_path;

    /* settings changed by options and dot-commands */
    render_config render;
    int timer, bail, batch, interactive, echo;
    FILE *out;                   /* stdout or a .output/.once file */
    int out_once;                /* close `out` after the next command */
    char *out_path;              /* the file `out` writes, or NULL for stdout */
    int out_errno;               /* why a write of `out` failed (host.c), 0: none */
    /* CSV for Excel (outenc.h): a BOM before the first result set of an
     * output; result sets converted to csv_encoding ("" = UTF-8) */
    int csv_bom, bom_option;     /* bom_option: --bom on the command line */
    char csv_encoding[40];
    int out_started, stdout_started;   /* a result set went to the file / stdout */

    /* limits (set them through luahost_set_limit) */
    long long max_instructions;  /* per command; 0 = none */
    size_t max_memory;           /* bytes for the whole lua_State; 0 = none */
    long long max_seconds;       /* wall-clock seconds per command; 0 = none */
    size_t lua_mem;              /* bytes allocated now (luahost.c) */
    /* the limits in force while Lua runs (luahost.c) */
    long long budget_left;       /* instructions left in this command */
    long long budget_size;       /* the budget in force, for messages */
    int budget_over;             /* budget exhausted: keep raising */
    double deadline;             /* CLOCK_MONOTONIC time to stop at; 0 = none */
    double deadline_seconds;     /* the time limit in force, for messages */
    double cpu_deadline;         /* CPU time of the Lua thread to stop at; 0 = none */
    double cpu_seconds;          /* that limit, for messages */
    double cpu_check_at;         /* CLOCK_MONOTONIC time before which it cannot pass */
    int time_over;               /* a deadline passed (which: luahost.c): keep raising */
    double time_over_at;         /* when it was found passed */
    double over_seconds;         /* the limit that passed, for messages */
    int time_raising;            /* the hook builds the stop's message */
    int mem_over;                /* memory refused under limits: keep raising */
    unsigned alloc_tick;         /* allocations since the last clock check */
    int trusted;                 /* running trusted core Lua (init.lua) */

    cwsh_store *store;
    const cwsh_source *sources[SESSION_MAX_SOURCES];    /* source.c */
    int nsources;
    const cwsh_format *formats[SESSION_MAX_FORMATS];    /* document.c */
    int nformats;
    plugin_list *plugins;

    /* who registered what (host.c): the name of the plugin whose init is
     * running, NULL while the core registers its own; the owners of the
     * store, sources and formats (the same names, NULL for the core) */
    const char *loading;
    char *reg_error;             /* the registrations the running init had refused */
    const char *store_owner;
    const char *source_owner[SESSION_MAX_SOURCES];
    const char *format_owner[SESSION_MAX_FORMATS];

    /* the running command */
    volatile sig_atomic_t interrupted;
    volatile sig_atomic_t running;
    int failed;                  /* some command failed (exit code 1) */
    const char *title;           /* the statement or command running (shell.c), for
                                  * the titles of a document's result sets */
    document *document;          /* open by .document (document.c), or NULL */
    long long loaded_import;     /* the import the store committed (host->loaded), 0: none */
    const char *src_name;        /* script name for error messages */
    int src_line;
} session;

extern session *session_current;

/* Print an error for people: "FILE:LINE: msg" when reading a script,
 * "error: msg" at the interactive prompt.  Flushes the output first so
 * stdout and stderr interleave in order. */
void session_error(session *s, const char *msg);

/* Redirect output; path NULL restores stdout.  The file being left is
 * closed and checked: a write of it that failed (a full disk) or a failed
 * fclose is an error, as is a file that cannot be opened (the output is
 * then stdout).  Returns 0, or -1 with *err a malloc'd message (NULL
 * without memory for one); the caller frees *err. */
int session_set_output(session *s, const char *path, int once, char **err);
/* After each command: flush the output; a write that failed is said
 * (`cannot write 'FILE': ...`, for stdout `cannot write the output: ...`;
 * not EPIPE, a reader that went away) and returns -1, so that the command
 * fails.  Ends a .once. */
int session_after_command(session *s);
/* At exit: close a .output file and flush stdout, as above; -1 when a
 * write failed (said). */
int session_end_output(session *s);

#endif
