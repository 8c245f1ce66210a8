/* SPDX-License-Identifier: MIT */
/* mailslot.c -- the API entry points: argument checks, options, routing of
 * names to transports, and handle lifetime. No OS calls here: those live
 * behind platform.h. */
#include "mailslot.h"
#include "alloc.h"
#include "auth/authconfig.h"
#include "error.h"
#include "log.h"
#include "name.h"
#include "net/netconfig.h"
#include "transport.h"
#include "net/sender.h"
#include "snapshot.h"
#include "testing.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_QUEUE_LIMIT 65536u
#define MAX_QUEUE_LIMIT 16777216u

struct mailslot_options {
    uint32_t max_message_size; /* 0: MAILSLOT_MAX_LOCAL_MESSAGE */
    int32_t read_timeout_ms;
    uint32_t queue_limit;
    int allow_any_user;
    ms_net_config net; /* the fields named in net_set; the environment gives the rest */
    unsigned net_set;
    ms_auth_options auth;
};

struct mailslot_reader {
    atomic_int refs; /* the owner's, plus one per call in progress */
    atomic_int read_timeout_ms;
    uint32_t max_message_size;
    uint32_t queue_limit;
    int allow_any_user;
    ms_net_config net;
    ms_auth_config auth;
    ms_name name;
    ms_local_reader *local;
};

/* A writer of "\\.\" names has a local writer only; a writer of any other
 * name has a sender, and a local writer for this host's copy when the name
 * includes this host. */
struct mailslot_writer {
    ms_name name;
    ms_auth_config auth;
    ms_sender *sender;        /* NULL for "\\.\" */
    ms_local_writer *local;   /* NULL when this host gets no copy */
    ms_remote_writer *remote; /* legacy mode on Windows: the system sends to other hosts */
};

/* ---- version ------------------------------------------------------------ */

#define STR2(x) #x
#define STR(x) STR2(x)

int mailslot_version(void)
{
    return MAILSLOT_VERSION_NUMBER;
}

const char *mailslot_version_string(void)
{
    return STR(MAILSLOT_VERSION_MAJOR) "." STR(MAILSLOT_VERSION_MINOR) "." STR(
        MAILSLOT_VERSION_PATCH);
}

/* ---- errors ------------------------------------------------------------- */

/* The public faces of error.c, here with every other entry point: a program
 * that links internals beside the shared library (the `mailslot` tool) gets
 * error.c without defining these names, so that its calls of them reach the
 * shared library's thread-local detail (src/cli/CMakeLists.txt). */
const char *mailslot_strerror(int code)
{
    return ms_error_text(code);
}

const char *mailslot_last_error_detail(void)
{
    return ms_detail();
}

/* Here, not in log.c, for the same reason. */
int mailslot_set_log_handler(mailslot_log_fn fn, void *ctx)
{
    ms_log_set_handler(fn, ctx);
    return MAILSLOT_OK;
}

/* ---- options ------------------------------------------------------------ */

static const mailslot_options default_options = {
    .max_message_size = 0,
    .read_timeout_ms = MAILSLOT_WAIT_FOREVER,
    .queue_limit = DEFAULT_QUEUE_LIMIT,
    .allow_any_user = 0,
    .net_set = 0,
    .auth = {0},
};

/* Network settings: built-in defaults, then the environment, then options. */
static int net_config_of(const mailslot_options *o, ms_net_config *cfg)
{
    ms_net_config_defaults(cfg);
    if (o->net_set & MS_NET_SET_ENABLED)
        cfg->enabled = o->net.enabled;
    if (o->net_set & MS_NET_SET_PORT)
        cfg->port = o->net.port;
    if (o->net_set & MS_NET_SET_TTL)
        cfg->ttl = o->net.ttl;
    if (o->net_set & MS_NET_SET_DOMAINS) {
        cfg->ndomains = o->net.ndomains;
        memcpy(cfg->domains, o->net.domains, sizeof cfg->domains);
    }
    if (o->net_set & MS_NET_SET_INTERFACE)
        memcpy(cfg->interface, o->net.interface, sizeof cfg->interface);
    if (o->net_set & MS_NET_SET_LEGACY)
        cfg->legacy = o->net.legacy;
    if (o->net_set & MS_NET_SET_NETBIOS_NAME)
        memcpy(cfg->netbios_name, o->net.netbios_name, sizeof cfg->netbios_name);
    return ms_net_config_from_env(cfg, o->net_set);
}

