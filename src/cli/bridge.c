/* SPDX-License-Identifier: MIT */
/* bridge.c -- `mailslot bridge`: this host's forwarder, which also carries
 * datagrams to "*" and to its domains between sites over NATS
 * (PROTOCOL.md section 10). Built when CMake finds libnats; else
 * bridge_none.c.
 *
 * Threads. The forwarder runs in the I/O thread and hands each datagram of
 * this LAN to tap() under its lock, which copies it into the queue (q.mu,
 * a lock of this file only) and wakes the main thread; so do the
 * connection callbacks with changes of state. The main thread takes the
 * queue a half at a time, publishes, flushes what it published to the
 * server when libnats would wait (drain(), flush_nats()) and prints.
 * libnats calls on_msg() on a delivery thread of each subscription,
 * holding none of its locks: it checks each message, and hands the
 * datagrams to the forwarder (ms_forwarder_inject: delivered and re-sent)
 * in batches, as many as libnats has queued but none kept waiting longer
 * than MS_BRIDGE_MAX_WAIT_NS (ms_bridge_due, the one rule of both ways).
 * So no library lock is held while libnats runs, and no libnats lock
 * while the library runs; a bridge that falls behind leaves messages in
 * libnats's queue, which drops and counts (slow consumer), and a full
 * queue of this LAN's datagrams drops and counts.
 *
 * Why internals: as `mailslot forward` (forward.c says why). */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"
#include "wait.h"

#include "auth/authconfig.h"
#include "error.h"
#include "net/bridge.h"
#include "net/forward.h"
#include "net/netconfig.h"
#include "net/wire.h"
#include "os.h"
#include "transport.h"

#include <nats/nats.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char bridge_usage[] =
    "usage: mailslot bridge --nats URL[,URL...] [--user U --password P | --token T |\n"
    "       --nkey PUB --nkey-seed FILE] [--tls-ca FILE] [--tls-cert FILE --tls-key FILE]\n"
    "       [--site NAME] [--port N] [--domain LIST] [--interface IF] [--pending-limit N]";

static const char bridge_help[] =
    "usage: mailslot bridge --nats URL[,URL...] [OPTIONS]\n"
    "\n"
    "Carry mailslot messages to '*' and to this host's domains between sites\n"
    "over a NATS server or cluster. The bridge is this host's forwarder (as\n"
    "mailslot forward): it publishes each such datagram that started on this\n"
    "LAN, unopened, and delivers each one from another site to this host's\n"
    "readers and re-sends it on this LAN, marked so that no bridge publishes it\n"
    "again. Messages to a host are not bridged. Run one per site (or several\n"
    "with the same --site: one of them re-sends each message).\n"
    "\n"
    "Prints a line on each change of state (connected, reconnecting, closed)\n"
    "and its counters on SIGUSR1 and on exit (SIGINT, SIGTERM: status 0).\n"
    "A refused password, token, nkey or TLS handshake fails at once (status\n"
    "1), as does a file it cannot read (seed, CA, certificate, key); an\n"
    "unreachable server is retried for ever.\n"
    "\n"
    "  -n, --nats URLS       NATS servers, comma-separated (MAILSLOT_NATS_URL)\n"
    "      --user U          user name (MAILSLOT_NATS_USER)\n"
    "      --password P      password (MAILSLOT_NATS_PASSWORD)\n"
    "      --token T         token (MAILSLOT_NATS_TOKEN)\n"
    "      --nkey PUB        the user's public nkey (MAILSLOT_NATS_NKEY)\n"
    "      --nkey-seed FILE  the file holding its seed (MAILSLOT_NATS_NKEY_SEED)\n"
    "      --tls-ca FILE     CA certificates to check the server with; turns TLS\n"
    "                        on (MAILSLOT_NATS_TLS_CA)\n"
    "      --tls-cert FILE   client certificate (MAILSLOT_NATS_TLS_CERT)\n"
    "      --tls-key FILE    its private key (MAILSLOT_NATS_TLS_KEY)\n"
    "  -s, --site NAME       bridges of one site share a NATS queue group, so that\n"
    "                        one of them re-sends each message (MAILSLOT_BRIDGE_SITE;\n"
    "                        default: none, every bridge re-sends)\n"
    "  -p, --port N          UDP port (default MAILSLOT_PORT, else 17317)\n"
    "  -d, --domain LIST     domains this host belongs to and bridges,\n"
    "                        comma-separated (default MAILSLOT_DOMAIN, else workgroup)\n"
    "  -i, --interface IF    interface for multicast (default MAILSLOT_INTERFACE)\n"
    "      --pending-limit N messages from NATS that may wait for the bridge, per\n"
    "                        subscription; more are dropped by the NATS client and\n"
    "                        counted as slow-consumer drops (default 65536)\n"
    "  -h, --help            show this help\n";

/* ---- settings ------------------------------------------------------------- */

typedef struct settings {
    const char *urls, *user, *password, *token, *nkey, *nkey_seed;
    const char *tls_ca, *tls_cert, *tls_key, *site;
    long pending_limit; /* messages per subscription (natsSubscription_SetPendingLimits) */
    ms_net_config net;
} settings;

