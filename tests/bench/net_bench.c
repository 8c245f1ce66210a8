/* SPDX-License-Identifier: MIT */
/* net_bench.c -- the two parts of the network benchmark, written against the
 * public API only. tests/net/netns_bench.sh runs a writer on one simulated
 * host and readers on two others; each part prints one `result` line that
 * the script turns into a table.
 *
 *   net_bench reader [--name PATH] [--run ID] [--wait-ms MS] [--idle-ms MS]
 *       Creates the reader PATH (default "bench"), prints "ready", and reads
 *       the messages of run ID (any run without --run) until the writer's end
 *       marker, or until nothing arrived for --idle-ms (default 1000) after
 *       the first message, or --wait-ms (default 20000) before it.
 *
 *   net_bench writer --count N --size BYTES [--rate MSG_PER_S] [--name NAME] [--run ID]
 *       Opens NAME (default \\*\mailslot\bench) and sends N messages of BYTES
 *       (32..1024) as fast as it can, or paced to --rate messages per second;
 *       then the end marker, a few times (the network may drop it too).
 *
 *   net_bench sendto --count N --size BYTES --group ADDR --port PORT --if NAME
 *       The writer's raw baseline: N datagrams of BYTES sent as fast as it
 *       can with sendto to the multicast group ADDR (239.0.0.0/8 only) and
 *       PORT through interface NAME, hop limit 1.
 *
 * A message carries a magic, the run, its kind (data or end), a sequence
 * number (or, in the end marker, how many data messages were sent) and the
 * writer's CLOCK_MONOTONIC time (one clock for every network namespace of a
 * kernel, so the reader's one-way latency is meaningful between simulated
 * hosts, not between machines). The rest is filler.
 *
 * The reader's result: unique messages, duplicates, out-of-order arrivals
 * (a sequence number below one already seen), messages of other runs or
 * not ours, how many were sent (from the end marker; else the highest
 * sequence number seen + 1, a lower bound), the receive rate (unique
 * messages over the time from the first to the last arrival), the one-way
 * latency p50/p99, and the reader's network counters (MAILSLOT_STAT_NET_*).
 * The writer's: messages sent, failed writes, the offered rate (messages
 * over the time from the first to the last send) and the system calls of its
 * loop (every thread of the process; syscalls=-1 after a line saying why
 * they are not counted: syscount.h).
 *
 * A benchmark part, not a test: it exits 0 when it measured, whatever the
 * figures; 1 on a failure of the library (the message on stderr); 2 on a
 * usage error. */
#define _GNU_SOURCE
#include "syscount.h"

#include <mailslot.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEADER 32
#define MAGIC "MSNB"
#define KIND_DATA 'D'
#define KIND_END 'E'
#define END_COPIES 4 /* end markers, 10, 20, 40 and 80 ms apart */
#define END_FIRST_GAP_MS 10

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void sleep_until(int64_t t_ns)
{
    struct timespec ts = {.tv_sec = t_ns / 1000000000, .tv_nsec = t_ns % 1000000000};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
        ;
}

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int fail(int rc, const char *what)
{
    fprintf(stderr, "net_bench: %s: %s: %s\n", what, mailslot_strerror(rc),
            mailslot_last_error_detail());
    return 1;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: net_bench reader [--name PATH] [--run ID] [--wait-ms MS] [--idle-ms MS]\n"
            "       net_bench writer --count N --size BYTES [--rate MSG_PER_S] [--name NAME] "
            "[--run ID]\n"
            "       net_bench sendto --count N --size BYTES --group ADDR --port PORT --if NAME\n"
            "       net_bench has-keys      (exit 0 when the library has network keys)\n");
    return 2;
}

/* Parses a non-negative integer option value; -1 when it is not one. */
static long long number(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    return errno || end == s || *end || v < 0 ? -1 : v;
}

/* ---- reader ------------------------------------------------------------------ */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static double percentile_us(int64_t *v, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return (double)v[i] / 1000.0;
}

typedef struct seen_set {
    unsigned char *bits;
    uint64_t cap; /* sequence numbers the bitmap covers */
} seen_set;

/* Marks seq; returns 1 when it was marked already, 0 when new, -1 out of memory. */
static int mark(seen_set *s, uint64_t seq)
{
    if (seq >= s->cap) {
        uint64_t cap = s->cap ? s->cap : 1 << 16;
        while (cap <= seq)
            cap *= 2;
        if (cap > (1ull << 34))
            return -1; /* not a sequence number of ours */
        unsigned char *bits = realloc(s->bits, (size_t)(cap / 8));
        if (!bits)
            return -1;
        memset(bits + s->cap / 8, 0, (size_t)((cap - s->cap) / 8));
        s->bits = bits;
        s->cap = cap;
    }
    unsigned char bit = (unsigned char)(1u << (seq % 8));
    if (s->bits[seq / 8] & bit)
        return 1;
    s->bits[seq / 8] |= bit;
    return 0;
}

