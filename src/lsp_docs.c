/*
 * lsp_docs.c - the language server's open documents: their text as the
 * editor has it, linting it with the project's settings (the nearest
 * .trainlint.yaml, or initializationOptions), and publishing the findings.
 *
 * A document is linted lazily: a change only marks it dirty; the server
 * lints and publishes when its input is idle, or when a request needs the
 * findings. Errors in a project's settings file are shown to the user once
 * (window/showMessage) instead of ending the session as the CLI does.
 */
#include "cli.h"
#include "emit.h"
#include "facts.h"
#include "fixproof.h"
#include "lsp_private.h"
#include "lsp_uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { MAX_DIAGS = 1000 };
#define DEFAULT_MAX_FILE_SIZE ((size_t)8 << 20)

lsp_doc *lsp_doc_find(lsp_server *s, const char *uri)
{
    for (size_t i = 0; i < s->ndocs; i++)
        if (strcmp(s->docs[i]->uri, uri) == 0)
            return s->docs[i];
    return NULL;
}

static void drop_lint(lsp_doc *d)
{
    lintfile_free(d->lf);
    d->lf = NULL;
    diag_list_free(&d->dl);
    d->proved = false;
}

static void free_doc(lsp_doc *d)
{
    drop_lint(d);
    free(d->uri);
    free(d->path);
    free(d->text);
    free(d);
}

void lsp_doc_set_text(lsp_doc *d, char *text, size_t len, int version)
{
    free(d->text);
    d->text = text;
    d->len = len;
    d->version = version;
    d->dirty = true;
}

lsp_doc *lsp_doc_open(lsp_server *s, const char *uri, char *text, size_t len, int version)
{
    lsp_doc *d = lsp_doc_find(s, uri);
    if (d) {
        lsp_doc_set_text(d, text, len, version);
        return d;
    }
    d = xcalloc(1, sizeof *d);
    d->uri = xstrdup(uri);
    d->path = uri_to_path(uri);
    lsp_doc_set_text(d, text, len, version);
    s->docs = xgrow(s->docs, &s->capdocs, s->ndocs + 1, sizeof *s->docs);
    s->docs[s->ndocs++] = d;
    return d;
}

static void publish(lsp_server *s, const char *uri, int version, const lsp_doc *d)
{
    cJSON *params = lsp_obj();
    lsp_add_str(params, "uri", uri);
    if (version >= 0)
        cJSON_AddNumberToObject(params, "version", version);
    cJSON *arr = lsp_arr();
    for (size_t i = 0; d && d->lf && i < d->dl.n; i++) {
        const diag *dg = &d->dl.items[i];
        if (dg->src == d->lf->src && !dg->suppressed && !dg->hidden)
            cJSON_AddItemToArray(arr, lsp_diag_json(d, dg));
    }
    cJSON_AddItemToObject(params, "diagnostics", arr);
    lsp_notify(s, "textDocument/publishDiagnostics", params);
}

void lsp_doc_close(lsp_server *s, const char *uri)
{
    for (size_t i = 0; i < s->ndocs; i++) {
        if (strcmp(s->docs[i]->uri, uri) != 0)
            continue;
        publish(s, uri, -1, NULL);
        free_doc(s->docs[i]);
        memmove(&s->docs[i], &s->docs[i + 1], (s->ndocs - i - 1) * sizeof *s->docs);
        s->ndocs--;
        return;
    }
}

/* Shows errors in project settings or user rule packs once, then forgets
 * them: the engine treats any recorded data error as fatal. */
static void report_data_errors(lsp_server *s)
{
    diag_list *errs = &s->eng.data_errs;
    if (!errs->n)
        return;
    strbuf sb = {0};
    sb_puts(&sb, "trainlint: errors in the project settings:");
    for (size_t i = 0; i < errs->n; i++) {
        const diag *d = &errs->items[i];
        sb_puts(&sb, "\n");
        if (d->src && d->src->len) {
            size_t l, c;
            emit_pos(d->src, d->start, &l, &c);
            sb_printf(&sb, "%s:%zu:%zu: ", d->src->path, l, c);
        } else if (d->src) {
            sb_printf(&sb, "%s: ", d->src->path);
        }
        sb_puts(&sb, d->message);
    }
    lsp_show_once(s, 1, sb.buf);
    sb_free(&sb);
    diag_list_free(errs);
    diag_list_init(errs, 200);
}

/* The project settings of a document, with their rule directories loaded;
 * NULL when isolated or when the document has no local path. */
static const project_config *doc_config(lsp_server *s, const lsp_doc *d)
{
    if (s->set.isolated || (!d->path && !s->set.config))
        return NULL;
    const project_config *pc = config_for(&s->eng.configs, d->path, s->set.config);
    for (size_t k = 0; pc && k < pc->nrules_dirs; k++) {
        const char *rd = pc->rules_dirs[k];
        char *dir = rd[0] == '/' ? xstrdup(rd) : xasprintf("%s/%s", pc->dir, rd);
        engine_add_rules_dir(&s->eng, dir);
        free(dir);
    }
    report_data_errors(s);
    return pc;
}

