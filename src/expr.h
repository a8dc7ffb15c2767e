/*
 * expr.h - the condition language of rule files and schema job mappings.
 *
 * A small expression language: literals (numbers, strings, true/false/null,
 * lists), names in namespaces (cfg.key.path, job.micro_batch, gpu.memory_gib),
 * indexing (cfg["key.with.dots"]), comparisons, && || !, arithmetic, `in`,
 * `?:`, `??` (null fallback), regular expressions (=~, !~, matches()) through
 * PCRE2 with JIT and match limits, and a set of functions.
 *
 * Expressions are compiled once into an AST (in an arena the caller owns)
 * and evaluated many times; names are checked at compile time against the
 * namespaces the caller declares, so a typo in a rule file is a load error
 * with a position, not a silent false.
 */
#ifndef TRAINLINT_EXPR_H
#define TRAINLINT_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"
#include "util.h"

typedef enum vkind { V_NULL, V_BOOL, V_NUM, V_STR, V_LIST, V_NODE } vkind;

typedef struct value value;
struct value {
    vkind kind;
    bool b;
    bool missing; /* V_NULL because the name or key does not exist */
    double n;
    const char *s; /* V_STR (not necessarily NUL-terminated: use slen) */
    size_t slen;
    value *items; /* V_LIST */
    size_t nitems;
    const doc_node *node; /* V_NODE: a map or sequence in a document */
    /* where the value came from, for positions and fixes */
    const doc_node *origin;     /* the value node in a document */
    const doc_node *origin_key; /* its key node, when it was a map entry */
    const void *origin_doc;     /* which document (opaque to expr) */
};

value value_null(void);
value value_missing(void);
value value_bool(bool b);
value value_num(double n);
value value_str(const char *s, size_t len);
bool value_truthy(const value *v);
bool value_equal(const value *a, const value *b);
/* Appends a readable rendering (numbers as in messages, lists as [a, b]). */
void value_print(const value *v, strbuf *out);

/* Namespaces an expression may name. fields == NULL accepts any path
 * (documents); otherwise the first path segment must be one of fields. */
typedef struct expr_ns {
    const char *name;
    const char *const *fields;
} expr_ns;

/* Evaluation environment supplied by the caller. */
typedef struct expr_env {
    /* Resolves namespace `ns` (index into the compile-time list) at `path`.
     * Must set *out (value_missing() when absent). */
    void (*resolve)(void *ud, int ns, const char *path, value *out);
    /* Converts a document node to a value (scalar typing is the caller's:
     * it depends on the document's loader). */
    void (*from_node)(void *ud, const doc_node *n, const void *origin_doc, value *out);
    void *ud;
    arena *scratch; /* temporary strings and lists; reset by the caller */
} expr_env;

typedef struct expr expr;

typedef struct expr_error {
    size_t offset; /* byte offset in the expression source */
    char msg[256];
} expr_error;

/* Compiles src. Returns NULL and fills err on a syntax, name or regex error. */
expr *expr_compile(const char *src, const expr_ns *nss, size_t nns, arena *a, expr_error *err);
value expr_eval(const expr *e, const expr_env *env);
/* The first document path the expression reads from namespace ns
 * ("micro_batch_size" for `cfg.micro_batch_size ?? 1`), or NULL. */
const char *expr_first_path(const expr *e, int ns);
/* Every path read from namespace ns, in order of appearance (deduplicated).
 * Returns the count; fills up to max entries. */
size_t expr_paths(const expr *e, int ns, const char **out, size_t max);

/* A message template: literal text with ${expr} holes. */
typedef struct tmpl tmpl;
tmpl *tmpl_compile(const char *src, const expr_ns *nss, size_t nns, arena *a, expr_error *err);
void tmpl_render(const tmpl *t, const expr_env *env, strbuf *out);
/* Whether the template has no holes (its text is constant). */
bool tmpl_is_constant(const tmpl *t);

/* Regular expressions (PCRE2, cached, JIT, with match limits). Returns 1 on
 * match, 0 on no match, -1 on a bad pattern or an exceeded limit. With
 * group1, captures the first group into *cap (pointing into subject). */
int regex_match(const char *pattern, const char *subject, size_t len, const char **cap,
                size_t *caplen);
/* Compiles a pattern to check it; returns NULL or an error message. */
const char *regex_check(const char *pattern, char *buf, size_t bufsz);
/* Nested on/off: while on, regex_check accepts every pattern without compiling
 * it (for trainlint's own data, checked at build time). */
void regex_trust_builtin(bool on);
/* Turns the trust off for the whole process (tools/snapshot.c). */
void regex_check_everything(void);
/* Frees the regex cache (at exit, for leak checkers). */
void regex_cache_free(void);

#endif
