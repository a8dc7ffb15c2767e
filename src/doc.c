/*
 * doc.c - builds the document tree from libyaml events and types scalars.
 * See doc.h for the contract.
 *
 * Positions: libyaml marks count characters, not bytes, so marks are
 * converted with a table of byte offsets sampled every 256 characters.
 * Children of open collections live on one value stack and are copied into
 * the arena when the collection closes.
 */
#include "doc.h"
#include "json_check.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const doc_limits doc_default_limits = {
    .max_depth = 128,
    .max_nodes = 500000,
    .max_expanded = 1000000,
};

#define CP_STEP 256

typedef struct frame {
    doc_node *node;
    size_t vbase; /* first child on the value stack */
} frame;

typedef struct loader {
    doc *d;
    const srcfile *src;
    const doc_limits *lim;
    diag_list *dl;
    size_t bom;          /* bytes of a UTF-8 BOM skipped by libyaml */
    bool ascii;          /* no byte >= 0x80: char index == byte offset */
    size_t *cp;          /* byte offset of every CP_STEP-th character */
    size_t ncp;
    frame *frames;
    size_t nframes, capframes;
    doc_node **vstack;
    size_t nv, capv;
    strmap anchors;
    bool stop;
} loader;

/* ---- positions ------------------------------------------------------- */

static void build_cp_table(loader *L)
{
    const unsigned char *p = (const unsigned char *)L->src->data;
    size_t n = L->src->len;
    L->ascii = true;
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0x80) {
            L->ascii = false;
            break;
        }
    if (L->ascii)
        return;
    size_t cap = 0, k = 0, chars = 0;
    for (size_t i = L->bom; i < n;) {
        if (chars % CP_STEP == 0) {
            L->cp = xgrow(L->cp, &cap, k + 1, sizeof *L->cp);
            L->cp[k++] = i;
        }
        i += utf8_seq_len(p + i, n - i);
        chars++;
    }
    L->ncp = k;
}

static size_t mark_off(const loader *L, size_t index)
{
    if (L->ascii) {
        size_t off = index + L->bom;
        return off > L->src->len ? L->src->len : off;
    }
    size_t k = index / CP_STEP;
    if (k >= L->ncp)
        return L->src->len;
    size_t off = L->cp[k], left = index % CP_STEP;
    const unsigned char *p = (const unsigned char *)L->src->data;
    while (left-- && off < L->src->len)
        off += utf8_seq_len(p + off, L->src->len - off);
    return off;
}

/* ---- tree building --------------------------------------------------- */

static doc_node *new_node(loader *L, doc_kind kind, const yaml_event_t *ev, const yaml_char_t *tag,
                          const yaml_char_t *anchor)
{
    if (++L->d->nnodes > L->lim->max_nodes) {
        size_t off = mark_off(L, ev->start_mark.index);
        diag_add(L->dl, L->src, "limit-nodes", SEV_ERROR, off, off,
                 "the document has more than %zu nodes; trainlint stops reading it",
                 L->lim->max_nodes);
        L->stop = true;
        return NULL;
    }
    doc_node *n = arena_zalloc(&L->d->mem, sizeof *n);
    n->kind = (uint8_t)kind;
    n->start = (uint32_t)mark_off(L, ev->start_mark.index);
    n->end = (uint32_t)mark_off(L, ev->end_mark.index);
    if (tag && strcmp((const char *)tag, "!") != 0)
        n->tag = arena_strdup(&L->d->mem, (const char *)tag);
    if (anchor) {
        n->anchor = arena_strdup(&L->d->mem, (const char *)anchor);
        strmap_put(&L->anchors, n->anchor, strlen(n->anchor), n);
    }
    n->weight = 1;
    return n;
}

static void push_value(loader *L, doc_node *n)
{
    if (L->nframes == 0) {
        L->d->roots = xgrow(L->d->roots, &L->d->caproots, L->d->nroots + 1,
                            sizeof *L->d->roots);
        L->d->roots[L->d->nroots++] = n;
        return;
    }
    L->vstack = xgrow(L->vstack, &L->capv, L->nv + 1, sizeof *L->vstack);
    L->vstack[L->nv++] = n;
}

static bool open_frame(loader *L, doc_node *n, const yaml_event_t *ev)
{
    if (L->nframes >= L->lim->max_depth) {
        size_t off = mark_off(L, ev->start_mark.index);
        diag_add(L->dl, L->src, "limit-depth", SEV_ERROR, off, off + 1,
                 "nesting deeper than %zu levels; trainlint stops reading the file here",
                 L->lim->max_depth);
        L->stop = true;
        return false;
    }
    push_value(L, n);
    L->frames = xgrow(L->frames, &L->capframes, L->nframes + 1, sizeof *L->frames);
    L->frames[L->nframes].node = n;
    L->frames[L->nframes].vbase = L->nv;
    L->nframes++;
    n->open = true;
    return true;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX / 2 - b ? UINT64_MAX / 2 : a + b;
}

static const char *key_text(const doc_node *k, size_t *len)
{
    if (!k || k->kind != DOC_SCALAR)
        return NULL;
    *len = k->len;
    return k->text;
}