enum {
    OPT_USER = 0x200,
    OPT_PASSWORD,
    OPT_TOKEN,
    OPT_NKEY,
    OPT_NKEY_SEED,
    OPT_TLS_CA,
    OPT_TLS_CERT,
    OPT_TLS_KEY,
    OPT_PENDING_LIMIT
};

#define PENDING_LIMIT 65536 /* libnats's own default */

/* An option not given takes its variable's value. */
static void from_env(const char **value, const char *variable)
{
    const char *v = getenv(variable);
    if (!*value && v && v[0])
        *value = v;
}

static int check_settings(settings *s)
{
    static const char *const variables[] = {"MAILSLOT_NATS_URL",      "MAILSLOT_NATS_USER",
                                            "MAILSLOT_NATS_PASSWORD", "MAILSLOT_NATS_TOKEN",
                                            "MAILSLOT_NATS_NKEY",     "MAILSLOT_NATS_NKEY_SEED",
                                            "MAILSLOT_NATS_TLS_CA",   "MAILSLOT_NATS_TLS_CERT",
                                            "MAILSLOT_NATS_TLS_KEY",  "MAILSLOT_BRIDGE_SITE"};
    const char **fields[] = {&s->urls,      &s->user,   &s->password, &s->token,   &s->nkey,
                             &s->nkey_seed, &s->tls_ca, &s->tls_cert, &s->tls_key, &s->site};
    for (size_t i = 0; i < sizeof variables / sizeof variables[0]; i++)
        from_env(fields[i], variables[i]);
    if (!s->urls)
        return cli_usage_error(bridge_usage, "no NATS server: give --nats or MAILSLOT_NATS_URL");
    /* Each names its variables too: one of the two may come from there. */
    if (!s->user != !s->password)
        return cli_usage_error(bridge_usage, "--user and --password go together "
                                             "(MAILSLOT_NATS_USER, MAILSLOT_NATS_PASSWORD)");
    if (!s->nkey != !s->nkey_seed)
        return cli_usage_error(bridge_usage, "--nkey and --nkey-seed go together "
                                             "(MAILSLOT_NATS_NKEY, MAILSLOT_NATS_NKEY_SEED)");
    if (!s->tls_cert != !s->tls_key)
        return cli_usage_error(bridge_usage, "--tls-cert and --tls-key go together "
                                             "(MAILSLOT_NATS_TLS_CERT, MAILSLOT_NATS_TLS_KEY)");
    if ((s->user ? 1 : 0) + (s->token ? 1 : 0) + (s->nkey ? 1 : 0) > 1)
        return cli_usage_error(bridge_usage,
                               "give one of --user, --token and --nkey (MAILSLOT_NATS_USER, "
                               "MAILSLOT_NATS_TOKEN, MAILSLOT_NATS_NKEY)");
    for (const char *c = s->site; c && *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '-' || *c == '_'))
            return cli_usage_error(bridge_usage,
                                   "--site takes letters, digits, '-' and '_', not '%s'", s->site);
    return CLI_OK;
}

