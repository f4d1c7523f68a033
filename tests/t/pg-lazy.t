#!/bin/sh
# pg-lazy.t — libpq (and the OpenSSL, Kerberos and LDAP it brings) is
# loaded only when a postgres database is opened: an SQLite session's
# start-up never maps it (pg_libpq.c).  glibc's LD_DEBUG=files names
# every library the process opens.
. tests/lib.sh
. tests/pg.sh
pg_need
scratch
LD_DEBUG=files "$CWSH" s.db -c "SELECT 1;" >/dev/null 2>ld.log
is 0 "$(grep -c 'file=libpq.so' ld.log)" "an SQLite session does not load libpq"
is 0 "$(grep -c 'file=libssl.so' ld.log)" "... nor OpenSSL"

pg_start
DB=$(pg_newdb lazy)
LD_DEBUG=files "$CWSH" -csv "$DB" -c "SELECT 1 AS one;" >out 2>ld.log
printf 'one\r\n1\r\n' >want
is_file want out "a postgres session answers"
if grep -q 'file=libpq.so.5 .*dynamically loaded by' ld.log; then ok "a postgres session loads libpq.so.5"
else not_ok "a postgres session loads libpq.so.5"; grep libpq ld.log | diag; fi
cleanup_scratch
done_testing
