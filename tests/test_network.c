/* SPDX-License-Identifier: MIT */
/* test_network.c -- the network transport on this host: options and
 * environment, the host forwarder (election, takeover, what it accepts), and
 * this host's copies of messages to "*" and domains. Everything goes over
 * loopback only: readers and writers use the loopback interface, and
 * datagrams are sent to 127.0.0.1 or ::1. Several hosts are simulated by the
 * netns test (tests/net). The same suite runs on Linux and, under Wine, on
 * Windows; test_platform.h gives what they spell differently, and
 * test_native_readers what the platforms do differently (Windows readers
 * are native mailslots). */
#include "test_util.h"

#include "packets.h"

#include "auth/auth.h"
#include "net/forward.h"
#include "net/legacy.h"
#include "os.h"
#include "test_platform.h"
#include "testing.h"
#include "transport.h"
#include "net/wire.h"

#include <time.h>

/* ---- helpers --------------------------------------------------------------- */

static mailslot_options *net_options(int port, const char *domains)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_PORT, port));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, test_loopback_interface()));
    if (domains)
        OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, domains));
    return o;
}

/* Options for a writer that keeps to this host: its copies of "*" and
 * domain messages go to this host's readers as packets, as they do with the
 * network on, but nothing is sent (multicast on "lo" would come back to this
 * host's forwarder as a second copy, dropped as a duplicate). */
static mailslot_options *local_writer_options(const char *domains)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 0));
    if (domains)
        OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, domains));
    return o;
}

static mailslot_reader *net_reader(const char *name, int port, const char *domains)
{
    mailslot_options *o = net_options(port, domains);
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

static const char *path_of(const char *name)
{
    static ms_name n;
    OK(ms_name_parse(name, &n));
    return n.path;
}

static size_t make_packet(unsigned char *buf, uint8_t kind, const char *target, const char *path,
                          uint64_t sender, uint32_t seq, const char *payload)
{
    ms_packet p = test_packet(kind, target, path, sender, seq, payload, strlen(payload));
    size_t n = ms_wire_encode(&p, buf, MS_WIRE_MAX_PACKET);
    assert_true(n > 0);
    return n;
}

static void send_packet(int port, uint8_t kind, const char *target, const char *path,
                        uint64_t sender, uint32_t seq, const char *payload)
{
    unsigned char buf[MS_WIRE_MAX_PACKET];
    test_udp_send(0, port, buf, make_packet(buf, kind, target, path, sender, seq, payload));
}

static int64_t stat_of(mailslot_reader *r, int key)
{
    int64_t v = -1;
    OK(mailslot_reader_get_int(r, key, &v));
    return v;
}

/* Waiting for the forwarder of this process to reach a state. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ms_fwd_state state;
} seen = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, MS_FWD_OFF};

static void on_state(ms_fwd_state s, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&seen.mu);
    seen.state = s;
    pthread_cond_broadcast(&seen.cv);
    pthread_mutex_unlock(&seen.mu);
}

/* Fails the test if the state is not reached within 20 s (a deadline for a
 * broken build, not a measure of speed). */
static void wait_state(ms_fwd_state want)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 20;
    pthread_mutex_lock(&seen.mu);
    int rc = 0;
    while (seen.state != want && rc == 0)
        rc = pthread_cond_timedwait(&seen.cv, &seen.mu, &deadline);
    ms_fwd_state got = seen.state;
    pthread_mutex_unlock(&seen.mu);
    if (got != want)
        fail_msg("forwarder state is %s, expected %s", ms_fwd_state_text(got),
                 ms_fwd_state_text(want));
}

static ms_fwd_state state_now(void)
{
    pthread_mutex_lock(&seen.mu);
    ms_fwd_state s = seen.state;
    pthread_mutex_unlock(&seen.mu);
    return s;
}

/* After each test: a test that failed half-way may leave a network reader
 * open, and with it this process's forwarder on that test's port; every
 * later test would then fail (or wait) for it. Stop the suite instead. */
static int forwarder_left_off(void **state)
{
    (void)state;
    if (state_now() != MS_FWD_OFF) {
        fprintf(stderr, "a test left a network reader open (forwarder %s): stopping\n",
                ms_fwd_state_text(state_now()));
        fflush(NULL);
        _exit(1);
    }
    return 0;
}

/* Repeats step while cond holds; fails after 20 s (a deadline for a broken
 * build, not a measure of speed). */
