/*
 * source.h — the sources plugins register (cwsh_source in cwsh.h) and the
 * `import` command the core runs them through.
 */
#ifndef SOURCE_H
#define SOURCE_H
#include "session.h"

/* host->register_source: keep `src` (owned by its plugin); the first
 * source also registers `import`. */
void source_register(session *s, const cwsh_source *src);
#endif
