/*
 * validate.c - schema checks of one document. See validate.h.
 *
 * Types are judged the way the format's loader sees them: PyYAML's YAML 1.1
 * typing, OmegaConf's, JSON's; then no coercion, argparse's conversion of
 * strings, or pydantic's lax coercion. Where YAML 1.1 reads a scalar
 * differently from what the user evidently meant, the message says so and a
 * safe fix rewrites the scalar.
 */
#include "validate.h"
#include "edit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

/* Unknown keys of one document that get a did-you-mean search. */
#define MAX_SUGGESTED_UNKNOWN 200

typedef struct vctx {
    schema_set *ss;
    format_def *fmt;
    const srcfile *src;
    diag_list *dl;
    const doc_node *root;
    const doc_node *plugins; /* axolotl `plugins:` list */
    const command_def *cmd;
    doc_typing typing; /* the format's, or JSON's for a .json file */
    size_t nunknown;   /* unknown keys seen so far */
    int depth;
} vctx;

/* ---- edits ------------------------------------------------------------- */

static void fix_replace_node(vctx *v, diag *d, bool safe, const doc_node *n, const char *text,
                             const char *title)
{
    fix *f = diag_add_fix(v->dl, d, safe, "%s", title);
    edit_replace_node(v->dl, f, v->src, n, text);
}

static unsigned actual_type(const doc_node *n, doc_typing t, scalar_value *sv);
static bool type_ok(unsigned want, unsigned have, const doc_node *n, const scalar_value *sv,
                    coercion c, bool omegaconf);

/* Whether p's key can be renamed to `to` in map (whose schema is ms): no key
 * of that name is there already (the rename would make a duplicate), and the
 * value has a type the target key takes (a mapping does not become a bool). */
static bool rename_fits(vctx *v, const map_schema *ms, const doc_node *map, const doc_pair *p,
                        const char *to)
{
    size_t tl = strlen(to);
    for (size_t i = 0; map && map->kind == DOC_MAP && i < map->n; i++) {
        const doc_node *k = map->u.pairs[i].key;
        if (k->kind == DOC_SCALAR && k->len == tl && memcmp(k->text, to, tl) == 0)
            return false;
    }
    const key_schema *ks = ms ? schema_key(ms, to, tl) : NULL;
    if (!ks || !p->value)
        return true;
    scalar_value sv = {ST_OTHER, false, 0};
    unsigned have = actual_type(p->value, v->typing, &sv);
    return type_ok(ks->types, have, p->value, &sv, v->fmt->coerce, v->typing == TYPING_OMEGACONF);
}

static void fix_rename_key(vctx *v, diag *d, bool safe, const doc_node *key, const char *to)
{
    const char *last = strrchr(to, '.');
    fix *f = diag_add_fix(v->dl, d, safe, "rename '%.*s' to '%s'", (int)key->len, key->text,
                          last ? last + 1 : to);
    edit_rename_key(v->dl, f, v->src, key, to);
}

static void fix_remove_pair(vctx *v, diag *d, bool safe, const doc_pair *p)
{
    fix *f = diag_add_fix(v->dl, d, safe, "remove '%.*s'", (int)p->key->len, p->key->text);
    edit_remove_pair(v->dl, f, v->src, v->root, p);
}

/* ---- types ------------------------------------------------------------- */

static unsigned actual_type(const doc_node *n, doc_typing t, scalar_value *sv)
{
    if (n->kind == DOC_MAP)
        return TY_MAP;
    if (n->kind == DOC_SEQ)
        return TY_LIST;
    *sv = doc_scalar(n, t);
    switch (sv->type) {
    case ST_NULL:
        return TY_NULL;
    case ST_BOOL:
        return TY_BOOL;
    case ST_INT:
        return TY_INT;
    case ST_FLOAT:
        return TY_FLOAT;
    case ST_STR:
        return TY_STR;
    default:
        return 0;
    }
}

static bool parse_number(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '_')
            buf[k++] = s[i];
    buf[k] = '\0';
    char *end;
    double d = strtod(buf, &end);
    while (*end == ' ')
        end++;
    if (end == buf || *end)
        return false;
    *out = d;
    return true;
}

static bool word_in(const char *s, size_t n, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == n && strncasecmp(*words, s, n) == 0)
            return true;
    return false;
}

static const char *const pydantic_bools[] = {"true", "false", "yes", "no", "on", "off", "1",
                                             "0", "t", "f", "y", "n", NULL};
static const char *const argparse_bools[] = {"true", "false", "yes", "no", "1", "0", "t",
                                             "f", "y", "n", NULL};

