/* SPDX-License-Identifier: MIT */
/* reader.c -- a local reader on Linux.
 *
 * The reader owns a listening SEQPACKET socket (accepted by the I/O thread)
 * and one epoll set `ep` holding its writers' connections plus a wake-up
 * eventfd. Messages are received under the reader's mutex, so per-writer
 * order holds whoever receives them:
 *   - a thread in ms_local_reader_read with nothing queued waits on `ep`
 *     itself and receives directly (no thread hand-off on its path); while
 *     any thread waits so, and until a tick after the last read left
 *     (io_deferred), the I/O thread is disarmed for this reader;
 *   - otherwise the I/O thread drains the connections in batches (recvmmsg)
 *     into the in-process queue, so a busy reader pops from memory. It
 *     watches them in a second epoll set `cep`, and the doorbell on its
 *     own, both edge-triggered and armed until a read waits: a ring
 *     writer's message costs it no look at the sockets, and no epoll_ctl.
 * The doorbell and the connections are edge-triggered in `ep` (and `cep`):
 * nobody reads the doorbell back, and a connection is drained to EAGAIN
 * instead of being armed again, so a round trip costs the reader one
 * epoll_wait.
 * Writers reserve a place in the queue through a shared counter before they
 * send (local.h), so the queue never overflows and QUEUE_LIMIT is exact.
 * Network packets forwarded by the host's forwarder take their place on
 * arrival, or are dropped and counted.
 *
 * Each writer also gets a ring (local.h, ring.h) and the reader's doorbell,
 * an eventfd in `ep`. Records are taken under the same mutex, the queue
 * first, then the rings in turn: a read with nothing queued copies a
 * message straight from a ring into the caller's buffer; the I/O thread
 * moves rings into the queue only while nobody waits. Whoever is about to
 * block on `ep` first sets the shared page's `sleeping` word and looks at
 * every ring once more (sleep_mark).
 *
 * Linux only: epoll, eventfd, a sealed memfd for the shared page,
 * SO_PEERCRED, recvmmsg. */
#define _GNU_SOURCE
#include "alloc.h"
#include "net/netrecv.h"
#include "error.h"
#include "log.h"
#include "transport.h"
#include "os.h"
#include "queue.h"
#include "readerbase.h"
#include "net/wire.h"
#include "linux/iothread.h"
#include "linux/local.h"
#include "linux/readerdir.h"
#include "linux/ring.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32        /* messages per recvmmsg */
#define EVENTS 32       /* connections per epoll_wait */
#define FREED_BATCH 256 /* most places freed before they go back to reserved */
#define WAKE_SLOT UINT32_MAX
#define DOORBELL_SLOT (UINT32_MAX - 1)

typedef struct conn {
    int fd; /* -1: free slot */
    uint32_t gen;
    int knows_freed; /* the writer said MS_WRITER_FREED (local.h) */
    int ring_only;   /* it said MS_WRITER_RING: no message comes over its socket */
    ms_ring ring;    /* ring.map NULL: none (the writer uses the socket) */
} conn;

struct ms_local_reader {
    ms_reader_base base; /* base.mu guards what follows */
    atomic_int refs;     /* the core's, plus one per registered I/O source */
    ms_name name;
    ms_reader_config cfg;
    ms_queue queue;

    int listen_fd;
    int ep;        /* connections + wake_fd + doorbell */
    int cep;       /* the connections again, for the I/O thread */
    int wake_fd;   /* eventfd: interrupt and close wake waiting reads */
    int notify_fd; /* eventfd given by mailslot_fd, created on demand */
    int shm_fd;
    ms_shared *shared;
    int doorbell; /* eventfd in ep, rung by ring writers (local.h) */
    uint64_t ring_size;
    ms_ring_limits ring_limits;
    uint32_t ring_next; /* the connection whose ring a read looks at first */
    /* A message waits on a ring that the queue had no memory for: it stays
     * there (holding its place) for a read to take straight from the ring,
     * mailslot_fd says so, and the I/O thread does not spin on it. */
    int ring_stuck;

    conn *conns;
    uint32_t conn_cap;
    uint32_t conn_live;
    uint32_t conn_legacy; /* live connections that have not said MS_WRITER_FREED */
    uint32_t conn_socket; /* live connections that are not ring_only */

    /* The page's freed word (local.h): places freed and not yet taken off
     * reserved, and its generation. They are taken off once freed_batch
     * are counted, and at once while conn_legacy > 0. */
    uint32_t freed, freed_gen, freed_batch;

    /* recvmmsg buffers: BATCH slots of max_message_size + header. Mostly
     * untouched virtual memory for small messages. */
    unsigned char *batch;
    size_t batch_bytes;
    size_t slot_size;
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];

    ms_netrecv recv; /* network packets: authentication or de-duplication */

    /* Records received into batch that the queue had no memory for, in
     * order: batch slots stash_next..stash_end-1 of connection stash_slot.
     * While any are left nothing more is received; they are queued as soon
     * as memory allows, or read straight from batch. A writer was told its
     * message was sent: out of memory must not lose it. */
    unsigned stash_next, stash_end;
    uint32_t stash_slot, stash_gen;

    /* base.waiters: threads waiting on ep */
    int io_armed; /* the I/O thread watches ep */
    /* The last read left less than a tick ago (or a read runs): the I/O
     * thread stays disarmed until the reader has been idle for a tick
     * (on_queue_later), so that a reader that keeps reading makes no
     * epoll_ctl to hand ep over and back on each read. */
    int io_deferred;
    int io_recent;   /* a read left since the last tick */
    int notify_set;  /* notify_fd is readable */
    int wake_set;    /* wake_fd is readable: see sync_wake */
    int interrupted; /* waiters an interrupt has yet to wake */

    ms_io_source src_listen;
    ms_io_source src_queue;       /* cep */
    ms_io_source src_bell;        /* the doorbell */
    struct ms_local_reader *next; /* in all_readers */
};

/* Every live reader of this process, for the fork handler. */
static pthread_mutex_t all_mu = PTHREAD_MUTEX_INITIALIZER;
static ms_local_reader *all_readers;
/* A descriptor held in reserve: when the process has no descriptor left, it
 * is given up for a moment to accept a writer and tell it so, because a
 * pending connection left in the backlog keeps the listening socket readable
 * and the I/O thread would spin. Guarded by all_mu. */
static int spare_fd = -1;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

/* ---- helpers ------------------------------------------------------------ */

/* Unlocks r and tells what was logged under the lock (netrecv.c): the
 * program's log handler never runs under r->base.mu, so it may call back in. */
