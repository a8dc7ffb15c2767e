/*
 * cmd_catalog.c - `trainlint gpus`, `trainlint models` (the catalogs, as
 * tables or JSON) and `trainlint profile` (the low_end / mid_range /
 * high_end hardware classification of rules/catalog/profiles.yaml).
 */
#include "catalog.h"
#include "cli.h"
#include "engine.h"
#include "hw.h"

#include <cJSON.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GIB (1024.0 * 1024.0 * 1024.0)

typedef struct list_opts {
    bool json;
    bool ids_only; /* -q */
    const char *query;
} list_opts;

static int parse_list_opts(int argc, char **argv, const char *cmd, const char *usage,
                           list_opts *o)
{
    static const struct option longs[] = {{"format", required_argument, NULL, 'f'},
                                          {"quiet", no_argument, NULL, 'q'},
                                          {"help", no_argument, NULL, 'h'},
                                          {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'q':
            o->ids_only = true;
            break;
        case 'f':
            if (cli_text_or_json(cmd, optarg, &o->json) != 0)
                return -1;
            break;
        case 'h':
            fputs(usage, stdout);
            exit(0);
        default:
            fprintf(stderr, "trainlint %s: unknown option '%s'\n%s", cmd, argv[optind - 1],
                    usage);
            return -1;
        }
    }
    if (optind < argc)
        o->query = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "trainlint %s: unexpected argument '%s'\n", cmd, argv[optind]);
        return -1;
    }
    return 0;
}

static bool load(engine *eng)
{
    if (engine_init(eng) != 0 || engine_load_catalog(eng) != 0) {
        cli_print_data_errors(&eng->data_errs);
        engine_free(eng);
        return false;
    }
    return true;
}

/* Loose containment of a query in a name (both normalised). */
static bool matches(const char *query, const char *const *names, size_t n, bool gpu)
{
    if (!query)
        return true;
    char q[256], t[256];
    catalog_normalize(query, q, sizeof q, gpu);
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            continue;
        catalog_normalize(names[i], t, sizeof t, gpu);
        if (strstr(t, q))
            return true;
    }
    return false;
}


static cJSON *aliases_json(const char **a, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(a[i]));
    return arr;
}

/* ---- gpus ---------------------------------------------------------------- */

static const char gpus_usage[] =
    "usage: trainlint gpus [NAME] [--format text|json] [-q]\n"
    "Lists the GPU catalog (rules/catalog/gpus.yaml), or the GPUs whose id, name or\n"
    "aliases contain NAME (-q: ids only).\n";

static bool gpu_matches(const gpu_info *g, const char *q)
{
    const char *names[2] = {g->id, g->name};
    return matches(q, names, 2, true) || matches(q, g->aliases, g->naliases, true);
}

