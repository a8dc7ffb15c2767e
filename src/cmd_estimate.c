/*
 * cmd_estimate.c - `trainlint estimate` (the memory breakdown, fit verdict,
 * throughput, time and cost of one job, from a config file and/or flags,
 * optionally swept over one setting) and `trainlint fit` (one job against
 * every catalog GPU, or a list of them).
 *
 * The job comes from the file's normalised job (facts.c) with the flags
 * applied on top; without a file the flags describe it. Inference jobs take
 * one or several models, each with its own quantisation, resident together or
 * one after another.
 */
#include "catalog.h"
#include "cli.h"
#include "config.h"
#include "dataset.h"
#include "engine.h"
#include "estimate.h"
#include "facts.h"
#include "hw.h"
#include "lint.h"

#include <cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)
#define MAX_MODELS 8
#define MAX_SWEEP 32

typedef struct est_cli {
    const char *file;
    const char *models[MAX_MODELS];
    size_t nmodels;
    const char *quants[MAX_MODELS];
    size_t nquants;
    const char *method, *optim, *mode, *gpu, *dataset, *weights, *dtype, *config_path;
    double batch, seq, accum, gpus, zero, context, kv_bits, epochs, max_steps, samples, price,
        lora_r;
    int grad_ckpt, packing, offload, chunked_loss; /* -1 unset, 0 off, 1 on */
    bool together, one_at_a_time, json, isolated;
    const char *sweep_key;
    double sweep[MAX_SWEEP];
    size_t nsweep;
} est_cli;

/* ---- options ------------------------------------------------------------- */

static const char estimate_usage[] =
    "usage: trainlint estimate [FILE] [options]\n"
    "Peak GPU memory per component, fit verdict, throughput, time and cost of a job:\n"
    "the job in FILE (any supported format) with the options applied on top, or the job\n"
    "the options describe.\n"
    "\n"
    "job:\n"
    "  --model ID            model id, alias or local directory with config.json\n"
    "                        (inference: repeat for several models)\n"
    "  --method M            full | lora | qlora | freeze\n"
    "  --quant Q             4 | 8 | 16 (nf4, fp4, int8, gptq, awq, fp8, none); with\n"
    "                        several --model, one per model in the same order\n"
    "  --batch N             micro batch per GPU (inference: concurrent sequences)\n"
    "  --seq N               tokens per sample\n"
    "  --grad-accum N        gradient accumulation steps\n"
    "  --grad-ckpt, --no-grad-ckpt     gradient checkpointing\n"
    "  --packing, --no-packing         sequence packing\n"
    "  --chunked-loss, --no-chunked-loss  fused/chunked cross-entropy (Liger and similar)\n"
    "  --optim NAME          optimizer as the trainer spells it (adamw_torch, adamw_8bit,\n"
    "                        paged_adamw_8bit, adafactor, sgd, lion_8bit, ...)\n"
    "  --lora-r N            LoRA rank\n"
    "  --dtype D             compute dtype: bf16 | fp16 | fp32\n"
    "  --weights D           dtype of the trained weights: fp32 | bf16 (full fine-tuning)\n"
    "  --gpus N              data-parallel GPUs\n"
    "  --zero N              DeepSpeed ZeRO stage 0-3\n"
    "  --offload             ZeRO optimizer offload to CPU\n"
    "  --mode M              train (default) | inference\n"
    "  --context N           inference: tokens of prompt + output per sequence\n"
    "  --kv-bits N           inference: KV cache precision, 16 or 8\n"
    "  --together            inference: all models resident at once (default)\n"
    "  --one-at-a-time       inference: each model loaded, run and unloaded in turn\n"
    "data and time:\n"
    "  --dataset FILE        local JSON/JSONL dataset (samples and token lengths)\n"
    "  --samples N           dataset size, when there is no local file\n"
    "  --epochs N, --max-steps N\n"
    "  --price-per-hour USD  price of one GPU-hour\n"
    "target and output:\n"
    "  --gpu NAME            target GPU ('trainlint gpus'), or auto (nvidia-smi)\n"
    "  --sweep KEY=V1,V2,..  one row per value; KEY: seq, batch, gpus, accum, context\n"
    "  -f, --format FMT      text (default) or json\n"
    "  --config FILE, --isolated   settings file (.trainlint.yaml) to use or to ignore\n"
    "\n"
    "Exit status: 0 fits (or no GPU given), 1 tight or does not fit, 2 error.\n";

static bool parse_pos(const char *s, const char *opt, double *out, bool allow_zero)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < 0 || (!allow_zero && v == 0) || v > 1e12) {
        fprintf(stderr, "trainlint estimate: %s takes a %s number, not '%s'\n", opt,
                allow_zero ? "non-negative" : "positive", s);
        return false;
    }
    *out = v;
    return true;
}

static bool parse_sweep(const char *arg, est_cli *o)
{
    const char *eq = strchr(arg, '=');
    static const char *const keys[] = {"seq", "batch", "gpus", "accum", "context", NULL};
    if (!eq) {
        fprintf(stderr, "trainlint estimate: --sweep takes KEY=V1,V2,... (e.g. seq=1024,2048)\n");
        return false;
    }
    size_t kl = (size_t)(eq - arg);
    o->sweep_key = NULL;
    for (size_t i = 0; keys[i]; i++)
        if (strlen(keys[i]) == kl && strncmp(arg, keys[i], kl) == 0)
            o->sweep_key = keys[i];
    if (!o->sweep_key) {
        fprintf(stderr,
                "trainlint estimate: --sweep key '%.*s' is not one of seq, batch, gpus, accum, "
                "context\n",
                (int)kl, arg);
        return false;
    }
    const char *p = eq + 1;
    o->nsweep = 0;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !(v > 0) || v > 1e9 || (*end && *end != ',')) {
            fprintf(stderr, "trainlint estimate: --sweep values must be positive numbers: '%s'\n",
                    eq + 1);
            return false;
        }
        if (o->nsweep == MAX_SWEEP) {
            fprintf(stderr, "trainlint estimate: --sweep takes at most %d values\n", MAX_SWEEP);
            return false;
        }
        o->sweep[o->nsweep++] = v;
        p = *end ? end + 1 : end;
    }
    if (!o->nsweep) {
        fprintf(stderr, "trainlint estimate: --sweep %s has no values\n", arg);
        return false;
    }
    return true;
}

enum {
    O_MODEL = 256, O_METHOD, O_QUANT, O_BATCH, O_SEQ, O_ACCUM, O_CKPT, O_NOCKPT, O_PACK, O_NOPACK,
    O_CHUNK, O_NOCHUNK, O_OPTIM, O_LORA_R, O_DTYPE, O_WEIGHTS, O_GPUS, O_ZERO, O_OFFLOAD, O_MODE,
    O_CONTEXT, O_KV, O_TOGETHER, O_ONE, O_DATASET, O_SAMPLES, O_EPOCHS, O_MAXSTEPS, O_PRICE, O_GPU,
    O_SWEEP, O_CONFIG, O_ISOLATED
};