/* Warns once about a GPU name the catalog does not know. */
static void warn_gpu(lsp_server *s, const char *name, const gpu_info *const *cand, size_t n)
{
    strbuf sb = {0};
    sb_printf(&sb, "trainlint: %s GPU '%s': no fit verdict",
              n && catalog_gpu_ambiguous(&s->eng.catalog, name) ? "ambiguous" : "unknown", name);
    for (size_t i = 0; i < n; i++)
        sb_printf(&sb, "%s%s", i ? ", " : " (candidates: ", cand[i]->id);
    if (n)
        sb_puts(&sb, ")");
    lsp_show_once(s, 2, sb.buf);
    sb_free(&sb);
}

/* The target GPU named by the settings: a catalog name, or "auto" for what
 * nvidia-smi reports (asked once per engine). NULL when none or unknown
 * (then the estimate has no verdict). */
static const gpu_info *resolve_gpu_name(lsp_server *s, const char *name)
{
    if (!name || engine_load_catalog(&s->eng) != 0)
        return NULL;
    if (strcmp(name, "auto") == 0) {
        if (!s->hw_tried) {
            char *err = NULL;
            s->hw_tried = true;
            s->hw_ok = hw_detect_gpu(&s->eng.catalog, &s->hw, &err) == 0;
            if (!s->hw_ok) {
                char *msg = xasprintf("trainlint: gpu auto: %s", err ? err : "no GPU detected");
                lsp_show_once(s, 2, msg);
                free(msg);
            }
            free(err);
        }
        return s->hw_ok ? &s->hw.info : NULL;
    }
    const gpu_info *cand[8];
    size_t n = 0;
    const gpu_info *g = catalog_find_gpu(&s->eng.catalog, name, cand, ARRAY_LEN(cand), &n);
    if (!g)
        warn_gpu(s, name, cand, n);
    return g;
}

static size_t max_file_size(const project_config *pc)
{
    /* checked before converting: a huge double does not fit size_t */
    if (pc && pc->max_file_size >= 1 && pc->max_file_size < 1e15)
        return (size_t)pc->max_file_size;
    return DEFAULT_MAX_FILE_SIZE;
}

/* The editor's text as a source file named by the document's path (so
 * ignores, format detection by name and DeepSpeed references work as in
 * the CLI). */
static srcfile *doc_source(const lsp_doc *d, size_t limit)
{
    srcfile *src = src_from_bytes(d->path ? d->path : d->uri, d->text, d->len);
    if (d->len > limit) {
        src->too_large = true;
        src->real_size = d->len;
        src->size_limit = limit;
    }
    struct stat st;
    src->on_disk = d->path && stat(d->path, &st) == 0 && S_ISREG(st.st_mode);
    return src;
}

static void lint_doc(lsp_server *s, lsp_doc *d)
{
    drop_lint(d);
    diag_list_init(&d->dl, MAX_DIAGS);
    d->dirty = false;
    d->unpublished = true;
    const project_config *pc = doc_config(s, d);
    if (pc && d->path && config_excludes(pc, d->path))
        return;
    lint_opts lo = {.max_file_size = max_file_size(pc),
                    .explicit_path = s->set.report_unknown_format,
                    .project = pc};
    d->lf = lint_src(&s->eng, doc_source(d, lo.max_file_size), &lo, &d->dl);
    report_data_errors(s);
    const char *gpu = s->set.gpu ? s->set.gpu : (pc ? pc->gpu : NULL);
    facts_opts fo = {.gpu = resolve_gpu_name(s, gpu),
                     .gpus = s->set.gpus > 0 ? s->set.gpus : (pc ? pc->gpus : 0),
                     .price_per_hour = pc ? pc->price_per_hour : 0,
                     .want_estimate = true};
    lint_finish(&s->eng, d->lf, pc, &fo, &d->dl);
    report_data_errors(s);
    diag_sort(&d->dl);
    d->pc = pc;
    d->lo = lo;
    d->fo = fo;
}

void lsp_doc_ensure_proved(lsp_server *s, lsp_doc *d)
{
    lsp_doc_ensure_linted(s, d);
    if (!d->lf || d->proved)
        return;
    fix_proof_opts po = {.eng = &s->eng, .pc = d->pc, .fo = &d->fo, .lo = &d->lo};
    fix_prove(&po, d->lf, &d->dl);
    d->proved = true;
}

void lsp_doc_ensure_linted(lsp_server *s, lsp_doc *d)
{
    if (d->dirty)
        lint_doc(s, d);
}

void lsp_publish_pending(lsp_server *s)
{
    for (size_t i = 0; i < s->ndocs && !s->out_failed; i++) {
        lsp_doc *d = s->docs[i];
        lsp_doc_ensure_linted(s, d);
        if (d->unpublished) {
            publish(s, d->uri, d->version, d);
            d->unpublished = false;
        }
    }
}

int lsp_reload(lsp_server *s)
{
    for (size_t i = 0; i < s->ndocs; i++) {
        drop_lint(s->docs[i]);
        s->docs[i]->dirty = true;
    }
    strmap_free(&s->warned);
    arena_free(&s->mem);
    s->hw_tried = s->hw_ok = false; /* its strings may point into the old catalog */
    engine_free(&s->eng);
    if (engine_init(&s->eng) != 0) {
        cli_print_data_errors(&s->eng.data_errs);
        return -1;
    }
    return 0;
}

void lsp_docs_free(lsp_server *s)
{
    for (size_t i = 0; i < s->ndocs; i++)
        free_doc(s->docs[i]);
    free(s->docs);
    s->docs = NULL;
    s->ndocs = s->capdocs = 0;
}
