/*
 * facts.h - what a checked file's job runs on and how big it is: the model's
 * shape, the target GPU and count, the memory and time estimate, and the
 * dataset statistics; and the expression namespaces (model, gpu, mem, time,
 * data) that expose them to rules.
 */
#ifndef TRAINLINT_FACTS_H
#define TRAINLINT_FACTS_H

#include <stdbool.h>

#include "catalog.h"
#include "estimate.h"
#include "expr.h"

struct lintfile;
struct engine;

#define FACTS_DATASET_MAX_BYTES (32.0 * 1024 * 1024)

typedef struct facts_opts {
    const gpu_info *gpu; /* the target GPU (--gpu or the project's default); NULL = none */
    double gpus;         /* --gpus; 0 = from the config, else 1 */
    double price_per_hour;
    const char *dataset; /* --dataset: a local JSON/JSONL file, instead of the config's */
    double samples;      /* --samples: the dataset's size when it cannot be read */
    bool dataset_unbounded; /* read a config's dataset whatever its size (estimate); else
                               files over FACTS_DATASET_MAX_BYTES are left alone so a check
                               stays fast */
    bool want_estimate;
} facts_opts;

typedef struct lint_extra {
    bool has_model;
    model_info model;
    const gpu_info *gpu;
    double gpus;
    bool has_estimate;
    /* a sharded job with no GPU count: the fewest GPUs of the target type it
     * fits on (the estimate is for that many), or 0 */
    double min_gpus;
    est_job job; /* what was estimated */
    estimate est;
    bool has_data;
    dataset_stats data;
    const char *data_error; /* why the config's local dataset could not be read */
    double samples;         /* dataset size (from the data, or --samples), 0 = unknown */
    est_plan plan;          /* time and cost */
    const char *assumptions[8]; /* what the estimate assumed the config did not say */
    size_t nassumptions;
} lint_extra;

/* Fills an estimator job from a file's normalised job; assumptions made for
 * missing settings are recorded in x (may be NULL). Strings live in a. */
void facts_job(const struct lintfile *lf, const model_info *m, double gpus, est_job *j,
               lint_extra *x, arena *a);

/* For a job that shards (FSDP, ZeRO) and does not fit: the fewest GPUs of
 * type gpu on which its estimate fits (one node of up to 8, then nodes of 8,
 * at most 512), with j and *out set to that run; 0 when none does or the job
 * does not shard. */
double facts_fewest_gpus(const est_params *p, const model_info *m, est_job *j,
                         const gpu_info *gpu, estimate *out);
/* "FSDP", "ZeRO-3", ...: how the job shards, for messages. */
const char *facts_sharding_name(const est_job *j);

/* Resolves the model and GPU of a checked file and runs the estimator.
 * Findings about unknown models go to dl. */
void facts_compute(struct engine *eng, struct lintfile *lf, const facts_opts *o, diag_list *dl);

/* Resolves model.*, gpu.*, mem.*, time.*, data.* for expressions. */
void facts_resolve(const struct lintfile *lf, int ns, const char *path, value *out);

#endif
