/* dot.h — the dot-commands the core itself provides (.help, .mode, ...).
 * Plugins and core Lua add others (.tables, .import, .rules) through the
 * same command registry. */
#ifndef DOT_H
#define DOT_H
#include "session.h"
void dot_register(session *s);
#endif
