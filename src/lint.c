/*
 * lint.c - the per-file pipeline. See lint.h.
 */
#include "lint.h"
#include "advise.h"
#include "config.h"
#include "engine.h"
#include "facts.h"
#include "suppress.h"
#include "validate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- detection --------------------------------------------------------- */

static int score_format(const format_def *f, const doc_node *root)
{
    int s = 0;
    for (size_t i = 0; i < f->nstrong; i++)
        if (doc_path(root, f->strong[i], NULL))
            s += 3;
    for (size_t i = 0; i < f->nsupport; i++)
        if (doc_path(root, f->support[i], NULL))
            s += 1;
    for (size_t i = 0; i < f->nanti; i++)
        if (doc_path(root, f->anti[i], NULL))
            s -= 4;
    return s;
}

format_def *lint_detect(schema_set *ss, const doc_node *root, int *score, format_def **runner,
                        const char **confidence)
{
    *score = 0;
    *runner = NULL;
    *confidence = "none";
    if (!root || root->kind != DOC_MAP)
        return NULL;
    format_def *best = NULL, *second = NULL;
    int bs = INT_MIN, ss2 = INT_MIN;
    for (size_t i = 0; i < ss->n; i++) {
        format_def *f = &ss->formats[i];
        if (!f->nstrong && !f->nsupport)
            continue;
        int s = score_format(f, root);
        format_def *parent = f->extends ? schema_find_format(ss, f->extends) : NULL;
        if (parent && s >= 3)
            s += score_format(parent, root);
        if (s > bs) {
            second = best;
            ss2 = bs;
            best = f;
            bs = s;
        } else if (s > ss2) {
            second = f;
            ss2 = s;
        }
    }
    if (!best || bs < 3)
        return NULL;
    *score = bs;
    *runner = second && ss2 >= 3 ? second : NULL;
    int margin = bs - (ss2 > 0 ? ss2 : 0);
    *confidence = (bs >= 6 && margin >= 3) ? "high" : (margin >= 1 ? "medium" : "low");
    return best;
}

/* ---- expression environment -------------------------------------------- */

static void node_value(lintfile *lf, const doc_node *n, const void *origin_doc, value *out,
                       int depth);

static void lint_from_node(void *ud, const doc_node *n, const void *origin_doc, value *out)
{
    node_value(ud, n, origin_doc, out, 0);
}

static void node_value(lintfile *lf, const doc_node *n, const void *origin_doc, value *out,
                       int depth)
{
    if (!n) {
        *out = value_missing();
        return;
    }
    if (n->kind != DOC_SCALAR) {
        *out = value_null();
        out->kind = V_NODE;
        out->node = n;
    } else {
        bool is_ds = origin_doc == &lf->ds_doc;
        doc_typing t = is_ds ? TYPING_JSON : (lf->fmt ? lf->fmt->typing : TYPING_YAML11);
        if (is_ds && lf->ds_src && !lf->ds_src->is_json)
            t = TYPING_YAML11;
        if (t == TYPING_OMEGACONF && doc_is_interpolation(n) && depth < 8 &&
            !memchr(n->text, ':', n->len)) {
            /* ${a.b}: the value of another key in the same file */
            char *path = xstrndup(n->text + 2, n->len - 3);
            const doc_node *target = doc_path(doc_root(origin_doc ? origin_doc : &lf->d), path, NULL);
            free(path);
            if (target) {
                node_value(lf, target, origin_doc, out, depth + 1);
                out->origin = n;
                return;
            }
        }
        scalar_value sv = doc_scalar(n, t);
        switch (sv.type) {
        case ST_NULL:
            *out = value_null();
            break;
        case ST_BOOL:
            *out = value_bool(sv.b);
            break;
        case ST_INT:
        case ST_FLOAT:
            *out = value_num(sv.num);
            break;
        default:
            *out = value_str(n->text, n->len);
            break;
        }
    }
    out->origin = n;
    out->origin_doc = origin_doc;
}