static int parse_cli(int argc, char **argv, const char *cmd, const char *usage, est_cli *o)
{
    static const struct option longs[] = {
        {"model", required_argument, NULL, O_MODEL},
        {"method", required_argument, NULL, O_METHOD},
        {"quant", required_argument, NULL, O_QUANT},
        {"batch", required_argument, NULL, O_BATCH},
        {"seq", required_argument, NULL, O_SEQ},
        {"grad-accum", required_argument, NULL, O_ACCUM},
        {"grad-ckpt", no_argument, NULL, O_CKPT},
        {"no-grad-ckpt", no_argument, NULL, O_NOCKPT},
        {"packing", no_argument, NULL, O_PACK},
        {"no-packing", no_argument, NULL, O_NOPACK},
        {"chunked-loss", no_argument, NULL, O_CHUNK},
        {"no-chunked-loss", no_argument, NULL, O_NOCHUNK},
        {"optim", required_argument, NULL, O_OPTIM},
        {"lora-r", required_argument, NULL, O_LORA_R},
        {"dtype", required_argument, NULL, O_DTYPE},
        {"weights", required_argument, NULL, O_WEIGHTS},
        {"gpus", required_argument, NULL, O_GPUS},
        {"zero", required_argument, NULL, O_ZERO},
        {"offload", no_argument, NULL, O_OFFLOAD},
        {"mode", required_argument, NULL, O_MODE},
        {"context", required_argument, NULL, O_CONTEXT},
        {"kv-bits", required_argument, NULL, O_KV},
        {"together", no_argument, NULL, O_TOGETHER},
        {"one-at-a-time", no_argument, NULL, O_ONE},
        {"dataset", required_argument, NULL, O_DATASET},
        {"samples", required_argument, NULL, O_SAMPLES},
        {"epochs", required_argument, NULL, O_EPOCHS},
        {"max-steps", required_argument, NULL, O_MAXSTEPS},
        {"price-per-hour", required_argument, NULL, O_PRICE},
        {"gpu", required_argument, NULL, O_GPU},
        {"sweep", required_argument, NULL, O_SWEEP},
        {"config", required_argument, NULL, O_CONFIG},
        {"isolated", no_argument, NULL, O_ISOLATED},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    o->grad_ckpt = o->packing = o->offload = o->chunked_loss = -1;
    o->zero = -1;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:h", longs, NULL)) != -1) {
        switch (c) {
        case O_MODEL:
            if (o->nmodels == MAX_MODELS) {
                fprintf(stderr, "trainlint %s: at most %d --model\n", cmd, MAX_MODELS);
                return -1;
            }
            o->models[o->nmodels++] = optarg;
            break;
        case O_QUANT:
            if (o->nquants == MAX_MODELS) {
                fprintf(stderr, "trainlint %s: at most %d --quant\n", cmd, MAX_MODELS);
                return -1;
            }
            o->quants[o->nquants++] = optarg;
            break;
        case O_METHOD:
            if (strcmp(optarg, "full") && strcmp(optarg, "lora") && strcmp(optarg, "qlora") &&
                strcmp(optarg, "freeze")) {
                fprintf(stderr, "trainlint %s: --method takes full, lora, qlora or freeze\n", cmd);
                return -1;
            }
            o->method = optarg;
            break;
        case O_BATCH:
            if (!parse_pos(optarg, "--batch", &o->batch, false))
                return -1;
            break;
        case O_SEQ:
            if (!parse_pos(optarg, "--seq", &o->seq, false))
                return -1;
            break;
        case O_ACCUM:
            if (!parse_pos(optarg, "--grad-accum", &o->accum, false))
                return -1;
            break;
        case O_CKPT: o->grad_ckpt = 1; break;
        case O_NOCKPT: o->grad_ckpt = 0; break;
        case O_PACK: o->packing = 1; break;
        case O_NOPACK: o->packing = 0; break;
        case O_CHUNK: o->chunked_loss = 1; break;
        case O_NOCHUNK: o->chunked_loss = 0; break;
        case O_OFFLOAD: o->offload = 1; break;
        case O_OPTIM: o->optim = optarg; break;
        case O_LORA_R:
            if (!parse_pos(optarg, "--lora-r", &o->lora_r, false))
                return -1;
            break;
        case O_DTYPE:
        case O_WEIGHTS:
            if (strcmp(optarg, "bf16") && strcmp(optarg, "fp16") && strcmp(optarg, "fp32")) {
                fprintf(stderr, "trainlint %s: --%s takes bf16, fp16 or fp32\n", cmd,
                        c == O_DTYPE ? "dtype" : "weights");
                return -1;
            }
            if (c == O_DTYPE)
                o->dtype = optarg;
            else
                o->weights = optarg;
            break;
        case O_GPUS:
            if (!parse_pos(optarg, "--gpus", &o->gpus, false))
                return -1;
            break;
        case O_ZERO:
            if (!parse_pos(optarg, "--zero", &o->zero, true) || o->zero > 3 ||
                o->zero != floor(o->zero)) {
                fprintf(stderr, "trainlint %s: --zero takes 0, 1, 2 or 3\n", cmd);
                return -1;
            }
            break;
        case O_MODE:
            if (strcmp(optarg, "train") && strcmp(optarg, "inference")) {
                fprintf(stderr, "trainlint %s: --mode takes train or inference\n", cmd);
                return -1;
            }
            o->mode = optarg;
            break;
        case O_CONTEXT:
            if (!parse_pos(optarg, "--context", &o->context, false))
                return -1;
            break;
        case O_KV:
            if (!parse_pos(optarg, "--kv-bits", &o->kv_bits, false) ||
                (o->kv_bits != 16 && o->kv_bits != 8 && o->kv_bits != 4 && o->kv_bits != 32)) {
                fprintf(stderr, "trainlint %s: --kv-bits takes 32, 16, 8 or 4\n", cmd);
                return -1;
            }
            break;
        case O_TOGETHER: o->together = true; break;
        case O_ONE: o->one_at_a_time = true; break;
        case O_DATASET: o->dataset = optarg; break;
        case O_SAMPLES:
            if (!parse_pos(optarg, "--samples", &o->samples, false))
                return -1;
            break;
        case O_EPOCHS:
            if (!parse_pos(optarg, "--epochs", &o->epochs, false))
                return -1;
            break;
        case O_MAXSTEPS:
            if (!parse_pos(optarg, "--max-steps", &o->max_steps, false))
                return -1;
            break;
        case O_PRICE:
            if (!parse_pos(optarg, "--price-per-hour", &o->price, false))
                return -1;
            break;
        case O_GPU: o->gpu = optarg; break;
        case O_SWEEP:
            if (!parse_sweep(optarg, o))
                return -1;
            break;
        case O_CONFIG: o->config_path = optarg; break;
        case O_ISOLATED: o->isolated = true; break;
        case 'f':
            if (cli_text_or_json(cmd, optarg, &o->json) != 0)
                return -1;
            break;
        case 'h':
            fputs(usage, stdout);
            exit(0);
        default:
            if (optopt >= O_MODEL || (optopt && strchr("f", optopt)))
                fprintf(stderr, "trainlint %s: %s needs a value\n", cmd, argv[optind - 1]);
            else
                fprintf(stderr, "trainlint %s: unknown option '%s'\n", cmd, argv[optind - 1]);
            fprintf(stderr, "run 'trainlint %s --help' for the options\n", cmd);
            return -1;
        }
    }
    if (optind < argc)
        o->file = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "trainlint %s: one config file at a time (unexpected '%s')\n", cmd,
                argv[optind]);
        return -1;
    }
    if (o->together && o->one_at_a_time) {
        fprintf(stderr, "trainlint %s: --together and --one-at-a-time exclude each other\n", cmd);
        return -1;
    }
    bool inference = o->mode && strcmp(o->mode, "inference") == 0;
    if (!inference && o->nmodels > 1) {
        fprintf(stderr, "trainlint %s: several --model need --mode inference\n", cmd);
        return -1;
    }
    if (o->nquants > 1 && o->nquants != o->nmodels) {
        fprintf(stderr, "trainlint %s: give one --quant per --model (%zu models, %zu quants)\n",
                cmd, o->nmodels, o->nquants);
        return -1;
    }
    if (!o->file && o->nmodels == 0) {
        fprintf(stderr, "trainlint %s: give a config FILE or --model ID (see trainlint %s --help)\n", cmd, cmd);
        return -1;
    }
    return 0;
}

/* ---- building the jobs -------------------------------------------------- */

typedef struct quant_spec {
    double bits;
    bool bnb;
    const char *name;
} quant_spec;

static bool parse_quant(const char *q, quant_spec *out)
{
    static const struct {
        const char *name;
        double bits;
        bool bnb;
    } table[] = {{"4", 4, true},     {"nf4", 4, true},   {"fp4", 4, true},    {"int4", 4, true},
                 {"bnb4", 4, true},  {"8", 8, true},     {"int8", 8, true},   {"bnb8", 8, true},
                 {"gptq", 4, false}, {"awq", 4, false},  {"hqq", 4, false},   {"fp8", 8, false},
                 {"16", 0, false},   {"bf16", 0, false}, {"fp16", 0, false},  {"none", 0, false},
                 {"mxfp4", 4, false}};
    for (size_t i = 0; i < ARRAY_LEN(table); i++)
        if (strcmp(q, table[i].name) == 0) {
            out->bits = table[i].bits;
            out->bnb = table[i].bnb;
            out->name = table[i].name;
            return true;
        }
    return false;
}

