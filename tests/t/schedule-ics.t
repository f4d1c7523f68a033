#!/bin/sh
# schedule --ics: the iCalendar file parses in a real parser (Debian's
# python3-icalendar, /usr/bin/python3: the Debian package, whatever python3
# is first on PATH), one VEVENT per occurrence with the Chinese summaries
# round-tripping, UIDs unique and the same across two runs, timed events in
# Asia/Shanghai, lines folded at 75 octets without splitting a UTF-8
# character, and , ; \ and newlines escaped.
. tests/lib.sh
scratch
export CWSH_INIT= CWSH_HISTORY=
PY=/usr/bin/python3
$PY -c 'import icalendar' 2>/dev/null || { not_ok "python3-icalendar is not installed (make deps)"; done_testing; exit 1; }
cp -r "$ROOT/rules" rules
"$CWSH" -rules rules -c "schedule 2026-09-01 2026-11-30 --ics a.ics" :memory: >out 2>err
is 0 "$?" "schedule --ics exits 0"
is "" "$(cat out)" "nothing on stdout"
is "wrote 95 events from 2026-09-01 to 2026-11-30 to a.ics" "$(cat err)" "the summary on stderr"
sleep 1
"$CWSH" -rules rules -c "schedule 2026-09-01 2026-11-30 --ics b.ics" :memory: 2>/dev/null
"$CWSH" -rules rules -c "schedule 2026-09-01 2026-11-30" --mode csv :memory: >list.csv 2>/dev/null
cat >check.py <<'PY'
import csv, sys, icalendar
def events(path):
    cal = icalendar.Calendar.from_ical(open(path, 'rb').read())
    return [c for c in cal.walk() if c.name == 'VEVENT']
a, b = events('a.ics'), events('b.ics')
rows = list(csv.DictReader(open('list.csv', encoding='utf-8')))
print('events', len(a), 'rows', len(rows))
print('summaries match the listing', [str(e['SUMMARY']) for e in a] == [r['event'] for r in rows])
ua, ub = [str(e['UID']) for e in a], [str(e['UID']) for e in b]
print('uids unique', len(set(ua)) == len(ua), 'stable', ua == ub)
e = [x for x in a if str(x['SUMMARY']) == '城北所专班周例会' and x.decoded('DTSTART').date().isoformat() == '2026-10-08'][0]
s = e.decoded('DTSTART')
print('moved meeting', s.isoformat(), s.tzinfo.zone if hasattr(s.tzinfo, 'zone') else s.tzinfo, str(e['DESCRIPTION']).replace('\n', '|'))
r = [x for x in a if str(x['SUMMARY']) == '全面督查'][0]
print('round', r.decoded('DTSTART'), r.decoded('DTEND'))
raw = open('a.ics', 'rb').read()
lines = raw.split(b'\r\n')
print('crlf only', b'\n' not in raw.replace(b'\r\n', b''), 'max octets', max(len(l) for l in lines) <= 75)
for l in lines: l.decode('utf-8')
print('lines are utf-8')
PY
$PY check.py >got 2>&1
cat >expect <<'EOF2'
events 95 rows 95
summaries match the listing True
uids unique True stable True
moved meeting 2026-10-08T09:30:00+08:00 Asia/Shanghai 城北所|原定2026-10-07（国庆节）
round 2026-09-10 2026-09-11
crlf only True max octets True
lines are utf-8
EOF2
is_file expect got "the iCalendar file parses: events, summaries, UIDs, time zone"
# a write that fails is the command's failure, named with its reason, and
# leaves no partial file: /dev/full takes nothing (ENOSPC at the flush),
# and a file written whole replaces the old one only once it is whole
"$CWSH" -rules rules -c "schedule 2026-09-01 2026-11-30 --ics /dev/full" :memory: >out 2>err
is 1 "$?" "schedule --ics /dev/full exits 1"
is "-c:1: schedule: cannot write /dev/full: No space left on device" "$(cat err)" "and says why, not 'wrote'"
mkdir ro && printf 'old\n' >ro/x.ics && chmod 555 ro
if [ "$(id -u)" != 0 ]; then
    "$CWSH" -rules rules -c "schedule 2026-10 --ics ro/x.ics" :memory: >out 2>err
    is 1 "$?" "a directory it cannot write in: exit 1"
    is "old" "$(cat ro/x.ics)" "the old file stays as it was"
else
    ok "# skip: root writes in a read-only directory"; ok "# skip"
fi
chmod 755 ro
"$CWSH" -rules rules -c "schedule 2026-10 --ics ro/x.ics" :memory: >out 2>err
is "0 BEGIN:VCALENDAR x.ics" "$? $(head -1 ro/x.ics | tr -d '\r') $(ls ro | paste -sd' ')" \
    "a file written whole replaces the old one; no temporary file is left"
"$CWSH" -rules rules -c "schedule 2026-10 --ics ro" :memory: >out 2>err
is "1 -c:1: schedule: cannot write ro: Is a directory" "$? $(cat err)" "a directory is refused"

# a rota visit: the market in SUMMARY and LOCATION, its inspector and who covers it in DESCRIPTION
"$CWSH" -rules rules -c ".read $ROOT/tests/transcripts/calendar/rota.sql" -c "schedule 2026-10-12 --market M1 --ics r.ics" r.db 2>/dev/null
cat >check3.py <<'PY'
import icalendar
e = [c for c in icalendar.Calendar.from_ical(open('r.ics', 'rb').read()).walk() if c.name == 'VEVENT'][0]
print(str(e['SUMMARY']), str(e['LOCATION']), str(e['DESCRIPTION']).replace('\n', '|'), e.decoded('DTSTART'))
PY
$PY check3.py >got 2>&1
echo "重点市场督查 城北市场 城北市场 城东所|城北市场（M1）|检查：王芳|负责：张局长、食品科 2026-10-12" >expect
is_file expect got "a rota visit names the market and who goes"

# folding and escaping: a long Chinese name with , ; \ and a newline
cat >rules/schedule.lua <<'EOF2'
meeting { "城东所、城西所、城南所联合专班周例会（食品安全,活禽;冷链\\进口）第二行\n补充说明：各所负责人参加，带齐台账", unit = "城东所", weekday = "周二", time = "14:00" }
EOF2
"$CWSH" -rules rules -c "schedule 2026-10-13 --ics c.ics" :memory: 2>/dev/null
cat >check2.py <<'PY'
import icalendar
raw = open('c.ics', 'rb').read()
lines = raw.split(b'\r\n')
folded = [l for l in lines if l.startswith(b' ')]
print('folded lines', len(folded) > 0, 'max octets', max(len(l) for l in lines) <= 75)
for l in lines: l.decode('utf-8')
summary = [l for l in raw.replace(b'\r\n ', b'').split(b'\r\n') if l.startswith(b'SUMMARY:')][0].decode()
print(summary)
e = [c for c in icalendar.Calendar.from_ical(raw).walk() if c.name == 'VEVENT'][0]
print(repr(str(e['SUMMARY'])))
PY
$PY check2.py >got 2>&1
cat >expect <<'EOF2'
folded lines True max octets True
SUMMARY:城东所、城西所、城南所联合专班周例会（食品安全\,活禽\;冷链\\进口）第二行\n补充说明：各所负责人参加，带齐台账
'城东所、城西所、城南所联合专班周例会（食品安全,活禽;冷链\\进口）第二行\n补充说明：各所负责人参加，带齐台账'
EOF2
is_file expect got "long lines fold on character boundaries; , ; \\ and newlines escaped and read back"
cleanup_scratch
done_testing
