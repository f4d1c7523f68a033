/*
 * source.h — the sources plugins register (cwsh_source in cwsh.h) and the
 * `import` command the core runs them through.
 */
#ifndef SOURCE_H
#define SOURCE_H
#include "session.h"

/* host->register_source: keep `src` (owned by plugin `owner`, NULL for
 * the core) and rebuild `import`'s usage and help (the first source
 * registers `import`).  0, or -1 when SESSION_MAX_SOURCES are there. */
int source_register(session *s, const cwsh_source *src, const char *owner);

/* The source named `name` and its owner, or NULL. */
const cwsh_source *source_find(const session *s, const char *name, const char **owner);

/* Drop the sources of `owner` (a refused plugin); `import` goes with the
 * last one. */
void source_withdraw(session *s, const char *owner);
#endif