/* A job described by flags alone (no file). */
static void default_job(const model_info *m, bool inference, est_job *j)
{
    memset(j, 0, sizeof *j);
    j->method = inference ? M_INFERENCE : M_FULL;
    j->compute_bytes = 2;
    j->weight_bytes = inference ? 2 : 4;
    j->optimizer = "adamw_torch";
    j->micro_batch = 1;
    j->grad_accum = 1;
    double mp = m->max_position > 0 ? m->max_position : 4096;
    j->seq_len = fmin(mp, inference ? 4096 : 2048);
    j->attn = ATTN_SDPA;
    j->lora_r = 16;
    j->lora_targets = TGT_ALL_LINEAR;
    j->gpus = 1;
    j->runtime = "default";
    j->kv_bits = 16;
}

/* Applies the flags on top of a job. Returns false (with a message) when a
 * flag does not apply. */
static bool apply_flags(const est_cli *o, const quant_spec *q, est_job *j, bool from_file)
{
    if (o->mode && strcmp(o->mode, "inference") == 0) {
        j->method = M_INFERENCE;
        j->weight_bytes = 2;
    }
    if (o->method) {
        if (j->method == M_INFERENCE) {
            fprintf(stderr, "trainlint estimate: --method does not apply to --mode inference\n");
            return false;
        }
        if (!strcmp(o->method, "full"))
            j->method = M_FULL;
        else if (!strcmp(o->method, "lora"))
            j->method = j->quant_bits > 0 ? M_QLORA : M_LORA;
        else if (!strcmp(o->method, "qlora"))
            j->method = M_QLORA;
        else
            j->method = M_FREEZE;
        if (j->method != M_FULL && !from_file && !o->weights)
            j->weight_bytes = 2;
    }
    if (q) {
        j->quant_bits = q->bits;
        j->quant_bnb = q->bnb;
        if (q->bits > 0 && (j->method == M_LORA || j->method == M_FULL) && j->method != M_INFERENCE) {
            if (j->method == M_FULL && o->method) {
                fprintf(stderr, "trainlint estimate: full fine-tuning cannot train %g-bit weights; "
                                "use --method qlora (or lora) with --quant\n", q->bits);
                return false;
            }
            j->method = M_QLORA;
            j->weight_bytes = 2;
        }
        if (q->bits == 0 && j->method == M_QLORA)
            j->method = M_LORA;
    }
    if (j->method == M_QLORA && j->quant_bits <= 0) {
        j->quant_bits = 4;
        j->quant_bnb = true;
    }
    if (o->dtype)
        j->compute_bytes = strcmp(o->dtype, "fp32") == 0 ? 4 : 2;
    if (o->weights)
        j->weight_bytes = strcmp(o->weights, "fp32") == 0 ? 4 : 2;
    if (o->batch > 0)
        j->micro_batch = o->batch;
    if (o->seq > 0)
        j->seq_len = o->seq;
    if (o->accum > 0)
        j->grad_accum = o->accum;
    if (o->grad_ckpt >= 0)
        j->grad_ckpt = o->grad_ckpt;
    if (o->packing >= 0)
        j->packing = o->packing;
    if (o->chunked_loss >= 0)
        j->loss_chunked = o->chunked_loss;
    if (o->optim)
        j->optimizer = o->optim;
    if (o->lora_r > 0)
        j->lora_r = o->lora_r;
    if (o->gpus > 0)
        j->gpus = o->gpus;
    if (o->zero >= 0) {
        j->zero_stage = o->zero;
        j->deepspeed = o->zero > 0;
    }
    if (o->offload > 0) {
        if (j->zero_stage < 1 && !j->fsdp) {
            fprintf(stderr, "trainlint estimate: --offload needs --zero 1-3\n");
            return false;
        }
        j->offload_optimizer = true;
    }
    if (j->method == M_INFERENCE) {
        if (o->context > 0)
            j->context = o->context;
        else if (j->context <= 0)
            j->context = j->seq_len;
        j->seq_len = j->context;
        if (o->kv_bits > 0)
            j->kv_bits = o->kv_bits;
        if (j->kv_bits <= 0)
            j->kv_bits = 16;
    }
    return true;
}

/* One model of the job, estimated. */
typedef struct job_result {
    model_info model;
    est_job job;
    estimate est;
    est_plan plan;
    const char *quant;
    /* the job shards and says nothing of its GPU count: it may run on more */
    bool count_free;
    double min_gpus; /* the fewest GPUs of the target type it fits on, or 0 */
} job_result;

typedef struct run_ctx {
    engine *eng;
    const est_cli *o;
    const gpu_info *gpu;
    const dataset_stats *data; /* NULL when none */
    double samples, epochs, max_steps, price;
} run_ctx;

static void compute_one(const run_ctx *r, job_result *res, const gpu_info *gpu)
{
    const est_params *p = &r->eng->catalog.est;
    est_compute(p, &res->model, &res->job, gpu, &res->est);
    if (gpu && res->count_free && res->job.method != M_INFERENCE && res->est.verdict &&
        strcmp(res->est.verdict, "fits") != 0)
        res->min_gpus = facts_fewest_gpus(p, &res->model, &res->job, gpu, &res->est);
    if (gpu && res->job.method != M_INFERENCE) {
        res->est.max_micro_batch = est_max_micro_batch(p, &res->model, &res->job, gpu);
        res->est.max_seq_len = est_max_seq_len(p, &res->model, &res->job, gpu);
    } else if (gpu) {
        res->est.max_micro_batch = est_max_micro_batch(p, &res->model, &res->job, gpu);
    }
    double tps = 0;
    if (r->data && res->job.method != M_INFERENCE)
        tps = dataset_tokens_per_sample(r->data, res->job.seq_len, res->job.micro_batch,
                                        res->job.packing);
    if (res->job.method != M_INFERENCE)
        est_plan_time(&res->est, &res->job, tps, r->samples, r->epochs, r->max_steps, r->price,
                      &res->plan);
    else
        res->plan.tokens_per_second = res->est.tokens_per_second;
}

/* The combined footprint of several models (inference). */
typedef struct combined {
    double allocated, reserved, device, peak, capacity;
    const char *verdict;
} combined;

static void combine(const est_params *p, const job_result *res, size_t n, bool together,
                    const gpu_info *gpu, combined *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < n; i++) {
        const estimate *e = &res[i].est;
        double dev = e->device - p->context_bytes; /* one CUDA context for the process */
        if (together) {
            c->allocated += e->allocated;
            c->reserved += e->reserved;
            c->device += dev;
        } else {
            c->allocated = fmax(c->allocated, e->allocated);
            c->reserved = fmax(c->reserved, e->reserved);
            c->device = fmax(c->device, dev);
        }
    }
    c->device += p->context_bytes;
    c->peak = c->device;
    if (gpu) {
        c->capacity = gpu_memory_bytes(gpu);
        c->verdict = c->peak > c->capacity                          ? "does_not_fit"
                     : c->peak > c->capacity * (1 - p->tight_margin) ? "tight"
                                                                     : "fits";
    }
}

/* ---- output --------------------------------------------------------------- */

static const char *method_name(est_method m)
{
    switch (m) {
    case M_FULL: return "full fine-tuning";
    case M_LORA: return "LoRA";
    case M_QLORA: return "QLoRA";
    case M_FREEZE: return "freeze tuning";
    case M_INFERENCE: return "inference";
    }
    return "?";
}

static const char *method_id(est_method m)
{
    switch (m) {
    case M_FULL: return "full";
    case M_LORA: return "lora";
    case M_QLORA: return "qlora";
    case M_FREEZE: return "freeze";
    case M_INFERENCE: return "inference";
    }
    return "?";
}

static void fmt_duration(double s, char *out, size_t n)
{
    if (s <= 0)
        snprintf(out, n, "-");
    else if (s < 120)
        snprintf(out, n, "%.1f s", s);
    else if (s < 7200)
        snprintf(out, n, "%.1f min", s / 60);
    else if (s < 172800)
        snprintf(out, n, "%.1f h", s / 3600);
    else
        snprintf(out, n, "%.1f days", s / 86400);
}

