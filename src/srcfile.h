/*
 * srcfile.h - one input file's raw bytes and its line table.
 *
 * Positions everywhere in trainlint are byte offsets into srcfile.data.
 * This module projects them to what each output needs: 1-based line and
 * code-point column for text, SARIF and GitHub; zero-based line and UTF-16
 * (or UTF-8 / UTF-32) column for LSP-shaped JSON. It also reads files
 * with the size limit and refuses what is not a regular file.
 */
#ifndef TRAINLINT_SRCFILE_H
#define TRAINLINT_SRCFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct srcfile {
    char *path;          /* display path, owned */
    char *data;          /* raw bytes, NUL-terminated, owned */
    size_t len;          /* number of bytes (without the terminator) */
    size_t *line_start;  /* byte offset of each line's first byte, owned */
    size_t nlines;       /* at least 1 */
    bool is_json;        /* decided by name (.json) or content */
    bool too_large;      /* the file exceeded the size limit; data is empty */
    size_t real_size;    /* the size on disk when too_large */
    size_t size_limit;   /* the limit it exceeded */
    /* identity of the file on disk, for --fix's changed-on-disk check */
    bool on_disk;
    dev_t dev;
    ino_t ino;
    int64_t mtime_ns;
    off_t disk_size;
    bool borrowed;      /* data belongs to the binary (compiled-in data files) */
    bool lines_pending; /* the line table is built on first use */
} srcfile;

typedef enum col_unit { COL_CODEPOINT, COL_UTF16, COL_UTF8 } col_unit;

/* Makes a srcfile from bytes (copied). Never fails. */
srcfile *src_from_bytes(const char *path, const char *data, size_t len);
/* A srcfile over bytes that outlive it (compiled into the binary, NUL-terminated):
 * nothing is copied and the line table is built only if a position is asked for. */
srcfile *src_from_static(const char *path, const char *data, size_t len);
/* Builds the line table of a srcfile made by src_from_static (no-op otherwise);
 * the srcfile functions below call it themselves. */
void src_need_lines(const srcfile *sf);

/* Reads a file. Returns NULL and sets *err (malloc'd) when the path cannot be
 * read (missing, unreadable, a directory, FIFO or device). A file larger than
 * max_bytes is returned with too_large set and no data, so the caller can
 * report it as a finding. "-" reads standard input. */
srcfile *src_read(const char *path, const char *display, size_t max_bytes, char **err);

void src_free(srcfile *sf);

/* 0-based line of a byte offset (offsets past the end clamp to the last). */
size_t src_line_of(const srcfile *sf, size_t off);
/* 0-based column of a byte offset on its line, in the given unit. */
size_t src_col(const srcfile *sf, size_t off, col_unit unit);
/* Byte offset of 0-based (line, column in unit); clamps to the line's end. */
size_t src_offset(const srcfile *sf, size_t line, size_t col, col_unit unit);
/* The bytes of a 0-based line without its line break. */
const char *src_line_text(const srcfile *sf, size_t line, size_t *len);

/* UTF-8 helpers shared by the emitters. */
/* Length in bytes of the UTF-8 sequence starting at p (1 for invalid). */
size_t utf8_seq_len(const unsigned char *p, size_t avail);
/* Returns true when [p, p+n) is valid UTF-8; *bad receives the offset of
 * the first invalid byte otherwise. */
bool utf8_valid(const char *p, size_t n, size_t *bad);

#endif