#define WHILE_WAITING(cond, step)                                                                  \
    do {                                                                                           \
        time_t t0_ = time(NULL);                                                                   \
        while (cond) {                                                                             \
            if (time(NULL) - t0_ > 20)                                                             \
                fail_msg("gave up waiting while %s", #cond);                                       \
            step;                                                                                  \
        }                                                                                          \
    } while (0)

static int setup(void **state)
{
    (void)state;
    ms_forwarder_observe(on_state, NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ms_forwarder_observe(NULL, NULL);
    return 0;
}

/* ---- options and environment ------------------------------------------------ */

static void test_network_options_are_checked(void **state)
{
    (void)state;
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    const struct {
        int key;
        int64_t value;
    } bad[] = {{MAILSLOT_OPT_NETWORK, 2},  {MAILSLOT_OPT_NETWORK, -1},    {MAILSLOT_OPT_PORT, 0},
               {MAILSLOT_OPT_PORT, 65536}, {MAILSLOT_OPT_TTL, 0},         {MAILSLOT_OPT_TTL, 256},
               {MAILSLOT_OPT_DOMAIN, 1},   {MAILSLOT_OPT_INTERFACE, 1},   {MAILSLOT_OPT_LEGACY, 2},
               {MAILSLOT_OPT_LEGACY, -1},  {MAILSLOT_OPT_NETBIOS_NAME, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        RC(MAILSLOT_E_INVALID, mailslot_options_set_int(o, bad[i].key, bad[i].value));
    /* "a\\mailslot\\b" and "[a]" hold the host "a" and more. */
    const char *bad_domains[] = {
        "a,,b",     "a,",   ",a",
        "no space", "a\\b", "a\\mailslot\\b",
        "[a]",      "x*y",  "d1,d2,d3,d4,d5,d6,d7,d8,d9,d10,d11,d12,d13,d14,d15,d16,d17"};
    for (size_t i = 0; i < sizeof bad_domains / sizeof bad_domains[0]; i++)
        RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, bad_domains[i]));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "a/b"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "a\tb"));
    /* Windows adapter names have spaces, and may be in any language. */
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "Ethernet 2"));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "R\xc3\xa9seau"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE,
                                                    "an-interface-name-far-longer-than-any-"
                                                    "interface-name-could-ever-be-0123456789"));
    RC(MAILSLOT_E_INVALID, mailslot_options_set_str(o, MAILSLOT_OPT_PORT, "1"));
    const char *bad_netbios[] = {"", "SIXTEEN-CHARS-XX", "box.example", "b\xc3\xa4r", "a\\b", "a*"};
    for (size_t i = 0; i < sizeof bad_netbios / sizeof bad_netbios[0]; i++)
        RC(MAILSLOT_E_INVALID,
           mailslot_options_set_str(o, MAILSLOT_OPT_NETBIOS_NAME, bad_netbios[i]));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_NETBIOS_NAME, "Log-Host 2"));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_LEGACY, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_LEGACY, 0));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, "Sales,ops.example"));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, "")); /* a host in no domain */
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_TTL, 255));
    mailslot_options_free(o);
}

static void test_reader_reports_its_settings(void **state)
{
    (void)state;
    NAME(name, "getint");
    int port = test_free_port();
    mailslot_reader *r = net_reader(name, port, NULL);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_NETWORK), 1);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_PORT), port);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_QUEUE_LIMIT), 65536);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_MAX_MESSAGE_SIZE), MAILSLOT_MAX_LOCAL_MESSAGE);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_READ_TIMEOUT), MAILSLOT_WAIT_FOREVER);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_ALLOW_ANY_USER), 0);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_LEGACY), 0);
    for (int key = MAILSLOT_STAT_NET_RECEIVED; key <= MAILSLOT_STAT_NET_OVER_LIMIT; key++)
        assert_int_equal(stat_of(r, key), 0);
    int64_t v = 77;
    RC(MAILSLOT_E_INVALID, mailslot_reader_get_int(r, MAILSLOT_OPT_DOMAIN, &v));
    RC(MAILSLOT_E_INVALID, mailslot_reader_get_int(r, 0, &v));
    RC(MAILSLOT_E_INVALID, mailslot_reader_get_int(r, 199, &v));
    assert_int_equal(v, 77);
    RC(MAILSLOT_E_INVALID, mailslot_reader_get_int(r, MAILSLOT_OPT_PORT, NULL));
    RC(MAILSLOT_E_INVALID, mailslot_reader_get_int(NULL, MAILSLOT_OPT_PORT, &v));
    mailslot_reader_close(r);
}