int mailslot_options_new(mailslot_options **out)
{
    if (!out)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_options_new: out is NULL");
    mailslot_options *o = ms_malloc(sizeof *o);
    if (!o)
        return ms_fail(MAILSLOT_E_NOMEM, "mailslot_options_new: out of memory");
    *o = default_options;
    *out = o;
    return MAILSLOT_OK;
}

/* Records that an options bag sets a network field (when rc says the value
 * was good). */
static int set_net(mailslot_options *o, unsigned bit, int rc)
{
    if (rc == MAILSLOT_OK)
        o->net_set |= bit;
    return rc;
}

static int set_auth(mailslot_options *o, unsigned bit, int rc)
{
    if (rc == MAILSLOT_OK)
        o->auth.set |= bit;
    return rc;
}

/* Keys from text or a path: the bag keeps a copy; the last one set wins. */
static int set_keys(mailslot_options *o, int kind, const char *value, const char *what)
{
    size_t n = strlen(value);
    if (kind == MS_KEYS_TEXT && n > MS_KEYFILE_MAX)
        return ms_fail(MAILSLOT_E_INVALID, "%s: more than %d bytes", what, MS_KEYFILE_MAX);
    if (kind == MS_KEYS_FILE && n == 0)
        return ms_fail(MAILSLOT_E_INVALID, "%s: the path is empty", what);
    char *copy = ms_malloc(n + 1);
    if (!copy)
        return ms_fail(MAILSLOT_E_NOMEM, "%s: out of memory", what);
    memcpy(copy, value, n + 1);
    ms_auth_options_clear(&o->auth);
    o->auth.keys_kind = kind;
    o->auth.keys_value = copy;
    return MAILSLOT_OK;
}

static int bad_value(int key, int64_t value, const char *range)
{
    return ms_fail(MAILSLOT_E_INVALID, "option %d: value %lld is outside %s", key, (long long)value,
                   range);
}

