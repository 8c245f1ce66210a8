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

/* 1 when host (folded to lower case) names this machine: its host name (or
 * the first label of both agree), "localhost", or an address literal of one
 * of its interfaces. */
int ms_plat_is_this_host(const char *host);

/* The text of an OS error number. */
void ms_plat_strerror(int err, char *buf, size_t cap);

#endif
