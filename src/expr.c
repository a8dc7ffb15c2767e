/*
 * expr.c - lexer, Pratt parser and evaluator of the rule expression
 * language, plus the PCRE2 regex cache. See expr.h.
 *
 * Evaluation never fails: type mismatches yield null or false (a rule whose
 * inputs are absent does not fire), division by zero yields null, and a
 * regular expression that exceeds its match limit counts as no match.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "expr.h"
#include "strmap.h"

#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- values ------------------------------------------------------------ */

value value_null(void)
{
    value v;
    memset(&v, 0, sizeof v);
    return v;
}

value value_missing(void)
{
    value v = value_null();
    v.missing = true;
    return v;
}

value value_bool(bool b)
{
    value v = value_null();
    v.kind = V_BOOL;
    v.b = b;
    return v;
}

value value_num(double n)
{
    value v = value_null();
    v.kind = V_NUM;
    v.n = n;
    return v;
}

value value_str(const char *s, size_t len)
{
    value v = value_null();
    v.kind = V_STR;
    v.s = s;
    v.slen = len;
    return v;
}

bool value_truthy(const value *v)
{
    switch (v->kind) {
    case V_NULL:
        return false;
    case V_BOOL:
        return v->b;
    case V_NUM:
        return v->n != 0 && !isnan(v->n);
    case V_STR:
        return v->slen > 0;
    case V_LIST:
        return v->nitems > 0;
    case V_NODE:
        return v->node && v->node->n > 0;
    }
    return false;
}

bool value_equal(const value *a, const value *b)
{
    if (a->kind != b->kind)
        return false;
    switch (a->kind) {
    case V_NULL:
        return true;
    case V_BOOL:
        return a->b == b->b;
    case V_NUM:
        return a->n == b->n;
    case V_STR:
        return a->slen == b->slen && memcmp(a->s, b->s, a->slen) == 0;
    case V_LIST:
        if (a->nitems != b->nitems)
            return false;
        for (size_t i = 0; i < a->nitems; i++)
            if (!value_equal(&a->items[i], &b->items[i]))
                return false;
        return true;
    case V_NODE:
        return a->node == b->node;
    }
    return false;
}

void value_print(const value *v, strbuf *out)
{
    char buf[64];
    switch (v->kind) {
    case V_NULL:
        sb_puts(out, "null");
        break;
    case V_BOOL:
        sb_puts(out, v->b ? "true" : "false");
        break;
    case V_NUM:
        format_number(buf, sizeof buf, v->n);
        sb_puts(out, buf);
        break;
    case V_STR:
        sb_add(out, v->s, v->slen);
        break;
    case V_LIST:
        sb_putc(out, '[');
        for (size_t i = 0; i < v->nitems; i++) {
            if (i)
                sb_puts(out, ", ");
            value_print(&v->items[i], out);
        }
        sb_putc(out, ']');
        break;
    case V_NODE:
        if (v->node && v->node->kind == DOC_SEQ)
            sb_printf(out, "[%u items]", v->node->n);
        else
            sb_puts(out, "{...}");
        break;
    }
}

/* ---- regex cache ------------------------------------------------------- */

static strmap re_cache;
static arena re_arena;
static pcre2_match_context *re_mctx;
static pcre2_match_data *re_mdata;

typedef struct re_entry {
    pcre2_code *code; /* NULL: the pattern does not compile */
    unsigned uses;    /* JIT-compiled from the second match on */
    char err[160];
} re_entry;

/* While positive, regex_check trusts patterns without compiling them: the
 * built-in data was checked when the binary was built (tools/snapshot.c). */
static int re_trusted;
static bool re_check_all; /* the build-time check: trust nothing */

void regex_trust_builtin(bool on)
{
    re_trusted += on ? 1 : -1;
}

void regex_check_everything(void)
{
    re_check_all = true;
}

static re_entry *regex_get(const char *pattern)
{
    size_t n = strlen(pattern);
    re_entry *e = strmap_get(&re_cache, pattern, n);
    if (e)
        return e;
    e = arena_zalloc(&re_arena, sizeof *e);
    int ec;
    PCRE2_SIZE eo;
    /* PCRE2 checks the pattern's UTF-8 itself: with PCRE2_NO_UTF_CHECK an invalid
     * pattern is undefined behaviour (it reads out of bounds) */
    e->code = pcre2_compile((PCRE2_SPTR)pattern, n, PCRE2_UTF, &ec, &eo, NULL);
    if (!e->code) {
        char msg[120];
        pcre2_get_error_message(ec, (PCRE2_UCHAR *)msg, sizeof msg);
        snprintf(e->err, sizeof e->err, "%s at offset %zu", msg, (size_t)eo);
    }
    strmap_put(&re_cache, arena_strndup(&re_arena, pattern, n), n, e);
    return e;
}

const char *regex_check(const char *pattern, char *buf, size_t bufsz)
{
    if (re_trusted > 0 && !re_check_all)
        return NULL;
    re_entry *e = regex_get(pattern);
    if (e->code)
        return NULL;
    snprintf(buf, bufsz, "%s", e->err);
    return buf;
}

int regex_match(const char *pattern, const char *subject, size_t len, const char **cap,
                size_t *caplen)
{
    re_entry *e = regex_get(pattern);
    if (!e->code)
        return -1;
    if (!re_mctx) {
        re_mctx = pcre2_match_context_create(NULL);
        if (!re_mctx)
            die_oom(0);
        pcre2_set_match_limit(re_mctx, 200000);
        pcre2_set_depth_limit(re_mctx, 5000);
        re_mdata = pcre2_match_data_create(8, NULL);
        if (!re_mdata)
            die_oom(0);
    }
    /* JIT compilation costs more than one interpreted match: only patterns used
     * again (a directory of configs, the language server) are compiled */
    if (++e->uses == 2)
        (void)pcre2_jit_compile(e->code, PCRE2_JIT_COMPLETE);
    int rc = pcre2_match(e->code, (PCRE2_SPTR)subject, len, 0, 0, re_mdata, re_mctx);
    if (rc < 0)
        return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
    if (cap) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re_mdata);
        if (rc >= 2 && ov[2] != PCRE2_UNSET) {
            *cap = subject + ov[2];
            *caplen = ov[3] - ov[2];
        } else {
            *cap = NULL;
            *caplen = 0;
        }
    }
    return 1;
}

static void re_free_entry(strmap_slot *s)
{
    re_entry *e = s->value;
    if (e && e->code)
        pcre2_code_free(e->code);
}

