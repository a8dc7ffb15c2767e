/*
 * estimate.h - peak GPU memory, throughput and time of a training or
 * inference job. Pure functions: no I/O. The constants (and how each trainer
 * behaves at run time, and what each optimizer keeps) come from
 * rules/catalog/estimator.yaml through est_params.
 *
 * The peak is the larger of two phases:
 *   forward end:   weights + optimizer state + saved activations + logits
 *                  (+ gradients that accumulate across micro-batches)
 *   backward end:  weights + optimizer state + gradients + optimizer temporaries
 * reported as three totals users measure three ways: allocated (live
 * tensors, torch.cuda.max_memory_allocated), reserved (what the caching
 * allocator holds, max_memory_reserved) and device (reserved + CUDA context,
 * what nvidia-smi shows and what must fit).
 */
#ifndef TRAINLINT_ESTIMATE_H
#define TRAINLINT_ESTIMATE_H

#include <stdbool.h>

#include "catalog.h"
#include "estimate_params.h"

enum {
    TGT_Q = 1 << 0,
    TGT_K = 1 << 1,
    TGT_V = 1 << 2,
    TGT_O = 1 << 3,
    TGT_GATE = 1 << 4,
    TGT_UP = 1 << 5,
    TGT_DOWN = 1 << 6,
    TGT_HEAD = 1 << 7,
    TGT_EMBED = 1 << 8,
    TGT_ALL_LINEAR = TGT_Q | TGT_K | TGT_V | TGT_O | TGT_GATE | TGT_UP | TGT_DOWN
};

typedef enum est_method { M_FULL, M_LORA, M_QLORA, M_FREEZE, M_INFERENCE } est_method;
typedef enum est_attn { ATTN_FLASH, ATTN_SDPA, ATTN_EAGER } est_attn;

typedef struct est_job {
    est_method method;
    double weight_bytes;   /* bytes per parameter of the (unquantized) weights: 4, 2 */
    double compute_bytes;  /* activations: 2 for bf16/fp16, 4 for fp32 */
    double quant_bits;     /* 4, 8 or 0 */
    bool quant_bnb;        /* bitsandbytes (NF4/FP4/int8) rather than GPTQ/AWQ/HQQ kernels */
    bool double_quant;
    const char *optimizer;
    double micro_batch, seq_len, grad_accum;
    bool grad_ckpt, act_offload, packing;
    bool optimizer_in_bwd; /* each gradient is applied and freed during backward (torchtune) */
    est_attn attn;
    double lora_r, lora_dropout;
    double trainable_layers; /* freeze tuning: layers trained in full (0 = 2) */
    unsigned lora_targets;    /* TGT_* */
    unsigned lora_full_train; /* modules trained in full next to adapters (modules_to_save) */
    bool dora;
    double zero_stage;
    bool offload_optimizer, offload_param, fsdp, fsdp_offload;
    double gpus;
    bool loss_chunked;
    bool preference;       /* DPO-style: chosen + rejected per sample, and a reference model */
    bool deepspeed;        /* the job runs under DeepSpeed (bf16 optimizer with fp32 master) */
    const char *runtime;   /* runtime profile name (the format) */
    /* inference */
    double kv_bits;        /* KV cache precision */
    double context;        /* tokens of context per sequence */
    /* the profile est_job_resolve found for `optimizer` (the fit searches
     * re-estimate one job dozens of times); used only while `optimizer` is
     * still the name it was found for */
    const optimizer_profile *optimizer_profile;
    const char *optimizer_profile_for;
} est_job;

/* The components live at the peak: they add up to estimate.peak exactly. */
typedef struct est_breakdown {
    double weights, adapters, gradients, optimizer, activations, logits, buffers, overhead;
} est_breakdown;

/* The components of a breakdown with their display names, in a fixed order. */
#define EST_NPARTS 8
typedef struct est_part {
    const char *name;
    double bytes;
} est_part;
void est_breakdown_parts(const est_breakdown *b, est_part out[EST_NPARTS]);

typedef struct estimate {
    /* bytes per GPU: each component at its largest (not all are live at once) */
    double weights, adapters, gradients, optimizer, activations, logits, overhead;
    double buffers; /* DeepSpeed buckets, dequantization and allocator workspaces */
    double allocated, reserved, device, peak;
    const char *peak_phase; /* "forward" or "step" */
    est_breakdown at_peak;  /* what the peak is made of */
    double trainable_params, adapter_params, frozen_params;
    double tokens_per_step; /* per GPU per micro-batch */
    /* fit */
    double capacity; /* 0 without a GPU */
    const char *verdict; /* fits | tight | does_not_fit | NULL */
    double max_micro_batch, max_seq_len;
    /* time */
    double flops_per_token, tokens_per_second, efficiency;
    /* inference: prompt processing (compute-bound) and generation (bandwidth-bound);
     * tokens_per_second is the generation rate */
    double prefill_tokens_per_second, decode_tokens_per_second;
    const optimizer_profile *opt;
    const runtime_profile *rt;
} estimate;

/* Time and cost of a training job from its estimate. */
typedef struct est_plan {
    double tokens_per_second;  /* whole job, all GPUs */
    double samples_per_step;   /* micro batch x accumulation x GPUs */
    double tokens_per_step;    /* tokens processed per optimizer step, all GPUs */
    double step_seconds;
    double steps_per_epoch;    /* 0 when the dataset size is unknown */
    double epoch_seconds;      /* 0 when the dataset size is unknown */
    double total_steps, total_seconds; /* 0 when neither dataset nor max_steps is known */
    double gpu_hours, cost;    /* cost is 0 without a price */
} est_plan;

/* tokens_per_sample: tokens processed per sample including padding (see
 * dataset_tokens_per_sample), or 0 to assume full sequences; samples: the
 * dataset's size or 0; max_steps > 0 overrides epochs. */
void est_plan_time(const estimate *e, const est_job *j, double tokens_per_sample, double samples,
                   double epochs, double max_steps, double price_per_hour, est_plan *out);

/* Counts the parameters of the adapted modules of one model. */
double est_lora_params(const model_info *m, double r, unsigned targets);

/* The estimate of one job on one model (gpu may be NULL: no verdict). */
void est_compute(const est_params *p, const model_info *m, const est_job *j,
                 const gpu_info *gpu, estimate *out);

/* Largest micro batch (or sequence length) whose peak stays under capacity.
 * Returns 0 when even 1 does not fit. */
double est_max_micro_batch(const est_params *p, const model_info *m, const est_job *j,
                           const gpu_info *gpu);
double est_max_seq_len(const est_params *p, const model_info *m, const est_job *j,
                       const gpu_info *gpu);

const optimizer_profile *est_find_optimizer(const est_params *p, const char *name);
/* Looks the job's optimizer profile up once, for repeated est_compute calls. */
void est_job_resolve(const est_params *p, est_job *j);
const runtime_profile *est_find_runtime(const est_params *p, const char *name);

/* Canonical LoRA target bits from a module name as trainers spell it
 * ("q_proj", "c_attn", "all-linear", "mlp", "lm_head"...). */
unsigned est_target_bits(const char *name, bool gated);

/* Dataset statistics (filled by the dataset reader; see dataset.h). */
typedef struct dataset_stats {
    const char *path;
    double samples;  /* records in the file */
    double sampled;  /* records whose length was measured */
    double tokens_mean, tokens_p50, tokens_p95, tokens_max, tokens_total;
    double truncated_fraction, padding_fraction; /* at the job's sequence length */
    double *lengths; /* sorted estimated token lengths of the sampled records */
    size_t nlengths;
} dataset_stats;

#endif