static int parse_options(int argc, char **argv, settings *s)
{
    static const struct option longopts[] = {
        {"nats", required_argument, NULL, 'n'},
        {"user", required_argument, NULL, OPT_USER},
        {"password", required_argument, NULL, OPT_PASSWORD},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"nkey", required_argument, NULL, OPT_NKEY},
        {"nkey-seed", required_argument, NULL, OPT_NKEY_SEED},
        {"tls-ca", required_argument, NULL, OPT_TLS_CA},
        {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
        {"tls-key", required_argument, NULL, OPT_TLS_KEY},
        {"site", required_argument, NULL, 's'},
        {"port", required_argument, NULL, 'p'},
        {"domain", required_argument, NULL, 'd'},
        {"interface", required_argument, NULL, 'i'},
        {"pending-limit", required_argument, NULL, OPT_PENDING_LIMIT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    memset(s, 0, sizeof *s);
    ms_net_config_defaults(&s->net);
    s->pending_limit = PENDING_LIMIT;
    unsigned set = 0;
    long port;
    opterr = 0;
    int opt, rc = CLI_OK;
    while (rc == CLI_OK && (opt = getopt_long(argc, argv, ":n:s:p:d:i:h", longopts, NULL)) != -1) {
        switch (opt) {
        case 'n':
            s->urls = optarg;
            break;
        case OPT_USER:
            s->user = optarg;
            break;
        case OPT_PASSWORD:
            s->password = optarg;
            break;
        case OPT_TOKEN:
            s->token = optarg;
            break;
        case OPT_NKEY:
            s->nkey = optarg;
            break;
        case OPT_NKEY_SEED:
            s->nkey_seed = optarg;
            break;
        case OPT_TLS_CA:
            s->tls_ca = optarg;
            break;
        case OPT_TLS_CERT:
            s->tls_cert = optarg;
            break;
        case OPT_TLS_KEY:
            s->tls_key = optarg;
            break;
        case 's':
            s->site = optarg;
            break;
        case 'p':
            rc = cli_parse_number(bridge_usage, "--port", optarg, 1, 65535, &port);
            s->net.port = (uint16_t)port;
            set |= MS_NET_SET_PORT;
            break;
        case 'd':
            if (ms_net_config_set_domains(&s->net, optarg, "--domain") != MAILSLOT_OK)
                rc = cli_usage_error(bridge_usage, "%s", cli_internal_detail());
            set |= MS_NET_SET_DOMAINS;
            break;
        case 'i':
            if (ms_net_config_set_interface(&s->net, optarg, "--interface") != MAILSLOT_OK)
                rc = cli_usage_error(bridge_usage, "%s", cli_internal_detail());
            set |= MS_NET_SET_INTERFACE;
            break;
        case OPT_PENDING_LIMIT:
            rc = cli_parse_number(bridge_usage, "--pending-limit", optarg, 1, 16777216,
                                  &s->pending_limit);
            break;
        case 'h':
            fputs(bridge_help, stdout);
            fputs(cli_environment_help, stdout);
            return CLI_HELP_SHOWN;
        default:
            return cli_bad_option(bridge_usage, opt, argv);
        }
    }
    if (rc == CLI_OK && optind < argc)
        rc = cli_usage_error(bridge_usage, "unexpected argument '%s'", argv[optind]);
    if (rc == CLI_OK)
        rc = check_settings(s);
    if (rc == CLI_OK && ms_net_config_from_env(&s->net, set | MS_NET_SET_ENABLED) != MAILSLOT_OK)
        rc = cli_fail_internal(MAILSLOT_E_INVALID);
    return rc;
}

/* ---- the threads' batches ---------------------------------------------------- */

/* Each half of the queue from the forwarder's tap (and the connection
 * callbacks) to the main thread: as many datagrams of this LAN as may wait
 * to be published (4096 of 1 KiB), in records as long as each. */
#define QUEUE_BYTES (4096 * (MS_BRIDGE_RECORD_HEADER + 1024))
/* Kept for changes of state when datagrams fill a half: 64 of them. */
#define STATE_ROOM (64 * (MS_BRIDGE_RECORD_HEADER + 1))
/* What one subscription's delivery thread gathers before it hands its
 * datagrams to the forwarder (at the latest when libnats has no more for
 * it): at least 31 of the largest. */
#define INBOX_BYTES (64 * 1024)
#define INJECT_MAX 64 /* datagrams per ms_forwarder_inject */

typedef enum item_kind { FROM_LAN, STATE } item_kind;

typedef enum link_state { LINK_CONNECTED, LINK_RECONNECTING, LINK_CLOSED } link_state;

/* What the bridge did: X(field, label), in the order they are printed. */
#define BRIDGE_COUNTER_LIST(X)                                                                     \
    X(published, "published")                     /* LAN datagrams sent to NATS */                 \
    X(received, "received")                       /* messages from NATS taken */                   \
    X(resent, "re-sent")                          /* of those, re-sent on this LAN */              \
    X(loops, "loops dropped")                     /* our own, or a marked re-send */               \
    X(disconnected, "dropped while disconnected") /* LAN datagrams while NATS was away */          \
    X(slow_consumer, "slow-consumer drops")       /* dropped by libnats: we were too slow */       \
    X(refused, "refused")                         /* from NATS, broke a rule (bridge.h) */         \
    X(queue_full, "queue full")                   /* LAN datagrams dropped: publishing fell        \
                                                     behind */

typedef struct counters {
#define FIELD(field, label) uint64_t field;
    BRIDGE_COUNTER_LIST(FIELD)
#undef FIELD
} counters;

/* Nanoseconds of the monotonic clock: the age of a batch (ms_bridge_due). */
static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The queue to the main thread, two halves: the other threads add to
 * q.fill, and the main thread takes it whole, leaving its other half
 * (spare) in its place, so that it publishes without q.mu. */
static struct {
    pthread_mutex_t mu;
    ms_bridge_batch fill;
    int sleeping; /* the main thread waits for the pipe: queue_add() writes */
    counters c;   /* every thread adds its own once per batch */
    int wake[2];
} q = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = {-1, -1}};

static unsigned char *spare; /* the main thread's */

/* Each subscription's: libnats calls on_msg on one delivery thread per
 * subscription, which gathers the datagrams here and hands them to the
 * forwarder itself, many at a time. */
typedef struct inbox {
    ms_bridge_batch b;
    counters c; /* not yet added to q.c */
    unsigned char buf[INBOX_BYTES];
} inbox;

/* Under q.mu: adds c to q.c. */
static void add_counters(const counters *c)
{
#define ADD(field, label) q.c.field += c->field;
    BRIDGE_COUNTER_LIST(ADD)
#undef ADD
}

static void add_and_clear(counters *c)
{
    pthread_mutex_lock(&q.mu);
    add_counters(c);
    pthread_mutex_unlock(&q.mu);
    memset(c, 0, sizeof *c);
}

static volatile sig_atomic_t usr1;

static void on_usr1(int signo)
{
    int saved = errno;
    (void)signo;
    usr1 = 1;
    ssize_t n = write(q.wake[1], "u", 1);
    (void)n;
    errno = saved;
}

/* Under q.mu: adds a record to the queue, with keep bytes left over, and
 * wakes the main thread when it sleeps (run() says so under q.mu, having
 * seen the queue empty); or counts it dropped. The clock is read for a
 * queue's first record only: its age is the queue's (ms_bridge_due). */
static void queue_add(item_kind kind, const void *data, size_t len, size_t keep)
{
    if (!ms_bridge_batch_add_at(&q.fill, q.fill.n > 0 ? 0 : now_ns(), (unsigned char)kind, data,
                                len, keep)) {
        q.c.queue_full++;
        return;
    }
    if (q.sleeping) {
        q.sleeping = 0;
        ssize_t n = write(q.wake[1], "q", 1); /* a full pipe has bytes already */
        (void)n;
    }
}

/* The forwarder's tap (I/O thread, under the forwarder's lock). */
static void tap(const unsigned char *datagram, size_t len, int marked, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&q.mu);
    if (marked)
        q.c.loops++; /* another bridge's re-send: it came from NATS */
    else
        queue_add(FROM_LAN, datagram, len, STATE_ROOM);
    pthread_mutex_unlock(&q.mu);
}