static int run_reader(const char *name, long long run, int wait_ms, int idle_ms)
{
    mailslot_reader *r = NULL;
    int rc = mailslot_create(name, NULL, &r);
    if (rc != MAILSLOT_OK)
        return fail(rc, "create");
    printf("ready\n");
    fflush(stdout);

    seen_set seen = {NULL, 0};
    int64_t *lat = NULL;
    size_t nlat = 0, lat_cap = 0;
    uint64_t unique = 0, dup = 0, ooo = 0, foreign = 0, max_seq = 0, sent = 0;
    int got_data = 0, end_seen = 0;
    int64_t first = 0, last = 0;
    const char *stop = "idle";
    unsigned char buf[MAILSLOT_MAX_NETWORK_MESSAGE];
    for (;;) {
        size_t len = 0;
        rc = mailslot_read(r, buf, sizeof buf, &len, got_data ? idle_ms : wait_ms);
        if (rc == MAILSLOT_E_TIMEOUT) {
            stop = got_data ? "idle" : "nothing";
            break;
        }
        if (rc == MAILSLOT_E_BUFFER) { /* not ours: take it off the queue */
            unsigned char *big = malloc(len ? len : 1);
            size_t got;
            rc = big ? mailslot_read(r, big, len, &got, 0) : MAILSLOT_E_NOMEM;
            free(big);
            if (rc != MAILSLOT_OK && rc != MAILSLOT_E_TIMEOUT)
                return fail(rc, "read");
            foreign++;
            continue;
        }
        if (rc != MAILSLOT_OK)
            return fail(rc, "read");
        int64_t t = now_ns();
        if (len < HEADER || memcmp(buf, MAGIC, 4) != 0 ||
            (run >= 0 && get_u32(buf + 4) != (uint32_t)run)) {
            foreign++;
            continue;
        }
        uint64_t seq = get_u64(buf + 16);
        if (buf[8] == KIND_END) {
            sent = seq;
            end_seen = 1;
            stop = "end";
            break;
        }
        if (buf[8] != KIND_DATA) {
            foreign++;
            continue;
        }
        int m = mark(&seen, seq);
        if (m < 0) {
            foreign++;
            continue;
        }
        if (m == 1) {
            dup++;
            continue;
        }
        unique++;
        if (got_data && seq < max_seq)
            ooo++;
        if (!got_data || seq > max_seq)
            max_seq = seq;
        if (!got_data)
            first = t;
        last = t;
        got_data = 1;
        if (nlat == lat_cap) {
            size_t cap = lat_cap ? 2 * lat_cap : 65536;
            int64_t *more = realloc(lat, cap * sizeof *lat);
            if (!more) {
                fprintf(stderr, "net_bench: out of memory\n");
                return 1;
            }
            lat = more;
            lat_cap = cap;
        }
        lat[nlat++] = t - (int64_t)get_u64(buf + 24);
    }
    if (!end_seen)
        sent = got_data ? max_seq + 1 : 0;

    int64_t stat[4] = {0, 0, 0, 0};
    const int keys[4] = {MAILSLOT_STAT_NET_RECEIVED, MAILSLOT_STAT_NET_DUPLICATE,
                         MAILSLOT_STAT_NET_OVER_LIMIT, MAILSLOT_STAT_AUTH_VERIFIED};
    for (int i = 0; i < 4; i++)
        mailslot_reader_get_int(r, keys[i], &stat[i]);
    mailslot_reader_close(r);

    qsort(lat, nlat, sizeof *lat, cmp_i64);
    double span = (double)(last - first) / 1e9;
    printf("result unique=%llu duplicates=%llu out_of_order=%llu foreign=%llu sent=%llu "
           "end=%s span_s=%.6f rate=%.0f lat_p50_us=%.1f lat_p99_us=%.1f "
           "net_received=%lld net_duplicate=%lld net_over_limit=%lld auth_verified=%lld\n",
           (unsigned long long)unique, (unsigned long long)dup, (unsigned long long)ooo,
           (unsigned long long)foreign, (unsigned long long)sent, stop, span,
           unique > 1 && span > 0 ? (double)(unique - 1) / span : 0.0,
           percentile_us(lat, nlat, 0.50), percentile_us(lat, nlat, 0.99), (long long)stat[0],
           (long long)stat[1], (long long)stat[2], (long long)stat[3]);
    free(lat);
    free(seen.bits);
    return 0;
}

/* ---- writers ------------------------------------------------------------------ */

