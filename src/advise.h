/*
 * advise.h - the fit verdict of a checked file on its target GPU, as a
 * finding on the lines that matter, with the smallest changes that make the
 * job fit as fix edits (a smaller micro batch with more accumulation, keeping
 * the effective batch exactly, or without accumulation where torchtune's
 * optimizer_in_bwd forbids it; gradient checkpointing; an 8-bit optimizer;
 * 4-bit loading; a shorter sequence, never past the model's context), each
 * re-estimated. The fixes are proven on the changed file afterwards
 * (fixproof.h), which drops those whose result does not hold.
 */
#ifndef TRAINLINT_ADVISE_H
#define TRAINLINT_ADVISE_H

#include "diag.h"

struct engine;
struct lintfile;

typedef struct fit_option {
    char title[200];   /* "micro batch 4 -> 1 with accumulation 4 -> 16" */
    double peak;       /* bytes after the change */
    int fields[4];     /* job fields changed (JF_*), -1 terminated */
    char values[4][48];
    size_t nfields;
} fit_option;

/* The changes that bring the peak under the GPU's capacity with margin, in
 * order of preference. Returns the count (up to max). */
size_t advise_options(struct engine *eng, const struct lintfile *lf, fit_option *out, size_t max);

/* Adds does-not-fit-gpu / tight-fit findings with fixes. */
void advise_fit(struct engine *eng, struct lintfile *lf, diag_list *dl);

#endif
