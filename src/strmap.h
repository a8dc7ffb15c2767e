/*
 * strmap.h - an open-addressing hash map from strings to pointers.
 *
 * Keys are not copied: they must outlive the map (they normally live in an
 * arena or in a loaded data file). Used for anchors, schema keys, catalog
 * aliases and rule ids, so lookups stay O(1) on hostile inputs.
 */
#ifndef TRAINLINT_STRMAP_H
#define TRAINLINT_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct strmap_slot {
    const char *key; /* NULL = empty */
    size_t klen;
    uint64_t hash;
    void *value;
} strmap_slot;

typedef struct strmap {
    strmap_slot *slots;
    size_t cap; /* power of two or 0 */
    size_t count;
} strmap;

uint64_t strmap_hash(const char *s, size_t n);
/* Inserts or replaces; returns the previous value or NULL. */
void *strmap_put(strmap *m, const char *key, size_t klen, void *value);
void *strmap_get(const strmap *m, const char *key, size_t klen);
/* Makes room for n entries in all, so that filling the map never rehashes. */
void strmap_reserve(strmap *m, size_t n);
static inline void *strmap_gets(const strmap *m, const char *key)
{
    return strmap_get(m, key, strlen(key));
}
void strmap_free(strmap *m);

#endif
