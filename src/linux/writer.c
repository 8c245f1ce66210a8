/* SPDX-License-Identifier: MIT */
/* writer.c -- a local writer on Linux: one SEQPACKET connection to the
 * reader, no thread. Writes never wait for a full or stopped reader: a place
 * in the reader's queue is reserved first (local.h), and only a writer that
 * holds a place waits, briefly, for kernel buffer space the reader is
 * draining.
 *
 * POSIX sockets, poll and mmap, with SOCK_CLOEXEC and MSG_NOSIGNAL (Linux
 * and the BSDs); the addresses are address.c's (Linux only). */
#define _GNU_SOURCE
#include "alloc.h"
#include "error.h"
#include "transport.h"
#include "linux/local.h"
#include "linux/readerdir.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* How long a connecting writer waits for the reader's HELLO. The reader's I/O
 * thread answers in microseconds; this only bounds a hung reader process. */
#define HELLO_TIMEOUT_MS 5000
/* How long a writer holding a queue place waits for kernel buffer space
 * before it reports the reader as not taking messages. */
#define STALL_MS 2000

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
    int stalled; /* the last wait for buffer space timed out */
};

static void disconnect(ms_local_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    if (w->shared)
        munmap(w->shared, MS_SHARED_SIZE);
    w->fd = -1;
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
    if (rc != MAILSLOT_OK)
        disconnect(w);
    else
        w->stalled = 0;
    return rc;
}

static int reserve(ms_local_writer *w)
{
    if (!ms_shared_take(w->shared, w->queue_limit))
        return ms_fail(MAILSLOT_E_FULL, "the queue of %s holds its limit of %u messages",
                       w->name.canonical, w->queue_limit);
    return MAILSLOT_OK;
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
    int reserved = type == MS_REC_DATA;
    if (reserved && reserve(w) != MAILSLOT_OK)
        return MAILSLOT_E_FULL;
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
    pthread_mutex_init(&w->mu, NULL);
    w->name = *name;
    w->require_reader = require_reader;
    w->fd = w->spare = -1;
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
