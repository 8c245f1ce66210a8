/* SPDX-License-Identifier: MIT */
/* netif.c -- this host's network interfaces (Windows: GetAdaptersAddresses).
 *
 * ms_netif_list names each interface by an IPv4 address of its, as
 * IP_MULTICAST_IF and IP_ADD_MEMBERSHIP take it. A configured interface is
 * named as Windows shows it ("Ethernet 2", compared ignoring case), by its
 * adapter GUID ("{...}"), or by one of its IPv4 addresses; one without an
 * IPv4 address gives none. */
#include "win32/win32.h"

#include <iphlpapi.h>
/* COM's "interface" keyword, which <iphlpapi.h> brings along, is a field
 * name of ms_net_config. */
#undef interface

#include "alloc.h"
#include "error.h"
#include "os.h"
#include "net/netconfig.h"

#include <stdlib.h>
#include <string.h>

/* The adapters with their unicast addresses, or NULL with the detail set
 * (*rc: MAILSLOT_E_NOMEM or MAILSLOT_E_SYSTEM). Free with free(). */
static IP_ADAPTER_ADDRESSES *adapters(int *rc)
{
    const ULONG flags = GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST | GAA_FLAG_SKIP_DNS_SERVER;
    ULONG size = 16384;
    for (int attempt = 0; attempt < 4; attempt++) {
        IP_ADAPTER_ADDRESSES *all = ms_malloc(size);
        if (!all) {
            *rc = ms_fail(MAILSLOT_E_NOMEM, "out of memory listing network interfaces");
            return NULL;
        }
        ULONG err = GetAdaptersAddresses(AF_UNSPEC, flags, NULL, all, &size);
        if (err == NO_ERROR)
            return all;
        ms_free(all);
        if (err == ERROR_NO_DATA) { /* no adapter at all: one that is down, unnamed */
            all = ms_calloc(1, sizeof *all);
            if (!all)
                *rc = ms_fail(MAILSLOT_E_NOMEM, "out of memory listing network interfaces");
            return all;
        }
        if (err != ERROR_BUFFER_OVERFLOW) {
            *rc = ms_fail_os(MAILSLOT_E_SYSTEM, (int)err, "cannot list network interfaces");
            return NULL;
        }
        /* Grown meanwhile: size now says how much is needed. */
    }
    *rc = ms_fail(MAILSLOT_E_SYSTEM, "cannot list network interfaces: the list keeps growing");
    return NULL;
}

static void add(uint32_t *addr, size_t *count, uint32_t a)
{
    for (size_t i = 0; i < *count; i++)
        if (addr[i] == a)
            return;
    if (*count < MS_NETIF_MAX)
        addr[(*count)++] = a;
}

/* The first IPv4 address of an adapter, or 0. */
static uint32_t first_ipv4(const IP_ADAPTER_ADDRESSES *a)
{
    for (const IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u; u = u->Next)
        if (u->Address.lpSockaddr && u->Address.lpSockaddr->sa_family == AF_INET)
            return ((const struct sockaddr_in *)u->Address.lpSockaddr)->sin_addr.s_addr;
    return 0;
}

static int has_ipv4(const IP_ADAPTER_ADDRESSES *a, uint32_t want)
{
    for (const IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u; u = u->Next)
        if (u->Address.lpSockaddr && u->Address.lpSockaddr->sa_family == AF_INET &&
            ((const struct sockaddr_in *)u->Address.lpSockaddr)->sin_addr.s_addr == want)
            return 1;
    return 0;
}

/* The adapter's name as Windows shows it, or its GUID, is `wanted` (UTF-16). */
static int named(const IP_ADAPTER_ADDRESSES *a, const wchar_t *wanted, const char *configured)
{
    if (a->FriendlyName &&
        CompareStringOrdinal(a->FriendlyName, -1, wanted, -1, TRUE) == CSTR_EQUAL)
        return 1;
    return a->AdapterName && _stricmp(a->AdapterName, configured) == 0;
}

