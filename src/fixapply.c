/*
 * fixapply.c - fix selection and application, unified diffs, atomic writes.
 * See fixapply.h.
 */
#include "fixapply.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- selection and application ------------------------------------------ */

typedef struct chosen_edit {
    const fix_edit *e;
    size_t fix_index;
} chosen_edit;

static bool overlaps(const fix_edit *a, const fix_edit *b)
{
    if (a->src != b->src)
        return false;
    /* two insertions at the same point conflict too (their order is unknown) */
    if (a->start == a->end && b->start == b->end)
        return a->start == b->start;
    return a->start < b->end && b->start < a->end;
}

static int cmp_edit(const void *x, const void *y)
{
    const chosen_edit *a = x, *b = y;
    if (a->e->src != b->e->src)
        return a->e->src < b->e->src ? -1 : 1;
    if (a->e->start != b->e->start)
        return a->e->start < b->e->start ? -1 : 1;
    return a->fix_index < b->fix_index ? -1 : a->fix_index > b->fix_index;
}

void fix_apply(const diag_list *dl, fix_level level, fix_result *out)
{
    fix_apply_some(dl, level, NULL, NULL, out);
}

void fix_apply_some(const diag_list *dl, fix_level level, fix_filter want, void *ctx,
                    fix_result *out)
{
    memset(out, 0, sizeof *out);
    if (level == FIX_NONE)
        return;
    chosen_edit *edits = NULL;
    size_t ne = 0, cap = 0;
    const fix **fixes = NULL;
    size_t nf = 0;
    for (size_t i = 0; i < dl->n; i++) {
        const diag *d = &dl->items[i];
        if (d->hidden || d->suppressed || d->nfixes == 0)
            continue;
        const fix *f = NULL;
        for (size_t k = 0; k < d->nfixes && !f; k++)
            if ((d->fixes[k].safe || level == FIX_ALL) && d->fixes[k].nedits > 0 &&
                (!want || want(ctx, d, &d->fixes[k])))
                f = &d->fixes[k];
        if (!f)
            continue;
        bool ok = true;
        for (size_t k = 0; k < f->nedits && ok; k++) {
            const fix_edit *e = &f->edits[k];
            if (!e->src || e->start > e->end || e->end > e->src->len)
                ok = false;
            for (size_t m = 0; m < ne && ok; m++)
                if (overlaps(e, edits[m].e))
                    ok = false;
            /* a fix's own edits must not overlap each other either */
            for (size_t m = 0; m < k && ok; m++)
                if (overlaps(e, &f->edits[m]))
                    ok = false;
        }
        if (!ok)
            continue;
        fixes = xrealloc(fixes, (nf + 1) * sizeof *fixes);
        fixes[nf] = f;
        for (size_t k = 0; k < f->nedits; k++) {
            if (ne == cap) {
                cap = cap ? cap * 2 : 16;
                edits = xrealloc(edits, cap * sizeof *edits);
            }
            edits[ne].e = &f->edits[k];
            edits[ne].fix_index = nf;
            ne++;
        }
        nf++;
    }
    if (ne == 0) {
        free(fixes);
        free(edits);
        return;
    }
    qsort(edits, ne, sizeof *edits, cmp_edit);
    for (size_t i = 0; i < ne;) {
        const srcfile *src = edits[i].e->src;
        size_t j = i;
        while (j < ne && edits[j].e->src == src)
            j++;
        strbuf b = {0};
        size_t pos = 0;
        for (size_t k = i; k < j; k++) {
            const fix_edit *e = edits[k].e;
            sb_add(&b, src->data + pos, e->start - pos);
            const char *t = e->text ? e->text : "";
            sb_puts(&b, t);
            pos = e->end;
            /* keep a trailing comment in its column: a value that grew eats
             * spaces before the '#', one that shrank gets them added */
            size_t tl = strlen(t), old = e->end - e->start;
            size_t next = k + 1 < j ? edits[k + 1].e->start : src->len;
            size_t sp = 0;
            while (e->end + sp < src->len && src->data[e->end + sp] == ' ')
                sp++;
            bool comment = e->end + sp < src->len && src->data[e->end + sp] == '#' && sp >= 1 &&
                           e->end + sp <= next && !memchr(t, '\n', tl) &&
                           !memchr(src->data + e->start, '\n', old);
            if (comment && tl > old)
                pos += (tl - old < sp - 1) ? tl - old : sp - 1;
            else if (comment && tl < old)
                for (size_t pad = 0; pad < old - tl; pad++)
                    sb_putc(&b, ' ');
        }
        sb_add(&b, src->data + pos, src->len - pos);
        out->files = xrealloc(out->files, (out->n + 1) * sizeof *out->files);
        fixed_src *fs = &out->files[out->n++];
        memset(fs, 0, sizeof *fs);
        fs->src = src;
        fs->len = b.len;
        fs->text = sb_detach(&b);
        /* the fixes that touched this source, once each */
        fs->titles = xcalloc(nf, sizeof *fs->titles);
        for (size_t k = i; k < j; k++) {
            const char *t = fixes[edits[k].fix_index]->title;
            bool seen = false;
            for (size_t m = 0; m < fs->nfixes && !seen; m++)
                seen = fs->titles[m] == t;
            if (!seen)
                fs->titles[fs->nfixes++] = t;
        }
        i = j;
    }
    free(fixes);
    free(edits);
}

