/*
 * fixapply.h - turning findings' fixes into new file contents, unified diffs
 * of them, and atomic replacement of files on disk.
 *
 * Selection: at most one fix per finding (the first one the level allows),
 * all of a fix's edits or none, and no two fixes whose edits overlap (the
 * later one waits for the next pass). Edits apply to the original bytes, so
 * everything around them (comments, order, quoting, indentation) stays.
 */
#ifndef TRAINLINT_FIXAPPLY_H
#define TRAINLINT_FIXAPPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

typedef enum fix_level { FIX_NONE = 0, FIX_SAFE = 1, FIX_ALL = 2 } fix_level;

/* The new content of one source after the selected fixes. */
typedef struct fixed_src {
    const srcfile *src;
    char *text; /* malloc'd */
    size_t len;
    size_t nfixes;     /* fixes applied */
    const char **titles; /* their titles (pointers into the diag list), nfixes of them */
} fixed_src;

typedef struct fix_result {
    fixed_src *files;
    size_t n;
} fix_result;

/* Applies the fixes of dl's visible, unsuppressed findings at the given level.
 * Only sources that change appear in the result. */
void fix_apply(const diag_list *dl, fix_level level, fix_result *out);
/* The same over the fixes `want` accepts (the first accepted fix of each
 * finding); want NULL accepts all. */
typedef bool (*fix_filter)(void *ctx, const diag *d, const fix *f);
void fix_apply_some(const diag_list *dl, fix_level level, fix_filter want, void *ctx,
                    fix_result *out);
void fix_result_free(fix_result *r);

/* Appends a unified diff (3 lines of context, "--- a/PATH" / "+++ b/PATH")
 * between old and new text to out; nothing when they are equal. */
void fix_unified_diff(const char *path, const char *old, size_t oldlen, const char *new_text,
                      size_t newlen, strbuf *out);

/* Replaces path's content with data atomically: a temporary file in the same
 * directory, fsync, the original's mode, rename over it (a symbolic link's
 * target is replaced, the link stays). expect/expect_len: the content the
 * fixes were computed from; when the file no longer holds exactly that, it is
 * left alone. A read-only file (no write permission bit, or not writable by
 * this user) is left alone too unless force is set; it then stays read-only.
 * Returns 0, or -1 with a malloc'd message in *err. */
int fix_write_atomic(const char *path, const char *data, size_t len, const char *expect,
                     size_t expect_len, bool force, char **err);

#endif
