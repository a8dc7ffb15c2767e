/*
 * fixproof.c - proving fixes by checking the fixed text again, and planning
 * --fix as passes of proven fixes. See fixproof.h.
 */
#include "fixproof.h"
#include "engine.h"
#include "facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)
#define MAX_PASSES 8

/* The current text of a config and of its DeepSpeed file (owned). */
typedef struct texts {
    char *t;
    size_t len;
    char *ds; /* NULL when the config references none */
    size_t ds_len;
} texts;

static void texts_from(const lintfile *lf, texts *x)
{
    x->t = xstrndup(lf->src->data, lf->src->len);
    x->len = lf->src->len;
    x->ds = lf->ds_src ? xstrndup(lf->ds_src->data, lf->ds_src->len) : NULL;
    x->ds_len = lf->ds_src ? lf->ds_src->len : 0;
}

static void texts_free(texts *x)
{
    free(x->t);
    free(x->ds);
    memset(x, 0, sizeof *x);
}

/* A file checked again from memory, and its findings. */
typedef struct checked {
    lintfile *lf;
    diag_list dl;
} checked;

/* Checks x the way lf was checked: same name (so the DeepSpeed reference and
 * the project's ignores resolve alike), options, GPU and settings. */
static void recheck(const fix_proof_opts *o, const lintfile *lf, const texts *x, checked *out)
{
    diag_list_init(&out->dl, 1000);
    srcfile *src = src_from_bytes(lf->src->path, x->t, x->len);
    src->on_disk = lf->src->on_disk;
    src->is_json = lf->src->is_json;
    lint_opts lo = *o->lo;
    lo.recheck_ds = true;
    lo.ds_path = lf->ds_src ? lf->ds_src->path : NULL;
    lo.ds_text = x->ds;
    lo.ds_len = x->ds_len;
    out->lf = lint_src(o->eng, src, &lo, &out->dl);
    lint_finish(o->eng, out->lf, o->pc, o->fo, &out->dl);
}

static void checked_free(checked *c)
{
    lintfile_free(c->lf);
    diag_list_free(&c->dl);
}

static bool counted(const diag *d)
{
    return !d->hidden && !d->suppressed;
}

static size_t count_rule(const diag_list *dl, const char *id, bool errors_only)
{
    size_t n = 0;
    for (size_t i = 0; i < dl->n; i++) {
        const diag *d = &dl->items[i];
        if (counted(d) && strcmp(d->rule, id) == 0 && (!errors_only || d->sev == SEV_ERROR))
            n++;
    }
    return n;
}

/* Whether after holds more errors of some rule than before. */
static bool gains_error(const diag_list *before, const diag_list *after)
{
    for (size_t i = 0; i < after->n; i++) {
        const diag *d = &after->items[i];
        if (!counted(d) || d->sev != SEV_ERROR)
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = counted(&after->items[j]) && after->items[j].sev == SEV_ERROR &&
                   strcmp(after->items[j].rule, d->rule) == 0;
        if (!seen && count_rule(after, d->rule, true) > count_rule(before, d->rule, true))
            return true;
    }
    return false;
}

/* Peaks as the fix titles state them: to 0.1 GiB. */
bool fix_same_peak(double a, double b)
{
    char x[32], y[32];
    snprintf(x, sizeof x, "%.1f", a / GIB);
    snprintf(y, sizeof y, "%.1f", b / GIB);
    return strcmp(x, y) == 0;
}

static void peak_of(const lintfile *lf, double *peak)
{
    const lint_extra *x = lf->extra;
    *peak = x && x->has_estimate ? x->est.peak : 0;
}

static bool peak_is(const lintfile *lf, double want)
{
    const lint_extra *x = lf->extra;
    return x && x->has_estimate && fix_same_peak(x->est.peak, want);
}

static bool is_fit(const fix *f)
{
    return f->peak > 0;
}

/* Applies the fixes `want` picks from dl (findings of lf, whose texts are
 * cur) into next. Returns the number of fixes applied; 0 (next untouched)
 * when nothing changes or a fix edits a file other than these two. The
 * titles of the applied fixes are appended to titles when it is given. */
