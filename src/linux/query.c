/* SPDX-License-Identifier: MIT */
/* query.c -- asking the local reader of a name, in any process, for its
 * settings and counters (`mailslot stats`): the SNAPSHOT encoding and the
 * client side of a QUERY (local.h). The reader's side is in reader.c.
 *
 * The encoding is portable C; the client is POSIX sockets and poll, with
 * SOCK_CLOEXEC (Linux and the BSDs). */
#define _GNU_SOURCE
#include "error.h"
#include "bytes.h"
#include "os.h"
#include "transport.h"
#include "linux/local.h"

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- the encoding ------------------------------------------------------- */

/* The counters go on the wire in MAILSLOT_STAT order (101..115). */
#define FIRST_COUNTER MAILSLOT_STAT_NET_RECEIVED
_Static_assert(MS_SNAPSHOT_FIELDS == 6 * 4 + MS_NET_COUNTERS * 8, "the snapshot's size");

size_t ms_snapshot_encode(const ms_reader_snapshot *s, unsigned char *buf)
{
    memset(buf, 0, MS_SNAPSHOT_MAX);
    buf[0] = MS_REC_SNAPSHOT;
    ms_put16(buf + 4, MS_SNAPSHOT_LAYOUT);
    ms_put16(buf + 6, MS_SNAPSHOT_FIELDS);
    unsigned char *p = buf + MS_SNAPSHOT_HEADER;
    const uint32_t small[6] = {
        s->max_message_size,     s->queue_limit, (uint32_t) !!s->allow_any_user,
        (uint32_t) !!s->network, s->keys,        s->message_count};
    for (size_t i = 0; i < 6; i++, p += 4)
        ms_put32(p, small[i]);
    for (int i = 0; i < MS_NET_COUNTERS; i++, p += 8) {
        int64_t v = 0;
        ms_net_counters_get(&s->net, FIRST_COUNTER + i, &v);
        ms_put64(p, (uint64_t)v);
    }
    return MS_SNAPSHOT_MAX;
}

int ms_snapshot_decode(const unsigned char *rec, size_t len, ms_reader_snapshot *s)
{
    memset(s, 0, sizeof *s);
    if (len < MS_SNAPSHOT_HEADER || rec[0] != MS_REC_SNAPSHOT ||
        ((uint16_t)(rec[4] << 8 | rec[5])) != MS_SNAPSHOT_LAYOUT)
        return -1;
    size_t fields = (size_t)(rec[6] << 8 | rec[7]);
    if (fields > len - MS_SNAPSHOT_HEADER)
        fields = len - MS_SNAPSHOT_HEADER; /* a short record: what it holds */
    const unsigned char *p = rec + MS_SNAPSHOT_HEADER, *end = p + fields;
    uint32_t small[6] = {0};
    for (size_t i = 0; i < 6 && end - p >= 4; i++, p += 4)
        small[i] = ms_get32(p);
    s->max_message_size = small[0];
    s->queue_limit = small[1];
    s->allow_any_user = small[2] != 0;
    s->network = small[3] != 0;
    s->keys = small[4];
    s->message_count = small[5];
    for (int i = 0; i < MS_NET_COUNTERS && end - p >= 8; i++, p += 8)
        ms_net_counters_set(&s->net, FIRST_COUNTER + i, ms_get64(p));
    return 0; /* fields past those known here are a later release's */
}

/* ---- the client --------------------------------------------------------- */

/* Milliseconds left before deadline for poll: -1 forever, 0 when past. */
static int left_ms(int64_t deadline)
{
    if (deadline < 0)
        return -1;
    int64_t left = deadline - ms_plat_monotonic_ms();
    return left <= 0 ? 0 : left > INT32_MAX ? INT32_MAX : (int)left;
}

static int timed_out(const ms_name *name, int32_t timeout_ms)
{
    return ms_fail(MAILSLOT_E_TIMEOUT, "the reader of %s did not answer within %d ms",
                   name->canonical, (int)timeout_ms);
}

