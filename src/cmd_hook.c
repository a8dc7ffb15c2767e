/*
 * cmd_hook.c - `trainlint install-hook`: writes a plain git pre-commit hook,
 * and `trainlint hook-run` (not advertised), what that hook runs: it checks
 * the staged YAML/JSON files as they are staged (not as they are in the
 * working tree) and blocks the commit on findings, and also whenever git or
 * trainlint fails, so a check that could not run never lets a commit through.
 * An existing hook is left alone unless it is one this command wrote, or
 * --force is given.
 */
#include "cli.h"
#include "gitindex.h"
#include "util.h"

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOOK_MARKER "# installed by trainlint install-hook"

static const char hook_usage[] =
    "usage: trainlint install-hook [--force] [-- CHECK-OPTIONS...]\n"
    "Installs .git/hooks/pre-commit (or core.hooksPath) in the current repository: on\n"
    "every commit, the staged *.yaml, *.yml and *.json files are checked as staged, and\n"
    "findings at or above --fail-on (default error) block the commit; so does a check\n"
    "that cannot run (trainlint missing or failing, git failing). Options after --\n"
    "are passed to 'trainlint check' (e.g. -- --gpu a100-80gb --fail-on warning).\n"
    "  --force   replace an existing pre-commit hook that trainlint did not write\n";

/* Runs a git command and returns its first output line (malloc'd), or NULL. */
static char *git_line(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    char buf[PATH_MAX + 64];
    char *line = fgets(buf, sizeof buf, p) ? xstrdup(buf) : NULL;
    int st = pclose(p);
    if (st != 0 || !line) {
        free(line);
        return NULL;
    }
    line[strcspn(line, "\r\n")] = 0;
    return line;
}

/* Single-quotes a word for sh. */
static void sh_quote(strbuf *b, const char *s)
{
    sb_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            sb_puts(b, "'\\''");
        else
            sb_putc(b, *s);
    }
    sb_putc(b, '\'');
}

static char *self_path(void)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return NULL;
    buf[n] = 0;
    return xstrdup(buf);
}

