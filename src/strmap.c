/*
 * strmap.c - FNV-1a hashing with linear probing. See strmap.h.
 */
#include "strmap.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

uint64_t strmap_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static strmap_slot *find_slot(strmap_slot *slots, size_t cap, const char *key, size_t klen,
                              uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    for (;;) {
        strmap_slot *s = &slots[i];
        if (!s->key)
            return s;
        if (s->hash == h && s->klen == klen && memcmp(s->key, key, klen) == 0)
            return s;
        i = (i + 1) & (cap - 1);
    }
}

static void rehash(strmap *m, size_t ncap)
{
    strmap_slot *ns = xcalloc(ncap, sizeof *ns);
    for (size_t i = 0; i < m->cap; i++) {
        strmap_slot *o = &m->slots[i];
        if (o->key)
            *find_slot(ns, ncap, o->key, o->klen, o->hash) = *o;
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
}

void *strmap_put(strmap *m, const char *key, size_t klen, void *value)
{
    if ((m->count + 1) * 4 > m->cap * 3)
        rehash(m, m->cap ? m->cap * 2 : 16);
    uint64_t h = strmap_hash(key, klen);
    strmap_slot *s = find_slot(m->slots, m->cap, key, klen, h);
    if (s->key) {
        void *old = s->value;
        s->value = value;
        return old;
    }
    s->key = key;
    s->klen = klen;
    s->hash = h;
    s->value = value;
    m->count++;
    return NULL;
}

void strmap_reserve(strmap *m, size_t n)
{
    size_t cap = m->cap ? m->cap : 16;
    while (n * 4 > cap * 3) {
        if (cap > SIZE_MAX / 2 / sizeof(strmap_slot))
            die_oom(SIZE_MAX);
        cap *= 2;
    }
    if (cap > m->cap)
        rehash(m, cap);
}

void *strmap_get(const strmap *m, const char *key, size_t klen)
{
    if (!m->cap)
        return NULL;
    strmap_slot *s = find_slot(m->slots, m->cap, key, klen, strmap_hash(key, klen));
    return s->key ? s->value : NULL;
}

void strmap_free(strmap *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}
