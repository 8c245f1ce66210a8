/* SPDX-License-Identifier: MIT */
/* writer.c -- a local writer on Linux: one SEQPACKET connection to the
 * reader, no thread. Writes never wait for a full or stopped reader: a place
 * in the reader's queue is reserved first (local.h), and only a writer that
 * holds a place waits, briefly, for kernel buffer space the reader is
 * draining.
 *
 * When the reader offers a ring (local.h, ring.h), every record goes
 * through it instead: no syscall per message unless the reader sleeps
 * (the doorbell) or the ring is full (a futex wait for space, as long as
 * the wait for socket buffer space would be).
 *
 * POSIX sockets, poll and mmap, with SOCK_CLOEXEC and MSG_NOSIGNAL (Linux
 * and the BSDs); the addresses are address.c's, the ring and futex ring.c's
 * (Linux only); CLOCK_MONOTONIC_COARSE (Linux; FreeBSD has CLOCK_MONOTONIC_FAST). */
#define _GNU_SOURCE
#include "alloc.h"
#include "error.h"
#include "os.h"
#include "transport.h"
#include "linux/local.h"
#include "linux/readerdir.h"
#include "linux/ring.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

/* How long a connecting writer waits for the reader's HELLO. The reader's I/O
 * thread answers in microseconds; this only bounds a hung reader process. */
#define HELLO_TIMEOUT_MS 5000
/* How long a writer holding a queue place waits for kernel buffer space
 * before it reports the reader as not taking messages. */
#define STALL_MS 2000
/* How often a ring writer asks the kernel whether its reader still lives. A
 * reader that dies without closing leaves no mark on the ring, and writes
 * into it cost no system call: without this they would succeed until the
 * ring filled. A writer that writes less often than this asks every time
 * (the same as a socket's EPIPE on the next send); one that writes faster
 * learns it within this many milliseconds, for one poll() each. */
#define LIVENESS_MS 100

/* send_once's results beside the MAILSLOT_E_* codes. */
enum { SENT = MAILSLOT_OK, RECONNECT = 1 };

struct ms_local_writer {
    pthread_mutex_t mu; /* serialises writes */
    ms_name name;
    int require_reader;
    int fd;     /* -1: not connected */
    int spare;  /* a socket whose connect found no reader, for the next try; or -1 */
    int absent; /* no reader while the directory of readers stays at absent_mark */
    ms_readerdir_mark absent_mark;
    ms_shared *shared;
    uint32_t max_message_size;
    uint32_t queue_limit;
    int stalled;       /* the last wait for buffer space timed out */
    ms_ring ring;      /* ring.map NULL: records go over the socket */
    int doorbell;      /* the reader's eventfd, with the ring; or -1 */
    unsigned fork_gen; /* fork_gen when connected */
    int64_t alive_ms;  /* when the reader was last known to live (ring writers) */
};

static _Atomic int liveness_ms = LIVENESS_MS;

int ms_local_writer_set_liveness_ms(int ms)
{
    return atomic_exchange(&liveness_ms, ms);
}

/* The coarse monotonic clock in milliseconds: a read of the vDSO's page,
 * several times cheaper than the precise clock, and precise enough for
 * LIVENESS_MS (a tick, 1 to 10 ms). */
static int64_t coarse_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Counts forks in children. A ring has one producer: a forked child that
 * inherited a connection must not append to its parent's ring, so it
 * connects anew (a socket could be shared, a ring cannot). */
static _Atomic unsigned fork_gen;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void child_after_fork(void)
{
    atomic_fetch_add(&fork_gen, 1);
}

static void install_atfork(void)
{
    pthread_atfork(NULL, NULL, child_after_fork);
}

static void disconnect(ms_local_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    if (w->shared)
        munmap(w->shared, MS_SHARED_SIZE);
    if (w->doorbell >= 0)
        close(w->doorbell);
    ms_ring_unmap(&w->ring);
    w->fd = w->doorbell = -1;
    w->shared = NULL;
}