int cmd_install_hook(int argc, char **argv)
{
    static const struct option longs[] = {{"force", no_argument, NULL, 'F'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    bool force = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+h", longs, NULL)) != -1) {
        switch (c) {
        case 'F':
            force = true;
            break;
        case 'h':
            fputs(hook_usage, stdout);
            return EXIT_CLEAN;
        default:
            fprintf(stderr, "trainlint install-hook: unknown option '%s'\n%s", argv[optind - 1],
                    hook_usage);
            return EXIT_TROUBLE;
        }
    }
    char *top = git_line("git rev-parse --show-toplevel 2>/dev/null");
    if (!top) {
        fprintf(stderr, "trainlint install-hook: not inside a git work tree (or git is not "
                        "installed)\n");
        return EXIT_TROUBLE;
    }
    /* a relative core.hooksPath is relative to the top of the work tree */
    if (chdir(top) != 0) {
        fprintf(stderr, "trainlint install-hook: %s: %s\n", top, strerror(errno));
        free(top);
        return EXIT_TROUBLE;
    }
    free(top);
    char *hooks = git_line("git config --get core.hooksPath 2>/dev/null");
    if (!hooks)
        hooks = git_line("git rev-parse --git-path hooks 2>/dev/null");
    if (!hooks) {
        fprintf(stderr, "trainlint install-hook: cannot find the repository's hooks folder\n");
        return EXIT_TROUBLE;
    }
    if (mkdir(hooks, 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "trainlint install-hook: cannot create %s: %s\n", hooks, strerror(errno));
        free(hooks);
        return EXIT_TROUBLE;
    }
    char *path = xasprintf("%s/pre-commit", hooks);
    free(hooks);
    FILE *old = fopen(path, "r");
    if (old) {
        char line[256];
        bool ours = false;
        for (int i = 0; i < 5 && fgets(line, sizeof line, old); i++)
            if (strstr(line, HOOK_MARKER))
                ours = true;
        fclose(old);
        if (!ours && !force) {
            fprintf(stderr,
                    "trainlint install-hook: %s already exists and was not written by trainlint; "
                    "not replaced (--force replaces it, or call trainlint from it)\n",
                    path);
            free(path);
            return EXIT_TROUBLE;
        }
    }
    char *self = self_path();
    strbuf args = {0};
    for (int i = optind; i < argc; i++) {
        sb_putc(&args, ' ');
        sh_quote(&args, argv[i]);
    }
    strbuf h = {0};
    sb_printf(&h,
              "#!/bin/sh\n" HOOK_MARKER "\n"
              "# Checks the staged training configs (*.yaml, *.yml, *.json) as they are staged;\n"
              "# findings at or above --fail-on block the commit (git commit --no-verify skips).\n"
              "# So does anything that stops the check: trainlint missing or failing, git failing.\n"
              "TRAINLINT=");
    if (self)
        sh_quote(&h, self);
    else
        sb_puts(&h, "trainlint");
    sb_printf(&h,
              "\n"
              "command -v \"$TRAINLINT\" >/dev/null 2>&1 || TRAINLINT=trainlint\n"
              "if ! command -v \"$TRAINLINT\" >/dev/null 2>&1; then\n"
              "    echo \"trainlint: not found; commit blocked (install it, or remove $0)\" >&2\n"
              "    exit 1\n"
              "fi\n"
              "\"$TRAINLINT\" hook-run%s\n"
              "status=$?\n"
              "case $status in\n"
              "0) exit 0 ;;\n"
              "1) echo \"trainlint: commit blocked (fix the findings above, or commit with "
              "--no-verify)\" >&2 ;;\n"
              "*) echo \"trainlint: the staged configs could not be checked (exit $status); "
              "commit blocked (commit with --no-verify to skip the check)\" >&2 ;;\n"
              "esac\n"
              "exit 1\n",
              args.buf ? args.buf : "");
    free(self);
    sb_free(&args);
    char *tmp = xasprintf("%s.trainlint-tmp", path);
    FILE *f = fopen(tmp, "w");
    bool ok = f && fwrite(h.buf, 1, h.len, f) == h.len;
    if (f && fclose(f) != 0)
        ok = false;
    if (ok && chmod(tmp, 0755) != 0)
        ok = false;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        fprintf(stderr, "trainlint install-hook: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
    } else {
        printf("installed %s\n", path);
    }
    sb_free(&h);
    free(tmp);
    free(path);
    return ok ? EXIT_CLEAN : EXIT_TROUBLE;
}

/* ---- trainlint hook-run: what the installed hook runs ---------------------- */

static bool config_name(const char *path)
{
    return str_ends(path, ".yaml") || str_ends(path, ".yml") || str_ends(path, ".json");
}

/* Where a symbolic link at `link` pointing to `target` leads, as a path from
 * the top of the work tree with "." and ".." resolved. NULL (malloc'd
 * otherwise) when the target is absolute or climbs out of the work tree. */
static char *link_destination(const char *link, const char *target)
{
    if (target[0] == '/' || target[0] == '\0')
        return NULL;
    const char *slash = strrchr(link, '/');
    char *joined = slash ? xasprintf("%.*s/%s", (int)(slash - link), link, target) : xstrdup(target);
    strbuf out = {0};
    size_t starts[PATH_MAX / 2];
    size_t depth = 0;
    bool ok = true;
    for (char *p = joined; *p && ok;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (depth == 0)
                ok = false; /* above the top of the work tree */
            else
                out.len = starts[--depth], out.buf[out.len] = '\0';
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            if (depth == ARRAY_LEN(starts)) {
                ok = false;
                break;
            }
            size_t at = out.len;
            if (depth > 0)
                sb_putc(&out, '/');
            starts[depth++] = at;
            sb_add(&out, p, n);
        }
        p += n;
        while (*p == '/')
            p++;
    }
    free(joined);
    if (!ok || depth == 0) {
        sb_free(&out);
        return NULL;
    }
    return sb_detach(&out);
}

/* The staged content a symbolic link stands for: the link is followed
 * through the index (never the file system, never out of the work tree,
 * at most 8 links). Returns 1 with the content in *blob, 0 when there is
 * nothing to check (and says why, unless the destination is one of the
 * staged configs, checked under its own name), or -1 when git failed. */
static int link_content(const git_entry *link, const git_entries *staged, strbuf *blob)
{
    git_entry cur = {.path = xstrdup(link->path), .mode = link->mode, .oid = xstrdup(link->oid)};
    int result = 0;
    for (int hop = 0;; hop++) {
        sb_reset(blob);
        if (git_blob(cur.oid, blob) != 0) {
            result = -1;
            break;
        }
        if ((cur.mode & 0170000u) != GIT_MODE_SYMLINK) {
            result = 1;
            break;
        }
        const char *target = blob->buf ? blob->buf : "";
        if (hop == 8 || strlen(target) != blob->len) {
            fprintf(stderr, "trainlint: %s: a symbolic link that does not lead to a file; not "
                            "checked\n", link->path);
            break;
        }
        char *dest = link_destination(cur.path, target);
        if (!dest) {
            fprintf(stderr, "trainlint: %s: a symbolic link to '%s', outside the repository; "
                            "not checked\n", link->path, target);
            break;
        }
        bool own = false;
        for (size_t i = 0; i < staged->n && !own; i++)
            own = (staged->items[i].mode & 0170000u) == 0100000u &&
                  strcmp(staged->items[i].path, dest) == 0 && config_name(dest);
        if (own) {
            free(dest);
            break;
        }
        git_entry next;
        int found = git_index_entry(dest, &next);
        if (found <= 0) {
            if (found == 0)
                fprintf(stderr, "trainlint: %s: a symbolic link to '%s', which is not in the "
                                "index; not checked\n", link->path, target);
            free(dest);
            result = found;
            break;
        }
        free(dest);
        git_entry_free(&cur);
        cur = next;
        if ((cur.mode & 0170000u) != GIT_MODE_SYMLINK && (cur.mode & 0170000u) != 0100000u) {
            fprintf(stderr, "trainlint: %s: a symbolic link to '%s', which is not a file; not "
                            "checked\n", link->path, cur.path);
            break;
        }
    }
    git_entry_free(&cur);
    return result;
}

