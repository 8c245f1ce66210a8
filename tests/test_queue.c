/* SPDX-License-Identifier: MIT */
/* test_queue.c -- the bounded message queue on its own. */
#include "test_util.h"

#include "queue.h"

static void test_fifo_and_growth(void **state)
{
    (void)state;
    ms_queue q;
    ms_queue_init(&q, 1000);
    for (int i = 0; i < 1000; i++)
        OK(ms_queue_push(&q, &i, sizeof i));
    RC(MAILSLOT_E_FULL, ms_queue_push(&q, "x", 1));
    for (int i = 0; i < 1000; i++) {
        int v = -1;
        size_t len;
        OK(ms_queue_pop(&q, &v, sizeof v, &len));
        assert_int_equal(len, sizeof v);
        assert_int_equal(v, i);
    }
    size_t len;
    RC(MAILSLOT_E_TIMEOUT, ms_queue_pop(&q, NULL, 0, &len));
    ms_queue_destroy(&q);
}

static void test_wraparound(void **state)
{
    (void)state;
    ms_queue q;
    ms_queue_init(&q, 100);
    int next_in = 0, next_out = 0;
    for (int round = 0; round < 50; round++) {
        for (int i = 0; i < 70; i++, next_in++)
            OK(ms_queue_push(&q, &next_in, sizeof next_in));
        for (int i = 0; i < 70; i++, next_out++) {
            int v;
            size_t len;
            OK(ms_queue_pop(&q, &v, sizeof v, &len));
            assert_int_equal(v, next_out);
        }
    }
    ms_queue_destroy(&q);
}

static void test_small_buffer_keeps_message(void **state)
{
    (void)state;
    ms_queue q;
    ms_queue_init(&q, 4);
    OK(ms_queue_push(&q, "hello", 5));
    char buf[8];
    size_t len = 0;
    RC(MAILSLOT_E_BUFFER, ms_queue_pop(&q, buf, 4, &len));
    assert_int_equal(len, 5);
    assert_int_equal(q.count, 1);
    assert_int_equal(ms_queue_peek_size(&q), 5);
    OK(ms_queue_pop(&q, buf, sizeof buf, &len));
    assert_memory_equal(buf, "hello", 5);
    ms_queue_destroy(&q);
}

static void test_zero_length_and_destroy_with_messages(void **state)
{
    (void)state;
    ms_queue q;
    ms_queue_init(&q, 3);
    OK(ms_queue_push(&q, NULL, 0));
    OK(ms_queue_push(&q, "ab", 2));
    size_t len = 99;
    OK(ms_queue_pop(&q, NULL, 0, &len));
    assert_int_equal(len, 0);
    ms_queue_destroy(&q); /* frees the message still queued */
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo_and_growth),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_small_buffer_keeps_message),
        cmocka_unit_test(test_zero_length_and_destroy_with_messages),
    };
    return MS_RUN_TESTS("queue", tests, NULL, NULL);
}
