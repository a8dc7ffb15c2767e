/*
 * project.h - the project root of a checked config: the folders from which
 * the files it references (a DeepSpeed config, a local dataset, a local
 * model's config.json) may be read.
 *
 * The root is the git work tree holding the config (the nearest folder up
 * from it with a `.git` entry, found without running git), else the folder
 * of the .trainlint.yaml that applies when it holds the config, else the
 * config's own folder. The settings file may add folders (`roots:`); nothing
 * in the checked config can. A reference is inside when its real path (every
 * symlink resolved, `..` applied) lies in one of these folders; trainlint
 * reads nothing else, so a config from an untrusted pull request cannot make
 * it print a file from the machine that checks it.
 */
#ifndef TRAINLINT_PROJECT_H
#define TRAINLINT_PROJECT_H

#include <stdbool.h>
#include <stddef.h>

struct project_config;

#define PROJECT_MAX_ROOTS 16

typedef struct project_roots {
    char *dirs[PROJECT_MAX_ROOTS]; /* real paths of the root folders, owned */
    size_t n;
    char *config_dir; /* real path of the config's folder (the working directory for
                       * input that is not a file on disk), owned */
} project_roots;

/* Finds the roots of the config at config_path (NULL or a path that does not
 * exist: the working directory stands for its folder); pc is the settings
 * that apply (NULL when isolated). Never fails: at worst the root is the
 * config's folder. */
void project_roots_find(project_roots *pr, const char *config_path,
                        const struct project_config *pc);
void project_roots_free(project_roots *pr);

/* Like realpath(3), but a missing tail is resolved lexically and a dangling
 * symlink is followed, so that where a path would lead is known whether or
 * not the file exists (what trainlint says about a reference outside the
 * project does not reveal whether the file is there). out holds PATH_MAX
 * bytes. Returns false only for paths too long or with too many links. */
bool project_resolve(const char *path, char *out);

/* Whether a real path lies in one of the roots (or is one). */
bool project_contains(const project_roots *pr, const char *real);

/* Where to look for a relative reference, in this order. */
enum {
    REF_FROM_CWD = 1,     /* the working directory, when it is inside the project */
    REF_FROM_CONFIG = 2,  /* the config's folder */
    REF_FROM_PARENTS = 4, /* the config folder's parents, up to the root */
};

typedef enum ref_result {
    REF_FOUND,   /* a regular file inside the project */
    REF_OUTSIDE, /* the reference leads out of the project: not read */
    REF_MISSING, /* no such file inside the project */
} ref_result;

/* Looks up a file reference taken from a config. An absolute reference has
 * one candidate; a relative one is tried from each place in `from`. The
 * first candidate inside the project that is a regular file wins: *display
 * receives the path as found (for messages), *real its real path (to read);
 * both malloc'd. REF_OUTSIDE when no candidate was found inside and one led
 * out of the project. */
ref_result project_find_ref(const project_roots *pr, const char *ref, unsigned from,
                            char **display, char **real);

#endif
