/* SPDX-License-Identifier: MIT */
/* packets.h -- the fields of a version 1 network packet for the suites that
 * make one (abi/PROTOCOL.md section 2). */
#ifndef MS_TEST_PACKETS_H
#define MS_TEST_PACKETS_H

#include "net/wire.h"

#include <stdint.h>
#include <string.h>

/* len bytes of payload for path, to target (kind MS_WIRE_TO_*; "" for every
 * host), from sender, sequence seq. The packet points into its arguments. */
static inline ms_packet test_packet(uint8_t kind, const char *target, const char *path,
                                    uint64_t sender, uint32_t seq, const void *payload, size_t len)
{
    ms_packet p = {.target_kind = kind,
                   .target = target,
                   .target_len = strlen(target),
                   .path = path,
                   .path_len = strlen(path),
                   .sender = sender,
                   .seq = seq,
                   .payload = payload,
                   .payload_len = len};
    return p;
}

#endif