int ms_netif_list(const char *configured, uint32_t *addr, size_t *count)
{
    int rc = ms_win32_net_startup(); /* for inet_pton */
    if (rc != MAILSLOT_OK)
        return rc;
    IP_ADAPTER_ADDRESSES *all = adapters(&rc);
    if (!all)
        return rc;
    *count = 0;
    if (!configured[0]) {
        for (IP_ADAPTER_ADDRESSES *a = all; a; a = a->Next) {
            uint32_t v4 = first_ipv4(a);
            if (a->OperStatus == IfOperStatusUp && !(a->Flags & IP_ADAPTER_NO_MULTICAST) &&
                a->IfType != IF_TYPE_SOFTWARE_LOOPBACK && v4)
                add(addr, count, v4);
        }
        ms_free(all);
        return MAILSLOT_OK;
    }
    struct in_addr literal;
    int is_literal = inet_pton(AF_INET, configured, &literal) == 1;
    wchar_t wanted[MS_NET_INTERFACE_MAX + 1];
    if (!MultiByteToWideChar(CP_UTF8, 0, configured, -1, wanted,
                             (int)(sizeof wanted / sizeof wanted[0])))
        wanted[0] = L'\0';
    int found = 0;
    for (IP_ADAPTER_ADDRESSES *a = all; a && !found; a = a->Next) {
        if (is_literal && has_ipv4(a, literal.s_addr)) {
            found = 1;
            add(addr, count, literal.s_addr);
        } else if (!is_literal && named(a, wanted, configured)) {
            found = 1;
            uint32_t v4 = first_ipv4(a);
            if (v4)
                add(addr, count, v4);
        }
    }
    ms_free(all);
    if (!found)
        return ms_fail(MAILSLOT_E_NETWORK, "no network interface is named or has address \"%s\"",
                       configured);
    return MAILSLOT_OK;
}

/* The adapter broadcasts and is the one configured names, or any when
 * configured is "" (wanted: configured in UTF-16). */
static int broadcasts(const IP_ADAPTER_ADDRESSES *a, const char *configured, const wchar_t *wanted,
                      const struct in_addr *literal)
{
    if (a->OperStatus != IfOperStatusUp || a->IfType == IF_TYPE_SOFTWARE_LOOPBACK)
        return 0;
    if (!configured[0] || named(a, wanted, configured))
        return 1;
    return literal && has_ipv4(a, literal->s_addr);
}

int ms_netif_broadcasts(const char *configured, ms_netif_ipv4 *out, size_t *count)
{
    int rc = ms_win32_net_startup();
    if (rc != MAILSLOT_OK)
        return rc;
    IP_ADAPTER_ADDRESSES *all = adapters(&rc);
    if (!all)
        return rc;
    struct in_addr literal;
    int is_literal = inet_pton(AF_INET, configured, &literal) == 1;
    wchar_t wanted[MS_NET_INTERFACE_MAX + 1];
    if (!MultiByteToWideChar(CP_UTF8, 0, configured, -1, wanted,
                             (int)(sizeof wanted / sizeof wanted[0])))
        wanted[0] = L'\0';
    *count = 0;
    for (IP_ADAPTER_ADDRESSES *a = all; a; a = a->Next) {
        if (!broadcasts(a, configured, wanted, is_literal ? &literal : NULL))
            continue;
        for (IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u && *count < MS_NETIF_MAX;
             u = u->Next) {
            const struct sockaddr *sa = u->Address.lpSockaddr;
            if (!sa || sa->sa_family != AF_INET || u->OnLinkPrefixLength > 32)
                continue;
            uint8_t bits = u->OnLinkPrefixLength;
            out[*count].addr = ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr);
            out[*count].mask = bits == 0 ? 0 : 0xFFFFFFFFu << (32 - bits);
            (*count)++;
        }
    }
    ms_free(all);
    if (configured[0] && *count == 0)
        return ms_fail(MAILSLOT_E_NETWORK,
                       "no network interface that broadcasts is named or has address \"%s\"",
                       configured);
    return MAILSLOT_OK;
}

int ms_plat_is_own_address(const char *text)
{
    if (ms_win32_net_startup() != MAILSLOT_OK)
        return 0;
    unsigned char want[16];
    int family = inet_pton(AF_INET, text, want) == 1    ? AF_INET
                 : inet_pton(AF_INET6, text, want) == 1 ? AF_INET6
                                                        : 0;
    if (!family)
        return 0;
    int rc;
    IP_ADAPTER_ADDRESSES *all = adapters(&rc);
    if (!all)
        return 0;
    int found = 0;
    for (IP_ADAPTER_ADDRESSES *a = all; a && !found; a = a->Next) {
        for (IP_ADAPTER_UNICAST_ADDRESS *u = a->FirstUnicastAddress; u && !found; u = u->Next) {
            const struct sockaddr *sa = u->Address.lpSockaddr;
            if (!sa || sa->sa_family != family)
                continue;
            const void *have = family == AF_INET
                                   ? (const void *)&((const struct sockaddr_in *)sa)->sin_addr
                                   : (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr;
            found = memcmp(have, want, family == AF_INET ? 4 : 16) == 0;
        }
    }
    ms_free(all);
    return found;
}
