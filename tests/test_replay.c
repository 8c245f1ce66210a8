/* SPDX-License-Identifier: MIT */
/* test_replay.c -- the replay window of authenticated packets
 * (abi/PROTOCOL.md section 8.5): every rule, and a reference model. */
#include "test_util.h"

#include "auth/replay.h"

#define NOW 1767225600000ull /* 2026-01-01T00:00:00Z */
#define W MS_REPLAY_TIME_DEFAULT

/* check, then commit, as a verified packet would */
static ms_replay_result take(ms_replay *r, uint64_t sender, uint32_t seq, uint64_t ts, uint64_t now)
{
    ms_replay_result c = ms_replay_check(r, sender, seq, ts, now);
    ms_replay_result m = ms_replay_commit(r, sender, seq, ts, now);
    assert_int_equal(c, m == MS_REPLAY_FULL ? MS_REPLAY_OK : m);
    return m;
}

static void test_duplicate_and_reorder(void **state)
{
    (void)state;
    ms_replay r;
    OK(ms_replay_init(&r, 64, 8, W));
    assert_int_equal(take(&r, 1, 100, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 100, NOW, NOW), MS_REPLAY_DUPLICATE);
    assert_int_equal(take(&r, 2, 100, NOW, NOW), MS_REPLAY_OK); /* another sender */
    assert_int_equal(take(&r, 1, 90, NOW, NOW), MS_REPLAY_OK);  /* late, but new */
    assert_int_equal(take(&r, 1, 90, NOW, NOW), MS_REPLAY_DUPLICATE);
    assert_int_equal(take(&r, 1, 100 - 63, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 100 - 64, NOW, NOW), MS_REPLAY_TOO_OLD);
    assert_int_equal(take(&r, 1, 0, NOW, NOW), MS_REPLAY_TOO_OLD);
    ms_replay_destroy(&r);
}

static void test_jump_ahead(void **state)
{
    (void)state;
    ms_replay r;
    OK(ms_replay_init(&r, 64, 8, W));
    assert_int_equal(take(&r, 1, 10, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 12, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 11, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 10, NOW, NOW), MS_REPLAY_DUPLICATE); /* shifted, kept */
    /* A jump by the whole window forgets everything behind. */
    assert_int_equal(take(&r, 1, 12 + 64, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 12, NOW, NOW), MS_REPLAY_TOO_OLD);
    assert_int_equal(take(&r, 1, 13, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 13, NOW, NOW), MS_REPLAY_DUPLICATE);
    assert_int_equal(take(&r, 1, 1000000, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 1000000 - 1, NOW, NOW), MS_REPLAY_OK);
    ms_replay_destroy(&r);
}

static void test_sequences_wrap(void **state)
{
    (void)state;
    ms_replay r;
    OK(ms_replay_init(&r, 128, 2, W));
    assert_int_equal(take(&r, 5, 0xFFFFFFFEu, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 5, 0xFFFFFFFFu, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 5, 0, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 5, 1, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 5, 0xFFFFFFFFu, NOW, NOW), MS_REPLAY_DUPLICATE);
    assert_int_equal(take(&r, 5, 0xFFFFFFFEu - 100, NOW, NOW), MS_REPLAY_OK); /* 103 behind */
    assert_int_equal(take(&r, 5, 0xFFFFFFFEu - 126, NOW, NOW), MS_REPLAY_TOO_OLD);
    /* Half the sequence space away is ambiguous: too old, no overflow. */
    assert_int_equal(take(&r, 5, 1u + 0x80000000u, NOW, NOW), MS_REPLAY_TOO_OLD);
    ms_replay_destroy(&r);
}

