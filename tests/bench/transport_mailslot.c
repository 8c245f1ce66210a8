/* SPDX-License-Identifier: MIT */
/* transport_mailslot.c -- this library, used as an application would: default
 * options, mailslot_read with MAILSLOT_WAIT_FOREVER. */
#define _GNU_SOURCE
#include "bench.h"

#include <mailslot.h>

#include <sched.h>
#include <stdio.h>

static void ms_make_addr(char *addr, char *file, const char *dir, const char *tag)
{
    (void)dir;
    snprintf(addr, BENCH_ADDR_MAX, "\\\\.\\mailslot\\mailslot_bench\\%s", tag);
    file[0] = '\0';
}

static int ms_error(const char *what, const char *addr, int rc)
{
    return bench_fail("%s %s: %s (%s)", what, addr, mailslot_strerror(rc),
                      mailslot_last_error_detail());
}

static int ms_listen(const char *addr, size_t max_size, void **rx)
{
    (void)max_size; /* the default limit (64 KiB) is what applications get */
    mailslot_reader *r;
    int rc = mailslot_create(addr, NULL, &r);
    if (rc != MAILSLOT_OK)
        return ms_error("mailslot_create", addr, rc);
    *rx = r;
    return 0;
}

static int ms_connect(const char *addr, void **tx)
{
    mailslot_writer *w;
    int rc = mailslot_open(addr, NULL, &w);
    if (rc != MAILSLOT_OK)
        return ms_error("mailslot_open", addr, rc);
    *tx = w;
    return 0;
}

static int ms_send(void *tx, const void *buf, size_t len, uint64_t *retries)
{
    for (;;) {
        int rc = mailslot_write(tx, buf, len);
        if (rc == MAILSLOT_OK)
            return 0;
        if (rc != MAILSLOT_E_FULL)
            return ms_error("mailslot_write", "", rc);
        /* The reader's queue is at its limit: let it catch up. */
        if (!bench_full_note[0])
            snprintf(bench_full_note, sizeof bench_full_note, "%s", mailslot_last_error_detail());
        ++*retries;
        sched_yield();
    }
}

static int ms_recv(void *rx, void *buf, size_t cap, size_t *len)
{
    int rc = mailslot_read(rx, buf, cap, len, MAILSLOT_WAIT_FOREVER);
    if (rc != MAILSLOT_OK)
        return ms_error("mailslot_read", "", rc);
    return 0;
}

static void ms_close_rx(void *rx)
{
    mailslot_reader_close(rx);
}

static void ms_close_tx(void *tx)
{
    mailslot_writer_close(tx);
}

const bench_transport bench_mailslot = {
    .name = "mailslot",
    .note = "mailslot_create/open with default options, mailslot_read(MAILSLOT_WAIT_FOREVER); "
            "a write that gets MAILSLOT_E_FULL yields and retries",
    .make_addr = ms_make_addr,
    .listen = ms_listen,
    .connect = ms_connect,
    .send = ms_send,
    .recv = ms_recv,
    .close_rx = ms_close_rx,
    .close_tx = ms_close_tx,
    .raw = 0,
};
