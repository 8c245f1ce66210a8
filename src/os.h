/* SPDX-License-Identifier: MIT */
/* os.h -- the small things each operating system provides: clocks, random
 * bytes, files, facts about this host.
 *
 * src/linux/ and src/win32/ implement every function here; the portable
 * core calls them and includes no OS header itself. Types of the core are
 * declared, not included, so that this header depends on nothing. */
#ifndef MS_OS_H
#define MS_OS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct ms_file_stamp ms_file_stamp;

/* ---- clocks ------------------------------------------------------------- */

/* Milliseconds of a clock that only moves on (not the wall clock): the one
 * clock of timeouts, deadlines and refresh intervals. */
int64_t ms_plat_monotonic_ms(void);

/* The wall clock: ms since the epoch (UTC). Timestamps of signed packets. */
uint64_t ms_plat_wall_ms(void);

/* ---- random bytes -------------------------------------------------------- */

/* Fills buf with len random bytes. MAILSLOT_OK or MAILSLOT_E_SYSTEM. */
int ms_plat_random(void *buf, size_t len);

/* ---- files --------------------------------------------------------------- */

/* What identifies the content of the file at path now (see ms_file_stamp).
 * MAILSLOT_OK, MAILSLOT_E_NOT_FOUND, MAILSLOT_E_SYSTEM. The detail sentences
 * of this and ms_plat_read_private_file begin with the path, so that the
 * caller can say what the file is ("key file /etc/k: No such file ..."). */
int ms_plat_file_stamp(const char *path, ms_file_stamp *out);

/* Reads a file that holds secrets into a new NUL-terminated buffer (free
 * with ms_free after wiping). The file must be a regular file that group and
 * others can neither read nor write: else MAILSLOT_E_ACCESS, naming its mode.
 * MAILSLOT_E_NOT_FOUND (no such file), MAILSLOT_E_INVALID (over max bytes,
 * not a regular file), MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM. On Windows the
 * access rights are not checked. */
int ms_plat_read_private_file(const char *path, size_t max, char **text, size_t *len);

/* ---- host ---------------------------------------------------------------- */

/* 1 when text is an IPv4 or IPv6 literal of an address of this host. */
int ms_plat_is_own_address(const char *text);

/* 1 when host is one of this machine's names, as ms_name_host_matches
 * compares them (Linux: its host name; Windows: its DNS name, host name and
 * NetBIOS name). */
int ms_plat_is_host_name(const char *host);

/* This machine's host name into buf (cap bytes, with its 0; cut to fit):
 * Linux its host name (gethostname), Windows its NetBIOS computer name.
 * Returns 0, or -1 (buf is then ""). */
int ms_plat_host_name(char *buf, size_t cap);

/* The text of an OS error number. */
void ms_plat_strerror(int err, char *buf, size_t cap);

/* ---- locks --------------------------------------------------------------- */

/* A mutex the core can embed, and define statically with MS_LOCK_INIT: room
 * for the OS's own (pthread_mutex_t, SRWLOCK), whose static initialiser is
 * all zeros on both. */
