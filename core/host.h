/*
 * host.h — the cwsh_host handed to plugins, and the session's messages and
 * output redirection.
 */
#ifndef HOST_H
#define HOST_H
#include "session.h"
void host_init(session *s);

/* Take back everything `owner` registered (its commands, modules,
 * sources, formats and store): a plugin refused after its init ran.
 * NULL is the core. */
void host_withdraw(session *s, const char *owner);

/* Open the store's database (its open), once the plugins are loaded.
 * 0 (also when there is no store), or -1 with *err malloc'd ("cannot open
 * database 'x.db': file is not a database"): cwsh cannot go on. */
int host_open_store(session *s, char **err);
#endif
