/* SPDX-License-Identifier: MIT */
/* netconfig.h -- the network settings of a reader or writer: defaults, the
 * environment, then options. Pure apart from reading the environment. */
#ifndef MS_NETCONFIG_H
#define MS_NETCONFIG_H

#include "name.h"
#include "net/legacy.h"

#include <stddef.h>
#include <stdint.h>

#define MS_NET_DEFAULT_DOMAIN "workgroup"
#define MS_NET_MAX_DOMAINS 16
#define MS_NET_INTERFACE_MAX 63
/* A comma-separated domain list at its longest. */
#define MS_NET_DOMAINS_TEXT_MAX (MS_NET_MAX_DOMAINS * (MS_HOST_MAX + 1))

typedef struct ms_net_config {
    int enabled;
    uint16_t port;
    uint8_t ttl;
    char interface[MS_NET_INTERFACE_MAX + 1]; /* "": every multicast interface */
    size_t ndomains;
    char domains[MS_NET_MAX_DOMAINS][MS_HOST_MAX + 1]; /* lower case */
    int legacy; /* 1: also speak the format of Windows hosts (legacy.h) */
    /* This host's NetBIOS name, upper case; "": from the host name
     * (ms_legacy_host_name). */
    char netbios_name[MS_LEGACY_NAME_CHARS + 1];
} ms_net_config;

/* Which fields an options bag sets; the others come from the environment. */
enum {
    MS_NET_SET_ENABLED = 1,
    MS_NET_SET_PORT = 2,
    MS_NET_SET_TTL = 4,
    MS_NET_SET_DOMAINS = 8,
    MS_NET_SET_INTERFACE = 16,
    MS_NET_SET_LEGACY = 32,
    MS_NET_SET_NETBIOS_NAME = 64
};

/* The built-in defaults: network on, port 17317, TTL 1, every interface,
 * domain "workgroup". */
void ms_net_config_defaults(ms_net_config *c);

/* Replaces the fields that the environment sets (MAILSLOT_NETWORK,
 * MAILSLOT_PORT, MAILSLOT_TTL, MAILSLOT_DOMAIN, MAILSLOT_INTERFACE,
 * MAILSLOT_LEGACY, MAILSLOT_NETBIOS_NAME) unless
 * their bit is in keep. MAILSLOT_OK, or MAILSLOT_E_INVALID naming the
 * variable and its bad value. */
int ms_net_config_from_env(ms_net_config *c, unsigned keep);

/* Field setters shared by options and environment; each checks its value and
 * returns MAILSLOT_OK or MAILSLOT_E_INVALID with a detail naming `what`. */
int ms_net_config_set_enabled(ms_net_config *c, int64_t v, const char *what);
int ms_net_config_set_port(ms_net_config *c, int64_t v, const char *what);
int ms_net_config_set_ttl(ms_net_config *c, int64_t v, const char *what);
int ms_net_config_set_domains(ms_net_config *c, const char *list, const char *what);
int ms_net_config_set_interface(ms_net_config *c, const char *name, const char *what);
int ms_net_config_set_legacy(ms_net_config *c, int64_t v, const char *what);
/* A NetBIOS name: 1 to 15 characters that ms_legacy_name_make accepts; kept
 * upper case. */
int ms_net_config_set_netbios_name(ms_net_config *c, const char *name, const char *what);

/* Parses a domain name of n bytes (s need not be NUL-terminated; at most
 * MS_HOST_MAX) into out (MS_HOST_MAX + 1 bytes), folded to lower case, as
 * MAILSLOT_OPT_DOMAIN and key files write it. MAILSLOT_OK or
 * MAILSLOT_E_INVALID with a detail "WHAT: ...". */
int ms_net_parse_domain(const char *s, size_t n, char *out, const char *what);

/* Reads the environment variable var as a decimal number: 1 with *out set,
 * 0 when it is not set, -1 when it is not a number (MAILSLOT_E_INVALID's
 * detail then names it). Shared by every setting from the environment. */
int ms_env_number(const char *var, int64_t *out);

/* 1 when domain (lower case) is one of c's domains. */
int ms_net_config_has_domain(const ms_net_config *c, const char *domain);

#endif
