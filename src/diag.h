/*
 * diag.h - the diagnostic list: findings with a rule id, a severity, a byte
 * range in a source file, a message, related positions and fixes.
 *
 * A diag_list owns every string it holds (in its arena). Producers (doc,
 * schema checks, rules, the estimator) only add; suppression, sorting and
 * emission happen afterwards.
 */
#ifndef TRAINLINT_DIAG_H
#define TRAINLINT_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srcfile.h"
#include "util.h"

typedef enum severity { SEV_OFF = 0, SEV_INFO = 1, SEV_WARNING = 2, SEV_ERROR = 3 } severity;

const char *severity_name(severity s);
/* Parses "error"/"warning"/"info"/"off"; returns -1 when unknown. */
int severity_parse(const char *s);

typedef struct fix_edit {
    const srcfile *src;
    size_t start, end; /* byte range replaced */
    const char *text;  /* replacement */
} fix_edit;

typedef struct fix {
    const char *title;
    bool safe; /* cannot change what training does */
    double peak; /* a fit fix: the estimated peak (bytes) it promises; 0 otherwise */
    fix_edit *edits;
    size_t nedits;
} fix;

typedef struct related {
    const srcfile *src;
    size_t start, end;
    const char *message;
} related;

typedef struct diag {
    const srcfile *src;
    const char *rule;
    severity sev;
    size_t start, end;
    const char *message;
    const char *help; /* optional second line: what to do, or context */
    related *rel;
    size_t nrel;
    fix *fixes;
    size_t nfixes;
    bool suppressed; /* silenced by a comment or a config ignore (counted) */
    bool hidden;     /* the rule is turned off (not counted) */
    size_t seq; /* insertion order, for stable sorting */
} diag;

typedef struct diag_list {
    diag *items;
    size_t n, cap;
    size_t max;     /* cap on stored diagnostics; 0 = no cap */
    size_t dropped; /* diagnostics not stored because of max */
    arena mem;
} diag_list;

void diag_list_init(diag_list *dl, size_t max);
void diag_list_free(diag_list *dl);

/* Adds a diagnostic; the message is copied. Returns NULL when the list is
 * full (the drop is counted). */
diag *diag_add(diag_list *dl, const srcfile *src, const char *rule, severity sev, size_t start,
               size_t end, const char *fmt, ...) PRINTF_LIKE(7, 8);
void diag_set_help(diag_list *dl, diag *d, const char *fmt, ...) PRINTF_LIKE(3, 4);
void diag_add_related(diag_list *dl, diag *d, const srcfile *src, size_t start, size_t end,
                      const char *fmt, ...) PRINTF_LIKE(6, 7);
/* Starts a fix on d; add edits with diag_fix_edit. */
fix *diag_add_fix(diag_list *dl, diag *d, bool safe, const char *fmt, ...) PRINTF_LIKE(4, 5);
void diag_fix_edit(diag_list *dl, fix *f, const srcfile *src, size_t start, size_t end,
                   const char *text);

/* Sorts by file, position, then insertion order. */
void diag_sort(diag_list *dl);
/* Counts unsuppressed diagnostics at or above sev. */
size_t diag_count(const diag_list *dl, severity at_least);
/* Copies a string into the list's arena. */
const char *diag_strdup(diag_list *dl, const char *s);

#endif
