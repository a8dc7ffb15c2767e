/*
 * doc.h - the document tree of one YAML or JSON file.
 *
 * Built from libyaml events; every node knows its byte range in the source.
 * Anchors and aliases share nodes (the tree is a DAG, never a cycle); merge
 * keys (<<) are resolved with explicit keys winning; duplicate keys are
 * reported. Scalars keep their text and style and are typed on demand the
 * way a given loader would type them (PyYAML's YAML 1.1, OmegaConf, YAML 1.2,
 * JSON), so format-specific checks can say what the trainer will really see.
 * Loading is bounded: nesting depth, node count and alias expansion.
 */
#ifndef TRAINLINT_DOC_H
#define TRAINLINT_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "srcfile.h"
#include "strmap.h"
#include "util.h"

typedef enum doc_kind { DOC_SCALAR, DOC_SEQ, DOC_MAP } doc_kind;

typedef enum doc_style {
    STYLE_PLAIN,
    STYLE_SINGLE,
    STYLE_DOUBLE,
    STYLE_LITERAL,
    STYLE_FOLDED
} doc_style;

/* How a loader turns plain scalars into values. */
typedef enum doc_typing {
    TYPING_YAML11,    /* PyYAML SafeLoader */
    TYPING_OMEGACONF, /* PyYAML + OmegaConf's float resolver, no timestamps */
    TYPING_YAML12,    /* YAML 1.2 core schema */
    TYPING_JSON       /* JSON */
} doc_typing;

typedef enum scalar_type {
    ST_NULL,
    ST_BOOL,
    ST_INT,
    ST_FLOAT,
    ST_STR,
    ST_TIMESTAMP,
    ST_OTHER /* an explicit tag no safe loader constructs (e.g. !!python/...) */
} scalar_type;

typedef struct scalar_value {
    scalar_type type;
    bool b;
    double num;
} scalar_value;

typedef struct doc_node doc_node;

typedef struct doc_pair {
    doc_node *key;
    doc_node *value;
    bool merged; /* came from a << merge key */
} doc_pair;

struct doc_node {
    uint8_t kind;  /* doc_kind */
    uint8_t style; /* doc_style, scalars only */
    bool flow;     /* collection written in flow style ([...] / {...}) */
    bool open;     /* still being built (used to refuse recursive aliases) */
    uint32_t start, end; /* byte range in the source */
    const char *tag;     /* explicit tag, resolved ("tag:yaml.org,2002:str"), or NULL */
    const char *anchor;  /* anchor name or NULL */
    const char *text;    /* scalar value after escapes and folding */
    uint32_t len;        /* scalar length in bytes */
    uint32_t n;          /* seq items / map pairs (explicit + merged) */
    uint32_t nexplicit;  /* map: pairs written in this mapping (the rest are merged) */
    union {
        doc_node **items; /* DOC_SEQ */
        doc_pair *pairs;  /* DOC_MAP */
    } u;
    strmap *index;   /* map: key text -> last explicit pair, for large maps */
    uint64_t weight; /* nodes reached when aliases are expanded (saturating) */
};

typedef struct doc_limits {
    size_t max_depth;           /* nesting of collections */
    size_t max_nodes;           /* nodes created */
    uint64_t max_expanded;      /* nodes reachable with aliases expanded */
} doc_limits;

extern const doc_limits doc_default_limits;

typedef struct doc {
    const srcfile *src;
    arena mem;
    doc_node **roots; /* one per document in the stream */
    size_t nroots, caproots;
    bool failed;      /* a syntax or limit error stopped loading */
    size_t nnodes;
    strmap **indexes; /* to free */
    size_t nindexes, capindexes;
} doc;

/* Loads src into d. Syntax errors and exceeded limits become diagnostics
 * (rule ids syntax-error, limit-*) and set d->failed; duplicate keys and
 * multi-document streams are reported too. Returns 0, or -1 when loading
 * stopped early. d must be released with doc_free either way. */
int doc_load(doc *d, const srcfile *src, const doc_limits *lim, diag_list *dl);
void doc_free(doc *d);

/* Builds the key index of a large mapping (as the loader does). */
void doc_index_map(doc *d, doc_node *m);

/* A loaded document as a flat image (doc_snapshot.c): written at build time
 * for trainlint's own data files, read at start-up instead of parsing YAML.
 * The image must outlive the doc read from it; src supplies positions' text.
 * doc_snapshot_read returns -1 on a malformed image. */
void doc_snapshot_write(const doc *d, strbuf *out);
int doc_snapshot_read(doc *d, const srcfile *src, const unsigned char *img, size_t len);

/* The first document's root, or NULL for an empty stream. */
doc_node *doc_root(const doc *d);

/* Map lookup with PyYAML semantics: the last explicit occurrence of a key
 * wins, then merged keys. NULL when absent or when map is not a map. */
doc_pair *doc_map_pair(const doc_node *map, const char *key, size_t klen);
doc_node *doc_map_get(const doc_node *map, const char *key);

/* Follows a dotted path ("zero_optimization.offload_optimizer.device");
 * numeric segments index sequences. Returns the value node or NULL. With
 * pair_out, also returns the pair of the last map step. */
doc_node *doc_path(const doc_node *root, const char *path, doc_pair **pair_out);

/* Whether the scalar is the YAML merge key "<<". */
bool doc_is_merge_key(const doc_node *n);

/* Types a scalar the way `typing` would. Non-scalars return ST_OTHER. */
scalar_value doc_scalar(const doc_node *n, doc_typing typing);
const char *scalar_type_name(scalar_type t);

/* Where YAML 1.1 (PyYAML) and YAML 1.2 disagree about a plain scalar, in
 * the ways that bite trainer configs. */
typedef enum doc_pitfall {
    PITFALL_NONE,
    PITFALL_FLOAT_AS_STRING, /* 2e-5, 1.0e5: a string under YAML 1.1 */
    PITFALL_BOOL_WORD,       /* yes/no/on/off: a boolean under YAML 1.1 */
    PITFALL_OCTAL,           /* 0755: octal under YAML 1.1 */
    PITFALL_SEXAGESIMAL,     /* 1:30: base-60 number under YAML 1.1 */
    PITFALL_TIMESTAMP        /* 2024-01-01: a date under YAML 1.1 */
} doc_pitfall;

/* Returns the pitfall of a plain scalar under `typing` (NONE for quoted
 * scalars or when the loader agrees with YAML 1.2). When there is one and
 * suggest is non-NULL, writes the spelling that means what YAML 1.2 reads. */
doc_pitfall doc_scalar_pitfall(const doc_node *n, doc_typing typing, char *suggest, size_t sz);

/* Whether the scalar is an OmegaConf interpolation "${...}" as a whole. */
bool doc_is_interpolation(const doc_node *n);

#endif
