/*
 * cwsh.h — the contract between the cwsh core and its plugins.
 *
 * A plugin is a shared object exporting one symbol, `cwsh_plugin_entry`,
 * returning a static `cwsh_plugin`.
 *
 * Layout.  The host refuses a plugin whose `abi` differs from CWSH_ABI,
 * or whose `size` is not sizeof(cwsh_plugin) of this header; a store,
 * source or format whose `size` is not the sizeof of this header's struct
 * is refused the same way, and so the plugin: the host never calls
 * through a slot of a layout it was not built for.  `abi` stays the first
 * member of cwsh_plugin and cwsh_host and `size` the first of every
 * registered struct, so these checks read the same bytes in every layout.
 * CWSH_ABI goes up with every change of a struct's layout, with one
 * exception: a slot appended at the end of cwsh_host, which plugins built
 * before it never reach and plugins built after it test with
 * CWSH_HOST_HAS before calling (the core's host may be older).
 *
 * Plugins never call each other: a source (CSV) reaches the store
 * (SQLite) only through host->store().
 *
 * Threads.  The core runs on one thread, the main thread, and calls the
 * plugins there.  A plugin may run its own threads (the csv source parses
 * on one while the main thread feeds the store); from such a thread it
 * may call only host->progress, host->errorf, host->noticef,
 * host->interrupted and host->store (the host serializes the messages),
 * and the store's own functions as the store allows.  Every other host
 * call, and any use of host->L, is for the main thread only.
 *
 * Lua errors.  No host function raises a Lua error: each returns, and the
 * failures it can have are in its return value (registrations do their
 * Lua work under lua_pcall, so even running out of memory in init is a
 * refused registration).  push_null is a Lua API call like lua_pushnil,
 * for code already running inside Lua.  Plugin functions that
 * Lua calls (commands, module functions) raise theirs with lua_error as
 * any C function of Lua does; the core catches them.  Plugin functions
 * the core calls from C (init, fini, store and format functions) must not
 * raise: they run outside any protected call.  A source's import runs
 * inside the `import` command's protected call, where any use of host->L
 * can raise (out of memory, a limit stop): it keeps what must be undone
 * (an open load) in a to-be-closed userdata, whose __close undoes it when
 * an error unwinds the import (the csv source does).
 *
 * Ownership: strings passed into host functions are borrowed for the
 * length of the call unless stated otherwise; each register_* says what
 * the host keeps.  A plugin stays mapped until the lua_State is closed,
 * so C functions it handed to Lua stay valid as long as Lua can call
 * them.
 *
 * Errors: functions called from C return 0 on success and -1 on failure,
 * with a malloc'd message in *err (the caller frees it).
 */
#ifndef CWSH_H
#define CWSH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <lua.h>

/* 1: the first layout.  2: `size` in cwsh_plugin, cwsh_host, cwsh_store
 * and cwsh_source; register_* return int; register_format.  3:
 * cwsh_store.server; host->db_path is host->database, a connection
 * string; `deadline` in cwsh_inspection.  4: cwsh_store.market_added. */
#define CWSH_ABI 4

/* ---------------------------------------------------------------- values */

enum cwsh_type { CWSH_NULL = 0, CWSH_INT, CWSH_REAL, CWSH_TEXT };

/* One cell of a result set.  `s` is borrowed; it need not be
 * NUL-terminated: `n` is its length in bytes (UTF-8).  For CWSH_INT and
 * CWSH_REAL, `s` may be set to the number already formatted (e.g. "88.0"
 * for a score shown with one decimal); renderers then print `s` as it is
 * but still treat the cell as a number (right-aligned, unquoted in JSON). */
typedef struct cwsh_value {
    int type;
    long long i;
    double r;
    const char *s;
    size_t n;
} cwsh_value;

/* A consumer of one result set: columns() once, row() per row, end() once.
 * Values are borrowed for the call.  The renderer is a sink; so is anything
 * that wants rows (tests, exporters).  row() returns non-zero to ask the
 * producer to stop early (e.g. output closed). */
typedef struct cwsh_sink cwsh_sink;
struct cwsh_sink {
    void (*columns)(cwsh_sink *k, int n, const char *const *names);
    int  (*row)(cwsh_sink *k, int n, const cwsh_value *v);
    void (*end)(cwsh_sink *k);
};

