/* SPDX-License-Identifier: MIT */
/* fwdstate.c -- the host forwarder's state, counters and listener, for every
 * backend (fwdstate.h).
 *
 * Two locks: `mu` guards the fields and is held only to read or write them;
 * `tell` is held while the listener runs, so that its calls come one at a
 * time and in order, and so that ms_forwarder_observe(NULL, ...) returns only
 * once no call of the old listener is running (its context may then go). */
#include "net/fwdstate.h"
#include "log.h"
#include "os.h"

static struct {
    ms_lock mu;
    ms_lock tell;
    ms_fwd_state state; /* the latest */
    ms_fwd_state told;  /* what the listener was told last */
    ms_fwd_legacy legacy, told_legacy;
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

void ms_fwd_set_legacy(ms_fwd_legacy s)
{
    ms_lock_acquire(&st.mu);
    st.legacy = s;
    ms_lock_release(&st.mu);
}

/* What to tell, taken under st.mu. */
typedef struct news {
    ms_fwd_state state;
    ms_fwd_legacy legacy;
    int legacy_changed;
    ms_fwd_listener fn;
    void *ctx;
} news;

/* Under st.tell: 1 with what to tell in *n when the latest state or legacy
 * state has not been told, and then it has. */
static int due(news *n)
{
    ms_lock_acquire(&st.mu);
    int due = st.told != st.state || st.told_legacy != st.legacy;
    n->legacy_changed = st.told_legacy != st.legacy;
    n->state = st.told = st.state;
    n->legacy = st.told_legacy = st.legacy;
    n->fn = st.listener;
    n->ctx = st.listener_ctx;
    ms_lock_release(&st.mu);
    return due;
}

/* Without a listener the program hears of legacy mode through the log:
 * when the port keeps datagrams out, and once on Windows. */
static void log_legacy(ms_fwd_legacy s)
{
    if (s == MS_FWD_LEGACY_SYSTEM)
        ms_log(MAILSLOT_LOG_INFO, "host forwarder: %s", ms_fwd_legacy_text(s));
    else if (s != MS_FWD_LEGACY_OFF && s != MS_FWD_LEGACY_ON)
        ms_log(MAILSLOT_LOG_WARNING, "host forwarder: %s", ms_fwd_legacy_text(s));
}

void ms_fwd_notify(void)
{
    ms_lock_acquire(&st.tell);
    news n;
    while (due(&n)) {
        if (n.fn)
            n.fn(n.state, n.ctx);
        else if (n.legacy_changed)
            log_legacy(n.legacy);
    }
    ms_lock_release(&st.tell);
    ms_log_flush();
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
    st.legacy = st.told_legacy = MS_FWD_LEGACY_OFF;
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
    st.told_legacy = st.legacy;
    ms_lock_release(&st.mu);
    if (fn)
        fn(s, ctx);
    ms_lock_release(&st.tell);
}

ms_fwd_legacy ms_forwarder_legacy(void)
{
    ms_lock_acquire(&st.mu);
    ms_fwd_legacy s = st.legacy;
    ms_lock_release(&st.mu);
    return s;
}

void ms_forwarder_counters(ms_fwd_counters *out)
{
    ms_lock_acquire(&st.mu);
    *out = st.counters;
    ms_lock_release(&st.mu);
}
