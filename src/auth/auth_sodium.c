/* SPDX-License-Identifier: MIT */
/* auth_sodium.c -- the cryptography of authenticated packets
 * (abi/PROTOCOL.md section 8) with libsodium: subkeys and key ids from
 * crypto_kdf, suite 1 crypto_auth (HMAC-SHA512-256), suite 2
 * crypto_aead_xchacha20poly1305_ietf with a detached tag. */
#include "auth/auth.h"
#include "bytes.h"
#include "error.h"

#include "mailslot.h"

#include <sodium.h>
#include <string.h>

#if crypto_auth_BYTES != MS_AUTH_HMAC_TAG || crypto_auth_KEYBYTES != 32 ||                         \
    crypto_aead_xchacha20poly1305_ietf_ABYTES != MS_AUTH_AEAD_TAG ||                               \
    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES != MS_AUTH_NONCE_BYTES ||                         \
    crypto_kdf_KEYBYTES != MS_AUTH_KEY_BYTES || crypto_kdf_CONTEXTBYTES != 8
#error "libsodium's sizes differ from PROTOCOL.md section 8"
#endif

/* The associated data of suite 2: every byte of the packet but the payload
 * and the tag. */
#define AD_MAX (MS_WIRE_HEADER + MS_WIRE_MAX_TARGET + MS_WIRE_MAX_PATH + 2 + MS_AUTH_TRAILER_AEAD)

/* sodium_init is idempotent and thread-safe. Seal and verify take a key
 * that ms_auth_key_init made, so libsodium is ready by then. */
static int ready(void)
{
    return sodium_init() >= 0;
}

int ms_auth_available(void)
{
    return ready();
}

int ms_auth_key_init(ms_auth_key *k, const unsigned char key[MS_AUTH_KEY_BYTES])
{
    memset(k, 0, sizeof *k);
    if (!ready())
        return ms_fail(MAILSLOT_E_SYSTEM, "libsodium failed to initialise");
    unsigned char id[16];
    crypto_kdf_derive_from_key(k->hmac, sizeof k->hmac, MS_AUTH_SUBKEY_HMAC, MS_AUTH_KDF_CONTEXT,
                               key);
    crypto_kdf_derive_from_key(k->aead, sizeof k->aead, MS_AUTH_SUBKEY_AEAD, MS_AUTH_KDF_CONTEXT,
                               key);
    crypto_kdf_derive_from_key(id, sizeof id, MS_AUTH_SUBKEY_ID, MS_AUTH_KDF_CONTEXT, key);
    k->id = (uint32_t)id[0] << 24 | (uint32_t)id[1] << 16 | (uint32_t)id[2] << 8 | id[3];
    sodium_memzero(id, sizeof id);
    return MAILSLOT_OK;
}

void ms_auth_key_clear(ms_auth_key *k)
{
    sodium_memzero(k, sizeof *k);
}

void ms_auth_random_nonce(unsigned char nonce[MS_AUTH_NONCE_BYTES])
{
    if (!ready())
        return;
    randombytes_buf(nonce, MS_AUTH_NONCE_BYTES);
}

/* Where the payload of an encoded packet starts. */
static size_t payload_at(const ms_packet *p)
{
    return MS_WIRE_HEADER + p->target_len + p->path_len;
}

/* Suite 2's associated data of the len-byte packet buf; returns its length. */
static size_t associated(const unsigned char *buf, size_t len, const ms_packet *p,
                         unsigned char ad[AD_MAX])
{
    size_t at = payload_at(p), after = at + p->payload_len;
    size_t rest = len - MS_AUTH_AEAD_TAG - after;
    memcpy(ad, buf, at);
    memcpy(ad + at, buf + after, rest);
    return at + rest;
}

size_t ms_auth_seal(const ms_auth_key *k, int suite, const ms_packet *p, uint64_t timestamp,
                    const unsigned char *nonce, unsigned char *buf, size_t cap)
{
    if ((suite != MS_AUTH_SUITE_HMAC && suite != MS_AUTH_SUITE_AEAD) ||
        (suite == MS_AUTH_SUITE_AEAD && !nonce))
        return 0;
    unsigned char trailer[MS_AUTH_TRAILER_AEAD] = {0};
    trailer[0] = (unsigned char)suite;
    ms_put32(trailer + 1, k->id);
    ms_put64(trailer + 5, timestamp);
    ms_packet q = *p;
    q.flags = MS_WIRE_FLAG_TRAILER;
    q.trailer = trailer;
    if (suite == MS_AUTH_SUITE_HMAC) {
        q.version = MS_WIRE_VERSION;
        q.trailer_len = MS_AUTH_TRAILER_HMAC;
    } else {
        q.version = MS_WIRE_VERSION_SEALED;
        q.trailer_len = MS_AUTH_TRAILER_AEAD;
        memcpy(trailer + MS_AUTH_PREFIX, nonce, MS_AUTH_NONCE_BYTES);
    }
    size_t n = ms_wire_encode(&q, buf, cap);
    if (n == 0)
        return 0;
    if (suite == MS_AUTH_SUITE_HMAC) {
        crypto_auth(buf + n - MS_AUTH_HMAC_TAG, buf, n - MS_AUTH_HMAC_TAG, k->hmac);
        return n;
    }
    unsigned char ad[AD_MAX];
    size_t adlen = associated(buf, n, &q, ad);
    unsigned char *m = buf + payload_at(&q);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
        m, buf + n - MS_AUTH_AEAD_TAG, NULL, m, q.payload_len, ad, adlen, NULL, nonce, k->aead);
    return n;
}

ms_auth_result ms_auth_verify(const ms_auth_key *k, const unsigned char *buf, size_t len,
                              ms_packet *out, const ms_auth_info *info, unsigned char *plain)
{
    if (info->suite == MS_AUTH_SUITE_HMAC) {
        if (len < MS_AUTH_HMAC_TAG || crypto_auth_verify(buf + len - MS_AUTH_HMAC_TAG, buf,
                                                         len - MS_AUTH_HMAC_TAG, k->hmac) != 0)
            return MS_AUTH_BAD_TAG;
        return MS_AUTH_OK;
    }
    if (info->suite != MS_AUTH_SUITE_AEAD || len < MS_AUTH_AEAD_TAG)
        return MS_AUTH_BAD_TAG;
    unsigned char ad[AD_MAX];
    size_t adlen = associated(buf, len, out, ad);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
            plain, NULL, out->payload, out->payload_len, buf + len - MS_AUTH_AEAD_TAG, ad, adlen,
            out->trailer + MS_AUTH_PREFIX, k->aead) != 0)
        return MS_AUTH_BAD_TAG;
    out->payload = plain;
    return MS_AUTH_OK;
}
