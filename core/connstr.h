/*
 * connstr.h — a database connection string as people may see it: every
 * password in it shown as *** (owned by the core).  Compiled into cwsh
 * (.show) and, as core/loadkit.c is, into each store plugin (their
 * messages, .dbinfo, .backup's hints): one reading of the strings, so
 * no message masks less than another.
 *
 * The forms are libpq's, read as libpq reads them
 * (fe-connect.c: conninfo_parse, conninfo_uri_parse_options):
 *   SCHEME://USER:PASSWORD@HOST/DB       the userinfo's password
 *   SCHEME://...?KEY=VALUE&...           a query parameter password= (the
 *                                        key may be %-encoded)
 *   SCHEME:KEY=VALUE KEY = 'VALUE' ...   keyword/value pairs, blanks around
 *                                        '=', single quotes with \' and \\,
 *                                        backslash escapes in unquoted values
 * Anything else (a file path, sqlite:PATH, postgres:NAME) is shown as it
 * is.
 */
#ifndef CONNSTR_H
#define CONNSTR_H

/* each store plugin's own copy: not exported from the plugin's .so */
#pragma GCC visibility push(hidden)

/* `s` with each password replaced by ***, the rest byte for byte:
 * malloc'd (aborts on out of memory, as xstrdup).  NULL gives NULL. */
char *connstr_mask(const char *s);

/* `text` (a message about connstr, such as libpq's, which may quote the
 * whole string or a token of it) with every occurrence of each of
 * connstr's passwords that is not part of a longer word replaced by
 * ***: malloc'd, aborts on out of memory.  NULL text gives NULL. */
char *connstr_mask_text(const char *text, const char *connstr);

#pragma GCC visibility pop

#endif