static int no_reader(ms_local_writer *w)
{
    return ms_fail(MAILSLOT_E_NOT_FOUND, "no reader owns %s", w->name.canonical);
}

/* Takes the memfd of a HELLO and maps it; the mapping outlives the fd. */
static int map_shared(ms_local_writer *w, struct msghdr *msg)
{
    int memfd = ms_local_passed_fd(msg);
    if (memfd < 0)
        return ms_fail(MAILSLOT_E_SYSTEM, "the reader of %s sent no shared page",
                       w->name.canonical);
    int rc = MAILSLOT_OK;
    /* A page that can shrink could make our access fault: insist on seals. */
    int seals = fcntl(memfd, F_GET_SEALS);
    if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
        rc =
            ms_fail(MAILSLOT_E_SYSTEM, "the reader of %s sent an unsealed page", w->name.canonical);
    } else {
        void *p = mmap(NULL, MS_SHARED_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
        if (p == MAP_FAILED)
            rc = ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot map the shared page of %s",
                            w->name.canonical);
        else
            w->shared = p;
    }
    close(memfd);
    return rc;
}

/* Takes the RING record that follows a HELLO offering one. A ring that
 * cannot be mapped is left alone: records then go over the socket, which
 * the reader also takes. */
static int read_ring(ms_local_writer *w)
{
    struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
    if (poll(&pfd, 1, HELLO_TIMEOUT_MS) != 1)
        return ms_fail(MAILSLOT_E_SYSTEM, "the reader of %s did not send its ring within %d ms",
                       w->name.canonical, HELLO_TIMEOUT_MS);
    unsigned char rec[MS_RING_RECORD_SIZE + 1];
    struct iovec iov = {.iov_base = rec, .iov_len = sizeof rec};
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t got = recvmsg(w->fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    int fds[2] = {-1, -1};
    int passed = got > 0 ? ms_local_passed_fds(&msg, fds, 2) : -1;
    if (got != MS_RING_RECORD_SIZE || rec[0] != MS_REC_RING || passed != 0) {
        if (passed == 0) {
            close(fds[0]);
            close(fds[1]);
        }
        return ms_fail(MAILSLOT_E_SYSTEM, "the reader of %s sent no ring after offering one",
                       w->name.canonical);
    }
    uint32_t size;
    memcpy(&size, rec + 4, sizeof size);
    if (ms_ring_map(fds[0], size, &w->ring) == 0) {
        w->ring.pos = atomic_load(&w->ring.hdr->tail);
        w->ring.other = atomic_load(&w->ring.hdr->head);
        w->doorbell = fds[1];
    } else {
        close(fds[1]);
    }
    close(fds[0]);
    return MAILSLOT_OK;
}

/* Tells the reader that this writer reads the freed word (local.h). If it
 * cannot be sent, the reader keeps giving places back at once: slower,
 * never wrong. */
static void say_features(ms_local_writer *w)
{
    unsigned char rec[MS_FEATURES_RECORD_SIZE] = {MS_REC_FEATURES, 0, 0, 0};
    uint32_t features = MS_WRITER_FREED | (w->ring.map ? MS_WRITER_RING : 0u);
    memcpy(rec + MS_DATA_HEADER, &features, sizeof features);
    ms_local_send_record(w->fd, rec, sizeof rec, -1);
}

static int read_hello(ms_local_writer *w)
{
    struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
    int n = poll(&pfd, 1, HELLO_TIMEOUT_MS);
    if (n == 0)
        return ms_fail(MAILSLOT_E_SYSTEM, "the reader of %s did not answer within %d ms",
                       w->name.canonical, HELLO_TIMEOUT_MS);
    ms_hello h;
    struct iovec iov = {.iov_base = &h, .iov_len = sizeof h};
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } u;
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
    ssize_t got = n < 0 ? -1 : recvmsg(w->fd, &msg, MSG_CMSG_CLOEXEC);
    int rc = ms_local_check_hello(&w->name, &h, got);
    if (rc == MAILSLOT_OK) {
        rc = map_shared(w, &msg);
        if (rc == MAILSLOT_OK && (h.features & MS_HELLO_RING))
            rc = read_ring(w);
        if (rc == MAILSLOT_OK && (h.features & MS_HELLO_FREED))
            say_features(w);
    } else if (got > 0) {
        int passed = ms_local_passed_fd(&msg);
        if (passed >= 0)
            close(passed);
    }
    w->max_message_size = h.max_message_size;
    w->queue_limit = h.queue_limit;
    return rc;
}