bool doc_is_merge_key(const doc_node *n)
{
    return n && n->kind == DOC_SCALAR && n->style == STYLE_PLAIN && n->len == 2 &&
           memcmp(n->text, "<<", 2) == 0 &&
           (!n->tag || strcmp(n->tag, "tag:yaml.org,2002:merge") == 0);
}

static void report_duplicate(loader *L, const doc_pair *first, const doc_pair *dup)
{
    diag *dg = diag_add(L->dl, L->src, "duplicate-key", SEV_WARNING, dup->key->start, dup->key->end,
                        "duplicate key '%.*s': the loader keeps only the last value, the earlier "
                        "one is ignored",
                        (int)(dup->key->len > 200 ? 200 : dup->key->len), dup->key->text);
    diag_add_related(L->dl, dg, L->src, first->key->start, first->key->end,
                     "first defined here");
}

static void register_index(loader *L, strmap *m)
{
    doc *d = L->d;
    d->indexes = xgrow(d->indexes, &d->capindexes, d->nindexes + 1, sizeof *d->indexes);
    d->indexes[d->nindexes++] = m;
}

/* Finds an explicit key among pairs [0, n) (last occurrence). */
static doc_pair *find_explicit(doc_pair *pairs, size_t n, const strmap *index, const char *k,
                               size_t klen)
{
    if (index)
        return strmap_get(index, k, klen);
    for (size_t i = n; i-- > 0;) {
        size_t l;
        const char *t = key_text(pairs[i].key, &l);
        if (t && l == klen && memcmp(t, k, klen) == 0)
            return &pairs[i];
    }
    return NULL;
}

static void close_map(loader *L, frame *f)
{
    doc_node *m = f->node;
    size_t nv = L->nv - f->vbase;
    if (nv % 2)
        nv--; /* a key without value cannot happen with a well-formed event stream */
    size_t nexp = nv / 2;
    doc_node **v = nexp ? L->vstack + f->vbase : NULL; /* vstack is NULL until a push */

    /* gather merge sources */
    size_t nmerge_src = 0;
    for (size_t i = 0; i < nexp; i++)
        if (doc_is_merge_key(v[2 * i]))
            nmerge_src++;

    doc_pair *explicit = arena_alloc(&L->d->mem, (nexp ? nexp : 1) * sizeof *explicit);
    strmap *index = NULL;
    if (nexp > 16) {
        index = xcalloc(1, sizeof *index);
        strmap_reserve(index, nexp);
        register_index(L, index);
    }
    uint64_t w = 1;
    for (size_t i = 0; i < nexp; i++) {
        doc_pair *p = &explicit[i];
        p->key = v[2 * i];
        p->value = v[2 * i + 1];
        p->merged = false;
        w = sat_add(w, sat_add(p->key->weight, p->value->weight));
        size_t kl;
        const char *kt = key_text(p->key, &kl);
        if (!kt || doc_is_merge_key(p->key))
            continue;
        /* with an index, one probe finds the earlier pair and records this one */
        doc_pair *prev =
            index ? strmap_put(index, kt, kl, p) : find_explicit(explicit, i, NULL, kt, kl);
        if (prev)
            report_duplicate(L, prev, p);
    }

    size_t total = nexp;
    doc_pair *pairs = explicit;
    if (nmerge_src) {
        /* collect merged pairs: explicit keys win, earlier sources win */
        size_t cap = nexp + 8, n = nexp;
        doc_pair *all = xmalloc(cap * sizeof *all);
        memcpy(all, explicit, nexp * sizeof *all);
        strmap seen = {0};
        for (size_t i = 0; i < nexp; i++) {
            size_t kl;
            const char *kt = key_text(explicit[i].key, &kl);
            if (kt && !doc_is_merge_key(explicit[i].key))
                strmap_put(&seen, kt, kl, &explicit[i]);
        }
        for (size_t i = 0; i < nexp && !L->stop; i++) {
            if (!doc_is_merge_key(explicit[i].key))
                continue;
            doc_node *src = explicit[i].value;
            size_t nsrc = src->kind == DOC_SEQ ? src->n : 1;
            for (size_t s = 0; s < nsrc; s++) {
                doc_node *sm = src->kind == DOC_SEQ ? src->u.items[s] : src;
                if (sm->kind != DOC_MAP) {
                    diag_add(L->dl, L->src, "yaml-merge-invalid", SEV_ERROR, sm->start, sm->end,
                             "a merge key (<<) takes a mapping or a list of mappings; the "
                             "trainer's loader will refuse this file");
                    continue;
                }
                for (size_t k = 0; k < sm->n; k++) {
                    doc_pair *q = &sm->u.pairs[k];
                    size_t kl;
                    const char *kt = key_text(q->key, &kl);
                    if (!kt || doc_is_merge_key(q->key) || strmap_get(&seen, kt, kl))
                        continue;
                    all = xgrow(all, &cap, n + 1, sizeof *all);
                    all[n] = *q;
                    all[n].merged = true;
                    strmap_put(&seen, kt, kl, (void *)1);
                    n++;
                }
            }
        }
        strmap_free(&seen);
        pairs = arena_alloc(&L->d->mem, n * sizeof *pairs);
        memcpy(pairs, all, n * sizeof *pairs);
        free(all);
        total = n;
        if (index) {
            /* the index points into `explicit`; rebuild it over `pairs` */
            for (size_t i = 0; i < nexp; i++) {
                size_t kl;
                const char *kt = key_text(pairs[i].key, &kl);
                if (kt && !doc_is_merge_key(pairs[i].key))
                    strmap_put(index, kt, kl, &pairs[i]);
            }
        }
    }
    m->u.pairs = pairs;
    m->n = (uint32_t)total;
    m->nexplicit = (uint32_t)nexp;
    m->index = index;
    m->weight = w;
}

