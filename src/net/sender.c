/* SPDX-License-Identifier: MIT */
/* sender.c -- what a writer's name means on the network (see sender.h). */
#include "net/sender.h"
#include "alloc.h"
#include "auth/auth.h"
#include "error.h"
#include "net/lsender.h"
#include "net/udp.h"
#include "os.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct ms_sender {
    ms_wire_target kind;
    char target[MS_HOST_MAX + 1]; /* "" for every host */
    char path[MS_PATH_MAX + 1];
    int local_copy;
    uint64_t id;
    atomic_uint seq;
    ms_udp *udp;        /* NULL: nothing goes to the network in this protocol */
    ms_lsender *legacy; /* legacy mode: the datagrams other hosts get instead */
    int legacy_out;     /* legacy mode, and other hosts get this name's messages */
    int by_system;      /* legacy mode: the system sends them (ms_sender_open) */
    uint16_t port;      /* the protocol's port, for ms_plat_bridge_feed */
    ms_auth_config *auth;
    atomic_flag sealing; /* held while sealing: the keys may be read again */
};

/* A label with no dot that is not an address: it may name a domain. */
static int is_single_label(const char *host)
{
    return !strchr(host, '.') && !strchr(host, ':');
}

static int network_off(const ms_name *name)
{
    return ms_fail(MAILSLOT_E_NETWORK,
                   "cannot reach %s: the network is off (MAILSLOT_NETWORK=0 or the "
                   "network option), so only this host's names and domains can be written",
                   name->canonical);
}

/* Legacy mode: other hosts get the datagrams of Windows hosts, and only
 * those (each receiver gets a message once). */
static int legacy_on(const ms_net_config *cfg)
{
    return cfg->enabled && cfg->legacy;
}

/* The group datagrams of legacy mode to domain<00>; what names the domain
 * in a failure's detail. */
static int open_legacy_group(ms_sender *s, const ms_net_config *cfg, const char *domain,
                             const char *what)
{
    ms_legacy_name group;
    int rc = ms_lsender_name(domain, what, &group);
    s->legacy_out = rc == MAILSLOT_OK;
    if (rc != MAILSLOT_OK || s->by_system)
        return rc;
    return ms_lsender_open_group(cfg, &group, s->path, &s->legacy);
}

/* The unique datagrams of legacy mode to host<00>. */
static int open_legacy_host(ms_sender *s, const ms_net_config *cfg, const char *host)
{
    ms_legacy_name name;
    int rc = ms_lsender_name(host, "the host", &name);
    s->legacy_out = rc == MAILSLOT_OK;
    if (rc != MAILSLOT_OK || s->by_system)
        return rc;
    return ms_lsender_open_host(cfg, host, &name, s->path, &s->legacy);
}

/* The network side of a write to a domain: its multicast group, or in
 * legacy mode its NetBIOS group. */
static int open_domain(ms_sender *s, const ms_net_config *cfg, const char *domain)
{
    s->kind = MS_WIRE_TO_DOMAIN;
    if (legacy_on(cfg))
        return open_legacy_group(s, cfg, domain, "the domain");
    return ms_udp_open_group(cfg, ms_wire_domain_group(domain, strlen(domain)), &s->udp);
}

/* Another host: by unicast, or in legacy mode by a unique datagram.
 * MAILSLOT_E_NOT_FOUND when it does not resolve. */
static int open_host(ms_sender *s, const ms_net_config *cfg, const char *host)
{
    s->kind = MS_WIRE_TO_HOST;
    if (legacy_on(cfg))
        return open_legacy_host(s, cfg, host);
    return ms_udp_open_host(cfg, host, &s->udp);
}

/* Where a named target goes: this host, a domain or another host. */
static int open_named(ms_sender *s, const ms_name *name, const ms_net_config *cfg)
{
    if (ms_name_is_this_host(name->host)) {
        s->kind = MS_WIRE_TO_HOST;
        s->local_copy = 1;
        return MAILSLOT_OK;
    }
    if (ms_net_config_has_domain(cfg, name->host)) {
        s->kind = MS_WIRE_TO_DOMAIN;
        s->local_copy = 1;
        return cfg->enabled ? open_domain(s, cfg, name->host) : MAILSLOT_OK;
    }
    if (!cfg->enabled)
        return network_off(name);
    int rc = open_host(s, cfg, name->host);
    if (rc == MAILSLOT_E_NOT_FOUND && is_single_label(name->host)) {
        /* Not a host: a domain this host is not in (Windows resolves
         * "\\NAME\mailslot" the same way: a name, else a group). */
        rc = open_domain(s, cfg, name->host);
    } else if (rc == MAILSLOT_E_NOT_FOUND) {
        rc = MAILSLOT_E_NETWORK; /* the detail names the host */
    }
    return rc;
}

/* "*": this host's copy, and the "every host" group; in legacy mode the
 * NetBIOS group of the workgroup (the first domain), as Windows sends
 * "\\*". */
static int open_all(ms_sender *s, const ms_net_config *cfg)
{
    s->kind = MS_WIRE_TO_ALL;
    s->local_copy = 1;
    if (!cfg->enabled)
        return MAILSLOT_OK;
    if (!legacy_on(cfg))
        return ms_udp_open_group(cfg, MS_WIRE_GROUP_ALL, &s->udp);
    if (cfg->ndomains == 0)
        return ms_fail(MAILSLOT_E_INVALID, "legacy mode sends \\\\* to the workgroup, the "
                                           "first domain (MAILSLOT_DOMAIN), and none is set");
    return open_legacy_group(s, cfg, cfg->domains[0], "the workgroup (the first domain)");
}

