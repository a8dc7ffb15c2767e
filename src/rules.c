/*
 * rules.c - rule packs: loading with positions for every error, and
 * evaluation over one checked file. See rules.h and docs/rule-language.md.
 */
#include "rules.h"
#include "edit.h"
#include "embedded.h"
#include "engine.h"
#include "lint.h"
#include "ns.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const pack_fields[] = {"pack", "description", "rules", NULL};
static const char *const rule_fields[] = {"id",      "severity", "formats", "when",    "at",
                                          "message", "help",     "related", "fix",     "summary",
                                          "docs",    "tags",     "builtin", NULL};
static const char *const fix_fields[] = {"title", "safe", "when", "edits", NULL};
static const char *const edit_fields[] = {"set", "remove", "rename", "value", "to", NULL};
static const char *const related_fields[] = {"at", "message", NULL};

/* Byte offset in the rule file of offset `off` inside a scalar's text. */
static size_t text_pos(const datafile *df, const doc_node *n, size_t off)
{
    const char *data = df->src->data;
    if (n->style == STYLE_PLAIN || n->style == STYLE_SINGLE || n->style == STYLE_DOUBLE) {
        size_t p = n->start + (n->style == STYLE_PLAIN ? 0 : 1) + off;
        /* multi-line plain/quoted scalars fold lines: stay inside the node */
        return p < n->end ? p : n->start;
    }
    /* block scalars: find the line holding the offset, after indentation */
    size_t line = 0, col = off;
    for (size_t i = 0; i < off && i < n->len; i++)
        if (n->text[i] == '\n') {
            line++;
            col = off - i - 1;
        }
    size_t p = n->start;
    while (p < n->end && data[p] != '\n')
        p++; /* the "|" header line */
    for (size_t l = 0; l <= line && p < n->end; l++) {
        p++;
        if (l < line)
            while (p < n->end && data[p] != '\n')
                p++;
    }
    size_t ls = p;
    while (p < n->end && (data[p] == ' ' || data[p] == '\t'))
        p++;
    (void)ls;
    return p + col < n->end ? p + col : n->start;
}

static expr *compile_at(datactx *cx, const datafile *df, const doc_node *n, const char *what,
                        arena *a)
{
    const char *src = data_text(n);
    if (!src) {
        data_error(cx, df, n, "%s must be an expression string", what);
        return NULL;
    }
    expr_error err;
    expr *e = expr_compile(src, all_namespaces, NS_COUNT, a, &err);
    if (!e) {
        size_t p = text_pos(df, n, err.offset);
        /* an empty value at the end of the file: the range must not pass the end */
        size_t pe = p < df->src->len ? p + 1 : p;
        diag_add(cx->errs, df->src, "data-file", SEV_ERROR, p, pe, "%s: %s", what, err.msg);
    }
    return e;
}

static tmpl *compile_tmpl(datactx *cx, const datafile *df, const doc_node *n, const char *what,
                          arena *a)
{
    const char *src = data_text(n);
    if (!src) {
        data_error(cx, df, n, "%s must be a string", what);
        return NULL;
    }
    expr_error err;
    tmpl *t = tmpl_compile(src, all_namespaces, NS_COUNT, a, &err);
    if (!t) {
        size_t p = text_pos(df, n, err.offset);
        /* an empty value at the end of the file: the range must not pass the end */
        size_t pe = p < df->src->len ? p + 1 : p;
        diag_add(cx->errs, df->src, "data-file", SEV_ERROR, p, pe, "%s: %s", what, err.msg);
    }
    return t;
}

/* "cfg.a.b" / "ds.x" / "job.micro_batch" as an edit target. */
static bool parse_target(datactx *cx, const datafile *df, const doc_node *n, rule_edit *ed)
{
    const char *t = data_text(n);
    if (!t) {
        data_error(cx, df, n, "an edit target must be a string like cfg.key or job.field");
        return false;
    }
    if (str_starts(t, "cfg.") || str_starts(t, "ds.")) {
        ed->ns = t[0] == 'c' ? NS_CFG : NS_DS;
        ed->path = strchr(t, '.') + 1;
        return *ed->path != '\0';
    }
    if (str_starts(t, "job.")) {
        ed->ns = NS_JOB;
        ed->field = job_field_by_name(t + 4);
        ed->path = t + 4;
        if (ed->field < 0) {
            data_error(cx, df, n, "'%s' is not a job field", t + 4);
            return false;
        }
        return true;
    }
    data_error(cx, df, n, "edit target '%s' must start with cfg., ds. or job.", t);
    return false;
}