static void test_environment_gives_defaults_and_options_win(void **state)
{
    (void)state;
    NAME(name, "env");
    mailslot_reader *r;
    test_setenv("MAILSLOT_PORT", "not-a-port");
    RC(MAILSLOT_E_INVALID, mailslot_create(name, NULL, &r));
    assert_non_null(strstr(mailslot_last_error_detail(), "MAILSLOT_PORT"));
    mailslot_writer *w;
    RC(MAILSLOT_E_INVALID, mailslot_open("\\\\*\\mailslot\\x", NULL, &w));
    /* An option overrides the bad variable; the others still apply. */
    int port = test_free_port();
    r = net_reader(name, port, NULL);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_PORT), port);
    mailslot_reader_close(r);
    test_unsetenv("MAILSLOT_PORT");

    char text[16];
    snprintf(text, sizeof text, "%d", port);
    test_setenv("MAILSLOT_PORT", text);
    test_setenv("MAILSLOT_INTERFACE", test_loopback_interface());
    test_setenv("MAILSLOT_NETWORK", "1");
    OK(mailslot_create(name, NULL, &r));
    assert_int_equal(stat_of(r, MAILSLOT_OPT_PORT), port);
    assert_int_equal(stat_of(r, MAILSLOT_OPT_NETWORK), 1);
    mailslot_reader_close(r);
    const char *bad[][2] = {{"MAILSLOT_NETWORK", "yes"},
                            {"MAILSLOT_TTL", "0"},
                            {"MAILSLOT_DOMAIN", "a,,b"},
                            {"MAILSLOT_INTERFACE", "a/b"},
                            {"MAILSLOT_PORT", "70000"},
                            {"MAILSLOT_LEGACY", "2"},
                            {"MAILSLOT_NETBIOS_NAME", "box.example"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *old = getenv(bad[i][0]) ? strdup(getenv(bad[i][0])) : NULL;
        test_setenv(bad[i][0], bad[i][1]);
        RC(MAILSLOT_E_INVALID, mailslot_create(name, NULL, &r));
        assert_non_null(strstr(mailslot_last_error_detail(), bad[i][0]));
        if (old)
            test_setenv(bad[i][0], old);
        else
            test_unsetenv(bad[i][0]);
        free(old);
    }
    test_unsetenv("MAILSLOT_PORT");
    test_unsetenv("MAILSLOT_INTERFACE");
    test_setenv("MAILSLOT_NETWORK", "0");
}

static void test_missing_interface_fails_clearly(void **state)
{
    (void)state;
    NAME(name, "noif");
    mailslot_options *o = net_options(test_free_port(), NULL);
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "nosuchif9"));
    mailslot_reader *r = NULL;
    RC(MAILSLOT_E_NETWORK, mailslot_create(name, o, &r));
    assert_null(r);
    assert_non_null(strstr(mailslot_last_error_detail(), "nosuchif9"));
    mailslot_writer *w = NULL;
    RC(MAILSLOT_E_NETWORK, mailslot_open("\\\\*\\mailslot\\x", o, &w));
    assert_null(w);
    /* The name was given back: a reader without the bad interface gets it. */
    OK(mailslot_create(name, NULL, &r));
    mailslot_reader_close(r);
    mailslot_options_free(o);
}

/* ---- this host's copy -------------------------------------------------------- */

static void test_star_and_own_domain_reach_this_host_once(void **state)
{
    (void)state;
    NAME(name, "copy");
    int port = test_free_port();
    mailslot_reader *r = net_reader(name, port, "sales,ops");
    const char *targets[] = {"*", "sales", "OPS"};
    mailslot_options *o = local_writer_options("sales,ops");
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        char full[200];
        snprintf(full, sizeof full, "\\\\%s\\mailslot\\%s", targets[i], name);
        mailslot_writer *w;
        OK(mailslot_open(full, o, &w));
        OK(mailslot_write(w, targets[i], strlen(targets[i])));
        mailslot_writer_close(w);
        expect_text(r, targets[i]);
    }
    expect_empty(r);
    assert_int_equal(stat_of(r, MAILSLOT_STAT_NET_RECEIVED), 3);
    mailslot_options_free(o);
    mailslot_reader_close(r);
}

static void test_network_limit_applies_to_this_hosts_copy(void **state)
{
    (void)state;
    NAME(name, "netbig");
    int port = test_free_port();
    mailslot_reader *r = net_reader(name, port, NULL);
    mailslot_options *o = local_writer_options(NULL);
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, o, &w));
    static unsigned char big[MAILSLOT_MAX_NETWORK_MESSAGE + 1];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (unsigned char)(i * 13 + 1);
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, sizeof big));
    OK(mailslot_write(w, big, MAILSLOT_MAX_NETWORK_MESSAGE));
    expect_message(r, big, MAILSLOT_MAX_NETWORK_MESSAGE);
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_options_free(o);
    mailslot_reader_close(r);
}

/* A full reader drops this host's copy of a broadcast and counts it; the
 * write itself succeeded (it went to the network). */
static void test_full_reader_counts_dropped_broadcast(void **state)
{
    (void)state;
    NAME(name, "netfull");
    int port = test_free_port();
    mailslot_options *o = net_options(port, NULL);
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_QUEUE_LIMIT, 1));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    o = local_writer_options(NULL);
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, o, &w));
    OK(mailslot_write(w, "1", 1));
    OK(mailslot_write(w, "2", 1));
    OK(mailslot_write(w, "3", 1));
    /* All three are in the reader's socket now; info takes them in, in order. */
    uint32_t count;
    OK(mailslot_info(r, NULL, NULL, &count, NULL));
    assert_int_equal(count, 1);
    expect_text(r, "1");
    expect_empty(r);
    assert_int_equal(stat_of(r, MAILSLOT_STAT_NET_OVER_LIMIT), 2);
    assert_int_equal(stat_of(r, MAILSLOT_STAT_NET_RECEIVED), 1);
    mailslot_writer_close(w);
    mailslot_options_free(o);
    mailslot_reader_close(r);
}

