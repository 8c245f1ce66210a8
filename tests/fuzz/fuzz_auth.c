/* SPDX-License-Identifier: MIT */
/* fuzz_auth.c -- libFuzzer target: the authenticated decoder
 * (abi/PROTOCOL.md section 8) with a fixed key and a replay window.
 *
 * An input whose first byte is even carries a datagram after it: it must never be read
 * out of bounds, and only a genuine seal may be accepted (the fuzzer cannot
 * forge one; the seeds hold genuine ones). An input whose first byte is odd
 * builds a packet from its bytes, seals it with the suite it names, changes
 * it where its bytes say, and opens it: accepted exactly when nothing
 * changed, and then with the payload that was sealed. */
#include "auth/auth.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define NOW 1767225600000ull

static ms_auth_key keys[2];
static int ready = -1;

static void setup(void)
{
    unsigned char m[MS_AUTH_KEY_BYTES];
    for (int i = 0; i < MS_AUTH_KEY_BYTES; i++)
        m[i] = (unsigned char)i; /* the key of PROTOCOL.md section 8.6 */
    ready = ms_auth_key_init(&keys[0], m) == 0;
    m[0] = 0xFF;
    if (ready)
        ready = ms_auth_key_init(&keys[1], m) == 0;
}

static void datagram(const unsigned char *data, size_t size)
{
    ms_replay r;
    if (ms_replay_init(&r, 128, 4, MS_REPLAY_TIME_DEFAULT) != 0)
        abort();
    unsigned char plain[MS_WIRE_MAX_PAYLOAD];
    ms_packet out;
    ms_auth_info info;
    ms_auth_result res = ms_auth_open(keys, 2, &r, NOW, data, size, &out, &info, plain);
    if (res == MS_AUTH_OK) {
        /* The same datagram again is a replay. */
        if (ms_auth_open(keys, 2, &r, NOW, data, size, &out, &info, plain) != MS_AUTH_REPLAY)
            abort();
    }
    ms_replay_destroy(&r);
}

static void sealed(const unsigned char *data, size_t size)
{
    if (size < 8)
        return;
    int suite = 1 + (data[1] & 1);
    size_t mutations = data[2] % 4;
    const unsigned char *edits = data + 3;
    size_t nedits = mutations * 3 < size - 3 ? mutations : (size - 3) / 3;
    const unsigned char *payload = edits + nedits * 3;
    size_t len = size - 3 - nedits * 3;
    if (len > MS_WIRE_MAX_PAYLOAD)
        len = MS_WIRE_MAX_PAYLOAD;
    ms_packet p = {.target_kind = data[1] & 2 ? MS_WIRE_TO_HOST : MS_WIRE_TO_ALL,
                   .target = data[1] & 2 ? "hostb" : "",
                   .target_len = data[1] & 2 ? 5 : 0,
                   .path = "app\\log",
                   .path_len = 7,
                   .sender = 0x0102030405060708ull ^ data[3],
                   .seq = data[4],
                   .payload = payload,
                   .payload_len = len};
    unsigned char nonce[MS_AUTH_NONCE_BYTES] = {0};
    memcpy(nonce, data, 5);
    unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
    size_t n = ms_auth_seal(&keys[data[1] >> 7 & 1], suite, &p, NOW, nonce, buf, sizeof buf);
    if (n == 0)
        abort();
    int changed = 0;
    for (size_t i = 0; i < nedits; i++) {
        size_t at = ((size_t)edits[3 * i] << 8 | edits[3 * i + 1]) % n;
        buf[at] ^= edits[3 * i + 2];
        changed |= edits[3 * i + 2] != 0;
    }
    /* Edits at the same place may cancel out. */
    if (changed) {
        unsigned char again[MS_WIRE_MAX_PACKET];
        size_t m =
            ms_auth_seal(&keys[data[1] >> 7 & 1], suite, &p, NOW, nonce, again, sizeof again);
        changed = m != n || memcmp(again, buf, n) != 0;
    }
    ms_packet out;
    ms_auth_info info;
    ms_auth_result res = ms_auth_open(keys, 2, NULL, NOW, buf, n, &out, &info, plain);
    if (changed != (res != MS_AUTH_OK))
        abort();
    if (res == MS_AUTH_OK &&
        (out.payload_len != len || (len && memcmp(out.payload, payload, len) != 0)))
        abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (ready < 0)
        setup();
    if (!ready || size == 0)
        return 0; /* built without libsodium: nothing to fuzz but the stub */
    if (data[0] & 1)
        sealed(data, size);
    else
        datagram(data + 1, size - 1);
    return 0;
}
