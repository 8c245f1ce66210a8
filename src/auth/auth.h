/* SPDX-License-Identifier: MIT */
/* auth.h -- authenticated network packets (abi/PROTOCOL.md section 8):
 * sealing and opening for the two suites, with libsodium. Pure: the caller
 * passes the clock (timestamps, "now") and the nonce (its RNG), so that
 * everything here can be tested with fixed values and fuzzed.
 *
 * Without libsodium (MAILSLOT_WITH_SODIUM off) auth_stub.c provides the
 * same functions: ms_auth_available() is 0 and every other call fails with
 * MAILSLOT_E_INVALID, "built without libsodium". */
#ifndef MS_AUTH_H
#define MS_AUTH_H

#include "auth/replay.h"
#include "net/wire.h"

#include <stddef.h>
#include <stdint.h>

#define MS_AUTH_KEY_BYTES 32 /* the configured key (crypto_kdf_KEYBYTES) */
#define MS_AUTH_SUITE_HMAC 1 /* HMAC-SHA512-256 over the packet (default) */
#define MS_AUTH_SUITE_AEAD 2 /* XChaCha20-Poly1305, payload encrypted (version 2) */
#define MS_AUTH_KDF_CONTEXT "MSLTAUTH"
#define MS_AUTH_SUBKEY_HMAC 1 /* subkey ids of crypto_kdf_derive_from_key */
#define MS_AUTH_SUBKEY_AEAD 2
#define MS_AUTH_SUBKEY_ID 3
#define MS_AUTH_NONCE_BYTES 24
#define MS_AUTH_HMAC_TAG 32
#define MS_AUTH_AEAD_TAG 16
#define MS_AUTH_PREFIX 13                                        /* suite, key id, timestamp */
#define MS_AUTH_TRAILER_HMAC (MS_AUTH_PREFIX + MS_AUTH_HMAC_TAG) /* 45 */
#define MS_AUTH_TRAILER_AEAD (MS_AUTH_PREFIX + MS_AUTH_NONCE_BYTES + MS_AUTH_AEAD_TAG) /* 53 */

/* A configured key, ready for use: its id and one subkey per suite. */
typedef struct ms_auth_key {
    uint32_t id;
    unsigned char hmac[32];
    unsigned char aead[32];
} ms_auth_key;

/* Why a packet was not accepted; PROTOCOL.md section 8.4 gives the order. */
typedef enum ms_auth_result {
    MS_AUTH_OK = 0,
    MS_AUTH_MALFORMED,     /* broke a rule of section 4 (or 8.1): see wire */
    MS_AUTH_NO_AUTH,       /* version 1 without an authentication trailer */
    MS_AUTH_UNKNOWN_SUITE, /* a trailer of a suite this build does not know */
    MS_AUTH_UNKNOWN_KEY,   /* no configured key has the packet's key id */
    MS_AUTH_STALE,
    MS_AUTH_FUTURE,
    MS_AUTH_REPLAY,     /* duplicate, or behind the sender's window */
    MS_AUTH_BAD_TAG,    /* the tag does not verify: forged or changed */
    MS_AUTH_FULL,       /* verified, but the replay table has no room */
    MS_AUTH_UNAVAILABLE /* built without libsodium */
} ms_auth_result;

/* What an opened (or parsed) packet carries besides its ms_packet. */
typedef struct ms_auth_info {
    uint8_t suite;
    uint32_t key_id;
    uint64_t timestamp;  /* ms since the epoch, the sender's clock */
    ms_wire_result wire; /* with MS_AUTH_MALFORMED */
    ms_replay_result replay;
} ms_auth_info;

/* 1 when built with libsodium. */
int ms_auth_available(void);

/* Derives the subkeys and the key id from a configured key (PROTOCOL.md
 * section 8.3). MAILSLOT_OK, or MAILSLOT_E_INVALID without libsodium. */
int ms_auth_key_init(ms_auth_key *k, const unsigned char key[MS_AUTH_KEY_BYTES]);

/* Wipes a key. */
void ms_auth_key_clear(ms_auth_key *k);

/* Fills a nonce from the system's CSPRNG (randombytes_buf). */
void ms_auth_random_nonce(unsigned char nonce[MS_AUTH_NONCE_BYTES]);

/* Encodes p sealed with suite 1 or 2 (p's version, flags and trailer are
 * ignored: the seal sets them); nonce only for suite 2. Returns the
 * packet's length, or 0 when p breaks a rule, the packet does not fit in
 * cap, the suite is unknown, or there is no libsodium. */
size_t ms_auth_seal(const ms_auth_key *k, int suite, const ms_packet *p, uint64_t timestamp,
                    const unsigned char *nonce, unsigned char *buf, size_t cap);

/* Decodes a datagram and reads its authentication fields, without any
 * cryptography: MS_AUTH_OK, MALFORMED, NO_AUTH or UNKNOWN_SUITE. */
ms_auth_result ms_auth_parse(const unsigned char *buf, size_t len, ms_packet *out,
                             ms_auth_info *info);

/* Verifies the tag of a packet ms_auth_parse accepted, with the key of its
 * key id (constant time). For suite 2 the payload is decrypted into plain
 * (at least out->payload_len bytes) and out->payload points there.
 * MS_AUTH_OK or MS_AUTH_BAD_TAG. */
ms_auth_result ms_auth_verify(const ms_auth_key *k, const unsigned char *buf, size_t len,
                              ms_packet *out, const ms_auth_info *info, unsigned char *plain);

/* The receiving path of section 8.4: parse, find the key among keys[0..n),
 * check the timestamp and the replay window, verify, then commit to the
 * window. replay may be NULL (no replay or time checks: tests only). plain
 * holds at least MS_WIRE_MAX_PAYLOAD bytes. */
ms_auth_result ms_auth_open(const ms_auth_key *keys, size_t n, ms_replay *replay, uint64_t now,
                            const unsigned char *buf, size_t len, ms_packet *out,
                            ms_auth_info *info, unsigned char *plain);

/* The steps of ms_auth_open after the key lookup, for a packet that
 * ms_auth_parse accepted and whose key k the caller found (keyring.h). */
ms_auth_result ms_auth_open_parsed(const ms_auth_key *k, ms_replay *replay, uint64_t now,
                                   const unsigned char *buf, size_t len, ms_packet *out,
                                   ms_auth_info *info, unsigned char *plain);

/* A short text for a result, e.g. "bad tag". */
const char *ms_auth_result_text(ms_auth_result r);

#endif
