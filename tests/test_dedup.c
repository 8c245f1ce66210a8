/* SPDX-License-Identifier: MIT */
/* test_dedup.c -- duplicate suppression for network messages. */
#include "test_util.h"

#include "net/dedup.h"

static void test_each_pair_once(void **state)
{
    (void)state;
    ms_dedup d;
    OK(ms_dedup_init(&d, 8));
    for (uint32_t seq = 0; seq < 1000; seq++) {
        assert_int_equal(ms_dedup_accept(&d, 42, seq), 1);
        assert_int_equal(ms_dedup_accept(&d, 42, seq), 0); /* the copy from another path */
        assert_int_equal(ms_dedup_accept(&d, 7, seq), 1);  /* another sender, same number */
    }
    ms_dedup_destroy(&d);
}

static void test_reordering_within_the_window(void **state)
{
    (void)state;
    ms_dedup d;
    OK(ms_dedup_init(&d, 8));
    assert_int_equal(ms_dedup_accept(&d, 1, 100), 1);
    assert_int_equal(ms_dedup_accept(&d, 1, 90), 1); /* late, but new */
    assert_int_equal(ms_dedup_accept(&d, 1, 90), 0);
    assert_int_equal(ms_dedup_accept(&d, 1, 100 - 63), 1);
    assert_int_equal(ms_dedup_accept(&d, 1, 100 - 64), 0); /* too old to tell */
    assert_int_equal(ms_dedup_accept(&d, 1, 110), 1);
    assert_int_equal(ms_dedup_accept(&d, 1, 100), 0);
    assert_int_equal(ms_dedup_accept(&d, 1, 90), 0);
    assert_int_equal(ms_dedup_accept(&d, 1, 105), 1);
    /* A jump past the window forgets everything older. */
    assert_int_equal(ms_dedup_accept(&d, 1, 1000), 1);
    assert_int_equal(ms_dedup_accept(&d, 1, 999), 1);
    assert_int_equal(ms_dedup_accept(&d, 1, 1000), 0);
    ms_dedup_destroy(&d);
}

static void test_sequences_wrap(void **state)
{
    (void)state;
    ms_dedup d;
    OK(ms_dedup_init(&d, 2));
    assert_int_equal(ms_dedup_accept(&d, 5, 0xFFFFFFFEu), 1);
    assert_int_equal(ms_dedup_accept(&d, 5, 0xFFFFFFFFu), 1);
    assert_int_equal(ms_dedup_accept(&d, 5, 0), 1);
    assert_int_equal(ms_dedup_accept(&d, 5, 1), 1);
    assert_int_equal(ms_dedup_accept(&d, 5, 0xFFFFFFFFu), 0);
    assert_int_equal(ms_dedup_accept(&d, 5, 0), 0);
    /* Exactly half the sequence space away is ambiguous (RFC 1982): it counts
     * as too old, with no overflow on the way. */
    assert_int_equal(ms_dedup_accept(&d, 5, 1u + 0x80000000u), 0);
    assert_int_equal(ms_dedup_accept(&d, 5, 2), 1);
    ms_dedup_destroy(&d);
}

static void test_least_recently_heard_sender_is_forgotten(void **state)
{
    (void)state;
    ms_dedup d;
    OK(ms_dedup_init(&d, 2));
    assert_int_equal(ms_dedup_accept(&d, 1, 10), 1);
    assert_int_equal(ms_dedup_accept(&d, 2, 10), 1);
    assert_int_equal(ms_dedup_accept(&d, 1, 11), 1); /* sender 2 is now the oldest */
    assert_int_equal(ms_dedup_accept(&d, 3, 10), 1); /* replaces sender 2 */
    assert_int_equal(ms_dedup_accept(&d, 1, 11), 0); /* sender 1 is still known */
    assert_int_equal(ms_dedup_accept(&d, 2, 10), 1); /* forgotten: accepted again */
    ms_dedup_destroy(&d);
}

/* A new sender takes the first free entry, where a lookup (a scan from the
 * start) finds it at once; it used to take the last one, so that every
 * packet of a lone sender scanned the whole table. A sender that replaces
 * another takes the least recently heard one's entry. */
static void test_new_sender_takes_first_free_entry(void **state)
{
    (void)state;
    ms_dedup d;
    OK(ms_dedup_init(&d, 1024));
    assert_int_equal(ms_dedup_accept(&d, 7, 1), 1);
    assert_true(d.senders[0].used && d.senders[0].id == 7);
    assert_int_equal(ms_dedup_accept(&d, 8, 1), 1);
    assert_true(d.senders[1].used && d.senders[1].id == 8);
    assert_false(d.senders[2].used);
    ms_dedup_destroy(&d);

    OK(ms_dedup_init(&d, 3));
    for (uint64_t id = 1; id <= 3; id++)
        assert_int_equal(ms_dedup_accept(&d, id, 1), 1);
    assert_int_equal(ms_dedup_accept(&d, 1, 2), 1); /* 2 is now the least recently heard */
    assert_int_equal(ms_dedup_accept(&d, 4, 1), 1);
    assert_true(d.senders[1].id == 4);
    assert_true(d.senders[0].id == 1 && d.senders[2].id == 3);
    ms_dedup_destroy(&d);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_pair_once),
        cmocka_unit_test(test_reordering_within_the_window),
        cmocka_unit_test(test_sequences_wrap),
        cmocka_unit_test(test_least_recently_heard_sender_is_forgotten),
        cmocka_unit_test(test_new_sender_takes_first_free_entry),
    };
    return MS_RUN_TESTS("dedup", tests, NULL, NULL);
}
