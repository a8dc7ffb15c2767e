/*
 * catalog.h - GPUs and model shapes: the catalogs in rules/catalog/, loose
 * name matching, a local model directory's config.json (read with cJSON),
 * and a guess from the parameter count in a model's name.
 */
#ifndef TRAINLINT_CATALOG_H
#define TRAINLINT_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

#include "datafile.h"
#include "estimate_params.h"
#include "strmap.h"

typedef struct gpu_info {
    const char *id, *name, *vendor, *arch, *gfx, *source;
    const char **aliases;
    size_t naliases;
    double memory_gib;
    double memory_mib; /* nvidia-smi memory.total when known, else 0 */
    double compute_capability;
    bool bf16, fp8, flash_attention_2;
    double bf16_tflops, fp16_tflops, fp32_tflops, bandwidth_gbs, tdp_w;
} gpu_info;

/* Usable device memory in bytes (memory.total as the driver reports it). */
double gpu_memory_bytes(const gpu_info *g);

typedef struct model_info {
    const char *id, *family, *arch, *dtype, *source_url;
    const char **aliases;
    size_t naliases;
    double params, active_params, extra_params;
    double layers, decoder_layers, hidden, heads, kv_heads, head_dim, intermediate, vocab;
    double experts, experts_per_token, moe_intermediate, shared_experts, attention_layers,
        max_position, dense_layers;
    double q_lora_rank, kv_lora_rank, qk_rope_head_dim, v_head_dim; /* MLA */
    bool tied_embeddings, gated;
    bool softcapping; /* attention and final-logit soft-capping (Gemma 2) */
    double dropout;   /* training-time dropout (attention probabilities, residual) */
    const char *origin; /* "catalog", "config.json" or "name" */
    bool guess;         /* only the parameter count in the name was known */
    const char *template_id; /* a guess borrows the shape of this catalog model */
} model_info;

typedef struct catalog {
    gpu_info *gpus;
    size_t ngpus;
    /* models: indexed by name at load, each entry's fields read on first use */
    model_info *models;
    size_t nmodels;
    const doc_node **model_nodes; /* the entry each model comes from */
    const struct datafile **model_files;
    bool *model_read;             /* fields read (a cache: filled through const lookups) */
    strmap model_index; /* normalised id/alias -> model (when every file is read) */
    bool models_complete; /* every model file read and indexed */
    int models_rc;
    bool gpus_loaded;   /* the GPU catalog is read on first use */
    int gpus_rc;
    datactx *cx;        /* where errors of entries read on first use go */
    est_params est;     /* the estimator's constants (rules/catalog/estimator.yaml) */
    bool loaded;
    arena mem;
} catalog;

/* Loads both catalogs (once). Errors go to cx->errs. */
int catalog_load(catalog *c, datactx *cx);
/* Reads every model entry now (listings, and the build-time check). Returns
 * -1 when an entry is invalid. */
int catalog_read_all_models(const catalog *c);
/* Reads the GPU catalog on first use (the lookups below do it themselves;
 * listings call it). Returns -1 on data errors. */
int catalog_need_gpus(const catalog *c);
void catalog_free(catalog *c);

/* GPU lookup. Returns the GPU, or NULL; when NULL, *ncand candidates (up to
 * max) are filled: several for an ambiguous name, the closest ones when
 * nothing matched. */
const gpu_info *catalog_find_gpu(const catalog *c, const char *query, const gpu_info **cand,
                                 size_t max, size_t *ncand);
/* Whether the candidates of the last failed lookup were all matches of the
 * query (ambiguous) rather than near misses. */
bool catalog_gpu_ambiguous(const catalog *c, const char *query);

/* Model lookup: a local directory (or config.json) first, then the catalog,
 * then a guess from the name. Fills *out and returns true; false when nothing
 * is known (err describes why, malloc'd). String fields of a config.json
 * model live in `a`. */
bool catalog_find_model(const catalog *c, const char *id, model_info *out, arena *a,
                        char **err);
/* The same without the local directory: for ids from a config whose local
 * files trainlint may not read (they lie outside the project). */
bool catalog_lookup_model(const catalog *c, const char *id, model_info *out, arena *a,
                          char **err);

/* Parameters implied by a shape (embeddings, attention, MLP or experts,
 * norms, untied head), for config.json models and the catalog self-check. */
double model_params_from_shape(const model_info *m);
/* Head dimension (hidden / heads unless given). */
double model_head_dim(const model_info *m);

/* Loose-matching normalisation shared by GPU and model names. */
void catalog_normalize(const char *in, char *out, size_t outsz, bool gpu_words);

#endif
