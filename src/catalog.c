/*
 * catalog.c - loading and searching the GPU and model catalogs, reading a
 * local config.json, guessing a shape from a model's name. See catalog.h.
 */
#include "catalog.h"
#include "embedded.h"
#include "expr.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const gpu_fields[] = {
    "id",   "name",     "aliases",           "vendor",      "arch",        "memory_gib",
    "memory_mib", "compute_capability", "gfx", "bf16",      "fp8",         "flash_attention_2",
    "bf16_tflops", "fp16_tflops", "fp32_tflops", "bandwidth_gbs", "tdp_w", "source", NULL};

static const char *const model_fields[] = {
    "id",          "aliases",       "family",        "arch",         "params",
    "active_params", "extra_params", "layers",       "decoder_layers", "hidden",
    "heads",       "kv_heads",      "head_dim",      "intermediate", "mlp",
    "vocab",       "tied_embeddings", "experts",     "experts_per_token", "moe_intermediate",
    "shared_experts", "attention_layers", "max_position", "dtype",   "source",
    "dense_layers", "q_lora_rank", "kv_lora_rank", "qk_rope_head_dim", "v_head_dim",
    "softcapping", "dropout", NULL};

double gpu_memory_bytes(const gpu_info *g)
{
    if (g->memory_mib > 0)
        return g->memory_mib * 1024.0 * 1024.0;
    return g->memory_gib * 1024.0 * 1024.0 * 1024.0;
}

void catalog_normalize(const char *in, char *out, size_t outsz, bool gpu_words)
{
    char low[256];
    size_t n = 0;
    for (const char *p = in; *p && n + 1 < sizeof low; p++)
        low[n++] = (char)tolower((unsigned char)*p);
    low[n] = '\0';
    if (gpu_words) {
        static const char *const words[] = {"nvidia", "geforce", "tesla", "amd", "instinct",
                                            "radeon", NULL};
        for (size_t w = 0; words[w]; w++) {
            char *hit;
            size_t wl = strlen(words[w]);
            while ((hit = strstr(low, words[w])) != NULL)
                memmove(hit, hit + wl, strlen(hit + wl) + 1);
        }
    }
    size_t k = 0;
    for (const char *p = low; *p && k + 1 < outsz; p++)
        if (isalnum((unsigned char)*p))
            out[k++] = *p;
    out[k] = '\0';
}

/* ---- loading ---------------------------------------------------------- */

static int load_gpus(catalog *c, datactx *cx)
{
    datafile *df = data_open_embedded(cx, "rules/catalog/gpus.yaml");
    if (!df)
        return -1;
    const doc_node *root = doc_root(&df->d);
    const doc_node *list = doc_map_get(root, "gpus");
    if (!list || list->kind != DOC_SEQ) {
        data_error(cx, df, root, "gpus.yaml needs a 'gpus' list");
        return -1;
    }
    c->gpus = arena_zalloc(&c->mem, (list->n ? list->n : 1) * sizeof *c->gpus);
    int rc = 0;
    for (size_t i = 0; i < list->n; i++) {
        const doc_node *g = list->u.items[i];
        if (!data_check_keys(cx, df, g, gpu_fields, "gpu")) {
            rc = -1;
            continue;
        }
        gpu_info *x = &c->gpus[c->ngpus++];
        x->id = data_str(cx, df, g, "id", NULL);
        x->name = data_str(cx, df, g, "name", x->id);
        x->vendor = data_str(cx, df, g, "vendor", "nvidia");
        x->arch = data_str(cx, df, g, "arch", "");
        x->gfx = data_str(cx, df, g, "gfx", NULL);
        x->source = data_str(cx, df, g, "source", NULL);
        x->aliases = data_strlist(cx, df, g, "aliases", &x->naliases);
        x->memory_gib = data_num(cx, df, g, "memory_gib", 0);
        x->memory_mib = data_num(cx, df, g, "memory_mib", 0);
        x->compute_capability = data_num(cx, df, g, "compute_capability", 0);
        x->bf16 = data_bool(cx, df, g, "bf16", false);
        x->fp8 = data_bool(cx, df, g, "fp8", false);
        x->flash_attention_2 = data_bool(cx, df, g, "flash_attention_2", false);
        x->bf16_tflops = data_num(cx, df, g, "bf16_tflops", 0);
        x->fp16_tflops = data_num(cx, df, g, "fp16_tflops", 0);
        x->fp32_tflops = data_num(cx, df, g, "fp32_tflops", 0);
        x->bandwidth_gbs = data_num(cx, df, g, "bandwidth_gbs", 0);
        x->tdp_w = data_num(cx, df, g, "tdp_w", 0);
        if (!x->id || x->memory_gib <= 0 || !x->source) {
            data_error(cx, df, g, "a GPU needs id, memory_gib and source");
            rc = -1;
        }
    }
    return rc;
}

static bool shape_neutral(const char *tok);
static int load_all_models(catalog *c);

static void index_model(catalog *c, const char *name, model_info *m);

/* Indexes a name and its forms without shape-neutral suffixes
 * (CodeLlama-34b-hf is found as CodeLlama-34B). */
