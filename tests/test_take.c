/* SPDX-License-Identifier: MIT */
/* test_take.c -- a writer taking a queue place (ms_shared_take, local.h)
 * while the reader moves freed places off reserved, at every step of it.
 *
 * ms_shared_take is a handful of atomic steps; the reader's move is three
 * (mark the freed word MOVING, give the places back, publish a new
 * generation with no count). A hook between the writer's steps runs the
 * reader's move, or part of it, at exactly one of them, and then other
 * writers may take the places the move gave back. For each point and each
 * such interleaving the test checks what the protocol promises: the queue
 * never holds more than its limit, a writer is not told FULL while there
 * is room, BUSY only while a move is under way, and reserved is exact once
 * the move is done. */
static void take_step(void);
#define MS_SHARED_TAKE_STEP() take_step()

#include "linux/local.h"

#include "test_util.h"

#include <stdatomic.h>
#include <string.h>

enum { LIMIT = 8, FREED = 2, GEN = 5, POINTS = 12 };

/* What the reader (and other writers) do at the chosen point. */
typedef enum {
    MARK,            /* the move's first step only */
    MARK_GIVE,       /* its first two */
    MOVE,            /* all of it */
    MOVE_AND_REFILL, /* all of it, then other writers take the places it gave back */
    ACTIONS
} action;

static struct {
    ms_shared page;
    int calls, fire_at;
    action what;
    int steps_done;    /* of the move's three */
    uint32_t occupied; /* places truly held: the ground truth */
} t;

/* Runs the reader's move up to step upto (1..3), from where it stands. */
static void move_to(int upto)
{
    for (; t.steps_done < upto; t.steps_done++) {
        if (t.steps_done == 0)
            ms_shared_freed_set(&t.page, GEN, FREED, MS_FREED_MOVING);
        else if (t.steps_done == 1)
            ms_shared_give(&t.page, FREED);
        else
            ms_shared_freed_set(&t.page, GEN + 1, 0, 0);
    }
}

static void take_step(void)
{
    /* A take spins only while the word changes under it: here, never. */
    if (t.calls > 1000)
        fail_msg("a take went round %d times", t.calls);
    if (++t.calls != t.fire_at)
        return;
    move_to(t.what == MARK ? 1 : t.what == MARK_GIVE ? 2 : 3);
    if (t.what == MOVE_AND_REFILL) {
        atomic_fetch_add(&t.page.reserved, FREED);
        t.occupied += FREED;
    }
}

/* A queue at its limit by reserved, FREED of its places read and not yet
 * taken off it: LIMIT - FREED held. */
static void start(int fire_at, action what)
{
    memset(&t, 0, sizeof t);
    atomic_store(&t.page.reserved, LIMIT);
    ms_shared_freed_set(&t.page, GEN, FREED, 0);
    t.fire_at = fire_at;
    t.what = what;
    t.occupied = LIMIT - FREED;
}

static void check_take(int fire_at, action what)
{
    start(fire_at, what);
    int got = ms_shared_take(&t.page, LIMIT);
    int fired = t.calls >= fire_at;
    int moving = fired && t.steps_done < 3; /* the writer may have seen MOVING */
    if (got == MS_TAKE_OK)
        t.occupied++;
    if (got == MS_TAKE_BUSY)
        assert_true(moving);
    /* Room there was throughout, unless other writers took it. */
    if (got == MS_TAKE_FULL)
        assert_true(fired && what == MOVE_AND_REFILL);
    t.fire_at = 0;
    move_to(3); /* the reader finishes its move */
    assert_true(t.occupied <= LIMIT);
    assert_int_equal(atomic_load(&t.page.reserved), t.occupied);
    if (got == MS_TAKE_BUSY) { /* the writer tries again, and finds room */
        assert_int_equal(ms_shared_take(&t.page, LIMIT), MS_TAKE_OK);
        assert_int_equal(atomic_load(&t.page.reserved), t.occupied + 1);
    }
}

/* Among them the case the writer's second look at the freed word exists
 * for: between its look and its compare-and-swap the reader moves the freed
 * places and other writers take them, so that reserved is back where it
 * was. The swap succeeds, and the place must be given back. */
static void test_take_during_a_move_at_every_step(void **state)
{
    (void)state;
    for (int point = 1; point <= POINTS; point++)
        for (int what = 0; what < ACTIONS; what++)
            check_take(point, (action)what);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_take_during_a_move_at_every_step),
    };
    return MS_RUN_TESTS("take", tests, NULL, NULL);
}
