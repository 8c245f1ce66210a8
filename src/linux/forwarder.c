/* SPDX-License-Identifier: MIT */
/* forwarder.c -- the host forwarder on Linux.
 *
 * Election: the forwarder of a host owns the abstract AF_UNIX name
 * "mailslot-forwarder/PORT" (abstract names, like UDP ports, belong to one
 * network namespace, so "host" means network namespace). Every other process
 * with a network reader connects to that name and watches the connection:
 * when the owner's process ends, the kernel closes it, the watchers wake and
 * one of them binds the name. No polling; a one-second retry only when a
 * program that is not a forwarder holds the UDP port.
 *
 * Forwarding: the owner binds the UDP port (IPv4, and IPv6 where the host has
 * it), joins the "every host" group and its domains' groups on each multicast
 * interface, and passes each datagram that forward.c accepts, unopened, to
 * the local reader of its path as a NETWORK record over a cached connection.
 * In legacy mode it also binds UDP port 138 and passes the mailslot writes
 * of Windows hosts that legacyrecv.c takes for this host the same way,
 * marked (local.h); see bind_legacy for how it shares the port. While a
 * bridge's tap is set, it also listens on the feed's name (bridgefeed.h) and
 * hands what this host's writers send there to the tap alone.
 *
 * Everything runs in the process's I/O thread; fwd.mu guards the sources
 * and routes. The state, the counters and the listener are the core's
 * (net/fwdstate.h): states are recorded under fwd.mu and told once it is
 * released.
 *
 * Linux only: abstract AF_UNIX names for the election, timerfd, accept4,
 * struct ip_mreqn. */
#define _GNU_SOURCE
#include "alloc.h"
#include "error.h"
#include "net/bridge.h"
#include "net/forward.h"
#include "net/fwdstate.h"
#include "net/legacyrecv.h"
#include "net/udp.h"
#include "log.h"
#include "os.h"
#include "transport.h"
#include "linux/bridgefeed.h"
#include "linux/iothread.h"
#include "linux/local.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <unistd.h>

#define RETRY_MS 1000
#define ROUTES 64              /* cached connections to local readers */
#define DATAGRAMS_PER_WAKE 256 /* then let the I/O thread serve others */
#define RECV_BATCH 64          /* datagrams per recvmmsg, and per run to a reader */
#define RCVBUF (1 << 20)
#define FEEDERS_MAX 1024 /* connections of this host's writers to a bridge */

typedef struct fsrc {
    ms_io_source io;
    struct fsrc *next; /* in fwd.peers */
} fsrc;

typedef struct route {
    char path[MS_PATH_MAX + 1];
    int fd; /* -1: free */
    uint64_t used;
} route;

static struct {
    pthread_mutex_t mu;
    int wanted;
    ms_net_config cfg;
    fsrc *lock, *udp4, *udp6, *watch, *timer; /* the current sources, or NULL */
    fsrc *legacy;                             /* UDP port 138, in legacy mode */
    fsrc *feed;    /* listens for this host's writers, while a tap is set */
    fsrc *feeders; /* their connections */
    size_t nfeeders;
    ms_legacy_recv lrecv;
    fsrc *peers; /* waiting candidates' connections */
    route routes[ROUTES];
    uint64_t clock;
    /* What one recvmmsg takes: a byte over the largest packet, so that a
     * longer datagram arrives cut and is counted malformed. */
    unsigned char rx[RECV_BATCH][MS_WIRE_MAX_PACKET + 1];
    /* Datagrams of rx to one reader's path, sent together (flush_run). */
    struct {
        const char *path;
        size_t path_len, n;
        const unsigned char *d[RECV_BATCH];
        size_t len[RECV_BATCH];
    } run;
    /* The bridge's (transport.h): its tap, and the interfaces a re-send
     * leaves by (those the groups were joined on). */
    ms_forwarder_tap tap;
    void *tap_ctx;
    uint32_t ifs[MS_NETIF_MAX];
    size_t nif;
    uint32_t resend_if; /* the interface udp4 sends multicast out of now */
} fwd = {.mu = PTHREAD_MUTEX_INITIALIZER};

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* ---- sources -------------------------------------------------------------- */

static void release_src(ms_io_source *io)
{
    close(io->fd);
    ms_free(io->ctx);
}

/* Why the last new_src failed: MAILSLOT_E_NOMEM, or ms_io_add's code (its
 * detail set). Under fwd.mu. */
static int src_error;

