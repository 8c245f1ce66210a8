/* SPDX-License-Identifier: MIT */
/* bench.h -- the transports that mailslot_bench compares.
 *
 * Every transport is used the same way, in two processes made with fork():
 * one side makes an inbox at an address (listen) and receives from it, the
 * other connects to that address and sends. A ping-pong uses two inboxes, one
 * in each process. Calls block; they return 0, or -1 after bench_fail() said
 * why. */
#ifndef MAILSLOT_BENCH_H
#define MAILSLOT_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_ADDR_MAX 256
/* The most writers a fan-in measurement uses (an inbox accepts this many). */
#define BENCH_MAX_WRITERS 16

typedef struct bench_transport {
    const char *name;
    /* One line on the transport's setup, for the report's header. */
    const char *note;
    /* Fills addr (and file, the socket file to remove afterwards, or "") from
     * a tag that is unique on this host and a private temporary directory. */
    void (*make_addr)(char *addr, char *file, const char *dir, const char *tag);
    /* Makes an inbox for messages of up to max_size bytes. */
    int (*listen)(const char *addr, size_t max_size, void **rx);
    /* Connects a sender to an inbox that exists. */
    int (*connect)(const char *addr, void **tx);
    /* Sends one whole message, blocking or retrying until it is taken;
     * *retries counts the attempts that found the receiver full. */
    int (*send)(void *tx, const void *buf, size_t len, uint64_t *retries);
    /* Receives one whole message; blocks until one arrives. */
    int (*recv)(void *rx, void *buf, size_t cap, size_t *len);
    void (*close_rx)(void *rx);
    void (*close_tx)(void *tx);
    /* Nonzero for the raw sockets that mailslot is measured against. */
    int raw;
    /* Optional, called in the parent around one measurement: what the
     * processes share by inheritance (a socketpair) is made before they are
     * forked and closed after they ended. */
    int (*prepare)(void);
    void (*finish)(void);
} bench_transport;

/* Records why a call failed (printf-style); returns -1. */
int bench_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The last failure's text. */
const char *bench_error(void);
/* A transport's own words on the first time a send found the receiver full,
 * or "" (shown with --details). */
extern char bench_full_note[200];

extern const bench_transport bench_mailslot;
extern const bench_transport bench_unix_dgram;
extern const bench_transport bench_unix_seqpacket;
/* Round trips only: one SOCK_SEQPACKET socketpair, made before the fork. */
extern const bench_transport bench_unix_socketpair;
/* Fan-in only: a SOCK_SEQPACKET inbox that accepts every sender and reads
 * them through epoll. */
extern const bench_transport bench_unix_seqpacket_epoll;
#ifdef HAVE_ZMQ
extern const bench_transport bench_zmq;
#endif
#ifdef HAVE_NNG
extern const bench_transport bench_nng;
#endif

#endif
