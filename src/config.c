/*
 * config.c - .trainlint.yaml discovery and parsing. See config.h.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const config_fields[] = {"rules",   "gpu",       "gpus",          "fail-on",
                                            "exclude", "rules-dirs", "ignore",       "price-per-hour",
                                            "max-file-size", "command", "roots", NULL};

void config_cache_init(config_cache *cc, datactx *cx)
{
    memset(cc, 0, sizeof *cc);
    cc->cx = cx;
    cc->empty.fail_on = -1;
}

static void free_config(project_config *pc)
{
    strmap_free(&pc->severities);
}

void config_cache_free(config_cache *cc)
{
    for (size_t i = 0; i < cc->nall; i++)
        free_config(cc->all[i]);
    free(cc->all);
    strmap_free(&cc->bydir);
    arena_free(&cc->mem);
}

static project_config *parse_config(config_cache *cc, const char *path)
{
    datafile *df = data_open_path(cc->cx, path, false);
    if (!df)
        return NULL;
    project_config *pc = arena_zalloc(&cc->mem, sizeof *pc);
    pc->fail_on = -1;
    pc->path = arena_strdup(&cc->mem, path);
    const char *slash = strrchr(path, '/');
    pc->dir = slash ? arena_strndup(&cc->mem, path, (size_t)(slash - path)) : ".";
    const doc_node *root = doc_root(&df->d);
    if (!root)
        return pc;
    datactx *cx = cc->cx;
    if (!data_check_keys(cx, df, root, config_fields, ".trainlint.yaml"))
        return pc;
    const doc_node *rules = doc_map_get(root, "rules");
    if (rules) {
        if (rules->kind != DOC_MAP) {
            data_error(cx, df, rules, "'rules' maps rule ids to error, warning, info or off");
        } else {
            for (size_t i = 0; i < rules->n; i++) {
                const char *id = data_text(rules->u.pairs[i].key);
                const char *sv = data_text(rules->u.pairs[i].value);
                /* `off` reads as false in YAML 1.1 data: accept both spellings */
                int s = sv ? severity_parse(sv) : -1;
                if (sv && (strcmp(sv, "false") == 0 || strcmp(sv, "no") == 0))
                    s = SEV_OFF;
                if (!id || s < 0) {
                    data_error(cx, df, rules->u.pairs[i].value,
                               "severity must be error, warning, info or off");
                    continue;
                }
                strmap_put(&pc->severities, id, strlen(id), (void *)(intptr_t)(s + 1));
            }
        }
    }
    pc->gpu = data_str(cx, df, root, "gpu", NULL);
    pc->command = data_str(cx, df, root, "command", NULL);
    pc->gpus = data_num(cx, df, root, "gpus", 0);
    pc->price_per_hour = data_num(cx, df, root, "price-per-hour", 0);
    pc->max_file_size = data_num(cx, df, root, "max-file-size", 0);
    const char *fo = data_str(cx, df, root, "fail-on", NULL);
    if (fo) {
        int s = severity_parse(fo);
        if (s <= 0)
            data_error(cx, df, doc_map_get(root, "fail-on"), "fail-on must be error, warning or info");
        else
            pc->fail_on = s;
    }
    pc->exclude = data_strlist(cx, df, root, "exclude", &pc->nexclude);
    pc->rules_dirs = data_strlist(cx, df, root, "rules-dirs", &pc->nrules_dirs);
    pc->roots = data_strlist(cx, df, root, "roots", &pc->nroots);
    const doc_node *ign = doc_map_get(root, "ignore");
    if (ign) {
        if (ign->kind != DOC_MAP) {
            data_error(cx, df, ign, "'ignore' maps file globs to lists of rule ids");
        } else {
            pc->ignores = arena_zalloc(&cc->mem, (ign->n ? ign->n : 1) * sizeof *pc->ignores);
            for (size_t i = 0; i < ign->n; i++) {
                file_ignore *fi = &pc->ignores[pc->nignores++];
                fi->glob = data_text(ign->u.pairs[i].key);
                const doc_node *ids = ign->u.pairs[i].value;
                if (ids->kind == DOC_SEQ) {
                    fi->ids = arena_alloc(&cc->mem, (ids->n + 1) * sizeof *fi->ids);
                    for (size_t k = 0; k < ids->n; k++)
                        if (data_text(ids->u.items[k]))
                            fi->ids[fi->nids++] = data_text(ids->u.items[k]);
                } else if (data_text(ids)) {
                    fi->ids = arena_alloc(&cc->mem, sizeof *fi->ids);
                    fi->ids[fi->nids++] = data_text(ids);
                }
            }
        }
    }
    return pc;
}