static void index_model_variants(catalog *c, const char *name, model_info *m)
{
    index_model(c, name, m);
    char work[256];
    const char *slash = strrchr(name, '/');
    snprintf(work, sizeof work, "%s", slash ? slash + 1 : name);
    for (char *p = work; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (int round = 0; round < 6; round++) {
        char *cut = NULL;
        for (char *p = work + strlen(work); p > work; p--)
            if (p[-1] == '-' || p[-1] == '_' || p[-1] == '.') {
                cut = p - 1;
                break;
            }
        if (!cut || !shape_neutral(cut + 1))
            return;
        *cut = '\0';
        index_model(c, work, m);
    }
}

static void index_model(catalog *c, const char *name, model_info *m)
{
    char key[256];
    const char *slash = strrchr(name, '/');
    catalog_normalize(slash ? slash + 1 : name, key, sizeof key, false);
    if (!*key)
        return;
    char *k = arena_strdup(&c->mem, key);
    if (!strmap_get(&c->model_index, k, strlen(k)))
        strmap_put(&c->model_index, k, strlen(k), m);
    /* the full id with its organisation too */
    catalog_normalize(name, key, sizeof key, false);
    k = arena_strdup(&c->mem, key);
    if (!strmap_get(&c->model_index, k, strlen(k)))
        strmap_put(&c->model_index, k, strlen(k), m);
}

/* One model entry's fields, in one pass over its pairs. */
enum mf_kind { MF_STR, MF_NUM, MF_BOOL, MF_LIST, MF_MLP };
typedef struct model_field {
    const char *name;
    enum mf_kind kind;
    size_t off;
} model_field;

#define MF(name, kind, member) {name, kind, offsetof(model_info, member)}
static const model_field model_field_table[] = {
    MF("id", MF_STR, id),
    MF("aliases", MF_LIST, aliases),
    MF("family", MF_STR, family),
    MF("arch", MF_STR, arch),
    MF("dtype", MF_STR, dtype),
    MF("source", MF_STR, source_url),
    MF("params", MF_NUM, params),
    MF("active_params", MF_NUM, active_params),
    MF("extra_params", MF_NUM, extra_params),
    MF("layers", MF_NUM, layers),
    MF("decoder_layers", MF_NUM, decoder_layers),
    MF("hidden", MF_NUM, hidden),
    MF("heads", MF_NUM, heads),
    MF("kv_heads", MF_NUM, kv_heads),
    MF("head_dim", MF_NUM, head_dim),
    MF("intermediate", MF_NUM, intermediate),
    MF("vocab", MF_NUM, vocab),
    MF("tied_embeddings", MF_BOOL, tied_embeddings),
    MF("experts", MF_NUM, experts),
    MF("experts_per_token", MF_NUM, experts_per_token),
    MF("moe_intermediate", MF_NUM, moe_intermediate),
    MF("shared_experts", MF_NUM, shared_experts),
    MF("attention_layers", MF_NUM, attention_layers),
    MF("max_position", MF_NUM, max_position),
    MF("dense_layers", MF_NUM, dense_layers),
    MF("q_lora_rank", MF_NUM, q_lora_rank),
    MF("kv_lora_rank", MF_NUM, kv_lora_rank),
    MF("qk_rope_head_dim", MF_NUM, qk_rope_head_dim),
    MF("v_head_dim", MF_NUM, v_head_dim),
    MF("softcapping", MF_BOOL, softcapping),
    MF("dropout", MF_NUM, dropout),
    MF("mlp", MF_MLP, gated),
};
#undef MF

static const model_field *find_model_field(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_LEN(model_field_table); i++)
        if (strlen(model_field_table[i].name) == len &&
            memcmp(model_field_table[i].name, name, len) == 0)
            return &model_field_table[i];
    return NULL;
}

/* Reads one entry into m; reports what is wrong with it. */
static int read_model(datactx *cx, const datafile *df, const doc_node *g, model_info *m)
{
    memset(m, 0, sizeof *m);
    m->family = "";
    m->arch = "decoder";
    m->gated = true;
    m->origin = "catalog";
    if (!g || g->kind != DOC_MAP) {
        data_error(cx, df, g, "a model entry is a mapping");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < g->n; i++) {
        const doc_node *k = g->u.pairs[i].key, *v = g->u.pairs[i].value;
        const model_field *f = k->kind == DOC_SCALAR ? find_model_field(k->text, k->len) : NULL;
        if (!f) {
            data_check_keys(cx, df, g, model_fields, "model"); /* reports it, with a suggestion */
            rc = -1;
            break;
        }
        char *at = (char *)m + f->off;
        switch (f->kind) {
        case MF_STR: {
            const char *t = data_text(v);
            if (!t || v->kind != DOC_SCALAR) {
                data_error(cx, df, v, "'%s' must be a string", f->name);
                rc = -1;
            }
            memcpy(at, &t, sizeof t);
            break;
        }
        case MF_NUM: {
            scalar_value sv = doc_scalar(v, TYPING_YAML12);
            if (sv.type != ST_INT && sv.type != ST_FLOAT) {
                data_error(cx, df, v, "'%s' must be a number", f->name);
                rc = -1;
                break;
            }
            memcpy(at, &sv.num, sizeof sv.num);
            break;
        }
        case MF_BOOL: {
            scalar_value sv = doc_scalar(v, TYPING_YAML12);
            if (sv.type != ST_BOOL) {
                data_error(cx, df, v, "'%s' must be true or false", f->name);
                rc = -1;
            }
            *(bool *)at = sv.b;
            break;
        }
        case MF_LIST:
            m->aliases = data_strlist(cx, df, g, "aliases", &m->naliases);
            break;
        case MF_MLP: {
            const char *t = data_text(v);
            m->gated = !(t && strcmp(t, "plain") == 0);
            break;
        }
        }
    }
    if (rc == 0 &&
        (!m->id || m->params <= 0 || m->hidden <= 0 || m->layers <= 0 || !m->source_url)) {
        data_error(cx, df, g, "a model needs id, params, layers, hidden and source");
        rc = -1;
    }
    return rc;
}

