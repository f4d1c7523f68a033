/* core_connstr.c — connstr_mask: every form in which libpq takes a
 * password shows it as ***, and nothing else of the string changes. */
#include <stdlib.h>
#include <string.h>
#include "connstr.h"
#include "tap.h"

static void is_masked(const char *s, const char *want, const char *name)
{
    char *got = connstr_mask(s);
    tap_is(got, want, name);
    free(got);
}

int main(void)
{
    /* URIs */
    is_masked("postgresql://cwsh:s3cretpw@/c1?host=/tmp/x", "postgresql://cwsh:***@/c1?host=/tmp/x",
              "URI: the userinfo's password");
    is_masked("postgres://u:p:w@db.example:5433/cwsh", "postgres://u:***@db.example:5433/cwsh",
              "URI: from the first ':' to the '@'");
    is_masked("postgresql://cwsh@db/cwsh", "postgresql://cwsh@db/cwsh", "URI: a user without a password");
    is_masked("postgresql://db:5432/cwsh", "postgresql://db:5432/cwsh", "URI: host:port is no password");
    is_masked("postgresql:///c1?password=s3cret&host=/tmp/x", "postgresql:///c1?password=***&host=/tmp/x",
              "URI: password= up to the next '&', the host kept");
    is_masked("postgresql://u@h/d?sslmode=require&password=a%26b", "postgresql://u@h/d?sslmode=require&password=***",
              "URI: a last parameter password=");
    is_masked("postgresql://u:x@h/d?pass%77ord=y&user=z", "postgresql://u:***@h/d?pass%77ord=***&user=z",
              "URI: both at once, a %-encoded key");
    is_masked("postgresql://h/d?passwordx=1&xpassword=2", "postgresql://h/d?passwordx=1&xpassword=2",
              "URI: other keys ending or starting with password");
    is_masked("postgresql://u:p@h/d@x", "postgresql://u:***@h/d@x", "URI: an '@' after the '/' is not userinfo");
    /* keyword/value */
    is_masked("postgres:dbname=c1 user=cwsh password=s3cretpw host=/tmp/x",
              "postgres:dbname=c1 user=cwsh password=*** host=/tmp/x", "keywords: password=VALUE");
    is_masked("postgres:dbname=c1 password = s3cretpw host=/tmp/x",
              "postgres:dbname=c1 password = *** host=/tmp/x", "keywords: blanks around '='");
    is_masked("postgresql:password='s3 cret' host=/tmp/x", "postgresql:password=*** host=/tmp/x",
              "keywords: a quoted value with a blank");
    is_masked("postgres:password='it\\'s \\\\' host=h", "postgres:password=*** host=h",
              "keywords: \\' and \\\\ inside quotes");
    is_masked("postgres:password=s3\\ cret host=h", "postgres:password=*** host=h",
              "keywords: a backslash-escaped blank");
    is_masked("postgres:password= host=h", "postgres:password= ***",
              "keywords: blanks after '=' are skipped, so the value is the next word, as libpq reads it");
    is_masked("postgres:password='open host=h", "postgres:password=***", "keywords: an unterminated quote hides the rest");
    is_masked("postgres:host='pass word=x' password=y", "postgres:host='pass word=x' password=***",
              "keywords: password= inside another value is a value");
    is_masked("postgres:mypassword=x password=y", "postgres:mypassword=x password=***", "keywords: only the key password");
    is_masked("postgres:\tpassword\t=\ty", "postgres:\tpassword\t=\t***", "keywords: tabs are blanks");
    /* the rest */
    is_masked("postgres:cwsh", "postgres:cwsh", "postgres:NAME as it is");
    is_masked("sqlite:password=x.db", "sqlite:password=x.db", "sqlite:PATH is a file name");
    is_masked("/tmp/a:b@c.db", "/tmp/a:b@c.db", "a path as it is");
    is_masked("", "", "empty");
    char *same = connstr_mask("x.db");
    tap_is_int((long long)strlen(same), 4, "a copy of its own");
    free(same);
    tap_ok(connstr_mask(NULL) == NULL, "NULL");
    /* libpq's messages may quote the whole string or the password's token */
    static const struct { const char *text, *conn, *want, *name; } texts[] = {
        { "end of string reached when looking for matching \"]\" in IPv6 host address in URI: "
          "\"postgresql://u:s3cret@[::1/db\"", "postgresql://u:s3cret@[::1/db",
          "end of string reached when looking for matching \"]\" in IPv6 host address in URI: "
          "\"postgresql://u:***@[::1/db\"", "text: a message quoting the whole URI" },
        { "invalid percent-encoded token: \"s3cr%zz\"", "postgresql://u@h/db?password=s3cr%zz&x=1",
          "invalid percent-encoded token: \"***\"", "text: a message quoting the password's token" },
        { "password a and b", "postgres:password=a host=h password=b", "password *** and ***",
          "text: every password of the string" },
        { "no such host", "postgres:host=h", "no such host", "text: a string without a password" },
        { "x", NULL, "x", "text: no string" },
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char *got = connstr_mask_text(texts[i].text, texts[i].conn);
        tap_is(got, texts[i].want, texts[i].name);
        free(got);
    }
    tap_ok(connstr_mask_text(NULL, "x") == NULL, "text: NULL");
    return tap_done();
}
