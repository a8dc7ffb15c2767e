/*
 * lsp_actions.c - textDocument/codeAction: every fix of the findings that
 * overlap the requested range, as a quickfix CodeAction whose WorkspaceEdit
 * holds the fix's text edits (grouped by file: a fix may also edit the
 * DeepSpeed config the document references). Only fixes that survived the
 * proof (fixproof.h: applied and checked again) are offered. Safe fixes are
 * preferred.
 */
#include "emit_private.h"
#include "lsp_private.h"

#include <stdlib.h>
#include <string.h>

/* Whether context.only (when given) asks for quickfixes: a requested kind
 * matches "quickfix" itself and its parents (CodeActionKind hierarchy). */
static bool quickfix_wanted(const cJSON *context)
{
    const cJSON *only = cJSON_GetObjectItemCaseSensitive(context, "only");
    if (!cJSON_IsArray(only))
        return true;
    const cJSON *k;
    cJSON_ArrayForEach(k, only)
    {
        if (cJSON_IsString(k) && k->valuestring &&
            (strcmp(k->valuestring, "quickfix") == 0 || k->valuestring[0] == '\0'))
            return true;
    }
    return false;
}

static cJSON *text_edit(const fix_edit *e)
{
    cJSON *te = lsp_obj();
    cJSON_AddItemToObject(te, "range", json_lsp_range(e->src, e->start, e->end));
    lsp_add_str(te, "newText", e->text ? e->text : "");
    return te;
}

/* WorkspaceEdit {changes: {uri: [TextEdit]}}. */
static cJSON *workspace_edit(const lsp_doc *d, const fix *f)
{
    cJSON *changes = lsp_obj();
    for (size_t i = 0; i < f->nedits; i++) {
        char *uri = lsp_src_uri(d, f->edits[i].src);
        cJSON *list = cJSON_GetObjectItemCaseSensitive(changes, uri);
        if (!list) {
            list = lsp_arr();
            cJSON_AddItemToObject(changes, uri, list);
        }
        cJSON_AddItemToArray(list, text_edit(&f->edits[i]));
        free(uri);
    }
    cJSON *we = lsp_obj();
    cJSON_AddItemToObject(we, "changes", changes);
    return we;
}

static cJSON *code_action(const lsp_doc *d, const diag *dg, const fix *f)
{
    cJSON *a = lsp_obj();
    lsp_add_str(a, "title", f->title ? f->title : dg->rule);
    lsp_add_str(a, "kind", "quickfix");
    if (f->safe)
        cJSON_AddBoolToObject(a, "isPreferred", 1);
    cJSON *diags = lsp_arr();
    cJSON_AddItemToArray(diags, lsp_diag_json(d, dg));
    cJSON_AddItemToObject(a, "diagnostics", diags);
    cJSON_AddItemToObject(a, "edit", workspace_edit(d, f));
    return a;
}

/* The requested range as byte offsets of the document (start <= end). */
static bool request_range(const cJSON *params, const srcfile *src, size_t *a, size_t *b)
{
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(params, "range");
    if (!lsp_get_position(cJSON_GetObjectItemCaseSensitive(range, "start"), src, a) ||
        !lsp_get_position(cJSON_GetObjectItemCaseSensitive(range, "end"), src, b))
        return false;
    if (*b < *a) {
        size_t t = *a;
        *a = *b;
        *b = t;
    }
    return true;
}

void lsp_code_action(lsp_server *s, const cJSON *params, lsp_reply *r)
{
    const char *uri = lsp_doc_uri(params);
    if (!uri || !cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(params, "range"))) {
        lsp_fail(r, RPC_INVALID_PARAMS, "codeAction needs textDocument.uri and a range");
        return;
    }
    lsp_doc *d = lsp_doc_find(s, uri);
    if (d)
        lsp_doc_ensure_proved(s, d); /* only proven fixes become code actions */
    if (!d || !d->lf) {
        r->result = lsp_arr(); /* not open, or excluded: nothing to fix */
        return;
    }
    size_t a, b;
    if (!request_range(params, d->lf->src, &a, &b)) {
        lsp_fail(r, RPC_INVALID_PARAMS, "codeAction: the range needs line and character numbers");
        return;
    }
    r->result = lsp_arr();
    if (!quickfix_wanted(cJSON_GetObjectItemCaseSensitive(params, "context")))
        return;
    for (size_t i = 0; i < d->dl.n; i++) {
        const diag *dg = &d->dl.items[i];
        if (dg->src != d->lf->src || dg->suppressed || dg->hidden)
            continue;
        if (dg->start > b || a > dg->end)
            continue;
        for (size_t k = 0; k < dg->nfixes; k++)
            if (dg->fixes[k].nedits)
                cJSON_AddItemToArray(r->result, code_action(d, dg, &dg->fixes[k]));
    }
}
