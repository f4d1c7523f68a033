/* csv_seen.c — unit tests of the once-only set of inspections. */
#include <stdio.h>
#include <string.h>
#include "tap.h"
#include "../../plugins/csv/csv_seen.h"

/* Add inspection k of market m (date and inspector vary with k). */
static int add(cseen *s, long m, long k, const char *id, long line, const char *label,
               cseen_where *w)
{
    char date[32], who[32];
    snprintf(date, sizeof date, "2027-%02ld-%02ld", 1 + k % 12, 1 + k / 12 % 28);
    snprintf(who, sizeof who, "p%ld", k / 336);
    return cseen_add(s, m, date, "自查", who, id, line, label, w);
}

int main(void)
{
    cseen *s = cseen_open();
    cseen_where w = { -1, NULL };
    tap_ok(s != NULL, "open");
    tap_is_int(add(s, 1, 0, NULL, 0, "import #1 (a.csv, 2027-01-12)", &w), 0, "a database inspection is new");
    tap_is_int(add(s, 1, 0, NULL, 5, NULL, &w), 1, "the same key from the file repeats it");
    tap_is_int(w.line, 0, "... from the database");
    tap_is(w.label, "import #1 (a.csv, 2027-01-12)", "... with its import's label");
    tap_is_int(add(s, 2, 0, "I1", 7, NULL, &w), 0, "another market is new");
    tap_is_int(add(s, 2, 0, "I2", 9, NULL, &w), 0, "the same key with another id is new");
    tap_is_int(add(s, 2, 0, "I1", 11, NULL, &w), 1, "the same key and id repeats");
    tap_is_int(w.line, 7, "... the line of the first");
    tap_ok(w.label == NULL, "... and no label");
    tap_is_int(add(s, 2, 0, NULL, 12, NULL, &w), 1, "the same key without an id repeats one with an id");
    tap_is_int(add(s, 1, 0, "I3", 13, NULL, &w), 1, "the same key with an id repeats one without");
    tap_is(w.label, "import #1 (a.csv, 2027-01-12)", "... the database's, by its label");

    /* Many inspections: the parts grow, every earlier one is still found
     * where it came from, and nothing new is taken for a repeat. */
    int fresh = 0, again = 0, lines = 0, labels = 0;
    for (long k = 1; k <= 300000; k++) {
        char lab[32];
        snprintf(lab, sizeof lab, "import #%ld", k / 50000);
        fresh += add(s, 3 + k % 1000, k, NULL, k % 2 ? k : 0, k % 2 ? NULL : lab, &w) == 0;
    }
    for (long k = 1; k <= 300000; k++) {
        char lab[32];
        snprintf(lab, sizeof lab, "import #%ld", k / 50000);
        again += add(s, 3 + k % 1000, k, NULL, 1, NULL, &w) == 1;
        if (k % 2) lines += w.line == k && !w.label;
        else labels += w.line == 0 && w.label && !strcmp(w.label, lab);
    }
    tap_is_int(fresh, 300000, "300,000 different inspections are new");
    tap_is_int(again, 300000, "each repeats the first time it came");
    tap_is_int(lines, 150000, "the file's by their line");
    tap_is_int(labels, 150000, "the database's by their import's label");
    cseen_close(&s);
    tap_ok(s == NULL, "close clears the handle");
    return tap_done();
}