/* A model's entry, read on first use. */
static model_info *model_at(const catalog *cc, size_t i)
{
    catalog *c = (catalog *)cc; /* the entry cache: logically const */
    if (!c->model_read[i]) {
        c->model_read[i] = true;
        if (read_model(c->cx, c->model_files[i], c->model_nodes[i], &c->models[i]) != 0)
            c->models[i].params = 0; /* invalid: a build-time error, never matched */
    }
    return &c->models[i];
}

int catalog_read_all_models(const catalog *c)
{
    size_t before = c->cx ? c->cx->errs->n : 0;
    load_all_models((catalog *)c);
    for (size_t i = 0; i < c->nmodels; i++)
        model_at(c, i);
    return c->cx && c->cx->errs->n > before ? -1 : 0;
}

/* The entries of one model file, placed at their build-time slots. */
static int model_file(catalog *c, const char *path, size_t *base_out, size_t *count_out)
{
    const embedded_model_file *mf = NULL;
    for (size_t i = 0; i < embedded_model_file_count; i++)
        if (strcmp(embedded_model_files[i].path, path) == 0)
            mf = &embedded_model_files[i];
    if (!mf)
        return -1;
    *base_out = mf->base;
    *count_out = mf->count;
    if (mf->count == 0 || c->model_nodes[mf->base])
        return 0; /* already read */
    datafile *df = data_open_embedded(c->cx, path);
    if (!df)
        return -1;
    const doc_node *list = doc_map_get(doc_root(&df->d), "models");
    if (!list || list->kind != DOC_SEQ || list->n != mf->count || mf->base + mf->count > c->nmodels) {
        data_error(c->cx, df, doc_root(&df->d), "this model file changed after the build");
        return -1;
    }
    for (size_t i = 0; i < list->n; i++) {
        c->model_nodes[mf->base + i] = list->u.items[i];
        c->model_files[mf->base + i] = df;
    }
    return 0;
}

/* The model of a build-time index slot, its file read on first use. */
static model_info *model_slot(const catalog *cc, size_t i)
{
    catalog *c = (catalog *)cc;
    if (i >= c->nmodels)
        return NULL;
    if (!c->model_nodes[i]) {
        for (size_t k = 0; k < embedded_model_file_count; k++) {
            const embedded_model_file *mf = &embedded_model_files[k];
            if (i >= mf->base && i < mf->base + mf->count) {
                size_t b, n;
                if (model_file(c, mf->path, &b, &n) != 0)
                    return NULL;
            }
        }
        if (!c->model_nodes[i])
            return NULL;
    }
    return model_at(c, i);
}

/* Records a file's entries and indexes them by id and aliases; the other
 * fields are read when a model is looked up. */
static int load_model_file(catalog *c, datactx *cx, const char *path, size_t *cap)
{
    datafile *df = data_open_embedded(cx, path);
    if (!df)
        return -1;
    const doc_node *root = doc_root(&df->d);
    const doc_node *list = doc_map_get(root, "models");
    if (!list || list->kind != DOC_SEQ) {
        data_error(cx, df, root, "a model catalog file needs a 'models' list");
        return -1;
    }
    for (size_t i = 0; i < list->n; i++) {
        size_t old = *cap;
        c->models = xgrow(c->models, cap, c->nmodels + 1, sizeof *c->models);
        if (*cap != old) {
            c->model_nodes = xrealloc(c->model_nodes, *cap * sizeof *c->model_nodes);
            c->model_files = xrealloc(c->model_files, *cap * sizeof *c->model_files);
            c->model_read = xrealloc(c->model_read, *cap * sizeof *c->model_read);
        }
        size_t k = c->nmodels++;
        memset(&c->models[k], 0, sizeof c->models[k]);
        c->model_nodes[k] = list->u.items[i];
        c->model_files[k] = df;
        c->model_read[k] = false;
    }
    return 0;
}

static const char *const est_fields[] = {
    "context_bytes", "fragmentation", "activation_scale", "logits_transient",
    "qlora_runtime_bytes", "tight_margin", "deepspeed_bucket_elems", "efficiency_full",
    "efficiency_lora", "efficiency_qlora", "efficiency_inference", "efficiency_consumer",
    "chars_per_token", "tokens_per_message", "efficiency_bandwidth", "runtimes", "optimizers", NULL};