static const char *verdict_text(const char *v)
{
    if (!v)
        return "-";
    if (!strcmp(v, "does_not_fit"))
        return "does not fit";
    return v;
}

static void print_model_line(const job_result *r)
{
    const model_info *m = &r->model;
    printf("%s: %.2fB parameters", m->id, m->params / 1e9);
    if (m->active_params > 0 && m->active_params < m->params)
        printf(" (%.2fB active)", m->active_params / 1e9);
    printf(", %.0f layers, hidden %.0f, vocabulary %.0f; shape from %s%s\n", m->layers,
           m->hidden, m->vocab, m->origin ? m->origin : "catalog",
           m->guess ? " (a guess from the name)" : "");
}

static void print_job_line(const job_result *r)
{
    const est_job *j = &r->job;
    if (j->method == M_INFERENCE) {
        printf("  inference, weights %s, %.0f sequence%s x %.0f tokens of context, KV cache "
               "%.0f-bit",
               j->quant_bits > 0 ? (j->quant_bits == 4 ? "4-bit" : "8-bit") : "16-bit",
               j->micro_batch, j->micro_batch == 1 ? "" : "s", j->context, j->kv_bits);
    } else {
        printf("  %s", method_name(j->method));
        if (j->method == M_LORA || j->method == M_QLORA)
            printf(" r=%.0f", j->lora_r);
        if (j->quant_bits > 0)
            printf(", base %.0f-bit%s", j->quant_bits, j->quant_bnb ? " (bitsandbytes)" : "");
        printf(", %s compute", j->compute_bytes >= 4 ? "fp32" : "16-bit");
        printf(", micro batch %.0f x %.0f tokens", j->micro_batch, j->seq_len);
        if (j->grad_accum > 1)
            printf(", accumulation %.0f", j->grad_accum);
        printf(", %s", j->optimizer ? j->optimizer : "?");
        if (j->grad_ckpt)
            printf(", gradient checkpointing");
        if (j->packing)
            printf(", packing");
        if (j->loss_chunked)
            printf(", chunked loss");
        if (j->zero_stage > 0)
            printf(", ZeRO-%.0f%s", j->zero_stage, j->offload_optimizer ? " + offload" : "");
        if (j->fsdp)
            printf(", FSDP");
    }
    if (j->gpus > 1)
        printf(", %.0f GPUs", j->gpus);
    printf("\n");
}

static void print_breakdown(const job_result *r)
{
    const estimate *e = &r->est;
    const est_breakdown *b = &e->at_peak;
    const struct {
        const char *name;
        double size, at_peak;
    } rows[] = {
        {"weights", e->weights, b->weights},
        {"adapters (LoRA)", e->adapters, b->adapters},
        {"gradients", e->gradients, b->gradients},
        {"optimizer state", e->optimizer, b->optimizer},
        {r->job.method == M_INFERENCE ? "KV cache" : "activations (saved)", e->activations,
         b->activations},
        {r->job.method == M_INFERENCE ? "prefill workspace and logits" : "logits and loss",
         e->logits, b->logits},
        {"buffers (quantisation, DeepSpeed)", e->buffers, b->buffers},
        {"allocator reserve + CUDA context", e->overhead, b->overhead},
    };
    printf("\n  %-36s %10s %10s\n", "memory per GPU", "size GiB", "at peak");
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        if (rows[i].size < 0.005 * GIB && rows[i].at_peak < 0.005 * GIB)
            continue;
        printf("  %-36s %10.2f %10.2f\n", rows[i].name, rows[i].size / GIB, rows[i].at_peak / GIB);
    }
    printf("  %-36s %10s %10.2f   (end of the %s pass)\n", "peak (nvidia-smi)", "",
           e->peak / GIB, strcmp(e->peak_phase ? e->peak_phase : "", "step") == 0 ? "backward"
                                                                                 : "forward");
    printf("  %-36s %10s %10.2f\n", "  torch max_memory_allocated", "", e->allocated / GIB);
    printf("  %-36s %10s %10.2f\n", "  torch max_memory_reserved", "", e->reserved / GIB);
}

static void print_fit(const gpu_info *g, double peak, const char *verdict, double cap,
                      const estimate *e, bool inference)
{
    if (!g) {
        printf("\n  no target GPU: add --gpu NAME for a verdict\n");
        return;
    }
    double diff = cap - peak;
    printf("\n  %s (%.1f GiB): %s", g->name, cap / GIB, verdict_text(verdict));
    if (diff >= 0)
        printf(", %.1f GiB free\n", diff / GIB);
    else
        printf(", %.1f GiB over\n", -diff / GIB);
    if (!e)
        return;
    if (e->max_micro_batch >= 1)
        printf("  largest %s that fits: %.0f", inference ? "batch" : "micro batch",
               e->max_micro_batch);
    else
        printf("  even a %s of 1 does not fit", inference ? "batch" : "micro batch");
    if (!inference && e->max_seq_len >= 128)
        printf("; longest sequence at this batch: %.0f tokens", e->max_seq_len);
    printf("\n");
}

static void print_time(const job_result *r, const run_ctx *c)
{
    const est_plan *t = &r->plan;
    const estimate *e = &r->est;
    if (r->job.method == M_INFERENCE) {
        if (e->decode_tokens_per_second > 0)
            printf("\n  generation ~%.0f tokens/s (memory-bound), prompt processing ~%.0f "
                   "tokens/s\n",
                   e->decode_tokens_per_second, e->prefill_tokens_per_second);
        return;
    }
    if (t->tokens_per_second <= 0) {
        if (c->gpu && c->gpu->bf16_tflops <= 0 && c->gpu->fp32_tflops <= 0)
            printf("\n  throughput: the catalog has no FLOP/s figure for this GPU\n");
        return;
    }
    char step[32], epoch[32], total[32];
    fmt_duration(t->step_seconds, step, sizeof step);
    fmt_duration(t->epoch_seconds, epoch, sizeof epoch);
    fmt_duration(t->total_seconds, total, sizeof total);
    printf("\n  throughput ~%.0f tokens/s (%.0f%% of peak FLOP/s assumed), %s per optimizer step\n",
           t->tokens_per_second, e->efficiency * 100, step);
    if (t->steps_per_epoch > 0)
        printf("  epoch: %.0f steps, %s", t->steps_per_epoch, epoch);
    if (t->total_seconds > 0) {
        printf("%stotal: %.0f steps, %s, %.*f GPU-hours", t->steps_per_epoch > 0 ? "; " : "  ",
               t->total_steps, total, t->gpu_hours < 10 ? 2 : 1, t->gpu_hours);
        if (t->cost > 0)
            printf(", $%.2f", t->cost);
    } else {
        printf("  time per epoch needs the dataset size (--dataset FILE or --samples N)");
    }
    printf("\n");
}

static void print_data(const dataset_stats *d, double seq)
{
    if (!d)
        return;
    printf("\n  dataset %s: %.0f samples%s; estimated tokens per sample mean %.0f, median %.0f, "
           "p95 %.0f, max %.0f\n",
           d->path, d->samples, d->sampled < d->samples ? " (lengths from a sample)" : "",
           d->tokens_mean, d->tokens_p50, d->tokens_p95, d->tokens_max);
    if (seq > 0)
        printf("  at %.0f tokens: %.1f%% of samples truncated; %.0f%% padding if every sample "
               "were padded to the full length\n",
               seq, d->truncated_fraction * 100, d->padding_fraction * 100);
}

static cJSON *model_json(const model_info *m)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "id", m->id);
    cJSON_AddNumberToObject(j, "params", m->params);
    cJSON_AddNumberToObject(j, "active_params", m->active_params > 0 ? m->active_params : m->params);
    const char *src = m->guess ? "name" : m->origin ? m->origin : "catalog";
    cJSON_AddStringToObject(j, "source", src);
    cJSON_AddBoolToObject(j, "guess", m->guess);
    if (m->guess && m->template_id)
        cJSON_AddStringToObject(j, "shape_from", m->template_id);
    cJSON_AddNumberToObject(j, "layers", m->layers);
    cJSON_AddNumberToObject(j, "hidden", m->hidden);
    cJSON_AddNumberToObject(j, "vocab", m->vocab);
    return j;
}