static project_config *track(config_cache *cc, project_config *pc)
{
    if (pc) {
        cc->all = xgrow(cc->all, &cc->capall, cc->nall + 1, sizeof *cc->all);
        cc->all[cc->nall++] = pc;
    }
    return pc;
}

const project_config *config_for(config_cache *cc, const char *file_path,
                                 const char *explicit_config)
{
    if (explicit_config) {
        project_config *pc = strmap_get(&cc->bydir, explicit_config, strlen(explicit_config));
        if (!pc) {
            pc = track(cc, parse_config(cc, explicit_config));
            if (!pc)
                pc = &cc->empty;
            const char *k = arena_strdup(&cc->mem, explicit_config);
            strmap_put(&cc->bydir, k, strlen(k), pc);
        }
        return pc;
    }
    char dir[PATH_MAX];
    if (!file_path || strcmp(file_path, "-") == 0) {
        if (!getcwd(dir, sizeof dir))
            return &cc->empty;
    } else {
        char real[PATH_MAX];
        if (!realpath(file_path, real))
            return &cc->empty;
        char *slash = strrchr(real, '/');
        if (slash)
            *slash = '\0';
        snprintf(dir, sizeof dir, "%s", *real ? real : "/");
    }
    /* walk up; remember the answer for every directory on the way */
    const char *visited[256];
    size_t nv = 0;
    project_config *found = NULL;
    for (;;) {
        project_config *cached = strmap_get(&cc->bydir, dir, strlen(dir));
        if (cached) {
            found = cached;
            break;
        }
        if (nv < ARRAY_LEN(visited))
            visited[nv++] = arena_strdup(&cc->mem, dir);
        static const char *const names[] = {".trainlint.yaml", ".trainlint.yml"};
        for (size_t i = 0; i < 2 && !found; i++) {
            char *cand = xasprintf("%s/%s", strcmp(dir, "/") ? dir : "", names[i]);
            struct stat st;
            if (stat(cand, &st) == 0 && S_ISREG(st.st_mode))
                found = track(cc, parse_config(cc, cand));
            free(cand);
        }
        if (found)
            break;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir) {
            if (strcmp(dir, "/") == 0)
                break;
            snprintf(dir, sizeof dir, "/");
            continue;
        }
        *slash = '\0';
    }
    if (!found)
        found = &cc->empty;
    for (size_t i = 0; i < nv; i++)
        strmap_put(&cc->bydir, visited[i], strlen(visited[i]), found);
    return found;
}

static bool glob_match(const project_config *pc, const char *glob, const char *path)
{
    char real[PATH_MAX];
    const char *p = path;
    if (pc->dir && realpath(path, real)) {
        char base[PATH_MAX];
        if (realpath(pc->dir, base)) {
            size_t n = strlen(base);
            if (strncmp(real, base, n) == 0 && real[n] == '/')
                p = real + n + 1;
        }
    }
    if (fnmatch(glob, p, 0) == 0)
        return true;
    const char *b = strrchr(p, '/');
    return b && fnmatch(glob, b + 1, 0) == 0;
}

bool config_excludes(const project_config *pc, const char *path)
{
    for (size_t i = 0; i < pc->nexclude; i++)
        if (glob_match(pc, pc->exclude[i], path))
            return true;
    return false;
}

bool config_ignores(const project_config *pc, const char *path, const char *rule)
{
    for (size_t i = 0; i < pc->nignores; i++) {
        const file_ignore *fi = &pc->ignores[i];
        if (!fi->glob || !glob_match(pc, fi->glob, path))
            continue;
        for (size_t k = 0; k < fi->nids; k++)
            if (strcmp(fi->ids[k], rule) == 0 || strcmp(fi->ids[k], "all") == 0)
                return true;
    }
    return false;
}