static int connect_reader(ms_local_writer *w)
{
    /* A writer that needs no reader (of "*") connects only when a reader of
     * its name may have appeared since its last refused connect: the
     * generations are read before the connect (readerdir.h). */
    if (w->absent && ms_readerdir_unchanged(&w->name, &w->absent_mark))
        return no_reader(w);
    ms_readerdir_mark mark = {0};
    int watched = !w->require_reader && ms_readerdir_mark_now(&w->name, &mark);
    w->absent = 0;
    struct sockaddr_un sa;
    socklen_t salen;
    ms_local_address(&w->name, &sa, &salen);
    /* A writer of "*" with no reader on this host tries again when the
     * directory allows it (on every write without one): a socket whose
     * connect was refused stays unconnected and can try again, which saves a
     * socket and a close each time. */
    w->fd = w->spare >= 0 ? w->spare : socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    w->spare = -1;
    if (w->fd < 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create a socket for %s",
                          w->name.canonical);
    int rc;
    if (connect(w->fd, (struct sockaddr *)&sa, salen) != 0) {
        int err = errno;
        rc = ms_local_connect_failed(&w->name, err, HELLO_TIMEOUT_MS);
        if (err == ECONNREFUSED || err == ENOENT) {
            w->spare = w->fd;
            w->fd = -1;
            w->absent = watched;
            w->absent_mark = mark;
        }
    } else {
        rc = read_hello(w);
    }
    if (rc != MAILSLOT_OK) {
        disconnect(w);
    } else {
        w->stalled = 0;
        w->fork_gen = atomic_load(&fork_gen);
        w->alive_ms = coarse_ms();
    }
    return rc;
}

static int reserve(ms_local_writer *w)
{
    int got = ms_shared_take(w->shared, w->queue_limit);
    if (got == MS_TAKE_BUSY) {
        /* The reader is moving freed places: a few of its instructions,
         * unless it was stopped right there; then, like a reader that takes
         * no messages, it is full after STALL_MS. */
        int64_t start = coarse_ms();
        while ((got = ms_shared_take(w->shared, w->queue_limit)) == MS_TAKE_BUSY &&
               coarse_ms() - start < STALL_MS)
            sched_yield();
    }
    if (got == MS_TAKE_BUSY)
        return ms_fail(MAILSLOT_E_FULL, "the reader of %s is not taking messages",
                       w->name.canonical);
    if (got != MS_TAKE_OK)
        return ms_fail(MAILSLOT_E_FULL, "the queue of %s holds its limit of %u messages",
                       w->name.canonical, w->queue_limit);
    return MAILSLOT_OK;
}

/* The reader closed, dropped us, or died: a ring nobody reads. What a
 * reader that died had not taken is lost, as its socket's buffer would have
 * been. */
static int gone(ms_local_writer *w)
{
    if (atomic_load(&w->shared->closed) || atomic_load(&w->ring.hdr->dropped))
        return 1;
    struct pollfd pfd = {.fd = w->fd, .events = POLLIN};
    return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLERR));
}

/* gone(), asked of the kernel at most every liveness_ms (LIVENESS_MS). */
static int reader_died(ms_local_writer *w)
{
    int64_t now = coarse_ms();
    if (now - w->alive_ms < atomic_load_explicit(&liveness_ms, memory_order_relaxed))
        return 0;
    w->alive_ms = now;
    return gone(w);
}

/* Waits, at most STALL_MS, until the ring has need bytes free. 1 when
 * they are. */