static void close_seq(loader *L, frame *f)
{
    doc_node *s = f->node;
    size_t n = L->nv - f->vbase;
    s->u.items = arena_alloc(&L->d->mem, (n ? n : 1) * sizeof *s->u.items);
    if (n) /* vstack is NULL until a push */
        memcpy(s->u.items, L->vstack + f->vbase, n * sizeof *s->u.items);
    s->n = (uint32_t)n;
    uint64_t w = 1;
    for (size_t i = 0; i < n; i++)
        w = sat_add(w, s->u.items[i]->weight);
    s->weight = w;
}

static void close_frame(loader *L, const yaml_event_t *ev)
{
    if (!L->nframes)
        return;
    frame *f = &L->frames[L->nframes - 1];
    doc_node *n = f->node;
    if (n->kind == DOC_MAP)
        close_map(L, f);
    else
        close_seq(L, f);
    size_t end = mark_off(L, ev->end_mark.index);
    if (end > n->start)
        n->end = (uint32_t)end;
    n->open = false;
    L->nv = f->vbase;
    L->nframes--;
    if (n->weight > L->lim->max_expanded && !L->stop) {
        diag_add(L->dl, L->src, "limit-alias-expansion", SEV_ERROR, n->start, n->start + 1,
                 "expanding the aliases in this collection would create more than %llu nodes "
                 "(an alias bomb); trainlint stops reading the file",
                 (unsigned long long)L->lim->max_expanded);
        L->stop = true;
    }
}

static void on_alias(loader *L, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    size_t off = mark_off(L, ev->start_mark.index);
    size_t end = mark_off(L, ev->end_mark.index);
    doc_node *target = strmap_get(&L->anchors, name, strlen(name));
    if (!target) {
        diag_add(L->dl, L->src, "syntax-error", SEV_ERROR, off, end,
                 "alias *%s refers to an anchor that is not defined before it", name);
        L->d->failed = true;
        L->stop = true;
        return;
    }
    if (target->open) {
        diag_add(L->dl, L->src, "syntax-error", SEV_ERROR, off, end,
                 "alias *%s refers to a collection that contains it (a recursive structure)",
                 name);
        L->d->failed = true;
        L->stop = true;
        return;
    }
    push_value(L, target);
}

static void on_scalar(loader *L, const yaml_event_t *ev)
{
    doc_node *n = new_node(L, DOC_SCALAR, ev, ev->data.scalar.tag, ev->data.scalar.anchor);
    if (!n)
        return;
    switch (ev->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
        n->style = STYLE_SINGLE;
        break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        n->style = STYLE_DOUBLE;
        break;
    case YAML_LITERAL_SCALAR_STYLE:
        n->style = STYLE_LITERAL;
        break;
    case YAML_FOLDED_SCALAR_STYLE:
        n->style = STYLE_FOLDED;
        break;
    default:
        n->style = STYLE_PLAIN;
    }
    size_t len = ev->data.scalar.length;
    if (len > UINT32_MAX)
        len = UINT32_MAX;
    n->text = arena_strndup(&L->d->mem, (const char *)ev->data.scalar.value, len);
    n->len = (uint32_t)len;
    push_value(L, n);
}

static void report_yaml_error(loader *L, yaml_parser_t *p)
{
    size_t off, end;
    if (p->error == YAML_READER_ERROR) {
        off = p->problem_offset > L->src->len ? L->src->len : p->problem_offset;
        end = off < L->src->len ? off + 1 : off;
        const char *what = p->problem ? p->problem : "cannot read the input";
        if (p->problem_value >= 0 && p->problem_value < 0x20)
            diag_add(L->dl, L->src, "syntax-error", SEV_ERROR, off, end,
                     "%s (byte 0x%02X): YAML files may not contain this control character",
                     what, (unsigned)p->problem_value);
        else if (strstr(what, "UTF-8") || strstr(what, "octet"))
            diag_add(L->dl, L->src, "syntax-error", SEV_ERROR, off, end,
                     "%s: the file is not valid UTF-8 (binary or another encoding?)", what);
        else
            diag_add(L->dl, L->src, "syntax-error", SEV_ERROR, off, end, "%s", what);
        return;
    }
    if (p->error == YAML_MEMORY_ERROR)
        die_oom(0);
    off = mark_off(L, p->problem_mark.index);
    end = off < L->src->len ? off + utf8_seq_len((const unsigned char *)L->src->data + off,
                                                 L->src->len - off)
                            : off;
    const char *problem = p->problem ? p->problem : "invalid YAML";
    diag *dg;
    if (p->context) {
        size_t coff = mark_off(L, p->context_mark.index);
        dg = diag_add(L->dl, L->src, "syntax-error", SEV_ERROR, off, end, "%s %s", problem,
                      p->context);
        if (coff != off)
            diag_add_related(L->dl, dg, L->src, coff, coff, "%s", p->context);
    } else {
        dg = diag_add(L->dl, L->src, "syntax-error", SEV_ERROR, off, end, "%s", problem);
    }
    (void)dg;
}

