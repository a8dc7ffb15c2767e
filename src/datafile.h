/*
 * datafile.h - reading trainlint's own data files (schemas, rule packs,
 * catalogs): from the copies compiled into the binary, or from disk for
 * user rule packs. Data files are held to a stricter standard than user
 * configs: unknown fields and scalars that YAML 1.1 and 1.2 read
 * differently are errors, reported with the data file's position.
 */
#ifndef TRAINLINT_DATAFILE_H
#define TRAINLINT_DATAFILE_H

#include <stdbool.h>

#include "diag.h"
#include "doc.h"

typedef struct datafile {
    srcfile *src;
    doc d;
    bool checked;          /* from a build-time image: its fields were checked then */
    struct datafile *next; /* owner list */
} datafile;

typedef struct datactx {
    diag_list *errs; /* where data errors go (fatal: exit 2) */
    datafile *files; /* every file opened, freed by datactx_free */
} datactx;

/* Opens an embedded file by its repository path ("schemas/hf.yaml").
 * Returns NULL (and records an error) when absent or malformed. */
datafile *data_open_embedded(datactx *cx, const char *path);
/* Opens a file on disk. strict: also refuse scalars that YAML 1.1 and 1.2
 * read differently (for trainlint's own data; user files are read as PyYAML would). */
datafile *data_open_path(datactx *cx, const char *path, bool strict);
/* Opens in-memory text (for tests). */
datafile *data_open_text(datactx *cx, const char *name, const char *text);
void datactx_free(datactx *cx);

/* Reports an error at a node of a data file. */
void data_error(datactx *cx, const datafile *f, const doc_node *at, const char *fmt, ...)
    PRINTF_LIKE(4, 5);

/* Checks that every key of map is in allowed (NULL-terminated); reports
 * each unknown one with a suggestion. Returns false if any was unknown.
 * A file read from its build-time image passes: it was checked then. */
bool data_check_keys(datactx *cx, const datafile *f, const doc_node *map,
                     const char *const *allowed, const char *what);

/* Typed field access; each reports a type error when the key exists with
 * the wrong type and returns the fallback. */
const char *data_str(datactx *cx, const datafile *f, const doc_node *map, const char *key,
                     const char *fallback);
double data_num(datactx *cx, const datafile *f, const doc_node *map, const char *key,
                double fallback);
bool data_bool(datactx *cx, const datafile *f, const doc_node *map, const char *key,
               bool fallback);
/* A sequence of strings (a single string counts as one). Returns a
 * NULL-terminated array allocated in the datafile's arena, or NULL if absent. */
const char **data_strlist(datactx *cx, const datafile *f, const doc_node *map, const char *key,
                          size_t *count);

/* Scalar text as a NUL-terminated string (scalars only, else NULL). */
const char *data_text(const doc_node *n);

#endif
