/* SPDX-License-Identifier: MIT */
/* bench.c -- mailslot_bench: compares this library with raw AF_UNIX sockets
 * (and ZeroMQ and nng when they were found at build time) between two
 * processes, for 64-byte and 1 KiB messages:
 *
 *   throughput  a writer process sends a burst of N messages as fast as it
 *               can; the time runs from the writer's first send to the
 *               reader's receipt of the last message (CLOCK_MONOTONIC is the
 *               same clock in both processes). The median of --repeat runs.
 *   round trip  process A sends to B's inbox, B sends each message back to A's
 *               inbox; A times every round trip after a warm-up.
 *
 * By default the two processes are pinned to two different CPUs (--cpus): left
 * to the scheduler, round trips land in a few-µs or a tens-of-µs mode by
 * chance, which makes comparisons between runs meaningless.
 *
 * It prints one Markdown table and, for mailslot, the ratios to the faster of
 * the two raw sockets. It is a benchmark, not a test: it exits 0 whenever the
 * measurements completed, whatever the numbers, and non-zero on real errors. */
#define _GNU_SOURCE
#include "bench.h"

#include <mailslot.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_ZMQ
#include <zmq.h>
#endif
#ifdef HAVE_NNG
#include <nng/nng.h>
#endif

#define MAX_SIZE 1024 /* the largest message measured */
#define NSIZES 2
static const size_t sizes[NSIZES] = {64, 1024};

/* How long the parent waits for one measurement before it kills it. */
#define MEASURE_TIMEOUT_MS (5 * 60 * 1000)

/* ---- errors ------------------------------------------------------------- */

static char last_error[512];
char bench_full_note[200];

int bench_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return -1;
}

const char *bench_error(void)
{
    return last_error;
}

/* ---- settings ----------------------------------------------------------- */

static struct {
    uint64_t messages;   /* per throughput run */
    uint64_t roundtrips; /* timed round trips */
    int repeat;          /* throughput runs per cell; the median is shown */
    int details;         /* also print CPU, context switches, memory */
    const char *only;    /* comma-separated transport names, or NULL */
    const char *cpus;    /* placement of the two processes: split, same or none */
} opt = {200000, 20000, 3, 0, NULL, "split"};

/* The CPUs the two processes of a measurement are pinned to, or -1 (not
 * pinned). Round trips between two processes are bimodal on a small VM: a few
 * µs when both run on one CPU (the woken process takes the CPU its peer
 * leaves), tens of µs when the wake-up must reach another, idle CPU; where the
 * scheduler puts them differs from run to run, so the default pins them. */
static int pin_cpu[2] = {-1, -1};
static char placement[160];

static void choose_cpus(void)
{
    cpu_set_t set;
    int first = -1, second = -1;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int i = 0; i < CPU_SETSIZE; i++)
            if (CPU_ISSET(i, &set)) {
                if (first < 0)
                    first = i;
                else if (second < 0)
                    second = i;
            }
    if (strcmp(opt.cpus, "split") == 0 && second >= 0) {
        pin_cpu[0] = first;
        pin_cpu[1] = second;
        snprintf(placement, sizeof placement,
                 "split: the reader (throughput) and A (round trips) pinned to CPU %d, the "
                 "writer and B to CPU %d",
                 first, second);
    } else if (strcmp(opt.cpus, "same") == 0 && first >= 0) {
        pin_cpu[0] = pin_cpu[1] = first;
        snprintf(placement, sizeof placement, "same: both processes pinned to CPU %d", first);
    } else {
        snprintf(placement, sizeof placement,
                 "none: the scheduler places the processes (round trips are then bimodal)%s",
                 strcmp(opt.cpus, "none") == 0 ? "" : ", since fewer than 2 CPUs are usable");
    }
}

