/*
 * gitindex.c - the staged changes and index entries, from git plumbing run
 * without a shell and read NUL-separated. See gitindex.h.
 */
#include "gitindex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs git with `args` (args[0] is "git", NULL-terminated), its standard
 * input from /dev/null and its standard output appended to *out. Returns
 * git's exit status, or -1 when it could not be run or was killed. */
static int run_git(const char *const *args, strbuf *out)
{
    int fd[2];
    if (pipe(fd) != 0) {
        fprintf(stderr, "trainlint: cannot run git: %s\n", strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "trainlint: cannot run git: %s\n", strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0 && null != 0) {
            dup2(null, 0);
            close(null);
        }
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execvp("git", (char *const *)args);
        fprintf(stderr, "trainlint: cannot run git: %s\n", strerror(errno));
        _exit(127);
    }
    close(fd[1]);
    char buf[65536];
    int read_errno = 0;
    for (;;) {
        ssize_t r = read(fd[0], buf, sizeof buf);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            read_errno = errno;
        if (r <= 0)
            break;
        sb_add(out, buf, (size_t)r);
    }
    close(fd[0]);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "trainlint: git %s: %s\n", args[1], strerror(errno));
            return -1;
        }
    }
    if (read_errno) {
        fprintf(stderr, "trainlint: reading from git %s: %s\n", args[1], strerror(read_errno));
        return -1;
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    fprintf(stderr, "trainlint: git %s was killed by signal %d\n", args[1],
            WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return -1;
}

/* run_git that must succeed: a non-zero status is an error. */
static int git_ok(const char *const *args, strbuf *out)
{
    int rc = run_git(args, out);
    if (rc > 0)
        fprintf(stderr, "trainlint: git %s failed (exit %d)\n", args[1], rc);
    return rc == 0 ? 0 : -1;
}

static bool is_hex(const char *s, size_t n)
{
    if (n < 40)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]) || !s[i])
            return false;
    return true;
}

static void entries_push(git_entries *l, const char *path, size_t plen, unsigned mode,
                         const char *oid, size_t olen)
{
    l->items = xgrow(l->items, &l->cap, l->n + 1, sizeof *l->items);
    git_entry *e = &l->items[l->n++];
    e->path = xstrndup(path, plen);
    e->mode = mode;
    e->oid = xstrndup(oid, olen);
}

/* The tree the index is compared with: HEAD's, or the empty tree before the
 * first commit. Malloc'd hex name, or NULL. */
static char *base_tree(void)
{
    strbuf out = {0};
    const char *head[] = {"git", "rev-parse", "--verify", "-q", "HEAD^{tree}", NULL};
    if (run_git(head, &out) != 0) {
        sb_reset(&out);
        const char *empty[] = {"git", "hash-object", "-t", "tree", "/dev/null", NULL};
        if (git_ok(empty, &out) != 0) {
            sb_free(&out);
            return NULL;
        }
    }
    size_t n = out.buf ? strcspn(out.buf, "\n") : 0;
    if (!is_hex(out.buf ? out.buf : "", n)) {
        fprintf(stderr, "trainlint: git did not name the tree of HEAD\n");
        sb_free(&out);
        return NULL;
    }
    char *tree = xstrndup(out.buf, n);
    sb_free(&out);
    return tree;
}

char *git_toplevel(void)
{
    const char *args[] = {"git", "rev-parse", "--show-toplevel", NULL};
    strbuf out = {0};
    if (git_ok(args, &out) != 0 || out.len < 2 || out.buf[out.len - 1] != '\n' ||
        memchr(out.buf, '\0', out.len)) {
        sb_free(&out);
        return NULL;
    }
    out.buf[--out.len] = '\0';
    return sb_detach(&out);
}

