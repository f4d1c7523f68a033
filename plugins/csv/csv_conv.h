/*
 * csv_conv.h — value converters of the csv plugin: text as inspectors
 * write it into the values the store takes.  The words and date forms
 * come from the rules' vocabulary (cwsh_domain, host->domain()), compiled
 * once per import into a cvoc; the converters are then pure functions
 * over UTF-8 byte ranges that allocate nothing, so they can run once per
 * field per row.
 */
#ifndef CSV_CONV_H
#define CSV_CONV_H
#include <stddef.h>
#include "cwsh.h"

typedef struct cvoc_word { const char *w; size_t n; int v; } cvoc_word;
typedef struct cvoc_words { cvoc_word *slot; unsigned mask; } cvoc_words;   /* open addressing */
typedef struct cvoc_tok {
    char field;                 /* 'Y' 'M' 'D', or 0 for a literal */
    int min, max;               /* digits of a field */
    const char *lit;            /* a literal's bytes (borrowed from the domain) */
    size_t litn;
} cvoc_tok;
typedef struct cvoc_form { cvoc_tok *tok; int ntok; } cvoc_form;

/* The vocabulary compiled for lookups.  Borrows the domain's strings:
 * the domain must outlive it. */
typedef struct cvoc {
    const cwsh_domain *d;
    cvoc_words kinds;           /* word -> index into d->kinds */
    cvoc_words results;         /* word -> enum cwsh_result_kind */
    cvoc_form *forms;
    int nforms;
    char kind_list[512];        /* "自查, 督查, ..." for messages */
    char result_list[512];      /* "合格, 不合格, 不适用 (pass, fail, na)" */
} cvoc;

/* 0, or -1 when out of memory (v is then empty). */
int cvoc_build(cvoc *v, const cwsh_domain *d);
void cvoc_free(cvoc *v);

/* A date in one of the vocabulary's forms (ASCII or full-width digits,
 * an optional trailing time such as " 0:00" ignored) into "YYYY-MM-DD".
 * -1 when no form fits or it is not a date of the calendar;
 * CONV_DATE_YEAR when it would be a date but for its year, which is not
 * in CONV_DATE_YEARS (the importer's range: a typo, 1027 for 2027). */
#define CONV_DATE_YEAR (-2)
#define CONV_DATE_YEARS "1900 to 2999"
int conv_date(const cvoc *v, const char *s, size_t n, char out[11]);

/* A result word or alias into CWSH_PASS, CWSH_FAIL, CWSH_NA; -1 when
 * unknown. */
int conv_result(const cvoc *v, const char *s, size_t n);

/* Decimal number, ASCII or full-width digits, '.' or '．', optional sign.
 * 0 with *out, 1 when empty (absent), -1 when not a number. */
int conv_number(const char *s, size_t n, double *out);

/* An inspection kind or alias: the kind's name, or NULL. */
const char *conv_kind(const cvoc *v, const char *s, size_t n);

/* Trim ASCII and full-width (U+3000) spaces from both ends in place:
 * adjusts *s and *n. */
void conv_trim(const char **s, size_t *n);
#endif
