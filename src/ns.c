/*
 * ns.c - the namespace table (see ns.h).
 */
#include "ns.h"
#include "job.h"

#define NAME(x) #x,
static const char *const model_names[] = {MODEL_FIELDS(NAME) NULL};
static const char *const gpu_names[] = {GPU_FIELDS(NAME) NULL};
static const char *const mem_names[] = {MEM_FIELDS(NAME) NULL};
static const char *const time_names[] = {TIME_FIELDS(NAME) NULL};
static const char *const data_names[] = {DATA_FIELDS(NAME) NULL};
static const char *const file_names[] = {"path", "name", "dir", "format", "command", "mode", "header", NULL};
#undef NAME

const expr_ns all_namespaces[NS_COUNT] = {
    [NS_CFG] = {"cfg", NULL},           [NS_DS] = {"ds", NULL},
    [NS_FILE] = {"file", file_names},   [NS_JOB] = {"job", job_field_names},
    [NS_MODEL] = {"model", model_names}, [NS_GPU] = {"gpu", gpu_names},
    [NS_MEM] = {"mem", mem_names},      [NS_TIME] = {"time", time_names},
    [NS_DATA] = {"data", data_names},
};
