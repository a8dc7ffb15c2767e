/*
 * facts.c - the model, GPU and estimate of a checked file, and the model,
 * gpu, mem, time and data namespaces of rule expressions. See facts.h.
 */
#include "facts.h"
#include "dataset.h"
#include "engine.h"
#include "lint.h"
#include "ns.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool str_is(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void assume(lint_extra *x, arena *a, const char *text)
{
    if (x->nassumptions < ARRAY_LEN(x->assumptions))
        x->assumptions[x->nassumptions++] = arena_strdup(a, text);
}

/* Fills an estimator job from the normalised job. */
void facts_job(const lintfile *lf, const model_info *m, double gpus, est_job *j, lint_extra *x,
               arena *a)
{
    const job *jb = &lf->job;
    memset(j, 0, sizeof *j);
    const char *method = job_str(jb, JF_METHOD, "full", a);
    const char *mode = job_str(jb, JF_MODE, "train", a);
    j->quant_bits = job_num(jb, JF_QUANT_BITS, 0);
    if (str_is(mode, "inference"))
        j->method = M_INFERENCE;
    else if (str_is(method, "qlora") || (str_is(method, "lora") && j->quant_bits > 0))
        j->method = M_QLORA;
    else if (str_is(method, "lora") || str_is(method, "oft") || str_is(method, "adapter"))
        j->method = j->quant_bits > 0 ? M_QLORA : M_LORA;
    else if (str_is(method, "freeze"))
        j->method = M_FREEZE;
    else
        j->method = M_FULL;
    if (j->method == M_QLORA && j->quant_bits <= 0)
        j->quant_bits = 4;
    /* bitsandbytes unless the weights come pre-quantized with their own kernels */
    const char *qt = job_str(jb, JF_QUANT_TYPE, j->quant_bits == 8 ? "int8" : "nf4", a);
    j->quant_bnb = j->quant_bits > 0 && (str_is(qt, "nf4") || str_is(qt, "fp4") ||
                                         str_is(qt, "int8") || str_is(qt, "bnb") ||
                                         str_is(qt, "bitsandbytes"));
    j->double_quant = job_bool(jb, JF_DOUBLE_QUANT, false);
    const char *cd = job_str(jb, JF_COMPUTE_DTYPE, NULL, a);
    if (!cd) {
        cd = "bf16";
        if (x)
            assume(x, a, "compute dtype bf16 (not set in the config)");
    }
    j->compute_bytes = str_is(cd, "fp32") ? 4 : 2;
    const char *wd = job_str(jb, JF_WEIGHT_DTYPE, NULL, a);
    if (!wd) {
        wd = j->method == M_FULL ? "fp32" : cd;
        if (x && j->method == M_FULL)
            assume(x, a, "weights kept in fp32 under mixed precision");
    }
    j->weight_bytes = str_is(wd, "fp32") ? 4 : 2;
    j->optimizer = job_str(jb, JF_OPTIMIZER, "adamw_torch", a);
    j->micro_batch = job_num(jb, JF_MICRO_BATCH, 1);
    if (j->micro_batch < 1)
        j->micro_batch = 1;
    j->grad_accum = job_num(jb, JF_GRAD_ACCUM, 1);
    j->seq_len = job_num(jb, JF_SEQ_LEN, 0);
    if (j->seq_len <= 0) {
        double mp = m->max_position > 0 ? m->max_position : 2048;
        j->seq_len = fmin(mp, 2048);
        if (x) {
            char buf[96];
            snprintf(buf, sizeof buf, "sequence length %.0f tokens (the config does not cap it)",
                     j->seq_len);
            assume(x, a, buf);
        }
    }
    j->grad_ckpt = job_bool(jb, JF_GRAD_CKPT, false);
    j->act_offload = job_bool(jb, JF_ACT_OFFLOAD, false);
    j->optimizer_in_bwd = job_bool(jb, JF_OPT_IN_BWD, false);
    j->packing = job_bool(jb, JF_PACKING, false);
    const char *attn = job_str(jb, JF_ATTN_IMPL, "sdpa", a);
    j->attn = str_is(attn, "eager") ? ATTN_EAGER : strstr(attn, "flash") ? ATTN_FLASH : ATTN_SDPA;
    j->lora_r = job_num(jb, JF_LORA_R, 8);
    j->trainable_layers = fabs(job_num(jb, JF_TRAINABLE_LAYERS, 2));
    j->lora_dropout = job_num(jb, JF_LORA_DROPOUT, 0);
    j->dora = job_bool(jb, JF_DORA, false);
    const value *t = &lf->job.f[JF_LORA_TARGETS];
    unsigned bits = 0;
    size_t n = t->kind == V_LIST ? t->nitems : (t->kind == V_NODE && t->node ? t->node->n : 0);
    for (size_t i = 0; i < n; i++) {
        const char *name = NULL;
        char buf[96];
        if (t->kind == V_LIST && t->items[i].kind == V_STR) {
            snprintf(buf, sizeof buf, "%.*s", (int)t->items[i].slen, t->items[i].s);
            name = buf;
        } else if (t->kind == V_NODE && t->node->kind == DOC_SEQ &&
                   t->node->u.items[i]->kind == DOC_SCALAR) {
            name = t->node->u.items[i]->text;
        }
        if (name)
            bits |= est_target_bits(name, m->gated);
    }
    if (!bits && (j->method == M_LORA || j->method == M_QLORA)) {
        bits = TGT_Q | TGT_V;
        if (x && t->kind == V_NULL)
            assume(x, a, "LoRA on q_proj and v_proj (PEFT's default for Llama-style models)");
    }
    j->lora_targets = bits & ~(unsigned)TGT_EMBED;
    const value *e = &lf->job.f[JF_LORA_EXTRA];
    size_t ne = e->kind == V_LIST ? e->nitems : (e->kind == V_NODE && e->node ? e->node->n : 0);
    for (size_t i = 0; i < ne; i++) {
        if (e->kind == V_LIST && e->items[i].kind == V_STR) {
            char buf[96];
            snprintf(buf, sizeof buf, "%.*s", (int)e->items[i].slen, e->items[i].s);
            j->lora_full_train |= est_target_bits(buf, m->gated) & (TGT_EMBED | TGT_HEAD);
        } else if (e->kind == V_NODE && e->node->kind == DOC_SEQ &&
                   e->node->u.items[i]->kind == DOC_SCALAR) {
            j->lora_full_train |= est_target_bits(e->node->u.items[i]->text, m->gated) &
                                  (TGT_EMBED | TGT_HEAD);
        }
    }
    j->zero_stage = job_num(jb, JF_ZERO_STAGE, 0);
    j->offload_optimizer = job_bool(jb, JF_OFFLOAD_OPT, false);
    j->offload_param = job_bool(jb, JF_OFFLOAD_PARAM, false);
    j->fsdp = job_bool(jb, JF_FSDP, false);
    j->fsdp_offload = job_bool(jb, JF_FSDP_OFFLOAD, false);
    j->gpus = gpus > 0 ? gpus : job_num(jb, JF_GPUS, 1);
    if (j->gpus < 1)
        j->gpus = 1;
    j->deepspeed = j->zero_stage > 0 || job_has(jb, JF_DEEPSPEED);
    j->loss_chunked = job_bool(jb, JF_LOSS_CHUNKED, false);
    const char *stage = job_str(jb, JF_STAGE, "sft", a);
    j->preference = str_is(stage, "dpo") || str_is(stage, "ipo") || str_is(stage, "kto") ||
                    str_is(stage, "orpo") || str_is(stage, "simpo") || str_is(stage, "cpo");
    j->runtime = lf->fmt ? lf->fmt->name : "default";
}

