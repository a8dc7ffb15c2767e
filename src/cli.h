/*
 * cli.h - the subcommands. Each takes the arguments after its name and
 * returns the process exit status: 0 clean, 1 findings at or above the
 * failing severity, 2 trainlint could not do its job.
 */
#ifndef TRAINLINT_CLI_H
#define TRAINLINT_CLI_H

#include <stdbool.h>

#define TRAINLINT_VERSION "0.1.0"

enum { EXIT_CLEAN = 0, EXIT_FINDINGS = 1, EXIT_TROUBLE = 2 };

int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_lsp(int argc, char **argv);
int cmd_estimate(int argc, char **argv);
int cmd_fit(int argc, char **argv);
int cmd_gpus(int argc, char **argv);
int cmd_models(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_install_hook(int argc, char **argv);
/* What the hook written by install-hook runs: checks the staged configs as
 * staged; 2 when git or a check failed. Not listed in --help. */
int cmd_hook_run(int argc, char **argv);

struct engine;
struct gpu_info;
struct hw_gpu;
/* Resolves a --gpu name: a catalog GPU, or with "auto" the GPU nvidia-smi
 * reports (stored in *hw). Prints why and returns -1 when the name is
 * unknown or ambiguous, or when no GPU is detected. */
int resolve_gpu(struct engine *eng, const char *name, struct hw_gpu *hw,
                const struct gpu_info **out);

/* Parses --format text|json for the commands that offer only those two;
 * prints the error and returns -1 otherwise. */
int cli_text_or_json(const char *cmd, const char *arg, bool *json);

/* Prints a JSON document on stdout (indented when pretty) and frees it. */
struct cJSON;
void cli_print_json(struct cJSON *j, bool pretty);

/* Prints data-file errors (broken schemas or rule packs) to stderr. */
struct diag_list;
void cli_print_data_errors(const struct diag_list *dl);

#endif
