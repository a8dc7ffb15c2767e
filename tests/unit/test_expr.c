/*
 * test_expr.c - the rule expression language: parsing, evaluation,
 * null-safety, name checking, regular expressions and templates.
 */
#include "harness.h"

#include "expr.h"

static const char *const job_fields_t[] = {"micro_batch", "seq_len", "method", NULL};
static const expr_ns nss[] = {{"cfg", NULL}, {"job", job_fields_t}};
static arena A, S;
static tdoc *D;

static void from_node(void *ud, const doc_node *n, const void *od, value *out)
{
    (void)ud;
    if (n->kind == DOC_SCALAR) {
        scalar_value s = doc_scalar(n, TYPING_YAML11);
        if (s.type == ST_NULL)
            *out = value_null();
        else if (s.type == ST_BOOL)
            *out = value_bool(s.b);
        else if (s.type == ST_INT || s.type == ST_FLOAT)
            *out = value_num(s.num);
        else
            *out = value_str(n->text, n->len);
    } else {
        *out = value_null();
        out->kind = V_NODE;
        out->node = n;
    }
    out->origin = n;
    out->origin_doc = od;
}

static void resolve(void *ud, int ns, const char *path, value *out)
{
    (void)ud;
    if (ns == 0) {
        doc_node *n = doc_path(doc_root(&D->d), path, NULL);
        if (!n)
            *out = value_missing();
        else
            from_node(NULL, n, &D->d, out);
    } else if (strcmp(path, "micro_batch") == 0) {
        *out = value_num(4);
    } else if (strcmp(path, "method") == 0) {
        *out = value_str("qlora", 5);
    } else {
        *out = value_missing();
    }
}

static const expr_env env = {resolve, from_node, NULL, &S};

static char *eval_str(const char *src)
{
    expr_error e;
    expr *x = expr_compile(src, nss, 2, &A, &e);
    if (!x)
        fail_msg("'%s' did not compile: %s", src, e.msg);
    value v = expr_eval(x, &env);
    strbuf sb = {0};
    value_print(&v, &sb);
    return sb_detach(&sb);
}

static void check(const char *src, const char *want)
{
    char *got = eval_str(src);
    if (strcmp(got, want) != 0)
        fail_msg("'%s' gave '%s', want '%s'", src, got, want);
    free(got);
}

