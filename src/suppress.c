/*
 * suppress.c - inline suppression comments. See suppress.h.
 */
#include "suppress.h"

#include <stdlib.h>
#include <string.h>

typedef enum { SUP_LINE, SUP_NEXT, SUP_FILE } sup_kind;

typedef struct sup {
    sup_kind kind;
    size_t line;          /* 0-based line of the comment */
    size_t start, end;    /* the directive's bytes */
    char ids[16][64];
    bool used[16];
    size_t nids;
} sup;

static const char *find_directive(const char *line, size_t len)
{
    static const char tag[] = "trainlint:";
    for (size_t i = 0; i < len; i++) {
        if (line[i] != '#')
            continue;
        /* a comment starts at the line start or after whitespace */
        if (i > 0 && line[i - 1] != ' ' && line[i - 1] != '\t')
            continue;
        size_t j = i + 1;
        while (j < len && line[j] == ' ')
            j++;
        if (len - j >= sizeof tag - 1 && memcmp(line + j, tag, sizeof tag - 1) == 0)
            return line + i;
    }
    return NULL;
}

static bool parse(const char *p, const char *end, sup *s)
{
    p = strchr(p, ':') + 1;
    while (p < end && *p == ' ')
        p++;
    static const struct {
        const char *word;
        sup_kind kind;
    } kinds[] = {{"disable-next-line=", SUP_NEXT}, {"disable-file=", SUP_FILE}, {"disable=", SUP_LINE}};
    bool ok = false;
    for (size_t k = 0; k < 3; k++) {
        size_t n = strlen(kinds[k].word);
        if ((size_t)(end - p) >= n && memcmp(p, kinds[k].word, n) == 0) {
            s->kind = kinds[k].kind;
            p += n;
            ok = true;
            break;
        }
    }
    if (!ok)
        return false;
    s->nids = 0;
    while (p < end && s->nids < 16) {
        const char *q = p;
        while (q < end && *q != ',' && *q != ' ' && *q != '\t')
            q++;
        size_t n = (size_t)(q - p);
        if (n && n < 64) {
            memcpy(s->ids[s->nids], p, n);
            s->ids[s->nids][n] = '\0';
            s->used[s->nids] = false;
            s->nids++;
        }
        if (q >= end || *q != ',')
            break;
        p = q + 1;
    }
    return s->nids > 0;
}

void suppress_apply(const srcfile *src, diag_list *dl, severity unused_sev)
{
    if (src->is_json || !src->len)
        return;
    sup *sups = NULL;
    size_t n = 0, cap = 0;
    src_need_lines(src);
    for (size_t l = 0; l < src->nlines; l++) {
        size_t len;
        const char *text = src_line_text(src, l, &len);
        const char *d = find_directive(text, len);
        if (!d)
            continue;
        sups = xgrow(sups, &cap, n + 1, sizeof *sups);
        sup *s = &sups[n];
        memset(s, 0, sizeof *s);
        s->line = l;
        s->start = (size_t)(d - src->data);
        s->end = (size_t)(text + len - src->data);
        if (parse(d, text + len, s))
            n++;
    }
    if (!n) {
        free(sups);
        return;
    }
    size_t before = dl->n;
    for (size_t i = 0; i < before; i++) {
        diag *d = &dl->items[i];
        if (d->src != src || d->suppressed)
            continue;
        size_t line = src_line_of(src, d->start);
        for (size_t k = 0; k < n; k++) {
            sup *s = &sups[k];
            bool applies = s->kind == SUP_FILE || (s->kind == SUP_LINE && s->line == line) ||
                           (s->kind == SUP_NEXT && s->line + 1 == line);
            if (!applies)
                continue;
            for (size_t m = 0; m < s->nids; m++)
                if (strcmp(s->ids[m], d->rule) == 0 || strcmp(s->ids[m], "all") == 0) {
                    d->suppressed = true;
                    s->used[m] = true;
                }
        }
    }
    if (unused_sev != SEV_OFF)
        for (size_t k = 0; k < n; k++)
            for (size_t m = 0; m < sups[k].nids; m++)
                if (!sups[k].used[m])
                    diag_add(dl, src, "unused-suppression", unused_sev, sups[k].start, sups[k].end,
                             "'%s' is suppressed here but nothing reports it", sups[k].ids[m]);
    free(sups);
}
