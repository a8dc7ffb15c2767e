/*
 * edit.c - text edits that keep the rest of the file as it is. See edit.h.
 *
 * libyaml ends a block collection where the next token starts (often the
 * next line), so value ends are first trimmed back over whitespace.
 */
#include "edit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static size_t trimmed_end(const srcfile *src, size_t start, size_t end)
{
    if (end > src->len)
        end = src->len;
    while (end > start && is_ws(src->data[end - 1]))
        end--;
    return end;
}

static size_t line_start_of(const srcfile *src, size_t off)
{
    while (off > 0 && src->data[off - 1] != '\n')
        off--;
    return off;
}

/* Whether only indentation (and list dashes) precede off on its line. */
static bool starts_line(const srcfile *src, size_t off, bool *dash)
{
    *dash = false;
    for (size_t i = line_start_of(src, off); i < off; i++) {
        char c = src->data[i];
        if (c == '-')
            *dash = true;
        else if (c != ' ' && c != '\t')
            return false;
    }
    return true;
}

static bool in_flow(const srcfile *src, const doc_node *map)
{
    return src->is_json || (map && map->flow);
}

static size_t pair_end(const srcfile *src, const doc_pair *p)
{
    size_t e = p->value->end > p->key->end ? p->value->end : p->key->end;
    return trimmed_end(src, p->key->start, e);
}

static void block_pair_range(const srcfile *src, const doc_pair *p, size_t *start, size_t *end)
{
    size_t s = p->key->start, e = pair_end(src, p);
    bool dash;
    if (starts_line(src, s, &dash) && !dash)
        s = line_start_of(src, s);
    size_t le = e;
    while (le < src->len && src->data[le] != '\n')
        le++;
    bool rest_blank = true;
    for (size_t i = e; i < le; i++) {
        if (src->data[i] == '#')
            break;
        if (!is_ws(src->data[i]))
            rest_blank = false;
    }
    if (rest_blank)
        e = le < src->len ? le + 1 : le;
    *start = s;
    *end = e;
}

static const doc_pair *explicit_index(const doc_node *map, const doc_pair *p, size_t *idx)
{
    for (size_t i = 0; i < map->nexplicit; i++)
        if (&map->u.pairs[i] == p) {
            *idx = i;
            return p;
        }
    return NULL;
}

static void flow_pair_range(const srcfile *src, const doc_node *map, const doc_pair *p,
                            size_t *start, size_t *end)
{
    size_t idx = 0;
    size_t s = p->key->start, e = pair_end(src, p);
    /* JSON keys keep their quotes in the node range already */
    if (!explicit_index(map, p, &idx)) {
        *start = s;
        *end = e;
        return;
    }
    if (idx + 1 < map->nexplicit) {
        /* up to the next key: takes the comma and the indentation */
        *start = s;
        *end = map->u.pairs[idx + 1].key->start;
        bool dash;
        if (starts_line(src, s, &dash) && !dash) {
            *start = line_start_of(src, s);
            *end = line_start_of(src, map->u.pairs[idx + 1].key->start);
            if (*end <= *start)
                *end = map->u.pairs[idx + 1].key->start;
        }
    } else if (idx > 0) {
        /* the last entry: from the end of the previous value */
        *start = pair_end(src, &map->u.pairs[idx - 1]);
        *end = e;
    } else {
        *start = s;
        *end = e;
    }
}

static void pair_range_in(const srcfile *src, const doc_node *map, const doc_pair *p,
                          size_t *start, size_t *end)
{
    if (in_flow(src, map))
        flow_pair_range(src, map, p, start, end);
    else
        block_pair_range(src, p, start, end);
}

static bool is_json_literal(const char *t)
{
    if (!strcmp(t, "true") || !strcmp(t, "false") || !strcmp(t, "null"))
        return true;
    if (t[0] == '"')
        return true;
    char *end;
    (void)strtod(t, &end);
    return end != t && *end == '\0' && (isdigit((unsigned char)t[0]) || t[0] == '-');
}

/* Counts the plain boolean values spelled `word` in a YAML text: after ": ",
 * "- ", "[" or ", ", and followed by the end of the value. */