static const char *const runtime_fields[] = {"name", "adapter_fp32", "adapter_shared_input",
                                             "kbit_upcast", "loss_upcast", "foreach_optimizer",
                                             "amp_master_fp32", "fsdp_gathers_all",
                                             "kbit_saves_input", NULL};
static const char *const optimizer_fields[] = {"match", "states", "state_bytes", "paged",
                                               "fused", "no_grads", NULL};

static int load_estimator(catalog *c, datactx *cx)
{
    datafile *df = data_open_embedded(cx, "rules/catalog/estimator.yaml");
    if (!df)
        return -1;
    const doc_node *r = doc_root(&df->d);
    if (!data_check_keys(cx, df, r, est_fields, "estimator.yaml"))
        return -1;
    est_params *p = &c->est;
    p->context_bytes = data_num(cx, df, r, "context_bytes", 512.0 * 1024 * 1024);
    p->fragmentation = data_num(cx, df, r, "fragmentation", 0.05);
    p->activation_scale = data_num(cx, df, r, "activation_scale", 1);
    p->logits_transient = data_num(cx, df, r, "logits_transient", 4);
    p->qlora_runtime_bytes = data_num(cx, df, r, "qlora_runtime_bytes", 0);
    p->tight_margin = data_num(cx, df, r, "tight_margin", 0.1);
    p->deepspeed_bucket_elems = data_num(cx, df, r, "deepspeed_bucket_elems", 2e8);
    p->eff_full = data_num(cx, df, r, "efficiency_full", 0.4);
    p->eff_lora = data_num(cx, df, r, "efficiency_lora", 0.35);
    p->eff_qlora = data_num(cx, df, r, "efficiency_qlora", 0.25);
    p->eff_inference = data_num(cx, df, r, "efficiency_inference", 0.3);
    p->consumer_efficiency = data_num(cx, df, r, "efficiency_consumer", 0.85);
    p->chars_per_token = data_num(cx, df, r, "chars_per_token", 4);
    p->eff_bandwidth = data_num(cx, df, r, "efficiency_bandwidth", 0.7);
    p->tokens_per_message = data_num(cx, df, r, "tokens_per_message", 5);
    const doc_node *rts = doc_map_get(r, "runtimes");
    const doc_node *ops = doc_map_get(r, "optimizers");
    if (!rts || rts->kind != DOC_SEQ || !ops || ops->kind != DOC_SEQ) {
        data_error(cx, df, r, "estimator.yaml needs runtimes and optimizers lists");
        return -1;
    }
    runtime_profile *rp = arena_zalloc(&c->mem, rts->n * sizeof *rp);
    for (size_t i = 0; i < rts->n; i++) {
        const doc_node *n = rts->u.items[i];
        if (!data_check_keys(cx, df, n, runtime_fields, "runtime"))
            return -1;
        rp[i].name = data_str(cx, df, n, "name", "default");
        rp[i].adapter_fp32 = data_bool(cx, df, n, "adapter_fp32", true);
        rp[i].adapter_shared_input = data_bool(cx, df, n, "adapter_shared_input", false);
        rp[i].kbit_upcast = data_bool(cx, df, n, "kbit_upcast", true);
        rp[i].loss_upcast = data_bool(cx, df, n, "loss_upcast", true);
        rp[i].foreach_optimizer = data_bool(cx, df, n, "foreach_optimizer", false);
        rp[i].amp_master_fp32 = data_bool(cx, df, n, "amp_master_fp32", true);
        rp[i].fsdp_gathers_all = data_bool(cx, df, n, "fsdp_gathers_all", false);
        rp[i].kbit_saves_input = data_bool(cx, df, n, "kbit_saves_input", true);
    }
    optimizer_profile *op = arena_zalloc(&c->mem, ops->n * sizeof *op);
    for (size_t i = 0; i < ops->n; i++) {
        const doc_node *n = ops->u.items[i];
        if (!data_check_keys(cx, df, n, optimizer_fields, "optimizer"))
            return -1;
        op[i].match = data_str(cx, df, n, "match", NULL);
        char buf[200];
        if (!op[i].match || regex_check(op[i].match, buf, sizeof buf)) {
            data_error(cx, df, n, "optimizer entry needs a valid 'match' pattern");
            return -1;
        }
        op[i].states = data_num(cx, df, n, "states", 2);
        op[i].state_bytes = data_num(cx, df, n, "state_bytes", 0);
        op[i].paged = data_bool(cx, df, n, "paged", false);
        op[i].fused = data_bool(cx, df, n, "fused", false);
        op[i].no_grads = data_bool(cx, df, n, "no_grads", false);
    }
    p->runtimes = rp;
    p->nruntimes = rts->n;
    p->optimizers = op;
    p->noptimizers = ops->n;
    return 0;
}

/* Reads the model files and indexes every name (listings, guesses, and
 * builds without the build-time name index). */
