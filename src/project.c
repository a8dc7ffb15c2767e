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

static bool resolve(const char *path, char *out, int *links)
{
    if (!*path)
        return false;
    if (realpath(path, out))
        return true;
    /* split into folder and last component, ignoring trailing slashes */
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf)
        return false;
    strcpy(buf, path);
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    char *slash = strrchr(buf, '/');
    const char *base;
    char dir[PATH_MAX];
    if (!slash) {
        strcpy(dir, ".");
        base = buf;
    } else {
        *slash = '\0';
        strcpy(dir, slash == buf ? "/" : buf);
        base = slash + 1;
    }
    if (strcmp(base, "/") == 0 || !*base) /* "/" itself always resolves */
        return false;
    char d[PATH_MAX];
    if (!resolve(dir, d, links))
        return false;
    if (strcmp(base, ".") == 0) {
        strcpy(out, d);
        return true;
    }
    if (strcmp(base, "..") == 0) {
        parent(d);
        strcpy(out, d);
        return true;
    }
    char joined[PATH_MAX];
    if (!join(joined, d, base))
        return false;
    struct stat st;
    if (lstat(joined, &st) == 0 && S_ISLNK(st.st_mode)) {
        /* a dangling (or unreadable) link: follow it where it points */
        if (++*links > MAX_LINKS)
            return false;
        char target[PATH_MAX];
        ssize_t k = readlink(joined, target, sizeof target - 1);
        if (k <= 0)
            return false;
        target[k] = '\0';
        char next[PATH_MAX];
        if (target[0] == '/')
            strcpy(next, target);
        else if (!join(next, d, target))
            return false;
        return resolve(next, out, links);
    }
    strcpy(out, joined);
    return true;
}

bool project_resolve(const char *path, char *out)
{
    int links = 0;
    return resolve(path, out, &links);
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
