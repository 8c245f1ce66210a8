/* SPDX-License-Identifier: MIT */
/* testing.h -- internals that tests reach through the static testing build.
 * Not exported from the shared library. */
#ifndef MS_TESTING_H
#define MS_TESTING_H

#include "mailslot.h"
#include "net/netrecv.h"

/* Threads waiting inside mailslot_read on r right now, so that a test can
 * interrupt or close a read that is really blocked, without sleeping. */
int ms_testing_waiting_reads(mailslot_reader *r);

/* The reader's network counters (no public accessor yet). */
void ms_testing_net_counters(mailslot_reader *r, ms_net_counters *out);

#endif
