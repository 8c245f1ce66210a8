/* SPDX-License-Identifier: MIT */
/* transport_nng.c -- nng push0/pull0 over ipc://, default options (built only
 * when libnng is found: HAVE_NNG). */
#define _GNU_SOURCE
#include "bench.h"

#include <nng/nng.h>
#include <nng/protocol/pipeline0/pull.h>
#include <nng/protocol/pipeline0/push.h>

#include <stdio.h>
#include <stdlib.h>

static void nng_make_addr(char *addr, char *file, const char *dir, const char *tag)
{
    snprintf(file, BENCH_ADDR_MAX, "%s/%s.nng", dir, tag);
    snprintf(addr, BENCH_ADDR_MAX, "ipc://%s", file);
}

static int open_socket(int pull, const char *addr, void **out)
{
    nng_socket *s = malloc(sizeof *s);
    if (!s)
        return bench_fail("out of memory");
    int rv = pull ? nng_pull0_open(s) : nng_push0_open(s);
    if (rv != 0) {
        free(s);
        return bench_fail("nng_%s0_open: %s", pull ? "pull" : "push", nng_strerror(rv));
    }
    rv = pull ? nng_listen(*s, addr, NULL, 0) : nng_dial(*s, addr, NULL, 0);
    if (rv != 0) {
        nng_close(*s);
        free(s);
        return bench_fail("nng_%s %s: %s", pull ? "listen" : "dial", addr, nng_strerror(rv));
    }
    *out = s;
    return 0;
}

static int nng_listen_(const char *addr, size_t max_size, void **rx)
{
    (void)max_size;
    return open_socket(1, addr, rx);
}

static int nng_connect_(const char *addr, void **tx)
{
    return open_socket(0, addr, tx);
}

static int nng_send_(void *tx, const void *buf, size_t len, uint64_t *retries)
{
    (void)retries; /* a blocking send waits for the receiver */
    int rv = nng_send(*(nng_socket *)tx, (void *)buf, len, 0);
    return rv == 0 ? 0 : bench_fail("nng_send: %s", nng_strerror(rv));
}

static int nng_recv_(void *rx, void *buf, size_t cap, size_t *len)
{
    size_t n = cap;
    int rv = nng_recv(*(nng_socket *)rx, buf, &n, 0);
    if (rv != 0)
        return bench_fail("nng_recv: %s", nng_strerror(rv));
    *len = n;
    return 0;
}

static void nng_close_(void *p)
{
    nng_close(*(nng_socket *)p);
    free(p);
}

const bench_transport bench_nng = {
    .name = "nng",
    .note = "nng push0/pull0 over ipc://, blocking, default options",
    .make_addr = nng_make_addr,
    .listen = nng_listen_,
    .connect = nng_connect_,
    .send = nng_send_,
    .recv = nng_recv_,
    .close_rx = nng_close_,
    .close_tx = nng_close_,
    .raw = 0,
};
