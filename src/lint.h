/*
 * lint.h - checks one config file: read, load, detect the format, validate
 * against its schema, load a referenced DeepSpeed file, build the job, and
 * run the rule packs and the estimator over it.
 *
 * Referenced files are read only from inside the config's project
 * (project.h); one that does not load is named in a finding on the
 * reference, never quoted.
 *
 * A lintfile owns everything about one input; its diagnostics go to the
 * caller's list (and keep pointers into the lintfile's sources, so the
 * lintfile must outlive their emission).
 */
#ifndef TRAINLINT_LINT_H
#define TRAINLINT_LINT_H

#include <stdbool.h>

#include "diag.h"
#include "doc.h"
#include "job.h"
#include "project.h"
#include "schema.h"

struct engine;

typedef struct lintfile {
    srcfile *src;
    doc d;
    bool loaded;        /* the document loaded (no syntax/limit error) */
    format_def *fmt;    /* NULL when unrecognised */
    const char *confidence; /* high | medium | low | forced */
    int score;
    format_def *runner; /* second-best format, for messages */
    /* the command that will read the file (NULL when the format has none),
     * and how it was found: "--command", "header comment", "keys", "default" */
    const command_def *cmd;
    const char *cmd_how;
    size_t cmd_line; /* 1-based line of the header comment naming it, or 0 */
    /* the comment lines among the file's first 80 (file.header), built on first use */
    const char *header;
    /* the DeepSpeed config the file points at */
    srcfile *ds_src;
    doc ds_doc;
    bool has_ds;
    format_def *ds_fmt;
    project_roots roots; /* where referenced files may be read from */
    job job;
    arena mem; /* job strings, scratch */
    struct lint_extra *extra; /* estimator/model/gpu state (owned) */
} lintfile;

typedef struct lint_opts {
    const char *as_format;   /* --as */
    const char *command;     /* --command / .trainlint.yaml `command:` */
    size_t max_file_size;
    bool explicit_path;      /* the user named this file (not found by a directory walk) */
    const char *display_path;/* for stdin */
    doc_limits limits;       /* zero fields take the defaults */
    const struct project_config *project; /* the settings that apply (roots:), or NULL */
    /* re-checking a changed text (fixproof.h): the referenced DeepSpeed file
     * at ds_path is read from ds_text instead of the disk when both are set,
     * and its own findings are reported even when another config already
     * referenced it in this run */
    const char *ds_path;
    const char *ds_text;
    size_t ds_len;
    bool recheck_ds;
} lint_opts;

/* Reads and checks one file. Returns NULL when the path cannot be read
 * (the error message goes to *err); otherwise a lintfile whose findings were
 * added to dl. */
lintfile *lint_path(struct engine *eng, const char *path, const lint_opts *o, diag_list *dl,
                    char **err);
/* Checks text already in memory (tests, the language server, stdin). */
lintfile *lint_text(struct engine *eng, const char *name, const char *text, size_t len,
                    const lint_opts *o, diag_list *dl);
/* Checks a srcfile; the lintfile takes ownership of it. */
lintfile *lint_src(struct engine *eng, srcfile *src, const lint_opts *o, diag_list *dl);
void lintfile_free(lintfile *lf);

struct project_config;
struct facts_opts;
/* Resolves the model and GPU and estimates memory (facts.h), runs the rule
 * packs over a checked file, then applies the project's severity overrides,
 * per-file ignores and inline suppressions. */
void lint_finish(struct engine *eng, lintfile *lf, const struct project_config *pc,
                 const struct facts_opts *fo, diag_list *dl);

/* Format detection over a root mapping. */
format_def *lint_detect(schema_set *ss, const doc_node *root, int *score, format_def **runner,
                        const char **confidence);

/* Expression environment over a lintfile (namespaces of ctx.h). */
void lint_env(lintfile *lf, struct engine *eng, expr_env *env, arena *scratch);

#endif
