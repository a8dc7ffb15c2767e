/*
 * cmd_check.c - `trainlint [check] PATH...`: lints config files and
 * directories and prints the findings in the chosen format.
 */
#include "cli.h"
#include "emit.h"
#include "engine.h"
#include "lint.h"
#include "walk.h"
#include "config.h"
#include "facts.h"
#include "fixapply.h"
#include "fixproof.h"
#include "hw.h"

#include <cjson/cJSON.h>
#include <strings.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct check_opts {
    out_format format;
    bool format_given;
    severity fail_on;
    long max_warnings;
    bool quiet;
    int color; /* -1 auto, 0 never, 1 always */
    bool show_format;
    lint_opts lint;
    const char *stdin_filename;
    const char *config_path; /* --config */
    bool isolated;           /* --isolated: no .trainlint.yaml */
    const char *rule_dirs[32];
    size_t nrule_dirs;
    bool fail_on_given;
    const char *gpu;      /* --gpu */
    double gpus;          /* --gpus */
    double price;         /* --price-per-hour */
    fix_level fix;        /* --fix, --fix=all */
    bool diff;            /* --diff: print the fixes as a diff, change nothing */
    bool force;           /* --force: --fix rewrites read-only files too */
    bool skip_unrecognized; /* files of no known format are skipped, even when named */
} check_opts;

static void usage_check(FILE *f)
{
    fputs("usage: trainlint [check] [options] FILE|DIR|- ...\n"
          "\n"
          "options:\n"
          "  --as FORMAT            treat every file as FORMAT (hf, trl, axolotl, llamafactory,\n"
          "                         llamafactory-v1, torchtune, modelforge, deepspeed,\n"
          "                         accelerate, litgpt, h2o)\n"
          "  --command NAME         the command that will read the files: a torchtune recipe\n"
          "                         (--recipe), a TRL trainer (--trainer: sft, dpo, grpo, ...),\n"
          "                         a LLaMA-Factory subcommand (train, chat,\n"
          "                         export, eval); default: from the header comment or keys\n"
          "  -f, --format FMT       text (default), json, sarif or github\n"
          "  --fail-on SEV          exit 1 on findings at or above error (default), warning or info\n"
          "  --max-warnings N       also exit 1 when there are more than N warnings\n"
          "  -q, --quiet            one line per finding, no excerpts or summary\n"
          "  --color WHEN           auto (default), always or never (NO_COLOR is honoured)\n"
          "  --show-format          print the format detected for each file\n"
          "  --stdin-filename NAME  name to show (and to detect by) for input read from -\n"
          "  --max-file-size BYTES  files larger than this are reported, not read (default 8 MiB)\n"
          "  --limits LIST          depth=N,nodes=N,aliases=N: loader limits (128, 500000, 1000000)\n"
          "  --gpu NAME             target GPU for the memory estimate and hardware rules\n"
          "                         (e.g. 4090, a100-80gb, h100; 'auto' asks nvidia-smi)\n"
          "  --gpus N               GPUs the job runs on (data-parallel processes)\n"
          "  --price-per-hour USD   price of one GPU-hour, for cost estimates\n"
          "  --fix[=all]            apply the safe fixes in place (=all: also those that change\n"
          "                         how the job trains, e.g. a smaller batch that fits); every\n"
          "                         fix is checked again first and kept only if it adds no error\n"
          "  --diff                 print the fixes as a unified diff and change nothing\n"
          "                         (with --fix=all: all fixes; else the safe ones)\n"
          "  --force                with --fix: also rewrite read-only files (else refused)\n"
          "  --skip-unrecognized    say nothing about files that are not configs of a known\n"
          "                         trainer, even when named (pre-commit hooks)\n"
          "  --rules DIR            also load the rule packs in DIR (repeatable)\n"
          "  --config FILE          use this settings file instead of the nearest .trainlint.yaml\n"
          "  --isolated             ignore .trainlint.yaml files\n"
          "  -h, --help             this help\n",
          f);
}

/* SARIF rule metadata from the loaded rule packs. */
static bool rule_info(void *ctx, const char *id, const char **summary, const char **docs)
{
    const rule *r = rules_find((const ruleset *)ctx, id);
    if (!r)
        return false;
    *summary = r->summary;
    *docs = r->docs;
    return true;
}

