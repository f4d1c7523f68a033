/* complete.h — readline tab completion.  Candidates come from core Lua
 * (cwsh.complete in init.lua): commands, dot-commands, table and column
 * names, market names and codes, item codes, and file names after
 * commands that take files. */
#ifndef COMPLETE_H
#define COMPLETE_H
#include "session.h"
void complete_install(session *s);
#endif
