/*
 * embedded.h - the data files compiled into the binary (schemas/, rules/).
 * The table is generated at build time by tools/embed.c.
 */
#ifndef TRAINLINT_EMBEDDED_H
#define TRAINLINT_EMBEDDED_H

#include <stddef.h>

typedef struct embedded_file {
    const char *path; /* relative to the repository root, e.g. "schemas/hf.yaml" */
    const char *data; /* NUL-terminated */
    size_t len;
} embedded_file;

extern const embedded_file embedded_files[];
extern const size_t embedded_count;

/* The parsed, checked document of each YAML data file, as an image made at
 * build time by tools/snapshot.c (see doc_snapshot.c); absent entries are
 * parsed at run time. */
typedef struct embedded_snapshot {
    const char *path;
    const unsigned char *data;
    size_t len;
} embedded_snapshot;

extern const embedded_snapshot embedded_snapshots[];
extern const size_t embedded_snapshot_count;

/* The model catalog's name index, made at build time: every normalised id,
 * alias and shape-neutral variant with the model's slot (sorted by name), and
 * where each model file's entries start. Empty in builds without images. */
typedef struct embedded_model_name {
    const char *name;
    unsigned model;
} embedded_model_name;
typedef struct embedded_model_file {
    const char *path;
    unsigned base, count;
} embedded_model_file;

extern const embedded_model_name embedded_model_names[];
extern const size_t embedded_model_name_count;
extern const embedded_model_file embedded_model_files[];
extern const size_t embedded_model_file_count;

/* Finds a file by path; NULL when absent. */
const embedded_file *embedded_find(const char *path);
/* The image of a data file's document; NULL when there is none. */
const embedded_snapshot *embedded_find_snapshot(const char *path);
/* The first file whose path starts with prefix (e.g. "testdata/rules/x/bad."). */
const embedded_file *embedded_find_prefix(const char *prefix);

#endif
