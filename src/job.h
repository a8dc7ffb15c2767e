/*
 * job.h - the normalised training (or inference) job.
 *
 * Every trainer format maps into the same fields; the mapping itself is data
 * (the `job:` expressions of schemas/formats.yaml), evaluated over the
 * document. Each field is an expression value, so it keeps the document node
 * it came from (for positions and fixes) or is marked as a default.
 */
#ifndef TRAINLINT_JOB_H
#define TRAINLINT_JOB_H

#include <stdbool.h>

#include "expr.h"

/* The field list: X(enum id, name, kind, doc). Kinds: N number, B bool,
 * S string, L list of strings. */
#define JOB_FIELDS(X)                                                                            \
    X(MODEL, "model", 'S', "model id or local path, as written")                               \
    X(METHOD, "method", 'S', "full | lora | qlora | freeze | oft | adapter | none")            \
    X(STAGE, "stage", 'S', "objective: sft | pt | dpo | orpo | kto | rm | ppo | grpo")       \
    X(MODE, "mode", 'S', "train | inference")                                                  \
    X(DORA, "dora", 'B', "DoRA adapters (adds a magnitude vector per module)")                 \
    X(QUANT_BITS, "quant_bits", 'N', "bits of the frozen base weights: 4, 8, or 0 (none)")      \
    X(QUANT_TYPE, "quant_type", 'S', "nf4 | fp4 | int8 | gptq | awq | hqq | fp8 | mxfp4 ...")  \
    X(DOUBLE_QUANT, "double_quant", 'B', "bitsandbytes nested (double) quantisation")         \
    X(WEIGHT_DTYPE, "weight_dtype", 'S', "dtype the weights are loaded in: fp32 | bf16 | fp16") \
    X(COMPUTE_DTYPE, "compute_dtype", 'S', "AMP / compute dtype: bf16 | fp16 | fp32 | fp8")    \
    X(OPTIMIZER, "optimizer", 'S', "optimizer name as the trainer spells it")                  \
    X(LR, "lr", 'N', "peak learning rate")                                                     \
    X(MICRO_BATCH, "micro_batch", 'N', "samples per GPU per forward pass")                     \
    X(GRAD_ACCUM, "grad_accum", 'N', "gradient accumulation steps")                            \
    X(EVAL_BATCH, "eval_batch", 'N', "samples per GPU per evaluation step")                    \
    X(EVALUATES, "evaluates", 'B', "evaluation runs during training")                           \
    X(SEQ_LEN, "seq_len", 'N', "maximum tokens per sample (truncation length)")                \
    X(PACKING, "packing", 'B', "samples packed into full-length sequences")                    \
    X(GRAD_CKPT, "grad_ckpt", 'B', "gradient (activation) checkpointing")                      \
    X(ACT_OFFLOAD, "act_offload", 'B', "activation offloading to CPU")                         \
    X(OPT_IN_BWD, "opt_in_bwd", 'B', "optimizer step inside backward (no accumulation)")       \
    X(ATTN_IMPL, "attn_impl", 'S', "eager | sdpa | flash_attention_2 | flash_attention_3 ...") \
    X(TRAINABLE_LAYERS, "trainable_layers", 'N', "layers trained in full by freeze tuning")     \
    X(LORA_R, "lora_r", 'N', "LoRA rank")                                                      \
    X(LORA_ALPHA, "lora_alpha", 'N', "LoRA alpha")                                             \
    X(LORA_DROPOUT, "lora_dropout", 'N', "LoRA dropout")                                       \
    X(LORA_TARGETS, "lora_targets", 'L', "adapted modules, or [all-linear]")                   \
    X(LORA_EXTRA, "lora_extra", 'L', "modules trained in full next to the adapters")           \
    X(ZERO_STAGE, "zero_stage", 'N', "DeepSpeed ZeRO stage (0-3)")                             \
    X(OFFLOAD_OPT, "offload_optimizer", 'B', "optimizer states offloaded to CPU/NVMe")         \
    X(OFFLOAD_PARAM, "offload_param", 'B', "parameters offloaded to CPU/NVMe")                 \
    X(FSDP, "fsdp", 'B', "FSDP sharding of parameters, gradients and optimizer states")        \
    X(FSDP_OFFLOAD, "fsdp_offload", 'B', "FSDP CPU offload")                                   \
    X(GPUS, "gpus", 'N', "GPUs (data-parallel processes) in the job")                         \
    X(NODES, "nodes", 'N', "machines in the job")                                              \
    X(EPOCHS, "epochs", 'N', "training epochs")                                                \
    X(MAX_STEPS, "max_steps", 'N', "optimizer steps, when fixed")                             \
    X(DATASET, "dataset", 'S', "dataset path or id")                                           \
    X(LOSS_CHUNKED, "loss_chunked", 'B', "fused or chunked cross-entropy (no full logits)")    \
    X(DEEPSPEED, "deepspeed", 'S', "path of the DeepSpeed config the job uses")                \
    X(PRICE, "price_per_hour", 'N', "price of one GPU-hour, for cost estimates")

typedef enum job_field {
#define X(id, name, kind, doc) JF_##id,
    JOB_FIELDS(X)
#undef X
        JF_COUNT
} job_field;

typedef struct job_field_info {
    const char *name;
    char kind;
    const char *doc;
} job_field_info;

extern const job_field_info job_fields[JF_COUNT];
/* NULL-terminated list of the field names (for the expression namespace). */
extern const char *const job_field_names[];

typedef struct job {
    value f[JF_COUNT];
    bool from_default[JF_COUNT]; /* set by the format's default, not the file */
    /* lora targets normalised to canonical module names (q,k,v,o,gate,up,down,
     * lm_head,embed); owned by the job's arena */
    const char **targets;
    size_t ntargets;
    bool target_all_linear;
} job;

int job_field_by_name(const char *name);

/* Convenience accessors (null/missing give the fallback). */
double job_num(const job *j, job_field f, double fallback);
bool job_bool(const job *j, job_field f, bool fallback);
const char *job_str(const job *j, job_field f, const char *fallback, arena *a);
bool job_has(const job *j, job_field f);

/* Coerces a raw value to the field's kind, laxly (numeric strings, "true"),
 * keeping the origin. */
value job_coerce(job_field f, value v, arena *a);

#endif
