/*
 * render.h — print one result set in the user's output mode.
 *
 * Owned by the render helper.  A renderer is a cwsh_sink (cwsh.h) that
 * writes into a FILE*: columns() once, row() per row, end() once, then
 * render_close().  Modes follow sqlite3's shell (`.mode box` etc.).
 *
 * Aligned modes buffer every row (their own copies) to measure columns:
 *   box       Unicode box drawing  ┌─┬┐ │ ├┼┤ └┴┘
 *   table     ASCII borders        +---+ | +---+
 *   markdown  | a | b | with an alignment row |---|---:|
 * Columns are as wide as their widest cell in display columns (utf8.h:
 * Chinese counts 2, combining marks 0, whatever the locale).  Numbers
 * (CWSH_INT, CWSH_REAL) are right-aligned, text left-aligned, NULL like the
 * numbers when every non-NULL value of its column is a number, else like
 * text; column names are centred (extra space on the right), as sqlite3
 * and psql do.  markdown marks a column right-aligned (`---:`) when all of
 * its non-NULL values are numbers.  Inside cells:
 *   - "\n" and "\r\n" start a new line inside the cell in box and table
 *     (the row grows taller, like sqlite3 3.38+); markdown cannot do that
 *     and writes "<br>" instead, "\|" for '|' and "\\" for '\' (so that a
 *     cell's "x\|" cannot leave a bare '|' that would split the cell);
 *   - a tab moves to the next multiple of 8 columns within the cell line;
 *   - other control characters show as ^X (DEL as ^?), like cat -v,
 *     and the C1 controls U+0080-U+009F as M-^@ to M-^_ (cat -v of
 *     their code as a byte: U+009B, CSI, is M-^[), so nothing the
 *     terminal would act on reaches it.
 *
 * Streaming modes write each row as it comes (no buffering, no malloc per
 * row), so exports of millions of rows run in constant memory:
 *   csv   RFC 4180: ',' between fields, fields containing ',', '"', CR or
 *         LF are quoted with '"' doubled; lines end in "\n" (not the RFC's
 *         CRLF: the files are for Unix tools and our own importer, which
 *         reads both).  The separator setting does not apply.
 *   tsv   tab between fields, no quoting; inside a value tab, newline,
 *         carriage return and backslash are written \t \n \r \\, so every
 *         row is one line and the escapes are reversible.
 *   json  one array of objects, one row per line, as sqlite3 writes it:
 *           [{"a":1,"b":"x"},
 *           {"a":2,"b":null}]
 *         strings are UTF-8 as they are except the escapes JSON requires
 *         (\" \\ \n \r \t \b \f, other controls \u00XX); bytes that are not
 *         valid UTF-8 become \ufffd so the output is always valid JSON.
 *         NULL is null; numbers are unquoted; non-finite REALs are null.
 *         With headers off rows are arrays instead: [[1,"x"],\n[2,null]].
 *   line  each row as "name = value" lines, names right-aligned to the
 *         widest (display width), a blank line between rows.  Names are
 *         always shown: they are the point of this mode.  Values show
 *         control characters other than tab and newline as ^X, as cells
 *         do (the mode is for people; list, csv and tsv are for programs
 *         and keep the bytes).
 *   list  values separated by the separator (default '|'), no quoting,
 *         like sqlite3's list mode; a header line when headers are on.
 *
 * Numbers: a value's preformatted `s` (cwsh.h) is printed as it is, except
 * in json where it is used (without a leading '+', so "%+.1f" gives 1.0)
 * only if it is a valid JSON number (else the
 * number itself is printed).  Otherwise INT prints as an integer and REAL
 * like sqlite3's "%!.15g": 88.0 -> "88.0", 94.5 -> "94.5", 1e20 ->
 * "1.0e+20", infinities "Inf"/"-Inf", NaN "NaN".  csv, tsv and json want
 * the value back exactly, so there a REAL uses up to 17 significant digits
 * when 15 do not read back as the same double (0.1 + 0.2 ->
 * "0.30000000000000004" where box shows "0.3").
 *
 * NULL prints as cfg->nullvalue ("" when NULL) in every mode but json.
 *
 * Empty results: with no columns (INSERT, CREATE ...) nothing is printed.
 * With columns and no rows the header still prints when headers are on
 * (box/table frame the header, markdown gives header and alignment rows,
 * csv/tsv/list the header line), json prints "[]", line prints nothing.
 * With headers off, box/table/markdown print the rows without the header
 * row (and markdown without the alignment row, which needs a header).
 */
#ifndef RENDER_H
#define RENDER_H
#include <signal.h>
#include <stdio.h>
#include "cwsh.h"

enum render_mode {
    RENDER_BOX, RENDER_TABLE, RENDER_CSV, RENDER_TSV, RENDER_JSON,
    RENDER_MARKDOWN, RENDER_LINE, RENDER_LIST
};

typedef struct render_config {
    enum render_mode mode;
    int headers;              /* non-zero: print column names */
    const char *nullvalue;    /* text for NULL; NULL means "" */
    const char *separator;    /* list mode's column separator, any text
                               * (a UTF-8 ， too); NULL means "|" */
    const char *rowsep;       /* list mode's end of row; NULL means "\n" */
    const volatile sig_atomic_t *cancel;  /* set (Ctrl-C): no more rows are
                               * printed, a buffered table is closed where
                               * it stopped; may be NULL */
    int wrap;                 /* box/table: a cell line wider than this
                               * many display columns goes on over lines,
                               * broken at a blank near the end, else
                               * between characters; 0: never */
    int excel;                /* csv/tsv for a spreadsheet: text that starts
                               * like a formula (= + - @ tab CR) is written
                               * after a ' so that it is not run as one
                               * (CSV injection, as OWASP advises) */
} render_config;

/* Mode by name ("box", "table", ..., "list"; case-insensitive).
 * Returns 0 and sets *out, or -1 for an unknown name. */
int render_mode_parse(const char *name, enum render_mode *out);

/* The mode's name as render_mode_parse accepts it; "?" when out of range. */
const char *render_mode_name(enum render_mode m);

/* A sink rendering into `out` (borrowed; must stay open until
 * render_close).  `cfg` is copied, nullvalue included, so the caller may
 * change or free it afterwards.  Returns NULL when out of memory.
 *
 * The sink takes one result set: columns(), row()..., end().  Calling
 * columns() again ends the previous result set first.  row() returns
 * non-zero when the output has failed (ferror(out)) or, in the buffered
 * modes, memory ran out, so the producer can stop; a row may carry fewer
 * or more values than there are columns (missing ones print as NULL,
 * extra ones are ignored).  end() prints what the mode buffered and
 * flushes `out`. */
cwsh_sink *render_open(FILE *out, const render_config *cfg);

/* Free the sink (without ending it) and set *k to NULL; safe on NULL and
 * on *k == NULL. */
void render_close(cwsh_sink **k);

#endif