int cmd_gpus(int argc, char **argv)
{
    list_opts o = {0};
    if (parse_list_opts(argc, argv, "gpus", gpus_usage, &o) != 0)
        return EXIT_TROUBLE;
    engine eng;
    if (!load(&eng))
        return EXIT_TROUBLE;
    if (catalog_need_gpus(&eng.catalog) != 0) {
        cli_print_data_errors(&eng.data_errs);
        engine_free(&eng);
        return EXIT_TROUBLE;
    }
    const catalog *c = &eng.catalog;
    size_t shown = 0;
    if (o.json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < c->ngpus; i++) {
            const gpu_info *g = &c->gpus[i];
            if (!gpu_matches(g, o.query))
                continue;
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "id", g->id);
            cJSON_AddStringToObject(j, "name", g->name);
            cJSON_AddItemToObject(j, "aliases", aliases_json(g->aliases, g->naliases));
            cJSON_AddStringToObject(j, "vendor", g->vendor);
            cJSON_AddStringToObject(j, "arch", g->arch);
            cJSON_AddNumberToObject(j, "memory_bytes", gpu_memory_bytes(g));
            cJSON_AddNumberToObject(j, "memory_gib", g->memory_gib);
            if (g->compute_capability > 0)
                cJSON_AddNumberToObject(j, "compute_capability", g->compute_capability);
            else
                cJSON_AddNullToObject(j, "compute_capability");
            if (g->gfx)
                cJSON_AddStringToObject(j, "gfx", g->gfx);
            cJSON_AddBoolToObject(j, "bf16", g->bf16);
            cJSON_AddBoolToObject(j, "fp8", g->fp8);
            cJSON_AddBoolToObject(j, "flash_attention_2", g->flash_attention_2);
            cJSON_AddNumberToObject(j, "peak_bf16_tflops", g->bf16_tflops);
            cJSON_AddNumberToObject(j, "peak_fp16_tflops", g->fp16_tflops);
            cJSON_AddNumberToObject(j, "peak_fp32_tflops", g->fp32_tflops);
            cJSON_AddNumberToObject(j, "bandwidth_gbs", g->bandwidth_gbs);
            cJSON_AddNumberToObject(j, "tdp_w", g->tdp_w);
            cJSON_AddStringToObject(j, "source", g->source ? g->source : "");
            cJSON_AddItemToArray(arr, j);
            shown++;
        }
        cli_print_json(arr, false);
    } else if (o.ids_only) {
        for (size_t i = 0; i < c->ngpus; i++)
            if (gpu_matches(&c->gpus[i], o.query)) {
                puts(c->gpus[i].id);
                shown++;
            }
    } else {
        printf("%-20s %-34s %9s %5s %-5s %-4s %-4s %9s %8s\n", "ID", "NAME", "MEMORY", "CC",
               "BF16", "FP8", "FA2", "BF16 TF/s", "GB/s");
        for (size_t i = 0; i < c->ngpus; i++) {
            const gpu_info *g = &c->gpus[i];
            if (!gpu_matches(g, o.query))
                continue;
            char cc[16];
            if (g->compute_capability > 0)
                snprintf(cc, sizeof cc, "%.1f", g->compute_capability);
            else
                snprintf(cc, sizeof cc, "%s", g->gfx ? g->gfx : "-");
            printf("%-20s %-34s %5.1f GiB %5s %-5s %-4s %-4s %9.1f %8.0f\n", g->id, g->name,
                   gpu_memory_bytes(g) / GIB, cc, g->bf16 ? "yes" : "no", g->fp8 ? "yes" : "no",
                   g->flash_attention_2 ? "yes" : "no", g->bf16_tflops, g->bandwidth_gbs);
            shown++;
        }
    }
    engine_free(&eng);
    if (o.query && shown == 0) {
        fprintf(stderr, "trainlint gpus: no GPU matches '%s'\n", o.query);
        return EXIT_FINDINGS;
    }
    return EXIT_CLEAN;
}

/* ---- models -------------------------------------------------------------- */

static const char models_usage[] =
    "usage: trainlint models [NAME] [--format text|json] [-q]\n"
    "Lists the model catalog (rules/catalog/models/*.yaml), or the models whose id or\n"
    "aliases contain NAME (-q: ids only).\n";

static bool model_matches(const model_info *m, const char *q)
{
    const char *names[1] = {m->id};
    return matches(q, names, 1, false) || matches(q, m->aliases, m->naliases, false);
}

static void add_num_or_null(cJSON *j, const char *k, double v)
{
    if (v > 0)
        cJSON_AddNumberToObject(j, k, v);
    else
        cJSON_AddNullToObject(j, k);
}