static int pin_self(int role)
{
    if (pin_cpu[role] < 0)
        return 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(pin_cpu[role], &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        return bench_fail("cannot pin to CPU %d: %s", pin_cpu[role], strerror(errno));
    return 0;
}

static const bench_transport *const transports[] = {
    &bench_mailslot, &bench_unix_dgram, &bench_unix_seqpacket,
#ifdef HAVE_ZMQ
    &bench_zmq,
#endif
#ifdef HAVE_NNG
    &bench_nng,
#endif
};
#define NTRANSPORTS (sizeof transports / sizeof transports[0])

/* ---- time --------------------------------------------------------------- */

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t cpu_ns(const struct rusage *ru)
{
    return ((int64_t)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000000 +
           ((int64_t)ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) * 1000;
}

/* ---- the two processes of a measurement ---------------------------------- */

/* What a child tells the parent at the end. Smaller than PIPE_BUF, so one
 * write delivers it whole. */
typedef struct child_result {
    int ok;
    int64_t t_ns;       /* throughput: the writer's start or the reader's end */
    uint64_t retries;   /* sends that found the receiver full */
    int64_t cpu_ns;     /* CPU time (all threads) during the measurement */
    int64_t csw;        /* context switches (voluntary + involuntary) during it */
    int64_t maxrss_kib; /* the process's peak resident memory */
    double p50_us, p99_us, min_us, mean_us; /* round trips, process A only */
    char full_note[200];                    /* bench_full_note of the writer */
    char err[512];
} child_result;

/* A child's view: its transport, the addresses, and its pipes. `to_peer` and
 * `from_peer` carry one-byte signals between the two children. */
typedef struct child_ctx {
    const bench_transport *t;
    size_t size;
    uint64_t count; /* messages (throughput) or timed round trips */
    uint64_t warm;  /* warm-up messages or round trips */
    char addr[2][BENCH_ADDR_MAX];
    int to_peer, from_peer;
} child_ctx;

typedef void (*child_fn)(const child_ctx *c, child_result *res);

static int signal_peer(const child_ctx *c, char what)
{
    for (;;) {
        ssize_t n = write(c->to_peer, &what, 1);
        if (n == 1)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        return bench_fail("cannot signal the other process: %s", strerror(errno));
    }
}

static int wait_peer(const child_ctx *c, char what)
{
    char got;
    for (;;) {
        ssize_t n = read(c->from_peer, &got, 1);
        if (n == 1 && got == what)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        return bench_fail("the other process failed before signalling '%c'", what);
    }
}

static void fill(unsigned char *buf, size_t size, uint64_t seq)
{
    memcpy(buf, &seq, sizeof seq);
    (void)size;
}

static int check(const unsigned char *buf, size_t len, size_t size, uint64_t seq)
{
    uint64_t got;
    if (len != size)
        return bench_fail("message %llu has %zu bytes, expected %zu", (unsigned long long)seq, len,
                          size);
    memcpy(&got, buf, sizeof got);
    if (got != seq)
        return bench_fail("message %llu arrived as number %llu (lost or reordered)",
                          (unsigned long long)seq, (unsigned long long)got);
    return 0;
}

/* Throughput, reader side: makes the inbox, says 'R'eady, receives the
 * warm-up, says 'W'armed, receives the burst, notes the time, says 'D'one. */
static void tput_reader(const child_ctx *c, child_result *res)
{
    static unsigned char buf[MAILSLOT_MAX_LOCAL_MESSAGE];
    void *rx;
    if (c->t->listen(c->addr[0], c->size, &rx) != 0)
        return;
    struct rusage ru0, ru1;
    int ok = signal_peer(c, 'R') == 0;
    uint64_t total = c->warm + c->count;
    for (uint64_t i = 0; ok && i < total; i++) {
        if (i == c->warm) {
            ok = signal_peer(c, 'W') == 0;
            getrusage(RUSAGE_SELF, &ru0);
        }
        size_t len;
        ok = ok && c->t->recv(rx, buf, sizeof buf, &len) == 0 && check(buf, len, c->size, i) == 0;
    }
    if (ok) {
        res->t_ns = now_ns();
        getrusage(RUSAGE_SELF, &ru1);
        res->cpu_ns = cpu_ns(&ru1) - cpu_ns(&ru0);
        res->csw = (ru1.ru_nvcsw + ru1.ru_nivcsw) - (ru0.ru_nvcsw + ru0.ru_nivcsw);
        res->maxrss_kib = ru1.ru_maxrss;
        ok = signal_peer(c, 'D') == 0;
    }
    c->t->close_rx(rx);
    res->ok = ok;
}

/* Throughput, writer side: connects once the inbox is ready, sends the
 * warm-up, waits until it arrived, then sends the burst as fast as it can.
 * It closes only after the reader has everything (some libraries drop what
 * is queued at close). */
static void tput_writer(const child_ctx *c, child_result *res)
{
    unsigned char buf[MAX_SIZE] = {0};
    memset(buf, 0xA5, sizeof buf);
    void *tx;
    if (wait_peer(c, 'R') != 0 || c->t->connect(c->addr[0], &tx) != 0)
        return;
    uint64_t warm_retries = 0;
    int ok = 1;
    for (uint64_t i = 0; ok && i < c->warm; i++) {
        fill(buf, c->size, i);
        ok = c->t->send(tx, buf, c->size, &warm_retries) == 0;
    }
    ok = ok && wait_peer(c, 'W') == 0;
    struct rusage ru0, ru1;
    getrusage(RUSAGE_SELF, &ru0);
    res->t_ns = now_ns();
    uint64_t total = c->warm + c->count;
    for (uint64_t i = c->warm; ok && i < total; i++) {
        fill(buf, c->size, i);
        ok = c->t->send(tx, buf, c->size, &res->retries) == 0;
    }
    getrusage(RUSAGE_SELF, &ru1);
    res->cpu_ns = cpu_ns(&ru1) - cpu_ns(&ru0);
    res->csw = (ru1.ru_nvcsw + ru1.ru_nivcsw) - (ru0.ru_nvcsw + ru0.ru_nivcsw);
    ok = ok && wait_peer(c, 'D') == 0;
    c->t->close_tx(tx);
    res->ok = ok;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted values. */
static int64_t percentile(const int64_t *v, uint64_t n, double p)
{
    uint64_t rank = (uint64_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return v[rank - 1];
}

/* Both sides of a ping-pong make their inbox first (addr[0] is A's, addr[1]
 * B's), tell the other, and connect to the other's inbox. */
static int pingpong_setup(const child_ctx *c, int self, void **rx, void **tx)
{
    if (c->t->listen(c->addr[self], c->size, rx) != 0)
        return -1;
    if (signal_peer(c, 'R') == 0 && wait_peer(c, 'R') == 0 &&
        c->t->connect(c->addr[!self], tx) == 0)
        return 0;
    c->t->close_rx(*rx);
    return -1;
}

/* Round trips, side A: times each send-to-B plus receive-from-B. */
static void pingpong_a(const child_ctx *c, child_result *res)
{
    unsigned char buf[MAX_SIZE];
    static unsigned char in[MAILSLOT_MAX_LOCAL_MESSAGE];
    memset(buf, 0xA5, sizeof buf);
    int64_t *rtt = malloc(c->count * sizeof *rtt);
    void *rx, *tx;
    if (!rtt) {
        bench_fail("out of memory");
        return;
    }
    if (pingpong_setup(c, 0, &rx, &tx) != 0) {
        free(rtt);
        return;
    }
    struct rusage ru0, ru1;
    int ok = 1;
    uint64_t total = c->warm + c->count;
    for (uint64_t i = 0; ok && i < total; i++) {
        if (i == c->warm)
            getrusage(RUSAGE_SELF, &ru0);
        size_t len;
        fill(buf, c->size, i);
        int64_t t0 = now_ns();
        ok = c->t->send(tx, buf, c->size, &res->retries) == 0 &&
             c->t->recv(rx, in, sizeof in, &len) == 0;
        int64_t t1 = now_ns();
        ok = ok && check(in, len, c->size, i) == 0;
        if (i >= c->warm)
            rtt[i - c->warm] = t1 - t0;
    }
    if (ok) {
        getrusage(RUSAGE_SELF, &ru1);
        res->cpu_ns = cpu_ns(&ru1) - cpu_ns(&ru0);
        res->csw = (ru1.ru_nvcsw + ru1.ru_nivcsw) - (ru0.ru_nvcsw + ru0.ru_nivcsw);
        double sum = 0;
        for (uint64_t i = 0; i < c->count; i++)
            sum += (double)rtt[i];
        qsort(rtt, c->count, sizeof *rtt, cmp_i64);
        res->p50_us = (double)percentile(rtt, c->count, 50) / 1e3;
        res->p99_us = (double)percentile(rtt, c->count, 99) / 1e3;
        res->min_us = (double)rtt[0] / 1e3;
        res->mean_us = sum / (double)c->count / 1e3;
        ok = signal_peer(c, 'D') == 0;
    }
    free(rtt);
    c->t->close_tx(tx);
    c->t->close_rx(rx);
    res->ok = ok;
}

/* Round trips, side B: sends every message back. */
static void pingpong_b(const child_ctx *c, child_result *res)
{
    static unsigned char in[MAILSLOT_MAX_LOCAL_MESSAGE];
    void *rx, *tx;
    if (pingpong_setup(c, 1, &rx, &tx) != 0)
        return;
    struct rusage ru0, ru1;
    int ok = 1;
    uint64_t total = c->warm + c->count;
    for (uint64_t i = 0; ok && i < total; i++) {
        if (i == c->warm)
            getrusage(RUSAGE_SELF, &ru0);
        size_t len;
        ok = c->t->recv(rx, in, sizeof in, &len) == 0 && check(in, len, c->size, i) == 0 &&
             c->t->send(tx, in, len, &res->retries) == 0;
    }
    if (ok) {
        getrusage(RUSAGE_SELF, &ru1);
        res->cpu_ns = cpu_ns(&ru1) - cpu_ns(&ru0);
        res->csw = (ru1.ru_nvcsw + ru1.ru_nivcsw) - (ru0.ru_nvcsw + ru0.ru_nivcsw);
        ok = wait_peer(c, 'D') == 0; /* A has the last reply: B may close */
    }
    c->t->close_tx(tx);
    c->t->close_rx(rx);
    res->ok = ok;
}

/* The children of the measurement under way, for the signal handler. */
static volatile pid_t running[2];
static char tmpdir[128];
static char files[2][BENCH_ADDR_MAX];

static void remove_files(void)
{
    for (int i = 0; i < 2; i++)
        if (files[i][0])
            unlink(files[i]);
}

static void on_signal(int sig)
{
    for (int i = 0; i < 2; i++)
        if (running[i] > 0)
            kill(running[i], SIGKILL);
    remove_files();
    if (tmpdir[0])
        rmdir(tmpdir);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Runs role 0 and role 1 in two new processes and collects what they report.
 * Returns 0 when both succeeded; otherwise -1 with the first error. */
static int run_pair(const child_ctx *base, child_fn fn0, child_fn fn1, child_result res[2])
{
    int sig01[2], sig10[2], out[2][2];
    if (pipe2(sig01, O_CLOEXEC) != 0 || pipe2(sig10, O_CLOEXEC) != 0 ||
        pipe2(out[0], O_CLOEXEC) != 0 || pipe2(out[1], O_CLOEXEC) != 0)
        return bench_fail("pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid[2];
    for (int role = 0; role < 2; role++) {
        pid[role] = fork();
        if (pid[role] < 0) {
            bench_fail("fork: %s", strerror(errno));
            if (role == 1) {
                kill(pid[0], SIGKILL);
                waitpid(pid[0], NULL, 0);
            }
            return -1;
        }
        if (pid[role] == 0) {
            /* Keep only this role's ends, so a peer's death reads as EOF. */
            child_ctx c = *base;
            c.to_peer = role == 0 ? sig01[1] : sig10[1];
            c.from_peer = role == 0 ? sig10[0] : sig01[0];
            close(role == 0 ? sig01[0] : sig10[0]);
            close(role == 0 ? sig10[1] : sig01[1]);
            close(out[0][0]);
            close(out[1][0]);
            close(out[!role][1]);
            signal(SIGINT, SIG_DFL);
            signal(SIGTERM, SIG_DFL);
            child_result r;
            memset(&r, 0, sizeof r);
            if (pin_self(role) == 0)
                (role == 0 ? fn0 : fn1)(&c, &r);
            if (!r.ok)
                snprintf(r.err, sizeof r.err, "%s", bench_error());
            memcpy(r.full_note, bench_full_note, sizeof r.full_note);
            ssize_t n = write(out[role][1], &r, sizeof r);
            _exit(n == (ssize_t)sizeof r && r.ok ? 0 : 1);
        }
        running[role] = pid[role];
    }
    close(sig01[0]);
    close(sig01[1]);
    close(sig10[0]);
    close(sig10[1]);
    close(out[0][1]);
    close(out[1][1]);

    int got[2] = {0, 0}, rc = 0;
    struct pollfd pfd[2] = {{.fd = out[0][0], .events = POLLIN},
                            {.fd = out[1][0], .events = POLLIN}};
    int64_t deadline = now_ns() + (int64_t)MEASURE_TIMEOUT_MS * 1000000;
    memset(res, 0, 2 * sizeof *res);
    while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
        int left = (int)((deadline - now_ns()) / 1000000);
        int n = left > 0 ? poll(pfd, 2, left) : 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (rc == 0)
                rc = bench_fail("no result within %d s: killed", MEASURE_TIMEOUT_MS / 1000);
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (pfd[i].fd < 0 || !pfd[i].revents)
                continue;
            ssize_t r = read(pfd[i].fd, &res[i], sizeof res[i]);
            got[i] = r == (ssize_t)sizeof res[i];
            close(pfd[i].fd);
            pfd[i].fd = -1;
            if (rc == 0 && (!got[i] || !res[i].ok)) {
                res[i].err[sizeof res[i].err - 1] = '\0';
                rc = bench_fail("%s", got[i] ? res[i].err : "the process died without a result");
            }
            /* Once one side failed the other may wait forever: stop it. */
            if (rc != 0 && pfd[!i].fd >= 0)
                kill(pid[!i], SIGKILL);
        }
    }
    for (int i = 0; i < 2; i++) {
        if (pfd[i].fd >= 0) {
            kill(pid[i], SIGKILL);
            close(pfd[i].fd);
        }
        int status;
        while (waitpid(pid[i], &status, 0) < 0 && errno == EINTR)
            ;
        running[i] = 0;
        if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            rc = bench_fail("a measuring process ended abnormally (status %d)", status);
    }
    return rc;
}

/* ---- measurements ------------------------------------------------------- */

typedef struct cell {
    int done, failed;
    char err[600];
    double msg_s, mb_s; /* median of the throughput runs */
    uint64_t retries;   /* over all throughput runs */
    double p50_us, p99_us;
    /* details, from the median run and the round trips */
    double w_cpu_ns, r_cpu_ns, w_csw, r_csw; /* per message */
    double r_rss_mib;                        /* the reader's peak resident memory */
    double a_cpu_us, b_cpu_us, a_csw, b_csw; /* per round trip */
    double min_us, mean_us;
    char full_note[200]; /* why a send first found the receiver full, if it did */
} cell;

static unsigned seq;

static void make_ctx(child_ctx *c, const bench_transport *t, size_t size)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->size = size;
    for (int i = 0; i < 2; i++) {
        char tag[64];
        snprintf(tag, sizeof tag, "%ld-%u-%c", (long)getpid(), seq, i ? 'b' : 'a');
        t->make_addr(c->addr[i], files[i], tmpdir, tag);
    }
    seq++;
}

typedef struct tput_run {
    double msg_s;
    child_result r, w;
} tput_run;

static int cmp_run(const void *a, const void *b)
{
    double x = ((const tput_run *)a)->msg_s, y = ((const tput_run *)b)->msg_s;
    return (x > y) - (x < y);
}

static void measure(const bench_transport *t, size_t size, cell *out)
{
    child_ctx c;
    child_result res[2];
    tput_run runs[16];
    int nruns = opt.repeat < 16 ? opt.repeat : 16;
    memset(out, 0, sizeof *out);
    out->done = 1;
    for (int k = 0; k < nruns; k++) {
        make_ctx(&c, t, size);
        c.count = opt.messages;
        c.warm = opt.messages / 10 < 1000 ? opt.messages / 10 : 1000;
        int rc = run_pair(&c, tput_reader, tput_writer, res);
        remove_files();
        if (rc != 0) {
            out->failed = 1;
            snprintf(out->err, sizeof out->err, "throughput: %s", bench_error());
            return;
        }
        double secs = (double)(res[0].t_ns - res[1].t_ns) / 1e9;
        runs[k].msg_s = secs > 0 ? (double)opt.messages / secs : 0;
        runs[k].r = res[0];
        runs[k].w = res[1];
        out->retries += res[1].retries;
        if (!out->full_note[0])
            memcpy(out->full_note, res[1].full_note, sizeof out->full_note);
    }
    qsort(runs, (size_t)nruns, sizeof runs[0], cmp_run);
    const tput_run *mid = &runs[nruns / 2];
    out->msg_s = mid->msg_s;
    out->mb_s = mid->msg_s * (double)size / 1e6;
    out->w_cpu_ns = (double)mid->w.cpu_ns / (double)opt.messages;
    out->r_cpu_ns = (double)mid->r.cpu_ns / (double)opt.messages;
    out->w_csw = (double)mid->w.csw / (double)opt.messages;
    out->r_csw = (double)mid->r.csw / (double)opt.messages;
    out->r_rss_mib = (double)mid->r.maxrss_kib / 1024.0;

    make_ctx(&c, t, size);
    c.count = opt.roundtrips;
    c.warm = opt.roundtrips / 10 < 100    ? 100
             : opt.roundtrips / 10 > 2000 ? 2000
                                          : opt.roundtrips / 10;
    int rc = run_pair(&c, pingpong_a, pingpong_b, res);
    remove_files();
    if (rc != 0) {
        out->failed = 1;
        snprintf(out->err, sizeof out->err, "round trips: %s", bench_error());
        return;
    }
    out->p50_us = res[0].p50_us;
    out->p99_us = res[0].p99_us;
    out->min_us = res[0].min_us;
    out->mean_us = res[0].mean_us;
    out->retries += res[0].retries + res[1].retries;
    out->a_cpu_us = (double)res[0].cpu_ns / 1e3 / (double)opt.roundtrips;
    out->b_cpu_us = (double)res[1].cpu_ns / 1e3 / (double)opt.roundtrips;
    out->a_csw = (double)res[0].csw / (double)opt.roundtrips;
    out->b_csw = (double)res[1].csw / (double)opt.roundtrips;
}

/* ---- report ------------------------------------------------------------- */

static void print_header(void)
{
    char date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S %z", localtime(&now));
    struct utsname u;
    if (uname(&u) != 0)
        memset(&u, 0, sizeof u);
    char qlen[32] = "?";
    FILE *f = fopen("/proc/sys/net/unix/max_dgram_qlen", "r");
    if (f) {
        if (!fgets(qlen, sizeof qlen, f))
            snprintf(qlen, sizeof qlen, "?");
        qlen[strcspn(qlen, "\n")] = '\0';
        fclose(f);
    }
    printf("# mailslot_bench\n\n");
    printf("- date: %s\n", date);
    printf("- system: %s %s %s\n", u.sysname, u.release, u.machine);
    printf("- CPUs online: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
    printf("- placement: %s\n", placement);
    char load[64] = "?";
    f = fopen("/proc/loadavg", "r");
    if (f) {
        if (!fgets(load, sizeof load, f))
            snprintf(load, sizeof load, "?");
        load[strcspn(load, "\n")] = '\0';
        fclose(f);
    }
    printf("- load average at start: %s\n", load);
    printf("- libmailslot %s; net.unix.max_dgram_qlen = %s\n", mailslot_version_string(), qlen);
#ifdef HAVE_ZMQ
    int zmaj, zmin, zpat;
    zmq_version(&zmaj, &zmin, &zpat);
    printf("- ZeroMQ %d.%d.%d\n", zmaj, zmin, zpat);
#endif
#ifdef HAVE_NNG
    printf("- nng %s\n", nng_version());
#endif
    printf("- throughput: one writer process sends %llu messages (after %llu warm-up) to one "
           "reader process; median of %d run(s); MB = 10^6 bytes of payload\n",
           (unsigned long long)opt.messages,
           (unsigned long long)(opt.messages / 10 < 1000 ? opt.messages / 10 : 1000), opt.repeat);
    printf("- round trip: %llu timed ping-pongs between two processes, one inbox each\n",
           (unsigned long long)opt.roundtrips);
    for (size_t i = 0; i < NTRANSPORTS; i++)
        printf("- %s: %s\n", transports[i]->name, transports[i]->note);
    printf("\n");
    fflush(stdout);
}

static int selected(const bench_transport *t)
{
    if (!opt.only)
        return 1;
    size_t n = strlen(t->name);
    for (const char *p = opt.only; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, t->name, n) == 0)
            return 1;
        p += len + (p[len] == ',');
    }
    return 0;
}

static void print_table(cell results[NSIZES][NTRANSPORTS])
{
    printf("| transport | size | throughput msg/s | MB/s | full retries | RTT p50 µs | RTT p99 µs "
           "|\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    for (int s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NTRANSPORTS; i++) {
            const cell *c = &results[s][i];
            if (!c->done)
                continue;
            if (c->failed) {
                printf("| %s | %zu B | error | | | | |\n", transports[i]->name, sizes[s]);
                continue;
            }
            printf("| %s | %zu B | %.0f | %.1f | %llu | %.1f | %.1f |\n", transports[i]->name,
                   sizes[s], c->msg_s, c->mb_s, (unsigned long long)c->retries, c->p50_us,
                   c->p99_us);
        }
    printf("\n");
}

static void print_details(cell results[NSIZES][NTRANSPORTS])
{
    printf("Details: CPU time (user+sys, all threads) and context switches per message for the "
           "median throughput run, and per round trip for A (sender) and B (echo).\n\n");
    printf("| transport | size | writer ns/msg | reader ns/msg | writer csw/msg | reader csw/msg "
           "| reader peak RSS MiB | RTT min µs | RTT mean µs | A µs/rt | B µs/rt | A csw/rt | B "
           "csw/rt |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NTRANSPORTS; i++) {
            const cell *c = &results[s][i];
            if (!c->done || c->failed)
                continue;
            printf("| %s | %zu B | %.0f | %.0f | %.3f | %.3f | %.1f | %.1f | %.1f | %.1f | %.1f | "
                   "%.2f "
                   "| %.2f |\n",
                   transports[i]->name, sizes[s], c->w_cpu_ns, c->r_cpu_ns, c->w_csw, c->r_csw,
                   c->r_rss_mib, c->min_us, c->mean_us, c->a_cpu_us, c->b_cpu_us, c->a_csw,
                   c->b_csw);
        }
    printf("\n");
    for (int s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NTRANSPORTS; i++) {
            const cell *c = &results[s][i];
            if (c->done && !c->failed && c->retries)
                printf("- %s, %zu B: %llu send(s) found the receiver full; the first said: %s\n",
                       transports[i]->name, sizes[s], (unsigned long long)c->retries,
                       c->full_note[0] ? c->full_note : "?");
        }
    printf("\n");
}

static void print_ratios(cell results[NSIZES][NTRANSPORTS])
{
    for (int s = 0; s < NSIZES; s++) {
        const cell *ms = NULL;
        const cell *best_tput = NULL, *best_p50 = NULL;
        const char *tput_name = "", *p50_name = "";
        for (size_t i = 0; i < NTRANSPORTS; i++) {
            const cell *c = &results[s][i];
            if (!c->done || c->failed)
                continue;
            if (transports[i] == &bench_mailslot)
                ms = c;
            if (!transports[i]->raw)
                continue;
            if (!best_tput || c->msg_s > best_tput->msg_s) {
                best_tput = c;
                tput_name = transports[i]->name;
            }
            if (!best_p50 || c->p50_us < best_p50->p50_us) {
                best_p50 = c;
                p50_name = transports[i]->name;
            }
        }
        if (!ms || !best_tput)
            continue;
        double tr = ms->msg_s / best_tput->msg_s;
        double lr = ms->p50_us / best_p50->p50_us;
        printf("mailslot vs best raw socket (%zu B): throughput %.2fx (target >= 1.0x, %s), "
               "p50 %.2fx (target <= 1.2x, %s) [best raw: %s %.0f msg/s, %s p50 %.1f µs]\n",
               sizes[s], tr, tr >= 1.0 ? "met" : "missed", lr, lr <= 1.2 ? "met" : "missed",
               tput_name, best_tput->msg_s, p50_name, best_p50->p50_us);
    }
}

/* ---- main --------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mailslot_bench [--quick] [--messages N] [--roundtrips N] [--repeat N]\n"
            "                      [--cpus split|same|none] [--only NAME[,NAME...]] [--details]\n"
            "  --quick         a smoke run: 20000 messages, 2000 round trips, 1 run\n"
            "  --messages N    messages per throughput run (default 200000)\n"
            "  --roundtrips N  timed round trips (default 20000)\n"
            "  --repeat N      throughput runs per cell, median shown (default 3, max 15)\n"
            "  --cpus split    pin the two processes to two different CPUs (default)\n"
            "  --cpus same     pin both processes to one CPU\n"
            "  --cpus none     let the scheduler place them\n"
            "  --only NAMES    measure only these transports (e.g. \"mailslot,unix "
            "seqpacket\")\n"
            "  --details       also print CPU time, context switches and peak memory per\n"
            "                  message, and why sends found the receiver full\n");
}

static int parse_count(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t v;
        if (strcmp(a, "--quick") == 0) {
            opt.messages = 20000;
            opt.roundtrips = 2000;
            opt.repeat = 1;
        } else if (strcmp(a, "--details") == 0) {
            opt.details = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "--messages") == 0 && val &&
                   parse_count(val, 1, UINT64_C(1) << 40, &v) == 0) {
            opt.messages = v;
            i++;
        } else if (strcmp(a, "--roundtrips") == 0 && val &&
                   parse_count(val, 1, UINT64_C(1) << 28, &v) == 0) {
            opt.roundtrips = v;
            i++;
        } else if (strcmp(a, "--repeat") == 0 && val && parse_count(val, 1, 15, &v) == 0) {
            opt.repeat = (int)v;
            i++;
        } else if (strcmp(a, "--cpus") == 0 && val &&
                   (strcmp(val, "split") == 0 || strcmp(val, "same") == 0 ||
                    strcmp(val, "none") == 0)) {
            opt.cpus = val;
            i++;
        } else if (strcmp(a, "--only") == 0 && val) {
            opt.only = val;
            i++;
        } else {
            fprintf(stderr, "mailslot_bench: bad argument '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (opt.only) {
        int any = 0;
        for (size_t i = 0; i < NTRANSPORTS; i++)
            any |= selected(transports[i]);
        if (!any) {
            fprintf(stderr, "mailslot_bench: --only names no transport built in\n");
            return 2;
        }
    }

    choose_cpus();
    const char *base = getenv("TMPDIR");
    if (!base || !*base || strlen(base) > 60)
        base = "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/mailslot-bench-XXXXXX", base);
    if (!mkdtemp(tmpdir)) {
        fprintf(stderr, "mailslot_bench: cannot make a directory %s: %s\n", tmpdir,
                strerror(errno));
        return 1;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);

    print_header();
    static cell results[NSIZES][NTRANSPORTS];
    int failures = 0;
    /* Transports alternate within each size, so that a slow phase of the
     * machine does not land on one transport only. */
    for (int s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NTRANSPORTS; i++) {
            if (!selected(transports[i]))
                continue;
            fprintf(stderr, "measuring %s, %zu B ...\n", transports[i]->name, sizes[s]);
            measure(transports[i], sizes[s], &results[s][i]);
            if (results[s][i].failed) {
                failures++;
                fprintf(stderr, "mailslot_bench: %s, %zu B: %s\n", transports[i]->name, sizes[s],
                        results[s][i].err);
            }
        }
    rmdir(tmpdir);

    print_table(results);
    if (opt.details)
        print_details(results);
    print_ratios(results);
    for (int s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NTRANSPORTS; i++)
            if (results[s][i].failed)
                printf("error: %s, %zu B: %s\n", transports[i]->name, sizes[s], results[s][i].err);
    return failures ? 1 : 0;
}
