/* SPDX-License-Identifier: MIT */
/* bridgefeed.c -- a writer's copy of its packets for a bridge on this host
 * (os.h, ms_plat_bridge_feed).
 *
 * Each process has one AF_UNIX SOCK_SEQPACKET connection to the bridge's
 * name (bridgefeed.h), made at its first packet when a bridge listens. A
 * connection, not datagrams to a name: a datagram socket's queue at the
 * bridge holds net.unix.max_dgram_qlen datagrams from all writers (10 by
 * default), where a connection holds a send buffer of each writer's own.
 *
 * Writers on other threads may be sending on the descriptor at any moment,
 * so it is never closed under them (its number could name another file by
 * then): a new connection, when the bridge has come back, takes the same
 * number (dup3), and a send on the old one fails harmlessly. Senders read
 * `connected` only; one thread at a time (`looking`) connects. */
#define _GNU_SOURCE
#include "linux/bridgefeed.h"
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOOK_EVERY_MS 1000   /* how often a process without a bridge looks again */
#define SNDBUF (1024 * 1024) /* asked for; the kernel caps it (net.core.wmem_max) */

static struct {
    atomic_int fd;           /* -1 until a bridge was found */
    atomic_int connected;    /* fd is connected to a bridge that was there */
    atomic_flag looking;     /* held by the one thread that connects */
    _Atomic int64_t next_ms; /* no look before this (ms_plat_monotonic_ms) */
    _Atomic uint16_t port;   /* the port of the first packet: the one fed */
} feed = {.fd = -1, .looking = ATOMIC_FLAG_INIT};

static pthread_once_t once = PTHREAD_ONCE_INIT;

/* A child forked while a thread of its parent was looking would never look
 * again: that thread does not exist in the child. */
static void child_after_fork(void)
{
    atomic_flag_clear(&feed.looking);
}

static void init(void)
{
    pthread_atfork(NULL, NULL, child_after_fork);
}

void ms_bridge_feed_address(uint16_t port, struct sockaddr_un *sa, socklen_t *len)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    int n =
        snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1, "mailslot-bridge/%u", (unsigned)port);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

/* Connects the feed to this host's bridge, if one listens: 1 when it did.
 * The caller holds feed.looking. */
static int look(uint16_t port)
{
    struct sockaddr_un sa;
    socklen_t salen;
    ms_bridge_feed_address(port, &sa, &salen);
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0)
        return 0;
    int sndbuf = SNDBUF;
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (connect(s, (struct sockaddr *)&sa, salen) != 0) {
        close(s);
        return 0;
    }
    int fd = atomic_load(&feed.fd);
    if (fd < 0) {
        atomic_store(&feed.fd, s);
    } else {
        int rc = dup3(s, fd, O_CLOEXEC);
        close(s);
        if (rc < 0)
            return 0;
    }
    atomic_store_explicit(&feed.connected, 1, memory_order_release);
    return 1;
}

void ms_plat_bridge_feed(uint16_t port, const unsigned char *packet, size_t len)
{
    pthread_once(&once, init);
    uint16_t fed = atomic_load_explicit(&feed.port, memory_order_relaxed);
    if (fed == 0 && atomic_compare_exchange_strong(&feed.port, &fed, port))
        fed = port;
    if (fed != port)
        return; /* a second port in one process: only the first is fed */
    if (!atomic_load_explicit(&feed.connected, memory_order_acquire)) {
        int64_t now = ms_plat_monotonic_ms();
        if (now < atomic_load(&feed.next_ms) || atomic_flag_test_and_set(&feed.looking))
            return;
        int found = look(port);
        atomic_store(&feed.next_ms, now + LOOK_EVERY_MS);
        atomic_flag_clear(&feed.looking);
        if (!found)
            return;
    }
    /* A full send buffer drops this copy, as a full receive buffer drops a
     * datagram of the LAN; any other failure means the bridge went away. */
    if (send(atomic_load(&feed.fd), packet, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
        errno != EAGAIN && errno != EWOULDBLOCK)
        atomic_store(&feed.connected, 0);
}

void ms_bridge_feed_look_now_for_testing(void)
{
    atomic_store(&feed.next_ms, 0);
}

void ms_bridge_feed_reset_for_testing(void)
{
    atomic_store(&feed.connected, 0);
    atomic_store(&feed.port, 0);
    atomic_store(&feed.next_ms, 0);
}
