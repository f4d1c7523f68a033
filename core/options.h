/*
 * options.h — the command line, read into a struct opts.
 *
 *   cwsh [OPTIONS] [DB] [COMMAND...]
 *
 * opts_parse only reads: it prints nothing, never exits, keeps no state
 * between calls and reports running out of memory as an error.  The one
 * thing it consults besides argv is the file system, as the shell always
 * has: a first word that names an existing file is the DB.  main.c turns
 * the result into the session, the usage text, the messages ("cwsh: "
 * before, "Try 'cwsh --help'." after) and the exit codes.
 *
 * Long options also work with one dash and short ones with two (--c is
 * -c, -mode is --mode), as in sqlite3.  Options may follow the DB but not
 * a command: from the first command word on, every word is part of the
 * commands (`cwsh test --run veto` passes --run to test).  A value option
 * given twice keeps the last value; -c adds a command each time.
 *
 * Ownership: every string in struct opts is one of argv's own pointers
 * (or NULL), valid as long as argv is.  The arrays cmds and words are the
 * struct's own: opts_free releases them, after a failure too.
 */
#ifndef CWSH_OPTIONS_H
#define CWSH_OPTIONS_H
#include <stddef.h>
#include "render.h"

/* An err buffer of this size holds every message whole: a word quoted in
 * a message is cut to 40 bytes. */
#define OPTS_ERR_SIZE 256

enum opts_result {
    OPTS_RUN = 0,        /* start the shell with what was read */
    OPTS_HELP,           /* --help or -h: the words after it were not read */
    OPTS_VERSION,        /* --version: the same */
    OPTS_USAGE = -1,     /* a usage error: err says what, bad is the word's index */
    OPTS_NOMEM = -2,     /* err is "out of memory" */
};

struct opts {
    const char **cmds;              /* -c CMD, in the order given */
    int ncmds;
    const char *script;             /* -f FILE */
    const char *init;               /* -init FILE */
    const char *history;            /* --history FILE */
    const char *rules, *plugins;    /* --rules DIR, --plugins DIR */
    /* --db DB, else the first word when it looks like a database (a
     * connection string, or a name with '.' or '/', or an existing file);
     * NULL: the default database */
    const char *db;
    int batch, bail, echo;          /* -batch, -bail, -echo */
    int headers;                    /* -header 1 (the default), -noheader 0 */
    int bom;                        /* --bom */
    enum render_mode mode;          /* --mode MODE, -csv, ...; default box */
    /* --max-NAME, read by luahost_parse_limit; defaults 100000000, 1024, 30 */
    long long max_instructions, max_memory_mb, max_seconds;
    /* the command words, after the DB word when there is one */
    const char **words;
    int nwords;
    int each;                       /* 1: each word is a command (after a DB word,
                                     * as in sqlite3); 0: the words are one command line */
    int bad;                        /* OPTS_USAGE: argv[bad] is the word at fault */
};

/* Read argv[1..argc-1] into *o: one of enum opts_result; on a failure a
 * message in err (errlen bytes, OPTS_ERR_SIZE for all of it), without
 * "cwsh: " (usage: "unknown option '--frobnicate'"). */
int opts_parse(int argc, char **argv, struct opts *o, char *err, size_t errlen);
void opts_free(struct opts *o);

#endif