/* Reports problems libyaml would not name clearly, before it runs. */
static bool precheck(loader *L)
{
    const srcfile *s = L->src;
    const unsigned char *p = (const unsigned char *)s->data;
    if (s->len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        diag_add(L->dl, s, "syntax-error", SEV_ERROR, 0, 2,
                 "the file is UTF-16 encoded; trainlint reads UTF-8 (re-save it as UTF-8)");
        return false;
    }
    const char *nul = memchr(s->data, '\0', s->len);
    if (nul) {
        size_t off = (size_t)(nul - s->data);
        diag_add(L->dl, s, "syntax-error", SEV_ERROR, off, off + 1,
                 "NUL byte in the file: this is not a text file (binary data?)");
        return false;
    }
    size_t bad;
    if (!utf8_valid(s->data, s->len, &bad)) {
        diag_add(L->dl, s, "syntax-error", SEV_ERROR, bad, bad + 1,
                 "invalid UTF-8 byte 0x%02X: the file is binary or not UTF-8 encoded",
                 (unsigned)p[bad]);
        return false;
    }
    if (s->len >= 3 && memcmp(s->data, "\xEF\xBB\xBF", 3) == 0)
        L->bom = 3;
    if (s->is_json) {
        json_error je;
        if (!json_check(s->data, s->len, L->lim->max_depth, &je)) {
            size_t e = je.offset < s->len ? je.offset + 1 : je.offset;
            if (je.depth_exceeded)
                diag_add(L->dl, s, "limit-depth", SEV_ERROR, je.offset, e,
                         "nesting deeper than %zu levels; trainlint stops reading the file here",
                         L->lim->max_depth);
            else
                diag_add(L->dl, s, "syntax-error", SEV_ERROR, je.offset, e, "invalid JSON: %s",
                         je.message);
            return false;
        }
    }
    return true;
}

int doc_load(doc *d, const srcfile *src, const doc_limits *lim, diag_list *dl)
{
    memset(d, 0, sizeof *d);
    d->src = src;
    if (!lim)
        lim = &doc_default_limits;
    loader L = {.d = d, .src = src, .lim = lim, .dl = dl};
    if (src->too_large) {
        char have[32], limtxt[32];
        format_bytes(have, sizeof have, (double)src->real_size);
        format_bytes(limtxt, sizeof limtxt, (double)src->size_limit);
        diag_add(dl, src, "limit-file-size", SEV_ERROR, 0, 0,
                 "the file is %s (%zu bytes), over the %s limit; trainlint does not read it "
                 "(raise the limit with --max-file-size)",
                 have, src->real_size, limtxt);
        d->failed = true;
        return -1;
    }
    if (!precheck(&L)) {
        d->failed = true;
        return -1;
    }
    build_cp_table(&L);

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        die_oom(sizeof p);
    yaml_parser_set_input_string(&p, (const unsigned char *)src->data, src->len);
    size_t doc_starts[2] = {0, 0};
    size_t ndocs = 0;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            report_yaml_error(&L, &p);
            d->failed = true;
            break;
        }
        bool done = ev.type == YAML_STREAM_END_EVENT;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (ndocs < 2)
                doc_starts[ndocs] = mark_off(&L, ev.start_mark.index);
            ndocs++;
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(&L, &ev);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(&L, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT: {
            doc_node *n = new_node(&L, DOC_SEQ, &ev, ev.data.sequence_start.tag,
                                   ev.data.sequence_start.anchor);
            if (n) {
                n->flow = ev.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
                open_frame(&L, n, &ev);
            }
            break;
        }
        case YAML_MAPPING_START_EVENT: {
            doc_node *n = new_node(&L, DOC_MAP, &ev, ev.data.mapping_start.tag,
                                   ev.data.mapping_start.anchor);
            if (n) {
                n->flow = ev.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
                open_frame(&L, n, &ev);
            }
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            close_frame(&L, &ev);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
        if (done || L.stop)
            break;
    }
    yaml_parser_delete(&p);
    if (L.stop)
        d->failed = true;

    /* close whatever stayed open after an error, so the partial tree is usable */
    while (L.nframes) {
        yaml_event_t fake;
        memset(&fake, 0, sizeof fake);
        fake.end_mark.index = 0;
        frame *f = &L.frames[L.nframes - 1];
        if (f->node->kind == DOC_MAP)
            close_map(&L, f);
        else
            close_seq(&L, f);
        f->node->open = false;
        L.nv = f->vbase;
        L.nframes--;
    }

    if (ndocs > 1 && !d->failed) {
        diag_add(dl, src, "multiple-documents", SEV_ERROR, doc_starts[1], doc_starts[1] + 3,
                 "the file holds %zu YAML documents; trainers read exactly one (yaml.safe_load "
                 "refuses a stream) and trainlint checks only the first",
                 ndocs);
    }
    free(L.cp);
    free(L.frames);
    free(L.vstack);
    strmap_free(&L.anchors);
    return d->failed ? -1 : 0;
}