/* The dataset: --dataset, else the config's dataset setting when it names a
 * local JSON/JSONL file inside the project (relative to the working
 * directory, then to the config's folder). Hub ids and other formats are not
 * read; a file outside the project is named in a finding and not read. */
static void facts_dataset(lintfile *lf, const facts_opts *o, lint_extra *x, const est_params *p,
                          diag_list *dl)
{
    const char *path = o->dataset;
    if (!path) {
        const value *dv = &lf->job.f[JF_DATASET];
        const char *d = job_str(&lf->job, JF_DATASET, NULL, &lf->mem);
        if (!d || !dataset_is_local_file(d))
            goto size_only;
        char *display = NULL, *real = NULL;
        ref_result rr =
            project_find_ref(&lf->roots, d, REF_FROM_CWD | REF_FROM_CONFIG, &display, &real);
        if (rr == REF_OUTSIDE && dv->origin && dv->origin_doc == &lf->d) {
            diag *g = diag_add(dl, lf->src, "reference-outside-project", SEV_WARNING,
                               dv->origin->start, dv->origin->end,
                               "the dataset '%s' is outside the project; trainlint does not read "
                               "files outside it, so its length statistics are not used",
                               d);
            diag_set_help(dl, g, "keep the file in the repository, list its folder under "
                                 "`roots:` in .trainlint.yaml, or pass --dataset to "
                                 "'trainlint estimate'");
        }
        if (rr == REF_FOUND)
            path = arena_strdup(&lf->mem, display);
        free(display);
        free(real);
        if (!path)
            goto size_only;
    }
    struct stat st;
    if (!o->dataset && !o->dataset_unbounded && stat(path, &st) == 0 &&
        (double)st.st_size > FACTS_DATASET_MAX_BYTES) {
        x->data_error = arena_printf(&lf->mem,
                                     "dataset '%s' (%.0f MiB) is not read during a check; "
                                     "'trainlint estimate' reads it",
                                     path, (double)st.st_size / 1048576.0);
        goto size_only;
    }
    char *err = NULL;
    if (dataset_read(path, p->chars_per_token, p->tokens_per_message, &x->data, &lf->mem, &err) ==
        0) {
        x->has_data = true;
        x->samples = x->data.samples;
    } else {
        x->data_error = arena_strdup(&lf->mem, err);
        free(err);
    }
size_only:
    if (o->samples > 0)
        x->samples = o->samples;
}