static int parse_opts(int argc, char **argv, check_opts *o)
{
    static const struct option longs[] = {
        {"as", required_argument, NULL, 'A'},
        {"command", required_argument, NULL, 'K'},
        {"recipe", required_argument, NULL, 'K'},
        {"trainer", required_argument, NULL, 'K'},
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"max-warnings", required_argument, NULL, 'W'},
        {"quiet", no_argument, NULL, 'q'},
        {"color", required_argument, NULL, 'C'},
        {"colour", required_argument, NULL, 'C'},
        {"show-format", no_argument, NULL, 'S'},
        {"stdin-filename", required_argument, NULL, 'N'},
        {"max-file-size", required_argument, NULL, 'M'},
        {"rules", required_argument, NULL, 'R'},
        {"limits", required_argument, NULL, 'L'},
        {"gpu", required_argument, NULL, 'G'},
        {"gpus", required_argument, NULL, 'g'},
        {"price-per-hour", required_argument, NULL, 'P'},
        {"config", required_argument, NULL, 'c'},
        {"isolated", no_argument, NULL, 'I'},
        {"fix", optional_argument, NULL, 'X'},
        {"diff", no_argument, NULL, 'D'},
        {"force", no_argument, NULL, 'O'},
        {"skip-unrecognized", no_argument, NULL, 'U'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'A':
            o->lint.as_format = optarg;
            break;
        case 'K':
            o->lint.command = optarg;
            break;
        case 'f': {
            int f = out_format_parse(optarg);
            if (f < 0) {
                fprintf(stderr, "trainlint: unknown output format '%s' (text, json, sarif, github)\n", optarg);
                return -1;
            }
            o->format = (out_format)f;
            o->format_given = true;
            break;
        }
        case 'F': {
            int s = severity_parse(optarg);
            if (s <= 0) {
                fprintf(stderr, "trainlint: --fail-on takes error, warning or info, not '%s'\n", optarg);
                return -1;
            }
            o->fail_on = (severity)s;
            o->fail_on_given = true;
            break;
        }
        case 'W': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0) {
                fprintf(stderr, "trainlint: --max-warnings takes a number >= 0\n");
                return -1;
            }
            o->max_warnings = v;
            break;
        }
        case 'q':
            o->quiet = true;
            break;
        case 'C':
            if (strcmp(optarg, "always") == 0)
                o->color = 1;
            else if (strcmp(optarg, "never") == 0)
                o->color = 0;
            else if (strcmp(optarg, "auto") == 0)
                o->color = -1;
            else {
                fprintf(stderr, "trainlint: --color takes auto, always or never\n");
                return -1;
            }
            break;
        case 'S':
            o->show_format = true;
            break;
        case 'N':
            o->stdin_filename = optarg;
            break;
        case 'M': {
            char *end;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (*end || v == 0) {
                fprintf(stderr, "trainlint: --max-file-size takes a number of bytes\n");
                return -1;
            }
            o->lint.max_file_size = (size_t)v;
            break;
        }
        case 'R':
            if (o->nrule_dirs == ARRAY_LEN(o->rule_dirs)) {
                fprintf(stderr, "trainlint: too many --rules directories\n");
                return -1;
            }
            o->rule_dirs[o->nrule_dirs++] = optarg;
            break;
        case 'c':
            o->config_path = optarg;
            break;
        case 'L': {
            char *list = xstrdup(optarg), *save = NULL;
            for (char *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(item, '=');
                unsigned long long v = eq ? strtoull(eq + 1, NULL, 10) : 0;
                if (!eq || v == 0) {
                    fprintf(stderr, "trainlint: --limits takes depth=N,nodes=N,aliases=N\n");
                    free(list);
                    return -1;
                }
                *eq = '\0';
                if (strcmp(item, "depth") == 0)
                    o->lint.limits.max_depth = (size_t)v;
                else if (strcmp(item, "nodes") == 0)
                    o->lint.limits.max_nodes = (size_t)v;
                else if (strcmp(item, "aliases") == 0)
                    o->lint.limits.max_expanded = v;
                else {
                    fprintf(stderr, "trainlint: unknown limit '%s' (depth, nodes, aliases)\n", item);
                    free(list);
                    return -1;
                }
            }
            free(list);
            break;
        }
        case 'I':
            o->isolated = true;
            break;
        case 'G':
            o->gpu = optarg;
            break;
        case 'X':
            if (!optarg || strcmp(optarg, "safe") == 0) {
                o->fix = FIX_SAFE;
            } else if (strcmp(optarg, "all") == 0) {
                o->fix = FIX_ALL;
            } else {
                fprintf(stderr, "trainlint: --fix takes no value, =safe or =all (not '%s')\n",
                        optarg);
                return -1;
            }
            break;
        case 'O':
            o->force = true;
            break;
        case 'D':
            o->diff = true;
            break;
        case 'U':
            o->skip_unrecognized = true;
            break;
        case 'g':
        case 'P': {
            char *end;
            double v = strtod(optarg, &end);
            if (*end || v <= 0) {
                fprintf(stderr, "trainlint: --%s takes a positive number\n",
                        c == 'g' ? "gpus" : "price-per-hour");
                return -1;
            }
            if (c == 'g')
                o->gpus = v;
            else
                o->price = v;
            break;
        }
        case 'h':
            usage_check(stdout);
            exit(0);
        default:
            if (optopt)
                fprintf(stderr, "trainlint: option '%s' needs a value\n", argv[optind - 1]);
            else
                fprintf(stderr, "trainlint: unknown option '%s'\n", argv[optind - 1]);
            usage_check(stderr);
            return -1;
        }
    }
    return 0;
}

