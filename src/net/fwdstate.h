/* SPDX-License-Identifier: MIT */
/* fwdstate.h -- the host forwarder's state, counters and listener, kept once
 * for every backend. A backend decides (the election, the sockets) and
 * reports here; ms_forwarder_observe and ms_forwarder_counters (forward.h)
 * read what it reported.
 *
 * The listener is never called under a lock of the backend's or of the
 * state's: ms_fwd_set_state only records, and ms_fwd_notify, which a backend
 * calls where it holds no lock, tells the listener. Calls to the listener
 * come one at a time, in order, and the last one tells the latest state. */
#ifndef MS_NET_FWDSTATE_H
#define MS_NET_FWDSTATE_H

#include "net/forward.h"

/* Records the forwarder's new state; cheap, safe under any lock. */
void ms_fwd_set_state(ms_fwd_state s);

/* Records the forwarder's new legacy state; as ms_fwd_set_state. */
void ms_fwd_set_legacy(ms_fwd_legacy s);

/* Tells the listener the latest state if it has not been told it yet (or,
 * without a listener, logs a new legacy state that keeps datagrams out).
 * Call it holding no lock, after ms_fwd_set_state. */
void ms_fwd_notify(void);

/* Adds c to the process's forwarder counters; safe under any lock. */
void ms_fwd_count(const ms_fwd_counters *c);

/* In a forked child: no listener, state off, locks new (another thread of
 * the parent may have held them). The counters stay. */
void ms_fwd_reset_after_fork(void);

#endif