static int load_all_models(catalog *c)
{
    if (c->models_complete)
        return c->models_rc;
    c->models_complete = true;
    datactx *cx = c->cx;
    int rc = 0;
    size_t cap = c->nmodels; /* the lazy path sized the arrays for every model */
    size_t base = 0;
    bool sized = c->nmodels > 0;
    for (size_t i = 0; i < embedded_count; i++) {
        const char *p = embedded_files[i].path;
        if (!str_starts(p, "rules/catalog/models/") || !str_ends(p, ".yaml"))
            continue;
        if (sized) {
            /* entries already placed by model_file(): keep their slots */
            size_t n = 0;
            if (model_file(c, p, &base, &n) != 0)
                rc = -1;
            base += n;
        } else if (load_model_file(c, cx, p, &cap) != 0) {
            rc = -1;
        }
    }
    /* index after loading: the array no longer moves; names come straight
     * from the entries (id and aliases), the rest is read on first use */
    for (size_t i = 0; i < c->nmodels; i++) {
        const doc_node *g = c->model_nodes[i];
        model_info *m = &c->models[i];
        const char *id = g ? data_text(doc_map_get(g, "id")) : NULL;
        if (id)
            index_model_variants(c, id, m);
        const doc_node *al = g ? doc_map_get(g, "aliases") : NULL;
        if (al && al->kind == DOC_SEQ)
            for (size_t k = 0; k < al->n; k++)
                if (data_text(al->u.items[k]))
                    index_model_variants(c, data_text(al->u.items[k]), m);
    }
    c->models_rc = rc;
    return rc;
}

int catalog_load(catalog *c, datactx *cx)
{
    if (c->loaded)
        return 0;
    c->loaded = true;
    c->cx = cx;
    int rc = load_estimator(c, cx);
    if (embedded_model_file_count > 0) {
        /* the build made a name index: size the model table now and read a
         * model file only when one of its models is looked up */
        size_t total = 0;
        for (size_t i = 0; i < embedded_model_file_count; i++)
            total += embedded_model_files[i].count;
        c->models = xcalloc(total ? total : 1, sizeof *c->models);
        c->model_nodes = xcalloc(total ? total : 1, sizeof *c->model_nodes);
        c->model_files = xcalloc(total ? total : 1, sizeof *c->model_files);
        c->model_read = xcalloc(total ? total : 1, sizeof *c->model_read);
        c->nmodels = total;
        return rc;
    }
    if (load_all_models(c) != 0)
        rc = -1;
    return rc;
}

int catalog_need_gpus(const catalog *cc)
{
    catalog *c = (catalog *)cc; /* loaded on first use: logically const */
    if (c->gpus_loaded)
        return c->gpus_rc;
    c->gpus_loaded = true;
    c->gpus_rc = load_gpus(c, c->cx);
    return c->gpus_rc;
}

void catalog_free(catalog *c)
{
    free(c->models);
    free(c->model_nodes);
    free(c->model_files);
    free(c->model_read);
    strmap_free(&c->model_index);
    arena_free(&c->mem);
    memset(c, 0, sizeof *c);
}

/* ---- GPUs -------------------------------------------------------------- */

static bool gpu_names_match(const gpu_info *g, const char *q, bool exact)
{
    char buf[256];
    const char *names[64];
    size_t n = 0;
    names[n++] = g->id;
    names[n++] = g->name;
    for (size_t i = 0; i < g->naliases && n < ARRAY_LEN(names); i++)
        names[n++] = g->aliases[i];
    for (size_t i = 0; i < n; i++) {
        if (!names[i])
            continue;
        catalog_normalize(names[i], buf, sizeof buf, true);
        if (exact ? strcmp(buf, q) == 0 : strstr(buf, q) != NULL)
            return true;
    }
    return false;
}

const gpu_info *catalog_find_gpu(const catalog *c, const char *query, const gpu_info **cand,
                                 size_t max, size_t *ncand)
{
    char q[256];
    catalog_normalize(query, q, sizeof q, true);
    *ncand = 0;
    if (!*q || catalog_need_gpus(c) != 0)
        return NULL;
    const gpu_info *hit = NULL;
    size_t hits = 0;
    for (size_t i = 0; i < c->ngpus; i++)
        if (gpu_names_match(&c->gpus[i], q, true)) {
            hit = &c->gpus[i];
            hits++;
        }
    if (hits == 1)
        return hit;
    for (size_t i = 0; i < c->ngpus; i++)
        if (gpu_names_match(&c->gpus[i], q, false) && *ncand < max)
            cand[(*ncand)++] = &c->gpus[i];
    if (*ncand == 1)
        return cand[0];
    if (*ncand == 0) {
        /* nothing contains the query: offer the closest ids */
        for (size_t d = 1; d <= 3 && *ncand == 0; d++)
            for (size_t i = 0; i < c->ngpus && *ncand < max; i++) {
                char id[128];
                catalog_normalize(c->gpus[i].id, id, sizeof id, true);
                if (edit_distance(q, id, d) <= d)
                    cand[(*ncand)++] = &c->gpus[i];
            }
        return NULL;
    }
    return NULL;
}

