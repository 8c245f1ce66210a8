/* SPDX-License-Identifier: MIT */
/* transport_unix.c -- raw AF_UNIX sockets in the abstract namespace, blocking,
 * with the kernel's default buffer sizes: the floor a mailslot is measured
 * against.
 *   SOCK_DGRAM:     the inbox is a bound socket; a sender is a socket
 *                   connected to it.
 *   SOCK_SEQPACKET: the inbox listens and accepts one connection (on its
 *                   first receive); a sender connects.
 *   socketpair:     one SOCK_SEQPACKET pair made before the fork; each
 *                   process's end is its inbox and its way to the other.
 *   seqpacket+epoll the fan-in inbox: it accepts every sender and reads the
 *                   connections that epoll finds ready, in turn. */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct unix_ep {
    int type;
    int fd;        /* the socket messages come from or go to; -1: not accepted yet */
    int listen_fd; /* SEQPACKET inbox only */
    /* The epoll inbox only: its connections, and those epoll found ready
     * that were not read empty yet (read in turn, one message each). */
    int epfd;
    int conn[BENCH_MAX_WRITERS], nconn;
    int ready[BENCH_MAX_WRITERS + 1], nready, next;
} unix_ep;

/* addr is "@name": the name in the abstract namespace. */
static socklen_t abstract_address(const char *addr, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    size_t n = strlen(addr + 1);
    if (n > sizeof sa->sun_path - 1)
        n = sizeof sa->sun_path - 1;
    memcpy(sa->sun_path + 1, addr + 1, n);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

static void dgram_make_addr(char *addr, char *file, const char *dir, const char *tag)
{
    (void)dir;
    snprintf(addr, BENCH_ADDR_MAX, "@mailslot-bench/%s/dgram", tag);
    file[0] = '\0';
}

static void seqpacket_make_addr(char *addr, char *file, const char *dir, const char *tag)
{
    (void)dir;
    snprintf(addr, BENCH_ADDR_MAX, "@mailslot-bench/%s/seqpacket", tag);
    file[0] = '\0';
}

static unix_ep *new_ep(int type)
{
    unix_ep *e = malloc(sizeof *e);
    if (!e) {
        bench_fail("out of memory");
        return NULL;
    }
    e->type = type;
    e->fd = -1;
    e->listen_fd = -1;
    e->epfd = -1;
    e->nconn = e->nready = e->next = 0;
    return e;
}

static void close_ep(void *p)
{
    unix_ep *e = p;
    if (e->fd >= 0)
        close(e->fd);
    if (e->listen_fd >= 0)
        close(e->listen_fd);
    if (e->epfd >= 0)
        close(e->epfd);
    for (int i = 0; i < e->nconn; i++)
        close(e->conn[i]);
    free(e);
}

static int unix_listen(int type, const char *addr, void **rx)
{
    unix_ep *e = new_ep(type);
    if (!e)
        return -1;
    struct sockaddr_un sa;
    socklen_t salen = abstract_address(addr, &sa);
    int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, salen) != 0 ||
        (type == SOCK_SEQPACKET && listen(fd, 16) != 0)) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        free(e);
        return bench_fail("cannot bind %s: %s", addr, strerror(err));
    }
    if (type == SOCK_SEQPACKET)
        e->listen_fd = fd;
    else
        e->fd = fd;
    *rx = e;
    return 0;
}

static int unix_connect(int type, const char *addr, void **tx)
{
    unix_ep *e = new_ep(type);
    if (!e)
        return -1;
    struct sockaddr_un sa;
    socklen_t salen = abstract_address(addr, &sa);
    e->fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (e->fd < 0 || connect(e->fd, (struct sockaddr *)&sa, salen) != 0) {
        int err = errno;
        close_ep(e);
        return bench_fail("cannot connect to %s: %s", addr, strerror(err));
    }
    *tx = e;
    return 0;
}

static int dgram_listen(const char *addr, size_t max_size, void **rx)
{
    (void)max_size;
    return unix_listen(SOCK_DGRAM, addr, rx);
}

