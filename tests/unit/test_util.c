/*
 * test_util.c - the small utilities everything else leans on: the capped
 * edit distance behind "did you mean", the arena and the string buffer.
 */
#include "harness.h"

#include "util.h"

/* The textbook O(n*m) Levenshtein distance, uncapped: the reference the
 * banded implementation must agree with. */
static size_t reference_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t *row = test_calloc(m + 1, sizeof *row);
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t upleft = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t v = upleft + (a[i - 1] != b[j - 1]);
            if (up + 1 < v)
                v = up + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            upleft = up;
        }
    }
    size_t d = row[m];
    test_free(row);
    return d;
}

static void test_edit_distance_examples(void **state)
{
    (void)state;
    assert_int_equal(edit_distance("num_epocs", "num_epochs", 2), 1);
    assert_int_equal(edit_distance("learning_rate", "learning_rate", 2), 0);
    assert_int_equal(edit_distance("lora_r", "lora_rank", 2), 3); /* over the cap: cap + 1 */
    assert_int_equal(edit_distance("", "ab", 2), 2);
    assert_int_equal(edit_distance("abc", "", 2), 3);
    assert_int_equal(edit_distance("micro_batch_size", "micro_batchsize", 3), 1);
    assert_int_equal(edit_distance("gradient_accumulation_steps", "gradient_acumulation_step", 3),
                     2);
    /* a transposition is two edits */
    assert_int_equal(edit_distance("optim", "otpim", 3), 2);
}

/* Random short strings over a small alphabet (many near misses), every cap
 * from 0 to 4: the banded result is min(true distance, cap + 1). */
static void test_edit_distance_matches_reference(void **state)
{
    (void)state;
    unsigned seed = 12345;
    char a[24], b[24];
    for (int iter = 0; iter < 20000; iter++) {
        size_t la, lb;
        seed = seed * 1103515245u + 12345u;
        la = (seed >> 16) % 12;
        seed = seed * 1103515245u + 12345u;
        lb = (seed >> 16) % 12;
        for (size_t i = 0; i < la; i++) {
            seed = seed * 1103515245u + 12345u;
            a[i] = (char)('a' + (seed >> 16) % 3);
        }
        a[la] = '\0';
        /* b: often an edit of a, sometimes unrelated */
        if (iter % 2) {
            memcpy(b, a, la + 1);
            lb = la;
            seed = seed * 1103515245u + 12345u;
            if (lb && (seed >> 16) % 2)
                b[(seed >> 8) % lb] = 'c';
        } else {
            for (size_t i = 0; i < lb; i++) {
                seed = seed * 1103515245u + 12345u;
                b[i] = (char)('a' + (seed >> 16) % 3);
            }
            b[lb] = '\0';
        }
        size_t want = reference_distance(a, b);
        for (size_t cap = 0; cap <= 4; cap++) {
            size_t got = edit_distance(a, b, cap);
            size_t expect = want <= cap ? want : cap + 1;
            if (got != expect)
                fail_msg("edit_distance(\"%s\", \"%s\", %zu) = %zu, want %zu", a, b, cap, got,
                         expect);
        }
    }
}

static void test_edit_distance_long_inputs(void **state)
{
    (void)state;
    char a[300], b[300];
    memset(a, 'x', 299);
    a[299] = '\0';
    memcpy(b, a, sizeof a);
    /* over 256 characters: no suggestion is searched */
    assert_int_equal(edit_distance(a, b, 2), 3);
    a[200] = '\0';
    b[200] = '\0';
    b[100] = 'y';
    assert_int_equal(edit_distance(a, b, 2), 1);
}

static void test_arena_and_strbuf(void **state)
{
    (void)state;
    arena a = {0};
    char *first = arena_strdup(&a, "first");
    /* a request larger than a block gets its own block; earlier strings stay */
    char *big = arena_alloc(&a, 1u << 20);
    memset(big, 'z', 1u << 20);
    char *p = arena_printf(&a, "%s-%d", "x", 42);
    unsigned char *z = arena_zalloc(&a, 64);
    for (size_t i = 0; i < 64; i++)
        assert_int_equal(z[i], 0);
    assert_string_equal(first, "first");
    assert_string_equal(p, "x-42");
    assert_int_equal((uintptr_t)big % _Alignof(max_align_t), 0);
    arena_free(&a);

    strbuf sb = {0};
    for (int i = 0; i < 1000; i++)
        sb_putc(&sb, (char)('a' + i % 26));
    sb_printf(&sb, "%05d", 7);
    assert_int_equal(sb.len, 1005);
    assert_string_equal(sb.buf + 1000, "00007");
    char *s = sb_detach(&sb);
    assert_null(sb.buf);
    free(s);
    sb_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edit_distance_examples),
        cmocka_unit_test(test_edit_distance_matches_reference),
        cmocka_unit_test(test_edit_distance_long_inputs),
        cmocka_unit_test(test_arena_and_strbuf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