static void lint_resolve(void *ud, int ns, const char *path, value *out)
{
    lintfile *lf = ud;
    switch (ns) {
    case NS_CFG:
    case NS_DS: {
        const doc *d = ns == NS_CFG ? &lf->d : (lf->has_ds ? &lf->ds_doc : NULL);
        if (!d || !doc_root(d)) {
            *out = value_missing();
            return;
        }
        doc_pair *pair = NULL;
        const doc_node *n = *path ? doc_path(doc_root(d), path, &pair) : doc_root(d);
        if (!n) {
            *out = value_missing();
            return;
        }
        node_value(lf, n, d, out, 0);
        if (pair)
            out->origin_key = pair->key;
        return;
    }
    case NS_FILE: {
        const char *p = lf->src->path;
        const char *slash = strrchr(p, '/');
        if (strcmp(path, "path") == 0)
            *out = value_str(p, strlen(p));
        else if (strcmp(path, "name") == 0)
            *out = value_str(slash ? slash + 1 : p, strlen(slash ? slash + 1 : p));
        else if (strcmp(path, "dir") == 0)
            *out = value_str(p, slash ? (size_t)(slash - p) : 0);
        else if (strcmp(path, "format") == 0 && lf->fmt)
            *out = value_str(lf->fmt->name, strlen(lf->fmt->name));
        else
            *out = value_missing();
        return;
    }
    case NS_JOB: {
        int f = job_field_by_name(path);
        if (f < 0) {
            /* job.lora_targets.0 and similar are not supported: whole fields only */
            *out = value_missing();
            return;
        }
        *out = lf->job.f[f];
        return;
    }
    default:
        facts_resolve(lf, ns, path, out);
        return;
    }
}

void lint_env(lintfile *lf, struct engine *eng, expr_env *env, arena *scratch)
{
    (void)eng;
    env->resolve = lint_resolve;
    env->from_node = lint_from_node;
    env->ud = lf;
    env->scratch = scratch;
}

/* ---- the referenced DeepSpeed config ----------------------------------- */

static char *find_ds_file(const char *cfg_path, const char *ref)
{
    struct stat st;
    if (ref[0] == '/')
        return stat(ref, &st) == 0 && S_ISREG(st.st_mode) ? xstrdup(ref) : NULL;
    /* the launch directory first, then the config's folder and its parents
     * (the trainer usually runs from the repository root) */
    if (stat(ref, &st) == 0 && S_ISREG(st.st_mode))
        return xstrdup(ref);
    char dir[PATH_MAX];
    if (!realpath(cfg_path, dir))
        return NULL;
    char *slash = strrchr(dir, '/');
    while (slash) {
        *slash = '\0';
        char *cand = xasprintf("%s/%s", *dir ? dir : "", ref);
        if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
            return cand;
        free(cand);
        slash = strrchr(dir, '/');
    }
    return NULL;
}

static void load_deepspeed(engine *eng, lintfile *lf, const lint_opts *o, diag_list *dl)
{
    value ref;
    lint_resolve(lf, NS_CFG, "deepspeed", &ref);
    if (ref.kind != V_STR || ref.slen == 0 || !ref.origin)
        return;
    /* accelerate-style configs name the file elsewhere */
    char *name = xstrndup(ref.s, ref.slen);
    if (!str_ends(name, ".json") && !str_ends(name, ".yaml") && !str_ends(name, ".yml")) {
        free(name);
        return;
    }
    char *path = lf->src->on_disk ? find_ds_file(lf->src->path, name) : NULL;
    if (!path) {
        diag *d = diag_add(dl, lf->src, "deepspeed-config-not-found", SEV_INFO, ref.origin->start,
                           ref.origin->end,
                           "cannot find the DeepSpeed config '%s' (looked in the working "
                           "directory and the config's folder and its parents); its ZeRO "
                           "settings are not checked or estimated",
                           name);
        (void)d;
        free(name);
        return;
    }
    free(name);
    char *err = NULL;
    if (o->ds_text && o->ds_path && strcmp(o->ds_path, path) == 0)
        lf->ds_src = src_from_bytes(path, o->ds_text, o->ds_len);
    else
        lf->ds_src = src_read(path, path, o->max_file_size, &err);
    if (!lf->ds_src) {
        diag_add(dl, lf->src, "deepspeed-config-not-found", SEV_WARNING, ref.origin->start,
                 ref.origin->end, "%s", err);
        free(err);
        free(path);
        return;
    }
    bool first_time = o->recheck_ds || engine_mark_checked(eng, path);
    free(path);
    diag_list tmp;
    diag_list_init(&tmp, 0);
    doc_load(&lf->ds_doc, lf->ds_src, NULL, first_time ? dl : &tmp);
    lf->has_ds = !lf->ds_doc.failed && doc_root(&lf->ds_doc);
    if (lf->ds_doc.failed)
        diag_add(dl, lf->src, "deepspeed-config-invalid", SEV_ERROR, ref.origin->start,
                 ref.origin->end, "the DeepSpeed config %s does not load (see its diagnostics)",
                 lf->ds_src->path);
    diag_list_free(&tmp);
    lf->ds_fmt = schema_find_format(&eng->ss, "deepspeed");
    if (lf->has_ds && first_time && lf->ds_fmt && schema_load_format(&eng->ss, lf->ds_fmt) == 0)
        validate_document(&eng->ss, lf->ds_fmt, doc_root(&lf->ds_doc), lf->ds_src, dl);
}

