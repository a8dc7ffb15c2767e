/*
 * test_project.c - project roots and the containment of referenced files
 * (src/project.c), over a scratch tree:
 *
 *   T/secret.json
 *   T/shared/zero2.json
 *   T/proj/.git/                 (removed by some tests)
 *   T/proj/ds.json
 *   T/proj/a/link.json       -> T/secret.json
 *   T/proj/a/dangling.json   -> /nonexistent-trainlint/x.json
 *   T/proj/a/inlink.json     -> ../ds.json
 *   T/proj/a/b/cfg.yaml
 */
#include "harness.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "project.h"

static char T[PATH_MAX];
static char cfg[PATH_MAX * 2];
static char old_cwd[PATH_MAX];

static void put(const char *rel, const char *text)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/%s", T, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void mk(const char *rel)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/%s", T, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void link_to(const char *target, const char *rel)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof p, "%s/%s", T, rel);
    assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/trainlint-project-XXXXXX";
    if (!mkdtemp(tmpl) || !realpath(tmpl, T) || !getcwd(old_cwd, sizeof old_cwd))
        return -1;
    mk("shared");
    mk("proj");
    mk("proj/.git");
    mk("proj/a");
    mk("proj/a/b");
    put("secret.json", "{\"secret\": 1}\n");
    put("shared/zero2.json", "{}\n");
    put("proj/ds.json", "{}\n");
    put("proj/a/b/cfg.yaml", "deepspeed: ds.json\n");
    char target[PATH_MAX * 2];
    snprintf(target, sizeof target, "%s/secret.json", T);
    link_to(target, "proj/a/link.json");
    link_to("/nonexistent-trainlint/x.json", "proj/a/dangling.json");
    link_to("../ds.json", "proj/a/inlink.json");
    snprintf(cfg, sizeof cfg, "%s/proj/a/b/cfg.yaml", T);
    return chdir(T);
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", T);
    int rc = system(cmd);
    return chdir(old_cwd) == 0 && rc == 0 ? 0 : -1;
}

static void test_resolve(void **state)
{
    (void)state;
    char in[PATH_MAX * 2], out[PATH_MAX], want[PATH_MAX * 2];
    /* a missing tail resolves lexically, `..` included */
    snprintf(in, sizeof in, "%s/proj/a/missing/../x.json", T);
    assert_true(project_resolve(in, out));
    snprintf(want, sizeof want, "%s/proj/a/x.json", T);
    assert_string_equal(out, want);
    /* a symlink resolves to its target; a dangling one to where it points */
    snprintf(in, sizeof in, "%s/proj/a/link.json", T);
    assert_true(project_resolve(in, out));
    snprintf(want, sizeof want, "%s/secret.json", T);
    assert_string_equal(out, want);
    snprintf(in, sizeof in, "%s/proj/a/dangling.json", T);
    assert_true(project_resolve(in, out));
    assert_string_equal(out, "/nonexistent-trainlint/x.json");
    /* relative paths start at the working directory (T) */
    assert_true(project_resolve("proj/a/../../shared/zero2.json", out));
    snprintf(want, sizeof want, "%s/shared/zero2.json", T);
    assert_string_equal(out, want);
    assert_false(project_resolve("", out));
    /* a long path of missing folders costs no stack; a link loop ends */
    char longp[4000];
    for (size_t i = 0; i + 2 < sizeof longp; i += 2)
        memcpy(longp + i, "a/", 2);
    longp[sizeof longp - 2] = 'x';
    longp[sizeof longp - 1] = '\0';
    assert_true(project_resolve(longp, out));
    assert_int_equal(strncmp(out, T, strlen(T)), 0);
    link_to("loop2", "loop1");
    link_to("loop1", "loop2");
    assert_false(project_resolve("loop1/x.json", out));
}

