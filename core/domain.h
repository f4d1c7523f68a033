/*
 * domain.h — host->domain(): the vocabulary and checklist of the active
 * rules as the plain-C cwsh_domain of cwsh.h, built once per rule set.
 */
#ifndef DOMAIN_H
#define DOMAIN_H
#include "cwsh.h"

/* The host call (see cwsh.h).  The result is owned here and stays valid
 * until a call finds another rule set active, or domain_free. */
const cwsh_domain *domain_get(cwsh_host *h, char **err);

/* Free the copy (at the end of the session; L may be NULL). */
void domain_free(lua_State *L);
#endif