static fsrc *new_src(int fd, void (*ready)(ms_io_source *))
{
    fsrc *s = ms_calloc(1, sizeof *s);
    if (!s) {
        src_error = ms_fail(MAILSLOT_E_NOMEM, "the host forwarder is out of memory");
        return NULL;
    }
    s->io = (ms_io_source){.fd = fd, .ctx = s, .ready = ready, .release = release_src};
    int rc = ms_io_add(&s->io);
    if (rc != MAILSLOT_OK) {
        ms_free(s);
        src_error = rc;
        return NULL;
    }
    return s;
}

/* Sources to unregister once fwd.mu is released (see take_all). */
typedef struct doomed {
    fsrc *list[7 + 64];
    size_t n;
    fsrc *peers, *feeders;
} doomed;

static void drop(doomed *d, fsrc **slot)
{
    if (*slot)
        d->list[d->n++] = *slot;
    *slot = NULL;
}

static void bury(doomed *d)
{
    for (size_t i = 0; i < d->n; i++)
        ms_io_remove(&d->list[i]->io);
    fsrc *lists[] = {d->peers, d->feeders};
    for (size_t i = 0; i < 2; i++) {
        for (fsrc *p = lists[i], *next; p; p = next) {
            next = p->next;
            ms_io_remove(&p->io);
        }
    }
}

/* Under fwd.mu: takes s out of *list; 1 when it was there. */
static int unlink_src(fsrc **list, fsrc *s)
{
    fsrc **pp = list;
    while (*pp && *pp != s)
        pp = &(*pp)->next;
    if (!*pp)
        return 0;
    *pp = s->next;
    return 1;
}

static int listed(const fsrc *list, const fsrc *s)
{
    for (; list; list = list->next)
        if (list == s)
            return 1;
    return 0;
}

/* Recorded under fwd.mu; the listener is told once fwd.mu is released
 * (ms_fwd_notify, fwdstate.h). */
static void set_state(ms_fwd_state s)
{
    ms_fwd_set_state(s);
}

/* ---- delivery to local readers --------------------------------------------- */

static void close_routes(void)
{
    for (size_t i = 0; i < ROUTES; i++) {
        if (fwd.routes[i].fd >= 0)
            close(fwd.routes[i].fd);
        fwd.routes[i].fd = -1;
    }
}

/* The cached connection to the reader of path, connecting when needed.
 * Returns its slot, or -1 (no reader, counted). */
static int route_to(const char *path, size_t len, int fresh)
{
    size_t victim = 0;
    for (size_t i = 0; i < ROUTES; i++) {
        route *r = &fwd.routes[i];
        if (r->fd >= 0 && !fresh && strlen(r->path) == len && memcmp(r->path, path, len) == 0) {
            r->used = ++fwd.clock;
            return (int)i;
        }
        if (r->fd < 0 || (fwd.routes[victim].fd >= 0 && r->used < fwd.routes[victim].used))
            victim = i;
    }
    for (size_t i = 0; fresh && i < ROUTES; i++) /* replace the stale one */
        if (fwd.routes[i].fd >= 0 && strlen(fwd.routes[i].path) == len &&
            memcmp(fwd.routes[i].path, path, len) == 0)
            victim = i;
    route *r = &fwd.routes[victim];
    if (r->fd >= 0)
        close(r->fd);
    r->fd = -1;
    ms_name name = {.kind = MS_HOST_LOCAL};
    memcpy(name.path, path, len);
    name.path[len] = '\0';
    struct sockaddr_un sa;
    socklen_t salen;
    ms_local_address(&name, &sa, &salen);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    /* A burst must wait here, not be dropped, while the reader's process
     * catches up: as much room as the UDP socket has (wmem_max may cap it). */
    int sndbuf = RCVBUF;
    if (fd >= 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, salen) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    /* The reader answers with a HELLO we never read: a NETWORK record needs
     * no queue place from us, and the I/O thread must not wait. */
    memcpy(r->path, name.path, len + 1);
    r->fd = fd;
    r->used = ++fwd.clock;
    return (int)victim;
}

/* Sends the n datagrams d[0..n) to the reader of path, each as a NETWORK
 * record whose header's byte 1 is mark (0, or MS_NETWORK_LEGACY), in as
 * few system calls as it takes (sendmmsg). A full socket fails the rest:
 * the reader's process is not draining, and will not have drained 1 MiB
 * by the next datagram. */