int git_staged_changes(git_entries *out)
{
    memset(out, 0, sizeof *out);
    char *tree = base_tree();
    if (!tree)
        return -1;
    /* raw output, -z: ":OLDMODE NEWMODE OLDOID NEWOID STATUS\0PATH\0", and a
     * second path after copies and renames (which --no-renames turns off) */
    const char *args[] = {"git",      "diff-index", "--cached", "-z",   "--no-renames",
                          "--no-abbrev", "--diff-filter=ACMR", tree, "--", NULL};
    strbuf raw = {0};
    int rc = git_ok(args, &raw);
    free(tree);
    if (rc != 0) {
        sb_free(&raw);
        return -1;
    }
    const char *p = raw.buf, *end = raw.buf + raw.len;
    while (p && p < end) {
        const char *hdr = p;
        const char *z = memchr(p, '\0', (size_t)(end - p));
        if (!z || *hdr != ':')
            goto bad;
        /* five fields separated by single spaces */
        const char *f[5];
        size_t fl[5];
        const char *q = hdr + 1;
        for (int k = 0; k < 5; k++) {
            const char *sp = k < 4 ? memchr(q, ' ', (size_t)(z - q)) : z;
            if (!sp)
                goto bad;
            f[k] = q;
            fl[k] = (size_t)(sp - q);
            q = sp + 1;
        }
        char *mend;
        unsigned long mode = strtoul(f[1], &mend, 8);
        if (mend != f[1] + fl[1] || !is_hex(f[3], fl[3]) || fl[4] < 1)
            goto bad;
        int npaths = (f[4][0] == 'C' || f[4][0] == 'R') ? 2 : 1;
        const char *path = NULL;
        size_t plen = 0;
        p = z + 1;
        for (int k = 0; k < npaths; k++) {
            z = p < end ? memchr(p, '\0', (size_t)(end - p)) : NULL;
            if (!z || z == p)
                goto bad;
            path = p;
            plen = (size_t)(z - p);
            p = z + 1;
        }
        entries_push(out, path, plen, (unsigned)mode, f[3], fl[3]);
    }
    sb_free(&raw);
    return 0;
bad:
    fprintf(stderr, "trainlint: cannot read the output of git diff-index\n");
    sb_free(&raw);
    git_entries_free(out);
    return -1;
}

int git_index_entry(const char *path, git_entry *out)
{
    memset(out, 0, sizeof *out);
    /* "MODE OID STAGE\tPATH\0" for each entry the (literal) pathspec matches;
     * a folder's name matches the files under it, hence the comparison */
    const char *args[] = {"git", "--literal-pathspecs", "ls-files", "-s", "-z", "--", path, NULL};
    strbuf raw = {0};
    if (git_ok(args, &raw) != 0) {
        sb_free(&raw);
        return -1;
    }
    int found = 0;
    const char *p = raw.buf, *end = raw.buf + raw.len;
    while (p && p < end && !found) {
        const char *z = memchr(p, '\0', (size_t)(end - p));
        const char *tab = z ? memchr(p, '\t', (size_t)(z - p)) : NULL;
        if (!tab)
            break;
        const char *sp1 = memchr(p, ' ', (size_t)(tab - p));
        const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(tab - sp1 - 1)) : NULL;
        if (sp2 && tab - sp2 == 2 && sp2[1] == '0' && strcmp(tab + 1, path) == 0 &&
            is_hex(sp1 + 1, (size_t)(sp2 - sp1 - 1))) {
            out->path = xstrdup(path);
            out->mode = (unsigned)strtoul(p, NULL, 8);
            out->oid = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
            found = 1;
        }
        p = z + 1;
    }
    sb_free(&raw);
    return found;
}

int git_blob(const char *oid, strbuf *out)
{
    const char *args[] = {"git", "cat-file", "blob", oid, NULL};
    return git_ok(args, out);
}

void git_entry_free(git_entry *e)
{
    free(e->path);
    free(e->oid);
    e->path = e->oid = NULL;
}

void git_entries_free(git_entries *l)
{
    for (size_t i = 0; i < l->n; i++)
        git_entry_free(&l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}