int mailslot_options_set_int(mailslot_options *o, int key, int64_t value)
{
    if (!o)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_options_set_int: options is NULL");
    switch (key) {
    case MAILSLOT_OPT_MAX_MESSAGE_SIZE:
        if (value < 0 || value > (int64_t)MAILSLOT_MAX_LOCAL_MESSAGE)
            return bad_value(key, value, "0..65536");
        o->max_message_size = (uint32_t)value;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_READ_TIMEOUT:
        if (value < MAILSLOT_WAIT_FOREVER || value > INT32_MAX)
            return bad_value(key, value, "-1..2147483647");
        o->read_timeout_ms = (int32_t)value;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_QUEUE_LIMIT:
        if (value < 1 || value > (int64_t)MAX_QUEUE_LIMIT)
            return bad_value(key, value, "1..16777216");
        o->queue_limit = (uint32_t)value;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_ALLOW_ANY_USER:
        if (value != 0 && value != 1)
            return bad_value(key, value, "0..1");
        o->allow_any_user = (int)value;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_NETWORK:
        return set_net(o, MS_NET_SET_ENABLED,
                       ms_net_config_set_enabled(&o->net, value, "MAILSLOT_OPT_NETWORK"));
    case MAILSLOT_OPT_PORT:
        return set_net(o, MS_NET_SET_PORT,
                       ms_net_config_set_port(&o->net, value, "MAILSLOT_OPT_PORT"));
    case MAILSLOT_OPT_TTL:
        return set_net(o, MS_NET_SET_TTL,
                       ms_net_config_set_ttl(&o->net, value, "MAILSLOT_OPT_TTL"));
    case MAILSLOT_OPT_LEGACY:
        return set_net(o, MS_NET_SET_LEGACY,
                       ms_net_config_set_legacy(&o->net, value, "MAILSLOT_OPT_LEGACY"));
    case MAILSLOT_OPT_SUITE:
        return set_auth(o, MS_AUTH_SET_SUITE,
                        ms_auth_set_suite(&o->auth.suite, value, "MAILSLOT_OPT_SUITE"));
    case MAILSLOT_OPT_REPLAY_WINDOW:
        return set_auth(
            o, MS_AUTH_SET_REPLAY,
            ms_auth_set_replay_window(&o->auth.replay_window, value, "MAILSLOT_OPT_REPLAY_WINDOW"));
    case MAILSLOT_OPT_TIME_WINDOW:
        return set_auth(
            o, MS_AUTH_SET_TIME,
            ms_auth_set_time_window(&o->auth.time_window_ms, value, "MAILSLOT_OPT_TIME_WINDOW"));
    case MAILSLOT_OPT_AUTH_MIGRATION:
        return set_auth(o, MS_AUTH_SET_MIGRATION,
                        ms_auth_set_flag(&o->auth.migration, value, "MAILSLOT_OPT_AUTH_MIGRATION"));
    case MAILSLOT_OPT_AUTH_LOG:
        return set_auth(o, MS_AUTH_SET_LOG,
                        ms_auth_set_flag(&o->auth.log, value, "MAILSLOT_OPT_AUTH_LOG"));
    default:
        return ms_fail(MAILSLOT_E_INVALID, "unknown integer option key %d", key);
    }
}

int mailslot_options_set_str(mailslot_options *o, int key, const char *value)
{
    if (!o || !value)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_options_set_str: %s is NULL",
                       o ? "value" : "options");
    switch (key) {
    case MAILSLOT_OPT_DOMAIN:
        return set_net(o, MS_NET_SET_DOMAINS,
                       ms_net_config_set_domains(&o->net, value, "MAILSLOT_OPT_DOMAIN"));
    case MAILSLOT_OPT_INTERFACE:
        return set_net(o, MS_NET_SET_INTERFACE,
                       ms_net_config_set_interface(&o->net, value, "MAILSLOT_OPT_INTERFACE"));
    case MAILSLOT_OPT_NETBIOS_NAME:
        return set_net(o, MS_NET_SET_NETBIOS_NAME,
                       ms_net_config_set_netbios_name(&o->net, value, "MAILSLOT_OPT_NETBIOS_NAME"));
    case MAILSLOT_OPT_KEYS:
        return set_keys(o, MS_KEYS_TEXT, value, "MAILSLOT_OPT_KEYS");
    case MAILSLOT_OPT_KEY_FILE:
        return set_keys(o, MS_KEYS_FILE, value, "MAILSLOT_OPT_KEY_FILE");
    default:
        return ms_fail(MAILSLOT_E_INVALID, "unknown string option key %d", key);
    }
}

void mailslot_options_free(mailslot_options *o)
{
    if (!o)
        return;
    ms_auth_options_clear(&o->auth);
    ms_free(o);
}

/* ---- names -------------------------------------------------------------- */

int mailslot_name_canonical(const char *name, char *buf, size_t cap, size_t *len)
{
    if (!name || !len || (!buf && cap > 0))
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_name_canonical: %s is NULL",
                       !name  ? "name"
                       : !len ? "len"
                              : "buf");
    ms_name n;
    int rc = ms_name_parse(name, &n);
    if (rc != MAILSLOT_OK)
        return rc;
    *len = n.canonical_len;
    if (cap <= n.canonical_len)
        return ms_fail(MAILSLOT_E_BUFFER, "a buffer of %zu bytes cannot hold %s and its NUL", cap,
                       n.canonical);
    memcpy(buf, n.canonical, n.canonical_len + 1);
    return MAILSLOT_OK;
}