static void unlock(ms_local_reader *r)
{
    ms_lock_release(&r->base.mu);
    ms_log_flush();
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Publishes the freed word: generation, count and flags. */
static void freed_publish(ms_local_reader *r, uint32_t flags)
{
    ms_shared_freed_set(r->shared, r->freed_gen, r->freed, flags);
}

/* Takes the freed places off reserved, or with repair sets reserved to the
 * messages queued: marked MOVING meanwhile, so that no writer subtracts
 * them twice, then counted anew in a new generation. */
static void freed_move(ms_local_reader *r, int repair)
{
    if (r->freed == 0 && !repair)
        return;
    freed_publish(r, MS_FREED_MOVING);
    if (repair)
        atomic_exchange(&r->shared->reserved, r->queue.count); /* not a store: local.h */
    else
        ms_shared_give(r->shared, r->freed);
    r->freed_gen++;
    r->freed = 0;
    freed_publish(r, 0);
}

/* n queue places are free again (messages read, or records that held one
 * dropped). With writers of release 1.1 only, a read touches only the
 * reader's own line; a writer of release 1.0 sees reserved alone, so with
 * one connected each place goes back at once. Under r->base.mu. */
static void free_places(ms_local_reader *r, uint32_t n)
{
    if (r->conn_legacy > 0 && r->freed == 0) {
        ms_shared_give(r->shared, n);
        return;
    }
    r->freed += n;
    if (r->conn_legacy > 0 || r->freed >= r->freed_batch)
        freed_move(r, 0);
    else
        freed_publish(r, 0);
}

static void set_eventfd(int fd, int *state, int want)
{
    if (fd < 0 || *state == want)
        return;
    uint64_t v = 1;
    ssize_t n = want ? write(fd, &v, sizeof v) : read(fd, &v, sizeof v);
    (void)n; /* an eventfd write of 1 or a read of a set counter cannot fail */
    *state = want;
}

static int has_ring(const ms_local_reader *r, uint32_t slot)
{
    return r->conns[slot].fd >= 0 && r->conns[slot].ring.map != NULL;
}

/* A record waits on some ring; under r->base.mu. */
static int rings_pending(const ms_local_reader *r)
{
    for (uint32_t i = 0; i < r->conn_cap; i++)
        if (has_ring(r, i) && atomic_load_explicit(&r->conns[i].ring.hdr->tail,
                                                   memory_order_acquire) != r->conns[i].ring.pos)
            return 1;
    return 0;
}

/* Before blocking on ep: says so to the writers, then looks at the rings
 * once more, since a writer that published before it saw the word did not
 * ring. 1 when a record waits (do not block). Under r->base.mu. */
static int sleep_mark(ms_local_reader *r)
{
    atomic_store(&r->shared->sleeping, 1);
    atomic_thread_fence(memory_order_seq_cst);
    return rings_pending(r);
}

static void drain_rings(ms_local_reader *r);

/* Rings the doorbell for records that came before the sleeping word was
 * set: they rang nobody. */
static void ring_self(ms_local_reader *r)
{
    uint64_t one = 1;
    ssize_t n = write(r->doorbell, &one, sizeof one);
    (void)n; /* cannot fail short of 2^64 - 1 unread rings */
}

/* The I/O thread drains while nobody waits, from a tick after the last
 * read left (io_deferred). It drains a full queue too: a local writer's
 * message always holds a place, so what arrives then is network packets,
 * which are dropped and counted rather than left to go stale in the kernel
 * and stall the forwarder. */
static void update_arming(ms_local_reader *r)
{
    if (r->base.closed)
        return;
    int want = r->base.waiters == 0 && !r->io_deferred;
    if (want != r->io_armed) {
        /* A record that came before the word was set rang nobody: ring
         * for it, so that the thread wakes at once. */
        if (want && sleep_mark(r) && !r->ring_stuck)
            ring_self(r);
        ms_io_arm(&r->src_queue, want);
        ms_io_arm(&r->src_bell, want);
        r->io_armed = want;
    }
}

/* Waiting threads sleep on the sockets, so they must be woken when the
 * reader closes, when an interrupt is pending, and when messages sit in the
 * queue (another thread drained more than it took). Under r->base.mu. */
static int stash_pending(const ms_local_reader *r)
{
    return r->stash_next < r->stash_end;
}

/* Messages waiting: queued, or received and not yet queued. */
static int has_message(const ms_local_reader *r)
{
    return r->queue.count > 0 || stash_pending(r);
}

static void sync_wake(ms_local_reader *r)
{
    int want = r->base.closed || r->interrupted > 0;
    /* A writer that rang took the sleeping word: mark it again for the
     * threads still waiting (ep wakes one of them per event), and wake one
     * for what the rings hold. */
    if (!want && r->base.waiters > 0)
        want = has_message(r) || sleep_mark(r);
    set_eventfd(r->wake_fd, &r->wake_set, want);
}

/* ---- connections -------------------------------------------------------- */

/* Tells the writer of a ring that nobody reads it any more, and wakes it if
 * it waits for space. */
static void ring_abandon(ms_ring *g)
{
    if (!g->map)
        return;
    atomic_store(&g->hdr->dropped, 1);
    ms_ring_futex_wake(ms_ring_head_word(g->hdr));
}

static void drop_conn(ms_local_reader *r, uint32_t slot)
{
    ring_abandon(&r->conns[slot].ring);
    ms_ring_unmap(&r->conns[slot].ring);
    close_fd(&r->conns[slot].fd);
    r->conns[slot].gen++;
    if (!r->conns[slot].knows_freed)
        r->conn_legacy--;
    if (!r->conns[slot].ring_only)
        r->conn_socket--;
    r->conns[slot].knows_freed = 0;
    r->conns[slot].ring_only = 0;
    /* With no writer connected, every reservation is a queued message: this
     * repairs places lost by a writer killed between reserving and sending. */
    if (--r->conn_live == 0)
        freed_move(r, 1);
}

static int send_hello(ms_local_reader *r, int fd, int type, uint32_t features)
{
    ms_hello h;
    memset(&h, 0, sizeof h);
    h.magic = MS_HELLO_MAGIC;
    h.version = MS_LOCAL_VERSION;
    h.type = (uint16_t)type;
    h.max_message_size = r->cfg.max_message_size;
    h.queue_limit = r->cfg.queue_limit;
    h.path_len = (uint32_t)strlen(r->name.path);
    memcpy(h.path, r->name.path, h.path_len + 1);
    h.features = features;

    return ms_local_send_record(fd, &h, sizeof h, type == MS_REC_HELLO ? r->shm_fd : -1);
}

static int peer_allowed(ms_local_reader *r, int fd)
{
    struct ucred cred;
    socklen_t len = sizeof cred;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
        return 0;
    return r->cfg.allow_any_user || cred.uid == geteuid() || cred.uid == 0;
}

/* Registers a writer's connection: its slot, or -1 (no memory for the
 * table, or epoll refused). */
static int add_conn(ms_local_reader *r, int fd)
{
    uint32_t slot = 0;
    while (slot < r->conn_cap && r->conns[slot].fd >= 0)
        slot++;
    if (slot == r->conn_cap) {
        uint32_t cap = r->conn_cap ? r->conn_cap * 2 : 8;
        conn *c = ms_realloc(r->conns, cap * sizeof *c);
        if (!c)
            return -1;
        for (uint32_t i = r->conn_cap; i < cap; i++)
            c[i] = (conn){.fd = -1, .gen = 0};
        r->conns = c;
        r->conn_cap = cap;
    }
    /* Edge-triggered: whoever is told drains the connection to EAGAIN
     * (drain_conn), so it need not be armed again after each batch, which
     * would cost an epoll_ctl per message of a writer that sends over the
     * socket (release 1.0, queries, the forwarder). */
    struct epoll_event ev = {.events = EPOLLIN | EPOLLET,
                             .data.u64 = ((uint64_t)r->conns[slot].gen << 32) | slot};
    if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
        return -1;
    if (epoll_ctl(r->cep, EPOLL_CTL_ADD, fd, &ev) != 0) {
        epoll_ctl(r->ep, EPOLL_CTL_DEL, fd, NULL);
        return -1;
    }
    r->conns[slot].fd = fd;
    r->conn_live++;
    /* Until it says otherwise, a writer of release 1.0: it must find
     * reserved exact from its first write. */
    r->conn_legacy++;
    r->conn_socket++; /* until it says MS_WRITER_RING */
    freed_move(r, 0);
    return (int)slot;
}

/* Out of descriptors: refuses one pending writer with MS_REC_BUSY. Returns 1
 * when a writer was taken off the backlog. */
static int refuse_one(ms_local_reader *r)
{
    int taken = 0;
    pthread_mutex_lock(&all_mu);
    if (spare_fd >= 0) {
        close(spare_fd);
        int fd = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            send_hello(r, fd, MS_REC_BUSY, 0);
            close(fd);
            taken = 1;
        }
        spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    pthread_mutex_unlock(&all_mu);
    return taken;
}

/* Sends a new writer its HELLO and, when a ring could be made, the ring:
 * without one (no memory) the writer sends over the socket. 0, or -1 when
 * the connection is useless. */
static int greet(ms_local_reader *r, uint32_t slot)
{
    conn *c = &r->conns[slot];
    int ring_fd = -1;
    if (ms_ring_create(r->ring_size, &ring_fd, &c->ring) != 0)
        ms_log(MAILSLOT_LOG_WARNING, "%s: a writer gets no ring: %s", r->name.canonical,
               strerror(errno));
    int rc =
        send_hello(r, c->fd, MS_REC_HELLO, MS_HELLO_FREED | (ring_fd >= 0 ? MS_HELLO_RING : 0));
    if (rc == 0 && ring_fd >= 0)
        rc = ms_local_send_ring(c->fd, (uint32_t)r->ring_size, ring_fd, r->doorbell);
    if (ring_fd >= 0)
        close(ring_fd); /* the mapping keeps the ring */
    return rc;
}

/* Accepts every pending writer; under r->base.mu. */
static void accept_all(ms_local_reader *r)
{
    for (;;) {
        int fd = accept4(r->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE) && refuse_one(r))
            continue;
        if (fd < 0)
            return; /* EAGAIN, or an error the next readiness retries */
        int slot;
        if (!peer_allowed(r, fd)) {
            send_hello(r, fd, MS_REC_DENIED, 0);
            close(fd);
        } else if ((slot = add_conn(r, fd)) < 0) {
            /* Registered before the hello: a writer that was greeted and
             * then dropped would have sent into a closed connection. */
            send_hello(r, fd, MS_REC_BUSY, 0);
            close(fd);
        } else if (greet(r, (uint32_t)slot) != 0) {
            drop_conn(r, (uint32_t)slot); /* the writer sees the end and reports it */
        }
    }
}