void regex_cache_free(void)
{
    for (size_t i = 0; i < re_cache.cap; i++)
        if (re_cache.slots[i].key)
            re_free_entry(&re_cache.slots[i]);
    strmap_free(&re_cache);
    arena_free(&re_arena);
    if (re_mdata)
        pcre2_match_data_free(re_mdata);
    if (re_mctx)
        pcre2_match_context_free(re_mctx);
    re_mdata = NULL;
    re_mctx = NULL;
}

/* ---- AST ----------------------------------------------------------------- */

typedef enum ekind {
    E_LIT,
    E_LIST,
    E_VAR,    /* namespace + constant path */
    E_INDEX,  /* a[b] on a computed value */
    E_MEMBER, /* a.name on a computed value */
    E_CALL,
    E_NOT,
    E_NEG,
    E_BIN,
    E_AND,
    E_OR,
    E_COALESCE,
    E_COND
} ekind;

typedef enum binop {
    OP_EQ,
    OP_NE,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_MOD,
    OP_MATCH,
    OP_NMATCH,
    OP_IN,
    OP_NOTIN
} binop;

typedef enum fnid {
    F_DEFINED,
    F_LEN,
    F_LOWER,
    F_UPPER,
    F_MATCHES,
    F_CAPTURE,
    F_CONTAINS,
    F_STARTSWITH,
    F_ENDSWITH,
    F_NUM,
    F_INT,
    F_STR,
    F_MIN,
    F_MAX,
    F_ABS,
    F_CEIL,
    F_FLOOR,
    F_ROUND,
    F_LOG2,
    F_TYPE,
    F_TEXT,
    F_TAG,
    F_QUOTED,
    F_KEYS,
    F_ANY_MATCH,
    F_JOIN,
    F_GIB,
    F_BYTES,
    F_FMT,
    F_SPLIT,
    F_BASENAME,
    F_VALID_REGEX,
    F_VALUES,
    F_COUNT
} fnid;

static const struct fninfo {
    const char *name;
    int min, max;
} fntab[F_COUNT] = {
    [F_DEFINED] = {"defined", 1, 1},   [F_LEN] = {"len", 1, 1},
    [F_LOWER] = {"lower", 1, 1},       [F_UPPER] = {"upper", 1, 1},
    [F_MATCHES] = {"matches", 2, 2},   [F_CAPTURE] = {"capture", 2, 2},
    [F_CONTAINS] = {"contains", 2, 2}, [F_STARTSWITH] = {"startswith", 2, 2},
    [F_ENDSWITH] = {"endswith", 2, 2}, [F_NUM] = {"num", 1, 1},
    [F_INT] = {"int", 1, 1},           [F_STR] = {"str", 1, 1},
    [F_MIN] = {"min", 1, 16},          [F_MAX] = {"max", 1, 16},
    [F_ABS] = {"abs", 1, 1},           [F_CEIL] = {"ceil", 1, 1},
    [F_FLOOR] = {"floor", 1, 1},       [F_ROUND] = {"round", 1, 2},
    [F_LOG2] = {"log2", 1, 1},         [F_TYPE] = {"type", 1, 1},
    [F_TEXT] = {"text", 1, 1},         [F_TAG] = {"tag", 1, 1},
    [F_QUOTED] = {"quoted", 1, 1},     [F_KEYS] = {"keys", 1, 1},
    [F_ANY_MATCH] = {"any_match", 2, 2}, [F_JOIN] = {"join", 1, 2},
    [F_GIB] = {"gib", 1, 1},           [F_BYTES] = {"bytes", 1, 1},
    [F_FMT] = {"fmt", 1, 2},           [F_SPLIT] = {"split", 2, 2},
    [F_BASENAME] = {"basename", 1, 1}, [F_VALID_REGEX] = {"valid_regex", 1, 1},
    [F_VALUES] = {"values", 1, 1},
};

struct expr {
    ekind kind;
    int op;    /* binop or fnid */
    size_t pos;
    value lit;
    int ns;
    const char *path;
    expr *a, *b, *c;
    expr **args;
    size_t nargs;
};

/* ---- lexer ---------------------------------------------------------------- */

typedef enum tok {
    T_EOF,
    T_NUM,
    T_STR,
    T_IDENT,
    T_LP,
    T_RP,
    T_LB,
    T_RB,
    T_COMMA,
    T_DOT,
    T_QUEST,
    T_COLON,
    T_COALESCE,
    T_OR,
    T_AND,
    T_NOT,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_PLUS,
    T_MINUS,
    T_STAR,
    T_SLASH,
    T_PERCENT,
    T_MATCH,
    T_NMATCH,
    T_ERR
} tok;

typedef struct parser {
    const char *src;
    size_t pos;     /* next char */
    tok t;          /* current token */
    size_t tpos;    /* its start */
    const char *ts; /* its text (identifiers, strings: decoded) */
    size_t tlen;
    double tnum;
    arena *a;
    const expr_ns *nss;
    size_t nns;
    expr_error *err;
    bool failed;
    int depth;
} parser;

static void perr(parser *p, size_t pos, const char *fmt, ...) PRINTF_LIKE(3, 4);
static void perr(parser *p, size_t pos, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = true;
    p->err->offset = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
}