/* ---- reader ------------------------------------------------------------- */

static void reader_ref(mailslot_reader *r)
{
    atomic_fetch_add(&r->refs, 1);
}

static void reader_unref(mailslot_reader *r)
{
    if (atomic_fetch_sub(&r->refs, 1) == 1) {
        ms_local_reader_release(r->local);
        ms_auth_config_clear(&r->auth);
        ms_free(r);
    }
}

int mailslot_create(const char *name, const mailslot_options *o, mailslot_reader **out)
{
    if (!name || !out)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_create: %s is NULL", !name ? "name" : "out");
    if (!o)
        o = &default_options;
    mailslot_reader *r = ms_calloc(1, sizeof *r);
    if (!r)
        return ms_fail(MAILSLOT_E_NOMEM, "mailslot_create: out of memory");
    int rc = ms_name_parse(name, &r->name);
    if (rc == MAILSLOT_OK && r->name.kind != MS_HOST_LOCAL)
        rc = ms_fail(MAILSLOT_E_NAME, "a reader can only be created for a local name, not %s",
                     r->name.canonical);
    if (rc == MAILSLOT_OK)
        rc = net_config_of(o, &r->net);
    if (rc == MAILSLOT_OK)
        rc = ms_auth_config_resolve(&o->auth, &r->auth);
    ms_reader_config cfg = {
        .max_message_size = o->max_message_size ? o->max_message_size : MAILSLOT_MAX_LOCAL_MESSAGE,
        .queue_limit = o->queue_limit,
        .allow_any_user = o->allow_any_user,
        .network = r->net.enabled,
        .auth = &r->auth,
    };
    if (rc == MAILSLOT_OK)
        rc = ms_local_reader_create(&r->name, &cfg, &r->local);
    if (rc == MAILSLOT_OK && r->net.enabled) {
        rc = ms_forwarder_want(&r->net, &r->auth);
        if (rc != MAILSLOT_OK) {
            ms_local_reader_shutdown(r->local);
            ms_local_reader_release(r->local);
        }
    }
    if (rc != MAILSLOT_OK) {
        ms_auth_config_clear(&r->auth);
        ms_free(r);
        return rc;
    }
    atomic_init(&r->refs, 1);
    atomic_init(&r->read_timeout_ms, o->read_timeout_ms);
    r->max_message_size = cfg.max_message_size;
    r->queue_limit = cfg.queue_limit;
    r->allow_any_user = cfg.allow_any_user;
    *out = r;
    return MAILSLOT_OK;
}

int mailslot_read(mailslot_reader *r, void *buf, size_t cap, size_t *len, int32_t timeout_ms)
{
    if (!r || !len || (!buf && cap > 0) || timeout_ms < MAILSLOT_USE_DEFAULT)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_read: %s",
                       !r                                  ? "reader is NULL"
                       : !len                              ? "len is NULL"
                       : timeout_ms < MAILSLOT_USE_DEFAULT ? "timeout is below MAILSLOT_USE_DEFAULT"
                                                           : "buf is NULL but cap is not 0");
    reader_ref(r);
    if (timeout_ms == MAILSLOT_USE_DEFAULT)
        timeout_ms = atomic_load(&r->read_timeout_ms);
    int rc = ms_local_reader_read(r->local, buf, cap, len, timeout_ms);
    reader_unref(r);
    return rc;
}

int mailslot_info(mailslot_reader *r, uint32_t *max_message_size, uint32_t *next_size,
                  uint32_t *message_count, int32_t *read_timeout_ms)
{
    if (!r)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_info: reader is NULL");
    uint32_t next = MAILSLOT_NO_MESSAGE, count = 0;
    int rc = MAILSLOT_OK;
    reader_ref(r);
    if (next_size || message_count)
        rc = ms_local_reader_info(r->local, &next, &count);
    if (rc == MAILSLOT_OK) {
        if (max_message_size)
            *max_message_size = r->max_message_size;
        if (next_size)
            *next_size = next;
        if (message_count)
            *message_count = count;
        if (read_timeout_ms)
            *read_timeout_ms = atomic_load(&r->read_timeout_ms);
    }
    reader_unref(r);
    return rc;
}