typedef struct fix_summary {
    size_t fixes, files;
} fix_summary;

/* Where a rewritten source lives on disk: the config as named, or the
 * DeepSpeed file it references. */
static const char *disk_path(const lintfile *lf, const srcfile *src, const char *path)
{
    return src == lf->src ? path : src->path;
}

/* Applies the proven fixes of one checked file (fixproof.h plans them in
 * memory, in passes), then as a diff or an atomic rewrite, after which the
 * file is checked again from disk so the findings shown are the ones that
 * remain. Without --quiet, each applied fix is named on stderr. */
static int apply_fixes(engine *eng, const check_opts *o, const project_config *pc,
                       const facts_opts *fo, const lint_opts *lo, const char *path,
                       lintfile **plf, diag_list *dl, fix_summary *fs, strbuf *diffs)
{
    fix_level level = o->fix ? o->fix : FIX_SAFE;
    lintfile *lf = *plf;
    fix_proof_opts po = {.eng = eng, .pc = pc, .fo = fo, .lo = lo};
    fix_plan plan;
    fix_plan_make(&po, lf, level, &plan);
    if (strcmp(path, "-") == 0 && !o->diff) {
        /* said even when there is nothing to fix, so --fix on a pipe is never
         * taken for a fix that worked; fixes left unapplied make it exit 2 */
        size_t left = plan.text || plan.ds_text ? plan.ntitles : 0;
        fix_plan_free(&plan);
        fprintf(stderr, "trainlint: %s: --fix cannot rewrite standard input in place; use --diff "
                        "to print its fixes as a diff",
                lf->src->path);
        if (left)
            fprintf(stderr, " (%zu fix%s not applied)", left, left == 1 ? "" : "es");
        fputc('\n', stderr);
        return left ? EXIT_TROUBLE : EXIT_CLEAN;
    }
    if (!plan.text && !plan.ds_text) {
        fix_plan_free(&plan);
        return EXIT_CLEAN;
    }
    struct {
        const srcfile *src;
        const char *text;
        size_t len;
    } out[2] = {{lf->src, plan.text, plan.len}, {lf->ds_src, plan.ds_text, plan.ds_len}};
    int status = EXIT_CLEAN;
    size_t written = 0;
    for (size_t i = 0; i < 2; i++) {
        if (!out[i].text)
            continue;
        const srcfile *src = out[i].src;
        if (o->diff) {
            fix_unified_diff(src->path, src->data, src->len, out[i].text, out[i].len, diffs);
            written++;
            continue;
        }
        char *err = NULL;
        if (fix_write_atomic(disk_path(lf, src, path), out[i].text, out[i].len, src->data,
                             src->len, o->force, &err) != 0) {
            fprintf(stderr, "trainlint: %s\n", err);
            free(err);
            status = EXIT_TROUBLE;
            continue;
        }
        written++;
    }
    if (!o->diff && written && !o->quiet)
        for (size_t i = 0; i < plan.ntitles; i++) {
            fprintf(stderr, "%s: applied: %s", lf->src->path, plan.titles[i]);
            /* a fix applied after a fit fix changed the peak it promised */
            if (plan.peaks[i] > 0 && !fix_same_peak(plan.peaks[i], plan.final_peak))
                fprintf(stderr, " (with the fixes after it: peak %.1f GiB)",
                        plan.final_peak / (1024.0 * 1024.0 * 1024.0));
            fputc('\n', stderr);
        }
    if (written) /* a refused or failed write fixed nothing */
        fs->fixes += plan.ntitles;
    fs->files += written;
    fix_plan_free(&plan);
    if (!o->diff && written) {
        /* check the rewritten file again, from disk */
        char *ds_path = lf->ds_src ? xstrdup(lf->ds_src->path) : NULL;
        lintfile_free(lf);
        diag_list_free(dl);
        diag_list_init(dl, 1000);
        if (ds_path)
            engine_unmark_checked(eng, ds_path);
        free(ds_path);
        char *err = NULL;
        *plf = lint_path(eng, path, lo, dl, &err);
        if (!*plf) {
            fprintf(stderr, "trainlint: %s\n", err);
            free(err);
            return EXIT_TROUBLE;
        }
        lint_finish(eng, *plf, pc, fo, dl);
        fix_prove(&po, *plf, dl);
        diag_sort(dl);
    }
    return status;
}

