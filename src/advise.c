/*
 * advise.c - fit verdicts and the changes that make a job fit. See advise.h.
 */
#include "advise.h"
#include "edit.h"
#include "engine.h"
#include "facts.h"
#include "lint.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)

static bool fits(const est_params *p, const model_info *m, const est_job *j, const gpu_info *g,
                 double *peak)
{
    estimate e;
    est_compute(p, m, j, g, &e);
    *peak = e.peak;
    return e.verdict && strcmp(e.verdict, "fits") == 0;
}

static void set_field(fit_option *o, job_field f, double v)
{
    if (o->nfields >= 4)
        return;
    o->fields[o->nfields] = f;
    snprintf(o->values[o->nfields], sizeof o->values[0], "%.0f", v);
    o->nfields++;
}

static void set_text(fit_option *o, job_field f, const char *text)
{
    if (o->nfields >= 4)
        return;
    o->fields[o->nfields] = f;
    snprintf(o->values[o->nfields], sizeof o->values[0], "%s", text);
    o->nfields++;
}

size_t advise_options(struct engine *eng, const lintfile *lf, fit_option *out, size_t max)
{
    const lint_extra *x = lf->extra;
    if (!x || !x->has_estimate || !x->gpu || max == 0)
        return 0;
    const est_params *p = &eng->catalog.est;
    const model_info *m = &x->model;
    const gpu_info *g = x->gpu;
    est_job resolved = x->job;
    est_job_resolve(p, &resolved);
    const est_job base = resolved;
    size_t n = 0;
    double peak;

    /* the longest sequence the model takes (0: unknown) */
    const double ctx = m->max_position > 0 ? m->max_position : 0;
    /* torchtune's optimizer_in_bwd steps during backward: no accumulation */
    const bool accum_ok = !base.optimizer_in_bwd;
    const double eff = base.micro_batch * fmax(1, base.grad_accum);

    /* 1. a smaller micro batch: the largest that fits and divides the
     * effective batch, which the accumulation keeps; without accumulation,
     * the largest that fits (the effective batch shrinks, and says so) */
    if (base.micro_batch > 1 && n < max) {
        double b = fmin(est_max_micro_batch(p, m, &base, g), base.micro_batch - 1);
        for (int tries = 0; b >= 1 && tries < 64; b--, tries++) {
            est_job j = base;
            j.micro_batch = b;
            if (accum_ok) {
                if (fmod(eff, b) != 0)
                    continue;
                j.grad_accum = eff / b;
            }
            if (!fits(p, m, &j, g, &peak))
                continue;
            fit_option *o = &out[n++];
            memset(o, 0, sizeof *o);
            o->peak = peak;
            set_field(o, JF_MICRO_BATCH, b);
            if (accum_ok) {
                snprintf(o->title, sizeof o->title,
                         "micro batch %.0f -> %.0f with gradient accumulation %.0f -> %.0f (same "
                         "effective batch)",
                         base.micro_batch, b, fmax(1, base.grad_accum), j.grad_accum);
                set_field(o, JF_GRAD_ACCUM, j.grad_accum);
            } else {
                snprintf(o->title, sizeof o->title,
                         "micro batch %.0f -> %.0f (effective batch %.0f -> %.0f: optimizer_in_bwd "
                         "rules out gradient accumulation)",
                         base.micro_batch, b, eff, b * fmax(1, base.grad_accum));
            }
            break;
        }
    }
    /* 2. gradient checkpointing */
    if (!base.grad_ckpt && base.method != M_INFERENCE && n < max) {
        est_job j = base;
        j.grad_ckpt = true;
        if (fits(p, m, &j, g, &peak)) {
            fit_option *o = &out[n++];
            memset(o, 0, sizeof *o);
            o->peak = peak;
            snprintf(o->title, sizeof o->title, "gradient checkpointing (about 20-30%% slower)");
            set_text(o, JF_GRAD_CKPT, "true");
        }
    }
    /* 3. an 8-bit optimizer for full fine-tuning */
    const optimizer_profile *op = x->est.opt;
    if (base.method == M_FULL && op && (op->state_bytes == 0 || op->state_bytes >= 2) &&
        op->states >= 1 && n < max) {
        est_job j = base;
        j.optimizer = "adamw_8bit";
        if (fits(p, m, &j, g, &peak)) {
            fit_option *o = &out[n++];
            memset(o, 0, sizeof *o);
            o->peak = peak;
            snprintf(o->title, sizeof o->title, "an 8-bit AdamW (bitsandbytes)");
            set_text(o, JF_OPTIMIZER, "adamw_8bit");
        }
    }
    /* 4. 4-bit loading for LoRA */
    if (base.method == M_LORA && n < max) {
        est_job j = base;
        j.method = M_QLORA;
        j.quant_bits = 4;
        j.quant_bnb = true;
        if (fits(p, m, &j, g, &peak)) {
            fit_option *o = &out[n++];
            memset(o, 0, sizeof *o);
            o->peak = peak;
            snprintf(o->title, sizeof o->title, "4-bit loading of the base model (QLoRA)");
            set_text(o, JF_QUANT_BITS, "4");
        }
    }
    /* 5. a shorter sequence, at micro batch 1 when the batch is larger (the
     * accumulation grows to keep the effective batch): truncating is the
     * last resort, so it should be as mild as possible; never longer than
     * the model's context */
    if (n < max) {
        est_job j = base;
        double accum = fmax(1, base.grad_accum);
        bool rebatch = j.micro_batch > 1 && accum_ok;
        if (rebatch) {
            accum = eff;
            j.micro_batch = 1;
            j.grad_accum = accum;
        }
        double s = est_max_seq_len(p, m, &j, g);
        if (ctx > 0 && s > ctx)
            s = ctx;
        if (s >= 256 && s < base.seq_len) {
            j.seq_len = s;
            bool ok = fits(p, m, &j, g, &peak);
            fit_option *o = &out[n];
            memset(o, 0, sizeof *o);
            o->peak = peak;
            if (rebatch) {
                snprintf(o->title, sizeof o->title,
                         "micro batch %.0f -> 1 with gradient accumulation %.0f -> %.0f, and "
                         "sequence length %.0f -> %.0f (truncates longer samples)",
                         base.micro_batch, fmax(1, base.grad_accum), accum, base.seq_len, s);
                set_field(o, JF_MICRO_BATCH, 1);
                set_field(o, JF_GRAD_ACCUM, accum);
            } else {
                snprintf(o->title, sizeof o->title,
                         "sequence length %.0f -> %.0f (truncates longer samples)", base.seq_len,
                         s);
            }
            set_field(o, JF_SEQ_LEN, s);
            if (ok)
                n++;
        }
    }
    /* 6. when no single change is enough: apply them cumulatively, cheapest
     * first, stopping as soon as the job fits; the sequence is shortened
     * last, and only as far as needed. */
    if (n == 0) {
        est_job j = base;
        fit_option o;
        memset(&o, 0, sizeof o);
        strbuf t = {0};
        bool ok = false;
        if (j.micro_batch > 1 && accum_ok) {
            double accum = j.micro_batch * fmax(1, j.grad_accum);
            set_field(&o, JF_MICRO_BATCH, 1);
            set_field(&o, JF_GRAD_ACCUM, accum);
            sb_printf(&t, "micro batch %.0f -> 1 with accumulation %.0f", j.micro_batch, accum);
            j.micro_batch = 1;
            j.grad_accum = accum;
            ok = fits(p, m, &j, g, &peak);
        }
        if (!ok && !j.grad_ckpt && j.method != M_INFERENCE) {
            j.grad_ckpt = true;
            set_text(&o, JF_GRAD_CKPT, "true");
            sb_printf(&t, "%sgradient checkpointing", t.len ? ", " : "");
            ok = fits(p, m, &j, g, &peak);
        }
        if (!ok && j.method == M_LORA) {
            j.method = M_QLORA;
            j.quant_bits = 4;
            j.quant_bnb = true;
            set_text(&o, JF_QUANT_BITS, "4");
            sb_printf(&t, "%s4-bit loading", t.len ? ", " : "");
            ok = fits(p, m, &j, g, &peak);
        } else if (!ok && j.method == M_FULL && op && op->states >= 1 &&
                   (op->state_bytes == 0 || op->state_bytes >= 2)) {
            j.optimizer = "adamw_8bit";
            set_text(&o, JF_OPTIMIZER, "adamw_8bit");
            sb_printf(&t, "%san 8-bit optimizer", t.len ? ", " : "");
            ok = fits(p, m, &j, g, &peak);
        }
        if (!ok && o.nfields < 4) {
            double s = est_max_seq_len(p, m, &j, g);
            if (ctx > 0 && s > ctx)
                s = ctx;
            if (s >= 256 && s < j.seq_len) {
                sb_printf(&t, "%ssequence length %.0f -> %.0f", t.len ? ", " : "", j.seq_len, s);
                j.seq_len = s;
                set_field(&o, JF_SEQ_LEN, s);
                ok = fits(p, m, &j, g, &peak);
            }
        }
        if (ok && max > 0) {
            o.peak = peak;
            snprintf(o.title, sizeof o.title, "together: %s", t.buf ? t.buf : "");
            out[n++] = o;
        }
        sb_free(&t);
    }
    return n;
}

