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
    size_t used;   /* bytes of records */
    size_t n;      /* records */
    int64_t first; /* when the first record was added (ms_bridge_batch_add_at) */
} ms_bridge_batch;

/* An empty batch over buf[0..cap), which must outlive it. */
void ms_bridge_batch_init(ms_bridge_batch *b, unsigned char *buf, size_t cap);

/* Appends a record of tag and data[0..len) when it fits with at least
 * keep bytes left over (room kept for records that must not be dropped):
 * 1, else 0 (b unchanged; also for len over MS_BRIDGE_RECORD_MAX). */
int ms_bridge_batch_add(ms_bridge_batch *b, unsigned char tag, const void *data, size_t len,
                        size_t keep);

/* ms_bridge_batch_add, noting the time now (nanoseconds of the caller's
 * monotonic clock) when the record is the batch's first: the age of its
 * oldest record, for ms_bridge_batch_due. */
int ms_bridge_batch_add_at(ms_bridge_batch *b, int64_t now, unsigned char tag, const void *data,
                           size_t len, size_t keep);

/* 1 when a record of len bytes fits with nothing kept over. */
int ms_bridge_batch_fits(const ms_bridge_batch *b, size_t len);

/* The records in order: from *at = 0, each call gives the next one's tag
 * and bytes (pointing into the batch) and returns 1; 0 after the last. */
int ms_bridge_batch_next(const ms_bridge_batch *b, size_t *at, unsigned char *tag,
                         const unsigned char **data, size_t *len);

/* Empties b (its buffer stays). */
void ms_bridge_batch_clear(ms_bridge_batch *b);

/* ---- when a batch goes on ---------------------------------------------------- */

/* The longest a datagram waits in a batch for more to join it while more are
 * coming (nanoseconds): batches exist for throughput (one lock, one system
 * call for many datagrams), and at a steady rate the source may never be
 * empty, so without a bound in time a batch would wait until it is full (a
 * thousand datagrams of 64 bytes: 20 ms at 50,000 a second). */
#define MS_BRIDGE_MAX_WAIT_NS 200000

/* The rule of each hand-over of the bridge (datagrams to the forwarder,
 * messages to the broker): n datagrams wait, the oldest since oldest
 * (nanoseconds of the caller's monotonic clock); now is the time; pending
 * is how many more the source holds ready (0: none, so a lone datagram goes
 * at once); full says the next one may not fit. 1 when they go now: n > 0
 * and (nothing is pending, or the batch is full, or the oldest has waited
 * MS_BRIDGE_MAX_WAIT_NS); else 0, and the caller takes the next one first. */
int ms_bridge_due(size_t n, int64_t oldest, int64_t now, long pending, int full);

/* ms_bridge_due for a batch (ms_bridge_batch_add_at), full when a datagram of
 * the largest size (MS_WIRE_MAX_PACKET) may not fit. */
int ms_bridge_batch_due(const ms_bridge_batch *b, int64_t now, long pending);

#endif