void fix_result_free(fix_result *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->files[i].text);
        free(r->files[i].titles);
    }
    free(r->files);
    memset(r, 0, sizeof *r);
}

/* ---- unified diff ---------------------------------------------------------- */

typedef struct line {
    const char *p;
    size_t len; /* including the newline, if any */
} line;

static line *split_lines(const char *t, size_t n, size_t *count)
{
    size_t cap = 64, k = 0;
    line *ls = xmalloc(cap * sizeof *ls);
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(t + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - t) + 1 : n;
        if (k == cap) {
            cap *= 2;
            ls = xrealloc(ls, cap * sizeof *ls);
        }
        ls[k].p = t + i;
        ls[k].len = end - i;
        k++;
        i = end;
    }
    *count = k;
    return ls;
}

static bool line_eq(const line *a, const line *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* Edit script entries: ' ' same, '-' old only, '+' new only. */
typedef struct op {
    char kind;
    size_t a, b; /* line index in old (for ' ' and '-') and new (for ' ' and '+') */
} op;

#define LCS_MAX_CELLS (4u * 1024 * 1024)

static void push_op(op **ops, size_t *n, size_t *cap, char kind, size_t a, size_t b)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 64;
        *ops = xrealloc(*ops, *cap * sizeof **ops);
    }
    (*ops)[*n].kind = kind;
    (*ops)[*n].a = a;
    (*ops)[*n].b = b;
    (*n)++;
}

#define PUSH(k, x, y) push_op(ops, nops, cap, (k), (x), (y))

/* The middle part (after the common prefix and suffix): an LCS table when it
 * is small enough, else one block of removals then additions. */
static void diff_middle(const line *A, size_t a0, size_t a1, const line *B, size_t b0, size_t b1,
                        op **ops, size_t *nops, size_t *cap)
{
    size_t n = a1 - a0, m = b1 - b0;
    if (n == 0 || m == 0 || (n + 1) * (m + 1) > LCS_MAX_CELLS) {
        for (size_t i = a0; i < a1; i++)
            PUSH('-', i, b0);
        for (size_t j = b0; j < b1; j++)
            PUSH('+', a1, j);
        return;
    }
    uint32_t *L = xcalloc((n + 1) * (m + 1), sizeof *L);
#define AT(i, j) L[(i) * (m + 1) + (j)]
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            AT(i, j) = line_eq(&A[a0 + i], &B[b0 + j])
                           ? AT(i + 1, j + 1) + 1
                           : (AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1));
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && line_eq(&A[a0 + i], &B[b0 + j])) {
            PUSH(' ', a0 + i, b0 + j);
            i++, j++;
        } else if (j < m && (i == n || AT(i, j + 1) > AT(i + 1, j))) {
            PUSH('+', a0 + i, b0 + j);
            j++;
        } else {
            PUSH('-', a0 + i, b0 + j);
            i++;
        }
    }