static cJSON *job_json(const est_job *j)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "mode", j->method == M_INFERENCE ? "inference" : "train");
    cJSON_AddStringToObject(o, "method", method_id(j->method));
    cJSON_AddNumberToObject(o, "quant_bits", j->quant_bits);
    cJSON_AddNumberToObject(o, "micro_batch", j->micro_batch);
    cJSON_AddNumberToObject(o, "seq_len", j->seq_len);
    if (j->method == M_INFERENCE) {
        cJSON_AddNumberToObject(o, "context", j->context);
        cJSON_AddNumberToObject(o, "kv_bits", j->kv_bits);
    } else {
        cJSON_AddNumberToObject(o, "grad_accum", j->grad_accum);
        cJSON_AddBoolToObject(o, "grad_ckpt", j->grad_ckpt);
        cJSON_AddBoolToObject(o, "packing", j->packing);
        cJSON_AddBoolToObject(o, "loss_chunked", j->loss_chunked);
        cJSON_AddStringToObject(o, "optimizer", j->optimizer ? j->optimizer : "");
        cJSON_AddNumberToObject(o, "compute_bytes", j->compute_bytes);
        cJSON_AddNumberToObject(o, "weight_bytes", j->weight_bytes);
        if (j->method == M_LORA || j->method == M_QLORA)
            cJSON_AddNumberToObject(o, "lora_r", j->lora_r);
        cJSON_AddNumberToObject(o, "zero_stage", j->zero_stage);
        cJSON_AddBoolToObject(o, "offload_optimizer", j->offload_optimizer);
        cJSON_AddBoolToObject(o, "fsdp", j->fsdp);
    }
    cJSON_AddNumberToObject(o, "gpus", j->gpus);
    cJSON_AddStringToObject(o, "runtime", j->runtime ? j->runtime : "default");
    return o;
}

static cJSON *memory_json(const estimate *e)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddNumberToObject(m, "weights_bytes", round(e->weights));
    cJSON_AddNumberToObject(m, "adapters_bytes", round(e->adapters));
    cJSON_AddNumberToObject(m, "gradients_bytes", round(e->gradients));
    cJSON_AddNumberToObject(m, "optimizer_bytes", round(e->optimizer));
    cJSON_AddNumberToObject(m, "activations_bytes", round(e->activations));
    cJSON_AddNumberToObject(m, "logits_bytes", round(e->logits));
    cJSON_AddNumberToObject(m, "buffers_bytes", round(e->buffers));
    cJSON_AddNumberToObject(m, "overhead_bytes", round(e->overhead));
    cJSON_AddNumberToObject(m, "allocated_bytes", round(e->allocated));
    cJSON_AddNumberToObject(m, "reserved_bytes", round(e->reserved));
    cJSON_AddNumberToObject(m, "device_bytes", round(e->device));
    cJSON_AddNumberToObject(m, "peak_bytes", round(e->peak));
    cJSON_AddStringToObject(m, "peak_phase", e->peak_phase ? e->peak_phase : "forward");
    const est_breakdown *b = &e->at_peak;
    cJSON *at = cJSON_AddObjectToObject(m, "at_peak");
    cJSON_AddNumberToObject(at, "weights_bytes", round(b->weights));
    cJSON_AddNumberToObject(at, "adapters_bytes", round(b->adapters));
    cJSON_AddNumberToObject(at, "gradients_bytes", round(b->gradients));
    cJSON_AddNumberToObject(at, "optimizer_bytes", round(b->optimizer));
    cJSON_AddNumberToObject(at, "activations_bytes", round(b->activations));
    cJSON_AddNumberToObject(at, "logits_bytes", round(b->logits));
    cJSON_AddNumberToObject(at, "buffers_bytes", round(b->buffers));
    cJSON_AddNumberToObject(at, "overhead_bytes", round(b->overhead));
    return m;
}

