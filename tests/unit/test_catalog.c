/*
 * test_catalog.c - the GPU and model catalogs: every entry's parameter count
 * agrees with its shape, CLI spellings resolve, calibration and corpus model
 * names resolve, config.json reading, and guesses from names.
 */
#include "harness.h"

#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"

static catalog cat;
static diag_list errs;
static datactx cx;
static arena A;

static int setup(void **state)
{
    (void)state;
    diag_list_init(&errs, 100);
    cx.errs = &errs;
    if (catalog_load(&cat, &cx) != 0 || catalog_read_all_models(&cat) != 0 ||
        catalog_need_gpus(&cat) != 0 || errs.n) {
        for (size_t i = 0; i < errs.n; i++)
            fprintf(stderr, "%s: %s\n", errs.items[i].src ? errs.items[i].src->path : "",
                    errs.items[i].message);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    catalog_free(&cat);
    datactx_free(&cx);
    diag_list_free(&errs);
    arena_free(&A);
    return 0;
}

static void test_sizes(void **state)
{
    (void)state;
    assert_true(cat.ngpus >= 35);
    assert_true(cat.nmodels >= 60);
}

static void test_model_shapes_match_params(void **state)
{
    (void)state;
    size_t checked = 0, bad = 0;
    for (size_t i = 0; i < cat.nmodels; i++) {
        const model_info *m = &cat.models[i];
        /* hybrids mix in SSM/linear-attention layers the formula does not cover */
        if (strcmp(m->arch, "decoder") != 0)
            continue;
        double want = m->params - m->extra_params;
        double got = model_params_from_shape(m);
        double err = fabs(got - want) / want;
        checked++;
        if (err > 0.03) {
            bad++;
            fprintf(stderr, "  %s: params %.4g, shape gives %.4g (%.1f%%)\n", m->id, want, got,
                    100 * err);
        }
    }
    fprintf(stderr, "  %zu decoder shapes checked\n", checked);
    assert_int_equal(bad, 0);
}

static void test_gpu_spellings(void **state)
{
    (void)state;
    struct {
        const char *q, *want;
    } cases[] = {
        {"4090", "rtx-4090"},          {"rtx4090", "rtx-4090"},
        {"RTX 4090", "rtx-4090"},      {"a100-80gb", "a100-sxm4-80gb"},
        {"a100-40gb", "a100-sxm4-40gb"}, {"v100-16gb", "v100-sxm2-16gb"},
        {"rtx-a6000", "rtx-a6000"},    {"l40s", "l40s"},
        {"h100-80gb", "h100-sxm"},     {"NVIDIA A100-SXM4-80GB", "a100-sxm4-80gb"},
        {"t4", "t4"},                  {"Tesla T4", "t4"},
        {"5060ti-16gb", "rtx-5060-ti-16gb"}, {"mi300x", "mi300x"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const gpu_info *cand[8];
        size_t n;
        const gpu_info *g = catalog_find_gpu(&cat, cases[i].q, cand, 8, &n);
        if (!g || strcmp(g->id, cases[i].want) != 0)
            fail_msg("--gpu %s: got %s, want %s", cases[i].q, g ? g->id : "(none)", cases[i].want);
    }
    const gpu_info *cand[8];
    size_t n;
    assert_null(catalog_find_gpu(&cat, "a100", cand, 8, &n));
    assert_true(n >= 2);
    assert_null(catalog_find_gpu(&cat, "rtx-9999", cand, 8, &n));
}

static void test_gpu_facts(void **state)
{
    (void)state;
    const gpu_info *cand[8];
    size_t n;
    const gpu_info *t4 = catalog_find_gpu(&cat, "t4", cand, 8, &n);
    assert_non_null(t4);
    assert_false(t4->bf16);
    assert_true(fabs(t4->compute_capability - 7.5) < 1e-9);
    const gpu_info *a100 = catalog_find_gpu(&cat, "a100-80gb", cand, 8, &n);
    assert_true(a100->bf16 && a100->flash_attention_2);
    assert_true(fabs(a100->memory_gib - 80) < 1e-9);
    /* every GPU: consistent capability flags */
    for (size_t i = 0; i < cat.ngpus; i++) {
        const gpu_info *g = &cat.gpus[i];
        if (strcmp(g->vendor, "nvidia") == 0) {
            assert_true(g->compute_capability > 0);
            if (g->bf16 != (g->compute_capability >= 8.0))
                fail_msg("%s: bf16 flag disagrees with cc %.1f", g->id, g->compute_capability);
        }
        assert_true(g->bandwidth_gbs > 0);
    }
}

static void test_model_names(void **state)
{
    (void)state;
    const char *names[] = {
        /* the spellings */
        "meta-llama/Llama-2-7b-hf", "Llama-2-7b", "NousResearch/Meta-Llama-3-8B",
        /* every model named in ../shared/calibration */
        "falcon-7b", "gemma-2b", "gemma-7b", "gemma-2-2b", "gemma-2-9b", "Llama-2-7b-hf",
        "Llama-2-13b", "Llama-2-70b-hf", "Meta-Llama-3-8B", "Meta-Llama-3-8B-Instruct",
        "Meta-Llama-3.1-8B", "Llama-3.1-8B", "Llama-3.1-70B", "Llama-3.2-1B", "Llama-3.2-3B",
        "Llama-3.3-70B-Instruct", "Mistral-7B", "Mistral-7B-v0.1", "Mistral-7B-v0.2", "phi-1.5",
        "phi-2", "Phi-3-mini-4k-instruct", "StableLM-3B-alpha", "stablelm-base-alpha-3b",
        "TinyLlama-1.1B-3T", "CodeLlama-34B", "bert-large-uncased", "Qwen-1_8B", "Qwen-7B",
        "Qwen-14B", "Qwen-72B",
        /* other spellings seen in configs */
        "checkpoints/meta-llama/Llama-2-7b-hf", "llama3_1_8b", "qwen2_5_7b_instruct",
        "Qwen/Qwen2.5-7B-Instruct", "mistralai/Mistral-7B-Instruct-v0.2",
        "TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T", "unsloth/Meta-Llama-3.1-8B-bnb-4bit",
        "openai/gpt-oss-20b", "HuggingFaceTB/SmolLM2-135M", "google/flan-t5-base",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        model_info m;
        char *err = NULL;
        if (!catalog_find_model(&cat, names[i], &m, &A, &err) || m.guess)
            fail_msg("model %s did not resolve from the catalog (%s)", names[i],
                     err ? err : (m.guess ? "guessed" : "?"));
        free(err);
    }
}

static void test_model_guess_and_config_json(void **state)
{
    (void)state;
    model_info m;
    char *err = NULL;
    assert_true(catalog_find_model(&cat, "acme/SuperLM-13B-chat", &m, &A, &err));
    assert_true(m.guess);
    assert_true(fabs(m.params - 13e9) < 1);
    assert_string_equal(m.origin, "name");
    assert_true(catalog_find_model(&cat, "acme/Wide-30B-A3B", &m, &A, &err));
    assert_true(m.guess && m.active_params == 3e9);
    assert_false(catalog_find_model(&cat, "acme/mystery", &m, &A, &err));
    assert_non_null(err);
    free(err);
    err = NULL;
    /* a local directory with a Llama-2-7B config.json */
    char dir[] = "/tmp/tl-model-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/config.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"model_type\": \"llama\", \"hidden_size\": 4096, \"num_hidden_layers\": 32,"
          " \"num_attention_heads\": 32, \"num_key_value_heads\": 32, \"intermediate_size\": 11008,"
          " \"vocab_size\": 32000, \"tie_word_embeddings\": false, \"torch_dtype\": \"float16\"}",
          f);
    fclose(f);
    assert_true(catalog_find_model(&cat, dir, &m, &A, &err));
    assert_string_equal(m.origin, "config.json");
    assert_true(fabs(m.params - 6738415616.0) / 6738415616.0 < 0.001);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_model_shapes_match_params),
        cmocka_unit_test(test_gpu_spellings),
        cmocka_unit_test(test_gpu_facts),
        cmocka_unit_test(test_model_names),
        cmocka_unit_test(test_model_guess_and_config_json),
    };
    return cmocka_run_group_tests_name("catalog", tests, setup, teardown);
}