static int parse_fix(datactx *cx, const datafile *df, const doc_node *fn, rule_fix *out, arena *a)
{
    memset(out, 0, sizeof *out);
    if (!data_check_keys(cx, df, fn, fix_fields, "fix"))
        return -1;
    int rc = 0;
    const doc_node *title = doc_map_get(fn, "title");
    if (!title) {
        data_error(cx, df, fn, "a fix needs a title");
        return -1;
    }
    out->title = compile_tmpl(cx, df, title, "fix title", a);
    out->safe = data_bool(cx, df, fn, "safe", false);
    const doc_node *w = doc_map_get(fn, "when");
    if (w && !(out->when = compile_at(cx, df, w, "fix condition", a)))
        rc = -1;
    const doc_node *edits = doc_map_get(fn, "edits");
    if (!edits || edits->kind != DOC_SEQ || edits->n == 0) {
        data_error(cx, df, edits ? edits : fn, "a fix needs a non-empty list of edits");
        return -1;
    }
    out->edits = arena_zalloc(a, edits->n * sizeof *out->edits);
    for (size_t i = 0; i < edits->n; i++) {
        const doc_node *en = edits->u.items[i];
        if (!data_check_keys(cx, df, en, edit_fields, "edit")) {
            rc = -1;
            continue;
        }
        rule_edit *ed = &out->edits[out->nedits];
        const doc_node *set = doc_map_get(en, "set"), *rem = doc_map_get(en, "remove"),
                       *ren = doc_map_get(en, "rename");
        int kinds = !!set + !!rem + !!ren;
        if (kinds != 1) {
            data_error(cx, df, en, "an edit has exactly one of set, remove or rename");
            rc = -1;
            continue;
        }
        if (set) {
            ed->kind = EDIT_SET;
            if (!parse_target(cx, df, set, ed))
                rc = -1;
            const doc_node *v = doc_map_get(en, "value");
            if (!v) {
                data_error(cx, df, en, "a set edit needs a value");
                rc = -1;
                continue;
            }
            if (!(ed->value = compile_tmpl(cx, df, v, "edit value", a)))
                rc = -1;
        } else if (rem) {
            ed->kind = EDIT_REMOVE;
            if (!parse_target(cx, df, rem, ed))
                rc = -1;
        } else {
            ed->kind = EDIT_RENAME;
            if (!parse_target(cx, df, ren, ed))
                rc = -1;
            ed->to = data_str(cx, df, en, "to", NULL);
            if (!ed->to) {
                data_error(cx, df, en, "a rename edit needs 'to'");
                rc = -1;
            }
        }
        out->nedits++;
    }
    return rc;
}

