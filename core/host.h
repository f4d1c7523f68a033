/*
 * host.h — the cwsh_host handed to plugins, and the session's messages and
 * output redirection.
 */
#ifndef HOST_H
#define HOST_H
#include "session.h"
void host_init(session *s);
#endif