/* Whether the model id may be read as a local path (a folder with a
 * config.json, or the file itself): only inside the project, and a relative
 * id only when the working directory is in it. An id that leads out of the
 * project gets a finding; its shape then comes from the catalog or its name. */
static bool model_local_ok(lintfile *lf, const char *id, const value *mv, diag_list *dl)
{
    char cwd[PATH_MAX];
    if (id[0] != '/' && (!getcwd(cwd, sizeof cwd) || !project_contains(&lf->roots, cwd)))
        return false;
    char real[PATH_MAX];
    bool inside = project_resolve(id, real) && project_contains(&lf->roots, real);
    struct stat st;
    if (inside && stat(real, &st) == 0 && S_ISDIR(st.st_mode)) {
        char *cfg = xasprintf("%s/config.json", real);
        char rc[PATH_MAX];
        inside = project_resolve(cfg, rc) && project_contains(&lf->roots, rc);
        free(cfg);
    }
    if (inside)
        return true;
    if (mv->origin && mv->origin_doc == &lf->d) {
        diag *d = diag_add(dl, lf->src, "reference-outside-project", SEV_INFO, mv->origin->start,
                           mv->origin->end,
                           "the model path '%s' is outside the project; trainlint does not read "
                           "files outside it, so the model's shape comes from the catalog or its "
                           "name",
                           id);
        diag_set_help(dl, d, "list the models' folder under `roots:` in .trainlint.yaml to read "
                             "its config.json");
    }
    return false;
}

double facts_fewest_gpus(const est_params *p, const model_info *m, est_job *j,
                         const gpu_info *gpu, estimate *out)
{
    if (!gpu || !(j->fsdp || j->zero_stage >= 1))
        return 0;
    for (int n = 2; n <= 512; n = n < 8 ? n + 1 : n + 8) {
        est_job t = *j;
        t.gpus = n;
        estimate e;
        est_compute(p, m, &t, gpu, &e);
        if (e.verdict && strcmp(e.verdict, "fits") == 0) {
            *j = t;
            *out = e;
            return n;
        }
    }
    return 0;
}

const char *facts_sharding_name(const est_job *j)
{
    if (j->fsdp)
        return "FSDP";
    static const char *const zero[] = {"DeepSpeed", "ZeRO-1", "ZeRO-2", "ZeRO-3"};
    return j->zero_stage >= 1 && j->zero_stage <= 3 ? zero[(int)j->zero_stage] : "DeepSpeed";
}

