/*
 * emit_json.c - the JSON writer: one document
 *   {"version":1,"files":[{"path","format","diagnostics":[...]}], "summary":{...}}
 * with LSP-shaped diagnostics (zero-based lines, UTF-16 characters).
 */
#include "emit_private.h"
#include "util.h"

#include <stdlib.h>

static void die_if_null(const void *p)
{
    if (!p)
        die_oom(0);
}

static cJSON *pos_obj(const srcfile *src, size_t off)
{
    cJSON *p = cJSON_CreateObject();
    die_if_null(p);
    cJSON_AddNumberToObject(p, "line", (double)src_line_of(src, off));
    cJSON_AddNumberToObject(p, "character", (double)src_col(src, off, COL_UTF16));
    return p;
}

cJSON *json_lsp_range(const srcfile *src, size_t start, size_t end)
{
    cJSON *r = cJSON_CreateObject();
    die_if_null(r);
    cJSON_AddItemToObject(r, "start", pos_obj(src, start));
    cJSON_AddItemToObject(r, "end", pos_obj(src, end));
    return r;
}

cJSON *json_diag(const diag *d, bool lsp_severity)
{
    cJSON *o = cJSON_CreateObject();
    die_if_null(o);
    cJSON_AddItemToObject(o, "range", json_lsp_range(d->src, d->start, d->end));
    if (lsp_severity)
        cJSON_AddNumberToObject(o, "severity", d->sev == SEV_ERROR ? 1 : d->sev == SEV_WARNING ? 2 : 3);
    else
        cJSON_AddStringToObject(o, "severity", severity_name(d->sev));
    cJSON_AddStringToObject(o, "code", d->rule);
    cJSON_AddStringToObject(o, "source", "trainlint");
    cJSON_AddStringToObject(o, "message", d->message);
    if (d->help)
        cJSON_AddStringToObject(o, "help", d->help);
    if (d->nrel) {
        cJSON *rel = cJSON_AddArrayToObject(o, "related");
        for (size_t i = 0; i < d->nrel; i++) {
            cJSON *r = cJSON_CreateObject();
            die_if_null(r);
            cJSON_AddStringToObject(r, "path", d->rel[i].src->path);
            cJSON_AddItemToObject(r, "range", json_lsp_range(d->rel[i].src, d->rel[i].start, d->rel[i].end));
            cJSON_AddStringToObject(r, "message", d->rel[i].message);
            cJSON_AddItemToArray(rel, r);
        }
    }
    cJSON *fixes = cJSON_AddArrayToObject(o, "fixes");
    for (size_t i = 0; i < d->nfixes; i++) {
        const fix *f = &d->fixes[i];
        cJSON *fo = cJSON_CreateObject();
        die_if_null(fo);
        cJSON_AddStringToObject(fo, "title", f->title);
        cJSON_AddStringToObject(fo, "applicability", f->safe ? "safe" : "unsafe");
        cJSON *edits = cJSON_AddArrayToObject(fo, "edits");
        for (size_t k = 0; k < f->nedits; k++) {
            cJSON *eo = cJSON_CreateObject();
            die_if_null(eo);
            if (f->edits[k].src != d->src)
                cJSON_AddStringToObject(eo, "path", f->edits[k].src->path);
            cJSON_AddItemToObject(eo, "range",
                                  json_lsp_range(f->edits[k].src, f->edits[k].start, f->edits[k].end));
            cJSON_AddStringToObject(eo, "newText", f->edits[k].text);
            cJSON_AddItemToArray(edits, eo);
        }
        cJSON_AddItemToArray(fixes, fo);
    }
    return o;
}

void json_begin(emitter *e)
{
    e->root = cJSON_CreateObject();
    die_if_null(e->root);
    cJSON_AddNumberToObject(e->root, "version", 1);
    e->files = cJSON_AddArrayToObject(e->root, "files");
}

void json_file(emitter *e, const emit_file_info *info, const diag *items, size_t n)
{
    cJSON *f = cJSON_CreateObject();
    die_if_null(f);
    cJSON_AddStringToObject(f, "path", info->src->path);
    if (info->format)
        cJSON_AddStringToObject(f, "format", info->format);
    else
        cJSON_AddNullToObject(f, "format");
    if (info->confidence && info->format)
        cJSON_AddStringToObject(f, "confidence", info->confidence);
    if (info->command) {
        cJSON *c = cJSON_AddObjectToObject(f, "command");
        die_if_null(c);
        cJSON_AddStringToObject(c, "name", info->command);
        cJSON_AddStringToObject(c, "from", info->command_how ? info->command_how : "default");
        if (info->command_line)
            cJSON_AddNumberToObject(c, "line", (double)info->command_line);
    }
    cJSON *ds = cJSON_AddArrayToObject(f, "diagnostics");
    for (size_t i = 0; i < n; i++)
        if (items[i].src == info->src && !items[i].suppressed && !items[i].hidden)
            cJSON_AddItemToArray(ds, json_diag(&items[i], false));
    if (info->extra) {
        cJSON *child = info->extra->child;
        while (child) {
            cJSON *next = child->next;
            cJSON *item = cJSON_DetachItemViaPointer(info->extra, child);
            cJSON_AddItemToObject(f, item->string, item);
            child = next;
        }
        cJSON_Delete(info->extra);
    }
    cJSON_AddItemToArray(e->files, f);
}

void json_end(emitter *e, const emit_summary *s)
{
    cJSON *sum = cJSON_AddObjectToObject(e->root, "summary");
    cJSON_AddNumberToObject(sum, "files", (double)s->files);
    cJSON_AddNumberToObject(sum, "errors", (double)s->errors);
    cJSON_AddNumberToObject(sum, "warnings", (double)s->warnings);
    cJSON_AddNumberToObject(sum, "infos", (double)s->infos);
    cJSON_AddNumberToObject(sum, "suppressed", (double)s->suppressed);
    char *txt = cJSON_PrintUnformatted(e->root);
    die_if_null(txt);
    fputs(txt, e->o.out);
    fputc('\n', e->o.out);
    free(txt);
    cJSON_Delete(e->root);
    e->root = NULL;
}