/* ---- the forwarder ------------------------------------------------------------ */

static void test_forwarder_passes_datagrams_to_readers(void **state)
{
    (void)state;
    NAME(name, "fwd");
    NAME(other, "fwd-other");
    int port = test_free_port();
    mailslot_reader *r = net_reader(name, port, "sales");
    mailslot_reader *r2 = net_reader(other, port, "sales");
    assert_int_equal(state_now(), MS_FWD_ACTIVE);
    ms_fwd_counters before, after;
    ms_forwarder_counters(&before);
    char host[256];
    test_host_name(host, sizeof host);
    assert_true(host[0] != '\0');
    for (char *p = host; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    const char *path = strdup(path_of(name));
    send_packet(port, MS_WIRE_TO_ALL, "", path, 7, 0, "to all");
    send_packet(port, MS_WIRE_TO_ALL, "", path, 7, 0, "to all"); /* a second copy */
    send_packet(port, MS_WIRE_TO_DOMAIN, "sales", path, 7, 1, "to sales");
    send_packet(port, MS_WIRE_TO_DOMAIN, "elsewhere", path, 7, 2, "not ours");
    send_packet(port, MS_WIRE_TO_HOST, host, path, 7, 3, "to this host");
    send_packet(port, MS_WIRE_TO_HOST, "127.0.0.1", path, 7, 4, "to 127.0.0.1");
    send_packet(port, MS_WIRE_TO_HOST, "some-other-host", path, 7, 5, "not ours");
    send_packet(port, MS_WIRE_TO_ALL, "", "nobody\\here", 7, 6, "no reader");
    send_packet(port, MS_WIRE_TO_ALL, "", path_of(other), 8, 0, "to the other reader");
    test_udp_send(0, port, "garbage", 7);
    test_udp_send(0, port, "MSLT\x03\0\0\0\0\1\0\0xxxxxxxxxxxxa", 25);
    send_packet(port, MS_WIRE_TO_ALL, "", path, 7, 7, "last");
    const char *want[] = {"to all", "to sales", "to this host", "to 127.0.0.1", "last"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        expect_text(r, want[i]);
    expect_empty(r);
    expect_text(r2, "to the other reader");
    /* The forwarder adds a datagram's counts once it has delivered it. */
    ms_forwarder_counters(&after);
    WHILE_WAITING(after.datagrams - before.datagrams < 12, ms_forwarder_counters(&after));
    assert_int_equal(after.datagrams - before.datagrams, 12);
    assert_int_equal(after.not_for_us - before.not_for_us, 2);
    assert_int_equal(after.no_reader - before.no_reader, 1);
    assert_int_equal(after.malformed - before.malformed, 1);
    assert_int_equal(after.unknown_version - before.unknown_version, 1);
    assert_int_equal(stat_of(r, MAILSLOT_STAT_NET_RECEIVED), 5);
    /* The second copy: dropped by the forwarder (Windows), or forwarded
     * and dropped by the reader (Linux). */
    assert_int_equal(after.duplicate - before.duplicate, test_native_readers ? 1 : 0);
    assert_int_equal(after.forwarded - before.forwarded, test_native_readers ? 6 : 7);
    assert_int_equal(stat_of(r, MAILSLOT_STAT_NET_DUPLICATE), test_native_readers ? 0 : 1);
    free((void *)path);
    mailslot_reader_close(r2);
    mailslot_reader_close(r);
    assert_int_equal(state_now(), MS_FWD_OFF);
}

/* ---- keys ------------------------------------------------------------------- */

/* The key of the tests with keys, its key file line and its subkeys. */
static const char *test_key(ms_auth_key *k)
{
    static char line[80] = "key ";
    unsigned char raw[MS_AUTH_KEY_BYTES];
    for (int i = 0; i < MS_AUTH_KEY_BYTES; i++) {
        raw[i] = (unsigned char)(0xA0 + i);
        snprintf(line + 4 + 2 * i, 3, "%02x", raw[i]);
    }
    OK(ms_auth_key_init(k, raw));
    return line;
}

static mailslot_reader *keyed_net_reader(const char *name, int port, const char *keys)
{
    mailslot_options *o = net_options(port, NULL);
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_KEYS, keys));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_AUTH_LOG, 0));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    mailslot_options_free(o);
    return r;
}