static void add_num_or_null(cJSON *o, const char *k, double v)
{
    if (v > 0)
        cJSON_AddNumberToObject(o, k, v >= 100 ? round(v) : round(v * 1000) / 1000);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *time_json(const est_plan *t)
{
    cJSON *o = cJSON_CreateObject();
    add_num_or_null(o, "step_seconds", t->step_seconds);
    add_num_or_null(o, "steps_per_epoch", t->steps_per_epoch);
    add_num_or_null(o, "epoch_seconds", t->epoch_seconds);
    add_num_or_null(o, "total_steps", t->total_steps);
    add_num_or_null(o, "total_seconds", t->total_seconds);
    add_num_or_null(o, "gpu_hours", t->gpu_hours);
    add_num_or_null(o, "cost", t->cost);
    return o;
}

static cJSON *dataset_json(const dataset_stats *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", d->path);
    cJSON_AddNumberToObject(o, "samples", d->samples);
    cJSON_AddNumberToObject(o, "sampled", d->sampled);
    cJSON_AddNumberToObject(o, "tokens_mean", round(d->tokens_mean));
    cJSON_AddNumberToObject(o, "tokens_p50", d->tokens_p50);
    cJSON_AddNumberToObject(o, "tokens_p95", d->tokens_p95);
    cJSON_AddNumberToObject(o, "tokens_max", d->tokens_max);
    cJSON_AddNumberToObject(o, "truncated_fraction", d->truncated_fraction);
    cJSON_AddNumberToObject(o, "padding_fraction", d->padding_fraction);
    return o;
}

static cJSON *gpu_json(const gpu_info *g, double count)
{
    if (!g)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", g->id);
    cJSON_AddStringToObject(o, "name", g->name);
    cJSON_AddNumberToObject(o, "memory_bytes", gpu_memory_bytes(g));
    cJSON_AddNumberToObject(o, "count", count);
    return o;
}


/* ---- the command ---------------------------------------------------------- */

typedef struct est_state {
    engine eng;
    est_cli o;
    lintfile *lf;
    diag_list dl;
    hw_gpu hw;
    const gpu_info *gpu;
    const project_config *pc;
    dataset_stats data;
    bool has_data;
    arena mem;
    job_result res[MAX_MODELS];
    size_t nres;
    const char *assumptions[16];
    size_t nassumptions;
} est_state;

static void state_free(est_state *s)
{
    if (s->lf)
        lintfile_free(s->lf);
    diag_list_free(&s->dl);
    arena_free(&s->mem);
    engine_free(&s->eng);
}

/* Loads the file (if any), resolves the GPU, models and dataset, and fills
 * s->res with the jobs before the sweep. Returns 0 or EXIT_TROUBLE. */
static int prepare(est_state *s, const char *cmd, bool need_gpu)
{
    const est_cli *o = &s->o;
    diag_list_init(&s->dl, 1000);
    if (engine_init(&s->eng) != 0 || engine_load_catalog(&s->eng) != 0) {
        cli_print_data_errors(&s->eng.data_errs);
        return EXIT_TROUBLE;
    }
    const catalog *cat = &s->eng.catalog;
    if (o->file && !o->isolated)
        s->pc = config_for(&s->eng.configs, o->file, o->config_path);
    if (s->eng.data_errs.n) {
        cli_print_data_errors(&s->eng.data_errs);
        return EXIT_TROUBLE;
    }
    const char *gpu_name = o->gpu ? o->gpu : (s->pc ? s->pc->gpu : NULL);
    if (need_gpu && gpu_name && resolve_gpu(&s->eng, gpu_name, &s->hw, &s->gpu) != 0)
        return EXIT_TROUBLE;
    bool inference = o->mode && strcmp(o->mode, "inference") == 0;
    quant_spec qs[MAX_MODELS];
    for (size_t i = 0; i < o->nquants; i++)
        if (!parse_quant(o->quants[i], &qs[i])) {
            fprintf(stderr,
                    "trainlint %s: --quant '%s' is not one of 4, 8, 16, nf4, fp4, int8, gptq, "
                    "awq, hqq, fp8, mxfp4, none\n",
                    cmd, o->quants[i]);
            return EXIT_TROUBLE;
        }
    if (o->file) {
        lint_opts lo = {.max_file_size = 8u << 20, .explicit_path = true, .project = s->pc};
        char *err = NULL;
        s->lf = lint_path(&s->eng, o->file, &lo, &s->dl, &err);
        if (!s->lf) {
            fprintf(stderr, "trainlint %s: %s\n", cmd, err);
            free(err);
            return EXIT_TROUBLE;
        }
        if (!s->lf->loaded || !s->lf->fmt) {
            fprintf(stderr,
                    "trainlint %s: %s: %s; run 'trainlint check %s' for the details\n", cmd,
                    o->file,
                    !s->lf->loaded ? "the file does not load" : "not a config of a known trainer",
                    o->file);
            return EXIT_TROUBLE;
        }
        facts_opts fo = {.gpu = s->gpu,
                         .gpus = o->gpus,
                         .dataset = o->dataset,
                         .samples = o->samples,
                         .price_per_hour = o->price,
                         .dataset_unbounded = true,
                         .want_estimate = true};
        lint_finish(&s->eng, s->lf, s->pc, &fo, &s->dl);
        size_t errors = 0;
        for (size_t i = 0; i < s->dl.n; i++)
            errors += s->dl.items[i].sev == SEV_ERROR && !s->dl.items[i].suppressed &&
                      strcmp(s->dl.items[i].rule, "does-not-fit-gpu") != 0;
        for (size_t i = 0; i < s->dl.n && !o->json; i++)
            if (strcmp(s->dl.items[i].rule, "reference-outside-project") == 0)
                fprintf(stderr, "note: %s\n", s->dl.items[i].message);
        if (errors && !o->json)
            fprintf(stderr,
                    "note: %s has %zu error%s ('trainlint check %s' lists them); estimating "
                    "the job as written\n",
                    o->file, errors, errors == 1 ? "" : "s", o->file);
        lint_extra *x = s->lf->extra;
        for (size_t i = 0; x && i < x->nassumptions && s->nassumptions < 16; i++)
            s->assumptions[s->nassumptions++] = x->assumptions[i];
        if (x && x->has_data) {
            s->data = x->data;
            s->has_data = true;
        } else if (x && x->data_error) {
            if (o->dataset) {
                fprintf(stderr, "trainlint %s: %s\n", cmd, x->data_error);
                return EXIT_TROUBLE;
            }
            fprintf(stderr, "note: %s\n", x->data_error);
        }
        if (o->nmodels == 0) {
            if (!x || !x->has_model) {
                const value *mv = &s->lf->job.f[JF_MODEL];
                if (mv->kind == V_STR)
                    fprintf(stderr,
                            "trainlint %s: model '%.*s' is unknown (not in the catalog, no local "
                            "config.json, no size in its name); give --model ID\n",
                            cmd, (int)mv->slen, mv->s);
                else
                    fprintf(stderr, "trainlint %s: %s names no model; give --model ID\n", cmd,
                            o->file);
                return EXIT_TROUBLE;
            }
            s->res[0].model = x->model;
            s->res[0].job = x->job;
            s->res[0].count_free = o->gpus <= 0 && s->lf->job.f[JF_GPUS].kind != V_NUM;
            s->res[0].min_gpus = x->min_gpus;
            s->nres = 1;
        }
    }
    if (o->dataset && !s->lf) {
        char *err = NULL;
        if (dataset_read(o->dataset, cat->est.chars_per_token, cat->est.tokens_per_message,
                         &s->data, &s->mem, &err) != 0) {
            fprintf(stderr, "trainlint %s: %s\n", cmd, err);
            free(err);
            return EXIT_TROUBLE;
        }
        s->has_data = true;
    }
    for (size_t i = 0; i < o->nmodels; i++) {
        job_result *r = &s->res[i];
        char *err = NULL;
        if (!catalog_find_model(cat, o->models[i], &r->model, &s->mem, &err)) {
            fprintf(stderr, "trainlint %s: %s ('trainlint models' lists the catalog)\n", cmd, err);
            free(err);
            return EXIT_TROUBLE;
        }
        if (s->lf && s->lf->extra) {
            lint_extra scratch = {0};
            facts_job(s->lf, &r->model, o->gpus, &r->job, &scratch, &s->mem);
            r->count_free = o->gpus <= 0 && s->lf->job.f[JF_GPUS].kind != V_NUM;
        } else {
            default_job(&r->model, inference, &r->job);
        }
    }
    if (o->nmodels)
        s->nres = o->nmodels;
    if (!o->file && !inference) {
        if (!o->method && !(o->nquants && qs[0].bits > 0))
            s->assumptions[s->nassumptions++] =
                "full fine-tuning (no --method), fp32 weights under bf16 mixed precision";
        if (!o->optim)
            s->assumptions[s->nassumptions++] = "AdamW (torch) optimizer (no --optim)";
        if (o->seq <= 0)
            s->assumptions[s->nassumptions++] = "sequence length 2048 (no --seq)";
    }
    for (size_t i = 0; i < s->nres; i++) {
        const quant_spec *q = o->nquants == 0 ? NULL : o->nquants == 1 ? &qs[0] : &qs[i];
        if (!apply_flags(o, q, &s->res[i].job, s->lf != NULL))
            return EXIT_TROUBLE;
        s->res[i].quant = q ? q->name : NULL;
        if (s->gpu && s->gpu->bf16_tflops <= 0 && s->res[i].job.compute_bytes == 2 &&
            s->gpu->compute_capability > 0 && s->gpu->compute_capability < 8 && i == 0)
            s->assumptions[s->nassumptions++] =
                "16-bit compute runs as fp16 (this GPU has no bf16 tensor cores)";
    }
    if (s->has_data) {
        dataset_apply_seq_len(&s->data, s->res[0].job.seq_len);
    } else if ((o->samples > 0 || (s->lf && s->lf->extra && s->lf->extra->samples > 0)) &&
               !s->res[0].job.packing && s->res[0].job.method != M_INFERENCE &&
               s->nassumptions < 16) {
        s->assumptions[s->nassumptions++] =
            "every sample fills the sequence length (no dataset to measure: the time is an "
            "upper bound)";
    }
    return 0;
}

static run_ctx make_ctx(est_state *s)
{
    run_ctx c = {.eng = &s->eng, .o = &s->o, .gpu = s->gpu, .data = s->has_data ? &s->data : NULL};
    c.samples = s->o.samples > 0 ? s->o.samples : s->has_data ? s->data.samples : 0;
    const job *jb = s->lf ? &s->lf->job : NULL;
    c.epochs = s->o.epochs > 0 ? s->o.epochs : jb ? job_num(jb, JF_EPOCHS, 1) : 1;
    c.max_steps = s->o.max_steps > 0 ? s->o.max_steps : jb ? job_num(jb, JF_MAX_STEPS, 0) : 0;
    c.price = s->o.price > 0 ? s->o.price : s->pc && s->pc->price_per_hour > 0 ? s->pc->price_per_hour : 0;
    return c;
}

static void set_sweep(est_job *j, const char *key, double v)
{
    if (!strcmp(key, "seq")) {
        j->seq_len = v;
        if (j->method == M_INFERENCE)
            j->context = v;
    } else if (!strcmp(key, "batch")) {
        j->micro_batch = v;
    } else if (!strcmp(key, "gpus")) {
        j->gpus = v;
    } else if (!strcmp(key, "accum")) {
        j->grad_accum = v;
    } else if (!strcmp(key, "context")) {
        j->context = v;
        j->seq_len = v;
    }
}

static const char *worst(const char *a, const char *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (!strcmp(a, "does_not_fit") || !strcmp(b, "does_not_fit"))
        return "does_not_fit";
    if (!strcmp(a, "tight") || !strcmp(b, "tight"))
        return "tight";
    return "fits";
}

static int verdict_status(const char *v)
{
    return v && strcmp(v, "fits") != 0 ? EXIT_FINDINGS : EXIT_CLEAN;
}

/* The whole estimate (all models) at the current settings. */
static void run_all(est_state *s, const run_ctx *c, combined *comb)
{
    for (size_t i = 0; i < s->nres; i++)
        compute_one(c, &s->res[i], s->gpu);
    bool together = !s->o.one_at_a_time;
    combine(&s->eng.catalog.est, s->res, s->nres, together, s->gpu, comb);
}

static int estimate_sweep(est_state *s)
{
    run_ctx c = make_ctx(s);
    job_result base[MAX_MODELS];
    memcpy(base, s->res, sizeof base);
    const char *worst_v = NULL;
    cJSON *rows = s->o.json ? cJSON_CreateArray() : NULL;
    if (!s->o.json) {
        print_model_line(&s->res[0]);
        print_job_line(&s->res[0]);
        printf("\n  %-8s %10s %10s %10s %10s %10s %-13s %12s\n", s->o.sweep_key, "peak GiB",
               "weights", "activ.", "logits", "optim.", "verdict", "tokens/s");
    }
    for (size_t k = 0; k < s->o.nsweep; k++) {
        memcpy(s->res, base, sizeof base);
        for (size_t i = 0; i < s->nres; i++)
            set_sweep(&s->res[i].job, s->o.sweep_key, s->o.sweep[k]);
        combined comb;
        run_all(s, &c, &comb);
        worst_v = worst(worst_v, comb.verdict);
        double tps = s->res[0].plan.tokens_per_second;
        if (rows) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddNumberToObject(r, s->o.sweep_key, s->o.sweep[k]);
            cJSON_AddNumberToObject(r, "peak_bytes", round(comb.peak));
            cJSON_AddNumberToObject(r, "allocated_bytes", round(comb.allocated));
            cJSON_AddNumberToObject(r, "reserved_bytes", round(comb.reserved));
            if (s->nres == 1)
                cJSON_AddItemToObject(r, "memory", memory_json(&s->res[0].est));
            if (comb.verdict)
                cJSON_AddStringToObject(r, "verdict", comb.verdict);
            else
                cJSON_AddNullToObject(r, "verdict");
            if (s->gpu && s->nres == 1)
                cJSON_AddNumberToObject(r, "max_micro_batch", s->res[0].est.max_micro_batch);
            add_num_or_null(r, "tokens_per_second", tps);
            cJSON_AddItemToArray(rows, r);
        } else {
            const estimate *e = &s->res[0].est;
            printf("  %-8.0f %10.2f %10.2f %10.2f %10.2f %10.2f %-13s %12.0f\n", s->o.sweep[k],
                   comb.peak / GIB, e->weights / GIB, e->activations / GIB, e->logits / GIB,
                   e->optimizer / GIB, verdict_text(comb.verdict), tps);
        }
    }
    if (rows) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "version", 1);
        cJSON_AddItemToObject(j, "model", model_json(&base[0].model));
        cJSON_AddItemToObject(j, "job", job_json(&base[0].job));
        cJSON_AddItemToObject(j, "gpu", gpu_json(s->gpu, base[0].job.gpus));
        cJSON_AddStringToObject(j, "sweep", s->o.sweep_key);
        cJSON_AddItemToObject(j, "rows", rows);
        cli_print_json(j, true);
    } else if (s->gpu) {
        printf("\n  target: %s (%.1f GiB)\n", s->gpu->name, gpu_memory_bytes(s->gpu) / GIB);
    }
    return verdict_status(worst_v);
}

