/*
 * embedded.c - lookup in the table of compiled-in data files.
 */
#include "embedded.h"

#include <string.h>

const embedded_file *embedded_find(const char *path)
{
    for (size_t i = 0; i < embedded_count; i++)
        if (strcmp(embedded_files[i].path, path) == 0)
            return &embedded_files[i];
    return NULL;
}

const embedded_file *embedded_find_prefix(const char *prefix)
{
    size_t n = strlen(prefix);
    for (size_t i = 0; i < embedded_count; i++)
        if (strncmp(embedded_files[i].path, prefix, n) == 0)
            return &embedded_files[i];
    return NULL;
}

const embedded_snapshot *embedded_find_snapshot(const char *path)
{
    for (size_t i = 0; i < embedded_snapshot_count; i++)
        if (strcmp(embedded_snapshots[i].path, path) == 0)
            return &embedded_snapshots[i];
    return NULL;
}