bool catalog_gpu_ambiguous(const catalog *c, const char *query)
{
    catalog_need_gpus(c);
    char q[256];
    catalog_normalize(query, q, sizeof q, true);
    size_t n = 0;
    for (size_t i = 0; *q && i < c->ngpus; i++)
        if (gpu_names_match(&c->gpus[i], q, false))
            n++;
    return n > 1;
}

/* ---- model shapes ------------------------------------------------------ */

double model_head_dim(const model_info *m)
{
    if (m->head_dim > 0)
        return m->head_dim;
    return m->heads > 0 ? m->hidden / m->heads : 0;
}

/* Attention weights of one layer: q, k, v, o; multi-head latent attention
 * (DeepSeek) compresses q and kv through low-rank projections. */
static double attention_params(const model_info *m)
{
    double h = m->hidden, hd = model_head_dim(m);
    if (m->kv_lora_rank > 0) {
        double rope = m->qk_rope_head_dim, nope = hd - rope;
        double v = m->v_head_dim > 0 ? m->v_head_dim : nope;
        double q = m->q_lora_rank > 0
                       ? h * m->q_lora_rank + m->q_lora_rank + m->q_lora_rank * m->heads * hd
                       : h * m->heads * hd;
        double kv = h * (m->kv_lora_rank + rope) + m->kv_lora_rank +
                    m->kv_lora_rank * m->heads * (nope + v);
        return q + kv + m->heads * v * h;
    }
    double kv = m->kv_heads > 0 ? m->kv_heads : m->heads;
    return h * m->heads * hd * 2 + h * kv * hd * 2;
}

double model_params_from_shape(const model_info *m)
{
    double h = m->hidden, V = m->vocab, L = m->layers;
    double attn = attention_params(m);
    double mats = m->gated ? 3 : 2;
    double dense_mlp = mats * h * m->intermediate;
    double mlp_total;
    if (m->experts > 0) {
        double ei = m->moe_intermediate > 0 ? m->moe_intermediate : m->intermediate;
        double moe = m->experts * mats * h * ei + h * m->experts + m->shared_experts * mats * h * ei;
        mlp_total = m->dense_layers * dense_mlp + (L - m->dense_layers) * moe;
    } else {
        mlp_total = L * dense_mlp;
    }
    double emb = V * h * (m->tied_embeddings ? 1 : 2);
    double total = emb + L * (attn + 2 * h) + mlp_total + h;
    if (m->decoder_layers > 0) /* decoder layers also have cross-attention */
        total += m->decoder_layers * (attn + dense_mlp + 2 * h + attn + h);
    return total;
}

static double jnum(const cJSON *o, const char *const *keys, double fallback)
{
    for (; *keys; keys++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, *keys);
        if (cJSON_IsNumber(v))
            return v->valuedouble;
        if (cJSON_IsBool(v))
            return cJSON_IsTrue(v) ? 1 : 0;
    }
    return fallback;
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool read_config_json(const char *path, model_info *out, arena *a, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err = xasprintf("cannot read %s", path);
        return false;
    }
    strbuf sb = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0 && sb.len < (4u << 20))
        sb_add(&sb, buf, n);
    fclose(f);
    cJSON *root = cJSON_ParseWithLength(sb.buf ? sb.buf : "", sb.len);
    sb_free(&sb);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        *err = xasprintf("%s is not a JSON object", path);
        return false;
    }
    const cJSON *cfg = root;
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(root, "text_config");
    if (!cJSON_GetObjectItemCaseSensitive(root, "hidden_size") && cJSON_IsObject(text))
        cfg = text;
    memset(out, 0, sizeof *out);
    out->id = arena_strdup(a, path);
    const char *mt = jstr(root, "model_type");
    out->family = arena_strdup(a, mt ? mt : "");
    out->hidden = jnum(cfg, (const char *const[]){"hidden_size", "n_embd", "d_model", "dim", NULL}, 0);
    out->layers = jnum(cfg, (const char *const[]){"num_hidden_layers", "n_layer", "num_layers", "n_layers", NULL}, 0);
    out->heads = jnum(cfg, (const char *const[]){"num_attention_heads", "n_head", "num_heads", "n_heads", NULL}, 0);
    out->kv_heads = jnum(cfg, (const char *const[]){"num_key_value_heads", "n_head_kv", "num_kv_heads", "multi_query_group_num", NULL}, 0);
    if (out->kv_heads <= 0) {
        const cJSON *mq = cJSON_GetObjectItemCaseSensitive(cfg, "multi_query");
        out->kv_heads = cJSON_IsTrue(mq) ? 1 : out->heads;
    }
    out->head_dim = jnum(cfg, (const char *const[]){"head_dim", NULL}, 0);
    out->intermediate = jnum(cfg, (const char *const[]){"intermediate_size", "n_inner", "d_ff", "ffn_dim", "ffn_hidden_size", NULL}, 0);
    if (out->intermediate <= 0)
        out->intermediate = 4 * out->hidden;
    out->vocab = jnum(cfg, (const char *const[]){"vocab_size", "padded_vocab_size", NULL}, 0);
    out->tied_embeddings = jnum(root, (const char *const[]){"tie_word_embeddings", NULL}, 1) != 0;
    out->experts = jnum(cfg, (const char *const[]){"num_local_experts", "num_experts", "n_routed_experts", NULL}, 0);
    out->experts_per_token = jnum(cfg, (const char *const[]){"num_experts_per_tok", "moe_topk", "top_k", NULL}, 0);
    out->moe_intermediate = jnum(cfg, (const char *const[]){"moe_intermediate_size", NULL}, 0);
    out->shared_experts = jnum(cfg, (const char *const[]){"n_shared_experts", "num_shared_experts", NULL}, 0);
    out->max_position = jnum(cfg, (const char *const[]){"max_position_embeddings", "n_positions", "max_seq_len", "seq_length", NULL}, 0);
    out->softcapping = jnum(cfg, (const char *const[]){"attn_logit_softcapping", NULL}, 0) > 0;
    out->dropout = jnum(cfg, (const char *const[]){"attention_probs_dropout_prob", "attn_pdrop", "attention_dropout", "hidden_dropout_prob", "resid_pdrop", NULL}, 0);
    const char *dt = jstr(cfg, "torch_dtype");
    if (!dt)
        dt = jstr(cfg, "dtype");
    out->dtype = dt ? arena_strdup(a, dt) : NULL;
    static const char *const plain_types[] = {"gpt2", "gpt_neox", "gptj", "falcon", "phi", "bert",
                                              "roberta", "opt", "bloom", "mpt", "starcoder2",
                                              "gpt_bigcode", "t5", "whisper", NULL};
    out->gated = true;
    for (size_t i = 0; mt && plain_types[i]; i++)
        if (strcmp(mt, plain_types[i]) == 0)
            out->gated = false;
    const char *act = jstr(cfg, "feed_forward_proj");
    if (act && strstr(act, "gated"))
        out->gated = true;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(root, "is_encoder_decoder"))) {
        out->arch = "encoder-decoder";
        out->decoder_layers = jnum(cfg, (const char *const[]){"num_decoder_layers", "decoder_layers", NULL}, out->layers);
    } else if (mt && (strcmp(mt, "bert") == 0 || strcmp(mt, "roberta") == 0)) {
        out->arch = "encoder";
    } else {
        out->arch = "decoder";
    }
    cJSON_Delete(root);
    if (out->hidden <= 0 || out->layers <= 0 || out->heads <= 0 || out->vocab <= 0) {
        *err = xasprintf("%s lacks hidden_size, num_hidden_layers, num_attention_heads or "
                         "vocab_size", path);
        return false;
    }
    out->params = model_params_from_shape(out);
    if (out->experts > 0) {
        model_info act_m = *out;
        act_m.experts = out->experts_per_token > 0 ? out->experts_per_token : 1;
        out->active_params = model_params_from_shape(&act_m);
    }
    out->origin = "config.json";
    return true;
}

