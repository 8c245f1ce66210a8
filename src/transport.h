/* SPDX-License-Identifier: MIT */
/* transport.h -- the objects each operating system's transport provides:
 * the local reader and writer of a name, the query of a reader in another
 * process, and the host forwarder. (UDP senders are the core's, net/udp.h,
 * over the sockets of os.h.)
 *
 * src/linux/ implements them with AF_UNIX sockets and one I/O thread per
 * process; src/win32/ with native mailslots. The core (mailslot.c) checks
 * arguments, parses names, resolves options and keeps handle lifetimes;
 * everything below is called with valid arguments only. The core's types
 * are declared here, not included: a file that looks inside one includes
 * its header. */
#ifndef MS_TRANSPORT_H
#define MS_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ms_name ms_name;
typedef struct ms_net_config ms_net_config;
typedef struct ms_net_counters ms_net_counters;
typedef struct ms_auth_config ms_auth_config;
typedef struct ms_reader_snapshot ms_reader_snapshot; /* snapshot.h */

typedef struct ms_reader_config {
    uint32_t max_message_size; /* 1..MAILSLOT_MAX_LOCAL_MESSAGE */
    uint32_t queue_limit;      /* >= 1 */
    int allow_any_user;        /* 0: own user and root only */
    int network;               /* 0: drop packets forwarded from the network */
    ms_auth_config *auth;      /* keys and checks; outlives the reader (which follows its key
                                  file: only under the reader's lock) */
} ms_reader_config;

/* ---- local reader: owns a local name and receives its messages ---------- */

typedef struct ms_local_reader ms_local_reader;

/* MAILSLOT_OK, MAILSLOT_E_EXISTS, MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM. */
int ms_local_reader_create(const ms_name *name, const ms_reader_config *cfg, ms_local_reader **out);

/* timeout_ms >= 0 or MAILSLOT_WAIT_FOREVER. As mailslot_read. */
int ms_local_reader_read(ms_local_reader *r, void *buf, size_t cap, size_t *len,
                         int32_t timeout_ms);

/* next_size is MAILSLOT_NO_MESSAGE when empty. */
int ms_local_reader_info(ms_local_reader *r, uint32_t *next_size, uint32_t *count);

int ms_local_reader_fd(ms_local_reader *r, intptr_t *fd);

void ms_local_reader_interrupt(ms_local_reader *r);

/* A snapshot of the reader's network counters. */
void ms_local_reader_net_counters(ms_local_reader *r, ms_net_counters *out);

/* Asks the local reader of name, in any process, for its settings and
 * counters, over a local connection (so the reader must accept this user).
 * MAILSLOT_OK, MAILSLOT_E_NOT_FOUND (no reader), MAILSLOT_E_ACCESS,
 * MAILSLOT_E_TIMEOUT (no answer within timeout_ms), MAILSLOT_E_SYSTEM (on
 * Windows: a mailslot cannot be asked). */
int ms_local_reader_query(const ms_name *name, int32_t timeout_ms, ms_reader_snapshot *out);

/* Threads waiting in ms_local_reader_read now (for tests). */
int ms_local_reader_waiting(ms_local_reader *r);

/* Releases the name and wakes every waiting read with MAILSLOT_E_CLOSED. Reads
 * may still be running when it returns; they fail with MAILSLOT_E_CLOSED. */
void ms_local_reader_shutdown(ms_local_reader *r);

/* Drops the core's reference; memory goes when nothing else uses it. Called
 * once, after shutdown and after every call on r has returned. */
void ms_local_reader_release(ms_local_reader *r);

/* ---- local writer: a connection to the local reader of a name ----------- */

typedef struct ms_local_writer ms_local_writer;

/* require_reader: fail with MAILSLOT_E_NOT_FOUND when no reader owns the
 * name; otherwise connect when a write finds a reader. */
int ms_local_writer_open(const ms_name *name, int require_reader, ms_local_writer **out);

/* MAILSLOT_OK, MAILSLOT_E_TOO_BIG, MAILSLOT_E_FULL, MAILSLOT_E_NOT_FOUND,
 * MAILSLOT_E_ACCESS, MAILSLOT_E_SYSTEM. Reconnects once to a restarted reader. */
int ms_local_writer_write(ms_local_writer *w, const void *data, size_t len);

/* Sends a network packet (PROTOCOL.md) to the local reader: the local copy
 * of a message to "*", a domain or this host. The reader checks it, takes a
 * queue place or drops and counts it. Results as ms_local_writer_write, but
 * never MAILSLOT_E_TOO_BIG, and MAILSLOT_E_FULL only for a reader that is
 * not taking messages. data is the message the packet carries: where local
 * readers receive payloads only (Windows: native mailslots), it is written
 * as a local message is, and the packet (perhaps encrypted) is not used. */
