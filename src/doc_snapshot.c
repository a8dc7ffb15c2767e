/*
 * doc_snapshot.c - a loaded document as a flat binary image, and back.
 *
 * trainlint's own data files (schemas, rule packs, catalogs) are parsed and
 * checked once, at build time; the binary carries their trees as images, so a
 * run starts without parsing half a megabyte of YAML. Loading an image is one
 * pass over fixed-size records: node texts, tags and anchors point into the
 * image itself (which must outlive the doc), and only the pair and item
 * arrays and the key indexes of large mappings are allocated.
 *
 * Layout (all integers little-endian u32, read with memcpy):
 *   magic "TLDOC1\0\0", nnodes, nroots, nchildren, nstrings(bytes)
 *   roots[nroots]                    node indexes
 *   nodes[nnodes] x 10 u32:          kind|style<<8|flow<<16, start, end, tag, anchor,
 *                                    text, len, n, nexplicit, first child
 *   children[nchildren]              item indexes; for maps key, value pairs with
 *                                    bit 31 of the key set for merged pairs
 *   strings                          NUL-terminated; string refs are offsets + 1 (0 = none)
 */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#define SNAP_MAGIC "TLDOC1\0\0"
#define NODE_WORDS 10
#define NONE_IDX 0xFFFFFFFFu

static void put32(strbuf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    sb_add(b, (const char *)c, 4);
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- writing ------------------------------------------------------------- */

typedef struct writer {
    const doc_node **nodes; /* by index */
    size_t n, cap;
    strmap ids;             /* node address -> index + 1 (aliased nodes are shared) */
    strbuf strings;
    strmap strids;          /* string -> offset + 1 */
    arena keys;             /* stable storage for both maps' keys */
} writer;

static uint32_t node_id(writer *w, const doc_node *n)
{
    void *v = strmap_get(&w->ids, (const char *)&n, sizeof n);
    if (v)
        return (uint32_t)((uintptr_t)v - 1);
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->nodes = xrealloc(w->nodes, w->cap * sizeof *w->nodes);
    }
    w->nodes[w->n] = n;
    /* the key is the pointer's bytes */
    char *key = arena_alloc(&w->keys, sizeof n);
    memcpy(key, &n, sizeof n);
    strmap_put(&w->ids, key, sizeof n, (void *)(uintptr_t)(w->n + 1));
    return (uint32_t)w->n++;
}

static uint32_t str_ref(writer *w, const char *s, size_t len)
{
    if (!s)
        return 0;
    void *v = strmap_get(&w->strids, s, len);
    if (v)
        return (uint32_t)(uintptr_t)v;
    uint32_t off = (uint32_t)w->strings.len + 1;
    sb_add(&w->strings, s, len);
    sb_putc(&w->strings, '\0');
    /* key storage: the copy inside the strings buffer may move */
    strmap_put(&w->strids, arena_strndup(&w->keys, s, len), len, (void *)(uintptr_t)off);
    return off;
}

void doc_snapshot_write(const doc *d, strbuf *out)
{
    writer w;
    memset(&w, 0, sizeof w);
    for (size_t r = 0; r < d->nroots; r++)
        if (d->roots[r])
            node_id(&w, d->roots[r]);
    /* breadth-first numbering: every reachable node gets an index */
    for (size_t i = 0; i < w.n; i++) {
        const doc_node *n = w.nodes[i];
        if (n->kind == DOC_SEQ)
            for (size_t k = 0; k < n->n; k++)
                node_id(&w, n->u.items[k]);
        else if (n->kind == DOC_MAP)
            for (size_t k = 0; k < n->n; k++) {
                node_id(&w, n->u.pairs[k].key);
                node_id(&w, n->u.pairs[k].value);
            }
    }
    strbuf nodes = {0}, children = {0};
    size_t nchildren = 0;
    for (size_t i = 0; i < w.n; i++) {
        const doc_node *n = w.nodes[i];
        put32(&nodes, (uint32_t)n->kind | (uint32_t)n->style << 8 | (uint32_t)n->flow << 16);
        put32(&nodes, n->start);
        put32(&nodes, n->end);
        put32(&nodes, str_ref(&w, n->tag, n->tag ? strlen(n->tag) : 0));
        put32(&nodes, str_ref(&w, n->anchor, n->anchor ? strlen(n->anchor) : 0));
        put32(&nodes, n->kind == DOC_SCALAR ? str_ref(&w, n->text ? n->text : "", n->len) : 0);
        put32(&nodes, n->len);
        put32(&nodes, n->n);
        put32(&nodes, n->nexplicit);
        put32(&nodes, (uint32_t)nchildren);
        if (n->kind == DOC_SEQ) {
            for (size_t k = 0; k < n->n; k++)
                put32(&children, node_id(&w, n->u.items[k]));
            nchildren += n->n;
        } else if (n->kind == DOC_MAP) {
            for (size_t k = 0; k < n->n; k++) {
                uint32_t key = node_id(&w, n->u.pairs[k].key);
                put32(&children, key | (n->u.pairs[k].merged ? 0x80000000u : 0));
                put32(&children, node_id(&w, n->u.pairs[k].value));
            }
            nchildren += 2 * (size_t)n->n;
        }
    }
    sb_add(out, SNAP_MAGIC, 8);
    put32(out, (uint32_t)w.n);
    put32(out, (uint32_t)d->nroots);
    put32(out, (uint32_t)nchildren);
    put32(out, (uint32_t)w.strings.len);
    for (size_t r = 0; r < d->nroots; r++)
        put32(out, d->roots[r] ? node_id(&w, d->roots[r]) : NONE_IDX);
    sb_add(out, nodes.buf ? nodes.buf : "", nodes.len);
    sb_add(out, children.buf ? children.buf : "", children.len);
    sb_add(out, w.strings.buf ? w.strings.buf : "", w.strings.len);
    sb_free(&nodes);
    sb_free(&children);
    sb_free(&w.strings);
    free(w.nodes);
    strmap_free(&w.ids);
    strmap_free(&w.strids);
    arena_free(&w.keys);
}

