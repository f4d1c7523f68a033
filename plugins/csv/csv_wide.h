/*
 * csv_wide.h — what a wide sheet (one row per inspection) says beyond its
 * item columns: headers whose titles are not the checklist's, and the
 * 问题描述 cell that names items ("A01地面积水2处；B02私拉电线2处").
 */
#ifndef CSV_WIDE_H
#define CSV_WIDE_H
#include <stddef.h>
#include "cwsh.h"
#include "csv_check.h"
#include "csv_map.h"

/* A notice for each item column of the header whose title differs from
 * the checklist's ("A01 地面平整" for 地面平整无积水): the sheet may be of
 * an older checklist, so the column may not be the item it seems.
 * hdr/len: the header's n fields; line: its line in the file. */
void cwide_titles(cwsh_host *h, const char *file, long line, const cmap *m, const ccheck *ck,
                  char *const *hdr, const size_t *len, int n);

/* The next part of a note that starts with a checklist item code, from
 * *pos on: parts are separated by ； or ;.  1 with the item's index in
 * *item and its text after the code (trimmed) in *s, *n; 0 at the end. */
int cwide_note_part(const ccheck *ck, const char *note, size_t len, size_t *pos, int *item,
                    const char **s, size_t *n);
#endif