static int estimate_single(est_state *s)
{
    run_ctx c = make_ctx(s);
    combined comb;
    run_all(s, &c, &comb);
    bool inference = s->res[0].job.method == M_INFERENCE;
    const char *verdict = s->nres > 1 ? comb.verdict : s->res[0].est.verdict;
    if (s->o.json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "version", 1);
        if (s->o.file) {
            cJSON_AddStringToObject(j, "file", s->o.file);
            cJSON_AddStringToObject(j, "format", s->lf->fmt->name);
        } else {
            cJSON_AddNullToObject(j, "file");
        }
        const job_result *r0 = &s->res[0];
        cJSON_AddItemToObject(j, "model", model_json(&r0->model));
        cJSON_AddItemToObject(j, "job", job_json(&r0->job));
        cJSON_AddItemToObject(j, "gpu", gpu_json(s->gpu, r0->job.gpus));
        if (s->nres > 1) {
            cJSON *ms = cJSON_AddArrayToObject(j, "models");
            for (size_t i = 0; i < s->nres; i++) {
                cJSON *m = cJSON_CreateObject();
                cJSON_AddItemToObject(m, "model", model_json(&s->res[i].model));
                cJSON_AddItemToObject(m, "job", job_json(&s->res[i].job));
                cJSON_AddItemToObject(m, "memory", memory_json(&s->res[i].est));
                add_num_or_null(m, "tokens_per_second", s->res[i].est.tokens_per_second);
                cJSON_AddItemToArray(ms, m);
            }
            cJSON_AddStringToObject(j, "residency", s->o.one_at_a_time ? "one_at_a_time" : "together");
            cJSON *mem = cJSON_AddObjectToObject(j, "memory");
            cJSON_AddNumberToObject(mem, "allocated_bytes", round(comb.allocated));
            cJSON_AddNumberToObject(mem, "reserved_bytes", round(comb.reserved));
            cJSON_AddNumberToObject(mem, "device_bytes", round(comb.device));
            cJSON_AddNumberToObject(mem, "peak_bytes", round(comb.peak));
        } else {
            cJSON_AddItemToObject(j, "memory", memory_json(&r0->est));
        }
        if (verdict)
            cJSON_AddStringToObject(j, "verdict", verdict);
        else
            cJSON_AddNullToObject(j, "verdict");
        if (s->nres == 1 && r0->min_gpus > 0)
            cJSON_AddNumberToObject(j, "min_gpus", r0->min_gpus);
        else
            cJSON_AddNullToObject(j, "min_gpus");
        if (s->gpu) {
            cJSON_AddNumberToObject(j, "capacity_bytes", gpu_memory_bytes(s->gpu));
            cJSON_AddNumberToObject(j, "headroom_bytes", round(gpu_memory_bytes(s->gpu) - comb.peak));
            if (s->nres == 1) {
                cJSON_AddNumberToObject(j, "max_micro_batch", r0->est.max_micro_batch);
                if (!inference)
                    cJSON_AddNumberToObject(j, "max_seq_len", r0->est.max_seq_len);
            }
        } else {
            cJSON_AddNullToObject(j, "max_micro_batch");
        }
        cJSON *tp = cJSON_AddObjectToObject(j, "throughput");
        add_num_or_null(tp, "tokens_per_second", r0->plan.tokens_per_second);
        cJSON_AddNumberToObject(tp, "flops_per_token", r0->est.flops_per_token);
        cJSON_AddNumberToObject(tp, "efficiency", round(r0->est.efficiency * 1000) / 1000);
        if (inference) {
            add_num_or_null(tp, "prefill_tokens_per_second", r0->est.prefill_tokens_per_second);
            add_num_or_null(tp, "decode_tokens_per_second", r0->est.decode_tokens_per_second);
        }
        if (!inference)
            cJSON_AddItemToObject(j, "time", time_json(&r0->plan));
        if (s->has_data)
            cJSON_AddItemToObject(j, "dataset", dataset_json(&s->data));
        else
            cJSON_AddNullToObject(j, "dataset");
        cJSON *as = cJSON_AddArrayToObject(j, "assumptions");
        for (size_t i = 0; i < s->nassumptions; i++)
            cJSON_AddItemToArray(as, cJSON_CreateString(s->assumptions[i]));
        cli_print_json(j, true);
        return verdict_status(verdict);
    }
    for (size_t i = 0; i < s->nres; i++) {
        if (i)
            printf("\n");
        print_model_line(&s->res[i]);
        print_job_line(&s->res[i]);
        print_breakdown(&s->res[i]);
        if (s->nres == 1)
            print_fit(s->gpu, s->res[i].est.peak, verdict, s->res[i].est.capacity,
                      &s->res[i].est, inference);
        if (s->res[i].min_gpus > 0)
            printf("  needs %.0f x %s%s with %s (the config does not say how many GPUs; "
                   "--gpus N judges it on N)\n",
                   s->res[i].min_gpus, s->gpu->name,
                   s->res[i].min_gpus > 8 ? ", whole nodes of 8" : "",
                   facts_sharding_name(&s->res[i].job));
        print_time(&s->res[i], &c);
    }
    if (s->nres > 1) {
        printf("\n%s: peak %.2f GiB (allocated %.2f, reserved %.2f)\n",
               s->o.one_at_a_time ? "one model at a time (the largest)" : "all models resident",
               comb.peak / GIB, comb.allocated / GIB, comb.reserved / GIB);
        if (s->gpu)
            print_fit(s->gpu, comb.peak, comb.verdict, comb.capacity, NULL, true);
    }
    if (s->has_data)
        print_data(&s->data, inference ? 0 : s->res[0].job.seq_len);
    if (s->nassumptions) {
        printf("\n  assumed:");
        for (size_t i = 0; i < s->nassumptions; i++)
            printf("%s %s", i ? ";" : "", s->assumptions[i]);
        printf("\n");
    }
    return verdict_status(verdict);
}