/* A result set's rows from a store's statement as it steps, with no Lua
 * value made per cell (db.cursor): the Lua table has `columns` and, in
 * place of `rows`, `cursor`, a full userdata whose metatable's
 * "__cwsh_cursor" field is a light userdata pointing to the store's
 * (static) cwsh_cursor.  The renderer calls next() until it gives 0 or
 * -1, or the sink stops it, then close() in every case, so the statement
 * is given back (and a read transaction ended) at once, not at a GC. */
typedef struct cwsh_cursor {
    /* v[0..ncol-1] := the next row (borrowed until the next call; columns
     * the statement lacks are NULL): 1; 0 at the end; -1 with *err set to
     * the message, the cursor's until close().  Never raises. */
    int (*next)(void *ud, int ncol, cwsh_value *v, const char **err);
    void (*close)(void *ud);
} cwsh_cursor;

/* ----------------------------------------------------------------- store */

/* One inspection handed to a loader.  Dates are ISO "YYYY-MM-DD". */
typedef struct cwsh_inspection {
    const char *ext_id;     /* id in the source file, may be NULL */
    const char *date;
    int64_t market_id;      /* from loader market_find/market_add */
    const char *kind;       /* a kind's name in the vocabulary (cwsh_domain) */
    const char *inspector;  /* may be NULL */
    const char *note;       /* may be NULL */
    const char *deadline;   /* 整改期限 for the ledger: "YYYY-MM-DD" when the sheet
                             * gives a date, else its text (3天, 立行立改); may be NULL */
} cwsh_inspection;

enum cwsh_result_kind { CWSH_PASS = 1, CWSH_FAIL = 2, CWSH_NA = 3 };

/* One item result of the inspection last added. */
typedef struct cwsh_result {
    const char *item_code;  /* must be in the checklist the store mirrors */
    int result;             /* enum cwsh_result_kind */
    double deduction;       /* points lost as recorded, >= 0 */
    double count;           /* count of findings, < 0 when absent */
    const char *note;       /* may be NULL */
} cwsh_result;

typedef struct cwsh_import_info {
    const char *file;       /* as the user typed it */
    const char *hash;       /* hex content hash of the file's bytes */
    const char *mapping;    /* mapping name */
    const char *encoding;   /* detected or forced */
    int replace;            /* swap the rows of an earlier import of `hash`, else of the latest of `file` */
} cwsh_import_info;

typedef struct cwsh_loader cwsh_loader;   /* opaque, owned by the store */

/*
 * The store: SQL at the prompt and typed bulk loads.  A load is one
 * transaction from load_begin to load_end; load_end(commit=0) or a crash
 * leaves the database as it was.
 */