static int ring_wait(ms_local_writer *w, uint64_t need)
{
    ms_ring *g = &w->ring;
    ms_ring_header *h = g->hdr;
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        atomic_store(&h->waiting, 1);
        atomic_thread_fence(memory_order_seq_cst);
        uint64_t head = atomic_load_explicit(&h->head, memory_order_acquire);
        g->other = head;
        if (g->size - (g->pos - head) >= need)
            return 1;
        if (gone(w))
            return 0;
        clock_gettime(CLOCK_MONOTONIC, &now);
        int64_t spent =
            (int64_t)(now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (spent >= STALL_MS)
            return 0;
        /* The reader moves head, then wakes the word if waiting is set. */
        ms_ring_futex_wait(ms_ring_head_word(h), (uint32_t)head, (int)(STALL_MS - spent));
    }
}

/* Appends one record to the ring and publishes it; rings the doorbell when
 * the reader said it sleeps. 0, or -1 when the ring stayed full. */
static int ring_append(ms_local_writer *w, int type, const void *data, size_t len)
{
    ms_ring *g = &w->ring;
    uint64_t need = ms_ring_record_size(len);
    /* The cached head first: the common case reads no line the reader writes. */
    if (g->size - (g->pos - g->other) < need) {
        g->other = atomic_load_explicit(&g->hdr->head, memory_order_acquire);
        if (g->size - (g->pos - g->other) < need && (w->stalled || !ring_wait(w, need)))
            return -1;
    }
    unsigned char *rec = g->data + (g->pos & (g->size - 1));
    uint32_t n = (uint32_t)len;
    unsigned char header[MS_RING_REC_HEADER] = {0, 0, 0, 0, (unsigned char)type, 0, 0, 0};
    memcpy(header, &n, sizeof n);
    memcpy(rec, header, sizeof header);
    if (len)
        memcpy(rec + MS_RING_REC_HEADER, data, len);
    g->pos += need;
    atomic_store_explicit(&g->hdr->tail, g->pos, memory_order_release);
    /* Pairs with the reader's fence between setting sleeping and looking at
     * tail: one of the two sees the other. */
    atomic_thread_fence(memory_order_seq_cst);
    if (atomic_load_explicit(&w->shared->sleeping, memory_order_relaxed) &&
        atomic_exchange(&w->shared->sleeping, 0)) {
        uint64_t one = 1;
        ssize_t r = write(w->doorbell, &one, sizeof one);
        (void)r; /* an eventfd only refuses at 2^64 - 1 unread rings */
    }
    return 0;
}

/* send_once over the ring. */
static int ring_send(ms_local_writer *w, int type, const void *data, size_t len, int reserved)
{
    if (ring_append(w, type, data, len) == 0) {
        w->stalled = 0;
        return SENT;
    }
    if (reserved)
        ms_shared_give(w->shared, 1);
    if (gone(w))
        return RECONNECT;
    w->stalled = 1;
    return ms_fail(MAILSLOT_E_FULL, "the reader of %s is not taking messages", w->name.canonical);
}

/* Sends one record over a connected socket: a DATA record holds a queue
 * place taken here; a PACKET record (a network packet) takes its place at the
 * reader, which drops and counts it when the queue is full. Returns SENT,
 * RECONNECT (the reader has gone) or a MAILSLOT_E_* code. */