/* ---- job mapping -------------------------------------------------------- */

static void build_job(engine *eng, lintfile *lf)
{
    memset(&lf->job, 0, sizeof lf->job);
    if (!lf->fmt)
        return;
    expr_env env;
    lint_env(lf, eng, &env, &lf->mem);
    for (size_t i = 0; i < lf->fmt->njob; i++) {
        const job_map *m = &lf->fmt->job[i];
        value v = expr_eval(m->e, &env);
        v = job_coerce(m->field, v, &lf->mem);
        lf->job.f[m->field] = v;
        lf->job.from_default[m->field] = v.kind != V_NULL && !v.origin;
    }
}

/* ---- the pipeline ------------------------------------------------------- */

/* Explicit tags that only an unsafe YAML loader constructs: PyYAML's
 * yaml.load(..., Loader=yaml.Loader) / yaml.unsafe_load build Python objects
 * from them (tag:yaml.org,2002:python/object/apply:os.system runs a command);
 * safe loaders refuse the file. Reported wherever they appear in the document;
 * the walk skips merged copies and stops after a bounded number of visits. */
static void check_unsafe_tags(const doc *d, const srcfile *src, diag_list *dl)
{
    static const char prefix[] = "tag:yaml.org,2002:python/";
    const doc_node *stack[256];
    size_t sp = 0, visits = 0, found = 0;
    size_t budget = 4 * d->nnodes + 64;
    for (size_t r = 0; r < d->nroots && found < 10; r++) {
        if (d->roots[r])
            stack[sp++] = d->roots[r];
        while (sp && visits++ < budget && found < 10) {
            const doc_node *n = stack[--sp];
            if (n->tag && (strncmp(n->tag, prefix, sizeof prefix - 1) == 0 ||
                           strncmp(n->tag, "!!python/", 9) == 0)) {
                const char *what = strncmp(n->tag, prefix, sizeof prefix - 1) == 0
                                       ? n->tag + sizeof prefix - 1
                                       : n->tag + 9;
                diag *x = diag_add(dl, src, "yaml-python-tag", SEV_ERROR, n->start,
                                   n->start + (n->end > n->start ? 1 : 0),
                                   "the tag !!python/%s makes an unsafe YAML loader (yaml.load "
                                   "with yaml.Loader, yaml.unsafe_load) run Python code while "
                                   "reading this config; safe loaders refuse the file",
                                   what);
                diag_set_help(dl, x, "remove the tag and write the value as plain YAML; never "
                                     "load configs from untrusted sources with an unsafe loader");
                found++;
            }
            if (n->kind == DOC_MAP) {
                for (size_t i = 0; i < n->nexplicit && sp + 2 <= ARRAY_LEN(stack); i++) {
                    stack[sp++] = n->u.pairs[i].value;
                    stack[sp++] = n->u.pairs[i].key;
                }
            } else if (n->kind == DOC_SEQ) {
                for (size_t i = n->n; i-- > 0 && sp < ARRAY_LEN(stack);)
                    stack[sp++] = n->u.items[i];
            }
        }
    }
}