static size_t count_bool_word(const char *t, size_t len, const char *word)
{
    size_t n = 0, wl = strlen(word);
    for (const char *p = t; (p = strstr(p, word)) != NULL && (size_t)(p - t) + wl <= len; p += wl) {
        size_t at = (size_t)(p - t);
        char before = at >= 1 ? t[at - 1] : '\n';
        char prev = at >= 2 ? t[at - 2] : '\n';
        bool lead = before == '[' || (before == ' ' && (prev == ':' || prev == '-' || prev == ','));
        char after = at + wl < len ? t[at + wl] : '\n';
        bool tail = after == '\n' || after == '\r' || after == ' ' || after == ',' ||
                    after == ']' || after == '}' || after == '#';
        if (lead && tail)
            n++;
    }
    return n;
}

/* True/False when the YAML file spells its booleans that way (torchtune's
 * configs do), else the text as it is. */
static const char *bool_spelling(const srcfile *src, const char *text)
{
    bool t = strcmp(text, "true") == 0, f = strcmp(text, "false") == 0;
    if (src->is_json || (!t && !f))
        return text;
    size_t py = count_bool_word(src->data, src->len, "True") +
                count_bool_word(src->data, src->len, "False");
    size_t yml = count_bool_word(src->data, src->len, "true") +
                 count_bool_word(src->data, src->len, "false");
    return py > yml ? (t ? "True" : "False") : text;
}

char *edit_value_text(const srcfile *src, const char *yaml_text)
{
    yaml_text = bool_spelling(src, yaml_text);
    if (!src->is_json || is_json_literal(yaml_text))
        return xstrdup(yaml_text);
    /* a YAML plain or single-quoted string becomes a JSON string */
    const char *t = yaml_text;
    size_t n = strlen(t);
    if (n >= 2 && t[0] == '\'' && t[n - 1] == '\'') {
        t++;
        n -= 2;
    }
    strbuf sb = {0};
    sb_putc(&sb, '"');
    for (size_t i = 0; i < n; i++) {
        if (t[i] == '"' || t[i] == '\\')
            sb_putc(&sb, '\\');
        sb_putc(&sb, t[i]);
    }
    sb_putc(&sb, '"');
    return sb_detach(&sb);
}

static char *key_text(const srcfile *src, const char *name)
{
    return src->is_json ? xasprintf("\"%s\"", name) : xstrdup(name);
}

void edit_replace_node(diag_list *dl, fix *f, const srcfile *src, const doc_node *n,
                       const char *text)
{
    char *t = edit_value_text(src, text);
    size_t e = n->kind == DOC_SCALAR ? n->end : trimmed_end(src, n->start, n->end);
    if (n->kind == DOC_SCALAR && (n->style == STYLE_LITERAL || n->style == STYLE_FOLDED))
        e = trimmed_end(src, n->start, n->end);
    diag_fix_edit(dl, f, src, n->start, e, t);
    free(t);
}

static const doc_node *parent_of(const doc_node *root, const doc_pair *p)
{
    /* breadth-first over maps; documents are small */
    if (!root)
        return NULL;
    if (root->kind == DOC_MAP) {
        for (size_t i = 0; i < root->n; i++)
            if (&root->u.pairs[i] == p)
                return root;
        for (size_t i = 0; i < root->n; i++) {
            const doc_node *r = parent_of(root->u.pairs[i].value, p);
            if (r)
                return r;
        }
    } else if (root->kind == DOC_SEQ) {
        for (size_t i = 0; i < root->n; i++) {
            const doc_node *r = parent_of(root->u.items[i], p);
            if (r)
                return r;
        }
    }
    return NULL;
}

void edit_rename_key(diag_list *dl, fix *f, const srcfile *src, const doc_node *key,
                     const char *new_name)
{
    const char *last = strrchr(new_name, '.');
    const char *leaf = last ? last + 1 : new_name;
    char *text = key->style == STYLE_DOUBLE   ? xasprintf("\"%s\"", leaf)
                 : key->style == STYLE_SINGLE ? xasprintf("'%s'", leaf)
                                              : xstrdup(leaf);
    diag_fix_edit(dl, f, src, key->start, key->end, text);
    free(text);
}

