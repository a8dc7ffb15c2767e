/*
 * datafile.c - strict readers for trainlint's data files. See datafile.h.
 */
#include "datafile.h"
#include "embedded.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void check_scalars(datactx *cx, const datafile *f, const doc_node *n, int depth)
{
    if (!n || depth > 64)
        return;
    if (n->kind == DOC_SCALAR) {
        char sug[64];
        doc_pitfall pf = doc_scalar_pitfall(n, TYPING_YAML11, sug, sizeof sug);
        /* data files are read as YAML 1.2; refuse what YAML 1.1 reads otherwise */
        if (pf != PITFALL_NONE)
            data_error(cx, f, n,
                       "'%.*s' reads differently in YAML 1.1 and 1.2; write %s in data files",
                       (int)n->len, n->text, sug);
        return;
    }
    if (n->kind == DOC_SEQ) {
        for (size_t i = 0; i < n->n; i++)
            check_scalars(cx, f, n->u.items[i], depth + 1);
    } else {
        for (size_t i = 0; i < n->n; i++) {
            check_scalars(cx, f, n->u.pairs[i].key, depth + 1);
            check_scalars(cx, f, n->u.pairs[i].value, depth + 1);
        }
    }
}

static datafile *finish_open(datactx *cx, srcfile *src, bool strict)
{
    datafile *f = xcalloc(1, sizeof *f);
    f->src = src;
    f->next = cx->files;
    cx->files = f;
    size_t before = cx->errs->n;
    doc_load(&f->d, src, NULL, cx->errs);
    /* duplicate keys are errors in data files */
    for (size_t i = before; i < cx->errs->n; i++)
        cx->errs->items[i].sev = SEV_ERROR;
    if (f->d.failed)
        return NULL;
    if (strict)
        check_scalars(cx, f, doc_root(&f->d), 0);
    return f;
}

datafile *data_open_embedded(datactx *cx, const char *path)
{
    const embedded_file *e = embedded_find(path);
    if (!e) {
        srcfile *src = src_from_bytes(path, "", 0);
        datafile *f = xcalloc(1, sizeof *f);
        f->src = src;
        f->next = cx->files;
        cx->files = f;
        diag_add(cx->errs, src, "data-file", SEV_ERROR, 0, 0,
                 "built-in data file %s is missing from this build", path);
        return NULL;
    }
    const embedded_snapshot *snap = embedded_find_snapshot(path);
    if (snap) {
        /* parsed and checked at build time: no YAML parsing, nothing copied */
        datafile *f = xcalloc(1, sizeof *f);
        f->src = src_from_static(e->path, e->data, e->len);
        f->next = cx->files;
        cx->files = f;
        if (doc_snapshot_read(&f->d, f->src, snap->data, snap->len) == 0) {
            f->checked = true;
            return f;
        }
        doc_free(&f->d); /* a stale or damaged image: parse the text instead */
        return finish_open(cx, src_from_static(e->path, e->data, e->len), true);
    }
    return finish_open(cx, src_from_static(e->path, e->data, e->len), true);
}

datafile *data_open_path(datactx *cx, const char *path, bool strict)
{
    char *err = NULL;
    srcfile *src = src_read(path, path, 16u << 20, &err);
    if (!src) {
        srcfile *dummy = src_from_bytes(path, "", 0);
        datafile *f = xcalloc(1, sizeof *f);
        f->src = dummy;
        f->next = cx->files;
        cx->files = f;
        diag_add(cx->errs, dummy, "data-file", SEV_ERROR, 0, 0, "%s", err);
        free(err);
        return NULL;
    }
    return finish_open(cx, src, strict);
}

datafile *data_open_text(datactx *cx, const char *name, const char *text)
{
    return finish_open(cx, src_from_bytes(name, text, strlen(text)), true);
}

void datactx_free(datactx *cx)
{
    datafile *f = cx->files;
    while (f) {
        datafile *n = f->next;
        doc_free(&f->d);
        src_free(f->src);
        free(f);
        f = n;
    }
    cx->files = NULL;
}

void data_error(datactx *cx, const datafile *f, const doc_node *at, const char *fmt, ...)
{
    strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    size_t s = at ? at->start : 0, e = at ? at->end : 0;
    diag_add(cx->errs, f ? f->src : NULL, "data-file", SEV_ERROR, s, e, "%s",
             sb.buf ? sb.buf : "");
    sb_free(&sb);
}