static int seqpacket_listen(const char *addr, size_t max_size, void **rx)
{
    (void)max_size;
    return unix_listen(SOCK_SEQPACKET, addr, rx);
}

static int dgram_connect(const char *addr, void **tx)
{
    return unix_connect(SOCK_DGRAM, addr, tx);
}

static int seqpacket_connect(const char *addr, void **tx)
{
    return unix_connect(SOCK_SEQPACKET, addr, tx);
}

static int unix_send(void *tx, const void *buf, size_t len, uint64_t *retries)
{
    (void)retries; /* a blocking socket waits instead of failing */
    unix_ep *e = tx;
    for (;;) {
        ssize_t n = send(e->fd, buf, len, MSG_NOSIGNAL);
        if (n == (ssize_t)len)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        return bench_fail("send: %s", n < 0 ? strerror(errno) : "short send");
    }
}

/* Receives one message from fd; with MSG_DONTWAIT in flags, returns 1 when
 * there is none. */
static int recv_one(int fd, int type, int flags, void *buf, size_t cap, size_t *len)
{
    for (;;) {
        ssize_t n = recv(fd, buf, cap, MSG_TRUNC | flags);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (flags & MSG_DONTWAIT) && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 1;
        if (n < 0)
            return bench_fail("recv: %s", strerror(errno));
        if (n == 0 && type == SOCK_SEQPACKET)
            return bench_fail("recv: the sender closed the connection");
        if ((size_t)n > cap)
            return bench_fail("recv: a %zd-byte message was truncated", n);
        *len = (size_t)n;
        return 0;
    }
}

static int unix_recv(void *rx, void *buf, size_t cap, size_t *len)
{
    unix_ep *e = rx;
    if (e->fd < 0) {
        e->fd = accept4(e->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (e->fd < 0)
            return bench_fail("accept: %s", strerror(errno));
    }
    return recv_one(e->fd, e->type, 0, buf, cap, len);
}

/* ---- socketpair ---------------------------------------------------------- */

/* Made by the parent before the fork: both processes inherit both ends. */
static int pair[2] = {-1, -1};

static int pair_prepare(void)
{
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0)
        return bench_fail("socketpair: %s", strerror(errno));
    return 0;
}

static void pair_finish(void)
{
    for (int i = 0; i < 2; i++)
        if (pair[i] >= 0)
            close(pair[i]);
    pair[0] = pair[1] = -1;
}

static void pair_make_addr(char *addr, char *file, const char *dir, const char *tag)
{
    (void)dir;
    /* The tag ends in the side: 'a' (end 0) or 'b' (end 1). */
    snprintf(addr, BENCH_ADDR_MAX, "socketpair:%c", tag[strlen(tag) - 1]);
    file[0] = '\0';
}

/* The end of the pair a side's inbox is (other = 0), or that the side
 * sends to the other's inbox from (other = 1), as a descriptor of its own so
 * that the inbox and the sender close apart. */
static int pair_end(const char *addr, int other, void **out)
{
    int end = (addr[strlen(addr) - 1] == 'b') != other;
    unix_ep *e = new_ep(SOCK_SEQPACKET);
    if (!e)
        return -1;
    e->fd = fcntl(pair[end], F_DUPFD_CLOEXEC, 0);
    if (e->fd < 0) {
        int err = errno;
        free(e);
        return bench_fail("cannot use the socketpair: %s", strerror(err));
    }
    *out = e;
    return 0;
}

static int pair_listen(const char *addr, size_t max_size, void **rx)
{
    (void)max_size;
    return pair_end(addr, 0, rx);
}

static int pair_connect(const char *addr, void **tx)
{
    return pair_end(addr, 1, tx);
}

/* ---- the fan-in inbox: accept and epoll ----------------------------------- */

