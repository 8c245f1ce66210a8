/* SPDX-License-Identifier: MIT */
/* wire.h -- network packets (abi/PROTOCOL.md, version 1): encoding and
 * decoding as pure functions, so that they can be tested and fuzzed alone. */
#ifndef MS_WIRE_H
#define MS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#define MS_WIRE_VERSION 1
#define MS_WIRE_VERSION_SEALED 2 /* PROTOCOL.md section 8: encrypted payload */
#define MS_WIRE_HEADER 24
#define MS_WIRE_PORT 17317
#define MS_WIRE_GROUP_ALL 0xEFFF4D53u /* 239.255.77.83 */
#define MS_WIRE_FLAG_TRAILER 0x01u
#define MS_WIRE_MAX_TARGET 253
#define MS_WIRE_MAX_PATH 255
#define MS_WIRE_MAX_PAYLOAD 1024
#define MS_WIRE_MAX_TRAILER 512
#define MS_WIRE_MAX_PACKET                                                                         \
    (MS_WIRE_HEADER + MS_WIRE_MAX_TARGET + MS_WIRE_MAX_PATH + MS_WIRE_MAX_PAYLOAD + 2 +            \
     MS_WIRE_MAX_TRAILER)

typedef enum ms_wire_target {
    MS_WIRE_TO_ALL = 0,
    MS_WIRE_TO_DOMAIN = 1,
    MS_WIRE_TO_HOST = 2
} ms_wire_target;

/* A packet's fields. After ms_wire_decode the pointers point into the
 * decoded buffer. */
typedef struct ms_packet {
    uint8_t version; /* 0 or 1: version 1; 2: a sealed packet (PROTOCOL.md section 8) */
    uint8_t flags;
    uint8_t target_kind;
    const char *target;
    size_t target_len;
    const char *path;
    size_t path_len;
    uint64_t sender;
    uint32_t seq;
    const unsigned char *payload;
    size_t payload_len;
    const unsigned char *trailer; /* with MS_WIRE_FLAG_TRAILER */
    size_t trailer_len;
} ms_packet;

/* Why a datagram was dropped (PROTOCOL.md section 4). */
typedef enum ms_wire_result {
    MS_WIRE_OK = 0,
    MS_WIRE_BAD_MAGIC,   /* shorter than a header, or not our magic */
    MS_WIRE_BAD_VERSION, /* a version this implementation does not know */
    MS_WIRE_BAD_FLAGS,
    MS_WIRE_BAD_TARGET,
    MS_WIRE_BAD_PATH,
    MS_WIRE_BAD_PAYLOAD,
    MS_WIRE_BAD_LENGTH,
    MS_WIRE_BAD_TRAILER
} ms_wire_result;

/* Encodes p into buf. Returns the packet's length, or 0 when p breaks a rule
 * of PROTOCOL.md or the packet does not fit in cap bytes. */
size_t ms_wire_encode(const ms_packet *p, unsigned char *buf, size_t cap);

/* Decodes and checks a version 1 datagram. Never reads outside buf[0..len). */
ms_wire_result ms_wire_decode(const unsigned char *buf, size_t len, ms_packet *out);

/* The same, accepting version 2 as well (the layout of version 1 with the
 * flag TRAILER required; the payload is then ciphertext, src/auth/auth.c). */
ms_wire_result ms_wire_decode_any(const unsigned char *buf, size_t len, ms_packet *out);

/* A short text for a result, e.g. "unknown version". */
const char *ms_wire_result_text(ms_wire_result r);

/* A domain's multicast group (PROTOCOL.md section 5), as a host-order IPv4
 * address; name must be in lower case. */
uint32_t ms_wire_domain_group(const char *name, size_t len);

#endif
