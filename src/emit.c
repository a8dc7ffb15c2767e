/*
 * emit.c - the emitter dispatch, and the text and GitHub writers. The JSON
 * and SARIF writers live in emit_json.c and emit_sarif.c.
 */
#include "emit.h"
#include "emit_private.h"

#include <stdlib.h>
#include <string.h>

const char *out_format_name(out_format f)
{
    static const char *const names[] = {"text", "json", "sarif", "github"};
    return names[f];
}

int out_format_parse(const char *s)
{
    static const char *const names[] = {"text", "json", "sarif", "github"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void emit_pos(const srcfile *src, size_t off, size_t *line, size_t *col)
{
    *line = src_line_of(src, off) + 1;
    *col = src_col(src, off, COL_CODEPOINT) + 1;
}

/* ---- text -------------------------------------------------------------- */

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"
#define C_BLUE "\033[1;34m"
#define C_DIM "\033[2m"

static const char *sev_color(severity s)
{
    return s == SEV_ERROR ? C_RED : s == SEV_WARNING ? C_YELLOW : C_CYAN;
}

static void text_excerpt(emitter *e, const srcfile *src, size_t start, size_t end)
{
    FILE *out = e->o.out;
    size_t line = src_line_of(src, start);
    size_t len;
    const char *text = src_line_text(src, line, &len);
    if (len > 200)
        len = 200;
    char gutter[16];
    int gw = snprintf(gutter, sizeof gutter, "%zu", line + 1);
    fprintf(out, "%s%*s |%s ", e->o.color ? C_BLUE : "", gw, gutter, e->o.color ? C_RESET : "");
    /* control bytes and invalid UTF-8 print as '?', one column per byte, so the
     * caret below stays aligned with the code-point columns */
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)text[i];
        size_t n = utf8_seq_len((const unsigned char *)text + i, len - i);
        if (c == '\t')
            fputc(' ', out);
        else if (c < 0x20 || c == 0x7f || (c >= 0x80 && n == 1))
            fputc('?', out);
        else
            fwrite(text + i, 1, n, out);
        i += n;
    }
    fputc('\n', out);
    size_t col = src_col(src, start, COL_CODEPOINT);
    size_t line_end_off = src->line_start[line] + len;
    size_t stop = end < line_end_off ? end : line_end_off;
    size_t width = stop > start ? src_col(src, stop, COL_CODEPOINT) - col : 1;
    if (width == 0)
        width = 1;
    if (col > 200)
        col = 200;
    if (width > 200 - (col < 200 ? col : 199))
        width = 200 - col;
    fprintf(out, "%s%*s |%s ", e->o.color ? C_BLUE : "", gw, "", e->o.color ? C_RESET : "");
    fprintf(out, "%*s", (int)col, "");
    if (e->o.color)
        fputs(C_RED, out);
    fputc('^', out);
    for (size_t i = 1; i < width; i++)
        fputc('~', out);
    if (e->o.color)
        fputs(C_RESET, out);
    fputc('\n', out);
}

static void text_diag(emitter *e, const diag *d)
{
    FILE *out = e->o.out;
    size_t line, col;
    emit_pos(d->src, d->start, &line, &col);
    if (e->o.color)
        fprintf(out, C_BOLD "%s:%zu:%zu:" C_RESET " %s%s:" C_RESET " %s " C_DIM "[%s]" C_RESET "\n",
                d->src->path, line, col, sev_color(d->sev), severity_name(d->sev), d->message,
                d->rule);
    else
        fprintf(out, "%s:%zu:%zu: %s: %s [%s]\n", d->src->path, line, col, severity_name(d->sev),
                d->message, d->rule);
    if (e->o.quiet)
        return;
    if (d->src->len)
        text_excerpt(e, d->src, d->start, d->end);
    if (d->help)
        fprintf(out, "  = help: %s\n", d->help);
    for (size_t i = 0; i < d->nrel; i++) {
        size_t rl, rc;
        emit_pos(d->rel[i].src, d->rel[i].start, &rl, &rc);
        fprintf(out, "  = note: %s:%zu:%zu: %s\n", d->rel[i].src->path, rl, rc, d->rel[i].message);
    }
    for (size_t i = 0; i < d->nfixes; i++)
        fprintf(out, "  = fix%s: %s\n", d->fixes[i].safe ? "" : " (--fix=all)", d->fixes[i].title);
}