#define DELIVER_CHUNK 64
static void deliver(const char *path, size_t path_len, unsigned char mark,
                    const unsigned char *const *d, const size_t *len, size_t n, ms_fwd_counters *c)
{
    unsigned char header[MS_DATA_HEADER] = {MS_REC_NETWORK, mark, 0, 0};
    struct iovec iov[DELIVER_CHUNK][2];
    struct mmsghdr h[DELIVER_CHUNK];
    size_t done = 0;
    for (int attempt = 0; attempt < 2 && done < n; attempt++) {
        int slot = route_to(path, path_len, attempt > 0);
        if (slot < 0) {
            c->no_reader += n - done;
            return;
        }
        while (done < n) {
            size_t k = n - done < DELIVER_CHUNK ? n - done : DELIVER_CHUNK;
            for (size_t i = 0; i < k; i++) {
                iov[i][0] = (struct iovec){.iov_base = header, .iov_len = sizeof header};
                iov[i][1] =
                    (struct iovec){.iov_base = (void *)d[done + i], .iov_len = len[done + i]};
                h[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = iov[i], .msg_iovlen = 2}};
            }
            int sent = sendmmsg(fwd.routes[slot].fd, h, (unsigned)k, MSG_DONTWAIT | MSG_NOSIGNAL);
            if (sent <= 0)
                break;
            c->forwarded += (uint64_t)sent;
            done += (size_t)sent;
        }
        if (done < n && (errno == EAGAIN || errno == ENOBUFS)) {
            c->failed += n - done; /* the reader's process is not draining */
            return;
        }
        /* EPIPE and the like: the reader was restarted, or refused us. */
    }
    c->failed += n - done;
}

/* Under fwd.mu: sends the datagrams gathered for one reader. */
static void flush_run(ms_fwd_counters *c)
{
    if (fwd.run.n > 0)
        deliver(fwd.run.path, fwd.run.path_len, 0, fwd.run.d, fwd.run.len, fwd.run.n, c);
    fwd.run.n = 0;
}

/* Under fwd.mu: a datagram of fwd.rx for the reader of path, sent with
 * those before it while they go to the same reader (and before rx is
 * reused: receive_batch). */
static void deliver_later(const char *path, size_t path_len, const unsigned char *datagram,
                          size_t len, ms_fwd_counters *c)
{
    if (fwd.run.n > 0 && (fwd.run.n == RECV_BATCH || fwd.run.path_len != path_len ||
                          memcmp(fwd.run.path, path, path_len) != 0))
        flush_run(c);
    fwd.run.path = path;
    fwd.run.path_len = path_len;
    fwd.run.d[fwd.run.n] = datagram;
    fwd.run.len[fwd.run.n++] = len;
}

/* ---- ready() handlers -------------------------------------------------------- */

static uint16_t source_port(const struct sockaddr_storage *from)
{
    if (from->ss_family == AF_INET)
        return ntohs(((const struct sockaddr_in *)from)->sin_port);
    if (from->ss_family == AF_INET6)
        return ntohs(((const struct sockaddr_in6 *)from)->sin6_port);
    return 0;
}

/* What to do with one received datagram (in fwd.rx), under fwd.mu; it
 * adds to c. */
typedef void fwd_datagram_fn(const struct sockaddr_storage *from, const unsigned char *datagram,
                             size_t len, ms_fwd_counters *c);

/* A socket of the forwarder is readable: takes up to DATAGRAMS_PER_WAKE
 * datagrams, RECV_BATCH at a time, each handed to one, unless the source
 * was removed while this batch of events was on its way. A datagram longer
 * than any packet is handed cut, for the checks to count it malformed.
 * Returns 1 when a record was empty: on a feeder's connection, its end (no
 * writer sends an empty packet). */
static int receive_batch(ms_io_source *io, fwd_datagram_fn *one)
{
    pthread_mutex_lock(&fwd.mu);
    fsrc *s = io->ctx;
    if (s != fwd.udp4 && s != fwd.udp6 && s != fwd.legacy && !listed(fwd.feeders, s)) {
        pthread_mutex_unlock(&fwd.mu);
        return 0;
    }
    int empty = 0;
    struct mmsghdr h[RECV_BATCH];
    struct iovec iov[RECV_BATCH];
    struct sockaddr_storage from[RECV_BATCH];
    ms_fwd_counters c = {0};
    for (int taken = 0; taken < DATAGRAMS_PER_WAKE;) {
        for (size_t i = 0; i < RECV_BATCH; i++) {
            iov[i] = (struct iovec){.iov_base = fwd.rx[i], .iov_len = sizeof fwd.rx[i]};
            h[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &from[i],
                                                .msg_namelen = sizeof from[i],
                                                .msg_iov = &iov[i],
                                                .msg_iovlen = 1}};
        }
        int n = recvmmsg(io->fd, h, RECV_BATCH, MSG_DONTWAIT, NULL);
        for (int i = 0; i < n; i++) {
            empty |= h[i].msg_len == 0;
            one(&from[i], fwd.rx[i], h[i].msg_len, &c);
        }
        flush_run(&c);
        if (n < RECV_BATCH || empty) /* none left (epoll tells of more), or the end */
            break;
        taken += n;
    }
    ms_fwd_count(&c);
    pthread_mutex_unlock(&fwd.mu);
    return empty;
}

