/*
 * fixproof.h - a fix is proven before it is offered. Each fix of a checked
 * file is applied to the text in memory and the whole pipeline (load,
 * schema, rules, estimate) runs again on the result; the fix stays only when
 * the finding it targets is gone, no error appears that the file did not
 * have (counted per rule), and a fit fix's promised peak is the peak the
 * fixed file estimates. Fixes that fail are removed from their finding, so
 * --fix, --diff, the JSON/SARIF "fixes" and the language server's code
 * actions only ever see proven ones.
 *
 * This module also plans --fix: passes of proven fixes over the text the
 * previous pass produced, each pass checked again as a whole.
 *
 * It sits above the pipeline (lint.h) and the edit application
 * (fixapply.h); the commands and the language server call it.
 */
#ifndef TRAINLINT_FIXPROOF_H
#define TRAINLINT_FIXPROOF_H

#include "diag.h"
#include "fixapply.h"
#include "lint.h"

struct engine;
struct project_config;
struct facts_opts;

/* What a file was checked with; the re-checks use the same. */
typedef struct fix_proof_opts {
    struct engine *eng;
    const struct project_config *pc;
    const struct facts_opts *fo;
    const lint_opts *lo;
} fix_proof_opts;

/* Files larger than this get no fixes: each proof would parse them again. */
#define FIX_PROOF_MAX_BYTES (1u << 20)

/* Proves the fixes of lf's findings in dl (which lint_finish filled) and
 * removes those that fail. Re-checks only when there is a fix to prove; a
 * file over FIX_PROOF_MAX_BYTES keeps no fix.
 * Returns the number of fixes removed. */
size_t fix_prove(const fix_proof_opts *o, lintfile *lf, diag_list *dl);

/* The new contents of a file and of the DeepSpeed file it references after
 * --fix at the given level. */
typedef struct fix_plan {
    char *text;        /* the config's new text (malloc'd); NULL when unchanged */
    size_t len;
    char *ds_text;     /* the DeepSpeed file's new text (malloc'd); NULL when unchanged */
    size_t ds_len;
    char **titles;     /* the titles of the fixes applied, in order (malloc'd) */
    double *peaks;     /* for each: the peak a fit fix promised (bytes), else 0 */
    size_t ntitles;
    double final_peak; /* the estimated peak of the final text (bytes; 0: none) */
} fix_plan;

/* Whether two peaks read the same to 0.1 GiB, as the fix titles state them. */
bool fix_same_peak(double a, double b);

/* Plans the fixes of lf (checked with o) at level: passes of proven fixes,
 * each over the text the previous pass produced, until none is left; the
 * fixes of one pass are applied together only when the result, checked
 * again, gains no error (else one at a time). A fit fix is applied on its
 * own, after the others; a fix applied after it may change the peak it
 * promised (final_peak tells). */
void fix_plan_make(const fix_proof_opts *o, const lintfile *lf, fix_level level, fix_plan *out);
void fix_plan_free(fix_plan *p);

#endif
