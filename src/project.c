/*
 * project.c - project roots and the containment of referenced files. See
 * project.h.
 */
#include "project.h"
#include "config.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40

/* Joins dir and name into out (PATH_MAX); false when too long. */
static bool join(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
    return n > 0 && n < PATH_MAX;
}

/* Removes the last component of an absolute real path ("/a/b" -> "/a"). */
static void parent(char *p)
{
    char *slash = strrchr(p, '/');
    if (!slash || slash == p)
        strcpy(p, "/");
    else
        *slash = '\0';
}

/* Walks the path one component at a time from "/" (or the working
 * directory), following every symlink met on the way (a dangling one too)
 * and applying ".." to the folder reached, so the result is realpath's for
 * a path that exists. Iterative, with fixed buffers: a long hostile path
 * costs no stack. */
bool project_resolve(const char *path, char *out)
{
    char rest[2 * PATH_MAX]; /* components still to walk */
    char cur[PATH_MAX];      /* the folder reached so far */
    if (!*path || strlen(path) >= sizeof rest)
        return false;
    if (path[0] == '/')
        strcpy(cur, "/");
    else if (!getcwd(cur, sizeof cur))
        return false;
    strcpy(rest, path);
    size_t pos = 0;
    int links = 0;
    for (;;) {
        while (rest[pos] == '/')
            pos++;
        if (!rest[pos])
            break;
        size_t len = strcspn(rest + pos, "/");
        char comp[PATH_MAX];
        if (len >= sizeof comp)
            return false;
        memcpy(comp, rest + pos, len);
        comp[len] = '\0';
        pos += len;
        if (strcmp(comp, ".") == 0)
            continue;
        if (strcmp(comp, "..") == 0) {
            parent(cur);
            continue;
        }
        char cand[PATH_MAX];
        if (!join(cand, cur, comp))
            return false;
        struct stat st;
        if (lstat(cand, &st) == 0 && S_ISLNK(st.st_mode)) {
            if (++links > MAX_LINKS)
                return false;
            char target[PATH_MAX];
            ssize_t k = readlink(cand, target, sizeof target - 1);
            if (k <= 0)
                return false;
            target[k] = '\0';
            /* walk the target, then what was left after the link */
            char next[2 * PATH_MAX];
            int n = snprintf(next, sizeof next, "%s/%s", target, rest + pos);
            if (n < 0 || (size_t)n >= sizeof next)
                return false;
            strcpy(rest, next);
            pos = 0;
            if (target[0] == '/')
                strcpy(cur, "/");
            continue;
        }
        strcpy(cur, cand); /* a folder, a file, or a name that does not exist */
    }
    strcpy(out, cur);
    return true;
}

static bool under(const char *dir, const char *real)
{
    if (strcmp(dir, "/") == 0)
        return real[0] == '/';
    size_t n = strlen(dir);
    return strncmp(real, dir, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

bool project_contains(const project_roots *pr, const char *real)
{
    for (size_t i = 0; i < pr->n; i++)
        if (under(pr->dirs[i], real))
            return true;
    return false;
}

static void add_root(project_roots *pr, const char *real)
{
    for (size_t i = 0; i < pr->n; i++)
        if (strcmp(pr->dirs[i], real) == 0)
            return;
    if (pr->n < PROJECT_MAX_ROOTS)
        pr->dirs[pr->n++] = xstrdup(real);
}

/* The nearest folder from dir upwards holding a `.git` entry (a folder in a
 * clone, a file in a linked work tree or a submodule). */
static bool git_root(const char *dir, char *out)
{
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s", dir);
    for (;;) {
        char cand[PATH_MAX];
        struct stat st;
        if (join(cand, d, ".git") && lstat(cand, &st) == 0 &&
            (S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
            strcpy(out, d);
            return true;
        }
        if (strcmp(d, "/") == 0)
            return false;
        parent(d);
    }
}

void project_roots_find(project_roots *pr, const char *config_path,
                        const struct project_config *pc)
{
    memset(pr, 0, sizeof *pr);
    char dir[PATH_MAX];
    bool have = config_path && strcmp(config_path, "-") != 0 && realpath(config_path, dir);
    if (have) {
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
            parent(dir);
    } else if (!getcwd(dir, sizeof dir)) {
        strcpy(dir, "/nonexistent");
    }
    pr->config_dir = xstrdup(dir);
    char root[PATH_MAX];
    char pcdir[PATH_MAX];
    bool have_pcdir = pc && pc->path && pc->dir && realpath(pc->dir, pcdir);
    if (git_root(dir, root))
        add_root(pr, root);
    else if (have_pcdir && under(pcdir, dir))
        add_root(pr, pcdir);
    else
        add_root(pr, dir);
    /* the settings file's own additions, relative to its folder */
    for (size_t i = 0; pc && have_pcdir && i < pc->nroots; i++) {
        const char *r = pc->roots[i];
        char cand[PATH_MAX], real[PATH_MAX];
        if (r[0] == '/')
            snprintf(cand, sizeof cand, "%s", r);
        else if (!join(cand, pcdir, r))
            continue;
        if (project_resolve(cand, real))
            add_root(pr, real);
    }
}

void project_roots_free(project_roots *pr)
{
    for (size_t i = 0; i < pr->n; i++)
        free(pr->dirs[i]);
    free(pr->config_dir);
    memset(pr, 0, sizeof *pr);
}

typedef struct search {
    const project_roots *pr;
    bool outside;
    char *display, *real;
} search;

/* Tries one candidate; true when it was found inside. */
static bool try_candidate(search *s, const char *cand)
{
    char real[PATH_MAX];
    if (!project_resolve(cand, real))
        return false;
    if (!project_contains(s->pr, real)) {
        s->outside = true;
        return false;
    }
    struct stat st;
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode))
        return false;
    s->display = xstrdup(cand);
    s->real = xstrdup(real);
    return true;
}

ref_result project_find_ref(const project_roots *pr, const char *ref, unsigned from,
                            char **display, char **real)
{
    *display = *real = NULL;
    search s = {.pr = pr};
    if (!*ref)
        return REF_MISSING;
    bool found = false;
    if (ref[0] == '/') {
        found = try_candidate(&s, ref);
    } else {
        char cwd[PATH_MAX];
        if ((from & REF_FROM_CWD) && getcwd(cwd, sizeof cwd) && project_contains(pr, cwd))
            found = try_candidate(&s, ref);
        char d[PATH_MAX];
        snprintf(d, sizeof d, "%s", pr->config_dir);
        bool first = true;
        while (!found && project_contains(pr, d)) {
            char cand[PATH_MAX];
            if ((first ? (from & REF_FROM_CONFIG) : (from & REF_FROM_PARENTS)) &&
                join(cand, d, ref))
                found = try_candidate(&s, cand);
            if (!(from & REF_FROM_PARENTS) || strcmp(d, "/") == 0)
                break;
            parent(d);
            first = false;
        }
    }
    if (found) {
        *display = s.display;
        *real = s.real;
        return REF_FOUND;
    }
    return s.outside ? REF_OUTSIDE : REF_MISSING;
}