void facts_compute(struct engine *eng, lintfile *lf, const facts_opts *o, diag_list *dl)
{
    if (!lf->fmt || !lf->loaded)
        return;
    lint_extra *x = lf->extra;
    if (!x) {
        x = xcalloc(1, sizeof *x);
        lf->extra = x;
    }
    if (engine_load_catalog(eng) != 0)
        return;
    const catalog *cat = &eng->catalog;
    /* the GPU */
    x->gpu = o->gpu;
    x->gpus = o->gpus > 0 ? o->gpus : job_num(&lf->job, JF_GPUS, 1);
    if (x->gpus < 1)
        x->gpus = 1;
    if (o->gpus > 0) { /* --gpus describes how the job is launched: rules see it as job.gpus */
        lf->job.f[JF_GPUS] = value_num(o->gpus);
        lf->job.from_default[JF_GPUS] = true;
    }
    /* the model */
    const value *mv = &lf->job.f[JF_MODEL];
    if (mv->kind == V_STR && mv->slen) {
        char *id = arena_strndup(&lf->mem, mv->s, mv->slen);
        char *err = NULL;
        bool found = model_local_ok(lf, id, mv, dl)
                         ? catalog_find_model(cat, id, &x->model, &lf->mem, &err)
                         : catalog_lookup_model(cat, id, &x->model, &lf->mem, &err);
        if (found) {
            x->has_model = true;
            if (x->model.guess && mv->origin && x->gpu) {
                diag *d = diag_add(dl, lf->src, "model-size-guessed", SEV_INFO, mv->origin->start,
                                   mv->origin->end,
                                   "'%s' is not in the model catalog: its size (%.3gB parameters) "
                                   "comes from the name and its shape from %s, so the memory "
                                   "estimate is approximate",
                                   id, x->model.params / 1e9, x->model.template_id);
                diag_set_help(dl, d, "point the config at a local model directory with a "
                                     "config.json for an exact shape");
            }
        } else if (mv->origin && x->gpu) {
            diag *d = diag_add(dl, lf->src, "unknown-model", SEV_INFO, mv->origin->start,
                               mv->origin->end, "%s; memory and time are not estimated", err);
            diag_set_help(dl, d, "use a Hugging Face id from 'trainlint models', or a local "
                                 "directory with the model's config.json");
        }
        free(err);
    }
    if (!x->has_model || !o->want_estimate)
        return;
    est_job j;
    facts_job(lf, &x->model, x->gpus, &j, x, &lf->mem);
    est_compute(&cat->est, &x->model, &j, x->gpu, &x->est);
    /* a job that shards its state over however many GPUs it is launched on,
     * with no count in the config or on the command line, runs on as many as
     * it needs: the fewest of the target type on which it fits */
    if (x->gpu && o->gpus <= 0 && lf->job.f[JF_GPUS].kind != V_NUM && x->est.verdict &&
        strcmp(x->est.verdict, "fits") != 0) {
        x->min_gpus = facts_fewest_gpus(&cat->est, &x->model, &j, x->gpu, &x->est);
        if (x->min_gpus > 0) {
            x->gpus = x->min_gpus;
            const value *mv2 = &lf->job.f[JF_MODEL];
            size_t s0 = mv2->origin ? mv2->origin->start : 0, s1 = mv2->origin ? mv2->origin->end : 0;
            char nodes[32] = "";
            if (x->min_gpus > 8)
                snprintf(nodes, sizeof nodes, " (%.0f nodes of 8)", x->min_gpus / 8);
            diag *d = diag_add(dl, lf->src, "needs-multiple-gpus", SEV_INFO, s0, s1,
                               "needs %.0f x %s%s with %s: the estimated peak is %.1f GiB per "
                               "GPU on %.0f, and the config does not say how many GPUs it runs on",
                               x->min_gpus, x->gpu->name, nodes, facts_sharding_name(&j),
                               x->est.peak / (1024.0 * 1024 * 1024), x->min_gpus);
            diag_set_help(dl, d, "launch it on at least %.0f GPUs (torchrun --nproc_per_node, "
                                 "accelerate launch --num_processes), or give the count with "
                                 "--gpus for a verdict on that many",
                          x->min_gpus);
        }
    }
    if (x->gpu) {
        x->est.max_micro_batch = est_max_micro_batch(&cat->est, &x->model, &j, x->gpu);
        x->est.max_seq_len = est_max_seq_len(&cat->est, &x->model, &j, x->gpu);
    }
    x->job = j;
    x->has_estimate = true;
    facts_dataset(lf, o, x, &cat->est, dl);
    double tps = 0;
    if (x->has_data) {
        dataset_apply_seq_len(&x->data, j.seq_len);
        tps = dataset_tokens_per_sample(&x->data, j.seq_len, j.micro_batch, j.packing);
    }
    est_plan_time(&x->est, &j, tps, x->samples, job_num(&lf->job, JF_EPOCHS, 1),
                  job_num(&lf->job, JF_MAX_STEPS, 0),
                  o->price_per_hour > 0 ? o->price_per_hour : job_num(&lf->job, JF_PRICE, 0),
                  &x->plan);
}

