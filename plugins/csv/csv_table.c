/*
 * csv_table.c — `.import FILE TABLE` (see csv_table.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "csv_import.h"
#include "csv_report.h"
#include "csv_table.h"

int ctab_run(cwsh_host *h, const ctab_opts *o, char **summary, char **err)
{
    double t0 = crep_now();
    cwsh_store *st = h->store(h);
    if (!st) { *err = crep_msgf("cannot import: no store is loaded (the sqlite plugin is missing)"); return -1; }
    char *e = NULL;
    csvr *r = csvr_open(o->file, &o->read, &e);
    if (!r) { *err = e; return -1; }
    int rc = -1, have_rep = 0, ncol = 0;
    cwsh_loader *ld = NULL;
    cwsh_value *v = NULL;
    char **names = NULL;
    crep rep;
    csvr_record rec;
    int s;
    for (long k = 0; (s = csvr_next(r, &rec, &e)) == CSVR_OK && k < o->skip; k++) {}
    if (s == CSVR_FAIL) { *err = crep_msgf("%s:%ld: %s", o->file, csvr_line(r), e); free(e); goto out; }
    if (s == CSVR_EOF) { *err = crep_msgf("%s: the file is empty (no header row)", o->file); goto out; }
    if (s == CSVR_BAD) {
        int col;
        const char *why = csvr_error(r, &col);
        *err = crep_msgf("%s:%ld:%d: %s", o->file, rec.line, col, why);
        goto out;
    }
    ncol = rec.nf;
    names = calloc((size_t)ncol, sizeof *names);
    if (!names) { *err = crep_msgf("out of memory"); goto out; }
    for (int i = 0; i < ncol; i++) {
        if (!rec.len[i]) {
            *err = crep_msgf("%s:%ld:%d: column name is empty", o->file, rec.line, i + 1);
            goto out;
        }
        if (!(names[i] = strdup(rec.f[i]))) { *err = crep_msgf("out of memory"); goto out; }
    }
    if (crep_open(&rep, h, o->file, r, rec.raw, rec.raw_len) != 0) { *err = crep_msgf("out of memory"); goto out; }
    have_rep = 1;
    if (st->table_begin(st->self, o->table, ncol, (const char *const *)names, &ld, &e) != 0) {
        ld = NULL;
        *err = e ? e : crep_msgf("cannot import into '%s'", o->table);
        goto out;
    }
    v = calloc((size_t)ncol, sizeof *v);
    if (!v) { *err = crep_msgf("out of memory"); goto out; }
    long long rows = 0, bad = 0, n = 0, size = csvr_size(r);
    while ((s = csvr_next(r, &rec, &e)) != CSVR_EOF) {
        if (s == CSVR_FAIL) { *err = crep_msgf("%s:%ld: %s", o->file, csvr_line(r), e); free(e); goto out; }
        if ((++n & 4095) == 0) {
            h->progress(h, "import", n, csvr_bytes(r), size);
            if (h->interrupted(h)) { *err = crep_msgf("import interrupted; nothing imported"); goto out; }
        }
        char why[120];
        int col = 0;
        if (s == CSVR_BAD) snprintf(why, sizeof why, "%s", csvr_error(r, &col));
        else if (rec.nf != ncol) {
            snprintf(why, sizeof why, "row has %d fields, header has %d", rec.nf, ncol);
            col = (rec.nf < ncol ? rec.nf : ncol) + 1;
        } else {
            if (rep.errors && !o->skip_bad) continue;     /* rolled back anyway */
            for (int i = 0; i < ncol; i++) {
                v[i].type = CWSH_TEXT;
                v[i].s = rec.f[i];
                v[i].n = rec.len[i];
            }
            if (st->table_row(ld, ncol, v, &e) != 0) {
                if (h->interrupted(h))         /* Ctrl-C made the insert fail */
                    *err = crep_msgf("import interrupted; nothing imported");
                else
                    *err = crep_msgf("%s:%ld: %s", o->file, rec.line, e ? e : "insert failed");
                free(e);
                goto out;
            }
            rows++;
            continue;
        }
        bad++;
        crep_error(&rep, rec.line, col, why);
        crep_reject(&rep, rec.raw, rec.raw_len, why);
    }
    h->progress(h, "import", -1, 0, 0);
    if (bad && !o->skip_bad) {
        have_rep = 0;
        *err = crep_refusal(&rep, (long)bad, "");
        goto out;
    }
    have_rep = 0;
    if (crep_close(&rep, err) != 0) goto out;
    cwsh_loader *l = ld;
    ld = NULL;
    if (st->table_end(l, 1, &e) != 0) { *err = e ? e : crep_msgf("cannot commit the import"); goto out; }
    char a[32], rej[64] = "";
    cimp_thousands(a, sizeof a, rows);
    if (bad) snprintf(rej, sizeof rej, "; %lld row%s rejected", bad, bad == 1 ? "" : "s");
    *summary = crep_msgf("imported %s row%s into %s from %s in %.1f s%s", a, rows == 1 ? "" : "s",
                    o->table, o->file, crep_now() - t0, rej);
    rc = 0;
out:
    h->progress(h, "import", -1, 0, 0);
    if (have_rep) crep_abandon(&rep);          /* stopped: no rejects file of part of the rows */
    if (ld) { char *x = NULL; st->table_end(ld, 0, &x); free(x); }
    if (names) for (int i = 0; i < ncol; i++) free(names[i]);
    free(names);
    free(v);
    csvr_close(&r);
    return rc;
}