/* Sends text to "*"'s reader of path, sealed with k in suite at time t. */
static void send_sealed(int port, const ms_auth_key *k, int suite, const char *path,
                        uint64_t sender, uint32_t seq, uint64_t t, const char *text, int tamper)
{
    ms_packet p = test_packet(MS_WIRE_TO_ALL, "", path, sender, seq, text, strlen(text));
    unsigned char nonce[MS_AUTH_NONCE_BYTES] = {(unsigned char)seq, 1};
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = ms_auth_seal(k, suite, &p, t, nonce, buf, sizeof buf);
    assert_true(n > 0);
    if (tamper)
        buf[n - 1] ^= 1;
    test_udp_send(0, port, buf, n);
}

/* A count of what was done with keys: the reader's (Linux: readers check
 * their packets), or this process's forwarder's since `since` (Windows: the
 * forwarder checks for native readers, whose own counters stay 0). */
static int64_t keyed_count(mailslot_reader *r, const ms_fwd_counters *since, int key)
{
    if (!test_native_readers)
        return stat_of(r, key);
    assert_int_equal(stat_of(r, key), 0);
    ms_fwd_counters c;
    ms_forwarder_counters(&c);
    switch (key) {
    case MAILSLOT_STAT_AUTH_NONE:
        return (int64_t)(c.auth_none - since->auth_none);
    case MAILSLOT_STAT_AUTH_BAD_TAG:
        return (int64_t)(c.auth_bad_tag - since->auth_bad_tag);
    case MAILSLOT_STAT_AUTH_STALE:
        return (int64_t)(c.auth_stale - since->auth_stale);
    case MAILSLOT_STAT_AUTH_VERIFIED:
        return (int64_t)(c.auth_verified - since->auth_verified);
    default:
        fail_msg("no forwarder counter for %d", key);
        return -1;
    }
}

/* Sealed packets (PROTOCOL.md section 8), the encrypted ones (version 2)
 * too, reach a keyed reader through the forwarder: passed unopened and
 * checked by the reader (Linux), or checked and opened by the forwarder,
 * which writes the message to the native mailslot (Windows). Unsigned,
 * tampered and stale ones do not. */
static void test_forwarder_passes_sealed_packets(void **state)
{
    (void)state;
    if (!ms_auth_available())
        skip(); /* built without libsodium: test_netauth says so */
    NAME(name, "fwd-sealed");
    int port = test_free_port();
    ms_auth_key k;
    mailslot_reader *r = keyed_net_reader(name, port, test_key(&k));
    ms_fwd_counters before, after;
    ms_forwarder_counters(&before);
    const char *path = strdup(path_of(name));
    uint64_t now = ms_plat_wall_ms();
    send_sealed(port, &k, MS_AUTH_SUITE_HMAC, path, 77, 0, now, "signed", 0);
    expect_text(r, "signed");
    send_sealed(port, &k, MS_AUTH_SUITE_AEAD, path, 77, 1, now, "encrypted", 0);
    expect_text(r, "encrypted");
    send_packet(port, MS_WIRE_TO_ALL, "", path, 78, 0, "unsigned");
    send_sealed(port, &k, MS_AUTH_SUITE_AEAD, path, 77, 2, now, "tampered", 1);
    /* Far in the past: a replayed capture. */
    send_sealed(port, &k, MS_AUTH_SUITE_HMAC, path, 77, 3, now - 3600000, "stale", 0);
    WHILE_WAITING(keyed_count(r, &before, MAILSLOT_STAT_AUTH_STALE) < 1, sched_yield());
    assert_int_equal(keyed_count(r, &before, MAILSLOT_STAT_AUTH_NONE), 1);
    assert_int_equal(keyed_count(r, &before, MAILSLOT_STAT_AUTH_BAD_TAG), 1);
    assert_int_equal(keyed_count(r, &before, MAILSLOT_STAT_AUTH_VERIFIED), 2);
    expect_empty(r);
    ms_forwarder_counters(&after);
    assert_int_equal(after.forwarded - before.forwarded, test_native_readers ? 2 : 5);
    assert_int_equal(after.no_key, before.no_key);
    free((void *)path);
    mailslot_reader_close(r);
}

/* A keyed reader is never given unverified network messages, whichever
 * process forwards: a forwarder without keys (another process's) passes
 * packets unopened to a reader that checks them (Linux), or passes a
 * native mailslot nothing (Windows: the reader's keyed marker); once this
 * process, with keys, takes over, they arrive. */