/* ---- namespaces --------------------------------------------------------- */

static void num(value *out, double v)
{
    *out = value_num(v);
}

static void str(value *out, const char *s)
{
    *out = s ? value_str(s, strlen(s)) : value_missing();
}

static void model_field(const model_info *m, const char *f, value *out)
{
    if (!strcmp(f, "id")) str(out, m->id);
    else if (!strcmp(f, "family")) str(out, m->family);
    else if (!strcmp(f, "arch")) str(out, m->arch);
    else if (!strcmp(f, "params")) num(out, m->params);
    else if (!strcmp(f, "active_params")) num(out, m->active_params > 0 ? m->active_params : m->params);
    else if (!strcmp(f, "layers")) num(out, m->layers);
    else if (!strcmp(f, "hidden")) num(out, m->hidden);
    else if (!strcmp(f, "heads")) num(out, m->heads);
    else if (!strcmp(f, "kv_heads")) num(out, m->kv_heads > 0 ? m->kv_heads : m->heads);
    else if (!strcmp(f, "head_dim")) num(out, model_head_dim(m));
    else if (!strcmp(f, "intermediate")) num(out, m->intermediate);
    else if (!strcmp(f, "vocab")) num(out, m->vocab);
    else if (!strcmp(f, "tied_embeddings")) *out = value_bool(m->tied_embeddings);
    else if (!strcmp(f, "experts")) num(out, m->experts);
    else if (!strcmp(f, "experts_per_token")) num(out, m->experts_per_token);
    else if (!strcmp(f, "max_position")) num(out, m->max_position);
    else if (!strcmp(f, "dtype")) str(out, m->dtype);
    else if (!strcmp(f, "source")) str(out, m->origin);
    else if (!strcmp(f, "guess")) *out = value_bool(m->guess);
    else if (!strcmp(f, "moe")) *out = value_bool(m->experts > 0);
    else *out = value_missing();
}

static void gpu_field(const gpu_info *g, double count, const char *f, value *out)
{
    if (!strcmp(f, "id")) str(out, g->id);
    else if (!strcmp(f, "name")) str(out, g->name);
    else if (!strcmp(f, "vendor")) str(out, g->vendor);
    else if (!strcmp(f, "arch")) str(out, g->arch);
    else if (!strcmp(f, "memory_gib")) num(out, gpu_memory_bytes(g) / (1024.0 * 1024 * 1024));
    else if (!strcmp(f, "memory_bytes")) num(out, gpu_memory_bytes(g));
    else if (!strcmp(f, "compute_capability"))
        *out = g->compute_capability > 0 ? value_num(g->compute_capability) : value_missing();
    else if (!strcmp(f, "bf16")) *out = value_bool(g->bf16);
    else if (!strcmp(f, "fp8")) *out = value_bool(g->fp8);
    else if (!strcmp(f, "flash_attention_2")) *out = value_bool(g->flash_attention_2);
    else if (!strcmp(f, "bf16_tflops")) num(out, g->bf16_tflops);
    else if (!strcmp(f, "fp16_tflops")) num(out, g->fp16_tflops);
    else if (!strcmp(f, "bandwidth_gbs")) num(out, g->bandwidth_gbs);
    else if (!strcmp(f, "count")) num(out, count);
    else *out = value_missing();
}