static void text_file(emitter *e, const emit_file_info *info, const diag *items, size_t n)
{
    if (e->o.show_format && info->format) {
        fprintf(e->o.out, "%s: %s (%s confidence)\n", info->src->path, info->format,
                info->confidence ? info->confidence : "?");
        const char *how = info->command_how ? info->command_how : "default";
        const char *the = how[0] == '-' ? "" : "the ";
        if (info->command && info->command_line)
            fprintf(e->o.out, "%s: command %s (from %s%s, line %zu)\n", info->src->path,
                    info->command, the, how, info->command_line);
        else if (info->command)
            fprintf(e->o.out, "%s: command %s (from %s%s)\n", info->src->path, info->command,
                    the, how);
    } else if (!e->o.quiet && info->format && info->confidence &&
               (strcmp(info->confidence, "low") == 0 || strcmp(info->confidence, "medium") == 0)) {
        /* a guess from few keys: say which format the findings assume */
        fprintf(e->o.out, "%s: note: assumed %s from few keys (%s confidence); --as FORMAT "
                          "chooses another\n",
                info->src->path, info->format_title ? info->format_title : info->format,
                info->confidence);
    }
    for (size_t i = 0; i < n; i++)
        if (items[i].src == info->src && !items[i].suppressed && !items[i].hidden)
            text_diag(e, &items[i]);
}

static void text_end(emitter *e, const emit_summary *s)
{
    if (e->o.quiet)
        return;
    size_t total = s->errors + s->warnings + s->infos;
    if (!total && !s->suppressed)
        return;
    FILE *out = e->o.out;
    fprintf(out, "%zu error%s, %zu warning%s, %zu info in %zu file%s", s->errors,
            s->errors == 1 ? "" : "s", s->warnings, s->warnings == 1 ? "" : "s", s->infos,
            s->files, s->files == 1 ? "" : "s");
    if (s->suppressed)
        fprintf(out, " (%zu suppressed)", s->suppressed);
    fputc('\n', out);
    if (s->fixable_safe)
        fprintf(out, "%zu fixable with --fix", s->fixable_safe);
    if (s->fixable_unsafe)
        fprintf(out, "%s%zu more with --fix=all", s->fixable_safe ? "; " : "", s->fixable_unsafe);
    if (s->fixable_safe || s->fixable_unsafe)
        fputc('\n', out);
    if (s->dropped)
        fprintf(out, "(%zu more diagnostics were not shown: the per-file limit was reached)\n",
                s->dropped);
}

/* ---- GitHub workflow commands ----------------------------------------- */

static void gh_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        switch (*s) {
        case '%':
            fputs("%25", out);
            break;
        case '\r':
            fputs("%0D", out);
            break;
        case '\n':
            fputs("%0A", out);
            break;
        case ':':
            fputs(property ? "%3A" : ":", out);
            break;
        case ',':
            fputs(property ? "%2C" : ",", out);
            break;
        default:
            fputc(*s, out);
        }
    }
}

static void github_file(emitter *e, const emit_file_info *info, const diag *items, size_t n)
{
    FILE *out = e->o.out;
    for (size_t i = 0; i < n; i++) {
        const diag *d = &items[i];
        if (d->src != info->src || d->suppressed || d->hidden)
            continue;
        size_t l1, c1, l2, c2;
        emit_pos(d->src, d->start, &l1, &c1);
        emit_pos(d->src, d->end, &l2, &c2);
        const char *kind = d->sev == SEV_ERROR ? "error" : d->sev == SEV_WARNING ? "warning" : "notice";
        fprintf(out, "::%s file=", kind);
        gh_escape(out, d->src->path, true);
        fprintf(out, ",line=%zu,col=%zu,endLine=%zu,endColumn=%zu,title=", l1, c1, l2, c2);
        gh_escape(out, d->rule, true);
        fputs("::", out);
        gh_escape(out, d->message, false);
        if (d->help) {
            fputs("%0A", out);
            gh_escape(out, d->help, false);
        }
        fputc('\n', out);
    }
}

/* ---- dispatch ------------------------------------------------------------ */

emitter *emit_begin(const emit_opts *o)
{
    emitter *e = xcalloc(1, sizeof *e);
    e->o = *o;
    if (!e->o.out)
        e->o.out = stdout;
    if (o->format == OUT_JSON)
        json_begin(e);
    else if (o->format == OUT_SARIF)
        sarif_begin(e);
    return e;
}

void emit_file(emitter *e, const emit_file_info *info, const diag *items, size_t n)
{
    switch (e->o.format) {
    case OUT_TEXT:
        text_file(e, info, items, n);
        break;
    case OUT_GITHUB:
        github_file(e, info, items, n);
        break;
    case OUT_JSON:
        json_file(e, info, items, n);
        break;
    case OUT_SARIF:
        sarif_file(e, info, items, n);
        break;
    }
}

void emit_end(emitter *e, const emit_summary *s)
{
    switch (e->o.format) {
    case OUT_TEXT:
        text_end(e, s);
        break;
    case OUT_GITHUB:
        break;
    case OUT_JSON:
        json_end(e, s);
        break;
    case OUT_SARIF:
        sarif_end(e, s);
        break;
    }
    fflush(e->o.out);
    free(e);
}

void emit_discard(emitter *e)
{
    if (!e)
        return;
    cJSON_Delete(e->root);
    cJSON_Delete(e->seen_rules);
    free(e);
}
