/* SPDX-License-Identifier: MIT */
/* legacyrecv.h -- what the host forwarder does with a datagram that arrives
 * on UDP port 138 in legacy mode (abi/PROTOCOL.md section 9.3), written once
 * for every platform: the platform's forwarder owns the socket, says whether
 * the datagram came from one of this host's own addresses, and delivers.
 *
 * A datagram goes to a local reader when it is a whole mailslot write
 * (legacy.h decodes it), did not come from this host (its own writers reach
 * its readers directly: a second copy), is addressed to this host's NetBIOS
 * name with suffix <00> or to one of its domains with <00>, <1D> or <1E>,
 * names a slot ("\MAILSLOT\A\B" is the reader of "\\.\mailslot\a\b"), and is
 * not a copy of one delivered within MS_LEGACY_DEDUP_MS: the same broadcast
 * arrives once per interface that shares the sender's subnet, with the same
 * bytes, so a copy is the same source address, datagram id and bytes. The
 * legacy format has no sender id or sequence, so de-duplication is the
 * forwarder's here, by time: readers cannot tell a copy from a new write of
 * the same bytes. Pure apart from nothing: the caller passes the time. */
#ifndef MS_NET_LEGACYRECV_H
#define MS_NET_LEGACYRECV_H

#include "name.h"
#include "net/droplog.h"
#include "net/forward.h"
#include "net/legacy.h"
#include "net/netconfig.h"

#include <stddef.h>
#include <stdint.h>

/* Datagrams remembered for de-duplication, and for how long (ms). Copies of
 * one broadcast arrive within microseconds of each other; a sender's next
 * write has another datagram id (Windows counts them; Samba draws them). */
#define MS_LEGACY_RECENT 64
#define MS_LEGACY_DEDUP_MS 2000

typedef struct ms_legacy_recent {
    uint64_t key; /* source address, datagram id, hash of the bytes */
    int64_t at;   /* when it was delivered; 0: free */
} ms_legacy_recent;

typedef struct ms_legacy_recv {
    ms_legacy_name host; /* HOST<00> */
    int has_host;
    /* The domains that are NetBIOS names (<00>; <1D> and <1E> compare by
     * name): a domain of more than 15 characters, or with a dot, has no
     * NetBIOS name, and no Windows host can address it. */
    ms_legacy_name domains[MS_NET_MAX_DOMAINS];
    size_t ndomains;
    ms_legacy_recent recent[MS_LEGACY_RECENT];
    size_t next;    /* the oldest entry of recent, overwritten next */
    ms_droplog log; /* for the lines about malformed datagrams */
} ms_legacy_recv;

/* The slot that d's mailslot name names: "\MAILSLOT\A\B" gives "a\b", the
 * canonical path (as in ms_name) of "\\.\mailslot\a\b", into path
 * (MS_PATH_MAX + 1 bytes). Returns 1, or 0 when it names no slot (a byte
 * that is not printable ASCII, an empty or ".." segment, too long). */
int ms_legacy_slot_path(const ms_legacy_datagram *d, char *path);

/* What ms_legacy_recv_check decided. */
typedef enum ms_legacy_verdict {
    MS_LEGACY_DELIVER,           /* to the reader of the path */
    MS_LEGACY_DROP_MALFORMED,    /* not a whole mailslot write, or no slot name */
    MS_LEGACY_DROP_MISADDRESSED, /* for another host's name, or a group not ours */
    MS_LEGACY_DROP_OWN,          /* sent by this host: its readers have it */
    MS_LEGACY_DROP_DUPLICATE     /* a copy of one delivered just now */
} ms_legacy_verdict;

/* Sets r up from cfg's NetBIOS name and domains, for a host whose host name
 * is host_name (ms_plat_host_name). Returns 0, or -1 when the host has no
 * NetBIOS name (ms_legacy_host_name refuses host_name): writes to its
 * domains are still taken. */
int ms_legacy_recv_init(ms_legacy_recv *r, const ms_net_config *cfg, const char *host_name);

/* What ms_legacy_recv_check found. */
typedef struct ms_legacy_decision {
    char path[MS_PATH_MAX + 1]; /* MS_LEGACY_DELIVER: the canonical slot path, as in ms_name */
    size_t len;                 /* MS_LEGACY_DELIVER: the datagram's own bytes (no padding) */
    ms_legacy_datagram d;       /* as decoded, pointing into the datagram */
    const char *why;            /* the reason of a drop; "" when delivered */
    uint64_t tell;              /* malformed datagrams a debug line should report now (this one
                                   included), at most one line a minute (droplog.h); else 0 */
} ms_legacy_decision;

/* Decides on the datagram buf[0..len), which arrived at now (ms of a clock
 * that only moves on) from an address of this host (from_self 1) or not.
 * Every datagram is counted in *c (legacy_* counters; one delivered is
 * counted by whoever delivers it). A datagram longer than a NetBIOS
 * datagram can be (MS_LEGACY_MAX_DATAGRAM: 512 bytes of user data) is
 * malformed: nobody sends one, and a reader's record has room for no more. */
ms_legacy_verdict ms_legacy_recv_check(ms_legacy_recv *r, const unsigned char *buf, size_t len,
                                       int from_self, int64_t now, ms_legacy_decision *out,
                                       ms_fwd_counters *c);

#endif