int mailslot_set_read_timeout(mailslot_reader *r, int32_t timeout_ms)
{
    if (!r || timeout_ms < MAILSLOT_WAIT_FOREVER)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_set_read_timeout: %s",
                       !r ? "reader is NULL" : "timeout is below MAILSLOT_WAIT_FOREVER");
    atomic_store(&r->read_timeout_ms, timeout_ms);
    return MAILSLOT_OK;
}

int mailslot_fd(mailslot_reader *r, intptr_t *fd)
{
    if (!r || !fd)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_fd: %s is NULL", !r ? "reader" : "fd");
    reader_ref(r);
    int rc = ms_local_reader_fd(r->local, fd);
    reader_unref(r);
    return rc;
}

int mailslot_interrupt(mailslot_reader *r)
{
    if (!r)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_interrupt: reader is NULL");
    reader_ref(r);
    ms_local_reader_interrupt(r->local);
    reader_unref(r);
    return MAILSLOT_OK;
}

int mailslot_reader_get_int(mailslot_reader *r, int key, int64_t *value)
{
    if (!r || !value)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_reader_get_int: %s is NULL",
                       !r ? "reader" : "value");
    ms_net_counters net;
    reader_ref(r);
    ms_local_reader_net_counters(r->local, &net);
    int rc = MAILSLOT_OK;
    switch (key) {
    case MAILSLOT_OPT_MAX_MESSAGE_SIZE:
        *value = r->max_message_size;
        break;
    case MAILSLOT_OPT_READ_TIMEOUT:
        *value = atomic_load(&r->read_timeout_ms);
        break;
    case MAILSLOT_OPT_QUEUE_LIMIT:
        *value = r->queue_limit;
        break;
    case MAILSLOT_OPT_ALLOW_ANY_USER:
        *value = r->allow_any_user;
        break;
    case MAILSLOT_OPT_NETWORK:
        *value = r->net.enabled;
        break;
    case MAILSLOT_OPT_PORT:
        *value = r->net.port;
        break;
    case MAILSLOT_OPT_LEGACY:
        *value = r->net.legacy;
        break;
    case MAILSLOT_OPT_KEYS:
    case MAILSLOT_OPT_KEY_FILE:
        *value = atomic_load(&r->auth.nkeys);
        break;
    case MAILSLOT_OPT_SUITE:
        *value = r->auth.suite;
        break;
    case MAILSLOT_OPT_REPLAY_WINDOW:
        *value = r->auth.replay_window;
        break;
    case MAILSLOT_OPT_TIME_WINDOW:
        *value = (int64_t)r->auth.time_window_ms;
        break;
    case MAILSLOT_OPT_AUTH_MIGRATION:
        *value = r->auth.migration;
        break;
    case MAILSLOT_OPT_AUTH_LOG:
        *value = r->auth.log;
        break;
    case MAILSLOT_INFO_MESSAGE_COUNT: {
        uint32_t next, count;
        rc = ms_local_reader_info(r->local, &next, &count);
        if (rc == MAILSLOT_OK)
            *value = count;
        break;
    }
    default:
        if (ms_net_counters_get(&net, key, value) != MAILSLOT_OK)
            rc = ms_fail(MAILSLOT_E_INVALID, "%d is not an integer value of a reader", key);
    }
    reader_unref(r);
    return rc;
}

/* The value of key in a snapshot of a reader in another process: the keys
 * mailslot_query answers. MAILSLOT_OK or MAILSLOT_E_INVALID (not one). */
