/*
 * pg_libpq.c — libpq, opened when a postgres database is (see pg_libpq.h).
 *
 * The plugin is loaded at every start, but libpq drags in OpenSSL,
 * Kerberos and LDAP (two dozen libraries): linked directly, they cost
 * every SQLite user ~15 M instructions of relocation at start-up, and
 * their dynamic TLS trips LeakSanitizer's exit scan.  So the plugin does
 * not link libpq; this file defines the libpq functions the plugin calls
 * as forwarders to the real ones, looked up by dlopen on the first
 * connection.  The rest of the plugin calls PQ* as usual.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include "pg_conn.h"
#include "pg_libpq.h"

/* Every libpq function the plugin uses.  A call of one missing here is
 * an "undefined symbol" when the plugin loads: add it to the list.
 * F: returns a value; V: returns nothing. */
#define PG_LIBPQ(F, V)                                                                  \
    F(int, PQcancel, (PGcancel *c, char *buf, int n), (c, buf, n))                      \
    F(int, PQconsumeInput, (PGconn *c), (c))                                            \
    F(int, PQflush, (PGconn *c), (c))                                                   \
    V(PQclear, (PGresult *r), (r))                                                      \
    F(char *, PQcmdStatus, (PGresult *r), (r))                                          \
    F(char *, PQcmdTuples, (PGresult *r), (r))                                          \
    F(PGconn *, PQconnectdbParams,                                                      \
      (const char *const *k, const char *const *v, int expand), (k, v, expand))         \
    F(char *, PQerrorMessage, (const PGconn *c), (c))                                   \
    F(PGresult *, PQexec, (PGconn *c, const char *q), (c, q))                           \
    F(PGresult *, PQexecParams,                                                         \
      (PGconn *c, const char *q, int n, const Oid *types, const char *const *vals,      \
       const int *lens, const int *fmts, int rfmt),                                     \
      (c, q, n, types, vals, lens, fmts, rfmt))                                         \
    V(PQfinish, (PGconn *c), (c))                                                       \
    F(char *, PQfname, (const PGresult *r, int i), (r, i))                              \
    V(PQfreeCancel, (PGcancel *c), (c))                                                 \
    V(PQfreemem, (void *p), (p))                                                        \
    F(Oid, PQftype, (const PGresult *r, int i), (r, i))                                 \
    F(PGcancel *, PQgetCancel, (PGconn *c), (c))                                        \
    F(int, PQgetCopyData, (PGconn *c, char **buf, int async), (c, buf, async))          \
    F(PGresult *, PQgetResult, (PGconn *c), (c))                                        \
    F(int, PQgetisnull, (const PGresult *r, int t, int f), (r, t, f))                   \
    F(int, PQgetlength, (const PGresult *r, int t, int f), (r, t, f))                   \
    F(char *, PQgetvalue, (const PGresult *r, int t, int f), (r, t, f))                 \
    F(int, PQnfields, (const PGresult *r), (r))                                         \
    F(int, PQntuples, (const PGresult *r), (r))                                         \
    F(int, PQputCopyData, (PGconn *c, const char *buf, int n), (c, buf, n))             \
    F(int, PQputCopyEnd, (PGconn *c, const char *msg), (c, msg))                        \
    V(PQreset, (PGconn *c), (c))                                                        \
    F(char *, PQresultErrorField, (const PGresult *r, int code), (r, code))             \
    F(char *, PQresultErrorMessage, (const PGresult *r), (r))                           \
    F(ExecStatusType, PQresultStatus, (const PGresult *r), (r))                         \
    F(int, PQsendQuery, (PGconn *c, const char *q), (c, q))                             \
    F(PQnoticeReceiver, PQsetNoticeReceiver,                                            \
      (PGconn *c, PQnoticeReceiver f, void *arg), (c, f, arg))                        \
    F(int, PQsetSingleRowMode, (PGconn *c), (c))                                        \
    F(int, PQsetnonblocking, (PGconn *c, int arg), (c, arg))                            \
    F(int, PQsocket, (const PGconn *c), (c))                                            \
    F(ConnStatusType, PQstatus, (const PGconn *c), (c))                                 \
    F(PGTransactionStatusType, PQtransactionStatus, (const PGconn *c), (c))

#define SLOT_F(ret, name, params, args) ret (*name) params;
#define SLOT_V(name, params, args) void (*name) params;
static struct { PG_LIBPQ(SLOT_F, SLOT_V) } fn;
static void *lib;

#define LOOK_F(ret, name, params, args) \
    if (!(*(void **)&fn.name = dlsym(lib, #name))) missing = #name;
#define LOOK_V(name, params, args) LOOK_F(void, name, params, args)

int pg_libpq_load(char **err)
{
    if (lib) return 0;
    void *h = dlopen(PG_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        *err = pg_conn_fmt("cannot load libpq (%s): %s; install Debian's libpq5",
                           PG_LIBPQ_SONAME, dlerror());
        return -1;
    }
    lib = h;
    const char *missing = NULL;
    PG_LIBPQ(LOOK_F, LOOK_V)
    if (missing) {
        *err = pg_conn_fmt("%s has no %s: a libpq older than this plugin was built for",
                           PG_LIBPQ_SONAME, missing);
        dlclose(h);
        lib = NULL;
        return -1;
    }
    return 0;
}

/* Reached only through a bug: the plugin called libpq before connecting. */
static void unloaded(const char *name)
{
    fprintf(stderr, "cwsh: postgres plugin: %s called before libpq was loaded\n", name);
    abort();
}

#define CALL_F(ret, name, params, args) \
    ret name params { if (!lib) unloaded(#name); return fn.name args; }
#define CALL_V(name, params, args) \
    void name params { if (!lib) unloaded(#name); fn.name args; }
PG_LIBPQ(CALL_F, CALL_V)