static void test_git_root(void **state)
{
    (void)state;
    project_roots pr;
    project_roots_find(&pr, cfg, NULL);
    char want[PATH_MAX * 2];
    snprintf(want, sizeof want, "%s/proj", T);
    assert_int_equal(pr.n, 1);
    assert_string_equal(pr.dirs[0], want);
    snprintf(want, sizeof want, "%s/proj/a/b", T);
    assert_string_equal(pr.config_dir, want);
    /* prefixes of a root are not inside it */
    snprintf(want, sizeof want, "%s/project", T);
    assert_false(project_contains(&pr, want));
    snprintf(want, sizeof want, "%s/proj", T);
    assert_true(project_contains(&pr, want));

    char *display, *real;
    /* found from the config's parents, inside */
    assert_int_equal(project_find_ref(&pr, "ds.json", REF_FROM_CONFIG | REF_FROM_PARENTS,
                                      &display, &real),
                     REF_FOUND);
    snprintf(want, sizeof want, "%s/proj/ds.json", T);
    assert_string_equal(real, want);
    free(display);
    free(real);
    /* a link inside the project to a file inside it is fine */
    assert_int_equal(project_find_ref(&pr, "../inlink.json", REF_FROM_CONFIG, &display, &real),
                     REF_FOUND);
    assert_string_equal(real, want);
    free(display);
    free(real);
    /* out through a symlink, a dangling symlink, `..` or an absolute path */
    assert_int_equal(project_find_ref(&pr, "link.json", REF_FROM_CONFIG | REF_FROM_PARENTS,
                                      &display, &real),
                     REF_OUTSIDE);
    assert_null(display);
    assert_null(real);
    assert_int_equal(project_find_ref(&pr, "../dangling.json", REF_FROM_CONFIG, &display, &real),
                     REF_OUTSIDE);
    assert_int_equal(project_find_ref(&pr, "../../../secret.json", REF_FROM_CONFIG, &display,
                                      &real),
                     REF_OUTSIDE);
    assert_int_equal(project_find_ref(&pr, "/etc/passwd", REF_FROM_CONFIG, &display, &real),
                     REF_OUTSIDE);
    /* outside, whether or not the target exists */
    assert_int_equal(project_find_ref(&pr, "../../../no-such.json", REF_FROM_CONFIG, &display,
                                      &real),
                     REF_OUTSIDE);
    assert_int_equal(project_find_ref(&pr, "nope.json", REF_FROM_CONFIG | REF_FROM_PARENTS,
                                      &display, &real),
                     REF_MISSING);
    /* the working directory (T) is outside the project: it is not searched */
    assert_int_equal(project_find_ref(&pr, "secret.json", REF_FROM_CWD, &display, &real),
                     REF_MISSING);
    project_roots_free(&pr);
}

static void test_settings_roots(void **state)
{
    (void)state;
    char git[PATH_MAX * 2];
    snprintf(git, sizeof git, "%s/proj/.git", T);
    assert_int_equal(rmdir(git), 0);
    /* no git, no settings: the config's folder */
    project_roots pr;
    project_roots_find(&pr, cfg, NULL);
    assert_int_equal(pr.n, 1);
    assert_string_equal(pr.dirs[0], pr.config_dir);
    char *display, *real;
    /* the parents above the root are not searched; naming them leads out */
    assert_int_equal(project_find_ref(&pr, "ds.json", REF_FROM_CONFIG | REF_FROM_PARENTS,
                                      &display, &real),
                     REF_MISSING);
    assert_int_equal(project_find_ref(&pr, "../../ds.json", REF_FROM_CONFIG, &display, &real),
                     REF_OUTSIDE);
    project_roots_free(&pr);

    /* a settings file in proj/ that adds ../shared */
    char dir[PATH_MAX * 2], path[PATH_MAX * 3];
    snprintf(dir, sizeof dir, "%s/proj", T);
    snprintf(path, sizeof path, "%s/.trainlint.yaml", dir);
    const char *roots[] = {"../shared", NULL};
    project_config pc = {.path = path, .dir = dir, .roots = roots, .nroots = 1};
    project_roots_find(&pr, cfg, &pc);
    assert_int_equal(pr.n, 2);
    assert_string_equal(pr.dirs[0], dir);
    assert_int_equal(project_find_ref(&pr, "../../ds.json", REF_FROM_CONFIG, &display, &real),
                     REF_FOUND);
    free(display);
    free(real);
    assert_int_equal(project_find_ref(&pr, "../../../shared/zero2.json", REF_FROM_CONFIG,
                                      &display, &real),
                     REF_FOUND);
    free(display);
    free(real);
    assert_int_equal(project_find_ref(&pr, "../../../secret.json", REF_FROM_CONFIG, &display,
                                      &real),
                     REF_OUTSIDE);
    project_roots_free(&pr);

    /* a settings file that does not hold the config (--config elsewhere):
     * its folder is not a root, its roots: are */
    snprintf(dir, sizeof dir, "%s/shared", T);
    const char *none[] = {NULL};
    project_config other = {.path = path, .dir = dir, .roots = none, .nroots = 0};
    project_roots_find(&pr, cfg, &other);
    assert_int_equal(pr.n, 1);
    assert_string_equal(pr.dirs[0], pr.config_dir);
    project_roots_free(&pr);
    assert_int_equal(mkdir(git, 0755), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resolve),
        cmocka_unit_test(test_git_root),
        cmocka_unit_test(test_settings_roots),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