static bool is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static void next(parser *p)
{
    const char *s = p->src;
    while (s[p->pos] == ' ' || s[p->pos] == '\t' || s[p->pos] == '\n' || s[p->pos] == '\r')
        p->pos++;
    p->tpos = p->pos;
    char c = s[p->pos];
    if (!c) {
        p->t = T_EOF;
        return;
    }
    if ((c >= '0' && c <= '9') || (c == '.' && s[p->pos + 1] >= '0' && s[p->pos + 1] <= '9')) {
        char *end;
        p->tnum = strtod(s + p->pos, &end);
        p->pos = (size_t)(end - s);
        p->t = T_NUM;
        return;
    }
    if (is_ident_start(c)) {
        size_t b = p->pos;
        while (is_ident_char(s[p->pos]))
            p->pos++;
        p->ts = s + b;
        p->tlen = p->pos - b;
        p->t = T_IDENT;
        return;
    }
    if (c == '"' || c == '\'') {
        char q = c;
        strbuf sb = {0};
        p->pos++;
        while (s[p->pos] && s[p->pos] != q) {
            char ch = s[p->pos];
            if (ch == '\\' && s[p->pos + 1]) {
                char e = s[p->pos + 1];
                if (e == q || e == '\\') {
                    sb_putc(&sb, e);
                    p->pos += 2;
                    continue;
                }
                if (e == 'n' || e == 't') {
                    sb_putc(&sb, e == 'n' ? '\n' : '\t');
                    p->pos += 2;
                    continue;
                }
                /* other escapes are kept as written (regular expressions) */
            }
            sb_putc(&sb, ch);
            p->pos++;
        }
        if (s[p->pos] != q) {
            sb_free(&sb);
            perr(p, p->tpos, "unterminated string");
            p->t = T_ERR;
            return;
        }
        p->pos++;
        p->ts = arena_strndup(p->a, sb.buf ? sb.buf : "", sb.len);
        p->tlen = sb.len;
        sb_free(&sb);
        p->t = T_STR;
        return;
    }
    p->pos++;
    char d = s[p->pos];
    switch (c) {
    case '(':
        p->t = T_LP;
        return;
    case ')':
        p->t = T_RP;
        return;
    case '[':
        p->t = T_LB;
        return;
    case ']':
        p->t = T_RB;
        return;
    case ',':
        p->t = T_COMMA;
        return;
    case '.':
        p->t = T_DOT;
        return;
    case ':':
        p->t = T_COLON;
        return;
    case '+':
        p->t = T_PLUS;
        return;
    case '-':
        p->t = T_MINUS;
        return;
    case '*':
        p->t = T_STAR;
        return;
    case '/':
        p->t = T_SLASH;
        return;
    case '%':
        p->t = T_PERCENT;
        return;
    case '?':
        if (d == '?') {
            p->pos++;
            p->t = T_COALESCE;
        } else {
            p->t = T_QUEST;
        }
        return;
    case '|':
        if (d == '|') {
            p->pos++;
            p->t = T_OR;
            return;
        }
        break;
    case '&':
        if (d == '&') {
            p->pos++;
            p->t = T_AND;
            return;
        }
        break;
    case '!':
        if (d == '=') {
            p->pos++;
            p->t = T_NE;
        } else if (d == '~') {
            p->pos++;
            p->t = T_NMATCH;
        } else {
            p->t = T_NOT;
        }
        return;
    case '=':
        if (d == '=') {
            p->pos++;
            p->t = T_EQ;
            return;
        }
        if (d == '~') {
            p->pos++;
            p->t = T_MATCH;
            return;
        }
        perr(p, p->tpos, "'=' is not an operator (use '==' to compare)");
        p->t = T_ERR;
        return;
    case '<':
        if (d == '=') {
            p->pos++;
            p->t = T_LE;
        } else {
            p->t = T_LT;
        }
        return;
    case '>':
        if (d == '=') {
            p->pos++;
            p->t = T_GE;
        } else {
            p->t = T_GT;
        }
        return;
    default:
        break;
    }
    perr(p, p->tpos, "unexpected character '%c'", c);
    p->t = T_ERR;
}

static bool tok_is(parser *p, const char *word)
{
    return p->t == T_IDENT && p->tlen == strlen(word) && memcmp(p->ts, word, p->tlen) == 0;
}

/* ---- parser --------------------------------------------------------------- */

static expr *mk(parser *p, ekind k, size_t pos)
{
    expr *e = arena_zalloc(p->a, sizeof *e);
    e->kind = k;
    e->pos = pos;
    return e;
}

static expr *parse_expr(parser *p, int minprec);

static bool expect(parser *p, tok t, const char *what)
{
    if (p->t != t) {
        perr(p, p->tpos, "expected %s", what);
        return false;
    }
    next(p);
    return true;
}

static int find_ns(parser *p, const char *name, size_t n)
{
    for (size_t i = 0; i < p->nns; i++)
        if (strlen(p->nss[i].name) == n && memcmp(p->nss[i].name, name, n) == 0)
            return (int)i;
    return -1;
}

static void check_field(parser *p, const expr *e, size_t pos)
{
    const expr_ns *ns = &p->nss[e->ns];
    if (!ns->fields || !e->path)
        return;
    const char *dot = strchr(e->path, '.');
    size_t n = dot ? (size_t)(dot - e->path) : strlen(e->path);
    for (const char *const *f = ns->fields; *f; f++)
        if (strlen(*f) == n && memcmp(*f, e->path, n) == 0)
            return;
    /* suggest the closest field */
    const char *best = NULL;
    size_t bestd = 4;
    char *name = xstrndup(e->path, n);
    for (const char *const *f = ns->fields; *f; f++) {
        size_t d = edit_distance(name, *f, 3);
        if (d < bestd) {
            bestd = d;
            best = *f;
        }
    }
    if (best)
        perr(p, pos, "'%s' has no field '%s' (did you mean '%s'?)", ns->name, name, best);
    else
        perr(p, pos, "'%s' has no field '%s'", ns->name, name);
    free(name);
}

static expr *extend_path(parser *p, expr *base, const char *seg, size_t n)
{
    if (base->path)
        base->path = arena_printf(p->a, "%s.%.*s", base->path, (int)n, seg);
    else
        base->path = arena_strndup(p->a, seg, n);
    return base;
}

static expr *parse_call(parser *p, const char *name, size_t n, size_t pos)
{
    int fn = -1;
    for (int i = 0; i < F_COUNT; i++)
        if (strlen(fntab[i].name) == n && memcmp(fntab[i].name, name, n) == 0)
            fn = i;
    if (fn < 0) {
        perr(p, pos, "unknown function '%.*s'", (int)n, name);
        return NULL;
    }
    expr *e = mk(p, E_CALL, pos);
    e->op = fn;
    next(p); /* ( */
    size_t cap = 0;
    if (p->t != T_RP) {
        for (;;) {
            expr *arg = parse_expr(p, 0);
            if (!arg) {
                free(e->args); /* still on the heap (moved into the arena below) */
                e->args = NULL;
                return NULL;
            }
            e->args = xgrow(e->args, &cap, e->nargs + 1, sizeof *e->args);
            e->args[e->nargs++] = arg;
            if (p->t == T_COMMA) {
                next(p);
                continue;
            }
            break;
        }
    }
    /* args array came from the heap: move it into the arena */
    if (e->nargs) {
        expr **aa = arena_alloc(p->a, e->nargs * sizeof *aa);
        memcpy(aa, e->args, e->nargs * sizeof *aa);
        free(e->args);
        e->args = aa;
    }
    if (!expect(p, T_RP, "')' after function arguments"))
        return NULL;
    if ((int)e->nargs < fntab[fn].min || (int)e->nargs > fntab[fn].max) {
        if (fntab[fn].min == fntab[fn].max)
            perr(p, pos, "%s() takes %d argument%s, got %zu", fntab[fn].name, fntab[fn].min,
                 fntab[fn].min == 1 ? "" : "s", e->nargs);
        else
            perr(p, pos, "%s() takes %d to %d arguments, got %zu", fntab[fn].name, fntab[fn].min,
                 fntab[fn].max, e->nargs);
        return NULL;
    }
    if ((fn == F_MATCHES || fn == F_CAPTURE || fn == F_ANY_MATCH) && e->args[1]->kind == E_LIT &&
        e->args[1]->lit.kind == V_STR) {
        char buf[200];
        if (regex_check(e->args[1]->lit.s, buf, sizeof buf)) {
            perr(p, e->args[1]->pos, "bad regular expression: %s", buf);
            return NULL;
        }
    }
    return e;
}