/* ---- queries ------------------------------------------------------------ */

/* Messages held: queued, plus the messages among records received and not
 * yet queued (the stash's first record is a message; the rest may include
 * packets that are not, or the end of the connection). Under r->base.mu. */
/* Messages on the rings, not yet taken (all of them only while the queue
 * has no memory for them), and in *first the size of the one a read would
 * take first, or MAILSLOT_NO_MESSAGE. Under r->base.mu. */
static uint32_t ring_messages(const ms_local_reader *r, uint32_t *first)
{
    uint32_t n = 0;
    *first = MAILSLOT_NO_MESSAGE;
    for (uint32_t k = 0; k < r->conn_cap; k++) {
        uint32_t slot = (r->ring_next + k) % r->conn_cap;
        if (!has_ring(r, slot))
            continue;
        const ms_ring *g = &r->conns[slot].ring;
        uint64_t tail = atomic_load_explicit(&g->hdr->tail, memory_order_acquire);
        int type;
        const unsigned char *bytes;
        uint32_t len;
        for (uint64_t pos = g->pos; ms_ring_next(g->data, g->size, pos, tail, &r->ring_limits,
                                                 &type, &bytes, &len) == MS_RING_RECORD;
             pos += ms_ring_record_size(len)) {
            if (type != MS_REC_DATA)
                continue;
            if (n++ == 0)
                *first = len;
        }
    }
    return n;
}

static uint32_t held_messages(const ms_local_reader *r, uint32_t *stashed_out)
{
    uint32_t stashed = 0;
    for (unsigned i = r->stash_next; i < r->stash_end; i++) {
        const unsigned char *rec = r->iovs[i].iov_base;
        if (r->msgs[i].msg_len >= MS_DATA_HEADER && rec[0] == MS_REC_DATA)
            stashed++;
    }
    if (stashed_out)
        *stashed_out = stashed;
    uint32_t first;
    return r->queue.count + stashed + ring_messages(r, &first);
}

/* Answers a QUERY record (local.h) on connection slot with a SNAPSHOT of
 * what this reader holds now: what has been received from its connections,
 * not what still waits in their sockets. An answer that does not fit in the
 * socket (a client that does not read them) is dropped. Under r->base.mu. */
static void answer_query(ms_local_reader *r, uint32_t slot)
{
    drain_rings(r); /* what the writers have published counts */
    if (r->conns[slot].fd < 0)
        return;
    ms_reader_snapshot s = {
        .max_message_size = r->cfg.max_message_size,
        .queue_limit = r->cfg.queue_limit,
        .allow_any_user = r->cfg.allow_any_user,
        .network = r->cfg.network,
        .keys = ms_auth_config_keyed(r->cfg.auth) ? (uint32_t)r->cfg.auth->keys->n : 0,
        .message_count = held_messages(r, NULL),
        .net = r->base.net,
    };
    unsigned char rec[MS_SNAPSHOT_MAX];
    size_t len = ms_snapshot_encode(&s, rec);
    ms_local_send_record(r->conns[slot].fd, rec, len, -1);
}

/* ---- receiving ---------------------------------------------------------- */

/* A datagram from the network, forwarded unopened: check (netrecv.c),
 * then queue within the limits. The sender cannot be told about a drop, so
 * drops are counted. */
/* Queues an accepted network message within the reader's limits: 1, or 0
 * when it was over them (counted). */
