/* SPDX-License-Identifier: MIT */
/* test_legacyrecv.c -- the host forwarder's decision on the datagrams of
 * Windows hosts (src/net/legacyrecv.c): which names are this host's, which
 * datagrams are its own, copies, the slot a mailslot name maps to, and the
 * counters of each drop. The datagrams come from ms_legacy_encode, which
 * test_legacy checks byte by byte against what Windows sends. */
#include "test_util.h"

#include "net/legacyrecv.h"

static const char hello[] = "hello, world";

typedef struct dgram {
    unsigned char buf[MS_LEGACY_MAX_DATAGRAM];
    size_t len;
} dgram;

/* A write of hello to mailslot from SENDER at 192.0.2.10 to dest<suffix>. */
static dgram make(const char *dest, uint8_t suffix, const char *mailslot, uint16_t id)
{
    ms_legacy_datagram d = {.type = MS_LEGACY_DIRECT_GROUP,
                            .flags = MS_LEGACY_FLAG_FIRST | MS_LEGACY_NODE_M,
                            .id = id,
                            .source_ip = 0xC000020Au,
                            .source_port = MS_LEGACY_PORT,
                            .priority = 1,
                            .mailslot = mailslot,
                            .mailslot_len = strlen(mailslot),
                            .data = (const unsigned char *)hello,
                            .data_len = sizeof hello - 1};
    assert_int_equal(ms_legacy_name_make("sender", 6, 0, &d.source), 0);
    assert_int_equal(ms_legacy_name_make(dest, strlen(dest), suffix, &d.destination), 0);
    dgram g;
    g.len = ms_legacy_encode(&d, g.buf, sizeof g.buf);
    assert_true(g.len > 0);
    return g;
}

/* A host named "libhost.example.org" in domains workgroup and mstest, and
 * one that no NetBIOS name can address. */
static void setup_host(ms_legacy_recv *r, const char *netbios_name)
{
    ms_net_config cfg;
    ms_net_config_defaults(&cfg);
    OK(ms_net_config_set_domains(&cfg, "workgroup,mstest,a.dotted.domain", "test"));
    if (netbios_name)
        OK(ms_net_config_set_netbios_name(&cfg, netbios_name, "test"));
    assert_int_equal(ms_legacy_recv_init(r, &cfg, "libhost.example.org"), 0);
}

/* The verdict on g at time now, from another host; the slot path it goes
 * to in path. */
static ms_legacy_verdict check_at(ms_legacy_recv *r, const dgram *g, int64_t now, char *path,
                                  ms_fwd_counters *c)
{
    ms_legacy_decision out;
    ms_legacy_verdict v = ms_legacy_recv_check(r, g->buf, g->len, 0, now, &out, c);
    if (v == MS_LEGACY_DELIVER) {
        assert_string_equal(out.why, "");
        assert_int_equal(out.len, g->len);
        assert_int_equal(out.d.data_len, sizeof hello - 1);
        assert_memory_equal(out.d.data, hello, sizeof hello - 1);
        strcpy(path, out.path);
    } else {
        assert_true(out.why[0] != '\0');
    }
    return v;
}

static ms_legacy_verdict check(ms_legacy_recv *r, const dgram *g, ms_fwd_counters *c)
{
    char path[MS_PATH_MAX + 1];
    static int64_t now = 1000;
    /* Each check a window later than the last: no copies unless asked. */
    now += 2 * MS_LEGACY_DEDUP_MS;
    return check_at(r, g, now, path, c);
}

/* \\LIBHOST\mailslot\logger: LIBHOST<00>, the first label of the host name. */
static void test_own_name_unique(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    char path[MS_PATH_MAX + 1];
    dgram g = make("LIBHOST", 0x00, "\\MAILSLOT\\logger", 1);
    assert_int_equal(check_at(&r, &g, 5000, path, &c), MS_LEGACY_DELIVER);
    assert_string_equal(path, "logger");
    assert_int_equal(c.legacy_datagrams, 1);
    assert_int_equal(c.legacy_malformed + c.legacy_misaddressed + c.legacy_own, 0);
    /* Names from the wire compare without regard to case. */
    g = make("libhost", 0x00, "\\MAILSLOT\\logger", 2);
    assert_int_equal(check(&r, &g, &c), MS_LEGACY_DELIVER);
}