/* A way to send one datagram: mailslot_write, or a raw sendto. Returns 0 or,
 * on failure, a code and the words for it in detail. */
typedef struct sender {
    int (*send)(void *ctx, const void *buf, size_t len, char *detail, size_t cap);
    void *ctx;
} sender;

static int send_mailslot(void *ctx, const void *buf, size_t len, char *detail, size_t cap)
{
    int rc = mailslot_write(ctx, buf, len);
    if (rc != MAILSLOT_OK)
        snprintf(detail, cap, "%s: %s", mailslot_strerror(rc), mailslot_last_error_detail());
    return rc;
}

typedef struct raw_udp {
    int fd;
    struct sockaddr_in to;
} raw_udp;

static int send_raw(void *ctx, const void *buf, size_t len, char *detail, size_t cap)
{
    raw_udp *u = ctx;
    ssize_t n = sendto(u->fd, buf, len, 0, (const struct sockaddr *)&u->to, sizeof u->to);
    if (n == (ssize_t)len)
        return 0;
    snprintf(detail, cap, "sendto: %s", n < 0 ? strerror(errno) : "short send");
    return -1;
}

/* Sends count messages of size bytes as fast as it can, or paced to rate,
 * and prints the result line: messages, failed sends, the offered rate and,
 * when they are counted (counter >= 0), the system calls of the loop. */
static void burst(const sender *s, int counter, long long run, long long count, long long size,
                  long long rate, unsigned char *buf)
{
    memcpy(buf, MAGIC, 4);
    put_u32(buf + 4, (uint32_t)run);
    memset(buf + 8, 0, 8);
    buf[8] = KIND_DATA;
    uint64_t errors = 0;
    char first[300] = "", detail[300];
    int64_t sys0 = syscount_read(counter);
    int64_t t0 = now_ns(), t_last = t0;
    for (long long i = 0; i < count; i++) {
        if (rate > 0) {
            int64_t due = t0 + (int64_t)((double)i * 1e9 / (double)rate);
            if (now_ns() < due)
                sleep_until(due);
        }
        put_u64(buf + 16, (uint64_t)i);
        t_last = now_ns();
        put_u64(buf + 24, (uint64_t)t_last);
        if (s->send(s->ctx, buf, (size_t)size, detail, sizeof detail) != 0 && errors++ == 0)
            snprintf(first, sizeof first, "%s", detail);
    }
    int64_t sys1 = syscount_read(counter);
    double span = (double)(t_last - t0) / 1e9;
    /* Less one: the read of the counter after the loop. */
    long long syscalls = sys0 >= 0 && sys1 >= 0 ? (long long)(sys1 - sys0 - 1) : -1;
    printf("result sent=%lld errors=%llu span_s=%.6f rate=%.0f syscalls=%lld\n", count,
           (unsigned long long)errors, span,
           count > 1 && span > 0 ? (double)(count - 1) / span : 0.0, syscalls);
    if (errors)
        fprintf(stderr, "net_bench: %llu sends failed; the first: %s\n", (unsigned long long)errors,
                first);
}

/* A counter of this process's system calls (before the library starts a
 * thread), or -1 after printing why not. */
static int open_counter(void)
{
    char why[200];
    int tp = syscount_init(why, sizeof why);
    int fd = tp >= 0 ? syscount_open(tp) : -1;
    if (tp >= 0 && fd < 0)
        snprintf(why, sizeof why, "perf_event_open: %s", strerror(errno));
    if (fd < 0)
        printf("syscalls n/a (%s)\n", why);
    return fd;
}

static int run_writer(const char *name, long long run, long long count, long long size,
                      long long rate)
{
    int counter = open_counter();
    mailslot_writer *w = NULL;
    int rc = mailslot_open(name, NULL, &w);
    if (rc != MAILSLOT_OK)
        return fail(rc, "open");
    /* Pacing sleeps to the microsecond, not to the default 50 µs slack. */
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);

    unsigned char buf[MAILSLOT_MAX_NETWORK_MESSAGE];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)('a' + i % 26);
    sender s = {send_mailslot, w};
    burst(&s, counter, run, count, size, rate, buf);

    /* The end marker: the number sent. A few copies, further and further
     * apart, so that one gets through a receive buffer the burst filled. */
    buf[8] = KIND_END;
    put_u64(buf + 16, (uint64_t)count);
    int64_t gap = END_FIRST_GAP_MS * 1000000LL, at = now_ns();
    for (int k = 0; k < END_COPIES; k++) {
        at += gap;
        gap *= 2;
        sleep_until(at);
        put_u64(buf + 24, (uint64_t)now_ns());
        mailslot_write(w, buf, HEADER);
    }
    mailslot_writer_close(w);
    if (counter >= 0)
        close(counter);
    return 0;
}