typedef struct cwsh_store {
    size_t size;            /* sizeof(cwsh_store) as the plugin was built */
    const char *name;
    void *self;

    /* Run every statement of `sql`, each result set into `out`. */
    int (*exec)(void *self, const char *sql, cwsh_sink *out, char **err);
    /* Non-zero when `sql` ends with a complete statement. */
    int (*complete)(void *self, const char *sql);
    /* Async-signal-safe: abort the running statement. */
    void (*interrupt)(void *self);

    /* Inspection loads.  load_begin fails with a message naming the date
     * of the earlier import when `hash` was imported before and !replace. */
    int (*load_begin)(void *self, const cwsh_import_info *info,
                      cwsh_loader **out, char **err);
    /* Market id by code, else by name or alias; 0 when unknown, -1 when
     * the name belongs to more than one market. */
    int64_t (*market_find)(cwsh_loader *ld, const char *code, const char *name);
    int64_t (*market_add)(cwsh_loader *ld, const char *code, const char *name,
                          const char *unit, char **err);
    int (*inspection)(cwsh_loader *ld, const cwsh_inspection *in, char **err);
    int (*result)(cwsh_loader *ld, const cwsh_result *r, char **err);
    /* Record row counts, then commit or roll back; frees ld. */
    int (*load_end)(cwsh_loader *ld, int commit, long rows_ok, long rows_bad,
                    char **err);

    /* Generic table loads (.import FILE TABLE): create TABLE from `names`
     * when missing, then append rows; one transaction. */
    int (*table_begin)(void *self, const char *table, int n,
                       const char *const *names, cwsh_loader **out, char **err);
    int (*table_row)(cwsh_loader *ld, int n, const cwsh_value *v, char **err);
    int (*table_end)(cwsh_loader *ld, int commit, char **err);

    /* The inspections the database holds when a load begins, for the
     * importer's duplicate check: fn(arg, market id, date, kind,
     * inspector or NULL, the sheet's id or NULL, label of their import)
     * for each, stopping when
     * fn returns non-zero: then that value; else 0, or -1 with *err.
     * NULL in a store that cannot tell. */
    int (*inspections_each)(cwsh_loader *ld,
                            int (*fn)(void *arg, int64_t market, const char *date,
                                      const char *kind, const char *inspector,
                                      const char *ext_id, const char *label),
                            void *arg, char **err);

    /* Open the database (host->database, created and migrated as needed).
     * The core calls it once, right after loading the plugins and before
     * anything else uses the store; a failure ends cwsh, because a shell
     * without its database is not what the user asked for.  0, or -1
     * with *err.  NULL in a store with nothing to open. */
    int (*open)(void *self, char **err);

    /* 0: embedded (the store opens a file in this process: SQLite);
     * 1: a server the connection string names (PostgreSQL). */
    int server;

    /* After the load's last inspection, before load_end: 1 when the
     * market market_add gave under `code` is this load's own insert, 0
     * when another session put that code into the register first (the
     * load's rows go to that market; it is not this import's to report
     * as added), -1 with *err when the store failed.  NULL in a store
     * where market_add always adds (one writer at a time: SQLite). */
    int (*market_added)(cwsh_loader *ld, const char *code, char **err);
} cwsh_store;

/* ---------------------------------------------------------------- domain */

/*
 * The domain vocabulary: what the words in a sheet mean.  It lives in the
 * rules (rules/domain.lua, checked by core/lua/domain.lua) and the core
 * builds this plain-C copy of it, with the checklist, from the active
 * rules; plugins get it from host->domain() and build their own lookup
 * tables from it once per import, so no plugin spells a Chinese word and
 * no per-row code calls Lua.  Every pointer is owned by the core.
 */

/* A word and the other spellings sheets use for it.  `name` is what the
 * store keeps; aliases match as names do: ignoring ASCII case and the
 * spaces around a cell. */
typedef struct cwsh_term {
    const char *name;
    const char *const *aliases;     /* NULL-terminated, never NULL */
    double weight;                  /* kinds: weight in a period's score; else 0 */
} cwsh_term;

typedef struct cwsh_unit_kind {
    const char *name;               /* kind of the unit (unit.kind) */
    const char *suffix;             /* station names ending so; "" any name */
} cwsh_unit_kind;

typedef struct cwsh_item {
    const char *code;
    double points;                  /* the most the item can lose */
    const char *title;              /* "地面平整无积水" */
} cwsh_item;

typedef struct cwsh_domain {
    const char *rules_hash;         /* the rule set it comes from */
    int nkinds;
    const cwsh_term *kinds;         /* inspection kinds */
    cwsh_term results[4];           /* by enum cwsh_result_kind; [0] unused */
    int nunits;
    const cwsh_unit_kind *units;    /* a new station is of the first kind
                                     * whose suffix ends its name; the
                                     * last one's suffix is "" */
    const char *item_code;          /* POSIX extended regular expression: a
                                     * wide sheet's header that starts with
                                     * a match (then ends or goes on with a
                                     * space, '.', '_', '-' or non-ASCII)
                                     * names the item with that code */
    const char *const *summary;     /* NULL-terminated: cells marking a
                                     * summary row (合计) */
    const char *const *dates;       /* NULL-terminated date forms: Y a
                                     * 4-digit year, M and D 1-2 digits (2
                                     * when next to another of Y M D), any
                                     * other byte literal */
    int nitems;
    const cwsh_item *items;         /* the checklist, in declaration order */
} cwsh_domain;

/* ---------------------------------------------------------------- source */

typedef struct cwsh_host cwsh_host;

/*
 * A source: a kind of file `import` reads (the csv plugin's sheets).  The
 * core owns the `import` command: `import FILE [OPTIONS]` goes to the
 * source named by `--source NAME`, else to the one whose extensions hold
 * FILE's, else to the only one there is.  The source parses its own
 * options and feeds the store through the host.
 */
