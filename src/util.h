/*
 * util.h - allocation wrappers, a growable string buffer and a bump arena.
 *
 * Every allocation in trainlint goes through these functions. Out of memory
 * is not recoverable for a command-line linter: the wrappers print the size
 * that failed and exit with status 2. Array growth is overflow-checked.
 */
#ifndef TRAINLINT_UTIL_H
#define TRAINLINT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))
#else
#define PRINTF_LIKE(f, a)
#define NORETURN
#endif

/* Allocation: never return NULL. xfree-style ownership is the caller's. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of `size`-byte elements to at least `need` elements,
 * doubling; `*cap` is updated. Returns the (possibly moved) array. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);
NORETURN void die_oom(size_t n);

/* A growable NUL-terminated byte string. Zero-initialise to start. */
typedef struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
} strbuf;

void sb_add(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_putc(strbuf *sb, char c);
void sb_printf(strbuf *sb, const char *fmt, ...) PRINTF_LIKE(2, 3);
void sb_vprintf(strbuf *sb, const char *fmt, va_list ap) PRINTF_LIKE(2, 0);
/* Returns the buffer (never NULL) and leaves the strbuf empty. */
char *sb_detach(strbuf *sb);
void sb_reset(strbuf *sb);
void sb_free(strbuf *sb);

/* Bump allocator: many small allocations released together. */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t used_total;
} arena;

void *arena_alloc(arena *a, size_t n);
void *arena_zalloc(arena *a, size_t n);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) PRINTF_LIKE(2, 3);
void arena_free(arena *a);

/* Small string helpers. */
bool str_eq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);
bool str_ends(const char *s, const char *suffix);
/* Edit distance where an insertion, a deletion, a substitution or a swap of
 * two adjacent characters each count one (optimal string alignment: a swapped
 * pair is not edited again), capped: returns cap+1 when the distance exceeds
 * cap. */
size_t edit_distance(const char *a, const char *b, size_t cap);
/* Formats a double the way messages show numbers: integers without a
 * fractional part, others with up to 6 significant digits. */
void format_number(char *out, size_t outsz, double v);
/* Formats a byte count as "12.3 GiB" / "512 MiB". */
void format_bytes(char *out, size_t outsz, double bytes);

#endif