static char bridge_id[MS_BRIDGE_ID_LEN + 1];
static const ms_net_config *bridged; /* the domains on_msg takes */

static int carries(const char *domain, void *ctx)
{
    return ms_net_config_has_domain(ctx, domain);
}

/* Hands up to INJECT_MAX datagrams to the forwarder: each is delivered to
 * this host's readers and re-sent on this LAN. */
static void inject(ms_inject *batch, size_t n, counters *c)
{
    ms_forwarder_inject(batch, n, 1);
    for (size_t i = 0; i < n; i++) {
        if (batch[i].rc == MAILSLOT_OK)
            c->resent++;
        else if (batch[i].rc == MAILSLOT_E_INVALID)
            c->refused++;
    }
}

/* The inbox's datagrams to the forwarder, its counters to q.c. */
static void flush_inbox(inbox *in)
{
    ms_inject batch[INJECT_MAX];
    size_t n = 0, at = 0, len;
    unsigned char tag;
    const unsigned char *d;
    while (ms_bridge_batch_next(&in->b, &at, &tag, &d, &len)) {
        batch[n++] = (ms_inject){.datagram = d, .len = len};
        if (n == INJECT_MAX) {
            inject(batch, n, &in->c);
            n = 0;
        }
    }
    if (n > 0)
        inject(batch, n, &in->c);
    ms_bridge_batch_clear(&in->b);
    add_and_clear(&in->c);
}

/* libnats's message callback, on the subscription's delivery thread, which
 * holds no lock of libnats's meanwhile. Checks the message and gathers its
 * datagram; hands the inbox to the forwarder when ms_bridge_batch_due says
 * so: once libnats has no more messages of this subscription waiting, or
 * the inbox may not hold the next, or its oldest datagram has waited
 * MS_BRIDGE_MAX_WAIT_NS (at a steady rate libnats's queue may never be
 * empty). So a lone message goes at once, and a burst in batches; a bridge
 * that cannot keep up leaves messages in libnats's queue (at most 65,536
 * per subscription, subscribe()), whose drops are the slow-consumer
 * drops. */
static void on_msg(natsConnection *nc, natsSubscription *sub, natsMsg *msg, void *ctx)
{
    (void)nc;
    inbox *in = ctx;
    int64_t now = now_ns();
    const char *from = NULL;
    const char *subject = natsMsg_GetSubject(msg);
    const unsigned char *data = (const unsigned char *)natsMsg_GetData(msg);
    int len = natsMsg_GetDataLength(msg);
    ms_packet p;
    if (natsMsgHeader_Get(msg, MS_BRIDGE_ID_HEADER, &from) == NATS_OK && from &&
        strcmp(from, bridge_id) == 0) {
        in->c.loops++; /* our own, should the server echo it after all */
    } else if (len < 0 || (size_t)len > MS_WIRE_MAX_PACKET || !subject ||
               strlen(subject) > MS_BRIDGE_SUBJECT_MAX ||
               ms_bridge_check(subject, data, (size_t)len, carries, (void *)bridged, &p) !=
                   MS_BRIDGE_OK) {
        in->c.refused++;
    } else {
        in->c.received++;
        /* Fits: the inbox went on when the largest might not (below). */
        ms_bridge_batch_add_at(&in->b, now, 0, data, (size_t)len, 0);
    }
    natsMsg_Destroy(msg);
    int waiting = 0;
    if (natsSubscription_GetPending(sub, &waiting, NULL) != NATS_OK)
        waiting = 0;
    /* With nothing waiting, an empty inbox still adds its counters. */
    if (waiting <= 0 || ms_bridge_batch_due(&in->b, now, waiting))
        flush_inbox(in);
}

static void post_state(link_state s)
{
    unsigned char state = (unsigned char)s;
    pthread_mutex_lock(&q.mu);
    /* Room is kept for changes of state when datagrams fill the queue; only
     * 64 of them while the main thread takes none would drop one. */
    queue_add(STATE, &state, 1, 0);
    pthread_mutex_unlock(&q.mu);
}

