/* core_options.c — opts_parse: every option, the DB word, the command
 * words, the usage errors with their exact messages. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "options.h"
#include "tap.h"

static struct opts O;
static char err[OPTS_ERR_SIZE];
static char *argv_[64];
static int argc_;

/* parse "cwsh" and the words up to NULL */
static int P(const char *first, ...)
{
    va_list ap;
    opts_free(&O);
    argc_ = 0;
    argv_[argc_++] = "cwsh";
    va_start(ap, first);
    for (const char *w = first; w; w = va_arg(ap, const char *)) argv_[argc_++] = (char *)w;
    va_end(ap);
    argv_[argc_] = NULL;
    return opts_parse(argc_, argv_, &O, err, sizeof err);
}

static void test_defaults(void)
{
    tap_is_int(P(NULL), OPTS_RUN, "no arguments: run");
    tap_ok(!O.db && !O.script && !O.init && !O.history && !O.rules && !O.plugins, "no arguments: no strings");
    tap_ok(O.ncmds == 0 && O.nwords == 0 && !O.each, "no arguments: no commands");
    tap_ok(!O.batch && !O.bail && !O.echo && !O.bom && O.headers == 1, "no arguments: flags");
    tap_is_int(O.mode, RENDER_BOX, "default mode box");
    tap_is_int(O.max_instructions, 100000000, "default instructions");
    tap_is_int(O.max_memory_mb, 1024, "default memory");
    tap_is_int(O.max_seconds, 30, "default seconds");
    tap_is_int(O.bad, -1, "no word at fault");
    tap_is(err, "", "no message");
}

static void test_each_option(void)
{
    P("-c", ".print a", "--c", "= 1", NULL);
    tap_ok(O.ncmds == 2 && O.cmds[0] == argv_[2] && O.cmds[1] == argv_[4], "-c repeats, in order, argv's pointers");
    P("-f", "s.cwsh", "--f", "t.cwsh", NULL);
    tap_ok(O.script == argv_[4], "-f: the last one");
    P("-init", "i.cwsh", NULL);
    tap_ok(O.init == argv_[2], "-init");
    P("--init", "i.cwsh", NULL);
    tap_ok(O.init == argv_[2], "--init");
    P("--history", "h.txt", NULL);
    tap_ok(O.history == argv_[2], "--history");
    P("--rules", "r1", "-rules", "r2", NULL);
    tap_ok(O.rules == argv_[4], "--rules: the last one");
    P("--plugins", "p", NULL);
    tap_ok(O.plugins == argv_[2], "--plugins");
    P("--db", "a.db", "-db", "b.db", NULL);
    tap_ok(O.db == argv_[4] && O.nwords == 0, "--db: the last one");
    P("-batch", "-bail", "-echo", NULL);
    tap_ok(O.batch && O.bail && O.echo, "-batch -bail -echo");
    P("--batch", "--bail", "--echo", NULL);
    tap_ok(O.batch && O.bail && O.echo, "--batch --bail --echo");
    P("-noheader", NULL);
    tap_is_int(O.headers, 0, "-noheader");
    P("-noheader", "-header", NULL);
    tap_is_int(O.headers, 1, "-noheader -header: the last one");
    P("-header", "--noheader", NULL);
    tap_is_int(O.headers, 0, "-header --noheader: the last one");
    P("-noheader", "-headers", NULL);
    tap_is_int(O.headers, 1, "-headers is -header");
    P("--bom", NULL);
    tap_is_int(O.bom, 1, "--bom");
    P("-bom", NULL);
    tap_is_int(O.bom, 1, "-bom");
    P("--mode", "csv", NULL);
    tap_is_int(O.mode, RENDER_CSV, "--mode csv");
    P("-mode", "JSON", NULL);
    tap_is_int(O.mode, RENDER_JSON, "-mode JSON: any case");
    P("-json", "--markdown", NULL);
    tap_is_int(O.mode, RENDER_MARKDOWN, "-json --markdown: the last one");
    P("--mode", "tsv", "-line", NULL);
    tap_is_int(O.mode, RENDER_LINE, "--mode tsv -line: the last one");
    P("--max-instructions", "5000000", "--max-memory", "64", "--max-seconds", "7", NULL);
    tap_ok(O.max_instructions == 5000000 && O.max_memory_mb == 64 && O.max_seconds == 7, "the three limits");
    P("-max-seconds", "0", "-max-seconds", "9", NULL);
    tap_is_int(O.max_seconds, 9, "-max-seconds twice: the last one");
    P("--max-memory", "0", NULL);
    tap_is_int(O.max_memory_mb, 0, "--max-memory 0: no cap");
}