int resolve_gpu(engine *eng, const char *name, hw_gpu *hw, const gpu_info **out)
{
    *out = NULL;
    if (engine_load_catalog(eng) != 0) {
        cli_print_data_errors(&eng->data_errs);
        return -1;
    }
    if (strcmp(name, "auto") == 0) {
        char *err = NULL;
        if (hw_detect_gpu(&eng->catalog, hw, &err) != 0) {
            fprintf(stderr, "trainlint: --gpu auto: %s; name the target GPU instead (--gpu NAME, "
                            "see 'trainlint gpus')\n",
                    err);
            free(err);
            return -1;
        }
        *out = &hw->info;
        return 0;
    }
    const gpu_info *cand[12];
    size_t n;
    if ((*out = catalog_find_gpu(&eng->catalog, name, cand, 12, &n)) != NULL)
        return 0;
    if (catalog_gpu_ambiguous(&eng->catalog, name)) {
        fprintf(stderr, "trainlint: --gpu '%s' matches several GPUs:", name);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %s", cand[i]->id);
        fprintf(stderr, "\n(name one, e.g. --gpu %s)\n", cand[0]->id);
    } else {
        fprintf(stderr, "trainlint: unknown GPU '%s'", name);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s%s", i == 0 ? "; did you mean " : i + 1 == n ? " or " : ", ",
                    cand[i]->id);
        if (n)
            fputc('?', stderr);
        fprintf(stderr, " ('trainlint gpus' lists them)\n");
    }
    return -1;
}

void cli_print_json(cJSON *j, bool pretty)
{
    char *t = pretty ? cJSON_Print(j) : cJSON_PrintUnformatted(j);
    if (!t)
        die_oom(0);
    puts(t);
    free(t);
    cJSON_Delete(j);
}

int cli_text_or_json(const char *cmd, const char *arg, bool *json)
{
    if (strcmp(arg, "json") == 0 || strcmp(arg, "text") == 0) {
        *json = strcmp(arg, "json") == 0;
        return 0;
    }
    fprintf(stderr, "trainlint %s: --format takes text or json, not '%s'\n", cmd, arg);
    return -1;
}

void cli_print_data_errors(const diag_list *dl)
{
    for (size_t i = 0; i < dl->n; i++) {
        const diag *d = &dl->items[i];
        if (d->src && d->src->len) {
            size_t l, c;
            emit_pos(d->src, d->start, &l, &c);
            fprintf(stderr, "trainlint: %s:%zu:%zu: %s\n", d->src->path, l, c, d->message);
        } else {
            fprintf(stderr, "trainlint: %s%s%s\n", d->src ? d->src->path : "",
                    d->src ? ": " : "", d->message);
        }
    }
}

static bool use_color(const check_opts *o)
{
    if (o->color >= 0)
        return o->color == 1;
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return false;
    return isatty(STDOUT_FILENO) && o->format == OUT_TEXT;
}