static void on_connected(natsConnection *nc, void *ctx)
{
    (void)nc;
    (void)ctx;
    post_state(LINK_CONNECTED);
}

static char disconnect_reason[256]; /* under q.mu */

static void on_disconnected(natsConnection *nc, void *ctx)
{
    (void)ctx;
    const char *why = NULL;
    natsStatus st = natsConnection_GetLastError(nc, &why);
    pthread_mutex_lock(&q.mu);
    snprintf(disconnect_reason, sizeof disconnect_reason, "%s",
             st != NATS_OK && why && why[0] ? why : "");
    pthread_mutex_unlock(&q.mu);
    post_state(LINK_RECONNECTING);
}

static void on_closed(natsConnection *nc, void *ctx)
{
    (void)nc;
    (void)ctx;
    post_state(LINK_CLOSED);
}

static void on_error(natsConnection *nc, natsSubscription *sub, natsStatus err, void *ctx)
{
    (void)nc;
    (void)sub;
    (void)ctx;
    /* NATS_SLOW_CONSUMER: the messages dropped are counted exactly by their
     * subscriptions (natsSubscription_GetDropped, print_counters), not once
     * per report here. */
    (void)err;
}

/* ---- NATS ---------------------------------------------------------------------- */

static int nats_fail(const char *what, natsStatus st)
{
    fprintf(stderr, "mailslot: %s: %s\n", what, natsStatus_GetText(st));
    return CLI_FAILURE;
}

/* The servers of a comma-separated list, in list (at most cap). */
static int split_urls(char *urls, const char **list, int cap)
{
    int n = 0;
    for (char *save = NULL, *u = strtok_r(urls, ",", &save); u && n < cap;
         u = strtok_r(NULL, ",", &save))
        if (u[0])
            list[n++] = u;
    return n;
}

/* The option whose value libnats refused last (make_options), for the error. */
static const char *refused_option;

/* The text of libnats's last error without its source location. */
static const char *nats_detail(natsStatus st)
{
    const char *why = nats_GetLastError(NULL);
    if (!why || !why[0])
        return natsStatus_GetText(st);
    const char *end = why[0] == '(' ? strstr(why, "): ") : NULL;
    return end ? end + 3 : why;
}

static natsStatus make_options(const settings *s, char *urls, int retry, natsOptions **out)
{
    const char *servers[16];
    int n = split_urls(urls, servers, 16);
    natsOptions *o = NULL;
    natsStatus st = natsOptions_Create(&o);
    if (st == NATS_OK)
        st = n > 0 ? natsOptions_SetServers(o, servers, n) : NATS_INVALID_ARG;
    if (st == NATS_OK)
        st = natsOptions_SetName(o, "mailslot bridge");
    /* Reconnect for ever; publish nothing that waited for a reconnect
     * (a buffer of one byte: every publish while away fails, counted). */
    if (st == NATS_OK)
        st = natsOptions_SetMaxReconnect(o, -1);
    if (st == NATS_OK)
        st = natsOptions_SetReconnectWait(o, 500);
    if (st == NATS_OK)
        st = natsOptions_SetReconnectBufSize(o, 1);
    if (st == NATS_OK)
        st = natsOptions_SetNoEcho(o, true);
    if (st == NATS_OK)
        st = natsOptions_SetMaxPendingMsgs(o, 65536);
    if (st == NATS_OK && retry)
        st = natsOptions_SetRetryOnFailedConnect(o, true, on_connected, NULL);
    if (st == NATS_OK)
        st = natsOptions_SetDisconnectedCB(o, on_disconnected, NULL);
    if (st == NATS_OK)
        st = natsOptions_SetReconnectedCB(o, on_connected, NULL);
    if (st == NATS_OK)
        st = natsOptions_SetClosedCB(o, on_closed, NULL);
    if (st == NATS_OK)
        st = natsOptions_SetErrorHandler(o, on_error, NULL);
    if (st == NATS_OK && s->user)
        st = natsOptions_SetUserInfo(o, s->user, s->password);
    if (st == NATS_OK && s->token)
        st = natsOptions_SetToken(o, s->token);
    if (st == NATS_OK && s->nkey) {
        refused_option = "--nkey-seed";
        st = natsOptions_SetNKeyFromSeed(o, s->nkey, s->nkey_seed);
    }
    if (st == NATS_OK && (s->tls_ca || s->tls_cert))
        st = natsOptions_SetSecure(o, true);
    if (st == NATS_OK && s->tls_ca) {
        refused_option = "--tls-ca";
        st = natsOptions_LoadCATrustedCertificates(o, s->tls_ca);
    }
    if (st == NATS_OK && s->tls_cert) {
        refused_option = "--tls-cert or --tls-key";
        st = natsOptions_LoadCertificatesChain(o, s->tls_cert, s->tls_key);
    }
    if (st == NATS_OK)
        refused_option = NULL;
    if (st != NATS_OK)
        natsOptions_Destroy(o);
    else
        *out = o;
    return st;
}