static int snapshot_value(const ms_reader_snapshot *s, int key, int64_t *value)
{
    switch (key) {
    case MAILSLOT_OPT_MAX_MESSAGE_SIZE:
        *value = s->max_message_size;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_QUEUE_LIMIT:
        *value = s->queue_limit;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_ALLOW_ANY_USER:
        *value = s->allow_any_user;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_NETWORK:
        *value = s->network;
        return MAILSLOT_OK;
    case MAILSLOT_OPT_KEYS:
    case MAILSLOT_OPT_KEY_FILE:
        *value = s->keys;
        return MAILSLOT_OK;
    case MAILSLOT_INFO_MESSAGE_COUNT:
        *value = s->message_count;
        return MAILSLOT_OK;
    default:
        return ms_net_counters_get(&s->net, key, value);
    }
}

int mailslot_query(const char *name, const int *keys, int64_t *values, size_t count,
                   int32_t timeout_ms)
{
    if (!name || (count > 0 && (!keys || !values)))
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_query: %s is NULL",
                       !name   ? "name"
                       : !keys ? "keys"
                               : "values");
    if (timeout_ms < MAILSLOT_WAIT_FOREVER)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_query: %d ms is not a timeout",
                       (int)timeout_ms);
    /* Every key is checked before the reader is asked. */
    ms_reader_snapshot none;
    memset(&none, 0, sizeof none);
    for (size_t i = 0; i < count; i++) {
        int64_t v;
        if (snapshot_value(&none, keys[i], &v) != MAILSLOT_OK)
            return ms_fail(MAILSLOT_E_INVALID,
                           "mailslot_query: keys[%zu] = %d is not a value a reader reports to "
                           "other processes",
                           i, keys[i]);
    }
    ms_name n;
    int rc = ms_name_parse(name, &n);
    if (rc != MAILSLOT_OK)
        return rc;
    if (n.kind != MS_HOST_LOCAL)
        return ms_fail(MAILSLOT_E_NAME, "only the reader of a local name can be asked, not %s",
                       n.canonical);
    ms_reader_snapshot s;
    rc = ms_local_reader_query(&n, timeout_ms, &s);
    if (rc != MAILSLOT_OK)
        return rc;
    for (size_t i = 0; i < count; i++)
        snapshot_value(&s, keys[i], &values[i]);
    return MAILSLOT_OK;
}

int mailslot_reader_name(mailslot_reader *r, char *buf, size_t cap, size_t *len)
{
    if (!r || !len || (!buf && cap > 0))
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_reader_name: %s is NULL",
                       !r     ? "reader"
                       : !len ? "len"
                              : "buf");
    *len = r->name.canonical_len;
    if (cap <= r->name.canonical_len)
        return ms_fail(MAILSLOT_E_BUFFER, "a buffer of %zu bytes cannot hold %s and its NUL", cap,
                       r->name.canonical);
    memcpy(buf, r->name.canonical, r->name.canonical_len + 1);
    return MAILSLOT_OK;
}

void mailslot_reader_close(mailslot_reader *r)
{
    if (!r)
        return;
    ms_local_reader_shutdown(r->local);
    if (r->net.enabled)
        ms_forwarder_unwant();
    reader_unref(r);
}

/* ---- writer ------------------------------------------------------------- */