static int send_once(ms_local_writer *w, int type, const void *data, size_t len)
{
    if (type == MS_REC_DATA && len > w->max_message_size)
        return ms_fail(MAILSLOT_E_TOO_BIG,
                       "a message of %zu bytes exceeds the limit of %u set by the reader of %s",
                       len, w->max_message_size, w->name.canonical);
    if (atomic_load(&w->shared->closed))
        return RECONNECT;
    if (w->ring.map &&
        (atomic_load_explicit(&w->ring.hdr->dropped, memory_order_relaxed) || reader_died(w)))
        return RECONNECT;
    int reserved = type == MS_REC_DATA;
    if (w->ring.map && ms_ring_record_size(len) > w->ring.size)
        return ms_fail(MAILSLOT_E_TOO_BIG, "a record of %zu bytes does not fit the ring of %s", len,
                       w->name.canonical);
    if (reserved && reserve(w) != MAILSLOT_OK)
        return MAILSLOT_E_FULL;
    if (w->ring.map)
        return ring_send(w, type, data, len, reserved);
    unsigned char header[MS_DATA_HEADER] = {(unsigned char)type, 0, 0, 0};
    struct iovec iov[2] = {{.iov_base = header, .iov_len = sizeof header},
                           {.iov_base = (void *)data, .iov_len = len}};
    struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
    for (;;) {
        if (sendmsg(w->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) {
            w->stalled = 0;
            return SENT;
        }
        int err = errno;
        if (err == EPIPE || err == ECONNRESET || err == ENOTCONN || err == ECONNREFUSED)
            return RECONNECT; /* the page belonged to the old reader: nothing to give back */
        if (err == EINTR)
            continue;
        if (err == EAGAIN && !w->stalled) {
            /* The reader drains its connections whenever it runs (even with a
             * full queue), so a full socket means a busy or stopped process. */
            struct pollfd pfd = {.fd = w->fd, .events = POLLOUT};
            if (poll(&pfd, 1, STALL_MS) > 0)
                continue;
            w->stalled = 1;
        }
        if (reserved)
            ms_shared_give(w->shared, 1);
        if (err == EAGAIN)
            return ms_fail(MAILSLOT_E_FULL, "the reader of %s is not taking messages",
                           w->name.canonical);
        return ms_fail_os(MAILSLOT_E_SYSTEM, err, "cannot send to %s", w->name.canonical);
    }
}

int ms_local_writer_open(const ms_name *name, int require_reader, ms_local_writer **out)
{
    ms_local_writer *w = ms_calloc(1, sizeof *w);
    if (!w)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory opening %s", name->canonical);
    pthread_once(&atfork_once, install_atfork);
    pthread_mutex_init(&w->mu, NULL);
    w->name = *name;
    w->require_reader = require_reader;
    w->fd = w->spare = w->doorbell = -1;
    int rc = require_reader ? connect_reader(w) : MAILSLOT_OK;
    if (rc != MAILSLOT_OK) {
        ms_local_writer_close(w);
        return rc;
    }
    *out = w;
    return MAILSLOT_OK;
}

static int write_record(ms_local_writer *w, int type, const void *data, size_t len)
{
    pthread_mutex_lock(&w->mu);
    if (w->fd >= 0 && w->fork_gen != atomic_load(&fork_gen))
        disconnect(w); /* our parent's connection: its ring has one producer */
    int rc = w->fd >= 0 ? MAILSLOT_OK : connect_reader(w);
    if (rc == MAILSLOT_OK)
        rc = send_once(w, type, data, len);
    if (rc == RECONNECT) {
        /* The reader went away; a new one may own the name now. */
        disconnect(w);
        rc = connect_reader(w);
        if (rc == MAILSLOT_OK)
            rc = send_once(w, type, data, len);
        if (rc == RECONNECT) {
            disconnect(w);
            rc = no_reader(w);
        }
    }
    pthread_mutex_unlock(&w->mu);
    return rc;
}

int ms_local_writer_write(ms_local_writer *w, const void *data, size_t len)
{
    return write_record(w, MS_REC_DATA, data, len);
}

int ms_local_writer_send_packet(ms_local_writer *w, const void *packet, size_t len,
                                const void *data, size_t data_len)
{
    (void)data; /* the reader opens the packet (netrecv.c) */
    (void)data_len;
    return write_record(w, MS_REC_PACKET, packet, len);
}

void ms_local_writer_close(ms_local_writer *w)
{
    disconnect(w);
    if (w->spare >= 0)
        close(w->spare);
    pthread_mutex_destroy(&w->mu);
    ms_free(w);
}
