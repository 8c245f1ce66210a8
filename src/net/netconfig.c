/* SPDX-License-Identifier: MIT */
/* netconfig.c -- network settings: defaults, environment, checks. */
#include "net/netconfig.h"
#include "error.h"
#include "net/wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void ms_net_config_defaults(ms_net_config *c)
{
    memset(c, 0, sizeof *c);
    c->enabled = 1;
    c->port = MS_WIRE_PORT;
    c->ttl = 1;
    c->ndomains = 1;
    strcpy(c->domains[0], MS_NET_DEFAULT_DOMAIN);
}

static int bad(const char *what, const char *value, const char *range)
{
    return ms_fail(MAILSLOT_E_INVALID, "%s: \"%s\" is not %s", what, value, range);
}

static int bad_number(const char *what, int64_t v, const char *range)
{
    return ms_fail(MAILSLOT_E_INVALID, "%s: %lld is outside %s", what, (long long)v, range);
}

int ms_net_config_set_enabled(ms_net_config *c, int64_t v, const char *what)
{
    if (v != 0 && v != 1)
        return bad_number(what, v, "0..1");
    c->enabled = (int)v;
    return MAILSLOT_OK;
}

int ms_net_config_set_legacy(ms_net_config *c, int64_t v, const char *what)
{
    if (v != 0 && v != 1)
        return bad_number(what, v, "0..1");
    c->legacy = (int)v;
    return MAILSLOT_OK;
}

int ms_net_config_set_netbios_name(ms_net_config *c, const char *name, const char *what)
{
    ms_legacy_name made;
    if (ms_legacy_name_make(name, strlen(name), MS_LEGACY_SUFFIX_WORKSTATION, &made) != 0)
        return bad(
            what, name,
            "a NetBIOS name (1 to 15 printable ASCII characters, none of \\ / : * ? \" < > | .)");
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        c->netbios_name[i] = made.chars[i];
    c->netbios_name[n] = '\0';
    return MAILSLOT_OK;
}

int ms_net_config_set_port(ms_net_config *c, int64_t v, const char *what)
{
    if (v < 1 || v > 65535)
        return bad_number(what, v, "1..65535");
    c->port = (uint16_t)v;
    return MAILSLOT_OK;
}

int ms_net_config_set_ttl(ms_net_config *c, int64_t v, const char *what)
{
    if (v < 1 || v > 255)
        return bad_number(what, v, "1..255");
    c->ttl = (uint8_t)v;
    return MAILSLOT_OK;
}

/* A domain is written like a host name: the name parser decides. The whole
 * of s must be the host: a separator would end it early ("a\\mailslot\\b"
 * would pass as "a") and brackets would be stripped ("[a]" as "a"), so the
 * host the parser found must be as long as s. */
int ms_net_parse_domain(const char *s, size_t n, char *out, const char *what)
{
    char text[MS_HOST_MAX + 32];
    ms_name name;
    if (n == 0 || n > MS_HOST_MAX)
        return ms_fail(MAILSLOT_E_INVALID, "%s: a domain name has 1 to %d bytes", what,
                       MS_HOST_MAX);
    memcpy(text, "\\\\", 2);
    memcpy(text + 2, s, n);
    strcpy(text + 2 + n, "\\mailslot\\x");
    if (ms_name_parse(text, &name) != MAILSLOT_OK || name.kind != MS_HOST_NAMED ||
        strlen(name.host) != n)
        return ms_fail(MAILSLOT_E_INVALID, "%s: \"%.*s\" is not a domain name", what, (int)n, s);
    strcpy(out, name.host);
    return MAILSLOT_OK;
}

int ms_net_config_set_domains(ms_net_config *c, const char *list, const char *what)
{
    ms_net_config next = *c;
    next.ndomains = 0;
    const char *p = list;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (next.ndomains == MS_NET_MAX_DOMAINS)
            return ms_fail(MAILSLOT_E_INVALID, "%s: more than %d domains", what,
                           MS_NET_MAX_DOMAINS);
        int rc = ms_net_parse_domain(p, n, next.domains[next.ndomains], what);
        if (rc != MAILSLOT_OK)
            return rc;
        next.ndomains++;
        p += n + (end ? 1 : 0);
        if (end && !*p)
            return ms_fail(MAILSLOT_E_INVALID, "%s: a domain list does not end in ','", what);
    }
    *c = next;
    return MAILSLOT_OK;
}

int ms_net_config_set_interface(ms_net_config *c, const char *name, const char *what)
{
    size_t n = strlen(name);
    if (n > MS_NET_INTERFACE_MAX)
        return ms_fail(MAILSLOT_E_INVALID, "%s: an interface name has at most %d bytes", what,
                       MS_NET_INTERFACE_MAX);
    /* Spaces and UTF-8 are allowed: Windows names its adapters "Ethernet 2"
     * and in the user's language. */
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)name[i] < ' ' || name[i] == '/' || (unsigned char)name[i] == 0x7F)
            return bad(what, name, "an interface name or IPv4 address");
    memcpy(c->interface, name, n + 1);
    return MAILSLOT_OK;
}

int ms_env_number(const char *var, int64_t *out)
{
    const char *text = getenv(var);
    if (!text)
        return 0;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end) {
        bad(var, text, "a number");
        return -1;
    }
    *out = v;
    return 1;
}

int ms_net_config_from_env(ms_net_config *c, unsigned keep)
{
    static const struct {
        const char *var;
        unsigned bit;
        int (*set)(ms_net_config *, int64_t, const char *);
    } numbers[] = {{"MAILSLOT_NETWORK", MS_NET_SET_ENABLED, ms_net_config_set_enabled},
                   {"MAILSLOT_PORT", MS_NET_SET_PORT, ms_net_config_set_port},
                   {"MAILSLOT_TTL", MS_NET_SET_TTL, ms_net_config_set_ttl},
                   {"MAILSLOT_LEGACY", MS_NET_SET_LEGACY, ms_net_config_set_legacy}};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        int64_t v;
        if (keep & numbers[i].bit)
            continue;
        int found = ms_env_number(numbers[i].var, &v);
        if (found < 0)
            return MAILSLOT_E_INVALID;
        if (found && numbers[i].set(c, v, numbers[i].var) != MAILSLOT_OK)
            return MAILSLOT_E_INVALID;
    }
    const char *text = getenv("MAILSLOT_DOMAIN");
    if (text && !(keep & MS_NET_SET_DOMAINS) &&
        ms_net_config_set_domains(c, text, "MAILSLOT_DOMAIN") != MAILSLOT_OK)
        return MAILSLOT_E_INVALID;
    text = getenv("MAILSLOT_INTERFACE");
    if (text && !(keep & MS_NET_SET_INTERFACE) &&
        ms_net_config_set_interface(c, text, "MAILSLOT_INTERFACE") != MAILSLOT_OK)
        return MAILSLOT_E_INVALID;
    text = getenv("MAILSLOT_NETBIOS_NAME");
    if (text && !(keep & MS_NET_SET_NETBIOS_NAME) &&
        ms_net_config_set_netbios_name(c, text, "MAILSLOT_NETBIOS_NAME") != MAILSLOT_OK)
        return MAILSLOT_E_INVALID;
    return MAILSLOT_OK;
}

int ms_net_config_has_domain(const ms_net_config *c, const char *domain)
{
    for (size_t i = 0; i < c->ndomains; i++)
        if (strcmp(c->domains[i], domain) == 0)
            return 1;
    return 0;
}