static expr *parse_postfix(parser *p, expr *e)
{
    while (e && !p->failed) {
        if (p->t == T_DOT) {
            next(p);
            if (p->t != T_IDENT) {
                perr(p, p->tpos, "expected a name after '.'");
                return NULL;
            }
            if (e->kind == E_VAR) {
                extend_path(p, e, p->ts, p->tlen);
                if (!strchr(e->path, '.'))
                    check_field(p, e, p->tpos);
            } else {
                expr *m = mk(p, E_MEMBER, p->tpos);
                m->a = e;
                m->path = arena_strndup(p->a, p->ts, p->tlen);
                e = m;
            }
            next(p);
        } else if (p->t == T_LB) {
            size_t pos = p->tpos;
            next(p);
            expr *idx = parse_expr(p, 0);
            if (!idx || !expect(p, T_RB, "']'"))
                return NULL;
            if (e->kind == E_VAR && idx->kind == E_LIT &&
                (idx->lit.kind == V_STR || idx->lit.kind == V_NUM)) {
                if (idx->lit.kind == V_STR) {
                    extend_path(p, e, idx->lit.s, idx->lit.slen);
                } else {
                    char buf[32];
                    snprintf(buf, sizeof buf, "%.0f", idx->lit.n);
                    extend_path(p, e, buf, strlen(buf));
                }
                check_field(p, e, idx->pos);
            } else {
                expr *x = mk(p, E_INDEX, pos);
                x->a = e;
                x->b = idx;
                e = x;
            }
        } else {
            break;
        }
    }
    return e;
}

static expr *parse_primary(parser *p)
{
    if (++p->depth > 200) {
        perr(p, p->tpos, "expression nested too deeply");
        return NULL;
    }
    size_t pos = p->tpos;
    expr *e = NULL;
    switch (p->t) {
    case T_NUM:
        e = mk(p, E_LIT, pos);
        e->lit = value_num(p->tnum);
        next(p);
        break;
    case T_STR:
        e = mk(p, E_LIT, pos);
        e->lit = value_str(p->ts, p->tlen);
        next(p);
        break;
    case T_LP:
        next(p);
        e = parse_expr(p, 0);
        if (!e || !expect(p, T_RP, "')'"))
            return NULL;
        break;
    case T_LB: {
        next(p);
        e = mk(p, E_LIST, pos);
        expr *tmp[64];
        size_t n = 0;
        if (p->t != T_RB) {
            for (;;) {
                expr *item = parse_expr(p, 0);
                if (!item)
                    return NULL;
                if (n == ARRAY_LEN(tmp)) {
                    perr(p, item->pos, "list literal longer than %zu items", ARRAY_LEN(tmp));
                    return NULL;
                }
                tmp[n++] = item;
                if (p->t == T_COMMA) {
                    next(p);
                    if (p->t == T_RB)
                        break;
                    continue;
                }
                break;
            }
        }
        if (!expect(p, T_RB, "']' to close the list"))
            return NULL;
        e->args = arena_alloc(p->a, (n ? n : 1) * sizeof *e->args);
        memcpy(e->args, tmp, n * sizeof *tmp);
        e->nargs = n;
        break;
    }
    case T_NOT:
        next(p);
        e = mk(p, E_NOT, pos);
        e->a = parse_expr(p, 13);
        if (!e->a)
            return NULL;
        break;
    case T_MINUS:
        next(p);
        e = mk(p, E_NEG, pos);
        e->a = parse_expr(p, 13);
        if (!e->a)
            return NULL;
        break;
    case T_IDENT: {
        const char *name = p->ts;
        size_t n = p->tlen;
        if (tok_is(p, "true") || tok_is(p, "false")) {
            e = mk(p, E_LIT, pos);
            e->lit = value_bool(tok_is(p, "true"));
            next(p);
            break;
        }
        if (tok_is(p, "null")) {
            e = mk(p, E_LIT, pos);
            e->lit = value_null();
            next(p);
            break;
        }
        if (tok_is(p, "not")) {
            next(p);
            e = mk(p, E_NOT, pos);
            e->a = parse_expr(p, 13);
            if (!e->a)
                return NULL;
            break;
        }
        next(p);
        if (p->t == T_LP) {
            e = parse_call(p, name, n, pos);
            break;
        }
        int ns = find_ns(p, name, n);
        if (ns < 0) {
            strbuf known = {0};
            for (size_t i = 0; i < p->nns; i++)
                sb_printf(&known, "%s%s", i ? ", " : "", p->nss[i].name);
            perr(p, pos, "unknown name '%.*s' (known: %s)", (int)n, name, known.buf ? known.buf : "");
            sb_free(&known);
            return NULL;
        }
        e = mk(p, E_VAR, pos);
        e->ns = ns;
        break;
    }
    case T_EOF:
        perr(p, pos, "unexpected end of expression");
        return NULL;
    default:
        if (!p->failed)
            perr(p, pos, "unexpected token");
        return NULL;
    }
    e = parse_postfix(p, e);
    p->depth--;
    return e;
}

/* precedence: ?: 1, ?? 2, || 3, && 4, equality/match/in 5, relational 6,
 * additive 7, multiplicative 8, unary 13 */
static int infix_prec(parser *p, int *op, ekind *kind)
{
    *kind = E_BIN;
    switch (p->t) {
    case T_QUEST:
        *kind = E_COND;
        return 1;
    case T_COALESCE:
        *kind = E_COALESCE;
        return 2;
    case T_OR:
        *kind = E_OR;
        return 3;
    case T_AND:
        *kind = E_AND;
        return 4;
    case T_EQ:
        *op = OP_EQ;
        return 5;
    case T_NE:
        *op = OP_NE;
        return 5;
    case T_MATCH:
        *op = OP_MATCH;
        return 5;
    case T_NMATCH:
        *op = OP_NMATCH;
        return 5;
    case T_LT:
        *op = OP_LT;
        return 6;
    case T_LE:
        *op = OP_LE;
        return 6;
    case T_GT:
        *op = OP_GT;
        return 6;
    case T_GE:
        *op = OP_GE;
        return 6;
    case T_PLUS:
        *op = OP_ADD;
        return 7;
    case T_MINUS:
        *op = OP_SUB;
        return 7;
    case T_STAR:
        *op = OP_MUL;
        return 8;
    case T_SLASH:
        *op = OP_DIV;
        return 8;
    case T_PERCENT:
        *op = OP_MOD;
        return 8;
    case T_IDENT:
        if (tok_is(p, "in")) {
            *op = OP_IN;
            return 5;
        }
        if (tok_is(p, "not")) {
            /* "not in" */
            size_t save = p->pos;
            const char *s = p->src + save;
            while (*s == ' ' || *s == '\t')
                s++;
            if (s[0] == 'i' && s[1] == 'n' && !is_ident_char(s[2])) {
                *op = OP_NOTIN;
                return 5;
            }
        }
        return -1;
    default:
        return -1;
    }
}