/* A datagram of this library's protocol. */
static void one_datagram(const struct sockaddr_storage *from, const unsigned char *datagram,
                         size_t len, ms_fwd_counters *c)
{
    ms_packet p;
    if (!ms_forward_check(&fwd.cfg, 1, datagram, len, &p, c))
        return;
    if (fwd.tap && p.target_kind != MS_WIRE_TO_HOST)
        fwd.tap(datagram, len, ms_bridge_marked(source_port(from), fwd.cfg.port), fwd.tap_ctx);
    deliver_later(p.path, p.path_len, datagram, len, c);
}

static void on_datagrams(ms_io_source *io)
{
    (void)receive_batch(io, one_datagram);
}

/* A packet a writer of this host sent to the network: for the tap only, as
 * this host's readers have their copy. Checked as one from the port, but not
 * counted: the forwarder's counters count what came from the network. */
static void one_own(const struct sockaddr_storage *from, const unsigned char *datagram, size_t len,
                    ms_fwd_counters *c)
{
    (void)from;
    (void)c;
    ms_packet p;
    ms_fwd_counters uncounted = {0};
    if (fwd.tap && ms_forward_check(&fwd.cfg, 1, datagram, len, &p, &uncounted) &&
        p.target_kind != MS_WIRE_TO_HOST)
        fwd.tap(datagram, len, 0, fwd.tap_ctx);
}

/* A writer's connection: its packets, or its end. */
static void on_feeder(ms_io_source *io)
{
    if (!receive_batch(io, one_own))
        return;
    pthread_mutex_lock(&fwd.mu);
    int mine = unlink_src(&fwd.feeders, io->ctx);
    fwd.nfeeders -= (size_t)mine;
    pthread_mutex_unlock(&fwd.mu);
    if (mine)
        ms_io_remove(io);
}

/* A writer of this host connects. Beyond FEEDERS_MAX connections the next
 * ones are closed: their writers look again a second later. */
static void on_feed(ms_io_source *io)
{
    pthread_mutex_lock(&fwd.mu);
    while (io->ctx == fwd.feed) {
        int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            break;
        fsrc *f = fwd.nfeeders < FEEDERS_MAX ? new_src(fd, on_feeder) : NULL;
        if (!f) {
            close(fd);
            continue;
        }
        f->next = fwd.feeders;
        fwd.feeders = f;
        fwd.nfeeders++;
    }
    pthread_mutex_unlock(&fwd.mu);
}

/* 1 when a datagram came from an address of this host: its own write. */
static int from_this_host(const struct sockaddr_in *from)
{
    char text[INET_ADDRSTRLEN];
    return inet_ntop(AF_INET, &from->sin_addr, text, sizeof text) && ms_plat_is_own_address(text);
}

/* At most a line a minute (legacyrecv.h): a peer that sends what nobody
 * can read is worth knowing of, not worth a line per datagram. */
static void log_malformed(const struct sockaddr_in *from, const ms_legacy_decision *out)
{
    char text[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &from->sin_addr, text, sizeof text);
    ms_log(MAILSLOT_LOG_DEBUG,
           "host forwarder: dropped %llu malformed datagram%s on UDP port 138; the latest from "
           "%s: %s",
           (unsigned long long)out->tell, out->tell == 1 ? "" : "s", text, out->why);
}

/* A Windows host's datagram on UDP 138 (the socket is IPv4). */
static void one_legacy(const struct sockaddr_storage *from, const unsigned char *datagram,
                       size_t len, ms_fwd_counters *c)
{
    const struct sockaddr_in *from4 = (const struct sockaddr_in *)from;
    ms_legacy_decision out;
    if (ms_legacy_recv_check(&fwd.lrecv, datagram, len, from_this_host(from4),
                             ms_plat_monotonic_ms(), &out, c) == MS_LEGACY_DELIVER)
        deliver(out.path, strlen(out.path), MS_NETWORK_LEGACY, &datagram, &out.len, 1, c);
    else if (out.tell)
        log_malformed(from4, &out);
}

