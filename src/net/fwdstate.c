/* SPDX-License-Identifier: MIT */
/* fwdstate.c -- the host forwarder's state, counters and listener, for every
 * backend (fwdstate.h).
 *
 * Two locks: `mu` guards the fields and is held only to read or write them;
 * `tell` is held while the listener runs, so that its calls come one at a
 * time and in order, and so that ms_forwarder_observe(NULL, ...) returns only
 * once no call of the old listener is running (its context may then go). */
#include "net/fwdstate.h"
#include "os.h"

static struct {
    ms_lock mu;
    ms_lock tell;
    ms_fwd_state state; /* the latest */
    ms_fwd_state told;  /* what the listener was told last */
    ms_fwd_counters counters;
    ms_fwd_listener listener;
    void *listener_ctx;
} st = {.mu = MS_LOCK_INIT, .tell = MS_LOCK_INIT};

void ms_fwd_set_state(ms_fwd_state s)
{
    ms_lock_acquire(&st.mu);
    st.state = s;
    ms_lock_release(&st.mu);
}

/* Under st.tell: 1 with what to tell when the listener has not heard the
 * latest state, and then it has. */
static int due(ms_fwd_state *s, ms_fwd_listener *fn, void **ctx)
{
    ms_lock_acquire(&st.mu);
    int due = st.listener && st.told != st.state;
    *s = st.told = st.state;
    *fn = st.listener;
    *ctx = st.listener_ctx;
    ms_lock_release(&st.mu);
    return due;
}

void ms_fwd_notify(void)
{
    ms_lock_acquire(&st.tell);
    ms_fwd_state s;
    ms_fwd_listener fn;
    void *ctx;
    while (due(&s, &fn, &ctx))
        fn(s, ctx);
    ms_lock_release(&st.tell);
}

void ms_fwd_count(const ms_fwd_counters *c)
{
    ms_lock_acquire(&st.mu);
    ms_fwd_counters_add(&st.counters, c);
    ms_lock_release(&st.mu);
}

void ms_fwd_reset_after_fork(void)
{
    ms_lock_init(&st.mu);
    ms_lock_init(&st.tell);
    st.state = st.told = MS_FWD_OFF;
    st.listener = NULL;
    st.listener_ctx = NULL;
}

void ms_forwarder_observe(ms_fwd_listener fn, void *ctx)
{
    ms_lock_acquire(&st.tell);
    ms_lock_acquire(&st.mu);
    st.listener = fn;
    st.listener_ctx = ctx;
    ms_fwd_state s = st.told = st.state;
    ms_lock_release(&st.mu);
    if (fn)
        fn(s, ctx);
    ms_lock_release(&st.tell);
}

void ms_forwarder_counters(ms_fwd_counters *out)
{
    ms_lock_acquire(&st.mu);
    *out = st.counters;
    ms_lock_release(&st.mu);
}