const char *data_text(const doc_node *n)
{
    return n && n->kind == DOC_SCALAR ? n->text : NULL;
}

bool data_check_keys(datactx *cx, const datafile *f, const doc_node *map,
                     const char *const *allowed, const char *what)
{
    if (!map || map->kind != DOC_MAP) {
        if (map)
            data_error(cx, f, map, "%s must be a mapping", what);
        return false;
    }
    if (f && f->checked)
        return true;
    bool ok = true;
    for (size_t i = 0; i < map->n; i++) {
        const doc_node *k = map->u.pairs[i].key;
        const char *name = data_text(k);
        if (!name) {
            data_error(cx, f, k, "%s: keys must be plain strings", what);
            ok = false;
            continue;
        }
        bool found = false;
        for (const char *const *a = allowed; *a && !found; a++)
            found = strcmp(*a, name) == 0;
        if (!found) {
            /* the closest field, looked for only for an unknown one (every data
             * file key goes through here at start-up) */
            const char *best = NULL;
            size_t bestd = 3;
            for (const char *const *a = allowed; *a; a++) {
                size_t d = edit_distance(name, *a, 2);
                if (d < bestd) {
                    bestd = d;
                    best = *a;
                }
            }
            if (best)
                data_error(cx, f, k, "%s: unknown field '%s' (did you mean '%s'?)", what, name,
                           best);
            else
                data_error(cx, f, k, "%s: unknown field '%s'", what, name);
            ok = false;
        }
    }
    return ok;
}

const char *data_str(datactx *cx, const datafile *f, const doc_node *map, const char *key,
                     const char *fallback)
{
    const doc_node *n = doc_map_get(map, key);
    if (!n)
        return fallback;
    if (n->kind != DOC_SCALAR) {
        data_error(cx, f, n, "'%s' must be a string", key);
        return fallback;
    }
    scalar_value v = doc_scalar(n, TYPING_YAML12);
    if (v.type == ST_NULL)
        return fallback;
    return n->text;
}

double data_num(datactx *cx, const datafile *f, const doc_node *map, const char *key,
                double fallback)
{
    const doc_node *n = doc_map_get(map, key);
    if (!n)
        return fallback;
    scalar_value v = doc_scalar(n, TYPING_YAML12);
    if (v.type == ST_NULL)
        return fallback;
    if (v.type != ST_INT && v.type != ST_FLOAT) {
        data_error(cx, f, n, "'%s' must be a number", key);
        return fallback;
    }
    return v.num;
}

bool data_bool(datactx *cx, const datafile *f, const doc_node *map, const char *key,
               bool fallback)
{
    const doc_node *n = doc_map_get(map, key);
    if (!n)
        return fallback;
    scalar_value v = doc_scalar(n, TYPING_YAML12);
    if (v.type == ST_NULL)
        return fallback;
    if (v.type != ST_BOOL) {
        data_error(cx, f, n, "'%s' must be true or false", key);
        return fallback;
    }
    return v.b;
}

const char **data_strlist(datactx *cx, const datafile *f, const doc_node *map, const char *key,
                          size_t *count)
{
    const doc_node *n = doc_map_get(map, key);
    *count = 0;
    if (!n)
        return NULL;
    arena *a = (arena *)&f->d.mem;
    if (n->kind == DOC_SCALAR) {
        if (doc_scalar(n, TYPING_YAML12).type == ST_NULL)
            return NULL;
        const char **out = arena_alloc(a, 2 * sizeof *out);
        out[0] = n->text;
        out[1] = NULL;
        *count = 1;
        return out;
    }
    if (n->kind != DOC_SEQ) {
        data_error(cx, f, n, "'%s' must be a list of strings", key);
        return NULL;
    }
    const char **out = arena_alloc(a, (n->n + 1) * sizeof *out);
    size_t k = 0;
    for (size_t i = 0; i < n->n; i++) {
        const doc_node *it = n->u.items[i];
        if (it->kind != DOC_SCALAR) {
            data_error(cx, f, it, "'%s' must be a list of strings", key);
            continue;
        }
        out[k++] = it->text;
    }
    out[k] = NULL;
    *count = k;
    return out;
}
