/*
 * main.c - the trainlint command: picks the subcommand and returns its exit
 * status. No domain logic lives here.
 */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("trainlint " TRAINLINT_VERSION " - lint LLM training configs and size them before launch\n"
          "\n"
          "usage: trainlint [check] [options] FILE|DIR|- ...   lint configs (the default command)\n"
          "       trainlint estimate [FILE] [options]          memory, fit, throughput, time, cost\n"
          "       trainlint fit [FILE] --gpu all|NAME,...     one job on many GPUs\n"
          "       trainlint gpus|models [NAME]                the GPU and model catalogs\n"
          "       trainlint profile --gpu NAME --ram GIB|auto  low_end / mid_range / high_end\n"
          "       trainlint rules [--format json|markdown]    list the rules\n"
          "       trainlint explain RULE                      a rule's docs and examples\n"
          "       trainlint install-hook [--force]            a git pre-commit hook\n"
          "       trainlint lsp                               language server (stdio)\n"
          "       trainlint --version | --help\n"
          "\n"
          "Run 'trainlint COMMAND --help' for a command's options; 'man trainlint' for all.\n"
          "Exit status: 0 no findings at or above --fail-on, 1 findings, 2 trainlint could not\n"
          "do its job (bad usage, unreadable path, broken rule or schema file).\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_TROUBLE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("trainlint %s\n", TRAINLINT_VERSION);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_CLEAN;
    }
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        {"check", cmd_check},
        {"rules", cmd_rules},
        {"explain", cmd_explain},
        {"lsp", cmd_lsp},
        {"estimate", cmd_estimate},
        {"fit", cmd_fit},
        {"gpus", cmd_gpus},
        {"models", cmd_models},
        {"profile", cmd_profile},
        {"install-hook", cmd_install_hook},
        {"hook-run", cmd_hook_run},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].fn(argc - 1, argv + 1);
    return cmd_check(argc, argv);
}