int cmd_models(int argc, char **argv)
{
    list_opts o = {0};
    if (parse_list_opts(argc, argv, "models", models_usage, &o) != 0)
        return EXIT_TROUBLE;
    engine eng;
    if (!load(&eng))
        return EXIT_TROUBLE;
    catalog_read_all_models(&eng.catalog);
    const catalog *c = &eng.catalog;
    size_t shown = 0;
    if (o.json) {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < c->nmodels; i++) {
            const model_info *m = &c->models[i];
            if (!model_matches(m, o.query))
                continue;
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "id", m->id);
            cJSON_AddItemToObject(j, "aliases", aliases_json(m->aliases, m->naliases));
            cJSON_AddStringToObject(j, "family", m->family ? m->family : "");
            cJSON_AddStringToObject(j, "arch", m->arch ? m->arch : "");
            cJSON_AddNumberToObject(j, "params", m->params);
            cJSON_AddNumberToObject(j, "active_params",
                                    m->active_params > 0 ? m->active_params : m->params);
            cJSON_AddNumberToObject(j, "layers", m->layers);
            cJSON_AddNumberToObject(j, "hidden", m->hidden);
            cJSON_AddNumberToObject(j, "heads", m->heads);
            cJSON_AddNumberToObject(j, "kv_heads", m->kv_heads > 0 ? m->kv_heads : m->heads);
            cJSON_AddNumberToObject(j, "head_dim", model_head_dim(m));
            cJSON_AddNumberToObject(j, "intermediate", m->intermediate);
            cJSON_AddNumberToObject(j, "vocab", m->vocab);
            cJSON_AddBoolToObject(j, "tied_embeddings", m->tied_embeddings);
            add_num_or_null(j, "experts", m->experts);
            add_num_or_null(j, "experts_per_token", m->experts_per_token);
            add_num_or_null(j, "max_position", m->max_position);
            cJSON_AddStringToObject(j, "source", m->source_url ? m->source_url : "");
            cJSON_AddItemToArray(arr, j);
            shown++;
        }
        cli_print_json(arr, false);
    } else if (o.ids_only) {
        for (size_t i = 0; i < c->nmodels; i++)
            if (model_matches(&c->models[i], o.query)) {
                puts(c->models[i].id);
                shown++;
            }
    } else {
        printf("%-46s %8s %8s %6s %6s %9s %7s %8s\n", "ID", "PARAMS", "ACTIVE", "LAYERS",
               "HIDDEN", "HEADS/KV", "VOCAB", "CONTEXT");
        for (size_t i = 0; i < c->nmodels; i++) {
            const model_info *m = &c->models[i];
            if (!model_matches(m, o.query))
                continue;
            char heads[24], active[16];
            snprintf(heads, sizeof heads, "%.0f/%.0f", m->heads,
                     m->kv_heads > 0 ? m->kv_heads : m->heads);
            if (m->active_params > 0 && m->active_params < m->params)
                snprintf(active, sizeof active, "%.2fB", m->active_params / 1e9);
            else
                snprintf(active, sizeof active, "-");
            printf("%-46s %7.2fB %8s %6.0f %6.0f %9s %7.0f %8.0f\n", m->id, m->params / 1e9,
                   active, m->layers, m->hidden, heads, m->vocab, m->max_position);
            shown++;
        }
    }
    engine_free(&eng);
    if (o.query && shown == 0) {
        fprintf(stderr, "trainlint models: no model matches '%s'\n", o.query);
        return EXIT_FINDINGS;
    }
    return EXIT_CLEAN;
}

/* ---- profile ------------------------------------------------------------- */

static const char profile_usage[] =
    "usage: trainlint profile [--gpu NAME | --vram GIB] [--ram GIB] [--format text|json]\n"
    "       trainlint profile auto [--format text|json]\n"
    "Classifies hardware as low_end, mid_range or high_end (ModelForge's hardware profiles;\n"
    "thresholds in rules/catalog/profiles.yaml) and prints the settings recommended for it.\n"
    "  --gpu NAME   a catalog GPU ('trainlint gpus'); its memory as the driver reports it\n"
    "  --vram GIB   GPU memory in GiB instead of --gpu\n"
    "  --ram GIB    system RAM in GiB (default: this machine's)\n"
    "  auto         this machine: the first GPU nvidia-smi lists, and /proc/meminfo\n";

typedef struct profile_def {
    const char *name, *summary, *notes;
    bool use_4bit, has_bf16, bf16;
    double micro_batch, grad_accum, seq_len;
} profile_def;

typedef struct profile_table {
    double vram_low, vram_mid, ram_low;
    profile_def p[3];
    size_t n;
} profile_table;

static const char *const profile_top_fields[] = {"vram_low_end_max_gib", "vram_mid_range_max_gib",
                                                 "ram_low_end_max_gib", "profiles", NULL};
static const char *const profile_fields[] = {"name", "summary", "use_4bit", "bf16", "micro_batch",
                                             "grad_accum", "seq_len", "notes", NULL};

static int load_profiles(engine *eng, profile_table *t)
{
    datactx *cx = &eng->cx;
    datafile *df = data_open_embedded(cx, "rules/catalog/profiles.yaml");
    if (!df)
        return -1;
    const doc_node *r = doc_root(&df->d);
    if (!r || !data_check_keys(cx, df, r, profile_top_fields, "profiles.yaml"))
        return -1;
    t->vram_low = data_num(cx, df, r, "vram_low_end_max_gib", 7.2);
    t->vram_mid = data_num(cx, df, r, "vram_mid_range_max_gib", 15.2);
    t->ram_low = data_num(cx, df, r, "ram_low_end_max_gib", 15.2);
    const doc_node *ps = doc_map_get(r, "profiles");
    if (!ps || ps->kind != DOC_SEQ || ps->n != 3) {
        data_error(cx, df, ps ? ps : r, "profiles.yaml needs three profiles");
        return -1;
    }
    for (size_t i = 0; i < ps->n; i++) {
        const doc_node *n = ps->u.items[i];
        if (!data_check_keys(cx, df, n, profile_fields, "a profile"))
            return -1;
        profile_def *p = &t->p[t->n++];
        p->name = data_str(cx, df, n, "name", "?");
        p->summary = data_str(cx, df, n, "summary", "");
        p->notes = data_str(cx, df, n, "notes", "");
        p->use_4bit = data_bool(cx, df, n, "use_4bit", false);
        p->has_bf16 = doc_map_get(n, "bf16") != NULL;
        p->bf16 = data_bool(cx, df, n, "bf16", false);
        p->micro_batch = data_num(cx, df, n, "micro_batch", 1);
        p->grad_accum = data_num(cx, df, n, "grad_accum", 1);
        p->seq_len = data_num(cx, df, n, "seq_len", 512);
    }
    return eng->data_errs.n ? -1 : 0;
}

