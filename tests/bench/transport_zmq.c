/* SPDX-License-Identifier: MIT */
/* transport_zmq.c -- ZeroMQ PUSH/PULL over ipc://, default options (built only
 * when libzmq is found: HAVE_ZMQ). One context per process. */
#define _GNU_SOURCE
#include "bench.h"

#include <zmq.h>

#include <errno.h>
#include <stdio.h>

static void *ctx;
static int ctx_users;

static void zmq_make_addr(char *addr, char *file, const char *dir, const char *tag)
{
    snprintf(file, BENCH_ADDR_MAX, "%s/%s.zmq", dir, tag);
    snprintf(addr, BENCH_ADDR_MAX, "ipc://%s", file);
}

static int zmq_error(const char *what, const char *addr)
{
    return bench_fail("%s %s: %s", what, addr, zmq_strerror(zmq_errno()));
}

static void *new_socket(int type)
{
    if (!ctx) {
        ctx = zmq_ctx_new();
        if (!ctx)
            return NULL;
    }
    void *s = zmq_socket(ctx, type);
    if (s)
        ctx_users++;
    return s;
}

static void close_socket(void *s)
{
    zmq_close(s); /* the default linger delivers what is still queued */
    if (--ctx_users == 0) {
        zmq_ctx_term(ctx);
        ctx = NULL;
    }
}

static int zmq_listen_(const char *addr, size_t max_size, void **rx)
{
    (void)max_size;
    void *s = new_socket(ZMQ_PULL);
    if (!s)
        return zmq_error("zmq_socket", addr);
    if (zmq_bind(s, addr) != 0) {
        zmq_error("zmq_bind", addr);
        close_socket(s);
        return -1;
    }
    *rx = s;
    return 0;
}

static int zmq_connect_(const char *addr, void **tx)
{
    void *s = new_socket(ZMQ_PUSH);
    if (!s)
        return zmq_error("zmq_socket", addr);
    if (zmq_connect(s, addr) != 0) {
        zmq_error("zmq_connect", addr);
        close_socket(s);
        return -1;
    }
    *tx = s;
    return 0;
}

static int zmq_send_(void *tx, const void *buf, size_t len, uint64_t *retries)
{
    (void)retries; /* a blocking send waits at the high-water mark */
    for (;;) {
        if (zmq_send(tx, buf, len, 0) >= 0)
            return 0;
        if (zmq_errno() != EINTR)
            return zmq_error("zmq_send", "");
    }
}

static int zmq_recv_(void *rx, void *buf, size_t cap, size_t *len)
{
    for (;;) {
        int n = zmq_recv(rx, buf, cap, 0);
        if (n < 0 && zmq_errno() == EINTR)
            continue;
        if (n < 0)
            return zmq_error("zmq_recv", "");
        if ((size_t)n > cap)
            return bench_fail("zmq_recv: a %d-byte message was truncated", n);
        *len = (size_t)n;
        return 0;
    }
}

const bench_transport bench_zmq = {
    .name = "zeromq",
    .note = "ZeroMQ PUSH/PULL over ipc://, blocking, default options (HWM 1000)",
    .make_addr = zmq_make_addr,
    .listen = zmq_listen_,
    .connect = zmq_connect_,
    .send = zmq_send_,
    .recv = zmq_recv_,
    .close_rx = close_socket,
    .close_tx = close_socket,
    .raw = 0,
};