static expr *parse_expr(parser *p, int minprec)
{
    expr *left = parse_primary(p);
    while (left && !p->failed) {
        int op = 0;
        ekind kind;
        int prec = infix_prec(p, &op, &kind);
        if (prec < 0 || prec < minprec)
            break;
        size_t pos = p->tpos;
        if (op == OP_NOTIN) {
            next(p); /* not */
        }
        next(p);
        if (kind == E_COND) {
            expr *e = mk(p, E_COND, pos);
            e->a = left;
            e->b = parse_expr(p, 1);
            if (!e->b || !expect(p, T_COLON, "':' in a ?: expression"))
                return NULL;
            e->c = parse_expr(p, 1);
            if (!e->c)
                return NULL;
            left = e;
            continue;
        }
        expr *e = mk(p, kind, pos);
        e->op = op;
        e->a = left;
        e->b = parse_expr(p, prec + 1);
        if (!e->b)
            return NULL;
        if ((op == OP_MATCH || op == OP_NMATCH) && kind == E_BIN && e->b->kind == E_LIT &&
            e->b->lit.kind == V_STR) {
            char buf[200];
            if (regex_check(e->b->lit.s, buf, sizeof buf)) {
                perr(p, e->b->pos, "bad regular expression: %s", buf);
                return NULL;
            }
        }
        left = e;
    }
    return p->failed ? NULL : left;
}

expr *expr_compile(const char *src, const expr_ns *nss, size_t nns, arena *a, expr_error *err)
{
    parser p = {.src = src, .a = a, .nss = nss, .nns = nns, .err = err};
    err->offset = 0;
    err->msg[0] = '\0';
    next(&p);
    if (p.failed)
        return NULL;
    expr *e = parse_expr(&p, 0);
    if (e && p.t != T_EOF && !p.failed)
        perr(&p, p.tpos, "unexpected text after the expression");
    return p.failed ? NULL : e;
}

/* ---- evaluation -------------------------------------------------------- */

static value eval(const expr *e, const expr_env *env);

static value with_origin(value v, const value *from)
{
    if (!v.origin && from) {
        v.origin = from->origin;
        v.origin_key = from->origin_key;
        v.origin_doc = from->origin_doc;
    }
    return v;
}

static const char *cstr(const value *v, const expr_env *env)
{
    /* a NUL-terminated copy of a string value */
    return arena_strndup(env->scratch, v->s, v->slen);
}

static value node_item(const value *list, size_t i, const expr_env *env)
{
    value out;
    if (list->kind == V_LIST)
        return list->items[i];
    const doc_node *n = list->node;
    env->from_node(env->ud, n->kind == DOC_SEQ ? n->u.items[i] : n->u.pairs[i].key,
                   list->origin_doc, &out);
    return out;
}

static size_t list_len(const value *v)
{
    if (v->kind == V_LIST)
        return v->nitems;
    if (v->kind == V_NODE && v->node)
        return v->node->n;
    return 0;
}

static bool is_listlike(const value *v)
{
    return v->kind == V_LIST || (v->kind == V_NODE && v->node);
}

static int compare(const value *a, const value *b, bool *ok)
{
    *ok = true;
    if (a->kind == V_NUM && b->kind == V_NUM)
        return a->n < b->n ? -1 : a->n > b->n ? 1 : 0;
    if (a->kind == V_STR && b->kind == V_STR) {
        size_t n = a->slen < b->slen ? a->slen : b->slen;
        int c = memcmp(a->s, b->s, n);
        if (c)
            return c;
        return a->slen < b->slen ? -1 : a->slen > b->slen ? 1 : 0;
    }
    *ok = false;
    return 0;
}

static bool contains(const value *hay, const value *needle, const expr_env *env)
{
    if (hay->kind == V_STR && needle->kind == V_STR) {
        if (needle->slen == 0)
            return true;
        if (needle->slen > hay->slen)
            return false;
        for (size_t i = 0; i + needle->slen <= hay->slen; i++)
            if (memcmp(hay->s + i, needle->s, needle->slen) == 0)
                return true;
        return false;
    }
    if (!is_listlike(hay))
        return false;
    size_t n = list_len(hay);
    for (size_t i = 0; i < n; i++) {
        value it = node_item(hay, i, env);
        if (value_equal(&it, needle))
            return true;
    }
    return false;
}

static value do_match(const value *subj, const value *pat, const expr_env *env)
{
    if (subj->kind != V_STR || pat->kind != V_STR)
        return value_bool(false);
    int r = regex_match(cstr(pat, env), subj->s, subj->slen, NULL, NULL);
    return value_bool(r == 1);
}

static value arith(int op, const value *a, const value *b, const expr_env *env)
{
    if (op == OP_ADD && (is_listlike(a) || is_listlike(b)) &&
        (is_listlike(a) || a->kind == V_NULL) && (is_listlike(b) || b->kind == V_NULL)) {
        size_t na = list_len(a), nb = list_len(b);
        value r = value_null();
        r.kind = V_LIST;
        r.nitems = na + nb;
        r.items = arena_alloc(env->scratch, (r.nitems ? r.nitems : 1) * sizeof *r.items);
        for (size_t i = 0; i < na; i++)
            r.items[i] = node_item(a, i, env);
        for (size_t i = 0; i < nb; i++)
            r.items[na + i] = node_item(b, i, env);
        return r;
    }
    if (op == OP_ADD && (a->kind == V_STR || b->kind == V_STR)) {
        strbuf sb = {0};
        value_print(a, &sb);
        value_print(b, &sb);
        value r = value_str(arena_strndup(env->scratch, sb.buf ? sb.buf : "", sb.len), sb.len);
        sb_free(&sb);
        return r;
    }
    if (a->kind != V_NUM || b->kind != V_NUM)
        return value_null();
    double x = a->n, y = b->n;
    switch (op) {
    case OP_ADD:
        return value_num(x + y);
    case OP_SUB:
        return value_num(x - y);
    case OP_MUL:
        return value_num(x * y);
    case OP_DIV:
        return y == 0 ? value_null() : value_num(x / y);
    case OP_MOD:
        return y == 0 ? value_null() : value_num(fmod(x, y));
    default:
        return value_null();
    }
}

