/* SPDX-License-Identifier: MIT */
/* transport_unix.c -- raw AF_UNIX sockets in the abstract namespace, blocking,
 * with the kernel's default buffer sizes: the floor a mailslot is measured
 * against.
 *   SOCK_DGRAM:     the inbox is a bound socket; a sender is a socket
 *                   connected to it.
 *   SOCK_SEQPACKET: the inbox listens and accepts one connection (on its
 *                   first receive); a sender connects. */
#define _GNU_SOURCE
#include "bench.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

typedef struct unix_ep {
    int type;
    int fd;        /* the socket messages come from or go to; -1: not accepted yet */
    int listen_fd; /* SEQPACKET inbox only */
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
    return e;
}

static void close_ep(void *p)
{
    unix_ep *e = p;
    if (e->fd >= 0)
        close(e->fd);
    if (e->listen_fd >= 0)
        close(e->listen_fd);
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

static int unix_recv(void *rx, void *buf, size_t cap, size_t *len)
{
    unix_ep *e = rx;
    if (e->fd < 0) {
        e->fd = accept4(e->listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (e->fd < 0)
            return bench_fail("accept: %s", strerror(errno));
    }
    for (;;) {
        ssize_t n = recv(e->fd, buf, cap, MSG_TRUNC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return bench_fail("recv: %s", strerror(errno));
        if (n == 0 && e->type == SOCK_SEQPACKET)
            return bench_fail("recv: the sender closed the connection");
        if ((size_t)n > cap)
            return bench_fail("recv: a %zd-byte message was truncated", n);
        *len = (size_t)n;
        return 0;
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