static int cmp_model_name(const void *k, const void *e)
{
    return strcmp((const char *)k, ((const embedded_model_name *)e)->name);
}

static model_info *lookup(const catalog *c, const char *s)
{
    char key[256];
    catalog_normalize(s, key, sizeof key, false);
    if (!*key)
        return NULL;
    if (embedded_model_name_count > 0 && !c->models_complete) {
        const embedded_model_name *e =
            bsearch(key, embedded_model_names, embedded_model_name_count,
                    sizeof *embedded_model_names, cmp_model_name);
        model_info *m = e ? model_slot(c, e->model) : NULL;
        return m && m->params > 0 ? m : NULL;
    }
    model_info *m = strmap_get(&c->model_index, key, strlen(key));
    if (!m)
        return NULL;
    m = model_at(c, (size_t)(m - c->models));
    return m->params > 0 ? m : NULL;
}

/* Trailing name parts that do not change a model's shape. */
static bool shape_neutral(const char *tok)
{
    static const char *const words[] = {
        "instruct", "chat", "it", "hf", "base", "sft", "dpo", "orpo", "kto", "grpo", "rl",
        "fp16", "bf16", "fp8", "awq", "gptq", "gguf", "bnb", "4bit", "8bit", "nf4", "int4",
        "int8", "nvfp4", "mlx", "dequantized", "linearized", "pretrained", "preview", "full",
        "qlora", "lora", "merged", "v1", "v2", "v3", "reasoning", "thinking", "distill", NULL};
    for (size_t i = 0; words[i]; i++)
        if (strcmp(tok, words[i]) == 0)
            return true;
    /* release dates such as 2507 or 0414 */
    size_t n = strlen(tok);
    if (n == 4) {
        for (size_t i = 0; i < n; i++)
            if (!isdigit((unsigned char)tok[i]))
                return false;
        return true;
    }
    return false;
}