/* The value after the loader's coercion, for range checks: returns true and
 * sets *num when it is numeric. */
static bool coerced_number(const doc_node *n, unsigned have, const scalar_value *sv,
                           coercion c, double *num)
{
    if (have == TY_INT || have == TY_FLOAT) {
        *num = sv->num;
        return true;
    }
    if (have == TY_STR && c != COERCE_NONE)
        return parse_number(n->text, n->len, num);
    return false;
}

static bool type_ok(unsigned want, unsigned have, const doc_node *n, const scalar_value *sv,
                    coercion c, bool omegaconf)
{
    if (!want || (have & want))
        return true;
    if (have == TY_NULL)
        return true; /* null means "use the default" in every trainer */
    if (have == TY_INT && (want & TY_FLOAT))
        return true;
    if (omegaconf && have == TY_STR && doc_is_interpolation(n))
        return true;
    double d;
    if (c == COERCE_LAX) {
        if (have == TY_STR) {
            if ((want & TY_FLOAT) && parse_number(n->text, n->len, &d))
                return true;
            if ((want & TY_INT) && parse_number(n->text, n->len, &d) && d == floor(d))
                return true;
            if ((want & TY_BOOL) && word_in(n->text, n->len, pydantic_bools))
                return true;
        }
        if (have == TY_FLOAT && (want & TY_INT) && sv->num == floor(sv->num))
            return true;
        if (have == TY_INT && (want & TY_BOOL) && (sv->num == 0 || sv->num == 1))
            return true;
        if (have == TY_BOOL && (want & (TY_INT | TY_FLOAT)))
            return true;
    }
    if (c == COERCE_STRINGS && have == TY_STR) {
        if ((want & TY_FLOAT) && parse_number(n->text, n->len, &d))
            return true;
        if ((want & TY_INT) && parse_number(n->text, n->len, &d) && d == floor(d) &&
            !memchr(n->text, '.', n->len) && !memchr(n->text, 'e', n->len))
            return true;
        if ((want & TY_BOOL) && word_in(n->text, n->len, argparse_bools))
            return true;
    }
    return false;
}

static const char *have_name(unsigned have, const doc_node *n, const scalar_value *sv)
{
    (void)n;
    if (have == 0)
        return sv->type == ST_TIMESTAMP ? "date" : "tagged value";
    strbuf sb = {0};
    schema_types_str(have, &sb);
    static char buf[32];
    snprintf(buf, sizeof buf, "%s", sb.buf ? sb.buf : "?");
    sb_free(&sb);
    return buf;
}

static const char *loader_phrase(const format_def *f, doc_typing typing)
{
    if (typing == TYPING_JSON && f->typing != TYPING_JSON)
        return "the JSON parser";
    if (f->ld && f->ld->title)
        return f->ld->title;
    switch (f->typing) {
    case TYPING_YAML11:
        return "PyYAML (YAML 1.1)";
    case TYPING_OMEGACONF:
        return "OmegaConf";
    case TYPING_JSON:
        return "the JSON parser";
    default:
        return "the YAML loader";
    }
}