#undef AT
    free(L);
}
#undef PUSH

static void emit_line(strbuf *out, char kind, const line *l)
{
    sb_putc(out, kind);
    sb_add(out, l->p, l->len);
    if (l->len == 0 || l->p[l->len - 1] != '\n')
        sb_puts(out, "\n\\ No newline at end of file\n");
}

void fix_unified_diff(const char *path, const char *old, size_t oldlen, const char *new_text,
                      size_t newlen, strbuf *out)
{
    if (oldlen == newlen && memcmp(old, new_text, oldlen) == 0)
        return;
    size_t na, nb;
    line *A = split_lines(old, oldlen, &na);
    line *B = split_lines(new_text, newlen, &nb);
    size_t pre = 0;
    while (pre < na && pre < nb && line_eq(&A[pre], &B[pre]))
        pre++;
    size_t suf = 0;
    while (suf < na - pre && suf < nb - pre && line_eq(&A[na - 1 - suf], &B[nb - 1 - suf]))
        suf++;
    op *ops = NULL;
    size_t nops = 0, cap = 0;
    for (size_t i = 0; i < pre; i++)
        push_op(&ops, &nops, &cap, ' ', i, i);
    diff_middle(A, pre, na - suf, B, pre, nb - suf, &ops, &nops, &cap);
    for (size_t k = 0; k < suf; k++)
        push_op(&ops, &nops, &cap, ' ', na - suf + k, nb - suf + k);
    sb_printf(out, "--- a/%s\n+++ b/%s\n", path, path);
    const size_t ctx = 3;
    size_t k = 0;
    while (k < nops) {
        while (k < nops && ops[k].kind == ' ')
            k++;
        if (k == nops)
            break;
        /* a hunk: from ctx lines before this change to ctx lines after the
         * last change that is at most 2*ctx unchanged lines away */
        size_t start = k >= ctx ? k - ctx : 0;
        size_t end = k;
        size_t last_change = k;
        for (size_t t = k; t < nops; t++) {
            if (ops[t].kind != ' ')
                last_change = t;
            else if (t - last_change > 2 * ctx)
                break;
        }
        end = last_change + ctx + 1 < nops ? last_change + ctx + 1 : nops;
        size_t a_start = 0, b_start = 0, a_count = 0, b_count = 0;
        bool a_set = false, b_set = false;
        for (size_t t = start; t < end; t++) {
            if (ops[t].kind != '+') {
                if (!a_set)
                    a_start = ops[t].a, a_set = true;
                a_count++;
            }
            if (ops[t].kind != '-') {
                if (!b_set)
                    b_start = ops[t].b, b_set = true;
                b_count++;
            }
        }
        if (!a_set)
            a_start = ops[start].a;
        if (!b_set)
            b_start = ops[start].b;
        /* unified diff line numbers are 1-based; an empty range names the line before */
        sb_printf(out, "@@ -%zu,%zu +%zu,%zu @@\n", a_count ? a_start + 1 : a_start, a_count,
                  b_count ? b_start + 1 : b_start, b_count);
        for (size_t t = start; t < end; t++) {
            if (ops[t].kind == '+')
                emit_line(out, '+', &B[ops[t].b]);
            else
                emit_line(out, ops[t].kind, &A[ops[t].a]);
        }
        k = end;
    }
    free(ops);
    free(A);
    free(B);
}