static void add_option_fix(lintfile *lf, const fit_option *o, diag_list *dl, diag *d)
{
    const doc_node *root = doc_root(&lf->d);
    if (!lf->fmt || !root)
        return;
    char gib[32];
    snprintf(gib, sizeof gib, "%.1f GiB", o->peak / GIB);
    fix *f = diag_add_fix(dl, d, false, "%s: peak %s", o->title, gib);
    if (!f)
        return;
    f->peak = o->peak;
    bool ok = true;
    for (size_t i = 0; i < o->nfields && ok; i++) {
        const char *keys[4], *texts[4];
        size_t k = schema_setter_edits(lf->fmt, (job_field)o->fields[i], o->values[i], keys, texts,
                                       4, &lf->mem);
        if (k == 0)
            ok = false;
        for (size_t e = 0; e < k && ok; e++)
            ok = edit_set_path(dl, f, lf->src, root, keys[e], texts[e]);
    }
    if (!ok || f->nedits == 0)
        d->nfixes--; /* this format cannot express the change as edits */
}

static const value *where(const lintfile *lf)
{
    static const job_field order[] = {JF_MICRO_BATCH, JF_SEQ_LEN, JF_MODEL, JF_METHOD};
    for (size_t i = 0; i < ARRAY_LEN(order); i++) {
        const value *v = &lf->job.f[order[i]];
        if (v->origin && v->origin_doc == &lf->d)
            return v;
    }
    return NULL;
}

