/*
 * config.h - project settings from .trainlint.yaml (or .trainlint.yml),
 * found by walking up from each checked file; the closest one wins.
 *
 *   rules: {RULE-ID: error|warning|info|off}   severity overrides
 *   gpu: NAME            default --gpu        gpus: N        default GPU count
 *   fail-on: SEVERITY    exclude: [GLOB]      rules-dirs: [DIR] (relative to the file)
 *   ignore: {GLOB: [RULE-ID]}                 per-file ignores (JSON has no comments)
 *   price-per-hour: USD  max-file-size: BYTES
 *   command: NAME        the command that reads the configs (a torchtune recipe,
 *                        a LLaMA-Factory subcommand), as --command
 *   roots: [DIR]         more folders referenced files may be read from
 *                        (relative to the file; see project.h)
 */
#ifndef TRAINLINT_CONFIG_H
#define TRAINLINT_CONFIG_H

#include <stdbool.h>

#include "datafile.h"
#include "diag.h"
#include "strmap.h"

typedef struct file_ignore {
    const char *glob;
    const char **ids;
    size_t nids;
} file_ignore;

typedef struct project_config {
    const char *path; /* the config file, or NULL for defaults */
    const char *dir;  /* its directory (globs and rules-dirs are relative to it) */
    strmap severities; /* rule id -> (severity + 1) */
    const char *gpu;
    const char *command;
    double gpus;
    double price_per_hour;
    int fail_on; /* -1 unset */
    double max_file_size;
    const char **exclude;
    size_t nexclude;
    const char **rules_dirs; /* absolute or relative to dir, as written */
    size_t nrules_dirs;
    file_ignore *ignores;
    size_t nignores;
    const char **roots; /* extra project roots, absolute or relative to dir, as written */
    size_t nroots;
} project_config;

typedef struct config_cache {
    strmap bydir;          /* directory -> project_config (or the empty default) */
    project_config **all; /* every parsed config, for freeing */
    size_t nall, capall;
    project_config empty;
    datactx *cx;
    arena mem;
} config_cache;

void config_cache_init(config_cache *cc, datactx *cx);
void config_cache_free(config_cache *cc);

/* The settings that apply to a file (never NULL; errors in a config file go
 * to cc->cx->errs). explicit_config (--config) wins when given. */
const project_config *config_for(config_cache *cc, const char *file_path,
                                 const char *explicit_config);

/* Whether a path matches one of the config's exclude globs. */
bool config_excludes(const project_config *pc, const char *path);
/* Whether the config ignores rule id for this file. */
bool config_ignores(const project_config *pc, const char *path, const char *rule);

#endif
