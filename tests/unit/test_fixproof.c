/*
 * test_fixproof.c - fixes are proven before they are offered: a fix whose
 * result gains an error is removed, a fit fix keeps its stated peak, and the
 * --fix plan applies proven fixes until none is left.
 */
#include "harness.h"

#include "engine.h"
#include "facts.h"
#include "fixproof.h"
#include "lint.h"

static engine eng;

static int setup(void **state)
{
    (void)state;
    if (engine_init(&eng) != 0 || engine_load_catalog(&eng) != 0)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    engine_free(&eng);
    regex_cache_free();
    return 0;
}

/* FSDP activation checkpointing while TRL's gradient checkpointing stays on;
 * on a T4 the job only fits with gradient checkpointing. */
static const char fsdp_twice[] = "model_name_or_path: Qwen/Qwen2.5-0.5B\n"
                                 "dataset_name: trl-lib/Capybara\n"
                                 "max_length: 1024\n"
                                 "per_device_train_batch_size: 4\n"
                                 "gradient_accumulation_steps: 4\n"
                                 "fp16: true\n"
                                 "output_dir: out\n"
                                 "fsdp: \"full_shard auto_wrap\"\n"
                                 "fsdp_config:\n"
                                 "  transformer_layer_cls_to_wrap: Qwen2DecoderLayer\n"
                                 "  activation_checkpointing: true\n";

typedef struct checked_file {
    lintfile *lf;
    diag_list dl;
    lint_opts lo;
    facts_opts fo;
} checked_file;

static void check(checked_file *c, const char *text, const char *gpu)
{
    memset(c, 0, sizeof *c);
    diag_list_init(&c->dl, 200);
    c->lo = (lint_opts){.max_file_size = 1 << 20, .explicit_path = true};
    const gpu_info *cand[4];
    size_t n;
    /* one GPU, given: a sharded job with no count would be judged on the
     * fewest GPUs it fits on instead */
    c->fo = (facts_opts){.want_estimate = true, .gpus = 1};
    if (gpu)
        c->fo.gpu = catalog_find_gpu(&eng.catalog, gpu, cand, 4, &n);
    c->lf = lint_text(&eng, "train.yaml", text, strlen(text), &c->lo, &c->dl);
    lint_finish(&eng, c->lf, NULL, &c->fo, &c->dl);
}

static void checked_free(checked_file *c)
{
    lintfile_free(c->lf);
    diag_list_free(&c->dl);
}

static const diag *find(const diag_list *dl, const char *id)
{
    for (size_t i = 0; i < dl->n; i++)
        if (strcmp(dl->items[i].rule, id) == 0)
            return &dl->items[i];
    return NULL;
}

static void test_failing_fix_removed(void **state)
{
    (void)state;
    checked_file c;
    check(&c, fsdp_twice, "t4");
    const diag *twice = find(&c.dl, "fsdp-activation-checkpointing-twice");
    assert_non_null(twice);
    assert_true(twice->nfixes >= 1); /* turning gradient checkpointing off */
    fix_proof_opts po = {.eng = &eng, .fo = &c.fo, .lo = &c.lo};
    assert_true(fix_prove(&po, c.lf, &c.dl) >= 1);
    /* without gradient checkpointing the job no longer fits on the T4 */
    assert_int_equal(twice->nfixes, 0);
    checked_free(&c);

    /* with no GPU there is nothing for it to break: it stays */
    check(&c, fsdp_twice, NULL);
    twice = find(&c.dl, "fsdp-activation-checkpointing-twice");
    assert_non_null(twice);
    size_t before = twice->nfixes;
    assert_true(before >= 1);
    po.fo = &c.fo;
    po.lo = &c.lo;
    fix_prove(&po, c.lf, &c.dl);
    assert_int_equal(twice->nfixes, before);
    checked_free(&c);
}

static void test_fit_fix_promise(void **state)
{
    (void)state;
    checked_file c;
    check(&c, fsdp_twice, "t4");
    fix_proof_opts po = {.eng = &eng, .fo = &c.fo, .lo = &c.lo};
    fix_prove(&po, c.lf, &c.dl);
    const diag *fit = find(&c.dl, "tight-fit");
    if (!fit)
        fit = find(&c.dl, "does-not-fit-gpu");
    assert_non_null(fit);
    assert_true(fit->nfixes >= 1);
    for (size_t k = 0; k < fit->nfixes; k++)
        assert_true(fit->fixes[k].peak > 0);
    /* the plan applies the fixes; the fit fix's promise is the final peak */
    fix_plan plan;
    fix_plan_make(&po, c.lf, FIX_ALL, &plan);
    assert_non_null(plan.text);
    assert_true(plan.ntitles >= 1);
    bool fit_applied = false;
    for (size_t i = 0; i < plan.ntitles; i++)
        fit_applied = fit_applied || plan.peaks[i] > 0;
    assert_true(fit_applied);
    /* the result fits, at the peak the plan reports, and nothing is left to fix */
    checked_file again;
    check(&again, plan.text, "t4");
    const lint_extra *x = again.lf->extra;
    assert_true(x && x->has_estimate && x->est.verdict);
    assert_string_equal(x->est.verdict, "fits");
    assert_true(fix_same_peak(x->est.peak, plan.final_peak));
    assert_null(find(&again.dl, "fsdp-activation-checkpointing-twice"));
    fix_plan p2;
    fix_plan_make(&po, again.lf, FIX_ALL, &p2);
    assert_null(p2.text);
    assert_int_equal(p2.ntitles, 0);
    fix_plan_free(&p2);
    checked_free(&again);
    fix_plan_free(&plan);
    checked_free(&c);
}

static void test_rename_onto_existing_key(void **state)
{
    (void)state;
    checked_file c;
    check(&c, "output_dir: out\nper_device_train_batch_size: 4\nlearning_rate: 5.0e-5\n"
              "per_device_train_batch_sise: 8\n",
          NULL);
    const diag *d = find(&c.dl, "unknown-key");
    assert_non_null(d);
    assert_int_equal(d->nfixes, 0); /* the rename would make a duplicate key */
    checked_free(&c);
    check(&c,
          "output_dir: out\nlearning_rate: 5.0e-5\neval_strategy: steps\nsave_strategy: steps\n"
          "per_device_train_batch_sise: 8\n",
          NULL);
    d = find(&c.dl, "unknown-key");
    assert_non_null(d);
    assert_int_equal(d->nfixes, 1);
    checked_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failing_fix_removed),
        cmocka_unit_test(test_fit_fix_promise),
        cmocka_unit_test(test_rename_onto_existing_key),
    };
    return cmocka_run_group_tests_name("fixproof", tests, setup, teardown);
}