void doc_free(doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nindexes; i++) {
        strmap_free(d->indexes[i]);
        free(d->indexes[i]);
    }
    free(d->indexes);
    free(d->roots);
    arena_free(&d->mem);
    memset(d, 0, sizeof *d);
}

void doc_index_map(doc *d, doc_node *m)
{
    if (m->kind != DOC_MAP || m->nexplicit <= 16 || m->index)
        return;
    strmap *index = xcalloc(1, sizeof *index);
    strmap_reserve(index, m->nexplicit);
    d->indexes = xgrow(d->indexes, &d->capindexes, d->nindexes + 1, sizeof *d->indexes);
    d->indexes[d->nindexes++] = index;
    for (size_t i = 0; i < m->nexplicit; i++) {
        size_t kl;
        const char *kt = key_text(m->u.pairs[i].key, &kl);
        if (kt && !doc_is_merge_key(m->u.pairs[i].key))
            strmap_put(index, kt, kl, &m->u.pairs[i]);
    }
    m->index = index;
}

doc_node *doc_root(const doc *d)
{
    return d->nroots ? d->roots[0] : NULL;
}

/* ---- lookup ---------------------------------------------------------- */

doc_pair *doc_map_pair(const doc_node *map, const char *key, size_t klen)
{
    if (!map || map->kind != DOC_MAP)
        return NULL;
    doc_pair *p = find_explicit(map->u.pairs, map->nexplicit, map->index, key, klen);
    if (p)
        return p;
    for (size_t i = map->nexplicit; i < map->n; i++) {
        size_t l;
        const char *t = key_text(map->u.pairs[i].key, &l);
        if (t && l == klen && memcmp(t, key, klen) == 0)
            return &map->u.pairs[i];
    }
    return NULL;
}

doc_node *doc_map_get(const doc_node *map, const char *key)
{
    doc_pair *p = doc_map_pair(map, key, strlen(key));
    return p ? p->value : NULL;
}

doc_node *doc_path(const doc_node *root, const char *path, doc_pair **pair_out)
{
    const doc_node *cur = root;
    doc_pair *last = NULL;
    const char *s = path;
    if (pair_out)
        *pair_out = NULL;
    while (cur && *s) {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        if (cur->kind == DOC_MAP) {
            doc_pair *p = doc_map_pair(cur, s, n);
            if (!p && dot) {
                /* a key that itself contains dots ("triton.cudagraphs") */
                p = doc_map_pair(cur, s, strlen(s));
                if (p)
                    n = strlen(s);
            }
            if (!p)
                return NULL;
            last = p;
            cur = p->value;
        } else if (cur->kind == DOC_SEQ) {
            char *endp;
            unsigned long idx = strtoul(s, &endp, 10);
            if (endp != s + n || n == 0 || idx >= cur->n)
                return NULL;
            cur = cur->u.items[idx];
        } else {
            return NULL;
        }
        s += n;
        if (*s == '.')
            s++;
    }
    if (pair_out)
        *pair_out = last;
    return (doc_node *)cur;
}

/* ---- scalar typing --------------------------------------------------- */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool in_set(const char *t, size_t n, const char *const *words)
{
    if (n == 0 || n > 5) /* every word of the sets below has 1 to 5 characters */
        return false;
    for (; *words; words++)
        if (strlen(*words) == n && memcmp(*words, t, n) == 0)
            return true;
    return false;
}

static const char *const null_words[] = {"~", "null", "Null", "NULL", NULL};
static const char *const true12[] = {"true", "True", "TRUE", NULL};
static const char *const false12[] = {"false", "False", "FALSE", NULL};
static const char *const true11[] = {"yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", NULL};
static const char *const false11[] = {"no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", NULL};

/* Matches [0-9_]* from i; returns the new index. */
static size_t span_digits_us(const char *t, size_t n, size_t i, bool allow_us)
{
    while (i < n && (is_digit(t[i]) || (allow_us && t[i] == '_')))
        i++;
    return i;
}

/* Optional exponent. sign_required: YAML 1.1 float needs [-+]. */
static bool match_exp(const char *t, size_t n, size_t *i, bool sign_required)
{
    if (*i < n && (t[*i] == 'e' || t[*i] == 'E')) {
        size_t j = *i + 1;
        if (j < n && (t[j] == '+' || t[j] == '-'))
            j++;
        else if (sign_required)
            return false;
        size_t k = span_digits_us(t, n, j, false);
        if (k == j)
            return false;
        *i = k;
    }
    return true;
}

/* [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+ ; returns end or 0 */
static size_t match_sexa(const char *t, size_t n, size_t i, bool first_nonzero)
{
    if (i >= n || !is_digit(t[i]) || (first_nonzero && t[i] == '0'))
        return 0;
    i = span_digits_us(t, n, i, true);
    size_t groups = 0;
    while (i < n && t[i] == ':') {
        size_t j = i + 1;
        if (j < n && t[j] >= '0' && t[j] <= '5' && j + 1 < n && is_digit(t[j + 1]))
            j += 2;
        else if (j < n && is_digit(t[j]))
            j += 1;
        else
            return 0;
        i = j;
        groups++;
    }
    return groups ? i : 0;
}

