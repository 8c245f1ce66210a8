/* SPDX-License-Identifier: MIT */
/* bench.c -- mailslot_bench: compares this library with raw AF_UNIX sockets
 * (and ZeroMQ and nng when they were found at build time) between processes,
 * each figure side by side with its baseline in the same run:
 *
 *   throughput  a writer process sends a burst of N messages as fast as it
 *               can; the time runs from the writer's first send to the
 *               reader's receipt of the last message (CLOCK_MONOTONIC is the
 *               same clock in every process). The median of --repeat runs.
 *               64 B and 1 KiB, against the faster raw socket, ZeroMQ, nng.
 *   fan-in      10 writer processes burst 64 B messages into one reader; the
 *               reader checks that every message arrives and each writer's
 *               in order (the run fails if not). Against 10 raw SEQPACKET
 *               connections read through epoll.
 *   round trip  process A sends to B's inbox, B sends each message back to A's
 *               inbox; A times every round trip after a warm-up. Against a
 *               raw socketpair, once with the two processes left to the
 *               scheduler and once pinned to two CPUs.
 *   syscalls    per round trip on each side, and per message of a burst on
 *               each side, counted by the kernel (perf_event_open on the
 *               raw_syscalls:sys_enter tracepoint, every thread of a
 *               process), in runs of their own: counting slows system calls.
 *   idle readers  1,000 readers in one process, a writer each in another
 *               process sending one message to each: resident memory and
 *               descriptors per reader.
 *
 * Round trips between two processes are bimodal on a small VM: a few µs when
 * both run on one CPU (the woken process takes the CPU its peer leaves), tens
 * of µs when the wake-up must reach another, idle CPU; where the scheduler
 * puts them differs from run to run. So throughput and fan-in pin the reader
 * and the writers to two different CPUs by default (--cpus), and round trips
 * are shown both ways.
 *
 * It prints a table per transport, then one line per figure: the library's,
 * the baseline's and their ratio. It is a benchmark, not a test: it exits 0
 * whenever the measurements completed, whatever the numbers, and non-zero on
 * real errors (a message lost or reordered is one). */
#define _GNU_SOURCE
#include "bench.h"
#include "syscount.h"

#include <mailslot.h>

#include <dirent.h>
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

#define FANIN_WRITERS 10
#define MAX_PROCS (1 + BENCH_MAX_WRITERS)
#define IDLE_READERS 1000
/* The syscall-counting runs: long enough for a steady rate, short enough
 * that they add little to a run. */
#define SYSCALL_MESSAGES 20000
#define SYSCALL_ROUNDTRIPS 2000

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
    const char *cpus;    /* placement of the throughput processes: split, same or none */
} opt = {200000, 20000, 3, 0, NULL, "split"};

/* The CPUs of a measurement's processes: [0] for the reader (or side A),
 * [1] for the writers (or side B); -1: not pinned. */
typedef struct placement {
    int cpu[2];
} placement;

static const placement unpinned = {{-1, -1}};
static placement split;  /* two different CPUs, when there are two */
static placement chosen; /* what --cpus says, for throughput and fan-in */
static char chosen_text[160];

static void choose_cpus(void)
{
    cpu_set_t set;
    placement first = unpinned; /* the first two usable CPUs */
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int i = 0, k = 0; i < CPU_SETSIZE && k < 2; i++)
            if (CPU_ISSET(i, &set))
                first.cpu[k++] = i;
    split = first.cpu[1] >= 0 ? first : unpinned;
    chosen = unpinned;
    if (strcmp(opt.cpus, "split") == 0 && split.cpu[1] >= 0) {
        chosen = split;
        snprintf(chosen_text, sizeof chosen_text,
                 "split: the reader (throughput) and A (round trips) pinned to CPU %d, the "
                 "writers and B to CPU %d",
                 split.cpu[0], split.cpu[1]);
    } else if (strcmp(opt.cpus, "same") == 0 && first.cpu[0] >= 0) {
        chosen.cpu[0] = chosen.cpu[1] = first.cpu[0];
        snprintf(chosen_text, sizeof chosen_text, "same: every process pinned to CPU %d",
                 chosen.cpu[0]);
    } else {
        snprintf(chosen_text, sizeof chosen_text,
                 "none: the scheduler places the processes (round trips are then bimodal)%s",
                 strcmp(opt.cpus, "none") == 0 ? "" : ", since fewer than 2 CPUs are usable");
    }
}

static int pin_self(const placement *p, int role)
{
    int cpu = p->cpu[role == 0 ? 0 : 1];
    if (cpu < 0)
        return 0;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        return bench_fail("cannot pin to CPU %d: %s", cpu, strerror(errno));
    return 0;
}

/* The table's transports; the library first (the figures take it from there). */
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

/* ---- counting system calls ------------------------------------------------ */

/* The tracepoint's id, or -1 with the reason in syscall_why. A measuring
 * process opens its counter before the transport starts any thread. */
static int syscall_tp = -1;
static char syscall_why[200];
static int syscall_fd = -1; /* in a measuring process */

/* System calls so far (the read included), or -1 when not counted. */
static int64_t syscalls_now(void)
{
    return syscount_read(syscall_fd);
}

/* ---- the processes of a measurement --------------------------------------- */

/* What a child tells the parent at the end. Smaller than PIPE_BUF, so one
 * write delivers it whole. */
typedef struct child_result {
    int ok;
    int64_t t_ns;       /* throughput: the writer's start or the reader's end */
    uint64_t retries;   /* sends that found the receiver full */
    int64_t cpu_ns;     /* CPU time (all threads) during the measurement */
    int64_t csw;        /* context switches (voluntary + involuntary) during it */
    int64_t syscalls;   /* system calls (all threads) during it, or -1: not counted */
    int64_t maxrss_kib; /* the process's peak resident memory */
    double p50_us, p99_us, min_us, mean_us; /* round trips, process A only */
    int64_t rss_kib, fds, setup_ns;         /* idle readers: what they added */
    char full_note[200];                    /* bench_full_note of the writer */
    char err[512];
} child_result;