static void test_a_forwarder_without_keys_gives_keyed_readers_nothing_unverified(void **state)
{
    (void)state;
    if (!ms_auth_available())
        skip(); /* built without libsodium: test_netauth says so */
    NAME(first, "keyless-owner");
    NAME(name, "keyed-heir");
    NAME(plain, "keyless-heir");
    int port = test_free_port();
    test_process *owner = test_forwarder_process(first, port); /* no keys */
    ms_auth_key k;
    mailslot_reader *r = keyed_net_reader(name, port, test_key(&k));
    mailslot_reader *rp = net_reader(plain, port, NULL);
    wait_state(MS_FWD_WAITING);
    const char *path = strdup(path_of(name));
    uint64_t now = ms_plat_wall_ms();
    send_sealed(port, &k, MS_AUTH_SUITE_HMAC, path, 90, 0, now, "signed", 0);
    send_packet(port, MS_WIRE_TO_ALL, "", path, 91, 0, "unsigned");
    /* The owner forwards in order: once the reader without keys has its
     * message, the owner has decided on the two before. */
    send_packet(port, MS_WIRE_TO_ALL, "", path_of(plain), 92, 0, "to the keyless");
    expect_text(rp, "to the keyless");
    if (test_native_readers) {
        expect_empty(r); /* nothing, not even the signed one */
    } else {
        expect_text(r, "signed");
        WHILE_WAITING(stat_of(r, MAILSLOT_STAT_AUTH_NONE) < 1, expect_empty(r));
    }
    test_process_kill(owner);
    wait_state(MS_FWD_ACTIVE);
    send_sealed(port, &k, MS_AUTH_SUITE_AEAD, path, 90, 1, now, "after the takeover", 0);
    expect_text(r, "after the takeover");
    send_packet(port, MS_WIRE_TO_ALL, "", path, 91, 1, "unsigned");
    send_packet(port, MS_WIRE_TO_ALL, "", path_of(plain), 92, 1, "to the keyless");
    expect_text(rp, "to the keyless");
    expect_empty(r);
    free((void *)path);
    mailslot_reader_close(rp);
    mailslot_reader_close(r);
}

static void test_forwarder_receives_ipv6(void **state)
{
    (void)state;
    if (!test_have_ipv6())
        skip(); /* a host without IPv6 */
    NAME(name, "fwd6");
    int port = test_free_port();
    mailslot_reader *r = net_reader(name, port, NULL);
    unsigned char buf[MS_WIRE_MAX_PACKET];
    size_t n = make_packet(buf, MS_WIRE_TO_HOST, "::1", path_of(name), 3, 0, "over ipv6");
    test_udp_send(1, port, buf, n);
    expect_text(r, "over ipv6");
    mailslot_reader_close(r);
}

/* A reader that keeps to its host gets nothing from the network: it drops
 * what the forwarder passes it (Linux), or the forwarder passes it nothing
 * (Windows: the reader's marker). */
static void test_local_only_reader_drops_network_packets(void **state)
{
    (void)state;
    NAME(name, "fwd-local");
    NAME(net, "fwd-net");
    int port = test_free_port();
    mailslot_reader *fwd = net_reader(net, port, NULL); /* runs the forwarder */
    mailslot_options *o = net_options(port, NULL);
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 0));
    mailslot_reader *r;
    OK(mailslot_create(name, o, &r));
    ms_fwd_counters before, now;
    ms_forwarder_counters(&before);
    send_packet(port, MS_WIRE_TO_ALL, "", path_of(name), 5, 0, "from the network");
    /* ... while its host's own broadcasts still reach it. */
    char full[200];
    snprintf(full, sizeof full, "\\\\*\\mailslot\\%s", name);
    mailslot_writer *w;
    OK(mailslot_open(full, o, &w));
    OK(mailslot_write(w, "from this host", 14));
    expect_text(r, "from this host");
    /* The forwarder's connection is not ordered with the writer's: look
     * (each empty read drains what arrived) until the drop is counted. */
    if (test_native_readers) {
        ms_forwarder_counters(&now);
        WHILE_WAITING(now.no_reader == before.no_reader, {
            expect_empty(r);
            ms_forwarder_counters(&now);
        });
        assert_int_equal(now.no_reader - before.no_reader, 1);
        assert_int_equal(now.forwarded, before.forwarded);
    } else {
        WHILE_WAITING(stat_of(r, MAILSLOT_STAT_NET_MISADDRESSED) == 0, expect_empty(r));
        assert_int_equal(stat_of(r, MAILSLOT_STAT_NET_MISADDRESSED), 1);
    }
    expect_empty(r);
    mailslot_writer_close(w);
    mailslot_options_free(o);
    mailslot_reader_close(r);
    mailslot_reader_close(fwd);
}

static void test_another_process_takes_over(void **state)
{
    (void)state;
    NAME(first, "owner");
    NAME(name, "heir");
    int port = test_free_port();
    test_process *owner = test_forwarder_process(first, port);
    mailslot_reader *r = net_reader(name, port, NULL);
    wait_state(MS_FWD_WAITING);
    test_process_kill(owner);
    wait_state(MS_FWD_ACTIVE);
    send_packet(port, MS_WIRE_TO_ALL, "", path_of(name), 11, 0, "after the takeover");
    expect_text(r, "after the takeover");
    mailslot_reader_close(r);
}

static void test_foreign_port_holder_is_waited_out(void **state)
{
    (void)state;
    NAME(name, "blocked");
    int port = test_free_port();
    intptr_t squatter = test_udp_bind(port);
    assert_true(squatter != -1);
    mailslot_reader *r = net_reader(name, port, NULL); /* the reader itself works */
    assert_int_equal(state_now(), MS_FWD_BLOCKED);
    test_udp_close(squatter);
    wait_state(MS_FWD_ACTIVE);
    send_packet(port, MS_WIRE_TO_ALL, "", path_of(name), 12, 0, "port is ours");
    expect_text(r, "port is ours");
    mailslot_reader_close(r);
}