static int connect_reader(const ms_name *name, int64_t deadline, int32_t timeout_ms, int fd)
{
    struct sockaddr_un sa;
    socklen_t salen;
    ms_local_address(name, &sa, &salen);
    if (deadline >= 0) {
        /* A reader whose backlog is full (a stopped process) makes connect
         * wait: at most until the deadline. */
        int left = left_ms(deadline);
        struct timeval tv = {.tv_sec = left / 1000, .tv_usec = (left % 1000) * 1000};
        if (left == 0)
            tv.tv_usec = 1000;
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    if (connect(fd, (struct sockaddr *)&sa, salen) == 0)
        return MAILSLOT_OK;
    return ms_local_connect_failed(name, errno, timeout_ms);
}

/* Receives one record within the deadline; closes any descriptor passed
 * with it. Returns its length, 0 when the reader closed the connection, or
 * a MAILSLOT_E_* code. */
static int receive(const ms_name *name, int fd, int64_t deadline, int32_t timeout_ms, void *buf,
                   size_t cap)
{
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int n = poll(&pfd, 1, left_ms(deadline));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot wait for the reader of %s",
                              name->canonical);
        if (n == 0)
            return timed_out(name, timeout_ms);
        struct iovec iov = {.iov_base = buf, .iov_len = cap};
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } u;
        struct msghdr msg = {
            .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
        ssize_t got = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        int passed = got >= 0 ? ms_local_passed_fd(&msg) : -1;
        if (passed >= 0)
            close(passed); /* the shared page: a query takes no place */
        if (got < 0) {
            if (errno == ECONNRESET)
                return 0;
            return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot receive from the reader of %s",
                              name->canonical);
        }
        return (int)got;
    }
}

static int read_hello(const ms_name *name, int fd, int64_t deadline, int32_t timeout_ms)
{
    ms_hello h;
    int got = receive(name, fd, deadline, timeout_ms, &h, sizeof h);
    return got < 0 ? got : ms_local_check_hello(name, &h, got);
}

static int ask(const ms_name *name, int fd, int64_t deadline, int32_t timeout_ms,
               ms_reader_snapshot *out)
{
    int rc = connect_reader(name, deadline, timeout_ms, fd);
    if (rc == MAILSLOT_OK)
        rc = read_hello(name, fd, deadline, timeout_ms);
    if (rc != MAILSLOT_OK)
        return rc;
    const unsigned char query[MS_DATA_HEADER] = {MS_REC_QUERY, 0, 0, 0};
    if (ms_local_send_record(fd, query, sizeof query, -1) != 0)
        return ms_fail_os(MAILSLOT_E_NOT_FOUND, errno, "no reader owns %s (it closed)",
                          name->canonical);
    /* Room for a later release's longer snapshot; the rest is cut off. */
    unsigned char rec[4096];
    for (;;) {
        int got = receive(name, fd, deadline, timeout_ms, rec, sizeof rec);
        if (got < 0)
            return got;
        if (got == 0)
            return ms_fail(MAILSLOT_E_SYSTEM,
                           "the reader of %s closed the connection without an answer (it "
                           "closed, or its release cannot be asked)",
                           name->canonical);
        if (rec[0] != MS_REC_SNAPSHOT)
            continue; /* not ours to understand */
        if (ms_snapshot_decode(rec, (size_t)got, out) != 0)
            return ms_fail(MAILSLOT_E_SYSTEM, "the reader of %s answered in another layout",
                           name->canonical);
        return MAILSLOT_OK;
    }
}

int ms_local_reader_query(const ms_name *name, int32_t timeout_ms, ms_reader_snapshot *out)
{
    int64_t deadline = timeout_ms >= 0 ? ms_plat_monotonic_ms() + timeout_ms : -1;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return ms_fail_os(MAILSLOT_E_SYSTEM, errno, "cannot create a socket for %s",
                          name->canonical);
    ms_reader_snapshot s;
    int rc = ask(name, fd, deadline, timeout_ms, &s);
    close(fd);
    if (rc == MAILSLOT_OK)
        *out = s;
    return rc;
}
