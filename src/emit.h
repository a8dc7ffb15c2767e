/*
 * emit.h - writers of diagnostics: text (gcc style with a source excerpt),
 * json (LSP-shaped ranges), sarif (2.1.0) and github (workflow commands).
 *
 * The check command calls emit_file once per checked file (with that file's
 * diagnostics, sorted) and emit_end once; each writer streams or collects as
 * its format needs.
 */
#ifndef TRAINLINT_EMIT_H
#define TRAINLINT_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "diag.h"

typedef enum out_format { OUT_TEXT, OUT_JSON, OUT_SARIF, OUT_GITHUB } out_format;

typedef struct emit_summary {
    size_t files;
    size_t errors, warnings, infos;
    size_t suppressed;
    size_t fixable_safe, fixable_unsafe;
    size_t dropped; /* diagnostics over the per-file cap */
} emit_summary;

typedef struct emit_file_info {
    const srcfile *src;
    const char *format;     /* detected format name or NULL */
    const char *format_title; /* for the note on a format assumed from few keys */
    const char *confidence; /* "high" ... or NULL */
    const char *command;    /* the command that reads the file, or NULL */
    const char *command_how;/* "header comment", "keys", "default", "--command" */
    size_t command_line;    /* line of the header comment naming it, or 0 */
    struct cJSON *extra;    /* optional object merged into the JSON file entry (owned by callee) */
} emit_file_info;

typedef struct emitter emitter;

/* Where a rule's documentation lives (printf pattern over the rule id): the
 * rule reference generated into docs/rules.md (`trainlint rules --format
 * markdown`). SARIF helpUri and the language server's codeDescription use it. */
#define TRAINLINT_RULE_DOC_URL "https://github.com/trainlint/trainlint/blob/main/docs/rules.md#%s"

/* Rule metadata for SARIF's tool.driver.rules: returns false when unknown. */
typedef bool (*rule_info_fn)(void *ctx, const char *id, const char **summary, const char **docs);

typedef struct emit_opts {
    out_format format;
    rule_info_fn rule_info;
    void *rule_info_ctx;
    const char *version;
    bool color;
    bool quiet;       /* text: no source excerpts, no summary */
    bool show_format; /* text: print the detected format per file */
    FILE *out;
} emit_opts;

emitter *emit_begin(const emit_opts *o);
/* Emits the diagnostics of one source file (only those whose src is
 * info->src; suppressed ones are skipped but counted). */
void emit_file(emitter *e, const emit_file_info *info, const diag *items, size_t n);
void emit_end(emitter *e, const emit_summary *s);
/* Frees an emitter without printing anything (--diff). */
void emit_discard(emitter *e);

/* Shared helpers. */
const char *out_format_name(out_format f);
int out_format_parse(const char *s);
/* 1-based line and code-point column of a byte offset. */
void emit_pos(const srcfile *src, size_t off, size_t *line, size_t *col);

#endif