static bool valid_id(const char *id)
{
    if (!*id)
        return false;
    for (const char *p = id; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

static void add_rule(ruleset *rs, rule *r)
{
    rule *old = strmap_get(&rs->byid, r->id, strlen(r->id));
    if (old) {
        /* a later pack overrides an earlier rule with the same id, in place */
        for (size_t i = 0; i < rs->n; i++)
            if (rs->rules[i] == old)
                rs->rules[i] = r;
    } else {
        rs->rules = xgrow(rs->rules, &rs->cap, rs->n + 1, sizeof *rs->rules);
        rs->rules[rs->n++] = r;
    }
    strmap_put(&rs->byid, r->id, strlen(r->id), r);
}

/* Compiles a rule up to a stage: RULE_WHEN (the condition) or RULE_FULL
 * (position, message, help, related positions, fixes). */
static int compile_rule(ruleset *rs, datactx *cx, rule *r, int upto)
{
    if (r->broken)
        return -1;
    arena *a = &rs->mem;
    const datafile *df = r->file;
    const doc_node *rn = r->def;
    int rc = 0;
    char what[160];
    if (r->stage < RULE_WHEN) {
        snprintf(what, sizeof what, "rule %s: condition", r->id);
        if (!(r->when = compile_at(cx, df, doc_map_get(rn, "when"), what, a)))
            rc = -1;
        r->stage = RULE_WHEN;
    }
    if (upto >= RULE_FULL && r->stage < RULE_FULL && rc == 0) {
        r->stage = RULE_FULL;
        snprintf(what, sizeof what, "rule %s: message", r->id);
        if (!(r->message = compile_tmpl(cx, df, doc_map_get(rn, "message"), what, a)))
            rc = -1;
        const doc_node *at = doc_map_get(rn, "at");
        snprintf(what, sizeof what, "rule %s: position", r->id);
        if (at && !(r->at = compile_at(cx, df, at, what, a)))
            rc = -1;
        const doc_node *help = doc_map_get(rn, "help");
        snprintf(what, sizeof what, "rule %s: help", r->id);
        if (help && !(r->help = compile_tmpl(cx, df, help, what, a)))
            rc = -1;
        const doc_node *rel = doc_map_get(rn, "related");
        if (rel) {
            if (rel->kind != DOC_SEQ) {
                data_error(cx, df, rel, "related must be a list of {at, message}");
                rc = -1;
            } else {
                r->related = arena_zalloc(a, (rel->n ? rel->n : 1) * sizeof *r->related);
                for (size_t i = 0; i < rel->n; i++) {
                    const doc_node *rr = rel->u.items[i];
                    if (!data_check_keys(cx, df, rr, related_fields, "related")) {
                        rc = -1;
                        continue;
                    }
                    rule_related *x = &r->related[r->nrelated++];
                    const doc_node *ra = doc_map_get(rr, "at"), *rm = doc_map_get(rr, "message");
                    if (!ra || !rm) {
                        data_error(cx, df, rr, "related entries need at and message");
                        rc = -1;
                        continue;
                    }
                    x->at = compile_at(cx, df, ra, "related position", a);
                    x->message = compile_tmpl(cx, df, rm, "related message", a);
                    if (!x->at || !x->message)
                        rc = -1;
                }
            }
        }
        const doc_node *fx = doc_map_get(rn, "fix");
        r->nfixes = 0;
        if (fx) {
            size_t n = fx->kind == DOC_SEQ ? fx->n : 1;
            r->fixes = arena_zalloc(a, n * sizeof *r->fixes);
            for (size_t i = 0; i < n; i++) {
                const doc_node *one = fx->kind == DOC_SEQ ? fx->u.items[i] : fx;
                if (parse_fix(cx, df, one, &r->fixes[r->nfixes], a) != 0)
                    rc = -1;
                else
                    r->nfixes++;
            }
        }
    }
    if (rc != 0)
        r->broken = true;
    return rc;
}

int rules_compile(ruleset *rs, rule *r)
{
    if (r->builtin)
        return 0;
    regex_trust_builtin(true);
    int rc = compile_rule(rs, rs->cx, r, RULE_FULL);
    regex_trust_builtin(false);
    return rc;
}

static int parse_rule(ruleset *rs, datactx *cx, const datafile *df, const char *pack,
                      const doc_node *rn, strmap *seen)
{
    arena *a = &rs->mem;
    if (!data_check_keys(cx, df, rn, rule_fields, "rule"))
        return -1;
    rule *r = arena_zalloc(a, sizeof *r);
    r->file = df;
    r->def = rn;
    r->pack = pack;
    r->id = data_str(cx, df, rn, "id", NULL);
    if (!r->id || !valid_id(r->id)) {
        data_error(cx, df, doc_map_get(rn, "id") ? doc_map_get(rn, "id") : rn,
                   "a rule needs an id of lower-case letters, digits and dashes");
        return -1;
    }
    if (strmap_get(seen, r->id, strlen(r->id))) {
        data_error(cx, df, doc_map_get(rn, "id"), "rule id '%s' appears twice in this pack", r->id);
        return -1;
    }
    strmap_put(seen, r->id, strlen(r->id), r);
    int rc = 0;
    const char *sev = data_str(cx, df, rn, "severity", NULL);
    int s = sev ? severity_parse(sev) : -1;
    if (s <= 0) {
        data_error(cx, df, doc_map_get(rn, "severity") ? doc_map_get(rn, "severity") : rn,
                   "rule %s: severity must be error, warning or info", r->id);
        rc = -1;
    } else {
        r->sev = (severity)s;
    }
    r->builtin = data_bool(cx, df, rn, "builtin", false);
    r->formats = data_strlist(cx, df, rn, "formats", &r->nformats);
    r->tags = data_strlist(cx, df, rn, "tags", &r->ntags);
    r->summary = data_str(cx, df, rn, "summary", NULL);
    r->docs = data_str(cx, df, rn, "docs", NULL);
    if (!r->summary) {
        data_error(cx, df, rn, "rule %s needs a one-line summary", r->id);
        rc = -1;
    }
    if (!r->docs) {
        data_error(cx, df, rn, "rule %s needs docs", r->id);
        rc = -1;
    }
    const doc_node *when = doc_map_get(rn, "when"), *msg = doc_map_get(rn, "message");
    if (!r->builtin) {
        if (!when || !msg) {
            data_error(cx, df, rn, "rule %s needs 'when' and 'message' (or 'builtin: true')",
                       r->id);
            return -1;
        }
        const doc_node *fx = doc_map_get(rn, "fix");
        r->nfixes = fx ? (fx->kind == DOC_SEQ ? fx->n : 1) : 0;
        r->stage = RULE_DECLARED;
        if (!rs->lazy) {
            /* a user pack: everything is compiled now, so errors stop the run */
            if (compile_rule(rs, cx, r, RULE_FULL) != 0)
                rc = -1;
        }
    } else if (when || msg) {
        data_error(cx, df, rn, "builtin rule %s is implemented in trainlint itself: no when/message",
                   r->id);
        rc = -1;
    }
    if (rc == 0)
        add_rule(rs, r);
    return rc;
}

int rules_load_file(ruleset *rs, datactx *cx, datafile *df)
{
    const doc_node *root = doc_root(&df->d);
    if (!root) /* an empty pack */
        return 0;
    if (!data_check_keys(cx, df, root, pack_fields, "rule pack"))
        return -1;
    const char *pack = data_str(cx, df, root, "pack", NULL);
    if (!pack) {
        data_error(cx, df, root, "a rule pack needs a 'pack' name");
        return -1;
    }
    const doc_node *list = doc_map_get(root, "rules");
    if (!list || list->kind != DOC_SEQ) {
        data_error(cx, df, list ? list : root, "'rules' must be a list");
        return -1;
    }
    strmap seen = {0};
    int rc = 0;
    for (size_t i = 0; i < list->n; i++)
        if (parse_rule(rs, cx, df, pack, list->u.items[i], &seen) != 0)
            rc = -1;
    strmap_free(&seen);
    return rc;
}

int rules_load_builtin(ruleset *rs, datactx *cx)
{
    int rc = 0;
    rs->cx = cx;
    rs->lazy = true; /* checked in full when the binary was built (tools/snapshot.c) */
    for (size_t i = 0; i < embedded_count; i++) {
        const char *p = embedded_files[i].path;
        if (!str_starts(p, "rules/") || strchr(p + 6, '/') || !str_ends(p, ".yaml"))
            continue;
        datafile *df = data_open_embedded(cx, p);
        if (!df || rules_load_file(rs, cx, df) != 0)
            rc = -1;
    }
    rs->lazy = false;
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int rules_load_dir(ruleset *rs, datactx *cx, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        srcfile *dummy = src_from_bytes(dir, "", 0);
        datafile *f = xcalloc(1, sizeof *f);
        f->src = dummy;
        f->next = cx->files;
        cx->files = f;
        diag_add(cx->errs, dummy, "data-file", SEV_ERROR, 0, 0, "cannot open rule directory");
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && (str_ends(e->d_name, ".yaml") || str_ends(e->d_name, ".yml"))) {
            names = xgrow(names, &cap, n + 1, sizeof *names);
            names[n++] = xstrdup(e->d_name);
        }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char *path = xasprintf("%s/%s", dir, names[i]);
        datafile *df = data_open_path(cx, path, false);
        if (!df || rules_load_file(rs, cx, df) != 0)
            rc = -1;
        free(path);
        free(names[i]);
    }
    free(names);
    return rc;
}

void rules_free(ruleset *rs)
{
    free(rs->rules);
    strmap_free(&rs->byid);
    arena_free(&rs->mem);
    memset(rs, 0, sizeof *rs);
}

rule *rules_find(const ruleset *rs, const char *id)
{
    return strmap_get(&rs->byid, id, strlen(id));
}

bool rule_applies_to(const rule *r, const char *format)
{
    if (!r->formats)
        return true;
    if (!format)
        return false;
    for (size_t i = 0; i < r->nformats; i++)
        if (strcmp(r->formats[i], format) == 0)
            return true;
    return false;
}

/* ---- evaluation ---------------------------------------------------------- */

/* The position a value points at: its key when it has one (the line a user
 * looks at), else the value. */
static bool value_range(const lintfile *lf, const value *v, const srcfile **src, size_t *s,
                        size_t *e)
{
    if (!v->origin)
        return false;
    *src = v->origin_doc == &lf->ds_doc && lf->ds_src ? lf->ds_src : lf->src;
    if (v->origin_key) {
        *s = v->origin_key->start;
        *e = v->origin_key->end;
    } else {
        *s = v->origin->start;
        *e = v->origin->kind == DOC_SCALAR ? v->origin->end : v->origin->start + 1;
    }
    return true;
}

static doc_pair *pair_by_key(const doc_node *n, const doc_node *key, int depth)
{
    if (!n || depth > 32)
        return NULL;
    if (n->kind == DOC_MAP) {
        for (size_t i = 0; i < n->nexplicit; i++)
            if (n->u.pairs[i].key == key)
                return &n->u.pairs[i];
        for (size_t i = 0; i < n->nexplicit; i++) {
            doc_pair *p = pair_by_key(n->u.pairs[i].value, key, depth + 1);
            if (p)
                return p;
        }
    } else if (n->kind == DOC_SEQ) {
        for (size_t i = 0; i < n->n; i++) {
            doc_pair *p = pair_by_key(n->u.items[i], key, depth + 1);
            if (p)
                return p;
        }
    }
    return NULL;
}

/* The mapping that holds pair p (under n), or NULL. */
static const doc_node *map_of_pair(const doc_node *n, const doc_pair *p, int depth)
{
    if (!n || depth > 32)
        return NULL;
    if (n->kind == DOC_MAP) {
        for (size_t i = 0; i < n->nexplicit; i++)
            if (&n->u.pairs[i] == p)
                return n;
        for (size_t i = 0; i < n->nexplicit; i++) {
            const doc_node *m = map_of_pair(n->u.pairs[i].value, p, depth + 1);
            if (m)
                return m;
        }
    } else if (n->kind == DOC_SEQ) {
        for (size_t i = 0; i < n->n; i++) {
            const doc_node *m = map_of_pair(n->u.items[i], p, depth + 1);
            if (m)
                return m;
        }
    }
    return NULL;
}

/* Whether the mapping holding p already has a key named to (a rename onto it
 * would leave a duplicate key). */
static bool sibling_exists(const doc_node *root, const doc_pair *p, const char *to)
{
    const doc_node *map = map_of_pair(root, p, 0);
    size_t tl = strlen(to);
    for (size_t i = 0; map && i < map->n; i++) {
        const doc_node *k = map->u.pairs[i].key;
        if (k->kind == DOC_SCALAR && k->len == tl && memcmp(k->text, to, tl) == 0)
            return true;
    }
    return false;
}

static bool edit_pair(lintfile *lf, const srcfile *src, const doc_node *root, doc_pair *p,
                      const rule_edit *ed, const char *value_text, diag_list *dl, fix *f)
{
    (void)lf;
    switch (ed->kind) {
    case EDIT_SET:
        edit_replace_node(dl, f, src, p->value, value_text);
        return true;
    case EDIT_REMOVE:
        edit_remove_pair(dl, f, src, root, p);
        return true;
    case EDIT_RENAME:
        if (sibling_exists(root, p, ed->to))
            return false;
        edit_rename_key(dl, f, src, p->key, ed->to);
        return true;
    }
    return false;
}

bool rules_make_edit(lintfile *lf, const rule_edit *ed, const char *value_text, diag_list *dl,
                     fix *f)
{
    const srcfile *src = lf->src;
    const doc_node *root = doc_root(&lf->d);
    const char *path = ed->path;
    if (ed->ns == NS_DS) {
        if (!lf->has_ds)
            return false;
        src = lf->ds_src;
        root = doc_root(&lf->ds_doc);
    } else if (ed->ns == NS_JOB) {
        /* the key this file uses for the field: where its value came from,
         * else the first key the format maps to the field */
        const value *v = &lf->job.f[ed->field];
        if (v->origin_key && v->origin_doc == &lf->d) {
            doc_pair *p = pair_by_key(root, v->origin_key, 0);
            if (p)
                return edit_pair(lf, src, root, p, ed, value_text, dl, f);
        }
        path = NULL;
        if (lf->fmt)
            for (size_t i = 0; i < lf->fmt->njob && !path; i++)
                if (lf->fmt->job[i].field == (job_field)ed->field)
                    path = expr_first_path(lf->fmt->job[i].e, NS_CFG);
        if (!path)
            return false;
    }
    if (!root)
        return false;
    if (ed->kind == EDIT_SET)
        return edit_set_path(dl, f, src, root, path, value_text);
    doc_pair *pp = NULL;
    doc_node *n = doc_path(root, path, &pp);
    if (!n || !pp || pp->merged)
        return false;
    return edit_pair(lf, src, root, pp, ed, value_text, dl, f);
}

static void add_fixes(const rule *r, lintfile *lf, const expr_env *env, diag_list *dl, diag *d)
{
    for (size_t i = 0; i < r->nfixes; i++) {
        const rule_fix *rf = &r->fixes[i];
        if (rf->when) {
            value w = expr_eval(rf->when, env);
            if (!value_truthy(&w))
                continue;
        }
        strbuf title = {0};
        tmpl_render(rf->title, env, &title);
        /* build into a scratch fix; keep it only if every edit applies */
        fix *f = diag_add_fix(dl, d, rf->safe, "%s", title.buf ? title.buf : "");
        sb_free(&title);
        bool ok = true;
        for (size_t k = 0; k < rf->nedits && ok; k++) {
            strbuf val = {0};
            if (rf->edits[k].value)
                tmpl_render(rf->edits[k].value, env, &val);
            ok = rules_make_edit(lf, &rf->edits[k], val.buf ? val.buf : "", dl, f);
            sb_free(&val);
        }
        if (!ok || f->nedits == 0)
            d->nfixes--; /* drop the fix that could not be expressed as edits */
    }
}

void rules_eval(const ruleset *rs, struct engine *eng, lintfile *lf, const strmap *overrides,
                diag_list *dl)
{
    if (!lf->fmt || !lf->loaded)
        return;
    arena scratch = {0};
    expr_env env;
    lint_env(lf, eng, &env, &scratch);
    for (size_t i = 0; i < rs->n; i++) {
        const rule *r = rs->rules[i];
        if (r->builtin || !rule_applies_to(r, lf->fmt->name))
            continue;
        severity sev = r->sev;
        if (overrides) {
            void *o = strmap_get(overrides, r->id, strlen(r->id));
            if (o)
                sev = (severity)((intptr_t)o - 1);
        }
        if (sev == SEV_OFF)
            continue;
        rule *mr = rs->rules[i];
        if (mr->stage < RULE_WHEN) {
            regex_trust_builtin(true);
            compile_rule((ruleset *)rs, rs->cx, mr, RULE_WHEN);
            regex_trust_builtin(false);
        }
        if (mr->broken)
            continue;
        value w = expr_eval(r->when, &env);
        if (value_truthy(&w) && mr->stage < RULE_FULL) {
            regex_trust_builtin(true);
            compile_rule((ruleset *)rs, rs->cx, mr, RULE_FULL);
            regex_trust_builtin(false);
            if (mr->broken)
                continue;
        }
        if (value_truthy(&w)) {
            const srcfile *src = lf->src;
            size_t s = 0, e = 0;
            bool placed = false;
            if (r->at) {
                value at = expr_eval(r->at, &env);
                placed = value_range(lf, &at, &src, &s, &e);
            }
            if (!placed)
                placed = value_range(lf, &w, &src, &s, &e);
            if (!placed) {
                const doc_node *root = doc_root(&lf->d);
                s = root ? root->start : 0;
                e = s;
                src = lf->src;
            }
            strbuf msg = {0};
            tmpl_render(r->message, &env, &msg);
            diag *d = diag_add(dl, src, r->id, sev, s, e, "%s", msg.buf ? msg.buf : "");
            sb_free(&msg);
            if (d && r->help) {
                strbuf h = {0};
                tmpl_render(r->help, &env, &h);
                diag_set_help(dl, d, "%s", h.buf ? h.buf : "");
                sb_free(&h);
            }
            for (size_t k = 0; d && k < r->nrelated; k++) {
                value at = expr_eval(r->related[k].at, &env);
                const srcfile *rs2;
                size_t rs0, re0;
                if (!value_range(lf, &at, &rs2, &rs0, &re0))
                    continue;
                strbuf m = {0};
                tmpl_render(r->related[k].message, &env, &m);
                diag_add_related(dl, d, rs2, rs0, re0, "%s", m.buf ? m.buf : "");
                sb_free(&m);
            }
            if (d)
                add_fixes(r, lf, &env, dl, d);
        }
        arena_free(&scratch);
    }
    arena_free(&scratch);
}
