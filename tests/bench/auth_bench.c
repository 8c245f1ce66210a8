/* SPDX-License-Identifier: MIT */
/* auth_bench.c -- what sealing and opening cost per packet, for each suite
 * of abi/PROTOCOL.md section 8, at 64 B and 1 KiB of payload. A benchmark,
 * not a test: it prints ns/packet.
 *
 *   cmake --build --preset release --target auth_bench
 *   ./build/release/tests/bench/auth_bench [--quick]
 *
 * "open" is the whole receiving path of section 8.4 (parse, key lookup,
 * time and replay checks, verify, commit), each packet with a new sequence;
 * "plain" is the version 1 decoder on an unauthenticated packet, for scale. */
#define _POSIX_C_SOURCE 200809L
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define NOW 1767225600000ull

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
    unsigned rounds = quick ? 20000 : 200000;
    unsigned char master[MS_AUTH_KEY_BYTES] = {0};
    ms_auth_key k;
    if (ms_auth_key_init(&k, master) != 0) {
        fprintf(stderr, "auth_bench: built without libsodium\n");
        return 77;
    }
    static unsigned char payload[MS_WIRE_MAX_PAYLOAD];
    memset(payload, 0xA5, sizeof payload);
    printf("%-22s %8s %12s %12s\n", "suite", "payload", "seal ns", "open ns");
    size_t sizes[] = {64, 1024};
    for (int suite = 0; suite <= 2; suite++) {
        for (int si = 0; si < 2; si++) {
            ms_packet p = {.target_kind = MS_WIRE_TO_ALL,
                           .target = "",
                           .path = "app\\log",
                           .path_len = 7,
                           .sender = 42,
                           .payload = payload,
                           .payload_len = sizes[si]};
            ms_replay r;
            if (ms_replay_init(&r, 1024, MS_REPLAY_SENDERS_DEFAULT, MS_REPLAY_TIME_DEFAULT) != 0)
                return 1;
            unsigned char buf[MS_WIRE_MAX_PACKET], plain[MS_WIRE_MAX_PAYLOAD];
            unsigned char nonce[MS_AUTH_NONCE_BYTES];
            volatile size_t sink = 0;
            double t0 = now_ns();
            for (unsigned i = 0; i < rounds; i++) {
                p.seq = i;
                if (suite == 2)
                    ms_auth_random_nonce(nonce); /* part of the sender's cost */
                sink += suite ? ms_auth_seal(&k, suite, &p, NOW, nonce, buf, sizeof buf)
                              : ms_wire_encode(&p, buf, sizeof buf);
            }
            double seal = (now_ns() - t0) / rounds;
            /* Open fresh packets: seal each first, time only the opening. */
            double open = 0;
            for (unsigned i = 0; i < rounds; i++) {
                p.seq = i;
                size_t n = suite ? ms_auth_seal(&k, suite, &p, NOW, nonce, buf, sizeof buf)
                                 : ms_wire_encode(&p, buf, sizeof buf);
                ms_packet out;
                ms_auth_info info;
                double t1 = now_ns();
                int ok =
                    suite ? ms_auth_open(&k, 1, &r, NOW, buf, n, &out, &info, plain) == MS_AUTH_OK
                          : ms_wire_decode(buf, n, &out) == MS_WIRE_OK;
                open += now_ns() - t1;
                if (!ok) {
                    fprintf(stderr, "auth_bench: packet %u not accepted\n", i);
                    return 1;
                }
            }
            open /= rounds;
            const char *name = suite == 0   ? "plain (version 1)"
                               : suite == 1 ? "1 HMAC-SHA512-256"
                                            : "2 XChaCha20-Poly1305";
            printf("%-22s %6zu B %12.0f %12.0f\n", name, sizes[si], seal, open);
            ms_replay_destroy(&r);
            (void)sink;
        }
    }
    ms_auth_key_clear(&k);
    return 0;
}
