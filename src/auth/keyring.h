/* SPDX-License-Identifier: MIT */
/* keyring.h -- the keys of a reader or writer (abi/PROTOCOL.md section 8):
 * the key file format of abi/mailslot.h ("Network keys"), and which key
 * signs a message and which keys verify one. Pure: the caller reads the file
 * and passes the time, so everything here can be tested and fuzzed alone.
 *
 * A key file, one key per line ('#' starts a comment, blank lines are
 * allowed, fields are separated by spaces or tabs):
 *     key <64 hex digits> [send-from=T] [send-until=T] [accept-from=T]
 *         [accept-until=T] [domain=NAME] [slot=PATH]
 * T: "YYYY-MM-DDTHH:MM:SSZ", "YYYY-MM-DD" (midnight UTC) or "@SECONDS"
 * since the epoch. Periods are [from, until): accept-from defaults to the
 * beginning of time, accept-until to the end; send-from defaults to
 * accept-from and send-until to accept-until; the send period must lie
 * inside the accept period, so that a host accepts what it sends. domain is
 * a domain name as in MAILSLOT_OPT_DOMAIN (folded to lower case); slot is a
 * slot path as in a name after "\mailslot\" (or a whole local name
 * "\\.\mailslot\PATH"), canonical as ms_name_parse makes it. */
#ifndef MS_KEYRING_H
#define MS_KEYRING_H

#include "auth/auth.h"
#include "name.h"
#include "net/wire.h"

#include <stddef.h>
#include <stdint.h>

#define MS_KEYRING_MAX 32      /* keys in one keyring */
#define MS_KEYFILE_MAX 65536   /* bytes of key file text */
#define MS_KEYFILE_LINE 1024   /* bytes of one line, without its end */
#define MS_TIME_END UINT64_MAX /* "until the end of time" */

typedef struct ms_keyring_entry {
    ms_auth_key key;       /* the key's id and subkeys */
    uint64_t accept_from;  /* ms since the epoch, inclusive */
    uint64_t accept_until; /* exclusive; MS_TIME_END: no end */
    uint64_t send_from;
    uint64_t send_until;
    char domain[MS_HOST_MAX + 1]; /* "": any target */
    char slot[MS_PATH_MAX + 1];   /* "": any slot */
    unsigned line;                /* where it was in the text, for details */
} ms_keyring_entry;

typedef struct ms_keyring {
    size_t n;
    ms_keyring_entry keys[MS_KEYRING_MAX];
} ms_keyring;

/* Parses key file text (len bytes; need not end in NUL or a newline) into
 * *kr, replacing what it held. what names the source in details ("key file
 * /etc/mailslot/keys", "MAILSLOT_OPT_KEYS"). Returns MAILSLOT_OK, or
 * MAILSLOT_E_INVALID with a detail "WHAT: line N: ..." for: text over
 * MS_KEYFILE_MAX bytes, a line over MS_KEYFILE_LINE, a NUL byte, a line that
 * is not "key HEX ...", a key that is not 64 hex digits, an unknown or
 * repeated attribute, a bad time, domain or slot, a period that ends before
 * it begins, a send period outside the accept period, two keys with the same
 * key id, more than MS_KEYRING_MAX keys, or no key at all; "built without
 * libsodium" when ms_auth_available() is 0. On failure *kr is empty. */
int ms_keyring_parse(ms_keyring *kr, const char *text, size_t len, const char *what);

/* Wipes every key (sodium_memzero where available). */
void ms_keyring_clear(ms_keyring *kr);

/* 1 when e's scope covers a packet with these fields (target as on the wire:
 * lower case, not NUL-terminated; path likewise). */
int ms_keyring_covers(const ms_keyring_entry *e, const ms_packet *p);

/* The key to sign p with at time now (ms since the epoch): among the keys
 * whose send period holds now and whose scope covers p, those of the
 * narrowest scope (slot and domain, then slot, then domain, then none), of
 * those the latest send_from, of those the last in the text. NULL when none. */
const ms_keyring_entry *ms_keyring_for_sending(const ms_keyring *kr, const ms_packet *p,
                                               uint64_t now);

/* The key with this key id when its accept period holds now and its scope
 * covers p; NULL otherwise. */
const ms_auth_key *ms_keyring_for_receiving(const ms_keyring *kr, uint32_t key_id,
                                            const ms_packet *p, uint64_t now);

/* Parses a time as the key file writes it (see above) into ms since the
 * epoch. MAILSLOT_OK or MAILSLOT_E_INVALID (no detail). */
int ms_time_parse(const char *text, size_t len, uint64_t *ms);

/* Writes ms (a whole second) as "YYYY-MM-DDTHH:MM:SSZ" with its NUL (cap
 * >= 21). */
void ms_time_format(uint64_t ms, char *buf, size_t cap);

/* Writes one key line, "key HEX" then " ATTRS" when attrs is not empty, then
 * a newline and a NUL, into buf (cap >= 70 + strlen(attrs)). Returns the
 * length without the NUL, or 0 when it does not fit. */
size_t ms_keyring_format_line(const unsigned char key[MS_AUTH_KEY_BYTES], const char *attrs,
                              char *buf, size_t cap);

#endif
