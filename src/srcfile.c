/*
 * srcfile.c - reading input files and mapping byte offsets to lines and
 * columns. See srcfile.h.
 */
#include "srcfile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void build_lines(srcfile *sf)
{
    size_t cap = 0, n = 0;
    size_t *ls = NULL;
    ls = xgrow(ls, &cap, 1, sizeof *ls);
    ls[n++] = 0;
    for (size_t i = 0; i < sf->len; i++) {
        char c = sf->data[i];
        if (c == '\n' || (c == '\r' && (i + 1 >= sf->len || sf->data[i + 1] != '\n'))) {
            ls = xgrow(ls, &cap, n + 1, sizeof *ls);
            ls[n++] = i + 1;
        }
    }
    sf->line_start = ls;
    sf->nlines = n;
}

srcfile *src_from_static(const char *path, const char *data, size_t len)
{
    srcfile *sf = xcalloc(1, sizeof *sf);
    sf->path = xstrdup(path);
    sf->data = (char *)data; /* never written: borrowed */
    sf->len = len;
    sf->borrowed = true;
    sf->is_json = str_ends(path, ".json") || str_ends(path, ".JSON");
    sf->lines_pending = true;
    sf->nlines = 1;
    return sf;
}

void src_need_lines(const srcfile *csf)
{
    if (!csf->lines_pending)
        return;
    srcfile *sf = (srcfile *)csf; /* a cache: logically const */
    sf->lines_pending = false;
    build_lines(sf);
}

srcfile *src_from_bytes(const char *path, const char *data, size_t len)
{
    srcfile *sf = xcalloc(1, sizeof *sf);
    sf->path = xstrdup(path);
    sf->data = xmalloc(len + 1);
    if (len)
        memcpy(sf->data, data, len);
    sf->data[len] = '\0';
    sf->len = len;
    sf->is_json = str_ends(path, ".json") || str_ends(path, ".JSON");
    build_lines(sf);
    return sf;
}

static srcfile *src_too_large(const char *display, size_t size, size_t limit)
{
    srcfile *sf = src_from_bytes(display, "", 0);
    sf->too_large = true;
    sf->real_size = size;
    sf->size_limit = limit;
    return sf;
}

/* Reads all of fd up to max_bytes; sets *over when there was more. */
static char *read_all(int fd, size_t max_bytes, size_t *len, bool *over, int *err)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    *over = false;
    for (;;) {
        buf = xgrow(buf, &cap, n + 65536 + 1, 1);
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *err = errno;
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max_bytes) {
            *over = true;
            break;
        }
    }
    *len = n;
    return buf;
}

srcfile *src_read(const char *path, const char *display, size_t max_bytes, char **err)
{
    *err = NULL;
    if (!display)
        display = path;
    int fd;
    bool is_stdin = strcmp(path, "-") == 0;
    if (is_stdin) {
        fd = 0;
    } else {
        fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) {
            *err = xasprintf("%s: cannot open: %s", display, strerror(errno));
            return NULL;
        }
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *err = xasprintf("%s: cannot stat: %s", display, strerror(errno));
        if (!is_stdin)
            close(fd);
        return NULL;
    }
    if (!is_stdin) {
        if (S_ISDIR(st.st_mode)) {
            *err = xasprintf("%s: is a directory", display);
            close(fd);
            return NULL;
        }
        if (!S_ISREG(st.st_mode)) {
            *err = xasprintf("%s: not a regular file (FIFO, socket or device); refusing to read it",
                             display);
            close(fd);
            return NULL;
        }
        /* Regular file: blocking reads are fine again. */
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        if ((uint64_t)st.st_size > (uint64_t)max_bytes) {
            close(fd);
            return src_too_large(display, (size_t)st.st_size, max_bytes);
        }
    }
    size_t len = 0;
    bool over = false;
    int rerr = 0;
    char *data = read_all(fd, max_bytes, &len, &over, &rerr);
    if (!is_stdin)
        close(fd);
    if (!data) {
        *err = xasprintf("%s: read error: %s", display, strerror(rerr));
        return NULL;
    }
    if (over) {
        free(data);
        return src_too_large(display, len, max_bytes);
    }
    srcfile *sf = xcalloc(1, sizeof *sf);
    sf->path = xstrdup(display);
    data[len] = '\0';
    sf->data = data;
    sf->len = len;
    sf->is_json = str_ends(display, ".json") || str_ends(display, ".JSON");
    if (!is_stdin) {
        sf->on_disk = true;
        sf->dev = st.st_dev;
        sf->ino = st.st_ino;
        sf->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
        sf->disk_size = st.st_size;
    }
    build_lines(sf);
    return sf;
}

void src_free(srcfile *sf)
{
    if (!sf)
        return;
    free(sf->path);
    if (!sf->borrowed)
        free(sf->data);
    free(sf->line_start);
    free(sf);
}

size_t src_line_of(const srcfile *sf, size_t off)
{
    src_need_lines(sf);
    size_t lo = 0, hi = sf->nlines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (sf->line_start[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static size_t line_end(const srcfile *sf, size_t line)
{
    size_t end = line + 1 < sf->nlines ? sf->line_start[line + 1] : sf->len;
    while (end > sf->line_start[line] && (sf->data[end - 1] == '\n' || sf->data[end - 1] == '\r'))
        end--;
    return end;
}

size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (n > avail)
        return 1;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 1;
    return n;
}

static size_t unit_width(const unsigned char *p, size_t avail, col_unit unit, size_t *bytes)
{
    size_t n = utf8_seq_len(p, avail);
    *bytes = n;
    switch (unit) {
    case COL_UTF8:
        return n;
    case COL_UTF16:
        return n == 4 ? 2 : 1;
    default:
        return 1;
    }
}

size_t src_col(const srcfile *sf, size_t off, col_unit unit)
{
    if (off > sf->len)
        off = sf->len;
    size_t line = src_line_of(sf, off);
    size_t p = sf->line_start[line], col = 0;
    while (p < off) {
        size_t nb;
        col += unit_width((const unsigned char *)sf->data + p, sf->len - p, unit, &nb);
        p += nb;
    }
    return col;
}

size_t src_offset(const srcfile *sf, size_t line, size_t col, col_unit unit)
{
    src_need_lines(sf);
    if (line >= sf->nlines)
        return sf->len;
    size_t p = sf->line_start[line], end = line_end(sf, line), c = 0;
    while (p < end && c < col) {
        size_t nb;
        c += unit_width((const unsigned char *)sf->data + p, sf->len - p, unit, &nb);
        p += nb;
    }
    return p;
}

const char *src_line_text(const srcfile *sf, size_t line, size_t *len)
{
    src_need_lines(sf);
    if (line >= sf->nlines) {
        *len = 0;
        return "";
    }
    size_t s = sf->line_start[line];
    *len = line_end(sf, line) - s;
    return sf->data + s;
}

bool utf8_valid(const char *s, size_t n, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            goto invalid;
        }
        if (i + len > n)
            goto invalid;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                goto invalid;
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            goto invalid;
        i += len;
        continue;
    invalid:
        if (bad)
            *bad = i;
        return false;
    }
    return true;
}