static bool special_float(const char *t, size_t n, double *v)
{
    size_t i = 0;
    double sign = 1;
    if (n && (t[0] == '+' || t[0] == '-')) {
        sign = t[0] == '-' ? -1 : 1;
        i = 1;
    }
    static const char *const inf[] = {".inf", ".Inf", ".INF", NULL};
    static const char *const nan[] = {".nan", ".NaN", ".NAN", NULL};
    if (in_set(t + i, n - i, inf)) {
        *v = sign * INFINITY;
        return true;
    }
    if (i == 0 && in_set(t, n, nan)) {
        *v = NAN;
        return true;
    }
    return false;
}

static double parse_sexa(const char *t, size_t n)
{
    double sign = 1, acc = 0, part = 0, frac = 0, scale = 0.1;
    size_t i = 0;
    bool in_frac = false;
    if (n && (t[0] == '+' || t[0] == '-')) {
        sign = t[0] == '-' ? -1 : 1;
        i = 1;
    }
    for (; i < n; i++) {
        char c = t[i];
        if (c == '_')
            continue;
        if (c == ':') {
            acc = acc * 60 + part;
            part = 0;
        } else if (c == '.') {
            in_frac = true;
        } else if (in_frac) {
            frac += (c - '0') * scale;
            scale /= 10;
        } else {
            part = part * 10 + (c - '0');
        }
    }
    return sign * (acc * 60 + part + frac);
}

static double strip_strtod(const char *t, size_t n)
{
    char buf[128];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof buf; i++)
        if (t[i] != '_')
            buf[k++] = t[i];
    buf[k] = '\0';
    return strtod(buf, NULL);
}

/* YAML 1.1 float (PyYAML), or the OmegaConf variant when loose. */
static bool match_float11(const char *t, size_t n, bool loose, double *v)
{
    if (!n)
        return false;
    if (special_float(t, n, v))
        return true;
    size_t i = 0;
    if (t[0] == '+' || t[0] == '-')
        i = 1;
    if (i < n && t[i] == '.') {
        /* \.[0-9_]+ exponent — no sign allowed before the dot in PyYAML */
        if (i != 0)
            return false;
        size_t j = span_digits_us(t, n, i + 1, true);
        if (j == i + 1)
            return false;
        if (!match_exp(t, n, &j, true) || j != n)
            return false;
        *v = strip_strtod(t, n);
        return true;
    }
    if (i >= n || !is_digit(t[i]))
        return false;
    size_t j = span_digits_us(t, n, i, true);
    if (j < n && t[j] == ':') {
        size_t e = match_sexa(t, n, i, false);
        if (!e || e >= n || t[e] != '.')
            return false;
        e = span_digits_us(t, n, e + 1, true);
        if (e != n)
            return false;
        *v = parse_sexa(t, n);
        return true;
    }
    bool dot = j < n && t[j] == '.';
    if (dot)
        j = span_digits_us(t, n, j + 1, true);
    else if (!loose)
        return false;
    if (!match_exp(t, n, &j, !loose) || j != n)
        return false;
    *v = strip_strtod(t, n);
    return true;
}

static bool match_int11(const char *t, size_t n, double *v)
{
    size_t i = 0;
    double sign = 1;
    if (n && (t[0] == '+' || t[0] == '-')) {
        sign = t[0] == '-' ? -1 : 1;
        i = 1;
    }
    if (i >= n)
        return false;
    const char *s = t + i;
    size_t m = n - i;
    if (m >= 3 && s[0] == '0' && s[1] == 'b') {
        double acc = 0;
        for (size_t k = 2; k < m; k++) {
            if (s[k] == '_')
                continue;
            if (s[k] != '0' && s[k] != '1')
                return false;
            acc = acc * 2 + (s[k] - '0');
        }
        *v = sign * acc;
        return true;
    }
    if (m >= 3 && s[0] == '0' && s[1] == 'x') {
        double acc = 0;
        for (size_t k = 2; k < m; k++) {
            if (s[k] == '_')
                continue;
            if (!isxdigit((unsigned char)s[k]))
                return false;
            acc = acc * 16 + (isdigit((unsigned char)s[k]) ? s[k] - '0'
                                                           : (tolower((unsigned char)s[k]) - 'a' + 10));
        }
        *v = sign * acc;
        return true;
    }
    if (m >= 2 && s[0] == '0') {
        double acc = 0;
        for (size_t k = 1; k < m; k++) {
            if (s[k] == '_')
                continue;
            if (s[k] < '0' || s[k] > '7')
                return false;
            acc = acc * 8 + (s[k] - '0');
        }
        *v = sign * acc;
        return true;
    }
    if (m == 1 && s[0] == '0') {
        *v = 0;
        return true;
    }
    if (!is_digit(s[0]) || s[0] == '0')
        return false;
    size_t e = span_digits_us(t, n, i, true);
    if (e == n) {
        *v = sign * strip_strtod(s, m);
        return true;
    }
    if (t[e] == ':' && match_sexa(t, n, i, true) == n) {
        *v = parse_sexa(t, n);
        return true;
    }
    return false;
}