/* Legacy datagrams carry the slot's name in ASCII only. */
static int check_legacy_path(const ms_name *name)
{
    for (const char *p = name->path; *p; p++)
        if ((unsigned char)*p >= 0x80)
            return ms_fail(MAILSLOT_E_NAME, "legacy mode: the slot name of %s is not ASCII",
                           name->canonical);
    return MAILSLOT_OK;
}

int ms_sender_open(const ms_name *name, const ms_net_config *cfg, ms_auth_config *auth,
                   int by_system, ms_sender **out)
{
    ms_sender *s = ms_calloc(1, sizeof *s);
    if (!s)
        return ms_fail(MAILSLOT_E_NOMEM, "out of memory opening %s", name->canonical);
    strcpy(s->path, name->path);
    s->auth = auth;
    s->by_system = by_system;
    s->port = cfg->port;
    int rc = legacy_on(cfg) ? check_legacy_path(name) : MAILSLOT_OK;
    if (rc == MAILSLOT_OK)
        rc = ms_plat_random(&s->id, sizeof s->id);
    if (rc == MAILSLOT_OK && name->kind == MS_HOST_ALL) {
        rc = open_all(s, cfg);
    } else if (rc == MAILSLOT_OK) {
        strcpy(s->target, name->host);
        rc = open_named(s, name, cfg);
    }
    if (rc != MAILSLOT_OK) {
        ms_sender_close(s);
        return rc;
    }
    *out = s;
    return MAILSLOT_OK;
}

int ms_sender_local_copy(const ms_sender *s)
{
    return s->local_copy;
}

static int seal_locked(ms_sender *s, const ms_packet *p, unsigned char *buf, size_t cap,
                       size_t *len)
{
    uint64_t now = ms_plat_wall_ms();
    ms_auth_config_refresh(s->auth, now); /* a refused change keeps the keys */
    const ms_keyring_entry *e = ms_keyring_for_sending(s->auth->keys, p, now);
    if (!e)
        return ms_fail(MAILSLOT_E_ACCESS,
                       "no key may sign a message to \\\\%s\\mailslot\\%s now: the writer's keys "
                       "do not cover it, or their send periods do not hold the time",
                       p->target_kind == MS_WIRE_TO_ALL ? "*" : s->target, s->path);
    unsigned char nonce[MS_AUTH_NONCE_BYTES];
    if (s->auth->suite == MS_AUTH_SUITE_AEAD)
        ms_auth_random_nonce(nonce);
    *len = ms_auth_seal(&e->key, s->auth->suite, p, now, nonce, buf, cap);
    return *len ? MAILSLOT_OK : ms_fail(MAILSLOT_E_SYSTEM, "cannot seal a packet");
}

static int encode_clear(const ms_packet *p, unsigned char *buf, size_t cap, size_t *len)
{
    *len = ms_wire_encode(p, buf, cap);
    return *len ? MAILSLOT_OK : ms_fail(MAILSLOT_E_SYSTEM, "cannot encode a packet");
}

/* Signs (and with suite 2 encrypts) p with the key the keyring gives; the
 * keys follow their file (ms_auth_config_refresh), so a long-running writer
 * moves to a key added for rotation. A few microseconds at most, under a
 * spin lock: writes on one writer are serialised anyway. Whether the writer
 * has keys is read under the lock too: another thread's write may be
 * rewriting the keyring in place (refresh), so a look beside the lock was a
 * data race. */
static int seal(ms_sender *s, const ms_packet *p, unsigned char *buf, size_t cap, size_t *len)
{
    while (atomic_flag_test_and_set_explicit(&s->sealing, memory_order_acquire))
        ;
    int rc = ms_auth_config_keyed(s->auth) ? seal_locked(s, p, buf, cap, len)
                                           : encode_clear(p, buf, cap, len);
    atomic_flag_clear_explicit(&s->sealing, memory_order_release);
    return rc;
}

/* 1 when p may be signed: keys from a file (they change only under the
 * lock, see seal), or keys from text (they never change). */
static int may_seal(const ms_sender *s)
{
    return s->auth && (s->auth->key_file || ms_auth_config_keyed(s->auth));
}

int ms_sender_encode(ms_sender *s, const void *data, size_t len, unsigned char *buf, size_t cap,
                     size_t *out)
{
    ms_packet p = {
        .flags = 0,
        .target_kind = (uint8_t)s->kind,
        .target = s->target,
        .target_len = strlen(s->target),
        .path = s->path,
        .path_len = strlen(s->path),
        .sender = s->id,
        .seq = atomic_fetch_add(&s->seq, 1u),
        .payload = data,
        .payload_len = len,
    };
    return may_seal(s) ? seal(s, &p, buf, cap, out) : encode_clear(&p, buf, cap, out);
}

int ms_sender_legacy_out(const ms_sender *s)
{
    return s->legacy_out;
}

size_t ms_sender_max_message(const ms_sender *s)
{
    return s->legacy_out ? ms_legacy_max_data(strlen(s->path)) : MAILSLOT_MAX_NETWORK_MESSAGE;
}

int ms_sender_send(ms_sender *s, const unsigned char *packet, size_t len, const void *data,
                   size_t data_len)
{
    if (s->legacy)
        return ms_lsender_send(s->legacy, data, data_len);
    if (!s->udp)
        return MAILSLOT_OK;
    int rc = ms_udp_send(s->udp, packet, len);
    /* What this host's forwarder would take from the LAN, for a bridge here
     * (os.h): to every host, or to a domain of this host. */
    if (s->local_copy && s->kind != MS_WIRE_TO_HOST)
        ms_plat_bridge_feed(s->port, packet, len);
    return rc;
}

void ms_sender_close(ms_sender *s)
{
    if (!s)
        return;
    if (s->udp)
        ms_udp_close(s->udp);
    ms_lsender_close(s->legacy);
    ms_free(s);
}