/* Checks `content` under the name `name`: a child process runs the check
 * command as `trainlint check --skip-unrecognized OPTS --stdin-filename NAME -`
 * with the content on its standard input. Returns the check's exit status,
 * or -1 (with a message) when it could not run or did not exit normally. */
static int check_content(const char *name, const strbuf *content, int nopts, char **opts)
{
    int fd[2];
    if (pipe(fd) != 0) {
        fprintf(stderr, "trainlint: %s: %s\n", name, strerror(errno));
        return -1;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "trainlint: %s: %s\n", name, strerror(errno));
        close(fd[0]);
        close(fd[1]);
        return -1;
    }
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        dup2(fd[0], 0);
        close(fd[0]);
        close(fd[1]);
        /* owned by the child, which exits right after */
        char **argv = xcalloc((size_t)nopts + 6, sizeof *argv);
        int argc = 0;
        argv[argc++] = (char *)"check";
        argv[argc++] = (char *)"--skip-unrecognized";
        for (int i = 0; i < nopts; i++)
            argv[argc++] = opts[i];
        argv[argc++] = (char *)"--stdin-filename";
        argv[argc++] = (char *)name;
        argv[argc++] = (char *)"-";
        int rc = cmd_check(argc, argv);
        fflush(NULL);
        _exit(rc);
    }
    close(fd[0]);
    /* the check may stop reading early (a file over --max-file-size): EPIPE
     * then ends the writing, and its exit status says what happened */
    for (size_t off = 0; off < content->len;) {
        ssize_t w = write(fd[1], content->buf + off, content->len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break;
        off += (size_t)w;
    }
    close(fd[1]);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR) {
            fprintf(stderr, "trainlint: %s: %s\n", name, strerror(errno));
            return -1;
        }
    }
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    fprintf(stderr, "trainlint: %s: the check was killed by signal %d\n", name,
            WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    return -1;
}

int cmd_hook_run(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    int nopts = argc - 1;
    char **opts = argv + 1;
    /* git runs hooks there; the names below are relative to it */
    char *top = git_toplevel();
    if (!top || chdir(top) != 0) {
        fprintf(stderr, "trainlint: cannot find the top of the git work tree\n");
        free(top);
        return EXIT_TROUBLE;
    }
    free(top);
    git_entries staged;
    if (git_staged_changes(&staged) != 0) {
        fprintf(stderr, "trainlint: cannot list the staged files\n");
        return EXIT_TROUBLE;
    }
    bool findings = false, trouble = false;
    strbuf blob = {0};
    for (size_t i = 0; i < staged.n; i++) {
        const git_entry *e = &staged.items[i];
        unsigned type = e->mode & 0170000u;
        if (!config_name(e->path) || (type != 0100000u && type != GIT_MODE_SYMLINK))
            continue; /* not a config, or a submodule */
        sb_reset(&blob);
        int got = type == GIT_MODE_SYMLINK ? link_content(e, &staged, &blob)
                                           : (git_blob(e->oid, &blob) == 0 ? 1 : -1);
        if (got == 0)
            continue;
        int rc = got < 0 ? -1 : check_content(e->path, &blob, nopts, opts);
        if (rc == EXIT_FINDINGS) {
            findings = true;
        } else if (rc != EXIT_CLEAN) {
            trouble = true;
            if (rc > 0)
                fprintf(stderr, "trainlint: %s could not be checked (exit %d)\n", e->path, rc);
            else
                fprintf(stderr, "trainlint: %s could not be checked\n", e->path);
        }
    }
    sb_free(&blob);
    git_entries_free(&staged);
    return trouble ? EXIT_TROUBLE : findings ? EXIT_FINDINGS : EXIT_CLEAN;
}