static void report_type(vctx *v, const key_schema *ks, const doc_node *n, unsigned have,
                        const scalar_value *sv)
{
    strbuf want = {0};
    schema_types_str(ks->types, &want);
    const char *w = want.buf ? want.buf : "?";
    char sug[96];
    doc_pitfall pf = doc_scalar_pitfall(n, v->typing, sug, sizeof sug);
    diag *d;
    if (pf == PITFALL_FLOAT_AS_STRING && (ks->types & (TY_FLOAT | TY_INT))) {
        d = diag_add(v->dl, v->src, "yaml-float-as-string", SEV_ERROR, n->start, n->end,
                     "%s reads '%.*s' as a string, not a number: YAML 1.1 floats need a dot "
                     "and a signed exponent; '%s' expects %s and %s passes the string on",
                     loader_phrase(v->fmt, v->typing), (int)n->len, n->text, ks->name, w, v->fmt->title);
        diag_set_help(v->dl, d, "write %s", sug);
        fix_replace_node(v, d, true, n, sug, "rewrite as a YAML 1.1 float");
    } else if (pf == PITFALL_BOOL_WORD && (ks->types & TY_STR)) {
        d = diag_add(v->dl, v->src, "yaml-bool-word", SEV_ERROR, n->start, n->end,
                     "%s reads unquoted '%.*s' as the boolean %s, but '%s' expects %s",
                     loader_phrase(v->fmt, v->typing), (int)n->len, n->text, sv->b ? "true" : "false",
                     ks->name, w);
        diag_set_help(v->dl, d, "quote it: %s", sug);
        fix_replace_node(v, d, true, n, sug, "quote the value");
    } else if ((pf == PITFALL_SEXAGESIMAL || pf == PITFALL_TIMESTAMP) && (ks->types & TY_STR)) {
        d = diag_add(v->dl, v->src, pf == PITFALL_SEXAGESIMAL ? "yaml-sexagesimal" : "yaml-timestamp",
                     SEV_ERROR, n->start, n->end,
                     "%s reads '%.*s' as a %s, but '%s' expects %s", loader_phrase(v->fmt, v->typing),
                     (int)n->len, n->text,
                     pf == PITFALL_SEXAGESIMAL ? "base-60 number" : "date", ks->name, w);
        diag_set_help(v->dl, d, "quote it: %s", sug);
        fix_replace_node(v, d, true, n, sug, "quote the value");
    } else if (have == TY_STR && (ks->types & TY_BOOL) && n->style != STYLE_PLAIN &&
               word_in(n->text, n->len, pydantic_bools)) {
        bool truthy = n->len > 0;
        d = diag_add(v->dl, v->src, "quoted-bool", SEV_ERROR, n->start, n->end,
                     "'%s' expects a boolean but gets the string \"%.*s\"; %s", ks->name,
                     (int)n->len, n->text,
                     truthy ? "any non-empty string counts as true in Python" : "");
        char *plain = xstrndup(n->text, n->len);
        for (char *p = plain; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        const char *rep = word_in(plain, strlen(plain),
                                  (const char *const[]){"true", "yes", "on", "1", "t", "y", NULL})
                              ? "true"
                              : "false";
        fix_replace_node(v, d, true, n, rep, "unquote the boolean");
        free(plain);
    } else if (have == TY_STR && (ks->types & (TY_INT | TY_FLOAT)) && n->style != STYLE_PLAIN &&
               parse_number(n->text, n->len, &(double){0})) {
        d = diag_add(v->dl, v->src, "wrong-type", SEV_ERROR, n->start, n->end,
                     "'%s' expects %s but the quotes make \"%.*s\" a string, which %s passes "
                     "on unconverted",
                     ks->name, w, (int)n->len, n->text, v->fmt->title);
        char *plain = xstrndup(n->text, n->len);
        scalar_value pv = doc_scalar(&(doc_node){.kind = DOC_SCALAR, .style = STYLE_PLAIN,
                                                  .text = plain, .len = (uint32_t)strlen(plain)},
                                     v->typing);
        if (pv.type == ST_INT || pv.type == ST_FLOAT)
            fix_replace_node(v, d, true, n, plain, "remove the quotes");
        free(plain);
    } else {
        int len = n->kind == DOC_SCALAR ? (int)(n->len > 60 ? 60 : n->len) : 0;
        d = diag_add(v->dl, v->src, "wrong-type", SEV_ERROR, n->start,
                     n->kind == DOC_SCALAR ? n->end : n->start + 1,
                     "'%s' expects %s, got %s%s%.*s%s", ks->name, w, have_name(have, n, sv),
                     len ? " '" : "", len, n->kind == DOC_SCALAR ? n->text : "", len ? "'" : "");
        if (ks->doc)
            diag_set_help(v->dl, d, "%s: %s", ks->name, ks->doc);
    }
    sb_free(&want);
}

/* ---- enum / range / pattern ------------------------------------------- */

static bool enum_match(const doc_node *ev, const doc_node *n, unsigned have,
                       const scalar_value *sv, coercion c)
{
    if (ev->kind != DOC_SCALAR)
        return false;
    scalar_value e = doc_scalar(ev, TYPING_YAML12);
    switch (e.type) {
    case ST_STR:
        return have == TY_STR && ev->len == n->len && memcmp(ev->text, n->text, n->len) == 0;
    case ST_BOOL:
        if (have == TY_BOOL)
            return sv->b == e.b;
        if (c != COERCE_NONE && have == TY_STR)
            return word_in(n->text, n->len,
                           e.b ? (const char *const[]){"true", "yes", "on", "1", NULL}
                               : (const char *const[]){"false", "no", "off", "0", NULL});
        return false;
    case ST_INT:
    case ST_FLOAT: {
        double d;
        if (have == TY_INT || have == TY_FLOAT)
            return sv->num == e.num;
        if (c != COERCE_NONE && have == TY_STR && parse_number(n->text, n->len, &d))
            return d == e.num;
        return false;
    }
    case ST_NULL:
        return have == TY_NULL;
    default:
        return false;
    }
}

static void report_enum(vctx *v, const key_schema *ks, const doc_node *n, unsigned have,
                        const scalar_value *sv)
{
    strbuf allowed = {0};
    const char *best = NULL;
    size_t bestd = 3;
    char *val = xstrndup(n->text, n->len);
    size_t shown = 0;
    for (size_t i = 0; i < ks->enum_vals->n; i++) {
        const doc_node *ev = ks->enum_vals->u.items[i];
        if (ev->kind != DOC_SCALAR)
            continue;
        if (shown < 12)
            sb_printf(&allowed, "%s%s", shown ? ", " : "", ev->text);
        else if (shown == 12)
            sb_puts(&allowed, ", ...");
        shown++;
        size_t d = edit_distance(val, ev->text, 2);
        if (d < bestd || (d == bestd && best == NULL)) {
            if (d <= 2) {
                bestd = d;
                best = ev->text;
            }
        }
        /* case-only differences are the commonest mistake */
        if (strcasecmp(val, ev->text) == 0) {
            best = ev->text;
            bestd = 0;
        }
    }
    char sug[96];
    doc_pitfall pf = doc_scalar_pitfall(n, v->typing, sug, sizeof sug);
    diag *d;
    if (pf == PITFALL_BOOL_WORD) {
        d = diag_add(v->dl, v->src, "yaml-bool-word", SEV_ERROR, n->start, n->end,
                     "%s reads unquoted '%s' as the boolean %s, which is not a valid '%s' "
                     "(allowed: %s)",
                     loader_phrase(v->fmt, v->typing), val, sv->b ? "true" : "false", ks->name,
                     allowed.buf ? allowed.buf : "");
        diag_set_help(v->dl, d, "quote it: %s", sug);
        fix_replace_node(v, d, true, n, sug, "quote the value");
    } else {
        d = diag_add(v->dl, v->src, "invalid-value", SEV_ERROR, n->start, n->end,
                     "'%s' is not a valid %s (allowed: %s)", val, ks->name,
                     allowed.buf ? allowed.buf : "");
        if (best) {
            diag_set_help(v->dl, d, "did you mean '%s'?", best);
            /* keep the user's quoting style */
            char *rep = n->style == STYLE_DOUBLE   ? xasprintf("\"%s\"", best)
                        : n->style == STYLE_SINGLE ? xasprintf("'%s'", best)
                                                   : xstrdup(best);
            fix_replace_node(v, d, false, n, rep, "replace with the closest allowed value");
            free(rep);
        } else if (ks->note) {
            diag_set_help(v->dl, d, "%s", ks->note);
        }
    }
    (void)have;
    free(val);
    sb_free(&allowed);
}

static void check_range(vctx *v, const key_schema *ks, const doc_node *n, double x)
{
    bool low = ks->has_min && (ks->min_excl ? x <= ks->min : x < ks->min);
    bool high = ks->has_max && (ks->max_excl ? x >= ks->max : x > ks->max);
    if (!low && !high)
        return;
    char a[32], b[32], val[32];
    format_number(a, sizeof a, ks->min);
    format_number(b, sizeof b, ks->max);
    format_number(val, sizeof val, x);
    strbuf range = {0};
    if (ks->has_min && ks->has_max)
        sb_printf(&range, "%s%s, %s%s", ks->min_excl ? "(" : "[", a, b, ks->max_excl ? ")" : "]");
    else if (ks->has_min)
        sb_printf(&range, "%s %s", ks->min_excl ? ">" : ">=", a);
    else
        sb_printf(&range, "%s %s", ks->max_excl ? "<" : "<=", b);
    diag *d = diag_add(v->dl, v->src, "out-of-range", SEV_ERROR, n->start, n->end,
                       "'%s' is %s; it must be %s", ks->name, val, range.buf);
    if (ks->note)
        diag_set_help(v->dl, d, "%s", ks->note);
    sb_free(&range);
}

/* ---- walking ------------------------------------------------------------ */

static void check_value(vctx *v, const key_schema *ks, const doc_node *n);
static void walk_map(vctx *v, const map_schema *ms, const doc_node *map, const char *where);

static bool plugin_enabled(vctx *v, const char *plugin)
{
    if (!v->plugins || v->plugins->kind != DOC_SEQ)
        return false;
    for (size_t i = 0; i < v->plugins->n; i++) {
        const doc_node *it = v->plugins->u.items[i];
        if (it->kind != DOC_SCALAR)
            continue;
        /* "axolotl.integrations.liger.LigerPlugin" enables plugin "liger" */
        char *lower = xstrndup(it->text, it->len);
        for (char *p = lower; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        char *pl = xstrdup(plugin);
        for (char *p = pl; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p + 32);
        bool hit = strstr(lower, pl) != NULL;
        free(lower);
        free(pl);
        if (hit)
            return true;
    }
    return false;
}

static void check_value(vctx *v, const key_schema *ks, const doc_node *n)
{
    if (++v->depth > 64) {
        v->depth--;
        return;
    }
    scalar_value sv = {ST_OTHER, false, 0};
    unsigned have = actual_type(n, v->typing, &sv);
    if (have == TY_NULL) {
        v->depth--;
        return;
    }
    bool omegaconf = v->typing == TYPING_OMEGACONF;
    if (!type_ok(ks->types, have, n, &sv, v->fmt->coerce, omegaconf)) {
        report_type(v, ks, n, have, &sv);
        v->depth--;
        return;
    }
    bool interp = omegaconf && have == TY_STR && doc_is_interpolation(n);
    if (n->kind == DOC_SCALAR && !interp) {
        if (ks->enum_vals) {
            bool ok = false;
            for (size_t i = 0; i < ks->enum_vals->n && !ok; i++)
                ok = enum_match(ks->enum_vals->u.items[i], n, have, &sv, v->fmt->coerce);
            /* a pattern is an alternative way to be valid (e.g. hub kernel paths) */
            if (!ok && ks->pattern && have == TY_STR &&
                regex_match(ks->pattern, n->text, n->len, NULL, NULL) == 1)
                ok = true;
            if (!ok) {
                report_enum(v, ks, n, have, &sv);
                v->depth--;
                return;
            }
        } else if (ks->pattern && have == TY_STR) {
            if (regex_match(ks->pattern, n->text, n->len, NULL, NULL) == 0) {
                diag *d = diag_add(v->dl, v->src, "invalid-value", SEV_ERROR, n->start, n->end,
                                   "'%.*s' is not a valid %s", (int)(n->len > 80 ? 80 : n->len),
                                   n->text, ks->name);
                if (ks->doc)
                    diag_set_help(v->dl, d, "%s: %s", ks->name, ks->doc);
            }
        }
        double x;
        if ((ks->has_min || ks->has_max) && coerced_number(n, have, &sv, v->fmt->coerce, &x))
            check_range(v, ks, n, x);
        if (have == TY_INT) {
            char sug[64];
            if (doc_scalar_pitfall(n, v->typing, sug, sizeof sug) == PITFALL_OCTAL) {
                char val[32];
                format_number(val, sizeof val, sv.num);
                diag *d = diag_add(v->dl, v->src, "yaml-octal", SEV_WARNING, n->start, n->end,
                                   "%s reads '%.*s' as an octal number (%s)",
                                   loader_phrase(v->fmt, v->typing), (int)n->len, n->text, val);
                diag_set_help(v->dl, d, "write %s for decimal %s", sug, sug);
                fix_replace_node(v, d, false, n, sug, "drop the leading zero");
            }
        }
    } else if (n->kind == DOC_MAP && ks->keys) {
        walk_map(v, ks->keys, n, ks->name);
    } else if (n->kind == DOC_SEQ && ks->items) {
        for (size_t i = 0; i < n->n; i++)
            check_value(v, ks->items, n->u.items[i]);
    }
    v->depth--;
}

/* Hint for a key that belongs to another format: its job field and this
 * format's key for the same field. With maxd 0 the key must be the other
 * format's name exactly; otherwise it may be a near miss of it (within maxd
 * edits), e.g. 'lora_rnak' for LLaMA-Factory's 'lora_rank' in axolotl. */
static const char *other_format_hint(vctx *v, const char *key, size_t maxd, strbuf *out)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < v->ss->n; i++) {
        format_def *of = &v->ss->formats[i];
        if (of == v->fmt)
            continue;
        for (size_t j = 0; j < of->njob; j++) {
            job_map *jm = &of->job[j];
            if (!jm->cfg_paths_known) {
                jm->ncfg_paths = expr_paths(jm->e, NS_CFG, jm->cfg_paths, 8);
                for (size_t p = 0; p < jm->ncfg_paths && p < 8; p++)
                    jm->cfg_path_len[p] = strlen(jm->cfg_paths[p]);
                jm->cfg_paths_known = true;
            }
            const char *theirs = NULL;
            for (size_t p = 0; p < jm->ncfg_paths && p < 8 && !theirs; p++) {
                const char *path = jm->cfg_paths[p];
                size_t plen = jm->cfg_path_len[p];
                if (plen > klen + maxd || klen > plen + maxd)
                    continue;
                if (maxd == 0 ? memcmp(path, key, klen) == 0
                              : !strchr(path, '.') && edit_distance(key, path, maxd) <= maxd)
                    theirs = path;
            }
            if (!theirs)
                continue;
            job_field field = of->job[j].field;
            for (size_t k = 0; k < v->fmt->njob; k++) {
                if (v->fmt->job[k].field != field)
                    continue;
                const char *mine = expr_first_path(v->fmt->job[k].e, NS_CFG);
                if (mine && strcmp(mine, key) != 0 && !strchr(mine, '.')) {
                    if (strcmp(theirs, key) == 0)
                        sb_printf(out, "'%s' is %s's name; %s uses '%s'", key, of->title,
                                  v->fmt->title, mine);
                    else
                        sb_printf(out, "'%s' looks like '%s', %s's name; %s uses '%s'", key,
                                  theirs, of->title, v->fmt->title, mine);
                    return mine;
                }
            }
        }
    }
    return NULL;
}