/* The host's name is a unique name: only <00> is a mailslot write to it. */
static void test_own_name_other_suffixes_misaddressed(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    const uint8_t suffixes[] = {0x03, 0x1D, 0x1E, 0x20};
    for (size_t i = 0; i < sizeof suffixes; i++) {
        dgram g = make("LIBHOST", suffixes[i], "\\MAILSLOT\\logger", (uint16_t)i);
        assert_int_equal(check(&r, &g, &c), MS_LEGACY_DROP_MISADDRESSED);
    }
    assert_int_equal(c.legacy_misaddressed, sizeof suffixes);
    assert_int_equal(c.legacy_datagrams, sizeof suffixes);
}

/* MAILSLOT_NETBIOS_NAME replaces the host name's label. */
static void test_configured_name(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, "OTHERNAME");
    ms_fwd_counters c = {0};
    dgram g = make("OTHERNAME", 0x00, "\\MAILSLOT\\logger", 1);
    assert_int_equal(check(&r, &g, &c), MS_LEGACY_DELIVER);
    g = make("LIBHOST", 0x00, "\\MAILSLOT\\logger", 2);
    assert_int_equal(check(&r, &g, &c), MS_LEGACY_DROP_MISADDRESSED);
}

/* Each domain with <00> (a write to \\DOMAIN or \\*), <1D> and <1E> (the
 * browser's). */
static void test_domains(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    const char *doms[] = {"WORKGROUP", "MSTEST", "mstest"};
    const uint8_t ok[] = {0x00, 0x1D, 0x1E};
    uint16_t id = 0;
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < sizeof ok; k++) {
            dgram g = make(doms[i], ok[k], "\\MAILSLOT\\BROWSE", id++);
            assert_int_equal(check(&r, &g, &c), MS_LEGACY_DELIVER);
        }
    /* Other suffixes of a domain (<1B> domain master, <1C> controllers,
     * <20> server) are not mailslot names a write to the domain uses. */
    const uint8_t bad[] = {0x1B, 0x1C, 0x20, 0x01};
    for (size_t k = 0; k < sizeof bad; k++) {
        dgram g = make("MSTEST", bad[k], "\\MAILSLOT\\BROWSE", id++);
        assert_int_equal(check(&r, &g, &c), MS_LEGACY_DROP_MISADDRESSED);
    }
    assert_int_equal(c.legacy_misaddressed, sizeof bad);
}

/* Another host's name, a group this host is not in, a domain that has no
 * NetBIOS name (a dot), cut to 15 characters: misaddressed. */
static void test_other_names_misaddressed(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    const char *names[] = {"OTHERHOST", "OTHERGROUP", "LIBHOS", "LIBHOSTX", "A"};
    for (size_t i = 0; i < 5; i++) {
        dgram g = make(names[i], 0x00, "\\MAILSLOT\\logger", (uint16_t)i);
        assert_int_equal(check(&r, &g, &c), MS_LEGACY_DROP_MISADDRESSED);
    }
    assert_int_equal(c.legacy_misaddressed, 5);
    assert_int_equal(c.legacy_datagrams, 5);
}

/* A host name without a NetBIOS name (a character NetBIOS refuses): init
 * says so, and the domains are still this host's. */
static void test_host_without_netbios_name(void **state)
{
    (void)state;
    ms_net_config cfg;
    ms_net_config_defaults(&cfg);
    ms_legacy_recv r;
    assert_int_equal(ms_legacy_recv_init(&r, &cfg, "bad*name"), -1);
    assert_int_equal(ms_legacy_recv_init(&r, &cfg, ""), -1);
    ms_fwd_counters c = {0};
    dgram g = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 1);
    assert_int_equal(check(&r, &g, &c), MS_LEGACY_DELIVER);
    g = make("BAD", 0x00, "\\MAILSLOT\\logger", 2);
    assert_int_equal(check(&r, &g, &c), MS_LEGACY_DROP_MISADDRESSED);
}

/* From one of this host's addresses: its own write, dropped before anything
 * else and counted apart, not as malformed or misaddressed. */
