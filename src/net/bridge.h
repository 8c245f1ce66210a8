/* SPDX-License-Identifier: MIT */
/* bridge.h -- what `mailslot bridge` decides without NATS (PROTOCOL.md
 * section 10): the subject of a datagram, the check of a subject and a
 * datagram arriving from the broker, and the marker of a re-sent datagram.
 * Pure functions, so that hostile names are tested without a broker. */
#ifndef MS_NET_BRIDGE_H
#define MS_NET_BRIDGE_H

#include "net/wire.h"

#include <stddef.h>
#include <stdint.h>

/* The longest subject: "ms.v1.d." + a domain of 253 bytes + "." + a path of
 * 255 bytes, every byte percent-encoded (3 characters). */
#define MS_BRIDGE_SUBJECT_MAX (8 + 3 * MS_WIRE_MAX_TARGET + 1 + 3 * MS_WIRE_MAX_PATH)

/* The NATS header that names the bridge which published a message, and the
 * length of its value (16 hex digits). */
#define MS_BRIDGE_ID_HEADER "Mailslot-Bridge"
#define MS_BRIDGE_ID_LEN 16

/* Why a message from the broker was dropped. */
typedef enum ms_bridge_result {
    MS_BRIDGE_OK = 0,
    MS_BRIDGE_BAD_SUBJECT,  /* not a subject of section 10.2, or not its one encoding */
    MS_BRIDGE_BAD_PACKET,   /* the payload is not a datagram of section 4 */
    MS_BRIDGE_HOST_TARGET,  /* a datagram to a host: never bridged */
    MS_BRIDGE_SUBJECT_LIES, /* the subject names another kind, domain or slot than the datagram */
    MS_BRIDGE_NOT_BRIDGED   /* a domain this bridge does not carry */
} ms_bridge_result;

/* Writes the subject of a decoded packet of kind "every host" or "domain"
 * into buf (NUL-terminated). Returns its length, or 0 for a packet to a
 * host (never bridged) or when it does not fit in cap. */
size_t ms_bridge_subject(const ms_packet *p, char *buf, size_t cap);

/* The subject a bridge subscribes to for "every host" (domain NULL) or for
 * one domain (lower case): "ms.v1.a._.*" or "ms.v1.d.<domain>.*". Returns
 * its length, or 0 when it does not fit. */
size_t ms_bridge_subscription(const char *domain, char *buf, size_t cap);

/* Checks a message from the broker: its subject and its payload, a whole
 * datagram, which must agree (a subject cannot move a datagram to another
 * slot or domain, nor carry a datagram to a host). has_domain(domain,
 * ctx) says whether the bridge carries a domain. On MS_BRIDGE_OK *p is the
 * decoded datagram (pointing into data). Versions 1 and 2 pass. */
ms_bridge_result ms_bridge_check(const char *subject, const unsigned char *data, size_t len,
                                 int (*has_domain)(const char *domain, void *ctx), void *ctx,
                                 ms_packet *p);

/* A short text for a result, e.g. "subject does not match the datagram". */
const char *ms_bridge_result_text(ms_bridge_result r);

/* The marker (PROTOCOL.md section 10.3): a datagram a bridge re-sent on its
 * LAN leaves from the network's port itself (the forwarder's socket), which
 * writers never send from. 1 when a datagram that came from src_port is
 * marked on a network whose port is port. */
int ms_bridge_marked(uint16_t src_port, uint16_t port);

/* ---- batches -------------------------------------------------------------- */

/* `mailslot bridge` moves datagrams between its threads, and into the
 * forwarder, many at a time: a batch is a buffer of records (a length of
 * two bytes, a tag of one for the caller, the bytes), each as long as its
 * datagram, filled by one thread and taken whole by another (or handed to
 * the forwarder at once), instead of an item of the largest size each. */
#define MS_BRIDGE_RECORD_HEADER 3
#define MS_BRIDGE_RECORD_MAX 0xffff /* the longest record's bytes */
_Static_assert(MS_WIRE_MAX_PACKET <= MS_BRIDGE_RECORD_MAX, "a datagram is one record");

typedef struct ms_bridge_batch {
    unsigned char *buf; /* the caller's: cap bytes */
    size_t cap;
    size_t used; /* bytes of records */
    size_t n;    /* records */
} ms_bridge_batch;

/* An empty batch over buf[0..cap), which must outlive it. */
void ms_bridge_batch_init(ms_bridge_batch *b, unsigned char *buf, size_t cap);

/* Appends a record of tag and data[0..len) when it fits with at least
 * keep bytes left over (room kept for records that must not be dropped):
 * 1, else 0 (b unchanged; also for len over MS_BRIDGE_RECORD_MAX). */
int ms_bridge_batch_add(ms_bridge_batch *b, unsigned char tag, const void *data, size_t len,
                        size_t keep);

/* 1 when a record of len bytes fits with nothing kept over. */
int ms_bridge_batch_fits(const ms_bridge_batch *b, size_t len);

/* The records in order: from *at = 0, each call gives the next one's tag
 * and bytes (pointing into the batch) and returns 1; 0 after the last. */
int ms_bridge_batch_next(const ms_bridge_batch *b, size_t *at, unsigned char *tag,
                         const unsigned char **data, size_t *len);

/* Empties b (its buffer stays). */
void ms_bridge_batch_clear(ms_bridge_batch *b);

#endif
