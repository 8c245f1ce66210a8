/* SPDX-License-Identifier: MIT */
/* snapshot.h -- what `mailslot stats` learns of a reader in another process
 * (ms_local_reader_query, transport.h). */
#ifndef MS_SNAPSHOT_H
#define MS_SNAPSHOT_H

#include "net/netrecv.h"

#include <stdint.h>

typedef struct ms_reader_snapshot {
    uint32_t max_message_size;
    uint32_t queue_limit;
    int allow_any_user;
    int network;
    uint32_t keys; /* how many keys the reader has */
    uint32_t message_count;
    ms_net_counters net;
} ms_reader_snapshot;

#endif