static void test_own_datagrams(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    char path[MS_PATH_MAX + 1];
    ms_legacy_decision out;
    dgram g = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 1);
    assert_int_equal(ms_legacy_recv_check(&r, g.buf, g.len, 1, 1000, &out, &c), MS_LEGACY_DROP_OWN);
    assert_int_equal(ms_legacy_recv_check(&r, g.buf, 3, 1, 1000, &out, &c), MS_LEGACY_DROP_OWN);
    assert_int_equal(c.legacy_own, 2);
    assert_int_equal(c.legacy_datagrams, 2);
    assert_int_equal(c.legacy_malformed + c.legacy_misaddressed + c.legacy_duplicate, 0);
    /* Not remembered as delivered: the same bytes from elsewhere go on. */
    assert_int_equal(check_at(&r, &g, 1001, path, &c), MS_LEGACY_DELIVER);
}

/* Every cut of a good datagram, and a fragment: malformed, with the
 * decoder's reason. */
static void test_malformed(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    dgram g = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 1);
    for (size_t cut = 0; cut < g.len; cut++) {
        dgram t = g;
        t.len = cut;
        assert_int_equal(check(&r, &t, &c), MS_LEGACY_DROP_MALFORMED);
    }
    assert_int_equal(c.legacy_malformed, g.len);
    dgram frag = g;
    frag.buf[1] |= MS_LEGACY_FLAG_MORE;
    ms_legacy_decision out;
    assert_int_equal(ms_legacy_recv_check(&r, frag.buf, frag.len, 0, 1, &out, &c),
                     MS_LEGACY_DROP_MALFORMED);
    assert_string_equal(out.why, ms_legacy_result_text(MS_LEGACY_FRAGMENT));
    assert_int_equal(c.legacy_malformed, g.len + 1);
    assert_int_equal(c.legacy_misaddressed, 0);
}

/* Malformed datagrams are worth a debug line at most once a minute, with
 * the number since the last; misaddressed ones (common on a busy LAN) none. */
static void test_malformed_told_once_a_minute(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    ms_legacy_decision out;
    dgram g = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 1);
    int64_t t = 500000;
    assert_int_equal(ms_legacy_recv_check(&r, g.buf, 10, 0, t, &out, &c), MS_LEGACY_DROP_MALFORMED);
    assert_int_equal(out.tell, 1);
    assert_int_equal(ms_legacy_recv_check(&r, g.buf, 10, 0, t + 1, &out, &c),
                     MS_LEGACY_DROP_MALFORMED);
    assert_int_equal(out.tell, 0);
    dgram other = make("OTHER", 0x00, "\\MAILSLOT\\logger", 1);
    assert_int_equal(ms_legacy_recv_check(&r, other.buf, other.len, 0, t + 2, &out, &c),
                     MS_LEGACY_DROP_MISADDRESSED);
    assert_int_equal(out.tell, 0);
    assert_int_equal(ms_legacy_recv_check(&r, g.buf, 10, 0, t + MS_DROPLOG_PERIOD, &out, &c),
                     MS_LEGACY_DROP_MALFORMED);
    assert_int_equal(out.tell, 2);
}

/* Padding after the datagram's own length is not passed on; a datagram
 * whose own length passes what a NetBIOS datagram can hold is malformed
 * (nobody sends one; a reader's record has no room for more). */
static void test_length(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    dgram g = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 1);
    size_t own = g.len;
    static unsigned char big[MS_LEGACY_MAX_DATAGRAM + 600];
    memset(big, 0, sizeof big);
    memcpy(big, g.buf, own);
    ms_legacy_decision out;
    assert_int_equal(ms_legacy_recv_check(&r, big, own + 7, 0, 100, &out, &c), MS_LEGACY_DELIVER);
    assert_int_equal(out.len, own);
    /* The same datagram declaring 600 more bytes of its own. */
    size_t declared = own - MS_LEGACY_HEADER + 600;
    big[10] = (unsigned char)(declared >> 8);
    big[11] = (unsigned char)declared;
    assert_int_equal(ms_legacy_recv_check(&r, big, own + 600, 0, 100000, &out, &c),
                     MS_LEGACY_DROP_MALFORMED);
    assert_string_equal(out.why, "longer than a NetBIOS datagram");
    assert_int_equal(c.legacy_malformed, 1);
}

/* \MAILSLOT\A\B is the reader of \\.\mailslot\a\b; a mailslot name that no
 * slot name can be (an empty segment, "..", nothing after the prefix) is
 * malformed. */
