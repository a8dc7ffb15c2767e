/*
 * schema.c - loads the format registry and the per-format key schemas from
 * the data files. See schema.h and docs/data-formats.md.
 */
#include "schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const loader_fields[] = {"name", "title", "typing", "coerce",
                                            "duplicate_keys", "doc", NULL};
static const char *const typing_names[] = {[TYPING_YAML11] = "yaml11",
                                           [TYPING_OMEGACONF] = "omegaconf",
                                           [TYPING_YAML12] = "yaml12",
                                           [TYPING_JSON] = "json"};
static const char *const coerce_names[] = {[COERCE_NONE] = "none", [COERCE_STRINGS] = "strings",
                                           [COERCE_LAX] = "lax"};

/* Index of `s` in names[0..n), or -1. */
static int name_index(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; s && i < n; i++)
        if (names[i] && strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

static int parse_loaders(schema_set *ss, datafile *df, const doc_node *list)
{
    datactx *cx = ss->cx;
    if (!list || list->kind != DOC_SEQ) {
        data_error(cx, df, list ? list : doc_root(&df->d), "'loaders' must be a list");
        return -1;
    }
    ss->loaders = arena_zalloc(&ss->mem, (list->n ? list->n : 1) * sizeof *ss->loaders);
    int rc = 0;
    for (size_t i = 0; i < list->n; i++) {
        const doc_node *lm = list->u.items[i];
        if (!data_check_keys(cx, df, lm, loader_fields, "loader")) {
            rc = -1;
            continue;
        }
        loader_def *l = &ss->loaders[ss->nloaders++];
        l->name = data_str(cx, df, lm, "name", NULL);
        l->title = data_str(cx, df, lm, "title", l->name);
        const char *ty = data_str(cx, df, lm, "typing", NULL);
        const char *co = data_str(cx, df, lm, "coerce", "none");
        const char *dup = data_str(cx, df, lm, "duplicate_keys", "last");
        int t = name_index(ty, typing_names, ARRAY_LEN(typing_names));
        int c = name_index(co, coerce_names, ARRAY_LEN(coerce_names));
        if (!l->name || t < 0 || c < 0) {
            data_error(cx, df, lm, "a loader needs a name, a typing (yaml11, omegaconf, yaml12, "
                                   "json) and a coerce (none, strings, lax)");
            rc = -1;
            continue;
        }
        l->typing = (doc_typing)t;
        l->coerce = (coercion)c;
        if (strcmp(dup, "error") == 0) {
            l->duplicate_key_error = true;
        } else if (strcmp(dup, "last") != 0) {
            data_error(cx, df, doc_map_get(lm, "duplicate_keys"),
                       "duplicate_keys is 'last' (the last value wins) or 'error'");
            rc = -1;
        }
    }
    return rc;
}

const loader_def *schema_find_loader(const schema_set *ss, const char *name)
{
    for (size_t i = 0; name && i < ss->nloaders; i++)
        if (strcmp(ss->loaders[i].name, name) == 0)
            return &ss->loaders[i];
    return NULL;
}

static const char *const format_fields[] = {"name",   "title", "schema", "loader",  "extends",
                                            "detect", "job",   "setters", NULL};
static const char *const setter_fields[] = {"key", "map", NULL};
static const char *const detect_fields[] = {"strong", "support", "anti", "minimal", NULL};
static const char *const schema_top_fields[] = {"format", "inherits", "unknown_keys",
                                                "unknown_keys_unmatched", "command_header",
                                                "commands", "keys", NULL};
static const char *const command_fields[] = {"name",     "title",   "mode", "when",
                                             "required", "aliases", "default", "doc", NULL};
static const char *const key_fields[] = {
    "type",    "enum",       "min",        "max",        "exclusive_min", "exclusive_max",
    "pattern", "default",    "required",   "doc",        "renamed_to",    "removed",
    "deprecated", "replacement", "note",   "keys",       "unknown_keys",  "items",
    "plugin",  "since",      "commands", NULL};

static int parse_job_map(schema_set *ss, datafile *df, format_def *f, const doc_node *jm)
{
    if (!jm)
        return 0;
    if (jm->kind != DOC_MAP) {
        data_error(ss->cx, df, jm, "'job' must be a mapping of job fields to expressions");
        return -1;
    }
    f->job = arena_zalloc(&ss->mem, (jm->n ? jm->n : 1) * sizeof *f->job);
    int rc = 0;
    for (size_t i = 0; i < jm->n; i++) {
        const doc_node *k = jm->u.pairs[i].key, *v = jm->u.pairs[i].value;
        const char *name = data_text(k);
        int fld = name ? job_field_by_name(name) : -1;
        if (fld < 0) {
            data_error(ss->cx, df, k, "'%s' is not a job field (see src/job.h)",
                       name ? name : "?");
            rc = -1;
            continue;
        }
        const char *src = data_text(v);
        if (!src) {
            data_error(ss->cx, df, v, "job field '%s' needs an expression string", name);
            rc = -1;
            continue;
        }
        expr_error err;
        expr *e = expr_compile(src, all_namespaces, NS_MAP_COUNT, &ss->mem, &err);
        if (!e) {
            /* point into the scalar when it is a plain or quoted one-liner */
            size_t off = v->start + (v->style == STYLE_PLAIN ? 0 : 1) + err.offset;
            if (off > v->end)
                off = v->start;
            diag_add(ss->cx->errs, df->src, "data-file", SEV_ERROR, off, off + 1,
                     "job field '%s': %s", name, err.msg);
            rc = -1;
            continue;
        }
        job_map *m = &f->job[f->njob++];
        m->field = (job_field)fld;
        m->e = e;
        m->src = src;
        m->def = v;
    }
    return rc;
}

int schema_set_load(schema_set *ss, datactx *cx)
{
    memset(ss, 0, sizeof *ss);
    ss->cx = cx;
    datafile *df = data_open_embedded(cx, "schemas/formats.yaml");
    if (!df)
        return -1;
    const doc_node *root = doc_root(&df->d);
    if (!data_check_keys(cx, df, root, (const char *const[]){"loaders", "formats", NULL},
                         "formats.yaml"))
        return -1;
    if (parse_loaders(ss, df, doc_map_get(root, "loaders")) != 0)
        return -1;
    const doc_node *list = doc_map_get(root, "formats");
    if (!list || list->kind != DOC_SEQ) {
        data_error(cx, df, root, "'formats' must be a list");
        return -1;
    }
    ss->formats = arena_zalloc(&ss->mem, (list->n ? list->n : 1) * sizeof *ss->formats);
    int rc = 0;
    for (size_t i = 0; i < list->n; i++) {
        const doc_node *fm = list->u.items[i];
        if (!data_check_keys(cx, df, fm, format_fields, "format")) {
            rc = -1;
            continue;
        }
        format_def *f = &ss->formats[ss->n++];
        f->name = data_str(cx, df, fm, "name", NULL);
        f->title = data_str(cx, df, fm, "title", f->name);
        f->schema_file = data_str(cx, df, fm, "schema", NULL);
        f->loader = data_str(cx, df, fm, "loader", "pyyaml");
        f->extends = data_str(cx, df, fm, "extends", NULL);
        if (!f->name) {
            data_error(cx, df, fm, "format needs a name");
            rc = -1;
            continue;
        }
        f->ld = schema_find_loader(ss, f->loader);
        if (f->ld) {
            f->typing = f->ld->typing;
            f->coerce = f->ld->coerce;
        } else {
            data_error(cx, df, doc_map_get(fm, "loader"), "unknown loader '%s'", f->loader);
            rc = -1;
        }
        const doc_node *det = doc_map_get(fm, "detect");
        if (det) {
            if (!data_check_keys(cx, df, det, detect_fields, "detect"))
                rc = -1;
            f->strong = data_strlist(cx, df, det, "strong", &f->nstrong);
            f->support = data_strlist(cx, df, det, "support", &f->nsupport);
            f->anti = data_strlist(cx, df, det, "anti", &f->nanti);
            f->minimal = data_strlist(cx, df, det, "minimal", &f->nminimal);
        }
        if (parse_job_map(ss, df, f, doc_map_get(fm, "job")) != 0)
            rc = -1;
        const doc_node *st = doc_map_get(fm, "setters");
        if (st) {
            if (st->kind != DOC_MAP) {
                data_error(cx, df, st, "setters map job fields to lists of {key, map}");
                rc = -1;
                continue;
            }
            size_t total = 0;
            for (size_t k = 0; k < st->n; k++)
                total += st->u.pairs[k].value->kind == DOC_SEQ ? st->u.pairs[k].value->n : 1;
            f->setters = arena_zalloc(&ss->mem, (total ? total : 1) * sizeof *f->setters);
            for (size_t k = 0; k < st->n; k++) {
                const char *fname = data_text(st->u.pairs[k].key);
                int fld = fname ? job_field_by_name(fname) : -1;
                const doc_node *edits = st->u.pairs[k].value;
                if (fld < 0 || edits->kind != DOC_SEQ) {
                    data_error(cx, df, st->u.pairs[k].key,
                               "setter '%s': a job field with a list of {key, map}",
                               fname ? fname : "?");
                    rc = -1;
                    continue;
                }
                for (size_t e = 0; e < edits->n; e++) {
                    const doc_node *it = edits->u.items[e];
                    if (!data_check_keys(cx, df, it, setter_fields, "setter")) {
                        rc = -1;
                        continue;
                    }
                    job_setter *js = &f->setters[f->nsetters++];
                    js->field = (job_field)fld;
                    js->key = data_str(cx, df, it, "key", NULL);
                    js->map = doc_map_get(it, "map");
                    if (!js->key || (js->map && js->map->kind != DOC_MAP)) {
                        data_error(cx, df, it, "a setter needs a key (and map as a mapping)");
                        rc = -1;
                    }
                }
            }
        }
    }
    return rc;
}

void schema_set_free(schema_set *ss)
{
    for (size_t i = 0; i < ss->nmaps; i++) {
        strmap_free(&ss->maps[i]->keys);
        free(ss->maps[i]->order);
    }
    free(ss->maps);
    arena_free(&ss->mem);
    memset(ss, 0, sizeof *ss);
}

format_def *schema_find_format(schema_set *ss, const char *name)
{
    for (size_t i = 0; i < ss->n; i++)
        if (strcmp(ss->formats[i].name, name) == 0)
            return &ss->formats[i];
    return NULL;
}

key_schema *schema_key(const map_schema *m, const char *name, size_t len)
{
    return m ? strmap_get(&m->keys, name, len) : NULL;
}

/* ---- key schemas ------------------------------------------------------- */

static const struct {
    const char *name;
    unsigned bits;
} type_names[] = {
    {"bool", TY_BOOL},  {"int", TY_INT},   {"float", TY_FLOAT}, {"number", TY_INT | TY_FLOAT},
    {"str", TY_STR},    {"list", TY_LIST}, {"map", TY_MAP},     {"null", TY_NULL},
    {"any", TY_ANY},
};

static unsigned parse_one_type(schema_set *ss, const datafile *df, const doc_node *n)
{
    const char *t = data_text(n);
    if (t)
        for (size_t i = 0; i < ARRAY_LEN(type_names); i++)
            if (strcmp(type_names[i].name, t) == 0)
                return type_names[i].bits;
    data_error(ss->cx, df, n,
               "unknown type '%s' (bool, int, float, number, str, list, map, null, any)",
               t ? t : "?");
    return TY_ANY;
}

static unsigned parse_types(schema_set *ss, const datafile *df, const doc_node *n)
{
    if (!n)
        return 0;
    if (n->kind == DOC_SEQ) {
        unsigned bits = 0;
        for (size_t i = 0; i < n->n; i++)
            bits |= parse_one_type(ss, df, n->u.items[i]);
        return bits;
    }
    return parse_one_type(ss, df, n);
}

static map_schema *new_map_schema(schema_set *ss)
{
    map_schema *m = arena_zalloc(&ss->mem, sizeof *m);
    m->unknown = SEV_OFF;
    return m;
}

static void map_add(map_schema *m, key_schema *k)
{
    strmap_put(&m->keys, k->name, strlen(k->name), k);
    m->order = xgrow(m->order, &m->cap, m->n + 1, sizeof *m->order);
    m->order[m->n++] = k;
}

static map_schema *track(schema_set *ss, map_schema *m)
{
    ss->maps = xgrow(ss->maps, &ss->capmaps, ss->nmaps + 1, sizeof *ss->maps);
    ss->maps[ss->nmaps++] = m;
    return m;
}

static severity parse_unknown(schema_set *ss, const datafile *df, const doc_node *map,
                              severity fallback)
{
    const char *u = data_str(ss->cx, df, map, "unknown_keys", NULL);
    if (!u)
        return fallback;
    if (strcmp(u, "ignore") == 0)
        return SEV_OFF;
    int s = severity_parse(u);
    if (s < 0) {
        data_error(ss->cx, df, doc_map_get(map, "unknown_keys"),
                   "unknown_keys must be error, warning, info or ignore");
        return fallback;
    }
    return (severity)s;
}

static int parse_keys(schema_set *ss, const datafile *df, const char *format,
                      const doc_node *keys, map_schema *into, int depth);

/* A key definition's fields, in one pass over its pairs (every schema key of
 * a format goes through here when the format is first used). */
static key_schema *parse_key(schema_set *ss, const datafile *df, const char *format,
                             const char *name, const doc_node *def, int depth, int *rc)
{
    key_schema *k = arena_zalloc(&ss->mem, sizeof *k);
    k->name = name;
    k->format = format;
    k->file = df;
    k->def = def;
    if (def->kind != DOC_MAP) {
        data_error(ss->cx, df, def, "key '%s': the definition must be a mapping", name);
        *rc = -1;
        return k;
    }
    if (!data_check_keys(ss->cx, df, def, key_fields, name))
        *rc = -1;
    const doc_node *nested = NULL, *items = NULL, *pattern = NULL;
    bool unknown_keys = false;
    for (size_t i = 0; i < def->n; i++) {
        const char *f = data_text(def->u.pairs[i].key);
        const doc_node *v = def->u.pairs[i].value;
        if (!f)
            continue;
#define FIELD(s) (strcmp(f, s) == 0)
#define TEXT(s, dst) else if (FIELD(s)) dst = data_str(ss->cx, df, def, s, NULL)
        if (FIELD("type")) {
            k->types = parse_types(ss, df, v);
            if (k->types & TY_ANY)
                k->types = 0;
        } else if (FIELD("enum")) {
            if (v->kind != DOC_SEQ) {
                data_error(ss->cx, df, v, "key '%s': enum must be a list", name);
                *rc = -1;
            } else {
                k->enum_vals = v;
            }
        } else if (FIELD("min") || FIELD("exclusive_min")) {
            k->has_min = true;
            k->min_excl = k->min_excl || f[0] == 'e';
            k->min = data_num(ss->cx, df, def, f, 0);
        } else if (FIELD("max") || FIELD("exclusive_max")) {
            k->has_max = true;
            k->max_excl = k->max_excl || f[0] == 'e';
            k->max = data_num(ss->cx, df, def, f, 0);
        } else if (FIELD("pattern")) {
            pattern = v;
            k->pattern = data_str(ss->cx, df, def, f, NULL);
        } else if (FIELD("default")) {
            k->default_val = v;
        } else if (FIELD("required")) {
            k->required = data_bool(ss->cx, df, def, f, false);
        }
        TEXT("doc", k->doc);
        TEXT("renamed_to", k->renamed_to);
        TEXT("removed", k->removed);
        TEXT("deprecated", k->deprecated);
        TEXT("replacement", k->replacement);
        TEXT("note", k->note);
        TEXT("plugin", k->plugin);
        TEXT("since", k->since);
        else if (FIELD("commands"))
            k->commands = data_strlist(ss->cx, df, def, f, &k->ncommands);
        else if (FIELD("keys"))
            nested = v;
        else if (FIELD("unknown_keys"))
            unknown_keys = true;
        else if (FIELD("items"))
            items = v;
#undef TEXT
#undef FIELD
    }
    if (k->pattern) {
        char buf[200];
        if (regex_check(k->pattern, buf, sizeof buf)) {
            data_error(ss->cx, df, pattern, "key '%s': bad pattern: %s", name, buf);
            *rc = -1;
            k->pattern = NULL;
        }
    }
    if (nested || unknown_keys) {
        k->keys = track(ss, new_map_schema(ss));
        k->keys->unknown = parse_unknown(ss, df, def, SEV_OFF);
        k->keys->unknown_unmatched = k->keys->unknown;
        if (nested && parse_keys(ss, df, format, nested, k->keys, depth + 1) != 0)
            *rc = -1;
    }
    if (items)
        k->items = parse_key(ss, df, format, "(item)", items, depth + 1, rc);
    return k;
}

static int parse_keys(schema_set *ss, const datafile *df, const char *format,
                      const doc_node *keys, map_schema *into, int depth)
{
    if (depth > 16) {
        data_error(ss->cx, df, keys, "schema nested too deeply");
        return -1;
    }
    if (!keys || keys->kind != DOC_MAP) {
        data_error(ss->cx, df, keys, "'keys' must be a mapping");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < keys->n; i++) {
        const char *name = data_text(keys->u.pairs[i].key);
        if (!name) {
            data_error(ss->cx, df, keys->u.pairs[i].key, "key names must be strings");
            rc = -1;
            continue;
        }
        key_schema *k = parse_key(ss, df, format, name, keys->u.pairs[i].value, depth, &rc);
        map_add(into, k);
    }
    return rc;
}

static bool path_exists(const map_schema *m, const char *path)
{
    const char *dot = strchr(path, '.');
    size_t n = dot ? (size_t)(dot - path) : strlen(path);
    key_schema *k = schema_key(m, path, n);
    if (!k)
        return false;
    return dot ? (k->keys && path_exists(k->keys, dot + 1)) : true;
}

static int parse_commands(schema_set *ss, const datafile *df, format_def *f,
                          const doc_node *list)
{
    if (list->kind != DOC_SEQ) {
        data_error(ss->cx, df, list, "'commands' must be a list");
        return -1;
    }
    f->commands = arena_zalloc(&ss->mem, (list->n ? list->n : 1) * sizeof *f->commands);
    int rc = 0;
    size_t ndefault = 0;
    for (size_t i = 0; i < list->n; i++) {
        const doc_node *cm = list->u.items[i];
        if (!data_check_keys(ss->cx, df, cm, command_fields, "command")) {
            rc = -1;
            continue;
        }
        command_def *c = &f->commands[f->ncommands++];
        c->name = data_str(ss->cx, df, cm, "name", NULL);
        c->title = data_str(ss->cx, df, cm, "title", c->name);
        c->mode = data_str(ss->cx, df, cm, "mode", "train");
        c->required = data_strlist(ss->cx, df, cm, "required", &c->nrequired);
        c->aliases = data_strlist(ss->cx, df, cm, "aliases", &c->naliases);
        c->is_default = data_bool(ss->cx, df, cm, "default", false);
        ndefault += c->is_default;
        if (!c->name) {
            data_error(ss->cx, df, cm, "a command needs a name");
            rc = -1;
        }
        const doc_node *w = doc_map_get(cm, "when");
        const char *src = w ? data_text(w) : NULL;
        if (src) {
            expr_error err;
            c->when = expr_compile(src, all_namespaces, NS_MAP_COUNT, &ss->mem, &err);
            if (!c->when) {
                data_error(ss->cx, df, w, "command '%s': when: %s", c->name ? c->name : "?",
                           err.msg);
                rc = -1;
            }
        }
    }
    if (f->ncommands && ndefault != 1) {
        data_error(ss->cx, df, list, "exactly one command must be the default (default: true)");
        rc = -1;
    }
    return rc;
}

const command_def *schema_find_command(const format_def *f, const char *name, size_t len)
{
    for (size_t i = 0; i < f->ncommands; i++) {
        const command_def *c = &f->commands[i];
        if (c->name && strlen(c->name) == len && memcmp(c->name, name, len) == 0)
            return c;
        for (size_t k = 0; k < c->naliases; k++)
            if (strlen(c->aliases[k]) == len && memcmp(c->aliases[k], name, len) == 0)
                return c;
    }
    return NULL;
}

bool schema_key_for_command(const key_schema *ks, const command_def *c)
{
    if (!ks->ncommands)
        return true;
    for (size_t i = 0; c && i < ks->ncommands; i++)
        if (strcmp(ks->commands[i], c->name) == 0)
            return true;
    return false;
}

static int load_format(schema_set *ss, format_def *f);

int schema_load_format(schema_set *ss, format_def *f)
{
    /* built-in schemas: their patterns were checked when the binary was built */
    regex_trust_builtin(true);
    int rc = load_format(ss, f);
    regex_trust_builtin(false);
    return rc;
}

static int load_format(schema_set *ss, format_def *f)
{
    if (f->loaded)
        return f->root ? 0 : -1;
    if (f->loading) {
        data_error(ss->cx, NULL, NULL, "schema inheritance cycle at format '%s'", f->name);
        return -1;
    }
    f->loading = true;
    f->root = track(ss, new_map_schema(ss));
    int rc = 0;
    if (!f->schema_file) {
        f->loaded = true;
        f->loading = false;
        return 0;
    }
    char path[256];
    snprintf(path, sizeof path, "schemas/%s", f->schema_file);
    datafile *df = data_open_embedded(ss->cx, path);
    if (!df) {
        f->loaded = true;
        f->loading = false;
        f->root = NULL;
        return -1;
    }
    const doc_node *root = doc_root(&df->d);
    if (!data_check_keys(ss->cx, df, root, schema_top_fields, f->schema_file))
        rc = -1;
    const char *fmtname = data_str(ss->cx, df, root, "format", NULL);
    if (!fmtname || strcmp(fmtname, f->name) != 0) {
        data_error(ss->cx, df, root, "schema file says format '%s', the registry '%s'",
                   fmtname ? fmtname : "(none)", f->name);
        rc = -1;
    }
    f->root->unknown = parse_unknown(ss, df, root, SEV_WARNING);
    f->root->unknown_unmatched = f->root->unknown;
    const char *um = data_str(ss->cx, df, root, "unknown_keys_unmatched", NULL);
    if (um) {
        int sv = severity_parse(um);
        if (sv < 0 || sv == SEV_OFF)
            data_error(ss->cx, df, doc_map_get(root, "unknown_keys_unmatched"),
                       "unknown_keys_unmatched must be error, warning or info");
        else
            f->root->unknown_unmatched = (severity)sv;
    }
    f->inherits = data_strlist(ss->cx, df, root, "inherits", &f->ninherits);
    f->command_header = data_str(ss->cx, df, root, "command_header", NULL);
    if (f->command_header) {
        char buf[200];
        if (regex_check(f->command_header, buf, sizeof buf)) {
            data_error(ss->cx, df, doc_map_get(root, "command_header"), "bad pattern: %s", buf);
            rc = -1;
        }
    }
    const doc_node *cmds = doc_map_get(root, "commands");
    if (cmds && parse_commands(ss, df, f, cmds) != 0)
        rc = -1;
    const doc_node *keys = doc_map_get(root, "keys");
    if (keys && parse_keys(ss, df, f->name, keys, f->root, 0) != 0)
        rc = -1;
    /* inherited keys: the child's own definitions win */
    for (size_t i = 0; i < f->ninherits; i++) {
        format_def *parent = schema_find_format(ss, f->inherits[i]);
        if (!parent) {
            data_error(ss->cx, df, doc_map_get(root, "inherits"), "unknown format '%s'",
                       f->inherits[i]);
            rc = -1;
            continue;
        }
        if (schema_load_format(ss, parent) != 0) {
            rc = -1;
            continue;
        }
        for (size_t k = 0; k < parent->root->n; k++) {
            key_schema *pk = parent->root->order[k];
            if (!schema_key(f->root, pk->name, strlen(pk->name)))
                map_add(f->root, pk);
        }
    }
    /* renamed_to targets must exist */
    for (size_t k = 0; k < f->root->n; k++) {
        key_schema *ks = f->root->order[k];
        if (ks->renamed_to && ks->file == df && !path_exists(f->root, ks->renamed_to)) {
            data_error(ss->cx, df, doc_map_get(ks->def, "renamed_to"),
                       "key '%s' is renamed to '%s', which the schema does not define",
                       ks->name, ks->renamed_to);
            rc = -1;
        }
    }
    f->loaded = true;
    f->loading = false;
    return rc;
}

void schema_types_str(unsigned types, strbuf *out)
{
    if (!types) {
        sb_puts(out, "any");
        return;
    }
    bool first = true;
    unsigned shown = 0;
    for (size_t i = 0; i < ARRAY_LEN(type_names); i++) {
        unsigned b = type_names[i].bits;
        if ((types & b) != b || (shown & b) == b || b == TY_ANY)
            continue;
        if (b == (TY_INT | TY_FLOAT))
            continue; /* shown as int and float */
        sb_printf(out, "%s%s", first ? "" : " or ", type_names[i].name);
        shown |= b;
        first = false;
    }
}


size_t schema_setter_edits(const format_def *f, job_field field, const char *value_text,
                           const char **keys, const char **texts, size_t max, arena *a)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nsetters && n < max; i++) {
        const job_setter *js = &f->setters[i];
        if (js->field != field)
            continue;
        const char *text = value_text;
        if (js->map) {
            const doc_node *m = doc_map_get(js->map, value_text);
            if (m && m->kind == DOC_SCALAR)
                text = m->text;
        }
        keys[n] = js->key;
        texts[n] = arena_strdup(a, text);
        n++;
    }
    if (n)
        return n;
    /* no setter: the first key the field's mapping reads */
    for (size_t i = 0; i < f->njob; i++)
        if (f->job[i].field == field) {
            const char *k = expr_first_path(f->job[i].e, NS_CFG);
            if (k && max > 0) {
                keys[0] = k;
                texts[0] = arena_strdup(a, value_text);
                return 1;
            }
        }
    return 0;
}