static model_info *lookup_stripped(const catalog *c, const char *name)
{
    char work[256];
    snprintf(work, sizeof work, "%s", name);
    for (char *p = work; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (int round = 0; round < 8; round++) {
        model_info *m = lookup(c, work);
        if (m)
            return m;
        if (str_starts(work, "meta-") && (m = lookup(c, work + 5)))
            return m;
        char *cut = NULL;
        for (char *p = work + strlen(work); p > work; p--)
            if (p[-1] == '-' || p[-1] == '_' || p[-1] == '.') {
                cut = p - 1;
                break;
            }
        if (!cut || !shape_neutral(cut + 1))
            return NULL;
        *cut = '\0';
    }
    return NULL;
}

/* Parameter count from the name: "-7B", "135M", "8x7B", "30B-A3B". */
static bool params_from_name(const char *name, double *total, double *active)
{
    *total = *active = 0;
    char low[256];
    snprintf(low, sizeof low, "%s", name);
    for (char *p = low; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    const char *p = low;
    while (*p) {
        if (isdigit((unsigned char)*p) && (p == low || !isalnum((unsigned char)p[-1]) ||
                                           p[-1] == 'a' || p[-1] == 'e' || p[-1] == 'x')) {
            char *end;
            double v = strtod(p, &end);
            char prev = p == low ? '-' : p[-1];
            if (*end == 'x' && isdigit((unsigned char)end[1])) {
                char *end2;
                double v2 = strtod(end + 1, &end2);
                if (*end2 == 'b' && !isalpha((unsigned char)end2[1])) {
                    /* experts x expert size: shared attention makes the total smaller */
                    *total = 0.82 * v * v2 * 1e9;
                    *active = 0; /* set from the top-k below when known */
                    p = end2 + 1;
                    continue;
                }
            }
            if ((*end == 'b' || *end == 'm') && !isalpha((unsigned char)end[1])) {
                double n = v * (*end == 'b' ? 1e9 : 1e6);
                if (prev == 'a')
                    *active = n;
                else if (*total == 0)
                    *total = n;
            }
            p = end;
            continue;
        }
        p++;
    }
    return *total > 0;
}

static const model_info *nearest_template(const catalog *c, double params)
{
    load_all_models((catalog *)c);
    const model_info *best = NULL;
    double bestd = INFINITY;
    static const char *const families[] = {"llama", "qwen", "qwen2", "qwen3", "mistral", NULL};
    for (size_t i = 0; i < c->nmodels; i++) {
        const model_info *m = model_at(c, i);
        if (m->params <= 0)
            continue;
        bool fam = false;
        for (size_t k = 0; families[k]; k++)
            if (strcmp(m->family, families[k]) == 0)
                fam = true;
        if (!fam || m->experts > 0 || strcmp(m->arch, "decoder") != 0)
            continue;
        double d = fabs(log(m->params / params));
        if (d < bestd) {
            bestd = d;
            best = m;
        }
    }
    return best;
}

bool catalog_find_model(const catalog *c, const char *id, model_info *out, arena *a, char **err)
{
    *err = NULL;
    struct stat st;
    if (stat(id, &st) == 0) {
        char *cfg = S_ISDIR(st.st_mode) ? xasprintf("%s/config.json", id) : xstrdup(id);
        struct stat cs;
        if (stat(cfg, &cs) == 0 && S_ISREG(cs.st_mode)) {
            bool ok = read_config_json(cfg, out, a, err);
            free(cfg);
            if (ok)
                out->id = arena_strdup(a, id);
            return ok;
        }
        free(cfg);
    }
    return catalog_lookup_model(c, id, out, a, err);
}

bool catalog_lookup_model(const catalog *c, const char *id, model_info *out, arena *a, char **err)
{
    *err = NULL;
    /* litgpt checkpoint folders and local mirrors keep the hub id at the end */
    const char *name = id;
    if (str_starts(name, "checkpoints/"))
        name += strlen("checkpoints/");
    model_info *m = lookup(c, name);
    if (!m) {
        const char *slash = strrchr(name, '/');
        m = lookup_stripped(c, slash ? slash + 1 : name);
    }
    if (m) {
        *out = *m;
        return true;
    }
    const char *slash = strrchr(name, '/');
    double total, active;
    if (params_from_name(slash ? slash + 1 : name, &total, &active)) {
        /* an MoE name gives the active size too: the shape (activations, FLOPs)
         * follows the active parameters, the weights the total */
        double shape_params = active > 0 ? active : total;
        const model_info *t = nearest_template(c, shape_params);
        if (t) {
            *out = *t;
            out->id = arena_strdup(a, id);
            out->aliases = NULL;
            out->naliases = 0;
            out->params = total;
            out->active_params = active;
            out->extra_params = 0;
            out->origin = "name";
            out->guess = true;
            out->template_id = t->id;
            out->source_url = NULL;
            /* keep the template's proportions at the guessed size */
            double scale = sqrt(shape_params / t->params);
            out->hidden = round(t->hidden * scale / 128) * 128;
            if (out->hidden < 128)
                out->hidden = 128;
            out->intermediate = round(t->intermediate * scale / 128) * 128;
            out->heads = round(out->hidden / model_head_dim(t));
            if (out->heads < 1)
                out->heads = 1;
            out->kv_heads = t->kv_heads < t->heads ? fmax(1, round(out->heads * t->kv_heads / t->heads)) : out->heads;
            out->head_dim = 0;
            out->layers = t->layers;
            out->experts = out->experts_per_token = out->moe_intermediate = out->shared_experts = 0;
            return true;
        }
    }
    *err = xasprintf("unknown model '%s': not in the catalog, no local config.json, and no "
                     "parameter count in its name",
                     id);
    return false;
}