static size_t apply(const lintfile *lf, const diag_list *dl, fix_level level, fix_filter want,
                    void *ctx, const texts *cur, texts *next, fix_plan *titles)
{
    fix_result r;
    fix_apply_some(dl, level, want, ctx, &r);
    size_t n = 0;
    bool ok = r.n > 0;
    for (size_t i = 0; i < r.n && ok; i++)
        ok = r.files[i].src == lf->src || (lf->ds_src && r.files[i].src == lf->ds_src);
    if (ok) {
        next->t = xstrndup(cur->t, cur->len);
        next->len = cur->len;
        next->ds = cur->ds ? xstrndup(cur->ds, cur->ds_len) : NULL;
        next->ds_len = cur->ds_len;
        for (size_t i = 0; i < r.n; i++) {
            fixed_src *f = &r.files[i];
            char **slot = f->src == lf->src ? &next->t : &next->ds;
            size_t *len = f->src == lf->src ? &next->len : &next->ds_len;
            free(*slot);
            *slot = f->text;
            *len = f->len;
            f->text = NULL;
            for (size_t k = 0; k < f->nfixes; k++) {
                n++;
                if (titles) {
                    titles->titles =
                        xrealloc(titles->titles, (titles->ntitles + 1) * sizeof *titles->titles);
                    titles->peaks =
                        xrealloc(titles->peaks, (titles->ntitles + 1) * sizeof *titles->peaks);
                    titles->peaks[titles->ntitles] = 0;
                    titles->titles[titles->ntitles++] = xstrdup(f->titles[k]);
                }
            }
        }
    }
    fix_result_free(&r);
    return n;
}

static bool only(void *ctx, const diag *d, const fix *f)
{
    (void)d;
    return f == ctx;
}

/* Whether f, applied alone to cur, removes a finding of d's rule, adds no
 * error, and, a fit fix, makes the job fit at the peak it promised. */
static bool prove_one(const fix_proof_opts *o, const lintfile *lf, const diag_list *dl,
                      const diag *d, const fix *f, const texts *cur, const diag_list *base)
{
    texts next = {0};
    if (apply(lf, dl, FIX_ALL, only, (void *)f, cur, &next, NULL) == 0)
        return false;
    checked c;
    recheck(o, lf, &next, &c);
    bool ok = count_rule(&c.dl, d->rule, false) < count_rule(base, d->rule, false) &&
              !gains_error(base, &c.dl);
    if (ok && is_fit(f)) /* it fits, at the peak it promised */
        ok = peak_is(c.lf, f->peak) && c.lf->extra->est.verdict &&
             strcmp(c.lf->extra->est.verdict, "fits") == 0;
    checked_free(&c);
    texts_free(&next);
    return ok;
}

/* Proves the fixes of dl allowed at level against base (the findings of
 * cur checked the same way); removes the failing ones. */
static size_t prove_list(const fix_proof_opts *o, const lintfile *lf, diag_list *dl,
                         fix_level level, const texts *cur, const diag_list *base)
{
    size_t removed = 0;
    for (size_t i = 0; i < dl->n; i++) {
        diag *d = &dl->items[i];
        if (!counted(d))
            continue;
        for (size_t k = 0; k < d->nfixes;) {
            const fix *f = &d->fixes[k];
            if (f->nedits == 0 || !(f->safe || level == FIX_ALL) ||
                prove_one(o, lf, dl, d, f, cur, base)) {
                k++;
                continue;
            }
            memmove(&d->fixes[k], &d->fixes[k + 1], (d->nfixes - k - 1) * sizeof *d->fixes);
            d->nfixes--;
            removed++;
        }
    }
    return removed;
}

static bool has_fixes(const diag_list *dl)
{
    for (size_t i = 0; i < dl->n; i++)
        if (counted(&dl->items[i]))
            for (size_t k = 0; k < dl->items[i].nfixes; k++)
                if (dl->items[i].fixes[k].nedits)
                    return true;
    return false;
}

/* Drops every fix of dl (a file too large to prove them on). */
static size_t drop_all(diag_list *dl)
{
    size_t removed = 0;
    for (size_t i = 0; i < dl->n; i++) {
        removed += dl->items[i].nfixes;
        dl->items[i].nfixes = 0;
    }
    return removed;
}

size_t fix_prove(const fix_proof_opts *o, lintfile *lf, diag_list *dl)
{
    if (!lf || !lf->loaded || !has_fixes(dl))
        return 0;
    /* a proof checks the whole file again per fix: past this size (no real
     * config comes near it) fixes are named in the help, never applied */
    if (lf->src->len > FIX_PROOF_MAX_BYTES || (lf->ds_src && lf->ds_src->len > FIX_PROOF_MAX_BYTES))
        return drop_all(dl);
    texts cur;
    texts_from(lf, &cur);
    size_t removed;
    if (lf->ds_src) {
        /* the DeepSpeed file's own findings appear in dl only the first time
         * a run meets it; compare with a check that always has them */
        checked base;
        recheck(o, lf, &cur, &base);
        removed = prove_list(o, lf, dl, FIX_ALL, &cur, &base.dl);
        checked_free(&base);
    } else {
        removed = prove_list(o, lf, dl, FIX_ALL, &cur, dl);
    }
    texts_free(&cur);
    return removed;
}

