/* SPDX-License-Identifier: MIT */
/* local.h -- the conversation between a local writer and reader on one host.
 *
 * A reader listens on an AF_UNIX SOCK_SEQPACKET socket whose address derives
 * from the canonical name. Each writer connects once; the reader answers with
 * one HELLO record (its limits and canonical path, plus a sealed memfd holding
 * the queue's reservation counter) or a DENIED record. After that the writer
 * sends one DATA record per message: a 4-byte header, then the payload, so
 * that a zero-length message is not mistaken for the end of the connection.
 *
 * The reservation counter makes QUEUE_LIMIT exact: a writer takes a place
 * before it sends (or gets MAILSLOT_E_FULL) and the reader gives it back when
 * the message is read (in batches: "Freed places" below). Kernel socket
 * buffers therefore never decide whether a write fails.
 *
 * Queries (`mailslot stats`, ms_local_reader_query): a client connects like
 * a writer (the same user check, HELLO, DENIED or BUSY), closes the page it
 * is passed, and sends one QUERY record: exactly the 4-byte header {7, 0, 0,
 * 0}. It takes no queue place. The reader answers on that connection with
 * one SNAPSHOT record; a QUERY of any other length or with reserved bytes
 * set is not answered (the connection stays). Later requests get new record
 * types. A SNAPSHOT record, big-endian:
 *     0   type MS_REC_SNAPSHOT, 3 reserved bytes (0)
 *     4   u16 layout (MS_SNAPSHOT_LAYOUT, 1; changed only if a field ever
 *         had to change meaning, which the appending rule avoids)
 *     6   u16 L: bytes of fields that follow
 *     8   the fields, in this order:
 *         u32 max_message_size, u32 queue_limit, u32 allow_any_user,
 *         u32 network, u32 keys, u32 message_count,
 *         u64 x MS_NET_COUNTERS (16 today): the counters from
 *         MAILSLOT_STAT_NET_RECEIVED (101) on, in key order; a counter added
 *         to abi/constants.txt is appended here
 *         (MS_SNAPSHOT_FIELDS bytes today).
 * Later releases only append fields. A client decodes the fields that lie
 * wholly within L and the record, leaves the others 0, and ignores what
 * follows those it knows. A reader of release 1.0 does not know QUERY: it
 * drops the connection, and the client reports that it got no answer.
 *
 * Rings (ring.h). A reader of release 1.1 appends a features word to its
 * HELLO. A writer of release 1.0 receives the HELLO into the shorter
 * structure (the kernel cuts the record off, and recvmsg returns the length
 * it expects) and never sees the word; a writer of 1.1 accepts either
 * length and takes a missing word as 0. With MS_HELLO_RING set, a RING
 * record follows the HELLO at once:
 *     0   type MS_REC_RING, 3 reserved bytes (0)
 *     4   u32 size: the ring's data area (host order, like the HELLO)
 * passing two descriptors (SCM_RIGHTS): the ring's sealed memfd and the
 * reader's doorbell (an eventfd in its wait set, edge-triggered: each ring
 * wakes a sleeper, and nobody reads it back). A writer that maps the
 * ring sends every DATA and PACKET record through it, and none through the
 * socket: the ring holds the reader's largest record, so no record ever has
 * to take the other way and overtake one still on the ring. A writer of
 * release 1.0 never reads the RING record (its descriptors go when the
 * connection does) and keeps sending DATA records over the socket, which
 * the reader still takes from any writer; so does a writer that cannot map
 * the ring. The socket keeps the rest: the greeting, the peer's
 * credentials, end of connection (the reader first takes what the ring
 * holds, then drops the writer) and queries.
 *
 * Freed places (release 1.1, MS_HELLO_FREED). A reader takes places off
 * the page's reserved word in batches, counting those it freed meanwhile
 * in the page's freed word, so that a read does not take the cache line
 * every writer takes places on. A writer that finds reserved at the limit
 * subtracts the count (ms_shared_take). A writer of release 1.0 does not,
 * so the reader counts nothing there while any connection has not said
 * that it knows the word: right after the HELLO a writer of release 1.1
 * sends one FEATURES record:
 *     0   type MS_REC_FEATURES, 3 reserved bytes (0)
 *     4   u32 MS_WRITER_FREED, with MS_WRITER_RING when the writer mapped
 *         the ring (host order); other bits are for later
 * A reader of release 1.0 sets no MS_HELLO_FREED and gets no such record.
 * A reader that has heard MS_WRITER_RING from every writer connected knows
 * that no message waits in a socket: a read that finds the rings empty
 * need not look at the sockets while the I/O thread watches them.
 * A FEATURES record of another length or with reserved bytes set is
 * ignored, and the connection stays.
 *
 * After publishing a record, a ring writer rings the doorbell only when the
 * shared page's `sleeping` word says that the reader is about to block (it
 * takes the word with an exchange, so one writer rings per sleep); a reader
 * sets the word, then looks at every ring once more before it blocks. */