/* A child's view: its transport, the addresses, its role and its pipes.
 * Role 0 is the reader (or side A); roles 1.. the writers (or side B). Role 0
 * exchanges one-byte signals with every other role, which each have role 0
 * as their only peer. */
typedef struct child_ctx {
    const bench_transport *t;
    size_t size;
    uint64_t count; /* messages per writer, round trips, or readers */
    uint64_t warm;  /* warm-up messages or round trips */
    char addr[2][BENCH_ADDR_MAX];
    char tag[64]; /* unique on this host for this measurement */
    placement place;
    int count_syscalls;
    int role, npeers;
    int to_peer[MAX_PROCS - 1], from_peer[MAX_PROCS - 1];
} child_ctx;

typedef void (*child_fn)(const child_ctx *c, child_result *res);

static int signal_peer(const child_ctx *c, char what)
{
    for (int i = 0; i < c->npeers; i++)
        for (;;) {
            ssize_t n = write(c->to_peer[i], &what, 1);
            if (n == 1)
                break;
            if (n < 0 && errno == EINTR)
                continue;
            return bench_fail("cannot signal the other process: %s", strerror(errno));
        }
    return 0;
}

static int wait_peer(const child_ctx *c, char what)
{
    for (int i = 0; i < c->npeers; i++)
        for (;;) {
            char got;
            ssize_t n = read(c->from_peer[i], &got, 1);
            if (n == 1 && got == what)
                break;
            if (n < 0 && errno == EINTR)
                continue;
            return bench_fail("the other process failed before signalling '%c'", what);
        }
    return 0;
}

/* A message carries its sequence number and the number of its writer. */
static void fill(unsigned char *buf, uint32_t writer, uint64_t seq)
{
    memcpy(buf, &seq, sizeof seq);
    memcpy(buf + sizeof seq, &writer, sizeof writer);
}

/* Checks that a message is the next one of its writer: next[w] is the
 * sequence number writer w sends next. */
static int check(const unsigned char *buf, size_t len, size_t size, uint64_t *next, int writers)
{
    uint64_t got;
    uint32_t w;
    memcpy(&got, buf, sizeof got);
    memcpy(&w, buf + sizeof got, sizeof w);
    if (len != size)
        return bench_fail("a message has %zu bytes, expected %zu", len, size);
    if (w >= (uint32_t)writers)
        return bench_fail("a message names writer %u of %d", w, writers);
    if (got != next[w])
        return bench_fail("writer %u: message %llu arrived when %llu was due (%s)", w,
                          (unsigned long long)got, (unsigned long long)next[w],
                          got > next[w] ? "lost" : "reordered or duplicated");
    next[w]++;
    return 0;
}

/* What a measuring process spent between probe_start and probe_stop. */
typedef struct probe {
    struct rusage ru;
    int64_t syscalls;
} probe;

static void probe_start(probe *p)
{
    getrusage(RUSAGE_SELF, &p->ru);
    p->syscalls = syscalls_now();
}

static void probe_stop(const probe *p, child_result *res)
{
    int64_t syscalls = syscalls_now();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    res->cpu_ns = cpu_ns(&ru) - cpu_ns(&p->ru);
    res->csw = (ru.ru_nvcsw + ru.ru_nivcsw) - (p->ru.ru_nvcsw + p->ru.ru_nivcsw);
    res->maxrss_kib = ru.ru_maxrss;
    /* Less one: the read of the counter in this function. */
    res->syscalls = syscalls >= 0 && p->syscalls >= 0 ? syscalls - p->syscalls - 1 : -1;
}

/* One-way, reader side (one or more writers): makes the inbox, says 'R'eady,
 * receives every writer's warm-up, says 'W'armed, receives the bursts, notes
 * the time, says 'D'one. Every message must be its writer's next. */
static void tput_reader(const child_ctx *c, child_result *res)
{
    static unsigned char buf[MAILSLOT_MAX_LOCAL_MESSAGE];
    uint64_t next[BENCH_MAX_WRITERS] = {0};
    void *rx;
    if (c->t->listen(c->addr[0], c->size, &rx) != 0)
        return;
    probe p;
    int ok = signal_peer(c, 'R') == 0;
    uint64_t warm = c->warm * (uint64_t)c->npeers, total = warm + c->count * (uint64_t)c->npeers;
    for (uint64_t i = 0; ok && i < total; i++) {
        if (i == warm) {
            ok = signal_peer(c, 'W') == 0;
            probe_start(&p);
        }
        size_t len;
        ok = ok && c->t->recv(rx, buf, sizeof buf, &len) == 0 &&
             check(buf, len, c->size, next, c->npeers) == 0;
    }
    if (ok) {
        res->t_ns = now_ns();
        probe_stop(&p, res);
        ok = signal_peer(c, 'D') == 0;
    }
    c->t->close_rx(rx);
    res->ok = ok;
}

/* One-way, writer side: connects once the inbox is ready, sends the warm-up,
 * waits until every writer's arrived, then sends the burst as fast as it
 * can. It closes only after the reader has everything (some libraries drop
 * what is queued at close). */