int cmd_check(int argc, char **argv)
{
    check_opts o = {.format = OUT_TEXT, .fail_on = SEV_ERROR, .max_warnings = -1, .color = -1};
    o.lint.max_file_size = 8u << 20;
    if (parse_opts(argc, argv, &o) != 0)
        return EXIT_TROUBLE;
    if (!o.format_given) {
        const char *gha = getenv("GITHUB_ACTIONS");
        if (gha && strcmp(gha, "true") == 0)
            o.format = OUT_GITHUB;
    }
    if (optind >= argc) {
        fprintf(stderr, "trainlint: no files given\n");
        usage_check(stderr);
        return EXIT_TROUBLE;
    }
    engine eng;
    if (engine_init(&eng) != 0) {
        cli_print_data_errors(&eng.data_errs);
        engine_free(&eng);
        return EXIT_TROUBLE;
    }
    for (size_t i = 0; i < o.nrule_dirs; i++)
        if (engine_add_rules_dir(&eng, o.rule_dirs[i]) != 0) {
            cli_print_data_errors(&eng.data_errs);
            engine_free(&eng);
            return EXIT_TROUBLE;
        }
    if (o.lint.as_format && !schema_find_format(&eng.ss, o.lint.as_format)) {
        fprintf(stderr, "trainlint: unknown format '%s'; known:", o.lint.as_format);
        for (size_t i = 0; i < eng.ss.n; i++)
            fprintf(stderr, " %s", eng.ss.formats[i].name);
        fputc('\n', stderr);
        engine_free(&eng);
        return EXIT_TROUBLE;
    }

    hw_gpu hw_cli, hw_cfg;
    const gpu_info *cli_gpu = NULL;
    if (o.gpu && resolve_gpu(&eng, o.gpu, &hw_cli, &cli_gpu) != 0) {
        engine_free(&eng);
        return EXIT_TROUBLE;
    }
    walk_list wl = {0};
    for (int i = optind; i < argc; i++)
        walk_add(&wl, argv[i], NULL, 0);

    emit_opts eo = {.format = o.format, .rule_info = rule_info, .rule_info_ctx = &eng.rules,
                    .color = use_color(&o), .quiet = o.quiet,
                    .show_format = o.show_format, .out = stdout, .version = TRAINLINT_VERSION};
    emitter *em = emit_begin(&eo);
    emit_summary sum = {0};
    fix_summary fixsum = {0, 0};
    strbuf diffs = {0};
    int status = EXIT_CLEAN;
    severity fail_on = o.fail_on;
    for (size_t i = 0; i < wl.n; i++) {
        const project_config *pc = NULL;
        if (!o.isolated) {
            pc = config_for(&eng.configs, wl.items[i].path, o.config_path);
            for (size_t k = 0; pc && k < pc->nrules_dirs; k++) {
                char *dir = pc->rules_dirs[k][0] == '/' ? xstrdup(pc->rules_dirs[k])
                                                        : xasprintf("%s/%s", pc->dir, pc->rules_dirs[k]);
                engine_add_rules_dir(&eng, dir);
                free(dir);
            }
            if (eng.data_errs.n) {
                cli_print_data_errors(&eng.data_errs);
                status = EXIT_TROUBLE;
                break;
            }
            if (pc && !wl.items[i].explicit_path && config_excludes(pc, wl.items[i].path))
                continue;
            if (pc && pc->fail_on > 0 && !o.fail_on_given)
                fail_on = (severity)pc->fail_on;
        }
        diag_list dl;
        diag_list_init(&dl, 1000);
        char *err = NULL;
        lint_opts lo = o.lint;
        lo.project = pc;
        if (pc && pc->max_file_size > 0 && o.lint.max_file_size == (8u << 20))
            /* a double from the settings file: a huge one means no limit (the cast of
             * a value past SIZE_MAX is undefined, and gave 0 on x86-64) */
            lo.max_file_size = pc->max_file_size < 1e15 ? (size_t)pc->max_file_size : SIZE_MAX;
        lo.explicit_path = wl.items[i].explicit_path && !o.skip_unrecognized;
        if (!lo.command && pc)
            lo.command = pc->command;
        if (strcmp(wl.items[i].path, "-") == 0)
            lo.display_path = o.stdin_filename ? o.stdin_filename : "<stdin>";
        lintfile *lf = lint_path(&eng, wl.items[i].path, &lo, &dl, &err);
        facts_opts fo = {.gpu = cli_gpu,
                         .gpus = o.gpus > 0 ? o.gpus : (pc ? pc->gpus : 0),
                         .price_per_hour = o.price > 0 ? o.price : (pc ? pc->price_per_hour : 0),
                         .want_estimate = true};
        if (!lf) {
            fprintf(stderr, "trainlint: %s\n", err);
            free(err);
            diag_list_free(&dl);
            status = EXIT_TROUBLE;
            continue;
        }
        if (eng.data_errs.n) {
            cli_print_data_errors(&eng.data_errs);
            lintfile_free(lf);
            diag_list_free(&dl);
            status = EXIT_TROUBLE;
            break;
        }
        if (!o.gpu && pc && pc->gpu && resolve_gpu(&eng, pc->gpu, &hw_cfg, &fo.gpu) != 0) {
            status = EXIT_TROUBLE;
            lintfile_free(lf);
            diag_list_free(&dl);
            break;
        }
        lint_finish(&eng, lf, pc, &fo, &dl);
        fix_proof_opts po = {.eng = &eng, .pc = pc, .fo = &fo, .lo = &lo};
        fix_prove(&po, lf, &dl);
        diag_sort(&dl);
        if (o.fix || o.diff) {
            if (apply_fixes(&eng, &o, pc, &fo, &lo, wl.items[i].path, &lf, &dl, &fixsum,
                            &diffs) != EXIT_CLEAN)
                status = EXIT_TROUBLE;
            if (!lf) {
                diag_list_free(&dl);
                continue;
            }
        }
        sum.files++;
        sum.dropped += dl.dropped;
        for (size_t k = 0; k < dl.n; k++) {
            const diag *d = &dl.items[k];
            if (d->hidden)
                continue;
            if (d->suppressed) {
                sum.suppressed++;
                continue;
            }
            if (d->sev == SEV_ERROR)
                sum.errors++;
            else if (d->sev == SEV_WARNING)
                sum.warnings++;
            else if (d->sev == SEV_INFO)
                sum.infos++;
            for (size_t f = 0; f < d->nfixes; f++) {
                if (d->fixes[f].safe) {
                    sum.fixable_safe++;
                    break;
                }
                if (f == d->nfixes - 1)
                    sum.fixable_unsafe++;
            }
        }
        emit_file_info info = {.src = lf->src,
                               .format = lf->fmt ? lf->fmt->name : NULL,
                               .format_title = lf->fmt ? lf->fmt->title : NULL,
                               .confidence = lf->confidence,
                               .command = lf->cmd ? lf->cmd->name : NULL,
                               .command_how = lf->cmd_how,
                               .command_line = lf->cmd_line};
        if (!o.diff)
            emit_file(em, &info, dl.items, dl.n);
        if (lf->ds_src && !o.diff) {
            bool any = false;
            for (size_t k = 0; k < dl.n; k++)
                if (dl.items[k].src == lf->ds_src)
                    any = true;
            if (any) {
                emit_file_info dinfo = {.src = lf->ds_src, .format = "deepspeed", .confidence = "referenced"};
                emit_file(em, &dinfo, dl.items, dl.n);
            }
        }
        diag_list_free(&dl);
        lintfile_free(lf);
    }
    if (o.diff) {
        emit_discard(em);
        if (diffs.len)
            fwrite(diffs.buf, 1, diffs.len, stdout);
        sb_free(&diffs);
        walk_free(&wl);
        engine_free(&eng);
        regex_cache_free();
        fprintf(stderr, "%zu fix%s in %zu file%s%s\n", fixsum.fixes, fixsum.fixes == 1 ? "" : "es",
                fixsum.files, fixsum.files == 1 ? "" : "s",
                fixsum.fixes ? (o.fix == FIX_ALL ? " (apply with --fix=all)" : " (apply with --fix)")
                             : "");
        if (status == EXIT_TROUBLE)
            return EXIT_TROUBLE;
        return fixsum.fixes ? EXIT_FINDINGS : EXIT_CLEAN;
    }
    emit_end(em, &sum);
    sb_free(&diffs);
    walk_free(&wl);
    engine_free(&eng);
    regex_cache_free();
    if (o.fix && !o.quiet)
        fprintf(stderr, "fixed %zu finding%s in %zu file%s\n", fixsum.fixes,
                fixsum.fixes == 1 ? "" : "s", fixsum.files, fixsum.files == 1 ? "" : "s");
    if (status == EXIT_TROUBLE)
        return EXIT_TROUBLE;
    size_t failing = (fail_on <= SEV_ERROR ? sum.errors : 0) +
                     (fail_on <= SEV_WARNING ? sum.warnings : 0) +
                     (fail_on <= SEV_INFO ? sum.infos : 0);
    if (failing)
        return EXIT_FINDINGS;
    if (o.max_warnings >= 0 && (long)sum.warnings > o.max_warnings)
        return EXIT_FINDINGS;
    return EXIT_CLEAN;
}