/* Whether the file of OPTION can be read, saying why not. libnats reads the
 * seed only when a server asks for a signature: a seed file missing would
 * pass for a refusal by the server, or go unnoticed while the server cannot
 * be reached. And it reports a certificate file it cannot open as "(null)". */
static int readable(const char *option, const char *path)
{
    const char *why = NULL;
    FILE *f = fopen(path, "r");
    if (!f) {
        why = strerror(errno);
    } else {
        setvbuf(f, NULL, _IONBF, 0); /* reads its first byte only */
        if (fgetc(f) == EOF)         /* (a directory opens, and fails here) */
            why = ferror(f) ? strerror(errno) : "the file is empty";
        fclose(f);
    }
    if (why)
        fprintf(stderr, "mailslot: bad NATS settings: %s: cannot read '%s': %s\n", option, path,
                why);
    return why == NULL;
}

/* Whether every file the settings name can be read. */
static int files_readable(const settings *s)
{
    return (!s->nkey_seed || readable("--nkey-seed", s->nkey_seed)) &&
           (!s->tls_ca || readable("--tls-ca", s->tls_ca)) &&
           (!s->tls_cert || readable("--tls-cert", s->tls_cert)) &&
           (!s->tls_key || readable("--tls-key", s->tls_key));
}

/* Why a server that answered refused the first connection. */
static void report_refusal(const settings *s, natsStatus st)
{
    const char *detail = nats_detail(st);
    /* A TLS server that refuses the client's certificate, or wants one, ends
     * the connection with an alert that libnats reports only as the
     * connection closing while it waits for the server's first answer. */
    if ((s->tls_ca || s->tls_cert) &&
        (st == NATS_PROTOCOL_ERROR || st == NATS_CONNECTION_CLOSED || st == NATS_IO_ERROR))
        detail = "the server closed the connection during login without a reason: a TLS server "
                 "does so when it does not accept the client certificate (--tls-cert), or wants "
                 "one";
    fprintf(stderr, "mailslot: NATS refused the connection to %s: %s\n", s->urls, detail);
}

/* Connects: a refusal (credentials, TLS) fails at once; a server that cannot
 * be reached is retried for ever in the background. */
static int connect_nats(const settings *s, natsConnection **nc)
{
    if (!files_readable(s))
        return CLI_FAILURE;
    char *urls = strdup(s->urls);
    natsOptions *o = NULL;
    natsStatus st = urls ? make_options(s, urls, 0, &o) : NATS_NO_MEMORY;
    if (st != NATS_OK) {
        free(urls);
        fprintf(stderr, "mailslot: bad NATS settings%s%s: %s\n", refused_option ? ": " : "",
                refused_option ? refused_option : "", nats_detail(st));
        return CLI_FAILURE;
    }
    st = natsConnection_Connect(nc, o);
    natsOptions_Destroy(o);
    int rc = CLI_OK;
    if (st == NATS_OK) {
        post_state(LINK_CONNECTED);
    } else if (st == NATS_NO_SERVER) {
        printf("nats: cannot reach %s; retrying\n", s->urls);
        fflush(stdout);
        strcpy(urls, s->urls);
        st = make_options(s, urls, 1, &o);
        if (st == NATS_OK) {
            st = natsConnection_Connect(nc, o);
            natsOptions_Destroy(o);
        }
        if (st != NATS_OK && st != NATS_NOT_YET_CONNECTED)
            rc = nats_fail("cannot connect to NATS", st);
    } else {
        report_refusal(s, st);
        rc = CLI_FAILURE;
    }
    free(urls);
    return rc;
}

#define MAX_SUBS (1 + MS_NET_MAX_DOMAINS)

static natsSubscription *subs[MAX_SUBS];
static inbox inboxes[MAX_SUBS];
static size_t nsubs;

static int subscribe(natsConnection *nc, const settings *s)
{
    char queue[80];
    snprintf(queue, sizeof queue, "mailslot-bridge.%s", s->site ? s->site : "");
    bridged = &s->net;
    for (size_t i = 0; i <= s->net.ndomains; i++) {
        char subject[MS_BRIDGE_SUBJECT_MAX + 1];
        const char *domain = i == 0 ? NULL : s->net.domains[i - 1];
        if (!ms_bridge_subscription(domain, subject, sizeof subject))
            return cli_usage_error(bridge_usage, "domain '%s' is too long to bridge", domain);
        inbox *in = &inboxes[nsubs];
        ms_bridge_batch_init(&in->b, in->buf, sizeof in->buf);
        natsStatus st =
            s->site ? natsConnection_QueueSubscribe(&subs[nsubs], nc, subject, queue, on_msg, in)
                    : natsConnection_Subscribe(&subs[nsubs], nc, subject, on_msg, in);
        if (st == NATS_OK)
            st = natsSubscription_SetPendingLimits(subs[nsubs], (int)s->pending_limit,
                                                   64 * 1024 * 1024);
        if (st != NATS_OK)
            return nats_fail("cannot subscribe", st);
        nsubs++;
    }
    /* Once the server has answered a ping it has every subscription:
     * messages from other sites reach this one from then on. */
    if (natsConnection_FlushTimeout(nc, 10000) == NATS_OK) {
        printf("nats: subscribed\n");
        fflush(stdout);
    }
    return CLI_OK;
}