#ifndef MS_LINUX_LOCAL_H
#define MS_LINUX_LOCAL_H

#include "name.h"
#include "snapshot.h"
#include "transport.h"

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>

#define MS_HELLO_MAGIC 0x4D534C31u /* "MSL1" */
#define MS_LOCAL_VERSION 1

/* PACKET: a network packet from a local writer (the local copy of a message
 * to "*", a domain or this host); NETWORK: a packet that the host forwarder
 * received from the network. A NETWORK record whose byte 1 (reserved in the
 * others) is MS_NETWORK_LEGACY holds, instead, a Windows host's datagram as
 * it came on UDP port 138 (net/legacy.h; the forwarder took it for this
 * host: net/legacyrecv.h). A reader of release 1.0 ignores the byte and
 * finds no packet there (no magic): it drops the record as malformed. */
enum {
    MS_REC_DATA = 1,
    MS_REC_HELLO = 2,
    MS_REC_DENIED = 3,
    MS_REC_BUSY = 4,
    MS_REC_PACKET = 5,
    MS_REC_NETWORK = 6,
    MS_REC_QUERY = 7,    /* client: send me a SNAPSHOT */
    MS_REC_SNAPSHOT = 8, /* reader: its settings and counters */
    MS_REC_RING = 9,     /* reader: a ring and its doorbell, right after the HELLO */
    MS_REC_FEATURES = 10 /* writer: what it knows (MS_WRITER_*), after a HELLO with FREED */
};

#define MS_NETWORK_LEGACY 1 /* a NETWORK record's byte 1: a legacy datagram */

#define MS_HELLO_RING 1u  /* features: a RING record follows */
#define MS_HELLO_FREED 2u /* features: the page's freed word counts; say MS_WRITER_FREED */
#define MS_RING_RECORD_SIZE 8

#define MS_WRITER_FREED 1u /* a FEATURES record's word: the writer reads freed */
#define MS_WRITER_RING 2u  /* and it sends every DATA and PACKET record through the ring */
#define MS_FEATURES_RECORD_SIZE 8

#define MS_DATA_HEADER 4 /* type, 3 reserved bytes */

#define MS_SNAPSHOT_LAYOUT 1
#define MS_SNAPSHOT_HEADER 8                             /* type, 3 reserved, layout, L */
#define MS_SNAPSHOT_FIELDS (6 * 4 + MS_NET_COUNTERS * 8) /* 152 with 16 counters */
#define MS_SNAPSHOT_MAX (MS_SNAPSHOT_HEADER + MS_SNAPSHOT_FIELDS)

typedef struct ms_hello {
    uint32_t magic;
    uint16_t version;
    uint16_t type; /* MS_REC_HELLO, MS_REC_DENIED or MS_REC_BUSY */
    uint32_t max_message_size;
    uint32_t queue_limit;
    uint32_t path_len;
    char path[MS_PATH_MAX + 1];
    uint32_t features; /* from release 1.1: MS_HELLO_* */
} ms_hello;