int cmd_estimate(int argc, char **argv)
{
    est_state *s = xcalloc(1, sizeof *s);
    int rc = parse_cli(argc, argv, "estimate", estimate_usage, &s->o);
    if (rc == 0)
        rc = prepare(s, "estimate", true);
    if (rc == 0) {
        if (s->o.sweep_key && strcmp(s->o.sweep_key, "context") == 0 &&
            s->res[0].job.method != M_INFERENCE) {
            fprintf(stderr, "trainlint estimate: --sweep context needs --mode inference (use seq)\n");
            rc = EXIT_TROUBLE;
        } else {
            rc = s->o.sweep_key ? estimate_sweep(s) : estimate_single(s);
        }
    } else {
        rc = EXIT_TROUBLE;
    }
    state_free(s);
    free(s);
    return rc;
}

/* ---- fit ------------------------------------------------------------------ */

static const char fit_usage[] =
    "usage: trainlint fit [FILE] --gpu all|NAME[,NAME...] [estimate options]\n"
    "One row per GPU: verdict, peak, headroom, largest micro batch and throughput of the\n"
    "job (a config FILE and/or the job options of 'trainlint estimate'). --gpu all (the\n"
    "default) takes every catalog GPU.\n";

static int cmp_gpu_mem(const void *a, const void *b)
{
    const gpu_info *x = *(const gpu_info *const *)a, *y = *(const gpu_info *const *)b;
    double mx = gpu_memory_bytes(x), my = gpu_memory_bytes(y);
    if (mx != my)
        return (mx > my) - (mx < my);
    return strcmp(x->id, y->id);
}

int cmd_fit(int argc, char **argv)
{
    est_state *s = xcalloc(1, sizeof *s);
    int rc = parse_cli(argc, argv, "fit", fit_usage, &s->o);
    const char *list = s->o.gpu ? s->o.gpu : "all";
    if (rc == 0 && s->o.sweep_key) {
        fprintf(stderr, "trainlint fit: --sweep belongs to 'trainlint estimate'\n");
        rc = -1;
    }
    if (rc == 0)
        rc = prepare(s, "fit", false);
    if (rc != 0) {
        state_free(s);
        free(s);
        return EXIT_TROUBLE;
    }
    const catalog *cat = &s->eng.catalog;
    catalog_need_gpus(cat);
    const gpu_info **gpus = xcalloc(cat->ngpus + 16, sizeof *gpus);
    size_t ng = 0;
    hw_gpu hws[16];
    if (strcmp(list, "all") == 0) {
        for (size_t i = 0; i < cat->ngpus; i++)
            gpus[ng++] = &cat->gpus[i];
        qsort(gpus, ng, sizeof *gpus, cmp_gpu_mem);
    } else {
        char *copy = xstrdup(list), *save = NULL;
        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            if (ng == 16) {
                fprintf(stderr, "trainlint fit: at most 16 GPUs in a list (or --gpu all)\n");
                rc = EXIT_TROUBLE;
                break;
            }
            if (resolve_gpu(&s->eng, t, &hws[ng], &gpus[ng]) != 0) {
                rc = EXIT_TROUBLE;
                break;
            }
            ng++;
        }
        free(copy);
    }
    if (rc != 0) {
        free(gpus);
        state_free(s);
        free(s);
        return rc;
    }
    run_ctx c = make_ctx(s);
    job_result base[MAX_MODELS];
    memcpy(base, s->res, sizeof base);
    cJSON *rows = s->o.json ? cJSON_CreateArray() : NULL;
    size_t nfit = 0;
    if (!rows) {
        print_model_line(&s->res[0]);
        print_job_line(&s->res[0]);
        printf("\n  %-20s %9s %-13s %5s %9s %9s %9s %12s %10s\n", "GPU", "memory", "verdict",
               "GPUs", "peak", "headroom", "max batch", "tokens/s", "epoch");
    }
    for (size_t g = 0; g < ng; g++) {
        memcpy(s->res, base, sizeof base);
        s->gpu = gpus[g];
        combined comb;
        run_all(s, &c, &comb);
        const estimate *e = &s->res[0].est;
        const char *v = s->nres > 1 ? comb.verdict : e->verdict;
        nfit += v && strcmp(v, "fits") == 0;
        double tps = s->res[0].plan.tokens_per_second;
        if (rows) {
            cJSON *r = cJSON_CreateObject();
            cJSON_AddStringToObject(r, "gpu", gpus[g]->id);
            cJSON_AddStringToObject(r, "name", gpus[g]->name);
            cJSON_AddNumberToObject(r, "memory_bytes", gpu_memory_bytes(gpus[g]));
            cJSON_AddStringToObject(r, "verdict", v ? v : "");
            if (s->nres == 1 && s->res[0].min_gpus > 0)
                cJSON_AddNumberToObject(r, "min_gpus", s->res[0].min_gpus);
            else if (v && strcmp(v, "does_not_fit") != 0)
                cJSON_AddNumberToObject(r, "min_gpus", s->res[0].job.gpus > 1 ? s->res[0].job.gpus : 1);
            else
                cJSON_AddNullToObject(r, "min_gpus");
            cJSON_AddNumberToObject(r, "peak_bytes", round(comb.peak));
            cJSON_AddNumberToObject(r, "headroom_bytes", round(gpu_memory_bytes(gpus[g]) - comb.peak));
            cJSON_AddNumberToObject(r, "max_micro_batch", e->max_micro_batch);
            add_num_or_null(r, "tokens_per_second", tps);
            add_num_or_null(r, "epoch_seconds", s->res[0].plan.epoch_seconds);
            add_num_or_null(r, "cost", s->res[0].plan.cost);
            cJSON_AddItemToArray(rows, r);
        } else {
            char epoch[32];
            fmt_duration(s->res[0].plan.epoch_seconds, epoch, sizeof epoch);
            char count[16] = "-";
            if (s->nres == 1 && s->res[0].min_gpus > 8) /* whole nodes of 8 */
                snprintf(count, sizeof count, "%.0fx8", s->res[0].min_gpus / 8);
            else if (s->nres == 1 && s->res[0].min_gpus > 0)
                snprintf(count, sizeof count, "%.0f", s->res[0].min_gpus);
            else if (v && strcmp(v, "does_not_fit") != 0)
                snprintf(count, sizeof count, "%.0f",
                         s->res[0].job.gpus > 1 ? s->res[0].job.gpus : 1);
            printf("  %-20s %5.1f GiB %-13s %5s %9.1f %+9.1f %9.0f %12.0f %10s\n", gpus[g]->id,
                   gpu_memory_bytes(gpus[g]) / GIB, verdict_text(v), count, comb.peak / GIB,
                   (gpu_memory_bytes(gpus[g]) - comb.peak) / GIB, e->max_micro_batch, tps, epoch);
        }
    }
    if (rows) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "version", 1);
        cJSON_AddItemToObject(j, "model", model_json(&base[0].model));
        cJSON_AddItemToObject(j, "job", job_json(&base[0].job));
        cJSON_AddItemToObject(j, "gpus", rows);
        cli_print_json(j, true);
    } else {
        printf("\n  fits on %zu of %zu GPUs\n", nfit, ng);
    }
    free(gpus);
    state_free(s);
    free(s);
    return nfit ? EXIT_CLEAN : EXIT_FINDINGS;
}