lintfile *lint_src(struct engine *eng, srcfile *src, const lint_opts *o, diag_list *dl)
{
    lintfile *lf = xcalloc(1, sizeof *lf);
    lf->src = src;
    lf->confidence = "none";
    doc_limits lim = doc_default_limits;
    if (o->limits.max_depth)
        lim.max_depth = o->limits.max_depth;
    if (o->limits.max_nodes)
        lim.max_nodes = o->limits.max_nodes;
    if (o->limits.max_expanded)
        lim.max_expanded = o->limits.max_expanded;
    doc_load(&lf->d, src, &lim, dl);
    lf->loaded = !lf->d.failed;
    if (!lf->loaded)
        return lf;
    check_unsafe_tags(&lf->d, src, dl);
    const doc_node *root = doc_root(&lf->d);
    if (o->as_format) {
        lf->fmt = schema_find_format(&eng->ss, o->as_format);
        lf->confidence = "forced";
    } else {
        lf->fmt = lint_detect(&eng->ss, root, &lf->score, &lf->runner, &lf->confidence);
    }
    if (!lf->fmt) {
        if (o->explicit_path && root && root->kind == DOC_MAP && root->n > 0)
            diag_add(dl, src, "unknown-format", SEV_INFO, root->start, root->start,
                     "not recognised as a config of a supported trainer; only the YAML/JSON "
                     "syntax was checked (use --as FORMAT to choose one)");
        return lf;
    }
    if (!root || root->kind != DOC_MAP) {
        if (root)
            diag_add(dl, src, "not-a-mapping", SEV_ERROR, root->start, root->start + 1,
                     "a %s config must be a mapping of keys to values at the top level",
                     lf->fmt->title);
        return lf;
    }
    if (schema_load_format(&eng->ss, lf->fmt) != 0)
        return lf; /* data errors: the caller reports them and exits 2 */
    validate_document(&eng->ss, lf->fmt, root, src, dl);
    load_deepspeed(eng, lf, o, dl);
    build_job(eng, lf);
    return lf;
}

lintfile *lint_path(struct engine *eng, const char *path, const lint_opts *o, diag_list *dl,
                    char **err)
{
    const char *display = o->display_path ? o->display_path
                                          : (strcmp(path, "-") == 0 ? "<stdin>" : path);
    srcfile *src = src_read(path, display, o->max_file_size, err);
    if (!src)
        return NULL;
    if (strcmp(path, "-") != 0)
        engine_mark_checked(eng, path);
    return lint_src(eng, src, o, dl);
}

lintfile *lint_text(struct engine *eng, const char *name, const char *text, size_t len,
                    const lint_opts *o, diag_list *dl)
{
    srcfile *src = src_from_bytes(name, text, len);
    if (len > o->max_file_size && o->max_file_size) {
        src->too_large = true;
        src->real_size = len;
        src->size_limit = o->max_file_size;
    }
    return lint_src(eng, src, o, dl);
}

void lintfile_free(lintfile *lf)
{
    if (!lf)
        return;
    doc_free(&lf->d);
    if (lf->ds_src) {
        doc_free(&lf->ds_doc);
        src_free(lf->ds_src);
    }
    src_free(lf->src);
    arena_free(&lf->mem);
    free(lf->extra);
    free(lf);
}

void lint_finish(struct engine *eng, lintfile *lf, const struct project_config *pc,
                 const struct facts_opts *fo, diag_list *dl)
{
    const strmap *over = pc ? &pc->severities : NULL;
    if (fo) {
        facts_compute(eng, lf, fo, dl);
        advise_fit(eng, lf, dl);
    }
    rules_eval(&eng->rules, eng, lf, over, dl);
    severity unused = SEV_INFO;
    if (over && over->count) {
        void *o = strmap_get(over, "unused-suppression", strlen("unused-suppression"));
        if (o)
            unused = (severity)((intptr_t)o - 1);
    }
    suppress_apply(lf->src, dl, unused);
    for (size_t i = 0; i < dl->n; i++) {
        diag *d = &dl->items[i];
        if (over && over->count) {
            void *o = strmap_get(over, d->rule, strlen(d->rule));
            if (o) {
                d->sev = (severity)((intptr_t)o - 1);
                if (d->sev == SEV_OFF)
                    d->hidden = true;
            }
        }
        if (pc && pc->nignores && d->src && config_ignores(pc, d->src->path, d->rule))
            d->suppressed = true;
    }
}