static const profile_def *find_profile(const profile_table *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->p[i].name, name) == 0)
            return &t->p[i];
    return NULL;
}

/* ModelForge's classification (see profiles.yaml); `why` explains it. */
static const char *classify(const profile_table *t, double vram, double ram, char *why,
                            size_t whysz)
{
    if (vram < t->vram_low) {
        snprintf(why, whysz, "GPU memory %.2f GiB < %.1f", vram, t->vram_low);
        return "low_end";
    }
    if (vram < t->vram_mid) {
        bool low = ram < t->ram_low;
        snprintf(why, whysz, "GPU memory %.2f GiB < %.1f and RAM %.0f GiB %s %.1f", vram,
                 t->vram_mid, ram, low ? "<" : ">=", t->ram_low);
        return low ? "low_end" : "mid_range";
    }
    bool low = ram < t->ram_low;
    snprintf(why, whysz, "GPU memory %.2f GiB >= %.1f and RAM %.0f GiB %s %.1f", vram,
             t->vram_mid, ram, low ? "<" : ">=", t->ram_low);
    return low ? "mid_range" : "high_end";
}

static bool parse_gib(const char *s, const char *opt, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end != s && (strcmp(end, "GB") == 0 || strcmp(end, "G") == 0 || strcmp(end, "GiB") == 0))
        end += strlen(end);
    if (end == s || *end || !(v > 0) || v > 1e6) {
        fprintf(stderr, "trainlint profile: %s takes a size in GiB (e.g. 24)\n", opt);
        return false;
    }
    *out = v;
    return true;
}