static value to_num(const value *v)
{
    if (v->kind == V_NUM)
        return *v;
    if (v->kind == V_BOOL)
        return value_num(v->b ? 1 : 0);
    if (v->kind == V_STR && v->slen && v->slen < 64) {
        char buf[64];
        memcpy(buf, v->s, v->slen);
        buf[v->slen] = '\0';
        /* lax, as pydantic would: allow underscores and surrounding spaces */
        char clean[64];
        size_t k = 0;
        for (size_t i = 0; buf[i]; i++)
            if (buf[i] != '_')
                clean[k++] = buf[i];
        clean[k] = '\0';
        char *end;
        double d = strtod(clean, &end);
        while (*end == ' ')
            end++;
        if (end != clean && *end == '\0')
            return value_num(d);
    }
    return value_null();
}

static value call(const expr *e, const expr_env *env)
{
    value a = e->nargs > 0 ? eval(e->args[0], env) : value_null();
    value b = e->nargs > 1 ? eval(e->args[1], env) : value_null();
    char buf[64];
    switch ((fnid)e->op) {
    case F_DEFINED:
        return with_origin(value_bool(!a.missing), &a);
    case F_LEN:
        if (a.kind == V_STR)
            return value_num((double)a.slen);
        if (is_listlike(&a))
            return value_num((double)list_len(&a));
        return value_null();
    case F_LOWER:
    case F_UPPER: {
        if (a.kind != V_STR)
            return a;
        char *s = arena_strndup(env->scratch, a.s, a.slen);
        for (size_t i = 0; i < a.slen; i++)
            if ((unsigned char)s[i] < 0x80)
                s[i] = (char)(e->op == F_LOWER ? (s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i])
                                               : (s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]));
        return with_origin(value_str(s, a.slen), &a);
    }
    case F_MATCHES:
        return with_origin(do_match(&a, &b, env), &a);
    case F_CAPTURE: {
        if (a.kind != V_STR || b.kind != V_STR)
            return value_null();
        const char *cap;
        size_t caplen;
        if (regex_match(cstr(&b, env), a.s, a.slen, &cap, &caplen) != 1 || !cap)
            return value_null();
        return with_origin(value_str(cap, caplen), &a);
    }
    case F_CONTAINS:
        return with_origin(value_bool(contains(&a, &b, env)), &a);
    case F_STARTSWITH:
        return with_origin(value_bool(a.kind == V_STR && b.kind == V_STR && a.slen >= b.slen &&
                                      memcmp(a.s, b.s, b.slen) == 0),
                           &a);
    case F_ENDSWITH:
        return with_origin(value_bool(a.kind == V_STR && b.kind == V_STR && a.slen >= b.slen &&
                                      memcmp(a.s + a.slen - b.slen, b.s, b.slen) == 0),
                           &a);
    case F_NUM:
        return with_origin(to_num(&a), &a);
    case F_INT: {
        value n = to_num(&a);
        if (n.kind == V_NUM)
            n.n = trunc(n.n);
        return with_origin(n, &a);
    }
    case F_STR: {
        strbuf sb = {0};
        value_print(&a, &sb);
        value r = value_str(arena_strndup(env->scratch, sb.buf ? sb.buf : "", sb.len), sb.len);
        sb_free(&sb);
        return with_origin(r, &a);
    }
    case F_MIN:
    case F_MAX: {
        value best = value_null();
        for (size_t i = 0; i < e->nargs; i++) {
            value v = i == 0 ? a : i == 1 ? b : eval(e->args[i], env);
            if (v.kind != V_NUM)
                continue;
            if (best.kind != V_NUM || (e->op == F_MIN ? v.n < best.n : v.n > best.n))
                best = v;
        }
        return best;
    }
    case F_ABS:
        return a.kind == V_NUM ? value_num(fabs(a.n)) : value_null();
    case F_CEIL:
        return a.kind == V_NUM ? value_num(ceil(a.n)) : value_null();
    case F_FLOOR:
        return a.kind == V_NUM ? value_num(floor(a.n)) : value_null();
    case F_ROUND: {
        if (a.kind != V_NUM)
            return value_null();
        double digits = b.kind == V_NUM ? b.n : 0;
        double m = pow(10, digits);
        return value_num(round(a.n * m) / m);
    }
    case F_LOG2:
        return a.kind == V_NUM && a.n > 0 ? value_num(log2(a.n)) : value_null();
    case F_TYPE: {
        const char *t = "null";
        if (a.origin && a.origin->kind == DOC_SCALAR && a.kind == V_NUM) {
            /* ints and floats differ in the source text */
            bool is_float = memchr(a.origin->text, '.', a.origin->len) ||
                            memchr(a.origin->text, 'e', a.origin->len) ||
                            memchr(a.origin->text, 'E', a.origin->len);
            t = is_float ? "float" : "int";
        } else {
            switch (a.kind) {
            case V_NULL:
                t = "null";
                break;
            case V_BOOL:
                t = "bool";
                break;
            case V_NUM:
                t = a.n == trunc(a.n) ? "int" : "float";
                break;
            case V_STR:
                t = "str";
                break;
            case V_LIST:
                t = "list";
                break;
            case V_NODE:
                t = a.node && a.node->kind == DOC_SEQ ? "list" : "map";
                break;
            }
        }
        return value_str(t, strlen(t));
    }
    case F_TEXT:
        if (a.origin && a.origin->kind == DOC_SCALAR)
            return with_origin(value_str(a.origin->text, a.origin->len), &a);
        return a.kind == V_STR ? a : value_null();
    case F_TAG:
        if (a.origin && a.origin->tag)
            return with_origin(value_str(a.origin->tag, strlen(a.origin->tag)), &a);
        if (a.kind == V_NODE && a.node && a.node->tag)
            return with_origin(value_str(a.node->tag, strlen(a.node->tag)), &a);
        return value_null();
    case F_QUOTED:
        return with_origin(value_bool(a.origin && a.origin->kind == DOC_SCALAR &&
                                      a.origin->style != STYLE_PLAIN),
                           &a);
    case F_KEYS:
    case F_VALUES: {
        if (a.kind != V_NODE || !a.node || a.node->kind != DOC_MAP)
            return value_null();
        value r = value_null();
        r.kind = V_LIST;
        r.nitems = a.node->n;
        r.items = arena_alloc(env->scratch, (r.nitems ? r.nitems : 1) * sizeof *r.items);
        for (size_t i = 0; i < r.nitems; i++)
            env->from_node(env->ud,
                           e->op == F_KEYS ? a.node->u.pairs[i].key : a.node->u.pairs[i].value,
                           a.origin_doc, &r.items[i]);
        return with_origin(r, &a);
    }
    case F_VALID_REGEX: {
        /* true when the pattern (or every string of a list) compiles; other
         * items of a list are skipped, anything else is null */
        if (a.kind == V_STR)
            return with_origin(value_bool(regex_get(cstr(&a, env))->code != NULL), &a);
        if (!is_listlike(&a))
            return value_null();
        size_t n = list_len(&a);
        for (size_t i = 0; i < n; i++) {
            value it = node_item(&a, i, env);
            if (it.kind == V_STR && !regex_get(cstr(&it, env))->code)
                return with_origin(value_bool(false), &a);
        }
        return with_origin(value_bool(true), &a);
    }
    case F_ANY_MATCH: {
        if (b.kind != V_STR)
            return value_bool(false);
        if (a.kind == V_STR)
            return with_origin(do_match(&a, &b, env), &a);
        size_t n = list_len(&a);
        for (size_t i = 0; i < n; i++) {
            value it = node_item(&a, i, env);
            value m = do_match(&it, &b, env);
            if (m.b)
                return with_origin(value_bool(true), &a);
        }
        return with_origin(value_bool(false), &a);
    }
    case F_JOIN: {
        strbuf sb = {0};
        const char *sep = b.kind == V_STR ? cstr(&b, env) : ", ";
        if (is_listlike(&a)) {
            size_t n = list_len(&a);
            for (size_t i = 0; i < n; i++) {
                value it = node_item(&a, i, env);
                if (i)
                    sb_puts(&sb, sep);
                value_print(&it, &sb);
            }
        } else {
            value_print(&a, &sb);
        }
        value r = value_str(arena_strndup(env->scratch, sb.buf ? sb.buf : "", sb.len), sb.len);
        sb_free(&sb);
        return r;
    }
    case F_GIB:
    case F_BYTES: {
        if (a.kind != V_NUM)
            return value_null();
        if (e->op == F_GIB)
            snprintf(buf, sizeof buf, "%.1f GiB", a.n / (1024.0 * 1024.0 * 1024.0));
        else
            format_bytes(buf, sizeof buf, a.n);
        return value_str(arena_strdup(env->scratch, buf), strlen(buf));
    }
    case F_FMT: {
        if (a.kind != V_NUM) {
            strbuf sb = {0};
            value_print(&a, &sb);
            value r = value_str(arena_strndup(env->scratch, sb.buf ? sb.buf : "", sb.len), sb.len);
            sb_free(&sb);
            return r;
        }
        /* clamped before the cast: a huge or NaN count is undefined as an int */
        double dg = b.kind == V_NUM ? b.n : 2;
        int digits = dg > 10 ? 10 : dg >= 0 ? (int)dg : 0;
        snprintf(buf, sizeof buf, "%.*f", digits, a.n);
        return value_str(arena_strdup(env->scratch, buf), strlen(buf));
    }
    case F_SPLIT: {
        /* "a, b,c" -> ["a", "b", "c"], trimming spaces and dropping empties */
        if (a.kind != V_STR || b.kind != V_STR || b.slen == 0)
            return a.kind == V_NULL ? a : value_null();
        size_t cap = 0, n = 0;
        value *items = NULL;
        size_t i = 0;
        while (i <= a.slen) {
            size_t j = i;
            while (j < a.slen && !(a.slen - j >= b.slen && memcmp(a.s + j, b.s, b.slen) == 0))
                j++;
            size_t s0 = i, s1 = j;
            while (s0 < s1 && (a.s[s0] == ' ' || a.s[s0] == '\t'))
                s0++;
            while (s1 > s0 && (a.s[s1 - 1] == ' ' || a.s[s1 - 1] == '\t'))
                s1--;
            if (s1 > s0) {
                items = xgrow(items, &cap, n + 1, sizeof *items);
                items[n++] = with_origin(value_str(a.s + s0, s1 - s0), &a);
            }
            i = j + b.slen;
            if (j >= a.slen)
                break;
        }
        value r = value_null();
        r.kind = V_LIST;
        r.nitems = n;
        r.items = arena_alloc(env->scratch, (n ? n : 1) * sizeof *r.items);
        if (n)
            memcpy(r.items, items, n * sizeof *items);
        free(items);
        return with_origin(r, &a);
    }
    case F_BASENAME: {
        if (a.kind != V_STR)
            return value_null();
        size_t k = a.slen;
        while (k > 0 && a.s[k - 1] == '/')
            k--;
        size_t st = k;
        while (st > 0 && a.s[st - 1] != '/')
            st--;
        return with_origin(value_str(a.s + st, k - st), &a);
    }
    case F_COUNT:
        break;
    }
    return value_null();
}

