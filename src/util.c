/*
 * util.c - allocation wrappers, strbuf, arena and small string helpers.
 *
 * Owns the single out-of-memory policy (print, exit 2) and overflow-checked
 * growth. Nothing here knows about trainer configs.
 */
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <string.h>

NORETURN void die_oom(size_t n)
{
    fprintf(stderr, "trainlint: out of memory (%zu bytes)\n", n);
    exit(2);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_oom(n);
    return p;
}

void *xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        die_oom(count * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_oom(n);
    return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            die_oom(SIZE_MAX);
        ncap *= 2;
    }
    if (size && ncap > SIZE_MAX / size)
        die_oom(SIZE_MAX);
    p = xrealloc(p, ncap * size);
    *cap = ncap;
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xasprintf(const char *fmt, ...)
{
    strbuf sb = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    return sb_detach(&sb);
}

/* ---- strbuf ---------------------------------------------------------- */

static void sb_reserve(strbuf *sb, size_t extra)
{
    if (extra > SIZE_MAX - sb->len - 1)
        die_oom(SIZE_MAX);
    sb->buf = xgrow(sb->buf, &sb->cap, sb->len + extra + 1, 1);
}

void sb_add(strbuf *sb, const char *s, size_t n)
{
    sb_reserve(sb, n);
    if (n)
        memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_puts(strbuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_putc(strbuf *sb, char c)
{
    sb_add(sb, &c, 1);
}

void sb_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return;
    sb_reserve(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void sb_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

char *sb_detach(strbuf *sb)
{
    char *b = sb->buf ? sb->buf : xstrdup("");
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return b;
}

void sb_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

void sb_free(strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

/* ---- arena ----------------------------------------------------------- */

struct arena_block {
    arena_block *next;
    size_t cap;
    size_t used;
    max_align_t data[];
};

#define ARENA_BLOCK_MIN (32u * 1024u)

/* Large arena allocations (the node arrays of a loaded document) are filled
 * right away: one madvise call maps their pages instead of one page fault per
 * 4 KiB, which on a virtual machine cost more than the parsing. Only the
 * requested range is touched, so the resident size does not grow. A kernel
 * without MADV_POPULATE_WRITE (before Linux 5.14) refuses it: no harm. */
static void prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t lo = ((uintptr_t)p + 4095) & ~(uintptr_t)4095;
    uintptr_t hi = ((uintptr_t)p + n) & ~(uintptr_t)4095;
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

void *arena_alloc(arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    if (n > SIZE_MAX - align)
        die_oom(n);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK_MIN ? n : ARENA_BLOCK_MIN;
        if (b && b->cap * 2 > cap && b->cap < (size_t)16 << 20)
            cap = b->cap * 2;
        b = xmalloc(sizeof(arena_block) + cap);
        b->cap = cap;
        b->used = 0;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    a->used_total += n;
    if (n >= 16384)
        prefault(p, n);
    return p;
}

void *arena_zalloc(arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *d = arena_alloc(a, n + 1);
    if (n)
        memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *arena_strdup(arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap, cp;
    va_start(ap, fmt);
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0) {
        va_end(ap);
        return arena_strdup(a, "");
    }
    char *d = arena_alloc(a, (size_t)n + 1);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
    a->used_total = 0;
}

/* ---- strings --------------------------------------------------------- */

bool str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool str_starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

size_t edit_distance(const char *a, const char *b, size_t cap)
{
    size_t n = strlen(a), m = strlen(b);
    if ((n > m ? n - m : m - n) > cap)
        return cap + 1;
    if (m > 256 || n > 256)
        return cap + 1;
    /* only cells within cap of the diagonal can stay within cap (Ukkonen's
     * band): each row costs O(cap), not O(m); cells outside count as cap + 1.
     * Three rows rotate: the transposition step reads two rows up. Each row
     * writes its band plus one cell either side, which covers every cell the
     * next two rows read. */
    const size_t over = cap + 1;
    size_t rows[3][257];
    size_t *back2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= m; j++)
        prev[j] = j <= cap ? j : over;
    for (size_t i = 1; i <= n; i++) {
        size_t lo = i > cap ? i - cap : 1, hi = i + cap < m ? i + cap : m;
        cur[0] = i <= cap ? i : over;
        if (lo > 1)
            cur[lo - 1] = over;
        size_t rowmin = lo == 1 ? cur[0] : over;
        /* b holds no NUL, so on the first row the swap test never passes */
        const char ai = a[i - 1], aprev = i > 1 ? a[i - 2] : '\0';
        for (size_t j = lo; j <= hi; j++) {
            const char bj = b[j - 1];
            size_t cost = ai == bj ? 0 : 1;
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            /* two adjacent characters swapped count as one edit */
            if (cost && aprev == bj && j > 1 && ai == b[j - 2] && back2[j - 2] + 1 < v)
                v = back2[j - 2] + 1;
            if (v > over)
                v = over;
            cur[j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (hi < m)
            cur[hi + 1] = over;
        /* a row never drops more than one below the row above it, and a
         * transposition adds one to a cell two rows up: once a whole row is
         * over the cap, every later row is too */
        if (rowmin > cap)
            return over;
        size_t *t = back2;
        back2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m] > cap ? over : prev[m];
}

void format_number(char *out, size_t outsz, double v)
{
    if (isnan(v)) {
        snprintf(out, outsz, "nan");
    } else if (isinf(v)) {
        snprintf(out, outsz, v < 0 ? "-inf" : "inf");
    } else if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, outsz, "%.0f", v);
    } else {
        snprintf(out, outsz, "%.6g", v);
    }
}

void format_bytes(char *out, size_t outsz, double bytes)
{
    const double gib = 1024.0 * 1024.0 * 1024.0;
    const double mib = 1024.0 * 1024.0;
    if (fabs(bytes) >= gib)
        snprintf(out, outsz, "%.1f GiB", bytes / gib);
    else if (fabs(bytes) >= mib)
        snprintf(out, outsz, "%.0f MiB", bytes / mib);
    else if (fabs(bytes) >= 1024.0)
        snprintf(out, outsz, "%.0f KiB", bytes / 1024.0);
    else
        snprintf(out, outsz, "%.0f B", bytes);
}