static int setup(void **state)
{
    (void)state;
    D = tdoc_load("t.yaml", "lr: 2e-5\nbs: 8\nbf16: true\nadapter: qlora\nempty:\n"
                            "targets: [q_proj, v_proj]\nnested: {a: {b: 3}}\nopts: {triton.cudagraphs: true}\n"
                            "model: {_component_: torchtune.models.llama3_1.lora_llama3_1_8b}\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tdoc_free(D);
    arena_free(&A);
    arena_free(&S);
    regex_cache_free();
    return 0;
}

static void test_arithmetic_and_logic(void **state)
{
    (void)state;
    check("1 + 2 * 3", "7");
    check("(1 + 2) * 3", "9");
    check("7 % 4", "3");
    check("-job.micro_batch + 1", "-3");
    check("10 / 4", "2.5");
    check("1 / 0", "null");
    check("true && !false", "true");
    check("1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 4", "false");
    check("\"a\" < \"b\"", "true");
    check("1 == \"1\"", "false");
    check("null == null", "true");
    check("true ? 1 : 2", "1");
    check("false ? 1 : true ? 2 : 3", "2");
}

static void test_names_and_nulls(void **state)
{
    (void)state;
    check("cfg.bs * job.micro_batch", "32");
    check("cfg.lr", "2e-5"); /* a string under YAML 1.1 */
    check("num(cfg.lr) * 2", "4e-05");
    check("cfg.missing ?? 16", "16");
    check("cfg.empty ?? 5", "5");
    check("defined(cfg.empty)", "true");
    check("defined(cfg.nope)", "false");
    check("cfg.nope > 3", "false");
    check("cfg.nope + 1", "null");
    check("cfg.nested.a.b", "3");
    check("cfg[\"nested.a.b\"]", "3");
    check("cfg.targets[1]", "v_proj");
    check("len(cfg.targets)", "2");
}

static void test_collections_and_regex(void **state)
{
    (void)state;
    check("\"q_proj\" in cfg.targets", "true");
    check("\"o_proj\" not in cfg.targets", "true");
    check("job.method in [\"lora\", \"qlora\"]", "true");
    check("cfg.adapter =~ \"^q\"", "true");
    check("cfg.adapter !~ \"^q\"", "false");
    check("matches(cfg.adapter, \"(?i)QLORA\")", "true");
    check("capture(cfg.model._component_, \"\\.(?:q?lora_)?([a-z0-9_]+)$\")", "llama3_1_8b");
    check("split(\"a, b,,c\", \",\")", "[a, b, c]");
    check("[1] + [2, 3]", "[1, 2, 3]");
    check("cfg.targets + [\"mlp\"]", "[q_proj, v_proj, mlp]");
    check("join(keys(cfg.nested), \"|\")", "a");
    check("min(3, 1, 2) + max(4, 9)", "10");
    check("lower(\"AbC\") + upper(\"x\")", "abcX");
    check("type(cfg.bs) + type(cfg.lr) + type(cfg.bf16)", "intstrbool");
    check("any_match(cfg.targets, \"^v_\")", "true");
    check("basename(\"a/b/c.yaml\")", "c.yaml");
    check("valid_regex(\"model\\\\.layers\\\\.[0-3]\\\\.q_proj\")", "true");
    check("valid_regex(\"layers.[0-3.q_proj\")", "false");
    check("valid_regex(\"*_proj\")", "false");
    check("valid_regex(cfg.targets)", "true");
    check("valid_regex([\"q_proj\", \"(open\"])", "false");
    check("valid_regex([1, \"v_proj\"])", "true");
    check("valid_regex(cfg.bs)", "null");
    check("values(cfg.nested.a)", "[3]");
    check("cfg.opts[\"triton.cudagraphs\"]", "true");
    check("cfg.opts.triton", "null");
    check("values(cfg.targets)", "null");
}

static void test_compile_errors(void **state)
{
    (void)state;
    struct {
        const char *src;
        const char *msg_part;
    } bad[] = {
        {"foo.bar", "unknown name 'foo'"},
        {"job.micro_bach > 1", "did you mean 'micro_batch'"},
        {"cfg.x =~ \"(\"", "bad regular expression"},
        {"1 +", "unexpected end"},
        {"cfg.a = 1", "'=' is not an operator"},
        {"len()", "takes 1 argument"},
        {"nosuch(1)", "unknown function"},
        {"(1 + 2", "expected ')'"},
        {"\"open", "unterminated string"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expr_error e;
        expr *x = expr_compile(bad[i].src, nss, 2, &A, &e);
        assert_null(x);
        if (!strstr(e.msg, bad[i].msg_part))
            fail_msg("'%s': message '%s' lacks '%s'", bad[i].src, e.msg, bad[i].msg_part);
    }
}

static void test_origin_and_templates(void **state)
{
    (void)state;
    expr_error e;
    expr *x = expr_compile("cfg.adapter == \"qlora\" ? \"q\" : \"f\"", nss, 2, &A, &e);
    value v = expr_eval(x, &env);
    assert_non_null(v.origin); /* the literal branch inherits the condition's origin */
    assert_string_equal(v.origin->text, "qlora");
    tmpl *t = tmpl_compile("batch ${job.micro_batch} x ${cfg.bs} = ${job.micro_batch * cfg.bs}",
                           nss, 2, &A, &e);
    assert_non_null(t);
    strbuf sb = {0};
    tmpl_render(t, &env, &sb);
    assert_string_equal(sb.buf, "batch 4 x 8 = 32");
    sb_free(&sb);
    assert_null(tmpl_compile("bad ${job.nope}", nss, 2, &A, &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arithmetic_and_logic),
        cmocka_unit_test(test_names_and_nulls),
        cmocka_unit_test(test_collections_and_regex),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_origin_and_templates),
    };
    return cmocka_run_group_tests_name("expr", tests, setup, teardown);
}