static void on_legacy(ms_io_source *io)
{
    (void)receive_batch(io, one_legacy);
    ms_log_flush();
}

static void on_peer(ms_io_source *io)
{
    char b[16];
    ssize_t n = recv(io->fd, b, sizeof b, MSG_DONTWAIT);
    if (n > 0 || (n < 0 && errno == EAGAIN))
        return;
    pthread_mutex_lock(&fwd.mu);
    int mine = unlink_src(&fwd.peers, io->ctx);
    pthread_mutex_unlock(&fwd.mu);
    if (mine) /* a waiting candidate left */
        ms_io_remove(io);
}

static void on_candidate(ms_io_source *io)
{
    pthread_mutex_lock(&fwd.mu);
    for (;;) {
        if (io->ctx != fwd.lock)
            break;
        int fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            break; /* EAGAIN, or out of descriptors: the candidate retries */
        fsrc *p = new_src(fd, on_peer);
        if (!p) {
            close(fd);
            break;
        }
        p->next = fwd.peers;
        fwd.peers = p;
    }
    pthread_mutex_unlock(&fwd.mu);
}

static int become(void);

static void take_all(doomed *d);
static int retry_later(ms_fwd_state state);

/* The owner went away (watch) or a retry is due (timer): try again. */
static void on_retry(ms_io_source *io)
{
    doomed d = {.n = 0};
    pthread_mutex_lock(&fwd.mu);
    if (io->ctx == fwd.watch || io->ctx == fwd.timer) {
        fsrc *old = io->ctx;
        if (old == fwd.watch)
            fwd.watch = NULL;
        else
            fwd.timer = NULL;
        if (become() != MAILSLOT_OK) { /* adds the new sources before the old one goes */
            /* A takeover that failed half-way (out of memory after the name
             * or the port was taken) gives them back, and tries again in a
             * second: this process's readers still want a forwarder. */
            take_all(&d);
            close_routes();
            retry_later(MS_FWD_OFF);
        }
        d.list[d.n++] = old;
    }
    pthread_mutex_unlock(&fwd.mu);
    ms_fwd_notify();
    bury(&d);
}

/* ---- election --------------------------------------------------------------- */

static void lock_address(struct sockaddr_un *sa, socklen_t *len)
{
    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    int n = snprintf(sa->sun_path + 1, sizeof sa->sun_path - 1, "mailslot-forwarder/%u",
                     (unsigned)fwd.cfg.port);
    *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static int retry_later(ms_fwd_state state)
{
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    struct itimerspec when = {
        .it_value = {.tv_sec = RETRY_MS / 1000, .tv_nsec = (RETRY_MS % 1000) * 1000000L}};
    if (fd < 0 || timerfd_settime(fd, 0, &when, NULL) != 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        set_state(MS_FWD_OFF);
        return ms_fail_os(MAILSLOT_E_SYSTEM, err, "the host forwarder cannot set a timer");
    }
    if (!(fwd.timer = new_src(fd, on_retry))) {
        close(fd);
        set_state(MS_FWD_OFF);
        return src_error;
    }
    set_state(state);
    return MAILSLOT_OK;
}

/* Another process owns the name: watch its connection, or retry later. */
static int follow(void)
{
    struct sockaddr_un sa;
    socklen_t salen;
    lock_address(&sa, &salen);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, salen) == 0 &&
        (fwd.watch = new_src(fd, on_retry))) {
        set_state(MS_FWD_WAITING);
        return MAILSLOT_OK;
    }
    if (fd >= 0)
        close(fd);
    /* The owner is going away right now, or its backlog is full. */
    return retry_later(MS_FWD_WAITING);
}

