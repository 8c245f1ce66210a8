/* platform.h -- what the portable core needs from an operating system.
 *
 * src/posix/ implements it with AF_UNIX sockets and one I/O thread per
 * process; a Windows backend implements it with native mailslots. The core
 * (mailslot.c) checks arguments, parses names, resolves options and keeps
 * handle lifetimes; everything below is called with valid arguments only. */
#ifndef MS_PLATFORM_H
#define MS_PLATFORM_H

#include "name.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ms_reader_config {
    uint32_t max_message_size; /* 1..MAILSLOT_MAX_LOCAL_MESSAGE */
    uint32_t queue_limit;      /* >= 1 */
    int allow_any_user;        /* 0: own user and root only */
} ms_reader_config;

/* What a reader did with network packets (PROTOCOL.md section 4). */
typedef struct ms_net_counters {
    uint64_t received;        /* delivered to the queue */
    uint64_t malformed;       /* dropped: broke a rule of the format */
    uint64_t unknown_version; /* dropped: a version this build does not know */
    uint64_t misaddressed;    /* dropped: for another slot */
    uint64_t duplicate;       /* dropped: (sender, sequence) delivered already */
    uint64_t over_limit;      /* dropped: over the size limit, or the queue was full */
} ms_net_counters;

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

void ms_local_writer_close(ms_local_writer *w);

/* ---- host --------------------------------------------------------------- */

/* 1 when host (folded to lower case) names this machine: its host name, the
 * first label of it, "localhost", or a loopback address literal. */
int ms_plat_is_this_host(const char *host);

/* The text of an OS error number. */
void ms_plat_strerror(int err, char *buf, size_t cap);

#endif
