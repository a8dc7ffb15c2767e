/*
 * engine.c - per-run shared state. See engine.h.
 */
#include "engine.h"
#include "expr.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

int engine_init(engine *e)
{
    memset(e, 0, sizeof *e);
    diag_list_init(&e->data_errs, 200);
    e->cx.errs = &e->data_errs;
    config_cache_init(&e->configs, &e->cx);
    regex_trust_builtin(true);
    int rc = schema_set_load(&e->ss, &e->cx) != 0 || e->data_errs.n ||
             rules_load_builtin(&e->rules, &e->cx) != 0 || e->data_errs.n;
    regex_trust_builtin(false);
    return rc ? -1 : 0;
}

int engine_load_catalog(engine *e)
{
    if (e->catalog.loaded)
        return e->data_errs.n ? -1 : 0;
    regex_trust_builtin(true);
    int rc = catalog_load(&e->catalog, &e->cx) == 0 && !e->data_errs.n ? 0 : -1;
    regex_trust_builtin(false);
    return rc;
}

int engine_add_rules_dir(engine *e, const char *dir)
{
    char buf[PATH_MAX];
    const char *key = realpath(dir, buf) ? buf : dir;
    size_t n = strlen(key);
    if (strmap_get(&e->rule_dirs, key, n))
        return 0;
    strmap_put(&e->rule_dirs, arena_strndup(&e->mem, key, n), n, (void *)1);
    return rules_load_dir(&e->rules, &e->cx, dir) == 0 && !e->data_errs.n ? 0 : -1;
}

void engine_free(engine *e)
{
    schema_set_free(&e->ss);
    rules_free(&e->rules);
    catalog_free(&e->catalog);
    config_cache_free(&e->configs);
    strmap_free(&e->rule_dirs);
    datactx_free(&e->cx);
    diag_list_free(&e->data_errs);
    strmap_free(&e->checked);
    arena_free(&e->mem);
}

bool engine_mark_checked(engine *e, const char *path)
{
    char buf[PATH_MAX];
    const char *key = realpath(path, buf) ? buf : path;
    size_t n = strlen(key);
    if (strmap_get(&e->checked, key, n))
        return false;
    strmap_put(&e->checked, arena_strndup(&e->mem, key, n), n, (void *)1);
    return true;
}

void engine_unmark_checked(engine *e, const char *path)
{
    char buf[PATH_MAX];
    const char *key = realpath(path, buf) ? buf : path;
    size_t n = strlen(key);
    if (strmap_get(&e->checked, key, n))
        strmap_put(&e->checked, arena_strndup(&e->mem, key, n), n, NULL);
}