static int queue_network(ms_local_reader *r, const unsigned char *payload, size_t len)
{
    /* Never MS_TAKE_BUSY: only this reader moves freed places, under its lock. */
    if (len > r->cfg.max_message_size ||
        ms_shared_take(r->shared, r->cfg.queue_limit) != MS_TAKE_OK) {
        MS_NET(&r->base.net, MAILSLOT_STAT_NET_OVER_LIMIT)++;
        return 0;
    }
    if (ms_queue_push(&r->queue, payload, len) != MAILSLOT_OK) {
        free_places(r, 1);
        MS_NET(&r->base.net, MAILSLOT_STAT_NET_OVER_LIMIT)++;
        return 0;
    }
    MS_NET(&r->base.net, MAILSLOT_STAT_NET_RECEIVED)++;
    return 1;
}

static void on_packet(ms_local_reader *r, const unsigned char *datagram, size_t len)
{
    ms_packet p;
    unsigned char plain[MS_WIRE_MAX_PAYLOAD];
    if (ms_netrecv_accept(&r->recv, r->name.path, datagram, len, ms_plat_wall_ms(), &p, plain,
                          &r->base.net))
        queue_network(r, p.payload, p.payload_len);
}

/* A Windows host's write that the forwarder received (local.h). */
static void on_legacy(ms_local_reader *r, const unsigned char *datagram, size_t len)
{
    const unsigned char *data;
    size_t n;
    if (ms_netrecv_accept_legacy(&r->recv, r->name.path, datagram, len, ms_plat_wall_ms(), &data,
                                 &n, &r->base.net) &&
        queue_network(r, data, n))
        MS_NET(&r->base.net, MAILSLOT_STAT_LEGACY_RECEIVED)++;
}

/* ---- rings -------------------------------------------------------------- */

/* The next record of connection slot's ring (ring.h checks it):
 * MS_RING_EMPTY, MS_RING_RECORD or MS_RING_CORRUPT. Under r->base.mu. */
static int ring_peek(ms_local_reader *r, uint32_t slot, int *type, const unsigned char **bytes,
                     uint32_t *len)
{
    ms_ring *g = &r->conns[slot].ring;
    /* The tail seen last, while records remain before it: the writer's line
     * is read once per batch, not once per record. */
    if (g->pos == g->other)
        g->other = atomic_load_explicit(&g->hdr->tail, memory_order_acquire);
    return ms_ring_next(g->data, g->size, g->pos, g->other, &r->ring_limits, type, bytes, len);
}

/* Publishes head, giving the bytes taken so far back to the writer, and
 * wakes the writer if it waits for them. */