typedef struct ms_lock {
    void *opaque[8];
} ms_lock;
#define MS_LOCK_INIT                                                                               \
    {                                                                                              \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

void ms_lock_init(ms_lock *l);
void ms_lock_acquire(ms_lock *l);
void ms_lock_release(ms_lock *l);
void ms_lock_destroy(ms_lock *l);

/* ---- this host's bridge ------------------------------------------------- */

/* A writer's copy of a packet for a bridge on its own host. A bridge
 * publishes what its forwarder receives from the LAN, but a writer's
 * multicast does not come back to its own host (ms_udp_open_group), so
 * without this a write on the bridge's host would reach its LAN and no other
 * site. A writer (net/sender.c) calls it after sending a packet of this
 * library's protocol to the whole network or to one of this host's domains;
 * the forwarder of a process with a bridge's tap (transport.h) takes these
 * copies and hands them to the tap, and delivers none of them (this host's
 * readers have theirs). Best effort, as a datagram on the LAN: it never
 * blocks, and a copy the bridge has no room for is dropped. A process
 * without a bridge to feed looks for one at its first packet and then at
 * most once a second (a socket and a connect), and otherwise makes no system
 * call; a process feeds the port of its first packet only. Windows has no
 * bridge: nothing. */
void ms_plat_bridge_feed(uint16_t port, const unsigned char *packet, size_t len);

/* ---- UDP sockets ----------------------------------------------------------- */

/* A socket: a descriptor on Linux, a SOCKET on Windows. */
typedef intptr_t ms_sock;
#define MS_SOCK_NONE ((ms_sock)-1)

/* An IPv4 or IPv6 address and port: the OS's own sockaddr, kept whole so
 * that the core never converts or looks inside. Made zeroed by
 * ms_addr_list_next and ms_addr_ipv4, so that addresses compare with memcmp. */
typedef struct ms_addr {
    int family;     /* 4 or 6 */
    uint32_t len;   /* bytes of sa in use */
    uint64_t sa[4]; /* a sockaddr_in or sockaddr_in6 */
} ms_addr;

/* The address of IPv4 address ip (host order), port. */
void ms_addr_ipv4(uint32_t ip, uint16_t port, ms_addr *out);

/* The IPv4 address (host order) of a, when a->family is 4. */
uint32_t ms_addr_ipv4_of(const ms_addr *a);

/* For the backends: fills a with the sockaddr sa of len bytes, of family 4
 * or 6. Returns 0 when it does not fit (a is then left alone), else 1. */
static inline int ms_addr_set(ms_addr *a, int family, const void *sa, size_t len)
{
    if (len > sizeof a->sa)
        return 0;
    memset(a, 0, sizeof *a);
    a->family = family;
    a->len = (uint32_t)len;
    memcpy(a->sa, sa, len);
    return 1;
}

#define MS_NETIF_MAX 32

/* The interfaces to use for multicast, as the OS names them for it (Linux:
 * interface indexes; Windows: an IPv4 address of each, network order): the
 * one `configured` names (an interface name, or one of its IPv4 addresses;
 * on Windows also its adapter GUID), or when it is "" every interface that
 * is up, multicast-capable, not loopback and has an IPv4 address.
 * MAILSLOT_OK, MAILSLOT_E_NETWORK (no such interface), MAILSLOT_E_NOMEM,
 * MAILSLOT_E_SYSTEM. */
int ms_netif_list(const char *configured, uint32_t *ifs, size_t *count);

/* An IPv4 interface that can broadcast: its address and netmask (host
 * order). */
typedef struct ms_netif_ipv4 {
    uint32_t addr;
    uint32_t mask;
} ms_netif_ipv4;

/* The IPv4 addresses of the interfaces to broadcast on, for the NetBIOS
 * datagrams of legacy mode (net/lsender.c): the interface `configured`
 * names, as ms_netif_list takes it, or when it is "" every interface that is
 * up, broadcast-capable, not loopback and has an IPv4 address; an interface
 * with several addresses gives each. MAILSLOT_OK, MAILSLOT_E_NETWORK (no
 * such interface), MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM. */
int ms_netif_broadcasts(const char *configured, ms_netif_ipv4 *out, size_t *count);

/* What the OS's resolver answers for a host: getaddrinfo's list on both
 * systems, walked by the core (net/udp.c) with ms_addr_list_next. */
typedef struct ms_addr_list ms_addr_list;

/* Asks the resolver for the UDP addresses of host (a name or an IP
 * literal) at port (in decimal). MAILSLOT_OK, MAILSLOT_E_NOT_FOUND (does
 * not resolve), MAILSLOT_E_SYSTEM; the detail set. The list, perhaps
 * empty (NULL), goes with ms_addr_list_free. */
int ms_addr_list_get(const char *host, const char *port, ms_addr_list **out);

/* The entry *at (not NULL) as an ms_addr: 1 when it is an IPv4 or IPv6
 * address, else 0. Moves *at on to the next entry (NULL after the last). */
int ms_addr_list_next(const ms_addr_list **at, ms_addr *out);

void ms_addr_list_free(ms_addr_list *l);

/* The ms_sock_* functions return 0, or the OS's error number (errno,
 * WSAGetLastError) for the caller to say what failed (ms_fail_os). */

/* A UDP socket of family 4 or 6 that child processes do not inherit. */
int ms_sock_udp(int family, ms_sock *out);

/* Multicast sent on s goes ttl hops and does not come back to this host's
 * own sockets (its copy reaches its readers directly). */
int ms_sock_multicast_out(ms_sock s, int ttl);

/* Multicast sent on s leaves through interface ifc (of ms_netif_list). */
int ms_sock_multicast_if(ms_sock s, uint32_t ifc);

/* s, bound to the forwarder's port, receives the IPv4 group (host order) on
 * interface ifc. */
int ms_sock_join(ms_sock s, uint32_t group, uint32_t ifc);

/* s may send to broadcast addresses (SO_BROADCAST). */
int ms_sock_broadcast(ms_sock s);

/* Waits at most timeout_ms (>= 0) for a datagram on s: 0 with its first cap
 * bytes in buf and their count in *len; -1 when none came in time; or the
 * OS's error number. */
int ms_sock_recv(ms_sock s, void *buf, size_t cap, int timeout_ms, size_t *len);

/* Sends one datagram to `to`, never blocking for long nor raising signals. */
int ms_sock_send(ms_sock s, const void *buf, size_t len, const ms_addr *to);

/* One datagram of ms_sock_send_many: its bytes, where it goes, and (set by
 * the call) 0 or the OS's error number. */
typedef struct ms_sock_msg {
    const void *buf;
    size_t len;
    const ms_addr *to;
    int err;
} ms_sock_msg;

/* Sends n datagrams in order, each as ms_sock_send would, in as few system
 * calls as the OS allows (Linux: sendmmsg); each one's result in its err. */
void ms_sock_send_many(ms_sock s, ms_sock_msg *m, size_t n);

void ms_sock_close(ms_sock s);

#endif
