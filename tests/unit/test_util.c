/*
 * test_util.c - the small utilities everything else leans on: the capped
 * edit distance behind "did you mean", the arena and the string buffer.
 */
#include "harness.h"

#include "util.h"

/* The textbook O(n*m) optimal string alignment distance, uncapped: the
 * full matrix the banded implementation must agree with. */
static size_t reference_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    size_t *d = test_calloc((n + 1) * (m + 1), sizeof *d);
#define D(i, j) d[(i) * (m + 1) + (j)]
    for (size_t i = 0; i <= n; i++)
        D(i, 0) = i;
    for (size_t j = 0; j <= m; j++)
        D(0, j) = j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            size_t v = D(i - 1, j - 1) + (a[i - 1] != b[j - 1]);
            if (D(i - 1, j) + 1 < v)
                v = D(i - 1, j) + 1;
            if (D(i, j - 1) + 1 < v)
                v = D(i, j - 1) + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                D(i - 2, j - 2) + 1 < v)
                v = D(i - 2, j - 2) + 1;
            D(i, j) = v;
        }
    }
    size_t r = D(n, m);
#undef D
    test_free(d);
    return r;
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
    /* two adjacent characters swapped are one edit, as people type them */
    assert_int_equal(edit_distance("optim", "otpim", 3), 1);
    assert_int_equal(edit_distance("lora_rnak", "lora_rank", 1), 1);
    assert_int_equal(edit_distance("bacth_size", "batch_size", 1), 1);
    assert_int_equal(edit_distance("max_seq_lne", "max_seq_len", 1), 1);
    assert_int_equal(edit_distance("epcohs", "epochs", 1), 1);
    assert_int_equal(edit_distance("learnign_rate", "learning_rate", 1), 1);
    assert_int_equal(edit_distance("ab", "ba", 0), 1); /* over the cap */
    /* a swap plus a typo elsewhere: two edits */
    assert_int_equal(edit_distance("lora_rnak", "lora_rang", 3), 2);
    /* a swap at either end of the string */
    assert_int_equal(edit_distance("eopchs", "epochs", 2), 1);
    assert_int_equal(edit_distance("epochs", "epocsh", 2), 1);
    /* optimal string alignment edits a swapped pair no further: "ca" -> "abc"
     * is three edits (the unrestricted Damerau distance would say two) */
    assert_int_equal(edit_distance("ca", "abc", 3), 3);
}

/* Random short strings over a small alphabet (many near misses, swapped
 * pairs among them), every cap from 0 to 4: the banded result is
 * min(true distance, cap + 1). */
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
            seed = seed * 1103515245u + 12345u;
            if (lb > 1 && (seed >> 16) % 2) {
                size_t at = (seed >> 8) % (lb - 1);
                char t = b[at];
                b[at] = b[at + 1];
                b[at + 1] = t;
            }
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
