/*
 * csv_map.h — import mappings: which column holds which field, and how
 * its text is converted.  The mappings are Lua tables an analyst edits in
 * rules/mappings/ (one .lua file each); core/lua/mappings.lua loads them and this module
 * reads them once per import (never per row) and matches them against a
 * file's header.
 */
#ifndef CSV_MAP_H
#define CSV_MAP_H
#include <lua.h>
#include "csv_check.h"

enum cmap_field {
    MF_ID, MF_DATE, MF_MCODE, MF_MNAME, MF_UNIT, MF_INSPECTOR, MF_KIND,
    MF_ITEM, MF_RESULT, MF_DED, MF_COUNT, MF_NOTE,
    MF_TOTAL,                   /* wide: the sheet's 扣分合计, checked against the items */
    MF_DEADLINE,                /* the sheet's 整改期限, kept for the ledger */
    MF_N
};

enum cmap_conv { CV_TEXT, CV_DATE, CV_RESULT, CV_NUMBER, CV_KIND };

typedef struct cmap {
    char name[64];
    int wide;
    int ncol;                  /* columns of the header */
    int col[MF_N];             /* column of each field, -1 when none */
    int conv[MF_N];            /* enum cmap_conv */
    int lua_conv[MF_N];        /* registry ref of a Lua converter, or LUA_NOREF */
    char *def[MF_N];           /* default value when the field has no column */
    int *item;                 /* wide: checklist index per column, -1 none */
    int *blank;                /* columns with an empty header (Excel's trailing
                                * ",,"), nblank of them: must hold nothing */
    int nblank;
    char **summary;            /* cell values that mark a summary row */
    int nsummary;
} cmap;

extern const char *const cmap_field_names[MF_N];

/* Choose the mapping for `header` (UTF-8 names, n columns): `force` names
 * one, else the first whose columns all match.  0 with *m filled; -1 with
 * a malloc'd message: about header cell *errcol when > 0, about the header
 * when 0, about the mapping files themselves when -1. */
int cmap_choose(cmap *m, cwsh_host *host, char *const *header, int n,
                const char *force, const ccheck *ck, char **err, int *errcol);
void cmap_free(cmap *m, lua_State *L);
#endif