/* Indentation (bytes) of the first key of a block mapping. */
static size_t map_indent(const srcfile *src, const doc_node *map)
{
    if (!map->nexplicit)
        return 0;
    size_t k = map->u.pairs[0].key->start;
    return k - line_start_of(src, k);
}

static bool insert_into(diag_list *dl, fix *f, const srcfile *src, const doc_node *map,
                        const char *key, const char *value_text)
{
    char *kt = key_text(src, key);
    char *vt = edit_value_text(src, value_text);
    bool ok = true;
    if (in_flow(src, map)) {
        size_t close = map->end;
        while (close > map->start && src->data[close - 1] != '}')
            close--;
        if (close == map->start) {
            ok = false;
        } else if (map->nexplicit) {
            const doc_pair *last = &map->u.pairs[map->nexplicit - 1];
            size_t at = pair_end(src, last);
            bool multiline = memchr(src->data + map->start, '\n', at - map->start) != NULL;
            char *text;
            if (multiline) {
                size_t ind = map_indent(src, map);
                text = xasprintf(",\n%*s%s: %s", (int)ind, "", kt, vt);
            } else {
                text = xasprintf(", %s: %s", kt, vt);
            }
            diag_fix_edit(dl, f, src, at, at, text);
            free(text);
        } else {
            char *text = xasprintf("%s: %s", kt, vt);
            diag_fix_edit(dl, f, src, close - 1, close - 1, text);
            free(text);
        }
    } else if (map->nexplicit) {
        size_t s, e;
        block_pair_range(src, &map->u.pairs[map->nexplicit - 1], &s, &e);
        size_t ind = map_indent(src, map);
        bool need_nl = e > 0 && src->data[e - 1] != '\n';
        char *text = xasprintf("%s%*s%s: %s\n", need_nl ? "\n" : "", (int)ind, "", kt, vt);
        diag_fix_edit(dl, f, src, e, e, text);
        free(text);
    } else {
        /* an empty block map is only the whole (empty) document */
        size_t e = src->len;
        bool need_nl = e > 0 && src->data[e - 1] != '\n';
        char *text = xasprintf("%s%s: %s\n", need_nl ? "\n" : "", kt, vt);
        diag_fix_edit(dl, f, src, e, e, text);
        free(text);
    }
    free(kt);
    free(vt);
    return ok;
}

bool edit_set_path(diag_list *dl, fix *f, const srcfile *src, const doc_node *root,
                   const char *path, const char *value_text)
{
    if (!root || root->kind != DOC_MAP)
        return false;
    const doc_node *parent = root;
    const char *seg = path;
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        char *name = xstrndup(seg, n);
        doc_pair *p = doc_map_pair(parent, name, n);
        if (!dot) {
            bool ok;
            if (p && !p->merged) {
                edit_replace_node(dl, f, src, p->value, value_text);
                ok = true;
            } else {
                ok = insert_into(dl, f, src, parent, name, value_text);
            }
            free(name);
            return ok;
        }
        if (!p || p->merged) {
            /* one missing level: insert "name: {leaf: value}" */
            const char *leaf = dot + 1;
            if (strchr(leaf, '.')) {
                free(name);
                return false;
            }
            char *kt = key_text(src, leaf);
            char *vt = edit_value_text(src, value_text);
            char *nested = xasprintf("{%s: %s}", kt, vt);
            bool ok = insert_into(dl, f, src, parent, name, nested);
            free(kt);
            free(vt);
            free(nested);
            free(name);
            return ok;
        }
        free(name);
        if (p->value->kind != DOC_MAP)
            return false;
        parent = p->value;
        seg = dot + 1;
    }
}

void edit_remove_pair(diag_list *dl, fix *f, const srcfile *src, const doc_node *root,
                      const doc_pair *p)
{
    const doc_node *map = parent_of(root, p);
    size_t s, e;
    if (map)
        pair_range_in(src, map, p, &s, &e);
    else
        block_pair_range(src, p, &s, &e);
    diag_fix_edit(dl, f, src, s, e, "");
}
