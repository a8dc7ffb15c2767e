/*
 * schema.h - the trainer formats: their registry (schemas/formats.yaml),
 * how each loader types and coerces values, the known keys of each format
 * (schemas/<format>.yaml) and the job mapping expressions.
 *
 * Schemas are loaded lazily: detection needs only the registry; a format's
 * key schema is read the first time a file of that format is checked.
 */
#ifndef TRAINLINT_SCHEMA_H
#define TRAINLINT_SCHEMA_H

#include <stdbool.h>

#include "datafile.h"
#include "doc.h"
#include "expr.h"
#include "job.h"
#include "ns.h"
#include "strmap.h"

/* How a trainer's loader treats values (see docs/data-formats.md). */
typedef enum coercion {
    COERCE_NONE,    /* values reach the trainer as typed */
    COERCE_STRINGS, /* argparse: strings go through the field type */
    COERCE_LAX      /* pydantic lax mode */
} coercion;

enum {
    TY_BOOL = 1,
    TY_INT = 2,
    TY_FLOAT = 4,
    TY_STR = 8,
    TY_LIST = 16,
    TY_MAP = 32,
    TY_NULL = 64,
    TY_ANY = 128
};

typedef struct key_schema key_schema;

typedef struct map_schema {
    strmap keys;        /* name -> key_schema */
    key_schema **order; /* in file order */
    size_t n, cap;
    severity unknown;   /* SEV_OFF: unknown keys are fine */
    /* unknown keys that are no near miss of a known key: the trainer's parser
     * may combine this schema with the script's own argument classes */
    severity unknown_unmatched;
} map_schema;

struct key_schema {
    const char *name;
    const char *format;       /* format whose schema file defines it */
    const datafile *file;     /* where it is defined */
    const doc_node *def;      /* its definition node */
    unsigned types;           /* TY_* bits; 0 = any */
    const doc_node *enum_vals;/* sequence, or NULL */
    bool has_min, has_max, min_excl, max_excl;
    double min, max;
    const char *pattern;
    const doc_node *default_val;
    bool required;
    const char *doc, *renamed_to, *removed, *deprecated, *replacement, *note, *plugin, *since;
    const char **commands; /* known only to these commands of the format (NULL: all) */
    size_t ncommands;
    map_schema *keys;  /* nested keys of a map value */
    key_schema *items; /* schema of list elements */
};

typedef struct job_map {
    job_field field;
    expr *e;
    const char *src;     /* expression text */
    const doc_node *def; /* its node in formats.yaml */
    /* the config keys the expression reads, found on first use (the hint for a
     * key that belongs to another format looks at every format's mappings) */
    const char *cfg_paths[8];
    size_t cfg_path_len[8]; /* their lengths: most are ruled out on length alone */
    size_t ncfg_paths;
    bool cfg_paths_known;
} job_map;

/* How to write one job field back into a file of this format. */
typedef struct job_setter {
    job_field field;
    const char *key;     /* cfg path to set */
    const doc_node *map; /* canonical value -> text to write, or NULL */
} job_setter;

/* One command of a trainer that reads a file of the format (a torchtune
 * recipe, `llamafactory-cli export`, ...): the keys it requires, and how a
 * file says it is meant for it (schemas/<format>.yaml `commands:`). */
typedef struct command_def {
    const char *name, *title;
    const char *mode;           /* train | inference | export | ... */
    expr *when;                 /* the file's shape that selects it, or NULL */
    const char **required;      /* top-level keys the command reads directly */
    size_t nrequired;
    const char **aliases;       /* other names a header or --command may use */
    size_t naliases;
    bool is_default;
} command_def;

/* A trainer's way of reading a file (schemas/formats.yaml `loaders:`): how
 * plain scalars are typed, how the values are coerced on the way to the
 * trainer's fields, and what happens to a key written twice. */
typedef struct loader_def {
    const char *name;
    const char *title; /* for messages: "PyYAML (YAML 1.1)" */
    doc_typing typing;
    coercion coerce;
    bool duplicate_key_error; /* the loader raises on a duplicate key */
} loader_def;

typedef struct format_def {
    const char *name, *title, *schema_file;
    const char *loader;
    const loader_def *ld;
    const char *extends; /* detection parent (a more general format) */
    doc_typing typing;
    coercion coerce;
    const char **strong, **support, **anti;
    size_t nstrong, nsupport, nanti;
    /* a file with one of these keys and no key this format does not know is
     * taken for it (low confidence) when no format scores enough */
    const char **minimal;
    size_t nminimal;
    job_map *job;
    size_t njob;
    job_setter *setters;
    size_t nsetters;
    /* loaded on demand */
    bool loaded, loading;
    const char **inherits;
    size_t ninherits;
    map_schema *root;
    command_def *commands; /* in the order they are tried */
    size_t ncommands;
    /* a regex over the file's comment lines whose group 1 names the command
     * (torchtune's "tune run ... RECIPE --config ..." header) */
    const char *command_header;
} format_def;

/* Job-mapping expressions see the first NS_MAP_COUNT namespaces of ns.h. */

typedef struct schema_set {
    format_def *formats;
    size_t n;
    loader_def *loaders;
    size_t nloaders;
    arena mem;
    datactx *cx; /* data errors go to cx->errs */
    map_schema **maps; /* every map schema, for freeing */
    size_t nmaps, capmaps;
} schema_set;

/* Loads the registry (schemas/formats.yaml). Returns 0, or -1 with errors in
 * cx->errs. */
int schema_set_load(schema_set *ss, datactx *cx);
void schema_set_free(schema_set *ss);

format_def *schema_find_format(schema_set *ss, const char *name);
const loader_def *schema_find_loader(const schema_set *ss, const char *name);
/* The format's command called `name` (or one of its aliases), or NULL. */
const command_def *schema_find_command(const format_def *f, const char *name, size_t len);
/* Whether key ks is known to command c (a key without a command list is). */
bool schema_key_for_command(const key_schema *ks, const command_def *c);
/* Loads a format's key schema (and the schemas it inherits). Returns -1 on
 * data errors. */
int schema_load_format(schema_set *ss, format_def *f);
/* Looks a key up at one level (NULL when unknown). */
key_schema *schema_key(const map_schema *m, const char *name, size_t len);

/* The keys to set to write `field` = value_text into a file of format f:
 * fills up to max (key, text) pairs and returns the count; 0 when the format
 * cannot express the field. Texts live in a. */
size_t schema_setter_edits(const format_def *f, job_field field, const char *value_text,
                           const char **keys, const char **texts, size_t max, arena *a);

/* Describes a TY_* set for messages ("int or str"). */
void schema_types_str(unsigned types, strbuf *out);

#endif