/* ---- the main thread ------------------------------------------------------------ */

static void print_counters(void)
{
    int64_t dropped = 0;
    for (size_t i = 0; i < nsubs; i++) {
        int64_t d = 0;
        if (natsSubscription_GetDropped(subs[i], &d) == NATS_OK)
            dropped += d;
    }
    pthread_mutex_lock(&q.mu);
    counters c = q.c;
    pthread_mutex_unlock(&q.mu);
    c.slow_consumer = (uint64_t)dropped;
    const char *sep = "bridge: ";
#define PRINT(field, label)                                                                        \
    printf("%s" label " %" PRIu64, sep, c.field);                                                  \
    sep = ", ";
    BRIDGE_COUNTER_LIST(PRINT)
#undef PRINT
    putchar('\n');
    fflush(stdout);
}

static void publish(natsConnection *nc, const unsigned char *data, size_t len, counters *c)
{
    ms_packet p;
    char subject[MS_BRIDGE_SUBJECT_MAX + 1];
    if (ms_wire_decode_any(data, len, &p) != MS_WIRE_OK ||
        !ms_bridge_subject(&p, subject, sizeof subject))
        return; /* the forwarder checked it: cannot happen */
    if (natsConnection_Status(nc) != NATS_CONN_STATUS_CONNECTED) {
        c->disconnected++;
        return;
    }
    natsMsg *m = NULL;
    natsStatus st = natsMsg_Create(&m, subject, NULL, (const char *)data, (int)len);
    if (st == NATS_OK)
        st = natsMsgHeader_Set(m, MS_BRIDGE_ID_HEADER, bridge_id);
    if (st == NATS_OK)
        st = natsConnection_PublishMsg(nc, m);
    natsMsg_Destroy(m);
    if (st == NATS_OK)
        c->published++;
    else
        c->disconnected++;
}

static void report_state(link_state st, natsConnection *nc)
{
    char url[256] = "";
    switch (st) {
    case LINK_CONNECTED:
        if (natsConnection_GetConnectedUrl(nc, url, sizeof url) != NATS_OK)
            url[0] = '\0';
        printf("nats: connected to %s\n", url);
        break;
    case LINK_RECONNECTING:
        pthread_mutex_lock(&q.mu);
        if (disconnect_reason[0])
            printf("nats: disconnected (%s)\n", disconnect_reason);
        pthread_mutex_unlock(&q.mu);
        printf("nats: disconnected; reconnecting\n");
        break;
    default:
        printf("nats: closed\n");
        break;
    }
    fflush(stdout);
}

/* Sends what libnats holds of our publishing now. libnats writes its buffer
 * from a flusher thread that first waits 1 ms for more (libnats 3.4,
 * _flusher): most of what a quiet bridge added (0.9 ms of 1.1 ms at 5,000
 * msg/s). Writing each message at once (natsOptions_SetSendAsap) costs a
 * system call per message. A flush (a PING, which writes the buffer at
 * once, then the server's PONG) costs the broker and both bridges a round
 * of system calls and wake-ups, and made the broker write to the other
 * sites in smaller pieces: flushing after every batch doubled the broker's
 * CPU time at 40,000 msg/s and pushed this 2-CPU test machine into
 * saturation. So the bridge flushes at most once per FLUSH_GAP_NS, as often
 * as libnats's flusher writes anyway: a message after a quiet spell goes
 * at once, and steady traffic is written by libnats's flusher within 1 ms,
 * in pieces as large as before. A PONG later than FLUSH_WAIT_MS is not
 * waited for (what was buffered is written all the same). */
#define FLUSH_GAP_NS 1000000
#define FLUSH_WAIT_MS 20

static void flush_nats(natsConnection *nc)
{
    static int64_t last; /* when the last flush ended */
    if (now_ns() - last < FLUSH_GAP_NS || natsConnection_Status(nc) != NATS_CONN_STATUS_CONNECTED)
        return;
    (void)natsConnection_FlushTimeout(nc, FLUSH_WAIT_MS);
    last = now_ns();
}

/* Takes the queue, a half at a time, until it is empty, and publishes; what
 * it published is flushed (flush_nats, at most once per FLUSH_GAP_NS) when
 * ms_bridge_due says so: the queue is empty, or its oldest datagram has
 * waited MS_BRIDGE_MAX_WAIT_NS since the tap. */