static void tput_writer(const child_ctx *c, child_result *res)
{
    unsigned char buf[MAX_SIZE];
    memset(buf, 0xA5, sizeof buf);
    uint32_t id = (uint32_t)c->role - 1;
    void *tx;
    if (wait_peer(c, 'R') != 0 || c->t->connect(c->addr[0], &tx) != 0)
        return;
    uint64_t warm_retries = 0;
    int ok = 1;
    for (uint64_t i = 0; ok && i < c->warm; i++) {
        fill(buf, id, i);
        ok = c->t->send(tx, buf, c->size, &warm_retries) == 0;
    }
    ok = ok && wait_peer(c, 'W') == 0;
    probe p;
    probe_start(&p);
    res->t_ns = now_ns();
    uint64_t total = c->warm + c->count;
    for (uint64_t i = c->warm; ok && i < total; i++) {
        fill(buf, id, i);
        ok = c->t->send(tx, buf, c->size, &res->retries) == 0;
    }
    probe_stop(&p, res);
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

static void rtt_stats(int64_t *rtt, uint64_t n, child_result *res)
{
    double sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += (double)rtt[i];
    qsort(rtt, n, sizeof *rtt, cmp_i64);
    res->p50_us = (double)percentile(rtt, n, 50) / 1e3;
    res->p99_us = (double)percentile(rtt, n, 99) / 1e3;
    res->min_us = (double)rtt[0] / 1e3;
    res->mean_us = sum / (double)n / 1e3;
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
    probe p;
    int ok = 1;
    uint64_t next = 0, total = c->warm + c->count;
    for (uint64_t i = 0; ok && i < total; i++) {
        if (i == c->warm)
            probe_start(&p);
        size_t len;
        fill(buf, 0, i);
        int64_t t0 = now_ns();
        ok = c->t->send(tx, buf, c->size, &res->retries) == 0 &&
             c->t->recv(rx, in, sizeof in, &len) == 0;
        int64_t t1 = now_ns();
        ok = ok && check(in, len, c->size, &next, 1) == 0;
        if (i >= c->warm)
            rtt[i - c->warm] = t1 - t0;
    }
    if (ok) {
        probe_stop(&p, res);
        rtt_stats(rtt, c->count, res);
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
    probe p;
    int ok = 1;
    uint64_t next = 0, total = c->warm + c->count;
    for (uint64_t i = 0; ok && i < total; i++) {
        if (i == c->warm)
            probe_start(&p);
        size_t len;
        ok = c->t->recv(rx, in, sizeof in, &len) == 0 && check(in, len, c->size, &next, 1) == 0 &&
             c->t->send(tx, in, len, &res->retries) == 0;
    }
    if (ok) {
        probe_stop(&p, res);
        ok = wait_peer(c, 'D') == 0; /* A has the last reply: B may close */
    }
    c->t->close_tx(tx);
    c->t->close_rx(rx);
    res->ok = ok;
}

/* ---- idle readers ---------------------------------------------------------- */

/* The process's resident memory in KiB, or -1. */
static int64_t rss_kib(void)
{
    long pages = -1, resident = -1;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = -1;
        fclose(f);
    }
    return resident < 0 ? -1 : (int64_t)resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The process's open descriptors, or -1. */
static int64_t open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int64_t n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* The address of idle reader i. */
static void idle_addr(const child_ctx *c, uint64_t i, char *addr)
{
    char tag[96], file[BENCH_ADDR_MAX];
    snprintf(tag, sizeof tag, "%s-idle-%llu", c->tag, (unsigned long long)i);
    c->t->make_addr(addr, file, "", tag);
}

/* Makes c->count inboxes, notes what they added while idle, says 'R'eady,
 * receives one message in each (message i in inbox i), says 'D'one. */
static void idle_reader(const child_ctx *c, child_result *res)
{
    static unsigned char buf[MAILSLOT_MAX_LOCAL_MESSAGE];
    void **rx = calloc(c->count, sizeof *rx);
    if (!rx) {
        bench_fail("out of memory");
        return;
    }
    int64_t rss0 = rss_kib(), fds0 = open_fds(), t0 = now_ns();
    int ok = 1;
    uint64_t made = 0; /* the inboxes made, to close */
    for (; ok && made < c->count; made += (uint64_t)ok) {
        char addr[BENCH_ADDR_MAX];
        idle_addr(c, made, addr);
        ok = c->t->listen(addr, c->size, &rx[made]) == 0;
    }
    res->setup_ns = now_ns() - t0;
    res->rss_kib = rss_kib() - rss0;
    res->fds = open_fds() - fds0;
    ok = ok && signal_peer(c, 'R') == 0;
    for (uint64_t i = 0; ok && i < c->count; i++) {
        uint64_t next = i;
        size_t len;
        ok = c->t->recv(rx[i], buf, sizeof buf, &len) == 0 &&
             check(buf, len, c->size, &next, 1) == 0;
    }
    ok = ok && signal_peer(c, 'D') == 0;
    for (uint64_t i = 0; i < made; i++)
        c->t->close_rx(rx[i]);
    free(rx);
    res->ok = ok;
}

/* Opens a writer to each inbox, all at once, and sends one message through
 * each; notes the descriptors they added. */
static void idle_writer(const child_ctx *c, child_result *res)
{
    unsigned char buf[MAX_SIZE];
    memset(buf, 0xA5, sizeof buf);
    void **tx = calloc(c->count, sizeof *tx);
    if (!tx) {
        bench_fail("out of memory");
        return;
    }
    int64_t fds0 = open_fds();
    int ok = wait_peer(c, 'R') == 0;
    uint64_t opened = 0; /* the writers opened, to close */
    for (; ok && opened < c->count; opened += (uint64_t)ok) {
        char addr[BENCH_ADDR_MAX];
        idle_addr(c, opened, addr);
        ok = c->t->connect(addr, &tx[opened]) == 0;
    }
    res->fds = open_fds() - fds0;
    for (uint64_t i = 0; ok && i < c->count; i++) {
        fill(buf, 0, i);
        ok = c->t->send(tx[i], buf, c->size, &res->retries) == 0;
    }
    ok = ok && wait_peer(c, 'D') == 0;
    for (uint64_t i = 0; i < opened; i++)
        c->t->close_tx(tx[i]);
    free(tx);
    res->ok = ok;
}

/* ---- running the processes ------------------------------------------------- */

/* The children of the measurement under way, for the signal handler. */
static volatile pid_t running[MAX_PROCS];
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
    for (int i = 0; i < MAX_PROCS; i++)
        if (running[i] > 0)
            kill(running[i], SIGKILL);
    remove_files();
    if (tmpdir[0])
        rmdir(tmpdir);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* The pipes of a group: down[i] from role 0 to role i, up[i] back, out[i]
 * role i's result to the parent. */
typedef struct group_pipes {
    int down[MAX_PROCS][2], up[MAX_PROCS][2], out[MAX_PROCS][2];
} group_pipes;

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Keeps, in the process of `role` (or in the parent, role -1), only the ends
 * it uses, so that a peer's death reads as end of file. */
static void keep_own_ends(group_pipes *g, int n, int role, child_ctx *c)
{
    for (int i = 1; i < n; i++) {
        if (role == 0) {
            c->to_peer[i - 1] = g->down[i][1];
            c->from_peer[i - 1] = g->up[i][0];
        } else if (role == i) {
            c->to_peer[0] = g->up[i][1];
            c->from_peer[0] = g->down[i][0];
        } else {
            close_fd(&g->down[i][1]);
            close_fd(&g->up[i][0]);
        }
        if (role != i) {
            close_fd(&g->down[i][0]);
            close_fd(&g->up[i][1]);
        }
    }
    for (int i = 0; i < n; i++) {
        if (role >= 0)
            close_fd(&g->out[i][0]);
        if (role != i)
            close_fd(&g->out[i][1]);
    }
}

static void child_main(const child_ctx *base, group_pipes *g, int n, int role, child_fn fn)
{
    child_ctx c = *base;
    c.role = role;
    c.npeers = role == 0 ? n - 1 : 1;
    keep_own_ends(g, n, role, &c);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    child_result r;
    memset(&r, 0, sizeof r);
    r.syscalls = -1;
    if (c.count_syscalls && syscall_tp >= 0 && (syscall_fd = syscount_open(syscall_tp)) < 0)
        bench_fail("perf_event_open: %s", strerror(errno));
    else if (pin_self(&c.place, role) == 0)
        fn(&c, &r);
    if (!r.ok)
        snprintf(r.err, sizeof r.err, "%s", bench_error());
    memcpy(r.full_note, bench_full_note, sizeof r.full_note);
    ssize_t k = write(g->out[role][1], &r, sizeof r);
    _exit(k == (ssize_t)sizeof r && r.ok ? 0 : 1);
}

/* Waits for every child's result (or the deadline); once one failed, kills
 * the others, which may wait for it forever. Returns 0 or -1. */
static int collect(group_pipes *g, int n, const pid_t *pid, child_result *res)
{
    struct pollfd pfd[MAX_PROCS];
    int open = n, rc = 0;
    for (int i = 0; i < n; i++)
        pfd[i] = (struct pollfd){.fd = g->out[i][0], .events = POLLIN};
    int64_t deadline = now_ns() + (int64_t)MEASURE_TIMEOUT_MS * 1000000;
    while (open > 0) {
        int left = (int)((deadline - now_ns()) / 1000000);
        int k = left > 0 ? poll(pfd, (nfds_t)n, left) : 0;
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            /* A reader still waiting for a message that was lost ends here. */
            rc = rc ? rc
                    : bench_fail("no result within %d s (a message lost, or a hang): killed",
                                 MEASURE_TIMEOUT_MS / 1000);
            break;
        }
        for (int i = 0; i < n; i++) {
            if (pfd[i].fd < 0 || !pfd[i].revents)
                continue;
            ssize_t r = read(pfd[i].fd, &res[i], sizeof res[i]);
            int got = r == (ssize_t)sizeof res[i];
            pfd[i].fd = -1;
            open--;
            if (rc == 0 && (!got || !res[i].ok)) {
                res[i].err[sizeof res[i].err - 1] = '\0';
                rc = bench_fail("%s", got ? res[i].err : "a process died without a result");
            }
        }
        for (int i = 0; rc != 0 && i < n; i++)
            if (pfd[i].fd >= 0)
                kill(pid[i], SIGKILL);
    }
    for (int i = 0; i < n; i++)
        if (pfd[i].fd >= 0)
            kill(pid[i], SIGKILL);
    return rc;
}

/* Runs role 0 (fn0) and roles 1..n-1 (fn) in new processes and collects what
 * they report. Returns 0 when all succeeded; otherwise -1 with the first
 * error. */
static int run_group(const child_ctx *base, int n, child_fn fn0, child_fn fn, child_result *res)
{
    group_pipes g;
    memset(&g, -1, sizeof g);
    memset(res, 0, (size_t)n * sizeof *res);
    int rc = 0, forked = 0;
    pid_t pid[MAX_PROCS];
    for (int i = 0; rc == 0 && i < n; i++)
        if ((i > 0 && (pipe2(g.down[i], O_CLOEXEC) != 0 || pipe2(g.up[i], O_CLOEXEC) != 0)) ||
            pipe2(g.out[i], O_CLOEXEC) != 0)
            rc = bench_fail("pipe: %s", strerror(errno));
    if (rc == 0 && base->t->prepare)
        rc = base->t->prepare();
    fflush(NULL);
    for (; rc == 0 && forked < n; forked++) {
        pid[forked] = fork();
        if (pid[forked] < 0)
            rc = bench_fail("fork: %s", strerror(errno));
        else if (pid[forked] == 0)
            child_main(base, &g, n, forked, forked == 0 ? fn0 : fn);
        else
            running[forked] = pid[forked];
    }
    forked -= rc != 0 && forked > 0; /* the fork that failed */
    if (base->t->finish)
        base->t->finish();
    keep_own_ends(&g, n, -1, NULL);
    if (rc == 0)
        rc = collect(&g, n, pid, res);
    for (int i = 0; i < n; i++)
        close_fd(&g.out[i][0]);
    for (int i = 0; i < forked; i++) {
        int status;
        if (rc != 0)
            kill(pid[i], SIGKILL);
        while (waitpid(pid[i], &status, 0) < 0 && errno == EINTR)
            ;
        running[i] = 0;
        if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
            rc = bench_fail("a measuring process ended abnormally (status %d)", status);
    }
    return rc;
}

/* ---- measurements ------------------------------------------------------- */

static unsigned seq;

static void make_ctx(child_ctx *c, const bench_transport *t, size_t size, const placement *pl)
{
    memset(c, 0, sizeof *c);
    c->t = t;
    c->size = size;
    c->place = *pl;
    snprintf(c->tag, sizeof c->tag, "%ld-%u", (long)getpid(), seq++);
    for (int i = 0; i < 2; i++) {
        char tag[80];
        snprintf(tag, sizeof tag, "%s-%c", c->tag, i ? 'b' : 'a');
        t->make_addr(c->addr[i], files[i], tmpdir, tag);
    }
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* One burst: each of `writers` processes sends `per_writer` messages. */
typedef struct oneway {
    double msg_s;      /* all writers' messages over first send to last receipt */
    child_result r, w; /* the reader's and the first writer's report */
    uint64_t retries;  /* every writer's */
} oneway;

static int run_oneway(const bench_transport *t, size_t size, int writers, uint64_t per_writer,
                      int count_syscalls, oneway *out)
{
    child_ctx c;
    child_result res[MAX_PROCS];
    make_ctx(&c, t, size, &chosen);
    c.count = per_writer;
    c.warm = clamp_u64(per_writer / 10, 0, 1000);
    c.count_syscalls = count_syscalls;
    int rc = run_group(&c, 1 + writers, tput_reader, tput_writer, res);
    remove_files();
    if (rc != 0)
        return -1;
    int64_t start = res[1].t_ns;
    out->retries = 0;
    for (int i = 1; i <= writers; i++) {
        start = res[i].t_ns < start ? res[i].t_ns : start;
        out->retries += res[i].retries;
    }
    double secs = (double)(res[0].t_ns - start) / 1e9;
    out->msg_s = secs > 0 ? (double)(per_writer * (uint64_t)writers) / secs : 0;
    out->r = res[0];
    out->w = res[1];
    return 0;
}

static int cmp_oneway(const void *a, const void *b)
{
    double x = ((const oneway *)a)->msg_s, y = ((const oneway *)b)->msg_s;
    return (x > y) - (x < y);
}

/* The median of opt.repeat bursts; retries summed over all. */
static int median_oneway(const bench_transport *t, size_t size, int writers, uint64_t per_writer,
                         oneway *out)
{
    oneway runs[16];
    int n = opt.repeat < 16 ? opt.repeat : 16;
    uint64_t retries = 0;
    for (int k = 0; k < n; k++) {
        /* --details counts system calls too: they tell a sleeping reader
         * or a writer waiting for room from one that never stops. */
        if (run_oneway(t, size, writers, per_writer, opt.details, &runs[k]) != 0)
            return -1;
        retries += runs[k].retries;
    }
    qsort(runs, (size_t)n, sizeof runs[0], cmp_oneway);
    *out = runs[n / 2];
    out->retries = retries;
    return 0;
}

/* Timed round trips; res[0] is A's report (the times), res[1] B's. */
static int run_rtt(const bench_transport *t, size_t size, const placement *pl, uint64_t n,
                   int count_syscalls, child_result res[2])
{
    child_ctx c;
    make_ctx(&c, t, size, pl);
    c.count = n;
    c.warm = clamp_u64(n / 10, 100, 2000);
    c.count_syscalls = count_syscalls;
    int rc = run_group(&c, 2, pingpong_a, pingpong_b, res);
    remove_files();
    return rc;
}

/* ---- the table per transport ----------------------------------------------- */

typedef struct cell {
    int done, failed;
    char err[600];
    double msg_s, mb_s; /* median of the throughput runs */
    uint64_t retries;   /* over all throughput runs */
    double p50_us, p99_us;
    /* details, from the median run and the round trips */
    double w_cpu_ns, r_cpu_ns, w_csw, r_csw; /* per message */
    double w_sys, r_sys; /* system calls per message (--details), or -1: not counted */
    double r_rss_mib;    /* the reader's peak resident memory */
    double a_cpu_us, b_cpu_us, a_csw, b_csw; /* per round trip */
    double min_us, mean_us;
    char full_note[200]; /* why a send first found the receiver full, if it did */
} cell;

static void measure(const bench_transport *t, size_t size, cell *out)
{
    oneway o;
    child_result res[2];
    memset(out, 0, sizeof *out);
    out->done = 1;
    if (median_oneway(t, size, 1, opt.messages, &o) != 0) {
        out->failed = 1;
        snprintf(out->err, sizeof out->err, "throughput: %s", bench_error());
        return;
    }
    double n = (double)opt.messages;
    out->msg_s = o.msg_s;
    out->mb_s = o.msg_s * (double)size / 1e6;
    out->retries = o.retries;
    memcpy(out->full_note, o.w.full_note, sizeof out->full_note);
    out->w_cpu_ns = (double)o.w.cpu_ns / n;
    out->r_cpu_ns = (double)o.r.cpu_ns / n;
    out->w_csw = (double)o.w.csw / n;
    out->r_csw = (double)o.r.csw / n;
    out->w_sys = o.w.syscalls >= 0 ? (double)o.w.syscalls / n : -1;
    out->r_sys = o.r.syscalls >= 0 ? (double)o.r.syscalls / n : -1;
    out->r_rss_mib = (double)o.r.maxrss_kib / 1024.0;

    if (run_rtt(t, size, &chosen, opt.roundtrips, 0, res) != 0) {
        out->failed = 1;
        snprintf(out->err, sizeof out->err, "round trips: %s", bench_error());
        return;
    }
    double rt = (double)opt.roundtrips;
    out->p50_us = res[0].p50_us;
    out->p99_us = res[0].p99_us;
    out->min_us = res[0].min_us;
    out->mean_us = res[0].mean_us;
    out->retries += res[0].retries + res[1].retries;
    out->a_cpu_us = (double)res[0].cpu_ns / 1e3 / rt;
    out->b_cpu_us = (double)res[1].cpu_ns / 1e3 / rt;
    out->a_csw = (double)res[0].csw / rt;
    out->b_csw = (double)res[1].csw / rt;
}

/* ---- the figures ----------------------------------------------------------- */

/* A figure's value, or why there is none. */
typedef struct value {
    int ok;
    double v;
    char why[160];
} value;

static value got(double v)
{
    value x = {1, v, ""};
    return x;
}

static value none(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static value none(const char *fmt, ...)
{
    value x = {0, 0, ""};
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x.why, sizeof x.why, fmt, ap);
    va_end(ap);
    return x;
}

/* The errors of the figures, printed after the table; any fails the run. */
static char errors[16][700];
static int nerrors;

static value failed(const char *what)
{
    if (nerrors < 16)
        snprintf(errors[nerrors], sizeof errors[0], "%s: %s", what, bench_error());
    nerrors++;
    fprintf(stderr, "mailslot_bench: %s: %s\n", what, bench_error());
    return none("error, see below");
}

/* Per message (or round trip) of a counting run, or why not counted. */
static value per(int64_t syscalls, uint64_t n)
{
    return syscalls >= 0 ? got((double)syscalls / (double)n) : none("not counted");
}

typedef struct figures {
    value fanin[2];      /* msg/s: mailslot, raw */
    value rtt_p50[2][2]; /* µs: [unpinned, pinned][mailslot, raw] */
    value rtt_mean[2][2];
    value sys_rt_a[2], sys_rt_b[2]; /* per round trip: mailslot, raw */
    value sys_w[3], sys_r[3]; /* per message of a burst: mailslot, unix dgram, unix seqpacket */
    value idle_works, idle_kib, idle_fds, idle_wfds, idle_setup_us;
} figures;

static const bench_transport *const fanin_pair[2] = {&bench_mailslot, &bench_unix_seqpacket_epoll};
static const bench_transport *const rtt_pair[2] = {&bench_mailslot, &bench_unix_socketpair};
static const bench_transport *const burst_sys[3] = {&bench_mailslot, &bench_unix_dgram,
                                                    &bench_unix_seqpacket};

static void measure_fanin(figures *f)
{
    uint64_t per_writer = clamp_u64(opt.messages / FANIN_WRITERS, 1, UINT64_MAX);
    for (int k = 0; k < 2; k++) {
        oneway o;
        char what[80];
        snprintf(what, sizeof what, "fan-in, %s", fanin_pair[k]->name);
        fprintf(stderr, "measuring %s ...\n", what);
        f->fanin[k] = median_oneway(fanin_pair[k], 64, FANIN_WRITERS, per_writer, &o) == 0
                          ? got(o.msg_s)
                          : failed(what);
    }
}

static void measure_rtt(figures *f)
{
    const placement *where[2] = {&unpinned, &split};
    for (int p = 0; p < 2; p++)
        for (int k = 0; k < 2; k++) {
            child_result res[2];
            char what[80];
            snprintf(what, sizeof what, "round trips %s, %s", p ? "pinned" : "unpinned",
                     rtt_pair[k]->name);
            if (p == 1 && split.cpu[1] < 0) {
                f->rtt_p50[p][k] = f->rtt_mean[p][k] = none("fewer than 2 CPUs usable");
                continue;
            }
            fprintf(stderr, "measuring %s ...\n", what);
            if (run_rtt(rtt_pair[k], 64, where[p], opt.roundtrips, 0, res) != 0) {
                f->rtt_p50[p][k] = f->rtt_mean[p][k] = failed(what);
                continue;
            }
            f->rtt_p50[p][k] = got(res[0].p50_us);
            f->rtt_mean[p][k] = got(res[0].mean_us);
        }
}

static void measure_syscalls(figures *f)
{
    for (int k = 0; k < 2; k++) {
        child_result res[2];
        f->sys_rt_a[k] = f->sys_rt_b[k] = none("%s", syscall_why);
        if (syscall_tp < 0)
            continue;
        char what[80];
        snprintf(what, sizeof what, "system calls per round trip, %s", rtt_pair[k]->name);
        fprintf(stderr, "measuring %s ...\n", what);
        if (run_rtt(rtt_pair[k], 64, &chosen, SYSCALL_ROUNDTRIPS, 1, res) != 0) {
            f->sys_rt_a[k] = f->sys_rt_b[k] = failed(what);
            continue;
        }
        f->sys_rt_a[k] = per(res[0].syscalls, SYSCALL_ROUNDTRIPS);
        f->sys_rt_b[k] = per(res[1].syscalls, SYSCALL_ROUNDTRIPS);
    }
    for (int k = 0; k < 3; k++) {
        oneway o;
        f->sys_w[k] = f->sys_r[k] = none("%s", syscall_why);
        if (syscall_tp < 0)
            continue;
        char what[80];
        snprintf(what, sizeof what, "system calls per message, %s", burst_sys[k]->name);
        fprintf(stderr, "measuring %s ...\n", what);
        if (run_oneway(burst_sys[k], 64, 1, SYSCALL_MESSAGES, 1, &o) != 0) {
            f->sys_w[k] = f->sys_r[k] = failed(what);
            continue;
        }
        f->sys_w[k] = per(o.w.syscalls, SYSCALL_MESSAGES);
        f->sys_r[k] = per(o.r.syscalls, SYSCALL_MESSAGES);
    }
}

static void measure_idle(figures *f)
{
    child_ctx c;
    child_result res[2];
    fprintf(stderr, "measuring %d idle readers ...\n", IDLE_READERS);
    make_ctx(&c, &bench_mailslot, 64, &unpinned);
    c.count = IDLE_READERS;
    if (run_group(&c, 2, idle_reader, idle_writer, res) != 0) {
        f->idle_works = f->idle_kib = f->idle_fds = f->idle_wfds = f->idle_setup_us =
            failed("idle readers");
        return;
    }
    f->idle_works = got(IDLE_READERS);
    f->idle_kib = got((double)res[0].rss_kib / IDLE_READERS);
    f->idle_fds = got((double)res[0].fds / IDLE_READERS);
    f->idle_wfds = got((double)res[1].fds / IDLE_READERS);
    f->idle_setup_us = got((double)res[0].setup_ns / 1e3 / IDLE_READERS);
}

/* ---- report ------------------------------------------------------------- */

static void print_header(const char *command)
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
    printf("- command: %s\n", command);
    printf("- placement: %s\n", chosen_text);
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
    printf("- fan-in: %d writer processes send %llu messages each to one reader; median of %d "
           "run(s)\n",
           FANIN_WRITERS,
           (unsigned long long)clamp_u64(opt.messages / FANIN_WRITERS, 1, UINT64_MAX), opt.repeat);
    if (syscall_tp >= 0)
        printf("- system calls: counted by the kernel (%s), in runs of their own (%d round "
               "trips; bursts of %d messages)\n",
               SYSCOUNT_METHOD, SYSCALL_ROUNDTRIPS, SYSCALL_MESSAGES);
    else
        printf("- system calls: n/a (%s)\n", syscall_why);
    struct rlimit nofile;
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0)
        printf("- descriptors: a process may open %llu\n", (unsigned long long)nofile.rlim_cur);
    for (size_t i = 0; i < NTRANSPORTS; i++)
        printf("- %s: %s\n", transports[i]->name, transports[i]->note);
    printf("- %s: %s\n", bench_unix_socketpair.name, bench_unix_socketpair.note);
    printf("- %s: %s\n", bench_unix_seqpacket_epoll.name, bench_unix_seqpacket_epoll.note);
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
    printf("Details: CPU time (user+sys, all threads), context switches and system calls per "
           "message for the median throughput run, and per round trip for A (sender) and B "
           "(echo).\n\n");
    printf("| transport | size | writer ns/msg | reader ns/msg | writer csw/msg | reader csw/msg "
           "| writer sys/msg | reader sys/msg | reader peak RSS MiB | RTT min µs | RTT mean µs | "
           "A µs/rt | B µs/rt | A csw/rt | B csw/rt |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (int s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NTRANSPORTS; i++) {
            const cell *c = &results[s][i];
            if (!c->done || c->failed)
                continue;
            char w_sys[32] = "n/a", r_sys[32] = "n/a";
            if (c->w_sys >= 0)
                snprintf(w_sys, sizeof w_sys, "%.3f", c->w_sys);
            if (c->r_sys >= 0)
                snprintf(r_sys, sizeof r_sys, "%.3f", c->r_sys);
            printf("| %s | %zu B | %.0f | %.0f | %.3f | %.3f | %s | %s | %.1f | %.1f | %.1f | %.1f "
                   "| %.1f | %.2f | %.2f |\n",
                   transports[i]->name, sizes[s], c->w_cpu_ns, c->r_cpu_ns, c->w_csw, c->r_csw,
                   w_sys, r_sys, c->r_rss_mib, c->min_us, c->mean_us, c->a_cpu_us, c->b_cpu_us,
                   c->a_csw, c->b_csw);
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

/* A figure, or n/a and why. */
static void print_value(value x, int decimals)
{
    if (x.ok)
        printf("%.*f", decimals, x.v);
    else
        printf("n/a (%s)", x.why);
}

/* One line of the figures: the library's, the baseline's, their ratio. */
static void figure(const char *what, value lib, const char *base_name, value base, int decimals)
{
    printf("| %s | ", what);
    print_value(lib, decimals);
    printf(" | %s | ", base_name);
    if (base_name[0] == '-')
        printf("-");
    else
        print_value(base, decimals);
    if (lib.ok && base.ok && base.v > 0)
        printf(" | %.2f |\n", lib.v / base.v);
    else
        printf(" | - |\n");
}

static value cell_value(const cell *c)
{
    if (!c->done)
        return none("not measured (--only)");
    return c->failed ? none("error, see below") : got(c->msg_s);
}

/* The index of the faster raw socket at 64 B, or -1. */
static int faster_raw(cell results[NSIZES][NTRANSPORTS], int s)
{
    int best = -1;
    for (size_t i = 0; i < NTRANSPORTS; i++) {
        const cell *c = &results[s][i];
        if (transports[i]->raw && c->done && !c->failed &&
            (best < 0 || c->msg_s > results[s][best].msg_s))
            best = (int)i;
    }
    return best;
}

static void print_throughput(cell results[NSIZES][NTRANSPORTS])
{
    for (int s = 0; s < NSIZES; s++) {
        char what[80], base[80];
        snprintf(what, sizeof what, "one-way throughput, %zu B, 1 writer -> 1 reader, msg/s",
                 sizes[s]);
        int raw = faster_raw(results, s);
        snprintf(base, sizeof base, "%s (the faster raw socket)",
                 raw >= 0 ? transports[raw]->name : "raw socket");
        figure(what, cell_value(&results[s][0]), base,
               raw >= 0 ? cell_value(&results[s][raw]) : none("not measured"), 0);
        for (size_t i = 0; i < NTRANSPORTS; i++)
            if (transports[i] != &bench_mailslot && !transports[i]->raw)
                figure(what, cell_value(&results[s][0]), transports[i]->name,
                       cell_value(&results[s][i]), 0);
    }
}

static void print_figures(cell results[NSIZES][NTRANSPORTS], const figures *f)
{
    printf("Figures: the library's and its baseline's, measured side by side in this run, and "
           "their ratio (mailslot / baseline; throughput: higher is better; time, system calls, "
           "memory: lower is better).\n\n");
    printf("| figure | mailslot | baseline | baseline's | ratio |\n");
    printf("|---|---:|---|---:|---:|\n");
    print_throughput(results);
    char what[120];
    snprintf(what, sizeof what,
             "fan-in, %d writers -> 1 reader, 64 B, msg/s (none lost, each writer's in order)",
             FANIN_WRITERS);
    figure(what, f->fanin[0], "10 x unix seqpacket, epoll", f->fanin[1], 0);
    static const char *const rtt_names[4] = {"round trip p50, 64 B, unpinned, µs",
                                             "round trip mean, 64 B, unpinned, µs",
                                             "round trip p50, 64 B, pinned to 2 CPUs, µs",
                                             "round trip mean, 64 B, pinned to 2 CPUs, µs"};
    for (int p = 0; p < 2; p++) {
        figure(rtt_names[2 * p], f->rtt_p50[p][0], "unix socketpair", f->rtt_p50[p][1], 1);
        figure(rtt_names[2 * p + 1], f->rtt_mean[p][0], "unix socketpair", f->rtt_mean[p][1], 1);
    }
    figure("system calls per round trip, side A (sends, then reads the reply)", f->sys_rt_a[0],
           "unix socketpair", f->sys_rt_a[1], 2);
    figure("system calls per round trip, side B (reads, sends back)", f->sys_rt_b[0],
           "unix socketpair", f->sys_rt_b[1], 2);
    int raw = faster_raw(results, 0);
    int k = raw >= 0 && transports[raw] == &bench_unix_dgram ? 1 : 2;
    char base[80];
    snprintf(base, sizeof base, "%s (the faster raw socket)", burst_sys[k]->name);
    figure("system calls per message, 64 B burst, writer", f->sys_w[0], base, f->sys_w[k], 2);
    figure("system calls per message, 64 B burst, reader", f->sys_r[0], base, f->sys_r[k], 2);
    snprintf(what, sizeof what,
             "%d readers in one process, a writer each (another process): messages received, "
             "one per reader",
             IDLE_READERS);
    figure(what, f->idle_works, "-", none("-"), 0);
    figure("resident memory per idle reader, KiB (RSS delta / 1000)", f->idle_kib, "-", none("-"),
           1);
    figure("descriptors per reader", f->idle_fds, "-", none("-"), 2);
    figure("descriptors per writer", f->idle_wfds, "-", none("-"), 2);
    figure("mailslot_create, µs per reader (1000 in turn)", f->idle_setup_us, "-", none("-"), 1);
    printf("\n");
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
            "  --cpus split    pin the reader and the writers (throughput, fan-in, the table's\n"
            "                  round trips) to two different CPUs (default)\n"
            "  --cpus same     pin them to one CPU\n"
            "  --cpus none     let the scheduler place them\n"
            "                  (the figures' round trips are measured both unpinned and split)\n"
            "  --only NAMES    only these transports in the table (e.g. \"mailslot,unix "
            "seqpacket\");\n"
            "                  the figures are measured still\n"
            "  --details       also print CPU time, context switches, system calls and peak memory "
            "per\n"
            "                  message, and why sends found the receiver full\n");
}

/* 1,000 readers and their writers need more descriptors than the usual soft
 * limit of 1,024: raise it to the hard limit, as such an application would. */
static void raise_fd_limit(void)
{
    struct rlimit r;
    if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
        r.rlim_cur = r.rlim_max;
        setrlimit(RLIMIT_NOFILE, &r);
    }
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

    char command[512];
    size_t used = 0;
    for (int i = 0; i < argc && used < sizeof command; i++)
        used +=
            (size_t)snprintf(command + used, sizeof command - used, "%s%s", i ? " " : "", argv[i]);
    raise_fd_limit();
    choose_cpus();
    syscall_tp = syscount_init(syscall_why, sizeof syscall_why);
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

    print_header(command);
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
    static figures f;
    measure_fanin(&f);
    measure_rtt(&f);
    measure_syscalls(&f);
    measure_idle(&f);
    rmdir(tmpdir);

    print_table(results);
    if (opt.details)
        print_details(results);
    print_figures(results, &f);
    for (int i = 0; i < nerrors && i < 16; i++)
        printf("error: %s\n", errors[i]);
    failures += nerrors;
    for (int s = 0; s < NSIZES; s++)
        for (size_t i = 0; i < NTRANSPORTS; i++)
            if (results[s][i].failed)
                printf("error: %s, %zu B: %s\n", transports[i]->name, sizes[s], results[s][i].err);
    return failures ? 1 : 0;
}