/* Binds the UDP port for one family. Returns the socket, or -1 with errno. */
static int bind_port(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1, rcvbuf = RCVBUF;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int rc;
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        struct sockaddr_in6 a = {.sin6_family = AF_INET6,
                                 .sin6_port = htons(fwd.cfg.port),
                                 .sin6_addr = IN6ADDR_ANY_INIT};
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    } else {
        struct sockaddr_in a = {.sin_family = AF_INET,
                                .sin_port = htons(fwd.cfg.port),
                                .sin_addr.s_addr = htonl(INADDR_ANY)};
        rc = bind(fd, (struct sockaddr *)&a, sizeof a);
    }
    if (rc != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/* Binds UDP port 138 for legacy mode, with SO_BROADCAST: alone when no
 * other program holds it, else beside it (Samba's nmbd binds 0.0.0.0:138
 * with SO_REUSEADDR), which the kernel allows when both sockets have
 * SO_REUSEADDR and then gives each unicast datagram to one socket only
 * (not the later one), each broadcast to both. A first bind without
 * SO_REUSEADDR tells the two cases apart; once bound alone the socket takes
 * SO_REUSEADDR, so that such a program can still start (it then has the
 * unicasts). Returns the socket, or -1; *how says which case it is. */
static int bind_legacy(ms_fwd_legacy *how)
{
    int fd = -1, one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons(MS_LEGACY_PORT),
                            .sin_addr.s_addr = htonl(INADDR_ANY)};
    *how = MS_FWD_LEGACY_ON;
    for (int shared = 0; shared < 2; shared++) {
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            break;
        setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
        if (shared)
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0) {
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
            *how = shared ? MS_FWD_LEGACY_SHARED : MS_FWD_LEGACY_ON;
            return fd;
        }
        int err = errno;
        close(fd);
        fd = -1;
        errno = err;
        if (err != EADDRINUSE)
            break;
    }
    *how = errno == EACCES || errno == EPERM ? MS_FWD_LEGACY_DENIED
           : errno == EADDRINUSE             ? MS_FWD_LEGACY_HELD
                                             : MS_FWD_LEGACY_FAILED;
    return -1;
}

/* Under fwd.mu, once the forwarder owns its port: receives on UDP port 138
 * too, as well as it can (a forwarder that cannot still forwards its own
 * protocol, and says why: ms_fwd_legacy_text). */
static void start_legacy(void)
{
    char host[256];
    ms_plat_host_name(host, sizeof host);
    ms_legacy_recv_init(&fwd.lrecv, &fwd.cfg, host);
    ms_fwd_legacy how;
    int fd = bind_legacy(&how);
    if (fd >= 0 && !(fwd.legacy = new_src(fd, on_legacy))) {
        close(fd);
        how = MS_FWD_LEGACY_FAILED;
    }
    ms_fwd_set_legacy(how);
}

/* Under fwd.mu: listens on the feed's name while a tap is set and this
 * process owns the port. Without it (another program has the name) the
 * bridge still publishes its LAN's datagrams: logged, not failed. */
static void start_feed(void)
{
    if (!fwd.tap || !fwd.udp4 || fwd.feed)
        return;
    struct sockaddr_un sa;
    socklen_t salen;
    ms_bridge_feed_address(fwd.cfg.port, &sa, &salen);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, salen) != 0 || listen(fd, 64) != 0) {
        char why[128];
        ms_plat_strerror(errno, why, sizeof why);
        ms_log(MAILSLOT_LOG_WARNING, "the bridge cannot take this host's own writes: %s", why);
    } else if ((fwd.feed = new_src(fd, on_feed))) {
        fd = -1;
    }
    if (fd >= 0)
        close(fd);
}

/* Takes the port: the name is ours. */
static int own(int lock_fd)
{
    int fd4 = bind_port(AF_INET);
    if (fd4 < 0) {
        int err = errno;
        close(lock_fd);
        if (err == EADDRINUSE) /* not a forwarder: a foreign program */
            return retry_later(MS_FWD_BLOCKED);
        set_state(MS_FWD_OFF);
        return ms_fail_os(MAILSLOT_E_SYSTEM, err, "the host forwarder cannot bind UDP port %u",
                          (unsigned)fwd.cfg.port);
    }
    ms_udp_join_groups(&fwd.cfg, (ms_sock)fd4);
    /* A bridge re-sends from this socket (ms_forwarder_inject): its copies
     * must not come back to this host, whose readers it delivers to itself. */
    ms_sock_multicast_out((ms_sock)fd4, fwd.cfg.ttl);
    if (ms_netif_list(fwd.cfg.interface, fwd.ifs, &fwd.nif) != MAILSLOT_OK)
        fwd.nif = 0;
    fwd.resend_if = MS_UDP_NO_IF;
    int fd6 = bind_port(AF_INET6); /* -1: this host has no IPv6 */
    int rc = MAILSLOT_OK;
    if (listen(lock_fd, 64) != 0) {
        rc = ms_fail_os(MAILSLOT_E_SYSTEM, errno, "the host forwarder cannot start");
    } else if (!(fwd.lock = new_src(lock_fd, on_candidate))) {
        rc = src_error;
    }
    if (rc != MAILSLOT_OK) {
        close(lock_fd);
        close(fd4);
        if (fd6 >= 0)
            close(fd6);
        set_state(MS_FWD_OFF);
        return rc;
    }
    /* Both families or neither: a forwarder that silently lost one would
     * hold the port and the name while deaf to half the network. What was
     * registered, ms_forwarder_want takes down again. */
    if (!(fwd.udp4 = new_src(fd4, on_datagrams))) {
        close(fd4);
        if (fd6 >= 0)
            close(fd6);
        set_state(MS_FWD_OFF);
        return src_error;
    }
    if (fd6 >= 0 && !(fwd.udp6 = new_src(fd6, on_datagrams))) {
        close(fd6);
        set_state(MS_FWD_OFF);
        return src_error;
    }
    if (fwd.cfg.legacy)
        start_legacy();
    start_feed();
    set_state(MS_FWD_ACTIVE);
    return MAILSLOT_OK;
}