static void test_answers(void)
{
    tap_is_int(P("--version", NULL), OPTS_VERSION, "--version");
    tap_is_int(P("-version", NULL), OPTS_VERSION, "-version");
    tap_is_int(P("--help", NULL), OPTS_HELP, "--help");
    tap_is_int(P("-h", NULL), OPTS_HELP, "-h");
    tap_is_int(P("--h", NULL), OPTS_HELP, "--h");
    tap_is_int(P("-help", NULL), OPTS_HELP, "-help");
    tap_is_int(P("--version", "--frobnicate", NULL), OPTS_VERSION, "--version: the words after it are not read");
    tap_is_int(P("--frobnicate", "--version", NULL), OPTS_USAGE, "an unknown option before --version is an error");
    tap_is_int(P("-bail", "--help", "-c", NULL), OPTS_HELP, "--help before a missing argument");
    tap_is_int(P("test", "--help", NULL), OPTS_RUN, "--help after a command word is the command's");
    tap_ok(O.nwords == 2 && !strcmp(O.words[1], "--help"), "... and is its word");
}

static void usage(int rc, int bad, const char *want, const char *name)
{
    tap_is_int(rc, OPTS_USAGE, name);
    tap_is(err, want, name);
    tap_is_int(O.bad, bad, name);
}

static void test_errors(void)
{
    usage(P("--frobnicate", NULL), 1, "unknown option '--frobnicate'", "an unknown option");
    usage(P("-bail", "-x", NULL), 2, "unknown option '-x'", "an unknown short option");
    usage(P("--", NULL), 1, "unknown option '--'", "-- is not an end of options: unknown");
    usage(P("---c", "x", NULL), 1, "unknown option '---c'", "three dashes");
    usage(P("-c", NULL), 1, "option '-c' needs an argument", "-c without its argument");
    usage(P("-c", "a", "--db", NULL), 3, "option '--db' needs an argument", "--db without its argument");
    usage(P("--max-seconds", NULL), 1, "option '--max-seconds' needs an argument", "--max-seconds without its argument");
    usage(P("--mode", "nosuch", NULL), 2, "unknown mode 'nosuch'", "an unknown mode");
    usage(P("-mode", "", NULL), 2, "unknown mode ''", "an empty mode");
    usage(P("--max-seconds", "abc", NULL), 2,
          "option '--max-seconds' needs a whole number of seconds (0 = none), not 'abc'", "--max-seconds abc");
    usage(P("-max-instructions", "1e3", NULL), 2,
          "option '-max-instructions' needs a whole number of instructions (0 = none), not '1e3'", "-max-instructions 1e3");
    usage(P("--max-memory", "-5", NULL), 2,
          "option '--max-memory' needs a whole number of MB (0 = no cap), not '-5'", "--max-memory -5");
    usage(P("--max-memory", "99999999999999999999", NULL), 2,
          "option '--max-memory': 99999999999999999999 MB is too large (at most 17592186044415)", "--max-memory too large");
    usage(P("-max-seconds", "3000000000", NULL), 2,
          "option '-max-seconds': 3000000000 seconds is too large (at most 2147483647)", "-max-seconds too large");
    usage(P("-bail", "-c", "x", "--max-seconds", "", NULL), 5,
          "option '--max-seconds' needs a whole number of seconds (0 = none), not ''", "the value's index is at fault");
    /* a long word is quoted to 40 bytes, so the message fits */
    char longopt[300];
    memset(longopt, 'x', sizeof longopt - 1);
    longopt[0] = longopt[1] = '-';
    longopt[sizeof longopt - 1] = 0;
    usage(P(longopt, NULL), 1, "unknown option '--xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'", "a long option is cut to 37 bytes and ...");
    usage(P("--mode", "0123456789012345678901234567890123456789", NULL), 2,
          "unknown mode '0123456789012345678901234567890123456789'", "40 bytes are quoted whole");
    /* 35 bytes then 解 (3 bytes): the cut at 37 would split it */
    usage(P("--mode", "01234567890123456789012345678901234解放市场解放市场", NULL), 2,
          "unknown mode '01234567890123456789012345678901234...'", "a cut does not split a UTF-8 character");
    char stray[60] = "-";
    memset(stray + 1, 0x8C, 43);
    usage(P(stray, NULL), 1, "unknown option '-\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C"
          "\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C\x8C...'",
          "stray continuation bytes: the cut moves back 3 bytes at most");
    char small[12];
    opts_free(&O);
    int rc = opts_parse(2, (char *[]){ "cwsh", "--frobnicate", NULL }, &O, small, sizeof small);
    tap_ok(rc == OPTS_USAGE && !strcmp(small, "unknown opt"), "a small buffer holds the message's start");
}