/* Whether ks must be present in map: at the top level, the command that reads
 * the file decides; elsewhere the schema's `required`. */
static bool key_required(const vctx *v, const doc_node *map, const key_schema *ks)
{
    if (map != v->root || !v->cmd)
        return ks->required;
    for (size_t i = 0; i < v->cmd->nrequired; i++)
        if (strcmp(v->cmd->required[i], ks->name) == 0)
            return true;
    return false;
}

/* Unknown keys of one mapping that stand in for a required key missing from
 * it ('bacth_size' for 'batch_size'): the missing-key finding points at them.
 * Owned by walk_map; at most one stand-in per required key. */
typedef struct stand_in {
    const doc_node *key;
    const key_schema *ks;
} stand_in;

typedef struct stand_ins {
    stand_in *items;
    size_t n, cap;
} stand_ins;

static const stand_in *stand_in_for(const stand_ins *si, const key_schema *ks)
{
    for (size_t i = 0; i < si->n; i++)
        if (si->items[i].ks == ks)
            return &si->items[i];
    return NULL;
}

static void report_unknown(vctx *v, const map_schema *ms, const doc_node *map, const doc_pair *p,
                           stand_ins *si)
{
    const doc_node *k = p->key;
    if (v->dl->max && v->dl->n >= v->dl->max) {
        /* the list is full: this finding is only counted, so skip the search for a
         * suggestion (over every key of the schema and every format's mappings),
         * which made a file of 100k unknown keys take tens of seconds */
        diag_add(v->dl, v->src, "unknown-key", ms->unknown, k->start, k->end, "unknown key");
        return;
    }
    if (++v->nunknown > MAX_SUGGESTED_UNKNOWN) {
        /* a file with this many unknown keys is not a typo: name them without
         * searching every schema for a near miss (the fix proof checks the
         * file again, so the search would be paid twice) */
        diag_add(v->dl, v->src, "unknown-key", ms->unknown, k->start, k->end,
                 "unknown key '%.*s' (one of more than %d unknown keys: no suggestion searched)",
                 (int)(k->len > 200 ? 200 : k->len), k->text, MAX_SUGGESTED_UNKNOWN);
        return;
    }
    char *name = xstrndup(k->text, k->len);
    const key_schema *best_ks = NULL;
    size_t bestd = (k->len > 12) ? 3 : 2;
    size_t ties = 0;
    for (size_t i = 0; i < ms->n; i++) {
        size_t d = edit_distance(name, ms->order[i]->name, bestd);
        if (d < bestd) {
            bestd = d;
            best_ks = ms->order[i];
            ties = 1;
        } else if (d == bestd && best_ks && d <= 3) {
            ties++;
        }
    }
    if (best_ks && edit_distance(name, best_ks->name, 3) > ((k->len > 12) ? 3 : 2))
        best_ks = NULL;
    const char *best = best_ks ? best_ks->name : NULL;
    /* a unique near miss of a required key the mapping lacks explains that
     * missing key: both findings say so, this one carries the rename */
    const key_schema *stands_for = NULL;
    if (best_ks && ties <= 1 && key_required(v, map, best_ks) &&
        !doc_map_pair(map, best_ks->name, strlen(best_ks->name)) && !stand_in_for(si, best_ks)) {
        stands_for = best_ks;
        si->items = xgrow(si->items, &si->cap, si->n + 1, sizeof *si->items);
        si->items[si->n++] = (stand_in){.key = k, .ks = best_ks};
    }
    strbuf hint = {0};
    const char *other = NULL;
    if (!best && map == v->root) {
        other = other_format_hint(v, name, 0, &hint);
        if (!other)
            other = other_format_hint(v, name, (k->len > 12) ? 2 : 1, &hint);
    }
    /* a key that is no near miss may belong to the script's own argument classes */
    severity sev = best || other || ms->unknown_unmatched == SEV_OFF ? ms->unknown : ms->unknown_unmatched;
    const char *consequence =
        sev != ms->unknown
            ? "the trainer refuses it at start-up unless the training script parses another "
              "argument class that defines it (a ModelArguments or DataTrainingArguments)"
        : ms->unknown == SEV_ERROR ? "the trainer refuses unknown keys at start-up"
                                   : "the trainer ignores it, so this setting has no effect";
    diag *d;
    if (stands_for)
        d = diag_add(v->dl, v->src, "unknown-key", sev, k->start, k->end,
                     "unknown key '%s' (did you mean '%s'?) explains the missing required key "
                     "'%s': %s",
                     name, best, best, consequence);
    else if (best)
        d = diag_add(v->dl, v->src, "unknown-key", sev, k->start, k->end,
                     "unknown key '%s' (did you mean '%s'?): %s", name, best, consequence);
    else
        d = diag_add(v->dl, v->src, "unknown-key", sev, k->start, k->end,
                     "unknown key '%s': %s", name, consequence);
    if (other) {
        diag_set_help(v->dl, d, "%s", hint.buf);
        if (rename_fits(v, ms, map, p, other))
            fix_rename_key(v, d, false, k, other);
    } else if (best && ties <= 1 && rename_fits(v, ms, map, p, best)) {
        fix_rename_key(v, d, false, k, best);
    }
    sb_free(&hint);
    free(name);
}