/* ---- atomic write ------------------------------------------------------------ */

/* Test hooks: TRAINLINT_FAULT=write makes the write of the temporary file fail
 * halfway and TRAINLINT_FAULT=rename the final rename (both must leave the
 * original untouched and no temporary file behind); TRAINLINT_FAULT=changed
 * appends a newline to the file just before the changed-on-disk check, as an
 * editor saving it at that moment would. */
static bool fault(const char *where)
{
    const char *f = getenv("TRAINLINT_FAULT");
    return f && strcmp(f, where) == 0;
}

static bool same_content(const char *path, const char *expect, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool same = true;
    char buf[65536];
    size_t off = 0, got;
    while (same && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (off + got > len || memcmp(buf, expect + off, got) != 0)
            same = false;
        off += got;
    }
    if (ferror(f))
        same = false;
    fclose(f);
    return same && off == len;
}

int fix_write_atomic(const char *path, const char *data, size_t len, const char *expect,
                     size_t expect_len, bool force, char **err)
{
    *err = NULL;
    char target[PATH_MAX];
    if (!realpath(path, target)) {
        *err = xasprintf("%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(target, &st) != 0 || !S_ISREG(st.st_mode)) {
        *err = xasprintf("%s: not a regular file; not rewritten", path);
        return -1;
    }
    /* the rename below would replace a read-only file as easily as any other
     * (it needs only the folder to be writable), so ask first; the mode bits
     * count too, since root may write anything */
    if (access(target, W_OK) != 0 && errno == EROFS) {
        *err = xasprintf("%s: on a read-only file system; not rewritten", path);
        return -1;
    }
    if (!force && ((st.st_mode & 0222) == 0 || access(target, W_OK) != 0)) {
        *err = xasprintf("%s is read-only; not rewritten (--force rewrites it, keeping its mode)",
                         path);
        return -1;
    }
    if (fault("changed")) {
        /* simulate an editor saving the file between the check and the write */
        FILE *f = fopen(target, "ab");
        if (f) {
            fputc('\n', f);
            fclose(f);
        }
    }
    if (expect && !same_content(target, expect, expect_len)) {
        *err = xasprintf("%s changed on disk since it was read; not rewritten (run again)", path);
        return -1;
    }
    char tmp[PATH_MAX];
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target) : 0;
    if (snprintf(tmp, sizeof tmp, "%.*s/.%s.trainlint-XXXXXX", (int)dirlen, target,
                 slash ? slash + 1 : target) >= (int)sizeof tmp) {
        *err = xasprintf("%s: path too long", path);
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        *err = xasprintf("%s: cannot create a temporary file beside it: %s", path, strerror(errno));
        return -1;
    }
    size_t off = 0;
    size_t limit = fault("write") ? len / 2 : len;
    while (off < limit) {
        ssize_t w = write(fd, data + off, limit - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        off += (size_t)w;
    }
    int saved = errno;
    bool ok = off == len;
    if (!ok && fault("write"))
        saved = ENOSPC;
    if (ok && fsync(fd) != 0) {
        ok = false;
        saved = errno;
    }
    if (ok && fchmod(fd, st.st_mode & 07777) != 0) {
        ok = false;
        saved = errno;
    }
    if (ok && geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) != 0) {
        ok = false;
        saved = errno;
    }
    if (close(fd) != 0 && ok) {
        ok = false;
        saved = errno;
    }
    if (ok && fault("rename")) {
        ok = false;
        saved = EIO;
    }
    if (ok && rename(tmp, target) != 0) {
        ok = false;
        saved = errno;
    }
    if (!ok) {
        unlink(tmp);
        *err = xasprintf("%s: could not write the fixed file (%s); the original is unchanged", path,
                      strerror(saved));
        return -1;
    }
    /* make the rename durable */
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", (int)(dirlen ? dirlen : 1), dirlen ? target : "/");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}