static void test_paths(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    char path[MS_PATH_MAX + 1];
    dgram g = make("LIBHOST", 0x00, "\\MAILSLOT\\App\\Trace", 1);
    assert_int_equal(check_at(&r, &g, 100, path, &c), MS_LEGACY_DELIVER);
    assert_string_equal(path, "app\\trace");
    g = make("LIBHOST", 0x00, "\\mailslot\\net\\netlogon", 2);
    assert_int_equal(check_at(&r, &g, 100, path, &c), MS_LEGACY_DELIVER);
    assert_string_equal(path, "net\\netlogon");
    /* '/' separates as '\\' does in this library's names. */
    g = make("LIBHOST", 0x00, "\\MAILSLOT\\Net/NetLogon", 3);
    assert_int_equal(check_at(&r, &g, 100, path, &c), MS_LEGACY_DELIVER);
    assert_string_equal(path, "net\\netlogon");
    const char *bad[] = {"\\MAILSLOT\\a\\\\b", "\\MAILSLOT\\..", "\\MAILSLOT\\a\\..\\b",
                         "\\MAILSLOT\\\\\\host\\mailslot\\x", "\\MAILSLOT\\a\\"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        g = make("LIBHOST", 0x00, bad[i], (uint16_t)(10 + i));
        if (check(&r, &g, &c) != MS_LEGACY_DROP_MALFORMED)
            fail_msg("%s was taken", bad[i]);
    }
    assert_int_equal(c.legacy_malformed, sizeof bad / sizeof bad[0]);
}

/* The same datagram twice (two interfaces) within the window: delivered
 * once; after the window, or with another id, delivered again. */
static void test_copies(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    char path[MS_PATH_MAX + 1];
    dgram g = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 7);
    assert_int_equal(check_at(&r, &g, 10000, path, &c), MS_LEGACY_DELIVER);
    assert_int_equal(check_at(&r, &g, 10000, path, &c), MS_LEGACY_DROP_DUPLICATE);
    assert_int_equal(check_at(&r, &g, 10000 + MS_LEGACY_DEDUP_MS - 1, path, &c),
                     MS_LEGACY_DROP_DUPLICATE);
    assert_int_equal(c.legacy_duplicate, 2);
    dgram next = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 8);
    assert_int_equal(check_at(&r, &next, 10001, path, &c), MS_LEGACY_DELIVER);
    /* Other bytes under the same id: another write. */
    dgram other = make("MSTEST", 0x00, "\\MAILSLOT\\logger", 7);
    assert_int_equal(check_at(&r, &other, 10001, path, &c), MS_LEGACY_DELIVER);
    assert_int_equal(check_at(&r, &g, 10000 + MS_LEGACY_DEDUP_MS, path, &c), MS_LEGACY_DELIVER);
    assert_int_equal(c.legacy_duplicate, 2);
}

/* The table holds the last MS_LEGACY_RECENT datagrams: a copy that comes
 * after that many others is delivered again (rather than the table grow). */
static void test_copies_table_wraps(void **state)
{
    (void)state;
    ms_legacy_recv r;
    setup_host(&r, NULL);
    ms_fwd_counters c = {0};
    char path[MS_PATH_MAX + 1];
    dgram first = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", 0);
    assert_int_equal(check_at(&r, &first, 50, path, &c), MS_LEGACY_DELIVER);
    for (uint16_t id = 1; id < MS_LEGACY_RECENT; id++) {
        dgram g = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", id);
        assert_int_equal(check_at(&r, &g, 50, path, &c), MS_LEGACY_DELIVER);
    }
    assert_int_equal(check_at(&r, &first, 50, path, &c), MS_LEGACY_DROP_DUPLICATE);
    dgram one_more = make("WORKGROUP", 0x00, "\\MAILSLOT\\logger", MS_LEGACY_RECENT);
    assert_int_equal(check_at(&r, &one_more, 50, path, &c), MS_LEGACY_DELIVER);
    assert_int_equal(check_at(&r, &first, 50, path, &c), MS_LEGACY_DELIVER);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_name_unique),
        cmocka_unit_test(test_own_name_other_suffixes_misaddressed),
        cmocka_unit_test(test_configured_name),
        cmocka_unit_test(test_domains),
        cmocka_unit_test(test_other_names_misaddressed),
        cmocka_unit_test(test_host_without_netbios_name),
        cmocka_unit_test(test_own_datagrams),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_malformed_told_once_a_minute),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_copies),
        cmocka_unit_test(test_copies_table_wraps),
    };
    return ms_run_tests(argc, argv, "legacyrecv", tests, sizeof tests / sizeof tests[0], NULL,
                        NULL);
}