int ms_local_writer_send_packet(ms_local_writer *w, const void *packet, size_t len,
                                const void *data, size_t data_len);

void ms_local_writer_close(ms_local_writer *w);

/* ---- the system's own remote mailslots (legacy mode) -------------------- */

/* Where the system writes remote mailslots itself (Windows: CreateFile on
 * \\*\mailslot\..., \\DOMAIN\... or \\HOST\..., sent as NetBIOS
 * datagrams by Windows), a writer in legacy mode uses them, and the core
 * sends no datagram of its own (net/lsender.c): Windows holds UDP ports 137
 * and 138 and knows its own name, workgroup and name resolution. */

typedef struct ms_remote_writer ms_remote_writer;

/* 1 when this system has remote mailslots of its own (Windows), else 0. */
int ms_remote_writer_native(void);

/* Opens the system's remote mailslot of name ("*", a domain or another
 * host). MAILSLOT_OK, MAILSLOT_E_NETWORK (the system refused: the detail
 * names its error and the policy that turns remote mailslots on),
 * MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM (no remote mailslots here: called
 * where ms_remote_writer_native is 0). */
int ms_remote_writer_open(const ms_name *name, ms_remote_writer **out);

/* Writes one message. MAILSLOT_OK or MAILSLOT_E_NETWORK, as open. */
int ms_remote_writer_write(ms_remote_writer *w, const void *data, size_t len);

void ms_remote_writer_close(ms_remote_writer *w);

/* ---- the host forwarder ------------------------------------------------- */

/* One process per host owns the UDP port and forwards each packet it
 * receives, unopened, to the local reader it names (see forward.h for what
 * it accepts). Every process with a network reader is a candidate: when the
 * owner ends, one of the others takes over at once. */

/* A network reader of this process exists (counted). The first call starts
 * the process's forwarder with cfg; it owns the port when this returns, or
 * another process does, or it retries every second while a program that is
 * not a forwarder holds the port. auth (NULL: none) is the reader's keys:
 * where the forwarder checks packets for its readers (Windows, whose native
 * mailslots receive payloads only) it keeps a copy of the first keys it is
 * given until it stops; where readers check packets themselves (Linux) it
 * ignores them. MAILSLOT_OK, MAILSLOT_E_NETWORK (cfg's interface does not
 * exist), MAILSLOT_E_NOMEM, MAILSLOT_E_SYSTEM. */
int ms_forwarder_want(const ms_net_config *cfg, const ms_auth_config *auth);

/* Undoes one ms_forwarder_want; the last one stops the forwarder and frees
 * the port for another process. */
void ms_forwarder_unwant(void);

/* ---- the bridge's hooks on the forwarder (`mailslot bridge`) ------------ */

/* Called with each datagram the forwarder received on the port, or from a
 * writer of this host (ms_plat_bridge_feed, os.h), that is for the whole network or for
 * one of this host's domains: it passed ms_forward_check (forward.h) and is
 * not addressed to a host. marked: it is a bridge's re-send (net/bridge.h),
 * which did not start on this LAN.
 * Called on the forwarder's thread under its lock, whether or not a local
 * reader takes the datagram: it must only copy it and return. */
typedef void (*ms_forwarder_tap)(const unsigned char *datagram, size_t len, int marked, void *ctx);

/* Sets (or with NULL clears) the one tap. While one is set and this process
 * owns the port, the forwarder also takes this host's writers' copies
 * (ms_plat_bridge_feed, os.h); when another program holds their name, it logs a warning
 * and goes on without them. Once this returns with NULL, the old tap is not
 * running and will not be called, and the writers' connections are closed. */
void ms_forwarder_set_tap(ms_forwarder_tap fn, void *ctx);

/* A datagram from another site for ms_forwarder_inject, and (set by it) what
 * became of it. */
typedef struct ms_inject {
    const unsigned char *datagram;
    size_t len;
    int rc;
} ms_inject;

/* Datagrams from another site: the forwarder checks each as one received
 * on the port (ms_forward_check, counted in its counters), hands it to the
 * local reader of its path, and, with resend, sends it unchanged to its
 * group on each multicast interface from the port itself (the marker), so
 * that this LAN's other hosts receive it and no bridge publishes it again.
 * The n datagrams go at once: one hold of the forwarder's lock, and a
 * system call per interface and per reader for as many of them as the
 * platform allows, not one each. Each one's rc: MAILSLOT_OK (delivered or
 * not: no reader is no failure), MAILSLOT_E_INVALID (refused by the
 * check), MAILSLOT_E_NOT_FOUND (this process does not own the port now: it
 * cannot re-send), MAILSLOT_E_NETWORK (every re-send of it failed). Linux
 * only: Windows has no bridge (MAILSLOT_E_SYSTEM). */
void ms_forwarder_inject(ms_inject *batch, size_t n, int resend);

#endif