static void test_check_changes_nothing(void **state)
{
    (void)state;
    ms_replay r;
    OK(ms_replay_init(&r, 64, 1, W));
    /* Packets whose tag would not verify are only checked: no sender is
     * made, no window moves, the table stays free. */
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(ms_replay_check(&r, 1000 + i, i, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(r.live, 0);
    assert_int_equal(take(&r, 1, 10, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(ms_replay_check(&r, 1, 5000, NOW, NOW), MS_REPLAY_OK); /* a forged jump */
    assert_int_equal(ms_replay_check(&r, 1, 10, NOW, NOW), MS_REPLAY_DUPLICATE);
    assert_int_equal(take(&r, 1, 9, NOW, NOW), MS_REPLAY_OK); /* the window did not move */
    ms_replay_destroy(&r);
}

static void test_timestamps(void **state)
{
    (void)state;
    ms_replay r;
    OK(ms_replay_init(&r, 64, 8, W));
    assert_int_equal(take(&r, 1, 1, NOW - W, NOW), MS_REPLAY_OK); /* exactly the window */
    assert_int_equal(take(&r, 1, 2, NOW - W - 1, NOW), MS_REPLAY_STALE);
    assert_int_equal(take(&r, 1, 3, NOW + W, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 1, 4, NOW + W + 1, NOW), MS_REPLAY_FUTURE);
    assert_int_equal(take(&r, 1, 5, 0, NOW), MS_REPLAY_STALE);
    assert_int_equal(take(&r, 1, 6, UINT64_MAX, NOW), MS_REPLAY_FUTURE);
    assert_int_equal(take(&r, 1, 7, UINT64_MAX, UINT64_MAX), MS_REPLAY_OK); /* no overflow */
    assert_int_equal(take(&r, 2, 7, 0, 0), MS_REPLAY_OK);
    /* The time is checked before the sequence: a stale duplicate is stale. */
    assert_int_equal(take(&r, 1, 1, NOW - W - 1, NOW), MS_REPLAY_STALE);
    /* A configurable window. */
    ms_replay s;
    OK(ms_replay_init(&s, 64, 8, 1000));
    assert_int_equal(take(&s, 1, 1, NOW - 1001, NOW), MS_REPLAY_STALE);
    assert_int_equal(take(&s, 1, 1, NOW + 1000, NOW), MS_REPLAY_OK);
    ms_replay_destroy(&s);
    ms_replay_destroy(&r);
}

static void test_cap_and_expiry(void **state)
{
    (void)state;
    ms_replay r;
    OK(ms_replay_init(&r, 64, 2, W));
    assert_int_equal(take(&r, 1, 0, NOW, NOW), MS_REPLAY_OK);
    assert_int_equal(take(&r, 2, 0, NOW + 5000, NOW), MS_REPLAY_OK); /* its clock is ahead */
    /* Full of live senders: a third is refused, and none is forgotten. */
    assert_int_equal(take(&r, 3, 0, NOW, NOW + 1), MS_REPLAY_FULL);
    assert_int_equal(take(&r, 1, 0, NOW, NOW + 1), MS_REPLAY_DUPLICATE);
    /* Sender 1 expires when its newest timestamp leaves the time window:
     * then every packet it sent is stale, so forgetting it is safe. */
    assert_int_equal(take(&r, 1, 0, NOW, NOW + W), MS_REPLAY_DUPLICATE);
    assert_int_equal(take(&r, 1, 0, NOW, NOW + W + 1), MS_REPLAY_STALE);
    assert_int_equal(take(&r, 3, 0, NOW + W, NOW + W + 1), MS_REPLAY_OK); /* took 1's entry */
    assert_int_equal(take(&r, 1, 0, NOW + W, NOW + W + 1), MS_REPLAY_FULL);
    /* Sender 2 is kept by its own (later) timestamp, not by the clock. */
    assert_int_equal(ms_replay_expire(&r, NOW + W + 1), 2);
    assert_int_equal(take(&r, 2, 0, NOW + 5000, NOW + W + 1), MS_REPLAY_DUPLICATE);
    assert_int_equal(ms_replay_expire(&r, NOW + 5000 + W + 1), 1);
    assert_int_equal(ms_replay_expire(&r, NOW + 2 * W + 1), 0);
    ms_replay_destroy(&r);
}

static void test_bad_settings(void **state)
{
    (void)state;
    ms_replay r;
    RC(MAILSLOT_E_INVALID, ms_replay_init(&r, 32, 8, W));
    RC(MAILSLOT_E_INVALID, ms_replay_init(&r, 100, 8, W));
    RC(MAILSLOT_E_INVALID, ms_replay_init(&r, 1088, 8, W));
    RC(MAILSLOT_E_INVALID, ms_replay_init(&r, 64, 0, W));
    RC(MAILSLOT_E_INVALID, ms_replay_init(&r, 64, 8, 0));
    OK(ms_replay_init(&r, 1024, 8, W));
    ms_replay_destroy(&r);
}

/* Every window size against a plain set of accepted sequences. */
static void test_reference_model(void **state)
{
    (void)state;
    static unsigned char seen[1 << 16];
    for (uint32_t window = 64; window <= 1024; window += 64) {
        ms_replay r;
        OK(ms_replay_init(&r, window, 1, W));
        memset(seen, 0, sizeof seen);
        uint32_t newest = 0, x = window * 2654435761u;
        int any = 0;
        for (int i = 0; i < 4000; i++) {
            x = x * 1103515245u + 12345u;
            uint32_t step = (x >> 16) % 100 == 0 ? 600 + (x >> 8) % 1500 : (x >> 8) % 40;
            uint32_t seq = (x >> 4) & 1 ? newest + step : newest - step;
            seq %= sizeof seen;
            if (any && seq > newest + 5000)
                seq = newest;
            ms_replay_result want;
            if (!any || seq > newest)
                want = MS_REPLAY_OK;
            else if (newest - seq >= window)
                want = MS_REPLAY_TOO_OLD;
            else
                want = seen[seq] ? MS_REPLAY_DUPLICATE : MS_REPLAY_OK;
            assert_int_equal(take(&r, 9, seq, NOW, NOW), want);
            if (want == MS_REPLAY_OK) {
                seen[seq] = 1;
                if (!any || seq > newest)
                    newest = seq;
                any = 1;
            }
        }
        ms_replay_destroy(&r);
    }
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duplicate_and_reorder),
        cmocka_unit_test(test_jump_ahead),
        cmocka_unit_test(test_sequences_wrap),
        cmocka_unit_test(test_check_changes_nothing),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_cap_and_expiry),
        cmocka_unit_test(test_bad_settings),
        cmocka_unit_test(test_reference_model),
    };
    return MS_RUN_TESTS("replay", tests, NULL, NULL);
}