/* The raw baseline of the writer: the same datagrams' payload sent with
 * sendto to a multicast group, through one interface, hop limit 1, no
 * loopback (as the library sends). Only an administratively scoped group
 * (239.0.0.0/8) is accepted: nothing leaves the simulated network. */
static int run_sendto(const char *group, long long port, const char *ifname, long long count,
                      long long size)
{
    raw_udp u = {.fd = -1};
    u.to.sin_family = AF_INET;
    u.to.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, group, &u.to.sin_addr) != 1 ||
        (ntohl(u.to.sin_addr.s_addr) >> 24) != 239 || port < 1 || port > 65535) {
        fprintf(stderr, "net_bench: sendto: --group must be in 239.0.0.0/8 and --port 1..65535\n");
        return 2;
    }
    int counter = open_counter();
    struct ip_mreqn via = {.imr_ifindex = (int)if_nametoindex(ifname)};
    int ttl = 1, loop = 0;
    u.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (u.fd < 0 || via.imr_ifindex == 0 ||
        setsockopt(u.fd, IPPROTO_IP, IP_MULTICAST_IF, &via, sizeof via) != 0 ||
        setsockopt(u.fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) != 0 ||
        setsockopt(u.fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof loop) != 0) {
        fprintf(stderr, "net_bench: sendto: socket on %s: %s\n", ifname, strerror(errno));
        return 1;
    }
    unsigned char buf[MAILSLOT_MAX_NETWORK_MESSAGE];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)('a' + i % 26);
    sender s = {send_raw, &u};
    burst(&s, counter, 0, count, size, 0, buf);
    close(u.fd);
    if (counter >= 0)
        close(counter);
    return 0;
}

/* Exit 0 when this library can have network keys (built with libsodium). */
static int has_keys(void)
{
    mailslot_options *o;
    mailslot_reader *r;
    if (mailslot_options_new(&o) != MAILSLOT_OK)
        return 1;
    int rc = mailslot_options_set_str(
        o, MAILSLOT_OPT_KEYS,
        "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    if (rc == MAILSLOT_OK) /* asked in the root namespace: keep to this host */
        rc = mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 0);
    if (rc == MAILSLOT_OK)
        rc = mailslot_create("bench\\has-keys", o, &r);
    mailslot_options_free(o);
    if (rc != MAILSLOT_OK) {
        printf("no: %s\n", mailslot_last_error_detail());
        return 1;
    }
    mailslot_reader_close(r);
    printf("yes\n");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "has-keys") == 0)
        return has_keys();
    int raw = strcmp(argv[1], "sendto") == 0;
    int writer = raw || strcmp(argv[1], "writer") == 0;
    if (!writer && strcmp(argv[1], "reader") != 0)
        return usage();
    const char *name = writer ? "\\\\*\\mailslot\\bench" : "bench";
    const char *group = NULL, *ifname = NULL;
    long long run = -1, count = -1, size = -1, rate = 0, wait_ms = 20000, idle_ms = 1000;
    long long port = -1;
    for (int i = 2; i < argc; i += 2) {
        if (i + 1 >= argc)
            return usage();
        const char *o = argv[i], *v = argv[i + 1];
        long long *num = NULL;
        const char **text = strcmp(o, "--name") == 0           ? &name
                            : raw && strcmp(o, "--group") == 0 ? &group
                            : raw && strcmp(o, "--if") == 0    ? &ifname
                                                               : NULL;
        if (text) {
            *text = v;
            continue;
        }
        if (raw && strcmp(o, "--port") == 0)
            num = &port;
        else if (strcmp(o, "--run") == 0)
            num = &run;
        else if (writer && strcmp(o, "--count") == 0)
            num = &count;
        else if (writer && strcmp(o, "--size") == 0)
            num = &size;
        else if (writer && strcmp(o, "--rate") == 0)
            num = &rate;
        else if (!writer && strcmp(o, "--wait-ms") == 0)
            num = &wait_ms;
        else if (!writer && strcmp(o, "--idle-ms") == 0)
            num = &idle_ms;
        else
            return usage();
        if ((*num = number(v)) < 0)
            return usage();
    }
    if (run > UINT32_MAX || wait_ms > INT32_MAX || idle_ms > INT32_MAX)
        return usage();
    if (!writer)
        return run_reader(name, run, (int)wait_ms, (int)idle_ms);
    if (count < 0 || size < HEADER || size > (long long)MAILSLOT_MAX_NETWORK_MESSAGE)
        return usage();
    if (raw)
        return group && ifname ? run_sendto(group, port, ifname, count, size) : usage();
    return run_writer(name, run < 0 ? 0 : run, count, size, rate);
}