static void check_key_status(vctx *v, const map_schema *ms, const key_schema *ks,
                             const doc_node *map, const doc_pair *p)
{
    (void)ms;
    const doc_node *k = p->key;
    bool target_present = false;
    if (ks->renamed_to) {
        const doc_node *root = strchr(ks->renamed_to, '.') ? v->root : map;
        target_present = doc_path(root, ks->renamed_to, NULL) != NULL;
    }
    const char *extra = ks->note ? ks->note : "";
    if (ks->removed) {
        diag *d = diag_add(v->dl, v->src, "removed-key", SEV_ERROR, k->start, k->end,
                           "'%s' is no longer accepted: %s%s%s%s", ks->name, ks->removed,
                           ks->renamed_to ? "; use '" : "", ks->renamed_to ? ks->renamed_to : "",
                           ks->renamed_to ? "'" : "");
        if (ks->replacement)
            diag_set_help(v->dl, d, "%s", ks->replacement);
        else if (*extra)
            diag_set_help(v->dl, d, "%s", extra);
        if (ks->renamed_to && !target_present && !strchr(ks->renamed_to, '.') &&
            rename_fits(v, ms, map, p, ks->renamed_to))
            fix_rename_key(v, d, true, k, ks->renamed_to);
        else
            fix_remove_pair(v, d, false, p);
    } else if (ks->renamed_to) {
        diag *d = diag_add(v->dl, v->src, "renamed-key", SEV_WARNING, k->start, k->end,
                           "'%s' was renamed to '%s'%s%s%s", ks->name, ks->renamed_to,
                           *extra ? " (" : "", extra, *extra ? ")" : "");
        if (target_present) {
            diag_set_help(v->dl, d, "'%s' is also set; the old key is redundant", ks->renamed_to);
            fix_remove_pair(v, d, false, p);
        } else if (!strchr(ks->renamed_to, '.') && rename_fits(v, ms, map, p, ks->renamed_to)) {
            fix_rename_key(v, d, true, k, ks->renamed_to);
        }
    } else if (ks->deprecated) {
        diag *d = diag_add(v->dl, v->src, "deprecated-key", SEV_WARNING, k->start, k->end,
                           "'%s' is deprecated: %s", ks->name, ks->deprecated);
        if (ks->replacement)
            diag_set_help(v->dl, d, "%s", ks->replacement);
    }
    if (ks->plugin && !plugin_enabled(v, ks->plugin)) {
        diag_add(v->dl, v->src, "plugin-key-without-plugin", SEV_WARNING, k->start, k->end,
                 "'%s' belongs to the %s plugin, which is not listed under plugins: the key "
                 "has no effect",
                 ks->name, ks->plugin);
    }
}