/* The HELLO of release 1.0: everything before features. */
#define MS_HELLO_V1_SIZE offsetof(ms_hello, features)

/* The page a reader shares with its writers. */
typedef struct ms_shared {
    _Atomic uint32_t reserved; /* places taken, less those given back */
    /* Set when the reader closes. Writers check it before sending, because a
     * forked child may briefly hold a copy of the reader's end of their
     * connection, and then sending would not fail. */
    _Atomic uint32_t closed;
    /* Set by the reader about to block on its wait set; a ring writer that
     * publishes a record takes it and rings the doorbell (see above). On a
     * cache line of its own: a ring writer reads it after every record,
     * and would otherwise miss whenever a reservation moved. */
    _Alignas(64) _Atomic uint32_t sleeping;
    /* From release 1.1 (MS_HELLO_FREED): places the reader has freed (the
     * messages read) but not yet taken off reserved, so that a read does
     * not take the writers' line (MS_FREED_*). Written by the reader only. */
    _Alignas(64) _Atomic uint64_t freed;
} ms_shared;

#define MS_SHARED_SIZE 4096

/* The freed word: a generation (high 32 bits), counted up each time the
 * reader takes the freed places off reserved; MOVING while it does; and
 * the count of freed places. Occupancy is reserved less the count, and a
 * writer that finds reserved at the limit subtracts it. A writer of
 * release 1.0 never reads it: while one may be connected the reader takes
 * every place off reserved as it frees it (the count stays 0). Every change
 * of reserved is a read-modify-write, so that a writer whose
 * compare-and-swap comes after a move also sees the MOVING mark before it. */
#define MS_FREED_MOVING 0x80000000u
#define MS_FREED_COUNT(w) ((uint32_t)(w) & ~MS_FREED_MOVING)
#define MS_FREED_GEN(w) ((uint32_t)((w) >> 32))

/* Gives n places back, never below zero (a misbehaving writer may have
 * skipped its reservation). */
static inline void ms_shared_give(ms_shared *s, uint32_t n)
{
    uint32_t cur = atomic_load(&s->reserved);
    while (!atomic_compare_exchange_weak(&s->reserved, &cur, cur > n ? cur - n : 0))
        ;
}

/* The reader publishes the freed word: generation gen, count freed places,
 * and flags (MS_FREED_MOVING). */
static inline void ms_shared_freed_set(ms_shared *s, uint32_t gen, uint32_t count, uint32_t flags)
{
    atomic_store_explicit(&s->freed, ((uint64_t)gen << 32) | count | flags, memory_order_release);
}

/* A point between two steps of ms_shared_take: tests that run the reader's
 * move there define it before including this header (tests/test_take.c). */
#ifndef MS_SHARED_TAKE_STEP
#define MS_SHARED_TAKE_STEP() ((void)0)
#endif

/* ms_shared_take's results. */
enum { MS_TAKE_FULL = 0, MS_TAKE_OK = 1, MS_TAKE_BUSY = 2 };

/* Takes one queue place if fewer than limit are occupied. MS_TAKE_OK;
 * MS_TAKE_FULL; MS_TAKE_BUSY when reserved is at the limit while the reader
 * moves freed places (a few instructions): try again.
 *
 * Below the limit, reserved alone decides. At it, occupancy is reserved
 * less the freed count, both as they were at one moment: freed read
 * unchanged before and after reserved (its values never repeat). A place
 * taken that way counts on freed places not yet taken off reserved; the
 * compare-and-swap proves reserved unchanged, not that the reader did not
 * take them off and other writers take their places meanwhile (reserved
 * back at the same value). So freed is read once more after it, and a
 * place taken across a move is given back. */