/* The forwarder runs while any network reader of the process does. */
static void test_forwarder_follows_its_readers(void **state)
{
    (void)state;
    NAME(a, "life-a");
    NAME(b, "life-b");
    int port = test_free_port();
    mailslot_reader *ra = net_reader(a, port, NULL);
    mailslot_reader *rb = net_reader(b, port, NULL);
    assert_int_equal(state_now(), MS_FWD_ACTIVE);
    mailslot_reader_close(ra);
    assert_int_equal(state_now(), MS_FWD_ACTIVE);
    send_packet(port, MS_WIRE_TO_ALL, "", path_of(b), 13, 0, "still here");
    expect_text(rb, "still here");
    mailslot_reader_close(rb);
    assert_int_equal(state_now(), MS_FWD_OFF);
    /* And the port is free for anyone. */
    intptr_t s = test_udp_bind(port);
    assert_true(s != -1);
    test_udp_close(s);
}

/* ---- legacy mode: what a writer refuses ------------------------------------ */

/* A writer's options in legacy mode on every interface. Nothing these
 * tests open sends anything: each fails at open, or its write is refused
 * before it is sent. */
static mailslot_options *legacy_options(const char *domains)
{
    mailslot_options *o;
    OK(mailslot_options_new(&o));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 1));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_LEGACY, 1));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_NETBIOS_NAME, "libhost"));
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_DOMAIN, domains));
    return o;
}

static void expect_detail(const char *detail)
{
    if (!strstr(mailslot_last_error_detail(), detail))
        fail_msg("the detail \"%s\" does not say \"%s\"", mailslot_last_error_detail(), detail);
}

static void expect_open_fails(const char *name, const mailslot_options *o, int code,
                              const char *detail)
{
    mailslot_writer *w = NULL;
    RC(code, mailslot_open(name, o, &w));
    assert_null(w);
    expect_detail(detail);
}

static void test_legacy_writer_refuses_names_netbios_cannot_carry(void **state)
{
    (void)state;
    mailslot_options *o = legacy_options("mstest,sixteencharsdoms,my.domain");
    expect_open_fails("\\\\*\\mailslot\\caf\xc3\xa9", o, MAILSLOT_E_NAME, "is not ASCII");
    expect_open_fails("\\\\mstest\\mailslot\\\xc3\xa9t\xc3\xa9", o, MAILSLOT_E_NAME,
                      "is not ASCII");
    expect_open_fails("\\\\sixteencharsdoms\\mailslot\\x", o, MAILSLOT_E_NAME,
                      "the domain \"sixteencharsdoms\" is not a NetBIOS name");
    expect_open_fails("\\\\my.domain\\mailslot\\x", o, MAILSLOT_E_NAME,
                      "the domain \"my.domain\" is not a NetBIOS name");
    /* Refused before any lookup: a NetBIOS datagram cannot name it. */
    expect_open_fails("\\\\host.example.org\\mailslot\\x", o, MAILSLOT_E_NAME,
                      "the host \"host.example.org\" is not a NetBIOS name");
    expect_open_fails("\\\\192.0.2.77\\mailslot\\x", o, MAILSLOT_E_NAME,
                      "the host \"192.0.2.77\" is not a NetBIOS name");
    mailslot_options_free(o);
    /* "*" goes to the workgroup, the first domain: it must be a NetBIOS name. */
    o = legacy_options("my.domain,mstest");
    expect_open_fails("\\\\*\\mailslot\\x", o, MAILSLOT_E_NAME,
                      "the workgroup (the first domain) \"my.domain\" is not a NetBIOS name");
    mailslot_options_free(o);
    o = legacy_options("");
    expect_open_fails("\\\\*\\mailslot\\x", o, MAILSLOT_E_INVALID, "none is set");
    mailslot_options_free(o);
}

static void test_legacy_writer_refuses_keys(void **state)
{
    (void)state;
    mailslot_options *o = legacy_options("mstest");
    OK(mailslot_options_set_str(
        o, MAILSLOT_OPT_KEYS,
        "key 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"));
    expect_open_fails("\\\\*\\mailslot\\x", o, MAILSLOT_E_INVALID,
                      "legacy mode has no authentication");
    expect_open_fails("\\\\mstest\\mailslot\\x", o, MAILSLOT_E_INVALID,
                      "legacy mode has no authentication");
    /* Without legacy mode the same keys are welcome. */
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_LEGACY, 0));
    OK(mailslot_options_set_int(o, MAILSLOT_OPT_NETWORK, 0));
    mailslot_writer *w = NULL;
    OK(mailslot_open("\\\\*\\mailslot\\x", o, &w));
    mailslot_writer_close(w);
    mailslot_options_free(o);
}