/* A required key the mapping lacks; sub is the unknown key that looks like a
 * misspelling of it, or NULL. */
static void report_missing(vctx *v, const doc_node *map, const char *name, const key_schema *ks,
                           const stand_in *sub)
{
    strbuf msg = {0};
    sb_printf(&msg, "required key '%s' is missing", name);
    if (map == v->root && v->cmd)
        sb_printf(&msg, ": %s reads it", v->cmd->title);
    if (sub)
        sb_printf(&msg, "; '%.*s' (line %zu) looks like a misspelling of it", (int)sub->key->len,
                  sub->key->text, src_line_of(v->src, sub->key->start) + 1);
    diag *d = diag_add(v->dl, v->src, "missing-key", SEV_ERROR, map->start, map->start + 1, "%s",
                       msg.buf);
    sb_free(&msg);
    if (sub)
        /* the rename lives on the unknown-key finding only, so --fix counts and
         * applies it once */
        diag_add_related(v->dl, d, v->src, sub->key->start, sub->key->end,
                         "'%.*s' is set here; its finding carries the rename to '%s'",
                         (int)sub->key->len, sub->key->text, name);
    if (ks && ks->doc)
        diag_set_help(v->dl, d, "%s: %s", name, ks->doc);
}


/* A key of the format that only other commands read: the one reading this
 * file treats it as any unknown key. */