/* Under fwd.mu: owns the port, follows its owner, or arranges a retry. */
static int become(void)
{
    struct sockaddr_un sa;
    socklen_t salen;
    lock_address(&sa, &salen);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return retry_later(MS_FWD_OFF);
    if (bind(fd, (struct sockaddr *)&sa, salen) == 0)
        return own(fd);
    int err = errno;
    close(fd);
    if (err == EADDRINUSE)
        return follow();
    return retry_later(MS_FWD_OFF);
}

/* ---- lifetime ---------------------------------------------------------------- */

static void take_all(doomed *d)
{
    drop(d, &fwd.lock);
    drop(d, &fwd.udp4);
    drop(d, &fwd.udp6);
    drop(d, &fwd.watch);
    drop(d, &fwd.timer);
    drop(d, &fwd.legacy);
    drop(d, &fwd.feed);
    d->feeders = fwd.feeders;
    fwd.feeders = NULL;
    fwd.nfeeders = 0;
    d->peers = fwd.peers;
    fwd.peers = NULL;
    ms_fwd_set_legacy(MS_FWD_LEGACY_OFF);
}

/* A forked child has no I/O thread and must not hold the port or the name
 * for a forwarder it does not run. */
static void child_after_fork(void)
{
    pthread_mutex_init(&fwd.mu, NULL);
    fsrc *all[] = {fwd.lock, fwd.udp4, fwd.udp6, fwd.watch, fwd.timer, fwd.legacy, fwd.feed};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i])
            close(all[i]->io.fd);
    for (fsrc *p = fwd.peers; p; p = p->next)
        close(p->io.fd);
    for (fsrc *p = fwd.feeders; p; p = p->next)
        close(p->io.fd);
    close_routes();
    fwd.lock = fwd.udp4 = fwd.udp6 = fwd.watch = fwd.timer = fwd.peers = fwd.legacy = NULL;
    fwd.feed = fwd.feeders = NULL;
    fwd.nfeeders = 0;
    fwd.wanted = 0;
    ms_fwd_reset_after_fork();
}

static void init(void)
{
    for (size_t i = 0; i < ROUTES; i++)
        fwd.routes[i].fd = -1;
    pthread_atfork(NULL, NULL, child_after_fork);
}

int ms_forwarder_want(const ms_net_config *cfg, const ms_auth_config *auth)
{
    (void)auth; /* readers check their packets themselves (netrecv.c) */
    pthread_once(&init_once, init);
    doomed d = {.n = 0};
    pthread_mutex_lock(&fwd.mu);
    int rc = MAILSLOT_OK;
    /* Also when readers exist but nothing runs: a retry that could not even
     * set its timer left the forwarder off. */
    int idle = !fwd.lock && !fwd.watch && !fwd.timer;
    if (fwd.wanted == 0 || idle) {
        if (fwd.wanted == 0)
            fwd.cfg = *cfg;
        uint32_t idx[MS_NETIF_MAX];
        size_t nif;
        rc = ms_netif_list(cfg->interface, idx, &nif); /* a bad interface fails here */
        if (rc == MAILSLOT_OK)
            rc = become();
        if (rc != MAILSLOT_OK) {
            /* A start that failed half-way (out of memory after the name
             * or the port was taken) gives them back: nobody wants them. */
            take_all(&d);
            close_routes();
            set_state(MS_FWD_OFF);
        }
    }
    if (rc == MAILSLOT_OK && cfg->legacy && !fwd.cfg.legacy) {
        /* The first reader in legacy mode of a forwarder that runs without. */
        fwd.cfg.legacy = 1;
        memcpy(fwd.cfg.netbios_name, cfg->netbios_name, sizeof cfg->netbios_name);
        if (fwd.udp4)
            start_legacy();
    }
    if (rc == MAILSLOT_OK)
        fwd.wanted++;
    pthread_mutex_unlock(&fwd.mu);
    ms_fwd_notify();
    bury(&d);
    return rc;
}