/* The datagrams go to each interface's broadcast address: an interface that
 * does not exist, or does not broadcast (loopback), is refused at open.
 * Where the system sends remote mailslots itself (Windows), it chooses. */
static void test_legacy_writer_needs_an_interface_that_broadcasts(void **state)
{
    (void)state;
    if (ms_remote_writer_native())
        skip();
    mailslot_options *o = legacy_options("mstest");
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, "nosuchif9"));
    expect_open_fails("\\\\*\\mailslot\\x", o, MAILSLOT_E_NETWORK, "\"nosuchif9\"");
    OK(mailslot_options_set_str(o, MAILSLOT_OPT_INTERFACE, test_loopback_interface()));
    expect_open_fails("\\\\mstest\\mailslot\\x", o, MAILSLOT_E_NETWORK,
                      "no network interface that broadcasts");
    mailslot_options_free(o);
}

/* At most 424 bytes, and less when the slot's name leaves less of the 512
 * bytes of a datagram's SMB part: 443 bytes for "\MAILSLOT\path", its 0 and
 * the data. */
static void test_legacy_writer_limits_messages(void **state)
{
    (void)state;
    /* Nothing is sent (the writes are refused), so a short name of no
     * reader's is safe: a unique name would be longer than the 424 bytes
     * leave room for. Where the system sends remote mailslots (Windows),
     * opening needs them on, which Wine cannot (test_semantics_win32 checks
     * that the open fails cleanly there); the limits are the same code. */
    if (ms_remote_writer_native())
        skip();
    mailslot_options *o = legacy_options("mstest");
    static unsigned char big[MS_LEGACY_MAX_DATA + 1];
    mailslot_writer *w = NULL;
    OK(mailslot_open("\\\\*\\mailslot\\x", o, &w));
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, MS_LEGACY_MAX_DATA + 1));
    expect_detail("limit of 424");
    mailslot_writer_close(w);
    /* A path of 240 bytes: 443 - 10 - 240 - 1 = 192 bytes of data. */
    char path[241], full[300];
    memset(path, 'p', 240);
    path[240] = '\0';
    snprintf(full, sizeof full, "\\\\mstest\\mailslot\\%s", path);
    OK(mailslot_open(full, o, &w));
    RC(MAILSLOT_E_TOO_BIG, mailslot_write(w, big, 193));
    expect_detail("limit of 192");
    mailslot_writer_close(w);
    mailslot_options_free(o);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_network_options_are_checked, forwarder_left_off),
        cmocka_unit_test_teardown(test_reader_reports_its_settings, forwarder_left_off),
        cmocka_unit_test_teardown(test_environment_gives_defaults_and_options_win,
                                  forwarder_left_off),
        cmocka_unit_test_teardown(test_missing_interface_fails_clearly, forwarder_left_off),
        cmocka_unit_test_teardown(test_star_and_own_domain_reach_this_host_once,
                                  forwarder_left_off),
        cmocka_unit_test_teardown(test_network_limit_applies_to_this_hosts_copy,
                                  forwarder_left_off),
        cmocka_unit_test_teardown(test_full_reader_counts_dropped_broadcast, forwarder_left_off),
        cmocka_unit_test_teardown(test_forwarder_passes_datagrams_to_readers, forwarder_left_off),
        cmocka_unit_test_teardown(test_forwarder_passes_sealed_packets, forwarder_left_off),
        cmocka_unit_test_teardown(test_forwarder_receives_ipv6, forwarder_left_off),
        cmocka_unit_test_teardown(test_local_only_reader_drops_network_packets, forwarder_left_off),
        cmocka_unit_test_teardown(test_another_process_takes_over, forwarder_left_off),
        cmocka_unit_test_teardown(
            test_a_forwarder_without_keys_gives_keyed_readers_nothing_unverified,
            forwarder_left_off),
        cmocka_unit_test_teardown(test_foreign_port_holder_is_waited_out, forwarder_left_off),
        cmocka_unit_test_teardown(test_forwarder_follows_its_readers, forwarder_left_off),
        cmocka_unit_test_teardown(test_legacy_writer_refuses_names_netbios_cannot_carry,
                                  forwarder_left_off),
        cmocka_unit_test_teardown(test_legacy_writer_refuses_keys, forwarder_left_off),
        cmocka_unit_test_teardown(test_legacy_writer_needs_an_interface_that_broadcasts,
                                  forwarder_left_off),
        cmocka_unit_test_teardown(test_legacy_writer_limits_messages, forwarder_left_off),
    };
    if (getenv("TEST_FILTER"))
        cmocka_set_test_filter(getenv("TEST_FILTER"));
    if (getenv("TEST_SKIP"))
        cmocka_set_skip_filter(getenv("TEST_SKIP"));
    return MS_RUN_TESTS("network", tests, setup, teardown);
}