typedef struct cwsh_source {
    size_t size;                        /* sizeof(cwsh_source) as the plugin was built */
    const char *name;                   /* "csv" */
    const char *const *extensions;      /* NULL-terminated, lower case, without '.' */
    const char *options;                /* its options, for `import`'s usage line */
    const char *help;                   /* one line for `.help import` */
    /* Import `file` with the words after it (argv[0..argc), `--source`
     * removed).  0 with a malloc'd one-line summary in *summary, or -1
     * with a malloc'd message in *err. */
    int (*import)(cwsh_host *h, const char *file, int argc, const char *const *argv,
                  char **summary, char **err);
} cwsh_source;

/* ---------------------------------------------------------------- format */

/* One titled result set of a document: `ncol` columns, `nrow` rows of
 * `ncol` values each, row after row in `cells`.  The values are as the
 * screen showed them: a number whose result set had a format carries its
 * text in `s` (see cwsh_value), other numbers only `i` or `r`.  All
 * borrowed for the writer's call. */
typedef struct cwsh_table {
    const char *title;                  /* may be NULL */
    int ncol;
    const char *const *columns;
    long nrow;
    const cwsh_value *cells;            /* cells[r * ncol + c] */
} cwsh_table;

/*
 * A document format: writes several titled result sets into one file
 * (`.document` collects them; md and csv are the core's own, html or xlsx
 * can come from plugins).  The host keeps `fmt` (and its strings) until
 * after the plugin's fini; `write` is called on the main thread.
 */
typedef struct cwsh_format {
    size_t size;                        /* sizeof(cwsh_format) as the plugin was built */
    const char *name;                   /* "md" */
    const char *extension;              /* "md": files ending in .md get it; lower case, no '.' */
    const char *help;                   /* one line for `.help .document` */
    void *self;
    /* Write `n` tables, in order, as one document into `out` (opened by
     * the core in binary mode, closed by it).  0, or -1 with *err. */
    int (*write)(void *self, FILE *out, int n, const cwsh_table *tables, char **err);
} cwsh_format;

/* ------------------------------------------------------------------ host */

/*
 * Registration (register_*): only during the plugin's init.  A name
 * already registered (by another plugin or by the core), a second store
 * or a struct of another layout makes the call return -1, and the plugin
 * is refused once its init returns, with a message naming both plugins.
 * A refused plugin, whether its init failed or a registration did, leaves
 * nothing behind: the host withdraws every command, module, source,
 * format and store it registered (its fini is not called: init cleans up
 * after itself when it fails).
 */
struct cwsh_host {
    int abi;                 /* CWSH_ABI of the core */
    size_t size;             /* sizeof(cwsh_host) of the core: see CWSH_HOST_HAS */
    lua_State *L;            /* the session's one lua_State (main thread only) */
    /* The store's connection string, as the user gave it (default
     * resolved by the core): a file path, or SCHEME:REST naming the store
     * kind ("sqlite:PATH"; a server store's "postgresql://..."); a store
     * refuses, in open, a scheme that is not its own. */
    const char *database;
    const char *rules_dir;   /* active rules directory */

    /* Make a Lua module available to trusted core Lua as a global and in
     * package.loaded.  `open` is called once, like luaopen_x, in protected
     * mode: a Lua error there fails the registration.  The name is
     * copied.  0, or -1 (the name is taken, or open failed). */
    int (*register_module)(cwsh_host *h, const char *name, lua_CFunction open);

    /* Register a shell command.  `fn` is called with the command's
     * arguments as strings (shell-style words, quotes removed) and may
     * return nothing, a string (printed), or a result set table
     * { columns = {...}, rows = {{...}, ...}, formats = {[i] = "%.1f"} }
     * (a format holds exactly one numeric conversion: %d %i %f %e %g and
     * their capitals, with flags, width and precision; anything else is
     * the command's error).  A Lua error is the command's failure message.
     * Names starting with '.' are dot-commands.  name, usage and help are
     * copied.  0, or -1 when the name is taken. */
    int (*register_command)(cwsh_host *h, const char *name, const char *usage,
                            const char *help, lua_CFunction fn);