void advise_fit(struct engine *eng, lintfile *lf, diag_list *dl)
{
    lint_extra *x = lf->extra;
    if (!x || !x->has_estimate || !x->gpu || !x->est.verdict)
        return;
    const estimate *e = &x->est;
    bool nofit = strcmp(e->verdict, "does_not_fit") == 0;
    bool tight = strcmp(e->verdict, "tight") == 0;
    if (!nofit && !tight)
        return;
    const value *at = where(lf);
    size_t s = 0, en = 0;
    if (at) {
        const doc_node *n = at->origin_key ? at->origin_key : at->origin;
        s = n->start;
        en = n->end;
    }
    double cap = e->capacity;
    char per[32] = "";
    if (x->gpus > 1)
        snprintf(per, sizeof per, " per GPU (%.0f GPUs)", x->gpus);
    est_part parts[EST_NPARTS];
    est_breakdown_parts(&e->at_peak, parts);
    char within[48];
    snprintf(within, sizeof within, "is within %.0f%% of", eng->catalog.est.tight_margin * 100);
    strbuf comp = {0};
    for (size_t i = 0; i < ARRAY_LEN(parts); i++)
        if (parts[i].bytes >= 0.05 * GIB)
            sb_printf(&comp, "%s%s %.1f", comp.len ? ", " : "", parts[i].name,
                      parts[i].bytes / GIB);
    diag *d = diag_add(dl, lf->src, nofit ? "does-not-fit-gpu" : "tight-fit",
                       nofit ? SEV_ERROR : SEV_WARNING, s, en,
                       "estimated peak %.1f GiB%s %s the %.1f GiB of the %s (%s GiB, at the end "
                       "of the %s)",
                       e->peak / GIB, per, nofit ? "does not fit in" : within,
                       cap / GIB, x->gpu->name, comp.buf ? comp.buf : "",
                       strcmp(e->peak_phase, "forward") == 0 ? "forward pass" : "backward pass");
    sb_free(&comp);
    if (!d)
        return;
    fit_option opts[6];
    size_t n = advise_options(eng, lf, opts, ARRAY_LEN(opts));
    strbuf h = {0};
    if (n) {
        sb_puts(&h, "changes that fit: ");
        for (size_t i = 0; i < n; i++)
            sb_printf(&h, "%s%s (%.1f GiB)", i ? "; " : "", opts[i].title, opts[i].peak / GIB);
    } else if (x->gpus <= 1) {
        sb_puts(&h, "no single setting fits on this GPU: shard over several GPUs (ZeRO-3 or "
                    "FSDP), offload to CPU, or choose a larger GPU");
    } else {
        sb_puts(&h, "shard parameters, gradients and optimizer state (ZeRO-3 or FSDP), or "
                    "offload them to CPU");
    }
    if (tight)
        sb_puts(&h, "; fragmentation and evaluation spikes often push a run this close over");
    diag_set_help(dl, d, "%s", h.buf);
    sb_free(&h);
    for (size_t i = 0; i < n; i++)
        add_option_fix(lf, &opts[i], dl, d);
}