static void report_other_command(vctx *v, const map_schema *ms, const key_schema *ks,
                                 const doc_pair *p)
{
    const command_def *c = ks->ncommands ? schema_find_command(v->fmt, ks->commands[0],
                                                               strlen(ks->commands[0]))
                                         : NULL;
    severity sev = ms->unknown == SEV_OFF ? SEV_WARNING : ms->unknown;
    diag *d = diag_add(v->dl, v->src, "unknown-key", sev, p->key->start, p->key->end,
                       "'%s' is read only by %s, not by %s: %s", ks->name,
                       c ? c->title : ks->commands[0], v->cmd ? v->cmd->title : v->fmt->title,
                       sev == SEV_ERROR ? "the trainer refuses unknown keys at start-up"
                                        : "the setting has no effect here");
    diag_set_help(v->dl, d, "run it with %s (or say so with --command %s)",
                  c ? c->title : ks->commands[0], ks->commands[0]);
}

static void walk_map(vctx *v, const map_schema *ms, const doc_node *map, const char *where)
{
    (void)where;
    stand_ins si = {0};
    for (size_t i = 0; i < map->n; i++) {
        const doc_pair *p = &map->u.pairs[i];
        if (doc_is_merge_key(p->key))
            continue;
        if (p->key->kind != DOC_SCALAR)
            continue;
        key_schema *ks = schema_key(ms, p->key->text, p->key->len);
        if (!ks) {
            if (ms->unknown != SEV_OFF && !p->merged)
                report_unknown(v, ms, map, p, &si);
            continue;
        }
        if (!schema_key_for_command(ks, v->cmd)) {
            if (!p->merged)
                report_other_command(v, ms, ks, p);
            continue;
        }
        if (!p->merged)
            check_key_status(v, ms, ks, map, p);
        check_value(v, ks, p->value);
    }
    if (map == v->root && v->cmd) {
        for (size_t i = 0; i < v->cmd->nrequired; i++) {
            const char *name = v->cmd->required[i];
            if (doc_map_pair(map, name, strlen(name)))
                continue;
            const key_schema *ks = schema_key(ms, name, strlen(name));
            report_missing(v, map, name, ks, ks ? stand_in_for(&si, ks) : NULL);
        }
        free(si.items);
        return;
    }
    for (size_t i = 0; i < ms->n; i++) {
        const key_schema *ks = ms->order[i];
        if (ks->required && !doc_map_pair(map, ks->name, strlen(ks->name)))
            report_missing(v, map, ks->name, ks, stand_in_for(&si, ks));
    }
    free(si.items);
}

void validate_document(schema_set *ss, format_def *fmt, const command_def *cmd,
                       const doc_node *root, const srcfile *src, diag_list *dl)
{
    if (!root || root->kind != DOC_MAP || !fmt->root)
        return;
    vctx v = {.ss = ss, .fmt = fmt, .cmd = cmd, .src = src, .dl = dl, .root = root};
    /* a trainer reads a .json config with json.load, whatever reads its YAML */
    v.typing = src->is_json ? TYPING_JSON : fmt->typing;
    v.plugins = doc_map_get(root, "plugins");
    walk_map(&v, fmt->root, root, "");
}