    /* The one store.  `store` (not copied) must stay valid until after
     * the plugin's fini.  0, or -1 when there is one already or its size
     * is not this header's. */
    int (*register_store)(cwsh_host *h, cwsh_store *store);
    /* A source for `import`; `src` (not copied, nor its strings) must stay
     * valid until after the plugin's fini.  0, or -1 when the name is
     * taken or its size is not this header's. */
    int (*register_source)(cwsh_host *h, const cwsh_source *src);
    /* Any thread.  NULL when none. */
    cwsh_store *(*store)(cwsh_host *h);

    /* Push the shared NULL value (db.null == cwsh.null).  Main thread. */
    void (*push_null)(lua_State *L);

    /* Progress of long work; a bar on stderr when it is a terminal.
     * total/bytes_total may be 0 when unknown.  done == -1 clears.
     * Any thread. */
    void (*progress)(cwsh_host *h, const char *what, long long done,
                     long long bytes, long long bytes_total);

    /* Messages for people, on stderr.  errorf counts as a failure of the
     * running command only when the command also fails.  Any thread. */
    void (*errorf)(cwsh_host *h, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
    void (*noticef)(cwsh_host *h, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

    /* Non-zero once Ctrl-C was pressed during the running command.
     * Any thread. */
    int (*interrupted)(cwsh_host *h);

    /* The sink that renders into the current output mode.  Main thread. */
    cwsh_sink *(*output)(cwsh_host *h);

    /* A document format (see cwsh_format).  0, or -1 when the name is
     * taken or its size is not this header's. */
    int (*register_format)(cwsh_host *h, const cwsh_format *fmt);

    /* Call Lua from a plugin (a mapping's converter) as lua_pcall does,
     * inside the running command's limits.  On failure the message is on
     * the stack, worded for people, and *stop says whether the failure
     * stops the whole command (time or memory limit, instruction budget,
     * Ctrl-C: every further call would fail alike) rather than being the
     * called code's own error.  Main thread. */
    int (*pcall)(cwsh_host *h, int nargs, int nresults, int *stop);

    /* The vocabulary and checklist of the active rules (cwsh_domain), or
     * when a rule file does not load, of the files that do (a broken
     * scoring.lua must not stop imports).  Main thread only; runs the
     * rules' Lua but raises no Lua error.  Valid until the rules are
     * reloaded, which never happens during a command.  NULL with a
     * malloc'd *err when there is none (rules/domain.lua or the
     * checklist does not load). */
    const cwsh_domain *(*domain)(cwsh_host *h, char **err);

    /* A store tells the host that an inspection load committed (its
     * load_end with commit succeeded), with the import's id.  The core
     * raises the `import` event for Lua handlers (cwsh.on) once the
     * command that imported returns.  Main thread. */
    void (*loaded)(cwsh_host *h, long long import_id);

    /* Push the active import mappings (the files of rules/mappings, in the order
     * a sheet's header is tried against them) as a list of tables and
     * return 0; or push nothing and return -1 with a malloc'd *err.  The
     * mappings are rule content: a plugin gets them here, never through
     * require().  Main thread; raises no Lua error. */
    int (*push_mappings)(cwsh_host *h, char **err);
};

/* Non-zero when the core's cwsh_host has `field` (a core of the same
 * CWSH_ABI may be newer, with slots added at the end). */
#define CWSH_HOST_HAS(h, field) \
    (offsetof(cwsh_host, field) + sizeof((h)->field) <= (h)->size)

typedef struct cwsh_plugin {
    int abi;                 /* CWSH_ABI the plugin was built for */
    size_t size;             /* sizeof(cwsh_plugin) the plugin was built with */
    const char *name;
    const char *version;
    /* Register what the plugin offers (see Registration above).  0, or
     * -1 with *err malloc'd; a failing init is refused and undone. */
    int  (*init)(cwsh_host *h, char **err);
    /* At exit, before the lua_State closes; not after a failed init. */
    void (*fini)(cwsh_host *h);
} cwsh_plugin;

/* For a plugin's definition:
 *   static const cwsh_plugin plugin = { CWSH_PLUGIN_HEAD, "name", "1.0", init, fini }; */
#define CWSH_PLUGIN_HEAD CWSH_ABI, sizeof(cwsh_plugin)

#define CWSH_PLUGIN_ENTRY "cwsh_plugin_entry"
typedef const cwsh_plugin *(*cwsh_plugin_entry_fn)(void);

#endif