static void drain(natsConnection *nc)
{
    size_t unflushed = 0; /* messages published since the last flush */
    int64_t oldest = 0;   /* when the first of them was queued */
    for (;;) {
        pthread_mutex_lock(&q.mu);
        ms_bridge_batch took = q.fill;
        if (took.n > 0)
            ms_bridge_batch_init(&q.fill, spare, QUEUE_BYTES);
        pthread_mutex_unlock(&q.mu);
        if (took.n == 0)
            break;
        counters c = {0};
        size_t at = 0, len;
        unsigned char kind;
        const unsigned char *d;
        while (ms_bridge_batch_next(&took, &at, &kind, &d, &len)) {
            if (kind == FROM_LAN)
                publish(nc, d, len, &c);
            else
                report_state((link_state)d[0], nc);
        }
        spare = took.buf;
        if (c.published > 0 && unflushed == 0)
            oldest = took.first;
        unflushed += c.published;
        add_and_clear(&c);
        pthread_mutex_lock(&q.mu);
        long pending = (long)q.fill.n;
        pthread_mutex_unlock(&q.mu);
        if (ms_bridge_due(unflushed, oldest, now_ns(), pending, 0)) {
            flush_nats(nc);
            unflushed = 0;
        }
    }
    /* Nothing is left unflushed: the last round found the queue empty,
     * which ms_bridge_due takes as due. */
}

static void fwd_state(ms_fwd_state state, void *ctx)
{
    unsigned port = *(const uint16_t *)ctx;
    if (state == MS_FWD_ACTIVE)
        printf("forwarding udp port %u\n", port);
    else if (state == MS_FWD_WAITING)
        printf("waiting: udp port %u is held by another process; not bridging until it ends\n",
               port);
    else if (state == MS_FWD_BLOCKED)
        printf("blocked: udp port %u is held by a program that is not a mailslot forwarder\n",
               port);
    fflush(stdout);
}

static int run(natsConnection *nc)
{
    for (;;) {
        /* Sleeps only on an empty queue, saying so under q.mu: an item
         * queued after that writes to the pipe; one queued before is seen. */
        pthread_mutex_lock(&q.mu);
        int idle = q.fill.n == 0;
        q.sleeping = idle;
        pthread_mutex_unlock(&q.mu);
        int w = cli_wait(q.wake[0], idle ? -1 : 0);
        if (w == CLI_WAIT_STOP)
            break;
        if (w == CLI_WAIT_FAILED)
            return CLI_FAILURE;
        pthread_mutex_lock(&q.mu);
        q.sleeping = 0;
        pthread_mutex_unlock(&q.mu);
        char b[256];
        while (read(q.wake[0], b, sizeof b) > 0)
            ;
        drain(nc);
        if (usr1) {
            usr1 = 0;
            print_counters();
        }
    }
    drain(nc);
    return CLI_OK;
}

static int setup(void)
{
    unsigned char *half = malloc(QUEUE_BYTES);
    spare = malloc(QUEUE_BYTES);
    int ok = half && spare;
    if (ok) { /* their pages now, not under the forwarder's lock in tap() */
        memset(half, 0, QUEUE_BYTES);
        memset(spare, 0, QUEUE_BYTES);
        ms_bridge_batch_init(&q.fill, half, QUEUE_BYTES);
    }
    ok = ok && pipe(q.wake) == 0;
    for (int i = 0; ok && i < 2; i++) {
        int fl = fcntl(q.wake[i], F_GETFL);
        ok = fl >= 0 && fcntl(q.wake[i], F_SETFL, fl | O_NONBLOCK) == 0 &&
             fcntl(q.wake[i], F_SETFD, FD_CLOEXEC) == 0;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    ok = ok && sigaction(SIGUSR1, &sa, NULL) == 0;
    unsigned char id[MS_BRIDGE_ID_LEN / 2];
    ok = ok && ms_plat_random(id, sizeof id) == MAILSLOT_OK;
    for (size_t i = 0; ok && i < sizeof id; i++)
        snprintf(bridge_id + 2 * i, 3, "%02x", id[i]);
    if (!ok) {
        fprintf(stderr, "mailslot: cannot start the bridge: %s\n", strerror(errno));
        return CLI_FAILURE;
    }
    printf("bridge id %s\n", bridge_id); /* its messages' Mailslot-Bridge header */
    fflush(stdout);
    return CLI_OK;
}

int cli_bridge(int argc, char **argv)
{
    settings s;
    int rc = parse_options(argc, argv, &s);
    if (rc != CLI_OK)
        return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
    if (cli_wait_init() != 0 || setup() != CLI_OK)
        return CLI_FAILURE;
    natsConnection *nc = NULL;
    rc = connect_nats(&s, &nc);
    if (rc == CLI_OK)
        rc = subscribe(nc, &s);
    int wanted = 0;
    if (rc == CLI_OK) {
        ms_forwarder_observe(fwd_state, &s.net.port);
        int lib = ms_forwarder_want(&s.net, NULL);
        if (lib != MAILSLOT_OK)
            rc = cli_fail_internal(lib);
        wanted = lib == MAILSLOT_OK;
    }
    if (rc == CLI_OK) {
        ms_forwarder_set_tap(tap, NULL);
        rc = run(nc);
        ms_forwarder_set_tap(NULL, NULL);
    }
    ms_forwarder_observe(NULL, NULL);
    if (wanted)
        ms_forwarder_unwant();
    if (rc == CLI_OK)
        print_counters();
    for (size_t i = 0; i < nsubs; i++)
        natsSubscription_Destroy(subs[i]);
    natsConnection_Destroy(nc);
    nats_Close();
    return rc;
}