static bool match_timestamp11(const char *t, size_t n)
{
    /* YYYY-MM-DD, optionally followed by a time */
    if (n < 8 || !is_digit(t[0]) || !is_digit(t[1]) || !is_digit(t[2]) || !is_digit(t[3]) ||
        t[4] != '-')
        return false;
    size_t i = 5;
    size_t k = i;
    while (k < n && is_digit(t[k]) && k - i < 2)
        k++;
    if (k == i || k >= n || t[k] != '-')
        return false;
    i = k + 1;
    k = i;
    while (k < n && is_digit(t[k]) && k - i < 2)
        k++;
    if (k == i)
        return false;
    if (k == n)
        return n == 10; /* the date-only form needs two-digit month and day */
    return t[k] == 'T' || t[k] == 't' || t[k] == ' ' || t[k] == '\t';
}

static bool match_int12(const char *t, size_t n, double *v)
{
    size_t i = 0;
    if (n >= 2 && t[0] == '0' && t[1] == 'o') {
        double acc = 0;
        if (n == 2)
            return false;
        for (size_t k = 2; k < n; k++) {
            if (t[k] < '0' || t[k] > '7')
                return false;
            acc = acc * 8 + (t[k] - '0');
        }
        *v = acc;
        return true;
    }
    if (n >= 2 && t[0] == '0' && t[1] == 'x') {
        if (n == 2)
            return false;
        for (size_t k = 2; k < n; k++)
            if (!isxdigit((unsigned char)t[k]))
                return false;
        *v = (double)strtoull(t + 2, NULL, 16);
        return true;
    }
    if (n && (t[0] == '+' || t[0] == '-'))
        i = 1;
    if (i >= n)
        return false;
    for (size_t k = i; k < n; k++)
        if (!is_digit(t[k]))
            return false;
    *v = strip_strtod(t, n);
    return true;
}

static bool match_float12(const char *t, size_t n, double *v)
{
    if (!n)
        return false;
    if (special_float(t, n, v))
        return true;
    size_t i = 0;
    if (t[0] == '+' || t[0] == '-')
        i = 1;
    size_t j = span_digits_us(t, n, i, false);
    bool digits = j > i;
    if (j < n && t[j] == '.') {
        size_t k = span_digits_us(t, n, j + 1, false);
        if (!digits && k == j + 1)
            return false;
        j = k;
    } else if (!digits) {
        return false;
    }
    if (!match_exp(t, n, &j, false) || j != n)
        return false;
    *v = strtod(t, NULL);
    return true;
}

static bool match_json_number(const char *t, size_t n, bool *is_int)
{
    size_t i = 0;
    if (i < n && t[i] == '-')
        i++;
    if (i >= n || !is_digit(t[i]))
        return false;
    *is_int = true;
    while (i < n && is_digit(t[i]))
        i++;
    if (i < n && t[i] == '.') {
        *is_int = false;
        i++;
        while (i < n && is_digit(t[i]))
            i++;
    }
    if (i < n && (t[i] == 'e' || t[i] == 'E')) {
        *is_int = false;
        i++;
        if (i < n && (t[i] == '+' || t[i] == '-'))
            i++;
        while (i < n && is_digit(t[i]))
            i++;
    }
    return i == n;
}

static scalar_value resolve_plain(const char *t, size_t n, doc_typing typing)
{
    scalar_value r = {ST_STR, false, 0};
    double v;
    switch (typing) {
    case TYPING_JSON: {
        bool is_int;
        if (n == 4 && memcmp(t, "null", 4) == 0)
            r.type = ST_NULL;
        else if (n == 4 && memcmp(t, "true", 4) == 0)
            r.type = ST_BOOL, r.b = true;
        else if (n == 5 && memcmp(t, "false", 5) == 0)
            r.type = ST_BOOL, r.b = false;
        else if (match_json_number(t, n, &is_int))
            r.type = is_int ? ST_INT : ST_FLOAT, r.num = strtod(t, NULL);
        else if (n == 0)
            r.type = ST_NULL;
        return r;
    }
    case TYPING_YAML12:
        if (n == 0 || in_set(t, n, null_words))
            r.type = ST_NULL;
        else if (in_set(t, n, true12))
            r.type = ST_BOOL, r.b = true;
        else if (in_set(t, n, false12))
            r.type = ST_BOOL, r.b = false;
        else if (match_int12(t, n, &v))
            r.type = ST_INT, r.num = v;
        else if (match_float12(t, n, &v))
            r.type = ST_FLOAT, r.num = v;
        return r;
    case TYPING_YAML11:
    case TYPING_OMEGACONF:
        if (n == 0 || in_set(t, n, null_words))
            r.type = ST_NULL;
        else if (in_set(t, n, true11))
            r.type = ST_BOOL, r.b = true;
        else if (in_set(t, n, false11))
            r.type = ST_BOOL, r.b = false;
        else if (match_float11(t, n, false, &v))
            r.type = ST_FLOAT, r.num = v;
        else if (match_int11(t, n, &v))
            r.type = ST_INT, r.num = v;
        else if (typing == TYPING_OMEGACONF && match_float11(t, n, true, &v))
            r.type = ST_FLOAT, r.num = v;
        else if (typing == TYPING_YAML11 && match_timestamp11(t, n))
            r.type = ST_TIMESTAMP;
        return r;
    }
    return r;
}

