/*
 * rules.h - rule packs (the yaml files in rules/, and --rules DIR): loading, compiling
 * and evaluating them over one checked file.
 *
 * A rule has an id, a severity, the formats it applies to, a condition
 * (`when`), a position (`at`), a message template, optional help, related
 * positions and fixes (set / remove / rename a key, or set a job field in
 * whatever key the file's format uses for it), plus documentation. Rules
 * marked `builtin` are implemented in C (schema checks, YAML problems); their
 * entries carry the metadata for `trainlint rules`, `explain` and SARIF.
 */
#ifndef TRAINLINT_RULES_H
#define TRAINLINT_RULES_H

#include <stdbool.h>

#include "datafile.h"
#include "diag.h"
#include "expr.h"
#include "strmap.h"

struct lintfile;
struct engine;

typedef enum edit_kind { EDIT_SET, EDIT_REMOVE, EDIT_RENAME } edit_kind;

typedef struct rule_edit {
    edit_kind kind;
    const char *path; /* cfg/ds path ("bf16", "fsdp_config.offload_params") */
    int ns;           /* NS_CFG, NS_DS or NS_JOB */
    int field;        /* job field when ns == NS_JOB */
    tmpl *value;      /* set: YAML text of the new value */
    const char *to;   /* rename: the new key */
} rule_edit;

typedef struct rule_fix {
    tmpl *title;
    bool safe;
    expr *when; /* optional: offer this fix only when true */
    rule_edit *edits;
    size_t nedits;
} rule_fix;

typedef struct rule_related {
    expr *at;
    tmpl *message;
} rule_related;

typedef struct rule {
    const char *id;
    const char *pack;
    severity sev;
    bool builtin;
    const char **formats; /* NULL = every format */
    size_t nformats;
    expr *when;
    expr *at;
    tmpl *message;
    tmpl *help;
    rule_related *related;
    size_t nrelated;
    rule_fix *fixes;
    size_t nfixes;
    const char *summary;
    const char *docs;
    const char **tags;
    size_t ntags;
    const datafile *file;
    const doc_node *def;
    /* built-in rules (checked when the binary was built) are compiled on first
     * use: the condition when a file of their format is checked, the rest when
     * the condition first holds */
    uint8_t stage; /* RULE_DECLARED, RULE_WHEN, RULE_FULL */
    bool broken;   /* compiling failed: the error is in the ruleset's datactx */
} rule;

enum { RULE_DECLARED, RULE_WHEN, RULE_FULL };

typedef struct ruleset {
    rule **rules; /* evaluation order */
    size_t n, cap;
    strmap byid;
    arena mem;
    datactx *cx;  /* where errors of rules compiled on first use go */
    bool lazy;    /* set while loading the built-in packs */
} ruleset;

/* Loads the built-in packs (the embedded yaml files directly in rules/).
 * Errors go to cx->errs. Returns 0 or -1. */
int rules_load_builtin(ruleset *rs, datactx *cx);
/* Loads every *.yaml pack in a directory (user rules override built-ins by
 * id). */
int rules_load_dir(ruleset *rs, datactx *cx, const char *dir);
/* Loads one pack from a data file. */
int rules_load_file(ruleset *rs, datactx *cx, datafile *df);
void rules_free(ruleset *rs);

rule *rules_find(const ruleset *rs, const char *id);
/* Compiles a rule in full now (built-in rules are compiled on first use).
 * Returns -1 with the error in the ruleset's datactx. */
int rules_compile(ruleset *rs, rule *r);
bool rule_applies_to(const rule *r, const char *format);

/* Evaluates every non-builtin rule over a checked file, adding findings.
 * overrides maps rule ids to severities (SEV_OFF = disabled); may be NULL. */
void rules_eval(const ruleset *rs, struct engine *eng, struct lintfile *lf,
                const strmap *overrides, diag_list *dl);

/* Builds the text edit for a rule edit (also used by estimator fixes). */
bool rules_make_edit(struct lintfile *lf, const rule_edit *ed, const char *value_text,
                     diag_list *dl, fix *f);

#endif