static inline int ms_shared_take(ms_shared *s, uint32_t limit)
{
    for (;;) {
        uint32_t cur = atomic_load(&s->reserved);
        MS_SHARED_TAKE_STEP();
        if (cur < limit) {
            if (atomic_compare_exchange_weak(&s->reserved, &cur, cur + 1))
                return MS_TAKE_OK;
            continue;
        }
        uint64_t f = atomic_load_explicit(&s->freed, memory_order_acquire);
        MS_SHARED_TAKE_STEP();
        cur = atomic_load(&s->reserved);
        MS_SHARED_TAKE_STEP();
        if (atomic_load_explicit(&s->freed, memory_order_acquire) != f)
            continue;
        MS_SHARED_TAKE_STEP();
        if (f & MS_FREED_MOVING)
            return MS_TAKE_BUSY;
        uint32_t n = MS_FREED_COUNT(f);
        if (cur >= limit && cur > n && cur - n >= limit)
            return MS_TAKE_FULL;
        if (!atomic_compare_exchange_strong(&s->reserved, &cur, cur + 1))
            continue;
        MS_SHARED_TAKE_STEP();
        uint64_t again = atomic_load_explicit(&s->freed, memory_order_acquire);
        if (cur < limit || (!(again & MS_FREED_MOVING) && MS_FREED_GEN(again) == MS_FREED_GEN(f)))
            return MS_TAKE_OK;
        ms_shared_give(s, 1); /* taken across a move, or while one runs */
    }
}

/* For tests: how often, in milliseconds, a ring writer asks whether its
 * reader still lives (writer.c, LIVENESS_MS; 0: before every write).
 * Returns the previous value. */
int ms_local_writer_set_liveness_ms(int ms);

/* The socket address of a local name's reader. */
void ms_local_address(const ms_name *name, struct sockaddr_un *sa, socklen_t *len);

/* Encodes s as a SNAPSHOT record into buf (MS_SNAPSHOT_MAX bytes); returns
 * its length. */
size_t ms_snapshot_encode(const ms_reader_snapshot *s, unsigned char *buf);

/* Decodes a SNAPSHOT record of len bytes into *s (fields it lacks are 0).
 * Returns 0, or -1 when it is not a SNAPSHOT record of a known layout. */
int ms_snapshot_decode(const unsigned char *rec, size_t len, ms_reader_snapshot *s);

/* Sends one record without blocking, passing pass_fd along when it is >= 0.
 * Returns 0 when the whole record went, -1 otherwise. */
int ms_local_send_record(int fd, const void *rec, size_t len, int pass_fd);

/* The descriptor passed with a received record (SCM_RIGHTS), or -1; the
 * caller owns it (and closes it). Any other number passed are closed. */
int ms_local_passed_fd(struct msghdr *msg);

/* The want descriptors passed with a received record into fds: 0, or -1
 * when it passed another number (all of them closed then). */
int ms_local_passed_fds(struct msghdr *msg, int *fds, int want);

/* Sends a RING record passing ring_fd and doorbell. 0 or -1. */
int ms_local_send_ring(int fd, uint32_t size, int ring_fd, int doorbell);

/* What a failed connect to name's reader means (err: its errno):
 * MAILSLOT_E_NOT_FOUND (no reader), MAILSLOT_E_ACCESS, MAILSLOT_E_TIMEOUT
 * (a reader whose backlog is full did not take it in time: EAGAIN,
 * EINPROGRESS, ETIMEDOUT), else MAILSLOT_E_SYSTEM; the detail says it. */
int ms_local_connect_failed(const ms_name *name, int err, int32_t timeout_ms);

/* Checks the greeting a client (writer or query) received on connecting:
 * got bytes of h, 0 when the reader closed. MAILSLOT_OK for a HELLO from the
 * reader of name's path (h->path is then a string); MAILSLOT_E_NOT_FOUND
 * (closed, or the address belongs to another path), MAILSLOT_E_ACCESS
 * (DENIED), MAILSLOT_E_SYSTEM (BUSY, or another protocol). */
int ms_local_check_hello(const ms_name *name, ms_hello *h, ssize_t got);

#endif