void ms_forwarder_unwant(void)
{
    doomed d = {.n = 0};
    pthread_mutex_lock(&fwd.mu);
    if (fwd.wanted > 0 && --fwd.wanted == 0) {
        take_all(&d);
        close_routes();
        set_state(MS_FWD_OFF);
    }
    pthread_mutex_unlock(&fwd.mu);
    ms_fwd_notify();
    bury(&d);
}

/* ---- the bridge's hooks (transport.h) ------------------------------------------ */

void ms_forwarder_set_tap(ms_forwarder_tap fn, void *ctx)
{
    doomed d = {.n = 0};
    pthread_mutex_lock(&fwd.mu);
    fwd.tap = fn;
    fwd.tap_ctx = ctx;
    if (fn) {
        start_feed();
    } else {
        drop(&d, &fwd.feed);
        d.feeders = fwd.feeders;
        fwd.feeders = NULL;
        fwd.nfeeders = 0;
    }
    pthread_mutex_unlock(&fwd.mu);
    ms_log_flush(); /* start_feed's warning */
    bury(&d);
}

/* Under fwd.mu: checks an injected datagram; MAILSLOT_OK with *p filled. */
static int check_injected(const ms_inject *in, ms_packet *p, ms_fwd_counters *c)
{
    if (!fwd.udp4)
        return ms_fail(MAILSLOT_E_NOT_FOUND, "this process does not own udp port %u",
                       (unsigned)fwd.cfg.port);
    if (in->len > MS_WIRE_MAX_PACKET) {
        c->datagrams++;
        c->malformed++;
        return ms_fail(MAILSLOT_E_INVALID, "a datagram longer than any packet");
    }
    if (!ms_forward_check(&fwd.cfg, 1, in->datagram, in->len, p, c))
        return ms_fail(MAILSLOT_E_INVALID, "the forwarder refused the datagram");
    if (p->target_kind == MS_WIRE_TO_HOST)
        return ms_fail(MAILSLOT_E_INVALID, "a datagram to a host is never bridged");
    return MAILSLOT_OK;
}

/* Under fwd.mu: at most DELIVER_CHUNK datagrams of a batch; the re-sends
 * of all of them first, then each run of datagrams to one path at once. */
static void inject_chunk(ms_inject *b, size_t n, int resend, ms_fwd_counters *c)
{
    ms_packet p[DELIVER_CHUNK];
    ms_udp_resend out[DELIVER_CHUNK];
    size_t ok[DELIVER_CHUNK], nok = 0;
    for (size_t i = 0; i < n; i++) {
        b[i].rc = check_injected(&b[i], &p[i], c);
        if (b[i].rc != MAILSLOT_OK)
            continue;
        out[nok] =
            (ms_udp_resend){.packet = b[i].datagram,
                            .len = b[i].len,
                            .group = p[i].target_kind == MS_WIRE_TO_ALL
                                         ? MS_WIRE_GROUP_ALL
                                         : ms_wire_domain_group(p[i].target, p[i].target_len)};
        ok[nok++] = i;
    }
    if (resend && nok > 0) {
        ms_udp_send_from((ms_sock)fwd.udp4->io.fd, fwd.cfg.port, fwd.ifs, fwd.nif, &fwd.resend_if,
                         out, nok);
        for (size_t j = 0; j < nok; j++)
            b[ok[j]].rc = out[j].rc;
    }
    const unsigned char *run[DELIVER_CHUNK];
    size_t lens[DELIVER_CHUNK];
    for (size_t j = 0, k; j < nok; j = k) {
        const ms_packet *first = &p[ok[j]];
        for (k = j; k < nok && p[ok[k]].path_len == first->path_len &&
                    memcmp(p[ok[k]].path, first->path, first->path_len) == 0;
             k++) {
            run[k - j] = b[ok[k]].datagram;
            lens[k - j] = b[ok[k]].len;
        }
        deliver(first->path, first->path_len, 0, run, lens, k - j, c);
    }
}

void ms_forwarder_inject(ms_inject *batch, size_t n, int resend)
{
    pthread_once(&init_once, init);
    ms_fwd_counters c = {0};
    pthread_mutex_lock(&fwd.mu);
    for (size_t at = 0; at < n; at += DELIVER_CHUNK)
        inject_chunk(batch + at, n - at < DELIVER_CHUNK ? n - at : DELIVER_CHUNK, resend, &c);
    ms_fwd_count(&c);
    pthread_mutex_unlock(&fwd.mu);
}