static void ring_publish(ms_ring *g)
{
    if (g->shown == g->pos)
        return;
    g->shown = g->pos;
    atomic_store_explicit(&g->hdr->head, g->pos, memory_order_release);
    /* Pairs with the writer's fence between setting waiting and reading
     * head: one of the two sees the other. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&g->hdr->waiting, memory_order_relaxed) &&
        atomic_exchange(&g->hdr->waiting, 0))
        ms_ring_futex_wake(ms_ring_head_word(g->hdr));
}

/* Takes a record's bytes. head is published once an eighth of the ring is
 * taken, and when the reader has caught up with the tail it last read (so
 * always before it sleeps): not after every record. A writer that filled
 * the ring then wakes once per eighth, not once per record. Published per
 * record, a full ring made a stable slow state: each record freed woke the
 * writer for one record, a futex call on each side per message, which kept
 * the reader behind and the ring full (1 KiB bursts at a third of the
 * speed). The writer reads head only when its own copy says the ring is
 * full, so this costs it nothing otherwise. */
static void ring_consume(ms_ring *g, uint32_t len)
{
    g->pos += ms_ring_record_size(len);
    if (g->pos == g->other || g->pos - g->shown >= g->size / 8)
        ring_publish(g);
}

/* A writer whose ring broke the rules loses its connection, and only it. */
static void ring_corrupt(ms_local_reader *r, uint32_t slot)
{
    MS_NET(&r->base.net, MAILSLOT_STAT_LOCAL_CORRUPT_RING)++;
    ms_log(MAILSLOT_LOG_WARNING, "%s: dropped a writer whose ring is corrupt", r->name.canonical);
    drop_conn(r, slot);
}

/* Moves what slot's ring holds into the queue, as far as memory allows;
 * under r->base.mu. A message that finds the queue at its limit was
 * written without its place: the writer breaks the protocol. */
static void drain_ring(ms_local_reader *r, uint32_t slot)
{
    ms_ring *g = &r->conns[slot].ring;
    int type, what;
    const unsigned char *bytes;
    uint32_t len;
    while ((what = ring_peek(r, slot, &type, &bytes, &len)) == MS_RING_RECORD) {
        if (type == MS_REC_PACKET) {
            on_packet(r, bytes, len);
        } else {
            int rc = ms_queue_push(&r->queue, bytes, len);
            if (rc == MAILSLOT_E_NOMEM) {
                r->ring_stuck = 1;
                ring_publish(g); /* what was taken before it */
                return;
            }
            if (rc != MAILSLOT_OK) {
                ring_corrupt(r, slot);
                return;
            }
        }
        ring_consume(g, len);
    }
    if (what == MS_RING_CORRUPT)
        ring_corrupt(r, slot);
}

static void drain_rings(ms_local_reader *r)
{
    r->ring_stuck = 0;
    for (uint32_t i = 0; i < r->conn_cap && !r->base.closed; i++)
        if (has_ring(r, i))
            drain_ring(r, i);
}

enum { RING_NONE = 1 };

/* Takes the oldest record of the next ring that has one, round robin over
 * the connections: a message straight into buf (MAILSLOT_OK, or
 * MAILSLOT_E_BUFFER leaving it there), a packet into the queue (then
 * MAILSLOT_OK with *len set to SIZE_MAX: look at the queue). RING_NONE when
 * every ring is empty. Under r->base.mu, with an empty queue. */
static int take_ring(ms_local_reader *r, void *buf, size_t cap, size_t *len)
{
    for (uint32_t k = 0; k < r->conn_cap; k++) {
        uint32_t slot = (r->ring_next + k) % r->conn_cap;
        if (!has_ring(r, slot))
            continue;
        int type;
        const unsigned char *bytes;
        uint32_t n;
        int what = ring_peek(r, slot, &type, &bytes, &n);
        if (what == MS_RING_CORRUPT)
            ring_corrupt(r, slot);
        if (what != MS_RING_RECORD)
            continue;
        r->ring_next = slot + 1;
        if (type == MS_REC_PACKET) {
            on_packet(r, bytes, n);
            ring_consume(&r->conns[slot].ring, n);
            *len = SIZE_MAX;
            return MAILSLOT_OK;
        }
        *len = n;
        if (cap < n)
            return MAILSLOT_E_BUFFER;
        memcpy(buf, bytes, n);
        ring_consume(&r->conns[slot].ring, n);
        return MAILSLOT_OK;
    }
    return RING_NONE;
}

enum { REC_NEXT, REC_DROPPED, REC_NOMEM };

/* A FEATURES record's word (local.h); bits it does not know are for later. */
static void writer_features(ms_local_reader *r, uint32_t slot, const unsigned char *word)
{
    uint32_t features;
    memcpy(&features, word, sizeof features);
    if ((features & MS_WRITER_FREED) && !r->conns[slot].knows_freed) {
        r->conns[slot].knows_freed = 1;
        r->conn_legacy--;
    }
    if ((features & MS_WRITER_RING) && has_ring(r, slot) && !r->conns[slot].ring_only) {
        r->conns[slot].ring_only = 1;
        r->conn_socket--;
    }
}

/* One record received into batch slot i from connection slot; under r->base.mu. */
static int on_record(ms_local_reader *r, uint32_t slot, unsigned i)
{
    size_t len = r->msgs[i].msg_len;
    const unsigned char *rec = r->iovs[i].iov_base;
    if (len == 0) { /* end of connection: the writer closed */
        if (has_ring(r, slot))
            drain_ring(r, slot); /* what it wrote before it closed */
        drop_conn(r, slot);
        return REC_DROPPED;
    }
    int truncated = (r->msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    if (len >= MS_DATA_HEADER && rec[0] == MS_REC_QUERY) {
        /* A query holds no queue place; one not of the form local.h gives is
         * ignored, and the connection stays. */
        if (len == MS_DATA_HEADER && !truncated && !rec[1] && !rec[2] && !rec[3])
            answer_query(r, slot);
        return REC_NEXT;
    }
    if (len >= MS_DATA_HEADER && rec[0] == MS_REC_FEATURES) {
        /* Like a query: one not of the form local.h gives is ignored. */
        if (len == MS_FEATURES_RECORD_SIZE && !truncated && !rec[1] && !rec[2] && !rec[3])
            writer_features(r, slot, rec + MS_DATA_HEADER);
        return REC_NEXT;
    }
    if (len >= MS_DATA_HEADER && rec[0] == MS_REC_NETWORK && !truncated && !r->cfg.network) {
        MS_NET(&r->base.net, MAILSLOT_STAT_NET_MISADDRESSED)++; /* this reader keeps to its host */
        return REC_NEXT;
    }
    if (len >= MS_DATA_HEADER && rec[0] == MS_REC_NETWORK && rec[1] == MS_NETWORK_LEGACY &&
        !truncated) {
        on_legacy(r, rec + MS_DATA_HEADER, len - MS_DATA_HEADER);
        return REC_NEXT;
    }
    if (len >= MS_DATA_HEADER && (rec[0] == MS_REC_PACKET || rec[0] == MS_REC_NETWORK) &&
        !truncated) {
        on_packet(r, rec + MS_DATA_HEADER, len - MS_DATA_HEADER);
        return REC_NEXT;
    }
    if (len < MS_DATA_HEADER || rec[0] != MS_REC_DATA || truncated ||
        len - MS_DATA_HEADER > r->cfg.max_message_size) {
        /* Only a writer that ignores the protocol gets here. */
        free_places(r, 1);
        drop_conn(r, slot);
        return REC_DROPPED;
    }
    if (ms_queue_push(&r->queue, rec + MS_DATA_HEADER, len - MS_DATA_HEADER) != MAILSLOT_OK)
        return REC_NOMEM; /* its place stays reserved: see stash_next */
    return REC_NEXT;
}

/* Handles batch records from..n-1 of connection slot; what the queue has no
 * memory for stays in batch (the stash). 0 when every one was handled and
 * the connection stays, else 1. Under r->base.mu. */
static int on_records(ms_local_reader *r, uint32_t slot, unsigned from, unsigned n)
{
    for (unsigned i = from; i < n; i++) {
        int what = on_record(r, slot, i);
        if (what == REC_NOMEM) {
            r->stash_next = i;
            r->stash_end = n;
            r->stash_slot = slot;
            r->stash_gen = r->conns[slot].gen;
            return 1;
        }
        if (what == REC_DROPPED)
            return 1;
    }
    return 0;
}

static void drain_conn(ms_local_reader *r, uint32_t slot);

/* Queues what the stash holds, as far as memory allows. 1 when it is empty.
 * Under r->base.mu. */
static int flush_stash(ms_local_reader *r)
{
    if (!stash_pending(r))
        return 1;
    unsigned from = r->stash_next, n = r->stash_end;
    r->stash_next = r->stash_end = 0;
    if (r->conns[r->stash_slot].fd < 0 || r->conns[r->stash_slot].gen != r->stash_gen) {
        /* Closed since (the reader shut down): the records carry their
         * places, and nobody will read them now. */
        free_places(r, n - from);
        return 1;
    }
    /* Emptied, the connection is received from again: it is
     * edge-triggered, and what its writer sent meanwhile raised no edge. */
    uint32_t slot = r->stash_slot;
    if (on_records(r, slot, from, n) == 0)
        drain_conn(r, slot);
    return !stash_pending(r);
}

/* Receives what one connection holds; under r->base.mu. */
static void drain_conn(ms_local_reader *r, uint32_t slot)
{
    uint32_t gen = r->conns[slot].gen;
    const unsigned vlen = BATCH;
    for (;;) {
        if (!flush_stash(r))
            return; /* still out of memory: receive nothing more for now */
        int fd = r->conns[slot].fd;
        if (fd < 0 || r->conns[slot].gen != gen)
            return; /* the stash held its end */
        for (unsigned i = 0; i < vlen; i++)
            r->msgs[i].msg_hdr.msg_flags = 0;
        int n = recvmmsg(fd, r->msgs, vlen, MSG_DONTWAIT, NULL);
        if (n < 0 && errno == EINTR)
            continue; /* edge-triggered: stop only once it is drained */
        if (n < 0) {
            if (errno != EAGAIN)
                drop_conn(r, slot);
            return;
        }
        if (on_records(r, slot, 0, (unsigned)n) != 0)
            return;
        if ((unsigned)n < vlen)
            return;
    }
}

/* The doorbell is edge-triggered (open_waiting): whoever takes its edge
 * quiets it. A look that took it (not a read that slept, nor the I/O thread
 * it woke) may have left the sleeper it was meant for asleep, and the
 * writer that rang took the sleeping word: mark the word again for those
 * still sleeping, and ring for what came before it was set. Under
 * r->base.mu, after the rings were looked at. */
static void bell_taken(ms_local_reader *r)
{
    if ((r->io_armed || r->base.waiters > 0) && sleep_mark(r) && !r->ring_stuck)
        ring_self(r);
}

/* Receives from the connections in ev; 1 when the doorbell was among them
 * (then call bell_taken once the rings were looked at). */
static int drain_events(ms_local_reader *r, const struct epoll_event *ev, int n)
{
    int bell = 0;
    for (int i = 0; i < n && !r->base.closed; i++) {
        uint32_t slot = (uint32_t)ev[i].data.u64;
        uint32_t gen = (uint32_t)(ev[i].data.u64 >> 32);
        bell |= slot == DOORBELL_SLOT;
        /* A connection may have closed since epoll_wait named it. */
        if (slot == DOORBELL_SLOT || slot == WAKE_SLOT || slot >= r->conn_cap ||
            r->conns[slot].fd < 0 || r->conns[slot].gen != gen)
            continue;
        drain_conn(r, slot);
    }
    return bell;
}

/* Receives whatever is ready now in the epoll set `set` (ep or cep),
 * without waiting; under r->base.mu. It takes every event the set holds, not
 * only the first EVENTS: the I/O thread watches cep edge-triggered and is
 * not told again of what is left there. */
static void drain_set(ms_local_reader *r, int set)
{
    struct epoll_event ev[EVENTS];
    int n, bell = 0;
    do {
        n = epoll_wait(set, ev, EVENTS, 0);
        if (n > 0)
            bell |= drain_events(r, ev, n);
    } while (n == EVENTS && !r->base.closed);
    drain_rings(r);
    if (bell)
        bell_taken(r);
}

static void drain_now(ms_local_reader *r)
{
    drain_set(r, r->ep);
}

/* Keeps mailslot_fd readable exactly while a message waits; under r->base.mu.
 * While the I/O thread watches cep, it is told of whatever comes there and
 * sets the descriptor itself once it has received it: then only the rings,
 * which tell nobody of a record written while nobody slept, need a look,
 * and that look costs no system call. */
static void sync_notify(ms_local_reader *r)
{
    if (r->notify_fd < 0)
        return;
    if (!has_message(r)) {
        if (r->io_armed)
            drain_rings(r);
        else
            drain_now(r);
    }
    set_eventfd(r->notify_fd, &r->notify_set, has_message(r) || r->ring_stuck);
}

/* ---- I/O thread callbacks ----------------------------------------------- */

static void on_listen_ready(ms_io_source *src)
{
    ms_local_reader *r = src->ctx;
    ms_lock_acquire(&r->base.mu);
    if (!r->base.closed)
        accept_all(r);
    ms_lock_release(&r->base.mu);
}

static void on_queue_ready(ms_io_source *src)
{
    ms_local_reader *r = src->ctx;
    ms_lock_acquire(&r->base.mu);
    /* It stays armed (edge-triggered, iothread.h): a reader that keeps
     * receiving through this thread makes no epoll_ctl per message. A
     * waiting read disarms it; one that woke it just before finds nothing. */
    if (!r->base.closed && r->base.waiters == 0) {
        drain_set(r, r->cep);
        sync_notify(r);
    }
    update_arming(r);
    unlock(r);
}

/* A writer rang: the rings, without a look at the sockets. The writer took
 * the sleeping word, so bell_taken sets it again. */
static void on_bell_ready(ms_io_source *src)
{
    ms_local_reader *r = src->ctx;
    ms_lock_acquire(&r->base.mu);
    if (!r->base.closed && r->base.waiters == 0) {
        drain_rings(r);
        bell_taken(r);
        sync_notify(r);
    }
    unlock(r);
}

/* A tick of the I/O thread (iothread.h) after a read left: a reader idle
 * since the last tick hands its connections to the I/O thread. One that
 * has waited in a read for a whole tick asks again when that read leaves;
 * the thread need not tick meanwhile. */
static int on_queue_later(ms_io_source *src)
{
    ms_local_reader *r = src->ctx;
    int again = 0;
    ms_lock_acquire(&r->base.mu);
    if (!r->base.closed && r->io_deferred) {
        if (r->io_recent) {
            r->io_recent = 0;
            again = 1;
        } else if (r->base.waiters == 0) {
            r->io_deferred = 0;
            update_arming(r);
        }
    }
    unlock(r);
    return again;
}

/* A read leaves. When nobody else reads, the I/O thread is not armed at
 * once but a tick later (io_deferred), and the writers need not ring: the
 * next read looks at the rings before it sleeps. A reader with mailslot_fd
 * arms at once, so that the descriptor says when a message comes. */
static void leave_read(ms_local_reader *r)
{
    if (r->base.waiters == 0 && !r->io_armed && r->notify_fd < 0 && !r->base.closed) {
        r->io_deferred = 1;
        r->io_recent = 1;
        /* Only when set: a store would take the line from the writers,
         * which read it after every record. */
        if (atomic_load_explicit(&r->shared->sleeping, memory_order_relaxed))
            atomic_store(&r->shared->sleeping, 0);
        ms_io_later(&r->src_queue);
    }
    update_arming(r);
}

static void destroy(ms_local_reader *r)
{
    pthread_mutex_lock(&all_mu);
    for (ms_local_reader **p = &all_readers; *p; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            break;
        }
    pthread_mutex_unlock(&all_mu);
    for (uint32_t i = 0; i < r->conn_cap; i++) {
        close_fd(&r->conns[i].fd);
        ms_ring_unmap(&r->conns[i].ring);
    }
    ms_free(r->conns);
    close_fd(&r->listen_fd);
    close_fd(&r->ep);
    close_fd(&r->cep);
    close_fd(&r->wake_fd);
    close_fd(&r->notify_fd);
    close_fd(&r->shm_fd);
    close_fd(&r->doorbell);
    if (r->shared)
        munmap(r->shared, MS_SHARED_SIZE);
    if (r->batch)
        munmap(r->batch, r->batch_bytes);
    ms_queue_destroy(&r->queue);
    ms_netrecv_destroy(&r->recv);
    ms_reader_base_destroy(&r->base);
    ms_free(r);
}

static void unref(ms_local_reader *r)
{
    if (atomic_fetch_sub(&r->refs, 1) == 1)
        destroy(r);
}

static void on_release(ms_io_source *src)
{
    unref(src->ctx);
}

/* A forked child must not use its parent's readers, and must not keep their
 * names or connections alive either: close its copies of their descriptors. */
static void child_after_fork(void)
{
    pthread_mutex_init(&all_mu, NULL);
    for (ms_local_reader *r = all_readers; r; r = r->next) {
        ms_lock_init(&r->base.mu);
        r->base.closed = 1;
        for (uint32_t i = 0; i < r->conn_cap; i++) {
            close_fd(&r->conns[i].fd);
            ms_ring_unmap(&r->conns[i].ring);
        }
        close_fd(&r->listen_fd);
        close_fd(&r->doorbell);
    }
}

static void install_atfork(void)
{
    pthread_atfork(NULL, NULL, child_after_fork);
}

/* ---- the platform interface --------------------------------------------- */

static int open_listener(ms_local_reader *r)
{
    struct sockaddr_un sa;
    socklen_t salen;
    ms_local_address(&r->name, &sa, &salen);
    r->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (r->listen_fd < 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create a socket for %s",
                          r->name.canonical);
    if (bind(r->listen_fd, (struct sockaddr *)&sa, salen) != 0) {
        if (errno == EADDRINUSE)
            return ms_fail(MAILSLOT_E_EXISTS, "a reader already owns %s on this host",
                           r->name.canonical);
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot bind %s", r->name.canonical);
    }
    if (listen(r->listen_fd, SOMAXCONN) != 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot listen on %s", r->name.canonical);
    /* Only now, once connects succeed: writers that found no reader of this
     * name connect again (readerdir.h says why none misses it). */
    return ms_readerdir_announce(&r->name);
}

static int open_shared(ms_local_reader *r)
{
    r->shm_fd = memfd_create("mailslot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (r->shm_fd < 0 || ftruncate(r->shm_fd, MS_SHARED_SIZE) != 0 ||
        fcntl(r->shm_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create the shared page of %s",
                          r->name.canonical);
    void *p = mmap(NULL, MS_SHARED_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r->shm_fd, 0);
    if (p == MAP_FAILED)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot map the shared page of %s",
                          r->name.canonical);
    r->shared = p;
    atomic_init(&r->shared->reserved, 0);
    atomic_init(&r->shared->closed, 0);
    atomic_init(&r->shared->sleeping, 1); /* the I/O thread starts armed */
    atomic_init(&r->shared->freed, 0);
    /* A writer that finds reserved at the limit reads the freed word (the
     * reader's line), so the batch stays well below the limit. */
    uint32_t batch = r->cfg.queue_limit / 16;
    r->freed_batch = batch < 1 ? 1 : batch > FREED_BATCH ? FREED_BATCH : batch;
    return MAILSLOT_OK;
}

static int open_waiting(ms_local_reader *r)
{
    r->ep = epoll_create1(EPOLL_CLOEXEC);
    r->cep = epoll_create1(EPOLL_CLOEXEC);
    r->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    r->doorbell = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = WAKE_SLOT};
    /* Edge-triggered: each ring is a new edge (an eventfd wakes its
     * watchers on every write), so a woken reader need not read it back to
     * quiet it; that saves a system call per sleep. The counter cannot
     * reach its limit: it would take 2^64 - 2 rings. */
    struct epoll_event bell = {.events = EPOLLIN | EPOLLET, .data.u64 = DOORBELL_SLOT};
    if (r->ep < 0 || r->cep < 0 || r->wake_fd < 0 || r->doorbell < 0 ||
        epoll_ctl(r->ep, EPOLL_CTL_ADD, r->wake_fd, &ev) != 0 ||
        epoll_ctl(r->ep, EPOLL_CTL_ADD, r->doorbell, &bell) != 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create the wait set of %s",
                          r->name.canonical);
    /* A slot holds the largest message, or the largest forwarded packet. */
    size_t largest =
        r->cfg.max_message_size > MS_WIRE_MAX_PACKET ? r->cfg.max_message_size : MS_WIRE_MAX_PACKET;
    r->slot_size = largest + MS_DATA_HEADER;
    /* A ring holds the largest record, so that a ring writer never has to
     * send one over the socket, where it could overtake the ring. */
    r->ring_size = ms_ring_size_for((uint32_t)largest);
    r->ring_limits =
        (ms_ring_limits){.max_data = r->cfg.max_message_size, .max_packet = MS_WIRE_MAX_PACKET};
    r->batch_bytes = r->slot_size * BATCH;
    void *b =
        mmap(NULL, r->batch_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (b == MAP_FAILED)
        return ms_fail(MAILSLOT_E_NOMEM, "cannot map receive buffers for %s", r->name.canonical);
    r->batch = b;
    for (int i = 0; i < BATCH; i++) {
        r->iovs[i] =
            (struct iovec){.iov_base = r->batch + i * r->slot_size, .iov_len = r->slot_size};
        r->msgs[i].msg_hdr = (struct msghdr){.msg_iov = &r->iovs[i], .msg_iovlen = 1};
    }
    return MAILSLOT_OK;
}

/* Registers the reader's I/O sources, each holding a reference that its
 * release drops. On failure those registered are removed again. */
static int add_sources(ms_local_reader *r)
{
    ms_io_source *src[] = {&r->src_queue, &r->src_bell, &r->src_listen};
    size_t n = 0;
    int rc = MAILSLOT_OK;
    for (; n < sizeof src / sizeof src[0]; n++) {
        atomic_fetch_add(&r->refs, 1);
        rc = ms_io_add(src[n]);
        if (rc != MAILSLOT_OK) {
            atomic_fetch_sub(&r->refs, 1);
            break;
        }
    }
    if (rc != MAILSLOT_OK && n > 0) {
        ms_lock_acquire(&r->base.mu);
        r->base.closed = 1;
        ms_lock_release(&r->base.mu);
        while (n > 0)
            ms_io_remove(src[--n]);
    }
    return rc;
}

int ms_local_reader_create(const ms_name *name, const ms_reader_config *cfg, ms_local_reader **out)
{
    pthread_once(&atfork_once, install_atfork);
    ms_local_reader *r = ms_calloc(1, sizeof *r);
    if (!r)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory creating %s", name->canonical);
    ms_reader_base_init(&r->base);
    atomic_init(&r->refs, 1);
    r->name = *name;
    r->cfg = *cfg;
    ms_netrecv_init(&r->recv, cfg->auth, r->name.canonical);
    ms_queue_init(&r->queue, cfg->queue_limit);
    r->listen_fd = r->ep = r->cep = r->wake_fd = r->notify_fd = r->shm_fd = r->doorbell = -1;
    pthread_mutex_lock(&all_mu);
    r->next = all_readers;
    all_readers = r;
    if (spare_fd < 0)
        spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    pthread_mutex_unlock(&all_mu);

    int rc = open_listener(r);
    if (rc == MAILSLOT_OK)
        rc = open_shared(r);
    if (rc == MAILSLOT_OK)
        rc = open_waiting(r);
    if (rc != MAILSLOT_OK) {
        destroy(r);
        return rc;
    }
    r->src_listen = (ms_io_source){.fd = r->listen_fd,
                                   .ctx = r,
                                   .armable = 0,
                                   .ready = on_listen_ready,
                                   .release = on_release};
    r->src_queue = (ms_io_source){.fd = r->cep,
                                  .ctx = r,
                                  .armable = 1,
                                  .ready = on_queue_ready,
                                  .release = on_release,
                                  .later = on_queue_later};
    r->src_bell = (ms_io_source){
        .fd = r->doorbell, .ctx = r, .armable = 1, .ready = on_bell_ready, .release = on_release};
    r->io_armed = 1; /* the sources start armed */
    rc = add_sources(r);
    if (rc != MAILSLOT_OK) {
        unref(r);
        return rc;
    }
    *out = r;
    return MAILSLOT_OK;
}

/* Messages come only through the rings (every writer connected said
 * MS_WRITER_RING), and the I/O thread watches the sockets for the rest
 * (ends of connections, queries): a read that looked at the rings need not
 * look at the sockets, a system call per read that finds nothing (a
 * program that polls mailslot_fd reads until then). Under r->base.mu. */
static int rings_only(const ms_local_reader *r)
{
    return r->io_armed && r->conn_socket == 0;
}

/* Takes the oldest message; under r->base.mu, has_message(r). */
static int take(ms_local_reader *r, void *buf, size_t cap, size_t *len)
{
    int rc;
    if (r->queue.count == 0) {
        /* Only the stash has messages, and its first one is a message the
         * queue had no memory for: read it from where it was received. */
        unsigned i = r->stash_next;
        *len = r->msgs[i].msg_len - MS_DATA_HEADER;
        rc = cap < *len ? MAILSLOT_E_BUFFER : MAILSLOT_OK;
        if (rc == MAILSLOT_OK) {
            memcpy(buf, (unsigned char *)r->iovs[i].iov_base + MS_DATA_HEADER, *len);
            r->stash_next++;
            flush_stash(r);
        }
    } else {
        rc = ms_queue_pop(&r->queue, buf, cap, len);
    }
    if (rc == MAILSLOT_OK) {
        free_places(r, 1);
    } else if (rc == MAILSLOT_E_BUFFER) {
        ms_read_too_small(r->name.canonical, *len, cap);
    }
    return rc;
}

int ms_local_reader_read(ms_local_reader *r, void *buf, size_t cap, size_t *len, int32_t timeout_ms)
{
    int64_t deadline = ms_read_deadline(timeout_ms);
    int polled = 0, bell = 0, rc;
    struct epoll_event ev[EVENTS];
    ms_lock_acquire(&r->base.mu);
    uint64_t gen = r->base.interrupt_gen;
    while ((rc = ms_reader_base_ended(&r->base, r->name.canonical, gen)) == MAILSLOT_OK) {
        if (r->queue.count == 0)
            flush_stash(r); /* memory may have come back */
        if (has_message(r)) {
            rc = take(r, buf, cap, len);
            break;
        }
        rc = take_ring(r, buf, cap, len);
        if (rc == MAILSLOT_OK && *len == SIZE_MAX)
            continue; /* a packet went into the queue (or was dropped) */
        if (rc != RING_NONE) {
            if (rc == MAILSLOT_OK)
                free_places(r, 1);
            else
                ms_read_too_small(r->name.canonical, *len, cap);
            break;
        }
        rc = MAILSLOT_OK;
        /* For epoll_wait: 0 looks (once, for a read whose time is up), -1
         * waits for good. A read does not look before it waits: the wait
         * returns at once for what is ready, and costs one call less. */
        int wait = -1;
        if (timeout_ms != MAILSLOT_WAIT_FOREVER) {
            int64_t left = ms_read_left(deadline, timeout_ms);
            if (left <= 0 && polled) {
                rc = ms_read_timed_out(r->name.canonical, timeout_ms);
                break;
            }
            wait = left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
        }
        int n;
        if (wait == 0 && rings_only(r)) {
            n = 0; /* take_ring looked at every ring */
        } else if (wait == 0) {
            n = epoll_wait(r->ep, ev, EVENTS, 0);
        } else {
            /* Wait on the connections ourselves; the I/O thread stays out. */
            r->base.waiters++;
            update_arming(r);
            sync_wake(r);
            if (sleep_mark(r)) {
                n = 0; /* a record came meanwhile: no need to block */
            } else {
                unlock(r);
                n = epoll_wait(r->ep, ev, EVENTS, wait);
                ms_lock_acquire(&r->base.mu);
            }
            if (gen != r->base.interrupt_gen && r->interrupted > 0)
                r->interrupted--; /* this one leaves with MAILSLOT_E_INTERRUPTED */
            r->base.waiters--;
            /* The I/O thread is re-armed only on the way out, after the
             * sockets were drained, or it would wake for what we receive. */
        }
        if (n > 0)
            bell |= drain_events(r, ev, n);
        polled = 1;
    }
    if (bell)
        bell_taken(r);
    sync_notify(r);
    sync_wake(r);
    leave_read(r);
    unlock(r);
    return rc;
}

int ms_local_reader_info(ms_local_reader *r, uint32_t *next_size, uint32_t *count)
{
    ms_lock_acquire(&r->base.mu);
    /* Count what writers have sent, not only what was drained so far. */
    if (!r->base.closed)
        drain_now(r);
    flush_stash(r);
    uint32_t stashed;
    *count = held_messages(r, &stashed);
    if (r->queue.count)
        *next_size = ms_queue_peek_size(&r->queue);
    else if (stashed)
        *next_size = (uint32_t)(r->msgs[r->stash_next].msg_len - MS_DATA_HEADER);
    else
        ring_messages(r, next_size);
    /* What was drained here rang nobody (the doorbell is edge-triggered and
     * this look took its edge): wake a waiting read for it. */
    sync_wake(r);
    unlock(r);
    return MAILSLOT_OK;
}

int ms_local_reader_fd(ms_local_reader *r, intptr_t *fd)
{
    int rc = MAILSLOT_OK;
    ms_lock_acquire(&r->base.mu);
    if (r->notify_fd < 0) {
        r->notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (r->notify_fd < 0)
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create the descriptor of %s",
                            r->name.canonical);
        else
            sync_notify(r);
        /* From now on the I/O thread keeps the descriptor true. */
        r->io_deferred = 0;
        update_arming(r);
    }
    if (rc == MAILSLOT_OK)
        *fd = r->notify_fd;
    unlock(r);
    return rc;
}

void ms_local_reader_interrupt(ms_local_reader *r)
{
    ms_lock_acquire(&r->base.mu);
    r->base.interrupt_gen++;
    r->interrupted = r->base.waiters;
    sync_wake(r);
    ms_lock_release(&r->base.mu);
}

void ms_local_reader_net_counters(ms_local_reader *r, ms_net_counters *out)
{
    ms_reader_base_net_counters(&r->base, out);
}

int ms_local_reader_waiting(ms_local_reader *r)
{
    return ms_reader_base_waiting(&r->base);
}

void ms_local_reader_shutdown(ms_local_reader *r)
{
    if (!ms_reader_base_close(&r->base))
        return;
    atomic_store(&r->shared->closed, 1);
    sync_wake(r);
    /* Whoever polls mailslot_fd wakes, and its next read says closed. */
    set_eventfd(r->notify_fd, &r->notify_set, 1);
    /* Writers see their connection end and reconnect to a new reader. */
    for (uint32_t i = 0; i < r->conn_cap; i++) {
        ring_abandon(&r->conns[i].ring);
        close_fd(&r->conns[i].fd);
    }
    ms_lock_release(&r->base.mu);
    ms_io_remove(&r->src_listen);
    ms_io_remove(&r->src_queue);
    ms_io_remove(&r->src_bell);
    ms_lock_acquire(&r->base.mu);
    close_fd(&r->listen_fd); /* the name is free from here on */
    ms_lock_release(&r->base.mu);
    ms_readerdir_announce(&r->name); /* only prompts a connect: its failure loses nothing */
}

void ms_local_reader_release(ms_local_reader *r)
{
    unref(r);
}