static int epoll_listen(const char *addr, size_t max_size, void **rx)
{
    (void)max_size;
    if (unix_listen(SOCK_SEQPACKET, addr, rx) != 0)
        return -1;
    unix_ep *e = *rx;
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = e->listen_fd};
    e->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (e->epfd < 0 || epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->listen_fd, &ev) != 0) {
        int err = errno;
        close_ep(e);
        return bench_fail("epoll: %s", strerror(err));
    }
    return 0;
}

static int epoll_accept(unix_ep *e)
{
    if (e->nconn == BENCH_MAX_WRITERS)
        return bench_fail("more than %d senders", BENCH_MAX_WRITERS);
    int fd = accept4(e->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return bench_fail("accept: %s", strerror(errno));
    e->conn[e->nconn++] = fd;
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
    if (epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) != 0)
        return bench_fail("epoll_ctl: %s", strerror(errno));
    return 0;
}

/* Reads the ready connections in turn, one message each, dropping those read
 * empty; waits in epoll_wait (level-triggered) only when none is left. */
static int epoll_recv(void *rx, void *buf, size_t cap, size_t *len)
{
    unix_ep *e = rx;
    for (;;) {
        while (e->nready > 0) {
            int i = e->next % e->nready;
            int fd = e->ready[i];
            int rc = fd == e->listen_fd ? (epoll_accept(e) == 0 ? 1 : -1)
                                        : recv_one(fd, SOCK_SEQPACKET, MSG_DONTWAIT, buf, cap, len);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                e->next = i + 1;
                return 0;
            }
            e->ready[i] = e->ready[--e->nready];
            e->next = i;
        }
        struct epoll_event ev[BENCH_MAX_WRITERS + 1];
        int n = epoll_wait(e->epfd, ev, BENCH_MAX_WRITERS + 1, -1);
        if (n < 0 && errno != EINTR)
            return bench_fail("epoll_wait: %s", strerror(errno));
        for (int i = 0; i < n; i++)
            e->ready[e->nready++] = ev[i].data.fd;
        e->next = 0;
    }
}

const bench_transport bench_unix_dgram = {
    .name = "unix dgram",
    .note = "raw AF_UNIX SOCK_DGRAM, blocking, abstract namespace, default buffers",
    .make_addr = dgram_make_addr,
    .listen = dgram_listen,
    .connect = dgram_connect,
    .send = unix_send,
    .recv = unix_recv,
    .close_rx = close_ep,
    .close_tx = close_ep,
    .raw = 1,
};

const bench_transport bench_unix_seqpacket = {
    .name = "unix seqpacket",
    .note = "raw AF_UNIX SOCK_SEQPACKET, blocking, abstract namespace, one connection, default "
            "buffers",
    .make_addr = seqpacket_make_addr,
    .listen = seqpacket_listen,
    .connect = seqpacket_connect,
    .send = unix_send,
    .recv = unix_recv,
    .close_rx = close_ep,
    .close_tx = close_ep,
    .raw = 1,
};

const bench_transport bench_unix_socketpair = {
    .name = "unix socketpair",
    .note = "raw AF_UNIX SOCK_SEQPACKET socketpair made before the fork, blocking, default buffers",
    .make_addr = pair_make_addr,
    .listen = pair_listen,
    .connect = pair_connect,
    .send = unix_send,
    .recv = unix_recv,
    .close_rx = close_ep,
    .close_tx = close_ep,
    .raw = 1,
    .prepare = pair_prepare,
    .finish = pair_finish,
};

const bench_transport bench_unix_seqpacket_epoll = {
    .name = "unix seqpacket+epoll",
    .note = "raw AF_UNIX SOCK_SEQPACKET, one connection per sender, the inbox reads the ready "
            "ones in turn (epoll, level-triggered, non-blocking recv)",
    .make_addr = seqpacket_make_addr,
    .listen = epoll_listen,
    .connect = seqpacket_connect,
    .send = unix_send,
    .recv = epoll_recv,
    .close_rx = close_ep,
    .close_tx = close_ep,
    .raw = 1,
};