int mailslot_open(const char *name, const mailslot_options *o, mailslot_writer **out)
{
    if (!name || !out)
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_open: %s is NULL", !name ? "name" : "out");
    if (!o)
        o = &default_options;
    mailslot_writer *w = ms_calloc(1, sizeof *w);
    if (!w)
        return ms_fail(MAILSLOT_E_NOMEM, "mailslot_open: out of memory");
    ms_net_config net;
    int rc = ms_name_parse(name, &w->name);
    if (rc == MAILSLOT_OK && w->name.kind == MS_HOST_LOCAL) {
        rc = ms_local_writer_open(&w->name, 1, &w->local);
    } else if (rc == MAILSLOT_OK) {
        rc = net_config_of(o, &net);
        if (rc == MAILSLOT_OK)
            rc = ms_auth_config_resolve(&o->auth, &w->auth);
        if (rc == MAILSLOT_OK)
            rc = ms_auth_config_check_sender(&w->auth);
        if (rc == MAILSLOT_OK && net.enabled && net.legacy &&
            (ms_auth_config_keyed(&w->auth) || w->auth.key_file))
            rc = ms_fail(MAILSLOT_E_INVALID,
                         "cannot open %s with keys in legacy mode: legacy "
                         "mode has no authentication (MAILSLOT_LEGACY=0, or "
                         "no keys)",
                         w->name.canonical);
        int by_system = net.enabled && net.legacy && ms_remote_writer_native();
        if (rc == MAILSLOT_OK)
            rc = ms_sender_open(&w->name, &net, &w->auth, by_system, &w->sender);
        if (rc == MAILSLOT_OK && by_system && ms_sender_legacy_out(w->sender))
            rc = ms_remote_writer_open(&w->name, &w->remote);
        if (rc == MAILSLOT_OK && ms_sender_local_copy(w->sender))
            rc = ms_local_writer_open(&w->name, 0, &w->local);
    }
    if (rc != MAILSLOT_OK) {
        mailslot_writer_close(w);
        return rc;
    }
    *out = w;
    return MAILSLOT_OK;
}

/* A message to "*", a domain or a host: this host's copy, then the network. */
static int write_network(mailslot_writer *w, const void *data, size_t len)
{
    unsigned char packet[MS_WIRE_MAX_PACKET];
    size_t n = 0;
    int rc = ms_sender_encode(w->sender, data, len, packet, sizeof packet, &n);
    if (rc != MAILSLOT_OK)
        return rc;
    int local = MAILSLOT_OK;
    if (w->local) {
        local = ms_local_writer_send_packet(w->local, packet, n, data, len);
        if (local == MAILSLOT_E_NOT_FOUND) /* a datagram: no reader here is no error */
            local = MAILSLOT_OK;
    }
    rc = w->remote ? ms_remote_writer_write(w->remote, data, len)
                   : ms_sender_send(w->sender, packet, n, data, len);
    /* The network's failure first; else this host's reader's, even though
     * other hosts were sent their copies (the header says so). */
    if (rc == MAILSLOT_OK && local != MAILSLOT_OK) {
        char detail[512];
        snprintf(detail, sizeof detail, "%s", ms_detail());
        rc = ms_fail(local, "%s (the copies for other hosts, if any, were sent)", detail);
    }
    return rc;
}

int mailslot_write(mailslot_writer *w, const void *data, size_t len)
{
    if (!w || (!data && len > 0))
        return ms_fail(MAILSLOT_E_INVALID, "mailslot_write: %s is NULL", !w ? "writer" : "data");
    size_t limit = w->sender ? ms_sender_max_message(w->sender) : MAILSLOT_MAX_LOCAL_MESSAGE;
    if (len > limit)
        return ms_fail(MAILSLOT_E_TOO_BIG, "a message of %zu bytes exceeds the limit of %zu for %s",
                       len, limit, w->name.canonical);
    if (w->sender)
        return write_network(w, data, len);
    return ms_local_writer_write(w->local, data, len);
}

void mailslot_writer_close(mailslot_writer *w)
{
    if (!w)
        return;
    if (w->local)
        ms_local_writer_close(w->local);
    if (w->remote)
        ms_remote_writer_close(w->remote);
    ms_sender_close(w->sender);
    ms_auth_config_clear(&w->auth);
    ms_free(w);
}

/* ---- testing ------------------------------------------------------------ */

int ms_testing_waiting_reads(mailslot_reader *r)
{
    return ms_local_reader_waiting(r->local);
}

void ms_testing_net_counters(mailslot_reader *r, ms_net_counters *out)
{
    ms_local_reader_net_counters(r->local, out);
}