static void test_words(void)
{
    P("x.db", ".print a", ".print b", NULL);
    tap_ok(O.db == argv_[1] && O.each && O.nwords == 2 && O.words[0] == argv_[2] && O.words[1] == argv_[3],
           "DB then commands: each a command");
    P("score", "2027-01", "--key", NULL);
    tap_ok(!O.db && !O.each && O.nwords == 3 && O.words[2] == argv_[3], "no DB: one command line, options in it");
    P(".tables", NULL);
    tap_ok(!O.db && O.nwords == 1, "a dot-command is not a DB");
    P("./x", NULL);
    tap_ok(O.db == argv_[1] && O.nwords == 0, "a path with '/' is a DB");
    P(":memory:", NULL);
    tap_ok(O.db == argv_[1], ":memory: is a DB");
    P("postgresql://u@h/cwsh", ".tables", NULL);
    tap_ok(O.db == argv_[1] && O.nwords == 1, "a connection string is a DB");
    P("postgres:cwsh", NULL);
    tap_ok(O.db == argv_[1], "postgres:NAME is a DB");
    P("a:b", NULL);
    tap_ok(!O.db, "a one-letter scheme is not one");
    P("x:y z", NULL);
    tap_ok(!O.db, "a scheme with a blank after it is not one");
    P("postgres:dbname=demo user=cwsh", ".dbinfo", NULL);
    tap_ok(O.db == argv_[1] && O.each && O.nwords == 1, "libpq's keyword form with blanks is a DB");
    P("postgresql:host = /tmp\tdbname=x", NULL);
    tap_ok(O.db == argv_[1] && O.nwords == 0, "... with blanks around '=' and a tab");
    P("lua:print x=1", NULL);
    tap_ok(!O.db, "a blank before the first '=' is a command line");
    P("x.db", "-bail", "--mode", "csv", ".tables", "-echo", NULL);
    tap_ok(O.db == argv_[1] && O.bail && O.mode == RENDER_CSV && !O.echo && O.nwords == 2
           && !strcmp(O.words[1], "-echo"), "options after the DB, not after the first command");
    P("-", "-bail", NULL);
    tap_ok(!O.db && O.nwords == 2 && !O.bail, "- is a word and starts the commands");
    P("--db", "a.db", "b.db", "-bail", ".tables", NULL);
    tap_ok(O.db == argv_[2] && !O.each && O.nwords == 2 && O.words[0] == argv_[3] && O.bail,
           "--db: a DB-like word is a command word, options may still follow it");
    P("b.db", "--db", "a.db", NULL);
    tap_ok(O.db == argv_[3] && O.nwords == 1 && O.words[0] == argv_[1], "--db after a DB word: the word is a command");
    FILE *f = fopen("plainfile", "w");
    if (f) fclose(f);
    P("plainfile", "x", NULL);
    tap_ok(O.db == argv_[1] && O.each, "an existing file without '.' or '/' is a DB");
    f = fopen(".hidden", "w");
    if (f) fclose(f);
    P(".hidden", NULL);
    tap_ok(O.db == argv_[1], "an existing file starting with '.' is a DB");
    P("-c", "a", "score", "-c", "b", NULL);
    tap_ok(O.ncmds == 1 && O.nwords == 3, "-c after a command word is the command's");
}

int main(void)
{
    /* the DB word depends on which files exist: an empty directory */
    char dir[] = "/tmp/core_options.XXXXXX";
    if (!mkdtemp(dir) || chdir(dir) != 0) { perror(dir); return 1; }
    test_defaults();
    test_each_option();
    test_answers();
    test_errors();
    test_words();
    opts_free(&O);
    unlink("plainfile");
    unlink(".hidden");
    if (chdir("/") == 0) rmdir(dir);
    return tap_done();
}