static void mem_field(const estimate *e, const char *f, value *out)
{
    double cap = e->capacity;
    if (!strcmp(f, "weights")) num(out, e->weights);
    else if (!strcmp(f, "adapters")) num(out, e->adapters);
    else if (!strcmp(f, "gradients")) num(out, e->gradients);
    else if (!strcmp(f, "optimizer")) num(out, e->optimizer);
    else if (!strcmp(f, "activations")) num(out, e->activations);
    else if (!strcmp(f, "logits")) num(out, e->logits);
    else if (!strcmp(f, "overhead")) num(out, e->overhead + e->buffers);
    else if (!strcmp(f, "allocated")) num(out, e->allocated);
    else if (!strcmp(f, "reserved")) num(out, e->reserved);
    else if (!strcmp(f, "device")) num(out, e->device);
    else if (!strcmp(f, "peak")) num(out, e->peak);
    else if (!strcmp(f, "peak_gib")) num(out, e->peak / (1024.0 * 1024 * 1024));
    else if (!strcmp(f, "tokens_per_step")) num(out, e->tokens_per_step);
    else if (!strcmp(f, "activation_fraction")) num(out, e->peak > 0 ? e->activations / e->peak : 0);
    else if (!strcmp(f, "logits_fraction")) num(out, e->peak > 0 ? e->logits / e->peak : 0);
    else if (!strcmp(f, "optimizer_fraction")) num(out, e->peak > 0 ? e->optimizer / e->peak : 0);
    else if (cap <= 0) *out = value_missing();
    else if (!strcmp(f, "capacity")) num(out, cap);
    else if (!strcmp(f, "capacity_gib")) num(out, cap / (1024.0 * 1024 * 1024));
    else if (!strcmp(f, "fraction")) num(out, e->peak / cap);
    else if (!strcmp(f, "headroom")) num(out, cap - e->peak);
    else if (!strcmp(f, "verdict")) str(out, e->verdict);
    else if (!strcmp(f, "max_micro_batch")) num(out, e->max_micro_batch);
    else if (!strcmp(f, "max_seq_len")) num(out, e->max_seq_len);
    else *out = value_missing();
}

static void time_field(const lint_extra *x, const char *f, value *out)
{
    const est_plan *t = &x->plan;
    *out = value_missing();
    if (!strcmp(f, "efficiency"))
        num(out, x->est.efficiency);
    else if (t->tokens_per_second <= 0)
        return;
    else if (!strcmp(f, "tokens_per_second")) num(out, t->tokens_per_second);
    else if (!strcmp(f, "step_seconds")) num(out, t->step_seconds);
    else if (!strcmp(f, "steps") && t->total_steps > 0) num(out, t->total_steps);
    else if (!strcmp(f, "epoch_seconds") && t->epoch_seconds > 0) num(out, t->epoch_seconds);
    else if (!strcmp(f, "total_seconds") && t->total_seconds > 0) num(out, t->total_seconds);
    else if (!strcmp(f, "cost") && t->cost > 0) num(out, t->cost);
}

static void data_field(const lint_extra *x, const char *f, value *out)
{
    const dataset_stats *d = &x->data;
    *out = value_missing();
    if (!strcmp(f, "samples") && x->samples > 0) num(out, x->samples);
    else if (!x->has_data) return;
    else if (!strcmp(f, "path")) str(out, d->path);
    else if (!strcmp(f, "tokens_mean")) num(out, d->tokens_mean);
    else if (!strcmp(f, "tokens_p50")) num(out, d->tokens_p50);
    else if (!strcmp(f, "tokens_p95")) num(out, d->tokens_p95);
    else if (!strcmp(f, "tokens_max")) num(out, d->tokens_max);
    else if (!strcmp(f, "truncated_fraction")) num(out, d->truncated_fraction);
    else if (!strcmp(f, "padding_fraction")) num(out, d->padding_fraction);
}

void facts_resolve(const lintfile *lf, int ns, const char *path, value *out)
{
    const lint_extra *x = lf->extra;
    *out = value_missing();
    if (!x)
        return;
    switch (ns) {
    case NS_MODEL:
        if (x->has_model)
            model_field(&x->model, path, out);
        break;
    case NS_GPU:
        if (x->gpu)
            gpu_field(x->gpu, x->gpus, path, out);
        break;
    case NS_MEM:
        if (x->has_estimate)
            mem_field(&x->est, path, out);
        break;
    case NS_TIME:
        if (x->has_estimate)
            time_field(x, path, out);
        break;
    case NS_DATA:
        data_field(x, path, out);
        break;
    default:
        break;
    }
}