static value eval(const expr *e, const expr_env *env)
{
    switch (e->kind) {
    case E_LIT:
        return e->lit;
    case E_LIST: {
        value r = value_null();
        r.kind = V_LIST;
        r.nitems = e->nargs;
        r.items = arena_alloc(env->scratch, (e->nargs ? e->nargs : 1) * sizeof *r.items);
        for (size_t i = 0; i < e->nargs; i++)
            r.items[i] = eval(e->args[i], env);
        return r;
    }
    case E_VAR: {
        value v;
        env->resolve(env->ud, e->ns, e->path ? e->path : "", &v);
        return v;
    }
    case E_MEMBER:
    case E_INDEX: {
        value base = eval(e->a, env);
        if (base.kind == V_LIST && e->kind == E_INDEX) {
            value idx = eval(e->b, env);
            /* written so that NaN (a .nan from the config) is out of range too */
            if (idx.kind != V_NUM || !(idx.n >= 0 && idx.n < (double)base.nitems))
                return value_missing();
            return base.items[(size_t)idx.n];
        }
        if (base.kind != V_NODE || !base.node)
            return value_missing();
        char keybuf[64];
        const char *key = e->path;
        if (e->kind == E_INDEX) {
            value idx = eval(e->b, env);
            if (idx.kind == V_STR) {
                key = cstr(&idx, env);
            } else if (idx.kind == V_NUM) {
                snprintf(keybuf, sizeof keybuf, "%.0f", idx.n);
                key = keybuf;
            } else {
                return value_missing();
            }
        }
        doc_pair *pair = NULL;
        doc_node *n = doc_path(base.node, key, &pair);
        if (!n)
            return value_missing();
        value out;
        env->from_node(env->ud, n, base.origin_doc, &out);
        if (pair)
            out.origin_key = pair->key;
        return out;
    }
    case E_CALL:
        return call(e, env);
    case E_NOT: {
        value a = eval(e->a, env);
        return with_origin(value_bool(!value_truthy(&a)), &a);
    }
    case E_NEG: {
        value a = eval(e->a, env);
        return a.kind == V_NUM ? with_origin(value_num(-a.n), &a) : value_null();
    }
    case E_AND: {
        value a = eval(e->a, env);
        if (!value_truthy(&a))
            return with_origin(value_bool(false), &a);
        value b = eval(e->b, env);
        return with_origin(value_bool(value_truthy(&b)), &a);
    }
    case E_OR: {
        value a = eval(e->a, env);
        if (value_truthy(&a))
            return with_origin(value_bool(true), &a);
        value b = eval(e->b, env);
        return with_origin(value_bool(value_truthy(&b)), &b);
    }
    case E_COALESCE: {
        value a = eval(e->a, env);
        if (a.kind != V_NULL)
            return a;
        value b = eval(e->b, env);
        return b;
    }
    case E_COND: {
        value c = eval(e->a, env);
        value r = value_truthy(&c) ? eval(e->b, env) : eval(e->c, env);
        return with_origin(r, &c);
    }
    case E_BIN: {
        value a = eval(e->a, env);
        value b = eval(e->b, env);
        value r;
        bool ok;
        switch ((binop)e->op) {
        case OP_EQ:
            r = value_bool(value_equal(&a, &b));
            break;
        case OP_NE:
            r = value_bool(!value_equal(&a, &b));
            break;
        case OP_LT:
        case OP_LE:
        case OP_GT:
        case OP_GE: {
            int c = compare(&a, &b, &ok);
            if (!ok)
                r = value_bool(false);
            else if (e->op == OP_LT)
                r = value_bool(c < 0);
            else if (e->op == OP_LE)
                r = value_bool(c <= 0);
            else if (e->op == OP_GT)
                r = value_bool(c > 0);
            else
                r = value_bool(c >= 0);
            break;
        }
        case OP_MATCH:
            r = do_match(&a, &b, env);
            break;
        case OP_NMATCH: {
            value m = do_match(&a, &b, env);
            r = value_bool(a.kind == V_STR && !m.b);
            break;
        }
        case OP_IN:
            r = value_bool(contains(&b, &a, env));
            break;
        case OP_NOTIN:
            r = value_bool(!contains(&b, &a, env));
            break;
        default:
            r = arith(e->op, &a, &b, env);
            break;
        }
        r = with_origin(r, &a);
        return with_origin(r, &b);
    }
    }
    return value_null();
}

