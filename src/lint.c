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

/* A short file that no format claims outright: the first format with a
 * `minimal` key present that knows every top-level key (a TrainingArguments
 * file with output_dir and a learning rate). Loads the candidate's schema. */
static format_def *detect_minimal(schema_set *ss, const doc_node *root)
{
    if (root->n < 2)
        return NULL;
    for (size_t i = 0; i < ss->n; i++) {
        format_def *f = &ss->formats[i];
        bool hit = false;
        for (size_t k = 0; k < f->nminimal && !hit; k++)
            hit = doc_map_get(root, f->minimal[k]) != NULL;
        if (!hit || schema_load_format(ss, f) != 0 || !f->root)
            continue;
        bool all_known = true;
        for (size_t k = 0; k < root->n && all_known; k++) {
            const doc_node *key = root->u.pairs[k].key;
            all_known = key->kind == DOC_SCALAR && schema_key(f->root, key->text, key->len);
        }
        if (all_known)
            return f;
    }
    return NULL;
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
    if (!best || bs < 3) {
        format_def *m = detect_minimal(ss, root);
        if (m) {
            *score = bs > 0 ? bs : 0;
            *confidence = "low";
        }
        return m;
    }
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
        doc_typing t = is_ds || lf->src->is_json ? TYPING_JSON
                                                 : (lf->fmt ? lf->fmt->typing : TYPING_YAML11);
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

static const char *file_header(lintfile *lf);

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
        else if (strcmp(path, "command") == 0 && lf->cmd)
            *out = value_str(lf->cmd->name, strlen(lf->cmd->name));
        else if (strcmp(path, "mode") == 0 && lf->cmd)
            *out = value_str(lf->cmd->mode, strlen(lf->cmd->mode));
        else if (strcmp(path, "header") == 0) {
            const char *h = file_header(lf);
            *out = value_str(h, strlen(h));
        }
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

/* Why a referenced file did not load, from the first error the loader gave,
 * in words that hold none of its bytes: the loader's own messages may quote
 * the file (a character, a token), so they are never shown for it. */
static void describe_load_failure(const diag_list *tmp, const srcfile *src, strbuf *sb)
{
    const diag *e = NULL;
    for (size_t i = 0; i < tmp->n && !e; i++)
        if (tmp->items[i].sev == SEV_ERROR)
            e = &tmp->items[i];
    const char *lang = src->is_json ? "JSON" : "YAML";
    if (!e) {
        sb_printf(sb, "is not valid %s", lang);
        return;
    }
    if (strcmp(e->rule, "limit-file-size") == 0) {
        sb_printf(sb, "is larger than the file size limit (%zu bytes)", src->size_limit);
        return;
    }
    if (str_starts(e->rule, "limit-"))
        sb_puts(sb, "exceeds trainlint's loader limits (nesting, nodes or aliases)");
    else if (strcmp(e->rule, "multiple-documents") == 0)
        sb_puts(sb, "holds more than one document");
    else if (str_starts(e->message, "NUL byte") || strstr(e->message, "UTF-8") ||
             strstr(e->message, "UTF-16"))
        sb_puts(sb, "is binary or not UTF-8 text");
    else
        sb_printf(sb, "is not valid %s", lang);
    if (src->len) {
        size_t line = src_line_of(src, e->start);
        sb_printf(sb, " (line %zu, column %zu)", line + 1, src_col(src, e->start, COL_CODEPOINT) + 1);
    }
}

/* The file named by `deepspeed:` (HF, TRL, axolotl, LLaMA-Factory, ...) or by
 * accelerate's deepspeed_config.deepspeed_config_file. */
static bool deepspeed_ref(lintfile *lf, value *ref)
{
    lint_resolve(lf, NS_CFG, "deepspeed", ref);
    if (ref->kind != V_STR)
        lint_resolve(lf, NS_CFG, "deepspeed_config.deepspeed_config_file", ref);
    return ref->kind == V_STR && ref->slen > 0 && ref->origin;
}

static void drop_ds(lintfile *lf)
{
    doc_free(&lf->ds_doc);
    memset(&lf->ds_doc, 0, sizeof lf->ds_doc);
    src_free(lf->ds_src);
    lf->ds_src = NULL;
    lf->has_ds = false;
}

static void load_deepspeed(engine *eng, lintfile *lf, const lint_opts *o, diag_list *dl)
{
    value ref;
    if (!deepspeed_ref(lf, &ref))
        return;
    char *name = xstrndup(ref.s, ref.slen);
    if (!str_ends(name, ".json") && !str_ends(name, ".yaml") && !str_ends(name, ".yml")) {
        free(name); /* an inline JSON string or a dict: nothing to read */
        return;
    }
    if (!lf->src->on_disk) {
        free(name);
        return;
    }
    char *display = NULL, *real = NULL;
    ref_result rr = project_find_ref(&lf->roots, name,
                                     REF_FROM_CWD | REF_FROM_CONFIG | REF_FROM_PARENTS, &display,
                                     &real);
    size_t rs = ref.origin->start, re = ref.origin->end;
    if (rr == REF_OUTSIDE) {
        diag *d = diag_add(dl, lf->src, "reference-outside-project", SEV_WARNING, rs, re,
                           "the DeepSpeed config '%s' is outside the project; trainlint does not "
                           "read files outside it, so its ZeRO settings are not checked or "
                           "estimated",
                           name);
        diag_set_help(dl, d, "keep the file in the repository, or list its folder under "
                             "`roots:` in .trainlint.yaml");
        free(name);
        return;
    }
    if (rr == REF_MISSING) {
        diag_add(dl, lf->src, "deepspeed-config-not-found", SEV_INFO, rs, re,
                 "cannot find the DeepSpeed config '%s' (looked in the working directory and "
                 "the config's folder and its parents, inside the project); its ZeRO settings "
                 "are not checked or estimated",
                 name);
        free(name);
        return;
    }
    char *err = NULL;
    /* re-checking a fix (fixproof.h): the DeepSpeed file's edited text */
    if (o->ds_text && o->ds_path && strcmp(o->ds_path, display) == 0)
        lf->ds_src = src_from_bytes(display, o->ds_text, o->ds_len);
    else
        lf->ds_src = src_read(real, display, o->max_file_size, &err);
    free(display);
    if (!lf->ds_src) {
        /* err names the file as found and the system's reason, nothing of its content */
        diag_add(dl, lf->src, "deepspeed-config-not-found", SEV_WARNING, rs, re, "%s", err);
        free(err);
        free(real);
        free(name);
        return;
    }
    /* load privately first: the loader's findings may quote the file, and a
     * file that is not a DeepSpeed config (a key, a binary, prose) must not
     * be quoted anywhere */
    diag_list tmp;
    diag_list_init(&tmp, 0);
    doc_load(&lf->ds_doc, lf->ds_src, NULL, &tmp);
    const doc_node *root = lf->ds_doc.failed ? NULL : doc_root(&lf->ds_doc);
    if (!root || root->kind != DOC_MAP) {
        strbuf why = {0};
        if (lf->ds_doc.failed || lf->ds_src->too_large)
            describe_load_failure(&tmp, lf->ds_src, &why);
        else
            sb_printf(&why, "is not a DeepSpeed config (its top level is not a %s)",
                      lf->ds_src->is_json ? "JSON object" : "mapping of settings");
        diag *d = diag_add(dl, lf->src, "deepspeed-config-invalid", SEV_ERROR, rs, re,
                           "the DeepSpeed config '%s' %s; DeepSpeed stops on it at start-up",
                           name, why.buf ? why.buf : "does not load");
        diag_set_help(dl, d, "run `trainlint %s` to see the problem in place", name);
        sb_free(&why);
        diag_list_free(&tmp);
        drop_ds(lf);
        free(real);
        free(name);
        return;
    }
    diag_list_free(&tmp);
    free(name);
    bool first_time = engine_mark_checked(eng, real) || o->recheck_ds;
    free(real);
    if (first_time) {
        /* it loads: its own findings (duplicate keys, ...) may show its lines */
        doc_free(&lf->ds_doc);
        doc_load(&lf->ds_doc, lf->ds_src, NULL, dl);
    }
    lf->has_ds = !lf->ds_doc.failed && doc_root(&lf->ds_doc);
    lf->ds_fmt = schema_find_format(&eng->ss, "deepspeed");
    if (lf->has_ds && first_time && lf->ds_fmt && schema_load_format(&eng->ss, lf->ds_fmt) == 0)
        validate_document(&eng->ss, lf->ds_fmt, NULL, doc_root(&lf->ds_doc), lf->ds_src, dl);
}

/* ---- the command that reads the file ---------------------------------- */

/* The comment lines among the file's first 80 lines, one per line, without
 * their '#': launch instructions ("tune run --nproc_per_node 8 ...") live
 * there. Kept in the lintfile's arena. */
static const char *file_header(lintfile *lf)
{
    if (lf->header)
        return lf->header;
    strbuf sb = {0};
    const char *p = lf->src->data, *end = p + (lf->src->len < 8192 ? lf->src->len : 8192);
    for (size_t ln = 1; p && p < end && ln <= 80; ln++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *stop = eol ? eol : end;
        const char *t = p;
        while (t < stop && (*t == ' ' || *t == '\t'))
            t++;
        if (t < stop && *t == '#') {
            sb_add(&sb, t + 1, (size_t)(stop - t - 1));
            sb_putc(&sb, '\n');
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    lf->header = arena_strndup(&lf->mem, sb.buf ? sb.buf : "", sb.len);
    sb_free(&sb);
    return lf->header;
}

/* A recipe named in a header comment, as torchtune's configs carry it
 * ("tune run --nproc_per_node 8 lora_finetune_distributed --config ..."):
 * the first comment line in the file's head that the format's pattern
 * matches. "recipes/x.py" and "x" name the same recipe. */
static const command_def *command_from_header(const format_def *f, const srcfile *src,
                                              size_t *line)
{
    const char *p = src->data, *end = src->data + (src->len < 8192 ? src->len : 8192);
    for (size_t ln = 1; p < end && ln <= 80; ln++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        size_t n = eol ? (size_t)(eol - p) : (size_t)(end - p);
        const char *t = p;
        while (t < p + n && (*t == ' ' || *t == '\t'))
            t++;
        if (t < p + n && *t == '#') {
            const char *cap = NULL;
            size_t caplen = 0;
            if (regex_match(f->command_header, t, (size_t)(p + n - t), &cap, &caplen) == 1 &&
                cap) {
                if (caplen > 8 && memcmp(cap, "recipes/", 8) == 0)
                    cap += 8, caplen -= 8;
                if (caplen > 3 && memcmp(cap + caplen - 3, ".py", 3) == 0)
                    caplen -= 3;
                const command_def *c = schema_find_command(f, cap, caplen);
                if (c) {
                    *line = ln;
                    return c;
                }
            }
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    return NULL;
}

/* --command (or the project's `command:`), then a header comment, then the
 * first command whose `when` holds over the file, then the default. */
static void select_command(engine *eng, lintfile *lf, const lint_opts *o, diag_list *dl)
{
    const format_def *f = lf->fmt;
    if (!f->ncommands)
        return;
    if (o->command) {
        lf->cmd = schema_find_command(f, o->command, strlen(o->command));
        if (lf->cmd) {
            lf->cmd_how = "--command";
            return;
        }
        const doc_node *root = doc_root(&lf->d);
        diag_add(dl, lf->src, "unknown-command", SEV_WARNING, root->start, root->start,
                 "%s has no command '%s' (see trainlint formats); the file is judged by what "
                 "it looks like instead",
                 f->title, o->command);
    }
    if (f->command_header && lf->src->data) {
        lf->cmd = command_from_header(f, lf->src, &lf->cmd_line);
        if (lf->cmd) {
            lf->cmd_how = "header comment";
            return;
        }
    }
    expr_env env;
    lint_env(lf, eng, &env, &lf->mem);
    const command_def *def = NULL;
    for (size_t i = 0; i < f->ncommands; i++) {
        const command_def *c = &f->commands[i];
        if (c->is_default)
            def = c;
        value w = c->when ? expr_eval(c->when, &env) : value_missing();
        if (c->when && value_truthy(&w)) {
            lf->cmd = c;
            lf->cmd_how = "keys";
            return;
        }
    }
    lf->cmd = def;
    lf->cmd_how = "default";
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

/* The document loader reports a key written twice as a warning (the last
 * value wins in PyYAML and Python's json); a loader that raises on it
 * (OmegaConf, DeepSpeed's reader) makes it an error, once the format is
 * known. A JSON file read by an OmegaConf format goes through json.loads. */
static void apply_duplicate_policy(const format_def *f, const srcfile *src, diag_list *dl,
                                   size_t first)
{
    if (!f->ld || !f->ld->duplicate_key_error || (src->is_json && f->typing != TYPING_JSON))
        return;
    for (size_t i = first; i < dl->n; i++) {
        diag *d = &dl->items[i];
        if (d->src != src || strcmp(d->rule, "duplicate-key") != 0)
            continue;
        d->sev = SEV_ERROR;
        const char *key = src->data + d->start;
        size_t klen = d->end - d->start;
        if (klen >= 2 && (key[0] == '"' || key[0] == '\'') && key[klen - 1] == key[0])
            key++, klen -= 2; /* a quoted key: name it without its quotes */
        char msg[400];
        snprintf(msg, sizeof msg,
                 "duplicate key '%.*s': %s raises on a key written twice, so the job does "
                 "not start",
                 (int)(klen > 200 ? 200 : klen), key, f->ld->title);
        d->message = diag_strdup(dl, msg);
    }
}

lintfile *lint_src(struct engine *eng, srcfile *src, const lint_opts *o, diag_list *dl)
{
    lintfile *lf = xcalloc(1, sizeof *lf);
    lf->src = src;
    lf->confidence = "none";
    project_roots_find(&lf->roots, src->path, o->project);
    doc_limits lim = doc_default_limits;
    if (o->limits.max_depth)
        lim.max_depth = o->limits.max_depth;
    if (o->limits.max_nodes)
        lim.max_nodes = o->limits.max_nodes;
    if (o->limits.max_expanded)
        lim.max_expanded = o->limits.max_expanded;
    size_t first_diag = dl->n;
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
    apply_duplicate_policy(lf->fmt, src, dl, first_diag);
    select_command(eng, lf, o, dl);
    validate_document(&eng->ss, lf->fmt, lf->cmd, root, src, dl);
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
    project_roots_free(&lf->roots);
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
