/*
 * gitindex.h - what the pre-commit hook needs from git: the staged changes
 * and the content of index entries, read through git's NUL-separated
 * plumbing output, with git run directly (no shell, so no quoting of names).
 *
 * Every function prints why it failed on stderr and returns -1; git's own
 * messages reach stderr unchanged.
 */
#ifndef TRAINLINT_GITINDEX_H
#define TRAINLINT_GITINDEX_H

#include "util.h"

#include <stddef.h>

/* One entry of the index: its path (relative to the top of the work tree,
 * byte for byte as git stores it), mode (0100644, 0100755, 0120000 for a
 * symbolic link, 0160000 for a submodule) and object name (hex). */
typedef struct git_entry {
    char *path;
    unsigned mode;
    char *oid;
} git_entry;

typedef struct git_entries {
    git_entry *items;
    size_t n, cap;
} git_entries;

#define GIT_MODE_SYMLINK 0120000u
#define GIT_MODE_GITLINK 0160000u

/* The top folder of the current work tree (malloc'd), or NULL. */
char *git_toplevel(void);

/* The entries that the commit being prepared adds, copies, modifies or
 * renames (the index against HEAD, or against the empty tree before the
 * first commit). Deleted paths are not listed. Returns 0 or -1. */
int git_staged_changes(git_entries *out);

/* Looks up the stage-0 index entry of exactly `path`. Returns 1 and fills
 * *out (free with git_entry_free), 0 when the index has no such entry, or -1. */
int git_index_entry(const char *path, git_entry *out);

/* Appends the content of blob `oid` to *out. Returns 0 or -1. */
int git_blob(const char *oid, strbuf *out);

void git_entry_free(git_entry *e);
void git_entries_free(git_entries *l);

#endif