value expr_eval(const expr *e, const expr_env *env)
{
    return eval(e, env);
}

static void collect_paths(const expr *e, int ns, const char **out, size_t max, size_t *n)
{
    if (!e)
        return;
    if (e->kind == E_VAR && e->ns == ns && e->path) {
        for (size_t i = 0; i < *n && i < max; i++)
            if (strcmp(out[i], e->path) == 0)
                return;
        if (*n < max)
            out[*n] = e->path;
        (*n)++;
        return;
    }
    collect_paths(e->a, ns, out, max, n);
    collect_paths(e->b, ns, out, max, n);
    collect_paths(e->c, ns, out, max, n);
    for (size_t i = 0; i < e->nargs; i++)
        collect_paths(e->args[i], ns, out, max, n);
}

size_t expr_paths(const expr *e, int ns, const char **out, size_t max)
{
    size_t n = 0;
    collect_paths(e, ns, out, max, &n);
    return n;
}

const char *expr_first_path(const expr *e, int ns)
{
    const char *p = NULL;
    return expr_paths(e, ns, &p, 1) ? p : NULL;
}

/* ---- templates -------------------------------------------------------- */

typedef struct tpart {
    const char *text; /* literal, or NULL for an expression */
    size_t len;
    expr *e;
} tpart;

struct tmpl {
    tpart *parts;
    size_t n;
};

tmpl *tmpl_compile(const char *src, const expr_ns *nss, size_t nns, arena *a, expr_error *err)
{
    size_t cap = 8, n = 0;
    tpart *tmp = xmalloc(cap * sizeof *tmp);
    const char *s = src;
    while (*s) {
        const char *h = strstr(s, "${");
        if (!h) {
            tmp = xgrow(tmp, &cap, n + 1, sizeof *tmp);
            tmp[n++] = (tpart){s, strlen(s), NULL};
            break;
        }
        if (h > s) {
            tmp = xgrow(tmp, &cap, n + 1, sizeof *tmp);
            tmp[n++] = (tpart){s, (size_t)(h - s), NULL};
        }
        /* find the matching }, skipping strings */
        const char *q = h + 2;
        int depth = 0;
        char inq = 0;
        for (; *q; q++) {
            if (inq) {
                if (*q == '\\' && q[1])
                    q++;
                else if (*q == inq)
                    inq = 0;
            } else if (*q == '"' || *q == '\'') {
                inq = *q;
            } else if (*q == '{') {
                depth++;
            } else if (*q == '}') {
                if (depth == 0)
                    break;
                depth--;
            }
        }
        if (!*q) {
            err->offset = (size_t)(h - src);
            snprintf(err->msg, sizeof err->msg, "unterminated ${ in template");
            free(tmp);
            return NULL;
        }
        char *inner = arena_strndup(a, h + 2, (size_t)(q - h - 2));
        expr_error e2;
        expr *e = expr_compile(inner, nss, nns, a, &e2);
        if (!e) {
            err->offset = (size_t)(h - src) + 2 + e2.offset;
            snprintf(err->msg, sizeof err->msg, "%s", e2.msg);
            free(tmp);
            return NULL;
        }
        tmp = xgrow(tmp, &cap, n + 1, sizeof *tmp);
        tmp[n++] = (tpart){NULL, 0, e};
        s = q + 1;
    }
    tmpl *t = arena_zalloc(a, sizeof *t);
    t->parts = arena_alloc(a, (n ? n : 1) * sizeof *t->parts);
    memcpy(t->parts, tmp, n * sizeof *tmp);
    t->n = n;
    free(tmp);
    return t;
}

void tmpl_render(const tmpl *t, const expr_env *env, strbuf *out)
{
    for (size_t i = 0; i < t->n; i++) {
        if (t->parts[i].text) {
            sb_add(out, t->parts[i].text, t->parts[i].len);
        } else {
            value v = eval(t->parts[i].e, env);
            value_print(&v, out);
        }
    }
}

bool tmpl_is_constant(const tmpl *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (!t->parts[i].text)
            return false;
    return true;
}
