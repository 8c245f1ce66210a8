/* SPDX-License-Identifier: MIT */
/* auth_stub.c -- auth.h without libsodium: nothing can be sealed or
 * verified, and every call says so (MAILSLOT_WITH_SODIUM off, or libsodium
 * not found; the Windows cross build). */
#include "auth/auth.h"
#include "error.h"

#include "mailslot.h"

#include <string.h>

int ms_auth_available(void)
{
    return 0;
}

int ms_auth_key_init(ms_auth_key *k, const unsigned char key[MS_AUTH_KEY_BYTES])
{
    (void)key;
    memset(k, 0, sizeof *k);
    return ms_fail(MAILSLOT_E_INVALID,
                   "network keys need libsodium: this library was built without libsodium");
}

void ms_auth_key_clear(ms_auth_key *k)
{
    volatile unsigned char *p = (volatile unsigned char *)k;
    for (size_t i = 0; i < sizeof *k; i++)
        p[i] = 0;
}

void ms_auth_random_nonce(unsigned char nonce[MS_AUTH_NONCE_BYTES])
{
    memset(nonce, 0, MS_AUTH_NONCE_BYTES);
}

size_t ms_auth_seal(const ms_auth_key *k, int suite, const ms_packet *p, uint64_t timestamp,
                    const unsigned char *nonce, unsigned char *buf, size_t cap)
{
    (void)k, (void)suite, (void)p, (void)timestamp, (void)nonce, (void)buf, (void)cap;
    return 0;
}

ms_auth_result ms_auth_verify(const ms_auth_key *k, const unsigned char *buf, size_t len,
                              ms_packet *out, const ms_auth_info *info, unsigned char *plain)
{
    (void)k, (void)buf, (void)len, (void)out, (void)info, (void)plain;
    return MS_AUTH_UNAVAILABLE;
}