/* ---- reading -------------------------------------------------------------- */

int doc_snapshot_read(doc *d, const srcfile *src, const unsigned char *img, size_t len)
{
    memset(d, 0, sizeof *d);
    d->src = src;
    if (len < 24 || memcmp(img, SNAP_MAGIC, 8) != 0)
        return -1;
    size_t nnodes = get32(img + 8), nroots = get32(img + 12), nchildren = get32(img + 16),
           nstrings = get32(img + 20);
    size_t off_roots = 24, off_nodes = off_roots + 4 * nroots;
    size_t off_children = off_nodes + 4 * NODE_WORDS * nnodes;
    size_t off_strings = off_children + 4 * nchildren;
    if (off_strings + nstrings != len || (nstrings && img[len - 1] != '\0'))
        return -1;
    const char *strings = (const char *)img + off_strings;
    /* every field is set below: no separate zeroing pass over the array */
    doc_node *nodes = arena_alloc(&d->mem, (nnodes ? nnodes : 1) * sizeof *nodes);
    const unsigned char *ch = img + off_children;
    /* the pair and item arrays of every collection, carved from one block: a
     * pair (24 bytes) takes two child words, an item (8 bytes) one, so 12
     * bytes a word is enough; one spare pair for empty collections at the end */
    size_t slab_size = nchildren * 12 + sizeof(doc_pair), slab_used = 0;
    char *slab = arena_alloc(&d->mem, slab_size);
    for (size_t i = 0; i < nnodes; i++) {
        const unsigned char *r = img + off_nodes + 4 * NODE_WORDS * i;
        doc_node *n = &nodes[i];
        *n = (doc_node){0};
        uint32_t kind = get32(r);
        n->kind = (uint8_t)(kind & 0xff);
        n->style = (uint8_t)(kind >> 8 & 0xff);
        n->flow = (kind >> 16 & 1) != 0;
        n->start = get32(r + 4);
        n->end = get32(r + 8);
        uint32_t tag = get32(r + 12), anchor = get32(r + 16), text = get32(r + 20);
        if (tag > nstrings || anchor > nstrings || text > nstrings)
            return -1;
        n->tag = tag ? strings + tag - 1 : NULL;
        n->anchor = anchor ? strings + anchor - 1 : NULL;
        n->text = text ? strings + text - 1 : NULL;
        n->len = get32(r + 24);
        n->n = get32(r + 28);
        n->nexplicit = get32(r + 32);
        size_t first = get32(r + 36);
        size_t width = n->kind == DOC_MAP ? 2 : n->kind == DOC_SEQ ? 1 : 0;
        if (first + width * n->n > nchildren || n->nexplicit > n->n ||
            (n->text && (size_t)(text - 1) + n->len >= nstrings))
            return -1;
        if (n->kind == DOC_SEQ) {
            if (n->n * sizeof *n->u.items > slab_size - slab_used)
                return -1; /* overlapping child ranges: a damaged image */
            n->u.items = (doc_node **)(void *)(slab + slab_used);
            slab_used += n->n * sizeof *n->u.items;
            for (size_t k = 0; k < n->n; k++) {
                uint32_t c = get32(ch + 4 * (first + k));
                if (c >= nnodes)
                    return -1;
                n->u.items[k] = &nodes[c];
            }
        } else if (n->kind == DOC_MAP) {
            if (n->n * sizeof *n->u.pairs > slab_size - slab_used)
                return -1;
            n->u.pairs = (doc_pair *)(void *)(slab + slab_used);
            slab_used += n->n * sizeof *n->u.pairs;
            for (size_t k = 0; k < n->n; k++) {
                uint32_t key = get32(ch + 4 * (first + 2 * k));
                uint32_t val = get32(ch + 4 * (first + 2 * k + 1));
                bool merged = (key & 0x80000000u) != 0;
                key &= 0x7fffffffu;
                if (key >= nnodes || val >= nnodes)
                    return -1;
                n->u.pairs[k].key = &nodes[key];
                n->u.pairs[k].value = &nodes[val];
                n->u.pairs[k].merged = merged;
            }
        }
        n->weight = 1;
    }
    /* key indexes for the large mappings, as the loader builds them */
    for (size_t i = 0; i < nnodes; i++)
        if (nodes[i].kind == DOC_MAP)
            doc_index_map(d, &nodes[i]);
    d->nnodes = nnodes;
    d->roots = xcalloc(nroots ? nroots : 1, sizeof *d->roots);
    d->caproots = nroots ? nroots : 1;
    for (size_t r = 0; r < nroots; r++) {
        uint32_t idx = get32(img + off_roots + 4 * r);
        d->roots[d->nroots++] = idx < nnodes ? &nodes[idx] : NULL;
    }
    return 0;
}