int cmd_profile(int argc, char **argv)
{
    static const struct option longs[] = {
        {"gpu", required_argument, NULL, 'G'}, {"vram", required_argument, NULL, 'V'},
        {"ram", required_argument, NULL, 'R'}, {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},      {NULL, 0, NULL, 0}};
    const char *gpu = NULL;
    double vram = 0, ram = 0;
    bool json = false, is_auto = false;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "f:h", longs, NULL)) != -1) {
        switch (c) {
        case 'G':
            gpu = optarg;
            break;
        case 'V':
            if (!parse_gib(optarg, "--vram", &vram))
                return EXIT_TROUBLE;
            break;
        case 'R':
            if (!parse_gib(optarg, "--ram", &ram))
                return EXIT_TROUBLE;
            break;
        case 'f':
            json = strcmp(optarg, "json") == 0;
            if (!json && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "trainlint profile: --format takes text or json\n");
                return EXIT_TROUBLE;
            }
            break;
        case 'h':
            fputs(profile_usage, stdout);
            return EXIT_CLEAN;
        default:
            fprintf(stderr, "trainlint profile: unknown option '%s'\n%s", argv[optind - 1],
                    profile_usage);
            return EXIT_TROUBLE;
        }
    }
    for (; optind < argc; optind++) {
        if (strcmp(argv[optind], "auto") == 0) {
            is_auto = true;
        } else {
            fprintf(stderr, "trainlint profile: unexpected argument '%s'\n%s", argv[optind],
                    profile_usage);
            return EXIT_TROUBLE;
        }
    }
    if (gpu && strcmp(gpu, "auto") == 0)
        is_auto = true, gpu = NULL;
    if (is_auto && (gpu || vram > 0)) {
        fprintf(stderr, "trainlint profile: auto detects the GPU; do not also give --gpu/--vram\n");
        return EXIT_TROUBLE;
    }
    if (!is_auto && !gpu && vram <= 0) {
        fprintf(stderr, "trainlint profile: give --gpu NAME (or --vram GIB), or 'auto'\n%s",
                profile_usage);
        return EXIT_TROUBLE;
    }
    engine eng;
    if (!load(&eng))
        return EXIT_TROUBLE;
    profile_table t = {0};
    if (load_profiles(&eng, &t) != 0) {
        cli_print_data_errors(&eng.data_errs);
        engine_free(&eng);
        return EXIT_TROUBLE;
    }
    const char *gpu_name = NULL, *vram_source = "--vram", *ram_source = "--ram";
    hw_gpu hw;
    if (is_auto) {
        char *err = NULL;
        if (hw_detect_gpu(&eng.catalog, &hw, &err) != 0) {
            fprintf(stderr, "trainlint profile auto: %s; give --gpu NAME or --vram GIB\n", err);
            free(err);
            engine_free(&eng);
            return EXIT_TROUBLE;
        }
        vram = round(hw.memory_mib / 1024 * 100) / 100;
        gpu_name = hw.name;
        vram_source = "nvidia-smi memory.total";
    } else if (gpu) {
        const gpu_info *cand[12];
        size_t nc;
        const gpu_info *g = catalog_find_gpu(&eng.catalog, gpu, cand, 12, &nc);
        if (!g) {
            const gpu_info *dummy;
            resolve_gpu(&eng, gpu, &hw, &dummy);
            engine_free(&eng);
            return EXIT_TROUBLE;
        }
        vram = round(gpu_memory_bytes(g) / GIB * 100) / 100;
        gpu_name = g->name;
        vram_source = g->memory_mib > 0 ? "catalog (driver-reported memory.total)"
                                        : "catalog (marketed capacity)";
    }
    if (ram <= 0) {
        double b = hw_ram_bytes();
        if (b <= 0) {
            fprintf(stderr, "trainlint profile: cannot read this machine's RAM; give --ram GIB\n");
            engine_free(&eng);
            return EXIT_TROUBLE;
        }
        ram = nearbyint(b / GIB); /* Python's round(): halves to even */
        ram_source = "this machine (/proc/meminfo)";
    }
    char why[160];
    const char *name = classify(&t, vram, ram, why, sizeof why);
    const profile_def *p = find_profile(&t, name);
    if (!p) {
        fprintf(stderr, "trainlint profile: profiles.yaml has no profile '%s'\n", name);
        engine_free(&eng);
        return EXIT_TROUBLE;
    }
    if (json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "profile", p->name);
        if (gpu_name)
            cJSON_AddStringToObject(j, "gpu", gpu_name);
        cJSON_AddNumberToObject(j, "vram_gib", vram);
        cJSON_AddNumberToObject(j, "ram_gib", ram);
        cJSON_AddStringToObject(j, "reason", why);
        cJSON *rec = cJSON_AddObjectToObject(j, "recommended");
        cJSON_AddBoolToObject(rec, "use_4bit", p->use_4bit);
        if (p->has_bf16)
            cJSON_AddBoolToObject(rec, "bf16", p->bf16);
        cJSON_AddNumberToObject(rec, "per_device_train_batch_size", p->micro_batch);
        cJSON_AddNumberToObject(rec, "gradient_accumulation_steps", p->grad_accum);
        cJSON_AddNumberToObject(rec, "max_seq_length", p->seq_len);
        cJSON_AddStringToObject(j, "notes", p->notes);
        cli_print_json(j, false);
    } else {
        printf("profile: %s\n", p->name);
        if (gpu_name)
            printf("  GPU: %s, %.2f GiB (%s)\n", gpu_name, vram, vram_source);
        else
            printf("  GPU memory: %.2f GiB (%s)\n", vram, vram_source);
        printf("  RAM: %.0f GiB (%s)\n", ram, ram_source);
        printf("  rule: %s\n", why);
        printf("recommended settings (ModelForge):\n");
        printf("  use_4bit: %s\n", p->use_4bit ? "true" : "false");
        if (p->has_bf16)
            printf("  bf16: %s\n", p->bf16 ? "true" : "false");
        printf("  per_device_train_batch_size: %.0f\n", p->micro_batch);
        printf("  gradient_accumulation_steps: %.0f\n", p->grad_accum);
        printf("  max_seq_length: %.0f\n", p->seq_len);
        if (p->notes && *p->notes)
            printf("  # %s\n", p->notes);
    }
    engine_free(&eng);
    return EXIT_CLEAN;
}
