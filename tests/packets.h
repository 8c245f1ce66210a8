/* SPDX-License-Identifier: MIT */
/* packets.h -- the fields of a version 1 network packet for the suites that
 * make one (abi/PROTOCOL.md section 2), and a Windows host's datagram
 * (section 9). */
#ifndef MS_TEST_PACKETS_H
#define MS_TEST_PACKETS_H

#include "net/legacy.h"
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

/* A Windows host's write of payload to mailslot ("\\MAILSLOT\\..."): a
 * direct group datagram from WINHOST at 192.0.2.10 to WORKGROUP<00>,
 * encoded into buf. Returns its length, 0 when it does not fit. */
static inline size_t test_legacy_datagram(const char *mailslot, const char *payload,
                                          unsigned char *buf, size_t cap)
{
    ms_legacy_datagram d = {.type = MS_LEGACY_DIRECT_GROUP,
                            .flags = MS_LEGACY_FLAG_FIRST | MS_LEGACY_NODE_M,
                            .id = 9,
                            .source_ip = 0xC000020Au,
                            .source_port = MS_LEGACY_PORT,
                            .mailslot = mailslot,
                            .mailslot_len = strlen(mailslot),
                            .data = (const unsigned char *)payload,
                            .data_len = strlen(payload)};
    if (ms_legacy_name_make("winhost", 7, 0, &d.source) != 0 ||
        ms_legacy_name_make("workgroup", 9, 0, &d.destination) != 0)
        return 0;
    return ms_legacy_encode(&d, buf, cap);
}

#endif