/* Pickers for fix_apply_some. */
typedef struct pick {
    bool fit;         /* pick fit fixes (else the others) */
    bool first_only;  /* only the first one met */
    const fix *chosen;
} pick;

static bool picker(void *ctx, const diag *d, const fix *f)
{
    (void)d;
    pick *p = ctx;
    if (is_fit(f) != p->fit)
        return false;
    if (!p->first_only)
        return true;
    if (!p->chosen)
        p->chosen = f;
    return f == p->chosen;
}

void fix_plan_make(const fix_proof_opts *o, const lintfile *lf, fix_level level, fix_plan *out)
{
    memset(out, 0, sizeof *out);
    if (!lf || !lf->loaded || level == FIX_NONE)
        return;
    texts cur;
    texts_from(lf, &cur);
    bool changed = false, ds_changed = false;
    bool settled = false;
    for (int pass = 0; pass < MAX_PASSES && !settled; pass++) {
        checked c;
        recheck(o, lf, &cur, &c);
        peak_of(c.lf, &out->final_peak);
        if (!c.lf->loaded || !has_fixes(&c.dl)) {
            checked_free(&c);
            break;
        }
        prove_list(o, c.lf, &c.dl, level, &cur, &c.dl);
        texts next = {0};
        fix_plan titles = {0};
        /* the proven fixes other than fit fixes, together when that holds */
        pick p = {.fit = false};
        size_t n = apply(c.lf, &c.dl, level, picker, &p, &cur, &next, &titles);
        if (n > 1) {
            checked v;
            recheck(o, lf, &next, &v);
            bool bad = gains_error(&c.dl, &v.dl);
            checked_free(&v);
            if (bad) {
                texts_free(&next);
                fix_plan_free(&titles);
                p = (pick){.fit = false, .first_only = true};
                n = apply(c.lf, &c.dl, level, picker, &p, &cur, &next, &titles);
            }
        }
        /* then the first fit fix, alone */
        if (n == 0) {
            p = (pick){.fit = true, .first_only = true};
            n = apply(c.lf, &c.dl, level, picker, &p, &cur, &next, &titles);
            if (n && p.chosen)
                titles.peaks[titles.ntitles - 1] = p.chosen->peak;
        }
        checked_free(&c);
        if (n == 0) {
            fix_plan_free(&titles);
            settled = true;
            break;
        }
        if (next.len != cur.len || memcmp(next.t, cur.t, cur.len) != 0)
            changed = true;
        if (next.ds && (next.ds_len != cur.ds_len || memcmp(next.ds, cur.ds, cur.ds_len) != 0))
            ds_changed = true;
        texts_free(&cur);
        cur = next;
        out->titles = xrealloc(out->titles, (out->ntitles + titles.ntitles) * sizeof *out->titles);
        out->peaks = xrealloc(out->peaks, (out->ntitles + titles.ntitles) * sizeof *out->peaks);
        memcpy(out->titles + out->ntitles, titles.titles, titles.ntitles * sizeof *titles.titles);
        memcpy(out->peaks + out->ntitles, titles.peaks, titles.ntitles * sizeof *titles.peaks);
        out->ntitles += titles.ntitles;
        free(titles.titles);
        free(titles.peaks);
    }
    if (!settled) { /* stopped at the pass limit: the estimate of the last text */
        checked c;
        recheck(o, lf, &cur, &c);
        peak_of(c.lf, &out->final_peak);
        checked_free(&c);
    }
    if (changed) {
        out->text = cur.t;
        out->len = cur.len;
        cur.t = NULL;
    }
    if (ds_changed) {
        out->ds_text = cur.ds;
        out->ds_len = cur.ds_len;
        cur.ds = NULL;
    }
    texts_free(&cur);
}

void fix_plan_free(fix_plan *p)
{
    free(p->text);
    free(p->ds_text);
    for (size_t i = 0; i < p->ntitles; i++)
        free(p->titles[i]);
    free(p->titles);
    free(p->peaks);
    memset(p, 0, sizeof *p);
}