static scalar_value resolve_tagged(const doc_node *n, doc_typing typing)
{
    const char *tag = n->tag;
    scalar_value r = {ST_OTHER, false, 0};
    const char *core = "tag:yaml.org,2002:";
    if (!str_starts(tag, core))
        return r;
    const char *name = tag + strlen(core);
    if (strcmp(name, "str") == 0) {
        r.type = ST_STR;
    } else if (strcmp(name, "null") == 0) {
        r.type = ST_NULL;
    } else if (strcmp(name, "bool") == 0 || strcmp(name, "int") == 0 ||
               strcmp(name, "float") == 0) {
        scalar_value p = resolve_plain(n->text, n->len, typing);
        if (strcmp(name, "float") == 0 && p.type == ST_INT)
            p.type = ST_FLOAT;
        bool ok = (strcmp(name, "bool") == 0 && p.type == ST_BOOL) ||
                  (strcmp(name, "int") == 0 && p.type == ST_INT) ||
                  (strcmp(name, "float") == 0 && p.type == ST_FLOAT);
        if (ok)
            r = p;
        else if (strcmp(name, "float") == 0) {
            char *end;
            char buf[128];
            size_t k = n->len < sizeof buf - 1 ? n->len : sizeof buf - 1;
            memcpy(buf, n->text, k);
            buf[k] = '\0';
            double v = strtod(buf, &end);
            if (end != buf && *end == '\0')
                r.type = ST_FLOAT, r.num = v;
        }
    } else if (strcmp(name, "timestamp") == 0) {
        r.type = ST_TIMESTAMP;
    }
    return r;
}

scalar_value doc_scalar(const doc_node *n, doc_typing typing)
{
    scalar_value r = {ST_OTHER, false, 0};
    if (!n || n->kind != DOC_SCALAR)
        return r;
    if (n->tag)
        return resolve_tagged(n, typing);
    if (n->style != STYLE_PLAIN) {
        r.type = ST_STR;
        return r;
    }
    return resolve_plain(n->text, n->len, typing);
}

const char *scalar_type_name(scalar_type t)
{
    static const char *const names[] = {"null", "bool", "int", "float", "str", "timestamp", "tagged"};
    return (unsigned)t < ARRAY_LEN(names) ? names[t] : "?";
}

static void suggest_float(const doc_node *n, char *out, size_t sz)
{
    /* mantissa with a dot, exponent with a sign: valid for YAML 1.1 and 1.2 */
    const char *t = n->text;
    size_t len = n->len, e = 0;
    while (e < len && t[e] != 'e' && t[e] != 'E')
        e++;
    strbuf sb = {0};
    sb_add(&sb, t, e);
    if (!memchr(t, '.', e))
        sb_puts(&sb, ".0");
    if (e < len) {
        sb_putc(&sb, 'e');
        size_t k = e + 1;
        if (k < len && (t[k] == '+' || t[k] == '-')) {
            sb_putc(&sb, t[k]);
            k++;
        } else {
            sb_putc(&sb, '+');
        }
        sb_add(&sb, t + k, len - k);
    }
    snprintf(out, sz, "%s", sb.buf ? sb.buf : "");
    sb_free(&sb);
}

doc_pitfall doc_scalar_pitfall(const doc_node *n, doc_typing typing, char *suggest, size_t sz)
{
    if (!n || n->kind != DOC_SCALAR || n->style != STYLE_PLAIN || n->tag)
        return PITFALL_NONE;
    if (typing != TYPING_YAML11 && typing != TYPING_OMEGACONF)
        return PITFALL_NONE;
    scalar_value a = resolve_plain(n->text, n->len, typing);
    scalar_value b = resolve_plain(n->text, n->len, TYPING_YAML12);
    doc_pitfall pf = PITFALL_NONE;
    if (a.type == ST_STR && b.type == ST_FLOAT) {
        pf = PITFALL_FLOAT_AS_STRING;
        if (suggest)
            suggest_float(n, suggest, sz);
    } else if (a.type == ST_BOOL && b.type == ST_STR) {
        pf = PITFALL_BOOL_WORD;
        if (suggest)
            snprintf(suggest, sz, "\"%.*s\"", (int)n->len, n->text);
    } else if (a.type == ST_INT && b.type == ST_INT && a.num != b.num) {
        pf = PITFALL_OCTAL;
        if (suggest) {
            size_t i = 0;
            while (i + 1 < n->len && n->text[i] == '0')
                i++;
            snprintf(suggest, sz, "%.*s", (int)(n->len - i), n->text + i);
        }
    } else if ((a.type == ST_INT || a.type == ST_FLOAT) && b.type == ST_STR &&
               memchr(n->text, ':', n->len)) {
        pf = PITFALL_SEXAGESIMAL;
        if (suggest)
            snprintf(suggest, sz, "\"%.*s\"", (int)n->len, n->text);
    } else if (a.type == ST_TIMESTAMP) {
        pf = PITFALL_TIMESTAMP;
        if (suggest)
            snprintf(suggest, sz, "\"%.*s\"", (int)n->len, n->text);
    }
    if (pf == PITFALL_NONE && suggest && sz)
        suggest[0] = '\0';
    return pf;
}

bool doc_is_interpolation(const doc_node *n)
{
    return n && n->kind == DOC_SCALAR && n->len >= 3 && memcmp(n->text, "${", 2) == 0 &&
           n->text[n->len - 1] == '}';
}
